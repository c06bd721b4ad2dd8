"""Readability scores equal textstat's for the same text; flags, paragraphs, bootstrap, edges."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import textstat

from helpers import provision, readability


@pytest.fixture(autouse=True, scope="module")
def _textstat_dictionary():
    """textstat reads the CMU dictionary through NLTK: provision it (offline) for the
    comparisons (the kit itself reads its own syllable table)."""
    provision.ensure_cmudict()


TEXTS = {
    "news": ("Russian President Vladimir Putin praised unprecedented close relations with China. "
             "The two leaders met hours before the Winter Olympics opened in Beijing."),
    "long": " ".join(["The committee approved the controversial infrastructure legislation "
                      "after considerable deliberation."] * 12),
    "abbreviations": "Mr. Putin met U.S. officials at 9 a.m. on Friday. Dr. Xi agreed.",
    "numbers": "Inflation rose 3.5 percent in 2022, costing families $1,000 more.",
    "no_final_punctuation": "The talks continued into the night and nobody left the room",
    "one_word": "Hello",
}
FORMULA_CALLS = {
    **{column: (lambda t, m=method: getattr(textstat, m)(t)) for column, method in
       readability.FORMULAS},
    "text_standard": lambda t: textstat.text_standard(t, float_output=True),
    "words": textstat.lexicon_count,
    "sentences": textstat.sentence_count,
    "syllables": textstat.syllable_count,
    "words_per_sentence": textstat.words_per_sentence,
    "syllables_per_word": textstat.avg_syllables_per_word,
}


@pytest.mark.parametrize("name", sorted(TEXTS))
@pytest.mark.parametrize("column", sorted(FORMULA_CALLS))
def test_values_equal_textstat(name, column):
    text = TEXTS[name]
    assert readability.score_text(text)[column] == FORMULA_CALLS[column](text)


def test_difficult_word_share_is_dale_chall_difficult_tokens():
    text = TEXTS["news"]
    row = readability.score_text(text)
    expected = textstat.difficult_words(text, syllable_threshold=0, unique=False)
    assert row["difficult_word_share"] == expected / textstat.lexicon_count(text)


@pytest.mark.parametrize("text", [
    "Officials in the U.S. said Mr. Putin and Mr. Xi met for talks. They agreed.",
    "Inflation rose 3.5 percent in the U.S. capital last year. Prices fell.",
])
def test_kit_sentences_handle_abbreviations_where_textstat_does_not(text):
    row = readability.score_text(text)
    assert row["kit_sentences"] == 2
    # textstat splits after "U.S."/"Mr." and inside "3.5": its count is the formulas' contract.
    assert row["sentences"] == textstat.sentence_count(text) == 3


def test_kit_words_per_sentence():
    row = readability.score_text(TEXTS["abbreviations"])
    assert row["kit_sentences"] == 2
    assert row["kit_words_per_sentence"] == pytest.approx((10 + 3) / 2)


def test_long_sentence_share_counts_kit_sentences_over_30_words():
    text = " ".join(["word"] * 31) + ". " + "Short one here."
    row = readability.score_text(text)
    assert row["kit_sentences"] == 2 and row["long_sentence_share"] == 0.5


def test_empty_text_has_no_scores():
    row = readability.score_text("")
    assert row["words"] == 0 and row["sentences"] == 0 and row["kit_sentences"] == 0
    assert math.isnan(row["flesch_kincaid_grade"]) and math.isnan(row["mtld"])


def test_non_english_text_keeps_counts_but_no_formulas():
    row = readability.score_text("Der Hund läuft schnell nach Hause.", english=False)
    assert row["words"] == 6 and row["kit_sentences"] == 1
    assert all(math.isnan(row[c]) for c, _ in readability.FORMULAS)
    assert math.isnan(row["text_standard"]) and math.isnan(row["syllables"])


@pytest.mark.parametrize(("language", "expected"), [
    (None, True), (float("nan"), True), ("en", True), ("en_GB", True), ("EN-us", True),
    ("de", False), ("fr", False),
])
def test_is_english(language, expected):
    assert readability.is_english(language) is expected


@pytest.fixture()
def tables():
    paragraphs = pd.DataFrame([
        ("a1", "Alpha", 0, "body", TEXTS["news"]),
        ("a1", "Alpha", 1, "subhead", "A subhead is not body text"),
        ("a1", "Alpha", 2, "body", TEXTS["abbreviations"]),
        ("a2", "Beta", 0, "body", TEXTS["long"]),
        ("a2", "Beta", 1, "body", ""),
        ("a3", "Gamma", 0, "body", "Der Hund läuft schnell nach Hause."),
    ], columns=["article_id", "outlet", "position", "kind", "text"])
    articles = pd.DataFrame({"article_id": ["a1", "a2", "a3"], "language": ["en", None, "de"]})
    return paragraphs, articles


def test_score_articles_uses_body_paragraphs_joined_in_order(tables):
    paragraphs, articles = tables
    table = readability.score_articles(paragraphs.iloc[::-1], articles).set_index("article_id")
    body = TEXTS["news"] + "\n" + TEXTS["abbreviations"]
    assert table.loc["a1", "flesch_kincaid_grade"] == textstat.flesch_kincaid_grade(body)
    assert table.loc["a1", "words"] == textstat.lexicon_count(body)
    assert table.loc["a2", "smog_index"] == textstat.smog_index(TEXTS["long"] + "\n")
    assert list(table["outlet"]) == ["Alpha", "Beta", "Gamma"]
    assert list(table["english"]) == [True, True, False]
    assert math.isnan(table.loc["a3", "flesch_reading_ease"])
    assert list(table["short_text"]) == [True, False, True]  # 31 and 6 words < 100
    assert list(table["smog_unreliable"]) == [True, True, True]
    for column in ("mtld", "mattr", "difficult_word_share", "long_sentence_share"):
        assert column in table


def test_score_paragraphs_scores_english_non_empty_body_paragraphs(tables):
    paragraphs, articles = tables
    table = readability.score_paragraphs(paragraphs, articles)
    pairs = list(zip(table["article_id"], table["position"], strict=True))
    assert pairs == [("a1", 0), ("a1", 2), ("a2", 0)]
    first = table.iloc[0]
    assert first["flesch_kincaid_grade"] == textstat.flesch_kincaid_grade(TEXTS["news"])
    assert first["polysyllables"] == textstat.polysyllabcount(TEXTS["news"])
    assert first["sentences"] == 2 and first["words"] == 22


def test_measure_sentence_lengths(tables):
    paragraphs, articles = tables
    table = readability.measure_sentence_lengths(paragraphs, articles)
    alpha = table[table["article_id"] == "a1"]
    assert list(alpha["words"]) == [10, 12, 10, 3]
    assert list(alpha["paragraph"]) == [0, 0, 2, 2]
    assert table["long"].sum() == 0


def _counts(rows):
    return pd.DataFrame(rows, columns=["outlet", "words", "sentences", "syllables",
                                       "polysyllables"])


def test_bootstrap_estimate_is_formula_on_summed_counts_and_is_deterministic():
    scores = _counts([("A", 10, 1, 15, 1), ("A", 20, 2, 26, 2), ("B", 12, 1, 12, 0)])
    one = readability.bootstrap_readability(scores, seed=3)
    two = readability.bootstrap_readability(scores, seed=3)
    pd.testing.assert_frame_equal(one, two)
    a = one[(one["outlet"] == "A") & (one["metric"] == "flesch_kincaid_grade")].iloc[0]
    assert a["estimate"] == pytest.approx(0.39 * 30 / 3 + 11.8 * 41 / 30 - 15.59)
    assert a["low"] <= a["estimate"] <= a["high"] and a["n_paragraphs"] == 2
    b = one[(one["outlet"] == "B") & (one["metric"] == "flesch_reading_ease")].iloc[0]
    assert b["low"] == b["high"] == pytest.approx(206.835 - 1.015 * 12 - 84.6)  # one paragraph


def test_bootstrap_formulas_match_textstat_on_one_paragraph():
    text = TEXTS["long"]
    counts = {"words": textstat.lexicon_count(text), "sentences": textstat.sentence_count(text),
              "syllables": textstat.syllable_count(text),
              "polysyllables": textstat.polysyllabcount(text)}
    for metric, method in [("flesch_kincaid_grade", "flesch_kincaid_grade"),
                           ("flesch_reading_ease", "flesch_reading_ease"),
                           ("smog_index", "smog_index"),
                           ("words_per_sentence", "words_per_sentence")]:
        expected = getattr(textstat, method)(text)
        assert readability.BOOTSTRAP_FORMULAS[metric](counts) == pytest.approx(expected)


def test_describe_functions_escape_outlet_names():
    scores = pd.DataFrame({
        "outlet": ["<b>Evil</b>", "Calm"], "english": [True, True],
        "flesch_kincaid_grade": [14.0, 9.0], "short_text": [True, False]})
    text = readability.describe_grades(scores)
    assert "&lt;b&gt;Evil&lt;/b&gt;" in text and "<b>" not in text
    assert text.startswith("By Flesch–Kincaid, Calm is the easiest to read (grade 9.0)")
    intervals = pd.DataFrame({"outlet": ["A", "B"], "metric": ["flesch_kincaid_grade"] * 2,
                              "estimate": [9.0, 14.0], "low": [8.0, 13.0],
                              "high": [10.0, 15.0], "n_paragraphs": [5, 5]})
    assert "do not overlap" in readability.describe_intervals(intervals)
    assert "0 of 1 outlet pairs overlap" in readability.describe_intervals(intervals)


def test_bootstrap_interval_of_an_outlet_depends_on_its_own_paragraphs_only(tmp_path,
                                                                             monkeypatch):
    from helpers import resample

    rows = [("A", 10, 1, 15, 1), ("A", 20, 2, 26, 2), ("A", 14, 3, 20, 1),
            ("B", 12, 1, 12, 0), ("B", 30, 2, 41, 3)]
    before = readability.bootstrap_readability(_counts(rows), n_resamples=200, seed=1)
    added = _counts(rows + [("C", 9, 1, 11, 0), ("A", 25, 2, 33, 2)])
    after = readability.bootstrap_readability(added, n_resamples=200, seed=1)
    b = before[before["outlet"] == "B"].reset_index(drop=True)
    pd.testing.assert_frame_equal(after[after["outlet"] == "B"].reset_index(drop=True), b)
    assert not after[after["outlet"] == "A"]["low"].reset_index(drop=True).equals(
        before[before["outlet"] == "A"]["low"].reset_index(drop=True))
    # With a memo: the same table, and only outlets with new paragraphs are resampled.
    memo = tmp_path / "intervals.npz"
    resampled = []
    original = resample.sum_resamples
    monkeypatch.setattr(readability, "sum_resamples",
                        lambda values, **kw: resampled.append(len(values)) or original(values,
                                                                                       **kw))
    pd.testing.assert_frame_equal(readability.bootstrap_readability(
        _counts(rows), n_resamples=200, seed=1, memo=memo), before)
    assert sorted(resampled) == [2, 3]  # (resampled on two threads: any order)
    resampled.clear()
    pd.testing.assert_frame_equal(readability.bootstrap_readability(
        added, n_resamples=200, seed=1, memo=memo), after)
    assert sorted(resampled) == [1, 4]  # A (a paragraph added) and C (new); B read back
    resampled.clear()
    other = readability.bootstrap_readability(added, n_resamples=100, seed=1, memo=memo)
    assert sorted(resampled) == [1, 2, 4]  # another option: nothing read back
    assert other["low"].tolist() != after["low"].tolist()
    memo.write_bytes(b"garbage")
    resampled.clear()
    pd.testing.assert_frame_equal(readability.bootstrap_readability(
        added, n_resamples=200, seed=1, memo=memo), after)
    assert sorted(resampled) == [1, 2, 4]


def test_intervals_resampled_on_threads_equal_one_loop_and_the_memo_serves_them(tmp_path):
    from helpers.interval_memo import IntervalMemo
    from helpers.resample import group_generator, sum_resamples

    rng = np.random.default_rng(3)
    groups = [(f"outlet {k}", rng.integers(0, 40, size=(50 + 7 * k, 4)).astype(float))
              for k in range(9)]

    def compute(group, values):
        sums = sum_resamples(values, n_resamples=300, rng=group_generator(5, group))
        return np.percentile(sums, [2.5, 97.5], axis=0).ravel().tolist()

    one_loop = [[float(v) for v in compute(*item)] for item in groups]
    memo = tmp_path / "intervals.npz"
    first = IntervalMemo(memo, ("readability.py",), {"n": 300})
    assert first.recall_many(groups, 8, compute, workers=4) == one_loop
    first.save()
    served = IntervalMemo(memo, ("readability.py",), {"n": 300})
    computed = []
    again = served.recall_many(groups[:4] + [("new", groups[0][1][:9])], 8,
                               lambda g, v: computed.append(g) or compute(g, v))
    assert again[:4] == one_loop[:4] and computed == ["new"]
    assert again[4] == [float(v) for v in compute("new", groups[0][1][:9])]
    assert served.recall_many([], 8, compute) == []
