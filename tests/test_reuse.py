"""Tests for helpers.reuse and the topic model's reuse of an earlier fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import reuse, topics
from helpers.reuse import Drift, FitStore, measure_drift

THEMES = {
    "sport": ["football", "goal", "striker", "referee", "stadium", "penalty", "league", "coach",
              "match", "fans", "trophy", "keeper"],
    "money": ["bank", "inflation", "investors", "bonds", "market", "currency", "shares", "loans",
              "interest", "rates", "debt", "budget"],
    "weather": ["rain", "storm", "forecast", "snow", "wind", "flood", "temperature", "cloud",
                "thunder", "frost", "heatwave", "drought"],
}


def _paragraphs(n_articles: int = 6, per_article: int = 10, seed: int = 3) -> pd.DataFrame:
    """Articles whose paragraphs each draw ten words from one theme (60 paragraphs)."""
    rng = np.random.default_rng(seed)
    names = list(THEMES)
    rows = []
    for a in range(n_articles):
        for p in range(per_article):
            words = rng.choice(THEMES[names[(a + p) % 3]], size=10)
            rows.append({"article_id": f"a{a}.txt", "outlet": f"Outlet {a % 3}", "position": p,
                         "kind": "body", "text": " ".join(words).capitalize() + ".",
                         "words": 10})
    return pd.DataFrame(rows)


def _with_article(paragraphs: pd.DataFrame, texts: list[str], name: str = "new.txt"
                  ) -> pd.DataFrame:
    extra = pd.DataFrame({"article_id": name, "outlet": "Outlet 9", "position": range(len(texts)),
                          "kind": "body", "text": texts, "words": [len(t.split()) for t in texts]})
    return pd.concat([paragraphs, extra], ignore_index=True)


def _assert_same_model(a: topics.TopicModel, b: topics.TopicModel) -> None:
    np.testing.assert_array_equal(a.doc_topic_, b.doc_topic_)
    np.testing.assert_array_equal(a.components_, b.components_)
    np.testing.assert_array_equal(a.vocabulary_, b.vocabulary_)
    for name in ("units_", "topics_", "terms_", "selection_"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))


# --- the store ------------------------------------------------------------------------------


def test_store_round_trip_and_misses(tmp_path):
    store = FitStore(tmp_path / "fits")
    frame = pd.DataFrame({"hash": np.array([3, 1], dtype=np.uint64), "w0": [0.25, 0.75]})
    assert store.load("topics", {"k": 2}) is None  # nothing saved yet
    assert store.save("topics", {"k": 2}, {"k": 2, "units": frame})
    loaded = store.load("topics", {"k": 2})
    assert loaded["k"] == 2
    pd.testing.assert_frame_equal(loaded["units"], frame)
    assert store.load("topics", {"k": 3}) is None  # other options
    assert FitStore(tmp_path / "fits", refit=True).load("topics", {"k": 2}) is None
    assert FitStore(None).save("topics", {"k": 2}, {"k": 2}) is False
    with pytest.raises(ValueError, match="plain identifier"):
        store.load("../topics", {})


def test_a_corrupt_or_older_fit_is_a_miss(tmp_path, monkeypatch):
    store = FitStore(tmp_path)
    store.save("topics", {"k": 2}, {"k": 2})
    monkeypatch.setattr(reuse, "FIT_VERSION", reuse.FIT_VERSION + 1)
    assert store.load("topics", {"k": 2}) is None
    monkeypatch.undo()
    assert store.load("topics", {"k": 2}) == {"k": 2, "_key": reuse._options_key({"k": 2})}
    (tmp_path / "topics.npz").write_bytes(b"not an archive")
    assert store.load("topics", {"k": 2}) is None


def test_drift_counts_distinct_added_and_removed_units():
    drift = measure_drift(np.array([1, 2, 3, 4, 4], dtype=np.uint64),
                          np.array([2, 3, 4, 5, 6, 6], dtype=np.uint64))
    assert drift == Drift(fitted=4, added=2, removed=1)
    assert drift.fraction == 0.75
    assert FitStore(max_drift=0.75).allows(drift)
    assert not FitStore(max_drift=0.7).allows(drift)
    assert not FitStore(refit=True).allows(Drift(fitted=4, added=0, removed=0))
    assert Drift(fitted=0, added=0, removed=0).fraction == float("inf")


def test_open_fit_store_lives_in_the_collections_cache(tmp_path):
    from helpers import paths

    store = reuse.open_fit_store(tmp_path, refit=True)
    assert store.folder == paths.cache_dir(tmp_path) / "fits"
    assert store.refit is True and store.max_drift == reuse.MAX_DRIFT


def test_hashes_of_texts_are_stable_and_distinguish_texts():
    hashes = reuse.hash_texts(["Xi met Putin.", "Xi met Putin!", "Xi met Putin.", None])
    assert hashes.dtype == np.uint64
    assert hashes[0] == hashes[2] and hashes[0] != hashes[1]
    assert hashes[3] == reuse.hash_texts([""])[0]
    assert reuse.hash_texts(["Xi met Putin."])[0] == hashes[0]  # not salted per call


# --- topics ---------------------------------------------------------------------------------


def test_an_unchanged_collection_reuses_the_fit_exactly(tmp_path):
    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    first = topics.fit_topics(paragraphs, k=3, store=store)
    assert first.reuse_ is None
    _assert_same_model(first, topics.fit_topics(paragraphs, k=3))  # the store changes nothing
    again = topics.fit_topics(paragraphs, k=3, store=store)
    assert again.reuse_ == Drift(fitted=60, added=0, removed=0)
    _assert_same_model(first, again)
    assert first.converged_ == again.converged_


def test_a_new_paragraph_is_placed_in_the_fitted_topics(tmp_path):
    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    first = topics.fit_topics(paragraphs, k=3, store=store)
    new_text = "Storm and flood warnings as rain and snow hit the league match."
    copied = paragraphs["text"].iloc[7]  # a new article reprinting a fitted paragraph
    grown = _with_article(paragraphs, [new_text, copied])
    model = topics.fit_topics(grown, k=3, store=store)
    assert model.reuse_ == Drift(fitted=60, added=1, removed=0)
    # Topics, numbering, labels and terms are the fit's; old units keep their weights.
    np.testing.assert_array_equal(model.components_, first.components_)
    pd.testing.assert_frame_equal(model.terms_, first.terms_)
    assert model.topics_["label"].tolist() == first.topics_["label"].tolist()
    np.testing.assert_array_equal(model.doc_topic_[:60], first.doc_topic_)
    # The copy gets its original's weights and group; the new text is placed with the fit.
    np.testing.assert_array_equal(model.doc_topic_[61], first.doc_topic_[7])
    assert model.units_["group"].iloc[61] == first.units_["group"].iloc[7]
    assert model.units_["group"].iloc[60] == 60
    saved = store.load("topics", model._fit_options())
    expected = topics.place_units([new_text], vocabulary=first.vocabulary_,
                                  idf=saved["vocabulary"]["idf"].to_numpy(),
                                  components=first.components_)
    np.testing.assert_allclose(model.doc_topic_[60], expected[0])
    assert model.doc_topic_[60].sum() == pytest.approx(1.0)
    weather = first.terms_.loc[first.terms_["term"] == "storm", "topic"].iloc[0]
    assert np.argmax(model.doc_topic_[60]) + 1 == weather  # mostly weather words
    # Shares are of this call's units: the new article counts.
    assert model.topics_["weight"].tolist() != first.topics_["weight"].tolist()
    assert "Run with `refit = True`" in topics.describe_topic_selection(model)
    assert "earlier run" not in topics.describe_topic_selection(first)


def test_placing_the_fitted_units_again_gives_their_fitted_weights(tmp_path):
    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    model = topics.fit_topics(paragraphs, k=3, store=store)
    saved = store.load("topics", model._fit_options())
    placed = topics.place_units(paragraphs["text"], vocabulary=model.vocabulary_,
                                idf=saved["vocabulary"]["idf"].to_numpy(),
                                components=model.components_)
    np.testing.assert_allclose(placed, model.doc_topic_, atol=1e-3)


def test_too_much_change_refit_or_other_options_fit_afresh(tmp_path):
    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    topics.fit_topics(paragraphs, k=3, store=store)
    # Four new paragraphs of 60 is 6.7% > 5%: fitted afresh, as without a store.
    grown = _with_article(paragraphs, [f"Bank {w} market debt." for w in
                                       ("rates", "loans", "bonds", "shares")])
    refitted = topics.fit_topics(grown, k=3, store=store)
    assert refitted.reuse_ is None
    _assert_same_model(refitted, topics.fit_topics(grown, k=3))
    # That fit was saved: the next run reuses it.
    assert topics.fit_topics(grown, k=3, store=store).reuse_ == Drift(64, 0, 0)
    # refit=True fits afresh even without a change; other options never reuse.
    assert topics.fit_topics(grown, k=3, store=FitStore(tmp_path, refit=True)).reuse_ is None
    assert topics.fit_topics(grown, k=2, store=store).reuse_ is None


def test_lda_always_fits_afresh_and_saves_nothing(tmp_path):
    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    first = topics.fit_topics(paragraphs, k=3, method="lda", store=store)
    assert first.reuse_ is None and not list(tmp_path.iterdir())


def test_memo_files_live_in_the_collections_cache(tmp_path):
    from helpers import paths

    assert paths.memo_file(tmp_path, "alignment") == \
        paths.cache_dir(tmp_path) / "memos" / "alignment.npz"
    with pytest.raises(ValueError, match="plain identifier"):
        paths.memo_file(tmp_path, "../alignment")


def test_a_malformed_saved_fit_is_fitted_afresh(tmp_path):
    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    options = topics.TopicModel(3)._fit_options()
    store.save("topics", options, {"k": 3, "units": pd.DataFrame({"hash": [1]})})
    model = topics.fit_topics(paragraphs, k=3, store=store)
    assert model.reuse_ is None
    _assert_same_model(model, topics.fit_topics(paragraphs, k=3))
    assert topics.fit_topics(paragraphs, k=3, store=store).reuse_ == Drift(60, 0, 0)  # rewritten


def test_the_reuse_sentence_names_only_what_changed():
    describe = reuse.describe_reuse
    added = describe(Drift(fitted=4500, added=27, removed=0), what="The topics", units="units")
    assert added.startswith("The topics were fitted in an earlier run on 4,500 distinct units; "
                            "the 27 added since were placed with that fit, held fixed (0.6% of")
    assert "removed" not in added
    removed = describe(Drift(fitted=200, added=0, removed=3), what="The topics", units="units")
    assert "; the 3 removed since were dropped (1.5% of the fit" in removed
    assert "added" not in removed
    assert "nothing changed" in describe(Drift(10, 0, 0), what="The topics", units="units")
    assert describe(None, what="The topics", units="units") == \
        "The topics were fitted on this run's units."


def test_a_fit_made_by_other_code_is_not_reused(tmp_path, monkeypatch):
    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    topics.fit_topics(paragraphs, k=3, store=store)
    monkeypatch.setattr(topics, "_FIT_CODE", "another version of the kit")
    assert topics.fit_topics(paragraphs, k=3, store=store).reuse_ is None
    assert reuse.digest_sources("topics.py") != reuse.digest_sources("reuse.py")
    assert reuse.digest_sources("no_such_module.py") is None


def test_without_collapsing_a_reused_fit_keeps_every_unit_its_own_group(tmp_path):
    paragraphs = _with_article(_paragraphs(), list(_paragraphs()["text"].iloc[:3]), "copy.txt")
    store = FitStore(tmp_path)
    first = topics.fit_topics(paragraphs, k=3, collapse_duplicates=False, store=store)
    again = topics.fit_topics(paragraphs, k=3, collapse_duplicates=False, store=store)
    assert again.reuse_ == Drift(fitted=60, added=0, removed=0)
    _assert_same_model(first, again)
    assert again.units_["group"].tolist() == list(range(63))


def test_new_near_copies_join_a_fitted_group_or_each_other(tmp_path):
    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    first = topics.fit_topics(paragraphs, k=3, store=store)
    original = paragraphs["text"].iloc[7]
    fresh_story = "Storm and flood warnings as rain and snow hit the coast on Monday."
    grown = _with_article(paragraphs, [original[:-1] + " again.", fresh_story,
                                       fresh_story.replace("Monday", "Tuesday")])
    model = topics.fit_topics(grown, k=3, store=store)
    assert model.reuse_ == Drift(fitted=60, added=3, removed=0)
    groups = model.units_["group"].to_numpy()
    # The edited copy of paragraph 7 joins its group and takes its weights...
    assert groups[60] == first.units_["group"].iloc[7]
    np.testing.assert_array_equal(model.doc_topic_[60], first.doc_topic_[7])
    # ...and the two versions of the new story are one group, placed once.
    assert groups[61] == 61 and groups[62] == 61
    np.testing.assert_array_equal(model.doc_topic_[62], model.doc_topic_[61])
    assert model.units_["group"].nunique() == first.units_["group"].nunique() + 1
    assert "numbered as in the reused fit" in topics.describe_topics(model)
    assert "largest first" in topics.describe_topics(first)


def test_a_fit_with_repeated_or_negative_values_is_fitted_afresh(tmp_path):
    from helpers.cache import read_snapshot, write_snapshot

    paragraphs = _paragraphs()
    store = FitStore(tmp_path)
    topics.fit_topics(paragraphs, k=3, store=store)
    saved = read_snapshot(tmp_path / "topics.npz")
    for broken in ({"units": pd.concat([saved["units"], saved["units"].iloc[:1]],
                                        ignore_index=True)},
                   {"components": -saved["components"]}):
        write_snapshot(tmp_path / "topics.npz", {**saved, **broken})
        assert topics.fit_topics(paragraphs, k=3, store=store).reuse_ is None  # no error
