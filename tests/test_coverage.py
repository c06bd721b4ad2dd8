"""Wire-copy shares, unique sentences and the fact (omission) matrix on a handmade corpus."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.align import align_sentences
from helpers.coverage import (
    COVERAGE_COLUMNS,
    OVERLAP_COLUMNS,
    build_coverage_matrix,
    cluster_facts,
    describe_coverage,
    describe_wire_overlap,
    find_unique_sentences,
    summarize_wire_overlap,
)

BUILDUP = ("A buildup of more than 100,000 Russian troops near Ukraine has fuelled Western fears "
           "that Moscow is poised to invade its neighbour.")
ISLAND = "China claims the self-governing island as its own territory."
RUDD = "Kevin Rudd called the backing of Moscow highly significant."
GAS = "The gas deal will supply ten billion cubic metres a year."
UYGHURS = "Western nations sent no officials because of the treatment of Uyghurs."


@pytest.fixture(scope="module")
def sentences() -> pd.DataFrame:
    rows = [("a.txt", "Wire A", 0, BUILDUP), ("a.txt", "Wire A", 1, ISLAND),
            ("a.txt", "Wire A", 2, GAS), ("a.txt", "Wire A", 3, RUDD),
            ("b.txt", "Wire B", 0, BUILDUP.replace("fuelled", "fueled")),
            ("b.txt", "Wire B", 1, ISLAND), ("b.txt", "Wire B", 2, "Putin said."),
            ("b.txt", "Wire B", 3, RUDD),
            ("c.txt", "Own", 0, UYGHURS), ("c.txt", "Own", 1, ISLAND)]
    return pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])


@pytest.fixture(scope="module")
def matches(sentences) -> pd.DataFrame:
    return align_sentences(sentences)


def test_summarize_wire_overlap(sentences, matches):
    overlap = summarize_wire_overlap(sentences, matches)
    assert list(overlap.columns) == OVERLAP_COLUMNS
    shares = {(r.outlet_a, r.outlet_b): (r.n_shared, r.n_sentences_a, r.share_of_a_in_b)
              for r in overlap.itertuples()}
    assert shares == {
        ("Own", "Wire A"): (1, 2, 0.5), ("Own", "Wire B"): (1, 2, 0.5),
        ("Wire A", "Own"): (1, 4, 0.25), ("Wire A", "Wire B"): (3, 4, 0.75),
        # "Putin said." is too short to count: Wire B has 3 sentences.
        ("Wire B", "Own"): (1, 3, 1 / 3), ("Wire B", "Wire A"): (3, 3, 1.0),
    }
    example = overlap.set_index(["outlet_a", "outlet_b"]).loc[("Wire A", "Own"), "example"]
    assert example == ISLAND


def test_find_unique_sentences(sentences, matches):
    unique = find_unique_sentences(sentences, matches)
    assert list(unique.columns) == ["article_id", "outlet", "position", "text"]
    assert unique[["outlet", "text"]].values.tolist() == [["Own", UYGHURS], ["Wire A", GAS]]


def test_describe_wire_overlap(sentences, matches):
    text = describe_wire_overlap(summarize_wire_overlap(sentences, matches),
                                 find_unique_sentences(sentences, matches))
    assert text == ("100% of Wire B's sentences (3 of 3, 95% interval 44%–100%) also appear, "
                    "copied or lightly edited, in Wire A, the largest overlap in this collection; "
                    "sentences found in no other outlet: Own 1, Wire A 1, Wire B 0.")


def test_describe_wire_overlap_escapes_outlet_names():
    overlap = pd.DataFrame([{"outlet_a": "<b>X</b>", "outlet_b": "Y", "n_sentences_a": 2,
                             "n_shared": 1, "share_of_a_in_b": 0.5, "example": "s"}])
    unique = pd.DataFrame(columns=["article_id", "outlet", "position", "text"])
    assert "<b>" not in describe_wire_overlap(overlap, unique)
    assert "&lt;b&gt;X&lt;/b&gt;" in describe_wire_overlap(overlap, unique)


def test_cluster_facts(sentences, matches):
    facts = cluster_facts(sentences, matches)
    groups = facts.groupby("cluster_id")["text"].apply(lambda s: sorted(set(s))).to_dict()
    assert groups == {0: [ISLAND], 1: sorted({BUILDUP, BUILDUP.replace("fuelled", "fueled")}),
                      2: [RUDD], 3: [GAS], 4: [UYGHURS]}
    assert "Putin said." not in set(facts["text"])
    assert (facts["centrality"] == 1.0).all()  # copies have similarity 1; lone sentences 1


def test_build_coverage_matrix_and_describe(sentences, matches):
    matrix = build_coverage_matrix(cluster_facts(sentences, matches))
    assert list(matrix.columns) == COVERAGE_COLUMNS
    assert len(matrix) == 5 * 3
    present = matrix.pivot(index="cluster_id", columns="outlet", values="present")
    assert present.astype(int).values.tolist() == [[1, 1, 1], [0, 1, 1], [0, 1, 1], [0, 1, 0],
                                                  [1, 0, 0]]  # columns Own, Wire A, Wire B
    row = matrix[(matrix["cluster_id"] == 1) & (matrix["outlet"] == "Wire B")].iloc[0]
    assert row["sentence"] == BUILDUP.replace("fuelled", "fueled")
    assert row["label"] == BUILDUP[:89].rstrip() + "…"
    absent = matrix[(matrix["cluster_id"] == 1) & (matrix["outlet"] == "Own")]
    assert absent["sentence"].item() == ""
    assert describe_coverage(matrix) == (
        "Of 5 facts, 1 appear in all 3 outlets and 2 in only one; the most widely carried fact "
        f"that some outlets leave out (“{BUILDUP[:89].rstrip()}…”) is missing from Own.")


def test_paraphrases_group_at_a_looser_threshold(sentences, matches):
    paraphrase = pd.DataFrame(
        [("d.txt", "Rewrite", 0, "Rudd called Moscow's backing significant.")],
        columns=sentences.columns)
    both = pd.concat([sentences, paraphrase], ignore_index=True)
    facts = cluster_facts(both, align_sentences(both), min_similarity=0.25)
    rudd = facts[facts["text"].str.contains("Rudd")]
    assert rudd["cluster_id"].nunique() == 1 and set(rudd["outlet"]) == {"Wire A", "Wire B",
                                                                         "Rewrite"}


def test_empty_inputs():
    empty = pd.DataFrame(columns=["article_id", "outlet", "position", "text"])
    matches = align_sentences(empty)
    assert summarize_wire_overlap(empty, matches).empty
    assert cluster_facts(empty, matches).empty
    assert describe_coverage(build_coverage_matrix(cluster_facts(empty, matches))) == (
        "There are no sentences to compare.")


def test_copy_group_path_matches_the_all_pairs_path(sentences, matches, monkeypatch):
    from helpers import coverage

    exact = cluster_facts(sentences, matches)
    monkeypatch.setattr(coverage, "EXACT_FACT_SENTENCES", 0)
    grouped = cluster_facts(sentences, matches)
    pd.testing.assert_frame_equal(exact, grouped)
    monkeypatch.setattr(coverage, "MAX_FACT_GROUPS", 1)  # only the island copies are clustered
    capped = cluster_facts(sentences, matches)
    assert capped.groupby("cluster_id")["outlet"].nunique().tolist() == [3, 2, 2, 1, 1]


def test_select_examples_caps_rows_per_group():
    from helpers.coverage import select_examples

    table = pd.DataFrame({"outlet_a": ["A", "A", "A", "B"], "outlet_b": ["B", "B", "C", "A"],
                          "n": [1, 2, 3, 4]})
    assert select_examples(table, by=["outlet_a", "outlet_b"], n=1)["n"].tolist() == [1, 3, 4]
    assert select_examples(table, by=["outlet_a"], n=5)["n"].tolist() == [1, 2, 3, 4]


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    # Wilson (1927) 95% intervals computed by hand: centre (p + z²/2n)/(1 + z²/n) ± ...
    (34, 35, 0.8547, 0.9949),
    (0, 10, 0.0, 0.2775),
    (5, 10, 0.2366, 0.7634),
])
def test_wilson_interval_matches_hand_values(k, n, low, high):
    from helpers.coverage import wilson_interval

    lo, hi = wilson_interval(np.array([k]), np.array([n]))
    assert (round(float(lo[0]), 4), round(float(hi[0]), 4)) == (low, high)


def test_group_copies_joins_matched_sentences_transitively(sentences, matches, monkeypatch):
    from helpers import coverage

    copies = coverage.group_copies(sentences, matches)
    assert list(copies.columns) == coverage.COPY_COLUMNS
    groups = {g: sorted(zip(t["outlet"], t["position"], strict=True))
              for g, t in copies.groupby("copy_group")}
    # ISLAND is in all three outlets (group 0); BUILDUP and RUDD in the two wires.
    assert groups[0] == [("Own", 1), ("Wire A", 1), ("Wire B", 1)]
    assert sorted(groups.values()) == sorted([[("Own", 1), ("Wire A", 1), ("Wire B", 1)],
                                              [("Wire A", 0), ("Wire B", 0)],
                                              [("Wire A", 3), ("Wire B", 3)]])
    assert copies.set_index("copy_group")["outlets"].to_dict()[0] == 3
    assert GAS not in copies["text"].tolist() and UYGHURS not in copies["text"].tolist()
    sentence = coverage.describe_copies(copies, matches)
    assert sentence.startswith("7 sentences match a sentence of another outlet; they form 3 "
                               "copy groups, the largest carried by 3 outlets (3 sentences")
    assert "every pair is in `sentence_matches.csv`" in sentence
    monkeypatch.setattr(coverage, "EXPORT_PAIRS", 2)
    assert "are too many to write as a table (limit 2)" in coverage.describe_copies(copies,
                                                                                    matches)
    assert coverage.group_copies(sentences, matches.iloc[:0]).empty


def test_write_table_skips_tables_over_max_rows(tmp_path, matches):
    from helpers.export import write_table

    assert write_table(matches, "pairs", tables_dir=tmp_path, max_rows=len(matches)).exists()
    assert write_table(matches, "pairs", tables_dir=tmp_path, max_rows=len(matches) - 1) is None
    assert not (tmp_path / "pairs.csv").exists()  # no stale file from the run before


def test_sentence_rows_first_row_and_absent_keys():
    from helpers.coverage import _sentence_rows

    usable = pd.DataFrame({"article_id": ["b", "a", "b", "a", "b"], "position": [2, 1, 0, 1, 5]})
    rows = _sentence_rows(usable, pd.Series(["a", "b", "b", "b", "c", "a", "b", "a"]),
                          pd.Series([1, 2, 0, 5, 0, 0, 6, -1]))
    # (a, 1) is rows 1 and 3: the first; (a, 0), (b, 6), (a, -1) and article c are absent.
    assert rows.tolist() == [1, 0, 2, 4, -1, -1, -1, -1]
    shifted = usable.assign(position=usable["position"] - 3)  # positions need not start at 0
    assert _sentence_rows(shifted, pd.Series(["b", "a", "b"]), pd.Series([-3, -2, -4])).tolist() \
        == [2, 1, -1]


def test_overlap_counts_and_first_example_in_article_order():
    # Rows are not in (article, position) order: the example is A's first shared sentence by
    # article and position, not by row.
    rows = [("a2.txt", "A", 0, "Moscow and Beijing signed a long joint statement."),
            ("a1.txt", "A", 3, "The gas deal will supply ten billion cubic metres."),
            ("a1.txt", "A", 1, "Western nations sent no officials to the games."),
            ("b1.txt", "B", 0, "The gas deal will supply ten billion cubic metres."),
            ("b1.txt", "B", 1, "Western nations sent no officials to the games."),
            ("b1.txt", "B", 2, "Moscow and Beijing signed a long joint statement."),
            ("c1.txt", "C", 0, "Moscow and Beijing signed a long joint statement."),
            ("c1.txt", "C", 1, "Only outlet C reports this sentence here.")]
    sentences = pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])
    overlap = summarize_wire_overlap(sentences, align_sentences(sentences))
    table = overlap.set_index(["outlet_a", "outlet_b"])[["n_shared", "n_sentences_a", "example"]]
    assert table.to_dict("index") == {
        ("A", "B"): {"n_shared": 3, "n_sentences_a": 3, "example": rows[2][3]},
        ("A", "C"): {"n_shared": 1, "n_sentences_a": 3, "example": rows[0][3]},
        ("B", "A"): {"n_shared": 3, "n_sentences_a": 3, "example": rows[3][3]},
        ("B", "C"): {"n_shared": 1, "n_sentences_a": 3, "example": rows[5][3]},
        ("C", "A"): {"n_shared": 1, "n_sentences_a": 2, "example": rows[6][3]},
        ("C", "B"): {"n_shared": 1, "n_sentences_a": 2, "example": rows[6][3]}}
    assert find_unique_sentences(sentences, align_sentences(sentences))["text"].tolist() == [
        rows[7][3]]


def test_sorted_codes_order_groups_like_the_values():
    from helpers.coverage import _sorted_codes

    values = pd.Series(["b.txt", "a10.txt", None, "a2.txt", "b.txt"], dtype="str")
    assert _sorted_codes(values).tolist() == [2, 0, 3, 1, 2]  # a10 < a2 < b; missing last


def test_tfidf_rows_equal_fit_tfidf_with_repeated_texts():
    from helpers.coverage import _tfidf_rows
    from helpers.vectorize import fit_tfidf

    texts = [BUILDUP, ISLAND, BUILDUP, "Moscow and Beijing, Beijing and Moscow.", ISLAND, BUILDUP,
             "Putin said.", GAS, "Moscow and Beijing, Beijing and Moscow."]
    rows = _tfidf_rows(pd.Series(texts))
    expected, _ = fit_tfidf(texts)
    assert rows.shape == expected.shape
    for part in ("data", "indices", "indptr"):  # same values, stored in the same order
        assert np.array_equal(getattr(rows, part), getattr(expected, part)), part
    assert not np.array_equal(rows[0].toarray(), fit_tfidf(list(dict.fromkeys(texts)))[0][0]
                              .toarray())  # document frequencies count every row


def test_tfidf_rows_without_any_term_raise_like_scikit_learn():
    from helpers.coverage import _tfidf_rows

    with pytest.raises(ValueError, match="empty vocabulary"):
        _tfidf_rows(pd.Series(["It is what it is.", "It is what it is.", "He was there."]))


def test_centralities_by_hand():
    from helpers.coverage import _centralities

    similarity = np.array([[1.0, 0.5, 0.2, 0.9],
                           [0.5, 1.0, 0.4, 0.3],
                           [0.2, 0.4, 1.0, 0.6],
                           [0.9, 0.3, 0.6, 1.0]])
    # Cluster 7: rows 0, 1, 3 (not contiguous); cluster 2: row 2 alone.
    centrality = _centralities(similarity, np.array([7, 7, 2, 7]))
    # (sum of the row over the cluster, in index order, minus the row's own 1) / (size - 1)
    assert centrality.tolist() == [(1.0 + 0.5 + 0.9 - 1.0) / 2, (0.5 + 1.0 + 0.3 - 1.0) / 2, 1.0,
                                   (0.9 + 0.3 + 1.0 - 1.0) / 2]
    assert centrality.round(12).tolist() == [0.7, 0.4, 1.0, 0.6]
    # Ties: a pair of equally similar rows; every row alone; one row.
    assert _centralities(similarity[:2, :2], np.array([0, 0])).tolist() == [0.5, 0.5]
    assert _centralities(similarity, np.arange(4)).tolist() == [1.0] * 4
    assert _centralities(np.ones((1, 1)), np.zeros(1, dtype=int)).tolist() == [1.0]
    assert _centralities(np.ones((0, 0)), np.zeros(0, dtype=int)).tolist() == []


def test_usable_pairs_keep_matches_of_two_usable_sentences_in_order():
    from helpers.coverage import _copy_groups, _usable_pairs

    usable = pd.DataFrame({"article_id": ["a", "a", "b", "c"], "position": [0, 2, 0, 1]})
    matches = pd.DataFrame({"article_a": ["c", "a", "a", "b"], "position_a": [1, 1, 0, 0],
                            "article_b": ["a", "b", "b", "d"], "position_b": [2, 0, 0, 0]})
    rows, cols = _usable_pairs(usable, matches)  # (a, 1) and article d are not usable
    assert (rows.tolist(), cols.tolist()) == ([3, 0], [1, 2])
    assert _copy_groups(4, rows, cols).tolist() == [0, 1, 0, 1]
    assert [part.tolist() for part in _usable_pairs(usable, matches.iloc[:0])] == [[], []]


def test_remembered_reuses_a_result_for_the_same_objects_only():
    from helpers import cache

    calls = []
    frame = pd.DataFrame({"x": [1, 2]})
    assert cache.remember_last("t", (frame, 5), lambda: calls.append(1) or "a") == "a"
    assert cache.remember_last("t", (frame, 5), lambda: calls.append(1) or "b") == "a"
    assert len(calls) == 1
    # An equal copy, another integer, a changed shape or another step: computed again.
    assert cache.remember_last("t", (frame.copy(), 5), lambda: calls.append(1) or "c") == "c"
    copy = cache.LAST_RESULTS["t"][0][0]
    assert cache.remember_last("t", (copy, 6), lambda: calls.append(1) or "d") == "d"
    copy["y"] = 0
    assert cache.remember_last("t", (copy, 6), lambda: calls.append(1) or "e") == "e"
    assert cache.remember_last("u", (copy, 6), lambda: calls.append(1) or "f") == "f"
    assert len(calls) == 5


def test_coverage_functions_share_their_lookups_and_equal_fresh_ones(seed_corpus):
    from helpers import cache, coverage
    from helpers.align import align_sentences

    sentences = seed_corpus.sentences
    matches = align_sentences(sentences)
    shared = [coverage.summarize_wire_overlap(sentences, matches),
              coverage.find_unique_sentences(sentences, matches),
              coverage.group_copies(sentences, matches),
              coverage.cluster_facts(sentences, matches)]
    usable = cache.LAST_RESULTS["usable"][2]
    assert coverage._usable(sentences) is usable
    for name in ("match_rows", "usable_pairs", "matched_outlets"):
        assert cache.LAST_RESULTS[name][0] == (usable, matches)
    fresh = []
    for function in (coverage.summarize_wire_overlap, coverage.find_unique_sentences,
                     coverage.group_copies, coverage.cluster_facts):
        cache.LAST_RESULTS.clear()
        fresh.append(function(sentences.copy(), matches.copy()))
    for one, other in zip(shared, fresh, strict=True):
        pd.testing.assert_frame_equal(one, other, check_exact=True)


@pytest.mark.parametrize("seed", range(6))
def test_select_examples_equals_pandas_groupby_head(seed):
    from helpers.coverage import select_examples

    rng = np.random.default_rng(seed)
    n = 400
    runs = np.repeat(rng.choice(["A", "B", "C"], size=n // 40), 40)  # long runs
    table = pd.DataFrame({
        "runs": pd.Series(runs, dtype="str"),
        "short": pd.Series(rng.choice(["x", "y", "z", None], size=n), dtype=object),
        "na": pd.Series(rng.choice(["p", "q"], size=n), dtype="string"),
        "number": rng.integers(0, 3, size=n).astype(float),
        "row": np.arange(n),
    })
    table.loc[rng.choice(n, 5, replace=False), "na"] = pd.NA
    table.loc[rng.choice(n, 5, replace=False), "number"] = np.nan
    table.loc[rng.choice(n, 3, replace=False), "runs"] = np.nan
    for by in (["runs"], ["short"], ["na"], ["number"], ["runs", "short"],
               ["short", "na", "number"], ["runs", "number"]):
        for k in (0, 1, 3):
            expected = table.groupby(by, sort=False).head(k).reset_index(drop=True)
            pd.testing.assert_frame_equal(select_examples(table, by=by, n=k), expected)
    assert select_examples(table.iloc[:0], by=["runs"], n=2).empty
    assert select_examples(table.iloc[:1], by=["runs"], n=2)["row"].tolist() == [0]
    with pytest.raises(ValueError):
        select_examples(table, by=["runs"], n=-1)


@pytest.mark.parametrize("seed", range(3))
def test_categorical_columns_are_coded_and_excerpted_as_their_values(seed):
    from helpers.coverage import select_examples
    from helpers.grouping import code_values

    rng = np.random.default_rng(seed)
    n = 400
    plain = pd.DataFrame({
        "runs": pd.Series(np.repeat(rng.choice(["B", "A", "C"], size=n // 40), 40), dtype="str"),
        "short": pd.Series(rng.choice(["x", "y", "z", None], size=n), dtype="str"),
        "row": np.arange(n),
    })
    plain.loc[rng.choice(n, 3, replace=False), "runs"] = np.nan
    categorical = plain.assign(
        runs=pd.Categorical(plain["runs"], categories=["C", "A", "B", "unused"]),  # unsorted
        short=pd.Categorical(plain["short"], categories=["x", "y", "z"], ordered=True))
    for column in ("runs", "short"):
        for sort in (False, True):
            assert code_values(categorical[column], sort=sort).tolist() == \
                code_values(plain[column], sort=sort).tolist()
    for by in (["runs"], ["short"], ["runs", "short"], ["short", "runs"]):
        for k in (0, 1, 3):
            excerpt = select_examples(categorical, by=by, n=k)
            pd.testing.assert_frame_equal(excerpt, select_examples(plain, by=by, n=k))
            assert excerpt["runs"].dtype == "str"  # plain values again


def test_first_rows_equal_ranks_within_groups_over_the_whole_table(monkeypatch):
    """Chunked scan (stopping once every group has its rows), the wide-span fallback and no
    key columns all give (group >= 0) & (count_earlier(group) < n)."""
    from helpers import grouping

    rng = np.random.default_rng(11)
    monkeypatch.setattr(grouping, "FIRST_ROWS_CHUNK", 7)
    a = rng.integers(-1, 4, 300)
    b = rng.integers(0, 3, 300)
    b[250:] = 5  # a group that only starts late: the scan must reach it
    rare = np.where(np.arange(300) == 299, 2, rng.integers(0, 2, 300))  # a group of one row
    for codes in ([a, b], [rare], [a], [b, a, rare]):
        group = grouping.combine_codes(*codes)
        for n in (0, 1, 5, 400):
            expected = (group >= 0) & (grouping.count_earlier(group) < n)
            assert grouping.first_rows(codes, n, rows=300).tolist() == expected.tolist()
            monkeypatch.setattr(grouping, "FIRST_ROWS_SPAN", 1)  # the fallback
            assert grouping.first_rows(codes, n, rows=300).tolist() == expected.tolist()
            monkeypatch.setattr(grouping, "FIRST_ROWS_SPAN", 1 << 20)
    assert grouping.first_rows([], 2, rows=4).tolist() == [True, True, False, False]


def test_select_examples_without_key_columns_takes_the_first_rows():
    from helpers.coverage import select_examples

    table = pd.DataFrame({"x": range(5), "y": list("abcde")})
    assert select_examples(table, by=[], n=2)["y"].tolist() == ["a", "b"]
    assert select_examples(table.iloc[0:0], by=[], n=2).empty


@pytest.mark.parametrize(("n", "seed", "min_similarity"), [
    (2, 0, 0.25), (3, 1, 0.25), (12, 2, 0.25), (40, 3, 0.1), (40, 4, 0.6), (150, 5, 0.25),
    (150, 6, 0.05)])
def test_average_linkage_labels_are_scikit_learns(n, seed, min_similarity):
    """The clustering computed with SciPy gives scikit-learn's labels, numbers included."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    from helpers.coverage import _average_linkage_labels

    rng = np.random.default_rng(seed)
    vectors = rng.random((n, 40)) ** 12  # skewed: some near-duplicates, most far apart
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    similarity = vectors @ vectors.T
    similarity[0, n - 1] = similarity[n - 1, 0] = 1.0  # an aligned pair
    if n > 3:
        similarity[1, 2] = similarity[2, 1] = similarity[1, 3] = similarity[3, 1] = 0.5  # ties
    np.fill_diagonal(similarity, 1.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=1.0 - min_similarity)
    expected = model.fit_predict(np.maximum(1.0 - similarity, 0.0))
    labels = _average_linkage_labels(similarity, 1.0 - min_similarity)
    assert labels.tolist() == expected.tolist()
    assert 1 <= len(set(labels.tolist())) <= n
