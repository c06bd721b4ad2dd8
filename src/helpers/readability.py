"""Readability of each article and paragraph, computed with textstat on the cleaned body only.

The text scored is the article's body paragraphs (``kind == "body"``) joined in order with a
newline: no headline, standfirst, in-body subheads, captions or promos (parsing removed those).
Every formula value is textstat's own (0.7.x, ``lang="en_US"``) for exactly that text:
Flesch reading ease (Flesch 1948), Flesch–Kincaid grade (Kincaid et al. 1975), Gunning fog
(Gunning 1952), SMOG (McLaughlin 1969), Coleman–Liau (Coleman & Liau 1975), ARI (Senter & Smith
1967), Dale–Chall (Dale & Chall 1948; Chall & Dale 1995), Linsear Write (O'Hayre 1966) and
textstat's consensus grade ``text_standard``. textstat splits sentences on ``.!?`` only (so
"U.S." and "Mr." end a "sentence" there, and fragments of two words or fewer are ignored); the
kit's abbreviation-aware splitter (:func:`helpers.segment.split_sentences`) gives the separate
descriptive columns ``kit_sentences``, ``kit_words_per_sentence`` and ``long_sentence_share``.

Non-English articles (``language`` set and not ``en``) get no English formula values (NaN) and
``english = False``; their counts and lexical diversity are still reported. Short texts are
flagged: ``short_text`` below 100 words, ``smog_unreliable`` below the 30 sentences SMOG was
calibrated on. Bootstrap intervals (Efron & Tibshirani 1993, percentile method) resample an
outlet's paragraphs and recompute a formula from the summed textstat counts.
"""

from __future__ import annotations

import html
import math
import os

import numpy as np
import pandas as pd
from textstat.backend.selections import list_words as _list_words

from helpers import lexdiv
from helpers import readability_formulas as formulas
from helpers.interval_memo import IntervalMemo
from helpers.resample import group_generator, sum_resamples
from helpers.segment import split_sentences

#: Article-level formulas: output column -> textstat method (called with its default options).
FORMULAS: tuple[tuple[str, str], ...] = (
    ("flesch_reading_ease", "flesch_reading_ease"),
    ("flesch_kincaid_grade", "flesch_kincaid_grade"),
    ("gunning_fog", "gunning_fog"),
    ("smog_index", "smog_index"),
    ("coleman_liau_index", "coleman_liau_index"),
    ("automated_readability_index", "automated_readability_index"),
    ("dale_chall", "dale_chall_readability_score"),
    ("linsear_write", "linsear_write_formula"),
)
#: The formulas that read as a US school grade (Dale–Chall's raw score is not a grade).
GRADE_FORMULAS: tuple[str, ...] = (
    "flesch_kincaid_grade", "gunning_fog", "smog_index", "coleman_liau_index",
    "automated_readability_index", "linsear_write", "text_standard",
)
SHORT_TEXT_WORDS = 100  #: fewer body words than this: every formula is noisy
SMOG_MIN_SENTENCES = 30  #: SMOG was calibrated on 30-sentence samples (McLaughlin 1969)
LONG_SENTENCE_WORDS = 30  #: a sentence over this many words counts as long
ENGLISH = "en"

#: Formulas recomputed from summed paragraph counts in the bootstrap (same equations as textstat).
BOOTSTRAP_FORMULAS = {
    "flesch_reading_ease": lambda c: 206.835 - 1.015 * c["words"] / c["sentences"]
    - 84.6 * c["syllables"] / c["words"],
    "flesch_kincaid_grade": lambda c: 0.39 * c["words"] / c["sentences"]
    + 11.8 * c["syllables"] / c["words"] - 15.59,
    "smog_index": lambda c: 1.043 * np.sqrt(30 * c["polysyllables"] / c["sentences"]) + 3.1291,
    "words_per_sentence": lambda c: c["words"] / c["sentences"],
}
_COUNT_COLUMNS = ("words", "sentences", "syllables", "polysyllables")

def is_english(language: object) -> bool:
    """Return True for English or an unknown language (the formulas assume English)."""
    if language is None or (isinstance(language, float) and math.isnan(language)):
        return True
    return str(language).strip().lower().replace("-", "_").split("_")[0] in {ENGLISH, ""}


