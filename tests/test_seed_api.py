"""The seed API behaves like canns 1.5.0 (issue 7): semantics that canns programs rely on.

The workload-for-workload comparisons with canns' own example programs are in
test_canns_parity.py; this file checks each behaviour on its own, against
the textbook formula computed here in plain NumPy.
"""

import threading
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hebbmem as hm
import reference as ref
from conftest import corrupt, random_patterns
from hebbmem.models.brain_inspired import AmariHopfieldNetwork
from hebbmem.trainer import AntiHebbianTrainer, HebbianTrainer


def canns_hebbian(X, sign=1.0, subtract_mean=True, normalize=True):
    """canns' generic Hebbian update dW = sign * (1/P) sum (x - rho)(x - rho)^T (diagonal not yet zeroed)."""
    X = np.asarray(X, dtype=np.float64)
    C = X - X.mean() if subtract_mean else X
    dW = C.T @ C
    return sign * (dW / len(X) if normalize else dW)


def zero_diag(W):
    W = W.copy()
    np.fill_diagonal(W, 0.0)
    return W


# ---------------------------------------------------------------- train() adds


def test_train_adds_to_the_stored_weights_exactly():
    # Three calls with P = 3, 2, 5 patterns: W = sum of the three normalised terms, integer
    # multiples of 1/lcm(3, 2, 5) = 1/30, so the float32 W is the textbook one to the last bit.
    X = random_patterns(10, 40, seed=1)
    model = hm.HopfieldNetwork(40)
    trainer = hm.HebbianTrainer(model, subtract_mean=False)
    expected = np.zeros((40, 40))
    for chunk in (X[:3], X[3:5], X[5:]):
        trainer.train(chunk)
        expected = zero_diag(expected + canns_hebbian(chunk, subtract_mean=False))
        assert_array_equal(model.W, expected.astype(np.float32))
    assert model._weights.kind == "lowrank" and model._weights.rank == 10
    assert model._weights.scale == pytest.approx(1 / 30)


def test_centred_terms_accumulate_to_canns_weights():
    X = random_patterns(7, 50, seed=2)
    X[:, :10] = 1.0  # biased patterns: the mean is far from 0
    model = hm.HopfieldNetwork(50)
    trainer = hm.HebbianTrainer(model)  # subtract_mean=True, canns' default
    trainer.train(X[:4])
    trainer.train(X[4:])
    expected = zero_diag(zero_diag(canns_hebbian(X[:4])) + canns_hebbian(X[4:]))
    # centred rows are rounded to a power-of-two grid (>= 20 bits here): relative error < 1e-6
    assert_allclose(model.W, expected, rtol=1e-6, atol=1e-6)


def test_anti_hebbian_on_a_trained_model_unlearns():
    X = random_patterns(3, 64, seed=3)
    model = AmariHopfieldNetwork(64)
    HebbianTrainer(model, subtract_mean=False).train(X)
    AntiHebbianTrainer(model, subtract_mean=False).train(X[:1])
    expected = zero_diag(canns_hebbian(X, subtract_mean=False) - canns_hebbian(X[:1], subtract_mean=False))
    assert_array_equal(model.W, expected.astype(np.float32))  # multiples of 1/3: exact
    AntiHebbianTrainer(model, subtract_mean=False).train(X[1:])
    expected = zero_diag(expected - canns_hebbian(X[1:], subtract_mean=False))  # multiples of 1/6
    assert_array_equal(model.W, expected.astype(np.float32))
    # unnormalised, the same calls cancel to the last bit
    model.reset_weights()
    HebbianTrainer(model, subtract_mean=False, normalize_by_patterns=False).train(X)
    AntiHebbianTrainer(model, subtract_mean=False, normalize_by_patterns=False).train(X)
    assert not model.W.any()


def test_reset_weights_starts_over():
    X = random_patterns(3, 32, seed=4)
    model = hm.HopfieldNetwork(32)
    trainer = hm.HebbianTrainer(model, subtract_mean=False).train(X)
    assert model.reset_weights() is model
    assert not model.is_trained and not model.W.any()
    trainer.train(X[:1])
    assert_array_equal(model.W, zero_diag(canns_hebbian(X[:1], subtract_mean=False)).astype(np.float32))


