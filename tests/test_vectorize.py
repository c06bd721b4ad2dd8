"""The shared tokenizer and the log-odds ratio with informative Dirichlet prior (hand-computed)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from helpers.vectorize import (
    LOG_ODDS_COLUMNS,
    analyze,
    analyze_all,
    build_token_vectorizer,
    compute_log_odds,
    compute_pairwise_log_odds,
    count_terms_by_group,
    fit_token_documents,
    log_odds_dirichlet,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("The U.S. and US troops", ["usa", "usa", "troops"]),
    ("U.S.-led bloc", ["usa", "led", "bloc"]),
    ("Russia’s talks", ["russia", "talks"]),          # curly apostrophe + possessive
    ("Russia's talks", ["russia", "talks"]),
    ("Pékin café naïve", ["pekin", "cafe", "naive"]),  # accents stripped
    ("co-operation pre-Olympics ex-Soviet", ["co-operation", "pre-olympics", "ex-soviet"]),
    ("co‑operation", ["co-operation"]),                # non-breaking hyphen folded
    ("U.K. envoys", ["uk", "envoys"]),
    ("us and them", []),                               # the pronoun stays a stop word
    ("a 2022 x", []),                                  # numbers and one-letter tokens dropped
])
def test_analyze(text, expected):
    assert analyze(text) == expected


def test_count_terms_by_group():
    counts = count_terms_by_group(["cat cat dog", "dog fish", "cat"], ["A", "B", "A"])
    assert counts.index.tolist() == ["A", "B"]
    assert counts.columns.tolist() == ["cat", "dog", "fish"]
    assert counts.values.tolist() == [[3, 1, 0], [0, 1, 1]]


# Toy corpus: A = "cat cat dog", B = "dog fish". Collection counts cat 2, dog 2, fish 1 (n = 5);
# alpha0 = 5 gives the prior a = (2, 2, 1). For A against the rest (= B), n_A = 3, n_B = 2:
#   cat:  log((2+2)/(3+5-2-2)) - log((0+2)/(2+5-0-2)) = log(4/4) - log(2/5),  var = 1/4 + 1/2
#   dog:  log((1+2)/(3+5-1-2)) - log((1+2)/(2+5-1-2)) = log(3/5) - log(3/4),  var = 1/3 + 1/3
#   fish: log((0+1)/(3+5-0-1)) - log((1+1)/(2+5-1-1)) = log(1/7) - log(2/5),  var = 1/1 + 1/2
HAND = {
    "cat": (math.log(4 / 4) - math.log(2 / 5), 1 / 4 + 1 / 2),
    "dog": (math.log(3 / 5) - math.log(3 / 4), 1 / 3 + 1 / 3),
    "fish": (math.log(1 / 7) - math.log(2 / 5), 1 / 1 + 1 / 2),
}


def test_compute_log_odds_matches_hand_computation():
    table = compute_log_odds(["cat cat dog", "dog fish"], ["A", "B"], alpha0=5)
    assert list(table.columns) == LOG_ODDS_COLUMNS
    a = table[table["outlet"] == "A"].set_index("term")
    assert a.index.tolist() == ["cat", "dog", "fish"]  # sorted by z, descending
    for term, (delta, var) in HAND.items():
        assert a.loc[term, "log_odds"] == pytest.approx(delta, abs=1e-12)
        assert a.loc[term, "z"] == pytest.approx(delta / math.sqrt(var), abs=1e-12)
    assert a.loc["cat", "z"] == pytest.approx(1.0580408, abs=1e-6)
    assert a[["count", "count_rest"]].values.tolist() == [[2, 0], [1, 1], [0, 1]]
    b = table[table["outlet"] == "B"].set_index("term")
    assert np.allclose(b.loc[["cat", "dog", "fish"], "z"], -a.loc[["cat", "dog", "fish"], "z"])


def test_compute_pairwise_log_odds_hand_computation():
    # A = "cat cat dog", B = "dog fish", C = "cat"; counts cat 3, dog 2, fish 1;
    # alpha0 = 6 gives a = (3, 2, 1).
    # A versus C (n_A = 3, n_C = 1): fish is used by neither and is left out.
    #   cat: log(5/(3+6-2-3)) - log(4/(1+6-1-3)) = log(5/4) - log(4/3), var = 1/5 + 1/4
    #   dog: log(3/(3+6-1-2)) - log(2/(1+6-0-2)) = log(3/6) - log(2/5), var = 1/3 + 1/2
    table = compute_pairwise_log_odds(["cat cat dog", "dog fish", "cat"], ["A", "B", "C"],
                                      alpha0=6)
    pair = table[(table["outlet"] == "A") & (table["other"] == "C")].set_index("term")
    assert pair.index.tolist() == ["dog", "cat"]
    assert pair.loc["cat", "log_odds"] == pytest.approx(math.log(5 / 4) - math.log(4 / 3))
    assert pair.loc["cat", "z"] == pytest.approx((math.log(5 / 4) - math.log(4 / 3))
                                                 / math.sqrt(1 / 5 + 1 / 4))
    assert pair.loc["dog", "z"] == pytest.approx((math.log(3 / 6) - math.log(2 / 5))
                                                 / math.sqrt(1 / 3 + 1 / 2))
    assert len(table) == 16  # 6 ordered pairs; fish is absent from A-C and C-A


def test_log_odds_dirichlet_is_zero_for_identical_groups():
    delta, z = log_odds_dirichlet(np.array([3, 1]), np.array([3, 1]), np.array([1.0, 1.0]))
    assert np.allclose(delta, 0) and np.allclose(z, 0)


def test_compute_log_odds_degenerate_inputs():
    assert compute_log_odds(["cat dog"], ["A"]).empty  # one group: nothing to compare
    assert compute_log_odds(["the and", "of"], ["A", "B"]).empty  # only stop words


def test_count_terms_by_group_counts_repeated_texts_per_occurrence():
    texts = ["cat dog", "cat dog", "fish", "cat dog", "the 2022"]
    labels = ["A", "B", "A", "A", "B"]
    counts = count_terms_by_group(texts, labels)
    assert counts.columns.tolist() == ["cat", "dog", "fish"]
    assert counts.values.tolist() == [[2, 2, 1], [1, 1, 0]]
    given = count_terms_by_group(texts, labels, tokens=analyze_all(texts))
    assert given.equals(counts)
    nothing = count_terms_by_group(["the", "2022"], ["A", "B"])
    assert nothing.index.tolist() == ["A", "B"] and nothing.columns.empty


def _assert_same_csr(got, expected):
    assert got.shape == expected.shape
    for name in ("data", "indices", "indptr"):
        a, b = getattr(got, name), getattr(expected, name)
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes(), name


def _documents(tokens, parts, starts):
    bounds = list(starts) + [len(parts)]
    return [[term for i in parts[a:b] for term in tokens[i]]
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


@pytest.mark.parametrize("seed", range(8))
def test_fit_token_documents_is_the_token_vectorizer_bit_for_bit(seed):
    """Same data, indices and indptr as scikit-learn, whose rows keep the order in which terms
    were first seen (their L2 norm is summed in that order): token lists named out of order,
    repeated, unused or empty, and documents without parts or without terms."""
    rng = np.random.default_rng(seed)
    words = ["zeta", "alpha", "mu", "beta", "omega", "kappa", "delta", "pi", "eta", "nu"]
    tokens = [list(rng.choice(words, size=rng.integers(0, 8))) for _ in range(12)]
    tokens[3] = []
    parts = rng.integers(0, 12, size=40)
    starts = np.sort(rng.integers(0, 40, size=9))
    starts[0] = 0
    got = fit_token_documents(tokens, parts, starts)
    expected = build_token_vectorizer().fit_transform(_documents(tokens, parts, starts)).tocsr()
    _assert_same_csr(got, expected)


def test_fit_token_documents_vocabulary_follows_the_documents_not_the_lists():
    """The terms are numbered as the documents first use them (list 1 before list 0 here),
    which sets the order of each row's entries."""
    tokens = [["zebra", "apple", "mango"], ["pear", "mango", "kiwi", "apple"], ["kiwi"]]
    parts, starts = np.array([1, 0, 2, 1]), np.array([0, 2, 2])
    got = fit_token_documents(tokens, parts, starts)
    expected = build_token_vectorizer().fit_transform(_documents(tokens, parts, starts)).tocsr()
    _assert_same_csr(got, expected)
    assert got[1].nnz == 0  # a document without parts


