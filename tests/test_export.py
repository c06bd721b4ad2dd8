"""write_table: plain CSV for normal tables, gzip-compressed CSV above the row limit."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from helpers import export
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
