"""Article similarity (exact and LSH paths agree) and the 2-D map, on handmade articles."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.similarity import (
    SIMILARITY_COLUMNS,
    compare_articles,
    describe_similarity,
    map_articles,
)

GAS = "Putin unveiled a gas contract with Beijing. The pipeline deal supplies Chinese cities."
NAVY = "Australia will build nuclear submarines. The Aukus pact worries Beijing officials."


@pytest.fixture()
def corpus():
    rows = [("a.txt", "Wire", 0, "Putin unveiled a gas contract with Beijing."),
            ("a.txt", "Wire", 1, "The pipeline deal supplies Chinese cities."),
            ("b.txt", "Copy", 0, GAS), ("c.txt", "Own", 0, NAVY)]
    sentences = pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])
    articles = pd.DataFrame({"article_id": ["a.txt", "b.txt", "c.txt"],
                             "headline": ["Gas deal", "Gas deal (copy)", None]})
    return sentences, articles


def test_compare_articles_exact(corpus):
    table = compare_articles(*corpus)
    assert list(table.columns) == SIMILARITY_COLUMNS
    assert len(table) == 9  # 3 x 3, both orders and the diagonal
    cos = table.set_index(["article_a", "article_b"])["cosine"]
    assert cos[("a.txt", "b.txt")] == pytest.approx(1.0)  # same words, split into two sentences
    assert cos[("a.txt", "c.txt")] == pytest.approx(cos[("c.txt", "a.txt")])
    assert 0 < cos[("a.txt", "c.txt")] < 0.2  # only "beijing" in common
    assert cos[("c.txt", "c.txt")] == pytest.approx(1.0)
    row = table[(table["article_a"] == "a.txt") & (table["article_b"] == "c.txt")].iloc[0]
    assert (row["label_a"], row["headline_a"], row["headline_b"]) == ("Wire · a.txt", "Gas deal",
                                                                      "")


def test_lsh_path_agrees_with_exact_on_the_pairs_it_keeps(corpus):
    exact = compare_articles(*corpus).set_index(["article_a", "article_b"])["cosine"]
    lsh = compare_articles(*corpus, exact_max=0, blockwise_max=0, min_jaccard=0.5).set_index(
        ["article_a", "article_b"])["cosine"]
    assert set(lsh.index) == {("a.txt", "a.txt"), ("b.txt", "b.txt"), ("c.txt", "c.txt"),
                              ("a.txt", "b.txt"), ("b.txt", "a.txt")}
    assert lsh.to_dict() == pytest.approx(exact[lsh.index].to_dict())


def test_map_articles(corpus):
    points = map_articles(*corpus)
    assert list(points.columns) == ["article_id", "outlet", "label", "headline", "x", "y"]
    a, b = points.set_index("article_id").loc[["a.txt", "b.txt"], ["x", "y"]].values
    assert list(a) == pytest.approx(list(b))  # identical vocabulary, identical place
    one = map_articles(corpus[0][corpus[0]["article_id"] == "c.txt"])
    assert one[["x", "y"]].values.tolist() == [[0.0, 0.0]]


def test_describe_similarity(corpus):
    text = describe_similarity(compare_articles(*corpus))
    assert text.startswith("The most alike articles from different outlets are Wire · a\\.txt and "
                           "Copy · b\\.txt (cosine 1.00); the least alike are ")
    assert text.endswith("the median over 3 pairs is " + text.rsplit(" ", 1)[1])
    assert describe_similarity(compare_articles(corpus[0].iloc[:0])) == (
        "There is no pair of articles from different outlets to compare.")


def test_compare_outlets_is_the_mean_over_every_pair(corpus):
    from helpers.similarity import compare_outlets

    sentences, articles = corpus
    extra = pd.DataFrame([("d.txt", "Wire", 0, NAVY)], columns=sentences.columns)
    sentences = pd.concat([sentences, extra], ignore_index=True)
    pairs = compare_articles(sentences, articles)
    pairs = pairs[pairs["article_a"] != pairs["article_b"]]
    expected = pairs.groupby(["outlet_a", "outlet_b"])["cosine"].mean()
    table = compare_outlets(sentences, articles).set_index(["outlet_a", "outlet_b"])
    assert table["cosine"].to_dict() == pytest.approx(expected.to_dict(), abs=1e-4)
    assert table.loc[("Wire", "Wire"), "pairs"] == 1  # a.txt with d.txt
    assert table.loc[("Wire", "Own"), "pairs"] == 2
    assert ("Own", "Own") not in table.index  # one article: no pair within the outlet


def test_lsh_path_keeps_the_top_neighbours(corpus):
    sentences, articles = corpus
    copies = pd.DataFrame([(f"x{k}.txt", "Copy", 0, GAS) for k in range(6)],
                          columns=sentences.columns)
    sentences = pd.concat([sentences, copies], ignore_index=True)
    lsh = {"exact_max": 0, "blockwise_max": 0, "min_jaccard": 0.5}
    full = compare_articles(sentences, articles, **lsh, top_k=100)
    capped = compare_articles(sentences, articles, **lsh, top_k=2)
    off = capped[capped["article_a"] != capped["article_b"]]
    assert len(full) == 8 * 8 + 1  # the 8 gas articles all pair up; c.txt only with itself
    assert off.groupby("article_a").size().min() >= 2  # every article keeps its top 2
    assert len(off) // 2 <= 8 * 2  # at most top_k pairs per article
    assert len(capped) < len(full)
    key = ["article_a", "article_b"]
    merged = capped.merge(full, on=key, suffixes=("", "_full"))
    assert len(merged) == len(capped) and (merged["cosine"] == merged["cosine_full"]).all()


def test_blockwise_path_keeps_each_articles_exact_top_neighbours(corpus):
    sentences, articles = corpus
    extra = pd.DataFrame([(f"x{k}.txt", f"Outlet {k % 3}", 0, f"{GAS} {NAVY} item{k} " * (k + 1))
                          for k in range(12)], columns=sentences.columns)
    sentences = pd.concat([sentences, extra], ignore_index=True)
    exact = compare_articles(sentences, articles)
    kept = compare_articles(sentences, articles, exact_max=0, top_k=2)
    exact = exact[exact["article_a"] != exact["article_b"]]
    off = kept[kept["article_a"] != kept["article_b"]]
    key = ["article_a", "article_b"]
    merged = off.merge(exact, on=key, suffixes=("", "_exact"))
    assert len(merged) == len(off) and (merged["cosine"] == merged["cosine_exact"]).all()
    for article, group in exact[exact["cosine"] > 0].groupby("article_a"):
        best = set(group.nlargest(2, "cosine")["article_b"])
        mine = set(off.loc[off["article_a"] == article, "article_b"])
        if group["cosine"].nlargest(3).nunique() == 3:  # no tie at the cut
            assert best <= mine, article
    assert (kept["article_a"] == kept["article_b"]).sum() == 15  # every diagonal


def test_lsh_path_stays_linear_on_near_copies_and_finds_the_close_pairs():
    """400 copies of one story and 100 articles of their own: candidates stay a bounded
    multiple of the articles (not 400 squared), every copy keeps top_k neighbours at cosine 1,
    and every pair of distinct articles with a high cosine found by the exact path is kept."""
    import random

    from helpers import similarity

    rng = random.Random(3)
    words = sorted({"".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=7))
                    for _ in range(3000)})
    rows = [(f"copy{k:03d}", f"Outlet {k % 7}", 0, GAS + " " + NAVY) for k in range(400)]
    own = [" ".join(rng.sample(words, 40)) for _ in range(100)]
    rows += [(f"own{k:03d}", "Own", 0, text) for k, text in enumerate(own)]
    # Ten pairs of articles of their own that share most of their words.
    rows += [(f"twin{k:03d}", "Twin", 0, own[k] + " extra words") for k in range(10)]
    sentences = pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])
    matrix = similarity._fit_vectors(sentences, None, None).matrix
    first, second = similarity._lsh_pairs(matrix, min_jaccard=0.3, num_perm=128, max_bucket=50,
                                          shortlist=40)
    assert len(first) <= 510 * (40 + 1)  # a square number would be 400 * 399 / 2 = 79,800
    lsh = compare_articles(sentences, exact_max=0, blockwise_max=0, top_k=10)
    off = lsh[lsh["article_a"] != lsh["article_b"]]
    copies = off[off["article_a"].str.startswith("copy")]
    assert copies.groupby("article_a").size().min() >= 10
    assert (copies["cosine"] == 1.0).all()
    exact = compare_articles(sentences, exact_max=1000)
    close = exact[(exact["article_a"] < exact["article_b"]) & (exact["cosine"] >= 0.5)
                  & ~exact["article_a"].str.startswith("copy")]
    assert len(close) == 10  # each "own" article with its twin
    kept = set(zip(off["article_a"], off["article_b"], strict=True))
    assert set(zip(close["article_a"], close["article_b"], strict=True)) <= kept


def test_articles_are_vectorised_as_their_joined_sentences(seed_corpus):
    """Tokens taken sentence by sentence give the matrix of TF-IDF on the joined texts, also
    where an acronym, "U.S." or a possessive ends one sentence and the next begins."""
    from helpers.similarity import vectorize_articles
    from helpers.vectorize import fit_tfidf

    bodies = [["Troops left the U.S.", "U.K. officials said Xi's plan stalled."],
              ["It's the U.S. A deal was near.", "Ukraine's N.A.T.O. bid"], ["Putin’s café"]]
    ordered = seed_corpus.sentences.sort_values(["article_id", "position"])
    bodies += [group["text"].tolist() for _, group in ordered.groupby("article_id")]
    by_sentence = vectorize_articles(bodies)
    joined = fit_tfidf([" ".join(body) for body in bodies])[0]
    assert by_sentence.shape == joined.shape
    assert abs(by_sentence - joined).max() < 1e-12


# --- The faster fit and neighbour selection give the previous implementation's tables --------

def _previous_vectorize(bodies):
    """``vectorize_articles`` before :func:`helpers.vectorize.fit_token_documents`."""
    from itertools import chain

    from helpers.vectorize import analyze_all, build_token_vectorizer

    tokens = [list(chain.from_iterable(analyze_all(body))) for body in bodies]
    return build_token_vectorizer().fit_transform(tokens).tocsr()


def _previous_nearest(block, k):
    """The blockwise path's selection before ``_nearest_columns``."""
    import numpy as np

    return np.argpartition(-block, k - 1, axis=1)[:, :k]


