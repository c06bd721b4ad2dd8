"""Distinctive vocabulary: the words each outlet uses more (or less) than the other outlets.

Method: the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words", *Political Analysis* 16(4)), each outlet against all other outlets pooled, from
:func:`helpers.vectorize.compute_log_odds` (the kit's one tokenizer; the prior is the collection's
own term distribution). The z-score divides the log-odds ratio by its estimated standard error,
so a term used a few times does not outrank a term used often. Beside it, each outlet's TF-IDF
weight (its sentences joined into one document; :func:`helpers.vectorize.weigh_group_tfidf`),
and one example sentence per outlet and term, so every number leads back to the text. With a
handful of articles per outlet, a z-score is a pointer for reading, not a significance test.
Each sentence is tokenised once (:func:`helpers.vectorize.analyze_all`) for all three.
"""

from __future__ import annotations

import pandas as pd

from helpers.safe_text import escape_text
from helpers.vectorize import (
    LOG_ODDS_ALPHA0,
    analyze_all,
    count_terms_by_group,
    log_odds_from_counts,
    weigh_group_tfidf,
)

DISTINCTIVE_COLUMNS = ["outlet", "term", "count", "count_rest", "log_odds", "z", "tfidf",
                       "example"]


def _examples(sentences: pd.DataFrame, tokens: list[list[str]]) -> dict[tuple[str, str], str]:
    """The first sentence (by article and position) of each outlet that contains each term."""
    found: dict[tuple[str, str], str] = {}
    order = sentences.reset_index(drop=True).sort_values(["outlet", "article_id", "position"])
    outlets, texts = order["outlet"].tolist(), order["text"].tolist()
    for i, outlet, text in zip(order.index, outlets, texts, strict=True):
        for term in tokens[i]:
            found.setdefault((outlet, term), text)
    return found


def _tfidf_by_outlet(counts: pd.DataFrame) -> pd.DataFrame:
    """Each outlet's TF-IDF weights (its sentences joined into one document)."""
    weights = weigh_group_tfidf(counts)
    return weights.stack().rename("tfidf").reset_index().rename(columns={"level_1": "term"})


def find_distinctive_terms(sentences: pd.DataFrame, *,
                           alpha0: float = LOG_ODDS_ALPHA0) -> pd.DataFrame:
    """Score every term of every outlet against the other outlets.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``).
    alpha0
        Total prior pseudo-count of the Dirichlet prior.

    Returns
    -------
    pandas.DataFrame
        One row per outlet and term: ``outlet``, ``term``, ``count`` (uses in the outlet),
        ``count_rest`` (uses in all other outlets), ``log_odds``, ``z`` (positive = used more
        than by the rest), ``tfidf`` (weight in the outlet's joined text), ``example`` (the
        outlet's first sentence containing the term; empty when the outlet does not use it).
        Sorted by outlet, then ``z`` descending. Empty with fewer than two outlets.
    """
    if sentences.empty or sentences["outlet"].nunique() < 2:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    texts = sentences["text"].astype(str).tolist()
    tokens = analyze_all(texts)  # tokenised once for counts, TF-IDF and examples
    counts = count_terms_by_group(texts, sentences["outlet"].astype(str).tolist(),
                                  tokens=tokens)
    table = log_odds_from_counts(counts, alpha0=alpha0)
    table = table.merge(_tfidf_by_outlet(counts), on=["outlet", "term"], how="left")
    table["tfidf"] = table["tfidf"].fillna(0.0)
    examples = _examples(sentences, tokens)
    table["example"] = [examples.get((o, t), "") for o, t in zip(table["outlet"], table["term"],
                                                                  strict=True)]
    return table[DISTINCTIVE_COLUMNS]


def top_distinctive_terms(table: pd.DataFrame, *, n: int = 10, by: str = "z") -> pd.DataFrame:
    """The ``n`` terms with the highest ``by`` (``"z"`` or ``"tfidf"``) per outlet.

    Returns
    -------
    pandas.DataFrame
        The rows of ``table`` kept (only terms the outlet uses, with a positive score), plus
        ``rank`` (1 = most distinctive). Ties are broken alphabetically.
    """
    kept = table[(table["count"] > 0) & (table[by] > 0)]
    kept = kept.sort_values(["outlet", by, "term"], ascending=[True, False, True])
    kept = kept.groupby("outlet", sort=True).head(n).copy()
    kept["rank"] = kept.groupby("outlet").cumcount() + 1
    return kept.reset_index(drop=True)


def describe_distinctive_terms(table: pd.DataFrame) -> str:
    """One sentence (markdown) naming each outlet's most distinctive term and its z-score."""
    top = top_distinctive_terms(table, n=1)
    if top.empty:
        return "There are not enough outlets or words to compare vocabularies."
    parts = [f"{escape_text(r.outlet)} “{escape_text(r.term)}” (z = {r.z:.1f}, {r.count}×)"
             for r in top.itertuples()]
    strong = int((table["z"] >= 1.96).sum())
    return (f"Each outlet's most distinctive word against the others: {'; '.join(parts)}; "
            f"{strong} outlet–term pairs reach z ≥ 1.96, which with so few articles marks words "
            f"to read in context rather than a proven difference.")


def compare_top_terms(table: pd.DataFrame, *, n: int = 8) -> pd.DataFrame:
    """Each outlet's top terms by log-odds z-score and by TF-IDF weight, side by side.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``rank`` (1..n), ``by_z`` (term with that rank by z-score), ``by_tfidf``
        (term with that rank by TF-IDF); empty strings where an outlet has fewer terms.
    """
    by_z = top_distinctive_terms(table, n=n, by="z")[["outlet", "rank", "term"]]
    by_tfidf = top_distinctive_terms(table, n=n, by="tfidf")[["outlet", "rank", "term"]]
    merged = by_z.merge(by_tfidf, on=["outlet", "rank"], how="outer", suffixes=("_z", "_tfidf"))
    merged = merged.rename(columns={"term_z": "by_z", "term_tfidf": "by_tfidf"}).fillna("")
    return merged.sort_values(["outlet", "rank"], ignore_index=True)
