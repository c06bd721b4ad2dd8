"""Attribution: who is said to have said something, and with which verb.

Rule-based, in the tradition of quotation-attribution heuristics for news (Pouliquen et al.
2007; Pareti 2016 for the structure source-cue-content): an attribution is a *source* noun
phrase next to a *cue* verb from the attribution-verb lexicon (``verbs.yml``). Sentences come
with direct quotes already masked as ``QUOTE_<n>`` tokens (see :mod:`helpers.quotes`), so
words inside quotes are never read as attributions. Sources are found by position:

* after the quote: ``"…," Putin said`` / ``"…," said Putin`` / ``"…," it read`` /
  ``"…," Xi was quoted as telling Putin`` / ``"…", according to Xinhua``;
* before it: ``X said: "…"`` / ``what Xi called "…"`` / ``Mr Putin praised "…"`` /
  ``described as "…" by the Kremlin``;
* coordinated or participle verbs take the sentence subject (``They said … and called "…"``,
  ``Putin recalled …, calling it "…"``); appositions keep the name (``Kevin Rudd, president
  of the Asia Society, called …``).

Indirect (reported) speech without quote marks counts when the verb is followed by a clause
("Mr Putin alleges that…", "Putin claims he…", "The Kremlin said the two leaders held…").
Speakers are mapped to canonical actor names through the actor lexicon; "it"/"the statement"
go to the nearest earlier source noun ("the joint statement"), and "he"/"she"/"they" to the
previous speaker of the article. Heuristics, not a parser: check the tables.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import pandas as pd

from helpers.lexicons import Matcher, compile_matcher, find_matches

_WORD = r"[\w'’.\-]+"
_AUX = r"(?:\s+(?:has|have|had|also|is|was|were|are|will|would|then|later|again|reportedly))*"
_QUOTED_AS = r"(?:(?:was|were|is|are)\s+quoted\s+as\s+)?"
_PRONOUN = re.compile(r"(?:^|(?<=\s))(he|she|it|they|we|i)$", re.IGNORECASE)
_NAME_END = re.compile(rf"((?:(?:Mr|Mrs|Ms|Dr)\.?\s+)?(?:[A-Z]{_WORD}\s+){{0,5}}[A-Z]{_WORD})$")
_DETERMINER_END = re.compile(
    rf"((?:the|a|an|its|their|his|her|[A-Z]{_WORD}['’]s)\s+(?:{_WORD}\s+){{0,6}}?{_WORD})$",
    re.IGNORECASE)
_DETERMINER_END_CASED = re.compile(
    rf"(?:(?<=\s)|^)((?:[Tt]he|[Aa]n?|[Ii]ts|[Tt]heir|[Hh]is|[Hh]er|[A-Z]{_WORD}['’]s)\s+"
    rf"(?:{_WORD}\s+){{0,6}}?{_WORD})$")
_LEADING = re.compile(r"^(?:(?:In|On|At|During|Earlier|Meanwhile|However|But|And|So|Then|Now)"
                      r"\b[^,]*,\s*)?")
_SOURCE_NOUN = re.compile(
    r"\b(joint statement|statement|declaration|communiqu[eé]|report|agency|ministry|"
    r"spokes(?:man|woman|person)|Kremlin|government|officials?)\b", re.IGNORECASE)
#: A noun phrase that ends in a relative pronoun or holds "of"/"with" is a complement, not a
#: source ("its dispute with Ukraine that threatens", "addition of new member states").
_NOT_A_SOURCE = re.compile(r"\s(?:that|which|who)$|\s(?:of|with)\s")
_DOCUMENT_NOUN = re.compile(r"\b(joint statement|statement|declaration|communiqu[eé])\b",
                            re.IGNORECASE)
_STRIP = re.compile(r"^[\s,;:—–-]+|[\s,;:—–-]+$")
_TITLES = re.compile(r"^(?:The\s+|the\s+)?(?:Mr|Mrs|Ms|Dr)\.?\s+")
#: Words after a reporting verb that open a reported clause ("said the leaders held ...").
_CLAUSE_VERB = (r"(?:\w+ed|is|are|was|were|has|have|had|will|would|could|can|should|must|may|"
                r"might|did|does|do|met|held|told|made|took|gave|went|came|began|left|saw|knew|thought|"
                r"remain|remains|need|needs)")
_CLAUSE_OPENING = re.compile(
    rf"^\s*(?:that\b|[:,]|(?:he|she|it|they|we|I|there)\b|(?!QUOTE_)[A-Z]|[a-z]+ing\b|"
    rf"(?:(?:the|a|an|its|his|her|their)\s+)?(?:{_WORD}\s+){{0,4}}?{_CLAUSE_VERB}\b)")
PRONOUNS: frozenset[str] = frozenset({"he", "she", "they", "we", "i"})
#: Words that end a sentence subject ("President Putin *also* recalled").
_SUBJECT_STOPS: frozenset[str] = frozenset({
    "also", "has", "have", "had", "is", "was", "were", "are", "will", "would", "could", "can",
    "said", "says", "told", "called", "claims", "claimed", "who", "which", "that", "on", "in"})
#: Time phrases between a subject and its verb ("Putin on Friday praised").
_TIME = re.compile(r"\s+(?:on|last|this|earlier|late|early)(?:\s+(?:this|last))?\s+"
                   r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|week|month|"
                   r"year|morning|afternoon|evening|night)$|\s+(?:yesterday|today|earlier)$")


def compile_verbs(verbs: Mapping[str, dict]) -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    """Compile the verb lexicon: a pattern for every form and ``form → (lemma, class)``."""
    forms = {f.lower(): (lemma, entry["class"]) for lemma, entry in verbs.items()
             for f in entry["forms"]}
    alternatives = "|".join(r"\s+".join(map(re.escape, f.split()))
                            for f in sorted(forms, key=len, reverse=True))
    if "according to" in forms:  # the only cue that often opens a sentence
        alternatives += r"|(?<![^\s])According\s+to"
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w'’-])"), forms


def _sentence_subject(sentence: str) -> str:
    """The words that open the sentence, up to its first verb-like word (at most five)."""
    words = _LEADING.sub("", sentence, count=1).split()
    subject: list[str] = []
    for word in words[:6]:
        bare = word.strip(",;:")
        if bare.lower() in _SUBJECT_STOPS or (bare.islower() and bare.endswith("ed")):
            break
        subject.append(bare)
        if bare != word:
            break
    if not subject or not subject[0][:1].isupper() or len(subject) > 5:
        return ""
    return " ".join(subject)


def find_subject(prefix: str, sentence: str, *, verb_form: str) -> str:
    """Return the source noun phrase that ends ``prefix`` (the text before a cue verb).

    ``sentence`` is the whole (masked) sentence, used when the verb is coordinated ("… and
    said") or a participle after a comma ("…, calling"). Returns "" when nothing fits.
    """
    text = _TIME.sub("", re.sub(rf"{_AUX}\s*$", "", prefix.rstrip()))
    if re.search(r"(?:^|\s)(?:and|but|or)$", text) or (
            verb_form.lower().endswith("ing") and text.endswith(",")):
        return _sentence_subject(sentence)
    if text.endswith(","):
        segments = [s.strip() for s in text.split(",")]
        if len(segments) >= 3:
            apposition, head = segments[-2], segments[-3]
            if apposition and all(w[0].isupper() for w in apposition.split()):
                return apposition
            found = _NAME_END.search(head) or _DETERMINER_END_CASED.search(head)
            return found.group(1) if found else ""
        return ""
    for pattern in (_PRONOUN, _NAME_END, _DETERMINER_END_CASED):
        found = pattern.search(text)
        if found and not found.group(1).startswith("QUOTE_"):
            phrase = found.group(1)
            return "" if _NOT_A_SOURCE.search(phrase) else phrase
    return ""


def resolve_speaker(phrase: str, *, actors: Matcher, history: str, previous: str) -> str:
    """Map a source phrase to a canonical speaker.

    Parameters
    ----------
    phrase
        The source noun phrase as written ("Mr Xi", "it", "the statement").
    actors
        Compiled actor lexicon; a phrase that ends with an alias becomes the canonical name.
    history
        Article text before the attribution (nearest source noun for "it"/"the statement").
    previous
        The previous resolved speaker of the article (for "he"/"she"/"they").

    Returns
    -------
    str
        Canonical actor, "the joint statement"-style source noun, the cleaned phrase, or "".
    """
    phrase = _STRIP.sub("", phrase or "")
    if phrase.endswith(".") and not re.search(r"\b[A-Z]\.$", phrase):
        phrase = phrase[:-1]
    if not phrase:
        return ""
    lower = phrase.lower()
    if lower in PRONOUNS:
        return previous or lower
    statement = _SOURCE_NOUN.search(phrase)
    if lower == "it" or (statement and statement.group(1).lower() == "statement"):
        nouns = _SOURCE_NOUN if lower == "it" else _DOCUMENT_NOUN
        earlier = [m.group(1) for m in nouns.finditer(history)]
        earlier = [e for e in earlier if e.lower() != "statement"] or earlier
        if earlier:
            nearest = earlier[-1]
            matches = find_matches(nearest, actors)
            return matches[-1][2] if matches else f"the {nearest.lower()}"
        return "the statement" if statement else "it"
    matches = find_matches(phrase, actors)
    if matches and not re.search(r"\w", phrase[matches[-1][1]:]):
        return matches[-1][2]
    phrase = _TITLES.sub("", phrase)
    return "the " + phrase[4:] if phrase.startswith("The ") else phrase


def find_after(after: str, verbs: re.Pattern[str]) -> tuple[str, str, str] | None:
    """Attribution right after a quote: ``(phrase, verb form, matched text)`` or ``None``."""
    head = re.match(r"^[\s,]*", after).group()
    rest = after[len(head):]
    inverted = re.match(rf"({verbs.pattern})\s+((?:[A-Z]{_WORD}\s*){{1,5}})", rest)
    if inverted:
        return inverted.group(2), inverted.group(1), inverted.group()
    according = re.match(rf"(according\s+to)\s+((?:{_WORD}\s*){{1,8}}?)\s*(?=[,.;:]|$)", rest)
    if according:
        return according.group(2), according.group(1), according.group()
    direct = re.match(rf"((?:[A-Z]{_WORD}|the|it|he|she|they|we|his|her|its)(?:\s+{_WORD}){{0,6}}?)"
                      rf"{_AUX}\s+{_QUOTED_AS}({verbs.pattern})", rest)
    if direct and "QUOTE_" not in direct.group(1):
        return direct.group(1), direct.group(2), direct.group()
    return None


def find_before(before: str, after: str, sentence: str, verbs: re.Pattern[str]
                ) -> tuple[str, str, int] | None:
    """Attribution before a quote: ``(phrase, verb form, verb offset in before)`` or ``None``."""
    cues = [m for m in verbs.finditer(before) if m.group().lower() != "according to"]
    if not cues:
        return None
    cue = cues[-1]
    passive = re.match(r"^\s*as\s*$", before[cue.end():])
    by = re.match(rf"^[\s,]*by\s+((?:{_WORD}\s*){{1,6}}?)(?=[,.;:]|\s+[a-z]+(?:ed|s)\b|$)", after)
    if passive and by:
        return by.group(1), cue.group(), cue.start()
    phrase = find_subject(before[:cue.start()], sentence, verb_form=cue.group())
    return (phrase, cue.group(), cue.start()) if phrase else None


def find_indirect(sentence: str, verbs: re.Pattern[str], *, skip: set[int]
                  ) -> list[tuple[str, str, int]]:
    """Reported speech in a masked sentence: ``(phrase, verb form, offset)`` per cue verb.

    ``skip`` holds offsets of cue verbs already used by direct quotes.
    """
    found = []
    for cue in verbs.finditer(sentence):
        if cue.start() in skip:
            continue
        if cue.group().lower() == "according to":
            source = re.match(rf"\s+((?:{_WORD}\s*){{1,6}}?)\s*(?=[,.;:]|$)",
                              sentence[cue.end():])
            if source:
                found.append((source.group(1), cue.group(), cue.start()))
            continue
        if not _CLAUSE_OPENING.match(sentence[cue.end():]):
            continue
        phrase = find_subject(sentence[:cue.start()], sentence, verb_form=cue.group())
        if phrase:
            found.append((phrase, cue.group(), cue.start()))
    return found


def compile_actors(actors: Mapping[str, list[str]]) -> Matcher:
    """Compile the actor lexicon for :func:`resolve_speaker`."""
    return compile_matcher(actors)


def count_attribution_verbs(attributions: pd.DataFrame) -> pd.DataFrame:
    """Attribution verbs per outlet, neutral versus loaded.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``verb`` (lemma), ``verb_class``, ``count``, ``share`` (of the outlet's
        attributions), ``speakers`` (who, "; "-joined), ``example`` (first sentence or quote).
    """
    rows = []
    for outlet, here in attributions.groupby("outlet", sort=True):
        for (verb, vclass), group in here.groupby(["verb", "verb_class"], sort=True):
            rows.append({"outlet": outlet, "verb": verb, "verb_class": vclass,
                         "count": len(group), "share": len(group) / len(here),
                         "speakers": "; ".join(sorted(set(group["speaker"]) - {""})),
                         "example": group["text"].iloc[0]})
    return pd.DataFrame(rows, columns=["outlet", "verb", "verb_class", "count", "share",
                                       "speakers", "example"])


def describe_verbs(verbs: pd.DataFrame) -> str:
    """One sentence: the outlet with the largest share of loaded attribution verbs."""
    if verbs.empty:
        return "No attribution verbs were found in this collection."
    loaded = verbs[verbs["verb_class"] == "loaded"].groupby("outlet")["share"].sum()
    loaded = loaded.reindex(sorted(verbs["outlet"].unique()), fill_value=0.0)
    outlet = loaded.idxmax()
    if loaded.max() == 0:
        return "Every outlet attributes with neutral verbs only (say, tell, add, …)."
    used = verbs[(verbs["outlet"] == outlet) & (verbs["verb_class"] == "loaded")]
    listed = ", ".join(f"{v} ({s})" for v, s in zip(used["verb"], used["speakers"], strict=True))
    return (f"{html.escape(outlet)} uses loaded attribution verbs most ({loaded.max():.0%} of "
            f"its attributions: {html.escape(listed)}); the lowest share is "
            f"{loaded.min():.0%} in {html.escape(loaded.idxmin())}.")
