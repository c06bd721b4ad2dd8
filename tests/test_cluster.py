"""The Dask path (a LocalCluster on this machine) gives the same results as the local path."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

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


def test_parsing_on_dask_equals_local(address, seed_dir):
    local = load_collection(seed_dir, use_cache=False)
    remote = load_collection(seed_dir, use_cache=False, dask_address=address)
    assert remote.n_parsed_now == 5
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
