"""Chart builders stay small on large collections: few data rows, default MaxRowsError armed."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import pytest

from helpers import charts

OUTLETS = [f"Outlet {k:02d}" for k in range(20)]
N_ARTICLES = 10_000
LONG = "A sentence that goes on and on. " * 20  # 640 characters, clipped in tooltips


@pytest.fixture(autouse=True)
def default_transformer():
    """Altair's default data transformer, so a chart over 5,000 rows raises MaxRowsError."""
    charts.use_outlets(OUTLETS)
    with alt.data_transformers.enable("default"):
        yield


def _rows(chart: alt.TopLevelMixin) -> int:
    spec = chart.to_dict()
    assert len(json.dumps(spec)) < 600_000
    return sum(len(rows) for rows in spec.get("datasets", {}).values())


def _grid(n_rows: int, key: str, **columns) -> pd.DataFrame:
    """``n_rows`` values of ``key`` for every outlet."""
    table = pd.DataFrame([(o, f"{key} {k:04d}") for o in OUTLETS for k in range(n_rows)],
                         columns=["outlet", key])
    rng = np.random.default_rng(0)
    for name, kind in columns.items():
        table[name] = rng.random(len(table)) if kind == "float" else (
            rng.integers(0, 50, len(table)) if kind == "int" else LONG)
    return table


def test_headline_actors_counts_per_outlet_above_the_limit():
    table = pd.DataFrame({"outlet": [OUTLETS[k % 20] for k in range(N_ARTICLES)],
                          "article_id": [f"a{k:05d}.txt" for k in range(N_ARTICLES)],
                          "headline": LONG, "first_actor": "Putin",
                          "subject": [("Putin", "Xi", "Biden")[k // 20 % 3]
                                      for k in range(N_ARTICLES)],
                          "headline_verb": [("says", "warns")[k // 60 % 2]
                                            for k in range(N_ARTICLES)],
                          "verb_class": "neutral", "standfirst": LONG, "lead": LONG})
    chart = charts.chart_headline_actors(table)
    assert _rows(chart) == len(OUTLETS)
    data = chart.data
    first = data.set_index("outlet").loc[OUTLETS[0], "label"]
    assert first.count("(") == 3  # the three most frequent labels with their counts
    assert data["headline"].str.len().max() <= 160


@pytest.mark.parametrize(("builder", "table", "limit"), [
    ("chart_actor_heatmap", _grid(300, "actor", per_1000_words="float", mentions="int",
                                  first_position="float", origin="text", example="text"),
     25 * 20),
    ("chart_quotes_by_speaker", _grid(300, "speaker", quotes="int", words="int", example="text"),
     15 * 20),
    ("chart_attribution_verbs", _grid(300, "verb", count="int", share="float", speakers="text",
                                      example="text").assign(verb_class="loaded"), 25 * 20),
    ("chart_actor_tone", _grid(300, "actor", sentences="int", mean="float", low="float",
                               high="float", example="text"), 6 * 20),
])
def test_framing_builders_keep_the_top_rows(builder, table, limit):
    assert len(table) > 5000
    assert _rows(getattr(charts, builder)(table)) <= limit


def test_coverage_matrix_keeps_the_most_informative_facts():
    facts = 3000
    n_outlets = np.array([1 + k % 20 for k in range(facts)])
    matrix = pd.DataFrame({
        "cluster_id": np.repeat(np.arange(facts), 20), "label": LONG,
        "outlet": OUTLETS * facts, "n_outlets": np.repeat(n_outlets, 20),
        "sentence": LONG})
    matrix["present"] = np.tile(np.arange(20), facts) < matrix["n_outlets"]
    chart = charts.chart_coverage_matrix(matrix)
    assert _rows(chart) == 40 * 20
    kept = chart.data.drop_duplicates("cluster_id")
    assert kept["n_outlets"].tolist() == [19] * 40  # carried by 19 of 20, missing in one
    few = matrix[matrix["cluster_id"] < 45]  # 43 facts left out somewhere (2 carried by all)
    assert _rows(charts.chart_coverage_matrix(few, max_facts=None)) == 20 * 43
    kept = charts.chart_coverage_matrix(few).data.drop_duplicates("cluster_id")
    assert len(kept) == 40 and kept["n_outlets"].min() == 2  # the 3 single-outlet facts go


def test_similarity_heatmap_switches_to_outlets_above_the_limit():
    n = 300
    ids = [f"a{k:03d}.txt" for k in range(n)]
    pairs = pd.DataFrame([(a, b) for a in ids for b in ids], columns=["article_a", "article_b"])
    outlet = {a: OUTLETS[k % 20] for k, a in enumerate(ids)}
    pairs = pairs.assign(outlet_a=pairs["article_a"].map(outlet),
                         outlet_b=pairs["article_b"].map(outlet), label_a=pairs["article_a"],
                         label_b=pairs["article_b"], headline_a=LONG, headline_b=LONG,
                         cosine=0.5)
    assert len(pairs) == 90_000
    chart = charts.chart_similarity_heatmap(pairs)
    assert _rows(chart) == 20 * 20
    assert chart.data["pairs"].sum() == 90_000
    outlet_table = pd.DataFrame([(a, b, 4, 0.25) for a in OUTLETS for b in OUTLETS],
                                columns=["outlet_a", "outlet_b", "pairs", "cosine"])
    chart = charts.chart_similarity_heatmap(pairs, outlet_table=outlet_table)
    assert _rows(chart) == 400 and set(chart.data["cosine"]) == {0.25}
    small = pairs[pairs["article_a"].isin(ids[:40]) & pairs["article_b"].isin(ids[:40])]
    assert _rows(charts.chart_similarity_heatmap(small, outlet_table=outlet_table)) == 1600


def test_article_map_samples_by_outlet():
    points = pd.DataFrame({"article_id": [f"a{k:05d}.txt" for k in range(N_ARTICLES)],
                           "outlet": [OUTLETS[0] if k < 5000 else OUTLETS[1 + k % 19]
                                      for k in range(N_ARTICLES)],
                           "label": "x", "headline": LONG,
                           "x": np.linspace(0, 1, N_ARTICLES), "y": 0.0})
    chart = charts.chart_article_map(points)
    assert _rows(chart) <= 2000
    shares = chart.data["outlet"].value_counts()
    assert shares[OUTLETS[0]] == 1000  # half of the articles, half of the points
    assert chart.data.equals(charts.chart_article_map(points).data)  # deterministic
    assert _rows(charts.chart_article_map(points.head(30))) == 30


def test_article_lengths_become_a_histogram_above_the_limit():
    articles = pd.DataFrame({"outlet": [OUTLETS[k % 20] for k in range(N_ARTICLES)],
                             "source": [f"a{k:05d}.txt" for k in range(N_ARTICLES)],
                             "headline": LONG, "words": np.arange(N_ARTICLES) % 1000 + 100,
                             "paragraphs": 10, "removed": 2})
    chart = charts.chart_article_lengths(articles)
    spec = chart.to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) <= len(OUTLETS) * 30
    assert sum(row["articles"] for row in rows) == N_ARTICLES
    assert min(row["from"] for row in rows) == 100 and max(row["to"] for row in rows) == 1099
    small = charts.chart_article_lengths(articles.head(50))
    assert len(next(iter(small.to_dict()["datasets"].values()))) == 50
