"""Topic charts: k selection curve, top terms, shares per outlet, topic × position, paragraphs.

Every builder takes a table from :mod:`helpers.topics` and returns an Altair chart; none saves
or shows. Topics keep one colour across charts (domain = labels in topic order). The paragraph
browser is an Altair click selection (not ipywidgets), so it also works in the static HTML report.

Chart data stays small whatever the collection size: tables are per topic or per outlet × topic
already; outlet charts draw at most ``MAX_OUTLETS`` outlets (the most words; the title says when
some are left out) and the paragraph list at most ``MAX_PARAGRAPHS`` paragraphs per topic, each
cut to ``MAX_CHARS`` characters.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from helpers.topic_tables import SECTIONS, truncate_text

#: Colour scheme for topics (categorical, colour-blind-aware).
TOPIC_SCHEME = "tableau10"
#: Characters per line when paragraphs are shown as chart text.
WRAP_CHARS = 95
MAX_CHARS = 200
#: Outlets drawn at most in the share and position charts (those with the most words).
MAX_OUTLETS = 25
#: Paragraphs listed at most per topic in the paragraph browser.
MAX_PARAGRAPHS = 5
#: Outlets named at most in front of a listed paragraph (then "and k more").
MAX_LISTED_OUTLETS = 5


def _shorten_outlets(outlets: str, *, n: int = MAX_LISTED_OUTLETS) -> str:
    """The first ``n`` of a "; "-joined outlet list, then "and k more"."""
    names = str(outlets).split("; ")
    return outlets if len(names) <= n else "; ".join(names[:n]) + f" and {len(names) - n} more"


def _keep_top_outlets(table: pd.DataFrame, weights: pd.Series, *,
                      max_outlets: int) -> tuple[pd.DataFrame, str]:
    """Rows of the ``max_outlets`` outlets with the largest ``weights`` (indexed by outlet)."""
    if weights.size <= max_outlets:
        return table, ""
    ranked = sorted(weights.items(), key=lambda item: (-item[1], str(item[0])))[:max_outlets]
    keep = {outlet for outlet, _ in ranked}
    return (table[table["outlet"].isin(keep)],
            f" ({max_outlets} of {weights.size} outlets, the largest)")


def _topic_color(table: pd.DataFrame, *, legend: bool = True, **kwargs) -> alt.Color:
    domain = table.sort_values("topic").drop_duplicates("topic")["label"].tolist()
    return alt.Color("label:N", title="Topic", scale=alt.Scale(domain=domain, scheme=TOPIC_SCHEME),
                     sort=domain, legend=alt.Legend() if legend else None, **kwargs)


def chart_topic_selection(selection: pd.DataFrame) -> alt.Chart:
    """Coherence (NPMI) and stability across seeds for every k tried.

    Parameters
    ----------
    selection
        ``TopicModel.selection_``: ``k``, ``coherence``, ``stability``, ``score``, ``chosen``.
    """
    chosen = selection.loc[selection["chosen"], "k"]
    title = f"Choosing the number of topics (k = {int(chosen.iloc[0])} chosen)" if len(chosen) \
        else "Choosing the number of topics"
    data = selection[["k", "coherence", "stability", "score", "chosen"]].copy()
    return alt.Chart(data, title=title).transform_fold(
        ["coherence", "stability", "score"], as_=["measure", "value"],
    ).mark_line(point=True).encode(
        x=alt.X("k:O", title="Number of topics k", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title="Value (NPMI: −1…1; stability, score: 0…1)"),
        color=alt.Color("measure:N", title="Measure",
                        sort=["coherence", "stability", "score"]),
        strokeDash=alt.StrokeDash("measure:N", legend=None),
        tooltip=[alt.Tooltip("k:O"), alt.Tooltip("measure:N"),
                 alt.Tooltip("value:Q", format=".3f"), alt.Tooltip("chosen:N")],
    )


def chart_topic_terms(terms: pd.DataFrame) -> alt.Chart:
    """Top terms of each topic as bars, one small panel per topic.

    Parameters
    ----------
    terms
        ``TopicModel.terms_``: ``topic``, ``label``, ``rank``, ``term``, ``weight``.
    """
    domain = terms.sort_values("topic").drop_duplicates("topic")["label"].tolist()
    return alt.Chart(terms, title="Top terms per topic").mark_bar().encode(
        x=alt.X("weight:Q", title="Weight in topic"),
        y=alt.Y("term:N", title=None, sort=alt.EncodingSortField("weight", order="descending")),
        color=_topic_color(terms, legend=False),
        facet=alt.Facet("label:N", title=None, sort=domain, columns=3),
        tooltip=[alt.Tooltip("label:N", title="Topic"), alt.Tooltip("term:N"),
                 alt.Tooltip("rank:Q"), alt.Tooltip("weight:Q", format=".3f")],
    ).properties(width=170, height=alt.Step(14)).resolve_scale(y="independent")


def chart_topic_shares(shares: pd.DataFrame, *, max_outlets: int = MAX_OUTLETS) -> alt.Chart:
    """Stacked bars: the share of each outlet's words that goes to each topic.

    Parameters
    ----------
    shares
        :func:`helpers.topics.compute_topic_shares` output.
    max_outlets
        Outlets drawn at most (those with the most words).
    """
    shares, note = _keep_top_outlets(shares, shares.groupby("outlet")["words"].sum(),
                                     max_outlets=max_outlets)
    title = f"Topic shares per outlet (share of each outlet's words){note}"
    return alt.Chart(shares, title=title).mark_bar().encode(
        y=alt.Y("outlet:N", title=None, sort="ascending"),
        x=alt.X("share:Q", title="Share of the outlet's words", stack="zero",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        color=_topic_color(shares),
        order=alt.Order("topic:Q", sort="ascending"),
        tooltip=[alt.Tooltip("outlet:N", title="Outlet"), alt.Tooltip("label:N", title="Topic"),
                 alt.Tooltip("share:Q", format=".1%"),
                 alt.Tooltip("share_low:Q", title="95% interval from", format=".1%"),
                 alt.Tooltip("share_high:Q", title="95% interval to", format=".1%")],
    )


def chart_topic_positions(positions: pd.DataFrame, *,
                          max_outlets: int = MAX_OUTLETS) -> alt.Chart:
    """Heatmap of topic share by section of the article (lead, early, late), one panel per outlet.

    Parameters
    ----------
    positions
        :func:`helpers.topics.compute_topic_positions` output.
    max_outlets
        Outlets drawn at most (those with the most units).
    """
    domain = positions.sort_values("topic").drop_duplicates("topic")["label"].tolist()
    units = positions.drop_duplicates(["outlet", "section"]).groupby("outlet")["units"].sum()
    positions, note = _keep_top_outlets(positions, units, max_outlets=max_outlets)
    title = f"Where each topic sits in the article{note}"
    return alt.Chart(positions, title=title).mark_rect().encode(
        x=alt.X("section:N", title=None, sort=list(SECTIONS), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("label:N", title=None, sort=domain),
        color=alt.Color("share:Q", title="Share of section", scale=alt.Scale(scheme="blues",
                                                                             domain=[0, 1])),
        facet=alt.Facet("outlet:N", title=None, columns=5),
        tooltip=[alt.Tooltip("outlet:N", title="Outlet"), alt.Tooltip("section:N"),
                 alt.Tooltip("label:N", title="Topic"), alt.Tooltip("share:Q", format=".0%"),
                 alt.Tooltip("units:Q", title="Units in section")],
    ).properties(width=alt.Step(38), height=alt.Step(22))


def chart_topic_paragraphs(topics: pd.DataFrame, paragraphs: pd.DataFrame, *,
                           max_per_topic: int = MAX_PARAGRAPHS) -> alt.VConcatChart:
    """Click a topic bar to list the paragraphs that carry it, with their outlets.

    Parameters
    ----------
    topics
        ``TopicModel.topics_`` (``topic``, ``label``, ``weight``).
    paragraphs
        :func:`helpers.topics.select_representative_paragraphs` output; ``text`` is cut again
        to 200 characters here so the chart data stays small.
    max_per_topic
        Paragraphs listed at most per topic (the best ranked).

    Returns
    -------
    altair.VConcatChart
        Bars (one per topic, clickable) above a text list filtered by the clicked topic
        (topic 1 selected at first).
    """
    select = alt.selection_point(fields=["topic"], value=[{"topic": int(topics["topic"].min())}],
                                 name="topic_pick", empty=False)
    bars = alt.Chart(topics[["topic", "label", "weight"]],
                     title="Click a topic to list its paragraphs").mark_bar().encode(
        y=alt.Y("label:N", title=None, sort=topics.sort_values("topic")["label"].tolist()),
        x=alt.X("weight:Q", title="Share of all words", axis=alt.Axis(format="%")),
        color=_topic_color(topics, legend=False),
        opacity=alt.condition(select, alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("label:N", title="Topic"), alt.Tooltip("weight:Q", format=".1%")],
    ).add_params(select)
    rows = paragraphs.sort_values(["topic", "rank"], kind="stable").groupby(
        "topic", sort=False).head(max_per_topic)
    rows = rows[["topic", "label", "rank", "weight", "outlets", "text"]].copy()
    rows["text"] = [truncate_text(t, max_chars=MAX_CHARS) for t in rows["text"]]
    rows["outlets"] = [_shorten_outlets(o) for o in rows["outlets"]]
    rows["lines"] = [f"{o}: " + t for o, t in zip(rows["outlets"], rows["text"], strict=True)]
    rows["lines"] = ["\n".join(textwrap.wrap(t, WRAP_CHARS)) for t in rows["lines"]]
    listing = alt.Chart(rows).transform_filter(select).mark_text(
        align="left", baseline="middle", lineBreak="\n", fontSize=11,
    ).encode(
        x=alt.value(6),
        y=alt.Y("rank:O", title="Rank", axis=alt.Axis(labelAngle=0)),
        text=alt.Text("lines:N"),
        tooltip=[alt.Tooltip("label:N", title="Topic"), alt.Tooltip("outlets:N", title="Outlets"),
                 alt.Tooltip("weight:Q", title="Topic weight", format=".2f"),
                 alt.Tooltip("text:N", title="Paragraph")],
    ).properties(width=620, height=alt.Step(58))
    return alt.vconcat(bars, listing)
