"""Chart builders of helpers.charts.overlap: marks, encodings, tooltips and data rows."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import charts


@pytest.fixture(autouse=True)
def outlets():
    charts.use_outlets(["A", "B", "C"])


def _data(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def _layer_marks(spec: dict) -> list[str]:
    return [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
            for layer in spec["layer"]]


def test_chart_wire_overlap():
    overlap = pd.DataFrame({"outlet_a": ["A", "B"], "outlet_b": ["B", "A"], "n_sentences_a": [4, 2],
                            "n_shared": [2, 2], "share_of_a_in_b": [0.5, 1.0],
                            "example": ["Shared sentence.", "Shared sentence."]})
    spec = charts.chart_wire_overlap(overlap).to_dict()
    assert _layer_marks(spec) == ["rect", "text"]
    rect = spec["layer"][0]["encoding"]
    assert rect["x"]["field"] == "outlet_b" and rect["y"]["field"] == "outlet_a"
    assert rect["color"]["field"] == "share_of_a_in_b"
    assert "example" in [t["field"] for t in rect["tooltip"]]
    assert [row["percent"] for row in _data(spec)] == [50, 100]


def test_chart_coverage_matrix_keeps_only_facts_someone_omits():
    matrix = pd.DataFrame({
        "cluster_id": [0, 0, 1, 1], "label": ["Everywhere.", "Everywhere.", "Only A.", "Only A."],
        "outlet": ["A", "B", "A", "B"], "present": [True, True, True, False],
        "sentence": ["Everywhere.", "Everywhere.", "Only A.", ""], "n_outlets": [2, 2, 1, 1]})
    spec = charts.chart_coverage_matrix(matrix).to_dict()
    assert spec["mark"]["type"] == "circle"
    rows = _data(spec)
    assert [(r["outlet"], r["present"], r["status"]) for r in rows] == [
        ("A", True, "carries it"), ("B", False, "leaves it out")]
    assert spec["encoding"]["color"]["condition"]["field"] == "outlet"
    assert spec["encoding"]["color"]["value"] == "#e3e3e3"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"label", "outlet", "sentence"}
    assert _data(charts.chart_coverage_matrix(matrix, max_facts=0).to_dict()) == []


def _terms() -> pd.DataFrame:
    return pd.DataFrame({"outlet": ["A", "A", "B"], "term": ["gas", "deal", "aukus"],
                         "count": [3, 1, 2], "count_rest": [1, 0, 0], "log_odds": [1.0, 0.5, 2.0],
                         "z": [2.0, 0.6, -1.5], "tfidf": [0.3, 0.1, 0.2],
                         "example": ["Gas deal.", "Gas deal.", "Aukus pact."]})


def test_chart_distinctive_terms():
    spec = charts.chart_distinctive_terms(_terms()).to_dict()
    assert spec["facet"]["row"]["field"] == "outlet"
    inner = spec["spec"]
    assert inner["mark"]["type"] == "bar"
    assert inner["encoding"]["x"]["field"] == "z" and inner["encoding"]["y"]["sort"] == "-x"
    assert inner["encoding"]["color"]["field"] == "outlet"
    assert "example" in [t["field"] for t in inner["encoding"]["tooltip"]]
    assert spec["resolve"]["scale"]["y"] == "independent"


def test_chart_distinctive_scatter_caps_points_by_abs_z():
    spec = charts.chart_distinctive_scatter(_terms(), max_points=2).to_dict()
    assert spec["mark"]["type"] == "circle"
    assert spec["encoding"]["x"]["scale"]["type"] == "log"
    assert [(r["term"], r["total"]) for r in _data(spec)] == [("gas", 4), ("aukus", 2)]


def test_chart_similarity_heatmap_and_map():
    table = pd.DataFrame({"article_a": ["x", "x", "y", "y"], "article_b": ["x", "y", "x", "y"],
                          "outlet_a": ["A", "A", "B", "B"], "outlet_b": ["A", "B", "A", "B"],
                          "label_a": ["A · x", "A · x", "B · y", "B · y"],
                          "label_b": ["A · x", "B · y", "A · x", "B · y"],
                          "headline_a": ["H1", "H1", "H2", "H2"],
                          "headline_b": ["H1", "H2", "H1", "H2"], "cosine": [1.0, 0.25, 0.25, 1.0]})
    spec = charts.chart_similarity_heatmap(table).to_dict()
    assert _layer_marks(spec) == ["rect", "text"]
    assert spec["layer"][0]["encoding"]["color"]["field"] == "cosine"
    assert len(_data(spec)) == 4
    points = pd.DataFrame({"article_id": ["x", "y"], "outlet": ["A", "B"],
                           "label": ["A · x", "B · y"],
                           "headline": ["H1", "H2"], "x": [0.5, 0.4], "y": [0.1, -0.2]})
    spec = charts.chart_article_map(points).to_dict()
    assert _layer_marks(spec) == ["circle", "text"]
    assert spec["layer"][0]["encoding"]["color"]["field"] == "outlet"
    assert "headline" in [t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]]
