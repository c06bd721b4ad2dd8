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

import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    CountVectorizer,
    TfidfVectorizer,
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
_FOLDS: tuple[tuple[str, str], ...] = (("’", "'"), ("‘", "'"), ("‐", "-"), ("‑", "-"))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_POSSESSIVE = re.compile(r"'s\b")


def preprocess(text: str) -> str:
    """Normalise text before tokenising (lower case, folded apostrophes, joined acronyms)."""
    ascii_only = text.isascii()
    if not ascii_only:
        for old, new in _FOLDS:
            if old in text:
                text = text.replace(old, new)
    if "U" in text:
        text = _US.sub("usa ", text)  # "US"/"U.S." must not become the stop word "us"
    if "." in text:
        text = _ACRONYM_DOTS.sub(lambda m: m.group(1).replace(".", "") + " ", text)
    text = text.lower()
    if "'s" in text:
        text = _POSSESSIVE.sub("", text)
    return text if ascii_only else strip_accents(text)


def strip_accents(text: str) -> str:
    """scikit-learn's ``strip_accents_unicode`` (NFKD, combining marks dropped), with only the
    non-ASCII characters looked up (same result, several times faster on news text)."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(_drop_combining, unicodedata.normalize("NFKD", text))


def _drop_combining(match: re.Match[str]) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def build_vectorizer(*, ngram_range: tuple[int, int] = (1, 1), min_df: int | float = 1,
                     max_df: int | float = 1.0, max_features: int | None = None,
                     use_idf: bool = True, sublinear_tf: bool = True) -> TfidfVectorizer:
    """Return the kit's configured ``TfidfVectorizer`` (unfitted).

    Single words (the default ``ngram_range``) are tokenised by :func:`analyze_cached`: THE
    analyzer, memoised per text, so the analyses that vectorise the same sentences, paragraphs
    or articles in one session tokenise each text once (same terms, same matrix).

    Parameters
    ----------
    ngram_range, min_df, max_df, max_features
        Passed to scikit-learn.
    use_idf, sublinear_tf
        TF-IDF weighting options (sublinear term frequency by default).
    """
    if tuple(ngram_range) == (1, 1):
        return TfidfVectorizer(analyzer=analyze_cached, min_df=min_df, max_df=max_df,
                               max_features=max_features, use_idf=use_idf,
                               sublinear_tf=sublinear_tf, dtype=np.float64)
    return _word_vectorizer(ngram_range=ngram_range, min_df=min_df, max_df=max_df,
                            max_features=max_features, use_idf=use_idf,
                            sublinear_tf=sublinear_tf)


def _word_vectorizer(*, ngram_range: tuple[int, int] = (1, 1), min_df: int | float = 1,
                     max_df: int | float = 1.0, max_features: int | None = None,
                     use_idf: bool = True, sublinear_tf: bool = True) -> TfidfVectorizer:
    """The tokenizer's definition: preprocessing, token pattern and stop words."""
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
    return _word_vectorizer(ngram_range=ngram_range).build_analyzer()


#: Texts whose tokens are remembered (the memo is emptied when it grows past this many).
TOKEN_MEMO_SIZE = 1_000_000
_TOKEN_MEMO: dict[str, list[str]] = {}


