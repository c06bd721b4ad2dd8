"""Tests for helpers.lexicons: loading, merging, errors and whole-word alias matching."""

from __future__ import annotations

import pytest

from helpers.lexicons import (
    LexiconError,
    compile_matcher,
    find_matches,
    load_lexicon,
    load_lexicons,
)


def test_default_lexicons_load_with_the_seed_actors_frames_and_verbs():
    lexicons = load_lexicons()
    assert "Mr Putin" in lexicons.actors["Putin"]
    assert lexicons.actors["Putin"][0] == "Putin"
    assert {"conflict", "economic consequences", "human interest", "morality",
            "responsibility"} <= {f for f, e in lexicons.frames.items() if e["type"] == "generic"}
    assert lexicons.verbs["say"] == {"class": "neutral", "forms": ["say", "says", "said", "saying"]}
    assert lexicons.verbs["allege"]["class"] == "loaded"


def test_collection_file_replaces_and_extends_entries(tmp_path):
    (tmp_path / "actors.yml").write_text(
        "actors:\n  Putin: [Vladimir Vladimirovich]\n  Macron: [Emmanuel Macron]\n",
        encoding="utf-8")
    actors = load_lexicon("actors", folder=tmp_path)
    assert actors["Putin"] == ["Putin", "Vladimir Vladimirovich"]
    assert actors["Macron"] == ["Macron", "Emmanuel Macron"]
    assert "Xi" in actors


def test_replace_true_drops_the_defaults(tmp_path):
    (tmp_path / "frames.yml").write_text(
        "replace: true\nframes:\n  flood:\n    type: issue\n    terms: [flood*, river]\n",
        encoding="utf-8")
    frames = load_lexicon("frames", folder=tmp_path)
    assert frames == {"flood": {"type": "issue", "label": "flood", "terms": ["flood*", "river"]}}


