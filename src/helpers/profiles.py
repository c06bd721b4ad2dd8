"""Outlet profiles: the per-article feature table summed up per outlet, on one comparable scale.

Each measure of :func:`helpers.features.compute_article_features` is averaged per outlet
(article mean; with one article per outlet it is that article's value) and then standardised
across outlets (z = (outlet mean − mean of outlet means) / their standard deviation), so one
heatmap shows where each outlet stands out. A z-score here only ranks these outlets against
each other; with a handful of articles per outlet it is a pointer for reading, not a test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.safe_text import escape_text

#: Measures shown in the profile, with readable labels (explicit: a renamed column fails loudly).
PROFILE_MEASURES: tuple[tuple[str, str], ...] = (
    ("words", "Body words"),
    ("flesch_kincaid_grade", "Flesch–Kincaid grade"),
    ("words_per_sentence", "Words per sentence"),
    ("mtld", "Lexical diversity (MTLD)"),
    ("quoted_share", "Share of words in quotes"),
    ("loaded_verb_share", "Loaded attribution verbs (share)"),
    ("tone_mean", "Mean sentence tone (VADER)"),
    ("frame_conflict_per_1000", "Conflict frame per 1,000 words"),
    ("frame_economic consequences_per_1000", "Economic frame per 1,000 words"),
    ("frame_human interest_per_1000", "Human-interest frame per 1,000 words"),
)


def summarize_outlet_profiles(features: pd.DataFrame) -> pd.DataFrame:
    """Average the per-article features per outlet and standardise them across outlets.

    Parameters
    ----------
    features
        Output of :func:`helpers.features.compute_article_features`.

    Returns
    -------
    pandas.DataFrame
        One row per outlet and measure: ``outlet``, ``measure`` (column name), ``label``
        (readable name), ``articles`` (articles of the outlet), ``value`` (mean over its
        articles), ``z`` (standardised across outlets; 0 when all outlets are equal or there is
        one outlet). Measures missing from ``features`` are left out.
    """
    columns = ["outlet", "measure", "label", "articles", "value", "z"]
    if features.empty:
        return pd.DataFrame(columns=columns)
    table = features.copy()
    attributions = table["loaded_verbs"] + table["neutral_verbs"]
    table["loaded_verb_share"] = np.where(attributions > 0,
                                          table["loaded_verbs"] / attributions.where(
                                              attributions > 0, 1), np.nan)
    for frame in ("conflict", "economic consequences", "human interest"):
        column = f"frame_{frame}"
        if column in table:
            table[f"{column}_per_1000"] = table[column] / table["words"].where(
                table["words"] > 0) * 1000
    present = [(m, label) for m, label in PROFILE_MEASURES if m in table]
    grouped = table.groupby("outlet", sort=True)
    means = grouped[[m for m, _ in present]].mean()
    counts = grouped.size()
    rows = []
    for measure, label in present:
        values = means[measure]
        spread = values.std(ddof=0)
        for outlet, value in values.items():
            z = 0.0 if not spread or np.isnan(spread) or np.isnan(value) else \
                (value - values.mean()) / spread
            rows.append({"outlet": outlet, "measure": measure, "label": label,
                         "articles": int(counts[outlet]), "value": float(value),
                         "z": float(z)})
    return pd.DataFrame(rows, columns=columns)


def describe_outlet_profiles(profiles: pd.DataFrame) -> str:
    """One sentence naming the outlet and measure that stand out most (largest |z|)."""
    usable = profiles.dropna(subset=["value"])
    if usable.empty or usable["outlet"].nunique() < 2:
        return "At least two outlets are needed to compare profiles."
    row = usable.loc[usable["z"].abs().idxmax()]
    direction = "higher" if row["z"] > 0 else "lower"
    sentence = (f"{escape_text(row['outlet'])} stands out most on {row['label'].lower()}: "
                f"{row['value']:.3g}, {direction} than the other outlets (z = {row['z']:+.1f}).")
    if usable["articles"].max() < 5:
        sentence += (" Each outlet here has fewer than five articles, so this ranks these "
                     "articles, not the outlets' habits.")
    return sentence
