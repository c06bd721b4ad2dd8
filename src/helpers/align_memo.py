"""Memo of :func:`helpers.align.align_sentences` between runs (its ``memo=`` file).

Only values that are pure functions of one text or of one ordered pair of keys are kept, so a
call served from the memo returns exactly what a fresh call returns:

- the matching key of each distinct sentence text (:func:`helpers.align.normalize_sentence`);
- difflib's matched words ``M`` of each candidate pair of keys ``(p, q)`` in that order
  (difflib's matching blocks are not symmetric). The pair's ratio, coverage and kind are then
  computed from ``M`` and the keys exactly as in a fresh call.

Everything that depends on the whole collection is computed again on every call: which texts
share a key and in which order keys first appear, the outlets of each key, the candidate pairs
(word ids, MinHash signatures, shingle rarity and bucket caps all depend on every key), the
pairs of identical keys and the expansion to sentence pairs (earliest sentence per outlet,
positions, the pair cap). A pair whose keys appear in the other order than in the memo is
scored again.

The file is a snapshot (:func:`helpers.cache.write_snapshot`: ``.npz`` read without pickle,
written atomically) holding the texts, keys and scored pairs of the last call that rewrote it,
so it never grows beyond one collection (a call whose texts and pairs differ from the file's by
at most :data:`helpers.cache.REWRITE_SHARE` leaves it as it is). It carries a fingerprint:
:data:`MEMO_VERSION`, the :class:`~helpers.align.AlignSettings`, the Python and Unicode database
versions (case folding, accents and ``\\w`` follow them) and a digest of the source of the
modules that compute keys and ``M`` (:data:`CODE_MODULES`), so a change of settings or of that
code invalidates it. A memo that is missing, unreadable, inconsistent or of another fingerprint
is ignored and rewritten.
"""

from __future__ import annotations

import dataclasses
import os
import platform
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from helpers.cache import read_snapshot, worth_rewriting, write_memo
from helpers.reuse import digest_sources

if TYPE_CHECKING:
    from helpers.align import AlignSettings

#: Version of the memo's layout and meaning; bump it when either changes.
MEMO_VERSION = 1
#: The modules (files beside this one) whose code computes the memoised keys and ``M``.
CODE_MODULES: tuple[str, ...] = ("align.py", "vectorize.py")


# Read when the kit is imported, so the digest describes the code that runs (not a later edit).
_CODE_DIGEST = digest_sources(*CODE_MODULES)


def fingerprint(settings: AlignSettings) -> dict:
    """What a memo must have been written with to be used (see the module docstring)."""
    return {"version": MEMO_VERSION, "settings": dataclasses.asdict(settings),
            "python": platform.python_version(), "unicode": unicodedata.unidata_version,
            "code": _CODE_DIGEST}


@dataclass(frozen=True)
class Memo:
    """The content of a memo file.

    Attributes
    ----------
    texts
        Distinct sentence texts (unique).
    text_keys
        Index into ``keys`` of each text's matching key.
    keys
        Distinct matching keys (unique).
    pairs
        Code ``p * len(keys) + q`` of each scored pair of keys, strictly ascending.
    matched
        ``M`` of each pair.
    """

    texts: pd.Index
    text_keys: np.ndarray
    keys: pd.Index
    pairs: np.ndarray
    matched: np.ndarray


def read_memo(path: Path, expected: dict) -> Memo | None:
    """The memo at ``path``; None when missing, unreadable, inconsistent or not ``expected``."""
    data = read_snapshot(path)
    if data is None or data.get("fingerprint") != expected or expected["code"] is None:
        return None
    try:
        texts, keys, pairs = data["texts"], data["keys"], data["pairs"]
        memo = Memo(texts=pd.Index(texts["text"]), text_keys=texts["key"].to_numpy(np.int64),
                    keys=pd.Index(keys["key"]), pairs=pairs["pair"].to_numpy(np.int64),
                    matched=pairs["matched"].to_numpy(np.int64))
    except (KeyError, TypeError, ValueError):
        return None
    return memo if _consistent(memo) else None


