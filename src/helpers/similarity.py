"""How alike are the articles? TF-IDF cosine similarity and a two-dimensional map.

Each article's body (its sentences joined) becomes a TF-IDF vector with the kit's one tokenizer
(:func:`helpers.vectorize.fit_tfidf`, sublinear term frequency, L2-normalised rows), and two
articles are compared by the cosine of their vectors (Salton & Buckley 1988): 1 = the same word
weights, 0 = no shared content word. For small collections every pair is computed exactly. For
large ones (more than ``exact_max`` articles) only candidate pairs are scored: MinHash signatures
of each article's term set are indexed with locality-sensitive hashing (Broder 1997; ``datasketch``
``MinHashLSH``) and pairs whose estimated Jaccard similarity reaches ``min_jaccard`` are kept, so
the work grows with the number of similar pairs rather than with the square of the collection.

The map places articles by the first two components of a truncated SVD of the TF-IDF matrix
(latent semantic analysis, Deerwester et al. 1990): articles close together share vocabulary.
It is a picture of word overlap, not of stance.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.decomposition import TruncatedSVD

from helpers.safe_text import escape_text
from helpers.vectorize import analyze, fit_tfidf

SIMILARITY_COLUMNS = ["article_a", "article_b", "outlet_a", "outlet_b", "label_a", "label_b",
                      "headline_a", "headline_b", "cosine"]
MAP_COLUMNS = ["article_id", "outlet", "label", "headline", "x", "y"]


def _article_texts(sentences: pd.DataFrame, articles: pd.DataFrame | None) -> pd.DataFrame:
    ordered = sentences.sort_values(["article_id", "position"])
    texts = ordered.groupby("article_id", sort=True).agg(
        outlet=("outlet", "first"), text=("text", lambda s: " ".join(map(str, s)))).reset_index()
    headlines = {} if articles is None else dict(zip(articles["article_id"], articles["headline"],
                                                     strict=True))
    texts["headline"] = ["" if pd.isna(h := headlines.get(a)) else str(h)
                         for a in texts["article_id"]]
    texts["label"] = texts["outlet"] + " · " + texts["article_id"].str.slice(0, 16)
    return texts


def _lsh_pairs(texts: list[str], *, min_jaccard: float, num_perm: int) -> list[tuple[int, int]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=min_jaccard, num_perm=num_perm)
    hashes = []
    for i, text in enumerate(texts):
        minhash = MinHash(num_perm=num_perm, seed=1)
        minhash.update_batch([t.encode("utf-8") for t in set(analyze(text))])
        hashes.append(minhash)
        lsh.insert(i, minhash)
    pairs = {(i, i) for i in range(len(texts))}
    for i, minhash in enumerate(hashes):
        pairs.update((min(i, j), max(i, j)) for j in lsh.query(minhash))
    return sorted(pairs)


def compare_articles(sentences: pd.DataFrame, articles: pd.DataFrame | None = None, *,
                     exact_max: int = 400, min_jaccard: float = 0.3,
                     num_perm: int = 128) -> pd.DataFrame:
    """Cosine similarity of the articles' TF-IDF vectors.

    Parameters
    ----------
    sentences
        The corpus ``sentences`` table (``article_id``, ``outlet``, ``position``, ``text``).
    articles
        The corpus ``articles`` table, for headlines (optional).
    exact_max
        Up to this many articles, every pair is scored; above it, only LSH candidates.
    min_jaccard, num_perm
        LSH path: estimated Jaccard similarity of term sets for a candidate; MinHash size.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of articles (both orders and the diagonal, as a heatmap wants;
        on the LSH path only candidate pairs): ``article_a``, ``article_b``, ``outlet_a``,
        ``outlet_b``, ``label_a``, ``label_b`` (outlet · file name), ``headline_a``,
        ``headline_b``, ``cosine``.
    """
    texts = _article_texts(sentences, articles)
    if texts.empty:
        return pd.DataFrame(columns=SIMILARITY_COLUMNS)
    matrix, _ = fit_tfidf(texts["text"].tolist())
    if len(texts) <= exact_max:
        dense = (matrix @ matrix.T).toarray()
        pairs = [(i, j) for i in range(len(texts)) for j in range(i, len(texts))]
        cosines = [dense[i, j] for i, j in pairs]
    else:
        pairs = _lsh_pairs(texts["text"].tolist(), min_jaccard=min_jaccard, num_perm=num_perm)
        cosines = [float(matrix[i].multiply(matrix[j]).sum()) for i, j in pairs]
    rows = []
    for (i, j), cosine in zip(pairs, cosines, strict=True):
        for a, b in {(i, j), (j, i)}:
            rows.append({"article_a": texts.at[a, "article_id"],
                         "article_b": texts.at[b, "article_id"],
                         "outlet_a": texts.at[a, "outlet"], "outlet_b": texts.at[b, "outlet"],
                         "label_a": texts.at[a, "label"], "label_b": texts.at[b, "label"],
                         "headline_a": texts.at[a, "headline"],
                         "headline_b": texts.at[b, "headline"],
                         "cosine": round(float(np.clip(cosine, 0.0, 1.0)), 4)})
    return pd.DataFrame(rows, columns=SIMILARITY_COLUMNS).sort_values(
        ["article_a", "article_b"], ignore_index=True)


def map_articles(sentences: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """Two-dimensional coordinates of each article (truncated SVD of TF-IDF).

    Returns
    -------
    pandas.DataFrame
        ``article_id``, ``outlet``, ``label``, ``headline``, ``x``, ``y`` (first and second SVD
        component; 0 when the collection is too small to have that component).
    """
    texts = _article_texts(sentences, articles)
    if texts.empty:
        return pd.DataFrame(columns=MAP_COLUMNS)
    matrix, _ = fit_tfidf(texts["text"].tolist())
    coords = np.zeros((len(texts), 2))
    n_components = min(2, len(texts) - 1, matrix.shape[1] - 1)
    if n_components >= 1:
        svd = TruncatedSVD(n_components=n_components, algorithm="randomized", n_iter=10,
                           random_state=0)
        coords[:, :n_components] = svd.fit_transform(matrix)
    texts["x"], texts["y"] = coords[:, 0].round(4), coords[:, 1].round(4)
    return texts[MAP_COLUMNS]


def describe_similarity(table: pd.DataFrame) -> str:
    """One sentence (markdown): the most and least alike articles from different outlets."""
    pairs = table[(table["article_a"] < table["article_b"])
                  & (table["outlet_a"] != table["outlet_b"])]
    if pairs.empty:
        return "There is no pair of articles from different outlets to compare."
    ranked = pairs.sort_values(["cosine", "article_a", "article_b"], ascending=[False, True, True])
    high, low = ranked.iloc[0], ranked.iloc[-1]
    return (f"The most alike articles from different outlets are {escape_text(high['label_a'])} "
            f"and {escape_text(high['label_b'])} (cosine {high['cosine']:.2f}); the least alike "
            f"are {escape_text(low['label_a'])} and {escape_text(low['label_b'])} "
            f"(cosine {low['cosine']:.2f}); the median over {len(pairs)} pairs is "
            f"{pairs['cosine'].median():.2f}.")
