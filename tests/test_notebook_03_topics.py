"""notebooks/03_topics.ipynb runs top to bottom on the seeds, offline, and writes its tables."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from helpers import paths

NOTEBOOK = paths.NOTEBOOKS / "03_topics.ipynb"


def test_parameters_cell_offers_k_and_method():
    """The generic notebook checks live in test_notebooks.py; these two parameters are 03's own."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    [cell] = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert "n_topics: int = 0  # number of topics; 0 chooses k automatically" in cell.source
    assert 'method: str = "nmf"' in cell.source


@pytest.mark.slow
def test_topics_notebook_runs_and_writes_tables(executed_notebook, seed_corpus):
    nb = executed_notebook("03_topics")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    specs = [json.dumps(o["data"]) for o in outputs
             if any(k.startswith("application/vnd.vegalite") or k == "text/html"
                    for k in o.get("data", {}))]
    assert len(specs) >= 5
    assert any('"select"' in s and "topic_pick" in s for s in specs)  # the click selection

    tables = Path(nb.metadata["framekit_tables_dir"])
    found = pd.read_csv(tables / "topics.csv")
    assert {"topic", "label", "top_terms"} <= set(found.columns)
    k = len(found)
    selection = pd.read_csv(tables / "topic_selection.csv")
    assert selection["chosen"].sum() == 1
    assert selection.loc[selection["chosen"], "k"].item() == k
    assert 2 <= k <= 8 and found["label"].is_unique
    shares = pd.read_csv(tables / "topic_shares.csv")
    assert {"outlet", "topic", "share"} <= set(shares.columns)
    assert set(shares["outlet"]) == set(seed_corpus.outlets)
    assert len(shares) == k * len(seed_corpus.outlets)
    assert shares.groupby("outlet")["share"].sum().round(6).eq(1).all()
    assert (shares["share_low"] <= shares["share"] + 1e-9).all()
    positions = pd.read_csv(tables / "topic_positions.csv")
    assert set(positions["section"]) == {"lead", "early", "late"}
    paragraphs = pd.read_csv(tables / "topic_paragraphs.csv")
    assert paragraphs["text"].str.len().max() <= 200
    assert (paragraphs["n_outlets"] > 1).any()  # the seeds share AP wire paragraphs
    markdown = " ".join(o["data"]["text/markdown"] for o in outputs
                        if "text/markdown" in o.get("data", {}))
    assert f"k = {k} topics" in markdown and "largest first" in markdown


@pytest.mark.slow
def test_similarity_section_compares_whole_articles(executed_notebook):
    """How alike the articles are (TF-IDF cosine) closes the topics notebook: the pairs table,
    a heatmap and a map, and a sentence generated from the pairs."""
    nb = executed_notebook("03_topics")
    tables = Path(nb.metadata["framekit_tables_dir"])
    pairs = pd.read_csv(tables / "article_similarity.csv")
    assert len(pairs) == 25  # every ordered pair of the five seed articles, itself included
    top = pairs[pairs["article_a"] < pairs["article_b"]].sort_values("cosine").iloc[-1]
    assert {top["outlet_a"], top["outlet_b"]} == {"CBC News", "Action News"}
    assert len(pd.read_csv(tables / "article_map.csv")) == 5
    start = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "markdown" and c.source.startswith("## How alike"))
    section = nb.cells[start:next(i for i, c in enumerate(nb.cells)
                                  if i > start and c.cell_type == "markdown")]
    outputs = [o for c in section if c.cell_type == "code" for o in c.outputs]
    assert len([o for o in outputs if any("vegalite" in k for k in o.get("data", {}))]) == 2
    assert any("text/markdown" in o.get("data", {}) for o in outputs)
