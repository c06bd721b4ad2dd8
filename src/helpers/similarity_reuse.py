"""Article vectors kept between runs, and the exact update of each article's neighbours.

The similarity section vectorises every article and compares every pair, which on a rerun of
a large collection costs seconds for the few articles that were added. With a
:class:`helpers.reuse.FitStore`, three fits are kept (:mod:`helpers.reuse`: NumPy and JSON, no
pickle; a missing or unreadable one is a miss):

- ``article_vectors``: the TF-IDF vocabulary and IDF weights, and each article's identity
  (:func:`identify_articles`: its ``article_id`` and a hash of its body) and L2-normalised row.
  On a rerun whose articles drifted at most 5% from it (added plus removed over fitted, always
  counted against this fit, :func:`helpers.reuse.measure_drift`), articles of the fit keep
  their rows and the others are vectorised with the fit's vocabulary and IDF held fixed
  (:func:`vectorize_with_vocabulary`): the *frozen-vocabulary matrix*. Otherwise, or with
  ``refit``, the vectors are fitted afresh and saved in its place. Collections of at most
  :data:`REUSE_MIN_ARTICLES` articles (the exact path's size) are always vectorised afresh:
  reuse saves nothing there.
- ``article_neighbours``: each article's kept nearest neighbours on the blockwise path, made on
  those vectors with the same options. :func:`update_selections` brings them to the current
  articles and gives the neighbours that the blockwise path selects on the frozen-vocabulary
  matrix (see there: a row is settled from its saved neighbours only when no tie or near-tie
  can change its selection; the blocks holding any other row are computed again). Other
  options, another vector fit, or a switch between dense and sparse products make them be
  computed afresh on the vectors in use.
- ``article_map``: the truncated SVD components and the coordinates of the articles they were
  fitted on; those keep their place and other articles are projected on the components
  (folding-in, Deerwester et al. 1990).

Every key holds the code of the modules involved (:func:`helpers.reuse.digest_sources`) and
scikit-learn's version, so a change of either fits afresh.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from itertools import chain
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn import __version__ as sklearn_version

from helpers.reuse import Drift, FitStore, hash_texts, measure_drift
from helpers.vectorize import analyze_all, build_token_vectorizer

#: Collections of at most this many articles are always vectorised afresh (the default
#: ``exact_max`` of :func:`helpers.similarity.compare_articles`).
REUSE_MIN_ARTICLES = 400
#: The code the fits are made with, part of every key (with scikit-learn's version).
_CODE_FILES = ("similarity.py", "similarity_reuse.py", "vectorize.py", "minhash.py", "reuse.py")

Selections = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""Each article's kept neighbours: ``row``, ``col``, ``value`` (the cosine as the row's
product computes it), entries grouped by row in row order; and per row, ``bound``: an upper
bound of the cosines outside its selection."""


def fit_options(model: str, **options) -> dict:
    """The key of a fit: its ``model`` name, ``options``, the code and scikit-learn's version."""
    from helpers.reuse import digest_sources

    return {"model": model, **options, "code": digest_sources(*_CODE_FILES),
            "scikit-learn": sklearn_version}


def identify_articles(ids, bodies: list[list[str]]) -> np.ndarray:
    """64-bit identity of each article: its ``article_id`` and its sentences, hashed
    (:func:`helpers.reuse.hash_texts`); an article whose body changed is a new one."""
    return hash_texts(["\x1f".join([str(a), *body]) for a, body in zip(ids, bodies, strict=True)])


def vectorize_with_vocabulary(bodies: list[list[str]], *, vocabulary: np.ndarray,
                              idf: np.ndarray) -> sparse.csr_matrix:
    """TF-IDF rows of articles (lists of sentences) with a fit's vocabulary and IDF weights
    held fixed: the kit's tokens, sublinear term frequency, terms outside the vocabulary
    ignored, rows L2-normalised (scikit-learn's ``transform``)."""
    vectorizer = build_token_vectorizer()
    vectorizer.vocabulary_ = {str(term): j for j, term in enumerate(vocabulary)}
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    tokens = [list(chain.from_iterable(analyze_all(body))) for body in bodies]
    return vectorizer.transform(tokens).tocsr()


class SavedVectors(NamedTuple):
    """An ``article_vectors`` fit read back (see :func:`save_vectors`)."""

    fit_id: str
    hashes: np.ndarray
    matrix: sparse.csr_matrix
    vocabulary: np.ndarray
    idf: np.ndarray


