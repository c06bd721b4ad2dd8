"""Joined tables rewritten from a snapshot: the codes of their text columns are carried over."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.cache import TextCodes, read_snapshot_with_codes, write_snapshot
from helpers.cache import reorder_text_codes as _reorder_codes
from helpers.table_join import _carry_text_codes, _concat, _map_outlets


def _snapshot_rows() -> pd.DataFrame:
    return pd.DataFrame({"article_id": ["a1", "a1", "a2", "a3"], "outlet": ["X", "X", "Y", "X"],
                         "word": ["w", "v", None, "w"], "position": [0, 1, 0, 0]})


def _read_back(path) -> tuple[pd.DataFrame, dict[str, TextCodes]]:
    data, codes = read_snapshot_with_codes(path)
    return data["table"], codes["table"]


def test_codes_of_kept_rows_and_new_rows_follow_the_reordered_table(tmp_path):
    """a2 removed, a4 added between a1 and a3, a3's outlet renamed."""
    write_snapshot(tmp_path / "old.npz", {"table": _snapshot_rows()})
    old, stored = _read_back(tmp_path / "old.npz")
    ids, outlets = ["a1", "a4", "a3"], {"a1": "X", "a4": "Y", "a3": "Z"}
    keep = old["article_id"].isin({"a1", "a3"}).to_numpy()
    kept = old[keep].assign(outlet=old["article_id"][keep].map(outlets))
    new = pd.DataFrame({"article_id": ["a4"] * 3, "outlet": ["Y"] * 3,
                        "word": ["v", "new", None], "position": [0, 1, 2]})
    unordered = _carry_text_codes(stored, keep, [new], outlets)
    table, order = _concat([kept, new], by_article_id=False, ids=ids,
                           article_codes=unordered["article_id"])
    assert order.tolist() == [0, 1, 3, 4, 5, 2]
    assert table["article_id"].tolist() == ["a1", "a1", "a4", "a4", "a4", "a3"]
    pd.testing.assert_frame_equal(  # as when every row's id is looked up
        table, _concat([kept, new], by_article_id=False, ids=ids)[0], check_exact=True)
    carried = _reorder_codes(unordered, order)
    assert {name: (given.codes.tolist(), given.uniques, given.dtype)
            for name, given in carried.items()} == {
        "article_id": ([0, 0, 3, 3, 3, 2], ["a1", "a2", "a3", "a4"], "str"),
        "outlet": ([0, 0, 2, 2, 2, 1], ["X", "Z", "Y"], "str"),  # from the ids' codes
        "word": ([0, 1, 1, 2, -1, 0], ["w", "v", "new"], "str")}  # "new" appended
    for name, given in carried.items():  # each code is its row's value
        decoded = [given.uniques[c] if c >= 0 else None for c in given.codes]
        assert decoded == [None if pd.isna(v) else v for v in table[name]], name

    write_snapshot(tmp_path / "coded.npz", {"table": table},
                   text_codes={"table": carried})
    write_snapshot(tmp_path / "fresh.npz", {"table": table})
    coded, codes = _read_back(tmp_path / "coded.npz")
    fresh, _ = _read_back(tmp_path / "fresh.npz")
    pd.testing.assert_frame_equal(coded, fresh, check_exact=True)
    pd.testing.assert_frame_equal(coded, table, check_exact=True)
    assert codes["article_id"].uniques == ["a1", "a3", "a4"]  # a2 no longer used: dropped
    assert codes["article_id"].codes.tolist() == [0, 0, 2, 2, 2, 1]
    assert codes["word"].uniques == ["w", "v", "new"]


def test_rows_sorted_by_article_id_carry_their_codes(tmp_path):
    write_snapshot(tmp_path / "old.npz", {"table": _snapshot_rows()})
    old, stored = _read_back(tmp_path / "old.npz")
    ids, outlets = ["a3", "a0", "a1", "a2"], {"a0": "Y", "a1": "X", "a2": "Y", "a3": "X"}
    keep = np.ones(len(old), dtype=bool)
    new = pd.DataFrame({"article_id": ["a0"], "outlet": ["Y"], "word": ["u"], "position": [0]})
    unordered = _carry_text_codes(stored, keep, [new], outlets)
    table, order = _concat([old, new], by_article_id=True, ids=ids,
                           article_codes=unordered["article_id"])
    assert table["article_id"].tolist() == ["a0", "a1", "a1", "a2", "a3"]
    assert order.tolist() == [4, 0, 1, 2, 3]
    carried = _reorder_codes(unordered, order)
    assert carried["word"].codes.tolist() == [2, 0, 1, -1, 0]
    assert carried["word"].uniques == ["w", "v", "u"]
    write_snapshot(tmp_path / "coded.npz", {"table": table}, text_codes={"table": carried})
    pd.testing.assert_frame_equal(_read_back(tmp_path / "coded.npz")[0], table,
                                  check_exact=True)


