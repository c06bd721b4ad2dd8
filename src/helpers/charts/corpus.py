"""Charts for the corpus audit (notebook 00)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.charts.base import outlet_color


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
    """
    return alt.Chart(table, title="Body length of each article").mark_bar().encode(
        y=alt.Y("source:N", title=None, sort="-x"),
        x=alt.X("words:Q", title="Words in the cleaned body"),
        color=outlet_color(),
        tooltip=["outlet:N", "headline:N", "words:Q", "paragraphs:Q", "removed:Q"],
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
