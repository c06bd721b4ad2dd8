"""textstat's readability formulas from counts taken once per text (equal values, much faster).

textstat 0.7.x computes every formula from a handful of counts, but re-tokenises the text for
each of them and caches per-word syllable counts in an LRU cache of only 128 entries, so a
news article costs ~30 ms. This module calls textstat's own count functions once per text
(``count_words``, ``count_sentences``, ``count_chars``, ``count_letters``, ``list_words``), counts
syllables and difficult words word by word with textstat's per-word rules (CMU dictionary,
then Pyphen; the Dale–Chall familiar-word list) remembered in unbounded dictionaries, and then
applies the published formulas exactly as textstat 0.7.13's code writes them (same operation
order, zero guards and consensus vote), so every value is bit-for-bit textstat's for the same
text (``tests/test_readability_formulas.py`` checks this on the seed articles, their paragraphs
and seeded random texts).

Syllables. textstat reads the CMU dictionary through NLTK (over a second to load, for the few
words a handful of new articles needs); the kit reads the same counts from a compact table of
the dictionary (:func:`helpers.provision.load_syllable_table`, a fraction of that) and applies
textstat's rule itself: a lower-case token in the dictionary has the count of its first
pronunciation, any other token Pyphen's hyphenation points plus one (tests check every word of
the dictionary against textstat's, and handmade words).

Formulas: Flesch reading ease (Flesch 1948), Flesch–Kincaid grade (Kincaid et al. 1975), Gunning
fog (Gunning 1952), SMOG (McLaughlin 1969), Coleman–Liau (Coleman & Liau 1975), ARI (Senter &
Smith 1967), Dale–Chall (Dale & Chall 1948), Linsear Write (O'Hayre 1966) and textstat's
``text_standard`` consensus (clamped to grades 1–18).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np
from textstat.backend import counts, selections, transformations
from textstat.backend.utils import get_lang_cfg, get_lang_easy_words, get_lang_root

from helpers import provision

LANG = "en_US"  #: textstat's default language, used by the kit
LINSEAR_WORDS = 100  #: Linsear Write reads the first 100 words (textstat's strict_upper)
#: Flesch reading ease -> grade, as textstat's ``text_standard`` votes (lower bound, grades).
FRE_GRADES: tuple[tuple[float, tuple[int, ...]], ...] = (
    (90, (5,)), (80, (6,)), (70, (7,)), (60, (8, 9)), (50, (10,)), (40, (11,)), (30, (12,)),
)

_word_syllables: dict[str, int] = {}  # textstat's count_syllables(word) per distinct word
_token_syllables: dict[str, int] = {}  # syllables of one lower-case token inside a text
#: per distinct word: (3+ syllables, difficult at fog's threshold, off the Dale–Chall list)
_word_info: dict[str, tuple[int, int, int]] = {}
_stripped: dict[str, str] = {}  # textstat's remove_punctuation(token, rm_apostrophe=False)
_dictionary: dict[str, int] = {}  # the CMU dictionary's syllables per word, loaded when needed


@dataclass(frozen=True)
class TextCounts:
    """textstat's counts of one text (the ingredients of every formula)."""

    words: int  #: count_words(text): tokens after punctuation removal
    words_with_punctuation: int  #: count_words(text, rm_punctuation=False) (ARI's divisor)
    sentences: int  #: count_sentences(text)
    syllables: int  #: count_syllables(text)
    polysyllables: int  #: words of 3+ syllables
    chars: int  #: count_chars(text, ignore_spaces=True)
    letters: int  #: count_letters(text)
    difficult_fog: int  #: difficult words at Gunning fog's syllable threshold (not unique)
    difficult_dale_chall: int  #: words off the Dale–Chall list (threshold 0, not unique)
    linsear_write: float  #: textstat's linsear_write_formula(text) (defaults)


def _syllables_of_word(word: str) -> int:
    """textstat's ``count_syllables(word, "en_US")``."""
    value = _word_syllables.get(word)
    if value is None:
        value = _word_syllables[word] = _text_syllables(word)
    return value


def _syllables_of_token(token: str) -> int:
    """The body of textstat's count_syllables loop for one lower-case token: the syllables of
    its first pronunciation in the CMU dictionary, else Pyphen's hyphenation points plus one."""
    value = _token_syllables.get(token)
    if value is None:
        value = _dictionary_syllables().get(token)
        if value is None:
            value = len(_pyphen().positions(token)) + 1
        _token_syllables[token] = value
    return value