def test_fit_token_documents_without_terms_raises_like_scikit_learn():
    with pytest.raises(ValueError, match="empty vocabulary"):
        build_token_vectorizer().fit_transform([[], []])
    with pytest.raises(ValueError, match="empty vocabulary"):
        fit_token_documents([[], []], np.array([0, 1]), np.array([0, 1]))


TOKEN_TEXTS = ["The U.S. and China met in Beijing.", "It was, they said, the end.",
               "Putin’s co-operation with Xi", "", "Putin’s co-operation with Xi"]


def _count_analyzer_calls(monkeypatch) -> list[str]:
    """Empty the session's token memo and record the texts the analyzer tokenises."""
    from helpers import vectorize

    monkeypatch.setattr(vectorize, "_TOKEN_MEMO", {})
    seen: list[str] = []
    analyzer = vectorize._analyzer((1, 1))
    monkeypatch.setattr(vectorize, "_analyzer",
                        lambda ngram_range: lambda text: seen.append(text) or analyzer(text))
    return seen


def test_token_memo_gives_the_analyzers_tokens_and_tokenises_only_new_texts(tmp_path,
                                                                            monkeypatch):
    from helpers.vectorize import analyze_all

    memo = tmp_path / "tokens.npz"
    expected = [["usa", "china", "met", "beijing"], ["end"], ["putin", "co-operation", "xi"],
                [], ["putin", "co-operation", "xi"]]
    seen = _count_analyzer_calls(monkeypatch)
    assert analyze_all(TOKEN_TEXTS, memo=memo) == expected
    assert len(seen) == 4 and memo.exists()
    seen = _count_analyzer_calls(monkeypatch)  # a new session: the tokens come from the file
    added = ["A new sentence about Xi.", *TOKEN_TEXTS[1:]]
    assert analyze_all(added, memo=memo) == [["new", "sentence", "xi"], *expected[1:]]
    assert seen == ["A new sentence about Xi."]
    from helpers import token_memo  # the file now holds the last call's texts only

    assert sorted(token_memo.read_tokens(memo)) == sorted(set(added))


