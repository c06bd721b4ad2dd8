"""write_table: plain CSV for normal tables, gzip-compressed CSV above the row limit."""

from __future__ import annotations

import gzip
import zlib

import numpy as np
import pandas as pd
import pytest

from helpers import export, export_memo
from helpers.export import write_table
from helpers.report_index import _tables


def test_small_table_is_plain_csv_and_nothing_is_written_without_a_folder(tmp_path):
    table = pd.DataFrame({"outlet": ["A", "B"], "text": ["a, “quoted” line", "é"]})
    assert write_table(table, "small", tables_dir="") is None
    path = write_table(table, "small", tables_dir=tmp_path)
    assert path == tmp_path / "small.csv"
    pd.testing.assert_frame_equal(pd.read_csv(path), table)
    with pytest.raises(ValueError):
        write_table(table, "../escape", tables_dir=tmp_path)


def test_large_table_is_gzipped_and_replaces_the_plain_file(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "COMPRESS_ROWS", 3)
    small = pd.DataFrame({"n": [1, 2]})
    write_table(small, "pairs", tables_dir=tmp_path)
    large = pd.DataFrame({"n": range(5), "text": ["same wire sentence"] * 5})
    path = write_table(large, "pairs", tables_dir=tmp_path)
    assert path == tmp_path / "pairs.csv.gz" and not (tmp_path / "pairs.csv").exists()
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        assert handle.readline().strip() == "n,text"
    pd.testing.assert_frame_equal(pd.read_csv(path), large)
    assert write_table(small, "pairs", tables_dir=tmp_path) == tmp_path / "pairs.csv"
    assert not path.exists()
    write_table(large, "pairs", tables_dir=tmp_path)
    listing = _tables(tmp_path, tmp_path.parent)
    assert "pairs.csv.gz" in listing and "(5 rows)" in listing


# --- byte identity of the fast writer with DataFrame.to_csv ------------------------------------

GZIP = {"method": "gzip", "compresslevel": 1, "mtime": 0}


