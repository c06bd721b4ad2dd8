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
texts are not stored twice: they are restored from the corpus when the tables are joined.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import paths
from helpers.cache import (
    paused_gc,
    read_cache_entry,
    read_snapshot,
    write_cache_entry,
    write_snapshot,
)
from helpers.lexicons import Lexicons, load_lexicons

#: Bump when any per-article table changes, so cached entries are recomputed.
TABLES_VERSION = 1
#: Compute in worker processes when at least this many articles need computing.
PARALLEL_THRESHOLD = 64
#: Articles per batch handed to one worker (the helpers' per-call overhead is paid per batch).
BATCH_SIZE = 100
#: Show a progress bar when at least this many articles need computing.
PROGRESS_THRESHOLD = 200
#: Tables whose ``text`` column is the sentence at ``(article_id, position)`` (not cached twice).
SENTENCE_TEXT_TABLES: frozenset[str] = frozenset({"mentions", "sentence_tone", "candidates"})
#: Keyword-in-context columns rebuilt from the sentence, the keyword and its offset.
KWIC_WIDTH = 50
#: Tables in article-id order (their helper sorts by article); the others follow the corpus.
ARTICLE_ID_ORDER: frozenset[str] = frozenset({
    "paragraph_readability", "sentence_lengths", "quotes", "attributions"})
_CACHE_FOLDER = "articles"


