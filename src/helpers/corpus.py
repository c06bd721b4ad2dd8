"""Collections: read a folder of articles into tidy tables, with a parse cache keyed by content.

``load_collection`` is the entry point every notebook and the report use. It lists the folder,
reads ``sources.csv`` (optional; columns ``file, outlet, url, published``), hashes every file
(except a file whose size, times and inode are those it had when the last load hashed it: see
:func:`_signature`), reuses the cached parse of files whose bytes, ``sources.csv`` row and
parser version are unchanged, parses the rest (in parallel when there are many), and returns a
:class:`Corpus` of pandas tables. Nothing is lost: every file in the folder is in
``Corpus.audit`` as parsed, skipped (with its reason) or duplicate (with the file it
duplicates).

The tables of the last load are kept as a snapshot (``corpus.npz`` in the collection's cache
folder) with the name and cache key of every file they were built from. An unchanged folder
loads from the snapshot alone; after files were added, changed or removed (or ``sources.csv``
rows changed), the rows of every file with the same name and cache key come from the snapshot
and only the other files' cache entries are read (or the files parsed), so adding a few articles
to a large collection reads a few entries instead of all of them. Either way the tables equal a
load without any cache: same rows, order and dtypes (tests check it).

The snapshot also keeps what the cache keys were made from besides the files' bytes (the
SHA-256 and signature of ``sources.csv``, the parser version, each file's SHA-256): while those
are unchanged, a file whose SHA-256 is unchanged keeps its key, so a load of an unchanged folder
reads neither ``sources.csv`` nor any article (each notebook of a report loads the collection;
on 10,000 articles that is about 0.13 s of its 0.5 s).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.article import Article
from helpers.cache import (
    TextCodes,
    carry_text_codes,
    paused_gc,
    read_snapshot_with_codes,
    reorder_text_codes,
    write_cache_entry,
    write_snapshot,
)
from helpers.ingest import decode_bytes, hash_bytes, list_article_files, read_document
from helpers.segment import split_sentences

SOURCES_FILE = "sources.csv"
SOURCES_COLUMNS: tuple[str, ...] = ("file", "outlet", "url", "published")
#: Parse in worker processes when at least this many files need parsing.
PARALLEL_THRESHOLD = 64
#: Show a progress bar when at least this many files need parsing.
PROGRESS_THRESHOLD = 20

ARTICLE_COLUMNS = [
    "article_id", "source", "outlet", "url", "published", "headline", "standfirst", "byline",
    "language", "words", "n_paragraphs", "n_removed", "content_hash", "warnings",
]
PARAGRAPH_COLUMNS = ["article_id", "outlet", "position", "kind", "text", "words"]
SENTENCE_COLUMNS = ["article_id", "outlet", "paragraph", "position", "text", "words"]
REMOVED_COLUMNS = ["article_id", "outlet", "text", "reason"]
_TABLE_COLUMNS = {"articles": ARTICLE_COLUMNS, "paragraphs": PARAGRAPH_COLUMNS,
                  "sentences": SENTENCE_COLUMNS, "removed": REMOVED_COLUMNS}
#: The corpus snapshot in a collection's cache folder: the tables of the last load, with the
#: files and cache keys they were built from and their statuses (see the module docstring).
SNAPSHOT_FILE = "corpus.npz"
#: Bump when the snapshot's content changes (the cache keys already cover the parser).
SNAPSHOT_VERSION = 1
_WORD = re.compile(r"[^\W_]+(?:['’\-.][^\W_]+)*")
_ROWS_KEY = "_rows"
#: ``json.dumps(row, sort_keys=True)`` of a sources row in a cache key, without making an
#: encoder for each of thousands of files.
_ROW_JSON = json.JSONEncoder(sort_keys=True)
_JSON_STRING = json.encoder.encode_basestring_ascii  # (how that encoder writes a string)


class CollectionError(ValueError):
    """A collection cannot be read (missing folder, unreadable ``sources.csv``...)."""


@dataclass
class Corpus:
    """A parsed collection.

    Attributes
    ----------
    articles
        One row per parsed article: ``article_id`` (file name), ``source``, ``outlet``, ``url``,
        ``published`` (ISO date or None), ``headline``, ``standfirst``, ``byline``, ``language``,
        ``words`` (body words), ``n_paragraphs``, ``n_removed`` (lines removed),
        ``content_hash``, ``warnings`` (``"; "``-joined notes).
    paragraphs
        ``article_id``, ``outlet``, ``position`` (0-based in the article), ``kind``
        (``"body"`` or ``"subhead"``), ``text``, ``words``.
    sentences
        Body sentences: ``article_id``, ``outlet``, ``paragraph`` (its paragraph's position),
        ``position`` (0-based in the article), ``text``, ``words``.
    removed
        Every removed line: ``article_id``, ``outlet``, ``text``, ``reason``.
    skipped
        Files not parsed: ``source``, ``reason``.
    duplicates
        Files whose bytes repeat an earlier file: ``source``, ``duplicate_of``.
    audit
        Every file of the folder: ``source``, ``status`` (parsed/skipped/duplicate), ``reason``.
    """

    name: str
    folder: Path
    articles: pd.DataFrame
    paragraphs: pd.DataFrame
    sentences: pd.DataFrame
    removed: pd.DataFrame
    skipped: pd.DataFrame
    duplicates: pd.DataFrame
    audit: pd.DataFrame
    n_parsed_now: int = 0

    @property
    def outlets(self) -> list[str]:
        """Outlets of the collection, sorted case-insensitively."""
        return sorted(self.articles["outlet"].dropna().unique().tolist(), key=str.casefold)


def count_words(text: str) -> int:
    """Count words (letters/digits, inner apostrophes, hyphens and dots kept: "U.S.", "co-op")."""
    return len(_WORD.findall(text or ""))


def read_sources(folder: Path, *, name: str = SOURCES_FILE) -> dict[str, dict[str, str]]:
    """Read ``sources.csv`` (or another CSV named ``name``) of a collection folder.

    Returns
    -------
    dict
        File name → row (``file``, ``outlet``, ``url``, ``published``; missing values are "").

    Raises
    ------
    CollectionError
        When the file exists but cannot be decoded or has no ``file`` column.
    """
    path = Path(folder) / name
    if not path.exists():
        if name != SOURCES_FILE:
            raise CollectionError(f"sources file not found: {path}")
        return {}
    try:
        text, _ = decode_bytes(path.read_bytes())
    except OSError as exc:
        raise CollectionError(f"unreadable {SOURCES_FILE}: {exc}") from exc
    if text is None:
        raise CollectionError(f"unreadable {SOURCES_FILE}: not a text file")
    try:
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        rows = list(reader)
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise CollectionError(f"unreadable {SOURCES_FILE}: {exc}") from exc
    if "file" not in header:
        raise CollectionError(
            f"unreadable {SOURCES_FILE}: it needs a header row with a 'file' column "
            f"(columns: {', '.join(SOURCES_COLUMNS)})")
    table: dict[str, dict[str, str]] = {}
    for row in rows:
        clean = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                 if isinstance(v, str) or v is None}
        name = clean.get("file", "")
        if name:
            table[name] = {key: clean.get(key, "") for key in SOURCES_COLUMNS}
    return table


def load_collection(collection: str | os.PathLike[str] = paths.DEFAULT_COLLECTION, *,
                    use_cache: bool = True, progress: bool | None = None,
                    workers: int | None = None, dask_address: str | None = None) -> Corpus:
    """Load a collection folder into a :class:`Corpus`.

    Parameters
    ----------
    collection
        Name of a folder under ``data/raw/`` or a path to a folder of article files.
    use_cache
        Reuse parses cached under ``data/processed/`` (only new or changed files are parsed).
    progress
        Show a tqdm progress bar; default: when many files need parsing.
    workers
        Worker processes for parsing; default: all cores when many files need parsing.
    dask_address
        Parse on the Dask cluster at this scheduler address instead (``""``/None: locally).
        The address also becomes the session's active cluster
        (:func:`helpers.cluster.use_dask`): per-article features and large TF-IDF fits that
        follow run there too.

    Raises
    ------
    CollectionError
        When the folder does not exist or ``sources.csv`` is unreadable.
    """
    folder = paths.resolve_collection(collection)
    if not folder.is_dir():
        raise CollectionError(f"collection folder not found: {folder}")
    with paused_gc():  # thousands of cache entries: see helpers.cache.paused_gc
        return _load(folder, use_cache=use_cache, progress=progress, workers=workers,
                     dask_address=dask_address)


def _load(folder: Path, *, use_cache: bool, progress: bool | None, workers: int | None,
          dask_address: str | None) -> Corpus:
    candidates, unsupported = list_article_files(folder)
    audit: list[dict] = [{"source": p.name, "status": "skipped", "reason": r}
                         for p, r in unsupported]
    snapshot = paths.cache_dir(folder) / SNAPSHOT_FILE
    stored = _read_corpus_snapshot(snapshot) if use_cache else None
    inputs = _key_inputs(folder, None if stored is None else stored["key_inputs"])
    sources = _SourceRows(folder)
    reusable = _reusable_keys(stored, inputs)
    if reusable is None:  # sources.csv is read (and checked) as soon as it may have changed
        sources.read()
    results, duplicates, keyed, signatures = _key_files(
        candidates, sources, known=None if stored is None else stored["signatures"],
        keys=reusable)
    if dask_address:  # the session's cluster, even when nothing needs parsing
        from helpers.cluster import use_dask

        use_dask(dask_address)
    files = [[path.name, key] for path, key, _ in keyed]
    if stored is not None and stored["files"] == files:  # nothing changed: no entry is read
        statuses = {source: (status, reason) for source, status, reason in stored["statuses"]}
        statuses.update((a.source, (a.status, a.reason or "")) for a in results.values())
        return _assemble_corpus(folder, [(p.name, *statuses[p.name]) for p in candidates
                                         if p.name in statuses],
                                stored, duplicates, audit, n_parsed_now=0)
    reused = _unchanged_statuses(stored, files)
    fresh = [(path, sources.get(path.name), key) for path, key, _ in keyed
             if path.name not in reused]
    entries, rows, stale, todo = _read_entries(fresh, paths.cache_dir(folder) / "parsed",
                                               use_cache=use_cache)
    results.update(entries)
    if dask_address:
        parsed = _parse_on_dask(todo, address=dask_address)
    else:
        parsed = _parse_many(todo, progress=progress, workers=workers)
    results.update(parsed)
    for cached, article in stale:
        write_cache_entry(cached, _cache_entry(article))
    statuses: list[tuple[str, str, str]] = []  # (source, status, reason) in folder order
    for path in candidates:
        if path.name in results:
            article = results[path.name]
            statuses.append((article.source, article.status, article.reason or ""))
        elif path.name in reused:
            statuses.append((path.name, *reused[path.name]))
    tables = _build_tables([results[source] for source, status, _ in statuses
                            if status == "ok" and source in results], rows)
    codes: dict[str, dict[str, TextCodes]] = {}
    if reused:
        tables, codes = _merge_tables(stored, tables, reused,
                                      [source for source, status, _ in statuses
                                       if status == "ok"])
    if use_cache:
        keyed_names = {name for name, _ in files}
        write_snapshot(snapshot, {
            "version": SNAPSHOT_VERSION, "files": files, "signatures": signatures,
            "key_inputs": _stored_key_inputs(inputs, keyed),
            "statuses": [list(s) for s in statuses if s[0] in keyed_names], **tables},
            text_codes=codes)
    return _assemble_corpus(folder, statuses, tables, duplicates, audit,
                            n_parsed_now=len(parsed))


def _key_files(candidates: list[Path], sources: _SourceRows, *,
               known: Mapping[str, list] | None = None,
               keys: Mapping[str, tuple[str, str]] | None = None
               ) -> tuple[dict[str, Article], list[dict], list[tuple[Path, str, str]],
                          dict[str, list]]:
    """Hash every candidate file (or take its hash from ``known``, see :func:`_signature`).

    Parameters
    ----------
    candidates
        The article files, in folder order.
    sources
        The rows of ``sources.csv`` by file name (read when a key needs a row).
    known
        The signatures of the last load (:func:`_signature` plus the file's SHA-256 and
        whether it is blank), by file name: a file whose signature is unchanged is not read
        again.
    keys
        ``(SHA-256, cache key)`` of the last load by file name, when ``sources.csv`` and the
        parser are those that load had (:func:`_reusable_keys`): a file with the same SHA-256
        keeps its key (the key is a hash of the SHA-256, the parser version and the row), so
        an unchanged folder is keyed without reading ``sources.csv``.

    Returns
    -------
    tuple
        ``(unreadable, duplicates, keyed, signatures)``: a skipped Article per unreadable file
        (by name); ``{source, duplicate_of}`` per file whose bytes repeat an earlier file's;
        ``(path, cache key, SHA-256)`` per other file, in folder order; and the signature of
        every file hashed that has one, for the next load.
    """
    unreadable: dict[str, Article] = {}
    seen: dict[str, str] = {}
    duplicates: list[dict] = []
    keyed: list[tuple[Path, str, str]] = []
    signatures: dict[str, list] = {}
    known = known or {}
    keys = keys or {}
    now = time.time_ns()
    from helpers.parsing import PARSER_VERSION as version
    for path in candidates:
        try:
            signature = _signature(os.stat(path), now)
        except OSError:
            signature = None
        record = known.get(path.name)
        if signature is not None and record is not None and record[:-2] == signature:
            digest, blank = record[-2], record[-1]
        else:
            try:
                data = path.read_bytes()
            except OSError as exc:
                unreadable[path.name] = Article(
                    source=path.name, status="skipped",
                    reason=f"unreadable file ({exc.strerror or exc})")
                continue
            digest, blank = hash_bytes(data), not data.strip()
        if signature is not None:
            signatures[path.name] = [*signature, digest, blank]
        if not blank and digest in seen:
            duplicates.append({"source": path.name, "duplicate_of": seen[digest]})
            continue
        seen[digest] = path.name
        last = keys.get(path.name)
        key = last[1] if last is not None and last[0] == digest else \
            _cache_key(digest, sources.get(path.name), version)
        keyed.append((path, key, digest))
    return unreadable, duplicates, keyed, signatures


class _SourceRows:
    """The rows of a collection's ``sources.csv`` (:func:`read_sources`), read when first
    needed."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._rows: dict[str, dict[str, str]] | None = None

    def read(self) -> dict[str, dict[str, str]]:
        """All rows by file name (read now if not yet read; :class:`CollectionError`)."""
        if self._rows is None:
            self._rows = read_sources(self._folder)
        return self._rows

    def get(self, name: str) -> dict[str, str] | None:
        """The row of the file ``name``, or ``None``."""
        return self.read().get(name)


def _key_inputs(folder: Path, last: Mapping | None) -> dict | None:
    """What the cache keys depend on besides each file's bytes: the SHA-256 of
    ``sources.csv`` (``""`` when there is none), its :func:`_signature` (the last load's
    digest is taken when the signature is unchanged) and the parser version; ``None`` when
    ``sources.csv`` cannot be read."""
    from helpers.parsing import PARSER_VERSION

    path = folder / SOURCES_FILE
    try:
        signature = _signature(os.stat(path), time.time_ns())
    except FileNotFoundError:
        return {"sources": "", "signature": None, "parser": PARSER_VERSION}
    except OSError:
        return None
    if last is not None and signature is not None and last["signature"] == signature:
        digest = last["sources"]
    else:
        try:
            digest = hash_bytes(path.read_bytes())
        except OSError:
            return None
    return {"sources": digest, "signature": signature, "parser": PARSER_VERSION}


def _reusable_keys(stored: Mapping | None, inputs: dict | None
                   ) -> dict[str, tuple[str, str]] | None:
    """``(SHA-256, cache key)`` by file name from the snapshot ``stored``, when its cache keys
    were made from the same ``sources.csv`` and parser as now (``inputs``, see
    :func:`_key_inputs`); else ``None``."""
    last = None if stored is None else stored["key_inputs"]
    if (last is None or inputs is None or last["sources"] != inputs["sources"]
            or last["parser"] != inputs["parser"]):
        return None
    digests = last["digests"]
    return {name: (digests[name], key) for name, key in stored["files"] if name in digests}


def _stored_key_inputs(inputs: dict | None, keyed: list[tuple[Path, str, str]]) -> dict | None:
    """What the snapshot keeps of ``inputs`` (:func:`_key_inputs`) with each keyed file's
    SHA-256, so that the next load can reuse the keys (:func:`_reusable_keys`)."""
    if inputs is None:
        return None
    return {**inputs, "digests": {path.name: digest for path, _, digest in keyed}}


#: A file changed less than this many seconds before it is hashed gets no signature.
RACY_SECONDS = 2


def _signature(stat: os.stat_result, now_ns: int) -> list[int] | None:
    """What identifies a file's bytes without reading them: size, modification and change
    times (nanoseconds), inode and device; ``None`` when the file changed less than
    :data:`RACY_SECONDS` before ``now_ns``.

    Writing a file's bytes sets its change time (``st_ctime``) to the time of the write, and no
    tool can set it back (copying with preserved times, ``touch -d`` and replacing the file by
    another all set it too), so a file with the same signature as when it was hashed has the
    same bytes, as git's index assumes. A write in the same clock tick as that hash would keep
    the times: a file that changed less than :data:`RACY_SECONDS` before it was hashed is not
    given a signature, and so is hashed again next time (git's "racy" files).
    """
    changed = max(stat.st_mtime_ns, stat.st_ctime_ns)
    if now_ns - changed < RACY_SECONDS * 1_000_000_000:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev]


