"""The fast formulas equal textstat's, bit for bit, on seed articles, paragraphs, random texts."""

from __future__ import annotations

import random

import numpy as np
import pytest
import textstat
from textstat.backend import counts, validations

from helpers import provision, readability
from helpers import readability_formulas as formulas


@pytest.fixture(autouse=True, scope="module")
def _textstat_dictionary():
    """textstat reads the CMU dictionary through NLTK: provision it (offline) for the
    comparisons (the kit itself reads its own syllable table)."""
    provision.ensure_cmudict()


#: textstat's own call for each value computed by :func:`formulas.compute_formulas`.
TEXTSTAT = {
    "words_per_sentence": textstat.words_per_sentence,
    "syllables_per_word": textstat.avg_syllables_per_word,
    "flesch_reading_ease": textstat.flesch_reading_ease,
    "flesch_kincaid_grade": textstat.flesch_kincaid_grade,
    "gunning_fog": textstat.gunning_fog,
    "smog_index": textstat.smog_index,
    "coleman_liau_index": textstat.coleman_liau_index,
    "automated_readability_index": textstat.automated_readability_index,
    "dale_chall": textstat.dale_chall_readability_score,
    "linsear_write": textstat.linsear_write_formula,
    "text_standard": lambda t: textstat.text_standard(t, float_output=True),
}
#: Tokens for random texts: abbreviations, numbers, contractions, quotes, hyphens, names,
#: long and short words, words outside the CMU dictionary.
VOCABULARY = (
    "the", "a", "of", "to", "and", "in", "said", "president", "Putin", "Xi", "Xinhua",
    "Mr.", "Dr.", "U.S.", "a.m.", "e.g.", "3.5", "2022", "$1,000", "40%", "don't", "it's",
    "'quoted'", "rock 'n' roll", "co-operation", "well-known", "unprecedented",
    "infrastructure", "deliberation", "controversial", "responsibility", "Beijing", "Olympics",
    "ceasefire", "geopolitical", "—", "–", "(officials)", "“Yes”", "‘no’", "week’s", "Ukraine's",
    "zzyzx", "qwrtp", "NATO", "OK", "I", "is", "was", "extraordinarily", "communication",
)
ENDINGS = (".", ".", ".", "!", "?", "...", "", ";", ":")


def _random_text(rng: random.Random) -> str:
    sentences = []
    for _ in range(rng.randint(0, 14)):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(1, 35))]
        sentences.append(" ".join(words).capitalize() + rng.choice(ENDINGS))
    separator = rng.choice((" ", "\n", "  ", "\n\n"))
    return separator.join(sentences)


RANDOM_TEXTS = [_random_text(random.Random(seed)) for seed in range(150)]
EDGE_TEXTS = ["", " ", ".", "!!!", "Hello", "3.5", "U.S.", "a b", "One two three.",
              "\n\nWords without an ending", "... and then?", "'", "--"]


def _assert_equal_to_textstat(text: str) -> None:
    counts = formulas.count_text(text)
    assert counts.words == textstat.lexicon_count(text)
    assert counts.sentences == textstat.sentence_count(text)
    assert counts.syllables == textstat.syllable_count(text)
    assert counts.polysyllables == textstat.polysyllabcount(text)
    assert counts.difficult_dale_chall == textstat.difficult_words(
        text, syllable_threshold=0, unique=False)
    assert formulas.count_basics(text) == (counts.words, counts.sentences, counts.syllables,
                                           counts.polysyllables)
    values = formulas.compute_formulas(counts)
    for column, call in TEXTSTAT.items():
        assert values[column] == call(text), (column, text)


def test_random_texts_equal_textstat():
    for text in [*RANDOM_TEXTS, *EDGE_TEXTS]:
        _assert_equal_to_textstat(text)


def test_long_random_text_exercises_linsear_first_100_words():
    text = " ".join(RANDOM_TEXTS[:40])
    assert textstat.lexicon_count(text) > 300
    _assert_equal_to_textstat(text)


def test_seed_articles_and_paragraphs_equal_textstat(seed_corpus):
    body = seed_corpus.paragraphs[seed_corpus.paragraphs["kind"] == "body"]
    articles = body.groupby("article_id")["text"].agg("\n".join)
    for text in [*articles, *body["text"]]:
        _assert_equal_to_textstat(text)


