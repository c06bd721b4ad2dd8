"""Sentence alignment: normalisation, the match test (edits yes, paraphrase no), exact vs LSH."""

from __future__ import annotations

import random
import time

import numpy as np
import pandas as pd
import pytest

from helpers import align, minhash
from helpers.align import (
    AlignSettings,
    align_sentences,
    classify_pair,
    is_same_sentence,
    normalize_sentence,
    score_sentence_pair,
)

AP_BUILDUP = ("A buildup of more than 100,000 Russian troops near Ukraine has fuelled Western "
              "fears that Moscow is poised to invade its neighbour.")
AP_DENIED = ("Russia has denied planning an offensive but urged the U.S. and its allies to provide "
             "a binding pledge that NATO won't expand to Ukraine and other ex-Soviet nations or "
             "deploy weapons there, and roll back its forces from Eastern Europe — demands firmly "
             "rejected by the West.")


@pytest.mark.parametrize(("text", "expected"), [
    ("Fuelled U.S. co-operation — it’s “unprecedented”.",
     "fueled usa cooperation it unprecedented"),
    ("The US-led bloc", "the usa led bloc"),
    ("NATO won't expand", "nato wont expand"),
    ("Xi’s “neighbour” and Putin's favourite colours", "xi neighbor and putin favorite colors"),
    ("organised, organising, organisation", "organized organizing organization"),
    ("They analysed the defence programme", "they analyzed the defense program"),
    ("travelled, modelling, fuelled", "traveled modeling fueled"),
    ("the centre of four hours of our tour", "the center of four hours of our tour"),
    ("Eastern Europe - demands", "eastern europe demands"),
    ("Eastern Europe — demands", "eastern europe demands"),
    ("[and]call on the alliance", "and call on the alliance"),
    ("Pékin’s café", "pekin cafe"),
    ("snake_case and __init__ words", "snake case and init words"),
    ("Europe\u2013demands\u2212and cafés", "europe demands and cafes"),  # dashes, no hyphen
    ("Russia’s co-operation -- not “won’t”", "russia cooperation not wont"),
])
def test_normalize_sentence(text, expected):
    assert normalize_sentence(text) == expected


def test_score_sentence_pair_exact_values():
    # M = 4 ("a b" + "d e"): ratio 2*4/(5+4), coverage 4/4.
    assert score_sentence_pair(list("abcde"), list("abde")) == pytest.approx((8 / 9, 1.0))
    assert score_sentence_pair([], ["a"]) == (0.0, 0.0)


# (a, b, expected match, why) — the thresholds documented in helpers.align.
PAIRS = [
    ('China and Russia are committed to "deepening back-to-back strategic co-operation," Xi was '
     "quoted as telling Putin.",
     "China and Russia are committed to “deepening back-to-back strategic cooperation,” Mr Xi was "
     "quoted as telling Mr Putin.", True, "hyphen variant, dropped honorifics, curly quotes"),
    (AP_BUILDUP, AP_BUILDUP.replace("fuelled", "fueled").replace("neighbour", "neighbor"),
     True, "fuelled/fueled, neighbour/neighbor"),
    (AP_DENIED, AP_DENIED.replace("U.S.", "US").replace(" — ", " - ").replace("NATO", "Nato"),
     True, "U.S./US, dash, case"),
    (AP_DENIED, AP_DENIED.replace(" — ", " "), True, "dropped dash"),
    ("Chinese Foreign Minister Wang Yi told U.S. Secretary of State Antony Blinken in a call last "
     "week that Moscow's security concerns need to be taken seriously and addressed.",
     "Chinese Foreign Minister Wang Yi told U.S. Secretary of State Antony Blinken in a call last "
     "week that Moscow's security concerns need to be addressed.", True, "dropped words"),
    ("Russia has denied planning an offensive.", AP_DENIED, True, "excerpt: first clause only"),
    ("Putin has also noted that Russia has been sharing highly sensitive military technologies "
     "with China that helped significantly bolster its defence capability.",
     "Putin has also noted that Russia has been sharing highly sensitive military technologies "
     "with China that helped significantly bolster its defense capability.", True,
     "defence/defense"),
    ("Approximately 100,000 Russian troops remain on the Ukrainian border, a former Soviet "
     "republic.", AP_BUILDUP, False, "paraphrase of the same fact"),
    ("Putin is the most important guest at this year's Winter Olympics after many western nations, "
     "including the UK, chose not to send any political representatives to the event in protest to "
     "the treatment of the Uyghurs and other Muslim minorities.",
     "Putin is the highest-profile guest at the Beijing Games following the decision by the U.S., "
     "Britain and others not to send officials in protest of China's human rights abuses and its "
     "treatment of Uyghurs and other Muslim minorities.", False, "rewritten sentence"),
    ("Putin praised unprecedented close relations with China.",
     "Putin praised close relations with China, calling them unprecedented.", False, "reordered"),
    ("The US has rejected some of Moscow's key proposals.",
     "Russia has rejected some of Washington's key proposals.", False, "same frame, other actors"),
    ("Putin said.", "Putin said the talks were warm and substantive.", False, "too short to align"),
]