def save_vectors(store: FitStore, hashes: np.ndarray, matrix: sparse.csr_matrix,
                 vocabulary: np.ndarray, idf: np.ndarray) -> str | None:
    """Save a fresh vector fit; return its id (``None`` when nothing was written)."""
    fit_id = uuid.uuid4().hex
    csr = matrix.tocsr()
    written = store.save("article_vectors", fit_options("article_vectors"), {
        "fit_id": fit_id,
        "articles": pd.DataFrame({"hash": np.asarray(hashes, dtype=np.uint64)}),
        "indptr": pd.DataFrame({"value": csr.indptr.astype(np.int64)}),
        "cells": pd.DataFrame({"col": csr.indices.astype(np.int32), "value": csr.data}),
        "vocabulary": pd.DataFrame({"term": np.asarray(vocabulary).astype(str),
                                    "idf": np.asarray(idf, dtype=np.float64)})})
    return fit_id if written else None


def load_vectors(store: FitStore, hashes: np.ndarray) -> tuple[SavedVectors, Drift] | None:
    """The saved vector fit and the current articles' drift from it, when the store allows
    reusing it; ``None`` otherwise (no fit, unreadable, other code, too far, ``refit``)."""
    saved = _read_vectors(store.load("article_vectors", fit_options("article_vectors")))
    if saved is None:
        return None
    drift = measure_drift(saved.hashes, hashes)
    return (saved, drift) if store.allows(drift) else None


def _read_vectors(data: Mapping | None) -> SavedVectors | None:
    if data is None:
        return None
    try:
        hashes = data["articles"]["hash"].to_numpy(np.uint64)
        terms = data["vocabulary"]
        indptr = data["indptr"]["value"].to_numpy(np.int64)
        cells = data["cells"]
        matrix = sparse.csr_matrix(
            (cells["value"].to_numpy(np.float64), cells["col"].to_numpy(np.int64), indptr),
            shape=(len(hashes), len(terms)))
        matrix.check_format(full_check=True)
        matrix.indices = matrix.indices.astype(np.int32)
        matrix.indptr = matrix.indptr.astype(np.int32)
        idf = terms["idf"].to_numpy(np.float64)
        usable = (pd.Index(hashes).is_unique and np.isfinite(matrix.data).all()
                  and (matrix.data >= 0).all() and np.isfinite(idf).all())
        saved = SavedVectors(str(data["fit_id"]), hashes, matrix,
                             terms["term"].to_numpy(dtype=object), idf)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    return saved if usable else None


def reuse_vectors(saved: SavedVectors, hashes: np.ndarray, bodies: list[list[str]]
                  ) -> sparse.csr_matrix:
    """The frozen-vocabulary matrix of the current articles: the saved row of each article of
    the fit, the others vectorised with the fit's vocabulary and IDF."""
    where = pd.Index(saved.hashes).get_indexer(hashes)
    new = np.flatnonzero(where < 0)
    parts = [saved.matrix]
    if len(new):
        rows = vectorize_with_vocabulary([bodies[i] for i in new.tolist()],
                                         vocabulary=saved.vocabulary, idf=saved.idf)
        parts.append(rows.astype(np.float64))
        where[new] = len(saved.hashes) + np.arange(len(new))
    stacked = sparse.vstack(parts, format="csr") if len(parts) > 1 else saved.matrix
    return stacked[where]


# --- neighbours -----------------------------------------------------------------------------


class SavedNeighbours(NamedTuple):
    """An ``article_neighbours`` fit read back (see :func:`save_neighbours`)."""

    hashes: np.ndarray
    selections: Selections


def save_neighbours(store: FitStore, options: Mapping, *, fit_id: str, dense: bool, k: int,
                    hashes: np.ndarray, selections: Selections) -> bool:
    """Save each article's selection, made on the vector fit ``fit_id`` with ``options``."""
    row, col, value, bound = selections
    return store.save("article_neighbours", options, {
        "fit_id": fit_id, "dense": bool(dense), "k": int(k),
        "articles": pd.DataFrame({"hash": np.asarray(hashes, dtype=np.uint64),
                                  "bound": np.asarray(bound, dtype=np.float64)}),
        "entries": pd.DataFrame({"row": np.asarray(row, dtype=np.int64),
                                 "col": np.asarray(col, dtype=np.int64),
                                 "value": np.asarray(value, dtype=np.float64)})})


