"""The units a topic model sees: paragraphs, sentence windows or articles, with wire copy collapsed.

Units
    ``"paragraph"`` (default): every body paragraph (subheads are left out).
    ``"sentences"``: windows of ``window`` consecutive sentences of an article (split with
    :func:`helpers.segment.split_sentences`), not overlapping, allowed to cross paragraphs.
    ``"article"``: one unit per article (five articles are too few for this).

Near-duplicate collapse
    Wire copy repeated by several outlets would otherwise weigh once per outlet in the fit, so
    one agency story could pull a topic towards itself. Units whose analyzer tokens are identical,
    or whose TF-IDF cosine similarity is at least ``threshold`` (default 0.8), are joined into one
    group (connected components of the "near-duplicate" graph). The model is fitted on one
    representative per group (the first unit in corpus order); every member then takes the
    representative's topic weights, so each outlet's shares still count its own paragraphs.
    Exact copies are found first by hashing the token sequence (identical tokens, identical
    TF-IDF rows), so only one row per distinct text is compared. Up to ``EXACT_LIMIT`` distinct
    texts are compared exactly (all pairs, sparse products in row blocks). Above it, candidate
    pairs come from prefix filtering (Bayardo, Ma & Srikant 2007, "Scaling up all pairs
    similarity search"): each L2-normalised row keeps its heaviest terms until the remaining
    norm is below ``threshold``; two rows can reach the threshold only if the second contains a
    prefix term of the first, and every candidate is confirmed with its exact cosine. The result
    equals the all-pairs one, while the work grows with the number of candidates (texts sharing
    a rare, heavy term), not with n².
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from helpers.segment import split_sentences
from helpers.vectorize import analyze_all, build_token_vectorizer

UNIT_KINDS: tuple[str, ...] = ("paragraph", "sentences", "article")
UNIT_COLUMNS: tuple[str, ...] = ("article_id", "outlet", "position", "paragraph", "text", "words")
REQUIRED_COLUMNS: tuple[str, ...] = ("article_id", "outlet", "position", "text")
#: Above this many distinct units, candidate pairs come from prefix filtering, not all pairs.
EXACT_LIMIT = 2000
#: Above it, dense blocks are multiplied when rows × terms is at most this many cells.
DENSE_CELLS = 60_000_000
_BLOCK = 1000
#: Candidates of the dense path: float32 cosine within this of the threshold.
_SINGLE_MARGIN = 1e-4
_PAIR_CHUNK = 200_000
#: Stored terms of the candidate rows confirmed at once (bounds the memory).
_CONFIRM_CELLS = 500_000


def build_units(paragraphs: pd.DataFrame, *, unit: str = "paragraph",
                window: int = 3) -> pd.DataFrame:
    """Turn the corpus ``paragraphs`` table into the units a topic model is fitted on.

    Parameters
    ----------
    paragraphs
        The corpus paragraphs table (``article_id``, ``outlet``, ``position``, ``text``; ``kind``
        and ``words`` are used when present).
    unit
        ``"paragraph"``, ``"sentences"`` (windows of ``window`` sentences) or ``"article"``.

    Returns
    -------
    pandas.DataFrame
        One row per unit, in article then reading order: ``article_id``, ``outlet``, ``position``
        (0-based index of the unit within its article), ``paragraph`` (position of the unit's
        first paragraph), ``text``, ``words`` (whitespace-separated words).
    """
    if unit not in UNIT_KINDS:
        raise ValueError(f"unit must be one of {UNIT_KINDS}, got {unit!r}")
    frame = paragraphs
    if "kind" in frame.columns:
        frame = frame[frame["kind"].fillna("body") == "body"]
    frame = frame.sort_values(["article_id", "position"], kind="stable")
    if unit == "paragraph":
        return _paragraph_units(frame)
    rows: list[dict] = []
    for article_id, group in frame.groupby("article_id", sort=False):
        outlet = group["outlet"].iloc[0]
        pieces = [(int(p), str(t)) for p, t in zip(group["position"], group["text"], strict=True)]
        if unit == "article":
            chunks = [(pieces[0][0], "\n\n".join(t for _, t in pieces))] if pieces else []
        else:
            sentences = [(p, s) for p, t in pieces for s in split_sentences(t)]
            chunks = [(sentences[i][0], " ".join(s for _, s in sentences[i:i + window]))
                      for i in range(0, len(sentences), max(int(window), 1))]
        rows.extend({"article_id": article_id, "outlet": outlet, "position": i, "paragraph": p,
                     "text": t, "words": len(t.split())} for i, (p, t) in enumerate(chunks))
    units = pd.DataFrame(rows, columns=list(UNIT_COLUMNS))
    return units.astype({"position": "int64", "paragraph": "int64", "words": "int64"})


def _paragraph_units(frame: pd.DataFrame) -> pd.DataFrame:
    """One unit per paragraph of ``frame`` (sorted by article and position), column-wise."""
    frame = frame[frame["article_id"].notna()]  # as the other kinds' group-by drops them
    if frame.empty:
        return pd.DataFrame(columns=list(UNIT_COLUMNS)).astype(
            {"position": "int64", "paragraph": "int64", "words": "int64"})
    texts = [str(t) for t in frame["text"].tolist()]  # (tolist: iterating the column is slower)
    by_article = frame.groupby("article_id", sort=False)
    units = pd.DataFrame({
        "article_id": frame["article_id"].to_numpy(),
        "outlet": by_article["outlet"].transform("first").to_numpy(),
        "position": by_article.cumcount().to_numpy(),
        "paragraph": frame["position"].to_numpy(),
        "text": texts,
        "words": [len(t.split()) for t in texts],
    }, columns=list(UNIT_COLUMNS))
    return units.astype({"position": "int64", "paragraph": "int64", "words": "int64"})


def group_duplicates(texts: Sequence[str], *, threshold: float = 0.8) -> np.ndarray:
    """Group near-duplicate texts; return each text's representative (first member's index).

    Parameters
    ----------
    texts
        Unit texts in corpus order.
    threshold
        TF-IDF cosine similarity at or above which two texts are near duplicates.

    Returns
    -------
    numpy.ndarray
        ``rep[i]`` is the index of the first text of ``i``'s group (``rep[i] == i`` for a
        representative).

    Examples
    --------
    >>> group_duplicates(["Xi met Putin in Beijing.", "Leaders of Russia and China met.",
    ...                   "Xi met Putin in Beijing!"]).tolist()
    [0, 1, 0]
    """
    n = len(texts)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    tokens = analyze_all(texts)
    keys = [" ".join(t) for t in tokens]
    first_of_key: dict[str, int] = {}
    edges_a, edges_b = [], []
    for i, key in enumerate(keys):
        if key and key in first_of_key:
            edges_a.append(first_of_key[key])
            edges_b.append(i)
        first_of_key.setdefault(key, i)
    if any(keys):
        # Identical token sequences have identical TF-IDF rows: compare one row per key only.
        distinct = np.array(sorted(i for k, i in first_of_key.items() if k), dtype=np.int64)
        # The kit's TF-IDF on every text (duplicates count in the idf), from the tokens above.
        matrix = build_token_vectorizer().fit_transform(tokens).tocsr()[distinct]
        if len(distinct) <= EXACT_LIMIT:
            pairs = _similar_pairs(matrix, threshold)
        elif matrix.shape[0] * matrix.shape[1] <= DENSE_CELLS:
            pairs = _similar_pairs(matrix, threshold, dense=True)
        else:
            pairs = _similar_pairs_prefix(matrix, threshold)
        edges_a.extend(distinct[pairs[0]].tolist())
        edges_b.extend(distinct[pairs[1]].tolist())
    return _first_of_components(edges_a, edges_b, n)


def group_similar_rows(matrix: sparse.csr_matrix, threshold: float) -> np.ndarray:
    """Group rows (L2-normalised TF-IDF) whose cosine is at least ``threshold``, linked
    through each other; return each row's representative (the first row of its group), as
    :func:`group_duplicates` does for texts."""
    a, b = _similar_pairs(matrix, threshold)
    return _first_of_components(a, b, matrix.shape[0])


def _first_of_components(edges_a, edges_b, n: int) -> np.ndarray:
    """The first member of each node's connected component (``n`` nodes, undirected edges)."""
    graph = sparse.coo_matrix((np.ones(len(edges_a)), (edges_a, edges_b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return first_members(labels)


def first_members(labels: np.ndarray) -> np.ndarray:
    """For each item, the index of the first item with the same label.

    Examples
    --------
    >>> first_members(np.array([7, 3, 7, 5, 3])).tolist()
    [0, 1, 0, 3, 1]
    """
    _, first, inverse = np.unique(np.asarray(labels), return_index=True, return_inverse=True)
    return first[inverse.ravel()].astype(np.int64)


def _similar_pairs(matrix: sparse.csr_matrix, threshold: float, *, dense: bool = False
                   ) -> tuple[np.ndarray, np.ndarray]:
    """All pairs i < j with cosine >= threshold (rows are L2-normalised), in row blocks.

    ``dense=True`` multiplies dense blocks (BLAS): much faster when the vocabulary is small
    and rows share many terms, as in copy-heavy collections (the caller checks the size).
    """
    if dense:
        return _similar_pairs_dense(matrix, threshold)
    a_all, b_all = [], []
    for start in range(0, matrix.shape[0], _BLOCK):
        block = (matrix[start:start + _BLOCK] @ matrix.T).tocoo()
        keep = (block.data >= threshold - 1e-12) & (block.row + start < block.col)
        a_all.extend((block.row[keep] + start).tolist())
        b_all.extend(block.col[keep].tolist())
    return np.array(a_all, dtype=np.int64), np.array(b_all, dtype=np.int64)


def _similar_pairs_dense(matrix: sparse.csr_matrix,
                         threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_similar_pairs` with dense blocks: single-precision products of each block with
    the rows after it find the candidates (a margin far wider than float32's error), then each
    candidate's cosine is recomputed in double precision from the sparse rows (a chunk of pairs
    at a time, so memory does not grow with candidates × terms), so the result is the exact one.
    """
    single = matrix.toarray().astype(np.float32)
    chunk = _pair_chunk(matrix)
    a_all, b_all = [], []
    for start in range(0, matrix.shape[0], _BLOCK):
        products = single[start:start + _BLOCK] @ single[start:].T  # rows >= start only
        rows, cols = np.nonzero(products >= threshold - _SINGLE_MARGIN)
        cols += start
        keep = rows + start < cols
        a, b = rows[keep] + start, cols[keep]
        hit = _confirm_pairs(matrix, a, b, threshold, chunk=chunk)
        a_all.append(a[hit])
        b_all.append(b[hit])
    if not a_all:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return (np.concatenate(a_all).astype(np.int64), np.concatenate(b_all).astype(np.int64))


def _prefix_rows(matrix: sparse.csr_matrix, threshold: float) -> sparse.csr_matrix:
    """Each row's heaviest entries until the rest has L2 norm below ``threshold`` (0/1 values).

    Rows are L2-normalised, so for rows x and y: x·y <= prefix(x)·y + ||rest(x)||, and a pair
    sharing no term of prefix(x) has cosine below the threshold (Bayardo, Ma & Srikant 2007).
    """
    matrix = matrix.tocsr()
    rows, cols = [], []
    limit = max(threshold - 1e-9, 0.0) ** 2
    for i in range(matrix.shape[0]):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        weights = matrix.data[start:end]
        order = np.argsort(-weights, kind="stable")
        squares = weights[order] ** 2
        rest = squares.sum() - np.cumsum(squares)  # mass left after the first j + 1 entries
        keep = int(np.argmax(rest < limit)) + 1 if (rest < limit).any() else len(order)
        cols.extend(matrix.indices[start:end][order[:keep]].tolist())
        rows.extend([i] * keep)
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=matrix.shape)


def _similar_pairs_prefix(matrix: sparse.csr_matrix,
                          threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """All pairs i < j with cosine >= threshold, via prefix-filtered candidates (exact result).

    Candidates share a term of the first row's prefix (:func:`_prefix_rows`); each is then
    confirmed with its exact cosine. The work grows with the candidate count, not n².
    """
    prefix = _prefix_rows(matrix, threshold)
    columns = matrix.T.tocsr()
    chunk = _pair_chunk(matrix)
    a_all, b_all = [], []
    for start in range(0, matrix.shape[0], _BLOCK):
        candidates = (prefix[start:start + _BLOCK] @ columns).tocoo()
        rows = candidates.row + start
        keep = rows < candidates.col
        a, b = rows[keep], candidates.col[keep]
        hit = _confirm_pairs(matrix, a, b, threshold, chunk=chunk)
        a_all.append(a[hit])
        b_all.append(b[hit])
    if not a_all:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(a_all), np.concatenate(b_all)


def _pair_chunk(matrix: sparse.csr_matrix) -> int:
    """Pairs confirmed at once: at most :data:`_PAIR_CHUNK`, and few enough that their rows
    hold at most :data:`_CONFIRM_CELLS` stored terms (near-copies of long texts are dense)."""
    widest = int(np.diff(matrix.indptr).max(initial=1))
    return max(1, min(_PAIR_CHUNK, _CONFIRM_CELLS // max(widest, 1)))


def _confirm_pairs(matrix: sparse.csr_matrix, a: np.ndarray, b: np.ndarray, threshold: float,
                   *, chunk: int) -> np.ndarray:
    """Mask of the pairs ``(a[i], b[i])`` whose exact cosine (float64, L2-normalised rows) is at
    least ``threshold``, ``chunk`` pairs at a time."""
    hit = np.zeros(len(a), dtype=bool)
    for lo in range(0, len(a), chunk):
        pa, pb = a[lo:lo + chunk], b[lo:lo + chunk]
        cosine = np.asarray(matrix[pa].multiply(matrix[pb]).sum(axis=1)).ravel()
        hit[lo:lo + chunk] = cosine >= threshold - 1e-12
    return hit
