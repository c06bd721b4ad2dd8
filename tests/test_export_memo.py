"""write_table(memo=...): blocks reused between runs, same bytes (plain CSV) or same decompressed
text (gzip) as without a memo."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import zlib

import numpy as np
import pandas as pd
import pytest

from helpers import export, export_memo
from helpers.cache import write_snapshot
from helpers.export import write_table
from helpers.export_memo import cut_blocks, digest_blocks

TEXTS = ["plain", "a, comma", 'a "quote"', "new\nline", "crlf\r\n", "", None, float("nan"),
         "é, “curly” — dash", "emoji 😀", "漢字", "line\u2028sep", "\n"]


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch):
    """Compress above 5 rows, memoise from 5 rows, blocks of about 12 rows: handmade tables
    have several blocks."""
    monkeypatch.setattr(export, "COMPRESS_ROWS", 5)
    monkeypatch.setattr(export, "MEMO_ROWS", 5)
    monkeypatch.setattr(export_memo, "BLOCK_ROWS", 12)
    monkeypatch.setattr(export_memo, "PLAIN_BLOCK_ROWS", 12)


@pytest.fixture(params=["gzip", "plain"])
def kind(request, monkeypatch) -> str:
    """Run a test on compressed tables and on plain CSV tables (nothing compressed)."""
    if request.param == "plain":
        monkeypatch.setattr(export, "COMPRESS_ROWS", 10**9)
    return request.param


def _articles(ids: list[str], rows: int = 3) -> pd.DataFrame:
    """``rows`` rows per article id, with texts, floats, ints and bools of every kind."""
    n = len(ids) * rows
    return pd.DataFrame({
        "article_id": pd.Series(np.repeat(ids, rows), dtype="str"),
        "text": pd.Series([TEXTS[i % len(TEXTS)] for i in range(n)], dtype=object),
        "str_text": pd.Series([TEXTS[(i + 5) % len(TEXTS)] for i in range(n)], dtype="str"),
        "position": np.arange(n, dtype=np.int64),
        "score": [[0.1, -0.0, float("nan"), 1e16, 1 / 3][i % 5] for i in range(n)],
        "flag": [i % 2 == 0 for i in range(n)],
    })


IDS = [f"a{n:03d}" for n in range(40)]


def _text(path) -> bytes:
    """The file's text: decompressed when it is gzip-compressed."""
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def _without_memo(table: pd.DataFrame, folder) -> bytes:
    return _text(write_table(table, "t", tables_dir=folder))


def _count_formatted(monkeypatch) -> list[int]:
    """Record how many rows each call of the formatter formats."""
    formatted: list[int] = []
    original = export._chunk_lines

    def counting(table, start, stop):
        formatted.append(min(stop, len(table)) - start)
        return original(table, start, stop)

    monkeypatch.setattr(export, "_chunk_lines", counting)
    return formatted


def test_memo_gives_the_same_text_and_is_read_by_gzip_pandas_and_zcat(tmp_path):
    table = _articles(IDS)
    memo = tmp_path / "memo.npz"
    expected = _without_memo(table, tmp_path / "plain")
    path = write_table(table, "t", tables_dir=tmp_path / "first", memo=memo)
    assert path.name == "t.csv.gz" and memo.exists()
    assert _text(path) == expected
    assert path.read_bytes().count(b"\x1f\x8b\x08") > 5  # one gzip member per block
    with gzip.open(path, "rb") as handle:
        assert handle.read() == expected
    pd.testing.assert_frame_equal(pd.read_csv(path, keep_default_na=False),
                                  pd.read_csv(tmp_path / "plain" / "t.csv.gz",
                                              keep_default_na=False))
    if shutil.which("zcat"):
        assert subprocess.run(["zcat", str(path)], capture_output=True,
                              check=True).stdout == expected
    again = write_table(table, "t", tables_dir=tmp_path / "again", memo=memo)
    assert _text(again) == expected


