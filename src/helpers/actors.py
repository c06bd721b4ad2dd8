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
from collections import Counter
from collections.abc import Mapping

import pandas as pd

from helpers.lexicons import compile_matcher, find_matches

MENTION_COLUMNS = ["article_id", "outlet", "position", "relative_position", "actor", "alias",
                   "text"]
ACTOR_COLUMNS = ["outlet", "actor", "mentions", "per_1000_words", "first_position", "articles",
                 "origin", "example"]
CANDIDATE_COLUMNS = ["candidate", "count", "outlets", "example"]

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
    matcher = compile_matcher(lexicon)
    n_sentences = sentences.groupby("article_id")["position"].transform("count")
    rows = []
    for row, total in zip(sentences.itertuples(index=False), n_sentences, strict=True):
        previous = None
        for start, end, actor, alias in find_matches(row.text, matcher):
            if previous and previous[2] == actor and _APPOSITION_GAP.match(
                    row.text[previous[1]:start]):
                previous = (previous[0], end, actor)
                continue
            previous = (start, end, actor)
            rows.append({"article_id": row.article_id, "outlet": row.outlet,
                         "position": int(row.position),
                         "relative_position": float(row.position) / float(total),
                         "actor": actor, "alias": alias, "text": row.text})
    return pd.DataFrame(rows, columns=MENTION_COLUMNS)


def _clean_candidate(phrase: str) -> str:
    words = _POSSESSIVE.sub("", phrase.strip()).split()
    while words and words[0].lower().strip(".") in NOT_ACTORS:
        words = words[1:]
    while words and words[-1].lower() in {"of", "for", "the"}:
        words = words[:-1]
    return " ".join(words)


def suggest_actors(sentences: pd.DataFrame, *, lexicon: Mapping[str, list[str]],
                   min_count: int = 3, min_outlets: int = 2, top: int = 10) -> pd.DataFrame:
    """Suggest actors from frequent capitalised word sequences that the lexicon does not cover.

    A single word counts only where it is not the first word of a sentence, and nationality or
    direction adjectives ("Russian", "Western"), titles, months and weekdays are ignored.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table.
    lexicon
        Known actors; phrases that contain one of their aliases are not suggested.
    min_count, min_outlets
        A candidate must occur at least ``min_count`` times in at least ``min_outlets`` outlets.
    top
        At most this many candidates, most frequent first (ties alphabetical).

    Returns
    -------
    pandas.DataFrame
        ``candidate``, ``count`` (occurrences), ``outlets`` (number of outlets), ``example``
        (first sentence that contains it).
    """
    known = compile_matcher(lexicon)
    counts: Counter[str] = Counter()
    outlets: dict[str, set[str]] = {}
    examples: dict[str, str] = {}
    for row in sentences.itertuples(index=False):
        covered = [(start, end) for start, end, _, _ in find_matches(row.text, known)]
        for match in _CAPITALISED.finditer(row.text):
            candidate = _clean_candidate(match.group())
            if not candidate or find_matches(candidate, known) or any(
                    start < match.end() and match.start() < end for start, end in covered):
                continue
            single = " " not in candidate
            if single and (match.start() == 0 or _ADJECTIVE_END.search(candidate)
                           or candidate.lower() in NOT_ACTORS or len(candidate) < 3):
                continue
            counts[candidate] += 1
            outlets.setdefault(candidate, set()).add(row.outlet)
            examples.setdefault(candidate, row.text)
    rows = [{"candidate": c, "count": n, "outlets": len(outlets[c]), "example": examples[c]}
            for c, n in counts.items() if n >= min_count and len(outlets[c]) >= min_outlets]
    rows.sort(key=lambda r: (-r["count"], r["candidate"]))
    return pd.DataFrame(rows[:top], columns=CANDIDATE_COLUMNS)


def count_actor_mentions(sentences: pd.DataFrame, *, lexicon: Mapping[str, list[str]],
                         suggest: int = 5) -> pd.DataFrame:
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
    if suggest > 0:
        for candidate in suggest_actors(sentences, lexicon=lexicon, top=suggest)["candidate"]:
            lexicon[candidate] = [candidate]
            origin[candidate] = "suggested"
    mentions = find_actor_mentions(sentences, lexicon=lexicon)
    words = sentences.groupby("outlet")["words"].sum()
    actors = sorted(mentions["actor"].unique(), key=str.casefold)
    rows = []
    for outlet in sorted(words.index, key=str.casefold):
        here = mentions[mentions["outlet"] == outlet]
        for actor in actors:
            hits = here[here["actor"] == actor]
            first = hits.groupby("article_id")["relative_position"].min()
            rows.append({
                "outlet": outlet, "actor": actor, "mentions": len(hits),
                "per_1000_words": 1000.0 * len(hits) / words[outlet] if words[outlet] else 0.0,
                "first_position": float(first.mean()) if len(first) else float("nan"),
                "articles": int(first.size), "origin": origin[actor],
                "example": hits["text"].iloc[0] if len(hits) else "",
            })
    return pd.DataFrame(rows, columns=ACTOR_COLUMNS)


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