def _read_corpus_snapshot(path: Path) -> dict | None:
    """The corpus snapshot of the last load (its tables, files, cache keys and statuses), or
    ``None`` when there is none or it is unreadable or of another :data:`SNAPSHOT_VERSION`."""
    if not path.exists():
        return None
    read = read_snapshot_with_codes(path)
    stored = None if read is None else {**read[0], "text_codes": read[1]}
    if (stored is None or stored.get("version") != SNAPSHOT_VERSION
            or not _rows_of(stored.get("files"), 2) or not _rows_of(stored.get("statuses"), 3)
            or any(name not in stored for name in _TABLE_COLUMNS)):
        return None
    signatures = stored.get("signatures")  # (none in a snapshot written before them)
    stored["signatures"] = signatures if isinstance(signatures, dict) and all(
        _is_signature(record) for record in signatures.values()) else {}
    inputs = stored.get("key_inputs")  # (none in a snapshot written before them)
    stored["key_inputs"] = inputs if _is_key_inputs(inputs) else None
    return stored


def _is_key_inputs(inputs: object) -> bool:
    """Whether ``inputs`` is what :func:`_stored_key_inputs` stores."""
    if not (isinstance(inputs, dict) and set(inputs) == {"sources", "signature", "parser",
                                                          "digests"}):
        return False
    signature, digests = inputs["signature"], inputs["digests"]
    return (isinstance(inputs["sources"], str) and isinstance(inputs["parser"], str)
            and (signature is None or (isinstance(signature, list) and len(signature) == 5
                                       and all(type(v) is int for v in signature)))
            and isinstance(digests, dict)
            and all(isinstance(v, str) for v in digests.values()))


