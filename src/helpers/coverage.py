"""Who carries what: shared wire copy, each outlet's own sentences, and omitted facts.

Wire copy. From the sentence pairs of :func:`helpers.align.align_sentences`, the share of outlet
A's sentences that have a match in outlet B (``share_of_a_in_b``; not symmetric: a short article
copied whole from a long one has share 1 in it, the long one a small share in the short one).
Sentences with no match in any other outlet are the outlet's *unique* sentences: its own
reporting, or its own wording.

Omissions. Sentences of all outlets are grouped into *facts*: TF-IDF vectors of the sentences
(:func:`helpers.vectorize.fit_tfidf`, the kit's one tokenizer) are compared with cosine similarity,
aligned copies are set to similarity 1, and average-linkage agglomerative clustering
(deterministic; scikit-learn's ``AgglomerativeClustering``, computed as it computes it, with
SciPy) cuts the tree where the mean similarity between two groups falls below
``min_similarity``. Each fact is labelled with its most central sentence (highest mean similarity
to the others). A fact that some outlets carry and others do not is a candidate omission: that is
a lead for a close reading, not proof (a fact may be worded too differently to be grouped). The
clustering compares all pairs, so large collections are reduced first: above
:data:`EXACT_FACT_SENTENCES` usable sentences, aligned copies are merged into copy groups
(connected components of the matches; their TF-IDF vectors summed and re-normalised), the
:data:`MAX_FACT_GROUPS` groups carried by most outlets (then most sentences) are clustered as
above, and every other group stays a fact of its own (mostly one outlet's own sentences, which
no other outlet carries). A sentence's centrality is then its group's.
"""

from __future__ import annotations

import heapq

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from sklearn.preprocessing import normalize

from helpers.align import matching_key
from helpers.cache import remember_last
from helpers.grouping import code_texts, code_values, first_rows
from helpers.safe_text import escape_text as escape
from helpers.vectorize import analyze_all, fit_token_documents

MIN_WORDS = 3  # sentences with fewer normalised words are too short to align or to carry a fact
LABEL_CHARS = 90
#: Up to this many usable sentences, every sentence is clustered (all pairs).
EXACT_FACT_SENTENCES = 4000
#: Above it, at most this many copy groups are clustered; the rest are facts of their own.
MAX_FACT_GROUPS = 3000
OVERLAP_COLUMNS = ["outlet_a", "outlet_b", "n_sentences_a", "n_shared", "share_of_a_in_b",
                   "share_low", "share_high",
                   "example"]
COVERAGE_COLUMNS = ["cluster_id", "label", "outlet", "present", "sentence", "n_outlets"]


def _usable(sentences: pd.DataFrame) -> pd.DataFrame:
    """Sentences of at least ``MIN_WORDS`` normalised words (each distinct text is normalised
    once, by :func:`helpers.align.matching_key`: the key the last alignment found, else
    :func:`helpers.align.normalize_sentence`). Remembered for the last table
    (:func:`helpers.cache.remember_last`): do not modify the result."""
    def compute() -> pd.DataFrame:
        shared = code_texts(sentences)  # (shared with the other helpers given the table)
        codes, texts = (shared.codes, shared.texts) if shared.complete else \
            pd.factorize(sentences["text"], use_na_sentinel=False)
        words = np.fromiter((len(matching_key(str(t)).split()) for t in texts.tolist()),
                            dtype=np.int64, count=len(texts))
        return sentences.loc[words[codes] >= MIN_WORDS].reset_index(drop=True)

    return remember_last("usable", (sentences,), compute)


def _sentence_rows(usable: pd.DataFrame, article_ids: pd.Series, positions: pd.Series
                   ) -> np.ndarray:
    """Row of each ``(article_id, position)`` in ``usable`` (-1 when absent; the first row
    when repeated). Looked up in a table with one slot per article and position from the
    smallest position to the article's largest (much faster than a MultiIndex look-up for
    millions of matches)."""
    if usable.empty or len(article_ids) == 0:
        return np.full(len(article_ids), -1, dtype=np.int64)
    articles = pd.Index(usable["article_id"].unique())
    article = articles.get_indexer(usable["article_id"]).astype(np.int64, copy=False)
    position = usable["position"].to_numpy(dtype=np.int64)
    lowest = position.min()
    position = position - lowest
    # Each article's slots (largest position + 1), then an empty one for absent articles (-1).
    span = np.zeros(len(articles) + 1, dtype=np.int64)
    np.maximum.at(span, article, position + 1)
    start = np.concatenate([[0], np.cumsum(span)[:-1]])
    slots, first = np.unique(start[article] + position, return_index=True)
    table = np.full(int(span.sum()) + 1, -1, dtype=np.int64)  # the last slot: not found
    table[slots] = first
    codes = articles.get_indexer(article_ids)
    wanted = positions.to_numpy(dtype=np.int64)
    if lowest:
        wanted = wanted - lowest
    slot = start[codes]
    slot += wanted
    slot[(wanted < 0) | (wanted >= span[codes])] = -1
    return table[slot]