@pytest.mark.parametrize(("a", "b", "expected", "why"), PAIRS, ids=[p[3] for p in PAIRS])
def test_is_same_sentence_table(a, b, expected, why):
    assert is_same_sentence(a, b) is expected
    assert is_same_sentence(b, a) is expected  # symmetric


def test_classify_pair_kinds():
    words = normalize_sentence(AP_BUILDUP).split()
    assert classify_pair(words, list(words))[0] == "identical"
    assert classify_pair(words, words[:-1])[0] == "edited"
    excerpt = normalize_sentence("Russia has denied planning an offensive.").split()
    kind, ratio, coverage = classify_pair(excerpt, normalize_sentence(AP_DENIED).split())
    assert (kind, coverage) == ("excerpt", 1.0) and ratio < 0.8
    strict = AlignSettings(min_words=7)
    assert classify_pair(excerpt, normalize_sentence(AP_DENIED).split(), settings=strict)[0] is None


def _sentences(rows):
    return pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])


WIRE = [AP_BUILDUP, AP_DENIED,
        "The U.S. is Taiwan's main supplier of fighter aircraft and defensive arms.",
        "China claims the self-governing island as its own territory, to be annexed by force.",
        "Economic and diplomatic co-operation has expanded into the military field.",
        "In August, Russian troops for the first time deployed to Chinese territory."]


def _toy_corpus():
    rows = [("a.txt", "AP Copy", i, s) for i, s in enumerate(WIRE)]
    edited = [s.replace("U.S.", "US").replace("co-operation", "cooperation") for s in WIRE[:4]]
    rows += [("b.txt", "Edited", i, s) for i, s in enumerate(edited)]
    rows += [("b.txt", "Edited", 4, "Russia has denied planning an offensive."),
             ("b.txt", "Edited", 5, "The Kremlin called the talks warm and substantive.")]
    rows += [("c.txt", "Own Words", 0, "Around 100,000 Russian soldiers remain at the border."),
             ("c.txt", "Own Words", 1, "Taiwan sees itself as a sovereign nation."),
             ("c.txt", "Own Words", 2, "The Kremlin called the talks warm and substantive.")]
    return _sentences(rows)


def test_align_sentences_exact_pairs():
    matches = align_sentences(_toy_corpus(), settings=AlignSettings(method="exact"))
    assert list(matches.columns) == align.MATCH_COLUMNS
    found = set(zip(matches["article_a"], matches["position_a"], matches["article_b"],
                    matches["position_b"], matches["kind"], strict=True))
    assert found == {
        ("a.txt", 0, "b.txt", 0, "identical"), ("a.txt", 1, "b.txt", 1, "identical"),
        ("a.txt", 2, "b.txt", 2, "identical"), ("a.txt", 3, "b.txt", 3, "identical"),
        ("a.txt", 1, "b.txt", 4, "excerpt"),  # b.txt 1 and 4 are one outlet: never paired
        ("b.txt", 5, "c.txt", 2, "identical"),
    }


