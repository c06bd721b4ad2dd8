"""Load the actor, frame and attribution-verb lexicons, and match their terms in text.

Each lexicon is a YAML file: the package default in ``src/helpers/lexicons/<kind>.yml``,
overridden or extended by ``<collection folder>/<kind>.yml``. A collection entry with the same
key replaces the default entry, new keys are added, and ``replace: true`` at the top level of
the collection file drops the defaults. Files are read with ``yaml.safe_load`` only; a malformed
file raises :class:`LexiconError` naming the file.

Matching (:func:`compile_matcher`, :func:`find_matches`) is regular-expression matching of the
lexicon's own terms, whole words only. A one-word term with a capital letter ("Xi", "NATO",
"US") matches with exactly that case; every other term ignores case. A trailing ``*`` matches
any word ending ("sanction*"). At any place the longest term wins, so "Vladimir Putin" is one
match, not "Vladimir Putin" plus "Putin". (Tokenising for vocabulary statistics is
:mod:`helpers.vectorize`'s job; this module only finds the lexicon's phrases, with offsets, so
keyword-in-context views can show them.)
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from helpers import paths

#: The lexicon kinds and the top-level key each YAML file holds.
KINDS: tuple[str, ...] = ("actors", "frames", "verbs")
VERB_CLASSES: tuple[str, ...] = ("neutral", "loaded")
FRAME_TYPES: tuple[str, ...] = ("generic", "issue")
_WILDCARD = re.compile(r"\*$")
#: Joins texts for one regex scan (never white space, never a word character, so no term, which
#: is whole words with white space between them, can match across two texts).
_SEPARATOR = "\x00"
_WORD_START = re.compile(r"(?<!\w)\w")
#: One or two ASCII letters or digits: a term that starts so can only match where the text's
#: first characters are the same (ignoring ASCII case).
_ASCII_HEAD = re.compile(r"^[A-Za-z0-9]{1,2}$")


class LexiconError(ValueError):
    """A lexicon file cannot be read or does not have the expected layout."""


@dataclass(frozen=True)
class Lexicons:
    """The three lexicons of a collection, after merging defaults and collection overrides.

    Attributes
    ----------
    actors
        Canonical actor name → list of aliases (canonical name first).
    frames
        Frame name → ``{"type": "generic"|"issue", "label": str, "terms": list[str]}``.
    verbs
        Verb lemma → ``{"class": "neutral"|"loaded", "forms": list[str]}``.
    """

    actors: dict[str, list[str]]
    frames: dict[str, dict]
    verbs: dict[str, dict]


@dataclass(frozen=True)
class Matcher:
    """A compiled lexicon: one regular expression whose group ``g<i>`` belongs to ``labels[i]``."""

    pattern: re.Pattern[str]
    labels: tuple[str, ...]
    terms: tuple[str, ...]


def _read_yaml(path: Path, kind: str) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path}: invalid YAML ({exc})") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: unreadable ({exc})") from exc
    if data is None:
        return {kind: {}}
    if not isinstance(data, dict) or not isinstance(data.get(kind, {}), dict):
        raise LexiconError(f"{path}: expected a mapping with a top-level '{kind}:' mapping")
    return data


def _strings(value, path: Path, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise LexiconError(f"{path}: {where} must be a list of non-empty strings")
    return [v.strip() for v in value]


def _check_entry(kind: str, key, value, path: Path):
    if not isinstance(key, str) or not key.strip():
        raise LexiconError(f"{path}: every {kind} key must be a non-empty string, got {key!r}")
    if kind == "actors":
        aliases = _strings(value or [], path, f"aliases of actor {key!r}")
        return [key] + [a for a in aliases if a != key]
    if not isinstance(value, dict):
        raise LexiconError(f"{path}: entry {key!r} must be a mapping")
    if kind == "frames":
        ftype = value.get("type", "issue")
        if ftype not in FRAME_TYPES:
            raise LexiconError(
                f"{path}: frame {key!r} has type {ftype!r}; use one of {FRAME_TYPES}")
        terms = _strings(value.get("terms"), path, f"terms of frame {key!r}")
        return {"type": ftype, "label": str(value.get("label") or key), "terms": terms}
    vclass = value.get("class")
    if vclass not in VERB_CLASSES:
        raise LexiconError(f"{path}: verb {key!r} has class {vclass!r}; use one of {VERB_CLASSES}")
    return {"class": vclass, "forms": _strings(value.get("forms") or [key], path,
                                               f"forms of verb {key!r}")}


def load_lexicon(kind: str, *, folder: str | os.PathLike[str] | None = None) -> dict:
    """Load one lexicon: the package default merged with ``<folder>/<kind>.yml`` when present.

    Parameters
    ----------
    kind
        ``"actors"``, ``"frames"`` or ``"verbs"``.
    folder
        A collection folder that may hold an override file; ``None`` for the default only.

    Returns
    -------
    dict
        See :class:`Lexicons` for the layout of each kind.

    Raises
    ------
    LexiconError
        Unknown kind, malformed YAML or a malformed entry (the message names the file).
    """
    if kind not in KINDS:
        raise LexiconError(f"unknown lexicon kind {kind!r}; use one of {KINDS}")
    files = [paths.LEXICONS / f"{kind}.yml"]
    if folder is not None and (Path(folder) / f"{kind}.yml").is_file():
        files.append(Path(folder) / f"{kind}.yml")
    merged: dict = {}
    for path in files:
        data = _read_yaml(path, kind)
        if data.get("replace") is True:
            merged = {}
        for key, value in (data.get(kind) or {}).items():
            merged[str(key).strip()] = _check_entry(kind, key, value, path)
    return merged


def load_lexicons(folder: str | os.PathLike[str] | None = None) -> Lexicons:
    """Load the three lexicons for a collection folder (see :func:`load_lexicon`)."""
    return Lexicons(**{kind: load_lexicon(kind, folder=folder) for kind in KINDS})


def _term_regex(term: str) -> str:
    wildcard = bool(_WILDCARD.search(term))
    core = _WILDCARD.sub("", term)
    body = r"\s+".join("".join("['’]" if ch in "'’" else re.escape(ch) for ch in part)
                       for part in core.split())
    if wildcard:
        body += r"[\w'’-]*"
    if not _case_sensitive(core):
        body = f"(?i:{body})"
    return rf"(?<!\w){body}(?!\w)"


def _case_sensitive(core: str) -> bool:
    """A one-word term with a capital letter matches with exactly that case."""
    return " " not in core and any(c.isupper() for c in core)


def _term_needle(term: str) -> tuple[str, bool] | None:
    """Text that every match of ``term`` in an ASCII text contains: the start of its first
    word up to any apostrophe, and whether to look for it in the lower-cased text (True) or
    as it is; None when there is no such ASCII text."""
    core = _WILDCARD.sub("", term)
    parts = core.split()
    head = re.split(r"['’]", parts[0])[0] if parts else ""
    if not head or not head.isascii():
        return None
    if _case_sensitive(core):
        return head, False
    return head.lower(), True


def compile_matcher(terms_by_label: Mapping[str, Iterable[str]]) -> Matcher:
    """Compile ``{label: [term, ...]}`` into one matcher (longest term first).

    Compiled matchers are memoised on the lexicon's content (a tuple of labels and terms), so
    calling this once per sentence or per article costs a dictionary look-up, not a compile.

    Examples
    --------
    >>> m = compile_matcher({"Xi": ["Xi", "Xi Jinping"]})
    >>> [(t, label) for _, _, label, t in find_matches("A taxi took Xi Jinping.", m)]
    [('Xi Jinping', 'Xi')]
    """
    key = tuple((str(label), tuple(str(term) for term in terms))
                for label, terms in terms_by_label.items())
    return _compile_matcher(key)


@lru_cache(maxsize=256)
def _compile_matcher(key: tuple[tuple[str, tuple[str, ...]], ...]) -> Matcher:
    pairs = sorted({(term, label) for label, terms in key for term in terms},
                   key=lambda p: (-len(_WILDCARD.sub("", p[0])), p[0], p[1]))
    if not pairs:
        return Matcher(re.compile(r"(?!x)x"), (), ())
    alternatives = "|".join(f"(?P<g{i}>{_term_regex(term)})" for i, (term, _) in enumerate(pairs))
    # Every alternative starts with the same (?<!\w) check; testing it once first lets the
    # scanner skip positions inside words without trying every term (same matches).
    pattern = rf"(?<!\w)(?:{alternatives})"
    return Matcher(re.compile(pattern), tuple(p[1] for p in pairs), tuple(p[0] for p in pairs))


def find_matches(text: str, matcher: Matcher) -> list[tuple[int, int, str, str]]:
    """Find lexicon terms in ``text``, left to right, without overlaps.

    Returns
    -------
    list of tuple
        ``(start, end, label, matched_text)`` per match.
    """
    found = []
    for match in matcher.pattern.finditer(text or ""):
        index = int(match.lastgroup[1:])
        found.append((match.start(), match.end(), matcher.labels[index], match.group()))
    return found



def texts_with_matches(texts: Sequence[str], matcher: Matcher) -> list[int]:
    """Indices of the texts in which :func:`find_matches` finds at least one term.

    An ASCII text is searched only when it contains the start of some term's first word
    (ignoring case where the term does; for ASCII text that is what the regular expression's
    case folding does); other texts are always searched.
    """
    needles = [_term_needle(term) for term in matcher.terms]
    if any(needle is None for needle in needles):
        return [i for i, text in enumerate(texts) if matcher.pattern.search(text)]
    exact = sorted({needle for needle, folded in needles if not folded})
    lower = sorted({needle for needle, folded in needles if folded})
    found = []
    for i, text in enumerate(texts):
        if text.isascii() and not any(needle in text for needle in exact):
            folded = text.lower() if lower else ""
            if not any(needle in folded for needle in lower):
                continue
        if matcher.pattern.search(text):
            found.append(i)
    return found


def find_matches_each(texts: Iterable[str | None], matchers: Sequence[Matcher]
                      ) -> list[list[tuple[int, int, int, str, str]]]:
    """:func:`find_matches` of several matchers on many texts, in a few regex scans.

    The texts are joined with a separator that no term can match across. One scan finds the
    word starts; a term can only match at a word start whose first two characters equal the
    term's (ignoring ASCII case; only the first when the term's second character is not an
    ASCII letter or digit, as in "U.S."), so each matcher is tried only there, moving past each
    match as :func:`find_matches` does. The result is exactly that of :func:`find_matches` per
    text and matcher (a matcher with a term that does not start with an ASCII letter or digit
    falls back to a full scan; a word start with a non-ASCII character is always tried).

    Returns
    -------
    list of list of tuple
        One list per matcher of ``(text index, start, end, label, matched_text)``, in text
        order, offsets within the text.
    """
    texts = ["" if text is None or text != text else str(text) for text in texts]
    distinct: dict[str, int] = {}
    codes = [distinct.setdefault(text, len(distinct)) for text in texts]
    if len(distinct) < len(texts):  # repeated texts (wire copy): match each distinct text once
        holders: list[list[int]] = [[] for _ in distinct]
        for i, code in enumerate(codes):
            holders[code].append(i)
        results = []
        for hits in _find_matches_distinct(list(distinct), matchers):
            expanded = [(i, *hit[1:]) for hit in hits for i in holders[hit[0]]]
            expanded.sort(key=lambda hit: hit[0])  # stable: each text's matches stay in order
            results.append(expanded)
        return results
    return _find_matches_distinct(texts, matchers)


def _find_matches_distinct(texts: list[str], matchers: Sequence[Matcher]
                           ) -> list[list[tuple[int, int, int, str, str]]]:
    if any(_SEPARATOR in text for text in texts):
        return [[(i, *match) for i, text in enumerate(texts) for match in find_matches(text, m)]
                for m in matchers]
    offsets, total = [], 0
    for text in texts:
        offsets.append(total)
        total += len(text) + 1
    joined = _SEPARATOR.join(texts)
    starts = np.fromiter((m.start() for m in _WORD_START.finditer(joined)), dtype=np.int64)
    first, second = _word_heads(joined, starts)
    results = []
    for matcher in matchers:
        prefixes = {term[:2].lower() for term in matcher.terms}
        if any(not _ASCII_HEAD.match(prefix[:1]) for prefix in prefixes):
            candidates = [match.start() for match in matcher.pattern.finditer(joined)]
        else:
            candidates = starts[_may_start(first, second, prefixes)].tolist()
        found, cursor = [], 0
        for position in candidates:
            if position < cursor:
                continue
            match = matcher.pattern.match(joined, position)
            if match is None:
                continue
            cursor = match.end()
            i = bisect_right(offsets, position) - 1
            found.append((i, position - offsets[i], cursor - offsets[i],
                          matcher.labels[int(match.lastgroup[1:])], match.group()))
        results.append(found)
    return results


def _word_heads(joined: str, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first two characters of each word start (code points, ASCII letters in lower case;
    0 past the end of ``joined``)."""
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    after = np.minimum(starts + 1, len(points) - 1)
    heads = []
    for point in (points[starts].astype(np.int64),
                  np.where(starts + 1 < len(points), points[after], 0).astype(np.int64)):
        upper = (point >= ord("A")) & (point <= ord("Z"))
        heads.append(np.where(upper, point + (ord("a") - ord("A")), point))
    return heads[0], heads[1]


def _may_start(first: np.ndarray, second: np.ndarray, prefixes: set[str]) -> np.ndarray:
    """Which word starts (their :func:`_word_heads`) a term with one of these prefixes (first
    two characters in lower case, all starting with an ASCII letter or digit) can match at.

    A two-character prefix of ASCII letters or digits needs the same two characters; any other
    prefix (one character, or "u." in "U.S.") its first character; a head with a non-ASCII
    character is always tried (its case folding may give an ASCII letter).
    """
    pairs = np.zeros(128 * 128, dtype=bool)
    singles = np.zeros(128, dtype=bool)
    for prefix in prefixes:
        if len(prefix) == 2 and _ASCII_HEAD.match(prefix):
            pairs[ord(prefix[0]) * 128 + ord(prefix[1])] = True
        else:
            singles[ord(prefix[0])] = True
    ascii_head = (first < 128) & (second < 128)
    codes = np.where(ascii_head, first * 128 + second, 0)
    return ~ascii_head | pairs[codes] | singles[np.where(first < 128, first, 0)]
