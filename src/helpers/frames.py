"""Frames: how much of each outlet's wording belongs to generic and issue-specific frames.

Method. Generic news frames follow Semetko & Valkenburg (2000): conflict, economic
consequences, human interest, morality and responsibility. Issue frames for the seed event
(security/military, diplomacy/partnership, human rights, energy and trade, sovereignty/Taiwan,
sport/Olympics, COVID) borrow dimensions from the Policy Frames Codebook (Boydstun et al. 2014).
Each frame is a list of indicator terms in ``frames.yml`` (a collection folder may override or
extend it, see :mod:`helpers.lexicons`). A hit is one occurrence of a frame term in a body
sentence (whole words; a term in two frames counts for both); density is hits per 1,000 body
words. This is a dictionary method (in the spirit of the Lexicoder/LIWC family, but with
framekit's own word lists): it shows which vocabulary an outlet uses, not whether a human
coder would assign the frame, so every count comes with a keyword-in-context view
(:func:`find_frame_keywords`) to check what matched.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Mapping

import pandas as pd

from helpers.lexicons import compile_matcher, find_matches

KEYWORD_COLUMNS = ["article_id", "outlet", "position", "frame", "type", "term", "left",
                   "keyword", "right"]
_POSSESSIVE = re.compile(r"['’]s$")
FRAME_COLUMNS = ["outlet", "frame", "hits", "per_1000_words", "type", "top_terms", "example"]


def find_frame_keywords(sentences: pd.DataFrame, *, lexicon: Mapping[str, dict],
                        width: int = 50) -> pd.DataFrame:
    """Find every frame-term occurrence, as a keyword-in-context table.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``).
    lexicon
        Frame → ``{"type", "label", "terms"}`` (see :func:`helpers.lexicons.load_lexicon`).
    width
        Characters of context kept on each side.

    Returns
    -------
    pandas.DataFrame
        One row per hit: ``article_id``, ``outlet``, ``position`` (sentence position),
        ``frame``, ``type`` ("generic"/"issue"), ``term`` (matched text, lower case), ``left``,
        ``keyword`` (matched text as written), ``right`` (context, at most ``width`` characters).
    """
    matchers = {frame: compile_matcher({frame: entry["terms"]}) for frame, entry in lexicon.items()}
    rows = []
    for row in sentences.itertuples(index=False):
        for frame, matcher in matchers.items():
            for start, end, _, text in find_matches(row.text, matcher):
                rows.append({
                    "article_id": row.article_id, "outlet": row.outlet,
                    "position": int(row.position), "frame": frame,
                    "type": lexicon[frame]["type"],
                    "term": _POSSESSIVE.sub("", " ".join(text.lower().split())),
                    "left": row.text[max(0, start - width):start],
                    "keyword": text, "right": row.text[end:end + width],
                })
    return pd.DataFrame(rows, columns=KEYWORD_COLUMNS)


def count_frames(sentences: pd.DataFrame, *, lexicon: Mapping[str, dict]) -> pd.DataFrame:
    """Count frame hits per outlet and normalise per 1,000 body words.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``,
        ``words``).
    lexicon
        Frame → ``{"type", "label", "terms"}``.

    Returns
    -------
    pandas.DataFrame
        One row per outlet and frame (every frame of the lexicon, zeros kept): ``outlet``,
        ``frame``, ``hits``, ``per_1000_words``, ``type``, ``top_terms`` (the three most
        frequent matched terms with counts, e.g. ``"troops (4), military (2)"``), ``example``
        (the first matching sentence, "" when none).
    """
    keywords = find_frame_keywords(sentences, lexicon=lexicon, width=0)
    words = sentences.groupby("outlet")["words"].sum()
    text = sentences.set_index(["article_id", "position"])["text"]
    rows = []
    for outlet in sorted(words.index, key=str.casefold):
        here = keywords[keywords["outlet"] == outlet]
        for frame, entry in lexicon.items():
            hits = here[here["frame"] == frame]
            terms = Counter(hits["term"]).most_common()
            terms.sort(key=lambda tc: (-tc[1], tc[0]))
            example = (text.loc[(hits["article_id"].iloc[0], hits["position"].iloc[0])]
                       if len(hits) else "")
            rows.append({
                "outlet": outlet, "frame": frame, "hits": len(hits),
                "per_1000_words": 1000.0 * len(hits) / words[outlet] if words[outlet] else 0.0,
                "type": entry["type"],
                "top_terms": ", ".join(f"{t} ({n})" for t, n in terms[:3]),
                "example": example,
            })
    return pd.DataFrame(rows, columns=FRAME_COLUMNS)


def select_keywords(keywords: pd.DataFrame, *, frame: str | None = None, per_outlet: int = 2
                    ) -> pd.DataFrame:
    """Pick a few keyword-in-context rows per outlet and frame to read (first ones in order).

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``frame``, ``left``, ``keyword``, ``right`` (at most ``per_outlet`` rows per
        outlet and frame; only ``frame`` when given).
    """
    chosen = keywords if frame is None else keywords[keywords["frame"] == frame]
    chosen = chosen.sort_values(["frame", "outlet", "article_id", "position"], kind="stable")
    chosen = chosen.groupby(["frame", "outlet"], sort=False).head(per_outlet)
    return chosen[["outlet", "frame", "left", "keyword", "right"]].reset_index(drop=True)


def describe_frames(table: pd.DataFrame) -> str:
    """One sentence on the frame table: the densest frame overall and the widest gap."""
    if table.empty or table["hits"].sum() == 0:
        return "No frame term occurs in this collection; check the frame lexicon."
    mean = table.groupby("frame")["per_1000_words"].mean().sort_values(ascending=False)
    spread = table.pivot(index="outlet", columns="frame", values="per_1000_words")
    ratio = (spread.max() - spread.min()).sort_values(ascending=False)
    gap = ratio.index[0]
    return (f"The densest frame is {html.escape(mean.index[0])} ({mean.iloc[0]:.1f} terms per "
            f"1,000 words on average); the widest gap between outlets is on "
            f"{html.escape(gap)}: {spread[gap].max():.1f} per 1,000 words in "
            f"{html.escape(spread[gap].idxmax())} against {spread[gap].min():.1f} in "
            f"{html.escape(spread[gap].idxmin())}.")
