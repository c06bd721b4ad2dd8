"""Notebook 01_framing runs top to bottom on the seeds and writes the framing tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

CONTRACTS = {
    "actors": ["outlet", "actor", "mentions", "per_1000_words", "first_position"],
    "quotes": ["outlet", "speaker", "verb", "quote"],
    "frames": ["outlet", "frame", "hits", "per_1000_words"],
    "headlines": ["outlet", "headline", "first_actor", "headline_verb", "standfirst", "lead"],
    "attributions": ["outlet", "speaker", "verb", "verb_class", "kind", "text"],
    "attribution_verbs": ["outlet", "verb", "verb_class", "count", "share"],
    "tone": ["outlet", "sentences", "mean", "low", "high"],
    "actor_tone": ["outlet", "actor", "sentences", "mean", "low", "high"],
}


@pytest.fixture(scope="module")
def notebook(executed_notebook):
    return executed_notebook("01_framing")


@pytest.fixture(scope="module")
def tables(notebook) -> dict[str, pd.DataFrame]:
    folder = Path(notebook.metadata["framekit_tables_dir"])
    return {name: pd.read_csv(folder / f"{name}.csv", keep_default_na=False,
                              na_values=[""]) for name in CONTRACTS}


def test_no_cell_raised(notebook):
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert errors == []


def test_framing_text_cells_come_first_and_every_section_shows_a_sentence(notebook):
    cells = [c for c in notebook.cells
             if "injected-parameters" not in c.metadata.get("tags", [])]
    owners = [c.metadata.get("framekit_owner") for c in cells]
    mine = [i for i, owner in enumerate(owners) if owner == "framing-text"]
    assert mine == list(range(len(mine)))
    markdown = [o for i in mine for o in cells[i].get("outputs", [])
                if "text/markdown" in o.get("data", {})]
    assert len(markdown) == 6


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_tables_have_the_contract_columns(tables, name):
    assert set(CONTRACTS[name]) <= set(tables[name].columns)
    if name in {"actors", "quotes", "frames"}:  # the CSV contracts, in this order
        assert list(tables[name].columns[:len(CONTRACTS[name])]) == CONTRACTS[name]
    assert len(tables[name]) > 0


def test_putin_and_xi_are_named_by_every_outlet(tables):
    actors = tables["actors"]
    outlets = set(actors["outlet"])
    assert len(outlets) == 5
    for actor in ("Putin", "Xi"):
        named = actors[(actors["actor"] == actor) & (actors["mentions"] > 0)]
        assert set(named["outlet"]) == outlets
        assert named["first_position"].between(0, 1).all()


def test_xi_is_quoted_with_say(tables):
    quotes = tables["quotes"]
    xi = quotes[(quotes["speaker"] == "Xi") & (quotes["verb"] == "say")]
    assert xi["quote"].str.startswith("This is a strategic decision").any()
    assert set(xi["outlet"]) >= {"ITV News", "CBC News", "Action News"}


def test_the_unknown_outlet_uses_loaded_verbs_for_putin(tables):
    attributions = tables["attributions"]
    unknown = attributions[attributions["outlet"].str.contains("002")]
    putin = unknown[(unknown["speaker"] == "Putin") & (unknown["verb_class"] == "loaded")]
    assert {"allege", "claim"} <= set(putin["verb"])
    others = attributions[~attributions["outlet"].str.contains("002")]
    assert not ((others["speaker"] == "Putin") & others["verb"].isin(["allege", "claim"])).any()


def test_frames_cover_every_outlet_and_frame(tables):
    frames = tables["frames"]
    assert len(frames) == 5 * frames["frame"].nunique()
    security = frames[frames["frame"] == "security/military"]
    assert (security["hits"] > 0).all()


def test_headlines_put_putin_or_china_first(tables):
    assert set(tables["headlines"]["first_actor"]) == {"Putin", "China"}


def test_tone_intervals_bracket_the_means(tables):
    tone = tables["tone"]
    assert ((tone["low"] <= tone["mean"]) & (tone["mean"] <= tone["high"])).all()
    assert tone["mean"].between(-1, 1).all()