def _to_csv_bytes(table: pd.DataFrame, folder, name: str, *, gzipped: bool) -> bytes:
    """The bytes write_table wrote before the fast writer (plain ``to_csv``), same file name."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (f"{name}.csv.gz" if gzipped else f"{name}.csv")
    table.to_csv(path, index=False, encoding="utf-8", compression=GZIP if gzipped else None)
    return path.read_bytes()


def _gzip_members(data: bytes) -> list[bytes]:
    """The decompressed text of each member of a gzip file."""
    members = []
    while data:
        member = zlib.decompressobj(wbits=31)
        members.append(member.decompress(data))
        assert member.eof
        data = member.unused_data
    return members


def _assert_same_bytes(table: pd.DataFrame, tmp_path, monkeypatch, *, fast: bool = True,
                       name: str = "t") -> bytes:
    """write_table's bytes equal to_csv's (a compressed table: its text, and with ``fast`` in
    members of the header and each GZIP_MEMBER_ROWS rows); with ``fast`` the fast writer
    must have made them."""
    gzipped = len(table) > export.COMPRESS_ROWS
    expected = _to_csv_bytes(table, tmp_path / "reference", name, gzipped=gzipped)
    with monkeypatch.context() as patch:
        if fast:
            def no_to_csv(*args, **kwargs):
                raise AssertionError("write_table fell back to to_csv")
            patch.setattr(pd.DataFrame, "to_csv", no_to_csv)
        path = write_table(table, name, tables_dir=tmp_path / "fast")
    assert path.suffix == (".gz" if gzipped else ".csv")
    written = path.read_bytes()
    if not gzipped:
        assert written == expected
        return written
    assert gzip.decompress(written) == gzip.decompress(expected)
    if fast:
        members = _gzip_members(written)
        assert members[0] == gzip.decompress(expected).split(b"\n", 1)[0] + b"\n"
        assert len(members) == 1 + -(-len(table) // export.GZIP_MEMBER_ROWS)
        assert write_table(table, name, tables_dir=tmp_path / "again").read_bytes() == written
    else:
        assert written == expected  # to_csv's own file
    return written


TEXTS = ["plain", "a, comma", 'a "quote"', '"', '""', "new\nline", "carriage\rreturn",
         "crlf\r\n", "tab\there", " lead and trail ", "", None, float("nan"), pd.NA,
         "é, “curly” — dash", "emoji 😀", "漢字", "line\u2028sep", "nel\x85", "nul\x00byte",
         ",", "\n", "\r", "'single'", "semi;colon", "back\\slash"]
FLOATS = [0.1, 1 / 3, -0.0, 0.0, float("inf"), float("-inf"), float("nan"), 1e-05, 1e-4,
          1e16, 1e15, 1e22, 123456789.0, 2.0 ** 53, 2.0 ** 63, 5e-324, 1.7976931348623157e308,
          -2.5, 100.0, 1.5e300, 0.30000000000000004, 12345.678]
FLOAT32S = [value for value in FLOATS if not abs(value) > 3e38] + [1e-45, 3.4e38, 16777217.0]


def _edge_frame() -> pd.DataFrame:
    n = max(len(TEXTS), len(FLOATS))
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "text": pd.Series([TEXTS[i % len(TEXTS)] for i in range(n)], dtype=object),
        "str_text": pd.Series([TEXTS[(i + 3) % len(TEXTS)] for i in range(n)], dtype="str"),
        "ints": np.array([0, -1, 1, np.iinfo(np.int64).min, np.iinfo(np.int64).max]
                         + rng.integers(-10**12, 10**12, n - 5).tolist(), dtype=np.int64),
        "uints": np.array([np.iinfo(np.uint64).max] + list(range(n - 1)), dtype=np.uint64),
        "small_ints": np.arange(n, dtype=np.int32),
        "floats": [FLOATS[i % len(FLOATS)] for i in range(n)],
        "float32": np.array([FLOAT32S[i % len(FLOAT32S)] for i in range(n)], dtype=np.float32),
        "flags": [i % 3 == 0 for i in range(n)],
        "with, comma \"name\"": ["x"] * n,
    })


def test_edge_cases_are_written_byte_for_byte_as_to_csv(tmp_path, monkeypatch):
    table = _edge_frame()
    written = _assert_same_bytes(table, tmp_path, monkeypatch)
    text = written.decode("utf-8")
    assert '"a, comma"' in text and '"a ""quote"""' in text and '"new\nline"' in text
    assert "-0.0" in text and "1e-05" in text and "1e+16" in text and "inf" in text
    for column in table.columns:  # each column alone (one field per row: empty -> "")
        _assert_same_bytes(table[[column]], tmp_path / column[:5], monkeypatch, name="one")


def test_one_empty_field_per_row_is_quoted_as_the_csv_module_does(tmp_path, monkeypatch):
    table = pd.DataFrame({"only": ["", "x", None, ""]})
    written = _assert_same_bytes(table, tmp_path, monkeypatch)
    assert written == b'only\n""\nx\n""\n""\n'
    floats = pd.DataFrame({"f": [float("nan"), 1.0]})
    assert _assert_same_bytes(floats, tmp_path / "f", monkeypatch) == b'f\n""\n1.0\n'


def test_empty_and_small_frames(tmp_path, monkeypatch):
    _assert_same_bytes(pd.DataFrame({"a": [], "b": []}), tmp_path / "empty", monkeypatch)
    typed = pd.DataFrame({"a": pd.Series([], dtype="str"), "n": pd.Series([], dtype="int64")})
    _assert_same_bytes(typed, tmp_path / "typed", monkeypatch)
    _assert_same_bytes(pd.DataFrame({"n": [5]}), tmp_path / "one", monkeypatch)
    _assert_same_bytes(pd.DataFrame(), tmp_path / "nothing", monkeypatch, fast=False)


