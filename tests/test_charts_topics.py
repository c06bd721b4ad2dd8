"""Tests for the topic chart builders (specs via ``to_dict()``)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from helpers import charts

TOPICS = pd.DataFrame({"topic": [1, 2], "label": ["summit, xi", "nato, war"],
                       "top_terms": ["summit, xi, putin", "nato, war, troops"],
                       "weight": [0.6, 0.4]})
TERMS = pd.DataFrame({"topic": [1, 1, 2, 2], "label": ["summit, xi"] * 2 + ["nato, war"] * 2,
                      "rank": [1, 2, 1, 2], "term": ["summit", "xi", "nato", "war"],
                      "weight": [0.3, 0.2, 0.4, 0.1]})
SELECTION = pd.DataFrame({"k": [2, 3], "coherence": [0.3, 0.1], "stability": [1.0, 0.7],
                          "score": [0.825, 0.625], "chosen": [True, False],
                          "manual": [False, False]})
SHARES = pd.DataFrame({"outlet": ["A", "A", "B", "B"], "topic": [1, 2, 1, 2],
                       "label": ["summit, xi", "nato, war"] * 2, "share": [0.7, 0.3, 0.4, 0.6],
                       "share_low": [0.5, 0.1, 0.2, 0.4], "share_high": [0.9, 0.5, 0.6, 0.8],
                       "words": [70.0, 30.0, 40.0, 60.0]})
POSITIONS = pd.DataFrame({"outlet": ["A", "A", "A", "A"],
                          "section": ["lead", "lead", "late", "late"],
                          "topic": [1, 2, 1, 2], "label": ["summit, xi", "nato, war"] * 2,
                          "share": [1.0, 0.0, 0.25, 0.75], "units": [1, 1, 3, 3]})
PARAGRAPHS = pd.DataFrame({
    "topic": [1, 2], "label": ["summit, xi", "nato, war"], "rank": [1, 1], "weight": [0.9, 0.8],
    "outlets": ["A; B", "B"], "n_outlets": [2, 1], "article_id": ["a", "b"], "position": [0, 3],
    "text": ["Xi met Putin. " * 30, "<script>alert(1)</script> Nato troops."]})


def _rows(spec: dict) -> list[dict]:
    return next(iter(spec["datasets"].values()))


def test_selection_chart():
    spec = charts.chart_topic_selection(SELECTION).to_dict()
    assert spec["mark"]["type"] == "line" and spec["mark"]["point"] is True
    assert spec["encoding"]["x"]["field"] == "k"
    assert spec["transform"][0]["fold"] == ["coherence", "stability", "score"]
    assert "k = 2 chosen" in spec["title"]
    assert len(_rows(spec)) == 2 and spec["encoding"]["tooltip"]


def test_terms_chart():
    spec = charts.chart_topic_terms(TERMS).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["facet"]["field"] == "label"
    assert spec["encoding"]["facet"]["sort"] == ["summit, xi", "nato, war"]
    assert spec["encoding"]["color"]["scale"]["domain"] == ["summit, xi", "nato, war"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert len(_rows(spec)) == 4 and spec["encoding"]["tooltip"]


def test_shares_chart():
    spec = charts.chart_topic_shares(SHARES).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["x"]["field"] == "share" and spec["encoding"]["x"]["stack"] == "zero"
    assert spec["encoding"]["y"]["field"] == "outlet"
    assert spec["encoding"]["order"]["field"] == "topic"
    assert {t["field"] for t in spec["encoding"]["tooltip"]} >= {"share_low", "share_high"}
    assert len(_rows(spec)) == 4


def test_positions_chart():
    spec = charts.chart_topic_positions(POSITIONS).to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["x"]["sort"] == ["lead", "early", "late"]
    assert spec["encoding"]["facet"]["field"] == "outlet"
    assert spec["encoding"]["color"]["field"] == "share"
    assert len(_rows(spec)) == 4 and spec["encoding"]["tooltip"]


def test_paragraph_browser_is_an_altair_selection():
    chart = charts.chart_topic_paragraphs(TOPICS, PARAGRAPHS)
    assert isinstance(chart, alt.VConcatChart)
    spec = chart.to_dict()
    bars, listing = spec["vconcat"]
    param = spec["params"][0]
    assert param["views"] == [bars["name"]]
    assert param["select"]["type"] == "point" and param["select"]["fields"] == ["topic"]
    assert param["value"] == [{"topic": 1}]
    assert listing["transform"][0] == {"filter": {"param": param["name"], "empty": False}}
    assert listing["mark"]["type"] == "text" and listing["encoding"]["tooltip"]
    rows = [r for data in spec["datasets"].values() for r in data if "lines" in r]
    assert len(rows) == 2
    assert all(len(r["text"]) <= 200 for r in rows)
    assert rows[0]["lines"].startswith("A; B: Xi met Putin.")
    assert max(len(line) for r in rows for line in r["lines"].split("\n")) <= 95


@pytest.mark.parametrize("builder", ["chart_topic_selection", "chart_topic_terms",
                                     "chart_topic_shares", "chart_topic_positions"])
def test_builders_return_charts(builder):
    table = {"chart_topic_selection": SELECTION, "chart_topic_terms": TERMS,
             "chart_topic_shares": SHARES, "chart_topic_positions": POSITIONS}[builder]
    assert isinstance(getattr(charts, builder)(table), alt.Chart)
