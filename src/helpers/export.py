"""Write analysis tables as CSV for the report (``DIR/tables/``)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd


def write_table(table: pd.DataFrame, name: str, *,
                tables_dir: str | os.PathLike[str] | None) -> Path | None:
    """Write ``table`` to ``tables_dir/name.csv`` (UTF-8, no index) when a folder is given.

    Parameters
    ----------
    table
        The tidy table to write.
    name
        File stem, e.g. ``"actors"`` for ``actors.csv``. Must be a plain name, not a path.
    tables_dir
        Destination folder; ``None`` or ``""`` writes nothing (interactive use).

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
    path = folder / f"{name}.csv"
    table.to_csv(path, index=False, encoding="utf-8")
    return path
