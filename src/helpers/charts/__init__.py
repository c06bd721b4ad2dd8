"""Altair chart builders: each takes a tidy DataFrame and returns an ``alt.Chart``.

No builder saves or shows a chart.

One outlet colour scale (:func:`outlet_color`) and one theme (``framekit``) serve every chart.
"""

from helpers.charts import altair_import  # noqa: F401, I001  (first: see its docstring)
from helpers.charts.base import outlet_color, outlet_scale, use_outlets
from helpers.charts.corpus import chart_article_lengths, chart_outlet_profiles, chart_removed
from helpers.charts.framing import (  # noqa: F401
    chart_actor_heatmap,
    chart_actor_tone,
    chart_attribution_verbs,
    chart_frame_heatmap,
    chart_headline_actors,
    chart_quote_share,
    chart_quotes_by_speaker,
    chart_tone,
)
from helpers.charts.overlap import (  # noqa: F401
    chart_article_map,
    chart_coverage_matrix,
    chart_distinctive_scatter,
    chart_distinctive_terms,
    chart_similarity_heatmap,
    chart_wire_overlap,
)
from helpers.charts.readability import (  # noqa: F401
    chart_grade_levels,
    chart_intervals,
    chart_paragraph_spread,
    chart_sentence_lengths,
)
from helpers.charts.render import enable_renderer  # noqa: F401  (enables it on import)
from helpers.charts.topics import (  # noqa: F401
    chart_topic_paragraphs,
    chart_topic_positions,
    chart_topic_selection,
    chart_topic_shares,
    chart_topic_terms,
)
