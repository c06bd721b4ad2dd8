"""One row of features per article, computed per article in parallel and cached per article.

Method. Each article's body is scored on its own by the kit's helpers, exactly as the notebooks
score whole collections: readability (:func:`helpers.readability.score_text`, textstat's
formulas; Flesch 1948, Kincaid et al. 1975 and the others cited there), actor mentions
(:func:`helpers.actors.find_actor_mentions`, lexicon actors only: suggested actors depend on
the whole collection), direct quotes and attributions (:func:`helpers.quotes.extract_quotes`),
frame hits (:func:`helpers.frames.find_frame_keywords`; Semetko & Valkenburg 2000 for the
generic frames) and sentence tone (:func:`helpers.tone.score_sentences`, VADER; Hutto &
Gilbert 2014, averaged over sentences because VADER saturates on long texts).

Articles are independent, so the work is spread over worker processes (all cores) or, given a
scheduler address, over a Dask cluster (:func:`helpers.cluster.map_on_dask`, a ``dask.bag``
around the same per-article function). Results are cached one file per article under
``data/processed/<collection>/features/``, keyed by a hash of what is scored (the article's
body paragraphs, language and content hash), of the lexicons and of :data:`FEATURES_VERSION`,
so adding articles to a collection and rerunning only scores the new ones; editing a lexicon
scores everything again. The table is the "one CSV of everything" of the report
(``article_features.csv``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from functools import partial
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.cache import write_cache_entry
from helpers.lexicons import Lexicons, load_lexicons

#: Bump when the computed features change, so cached rows are recomputed.
FEATURES_VERSION = 1
#: Compute in worker processes when at least this many articles need computing.
PARALLEL_THRESHOLD = 64
#: Articles per batch handed to one worker (the helpers' per-call overhead is paid per batch).
BATCH_SIZE = 100
#: Readability measures kept from :func:`helpers.readability.score_text`.
READABILITY_COLUMNS: tuple[str, ...] = (
    "flesch_reading_ease", "flesch_kincaid_grade", "gunning_fog", "smog_index",
    "coleman_liau_index", "automated_readability_index", "dale_chall", "linsear_write",
    "text_standard", "words_per_sentence", "syllables_per_word", "difficult_word_share",
    "long_sentence_share", "mtld", "mattr",
)
#: Fixed columns, in order; then ``mentions_<actor>`` and ``frame_<frame>`` per lexicon entry.
BASE_COLUMNS: tuple[str, ...] = (
    "article_id", "outlet", "language", "words", "sentences", *READABILITY_COLUMNS,
    "quotes", "quoted_words", "quoted_share", "loaded_verbs", "neutral_verbs",
    "indirect_attributions", "tone_mean", "tone_positive", "tone_negative",
)
_CACHE_FOLDER = "features"


def hash_lexicons(lexicons: Lexicons) -> str:
    """Return a stable hash of the three lexicons (a change invalidates the feature cache)."""
    text = json.dumps(asdict(lexicons), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def score_article(payload: dict, *, lexicons: Lexicons) -> dict:
    """Compute the features of one article (a batch of one; see :func:`score_articles`).

    Parameters
    ----------
    payload
        ``article_id``, ``outlet``, ``language``, ``paragraphs`` (list of
        ``{position, kind, text}``) and ``sentences`` (list of ``{paragraph, position, text,
        words}``) of one article: plain data, so it travels well between processes.
    lexicons
        The collection's lexicons (:func:`helpers.lexicons.load_lexicons`).

    Returns
    -------
    dict
        The feature values of :func:`compute_article_features` without ``article_id``,
        ``outlet`` and ``language`` (the caller adds those from the corpus).
    """
    return score_articles([payload], lexicons=lexicons)[0]


def score_articles(payloads: list[dict], *, lexicons: Lexicons) -> list[dict]:
    """Compute the features of a batch of articles (runs in worker processes and on Dask).

    The collection-level helpers (quotes, tone, actor and frame matching) run once on the
    batch's tables and are split per article afterwards: their per-call overhead is paid once
    per batch, not once per article, and each article's values are the same as on its own
    (every helper works article by article inside its tables).

    Returns
    -------
    list of dict
        One dict per payload, in order, as :func:`score_article` returns.
    """
    from helpers import readability
    from helpers.actors import find_actor_mentions
    from helpers.frames import find_frame_keywords
    from helpers.quotes import extract_quotes
    from helpers.tone import score_sentences

    if not payloads:
        return []
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
    quoted = quotes.groupby("article_id")["words"].sum()
    n_quotes = quotes.groupby("article_id").size()
    verb_classes = attributions.groupby(["article_id", "verb_class"]).size()
    kinds = attributions.groupby(["article_id", "kind"]).size()
    tone = score_sentences(sentences)[["article_id", "compound"]]
    tone_by_article = dict(iter(tone.groupby("article_id")["compound"]))
    mentions = find_actor_mentions(sentences, lexicon=lexicons.actors)
    mention_counts = mentions.groupby(["article_id", "actor"]).size()
    hits = find_frame_keywords(sentences, lexicon=lexicons.frames, width=0)
    hit_counts = hits.groupby(["article_id", "frame"]).size()
    words = sentences.groupby("article_id")["words"].sum()
    n_sentences = sentences.groupby("article_id").size()
    rows = []
    for payload in payloads:
        aid = payload["article_id"]
        body = "\n".join(str(p["text"]) for p in payload["paragraphs"] if p["kind"] == "body")
        scores = readability.score_text(body,
                                        english=readability.is_english(payload["language"]))
        n_words = int(words.get(aid, 0))
        row: dict = {"words": n_words, "sentences": int(n_sentences.get(aid, 0))}
        row.update({column: _number(scores.get(column)) for column in READABILITY_COLUMNS})
        quoted_words = int(quoted.get(aid, 0))
        row.update({"quotes": int(n_quotes.get(aid, 0)), "quoted_words": quoted_words,
                    "quoted_share": quoted_words / n_words if n_words else math.nan,
                    "loaded_verbs": int(verb_classes.get((aid, "loaded"), 0)),
                    "neutral_verbs": int(verb_classes.get((aid, "neutral"), 0)),
                    "indirect_attributions": int(kinds.get((aid, "indirect"), 0))})
        compound = tone_by_article.get(aid, pd.Series(dtype=float))
        row.update({
            "tone_mean": float(compound.mean()) if len(compound) else math.nan,
            "tone_positive": float((compound >= 0.05).mean()) if len(compound) else math.nan,
            "tone_negative": float((compound <= -0.05).mean()) if len(compound) else math.nan})
        row.update({f"mentions_{actor}": int(mention_counts.get((aid, actor), 0))
                    for actor in lexicons.actors})
        row.update({f"frame_{frame}": int(hit_counts.get((aid, frame), 0))
                    for frame in lexicons.frames})
        rows.append(row)
    return rows


def _number(value) -> float:
    return math.nan if value is None else float(value)


def _payloads(corpus) -> list[dict]:
    """Split the corpus tables into one plain-data payload per article."""
    paragraphs = {aid: group[["position", "kind", "text"]].to_dict("records")
                  for aid, group in corpus.paragraphs.groupby("article_id", sort=False)}
    sentences = {aid: group[["paragraph", "position", "text", "words"]].to_dict("records")
                 for aid, group in corpus.sentences.groupby("article_id", sort=False)}
    return [{"article_id": row.article_id, "outlet": row.outlet,
             "language": None if pd.isna(row.language) else row.language,
             "content_hash": row.content_hash,
             "paragraphs": paragraphs.get(row.article_id, []),
             "sentences": sentences.get(row.article_id, [])}
            for row in corpus.articles.itertuples(index=False)]


def _cache_key(payload: dict, lexicon_hash: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"{FEATURES_VERSION}|{lexicon_hash}|{payload['content_hash']}|"
                  f"{payload['language']}".encode())
    for paragraph in payload["paragraphs"]:
        digest.update(f"\x00{paragraph['kind']}\x01{paragraph['text']}".encode())
    return digest.hexdigest()[:32]


_WORKER_LEXICONS: Lexicons | None = None


def _init_worker(lexicons: Lexicons) -> None:
    global _WORKER_LEXICONS
    _WORKER_LEXICONS = lexicons


def _score_and_cache(jobs: list[tuple[dict, Path | None]]) -> list[dict]:
    rows = score_articles([payload for payload, _ in jobs], lexicons=_WORKER_LEXICONS)
    for (_, cached), row in zip(jobs, rows, strict=True):
        if cached is not None:
            write_cache_entry(cached, row)
    return rows


def _batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def compute_article_features(corpus, *, workers: int | None = None,
                             dask_address: str | None = None, use_cache: bool = True,
                             lexicons: Lexicons | None = None) -> pd.DataFrame:
    """Compute one row of features per article (parallel, cached per article).

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
        Reuse and write the per-article cache under ``data/processed/<collection>/features/``.
    lexicons
        Lexicons to use; default: those of the collection folder (package defaults merged with
        its ``actors.yml``/``frames.yml``/``verbs.yml``).

    Returns
    -------
    pandas.DataFrame
        One row per article, in the order of ``corpus.articles``: ``article_id``, ``outlet``,
        ``language``, ``words`` (body words), ``sentences`` (body sentences); readability
        (textstat, NaN for non-English articles): ``flesch_reading_ease``,
        ``flesch_kincaid_grade``, ``gunning_fog``, ``smog_index``, ``coleman_liau_index``,
        ``automated_readability_index``, ``dale_chall``, ``linsear_write``, ``text_standard``,
        ``words_per_sentence``, ``syllables_per_word``, ``difficult_word_share``,
        ``long_sentence_share`` (share of sentences over 30 words), ``mtld``, ``mattr``;
        quotes: ``quotes`` (direct quotes), ``quoted_words``, ``quoted_share`` (quoted words /
        body words), ``loaded_verbs`` / ``neutral_verbs`` (attributions by verb class),
        ``indirect_attributions`` (reported speech); tone: ``tone_mean`` (mean VADER compound
        of the sentences), ``tone_positive`` / ``tone_negative`` (share of sentences at or
        beyond ±0.05); then ``mentions_<actor>`` per lexicon actor and ``frame_<frame>`` (hits)
        per lexicon frame.
    """
    if dask_address is None:
        from helpers.cluster import active_dask_address

        dask_address = active_dask_address()
    lexicons = lexicons if lexicons is not None else load_lexicons(corpus.folder)
    lexicon_hash = hash_lexicons(lexicons)
    folder = paths.cache_dir(corpus.folder) / _CACHE_FOLDER
    payloads = _payloads(corpus)
    results: dict[str, dict] = {}
    todo: list[tuple[dict, Path | None]] = []
    for payload in payloads:
        cached = folder / f"{_cache_key(payload, lexicon_hash)}.json" if use_cache else None
        if cached is not None and cached.exists():
            try:
                results[payload["article_id"]] = json.loads(cached.read_text("utf-8"))
                continue
            except ValueError:
                pass  # a corrupt entry is computed again
        todo.append((payload, cached))
    if dask_address and todo:
        from helpers.cluster import map_on_dask

        batches = map_on_dask(partial(score_articles, lexicons=lexicons),
                              _batches([p for p, _ in todo], BATCH_SIZE),
                              address=dask_address, partition_size=1)
        rows = [row for batch in batches for row in batch]
        for (payload, cached), row in zip(todo, rows, strict=True):
            if cached is not None:
                write_cache_entry(cached, row)
            results[payload["article_id"]] = row
    else:
        results.update(_score_locally(todo, lexicons=lexicons, workers=workers))
    columns = [*BASE_COLUMNS, *(f"mentions_{a}" for a in lexicons.actors),
               *(f"frame_{f}" for f in lexicons.frames)]
    rows = [{"article_id": p["article_id"], "outlet": p["outlet"], "language": p["language"],
             **results[p["article_id"]]} for p in payloads]
    return pd.DataFrame(rows, columns=columns)


def _score_locally(todo: list[tuple[dict, Path | None]], *, lexicons: Lexicons,
                   workers: int | None) -> dict[str, dict]:
    n_workers = workers if workers is not None else (
        os.cpu_count() or 1 if len(todo) >= PARALLEL_THRESHOLD else 1)
    if n_workers <= 1 or len(todo) < 2:
        _init_worker(lexicons)
        rows = [row for batch in _batches(todo, BATCH_SIZE) for row in _score_and_cache(batch)]
    else:
        size = max(1, min(BATCH_SIZE, -(-len(todo) // (4 * n_workers))))
        with ProcessPoolExecutor(max_workers=n_workers, initializer=_init_worker,
                                 initargs=(lexicons,)) as pool:
            rows = [row for batch in pool.map(_score_and_cache, _batches(todo, size))
                    for row in batch]
    return {job[0]["article_id"]: row for job, row in zip(todo, rows, strict=True)}
