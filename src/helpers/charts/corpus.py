"""Charts for the corpus audit (notebook 00)."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from helpers.charts.base import outlet_color

#: Up to this many articles, one bar per article; above it, a histogram per outlet.
MAX_ARTICLE_BARS = 80
#: Bins of the length histogram.
LENGTH_BINS = 30


def chart_removed(table: pd.DataFrame) -> alt.Chart:
    """Stacked bars: removed lines per outlet, coloured by reason.

    Parameters
    ----------
    table
        Output of :func:`helpers.audit.count_removed` (``outlet``, ``reason``, ``lines``,
        ``words``, ``example``).
    """
    return alt.Chart(table, title="What was removed from each article, and why").mark_bar().encode(
        y=alt.Y("outlet:N", title=None, sort="-x"),
        x=alt.X("sum(lines):Q", title="Removed lines"),
        color=alt.Color("reason:N", title="Reason", scale=alt.Scale(scheme="tableau20")),
        tooltip=[alt.Tooltip("outlet:N"), alt.Tooltip("reason:N"),
                 alt.Tooltip("sum(lines):Q", title="lines"),
                 alt.Tooltip("sum(words):Q", title="words"), alt.Tooltip("example:N")],
    )


def chart_article_lengths(table: pd.DataFrame) -> alt.Chart:
    """Bars of body words per article, one colour per outlet.

    Parameters
    ----------
    table
        Output of :func:`helpers.audit.summarize_articles`.

    Above :data:`MAX_ARTICLE_BARS` articles one bar per article is unreadable: the chart is
    then a histogram of body lengths stacked by outlet (binned here, so it stays small).
    """
    if len(table) > MAX_ARTICLE_BARS:
        return _chart_length_histogram(table)
    return alt.Chart(table, title="Body length of each article").mark_bar().encode(
        y=alt.Y("source:N", title=None, sort="-x"),
        x=alt.X("words:Q", title="Words in the cleaned body"),
        color=outlet_color(),
        tooltip=["outlet:N", "headline:N", "words:Q", "paragraphs:Q", "removed:Q"],
    )


def _chart_length_histogram(table: pd.DataFrame) -> alt.Chart:
    words = table["words"].fillna(0).to_numpy(dtype=float)
    edges = np.histogram_bin_edges(words, bins=LENGTH_BINS)
    which = np.clip(np.searchsorted(edges, words, side="right") - 1, 0, len(edges) - 2)
    binned = (pd.DataFrame({"outlet": table["outlet"].to_numpy(), "bin": which})
              .groupby(["outlet", "bin"]).size().rename("articles").reset_index())
    binned["from"] = edges[binned["bin"]].round().astype(int)
    binned["to"] = edges[binned["bin"] + 1].round().astype(int)
    title = f"Body length of the {len(table):,} articles (articles per length band)"
    return alt.Chart(binned.drop(columns="bin"), title=title).mark_bar().encode(
        x=alt.X("from:Q", title="Words in the cleaned body", bin="binned"),
        x2="to:Q",
        y=alt.Y("sum(articles):Q", title="Articles", stack=True),
        color=outlet_color(),
        tooltip=["outlet:N", alt.Tooltip("from:Q", title="from (words)"),
                 alt.Tooltip("to:Q", title="to (words)"), "articles:Q"],
    )


def chart_outlet_profiles(profiles: pd.DataFrame) -> alt.Chart:
    """Heatmap of outlet × measure, coloured by z across outlets, with the raw value in tooltips.

    Parameters
    ----------
    profiles
        Output of :func:`helpers.profiles.summarize_outlet_profiles`.
    """
    return alt.Chart(profiles, title="Where each outlet stands out (z across outlets)").mark_rect(
    ).encode(
        x=alt.X("outlet:N", title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("label:N", title=None, sort=None),
        color=alt.Color("z:Q", title="z", scale=alt.Scale(scheme="redblue", domain=[-2, 2],
                                                          reverse=True, clamp=True)),
        tooltip=["outlet:N", alt.Tooltip("label:N", title="Measure"),
                 alt.Tooltip("value:Q", format=".3g"), alt.Tooltip("z:Q", format="+.2f"),
                 alt.Tooltip("articles:Q", title="Articles")],
    ).properties(width=alt.Step(90), height=alt.Step(24))
