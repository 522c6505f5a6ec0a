"""Recall dynamics: compiled == NumPy == textbook twin, exactly."""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hebbmem as hm
from conftest import corrupt, random_patterns

import reference as ref

RULES = {
    "hebbian": hm.Hebbian(),
    "hebbian-unnormalized": hm.Hebbian(normalize=False),
    "hebbian-mean": hm.Hebbian(subtract_mean=True),
    "antihebbian": hm.AntiHebbian(),
    "pseudoinverse": hm.PseudoInverse(),
    "storkey": hm.Storkey(),
}


def recall_info(rule, X, probes, *, asyn, compiled, storage="auto", bias=0.0, seed=3, max_iter=50):
    model = hm.HopfieldNetwork(X.shape[1], asyn=asyn, storage=storage, bias=bias, seed=seed,
                               max_iter=max_iter)
    trainer = hm.Trainer(model, rule, compiled_prediction=compiled).train(X)
    with warnings.catch_warnings():
        # anti-Hebbian sync recall cycles by design; the info reports it
        warnings.simplefilter("ignore", hm.ConvergenceWarning)
        return trainer.predict_batch(probes, return_info=True)


def assert_same(a, b, energy_rtol=0.0):
    """Identical states and counts; energies identical too unless a tolerance is given."""
    assert_array_equal(a.states, b.states)
    assert_array_equal(a.n_iter, b.n_iter)
    assert_array_equal(a.converged, b.converged)
    assert_array_equal(a.cycled, b.cycled)
    if energy_rtol == 0.0:
        assert_array_equal(a.energy, b.energy)
    else:
        np.testing.assert_allclose(a.energy, b.energy, rtol=energy_rtol)


@pytest.mark.parametrize("asyn", [False, True])
@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("bias", [0.0, 0.25])
def test_compiled_and_numpy_paths_are_identical(rule, asyn, bias):
    # P even: exact ties (h == 0) occur, and must resolve the same way.
    X = random_patterns(8, 96, seed=1)
    probes = corrupt(np.repeat(X, 2, axis=0), 0.3, seed=2)
    a = recall_info(RULES[rule], X, probes, asyn=asyn, compiled="numba", bias=bias)
    b = recall_info(RULES[rule], X, probes, asyn=asyn, compiled=False, bias=bias)
    assert a.path.startswith("compiled") and b.path.startswith("numpy")
    assert_same(a, b)


@pytest.mark.parametrize("asyn", [False, True])
@pytest.mark.parametrize("compiled", [False, "numba"])
@pytest.mark.parametrize("rule", ["hebbian", "hebbian-mean", "antihebbian", "pseudoinverse"])
def test_dense_and_low_rank_storage_are_identical(rule, asyn, compiled):
    X = random_patterns(10, 128, seed=4)
    probes = corrupt(np.repeat(X, 2, axis=0), 0.25, seed=5)
    a = recall_info(RULES[rule], X, probes, asyn=asyn, compiled=compiled, storage="dense")
    b = recall_info(RULES[rule], X, probes, asyn=asyn, compiled=compiled, storage="low-rank")
    assert "dense" in a.path and "low-rank" in b.path
    # States and counts are bit-identical (fields are exact); the float64
    # energies of real-valued rules are summed in a different order.
    exact = rule in ("hebbian", "antihebbian")
    assert_same(a, b, energy_rtol=0.0 if exact else 1e-12)


@pytest.mark.parametrize("n_patterns", [2, 3, 4])
@pytest.mark.parametrize("storage", ["dense", "low-rank"])
def test_sync_recall_matches_textbook_twin(n_patterns, storage):
    # Unnormalised Hebbian weights are integers: the twin's fields are exact too.
    X = random_patterns(n_patterns, 48, seed=n_patterns)
    probes = corrupt(np.vstack([X, X]), 0.35, seed=7)
    W = ref.hebbian_weights(X, normalize=False)
    info = recall_info(hm.Hebbian(normalize=False), X, probes, asyn=False, compiled="numba",
                       storage=storage)
    for k, probe in enumerate(probes):
        state, n_iter, status = ref.sync_recall(W, probe, 0.0, 50)
        assert_array_equal(info.states[k], state)
        assert info.n_iter[k] == n_iter
        assert {"converged": info.converged[k], "cycled": info.cycled[k]}.get(status, False) or \
            (status == "max_iter" and info.hit_max_iter[k])


