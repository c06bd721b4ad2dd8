"""The corpus audit behind notebook 00: what was kept, what was removed and why, what was skipped.

Parsing keeps every removed line with its reason (see :mod:`helpers.parsing`); these functions
turn that record into tables a reader can check, including the raw file line by line beside
what the kit made of it.
"""

from __future__ import annotations

import pandas as pd

from helpers.corpus import Corpus, count_words
from helpers.ingest import read_document
from helpers.safe_text import escape_text

#: Roles a raw line can play in the parsed article, in the order they are looked up.
LINE_ROLES: tuple[str, ...] = ("headline", "standfirst", "byline", "body", "subhead", "removed")


def summarize_articles(corpus: Corpus) -> pd.DataFrame:
    """One row per article for the overview table.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``headline``, ``byline``, ``published``, ``words`` (body words),
        ``paragraphs`` (body paragraphs), ``removed`` (lines removed), ``source`` (file name),
        sorted by outlet.
    """
    table = corpus.articles.rename(columns={"n_paragraphs": "paragraphs", "n_removed": "removed"})
    columns = ["outlet", "headline", "byline", "published", "words", "paragraphs", "removed",
               "source"]
    return table[columns].sort_values(["outlet", "source"], key=_casefold).reset_index(drop=True)


def count_removed(corpus: Corpus) -> pd.DataFrame:
    """Removed lines per article and reason.

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``outlet``, ``reason``, ``lines`` (number of removed lines), ``words``
        (words in them), ``example`` (the first removed line, truncated to 120 characters).
    """
    removed = corpus.removed.copy()
    columns = ["article_id", "outlet", "reason", "lines", "words", "example"]
    if removed.empty:
        return pd.DataFrame(columns=columns)
    removed["words"] = removed["text"].map(count_words)
    table = (removed.groupby(["article_id", "outlet", "reason"], sort=True, dropna=False)
             .agg(lines=("text", "size"), words=("words", "sum"),
                  example=("text", lambda s: _truncate(s.iloc[0], 120)))
             .reset_index())
    return table[columns]


def describe_removed(table: pd.DataFrame, articles: pd.DataFrame) -> str:
    """One sentence on what was removed, generated from :func:`count_removed` output."""
    if table.empty:
        return "No line was removed from any article: the files held body text only."
    by_reason = table.groupby("reason")["lines"].sum().sort_values(ascending=False)
    total = int(by_reason.sum())
    top = ", ".join(f"{reason} ({int(n)})" for reason, n in by_reason.head(3).items())
    per_article = table.groupby("outlet")["lines"].sum().sort_values(ascending=False)
    most = per_article.index[0]
    return (f"{total} lines were removed from {len(articles)} articles; the most common reasons "
            f"are {top}. {escape_text(str(most))} carried the most page furniture "
            f"({int(per_article.iloc[0])} lines).")


def compare_raw_and_clean(corpus: Corpus, article_id: str) -> pd.DataFrame:
    """The raw file line by line beside the role the parser gave each line.

    Parameters
    ----------
    corpus
        A loaded collection.
    article_id
        File name of the article (``corpus.articles.article_id``).

    Returns
    -------
    pandas.DataFrame
        ``line`` (1-based line number in the raw file, blank lines omitted), ``raw`` (the raw
        line), ``role`` (headline, standfirst, byline, body, subhead, removed, or other when the
        parser rewrote the line), ``reason`` (removal reason, "" otherwise).

    Raises
    ------
    KeyError
        When ``article_id`` is not a parsed article of the collection.
    """
    matches = corpus.articles.index[corpus.articles["article_id"] == article_id]
    if len(matches) == 0:
        raise KeyError(f"{article_id!r} is not a parsed article; choose one of "
                       f"{', '.join(corpus.articles['article_id'])}")
    row = corpus.articles.loc[matches[0]]
    document = read_document(corpus.folder / row["source"])
    roles: dict[str, tuple[str, str]] = {}
    for role in ("headline", "standfirst", "byline"):
        if isinstance(row[role], str) and row[role]:
            roles.setdefault(_key(row[role]), (role, ""))
    paragraphs = corpus.paragraphs[corpus.paragraphs["article_id"] == article_id]
    for text, kind in zip(paragraphs["text"], paragraphs["kind"], strict=True):
        roles.setdefault(_key(text), ("body" if kind == "body" else "subhead", ""))
    removed = corpus.removed[corpus.removed["article_id"] == article_id]
    for text, reason in zip(removed["text"], removed["reason"], strict=True):
        roles.setdefault(_key(text), ("removed", reason))
    rows = []
    for number, line in enumerate(document.text.split("\n"), start=1):
        if not line.strip():
            continue
        role, reason = roles.get(_key(line), ("other", ""))
        rows.append({"line": number, "raw": line.strip(), "role": role, "reason": reason})
    return pd.DataFrame(rows, columns=["line", "raw", "role", "reason"])


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _truncate(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _casefold(series: pd.Series) -> pd.Series:
    return series.astype(str).str.casefold()


def describe_collection(corpus: Corpus) -> str:
    """One sentence on the size of the collection, with the small-sample caveat when it applies."""
    articles = corpus.articles
    n, outlets = len(articles), len(corpus.outlets)
    words = int(articles["words"].sum()) if n else 0
    dated = int(articles["published"].notna().sum()) if n else 0
    sentence = (f"The collection **{escape_text(corpus.name)}** holds {n} parsed articles from "
                f"{outlets} outlets ({words:,} body words); {dated} of {n} carry a publication "
                f"date.")
    if n < 30:
        sentence += (f" {n} articles is a small sample: read every comparison in the next "
                     "notebooks as a description of these articles, not of the outlets in general.")
    return sentence


def describe_skipped(corpus: Corpus) -> str:
    """One sentence on the files that were not analysed (skipped or duplicate)."""
    audit = corpus.audit
    skipped = audit[audit["status"] != "parsed"]
    if skipped.empty:
        return f"All {len(audit)} files in the folder were parsed; none was skipped."
    reasons = "; ".join(f"{escape_text(s)}: {escape_text(r)}"
                        for s, r in zip(skipped["source"], skipped["reason"], strict=True))
    return (f"{len(skipped)} of {len(audit)} files were not analysed ({reasons}). Fix or remove "
            "them and rerun; nothing else is affected.")
