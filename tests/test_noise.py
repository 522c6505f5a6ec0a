"""Tests for hebbmem.noise: exact flip counts, rates, occlusion, conversions, validation."""

import numpy as np
import pytest

from hebbmem.noise import (
    flip_bits,
    flip_fraction,
    mask_random,
    occlude,
    to_binary,
    to_bipolar,
)


def random_patterns(n, N, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return np.where(rng.random((n, N)) < 0.5, -1, 1).astype(dtype)


RANDOM_FUNCS = {
    "flip_fraction": lambda p, rng: flip_fraction(p, 0.3, rng=rng),
    "flip_bits": lambda p, rng: flip_bits(p, 0.3, rng=rng),
    "occlude_random": lambda p, rng: occlude(p, fraction=0.25, side="random", rng=rng),
    "mask_random": lambda p, rng: mask_random(p, 0.3, rng=rng),
}
ALL_FUNCS = {
    **RANDOM_FUNCS,
    "occlude_box": lambda p, rng: occlude(p, box=(0, 3, 1, 5)),
    "occlude_bottom": lambda p, rng: occlude(p, fraction=0.5),
}


# ---------------------------------------------------------------------------
# Shared conventions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_FUNCS)
@pytest.mark.parametrize("shape", [(64,), (5, 64)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.int64])
def test_new_array_same_shape_dtype_input_untouched(name, shape, dtype):
    p = random_patterns(1, int(np.prod(shape)), seed=3, dtype=dtype).reshape(shape)
    before = p.copy()
    p.setflags(write=False)  # any in-place write to the input would raise
    out = ALL_FUNCS[name](p, 0)
    assert out.shape == p.shape
    assert out.dtype == p.dtype
    assert not np.shares_memory(out, p)
    assert np.array_equal(p, before)
    assert not np.array_equal(out, p)  # something actually changed


@pytest.mark.parametrize("name", RANDOM_FUNCS)
def test_deterministic_for_a_seed(name):
    p = random_patterns(4, 100, seed=1)
    func = RANDOM_FUNCS[name]
    a, b = func(p, 123), func(p, 123)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, func(p, 124))


@pytest.mark.parametrize("name", RANDOM_FUNCS)
def test_generator_is_used_and_advanced(name):
    p = random_patterns(4, 100, seed=1)
    func = RANDOM_FUNCS[name]
    gen = np.random.default_rng(7)
    first, second = func(p, gen), func(p, gen)
    assert not np.array_equal(first, second)  # the generator moved on
    gen2 = np.random.default_rng(7)
    assert np.array_equal(func(p, gen2), first)
    assert np.array_equal(func(p, 7), first)  # int seed == fresh default_rng(seed)


def test_list_input_accepted():
    out = flip_fraction([[1.0, -1.0, 1.0, -1.0]], 0.5, rng=0)
    assert isinstance(out, np.ndarray) and out.shape == (1, 4)
    assert (out != np.array([[1.0, -1.0, 1.0, -1.0]])).sum() == 2


# ---------------------------------------------------------------------------
# flip_fraction
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("N,fraction,expected", [
    (100, 0.3, 30),
    (784, 0.1, 78),     # int(78.4)
    (16384, 0.3, 4915),  # int(4915.2): the tutorial's setting
    (100, 0.29, 28),    # int(28.999999999999996): rounded down like the tutorial
    (50, 0.0, 0),
    (50, 1.0, 50),
])
def test_flip_fraction_exact_count_every_row(N, fraction, expected):
    p = random_patterns(6, N, seed=2)
    noisy = flip_fraction(p, fraction, rng=0)
    assert (noisy != p).sum(axis=1).tolist() == [expected] * 6
    assert np.array_equal(np.abs(noisy), np.ones_like(p))   # still ±1
    assert np.array_equal(noisy[noisy != p], -p[noisy != p])  # flipped = negated


