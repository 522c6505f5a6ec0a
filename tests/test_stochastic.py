"""Glauber dynamics at temperature T, and the continuous (graded) Hopfield network of 1984."""

import math
import warnings

import numpy as np
import pytest
from conftest import corrupt, random_patterns
from reference_memory import glauber_sweep

import hebbmem as hm
from hebbmem.hopfield import dynamics
from hebbmem.analysis import monitored_run
from hebbmem.hopfield.stochastic import _glauber_sweep_numpy, annealing_schedule


def _one_pattern_net(N, T, seed, **kw):
    x = random_patterns(1, N, seed=seed)[0]
    net = hm.StochasticHopfieldNetwork(N, temperature=T, seed=seed, **kw)
    hm.Trainer(net, hm.Hebbian()).train(x[None])
    return net, x


def _curie_weiss_mean_abs_m(N, T):
    """Exact <|m|> of N spins with J_ij = 1/N (i != j) at temperature T.

    E = -(M^2 - N) / (2N) with M = sum_i s_i, and C(N, (N+M)/2) states have
    magnetisation M; a one-pattern Hebbian network is this magnet after the
    gauge change s_i -> x_i s_i.
    """
    k = np.arange(N + 1)
    M = 2 * k - N
    logw = np.array([math.lgamma(N + 1) - math.lgamma(j + 1) - math.lgamma(N - j + 1) for j in k])
    logw += (M.astype(float) ** 2 - N) / (2 * N * T)
    w = np.exp(logw - logw.max())
    return float((w * np.abs(M) / N).sum() / w.sum())


def _tanh_root(T):
    m = 1.0
    for _ in range(100000):
        m = math.tanh(m / T)
    return m


def test_one_pattern_couplings_are_curie_weiss():
    net, x = _one_pattern_net(50, 0.5, seed=0)
    assert net.coupling_scale() == pytest.approx(1 / 50)
    J = net._couplings_T().T
    want = np.outer(x, x) / 50
    np.fill_diagonal(want, 0.0)
    np.testing.assert_allclose(J, want, atol=1e-7)


@pytest.mark.parametrize("T", [0.0, 0.7, 3.0])
def test_glauber_kernel_numpy_and_textbook_agree(T):
    X = random_patterns(3, 40, seed=1)
    net = hm.StochasticHopfieldNetwork(40, field_scale=1 / 40)
    hm.Trainer(net, hm.Hebbian(normalize=False)).train(X)
    JT = net._couplings_T()
    S0 = corrupt(X, 0.3, seed=2)
    rng = np.random.default_rng(3)
    keys = dynamics.order_keys(rng, 3)
    U = rng.random((3, 40))
    coef = math.inf if T == 0 else 2.0 / T
    want = np.stack([glauber_sweep(JT.T, s, k, u, T) for s, k, u in zip(S0, keys, U)])
    for sweep in (dynamics._kernels().glauber_sweep, _glauber_sweep_numpy):
        S = S0.copy()
        H = S @ JT
        flips = np.zeros(3, dtype=np.int64)
        sweep(JT, H, S, keys, U, coef, 0.0, flips)
        np.testing.assert_array_equal(S, want)
        np.testing.assert_allclose(H, S @ JT, atol=1e-12)
        np.testing.assert_array_equal(flips, (S != S0).sum(axis=1))


def test_glauber_compiled_and_numpy_recall_identical_and_seeded():
    X = random_patterns(4, 60, seed=4)
    probes = corrupt(X, 0.3, seed=5)
    runs = []
    for compiled in (True, False, True):
        net = hm.StochasticHopfieldNetwork(60, temperature=0.4, max_iter=5, seed=9)
        hm.Trainer(net, hm.Hebbian()).train(X)
        runs.append(net.recall(probes, compiled=compiled))
    np.testing.assert_array_equal(runs[0], runs[1])
    np.testing.assert_array_equal(runs[0], runs[2])


@pytest.mark.slow
@pytest.mark.parametrize("T", [0.5, 0.8, 1.5])
def test_glauber_one_pattern_equilibrium_overlap(T):
    # 32 chains of N = 400 spins start at the pattern; after 40 sweeps of burn-in
    # the time average of |m| over 80 sweeps is taken per chain. The chains are
    # independent, so their spread gives the standard error (SE) of the mean.
    # Reference 1 (exact): the finite-N Curie-Weiss value, which the simulation
    # must match within 3 SE plus 0.005 for the memory of the start that 40
    # burn-in sweeps leave (relaxation time ~ 1/(1 - chi) sweeps, chi <= 0.7 here).
    # Reference 2 (the issue's): the large-N root of m = tanh(m/T); the exact
    # finite-N value differs from it by O(1/N) below T_c (0.003 at T = 0.8) and
    # by O(1/sqrt(N)) above it, where |m| ~ sqrt(2 T / (pi N (T - 1))).
    N, B = 400, 32
    net, x = _one_pattern_net(N, T, seed=6)
    m = monitored_run(net, np.tile(x, (B, 1)), 120, patterns=x[None])[:, :, 0]  # (121, B)
    chain = np.abs(m[40:]).mean(axis=0)
    mean, se = chain.mean(), chain.std(ddof=1) / math.sqrt(B)
    exact = _curie_weiss_mean_abs_m(N, T)
    assert abs(mean - exact) <= 3 * se + 0.005
    if T < 1:
        assert abs(mean - _tanh_root(T)) <= 3 * se + 0.005 + 2.0 / N
    else:
        assert mean <= 2 * math.sqrt(2 * T / (math.pi * N * (T - 1)))  # m ~ 0 up to finite size