def test_bad_yaml_names_the_file(tmp_path):
    path = tmp_path / "verbs.yml"
    path.write_text("verbs:\n  say: {class: neutral, forms: [say\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="verbs.yml: invalid YAML"):
        load_lexicon("verbs", folder=tmp_path)


@pytest.mark.parametrize("text, message", [
    ("verbs:\n  say: {class: friendly}\n", "class 'friendly'"),
    ("verbs: [say, tell]\n", "top-level 'verbs:' mapping"),
    ("verbs:\n  say: {class: neutral, forms: [1, 2]}\n", "list of non-empty strings"),
])
def test_malformed_entries_are_refused(tmp_path, text, message):
    (tmp_path / "verbs.yml").write_text(text, encoding="utf-8")
    with pytest.raises(LexiconError, match=message):
        load_lexicon("verbs", folder=tmp_path)


def test_yaml_tags_are_not_executed(tmp_path):
    (tmp_path / "actors.yml").write_text("actors: !!python/object/apply:os.system [echo hi]\n",
                                         encoding="utf-8")
    with pytest.raises(LexiconError, match="invalid YAML"):
        load_lexicon("actors", folder=tmp_path)


@pytest.mark.parametrize("text, expected", [
    ("A taxi passed Xinhua.", []),
    ("Xi met Putin.", [("Xi", "Xi"), ("Putin", "Putin")]),
    ("Vladimir Putin spoke.", [("Putin", "Vladimir Putin")]),
    ("The Russian President arrived.", [("Putin", "The Russian President")]),
    ("Tell us about the US.", [("United States", "US")]),
    ("Nato and NATO but not nato", [("NATO", "Nato"), ("NATO", "NATO")]),
    ("Russia’s leader and Russia's people", [("Russia", "Russia"), ("Russia", "Russia")]),
])
def test_matches_respect_word_boundaries_case_and_length(text, expected):
    matcher = compile_matcher({"Xi": ["Xi", "Xi Jinping"],
                               "Putin": ["Putin", "Vladimir Putin", "the Russian president"],
                               "United States": ["US"], "NATO": ["NATO", "Nato"],
                               "Russia": ["Russia"]})
    assert [(label, found) for _, _, label, found in find_matches(text, matcher)] == expected


def test_wildcards_and_apostrophes():
    matcher = compile_matcher({"economy": ["sanction*", "People's Republic"]})
    found = find_matches("New sanctions hit the People’s Republic; sanction-busting too.", matcher)
    assert [m[3] for m in found] == ["sanctions", "People’s Republic", "sanction-busting"]


def test_find_matches_each_equals_find_matches_per_text():
    from helpers.lexicons import compile_matcher, find_matches, find_matches_each

    matchers = [compile_matcher({"Putin": ["Putin", "Vladimir Putin", "Mr Putin"],
                                 "US": ["U.S.", "US", "United States"]}),
                compile_matcher({"energy": ["gas", "sanction*", "oil and gas"]}),
                compile_matcher({"odd": ["’s-Hertogenbosch", "élan"]})]
    texts = ["Vladimir Putin met US officials.", "KPutin and U.S. gas", None, "",
             "Sanctions hit oil and\ngas; gasoline is not gas.", "ÉLAN in ’s-Hertogenbosch",
             "ſanctions and Ｕs", "the United\nStates", "Putin\x00US sanctions"]
    expected = [[(i, *m) for i, t in enumerate(texts) for m in find_matches(t or "", matcher)]
                for matcher in matchers]
    assert find_matches_each(texts, matchers) == expected
    assert find_matches_each(texts[:-1], matchers) == [
        [hit for hit in hits if hit[0] < len(texts) - 1] for hits in expected]
    assert expected[0][:2] == [(0, 0, 14, "Putin", "Vladimir Putin"), (0, 19, 21, "US", "US")]
    # Repeated texts (wire copy) are matched once and the matches copied to every repeat.
    repeated = [texts[4], texts[0], texts[4], texts[7], texts[0], texts[4]]
    assert find_matches_each(repeated, matchers) == [
        [(i, *m) for i, t in enumerate(repeated) for m in find_matches(t, matcher)]
        for matcher in matchers]


def test_find_matches_each_finds_one_character_terms_everywhere():
    from helpers.lexicons import compile_matcher, find_matches_each

    matcher = compile_matcher({"X": ["X"], "Q": ["q"]})
    assert find_matches_each(["A X b X", "q. Xi, X", "X"], [matcher]) == [[
        (0, 2, 3, "X", "X"), (0, 6, 7, "X", "X"), (1, 0, 1, "Q", "q"), (1, 7, 8, "X", "X"),
        (2, 0, 1, "X", "X")]]
    # A non-ASCII head can fold to an ASCII term (the Kelvin sign matches "k").
    kelvin = compile_matcher({"k": ["kab", "ok"]})
    assert find_matches_each(["\u212aab o\u212a x"], [kelvin]) == [
        [(0, 0, 3, "k", "\u212aab"), (0, 4, 6, "k", "o\u212a")]]


def test_texts_with_matches_are_the_texts_find_matches_finds_terms_in():
    from helpers.lexicons import compile_matcher, find_matches, texts_with_matches

    texts = ["The COLD\nwar ended.", "Beijing", "beijing", "BEIJING's", "People's Republic",
             "\u212aevin Rudd", "kevin  rudd", "Kevinrudd", "sanctioned", "", "cold wars"]
    matcher = compile_matcher({"Cold War": ["Cold War"], "Beijing": ["Beijing"],
                               "PRC": ["People’s Republic"], "Rudd": ["Kevin Rudd"],
                               "sanctions": ["sanction*"]})
    assert texts_with_matches(texts, matcher) == [0, 1, 4, 5, 6, 8]
    assert texts_with_matches(texts, matcher) == [
        i for i, text in enumerate(texts) if find_matches(text, matcher)]
    apostrophe = compile_matcher({"s": ["’s-Hertogenbosch"]})
    assert texts_with_matches(["in 's-Hertogenbosch", "Hertogenbosch"], apostrophe) == [0]
    assert texts_with_matches(texts, compile_matcher({})) == []


def test_compile_matcher_is_memoised_on_content():
    from helpers.lexicons import compile_matcher

    assert compile_matcher({"a": ["x", "y"]}) is compile_matcher({"a": ("x", "y")})
    assert compile_matcher({"a": ["x"]}) is not compile_matcher({"b": ["x"]})
