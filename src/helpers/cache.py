"""Cache entries under ``data/processed/``: one JSON file per item, written atomically.

A writer (a worker process, or several reports at once) writes to a private temporary file and
renames it into place, so a reader never sees a half-written entry.

Snapshots (:func:`write_snapshot`) hold a whole joined table of a collection so that the next
run reads one file instead of thousands of entries. A snapshot is a NumPy ``.npz`` archive read
with ``allow_pickle=False`` and JSON: loading one never runs code, whoever wrote the file
(no pickle). Number columns are NumPy arrays; text columns are integer codes into their distinct
values, stored once (outlets, actors and wire sentences repeat, and building hundreds of
thousands of strings one by one took seconds); other columns are JSON. A snapshot that cannot
be read is ignored and rebuilt.

A table rewritten from the rows of the snapshot it was read from plus a few new rows need not
find its distinct values again: :func:`read_snapshot_with_codes` also gives each text column's
codes and distinct values (:class:`TextCodes`), and :func:`write_snapshot` takes the codes of
the new table's columns and stores them as they are (distinct values no longer used are
dropped); it finds them again itself whenever those codes do not fit the column.

Two rules shared by the snapshots and memos: a run rewrites one only when it differs by more
than :data:`REWRITE_SHARE` from what the run used (:func:`worth_rewriting`); and, within one
process, :func:`remember_last` keeps the last result a step derived from the very same tables.
"""

from __future__ import annotations

import gc
import json
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd


