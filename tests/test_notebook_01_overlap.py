"""The framing-overlap sections of notebooks/01_framing.ipynb (distinctive words, wire copy,
left-out facts) run on the seeds and write tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

OWNER = "framing-overlap"


@pytest.fixture(scope="module")
def run(executed_notebook):
    nb = executed_notebook("01_framing")
    return nb, Path(nb.metadata["framekit_tables_dir"])


def _outputs(nb, owner=None):
    return [o for c in nb.cells if c.cell_type == "code"
            and (owner is None or c.metadata.get("framekit_owner") == owner) for o in c.outputs]


def test_notebook_runs_without_errors(run):
    nb, _ = run
    assert not [o for o in _outputs(nb) if o.output_type == "error"]
    mine = _outputs(nb, OWNER)
    markdown = [o["data"]["text/markdown"] for o in mine if "text/markdown" in o.get("data", {})]
    assert len(markdown) == 3  # one generated sentence per section (similarity: notebook 03)
    charts = [o for o in mine if any("vegalite" in k for k in o.get("data", {}))]
    assert len(charts) == 4


def test_distinctive_terms_csv(run):
    _, tables = run
    terms = pd.read_csv(tables / "distinctive_terms.csv")
    assert {"outlet", "term", "z"} <= set(terms.columns)
    assert terms["outlet"].nunique() == 5
    # Each outlet against the rest: a term's counts add up to the same total in every outlet.
    totals = (terms["count"] + terms["count_rest"]).groupby(terms["term"]).nunique()
    assert (totals == 1).all()


def test_wire_overlap_csv_shows_the_shared_ap_story(run):
    _, tables = run
    overlap = pd.read_csv(tables / "wire_overlap.csv")
    assert {"outlet_a", "outlet_b", "share_of_a_in_b"} <= set(overlap.columns)
    assert len(overlap) == 5 * 4
    pair = overlap[overlap["outlet_a"].isin(["CBC News", "Action News"])
                   & overlap["outlet_b"].isin(["CBC News", "Action News"])]
    smaller = pair.sort_values("n_sentences_a").iloc[0]
    assert smaller["share_of_a_in_b"] >= 0.8
    assert smaller["share_low"] <= smaller["share_of_a_in_b"] <= smaller["share_high"]
    others = overlap[~overlap.index.isin(pair.index)]
    assert smaller["share_of_a_in_b"] > others["share_of_a_in_b"].max()


def test_every_outlet_has_a_unique_sentence(run):
    _, tables = run
    overlap = pd.read_csv(tables / "wire_overlap.csv")
    unique = pd.read_csv(tables / "unique_sentences.csv")
    assert set(unique["outlet"]) == set(overlap["outlet_a"])
    matches = pd.read_csv(tables / "sentence_matches.csv")
    shared = set(matches["text_a"]) | set(matches["text_b"])
    assert not set(unique["text"]) & shared


def test_coverage_matrix_csv(run):
    _, tables = run
    matrix = pd.read_csv(tables / "coverage_matrix.csv")
    assert {"cluster_id", "label", "outlet", "present", "sentence"} <= set(matrix.columns)
    assert (matrix.groupby("cluster_id")["outlet"].nunique() == 5).all()
    carried = matrix[matrix["present"]]
    assert carried["sentence"].notna().all()

    def carriers(word):
        return set(carried[carried["sentence"].str.contains(word, case=False)]["outlet"])

    assert carriers("Kevin Rudd") == {"CBC News", "Action News"}
    assert carriers("Aukus") == {o for o in matrix["outlet"] if o.startswith("Unknown outlet")}
    assert "ITV News" in carriers("Uyghurs") and not any(
        o.startswith("Unknown outlet") for o in carriers("Uyghurs"))