def test_categorical_text_columns_are_written_fast_as_their_values(tmp_path, monkeypatch):
    # a match table's articles, outlets and texts: categories formatted once, then gathered
    table = _edge_frame()
    table = table.assign(text=table["text"].astype("category"), str_text=pd.Categorical(
        table["str_text"], ordered=True,
        categories=sorted(set(table["str_text"].dropna()) | {"unused"})))
    plain = table.astype({"text": object, "str_text": "str"})
    written = _assert_same_bytes(table, tmp_path / "categorical", monkeypatch)
    assert written == _assert_same_bytes(plain, tmp_path / "plain", monkeypatch)
    for column in ("text", "str_text"):  # one field per row: an empty one is quoted
        _assert_same_bytes(table[[column]], tmp_path / column, monkeypatch, name="one")
    objects = pd.DataFrame({"c": pd.Categorical.from_codes(
        [0, 1, -1, 0], dtype=pd.CategoricalDtype(pd.Index(["x, y", "z"], dtype=object)))})
    assert _assert_same_bytes(objects, tmp_path / "objects", monkeypatch) == (
        b'c\n"x, y"\nz\n""\n"x, y"\n')
    monkeypatch.setattr(export, "COMPRESS_ROWS", 10)
    monkeypatch.setattr(export, "CHUNK_ROWS", 7)
    _assert_same_bytes(table, tmp_path / "gzipped", monkeypatch)


@pytest.mark.parametrize("table", [
    pd.DataFrame({"c": pd.Categorical([1, None, 3])}),
    pd.DataFrame({"c": pd.Categorical.from_codes([0, 1], dtype=pd.CategoricalDtype(
        pd.Index(["a", 2], dtype=object)))}),
    pd.DataFrame({"d": pd.to_datetime(["2024-01-01", None, "2024-03-01"])}),
    pd.DataFrame({"mixed": ["a", 1, 2.5]}),
    pd.DataFrame({"lists": [["a", "b"], [], ["c,d"]]}),
    pd.DataFrame({"nullable": pd.array([1, None, 3], dtype="Int64")}),
    pd.DataFrame({"f": pd.array([0.5, None, 2.0], dtype="Float64")}),
    pd.DataFrame({0: ["int column name"], 1: [2]}),
    pd.DataFrame({"np_str": [np.str_("numpy, str")]}),
    pd.DataFrame({"bad": ["lone \ud800 surrogate"], "n": [1]}),
])
def test_other_dtypes_and_values_fall_back_to_to_csv(table, tmp_path, monkeypatch):
    try:
        _assert_same_bytes(table, tmp_path, monkeypatch, fast=False)
    except UnicodeEncodeError:  # to_csv refuses it too; write_table must raise the same way
        with pytest.raises(UnicodeEncodeError):
            write_table(table, "t", tables_dir=tmp_path / "fast")


def _random_text(rng: np.random.Generator, size: int, long: bool = False) -> list[object]:
    alphabet = list("abcxyz ABC019.;:-'\t") + [",", '"', "\n", "\r", "é", "ß", "—", "“", "😀",
                                                  "漢", "\u2028", "\x00"]
    weights = np.array([8.0] * 19 + [2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.2])
    lengths = rng.integers(0, 3000 if long else 40, size)
    texts: list[object] = ["".join(rng.choice(alphabet, n, p=weights / weights.sum()))
                           for n in lengths]
    for row in np.flatnonzero(rng.random(size) < 0.05):
        texts[row] = [None, float("nan"), ""][row % 3]
    return texts


def _random_floats(rng: np.random.Generator, size: int) -> np.ndarray:
    values = rng.standard_normal(size) * 10.0 ** rng.integers(-30, 30, size)
    special = rng.random(size)
    values[special < 0.05] = np.nan
    values[(special > 0.05) & (special < 0.07)] = -0.0
    values[(special > 0.07) & (special < 0.08)] = np.inf
    rounded = special > 0.9
    values[rounded] = np.round(values[rounded])
    return values


def _random_frame(seed: int, rows: int, long: bool = False) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "article_id": [f"a{n:05d}" for n in rng.integers(0, 10**5, rows)],
        "text": _random_text(rng, rows, long),
        "str_text": pd.Series(_random_text(rng, rows), dtype="str"),
        "n": rng.integers(-10**9, 10**9, rows),
        "score": _random_floats(rng, rows),
        "flag": rng.random(rows) < 0.5,
    })


@pytest.mark.parametrize("seed", range(6))
def test_random_frames_are_written_byte_for_byte_as_to_csv(seed, tmp_path, monkeypatch):
    _assert_same_bytes(_random_frame(seed, 500), tmp_path, monkeypatch)