def test_only_the_blocks_that_changed_are_formatted(kind, tmp_path, monkeypatch):
    memo = tmp_path / "memo.npz"
    write_table(_articles(IDS[:30]), "t", tables_dir=tmp_path, memo=memo)
    table = _articles(IDS)  # ten articles added at the end
    expected = _without_memo(table, tmp_path / "plain")
    formatted = _count_formatted(monkeypatch)
    path = write_table(table, "t", tables_dir=tmp_path, memo=memo)
    assert _text(path) == expected
    bounds = cut_blocks(table)
    first_new = int(np.searchsorted(bounds, 30 * 3, side="right")) - 1  # block of row 90
    assert sum(formatted) == len(table) - bounds[first_new] < len(table)
    formatted.clear()  # the same table again: nothing formatted, same text
    assert _text(write_table(table, "t", tables_dir=tmp_path, memo=memo)) == _text(path)
    assert formatted == []
    changed = table.copy()  # one value of one article changed: only its block again
    changed.loc[50, "text"] = "changed"
    expected = _without_memo(changed, tmp_path / "plain")
    formatted.clear()
    path = write_table(changed, "t", tables_dir=tmp_path, memo=memo)
    block = int(np.searchsorted(bounds, 50, side="right")) - 1
    assert formatted == [bounds[block + 1] - bounds[block]]
    assert _text(path) == expected


def test_the_memo_holds_the_current_blocks_only(tmp_path):
    memo = tmp_path / "memo.npz"
    write_table(_articles(IDS), "t", tables_dir=tmp_path, memo=memo)
    table = _articles(IDS[:10])
    write_table(table, "t", tables_dir=tmp_path, memo=memo)
    stored = export_memo.TableMemo(memo, export_memo.fingerprint(table, compresslevel=1))
    assert set(stored.members) == set(digest_blocks(table, cut_blocks(table)))


@pytest.mark.parametrize("damage", [b"", b"not a memo", None])
def test_a_missing_or_corrupt_memo_is_ignored_and_rebuilt(damage, kind, tmp_path, monkeypatch):
    table = _articles(IDS)
    memo = tmp_path / "memo.npz"
    if damage is None:  # a real memo cut short
        write_table(table, "t", tables_dir=tmp_path, memo=memo)
        memo.write_bytes(memo.read_bytes()[:-100])
    else:
        memo.write_bytes(damage)
    formatted = _count_formatted(monkeypatch)
    path = write_table(table, "t", tables_dir=tmp_path, memo=memo)
    assert sum(formatted) == len(table)  # everything
    assert _text(path) == _without_memo(table, tmp_path / "plain")
    formatted.clear()
    write_table(table, "t", tables_dir=tmp_path, memo=memo)  # rebuilt: used now
    assert formatted == []


def test_a_memo_with_a_damaged_member_is_ignored(kind, tmp_path, monkeypatch):
    table = _articles(IDS)
    memo = tmp_path / "memo.npz"
    write_table(table, "t", tables_dir=tmp_path, memo=memo)
    data = export_memo.read_snapshot(memo)
    # not a gzip member any more (its magic), or a text that does not end a line
    byte = 0 if kind == "gzip" else data["blocks"].loc[0, "size"] - 1
    data["members"].loc[byte, "byte"] = ord(",")
    write_snapshot(memo, data)
    formatted = _count_formatted(monkeypatch)
    path = write_table(table, "t", tables_dir=tmp_path, memo=memo)
    assert sum(formatted) == len(table)
    assert _text(path) == _without_memo(table, tmp_path / "plain")


@pytest.mark.parametrize("change", ["rename", "dtype", "reorder", "code"])
def test_other_columns_or_dtypes_invalidate_the_memo(change, kind, tmp_path, monkeypatch):
    table = _articles(IDS)
    memo = tmp_path / "memo.npz"
    write_table(table, "t", tables_dir=tmp_path, memo=memo)
    if change == "rename":
        table = table.rename(columns={"text": "body"})
    elif change == "dtype":  # same values and text, other dtype
        table["position"] = table["position"].astype(np.int32)
    elif change == "reorder":
        table = table[list(table.columns[::-1])]
    else:
        monkeypatch.setattr(export_memo, "_CODE_DIGEST", "another version of export.py")
    formatted = _count_formatted(monkeypatch)
    path = write_table(table, "t", tables_dir=tmp_path, memo=memo)
    assert sum(formatted) == len(table)
    assert _text(path) == _without_memo(table, tmp_path / "plain")


