"""Length-robust lexical diversity: MTLD and MATTR.

The raw type/token ratio falls as a text gets longer, so it cannot compare a 300-word article
with a 1,200-word one. Two measures that do not depend on length are used instead:

* **MTLD** (measure of textual lexical diversity; McCarthy & Jarvis 2010, *Behavior Research
  Methods* 42(2): 381–392): read the words in order, keeping a running type/token ratio; each time
  it falls to the threshold 0.72 a "factor" is complete and the count restarts. The leftover
  segment adds a partial factor ``(1 - ttr) / (1 - 0.72)``. MTLD is the number of words divided
  by the number of factors — the mean length of a stretch of text that keeps a TTR above 0.72.
  It is computed forwards and backwards and the two are averaged (the bidirectional MTLD).
  McCarthy & Jarvis advise at least 100 words.
* **MATTR** (moving-average TTR; Covington & McFall 2010, *Journal of Quantitative Linguistics*
  17(2): 94–100): the mean TTR over every window of ``window`` consecutive words.

Words here are **all** words, stop words included (diversity is about every word the writer
chose), so this module does not use the kit's TF-IDF tokenizer, which drops stop words: a word is
a run of letters, optionally joined by an apostrophe or hyphen ("don't", "co-operation"),
lower-cased; a dotted acronym is one word without its dots ("U.S." -> "us"); digits and
punctuation are not words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

#: One word for lexical diversity: a dotted acronym ("U.S." -> "us"), or letters optionally
#: joined by ' ’ or - to more letters.
WORD_PATTERN = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_]+(?:['’\-][^\W\d_]+)*")
#: McCarthy & Jarvis's (2010) TTR threshold that closes an MTLD factor.
MTLD_THRESHOLD = 0.72


def list_words(text: str) -> list[str]:
    """Return the lower-cased words of ``text`` as lexical diversity counts them."""
    found = WORD_PATTERN.findall(text.lower())
    if not found:
        return []
    # One replace over the joined words (a word never contains the separator "\0").
    return "\0".join(found).replace("’", "'").replace(".", "").split("\0")


def _mtld_pass(words: Sequence[str], threshold: float) -> float:
    """Number of MTLD factors (complete plus partial) in one reading direction."""
    factors = 0.0
    types: set[str] = set()
    tokens = 0
    ttr = 1.0
    for word in words:
        tokens += 1
        types.add(word)
        ttr = len(types) / tokens
        if ttr <= threshold:
            factors += 1.0
            types = set()
            tokens = 0
            ttr = 1.0
    if tokens:
        factors += (1.0 - ttr) / (1.0 - threshold)
    return factors


def measure_mtld(words: Sequence[str], *, threshold: float = MTLD_THRESHOLD) -> float:
    """Return the bidirectional MTLD of a word sequence (McCarthy & Jarvis 2010).

    Parameters
    ----------
    words
        Words in reading order (e.g. from :func:`list_words`).
    threshold
        TTR at which a factor is complete (0.72 in the original paper).

    Returns
    -------
    float
        Mean of the forward and backward MTLD. ``nan`` for no words, or when a direction
        completes no factor at all and has no partial factor (every word distinct): the text is
        too short for the measure to be defined.

    Examples
    --------
    >>> measure_mtld(["a", "a", "b", "c"])  # forward 4 / 1, backward 4 / (0.25 / 0.28)
    4.24
    """
    if not words:
        return math.nan
    results = []
    for sequence in (list(words), list(reversed(words))):
        factors = _mtld_pass(sequence, threshold)
        if factors == 0:
            return math.nan
        results.append(len(sequence) / factors)
    return sum(results) / 2


def measure_mattr(words: Sequence[str], *, window: int = 50) -> float:
    """Return the moving-average type/token ratio (Covington & McFall 2010).

    Parameters
    ----------
    words
        Words in reading order.
    window
        Window length in words. A text shorter than the window gets its plain TTR.

    Returns
    -------
    float
        Mean TTR over all windows; ``nan`` for no words.
    """
    if not words:
        return math.nan
    if len(words) <= window:
        return len(set(words)) / len(words)
    # Window s (0 <= s <= n - window) holds words s .. s + window - 1; it counts word i as a new
    # type when the previous occurrence of the same word lies before s. Summing over windows,
    # word i contributes the number of windows that contain it and start after that previous
    # occurrence: the integer total equals the sliding count, computed without a Python loop.
    n = len(words)
    _, codes = np.unique(np.asarray(list(words), dtype=str), return_inverse=True)
    order = np.argsort(codes, kind="stable")
    previous = np.full(n, -1, dtype=np.int64)
    same = codes[order][1:] == codes[order][:-1]
    previous[order[1:][same]] = order[:-1][same]
    index = np.arange(n)
    first = np.maximum.reduce([previous + 1, index - window + 1, np.zeros(n, dtype=np.int64)])
    last = np.minimum(index, n - window)
    total = int(np.clip(last - first + 1, 0, None).sum())
    return total / (n - window + 1) / window