def test_learning_rates_with_a_common_denominator_stay_exact():
    X = random_patterns(4, 24, seed=5)
    model = hm.HopfieldNetwork(24)
    hm.Trainer(model, hm.Hebbian(learning_rate=0.5, normalize=False)).train(X[:2])
    hm.Trainer(model, hm.Hebbian(learning_rate=1.5, normalize=False)).train(X[2:])
    expected = zero_diag(0.5 * canns_hebbian(X[:2], subtract_mean=False, normalize=False)
                         + 1.5 * canns_hebbian(X[2:], subtract_mean=False, normalize=False))
    assert_array_equal(model.W, expected.astype(np.float32))
    assert model._weights.dtype == np.float32  # integer fields: the float32 kernels


def test_zero_diagonal_false_keeps_the_diagonal_of_its_own_call():
    X = random_patterns(2, 16, seed=6)
    model = hm.HopfieldNetwork(16)
    hm.Trainer(model, hm.Hebbian(zero_diagonal=True)).train(X[:1])
    hm.Trainer(model, hm.Hebbian(zero_diagonal=False)).train(X[1:])
    expected = zero_diag(canns_hebbian(X[:1], subtract_mean=False)) + canns_hebbian(X[1:], subtract_mean=False)
    assert_array_equal(model.W, expected.astype(np.float32))
    hm.Trainer(model, hm.Hebbian(zero_diagonal=True)).train(X[:1])  # zeroes the whole diagonal again
    assert not np.diag(model.W).any()


def test_hebbian_on_top_of_assigned_weights_is_a_dense_sum():
    X = random_patterns(2, 12, seed=7)
    W0 = np.random.default_rng(0).normal(size=(12, 12))
    W0 = W0 + W0.T
    model = hm.HopfieldNetwork(12)
    model.W = W0
    hm.HebbianTrainer(model, subtract_mean=False).train(X)
    assert_allclose(model.W, zero_diag(W0 + canns_hebbian(X, subtract_mean=False)), rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("asyn", [False, True], ids=["sync", "async"])
def test_every_path_agrees_after_several_train_calls(asyn):
    # Fields of accumulated, centred factors are exact sums, so the NumPy and Numba paths,
    # dense and low-rank storage, give the same states and iteration counts, ties included.
    X = random_patterns(9, 96, seed=8)
    probes = corrupt(np.repeat(X, 3, axis=0), 0.25, seed=9)
    results = []
    for storage in ("dense", "low-rank"):
        for compiled in (False, True):
            model = hm.HopfieldNetwork(96, asyn=asyn, storage=storage, seed=3, max_iter=30)
            trainer = hm.HebbianTrainer(model, compiled_prediction=compiled)
            trainer.train(X[:4])
            trainer.train(X[4:])
            hm.AntiHebbianTrainer(model, compiled_prediction=compiled).train(X[:1])
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", hm.ConvergenceWarning)
                results.append(trainer.predict_batch(probes, return_info=True))
    for other in results[1:]:
        assert_array_equal(other.states, results[0].states)
        assert_array_equal(other.n_iter, results[0].n_iter)


def test_a_large_network_stays_low_rank_over_many_calls():
    N = 200_000  # a dense W would be 160 GB
    rng = np.random.default_rng(10)
    X = np.where(rng.random((6, N)) < 0.5, 1.0, -1.0)
    model = AmariHopfieldNetwork(N)
    trainer = HebbianTrainer(model)
    for chunk in (X[:2], X[2:4], X[4:]):
        trainer.train(chunk)
    assert model._weights.kind == "lowrank"
    probe = corrupt(X[3:4], 0.2, seed=11)[0]
    assert_array_equal(trainer.predict(probe), X[3])


# ------------------------------------------------------------------ the network


def test_threshold_is_the_firing_threshold_in_the_dynamics():
    # One pattern, N = 8, P = 1: the field of the stored pattern is h_i = 7 x_i (zero diagonal).
    x = np.array([1, -1, 1, -1, 1, 1, -1, -1], dtype=float)
    for theta, expected in [(0.0, x), (6.5, x), (7.5, -np.ones(8)), (-7.5, np.ones(8))]:
        model = AmariHopfieldNetwork(8, threshold=theta)
        trainer = HebbianTrainer(model, subtract_mean=False)
        trainer.train([x])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", hm.ConvergenceWarning)
            assert_array_equal(trainer.predict(x), expected)
    model.threshold = 0.25
    assert model.bias == 0.25 and "threshold=0.25" in repr(model)


def test_energy_property_and_compute_energy_include_theta():
    X = random_patterns(2, 20, seed=12)
    model = AmariHopfieldNetwork(20, threshold=0.3)
    HebbianTrainer(model, subtract_mean=False).train(X)
    W = model.W.astype(np.float64)
    s = X[1]
    model.init_state(s)
    assert model.energy == pytest.approx(-0.5 * s @ W @ s + 0.3 * s.sum(), rel=1e-12)
    assert_allclose(model.compute_energy(X), [-0.5 * x @ W @ x + 0.3 * x.sum() for x in X], rtol=1e-12)


def test_update_is_one_step_of_the_dynamics():
    X = random_patterns(3, 30, seed=13)
    W = ref.hebbian_weights(X)
    model = AmariHopfieldNetwork(30)
    HebbianTrainer(model, subtract_mean=False).train(X)
    s = corrupt(X[:1], 0.4, seed=14)[0]
    model.init_state(s)
    for _ in range(3):
        expected = np.array([ref.sign_update(h, si, 0.0) for h, si in zip(W @ model.s, model.s)])
        model.update(model.energy)
        assert_array_equal(model.s, expected)


def test_storage_capacity_and_compute_overlap_as_canns():
    model = AmariHopfieldNetwork(784)
    assert model.storage_capacity == 109  # int(0.14 * 784)
    assert AmariHopfieldNetwork(3).storage_capacity == 1
    a = np.ones(784)
    b = a.copy()
    b[:196] = -1
    assert model.compute_overlap(a, b) == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"two single patterns"):
        model.compute_overlap(np.ones((2, 784)), a)


