"""Cache entries under ``data/processed/``: one JSON file per item, written atomically.

A writer (a worker process, or several reports at once) writes to a private temporary file and
renames it into place, so a reader never sees a half-written entry.
"""

from __future__ import annotations

import gc
import json
import os
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
