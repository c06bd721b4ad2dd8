"""Actors: who each outlet names, how often, and how early.

Method. Actors come from an editable lexicon (canonical name → aliases, ``actors.yml``, see
:mod:`helpers.lexicons`) plus candidates suggested from the collection itself: frequent
capitalised word sequences ("Kevin Rudd", "Asia Society") that no lexicon alias covers, so a
new event gives sensible actors before anyone edits a lexicon. Aliases are matched as whole
words, longest first ("Vladimir Putin" is one mention of Putin), and an actor named twice in a
row ("Russian president, Vladimir Putin" style appositions) counts once.

Counts are per outlet over body sentences (subheads, headlines and standfirsts excluded) and
normalised per 1,000 body words. ``first_position`` is the relative position of the first
mention in an article measured in sentences: the index of the first sentence that names the
actor divided by the article's number of body sentences (0 = first sentence, close to 1 = the
end), averaged over the outlet's articles that name the actor. Capitalisation is used as a
cheap named-entity cue (Nadeau & Sekine 2007 survey such orthographic features); it misses
lower-case names and catches sentence-initial words, hence the filters below.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.grouping import code_texts
from helpers.lexicons import (
    Matcher,
    compile_matcher,
    find_matches,
    find_matches_each,
    texts_with_matches,
)

MENTION_COLUMNS = ["article_id", "outlet", "position", "relative_position", "actor", "alias",
                   "text"]
ACTOR_COLUMNS = ["outlet", "actor", "mentions", "per_1000_words", "first_position", "articles",
                 "origin", "example"]
CANDIDATE_COLUMNS = ["candidate", "count", "outlets", "example"]
CANDIDATE_OCCURRENCE_COLUMNS = ["article_id", "outlet", "position", "candidate", "text"]

#: A capitalised word sequence, allowing "of"/"of the"/"for" inside ("Secretary of State").
_CAPITALISED = re.compile(
    r"(?<![\w'’])[A-Z][\w'’.-]*[\w](?:\s+(?:(?:of|for)\s+(?:the\s+)?)?[A-Z][\w'’.-]*[\w]){0,4}")
_POSSESSIVE = re.compile(r"['’]s$")
_APPOSITION_GAP = re.compile(r"^[\s,]*$")
#: Capitalised words that start sentences or name titles/dates, never actors on their own.
NOT_ACTORS: frozenset[str] = frozenset({
    "a", "an", "the", "in", "on", "at", "as", "but", "and", "or", "it", "its", "this", "that",
    "these", "those", "they", "he", "she", "we", "i", "his", "her", "their", "our", "some",
    "any", "during", "despite", "although", "meanwhile", "earlier", "later", "after", "before",
    "hours", "faced", "when", "while", "if", "there", "here", "what", "why", "how", "who", "one",
    "mr", "mrs", "ms", "dr", "president", "prime", "minister", "secretary", "leader", "leaders",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
    "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "approximately", "many", "more", "most", "both", "all", "for",
    "with", "from", "by", "to", "of", "about", "amid", "over", "under", "since", "not", "no",
})
#: Word endings of nationality/direction adjectives ("Russian", "Chinese", "Western").
_ADJECTIVE_END = re.compile(r"(?:ian|ese|ish|ern|ean)$")


def find_actor_mentions(sentences: pd.DataFrame, *, lexicon: Mapping[str, list[str]]
                        ) -> pd.DataFrame:
    """Find every actor mention in the body sentences.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``).
    lexicon
        Canonical actor → aliases (see :func:`helpers.lexicons.load_lexicon`).

    Returns
    -------
    pandas.DataFrame
        One row per mention: ``article_id``, ``outlet``, ``position`` (sentence position in the
        article), ``relative_position`` (position / number of sentences in the article),
        ``actor`` (canonical name), ``alias`` (the matched text), ``text`` (the sentence).
    """
    texts = sentences["text"].fillna("").astype(str).tolist()
    n_sentences = sentences.groupby("article_id")["position"].transform("count").tolist()
    article_ids = sentences["article_id"].tolist()
    outlets = sentences["outlet"].tolist()
    positions = sentences["position"].tolist()
    rows = [(article_ids[i], outlets[i], int(positions[i]),
             float(positions[i]) / float(n_sentences[i]), actor, alias, texts[i])
            for i, actor, alias in _match_actors(texts, compile_matcher(lexicon))]
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def _match_actors(texts: list[str], matcher: Matcher) -> list[tuple[int, str, str]]:
    """``(text index, actor, alias)`` of every mention, in text order, appositions merged.

    An actor matched again right after its own mention, with only commas and white space
    between ("Russian president, Vladimir Putin" style), is the same mention (kept once, with
    the first alias).
    """
    found = []
    previous = None  # (text index, start, end, actor) of the last mention kept
    for i, start, end, actor, alias in find_matches_each(texts, [matcher])[0]:
        if previous and previous[0] == i and previous[3] == actor and _APPOSITION_GAP.match(
                texts[i][previous[2]:start]):
            previous = (i, previous[1], end, actor)
            continue
        previous = (i, start, end, actor)
        found.append((i, actor, alias))
    return found


def _clean_candidate(phrase: str) -> str:
    words = _POSSESSIVE.sub("", phrase.strip()).split()
    while words and words[0].lower().strip(".") in NOT_ACTORS:
        words = words[1:]
    while words and words[-1].lower() in {"of", "for", "the"}:
        words = words[:-1]
    return " ".join(words)


def find_actor_candidates(sentences: pd.DataFrame, *, lexicon: Mapping[str, list[str]]
                          ) -> pd.DataFrame:
    """Find every occurrence of a possible actor: a capitalised word sequence no alias covers.

    A single word counts only where it is not the first word of a sentence, and nationality or
    direction adjectives ("Russian", "Western"), titles, months and weekdays are ignored.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``).
    lexicon
        Known actors; phrases that contain one of their aliases are not candidates.

    Returns
    -------
    pandas.DataFrame
        One row per occurrence, in sentence order: ``article_id``, ``outlet``, ``position``
        (sentence position in the article), ``candidate``, ``text`` (the sentence).
    """
    known = compile_matcher(lexicon)
    texts = sentences["text"].fillna("").astype(str).tolist()
    covered: dict[int, list[tuple[int, int]]] = {}
    for i, start, end, _, _ in find_matches_each(texts, [known])[0]:
        covered.setdefault(i, []).append((start, end))
    cleaned: dict[str, str] = {}  # phrase → candidate ("" when it is no candidate)
    found: list[tuple[int, str]] = []
    for i, text in enumerate(texts):
        spans = covered.get(i, ())
        for match in _CAPITALISED.finditer(text):
            phrase = match.group()
            if phrase not in cleaned:
                candidate = _clean_candidate(phrase)
                known_alias = not candidate or find_matches(candidate, known)
                cleaned[phrase] = "" if known_alias else candidate
            candidate = cleaned[phrase]
            if not candidate or any(start < match.end() and match.start() < end
                                    for start, end in spans):
                continue
            single = " " not in candidate
            if single and (match.start() == 0 or _ADJECTIVE_END.search(candidate)
                           or candidate.lower() in NOT_ACTORS or len(candidate) < 3):
                continue
            found.append((i, candidate))
    rows = [i for i, _ in found]
    return pd.DataFrame({
        "article_id": sentences["article_id"].to_numpy()[rows] if rows else [],
        "outlet": sentences["outlet"].to_numpy()[rows] if rows else [],
        "position": sentences["position"].to_numpy(dtype="int64")[rows] if rows else [],
        "candidate": [c for _, c in found],
        "text": [texts[i] for i in rows]}, columns=CANDIDATE_OCCURRENCE_COLUMNS)


def suggest_actors(sentences: pd.DataFrame, *, lexicon: Mapping[str, list[str]],
                   min_count: int = 3, min_outlets: int = 2, top: int = 10,
                   candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Suggest actors from frequent capitalised word sequences that the lexicon does not cover.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table.
    lexicon
        Known actors (see :func:`find_actor_candidates`).
    min_count, min_outlets
        A candidate must occur at least ``min_count`` times in at least ``min_outlets`` outlets.
    top
        At most this many candidates, most frequent first (ties alphabetical).
    candidates
        :func:`find_actor_candidates` of the same sentences and lexicon, when already
        computed (e.g. :mod:`helpers.article_tables`); found here otherwise.

    Returns
    -------
    pandas.DataFrame
        ``candidate``, ``count`` (occurrences), ``outlets`` (number of outlets), ``example``
        (first sentence that contains it).
    """
    if candidates is None:
        candidates = find_actor_candidates(sentences, lexicon=lexicon)
    if candidates.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    grouped = candidates.groupby("candidate", sort=False)
    table = pd.DataFrame({"count": grouped.size(), "outlets": grouped["outlet"].nunique(),
                          "example": grouped["text"].first()})
    table = table[(table["count"] >= min_count) & (table["outlets"] >= min_outlets)]
    table = table.rename_axis("candidate").reset_index()
    table = table.sort_values(["count", "candidate"], ascending=[False, True], kind="stable")
    return table.head(top).reset_index(drop=True)[CANDIDATE_COLUMNS]


