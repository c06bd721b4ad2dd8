"""Topics of a collection: NMF on TF-IDF (default) or LDA on counts, fitted on paragraphs.

Method
    Units (paragraphs by default; see :mod:`helpers.topic_units`) are vectorised with the kit's
    one tokenizer (:mod:`helpers.vectorize`), keeping terms found in at least ``min_df`` units.
    Near-duplicate units (wire copy) are collapsed to one representative before fitting.
    ``method="nmf"`` factorises the TF-IDF matrix (Lee & Seung 1999; scikit-learn's coordinate
    descent solver, random initialisation from the seed); ``method="lda"`` fits latent Dirichlet
    allocation on term counts (Blei, Ng & Jordan 2003; batch variational Bayes). A unit's topic
    weights are normalised to sum to 1.

Choosing k
    Every k in ``k_range`` (capped by the number of units and terms) is fitted with ``n_seeds``
    seeds. Coherence is the mean NPMI of each topic's top-term pairs, counted in the collection's
    own units; stability is the mean best-match Jaccard overlap of top terms between the first
    seed and the others (:mod:`helpers.coherence`). The chosen k maximises
    ``score = ((coherence + 1) / 2 + stability) / 2``, the smallest k on ties; ``n_topics``
    overrides it. The whole table is kept in ``selection_`` so the reader sees how clear the
    choice was.

Large collections
    Near-duplicate grouping is sub-quadratic (exact token hashing, then prefix-filtered cosine
    candidates; :mod:`helpers.topic_units`). When more than ``SELECTION_UNITS`` (1,500) distinct
    units remain, k is chosen on samples: each of ``LARGE_SEEDS`` (2) seeds fits every k on its
    own seeded sample of 1,500 units (the subsampling of Greene et al. 2014), with tolerance
    ``LARGE_TOL`` (1e-4) and at most ``SELECTION_MAX_ITER`` (300) iterations, enough to rank k;
    coherence is counted in the first seed's sample. Then the chosen k is fitted once on all
    units (tolerance 1e-4, at most 1,000 iterations) and reported. Smaller collections (the seed
    collection) keep the exact rule above (all units, ``n_seeds`` seeds, tolerance 1e-5), so
    their topics do not change. A fit that reaches its iteration limit is not an error:
    ``converged_`` records it and :func:`describe_topic_selection` says so.

Everything is deterministic for a given seed. On ~100 paragraphs the topics are a description
of this collection, not an estimate of anything beyond it.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn import __version__ as sklearn_version
from sklearn.decomposition import NMF, LatentDirichletAllocation, non_negative_factorization
from sklearn.exceptions import ConvergenceWarning

from helpers.coherence import score_npmi, score_stability
from helpers.reuse import FitStore, digest_sources, hash_texts, measure_drift
from helpers.topic_tables import (  # noqa: F401  (one public surface for topics)
    _normalise,
    assign_sections,
    compute_topic_positions,
    compute_topic_shares,
    describe_representative_paragraphs,
    describe_topic_positions,
    describe_topic_selection,
    describe_topic_shares,
    describe_topics,
    select_representative_paragraphs,
)
from helpers.topic_units import (
    REQUIRED_COLUMNS,
    build_units,
    first_members,
    group_duplicates,
    group_similar_rows,
)
from helpers.vectorize import build_count_vectorizer, build_vectorizer

METHODS: tuple[str, ...] = ("nmf", "lda")
#: Terms that make a topic's label.
LABEL_TERMS = 3
#: Variational Bayes passes for LDA (batch); enough to converge on a few thousand units.
LDA_ITER = 40
#: NMF stopping rule (scikit-learn's coordinate descent): relative tolerance, iteration cap.
NMF_TOL = 1e-5
NMF_MAX_ITER = 1000
#: Above this many distinct units the collection is "large": k is chosen on seeded samples of
#: this many units, with LARGE_SEEDS seeds, tolerance LARGE_TOL and SELECTION_MAX_ITER
#: iterations; then one fit on all units (tolerance LARGE_TOL) is reported.
SELECTION_UNITS = 1500
LARGE_SEEDS = 2
LARGE_TOL = 1e-4
SELECTION_MAX_ITER = 300
#: The code a saved fit was made with (read at import: the code that runs); with scikit-learn's
#: version, part of the options a fit must share to be reused.
_FIT_CODE = digest_sources("topics.py", "topic_units.py", "vectorize.py", "coherence.py")


class TopicModelError(ValueError):
    """The collection cannot support the requested topic model; the message says what to do."""


class TopicModel:
    """Topic model of a collection's paragraphs, following scikit-learn's estimator contract.

    Parameters
    ----------
    n_topics
        Number of topics; ``None`` or ``0`` chooses k within ``k_range`` automatically.
    method
        ``"nmf"`` (NMF on TF-IDF) or ``"lda"`` (LDA on counts).
    unit
        ``"paragraph"``, ``"sentences"`` (windows of ``window`` sentences) or ``"article"``.
    collapse_duplicates, duplicate_threshold
        Collapse units whose TF-IDF cosine is at least the threshold before fitting.
    k_range
        Smallest and largest k tried when choosing automatically.
    n_seeds
        Seeds per k for the stability score (``seed``, ``seed + 1``, ...).
    n_top_terms
        Top terms per topic (for coherence, stability and the ``topics_`` table).
    min_df, max_df
        Vocabulary pruning, passed to the vectorizer.
    window
        Sentences per unit when ``unit="sentences"``.
    seed
        Random seed of the reported fit.
    store
        Where the collection keeps its fits (:func:`helpers.reuse.open_fit_store`). With a
        store, an NMF fit is saved after fitting, and a saved fit with the same options is
        reused while the units changed by at most 5% (see :mod:`helpers.reuse`); ``None``
        (the default) always fits afresh and saves nothing. LDA always fits afresh.

    Attributes
    ----------
    k_ : int
        Number of topics fitted.
    units_ : pandas.DataFrame
        One row per unit: ``article_id``, ``outlet``, ``position``, ``paragraph``, ``text``,
        ``words``, ``group`` (row index of the unit's near-duplicate representative).
    doc_topic_ : numpy.ndarray
        Units × topics weights, each row summing to 1 (0 for a unit with no vocabulary term).
    vocabulary_ : numpy.ndarray
        The terms kept after pruning.
    components_ : numpy.ndarray
        Topics × terms weights of the fitted model.
    topics_ : pandas.DataFrame
        ``topic`` (1 = largest), ``label``, ``top_terms`` (comma-separated), ``weight`` (share of
        all words in the collection).
    terms_ : pandas.DataFrame
        ``topic``, ``label``, ``rank`` (1 = top), ``term``, ``weight`` (normalised so each
        topic's term weights sum to 1).
    converged_ : bool
        Whether the reported fit met its tolerance before the iteration limit (NMF).
    selection_ : pandas.DataFrame
        ``k``, ``coherence`` (mean NPMI), ``stability``, ``score``, ``chosen`` (bool), ``manual``
        (True when k was set by hand).
    reuse_ : helpers.reuse.Drift or None
        ``None`` when the model was fitted on this call's units; else how far they are from the
        units of the reused fit (topics, their order, labels, terms and the k selection are the
        fit's; only the units' weights and the topics' shares are of this call).
    """

    def __init__(self, n_topics: int | None = None, *, method: str = "nmf", unit: str = "paragraph",
                 collapse_duplicates: bool = True, duplicate_threshold: float = 0.8,
                 k_range: tuple[int, int] = (2, 8), n_seeds: int = 4, n_top_terms: int = 10,
                 min_df: int | float = 2, max_df: int | float = 0.9, window: int = 3,
                 seed: int = 0, store: FitStore | None = None) -> None:
        self.n_topics = n_topics
        self.method = method
        self.unit = unit
        self.collapse_duplicates = collapse_duplicates
        self.duplicate_threshold = duplicate_threshold
        self.k_range = k_range
        self.n_seeds = n_seeds
        self.n_top_terms = n_top_terms
        self.min_df = min_df
        self.max_df = max_df
        self.window = window
        self.seed = seed
        self.store = store

    def fit(self, paragraphs: pd.DataFrame, y=None) -> TopicModel:
        """Fit the topics on the corpus ``paragraphs`` table; return ``self``."""
        if self.method not in METHODS:
            raise TopicModelError(f"method must be one of {METHODS}, got {self.method!r}")
        missing = [c for c in REQUIRED_COLUMNS if c not in paragraphs.columns]
        if missing:
            raise TopicModelError(f"the paragraphs table lacks columns {missing}; pass "
                                  "corpus.paragraphs from helpers.corpus.load_collection")
        units = build_units(paragraphs, unit=self.unit, window=self.window)
        n_articles = units["article_id"].nunique()
        if n_articles < 2:
            raise TopicModelError(
                f"topics need at least two articles and this collection has {n_articles}; "
                "add articles (ideally from several outlets) to the collection folder")
        if self.store is not None and self.method == "nmf" and self._reuse(units):
            return self
        group = (group_duplicates(units["text"].tolist(), threshold=self.duplicate_threshold)
                 if self.collapse_duplicates else np.arange(len(units)))
        units["group"] = group
        reps = np.unique(group)
        matrix, vocabulary, idf = self._vectorize(units["text"].to_numpy()[reps])
        ks, manual = self._candidate_ks(len(reps), len(vocabulary))
        large = matrix.shape[0] > SELECTION_UNITS
        rows, fits = [], {}
        for k in ks:
            runs = self._runs(matrix, k, large=large)
            tops = [[_top_indices(h, self.n_top_terms) for h in run[1]] for run in runs]
            coherence = float(np.nanmean(score_npmi(tops[0], runs[0][3])))
            stability = score_stability([[vocabulary[t].tolist() for t in top] for top in tops])
            fits[k] = runs[0]
            rows.append({"k": k, "coherence": coherence, "stability": stability})
        selection = pd.DataFrame(rows, columns=["k", "coherence", "stability"])
        stability = selection["stability"].fillna(1.0)
        selection["score"] = ((selection["coherence"] + 1) / 2 + stability) / 2
        chosen = manual or int(selection.loc[selection["score"].idxmax(), "k"])
        selection["chosen"] = selection["k"] == chosen
        selection["manual"] = bool(manual)
        self.selection_ = selection
        final = _fit_once(matrix, chosen, self.method, self.seed, tol=LARGE_TOL,
                          max_iter=NMF_MAX_ITER) if large else fits[chosen]
        self.converged_ = bool(final[2])
        self.reuse_ = None
        self._store(units, reps, final[0], final[1], vocabulary)
        if self.store is not None and self.method == "nmf":
            self._save_fit(idf, matrix, units["text"].to_numpy()[reps])
        return self

    def _fit_options(self) -> dict:
        """The options a saved fit must share to be reused (everything but the store)."""
        return {"model": "topics", "n_topics": int(self.n_topics or 0), "method": self.method,
                "unit": self.unit, "collapse_duplicates": self.collapse_duplicates,
                "duplicate_threshold": self.duplicate_threshold,
                "k_range": [int(v) for v in self.k_range], "n_seeds": self.n_seeds,
                "n_top_terms": self.n_top_terms, "min_df": self.min_df, "max_df": self.max_df,
                "window": self.window, "seed": self.seed, "code": _FIT_CODE,
                "scikit-learn": sklearn_version}

    def _save_fit(self, idf: np.ndarray, matrix: sparse.csr_matrix, rep_texts: np.ndarray
                  ) -> None:
        """Save the fit in :attr:`store`: one row of weights per distinct unit text, and the
        TF-IDF rows of the representatives (``matrix``, one row per text of ``rep_texts``),
        against which new units are grouped when the fit is reused."""
        hashes = hash_texts(self.units_["text"])
        group_hashes = hashes[self.units_["group"].to_numpy()]
        first = ~pd.Series(hashes).duplicated().to_numpy()
        units = pd.DataFrame({"hash": hashes[first], "group": group_hashes[first]})
        for t in range(self.k_):
            units[f"w{t}"] = self.doc_topic_[first, t]
        rows = matrix.tocoo()
        self.store.save("topics", self._fit_options(), {
            "k": self.k_, "converged": self.converged_, "units": units,
            "reps": pd.DataFrame({"hash": hash_texts(rep_texts)}),
            "rep_rows": pd.DataFrame({"row": rows.row.astype(np.int64),
                                      "col": rows.col.astype(np.int64), "value": rows.data}),
            "components": pd.DataFrame({"value": self.components_.ravel()}),
            "vocabulary": pd.DataFrame({"term": self.vocabulary_.astype(str),
                                        "idf": idf}),
            "selection": self.selection_.reset_index(drop=True)})

    def _reuse(self, units: pd.DataFrame) -> bool:
        """Reuse the store's saved fit for ``units`` when it allows; return whether it did."""
        saved = _read_saved_fit(self.store.load("topics", self._fit_options()))
        if saved is None:
            return False
        hashes = hash_texts(units["text"])
        drift = measure_drift(saved.hashes, hashes)
        if not self.store.allows(drift):
            return False
        row = pd.Index(saved.hashes).get_indexer(hashes)
        known = row >= 0
        weights = np.zeros((len(units), len(saved.components)))
        weights[known] = saved.weights[row[known]]
        group_hash = np.where(known, saved.groups[np.maximum(row, 0)], hashes)
        if not known.all():
            _, first, inverse = np.unique(hashes[~known], return_index=True, return_inverse=True)
            new_weights, new_groups = self._place_new(
                units["text"].to_numpy()[~known][first], hashes[~known][first], saved)
            weights[~known] = new_weights[inverse.ravel()]
            group_hash[~known] = new_groups[inverse.ravel()]
        units["group"] = (first_members(group_hash) if self.collapse_duplicates
                          else np.arange(len(units)))
        self.selection_ = saved.selection
        self.converged_ = saved.converged
        self.reuse_ = drift
        self._describe_fit(units, weights, saved.components, saved.vocabulary,
                           order=np.arange(len(saved.components)))
        return True

    def _place_new(self, texts: np.ndarray, hashes: np.ndarray, saved: _SavedFit
                   ) -> tuple[np.ndarray, np.ndarray]:
        """Weights and group hashes of new distinct unit texts under a reused fit.

        With ``collapse_duplicates``, a new text whose TF-IDF cosine (the fit's weights) to a
        fitted representative is at least ``duplicate_threshold`` joins the most similar one's
        group and takes its weights; the other new texts are grouped among themselves the same
        way (connected components), and each group takes the weights that
        :func:`place_units` gives its first text. Without, each text is placed on its own.
        """
        matrix = vectorize_with_fit(texts, vocabulary=saved.vocabulary, idf=saved.idf)
        weights = np.zeros((len(texts), len(saved.components)))
        groups = hashes.copy()
        rest = np.arange(len(texts))
        if self.collapse_duplicates and len(saved.rep_hashes):
            similarity = (matrix @ saved.rep_rows.T).tocsr()
            best = np.asarray(similarity.argmax(axis=1)).ravel()
            value = np.asarray(similarity[np.arange(len(texts)), best]).ravel()
            joined = value >= self.duplicate_threshold - 1e-12
            rep_row = pd.Index(saved.hashes).get_indexer(saved.rep_hashes[best[joined]])
            weights[joined] = saved.weights[rep_row]
            groups[joined] = saved.groups[rep_row]
            rest = np.flatnonzero(~joined)
        if len(rest):
            first = (group_similar_rows(matrix[rest], self.duplicate_threshold)
                     if self.collapse_duplicates else np.arange(len(rest)))
            reps = np.unique(first)
            placed = _solve_weights(matrix[rest[reps]], saved.components)
            weights[rest] = placed[np.searchsorted(reps, first)]
            groups[rest] = hashes[rest[first]]
        return weights, groups

    def _runs(self, matrix: sparse.csr_matrix, k: int, *, large: bool) -> list[tuple]:
        """Seeded fits of k topics: ``(weights, components, converged, rows_fitted)`` each.

        Small: ``n_seeds`` fits on all units. Large: ``LARGE_SEEDS`` fits, each on its own
        seeded sample of ``SELECTION_UNITS`` units (Greene et al. 2014 subsample), looser
        tolerance and fewer iterations (enough to rank k; the reported fit is done afterwards).
        """
        if not large:
            return [(*_fit_once(matrix, k, self.method, self.seed + s), matrix)
                    for s in range(self.n_seeds)]
        runs = []
        for s in range(min(self.n_seeds, LARGE_SEEDS)):
            rng = np.random.default_rng(self.seed + s)
            rows = matrix[np.sort(rng.choice(matrix.shape[0], SELECTION_UNITS, replace=False))]
            runs.append((*_fit_once(rows, k, self.method, self.seed + s, tol=LARGE_TOL,
                                    max_iter=SELECTION_MAX_ITER), rows))
        return runs

    def _vectorize(self, texts: np.ndarray
                   ) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray | None]:
        """The units' matrix, its terms and (NMF) the IDF weights of the terms."""
        min_df = self.min_df
        if isinstance(min_df, int) and min_df > 1 and len(texts) < 2 * min_df:
            raise TopicModelError(
                f"only {len(texts)} distinct {self.unit} units remain after collapsing wire "
                "copy; add articles, or use unit='paragraph' / unit='sentences'")
        vectorizer = (build_vectorizer(min_df=min_df, max_df=self.max_df) if self.method == "nmf"
                      else build_count_vectorizer(min_df=min_df, max_df=self.max_df))
        try:
            matrix = vectorizer.fit_transform(list(texts)).tocsr()
        except ValueError as error:  # empty vocabulary after stop words / pruning
            raise TopicModelError(
                f"no usable vocabulary for topics ({error}); the texts are too short or "
                f"repetitive: add articles or lower min_df (now {min_df})") from error
        return (matrix, vectorizer.get_feature_names_out(),
                vectorizer.idf_ if self.method == "nmf" else None)

    def _candidate_ks(self, n_units: int, n_terms: int) -> tuple[list[int], int]:
        low, high = (int(v) for v in self.k_range)
        if n_terms < 2 * max(low, 2):
            raise TopicModelError(
                f"only {n_terms} terms occur in at least {self.min_df} units: too tiny a "
                "vocabulary for topics; add articles or lower min_df")
        manual = int(self.n_topics or 0)
        if manual:
            if manual < 2 or manual > min(n_units, n_terms):
                raise TopicModelError(
                    f"n_topics={manual} needs 2 <= k <= {min(n_units, n_terms)} ({n_units} "
                    f"distinct units, {n_terms} terms); choose fewer topics or add articles")
        high = min(high, n_units - 1, n_terms - 1)
        ks = list(range(max(low, 2), high + 1))
        if not ks and not manual:
            raise TopicModelError(
                f"{n_units} distinct units are fewer than the {max(low, 2) + 1} needed to "
                "choose between topic counts; add articles or use a finer unit")
        return sorted(set(ks) | ({manual} if manual else set())), manual

    def _store(self, units: pd.DataFrame, reps: np.ndarray, weights: np.ndarray,
               components: np.ndarray, vocabulary: np.ndarray) -> None:
        rep_weights = _normalise(weights)
        row_of_rep = {int(r): i for i, r in enumerate(reps)}
        doc_topic = rep_weights[[row_of_rep[int(g)] for g in units["group"]]]
        self._describe_fit(units, doc_topic, components, vocabulary)

    def _describe_fit(self, units: pd.DataFrame, doc_topic: np.ndarray, components: np.ndarray,
                      vocabulary: np.ndarray, *, order: np.ndarray | None = None) -> None:
        """Set the fitted attributes; topics are numbered by size unless ``order`` is given
        (a reused fit keeps its numbering)."""
        size = (doc_topic * units["words"].to_numpy()[:, None]).sum(axis=0)
        if order is None:
            order = sorted(range(len(size)), key=lambda t: (-size[t], t))
        self.k_ = len(order)
        self.units_ = units.reset_index(drop=True)
        self.doc_topic_ = doc_topic[:, order]
        self.components_ = components[order]
        self.vocabulary_ = vocabulary
        share = size[order] / size.sum() if size.sum() > 0 else np.zeros(len(order))
        term_rows, topic_rows = [], []
        for t, h in enumerate(self.components_, start=1):
            top = _top_indices(h, self.n_top_terms)
            norm = h.sum() or 1.0
            terms = vocabulary[top].tolist()
            topic_rows.append({"topic": t, "label": ", ".join(terms[:LABEL_TERMS]),
                               "top_terms": ", ".join(terms), "weight": float(share[t - 1])})
            term_rows.extend({"topic": t, "rank": r, "term": term, "weight": float(h[j] / norm)}
                             for r, (j, term) in enumerate(zip(top, terms, strict=True), start=1))
        self.topics_ = _unique_labels(pd.DataFrame(topic_rows))
        terms_table = pd.DataFrame(term_rows, columns=["topic", "rank", "term", "weight"])
        self.terms_ = terms_table.merge(self.topics_[["topic", "label"]], on="topic")[
            ["topic", "label", "rank", "term", "weight"]]


def _fit_once(matrix: sparse.csr_matrix, k: int, method: str, seed: int, *,
              tol: float = NMF_TOL, max_iter: int = NMF_MAX_ITER):
    """Return (unit × topic weights, topic × term components, converged) of one seeded fit.

    scikit-learn's ConvergenceWarning is caught: reaching ``max_iter`` is reported as
    ``converged = False`` (kept in ``TopicModel.converged_`` and said in the notebook).
    """
    if method == "nmf":
        model = NMF(n_components=k, init="random", random_state=seed, max_iter=max_iter, tol=tol)
    else:
        model = LatentDirichletAllocation(n_components=k, learning_method="batch",
                                          max_iter=LDA_ITER, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)
    converged = method != "nmf" or model.n_iter_ < max_iter
    return weights, model.components_, converged


class _SavedFit(NamedTuple):
    """A fit read back from a :class:`helpers.reuse.FitStore` (see ``TopicModel._save_fit``)."""

    hashes: np.ndarray  # distinct unit texts fitted on (helpers.reuse.hash_texts)
    groups: np.ndarray  # hash of each text's near-duplicate representative
    weights: np.ndarray  # texts × topics, rows summing to 1 (or 0)
    components: np.ndarray  # topics × terms, in topic order
    vocabulary: np.ndarray
    idf: np.ndarray
    selection: pd.DataFrame
    converged: bool
    rep_hashes: np.ndarray  # hash of each representative text fitted on
    rep_rows: sparse.csr_matrix  # their TF-IDF rows (the fit's weights)


def _read_saved_fit(saved: Mapping | None) -> _SavedFit | None:
    """The arrays of a saved fit; ``None`` when there is none or it is not well formed."""
    if saved is None:
        return None
    try:
        k, units, terms = int(saved["k"]), saved["units"], saved["vocabulary"]
        reps, cells = saved["reps"]["hash"].to_numpy(np.uint64), saved["rep_rows"]
        rep_rows = sparse.csr_matrix(
            (cells["value"].to_numpy(np.float64), (cells["row"].to_numpy(np.int64),
                                                   cells["col"].to_numpy(np.int64))),
            shape=(len(reps), len(terms)))
        fit = _SavedFit(
            hashes=units["hash"].to_numpy(np.uint64), groups=units["group"].to_numpy(np.uint64),
            weights=units[[f"w{t}" for t in range(k)]].to_numpy(np.float64),
            components=saved["components"]["value"].to_numpy(np.float64).reshape(k, len(terms)),
            vocabulary=terms["term"].to_numpy(dtype=object),
            idf=terms["idf"].to_numpy(np.float64), selection=saved["selection"],
            converged=bool(saved["converged"]), rep_hashes=reps, rep_rows=rep_rows)
        usable = (k >= 1 and bool(fit.selection["chosen"].any())
                  and pd.Index(fit.hashes).is_unique and bool(np.isin(reps, fit.hashes).all())
                  and all(np.isfinite(a).all() and (a >= 0).all()
                          for a in (fit.weights, fit.components, fit.idf, rep_rows.data)))
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return fit if usable else None


def place_units(texts, *, vocabulary: np.ndarray, idf: np.ndarray,
                components: np.ndarray) -> np.ndarray:
    """Topic weights of new units under a fitted NMF model, held fixed.

    The texts are vectorised with the fit's vocabulary and IDF weights (the kit's TF-IDF), and
    each unit's weights solve the non-negative least squares problem against the fixed
    topic-term matrix (scikit-learn's coordinate descent, as ``NMF.transform``). Rows are
    normalised to sum to 1 (0 for a unit with no vocabulary term).

    Returns
    -------
    numpy.ndarray
        Units × topics weights.
    """
    return _solve_weights(vectorize_with_fit(texts, vocabulary=vocabulary, idf=idf), components)


def vectorize_with_fit(texts, *, vocabulary: np.ndarray, idf: np.ndarray) -> sparse.csr_matrix:
    """The kit's TF-IDF rows of ``texts`` with a fit's vocabulary and IDF weights, held fixed
    (terms outside the vocabulary are ignored; rows L2-normalised)."""
    vectorizer = build_vectorizer()
    vectorizer.vocabulary_ = {str(term): j for j, term in enumerate(vocabulary)}
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer.transform(list(texts)).tocsr()


def _solve_weights(matrix: sparse.csr_matrix, components: np.ndarray) -> np.ndarray:
    """NNLS weights of the rows of ``matrix`` against fixed ``components``, rows summing to 1
    (or 0 for an empty row)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights, _, _ = non_negative_factorization(
            matrix, H=np.asarray(components, dtype=np.float64), n_components=len(components),
            update_H=False, solver="cd", tol=NMF_TOL, max_iter=NMF_MAX_ITER)
    return _normalise(weights)


def _top_indices(row: np.ndarray, n: int) -> list[int]:
    """Indices of the ``n`` largest positive entries (ties by index)."""
    order = np.lexsort((np.arange(len(row)), -row))
    return [int(j) for j in order[:n] if row[j] > 0]


def _unique_labels(topics: pd.DataFrame) -> pd.DataFrame:
    seen = topics["label"].duplicated(keep="first")
    topics.loc[seen, "label"] = [f"{label} ({t})" for label, t in
                                 zip(topics.loc[seen, "label"], topics.loc[seen, "topic"],
                                     strict=True)]
    return topics


def fit_topics(paragraphs: pd.DataFrame, *, k: int | None = None, method: str = "nmf",
               unit: str = "paragraph", collapse_duplicates: bool = True,
               seed: int = 0, store: FitStore | None = None) -> TopicModel:
    """Fit a :class:`TopicModel` on the corpus ``paragraphs``.

    ``k=None`` or ``k=0`` chooses the number of topics automatically (see the module docstring);
    the other options are those of :class:`TopicModel`.

    Raises
    ------
    TopicModelError
        One article, too tiny a vocabulary, or fewer distinct units than topics.
    """
    return TopicModel(k, method=method, unit=unit, collapse_duplicates=collapse_duplicates,
                      seed=seed, store=store).fit(paragraphs)


def rename_topics(model: TopicModel, names: Mapping[int | str, str]) -> TopicModel:
    """Return a copy of ``model`` whose topics carry the given names.

    Parameters
    ----------
    names
        Maps a topic number (1 = largest) or its current label to a new label.
    """
    topics = model.topics_.copy()
    for key, name in names.items():
        by_number = isinstance(key, (int, np.integer))
        hit = topics["topic"] == key if by_number else topics["label"] == key
        if not hit.any():
            raise TopicModelError(f"no topic {key!r}; topics are {topics['topic'].tolist()} "
                                  f"labelled {topics['label'].tolist()}")
        topics.loc[hit, "label"] = str(name)
    if topics["label"].duplicated().any():
        raise TopicModelError(f"topic names must be distinct, got {topics['label'].tolist()}")
    renamed = copy.copy(model)
    renamed.topics_ = topics
    renamed.terms_ = model.terms_.drop(columns="label").merge(topics[["topic", "label"]],
                                                              on="topic")[model.terms_.columns]
    return renamed
