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
"""

from __future__ import annotations

from itertools import chain

import numpy as np
import pandas as pd
from sklearn.decomposition import TruncatedSVD

from helpers.safe_text import escape_text
from helpers.vectorize import analyze_all, fit_tfidf, fit_token_documents

SIMILARITY_COLUMNS = ["article_a", "article_b", "outlet_a", "outlet_b", "label_a", "label_b",
                      "headline_a", "headline_b", "cosine"]
MAP_COLUMNS = ["article_id", "outlet", "label", "headline", "x", "y"]
_FITTED: dict = {}  # fingerprint of the input tables → (article texts, TF-IDF matrix)


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
    from helpers import cluster

    if cluster.active_dask_address():
        return fit_tfidf([" ".join(body) for body in bodies])[0]
    lengths = np.fromiter(map(len, bodies), dtype=np.int64, count=len(bodies))
    sentences = np.fromiter(chain.from_iterable(bodies), dtype=object, count=int(lengths.sum()))
    parts, distinct = pd.factorize(sentences)  # each distinct sentence counted once
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    return fit_token_documents(analyze_all(distinct), parts, starts)


def _fingerprint(frame: pd.DataFrame | None, columns: list[str]) -> tuple[int, int]:
    """Rows and a content hash of ``columns`` (pandas' row hashes, summed)."""
    if frame is None:
        return (-1, 0)
    present = [c for c in columns if c in frame.columns]
    return len(frame), int(pd.util.hash_pandas_object(frame[present], index=False).sum())


def _fit_articles(sentences: pd.DataFrame, articles: pd.DataFrame | None):
    """The article texts and their TF-IDF matrix, memoised on the tables' content.

    The notebook asks for the same vectors three times (pairs, outlet means, map); hashing the
    tables costs milliseconds, fitting TF-IDF on a large collection seconds.
    """
    key = (_fingerprint(sentences, ["article_id", "outlet", "position", "text"]),
           _fingerprint(articles, ["article_id", "headline"]))
    if key not in _FITTED:
        texts, bodies = _article_texts(sentences, articles)
        matrix = vectorize_articles(bodies) if len(texts) else None
        _FITTED.clear()  # keep only the latest collection
        _FITTED[key] = (texts, matrix)
    texts, matrix = _FITTED[key]
    return texts.copy(), matrix


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
                     top_k: int = 10) -> pd.DataFrame:
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

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of articles (both orders and the diagonal, as a heatmap wants;
        on the LSH path only the kept candidate pairs): ``article_a``, ``article_b``,
        ``outlet_a``, ``outlet_b``, ``label_a``, ``label_b`` (outlet · file name),
        ``headline_a``, ``headline_b``, ``cosine``.
    """
    texts, matrix = _fit_articles(sentences, articles)
    if texts.empty:
        return pd.DataFrame(columns=SIMILARITY_COLUMNS)
    n = len(texts)
    if n <= exact_max:
        dense = (matrix @ matrix.T).toarray()
        first, second = np.triu_indices(n)
        cosines = dense[first, second]
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
    return table[SIMILARITY_COLUMNS].sort_values(["article_a", "article_b"], ignore_index=True)


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


def _blockwise_neighbours(matrix, *, top_k: int, chunk: int = 1000
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``(i <= j)`` where ``j`` is among ``i``'s ``top_k`` nearest (or the reverse), with
    the diagonal, and their cosines; exact, a block of ``chunk`` rows at a time."""
    n = matrix.shape[0]
    k = min(top_k, n - 1)
    dense = matrix.toarray() if n * matrix.shape[1] <= DENSE_CELLS else None
    diagonal = np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel()  # 1, or 0 if empty
    firsts, seconds, values = [np.arange(n)], [np.arange(n)], [diagonal]
    for start in range(0, n, chunk):
        if dense is not None:
            block = dense[start:start + chunk] @ dense.T
        else:
            block = (matrix[start:start + chunk] @ matrix.T).toarray()
        rows = np.arange(block.shape[0])
        block[rows, rows + start] = -1.0  # an article is not its own neighbour
        if k <= 0:
            continue
        nearest = _nearest_columns(block, k)
        cosines = block[rows[:, None], nearest]
        good = (cosines > 0).ravel()
        firsts.append(np.repeat(rows + start, k)[good])
        seconds.append(nearest.ravel()[good])
        values.append(cosines.ravel()[good])
    first, second = np.concatenate(firsts), np.concatenate(seconds)
    keys = np.minimum(first, second) * n + np.maximum(first, second)
    keys, where = np.unique(keys, return_index=True)
    return keys // n, keys % n, np.concatenate(values)[where]


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


def compare_outlets(sentences: pd.DataFrame, articles: pd.DataFrame | None = None
                    ) -> pd.DataFrame:
    """Mean cosine similarity of each outlet's articles with each outlet's, computed exactly.

    With L2-normalised TF-IDF rows, the sum of the cosines between the articles of A and of B
    is the dot product of the two outlets' summed vectors, so every pair counts without being
    listed (the cost grows with the number of articles, not with its square). Within one
    outlet, the self-similarities are subtracted and the mean is over distinct pairs.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of outlets (the diagonal included when an outlet has two
        articles or more): ``outlet_a``, ``outlet_b``, ``pairs`` (article pairs averaged),
        ``cosine`` (their mean cosine).
    """
    columns = ["outlet_a", "outlet_b", "pairs", "cosine"]
    texts, matrix = _fit_articles(sentences, articles)
    if texts.empty:
        return pd.DataFrame(columns=columns)
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
    return pd.DataFrame(rows, columns=columns)


def map_articles(sentences: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Two-dimensional coordinates of each article (truncated SVD of TF-IDF).

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``outlet``, ``label``, ``headline``, ``x``, ``y`` (first and second SVD
        component; 0 when the collection is too small to have that component).
    """
    texts, matrix = _fit_articles(sentences, articles)
    if texts.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    coords = np.zeros((len(texts), 2))
    n_components = min(2, len(texts) - 1, matrix.shape[1] - 1)
    if n_components >= 1:
        svd = TruncatedSVD(n_components=n_components, algorithm="randomized", n_iter=10,
                           random_state=0)
        coords[:, :n_components] = svd.fit_transform(matrix)
    texts["x"], texts["y"] = coords[:, 0].round(4), coords[:, 1].round(4)
    return texts[MAP_COLUMNS]


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
