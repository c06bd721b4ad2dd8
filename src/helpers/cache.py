"""Cache entries under ``data/processed/``: one JSON file per item, written atomically.

A writer (a worker process, or several reports at once) writes to a private temporary file and
renames it into place, so a reader never sees a half-written entry.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_cache_entry(path: Path, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` atomically (parent folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    tmp.replace(path)
