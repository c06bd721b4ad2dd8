"""Bootstrap resampling: the sums of many resamples drawn with replacement, in bounded memory.

Every interval in the kit (tone per outlet and actor, readability per outlet, topic shares) is a
percentile bootstrap over some unit (sentences, paragraphs, topic units). They all need the
same thing: for each of ``n_resamples`` resamples of ``n`` items drawn with replacement, the sum
of the items' values. :func:`sum_resamples` computes those sums a block of resamples at a time,
so memory stays near ``budget`` numbers however large the group, and the index block stays in
the processor's cache (one 2,000 × 15,000 draw at once is several times slower). With several
columns, a block's draws become a sparse matrix of how often each resample drew each row; the
sums are its product with the values: sparse when the values are whole numbers (exact in any
order), else dense, so float sums keep one summation order whatever the values.
"""

from __future__ import annotations

import zlib

import numpy as np

#: Numbers drawn per block of resamples (about 4 MB of int32 indices).
BLOCK_BUDGET = 1 << 20


def sum_resamples(values: np.ndarray, *, n_resamples: int, rng: np.random.Generator,
                  budget: int = BLOCK_BUDGET) -> np.ndarray:
    """Sums of ``values`` over ``n_resamples`` bootstrap resamples of its rows.

    Parameters
    ----------
    values
        One row per item: shape ``(n,)`` or ``(n, columns)``; ``n`` must be at least 1.
    n_resamples
        Number of resamples; each draws ``n`` rows with replacement, uniformly.
    rng
        The seeded generator that draws them (deterministic for a given seed).
    budget
        Indices drawn per block of resamples.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_resamples,)`` or ``(n_resamples, columns)``: row ``r`` is the sum of the
        rows drawn by resample ``r``.

    Examples
    --------
    >>> sums = sum_resamples(np.array([2.0, 2.0]), n_resamples=3, rng=np.random.default_rng(0))
    >>> sums.tolist()
    [4.0, 4.0, 4.0]
    """
    values = np.asarray(values, dtype=float)
    n = len(values)
    if n == 0:
        raise ValueError("cannot resample an empty group")
    dtype = np.int32 if n < 2**31 else np.int64
    out = np.empty((n_resamples, *values.shape[1:]))
    block = max(1, budget // n)
    whole = values.ndim > 1 and _sums_are_exact(values)
    for start in range(0, n_resamples, block):
        stop = min(n_resamples, start + block)
        draws = rng.integers(0, n, size=(stop - start, n), dtype=dtype)
        if values.ndim == 1:
            out[start:stop] = values[draws].sum(axis=1)
            continue
        # How often each resample drew each row (repeats add up), then one matrix product.
        from scipy import sparse  # (here: the report's first step imports this module only to
        # score new articles, and scipy.sparse costs it 0.12 s)

        drawn = sparse.csr_matrix((np.ones(draws.size), draws.ravel(),
                                   np.arange(0, draws.size + 1, n)), shape=(stop - start, n))
        out[start:stop] = drawn @ values if whole else drawn.toarray() @ values
    return out


def group_generator(seed: int, group: str) -> np.random.Generator:
    """The generator of one group's resamples, seeded by ``seed`` and the group's name.

    Each group (an outlet) has its own stream, so its interval depends on its own values
    only: adding articles of one outlet leaves the other outlets' intervals as they were
    (and lets :mod:`helpers.interval_memo` keep them).

    Examples
    --------
    >>> a = group_generator(0, "CBC News").integers(0, 100, 3)
    >>> bool((a == group_generator(0, "CBC News").integers(0, 100, 3)).all())
    True
    """
    return np.random.default_rng([int(seed), zlib.crc32(str(group).encode("utf-8"))])


def _sums_are_exact(values: np.ndarray) -> bool:
    """Whether every sum of ``len(values)`` rows is exact in float64 in any order: the values
    are whole numbers and no such sum can reach 2**53."""
    if not np.isfinite(values).all() or not np.array_equal(values, np.round(values)):
        return False
    return float(np.abs(values).max(initial=0.0)) * len(values) < 2.0**53