def _tie_block(seed, rows=60, columns=400):
    """Cosine-like rows full of ties: values from a few levels, copies, empty rows."""
    import numpy as np

    rng = np.random.default_rng(seed)
    block = rng.choice([0.0, 0.25, 0.5, 0.75, 0.9, 1.0], size=(rows, columns),
                       p=[0.4, 0.3, 0.15, 0.1, 0.04, 0.01])
    block[::7] = 0.0  # articles without terms
    block[1::9] = block[2]  # wire copies
    block[3::11] = rng.random((len(block[3::11]), columns))  # no tie at all
    block[np.arange(rows), np.arange(rows)] = -1.0
    return block


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("k", "step", "crowded"), [(1, 8, 32), (3, 8, 32), (10, 8, 32),
                                                    (10, 2, 1), (3, 200, 32), (3, 500, 32)])
def test_nearest_columns_are_argpartitions_columns(seed, k, step, crowded):
    """Row by row the columns of ``np.argpartition`` on the whole block, ties included: rows
    without a tie at the k-th value by the candidates, the others by argpartition of their own
    values (which must select as in the whole block, checked here too)."""
    import numpy as np

    from helpers.similarity import _nearest_columns

    block = _tie_block(seed)
    expected = np.argpartition(-block, k - 1, axis=1)[:, :k]
    subset = np.arange(0, len(block), 3)
    assert (np.argpartition(-block[subset], k - 1, axis=1)[:, :k] == expected[subset]).all()
    got = _nearest_columns(block, k, step=step, crowded=crowded)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    assert (np.sort(got, axis=1) == np.sort(expected, axis=1)).all()
    values = -np.sort(-block, axis=1)
    assert (values[:, k - 1] == values[:, k]).any() and (values[:, k - 1] > values[:, k]).any()


