"""Cache entries under ``data/processed/``: one JSON file per item, written atomically.

A writer (a worker process, or several reports at once) writes to a private temporary file and
renames it into place, so a reader never sees a half-written entry.

Snapshots (:func:`write_snapshot`) hold a whole joined table of a collection so that the next
run reads one file instead of thousands of entries. They are pickles: Python's own format for
data frames, read back only from the kit's own cache folder (the same trust as the kit's code;
article text inside them is data). A snapshot that cannot be read is ignored and rebuilt. Text
columns are stored as integer codes into their distinct values: pickling hundreds of thousands
of strings one by one took seconds, and outlets, actors and wire sentences repeat.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
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


_FRAME = "__framekit_frame__"


def write_snapshot(path: Path, data: dict) -> None:
    """Write ``data`` (a dict of data frames, dicts, ...) as a pickle to ``path`` atomically;
    data frames at the top level are packed (see the module doc)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    packed = {key: _pack_frame(value) if isinstance(value, pd.DataFrame) else value
              for key, value in data.items()}
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(packed, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def read_snapshot(path: Path) -> dict | None:
    """Read a snapshot written by :func:`write_snapshot`; ``None`` when missing or unreadable."""
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)  # noqa: S301 (the kit's own cache; see the module doc)
        if not isinstance(data, dict):
            return None
        return {key: _unpack_frame(value) if isinstance(value, dict) and _FRAME in value
                else value for key, value in data.items()}
    except Exception:  # noqa: BLE001 (a truncated or foreign file is rebuilt, whatever it raises)
        return None


def _pack_frame(frame: pd.DataFrame) -> dict:
    """A data frame as columns; text columns (string dtype, or object dtype holding only
    strings and None) as integer codes into their distinct values (``pandas.factorize``)."""
    columns = {}
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        text = isinstance(values.dtype, pd.StringDtype)
        if values.dtype == object:
            missing = values.isna().to_numpy()
            text = all(type(v) is str for v in values.to_numpy()[~missing]) and all(
                v is None for v in values.to_numpy()[missing])
        if text:
            codes, uniques = pd.factorize(values)
            dtype = np.int32 if len(uniques) < 2**31 - 1 else np.int64
            columns[position] = ("codes", codes.astype(dtype),
                                 np.asarray(uniques, dtype=object), values.dtype)
        else:
            columns[position] = ("values", values.array, values.dtype)
    plain = (isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0
             and frame.index.step == 1)
    return {_FRAME: 1, "names": list(frame.columns), "rows": len(frame), "columns": columns,
            "index": None if plain else frame.index}


def _unpack_frame(packed: dict) -> pd.DataFrame:
    rows = packed["rows"]
    index = packed["index"] if packed["index"] is not None else pd.RangeIndex(rows)
    data = {}
    for position, column in packed["columns"].items():
        if column[0] == "codes":
            _, codes, uniques, dtype = column
            values = np.append(uniques, [None])[codes]  # code -1 (missing) takes the None
        else:
            _, values, dtype = column
        data[position] = pd.Series(values, dtype=dtype, index=index, copy=False)
    frame = pd.DataFrame({position: data[position] for position in range(len(packed["names"]))},
                         index=index)
    frame.columns = packed["names"]
    return frame


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
