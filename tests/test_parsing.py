"""Tests for helpers.parsing and helpers.lines: seed goldens, made-up layouts, line rules, fuzz."""

from __future__ import annotations

import csv
import json
import random
import re
import time
from pathlib import Path

import pytest

from helpers import chrome, lines, parsing
from helpers.ingest import RawDocument, read_document
from helpers.lines import (
    Unit,
    count_words,
    fold_line,
    is_teaser,
    is_title_like,
    normalize_space,
    parse_byline_tail,
    split_units,
)
from helpers.parsing import (
    PARSER_VERSION,
    REASONS,
    classify_line,
    parse_byline,
    parse_dateline,
    parse_document,
    parse_text,
    split_title_suffix,
)

DATA = Path(__file__).resolve().parent / "data"
ARTICLES = DATA / "articles"
EXPECTED = DATA / "expected"
STEMS = ("000_2c1991ca35b098f2", "001_890e76751f79893c", "002_3309193dad904053",
         "003_cc906ff750dbd3fe", "004_b77093630cce5372")


@pytest.fixture(scope="module")
def sources(seed_dir) -> dict[str, dict[str, str]]:
    with open(seed_dir / "sources.csv", encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def seeds(seed_dir, sources):
    """Each seed parsed with its sources.csv row, keyed by the three-digit prefix."""
    out = {}
    for stem in STEMS:
        doc = read_document(seed_dir / f"{stem}.txt")
        out[stem[:3]] = parse_document(doc, sources_row=sources[f"{stem}.txt"])
    return out


def _removed(article, reason: str) -> list[str]:
    return [r.text for r in article.removed if r.reason == reason]


def _made_up(name: str, **kwargs):
    path = ARTICLES / name
    fmt = "markdown" if path.suffix == ".md" else "text"
    return parse_text(path.read_text(encoding="utf-8"), source=name, fmt=fmt, **kwargs)


# --- seeds -------------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", STEMS)
def test_seed_matches_golden(seed_dir, sources, stem):
    doc = read_document(seed_dir / f"{stem}.txt")
    article = parse_document(doc, sources_row=sources[f"{stem}.txt"])
    expected = json.loads((EXPECTED / f"{stem}.json").read_text(encoding="utf-8"))
    assert article.to_json() == expected
    assert article.content_hash == doc.content_hash is not None


@pytest.mark.parametrize(("key", "body", "subheads"), [
    ("000", 22, 0), ("001", 31, 2), ("002", 19, 0), ("003", 13, 0), ("004", 29, 1)])
def test_seed_paragraph_counts(seeds, key, body, subheads):
    kinds = [p.kind for p in seeds[key].paragraphs]
    assert (kinds.count("body"), kinds.count("subhead")) == (body, subheads)


@pytest.mark.parametrize(("key", "headline"), [
    ("000", "China joins Russia in opposition to Nato expansion at Beijing Winter Olympics "
            "opening ceremony"),
    ("001", "Putin arrives at Olympics, praises Russian relations with China amid crisis in "
            "Ukraine"),
    ("002", "China supports Russia in opposing NATO expansion"),
    ("003", "Putin and Xi call for halt to Nato expansion amid Ukraine tensions"),
    ("004", "Putin, Xi declare opposition to NATO expansion in pre-Olympics summit"),
])
def test_seed_headlines(seeds, key, headline):
    assert seeds[key].headline == headline


def test_seed_metadata(seeds):
    assert seeds["003"].byline == "Andrew Osborn"
    assert seeds["003"].published == "2022-02-04"
    assert seeds["004"].published is None  # the 2024 date sits in the nav bar
    assert [a.outlet for a in seeds.values()] == [
        "ITV News", "CBC News", "Unknown outlet (002_3309193dad904053)", "The Independent",
        "Action News"]
    assert seeds["002"].warnings and "Unknown outlet" in seeds["002"].warnings[0]
    assert all(a.byline is None for k, a in seeds.items() if k != "003")
    assert all(a.language == "en" and a.status == "ok" for a in seeds.values())


def test_seed_standfirsts(seeds):
    assert seeds["000"].standfirst.startswith("Europe Editor James Mates discusses")
    assert seeds["001"].standfirst == ("Russian leader highest-profile guest at Games after "
                                       "diplomatic boycott by Canada, U.S., others")
    assert seeds["002"].standfirst is None
    assert seeds["003"].standfirst.startswith("Russia’s Vladimir Putin is the highest profile")
    assert seeds["004"].standfirst.startswith("China increasing its support for Russia")


def test_seed_outlets_from_text_without_sources(seed_dir):
    outlets = {stem[:3]: parse_document(read_document(seed_dir / f"{stem}.txt")).outlet
               for stem in STEMS}
    assert outlets == {"000": "Unknown outlet (000_2c1991ca35b098f2)", "001": "CBC News",
                       "002": "Unknown outlet (002_3309193dad904053)", "003": "The Independent",
                       "004": "Action News"}
    assert parse_document(read_document(seed_dir / f"{STEMS[3]}.txt")).published == "2022-02-04"
    assert parse_document(read_document(seed_dir / f"{STEMS[4]}.txt")).published is None


@pytest.mark.parametrize(("key", "reason", "text"), [
    ("000", "caption", "The opening ceremony in Beijing Credit: AP"),
    ("001", "caption", "Chinese President Xi Jinping, right, and Russian President Vladimir Putin "
                       "talk during their meeting on Friday at the Beijing Olympics. "
                       "(The Associated Press)"),
    ("001", "video-promo", "6 months ago"),
    ("001", "video-promo", "Duration 3:38"),
    ("001", "newsletter", "Add some “good” to your morning and evening."),
    ("001", "newsletter", "Sign up now"),
    ("001", "membership", "Become a CBC Member"),
    ("002", "related-links", "Latest articles"),
    ("002", "related-links", "Australian defence gets strong with new helicopters"),
    ("002", "related-links", "Related articles"),
    ("003", "notification-prompt", "Notifications can be managed in browser preferences."),
    ("003", "comments", "Comments"),
    ("003", "credit", "Reuters / AP"),
    ("003", "membership", "Thank you for registering"),
    ("004", "nav", "Home WebMail Tuesday, November 26, 2024, 07:53 AM | Calgary | -17.5°C | "
                   "Regions Advertise Login | Our platform is in maintenance mode. Some URLs may "
                   "not be available. |"),
    ("004", "section-label", "World"),
    ("004", "headline-duplicate",
     "Putin, Xi declare opposition to NATO expansion in pre-Olympics summit"),
    ("004", "photo-promo", "PHOTOS |Beijing Olympic Games kick off with opening ceremony:"),
    ("004", "video-promo", "U.S. moving troops to Europe as Russia-Ukraine tensions rise"),
])
def test_seed_removed_lines(seeds, key, reason, text):
    assert text in _removed(seeds[key], reason)


def test_seed_blocks_removed_whole(seeds):
    cbc = seeds["001"]
    assert _removed(cbc, "video-promo")[0].startswith("WATCH | Human rights activists hope")
    assert _removed(cbc, "video-promo")[-1].startswith("Human rights activists see the 2022")
    assert len(_removed(seeds["004"], "video-promo")) == 10
    assert len(_removed(seeds["002"], "related-links")) == 10
    assert len(_removed(seeds["003"], "caption")) == 2  # one caption printed twice
    policy = _removed(cbc, "comments")
    assert policy[0].startswith("To encourage thoughtful") and policy[1].startswith("By submitting")
    assert _removed(seeds["004"], "caption")[-1].endswith("(Carl Court/Pool/AP)")


def test_seed_body_keeps_sentences_a_caption_repeats(seeds):
    texts = [p.text for p in seeds["004"].paragraphs]
    lead = "Putin is the highest-profile guest at the Beijing Games"
    assert any(t.startswith(lead) for t in texts)
    assert not any("(" in t and t.endswith("AP)") for t in texts)
    duplicate = _removed(seeds["004"], "duplicate")
    assert duplicate[0].startswith("Russia's Vladimir Putin and China's Xi Jinping issued")


def test_seed_subheads_kept_and_marked(seeds):
    subheads = {k: [p.text for p in a.paragraphs if p.kind == "subhead"] for k, a in seeds.items()}
    assert subheads["001"] == ["Olympic meeting 'a tradition'",
                               "'Oppose further expansion of NATO'"]
    assert subheads["004"] == ["Russia troop buildup near Ukraine border"]


def test_seed_removed_reasons_are_known(seeds):
    for article in seeds.values():
        assert {r.reason for r in article.removed} <= set(REASONS)


# --- made-up articles --------------------------------------------------------------------------

def test_bbc_style_article():
    article = _made_up("bbc_style.txt")
    assert article.headline == "Ukraine crisis: Putin and Xi pledge a friendship with no limits"
    assert (article.byline, article.outlet, article.published) == (
        "Jane Doe", "BBC News", "2022-02-04")
    assert article.standfirst is None
    assert [(p.kind, p.text) for p in article.paragraphs] == [
        ("body", 'Russia and China have declared a partnership with "no limits", as the leaders '
                 "of the two countries met in Beijing on the day the Winter Olympics opened."),
        ("body", "In a long joint statement, the two sides said they opposed any further "
                 "enlargement of Nato."),
        ("body", "The statement did not mention Ukraine by name, but it was read in Kyiv as a "
                 "signal of support for Moscow."),
        ("subhead", "What the statement says"),
        ("body", "The document runs to more than 5,000 words and covers trade, energy, climate "
                 "and space."),
        ("body", '"Friendship between the two states has no limits," it says.'),
    ]
    assert _removed(article, "caption")[:2] == [
        "Image source, Getty Images",
        "Image caption, The two leaders met in Beijing hours before the Winter Olympics opened"]
    assert _removed(article, "dateline") == ["Published 4 February 2022", "Updated 3 hours ago"]
    assert "Related Topics" in _removed(article, "related-links")
    assert "Vladimir Putin" in _removed(article, "related-links")
    assert "Published 2 days ago" in _removed(article, "related-links")
    assert _removed(article, "share") == ["Share"]
    assert _removed(article, "footer")[0].startswith("Copyright 2022 BBC.")


def test_guardian_style_article():
    article = _made_up("guardian_style.txt")
    assert article.headline == "Putin and Xi unveil 'no limits' partnership as Olympics open"
    assert article.standfirst == ("Russian and Chinese leaders present a united front against the "
                                  "west on the day the Games begin")
    assert (article.byline, article.outlet, article.published) == (
        "Jane Doe and John Roe", "The Guardian", "2022-02-04")
    assert [p.text for p in article.paragraphs] == [
        "Vladimir Putin and Xi Jinping have declared that the friendship between their countries "
        'has "no limits", in a show of unity on the opening day of the Beijing Winter Olympics.',
        "The two leaders said they opposed any further expansion of Nato and called on the "
        'alliance to abandon "Cold War approaches".',
        "Western officials fear Moscow is preparing to invade Ukraine, where more than 100,000 "
        "Russian troops are massed on the border.",
        "Beijing, for its part, received Russian backing for its claim to Taiwan.",
        '"This is a new era," the statement said.',
    ]
    assert _removed(article, "caption")[1] == ("Russian troops during drills in the Rostov region "
                                               "last month. Photograph: Sergei Pivovarov/Reuters")
    assert _removed(article, "share") == ["Share on Facebook", "Share on Twitter",
                                          "Share via Email"]
    assert _removed(article, "newsletter")[0].startswith("Sign up to First Edition")
    assert _removed(article, "related-links")[0] == "Most viewed"
    assert len(_removed(article, "related-links")) == 4


def test_reuters_style_article():
    article = _made_up("reuters_style.txt")
    assert article.headline == ("Russia, China declare opposition to NATO expansion in joint "
                                "statement")
    assert (article.byline, article.outlet, article.published) == (
        "Jane Doe and Ivan Petrov", "Reuters", "2022-02-04")
    assert [p.text for p in article.paragraphs] == [
        "Russia and China declared their opposition to any further enlargement of NATO on Friday, "
        "as President Vladimir Putin met Xi Jinping in Beijing.",
        "In a joint statement, the two countries said they would stand together against what "
        "they called interference in their internal affairs.",
        '"The sides oppose further enlargement of NATO," the statement said.',
        "The Kremlin said the leaders also discussed a new gas supply deal.",
    ]
    assert "MOSCOW, Feb 4 (Reuters) -" in _removed(article, "dateline")
    assert _removed(article, "credit") == [
        "Reporting by Jane Doe in Moscow and Ivan Petrov in Beijing; Editing by John Smith"]
    assert _removed(article, "footer") == ["Our Standards: The Thomson Reuters Trust Principles."]
    assert _removed(article, "section-label") == ["World"]
    assert _removed(article, "advert") == ["Advertisement · Scroll to continue"]


def test_markdown_article():
    row = {"file": "blog_style.md", "outlet": "Example Blog", "url": "https://example.org/p",
           "published": ""}
    article = _made_up("blog_style.md", sources_row=row)
    assert article.headline == "Putin and Xi meet in Beijing as the Winter Olympics open"
    assert (article.byline, article.outlet, article.published, article.url) == (
        "Maria Rossi", "Example Blog", "2022-02-04", "https://example.org/p")
    assert [(p.kind, p.text) for p in article.paragraphs] == [
        ("body", "Russia's president and China's leader met in Beijing on Friday, hours before the "
                 "opening ceremony of the Winter Olympics. They issued a long joint statement."),
        ("body", "The statement opposed further NATO enlargement and backed China's position on "
                 "Taiwan."),
        ("subhead", "What they agreed"),
        ("body", "Gas: a new contract for 10 billion cubic metres a year."),
        ("body", "Trade: more settlement in national currencies."),
        ("body", '"There are no forbidden areas of cooperation," the statement said.'),
    ]
    assert _removed(article, "caption") == [
        "![Xi Jinping and Vladimir Putin in Beijing](https://example.org/putin-xi.jpg)"]
    assert _removed(article, "related-links") == ["Related articles",
                                                  "Why Beijing is watching Ukraine"]
    assert _made_up("blog_style.md").outlet == "Unknown outlet (blog_style)"


def test_html_uses_metadata():
    meta = {"title": "Putin and Xi meet | Daily Example", "sitename": "Daily Example",
            "date": "2022-02-04T09:00:00+00:00", "url": "https://example.org/a",
            "author": "Jane Doe"}
    text = ("Putin and Xi meet\n\nLeaders of Russia and China meet before the Winter Olympics "
            "open\n\nThe two leaders met in Beijing on Friday.\n\nThey signed a statement.")
    article = parse_text(text, source="a.html", fmt="html", meta=meta)
    assert (article.headline, article.outlet, article.published, article.url, article.byline) == (
        "Putin and Xi meet", "Daily Example", "2022-02-04", "https://example.org/a", "Jane Doe")
    assert _removed(article, "headline-duplicate") == ["Putin and Xi meet"]
    assert article.standfirst == "Leaders of Russia and China meet before the Winter Olympics open"
    assert len(article.paragraphs) == 2


def test_sources_row_wins_and_bad_date_warns():
    row = {"file": "x.txt", "outlet": "Row Outlet", "url": "", "published": "sometime"}
    article = parse_text("A headline here\n\nFriday 04 February 2022\n\nBody text goes here.",
                         source="x.txt", sources_row=row)
    assert article.outlet == "Row Outlet"
    assert article.published == "2022-02-04"
    assert any("sometime" in w for w in article.warnings)


def test_skipped_document_stays_skipped():
    doc = RawDocument(source="bad.bin", path=Path("bad.bin"), skip_reason="binary file",
                      content_hash="abc")
    article = parse_document(doc)
    assert (article.status, article.reason, article.content_hash) == ("skipped", "binary file",
                                                                      "abc")
    assert article.paragraphs == [] and article.removed == []


# --- rule functions ----------------------------------------------------------------------------

@pytest.mark.parametrize(("line", "reason"), [
    ("The opening ceremony in Beijing Credit: AP", "caption"),
    ("Leaders meet in Moscow. (Alexei Nikolsky/Sputnik/Kremlin Pool/AP)", "caption"),
    ("Xi Jinping greets guests in Beijing. (The Associated Press)", "caption"),
    ("A protest in Kyiv. Photograph: Efrem Lukatsky/AP", "caption"),
    ("Image source, Getty Images", "caption"),
    ("WATCH | Why the Olympics matter to Beijing:", "video-promo"),
    ("WATCH |Why the Olympics matter to Beijing:", "video-promo"),
    ("Duration 2:05", "video-promo"),
    ("PHOTOS |Opening ceremony in pictures:", "photo-promo"),
    ("Reuters / AP", "credit"),
    ("With files from The Associated Press", "credit"),
    ("Reporting by Jane Doe; Editing by John Smith", "credit"),
    ("Sign up now", "newsletter"),
    ("Get our morning briefing newsletter", "newsletter"),
    ("Comments", "comments"),
    ("12 comments", "comments"),
    ("Already have an account?", "membership"),
    ("Log in", "membership"),
    ("Skip to content", "nav"),
    ("Home | World | Business | Sport", "nav"),
    ("Sunday, May 1, 2022 | Toronto | 12°C", "nav"),
    ("Stay up to date with notifications from The Daily Example", "notification-prompt"),
    ("Related articles", "related-links"),
    ("More on this story", "related-links"),
    ("You may also like:", "related-links"),
    ("Share on WhatsApp", "share"),
    ("Advertisement", "advert"),
    ("© 2022 Example Media Ltd", "footer"),
    ("3 min read", "page-meta"),
    ("5 hours ago", "dateline"),
    ("Politics", "section-label"),
    ("Andrew Osborn", None),
    ("Olympic meeting 'a tradition'", None),
    ("Putin is the highest-profile guest at the Beijing Games following the boycott.", None),
    ('"We are happy," he said. "Comments are welcome."', None),
    ("The photographer, credited as AP, was in Beijing.", None),
    ("Home prices in Beijing rose 3% last year, data showed.", None),
    ("", None),
])
def test_classify_line(line, reason):
    assert classify_line(line) == reason


@pytest.mark.parametrize(("line", "iso"), [
    ("Friday 04 February 2022 18:02 GMT", "2022-02-04"),
    ("Fri 4 Feb 2022 10.30 GMT", "2022-02-04"),
    ("February 4, 2022 10:15 AM GMT", "2022-02-04"),
    ("Published 4 February 2022", "2022-02-04"),
    ("Updated: Feb. 4, 2022 at 3:05 p.m. ET", "2022-02-04"),
    ("2022-02-04", "2022-02-04"),
    ("Home WebMail Tuesday, November 26, 2024, 07:53 AM | Calgary", None),
    ("The talks on February 4, 2022 lasted three hours.", None),
    ("31 February 2022", None),
    ("3 hours ago", None),
])
def test_parse_dateline(line, iso):
    assert parse_dateline(line) == iso


@pytest.mark.parametrize(("line", "byline"), [
    ("Andrew Osborn", "Andrew Osborn"),
    ("By Jane Doe", "Jane Doe"),
    ("By Jane Doe, Reuters", "Jane Doe"),
    ("**By Jon Petrakis, Northern Courier**".strip("*"), "Jon Petrakis"),
    ("By Mary Lee, Daily Herald", "Mary Lee"),
    ("By Jane Doe and John Roe", "Jane Doe and John Roe"),
    ("Jane Doe, John Roe and Ann Poe", "Jane Doe, John Roe and Ann Poe"),
    ("Ursula von der Leyen", "Ursula von der Leyen"),
    ("Comments", None),
    ("Minute Read", None),
    ("Related Topics", None),
    ("World News", None),
    ("Russia troop buildup near Ukraine border", None),
    ("Friday 04 February 2022", None),
    ("Putin and Xi call for halt to Nato expansion", None),
])
def test_parse_byline(line, byline):
    assert parse_byline(line) == byline


@pytest.mark.parametrize(("title", "expected"), [
    ("Putin, Xi declare opposition to NATO expansion - Action News",
     ("Putin, Xi declare opposition to NATO expansion", "Action News")),
    ("Putin and Xi meet | The Daily Example", ("Putin and Xi meet", "The Daily Example")),
    ("Ukraine crisis - live updates", ("Ukraine crisis - live updates", None)),
    ("Russia-Ukraine crisis - Live Updates", ("Russia-Ukraine crisis - Live Updates", None)),
    ("Putin meets Xi", ("Putin meets Xi", None)),
])
def test_split_title_suffix(title, expected):
    assert split_title_suffix(title) == expected


def test_reasons_cover_every_rule():
    assert set(chrome.LINE_REASONS) <= set(REASONS)
    assert len(set(REASONS)) == len(REASONS)
    assert isinstance(PARSER_VERSION, str) and PARSER_VERSION


# --- never raises --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", " \n\n\t", "One line", "Comments\nSign up now\nShare\nRelated articles",
    "x" * 100_000, "|" * 5000, "(" * 5000 + "/" * 5000, "# \n## \n![](\n[", "\x00\x01\ufeff",
    "WATCH |", "Latest articles", "a\nb\nc\n" * 10, "**" * 3000, "By\nBy By\n2022-13-45",
])
@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_fuzz_never_raises(text, fmt):
    article = parse_text(text, source="fuzz.txt", fmt=fmt)
    assert article.status in ("ok", "skipped")
    assert article.status == "skipped" or article.paragraphs