def test_flip_fraction_1d_and_rows_independent():
    p1 = random_patterns(1, 200, seed=4)[0]
    assert (flip_fraction(p1, 0.25, rng=0) != p1).sum() == 50
    same = np.ones((20, 200), dtype=np.float32)
    noisy = flip_fraction(same, 0.25, rng=0)
    masks = {tuple(np.flatnonzero(row < 0)) for row in noisy}
    assert len(masks) == 20  # every row got its own positions


def test_flip_fraction_positions_are_uniform():
    # Each position is flipped with probability k/N = 0.2. Over 2000 rows the
    # per-position count is Binomial(2000, 0.2): mean 400, sd ~17.9. A 6-sd band
    # (400 +- 108) holds for a fixed seed and catches any bias towards some indices.
    noisy = flip_fraction(np.ones((2000, 50)), 0.2, rng=11)
    counts = (noisy < 0).sum(axis=0)
    assert counts.sum() == 2000 * 10
    assert np.all(np.abs(counts - 400) < 108)


# ---------------------------------------------------------------------------
# flip_bits
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("prob", [0.05, 0.1, 0.3, 0.5])
def test_flip_bits_bernoulli_rate(prob):
    # 200,000 bits: the sd of the observed rate is at most 0.0011, so a
    # tolerance of 0.005 is > 4.5 sd (and the seed is fixed).
    p = random_patterns(4, 50_000, seed=5)
    noisy = flip_bits(p, prob, rng=0)
    rate = (noisy != p).mean()
    assert abs(rate - prob) < 0.005
    assert np.array_equal(noisy[noisy != p], -p[noisy != p])


def test_flip_bits_extremes():
    p = random_patterns(3, 500, seed=6)
    assert np.array_equal(flip_bits(p, 0.0, rng=0), p)
    assert np.array_equal(flip_bits(p, 1.0, rng=0), -p)


def test_flip_bits_count_varies_between_rows():
    noisy = flip_bits(np.ones((50, 400)), 0.2, rng=0)
    counts = (noisy < 0).sum(axis=1)
    assert len(set(counts.tolist())) > 5  # random count, unlike flip_fraction


# ---------------------------------------------------------------------------
# occlude and mask_random
# ---------------------------------------------------------------------------

def test_occlude_box():
    p = np.ones((2, 36), dtype=np.float32)
    out = occlude(p, box=(1, 3, 2, 6)).reshape(2, 6, 6)
    expected = np.ones((6, 6), dtype=np.float32)
    expected[1:3, 2:6] = -1
    assert np.array_equal(out[0], expected) and np.array_equal(out[1], expected)


@pytest.mark.parametrize("side,rows,cols", [
    ("bottom", slice(3, 6), slice(None)),
    ("top", slice(0, 3), slice(None)),
    ("left", slice(None), slice(0, 4)),
    ("right", slice(None), slice(4, 8)),
])
def test_occlude_fraction_sides(side, rows, cols):
    p = np.ones(48)  # a 6x8 image
    out = occlude(p, (6, 8), fraction=0.5, side=side, value=0.0).reshape(6, 8)
    expected = np.ones((6, 8))
    expected[rows, cols] = 0.0
    assert np.array_equal(out, expected)


def test_occlude_fraction_rounds_down_and_zero():
    p = np.ones(100)
    assert (occlude(p, fraction=0.25) < 0).sum() == 2 * 10   # int(10 * 0.25) = 2 rows
    assert np.array_equal(occlude(p, fraction=0.0), p)
    assert np.all(occlude(p, fraction=1.0) == -1)


def test_occlude_random_block():
    p = np.ones((30, 400))  # 20x20 images
    out = occlude(p, fraction=0.25, side="random", rng=0)
    corners = set()
    for img in out.reshape(30, 20, 20):
        hidden = np.argwhere(img < 0)
        assert len(hidden) == 100  # int(20 * 0.5) ** 2
        (r0, c0), (r1, c1) = hidden.min(axis=0), hidden.max(axis=0)
        assert (r1 - r0 + 1, c1 - c0 + 1) == (10, 10)  # one contiguous 10x10 block
        corners.add((r0, c0))
    assert len(corners) > 10  # placed independently per pattern


