"""Write analysis tables as CSV for the report (``DIR/tables/``).

A table of more than :data:`COMPRESS_ROWS` rows (sentence pairs, keywords in context on large
collections) is written gzip-compressed as ``name.csv.gz``: the same CSV, which pandas, R and
spreadsheet importers read directly, at a fraction of the size (wire copy repeats a lot).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

#: Tables with more rows than this are written as ``name.csv.gz``.
COMPRESS_ROWS = 100_000

def write_table(table: pd.DataFrame, name: str, *,
                tables_dir: str | os.PathLike[str] | None,
                max_rows: int | None = None) -> Path | None:
    """Write ``table`` to ``tables_dir/name.csv`` (UTF-8, no index) when a folder is given
    (``name.csv.gz``, gzip-compressed, above :data:`COMPRESS_ROWS` rows).

    Parameters
    ----------
    table
        The tidy table to write.
    name
        File stem, e.g. ``"actors"`` for ``actors.csv``. Must be a plain name, not a path.
    tables_dir
        Destination folder; ``None`` or ``""`` writes nothing (interactive use).
    max_rows
        A table with more rows is not written (the caller says so and offers a summary
        table instead, e.g. millions of sentence pairs on a large collection).

    Returns
    -------
    Path or None
        The written file, or ``None`` when nothing was written.
    """
    if not tables_dir:
        return None
    if Path(name).name != name or name in {"", ".", ".."}:
        raise ValueError(f"table name must be a plain file stem, got {name!r}")
    folder = Path(tables_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in (folder / f"{name}.csv", folder / f"{name}.csv.gz"):
        stale.unlink(missing_ok=True)  # one file per table, even when its size class changed
    if max_rows is not None and len(table) > max_rows:
        return None
    if len(table) > COMPRESS_ROWS:
        path = folder / f"{name}.csv.gz"
        table.to_csv(path, index=False, encoding="utf-8",
                     compression={"method": "gzip", "compresslevel": 1, "mtime": 0})
    else:
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8")
    return path