def write_cache_entry(path: Path, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` atomically (parent folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    tmp.replace(path)


def read_cache_entry(path: Path) -> dict | None:
    """Read a cache entry; ``None`` when it is missing or corrupt (it is then computed again)."""
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


_TEXT_SEPARATOR = "\x00"  # between the distinct values of a text column


@dataclass(frozen=True)
class TextCodes:
    """A text column as integer codes into its distinct values.

    Attributes
    ----------
    codes
        One code per row: the position of the row's value in ``uniques``; -1 for a missing
        value.
    uniques
        The distinct values (each a ``str``).
    dtype
        The column's dtype (``str(series.dtype)``) the codes describe.
    """

    codes: np.ndarray
    uniques: list[str]
    dtype: str


def carry_text_codes(stored: dict[str, TextCodes], keep: np.ndarray,
                     new_parts: list[pd.DataFrame]) -> dict[str, TextCodes]:
    """The codes of a table's text columns made of some rows of a snapshot's table and new
    rows, from the snapshot's codes, for its rows before they are put in order (kept rows,
    then new ones; see :func:`reorder_text_codes`).

    Parameters
    ----------
    stored
        The snapshot table's text columns (:func:`read_snapshot_with_codes`).
    keep
        Which of the snapshot's rows the table kept.
    new_parts
        The tables of the new rows, in the order concatenated after the kept rows.

    Returns
    -------
    dict
        Column name → :class:`TextCodes` (the dtype that of the snapshot's column, so that
        :func:`write_snapshot` ignores codes of a column whose dtype changed). A column is
        left out when a new part lacks it or a new value is neither text nor missing; the
        snapshot's distinct values come first, then the new rows' values not among them.
    """
    carried = {}
    every = bool(keep.all())  # (no row to drop)
    for column, given in stored.items():
        new = [part[column] for part in new_parts if len(part) and column in part]
        if len(new) != sum(1 for part in new_parts if len(part)):
            continue
        values = np.concatenate([part.to_numpy(dtype=object) for part in new]) if new \
            else np.array([], dtype=object)
        codes, uniques = pd.factorize(values)  # missing values: -1
        uniques = list(uniques)
        if not all(type(v) is str for v in uniques):
            continue
        known = pd.Index(np.array(given.uniques, dtype=object), dtype=object)
        position = known.get_indexer(uniques) if uniques else np.array([], dtype=np.intp)
        added = [v for v, p in zip(uniques, position, strict=True) if p < 0]
        position[position < 0] = np.arange(len(given.uniques), len(given.uniques) + len(added))
        codes = np.append(position, -1)[codes]
        kept = given.codes if every else given.codes[keep]
        uniques = [*given.uniques, *added]
        carried[column] = TextCodes(  # (int32 as stored: half the memory to fill)
            np.concatenate([kept, codes], dtype=code_dtype(len(uniques)), casting="same_kind"),
            uniques, given.dtype)
    return carried


def reorder_text_codes(codes: dict[str, TextCodes], order: np.ndarray) -> dict[str, TextCodes]:
    """Codes of rows put in ``order`` (each row's position before)."""
    if np.array_equal(order, np.arange(len(order))):  # nothing moved
        return codes
    return {column: TextCodes(given.codes[order], given.uniques, given.dtype)
            for column, given in codes.items()}


def code_dtype(count: int) -> type:
    """The integer type of codes into ``count`` distinct values (as a snapshot stores them)."""
    return np.int32 if count < 2**31 - 1 else np.int64


def write_snapshot(path: Path, data: dict, *,
                   text_codes: dict[str, dict[str, TextCodes]] | None = None) -> bool:
    """Write ``data`` to ``path`` atomically as a snapshot (``.npz``: see the module doc).

    ``data`` maps names to JSON values or data frames with the default ``RangeIndex``. Returns
    False, writing nothing, when something cannot be stored that way (another index, a value
    JSON cannot hold): the tables are then joined from the entries next time.

    ``text_codes`` (frame name → column name → :class:`TextCodes`) gives the codes of text
    columns, which are then not found again: the caller vouches that each code is its row's
    value (-1 a missing one). Codes of another length or dtype than the column, or distinct
    values a text column cannot hold, are ignored (the column is then encoded as without
    them); the file reads back the same frames either way.
    """
    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"json": {}, "frames": {}}
    text_codes = text_codes or {}
    try:
        for name, value in data.items():
            if isinstance(value, pd.DataFrame):
                meta["frames"][name] = _pack_frame(value, f"{name}/", arrays,
                                                   text_codes.get(name))
            else:
                meta["json"][name] = value
        arrays["__meta__"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    except (TypeError, ValueError):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:  # a file object: savez adds no ".npz" to the name
        np.savez(handle, **arrays)
    tmp.replace(path)
    return True


#: A snapshot or memo that lacks at most this share of what a run used (new, changed or removed
#: items) is not rewritten by that run: the next run works out those few items again, which
#: costs far less than rewriting a file of hundreds of thousands of rows after every few
#: articles added. Past this share it is rewritten (:func:`worth_rewriting`).
REWRITE_SHARE = 0.02


def worth_rewriting(*, used: int, stored: int, common: int) -> bool:
    """Whether a run rewrites a snapshot or memo: when the items the file lacks (new or changed
    ones) and those it holds in excess (removed or changed ones) together are more than
    :data:`REWRITE_SHARE` of the items the run used (any, when it used none).

    Parameters
    ----------
    used
        Items the run used (distinct: articles, texts, pairs, blocks).
    stored
        Items the file holds.
    common
        Items both have.
    """
    missing = max(used - common, 0) + max(stored - common, 0)
    return missing > 0 and missing > REWRITE_SHARE * used


def write_memo(path: Path, data: dict, *, what: str) -> None:
    """Write a memo (a snapshot of work kept for the next run, :func:`write_snapshot`); one
    that cannot be written is reported with a ``RuntimeWarning`` naming ``what`` memo it is:
    the call that made it is complete, the next run only does the work again."""
    try:
        write_snapshot(path, data)
    except OSError as error:
        warnings.warn(f"{what} memo not written to {path}: {error}", RuntimeWarning,
                      stacklevel=4)


def read_snapshot(path: Path) -> dict | None:
    """Read a snapshot written by :func:`write_snapshot`; ``None`` when missing or unreadable."""
    read = read_snapshot_with_codes(path)
    return None if read is None else read[0]


def read_snapshot_with_codes(path: Path
                             ) -> tuple[dict, dict[str, dict[str, TextCodes]]] | None:
    """Read a snapshot as :func:`read_snapshot` does, with the codes of its text columns.

    Returns
    -------
    tuple or None
        The snapshot's data, and frame name → column name → :class:`TextCodes` of each text
        column (what :func:`write_snapshot` takes back); ``None`` when missing or unreadable.
    """
    try:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(archive["__meta__"].tobytes().decode("utf-8"))
            data = dict(meta["json"])
            codes: dict[str, dict[str, TextCodes]] = {}
            for name, frame in meta["frames"].items():
                codes[name] = {}
                data[name] = _unpack_frame(frame, archive, codes[name])
        return data, codes
    except Exception:  # noqa: BLE001 (a truncated or foreign file is rebuilt, whatever it raises)
        return None


def _pack_frame(frame: pd.DataFrame, prefix: str, arrays: dict[str, np.ndarray],
                text_codes: dict[str, TextCodes] | None = None) -> dict:
    """Put a frame's columns into ``arrays`` (keys starting with ``prefix``); return its layout.

    A text column named in ``text_codes`` is stored with those codes when they fit it
    (:func:`_fit_codes`, :func:`_join_text`), else its distinct values are found again
    (``pd.factorize``).
    """
    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
            and frame.index.step == 1):
        raise ValueError("a snapshot holds frames with the default RangeIndex only")
    given = text_codes if text_codes and frame.columns.is_unique else {}
    columns = []
    for position in range(frame.shape[1]):
        values, key = frame.iloc[:, position], f"{prefix}{position}"
        dtype = str(values.dtype)
        if isinstance(values.dtype, np.dtype) and values.dtype.kind in "biuf":
            arrays[key] = values.to_numpy()
            columns.append({"kind": "values", "dtype": dtype})
            continue
        if isinstance(values.dtype, pd.CategoricalDtype):
            arrays[key] = values.cat.codes.to_numpy()
            columns.append({"kind": "category", "dtype": dtype,
                            "categories": values.cat.categories.tolist(),
                            "ordered": bool(values.cat.ordered)})
            continue
        fitted = _fit_codes(values, given.get(frame.columns[position]))
        stored = None if fitted is None else _join_text(values, *fitted)
        if stored is None:  # no codes given, or they do not fit: find the values again
            codes, uniques = pd.factorize(values)
            stored = _join_text(values, codes, list(uniques))
        if stored is not None:
            codes, text, count = stored
            arrays[key] = codes.astype(code_dtype(count), copy=False)
            arrays[f"{key}/uniques"] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
            columns.append({"kind": "text", "dtype": dtype, "uniques": count})
        else:
            text = json.dumps(values.tolist())  # TypeError when not JSON: not written
            arrays[key] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
            columns.append({"kind": "json", "dtype": dtype})
    return {"prefix": prefix, "names": [str(c) for c in frame.columns], "rows": len(frame),
            "columns": columns}


def _join_text(values: pd.Series, codes: np.ndarray, items: list
               ) -> tuple[np.ndarray, str, int] | None:
    """``(codes, distinct values joined by the separator, their number)`` of a column coded
    as ``codes`` into ``items``, when it is stored as text and reads back equal: every
    distinct value a ``str`` without the separator, and a missing value (code -1) read back
    as the column holds it (the missing value of a string dtype, else None); ``None`` if not.
    """
    if not set(map(type, items)) <= {str}:
        return None
    text = _TEXT_SEPARATOR.join(items)
    if text.count(_TEXT_SEPARATOR) != max(len(items) - 1, 0):  # a value holds the separator
        return None
    if not (isinstance(values.dtype, pd.StringDtype)
            or all(v is None for v in values[codes < 0])):
        return None
    return codes, text, len(items)


def _fit_codes(values: pd.Series, given: TextCodes | None) -> tuple[np.ndarray, list] | None:
    """``given``'s codes and distinct values for the column ``values``, the distinct values
    no row uses dropped (codes renumbered); ``None`` when there are none or they do not fit
    (another length or dtype, codes outside the distinct values)."""
    if given is None or given.dtype != str(values.dtype):
        return None
    codes = np.asarray(given.codes)
    if codes.ndim != 1 or codes.dtype.kind != "i" or len(codes) != len(values):
        return None
    try:
        counts = np.bincount(codes + 1, minlength=len(given.uniques) + 1)
    except ValueError:  # a code below -1
        return None
    if len(counts) > len(given.uniques) + 1:  # a code past the distinct values
        return None
    used = counts[1:] > 0
    if used.all():
        return codes, list(given.uniques)
    renumbered = np.append(np.cumsum(used) - 1, -1)  # old code -> new code; -1 (last) -> -1
    kept = np.array(given.uniques, dtype=object)[used].tolist()
    return renumbered[codes], kept


def _unpack_frame(layout: dict, archive, text_codes: dict[str, TextCodes] | None = None
                  ) -> pd.DataFrame:
    """The frame :func:`_pack_frame` stored under ``layout``: its columns are the arrays read
    (no copy, so a frame of a few million cells costs no more than reading it).

    ``text_codes``, when given, receives the :class:`TextCodes` of each text column (by
    column name)."""
    index = pd.RangeIndex(layout["rows"])
    data = {}
    for position, column in enumerate(layout["columns"]):
        key = f"{layout['prefix']}{position}"
        values = archive[key]
        if column["kind"] == "text":
            uniques = archive[f"{key}/uniques"].tobytes().decode("utf-8")
            table = uniques.split(_TEXT_SEPARATOR) if column["uniques"] else []
            if text_codes is not None:
                text_codes[layout["names"][position]] = TextCodes(values, table,
                                                                  column["dtype"])
            data[position] = _take_text(table, values, column["dtype"], index)
            continue
        if column["kind"] == "json":
            values = json.loads(values.tobytes().decode("utf-8"))
        elif column["kind"] == "category":
            values = pd.Categorical.from_codes(values, categories=column["categories"],
                                               ordered=column["ordered"])
            data[position] = pd.Series(values, index=index, copy=False)
            continue
        data[position] = pd.Series(values, dtype=column["dtype"], index=index, copy=False)
    frame = pd.DataFrame(data, index=index, copy=False)
    frame.columns = layout["names"]
    return frame


def _take_text(table: list[str], codes: np.ndarray, dtype: str, index: pd.Index) -> pd.Series:
    """The column of a text ``dtype`` whose values are ``table[code]`` (code -1: missing).

    A string dtype's array is built from the distinct values only and then indexed, so the
    values are not checked one by one again; in an ``object`` column a missing value is None.
    """
    codes = codes.astype(np.intp, copy=False)
    kind = pd.api.types.pandas_dtype(dtype)
    if isinstance(kind, pd.api.extensions.ExtensionDtype):
        values = pd.array(np.array(table, dtype=object), dtype=kind)
        return pd.Series(values.take(codes, allow_fill=True), index=index, copy=False)
    return pd.Series(np.append(np.array(table, dtype=object), [None])[codes], dtype=kind,
                     index=index, copy=False)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many small objects are built.

    Reading thousands of cache entries creates millions of dicts and lists; each automatic
    full collection would scan all of them again, which made a warm read several times slower.
    Reference counting still frees everything as usual; the collector resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


T = TypeVar("T")

#: The last result of each step of :func:`remember_last`: (its inputs, their shapes, result).
LAST_RESULTS: dict[str, tuple[tuple, tuple, object]] = {}


def remember_last(step: str, inputs: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or its result for the same ``inputs`` when the last call of ``step`` had
    them (the very same objects, of the same shapes; integers equal), within this process.

    A notebook passes the same sentences table and match table (millions of pairs) to several
    functions, which derive the same things from them (:mod:`helpers.coverage`'s usable
    sentences, match rows and copy groups; :mod:`helpers.similarity`'s content hash of the
    tables), so each is worked out once. The inputs are kept with the result (their identity
    cannot pass to another object meanwhile); a table modified in place between calls,
    keeping its shape, would be taken as the same: the kit's tables are never modified in
    place.
    """
    shapes = tuple(getattr(item, "shape", None) for item in inputs)
    last = LAST_RESULTS.get(step)
    if (last is not None and len(last[0]) == len(inputs) and last[1] == shapes
            and all(a is b or (type(a) is int and a == b)
                    for a, b in zip(last[0], inputs, strict=True))):
        return last[2]  # type: ignore[return-value]
    LAST_RESULTS.pop(step, None)  # (free the old result first)
    result = compute()
    LAST_RESULTS[step] = (inputs, shapes, result)
    return result