def score_text(text: str, *, english: bool = True) -> dict[str, float]:
    """Return every readability measure for one text (all columns of :func:`score_articles`).

    Parameters
    ----------
    text
        The text to score, e.g. an article body.
    english
        When False the formula values are NaN (they are calibrated on English).

    Returns
    -------
    dict
        Keys as the metric columns of :func:`score_articles`.
    """
    counts = formulas.count_text(text)
    words = counts.words
    row: dict[str, float] = {"words": words, "sentences": counts.sentences}
    kit = [s for p in text.split("\n") for s in split_sentences(p)]
    kit_lengths = [len(_list_words(s)) for s in kit]
    row["kit_sentences"] = len(kit)
    row["kit_words_per_sentence"] = sum(kit_lengths) / len(kit) if kit else math.nan
    row["long_sentence_share"] = (
        sum(n > LONG_SENTENCE_WORDS for n in kit_lengths) / len(kit) if kit else math.nan)
    tokens = lexdiv.list_words(text)
    row["mtld"] = lexdiv.measure_mtld(tokens)
    row["mattr"] = lexdiv.measure_mattr(tokens)
    columns = [name for name, _ in FORMULAS] + ["text_standard"]
    extra = ("syllables", "words_per_sentence", "syllables_per_word", "difficult_word_share")
    if not english or words == 0:
        row.update(dict.fromkeys((*extra, *columns), math.nan))
        if english:
            row["syllables"] = 0
        return row
    values = formulas.compute_formulas(counts)
    row["syllables"] = counts.syllables
    row["words_per_sentence"] = values.pop("words_per_sentence")
    row["syllables_per_word"] = values.pop("syllables_per_word")
    # Dale–Chall's difficult words: not on its familiar-word list (threshold 0, every token).
    row["difficult_word_share"] = counts.difficult_dale_chall / words
    row.update(values)
    return row