def _is_signature(record: object) -> bool:
    """Whether ``record`` is a file's signature as :func:`_key_files` stores it."""
    return (isinstance(record, list) and len(record) == 7
            and all(type(value) is int for value in record[:5])
            and isinstance(record[5], str) and type(record[6]) is bool)


def _rows_of(value: object, width: int) -> bool:
    """Whether ``value`` is a list of lists of ``width`` strings (as the snapshot writes)."""
    return isinstance(value, list) and all(
        isinstance(row, list) and len(row) == width and all(isinstance(v, str) for v in row)
        for row in value)


def _unchanged_statuses(stored: Mapping | None, files: list[list[str]]
                        ) -> dict[str, tuple[str, str]]:
    """``(status, reason)`` of every file the snapshot ``stored`` holds with the same name
    and cache key (same bytes, ``sources.csv`` row and parser): its rows can be reused."""
    if stored is None:
        return {}
    keys = dict(map(tuple, stored["files"]))
    statuses = {source: (status, reason) for source, status, reason in stored["statuses"]}
    return {name: statuses[name] for name, key in files
            if keys.get(name) == key and name in statuses}


def _read_entries(jobs: list[tuple[Path, dict | None, str]], cache: Path, *, use_cache: bool
                  ) -> tuple[dict[str, Article], dict[str, dict], list[tuple[Path, Article]],
                             list[tuple[Path, dict | None, Path | None]]]:
    """Read the parse-cache entries of ``jobs`` (``(path, sources row, cache key)``).

    Returns
    -------
    tuple
        ``(articles, rows, stale, todo)``: the cached Article and table rows
        (:func:`_table_rows`) per file name; ``(entry path, Article)`` of entries written
        before rows were cached (to be rewritten); and ``(path, row, entry path or None)`` of
        the files to parse (no usable entry, or ``use_cache`` False).
    """
    articles: dict[str, Article] = {}
    rows: dict[str, dict] = {}
    stale: list[tuple[Path, Article]] = []
    todo: list[tuple[Path, dict | None, Path | None]] = []
    for path, row, key in jobs:
        cached = cache / f"{key}.json"
        found = _read_entry(cached, path.name) if use_cache and cached.exists() else None
        if found is None:
            todo.append((path, row, cached if use_cache else None))
            continue
        article, derived = found
        articles[path.name] = article
        if derived is not None:
            rows[path.name] = derived
        else:  # an entry from before derived rows were cached: add them
            stale.append((cached, article))
    return articles, rows, stale, todo


