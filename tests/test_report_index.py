"""The index page's table row counts: counted on the bytes, exactly as csv.reader counts."""

from __future__ import annotations

import csv
import gzip

import pandas as pd
import pytest

from helpers import report_index
from helpers.export import COMPRESS_ROWS, ROWS_FOLDER, noted_rows, write_table


def _reader_records(path) -> int:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle))


TEXTS = {
    "plain": "a,b\n1,2\n3,4\n",
    "quoted line feeds": 'a,b\n"one\ntwo",2\n"x ""quoted""\nline",3\n4,"""\n"""\n',
    "no final line feed": 'a,b\n1,"2\n3"',
    "windows line ends": 'a,b\r\n"1\r\n2",3\r\n4,5\r\n',
    "header only": "a,b\n",
    "empty": "",
    "one empty field": 'a\n""\n\n',
}


@pytest.mark.parametrize("name", TEXTS)
@pytest.mark.parametrize("compressed", [False, True])
def test_count_csv_records_equals_csv_reader(tmp_path, name, compressed):
    data = TEXTS[name].encode("utf-8")
    path = tmp_path / ("t.csv.gz" if compressed else "t.csv")
    path.write_bytes(gzip.compress(data) if compressed else data)
    expected = {"plain": 3, "quoted line feeds": 4, "no final line feed": 2,
                "windows line ends": 3, "header only": 1, "empty": 0, "one empty field": 3}
    assert report_index.count_csv_records(path) == _reader_records(path) == expected[name]


def test_count_carries_quotes_across_chunks(tmp_path, monkeypatch):
    # Chunks of 3 bytes cut quoted fields, their doubled quotes and line feeds apart.
    monkeypatch.setattr(report_index, "COUNT_CHUNK_BYTES", 3)
    path = tmp_path / "t.csv"
    path.write_bytes(TEXTS["quoted line feeds"].encode("utf-8"))
    assert report_index.count_csv_records(path) == _reader_records(path) == 4


def test_count_of_tables_the_kit_writes(tmp_path):
    texts = ['said "no"\nthen left', "plain", "a, b", "", "é\n\n\""] * 21_000
    table = pd.DataFrame({"article_id": [f"a{i // 7:05d}" for i in range(len(texts))],
                          "text": texts, "n": range(len(texts))})
    for rows in (40, len(table)):  # plain CSV, and gzip members above COMPRESS_ROWS rows
        path = write_table(table.head(rows), f"t{rows}", tables_dir=tmp_path,
                           memo=tmp_path / f"memo{rows}.npz")
        assert path.suffix == (".gz" if rows > COMPRESS_ROWS else ".csv")
        assert report_index.count_csv_records(path) == _reader_records(path) == rows + 1


def test_index_lists_each_table_with_its_rows(tmp_path):
    tables = tmp_path / "tables"
    write_table(pd.DataFrame({"text": ["x\ny", "z"]}), "small", tables_dir=tables)
    (tables / "big.csv.gz").write_bytes(gzip.compress(b'a\n"1\n2"\n3\n'))
    html = report_index._tables(tables, tmp_path)
    assert '<a href="tables/big.csv.gz">big.csv.gz</a> <span class="muted">(2 rows)</span>' in html
    assert '<a href="tables/small.csv">small.csv</a> <span class="muted">(2 rows)</span>' in html


def test_index_takes_the_rows_write_table_noted_and_counts_changed_files(tmp_path,
                                                                      monkeypatch):
    tables = tmp_path / "tables"
    path = write_table(pd.DataFrame({"text": ["a\nb", "c", "d"]}), "noted", tables_dir=tables)
    assert noted_rows(path) == 3
    counted = []
    original = report_index.count_csv_records

    def count(file):
        counted.append(file.name)
        return original(file)

    monkeypatch.setattr(report_index, "count_csv_records", count)
    html = report_index._tables(tables, tmp_path)
    assert '(3 rows)' in html and counted == []  # the note, not a count
    with path.open("a", encoding="utf-8") as handle:  # changed after it was written
        handle.write('"e\nf"\n')
    assert noted_rows(path) is None
    assert '(4 rows)' in report_index._tables(tables, tmp_path) and counted == ["noted.csv"]


def test_a_table_not_written_leaves_no_note(tmp_path):
    table = pd.DataFrame({"n": range(5)})
    path = write_table(table, "pairs", tables_dir=tmp_path)
    assert (tmp_path / ROWS_FOLDER / "pairs.csv.json").is_file() and noted_rows(path) == 5
    assert write_table(table, "pairs", tables_dir=tmp_path, max_rows=4) is None
    assert not path.exists() and not (tmp_path / ROWS_FOLDER / "pairs.csv.json").exists()