def _crafted_corpus(kind, seed=0):
    import random

    rng = random.Random(seed)
    words = ["gas", "pipeline", "beijing", "putin", "deal", "navy", "submarine", "pact", "tariff",
             "border", "troops", "vote", "court", "market", "oil", "summit"]
    pool = [" ".join(rng.choices(words, k=rng.randint(2, 6))) + "." for _ in range(8)]
    pool += ["The and of it.", "In 2022, 14 of 20."]  # no term at all
    rows = []
    if kind == "one":
        rows = [("only.txt", "Wire", 0, pool[0]), ("only.txt", "Wire", 1, pool[1])]
    elif kind == "ties":  # wire copies: many identical vectors, so tied cosines
        for a in range(48):
            story = [pool[a % 3], pool[3 + a % 2]] if a % 5 else [pool[8]]
            rows += [(f"w{a:02d}.txt", f"Outlet {a % 4}", p, text)
                     for p, text in enumerate(story)]
    else:  # random articles, sentences repeated, some without any term
        for a in range(rng.randint(20, 45)):
            story = rng.choices(pool, k=rng.randint(1, 5))
            rows += [(f"r{a:02d}.txt", f"Outlet {rng.randint(0, 3)}", p, text)
                     for p, text in enumerate(story)]
    sentences = pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])
    sentences = sentences.sample(frac=1.0, random_state=seed)  # positions out of table order
    ids = sorted(sentences["article_id"].unique())
    articles = pd.DataFrame({"article_id": ids, "headline": [f"H {i}" for i in ids]})
    return sentences, articles