def _read_entry(path: Path, name: str) -> tuple[Article, dict | None] | None:
    """One parse-cache entry of the file ``name``: its Article and its cached table rows
    (``None`` in an entry from before rows were cached).

    Returns ``None`` (the file is then parsed again) when the entry is corrupt or was parsed
    under another file name: a renamed file, or the copy of a removed duplicate, with no
    ``sources.csv`` row has the same cache key, but the outlet and warnings guessed from the
    name would be the other file's.
    """
    try:
        entry = json.loads(path.read_text("utf-8"))
        derived = entry.pop(_ROWS_KEY, None)
        article = Article.from_cache(entry)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return (article, derived) if article.source == name else None


def _cache_key(digest: str, row: Mapping[str, str] | None, version: str | None = None) -> str:
    """The parse cache key of a file's bytes (SHA-256 ``digest``) and ``sources.csv`` row,
    under the parser ``version`` (default :data:`helpers.parsing.PARSER_VERSION`)."""
    if version is None:
        from helpers.parsing import PARSER_VERSION as version
    return hash_bytes(f"{digest}|{version}|{_row_json(row or {})}".encode())[:32]


def _row_json(row: Mapping[str, str]) -> str:
    """``json.dumps(row, sort_keys=True)``: a row of text keys and values is written directly
    (the encoder's own string escaping, its separators), about four times faster; any other
    row by the encoder."""
    if not all(type(key) is str and type(value) is str for key, value in row.items()):
        return _ROW_JSON.encode(row)
    return "{" + ", ".join(f"{_JSON_STRING(key)}: {_JSON_STRING(row[key])}"
                           for key in sorted(row)) + "}"


