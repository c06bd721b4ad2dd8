"""Turn the raw text of a scraped news page into an :class:`~helpers.article.Article`.

Method
------
The text is cut into units (one per line; wrapped lines that continue a sentence are joined;
Markdown follows its own paragraph rules). Each unit then goes through four passes. The
single-line work (cutting, rules, dates, bylines, title suffixes) lives in :mod:`helpers.lines`
and is re-exported here; this module holds the passes that need the surrounding lines.

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
from ``sources.csv`` first, then HTML metadata, then hints in the text (see :func:`parse_text`);
the later sources are only computed when the earlier ones give nothing. Every pass is one scan
(or a bounded window) over the units, so the cost is linear in the length of the article.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import PurePath

from helpers import chrome
from helpers.article import Article, Paragraph, Removed
from helpers.ingest import RawDocument
from helpers.language import detect_language
from helpers.lines import (
    Unit,
    classify_line,
    count_words,
    fold_line,
    is_teaser,
    is_title_like,
    parse_byline,
    parse_byline_tail,
    parse_date,
    parse_dateline,
    split_title_suffix,
    split_units,
)

__all__ = [
    "PARSER_VERSION", "REASONS", "classify_line", "parse_byline", "parse_date", "parse_dateline",
    "parse_document", "parse_text", "split_title_suffix",
]

#: Bump when a rule changes: the parse cache is keyed on it.
PARSER_VERSION: str = "1.1"
#: Every removal reason label used in ``Article.removed``.
REASONS: tuple[str, ...] = (
    "nav", "section-label", "notification-prompt", "headline-duplicate", "dateline", "caption",
    "video-promo", "photo-promo", "credit", "newsletter", "comments", "membership", "share",
    "advert", "footer", "related-links", "page-meta", "duplicate",
)

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


def _parse(text: str, source: str, fmt: str, meta: dict, row: dict) -> Article:
    units = split_units(text, fmt=fmt)
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


def _split_wire_datelines(units: list[Unit], hints: list[str]) -> list[Unit]:
    out: list[Unit] = []
    for unit in units:
        match = chrome.WIRE_DATELINE.match(unit.text) if unit.reason is None else None
        if match and len(unit.text) > match.end():
            hints.append(match.group("agency"))
            out.append(Unit(match.group(0).strip(), reason="dateline"))
            unit.text = unit.text[match.end():]
        out.append(unit)
    return out


def _mark_blocks(units: list[Unit]) -> None:
    n, scanned = len(units), 0
    for i, unit in enumerate(units):
        if unit.reason == "video-promo" and chrome.VIDEO_START.match(unit.text):
            window = range(i + 1, min(i + 5, n))
            tails = [j for j in window if chrome.VIDEO_TAIL.match(units[j].text)
                     or chrome.RELATIVE_TIME.match(units[j].text)]
            end = tails[-1] + 1 if tails else i + 1
            if not tails and end < n and units[end].reason is None and is_title_like(
                    units[end].text, max_words=20):
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
                    if other.reason is None and not is_teaser(other.text):
                        break
                    other.reason = "related-links"
    for i in range(n - 1):
        a, b = units[i], units[i + 1]
        if a.reason is None and b.reason is None and a.text == b.text:
            if not chrome.TERMINAL.search(a.text):
                a.reason = b.reason = "caption"  # alt text and figure caption of one photo


def _mark_headline(units: list[Unit], meta: dict) -> tuple[str | None, str | None]:
    headline = suffix = None
    if meta.get("title"):
        headline, suffix = split_title_suffix(meta["title"], sitename=meta.get("sitename"))
    else:
        forced = [u for u in units if u.forced == "headline" and u.reason is None]
        candidates = forced or [u for u in units if u.reason is None][:6]
        for unit in candidates:
            if unit.forced is None and (parse_dateline(unit.text) or (
                    chrome.BYLINE_PREFIX.match(unit.text) and parse_byline(unit.text))):
                continue
            if (unit.forced or is_title_like(unit.text, max_words=30)
                    or unit.text.endswith(("?", "!"))):
                headline, suffix = split_title_suffix(unit.text)
                unit.role = "headline"
            break
    if headline:
        keys = {fold_line(headline)} | ({fold_line(meta["title"])} if meta.get("title") else set())
        for unit in units:
            if unit.reason is None and unit.role is None and fold_line(unit.text) in keys:
                unit.reason = "headline-duplicate"
    return headline, suffix


def _mark_header(units: list[Unit], has_headline: bool) -> dict:
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
                rest = parse_byline_tail(unit.text)
                if rest and rest not in name:
                    fields["orgs"].append(rest)
                continue
        if not started:
            continue
        if (has_headline and fields["standfirst"] is None and 8 <= count_words(unit.text) <= 45
                and is_title_like(unit.text, max_words=45)):
            unit.role = "standfirst"
            fields["standfirst"] = unit.text
            continue
        body_seen += 1
    return fields


def _mark_body(units: list[Unit]) -> list[Paragraph]:
    content = [i for i, u in enumerate(units) if u.reason is None and u.role is None]
    last = content[-1] if content else -1
    seen: set[str] = set()
    paragraphs: list[Paragraph] = []
    for i in content:
        unit = units[i]
        key = fold_line(unit.text)
        if key in seen:
            unit.reason = "duplicate"
            continue
        seen.add(key)
        subhead = unit.forced == "subhead" or (i < last and is_title_like(unit.text, max_words=12))
        unit.role = "subhead" if subhead else "body"
        paragraphs.append(Paragraph(unit.text, unit.role))
    return paragraphs


def _author(meta: dict) -> str | None:
    return parse_byline(meta["author"]) if meta.get("author") else None


def _pick_outlet(row: dict, meta: dict, suffix: str | None, units: list[Unit],
                 hints: list[str], source: str, warnings: list[str]) -> str:
    for candidate in _outlet_candidates(row, meta, suffix, units, hints):
        candidate = candidate.strip(" .,")
        if candidate:
            return chrome.OUTLET_ALIASES.get(candidate.lower(), candidate)
    label = f"Unknown outlet ({PurePath(source).stem})"
    warnings.append(f"outlet not in sources.csv, HTML metadata or the text; using {label!r}")
    return label


def _outlet_candidates(row: dict, meta: dict, suffix: str | None, units: list[Unit],
                       hints: list[str]) -> Iterator[str]:
    """Outlet names by priority, computed lazily: the first non-empty one is used."""
    yield (row.get("outlet") or "").strip()
    yield meta.get("sitename") or ""
    yield suffix or ""
    chrome_lines = [u.text for u in units if u.reason]
    for _, pattern in chrome.OUTLET_PATTERNS:
        yield from (m.group("outlet") for t in chrome_lines if (m := pattern.search(t)))
    text = "\n".join(u.text for u in units)
    for label, needed, pattern in chrome.OUTLET_HINTS:
        if needed in text and pattern.search(text):
            yield label
    yield from hints


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
