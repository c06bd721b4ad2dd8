"""Tone: lexicon sentiment of each sentence, per outlet and towards each actor.

Method. Every body sentence is scored with VADER (Hutto & Gilbert 2014; the ``vaderSentiment``
package and its MIT-licensed lexicon, read locally). VADER's compound score saturates on long
texts (cjhutto/vaderSentiment #151), so it is never applied to whole articles: sentences are
scored, then averaged, with a seeded percentile bootstrap 95% interval over sentences (Efron &
Tibshirani 1993) that is the same on every run. Above :data:`NORMAL_LIMIT` sentences the
interval is the bootstrap's large-sample limit, mean ± 1.96 × sd / √n (sd with divisor n, the
bootstrap's own variance): there the bootstrap distribution of a mean is normal to well within
the Monte Carlo error of 2,000 resamples (Hall 1992, the Edgeworth correction shrinks as 1/√n),
and drawing millions of resampled sentences would only add that error and take seconds. Tone
towards an actor is the mean compound of the sentences that name the actor (aliases from the
actor lexicon).

What it can and cannot show. VADER was built for social-media text: it counts positive and
negative words ("support", "threats", "friendship") with rules for negation and intensity. It
measures the wording around a name, not the stance of the outlet nor the sentiment of the
speaker, and it does not know that "pushed back against pressure" is conflict or that a quote
is someone else's words. News prose is mostly neutral; differences of a few hundredths are
noise, and five articles are a tiny sample: read the intervals and the sentences.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterator, Mapping
from functools import lru_cache
from itertools import pairwise

import numpy as np
import pandas as pd
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from helpers.actors import find_actor_mentions
from helpers.interval_memo import IntervalMemo
from helpers.resample import sum_resamples

SCORE_COLUMNS = ["article_id", "outlet", "position", "text", "compound", "pos", "neg", "neu"]
TONE_COLUMNS = ["outlet", "sentences", "mean", "low", "high", "positive", "negative",
                "most_positive", "most_negative"]
ACTOR_TONE_COLUMNS = ["outlet", "actor", "sentences", "mean", "low", "high", "example"]
#: VADER's conventional thresholds for a positive / negative compound score.
POSITIVE, NEGATIVE = 0.05, -0.05
#: Above this many sentences a 95% interval is the bootstrap's normal limit (module doc).
NORMAL_LIMIT = 1000
_NORMAL_Z = 1.959963984540054  # the 97.5th percentile of the standard normal


@lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


def score_sentences(sentences: pd.DataFrame) -> pd.DataFrame:
    """Score every sentence with VADER.

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``outlet``, ``position``, ``text``, ``compound`` (-1..1), ``pos``,
        ``neg``, ``neu`` (proportions of the sentence's words).
    """
    rows = []
    for row in sentences.itertuples(index=False):
        compound, pos, neg, neu = score_text(str(row.text))
        rows.append({"article_id": row.article_id, "outlet": row.outlet,
                     "position": int(row.position), "text": row.text, "compound": compound,
                     "pos": pos, "neg": neg, "neu": neu})
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


@lru_cache(maxsize=200_000)
def score_text(text: str) -> tuple[float, float, float, float]:
    """VADER's ``(compound, pos, neg, neu)`` of one text, remembered per text (wire copy
    repeats sentences word for word; VADER gives a text the same scores every time)."""
    score = _analyzer().polarity_scores(text)
    return tuple(float(score[k]) for k in ("compound", "pos", "neg", "neu"))


def bootstrap_mean(values, *, n_boot: int = 2000, seed: int = 0,
                   normal_limit: int | None = None) -> tuple[float, float, float]:
    """Mean and percentile-bootstrap 95% interval of ``values`` (seeded, deterministic).

    Above ``normal_limit`` values (default :data:`NORMAL_LIMIT`) the interval is the
    bootstrap's normal limit, ``mean ± 1.96 × sd / √n`` with the divisor-n sd (see the module
    doc).

    Examples
    --------
    >>> bootstrap_mean([0.5, 0.5, 0.5])
    (0.5, 0.5, 0.5)
    """
    x = np.asarray(list(values), dtype=float)
    if x.size == 0:
        return float("nan"), float("nan"), float("nan")
    if x.size > (NORMAL_LIMIT if normal_limit is None else normal_limit):
        mean, half = float(x.mean()), _NORMAL_Z * float(x.std()) / math.sqrt(x.size)
        return mean, mean - half, mean + half
    means = sum_resamples(x, n_resamples=n_boot, rng=np.random.default_rng(seed)) / x.size
    low, high = np.percentile(means, [2.5, 97.5])
    return float(x.mean()), float(low), float(high)


def summarise_tone(scores: pd.DataFrame, *, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Average sentence tone per outlet with bootstrap 95% intervals.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``sentences``, ``mean`` (mean compound), ``low`` / ``high`` (95%
        interval), ``positive`` / ``negative`` (share of sentences at or beyond ±0.05),
        ``most_positive`` / ``most_negative`` (the extreme sentences, for tooltips).
    """
    rows = []
    for outlet, group in scores.groupby("outlet", sort=True):
        mean, low, high = bootstrap_mean(group["compound"], n_boot=n_boot, seed=seed)
        rows.append({"outlet": outlet, "sentences": len(group), "mean": mean, "low": low,
                     "high": high, "positive": float((group["compound"] >= POSITIVE).mean()),
                     "negative": float((group["compound"] <= NEGATIVE).mean()),
                     "most_positive": group.loc[group["compound"].idxmax(), "text"],
                     "most_negative": group.loc[group["compound"].idxmin(), "text"]})
    return pd.DataFrame(rows, columns=TONE_COLUMNS)