def parse_path(path: Path, row: Mapping[str, str] | None = None) -> Article:
    """Read and parse one file (never raises for bad content)."""
    from helpers.parsing import parse_document

    return parse_document(read_document(path), sources_row=row)


def _cache_entry(article: Article) -> dict:
    """The parse-cache entry: the Article plus its derived table rows (so a warm load does not
    split sentences and count words again)."""
    return {**article.to_cache(), _ROWS_KEY: _table_rows(article)}


def _table_rows(article: Article) -> dict:
    """Word counts of the paragraphs and the body sentences of one article.

    Returns
    -------
    dict
        ``paragraph_words`` (one count per paragraph) and ``sentences`` (``[paragraph
        position, text, words]`` per body sentence, in order).
    """
    paragraph_words, sentences = [], []
    for position, paragraph in enumerate(article.paragraphs):
        paragraph_words.append(count_words(paragraph.text))
        if paragraph.kind == "body":
            sentences.extend([position, sentence, count_words(sentence)]
                             for sentence in split_sentences(paragraph.text))
    return {"paragraph_words": paragraph_words, "sentences": sentences}


def _parse_and_cache(job: tuple[Path, dict | None, Path | None]) -> Article:
    path, row, cached = job
    article = parse_path(path, row)
    if cached is not None:
        write_cache_entry(cached, _cache_entry(article))
    return article