def test_lsh_path_agrees_with_exact_path():
    corpus = _toy_corpus()
    key = ["article_a", "position_a", "article_b", "position_b", "kind"]
    exact = align_sentences(corpus, settings=AlignSettings(method="exact"))[key]
    lsh = align_sentences(corpus, settings=AlignSettings(method="lsh"))[key]
    pd.testing.assert_frame_equal(exact.reset_index(drop=True), lsh.reset_index(drop=True))


def test_auto_method_switches_on_size(monkeypatch):
    calls = []
    original = minhash.find_candidate_pairs

    def spy(*args, **kwargs):
        calls.append(True)
        return original(*args, **kwargs)

    monkeypatch.setattr(minhash, "find_candidate_pairs", spy)
    corpus = _toy_corpus()
    align_sentences(corpus, settings=AlignSettings(exact_max=len(corpus)))
    assert calls == []
    align_sentences(corpus, settings=AlignSettings(exact_max=len(corpus) - 1))
    assert calls == [True]


def test_unknown_method_raises():
    with pytest.raises(ValueError, match="method"):
        align_sentences(_toy_corpus(), settings=AlignSettings(method="fuzzy"))


def test_empty_input():
    assert align_sentences(_sentences([])).empty


def test_pair_cap_keeps_one_match_per_sentence_and_outlet():
    text = "The two leaders signed a long joint statement on Friday in Beijing."
    rows = [(f"{outlet}{k}.txt", outlet, 0, text) for outlet in "ABC" for k in range(3)]
    corpus = _sentences(rows)
    full = align_sentences(corpus, settings=AlignSettings(max_pairs=None))
    assert len(full) == 27  # 9 copies in 3 outlets: 3 * 3 * 3 cross-outlet pairs
    capped = align_sentences(corpus, settings=AlignSettings(max_pairs=26))
    pairs = set(zip(capped["article_a"], capped["article_b"], strict=True))
    # each sentence is paired with the first copy of each other outlet, and nothing else
    assert pairs == {(f"{o}{k}.txt", f"{p}0.txt") for o, p in [("A", "B"), ("A", "C"),
                                                               ("B", "C")] for k in range(3)} | {
        (f"{o}0.txt", f"{p}{k}.txt") for o, p in [("A", "B"), ("A", "C"), ("B", "C")]
        for k in range(1, 3)}
    assert set(capped["kind"]) == {"identical"}


def test_exact_and_lsh_agree_with_copies_and_edits():
    base = ("Russia has denied planning an offensive but urged the West to provide a binding "
            "pledge that NATO will not expand to Ukraine.")
    rows = [("a.txt", "A", 0, base), ("b.txt", "B", 0, base.replace("binding ", "")),
            ("c.txt", "C", 0, base.replace("offensive", "attack")),
            ("d.txt", "D", 0, "Taiwan sees itself as a sovereign nation with its own laws."),
            ("e.txt", "A", 1, base)]
    corpus = _sentences(rows)
    key = ["article_a", "article_b", "kind"]
    exact = align_sentences(corpus, settings=AlignSettings(method="exact", max_pairs=None))
    lsh = align_sentences(corpus, settings=AlignSettings(method="lsh", max_pairs=None))
    assert set(map(tuple, exact[key].to_numpy().tolist())) == {
        ("a.txt", "b.txt", "edited"), ("a.txt", "c.txt", "edited"), ("b.txt", "c.txt", "edited"),
        ("b.txt", "e.txt", "edited"), ("c.txt", "e.txt", "edited")}
    pd.testing.assert_frame_equal(exact[key], lsh[key])


FULL = {"max_pairs": None}


