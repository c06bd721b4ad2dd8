"""How alike are the articles? TF-IDF cosine similarity and a two-dimensional map.

Each article's body (its sentences joined) becomes a TF-IDF vector with the kit's one tokenizer
(:func:`vectorize_articles`, sublinear term frequency, L2-normalised rows), and two
articles are compared by the cosine of their vectors (Salton & Buckley 1988): 1 = the same word
weights, 0 = no shared content word. For small collections (up to ``exact_max`` articles) every
pair is computed exactly and kept. Up to ``blockwise_max`` articles, every cosine is still
computed exactly, a block of rows at a time (bounded memory), but only each article's ``top_k``
nearest neighbours are kept. Above that, only candidate pairs are scored: MinHash signatures of
each article's term set are banded for locality-sensitive hashing (Broder 1997; the kit's
vectorised :mod:`helpers.minhash`, with its bucket cap) so that pairs of Jaccard similarity from
about ``min_jaccard`` up become candidates; each article's ``4 * top_k`` candidates whose
signatures agree most get exact cosines, and its ``top_k`` best are kept, so the work grows
linearly with the collection, even when it is full of near-copies. The neighbours are
approximate: on the 10,000-article benchmark collection the mean cosine of each article's 10
kept neighbours is 0.848, against 0.852 for its exact 10 nearest; 30,000 articles take about
20 s.

The map places articles by the first two components of a truncated SVD of the TF-IDF matrix
(latent semantic analysis, Deerwester et al. 1990): articles close together share vocabulary.
It is a picture of word overlap, not of stance.

Reruns: with a :class:`helpers.reuse.FitStore` (``store``), a large collection's vectors, each
article's kept neighbours and the map are kept and reused while at most 5% of the articles
changed (:mod:`helpers.similarity_reuse`): articles of the saved fit keep their vectors, the
others are vectorised with its vocabulary and IDF held fixed, and the neighbours and outlet means
are those of that frozen-vocabulary matrix (the same pairs and 4-decimal cosines as computing
them afresh on it); on the map, the added articles are projected on the saved components.
:func:`describe_similarity_fit` says when this happened.
"""

from __future__ import annotations

from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse

from helpers import similarity_reuse as kept
from helpers.cache import remember_last
from helpers.reuse import MAX_DRIFT, Drift, FitStore, describe_reuse
from helpers.safe_text import escape_text
from helpers.vectorize import analyze_all, fit_tfidf, fit_token_weights

SIMILARITY_COLUMNS = ["article_a", "article_b", "outlet_a", "outlet_b", "label_a", "label_b",
                      "headline_a", "headline_b", "cosine"]
MAP_COLUMNS = ["article_id", "outlet", "label", "headline", "x", "y"]
_FITTED: dict = {}  # fingerprint of the input tables and the store → _ArticleVectors


class _ArticleVectors(NamedTuple):
    """The articles (one row each, see :func:`_article_texts`) and their TF-IDF matrix."""

    texts: pd.DataFrame
    matrix: sparse.csr_matrix | None
    hashes: np.ndarray | None = None  # identities (helpers.similarity_reuse), with a store
    drift: Drift | None = None  # set when the vectors of an earlier fit are reused
    fit_id: str | None = None  # the saved vector fit in use (None: nothing kept)