def parse_payload(payload: tuple[str, str, bytes, dict | None]) -> dict:
    """Parse one file from its bytes (runs on Dask workers): ``(name, suffix, data, row)``.

    Returns the cache dict of the Article (plain data travels well between processes).
    """
    from helpers.ingest import read_bytes
    from helpers.parsing import parse_document

    name, suffix, data, row = payload
    return parse_document(read_bytes(data, source=name, suffix=suffix),
                          sources_row=row).to_cache()


def _parse_on_dask(todo: list, *, address: str) -> dict[str, Article]:
    from helpers.cluster import map_on_dask

    payloads = [(path.name, path.suffix, path.read_bytes(), row) for path, row, _ in todo]
    results = map_on_dask(parse_payload, payloads, address=address)
    out: dict[str, Article] = {}
    for (path, _, cached), data in zip(todo, results, strict=True):
        article = Article.from_cache(data)
        if cached is not None:
            write_cache_entry(cached, _cache_entry(article))
        out[path.name] = article
    return out


def _parse_many(todo: list, *, progress: bool | None, workers: int | None) -> dict[str, Article]:
    if not todo:
        return {}
    show = progress if progress is not None else len(todo) >= PROGRESS_THRESHOLD
    n_workers = workers if workers is not None else (
        os.cpu_count() or 1 if len(todo) >= PARALLEL_THRESHOLD else 1)
    from tqdm.auto import tqdm

    bar = tqdm(total=len(todo), desc="Parsing articles", unit="file", disable=not show)
    out: dict[str, Article] = {}
    try:
        if n_workers > 1:
            with ProcessPoolExecutor(max_workers=n_workers) as pool:
                for (path, _, _), article in zip(todo, pool.map(_parse_and_cache, todo,
                                                                 chunksize=16), strict=True):
                    out[path.name] = article
                    bar.update()
        else:
            for job in todo:
                out[job[0].name] = _parse_and_cache(job)
                bar.update()
    finally:
        bar.close()
    return out


