"""Charts for wire copy, omissions, distinctive vocabulary and article similarity.

Every builder takes the tidy table of its helper (:mod:`helpers.coverage`,
:mod:`helpers.distinctive`, :mod:`helpers.similarity`) and returns an Altair chart with tooltips
that carry the sentences behind each mark. Outlets are coloured with the kit's one scale.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.charts.base import clip_text, outlet_color

SHARE_SCALE = alt.Scale(scheme="blues", domain=[0, 1])
ABSENT_COLOUR = "#e3e3e3"
CELL = 14  # pixels per row of a matrix chart
#: Chart-size limits: every builder keeps its data far below Altair's 5,000-row limit (the full
#: tables stay in the CSV files).
MAX_FACTS = 40
MAX_HEATMAP_ARTICLES = 40
MAX_MAP_POINTS = 2000
MAX_LABELLED_POINTS = 40


def chart_wire_overlap(overlap: pd.DataFrame) -> alt.LayerChart:
    """Heatmap: share of the row outlet's sentences found in the column outlet.

    ``overlap`` is :func:`helpers.coverage.summarize_wire_overlap`'s table; the tooltip shows
    the counts, the share's 95% interval and one shared sentence.
    """
    data = overlap.assign(percent=(overlap["share_of_a_in_b"] * 100).round().astype(int),
                          example=clip_text(overlap["example"]))
    base = alt.Chart(data).encode(
        x=alt.X("outlet_b:N", title="…also found in", axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("outlet_a:N", title="Sentences of"),
    )
    tooltip = [alt.Tooltip("outlet_a:N", title="Sentences of"),
               alt.Tooltip("outlet_b:N", title="Found in"),
               alt.Tooltip("n_shared:Q", title="Shared"),
               alt.Tooltip("n_sentences_a:Q", title="Out of"),
               alt.Tooltip("share_of_a_in_b:Q", title="Share", format=".0%"),
               *([alt.Tooltip("share_low:Q", title="95% interval from", format=".0%"),
                  alt.Tooltip("share_high:Q", title="95% interval to", format=".0%")]
                 if "share_low" in data else []),
               alt.Tooltip("example:N", title="Example")]
    cells = base.mark_rect().encode(
        color=alt.Color("share_of_a_in_b:Q", scale=SHARE_SCALE, title="Share",
                        legend=alt.Legend(format=".0%")),
        tooltip=tooltip)
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text("percent:Q", format="d"),
        color=alt.condition("datum.share_of_a_in_b > 0.5", alt.value("white"), alt.value("black")),
        tooltip=tooltip)
    return (cells + labels).properties(title="Share of each outlet's sentences found in another "
                                             "outlet (%)", width=320, height=320)


def chart_coverage_matrix(matrix: pd.DataFrame, *, max_facts: int | None = MAX_FACTS
                          ) -> alt.Chart:
    """Dot matrix of facts (rows) by outlet (columns) for facts at least one outlet leaves out.

    ``matrix`` is :func:`helpers.coverage.build_coverage_matrix`'s table. Filled dots in the
    outlet's colour mark outlets carrying the fact; grey dots mark omissions. Rows are ordered
    by how many outlets carry the fact (``cluster_id`` order). At most ``max_facts`` facts are
    drawn (``None`` for all): when more facts are left out somewhere, the chart keeps the most
    informative omissions, the facts carried by the most outlets (at least two) yet missing in
    some, then facts carried by one outlet only; the full table is ``coverage_matrix.csv``.
    """
    n_outlets = matrix["outlet"].nunique()
    data = matrix[matrix["n_outlets"] < n_outlets]
    if max_facts is not None:
        facts = data.drop_duplicates("cluster_id").assign(single=lambda t: t["n_outlets"] < 2)
        facts = facts.sort_values(["single", "n_outlets", "cluster_id"],
                                  ascending=[True, False, True])
        data = data[data["cluster_id"].isin(facts["cluster_id"].head(max_facts))]
    data = data.assign(label=clip_text(data["label"], 90))
    data = data.assign(row=data["cluster_id"].astype(str).str.zfill(4) + " " + data["label"],
                       status=data["present"].map({True: "carries it", False: "leaves it out"}),
                       sentence=clip_text(data["sentence"]))
    n_rows = max(data["cluster_id"].nunique(), 1)
    return alt.Chart(data).mark_circle(size=110, opacity=1).encode(
        x=alt.X("outlet:N", title=None, axis=alt.Axis(labelAngle=-30, orient="top")),
        y=alt.Y("row:N", title=None, sort="ascending",
                axis=alt.Axis(labelExpr="substring(datum.label, 5)", labelLimit=520)),
        color=alt.condition("datum.present", outlet_color(legend=False), alt.value(ABSENT_COLOUR)),
        tooltip=[alt.Tooltip("label:N", title="Fact"), alt.Tooltip("outlet:N", title="Outlet"),
                 alt.Tooltip("status:N", title="Outlet"),
                 alt.Tooltip("n_outlets:Q", title="Outlets carrying it"),
                 alt.Tooltip("sentence:N", title="Its sentence")],
    ).properties(title="Facts some outlets leave out (grey = not carried)",
                 width=40 * max(n_outlets, 1), height=CELL * n_rows)


def chart_distinctive_terms(top: pd.DataFrame) -> alt.FacetChart:
    """Bars of each outlet's most distinctive terms (z-score), one panel per outlet.

    ``top`` is :func:`helpers.distinctive.top_distinctive_terms`'s table.
    """
    return alt.Chart(top).mark_bar().encode(
        x=alt.X("z:Q", title="z-score of the log-odds ratio (vs all other outlets)"),
        y=alt.Y("term:N", title=None, sort="-x"),
        color=outlet_color(legend=False),
        tooltip=[alt.Tooltip("outlet:N", title="Outlet"), alt.Tooltip("term:N", title="Term"),
                 alt.Tooltip("z:Q", format=".2f"), alt.Tooltip("log_odds:Q", format=".2f"),
                 alt.Tooltip("count:Q", title="Uses in outlet"),
                 alt.Tooltip("count_rest:Q", title="Uses elsewhere"),
                 alt.Tooltip("tfidf:Q", title="TF-IDF", format=".3f"),
                 alt.Tooltip("example:N", title="Example")],
    ).properties(width=300, height=alt.Step(16)).facet(
        row=alt.Row("outlet:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
    ).resolve_scale(y="independent")


def chart_distinctive_scatter(table: pd.DataFrame, *, max_points: int = 400) -> alt.Chart:
    """Frequency (all outlets, log scale) against distinctiveness (z) of every term an outlet uses.

    ``table`` is :func:`helpers.distinctive.find_distinctive_terms`'s table; only the
    ``max_points`` rows with the largest ``|z|`` are drawn, with only the columns the chart
    uses and example sentences cut to 160 characters (the chart stays small in the report).
    """
    data = table[table["count"] > 0].assign(total=lambda t: t["count"] + t["count_rest"],
                                            abs_z=lambda t: t["z"].abs())
    data = data.sort_values(["abs_z", "outlet", "term"], ascending=[False, True, True])
    data = data.head(max_points)[["outlet", "term", "z", "count", "count_rest", "total",
                                  "example"]]
    data = data.assign(example=clip_text(data["example"]))
    return alt.Chart(data).mark_circle(size=45, opacity=0.75).encode(
        x=alt.X("total:Q", title="Uses in the whole collection (log scale)",
                scale=alt.Scale(type="log")),
        y=alt.Y("z:Q", title="z-score (this outlet vs the rest)"),
        color=outlet_color(),
        tooltip=[alt.Tooltip("outlet:N", title="Outlet"), alt.Tooltip("term:N", title="Term"),
                 alt.Tooltip("z:Q", format=".2f"), alt.Tooltip("count:Q", title="Uses in outlet"),
                 alt.Tooltip("count_rest:Q", title="Uses elsewhere"),
                 alt.Tooltip("example:N", title="Example")],
    ).properties(title="Frequent and distinctive: terms in the upper right", width=460, height=300)


def chart_similarity_heatmap(table: pd.DataFrame, *, outlet_table: pd.DataFrame | None = None,
                             max_articles: int = MAX_HEATMAP_ARTICLES) -> alt.LayerChart:
    """Heatmap of TF-IDF cosine similarity: article × article, or outlet × outlet when large.

    ``table`` is :func:`helpers.similarity.compare_articles`' table. Up to ``max_articles``
    articles the heatmap shows every article pair. Above that (or when ``table`` has no rows)
    it shows ``outlet_table`` (:func:`helpers.similarity.compare_outlets`: the mean cosine of
    each outlet's articles with each outlet's), which stays outlets × outlets whatever the size
    of the collection; without ``outlet_table`` the mean over the pairs in ``table`` is used.
    """
    n_articles = table["label_a"].nunique()
    if 0 < n_articles <= max_articles:
        data = table.assign(headline_a=clip_text(table["headline_a"], 80),
                            headline_b=clip_text(table["headline_b"], 80))
        tooltip = [alt.Tooltip("label_a:N", title="Article"),
                   alt.Tooltip("headline_a:N", title="Headline"),
                   alt.Tooltip("label_b:N", title="Compared with"),
                   alt.Tooltip("headline_b:N", title="Its headline"),
                   alt.Tooltip("cosine:Q", title="Cosine", format=".2f")]
        title = "How alike are the articles? (TF-IDF cosine)"
    else:
        if outlet_table is None:
            outlet_table = (table.groupby(["outlet_a", "outlet_b"], as_index=False)
                            .agg(cosine=("cosine", "mean"), pairs=("cosine", "size")))
        data = outlet_table.assign(label_a=outlet_table["outlet_a"],
                                   label_b=outlet_table["outlet_b"])
        tooltip = [alt.Tooltip("outlet_a:N", title="Articles of"),
                   alt.Tooltip("outlet_b:N", title="Compared with"),
                   alt.Tooltip("pairs:Q", title="Article pairs"),
                   alt.Tooltip("cosine:Q", title="Mean cosine", format=".2f")]
        title = "How alike are the outlets' articles? (mean TF-IDF cosine)"
    base = alt.Chart(data).encode(
        x=alt.X("label_b:N", title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("label_a:N", title=None),
    )
    cells = base.mark_rect().encode(
        color=alt.Color("cosine:Q", scale=SHARE_SCALE, title="Cosine"), tooltip=tooltip)
    labels = base.mark_text(fontSize=11).encode(
        text=alt.Text("cosine:Q", format=".2f"),
        color=alt.condition("datum.cosine > 0.5", alt.value("white"), alt.value("black")),
        tooltip=tooltip)
    size = 36 * max(data["label_a"].nunique(), 1)
    return (cells + labels).properties(title=title, width=min(size, 600), height=min(size, 600))


def chart_article_map(points: pd.DataFrame, *, max_points: int = MAX_MAP_POINTS
                      ) -> alt.LayerChart:
    """Articles placed by word use (``map_articles`` table); nearby = similar vocabulary.

    Above ``max_points`` articles a deterministic sample is drawn, stratified by outlet (each
    outlet keeps its share of the points, at least one); outlet names label the dots only up
    to 40 points.
    """
    data = points
    if len(points) > max_points:
        share = max_points / len(points)
        ordered = points.sort_values("article_id", kind="stable")
        chosen = [index for _, group in ordered.groupby("outlet", sort=True)
                  for index in group.sample(n=max(1, int(len(group) * share)),
                                            random_state=0).index]
        data = points.loc[chosen].sort_values("article_id", kind="stable").head(max_points)
    data = data.assign(headline=clip_text(data["headline"]))
    base = alt.Chart(data).encode(
        x=alt.X("x:Q", title="Component 1", axis=alt.Axis(labels=False, ticks=False)),
        y=alt.Y("y:Q", title="Component 2", axis=alt.Axis(labels=False, ticks=False)),
        tooltip=[alt.Tooltip("outlet:N", title="Outlet"),
                 alt.Tooltip("headline:N", title="Headline"),
                 alt.Tooltip("article_id:N", title="File")],
    )
    small = len(data) <= MAX_LABELLED_POINTS
    dots = base.mark_circle(size=160 if small else 40, opacity=0.9 if small else 0.6).encode(
        color=outlet_color())
    names = base.mark_text(align="left", dx=9, fontSize=10).encode(text="outlet:N")
    title = "Map of the articles by vocabulary (SVD of TF-IDF)"
    if len(data) < len(points):
        title += f" — {len(data):,} of {len(points):,} articles, sampled by outlet"
    layers = dots + names if small else alt.layer(dots)
    return layers.properties(title=title, width=420, height=300)