def load_neighbours(store: FitStore, options: Mapping, *, fit_id: str, dense: bool, k: int
                    ) -> SavedNeighbours | None:
    """The saved selections when they were made with these ``options`` on the vector fit
    ``fit_id``, with the same ``k`` and kind of product; ``None`` otherwise."""
    data = store.load("article_neighbours", options)
    if data is None:
        return None
    try:
        if (data["fit_id"] != fit_id or bool(data["dense"]) != dense or int(data["k"]) != k):
            return None
        articles, entries = data["articles"], data["entries"]
        hashes = articles["hash"].to_numpy(np.uint64)
        row, col = entries["row"].to_numpy(np.int64), entries["col"].to_numpy(np.int64)
        value, bound = entries["value"].to_numpy(np.float64), articles["bound"].to_numpy(np.float64)
        n = len(hashes)
        usable = (pd.Index(hashes).is_unique and ((row >= 0) & (row < n) & (col >= 0)
                                                  & (col < n) & (row != col)).all()
                  and (np.diff(row) >= 0).all() and (value > 0).all()
                  and not np.isnan(bound).any())
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return SavedNeighbours(hashes, (row, col, value, bound)) if usable else None


#: Cosines closer than this are treated as tied when deciding whether a row's selection is
#: settled: BLAS may round a dot product differently in another place of a block (by far
#: less than this), and the blockwise path's choice among near-equal cosines follows those
#: last bits.
TIE_MARGIN = 1e-9