def _build_tables(ok: list[Article], rows: Mapping[str, dict]) -> dict[str, pd.DataFrame]:
    """The ``articles``, ``paragraphs``, ``sentences`` and ``removed`` tables of parsed
    articles (``rows``: their cached :func:`_table_rows`, computed here when missing)."""
    article_rows, paragraph_rows, sentence_rows, removed_rows = [], [], [], []
    for article in ok:
        aid = article.source
        derived = rows.get(aid)
        if derived is None or len(derived["paragraph_words"]) != len(article.paragraphs):
            derived = _table_rows(article)
        body_words = 0
        for position, (paragraph, words) in enumerate(zip(
                article.paragraphs, derived["paragraph_words"], strict=True)):
            paragraph_rows.append((aid, article.outlet, position, paragraph.kind,
                                   paragraph.text, words))
            if paragraph.kind == "body":
                body_words += words
        sentence_rows.extend((aid, article.outlet, paragraph, index, text, words)
                             for index, (paragraph, text, words) in enumerate(
                                 derived["sentences"]))
        removed_rows.extend({"article_id": aid, "outlet": article.outlet, "text": r.text,
                             "reason": r.reason} for r in article.removed)
        article_rows.append({
            "article_id": aid, "source": article.source, "outlet": article.outlet,
            "url": article.url, "published": article.published, "headline": article.headline,
            "standfirst": article.standfirst, "byline": article.byline,
            "language": article.language, "words": body_words,
            "n_paragraphs": sum(1 for p in article.paragraphs if p.kind == "body"),
            "n_removed": len(article.removed), "content_hash": article.content_hash,
            "warnings": "; ".join(article.warnings),
        })
    data = {"articles": article_rows, "paragraphs": paragraph_rows,
            "sentences": sentence_rows, "removed": removed_rows}
    return {name: pd.DataFrame(data[name], columns=columns)
            for name, columns in _TABLE_COLUMNS.items()}


def _merge_tables(stored: Mapping, fresh: Mapping[str, pd.DataFrame],
                  reused: Mapping[str, tuple[str, str]], order: list[str]
                  ) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, TextCodes]]]:
    """The four tables from the snapshot's rows of the ``reused`` files and the ``fresh``
    tables (:func:`_build_tables`) of the others: rows, order and dtypes as
    :func:`_build_tables` gives for all of them (``order``: the parsed files in folder
    order); and the codes of their text columns carried from the snapshot's
    (:func:`helpers.cache.carry_text_codes`: the snapshot is written without finding its
    distinct values again)."""
    rank = pd.Index(order)
    merged, codes = {}, {}
    for name in _TABLE_COLUMNS:
        old = stored[name]
        keep = old["article_id"].isin(list(reused)).to_numpy()
        parts = [part for part in (old if keep.all() else old[keep], fresh[name]) if len(part)]
        if not parts:  # the empty table of _build_tables (columns of object dtype)
            merged[name] = fresh[name]
            continue
        table = _stack(parts)
        carried = carry_text_codes(stored["text_codes"].get(name, {}), keep, [fresh[name]])
        position = rank.get_indexer(table["article_id"])
        if not (position[1:] >= position[:-1]).all():
            moved = np.argsort(position, kind="stable")
            table = table.iloc[moved].reset_index(drop=True)
            carried = reorder_text_codes(carried, moved)
        merged[name], codes[name] = table, carried
    return merged, codes