PATHS = {"exact": {}, "blockwise": {"exact_max": 0, "top_k": 3},
         "blockwise_k1": {"exact_max": 0, "top_k": 1},
         "lsh": {"exact_max": 0, "blockwise_max": 0, "top_k": 2, "min_jaccard": 0.3}}
CORPORA = [("one", 0), ("ties", 0), ("ties", 1)] + [("random", seed) for seed in range(6)]


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize(("kind", "seed"), CORPORA)
def test_compare_articles_is_the_previous_implementation(monkeypatch, kind, seed, path):
    """Same rows, order, dtypes and values as before the faster fit and neighbour selection,
    on every path, with tied cosines, articles without terms and a single article."""
    from helpers import similarity

    sentences, articles = _crafted_corpus(kind, seed)
    options = PATHS[path]
    similarity._FITTED.clear()
    new = (similarity.compare_articles(sentences, articles, **options),
           similarity.compare_outlets(sentences, articles),
           similarity.map_articles(sentences, articles))
    similarity._FITTED.clear()
    monkeypatch.setattr(similarity, "vectorize_articles", _previous_vectorize)
    monkeypatch.setattr(similarity, "_nearest_columns", _previous_nearest)
    old = (similarity.compare_articles(sentences, articles, **options),
           similarity.compare_outlets(sentences, articles),
           similarity.map_articles(sentences, articles))
    similarity._FITTED.clear()
    for got, expected in zip(new, old, strict=True):
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_compare_articles_without_any_term_raises_as_before(monkeypatch):
    from helpers import similarity

    sentences = pd.DataFrame([("a.txt", "Wire", 0, "The and of it."), ("b.txt", "Own", 0, "2022")],
                             columns=["article_id", "outlet", "position", "text"])
    similarity._FITTED.clear()
    with pytest.raises(ValueError, match="empty vocabulary"):
        similarity.compare_articles(sentences)
    monkeypatch.setattr(similarity, "vectorize_articles", _previous_vectorize)
    with pytest.raises(ValueError, match="empty vocabulary"):
        similarity.compare_articles(sentences)


def test_content_key_is_hashed_once_for_the_same_tables(monkeypatch):
    """The same two table objects: their key from the last call; other (equal) objects or a
    changed shape: hashed again, and equal tables give equal keys."""
    from helpers import cache, similarity

    sentences = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
                              "position": [0, 0], "text": ["One text.", "Another text."]})
    articles = pd.DataFrame({"article_id": ["a", "b"], "headline": ["H1", "H2"]})
    hashed = []
    original = similarity._fingerprint
    monkeypatch.setattr(similarity, "_fingerprint",
                        lambda frame, columns: hashed.append(1) or original(frame, columns))
    monkeypatch.setattr(cache, "LAST_RESULTS", {})
    first = similarity._content_key(sentences, articles)
    assert len(hashed) == 2
    assert similarity._content_key(sentences, articles) == first and len(hashed) == 2
    assert similarity._content_key(sentences.copy(), articles) == first and len(hashed) == 4
    longer = pd.concat([sentences, sentences.iloc[:1]], ignore_index=True)
    assert similarity._content_key(longer, articles) != first and len(hashed) == 6
