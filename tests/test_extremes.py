"""Extreme parameters get a correct answer or a refusal that gives the bound, on every path (issue 17, item 3)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hebbmem as hm
from conftest import random_patterns
from hebbmem.hopfield import dynamics
from hebbmem.hopfield.dense_memory import _ipow, max_degree
from reference_memory import dam_sweep_exact

pytestmark = pytest.mark.filterwarnings("ignore::hebbmem.ConvergenceWarning")


# ------------------------------------------------------------------ thresholds and weights
def test_a_threshold_whose_energy_would_overflow_is_refused_with_the_bound():
    with pytest.raises(ValueError, match=r"'bias' parameter of HopfieldNetwork must be a finite real number with "
                                         r"\|bias\| <= 1e300 / num_neurons = 6\.25e\+298.*Got 1e\+308 instead"):
        hm.HopfieldNetwork(16, bias=1e308)
    with pytest.raises(ValueError, match=r"'threshold' parameter of AmariHopfieldNetwork .* <= 1e300 / num_neurons"):
        hm.AmariHopfieldNetwork(16, threshold=-1e308)
    model = hm.AmariHopfieldNetwork(16)
    with pytest.raises(ValueError, match=r"\|threshold\| <= 1e300 / num_neurons"):
        model.threshold = 1e300


@pytest.mark.parametrize("rule", [hm.Hebbian(), hm.Storkey(), hm.PseudoInverse()], ids=repr)
@pytest.mark.parametrize("bias", [6.25e298, -6.25e298, 1e200, -3e30])
def test_a_huge_threshold_recalls_on_every_path(rule, bias):
    X = random_patterns(5, 16, seed=0)
    results = []
    for asyn in (False, True):
        model = hm.HopfieldNetwork(16, bias=bias, asyn=asyn, seed=1)
        hm.Trainer(model, rule).train(X)
        for compiled in (False, "numba"):
            r = model.recall(X, compiled=compiled, return_info=True, rng=3)
            assert_array_equal(r.states, np.full_like(X, -np.sign(bias)))  # above every field: all off (or on)
            assert np.isfinite(r.energy[:, 0]).all()
            results.append(r.states)
        assert np.isfinite(model.energy)
    for other in results[1:]:
        assert_array_equal(other, results[0])


def test_assigned_weights_must_be_real_and_keep_fields_finite():
    model = hm.HopfieldNetwork(4)
    with pytest.raises(TypeError, match=r"W must be a real numeric array of shape \(4, 4\); got complex128"):
        model.W = np.eye(4) * 1j
    with pytest.raises(ValueError, match=r"W is too large: a field sum_j \|W_ij\| reaches 4e\+300"):
        model.W = np.full((4, 4), 1e300)


# ------------------------------------------------------------------ dense associative memory
def test_the_powers_are_the_same_bits_in_numpy_and_numba():
    # The cause of "degree 60: NumPy and Numba disagree in 12 of 3,000 cases": x ** 60 is a different
    # pow in NumPy and in Numba (they differ in 50 of the 131 integers -65..65). Powers by repeated
    # squaring are the same multiplications in the same order on both paths.
    kernels = dynamics._kernels()
    values = np.concatenate([np.arange(-65.0, 66.0), np.random.default_rng(0).uniform(-1, 1, 2000)])
    for degree in (2, 3, 9, 20, 60, 101, 166):
        numpy_side = _ipow(values, degree)
        numba_side = np.array([kernels.ipow(v, degree) for v in values])
        assert_array_equal(numba_side, numpy_side)
    assert_array_equal(_ipow(np.arange(-5.0, 6.0), 7), np.arange(-5.0, 6.0) ** 7)  # exact where ** is exact


@pytest.mark.parametrize("degree, rectified", [(9, False), (30, True), (60, False), (166, False)])
def test_high_degrees_numpy_numba_and_exact_arithmetic_agree(degree, rectified):
    X = random_patterns(5, 64, seed=degree)
    probes = hm.noise.flip_fraction(np.repeat(X, 4, axis=0), 0.25, rng=1)
    model = hm.DenseAssociativeMemory(64, degree=degree, rectified=rectified, seed=2).store(X)
    keys = dynamics.order_keys(np.random.default_rng(7), len(probes))
    want = np.stack([dam_sweep_exact(X, p, k, degree, rectified) for p, k in zip(probes, keys)])
    for compiled in (True, False):
        S = probes.copy()
        M = np.ascontiguousarray(S @ X.T)
        flips = np.zeros(len(S), dtype=np.int64)
        if compiled:
            dynamics._kernels().dam_async_sweep(model._XT, M, S, keys, degree, rectified, True, flips)
        else:
            model._sweep_numpy(M, S, keys, flips, True)
        assert_array_equal(S, want)  # the textbook sign, computed with Python's exact integers
    a = model.recall(probes, rng=3, return_info=True)
    b = model.recall(probes, rng=3, compiled=False, return_info=True)
    assert_array_equal(a.states, b.states)
    assert_array_equal(a.states, np.repeat(X, 4, axis=0))  # every noisy probe recalled
    assert np.isfinite(a.energy[:, 0]).all() and np.isfinite(model.compute_energy(X)).all()


def test_degrees_whose_energy_overflows_are_refused_with_the_bound():
    assert max_degree(64) == 166 and max_degree(784) == 103
    with pytest.raises(ValueError, match=r"'degree' parameter of DenseAssociativeMemory must be an int from 2 to 166\. "
                                         r"Got 200 instead.*degree <= 166 keeps each below 1e300"):
        hm.DenseAssociativeMemory(64, degree=200)
    with pytest.raises(ValueError, match=r"from 2 to 166\. Got 100000000000000000000 instead"):
        hm.DenseAssociativeMemory(64, degree=10 ** 20)


# ------------------------------------------------------------------ modern network
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("beta", [1e-300, 1e307, 1.7e308])
def test_modern_network_at_extreme_beta(dtype, beta):
    X = random_patterns(5, 16, seed=0)
    model = hm.ModernHopfieldNetwork(16, beta=beta, dtype=dtype, max_iter=3)
    model.store(X)
    probe = X[0].copy()
    probe[:3] *= -1
    r = model.recall(probe, return_info=True)
    assert np.isfinite(r.states).all() and np.isfinite(r.energy[~np.isnan(r.energy)]).all()
    if beta > 1:  # the limit: the nearest pattern, exactly
        assert_array_equal(r.states, X[0])
    else:         # the other limit: the mean of the patterns
        np.testing.assert_allclose(r.states, X.mean(axis=0), atol=1e-12)
    assert np.isfinite(model.compute_energy(X)).all()


def test_modern_update_validates_its_input():
    model = hm.ModernHopfieldNetwork(8)
    model.store(random_patterns(3, 8, seed=0))
    with pytest.raises(TypeError, match="states must hold numbers"):
        model.update("abc")
    with pytest.raises(ValueError, match="states has length 5 but the network has num_neurons=8"):
        model.update(np.ones(5))
    with pytest.raises(ValueError, match="states contains NaN or inf"):
        model.update(np.full(8, np.nan))
    with pytest.raises(TypeError, match="states must be real; got complex"):
        model.update(np.ones(8) * 1j)
    one = np.ones(8)
    assert model.update(one).shape == (8,) and model.update([one, one]).shape == (2, 8)
    assert_array_equal(one, np.ones(8))


# ------------------------------------------------------------------ online plasticity
@pytest.mark.parametrize("trainer", [hm.OjaTrainer, hm.SangerTrainer])
@pytest.mark.parametrize("record", [False, True])
def test_a_diverging_rule_raises_on_both_paths_and_leaves_w_unchanged(trainer, record):
    data = np.random.default_rng(0).normal(size=(200, 5))
    messages = []
    for compiled in (True, False):
        layer = hm.LinearLayer(5, 2, seed=0)
        before = layer.W.copy()
        t = trainer(layer, learning_rate=2.0, normalize_weights=False, compiled=compiled)
        with pytest.raises(ValueError, match=r"train diverged: the weights overflowed to inf/NaN at epoch 1, "
                                             r"sample \d+, with learning_rate=2\. model\.W is left as it was .*"
                                             r"guaranteed stable when learning_rate \* \|x\|\^2 < 1 .* here \|x\|\^2 "
                                             r"reaches 17\.6, so use learning_rate < 0\.0568") as info:
            t.train(data, epochs=3, record_weights=record)
        assert_array_equal(layer.W, before)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_a_stable_rate_trains_and_a_normalized_one_diverges_only_in_overflow():
    data = np.random.default_rng(0).normal(size=(200, 5))
    layer = hm.LinearLayer(5, 1, seed=0)
    hm.OjaTrainer(layer, learning_rate=0.005, normalize_weights=False).train(data, epochs=20)
    assert abs(np.linalg.norm(layer.W) - 1) < 0.05
    layer = hm.LinearLayer(5, 1, seed=0)
    with pytest.raises(ValueError, match=r"diverged.*about 1 / \|x\|\^2"):
        hm.OjaTrainer(layer, learning_rate=1e300).train(data * 1e10)


@pytest.mark.parametrize("call", [
    lambda: hm.LinearLayer(3, 2, seed=0).forward(np.array([1 + 1j, 2, 3])),
    lambda: hm.OjaTrainer(hm.LinearLayer(3, 2, seed=0)).train(np.ones((4, 3)) * (1 + 1j)),
    lambda: hm.OjaTrainer(hm.LinearLayer(3, 2, seed=0)).predict_batch(np.ones((4, 3)) * 1j),
    lambda: hm.SpikingLayer(3, 2, seed=0).forward(np.array([1 + 1j, 2, 3])),
    lambda: hm.SpikingLayer(3, 2, seed=0).run(np.ones((4, 3)) * 1j),
    lambda: hm.STDPTrainer(hm.SpikingLayer(3, 2, seed=0)).train(np.ones((4, 3)) * 1j),
], ids=["forward", "oja", "predict_batch", "spiking", "run", "stdp"])
def test_complex_input_is_refused_not_cast(call, recwarn):
    with pytest.raises(TypeError, match=r"must be real; got complex dtype complex128 \(hebbmem never drops an "
                                        r"imaginary part"):
        call()
    assert not recwarn.list  # no NumPy ComplexWarning on the way


def test_a_complex_schedule_is_refused():
    with pytest.raises(TypeError, match="'schedule' parameter of StochasticHopfieldNetwork must be a sequence"):
        hm.StochasticHopfieldNetwork(4, schedule=np.array([1.0 + 1j, 0.5]))


@pytest.mark.parametrize("make", [
    lambda c: hm.OjaTrainer(hm.LinearLayer(3, 2, seed=0), compiled=c),
    lambda c: hm.BCMTrainer(hm.LinearLayer(3, 2, use_bcm_threshold=True, seed=0), compiled=c),
    lambda c: hm.STDPTrainer(hm.SpikingLayer(3, 2, seed=0), compiled=c),
], ids=["oja", "bcm", "stdp"])
@pytest.mark.parametrize("compiled", [True, False])
def test_absurd_epochs_are_refused_with_the_bound_on_every_path(make, compiled):
    with pytest.raises(ValueError, match=r"'epochs' parameter of \w+Trainer.train must be an int from 1 to "
                                         r"1,000,000,000\. Got 100000000000000000000 instead"):
        make(compiled).train(np.ones((4, 3)), epochs=10 ** 20)


def test_absurd_iteration_caps_are_refused_with_the_bound():
    for make in (lambda: hm.HopfieldNetwork(4, max_iter=10 ** 20),
                 lambda: hm.StochasticHopfieldNetwork(4, max_iter=10 ** 20),
                 lambda: hm.DenseAssociativeMemory(4, max_iter=10 ** 20),
                 lambda: hm.ModernHopfieldNetwork(4, max_iter=10 ** 20)):
        with pytest.raises(ValueError, match=r"'max_iter' parameter of \w+ must be an int from 1 to 1,000,000,000"):
            make()
    model = hm.StochasticHopfieldNetwork(4, max_iter=10 ** 9)
    assert model._temperatures(None).strides == (0,)  # a broadcast view, not 8 GB of temperatures


@pytest.mark.parametrize("cls", [hm.LinearLayer, hm.SpikingLayer])
def test_huge_layers_get_hebbmems_memory_message(cls):
    with pytest.raises(hm.WeightMatrixTooLargeError, match=rf"{cls.__name__}\(input_size=1,000,000,000,000, "
                                                          r"output_size=1,000,000,000,000\) needs 6\.6 YiB.*"
                                                          r"Nothing was allocated.*use fewer inputs or outputs"):
        cls(10 ** 12, 10 ** 12)
