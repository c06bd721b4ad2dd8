"""Single lines of a scraped article: cut the raw text into lines, then classify or read each one.

Method
------
**Cutting** (:func:`split_units`). Plain text gives one unit per line; a wrapped line that
continues the sentence above (it starts lower-case, or the line above ends with a comma) is
joined to it. Markdown follows its own paragraph rules: blank lines, headings (the first ``#``
heading is the headline, later ones are subheads), list items and hard breaks end a unit;
inline markup is dropped and an image becomes a unit already marked as a caption. Invisible
characters are removed and runs of white space become one space.

**Classifying** (:func:`classify_line`). The context-free rules of
:data:`helpers.chrome.LINE_RULES` are tried in order and the first that matches gives the
reason; then relative timestamps ("3 hours ago") and lone section names. The result is
exactly that of trying each rule's :meth:`~helpers.chrome.LineRule.matches` in turn, computed
faster: one combined alternation of all anchored alternatives, matched once at the start of the
line, names the first rule whose start matches; only rules before it still need their unanchored
alternatives, and those run only when the lower-cased line contains one of the strings they
need (case-insensitive regular-expression search over a whole line is the expensive step).

**Reading**. :func:`parse_date` finds ISO, day-month-year and month-day-year dates and keeps
the first that is a real calendar date; :func:`parse_dateline` accepts a line that is nothing
but a date and filler (weekday, time, zone, "Updated"); :func:`parse_byline` accepts one to
several person-name-like pieces (capitalised tokens, name particles such as "von der",
no furniture words) and drops a trailing organisation; :func:`split_title_suffix` splits a
" - Site Name" suffix off a page title.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from helpers import chrome

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_MD_STRONG = re.compile(r"(\*\*|__)(\S(?:.{0,500}?\S)?)\1")
_MD_EM = re.compile(r"(?<![\w*])([*_])(\S(?:.{0,500}?\S)?)\1(?![\w*])")
_MD_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)]|>)\s+")
_WORD = re.compile(r"[^\W\d_]+")
#: Rules with an anywhere pattern, with their position in :data:`helpers.chrome.LINE_RULES`.
_ANYWHERE_RULES = tuple((k, rule) for k, rule in enumerate(chrome.LINE_RULES) if rule.anywhere)


@dataclass
class Unit:
    """One line (or joined paragraph) of an article on its way through the parser."""

    text: str
    forced: str | None = None  # markdown: "headline" or "subhead"
    reason: str | None = None  # removal reason
    role: str | None = None  # headline, standfirst, byline, body, subhead


def split_units(text: str, *, fmt: str = "text") -> list[Unit]:
    """Cut raw text into units: lines for plain text, paragraphs and headings for Markdown.

    Parameters
    ----------
    text
        The decoded text.
    fmt
        ``"markdown"`` follows Markdown's paragraph rules; anything else is read line by line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _markdown_units(text) if fmt == "markdown" else _text_units(text)


def classify_line(line: str) -> str | None:
    """Return the removal reason of a line judged alone, or ``None`` for possible content."""
    line = normalize_space(line)
    if not line:
        return None
    first = chrome.LINE_STARTS.match(line)
    stop = int(first.lastgroup[1:]) if first else len(chrome.LINE_RULES)
    lower = None if chrome.CASE_FOLD_EXCEPTIONS.search(line) else line.lower()
    for k, rule in _ANYWHERE_RULES:
        if k >= stop:
            break
        if lower is not None:
            for needed in rule.needs:
                if needed in lower:
                    break
            else:
                continue  # the line lacks every string this rule's anywhere pattern needs
        if rule.anywhere.search(line):
            return rule.reason
    if first:
        return chrome.LINE_RULES[stop].reason
    if chrome.RELATIVE_TIME.match(line):
        return "dateline"
    if line.lower().rstrip(":") in chrome.SECTION_LABELS:
        return "section-label"
    return None


def parse_date(value: str) -> str | None:
    """Return the first valid date in ``value`` as ``YYYY-MM-DD`` (ISO, ``4 Feb 2022``, ...)."""
    found = _find_date(value or "")
    return found[0] if found else None


def parse_dateline(line: str) -> str | None:
    """Return the ISO date of a line that is only a date (with weekday, time, "Updated", ...)."""
    if len(line) > 120:
        return None
    found = _find_date(line)
    if found is None:
        return None
    iso, start, end = found
    rest = chrome.DATELINE_FILLER.sub(" ", line[:start] + " " + line[end:])
    return iso if not _WORD.search(rest) else None


def parse_byline(line: str) -> str | None:
    """Return the author name(s) of a byline ("By Jane Doe, Reuters" → "Jane Doe") or ``None``."""
    text = normalize_space(line).rstrip(".")
    if not text or len(text) > 120:
        return None
    has_by = bool(chrome.BYLINE_PREFIX.match(text))
    pieces = [p for p in chrome.BYLINE_SEPARATORS.split(chrome.BYLINE_PREFIX.sub("", text)) if p]
    names: list[str] = []
    for i, piece in enumerate(pieces):
        if _is_name(piece):
            names.append(piece)
        elif names and (has_by or i == len(pieces) - 1) and len(piece.split()) <= 4:
            break  # trailing organisation or place: "Jane Doe, Reuters"
        else:
            return None
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def parse_byline_tail(line: str) -> str:
    """Return the last piece of a byline ("By Jane Doe, Reuters" → "Reuters")."""
    return chrome.BYLINE_SEPARATORS.split(chrome.BYLINE_PREFIX.sub("", line))[-1].strip()