@pytest.mark.parametrize("storage", ["dense", "low-rank"])
@pytest.mark.parametrize("bias", [0.0, 1.0])
def test_async_recall_matches_textbook_twin_with_same_update_order(storage, bias):
    X = random_patterns(4, 40, seed=11)
    probes = corrupt(np.vstack([X, X]), 0.3, seed=12)
    W = ref.hebbian_weights(X, normalize=False)
    info = recall_info(hm.Hebbian(normalize=False), X, probes, asyn=True, compiled="numba",
                       storage=storage, bias=bias, seed=21)
    states, n_sweeps, converged, energy = ref.async_recall(W, probes, bias, 50, seed=21)
    assert_array_equal(info.states, states)
    assert_array_equal(info.n_iter, n_sweeps)
    assert_array_equal(info.converged, converged)
    for k in range(len(probes)):
        assert_array_equal(info.energy_trace(k), energy[k])


def _probe_with_a_tie(X, W, seed=0):
    """A probe in which some neuron in state -1 has field exactly 0."""
    rng = np.random.default_rng(seed)
    for _ in range(1000):
        probe = np.where(rng.random(X.shape[1]) < 0.5, 1.0, -1.0)
        fields = W @ probe
        tied = (fields == 0) & (probe < 0)
        if tied.any():
            return probe, tied
    raise AssertionError("no probe with a tie found; change N or P")


@pytest.mark.parametrize("compiled", [False, "numba"])
@pytest.mark.parametrize("storage", ["dense", "low-rank"])
def test_tie_keeps_the_current_state(compiled, storage):
    # N = 13, P = 2: fields are even integers and often exactly 0. A "sign(0) = +1"
    # convention would turn the tied -1 neurons on; hebbmem keeps them.
    X = random_patterns(2, 13, seed=0)
    W = ref.hebbian_weights(X, normalize=False)
    probe, tied = _probe_with_a_tie(X, W)
    model = hm.HopfieldNetwork(13, max_iter=1, storage=storage)
    trainer = hm.HebbianTrainer(model, compiled_prediction=compiled, subtract_mean=False).train(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hm.ConvergenceWarning)  # one step only, on purpose
        one_step = trainer.predict(probe)
    assert_array_equal(one_step[tied], -1.0)
    expected = [ref.sign_update(h, s, 0.0) for h, s in zip(W @ probe, probe)]
    assert_array_equal(one_step, expected)


def test_two_cycle_is_detected_and_reported():
    x = random_patterns(1, 32, seed=0)
    model = hm.HopfieldNetwork(32)
    trainer = hm.AntiHebbianTrainer(model, subtract_mean=False).train(x)
    with pytest.warns(hm.ConvergenceWarning, match="2-cycle"):
        info = trainer.predict(x[0], return_info=True)
    assert info.cycled[0] and not info.converged[0]
    assert info.n_iter[0] == 2
    assert_array_equal(info.states, x[0])  # x -> -x -> x: back after two updates
    trace = info.energy_trace(0)
    assert trace[0] == trace[2]


@pytest.mark.parametrize("asyn", [False, True])
def test_hitting_max_iter_is_reported_never_silent(asyn):
    X = random_patterns(3, 100, seed=3)
    probes = corrupt(X, 0.4, seed=4)
    model = hm.HopfieldNetwork(100, asyn=asyn, max_iter=1, seed=0)
    trainer = hm.HebbianTrainer(model, subtract_mean=False).train(X)
    with pytest.warns(hm.ConvergenceWarning, match="max_iter=1"):
        info = trainer.predict_batch(probes, return_info=True)
    assert info.hit_max_iter.all()
    assert np.isfinite(info.energy[:, :2]).all()
    # the recorded final energy is the energy of the returned state
    np.testing.assert_allclose(info.energy[:, 1], model.compute_energy(info.states), rtol=1e-12)


@pytest.mark.parametrize("asyn", [False, True])
def test_same_seed_same_result(asyn):
    X = random_patterns(5, 80, seed=0)
    probes = corrupt(X, 0.3, seed=1)
    a = recall_info(hm.Hebbian(), X, probes, asyn=asyn, compiled="numba", seed=123)
    b = recall_info(hm.Hebbian(), X, probes, asyn=asyn, compiled="numba", seed=123)
    assert_same(a, b)


