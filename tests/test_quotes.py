"""Tests for helpers.quotes and helpers.attribution: quotes, speakers and verbs."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.attribution import count_attribution_verbs, describe_verbs
from helpers.lexicons import load_lexicons
from helpers.quotes import (
    count_quotes_by_speaker,
    extract_quotes,
    find_quote_spans,
    share_quoted_words,
)

LEXICONS = load_lexicons()


def make_paragraphs(texts: list[str], *, article_id: str = "a1", outlet: str = "Alpha"
                    ) -> pd.DataFrame:
    """A corpus-like paragraphs table for one article."""
    return pd.DataFrame({"article_id": article_id, "outlet": outlet,
                         "position": range(len(texts)), "kind": "body", "text": texts})


def extract(texts: list[str]):
    return extract_quotes(make_paragraphs(texts), actors=LEXICONS.actors, verbs=LEXICONS.verbs)


@pytest.mark.parametrize("texts, speaker, verb, quote", [
    (['"This is a strategic decision," Mr Xi said, according to Xinhua.'],
     "Xi", "say", "This is a strategic decision,"),
    (["“We are friends,” said Vladimir Putin."], "Putin", "say", "We are friends,"),
    (['Rudd told reporters: "It puts at risk the relationship."'],
     "Kevin Rudd", "tell", "It puts at risk the relationship."),
    (['China and Russia are committed to "deepening cooperation," Xi was quoted as telling Putin.'],
     "Xi", "tell", "deepening cooperation,"),
    (["Mr Putin praised “unprecedented” close relations with China."],
     "Putin", "praise", "unprecedented"),
    (['They confronted what Xi called "regional security threats" in Asia.'],
     "Xi", "call", "regional security threats"),
    (["The talks, described as “quite friendly” by the Kremlin, ended."],
     "Kremlin", "describe", "quite friendly"),
    (['Kevin Rudd, president of the Asia Society, called the backing "highly significant."'],
     "Kevin Rudd", "call", "highly significant."),
    (['Moscow rejected it, "we will not accept this", according to the Russian foreign ministry.'],
     "the Russian foreign ministry", "according to", "we will not accept this"),
    (["Putin and Xi issued a joint statement.",
      "“The parties oppose the expansion of NATO,” it read."],
     "the joint statement", "read", "The parties oppose the expansion of NATO,"),
    (["The two leaders issued a joint statement on Friday.",
      '"There are no limits to friendship," the statement adds.'],
     "the joint statement", "add", "There are no limits to friendship,"),
    (['Mr Putin has asked that Ukraine stay out, claiming they are "one nation."'],
     "Putin", "claim", "one nation."),
    (['Russia called the move "destructive" and said it confirmed its concerns.'],
     "Russia", "call", "destructive"),
])
def test_speaker_and_verb_of_a_quote(texts, speaker, verb, quote):
    quotes, _ = extract(texts)
    assert quotes[["speaker", "verb", "quote"]].values.tolist()[0] == [speaker, verb, quote]


def test_quote_over_two_paragraphs_is_one_quote_with_the_later_attribution():
    quotes, _ = extract(['"It puts at risk the wider relationship. But he thinks it is fine.',
                         '"It also signifies a global role," Rudd said.'])
    assert len(quotes) == 1
    row = quotes.iloc[0]
    assert (row["speaker"], row["verb"], row["paragraph"], row["closed"]) == (
        "Kevin Rudd", "say", 0, True)
    assert row["quote"] == ("It puts at risk the wider relationship. But he thinks it is fine. "
                            "It also signifies a global role,")


def test_a_quote_alone_in_its_sentence_continues_the_previous_speaker():
    quotes, _ = extract(['Relations "are developing well," Putin said. "They have become '
                         'unprecedented."'])
    assert quotes[["speaker", "verb", "kind"]].values.tolist() == [
        ["Putin", "say", "partial"], ["Putin", "say", "full"]]


@pytest.mark.parametrize("texts, expected", [
    (['He said "yes and left.'], ["yes and left."]),                       # never closed
    (["Stray close” mark, then “a quote” here."], ["a quote"]),           # closing mark first
    (["“One “two” three."], ["One", "two"]),                              # opening inside open
    (['No quotes at all.'], []),
    (['"Open', 'Next paragraph has no mark.'], ["Open"]),                 # ends with paragraph
])
def test_unbalanced_quotes_never_raise(texts, expected):
    quotes, _ = extract(texts)
    assert quotes["quote"].tolist() == expected


def test_spans_report_unclosed_quotes():
    spans = find_quote_spans(['"Open', 'Next paragraph has no mark.'])
    assert [(s["text"], s["closed"]) for s in spans] == [("Open", False)]


@pytest.mark.parametrize("text, speaker, verb, verb_class", [
    ("Mr Putin alleges that NATO is being used against Russia.", "Putin", "allege", "loaded"),
    ("It comes amid tensions, which Putin claims he has no intention of invading.", "Putin",
     "claim", "loaded"),
    ("The Kremlin said the two leaders held warm talks.", "Kremlin", "say", "neutral"),
    ("The US president, Joe Biden, has said Russian companies could be cut off.", "Joe Biden",
     "say", "neutral"),
    ("Earlier this week, the United States said that it would send troops.", "United States",
     "say", "neutral"),
    ("Russian President Vladimir Putin on Friday insisted that talks continue.", "Putin",
     "insist", "loaded"),
])
def test_reported_speech_is_attributed(text, speaker, verb, verb_class):
    _, attributions = extract([text])
    assert attributions[["speaker", "verb", "verb_class", "kind"]].values.tolist() == [
        [speaker, verb, verb_class, "indirect"]]


@pytest.mark.parametrize("text", [
    "China claims the self-governing island as its own territory.",
    "The statement backs up a call from the foreign minister.",
    "They met at the Diaoyutai State Guesthouse.",
    "He spoke of the United States and the Cold War.",
])
def test_non_attributions_are_not_counted(text):
    _, attributions = extract([text])
    assert attributions.empty


def test_aggregates_shares_speakers_and_verbs():
    paragraphs = pd.concat([
        make_paragraphs(['"We agree on everything," Putin said.',
                         "Mr Putin alleges that the West is weak."], article_id="a1",
                        outlet="Alpha"),
        make_paragraphs(['"Friends," Xi said.', "Xi said the talks went well."],
                        article_id="b1", outlet="Beta"),
    ])
    quotes, attributions = extract_quotes(paragraphs, actors=LEXICONS.actors,
                                          verbs=LEXICONS.verbs)
    sentences = pd.DataFrame({"outlet": ["Alpha", "Alpha", "Beta", "Beta"],
                              "words": [6, 8, 3, 6]})
    shares = share_quoted_words(quotes, sentences)
    assert shares[["outlet", "quoted_words", "words", "quotes"]].values.tolist() == [
        ["Alpha", 4, 14, 1], ["Beta", 1, 9, 1]]
    assert shares["share"].round(4).tolist() == [round(4 / 14, 4), round(1 / 9, 4)]
    speakers = count_quotes_by_speaker(quotes)
    assert speakers[["outlet", "speaker", "quotes"]].values.tolist() == [
        ["Alpha", "Putin", 1], ["Beta", "Xi", 1]]
    verbs = count_attribution_verbs(attributions)
    assert verbs[["outlet", "verb", "verb_class", "count", "share"]].values.tolist() == [
        ["Alpha", "allege", "loaded", 1, 0.5], ["Alpha", "say", "neutral", 1, 0.5],
        ["Beta", "say", "neutral", 2, 1.0]]
    assert describe_verbs(verbs).startswith("Alpha uses loaded attribution verbs most (50%")
