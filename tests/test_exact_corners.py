"""Exactness corners found by review (issue 10, items 3-5): each repro is a regression test."""

import warnings
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hebbmem as hm
import reference as ref
from conftest import random_patterns


def one_step(model, probe, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hm.ConvergenceWarning)  # one update on purpose
        return model.recall(probe, max_iter=1, **kwargs)


# ----------------------------------------- item 3: async recall with an asymmetric W


@pytest.mark.parametrize("compiled", [False, "numba"])
def test_async_with_asymmetric_weights_repro(compiled):
    W = np.array([[0, -1, -1], [-1, 0, -1], [0, -1, 0]], dtype=float)
    model = hm.HopfieldNetwork(3, asyn=True, seed=0, max_iter=1)
    model.W = W
    keys = np.random.default_rng(0).bit_generator.random_raw(1)
    assert list(ref.fisher_yates(keys[0], 3)) == [0, 2, 1]  # the order of the repro
    # textbook: visit 0 (h = 2 > 0: +1), then 2 (h = W[2] @ s = -(-1) = 1: +1), then 1 (h = -2: -1)
    assert_array_equal(one_step(model, -np.ones(3), compiled=compiled), [1, -1, 1])


@pytest.mark.parametrize("compiled", [False, "numba"])
def test_async_with_random_asymmetric_weights_matches_the_textbook(compiled):
    rng = np.random.default_rng(1)
    for trial in range(50):
        W = rng.integers(-3, 4, size=(12, 12)).astype(float)
        np.fill_diagonal(W, 0)
        probes = np.where(rng.random((3, 12)) < 0.5, 1.0, -1.0)
        model = hm.HopfieldNetwork(12, asyn=True, seed=trial, max_iter=1)
        model.W = W
        info = None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", hm.ConvergenceWarning)
            info = model.recall(probes, compiled=compiled, return_info=True)
        S, n_sweeps, _, energy = ref.async_recall(W, probes, 0.0, 1, seed=trial)
        assert_array_equal(info.states, S)
        # the energy needs a symmetric W to fall; with an asymmetric W it is still reported right
        np.testing.assert_allclose(info.energy[:, 1], [e[1] for e in energy], rtol=1e-12, atol=1e-12)


# --------------------------------------------- item 4: no false ties from rounding theta


@pytest.mark.parametrize("compiled", [False, "numba"])
@pytest.mark.parametrize("asyn", [False, True])
def test_threshold_just_above_an_integer_field_is_no_tie(compiled, asyn):
    theta = 1 + 1e-9  # float32 would round it to 1.0, the value of three fields below
    model = hm.HopfieldNetwork(4, bias=theta, asyn=asyn, seed=0)
    hm.Trainer(model, hm.Hebbian()).train([[1, 1, 1, -1]])
    probe = np.array([1.0, 1, -1, -1])
    out = one_step(model, probe, compiled=compiled)
    W = ref.hebbian_weights(np.array([[1.0, 1, 1, -1]]))  # fields of the probe: [1, 1, 3, -1]
    if asyn:  # one sweep in the seeded order, each visit against the exact threshold
        expected = ref.async_recall(W, [probe], theta, 1, seed=0)[0][0]
    else:
        expected = [ref.sign_update(h, s, theta) for h, s in zip(W @ probe, probe)]
        assert expected == [-1, -1, 1, -1]  # fields 1 < theta turn off (the repro's textbook answer)
    assert_array_equal(out, expected)


@pytest.mark.parametrize("compiled", [False, "numba"])
def test_scaled_threshold_near_integer_fields_matches_exact_rationals(compiled):
    # P = 3, N = 40: W = (1/3) sum x x^T; theta * P = 1.000000003 sits just above the
    # integer field 1. Compare every bit of one update with exact rational arithmetic.
    X = random_patterns(3, 40, seed=2)
    theta = 1.000000003 / 3
    model = hm.HopfieldNetwork(40, bias=theta)
    hm.Trainer(model, hm.Hebbian()).train(X)
    probes = np.where(np.random.default_rng(3).random((200, 40)) < 0.5, 1.0, -1.0)
    out = one_step(model, probes, compiled=compiled)
    Wint = (X.T @ X).astype(int)
    np.fill_diagonal(Wint, 0)
    t = Fraction(theta)  # the float64 threshold, exactly
    for p, o in zip(probes.astype(int), out):
        h = [Fraction(int(v), 3) for v in Wint @ p]
        want = [1 if hi > t else -1 if hi < t else s for hi, s in zip(h, p)]
        assert_array_equal(o, want)


