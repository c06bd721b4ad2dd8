"""Headlines and leads side by side, and which actor each headline puts first with which verb.

Method. The headline, standfirst and first body paragraph (the lead) of every article are set
next to each other. In the headline, the first actor named (actor lexicon, see
:mod:`helpers.lexicons`) is taken as the one the outlet foregrounds; actors joined to it
("Putin and Xi", "Putin, Xi") form the subject, and a possessive hands over to the actor it
qualifies ("Russia's Putin" puts Putin first), and the word right after the subject is read as
the headline verb when it looks like one (a lower-case word or a capitalised word that is not an
actor, in title-case headlines). Headline grammar (present tense, dropped articles) makes this
simple rule work on most headlines (Mårdh 1980 on "headlinese"); when the first actor is not the
subject ("Olympics open as Putin arrives") the verb column shows what follows the actor, so
read it with the headline.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import pandas as pd

from helpers.lexicons import compile_matcher, find_matches, find_matches_each

LEAD_COLUMNS = ["outlet", "article_id", "headline", "first_actor", "subject", "headline_verb",
                "verb_class", "standfirst", "lead"]
_POSSESSIVE = re.compile(r"^['’]s\s+$")
_JOINER = re.compile(r"^\s*(?:,|and|&|\+)\s*$")
_NEXT_WORD = re.compile(r"^[\s,:]*([A-Za-z][a-z'’-]*)")
_NOT_VERBS: frozenset[str] = frozenset({"the", "a", "an", "of", "in", "on", "at", "to", "for",
                                        "and", "or", "as", "with", "by", "from", "amid"})


def find_headline_actor(headline: str, *, lexicon: Mapping[str, list[str]],
                        verbs: Mapping[str, dict] | None = None) -> dict:
    """Return the first actor of a headline, its subject phrase and the verb that follows.

    Returns
    -------
    dict
        ``first_actor`` (canonical name or ""), ``subject`` (the actor phrase as written,
        including coordinated actors), ``headline_verb`` (lower case or ""), ``verb_class``
        ("neutral"/"loaded" when the verb is in the attribution lexicon, else "").

    Examples
    --------
    >>> found = find_headline_actor("Putin and Xi call for halt", lexicon={"Putin": [], "Xi": []})
    >>> found["subject"], found["headline_verb"]
    ('Putin and Xi', 'call')
    """
    headline = headline or ""
    return _headline_actor(headline, find_matches(headline, compile_matcher(lexicon)),
                           _verb_classes(verbs))


def _verb_classes(verbs: Mapping[str, dict] | None) -> dict[str, str]:
    """Each verb form (lower case) → its class ("neutral"/"loaded")."""
    return {f.lower(): e["class"] for e in (verbs or {}).values() for f in e["forms"]}


def _headline_actor(headline: str, matches: list[tuple[int, int, str, str]],
                    classes: Mapping[str, str]) -> dict:
    """:func:`find_headline_actor` from the headline's actor matches (``find_matches``) and
    the verb classes (:func:`_verb_classes`)."""
    if not matches:
        return {"first_actor": "", "subject": "", "headline_verb": "", "verb_class": ""}
    start, end, actor = matches[0][0], matches[0][1], matches[0][2]
    for m_start, m_end, label, _ in matches[1:]:
        if _POSSESSIVE.match(headline[end:m_start]):  # "Russia's Putin": Putin is the head
            end, actor = m_end, label
        elif _JOINER.match(headline[end:m_start]):
            end = m_end
        else:
            break
    rest = re.sub(r"^['’]s\b", "", headline[end:])
    word = _NEXT_WORD.match(rest)
    verb = word.group(1).lower() if word and word.group(1).lower() not in _NOT_VERBS else ""
    return {"first_actor": actor, "subject": headline[start:end], "headline_verb": verb,
            "verb_class": classes.get(verb, "")}


def compare_leads(articles: pd.DataFrame, paragraphs: pd.DataFrame, *,
                  lexicon: Mapping[str, list[str]], verbs: Mapping[str, dict] | None = None
                  ) -> pd.DataFrame:
    """Headline, standfirst and lead of every article, with the headline's first actor and verb.

    Parameters
    ----------
    articles
        The corpus ``articles`` table (``article_id``, ``outlet``, ``headline``, ``standfirst``).
    paragraphs
        The corpus ``paragraphs`` table; the lead is the first ``kind == "body"`` paragraph.
    lexicon, verbs
        Actor and attribution-verb lexicons.

    Returns
    -------
    pandas.DataFrame
        One row per article, sorted by outlet: ``outlet``, ``article_id``, ``headline``,
        ``first_actor``, ``subject``, ``headline_verb``, ``verb_class`` (see
        :func:`find_headline_actor`), ``standfirst``, ``lead`` ("" when missing).
    """
    body = paragraphs[paragraphs["kind"] == "body"].sort_values(["article_id", "position"])
    leads = body.groupby("article_id")["text"].first().to_dict()
    headlines = [h if isinstance(h, str) else "" for h in articles["headline"].tolist()]
    matches: list[list[tuple[int, int, str, str]]] = [[] for _ in headlines]
    for i, *match in find_matches_each(headlines, [compile_matcher(lexicon)])[0]:
        matches[i].append(tuple(match))
    classes = _verb_classes(verbs)
    rows = []
    for headline, found, outlet, article_id, standfirst in zip(
            headlines, matches, articles["outlet"].tolist(), articles["article_id"].tolist(),
            articles["standfirst"].tolist(), strict=True):
        rows.append({"outlet": outlet, "article_id": article_id, "headline": headline,
                     **_headline_actor(headline, found, classes),
                     "standfirst": standfirst if isinstance(standfirst, str) else "",
                     "lead": leads.get(article_id, "")})
    table = pd.DataFrame(rows, columns=LEAD_COLUMNS)
    return table.sort_values(["outlet", "article_id"], key=lambda s: s.str.casefold(),
                             ignore_index=True)


def select_leads(table: pd.DataFrame, *, per_outlet: int = 3) -> pd.DataFrame:
    """The first ``per_outlet`` headlines of each outlet, to read side by side.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``headline``, ``standfirst``, ``lead`` (the whole table is headlines.csv).
    """
    chosen = table.groupby("outlet", sort=False).head(per_outlet)
    return chosen[["outlet", "headline", "standfirst", "lead"]].reset_index(drop=True)


def describe_leads(table: pd.DataFrame) -> str:
    """One sentence: which actors the headlines put first, and with which verbs."""
    named = table[table["first_actor"] != ""]
    if named.empty:
        return "No headline names an actor from the lexicon."
    parts = []
    for actor, group in named.groupby("first_actor", sort=False):
        verbs = ", ".join(sorted({v for v in group["headline_verb"] if v}))
        parts.append(f"{html.escape(actor)} in {len(group)} ({html.escape(verbs) or 'no verb'})")
    parts.sort(key=lambda p: -int(re.search(r" in (\d+) ", p).group(1)))
    return (f"Of {len(table)} headlines, {len(named)} name an actor first: "
            + "; ".join(parts) + ".")