def _stack(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The rows of frames with the same columns one after the other, each column of the dtype
    that one :class:`pandas.DataFrame` of all the rows infers (as :func:`_build_tables` builds).

    A part's dtype is not always the whole's: text columns hold strings and None, which pandas
    stores as ``str`` when at least one value is a string but as ``object`` (None kept) when
    all are None, and the rows kept from a snapshot's column may all be missing. (``pd.concat``
    would also turn the None of an all-None column into NaN.) Any other mix of dtypes is built
    again from the rows' values.
    """
    columns = parts[0].columns
    data = {}
    for column in columns:
        values = [part[column] for part in parts]
        dtype = _common_dtype(values)
        if dtype is None:
            rows = zip(*(np.concatenate([_row_values(part[c]) for part in parts])
                         for c in columns), strict=True)
            return pd.DataFrame(list(rows), columns=columns)
        if all(v.dtype == dtype and (not _is_text(v) or v.notna().any()) for v in values):
            data[column] = pd.concat(values, ignore_index=True)  # already of that dtype
        else:
            data[column] = pd.Series(np.concatenate([_row_values(v) for v in values]),
                                     dtype=dtype)
    return pd.DataFrame(data)


def _is_text(values: pd.Series) -> bool:
    return values.dtype.kind not in "biufc"


def _row_values(values: pd.Series) -> np.ndarray:
    """The values as :func:`_build_tables` put them in its rows (a missing text is None)."""
    array = values.to_numpy(dtype=object)
    return np.where(pd.isna(array), None, array) if _is_text(values) else array


def _common_dtype(values: list[pd.Series]):
    """The dtype pandas infers for these parts of a column together, or ``None`` when that is
    not simply theirs (see :func:`_stack`)."""
    missing = [_is_text(v) and bool(v.isna().all()) for v in values]
    dtypes = {v.dtype for v, empty in zip(values, missing, strict=True) if not empty}
    if not dtypes:
        return np.dtype(object)  # every value None
    if len(dtypes) > 1:
        return None
    dtype = dtypes.pop()
    return None if any(missing) and dtype.kind in "biufc" else dtype


def _assemble_corpus(folder: Path, statuses: list[tuple[str, str, str]],
                     tables: Mapping[str, pd.DataFrame], duplicates: list[dict],
                     audit: list[dict], *, n_parsed_now: int) -> Corpus:
    """The :class:`Corpus` from the tables and each file's ``(source, status, reason)`` (in
    folder order; ``audit`` already lists the unsupported files)."""
    audit = audit + [{"source": source, "status": "parsed" if status == "ok" else "skipped",
                      "reason": reason} for source, status, reason in statuses]
    audit.extend({"source": d["source"], "status": "duplicate",
                  "reason": f"same content as {d['duplicate_of']}"} for d in duplicates)
    skipped = [{"source": source, "reason": reason} for source, status, reason in statuses
               if status != "ok"]
    listed = {source for source, _, _ in statuses}
    skipped += [{"source": row["source"], "reason": row["reason"]} for row in audit
                if row["status"] == "skipped" and row["source"] not in listed]
    return Corpus(
        name=folder.name, folder=folder,
        articles=tables["articles"], paragraphs=tables["paragraphs"],
        sentences=tables["sentences"], removed=tables["removed"],
        skipped=pd.DataFrame(skipped, columns=["source", "reason"]),
        duplicates=pd.DataFrame(duplicates, columns=["source", "duplicate_of"]),
        audit=pd.DataFrame(sorted(audit, key=lambda r: r["source"]),
                           columns=["source", "status", "reason"]),
        n_parsed_now=n_parsed_now,
    )