def test_lsh_path_agrees_with_exact_path_on_the_pair_table():
    rows = [row for k, (a, b, _, _) in enumerate(PAIRS)
            for row in ((f"a{k}.txt", "A", k, a), (f"b{k}.txt", "B", k, b))]
    corpus = _sentences(rows)
    exact = align_sentences(corpus, settings=AlignSettings(method="exact", **FULL))
    lsh = align_sentences(corpus, settings=AlignSettings(method="lsh", **FULL))
    found = set(zip(lsh["article_a"], lsh["article_b"], strict=True))
    for k, (_, _, expected, why) in enumerate(PAIRS):
        assert ((f"a{k}.txt", f"b{k}.txt") in found) is expected, why
    pd.testing.assert_frame_equal(exact, lsh)  # also the pairs across rows of the table
    assert lsh.attrs["alignment"]["method"] == "lsh"
    assert lsh.attrs["alignment"]["dropped"] == 0


def test_lsh_path_agrees_with_exact_path_on_the_seed_collection(seed_corpus):
    sentences = seed_corpus.sentences
    exact = align_sentences(sentences, settings=AlignSettings(method="exact", **FULL))
    lsh = align_sentences(sentences, settings=AlignSettings(method="lsh", **FULL))
    assert len(exact) > 20  # CBC News and Action News share the AP story
    pd.testing.assert_frame_equal(exact, lsh)


def _edit_words(words: list[str], vocabulary: list[str], rng: random.Random) -> list[str]:
    """One edit of a wire sentence: none, dropped, replaced or added words, or an excerpt."""
    words = list(words)
    roll = rng.random()
    if roll < 0.2:
        return words
    if roll < 0.4:
        for _ in range(rng.randint(1, 3)):
            del words[rng.randrange(len(words))]
    elif roll < 0.6:
        for _ in range(rng.randint(1, 2)):
            words[rng.randrange(len(words))] = rng.choice(vocabulary)
    elif roll < 0.75:
        words.insert(rng.randrange(len(words)), rng.choice(vocabulary))
    else:
        cut = max(6, round(len(words) * rng.uniform(0.4, 0.7)))
        words = words[:cut] if rng.random() < 0.5 else words[-cut:]
    return words


def _synthetic_sentences(seed_sentences: list[str], n: int = 3000) -> pd.DataFrame:
    """``n`` sentences of 20 outlets: 60% edited seed sentences, 40% random words."""
    rng = random.Random(7)
    vocabulary = sorted({w for s in seed_sentences for w in s.split() if w.isalpha()})
    rows = []
    for k in range(n):
        article, outlet = f"s{k // 20:03d}.txt", f"Outlet {k // 20 % 20}"
        if rng.random() < 0.6:
            words = _edit_words(rng.choice(seed_sentences).split(), vocabulary, rng)
        else:
            words = rng.sample(vocabulary, rng.randint(8, 25))
        rows.append((article, outlet, k % 20, " ".join(words) + "."))
    return _sentences(rows)


def test_lsh_recall_on_a_synthetic_collection_with_edits(seed_corpus):
    corpus = _synthetic_sentences(seed_corpus.sentences["text"].tolist())
    key = ["article_a", "position_a", "article_b", "position_b"]
    exact = align_sentences(corpus, settings=AlignSettings(method="exact", **FULL))
    start = time.perf_counter()
    lsh = align_sentences(corpus, settings=AlignSettings(method="lsh", **FULL))
    seconds = time.perf_counter() - start
    truth = set(map(tuple, exact[key].to_numpy().tolist()))
    found = set(map(tuple, lsh[key].to_numpy().tolist()))
    assert len(truth) > 5000 and set(exact["kind"]) == {"identical", "edited", "excerpt"}
    assert found <= truth  # candidates are verified with the same test: no false match
    assert len(found) / len(truth) >= 0.95
    assert seconds < 10


@pytest.mark.parametrize("method", ["exact", "lsh"])
def test_no_match_gives_an_empty_table(method):
    corpus = _sentences([("a.txt", "A", 0, "One two three four."),
                         ("b.txt", "B", 0, "Five six seven eight."),
                         ("c.txt", "C", 0, "Too short")])
    matches = align_sentences(corpus, settings=AlignSettings(method=method))
    assert matches.empty and list(matches.columns) == align.MATCH_COLUMNS
    assert matches.attrs["alignment"]["method"] == method