def test_fuzz_random_lines_never_raise():
    rng = random.Random(7)
    alphabet = "abc XYZ.,:;|/()[]*_#!?\"'“”’…-—°0123456789\n"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        article = parse_text(text, source="r.txt", fmt=rng.choice(["text", "markdown"]))
        assert not article.paragraphs or article.status == "ok"


def test_ten_thousand_paragraphs_is_fast():
    body = "\n\n".join(f"Paragraph number {i} says something new about the talks." for i in
                       range(10_000))
    start = time.perf_counter()
    article = parse_text("A headline for a long article\n\n" + body, source="long.txt")
    assert time.perf_counter() - start < 10
    assert len(article.paragraphs) == 10_000


@pytest.mark.parametrize("line", ["Related articles", "WATCH | A clip:", "Short title line"])
def test_repeated_block_starters_stay_linear(line):
    start = time.perf_counter()
    parse_text("\n".join([line] * 10_000 + ["A closing sentence."]), source="x.txt")
    assert time.perf_counter() - start < 10


def test_byline_before_headline_is_not_the_headline():
    article = parse_text("By Jane Doe\nTalks end without a deal\nThe talks ended on Friday.",
                         source="x.txt")
    assert (article.headline, article.byline) == ("Talks end without a deal", "Jane Doe")


