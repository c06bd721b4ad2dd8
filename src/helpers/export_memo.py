"""Memo of :func:`helpers.export.write_table` between runs (its ``memo=`` file).

A table above :data:`helpers.export.COMPRESS_ROWS` rows is written gzip-compressed, and
formatting and compressing it takes seconds, although a rerun after a few articles were added
writes almost the same rows again. With a memo the table is cut into blocks, each written as
its own gzip member: a gzip file may hold several members, read as one stream by ``gzip``,
``zcat``, Python's :mod:`gzip` and pandas (RFC 1952, section 2.2). The memo keeps every block's
member under a digest of the block's values; a block whose digest is there reuses its member and
only the others are formatted and compressed. The decompressed text is the one the writer
produces without a memo (the compressed bytes differ: one member per block).

Blocks
    A table with an ``article_id`` column (else an ``article_a`` column: a table of article
    pairs) is cut between runs of equal ``article_id``: a block starts at a run whose
    ``article_id`` hashes (:func:`pandas.util.hash_array`) to 0 modulo
    ``K``, the power of two that gives blocks of about :data:`BLOCK_ROWS` rows. Where blocks
    start depends only on the articles there, so adding, removing or changing an article
    changes only the block where it falls (two when it starts one): content-defined
    chunking. Other tables are cut every :data:`BLOCK_ROWS` rows: rows appended at the end
    leave the earlier blocks as they were, a row inserted before them changes every later one.

Digest
    SHA-1 of the block's row count, of each text column's values joined by NUL (a missing
    value as the empty text it is written as) and of the raw bytes of its number and bool
    columns. A block with a value that is neither text nor missing gets no digest and is
    always formatted. Joining is ambiguous when a text holds NUL, so a block enters the memo
    only when its texts hold none (checked when its digest is not in the memo); a block whose
    digest is in the memo then has the same joined text, with exactly as many NULs as the joins
    put in, so its texts hold none either and its values are those of the stored block (no
    need to check again, which would take a tenth of a second on large tables).

The file is a snapshot (:func:`helpers.cache.write_snapshot`: ``.npz`` read without pickle,
written atomically) of the current blocks only, so it never grows beyond one table. It carries
a fingerprint: :data:`MEMO_VERSION`, the column names and dtypes, the compression level,
:data:`BLOCK_ROWS`, the Python, NumPy and pandas versions (number formatting and csv quoting
follow them) and a digest of the source of :data:`CODE_MODULES`. A memo that is missing,
unreadable, inconsistent or of another fingerprint is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import platform
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.cache import read_snapshot, write_memo
from helpers.reuse import digest_sources

#: Version of the memo's layout and meaning; bump it when either changes.
MEMO_VERSION = 1
#: The modules (files beside this one) whose code formats and cuts the memoised blocks.
CODE_MODULES: tuple[str, ...] = ("export.py", "export_memo.py")
#: Rows a block holds, on average.
BLOCK_ROWS = 1024
#: The columns whose runs (one article's rows) are never cut: the first the table has (a table
#: of article pairs, sorted by its first article, is cut between runs of ``article_a``).
KEY_COLUMNS: tuple[str, ...] = ("article_id", "article_a")

_SEPARATOR = "\x00"  # between the text values of a block, in its digest
_SEPARATOR_BYTES = _SEPARATOR.encode("ascii")
_GZIP_MAGIC = b"\x1f\x8b"

# Read when the kit is imported, so the digest describes the code that runs (not a later edit).
_CODE_DIGEST = digest_sources(*CODE_MODULES)


def fingerprint(table: pd.DataFrame, *, compresslevel: int) -> dict:
    """What a memo must have been written with to serve ``table`` (see the module docstring)."""
    return {"version": MEMO_VERSION, "columns": [str(name) for name in table.columns],
            "dtypes": [str(dtype) for dtype in table.dtypes], "compresslevel": compresslevel,
            "block_rows": BLOCK_ROWS, "python": platform.python_version(),
            "numpy": np.__version__, "pandas": pd.__version__, "code": _CODE_DIGEST}


def cut_blocks(table: pd.DataFrame) -> np.ndarray:
    """Where the blocks of ``table`` start (see the module docstring).

    Parameters
    ----------
    table
        The table to write.

    Returns
    -------
    numpy.ndarray
        Ascending row positions, the first 0 and a last one equal to ``len(table)``: block
        ``i`` is rows ``bounds[i]:bounds[i + 1]``. Just ``[0]`` for an empty table.
    """
    rows = len(table)
    names = list(table.columns)
    key = next((name for name in KEY_COLUMNS if name in names), None)
    if key is None or names.count(key) != 1 or rows == 0:
        return np.append(np.arange(0, rows, BLOCK_ROWS), rows)
    keys = table[key].to_numpy(dtype=object, na_value=None)
    try:
        runs = np.flatnonzero(np.append(True, keys[1:] != keys[:-1]))
        hashes = pd.util.hash_array(keys[runs])
    except TypeError:  # ids that are not comparable or hashable values
        return np.append(np.arange(0, rows, BLOCK_ROWS), rows)
    spread = 2 ** max(0, int(round(np.log2(BLOCK_ROWS * len(runs) / rows))))
    starts = runs[(hashes % np.uint64(spread) == 0) | (runs == 0)]
    return np.append(starts, rows)


def _as_written(values: list) -> list[str] | None:
    """Text values with missing ones as ``""``; ``None`` when one is neither."""
    texts = []
    for value in values:
        if type(value) is str:
            texts.append(value)
        elif value is None or value is pd.NA or (isinstance(value, float) and value != value):
            texts.append("")
        else:
            return None
    return texts


def _join_texts(values: list) -> str | None:
    """``values`` (as written) joined by the separator; ``None`` when one is not text."""
    try:
        return _SEPARATOR.join(values)
    except TypeError:  # missing values or other objects
        texts = _as_written(values)
        return None if texts is None else _SEPARATOR.join(texts)


def digest_blocks(table: pd.DataFrame, bounds: np.ndarray, *,
                  known: Collection[str] = ()) -> list[str | None]:
    """The digest of each block of ``table`` (see the module docstring).

    Parameters
    ----------
    table
        The table to write.
    bounds
        Block starts and the end, from :func:`cut_blocks`.
    known
        Digests of the memo: a block with one of them is not checked for NUL in its texts.

    Returns
    -------
    list of str or None
        Hex digest of each block; ``None`` for a block that cannot be digested exactly.
    """
    texts, numbers = [], []
    for position in range(table.shape[1]):
        column = table.iloc[:, position]
        if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biuf":
            values = np.ascontiguousarray(column.to_numpy())
            numbers.append((values.view(np.uint8), values.itemsize))
        else:
            texts.append(column.to_numpy(dtype=object).tolist())
    digests: list[str | None] = []
    for start, stop in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        digest = hashlib.sha1(int(stop - start).to_bytes(8, "little"), usedforsecurity=False)
        joined = [_join_texts(values[start:stop]) for values in texts]
        if None in joined:
            digests.append(None)
            continue
        for text in joined:
            digest.update(text.encode("utf-8", "surrogatepass"))
            digest.update(_SEPARATOR_BYTES)
        for raw, size in numbers:
            digest.update(raw[start * size:stop * size])
        hexdigest = digest.hexdigest()
        if hexdigest not in known and any(text.count(_SEPARATOR) != stop - start - 1
                                          for text in joined):
            hexdigest = None
        digests.append(hexdigest)
    return digests


class TableMemo:
    """The memo file of one table.

    Reads the file when created (nothing when it does not fit ``expected``), answers which
    compressed member it holds for a digest, and :meth:`save` writes the members of the
    current blocks, unless that is what the file holds.

    Parameters
    ----------
    path
        The memo file.
    expected
        The table's :func:`fingerprint`.
    """

    def __init__(self, path: str | os.PathLike[str], expected: dict) -> None:
        self.path = Path(path)
        self.fingerprint = expected
        self.members: dict[str, memoryview] = _read_members(self.path, expected)

    def member(self, digest: str | None) -> memoryview | None:
        """The stored gzip member of the block with ``digest``; None when unknown."""
        return None if digest is None else self.members.get(digest)

    def save(self, digests: list[str | None], members: list[bytes | memoryview]) -> None:
        """Write the member of each block that has a digest (each digest once).

        Nothing is written when the file holds exactly these blocks. A file that cannot be
        written is reported with a warning: the table itself is complete.
        """
        kept = dict(zip(digests, members, strict=True))
        kept.pop(None, None)
        if self.fingerprint["code"] is None or (
                kept.keys() == self.members.keys()
                and all(member is self.members[digest] for digest, member in kept.items())):
            return
        sizes = np.fromiter(map(len, kept.values()), dtype=np.int64, count=len(kept))
        data = {
            "fingerprint": self.fingerprint,
            "blocks": pd.DataFrame({"digest": pd.Series(list(kept), dtype=object),
                                    "size": sizes}),
            "members": pd.DataFrame({"byte": np.frombuffer(b"".join(kept.values()),
                                                           dtype=np.uint8)}),
        }
        write_memo(self.path, data, what="table")


def _read_members(path: Path, expected: dict) -> dict[str, memoryview]:
    """Digest -> gzip member of a memo file; empty when missing, unreadable, inconsistent or
    not ``expected``."""
    data = read_snapshot(path)
    if data is None or data.get("fingerprint") != expected or expected["code"] is None:
        return {}
    try:
        digests = data["blocks"]["digest"].tolist()
        sizes = data["blocks"]["size"].to_numpy(np.int64)
        stored = memoryview(data["members"]["byte"].to_numpy(np.uint8)).cast("B")
    except (KeyError, TypeError, ValueError):
        return {}
    ends = np.cumsum(sizes)
    if (len(set(digests)) != len(digests) or not all(type(d) is str for d in digests)
            or (sizes < 20).any() or int(sizes.sum()) != len(stored)):
        return {}
    members = {digest: stored[end - size:end]
               for digest, size, end in zip(digests, sizes.tolist(), ends.tolist(), strict=True)}
    if not all(member[:2] == _GZIP_MAGIC for member in members.values()):
        return {}
    return members