def _usable_pairs(usable: pd.DataFrame, matches: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rows in ``usable`` of the two sentences of each match, for the matches whose two
    sentences are both usable (the others are too short to count), in the order of ``matches``."""
    def compute() -> tuple[np.ndarray, np.ndarray]:
        rows, cols = _match_rows(usable, matches)
        both = (rows >= 0) & (cols >= 0)
        return (rows, cols) if both.all() else (rows[both], cols[both])

    return remember_last("usable_pairs", (usable, matches), compute)


def _match_rows(usable: pd.DataFrame, matches: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Rows in ``usable`` of the sentences ``a`` and ``b`` of each match (-1: not usable);
    remembered (:func:`helpers.cache.remember_last`)."""
    return remember_last("match_rows", (usable, matches), lambda: tuple(
        _sentence_rows(usable, matches[f"article_{side}"], matches[f"position_{side}"])
        for side in "ab"))


def _copy_groups(n: int, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Copy group of each of ``n`` sentences: the connected components of the graph whose
    edges are the pairs ``(rows[k], cols[k])`` (scipy's numbering of the components)."""
    def compute() -> np.ndarray:
        graph = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        return connected_components(graph, directed=False)[1]

    return remember_last("copy_groups", (n, rows, cols), compute)


def _matched_outlets(usable: pd.DataFrame, matches: pd.DataFrame) -> np.ndarray:
    """Which usable sentences have a match in which outlet: a boolean array of one row per
    usable sentence and one column per outlet of ``sorted(usable.outlet)`` (both directions of
    every match; matches with a sentence or outlet not in ``usable`` are left out)."""
    def compute() -> np.ndarray:
        outlets = pd.Index(sorted(usable["outlet"].unique()))
        matched = np.zeros((len(usable), len(outlets)), dtype=bool)
        for rows, other in zip(_match_rows(usable, matches), "ba", strict=True):
            others = outlets.get_indexer(matches[f"outlet_{other}"])
            keep = (rows >= 0) & (others >= 0)
            matched[rows[keep], others[keep]] = True
        return matched

    return remember_last("matched_outlets", (usable, matches), compute)


def summarize_wire_overlap(sentences: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Share of each outlet's sentences that also appear in each other outlet.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``).
    matches
        Output of :func:`helpers.align.align_sentences` on the same sentences.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of different outlets: ``outlet_a``, ``outlet_b``,
        ``n_sentences_a`` (A's sentences of at least three words), ``n_shared`` (how many of
        them have a match in B), ``share_of_a_in_b`` (``n_shared / n_sentences_a``),
        ``share_low`` / ``share_high`` (Wilson 95% interval of that share: with a few dozen
        sentences per outlet a share is uncertain by several points), ``example`` (A's first
        shared sentence, empty when none).
    """
    usable = _usable(sentences)
    totals = usable.groupby("outlet").size()
    shared, examples = _shared_by_outlet(usable, _matched_outlets(usable, matches))
    outlets = sorted(totals.index)
    a, b = np.nonzero(~np.eye(len(outlets), dtype=bool))  # ordered pairs of different outlets
    grid = pd.MultiIndex.from_tuples([(outlets[i], outlets[j]) for i, j in zip(a, b, strict=True)],
                                     names=["outlet_a", "outlet_b"])
    table = pd.DataFrame({"n_shared": shared[a, b].astype(int), "example": examples[a, b]},
                         index=grid).reset_index()
    table["n_sentences_a"] = table["outlet_a"].map(totals).astype(int)
    table["share_of_a_in_b"] = table["n_shared"] / table["n_sentences_a"]
    table["share_low"], table["share_high"] = wilson_interval(table["n_shared"].to_numpy(),
                                                              table["n_sentences_a"].to_numpy())
    return table[OVERLAP_COLUMNS]


def _shared_by_outlet(usable: pd.DataFrame, matched: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each outlet A (row) and outlet B (column) of ``sorted(usable.outlet)``: how many of
    A's sentences have a match in B, and the first of them in (article, position) order (an
    object array, ``""`` when none). ``matched`` is :func:`_matched_outlets`."""
    outlets = pd.Index(sorted(usable["outlet"].unique()))
    own = outlets.get_indexer(usable["outlet"])
    order = np.lexsort((usable["position"].to_numpy(), usable["article_id"].to_numpy(), own))
    bounds = np.searchsorted(own[order], np.arange(len(outlets) + 1))
    texts = usable["text"].to_numpy(dtype=object)
    shared = np.zeros((len(outlets), len(outlets)), dtype=np.int64)
    examples = np.full((len(outlets), len(outlets)), "", dtype=object)
    for k in range(len(outlets)):  # one block of rows per outlet
        rows = order[bounds[k]:bounds[k + 1]]
        block = matched[rows]
        shared[k] = block.sum(axis=0)
        found = np.flatnonzero(shared[k])
        examples[k, found] = texts[rows[block[:, found].argmax(axis=0)]]
    return shared, examples


def wilson_interval(successes: np.ndarray, totals: np.ndarray, *,
                    z: float = 1.959964) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of proportions (Wilson 1927); 95% by default.

    Returns
    -------
    tuple of numpy.ndarray
        ``(low, high)`` per proportion; NaN where the total is 0.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(totals, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def find_unique_sentences(sentences: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Sentences (of at least three words) that match no sentence of any other outlet.

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``outlet``, ``position``, ``text``, sorted by outlet, article, position.
    """
    usable = _usable(sentences)
    unique = usable[~_matched_outlets(usable, matches).any(axis=1)]
    return unique[["article_id", "outlet", "position", "text"]].sort_values(
        ["outlet", "article_id", "position"]).reset_index(drop=True)


#: At most this many sentence pairs are written as a table; above, only the copy groups.
EXPORT_PAIRS = 250_000
COPY_COLUMNS = ["copy_group", "outlets", "sentences", "article_id", "outlet", "position", "text"]


def group_copies(sentences: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """Every matched sentence with its copy group (sentences joined by matches, transitively).

    Returns
    -------
    pandas.DataFrame
        One row per sentence that matches at least one sentence of another outlet:
        ``copy_group`` (0 = the group carried by most outlets, then most sentences),
        ``outlets`` and ``sentences`` (the group's size), ``article_id``, ``outlet``,
        ``position``, ``text``; sorted by group, outlet, article and position.
    """
    usable = _usable(sentences)
    rows, cols = _usable_pairs(usable, matches)
    if not len(rows):
        return pd.DataFrame(columns=COPY_COLUMNS)
    label = _copy_groups(len(usable), rows, cols)
    matched = np.zeros(len(usable), dtype=bool)
    matched[rows] = matched[cols] = True
    table = usable.loc[matched, ["article_id", "outlet", "position", "text"]].copy()
    table["group"] = label[matched]
    size = table.groupby("group").agg(outlets=("outlet", "nunique"),
                                      sentences=("outlet", "size"),
                                      first=("article_id", "min"))
    order = size.sort_values(["outlets", "sentences", "first"],
                             ascending=[False, False, True], kind="stable").index
    table["copy_group"] = table["group"].map({g: k for k, g in enumerate(order)})
    table = table.join(size[["outlets", "sentences"]], on="group")
    return table[COPY_COLUMNS].sort_values(["copy_group", "outlet", "article_id", "position"],
                                           kind="stable").reset_index(drop=True)


def describe_copies(copies: pd.DataFrame, matches: pd.DataFrame) -> str:
    """One sentence on the copy groups and where the pairs are written."""
    if copies.empty:
        return "No sentence is shared between outlets."
    groups = copies.drop_duplicates("copy_group")
    top = groups.iloc[0]
    where = ("every pair is in `sentence_matches.csv`" if len(matches) <= EXPORT_PAIRS else
             f"{len(matches):,} pairs are too many to write as a table (limit "
             f"{EXPORT_PAIRS:,}): `sentence_copies.csv` lists every matched sentence with its "
             "group instead")
    return (f"{len(copies):,} sentences match a sentence of another outlet; they form "
            f"{len(groups):,} copy groups, the largest carried by {int(top['outlets'])} outlets "
            f"({int(top['sentences'])} sentences: “{escape(str(top['text'])[:90])}”); {where}.")


def select_examples(table: pd.DataFrame, *, by: list[str], n: int) -> pd.DataFrame:
    """The first ``n`` rows of each group of ``by`` columns (a readable excerpt of a long table).

    The rows of ``table.groupby(by, sort=False).head(n)`` (rows with a missing value in a
    ``by`` column are left out), grouped with :mod:`helpers.grouping` (a match table's
    ``outlet_a`` comes in long runs, in the order of its sentences ``a``).

    Returns
    -------
    pandas.DataFrame
        The same columns as ``table``, at most ``n`` rows per group, in the table's order. A
        categorical column (a match table's articles, outlets, texts and kinds) comes back as
        a plain column of its values (of its categories' dtype): the excerpt is a table to
        read, and keeps none of the categories of values it does not show.
    """
    if n < 0:
        raise ValueError(f"n must be at least 0, got {n}")
    excerpt = table[first_rows([code_values(table[column]) for column in by], n,
                               rows=len(table))].reset_index(drop=True)
    categorical = [name for name, dtype in excerpt.dtypes.items()
                   if isinstance(dtype, pd.CategoricalDtype)]
    return excerpt.astype({name: _plain_dtype(excerpt[name]) for name in categorical}) \
        if categorical else excerpt


def _plain_dtype(column: pd.Series) -> object:
    """The dtype of a categorical column's values: its categories' (object when a missing
    value would not fit it, e.g. integers)."""
    dtype = column.cat.categories.dtype
    return object if column.hasnans and dtype.kind in "iub" else dtype


def describe_wire_overlap(overlap: pd.DataFrame, unique: pd.DataFrame) -> str:
    """One sentence (markdown) on the largest copy overlap and on each outlet's own sentences."""
    if overlap.empty:
        return "There is only one outlet, so there is nothing to compare."
    top = overlap.sort_values(["share_of_a_in_b", "outlet_a"], ascending=[False, True]).iloc[0]
    counts = unique.groupby("outlet").size().reindex(sorted(overlap["outlet_a"].unique()),
                                                     fill_value=0)
    own = ", ".join(f"{escape(outlet)} {n}" for outlet, n in counts.items())
    if top["n_shared"] == 0:
        lead = "No outlet shares a sentence with another"
    else:
        interval = (f", 95% interval {top['share_low']:.0%}–{top['share_high']:.0%}"
                    if "share_low" in top else "")
        lead = (f"{top['share_of_a_in_b']:.0%} of {escape(top['outlet_a'])}'s sentences "
                f"({top['n_shared']} of {top['n_sentences_a']}{interval}) also appear, copied "
                f"or lightly edited, in {escape(top['outlet_b'])}, the largest overlap in this "
                "collection")
    return f"{lead}; sentences found in no other outlet: {own}."


def _centralities(similarity: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Mean similarity of each row to the other members of its cluster (1 when alone).

    The similarities of a cluster's members are taken as one block, rows and columns in
    index order, so each row's sum adds the same values in the same order as summing the row's
    members one row at a time.
    """
    centrality = np.ones(len(labels), dtype=float)
    order = np.argsort(labels, kind="stable")  # members of a cluster in index order
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    for members in np.split(order, bounds):
        if len(members) > 1:
            block = similarity[np.ix_(members, members)]
            centrality[members] = ((block.sum(axis=1) - similarity[members, members])
                                   / (len(members) - 1))
    return centrality


def _tfidf_rows(texts: pd.Series):
    """:func:`helpers.vectorize.fit_tfidf`'s matrix of ``texts`` (the same stored values), with
    each distinct text tokenised and counted once (wire copy repeats a sentence hundreds of
    times): :func:`helpers.vectorize.fit_token_documents` of the distinct texts' tokens
    (:func:`helpers.vectorize.analyze_all`, remembered per text), one text per row.

    Raises
    ------
    ValueError
        When no text has a term (scikit-learn's "empty vocabulary").
    """
    codes, distinct = pd.factorize(texts)
    return fit_token_documents(analyze_all(distinct.tolist()), codes, np.arange(len(codes)))


def cluster_facts(sentences: pd.DataFrame, matches: pd.DataFrame, *,
                  min_similarity: float = 0.25) -> pd.DataFrame:
    """Group the sentences of all outlets into facts (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        One row per sentence (of at least three words): ``article_id``, ``outlet``, ``position``,
        ``text``, ``cluster_id`` (int, 0 = the fact carried by most outlets), ``centrality``
        (mean similarity to the other sentences of its fact; 1 for a lone sentence).
    """
    usable = _usable(sentences)
    columns = ["article_id", "outlet", "position", "text", "cluster_id", "centrality"]
    if usable.empty:
        return pd.DataFrame(columns=columns)
    matrix = _tfidf_rows(usable["text"].astype(str))
    rows, cols = _usable_pairs(usable, matches)
    if len(usable) <= EXACT_FACT_SENTENCES:
        labels, centrality = _cluster_rows(matrix, (rows, cols), min_similarity)
    else:
        labels, centrality = _cluster_groups(usable, matrix, (rows, cols), min_similarity)
    table = usable[["article_id", "outlet", "position", "text"]].copy()
    table["cluster"] = labels
    table["centrality"] = centrality
    table["first"] = _sorted_codes(table["article_id"])
    order = (table.groupby("cluster")
             .agg(n_outlets=("outlet", "nunique"), first=("first", "min"),
                  position=("position", "min"))
             .sort_values(["n_outlets", "first", "position"], ascending=[False, True, True]))
    renumber = {cluster: k for k, cluster in enumerate(order.index)}
    table["cluster_id"] = table.pop("cluster").map(renumber).astype(int)
    return table[columns].sort_values(["cluster_id", "outlet", "article_id", "position"]) \
        .reset_index(drop=True)


def _sorted_codes(values: pd.Series) -> np.ndarray:
    """Integer codes in the sort order of ``values`` (missing values last): the minimum of a
    group's codes is its smallest value, and far faster to take than a minimum of strings."""
    codes, uniques = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _cluster_rows(matrix, pairs: tuple[np.ndarray, np.ndarray], min_similarity: float,
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Average-linkage clusters of the rows of ``matrix`` (aligned ``pairs`` of rows at
    similarity 1), and each row's centrality (:func:`_centralities`)."""
    similarity = (matrix @ matrix.T).toarray()
    rows, cols = pairs
    similarity[rows, cols] = similarity[cols, rows] = 1.0
    np.fill_diagonal(similarity, 1.0)
    if similarity.shape[0] == 1:
        labels = np.zeros(1, dtype=int)
    else:
        labels = _average_linkage_labels(similarity, 1.0 - min_similarity)
    return labels, _centralities(similarity, labels)


def _average_linkage_labels(similarity: np.ndarray, threshold: float) -> np.ndarray:
    """The labels of scikit-learn's ``AgglomerativeClustering(metric="precomputed",
    linkage="average", distance_threshold=threshold, n_clusters=None)`` fitted on the
    distances ``max(1 - similarity, 0)``, found as it finds them (SciPy's average linkage of
    the distances above the diagonal, the tree cut where merges reach ``threshold``,
    :func:`_cut_tree`) without its square distance matrix, the row and column indices of its
    upper triangle (each as large) and its import of :mod:`sklearn.cluster`. On 3,000 copy
    groups that is 70 MB of new arrays fewer, whose first writes cost 0.05-0.8 s depending
    on the machine's memory (tests check the labels equal scikit-learn's)."""
    from scipy.cluster import hierarchy
    from scipy.spatial.distance import squareform

    # The values above the diagonal, row by row (numpy.triu_indices(n, k=1) order).
    distance = squareform(similarity, force="tovector", checks=False)
    np.subtract(1.0, distance, out=distance)
    np.maximum(distance, 0.0, out=distance)
    tree = hierarchy.linkage(distance, method="average")
    n_clusters = int(np.count_nonzero(tree[:, 2] >= threshold)) + 1
    return _cut_tree(n_clusters, tree[:, :2].astype(int).tolist(), len(similarity))


def _cut_tree(n_clusters: int, children: list[list[int]], n_leaves: int) -> np.ndarray:
    """Each leaf's cluster when the tree ``children`` (merge ``i`` joins ``children[i]`` into
    node ``n_leaves + i``) is cut into ``n_clusters``: the last merges undone one by one, the
    clusters numbered as scikit-learn's ``_hc_cut`` numbers them (the order of its heap)."""
    nodes = [-(max(children[-1]) + 1)]
    for _ in range(n_clusters - 1):
        first, second = children[-nodes[0] - n_leaves]
        heapq.heappush(nodes, -first)
        heapq.heappushpop(nodes, -second)
    labels = np.zeros(n_leaves, dtype=np.intp)
    for label, node in enumerate(nodes):
        leaves, pending = [], [-node]
        while pending:
            item = pending.pop()
            if item < n_leaves:
                leaves.append(item)
            else:
                pending.extend(children[item - n_leaves])
        labels[leaves] = label
    return labels


def _cluster_groups(usable: pd.DataFrame, matrix, pairs: tuple[np.ndarray, np.ndarray],
                    min_similarity: float) -> tuple[np.ndarray, np.ndarray]:
    """Cluster copy groups (large collections): see the module docstring."""
    n = len(usable)
    group = _copy_groups(n, *pairs)
    stats = pd.DataFrame({"group": group, "outlet": usable["outlet"].to_numpy()}).groupby(
        "group").agg(outlets=("outlet", "nunique"), size=("outlet", "size"))
    chosen = stats.sort_values(["outlets", "size"], ascending=False,
                               kind="stable").index[:MAX_FACT_GROUPS].to_numpy()
    lookup = np.full(int(group.max()) + 1 if n else 0, -1, dtype=np.int64)
    lookup[chosen] = np.arange(len(chosen))
    member = lookup[group]
    picked = np.flatnonzero(member >= 0)
    summing = sparse.csr_matrix((np.ones(len(picked)), (member[picked], picked)),
                                shape=(len(chosen), n))
    vectors = normalize(summing @ matrix)
    none = np.zeros(0, dtype=np.int64)
    fact, group_centrality = _cluster_rows(vectors, (none, none), min_similarity)
    labels = np.where(member >= 0, fact[np.maximum(member, 0)], len(chosen) + group)
    centrality = np.where(member >= 0, group_centrality[np.maximum(member, 0)], 1.0)
    return labels, centrality


def build_coverage_matrix(facts: pd.DataFrame, outlets: list[str] | None = None) -> pd.DataFrame:
    """Presence/absence of every fact in every outlet.

    Parameters
    ----------
    facts
        Output of :func:`cluster_facts`.
    outlets
        All outlets of the collection (default: those in ``facts``).

    Returns
    -------
    pandas.DataFrame
        One row per fact and outlet: ``cluster_id``, ``label`` (the fact's most central sentence,
        truncated to 90 characters), ``outlet``, ``present`` (bool), ``sentence`` (the outlet's
        first sentence of the fact, empty when absent), ``n_outlets`` (outlets carrying it).
    """
    outlets = sorted(outlets if outlets is not None else facts["outlet"].unique(), key=str.casefold)
    if facts.empty:
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    central = (facts.sort_values(["cluster_id", "centrality", "article_id", "position"],
                                 ascending=[True, False, True, True], kind="stable")
               .groupby("cluster_id", sort=True)["text"].first())
    labels = central.map(lambda t: t if len(t) <= LABEL_CHARS
                         else t[:LABEL_CHARS - 1].rstrip() + "…")
    n_outlets = facts.groupby("cluster_id", sort=True)["outlet"].nunique()
    own = (facts.sort_values(["article_id", "position"], kind="stable")
           .groupby(["cluster_id", "outlet"], sort=False)["text"].first())
    grid = pd.MultiIndex.from_product([central.index, outlets], names=["cluster_id", "outlet"])
    sentence = own.reindex(grid)
    table = pd.DataFrame({"present": sentence.notna().to_numpy(),
                          "sentence": sentence.fillna("").to_numpy()}, index=grid).reset_index()
    table["cluster_id"] = table["cluster_id"].astype(int)
    table["label"] = table["cluster_id"].map(labels)
    table["n_outlets"] = table["cluster_id"].map(n_outlets).astype(int)
    return table[COVERAGE_COLUMNS]


def describe_coverage(matrix: pd.DataFrame) -> str:
    """One sentence (markdown) on the facts every outlet carries and the most-omitted ones."""
    if matrix.empty:
        return "There are no sentences to compare."
    n_outlets = matrix["outlet"].nunique()
    facts = matrix.drop_duplicates("cluster_id")
    everywhere = int((facts["n_outlets"] == n_outlets).sum())
    partial = facts[(facts["n_outlets"] > 1) & (facts["n_outlets"] < n_outlets)]
    text = (f"Of {len(facts)} facts, {everywhere} appear in all {n_outlets} outlets and "
            f"{int((facts['n_outlets'] == 1).sum())} in only one")
    if len(partial):
        top = partial.iloc[0]
        missing = matrix[(matrix["cluster_id"] == top["cluster_id"]) & ~matrix["present"]]
        text += (f"; the most widely carried fact that some outlets leave out "
                 f"(“{escape(top['label'])}”) is missing from "
                 f"{escape(', '.join(missing['outlet']))}")
    return text + "."