def test_small_tables_and_to_csv_tables_ignore_the_memo(tmp_path):
    memo = tmp_path / "memo.npz"
    small = _articles(IDS[:1])  # 3 rows, under MEMO_ROWS: plain CSV, written whole
    path = write_table(small, "t", tables_dir=tmp_path, memo=memo)
    assert path.name == "t.csv" and not memo.exists()
    dated = _articles(IDS).assign(day=pd.Timestamp("2024-01-01"))  # needs to_csv
    path = write_table(dated, "t", tables_dir=tmp_path, memo=memo)
    assert path.read_bytes() == (write_table(dated, "t", tables_dir=tmp_path / "plain")
                                 .read_bytes())
    assert not memo.exists()


def test_blocks_without_article_id_are_fixed_runs_of_rows():
    table = pd.DataFrame({"n": range(25)})
    assert cut_blocks(table).tolist() == [0, 12, 24, 25]
    assert cut_blocks(table.iloc[:0]).tolist() == [0]


def test_blocks_keep_articles_whole_and_do_not_move_when_articles_are_added():
    table = _articles(IDS)
    bounds = cut_blocks(table)
    assert bounds[0] == 0 and bounds[-1] == len(table) and (np.diff(bounds) > 0).all()
    assert (bounds % 3 == 0).all()  # every block starts at an article's first row
    assert 3 < len(bounds) - 1 < len(IDS)  # several articles per block
    first = cut_blocks(_articles(IDS[:30]))
    assert bounds[bounds < 30 * 3].tolist() == first[:-1].tolist()
    missing = _articles(IDS).astype({"article_id": "string"})  # pd.NA ids: a run each
    missing.loc[[10, 11], "article_id"] = pd.NA
    assert cut_blocks(missing)[-1] == len(missing)
    one = _articles(["only"], rows=7)
    assert cut_blocks(one).tolist() == [0, 7]
    assert cut_blocks(one.iloc[:0]).tolist() == [0]


def test_a_table_of_article_pairs_is_cut_between_runs_of_its_first_article():
    table = _articles(IDS)
    pairs = table.rename(columns={"article_id": "article_a"}).assign(article_b="x")
    assert cut_blocks(pairs).tolist() == cut_blocks(table).tolist()
    both = table.assign(article_a=table["article_id"].iloc[::-1].to_numpy())
    assert cut_blocks(both).tolist() == cut_blocks(table).tolist()  # article_id comes first


def test_digests_follow_what_is_written():
    table = pd.DataFrame({"text": ["a", "", None, "b"], "x": [0.0, 1.0, 1.0, 3.0]})
    bounds = np.array([0, 1, 2, 3, 4])
    digests = digest_blocks(table, bounds)
    assert digests[1] == digests[2]  # missing is written as the empty text
    assert len(set(digests)) == 3
    signed = table.assign(x=[-0.0, 1.0, 1.0, 3.0])  # "-0.0" is written, not "0.0"
    assert digest_blocks(signed, bounds)[0] != digests[0]
    assert digest_blocks(table, np.array([0, 4])) != digest_blocks(table.iloc[::-1], np.array(
        [0, 4]))


def test_texts_with_nul_or_objects_have_no_digest_unless_known():
    ambiguous = pd.DataFrame({"text": ["a\x00b", "c"]})
    bounds = np.array([0, 2])
    assert digest_blocks(ambiguous, bounds) == [None]
    joined_alike = pd.DataFrame({"text": ["a", "b\x00c"]})
    assert digest_blocks(joined_alike, bounds) == [None]
    assert digest_blocks(pd.DataFrame({"text": ["a", 1]}), bounds) == [None]
    clean = pd.DataFrame({"text": ["a", "b"]})
    digest = digest_blocks(clean, bounds)[0]
    assert digest is not None and digest_blocks(clean, bounds, known={digest}) == [digest]


def test_a_block_with_nul_in_a_text_is_formatted_every_time(kind, tmp_path, monkeypatch):
    table = _articles(IDS)
    table.loc[100, "text"] = "nul\x00byte"
    memo = tmp_path / "memo.npz"
    write_table(table, "t", tables_dir=tmp_path, memo=memo)
    expected = _without_memo(table, tmp_path / "plain")
    formatted = _count_formatted(monkeypatch)
    path = write_table(table, "t", tables_dir=tmp_path, memo=memo)
    bounds = cut_blocks(table)
    block = int(np.searchsorted(bounds, 100, side="right")) - 1
    assert formatted == [bounds[block + 1] - bounds[block]]
    assert _text(path) == expected


