"""Cache files: JSON entries and packed snapshots round-trip exactly; broken files read as None;
text codes handed to a snapshot are stored when they fit and ignored when they do not."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from helpers import cache
from helpers.cache import (
    TextCodes,
    read_cache_entry,
    read_snapshot,
    read_snapshot_with_codes,
    write_cache_entry,
    write_snapshot,
)


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


def _coded_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "word": pd.Series(["b", "a", None, "b"], dtype=object),
        "label": pd.array(["x", pd.NA, "y", "x"], dtype="string"),
        "text": pd.Series(["p", "q", np.nan, "p"], dtype="str"),
        "count": [1, 2, 3, 4],
    })


def _codes_of(path) -> dict[str, tuple[list[int], list[str], str]]:
    """Each text column's codes, distinct values and dtype as stored in a snapshot."""
    _, codes = read_snapshot_with_codes(path)
    return {name: (given.codes.tolist(), given.uniques, given.dtype)
            for name, given in codes["table"].items()}


def test_given_codes_are_stored_and_read_back_as_a_fresh_write(tmp_path):
    frame = _coded_frame()
    given = {"word": TextCodes(np.array([2, 0, -1, 2]), ["a", "unused", "b"], "object"),
             "label": TextCodes(np.array([1, -1, 0, 1]), ["y", "x"], "string"),
             "text": TextCodes(np.array([0, 1, -1, 0], dtype=np.int32), ["p", "q"], "str")}
    assert write_snapshot(tmp_path / "coded.npz", {"table": frame}, text_codes={"table": given})
    assert write_snapshot(tmp_path / "fresh.npz", {"table": frame})
    coded, fresh = read_snapshot(tmp_path / "coded.npz"), read_snapshot(tmp_path / "fresh.npz")
    pd.testing.assert_frame_equal(coded["table"], fresh["table"], check_exact=True)
    pd.testing.assert_frame_equal(coded["table"], frame, check_exact=True)
    assert coded["table"]["word"].tolist() == ["b", "a", None, "b"]  # None stays None
    assert _codes_of(tmp_path / "coded.npz") == {  # the unused value dropped, codes renumbered
        "word": ([1, 0, -1, 1], ["a", "b"], "object"),
        "label": ([1, -1, 0, 1], ["y", "x"], "string"),
        "text": ([0, 1, -1, 0], ["p", "q"], "str")}
    assert _codes_of(tmp_path / "fresh.npz") == {  # found again: in order of appearance
        "word": ([0, 1, -1, 0], ["b", "a"], "object"),
        "label": ([0, -1, 1, 0], ["x", "y"], "string"),
        "text": ([0, 1, -1, 0], ["p", "q"], "str")}


def test_codes_read_back_write_the_same_file_again(tmp_path):
    frame = _coded_frame()
    write_snapshot(tmp_path / "first.npz", {"table": frame, "keys": {"a": "k"}})
    data, codes = read_snapshot_with_codes(tmp_path / "first.npz")
    assert set(codes["table"]) == {"word", "label", "text"}
    assert write_snapshot(tmp_path / "again.npz", data, text_codes=codes)
    assert (tmp_path / "again.npz").read_bytes() == (tmp_path / "first.npz").read_bytes()


@pytest.mark.parametrize(("given", "why"), [
    (TextCodes(np.array([0, 1, -1, 0]), ["b", "a"], "str"), "the column's dtype is object"),
    (TextCodes(np.array([0, 1, -1]), ["b", "a"], "object"), "one code short"),
    (TextCodes(np.array([0, 1, -1, 2]), ["b", "a"], "object"), "a code past the values"),
    (TextCodes(np.array([0, 1, -2, 0]), ["b", "a"], "object"), "a code below -1"),
    (TextCodes(np.array([0.0, 1.0, -1.0, 0.0]), ["b", "a"], "object"), "codes not integers"),
    (TextCodes(np.array([0, 1, -1, 0]), ["b", 1], "object"), "a value not text"),
])
def test_codes_that_do_not_fit_are_ignored(tmp_path, given, why):
    frame = _coded_frame()[["word"]]
    assert write_snapshot(tmp_path / "t.npz", {"table": frame},
                          text_codes={"table": {"word": given}}), why
    pd.testing.assert_frame_equal(read_snapshot(tmp_path / "t.npz")["table"], frame,
                                  check_exact=True)
    assert _codes_of(tmp_path / "t.npz") == {"word": ([0, 1, -1, 0], ["b", "a"], "object")}


def test_a_separator_or_a_nan_in_an_object_column_falls_back_to_json(tmp_path):
    """Text a snapshot cannot hold as codes is found again, then stored as JSON as before."""
    frame = pd.DataFrame({"sep": pd.Series(["a\x00b", "c"], dtype=object),
                          "nan": pd.Series(["a", np.nan], dtype=object)})
    given = {"sep": TextCodes(np.array([0, 1]), ["a\x00b", "c"], "object"),
             "nan": TextCodes(np.array([0, -1]), ["a"], "object")}
    assert write_snapshot(tmp_path / "t.npz", {"table": frame}, text_codes={"table": given})
    back = read_snapshot(tmp_path / "t.npz")["table"]
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert back["sep"].tolist() == ["a\x00b", "c"] and back["nan"][1] is not None
    assert _codes_of(tmp_path / "t.npz") == {}  # both stored as JSON


def test_unused_values_are_dropped_by_counting_codes():
    values = pd.Series(["c", "a", None, "c", "a"], dtype=object)
    given = TextCodes(np.array([3, 1, -1, 3, 1]), ["x", "a", "y", "c", "z"], "object")
    codes, kept = cache._fit_codes(values, given)
    assert codes.tolist() == [1, 0, -1, 1, 0] and kept == ["a", "c"]
    everything = TextCodes(np.array([1, 0]), ["a", "c"], "object")
    codes, kept = cache._fit_codes(pd.Series(["c", "a"], dtype=object), everything)
    assert codes.tolist() == [1, 0] and kept == ["a", "c"]
    empty = TextCodes(np.array([], dtype=np.int32), ["a"], "object")
    codes, kept = cache._fit_codes(pd.Series([], dtype=object), empty)
    assert codes.tolist() == [] and kept == []
