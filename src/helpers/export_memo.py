"""Memo of :func:`helpers.export.write_table` between runs (its ``memo=`` file).

Formatting a large table as CSV takes from a tenth of a second to seconds (numbers are
formatted one by one), although a rerun after a few articles were added writes almost the same
rows again. With a memo the table is cut into blocks and the memo keeps what each block was
written as, under a digest of the block's values; a block whose digest is there reuses it and
only the others are formatted.

A plain CSV (up to :data:`helpers.export.COMPRESS_ROWS` rows) is the header line followed by
the text of each block (its lines, each terminated, in UTF-8): the same bytes as the writer
writes without a memo, since it writes one line per row and nothing else. A compressed table
(``.csv.gz``) is written with each block as its own gzip member: a gzip file may hold several
members, read as one stream by ``gzip``, ``zcat``, Python's :mod:`gzip` and pandas (RFC 1952,
section 2.2); the decompressed text is the one the writer produces without a memo (the
compressed bytes differ: one member per block). The memo keeps each block's text or gzip
member, as the file holds it.

What a memo costs and saves
    Reading the memo, cutting and digesting the blocks and saving the memo cost a few
    milliseconds plus about what formatting the table's text costs (digesting text is
    hashing it; formatting it is mostly joining it), while numbers, floats above all, take
    far longer to format than to digest. Measured (2 cores, shared; best of 3, two runs) on
    the tables of a 2,000-article collection made by ``scripts/bench.py``, rerun after 10
    articles were added, and on tables of 10,010 articles made of five copies of them (10 new
    articles in one), seconds without the memo -> with it: ``article_features`` (52 number
    columns) 0.05-0.08 -> 0.025-0.028 at 2,010 articles, 0.30-0.37 -> 0.033-0.035 at 10,010;
    ``readability`` 0.04 -> 0.03-0.04 and 0.19-0.22 -> 0.06-0.08; ``quotes`` (short texts;
    90,726 rows) 0.16-0.23 -> 0.11-0.12; ``article_map`` 0.004-0.007 -> 0.008-0.010 and
    0.019-0.033 -> 0.016-0.020; but ``headlines`` (long texts only) 0.023-0.032 ->
    0.029-0.043 and ``unique_sentences`` (40,216 sentences) 0.018-0.034 -> 0.038-0.054 at
    10,010 articles: a table of long texts gains nothing, and the notebooks give those two no
    memo. Tables under :data:`helpers.export.MEMO_ROWS` rows (2,000) are written whole, a memo
    or not: below that the memo's fixed cost is as large as the work it saves on all but the
    widest number tables.

Blocks
    A table with an ``article_id`` column (else an ``article_a`` column: a table of article
    pairs) is cut between runs of equal ``article_id``: a block starts at a run whose
    ``article_id`` hashes (:func:`pandas.util.hash_array`) to 0 modulo
    ``K``, the power of two that gives blocks of about :data:`BLOCK_ROWS` rows
    (:data:`PLAIN_BLOCK_ROWS` in a plain CSV). Where blocks start depends only on the
    articles there, so adding, removing or changing an article changes only the block where
    it falls (two when it starts one): content-defined chunking. This holds whatever the
    table is sorted by, as long as each article's rows are together: in a table sorted by
    outlet (``readability``, ``unique_sentences``) new articles fall in several places, each
    changing its own block, hence the smaller blocks of a plain CSV, where a block costs only
    its digest (a gzip member compresses the worse the smaller it is). On the 10,010-row
    ``readability`` above, sorted by outlet, 10 new articles changed 8 of 87 plain blocks
    (1,844 rows); with blocks of 1,024 rows they changed 5 of 9 (8,118 rows). Other tables
    are cut every :data:`BLOCK_ROWS` (:data:`PLAIN_BLOCK_ROWS`) rows: rows appended at the
    end leave the earlier blocks as they were, a row inserted before them changes every later
    one.

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
written atomically) of the blocks of the last write that rewrote it (one that finds it missing
at most :data:`helpers.cache.REWRITE_SHARE` of its blocks leaves it as it is), so it never
grows beyond one table. It carries
a fingerprint: :data:`MEMO_VERSION`, the column names and dtypes, the compression level
(``None`` for plain text, so a memo of plain blocks never serves a compressed table or the
other way round), the rows per block (:func:`block_rows`), the Python, NumPy and pandas
versions (number formatting and csv quoting follow them) and a digest of the source of
:data:`CODE_MODULES`. A memo that is missing, unreadable, inconsistent (a stored gzip
member that does not start as one, a text that does not end a line) or of another fingerprint
is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import os
import platform
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.cache import read_snapshot, worth_rewriting, write_memo
from helpers.reuse import digest_sources

#: Version of the memo's layout and meaning; bump it when either changes.
MEMO_VERSION = 1
#: The modules (files beside this one) whose code formats and cuts the memoised blocks.
CODE_MODULES: tuple[str, ...] = ("export.py", "export_memo.py")
#: Rows a block of a compressed table holds, on average (each block is a gzip member, which
#: compresses the worse the smaller it is).
BLOCK_ROWS = 1024
#: Rows a block of a plain CSV holds, on average: a block costs only its digest and its place
#: in the memo, and small blocks keep a rerun to the rows near the added articles, which a
#: table sorted by outlet spreads over the whole table.
PLAIN_BLOCK_ROWS = 128
#: The columns whose runs (one article's rows) are never cut: the first the table has (a table
#: of article pairs, sorted by its first article, is cut between runs of ``article_a``).
KEY_COLUMNS: tuple[str, ...] = ("article_id", "article_a")

_SEPARATOR = "\x00"  # between the text values of a block, in its digest
_SEPARATOR_BYTES = _SEPARATOR.encode("ascii")
_GZIP_MAGIC = b"\x1f\x8b"
_LINE_END_BYTE = ord("\n")  # the last byte of a block's text (the fast writer's terminator)

# Read when the kit is imported, so the digest describes the code that runs (not a later edit).
_CODE_DIGEST = digest_sources(*CODE_MODULES)


def block_rows(compresslevel: int | None) -> int:
    """Rows a block holds on average: :data:`BLOCK_ROWS` for a compressed table,
    :data:`PLAIN_BLOCK_ROWS` for a plain CSV (``compresslevel`` ``None``)."""
    return PLAIN_BLOCK_ROWS if compresslevel is None else BLOCK_ROWS


def fingerprint(table: pd.DataFrame, *, compresslevel: int | None) -> dict:
    """What a memo must have been written with to serve ``table`` (see the module docstring);
    ``compresslevel`` is ``None`` for a plain CSV."""
    return {"version": MEMO_VERSION, "columns": [str(name) for name in table.columns],
            "dtypes": [str(dtype) for dtype in table.dtypes], "compresslevel": compresslevel,
            "block_rows": block_rows(compresslevel), "python": platform.python_version(),
            "numpy": np.__version__, "pandas": pd.__version__, "code": _CODE_DIGEST}


def cut_blocks(table: pd.DataFrame, *, rows_per_block: int | None = None) -> np.ndarray:
    """Where the blocks of ``table`` start (see the module docstring).

    Parameters
    ----------
    table
        The table to write.
    rows_per_block
        Rows a block holds on average (:func:`block_rows`); :data:`BLOCK_ROWS` by default.

    Returns
    -------
    numpy.ndarray
        Ascending row positions, the first 0 and a last one equal to ``len(table)``: block
        ``i`` is rows ``bounds[i]:bounds[i + 1]``. Just ``[0]`` for an empty table.
    """
    size = BLOCK_ROWS if rows_per_block is None else rows_per_block
    rows = len(table)
    names = list(table.columns)
    key = next((name for name in KEY_COLUMNS if name in names), None)
    if key is None or names.count(key) != 1 or rows == 0:
        return np.append(np.arange(0, rows, size), rows)
    keys = table[key].to_numpy(dtype=object, na_value=None)
    try:
        runs = np.flatnonzero(np.append(True, keys[1:] != keys[:-1]))
        hashes = pd.util.hash_array(keys[runs])
    except TypeError:  # ids that are not comparable or hashable values
        return np.append(np.arange(0, rows, size), rows)
    spread = 2 ** max(0, int(round(np.log2(size * len(runs) / rows))))
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
    written block (its text, or its gzip member for a compressed table: a "member" here) it
    holds for a digest, and :meth:`save` writes the members of the current blocks, unless
    that is what the file holds.

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
        """The stored member (text or gzip member) of the block with ``digest``; None when
        unknown."""
        return None if digest is None else self.members.get(digest)

    def save(self, digests: list[str | None], members: list[bytes | memoryview]) -> None:
        """Write the member of each block that has a digest (each digest once).

        Nothing is written when the file holds exactly these blocks, or when the blocks it
        lacks and those it holds in excess are at most :data:`helpers.cache.REWRITE_SHARE` of
        these (:func:`helpers.cache.worth_rewriting`: the next run formats those few again). A
        file that cannot be written is reported with a warning: the table itself is complete.
        """
        kept = dict(zip(digests, members, strict=True))
        kept.pop(None, None)
        if self.fingerprint["code"] is None or not worth_rewriting(
                used=len(kept), stored=len(self.members),
                common=sum(1 for digest in kept if digest in self.members)):
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
    """Digest -> member (gzip member, or text when ``expected`` has no compression level) of a
    memo file; empty when missing, unreadable, inconsistent or not ``expected``."""
    data = read_snapshot(path)
    if data is None or data.get("fingerprint") != expected or expected["code"] is None:
        return {}
    try:
        digests = data["blocks"]["digest"].tolist()
        sizes = data["blocks"]["size"].to_numpy(np.int64)
        raw = data["members"]["byte"].to_numpy(np.uint8)
        stored = memoryview(raw).cast("B")
    except (KeyError, TypeError, ValueError):
        return {}
    gzipped = expected["compresslevel"] is not None
    ends = np.cumsum(sizes)
    if (len(set(digests)) != len(digests) or not all(type(d) is str for d in digests)
            or (sizes < (20 if gzipped else 1)).any() or int(sizes.sum()) != len(stored)):
        return {}
    members = {digest: stored[end - size:end]
               for digest, size, end in zip(digests, sizes.tolist(), ends.tolist(), strict=True)}
    if gzipped:
        if not all(member[:2] == _GZIP_MAGIC for member in members.values()):
            return {}
    elif not (raw[ends - 1] == _LINE_END_BYTE).all():  # each text ends a line
        return {}
    return members