def test_async_orders_are_fresh_each_sweep_and_each_probe():
    rng = np.random.default_rng(0)
    keys = rng.bit_generator.random_raw(3)
    orders = [ref.fisher_yates(k, 50) for k in keys]
    for order in orders:
        assert sorted(order) == list(range(50))
    assert not np.array_equal(orders[0], orders[1])
    from hebbmem.hopfield.dynamics import random_order, splitmix64
    from hebbmem.hopfield._kernels import fill_order
    for key, expected in zip(keys, orders):
        assert splitmix64(key, 50).tolist() == ref.splitmix64(key, 50)
        assert random_order(key, 50) == list(expected)
        got = np.empty(50, np.int64)
        fill_order(key, got)
        assert_array_equal(got, expected)


def test_splitmix64_matches_published_values():
    # Reference outputs of SplitMix64 seeded with 0 (Vigna's splitmix64.c, also
    # used to seed xoshiro generators).
    from hebbmem.hopfield.dynamics import splitmix64
    assert splitmix64(0, 3).tolist() == [0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4, 0x06C45D188009454F]


def test_async_orders_are_uniform_permutations():
    # All 24 orders of 4 neurons, from 24,000 keys: each should appear ~1000
    # times. Chi-square with 23 degrees of freedom; 60 is far in the tail
    # (p < 1e-4), so the test fails only for a biased shuffle.
    from hebbmem.hopfield._kernels import fill_order
    keys = np.random.default_rng(7).bit_generator.random_raw(24_000)
    order = np.empty(4, np.int64)
    counts = {}
    for key in keys:
        fill_order(key, order)
        counts[tuple(order)] = counts.get(tuple(order), 0) + 1
    assert len(counts) == 24
    observed = np.array(list(counts.values()))
    chi2 = ((observed - 1000.0) ** 2 / 1000.0).sum()
    assert chi2 < 60


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("asyn", [False, True])
def test_graded_activations_converge(activation, asyn):
    X = random_patterns(3, 64, seed=2)
    model = hm.HopfieldNetwork(64, activation=activation, asyn=asyn, temperature=5.0, seed=0,
                               max_iter=200)
    trainer = hm.HebbianTrainer(model, subtract_mean=False).train(X)
    info = trainer.predict_batch(corrupt(X, 0.1, seed=3), return_info=True)
    assert info.converged.all()
    assert info.states.dtype == np.float64
    if activation == "tanh":
        assert (np.abs(info.states) < 1).all()
        assert_array_equal(np.sign(info.states), X)
    else:
        assert ((info.states > 0) & (info.states < 1)).all()


def test_parallel_async_gives_the_same_result():
    X = random_patterns(5, 100, seed=0)
    probes = corrupt(np.repeat(X, 3, axis=0), 0.3, seed=1)
    results = []
    for parallel in (False, True):
        model = hm.HopfieldNetwork(100, asyn=True, parallel=parallel, seed=9)
        results.append(hm.HebbianTrainer(model, subtract_mean=False).train(X).predict_batch(probes, return_info=True))
    assert_same(*results)


def test_reused_scratch_buffers_do_not_leak_between_calls():
    # Recall keeps its scratch buffers between calls; batches of other sizes,
    # and threads recalling with the same network at once, must not see each
    # other's data.
    import threading

    X = random_patterns(6, 120, seed=3)
    big = corrupt(np.repeat(X, 20, axis=0), 0.2, seed=4)
    small = corrupt(X, 0.3, seed=5)
    fresh = hm.HopfieldNetwork(120)
    hm.HebbianTrainer(fresh, subtract_mean=False).train(X)
    want_big, want_small = fresh.recall(big), fresh.recall(small)

    model = hm.HopfieldNetwork(120)
    hm.HebbianTrainer(model, subtract_mean=False).train(X)
    for probes, want in [(big, want_big), (small, want_small), (big, want_big), (small[:1], want_small[:1])]:
        assert_array_equal(model.recall(probes), want)

    results = {}

    def work(k):
        results[k] = [model.recall(big if (k + r) % 2 else small) for r in range(20)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for k, outs in results.items():
        for r, got in enumerate(outs):
            assert_array_equal(got, want_big if (k + r) % 2 else want_small)
