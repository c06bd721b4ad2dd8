"""Cache entries under ``data/processed/``: one JSON file per item, written atomically.

A writer (a worker process, or several reports at once) writes to a private temporary file and
renames it into place, so a reader never sees a half-written entry.

Snapshots (:func:`write_snapshot`) hold a whole joined table of a collection so that the next
run reads one file instead of thousands of entries. They are pickles: Python's own format for
data frames, read back only from the kit's own cache folder (the same trust as the kit's code;
article text inside them is data). A snapshot that cannot be read is ignored and rebuilt.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


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


def write_snapshot(path: Path, data: dict) -> None:
    """Write ``data`` (data frames, dicts) as a pickle to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as handle:
        pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def read_snapshot(path: Path) -> dict | None:
    """Read a snapshot written by :func:`write_snapshot`; ``None`` when missing or unreadable."""
    try:
        with path.open("rb") as handle:
            data = pickle.load(handle)  # noqa: S301 (the kit's own cache; see the module doc)
    except Exception:  # noqa: BLE001 (a truncated or foreign file is rebuilt, whatever it raises)
        return None
    return data if isinstance(data, dict) else None


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