def _article_texts(sentences: pd.DataFrame, articles: pd.DataFrame | None
                   ) -> tuple[pd.DataFrame, list[list[str]]]:
    """One row per article (``article_id``, ``outlet``, ``headline``, ``label``) and each
    article's sentence texts in order."""
    ordered = sentences.sort_values(["article_id", "position"], kind="stable")
    ids = ordered["article_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, int)
    stops = np.r_[starts[1:], len(ids)].astype(int) if len(ids) else np.zeros(0, int)
    values = ordered["text"].astype(str).tolist()
    bodies = [values[a:b] for a, b in zip(starts.tolist(), stops.tolist(), strict=True)]
    texts = pd.DataFrame({"article_id": ids[starts],
                          "outlet": ordered["outlet"].to_numpy()[starts]})
    headlines = {} if articles is None else dict(zip(articles["article_id"], articles["headline"],
                                                     strict=True))
    texts["headline"] = ["" if pd.isna(h := headlines.get(a)) else str(h)
                         for a in texts["article_id"]]
    texts["label"] = texts["outlet"] + " · " + texts["article_id"].str.slice(0, 16)
    return texts, bodies


def vectorize_articles(bodies: list[list[str]]):
    """TF-IDF matrix of articles given as lists of sentences (the kit's vectorizer).

    Each article's tokens are its sentences' tokens in order
    (:func:`helpers.vectorize.analyze_all`, remembered per sentence, so sentences that earlier
    analyses tokenised are not tokenised again): the same tokens as :func:`fit_tfidf` finds in
    the sentences joined by spaces, since no token, acronym or "U.S." spans that space. Each
    distinct sentence is counted once and its counts added to the articles that use it
    (:func:`helpers.vectorize.fit_token_documents`: the matrix of scikit-learn's vectorizer on
    the articles' tokens, bit for bit). On an active Dask cluster the joined texts go to
    :func:`fit_tfidf`, which fits there.
    """
    return _vectorize_with_terms(bodies)[0]


def _token_documents(bodies: list[list[str]]) -> tuple[list[list[str]], np.ndarray, np.ndarray]:
    """Tokens of each distinct sentence, and each article's parts and starts into them."""
    lengths = np.fromiter(map(len, bodies), dtype=np.int64, count=len(bodies))
    sentences = np.fromiter(chain.from_iterable(bodies), dtype=object, count=int(lengths.sum()))
    parts, distinct = pd.factorize(sentences)  # each distinct sentence counted once
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return analyze_all(distinct), parts, starts


def _vectorize_with_terms(bodies: list[list[str]]):
    """:func:`vectorize_articles` (the same matrix) with its terms and IDF weights."""
    from helpers import cluster

    if cluster.active_dask_address():
        matrix, vectorizer = fit_tfidf([" ".join(body) for body in bodies])
        return matrix, vectorizer.get_feature_names_out(), vectorizer.idf_
    return fit_token_weights(*_token_documents(bodies))


def _fingerprint(frame: pd.DataFrame | None, columns: list[str]) -> tuple[int, int]:
    """Rows and a content hash of ``columns`` (pandas' row hashes, summed)."""
    if frame is None:
        return (-1, 0)
    present = [c for c in columns if c in frame.columns]
    return len(frame), int(pd.util.hash_pandas_object(frame[present], index=False).sum())


def _content_key(sentences: pd.DataFrame, articles: pd.DataFrame | None) -> tuple:
    """The fingerprints of the sentences and articles tables (:func:`_fingerprint`), taken
    from the last call when it had the very same tables (:func:`helpers.cache.remember_last`:
    the notebook passes the same two tables three times, and hashing 400,000 sentences takes a
    tenth of a second)."""
    return remember_last("similarity_tables", (sentences, articles), lambda: (
        _fingerprint(sentences, ["article_id", "outlet", "position", "text"]),
        _fingerprint(articles, ["article_id", "headline"])))


def _fit_vectors(sentences: pd.DataFrame, articles: pd.DataFrame | None,
                 store: FitStore | None) -> _ArticleVectors:
    """The articles and their TF-IDF matrix, memoised on the tables' content and the store.

    The notebook asks for the same vectors three times (pairs, outlet means, map); hashing the
    tables costs milliseconds, fitting TF-IDF on a large collection seconds. With a store, a
    collection of more than :data:`helpers.similarity_reuse.REUSE_MIN_ARTICLES` articles
    reuses the saved vectors when the store allows, else is fitted afresh and saved.
    """
    key = (*_content_key(sentences, articles), store)
    if key not in _FITTED:
        texts, bodies = _article_texts(sentences, articles)
        _FITTED.clear()  # keep only the latest collection
        _FITTED[key] = _vectorize(texts, bodies, store)
    return _FITTED[key]


def _vectorize(texts: pd.DataFrame, bodies: list[list[str]], store: FitStore | None
               ) -> _ArticleVectors:
    if not len(texts):
        return _ArticleVectors(texts, None)
    if store is None or len(texts) <= kept.REUSE_MIN_ARTICLES:
        return _ArticleVectors(texts, vectorize_articles(bodies))
    hashes = kept.identify_articles(texts["article_id"], bodies)
    found = kept.load_vectors(store, hashes)
    if found is not None:
        saved, drift = found
        return _ArticleVectors(texts, kept.reuse_vectors(saved, hashes, bodies), hashes, drift,
                               saved.fit_id)
    matrix, vocabulary, idf = _vectorize_with_terms(bodies)
    fit_id = kept.save_vectors(store, hashes, matrix, vocabulary, idf)
    return _ArticleVectors(texts, matrix, hashes, None, fit_id)


def _band_rows(num_perm: int, min_jaccard: float) -> int:
    """Min-hashes per band whose S-curve threshold ``(1 / bands) ** (1 / rows)`` is nearest
    ``min_jaccard`` (``bands = num_perm // rows``; 3 rows of 42 bands for 128 and 0.3)."""
    def threshold(rows: int) -> float:
        return (1 / (num_perm // rows)) ** (1 / rows)

    return min(range(1, num_perm + 1), key=lambda rows: abs(threshold(rows) - min_jaccard))


def _lsh_pairs(matrix, *, min_jaccard: float, num_perm: int, max_bucket: int,
               shortlist: int, chunk: int = 500_000) -> tuple[np.ndarray, np.ndarray]:
    """Candidate pairs ``(i, j)``, ``i <= j``, diagonal included, sorted (numpy, no tuples).

    Each article's set of TF-IDF terms gets ``num_perm`` min-hashes and articles sharing one
    band are candidates (the kit's vectorised :mod:`helpers.minhash`, as for sentence
    alignment). A band bucket of more than ``max_bucket`` articles (near-copies of one story)
    is split by further min-hashes, and articles whose signatures are still identical are each
    paired with their next ``max_bucket - 1`` by length, so the candidates grow linearly. Each
    article then keeps its ``shortlist`` candidates whose signatures agree most (the estimated
    Jaccard similarity of their term sets), so exact cosines are computed for a bounded number
    of pairs per article.
    """
    from helpers import minhash

    csr = matrix.tocsr()
    ids, offsets = csr.indices.astype(np.int64), csr.indptr.astype(np.int64)
    signatures = minhash.compute_signatures(ids, offsets, num_perm=num_perm, seed=1)
    left, right, _ = minhash.band_candidates(signatures, np.diff(offsets),
                                             rows=_band_rows(num_perm, min_jaccard),
                                             max_bucket=max_bucket)
    n = csr.shape[0]
    keys = pd.unique(np.concatenate([np.arange(n, dtype=np.int64) * (n + 1),
                                     np.minimum(left, right) * n + np.maximum(left, right)]))
    keys.sort()
    first, second = keys // n, keys % n
    agree = np.empty(len(first))
    for start in range(0, len(first), chunk):
        a, b = first[start:start + chunk], second[start:start + chunk]
        agree[start:start + chunk] = (signatures[a] == signatures[b]).mean(axis=1)
    keep = _top_neighbours(first, second, agree, top_k=shortlist)
    return first[keep], second[keep]


def compare_articles(sentences: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                     exact_max: int = 400, blockwise_max: int = 20000,
                     min_jaccard: float = 0.3, num_perm: int = 128,
                     top_k: int = 10, store: FitStore | None = None) -> pd.DataFrame:
    """Cosine similarity of the articles' TF-IDF vectors.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``).
    articles
        The corpus ``articles`` table, for headlines (optional).
    exact_max
        Up to this many articles, every pair is scored and kept.
    blockwise_max
        Up to this many articles, every pair is scored block by block and each article keeps
        its ``top_k`` nearest neighbours (cosine above 0); above it, only LSH candidates.
    min_jaccard, num_perm
        LSH path: estimated Jaccard similarity of term sets for a candidate; MinHash size.
    top_k
        LSH path: a candidate pair is kept when it is among the ``top_k`` most similar
        candidates of either article, so the table grows linearly with the collection (many
        near-copies would otherwise give a square number of pairs).
        :func:`compare_outlets` gives the exact outlet-level means.
    store
        Where the collection keeps its fits (:func:`helpers.reuse.open_fit_store`); ``None``
        (the default) fits afresh and keeps nothing. With a store, a large collection's vectors
        and, on the blockwise path, each article's kept neighbours are saved and reused (see
        :mod:`helpers.similarity_reuse`); the neighbours are then exactly the blockwise path's
        on the reused vectors.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of articles (both orders and the diagonal, as a heatmap wants;
        on the LSH path only the kept candidate pairs): ``article_a``, ``article_b``,
        ``outlet_a``, ``outlet_b``, ``label_a``, ``label_b`` (outlet · file name),
        ``headline_a``, ``headline_b``, ``cosine``. With a store, ``attrs["reuse"]`` is the
        :class:`helpers.reuse.Drift` of reused vectors, or ``None`` when they were fitted
        afresh (:func:`describe_similarity_fit`).
    """
    vectors = _fit_vectors(sentences, articles, store)
    texts, matrix = vectors.texts.copy(), vectors.matrix
    if texts.empty:
        return _disclose(pd.DataFrame(columns=SIMILARITY_COLUMNS), vectors, store)
    n = len(texts)
    if n <= exact_max:
        dense = (matrix @ matrix.T).toarray()
        first, second = np.triu_indices(n)
        cosines = dense[first, second]
    elif n <= blockwise_max and vectors.fit_id is not None:
        options = kept.fit_options("article_neighbours", exact_max=exact_max,
                                   blockwise_max=blockwise_max, min_jaccard=min_jaccard,
                                   num_perm=num_perm, top_k=top_k)
        first, second, cosines = _reuse_neighbours(vectors, store, options, top_k=top_k)
    elif n <= blockwise_max:
        first, second, cosines = _blockwise_neighbours(matrix, top_k=top_k)
    else:
        first, second = _lsh_pairs(matrix, min_jaccard=min_jaccard, num_perm=num_perm,
                                   max_bucket=max(50, 5 * top_k), shortlist=4 * top_k)
        cosines = _pair_cosines(matrix, first, second)
        keep = _top_neighbours(first, second, cosines, top_k=top_k)
        first, second, cosines = first[keep], second[keep], cosines[keep]
    cosines = np.clip(cosines, 0.0, 1.0).round(4)
    off = first != second
    a = np.concatenate([first, second[off]])
    b = np.concatenate([second, first[off]])
    table = pd.DataFrame({"cosine": np.concatenate([cosines, cosines[off]])})
    for column in ("article_id", "outlet", "label", "headline"):
        values = texts[column].to_numpy()
        suffix = "article" if column == "article_id" else column
        table[f"{suffix}_a"], table[f"{suffix}_b"] = values[a], values[b]
    table = table[SIMILARITY_COLUMNS].sort_values(["article_a", "article_b"], ignore_index=True)
    return _disclose(table, vectors, store)


def _disclose(table: pd.DataFrame, vectors: _ArticleVectors, store: FitStore | None
              ) -> pd.DataFrame:
    """``table`` with ``attrs["reuse"]`` (the drift of reused vectors) when a store is given."""
    if store is not None:
        table.attrs["reuse"] = vectors.drift
    return table


def _reuse_neighbours(vectors: _ArticleVectors, store: FitStore, options: dict, *, top_k: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_blockwise_neighbours` of the vectors, from the saved neighbours when they fit
    (:func:`helpers.similarity_reuse.update_selections`); the result is saved."""
    matrix, hashes = vectors.matrix, vectors.hashes
    n = matrix.shape[0]
    k = min(top_k, n - 1)
    if k <= 0:
        return _blockwise_neighbours(matrix, top_k=top_k)
    dense = _dense_or_none(matrix)
    saved = kept.load_neighbours(store, options, fit_id=vectors.fit_id, dense=dense is not None,
                                 k=k)
    if saved is not None and len(saved.hashes) - 1 > k and n - 1 > k:
        if np.array_equal(saved.hashes, hashes):
            selections = saved.selections
        else:
            selections = kept.update_selections(
                saved, hashes, k=k, chunk=BLOCK_ROWS,
                select_rows=lambda rows: _select_rows(matrix, dense, k, rows=rows, bounds=True),
                select_blocks=lambda blocks: _select_rows(matrix, dense, k, blocks=blocks,
                                                          bounds=True),
                cosines=lambda rows, columns: _cosines(matrix, dense, rows, columns))
    else:
        selections = _select_rows(matrix, dense, k, bounds=True)
    if saved is None or not np.array_equal(saved.hashes, hashes):
        kept.save_neighbours(store, options, fit_id=vectors.fit_id, dense=dense is not None,
                             k=k, hashes=hashes, selections=selections)
    return _merge_selections(matrix, *selections[:3])


def _pair_cosines(matrix, first: np.ndarray, second: np.ndarray, *, chunk: int = 100_000
                  ) -> np.ndarray:
    """Cosine of the listed row pairs, ``chunk`` pairs at a time (work linear in the pairs)."""
    csr = matrix.tocsr()
    cosines = np.zeros(len(first))
    for start in range(0, len(first), chunk):
        a, b = first[start:start + chunk], second[start:start + chunk]
        cosines[start:start + chunk] = np.asarray(csr[a].multiply(csr[b]).sum(axis=1)).ravel()
    return cosines


#: Below this many matrix cells the TF-IDF matrix is made dense for the blockwise products
#: (BLAS is much faster than sparse products when articles share much of their vocabulary).
DENSE_CELLS = 60_000_000
#: Rows per block of the blockwise products.
BLOCK_ROWS = 1000


def _blockwise_neighbours(matrix, *, top_k: int, chunk: int = BLOCK_ROWS
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(i <= j)`` where ``j`` is among ``i``'s ``top_k`` nearest (or the reverse), with
    the diagonal, and their cosines; exact, a block of ``chunk`` rows at a time."""
    k = min(top_k, matrix.shape[0] - 1)
    selections = _select_rows(matrix, _dense_or_none(matrix), k, chunk=chunk)
    return _merge_selections(matrix, *selections[:3])


def _dense_or_none(matrix) -> np.ndarray | None:
    """The matrix as a dense array when it has at most :data:`DENSE_CELLS` cells."""
    return matrix.toarray() if matrix.shape[0] * matrix.shape[1] <= DENSE_CELLS else None


def _cosines(matrix, dense: np.ndarray | None, rows: np.ndarray, columns: np.ndarray
             ) -> np.ndarray:
    """Cosines of ``rows`` with ``columns`` (dense), computed as the blockwise products do."""
    if dense is not None:
        return dense[rows] @ dense[columns].T
    return (matrix[rows] @ matrix[columns].T).toarray()


def _select_rows(matrix, dense: np.ndarray | None, k: int, *, rows: np.ndarray | None = None,
                 blocks: np.ndarray | None = None, chunk: int = BLOCK_ROWS,
                 bounds: bool = False) -> kept.Selections:
    """Each row's ``k`` nearest other rows with a cosine above 0, a block of ``chunk`` rows at
    a time: ``row``, ``col``, ``value`` grouped by row; and with ``bounds``, each row's largest
    cosine outside its ``k`` nearest (``-inf`` otherwise, and for rows not computed).

    All rows by default; ``blocks``: only the blocks with these numbers (the same products as
    for all rows, so the same cosines to the last bit); ``rows``: the listed rows, in blocks
    of their own (BLAS may round a cosine differently in another place of a block).
    """
    n = matrix.shape[0]
    if rows is not None:
        listed = np.asarray(rows, dtype=np.int64)
        parts = [listed[start:start + chunk] for start in range(0, len(listed), chunk)]
    else:
        numbers = range(-(-n // chunk)) if blocks is None else np.asarray(blocks).tolist()
        parts = [slice(b * chunk, b * chunk + chunk) for b in numbers]
    firsts, seconds, values = [np.zeros(0, np.int64)], [np.zeros(0, np.intp)], [np.zeros(0)]
    bound = np.full(n, -np.inf)
    for part in parts if k > 0 else []:
        if dense is not None:
            block = dense[part] @ dense.T
        else:
            block = (matrix[part] @ matrix.T).toarray()
        index = np.arange(block.shape[0])
        own = np.arange(n)[part]
        block[index, own] = -1.0  # an article is not its own neighbour
        nearest = _nearest_columns(block, k)
        cosines = block[index[:, None], nearest]
        good = (cosines > 0).ravel()
        firsts.append(np.repeat(own, k)[good])
        seconds.append(nearest.ravel()[good])
        values.append(cosines.ravel()[good])
        if bounds:
            block[index[:, None], nearest] = -np.inf
            bound[own] = block.max(axis=1)
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(values), bound


def _merge_selections(matrix, first: np.ndarray, second: np.ndarray, values: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(i <= j)`` of the rows' selections (grouped by row, in row order) and the
    diagonal; a pair selected by both rows takes the cosine of the first row's product."""
    n = matrix.shape[0]
    diagonal = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()  # 1, or 0 if empty
    first = np.concatenate([np.arange(n), first])
    second = np.concatenate([np.arange(n), second])
    keys = np.minimum(first, second) * n + np.maximum(first, second)
    keys, where = np.unique(keys, return_index=True)
    return keys // n, keys % n, np.concatenate([diagonal, values])[where]


def _nearest_columns(block: np.ndarray, k: int, *, step: int = 8, crowded: int = 32
                     ) -> np.ndarray:
    """Columns of each row's ``k`` largest values: for every row the same columns as
    ``np.argpartition(-block, k - 1, axis=1)[:, :k]``, possibly in another order (the callers
    keep sets of pairs, so the order within a row does not matter).

    A row whose ``k``-th largest value is larger than the next has one such set of columns,
    found among its candidates (:func:`_row_candidates`). A row with a tie at the ``k``-th
    value (wire copies give equal cosines), or with more than ``crowded * k`` candidates, gets
    ``np.argpartition`` of its own values, which selects in each row separately: the columns it
    would have kept in the whole block.
    """
    sample = block[:, ::step]
    if sample.shape[1] < k:
        return np.argpartition(-block, k - 1, axis=1)[:, :k]
    column, value, counts = _row_candidates(block, sample, k, most=crowded * k)
    exact = counts == 0
    fits = np.flatnonzero(~exact)
    starts = (np.cumsum(counts) - counts)[fits]
    after = np.full(len(fits), -np.inf)
    more = counts[fits] > k
    after[more] = value[starts[more] + k]
    exact[fits[value[starts + k - 1] == after]] = True  # a tie at the k-th value
    nearest = np.empty((block.shape[0], k), dtype=np.intp)
    nearest[~exact] = column[starts[~exact[fits]][:, None] + np.arange(k)]
    if exact.any():
        nearest[exact] = np.argpartition(-block[exact], k - 1, axis=1)[:, :k]
    return nearest


def _row_candidates(block: np.ndarray, sample: np.ndarray, k: int, *, most: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's values at least the ``k``-th largest of its ``sample`` of columns (a lower
    bound of its ``k``-th largest value, so at least ``k`` candidates, its ``k`` largest among
    them): their columns and values, row by row and largest first, and their number per row
    (0 for a row with more than ``most``, left out)."""
    bound = np.partition(sample, sample.shape[1] - k, axis=1)[:, sample.shape[1] - k]
    mask = block >= bound[:, None]
    counts = np.count_nonzero(mask, axis=1)
    crowded = counts > most
    mask[crowded] = False
    counts[crowded] = 0
    row, column = np.divmod(np.flatnonzero(mask), block.shape[1])
    value = block[row, column]
    order = np.lexsort((-value, row))
    return column[order], value[order], counts


def _top_neighbours(first: np.ndarray, second: np.ndarray, cosines: np.ndarray, *,
                    top_k: int) -> np.ndarray:
    """Mask of pairs that are the diagonal or among the ``top_k`` best of either article
    (ties broken by the other article's index)."""
    index = np.flatnonzero(first != second)
    one = np.concatenate([first[index], second[index]])
    other = np.concatenate([second[index], first[index]])
    cosine = np.concatenate([cosines[index], cosines[index]])
    pair = np.concatenate([index, index])
    order = np.lexsort((other, -cosine, one))
    one, pair = one[order], pair[order]
    starts = np.concatenate([[True], one[1:] != one[:-1]]) if len(one) else np.array([], bool)
    group_start = np.maximum.accumulate(np.where(starts, np.arange(len(one)), 0))
    mask = first == second
    mask[pair[np.arange(len(one)) - group_start < top_k]] = True
    return mask


def compare_outlets(sentences: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                    store: FitStore | None = None) -> pd.DataFrame:
    """Mean cosine similarity of each outlet's articles with each outlet's, computed exactly.

    With L2-normalised TF-IDF rows, the sum of the cosines between the articles of A and of B
    is the dot product of the two outlets' summed vectors, so every pair counts without being
    listed (the cost grows with the number of articles, not with its square). Within one
    outlet, the self-similarities are subtracted and the mean is over distinct pairs.
    ``store`` as in :func:`compare_articles` (the same vectors).

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of outlets (the diagonal included when an outlet has two
        articles or more): ``outlet_a``, ``outlet_b``, ``pairs`` (article pairs averaged),
        ``cosine`` (their mean cosine). With a store, ``attrs["reuse"]`` as in
        :func:`compare_articles`.
    """
    columns = ["outlet_a", "outlet_b", "pairs", "cosine"]
    vectors = _fit_vectors(sentences, articles, store)
    texts, matrix = vectors.texts.copy(), vectors.matrix
    if texts.empty:
        return _disclose(pd.DataFrame(columns=columns), vectors, store)
    outlets = sorted(texts["outlet"].unique(), key=str.casefold)
    codes = texts["outlet"].map({o: k for k, o in enumerate(outlets)}).to_numpy()
    indicator = np.zeros((len(outlets), len(texts)))
    indicator[codes, np.arange(len(texts))] = 1.0
    sums = indicator @ matrix  # outlets × terms (dense)
    totals = np.asarray(sums @ sums.T)
    self_sim = indicator @ np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()
    counts = indicator.sum(axis=1)
    rows = []
    for i, outlet_a in enumerate(outlets):
        for j, outlet_b in enumerate(outlets):
            if i == j:
                pairs = counts[i] * (counts[i] - 1)
                total = totals[i, i] - self_sim[i]
            else:
                pairs, total = counts[i] * counts[j], totals[i, j]
            if pairs > 0:
                rows.append({"outlet_a": outlet_a, "outlet_b": outlet_b,
                             "pairs": int(pairs if i != j else pairs // 2),
                             "cosine": round(float(np.clip(total / pairs, 0.0, 1.0)), 4)})
    return _disclose(pd.DataFrame(rows, columns=columns), vectors, store)


def map_articles(sentences: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                 store: FitStore | None = None) -> pd.DataFrame:
    """Two-dimensional coordinates of each article (truncated SVD of TF-IDF).

    ``store`` as in :func:`compare_articles` (the same vectors). With it, the SVD is saved
    with the vectors; while they are reused, the articles it was fitted on keep their
    coordinates and the others are projected on its components.

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``outlet``, ``label``, ``headline``, ``x``, ``y`` (first and second SVD
        component; 0 when the collection is too small to have that component). With a store,
        ``attrs["reuse"]`` as in :func:`compare_articles`.
    """
    vectors = _fit_vectors(sentences, articles, store)
    texts, matrix = vectors.texts.copy(), vectors.matrix
    if texts.empty:
        return _disclose(pd.DataFrame(columns=MAP_COLUMNS), vectors, store)
    saved = None if vectors.fit_id is None else kept.load_map(
        store, fit_id=vectors.fit_id, n_terms=matrix.shape[1])
    if saved is not None:
        coords = kept.place_articles(saved, matrix, vectors.hashes)
    else:
        coords, components = _fit_map(matrix)
        if vectors.fit_id is not None:
            kept.save_map(store, fit_id=vectors.fit_id, hashes=vectors.hashes, coords=coords,
                          components=components)
    texts["x"], texts["y"] = coords[:, 0].round(4), coords[:, 1].round(4)
    return _disclose(texts[MAP_COLUMNS], vectors, store)


def _fit_map(matrix) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of the rows on the first two SVD components, and the components."""
    coords = np.zeros((matrix.shape[0], 2))
    n_components = min(2, matrix.shape[0] - 1, matrix.shape[1] - 1)
    if n_components < 1:
        return coords, np.zeros((0, matrix.shape[1]))
    # (imported here: sklearn.decomposition imports linear models, model selection and metrics,
    # and through them SciPy's statistics, 0.5-0.7 s that a rerun reusing the map never needs)
    from sklearn.decomposition import TruncatedSVD

    svd = TruncatedSVD(n_components=n_components, algorithm="randomized", n_iter=10,
                       random_state=0)
    coords[:, :n_components] = svd.fit_transform(matrix)
    return coords, svd.components_


def describe_similarity_fit(table: pd.DataFrame, *, store: FitStore | None = None) -> str:
    """One or two sentences (markdown): whether the article vectors behind ``table`` (a table
    of :func:`compare_articles`, :func:`compare_outlets` or :func:`map_articles` made with a
    store) were fitted on this run or reused from an earlier one
    (:func:`helpers.reuse.describe_reuse`)."""
    drift = table.attrs.get("reuse")
    limit = MAX_DRIFT if store is None else store.max_drift
    text = describe_reuse(drift, what="The article vectors", units="articles", limit=limit)
    if drift is None:
        return text
    return text + (" The neighbours and outlet means are computed on those vectors, and the "
                   "articles added since are placed on the map by its fitted components.")


def describe_similarity(table: pd.DataFrame) -> str:
    """One sentence (markdown): the most and least alike articles from different outlets."""
    pairs = table[(table["article_a"] < table["article_b"])
                  & (table["outlet_a"] != table["outlet_b"])]
    if pairs.empty:
        return "There is no pair of articles from different outlets to compare."
    ranked = pairs.sort_values(["cosine", "article_a", "article_b"], ascending=[False, True, True])
    high, low = ranked.iloc[0], ranked.iloc[-1]
    return (f"The most alike articles from different outlets are {escape_text(high['label_a'])} "
            f"and {escape_text(high['label_b'])} (cosine {high['cosine']:.2f}); the least alike "
            f"are {escape_text(low['label_a'])} and {escape_text(low['label_b'])} "
            f"(cosine {low['cosine']:.2f}); the median over {len(pairs)} pairs is "
            f"{pairs['cosine'].median():.2f}.")