def test_identical_blocks_share_one_stored_member(kind, tmp_path, monkeypatch):
    table = pd.DataFrame({"text": ["same, row"] * 36, "n": [1] * 36})  # three equal blocks
    memo = tmp_path / "memo.npz"
    path = write_table(table, "t", tables_dir=tmp_path, memo=memo)
    assert _text(path) == _without_memo(table, tmp_path / "plain")
    stored = export_memo.TableMemo(memo, export_memo.fingerprint(
        table, compresslevel=1 if kind == "gzip" else None))
    assert len(stored.members) == 1
    formatted = _count_formatted(monkeypatch)
    assert _text(write_table(table, "t", tables_dir=tmp_path, memo=memo)) == _text(path)
    assert formatted == []


# --- plain CSV tables (up to COMPRESS_ROWS rows) ----------------------------------------------

def _lone_column_of_empties() -> pd.DataFrame:
    """One field per row, many of them empty (written as the csv module writes them: "")."""
    return pd.DataFrame({"article_id": pd.Series(np.repeat(IDS, 2), dtype="str")}).assign(
        article_id=lambda frame: frame["article_id"].where(np.arange(len(frame)) % 3 > 0))


@pytest.mark.parametrize("make", [
    lambda: _articles(IDS),  # quoting, missing values, floats, ints, bools, non-ASCII text
    lambda: _articles(IDS)[["position", "score", "flag"]],  # numbers only, fixed-row blocks
    lambda: _articles(IDS).iloc[:0],  # the empty table: its header only
    _lone_column_of_empties,
], ids=["articles", "numbers", "empty", "lone_column"])
def test_a_plain_csv_with_a_memo_has_the_bytes_of_one_without(make, tmp_path, monkeypatch):
    monkeypatch.setattr(export, "COMPRESS_ROWS", 10**9)
    monkeypatch.setattr(export, "MEMO_ROWS", 0)
    table = make()
    memo = tmp_path / "memo.npz"
    expected = write_table(table, "t", tables_dir=tmp_path / "plain").read_bytes()
    table.to_csv(tmp_path / "reference.csv", index=False, encoding="utf-8")
    assert expected == (tmp_path / "reference.csv").read_bytes()  # to_csv's bytes
    first = write_table(table, "t", tables_dir=tmp_path / "first", memo=memo)
    assert first.name == "t.csv" and first.read_bytes() == expected
    assert memo.exists() == (len(table) > 0)
    formatted = _count_formatted(monkeypatch)
    again = write_table(table, "t", tables_dir=tmp_path / "again", memo=memo)
    assert again.read_bytes() == expected and formatted == []  # every block from the memo


def _own_rows(ids: list[str], rows: int = 3) -> pd.DataFrame:
    """Like :func:`_articles`, but each article's rows depend on its id only (as the rows of
    the kit's per-article tables do), so adding an article leaves the others' rows as they
    were."""
    pool = _articles(IDS)  # its rows, taken from where the article's id hashes to
    starts = [zlib.crc32(article.encode()) % (len(pool) - rows) for article in ids]
    table = pool.take(np.concatenate([np.arange(start, start + rows) for start in starts]))
    return table.assign(article_id=pd.Series(np.repeat(ids, rows), dtype="str",
                                             index=table.index)).reset_index(drop=True)


def test_a_plain_rerun_with_one_article_added_formats_only_its_block(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "COMPRESS_ROWS", 10**9)
    memo = tmp_path / "memo.npz"
    before = _own_rows(IDS)
    write_table(before, "t", tables_dir=tmp_path, memo=memo)
    ids = sorted([*IDS, "a0205"])  # one article added in the middle (sorted by article_id)
    table = _own_rows(ids)
    expected = _without_memo(table, tmp_path / "plain")
    formatted = _count_formatted(monkeypatch)
    path = write_table(table, "t", tables_dir=tmp_path, memo=memo)
    assert path.name == "t.csv" and path.read_bytes() == expected
    bounds = cut_blocks(table)
    known = set(digest_blocks(before, cut_blocks(before)))
    new = [block for block, digest in enumerate(digest_blocks(table, bounds))
           if digest not in known]
    assert 1 <= len(new) <= 2 and len(bounds) - 1 > 5  # its block (two if it starts one)
    added = ids.index("a0205") * 3
    assert any(bounds[block] <= added < bounds[block + 1] for block in new)
    assert sum(formatted) == sum(bounds[block + 1] - bounds[block] for block in new)


