"""Readability chart builders: specs, encodings, tooltips and aggregated data rows."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import charts
from helpers.charts import readability as rc


def _datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


@pytest.fixture(autouse=True)
def outlets():
    charts.use_outlets(["Alpha", "Beta"])


def test_chart_grade_levels_one_point_per_outlet_and_formula_over_a_band():
    scores = pd.DataFrame({
        "outlet": ["Alpha", "Alpha", "Beta", "Gamma"], "english": [True, True, True, False],
        **{m: [10.0, 12.0, 8.0, float("nan")] for m in rc.GRADE_LABELS}})
    spec = charts.chart_grade_levels(scores).to_dict()
    band, points = spec["layer"]
    assert band["mark"]["type"] == "rect" and points["mark"]["type"] == "point"
    assert points["encoding"]["color"]["field"] == "outlet"
    assert points["encoding"]["y"]["sort"][0] == "Flesch–Kincaid"
    assert any(t["field"] == "articles" for t in points["encoding"]["tooltip"])
    rows = next(d for d in _datasets(spec) if d and "grade" in d[0])
    assert len(rows) == 2 * len(rc.GRADE_LABELS)  # Gamma (non-English) dropped
    alpha_fk = next(r for r in rows if r["outlet"] == "Alpha"
                    and r["metric"] == "flesch_kincaid_grade")
    assert alpha_fk["grade"] == 11.0 and alpha_fk["articles"] == 2
    band_rows = next(d for d in _datasets(spec) if d and "low" in d[0])
    assert band_rows[0]["low"] == 8.0 and band_rows[0]["high"] == 10.0


def test_chart_intervals_draws_rule_and_point_for_one_metric():
    intervals = pd.DataFrame({
        "outlet": ["Alpha", "Beta", "Alpha"], "metric": ["flesch_kincaid_grade"] * 2 + ["x"],
        "estimate": [10.0, 12.0, 1.0], "low": [9.0, 11.0, 0.0], "high": [11.0, 13.0, 2.0],
        "n_paragraphs": [4, 5, 4]})
    spec = charts.chart_intervals(intervals).to_dict()
    rule, point = spec["layer"]
    assert rule["mark"]["type"] == "rule" and rule["encoding"]["x2"]["field"] == "high"
    assert point["mark"]["type"] == "point" and point["encoding"]["x"]["field"] == "estimate"
    assert rule["encoding"]["tooltip"][0]["field"] == "outlet"
    (rows,) = _datasets(spec)
    assert [r["outlet"] for r in rows] == ["Alpha", "Beta"]


def test_chart_paragraph_spread_is_a_box_from_quartiles():
    scores = pd.DataFrame({"outlet": ["Alpha"] * 5 + ["Beta"],
                           "flesch_kincaid_grade": [1.0, 2.0, 3.0, 4.0, 100.0, 7.0]})
    spec = charts.chart_paragraph_spread(scores).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["rule", "bar", "tick"]
    (rows,) = _datasets(spec)
    alpha = next(r for r in rows if r["outlet"] == "Alpha")
    assert (alpha["q1"], alpha["median"], alpha["q3"]) == (2.0, 3.0, 4.0)
    assert (alpha["lower"], alpha["upper"], alpha["paragraphs"]) == (1.0, 4.0, 5)  # 100 outlier
    beta = next(r for r in rows if r["outlet"] == "Beta")
    assert beta["lower"] == beta["upper"] == beta["median"] == 7.0


def test_chart_sentence_lengths_bins_shares_per_outlet():
    lengths = pd.DataFrame({"outlet": ["Alpha"] * 4 + ["Beta"], "words": [3, 4, 12, 31, 5]})
    spec = charts.chart_sentence_lengths(lengths).to_dict()
    lines, rule = spec["layer"]
    assert lines["mark"]["type"] == "line" and rule["mark"]["type"] == "rule"
    assert lines["encoding"]["color"]["field"] == "outlet"
    rows = next(d for d in _datasets(spec) if d and "share" in d[0])
    alpha = {r["bin"]: r["share"] for r in rows if r["outlet"] == "Alpha"}
    assert alpha == {0: 0.5, 10: 0.25, 30: 0.25}
    assert next(r for r in rows if r["outlet"] == "Beta")["range"] == "5–9"