@pytest.mark.parametrize("seed", range(3))
def test_random_gzipped_frames_have_the_text_of_to_csv_in_members(seed, tmp_path, monkeypatch):
    # long rows and many members (compressed on the second thread, written in order)
    monkeypatch.setattr(export, "COMPRESS_ROWS", 100)
    monkeypatch.setattr(export, "GZIP_MEMBER_ROWS", 37)
    table = _random_frame(seed, 400, long=seed > 0)
    _assert_same_bytes(table, tmp_path, monkeypatch)
    _assert_same_bytes(_edge_frame(), tmp_path / "edge", monkeypatch, name="edge")


@pytest.mark.parametrize("seed", range(3))
def test_plain_tables_written_with_a_memo_have_the_bytes_of_to_csv(seed, tmp_path, monkeypatch):
    # block by block, the first time (no memo yet) and again (blocks from the memo)
    monkeypatch.setattr(export, "MEMO_ROWS", 0)
    monkeypatch.setattr(export_memo, "PLAIN_BLOCK_ROWS", 16)
    tables = {"random": _random_frame(seed, 500, long=seed > 0), "edge": _edge_frame(),
              "sorted": _random_frame(seed + 10, 300).sort_values("article_id"),
              "empty": _edge_frame().iloc[:0]}
    for name, table in tables.items():
        expected = _to_csv_bytes(table, tmp_path / "reference", name, gzipped=False)
        memo = tmp_path / f"{name}.npz"
        for run in ("first", "again"):
            with monkeypatch.context() as patch:
                def no_to_csv(*args, **kwargs):
                    raise AssertionError("write_table fell back to to_csv")
                patch.setattr(pd.DataFrame, "to_csv", no_to_csv)
                path = write_table(table, name, tables_dir=tmp_path / run, memo=memo)
            assert path.name == f"{name}.csv" and path.read_bytes() == expected, (name, run)
        assert memo.exists() == (len(table) > 0)


def test_gzip_members_hold_the_header_then_each_block_of_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "COMPRESS_ROWS", 5)
    monkeypatch.setattr(export, "GZIP_MEMBER_ROWS", 3)
    monkeypatch.setattr(export, "MEMBERS_AHEAD", 1)
    table = pd.DataFrame({"text": ["a", "b, c", "é" * 3, 'say "x"', "", "z", "multi\nline"],
                          "n": range(7)})
    path = write_table(table, "t", tables_dir=tmp_path)
    assert path.name == "t.csv.gz"
    assert _gzip_members(path.read_bytes()) == [
        b"text,n\n", b'a,0\n"b, c",1\n\xc3\xa9\xc3\xa9\xc3\xa9,2\n',
        b'"say ""x""",3\n,4\nz,5\n', b'"multi\nline",6\n']
    # A column the fast writer does not format: to_csv's single stream instead.
    dates = pd.DataFrame({"day": pd.date_range("2022-02-04", periods=7)})
    path = write_table(dates, "dates", tables_dir=tmp_path)
    assert len(_gzip_members(path.read_bytes())) == 1
    assert gzip.decompress(path.read_bytes()).decode().splitlines()[:2] == ["day", "2022-02-04"]


def test_the_identity_checks_catch_a_quoting_mistake(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "_QUOTE_CHARS", ",")  # forget the quote char and newline
    table = pd.DataFrame({"text": ['a "quote"', "x"], "n": [1, 2]})
    with pytest.raises(AssertionError, match="assert b'text,n"):
        _assert_same_bytes(table, tmp_path, monkeypatch)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint16", "uint64"])
def test_integer_fields_equal_str_of_each_value_dense_or_not(dtype, monkeypatch):
    """Dense spans (each number formatted once, taken by index) and sparse ones give the
    fields ``str`` gives value by value; booleans are "True"/"False"."""
    rng = np.random.default_rng(7)
    info = np.iinfo(dtype)
    dense = rng.integers(max(info.min, -50), min(info.max, 200), 3000).astype(dtype)
    extremes = np.array([info.min, info.max, 0, info.max - 1] * 400, dtype=dtype)
    monkeypatch.setattr(export, "DENSE_INTEGER_ROWS", 10)
    for values in (dense, extremes, dense[:5]):
        assert export._column_fields(pd.Series(values)) == [str(v) for v in values.tolist()]
    flags = pd.Series(rng.integers(0, 2, 50).astype(bool))
    assert export._column_fields(flags) == [str(v) for v in flags.tolist()]