def analyze_cached(text: str) -> list[str]:
    """:func:`analyze` (single words), remembered per text for this session.

    The returned list is shared: do not modify it.
    """
    tokens = _TOKEN_MEMO.get(text)
    if tokens is None:
        if len(_TOKEN_MEMO) >= TOKEN_MEMO_SIZE:
            _TOKEN_MEMO.clear()
        tokens = _TOKEN_MEMO[text] = _analyzer((1, 1))(text)
    return tokens


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

    ``options`` go to :func:`build_vectorizer`. Rows of the matrix are L2-normalised. When a
    Dask cluster is active (:func:`helpers.cluster.use_dask`) and there are many documents, the
    fit runs there (:func:`helpers.cluster.fit_tfidf_on_dask`, same result).
    """
    from helpers import cluster

    address = cluster.active_dask_address()
    if address and len(texts) >= cluster.DASK_MIN_DOCUMENTS and not options.get("max_features"):
        return cluster.fit_tfidf_on_dask(texts, address=address, **options)
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


# --- Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008) -------
#
# For group i against group j (another group, or all the other groups pooled), with term counts
# y_w, totals n and a prior alpha_w (alpha_0 = sum of alpha_w), Monroe et al. (2008, eq. 16, 18):
#   delta_w = log((y_wi + a_w) / (n_i + a_0 - y_wi - a_w))
#           - log((y_wj + a_w) / (n_j + a_0 - y_wj - a_w))
#   var(delta_w) ~= 1 / (y_wi + a_w) + 1 / (y_wj + a_w),   z_w = delta_w / sqrt(var(delta_w)).
# The informative prior is the whole collection's term distribution scaled to LOG_ODDS_ALPHA0
# pseudo-counts: a_w = alpha_0 * y_w / n. It shrinks rare terms towards "not distinctive".

#: Total prior pseudo-count alpha_0 (the weight of the collection-wide term distribution).
LOG_ODDS_ALPHA0: float = 100.0
LOG_ODDS_COLUMNS = ["outlet", "term", "count", "count_rest", "log_odds", "z"]


def analyze_all(texts: Iterable[str], *,
                memo: str | os.PathLike[str] | None = None) -> list[list[str]]:
    """Tokenise many texts with THE analyzer (:func:`analyze_cached`; lists are shared).

    ``memo``: a file where the call keeps the tokens of its distinct texts for the next one
    and from which it takes those it finds (:mod:`helpers.token_memo`); the tokens are the
    same as without it. The file holds the texts of the last call that rewrote it: a call
    whose texts differ from the file's by at most :data:`helpers.cache.REWRITE_SHARE` leaves
    it as it is (the next call tokenises those few texts again). ``None`` (default): no file.
    """
    if memo is None:
        return [analyze_cached(str(text)) for text in texts]
    from helpers import token_memo
    from helpers.cache import worth_rewriting

    texts = [str(text) for text in texts]
    known = token_memo.read_tokens(memo)
    for text in texts:
        if text not in _TOKEN_MEMO and (tokens := known.get(text)) is not None:
            if len(_TOKEN_MEMO) >= TOKEN_MEMO_SIZE:
                _TOKEN_MEMO.clear()
            _TOKEN_MEMO[text] = tokens
    result = [analyze_cached(text) for text in texts]
    distinct = dict(zip(texts, result, strict=True))
    if worth_rewriting(used=len(distinct), stored=len(known),
                       common=sum(1 for text in distinct if text in known)):
        token_memo.write_tokens(memo, list(distinct), list(distinct.values()))
    return result


def count_terms_by_group(texts: Sequence[str], labels: Sequence[str], *,
                         tokens: Sequence[list[str]] | None = None) -> pd.DataFrame:
    """Count analyzer terms per group of documents (each distinct text tokenised and counted
    once, then added once per occurrence: wire copy repeats sentences).

    ``tokens`` (:func:`analyze_all` of ``texts``), when given, are counted instead of
    tokenising ``texts`` again.

    Returns
    -------
    pandas.DataFrame
        Term counts: one row per label (sorted), one column per term (alphabetical), int64.
    """
    codes, distinct = pd.factorize(np.asarray([str(text) for text in texts], dtype=object))
    if tokens is None:
        distinct_tokens = analyze_all(distinct)
    else:  # the tokens of each distinct text's first occurrence
        _, first = np.unique(codes, return_index=True)
        distinct_tokens = [tokens[i] for i in first.tolist()]
    matrix, terms = count_distinct_terms(distinct_tokens)
    return sum_counts_by_group(matrix, terms, codes, labels)


def count_distinct_terms(tokens: Sequence[list[str]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Term counts of token lists (:func:`analyze_all`), as ``CountVectorizer`` would give.

    Returns
    -------
    tuple
        A sparse int64 matrix (one row per token list, one column per term) and the terms
        (alphabetical, an object array).
    """
    matrix, terms = _count_terms_first_seen(tokens)
    order = np.argsort(terms)
    rank = np.empty(len(order), dtype=matrix.indices.dtype)
    rank[order] = np.arange(len(order))
    matrix.indices = rank.take(matrix.indices)
    matrix.has_sorted_indices = False
    matrix.sort_indices()
    return matrix, terms[order]


