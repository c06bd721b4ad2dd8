"""helpers.resample: bootstrap sums in blocks, the same whichever block size or path."""

import numpy as np
import pytest

from helpers.resample import sum_resamples


def test_constant_values_sum_to_n_times_the_value():
    sums = sum_resamples(np.full(7, 0.5), n_resamples=50, rng=np.random.default_rng(1))
    assert sums.shape == (50,)
    assert np.all(sums == 3.5)


def test_block_size_does_not_change_the_draws():
    values = np.arange(40, dtype=float)
    one_block = sum_resamples(values, n_resamples=300, rng=np.random.default_rng(5),
                              budget=10**9)
    many_blocks = sum_resamples(values, n_resamples=300, rng=np.random.default_rng(5),
                                budget=40)  # one resample per block
    assert np.array_equal(one_block, many_blocks)


def test_column_path_equals_the_one_column_path():
    rng = np.random.default_rng(0)
    values = rng.integers(0, 9, size=(25, 3)).astype(float)
    table = sum_resamples(values, n_resamples=200, rng=np.random.default_rng(2), budget=100)
    for column in range(3):
        alone = sum_resamples(values[:, column], n_resamples=200,
                              rng=np.random.default_rng(2), budget=100)
        assert np.array_equal(table[:, column], alone)


def test_draws_are_uniform_with_replacement():
    # Two items 0 and 1: a resample's sum is 0, 1 or 2 with chances 1/4, 1/2, 1/4.
    sums = sum_resamples(np.array([0.0, 1.0]), n_resamples=20_000,
                         rng=np.random.default_rng(3))
    shares = np.bincount(sums.astype(int), minlength=3) / sums.size
    assert shares == pytest.approx([0.25, 0.5, 0.25], abs=0.015)


def test_same_seed_same_sums_and_empty_group_is_an_error():
    values = np.array([1.0, 4.0, 9.0])
    first = sum_resamples(values, n_resamples=20, rng=np.random.default_rng(9))
    assert np.array_equal(first, sum_resamples(values, n_resamples=20,
                                               rng=np.random.default_rng(9)))
    with pytest.raises(ValueError, match="empty"):
        sum_resamples(np.array([]), n_resamples=5, rng=np.random.default_rng(0))
