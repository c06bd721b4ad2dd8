"""Tests for helpers.frames: frame hits with wildcards, phrases and word boundaries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.corpus import count_words
from helpers.frames import count_frames, describe_frames, find_frame_keywords, select_keywords


def make_sentences(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(article_id, outlet, text) rows → a corpus-like sentences table."""
    frame = pd.DataFrame(rows, columns=["article_id", "outlet", "text"])
    frame["position"] = frame.groupby("article_id").cumcount()
    frame["words"] = frame["text"].map(count_words)
    return frame


LEXICON = {
    "conflict": {"type": "generic", "label": "Conflict", "terms": ["tension*", "clash*"]},
    "energy and trade": {"type": "issue", "label": "Energy", "terms": ["gas", "trade",
                                                                      "cubic metres"]},
    "sport/Olympics": {"type": "issue", "label": "Sport", "terms": ["olympic*", "games"]},
}
SENTENCES = make_sentences([
    ("a1", "Alpha", "Tensions rose as gas prices and trade clashed."),       # 8 words
    ("a1", "Alpha", "Gasoline is not gas; attention is not tension."),      # 8 words
    ("b1", "Beta", "The Olympic Games opened with 10 cubic metres of ice."),  # 10 words
])


def test_keywords_in_context_respect_word_boundaries():
    keywords = find_frame_keywords(SENTENCES, lexicon=LEXICON, width=10)
    assert keywords[["outlet", "frame", "term"]].values.tolist() == [
        ["Alpha", "conflict", "tensions"], ["Alpha", "conflict", "clashed"],
        ["Alpha", "energy and trade", "gas"], ["Alpha", "energy and trade", "trade"],
        ["Alpha", "conflict", "tension"], ["Alpha", "energy and trade", "gas"],
        ["Beta", "energy and trade", "cubic metres"],
        ["Beta", "sport/Olympics", "olympic"], ["Beta", "sport/Olympics", "games"],
    ]
    first = keywords.iloc[2]
    assert (first["left"], first["keyword"], first["right"]) == ("s rose as ", "gas",
                                                                 " prices an")


def test_counts_and_rates_per_outlet():
    table = count_frames(SENTENCES, lexicon=LEXICON).set_index(["outlet", "frame"])
    assert table["hits"].to_dict() == {
        ("Alpha", "conflict"): 3, ("Alpha", "energy and trade"): 3,
        ("Alpha", "sport/Olympics"): 0, ("Beta", "conflict"): 0,
        ("Beta", "energy and trade"): 1, ("Beta", "sport/Olympics"): 2}
    assert table.loc[("Alpha", "conflict"), "per_1000_words"] == pytest.approx(3000 / 16)
    assert table.loc[("Beta", "sport/Olympics"), "per_1000_words"] == pytest.approx(200.0)
    assert table.loc[("Alpha", "energy and trade"), "top_terms"] == "gas (2), trade (1)"
    assert table.loc[("Alpha", "sport/Olympics"), "example"] == ""
    assert table.loc[("Beta", "sport/Olympics"), "example"].startswith("The Olympic Games")


def test_select_keywords_and_describe():
    keywords = find_frame_keywords(SENTENCES, lexicon=LEXICON)
    picked = select_keywords(keywords, frame="conflict", per_outlet=1)
    assert picked[["outlet", "keyword"]].values.tolist() == [["Alpha", "Tensions"]]
    text = describe_frames(count_frames(SENTENCES, lexicon=LEXICON))
    assert text.startswith("The densest frame is")
    assert "Alpha" in text and "Beta" in text


def test_count_frames_reuses_given_keywords():
    keywords = find_frame_keywords(SENTENCES, lexicon=LEXICON, width=30)
    reused = count_frames(SENTENCES, lexicon=LEXICON, keywords=keywords)
    pd.testing.assert_frame_equal(reused, count_frames(SENTENCES, lexicon=LEXICON))


@pytest.mark.parametrize("seed", range(4))
def test_select_keywords_equals_sorting_and_grouping_with_pandas(seed):
    rng = np.random.default_rng(seed)
    n = 300
    ids = np.repeat([f"a{i:02d}" for i in rng.permutation(30)], 10)  # runs, not sorted
    keywords = pd.DataFrame({
        "article_id": pd.Series(ids, dtype="str"),
        "outlet": pd.Series(np.repeat(rng.choice(["Zeta", "alpha", "Beta"], 30), 10), dtype="str"),
        "position": rng.integers(0, 5, n),
        "frame": pd.Series(rng.choice(["war", "economy", "diplomacy"], n), dtype="str"),
        "left": [f"l{i}" for i in range(n)], "keyword": "k", "right": [f"r{i}" for i in range(n)],
    })
    keywords.loc[rng.choice(n, 4, replace=False), "frame"] = np.nan
    keywords.loc[rng.choice(n, 4, replace=False), "outlet"] = np.nan
    for frame, per_outlet in ((None, 1), (None, 3), ("war", 2), ("none", 2)):
        chosen = keywords if frame is None else keywords[keywords["frame"] == frame]
        expected = (chosen.sort_values(["frame", "outlet", "article_id", "position"],
                                       kind="stable")
                    .groupby(["frame", "outlet"], sort=False).head(per_outlet)
                    [["outlet", "frame", "left", "keyword", "right"]].reset_index(drop=True))
        pd.testing.assert_frame_equal(
            select_keywords(keywords, frame=frame, per_outlet=per_outlet), expected)


def test_keyword_groups_are_those_of_pandas_groupby():
    """Hits, first hit and term counts on codes equal groupby's (missing keys left out)."""
    import numpy as np

    from helpers.frames import _count_keyword_groups

    keywords = pd.DataFrame({
        "article_id": ["a2", "a1", "a1", "a3", "a1", "a2", "a3"],
        "outlet": ["Y", "X", "X", None, "X", "Y", "Y"],
        "position": [4, 0, 2, 1, 3, 0, 9],
        "frame": ["war", "war", "economy", "war", "war", "war", "economy"],
        "term": ["troops", "troops", "trade", "troops", None, "army", "trade"],
    }).astype({c: "string" for c in ("article_id", "outlet", "frame", "term")})
    hits, first, terms = _count_keyword_groups(keywords)
    grouped = keywords.groupby(["outlet", "frame"], sort=False)
    assert hits == grouped.size().to_dict() == {("Y", "war"): 2, ("X", "war"): 2,
                                                ("X", "economy"): 1, ("Y", "economy"): 1}
    assert first == {key: tuple(row) for key, row in
                     grouped[["article_id", "position"]].first().iterrows()}
    assert first[("Y", "war")] == ("a2", 4)
    expected = keywords.groupby(["outlet", "frame", "term"]).size().reset_index(name="n")
    got = terms.sort_values(["outlet", "frame", "term"]).reset_index(drop=True)
    assert got.astype({"n": np.int64}).to_dict("list") == expected.astype(
        {"n": np.int64}).to_dict("list")
    assert got["term"].tolist() == ["trade", "troops", "trade", "army", "troops"]
