"""Per-article features: exact values on a handmade article, the per-article cache, workers."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from helpers import article_tables, paths
from helpers.features import BASE_COLUMNS, compute_article_features
from helpers.lexicons import load_lexicons

SENTENCES = {
    "a.txt": ["Putin met Xi in Beijing on Friday.", "“We are friends,” Putin said."],
    "b.txt": ["Troops gathered near the border.", "The talks ended."],
}


def _corpus(folder, names=("a.txt", "b.txt")):
    articles, paragraphs, sentences = [], [], []
    for name in names:
        texts = SENTENCES[name]
        words = [len(t.split()) for t in texts]
        articles.append({"article_id": name, "outlet": f"Outlet {name[0]}", "language": "en",
                         "headline": f"Headline {name}", "content_hash": f"hash-{name}"})
        for position, text in enumerate(texts):
            paragraphs.append({"article_id": name, "outlet": f"Outlet {name[0]}",
                               "position": position, "kind": "body", "text": text})
            sentences.append({"article_id": name, "outlet": f"Outlet {name[0]}",
                              "paragraph": position, "position": position, "text": text,
                              "words": words[position]})
    return SimpleNamespace(articles=pd.DataFrame(articles), paragraphs=pd.DataFrame(paragraphs),
                           sentences=pd.DataFrame(sentences), folder=folder)


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "DATA_PROCESSED", tmp_path / "processed")
    path = tmp_path / "event"
    path.mkdir()
    return path


def test_one_row_per_article_with_exact_counts(folder):
    table = compute_article_features(_corpus(folder), workers=1)
    assert list(table.columns[:len(BASE_COLUMNS)]) == list(BASE_COLUMNS)
    assert table["article_id"].tolist() == ["a.txt", "b.txt"]
    a = table.set_index("article_id").loc["a.txt"]
    assert (a["words"], a["sentences"], a["quotes"], a["quoted_words"]) == (12, 2, 1, 3)
    assert a["quoted_share"] == pytest.approx(3 / 12)
    assert (a["mentions_Putin"], a["mentions_Xi"], a["neutral_verbs"]) == (2, 1, 1)
    b = table.set_index("article_id").loc["b.txt"]
    assert (b["quotes"], b["mentions_Putin"]) == (0, 0)
    assert b["frame_security/military"] >= 1  # "troops"


def test_rerun_reads_the_cache_and_new_articles_only_are_computed(folder, monkeypatch):
    first = compute_article_features(_corpus(folder, names=("a.txt",)), workers=1)
    computed = []
    original = article_tables.analyse_articles

    def spy(payloads, **kwargs):
        computed.extend(payload["article_id"] for payload in payloads)
        return original(payloads, **kwargs)

    monkeypatch.setattr(article_tables, "analyse_articles", spy)
    both = compute_article_features(_corpus(folder), workers=1)
    assert computed == ["b.txt"]
    pd.testing.assert_frame_equal(both.iloc[:1], first)
    again = compute_article_features(_corpus(folder), workers=1)
    assert computed == ["b.txt"]
    pd.testing.assert_frame_equal(again, both)
    compute_article_features(_corpus(folder), workers=1, use_cache=False)
    assert computed == ["b.txt", "a.txt", "b.txt"]


def test_worker_processes_give_the_same_table(folder):
    local = compute_article_features(_corpus(folder), workers=1, use_cache=False)
    parallel = compute_article_features(_corpus(folder), workers=2, use_cache=False)
    pd.testing.assert_frame_equal(local, parallel)


def test_batches_give_the_same_rows_as_one_article_at_a_time(seed_corpus):
    lexicons = load_lexicons(seed_corpus.folder)
    payloads = article_tables.make_payloads(seed_corpus)
    one_by_one = [article_tables.analyse_articles([p], lexicons=lexicons)[0] for p in payloads]
    batched = article_tables.analyse_articles(payloads, lexicons=lexicons)
    assert batched == one_by_one
