"""Reusing the article vectors, neighbours and map on a rerun (helpers.similarity_reuse)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.decomposition import TruncatedSVD

from helpers import similarity, similarity_reuse
from helpers.reuse import Drift, FitStore
from helpers.vectorize import fit_tfidf

WORDS = ["gas", "pipeline", "beijing", "putin", "deal", "navy", "submarine", "pact", "tariff",
         "border", "troops", "vote", "court", "market", "oil", "summit", "olympics", "boycott"]
#: The blockwise path with three neighbours per article (the default exact path would take
#: every pair of these small collections).
BLOCKWISE = {"exact_max": 0, "top_k": 3}


def _collection(n: int = 80, seed: int = 0, *, start: int = 0) -> pd.DataFrame:
    """``n`` articles of one to four sentences drawn from ten (wire copies: tied cosines)."""
    rng = random.Random(seed)
    pool = [" ".join(rng.choices(WORDS, k=rng.randint(3, 7))) + "." for _ in range(10)]
    rows = []
    for a in range(start, start + n):
        story = rng.choices(pool, k=rng.randint(1, 4))
        rows += [(f"a{a:03d}.txt", f"Outlet {a % 4}", p, text) for p, text in enumerate(story)]
    return pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])


def _change(sentences: pd.DataFrame, *, add: int = 0, remove: tuple[str, ...] = (),
            edit: tuple[str, ...] = ()) -> pd.DataFrame:
    """The collection with ``add`` new articles, ``remove`` dropped and ``edit`` rewritten."""
    kept = sentences[~sentences["article_id"].isin(remove)].copy()
    edited = kept["article_id"].isin(edit) & (kept["position"] == 0)
    kept.loc[edited, "text"] = "Tariff court vote on the oil market."
    added = _collection(add, seed=99, start=500) if add else None
    return pd.concat([kept, added], ignore_index=True)


@pytest.fixture(autouse=True)
def _small_collections_reuse(monkeypatch):
    """Reuse from the first article on (the kit waits for more than 400), a fresh memo."""
    monkeypatch.setattr(similarity_reuse, "REUSE_MIN_ARTICLES", 0)
    similarity._FITTED.clear()
    yield
    similarity._FITTED.clear()


def _run(sentences: pd.DataFrame, store: FitStore | None, **options):
    """The three similarity tables (pairs, outlets, map) of a collection."""
    return (similarity.compare_articles(sentences, **(BLOCKWISE | options), store=store),
            similarity.compare_outlets(sentences, store=store),
            similarity.map_articles(sentences, store=store))


def _frozen_matrix(fitted: pd.DataFrame, current: pd.DataFrame) -> sparse.csr_matrix:
    """The frozen-vocabulary matrix, built directly: each article of ``fitted`` keeps its row
    of the fit, the others are ``transform``-ed by the fitted vectorizer."""
    texts0, bodies0 = similarity._article_texts(fitted, None)
    texts1, bodies1 = similarity._article_texts(current, None)
    matrix0, vectorizer = fit_tfidf([" ".join(body) for body in bodies0])
    row_of = {(a, tuple(b)): i for i, (a, b) in enumerate(zip(texts0["article_id"], bodies0,
                                                              strict=True))}
    rows = [matrix0[row_of[(a, tuple(b))]] if (a, tuple(b)) in row_of
            else vectorizer.transform([" ".join(b)])
            for a, b in zip(texts1["article_id"], bodies1, strict=True)]
    return sparse.vstack(rows, format="csr")


def _run_on_matrix(monkeypatch, sentences: pd.DataFrame, matrix, **options):
    """The store-less (fresh) tables, the articles' matrix replaced by ``matrix``."""
    similarity._FITTED.clear()
    with monkeypatch.context() as patch:
        patch.setattr(similarity, "vectorize_articles", lambda bodies: matrix)
        tables = _run(sentences, None, **options)
    similarity._FITTED.clear()
    return tables


