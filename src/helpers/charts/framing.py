"""Charts for the framing comparison (notebook 01): headlines, actors, quotes, frames, tone.

Every builder takes the tidy table of the matching helper (:mod:`helpers.leads`,
:mod:`helpers.actors`, :mod:`helpers.quotes`, :mod:`helpers.frames`, :mod:`helpers.tone`),
uses the one outlet colour scale wherever colour means outlet, and carries tooltips with an
example sentence, so each mark leads back to the text it counts.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.charts.base import clip_text, outlet_color

_HEAT = alt.Scale(scheme="blues")
_CLASS = alt.Scale(domain=["neutral", "loaded"], range=["#9E9E9E", "#D55E00"])
#: Chart-size limits: whatever the collection size, a chart keeps few rows (the complete
#: tables are the CSV files).
MAX_HEADLINES = 60  # above this, headlines are counted per outlet and subject → verb
TOP_LABELS = 3  # most frequent subject → verb labels kept per outlet when counting
TOP_ACTORS = 25
TOP_SPEAKERS = 15
TOP_VERBS = 25


def _top(table: pd.DataFrame, key: str, weight: str, n: int) -> list:
    """The ``n`` values of ``key`` with the largest total ``weight`` (ties by name)."""
    totals = table.groupby(key)[weight].sum()
    return sorted(totals.index, key=lambda k: (-totals[k], str(k)))[:n]


def chart_headline_actors(table: pd.DataFrame, *, max_headlines: int = MAX_HEADLINES,
                          top_labels: int = TOP_LABELS) -> alt.Chart:
    """One row per article: the actor its headline names first and the verb that follows.

    Above ``max_headlines`` articles there is one row per outlet instead, listing its
    ``top_labels`` most frequent "subject → verb" pairs with their headline counts.

    Parameters
    ----------
    table
        Output of :func:`helpers.leads.compare_leads`.
    max_headlines, top_labels
        Size limits (see above).
    """
    data = table.assign(label=table["subject"].where(table["subject"] != "", "(no actor)")
                        + " → " + table["headline_verb"].where(table["headline_verb"] != "", "–"))
    if len(data) > max_headlines:
        counted = (data.groupby(["outlet", "label"], as_index=False)
                   .agg(headlines=("label", "size"), headline=("headline", "first"),
                        first_actor=("first_actor", "first"),
                        headline_verb=("headline_verb", "first"),
                        verb_class=("verb_class", "first")))
        counted = counted.sort_values(["outlet", "headlines", "label"],
                                      ascending=[True, False, True])
        counted = counted.groupby("outlet", sort=False).head(top_labels)
        label = counted["label"] + " (" + counted["headlines"].astype(str) + ")"
        counted = counted.assign(label=label, headline=clip_text(counted["headline"]))
        data = (counted.groupby("outlet", as_index=False)
                .agg(label=("label", " · ".join), headline=("headline", "first"),
                     first_actor=("first_actor", "first"),
                     headline_verb=("headline_verb", "first"),
                     verb_class=("verb_class", "first"), headlines=("headlines", "sum")))
        tooltip = ["outlet:N", alt.Tooltip("label:N", title="most frequent (headlines)"),
                   alt.Tooltip("headline:N", title="example headline")]
        title = "Who the headlines put first, and what they do (most frequent per outlet)"
    else:
        data = data.assign(standfirst=clip_text(data["standfirst"]), lead=clip_text(data["lead"]))
        tooltip = ["outlet:N", "headline:N", "first_actor:N", "headline_verb:N",
                   "verb_class:N", "standfirst:N", "lead:N"]
        title = "Who the headline puts first, and what they do"
    return alt.Chart(data, title=title).mark_text(align="left", fontSize=13).encode(
        y=alt.Y("outlet:N", title=None),
        text="label:N",
        color=outlet_color(legend=False),
        tooltip=tooltip,
    ).properties(height=alt.Step(28), width=360)


def chart_actor_heatmap(table: pd.DataFrame, *, top: int = TOP_ACTORS) -> alt.Chart:
    """Heatmap of actor mentions per 1,000 words (actor × outlet), the ``top`` actors.

    Parameters
    ----------
    table
        Output of :func:`helpers.actors.count_actor_mentions`.
    top
        Actors shown: those with the highest mean rate over outlets.
    """
    order = (table.groupby("actor")["per_1000_words"].mean().sort_values(ascending=False)
             .index.tolist())[:top]
    table = table[table["actor"].isin(order)].assign(
        example=lambda t: clip_text(t["example"]))
    return alt.Chart(table, title="Actor mentions per 1,000 words").mark_rect().encode(
        x=alt.X("outlet:N", title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("actor:N", title=None, sort=order),
        color=alt.Color("per_1000_words:Q", title="Per 1,000 words", scale=_HEAT),
        tooltip=["outlet:N", "actor:N", "mentions:Q",
                 alt.Tooltip("per_1000_words:Q", format=".1f"),
                 alt.Tooltip("first_position:Q", format=".2f",
                             title="first mention (0 = top)"),
                 "origin:N", "example:N"],
    )


def chart_quote_share(shares: pd.DataFrame) -> alt.Chart:
    """Bars: share of each outlet's words inside direct quotes.

    Parameters
    ----------
    shares
        Output of :func:`helpers.quotes.share_quoted_words`.
    """
    return alt.Chart(shares, title="Share of each outlet's words inside quotes").mark_bar().encode(
        y=alt.Y("outlet:N", title=None, sort="-x"),
        x=alt.X("share:Q", title="Share of body words in quotes", axis=alt.Axis(format="%")),
        color=outlet_color(legend=False),
        tooltip=["outlet:N", alt.Tooltip("share:Q", format=".1%"), "quoted_words:Q", "words:Q",
                 "quotes:Q"],
    )


def chart_quotes_by_speaker(table: pd.DataFrame, *, top: int = TOP_SPEAKERS) -> alt.Chart:
    """Grouped bars: direct quotes per speaker, one colour per outlet (the ``top`` speakers).

    Parameters
    ----------
    table
        Output of :func:`helpers.quotes.count_quotes_by_speaker`.
    top
        Speakers shown: those quoted most often over all outlets.
    """
    order = table.groupby("speaker")["quotes"].sum().sort_values(ascending=False).index.tolist()
    order = order[:top]
    table = table[table["speaker"].isin(order)].assign(example=lambda t: clip_text(t["example"]))
    return alt.Chart(table, title="Who is quoted, by outlet").mark_bar().encode(
        y=alt.Y("speaker:N", title=None, sort=order),
        yOffset=alt.YOffset("outlet:N"),
        x=alt.X("quotes:Q", title="Direct quotes"),
        color=outlet_color(),
        tooltip=["outlet:N", "speaker:N", "quotes:Q", "words:Q",
                 alt.Tooltip("example:N", title="longest quote")],
    )


def chart_attribution_verbs(table: pd.DataFrame, *, top: int = TOP_VERBS) -> alt.Chart:
    """Dot matrix: attribution verb × outlet, size = count, colour = neutral or loaded.

    Parameters
    ----------
    table
        Output of :func:`helpers.attribution.count_attribution_verbs`.
    top
        Verbs shown: the most used over all outlets.
    """
    table = table[table["verb"].isin(_top(table, "verb", "count", top))].assign(
        example=lambda t: clip_text(t["example"]), speakers=lambda t: clip_text(t["speakers"]))
    order = (table.sort_values(["verb_class", "verb"], ascending=[False, True])["verb"]
             .drop_duplicates().tolist())
    return alt.Chart(table, title="Attribution verbs: neutral or loaded").mark_circle().encode(
        x=alt.X("outlet:N", title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("verb:N", title=None, sort=order),
        size=alt.Size("count:Q", title="Attributions"),
        color=alt.Color("verb_class:N", title="Verb class", scale=_CLASS),
        tooltip=["outlet:N", "verb:N", "verb_class:N", "count:Q",
                 alt.Tooltip("share:Q", format=".0%"), "speakers:N", "example:N"],
    )


def chart_frame_heatmap(table: pd.DataFrame) -> alt.Chart:
    """Heatmap of frame terms per 1,000 words (frame × outlet), generic frames first.

    Parameters
    ----------
    table
        Output of :func:`helpers.frames.count_frames`.
    """
    order = table.sort_values(["type", "frame"])["frame"].drop_duplicates().tolist()
    table = table.assign(example=clip_text(table["example"]))
    return alt.Chart(table, title="Frame terms per 1,000 words").mark_rect().encode(
        x=alt.X("outlet:N", title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("frame:N", title=None, sort=order),
        color=alt.Color("per_1000_words:Q", title="Per 1,000 words", scale=_HEAT),
        tooltip=["outlet:N", "frame:N", "type:N", "hits:Q",
                 alt.Tooltip("per_1000_words:Q", format=".1f"), "top_terms:N", "example:N"],
    )


def chart_tone(summary: pd.DataFrame) -> alt.LayerChart:
    """Mean sentence tone per outlet with its bootstrap 95% interval.

    Parameters
    ----------
    summary
        Output of :func:`helpers.tone.summarise_tone`.
    """
    summary = summary.assign(most_positive=clip_text(summary["most_positive"]),
                             most_negative=clip_text(summary["most_negative"]))
    base = alt.Chart(summary, title="Average sentence tone (VADER compound, 95% interval)")
    y = alt.Y("outlet:N", title=None)
    tooltip = ["outlet:N", "sentences:Q", alt.Tooltip("mean:Q", format="+.3f"),
               alt.Tooltip("low:Q", format="+.3f"), alt.Tooltip("high:Q", format="+.3f"),
               alt.Tooltip("positive:Q", format=".0%"), alt.Tooltip("negative:Q", format=".0%"),
               "most_positive:N", "most_negative:N"]
    rule = base.mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("low:Q", title="Compound score (-1 negative … +1 positive)"),
        x2="high:Q", color=outlet_color(legend=False), tooltip=tooltip)
    point = base.mark_point(filled=True, size=80).encode(
        y=y, x="mean:Q", color=outlet_color(legend=False), tooltip=tooltip)
    return rule + point


def chart_actor_tone(table: pd.DataFrame, *, actors: list[str] | None = None,
                     top: int = 6) -> alt.LayerChart:
    """Tone of sentences naming each actor, per outlet, with 95% intervals.

    Parameters
    ----------
    table
        Output of :func:`helpers.tone.score_actor_tone`.
    actors
        Actors to show (default: the ``top`` actors named in the most sentences).
    top
        How many actors to show when ``actors`` is not given.
    """
    if actors is None:
        totals = table.groupby("actor")["sentences"].sum()
        actors = sorted(totals.index, key=lambda a: (-totals[a], a))[:top]
    data = table[table["actor"].isin(actors)].assign(example=lambda t: clip_text(t["example"]))
    base = alt.Chart(data, title="Tone of sentences that name each actor (95% interval)")
    y, offset = alt.Y("actor:N", title=None, sort=list(actors)), alt.YOffset("outlet:N")
    tooltip = ["outlet:N", "actor:N", "sentences:Q", alt.Tooltip("mean:Q", format="+.3f"),
               alt.Tooltip("low:Q", format="+.3f"), alt.Tooltip("high:Q", format="+.3f"),
               "example:N"]
    rule = base.mark_rule().encode(y=y, yOffset=offset, x=alt.X("low:Q", title="Compound score"),
                                   x2="high:Q", color=outlet_color(), tooltip=tooltip)
    point = base.mark_point(filled=True).encode(y=y, yOffset=offset, x="mean:Q",
                                                color=outlet_color(), tooltip=tooltip)
    return rule + point
