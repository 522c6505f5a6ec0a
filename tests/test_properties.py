"""Property-based tests (hypothesis) of recall: over sizes, rules, storage forms and code paths (issue 10, item 10).

Every property is checked on random networks of N <= 64 neurons, trained by
every rule, stored dense or low-rank, recalled synchronously or
asynchronously, on the NumPy path and on the Numba kernels.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

import hebbmem as hm

pytestmark = pytest.mark.filterwarnings("ignore::hebbmem.ConvergenceWarning",
                                        "ignore:The .* patterns are linearly dependent")

RULES = {
    "hebbian": lambda: hm.Hebbian(subtract_mean=False),
    "hebbian-centred": lambda: hm.Hebbian(subtract_mean=True),
    "hebbian-self": lambda: hm.Hebbian(subtract_mean=False, zero_diagonal=False),  # W_ii > 0
    "antihebbian": lambda: hm.AntiHebbian(),
    "storkey": lambda: hm.Storkey(),
    "pseudoinverse": lambda: hm.PseudoInverse(),
}
PATHS = [False, "numba"]  # the readable NumPy code and the Numba kernels
SETTINGS = settings(max_examples=150, deadline=None)  # all seven together: about 7-15 s here


@st.composite
def networks(draw, asyn=None, rules=tuple(RULES), bias=None):
    n = draw(st.integers(2, 64))
    p = draw(st.integers(1, max(1, n // 4)))
    rule = draw(st.sampled_from(rules))
    storage = draw(st.sampled_from(["dense", "low-rank"]))
    asyn = draw(st.booleans()) if asyn is None else asyn
    bias = draw(st.sampled_from([0.0, 0.0, 0.5, -0.25, 1 / 3])) if bias is None else bias
    seed = draw(st.integers(0, 2 ** 31))
    rng = np.random.default_rng(seed)
    X = np.where(rng.random((p, n)) < 0.5, 1.0, -1.0)
    probes = np.where(rng.random((draw(st.integers(1, 6)), n)) < 0.5, 1.0, -1.0)
    spec = dict(n=n, rule=rule, storage=storage, asyn=asyn, bias=bias, seed=seed, X=X)
    return spec, probes


def build(spec, bias=None):
    model = hm.HopfieldNetwork(spec["n"], asyn=spec["asyn"], storage=spec["storage"], max_iter=40,
                               bias=spec["bias"] if bias is None else bias, seed=spec["seed"])
    hm.Trainer(model, RULES[spec["rule"]]()).train(spec["X"])
    return model


@SETTINGS
@given(case=networks(asyn=True), compiled=st.sampled_from(PATHS))
def test_asynchronous_energy_never_rises(case, compiled):
    # Every rule here gives a symmetric W with W_ii >= 0 (zero, or Hebbian's P/P self-couplings).
    spec, probes = case
    info = build(spec).recall(probes, compiled=compiled, return_info=True)
    for k in range(len(probes)):
        trace = info.energy_trace(k)
        scale = 1.0 + np.abs(trace).max()
        assert np.all(np.diff(trace) <= 1e-9 * scale), trace


@SETTINGS
@given(case=networks(), compiled=st.sampled_from(PATHS))
def test_fixed_points_stay_fixed(case, compiled):
    spec, probes = case
    model = build(spec)
    info = model.recall(probes, compiled=compiled, return_info=True)
    settled = info.states[info.converged]
    if len(settled):
        again = model.recall(settled, compiled=compiled, return_info=True)
        assert_array_equal(again.states, settled)
        assert np.all(again.converged) and np.all(again.n_iter == 1)


@SETTINGS
@given(case=networks(rules=("pseudoinverse",)), compiled=st.sampled_from(PATHS))
def test_stored_pseudo_inverse_patterns_are_fixed_points(case, compiled):
    spec, _ = case
    spec["bias"] = 0.0
    model = build(spec)
    assert_array_equal(model.recall(spec["X"], compiled=compiled, max_iter=1, warn=False), spec["X"])


@SETTINGS
@given(case=networks(), compiled=st.sampled_from(PATHS))
def test_recall_commutes_with_a_global_sign_flip(case, compiled):
    # h(-s) = -h(s) and the tie rule keeps the state either way, so recall(-x) = -recall(x)
    # when the threshold flips too (theta -> -theta); async uses the same seed, hence the same orders.
    spec, probes = case
    plus = build(spec).recall(probes, compiled=compiled, return_info=True)
    minus = build(spec, bias=-spec["bias"]).recall(-probes, compiled=compiled, return_info=True)
    assert_array_equal(minus.states, -plus.states)
    assert_array_equal(minus.n_iter, plus.n_iter)


@SETTINGS
@given(case=networks(), compiled=st.sampled_from(PATHS), call_seed=st.integers(0, 2 ** 31))
def test_predict_equals_the_matching_row_of_predict_batch(case, compiled, call_seed):
    spec, probes = case
    trainer = hm.Trainer(build(spec), RULES[spec["rule"]]())
    if not spec["asyn"]:
        batch = trainer.predict_batch(probes, compiled=compiled)
        for k, probe in enumerate(probes):
            assert_array_equal(trainer.predict(probe, compiled=compiled), batch[k])
    else:
        # Async rows draw their orders from one shared stream (one key per active probe and sweep):
        # a probe alone equals a batch of one, and row 0 of any batch for its first sweep.
        for k, probe in enumerate(probes):
            one = trainer.predict(probe, compiled=compiled, seed=call_seed)
            assert_array_equal(one, trainer.predict_batch([probe], compiled=compiled, seed=call_seed)[0])
        first = trainer.predict_batch(probes, compiled=compiled, seed=call_seed, num_iter=1)[0]
        assert_array_equal(trainer.predict(probes[0], compiled=compiled, seed=call_seed, num_iter=1), first)


@SETTINGS
@given(case=networks())
def test_numpy_and_numba_paths_are_identical(case):
    spec, probes = case
    a = build(spec).recall(probes, compiled=False, return_info=True)
    b = build(spec).recall(probes, compiled="numba", return_info=True)
    assert_array_equal(a.states, b.states)
    assert_array_equal(a.n_iter, b.n_iter)
    assert_array_equal(a.converged, b.converged)
    for k in range(len(probes)):
        assert_array_equal(a.energy_trace(k), b.energy_trace(k))


@SETTINGS
@given(case=networks())
def test_dense_and_low_rank_storage_are_identical(case):
    spec, probes = case
    results = []
    for storage in ("dense", "low-rank"):
        spec = dict(spec, storage=storage)
        results.append(build(spec).recall(probes, compiled="numba", return_info=True))
    assert_array_equal(results[0].states, results[1].states)
    assert_array_equal(results[0].n_iter, results[1].n_iter)
