"""Sentence segmentation for news prose.

A rule-based splitter: a sentence ends at ``.``, ``!`` or ``?`` (optionally followed by closing
quotes or brackets) when whitespace and an upper-case letter, digit or opening quote follow.
It does not split after abbreviations (Mr., Dr., U.S., U.N., Feb., St., initials such as
"John F. Kirby"), inside decimals (3.5) or inside ellipses followed by lower case. Text with a
missing space after the full stop ("ended.The") is split too when a capitalised word follows.
"""

from __future__ import annotations

import re

#: Abbreviations that end with a full stop but do not end a sentence (lower-cased, no final dot).
ABBREVIATIONS: frozenset[str] = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "gen", "col", "lt", "sgt", "capt",
    "gov", "sen", "rep", "rev", "hon", "pres", "supt", "insp", "cmdr", "adm", "maj", "messrs",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "no", "nos", "vs", "v", "etc", "approx", "inc", "ltd", "co", "corp", "dept", "est", "fig",
    "u.s", "u.k", "u.n", "e.u", "u.s.a", "d.c", "a.m", "p.m", "e.g", "i.e", "ph.d", "n.y",
})

_BOUNDARY = re.compile(
    r"""(?P<end>[.!?]+|…)          # terminal punctuation
        (?P<close>["'”’)\]]*)       # closing quotes or brackets
        (?P<space>\s+|(?=[A-Z“"‘]))  # whitespace, or none before a capital (missing space)
        (?=[“"‘'(\[]?[A-Z0-9])      # the next sentence starts with a capital or digit
    """,
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"([\w.]+)$")


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences.

    Parameters
    ----------
    text
        One paragraph of prose.

    Returns
    -------
    list of str
        Sentences with surrounding whitespace stripped; empty input gives ``[]``.

    Examples
    --------
    >>> split_sentences("Mr. Putin met U.S. envoys. They talked.")
    ['Mr. Putin met U.S. envoys.', 'They talked.']
    """
    text = " ".join(text.split())
    if not text:
        return []
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.start("space")
        if match.group("end") == "." and not match.group("close"):
            word = _WORD_BEFORE.search(text, 0, match.start("end"))
            token = (word.group(1) if word else "").lower()
            if token in ABBREVIATIONS or token.rstrip(".") in ABBREVIATIONS:
                continue
            if re.fullmatch(r"[a-z]", token):  # an initial: "John F. Kirby"
                continue
            if not match.group("space") and re.fullmatch(r"(?:[a-z]\.)+[a-z]", token):
                continue
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences
