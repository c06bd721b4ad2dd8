"""MTLD and MATTR on hand-computed examples (McCarthy & Jarvis 2010; Covington & McFall 2010)."""

from __future__ import annotations

import math

import pytest

from helpers import lexdiv


@pytest.mark.parametrize(("text", "expected"), [
    ("The cat, the CAT!", ["the", "cat", "the", "cat"]),
    ("Don’t stop co-operation in 2022.", ["don't", "stop", "co-operation", "in"]),
    ("Mr Putin met U.S. envoys", ["mr", "putin", "met", "us", "envoys"]),
    ("3.5 percent -- 100", ["percent"]),
    ("", []),
])
def test_list_words_keeps_stop_words_and_drops_numbers(text, expected):
    assert lexdiv.list_words(text) == expected


def test_mtld_hand_computed_with_partial_factor():
    # Forward "a a b c": TTR 1, 0.5 -> factor 1 closes after 2 words; "b c" has TTR 1 -> partial 0.
    #   4 words / 1 factor = 4.
    # Backward "c b a a": TTR 1, 1, 1, 0.75 -> no full factor; partial (1-0.75)/(1-0.72)=0.892857.
    #   4 / 0.892857 = 4.48.  Bidirectional MTLD = (4 + 4.48) / 2 = 4.24.
    assert lexdiv.measure_mtld(list("aabc")) == pytest.approx(4.24)


def test_mtld_repeated_word_closes_a_factor_every_two_words():
    assert lexdiv.measure_mtld(["a"] * 4) == pytest.approx(2.0)


def test_mtld_threshold_is_inclusive():
    # "a b a": TTR 2/3 = 0.667 <= 0.72 closes a factor; both directions give 3 / 1.
    assert lexdiv.measure_mtld(["a", "b", "a"]) == pytest.approx(3.0)


@pytest.mark.parametrize("words", [[], ["a", "b", "c"]])
def test_mtld_undefined_without_factors(words):
    assert math.isnan(lexdiv.measure_mtld(words))


def test_mtld_does_not_fall_with_length_like_ttr():
    base = "the cat sat on the mat and the dog ran to the park while a bird sang".split()
    short, long = base * 3, base * 12
    assert lexdiv.measure_mtld(long) == pytest.approx(lexdiv.measure_mtld(short), rel=0.1)
    assert len(set(long)) / len(long) < len(set(short)) / len(short)


def test_mattr_hand_computed():
    # Windows of 3 over a b a b c: 2/3, 2/3, 3/3 -> mean 7/9.
    assert lexdiv.measure_mattr(list("ababc"), window=3) == pytest.approx(7 / 9)


def test_mattr_short_text_is_plain_ttr_and_empty_is_nan():
    assert lexdiv.measure_mattr(list("aab"), window=50) == pytest.approx(2 / 3)
    assert math.isnan(lexdiv.measure_mattr([]))
