"""Cache files: JSON entries and packed snapshots round-trip exactly; broken files read as None."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.cache import read_cache_entry, read_snapshot, write_cache_entry, write_snapshot


def _mixed_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "text": ["wire copy", None, "", "two\nlines", "wire copy"],
        "count": [1, 2, 3, 4, 5],
        "score": [1.5, np.nan, 2.0, 3.0, -0.25],
        "strings": pd.array(["p", pd.NA, "q", "r", "p"], dtype="string"),
        "objects": pd.Series(["a", None, "b", None, "a"], dtype=object),
        "mixed": [None, 1, "s", 2.0, float("nan")],
        "category": pd.Categorical(["u", "v", "u", "v", "u"]),
        "flag": [True, False, True, None, False],
    })


@pytest.mark.parametrize("frame", [
    _mixed_frame(), _mixed_frame().iloc[0:0], _mixed_frame().set_index("count"),
    _mixed_frame().iloc[[4, 0, 2]]])
def test_snapshot_round_trip_keeps_values_dtypes_and_index(tmp_path, frame):
    path = tmp_path / "deep" / "table.pkl"
    write_snapshot(path, {"table": frame, "keys": {"a.txt": "k1"}, "version": 3})
    back = read_snapshot(path)
    pd.testing.assert_frame_equal(back["table"], frame)
    assert back["table"]["objects"].tolist() == frame["objects"].tolist()  # None stays None
    assert back["keys"] == {"a.txt": "k1"} and back["version"] == 3
    assert not list(tmp_path.rglob("*.tmp"))  # written atomically, nothing left behind


def test_broken_files_read_as_none(tmp_path):
    (tmp_path / "cut.pkl").write_bytes(b"\x80\x05not a pickle")
    assert read_snapshot(tmp_path / "cut.pkl") is None
    assert read_snapshot(tmp_path / "missing.pkl") is None
    (tmp_path / "entry.json").write_text("{broken", "utf-8")
    assert read_cache_entry(tmp_path / "entry.json") is None
    write_cache_entry(tmp_path / "ok.json", {"a": [1, "é"]})
    assert read_cache_entry(tmp_path / "ok.json") == {"a": [1, "é"]}
