"""Every framing chart builder returns a valid Vega-Lite spec with tooltips and few rows."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import charts
from helpers.actors import count_actor_mentions
from helpers.attribution import count_attribution_verbs
from helpers.frames import count_frames
from helpers.leads import compare_leads
from helpers.lexicons import load_lexicons
from helpers.quotes import count_quotes_by_speaker, extract_quotes, share_quoted_words
from helpers.tone import score_actor_tone, score_sentences, summarise_tone

LEXICONS = load_lexicons()
TEXTS = {
    ("a.txt", "Alpha"): ['"We are close friends," Putin said.', "Mr Putin alleges that NATO "
                         "threatens Russia and Xi Jinping agrees."],
    ("b.txt", "Beta"): ["Xi praised “unprecedented” ties with Russia.",
                        "The Kremlin said gas trade will grow."],
}


@pytest.fixture(scope="module")
def tables():
    paragraphs = pd.DataFrame([
        {"article_id": a, "outlet": o, "position": i, "kind": "body", "text": t, "words":
         len(t.split())} for (a, o), texts in TEXTS.items() for i, t in enumerate(texts)])
    sentences = paragraphs.assign(paragraph=paragraphs["position"])
    articles = pd.DataFrame({"article_id": ["a.txt", "b.txt"], "outlet": ["Alpha", "Beta"],
                             "headline": ["Putin alleges threat", "Xi praises ties"],
                             "standfirst": ["", ""]})
    charts.use_outlets(["Alpha", "Beta"])
    quotes, attributions = extract_quotes(paragraphs, actors=LEXICONS.actors,
                                          verbs=LEXICONS.verbs)
    scores = score_sentences(sentences)
    return {
        "leads": compare_leads(articles, paragraphs, lexicon=LEXICONS.actors,
                               verbs=LEXICONS.verbs),
        "actors": count_actor_mentions(sentences, lexicon=LEXICONS.actors, suggest=0),
        "shares": share_quoted_words(quotes, sentences),
        "speakers": count_quotes_by_speaker(quotes),
        "verbs": count_attribution_verbs(attributions),
        "frames": count_frames(sentences, lexicon=LEXICONS.frames),
        "tone": summarise_tone(scores, n_boot=100),
        "actor_tone": score_actor_tone(scores, lexicon=LEXICONS.actors, n_boot=100),
    }


def _encodings(spec: dict) -> list[dict]:
    return [layer["encoding"] for layer in spec.get("layer", [spec])]


@pytest.mark.parametrize("builder, table, mark, fields", [
    ("chart_headline_actors", "leads", "text", {"y": "outlet", "text": "label"}),
    ("chart_actor_heatmap", "actors", "rect", {"x": "outlet", "y": "actor",
                                               "color": "per_1000_words"}),
    ("chart_quote_share", "shares", "bar", {"y": "outlet", "x": "share", "color": "outlet"}),
    ("chart_quotes_by_speaker", "speakers", "bar", {"y": "speaker", "x": "quotes",
                                                    "color": "outlet"}),
    ("chart_attribution_verbs", "verbs", "circle", {"y": "verb", "size": "count",
                                                    "color": "verb_class"}),
    ("chart_frame_heatmap", "frames", "rect", {"y": "frame", "color": "per_1000_words"}),
    ("chart_tone", "tone", "rule", {"y": "outlet", "x": "low", "x2": "high"}),
    ("chart_actor_tone", "actor_tone", "rule", {"y": "actor", "x": "low", "color": "outlet"}),
])
def test_builders_produce_specs_with_tooltips(tables, builder, table, mark, fields):
    chart = getattr(charts, builder)(tables[table])
    spec = chart.to_dict()
    first = spec.get("layer", [spec])[0]
    assert (first["mark"]["type"] if isinstance(first["mark"], dict) else first["mark"]) == mark
    encoding = _encodings(spec)[0]
    for channel, field in fields.items():
        assert encoding[channel]["field"] == field
    assert all("tooltip" in e for e in _encodings(spec))
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) == len(tables[table]) and 0 < len(rows) < 5000


def test_outlet_colours_come_from_the_shared_scale(tables):
    spec = charts.chart_quote_share(tables["shares"]).to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"][:2] == ["Alpha", "Beta"]


def test_verbs_chart_shows_loaded_verbs(tables):
    rows = next(iter(charts.chart_attribution_verbs(tables["verbs"]).to_dict()["datasets"]
                     .values()))
    assert {(r["outlet"], r["verb"], r["verb_class"]) for r in rows} >= {
        ("Alpha", "allege", "loaded"), ("Alpha", "say", "neutral"), ("Beta", "praise", "loaded"),
        ("Beta", "say", "neutral")}
