"""Read article files from disk: decode text, extract HTML, and skip what cannot be read.

Each input file becomes a :class:`RawDocument`. A file that cannot be used is not an error: it
comes back with ``skip_reason`` set (empty, binary, unsupported extension, too large, ...) so the
corpus audit can list it. Decoding order: byte-order mark (UTF-8, UTF-16, UTF-32), strict UTF-8,
then charset-normalizer's best guess, with Western single-byte guesses read as cp1252 so that
curly quotes and accents survive. HTML goes through trafilatura (body text plus title, author,
date, site name and URL).
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

#: Extensions read as plain text, Markdown or HTML.
TEXT_EXTENSIONS: tuple[str, ...] = (".txt", ".text")
MARKDOWN_EXTENSIONS: tuple[str, ...] = (".md", ".markdown")
HTML_EXTENSIONS: tuple[str, ...] = (".html", ".htm", ".xhtml")
ARTICLE_EXTENSIONS: tuple[str, ...] = TEXT_EXTENSIONS + MARKDOWN_EXTENSIONS + HTML_EXTENSIONS
#: Files that sit in a collection folder but are not articles (never reported as skipped).
CONFIG_FILES: tuple[str, ...] = ("sources.csv", "actors.yml", "frames.yml", "verbs.yml")
#: Larger files are refused with a reason instead of being parsed (a news article is < 200 kB).
MAX_BYTES: int = 10 * 1024 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: charset-normalizer guesses that mean "some Western single-byte code page": read as cp1252.
_WESTERN_SINGLE_BYTE: tuple[str, ...] = (
    "cp1252", "windows-1252", "latin_1", "iso8859_1", "iso8859_15", "cp1250", "iso8859_2",
    "cp850", "mac_roman", "cp437", "ascii", "iso8859_9", "cp1254", "mac_latin2", "cp1257",
    "iso8859_13", "iso8859_10", "iso8859_4", "iso8859_3",
)


@dataclass
class RawDocument:
    """One input file, decoded.

    Attributes
    ----------
    source
        File name (the key used in ``sources.csv``).
    path
        Full path of the file.
    fmt
        ``"text"``, ``"markdown"`` or ``"html"``.
    text
        Decoded text; for HTML, the body extracted by trafilatura, one paragraph per line block.
    meta
        For HTML: ``title``, ``author``, ``date``, ``sitename``, ``url`` when found.
    encoding
        The encoding used to decode the bytes.
    content_hash
        SHA-256 of the raw bytes (the cache key; identical files share it).
    skip_reason
        Why the file is not parsed, or ``None``.
    """

    source: str
    path: Path
    fmt: str = "text"
    text: str = ""
    meta: dict = field(default_factory=dict)
    encoding: str | None = None
    content_hash: str | None = None
    skip_reason: str | None = None


def list_article_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """List the files of a collection folder.

    Returns
    -------
    tuple
        ``(candidates, skipped)``: files with an article extension, in name order, and
        ``(path, reason)`` for every other file (config files such as ``sources.csv`` excluded).
    """
    candidates: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    folder = Path(folder)
    with os.scandir(folder) as listing:  # file types from the listing: no stat per file
        entries = sorted(listing, key=lambda e: os.path.normcase(e.name))  # as Paths sort
    for entry in entries:
        if entry.name.startswith(".") or entry.name in CONFIG_FILES or entry.is_dir():
            continue
        path = folder / entry.name
        if path.suffix.lower() in ARTICLE_EXTENSIONS:
            candidates.append(path)
        else:
            skipped.append(
                (path, f"unsupported extension {path.suffix or '(none)'!r}; "
                       f"use one of {', '.join(ARTICLE_EXTENSIONS)}")
            )
    return candidates, skipped


def hash_bytes(data: bytes) -> str:
    """Return the SHA-256 hex digest of ``data``."""
    return hashlib.sha256(data).hexdigest()


def read_document(path: Path, *, source: str | None = None) -> RawDocument:
    """Read and decode one file; never raises for bad content.

    Parameters
    ----------
    path
        The file to read.
    source
        Name to report; defaults to the file name.
    """
    path = Path(path)
    name = source or path.name
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refuse before reading it into memory
            return read_bytes(b"", source=name, suffix=path.suffix, path=path, size=size)
        data = path.read_bytes()
    except OSError as exc:
        return RawDocument(source=name, path=path,
                           skip_reason=f"unreadable file ({exc.strerror or exc})")
    return read_bytes(data, source=name, suffix=path.suffix, path=path)


def read_bytes(data: bytes, *, source: str, suffix: str, path: Path | None = None,
               size: int | None = None) -> RawDocument:
    """Decode the bytes of one article file (what :func:`read_document` does after reading).

    Used directly when the bytes travel to another process or machine (Dask workers).

    Parameters
    ----------
    data
        The raw file content.
    source
        File name to report.
    suffix
        The file's extension (``".txt"``, ``".md"``, ``".html"``...), which picks the reader.
    path
        The original path, kept for reference.
    size
        The file size when ``data`` was not read because the file is too large.
    """
    suffix = suffix.lower()
    size = len(data) if size is None else size
    doc = RawDocument(source=source, path=Path(path) if path else Path(source))
    if suffix not in ARTICLE_EXTENSIONS:
        doc.skip_reason = f"unsupported extension {suffix or '(none)'!r}"
        return doc
    doc.fmt = "html" if suffix in HTML_EXTENSIONS else (
        "markdown" if suffix in MARKDOWN_EXTENSIONS else "text")
    if size > MAX_BYTES:
        doc.skip_reason = (f"file too large ({size / 1_048_576:.1f} MB; the limit is "
                           f"{MAX_BYTES // 1_048_576} MB): split it or trim it")
        return doc
    doc.content_hash = hash_bytes(data)
    if not data.strip():
        doc.skip_reason = "empty file"
        return doc
    text, encoding = decode_bytes(data)
    if text is None:
        doc.skip_reason = "binary file (not text in any known encoding)"
        return doc
    doc.encoding = encoding
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        doc.skip_reason = "whitespace-only file"
        return doc
    if doc.fmt == "html":
        body, meta = extract_html(text)
        if not body.strip():
            doc.skip_reason = "no article text found in the HTML page"
            return doc
        doc.text, doc.meta = body, meta
    else:
        doc.text = text
    return doc


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """Decode bytes to text.

    Returns
    -------
    tuple
        ``(text, encoding)``, or ``(None, None)`` when the bytes look binary.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None, None
    if _looks_binary(data):
        return None, None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None, None
    encoding = best.encoding.lower()
    if encoding in _WESTERN_SINGLE_BYTE:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"
    return str(best), encoding


def _looks_binary(data: bytes) -> bool:
    """True for NUL bytes or many control characters in the first 8 kB (no BOM present)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / max(len(head), 1) > 0.05


def extract_html(html: str) -> tuple[str, dict]:
    """Extract the article body and metadata from an HTML page with trafilatura.

    Returns
    -------
    tuple
        ``(text, meta)``: paragraphs separated by blank lines, and a dict with ``title``,
        ``author``, ``date`` (ISO), ``sitename``, ``url`` and ``description`` (missing keys
        omitted).
    """
    import trafilatura

    body = trafilatura.extract(
        html, output_format="txt", include_comments=False, include_tables=False,
        favor_recall=True, with_metadata=False, deduplicate=False,
    ) or ""
    meta: dict = {}
    try:
        document = trafilatura.extract_metadata(html)
    except Exception:  # trafilatura raises on some malformed pages; metadata is optional
        document = None
    if document is not None:
        for key in ("title", "author", "date", "sitename", "url", "description"):
            value = getattr(document, key, None)
            if value:
                meta[key] = str(value)
    paragraphs = [line.strip() for line in body.split("\n") if line.strip()]
    return "\n\n".join(paragraphs), meta
