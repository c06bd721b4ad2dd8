"""Sources and quotes: direct quotes with their speaker, reported speech, attribution verbs.

Method. Direct quotes are found by scanning each article's body paragraphs for double quote
marks (straight ``"``, curly ``“ ”``, ``„`` and guillemets); single marks are left alone, as
they mostly nest inside a quote (``‘forbidden’``) or are apostrophes. A straight mark opens
when no quote is open and closes otherwise; a curly closing mark with nothing open is ignored,
and a curly opening mark inside an open quote closes the open one first, so unbalanced text
never raises. Following newspaper convention, a quote still open at the end of a paragraph
continues when the next paragraph starts with a quote mark; otherwise it ends with its
paragraph (``closed`` is then False). Speakers and verbs come from :mod:`helpers.attribution`
(cue verbs from ``verbs.yml``: neutral "say" versus loaded "claim", "allege", … after the AP
rule that *said* is neutral and Bell 1991), which also counts the verbs per outlet. textacy's
extractor fails on odd quote counts and misses partial quotes (chartbeat-labs/textacy #293,
#383); these are handled here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import pandas as pd

from helpers import attribution
from helpers.corpus import count_words
from helpers.segment import split_sentences

OPENING = "“„«‟"
CLOSING = "”»"
MARKS = re.compile(r"[\"“”„‟«»]")
QUOTE_COLUMNS = ["outlet", "speaker", "verb", "quote", "article_id", "paragraph", "verb_form",
                 "verb_class", "kind", "words", "closed"]
ATTRIBUTION_COLUMNS = ["outlet", "speaker", "verb", "verb_form", "verb_class", "kind",
                       "article_id", "paragraph", "text"]
_TOKEN = re.compile(r"QUOTE_(\d+)")
_TRAILING = re.compile(r"[,.!?;:]+$")


def find_quote_spans(texts: list[str]) -> list[dict]:
    """Find double-quoted spans in consecutive paragraphs of one article.

    Returns
    -------
    list of dict
        ``start`` / ``end`` as ``(paragraph index, character offset)`` of the opening and
        closing marks (``end`` is the offset of the closing mark, or the paragraph length when
        unclosed), ``closed`` (bool) and ``text`` (quoted words; paragraphs joined by a space).

    Examples
    --------
    >>> [s["text"] for s in find_quote_spans(['He said "yes" and “no”', '"one', '"two," he said'])]
    ['yes', 'no', 'one two,']
    """
    spans: list[dict] = []
    current: dict | None = None
    for p, text in enumerate(texts):
        marks = [m.start() for m in MARKS.finditer(text)]
        if current is not None:
            if marks and not text[:marks[0]].strip():
                current["parts"].append((p, marks[0] + 1))
                marks = marks[1:]
            else:
                current.update(end=(current["parts"][-1][0], len(texts[current["parts"][-1][0]])),
                               closed=False)
                spans.append(current)
                current = None
        for offset in marks:
            mark = text[offset]
            if current is None:
                if mark in CLOSING:
                    continue
                current = {"start": (p, offset), "parts": [(p, offset + 1)]}
            else:
                current.update(end=(p, offset), closed=True)
                spans.append(current)
                current = None
                if mark in OPENING:
                    current = {"start": (p, offset), "parts": [(p, offset + 1)]}
        if current is not None and p == len(texts) - 1:
            current.update(end=(p, len(text)), closed=False)
            spans.append(current)
            current = None
    for span in spans:
        pieces = []
        for p, begin in span.pop("parts"):
            stop = span["end"][1] if p == span["end"][0] else len(texts[p])
            pieces.append(texts[p][begin:stop].strip())
        span["text"] = " ".join(piece for piece in pieces if piece)
    return spans


def _mask(texts: list[str], spans: list[dict]) -> list[str]:
    """Replace each span (marks included) by ``QUOTE_<i>`` plus its trailing punctuation."""
    masked = list(texts)
    for i in range(len(spans) - 1, -1, -1):
        span = spans[i]
        (p0, s0), (p1, s1) = span["start"], span["end"]
        tail = _TRAILING.search(span["text"])
        token = f"QUOTE_{i}" + (tail.group() if tail else "")
        if p0 == p1:
            masked[p0] = masked[p0][:s0] + token + masked[p0][s1 + 1:]
        else:
            masked[p1] = masked[p1][s1 + 1:].lstrip()
            masked[p1] = (token + " " + masked[p1]) if masked[p1] else token
            masked[p0] = masked[p0][:s0] + ""
            for middle in range(p0 + 1, p1):
                masked[middle] = ""
    return masked


def _attribute_article(texts: list[str], *, verbs, actors) -> tuple[list, list]:
    spans = find_quote_spans(texts)
    masked = _mask(texts, spans)
    quotes: list[dict] = [dict(span, speaker="", form="", paragraph=span["start"][0])
                          for span in spans]
    indirect: list[dict] = []
    previous, history = "", ""
    for p, text in enumerate(masked):
        for sentence in split_sentences(text):
            tokens = list(_TOKEN.finditer(sentence))
            used: set[int] = set()
            for j, token in enumerate(tokens):
                quote = quotes[int(token.group(1))]
                stop = tokens[j + 1].start() if j + 1 < len(tokens) else len(sentence)
                start = tokens[j - 1].end() if j else 0
                before, after = sentence[start:token.start()], sentence[token.end():stop]
                found = attribution.find_after(after, verbs)
                if found:
                    phrase, form = found[0], found[1]
                    used.add(token.end() + after.find(found[2]) + found[2].find(found[1]))
                    used.update(token.end() + m.start() for m in verbs.finditer(after)
                                if m.group().lower() == "according to")
                else:
                    found = attribution.find_before(before, after, sentence, verbs)
                    if found:
                        phrase, form = found[0], found[1]
                        used.add(start + found[2])
                if found:
                    context = history + " " + sentence[:token.start()]
                    quote["speaker"] = attribution.resolve_speaker(
                        phrase, actors=actors, history=context, previous=previous)
                    quote["form"] = form.lower()
                    previous = quote["speaker"] or previous
            attributed = [quotes[int(t.group(1))] for t in tokens
                          if quotes[int(t.group(1))]["speaker"]]
            for token in tokens:
                quote = quotes[int(token.group(1))]
                if not quote["speaker"] and attributed:
                    quote.update(speaker=attributed[0]["speaker"], form=attributed[0]["form"])
                elif not quote["speaker"] and not re.search(r"[A-Za-z]", _TOKEN.sub("", sentence)):
                    earlier = [q for q in quotes[:int(token.group(1))] if q["speaker"]
                               and q["end"][0] >= p - 1]
                    if earlier:
                        quote.update(speaker=earlier[-1]["speaker"], form=earlier[-1]["form"])
            for phrase, form, offset in attribution.find_indirect(sentence, verbs, skip=used):
                speaker = attribution.resolve_speaker(
                    phrase, actors=actors, history=history + " " + sentence[:offset],
                    previous=previous)
                unmasked = _TOKEN.sub(lambda m: "“" + quotes[int(m.group(1))]["text"] + "”",
                                      sentence)
                indirect.append({"speaker": speaker, "form": form.lower(), "paragraph": p,
                                 "text": unmasked})
                previous = speaker or previous
            history += " " + sentence
    return quotes, indirect


def extract_quotes(paragraphs: pd.DataFrame, *, actors: Mapping[str, list[str]],
                   verbs: Mapping[str, dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Extract direct quotes and every attribution (direct and reported) from body paragraphs.

    Parameters
    ----------
    paragraphs
        The corpus ``paragraphs`` table (``article_id``, ``outlet``, ``position``, ``kind``,
        ``text``); only ``kind == "body"`` rows are read.
    actors, verbs
        The actor and attribution-verb lexicons (see :mod:`helpers.lexicons`).

    Returns
    -------
    quotes : pandas.DataFrame
        One row per direct quote: ``outlet``, ``speaker`` (canonical actor or source phrase;
        "" when unattributed), ``verb`` (lemma, e.g. "say"), ``quote``, ``article_id``,
        ``paragraph`` (position of the opening paragraph), ``verb_form`` (as written),
        ``verb_class`` ("neutral"/"loaded"/""), ``kind`` ("full" when the quote stands
        alone before or after its attribution, "partial" when it sits inside the reporter's
        sentence), ``words`` (quoted words), ``closed`` (False when the closing mark is missing).
    attributions : pandas.DataFrame
        One row per attribution: ``outlet``, ``speaker``, ``verb``, ``verb_form``,
        ``verb_class``, ``kind`` ("direct" for quotes, "indirect" for reported speech),
        ``article_id``, ``paragraph``, ``text`` (the quote, or the reporting sentence).
    """
    pattern, forms = attribution.compile_verbs(verbs)
    matcher = attribution.compile_actors(actors)
    body = paragraphs[paragraphs["kind"] == "body"].sort_values(["article_id", "position"])
    quote_rows, attribution_rows = [], []
    for article_id, group in body.groupby("article_id", sort=True):
        outlet = group["outlet"].iloc[0]
        positions = group["position"].tolist()
        texts = [str(t) for t in group["text"]]
        quotes, indirect = _attribute_article(texts, verbs=pattern, actors=matcher)
        for q in quotes:
            lemma, vclass = _lemma(q["form"], forms)
            p, offset = q["start"]
            lead = re.sub(r"^\W+", "", texts[p][:offset])
            standalone = not lead or lead.rstrip().endswith(":") or re.search(r"[.!?]\s*$", lead)
            quote_rows.append({
                "outlet": outlet, "speaker": q["speaker"], "verb": lemma, "quote": q["text"],
                "article_id": article_id, "paragraph": positions[p], "verb_form": q["form"],
                "verb_class": vclass, "kind": "full" if standalone else "partial",
                "words": count_words(q["text"]), "closed": q["closed"]})
            if q["speaker"] and lemma:
                attribution_rows.append({
                    "outlet": outlet, "speaker": q["speaker"], "verb": lemma,
                    "verb_form": q["form"], "verb_class": vclass, "kind": "direct",
                    "article_id": article_id, "paragraph": positions[p], "text": q["text"]})
        for a in indirect:
            lemma, vclass = _lemma(a["form"], forms)
            attribution_rows.append({
                "outlet": outlet, "speaker": a["speaker"], "verb": lemma, "verb_form": a["form"],
                "verb_class": vclass, "kind": "indirect", "article_id": article_id,
                "paragraph": positions[a["paragraph"]], "text": a["text"]})
    return (pd.DataFrame(quote_rows, columns=QUOTE_COLUMNS),
            pd.DataFrame(attribution_rows, columns=ATTRIBUTION_COLUMNS))