def _dictionary_syllables() -> dict[str, int]:
    if not _dictionary:
        _dictionary.update(provision.load_syllable_table())
    return _dictionary


@cache
def _pyphen():
    """The hyphenation dictionary textstat uses (its ``get_pyphen(LANG)``)."""
    from pyphen import Pyphen

    return Pyphen(lang=LANG)


def _is_difficult_word(word: str, syllable_threshold: int) -> bool:
    """textstat's ``is_difficult_word(word, syllable_threshold, "en_US")``: one word, not on
    the Dale–Chall familiar-word list, of at least ``syllable_threshold`` syllables."""
    if len(word.split()) != 1:
        return False
    word = word.lower()
    if word in get_lang_easy_words(LANG):
        return False
    return _syllables_of_word(word) >= syllable_threshold


def _strip_punctuation(token: str) -> str:
    value = _stripped.get(token)
    if value is None:
        value = _stripped[token] = transformations.remove_punctuation(token, rm_apostrophe=False)
    return value


def _linsear_write(text: str, words: list[str]) -> float:
    """textstat's linsear_write_formula(text, strict_lower=False, strict_upper=True)."""
    text_list = selections.list_words(text, rm_punctuation=False)
    if len(text_list) > LINSEAR_WORDS:
        words_list: list[str] = []
        i_text = 0
        while i_text < len(text_list) and len(words_list) < LINSEAR_WORDS:
            word = _strip_punctuation(text_list[i_text])
            i_text += 1
            if len(word) > 0:
                words_list.append(word)
    else:
        words_list = words
        i_text = len(text_list)
    easy_word = difficult_word = 0
    for word in words_list:
        n_syll = _syllables_of_word(word)
        if n_syll >= 3:
            difficult_word += 1
        elif n_syll > 0:
            easy_word += 1
    try:
        number = float((easy_word * 1 + difficult_word * 3)
                       / counts.count_sentences(" ".join(text_list[:i_text])))
    except ZeroDivisionError:
        return 0.0
    if number <= 20:
        number -= 2
    return number / 2


def _word_totals(words: list[str], fog_threshold: int) -> tuple[int, int, int]:
    """(polysyllables, difficult words at fog's threshold, off the Dale–Chall list)."""
    poly = fog = dale_chall = 0
    for word, n in Counter(words).items():
        info = _word_info.get(word)
        if info is None:
            info = _word_info[word] = (
                int(_syllables_of_word(word) >= 3),
                int(_is_difficult_word(word, fog_threshold)),
                int(_is_difficult_word(word, 0)))
        poly += n * info[0]
        fog += n * info[1]
        dale_chall += n * info[2]
    return poly, fog, dale_chall


def _text_syllables(text: str) -> int:
    """textstat's count_syllables(text): its per-token rule summed over the lower-case tokens."""
    if not text:
        return 0
    return sum(n * _syllables_of_token(token) for token, n in
               Counter(selections.list_words(text, lowercase=True)).items())


def count_basics(text: str) -> tuple[int, int, int, int]:
    """Return textstat's ``(words, sentences, syllables, polysyllables)`` of ``text``."""
    words = selections.list_words(text)
    return (len(words), counts.count_sentences(text), _text_syllables(text),
            _word_totals(words, _fog_threshold())[0])


def _fog_threshold() -> int:
    return int(get_lang_cfg(LANG, "syllable_threshold"))


def count_text(text: str) -> TextCounts:
    """Return textstat's counts of ``text``, each tokenisation done once."""
    words = selections.list_words(text)
    polysyllables, difficult_fog, difficult_dale_chall = _word_totals(words, _fog_threshold())
    return TextCounts(
        words=len(words),
        words_with_punctuation=counts.count_words(text, rm_punctuation=False),
        sentences=counts.count_sentences(text), syllables=_text_syllables(text),
        polysyllables=polysyllables, chars=counts.count_chars(text, True),
        letters=counts.count_letters(text), difficult_fog=difficult_fog,
        difficult_dale_chall=difficult_dale_chall, linsear_write=_linsear_write(text, words),
    )


