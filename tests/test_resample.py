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


def _bincount_sums(values, *, n_resamples, rng, budget):
    """The former column path (draw counts by bincount, dense product), as a reference."""
    n = len(values)
    out = np.empty((n_resamples, values.shape[1]))
    block = max(1, budget // n)
    for start in range(0, n_resamples, block):
        stop = min(n_resamples, start + block)
        draws = rng.integers(0, n, size=(stop - start, n), dtype=np.int32)
        draws += (np.arange(stop - start, dtype=np.int32) * n)[:, None]
        weights = np.bincount(draws.ravel(), minlength=(stop - start) * n)
        out[start:stop] = weights.reshape(stop - start, n).astype(float) @ values
    return out


@pytest.mark.parametrize(("n", "n_resamples", "budget"),
                         [(1, 5, 1 << 20), (7, 100, 1 << 20), (13, 23, 30), (40, 9, 7)])
@pytest.mark.parametrize("whole", [True, False])
def test_column_path_draws_and_sums_as_the_dense_product(n, n_resamples, budget, whole):
    """Whole numbers (sparse product) and fractions (dense product) give the sums of the dense
    draw-count product bit for bit, from the same draws (the generator ends in the same state)."""
    values = np.random.default_rng(n).integers(0, 60, size=(n, 4)).astype(float)
    if not whole:
        values = values / 7.0 + 0.1
    rng_new, rng_old = np.random.default_rng(5), np.random.default_rng(5)
    new = sum_resamples(values, n_resamples=n_resamples, rng=rng_new, budget=budget)
    old = _bincount_sums(values, n_resamples=n_resamples, rng=rng_old, budget=budget)
    np.testing.assert_array_equal(new, old)
    assert rng_new.integers(0, 2**31) == rng_old.integers(0, 2**31)


def test_one_row_is_drawn_once_per_resample_and_repeats_add_up():
    one = sum_resamples(np.array([[2.0, 3.0]]), n_resamples=4, rng=np.random.default_rng(0))
    assert one.tolist() == [[2.0, 3.0]] * 4
    sums = sum_resamples(np.eye(3), n_resamples=50, rng=np.random.default_rng(1))
    assert sums.shape == (50, 3) and (sums.sum(axis=1) == 3).all()  # three draws each
    assert set(sums.ravel().tolist()) <= {0.0, 1.0, 2.0, 3.0}
    assert (sums == 3).any()  # some resample drew one row three times
    with pytest.raises(ValueError, match="empty"):
        sum_resamples(np.empty((0, 4)), n_resamples=3, rng=np.random.default_rng(0))


def test_sums_are_exact_only_for_whole_numbers_that_cannot_overflow_the_mantissa():
    from helpers.resample import _sums_are_exact

    assert _sums_are_exact(np.array([[1.0, -2.0], [3.0, 0.0]]))
    assert not _sums_are_exact(np.array([[1.5, 2.0]]))
    assert not _sums_are_exact(np.array([[np.nan, 2.0]]))
    assert not _sums_are_exact(np.full((4, 1), 2.0**51))  # 4 * 2**51 reaches 2**53