def split_title_suffix(title: str, *, sitename: str | None = None) -> tuple[str, str | None]:
    """Split "Headline - Site Name" into ``("Headline", "Site Name")``; no suffix → ``None``."""
    title = normalize_space(title)
    if sitename:
        for sep in (" - ", " – ", " — ", " | "):
            if title.endswith(sep + sitename.strip()):
                return title[: -len(sep + sitename.strip())].strip(), sitename.strip()
    match = chrome.TITLE_SUFFIX.match(title)
    if match:
        site = match.group("site")
        if not any(w.lower() in chrome.SUFFIX_NOT_OUTLET for w in site.split()):
            return match.group("head"), site
    return title, None


def is_title_like(text: str, *, max_words: int) -> bool:
    """No final punctuation (a short quoted phrase may end in a quote), not lower-case first."""
    words = count_words(text)
    if words > max_words or text[0].islower() or chrome.ELLIPSIS.search(text):
        return False
    return not chrome.TERMINAL.search(text) and not (
        chrome.CLOSING_QUOTE.search(text) and words > 12)


def is_teaser(text: str) -> bool:
    """A short line that ends in an ellipsis or without a full stop: a related-link title."""
    if count_words(text) > 40:
        return False
    return bool(chrome.ELLIPSIS.search(text)) or not chrome.STATEMENT_END.search(text)


def count_words(text: str) -> int:
    """Return the number of white-space separated words."""
    return len(text.split())


def normalize_space(text: str) -> str:
    """Collapse runs of white space into one space and strip the ends."""
    return " ".join(text.split())  # str.split's white space is exactly regex \s


def fold_line(text: str) -> str:
    """Return the comparison key of a line (space-normalised, case-folded)."""
    return normalize_space(text).casefold()


def _squash(line: str) -> str:
    return normalize_space(_INVISIBLE.sub("", line))


def _text_units(text: str) -> list[Unit]:
    units: list[Unit] = []
    blank = True
    for raw in text.split("\n"):
        line = _squash(raw)
        if not line:
            blank = True
            continue
        prev = units[-1].text if units else ""
        if not blank and prev and (line[0].islower() or prev.endswith(",")):
            units[-1].text = prev + " " + line  # a wrapped line continuing the sentence above
        else:
            units.append(Unit(line))
        blank = False
    return units


def _markdown_units(text: str) -> list[Unit]:
    units: list[Unit] = []
    buffer: list[str] = []
    seen_h1 = False

    def flush() -> None:
        if buffer:
            units.append(Unit(_md_inline(" ".join(buffer))))
            buffer.clear()

    for raw in text.split("\n"):
        line = _squash(raw)
        if not line or _MD_RULE.match(line):
            flush()
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            forced = "headline" if len(heading.group(1)) == 1 and not seen_h1 else "subhead"
            seen_h1 = seen_h1 or forced == "headline"
            units.append(Unit(_md_inline(heading.group(2)), forced=forced))
            continue
        for image in _MD_IMAGE.findall(line):
            units.append(Unit(image, reason="caption"))
        line = _MD_IMAGE.sub("", line).strip()
        if _MD_ITEM.match(line):
            flush()
            line = _MD_ITEM.sub("", line)
        if line:
            buffer.append(line)
        if raw.endswith(("  ", "\\")) or not line:
            flush()
    flush()
    return [u for u in units if u.text]


def _md_inline(text: str) -> str:
    text = _MD_LINK.sub(r"\1", text.rstrip("\\"))
    text = _MD_EM.sub(r"\2", _MD_STRONG.sub(r"\2", text))
    return _squash(html.unescape(text))


def _is_name(piece: str) -> bool:
    tokens = piece.split()
    if not 2 <= len(tokens) <= 5:
        return False
    for k, token in enumerate(tokens):
        if token.lower() in chrome.BYLINE_STOPWORDS:
            return False
        if token in chrome.NAME_PARTICLES and 0 < k < len(tokens) - 1:
            continue
        if not (token[0].isupper() and all(c.isalpha() or c in "'’.-" for c in token)):
            return False
    return len(tokens[-1]) > 1 and sum(t not in chrome.NAME_PARTICLES for t in tokens) <= 4


def _find_date(text: str) -> tuple[str, int, int] | None:
    for _, pattern in chrome.DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = match.group("m")
            month_n = int(month) if month.isdigit() else chrome.MONTHS.get(month.lower(), 0)
            try:
                iso = date(int(match.group("y")), month_n, int(match.group("d"))).isoformat()
            except ValueError:
                continue
            return iso, match.start(), match.end()
    return None
