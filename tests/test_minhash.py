"""Vectorised LSH candidates: word ids, MinHash signatures, banding, shingle prefixes, the bound."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import minhash
from helpers.align import AlignSettings


def _pairs(left, right):
    return sorted(zip(np.asarray(left).tolist(), np.asarray(right).tolist(), strict=True))


def test_encode_words_ids_and_offsets():
    ids, offsets = minhash.encode_words([["a", "b", "a"], ["c"], ["b", "c"]])
    assert ids.tolist() == [0, 1, 0, 2, 1, 2]
    assert offsets.tolist() == [0, 3, 4, 6]


def test_key_words_split_lazily_and_encode_as_word_lists():
    keys = ["c a b", "", "b b d", "e", "a c"]
    words = minhash.KeyWords(keys)
    assert len(words) == 5 and words[0] == ["c", "a", "b"] and words[1] == []
    assert minhash.word_counts(words).tolist() == [3, 0, 3, 1, 2]
    lists = [key.split() for key in keys]
    assert minhash.word_counts(lists).tolist() == [3, 0, 3, 1, 2]
    for ids, offsets in (minhash.encode_words(words), words.encode()):
        expected = minhash.encode_words(lists)
        assert ids.tolist() == expected[0].tolist() == [0, 1, 2, 2, 2, 3, 4, 1, 0]
        assert offsets.tolist() == expected[1].tolist()
    # A subset of keys is numbered by first appearance in the subset ("b" before "a" here).
    ids, offsets = words.encode(np.array([2, 4]))
    assert ids.tolist() == minhash.encode_words([lists[2], lists[4]])[0].tolist() \
        == [0, 0, 1, 2, 3]
    assert offsets.tolist() == [0, 3, 5]


@pytest.mark.parametrize("key", [" a", "a ", "a  b", "a\tb", "a\u00a0b"])
def test_key_words_refuse_keys_not_joined_by_single_spaces(key):
    with pytest.raises(ValueError, match="single spaces"):
        minhash.KeyWords(["x y", key])


def test_find_candidate_pairs_same_from_key_words_and_word_lists():
    rng = np.random.default_rng(5)
    vocabulary = [f"w{i}" for i in range(12)]
    keys = [" ".join(rng.choice(vocabulary, size=int(rng.integers(0, 9))).tolist())
            for _ in range(60)]
    keys += [keys[3], keys[3] + " w1", keys[7]]  # near copies
    labels = rng.integers(0, 4, size=len(keys))
    settings = AlignSettings(num_perm=16, band_rows=2)
    from_lists = minhash.find_candidate_pairs([key.split() for key in keys], labels,
                                              settings=settings, min_length=3)
    from_keys = minhash.find_candidate_pairs(minhash.KeyWords(keys), labels,
                                             settings=settings, min_length=3)
    assert len(from_lists[0]) > 0
    for left, right in zip(from_lists, from_keys, strict=True):
        assert left.tolist() == right.tolist()


def test_signatures_are_the_minimum_universal_hash_of_each_word_set():
    words = [["w1", "w2", "w3"], ["w3", "w2", "w1", "w1"], ["w4", "w2"]]
    ids, offsets = minhash.encode_words(words)
    signatures = minhash.compute_signatures(ids, offsets, num_perm=5, seed=3)
    rng = np.random.default_rng(3)
    a = rng.integers(1, minhash.MERSENNE_PRIME, size=5, dtype=np.int64).tolist()
    b = rng.integers(0, minhash.MERSENNE_PRIME, size=5, dtype=np.int64).tolist()
    by_word = {"w1": 0, "w2": 1, "w3": 2, "w4": 3}
    for k, key in enumerate(words):
        expected = [min((a[p] * by_word[w] + b[p]) % minhash.MERSENNE_PRIME for w in key)
                    for p in range(5)]
        assert signatures[k].tolist() == expected
    assert signatures[0].tolist() == signatures[1].tolist()  # same word set, same signature


def test_pair_within_groups_all_pairs_and_window():
    groups = np.array([7, 7, 3, 7, 3, 9])
    lengths = np.array([10, 30, 5, 20, 6, 8])
    left, right, dropped = minhash.pair_within_groups(groups, lengths, window=5)
    assert _pairs(np.minimum(left, right), np.maximum(left, right)) == [
        (0, 1), (0, 3), (1, 3), (2, 4)]
    assert dropped == 0
    # Window 1: each key only with the next key by length (group 7 is 0 < 3 < 1 by length).
    left, right, dropped = minhash.pair_within_groups(groups, lengths, window=1)
    assert _pairs(left, right) == [(0, 3), (2, 4), (3, 1)]
    assert dropped == 1  # (0, 1) left out


def test_band_candidates_pair_identical_bands_only():
    signatures = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [5, 2, 3, 4], [8, 8, 8, 8]])
    left, right, dropped = minhash.band_candidates(signatures, np.array([5, 5, 5, 5]), rows=2,
                                                   max_bucket=10)
    assert _pairs(np.minimum(left, right), np.maximum(left, right)) == [(0, 1), (0, 2)]
    assert dropped == 0


def test_shingle_candidates_find_an_excerpt_and_skip_unique_and_common_shingles():
    long_key = "russia has denied planning an offensive but urged the west to pledge".split()
    words = [long_key, "russia has denied planning an offensive".split(),
             "the talks were warm and substantive".split(), ["too", "short"]]
    ids, offsets = minhash.encode_words(words)
    left, right, dropped = minhash.shingle_candidates(ids, offsets, size=3, prefix=3,
                                                      max_bucket=10)
    # The long key's 3 rarest shingles are its own (held by no other key): no pair. The excerpt
    # queries 3 of its 4 shingles, all inside the long key: (1, 0) three times.
    assert _pairs(left, right) == [(1, 0)] * 3
    assert dropped == 0
    # A cap of one key skips the excerpt's 3 queried shingles (held by 2 keys): 3 pairs dropped.
    left, right, dropped = minhash.shingle_candidates(ids, offsets, size=3, prefix=3,
                                                      max_bucket=1)
    assert len(left) == 0 and dropped == 3


def test_shingle_candidates_count_a_repeated_shingle_of_a_key_once():
    ids, offsets = minhash.encode_words(["a b c a b c x".split(), "a b c".split()])
    left, right, dropped = minhash.shingle_candidates(ids, offsets, size=3, prefix=3,
                                                      max_bucket=10)
    # "a b c" is held by 2 keys (twice by key 0): one pair; key 0's other shingles are its own.
    assert _pairs(left, right) == [(1, 0)] and dropped == 0
    left, right, dropped = minhash.shingle_candidates(ids, offsets, size=3, prefix=3,
                                                      max_bucket=1)
    assert len(left) == 0 and dropped == 1


def test_bound_overlap_is_the_multiset_overlap():
    ids, offsets = minhash.encode_words([["a", "a", "b", "c"], ["a", "b", "b"], ["d"]])
    overlap = minhash.bound_overlap(ids, offsets, np.array([0, 0, 1]), np.array([1, 2, 2]))
    assert overlap.tolist() == [2.0, 0.0, 0.0]  # min(2, 1) of "a" + min(1, 2) of "b"


def test_find_candidate_pairs_bounds_labels_and_stats():
    sentence = "china and russia are committed to deepening strategic cooperation xi said"
    words = [sentence.split(), sentence.replace("xi said", "").split(), sentence.split()[::-1],
             sentence.split(), "a short one".split(), ["xi", "said"]]
    stats: dict = {}
    left, right = minhash.find_candidate_pairs(words, ["A", "B", "C", "A", "D", "E"],
                                               settings=AlignSettings(), min_length=3,
                                               stats=stats)
    assert left.dtype == right.dtype == np.int64
    found = list(zip(left.tolist(), right.tolist(), strict=True))
    # 0 and 3 share a label (one outlet): never a candidate. The reversed key 2 shares no word
    # pair and no 3-gram with the others; key 5 is too short.
    assert found == [(0, 1), (1, 3)]
    assert stats == {"candidates": 2, "bounded": 2, "dropped": 0}


def test_find_candidate_pairs_takes_integer_labels():
    sentence = "china and russia are committed to deepening strategic cooperation xi said"
    words = [sentence.split(), sentence.replace("xi said", "").split(), sentence.split()]
    left, right = minhash.find_candidate_pairs(words, np.array([7, 8, 7]),
                                               settings=AlignSettings())
    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(0, 1), (1, 2)]


def test_find_candidate_pairs_without_two_keys():
    left, right = minhash.find_candidate_pairs([["a", "b", "c"]], ["A"],
                                               settings=AlignSettings())
    assert left.tolist() == right.tolist() == [] and left.dtype == right.dtype == np.int64


@pytest.mark.parametrize("rows", [1, 2, 3])
def test_identical_keys_always_share_every_band(rows):
    words = [["w", str(k), "x"] for k in range(6)] + [["w", "0", "x"]]
    ids, offsets = minhash.encode_words(words)
    signatures = minhash.compute_signatures(ids, offsets, num_perm=6, seed=1)
    left, right, _ = minhash.band_candidates(signatures, np.diff(offsets), rows=rows,
                                             max_bucket=100)
    assert (0, 6) in set(zip(np.minimum(left, right).tolist(), np.maximum(left, right).tolist(),
                             strict=True))


def test_encode_shingles_codes_and_offsets():
    ids, offsets = minhash.encode_words([["a", "b", "c"], ["b", "c"], ["a"]])
    codes, shingle_offsets = minhash.encode_shingles(ids, offsets, size=2)
    assert codes.tolist() == [0, 1, 1]  # (a, b), (b, c), (b, c)
    assert shingle_offsets.tolist() == [0, 2, 3, 3]  # "a" alone has no word pair


def test_a_key_without_ids_gets_a_signature_of_its_own():
    signatures = minhash.compute_signatures(np.array([0, 1, 0]), np.array([0, 2, 2, 3]),
                                            num_perm=2, seed=1)
    assert signatures[1].tolist() == [-2, -2]
    assert (signatures[[0, 2]] >= 0).all()


def test_large_bucket_is_split_by_the_next_min_hashes():
    signatures = np.array([[1, 5], [1, 5], [1, 7], [1, 7]])
    lengths = np.array([10, 11, 12, 13])
    left, right, dropped = minhash.band_candidates(signatures, lengths, rows=1, max_bucket=2)
    assert _pairs(np.minimum(left, right), np.maximum(left, right)) == [(0, 1), (0, 1), (2, 3),
                                                                          (2, 3)]
    assert dropped == 0
    # Identical signatures cannot be split: each key with the next one by length (counted).
    same = np.ones((4, 2), dtype=np.int64)
    left, right, dropped = minhash.band_candidates(same, lengths, rows=1, max_bucket=2)
    assert _pairs(left, right) == [(0, 1), (0, 1), (1, 2), (1, 2), (2, 3), (2, 3)]
    assert dropped == 6  # 3 of the 6 pairs in each of the 2 bands