def test_threshold_beyond_every_field_is_clamped_exactly():
    X = random_patterns(2, 16, seed=4)
    for bias, value in [(1e30, -1.0), (-1e30, 1.0)]:
        model = hm.HopfieldNetwork(16, bias=bias)
        hm.Trainer(model, hm.Hebbian()).train(X)
        assert_array_equal(one_step(model, X[0]), np.full(16, value))


# ----------------------------------------------- item 5: W correctly rounded in its dtype


def test_W_is_the_textbook_matrix_correctly_rounded():
    X = random_patterns(3, 100, seed=5)  # W = (integer sums) / 3: not exact in binary
    model = hm.HopfieldNetwork(100)
    hm.Trainer(model, hm.Hebbian()).train(X)
    assert model.W.dtype == np.float32
    exact = ref.hebbian_weights(X)  # float64: correctly rounded k/3
    assert_array_equal(model.W, exact.astype(np.float32))  # then rounded once to float32


# --------------------------------------- item 11: the fastest exact path from the first call


def test_small_jobs_in_a_fresh_process_never_load_numba(tmp_path):
    # compiled_prediction=True is "the fastest exact path": a first, small recall runs on the
    # NumPy path (identical results) instead of paying 0.6-0.9 s to load Numba.
    import subprocess
    import sys

    code = (
        "import sys, numpy as np, hebbmem as hm\n"
        "rng = np.random.default_rng(0)\n"
        "X = np.where(rng.random((10, 784)) < 0.5, 1.0, -1.0)\n"
        "probes = np.where(rng.random((100, 784)) < 0.2, -X[rng.integers(0, 10, 100)], X[rng.integers(0, 10, 100)])\n"
        "for asyn in (False, True):\n"
        "    model = hm.AmariHopfieldNetwork(784, asyn=asyn)\n"
        "    trainer = hm.HebbianTrainer(model)\n"
        "    trainer.train(X)\n"
        "    info = trainer.predict_batch(probes, return_info=True)\n"
        "    assert info.path.startswith('numpy'), info.path\n"
        "print('numba' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_auto_switches_to_the_kernels_once_numpy_time_adds_up(monkeypatch):
    from hebbmem.hopfield import dynamics

    monkeypatch.setattr(dynamics, "_K", None)
    monkeypatch.setattr(dynamics, "_numpy_seconds", [0.0])
    assert not dynamics.use_kernels(True, True, 10, 256, 10)         # small: NumPy
    assert dynamics.use_kernels(True, True, 10_000, 4096, 10)        # large: worth loading
    assert dynamics.use_kernels("numba", True, 1, 8, 1)               # forced
    assert not dynamics.use_kernels(False, True, 10_000, 4096, 10)   # the readable path, always
    dynamics.spent_on_numpy(dynamics.KERNEL_LOAD_SECONDS)            # many small calls later...
    assert dynamics.use_kernels(True, True, 10, 256, 10)              # ...the kernels pay off


@pytest.mark.parametrize("compiled", [False, "numba"])
def test_centred_rows_on_a_coarse_grid_keep_exact_threshold_comparisons(compiled):
    # rho = 0.75: the centred rows are multiples of 0.25 (already on the grid, but not
    # integers), so fields are multiples of 1/16, not integers. Every probe, several thresholds,
    # one update, against exact rational arithmetic.
    X = np.array([[1, 1, 1, -1], [1, 1, 1, 1]], dtype=float)
    A = [[Fraction(v) - Fraction(3, 4) for v in row] for row in X]
    W = [[0 if i == j else sum(a[i] * a[j] for a in A) / 2 for j in range(4)] for i in range(4)]
    probes = np.array([[1 if (k >> b) & 1 else -1 for b in range(4)] for k in range(16)], dtype=float)
    for theta in (0.3, 0.4375, 0.5, -0.9):
        model = hm.HopfieldNetwork(4, bias=theta)
        hm.Trainer(model, hm.Hebbian(subtract_mean=True)).train(X)
        out = one_step(model, probes, compiled=compiled)
        t = Fraction(theta)
        for p, o in zip(probes.astype(int), out):
            h = [sum(W[i][j] * int(p[j]) for j in range(4)) for i in range(4)]
            assert_array_equal(o, [1 if hi > t else -1 if hi < t else s for hi, s in zip(h, p)])
