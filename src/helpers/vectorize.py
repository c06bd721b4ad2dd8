"""The one tokenizer and the TF-IDF / count vectorising shared by framing, topics and similarity.

Everything that turns text into terms goes through :func:`build_vectorizer` (a configured
scikit-learn ``TfidfVectorizer``) and its ``build_analyzer()`` (:func:`analyze`), so TF-IDF,
log-odds, keyword-in-context and topics all see the same terms. Normalisation: lower case,
accents stripped, curly apostrophes folded, "US"/"U.S." read as "usa" (not the stop word "us"),
"U.K."/"U.N." joined into "uk"/"un",
English stop words (scikit-learn's list plus a few news function words) removed, tokens are
words of two or more letters (hyphenated words kept whole: "co-operation", "pre-olympics").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    CountVectorizer,
    TfidfVectorizer,
    strip_accents_unicode,
)

#: Extra stop words: reporting function words that carry no framing on their own.
NEWS_STOP_WORDS: frozenset[str] = frozenset({
    "said", "says", "say", "mr", "mrs", "ms", "dr", "just", "also", "would", "could", "told",
    "according", "including", "year", "years", "week", "day", "friday", "thursday", "wednesday",
    "monday", "tuesday", "saturday", "sunday",
})
STOP_WORDS: frozenset[str] = frozenset(ENGLISH_STOP_WORDS) | NEWS_STOP_WORDS
TOKEN_PATTERN = r"(?u)\b[^\W\d_](?:[^\W\d_]|['-](?=[^\W\d_]))+\b"

_ACRONYM_DOTS = re.compile(r"\b((?:[A-Z]\.){2,})")
_US = re.compile(r"\bU\.?S\.?A?\b(?!\w)")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "‐": "-", "‑": "-"})
_POSSESSIVE = re.compile(r"'s\b")


def preprocess(text: str) -> str:
    """Normalise text before tokenising (lower case, folded apostrophes, joined acronyms)."""
    text = text.translate(_APOSTROPHES)
    text = _US.sub("usa ", text)  # "US"/"U.S." must not become the stop word "us"
    text = _ACRONYM_DOTS.sub(lambda m: m.group(1).replace(".", "") + " ", text)
    text = _POSSESSIVE.sub("", text.lower())
    return strip_accents_unicode(text)


def build_vectorizer(*, ngram_range: tuple[int, int] = (1, 1), min_df: int | float = 1,
                     max_df: int | float = 1.0, max_features: int | None = None,
                     use_idf: bool = True, sublinear_tf: bool = True) -> TfidfVectorizer:
    """Return the kit's configured ``TfidfVectorizer`` (unfitted).

    Parameters
    ----------
    ngram_range, min_df, max_df, max_features
        Passed to scikit-learn.
    use_idf, sublinear_tf
        TF-IDF weighting options (sublinear term frequency by default).
    """
    return TfidfVectorizer(
        preprocessor=preprocess, token_pattern=TOKEN_PATTERN, stop_words=sorted(STOP_WORDS),
        strip_accents="unicode", ngram_range=ngram_range, min_df=min_df, max_df=max_df,
        max_features=max_features, use_idf=use_idf, sublinear_tf=sublinear_tf,
        dtype=np.float64,
    )


def build_count_vectorizer(*, ngram_range: tuple[int, int] = (1, 1), min_df: int | float = 1,
                           max_df: int | float = 1.0) -> CountVectorizer:
    """Return a ``CountVectorizer`` that uses exactly the TF-IDF analyzer's tokens."""
    return CountVectorizer(analyzer=build_vectorizer(ngram_range=ngram_range).build_analyzer(),
                           min_df=min_df, max_df=max_df)


@lru_cache(maxsize=4)
def _analyzer(ngram_range: tuple[int, int]):
    return build_vectorizer(ngram_range=ngram_range).build_analyzer()


def analyze(text: str, *, ngram_range: tuple[int, int] = (1, 1)) -> list[str]:
    """Tokenise ``text`` with THE analyzer (same terms as TF-IDF).

    Examples
    --------
    >>> analyze("The U.S. and Russia’s co-operation")
    ['usa', 'russia', 'co-operation']
    """
    return _analyzer(tuple(ngram_range))(text)


def fit_tfidf(texts: Sequence[str], **options) -> tuple[sparse.csr_matrix, TfidfVectorizer]:
    """Fit TF-IDF on ``texts`` and return ``(matrix, fitted_vectorizer)``.

    ``options`` go to :func:`build_vectorizer`. Rows of the matrix are L2-normalised.
    """
    vectorizer = build_vectorizer(**options)
    matrix = vectorizer.fit_transform(list(texts))
    return matrix.tocsr(), vectorizer


def count_terms(texts: Iterable[str], *, ngram_range: tuple[int, int] = (1, 1)) -> pd.Series:
    """Count every analyzer term over ``texts``.

    Returns
    -------
    pandas.Series
        Term counts indexed by term, most frequent first (ties alphabetical).
    """
    counts: dict[str, int] = {}
    analyzer = _analyzer(tuple(ngram_range))
    for text in texts:
        for term in analyzer(text):
            counts[term] = counts.get(term, 0) + 1
    series = pd.Series(counts, dtype="int64", name="count")
    if series.empty:
        return series
    order = sorted(series.index, key=lambda t: (-series[t], t))
    return series.loc[order]


def top_tfidf_terms(texts: Sequence[str], labels: Sequence[str], *, n: int = 10) -> pd.DataFrame:
    """Top TF-IDF terms of each group of documents (documents joined per label).

    Returns
    -------
    pandas.DataFrame
        Columns ``outlet`` (the label), ``term``, ``tfidf`` (weight in the label's joined
        document), ``rank`` (1 = highest); ``n`` rows per label at most.
    """
    frame = pd.DataFrame({"label": list(labels), "text": list(texts)})
    grouped = frame.groupby("label", sort=True)["text"].apply(" ".join)
    if grouped.empty:
        return pd.DataFrame(columns=["outlet", "term", "tfidf", "rank"])
    matrix, vectorizer = fit_tfidf(grouped.tolist())
    terms = vectorizer.get_feature_names_out()
    rows = []
    for i, label in enumerate(grouped.index):
        row = matrix.getrow(i).toarray().ravel()
        order = sorted(range(len(terms)), key=lambda j: (-row[j], terms[j]))[:n]
        rows.extend({"outlet": label, "term": terms[j], "tfidf": float(row[j]), "rank": r + 1}
                    for r, j in enumerate(order) if row[j] > 0)
    return pd.DataFrame(rows, columns=["outlet", "term", "tfidf", "rank"])