def test_occlude_keeps_the_rest_of_the_pattern():
    p = random_patterns(3, 64, seed=8)
    out = occlude(p, box=(4, 8, 0, 8))
    assert np.array_equal(out[:, :32], p[:, :32])
    assert np.all(out[:, 32:] == -1)


def test_occlude_errors():
    p = np.ones(16)
    with pytest.raises(ValueError, match="give exactly one of box=.* or fraction="):
        occlude(p)
    with pytest.raises(ValueError, match="give exactly one of box=.* or fraction="):
        occlude(p, box=(0, 1, 0, 1), fraction=0.5)
    with pytest.raises(ValueError, match=r"box=\(0, 5, 0, 2\) does not describe a non-empty "
                                         r"rectangle inside a 4x4 image"):
        occlude(p, box=(0, 5, 0, 2))
    with pytest.raises(ValueError, match="non-empty rectangle"):
        occlude(p, box=(2, 2, 0, 2))
    with pytest.raises(TypeError, match="box must be 4 ints"):
        occlude(p, box=(0, 1, 0))
    with pytest.raises(ValueError, match="side must be one of"):
        occlude(p, fraction=0.5, side="middle")
    with pytest.raises(ValueError, match=r"pattern length 12 is not a perfect square.*"
                                         r"pass shape=\(h, w\)"):
        occlude(np.ones(12), fraction=0.5)
    with pytest.raises(ValueError, match=r"shape=\(3, 5\) does not fit patterns of length 12"):
        occlude(np.ones(12), (3, 5), fraction=0.5)
    with pytest.raises(ValueError, match="value=0.5 cannot be stored in patterns of dtype int8"):
        occlude(np.ones(16, dtype=np.int8), fraction=0.5, value=0.5)
    with pytest.raises(ValueError, match="value must be finite"):
        occlude(p, fraction=0.5, value=float("nan"))
    with pytest.raises(ValueError, match="between 0 and 1"):
        occlude(p, fraction=1.5)


def test_mask_random_exact_count_and_value():
    p = random_patterns(10, 300, seed=9)
    out = mask_random(p, 0.2, rng=0)
    assert (out == 0).sum(axis=1).tolist() == [60] * 10
    keep = out != 0
    assert np.array_equal(out[keep], p[keep])
    out2 = mask_random(p, 0.5, value=-1.0, rng=0)
    assert np.all((out2 == p) | (out2 == -1))


# ---------------------------------------------------------------------------
# to_binary / to_bipolar
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int8, np.int64])
def test_to_binary_to_bipolar_roundtrip(dtype):
    p = random_patterns(3, 20, seed=10, dtype=dtype)
    before = p.copy()
    b = to_binary(p)
    assert b.dtype == p.dtype and b.shape == p.shape
    assert set(np.unique(b).tolist()) == {0, 1}
    assert np.array_equal(b == 1, p == 1)
    back = to_bipolar(b)
    assert back.dtype == p.dtype and np.array_equal(back, p)
    assert np.array_equal(p, before)


def test_to_bipolar_bool_and_unsigned_become_float32():
    out = to_bipolar(np.array([[True, False]]))
    assert out.dtype == np.float32 and out.tolist() == [[1.0, -1.0]]
    out = to_bipolar(np.array([0, 1], dtype=np.uint8))
    assert out.dtype == np.float32 and out.tolist() == [-1.0, 1.0]


def test_to_binary_any_shape():
    img = -np.ones((2, 3, 3))
    assert to_binary(img).shape == (2, 3, 3) and to_binary(img).sum() == 0


