"""Tests for helpers.actors on handmade sentence tables with exact expected counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.actors import (
    count_actor_mentions,
    describe_actors,
    find_actor_mentions,
    suggest_actors,
)
from helpers.corpus import count_words

LEXICON = {"Putin": ["Putin", "Vladimir Putin", "Mr Putin", "the Russian president",
                     "Russian President Vladimir Putin"],
           "Xi": ["Xi", "Xi Jinping", "Mr Xi"]}


def make_sentences(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(article_id, outlet, text) rows → a corpus-like sentences table."""
    frame = pd.DataFrame(rows, columns=["article_id", "outlet", "text"])
    frame["position"] = frame.groupby("article_id").cumcount()
    frame["paragraph"] = frame["position"]
    frame["words"] = frame["text"].map(count_words)
    return frame


SENTENCES = make_sentences([
    ("a1", "Alpha", "The Olympics opened in a taxi-filled city."),         # 7 words, nothing
    ("a1", "Alpha", "Russian President Vladimir Putin met Xi Jinping."),     # Putin once, Xi once
    ("a1", "Alpha", "Mr Putin praised Mr Xi; the Russian president smiled."),  # Putin 2, Xi 1
    ("a1", "Alpha", "Xinhua reported it."),                                # not Xi
    ("b1", "Beta", "Xi spoke first."),
    ("b1", "Beta", "Then Putin, Vladimir Putin, replied."),                # apposition: once
])


def test_mentions_use_aliases_longest_first_and_word_boundaries():
    mentions = find_actor_mentions(SENTENCES, lexicon=LEXICON)
    assert mentions[["article_id", "position", "actor", "alias"]].values.tolist() == [
        ["a1", 1, "Putin", "Russian President Vladimir Putin"], ["a1", 1, "Xi", "Xi Jinping"],
        ["a1", 2, "Putin", "Mr Putin"], ["a1", 2, "Xi", "Mr Xi"],
        ["a1", 2, "Putin", "the Russian president"],
        ["b1", 0, "Xi", "Xi"], ["b1", 1, "Putin", "Putin"],
    ]
    assert mentions["relative_position"].tolist() == [0.25, 0.25, 0.5, 0.5, 0.5, 0.0, 0.5]


def test_counts_per_outlet_with_rates_and_first_position():
    table = count_actor_mentions(SENTENCES, lexicon=LEXICON, suggest=0)
    words = SENTENCES.groupby("outlet")["words"].sum()
    assert words.to_dict() == {"Alpha": 26, "Beta": 8}
    got = table.set_index(["outlet", "actor"])
    assert got.loc[("Alpha", "Putin"), "mentions"] == 3
    assert got.loc[("Alpha", "Xi"), "mentions"] == 2
    assert got.loc[("Beta", "Putin"), "mentions"] == 1
    assert got.loc[("Alpha", "Putin"), "per_1000_words"] == pytest.approx(3000 / 26)
    assert got.loc[("Beta", "Xi"), "per_1000_words"] == pytest.approx(125.0)
    assert got.loc[("Alpha", "Xi"), "first_position"] == 0.25
    assert got.loc[("Beta", "Putin"), "first_position"] == 0.5
    assert got.loc[("Alpha", "Xi"), "example"] == "Russian President Vladimir Putin met Xi Jinping."
    assert list(table.columns[:5]) == ["outlet", "actor", "mentions", "per_1000_words",
                                       "first_position"]


def test_zero_rows_keep_the_grid_complete():
    sentences = pd.concat([SENTENCES, make_sentences([("c1", "Gamma", "Nobody is named here.")])])
    table = count_actor_mentions(sentences, lexicon=LEXICON, suggest=0)
    gamma = table[table["outlet"] == "Gamma"]
    assert gamma["mentions"].tolist() == [0, 0]
    assert gamma["first_position"].isna().all()


def test_suggestions_come_from_capitalised_sequences_not_in_the_lexicon():
    sentences = make_sentences([
        ("a1", "Alpha", "The talks with Kevin Rudd and the Asia Society went on."),
        ("a1", "Alpha", "Analysts said Kevin Rudd was right, Putin said."),
        ("b1", "Beta", "Former leader Kevin Rudd spoke to the Asia Society."),
        ("b1", "Beta", "Russian officials met Putin on Friday."),
    ])
    suggested = suggest_actors(sentences, lexicon=LEXICON, min_count=2, min_outlets=2)
    assert suggested[["candidate", "count", "outlets"]].values.tolist() == [
        ["Kevin Rudd", 3, 2], ["Asia Society", 2, 2]]
    table = count_actor_mentions(sentences, lexicon=LEXICON, suggest=1)
    assert set(table["actor"]) == {"Kevin Rudd", "Putin"}
    assert table.loc[table["actor"] == "Kevin Rudd", "origin"].unique().tolist() == ["suggested"]


def test_describe_names_the_most_mentioned_actor():
    text = describe_actors(count_actor_mentions(SENTENCES, lexicon=LEXICON, suggest=0))
    assert text.startswith("Xi is the most named actor") or text.startswith("Putin is the most")
    assert "Alpha" in text and "Beta" in text


def test_cached_mentions_plus_suggestions_equal_one_joint_matching():
    from helpers.actors import find_actor_candidates

    sentences = make_sentences([
        ("a1", "Alpha", "Kevin Rudd met Putin, Vladimir Putin, in Beijing."),
        ("a1", "Alpha", "Putin spoke."),
        ("a2", "Alpha", "Putin spoke."),
        ("a2", "Alpha", "Kevin Rudd met Putin, Vladimir Putin, in Beijing."),  # repeated text
        ("b1", "Beta", "Xi thanked Kevin  Rudd."),  # two spaces: still a match of the name
        ("b1", "Beta", "Later Kevin Rudd left."),
    ])
    cached = count_actor_mentions(
        sentences, lexicon=LEXICON, suggest=1,
        mentions=find_actor_mentions(sentences, lexicon=LEXICON),
        candidates=find_actor_candidates(sentences, lexicon=LEXICON))
    pd.testing.assert_frame_equal(
        cached, count_actor_mentions(sentences, lexicon=LEXICON, suggest=1))
    got = cached.set_index(["outlet", "actor"])
    assert got["mentions"].to_dict() == {
        ("Alpha", "Kevin Rudd"): 2, ("Alpha", "Putin"): 4, ("Alpha", "Xi"): 0,
        ("Beta", "Kevin Rudd"): 2, ("Beta", "Putin"): 0, ("Beta", "Xi"): 1}
    assert got["articles"].to_dict() == {
        ("Alpha", "Kevin Rudd"): 2, ("Alpha", "Putin"): 2, ("Alpha", "Xi"): 0,
        ("Beta", "Kevin Rudd"): 1, ("Beta", "Putin"): 0, ("Beta", "Xi"): 1}
    assert got.loc[("Alpha", "Kevin Rudd"), "first_position"] == 0.25  # (0 + 0.5) / 2
    assert got.loc[("Alpha", "Putin"), "first_position"] == 0.0  # a1: 0, a2: 0
    assert np.isnan(got.loc[("Beta", "Putin"), "first_position"])
    assert got.loc[("Beta", "Kevin Rudd"), "example"] == "Xi thanked Kevin  Rudd."