def test_a_column_with_a_value_that_is_not_text_is_not_carried(tmp_path):
    write_snapshot(tmp_path / "old.npz", {"table": _snapshot_rows()})
    old, stored = _read_back(tmp_path / "old.npz")
    keep = np.ones(len(old), dtype=bool)
    new = pd.DataFrame({"article_id": ["a4"], "outlet": ["Y"], "word": [7], "position": [0]})
    table, _ = _concat([old, new], by_article_id=False, ids=["a1", "a2", "a3", "a4"])
    carried = _carry_text_codes(stored, keep, [new],
                                {"a1": "X", "a2": "Y", "a3": "X", "a4": "Y"})
    assert set(carried) == {"article_id", "outlet"}
    assert table["word"].dtype == object  # (and the old codes' dtype was str: not reused)
    without_word = _carry_text_codes(stored, keep, [new.drop(columns="word")],
                                     {"a1": "X", "a2": "Y", "a3": "X", "a4": "Y"})
    assert set(without_word) == {"article_id", "outlet"}


def test_nothing_new_keeps_the_kept_codes(tmp_path):
    write_snapshot(tmp_path / "old.npz", {"table": _snapshot_rows()})
    old, stored = _read_back(tmp_path / "old.npz")
    keep = old["article_id"].ne("a1").to_numpy()
    empty = _snapshot_rows().iloc[0:0]
    table, order = _concat([old[keep], empty], by_article_id=False, ids=["a2", "a3"])
    assert order.tolist() == [0, 1] and table["article_id"].tolist() == ["a2", "a3"]
    carried = _carry_text_codes(stored, keep, [empty], {"a2": "Y", "a3": "X"})
    assert carried["word"].codes.tolist() == [-1, 0] and carried["word"].uniques == ["w", "v"]
    assert carried["article_id"].codes.tolist() == [1, 2]


def test_rows_already_in_order_are_kept_and_sorted_ones_moved():
    parts = [pd.DataFrame({"article_id": ["b", "b", "c"], "n": [0, 1, 0]}),
             pd.DataFrame({"article_id": ["a", "d"], "n": [0, 0]})]
    table, order = _concat(parts, by_article_id=False, ids=["b", "c", "a", "d"])
    assert order.tolist() == [0, 1, 2, 3, 4] and table["article_id"].tolist() == [
        "b", "b", "c", "a", "d"]
    table, order = _concat(parts, by_article_id=True, ids=["b", "c", "a", "d"])
    assert order.tolist() == [3, 0, 1, 2, 4]
    assert table["article_id"].tolist() == ["a", "b", "b", "c", "d"]
    assert table["n"].tolist() == [0, 0, 1, 0, 0] and table.index.equals(pd.RangeIndex(5))
    table, order = _concat(parts, by_article_id=False, ids=["a", "b", "c", "d"])
    assert order.tolist() == [3, 0, 1, 2, 4] and table.index.equals(pd.RangeIndex(5))


def test_outlets_mapped_once_per_distinct_id_equal_a_map_of_every_row(tmp_path):
    rows = pd.DataFrame({"article_id": pd.Series(["a1", "a1", "a2", "a3", None, "a3"],
                                                 dtype="str")})
    write_snapshot(tmp_path / "old.npz", {"table": rows})
    old, stored = _read_back(tmp_path / "old.npz")
    keep = np.array([True, True, False, True, True, True])
    ids = old["article_id"][keep]
    for outlets in ({"a1": "X", "a3": "Z"}, {"a1": "X"}, {"a1": "X", "a2": "Y", "a3": "X"}):
        mapped = _map_outlets(ids, outlets, stored["article_id"], keep)
        pd.testing.assert_series_equal(mapped, ids.map(outlets), check_exact=True)
        pd.testing.assert_frame_equal(old[keep].assign(outlet=mapped),
                                      old[keep].assign(outlet=ids.map(outlets)),
                                      check_exact=True)
    mapped = _map_outlets(ids, {"a1": "X", "a3": "Z"}, stored["article_id"], keep)
    assert mapped.index.tolist() == [0, 1, 3, 4, 5] and str(mapped.dtype) == "str"
    assert mapped[[0, 1, 3, 5]].tolist() == ["X", "X", "Z", "Z"] and pd.isna(mapped[4])
    objects = ids.astype(object)  # not a string dtype: mapped row by row
    pd.testing.assert_series_equal(_map_outlets(objects, {"a1": "X"}, stored["article_id"],
                                                keep), objects.map({"a1": "X"}))