def flesch_arrays(words: np.ndarray, sentences: np.ndarray,
                  syllables: np.ndarray) -> dict[str, np.ndarray]:
    """textstat's words per sentence, Flesch–Kincaid and Flesch reading ease, vectorised.

    Same operations in the same order as textstat (so equal floats), 0.0 where textstat's
    zero guards return 0.0.
    """
    words, sentences, syllables = (np.asarray(a, dtype=float)
                                   for a in (words, sentences, syllables))
    with np.errstate(divide="ignore", invalid="ignore"):
        wps = np.where(sentences == 0, 0.0, words / sentences)
        spw = np.where(words == 0, 0.0, syllables / words)
    root = get_lang_root(LANG)
    defined = (wps != 0) & (spw != 0)
    fkg = np.where(defined, (0.39 * wps) + (11.8 * spw) - 15.59, 0.0)
    fre = np.where(defined, get_lang_cfg(root, "fre_base")
                   - get_lang_cfg(root, "fre_sentence_length") * wps
                   - get_lang_cfg(root, "fre_syll_per_word") * spw, 0.0)
    return {"words_per_sentence": wps, "flesch_kincaid_grade": fkg,
            "flesch_reading_ease": fre}


def _ratio(a: float, b: float) -> float:
    try:
        return a / b
    except ZeroDivisionError:
        return 0.0


def _flesch_reading_ease(wps: float, spw: float) -> float:
    if wps == 0 or spw == 0:
        return 0.0
    root = get_lang_root(LANG)
    return (get_lang_cfg(root, "fre_base") - get_lang_cfg(root, "fre_sentence_length") * wps
            - get_lang_cfg(root, "fre_syll_per_word") * spw)


def _percent_difficult_formula(c: TextCounts, wps: float) -> tuple[float, float]:
    """(Gunning fog, Dale–Chall), each 0.0 when there are no words."""
    if c.words == 0:
        return 0.0, 0.0
    fog = 0.4 * (wps + 100 * c.difficult_fog / c.words)
    per_difficult = 100 * c.difficult_dale_chall / c.words
    dale_chall = (0.1579 * per_difficult) + (0.0496 * wps)
    if per_difficult > 5:
        dale_chall += 3.6365
    return fog, dale_chall


def compute_formulas(c: TextCounts) -> dict[str, float]:
    """Apply textstat's formulas to one text's counts.

    Returns
    -------
    dict
        ``words_per_sentence``, ``syllables_per_word``, ``flesch_reading_ease``,
        ``flesch_kincaid_grade``, ``gunning_fog``, ``smog_index``, ``coleman_liau_index``,
        ``automated_readability_index``, ``dale_chall``, ``linsear_write``, ``text_standard``.
    """
    wps = _ratio(c.words, c.sentences)
    spw = _ratio(c.syllables, c.words)
    fkg = 0.0 if wps == 0 or spw == 0 else (0.39 * wps) + (11.8 * spw) - 15.59
    fog, dale_chall = _percent_difficult_formula(c, wps)
    try:
        smog = (1.043 * (30 * (c.polysyllables / c.sentences)) ** 0.5) + 3.1291
    except ZeroDivisionError:
        smog = 0.0
    letters, sentences = _ratio(c.letters, c.words) * 100, _ratio(c.sentences, c.words) * 100
    cli = 0.0 if letters == 0 or sentences == 0 else (
        (0.058 * letters) - (0.296 * sentences) - 15.8)
    cpw = _ratio(c.chars, c.words_with_punctuation)
    ari = 0.0 if cpw == 0 or wps == 0 else (4.71 * cpw) + (0.5 * wps) - 21.43
    values = {"words_per_sentence": wps, "syllables_per_word": spw,
              "flesch_reading_ease": _flesch_reading_ease(wps, spw),
              "flesch_kincaid_grade": fkg, "gunning_fog": fog, "smog_index": smog,
              "coleman_liau_index": cli, "automated_readability_index": ari,
              "dale_chall": dale_chall, "linsear_write": c.linsear_write}
    values["text_standard"] = _consensus(values)
    return values


def _fre_grades(score: float) -> tuple[int, ...]:
    if score < 100:
        for lower, grades in FRE_GRADES:
            if score >= lower:
                return grades
    return (13,)


def _consensus(values: dict[str, float]) -> float:
    """textstat's ``text_standard(float_output=True)``: the most common grade vote."""
    grade: list[int] = []
    for column in ("flesch_kincaid_grade", "flesch_reading_ease", "smog_index",
                   "coleman_liau_index", "automated_readability_index", "dale_chall",
                   "linsear_write", "gunning_fog"):
        score = values[column]
        if column == "flesch_reading_ease":
            grade.extend(_fre_grades(score))
        else:
            grade.extend([math.floor(score), math.ceil(score), round(score)])
    standard = float(Counter(grade).most_common(1)[0][0])
    return max(1, min(standard, 18))
