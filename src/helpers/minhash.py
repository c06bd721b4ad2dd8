"""Vectorised candidate pairs for sentence alignment: MinHash banding and rare-shingle prefixes.

Used by the LSH path of :func:`helpers.align.align_sentences`. Keys are sequences of word ids
(``ids`` flattened, ``offsets`` the start of each key plus the end), so every step is a numpy
operation over all keys at once; nothing loops over sentences in Python.

Two candidate sources, whose union is verified with the exact match test:

1. **MinHash banding** (Broder 1997; Leskovec, Rajaraman & Ullman, *Mining of Massive Datasets*,
   ch. 3). Each key's set of word pairs (``band_shingle`` = 2 consecutive words) gets
   ``num_perm`` min-hashes, one per universal hash function ``(a * x + b) mod p`` (Carter &
   Wegman 1979, ``p`` the Mersenne prime 2^31 - 1) of the pair ids, taken with
   ``np.minimum.reduceat`` over the key segments. The signature is cut into bands of ``rows``
   min-hashes; keys with one identical band are candidates. With 32 min-hashes as 16 bands of 2
   rows, a pair of Jaccard similarity ``J`` becomes a candidate with probability
   ``1 - (1 - J**2)**16``: 0.99 at ``J = 0.5``, 0.94 at 0.4, 0.64 at 0.25. One dropped word
   in a 20-word sentence leaves ``J`` = 0.85, two replaced words about 0.65. Word pairs rather
   than single words: on 250,000 random sentences with Zipf-distributed words, single-word sets
   (16 bands of 3) made 29 million candidates through shared stop words, word pairs 6 million,
   with the same recall on the synthetic benchmark.
2. **Rare shingle prefixes** (prefix filtering, Chaudhuri, Ganti & Kaushik 2006; word n-gram
   shingles, Broder 1997). An excerpt (a short sentence inside a long one) has a low Jaccard
   similarity, but most of its word ``n``-grams (``shingle``) occur in the longer sentence. Each
   key queries its ``prefix`` rarest shingles (fewest keys; ties by first appearance): if the
   longer key holds all but ``prefix - 1`` of the shorter key's shingles, one of them is shared.
   Every key holding a queried shingle is a candidate. A unique sentence queries shingles no other
   key has, so it costs nothing.

Bucket cap (documented, counted). A band bucket of more than ``max_bucket`` keys is mostly keys
that share a common word (the minimum of a hash function is often a stop word): it is split by
the signature's following min-hashes, one at a time (adaptive banding, as in the LSH Forest of
Bawa et al. 2005), which separates unrelated keys while near-copies stay together. A bucket
still too large has identical signatures; each of its keys is paired with the next
``max_bucket - 1`` keys in order of length. A queried shingle held by more than ``max_bucket``
keys is skipped. The pairs left out are returned as ``dropped`` so the caller can report them.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from helpers.align import AlignSettings

MERSENNE_PRIME = (1 << 31) - 1  # p of the universal hash functions; a * x + b fits in int64
_SHINGLE_MIX = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier folding word ids into a shingle hash


class KeyWords(Sequence):
    """The words of keys written as words joined by single spaces (the matching keys of
    :func:`helpers.align.normalize_sentence`): ``KeyWords(keys)[k] == keys[k].split()``.

    A key is split only when its words are asked for, and :meth:`encode` encodes the keys from
    one split of their joined text: on the 130,000 keys of the 10,000-article bench this
    saves a list per key (about 0.3 s, with the garbage collections the lists set off).

    Raises
    ------
    ValueError
        When a key has a leading, trailing or double space, or whitespace other than spaces.
    """

    def __init__(self, keys: Sequence[str]) -> None:
        self.keys = list(keys)
        joined = " ".join(key for key in self.keys if key)
        self._words = joined.split()
        # Every space separates two non-empty fields, and each field is one word of split():
        if ("  " in joined or joined[:1] == " " or joined[-1:] == " "
                or len(self._words) != (joined.count(" ") + 1 if joined else 0)):
            raise ValueError("keys must be words joined by single spaces")
        self.lengths = np.fromiter((key.count(" ") + 1 if key else 0 for key in self.keys),
                                   dtype=np.int64, count=len(self.keys))

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, k):  # (an int: the words of key k)
        return self.keys[k].split()

    def encode(self, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """:func:`encode_words` of the words of the keys ``rows`` (ascending; default all):
        the same ids (numbered by first appearance in those keys) and offsets."""
        codes, _ = pd.factorize(pd.Series(self._words, dtype=object))
        lengths = self.lengths if rows is None else self.lengths[rows]
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        if rows is not None:  # the chosen keys' words, numbered again in their order
            starts = np.concatenate([[0], np.cumsum(self.lengths)])[rows]
            at = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
            codes, _ = pd.factorize(codes[at])
        return codes.astype(np.int64), offsets


def word_counts(words: Sequence[Sequence[str]]) -> np.ndarray:
    """The number of words of each key (int64), read from a :class:`KeyWords` without
    splitting."""
    if isinstance(words, KeyWords):
        return words.lengths
    return np.fromiter(map(len, words), dtype=np.int64, count=len(words))


def encode_words(words: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(ids, offsets)``: integer word ids of all keys, flattened, and segment offsets.

    Key ``k`` is ``ids[offsets[k]:offsets[k + 1]]``; equal words share one id, numbered by
    first appearance. ``words``: lists of words, or a :class:`KeyWords`.
    """
    if isinstance(words, KeyWords):
        return words.encode()
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    ids, _ = pd.factorize(pd.Series(list(chain.from_iterable(words)), dtype=object))
    return ids.astype(np.int64), offsets