# --- helpers.lines: the fast rule path equals the plain rule order -------------------------------

def _classify_plainly(line: str) -> str | None:
    """classify_line's definition: every rule in order, then timestamps and section labels."""
    line = normalize_space(line)
    if not line:
        return None
    for rule in chrome.LINE_RULES:
        if rule.matches(line):
            return rule.reason
    if chrome.RELATIVE_TIME.match(line):
        return "dateline"
    return "section-label" if line.lower().rstrip(":") in chrome.SECTION_LABELS else None


@pytest.mark.parametrize(("line", "reason"), [
    ("Home | World | Turn on notifications", "notification-prompt"),  # earlier anywhere rule
    ("Comments are moderated | Home | News", "nav"),  # earlier start rule
    ("Read more: our daily newsletter", "newsletter"),
    ("Pſeudonyms will no longer be allowed.", "comments"),  # ſ matches s ignoring case
    ("Example Media. All rİghts reserved", "footer"),  # İ matches i ignoring case
    ("Create an accounT to follow this story", "membership"),
    ("A crowd in Beijing. Photo: Jane Doe", "caption"),
    ("Crowds gathered in the square (Jane Doe/Agency)", "caption"),
    ("It was -3°C in Beijing on Friday.", "nav"),
    ("Crowds (about 300 people) gathered in the square.", None),
])
def test_classify_line_first_rule_wins(line, reason):
    assert classify_line(line) == _classify_plainly(line) == reason