def _members(keys: list[int], outlets: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"row": range(len(keys)), "key": keys, "outlet": outlets})


def _key_pairs(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["p", "q", "kind", "ratio", "coverage"])


def _scored(found: pd.DataFrame, key_pairs: pd.DataFrame) -> pd.DataFrame:
    """The sentence pairs of an expansion (``a``, ``b``, ``pair``) with their key pair's
    ``kind``, ``ratio`` and ``coverage``."""
    assert list(found.columns) == ["a", "b", "pair"]
    scores = key_pairs[["kind", "ratio", "coverage"]].iloc[found["pair"].to_numpy()]
    return pd.concat([found[["a", "b"]], scores.reset_index(drop=True)], axis=1)


def test_first_per_outlet_expansion_exact_values():
    # rows: 0 key0/outlet0, 1 key1/o1, 2 key0/o1, 3 key2/o1, 4 key1/o0, 5 key2/o2
    members = _members([0, 1, 0, 2, 1, 2], [0, 1, 1, 1, 0, 2])
    key_pairs = _key_pairs([(0, 0, "identical", 1.0, 1.0), (0, 1, "edited", 0.9, 0.95),
                            (1, 2, "excerpt", 0.5, 0.92), (0, 2, "edited", 0.85, 0.88)])
    found = _scored(align._expand_first_per_outlet(members, key_pairs), key_pairs)
    # Each row is paired with the earliest matching row of every other outlet, e.g. row 4
    # (key 1, outlet 0) with row 2 (key 0's first row in outlet 1, before key 2's row 3) and
    # row 5; row 3 only with row 0 (outlet 0's earliest match, before row 4).
    assert list(found.itertuples(index=False, name=None)) == [
        (0, 1, "edited", 0.9, 0.95), (0, 2, "identical", 1.0, 1.0),
        (0, 3, "edited", 0.85, 0.88), (0, 5, "edited", 0.85, 0.88),
        (1, 5, "excerpt", 0.5, 0.92), (2, 4, "edited", 0.9, 0.95),
        (2, 5, "edited", 0.85, 0.88), (4, 5, "excerpt", 0.5, 0.92)]


def _first_per_outlet_by_merges(members: pd.DataFrame, key_pairs: pd.DataFrame) -> pd.DataFrame:
    """The former pandas implementation of the expansion (reference for the vectorised one)."""
    first = members.groupby(["key", "outlet"], as_index=False)["row"].min()
    both = pd.concat([key_pairs, key_pairs[key_pairs["p"] != key_pairs["q"]].rename(
        columns={"p": "q", "q": "p"})], ignore_index=True)
    partners = both.merge(first.rename(columns={"key": "q", "row": "j", "outlet": "oj"}), on="q")
    partners = partners.sort_values("j").drop_duplicates(["p", "oj"])
    merged = members.rename(columns={"row": "i", "key": "p", "outlet": "oi"}).merge(
        partners, on="p")
    merged = merged[(merged["oi"] != merged["oj"])]
    found = pd.DataFrame({"a": np.minimum(merged["i"], merged["j"]),
                          "b": np.maximum(merged["i"], merged["j"]), "kind": merged["kind"],
                          "ratio": merged["ratio"], "coverage": merged["coverage"]})
    return found.drop_duplicates(["a", "b"]).sort_values(["a", "b"], ignore_index=True)


@pytest.mark.parametrize("seed", range(5))
def test_first_per_outlet_expansion_equals_the_merge_version(seed):
    rng = np.random.default_rng(seed)
    n_keys = 30
    members = _members(rng.integers(0, n_keys, 400).tolist(), rng.integers(0, 6, 400).tolist())
    links = {(int(p), int(q)) for p, q in rng.integers(0, n_keys, (60, 2))}
    key_pairs = _key_pairs([(min(p, q), max(p, q), "identical" if p == q else f"k{p}-{q}",
                             rng.random(), rng.random()) for p, q in sorted(links)])
    key_pairs = key_pairs.drop_duplicates(["p", "q"], ignore_index=True)
    found = _scored(align._expand_first_per_outlet(members, key_pairs), key_pairs)
    expected = _first_per_outlet_by_merges(members, key_pairs)
    assert len(found) > 100
    pd.testing.assert_frame_equal(found.astype({"a": np.int64, "b": np.int64}), expected,
                                  check_dtype=False)


