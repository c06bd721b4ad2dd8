"""Readability and topic charts stay small on big tables (rows under Altair's limit, few bytes)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from helpers import charts
from helpers.charts import readability as rc
from helpers.charts import topics as tc

N_OUTLETS = 60
OUTLETS = [f"Outlet {i:02d}" for i in range(N_OUTLETS)]
ROW_LIMIT = 1000  #: far under Altair's 5,000-row limit
BYTE_LIMIT = 200_000


@pytest.fixture(autouse=True)
def outlets():
    charts.use_outlets(OUTLETS[:20])


def _check(chart) -> dict:
    spec = chart.to_dict()
    rows = sum(len(d) for d in spec.get("datasets", {}).values())
    assert 0 < rows <= ROW_LIMIT, rows
    assert len(json.dumps(spec)) < BYTE_LIMIT
    return spec


def _dataset_outlets(spec: dict) -> set[str]:
    return {r["outlet"] for d in spec["datasets"].values() for r in d if "outlet" in r}


def test_readability_charts_on_10000_articles_and_150000_paragraphs():
    rng = np.random.default_rng(0)
    n_articles, n_paragraphs = 10_000, 150_000
    scores = pd.DataFrame({"outlet": rng.choice(OUTLETS, n_articles), "english": True,
                           **{m: rng.normal(10, 3, n_articles) for m in rc.GRADE_LABELS}})
    spec = _check(charts.chart_grade_levels(scores))
    assert len(_dataset_outlets(spec)) == rc.MAX_OUTLETS
    assert f"of {N_OUTLETS} outlets" in spec["title"]
    paragraphs = pd.DataFrame({"outlet": rng.choice(OUTLETS, n_paragraphs),
                               "flesch_kincaid_grade": rng.normal(10, 4, n_paragraphs)})
    spec = _check(charts.chart_paragraph_spread(paragraphs))
    assert len(next(iter(spec["datasets"].values()))) == rc.MAX_OUTLETS  # one row per outlet
    intervals = pd.DataFrame({"outlet": OUTLETS * 2,
                              "metric": ["flesch_kincaid_grade"] * N_OUTLETS
                              + ["flesch_reading_ease"] * N_OUTLETS,
                              "estimate": 10.0, "low": 9.0, "high": 11.0,
                              "n_paragraphs": list(range(N_OUTLETS)) * 2})
    spec = _check(charts.chart_intervals(intervals))
    assert _dataset_outlets(spec) == set(OUTLETS[-rc.MAX_OUTLETS:])  # the most paragraphs
    sentences = pd.DataFrame({"outlet": rng.choice(OUTLETS, 400_000),
                              "words": rng.integers(1, 400, 400_000)})
    spec = _check(charts.chart_sentence_lengths(sentences))
    lines = next(d for d in spec["datasets"].values() if d and "bin" in d[0])
    assert max(r["bin"] for r in lines) == rc.MAX_SENTENCE_WORDS
    assert any(r["range"] == f"{rc.MAX_SENTENCE_WORDS}+" for r in lines)


def test_sentence_length_bins_unchanged_below_the_cap():
    sentences = pd.DataFrame({"outlet": ["A"] * 3, "words": [3, 12, 31]})
    spec = charts.chart_sentence_lengths(sentences).to_dict()
    lines = next(d for d in spec["datasets"].values() if d and "bin" in d[0])
    assert [(r["bin"], r["range"]) for r in lines] == [(0, "0–4"), (10, "10–14"), (30, "30–34")]
    assert spec["title"] == "Sentence length (kit's sentence splitter)"


def _topic_tables(k: int = 12):
    labels = [f"topic {t}, term" for t in range(1, k + 1)]
    topics = pd.DataFrame({"topic": range(1, k + 1), "label": labels,
                           "top_terms": labels, "weight": np.full(k, 1 / k)})
    terms = pd.DataFrame([(t, labels[t - 1], r, f"term{t}_{r}", 0.1)
                          for t in range(1, k + 1) for r in range(1, 11)],
                         columns=["topic", "label", "rank", "term", "weight"])
    shares = pd.DataFrame([(o, t, labels[t - 1], 1 / k, 0.0, 1.0, 100.0 + i)
                           for i, o in enumerate(OUTLETS) for t in range(1, k + 1)],
                          columns=["outlet", "topic", "label", "share", "share_low",
                                   "share_high", "words"])
    positions = pd.DataFrame([(o, s, t, labels[t - 1], 1 / k, 5 + i)
                              for i, o in enumerate(OUTLETS) for s in tc.SECTIONS
                              for t in range(1, k + 1)],
                             columns=["outlet", "section", "topic", "label", "share", "units"])
    paragraphs = pd.DataFrame([(t, labels[t - 1], r, 0.5, "; ".join(OUTLETS), N_OUTLETS, "a",
                                r, "word " * 300) for t in range(1, k + 1) for r in range(1, 201)],
                              columns=["topic", "label", "rank", "weight", "outlets",
                                       "n_outlets", "article_id", "position", "text"])
    return topics, terms, shares, positions, paragraphs


def test_topic_charts_on_many_outlets_topics_and_paragraphs():
    topics, terms, shares, positions, paragraphs = _topic_tables()
    _check(charts.chart_topic_terms(terms))
    spec = _check(charts.chart_topic_shares(shares))
    assert _dataset_outlets(spec) == set(OUTLETS[-tc.MAX_OUTLETS:])  # the most words
    assert f"{tc.MAX_OUTLETS} of {N_OUTLETS} outlets" in spec["title"]
    spec = _check(charts.chart_topic_positions(positions))
    assert len(_dataset_outlets(spec)) == tc.MAX_OUTLETS
    spec = _check(charts.chart_topic_paragraphs(topics, paragraphs))
    listed = next(d for d in spec["datasets"].values() if d and "lines" in d[0])
    assert len(listed) == len(topics) * tc.MAX_PARAGRAPHS
    assert max(r["rank"] for r in listed) == tc.MAX_PARAGRAPHS
    assert all(r["outlets"].endswith(f"and {N_OUTLETS - tc.MAX_LISTED_OUTLETS} more")
               for r in listed)
    selection = pd.DataFrame({"k": range(2, 9), "coherence": 0.1, "stability": 0.5,
                              "score": 0.5, "chosen": [True] + [False] * 6, "manual": False})
    _check(charts.chart_topic_selection(selection))