def _consistent(memo: Memo) -> bool:
    """Whether a memo's tables fit together (unique texts and keys, indices in range...)."""
    n_keys = len(memo.keys)
    return bool(
        memo.texts.is_unique and memo.keys.is_unique and len(memo.text_keys) == len(memo.texts)
        and memo.texts.inferred_type in {"string", "empty"}
        and memo.keys.inferred_type in {"string", "empty"}
        and ((memo.text_keys >= 0) & (memo.text_keys < n_keys)).all()
        and len(memo.matched) == len(memo.pairs) and (memo.matched >= 0).all()
        and (np.diff(memo.pairs) > 0).all()
        and (not len(memo.pairs) or (memo.pairs[0] >= 0 and memo.pairs[-1] < n_keys * n_keys)))


class AlignMemo:
    """The memo file of one :func:`~helpers.align.align_sentences` call.

    Reads the file when created (nothing when it does not fit ``settings``), answers what it
    knows, and :meth:`save` writes what the call used, unless that is what the file holds.

    Parameters
    ----------
    path
        The memo file.
    settings
        The call's settings (part of the fingerprint).
    """

    def __init__(self, path: str | os.PathLike[str], settings: AlignSettings) -> None:
        self.path = Path(path)
        self.fingerprint = fingerprint(settings)
        self.memo = read_memo(self.path, self.fingerprint)
        self._hits = {"texts": 0, "pairs": 0}

    def keys_of(self, texts: pd.Index) -> list[str | None]:
        """The remembered matching key of each text, None for a text the memo lacks."""
        if self.memo is None:
            return [None] * len(texts)
        where = self.memo.texts.get_indexer(texts)
        found = where >= 0
        keys = np.full(len(texts), None, dtype=object)
        keys[found] = self.memo.keys.to_numpy(dtype=object)[self.memo.text_keys[where[found]]]
        self._hits["texts"] = int(found.sum())
        return keys.tolist()

    def matched_of(self, keys: pd.Index, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The remembered ``M`` of each pair ``(keys[left], keys[right])``; -1 when unknown."""
        matched = np.full(len(left), -1, dtype=np.int64)
        if self.memo is None or not len(self.memo.pairs) or not len(left):
            return matched
        where = self.memo.keys.get_indexer(keys)
        p, q = where[left], where[right]
        code = p * len(self.memo.keys) + q
        at = np.minimum(np.searchsorted(self.memo.pairs, code), len(self.memo.pairs) - 1)
        hit = (p >= 0) & (q >= 0) & (self.memo.pairs[at] == code)
        matched[hit] = self.memo.matched[at[hit]]
        self._hits["pairs"] = int(hit.sum())
        return matched

    def save(self, texts: pd.Index, text_keys: np.ndarray, keys: pd.Index, left: np.ndarray,
             right: np.ndarray, matched: np.ndarray) -> None:
        """Write the call's texts, keys and scored pairs (``M`` of ``(left, right)``).

        Nothing is written when the file already holds exactly these texts and pairs, or
        when the texts and pairs it lacks and those it holds in excess are at most
        :data:`helpers.cache.REWRITE_SHARE` of the call's (:func:`helpers.cache.worth_rewriting`:
        the next call works those few out again). A file that cannot be written is reported
        with a warning: the alignment itself is complete.
        """
        stored = 0 if self.memo is None else len(self.memo.texts) + len(self.memo.pairs)
        if self.fingerprint["code"] is None or not worth_rewriting(
                used=len(texts) + len(left), stored=stored,
                common=self._hits["texts"] + self._hits["pairs"]):
            return
        code, first = np.unique(left.astype(np.int64) * len(keys) + right, return_index=True)
        data = {
            "fingerprint": self.fingerprint,
            "texts": pd.DataFrame({"text": texts.to_numpy(dtype=object),
                                   "key": np.asarray(text_keys, dtype=np.int64)}),
            "keys": pd.DataFrame({"key": keys.to_numpy(dtype=object)}),
            "pairs": pd.DataFrame({"pair": code,
                                   "matched": np.asarray(matched, dtype=np.int64)[first]}),
        }
        write_memo(self.path, data, what="alignment")
