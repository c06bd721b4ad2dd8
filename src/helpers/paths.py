"""Every path the kit uses, derived from the repository root (never from the working directory).

Override the root with the ``FRAMEKIT_ROOT`` environment variable (used by tests and by the
report command so that an executed notebook finds the same folders as its caller).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Repository root: two levels above ``src/helpers``.
ROOT: Path = Path(os.environ.get("FRAMEKIT_ROOT", Path(__file__).resolve().parents[2])).resolve()
DATA_RAW: Path = ROOT / "data" / "raw"
DATA_PROCESSED: Path = ROOT / "data" / "processed"
REPORTS: Path = ROOT / "reports"
NOTEBOOKS: Path = ROOT / "notebooks"
#: Lexicons (actors, frames, attribution verbs) shipped with the package.
LEXICONS: Path = Path(__file__).resolve().parent / "lexicons"
#: The default collection: the five seed articles about the Putin–Xi summit.
DEFAULT_COLLECTION = "putin-xi-2022"


def resolve_collection(collection: str | os.PathLike[str]) -> Path:
    """Return the folder of a collection.

    Parameters
    ----------
    collection
        Either the name of a folder under ``data/raw/`` or a path to any folder.

    Returns
    -------
    Path
        The absolute folder. It is not checked for existence here.
    """
    path = Path(collection).expanduser()
    if path.is_absolute() or path.exists():
        return path.resolve()
    return (DATA_RAW / str(collection)).resolve()


def cache_dir(collection_dir: Path) -> Path:
    """Return the cache folder under ``data/processed/`` for a collection folder."""
    collection_dir = Path(collection_dir).resolve()
    try:
        name = str(collection_dir.relative_to(DATA_RAW))
    except ValueError:
        import hashlib

        digest = hashlib.sha1(str(collection_dir).encode("utf-8")).hexdigest()[:10]
        name = f"external-{collection_dir.name}-{digest}"
    return DATA_PROCESSED / name


def memo_file(collection: str | os.PathLike[str], name: str) -> Path:
    """Return the file where a step keeps work between runs of a collection
    (``memos/<name>.npz`` in its cache folder), e.g. the alignment's scored pairs.

    Parameters
    ----------
    collection
        A folder name under ``data/raw/`` or a path to a folder of articles.
    name
        The step: a plain identifier.
    """
    if not name.isidentifier():
        raise ValueError(f"a memo name must be a plain identifier, got {name!r}")
    return cache_dir(resolve_collection(collection)) / "memos" / f"{name}.npz"