def test_a_gzip_memo_does_not_serve_a_plain_table_nor_the_other_way(tmp_path, monkeypatch):
    table = _articles(IDS)
    memo = tmp_path / "memo.npz"
    write_table(table, "t", tables_dir=tmp_path, memo=memo)  # gzip blocks in the memo
    formatted = _count_formatted(monkeypatch)
    for compress_rows, suffix in [(10**9, ".csv"), (5, ".gz"), (10**9, ".csv")]:
        monkeypatch.setattr(export, "COMPRESS_ROWS", compress_rows)
        formatted.clear()
        path = write_table(table, "t", tables_dir=tmp_path, memo=memo)
        assert path.suffix == suffix and sum(formatted) == len(table)  # nothing reused
        assert _text(path) == _without_memo(table, tmp_path / "plain")
        level = 1 if suffix == ".gz" else None
        stored = export_memo.TableMemo(memo, export_memo.fingerprint(table, compresslevel=level))
        assert set(stored.members) == set(digest_blocks(table, cut_blocks(table)))
        other = export_memo.TableMemo(memo, export_memo.fingerprint(
            table, compresslevel=None if level else 1))
        assert other.members == {}


def test_tables_under_memo_rows_are_written_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "COMPRESS_ROWS", 10**9)
    monkeypatch.setattr(export, "MEMO_ROWS", 100)
    memo = tmp_path / "memo.npz"
    small = _articles(IDS[:33])  # 99 rows
    path = write_table(small, "t", tables_dir=tmp_path, memo=memo)
    assert path.read_bytes() == _without_memo(small, tmp_path / "plain") and not memo.exists()
    write_table(_articles(IDS[:34]), "t", tables_dir=tmp_path, memo=memo)  # 102 rows
    assert memo.exists()


def test_a_memo_missing_few_blocks_is_kept_and_they_are_formatted_again(kind, tmp_path,
                                                                       monkeypatch):
    """At most REWRITE_SHARE of the blocks new or gone: the memo file stays as it was and the
    next write formats those blocks again; past it, the memo is rewritten."""
    memo = tmp_path / "memo.npz"
    ids = [f"a{n:04d}" for n in range(1000)]
    table = _articles(ids)
    write_table(table, "t", tables_dir=tmp_path, memo=memo)
    bounds = cut_blocks(table)
    assert len(bounds) - 1 > 100  # one changed block (one new, one gone) is under 2%
    before = memo.read_bytes()
    changed = table.copy()
    changed.loc[600, "text"] = "changed"
    block = int(np.searchsorted(bounds, 600, side="right")) - 1
    expected = _without_memo(changed, tmp_path / "plain")
    formatted = _count_formatted(monkeypatch)
    for run in (1, 2):  # the block is formatted each time; the memo file is not rewritten
        assert _text(write_table(changed, "t", tables_dir=tmp_path, memo=memo)) == expected
        assert formatted == [bounds[block + 1] - bounds[block]] * run
        assert memo.read_bytes() == before
    for row in (30, 900, 1500, 2900):  # five blocks changed in all: rewritten
        changed.loc[row, "text"] = "changed"
    expected = _without_memo(changed, tmp_path / "plain")
    assert _text(write_table(changed, "t", tables_dir=tmp_path, memo=memo)) == expected
    assert memo.read_bytes() != before
    formatted.clear()
    assert _text(write_table(changed, "t", tables_dir=tmp_path, memo=memo)) == expected
    assert formatted == []


def test_categorical_columns_are_cut_digested_and_written_as_their_values(tmp_path, monkeypatch):
    # a match table: articles and texts categorical (its first article cuts the blocks)
    table = _articles(IDS).rename(columns={"article_id": "article_a"})
    categorical = table.astype({"article_a": "category", "text": "category",
                                "str_text": "category"})
    plain = table.astype({"text": object})
    assert cut_blocks(categorical).tolist() == cut_blocks(plain).tolist()
    bounds = cut_blocks(plain)
    assert digest_blocks(categorical, bounds) == digest_blocks(plain, bounds)
    memo = tmp_path / "memo.npz"
    expected = _without_memo(plain, tmp_path / "plain")
    assert _text(write_table(categorical, "t", tables_dir=tmp_path / "first", memo=memo)) \
        == expected
    formatted = _count_formatted(monkeypatch)
    assert _text(write_table(categorical, "t", tables_dir=tmp_path / "again", memo=memo)) \
        == expected
    assert formatted == []  # every block from the memo
