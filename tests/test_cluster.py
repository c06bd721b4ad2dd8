"""The Dask path (a LocalCluster on this machine) gives the same results as the local path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers import cluster as cluster_module
from helpers.cluster import fit_tfidf_on_dask
from helpers.corpus import load_collection
from helpers.features import compute_article_features
from helpers.vectorize import fit_tfidf

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def address():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture(autouse=True)
def no_active_cluster_left_behind():
    """load_collection(dask_address=...) activates the cluster for the session: reset it."""
    yield
    cluster_module.use_dask(None)


def test_parsing_on_dask_equals_local(address, seed_dir):
    local = load_collection(seed_dir, use_cache=False)
    remote = load_collection(seed_dir, use_cache=False, dask_address=address)
    assert remote.n_parsed_now == 5
    assert cluster_module.active_dask_address() == address
    for name in ("articles", "paragraphs", "sentences", "removed", "audit"):
        pd.testing.assert_frame_equal(getattr(remote, name), getattr(local, name))


def test_tfidf_on_dask_equals_local(address, seed_corpus):
    texts = seed_corpus.paragraphs["text"].tolist()
    matrix, vectorizer = fit_tfidf(texts, min_df=2)
    remote, remote_vectorizer = fit_tfidf_on_dask(texts, address=address, partition_size=7,
                                                  min_df=2)
    assert remote_vectorizer.get_feature_names_out().tolist() == \
        vectorizer.get_feature_names_out().tolist()
    np.testing.assert_allclose(remote.toarray(), matrix.toarray())


def test_features_on_dask_equal_local(address, seed_corpus):
    local = compute_article_features(seed_corpus, workers=1, use_cache=False)
    remote = compute_article_features(seed_corpus, dask_address=address, use_cache=False)
    pd.testing.assert_frame_equal(remote, local)


def test_active_cluster_takes_large_tfidf_fits_and_features(address, seed_corpus, monkeypatch):
    texts = seed_corpus.paragraphs["text"].tolist()
    local_matrix, _ = fit_tfidf(texts)
    local_features = compute_article_features(seed_corpus, workers=1, use_cache=False)
    calls = []
    real_fit, real_map = cluster_module.fit_tfidf_on_dask, cluster_module.map_on_dask

    def spy_fit(*args, **kwargs):
        calls.append("tfidf")
        return real_fit(*args, **kwargs)

    def spy_map(*args, **kwargs):
        calls.append("features")
        return real_map(*args, **kwargs)

    monkeypatch.setattr(cluster_module, "fit_tfidf_on_dask", spy_fit)
    monkeypatch.setattr(cluster_module, "map_on_dask", spy_map)
    monkeypatch.setattr(cluster_module, "DASK_MIN_DOCUMENTS", 10)
    cluster_module.use_dask(address)
    matrix, _ = fit_tfidf(texts)
    features = compute_article_features(seed_corpus, use_cache=False)
    assert calls == ["tfidf", "features"]
    np.testing.assert_allclose(matrix.toarray(), local_matrix.toarray())
    pd.testing.assert_frame_equal(features, local_features)
    cluster_module.use_dask(None)
    fit_tfidf(texts)
    assert calls == ["tfidf", "features"]  # nothing more went to the cluster
