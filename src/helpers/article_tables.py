"""Per-article tables: computed once per article in parallel, cached, joined per collection.

Most of the kit's analyses look at one article at a time: readability, actor mentions and
actor candidates, quotes and attributions, frame keywords, sentence tone. This module runs those
helpers once per article (the *map*), caches each article's rows, and concatenates the rows of
a collection into whole-collection tables (the *reduce*) that the notebooks count, chart and
bootstrap. The tables equal what each helper returns when called on the whole collection (a
test checks it table by table), but a rerun after adding articles only computes the new ones,
and the work is spread over all cores (worker processes) or a Dask cluster
(:func:`helpers.cluster.map_on_dask`, a ``dask.bag`` around the same batch function).

Cache. One JSON file per article under ``data/processed/<collection>/articles/``, keyed by a
hash of what is analysed (the article's paragraphs, headline, language and content hash), of
the lexicons and of :data:`TABLES_VERSION`; editing a lexicon recomputes everything. Sentence
texts are not stored twice: they are restored from the corpus when the tables are joined
(:mod:`helpers.table_join`, which also keeps each joined table as a snapshot so that a rerun
joins only the new articles' entries).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.cache import paused_gc, read_cache_entry, write_cache_entry
from helpers.lexicons import Lexicons, load_lexicons
from helpers.table_join import (
    KWIC_WIDTH,
    SENTENCE_TEXT_TABLES,
    SNAPSHOT_FOLDER,
    ArticleTables,
    join_tables,
)

#: Bump when any per-article table changes, so cached entries are recomputed.
TABLES_VERSION = 1
#: Compute in worker processes when at least this many articles need computing.
PARALLEL_THRESHOLD = 64
#: Articles per batch handed to one worker (the helpers' per-call overhead is paid per batch).
BATCH_SIZE = 100
#: Show a progress bar when at least this many articles need computing.
PROGRESS_THRESHOLD = 200
_CACHE_FOLDER = "articles"


def hash_lexicons(lexicons: Lexicons) -> str:
    """Return a stable hash of the three lexicons (a change invalidates the cache)."""
    text = json.dumps(asdict(lexicons), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def build_batch_tables(payloads: list[dict], *, lexicons: Lexicons) -> dict[str, pd.DataFrame]:
    """Run every per-article helper once on a batch of articles.

    Parameters
    ----------
    payloads
        Plain-data articles (:func:`make_payloads`): ``article_id``, ``outlet``, ``language``,
        ``headline``, ``paragraphs`` (``{position, kind, text}``) and ``sentences``
        (``{paragraph, position, text, words}``).
    lexicons
        The collection's lexicons.

    Returns
    -------
    dict
        Table name → the helper's table for the batch (names as :class:`ArticleTables`,
        without ``features``).
    """
    from helpers import readability
    from helpers.actors import find_actor_candidates, find_actor_mentions
    from helpers.frames import find_frame_keywords
    from helpers.quotes import extract_quotes
    from helpers.tone import score_sentences

    articles = pd.DataFrame(
        [{key: p[key] for key in ("article_id", "outlet", "language", "headline")}
         for p in payloads], columns=["article_id", "outlet", "language", "headline"])
    paragraphs = pd.DataFrame(
        [{"article_id": p["article_id"], "outlet": p["outlet"], **row}
         for p in payloads for row in p["paragraphs"]],
        columns=["article_id", "outlet", "position", "kind", "text"])
    sentences = pd.DataFrame(
        [{"article_id": p["article_id"], "outlet": p["outlet"], **row}
         for p in payloads for row in p["sentences"]],
        columns=["article_id", "outlet", "paragraph", "position", "text", "words"])
    quotes, attributions = extract_quotes(paragraphs, actors=lexicons.actors,
                                          verbs=lexicons.verbs)
    return {
        "readability": readability.score_articles(paragraphs, articles),
        "paragraph_readability": readability.score_paragraphs(paragraphs, articles),
        "sentence_lengths": readability.measure_sentence_lengths(paragraphs, articles),
        "mentions": find_actor_mentions(sentences, lexicon=lexicons.actors),
        "candidates": find_actor_candidates(sentences, lexicon=lexicons.actors),
        "quotes": quotes,
        "attributions": attributions,
        "frame_keywords": find_frame_keywords(sentences, lexicon=lexicons.frames,
                                              width=KWIC_WIDTH),
        "sentence_tone": score_sentences(sentences),
    }


def analyse_articles(payloads: list[dict], *, lexicons: Lexicons) -> list[dict]:
    """Compute the cache entries of a batch of articles (runs in workers and on Dask).

    Returns
    -------
    list of dict
        One entry per payload, in order: ``features`` (the feature values, see
        :func:`helpers.features.summarize_features`) and ``tables`` (table name →
        ``{"columns": [...], "data": {column: values}}``, the article's rows without
        ``article_id``, ``outlet`` and sentence texts).
    """
    from helpers.features import summarize_features

    if not payloads:
        return []
    tables = build_batch_tables(payloads, lexicons=lexicons)
    rows = summarize_features(payloads, tables, lexicons=lexicons)
    split = {name: _split_by_article(name, table) for name, table in tables.items()}
    return [{"features": row, "tables": {name: split[name](p["article_id"]) for name in split}}
            for p, row in zip(payloads, rows, strict=True)]


def _split_by_article(name: str, table: pd.DataFrame) -> Callable[[str], dict]:
    dropped = {"article_id", "outlet"} | ({"text"} if name in SENTENCE_TEXT_TABLES else set())
    if name == "frame_keywords":
        dropped |= {"left", "right"}
    columns = list(table.columns)
    kept = [c for c in columns if c not in dropped]
    values = {c: table[c].to_numpy(dtype=object) for c in kept}
    index = table.groupby("article_id", sort=False).indices if len(table) else {}
    empty = np.array([], dtype=np.int64)

    def rows_of(article_id: str) -> dict:
        rows = index.get(article_id, empty)
        return {"columns": columns,
                "data": {c: [_plain(v) for v in values[c][rows]] for c in kept}}
    return rows_of


def _plain(value):
    """A JSON-ready Python value (numpy scalars to Python, NaN kept)."""
    return value.item() if isinstance(value, np.generic) else value


def make_payloads(corpus, only: set[str] | None = None) -> list[dict]:
    """Split the corpus tables into one plain-data payload per article (travels well).

    Parameters
    ----------
    corpus
        A :class:`helpers.corpus.Corpus`.
    only
        Article ids to make payloads for (default: every article), in corpus order.
    """
    paragraphs = _rows_by_article(corpus.paragraphs, ["position", "kind", "text"])
    sentences = _rows_by_article(corpus.sentences, ["paragraph", "position", "text", "words"])
    payloads = []
    for article in _article_heads(corpus):
        aid = article["article_id"]
        if only is not None and aid not in only:
            continue
        columns, (start, stop) = paragraphs[0], paragraphs[1].get(aid, (0, 0))
        names = ["position", "kind", "text"]
        article["paragraphs"] = [dict(zip(names, row, strict=True))
                                 for row in zip(*(c[start:stop] for c in columns), strict=True)]
        columns, (start, stop) = sentences[0], sentences[1].get(aid, (0, 0))
        names = ["paragraph", "position", "text", "words"]
        article["sentences"] = [dict(zip(names, row, strict=True))
                                for row in zip(*(c[start:stop] for c in columns), strict=True)]
        payloads.append(article)
    return payloads


def _article_heads(corpus) -> list[dict]:
    """Each article's id, outlet, language, headline and content hash (columns read as lists:
    iterating a string column calls pandas once per value)."""
    articles = corpus.articles
    headlines = articles["headline"].tolist() if "headline" in articles \
        else [None] * len(articles)
    return [{"article_id": aid, "outlet": outlet,
             "language": None if pd.isna(language) else language,
             "headline": headline if isinstance(headline, str) else None,
             "content_hash": content_hash}
            for aid, outlet, language, headline, content_hash in zip(
                articles["article_id"].tolist(), articles["outlet"].tolist(),
                articles["language"].tolist(), headlines, articles["content_hash"].tolist(),
                strict=True)]


def _rows_by_article(table: pd.DataFrame, columns: list[str]
                     ) -> tuple[list[list], dict[str, tuple[int, int]]]:
    """Columns as Python lists and each article's ``(start, stop)`` rows (rows of an article
    are contiguous in the corpus tables; sorted here when they are not)."""
    if len(table) and not table["article_id"].is_monotonic_increasing:
        order = table["article_id"].to_numpy()
        runs = np.flatnonzero(order[1:] != order[:-1]).size + 1
        if runs != table["article_id"].nunique():
            table = table.sort_values("article_id", kind="stable")
    ids = table["article_id"].to_numpy()
    values = [table[c].tolist() for c in columns]
    if not len(ids):
        return values, {}
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]])
    stops = np.r_[starts[1:], len(ids)]
    return values, {ids[a]: (int(a), int(b)) for a, b in zip(starts, stops, strict=True)}


def _cache_keys(corpus, lexicon_hash: str) -> dict[str, str]:
    """The cache key of every article: what is analysed (paragraphs, headline, language,
    content hash), the lexicons and :data:`TABLES_VERSION`.

    The key hashes the article's head, then ``"\\x00<kind>\\x01<text>"`` for each of its
    paragraphs. These are hashed as one text per article, joined from a list that
    interleaves each paragraph's ``"\\x00<kind>\\x01"`` (one text per kind) and its text:
    the same bytes as hashing them one by one, without a string per paragraph.
    """
    (kinds, texts), spans = _rows_by_article(corpus.paragraphs, ["kind", "text"])
    prefix = {kind: f"\x00{kind}\x01" for kind in set(kinds)}
    pieces: list[str] = [""] * (2 * len(texts))
    pieces[0::2] = [prefix[kind] for kind in kinds]
    pieces[1::2] = [text if type(text) is str else f"{text}" for text in texts]
    keys = {}
    for article in _article_heads(corpus):
        start, stop = spans.get(article["article_id"], (0, 0))
        head = (f"{TABLES_VERSION}|{lexicon_hash}|{article['content_hash']}|"
                f"{article['language']}|{article['headline']}")
        digest = hashlib.sha256("".join([head, *pieces[2 * start:2 * stop]]).encode())
        keys[article["article_id"]] = digest.hexdigest()[:32]
    return keys


def _listed_names(folder: Path) -> set[str]:
    """Names in ``folder`` (none when it does not exist): one listing instead of asking
    whether each of thousands of entries exists."""
    try:
        with os.scandir(folder) as listing:
            return {item.name for item in listing}
    except OSError:
        return set()


_WORKER_LEXICONS: Lexicons | None = None


def _init_worker(lexicons: Lexicons) -> None:
    global _WORKER_LEXICONS
    _WORKER_LEXICONS = lexicons


def _analyse_and_cache(jobs: list[tuple[dict, Path | None]]) -> list[dict]:
    entries = analyse_articles([payload for payload, _ in jobs], lexicons=_WORKER_LEXICONS)
    for (_, cached), entry in zip(jobs, entries, strict=True):
        if cached is not None:
            write_cache_entry(cached, entry)
    return entries


def _batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def compute_article_tables(corpus, *, workers: int | None = None,
                           dask_address: str | None = None, use_cache: bool = True,
                           lexicons: Lexicons | None = None,
                           progress: bool | None = None,
                           tables: tuple[str, ...] | None = None) -> ArticleTables:
    """Compute (or read from the cache) every per-article table of a collection.

    Parameters
    ----------
    corpus
        A :class:`helpers.corpus.Corpus`.
    workers
        Worker processes; default: all cores when at least 64 articles need computing.
    dask_address
        Compute on the Dask cluster at this scheduler address instead; default: the session's
        active cluster (:func:`helpers.cluster.use_dask`), else locally.
    use_cache
        Reuse and write the per-article cache under ``data/processed/<collection>/articles/``.
    lexicons
        Lexicons to use; default: those of the collection folder.
    progress
        Show a progress bar; default: when many articles need computing.
    tables
        Names of the tables to join (default: all, ``"features"`` included); the others are
        left empty, which saves time on large collections. ``()`` joins none: the articles
        are analysed and cached, as before a report's notebooks run.

    Returns
    -------
    ArticleTables
        The joined tables, each equal to its helper's output on the whole collection.
    """
    if dask_address is None:
        from helpers.cluster import active_dask_address

        dask_address = active_dask_address()
    lexicons = lexicons if lexicons is not None else load_lexicons(corpus.folder)
    lexicon_hash = hash_lexicons(lexicons)
    folder = paths.cache_dir(corpus.folder) / _CACHE_FOLDER
    keys = _cache_keys(corpus, lexicon_hash)
    listed = _listed_names(folder) if use_cache else set()
    missing = {aid for aid, key in keys.items() if f"{key}.json" not in listed}

    def path_of(aid: str) -> Path | None:  # the article's cache entry
        return folder / f"{keys[aid]}.json" if use_cache else None

    todo = [(payload, path_of(payload["article_id"]))
            for payload in make_payloads(corpus, only=missing)] if missing else []
    # Entries written to the cache are read back chunk by chunk when the tables are joined,
    # so the parent never holds every article's entry at once; only uncached ones are kept.
    entries: dict[str, dict] = {}
    if dask_address and todo:
        from helpers.cluster import map_on_dask

        batches = map_on_dask(partial(analyse_articles, lexicons=lexicons),
                              _batches([p for p, _ in todo], BATCH_SIZE),
                              address=dask_address, partition_size=1)
        for (payload, cached), entry in zip(todo, (e for b in batches for e in b), strict=True):
            if cached is not None:
                write_cache_entry(cached, entry)
            else:
                entries[payload["article_id"]] = entry
    elif todo:  # (nothing to analyse: no worker pool, no progress bar, no tqdm import)
        entries.update(_analyse_locally(todo, lexicons=lexicons, workers=workers,
                                        progress=progress))

    def entry_of(aid: str) -> dict:
        entry = entries.get(aid)
        if entry is None and use_cache:
            entry = read_cache_entry(path_of(aid))
        if entry is None:  # unreadable cache entry: compute it again
            todo = [(p, path_of(aid)) for p in make_payloads(corpus, only={aid})]
            entry = _analyse_locally(todo, lexicons=lexicons, workers=1, progress=False,
                                     keep_all=True)[aid]
        return entry

    with paused_gc():
        return join_tables(corpus, entry_of, lexicons=lexicons, tables=tables, keys=keys,
                           snapshots=paths.cache_dir(corpus.folder) / SNAPSHOT_FOLDER
                           if use_cache else None)


def _analyse_locally(todo: list[tuple[dict, Path | None]], *, lexicons: Lexicons,
                     workers: int | None, progress: bool | None,
                     keep_all: bool = False) -> dict[str, dict]:
    """Analyse ``todo`` here (worker processes when many); return the entries that were not
    written to the cache (all of them with ``keep_all``)."""
    from tqdm.auto import tqdm

    n_workers = workers if workers is not None else (
        os.cpu_count() or 1 if len(todo) >= PARALLEL_THRESHOLD else 1)
    show = progress if progress is not None else len(todo) >= PROGRESS_THRESHOLD
    bar = tqdm(total=len(todo), desc="Analysing articles", unit="article", disable=not show)
    kept: dict[str, dict] = {}

    def keep(jobs: list[tuple[dict, Path | None]], results: list[dict]) -> None:
        for (payload, cached), entry in zip(jobs, results, strict=True):
            if keep_all or cached is None:
                kept[payload["article_id"]] = entry
        bar.update(len(jobs))

    try:
        if n_workers <= 1 or len(todo) < 2:
            _init_worker(lexicons)
            for batch in _batches(todo, BATCH_SIZE):
                keep(batch, _analyse_and_cache(batch))
        else:
            size = max(1, min(BATCH_SIZE, -(-len(todo) // (4 * n_workers))))
            batches = _batches(todo, size)
            with ProcessPoolExecutor(max_workers=n_workers, initializer=_init_worker,
                                     initargs=(lexicons,)) as pool:
                for batch, results in zip(batches, pool.map(_analyse_and_cache, batches),
                                          strict=True):
                    keep(batch, results)
    finally:
        bar.close()
    return kept