def test_classify_line_agrees_with_plain_rule_order(seed_dir):
    texts = [p.read_text(encoding="utf-8") for p in sorted(seed_dir.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.iterdir())]
    rng = random.Random(5)
    seen = {line for text in texts for line in text.splitlines()}
    seen |= {"".join(rng.choice("ſİıK") if rng.random() < 0.1 else c for c in line)
             for line in sorted(seen)}
    assert len(seen) > 400
    assert [classify_line(line) for line in sorted(seen)] == [
        _classify_plainly(line) for line in sorted(seen)]


def test_line_starts_name_every_rule_with_a_start():
    groups = sorted(chrome.LINE_STARTS.groupindex.values())
    named = [int(name[1:]) for name in chrome.LINE_STARTS.groupindex]
    assert groups == list(range(1, len(groups) + 1))
    assert named == [k for k, rule in enumerate(chrome.LINE_RULES) if rule.start]
    assert all(rule.needs for rule in chrome.LINE_RULES if rule.anywhere)


def test_case_fold_exceptions_are_complete():
    """Every character re.IGNORECASE matches to a character of a ``needs`` string lower-cases
    to it, except the listed exceptions (else the needs shortcut could skip a real match)."""
    needed = sorted({c for rule in chrome.LINE_RULES for text in rule.needs for c in text})
    everything = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
    odd = {found for c in needed for found in re.findall("(?i)" + re.escape(c), everything)
           if found.lower() != c}
    assert odd == {"İ", "ı", "ſ"}
    assert all(chrome.CASE_FOLD_EXCEPTIONS.match(c) for c in odd)


