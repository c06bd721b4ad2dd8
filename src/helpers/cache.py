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
"""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def write_snapshot(path: Path, data: dict) -> bool:
    """Write ``data`` to ``path`` atomically as a snapshot (``.npz``: see the module doc).

    ``data`` maps names to JSON values or data frames with the default ``RangeIndex``. Returns
    False, writing nothing, when something cannot be stored that way (another index, a value
    JSON cannot hold): the tables are then joined from the entries next time.
    """
    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"json": {}, "frames": {}}
    try:
        for name, value in data.items():
            if isinstance(value, pd.DataFrame):
                meta["frames"][name] = _pack_frame(value, f"{name}/", arrays)
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


def read_snapshot(path: Path) -> dict | None:
    """Read a snapshot written by :func:`write_snapshot`; ``None`` when missing or unreadable."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            meta = json.loads(archive["__meta__"].tobytes().decode("utf-8"))
            data = dict(meta["json"])
            for name, frame in meta["frames"].items():
                data[name] = _unpack_frame(frame, archive)
        return data
    except Exception:  # noqa: BLE001 (a truncated or foreign file is rebuilt, whatever it raises)
        return None


def _pack_frame(frame: pd.DataFrame, prefix: str, arrays: dict[str, np.ndarray]) -> dict:
    """Put a frame's columns into ``arrays`` (keys starting with ``prefix``); return its layout."""
    if not (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
            and frame.index.step == 1):
        raise ValueError("a snapshot holds frames with the default RangeIndex only")
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
        codes, uniques = pd.factorize(values)
        items = list(uniques)
        if (all(type(v) is str for v in items) and not any(_TEXT_SEPARATOR in v for v in items)
                and (isinstance(values.dtype, pd.StringDtype)
                     or all(v is None for v in values[codes < 0]))):
            arrays[key] = codes.astype(np.int32 if len(items) < 2**31 - 1 else np.int64)
            arrays[f"{key}/uniques"] = np.frombuffer(
                _TEXT_SEPARATOR.join(items).encode("utf-8"), dtype=np.uint8)
            columns.append({"kind": "text", "dtype": dtype, "uniques": len(items)})
        else:
            text = json.dumps(values.tolist())  # TypeError when not JSON: not written
            arrays[key] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
            columns.append({"kind": "json", "dtype": dtype})
    return {"prefix": prefix, "names": [str(c) for c in frame.columns], "rows": len(frame),
            "columns": columns}


def _unpack_frame(layout: dict, archive) -> pd.DataFrame:
    """The frame :func:`_pack_frame` stored under ``layout``: its columns are the arrays read
    (no copy, so a frame of a few million cells costs no more than reading it)."""
    index = pd.RangeIndex(layout["rows"])
    data = {}
    for position, column in enumerate(layout["columns"]):
        key = f"{layout['prefix']}{position}"
        values = archive[key]
        if column["kind"] == "text":
            uniques = archive[f"{key}/uniques"].tobytes().decode("utf-8")
            table = uniques.split(_TEXT_SEPARATOR) if column["uniques"] else []
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