def test_graded_patterns_train_tanh_networks_and_sign_networks_refuse_them():
    rng = np.random.default_rng(15)
    X = np.tanh(rng.normal(size=(3, 40)))
    model = AmariHopfieldNetwork(40, activation="tanh")
    HebbianTrainer(model).train(X)
    # graded rows sit on a power-of-two grid of 22 bits here (what keeps fields exact): |error| < 1e-6
    assert_allclose(model.W, zero_diag(canns_hebbian(X)), rtol=0, atol=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hm.ConvergenceWarning)  # 20 graded updates may not settle to 1e-6
        out = HebbianTrainer(model).predict(X[0])
    assert out.dtype == np.float64 and (np.abs(out) < 1).all()
    with pytest.raises(ValueError, match=r"must be bipolar"):
        HebbianTrainer(AmariHopfieldNetwork(40)).train(X)


# ------------------------------------------------------------------ 2-cycles


@pytest.mark.parametrize("compiled", [False, "numba"])
@pytest.mark.parametrize("num_iter", [6, 7, 20, 21])
def test_a_two_cycle_returns_the_state_after_num_iter_updates(compiled, num_iter):
    # Anti-Hebbian weights make synchronous dynamics oscillate: compare with the textbook
    # fixed-length run (exactly num_iter updates).
    X = random_patterns(2, 40, seed=16)
    W = -ref.hebbian_weights(X)
    probes = corrupt(np.repeat(X, 4, axis=0), 0.3, seed=17)
    model = hm.HopfieldNetwork(40)
    trainer = hm.Trainer(model, hm.AntiHebbian(), compiled_prediction=compiled).train(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hm.ConvergenceWarning)
        info = trainer.predict_batch(probes, num_iter=num_iter, return_info=True)
    assert info.cycled.any()
    for k, p in enumerate(probes):
        state, n_iter, status = ref.sync_recall(W, p, 0.0, num_iter)
        assert_array_equal(info.states[k], state)
        assert info.n_iter[k] == n_iter and info.cycled[k] == (status == "cycled")
        assert info.energy_trace(k)[-1] == pytest.approx(model.compute_energy(state), rel=1e-12, abs=1e-12)


# ----------------------------------------------------------------- the trainer


def test_hebbian_trainer_takes_canns_signature():
    model = AmariHopfieldNetwork(16)
    t = HebbianTrainer(model, False, True, weight_attr="W", subtract_mean=True, zero_diagonal=True,
                       normalize_by_patterns=True, prefer_generic=False, state_attr=None,
                       prefer_generic_predict=False, preserve_on_resize=False)
    assert t.subtract_mean and t.zero_diagonal and t.normalize_by_patterns and t.compiled_prediction
    assert HebbianTrainer(model).subtract_mean  # canns' default
    with pytest.raises(ValueError, match=r"'weight_attr' parameter of HebbianTrainer must be 'W'.*Got 'V'"):
        HebbianTrainer(model, weight_attr="V")
    with pytest.raises(ValueError, match=r"'state_attr' parameter of HebbianTrainer must be None or 's'"):
        HebbianTrainer(model, state_attr="u")


