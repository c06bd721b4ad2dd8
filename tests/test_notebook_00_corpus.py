"""notebooks/00_corpus.ipynb runs top to bottom on the seeds, offline, and writes its tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def test_corpus_notebook_runs_and_writes_tables(executed_notebook):
    nb = executed_notebook("00_corpus")
    outputs = _outputs(nb)
    assert not [o for o in outputs if o.output_type == "error"]
    tables = Path(nb.metadata["framekit_tables_dir"])
    articles = pd.read_csv(tables / "articles.csv")
    assert len(articles) == 5 and {"outlet", "headline", "byline", "published",
                                   "words"} <= set(articles.columns)
    removed = pd.read_csv(tables / "removed.csv")
    assert list(removed.columns) == ["article_id", "outlet", "text", "reason"]
    assert removed["text"].str.endswith("Credit: AP").any()
    files = pd.read_csv(tables / "files.csv")
    assert (files["status"] == "parsed").sum() == 5
    markdown = " ".join(o["data"]["text/markdown"] for o in outputs
                        if "text/markdown" in o.get("data", {}))
    assert "small sample" in markdown and "lines were removed from 5 articles" in markdown
