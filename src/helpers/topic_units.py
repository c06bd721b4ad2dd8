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
    Small collections are compared exactly (all pairs, sparse products in row blocks); above
    ``EXACT_LIMIT`` units candidate pairs come from MinHash LSH on token sets (Broder 1997; the
    ``datasketch`` package) and are then confirmed with the exact cosine, so the work stays
    sub-quadratic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from helpers.segment import split_sentences
from helpers.vectorize import analyze, fit_tfidf

UNIT_KINDS: tuple[str, ...] = ("paragraph", "sentences", "article")
UNIT_COLUMNS: tuple[str, ...] = ("article_id", "outlet", "position", "paragraph", "text", "words")
REQUIRED_COLUMNS: tuple[str, ...] = ("article_id", "outlet", "position", "text")
#: Above this many units, near-duplicate candidates come from MinHash LSH instead of all pairs.
EXACT_LIMIT = 5000
_BLOCK = 1000


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
    rows: list[dict] = []
    for article_id, group in frame.groupby("article_id", sort=False):
        outlet = group["outlet"].iloc[0]
        pieces = [(int(p), str(t)) for p, t in zip(group["position"], group["text"], strict=True)]
        if unit == "paragraph":
            chunks = [(p, t) for p, t in pieces]
        elif unit == "article":
            chunks = [(pieces[0][0], "\n\n".join(t for _, t in pieces))] if pieces else []
        else:
            sentences = [(p, s) for p, t in pieces for s in split_sentences(t)]
            chunks = [(sentences[i][0], " ".join(s for _, s in sentences[i:i + window]))
                      for i in range(0, len(sentences), max(int(window), 1))]
        rows.extend({"article_id": article_id, "outlet": outlet, "position": i, "paragraph": p,
                     "text": t, "words": len(t.split())} for i, (p, t) in enumerate(chunks))
    units = pd.DataFrame(rows, columns=list(UNIT_COLUMNS))
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
    keys = [" ".join(analyze(t)) for t in texts]
    first_of_key: dict[str, int] = {}
    edges_a, edges_b = [], []
    for i, key in enumerate(keys):
        if key and key in first_of_key:
            edges_a.append(first_of_key[key])
            edges_b.append(i)
        first_of_key.setdefault(key, i)
    if any(keys):
        matrix, _ = fit_tfidf(texts)
        pairs = _similar_pairs(matrix, threshold) if n <= EXACT_LIMIT else \
            _similar_pairs_lsh(matrix, keys, threshold)
        edges_a.extend(pairs[0])
        edges_b.extend(pairs[1])
    graph = sparse.coo_matrix((np.ones(len(edges_a)), (edges_a, edges_b)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    first = {}
    for i, label in enumerate(labels):
        first.setdefault(label, i)
    return np.array([first[label] for label in labels], dtype=np.int64)


def _similar_pairs(matrix: sparse.csr_matrix, threshold: float) -> tuple[list[int], list[int]]:
    """All pairs i < j with cosine >= threshold (rows are L2-normalised), in row blocks."""
    a_all, b_all = [], []
    for start in range(0, matrix.shape[0], _BLOCK):
        block = (matrix[start:start + _BLOCK] @ matrix.T).tocoo()
        keep = (block.data >= threshold - 1e-12) & (block.row + start < block.col)
        a_all.extend((block.row[keep] + start).tolist())
        b_all.extend(block.col[keep].tolist())
    return a_all, b_all


def _similar_pairs_lsh(matrix: sparse.csr_matrix, keys: Sequence[str],
                       threshold: float) -> tuple[list[int], list[int]]:
    """Candidate pairs from MinHash LSH on token sets, confirmed by exact cosine."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=max(threshold - 0.2, 0.3), num_perm=64)
    a_all, b_all = [], []
    for i, key in enumerate(keys):
        if not key:
            continue
        minhash = MinHash(num_perm=64, seed=1)
        minhash.update_batch([token.encode("utf-8") for token in set(key.split())])
        for j in lsh.query(minhash):
            if float(matrix[i].multiply(matrix[j]).sum()) >= threshold - 1e-12:
                a_all.append(j)
                b_all.append(i)
        lsh.insert(i, minhash)
    return a_all, b_all
