"""Write analysis tables as CSV for the report (``DIR/tables/``).

A table of more than :data:`COMPRESS_ROWS` rows (sentence pairs, keywords in context on large
collections) is written gzip-compressed as ``name.csv.gz``: the same CSV, which pandas, R and
spreadsheet importers read directly, at a fraction of the size (wire copy repeats a lot).

Tables whose columns are all numpy ints, floats, bools or text (``str``/``object`` holding only
strings and missing values, or categorical with such categories, as a match table's articles,
outlets and texts: each category is formatted once) are formatted column by column and joined
in large chunks, which gives the same text as :meth:`pandas.DataFrame.to_csv` (same number
formatting, same csv quoting rules, probed from the :mod:`csv` module itself) several times
faster; any other table is written by ``to_csv``. A plain CSV has ``to_csv``'s very bytes. A
compressed one is a gzip file of several members (the header line, then each
:data:`GZIP_MEMBER_ROWS` rows), which ``gzip``, ``zcat``, Python's :mod:`gzip`, pandas and R
read as one stream (RFC 1952, section 2.2): each member is compressed on a second thread while
the next rows are formatted, which takes about half the time of one stream compressed after
formatting (the 779,080-row coverage matrix of the 10,000-article bench: 0.6-0.8 s instead of
1.5-1.7 s). Its bytes differ from ``to_csv``'s (one stream, with the file's name in its header);
the text is the same.

A table of at least :data:`MEMO_ROWS` rows may be given a memo file (``memo=``, see
:mod:`helpers.export_memo`): it is then written block by block (blocks of articles), and the
blocks that were written last time are copied from the memo instead of being formatted (and
compressed) again. A plain CSV is the header line followed by each block's lines: the same
bytes as without a memo. A compressed one holds one gzip member per block: the same
decompressed text. Smaller tables are always written whole: the memo's own work (reading it,
digesting the blocks, saving it) would cost about what it saves; so would it on a table of
long texts, which takes about as long to digest as to format (see :mod:`helpers.export_memo`).

Each written file's number of rows is noted in ``DIR/tables/.rows/<file>.json`` with the file's
size and modification time (:func:`noted_rows`), so the report's index lists the rows of
hundreds of megabytes of tables without reading them again.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import re
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import export_memo

#: Tables with more rows than this are written as ``name.csv.gz``.
COMPRESS_ROWS = 100_000

#: Rows formatted and written at a time by the fast writer.
CHUNK_ROWS = 65_536

#: Tables with fewer rows than this are written whole, even when given a memo: the memo's own
#: work would cost about what it saves (measured in :mod:`helpers.export_memo`'s docstring).
MEMO_ROWS = 2_000

#: Rows per gzip member of a compressed table written without a memo (about 2 MB of text for
#: the coverage matrix): members are compressed on a second thread while the next ones are
#: formatted, so they must be many; each costs a few bytes of compression.
GZIP_MEMBER_ROWS = 16_384
#: Members compressed or waiting at a time (bounds the memory of the text held for them).
MEMBERS_AHEAD = 3

#: Folder, inside a tables folder, where :func:`write_table` notes each file's number of rows
#: (``<file name>.json``) for the report's index, which otherwise reads every file to count them.
ROWS_FOLDER = ".rows"

_GZIP_OPTIONS = {"compresslevel": 1, "mtime": 0}
_LINE_END = os.linesep


def _csv_line(fields: Sequence[str]) -> str:
    """One row as :func:`csv.writer` writes it with the options ``to_csv`` uses.

    Parameters
    ----------
    fields
        The row's fields.

    Returns
    -------
    str
        The row with its line terminator.
    """
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=_LINE_END, quoting=csv.QUOTE_MINIMAL).writerow(fields)
    return buffer.getvalue()


def _probe_quote_chars() -> str:
    """Characters that make the :mod:`csv` writer quote a field (QUOTE_MINIMAL).

    Probed rather than assumed, because the set changes between Python versions (e.g. a lone
    ``"\\r"`` is quoted by some and not by others).

    Returns
    -------
    str
        The characters, among ASCII and the Unicode line breaks.
    """
    candidates = [chr(code) for code in range(128)] + ["\x85", "\u2028", "\u2029"]
    return "".join(char for char in candidates
                   if _csv_line([f"a{char}b", "c"]).startswith('"'))


_QUOTE_CHARS = _probe_quote_chars()
_LONE_EMPTY = _csv_line([""])[:-len(_LINE_END)]  # how a row of one empty field is written


def _quote(text: str) -> str:
    """``text`` quoted with its quotes doubled (csv ``doublequote``)."""
    return '"' + text.replace('"', '""') + '"'


def _quote_needed(texts: list[str]) -> list[str]:
    """``texts`` with every field that the csv writer would quote, quoted.

    Parameters
    ----------
    texts
        Formatted fields of one column.

    Returns
    -------
    list of str
        The fields as written (the same list when none needs quoting).
    """
    joined = "".join(texts)
    chars = [char for char in _QUOTE_CHARS if char in joined]
    if not chars:
        return texts
    if len(chars) <= 3:  # the usual case (comma, quote, newline): chained ``in`` is fastest
        one, two, three = (chars * 3)[:3]
        return ['"' + text.replace('"', '""') + '"'  # _quote, inlined
                if one in text or two in text or three in text else text for text in texts]
    search = re.compile("[" + re.escape("".join(chars)) + "]").search
    return [_quote(text) if search(text) else text for text in texts]


def _text_fields(values: np.ndarray) -> list[str] | None:
    """Fields of a text column (missing values empty), or ``None`` for other objects.

    Parameters
    ----------
    values
        The column as an object array.

    Returns
    -------
    list of str or None
        The quoted fields, or ``None`` when a value is neither a ``str`` nor missing.
    """
    texts = values.tolist()
    if set(map(type, texts)) - {str}:  # missing values (or other objects) present
        values = values.copy()
        values[pd.isna(values)] = ""
        texts = values.tolist()
        if set(map(type, texts)) - {str}:
            return None
    return _quote_needed(texts)


#: The fields of False and True, taken by index (one string object each, not one per row).
_BOOL_FIELDS = np.array(["False", "True"], dtype=object)
#: An integer column of at least this many rows whose values span no more numbers than it has
#: rows formats each number of that span once and takes the fields by index.
DENSE_INTEGER_ROWS = 1000


def _integer_fields(values: np.ndarray) -> list[str]:
    """``str`` of each integer: each number of the values' span formatted once when the span
    is no wider than the column is long (counts, positions, ids), else value by value."""
    if len(values) >= DENSE_INTEGER_ROWS:
        low, high = int(values.min()), int(values.max())
        if high - low < len(values):
            fields = np.array([str(number) for number in range(low, high + 1)], dtype=object)
            # (unsigned: no value is below low; signed: in 64 bits, where no difference wraps)
            offsets = values - values.dtype.type(low) if values.dtype.kind == "u" \
                else values.astype(np.int64) - low
            return fields[offsets.astype(np.intp)].tolist()
    return list(map(str, values.tolist()))


def _column_fields(column: pd.Series) -> list[str] | None:
    """The CSV fields of one column as ``to_csv`` writes them (``na_rep=""``).

    Parameters
    ----------
    column
        One column (or a chunk of it).

    Returns
    -------
    list of str or None
        The fields, or ``None`` for a dtype or value this writer does not reproduce exactly.
    """
    dtype = column.dtype
    if isinstance(dtype, np.dtype):
        values = column.to_numpy()
        if dtype.kind in "iu":  # str of a Python int is str of the numpy int
            return _integer_fields(values)
        if dtype.kind == "f":  # pandas' own path: numpy str of each float, missing -> ""
            fields = values.astype(str).astype(object)
            fields[np.isnan(values)] = ""
            return fields.tolist()
        if dtype.kind == "b":
            return _BOOL_FIELDS[values.astype(np.intp)].tolist()
        if dtype.kind == "O":
            return _text_fields(values)
        return None
    if isinstance(dtype, pd.StringDtype):
        return _text_fields(column.to_numpy(dtype=object))
    if isinstance(dtype, pd.CategoricalDtype) and (
            isinstance(dtype.categories.dtype, pd.StringDtype)
            or dtype.categories.dtype == object):
        # Text categories: each category formatted once, then gathered by the codes.
        fields = _text_fields(dtype.categories.to_numpy(dtype=object))
        if fields is None:
            return None
        codes = column.cat.codes.to_numpy()
        return np.array(fields + [""], dtype=object)[codes].tolist()  # (code -1: missing)
    return None


def _chunk_lines(table: pd.DataFrame, start: int, stop: int) -> list[str] | None:
    """Rows ``start:stop`` of ``table`` as CSV lines (no terminator), or ``None``.

    Parameters
    ----------
    table
        The table.
    start, stop
        Row positions.

    Returns
    -------
    list of str or None
        One line per row; ``None`` when a column needs ``to_csv``.
    """
    part = table.iloc[start:stop]
    columns = []
    for position in range(part.shape[1]):
        fields = _column_fields(part.iloc[:, position])
        if fields is None:
            return None
        columns.append(fields)
    if len(columns) == 1:
        return [field or _LONE_EMPTY for field in columns[0]]
    return list(map(",".join, zip(*columns, strict=True)))


def _encode_lines(lines: list[str]) -> bytes:
    """``lines``, each followed by the line terminator, in UTF-8."""
    return (_LINE_END.join(lines) + _LINE_END).encode("utf-8")


def _fast_writable(table: pd.DataFrame) -> bool:
    """Whether the fast writer may try ``table`` (its columns may still need ``to_csv``)."""
    return (_LINE_END == "\n" and table.shape[1] > 0
            and all(type(name) is str for name in table.columns))


def _fast_csv(table: pd.DataFrame, write: Callable[[bytes], object], *,
              rows: int = CHUNK_ROWS) -> bool:
    """Write ``table`` as ``to_csv(index=False)`` would, unless a column can't be.

    Parameters
    ----------
    table
        The table.
    write
        Takes the header line, then the lines of each ``rows`` rows (UTF-8, each terminated).
    rows
        Rows formatted and handed to ``write`` at a time.

    Returns
    -------
    bool
        ``False`` when the table needs ``to_csv`` (the file is then rewritten).
    """
    if not _fast_writable(table):
        return False
    write(_csv_line(list(table.columns)).encode("utf-8"))
    for start in range(0, len(table), rows):
        lines = _chunk_lines(table, start, start + rows)
        if lines is None:
            return False
        write(_encode_lines(lines))
    return True


def _write_csv(table: pd.DataFrame, path: Path, *, gzipped: bool) -> None:
    """Write ``table`` to ``path``: the bytes of ``to_csv(index=False)``, or with ``gzipped``
    the same text as gzip members (:func:`_write_gzip_members`).

    The fast writer is tried first; when it gives up (a column it does not reproduce
    exactly, text that is not valid UTF-8) ``to_csv`` rewrites the whole file (compressed as
    one gzip stream, level 1, no timestamp, for a ``.csv.gz`` file).

    Parameters
    ----------
    table
        The table.
    path
        Destination file.
    gzipped
        Compress with gzip.
    """
    try:
        if gzipped:
            done = _write_gzip_members(table, path)
        else:
            with open(path, "wb") as handle:
                done = _fast_csv(table, handle.write)
    except UnicodeEncodeError:
        done = False
    if done:
        return
    compression = {"method": "gzip", **_GZIP_OPTIONS} if gzipped else None
    table.to_csv(path, index=False, encoding="utf-8", compression=compression)


def _write_gzip_members(table: pd.DataFrame, path: Path) -> bool:
    """Write ``table`` as a gzip file of members: the header line, then each
    :data:`GZIP_MEMBER_ROWS` rows (level 1, no timestamp, as the export memo writes its
    blocks). A member is compressed on a second thread while the next rows are formatted
    (zlib works without Python's lock), at most :data:`MEMBERS_AHEAD` at a time.

    Returns
    -------
    bool
        ``False`` when a column needs ``to_csv`` (the file is then rewritten).

    Raises
    ------
    UnicodeEncodeError
        For text that is not valid UTF-8 (the caller rewrites the file with ``to_csv``).
    """
    with open(path, "wb") as handle, ThreadPoolExecutor(max_workers=1) as pool:
        pending: deque = deque()

        def compress(data: bytes) -> None:
            pending.append(pool.submit(gzip.compress, data, **_GZIP_OPTIONS))
            while len(pending) > MEMBERS_AHEAD:
                handle.write(pending.popleft().result())

        done = _fast_csv(table, compress, rows=GZIP_MEMBER_ROWS)
        while done and pending:
            handle.write(pending.popleft().result())
    return done


def _batch_blocks(bounds: np.ndarray, blocks: list[int]) -> list[list[int]]:
    """``blocks`` (ascending block numbers) in batches of about :data:`CHUNK_ROWS` rows."""
    batches: list[list[int]] = []
    rows = CHUNK_ROWS
    for block in blocks:
        if rows >= CHUNK_ROWS:
            batches.append([])
            rows = 0
        batches[-1].append(block)
        rows += int(bounds[block + 1] - bounds[block])
    return batches


def _format_blocks(table: pd.DataFrame, bounds: np.ndarray, blocks: list[int], *,
                   gzipped: bool) -> dict[int, bytes] | None:
    """The bytes of each of ``blocks`` as written by the fast writer.

    Parameters
    ----------
    table
        The table.
    bounds
        Block starts and the end (:func:`helpers.export_memo.cut_blocks`).
    blocks
        Ascending numbers of the blocks to format; they are formatted together, about
        :data:`CHUNK_ROWS` rows at a time.
    gzipped
        Give each block's text as a gzip member (level 1, no timestamp) rather than as it is.

    Returns
    -------
    dict or None
        Block number -> its lines, each terminated, in UTF-8 (a gzip member of them with
        ``gzipped``); ``None`` when a column needs ``to_csv``.
    """
    formatted = {}
    for batch in _batch_blocks(bounds, blocks):
        rows = np.concatenate([np.arange(bounds[block], bounds[block + 1]) for block in batch])
        if rows[-1] - rows[0] + 1 == len(rows):  # adjacent blocks: no copy
            lines = _chunk_lines(table, int(rows[0]), int(rows[-1]) + 1)
        else:
            lines = _chunk_lines(table.take(rows), 0, len(rows))
        if lines is None:
            return None
        start = 0
        for block in batch:
            stop = start + int(bounds[block + 1] - bounds[block])
            data = _encode_lines(lines[start:stop])
            formatted[block] = gzip.compress(data, **_GZIP_OPTIONS) if gzipped else data
            start = stop
    return formatted


def _write_memoised(table: pd.DataFrame, path: Path, memo_path: Path, *,
                    gzipped: bool) -> bool:
    """Write ``table`` to ``path``, reusing the blocks of a memo.

    The file is the header line followed by each block's lines (see
    :mod:`helpers.export_memo`): as they are, or with ``gzipped`` as one gzip member each
    (the header a member of its own). A block found in the memo is copied from it, the others
    are formatted (and compressed). The memo is then rewritten with the current blocks,
    unless it lacks only a few (:meth:`helpers.export_memo.TableMemo.save`).

    Parameters
    ----------
    table
        The table.
    path
        Destination file.
    memo_path
        The memo file.
    gzipped
        Write gzip members (a ``.csv.gz`` file) rather than plain text.

    Returns
    -------
    bool
        ``False``, writing nothing, when the fast writer cannot write ``table`` (a column
        that needs ``to_csv``, text that is not valid UTF-8).
    """
    if not _fast_writable(table):
        return False
    compresslevel = _GZIP_OPTIONS["compresslevel"] if gzipped else None
    bounds = export_memo.cut_blocks(table,
                                    rows_per_block=export_memo.block_rows(compresslevel))
    memo = export_memo.TableMemo(memo_path, export_memo.fingerprint(
        table, compresslevel=compresslevel))
    digests = export_memo.digest_blocks(table, bounds, known=memo.members.keys())
    members: list[bytes | memoryview | None] = list(map(memo.member, digests))
    try:
        header = _csv_line(list(table.columns)).encode("utf-8")
        fresh = _format_blocks(table, bounds,
                               [block for block, member in enumerate(members) if member is None],
                               gzipped=gzipped)
    except UnicodeEncodeError:
        return False
    if fresh is None:
        return False
    for block, member in fresh.items():
        members[block] = member
    with open(path, "wb") as handle:
        handle.write(gzip.compress(header, **_GZIP_OPTIONS) if gzipped else header)
        handle.writelines(members)
    memo.save(digests, members)
    return True


def write_table(table: pd.DataFrame, name: str, *,
                tables_dir: str | os.PathLike[str] | None,
                max_rows: int | None = None,
                memo: str | os.PathLike[str] | None = None) -> Path | None:
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
    memo
        A file where the written blocks of this table (their text, or their gzip members
        for a compressed table) are kept between runs (e.g. ``paths.memo_file(collection,
        name)``; see :mod:`helpers.export_memo`), so that a rerun formats (and compresses)
        only the blocks that changed; the file has the same bytes as without a memo (the
        same text once decompressed, for a compressed table). Not used for tables under
        :data:`MEMO_ROWS` rows; ``None`` writes the whole table.

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
        (folder / ROWS_FOLDER / f"{stale.name}.json").unlink(missing_ok=True)
    if max_rows is not None and len(table) > max_rows:
        return None
    gzipped = len(table) > COMPRESS_ROWS
    path = folder / (f"{name}.csv.gz" if gzipped else f"{name}.csv")
    if not (memo is not None and len(table) >= MEMO_ROWS
            and _write_memoised(table, path, Path(memo), gzipped=gzipped)):
        _write_csv(table, path, gzipped=gzipped)
    _note_rows(path, len(table))
    return path


def _note_rows(path: Path, rows: int) -> None:
    """Note the rows of the file just written (see :func:`noted_rows`); a note that cannot be
    written is left out (the index then counts the rows itself)."""
    stat = path.stat()
    note = path.parent / ROWS_FOLDER / f"{path.name}.json"
    try:
        note.parent.mkdir(exist_ok=True)
        note.write_text(json.dumps({"rows": rows, "size": stat.st_size,
                                    "mtime_ns": stat.st_mtime_ns}), "utf-8")
    except OSError:
        pass


def noted_rows(path: str | os.PathLike[str]) -> int | None:
    """The number of rows :func:`write_table` wrote to the table file ``path`` (records after
    the header), or ``None`` when it left no note or the file changed since (another size or
    modification time).

    Parameters
    ----------
    path
        A ``.csv`` or ``.csv.gz`` file in a tables folder.

    Returns
    -------
    int or None
        The rows, or ``None``.
    """
    path = Path(path)
    try:
        note = json.loads((path.parent / ROWS_FOLDER / f"{path.name}.json").read_text("utf-8"))
        stat = path.stat()
        if note["size"] == stat.st_size and note["mtime_ns"] == stat.st_mtime_ns:
            return int(note["rows"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None