def _assert_same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    got = got.copy()
    got.attrs = {}
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def _assert_fitted_afresh(sentences: pd.DataFrame, store: FitStore) -> None:
    """With ``store``, the tables are fitted afresh (no reuse) and equal the store-less ones."""
    similarity._FITTED.clear()
    got = _run(sentences, store)
    assert got[0].attrs["reuse"] is None
    similarity._FITTED.clear()
    for table, expected in zip(got, _run(sentences, None), strict=True):
        _assert_same(table, expected)


def test_reuse_within_drift_is_the_fresh_path_on_the_frozen_vocabulary_matrix(tmp_path,
                                                                              monkeypatch):
    """One added, one removed and one rewritten article of 80 (4 changes = 5%): pairs and outlet
    means are exactly the store-less path's on the frozen-vocabulary matrix; on the map the
    fitted articles keep their place and the new ones are projected on the fitted SVD."""
    store = FitStore(tmp_path)
    before = _collection()
    first = _run(before, store)
    assert {p.name for p in tmp_path.iterdir()} == {
        "article_vectors.npz", "article_neighbours.npz", "article_map.npz"}
    after = _change(before, add=1, remove=("a005.txt",), edit=("a010.txt",))
    similarity._FITTED.clear()
    pairs, outlets, points = _run(after, store)
    assert pairs.attrs["reuse"] == Drift(fitted=80, added=2, removed=2)
    frozen = _frozen_matrix(before, after)
    expected = _run_on_matrix(monkeypatch, after, frozen)
    _assert_same(pairs, expected[0])
    _assert_same(outlets, expected[1])
    # The frozen matrix differs from a fresh fit (new IDF), so the test is not trivial.
    fresh = _run(after, None)
    assert not pairs["cosine"].equals(fresh[0]["cosine"])
    # Map: old articles keep their coordinates, new ones are projected.
    old = first[2].set_index("article_id")
    now = points.set_index("article_id")
    same = now.index.intersection(old.index).drop("a010.txt")
    pd.testing.assert_frame_equal(now.loc[same, ["x", "y"]], old.loc[same, ["x", "y"]])
    svd = TruncatedSVD(n_components=2, algorithm="randomized", n_iter=10, random_state=0)
    svd.fit(similarity._fit_vectors(before, None, None).matrix)
    texts, _ = similarity._article_texts(after, None)
    for name in ("a010.txt", "a500.txt"):
        row = frozen[int(np.flatnonzero(texts["article_id"] == name)[0])]
        expected_xy = np.asarray(row @ svd.components_.T).ravel().round(4)
        assert now.loc[name, ["x", "y"]].tolist() == pytest.approx(expected_xy.tolist(),
                                                                   abs=1e-12)
    assert "a005.txt" not in now.index
    assert "a005.txt" not in set(pairs["article_a"]) | set(pairs["article_b"])
    assert "a005.txt" in set(first[0]["article_a"])


def test_a_second_rerun_updates_from_the_last_neighbours(tmp_path, monkeypatch):
    """The neighbours saved by a reuse run are updated again on the next one (drift still
    counted against the vector fit), and stay the fresh path's on the frozen matrix."""
    store = FitStore(tmp_path)
    before = _collection()
    _run(before, store)
    step = _change(before, add=1)
    similarity._FITTED.clear()
    _run(step, store)
    after = _change(step, remove=("a020.txt", "a021.txt"))
    similarity._FITTED.clear()
    pairs = similarity.compare_articles(after, **BLOCKWISE, store=store)
    assert pairs.attrs["reuse"] == Drift(fitted=80, added=1, removed=2)
    expected = _run_on_matrix(monkeypatch, after, _frozen_matrix(before, after))
    _assert_same(pairs, expected[0])


def _unit_rows(rows: np.ndarray) -> sparse.csr_matrix:
    return sparse.csr_matrix(rows / np.maximum(np.linalg.norm(rows, axis=1), 1e-300)[:, None])