def _body(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Body paragraphs only, in reading order."""
    body = paragraphs[paragraphs["kind"] == "body"] if "kind" in paragraphs else paragraphs
    return body.sort_values(["article_id", "position"], kind="stable")


def _languages(articles: pd.DataFrame | None) -> dict[str, object]:
    if articles is None or "language" not in articles:
        return {}
    return dict(zip(articles["article_id"], articles["language"], strict=True))


def score_articles(paragraphs: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score each article's body text.

    Parameters
    ----------
    paragraphs
        The corpus ``paragraphs`` table (article_id, outlet, position, kind, text).
    articles
        The corpus ``articles`` table, for ``language`` (missing language counts as English).

    Returns
    -------
    pandas.DataFrame
        One row per article: ``outlet``, ``article`` (its headline, else its id),
        ``article_id``, ``language``, ``english`` (formulas
        computed), ``words`` / ``sentences`` / ``syllables`` (textstat's counts),
        ``words_per_sentence``, ``syllables_per_word``, ``difficult_word_share`` (share of
        words not on the Dale–Chall familiar list), ``kit_sentences``,
        ``kit_words_per_sentence``, ``long_sentence_share`` (share of the kit's sentences over 30
        words), ``mtld``, ``mattr`` (lexical diversity, :mod:`helpers.lexdiv`), the formulas
        ``flesch_reading_ease``, ``flesch_kincaid_grade``, ``gunning_fog``, ``smog_index``,
        ``coleman_liau_index``, ``automated_readability_index``, ``dale_chall``,
        ``linsear_write``, ``text_standard``, and the flags ``short_text`` (< 100 words) and
        ``smog_unreliable`` (< 30 sentences).
    """
    languages = _languages(articles)
    headlines = {} if articles is None or "headline" not in articles else dict(
        zip(articles["article_id"], articles["headline"], strict=True))
    rows = []
    for (article_id, outlet), group in _body(paragraphs).groupby(
            ["article_id", "outlet"], sort=True, dropna=False):
        language = languages.get(article_id)
        english = is_english(language)
        text = "\n".join(group["text"].astype(str))
        headline = headlines.get(article_id)
        rows.append({"outlet": outlet,
                     "article": headline if isinstance(headline, str) and headline else article_id,
                     "article_id": article_id, "language": language,
                     "english": english, **score_text(text, english=english)})
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    table["short_text"] = table["words"] < SHORT_TEXT_WORDS
    table["smog_unreliable"] = table["sentences"] < SMOG_MIN_SENTENCES
    return table.sort_values(["outlet", "article_id"], ignore_index=True)


def score_paragraphs(paragraphs: pd.DataFrame,
                     articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score each body paragraph of the English articles (the few measures the charts use).

    Returns
    -------
    pandas.DataFrame
        One row per non-empty body paragraph of an English article: ``outlet``, ``article_id``,
        ``position``, textstat's counts ``words``, ``sentences``, ``syllables``,
        ``polysyllables`` (words of 3+ syllables), and textstat's ``flesch_kincaid_grade``,
        ``flesch_reading_ease`` and ``words_per_sentence`` for the paragraph.
    """
    languages = _languages(articles)
    body = _body(paragraphs)
    english = np.array([is_english(languages.get(a)) for a in body["article_id"]], dtype=bool)
    body = body[english] if len(body) else body
    counts = np.array([formulas.count_basics(str(t)) for t in body["text"]],
                      dtype=np.int64).reshape(-1, len(_COUNT_COLUMNS))
    table = pd.DataFrame({"outlet": body["outlet"].to_numpy(),
                          "article_id": body["article_id"].to_numpy(),
                          "position": body["position"].to_numpy()})
    for i, column in enumerate(_COUNT_COLUMNS):
        table[column] = counts[:, i]
    values = formulas.flesch_arrays(table["words"], table["sentences"], table["syllables"])
    for column in ("flesch_kincaid_grade", "flesch_reading_ease", "words_per_sentence"):
        table[column] = values[column]
    return table[table["words"] > 0].reset_index(drop=True)


def measure_sentence_lengths(paragraphs: pd.DataFrame,
                             articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Split body paragraphs into sentences with the kit's splitter and count their words.

    Returns
    -------
    pandas.DataFrame
        One row per sentence: ``outlet``, ``article_id``, ``paragraph`` (its paragraph's
        position), ``words`` (textstat's word count), ``long`` (more than 30 words).
    """
    rows = [
        {"outlet": p.outlet, "article_id": p.article_id, "paragraph": p.position,
         "words": len(_list_words(sentence))}
        for p in _body(paragraphs).itertuples(index=False)
        for sentence in split_sentences(str(p.text))
    ]
    table = pd.DataFrame(rows, columns=["outlet", "article_id", "paragraph", "words"])
    table["long"] = table["words"] > LONG_SENTENCE_WORDS
    return table


def bootstrap_readability(paragraph_scores: pd.DataFrame, *,
                          metrics: tuple[str, ...] = ("flesch_kincaid_grade",
                                                      "flesch_reading_ease"),
                          n_resamples: int = 1000, confidence: float = 0.95,
                          seed: int = 0, memo: str | os.PathLike[str] | None = None
                          ) -> pd.DataFrame:
    """Bootstrap each outlet's readability by resampling its paragraphs.

    Each resample draws the outlet's paragraphs with replacement, sums their textstat counts
    and applies the formula to the sums (a ratio estimator, as for the whole text). Each
    outlet's resamples come from its own generator, seeded by ``seed`` and the outlet's name
    (:func:`helpers.resample.group_generator`): the result is deterministic, and an outlet's
    interval depends on its own paragraphs only.

    Parameters
    ----------
    paragraph_scores
        Output of :func:`score_paragraphs`.
    metrics
        Keys of :data:`BOOTSTRAP_FORMULAS`.
    n_resamples, confidence, seed
        Number of resamples, width of the percentile interval, random seed.
    memo
        A file keeping each outlet's interval between runs (:mod:`helpers.interval_memo`):
        outlets whose paragraphs are unchanged are not resampled again. The result is the
        same as without it.

    Returns
    -------
    pandas.DataFrame
        One row per outlet and metric: ``outlet``, ``metric``, ``estimate`` (formula on all the
        outlet's paragraphs), ``low``, ``high`` (percentile interval), ``n_paragraphs``.
    """
    tail = (1 - confidence) / 2 * 100
    kept = IntervalMemo(memo, ("readability.py", "readability_formulas.py"), {
        "metrics": list(metrics), "n_resamples": n_resamples, "confidence": confidence,
        "seed": seed})

    def resample(outlet: str, counts: np.ndarray) -> list[float]:
        sums = sum_resamples(counts, n_resamples=n_resamples,  # integer sums: exact
                             rng=group_generator(seed, outlet))
        resampled = {c: sums[:, i] for i, c in enumerate(_COUNT_COLUMNS)}
        return [bound for metric in metrics for bound in np.percentile(
            BOOTSTRAP_FORMULAS[metric](resampled), [tail, 100 - tail])]

    outlets = [(outlet, group[list(_COUNT_COLUMNS)].to_numpy(dtype=float))
               for outlet, group in paragraph_scores.groupby("outlet", sort=True)]
    intervals = kept.recall_many([(str(outlet), counts) for outlet, counts in outlets],
                                 2 * len(metrics), resample)
    rows = []
    for (outlet, counts), bounds in zip(outlets, intervals, strict=True):
        total = dict(zip(_COUNT_COLUMNS, counts.sum(axis=0), strict=True))
        for k, metric in enumerate(metrics):
            rows.append({"outlet": outlet, "metric": metric,
                         "estimate": float(BOOTSTRAP_FORMULAS[metric](total)),
                         "low": bounds[2 * k], "high": bounds[2 * k + 1],
                         "n_paragraphs": len(counts)})
    kept.save()
    return pd.DataFrame(rows, columns=["outlet", "metric", "estimate", "low", "high",
                                       "n_paragraphs"])


def describe_grades(article_scores: pd.DataFrame) -> str:
    """One sentence on the outlets' grade levels (mean Flesch–Kincaid grade per outlet)."""
    scored = article_scores[article_scores["english"]].dropna(subset=["flesch_kincaid_grade"])
    if scored.empty:
        return "No English article could be scored."
    grade = scored.groupby("outlet")["flesch_kincaid_grade"].mean().sort_values()
    short = int(scored["short_text"].sum())
    return (f"By Flesch–Kincaid, {_name(grade.index[0])} is the easiest to read (grade "
            f"{grade.iloc[0]:.1f}) and {_name(grade.index[-1])} the hardest (grade "
            f"{grade.iloc[-1]:.1f}); {len(scored)} article(s) scored, {short} under "
            f"{SHORT_TEXT_WORDS} words.")


def describe_intervals(intervals: pd.DataFrame, *, metric: str = "flesch_kincaid_grade") -> str:
    """One sentence saying which outlet gaps on ``metric`` exceed the bootstrap noise."""
    rows = intervals[intervals["metric"] == metric].sort_values("estimate")
    if len(rows) < 2:
        return "Fewer than two outlets: nothing to compare."
    low, high = rows.iloc[0], rows.iloc[-1]
    separated = low["high"] < high["low"]
    overlapping = sum(
        a["low"] <= b["high"] and b["low"] <= a["high"]
        for i, a in enumerate(rows.to_dict("records")) for b in rows.to_dict("records")[i + 1:])
    pairs = len(rows) * (len(rows) - 1) // 2
    verdict = ("do not overlap, so that gap is larger than the resampling noise" if separated
               else "overlap, so even the largest gap could be noise")
    return (f"On {metric.replace('_', ' ')}, the intervals of the lowest ({_name(low['outlet'])},"
            f" {low['estimate']:.1f}) and highest ({_name(high['outlet'])}, "
            f"{high['estimate']:.1f}) outlets {verdict}; {overlapping} of {pairs} outlet pairs "
            "overlap.")


def describe_spread(paragraph_scores: pd.DataFrame, *,
                    metric: str = "flesch_kincaid_grade") -> str:
    """One sentence on how widely paragraph scores vary within outlets (interquartile range)."""
    if paragraph_scores.empty:
        return "No paragraph could be scored."
    grouped = paragraph_scores.groupby("outlet")[metric]
    iqr = (grouped.quantile(0.75) - grouped.quantile(0.25)).sort_values()
    return (f"Within one outlet, the middle half of paragraphs spans {iqr.iloc[0]:.1f} "
            f"({_name(iqr.index[0])}) to {iqr.iloc[-1]:.1f} ({_name(iqr.index[-1])}) points of "
            f"{metric.replace('_', ' ')}: single paragraphs are far noisier than articles.")


def describe_sentence_lengths(sentence_lengths: pd.DataFrame) -> str:
    """One sentence on the outlets' median sentence length and share of long sentences."""
    if sentence_lengths.empty:
        return "No sentences found."
    by = sentence_lengths.groupby("outlet").agg(median=("words", "median"), long=("long", "mean"))
    top = by["long"].idxmax()
    return (f"Median sentence length ranges from {by['median'].min():.0f} to "
            f"{by['median'].max():.0f} words; {_name(top)} has the most sentences over "
            f"{LONG_SENTENCE_WORDS} words ({by.loc[top, 'long']:.0%}).")


def _name(outlet: object) -> str:
    """An outlet name safe to put in Markdown (it comes from the data)."""
    return html.escape(str(outlet)).replace("*", r"\*").replace("_", r"\_")


def describe_sentence_counts(article_scores: pd.DataFrame) -> str:
    """One sentence comparing textstat's sentence count with the kit's splitter."""
    if article_scores.empty:
        return "No articles."
    gap = (article_scores["sentences"] - article_scores["kit_sentences"]).abs()
    if not gap.any():
        return "textstat and the kit's splitter find the same number of sentences everywhere."
    row = article_scores.loc[gap.idxmax()]
    return (f"textstat and the kit's splitter disagree on {int((gap > 0).sum())} of "
            f"{len(article_scores)} article(s); the largest gap is {_name(row['outlet'])} "
            f"({int(row['sentences'])} sentences for textstat, {int(row['kit_sentences'])} for "
            "the kit).")
