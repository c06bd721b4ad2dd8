"""The alignment memo: a call that reads it returns exactly what a fresh call returns."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from helpers import align, align_memo
from helpers.align import AlignSettings, align_sentences
from helpers.cache import read_snapshot, write_snapshot

WIRE = [
    "A buildup of more than 100,000 Russian troops near Ukraine has fuelled Western fears that "
    "Moscow is poised to invade its neighbour.",
    "Russia has denied planning an offensive but urged the U.S. and its allies to provide a "
    "binding pledge that NATO won't expand to Ukraine and other ex-Soviet nations.",
    "The U.S. is Taiwan's main supplier of fighter aircraft and defensive arms.",
    "China claims the self-governing island as its own territory, to be annexed by force.",
    "Economic and diplomatic co-operation has expanded into the military field.",
    "In August, Russian troops for the first time deployed to Chinese territory.",
    "The two leaders signed a long joint statement on Friday in Beijing after their talks.",
]
OWN = ["The Kremlin called the talks warm and substantive.",
       "Around 100,000 Russian soldiers remain at the border.",
       "Taiwan sees itself as a sovereign nation with its own laws.",
       "Analysts said the statement was carefully worded.",
       "Too short."]


def _edit(text: str, rng: random.Random) -> str:
    """One newsroom edit of a wire sentence: none, a dropped or replaced word, or an excerpt."""
    words = text.split()
    roll = rng.random()
    if roll < 0.3:
        return text
    if roll < 0.55:
        del words[rng.randrange(len(words))]
    elif roll < 0.8:
        words[rng.randrange(len(words))] = rng.choice(["reportedly", "Moscow", "Friday"])
    else:
        words = words[:max(6, len(words) * 2 // 3)]
    return " ".join(words)


def _article(name: str, outlet: str, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    texts = [_edit(rng.choice(WIRE), rng) for _ in range(rng.randint(3, 6))]
    texts.insert(rng.randrange(len(texts)), rng.choice(OWN))
    texts.append(texts[0])  # a sentence repeated within the article
    return [(name, outlet, position, text) for position, text in enumerate(texts)]


def _collection(articles: list[tuple[str, str, int]]) -> pd.DataFrame:
    rows = [row for name, outlet, seed in articles for row in _article(name, outlet, seed)]
    return pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])


BEFORE = [(f"a{k:02d}.txt", f"Outlet {k % 4}", k) for k in range(14)]
BEFORE.append(("copy.txt", "Outlet 9", 3))  # the same article as a03.txt, in another outlet
# Two articles gone (the first one: keys appear in another order), one moved to another
# outlet, three added (one of them a duplicate of an existing article).
AFTER = ([item for item in BEFORE if item[0] not in {"a00.txt", "a07.txt"}]
         + [("b00.txt", "Outlet 5", 100), ("b01.txt", "Outlet 1", 101), ("b02.txt", "Outlet 2", 5)])
AFTER = [(name, "Outlet 3" if name == "a05.txt" else outlet, seed) for name, outlet, seed in AFTER]

SETTINGS = [AlignSettings(method="exact", max_pairs=None), AlignSettings(method="lsh"),
            AlignSettings(method="exact", max_pairs=40)]


@pytest.fixture()
def scored(monkeypatch):
    """The word sequences ``(a, b)`` whose matched words :mod:`helpers.align` counts."""
    calls: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    original = align._matched_words

    def spy(words_a, words_b, positions_b):
        calls.append((tuple(words_a), tuple(words_b)))
        return original(words_a, words_b, positions_b)

    monkeypatch.setattr(align, "_matched_words", spy)
    return calls


def _fresh(sentences: pd.DataFrame, settings: AlignSettings) -> pd.DataFrame:
    return align_sentences(sentences, settings=settings)


@pytest.mark.parametrize("settings", SETTINGS, ids=["exact", "lsh", "capped"])
def test_warm_call_equals_fresh_call_and_scores_only_new_pairs(tmp_path, scored, settings):
    memo = tmp_path / "align-memo.npz"
    before, after = _collection(BEFORE), _collection(AFTER)
    pd.testing.assert_frame_equal(align_sentences(before, settings=settings, memo=memo),
                                  _fresh(before, settings))
    seen = set(scored)
    scored.clear()
    fresh = _fresh(after, settings)
    candidates = set(scored)
    assert len(fresh) > 30
    scored.clear()
    warm = align_sentences(after, settings=settings, memo=memo)
    pd.testing.assert_frame_equal(warm, fresh)
    assert warm.attrs == fresh.attrs
    # Exactly the pairs the first call did not score are scored, each once; a pair seen in the
    # other order (keys now appear in another order) is among them.
    assert len(scored) == len(set(scored))
    assert set(scored) == candidates - seen
    assert 0 < len(scored) < len(candidates)
    assert any((b, a) in seen for a, b in set(scored))
    scored.clear()
    pd.testing.assert_frame_equal(align_sentences(after, settings=settings, memo=memo), fresh)
    assert scored == []  # unchanged collection: every pair from the memo


def test_pair_in_the_other_order_is_not_served_from_the_memo(tmp_path):
    # difflib is not symmetric: M is 4 one way (no match), 6 the other way (edited copy).
    first, second = "Warm the and were long the were.", "Warm the and long talks the warm were."
    assert align.score_sentence_pair(first.lower()[:-1].split(), second.lower()[:-1].split()) \
        != align.score_sentence_pair(second.lower()[:-1].split(), first.lower()[:-1].split())
    memo = tmp_path / "memo.npz"
    rows = [("a.txt", "A", 0, first), ("b.txt", "B", 0, second)]
    one_way = pd.DataFrame(rows, columns=["article_id", "outlet", "position", "text"])
    assert align_sentences(one_way, memo=memo).empty
    other_way = one_way.iloc[::-1].reset_index(drop=True)  # keys now in the other order
    fresh = _fresh(other_way, AlignSettings())
    assert fresh["kind"].tolist() == ["edited"]
    pd.testing.assert_frame_equal(align_sentences(other_way, memo=memo), fresh)


def test_keys_of_known_texts_come_from_the_memo(tmp_path, monkeypatch):
    memo = tmp_path / "memo.npz"
    align_sentences(_collection(BEFORE), memo=memo)
    after = _collection(AFTER)
    fresh = _fresh(after, AlignSettings())
    normalised = []
    original = align.normalize_sentence
    monkeypatch.setattr(align, "normalize_sentence",
                        lambda text: normalised.append(text) or original(text))
    pd.testing.assert_frame_equal(align_sentences(after, memo=memo), fresh)
    assert 0 < len(normalised) < after["text"].nunique() - 10  # only the new texts
    assert set(normalised) <= set(after["text"]) - set(_collection(BEFORE)["text"])


def test_memo_keeps_only_what_the_last_call_used(tmp_path, scored):
    memo = tmp_path / "memo.npz"
    settings = AlignSettings(method="exact")
    align_sentences(_collection(BEFORE), settings=settings, memo=memo)
    small = _collection(BEFORE[:3])
    scored.clear()
    align_sentences(small, settings=settings, memo=memo)
    kept = read_snapshot(memo)
    assert len(kept["texts"]) == small["text"].nunique()
    assert set(kept["texts"]["text"]) == set(small["text"])
    assert len(kept["keys"]) == len({align.normalize_sentence(t) for t in small["text"]})
    scored.clear()
    _fresh(small, settings)
    assert len(kept["pairs"]) == len(set(scored)) > 0


def test_unchanged_call_does_not_rewrite_the_memo(tmp_path, monkeypatch):
    memo = tmp_path / "memo.npz"
    sentences = _collection(BEFORE)
    align_sentences(sentences, memo=memo)
    writes = []
    monkeypatch.setattr(align_memo, "write_memo", lambda *args, **kw: writes.append(args))
    align_sentences(sentences, memo=memo)
    assert writes == []
    align_sentences(_collection(AFTER), memo=memo)
    assert len(writes) == 1


def test_a_memo_missing_few_texts_and_pairs_is_kept(tmp_path, scored, monkeypatch):
    """Within REWRITE_SHARE, the file stays and the next call scores the new pairs again."""
    from helpers import cache

    memo = tmp_path / "memo.npz"
    settings = AlignSettings(method="exact", max_pairs=None)
    align_sentences(_collection(BEFORE), settings=settings, memo=memo)
    before = memo.read_bytes()
    monkeypatch.setattr(cache, "REWRITE_SHARE", 0.9)
    grown = _collection([*BEFORE, ("b00.txt", "Outlet 5", 100)])
    fresh = _fresh(grown, settings)
    rescored = []
    for _ in range(2):
        scored.clear()
        pd.testing.assert_frame_equal(align_sentences(grown, settings=settings, memo=memo), fresh)
        rescored.append(sorted(scored))
        assert memo.read_bytes() == before
    assert rescored[0] == rescored[1] != []  # the same new pairs, scored by each call
    monkeypatch.setattr(cache, "REWRITE_SHARE", 0.0)
    align_sentences(grown, settings=settings, memo=memo)
    assert memo.read_bytes() != before
    scored.clear()
    align_sentences(grown, settings=settings, memo=memo)
    assert scored == []


def test_changed_setting_invalidates_the_memo(tmp_path, scored):
    memo = tmp_path / "memo.npz"
    sentences = _collection(BEFORE)
    align_sentences(sentences, settings=AlignSettings(method="exact"), memo=memo)
    stricter = AlignSettings(method="exact", min_ratio=0.9)
    scored.clear()
    fresh = _fresh(sentences, stricter)
    candidates = len(scored)
    scored.clear()
    pd.testing.assert_frame_equal(align_sentences(sentences, settings=stricter, memo=memo), fresh)
    assert len(scored) == candidates > 0  # nothing served from the other settings' memo
    assert read_snapshot(memo)["fingerprint"] == align_memo.fingerprint(stricter)


def test_changed_code_invalidates_the_memo(tmp_path, scored, monkeypatch):
    memo = tmp_path / "memo.npz"
    sentences = _collection(BEFORE)
    align_sentences(sentences, memo=memo)
    monkeypatch.setattr(align_memo, "_CODE_DIGEST", "another version of align.py")
    scored.clear()
    align_sentences(sentences, memo=memo)
    assert len(scored) > 0


@pytest.mark.parametrize("content", [
    b"", b"not a memo at all", b"PK\x03\x04 truncated zip",
])
def test_corrupt_memo_is_ignored_and_rewritten(tmp_path, content):
    memo = tmp_path / "memo.npz"
    memo.write_bytes(content)
    sentences = _collection(BEFORE)
    pd.testing.assert_frame_equal(align_sentences(sentences, memo=memo), _fresh(sentences,
                                                                                AlignSettings()))
    assert read_snapshot(memo)["fingerprint"] == align_memo.fingerprint(AlignSettings())


def _written_memo(tmp_path, sentences: pd.DataFrame) -> tuple:
    memo = tmp_path / "memo.npz"
    align_sentences(sentences, memo=memo)
    return memo, read_snapshot(memo)


@pytest.mark.parametrize("damage", ["foreign", "unsorted pairs", "key out of range",
                                    "duplicate texts", "missing table", "wrong M"])
def test_foreign_or_inconsistent_memo_is_ignored(tmp_path, scored, damage):
    sentences = _collection(BEFORE)
    memo, data = _written_memo(tmp_path, sentences)
    pairs, texts = data["pairs"], data["texts"]
    if damage == "foreign":
        data = {"version": 1, "table": pd.DataFrame({"text": ["a", "b"]})}
    elif damage == "unsorted pairs":
        data["pairs"] = pairs.iloc[::-1].reset_index(drop=True)
    elif damage == "key out of range":
        data["texts"] = texts.assign(key=texts["key"] + len(data["keys"]))
    elif damage == "duplicate texts":
        data["texts"] = pd.concat([texts, texts.iloc[:1]], ignore_index=True)
    elif damage == "missing table":
        del data["keys"]
    else:  # an impossible M (negative): not a file the kit wrote
        data["pairs"] = pairs.assign(matched=-pairs["matched"] - 1)
    write_snapshot(memo, data)
    scored.clear()
    fresh = _fresh(sentences, AlignSettings())
    candidates = len(scored)
    scored.clear()
    pd.testing.assert_frame_equal(align_sentences(sentences, memo=memo), fresh)
    assert len(scored) == candidates  # everything computed again
    assert read_snapshot(memo)["fingerprint"] == align_memo.fingerprint(AlignSettings())


def test_memo_that_cannot_be_written_warns_and_aligns(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    sentences = _collection(BEFORE)
    with pytest.warns(RuntimeWarning, match="memo not written"):
        warm = align_sentences(sentences, memo=blocker / "memo.npz")
    pd.testing.assert_frame_equal(warm, _fresh(sentences, AlignSettings()))


def test_empty_input_with_memo(tmp_path):
    memo = tmp_path / "memo.npz"
    empty = pd.DataFrame(columns=["article_id", "outlet", "position", "text"])
    assert align_sentences(empty, memo=memo).empty
    assert not memo.exists()


def test_no_candidate_pair_with_memo(tmp_path):
    memo = tmp_path / "memo.npz"
    sentences = pd.DataFrame([("a.txt", "A", 0, "One two three four."),
                              ("b.txt", "B", 0, "Five six seven eight.")],
                             columns=["article_id", "outlet", "position", "text"])
    for _ in range(2):
        warm = align_sentences(sentences, memo=memo)
        pd.testing.assert_frame_equal(warm, _fresh(sentences, AlignSettings()))
    assert len(read_snapshot(memo)["texts"]) == 2


def test_matching_key_takes_the_last_alignments_keys(tmp_path, monkeypatch):
    memo = tmp_path / "memo.npz"
    align_sentences(_collection(BEFORE), memo=memo)
    after = _collection(AFTER)
    align.normalize_sentence.cache_clear()
    align_sentences(after, memo=memo)  # keys of the known texts from the memo
    normalised = []
    original = align.normalize_sentence
    monkeypatch.setattr(align, "normalize_sentence",
                        lambda text: normalised.append(text) or original(text))
    texts = after["text"].unique().tolist()
    assert [align.matching_key(t) for t in texts] == [original(t) for t in texts]
    assert normalised == []  # every text was known from the alignment
    assert align.matching_key("Not aligned — “New” text.") == "not aligned new text"
    assert normalised == ["Not aligned — “New” text."]