def _update_random(seed: int, chunk: int = 5) -> tuple[tuple, tuple, int, int]:
    """Random cosine-like rows, the first half full of ties and copies and empty rows, the
    second without ties; four rows removed, three inserted among them. Returns the updated and
    the fresh pairs, the number of blocks recomputed and of all blocks."""
    rng = np.random.default_rng(seed)
    base = rng.choice([0.0, 1.0, 2.0], size=(12, 6), p=[0.5, 0.3, 0.2])
    rows = base[rng.integers(0, 12, size=70)] * rng.choice([1.0, 1.0, 3.0], size=(70, 1))
    rows[:35:9] = 0.0  # articles without terms
    rows[35:] = rng.random((35, 6)) * (rng.random((35, 6)) < 0.7)  # no ties
    matrix = _unit_rows(rows)
    hashes = np.arange(70, dtype=np.uint64) + 1000
    k = 4
    saved = similarity_reuse.SavedNeighbours(hashes, similarity._select_rows(
        matrix, matrix.toarray(), k, chunk=chunk, bounds=True))
    keep = np.setdiff1d(np.arange(70), [rng.integers(0, 35), *rng.choice(35, 3) + 35])
    extra = _unit_rows(rows[rng.integers(0, 70, size=3)] * rng.choice([1.0, 0.5], 3)[:, None])
    order = np.argsort(np.concatenate([keep, [10.5, 40.5, 60.5]]), kind="stable")
    current = sparse.vstack([matrix[keep], extra], format="csr")[order]
    current_hashes = np.concatenate([hashes[keep], np.arange(3, dtype=np.uint64)])[order]
    now = current.toarray()
    recomputed = []

    def select_blocks(blocks):
        recomputed.extend(blocks.tolist())
        return similarity._select_rows(current, now, k, blocks=blocks, chunk=chunk, bounds=True)

    selections = similarity_reuse.update_selections(
        saved, current_hashes, k=k, chunk=chunk, select_blocks=select_blocks,
        select_rows=lambda r: similarity._select_rows(current, now, k, rows=r, chunk=chunk,
                                                      bounds=True),
        cosines=lambda r, c: similarity._cosines(current, now, r, c))
    fresh_bound = similarity._select_rows(current, now, k, chunk=chunk, bounds=True)[3]
    assert (selections[3] >= fresh_bound - 1e-12).all()  # an upper bound, for the next update
    got = similarity._merge_selections(current, *selections[:3])
    expected = similarity._blockwise_neighbours(current, top_k=k, chunk=chunk)
    return got, expected, len(recomputed), -(-69 // chunk)


def test_update_selections_is_the_blockwise_selection():
    """On random rows full of ties, copies and empty rows, the updated selections give the
    pairs the blockwise path selects afresh (cosines equal to the last bits BLAS may round
    differently); some blocks are taken from the saved selections, some recomputed."""
    recomputed = total = 0
    for seed in range(12):
        got, expected, blocks, all_blocks = _update_random(seed)
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])
        np.testing.assert_allclose(got[2], expected[2], rtol=0, atol=1e-12)
        recomputed, total = recomputed + blocks, total + all_blocks
    assert 0 < recomputed < total


def test_beyond_the_drift_limit_the_vectors_are_fitted_afresh(tmp_path):
    store = FitStore(tmp_path)
    before = _collection()
    _run(before, store)
    after = _change(before, add=5)  # 5 of 80 = 6.25%
    _assert_fitted_afresh(after, store)
    similarity._FITTED.clear()  # the fresh fit was saved: a rerun now reuses it
    assert _run(after, store)[0].attrs["reuse"] == Drift(fitted=85, added=0, removed=0)


def test_other_options_recompute_the_neighbours_and_other_code_refits(tmp_path, monkeypatch):
    """Another ``top_k`` recomputes the neighbours on the vectors in use (never the saved
    ones); another scikit-learn version (or code) fits the vectors afresh."""
    store = FitStore(tmp_path)
    before = _collection()
    _run(before, store)
    after = _change(before, add=1)
    similarity._FITTED.clear()
    pairs = similarity.compare_articles(after, exact_max=0, top_k=2, store=store)
    assert pairs.attrs["reuse"] == Drift(fitted=80, added=1, removed=0)
    expected = _run_on_matrix(monkeypatch, after, _frozen_matrix(before, after), top_k=2)
    _assert_same(pairs, expected[0])
    assert similarity_reuse.load_neighbours(
        store, similarity_reuse.fit_options("article_neighbours", exact_max=0,
                                            blockwise_max=20000, min_jaccard=0.3, num_perm=128,
                                            top_k=3),
        fit_id="any", dense=True, k=3) is None  # the top_k=3 neighbours were replaced
    monkeypatch.setattr(similarity_reuse, "sklearn_version", "0.0")
    similarity._FITTED.clear()
    refitted = _run(after, store)
    assert refitted[0].attrs["reuse"] is None
    monkeypatch.undo()
    monkeypatch.setattr(similarity_reuse, "REUSE_MIN_ARTICLES", 0)
    similarity._FITTED.clear()
    for got, expected in zip(refitted, _run(after, None), strict=True):
        _assert_same(got, expected)