@pytest.mark.parametrize(("n_rows", "n_keys", "n_outlets"), [(1, 1, 1), (2, 1, 2), (5, 2, 1),
                                                          (12, 3, 2), (40, 4, 12), (200, 60, 3)])
def test_first_per_outlet_expansion_on_small_and_one_outlet_inputs(n_rows, n_keys, n_outlets):
    rng = np.random.default_rng(n_rows)
    members = _members(rng.integers(0, n_keys, n_rows).tolist(),
                       rng.integers(0, n_outlets, n_rows).tolist())
    links = sorted({(min(p, q), max(p, q)) for p, q in rng.integers(0, n_keys, (n_keys, 2))})
    key_pairs = _key_pairs([(p, q, "identical" if p == q else "edited", 0.5, 0.5)
                            for p, q in links])
    found = _scored(align._expand_first_per_outlet(members, key_pairs), key_pairs)
    expected = _first_per_outlet_by_merges(members, key_pairs)
    pd.testing.assert_frame_equal(found, expected, check_dtype=False)
    assert (found["a"] < found["b"]).all()
    if n_outlets == 1:
        assert found.empty


def test_matched_words_equal_difflib_on_random_sequences():
    import difflib

    rng = random.Random(3)
    for _ in range(5000):  # few distinct words: many repeats and tied blocks
        alphabet = "abcdefgh"[:rng.randint(1, 8)]
        a = [rng.choice(alphabet) for _ in range(rng.randint(0, 30))]
        b = [rng.choice(alphabet) for _ in range(rng.randint(0, 30))]
        blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
        assert align._matched_words(a, b, align._positions(b)) == sum(m.size for m in blocks)


def test_classify_pairs_equals_classify_pair_in_pair_order():
    words = [normalize_sentence(text).split() for a, b, _, _ in PAIRS for text in (a, b)]
    pairs = [(p, q) for p in range(len(words)) for q in range(len(words)) if p != q][::-1]
    expected = [(p, q, *scores) for p, q in pairs
                if (scores := classify_pair(words[p], words[q]))[0] is not None]
    assert len(expected) > 10
    found = align._classify_pairs(words, np.array(pairs), AlignSettings())
    assert list(found.columns) == ["p", "q", "kind", "ratio", "coverage"]
    assert list(found.itertuples(index=False, name=None)) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("a b c d e", "a b c d e", ("identical", 1.0, 1.0)),
    ("a b c d e", "a b c d x", ("edited", 0.8, 0.8)),  # ratio exactly min_ratio
    ("a b c d e", "a b c x y", (None, 0.6, 0.6)),
    ("a b c d e f g h i j", "x a b c d e f g h i y z w v u t s r q p", ("excerpt", 0.6, 0.9)),
    ("a b c d e f g h i", "x a b c d e f g h y z w v u t s r q p", (None, 16 / 28, 8 / 9)),
    ("a b c d e f", "a b c d e f x y z w v u t", ("excerpt", 12 / 19, 1.0)),  # min_words
    ("a b c d e", "a b c d e x y z w v u t", (None, 10 / 17, 1.0)),  # shorter than min_words
    ("a b", "a b", (None, 1.0, 1.0)),  # identical but below the floor of 3 words
    ("", "a b c", (None, 0.0, 0.0)),
    ("b a c", "a b c", (None, 2 / 3, 2 / 3)),
])
def test_classify_pairs_kinds_and_scores(a, b, expected):
    words = [a.split(), b.split()]
    assert classify_pair(words[0], words[1]) == expected
    found = align._classify_pairs(words, np.array([[0, 1], [1, 0]]), AlignSettings())
    if expected[0] is None:
        assert found.empty
    else:
        assert list(found.itertuples(index=False, name=None)) == [(0, 1, *expected),
                                                                 (1, 0, *expected)]
        assert found["kind"].dtype == "str"


