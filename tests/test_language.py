"""Tests for helpers.language: stop-word profile language detection."""

from __future__ import annotations

import pytest

from helpers.language import (
    LANGUAGES,
    SAMPLE_CHARS,
    UNDETERMINED,
    detect_language,
    score_languages,
)


@pytest.mark.parametrize(("text", "code"), [
    ("Russia and China have pushed back against US pressure over Ukraine and Taiwan as their "
     "leaders met at the opening of the Winter Olympics in Beijing.", "en"),
    ("La Russie et la Chine ont affiché leur unité face aux pressions des États-Unis, alors que "
     "les deux dirigeants se sont rencontrés à Pékin avant la cérémonie d'ouverture.", "fr"),
    ("Russland und China haben sich gegen eine Erweiterung der Nato ausgesprochen, wie die "
     "beiden Staatschefs bei einem Treffen in Peking vor den Spielen erklärten.", "de"),
    ("Rusia y China se opusieron a la expansión de la OTAN durante una reunión de sus líderes en "
     "Pekín antes de la ceremonia de apertura de los Juegos.", "es"),
    ("La Russia e la Cina si sono opposte all'allargamento della Nato durante un incontro tra i "
     "due leader a Pechino prima della cerimonia di apertura dei Giochi.", "it"),
    ("A Rússia e a China se opuseram à expansão da Otan durante um encontro dos dois líderes em "
     "Pequim antes da cerimônia de abertura dos Jogos, segundo o comunicado.", "pt"),
    ("Rusland en China hebben zich uitgesproken tegen een verdere uitbreiding van de Navo, bij "
     "een ontmoeting van de twee leiders in Peking voor de opening van de Spelen.", "nl"),
])
def test_detect_language(text, code):
    assert detect_language(text) == code


@pytest.mark.parametrize("text", [
    "", "   ", "Putin Xi", "12345 67890", "Beijing Moscow Kyiv Washington London Paris Berlin",
    "Путин и Си Цзиньпин встретились в Пекине перед открытием Олимпийских игр.",
])
def test_undetermined(text):
    assert detect_language(text) == UNDETERMINED


def test_scores_cover_every_language():
    scores = score_languages("the cat and the dog")
    assert set(scores) == set(LANGUAGES)
    assert scores["en"] == pytest.approx(3 / 5)
    assert score_languages("") == {code: 0.0 for code in LANGUAGES}


def test_seed_articles_are_english(seed_dir):
    for path in sorted(seed_dir.glob("*.txt")):
        assert detect_language(path.read_text(encoding="utf-8")) == "en"


def test_scores_count_shared_stop_words_for_each_language():
    assert score_languages("de la") == {"en": 0.0, "fr": 1.0, "de": 0.0, "es": 1.0, "it": 0.5,
                                        "pt": 0.5, "nl": 0.5}
    scores = score_languages("Le chat, the dog; el perro")
    assert scores == {"en": 1 / 6, "fr": 1 / 6, "de": 0.0, "es": 1 / 6, "it": 1 / 6, "pt": 0.0,
                      "nl": 0.0}


def test_only_the_first_sample_chars_are_read():
    french = "le chat et le chien est dans la maison " * 100
    assert detect_language(french) == "fr"
    assert detect_language("1 " * (SAMPLE_CHARS // 2) + french) == UNDETERMINED
    assert detect_language("the cat and the dog " * 1100 + french * 10) == "en"
    assert score_languages("1 " * (SAMPLE_CHARS // 2) + french) == {c: 0.0 for c in LANGUAGES}
