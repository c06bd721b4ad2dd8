"""Tokens of a collection's distinct texts kept between runs (the ``memo=`` file of
:func:`helpers.vectorize.analyze_all`).

The tokens of a text are a pure function of the text and of the kit's one analyzer
(:func:`helpers.vectorize.analyze`), so tokens read back from the memo are exactly those the
analyzer gives. After a few articles are added to a large collection, only their new texts are
tokenised; the others come from the file (tokenising the tens of thousands of distinct
sentences of a 10,000-article collection takes about a second).

The file is a snapshot (:func:`helpers.cache.write_snapshot`: ``.npz`` read without pickle,
written atomically) holding the texts of the last call that rewrote it (see
:func:`helpers.vectorize.analyze_all`), so it never grows beyond one collection: each text's
tokens as codes into the distinct tokens. It carries a fingerprint: :data:`MEMO_VERSION`, the
Python, Unicode database and scikit-learn versions (case folding, accents and ``\\w`` follow
them) and a digest of the source of :mod:`helpers.vectorize` (the
analyzer's definition and its stop words), so a change of that code invalidates it. A memo that
is missing, unreadable, inconsistent or of another fingerprint is ignored and rewritten.
"""

from __future__ import annotations

import os
import platform
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn

from helpers.cache import paused_gc, read_snapshot, write_memo
from helpers.reuse import digest_sources

#: Version of the memo's layout and meaning; bump it when either changes.
MEMO_VERSION = 1
#: The modules (files beside this one) whose code defines the tokens.
CODE_MODULES: tuple[str, ...] = ("vectorize.py",)
# Read when the kit is imported, so the digest describes the code that runs (not a later edit).
_CODE_DIGEST = digest_sources(*CODE_MODULES)


def fingerprint() -> dict:
    """What a memo must have been written with to be used (see the module docstring)."""
    return {"version": MEMO_VERSION, "python": platform.python_version(),
            "unicode": unicodedata.unidata_version, "sklearn": sklearn.__version__,
            "code": _CODE_DIGEST}


def read_tokens(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """The tokens of each text in the memo at ``path``; empty when the memo is missing,
    unreadable, inconsistent or of another fingerprint."""
    expected = fingerprint()
    data = read_snapshot(Path(path))
    if data is None or data.get("fingerprint") != expected or expected["code"] is None:
        return {}
    try:
        texts, vocabulary = data["texts"]["text"], data["vocabulary"]["token"]
        ends, codes = data["texts"]["end"].to_numpy(np.int64), data["tokens"]["code"].to_numpy(
            np.int64)
        if not (len(texts) == len(ends) and texts.is_unique
                and pd.Index(texts).inferred_type in {"string", "empty"}
                and pd.Index(vocabulary).inferred_type in {"string", "empty"}
                and (np.diff(ends, prepend=0) >= 0).all()
                and (not len(ends) or ends[-1] == len(codes))
                and ((codes >= 0) & (codes < len(vocabulary))).all()):
            return {}
        tokens = vocabulary.to_numpy(dtype=object)[codes].tolist()
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}
    starts = [0, *ends[:-1].tolist()]
    with paused_gc():  # tens of thousands of new lists
        return {text: tokens[start:end]
                for text, start, end in zip(texts.tolist(), starts, ends.tolist(), strict=True)}


def write_tokens(path: str | os.PathLike[str], texts: list[str],
                 tokens: list[list[str]]) -> None:
    """Write the tokens of ``texts`` (distinct) as the memo at ``path``; a file that cannot
    be written is reported with a warning (the tokens themselves are complete)."""
    if _CODE_DIGEST is None:
        return
    lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
    flat = [token for text_tokens in tokens for token in text_tokens]
    codes, vocabulary = pd.factorize(pd.Series(flat, dtype=object))
    data = {
        "fingerprint": fingerprint(),
        "texts": pd.DataFrame({"text": pd.Series(texts, dtype=object),
                               "end": np.cumsum(lengths)}),
        "vocabulary": pd.DataFrame({"token": pd.Series(vocabulary, dtype=object)}),
        "tokens": pd.DataFrame({"code": codes.astype(np.int64)}),
    }
    write_memo(Path(path), data, what="token")