def test_parsing_reexports_the_line_functions():
    for name in ("classify_line", "parse_date", "parse_dateline", "parse_byline",
                 "split_title_suffix"):
        assert getattr(parsing, name) is getattr(lines, name)


@pytest.mark.parametrize(("label", "text"), [
    ("CBC News", "Part of CBC/Radio-Canada"),
    ("The Independent", "Join thousands of Independent readers"),
    ("The Guardian", "Get the Guardian app"),
    ("BBC News", "Copyright 2022 BBC. All rights reserved."),
    ("Reuters", "Our Standards: The Thomson Reuters Trust Principles."),
    ("Associated Press", "Copyright 2022 The Associated Press. All rights reserved."),
])
def test_outlet_hints(label, text):
    needed = {lab: need for lab, need, _ in chrome.OUTLET_HINTS}[label]
    assert needed in text
    body = "Talks end without a deal\n\nThe talks ended on Friday after three hours.\n\n"
    assert parse_text(body + text, source="x.txt").outlet == label


@pytest.mark.parametrize(("text", "fmt", "units"), [
    ("Line one,\ncontinued here\n\nNext line\nlower start\r\nA new line", "text",
     [Unit("Line one, continued here"), Unit("Next line lower start"), Unit("A new line")]),
    ("  Spaced\u200b   out\t line  ", "text", [Unit("Spaced out line")]),
    ("# Title\n\nSome *em* and **strong** [link](http://x) text  \nmore\n\n![A photo](p.jpg)"
     "\n\n## Sub\n- item one\n- item two", "markdown",
     [Unit("Title", forced="headline"), Unit("Some em and strong link text"), Unit("more"),
      Unit("![A photo](p.jpg)", reason="caption"), Unit("Sub", forced="subhead"),
      Unit("item one"), Unit("item two")]),
    ("", "markdown", []),
])
def test_split_units(text, fmt, units):
    assert split_units(text, fmt=fmt) == units


@pytest.mark.parametrize(("text", "title", "teaser"), [
    ("Olympic meeting 'a tradition'", True, True),
    ("Putin arrives in Beijing.", False, False),
    ("Leaders meet as tensions rise...", False, True),
    ("the talks went on", False, True),
    ("Why does Beijing matter?", False, True),
])
def test_title_and_teaser_shapes(text, title, teaser):
    assert (is_title_like(text, max_words=12), is_teaser(text)) == (title, teaser)


def test_small_line_readers():
    assert normalize_space(" a \u00a0 b\n\tc ") == "a b c"
    assert fold_line("  Putin  MEETS Xi ") == "putin meets xi"
    assert count_words(" one two  three ") == 3
    assert parse_byline_tail("By Jane Doe, Reuters") == "Reuters"
    assert parse_byline_tail("By Jane Doe and John Roe") == "John Roe"