@dataclass
class ArticleTables:
    """The per-article tables of a collection, joined (each as its helper documents it).

    Attributes
    ----------
    features
        :func:`helpers.features.compute_article_features` (one row per article).
    readability
        :func:`helpers.readability.score_articles`.
    paragraph_readability
        :func:`helpers.readability.score_paragraphs`.
    sentence_lengths
        :func:`helpers.readability.measure_sentence_lengths`.
    mentions
        :func:`helpers.actors.find_actor_mentions` (lexicon actors).
    candidates
        :func:`helpers.actors.find_actor_candidates`.
    quotes, attributions
        :func:`helpers.quotes.extract_quotes`.
    frame_keywords
        :func:`helpers.frames.find_frame_keywords` (50 characters of context).
    sentence_tone
        :func:`helpers.tone.score_sentences`.
    """

    features: pd.DataFrame
    readability: pd.DataFrame
    paragraph_readability: pd.DataFrame
    sentence_lengths: pd.DataFrame
    mentions: pd.DataFrame
    candidates: pd.DataFrame
    quotes: pd.DataFrame
    attributions: pd.DataFrame
    frame_keywords: pd.DataFrame
    sentence_tone: pd.DataFrame


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
    articles = corpus.articles
    headlines = articles["headline"] if "headline" in articles else [None] * len(articles)
    return [{"article_id": aid, "outlet": outlet,
             "language": None if pd.isna(language) else language,
             "headline": headline if isinstance(headline, str) else None,
             "content_hash": content_hash}
            for aid, outlet, language, headline, content_hash in zip(
                articles["article_id"], articles["outlet"], articles["language"], headlines,
                articles["content_hash"], strict=True)]


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
    content hash), the lexicons and :data:`TABLES_VERSION`."""
    (kinds, texts), spans = _rows_by_article(corpus.paragraphs, ["kind", "text"])
    keys = {}
    for article in _article_heads(corpus):
        start, stop = spans.get(article["article_id"], (0, 0))
        digest = hashlib.sha256()
        digest.update(f"{TABLES_VERSION}|{lexicon_hash}|{article['content_hash']}|"
                      f"{article['language']}|{article['headline']}".encode())
        for kind, text in zip(kinds[start:stop], texts[start:stop], strict=True):
            digest.update(f"\x00{kind}\x01{text}".encode())
        keys[article["article_id"]] = digest.hexdigest()[:32]
    return keys


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
        Names of the tables to join (default: all); the others are left empty, which saves
        time on large collections. ``features`` is always joined.

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
    paths_of = {aid: folder / f"{key}.json" if use_cache else None for aid, key in keys.items()}
    missing = {aid for aid, path in paths_of.items() if path is None or not path.exists()}
    todo = [(payload, paths_of[payload["article_id"]])
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
    else:
        entries.update(_analyse_locally(todo, lexicons=lexicons, workers=workers,
                                        progress=progress))

    def entry_of(aid: str) -> dict:
        entry = entries.get(aid)
        if entry is None and paths_of[aid] is not None:
            entry = read_cache_entry(paths_of[aid])
        if entry is None:  # unreadable cache entry: compute it again
            todo = [(p, paths_of[aid]) for p in make_payloads(corpus, only={aid})]
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


#: Articles joined at a time (bounds the cache entries held in memory).
JOIN_CHUNK = 1000
#: Folder (under the collection's cache) of the joined tables' snapshots.
SNAPSHOT_FOLDER = "joined"


def join_tables(corpus, entry_of: Callable[[str], dict], *, lexicons: Lexicons,
                tables: tuple[str, ...] | None = None, keys: dict[str, str] | None = None,
                snapshots: Path | None = None) -> ArticleTables:
    """Concatenate the cache entries of the corpus's articles into tables (only those named in
    ``tables``, default all; the others are empty).

    ``entry_of(article_id)`` gives an article's entry; entries are fetched and turned into
    table rows :data:`JOIN_CHUNK` articles at a time, in corpus order.

    With ``snapshots`` (a folder) and ``keys`` (each article's cache key), each joined table is
    also kept there as one file (:func:`helpers.cache.write_snapshot`) with the key of every
    article in it. The next join takes the rows of articles whose key is unchanged from the
    snapshot and fetches entries only for the others, so a rerun after adding articles reads
    one file per table instead of every entry. Rows are put back in corpus order and the
    outlet column is refreshed from the corpus, so the result equals a join of every entry.
    """
    from helpers.features import build_feature_table

    ids = corpus.articles["article_id"].tolist()
    outlets = dict(zip(ids, corpus.articles["outlet"], strict=True))
    languages = dict(zip(ids, corpus.articles["language"].tolist(), strict=True))
    texts = corpus.sentences.set_index(["article_id", "position"])["text"]
    names = [f.name for f in fields(ArticleTables) if f.name != "features"]
    unknown = set(tables or ()) - set(names) - {"features"}
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; choose from {names}")
    wanted = [name for name in names if tables is None or name in tables]
    use_snapshots = snapshots is not None and keys is not None
    stored = {name: _read_table_snapshot(snapshots / f"{name}.pkl")
              for name in [*wanted, "features"]} if use_snapshots else {}
    reused = {name: {aid for aid in ids if snap["keys"].get(aid) == keys[aid]}
              for name, snap in stored.items() if snap is not None}
    reused = {name: found for name, found in reused.items() if found}
    fresh = {name: [aid for aid in ids if aid not in reused.get(name, ())]
             for name in [*wanted, "features"]}
    todo = set().union(*map(set, fresh.values()))
    pending = [aid for aid in ids if aid in todo]
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in wanted}
    feature_rows: dict[str, dict] = {aid: stored["features"]["rows"][aid]
                                     for aid in reused.get("features", ())}
    need = {name: set(fresh[name]) for name in fresh}
    for start in range(0, len(pending), JOIN_CHUNK):
        chunk = pending[start:start + JOIN_CHUNK]
        entries = dict(zip(chunk, (entry_of(aid) for aid in chunk), strict=True))
        for name in wanted:
            mine = [(aid, entries[aid]["tables"][name]) for aid in chunk if aid in need[name]]
            if mine:
                parts[name].append(_join_one(name, mine, outlets, texts))
        feature_rows.update((aid, entries[aid]["features"]) for aid in chunk
                            if aid in need["features"])
    joined = {name: pd.DataFrame() for name in names}
    for name in wanted:
        old = None
        if name in reused:
            old = stored[name]["table"]
            old = old[old["article_id"].isin(reused[name])]
            if "outlet" in old:
                old = old.assign(outlet=old["article_id"].map(outlets))
        if old is None:
            joined[name] = _concat(parts[name], by_article_id=name in ARTICLE_ID_ORDER)
        else:
            joined[name] = _merge_parts(old, parts[name], ids,
                                        by_article_id=name in ARTICLE_ID_ORDER)
        changed = name not in reused or len(reused[name]) != len(stored[name]["keys"]) \
            or bool(fresh[name])
        if use_snapshots and changed:
            write_snapshot(snapshots / f"{name}.pkl", {
                "version": TABLES_VERSION, "keys": {aid: keys[aid] for aid in ids},
                "table": joined[name]})
    if use_snapshots and ("features" not in reused or fresh["features"]
                          or len(reused["features"]) != len(stored["features"]["keys"])):
        write_snapshot(snapshots / "features.pkl", {
            "version": TABLES_VERSION, "keys": {aid: keys[aid] for aid in ids},
            "rows": feature_rows})
    joined["readability"] = _finish_readability(joined["readability"])
    features = build_feature_table(
        [{"article_id": aid, "outlet": outlets[aid], "language": languages[aid],
          **feature_rows[aid]} for aid in ids], lexicons=lexicons)
    return ArticleTables(features=features, **joined)


def _read_table_snapshot(path: Path) -> dict | None:
    """A snapshot of this :data:`TABLES_VERSION` with its article keys, else ``None``."""
    snap = read_snapshot(path)
    if (snap is None or snap.get("version") != TABLES_VERSION or "keys" not in snap
            or not ("table" in snap or "rows" in snap)):
        return None
    return snap


def _merge_parts(old: pd.DataFrame, new: list[pd.DataFrame], ids: list[str], *,
                 by_article_id: bool) -> pd.DataFrame:
    """Snapshot rows plus newly joined rows, in corpus order (each article's rows keep their
    order), then in article-id order for the tables sorted that way."""
    full = [part for part in [old, *new] if len(part)]
    if not full:
        return old.iloc[0:0].reset_index(drop=True)
    table = pd.concat(full, ignore_index=True) if len(full) > 1 else full[0]
    rank = pd.Index(ids).get_indexer(table["article_id"])
    table = table.iloc[np.argsort(rank, kind="stable")].reset_index(drop=True)
    if by_article_id:
        table = table.sort_values("article_id", kind="stable", ignore_index=True)
    return table


def _concat(parts: list[pd.DataFrame], *, by_article_id: bool) -> pd.DataFrame:
    """Chunks in corpus order into one table; tables in article-id order are sorted (stable:
    each article's rows keep their order)."""
    full = [part for part in parts if len(part)]
    if not full:
        return parts[0] if parts else pd.DataFrame()
    table = pd.concat(full, ignore_index=True) if len(full) > 1 else full[0]
    if by_article_id:
        table = table.sort_values("article_id", kind="stable", ignore_index=True)
    return table


def _join_one(name: str, parts: list[tuple[str, dict]], outlets: dict, texts: pd.Series
              ) -> pd.DataFrame:
    columns = next((part["columns"] for _, part in parts if part["data"]
                    and any(part["data"].values())), None)
    if columns is None:
        columns = parts[0][1]["columns"] if parts else []
        return pd.DataFrame(columns=columns)
    data: dict[str, list] = {c: [] for c in columns}
    for article_id, part in parts:
        n = len(next(iter(part["data"].values()), []))
        if not n:
            continue
        for column in columns:
            if column in part["data"]:
                data[column].extend(part["data"][column])
        data["article_id"].extend([article_id] * n)
    outlet_of = [outlets[a] for a in data["article_id"]]
    if "outlet" in data:
        data["outlet"] = outlet_of
    if name in SENTENCE_TEXT_TABLES and "text" in data:
        keys = pd.MultiIndex.from_arrays([data["article_id"], data["position"]])
        data["text"] = texts.reindex(keys).tolist()
    if name == "frame_keywords":
        keys = pd.MultiIndex.from_arrays([data["article_id"], data["position"]])
        sentence = texts.reindex(keys).tolist()
        data["left"] = [t[max(0, s - KWIC_WIDTH):s]
                        for t, s in zip(sentence, data["start"], strict=True)]
        data["right"] = [t[s + len(k):s + len(k) + KWIC_WIDTH]
                         for t, s, k in zip(sentence, data["start"], data["keyword"], strict=True)]
    return pd.DataFrame(data, columns=columns)


def _finish_readability(table: pd.DataFrame) -> pd.DataFrame:
    """Sort the article scores as :func:`helpers.readability.score_articles` does."""
    if table.empty:
        return table
    return table.sort_values(["outlet", "article_id"], ignore_index=True)