def test_refit_equals_no_store_and_saves_the_fit(tmp_path):
    before = _collection()
    _run(before, FitStore(tmp_path))
    after = _change(before, add=1)
    similarity._FITTED.clear()
    refitted = _run(after, FitStore(tmp_path, refit=True))
    similarity._FITTED.clear()
    for got, expected in zip(refitted, _run(after, None), strict=True):
        assert got.attrs == {"reuse": None}
        _assert_same(got, expected)
    similarity._FITTED.clear()
    assert _run(after, FitStore(tmp_path))[0].attrs["reuse"] == Drift(81, 0, 0)


def test_a_corrupt_fit_file_is_a_fresh_fit(tmp_path):
    store = FitStore(tmp_path)
    before = _collection()
    _run(before, store)
    after = _change(before, add=1)
    for name in ("article_vectors", "article_neighbours", "article_map"):
        (tmp_path / f"{name}.npz").write_bytes(b"not an archive")
    _assert_fitted_afresh(after, store)
    assert similarity_reuse.load_vectors(store, np.zeros(0, np.uint64)) is None  # 81 removed
    similarity._FITTED.clear()
    assert _run(after, store)[0].attrs["reuse"] == Drift(81, 0, 0)  # saved again


def test_a_corrupt_neighbours_file_alone_recomputes_them(tmp_path, monkeypatch):
    store = FitStore(tmp_path)
    before = _collection()
    _run(before, store)
    (tmp_path / "article_neighbours.npz").write_bytes(b"\x00" * 100)
    after = _change(before, remove=("a001.txt",))
    similarity._FITTED.clear()
    pairs = similarity.compare_articles(after, **BLOCKWISE, store=store)
    assert pairs.attrs["reuse"] == Drift(80, 0, 1)
    _assert_same(pairs, _run_on_matrix(monkeypatch, after, _frozen_matrix(before, after))[0])


def test_small_collections_are_always_fitted_afresh(tmp_path, monkeypatch):
    monkeypatch.setattr(similarity_reuse, "REUSE_MIN_ARTICLES", 400)
    store = FitStore(tmp_path)
    sentences = _collection()
    got = _run(sentences, store)
    assert not list(tmp_path.iterdir())
    similarity._FITTED.clear()
    for table, expected in zip(got, _run(sentences, None), strict=True):
        assert table.attrs == {"reuse": None}
        _assert_same(table, expected)


def test_no_store_leaves_no_disclosure(tmp_path):
    assert similarity.compare_articles(_collection(), **BLOCKWISE).attrs == {}


def test_describe_similarity_fit(tmp_path):
    store = FitStore(tmp_path)
    before = _collection()
    pairs = similarity.compare_articles(before, store=store)
    assert similarity.describe_similarity_fit(pairs, store=store) == (
        "The article vectors were fitted on this run's articles.")
    similarity._FITTED.clear()
    pairs = similarity.compare_articles(_change(before, add=2), store=store)
    assert similarity.describe_similarity_fit(pairs, store=store) == (
        "The article vectors were fitted in an earlier run on 80 distinct articles; the 2 added "
        "since were placed with that fit, held fixed (2.5% of the fit; the kit refits beyond "
        "5%). Run with `refit = True` (`framekit report --refit`) to fit afresh. The neighbours "
        "and outlet means are computed on those vectors, and the articles added since are "
        "placed on the map by its fitted components.")
