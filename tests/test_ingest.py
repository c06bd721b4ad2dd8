"""Reading files: encodings, HTML, and every bad input skipped with a reason (never raised)."""

from __future__ import annotations

import codecs

import pytest

from helpers import ingest
from helpers.ingest import read_document

TEXT = "Headline about the café\n\n“Quoted,” she said. It’s Zürich — naïve.\n"


@pytest.mark.parametrize(
    ("name", "payload", "encoding"),
    [
        ("utf8.txt", TEXT.encode("utf-8"), "utf-8"),
        ("utf8bom.txt", codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        ("utf16le.txt", TEXT.encode("utf-16"), "utf-16"),  # Python writes a BOM
        ("utf16be.txt", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        ("cp1252.txt", TEXT.encode("cp1252"), "cp1252"),
        ("latin1.md", "Headline\n\nCafé crème à Genève, naïve façade.\n".encode("latin-1"),
         "cp1252"),
    ],
)
def test_encodings_decode_with_curly_quotes_and_accents(tmp_path, name, payload, encoding):
    path = tmp_path / name
    path.write_bytes(payload)
    doc = read_document(path)
    assert doc.skip_reason is None
    assert doc.encoding == encoding
    expected = TEXT if "latin1" not in name else "Headline\n\nCafé crème à Genève, naïve façade.\n"
    assert doc.text == expected
    assert doc.content_hash == ingest.hash_bytes(payload)


def test_crlf_line_endings_are_normalised(tmp_path):
    path = tmp_path / "dos.txt"
    path.write_bytes(b"Title\r\n\r\nBody line.\r\n")
    assert read_document(path).text == "Title\n\nBody line.\n"


@pytest.mark.parametrize(
    ("name", "payload", "reason_start"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\t\n \r\n", "empty file"),
        ("bom-only.txt", codecs.BOM_UTF8 + b"   \n", "whitespace-only file"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
         "binary file"),
        ("archive.html", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200), "binary file"),
        ("notes.docx", b"PK\x03\x04", "unsupported extension '.docx'"),
        ("README", b"hello", "unsupported extension '(none)'"),
        ("page.html", b"<html><head><title>x</title></head><body></body></html>",
         "no article text found"),
    ],
)
def test_bad_inputs_are_skipped_with_a_reason(tmp_path, name, payload, reason_start):
    path = tmp_path / name
    path.write_bytes(payload)
    doc = read_document(path)
    assert doc.skip_reason is not None
    assert doc.skip_reason.startswith(reason_start)


def test_too_large_file_is_refused_not_truncated(tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "MAX_BYTES", 1000)
    path = tmp_path / "huge.txt"
    path.write_text("Word " * 500, encoding="utf-8")
    doc = read_document(path)
    assert doc.skip_reason.startswith("file too large")
    assert doc.text == ""


def test_html_page_yields_body_and_metadata(tmp_path):
    page = """<!doctype html><html><head><title>Summit ends - Daily Planet</title>
    <meta property="og:site_name" content="Daily Planet">
    <meta name="author" content="Lois Lane">
    <meta property="article:published_time" content="2023-05-06T10:00:00Z">
    <link rel="canonical" href="https://example.org/summit"></head>
    <body><nav>Home | World | Sport</nav><article><h1>Summit ends</h1>
    <p>The leaders met for three hours on Saturday and agreed a joint statement on trade.</p>
    <p>“We are pleased,” the minister said after the talks ended in the capital city.</p>
    </article><footer>© Daily Planet</footer></body></html>"""
    path = tmp_path / "planet.html"
    path.write_text(page, encoding="utf-8")
    doc = read_document(path)
    assert doc.skip_reason is None
    assert doc.fmt == "html"
    assert "The leaders met for three hours" in doc.text
    assert "“We are pleased,” the minister said" in doc.text
    assert "Home | World" not in doc.text
    assert doc.meta["sitename"] == "Daily Planet"
    assert doc.meta["author"] == "Lois Lane"
    assert doc.meta["date"] == "2023-05-06"
    assert doc.meta["url"] == "https://example.org/summit"


def test_list_article_files_reports_unsupported_and_ignores_config(tmp_path):
    for name in ("b.txt", "a.md", "c.html", "sources.csv", "actors.yml", "image.png", ".hidden"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    files, skipped = ingest.list_article_files(tmp_path)
    assert [p.name for p in files] == ["a.md", "b.txt", "c.html"]
    assert [(p.name, r.split(";")[0]) for p, r in skipped] == [
        ("image.png", "unsupported extension '.png'")]
