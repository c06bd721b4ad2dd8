"""Integer codes for the values of large table columns, and ranks within groups.

pandas groups a table by hashing every value of every key column, which takes a few tenths of a
second per column of a million strings. Two shortcuts give the same groups faster:

- a column whose equal values come in long runs (a per-article table's ``article_id`` and
  ``outlet``, a match table's ``outlet_a``) is coded by hashing one value per run
  (:func:`code_values`);
- a categorical column (a match table's articles, outlets, texts and kinds) is coded from its
  integer codes, without looking at its values;
- a row's rank among the earlier rows of its group (pandas' ``cumcount``) comes from a stable
  radix sort of 16-bit group numbers (:func:`count_earlier`).

Group numbers of several key columns come from their codes (:func:`combine_codes`).

A notebook passes one sentences table to several helpers that each number its distinct texts
(alignment, distinctive terms, actors, facts): :func:`code_texts` does it once per table.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from helpers.cache import remember_last

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
    >>> code_values(pd.Series(["b", "b", None, "a"], dtype="category")).tolist()
    [0, 0, -1, 1]
    """
    if isinstance(column.dtype, pd.CategoricalDtype) and (
            not sort or column.cat.categories.is_monotonic_increasing):
        # Equal codes are equal values (categories are distinct); -1 is a missing value. Sorted
        # categories sort as the values do.
        values = column.cat.codes.to_numpy()
    else:
        values = column.to_numpy(dtype=object)
    if len(values) > 1:
        try:
            change = np.asarray(values[1:] != values[:-1], dtype=bool)
        except (TypeError, ValueError):  # pd.NA or values that do not compare
            change = None
        if change is not None and int(change.sum()) * RUN_ROWS < len(values):
            starts = np.flatnonzero(np.concatenate([[True], change]))
            heads = _factorized(values[starts], sort)
            return np.repeat(heads, np.diff(np.append(starts, len(values))))
    return _factorized(values, sort)


def _factorized(values: np.ndarray, sort: bool) -> np.ndarray:
    """:func:`pandas.factorize` codes (int64) of an object array, or of categorical codes (an
    integer array, -1 for a missing value, which keeps code -1 as the values' factorize gives
    it)."""
    codes, uniques = pd.factorize(values, sort=sort)
    codes = codes.astype(np.int64, copy=False)
    if values.dtype.kind in "iu":
        missing = np.flatnonzero(np.asarray(uniques) < 0)
        if len(missing):  # code -1 was numbered as a value: number the others without it
            codes = np.where(codes == missing[0], -1, codes - (codes > missing[0]))
    return codes


def starts_of_runs(values: np.ndarray) -> np.ndarray:
    """Boolean mask of the first element of each run of equal values.

    Examples
    --------
    >>> starts_of_runs(np.array([3, 3, 1, 1, 3])).tolist()
    [True, False, True, False, True]
    """
    return np.concatenate([[True], values[1:] != values[:-1]]) if len(values) else \
        np.zeros(0, dtype=bool)


def combine_codes(*codes: np.ndarray) -> np.ndarray:
    """Dense group numbers of rows by several columns' codes (:func:`code_values`), in order
    of first appearance; -1 for a row with a missing value (code -1) in any column.

    Examples
    --------
    >>> combine_codes(np.array([0, 0, 1, 1]), np.array([2, 0, 2, -1])).tolist()
    [0, 1, 2, -1]
    """
    group = np.zeros(len(codes[0]) if codes else 0, dtype=np.int64)
    for column in codes:
        group = np.where((group < 0) | (column < 0), -1,
                         pd.factorize(group * (int(column.max(initial=0)) + 1) + column)[0])
    return group


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
    starts = np.flatnonzero(starts_of_runs(shifted[order]))
    rank = np.empty(len(shifted), dtype=np.int64)
    rank[order] = np.arange(len(shifted)) - np.repeat(starts, np.diff(np.append(starts,
                                                                                len(shifted))))
    return rank


#: Rows scanned at a time by :func:`first_rows`.
FIRST_ROWS_CHUNK = 65536
#: :func:`first_rows` counts groups in one array when their key columns' codes span at most
#: this many combinations (else through :func:`combine_codes` and :func:`count_earlier`).
FIRST_ROWS_SPAN = 1 << 20


def first_rows(codes: list[np.ndarray], n: int, *, rows: int) -> np.ndarray:
    """Which of ``rows`` rows are among the first ``n`` of their group (rows with equal codes
    in every column of ``codes``; a row with a code -1 belongs to none; without columns, all
    rows are one group): ``(group >= 0) & (count_earlier(group) < n)`` for ``group =
    combine_codes(*codes)``.

    When the codes span few combinations (e.g. pairs of outlets), each group's size is counted
    once and the rows are scanned :data:`FIRST_ROWS_CHUNK` at a time until every group has its
    ``min(size, n)`` rows: the first rows of millions rarely need more than the first chunks.

    Examples
    --------
    >>> first_rows([np.array([0, 1, 0, 0, -1, 1])], 2, rows=6).tolist()
    [True, True, True, False, False, True]
    """
    if not codes:
        return np.arange(rows) < n
    span = 1
    for column in codes:
        span *= int(column.max(initial=0)) + 1
    if span > FIRST_ROWS_SPAN:
        group = combine_codes(*codes)
        return (group >= 0) & (count_earlier(group) < n)
    key = np.zeros(rows, dtype=np.int64)
    missing = np.zeros(rows, dtype=bool)
    for column in codes:
        key *= int(column.max(initial=0)) + 1
        key += column
        missing |= column < 0
    key[missing] = span  # one more bin: rows in no group
    need = np.minimum(np.bincount(key, minlength=span + 1)[:span], n)
    taken = np.zeros(span + 1, dtype=np.int64)
    mask = np.zeros(rows, dtype=bool)
    for start in range(0, rows, FIRST_ROWS_CHUNK):
        part = key[start:start + FIRST_ROWS_CHUNK]
        mask[start:start + len(part)] = (part < span) & (count_earlier(part) + taken[part] < n)
        taken += np.bincount(part, minlength=span + 1)
        if (taken[:span] >= need).all():
            break
    return mask


class DistinctTexts(NamedTuple):
    """A text column's distinct values and each row's code (see :func:`code_texts`)."""

    codes: np.ndarray
    texts: pd.Index
    complete: bool


def code_texts(table: pd.DataFrame, column: str = "text") -> DistinctTexts:
    """``pandas.factorize(table[column].astype(str))``: each row's code into the distinct texts
    (in order of first appearance), and those texts; ``complete`` when no value is missing
    (``astype(str)`` then changes no value, and the codes are also those of the column itself,
    of ``fillna("")`` and of ``str`` of each value; a missing value may be coded -1).

    Remembered for the last table (:func:`helpers.cache.remember_last`: the same object, as a
    notebook passes ``corpus.sentences`` to each helper), so the helpers that number the
    sentences' texts factorise them once (0.1 s each for 260,000 sentences). Do not modify
    the arrays.
    """
    def compute() -> DistinctTexts:
        values = table[column]
        codes, texts = pd.factorize(values.astype(str))
        return DistinctTexts(codes, texts, not bool(values.isna().any()))

    return remember_last(f"text codes: {column}", (table,), compute)
