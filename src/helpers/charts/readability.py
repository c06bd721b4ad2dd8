"""Readability charts: grade levels with a reference band, bootstrap intervals, paragraph spread
and sentence lengths. Every builder aggregates first (one row per outlet, metric or bin), so the
chart data stays a few hundred rows whatever the collection size: at most ``MAX_OUTLETS`` outlets
(those with the most articles, paragraphs or sentences; the title says when some are left out)
and sentence lengths binned up to ``MAX_SENTENCE_WORDS`` (longer sentences share the last bin)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from helpers.charts.base import outlet_color

#: Grade formulas shown side by side, with their axis labels.
GRADE_LABELS: dict[str, str] = {
    "flesch_kincaid_grade": "Flesch–Kincaid",
    "gunning_fog": "Gunning fog",
    "smog_index": "SMOG",
    "coleman_liau_index": "Coleman–Liau",
    "automated_readability_index": "ARI",
    "linsear_write": "Linsear Write",
    "text_standard": "Consensus (text_standard)",
}
#: A common plain-language target for a general adult audience (US school grades 8–10).
GENERAL_AUDIENCE: tuple[float, float] = (8.0, 10.0)
#: Outlets drawn at most per chart (the ones with the most rows in the input table).
MAX_OUTLETS = 25
#: Sentence lengths at or above this fall into the last bin of the length chart.
MAX_SENTENCE_WORDS = 80


def _keep_top_outlets(table: pd.DataFrame, *, max_outlets: int) -> tuple[pd.DataFrame, str]:
    """Rows of the ``max_outlets`` outlets with the most rows, and a title note if any dropped."""
    counts = table["outlet"].value_counts()
    if len(counts) <= max_outlets:
        return table, ""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))[:max_outlets]
    keep = {outlet for outlet, _ in ranked}
    return (table[table["outlet"].isin(keep)],
            f" ({max_outlets} of {len(counts)} outlets, the largest)")


def chart_grade_levels(article_scores: pd.DataFrame, *,
                       band: tuple[float, float] = GENERAL_AUDIENCE,
                       max_outlets: int = MAX_OUTLETS) -> alt.LayerChart:
    """Outlets side by side on every grade-level formula, over a general-audience band.

    Parameters
    ----------
    article_scores
        Output of :func:`helpers.readability.score_articles`.
    band
        Grade range shaded as the general-audience reference.
    max_outlets
        Outlets drawn at most (those with the most English articles).

    Returns
    -------
    altair.LayerChart
        One point per outlet and formula (mean over the outlet's English articles).
    """
    metrics = [m for m in GRADE_LABELS if m in article_scores]
    english, note = _keep_top_outlets(article_scores[article_scores["english"]],
                                      max_outlets=max_outlets)
    long = (english
            .melt(id_vars=["outlet"], value_vars=metrics, var_name="metric", value_name="grade")
            .dropna(subset=["grade"]))
    data = (long.groupby(["outlet", "metric"], as_index=False)
            .agg(grade=("grade", "mean"), articles=("grade", "size")))
    data["formula"] = data["metric"].map(GRADE_LABELS)
    order = [GRADE_LABELS[m] for m in metrics]
    label = f"General audience (grades {band[0]:g}–{band[1]:g})"
    rule = alt.Chart(pd.DataFrame({"low": [band[0]], "high": [band[1]], "label": [label]}))
    shade = rule.mark_rect(opacity=0.15, color="#888").encode(
        x="low:Q", x2="high:Q", tooltip=[alt.Tooltip("label:N", title="Reference")])
    points = alt.Chart(data).mark_point(filled=True, size=90, opacity=0.85).encode(
        x=alt.X("grade:Q", title="US school grade (higher = harder)"),
        y=alt.Y("formula:N", sort=order, title=None),
        color=outlet_color(outlets=data["outlet"].unique()),
        tooltip=["outlet:N", "formula:N", alt.Tooltip("grade:Q", format=".1f"),
                 alt.Tooltip("articles:Q", title="Articles")],
    )
    return alt.layer(shade, points).properties(
        title=f"Grade level by formula and outlet{note}")


def chart_intervals(intervals: pd.DataFrame, *, metric: str = "flesch_kincaid_grade",
                    title: str | None = None, max_outlets: int = MAX_OUTLETS) -> alt.LayerChart:
    """Each outlet's estimate with its bootstrap interval for one metric.

    Parameters
    ----------
    intervals
        Output of :func:`helpers.readability.bootstrap_readability`.
    metric
        Which metric to draw.
    title
        Chart title (default: the metric name).
    max_outlets
        Outlets drawn at most (those with the most paragraphs).

    Returns
    -------
    altair.LayerChart
        A rule from ``low`` to ``high`` and a point at ``estimate`` per outlet.
    """
    data = intervals[intervals["metric"] == metric]
    n_outlets, note = data["outlet"].nunique(), ""
    if n_outlets > max_outlets:
        data = data.sort_values(["n_paragraphs", "outlet"], ascending=[False, True])
        data, note = data.head(max_outlets), f" ({max_outlets} of {n_outlets} outlets, the largest)"
    data = data.copy()
    label = metric.replace("_", " ").capitalize()
    base = alt.Chart(data).encode(
        y=alt.Y("outlet:N", sort="x", title=None),
        color=outlet_color(outlets=data["outlet"].unique(), legend=False),
        tooltip=["outlet:N", alt.Tooltip("estimate:Q", format=".1f"),
                 alt.Tooltip("low:Q", format=".1f", title="95% low"),
                 alt.Tooltip("high:Q", format=".1f", title="95% high"),
                 alt.Tooltip("n_paragraphs:Q", title="Paragraphs")],
    )
    bars = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("low:Q", title=f"{label} (95% bootstrap interval)", scale=alt.Scale(zero=False)),
        x2="high:Q")
    points = base.mark_point(filled=True, size=90).encode(x="estimate:Q")
    return alt.layer(bars, points).properties(title=(title or label) + note)


def chart_paragraph_spread(paragraph_scores: pd.DataFrame, *,
                           metric: str = "flesch_kincaid_grade",
                           max_outlets: int = MAX_OUTLETS) -> alt.LayerChart:
    """Box plot of per-paragraph scores by outlet, drawn from pre-computed quartiles.

    The quartiles and whiskers are computed here (numpy), so the chart holds one row per
    outlet whatever the number of paragraphs; at most ``max_outlets`` outlets (the most
    paragraphs).

    Returns
    -------
    altair.LayerChart
        One row per outlet: whiskers at the most extreme values within 1.5 IQR, a box from the
        first to the third quartile, a tick at the median.
    """
    scores, note = _keep_top_outlets(paragraph_scores, max_outlets=max_outlets)
    rows = []
    for outlet, values in scores.groupby("outlet")[metric]:
        v = values.dropna().to_numpy()
        if not len(v):
            continue
        q1, median, q3 = np.percentile(v, [25, 50, 75])
        inside = v[(v >= q1 - 1.5 * (q3 - q1)) & (v <= q3 + 1.5 * (q3 - q1))]
        rows.append({"outlet": outlet, "q1": q1, "median": median, "q3": q3,
                     "lower": inside.min(), "upper": inside.max(), "paragraphs": len(v)})
    data = pd.DataFrame(rows)
    label = metric.replace("_", " ").capitalize()
    base = alt.Chart(data).encode(
        y=alt.Y("outlet:N", title=None),
        tooltip=["outlet:N", alt.Tooltip("median:Q", format=".1f"),
                 alt.Tooltip("q1:Q", format=".1f", title="25th percentile"),
                 alt.Tooltip("q3:Q", format=".1f", title="75th percentile"),
                 alt.Tooltip("paragraphs:Q", title="Paragraphs")],
    )
    whisker = base.mark_rule().encode(
        x=alt.X("lower:Q", title=f"{label} per paragraph"), x2="upper:Q")
    box = base.mark_bar(size=14, opacity=0.7).encode(
        x="q1:Q", x2="q3:Q", color=outlet_color(outlets=data["outlet"].unique(), legend=False))
    tick = base.mark_tick(color="black", size=14, thickness=2).encode(x="median:Q")
    return alt.layer(whisker, box, tick).properties(
        title=f"Spread of {label.lower()} by paragraph{note}")


def chart_sentence_lengths(sentence_lengths: pd.DataFrame, *, bin_width: int = 5,
                           long_words: int = 30, max_words: int = MAX_SENTENCE_WORDS,
                           max_outlets: int = MAX_OUTLETS) -> alt.LayerChart:
    """Distribution of sentence lengths per outlet (share of sentences per length bin).

    Sentences of ``max_words`` words or more share the last bin; at most ``max_outlets``
    outlets (the most sentences) are drawn.

    Returns
    -------
    altair.LayerChart
        Lines of the share of each outlet's sentences per ``bin_width``-word bin, and a rule at
        ``long_words``.
    """
    sentences, note = _keep_top_outlets(sentence_lengths, max_outlets=max_outlets)
    last = (max_words // bin_width) * bin_width
    data = sentences.assign(
        bin=np.minimum((sentences["words"] // bin_width) * bin_width, last))
    data = data.groupby(["outlet", "bin"], as_index=False).agg(sentences=("words", "size"))
    data["share"] = data["sentences"] / data.groupby("outlet")["sentences"].transform("sum")
    data["range"] = data["bin"].astype(str) + "–" + (data["bin"] + bin_width - 1).astype(str)
    data.loc[data["bin"] == last, "range"] = f"{last}+"
    lines = alt.Chart(data).mark_line(point=True, opacity=0.8).encode(
        x=alt.X("bin:Q", title=f"Sentence length in words ({bin_width}-word bins)"),
        y=alt.Y("share:Q", title="Share of the outlet's sentences", axis=alt.Axis(format="%")),
        color=outlet_color(outlets=data["outlet"].unique()),
        tooltip=["outlet:N", alt.Tooltip("range:N", title="Words"), "sentences:Q",
                 alt.Tooltip("share:Q", format=".0%")],
    )
    rule = alt.Chart(pd.DataFrame({"words": [long_words],
                                   "label": [f"Long: over {long_words} words"]})).mark_rule(
        strokeDash=[4, 4], color="#666").encode(x="words:Q", tooltip=["label:N"])
    return alt.layer(lines, rule).properties(
        title=f"Sentence length (kit's sentence splitter){note}")
