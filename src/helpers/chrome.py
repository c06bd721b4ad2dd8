"""Rules for recognising site chrome in scraped article text: compiled patterns and word lists.

The functions that apply these rules live in :mod:`helpers.lines` and :mod:`helpers.parsing`;
this module only holds the data, in the style of textacy's ``resources``. Every line rule is an
explicit :class:`LineRule` tuple (reason, start pattern, anywhere pattern, needed strings) so
that renaming a reason fails loudly in the tests instead of silently dropping a rule. The
reasons are the labels of :data:`helpers.parsing.REASONS`.

Patterns are anchored and use bounded repetition so that a pathological line (100 kB without a
space) costs linear time. They are written from the layouts of common news sites (wire agencies,
Canadian, British and aggregator pages) rather than from the exact sentences of any one page.
Each line rule keeps the alternatives anchored at the line start apart from those that may match
anywhere: all start patterns are combined into one alternation (:data:`LINE_STARTS`, tried once
at position 0), and an anywhere pattern only runs on a line that holds one of its ``needs``
strings, because an unanchored case-insensitive search is what costs time on long lines.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_I = re.IGNORECASE

#: News agencies whose names make up wire-credit lines and photo credits.
AGENCIES: tuple[str, ...] = (
    "The Associated Press", "Associated Press", "AP", "Reuters", "AFP", "Agence France-Presse",
    "PA", "PA Media", "Press Association", "The Canadian Press", "Canadian Press", "CP", "dpa",
    "EPA", "EFE", "ANSA", "Xinhua", "Bloomberg", "Getty Images", "Getty", "TASS", "Kyodo",
    "Sputnik", "UPI",
)
_AGENCY = "(?:" + "|".join(re.escape(a) for a in sorted(AGENCIES, key=len, reverse=True)) + ")"

#: Section names that appear alone on a line above or below the headline.
SECTION_LABELS: frozenset[str] = frozenset({
    "world", "world news", "news", "uk", "uk news", "us", "us news", "europe", "asia", "africa",
    "americas", "middle east", "asia pacific", "australia", "canada", "china", "russia",
    "politics", "business", "economy", "sport", "sports", "opinion", "analysis", "comment",
    "technology", "tech", "science", "health", "entertainment", "culture", "lifestyle", "video",
    "live", "breaking", "breaking news", "international", "national", "local", "top stories",
    "olympics", "winter olympics", "beijing 2022",
})

#: Words that never occur in a byline (page furniture that looks like a capitalised name).
BYLINE_STOPWORDS: frozenset[str] = frozenset({
    "comments", "comment", "minute", "minutes", "min", "read", "share", "news", "home", "world",
    "related", "topics", "image", "images", "video", "live", "updated", "published", "posted",
    "the", "latest", "more", "advertisement", "getty", "sign", "login", "log", "subscribe",
    "menu", "search", "print", "listen", "watch", "photos", "photo", "editor", "correspondent",
    "reporter", "analysis", "opinion", "sport", "politics", "business", "olympics", "winter",
    "summer", "games", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december", "china", "russia", "ukraine", "nato",
    "of", "in", "on", "at", "for", "to", "with", "a", "an", "is", "are", "was", "and", "or",
    "reuters", "press", "associated", "staff", "agencies", "agency", "wire", "follow",
    # masthead words: "By Jon Petrakis, Northern Courier" names a paper after the author
    "courier", "times", "herald", "gazette", "tribune", "journal", "chronicle", "telegraph",
    "daily", "weekly", "observer", "express", "bulletin", "dispatch", "examiner", "inquirer",
})
#: Lower-case particles allowed inside a personal name ("Ursula von der Leyen").
NAME_PARTICLES: frozenset[str] = frozenset({
    "de", "da", "di", "del", "della", "van", "von", "der", "den", "bin", "al", "el", "la", "le",
    "du", "dos", "das",
})

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = "(?i:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"

#: Dates inside a line: ISO, day-month-year and month-day-year.
DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd", re.compile(r"(?<!\d)(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)")),
    ("dmy", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m>{_MONTH})\.?,?\s+"
                       rf"(?P<y>\d{{4}})\b", _I)),
    ("mdy", re.compile(rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
                       rf"(?P<y>\d{{4}})\b", _I)),
)
#: Tokens allowed around a date on a dateline (weekday, time, zone, "Published", "Updated").
DATELINE_FILLER = re.compile(
    r"\b(?:published|updated|last updated|posted|first published|on|at|mon|tue|tues|wed|thu|"
    r"thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"[ap]\.?m\.?|gmt|utc|bst|cet|cest|est|edt|cst|cdt|pst|pdt|et|pt|ct|mt|"
    r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[ap]\.?m\.?)?)\b|[,|:·•()\-–—]", _I)
#: Relative timestamps ("3 hours ago", "Published 2 days ago").
RELATIVE_TIME = re.compile(
    r"^(?:(?:published|updated|posted)\s*:?\s*)?(?:\d{1,3}|an?|one)\s+(?:seconds?|secs?|minutes?|"
    r"mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\.?$", _I)
#: Wire dateline opening the first paragraph: "MOSCOW, Feb 4 (Reuters) - ", "BEIJING (AP) — ".
WIRE_DATELINE = re.compile(
    rf"^(?P<place>[A-Z][A-Z.'’ -]{{1,40}}?)(?:,\s+(?P<date>{_MONTH}\.?\s+\d{{1,2}}))?"
    rf"\s+\((?P<agency>Reuters|AP|AFP|CP|PA|dpa|Bloomberg)\)\s*[-–—]+\s+")

#: Trailing " - Site Name" / " | Site Name" on a page title.
TITLE_SUFFIX = re.compile(
    r"^(?P<head>.{8,}?)\s+[-–—|]\s+(?P<site>[A-Z0-9][\w&.'’]{0,20}(?:\s+[A-Z0-9&][\w&.'’]{0,20})"
    r"{0,3})$")
#: Title-suffix words that name a page type, not an outlet ("... - Live updates").
SUFFIX_NOT_OUTLET: frozenset[str] = frozenset({
    "live", "updates", "update", "video", "analysis", "opinion", "explained", "photos", "review",
    "interview", "timeline", "q&a", "factbox", "explainer",
})

#: Outlet names revealed by chrome lines, with a named group ``outlet``.
OUTLET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("notification-prompt", re.compile(
        r"^stay up to date with notifications from (?P<outlet>[\w&.'’ ]{2,40}?)\.?$", _I)),
    ("copyright", re.compile(
        r"^(?:©|\(c\)|copyright)\s*(?:\d{4}\s*)?(?P<outlet>[A-Z][\w&'’ ]{1,40}?)"
        r"(?:\.|,|\s+all rights|\s+limited|\s+ltd|$)", _I)),
)
#: Known outlets recognised from a phrase anywhere in the text: (label, a string that every
#: match contains, checked first because it is much cheaper than the search, pattern).
OUTLET_HINTS: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("CBC News", "CBC", re.compile(r"\bCBC/Radio-Canada\b|\bBecome a CBC Member\b")),
    ("The Independent", "Independent", re.compile(
        r"\bIndependent readers\b|\bnotifications from The Independent\b")),
    ("The Guardian", "Guardian", re.compile(
        r"\bGuardian News (?:&|and) Media\b|\bthe Guardian app\b")),
    ("BBC News", "BBC", re.compile(r"\bCopyright \d{4} BBC\b|\bThe BBC is not responsible\b")),
    ("Reuters", "Thomson Reuters Trust Principles", re.compile(
        r"\bThomson Reuters Trust Principles\b")),
    ("Associated Press", "The Associated Press", re.compile(
        r"\bCopyright \d{4} The Associated Press\b")),
)
#: Canonical names for outlet strings found in chrome ("BBC" → "BBC News").
OUTLET_ALIASES: dict[str, str] = {
    "bbc": "BBC News", "cbc": "CBC News", "independent": "The Independent",
    "guardian news & media": "The Guardian", "guardian": "The Guardian", "itv": "ITV News",
    "thomson reuters": "Reuters", "the associated press": "Associated Press",
}

class LineRule(NamedTuple):
    """One single-line rule: a line matches when ``start`` matches at its beginning or
    ``anywhere`` matches somewhere in it.

    ``needs`` lists lower-case strings of which every match of ``anywhere`` contains one (a
    cheap necessary condition checked on the lower-cased line before the regex runs; see
    :data:`CASE_FOLD_EXCEPTIONS`). Keep it in step when editing ``anywhere``: the tests compare
    :func:`helpers.lines.classify_line` with trying :meth:`matches` rule by rule.
    """

    reason: str
    start: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None = None
    needs: tuple[str, ...] = ()

    def matches(self, line: str) -> bool:
        """Return whether the rule matches ``line`` (the plain, unoptimised definition)."""
        return bool((self.start and self.start.match(line))
                    or (self.anywhere and self.anywhere.search(line)))


#: Single-line rules, tried in order; the first match gives the removal reason.
LINE_RULES: tuple[LineRule, ...] = (
    LineRule("notification-prompt", re.compile(
        r"^stay up to date with notifications from\b|^notifications can be managed in\b|"
        r"^(?:get|receive) (?:breaking news )?(?:alerts|notifications)\b", _I), re.compile(
        r"\b(?:turn on|enable|allow) (?:push |browser |desktop )?notifications\b", _I),
        ("notifications",)),
    LineRule("nav", re.compile(
        r"^[^|]{0,200}\|[^|]{0,200}\|"           # two or more "|" separators
        r"|^skip to (?:main )?content\b|^(?:menu|search|home|main menu|open navigation)$", _I),
        re.compile(r"-?\d{1,3}(?:\.\d)?\s?°[CF]\b", _I),  # a weather reading
        ("°",)),
    LineRule("video-promo", re.compile(
        r"^(?:watch|video|listen)\s*\||^(?:WATCH|VIDEO|LISTEN)\s*:|"
        r"^duration\s+\d{1,2}:\d{2}(?::\d{2})?$|^media caption,", _I)),
    LineRule("photo-promo", re.compile(
        r"^(?:photos?|gallery|in pictures|slideshow)\s*\||^(?:PHOTOS|IN PICTURES|GALLERY)\s*:",
        _I)),
    LineRule("caption", re.compile(
        r"(?i:^(?:image source|image caption|photo credit|caption)\s*[,:])"
        r"|^\(?(?:AP|AFP|Reuters|EPA) Photo/"), re.compile(
        r"\bCredit:\s*[^.]{1,80}$"                                   # "... Credit: AP"
        r"|\b(?:Photograph|Photo|Picture|Illustration|Image)\s*:\s*[^.]{1,80}$"
        r"|\((?:AP|AFP|Reuters|The Associated Press|Getty Images|EPA|PA|Bloomberg|Xinhua|"
        r"The Canadian Press|CP)(?: Photo)?\)$"
        r"|\([A-Z][^()/]{0,60}(?:/[^()/]{1,60}){1,6}\)$"),          # "(Name/Agency/AP)"
        ("credit:", "photo", "picture", "illustration", "image", ")")),
    LineRule("credit", re.compile(
        rf"^{_AGENCY}(?:\s*(?:/|,|&|and)\s*{_AGENCY}){{0,5}}\.?$"
        r"|^\(?(?:additional )?(?:reporting|editing|writing|compiled) by\b"
        r"|^[-–—]?\s*with files from\b|^this (?:story|article) (?:was|has been) "
        r"(?:updated|corrected)\b", _I)),
    LineRule("newsletter", re.compile(
        r"^sign up(?: now| here| today)?[.!]?$|^sign up (?:to|for)\b|"
        r"^add some .{1,10} to your (?:morning|inbox)\b|^subscribe(?: now| here)?[.!]?$|"
        r"^get (?:our|the) .{1,40} newsletter\b", _I), re.compile(
        r"\bnewsletters? you.{0,3}ll love\b|\bstraight to (?:you|your inbox)\b|"
        r"\bour (?:free )?(?:daily |weekly )?newsletter\b", _I),
        ("newsletter", "straight to ")),
    LineRule("comments", re.compile(
        r"^comments?(?:\s*\(\d+\))?$|^\d+\s+comments?$|^view comments$|^show comments$|"
        r"^comment policy\b|^read our (?:comment|community) (?:policy|guidelines)\b", _I),
        re.compile(
        r"\bby submitting a comment\b|\bcomments (?:on this story )?are moderated\b|"
        r"\bto encourage thoughtful and respectful conversations\b|\bpseudonyms will no longer\b",
        _I), ("comment", "thoughtful", "pseudonyms")),
    LineRule("membership", re.compile(
        r"^become an? .{0,40}\bmember\b|^join the conversation\b|"
        r"^already have an account\b|^(?:log|sign) ?in(?: to .{0,40})?[.!]?$|"
        r"^thank you for registering\b|^please refresh (?:the|your) (?:page|browser)\b|"
        r"^join our commenting forum\b|^register(?: now)?$", _I), re.compile(
        r"\bcreate (?:an |your )?account\b|\bfollow other .{1,40} readers\b", _I),
        ("account", "readers")),
    LineRule("share", re.compile(
        r"^share(?: this)?(?: (?:article|story|page))?$|^share (?:on|via) \w+$|"
        r"^(?:facebook|twitter|x|whatsapp|email|linkedin|reddit|messenger)$|"
        r"^reuse this content$|^copy link$|^print(?: this)?(?: article| page)?$", _I)),
    LineRule("advert", re.compile(
        r"^advertisement(?:\s*[·|-]\s*scroll to continue(?: with content)?)?$|"
        r"^(?:story continues|article continues) (?:below|after)\b|^ad$", _I)),
    LineRule("footer", re.compile(
        r"^our standards:|^©|^(?:\(c\)|copyright)\s*(?:©\s*)?\d{4}\b|"
        r"^read about our approach to\b", _I), re.compile(
        r"\ball rights reserved\b|\bis not responsible for the content of external\b", _I),
        ("all rights reserved", "is not responsible")),
    LineRule("related-links", re.compile(
        r"^(?:latest|related|recommended|trending|popular|more) (?:articles|stories|news|content|"
        r"links|topics|videos|reads)(?: for you)?:?$|^(?:related|recommended|trending|"
        r"further reading|read more|read next|most (?:viewed|read|popular|shared)|top stories|"
        r"you (?:may|might) also like|more on this story|more from [\w ]{1,30}|editor'?s picks|"
        r"around the web|popular now|what to read next)\s*:?$", _I)),
    LineRule("page-meta", re.compile(
        r"^\d{1,3}[- ](?:min(?:ute)?s?)[- ]read$|^(?:minute|min) read$|^listen to this article\b"
        r"|^(?:listen|print|font size)$", _I)),
)
#: The reasons :data:`LINE_RULES` can give, in order.
LINE_REASONS: tuple[str, ...] = tuple(rule.reason for rule in LINE_RULES)


def _scoped(pattern: re.Pattern[str]) -> str:
    if pattern.flags & ~(re.IGNORECASE | re.UNICODE) or pattern.groupindex:
        raise ValueError(f"line rule {pattern.pattern!r}: only re.IGNORECASE and no named "
                         "groups, so that the rules can be combined")
    return f"(?i:{pattern.pattern})" if pattern.flags & re.IGNORECASE else pattern.pattern


#: Every rule's ``start`` in one alternation, one named group per rule (``r0``, ``r1``, ...):
#: matched at the line start, the group that matches is the first rule whose ``start`` does.
LINE_STARTS = re.compile("|".join(
    f"(?P<r{k}>{_scoped(rule.start)})" for k, rule in enumerate(LINE_RULES) if rule.start))
#: Non-ASCII characters that ``re.IGNORECASE`` matches to an ASCII letter although their
#: ``str.lower()`` is not that letter (İ, ı → i; ſ → s): a line holding one skips the ``needs``
#: shortcut. Found by testing every code point (tests/test_parsing.py re-checks it).
CASE_FOLD_EXCEPTIONS = re.compile("[\u0130\u0131\u017f]")

#: Sentence-final punctuation, allowing closing quotes and brackets after it.
TERMINAL = re.compile(r"[.!?…:;][\"'”’)\]]*$")
#: Truncated teaser blurbs end with an ellipsis.
ELLIPSIS = re.compile(r"(?:\.\.\.|…)[\"'”’)\]]*$")
#: A line that ends with a closing quotation mark (quote paragraphs and quoted subheads).
CLOSING_QUOTE = re.compile(r"[\"”’']$")
#: A teaser blurb that reads as a full statement ends with "." or "!" (closers allowed).
STATEMENT_END = re.compile(r"[.!][\"'”’)\]]*$")

#: A video promo block opens with "WATCH |", "VIDEO:", ...
VIDEO_START = re.compile(r"^(?:watch|video|listen)\s*[|:]", re.IGNORECASE)
#: ... and its last line is often the clip's duration.
VIDEO_TAIL = re.compile(r"^duration\s+\d", re.IGNORECASE)
#: "By " in front of a byline.
BYLINE_PREFIX = re.compile(r"^by\s+", re.IGNORECASE)
#: Separators between the names (and the organisation) of a byline.
BYLINE_SEPARATORS = re.compile(r"\s*,\s*|\s+and\s+|\s*&\s*")