def encode_shingles(ids: np.ndarray, offsets: np.ndarray, *,
                    size: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(codes, offsets)`` of the keys' word ``size``-grams, like :func:`encode_words`.

    Equal shingles share one code; a key of fewer than ``size`` words has no shingle.
    """
    lengths = np.diff(offsets)
    key_of = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.flatnonzero(np.arange(len(ids)) - offsets[key_of] + size <= lengths[key_of])
    hashed = ids[starts].astype(np.uint64)
    for k in range(1, size):
        hashed = hashed * _SHINGLE_MIX + ids[starts + k].astype(np.uint64)
    counts = np.maximum(lengths - size + 1, 0)
    return pd.factorize(hashed)[0].astype(np.int64), np.concatenate([[0], np.cumsum(counts)])


def compute_signatures(ids: np.ndarray, offsets: np.ndarray, *, num_perm: int,
                       seed: int) -> np.ndarray:
    """Return the ``(keys, num_perm)`` MinHash signatures of the keys' word sets.

    Each id is hashed once per function (over all ids), then the minimum over each key's
    segment is taken. A key without ids gets a signature no other key has (``-1 - key``).
    """
    rng = np.random.default_rng(seed)
    a = rng.integers(1, MERSENNE_PRIME, size=num_perm, dtype=np.int64)
    b = rng.integers(0, MERSENNE_PRIME, size=num_perm, dtype=np.int64)
    vocabulary = np.arange(int(ids.max()) + 1 if len(ids) else 0, dtype=np.int64)
    signatures = np.empty((len(offsets) - 1, num_perm), dtype=np.int64)
    filled = np.flatnonzero(np.diff(offsets) > 0)
    for k in range(num_perm):
        hashed = (a[k] * vocabulary + b[k]) % MERSENNE_PRIME
        signatures[:, k] = -1 - np.arange(len(offsets) - 1)
        if len(filled):
            signatures[filled, k] = np.minimum.reduceat(hashed[ids], offsets[filled])
    return signatures


def pair_within_groups(groups: np.ndarray, lengths: np.ndarray, *,
                       window: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Pairs of keys in the same group: each key with the next ``window`` keys by length.

    Returns
    -------
    tuple
        ``(left, right, dropped)``: key indices of the pairs and the number of pairs of the
        groups that the window left out (0 when no group exceeds ``window + 1`` keys).
    """
    order = np.lexsort((lengths, groups))
    sorted_groups = groups[order]
    new = np.concatenate([[True], sorted_groups[1:] != sorted_groups[:-1]])
    starts = np.flatnonzero(new)
    sizes = np.diff(np.concatenate([starts, [len(order)]]))
    group_of = np.cumsum(new) - 1
    remaining = sizes[group_of] - 1 - (np.arange(len(order)) - starts[group_of])
    count = np.minimum(remaining, window)
    first = np.repeat(np.arange(len(order)), count)
    step = np.arange(len(first)) - np.repeat(np.cumsum(count) - count, count) + 1
    return order[first], order[first + step], int(remaining.sum() - count.sum())


def _refine(groups: np.ndarray, values: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """Split groups by a column of min-hashes (only the rows ``where`` is True, when given)."""
    if where is not None:
        values = np.where(where, values, -1)
    return pd.factorize(groups * (MERSENNE_PRIME + 1) + values + 1)[0]


def band_candidates(signatures: np.ndarray, lengths: np.ndarray, *, rows: int,
                    max_bucket: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Pairs of keys with one identical band of ``rows`` min-hashes: ``(left, right, dropped)``.

    A bucket of more than ``max_bucket`` keys is split by the band's following min-hashes, one
    at a time, until it is small enough or every min-hash is used; keys still together then
    have identical signatures and are paired with their next ``max_bucket - 1`` by length.
    """
    num_perm = signatures.shape[1]
    left, right, dropped = [], [], 0
    for start in range(0, num_perm - rows + 1, rows):
        groups = np.zeros(len(signatures), dtype=np.int64)
        for column in range(start, start + rows):
            groups = _refine(groups, signatures[:, column])
        for extra in range(start + rows, start + num_perm):
            big = np.bincount(groups)[groups] > max_bucket
            if not big.any():
                break
            groups = _refine(groups, signatures[:, extra % num_perm], big)
        i, j, lost = pair_within_groups(groups, lengths, window=max_bucket - 1)
        left.append(i)
        right.append(j)
        dropped += lost
    return np.concatenate(left), np.concatenate(right), dropped


def shingle_candidates(ids: np.ndarray, offsets: np.ndarray, *, size: int, prefix: int,
                       max_bucket: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Pairs of keys sharing one of the first key's ``prefix`` rarest word ``size``-grams.

    Keys shorter than ``size`` words have no shingle. Returns ``(left, right, dropped)``, where
    ``dropped`` counts the pairs of queried shingles held by more than ``max_bucket`` keys.
    """
    empty = np.empty(0, dtype=np.int64)
    codes, shingle_offsets = encode_shingles(ids, offsets, size=size)
    if len(codes) == 0:
        return empty, empty, 0
    # Each (key, shingle) once, by key then shingle (sorted packed pairs: a sort and a mask).
    counts, n_codes = np.diff(shingle_offsets), int(codes.max()) + 1
    held = np.sort(np.repeat(np.arange(len(counts)), counts) * n_codes + codes)
    held = held[np.concatenate([[True], held[1:] != held[:-1]])]
    keys, codes = held // n_codes, held % n_codes
    frequency = np.bincount(codes)
    # Query side: each key's `prefix` rarest shingles (ties: the smaller code).
    order = np.lexsort((codes, frequency[codes], keys))
    new = np.concatenate([[True], keys[order][1:] != keys[order][:-1]])
    rank = np.arange(len(order)) - np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
    chosen = order[rank < prefix]
    query_keys, query_codes = keys[chosen], codes[chosen]
    common = frequency[query_codes] > max_bucket
    dropped = int((frequency[query_codes[common]] - 1).sum())
    query_keys, query_codes = query_keys[~common], query_codes[~common]
    query_keys, query_codes = query_keys[frequency[query_codes] > 1], query_codes[
        frequency[query_codes] > 1]
    # Index side: the keys holding each shingle, contiguous after sorting by code.
    by_code = np.argsort(codes, kind="stable")
    first_of = np.concatenate([[0], np.cumsum(frequency)])
    count = frequency[query_codes]
    left = np.repeat(query_keys, count)
    within = np.arange(len(left)) - np.repeat(np.cumsum(count) - count, count)
    right = keys[by_code[np.repeat(first_of[query_codes], count) + within]]
    keep = left != right
    return left[keep], right[keep], dropped


def bound_overlap(ids: np.ndarray, offsets: np.ndarray, left: np.ndarray, right: np.ndarray, *,
                  chunk: int = 200_000) -> np.ndarray:
    """Multiset word overlap of each pair of keys (an upper bound on difflib's matched words)."""
    from scipy import sparse

    lengths = np.diff(offsets)
    counts = sparse.csr_matrix(
        (np.ones(len(ids)), (np.repeat(np.arange(len(lengths)), lengths), ids)),
        shape=(len(lengths), int(ids.max()) + 1 if len(ids) else 0))
    counts.sum_duplicates()
    overlap = np.empty(len(left))
    for start in range(0, len(left), chunk):
        stop = start + chunk
        both = counts[left[start:stop]].minimum(counts[right[start:stop]])
        overlap[start:stop] = np.asarray(both.sum(axis=1)).ravel()
    return overlap


def find_candidate_pairs(words: Sequence[Sequence[str]], outlets: Sequence | np.ndarray, *,
                         settings: AlignSettings, min_length: int = 1,
                         stats: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Return the candidate pairs ``(p, q)``, ``p < q``, that may match; LSH path of the kit.

    Parameters
    ----------
    words
        The normalised words of each key (lists of words, or a :class:`KeyWords`).
    outlets
        A label per key (a sequence or array); keys with equal labels (one outlet) are never
        paired.
    settings
        Match thresholds (for the lossless bound) and the LSH options.
    min_length
        Keys with fewer words get no candidate.
    stats
        When given, receives the counts ``candidates`` (distinct pairs of different labels from
        both sources), ``bounded`` (pairs left after the lossless multiset-overlap bound) and
        ``dropped`` (pairs the bucket cap left out).

    Returns
    -------
    tuple
        ``(left, right)``: int64 arrays of the keys ``p`` and ``q`` of each pair, ascending by
        ``p`` then ``q``.
    """
    keep = np.flatnonzero(word_counts(words) >= min_length)
    stats = {} if stats is None else stats
    stats.update(candidates=0, bounded=0, dropped=0)
    if len(keep) < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    ids, offsets = words.encode(keep) if isinstance(words, KeyWords) \
        else encode_words([words[k] for k in keep])
    lengths = np.diff(offsets)
    band_ids, band_offsets = encode_shingles(ids, offsets, size=settings.band_shingle)
    signatures = compute_signatures(band_ids, band_offsets, num_perm=settings.num_perm,
                                            seed=settings.seed)
    band_a, band_b, band_lost = band_candidates(
        signatures, lengths, rows=settings.band_rows, max_bucket=settings.max_bucket)
    shingle_a, shingle_b, shingle_lost = shingle_candidates(
        ids, offsets, size=settings.shingle, prefix=settings.prefix,
        max_bucket=settings.max_bucket)
    left = np.concatenate([band_a, shingle_a])
    right = np.concatenate([band_b, shingle_b])
    labels, _ = pd.factorize(pd.Series(np.asarray(outlets)[keep]))
    cross = labels[left] != labels[right]
    pair = np.sort(np.minimum(left, right)[cross] * len(keep) + np.maximum(left, right)[cross])
    pair = pair[np.concatenate([[True], pair[1:] != pair[:-1]])] if len(pair) else pair
    left, right = pair // len(keep), pair % len(keep)
    overlap = bound_overlap(ids, offsets, left, right)
    len_a, len_b = lengths[left], lengths[right]
    shorter = np.minimum(len_a, len_b)
    passes = ((overlap >= settings.min_ratio * (len_a + len_b) / 2)
              | ((shorter >= settings.min_words) & (overlap >= settings.min_coverage * shorter)))
    stats.update(candidates=len(pair), bounded=int(passes.sum()), dropped=band_lost + shingle_lost)
    return keep[left[passes]], keep[right[passes]]
