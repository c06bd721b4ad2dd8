"""Tables and sentences read off a fitted :class:`helpers.topics.TopicModel`.

Topic share per outlet
    ``share(outlet, topic) = Σ weight(unit, topic) × words(unit) / Σ words(unit)`` over the
    outlet's units, so an outlet that writes more does not get bigger shares, and each outlet's
    shares sum to 1. Wire copy counts for every outlet that printed it (the weights come from the
    duplicate group's representative). Intervals: percentile bootstrap over the outlet's units
    (Efron & Tibshirani 1993), a reminder that a few paragraphs move the numbers.

Position in the article
    Units are numbered in reading order within each article (``position``, 0-based, of ``n``).
    ``lead`` is the first unit (the news lede); ``early`` the units ``1 <= position < ceil(n / 2)``;
    ``late`` the units ``position >= ceil(n / 2)``. An article of one unit has only a lead; of two,
    a lead and a late unit. Shares are computed as above within each outlet × section.
"""

from __future__ import annotations

import html
import os
import re
from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.interval_memo import IntervalMemo
from helpers.resample import group_generator, sum_resamples
from helpers.reuse import MAX_DRIFT, describe_reuse

if TYPE_CHECKING:
    from helpers.topics import TopicModel

SECTIONS: tuple[str, ...] = ("lead", "early", "late")
SHARE_COLUMNS: tuple[str, ...] = ("outlet", "topic", "label", "share", "share_low", "share_high",
                                  "words")
POSITION_COLUMNS: tuple[str, ...] = ("outlet", "section", "topic", "label", "share", "units")
PARAGRAPH_COLUMNS: tuple[str, ...] = ("topic", "label", "rank", "weight", "outlets", "n_outlets",
                                      "article_id", "position", "text")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>-])")


