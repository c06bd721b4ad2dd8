"""Tests for helpers.leads: first actor and verb of a headline, leads side by side."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.leads import compare_leads, describe_leads, find_headline_actor
from helpers.lexicons import load_lexicons

LEXICONS = load_lexicons()


@pytest.mark.parametrize("headline, actor, subject, verb, verb_class", [
    ("China joins Russia in opposition to Nato expansion", "China", "China", "joins", ""),
    ("Putin arrives at Olympics, praises relations", "Putin", "Putin", "arrives", ""),
    ("Putin and Xi call for halt to Nato expansion", "Putin", "Putin and Xi", "call", "neutral"),
    ("Putin, Xi declare opposition to NATO expansion", "Putin", "Putin, Xi", "declare",
     "loaded"),
    ("Mr Putin Claims Victory In Talks", "Putin", "Mr Putin", "claims", "loaded"),
    ("Russia's Putin warns the West", "Putin", "Russia's Putin", "warns", "loaded"),
    ("Olympics open in Beijing", "", "", "", ""),
])
def test_headline_actor_and_verb(headline, actor, subject, verb, verb_class):
    found = find_headline_actor(headline, lexicon=LEXICONS.actors, verbs=LEXICONS.verbs)
    assert found == {"first_actor": actor, "subject": subject, "headline_verb": verb,
                     "verb_class": verb_class}


def test_compare_leads_sets_headline_standfirst_and_first_body_paragraph():
    articles = pd.DataFrame({"article_id": ["b.txt", "a.txt"], "outlet": ["beta", "Alpha"],
                             "headline": ["Xi hosts Putin", None],
                             "standfirst": ["A summit.", None]})
    paragraphs = pd.DataFrame({
        "article_id": ["a.txt", "b.txt", "b.txt"], "position": [0, 0, 1],
        "kind": ["body", "subhead", "body"],
        "text": ["Alpha lead.", "A subhead", "Beta lead."]})
    table = compare_leads(articles, paragraphs, lexicon=LEXICONS.actors, verbs=LEXICONS.verbs)
    assert table[["outlet", "headline", "first_actor", "headline_verb", "standfirst",
                  "lead"]].values.tolist() == [
        ["Alpha", "", "", "", "", "Alpha lead."],
        ["beta", "Xi hosts Putin", "Xi", "hosts", "A summit.", "Beta lead."]]
    assert describe_leads(table) == "Of 2 headlines, 1 name an actor first: Xi in 1 (hosts)."


def test_select_leads_keeps_the_first_per_outlet():
    from helpers.leads import select_leads

    table = pd.DataFrame({"outlet": ["A", "A", "A", "B"], "article_id": ["1", "2", "3", "4"],
                          "headline": ["h1", "h2", "h3", "h4"], "standfirst": "",
                          "lead": ["l1", "l2", "l3", "l4"]})
    picked = select_leads(table, per_outlet=2)
    assert picked.values.tolist() == [["A", "h1", "", "l1"], ["A", "h2", "", "l2"],
                                      ["B", "h4", "", "l4"]]


def test_compare_leads_matches_each_headline_as_find_headline_actor_does():
    headlines = ["Russia's Putin and Xi meet", "Xi hosts Putin", None,
                 "Russia's Putin and Xi meet", "Olympics open as Putin arrives"]
    articles = pd.DataFrame({"article_id": ["a", "b", "c", "d", "e"], "outlet": "Alpha",
                             "headline": headlines, "standfirst": None})
    paragraphs = pd.DataFrame(columns=["article_id", "position", "kind", "text"])
    table = compare_leads(articles, paragraphs, lexicon=LEXICONS.actors, verbs=LEXICONS.verbs)
    assert table[["first_actor", "subject", "headline_verb"]].values.tolist() == [
        ["Putin", "Russia's Putin and Xi", "meet"], ["Xi", "Xi", "hosts"], ["", "", ""],
        ["Putin", "Russia's Putin and Xi", "meet"], ["Putin", "Putin", "arrives"]]
    for row in table.itertuples():
        assert find_headline_actor(row.headline, lexicon=LEXICONS.actors,
                                   verbs=LEXICONS.verbs)["subject"] == row.subject