def test_token_memo_unchanged_is_not_rewritten_and_bad_files_are_ignored(tmp_path, monkeypatch):
    from helpers import token_memo
    from helpers.cache import read_snapshot, write_snapshot
    from helpers.vectorize import analyze_all

    memo = tmp_path / "tokens.npz"
    analyze_all(TOKEN_TEXTS, memo=memo)
    writes = []
    monkeypatch.setattr(token_memo, "write_tokens", lambda *args: writes.append(args))
    analyze_all(TOKEN_TEXTS[::-1], memo=memo)
    assert writes == []  # the same distinct texts: nothing to write
    data = read_snapshot(memo)
    for damage in ({"fingerprint": {**data["fingerprint"], "code": "other"}},
                   {"tokens": data["tokens"].assign(code=99)}):  # a code out of range
        write_snapshot(memo, {**data, **damage})
        assert token_memo.read_tokens(memo) == {}
    memo.write_bytes(b"not a memo")
    assert token_memo.read_tokens(memo) == {}
    seen = _count_analyzer_calls(monkeypatch)
    assert analyze_all(TOKEN_TEXTS[:2], memo=memo) == [["usa", "china", "met", "beijing"],
                                                       ["end"]]
    assert len(seen) == 2 and len(writes) == 1  # tokenised afresh and written again


def test_token_memo_missing_few_texts_is_kept_and_they_are_tokenised_again(tmp_path,
                                                                          monkeypatch):
    """Within REWRITE_SHARE of the texts, the file is not rewritten; past it, it is."""
    from helpers import cache, token_memo
    from helpers.vectorize import analyze_all

    memo = tmp_path / "tokens.npz"
    texts = [f"Sentence number {n} about Xi." for n in range(10)]
    analyze_all(texts, memo=memo)
    before = memo.read_bytes()
    monkeypatch.setattr(cache, "REWRITE_SHARE", 0.2)  # 2 of 11 texts are within it
    one_more = [*texts, "Diplomats gathered overnight."]
    for _ in range(2):  # each call tokenises the new text again; the file stays
        seen = _count_analyzer_calls(monkeypatch)
        assert analyze_all(one_more, memo=memo)[-1] == ["diplomats", "gathered", "overnight"]
        assert seen == ["Diplomats gathered overnight."]
        assert memo.read_bytes() == before
    three_more = [*one_more, "Talks resumed.", "Markets rallied."]  # 3 of 13: rewritten
    assert analyze_all(three_more, memo=memo)[-2:] == [["talks", "resumed"], ["markets", "rallied"]]
    assert sorted(token_memo.read_tokens(memo)) == sorted(three_more)