def test_score_paragraphs_equal_textstat_per_paragraph(seed_corpus):
    table = readability.score_paragraphs(seed_corpus.paragraphs, seed_corpus.articles)
    body = seed_corpus.paragraphs.set_index(["article_id", "position"])["text"]
    assert len(table) > 50
    for row in table.itertuples(index=False):
        text = body.loc[(row.article_id, row.position)]
        assert row.flesch_kincaid_grade == textstat.flesch_kincaid_grade(text)
        assert row.flesch_reading_ease == textstat.flesch_reading_ease(text)
        assert row.words_per_sentence == textstat.words_per_sentence(text)
        assert row.syllables == textstat.syllable_count(text)


def test_flesch_arrays_guard_zero_like_textstat():
    values = formulas.flesch_arrays(np.array([0, 10]), np.array([0, 2]), np.array([0, 15]))
    assert list(values["flesch_kincaid_grade"]) == [0.0, 0.39 * 5.0 + 11.8 * 1.5 - 15.59]
    assert list(values["words_per_sentence"]) == [0.0, 5.0]


@pytest.mark.parametrize("score", [100.0, 95.0, 65.0, 30.0, 29.9, -5.0])
def test_fre_grade_votes_follow_textstat_bands(score):
    expected = {100.0: (13,), 95.0: (5,), 65.0: (8, 9), 30.0: (12,), 29.9: (13,),
                -5.0: (13,)}[score]
    assert formulas._fre_grades(score) == expected


def test_score_text_keeps_its_column_order():
    assert list(readability.score_text("One short sentence here. And another one.")) == [
        "words", "sentences", "kit_sentences", "kit_words_per_sentence",
        "long_sentence_share", "mtld", "mattr", "syllables", "words_per_sentence",
        "syllables_per_word", "difficult_word_share", "flesch_reading_ease",
        "flesch_kincaid_grade", "gunning_fog", "smog_index", "coleman_liau_index",
        "automated_readability_index", "dale_chall", "linsear_write", "text_standard"]


#: Words for the syllable rule: in the dictionary or not, apostrophes, hyphens, capitals,
#: non-ASCII letters, digits, punctuation, and the dictionary's zero-syllable words.
HANDMADE_WORDS = (
    "a", "the", "readability", "Readability", "READABILITY", "syllable", "fire", "hour",
    "don't", "Don't", "o'clock", "'bout", "'cause", "d'artagnan", "rock'n'roll", "Ukraine's",
    "week’s", "‘quoted’", "co-operation", "well-known", "x-ray", "-", "—", "U.S.", "a.m.",
    "NATO", "Xi", "Beijing", "Xinhua", "café", "naïve", "Zürich", "Łódź", "Δημοκρατία", "北京",
    "İstanbul", "straße", "hmm", "Shh", "mm-hmm", "zzyzx", "qwrtp", "2022", "3.5", "$1,000",
    "40%", "", " ", "two words", "extraordinarily", "unprecedented", "geopolitical", "I",
)


def test_handmade_words_have_textstats_syllables_and_difficulty():
    for word in HANDMADE_WORDS:
        assert formulas._syllables_of_word(word) == counts.count_syllables(word, "en_US"), word
        for threshold in (0, 2, 3):
            assert formulas._is_difficult_word(word, threshold) == (
                validations.is_difficult_word(word, threshold, "en_US")), (word, threshold)


def test_dictionary_words_and_their_variants_have_textstats_syllables():
    rng = random.Random(7)
    words = rng.sample(sorted(provision.load_syllable_table()), 3000)
    variants = [w for word in words[:500] for w in (word.upper(), word.capitalize(),
                                                    f"{word}'s", f"{word}-{word}")]
    for word in [*words, *variants]:
        assert formulas._syllables_of_word(word) == counts.count_syllables(word, "en_US"), word


def test_every_seed_word_has_textstats_syllables(seed_corpus):
    words = {w for text in seed_corpus.paragraphs["text"] for w in str(text).split()}
    assert len(words) > 500
    for word in words:
        assert formulas._syllables_of_word(word) == counts.count_syllables(word, "en_US"), word
