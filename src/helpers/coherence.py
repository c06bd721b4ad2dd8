"""How good and how stable is a set of topics: NPMI coherence and seed stability.

Coherence is the mean normalised pointwise mutual information (NPMI; Bouma 2009) over every pair
of a topic's top terms, with probabilities estimated from document co-occurrence in the units the
model was fitted on (the collection itself, no external reference corpus; cf. Lau, Newman &
Baldwin 2014; Röder, Both & Hinneburg 2015)::

    NPMI(a, b) = log(p(a, b) / (p(a) p(b))) / -log p(a, b)

with ``NPMI = -1`` when ``a`` and ``b`` never share a unit and ``NPMI = 1`` when both occur in every
unit. It ranges from -1 (never together) through 0 (independent) to 1 (always together).

Stability follows Greene, O'Callaghan & Cunningham (2014, "How many topics? Stability analysis
for topic models"): fit the same number of topics with several seeds, match the topics of each run
to a reference run one-to-one (Hungarian algorithm) by the Jaccard overlap of their top terms, and
average the matched overlaps. 1 means every seed finds the same topics; values near 0 mean the
topics are an accident of the seed.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment


def score_npmi(top_terms: Sequence[Sequence[int]], doc_term: sparse.spmatrix) -> np.ndarray:
    """Mean NPMI of each topic's top-term pairs.

    Parameters
    ----------
    top_terms
        For each topic, the column indices of its top terms in ``doc_term``.
    doc_term
        Units × terms matrix; any non-zero entry counts as "term occurs in unit".

    Returns
    -------
    numpy.ndarray
        One coherence per topic, in [-1, 1] (``nan`` for a topic with fewer than two terms).

    Examples
    --------
    >>> from scipy import sparse
    >>> m = sparse.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 0, 1]])
    >>> score_npmi([[0, 1], [0, 2]], m).round(3).tolist()
    [1.0, -1.0]
    """
    binary = (sparse.csc_matrix(doc_term) != 0).astype(np.float64)
    n_units = binary.shape[0]
    scores = np.full(len(top_terms), np.nan)
    if n_units == 0:
        return scores
    for t, terms in enumerate(top_terms):
        terms = list(terms)
        if len(terms) < 2:
            continue
        sub = binary[:, terms]
        together = (sub.T @ sub).toarray() / n_units
        alone = np.diag(together)
        values = [_npmi(together[i, j], alone[i], alone[j])
                  for i, j in combinations(range(len(terms)), 2)]
        scores[t] = float(np.mean(values))
    return scores


def _npmi(p_ab: float, p_a: float, p_b: float) -> float:
    if p_ab <= 0.0:
        return -1.0
    if p_ab >= 1.0:
        return 1.0
    return float(np.log(p_ab / (p_a * p_b)) / -np.log(p_ab))


def jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    """Jaccard overlap of two term lists (|a ∩ b| / |a ∪ b|; 0 for two empty lists)."""
    sa, sb = set(a), set(b)
    union = sa | sb
    return len(sa & sb) / len(union) if union else 0.0


def match_topics(reference: Sequence[Sequence[str]],
                 other: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Match each reference topic to one topic of another run (maximum total Jaccard overlap).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``matched[i]`` is the index in ``other`` matched to reference topic ``i`` (-1 when
        ``other`` has fewer topics) and ``overlap[i]`` its Jaccard overlap (0 when unmatched).
    """
    sim = np.array([[jaccard(r, o) for o in other] for r in reference]).reshape(len(reference),
                                                                              len(other))
    matched = np.full(len(reference), -1)
    overlap = np.zeros(len(reference))
    if sim.size:
        rows, cols = linear_sum_assignment(-sim)
        matched[rows] = cols
        overlap[rows] = sim[rows, cols]
    return matched, overlap


def score_stability(runs: Sequence[Sequence[Sequence[str]]]) -> float:
    """Mean best-match Jaccard overlap of top terms between the first run and every other run.

    Parameters
    ----------
    runs
        One entry per seed; each entry is a list of topics, each a list of top terms. The first
        run is the reference.

    Returns
    -------
    float
        In [0, 1]; ``nan`` when there is only one run.

    Examples
    --------
    >>> score_stability([[["a", "b"], ["c", "d"]], [["c", "d"], ["a", "b"]]])
    1.0
    >>> score_stability([[["a", "b"], ["c", "d"]], [["a", "c"], ["b", "d"]]])
    0.3333333333333333
    """
    if len(runs) < 2:
        return float("nan")
    reference = runs[0]
    return float(np.mean([match_topics(reference, other)[1].mean() for other in runs[1:]]))
