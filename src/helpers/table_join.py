"""Per-article tables joined per collection (the *reduce* of :mod:`helpers.article_tables`).

:func:`join_tables` concatenates the cached entries of a collection's articles into whole-
collection tables, in corpus order, restoring sentence texts and keyword contexts from the
corpus (they are not cached twice). Each joined table is also kept as a snapshot, one file per
table and collection (:func:`helpers.cache.write_snapshot`), with the cache key of every article
in it: the next join takes the rows of unchanged articles from the snapshot and reads entries
only for new or changed ones, so a rerun after adding articles reads a few files instead of
every entry, and gives the same tables as a join of every entry. Rewriting such a table's
snapshot reuses the codes of its text columns read from the old one (the new rows' values
looked up among its distinct values) instead of finding the distinct values of hundreds of
thousands of rows again. A snapshot that lacks only a few articles (new,
changed or removed ones; at most :data:`helpers.cache.REWRITE_SHARE` of the collection) is not
rewritten: the next join reads those few entries again, which costs far less than rewriting a
table of hundreds of thousands of rows after every few articles added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.cache import (
    TextCodes,
    carry_text_codes,
    code_dtype,
    read_snapshot_with_codes,
    reorder_text_codes,
    worth_rewriting,
    write_snapshot,
)
from helpers.lexicons import Lexicons

#: Tables whose ``text`` column is the sentence at ``(article_id, position)`` (not cached twice).
SENTENCE_TEXT_TABLES: frozenset[str] = frozenset({"mentions", "sentence_tone", "candidates"})
#: Keyword-in-context columns rebuilt from the sentence, the keyword and its offset.
KWIC_WIDTH = 50
#: Tables in article-id order (their helper sorts by article); the others follow the corpus.
ARTICLE_ID_ORDER: frozenset[str] = frozenset({
    "paragraph_readability", "sentence_lengths", "quotes", "attributions"})
#: Bump when the snapshot layout changes (the article keys already cover what was analysed).
SNAPSHOT_VERSION = 1


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


#: Columns of the feature table that come from the corpus, not from the cache entries.
_FEATURE_LABELS = ("article_id", "outlet", "language")
#: Articles joined at a time (bounds the cache entries held in memory).
JOIN_CHUNK = 1000
#: Folder (under the collection's cache) of the joined tables' snapshots.
SNAPSHOT_FOLDER = "joined"


def join_tables(corpus, entry_of: Callable[[str], dict], *, lexicons: Lexicons,
                tables: tuple[str, ...] | None = None, keys: dict[str, str] | None = None,
                snapshots: Path | None = None) -> ArticleTables:
    """Concatenate the cache entries of the corpus's articles into tables (only those named in
    ``tables``, default all, ``"features"`` included; the others are empty).

    ``entry_of(article_id)`` gives an article's entry; entries are fetched and turned into
    table rows :data:`JOIN_CHUNK` articles at a time, in corpus order.

    With ``snapshots`` (a folder) and ``keys`` (each article's cache key), each joined table is
    also kept there as one file (:func:`helpers.cache.write_snapshot`) with the key and outlet
    of every article in it. The next join takes the rows of articles whose key is unchanged
    from the snapshot and fetches entries only for the others, so a rerun after adding
    articles reads one file per table instead of every entry. Rows are put back in corpus
    order and the outlet column is refreshed from the corpus, so the result equals a join of
    every entry. A snapshot of the same articles, in the same order, with the same keys and
    outlets is that join already and is returned as it was read. A table made of snapshot
    rows and new rows is written with the codes of its text columns carried over from the
    snapshot (:func:`_carry_text_codes`).
    """
    from helpers.features import build_feature_table

    ids = corpus.articles["article_id"].tolist()
    outlets = dict(zip(ids, corpus.articles["outlet"], strict=True))
    languages = dict(zip(ids, corpus.articles["language"].tolist(), strict=True))
    names = [f.name for f in fields(ArticleTables) if f.name != "features"]
    unknown = set(tables or ()) - set(names) - {"features"}
    if unknown:
        raise ValueError(f"unknown tables {sorted(unknown)}; choose from {names}")
    wanted = [name for name in names if tables is None or name in tables]
    with_features = tables is None or "features" in tables
    joining = [*wanted, *(["features"] if with_features else [])]
    use_snapshots = snapshots is not None and keys is not None
    stored = {name: _read_table_snapshot(snapshots / f"{name}.npz", features=name == "features")
              for name in joining} if use_snapshots else {}
    # Snapshots that hold this very join (nothing to add, remove, reorder or refresh).
    whole = {name for name, snap in stored.items()
             if snap is not None and "table" in snap and snap.get("outlets") == outlets
             and snap["keys"] == keys and list(snap["keys"]) == ids}
    reused = {name: {aid for aid in ids if snap["keys"].get(aid) == keys[aid]}
              for name, snap in stored.items() if snap is not None}
    reused = {name: found for name, found in reused.items() if found}
    # Articles whose rows each table must take from their entries (new, changed, no snapshot).
    fresh = {name: {aid for aid in ids if aid not in reused.get(name, ())} for name in joining}
    todo = set().union(*fresh.values())
    pending = [aid for aid in ids if aid in todo]
    parts: dict[str, list[pd.DataFrame]] = {name: [] for name in wanted}
    feature_rows: dict[str, dict] = {}
    texts = corpus.sentences.set_index(["article_id", "position"])["text"] if pending else None
    if "features" in reused and "features" not in whole:
        feature_rows = _stored_feature_rows(stored["features"], reused["features"])
    for start in range(0, len(pending), JOIN_CHUNK):
        chunk = pending[start:start + JOIN_CHUNK]
        entries = dict(zip(chunk, (entry_of(aid) for aid in chunk), strict=True))
        for name in wanted:
            mine = [(aid, entries[aid]["tables"][name]) for aid in chunk if aid in fresh[name]]
            if mine:
                parts[name].append(_join_one(name, mine, outlets, texts))
        feature_rows.update((aid, entries[aid]["features"]) for aid in chunk
                            if aid in fresh.get("features", ()))

    # Snapshots missing only a few articles stay as they are (helpers.cache.REWRITE_SHARE);
    # one that has every article but is not this join (e.g. an outlet renamed) is rewritten.
    kept_as_is = {name for name in reused if name not in whole
                  and len(reused[name]) < max(len(ids), len(stored[name]["keys"]))
                  and not worth_rewriting(used=len(ids), stored=len(stored[name]["keys"]),
                                          common=len(reused[name]))}

    def save(name: str, table: pd.DataFrame,
             text_codes: dict[str, TextCodes] | None = None) -> None:
        if use_snapshots and name not in whole | kept_as_is:  # (unless it holds this join)
            write_snapshot(snapshots / f"{name}.npz", {
                "version": SNAPSHOT_VERSION, "keys": {aid: keys[aid] for aid in ids},
                "outlets": outlets, "table": table},
                text_codes={"table": text_codes} if text_codes else None)

    joined = {name: pd.DataFrame() for name in names}
    for name in wanted:
        if name in whole:
            joined[name] = stored[name]["table"]
            continue
        if name in reused:
            old = stored[name]["table"]
            keep = old["article_id"].isin(reused[name]).to_numpy()
            old = old[keep]
            if "outlet" in old:
                old = old.assign(outlet=_map_outlets(
                    old["article_id"], outlets, stored[name]["text_codes"].get("article_id"),
                    keep))
            parts[name].insert(0, old)
        # (Only the article ids' codes, to order the rows, when the snapshot is not rewritten.)
        carried = _carry_text_codes({column: codes for column, codes in
                                     stored[name]["text_codes"].items()
                                     if name not in kept_as_is or column == "article_id"},
                                    keep, parts[name][1:], outlets) if name in reused else {}
        joined[name], order = _concat(parts[name], by_article_id=name in ARTICLE_ID_ORDER,
                                      ids=ids if name in reused else None,
                                      article_codes=carried.get("article_id"))
        save(name, joined[name], reorder_text_codes(carried, order))
    joined["readability"] = _finish_readability(joined["readability"])
    if not with_features:
        features = pd.DataFrame()
    elif "features" in whole:
        features = stored["features"]["table"]
    else:
        features = build_feature_table(
            [{"article_id": aid, "outlet": outlets[aid], "language": languages[aid],
              **feature_rows[aid]} for aid in ids], lexicons=lexicons)
        save("features", features)
    return ArticleTables(features=features, **joined)


def _read_table_snapshot(path: Path, *, features: bool = False) -> dict | None:
    """A snapshot of this :data:`SNAPSHOT_VERSION` with its article keys and table, else
    ``None``.

    A features snapshot (``features``) holds the feature table, whose values are numbers;
    one written before holds each article's feature values (``rows``) and is still read.
    ``text_codes`` is added: the :class:`helpers.cache.TextCodes` of the table's text columns.
    """
    read = read_snapshot_with_codes(path)
    if read is None:
        return None
    snap = {**read[0], "text_codes": read[1].get("table", {})}
    if snap.get("version") != SNAPSHOT_VERSION or "keys" not in snap:
        return None
    if features and "rows" in snap:
        return snap
    table = snap.get("table")
    if not isinstance(table, pd.DataFrame) or "article_id" not in table:
        return None
    if features and not all(dtype.kind in "biuf" for dtype in
                            table.drop(columns=list(_FEATURE_LABELS), errors="ignore").dtypes):
        return None
    return snap


def _stored_feature_rows(snap: dict, reused: set[str]) -> dict[str, dict]:
    """The feature values (:func:`helpers.features.summarize_features`) of the ``reused``
    articles in a features snapshot, as their cache entries hold them.

    From a feature table, each value is the Python number of its column's dtype: a column
    of integers gives the entries' integers, a column of floats their floats (integers
    mixed with floats there come back as floats, which the joined table holds anyway).
    """
    if "rows" in snap:
        return {aid: snap["rows"][aid] for aid in reused}
    table = snap["table"]
    keep = table["article_id"].isin(reused).to_numpy()
    values = table.drop(columns=list(_FEATURE_LABELS), errors="ignore")[keep]
    return dict(zip(table["article_id"][keep], values.to_dict("records"), strict=True))


def _concat(parts: list[pd.DataFrame], *, by_article_id: bool,
            ids: list[str] | None = None, article_codes: TextCodes | None = None
            ) -> tuple[pd.DataFrame, np.ndarray]:
    """Parts into one table: put in corpus order (``ids``; each article's rows keep their
    order) when they are not already, as when snapshot rows come first, then in article-id
    order for the tables sorted that way (stable).

    ``article_codes``, the codes of the parts' ``article_id`` values one after another, saves
    looking up every row's id among ``ids`` (only the distinct ids are). Rows already in
    order are not copied again.

    Returns
    -------
    tuple
        The table, and for each of its rows the row's position among the parts' rows one
        after another (what the reordering moved where).
    """
    full = [part for part in parts if len(part)]
    if not full:
        empty = parts[0].iloc[0:0].reset_index(drop=True) if parts else pd.DataFrame()
        return empty, np.arange(0)
    table = pd.concat(full, ignore_index=True) if len(full) > 1 \
        else full[0].reset_index(drop=True)
    order = np.arange(len(table))
    if ids is not None:
        if article_codes is not None and len(article_codes.codes) == len(table):
            rank = np.append(pd.Index(ids).get_indexer(article_codes.uniques),
                             -1)[article_codes.codes]
        else:
            rank = pd.Index(ids).get_indexer(table["article_id"])
        if (np.diff(rank) < 0).any():  # (else the stable sort would keep every row in place)
            order = np.argsort(rank, kind="stable")
            table = table.iloc[order].reset_index(drop=True)
    if by_article_id and not table["article_id"].is_monotonic_increasing:
        table = table.sort_values("article_id", kind="stable")
        order = order[table.index.to_numpy()]  # (the index was 0, 1, ... before the sort)
        table = table.reset_index(drop=True)
    return table, order


def _carry_text_codes(stored: dict[str, TextCodes], keep: np.ndarray,
                      new_parts: list[pd.DataFrame], outlets: dict[str, str]
                      ) -> dict[str, TextCodes]:
    """:func:`helpers.cache.carry_text_codes` of a joined table, whose kept rows' ``outlet``
    column was refreshed from ``outlets`` (article id → outlet): its codes are made from those
    of ``article_id`` (and left out without them)."""
    stored = dict(stored)
    if "outlet" in stored:
        if "article_id" in stored:
            stored["outlet"] = _outlet_codes(stored["article_id"], outlets,
                                             stored["outlet"].dtype)
        else:
            del stored["outlet"]
    return carry_text_codes(stored, keep, new_parts)


def _map_outlets(article_ids: pd.Series, outlets: dict[str, str], codes: TextCodes | None,
                 keep: np.ndarray) -> pd.Series:
    """``article_ids.map(outlets)``, each distinct id mapped once when the ids are the rows
    ``keep`` of a column coded as ``codes`` (the same values and dtype: the distinct ids in
    the rows are mapped by the same method, then taken for every row)."""
    if codes is None or int(np.count_nonzero(keep)) != len(article_ids) \
            or not isinstance(article_ids.dtype, pd.StringDtype):
        return article_ids.map(outlets)
    kept = codes.codes[keep]
    used = np.flatnonzero(np.bincount(kept + 1, minlength=len(codes.uniques) + 1)[1:])
    renumbered = np.full(len(codes.uniques) + 1, -1, dtype=np.intp)
    renumbered[used] = np.arange(len(used))
    distinct = pd.Series(np.array(codes.uniques, dtype=object)[used],
                         dtype=article_ids.dtype).map(outlets)
    return pd.Series(distinct.array.take(renumbered[kept], allow_fill=True),
                     index=article_ids.index, name=article_ids.name, copy=False)


def _outlet_codes(article_ids: TextCodes, outlets: dict[str, str], dtype: str) -> TextCodes:
    """Codes of the outlet of each row whose article id is coded as ``article_ids``."""
    codes, uniques = pd.factorize(np.array([outlets.get(aid) for aid in article_ids.uniques],
                                           dtype=object))
    lookup = np.append(codes, -1).astype(code_dtype(len(uniques)))
    return TextCodes(lookup[article_ids.codes], list(uniques), dtype)


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
