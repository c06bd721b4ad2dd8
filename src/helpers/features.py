"""One row of features per article: the "one CSV of everything" of the report.

Method. Each article's body is scored on its own by the kit's helpers, exactly as the notebooks
score whole collections: readability (:func:`helpers.readability.score_text`, textstat's
formulas; Flesch 1948, Kincaid et al. 1975 and the others cited there), actor mentions
(:func:`helpers.actors.find_actor_mentions`, lexicon actors only: suggested actors depend on
the whole collection), direct quotes and attributions (:func:`helpers.quotes.extract_quotes`),
frame hits (:func:`helpers.frames.find_frame_keywords`; Semetko & Valkenburg 2000 for the
generic frames) and sentence tone (:func:`helpers.tone.score_sentences`, VADER; Hutto &
Gilbert 2014, averaged over sentences because VADER saturates on long texts).

The row is summarised from the per-article tables of :mod:`helpers.article_tables`, which
computes them once per article in parallel (worker processes or a Dask cluster) and caches them
per article, so adding articles to a collection and rerunning only scores the new ones.
"""

from __future__ import annotations

import math

import pandas as pd

from helpers.lexicons import Lexicons

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


def summarize_features(payloads: list[dict], tables: dict[str, pd.DataFrame], *,
                       lexicons: Lexicons) -> list[dict]:
    """Summarise a batch's per-article tables into one feature dict per article.

    Parameters
    ----------
    payloads
        The batch's articles (:func:`helpers.article_tables.make_payloads`).
    tables
        :func:`helpers.article_tables.build_batch_tables` of the same batch.
    lexicons
        The lexicons the tables were computed with.

    Returns
    -------
    list of dict
        One dict per payload, in order: the columns of :func:`compute_article_features`
        without ``article_id``, ``outlet`` and ``language``.
    """
    from helpers import readability

    quotes, attributions = tables["quotes"], tables["attributions"]
    quoted = quotes.groupby("article_id")["words"].sum()
    n_quotes = quotes.groupby("article_id").size()
    verb_classes = attributions.groupby(["article_id", "verb_class"]).size()
    kinds = attributions.groupby(["article_id", "kind"]).size()
    tone = tables["sentence_tone"]
    tone_by_article = dict(iter(tone.groupby("article_id")["compound"]))
    mention_counts = tables["mentions"].groupby(["article_id", "actor"]).size()
    hit_counts = tables["frame_keywords"].groupby(["article_id", "frame"]).size()
    scores = tables["readability"]
    scores = scores.set_index("article_id") if len(scores) else scores
    rows = []
    for payload in payloads:
        aid = payload["article_id"]
        if aid in scores.index:
            score = scores.loc[aid]
        else:  # no body paragraph: the scores of an empty text
            score = readability.score_text(
                "", english=readability.is_english(payload["language"]))
        n_words = sum(int(s["words"]) for s in payload["sentences"])
        row: dict = {"words": n_words, "sentences": len(payload["sentences"])}
        row.update({column: _number(score.get(column)) for column in READABILITY_COLUMNS})
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
    return math.nan if value is None or pd.isna(value) else float(value)


def build_feature_table(rows: list[dict], *, lexicons: Lexicons) -> pd.DataFrame:
    """The feature table from one dict per article (``article_id``, ``outlet``, ``language``
    and the values of :func:`summarize_features`), columns in documented order."""
    columns = [*BASE_COLUMNS, *(f"mentions_{a}" for a in lexicons.actors),
               *(f"frame_{f}" for f in lexicons.frames)]
    return pd.DataFrame(rows, columns=columns)


def compute_article_features(corpus, *, workers: int | None = None,
                             dask_address: str | None = None, use_cache: bool = True,
                             lexicons: Lexicons | None = None) -> pd.DataFrame:
    """Compute one row of features per article (parallel, cached per article).

    A shortcut for ``compute_article_tables(corpus, ..., tables=("features",)).features``
    (:func:`helpers.article_tables.compute_article_tables`, same parameters).

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
    from helpers.article_tables import compute_article_tables

    return compute_article_tables(corpus, workers=workers, dask_address=dask_address,
                                  use_cache=use_cache, lexicons=lexicons,
                                  tables=("features",)).features