def update_selections(saved: SavedNeighbours, hashes: np.ndarray, *, k: int, chunk: int,
                      select_rows: Callable[[np.ndarray], Selections],
                      select_blocks: Callable[[np.ndarray], Selections],
                      cosines: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Selections:
    """The selections of the current articles, from those saved for earlier articles.

    The blockwise path keeps, for each article (row), the columns ``np.argpartition`` picks as
    its ``k`` largest cosines, those above 0. A row's cosines with articles present in both
    runs are unchanged (same vectors), so for an old row only its cosines with new articles
    are computed: its saved selection plus its positive cosines with new articles are its
    candidates, and every other cosine is at most its saved ``bound``. A row is *settled*
    when its ``k``-th largest candidate exceeds the next one, the bound and 0 by more than
    :data:`TIE_MARGIN`: then its ``k`` largest are the only possible selection, whatever the
    order of the columns or the last bits of the products; with fewer than ``k`` positive
    candidates (and no positive cosine elsewhere) they all are. A new article's row is
    computed whole (``select_rows``) and settled by the same rule. The blocks of ``chunk``
    rows holding a row that is not settled (a tie or near-tie at the ``k``-th value, where
    ``np.argpartition``'s choice depends on the whole row, or a removed neighbour) are
    computed afresh by ``select_blocks``, exactly as the blockwise path computes them. Hence
    the selections are the blockwise path's on the current matrix; a settled row's cosines
    may differ from that path's in the last bit (the tables round them to 4 decimals).

    Parameters
    ----------
    saved
        The saved selections and the identities of their rows.
    hashes
        Identity of each current article (:func:`identify_articles`), in row order.
    k
        Neighbours per article (the blockwise path's ``min(top_k, n - 1)``, the same as saved).
    chunk
        Rows per block of the blockwise path.
    select_rows
        Selections (with bounds) of the listed current rows.
    select_blocks
        Selections (with bounds) of every row of the listed blocks, as the blockwise path
        computes them.
    cosines
        Cosines of the listed current rows with the listed current columns (a dense array).
    """
    s_row, s_col, s_value, s_bound = saved.selections
    now = pd.Index(hashes).get_indexer(saved.hashes)  # saved row -> current row (-1: removed)
    before = pd.Index(saved.hashes).get_indexer(hashes)  # current row -> saved row (-1: new)
    n = len(hashes)
    new = np.flatnonzero(before < 0)
    old = np.flatnonzero(before >= 0)
    bound = np.full(n, -np.inf)
    bound[old] = s_bound[before[old]]
    row, col = now[s_row], now[s_col]
    alive = row >= 0
    row, col, value = row[alive], col[alive], s_value[alive]
    lost = np.zeros(n, dtype=bool)
    lost[row[col < 0]] = True
    redo = lost & (bound > 0)  # a removed neighbour, and other positive cosines unknown
    fresh = np.zeros(n, dtype=bool)
    fresh[new] = True
    keep = (col >= 0) & ~redo[row] & ~fresh[row]
    cand_row, cand_col, cand_value = [row[keep]], [col[keep]], [value[keep]]
    if len(new):
        rows = np.flatnonzero(~redo & ~fresh)
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            block = cosines(part, new)
            top = (np.argpartition(-block, k, axis=1)[:, :k + 1] if len(new) > k + 1
                   else np.broadcast_to(np.arange(len(new)), block.shape))
            values = np.take_along_axis(block, top, axis=1)
            good = values > 0
            cand_row.append(np.repeat(part, top.shape[1])[good.ravel()])
            cand_col.append(new[top][good])
            cand_value.append(values[good])
        n_row, n_col, n_value, n_bound = select_rows(new)
        cand_row.append(n_row)
        cand_col.append(n_col)
        cand_value.append(n_value)
        bound[new] = n_bound[new]
    c_row, c_col, c_value = (np.concatenate(a) for a in (cand_row, cand_col, cand_value))
    order = np.lexsort((-c_value, c_row))
    c_row, c_col, c_value = c_row[order], c_col[order], c_value[order]
    counts = np.bincount(c_row, minlength=n)
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(c_row)) - starts[c_row]
    full = np.flatnonzero(~redo & (counts >= k))
    kth = c_value[starts[full] + k - 1]
    after = np.where(counts[full] > k, c_value[np.minimum(starts[full] + k, len(c_value) - 1)],
                     0.0)
    nxt = np.maximum(np.maximum(after, bound[full]), 0.0)
    tied = kth - nxt <= TIE_MARGIN
    redo[full[tied]] = True
    new_bound = np.maximum(bound, 0.0)
    new_bound[full[~tied]] = nxt[~tied]
    blocks = np.unique(np.flatnonzero(redo) // chunk)
    again = np.isin(np.arange(n) // chunk, blocks)
    kept = ~again[c_row] & (rank < k)
    parts = [(c_row[kept], c_col[kept], c_value[kept])]
    if len(blocks):
        a_row, a_col, a_value, a_bound = select_blocks(blocks)
        parts.append((a_row, a_col, a_value))
        new_bound[again] = a_bound[again]
    f_row, f_col, f_value = (np.concatenate(a) for a in zip(*parts, strict=True))
    order = np.argsort(f_row, kind="stable")
    return f_row[order], f_col[order], f_value[order], new_bound


# --- map ------------------------------------------------------------------------------------


class SavedMap(NamedTuple):
    """An ``article_map`` fit read back (see :func:`save_map`)."""

    hashes: np.ndarray
    coords: np.ndarray  # articles × 2
    components: np.ndarray  # components × terms (0, 1 or 2 rows)


def save_map(store: FitStore, *, fit_id: str, hashes: np.ndarray, coords: np.ndarray,
             components: np.ndarray) -> bool:
    """Save the map's SVD components and coordinates, made on the vector fit ``fit_id``."""
    return store.save("article_map", fit_options("article_map"), {
        "fit_id": fit_id, "n_components": int(len(components)),
        "articles": pd.DataFrame({"hash": np.asarray(hashes, dtype=np.uint64),
                                  "x": coords[:, 0], "y": coords[:, 1]}),
        "components": pd.DataFrame({"value": np.asarray(components, np.float64).ravel()})})


def load_map(store: FitStore, *, fit_id: str, n_terms: int) -> SavedMap | None:
    """The saved map made on the vector fit ``fit_id``; ``None`` otherwise."""
    data = store.load("article_map", fit_options("article_map"))
    if data is None:
        return None
    try:
        if data["fit_id"] != fit_id:
            return None
        articles = data["articles"]
        components = data["components"]["value"].to_numpy(np.float64).reshape(
            int(data["n_components"]), n_terms)
        saved = SavedMap(articles["hash"].to_numpy(np.uint64),
                         articles[["x", "y"]].to_numpy(np.float64), components)
        usable = (len(components) <= 2 and pd.Index(saved.hashes).is_unique
                  and np.isfinite(saved.coords).all() and np.isfinite(components).all())
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return saved if usable else None


def place_articles(saved: SavedMap, matrix: sparse.csr_matrix, hashes: np.ndarray
                   ) -> np.ndarray:
    """Coordinates of the current articles: saved for those the map was fitted on, the
    others projected on the saved components (``TruncatedSVD.transform``)."""
    where = pd.Index(saved.hashes).get_indexer(hashes)
    coords = np.zeros((len(hashes), 2))
    coords[where >= 0] = saved.coords[where[where >= 0]]
    new = np.flatnonzero(where < 0)
    if len(new) and len(saved.components):
        coords[new, :len(saved.components)] = np.asarray(matrix[new] @ saved.components.T)
    return coords