def test_annealing_ends_in_the_memory_and_zero_temperature_is_deterministic():
    X = random_patterns(3, 100, seed=7)
    net = hm.StochasticHopfieldNetwork(100, schedule=annealing_schedule(1.5, 0.05, 60), seed=1)
    hm.Trainer(net, hm.Hebbian()).train(X)
    out = net.recall(corrupt(X, 0.2, seed=8), return_info=True)
    assert out.n_iter.tolist() == [60, 60, 60]
    assert (np.abs(out.states @ X.T / 100) > 0.9).any(axis=1).all()
    cold = hm.StochasticHopfieldNetwork(100, temperature=0.0, max_iter=10, seed=2)
    hm.Trainer(cold, hm.Hebbian()).train(X)
    res = cold.recall(X, return_info=True)
    np.testing.assert_array_equal(res.states, X)  # stored patterns are fixed points at T = 0
    assert res.converged.all()
    assert np.all(np.diff(res.energy, axis=1) <= 0)


def test_annealing_schedule_values():
    np.testing.assert_allclose(annealing_schedule(1.0, 0.0, 5, kind="linear"), [1, 0.75, 0.5, 0.25, 0])
    np.testing.assert_allclose(annealing_schedule(4.0, 1.0, 3), [4, 2, 1])
    with pytest.raises(ValueError, match="linear"):
        annealing_schedule(1.0, 0.0, 5)


def test_stochastic_bad_input():
    with pytest.raises(ValueError, match="temperature"):
        hm.StochasticHopfieldNetwork(10, temperature=-0.1)
    with pytest.raises(ValueError, match="schedule"):
        hm.StochasticHopfieldNetwork(10, schedule=[1.0, -1.0])
    with pytest.raises(ValueError, match="t_start"):
        annealing_schedule(-1.0, 0.5, 4)
    net, _ = _one_pattern_net(10, 0.5, seed=0)
    with pytest.raises(ValueError, match="temperature"):
        net.recall(np.ones(10), temperature=-1.0)


# --------------------------------------------------------------------- continuous


def test_continuous_energy_never_rises_from_100_random_starts():
    # Hopfield (1984): dE/dt = -tau sum_i g'(u_i) (du_i/dt)^2 <= 0 for symmetric J.
    # Every recorded step of the integrator must keep that, up to float64 rounding
    # (the integrator's documented slack, 1e-12 relative to |E|).
    X = random_patterns(8, 120, seed=10)
    net = hm.ContinuousHopfieldNetwork(120, gain=3.0)
    hm.Trainer(net, hm.Hebbian()).train(X)
    starts = np.random.default_rng(11).normal(scale=1.0, size=(100, 120))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hm.ConvergenceWarning)  # slow saddles may not settle in 300 steps
        info = net.recall(starts, max_iter=300, return_info=True)
    rises = np.diff(info.energy, axis=1)
    rises = rises[~np.isnan(rises)]
    assert rises.size > 100 * 50
    assert rises.max() <= 1e-12 * np.nanmax(np.abs(info.energy))
    assert (rises < 0).sum() > rises.size // 2  # and it really descends


def test_continuous_integrator_follows_the_ode():
    # With dt = 0.01 the Euler solution at t = 2 tau must agree with a fine
    # reference (dt = 0.0005) to O(dt): the guard never had to halve a step.
    X = random_patterns(3, 30, seed=12)
    u0 = np.random.default_rng(13).normal(size=30)
    out = []
    for dt in (0.01, 0.0005):
        net = hm.ContinuousHopfieldNetwork(30, dt=dt, tol=0.0)
        hm.Trainer(net, hm.Hebbian()).train(X)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", hm.ConvergenceWarning)
            out.append(net.recall(u0, max_iter=round(2.0 / dt)))
        assert net.halvings_ == 0
    np.testing.assert_allclose(out[0], out[1], atol=0.02)


def test_continuous_graded_fixed_point_solves_the_mean_field_equation():
    # One pattern, J = x x^T / N with zero diagonal: the fixed point is v = m* x
    # with m* = tanh(gain * m* (1 - 1/N)), graded (|v| < 1), and u = J v.
    N, gain = 200, 1.5
    x = random_patterns(1, N, seed=14)[0]
    net = hm.ContinuousHopfieldNetwork(N, gain=gain, tol=1e-10, max_iter=5000)
    hm.Trainer(net, hm.Hebbian()).train(x[None])
    v = net.recall(corrupt(x[None], 0.3, seed=15)[0])
    m = 1.0
    for _ in range(10000):
        m = math.tanh(gain * m * (1 - 1 / N))
    np.testing.assert_allclose(v, m * x, atol=1e-8)
    assert 0.5 < m < 0.95  # visibly graded
    assert net.compute_energy(v) < net.compute_energy(0.5 * v)


def test_continuous_bad_input():
    for kw in ({"gain": 0}, {"tau": -1.0}, {"dt": 0.0}, {"dt": 2.0}):
        with pytest.raises(ValueError):
            hm.ContinuousHopfieldNetwork(10, **kw)
    net = hm.ContinuousHopfieldNetwork(4)
    hm.Trainer(net, hm.Hebbian()).train([[1, -1, 1, -1]])
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        net.compute_energy([2.0, 0, 0, 0])
