"""The corpus audit tables behind notebook 00."""

from __future__ import annotations

import pytest

from helpers import audit


def test_count_removed_groups_lines_by_article_and_reason(seed_corpus):
    table = audit.count_removed(seed_corpus)
    assert list(table.columns) == ["article_id", "outlet", "reason", "lines", "words", "example"]
    assert table["lines"].sum() == len(seed_corpus.removed)
    itv = table[table["outlet"] == "ITV News"].set_index("reason")
    assert itv.loc["caption", "lines"] == 4
    assert itv.loc["caption", "example"].endswith("Credit: AP")


def test_compare_raw_and_clean_gives_every_nonblank_line_a_role(seed_corpus):
    table = audit.compare_raw_and_clean(seed_corpus, "003_cc906ff750dbd3fe.txt")
    raw = (seed_corpus.folder / "003_cc906ff750dbd3fe.txt").read_text("utf-8")
    assert len(table) == sum(1 for line in raw.split("\n") if line.strip())
    roles = dict(zip(table["raw"], table["role"], strict=False))
    assert roles["Putin and Xi call for halt to Nato expansion amid Ukraine tensions"] == "headline"
    assert roles["Andrew Osborn"] == "byline"
    assert roles["Reuters / AP"] == "removed"
    reasons = dict(zip(table["raw"], table["reason"], strict=False))
    assert reasons["Reuters / AP"] == "credit"
    assert (table["role"] == "body").sum() == 13


def test_compare_raw_and_clean_names_valid_choices_for_unknown_article(seed_corpus):
    with pytest.raises(KeyError, match="000_2c1991ca35b098f2.txt"):
        audit.compare_raw_and_clean(seed_corpus, "missing.txt")


def test_descriptions_escape_article_text(seed_corpus):
    text = audit.describe_collection(seed_corpus)
    assert "5 parsed articles from 5 outlets" in text and "small sample" in text
    table = audit.count_removed(seed_corpus).assign(outlet="<script>alert(1)</script>")
    sentence = audit.describe_removed(table, seed_corpus.articles)
    assert "<script>" not in sentence and "&lt;script&gt;" in sentence