def test_trainer_is_a_base_class_users_subclass():
    class OuterProductTrainer(hm.Trainer):  # the ten-line custom trainer of the docs
        def train(self, train_data):
            X = np.asarray(train_data, dtype=float)
            self.model.W = zero_diag(X.T @ X / len(X))
            return self

        def predict(self, pattern, num_iter=20):
            return self.model.recall(pattern, max_iter=num_iter)

    X = random_patterns(3, 48, seed=18)
    trainer = OuterProductTrainer(hm.HopfieldNetwork(48)).train(X)
    out = trainer.predict_batch(corrupt(X, 0.1, seed=19))
    assert isinstance(out, list) and len(out) == 3
    assert_array_equal(np.array(out), X)
    trainer.configure_progress(show_iteration_progress=True, compiled_prediction=False)
    assert trainer.show_iteration_progress and not trainer.compiled_prediction

    bare = hm.Trainer()  # canns: Trainer(model=None)
    assert bare.model is None and bare.rule is None
    with pytest.raises(TypeError, match=r"Trainer\.train\(\) needs a model and a rule.*override train"):
        bare.train(X)


def test_progress_callback_sees_every_iteration():
    X = random_patterns(3, 64, seed=20)
    trainer = HebbianTrainer(AmariHopfieldNetwork(64), subtract_mean=False)
    trainer.train(X)
    calls = []
    out = trainer.predict(corrupt(X[:1], 0.2, seed=21)[0], progress_callback=lambda *a: calls.append(a))
    info = trainer.predict(corrupt(X[:1], 0.2, seed=21)[0], return_info=True)
    assert_array_equal(out, info.states)
    assert [c[0] for c in calls] == list(range(1, int(info.n_iter[0]) + 1))
    assert calls[-1][2] is True and calls[-1][1] == pytest.approx(info.energy_trace(0)[-1])


def test_per_call_seed_makes_concurrent_async_recall_reproducible():
    X = random_patterns(4, 128, seed=22)
    probes = corrupt(np.repeat(X, 10, axis=0), 0.3, seed=23)
    model = hm.HopfieldNetwork(128, asyn=True, seed=0)
    trainer = hm.HebbianTrainer(model).train(X)
    serial = [trainer.predict(p, seed=k) for k, p in enumerate(probes)]
    threaded = [None] * len(probes)

    def work(ks):
        for k in ks:
            threaded[k] = trainer.predict(probes[k], seed=k)

    threads = [threading.Thread(target=work, args=(range(j, len(probes), 4),)) for j in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for a, b in zip(serial, threaded):
        assert_array_equal(a, b)
    # and the same seed gives the same orders as a network seeded with it
    again = hm.HopfieldNetwork(128, asyn=True, seed=7)
    hm.HebbianTrainer(again).train(X)
    assert_array_equal(hm.HebbianTrainer(again).predict(probes[0]), trainer.predict(probes[0], seed=7))


# ----------------------------------------------------------------- the analyzer


def test_hopfield_analyzer_matches_the_formulas():
    from hebbmem.analyzer.brain_inspired import HopfieldAnalyzer as B
    from hebbmem.analyzer.model_specific.hopfield import HopfieldAnalyzer as A

    assert A is B is hm.HopfieldAnalyzer is hm.analysis.HopfieldAnalyzer
    X = random_patterns(3, 50, seed=24)
    model = AmariHopfieldNetwork(50, threshold=0.2)
    HebbianTrainer(model).train(X)
    W = model.W.astype(np.float64)
    analyzer = A(model, stored_patterns=list(X))
    energies = [-0.5 * x @ W @ x + 0.2 * x.sum() for x in X]
    assert_allclose(analyzer.pattern_energies, energies, rtol=1e-12)
    probe = corrupt(X[1:2], 0.2, seed=25)[0]
    d = analyzer.analyze_recall(probe, X[1])
    assert d == {"best_match_idx": 1, "best_match_overlap": 1.0,
                 "input_output_overlap": pytest.approx(probe @ X[1] / 50),
                 "output_energy": pytest.approx(energies[1])}
    stats = analyzer.get_statistics()
    assert stats["num_patterns"] == 3 and stats["capacity_estimate"] == 7
    assert stats["capacity_usage"] == pytest.approx(3 / 7)
    assert stats["min_pattern_energy"] == pytest.approx(min(energies))
    assert analyzer.compute_weight_symmetry_error() == 0.0
    model.W = W + np.triu(np.ones((50, 50)), 1)
    assert analyzer.compute_weight_symmetry_error() > 0.1
    with pytest.raises(TypeError, match=r"HopfieldAnalyzer needs a hebbmem Hopfield network"):
        A("model")
