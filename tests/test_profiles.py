"""Outlet profiles from the per-article feature table: exact means and z-scores."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import charts
from helpers.profiles import describe_outlet_profiles, summarize_outlet_profiles


def _features() -> pd.DataFrame:
    return pd.DataFrame({
        "article_id": ["a1", "a2", "b1", "c1"],
        "outlet": ["A", "A", "B", "C"],
        "words": [100, 300, 200, 600],
        "flesch_kincaid_grade": [10.0, 12.0, 8.0, 14.0],
        "quoted_share": [0.1, 0.3, 0.0, 0.2],
        "loaded_verbs": [1, 0, 0, 3],
        "neutral_verbs": [1, 2, 0, 1],
        "tone_mean": [0.0, 0.2, -0.1, 0.1],
        "frame_conflict": [1, 3, 0, 6],
    })


def test_means_and_z_scores_are_exact():
    table = summarize_outlet_profiles(_features())
    words = table[table["measure"] == "words"].set_index("outlet")
    assert words["value"].to_dict() == {"A": 200.0, "B": 200.0, "C": 600.0}
    # outlet means 200, 200, 600: mean 333.3, population sd 188.56
    assert words.loc["C", "z"] == pytest.approx((600 - 1000 / 3) / 188.5618083, rel=1e-6)
    assert words["articles"].to_dict() == {"A": 2, "B": 1, "C": 1}
    loaded = table[table["measure"] == "loaded_verb_share"].set_index("outlet")["value"]
    assert loaded["A"] == pytest.approx((0.5 + 0.0) / 2)
    assert pd.isna(loaded["B"])  # no attribution at all: undefined, not zero
    assert loaded["C"] == pytest.approx(0.75)
    conflict = table[table["measure"] == "frame_conflict_per_1000"].set_index("outlet")["value"]
    assert conflict.to_dict() == pytest.approx({"A": 10.0, "B": 0.0, "C": 10.0})
    # measures absent from the feature table are left out, not invented
    assert "mtld" not in set(table["measure"])


def test_single_outlet_has_zero_z_and_a_clear_sentence():
    one = _features()[lambda t: t["outlet"] == "A"]
    table = summarize_outlet_profiles(one)
    assert (table["z"] == 0).all()
    assert describe_outlet_profiles(table) == "At least two outlets are needed to compare profiles."


def test_description_names_the_largest_deviation_and_escapes():
    features = _features().replace({"outlet": {"C": "<b>C</b>"}})
    sentence = describe_outlet_profiles(summarize_outlet_profiles(features))
    assert sentence.startswith("&lt;b&gt;C&lt;/b&gt; stands out most on ")
    assert "fewer than five articles" in sentence


def test_chart_encodes_z_and_keeps_rows_small():
    spec = charts.chart_outlet_profiles(summarize_outlet_profiles(_features())).to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["color"]["field"] == "z"
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == 3 * 6