def _count_terms_first_seen(tokens: Sequence[list[str]]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Term counts of token lists, columns numbered in the order terms first occur (the
    vocabulary of scikit-learn's ``CountVectorizer`` before it sorts it), each row's entries by
    column; and the terms in that order (an object array)."""
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    flat = np.fromiter(chain.from_iterable(tokens), dtype=object, count=int(lengths.sum()))
    codes, terms = pd.factorize(flat)
    matrix = sparse.csr_matrix(
        (np.ones(len(flat), dtype=np.int64), codes.astype(np.int64),
         np.concatenate([[0], np.cumsum(lengths)])), shape=(len(tokens), len(terms)))
    matrix.sum_duplicates()
    return matrix, np.asarray(terms, dtype=object)


def sum_counts_by_group(matrix: sparse.csr_matrix, terms: np.ndarray, codes: np.ndarray,
                        labels: Sequence[str]) -> pd.DataFrame:
    """Term counts per label of documents given as rows of ``matrix``
    (:func:`count_distinct_terms`): document ``i`` has the counts of row ``codes[i]`` and the
    label ``labels[i]``.

    Returns
    -------
    pandas.DataFrame
        One row per label (as ``str``, sorted; index named ``outlet``), one column per term,
        int64; no columns when there is no term.
    """
    labels = [str(label) for label in labels]
    groups = sorted(set(labels))
    if not len(terms):
        return pd.DataFrame(index=pd.Index(groups, name="outlet"), dtype="int64")
    index = {group: i for i, group in enumerate(groups)}
    member = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int64), ([index[label] for label in labels], codes)),
        shape=(len(groups), matrix.shape[0]))
    counts = (member @ matrix).toarray().astype("int64")
    return pd.DataFrame(counts, index=pd.Index(groups, name="outlet"), columns=terms)


def _given_tokens(tokens: list[str]) -> list[str]:
    """Analyzer for a document already split by :func:`analyze` / :func:`analyze_all`."""
    return tokens


def build_token_vectorizer() -> TfidfVectorizer:
    """:func:`build_vectorizer` (single words) for documents given as token lists
    (:func:`analyze_all`): the same terms and weights, without tokenising again."""
    return build_vectorizer().set_params(
        analyzer=_given_tokens, preprocessor=None, stop_words=None, token_pattern=None,
        strip_accents=None)


def weigh_group_tfidf(counts: pd.DataFrame) -> pd.DataFrame:
    """TF-IDF of each group's joined documents from its term counts.

    Equal to :func:`fit_tfidf` on one document per group (the group's texts joined with
    spaces): the analyzer's terms of joined texts are the terms of the texts.

    Parameters
    ----------
    counts
        :func:`count_terms_by_group` (groups × terms).

    Returns
    -------
    pandas.DataFrame
        Same shape: the L2-normalised sublinear TF-IDF weights.
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    vectorizer = build_vectorizer()
    transformer = TfidfTransformer(norm=vectorizer.norm, use_idf=vectorizer.use_idf,
                                   smooth_idf=vectorizer.smooth_idf,
                                   sublinear_tf=vectorizer.sublinear_tf)
    used = counts.loc[:, counts.sum(axis=0) > 0]
    matrix = transformer.fit_transform(sparse.csr_matrix(used.to_numpy(dtype=np.float64)))
    return pd.DataFrame(matrix.toarray(), index=counts.index, columns=used.columns)


def log_odds_dirichlet(counts_i: np.ndarray, counts_j: np.ndarray,
                       prior: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-odds ratio of each term in group i versus group j with a Dirichlet prior.

    Parameters
    ----------
    counts_i, counts_j
        Term counts of the two groups (same term order).
    prior
        Pseudo-counts ``alpha_w`` (same order), all positive.

    Returns
    -------
    tuple of numpy.ndarray
        ``(delta, z)``: the log-odds ratio and its z-score (Monroe et al. 2008, eq. 16 and 18).
    """
    y_i, y_j, alpha = (np.asarray(a, dtype=float) for a in (counts_i, counts_j, prior))
    alpha0 = alpha.sum()
    delta = (np.log((y_i + alpha) / (y_i.sum() + alpha0 - y_i - alpha))
             - np.log((y_j + alpha) / (y_j.sum() + alpha0 - y_j - alpha)))
    z = delta / np.sqrt(1.0 / (y_i + alpha) + 1.0 / (y_j + alpha))
    return delta, z


def _collection_prior(counts: pd.DataFrame, alpha0: float) -> np.ndarray:
    totals = counts.sum(axis=0).to_numpy(dtype=float)
    return alpha0 * totals / totals.sum()


def compute_log_odds(texts: Sequence[str], labels: Sequence[str], *,
                     alpha0: float = LOG_ODDS_ALPHA0) -> pd.DataFrame:
    """Each group's terms against all other groups pooled (Monroe et al. 2008).

    Parameters
    ----------
    texts, labels
        Documents and their group (outlet), same length.
    alpha0
        Total prior pseudo-count; the prior is the collection's term distribution times ``alpha0``.

    Returns
    -------
    pandas.DataFrame
        One row per group and term: ``outlet`` (the label), ``term``, ``count`` (in the group),
        ``count_rest`` (in all other groups), ``log_odds`` (delta), ``z`` (its z-score; positive =
        the group uses the term more than the rest). Sorted by outlet, then ``z`` descending.
    """
    return log_odds_from_counts(count_terms_by_group(texts, labels), alpha0=alpha0)


def log_odds_from_counts(counts: pd.DataFrame, *, alpha0: float = LOG_ODDS_ALPHA0
                         ) -> pd.DataFrame:
    """:func:`compute_log_odds` from :func:`count_terms_by_group` counts (same table)."""
    if counts.shape[1] == 0 or len(counts) < 2:
        return pd.DataFrame(columns=LOG_ODDS_COLUMNS)
    prior = _collection_prior(counts, alpha0)
    total = counts.sum(axis=0).to_numpy()
    frames = []
    for label, row in counts.iterrows():
        own = row.to_numpy()
        delta, z = log_odds_dirichlet(own, total - own, prior)
        frames.append(pd.DataFrame({"outlet": label, "term": counts.columns, "count": own,
                                    "count_rest": total - own, "log_odds": delta, "z": z}))
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["outlet", "z", "term"], ascending=[True, False, True],
                             ignore_index=True)


def compute_pairwise_log_odds(texts: Sequence[str], labels: Sequence[str], *,
                              alpha0: float = LOG_ODDS_ALPHA0) -> pd.DataFrame:
    """Every ordered pair of groups compared directly (same prior as :func:`compute_log_odds`).

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``other``, ``term``, ``count`` (in outlet), ``count_other``, ``log_odds``,
        ``z`` (positive = ``outlet`` uses the term more than ``other``); terms used by neither
        of the two are left out. Sorted by outlet, other, then ``z`` descending.
    """
    columns = ["outlet", "other", "term", "count", "count_other", "log_odds", "z"]
    counts = count_terms_by_group(texts, labels)
    if counts.shape[1] == 0 or len(counts) < 2:
        return pd.DataFrame(columns=columns)
    prior = _collection_prior(counts, alpha0)
    frames = []
    for label in counts.index:
        for other in counts.index:
            if other == label:
                continue
            own, theirs = counts.loc[label].to_numpy(), counts.loc[other].to_numpy()
            delta, z = log_odds_dirichlet(own, theirs, prior)
            used = (own + theirs) > 0
            frames.append(pd.DataFrame({"outlet": label, "other": other,
                                        "term": counts.columns[used], "count": own[used],
                                        "count_other": theirs[used], "log_odds": delta[used],
                                        "z": z[used]}))
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["outlet", "other", "z", "term"],
                             ascending=[True, True, False, True], ignore_index=True)


def fit_token_documents(tokens: Sequence[list[str]], parts: np.ndarray,
                        starts: np.ndarray) -> sparse.csr_matrix:
    """TF-IDF of documents made of token lists, without tokenising or counting in Python.

    Document ``d`` is the token lists ``tokens[parts[i]]`` for ``i`` from ``starts[d]`` to
    ``starts[d + 1]`` (the last to the end of ``parts``) chained: a list named several times
    (a sentence repeated by wire copies) is counted once and added where it occurs. The
    result equals ``build_token_vectorizer().fit_transform(documents).tocsr()``: the same
    ``data``, ``indices`` and ``indptr`` (column order and, within each row, the entries in the
    order scikit-learn leaves them, which its row norms sum in).

    Parameters
    ----------
    tokens
        Token lists (:func:`analyze_all`).
    parts
        Index into ``tokens`` of each part of each document, documents one after another.
    starts
        Position in ``parts`` of each document's first part (non-decreasing).

    Returns
    -------
    scipy.sparse.csr_matrix
        One row per document, one column per term (alphabetical).

    Raises
    ------
    ValueError
        When no document has a token (scikit-learn's "empty vocabulary").
    """
    return fit_token_weights(tokens, parts, starts)[0]


def fit_token_weights(tokens: Sequence[list[str]], parts: np.ndarray, starts: np.ndarray
                      ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    """:func:`fit_token_documents` with what the fit learned, for reusing it later.

    Returns
    -------
    tuple
        The matrix of :func:`fit_token_documents`; its terms, one per column (alphabetical,
        an object array, as ``get_feature_names_out``); and their IDF weights (``idf_``).
    """
    from sklearn.feature_extraction.text import TfidfTransformer

    counts, terms = _count_first_seen(tokens, np.asarray(parts, dtype=np.int64),
                                      np.asarray(starts, dtype=np.int64))
    if not len(terms):
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
    index_dtype = np.int32 if counts.nnz <= np.iinfo(np.int32).max else np.int64
    matrix = sparse.csr_matrix((counts.data.astype(np.float64), counts.indices.astype(index_dtype),
                                counts.indptr.astype(index_dtype)), shape=counts.shape)
    matrix = matrix[:, np.arange(len(terms))]  # as CountVectorizer's (no-op) feature limit
    rank = np.empty(len(terms), dtype=matrix.indices.dtype)
    rank[np.argsort(terms)] = np.arange(len(terms))
    matrix.indices = rank.take(matrix.indices, mode="clip")  # alphabetical, rows keep order
    vectorizer = build_vectorizer()
    transformer = TfidfTransformer(norm=vectorizer.norm, use_idf=vectorizer.use_idf,
                                   smooth_idf=vectorizer.smooth_idf,
                                   sublinear_tf=vectorizer.sublinear_tf)
    transformer.fit(matrix)
    return (transformer.transform(matrix, copy=False).tocsr(), terms[np.argsort(terms)],
            transformer.idf_)


def _count_first_seen(tokens: Sequence[list[str]], parts: np.ndarray, starts: np.ndarray
                      ) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Term counts of the documents of :func:`fit_token_documents`, columns numbered in the
    order terms first occur in the documents read in order (scikit-learn's vocabulary
    before sorting), entries of each row by column; and the terms in that order."""
    n_docs = len(starts)
    used, first = np.unique(parts, return_index=True)
    seen = used[np.argsort(first, kind="stable")]  # lists in order of first occurrence
    per_list, terms = _count_terms_first_seen([tokens[i] for i in seen.tolist()])
    slot = np.empty(int(used.max()) + 1 if len(used) else 0, dtype=np.int64)
    slot[seen] = np.arange(len(seen))
    sizes = np.diff(np.concatenate([starts, [len(parts)]]))
    membership = sparse.csr_matrix(
        (np.ones(len(parts), dtype=np.int64), (np.repeat(np.arange(n_docs), sizes), slot[parts])),
        shape=(n_docs, len(seen)))
    membership.sum_duplicates()
    counts = (membership @ per_list).tocsr()
    counts.sort_indices()
    return counts, terms
