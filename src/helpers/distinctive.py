"""Distinctive vocabulary: the words each outlet uses more (or less) than the other outlets.

Method: the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008,
"Fightin' Words", *Political Analysis* 16(4)), each outlet against all other outlets pooled, from
:func:`helpers.vectorize.compute_log_odds` (the kit's one tokenizer; the prior is the collection's
own term distribution). The z-score divides the log-odds ratio by its estimated standard error,
so a term used a few times does not outrank a term used often. Beside it, each outlet's TF-IDF
weight (its sentences joined into one document; :func:`helpers.vectorize.weigh_group_tfidf`),
and one example sentence per outlet and term, so every number leads back to the text. With a
handful of articles per outlet, a z-score is a pointer for reading, not a significance test.
Each distinct sentence text is tokenised once (:func:`helpers.vectorize.analyze_all`) for all
three; repeated sentences (wire copy) count once per occurrence.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
from scipy import sparse

from helpers.grouping import code_texts
from helpers.safe_text import escape_text
from helpers.vectorize import (
    LOG_ODDS_ALPHA0,
    analyze_all,
    count_distinct_terms,
    log_odds_from_counts,
    sum_counts_by_group,
    weigh_group_tfidf,
)

DISTINCTIVE_COLUMNS = ["outlet", "term", "count", "count_rest", "log_odds", "z", "tfidf",
                       "example"]


def _distinct_texts(sentences: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each sentence's code into the distinct sentence texts, and those texts (as ``str``;
    :func:`helpers.grouping.code_texts`, shared with the other helpers given the table)."""
    shared = code_texts(sentences)
    if shared.complete:
        return shared.codes, [str(text) for text in shared.texts.tolist()]
    texts = [str(text) for text in sentences["text"].astype(str).tolist()]  # (missing: "nan")
    codes, distinct = pd.factorize(np.asarray(texts, dtype=object))
    return codes, distinct.tolist()


def _examples(sentences: pd.DataFrame, codes: np.ndarray, matrix: sparse.csr_matrix,
              outlets: list[str]) -> np.ndarray:
    """The first sentence (by outlet, article and position) of each outlet with each term.

    Returns
    -------
    numpy.ndarray
        Outlets (``sorted(set(outlets))``) × terms (columns of ``matrix``): the row number in
        ``sentences`` of that sentence, -1 where the outlet does not use the term.
    """
    groups = {group: i for i, group in enumerate(sorted(set(outlets)))}
    # Reading order (outlet, article, position), as sort_values gives it.
    outlet, names = _sort_codes(sentences["outlet"])
    rows = np.lexsort((_sort_codes(sentences["position"])[0],
                       _sort_codes(sentences["article_id"])[0], outlet))
    # Each sentence's outlet row in the result (-1: none, e.g. a missing outlet).
    group = np.array([groups.get(name, -1) for name in names] + [-1],
                     dtype=np.int64)[outlet[rows]]
    rows, group = rows[group >= 0], group[group >= 0]
    # Only the first sentence of each outlet with a given text can be an example.
    first = _first_occurrences(group * matrix.shape[0] + codes[rows])
    rows, group, text = rows[first], group[first], codes[rows[first]]
    starts, ends = matrix.indptr[text], matrix.indptr[text + 1]
    n = ends - starts
    terms = matrix.indices[np.repeat(starts - (np.cumsum(n) - n), n) + np.arange(int(n.sum()))]
    first = _first_occurrences(np.repeat(group, n) * matrix.shape[1] + terms)
    found = np.full(len(groups) * matrix.shape[1], -1, dtype=np.int64)
    found[np.repeat(group, n)[first] * matrix.shape[1] + terms[first]] = np.repeat(rows, n)[first]
    return found.reshape(len(groups), matrix.shape[1])


def _sort_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes that order ``column`` as sorting it does (missing values last, as
    ``len(uniques)``), and the sorted distinct values."""
    codes, uniques = pd.factorize(column.to_numpy(), sort=True)
    return np.where(codes < 0, len(uniques), codes), np.asarray(uniques)


def _first_occurrences(keys: np.ndarray) -> np.ndarray:
    """Positions of the first occurrence of each distinct value of ``keys``, in order
    (hashing, not sorting)."""
    return np.flatnonzero(~pd.Index(keys).duplicated())


def _tfidf_by_outlet(counts: pd.DataFrame) -> pd.DataFrame:
    """Each outlet's TF-IDF weights (its sentences joined into one document)."""
    weights = weigh_group_tfidf(counts)
    return weights.stack().rename("tfidf").reset_index().rename(columns={"level_1": "term"})


def find_distinctive_terms(sentences: pd.DataFrame, *, alpha0: float = LOG_ODDS_ALPHA0,
                           memo: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Score every term of every outlet against the other outlets.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``).
    alpha0
        Total prior pseudo-count of the Dirichlet prior.
    memo
        A file keeping the tokens of the distinct sentences between runs
        (:func:`helpers.vectorize.analyze_all`): after a few articles are added, only their
        sentences are tokenised. The result is the same as without it.

    Returns
    -------
    pandas.DataFrame
        One row per outlet and term: ``outlet``, ``term``, ``count`` (uses in the outlet),
        ``count_rest`` (uses in all other outlets), ``log_odds``, ``z`` (positive = used more
        than by the rest), ``tfidf`` (weight in the outlet's joined text), ``example`` (the
        outlet's first sentence containing the term; empty when the outlet does not use it).
        Sorted by outlet, then ``z`` descending. Empty with fewer than two outlets, or when the
        sentences hold no term (only stop words, numbers or punctuation).
    """
    if sentences.empty or sentences["outlet"].nunique() < 2:
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    outlets = [str(outlet) for outlet in sentences["outlet"].astype(str).tolist()]
    codes, distinct = _distinct_texts(sentences)
    tokens = analyze_all(distinct, memo=memo)  # each distinct text tokenised once
    matrix, terms = count_distinct_terms(tokens)
    if not len(terms):  # only stop words, numbers or punctuation: nothing to compare
        return pd.DataFrame(columns=DISTINCTIVE_COLUMNS)
    counts = sum_counts_by_group(matrix, terms, codes, outlets)
    table = log_odds_from_counts(counts, alpha0=alpha0)
    table = table.merge(_tfidf_by_outlet(counts), on=["outlet", "term"], how="left")
    table["tfidf"] = table["tfidf"].fillna(0.0)
    first = _examples(sentences, codes, matrix, outlets)[
        counts.index.get_indexer(table["outlet"]), counts.columns.get_indexer(table["term"])]
    texts = sentences["text"].to_numpy()
    table["example"] = [texts[row] if row >= 0 else "" for row in first.tolist()]
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