def score_actor_tone(scores: pd.DataFrame, *, lexicon: Mapping[str, list[str]],
                     min_sentences: int = 1, n_boot: int = 2000, seed: int = 0,
                     mentions: pd.DataFrame | None = None,
                     memo: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Tone of the sentences that name each actor, per outlet.

    Parameters
    ----------
    scores
        Output of :func:`score_sentences`.
    lexicon
        Canonical actor → aliases.
    min_sentences
        Drop outlet–actor pairs with fewer sentences.
    mentions
        :func:`helpers.actors.find_actor_mentions` of the same sentences and lexicon, when
        already computed (e.g. :mod:`helpers.article_tables`); found here otherwise.
    memo
        A file keeping each outlet and actor's interval between runs
        (:mod:`helpers.interval_memo`): pairs whose sentence tones are unchanged are not
        resampled again. The result is the same as without it.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``actor``, ``sentences`` (sentences naming the actor), ``mean``, ``low``,
        ``high`` (bootstrap 95% interval), ``example`` (the sentence closest to the mean).
    """
    if mentions is None:
        mentions = find_actor_mentions(scores, lexicon=lexicon)
    compound, text = scores["compound"].to_numpy(), scores["text"].to_numpy()
    kept = IntervalMemo(memo, ("tone.py",), {"n_boot": n_boot, "seed": seed,
                                             "normal_limit": NORMAL_LIMIT})

    def resample(_: str, values: np.ndarray) -> tuple[float, float, float]:
        return bootstrap_mean(values, n_boot=n_boot, seed=seed)  # (one seed for every pair)

    pairs = [(outlet, actor, sentences)
             for outlet, actor, sentences in _sentences_by_actor(mentions, scores)
             if len(sentences) >= min_sentences]
    groups = [(f"{outlet}\x00{actor}", compound[sentences]) for outlet, actor, sentences in pairs]
    intervals = kept.recall_many(groups, 3, resample)
    rows = []
    for (outlet, actor, sentences), (_, values), (mean, low, high) in zip(
            pairs, groups, intervals, strict=True):
        closest = text[sentences[np.argmin(np.abs(values - mean))]]
        rows.append({"outlet": outlet, "actor": actor, "sentences": len(sentences), "mean": mean,
                     "low": low, "high": high, "example": closest})
    kept.save()
    return pd.DataFrame(rows, columns=ACTOR_TONE_COLUMNS)


def _sentences_by_actor(mentions: pd.DataFrame,
                        scores: pd.DataFrame) -> Iterator[tuple[str, str, np.ndarray]]:
    """The rows of ``scores`` (sentences) that name each actor, per outlet.

    Each sentence counts once per outlet and actor however often it names the actor. Yields
    ``(outlet, actor, rows)`` sorted by outlet then actor (missing outlets or actors left out),
    ``rows`` an array of row numbers of ``scores`` in the order of the mentions' first
    occurrence. The work is done on integer codes of the text columns (factorised as plain
    object arrays, twice as fast as pandas' string columns): de-duplicating and joining the
    strings themselves took half of :func:`score_actor_tone`'s time.
    """
    n = len(mentions)
    article = pd.factorize(np.concatenate([mentions["article_id"].to_numpy(object),
                                           scores["article_id"].to_numpy(object)]))[0]
    outlet, outlets = pd.factorize(mentions["outlet"].to_numpy(object), sort=True)
    actor, actors = pd.factorize(mentions["actor"].to_numpy(object), sort=True)
    pairs = pd.DataFrame({"article": article[:n], "position": mentions["position"].to_numpy(),
                          "outlet": outlet, "actor": actor}).drop_duplicates()
    sentences = pd.DataFrame({"article": article[n:], "position": scores["position"].to_numpy(),
                              "row": np.arange(len(scores))})
    merged = pairs.merge(sentences, on=["article", "position"])
    merged = merged[(merged["outlet"] >= 0) & (merged["actor"] >= 0)]
    order = np.lexsort((merged["actor"], merged["outlet"]))  # stable: first occurrence first
    group = (merged["outlet"].to_numpy() * len(actors) + merged["actor"].to_numpy())[order]
    rows = merged["row"].to_numpy()[order]
    bounds = np.append(np.flatnonzero(np.diff(group, prepend=-1)), len(group))
    for start, stop in pairwise(bounds):
        code = group[start]
        yield outlets[code // len(actors)], actors[code % len(actors)], rows[start:stop]


def describe_tone(summary: pd.DataFrame, by_actor: pd.DataFrame) -> str:
    """One sentence on outlet tone (do the intervals overlap?) and the actor tones."""
    if summary.empty:
        return "No sentences to score."
    top, low = summary.loc[summary["mean"].idxmax()], summary.loc[summary["mean"].idxmin()]
    overlap = summary["low"].max() <= summary["high"].min()
    verdict = ("all outlets' intervals overlap, so the collection gives no evidence that "
               "they differ in tone" if overlap else "not every interval overlaps")
    text = (f"Average sentence tone ranges from {low['mean']:+.2f} "
            f"({html.escape(low['outlet'])}) to {top['mean']:+.2f} "
            f"({html.escape(top['outlet'])}); {verdict}")
    if not by_actor.empty:
        named = by_actor.groupby("actor")["sentences"].sum().sort_values(ascending=False)
        actor = named.index[0]
        here = by_actor[by_actor["actor"] == actor]
        text += (f". Sentences naming {html.escape(actor)} score between "
                 f"{here['mean'].min():+.2f} and {here['mean'].max():+.2f} across outlets")
    return text + "."