def compute_topic_shares(model: TopicModel, *, n_boot: int = 500, level: float = 0.95,
                         memo: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Share of each outlet's words that goes to each topic, with a bootstrap interval.

    Each outlet's resamples come from its own generator, seeded by the model's seed and the
    outlet's name (:func:`helpers.resample.group_generator`), so an outlet's interval depends
    on its own units only. ``memo``: a file keeping each outlet's interval between runs
    (:mod:`helpers.interval_memo`); outlets whose units and topic weights are unchanged (a
    reused fit) are not resampled again, and the result is the same as without it.

    Returns
    -------
    pandas.DataFrame
        One row per outlet × topic: ``outlet``, ``topic``, ``label``, ``share`` (0–1, summing to 1
        per outlet), ``share_low`` / ``share_high`` (percentile bootstrap interval over the
        outlet's units, ``n_boot`` resamples, seeded by the model's seed), ``words`` (the
        outlet's words weighted to the topic).
    """
    labels = dict(zip(model.topics_["topic"], model.topics_["label"], strict=True))
    weighted = model.doc_topic_ * model.units_["words"].to_numpy()[:, None]
    alpha = (1 - level) / 2
    kept = IntervalMemo(memo, ("topic_tables.py",), {"n_boot": n_boot, "level": level,
                                                     "seed": model.seed})

    def resample(outlet: str, block: np.ndarray) -> list[float]:
        boot = _normalise(sum_resamples(block, n_resamples=n_boot,
                                        rng=group_generator(model.seed, outlet)))
        return np.quantile(boot, [alpha, 1 - alpha], axis=0).ravel().tolist()

    rows = []
    for outlet, index in model.units_.groupby("outlet", sort=True).indices.items():
        block = weighted[index]
        share = _normalise(block.sum(axis=0))
        bounds = kept.recall(str(outlet), block, 2 * block.shape[1], resample)
        low, high = np.asarray(bounds).reshape(2, block.shape[1])
        rows.extend({"outlet": outlet, "topic": t, "label": labels[t], "share": share[t - 1],
                     "share_low": low[t - 1], "share_high": high[t - 1],
                     "words": block[:, t - 1].sum()} for t in range(1, model.k_ + 1))
    kept.save()
    return pd.DataFrame(rows, columns=list(SHARE_COLUMNS))


def assign_sections(units: pd.DataFrame) -> pd.Series:
    """Section (``lead``, ``early``, ``late``) of each unit from its position in its article.

    Examples
    --------
    >>> units = pd.DataFrame({"article_id": ["a"] * 5, "position": range(5)})
    >>> assign_sections(units).tolist()
    ['lead', 'early', 'early', 'late', 'late']
    """
    section = np.asarray(SECTIONS)[_section_codes(units)]
    return pd.Series(section, index=units.index, name="section")


def _section_codes(units: pd.DataFrame) -> np.ndarray:
    """Each unit's section as its index in :data:`SECTIONS` (see :func:`assign_sections`).

    A unit without an article (missing ``article_id``) has no article length, so only its
    position 0 (lead) is known; any other position counts as late.
    """
    article = pd.factorize(units["article_id"].to_numpy(object))[0]
    n = np.bincount(article + 1)[article + 1].astype(float)  # units in the unit's article
    n[article < 0] = np.nan
    position = units["position"].to_numpy()
    return np.where(position == 0, 0, np.where(position < np.ceil(n / 2), 1, 2))


def compute_topic_positions(model: TopicModel) -> pd.DataFrame:
    """Topic shares by section of the article (lead, early, late) for each outlet.

    Returns
    -------
    pandas.DataFrame
        One row per outlet × section × topic: ``outlet``, ``section``, ``topic``, ``label``,
        ``share`` (of the section's words, summing to 1 per outlet × section), ``units`` (units
        in that outlet's section). Sections an outlet does not have are absent.
    """
    labels = dict(zip(model.topics_["topic"], model.topics_["label"], strict=True))
    weighted = model.doc_topic_ * model.units_["words"].to_numpy()[:, None]
    outlet, outlets = pd.factorize(model.units_["outlet"].to_numpy(object), sort=True)
    key = np.where(outlet < 0, -1, outlet * len(SECTIONS) + _section_codes(model.units_))
    order = np.argsort(key, kind="stable")  # by outlet, then section; units in order within
    # Group boundaries; the units without an outlet (key -1) come first and are left out.
    key = key[order]
    bounds = np.append(np.flatnonzero(np.diff(key, prepend=-1)), len(key))
    rows = []
    for start, stop in pairwise(bounds):
        outlet_code, section = divmod(int(key[start]), len(SECTIONS))
        index = order[start:stop]
        share = _normalise(weighted[index].sum(axis=0))
        rows.extend({"outlet": outlets[outlet_code], "section": SECTIONS[section], "topic": t,
                     "label": labels[t], "share": share[t - 1], "units": len(index)}
                    for t in range(1, model.k_ + 1))
    return pd.DataFrame(rows, columns=list(POSITION_COLUMNS))


def select_representative_paragraphs(model: TopicModel, *, n: int = 3,
                                     max_chars: int = 200) -> pd.DataFrame:
    """The ``n`` paragraphs that carry most of each topic, wire copies listed once.

    Paragraphs are ranked by the words they give the topic (weight × words), so a long
    paragraph mostly about the topic comes before a five-word one entirely about it.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``label``, ``rank`` (1 = most topic words), ``weight`` (the paragraph's weight
        on the topic, 0–1), ``outlets`` (every outlet that printed it or a near copy, sorted,
        joined with "; "), ``n_outlets``, ``article_id`` and ``position`` (of the first copy),
        ``text`` (cut to ``max_chars`` characters, "…" marking a cut). Paragraphs with zero
        weight are never listed.
    """
    units = model.units_
    firsts = units.index[units.index == units["group"]].to_numpy()
    words = units["words"].to_numpy()[firsts]
    chosen = []  # (topic, rank, first unit, weight) of each listed paragraph
    for t in range(1, model.k_ + 1):
        weight = model.doc_topic_[firsts, t - 1]
        order = np.lexsort((firsts, -(weight * words)))  # most topic words, then first unit
        top = order[weight[order] > 0][:n]
        chosen.extend((t, rank, firsts[i], weight[i]) for rank, i in enumerate(top, start=1))
    # Outlets of the listed paragraphs' groups only (one set per group, not per unit).
    listed = units[units["group"].isin([first for _, _, first, _ in chosen])]
    outlets = listed.groupby("group")["outlet"].agg(lambda s: sorted(set(s)))
    labels = dict(zip(model.topics_["topic"], model.topics_["label"], strict=True))
    rows = []
    for t, rank, first, weight in chosen:
        unit = units.loc[first]
        names = outlets[first]
        rows.append({"topic": t, "label": labels[t], "rank": rank, "weight": float(weight),
                     "outlets": "; ".join(names), "n_outlets": len(names),
                     "article_id": unit["article_id"], "position": int(unit["position"]),
                     "text": truncate_text(unit["text"], max_chars=max_chars)})
    return pd.DataFrame(rows, columns=list(PARAGRAPH_COLUMNS))


def truncate_text(text: str, *, max_chars: int = 200) -> str:
    """Collapse whitespace and cut ``text`` at a word boundary to at most ``max_chars`` chars.

    Examples
    --------
    >>> truncate_text("one two three four", max_chars=10)
    'one two…'
    """
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    cut = cut[: cut.rindex(" ")] if " " in cut else cut[: max_chars - 1]
    return cut.rstrip() + "…"


def describe_topic_selection(model: TopicModel) -> str:
    """One sentence on how k was chosen and how clear the choice was (Markdown), and one on
    the reused fit when the model reused an earlier run's (:mod:`helpers.reuse`)."""
    reuse = getattr(model, "reuse_", None)
    store = getattr(model, "store", None)
    note = "" if reuse is None else " " + describe_reuse(
        reuse, what="The topics", units=f"{model.unit} units",
        limit=getattr(store, "max_drift", MAX_DRIFT))
    return _describe_choice(model) + note


def _describe_choice(model: TopicModel) -> str:
    table = model.selection_
    chosen = table.loc[table["chosen"]].iloc[0]
    measured = (f"coherence (NPMI) {chosen['coherence']:.2f}, stability across seeds "
                f"{chosen['stability']:.2f}")
    caveat = "" if getattr(model, "converged_", True) else (
        " The reported fit stopped at its iteration limit before meeting its tolerance: the "
        "topics are usable, but weights may still shift slightly.")
    if bool(chosen["manual"]):
        return f"k = {int(chosen['k'])} topics was set by hand ({measured})." + caveat
    others = table.loc[~table["chosen"]].sort_values("score", ascending=False)
    if others.empty:
        return f"Only k = {int(chosen['k'])} was possible here ({measured})." + caveat
    runner = others.iloc[0]
    gap = chosen["score"] - runner["score"]
    verdict = "a close call" if gap < 0.02 else "a clear choice" if gap > 0.05 else "a modest lead"
    return (f"k = {int(chosen['k'])} topics has the best combined score ({measured}; score "
            f"{chosen['score']:.3f} against {runner['score']:.3f} for k = {int(runner['k'])}): "
            f"{verdict} among k = {int(table['k'].min())}–{int(table['k'].max())}." + caveat)


def describe_topics(model: TopicModel) -> str:
    """One sentence naming the topics, largest first, with their share of all words (Markdown)."""
    parts = [f"“{escape_markdown(label)}” ({weight:.0%})" for label, weight in
             zip(model.topics_["label"], model.topics_["weight"], strict=True)]
    n_units = model.units_["group"].nunique()
    order = ("numbered as in the reused fit" if getattr(model, "reuse_", None) is not None
             else "largest first")
    return (f"{model.k_} topics from {n_units} distinct {model.unit} units "
            f"({len(model.units_)} before collapsing wire copy), {order}: "
            + "; ".join(parts) + ". On a collection this small the topics describe it; they "
            "are not an estimate of anything beyond it.")


def describe_topic_shares(shares: pd.DataFrame) -> str:
    """One sentence on the topic whose share differs most between outlets (Markdown)."""
    if shares.empty or shares["outlet"].nunique() < 2:
        return "Only one outlet: there is nothing to compare."
    spread = shares.groupby("topic")["share"].agg(lambda s: s.max() - s.min())
    topic = int(spread.idxmax())
    rows = shares[shares["topic"] == topic].sort_values(["share", "outlet"])
    low, high = rows.iloc[0], rows.iloc[-1]
    overlap = " (their intervals overlap, so read it as a hint)" if \
        high["share_low"] <= low["share_high"] else ""
    return (f"Outlets differ most on “{escape_markdown(high['label'])}”: "
            f"{high['share']:.0%} of {escape_markdown(high['outlet'])}'s words against "
            f"{low['share']:.0%} of {escape_markdown(low['outlet'])}'s{overlap}.")


def describe_topic_positions(positions: pd.DataFrame) -> str:
    """One sentence on which topic outlets put first, compared with their later text (Markdown)."""
    leads = positions[positions["section"] == "lead"]
    if leads.empty:
        return "No article has a lead unit to compare."
    top = leads.sort_values(["share", "topic"], ascending=[False, True]).groupby(
        "outlet", sort=True).head(1)
    counts = top.groupby("label").size().sort_values(ascending=False, kind="stable")
    label = counts.index[0]
    later = positions[(positions["section"] != "lead") & (positions["label"] == label)]
    after = f", against {later['share'].mean():.0%} on average later in the articles" \
        if not later.empty else ""
    names = ", ".join(escape_markdown(o) for o in top.loc[top["label"] == label, "outlet"])
    return (f"“{escape_markdown(label)}” is the largest topic in the lead of "
            f"{counts.iloc[0]} of {len(top)} outlets ({names}){after}.")


def describe_representative_paragraphs(paragraphs: pd.DataFrame) -> str:
    """One sentence on how many listed paragraphs several outlets printed (Markdown)."""
    if paragraphs.empty:
        return "No paragraph carries any topic."
    shared = paragraphs[paragraphs["n_outlets"] > 1]
    return (f"{len(shared)} of the {len(paragraphs)} paragraphs listed were printed, word for word "
            "or nearly, by more than one outlet: wire copy shapes these topics as much as any "
            "outlet's own writing.") if len(shared) else (
        f"None of the {len(paragraphs)} paragraphs listed was printed by more than one outlet.")


def escape_markdown(text: str) -> str:
    """Escape article-derived text for Markdown/HTML display.

    Examples
    --------
    >>> escape_markdown("<b>*x*</b>")
    '&lt;b&gt;\\\\*x\\\\*&lt;/b&gt;'
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def _normalise(values: np.ndarray) -> np.ndarray:
    """``values`` divided by their sum along the last axis (zeros where the sum is not
    positive): one share vector, or one per row."""
    totals = values.sum(axis=-1, keepdims=True)
    return np.divide(values, totals, out=np.zeros_like(values, dtype=float), where=totals > 0)
