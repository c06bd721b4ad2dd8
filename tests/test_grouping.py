"""helpers.grouping.code_texts: one factorisation of a table's texts, shared by the helpers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import cache
from helpers.grouping import code_texts


def _sentences(texts):
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": texts})


def test_codes_are_those_of_factorize_and_remembered_per_table():
    cache.LAST_RESULTS.clear()
    table = _sentences(["b", "a", "b", "c", "a"]).astype({"text": "string"})
    found = code_texts(table)
    codes, texts = pd.factorize(table["text"].astype(str))
    assert found.codes.tolist() == codes.tolist() == [0, 1, 0, 2, 1]
    assert found.texts.tolist() == texts.tolist() == ["b", "a", "c"]
    assert found.complete
    assert code_texts(table) is found  # the same table: not factorised again
    other = table.copy()
    assert code_texts(other) is not found and code_texts(other).codes.tolist() == [0, 1, 0, 2, 1]


def test_a_missing_text_makes_the_codes_incomplete():
    cache.LAST_RESULTS.clear()
    table = _sentences(["x", None, "x"])
    found = code_texts(table)
    assert not found.complete
    codes, texts = pd.factorize(table["text"].astype(str))
    assert np.array_equal(found.codes, codes) and found.texts.tolist() == texts.tolist()


def test_helpers_sharing_the_codes_give_what_they_give_alone():
    """Actors, facts and distinctive terms on one table (codes shared) equal each on its own
    copy of the table (codes found again), with and without a missing text."""
    from helpers import actors, coverage, distinctive
    from helpers.lexicons import load_lexicons

    lexicon = load_lexicons().actors
    texts = ["Putin met Xi in Samarkand on Thursday.", "Xi praised the partnership with Russia.",
             "Putin met Xi in Samarkand on Thursday.", "The summit ended without a statement.",
             "Biden said the talks were a concern for Washington."]
    for missing in (False, True):
        rows = texts + ([None] if missing else [])
        table = pd.DataFrame({
            "article_id": ["a1", "a1", "b1", "b1", "c1"] + (["c1"] if missing else []),
            "outlet": ["A", "A", "B", "B", "C"] + (["C"] if missing else []),
            "paragraph": 0, "position": [0, 1, 0, 1, 0] + ([1] if missing else []),
            "text": rows, "words": [len(str(t).split()) for t in rows]})
        cache.LAST_RESULTS.clear()
        shared = (actors.count_actor_mentions(table, lexicon=lexicon, suggest=2),
                  distinctive.find_distinctive_terms(table),
                  coverage._usable(table))
        alone = []
        for function in (lambda t: actors.count_actor_mentions(t, lexicon=lexicon, suggest=2),
                         distinctive.find_distinctive_terms, coverage._usable):
            cache.LAST_RESULTS.clear()
            alone.append(function(table.copy()))
        for got, expected in zip(shared, alone, strict=True):
            pd.testing.assert_frame_equal(got, expected)
