"""Integer codes for the values of large table columns, and ranks within groups.

pandas groups a table by hashing every value of every key column, which takes a few tenths of a
second per column of a million strings. Two shortcuts give the same groups faster:

- a column whose equal values come in long runs (a per-article table's ``article_id`` and
  ``outlet``, a match table's ``outlet_a``) is coded by hashing one value per run
  (:func:`code_values`);
- a row's rank among the earlier rows of its group (pandas' ``cumcount``) comes from a stable
  radix sort of 16-bit group numbers (:func:`count_earlier`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: A column is coded run by run when it has fewer runs than one per this many rows.
RUN_ROWS = 16


def code_values(column: pd.Series, *, sort: bool = False) -> np.ndarray:
    """An integer per value of ``column``: equal for equal values, -1 for missing ones.

    Parameters
    ----------
    column
        The values.
    sort
        Number the distinct values in sorted order (as ``pandas.factorize(sort=True)``);
        else in order of first appearance.

    Returns
    -------
    numpy.ndarray
        The codes (int64), as :func:`pandas.factorize` gives them.

    Examples
    --------
    >>> code_values(pd.Series(["b", "b", "a", None, "b"])).tolist()
    [0, 0, 1, -1, 0]
    >>> code_values(pd.Series(["b", "b", "a"]), sort=True).tolist()
    [1, 1, 0]
    """
    values = column.to_numpy(dtype=object)
    if len(values) > 1:
        try:
            change = np.asarray(values[1:] != values[:-1], dtype=bool)
        except (TypeError, ValueError):  # pd.NA or values that do not compare
            change = None
        if change is not None and int(change.sum()) * RUN_ROWS < len(values):
            starts = np.flatnonzero(np.concatenate([[True], change]))
            heads = pd.factorize(values[starts], sort=sort)[0]
            return np.repeat(heads, np.diff(np.append(starts, len(values))))
    return pd.factorize(values, sort=sort)[0].astype(np.int64, copy=False)


def count_earlier(group: np.ndarray) -> np.ndarray:
    """How many earlier rows have the same ``group`` number (pandas' ``cumcount``).

    Parameters
    ----------
    group
        Dense group numbers from 0 up (as :func:`pandas.factorize` gives); rows numbered -1
        are counted among themselves.

    Returns
    -------
    numpy.ndarray
        One rank per row (int64), 0 for the first row of its group.

    Examples
    --------
    >>> count_earlier(np.array([0, 1, 0, 0, 1])).tolist()
    [0, 0, 1, 2, 1]
    """
    shifted = np.asarray(group, dtype=np.int64) + 1
    order = np.argsort(shifted.astype(np.uint16) if shifted.max(initial=0) < 1 << 16
                       else shifted, kind="stable")  # (a radix sort for 16-bit numbers)
    ordered = shifted[order]
    starts = np.flatnonzero(np.concatenate([[True], ordered[1:] != ordered[:-1]])) \
        if len(ordered) else np.zeros(0, dtype=np.int64)
    rank = np.empty(len(shifted), dtype=np.int64)
    rank[order] = np.arange(len(shifted)) - np.repeat(starts, np.diff(np.append(starts,
                                                                                len(shifted))))
    return rank
