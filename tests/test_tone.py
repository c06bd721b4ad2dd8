"""Tests for helpers.tone: VADER per sentence, seeded bootstrap intervals, tone per actor."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.tone import (
    bootstrap_mean,
    describe_tone,
    score_actor_tone,
    score_sentences,
    summarise_tone,
)

SENTENCES = pd.DataFrame({
    "article_id": ["a1", "a1", "a1", "b1", "b1"],
    "outlet": ["Alpha", "Alpha", "Alpha", "Beta", "Beta"],
    "position": [0, 1, 2, 0, 1],
    "text": ["Putin praised the wonderful friendship.", "Xi condemned the terrible attack.",
             "The meeting took place in Beijing.", "Putin threatened war.",
             "Xi is happy and proud."],
})


def test_sentences_are_scored_with_vader_signs():
    scores = score_sentences(SENTENCES)
    assert list(scores.columns) == ["article_id", "outlet", "position", "text", "compound",
                                    "pos", "neg", "neu"]
    signs = scores["compound"].apply(lambda x: (x > 0) - (x < 0)).tolist()
    assert signs == [1, -1, 0, -1, 1]
    assert scores.loc[2, "neu"] == 1.0


def test_bootstrap_is_deterministic_and_brackets_the_mean():
    values = [0.1, -0.4, 0.7, 0.0, 0.3]
    first, second = bootstrap_mean(values, seed=3), bootstrap_mean(values, seed=3)
    assert first == second
    mean, low, high = first
    assert mean == pytest.approx(0.14)
    assert -0.4 <= low < mean < high <= 0.7
    assert bootstrap_mean([0.2]) == (0.2, 0.2, 0.2)
    assert all(pd.isna(v) for v in bootstrap_mean([]))


def test_outlet_summary_and_actor_tone():
    scores = score_sentences(SENTENCES)
    summary = summarise_tone(scores, n_boot=200, seed=1).set_index("outlet")
    assert summary["sentences"].to_dict() == {"Alpha": 3, "Beta": 2}
    assert summary.loc["Alpha", "mean"] == pytest.approx(scores["compound"][:3].mean())
    assert summary.loc["Alpha", "positive"] == pytest.approx(1 / 3)
    assert summary.loc["Beta", "most_negative"] == "Putin threatened war."
    by_actor = score_actor_tone(scores, lexicon={"Putin": ["Putin"], "Xi": ["Xi"]}, n_boot=200)
    got = by_actor.set_index(["outlet", "actor"])
    assert got["sentences"].to_dict() == {("Alpha", "Putin"): 1, ("Alpha", "Xi"): 1,
                                          ("Beta", "Putin"): 1, ("Beta", "Xi"): 1}
    assert got.loc[("Alpha", "Putin"), "mean"] == pytest.approx(scores.loc[0, "compound"])
    assert got.loc[("Beta", "Putin"), "mean"] < 0 < got.loc[("Beta", "Xi"), "mean"]
    text = describe_tone(summary.reset_index(), by_actor)
    assert text.startswith("Average sentence tone ranges from")


def test_large_groups_take_the_bootstraps_normal_limit():
    # Above NORMAL_LIMIT values: mean ± 1.96 sd / sqrt(n), sd with divisor n; handmade values.
    values = [0.0, 0.5] * 600  # n = 1200, mean 0.25, sd 0.25
    mean, low, high = bootstrap_mean(values)
    half = 1.959963984540054 * 0.25 / 1200 ** 0.5
    assert (mean, low, high) == pytest.approx((0.25, 0.25 - half, 0.25 + half), abs=1e-12)
    assert all(type(v) is float for v in (mean, low, high))
    # ... which the percentile bootstrap itself approaches: skewed, VADER-like scores.
    rng = np.random.default_rng(1)
    scores = np.where(rng.random(3000) < 0.4, 0.0,
                      np.clip(rng.normal(0.1, 0.5, 3000), -1, 1)).round(4)
    limit = bootstrap_mean(scores)
    resampled = bootstrap_mean(scores, normal_limit=10**9)
    width = limit[2] - limit[1]
    assert limit[0] == resampled[0]
    assert abs(limit[1] - resampled[1]) < 0.05 * width
    assert abs(limit[2] - resampled[2]) < 0.05 * width


#: Handmade sentence scores: article a in outlet X, article b in outlet Y.
SCORES = pd.DataFrame({
    "article_id": ["a", "a", "a", "b", "b"], "outlet": ["X", "X", "X", "Y", "Y"],
    "position": [0, 1, 2, 0, 1], "text": ["a0", "a1", "a2", "b0", "b1"],
    "compound": [0.5, -0.5, 0.1, 0.2, 0.4]})


def _mentions(rows):
    return pd.DataFrame(rows, columns=["article_id", "position", "outlet", "actor"])


def test_actor_tone_counts_a_sentence_once_and_breaks_ties_by_first_mention():
    mentions = _mentions([
        ("a", 1, "X", "Putin"), ("a", 0, "X", "Putin"), ("a", 0, "X", "Putin"),  # named twice
        ("a", 2, "X", "Xi"), ("b", 1, "Y", "Putin"), ("b", 0, "Y", "Putin"),
        ("c", 0, "Z", "Putin")])  # no scored sentence: left out
    table = score_actor_tone(SCORES, lexicon={}, mentions=mentions, n_boot=50)
    assert list(table.columns) == ["outlet", "actor", "sentences", "mean", "low", "high",
                                   "example"]
    assert table[["outlet", "actor", "sentences", "example"]].values.tolist() == [
        ["X", "Putin", 2, "a1"],  # -0.5 and 0.5 tie around the mean 0: first mention wins
        ["X", "Xi", 1, "a2"], ["Y", "Putin", 2, "b1"]]
    assert table["mean"].tolist() == [0.0, 0.1, (0.4 + 0.2) / 2]
    assert (table["low"] <= table["mean"]).all() and (table["mean"] <= table["high"]).all()
    assert table.loc[1, ["low", "high"]].tolist() == [0.1, 0.1]  # one sentence
    kept = score_actor_tone(SCORES, lexicon={}, mentions=mentions, min_sentences=2, n_boot=50)
    assert kept[["outlet", "actor"]].values.tolist() == [["X", "Putin"], ["Y", "Putin"]]


def test_actor_tone_without_mentions_is_empty():
    table = score_actor_tone(SCORES, lexicon={}, mentions=_mentions([]))
    assert table.empty and list(table.columns) == ["outlet", "actor", "sentences", "mean",
                                                   "low", "high", "example"]


def test_actor_tone_memo_gives_the_same_table_and_resamples_only_changed_pairs(tmp_path,
                                                                               monkeypatch):
    from helpers import tone

    mentions = _mentions([("a", 0, "X", "Putin"), ("a", 1, "X", "Putin"), ("a", 2, "X", "Xi"),
                          ("b", 0, "Y", "Putin"), ("b", 1, "Y", "Putin")])
    plain = score_actor_tone(SCORES, lexicon={}, mentions=mentions, n_boot=50)
    memo = tmp_path / "actor_tone.npz"
    calls = []
    original = tone.bootstrap_mean
    monkeypatch.setattr(tone, "bootstrap_mean",
                        lambda values, **kw: calls.append(len(values)) or original(values, **kw))
    pd.testing.assert_frame_equal(
        score_actor_tone(SCORES, lexicon={}, mentions=mentions, n_boot=50, memo=memo), plain)
    assert sorted(calls) == [1, 2, 2]  # (resampled on two threads: any order)
    calls.clear()
    changed = SCORES.assign(compound=[0.5, -0.5, 0.1, 0.3, 0.4])  # Y's first sentence
    expected = score_actor_tone(changed, lexicon={}, mentions=mentions, n_boot=50)
    calls.clear()
    pd.testing.assert_frame_equal(
        score_actor_tone(changed, lexicon={}, mentions=mentions, n_boot=50, memo=memo), expected)
    assert calls == [2]  # only (Y, Putin) resampled
    calls.clear()
    score_actor_tone(changed, lexicon={}, mentions=mentions, n_boot=60, memo=memo)
    assert sorted(calls) == [1, 2, 2]  # another option: every pair
