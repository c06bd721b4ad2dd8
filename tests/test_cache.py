"""Cache files: JSON entries and packed snapshots round-trip exactly; broken files read as None."""

from __future__ import annotations

import io
import json

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
    _mixed_frame(), _mixed_frame().iloc[0:0], _mixed_frame().iloc[[3]].reset_index(drop=True),
    _mixed_frame().iloc[[4, 0, 2]].reset_index(drop=True),
    pd.DataFrame({"none": pd.Series([None, None], dtype="str"),
                  "na": pd.array([pd.NA, pd.NA], dtype="string"),
                  "objects": pd.Series([None, None], dtype=object)})])
def test_snapshot_round_trip_keeps_values_and_dtypes(tmp_path, frame):
    path = tmp_path / "deep" / "table.npz"
    assert write_snapshot(path, {"table": frame, "keys": {"a.txt": "k1"}, "version": 3})
    back = read_snapshot(path)
    pd.testing.assert_frame_equal(back["table"], frame)
    assert back["table"]["objects"].tolist() == frame["objects"].tolist()  # None stays None
    assert back["keys"] == {"a.txt": "k1"} and back["version"] == 3
    assert not list(tmp_path.rglob("*.tmp"))  # written atomically, nothing left behind


def test_a_snapshot_never_unpickles(tmp_path):
    """Arrays of Python objects (pickles inside the .npz, here one that would run ``print``)
    are never loaded: unused arrays are not read, and a column array is read without pickle."""
    class Boom:
        def __reduce__(self):
            return (print, ("code ran",))

    buffer = io.BytesIO()
    np.savez(buffer, __meta__=np.frombuffer(b'{"json": {}, "frames": {}}', dtype=np.uint8),
             payload=np.array([Boom()], dtype=object))
    (tmp_path / "evil.npz").write_bytes(buffer.getvalue())
    assert read_snapshot(tmp_path / "evil.npz") == {}  # the object array is never read
    evil = {"prefix": "t/", "names": ["x"], "rows": 1,
            "columns": [{"kind": "values", "dtype": "object"}]}
    buffer = io.BytesIO()
    meta = json.dumps({"json": {}, "frames": {"t": evil}}).encode()
    np.savez(buffer, __meta__=np.frombuffer(meta, dtype=np.uint8),
             **{"t/0": np.array([Boom()], dtype=object)})
    (tmp_path / "evil2.npz").write_bytes(buffer.getvalue())
    assert read_snapshot(tmp_path / "evil2.npz") is None  # allow_pickle=False refuses it


def test_unsupported_content_is_not_written(tmp_path):
    frame = pd.DataFrame({"x": [1, 2]}, index=[5, 6])
    assert not write_snapshot(tmp_path / "indexed.npz", {"table": frame})
    assert not write_snapshot(tmp_path / "object.npz", {"table": pd.DataFrame({"x": [object()]})})
    assert not list(tmp_path.iterdir())


def test_broken_files_read_as_none(tmp_path):
    (tmp_path / "cut.npz").write_bytes(b"PK\x03\x04 not a zip")
    assert read_snapshot(tmp_path / "cut.npz") is None
    assert read_snapshot(tmp_path / "missing.npz") is None
    (tmp_path / "entry.json").write_text("{broken", "utf-8")
    assert read_cache_entry(tmp_path / "entry.json") is None
    write_cache_entry(tmp_path / "ok.json", {"a": [1, "é"]})
    assert read_cache_entry(tmp_path / "ok.json") == {"a": [1, "é"]}
