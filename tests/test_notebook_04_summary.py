"""notebooks/04_summary.ipynb runs on the seeds (through the seed report) and writes its tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def test_summary_notebook_writes_article_features(executed_notebook):
    nb = executed_notebook("04_summary")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    tables = Path(nb.metadata["framekit_tables_dir"])
    features = pd.read_csv(tables / "article_features.csv")
    assert len(features) == 5
    assert {"flesch_kincaid_grade", "quoted_share", "tone_mean", "mentions_Putin",
            "frame_conflict"} <= set(features.columns)
    assert (features["mentions_Putin"] > 0).all()
    profiles = pd.read_csv(tables / "outlet_profiles.csv")
    assert profiles["outlet"].nunique() == 5
    text = " ".join(o["data"]["text/markdown"] for o in outputs
                    if "text/markdown" in o.get("data", {}))
    assert "stands out most on" in text
