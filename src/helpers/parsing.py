"""Turn the raw text of a scraped news page into an :class:`~helpers.article.Article`.

Method
------
The text is cut into units (one per line; wrapped lines that continue a sentence are joined;
Markdown follows its own paragraph rules). Each unit then goes through four passes:

1. **Line rules** (:func:`classify_line`): context-free patterns from :mod:`helpers.chrome`
   (navigation bars, notification prompts, captions, credits, newsletter and membership
   furniture, comment policies, ...). A date inside such a line is never a publication date.
2. **Block rules**: a video promo ("WATCH | ..." + title + age + duration + blurb), a teaser
   list after "Latest articles"/"Related articles", and a caption repeated on two lines.
3. **Header**: the first headline-like unit is the headline (a " - Site" suffix gives an outlet
   hint, a later repeat is removed); before the first body paragraph come section labels,
   the byline (a person-name-like line, :func:`parse_byline`) and the dateline
   (:func:`parse_dateline`); a long line without final punctuation among the first two body
   units is the standfirst.
4. **Body**: the rest, in order; short title-like lines followed by text are subheads; exact
   repeats are removed as duplicates.

Every removed unit is kept in ``Article.removed`` with one of :data:`REASONS`. Metadata comes
from ``sources.csv`` first, then HTML metadata, then hints in the text (see :func:`parse_text`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from helpers import chrome
from helpers.article import Article, Paragraph, Removed
from helpers.ingest import RawDocument
from helpers.language import detect_language

#: Bump when a rule changes: the parse cache is keyed on it.
PARSER_VERSION: str = "1.0"
#: Every removal reason label used in ``Article.removed``.
REASONS: tuple[str, ...] = (
    "nav", "section-label", "notification-prompt", "headline-duplicate", "dateline", "caption",
    "video-promo", "photo-promo", "credit", "newsletter", "comments", "membership", "share",
    "advert", "footer", "related-links", "page-meta", "duplicate",
)

_SPACE = re.compile(r"\s+")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*$")
_MD_RULE = re.compile(r"^(?:[-*_]\s*){3,}$")
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,500}\]\([^)\n]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_MD_STRONG = re.compile(r"(\*\*|__)(\S(?:.{0,500}?\S)?)\1")
_MD_EM = re.compile(r"(?<![\w*])([*_])(\S(?:.{0,500}?\S)?)\1(?![\w*])")
_MD_ITEM = re.compile(r"^(?:[-*+]|\d{1,3}[.)]|>)\s+")
_VIDEO_START = re.compile(r"^(?:watch|video|listen)\s*[|:]", re.IGNORECASE)
_VIDEO_TAIL = re.compile(r"^duration\s+\d", re.IGNORECASE)
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class _Unit:
    text: str
    forced: str | None = None  # markdown: "headline" or "subhead"
    reason: str | None = None  # removal reason
    role: str | None = None  # headline, standfirst, byline, body, subhead


def parse_document(doc: RawDocument, *, sources_row: Mapping[str, str] | None = None) -> Article:
    """Parse a :class:`~helpers.ingest.RawDocument`; a skipped document stays skipped.

    Parameters
    ----------
    doc
        The decoded file (``doc.meta`` holds HTML metadata).
    sources_row
        The ``sources.csv`` row of this file (``file, outlet, url, published``), if any.
    """
    if doc.skip_reason:
        return Article(source=doc.source, status="skipped", reason=doc.skip_reason,
                       content_hash=doc.content_hash)
    article = parse_text(doc.text, source=doc.source, fmt=doc.fmt, meta=doc.meta,
                         sources_row=sources_row)
    article.content_hash = doc.content_hash
    return article


def parse_text(text: str, *, source: str, fmt: str = "text", meta: Mapping[str, str] | None = None,
               sources_row: Mapping[str, str] | None = None) -> Article:
    """Parse raw article text; never raises.

    Parameters
    ----------
    text
        Decoded text (for HTML, the body extracted by :mod:`helpers.ingest`).
    source
        File name, used in the fallback outlet label.
    fmt
        ``"text"``, ``"markdown"`` or ``"html"``.
    meta
        HTML metadata: ``title``, ``author``, ``date``, ``sitename``, ``url``.
    sources_row
        The ``sources.csv`` row; its non-empty values win over anything found in the text.

    Returns
    -------
    Article
        ``status="skipped"`` with a reason when no body text is left.
    """
    try:
        return _parse(text or "", source, fmt, dict(meta or {}), dict(sources_row or {}))
    except Exception as exc:  # pragma: no cover - the contract is "never raise"
        return Article(source=source, status="skipped",
                       reason=f"parser error ({type(exc).__name__}: {exc})")


def classify_line(line: str) -> str | None:
    """Return the removal reason of a line judged alone, or ``None`` for possible content."""
    line = _SPACE.sub(" ", line).strip()
    if not line:
        return None
    for reason, pattern in chrome.LINE_RULES:
        if pattern.search(line):
            return reason
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
    text = _SPACE.sub(" ", line).strip().rstrip(".")
    if not text or len(text) > 120:
        return None
    has_by = bool(_BY.match(text))
    pieces = [p for p in _NAME_SPLIT.split(_BY.sub("", text)) if p]
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


def split_title_suffix(title: str, *, sitename: str | None = None) -> tuple[str, str | None]:
    """Split "Headline - Site Name" into ``("Headline", "Site Name")``; no suffix → ``None``."""
    title = _SPACE.sub(" ", title).strip()
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


def _parse(text: str, source: str, fmt: str, meta: dict, row: dict) -> Article:
    units = _markdown_units(text) if fmt == "markdown" else _text_units(text)
    if not any(u.text for u in units):
        return Article(source=source, status="skipped", reason="no text")
    hints: list[str] = []
    units = _split_wire_datelines(units, hints)
    for unit in units:
        if unit.reason is None:
            unit.reason = classify_line(unit.text)
    _mark_blocks(units)
    headline, suffix = _mark_headline(units, meta)
    fields = _mark_header(units, headline is not None)
    paragraphs = _mark_body(units)
    article = Article(source=source, headline=headline, standfirst=fields["standfirst"],
                      byline=fields["byline"] or _author(meta), paragraphs=paragraphs,
                      removed=[Removed(u.text, u.reason) for u in units if u.reason])
    if not paragraphs:
        return Article(source=source, status="skipped",
                       reason="no article text left after removing site chrome")
    article.outlet = _pick_outlet(row, meta, suffix, units, hints + fields["orgs"], source,
                                  article.warnings)
    article.published = _pick_published(row, meta, fields["dates"], article.warnings)
    article.url = (row.get("url") or "").strip() or meta.get("url") or None
    article.language = detect_language(" ".join([headline or ""] + [p.text for p in paragraphs]))
    if headline is None:
        article.warnings.append("no headline found")
    return article


def _squash(line: str) -> str:
    return _SPACE.sub(" ", _INVISIBLE.sub("", line)).strip()


def _text_units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    blank = True
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _squash(raw)
        if not line:
            blank = True
            continue
        prev = units[-1].text if units else ""
        if not blank and prev and (line[0].islower() or prev.endswith(",")):
            units[-1].text = prev + " " + line  # a wrapped line continuing the sentence above
        else:
            units.append(_Unit(line))
        blank = False
    return units


def _markdown_units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    buffer: list[str] = []
    seen_h1 = False

    def flush() -> None:
        if buffer:
            units.append(_Unit(_md_inline(" ".join(buffer))))
            buffer.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = _squash(raw)
        if not line or _MD_RULE.match(line):
            flush()
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            forced = "headline" if len(heading.group(1)) == 1 and not seen_h1 else "subhead"
            seen_h1 = seen_h1 or forced == "headline"
            units.append(_Unit(_md_inline(heading.group(2)), forced=forced))
            continue
        for image in _MD_IMAGE.findall(line):
            units.append(_Unit(image, reason="caption"))
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


def _split_wire_datelines(units: list[_Unit], hints: list[str]) -> list[_Unit]:
    out: list[_Unit] = []
    for unit in units:
        match = chrome.WIRE_DATELINE.match(unit.text) if unit.reason is None else None
        if match and len(unit.text) > match.end():
            hints.append(match.group("agency"))
            out.append(_Unit(match.group(0).strip(), reason="dateline"))
            unit.text = unit.text[match.end():]
        out.append(unit)
    return out


def _is_title_like(text: str, max_words: int) -> bool:
    """No final punctuation (a short quoted phrase may end in a quote), not lower-case first."""
    words = _count_words(text)
    if words > max_words or text[0].islower() or chrome.ELLIPSIS.search(text):
        return False
    return not chrome.TERMINAL.search(text) and not (
        chrome.CLOSING_QUOTE.search(text) and words > 12)


def _mark_blocks(units: list[_Unit]) -> None:
    n, scanned = len(units), 0
    for i, unit in enumerate(units):
        if unit.reason == "video-promo" and _VIDEO_START.match(unit.text):
            window = range(i + 1, min(i + 5, n))
            tails = [j for j in window if _VIDEO_TAIL.match(units[j].text)
                     or chrome.RELATIVE_TIME.match(units[j].text)]
            end = tails[-1] + 1 if tails else i + 1
            if not tails and end < n and units[end].reason is None and _is_title_like(
                    units[end].text, 20):
                end += 1
            elif tails and end < n and units[end].reason is None:
                end += 1  # the one-paragraph blurb under the duration
            for j in range(i + 1, end):
                units[j].reason = "video-promo"
        elif unit.reason == "related-links" and i >= scanned:
            for j in range(i + 1, n):
                scanned = j
                other = units[j]
                if other.reason in (None, "section-label", "dateline"):
                    if other.reason is None and not _is_teaser(other.text):
                        break
                    other.reason = "related-links"
    for i in range(n - 1):
        a, b = units[i], units[i + 1]
        if a.reason is None and b.reason is None and a.text == b.text:
            if not chrome.TERMINAL.search(a.text):
                a.reason = b.reason = "caption"  # alt text and figure caption of one photo


def _is_teaser(text: str) -> bool:
    if _count_words(text) > 40:
        return False
    return bool(chrome.ELLIPSIS.search(text)) or not re.search(r"[.!][\"'”’)\]]*$", text)


def _mark_headline(units: list[_Unit], meta: dict) -> tuple[str | None, str | None]:
    headline = suffix = None
    if meta.get("title"):
        headline, suffix = split_title_suffix(meta["title"], sitename=meta.get("sitename"))
    else:
        forced = [u for u in units if u.forced == "headline" and u.reason is None]
        candidates = forced or [u for u in units if u.reason is None][:6]
        for unit in candidates:
            if unit.forced is None and (parse_dateline(unit.text) or (
                    _BY.match(unit.text) and parse_byline(unit.text))):
                continue
            if unit.forced or _is_title_like(unit.text, 30) or unit.text.endswith(("?", "!")):
                headline, suffix = split_title_suffix(unit.text)
                unit.role = "headline"
            break
    if headline:
        keys = {_key(headline)} | ({_key(meta["title"])} if meta.get("title") else set())
        for unit in units:
            if unit.reason is None and unit.role is None and _key(unit.text) in keys:
                unit.reason = "headline-duplicate"
    return headline, suffix


def _mark_header(units: list[_Unit], has_headline: bool) -> dict:
    fields: dict = {"standfirst": None, "byline": None, "dates": [], "orgs": []}
    body_seen = 0
    started = not any(u.role == "headline" for u in units)  # HTML: the headline is metadata
    for unit in units:
        if unit.role == "headline":
            started = True
        if unit.reason or unit.role or unit.forced:
            continue
        if body_seen >= 2:
            break
        if body_seen == 0:  # before the first body paragraph (above the headline too)
            iso = parse_dateline(unit.text)
            if iso:
                unit.reason = "dateline"
                fields["dates"].append(iso)
                continue
            name = None if fields["byline"] else parse_byline(unit.text)
            if name:
                unit.role = "byline"
                fields["byline"] = name
                rest = _NAME_SPLIT.split(_BY.sub("", unit.text))[-1].strip()
                if rest and rest not in name:
                    fields["orgs"].append(rest)
                continue
        if not started:
            continue
        if (has_headline and fields["standfirst"] is None and 8 <= _count_words(unit.text) <= 45
                and _is_title_like(unit.text, 45)):
            unit.role = "standfirst"
            fields["standfirst"] = unit.text
            continue
        body_seen += 1
    return fields


def _mark_body(units: list[_Unit]) -> list[Paragraph]:
    content = [i for i, u in enumerate(units) if u.reason is None and u.role is None]
    last = content[-1] if content else -1
    seen: set[str] = set()
    paragraphs: list[Paragraph] = []
    for i in content:
        unit = units[i]
        key = _key(unit.text)
        if key in seen:
            unit.reason = "duplicate"
            continue
        seen.add(key)
        subhead = unit.forced == "subhead" or (i < last and _is_title_like(unit.text, 12))
        unit.role = "subhead" if subhead else "body"
        paragraphs.append(Paragraph(unit.text, unit.role))
    return paragraphs


def _count_words(text: str) -> int:
    return len(text.split())


def _key(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()


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


def _author(meta: dict) -> str | None:
    return parse_byline(meta["author"]) if meta.get("author") else None


def _pick_outlet(row: dict, meta: dict, suffix: str | None, units: list[_Unit],
                 hints: list[str], source: str, warnings: list[str]) -> str:
    candidates = [(row.get("outlet") or "").strip(), meta.get("sitename") or "", suffix or ""]
    chrome_lines = [u.text for u in units if u.reason]
    for _, pattern in chrome.OUTLET_PATTERNS:
        candidates += [m.group("outlet") for t in chrome_lines if (m := pattern.search(t))]
    text = "\n".join(u.text for u in units)
    candidates += [label for label, pattern in chrome.OUTLET_HINTS if pattern.search(text)]
    candidates += hints
    for candidate in candidates:
        candidate = candidate.strip(" .,")
        if candidate:
            return chrome.OUTLET_ALIASES.get(candidate.lower(), candidate)
    label = f"Unknown outlet ({PurePath(source).stem})"
    warnings.append(f"outlet not in sources.csv, HTML metadata or the text; using {label!r}")
    return label


def _pick_published(row: dict, meta: dict, dates: list[str], warnings: list[str]) -> str | None:
    given = (row.get("published") or "").strip()
    if given:
        iso = parse_date(given)
        if iso:
            return iso
        warnings.append(f"sources.csv published value {given!r} is not a date; ignored")
    if meta.get("date") and parse_date(meta["date"]):
        return parse_date(meta["date"])
    return dates[0] if dates else None


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