def test_classify_pairs_with_given_matched_words_and_no_pair():
    words = [["a", "b", "c"], ["a", "b", "c"], list("abcdefgh")]
    # M is taken as given (here as a memo would give it), not counted again.
    found = align._classify_pairs(words, np.array([[0, 1], [0, 2], [1, 2]]), AlignSettings(),
                                  np.array([3, 3, 0]))
    assert list(found.itertuples(index=False, name=None)) == [(0, 1, "identical", 1.0, 1.0)]
    empty = align._classify_pairs(words, np.empty((0, 2), dtype=np.int64), AlignSettings())
    assert empty.empty and list(empty.columns) == ["p", "q", "kind", "ratio", "coverage"]
    assert empty.dtypes.tolist() == [np.int64, np.int64, object, float, float]


def test_match_table_equals_the_object_array_construction():
    table = _toy_corpus()
    key_pairs = pd.DataFrame({"p": [0, 1], "q": [2, 3], "kind": ["excerpt", "edited"],
                              "ratio": [0.5, 0.81234], "coverage": [0.95, 0.9]})
    found = pd.DataFrame({"a": [0, 0, 3], "b": [5, 9, 4], "pair": [1, 0, 1]})
    variants = {"str": table, "missing text": table.assign(text=table["text"].where(
        table.index != 9)), "object": table.astype({"article_id": object}),
        "category": table.astype({"outlet": "category"})}
    for name, variant in variants.items():
        for rows in (found, found.iloc[:0]):
            expected = _object_match_table(variant, _scored(rows, key_pairs))
            table = align._match_table(variant, rows, key_pairs)
            _assert_shared_categories(table)
            # The values, as plain columns (an empty object array stays object: dtypes of the
            # values are compared when there are values).
            pd.testing.assert_frame_equal(_plain(table), expected, obj=name,
                                          check_dtype=not rows.empty)


CATEGORICAL_COLUMNS = ["article_a", "article_b", "outlet_a", "outlet_b", "text_a", "text_b",
                       "kind"]


def _plain(matches: pd.DataFrame) -> pd.DataFrame:
    """A match table with its categorical columns as plain columns of their values."""
    return matches.astype({column: matches[column].cat.categories.dtype
                           for column in CATEGORICAL_COLUMNS})


def _assert_shared_categories(matches: pd.DataFrame) -> None:
    """The categorical columns of a match table: one dtype per pair of columns, whose
    categories are the values found in either column, sorted."""
    for name in ("article", "outlet", "text", "kind"):
        columns = [f"{name}_a", f"{name}_b"] if name != "kind" else ["kind"]
        dtype = matches[columns[0]].dtype
        assert isinstance(dtype, pd.CategoricalDtype) and dtype.ordered
        assert all(matches[column].dtype == dtype for column in columns)
        values = pd.concat([matches[column].astype(object) for column in columns]).dropna()
        assert dtype.categories.tolist() == sorted(set(values))