def _lemma(form: str, forms: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    key = " ".join(form.lower().split())
    return forms.get(key, ("", ""))


def share_quoted_words(quotes: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Share of each outlet's body words that sit inside direct quotes.

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``quoted_words``, ``words`` (body words), ``share`` (0..1), ``quotes``.
    """
    words = sentences.groupby("outlet")["words"].sum()
    quoted = quotes.groupby("outlet")["words"].agg(["sum", "size"])
    rows = [{"outlet": o, "quoted_words": int(quoted["sum"].get(o, 0)), "words": int(words[o]),
             "share": float(quoted["sum"].get(o, 0)) / words[o] if words[o] else 0.0,
             "quotes": int(quoted["size"].get(o, 0))}
            for o in sorted(words.index, key=str.casefold)]
    return pd.DataFrame(rows, columns=["outlet", "quoted_words", "words", "share", "quotes"])


def count_quotes_by_speaker(quotes: pd.DataFrame) -> pd.DataFrame:
    """Direct quotes per speaker and outlet ("(unattributed)" for quotes without a speaker).

    Returns
    -------
    pandas.DataFrame
        ``outlet``, ``speaker``, ``quotes``, ``words`` (quoted words), ``example`` (the
        longest quote), sorted by outlet then most quotes.
    """
    table = quotes.assign(speaker=quotes["speaker"].replace("", "(unattributed)"))
    rows = []
    for (outlet, speaker), group in table.groupby(["outlet", "speaker"], sort=True):
        longest = group.loc[group["words"].idxmax(), "quote"]
        rows.append({"outlet": outlet, "speaker": speaker, "quotes": len(group),
                     "words": int(group["words"].sum()), "example": longest})
    result = pd.DataFrame(rows, columns=["outlet", "speaker", "quotes", "words", "example"])
    return result.sort_values(["outlet", "quotes", "speaker"], ascending=[True, False, True],
                              ignore_index=True)


def describe_quotes(shares: pd.DataFrame, by_speaker: pd.DataFrame) -> str:
    """One sentence: which outlet quotes most, and whose words each leans on."""
    if shares.empty or shares["quotes"].sum() == 0:
        return "No direct quotes were found in this collection."
    top = shares.loc[shares["share"].idxmax()]
    low = shares.loc[shares["share"].idxmin()]
    named = by_speaker[by_speaker["speaker"] != "(unattributed)"]
    voice = named.groupby("speaker")["quotes"].sum().sort_values(ascending=False)
    lead = f"; the most quoted source overall is {html.escape(voice.index[0])} " \
           f"({int(voice.iloc[0])} quotes)" if len(voice) else ""
    return (f"{html.escape(top['outlet'])} puts the largest share of its words inside quotes "
            f"({top['share']:.0%}) and {html.escape(low['outlet'])} the smallest "
            f"({low['share']:.0%}){lead}.")
