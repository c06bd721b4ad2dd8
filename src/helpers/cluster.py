"""Run per-article work on a Dask cluster (dask.bag around the kit's own functions).

Local runs use worker processes on this machine (:mod:`concurrent.futures`); given a scheduler
address (``framekit report --dask tcp://host:8786`` or the notebooks' ``dask_address``
parameter) the same functions run on the cluster's workers through :mod:`dask.bag`. Workers
need framekit installed (``pip install -e .`` of the same checkout); article bytes travel to
them, so they do not need the collection folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

#: TF-IDF goes to the active cluster only from this many documents (below, shipping the texts
#: costs more than it saves).
DASK_MIN_DOCUMENTS = 5000
_ACTIVE: dict[str, str | None] = {"address": None}


def use_dask(address: str | None) -> str | None:
    """Make ``address`` the Dask cluster for the rest of this session (``None``/"": none).

    :func:`helpers.corpus.load_collection` calls it with its ``dask_address``, so a notebook's
    ``dask_address`` parameter sends that notebook's per-article work (parsing, features) and
    large TF-IDF fits to the cluster. Returns the active address.
    """
    _ACTIVE["address"] = address or None
    return _ACTIVE["address"]


def active_dask_address() -> str | None:
    """The scheduler address set by :func:`use_dask`, or ``None`` (work stays on this machine)."""
    return _ACTIVE["address"]


@lru_cache(maxsize=4)
def connect_dask(address: str):
    """Return a ``distributed.Client`` for a scheduler address (one client per address).

    Raises
    ------
    ConnectionError
        When no scheduler answers at ``address`` within 10 seconds.
    """
    from distributed import Client

    try:
        return Client(address, timeout="10s", set_as_default=False)
    except OSError as exc:  # includes TimeoutError
        raise ConnectionError(f"no Dask scheduler answers at {address}: {exc}") from exc


def map_on_dask(function: Callable[[Any], Any], items: Sequence[Any], *, address: str,
                partition_size: int = 64) -> list[Any]:
    """Apply ``function`` to every item on the Dask cluster at ``address``, keeping order.

    Parameters
    ----------
    function
        A picklable, importable function (a module-level function of :mod:`helpers`).
    items
        Picklable inputs.
    address
        Scheduler address, e.g. ``tcp://127.0.0.1:8786``.
    partition_size
        Items per dask.bag partition.
    """
    import dask.bag as db

    if not items:
        return []
    client = connect_dask(address)
    npartitions = max(1, -(-len(items) // partition_size))
    bag = db.from_sequence(list(items), npartitions=npartitions).map(function)
    return list(bag.compute(scheduler=client.get))


def _document_terms(text: str, options: dict) -> set[str]:
    from helpers.vectorize import build_vectorizer

    return set(build_vectorizer(**options).build_analyzer()(text))


def _transform_partition(texts: list[str], vectorizer) -> list:
    return [vectorizer.transform(list(texts))]


def fit_tfidf_on_dask(texts: Sequence[str], *, address: str, partition_size: int = 1000,
                      **options):
    """Fit the kit's TF-IDF on a Dask cluster; same result as :func:`helpers.vectorize.fit_tfidf`.

    Document frequencies are counted per partition on the workers and summed; the vocabulary
    (sorted, filtered by ``min_df``/``max_df`` as scikit-learn does) and smoothed IDF
    (``ln((1 + n) / (1 + df)) + 1``) are set on a fixed-vocabulary vectorizer, which the
    workers then apply to their partitions.

    Returns
    -------
    tuple
        ``(matrix, vectorizer)`` exactly like ``fit_tfidf``.
    """
    import dask.bag as db
    import numpy as np
    from scipy import sparse

    from helpers.vectorize import build_vectorizer

    if options.get("max_features") is not None:
        raise ValueError("fit_tfidf_on_dask does not support max_features; use min_df/max_df")
    texts = list(texts)
    n_docs = len(texts)
    if n_docs == 0:
        raise ValueError("no documents to vectorise")
    client = connect_dask(address)
    npartitions = max(1, -(-n_docs // partition_size))
    bag = db.from_sequence(texts, npartitions=npartitions)
    frequencies = dict(bag.map(_document_terms, options).flatten().frequencies()
                       .compute(scheduler=client.get))
    template = build_vectorizer(**options)
    min_df, max_df = template.min_df, template.max_df
    low = min_df if isinstance(min_df, int) else min_df * n_docs
    high = max_df if isinstance(max_df, int) else max_df * n_docs
    vocabulary = sorted(t for t, df in frequencies.items() if low <= df <= high)
    if not vocabulary:
        raise ValueError("empty vocabulary: the documents hold only stop words")
    vectorizer = build_vectorizer(**options)
    vectorizer.set_params(vocabulary={t: i for i, t in enumerate(vocabulary)})
    df = np.array([frequencies[t] for t in vocabulary], dtype=np.float64)
    vectorizer.idf_ = np.log((1 + n_docs) / (1 + df)) + 1
    parts = bag.map_partitions(_transform_partition, vectorizer).compute(scheduler=client.get)
    return sparse.vstack(parts).tocsr(), vectorizer