def test_match_table_columns_are_categorical_with_shared_sorted_categories():
    corpus = _toy_corpus()
    corpus = pd.concat([corpus, _sentences([("d.txt", "AAA First", 0, WIRE[0])])],
                       ignore_index=True)  # an outlet that sorts first, seen in outlet_b only
    for method in ("exact", "lsh"):
        matches = align_sentences(corpus, settings=AlignSettings(method=method))
        _assert_shared_categories(matches)
        assert matches["outlet_a"].cat.categories.tolist() == [
            "AAA First", "AP Copy", "Edited", "Own Words"]
        assert set(matches["outlet_a"]) == {"AP Copy", "Edited"}  # "AAA First": b only
        assert matches["outlet_a"].cat.categories is matches["outlet_b"].cat.categories
        assert matches["kind"].cat.categories.tolist() == ["excerpt", "identical"]
        assert matches["article_a"].cat.categories.tolist() == ["a.txt", "b.txt", "c.txt", "d.txt"]
        assert matches["text_a"].cat.categories.tolist() == sorted(
            set(matches["text_a"].astype(str)) | set(matches["text_b"].astype(str)))
        assert matches["text_a"].cat.categories.dtype == corpus["text"].dtype  # str
        # The values: each pair's sentences, as in the sentences table.
        row = corpus.set_index(["article_id", "position"])
        for side in "ab":
            at = pd.MultiIndex.from_arrays([matches[f"article_{side}"].astype(str),
                                            matches[f"position_{side}"]])
            assert matches[f"outlet_{side}"].astype(str).tolist() == row.loc[at,
                                                                            "outlet"].tolist()
            assert matches[f"text_{side}"].astype(str).tolist() == row.loc[at, "text"].tolist()
        # Sides compare, and sorting gives the order of the plain strings.
        assert (matches["outlet_a"] != matches["outlet_b"]).all()
        plain = _plain(matches)
        for by in (["outlet_b", "text_a"], ["kind", "article_b", "position_b"]):
            assert matches.sort_values(by, kind="stable").index.tolist() == \
                plain.sort_values(by, kind="stable").index.tolist()
        assert matches["outlet_b"].min() == plain["outlet_b"].min() == "AAA First"
        assert matches["text_b"].max() == plain["text_b"].max()


def _object_match_table(table: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """The former construction of the match table (every column through a numpy array)."""
    a, b = found["a"].to_numpy(), found["b"].to_numpy()
    article, outlet, text = (table[c].to_numpy() for c in ("article_id", "outlet", "text"))
    position = table["position"].astype(int).to_numpy()
    return pd.DataFrame({
        "article_a": article[a], "outlet_a": outlet[a], "position_a": position[a],
        "text_a": text[a], "article_b": article[b], "outlet_b": outlet[b],
        "position_b": position[b], "text_b": text[b], "ratio": found["ratio"].round(4).to_numpy(),
        "coverage": found["coverage"].round(4).to_numpy(), "kind": found["kind"].to_numpy(),
    }, columns=align.MATCH_COLUMNS)


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_sorted_unique_pairs_packed_and_lexsort_paths_agree(dtype):
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, 40, 5000).astype(dtype), rng.integers(0, 50, 5000).astype(dtype)
    source = (a * 7 + b) % 11  # equal pairs, equal sources
    expected = pd.DataFrame({"a": a, "b": b, "source": source}).astype(np.int64)
    expected = expected.drop_duplicates().sort_values(["a", "b"], ignore_index=True)
    packed = align._sorted_unique_pairs(a, b, source)
    wide = align._sorted_unique_pairs(a.astype(np.int64) + (1 << 40), b.astype(np.int64),
                                      source.astype(np.int64))  # too wide to pack
    for name, column in zip(["a", "b", "source"], packed, strict=True):
        assert column.dtype == np.int64
        np.testing.assert_array_equal(column, expected[name].to_numpy())
    np.testing.assert_array_equal(wide[0] - (1 << 40), packed[0])
    np.testing.assert_array_equal(wide[1], packed[1])
    np.testing.assert_array_equal(wide[2], packed[2])


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_sorted_unique_pairs_exact_values_and_empty_input(dtype):
    a, b, source = (np.array(v, dtype=dtype) for v in ([3, 0, 3, 0, 2], [5, 9, 4, 9, 2],
                                                       [1, 0, 2, 0, 3]))
    assert [v.tolist() for v in align._sorted_unique_pairs(a, b, source)] == [
        [0, 2, 3, 3], [9, 2, 4, 5], [0, 3, 2, 1]]
    empty = np.empty(0, dtype=dtype)
    assert [v.tolist() for v in align._sorted_unique_pairs(empty, empty, empty)] == [[], [], []]


def test_ranges_values_and_dtype():
    owner, values = align._ranges(np.array([5, 0, 2]), np.array([2, 0, 3]), dtype=np.int32)
    assert owner.tolist() == [0, 0, 2, 2, 2] and values.tolist() == [5, 6, 2, 3, 4]
    assert owner.dtype == values.dtype == np.int32