def test_conversion_errors_name_offending_values():
    with pytest.raises(ValueError, match=r"to_binary: patterns must contain only -1 and 1; "
                                         r"found 2 other value\(s\): 0\.0, 0\.5"):
        to_binary(np.array([1.0, 0.0, -1.0, 0.5]))
    with pytest.raises(ValueError, match=r"to_bipolar: patterns must contain only 0 and 1; "
                                         r"found 1 other value\(s\): -1"):
        to_bipolar(np.array([0, 1, -1]))
    with pytest.raises(ValueError, match="and 2 more"):
        to_bipolar(np.arange(2, 9))
    with pytest.raises(ValueError, match="NaN or infinite"):
        to_bipolar(np.array([0.0, np.nan]))
    with pytest.raises(TypeError, match="numeric array"):
        to_binary(np.array(["1", "-1"]))


# ---------------------------------------------------------------------------
# Input validation shared by the noise functions
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_FUNCS)
def test_nan_and_inf_rejected(name):
    for bad in (np.nan, np.inf):
        p = np.ones((2, 16))
        p[1, 3] = bad
        with pytest.raises(ValueError, match="1 NaN or infinite value"):
            ALL_FUNCS[name](p, 0)


@pytest.mark.parametrize("name", ALL_FUNCS)
def test_non_numeric_rejected(name):
    with pytest.raises(TypeError, match="must be a numeric array"):
        ALL_FUNCS[name](np.array([["a"] * 16]), 0)
    with pytest.raises(TypeError, match="must be a numeric array"):
        ALL_FUNCS[name](np.ones(16, dtype=complex), 0)


@pytest.mark.parametrize("name", ALL_FUNCS)
def test_wrong_ndim_rejected(name):
    with pytest.raises(ValueError, match=r"shape \(N,\) for one pattern or \(n_patterns, N\).*"
                                         r"got shape \(2, 4, 4\).*reshape"):
        ALL_FUNCS[name](np.ones((2, 4, 4)), 0)


def test_ragged_input_rejected():
    with pytest.raises(ValueError, match="rectangular array"):
        flip_bits([[1.0, -1.0], [1.0]], 0.1)


@pytest.mark.parametrize("func", [flip_fraction, flip_bits])
def test_flips_require_bipolar_values(func):
    with pytest.raises(ValueError, match=r"only -1 and 1; found 2 other value\(s\): 0.*"
                                         r"to_bipolar\(\).*binarize\(\)"):
        func(np.array([0.0, 1.0, 0.0, 1.0]), 0.5)
    with pytest.raises(TypeError, match=r"numeric array \(float, signed int\); got dtype uint8"):
        func(np.ones(4, dtype=np.uint8), 0.5)
    with pytest.raises(TypeError, match="got dtype bool"):
        func(np.ones(4, dtype=bool), 0.5)


@pytest.mark.parametrize("func", [flip_fraction, flip_bits, mask_random])
@pytest.mark.parametrize("bad", [-0.1, 1.01, float("nan")])
def test_fraction_out_of_range(func, bad):
    with pytest.raises(ValueError, match=r"must be between 0 and 1 \(e.g. 0.2 for 20%\)"):
        func(np.ones(10), bad)


@pytest.mark.parametrize("func", [flip_fraction, flip_bits, mask_random])
@pytest.mark.parametrize("bad", ["0.1", None, True])
def test_fraction_wrong_type(func, bad):
    with pytest.raises(TypeError, match="must be a number between 0 and 1"):
        func(np.ones(10), bad)


@pytest.mark.parametrize("bad", ["seed", 1.5, -1, np.random.RandomState(0), True])
def test_bad_rng(bad):
    with pytest.raises(TypeError, match="rng must be None, .*int seed or a "
                                        "numpy.random.Generator"):
        flip_bits(np.ones(10), 0.5, rng=bad)


def test_rng_none_gives_fresh_noise():
    p = np.ones(1000)
    assert not np.array_equal(flip_bits(p, 0.5), flip_bits(p, 0.5))
