"""Tests for helpers.topics, helpers.topic_units, helpers.topic_tables and helpers.coherence."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from helpers import topics
from helpers.coherence import match_topics, score_npmi, score_stability
from helpers.topic_tables import PARAGRAPH_COLUMNS
from helpers.topic_units import build_units, group_duplicates

PLANTED = {
    "sport": ["football", "goal", "striker", "referee", "stadium", "penalty", "league", "coach",
              "match", "fans", "trophy", "keeper", "midfield", "season"],
    "money": ["bank", "inflation", "investors", "bonds", "market", "currency", "shares", "loans",
              "interest", "rates", "debt", "budget", "economy", "traders"],
    "weather": ["rain", "storm", "forecast", "snow", "wind", "flood", "temperature", "cloud",
                "thunder", "frost", "heatwave", "drought", "fog", "hail"],
}
#: Words shared by every theme (noise that must not become a topic).
COMMON = ["people", "city", "officials", "local", "residents", "region", "report", "monday"]


def _planted_corpus(n_articles: int = 6, paragraphs: int = 10, seed: int = 7) -> pd.DataFrame:
    """Articles whose paragraphs each draw ten words from one planted theme and two in common."""
    rng = np.random.default_rng(seed)
    names = list(PLANTED)
    rows = []
    for a in range(n_articles):
        for p in range(paragraphs):
            vocab = PLANTED[names[(a + p) % 3]]
            words = list(rng.choice(vocab, size=10)) + list(rng.choice(COMMON, size=2))
            rows.append({"article_id": f"a{a}.txt", "outlet": f"Outlet {a % 3}", "position": p,
                         "kind": "body", "text": " ".join(words).capitalize() + ".",
                         "words": len(words)})
    return pd.DataFrame(rows)


def _planted_of(terms: str) -> set[str]:
    return {name for name, vocab in PLANTED.items() for t in terms.split(", ") if t in vocab}


@pytest.mark.parametrize("method", ["nmf", "lda"])
def test_recovers_planted_topics(method):
    model = topics.fit_topics(_planted_corpus(), method=method, k=None if method == "nmf" else 3)
    assert model.k_ == 3
    owners = [_planted_of(terms) for terms in model.topics_["top_terms"]]
    assert all(len(o) == 1 for o in owners), owners  # each topic is one planted theme
    assert set().union(*owners) == set(PLANTED)
    # every paragraph goes mostly to the topic of its planted theme
    assigned = model.doc_topic_.argmax(axis=1)
    theme = [_planted_of(", ".join(t.lower().strip(".").split())) for t in model.units_["text"]]
    topic_theme = {i: next(iter(o)) for i, o in enumerate(owners)}
    assert all(topic_theme[a] in t for a, t in zip(assigned, theme, strict=True))


def test_auto_k_picks_planted_number_and_keeps_the_curve():
    model = topics.fit_topics(_planted_corpus())
    sel = model.selection_
    assert list(sel.columns) == ["k", "coherence", "stability", "score", "chosen", "manual"]
    assert sel["k"].tolist() == list(range(2, 9))
    assert sel.loc[sel["chosen"], "k"].tolist() == [3]
    assert not sel["manual"].any()
    assert sel["coherence"].between(-1, 1).all() and sel["stability"].between(0, 1).all()


def test_same_seed_same_topics_and_manual_k():
    corpus = _planted_corpus(seed=3)
    first = topics.TopicModel(4, seed=11).fit(corpus)
    second = topics.TopicModel(4, seed=11).fit(corpus)
    pd.testing.assert_frame_equal(first.topics_, second.topics_)
    np.testing.assert_array_equal(first.doc_topic_, second.doc_topic_)
    assert first.k_ == 4 and first.selection_["manual"].all()
    assert first.selection_.loc[first.selection_["chosen"], "k"].tolist() == [4]


def test_estimator_contract():
    model = topics.TopicModel(3, method="lda", min_df=1)
    assert model.n_topics == 3 and model.method == "lda" and model.min_df == 1
    assert not hasattr(model, "k_")
    assert model.fit(_planted_corpus()) is model
    assert np.allclose(model.doc_topic_.sum(axis=1), 1.0)
    assert list(model.topics_.columns) == ["topic", "label", "top_terms", "weight"]
    assert list(model.terms_.columns) == ["topic", "label", "rank", "term", "weight"]
    assert model.topics_["weight"].is_monotonic_decreasing


def test_one_article_is_a_clear_error():
    one = _planted_corpus(n_articles=1)
    with pytest.raises(topics.TopicModelError, match="at least two articles"):
        topics.fit_topics(one)


def test_tiny_vocabulary_is_a_clear_error():
    tiny = pd.DataFrame({"article_id": ["a", "a", "b", "b"], "outlet": ["A", "A", "B", "B"],
                         "position": [0, 1, 0, 1], "text": ["Rain.", "Rain again.", "Rain.",
                                                             "The rain and the wind."]})
    with pytest.raises(topics.TopicModelError, match="vocabulary"):
        topics.fit_topics(tiny, collapse_duplicates=False)
    with pytest.raises(topics.TopicModelError, match="vocabulary"):
        topics.fit_topics(tiny.assign(text=["the", "and", "of", "it"]))


def test_more_topics_than_units_is_a_clear_error():
    with pytest.raises(topics.TopicModelError, match="n_topics=70"):
        topics.fit_topics(_planted_corpus(), k=70)
    with pytest.raises(topics.TopicModelError, match="distinct"):
        topics.fit_topics(_planted_corpus(n_articles=2), unit="article")
    with pytest.raises(topics.TopicModelError, match="method"):
        topics.fit_topics(_planted_corpus(), method="bertopic")


def test_wire_copy_is_collapsed_but_counted_per_outlet():
    corpus = _planted_corpus()
    wire = "Bank investors sold bonds as inflation hit the currency market."
    extra = pd.DataFrame({"article_id": ["a0.txt", "a1.txt"], "outlet": ["Outlet 0", "Outlet 1"],
                          "position": [10, 10], "kind": "body", "text": [wire, wire + ""],
                          "words": 10})
    model = topics.fit_topics(pd.concat([corpus, extra], ignore_index=True), k=3)
    copies = model.units_[model.units_["text"] == wire]
    assert len(copies) == 2 and copies["group"].nunique() == 1
    first, second = copies.index
    np.testing.assert_array_equal(model.doc_topic_[first], model.doc_topic_[second])
    reps = topics.select_representative_paragraphs(model, n=60)
    row = reps[reps["text"] == wire]
    assert row["outlets"].tolist() == ["Outlet 0; Outlet 1"] and row["n_outlets"].tolist() == [2]


def test_group_duplicates_and_build_units():
    wire = ("Russian President Vladimir Putin praised unprecedented close relations with China "
            "in his opening remarks to President Xi carried by Russian television.")
    texts = [wire, "Leaders of Russia and China met before the Games.",
             wire.replace("carried by Russian television", "carried by state television"),
             wire.upper().replace(",", ""), "Chinese diplomats disagreed with Washington."]
    assert group_duplicates(texts).tolist() == [0, 1, 0, 0, 4]
    assert group_duplicates(texts, threshold=0.99).tolist() == [0, 1, 2, 0, 4]
    paragraphs = pd.DataFrame({
        "article_id": ["b", "a", "a", "a"], "outlet": ["B", "A", "A", "A"],
        "position": [0, 1, 0, 2],
        "kind": ["body", "body", "body", "subhead"],
        "text": ["One. Two. Three. Four.", "Second para here.", "First para. Still first.", "Sub"]})
    units = build_units(paragraphs)
    assert units[["article_id", "position", "text", "words"]].values.tolist() == [
        ["a", 0, "First para. Still first.", 4], ["a", 1, "Second para here.", 3],
        ["b", 0, "One. Two. Three. Four.", 4]]
    windows = build_units(paragraphs, unit="sentences", window=2)
    assert windows[["article_id", "position", "paragraph", "text"]].values.tolist() == [
        ["a", 0, 0, "First para. Still first."], ["a", 1, 1, "Second para here."],
        ["b", 0, 0, "One. Two."], ["b", 1, 0, "Three. Four."]]
    articles = build_units(paragraphs, unit="article")
    assert articles["text"].tolist() == ["First para. Still first.\n\nSecond para here.",
                                         "One. Two. Three. Four."]


def test_npmi_and_stability_exact():
    m = sparse.csr_matrix([[1, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 1]])
    # p(0)=p(1)=3/4, p(0,1)=1/2: log((1/2)/(9/16)) / -log(1/2)
    expected = np.log((1 / 2) / (9 / 16)) / -np.log(1 / 2)
    assert score_npmi([[0, 1]], m)[0] == pytest.approx(expected)
    assert np.isnan(score_npmi([[0]], m)[0])
    matched, overlap = match_topics([["a", "b"], ["c", "d"]], [["d", "c", "e"], ["a", "b"]])
    assert matched.tolist() == [1, 0] and overlap.tolist() == [1.0, pytest.approx(2 / 3)]
    assert score_stability([[["a", "b"]], [["a", "c"]], [["a", "b"]]]) == pytest.approx(2 / 3)
    assert np.isnan(score_stability([[["a"]]]))


def _fake_model() -> SimpleNamespace:
    units = pd.DataFrame({
        "article_id": ["x", "x", "x", "y", "y"], "outlet": ["A", "A", "A", "B", "B"],
        "position": [0, 1, 2, 0, 1], "paragraph": [0, 1, 2, 0, 1],
        "text": ["alpha " * 3, "beta " * 10, "gamma", "alpha " * 3, "<b>delta</b>"],
        "words": [10, 30, 10, 10, 40], "group": [0, 1, 2, 0, 4]})
    doc_topic = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    table = pd.DataFrame({"topic": [1, 2], "label": ["one", "two"], "top_terms": ["a", "b"],
                          "weight": [0.55, 0.45]})
    terms = pd.DataFrame({"topic": [1, 2], "label": ["one", "two"], "rank": [1, 1],
                          "term": ["a", "b"], "weight": [1.0, 1.0]})
    return SimpleNamespace(units_=units, doc_topic_=doc_topic, topics_=table, terms_=terms, k_=2,
                           seed=0, unit="paragraph")


def test_topic_shares_exact():
    shares = topics.compute_topic_shares(_fake_model(), n_boot=50)
    assert list(shares.columns) == ["outlet", "topic", "label", "share", "share_low",
                                    "share_high", "words"]
    # A: topic 1 = 10 + 15 = 25 of 50 words; B: topic 1 = 10 of 50
    assert shares["share"].round(6).tolist() == [0.5, 0.5, 0.2, 0.8]
    assert shares["words"].tolist() == [25.0, 25.0, 10.0, 40.0]
    assert (shares["share_low"] <= shares["share"]).all()
    assert (shares["share"] <= shares["share_high"]).all()
    assert "two" in topics.describe_topic_shares(shares)


@pytest.mark.parametrize(("n", "expected"), [
    (1, ["lead"]), (2, ["lead", "late"]), (3, ["lead", "early", "late"]),
    (6, ["lead", "early", "early", "late", "late", "late"]),
])
def test_sections(n, expected):
    units = pd.DataFrame({"article_id": ["a"] * n, "position": range(n)})
    assert topics.assign_sections(units).tolist() == expected


def test_sections_of_units_without_an_article():
    # No article, no length: position 0 is still the lead, any other position is late.
    units = pd.DataFrame({"article_id": ["a", None, None, "b", "a"],
                          "position": [0, 0, 3, 1, 1]}, index=[4, 2, 0, 1, 3])
    sections = topics.assign_sections(units)
    assert sections.tolist() == ["lead", "lead", "late", "late", "late"]
    assert sections.index.tolist() == [4, 2, 0, 1, 3] and sections.name == "section"
    assert topics.assign_sections(units.iloc[:0]).tolist() == []


def test_topic_positions_leave_out_units_without_an_outlet():
    units = pd.DataFrame({"article_id": ["a", "b", "a", "c"], "outlet": ["X", None, "X", "Y"],
                          "position": [0, 0, 1, 0], "words": [10, 10, 30, 5]})
    model = SimpleNamespace(units_=units, k_=2,
                            doc_topic_=np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5], [0.2, 0.8]]),
                            topics_=pd.DataFrame({"topic": [1, 2], "label": ["one", "two"]}))
    positions = topics.compute_topic_positions(model)
    assert positions.values.tolist() == [
        ["X", "lead", 1, "one", 1.0, 1], ["X", "lead", 2, "two", 0.0, 1],
        ["X", "late", 1, "one", 0.5, 1], ["X", "late", 2, "two", 0.5, 1],
        ["Y", "lead", 1, "one", 0.2, 1], ["Y", "lead", 2, "two", 0.8, 1]]
    none = SimpleNamespace(units_=units.iloc[:0], k_=2, doc_topic_=np.zeros((0, 2)),
                           topics_=model.topics_)
    assert topics.compute_topic_positions(none).empty


def test_topic_positions_exact():
    positions = topics.compute_topic_positions(_fake_model())
    assert positions[["outlet", "section", "topic", "share", "units"]].values.tolist() == [
        ["A", "lead", 1, 1.0, 1], ["A", "lead", 2, 0.0, 1],
        ["A", "early", 1, 0.5, 1], ["A", "early", 2, 0.5, 1],
        ["A", "late", 1, 0.0, 1], ["A", "late", 2, 1.0, 1],
        ["B", "lead", 1, 1.0, 1], ["B", "lead", 2, 0.0, 1],
        ["B", "late", 1, 0.0, 1], ["B", "late", 2, 1.0, 1]]
    assert topics.describe_topic_positions(positions) == (
        "“one” is the largest topic in the lead of 2 of 2 outlets (A, B), against 17% on "
        "average later in the articles.")


def test_representatives_rename_and_describe():
    model = _fake_model()
    reps = topics.select_representative_paragraphs(model, n=2, max_chars=12)
    assert reps[["topic", "rank", "outlets", "text"]].values.tolist() == [
        [1, 1, "A", "beta beta…"], [1, 2, "A; B", "alpha alpha…"],
        [2, 1, "B", "<b>delta</b>"], [2, 2, "A", "beta beta…"]]
    renamed = topics.rename_topics(model, {1: "Summit", "two": "War"})
    assert renamed.topics_["label"].tolist() == ["Summit", "War"]
    assert renamed.terms_["label"].tolist() == ["Summit", "War"]
    assert model.topics_["label"].tolist() == ["one", "two"]  # original untouched
    with pytest.raises(topics.TopicModelError, match="no topic 'three'"):
        topics.rename_topics(model, {"three": "x"})
    with pytest.raises(topics.TopicModelError, match="distinct"):
        topics.rename_topics(model, {1: "two"})
    text = topics.describe_topics(topics.rename_topics(model, {1: "<script>*x*"}))
    assert "&lt;script&gt;\\*x\\*" in text and "<script>" not in text
    assert "2 topics from 4 distinct paragraph units (5 before" in text


def _tie_model(n_units: int = 4) -> SimpleNamespace:
    """Unit 1 copies unit 0 in another outlet; topic 1: units 0 and 2 carry 5 words each
    (a tie) and unit 3 none; topic 2: unit 2 carries 15 words, units 0 and 3 five each."""
    units = pd.DataFrame({
        "article_id": ["b", "a", "b", "c"], "outlet": ["B", "A", "B", "C"],
        "position": [0, 3, 1, 0], "text": ["copy", "copy", "own  text", "other"],
        "words": [10, 10, 20, 5], "group": [0, 0, 2, 3]}).iloc[:n_units]
    doc_topic = np.array([[0.5, 0.5], [0.5, 0.5], [0.25, 0.75], [0.0, 1.0]])[:n_units]
    table = pd.DataFrame({"topic": [1, 2], "label": ["one", "two"]})
    return SimpleNamespace(units_=units, doc_topic_=doc_topic, topics_=table, k_=2)


def test_representatives_break_ties_by_first_unit_and_skip_zero_weight():
    reps = topics.select_representative_paragraphs(_tie_model(), n=5)
    assert list(reps.columns) == list(PARAGRAPH_COLUMNS)
    assert reps.values.tolist() == [
        [1, "one", 1, 0.5, "A; B", 2, "b", 0, "copy"],
        [1, "one", 2, 0.25, "B", 1, "b", 1, "own text"],
        [2, "two", 1, 0.75, "B", 1, "b", 1, "own text"],
        [2, "two", 2, 0.5, "A; B", 2, "b", 0, "copy"],
        [2, "two", 3, 1.0, "C", 1, "c", 0, "other"]]
    assert topics.select_representative_paragraphs(_tie_model(), n=1)[
        ["topic", "rank", "text"]].values.tolist() == [[1, 1, "copy"], [2, 1, "own text"]]


def test_representatives_of_one_unit_and_of_none():
    one = topics.select_representative_paragraphs(_tie_model(1), n=3)
    assert one[["topic", "rank", "weight", "outlets"]].values.tolist() == [
        [1, 1, 0.5, "B"], [2, 1, 0.5, "B"]]
    none = topics.select_representative_paragraphs(_tie_model(0), n=3)
    assert none.empty and list(none.columns) == list(PARAGRAPH_COLUMNS)


def test_describe_selection():
    model = topics.fit_topics(_planted_corpus())
    sentence = topics.describe_topic_selection(model)
    assert sentence.startswith("k = 3 topics has the best combined score")
    assert "among k = 2–8" in sentence
    manual = topics.fit_topics(_planted_corpus(), k=4)
    assert topics.describe_topic_selection(manual).startswith("k = 4 topics was set by hand")


def test_prefix_filter_path_matches_exact_grouping(monkeypatch):
    from helpers import topic_units

    wire = ("Russian President Vladimir Putin praised unprecedented close relations with China "
            "in his opening remarks to President Xi carried by Russian television.")
    texts = [wire, "Chinese diplomats disagreed with Washington.",
             wire.replace("Russian television", "state television"), "", wire.upper()]
    exact = group_duplicates(texts).tolist()
    monkeypatch.setattr(topic_units, "EXACT_LIMIT", 2)
    dense = group_duplicates(texts).tolist()
    monkeypatch.setattr(topic_units, "DENSE_CELLS", 0)
    assert group_duplicates(texts).tolist() == dense == exact == [0, 1, 0, 3, 0]


def test_describe_representative_paragraphs():
    reps = topics.select_representative_paragraphs(_fake_model(), n=2)
    assert topics.describe_representative_paragraphs(reps).startswith(
        "1 of the 4 paragraphs listed were printed, word for word or nearly, by more than one")
    assert topics.describe_representative_paragraphs(reps[reps["n_outlets"] == 1]) == (
        "None of the 3 paragraphs listed was printed by more than one outlet.")


def test_prefix_filter_equals_all_pairs_on_edited_copies(monkeypatch):
    from helpers import topic_units

    rng = np.random.default_rng(5)
    vocab = [w for words in PLANTED.values() for w in words] + COMMON
    bases = [list(rng.choice(vocab, size=int(rng.integers(6, 25)))) for _ in range(60)]
    texts = []
    for _ in range(400):
        words = list(bases[int(rng.integers(len(bases)))])
        for _ in range(int(rng.integers(0, 4))):  # drop or swap a few words
            j = int(rng.integers(len(words)))
            words[j] = str(rng.choice(vocab)) if rng.random() < 0.5 else words[j] + "s"
        texts.append(" ".join(words))
    monkeypatch.setattr(topic_units, "EXACT_LIMIT", 10**9)
    exact = group_duplicates(texts, threshold=0.7)
    monkeypatch.setattr(topic_units, "EXACT_LIMIT", 0)
    dense = group_duplicates(texts, threshold=0.7)  # dense blocks: rows x terms is small
    monkeypatch.setattr(topic_units, "DENSE_CELLS", 0)
    prefix = group_duplicates(texts, threshold=0.7)
    np.testing.assert_array_equal(prefix, exact)
    np.testing.assert_array_equal(dense, exact)
    assert 60 <= len(np.unique(exact)) < 400  # copies were grouped, distinct texts kept apart


def test_large_collection_chooses_k_on_samples_then_fits_all_units(monkeypatch):
    corpus = _planted_corpus(n_articles=12)
    fits = []
    original = topics._fit_once

    def spy(matrix, k, method, seed, **options):
        fits.append((matrix.shape[0], k, options.get("max_iter")))
        return original(matrix, k, method, seed, **options)

    monkeypatch.setattr(topics, "SELECTION_UNITS", 80)
    monkeypatch.setattr(topics, "_fit_once", spy)
    model = topics.fit_topics(corpus)
    assert model.k_ == 3 and len(model.units_) == 120 and model.doc_topic_.shape == (120, 3)
    selection_fits = fits[:-1]
    assert len(selection_fits) == 7 * topics.LARGE_SEEDS  # k = 2..8, two seeds each
    assert {n for n, _, _ in selection_fits} == {80}
    assert {m for _, _, m in selection_fits} == {topics.SELECTION_MAX_ITER}
    distinct = model.units_["group"].nunique()
    assert distinct > 80 and fits[-1] == (distinct, 3, topics.NMF_MAX_ITER)  # all units
    assert isinstance(model.converged_, bool)
    owners = [_planted_of(terms) for terms in model.topics_["top_terms"]]
    assert all(len(o) == 1 for o in owners) and set().union(*owners) == set(PLANTED)


def test_seed_collection_topics_are_unchanged(seed_corpus):
    model = topics.fit_topics(seed_corpus.paragraphs, seed=0)
    assert model.k_ == 3 and model.converged_
    assert model.topics_["label"].tolist() == [
        "putin, china, xi", "nato, expansion, usa", "taiwan, independence, china"]
    assert model.selection_["k"].tolist() == list(range(2, 9))


def test_dense_pairs_confirm_single_precision_candidates_in_double_precision(monkeypatch):
    from helpers import topic_units

    # Unit rows at cosine exactly 0.8 with row 0 (kept), 0.79995 (within float32's candidate
    # margin, rejected in float64) and 0.5 (never a candidate); blocks of two rows, so pairs
    # across blocks are found too.
    def unit(cosine):
        return [cosine, float(np.sqrt(1 - cosine**2))]

    rows = sparse.csr_matrix(np.array([[1.0, 0.0], unit(0.5), unit(0.79995), unit(0.8)]))
    monkeypatch.setattr(topic_units, "_BLOCK", 2)
    dense = topic_units._similar_pairs(rows, 0.8, dense=True)
    exact = topic_units._similar_pairs(rows, 0.8)
    def pairs(found):
        return sorted(zip(found[0].tolist(), found[1].tolist(), strict=True))

    assert pairs(dense) == pairs(exact) == [(0, 3), (1, 2), (1, 3), (2, 3)]


def test_paragraph_units_sorted_renumbered_and_empty_like_other_kinds():
    paragraphs = pd.DataFrame({
        "article_id": ["b", "a", "a", "a"], "outlet": ["Y", "X", "X", "X"],
        "position": [0, 2, 0, 1], "kind": ["body", "body", "subhead", "body"],
        "text": ["Gas deal signed.", "Talks end today here.", "Heading", "Leaders met."]})
    units = build_units(paragraphs)
    assert units[["article_id", "position", "paragraph", "words"]].values.tolist() == [
        ["a", 0, 1, 2], ["a", 1, 2, 4], ["b", 0, 0, 3]]
    assert units["text"].tolist() == ["Leaders met.", "Talks end today here.", "Gas deal signed."]
    empty = build_units(paragraphs.iloc[:0])
    pd.testing.assert_frame_equal(empty, build_units(paragraphs.iloc[:0], unit="article"))


def test_dense_pairs_memory_does_not_grow_with_candidates_times_terms():
    # 400 near-identical rows of 500 terms: 79,800 candidate pairs. Confirming them from dense
    # row copies took 650 MB; from the sparse rows, a bounded chunk at a time, about 30 MB.
    import tracemalloc

    from sklearn.preprocessing import normalize

    from helpers import topic_units

    rng = np.random.default_rng(0)
    rows = sparse.csr_matrix(normalize(rng.random(500)[None, :] + 0.05 * rng.random((400, 500))))
    tracemalloc.start()
    try:
        first, second = topic_units._similar_pairs(rows, 0.8, dense=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(first) == len(second) == 400 * 399 // 2
    assert peak < 64 * 2**20


def test_paragraph_units_leave_out_rows_without_an_article_id_like_other_kinds():
    paragraphs = pd.DataFrame({"article_id": [None, "a", "a", "b"], "outlet": ["X"] * 4,
                               "position": [0, 0, 1, 0],
                               "text": ["Orphan text.", "One two.", "Three four five.", "Six."]})
    units = build_units(paragraphs)
    assert units["text"].tolist() == ["One two.", "Three four five.", "Six."]
    assert units["position"].tolist() == [0, 1, 0]
    assert build_units(paragraphs, unit="article")["article_id"].tolist() == ["a", "b"]


def test_topic_share_intervals_per_outlet_and_memo(tmp_path, monkeypatch):
    from helpers import topic_tables

    model = _fake_model()
    plain = topics.compute_topic_shares(model, n_boot=50)
    # An outlet's interval depends on its own units only.
    only_b = SimpleNamespace(**{**vars(model), "units_": model.units_.iloc[3:].reset_index(
        drop=True), "doc_topic_": model.doc_topic_[3:]})
    pd.testing.assert_frame_equal(topics.compute_topic_shares(only_b, n_boot=50),
                                  plain[plain["outlet"] == "B"].reset_index(drop=True))
    memo = tmp_path / "shares.npz"
    resampled = []
    original = topic_tables.sum_resamples
    monkeypatch.setattr(topic_tables, "sum_resamples",
                        lambda block, **kw: resampled.append(len(block)) or original(block, **kw))
    pd.testing.assert_frame_equal(topics.compute_topic_shares(model, n_boot=50, memo=memo),
                                  plain)
    assert resampled == [3, 2]
    resampled.clear()
    pd.testing.assert_frame_equal(topics.compute_topic_shares(model, n_boot=50, memo=memo),
                                  plain)
    assert resampled == []  # both outlets read back
    changed = SimpleNamespace(**{**vars(model), "doc_topic_": model.doc_topic_[[0, 1, 2, 4, 3]]})
    topics.compute_topic_shares(changed, n_boot=50, memo=memo)
    assert resampled == [2]  # B's weights moved: B only
