"""notebooks/02_readability.ipynb runs top to bottom on the seeds, offline, writes its tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers import paths

NOTEBOOK = paths.NOTEBOOKS / "02_readability.ipynb"


@pytest.mark.slow
def test_readability_notebook_runs_and_writes_tables(executed_notebook, seed_corpus):
    nb = executed_notebook("02_readability")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    charts = [o for o in outputs if "application/vnd.vegalite.v5+json" in o.get("data", {})
              or "text/html" in o.get("data", {})]
    assert len(charts) >= 5
    tables = Path(nb.metadata["framekit_tables_dir"])
    scores = pd.read_csv(tables / "readability.csv")
    assert len(scores) == len(seed_corpus.articles) == 5
    assert list(scores.columns[:3]) == ["outlet", "article", "article_id"]
    assert "Putin and Xi call for halt to Nato expansion amid Ukraine tensions" in set(
        scores["article"])
    assert {"outlet", "article_id", "flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog",
            "smog_index", "coleman_liau_index", "automated_readability_index", "dale_chall",
            "linsear_write", "text_standard", "words", "sentences", "words_per_sentence",
            "syllables_per_word", "difficult_word_share", "long_sentence_share", "mtld",
            "short_text", "smog_unreliable", "kit_sentences"} <= set(scores.columns)
    assert scores["flesch_kincaid_grade"].between(6, 22).all()
    assert scores["flesch_reading_ease"].between(0, 80).all()
    assert scores["mtld"].between(40, 250).all()
    intervals = pd.read_csv(tables / "readability_intervals.csv")
    assert (intervals["low"] <= intervals["estimate"]).all()
    assert (intervals["estimate"] <= intervals["high"]).all()
    assert set(intervals["outlet"]) == set(scores["outlet"])
    assert len(pd.read_csv(tables / "readability_paragraphs.csv")) > 50
    markdown = " ".join(o["data"]["text/markdown"] for o in outputs
                        if "text/markdown" in o.get("data", {}))
    assert "By Flesch–Kincaid" in markdown and "outlet pairs overlap" in markdown