def count_actor_mentions(sentences: pd.DataFrame, *, lexicon: Mapping[str, list[str]],
                         suggest: int = 5, mentions: pd.DataFrame | None = None,
                         candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Count actor mentions per outlet (lexicon actors plus up to ``suggest`` suggested ones).

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``,
        ``words``).
    lexicon
        Canonical actor → aliases.
    suggest
        How many candidates from :func:`suggest_actors` to add (0 for the lexicon only).
    mentions, candidates
        :func:`find_actor_mentions` (with ``lexicon``) and :func:`find_actor_candidates` of
        the same sentences, when already computed (e.g. :mod:`helpers.article_tables`); only
        the sentences naming a suggested actor are matched again.

    Returns
    -------
    pandas.DataFrame
        One row per outlet and actor named by at least one outlet (zeros kept, so the grid is
        complete): ``outlet``, ``actor``, ``mentions``, ``per_1000_words`` (mentions per 1,000
        body words of the outlet), ``first_position`` (mean relative position of the first
        mention over the outlet's articles naming the actor; NaN when never named),
        ``articles`` (articles naming it), ``origin`` ("lexicon" or "suggested"), ``example``
        (the first sentence naming it, "" when none).
    """
    lexicon = {name: list(aliases) for name, aliases in lexicon.items()}
    origin = dict.fromkeys(lexicon, "lexicon")
    suggested: list[str] = []
    if suggest > 0:
        suggested = suggest_actors(sentences, lexicon=lexicon, top=suggest,
                                   candidates=candidates)["candidate"].tolist()
        for candidate in suggested:
            lexicon[candidate] = [candidate]
            origin[candidate] = "suggested"
    if mentions is None:
        mentions = find_actor_mentions(sentences, lexicon=lexicon)
    elif suggested:
        mentions = _add_suggested_mentions(sentences, mentions, lexicon=lexicon,
                                           suggested=suggested)
    words = sentences.groupby("outlet")["words"].sum()
    actors = sorted(mentions["actor"].unique(), key=str.casefold)
    outlets = sorted(words.index, key=str.casefold)
    table = _tally_mentions(mentions, outlets, actors).reset_index()
    table["mentions"] = table["mentions"].fillna(0).astype(int)
    table["articles"] = table["articles"].fillna(0).astype(int)
    table["first_position"] = table["first_position"].astype(float)
    table["example"] = table["example"].fillna("")
    outlet_words = table["outlet"].map(words).astype(float)
    table["per_1000_words"] = (1000.0 * table["mentions"] / outlet_words.where(outlet_words > 0)
                               ).fillna(0.0)
    table["origin"] = table["actor"].map(origin)
    return table[ACTOR_COLUMNS]


def _tally_mentions(mentions: pd.DataFrame, outlets: list[str], actors: list[str]
                    ) -> pd.DataFrame:
    """Per outlet and actor (every pair, outlets first): ``mentions``, ``first_position``,
    ``articles`` and ``example`` (NaN where the outlet never names the actor).

    Grouped on integer codes: the mean relative position of the first mention sums each
    outlet and actor's articles in the order they first occur, as a pandas group-by of the
    names does; rows with a missing outlet, actor or (for the positions) article are left out.
    """
    outlet = pd.Index(outlets).get_indexer(mentions["outlet"])
    actor = pd.Index(actors).get_indexer(mentions["actor"])
    article = pd.factorize(mentions["article_id"].to_numpy())[0]
    valid = (outlet >= 0) & (actor >= 0)
    cell = outlet * len(actors) + actor
    n_cells = len(outlets) * len(actors)
    count = np.bincount(cell[valid], minlength=n_cells)
    dated = valid & (article >= 0)
    first = pd.Series(mentions["relative_position"].to_numpy(dtype=float)[dated]).groupby(
        [cell[dated], article[dated]], sort=False).min().groupby(level=0, sort=False)
    means, articles = first.mean(), first.size()
    first_position = np.full(n_cells, np.nan)
    first_position[means.index.to_numpy()] = means.to_numpy()
    n_articles = np.zeros(n_cells, dtype=np.int64)
    n_articles[articles.index.to_numpy()] = articles.to_numpy()
    texts = mentions["text"].to_numpy()
    written = valid & pd.notna(texts)
    cells, first_row = np.unique(cell[written], return_index=True)
    example = np.full(n_cells, np.nan, dtype=object)
    example[cells] = texts[written][first_row]
    grid = pd.MultiIndex.from_product([outlets, actors], names=["outlet", "actor"])
    return pd.DataFrame({"mentions": count, "first_position": first_position,
                         "articles": n_articles, "example": example}, index=grid)


def _add_suggested_mentions(sentences: pd.DataFrame, mentions: pd.DataFrame, *,
                            lexicon: Mapping[str, list[str]], suggested: list[str]
                            ) -> pd.DataFrame:
    """Lexicon mentions plus those of the suggested actors, as one joint matching would give.

    Only sentences in which a suggested name matches can change (where no suggested term
    matches, the joint matcher finds what the lexicon alone finds): they are matched again with
    the whole lexicon and replace their rows; the others keep their (cached) lexicon mentions.
    Each distinct sentence text is matched once.
    """
    shared = code_texts(sentences)  # (shared with the other helpers given the table)
    if shared.complete:  # no missing text: the codes of fillna("").astype(str)
        codes, distinct = shared.codes, shared.texts.tolist()
    else:
        codes, distinct = pd.factorize(sentences["text"].fillna("").astype(str).to_numpy())
        distinct = distinct.tolist()
    touched = texts_with_matches(distinct, compile_matcher(
        {name: lexicon[name] for name in suggested}))
    if not touched:
        return mentions
    again = _mentions_of_texts(sentences, codes, [distinct[code] for code in touched],
                               np.asarray(touched), compile_matcher(lexicon))
    rows = np.flatnonzero(np.isin(codes, touched))
    article_codes, article_order = pd.factorize(sentences["article_id"])
    width = 1 + int(sentences["position"].max())
    sentence_rank = article_codes * width + sentences["position"].to_numpy(dtype="int64")
    mention_rank = (pd.Index(article_order).get_indexer(mentions["article_id"]) * width
                    + mentions["position"].to_numpy(dtype="int64"))
    keep = ~np.isin(mention_rank, sentence_rank[rows])
    joined = pd.concat([mentions[keep], again], ignore_index=True)
    rank = np.concatenate([mention_rank[keep], sentence_rank[again.index.to_numpy()]])
    return joined.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)


def _mentions_of_texts(sentences: pd.DataFrame, codes: np.ndarray, texts: list[str],
                       text_codes: np.ndarray, matcher: Matcher) -> pd.DataFrame:
    """:func:`find_actor_mentions` of the sentences whose text is one of ``texts``.

    ``codes`` gives each sentence's distinct-text code and ``text_codes`` the (ascending)
    codes of ``texts``; each text is matched once and its mentions repeated for every sentence
    that holds it. Relative positions are over whole articles. The index holds each mention's
    sentence index (row number in ``sentences``).
    """
    found = _match_actors(texts, matcher)
    hit_text = np.fromiter((i for i, _, _ in found), dtype=np.int64, count=len(found))
    per_text = np.bincount(hit_text, minlength=len(texts))
    first_hit = np.cumsum(per_text) - per_text
    local = np.full(int(codes.max()) + 1, -1, dtype=np.int64)
    local[text_codes] = np.arange(len(text_codes))
    rows = np.flatnonzero(local[codes] >= 0)
    row_text = local[codes[rows]]
    n = per_text[row_text]
    row_of_hit = np.repeat(rows, n)
    hit = np.repeat(first_hit[row_text] - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))
    positions = sentences["position"].to_numpy(dtype="int64")[row_of_hit]
    n_sentences = sentences.groupby("article_id")["position"].transform("count")
    return pd.DataFrame({
        "article_id": sentences["article_id"].to_numpy()[row_of_hit],
        "outlet": sentences["outlet"].to_numpy()[row_of_hit],
        "position": positions,
        "relative_position": (positions.astype(float)
                              / n_sentences.to_numpy(dtype=float)[row_of_hit]),
        "actor": np.array([actor for _, actor, _ in found], dtype=object)[hit],
        "alias": np.array([alias for _, _, alias in found], dtype=object)[hit],
        "text": np.asarray(texts, dtype=object)[hit_text[hit]],
    }, index=row_of_hit, columns=MENTION_COLUMNS)


def describe_actors(table: pd.DataFrame) -> str:
    """One sentence on the actor table: the most named actor overall and where outlets differ."""
    if table.empty or table["mentions"].sum() == 0:
        return "No actor from the lexicon or the suggestions is named in this collection."
    totals = table.groupby("actor")["per_1000_words"].mean().sort_values(ascending=False)
    lead = totals.index[0]
    per_outlet = table[table["actor"] == lead].set_index("outlet")["per_1000_words"]
    spread = table.pivot(index="outlet", columns="actor", values="per_1000_words")
    gaps = (spread.max() - spread.min()).drop(index=lead, errors="ignore")
    gaps = gaps.sort_values(ascending=False) if len(gaps) else pd.Series({lead: 0.0})
    gap = gaps.index[0]
    high, low = html.escape(spread[gap].idxmax()), html.escape(spread[gap].idxmin())
    low_outlet = html.escape(per_outlet.idxmin())
    high_outlet = html.escape(per_outlet.idxmax())
    lead, gap = html.escape(lead), html.escape(gap)
    return (f"{lead} is the most named actor (on average {totals.iloc[0]:.1f} mentions per "
            f"1,000 words; from {per_outlet.min():.1f} in {low_outlet} to "
            f"{per_outlet.max():.1f} in {high_outlet}); outlets differ most on {gap}, "
            f"from {spread[gap].max():.1f} per 1,000 words in {high} to "
            f"{spread[gap].min():.1f} in {low}.")
