"""Distinctive vocabulary table, top terms and the generated sentence, on handmade sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.distinctive import (
    DISTINCTIVE_COLUMNS,
    compare_top_terms,
    describe_distinctive_terms,
    find_distinctive_terms,
    top_distinctive_terms,
)
from helpers.vectorize import compute_log_odds


@pytest.fixture()
def sentences():
    rows = [("a.txt", "Alpha", 0, "The gas deal is huge."),
            ("a.txt", "Alpha", 1, "Gas flows east."),
            ("a.txt", "Alpha", 2, "Cheap gas, more gas."),
            ("b.txt", "Beta", 0, "The Aukus pact worries Beijing."),
            ("b.txt", "Beta", 1, "Gas prices rose.")]
    return pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])


def test_find_distinctive_terms(sentences):
    table = find_distinctive_terms(sentences, alpha0=10)
    assert list(table.columns) == DISTINCTIVE_COLUMNS
    expected = compute_log_odds(sentences["text"], sentences["outlet"], alpha0=10)
    pd.testing.assert_series_equal(table["z"], expected["z"])
    alpha = table[table["outlet"] == "Alpha"].set_index("term")
    assert alpha.loc["gas", ["count", "count_rest"]].tolist() == [4, 1]
    assert alpha.loc["gas", "example"] == "The gas deal is huge."
    assert alpha.loc["aukus", "example"] == "" and alpha.loc["aukus", "tfidf"] == 0.0
    assert alpha.index[0] == "gas"  # the most distinctive term comes first
    # "deal" (1 use) has the larger log-odds ratio, but the z-score trusts 4 uses of "gas" more.
    assert alpha.loc["deal", "log_odds"] > alpha.loc["gas", "log_odds"]
    assert alpha.loc["deal", "z"] < alpha.loc["gas", "z"]
    assert alpha.loc["gas", "tfidf"] > 0


def test_top_distinctive_terms(sentences):
    top = top_distinctive_terms(find_distinctive_terms(sentences, alpha0=10), n=2)
    assert top.groupby("outlet")["rank"].apply(list).to_dict() == {"Alpha": [1, 2], "Beta": [1, 2]}
    assert (top["count"] > 0).all() and (top["z"] > 0).all()
    assert top[top["outlet"] == "Alpha"]["term"].tolist()[0] == "gas"


def test_describe_distinctive_terms(sentences):
    table = find_distinctive_terms(sentences, alpha0=10)
    assert describe_distinctive_terms(table) == (
        "Each outlet's most distinctive word against the others: Alpha “gas” (z = 1.0, 4×); "
        "Beta “aukus” (z = 0.8, 1×); 0 outlet–term pairs reach z ≥ 1.96, which with so few "
        "articles marks words to read in context rather than a proven difference.")


def test_single_outlet_gives_empty_table(sentences):
    one = sentences[sentences["outlet"] == "Alpha"]
    assert find_distinctive_terms(one).empty
    assert describe_distinctive_terms(find_distinctive_terms(one)) == (
        "There are not enough outlets or words to compare vocabularies.")


def test_compare_top_terms(sentences):
    side = compare_top_terms(find_distinctive_terms(sentences, alpha0=10), n=2)
    assert list(side.columns) == ["outlet", "rank", "by_z", "by_tfidf"]
    assert side[side["outlet"] == "Alpha"][["rank", "by_z", "by_tfidf"]].values.tolist() == [
        [1, "gas", "gas"], [2, "cheap", "cheap"]]


def test_repeated_sentences_count_each_time_and_examples_follow_article_order():
    rows = [("b.txt", "Alpha", 0, "Gas deal signed."),
            ("a.txt", "Alpha", 1, "Gas deal signed."),        # same text, earlier article
            ("a.txt", "Alpha", 0, "Cheap gas flows."),
            ("c.txt", "Beta", 0, "Gas deal signed."),
            ("c.txt", "Beta", 1, "Pact signed.")]
    sentences = pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"],
                             index=[7, 3, 5, 1, 0])
    table = find_distinctive_terms(sentences, alpha0=10).set_index(["outlet", "term"])
    assert table["count"].to_dict() == {
        ("Alpha", "flows"): 1, ("Alpha", "cheap"): 1, ("Alpha", "deal"): 2, ("Alpha", "gas"): 3,
        ("Alpha", "pact"): 0, ("Alpha", "signed"): 2, ("Beta", "flows"): 0,
        ("Beta", "cheap"): 0, ("Beta", "deal"): 1, ("Beta", "gas"): 1, ("Beta", "pact"): 1,
        ("Beta", "signed"): 2}
    assert table["count_rest"].to_dict()[("Beta", "gas")] == 3
    examples = table["example"].to_dict()
    assert examples[("Alpha", "gas")] == "Cheap gas flows."      # a.txt, position 0
    assert examples[("Alpha", "deal")] == "Gas deal signed."
    assert examples[("Alpha", "pact")] == ""
    assert examples[("Beta", "signed")] == "Gas deal signed."
    assert examples[("Beta", "pact")] == "Pact signed."


def test_sentences_without_any_term_give_an_empty_table():
    sentences = pd.DataFrame({"article_id": ["a", "b"], "outlet": ["X", "Y"],
                              "paragraph": [0, 0], "position": [0, 0],
                              "text": ["The and of it.", "It is 2022!"], "words": [4, 3]})
    terms = find_distinctive_terms(sentences)
    assert terms.empty and list(terms.columns) == list(DISTINCTIVE_COLUMNS)
    assert "not enough outlets or words" in describe_distinctive_terms(terms)


def test_examples_are_first_by_article_then_position_with_missing_articles_last():
    rows = [("b.txt", "X", 0, "Gas rose."),
            (None, "X", 0, "Oil fell sharply."),          # no article: read last
            ("a.txt", "X", 10, "Gas fell sharply."),
            ("a.txt", "X", 2, "Gas fell slowly."),         # position 2 before 10
            ("c.txt", "Y", 0, "Oil rose.")]
    sentences = pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])
    examples = find_distinctive_terms(sentences).set_index(["outlet", "term"])["example"]
    assert examples.to_dict() == {
        ("X", "fell"): "Gas fell slowly.", ("X", "gas"): "Gas fell slowly.",
        ("X", "oil"): "Oil fell sharply.", ("X", "rose"): "Gas rose.",
        ("X", "sharply"): "Gas fell sharply.", ("X", "slowly"): "Gas fell slowly.",
        ("Y", "fell"): "", ("Y", "gas"): "", ("Y", "oil"): "Oil rose.", ("Y", "rose"): "Oil rose.",
        ("Y", "sharply"): "", ("Y", "slowly"): ""}
