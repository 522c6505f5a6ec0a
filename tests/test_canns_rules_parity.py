"""canns' rule-family programs and trainer unit tests, written for hebbmem, give canns' numbers and behaviours.

Issue 15. Two parts:

* **canns' trainer unit tests** (``tests/unit/trainer/test_{oja,sanger,bcm,stdp}.py``
  in canns' repository; the two trainer-base tests are in ``test_canns_parity.py``):
  the behaviours they check, written for hebbmem. canns' tests themselves are run on
  hebbmem outside the project, by ``benchmarks/parity/port_and_run.py`` (29 of 30
  pass: ``test_stdp_compiled_vs_uncompiled`` asserts that two unseeded
  SpikingLayers share their weights, canns' shared-key bug that hebbmem fixes on
  purpose; see docs/differences.md). Where canns' test passes JAX arrays, these
  pass a read-only array-like (JAX is not a hebbmem dependency).
* **canns' four rule examples** (``examples/brain_inspired/oja_pca_extraction.py``,
  ``oja_vs_sanger_comparison.py``, ``bcm_receptive_fields.py``,
  ``stdp_temporal_learning.py``), followed step for step.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hebbmem as hm
from hebbmem.models.brain_inspired import LinearLayer, SpikingLayer
from hebbmem.trainer import BCMTrainer, OjaTrainer, SangerTrainer, STDPTrainer


@pytest.fixture(autouse=True)
def _fresh_seeds():
    state = np.random.get_state()
    hm.random.seed(None)
    yield
    hm.random.seed(None)
    np.random.set_state(state)


class ReadOnlyArray:
    """An array-like that is not an ndarray and gives a read-only view, as a JAX array does."""

    def __init__(self, values, dtype=np.float32):
        self._a = np.array(values, dtype=dtype)
        self._a.setflags(write=False)

    def __array__(self, dtype=None, copy=None):
        return self._a if dtype is None else self._a.astype(dtype)

    def __len__(self):
        return len(self._a)


def rows(*vectors):
    return [ReadOnlyArray(v) for v in vectors]


# ----------------------------------------------------------------------------- construction
@pytest.mark.parametrize("make, attrs", [
    (lambda: OjaTrainer(LinearLayer(10, 5), learning_rate=0.01, normalize_weights=True),
     {"learning_rate": 0.01, "normalize_weights": True, "weight_attr": "W", "compiled": True}),
    (lambda: SangerTrainer(LinearLayer(10, 3), learning_rate=0.01, normalize_weights=True),
     {"learning_rate": 0.01, "normalize_weights": True, "weight_attr": "W", "compiled": True}),
    (lambda: BCMTrainer(LinearLayer(10, 5, use_bcm_threshold=True), learning_rate=0.01),
     {"learning_rate": 0.01, "weight_attr": "W", "compiled": True}),
    (lambda: STDPTrainer(SpikingLayer(10, 5), learning_rate=0.01, A_plus=0.005, A_minus=0.00525, w_min=0.0,
                         w_max=1.0),
     {"learning_rate": 0.01, "A_plus": 0.005, "A_minus": 0.00525, "w_min": 0.0, "w_max": 1.0,
      "weight_attr": "W", "compiled": True}),
])
def test_trainers_keep_canns_attributes(make, attrs):
    trainer = make()
    assert trainer.model is not None and isinstance(trainer.model, (LinearLayer, SpikingLayer))
    for name, value in attrs.items():
        assert getattr(trainer, name) == value, name


def test_bcm_trainer_on_a_layer_without_threshold_predicts_and_refuses_to_train():
    """canns constructs it and predicts; it fails only at train(). hebbmem says what to do."""
    model = LinearLayer(3, 2)
    model.W = ReadOnlyArray([[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]])
    trainer = BCMTrainer(model)
    out = trainer.predict(ReadOnlyArray([1.0, 1.0, 1.0]))
    assert out.shape == (2,) and np.allclose(out, [1.5, 1.5])
    W = model.W.copy()
    with pytest.raises(TypeError, match=r"theta.*use_bcm_threshold=True"):
        trainer.train(rows([1.0, 0.0, 0.0]))
    del model.theta  # as canns' layer without a threshold: no attribute at all
    with pytest.raises(TypeError, match=r"use_bcm_threshold=True"):
        trainer.train(rows([1.0, 0.0, 0.0]))
    assert_array_equal(model.W, W)


# ----------------------------------------------------------------------------- array-likes in, arrays out
def test_weights_assigned_as_any_array_like_become_float64_arrays():
    for layer in (LinearLayer(4, 3), SpikingLayer(4, 3)):
        layer.W = ReadOnlyArray(np.eye(3, 4))  # canns: model.W.value = jnp.eye(3, 4)
        assert type(layer.W) is np.ndarray and layer.W.dtype == np.float64 and layer.W.flags.writeable
        layer.W = [[1, 0, 0, 0]] * 3
        assert layer.W.dtype == np.float64
        mine = np.zeros((3, 4))
        layer.W = mine
        assert layer.W is mine  # a float64 array is kept as it is
    y = LinearLayer(4, 3)
    y.W = ReadOnlyArray(np.eye(3, 4))
    assert np.allclose(y.forward(ReadOnlyArray([1.0, 2.0, 3.0, 4.0])), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"shape \(3, 4\).*transpose"):
        y.W = np.zeros((4, 3))
    with pytest.raises(TypeError, match="real array"):
        y.W = np.array([["a"] * 4] * 3)


@pytest.mark.parametrize("make, data", [
    (lambda: OjaTrainer(LinearLayer(3, 2, seed=0), learning_rate=0.1), np.eye(3)),
    (lambda: SangerTrainer(LinearLayer(3, 2, seed=0), learning_rate=0.1, compiled=False), np.eye(3)),
    (lambda: BCMTrainer(LinearLayer(3, 2, use_bcm_threshold=True, seed=0), learning_rate=0.5), np.eye(3)),
    (lambda: STDPTrainer(SpikingLayer(3, 2, threshold=0.1, seed=0), learning_rate=0.5), np.ones((4, 3))),
    (lambda: STDPTrainer(SpikingLayer(3, 2, threshold=0.1, seed=0), learning_rate=0.5, compiled=False),
     np.ones((4, 3))),
])
def test_training_never_writes_into_an_array_the_caller_holds(make, data):
    """``model.W = mine`` then ``train``: ``mine`` is unchanged, the model gets new weights (as in canns,
    which replaces the weights with a new array at the end of every call); so does an array kept before."""
    trainer = make()
    model = trainer.model
    mine = np.full(model.W.shape, 0.3)
    model.W = mine
    kept = model.W
    theta = getattr(model, "theta", None)
    theta_before = None if theta is None else theta.copy()
    trainer.train(data)
    assert_array_equal(mine, np.full(model.W.shape, 0.3))
    assert model.W is not mine and not np.array_equal(model.W, mine)
    assert kept is mine
    held = model.W
    snapshot = held.copy()
    trainer.train(data)
    assert_array_equal(held, snapshot)  # `final_weights = model.W`, then more training
    if theta is not None:
        assert_array_equal(theta, theta_before)


# ----------------------------------------------------------------------------- Oja and Sanger
@pytest.mark.parametrize("Trainer", [OjaTrainer, SangerTrainer])
def test_normalised_training_changes_weights_and_keeps_unit_rows(Trainer):
    model = LinearLayer(4, 2)
    Trainer(model, learning_rate=0.1, normalize_weights=True).train(
        rows([1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0]))
    assert not np.allclose(model.W, 0.0)
    np.testing.assert_allclose(np.linalg.norm(model.W, axis=1), 1.0, atol=1e-12)


@pytest.mark.parametrize("Trainer", [OjaTrainer, SangerTrainer])
def test_unnormalised_training_changes_weights(Trainer):
    model = LinearLayer(3, 2)
    W0 = model.W.copy()
    Trainer(model, learning_rate=0.05, normalize_weights=False).train(rows([1, 0.5, 0.2], [0.5, 1, 0.3]))
    assert not np.allclose(model.W, W0) and not np.allclose(model.W, 0.0)


@pytest.mark.parametrize("Trainer", [OjaTrainer, SangerTrainer, BCMTrainer])
def test_predict_is_w_times_x(Trainer):
    model = LinearLayer(3, 2)
    model.W = ReadOnlyArray([[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]])
    out = Trainer(model).predict(ReadOnlyArray([1.0, 1.0, 1.0]))
    assert out.shape == (2,)
    assert_array_equal(out, [1.5, 1.5])


def test_oja_finds_the_principal_direction_after_one_seed():
    hm.random.seed(42)  # canns: bm.random.seed(42)
    model = LinearLayer(3, 1)
    trainer = OjaTrainer(model, learning_rate=0.01, normalize_weights=True)
    data = rows([1.0, 1.0, 0.1], [0.9, 1.1, 0.0], [1.1, 0.9, -0.1], [1.0, 1.0, 0.05])
    for _ in range(50):
        trainer.train(data)
    w = np.abs(model.W[0])
    assert abs(w[0] - w[1]) < 0.05 and w[2] < 0.05  # canns asserts < 0.6 and w[2] < max(w[0], w[1])
    np.testing.assert_allclose(w, [2 ** -0.5, 2 ** -0.5, 0.0], atol=0.05)


def test_sanger_rows_become_orthogonal():
    model = LinearLayer(5, 3)
    trainer = SangerTrainer(model, learning_rate=0.01, normalize_weights=True)
    np.random.seed(42)
    data = [ReadOnlyArray(np.random.randn(5)) for _ in range(100)]
    for _ in range(30):
        trainer.train(data)
    G = model.W @ model.W.T
    off = np.abs(G[np.triu_indices(3, 1)])
    assert off.max() < 0.3, off  # canns' bound


def test_sanger_neurons_find_different_components():
    np.random.seed(42)
    data = np.concatenate([np.random.randn(120, 2) * 2.0, np.random.randn(120, 2) * 1.0,
                           np.random.randn(120, 2) * 0.1], axis=1)
    model = LinearLayer(6, 2)
    trainer = SangerTrainer(model, learning_rate=0.002, normalize_weights=True)
    for _ in range(40):
        trainer.train([ReadOnlyArray(r) for r in data])
    var = np.var(np.array([trainer.predict(x) for x in data]), axis=0)
    assert var[0] / var.sum() > 0.01 and var[1] > 0.05 * var[0], var
    # dims 0-1 hold the two strongest (equal) variances: both neurons end there, orthogonal
    assert ((model.W[:, :2] ** 2).sum(axis=1) > 0.99).all(), model.W
    assert abs(model.W[0] @ model.W[1]) < 0.05


def test_sanger_compiled_and_numpy_paths_agree_from_one_seed():
    hm.random.seed(42)
    a = LinearLayer(4, 2)
    hm.random.seed(42)
    b = LinearLayer(4, 2)
    assert_array_equal(a.W, b.W)
    np.random.seed(123)
    data = [ReadOnlyArray(np.random.randn(4)) for _ in range(20)]
    SangerTrainer(a, learning_rate=0.01, compiled=True).train(data)
    SangerTrainer(b, learning_rate=0.01, compiled=False).train(data)
    assert_array_equal(a.W, b.W)  # canns: allclose(atol=1e-5); hebbmem: bit-identical


# ----------------------------------------------------------------------------- BCM
def test_bcm_training_moves_weights_and_threshold():
    model = LinearLayer(4, 2, use_bcm_threshold=True)
    BCMTrainer(model, learning_rate=0.05).train(rows([1, 0, 0.5, 0], [0, 1, 0, 0.5], [1, 1, 0.5, 0.5]))
    assert not np.allclose(model.W, 0.0)
    assert not np.allclose(model.theta, 0.1)
    assert type(model.theta) is np.ndarray  # a plain array: canns' theta.value after the port


def test_bcm_threshold_follows_activity():
    model = LinearLayer(3, 2, use_bcm_threshold=True, threshold_tau=10.0)
    theta0 = model.theta.copy()
    model.W = np.full((3, 2), 0.5).T  # strong responses: y = 1.5 >> theta = 0.1
    BCMTrainer(model, learning_rate=0.01).train(rows([1.0, 1.0, 1.0], [0.9, 0.9, 0.9]) * 5)
    assert (model.theta > theta0).all()


def test_bcm_linear_forward():
    model = LinearLayer(4, 3)
    model.W = ReadOnlyArray(np.eye(3, 4))
    y = model.forward(ReadOnlyArray([1.0, 2.0, 3.0, 4.0]))
    assert y.shape == (3,) and np.allclose(y, [1.0, 2.0, 3.0])


def test_bcm_low_activity_barely_moves_the_weights():
    """y = 0.1 starts at the threshold (0.1): phi = y (y - theta) is about zero, so the change is tiny."""
    model = LinearLayer(2, 1, use_bcm_threshold=True, threshold_tau=100.0)
    model.W = ReadOnlyArray([[0.5, 0.5]])
    W0 = model.W.copy()
    BCMTrainer(model, learning_rate=0.1).train(rows([0.1, 0.1]) * 3)
    assert model.W.shape == W0.shape
    assert 0 < np.abs(model.W - W0).max() < 1e-5
    # well above the threshold (y = 1 >> theta): potentiation; below it (y^2 < theta y): depression
    model.W, model.theta = [[0.5, 0.5]], np.array([0.1])
    BCMTrainer(model, learning_rate=0.1).train(rows([1.0, 1.0]))
    assert (model.W > 0.5).all()
    model.W, model.theta = [[0.5, 0.5]], np.array([2.0])
    BCMTrainer(model, learning_rate=0.1).train(rows([1.0, 1.0]))
    assert (model.W < 0.5).all()


# ----------------------------------------------------------------------------- STDP
def test_stdp_training_changes_weights_within_bounds():
    model = SpikingLayer(4, 2, threshold=0.5)
    model.W = np.full((2, 4), 0.4)
    trainer = STDPTrainer(model, learning_rate=0.01, A_plus=0.01, A_minus=0.01)
    W0 = model.W.copy()
    trainer.train(rows([1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 0]))
    assert not np.allclose(model.W, W0)
    assert (model.W >= trainer.w_min).all() and (model.W <= trainer.w_max).all()


def test_stdp_custom_bounds():
    model = SpikingLayer(3, 2, threshold=0.5)
    STDPTrainer(model, learning_rate=0.05, w_min=-1.0, w_max=2.0).train(rows([1.0, 0.5, 0.2], [0.5, 1.0, 0.3]))
    assert (model.W >= -1.0).all() and (model.W <= 2.0).all()
    assert (model.W < 0).any()  # negative initial weights are kept: the bound is -1, not 0


def test_stdp_predict_gives_spikes():
    model = SpikingLayer(3, 2, threshold=0.5, v_reset=0.0, leak=0.9)
    model.W = ReadOnlyArray([[0.3, 0.5, 0.0], [0.0, 0.5, 0.8]])
    out = STDPTrainer(model).predict(ReadOnlyArray([1.0, 1.0, 1.0]))
    assert out.shape == (2,)
    assert_array_equal(out, [1.0, 1.0])  # 0.8 and 1.3 reach the threshold 0.5


@pytest.mark.parametrize("compiled", [True, False])
def test_stdp_causal_pairing_potentiates(compiled):
    """Input 0 alone drives the neuron: pre before (or with) post never depresses its weight."""
    model = SpikingLayer(2, 1, threshold=0.3, v_reset=0.0, leak=0.8, trace_decay=0.9)
    model.W = ReadOnlyArray([[0.5, 0.5]])
    trainer = STDPTrainer(model, learning_rate=0.1, A_plus=0.1, A_minus=0.1, compiled=compiled)
    model.reset_state()
    trainer.train(rows([1.0, 0.0], [1.0, 0.0], [1.0, 0.0]))
    assert model.W[0, 0] - 0.5 >= -1e-12
    assert model.W[0, 1] == 0.5  # input 1 never spiked
    # with a delay, the same pairing is pure LTP: pre at t = 0, post at t = 1
    model.W = [[0.2, 0.5]]
    trainer.train(rows([1.0, 0.0], [0.0, 0.0], [0.0, 0.0]))  # v: 0.2, 0.16 -> no spike
    assert model.W[0, 0] == 0.2
    model.W = [[0.2, 0.5]]
    trainer.train(rows([1.0, 0.0], [0.0, 1.0]))  # post spikes at t = 1 (0.16 + 0.5), after pre at t = 0
    assert model.W[0, 0] == pytest.approx(0.2 + 0.1 * 0.1 * 0.9)


def test_stdp_weights_saturate_at_the_bound():
    model = SpikingLayer(2, 1, threshold=0.1)
    model.W = ReadOnlyArray([[0.95, 0.95]])
    STDPTrainer(model, learning_rate=0.5, A_plus=0.5, A_minus=0.1).train(rows(*[[1.0, 1.0]] * 20))
    assert_array_equal(model.W, [[1.0, 1.0]])


def test_stdp_traces_start_at_zero_and_are_plain_arrays():
    model = SpikingLayer(3, 2, trace_decay=0.9)
    trainer = STDPTrainer(model, learning_rate=0.01)
    assert_array_equal(model.trace_pre, 0.0) and assert_array_equal(model.trace_post, 0.0)
    trainer.train(rows([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]))
    assert type(model.trace_pre) is np.ndarray and type(model.trace_post) is np.ndarray
    np.testing.assert_allclose(model.trace_pre, [0.9, 1.0, 0.0])  # the traces after the last step


def test_stdp_compiled_and_numpy_paths_agree_from_equal_weights():
    """canns' test builds two unseeded layers and asserts they are equal (they are in canns,
    whose SpikingLayers all share one W); hebbmem's draw their own, so the test gives them equal
    weights, then checks what canns checks (within 0.01), and more: bit-identical weights."""
    a, b = SpikingLayer(4, 2, threshold=0.5), SpikingLayer(4, 2, threshold=0.5)
    assert not np.array_equal(a.W, b.W)  # the deliberate difference
    b.W = a.W.copy()
    np.random.seed(123)
    data = [ReadOnlyArray((np.random.rand(4) > 0.5).astype(np.float32)) for _ in range(10)]
    STDPTrainer(a, learning_rate=0.01, A_plus=0.01, A_minus=0.01, compiled=True).train(data)
    STDPTrainer(b, learning_rate=0.01, A_plus=0.01, A_minus=0.01, compiled=False).train(data)
    assert_array_equal(a.W, b.W)


def test_stdp_several_epochs_with_resets():
    model = SpikingLayer(5, 3, threshold=0.5)
    model.W = np.full((3, 5), 0.3)
    trainer = STDPTrainer(model, learning_rate=0.01)
    data = [ReadOnlyArray((np.random.default_rng(i).random(5) > 0.7).astype(np.float32)) for i in range(20)]
    W0 = model.W.copy()
    for _ in range(5):
        model.reset_state()
        trainer.train(data)
    assert not np.allclose(model.W, W0)
    assert (model.W >= trainer.w_min).all() and (model.W <= trainer.w_max).all()


@pytest.mark.parametrize("compiled", [True, False])
def test_stdp_without_spikes_nothing_changes(compiled):
    model = SpikingLayer(3, 2, threshold=10.0)
    trainer = STDPTrainer(model, learning_rate=0.01, compiled=compiled)
    model.W = ReadOnlyArray([[0.5, 0.3, 0.2], [0.4, 0.6, 0.1]])
    W0 = model.W.copy()
    trainer.train([ReadOnlyArray(np.zeros(3)) for _ in range(5)])
    assert_array_equal(model.W, W0)


def test_spiking_layer_init_state_zeroes_the_state_and_keeps_the_weights():
    model = SpikingLayer(2, 1, threshold=0.5, seed=0)
    model.W = [[0.6, 0.0]]
    model.forward([1.0, 0.0])
    assert model.spike[0] == 1.0 and model.trace_pre[0] == 1.0
    model.init_state()
    for name in ("v", "spike", "trace_pre", "trace_post", "x"):
        assert_array_equal(getattr(model, name), 0.0)
    assert_array_equal(model.W, [[0.6, 0.0]])


# ============================================================================= the programs
# Each function below is a hebbmem program that follows one of canns' programs step for step.
# ``W0`` (optional) restarts it from the initial weights canns' layer drew (recorded in
# canns_rules_inputs.npz): then every number canns printed comes out again, to the digits
# it printed. Without it, the layers draw their own weights from hebbmem.random.seed(42),
# and the tolerances apply.
PARITY = Path(__file__).resolve().parents[1] / "benchmarks" / "parity"
REFERENCE = PARITY / "canns_rules_reference.json"
needs_reference = pytest.mark.skipif(not REFERENCE.exists(), reason="canns' rule-family numbers not recorded")


@pytest.fixture(scope="module")
def ref():
    reference = json.loads(REFERENCE.read_text())
    outputs = np.load(PARITY / "canns_rules_outputs.npz")

    def values(program):
        """canns' values for one program (first run), large arrays read back from the outputs file."""
        def load(v):
            if isinstance(v, dict) and v.get("in") == "canns_rules_outputs.npz":
                return outputs[v["key"]]
            return {k: load(x) for k, x in v.items()} if isinstance(v, dict) else v
        run = reference["programs"][program]["runs"][0]
        return load(run["values"]), run["stdout"]

    return values


@pytest.fixture(scope="module")
def recorded():
    with np.load(PARITY / "canns_rules_inputs.npz") as f:
        arrays = dict(f)
    return lambda program, key: arrays[f"{program}__{key}"]


def numbers(line):
    return [float(x) for x in re.findall(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?", line)]


def printed_like_canns(ours, canns_stdout, what):
    """Every line we print is a line canns printed (same text, so the same digits)."""
    theirs = canns_stdout.splitlines()
    missing = [line for line in ours if line not in theirs]
    assert not missing, f"{what}: lines canns did not print: {missing[:5]}"


def start(seed=42):
    """The programs' first lines: ``np.random.seed(42)`` and ``bm.random.seed(42)``."""
    np.random.seed(seed)
    hm.random.seed(seed)


def pca_components(data, k=3):
    """scikit-learn's ``PCA(k).components_`` up to sign: right singular vectors of the centred data."""
    centred = data - data.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    return vt[:k], (s ** 2 / (s ** 2).sum())[:k]


def abs_cosines(W, pcs):
    return [float(abs(w @ p) / (np.linalg.norm(w) * np.linalg.norm(p))) for w, p in zip(W, pcs)]


def pca_data():
    """500 samples, 50 features: three groups of ten with standard deviations 3, 1.5, 0.8, then noise."""
    parts = [np.random.randn(500, 10) * 3.0, np.random.randn(500, 10) * 1.5, np.random.randn(500, 10) * 0.8,
             np.random.randn(500, 20) * 0.3]
    return np.concatenate(parts, axis=1)


def oja_pca_extraction(W0=None):
    """examples/brain_inspired/oja_pca_extraction.py: Oja on three neurons, 20 epochs, checkpoints every 2."""
    start()
    data = pca_data()
    pcs, _ = pca_components(data)
    model = LinearLayer(input_size=50, output_size=3)
    if W0 is not None:
        model.W = W0
    trainer = OjaTrainer(model, learning_rate=0.001, normalize_weights=True, compiled=True)
    lines, variances = [], []
    for epoch in range(20):
        trainer.train(data)
        if (epoch + 1) % 2 == 0:
            norms = np.linalg.norm(model.W, axis=1)
            var = np.var(trainer.predict_batch(data), axis=0) / np.var(data)
            variances.append(var)
            lines.append(f"Epoch {epoch + 1}/20: Weight norms: [{norms.min():.4f}, {norms.max():.4f}], "
                         f"Variance: [{var.min():.2f}, {var.max():.2f}]")
    return {"data": data, "W": model.W, "cosines": abs_cosines(model.W, pcs), "variances": variances,
            "lines": lines}


def oja_vs_sanger(W0_oja=None, W0_sanger=None):
    """examples/brain_inspired/oja_vs_sanger_comparison.py: Oja, then Sanger, 50 epochs each."""
    start()
    data = pca_data()
    pcs, _ = pca_components(data)
    out, lines = {}, []
    for name, Trainer, W0 in (("oja", OjaTrainer, W0_oja), ("sanger", SangerTrainer, W0_sanger)):
        model = LinearLayer(input_size=50, output_size=3)  # the Sanger layer is drawn after Oja's training
        if W0 is not None:
            model.W = W0
        trainer = Trainer(model, learning_rate=0.001, normalize_weights=True, compiled=True)
        for epoch in range(50):
            trainer.train(data)
            if (epoch + 1) % 10 == 0:
                out.setdefault(f"{name}_variances", []).append(np.var(trainer.predict_batch(data), axis=0))
        W = model.W
        out[f"{name}_alignment"] = abs_cosines(W, pcs)
        out[f"{name}_ortho"] = [float(abs(W[i] @ W[j])) for i in range(3) for j in range(i + 1, 3)]
    for key, label in (("alignment", "Alignment"), ("ortho", "Orthogonality")):
        for name, shown in (("oja", "Oja:   "), ("sanger", "Sanger:")):
            lines.append(f"  {shown} {[f'{s:.3f}' for s in out[f'{name}_{key}']]}")
    out["lines"] = lines
    return out


def oriented_bar(angle, size):
    """A bar through the centre of a size x size image at ``angle``: a Gaussian profile across it, scaled to [0, 1]."""
    col, row = np.meshgrid(np.arange(size) - size / 2, np.arange(size) - size / 2)
    across = col * np.cos(angle) + row * np.sin(angle)
    bar = np.exp(-((across / 2) ** 2)).ravel()
    return ((bar - bar.min()) / (bar.max() - bar.min() + 1e-8)).astype(np.float32)


def bcm_receptive_fields(W0=None):
    """examples/brain_inspired/bcm_receptive_fields.py: four BCM neurons on 1000 bars of 8 orientations."""
    start()
    size = 12
    orientations = np.linspace(0, np.pi, 8, endpoint=False)
    picks = [np.random.choice(orientations) for _ in range(1000)]
    train_data = [oriented_bar(a, size) for a in picks]
    model = LinearLayer(input_size=size * size, output_size=4, use_bcm_threshold=True, threshold_tau=50.0)
    if W0 is not None:
        model.W = W0
    trainer = BCMTrainer(model, learning_rate=0.00001)
    lines, thetas = [], []
    for epoch in range(100):
        trainer.train(train_data)
        if (epoch + 1) % 20 == 0:
            thetas.append(model.theta.copy())
            lines.append(f"Epoch {epoch + 1}/100: Thresholds: [{model.theta.min():.4f}, {model.theta.max():.4f}], "
                         f"Weight range: [{model.W.min():.3f}, {model.W.max():.3f}]")
    test_angles = np.linspace(0, np.pi, 16, endpoint=False)
    rates = np.array([trainer.predict(oriented_bar(a, size)) for a in test_angles])
    best = [test_angles[np.argmax(rates[:, i])] for i in range(4)]
    preferred = [float(np.degrees(a)) for a in best]
    lines += [f"Neuron {i + 1} prefers orientation: {np.degrees(a):.1f}° ({a:.3f} rad)" for i, a in enumerate(best)]
    return {"picks": np.array(picks), "train_data": train_data, "thetas": thetas, "rates": rates,
            "preferred": preferred, "W": model.W, "lines": lines}


GROUPS = {"early": slice(0, 5), "middle": slice(5, 10), "late": slice(10, 15), "noise": slice(15, 20)}


def stdp_spike_patterns():
    """100 patterns of 50 steps, 20 inputs: groups of five fire at rate 0.3 early (t < 10), in the
    middle (10 < t < 20) and late (20 < t < 30); the last five are background noise at rate 0.05."""
    patterns = np.zeros((100, 50, 20))
    for p in range(100):
        for t in range(50):
            if t < 10:
                patterns[p, t, 0:5] = np.random.rand(5) < 0.3
            if 10 < t < 20:
                patterns[p, t, 5:10] = np.random.rand(5) < 0.3
            if 20 < t < 30:
                patterns[p, t, 10:15] = np.random.rand(5) < 0.3
            patterns[p, t, 15:] = np.random.rand(5) < 0.05
    return patterns


def stdp_temporal_learning(W0=None):
    """examples/brain_inspired/stdp_temporal_learning.py: five LIF neurons, STDP, 20 epochs over 100 patterns."""
    start()
    patterns = stdp_spike_patterns()
    model = SpikingLayer(input_size=20, output_size=5, threshold=0.8, v_reset=0.0, leak=0.95, trace_decay=0.90,
                         dt=1.0)
    if W0 is not None:
        model.W = W0
    initial = model.W.copy()
    trainer = STDPTrainer(model, learning_rate=0.02, A_plus=0.005, A_minus=0.00525, w_min=0.0, w_max=1.0,
                          compiled=True)
    lines, counts = [], []
    for epoch in range(20):
        model.reset_state()
        per_pattern = []
        for seq in patterns:
            trainer.train(list(seq))
            per_pattern.append(model.run(seq).sum())  # from rest, as reset_state() + forward per step
        counts.append(float(np.mean(per_pattern)))
        if (epoch + 1) % 5 == 0:
            lines.append(f"Epoch {epoch + 1}/20: Avg spikes/pattern = {counts[-1]:.2f}")
    change = model.W - initial
    by_group = {g: change[:, sl].mean(axis=1) for g, sl in GROUPS.items()}
    for i in range(5):
        lines.append(f"Neuron {i}: Early={by_group['early'][i]:+.4f}, Middle={by_group['middle'][i]:+.4f}, "
                     f"Late={by_group['late'][i]:+.4f}, Noise={by_group['noise'][i]:+.4f}")
    model.reset_state()
    out = np.array([model.forward(x) for x in patterns[0]])
    lines += [f"Input spike count: {patterns[0].sum()}", f"Output spike count: {out.sum()}"]
    return {"patterns": patterns, "initial": initial, "W": model.W, "counts": counts, "by_group": by_group,
            "lines": lines}


def oja_pca_tutorial(W0=None):
    """The step-by-step program of canns' tutorial page oja_pca.rst: as the example, NumPy seed only.

    The page seeds NumPy alone, so canns draws the layer from an unseeded JAX key (another
    W every run); hebbmem's layer draws from NumPy's global state, so the program repeats.
    """
    np.random.seed(42)
    data = pca_data()
    pcs, _ = pca_components(data)
    model = LinearLayer(input_size=50, output_size=3)
    if W0 is not None:
        model.W = W0
    model.init_state()
    trainer = OjaTrainer(model, learning_rate=0.001, normalize_weights=True, compiled=True)
    variances = []
    for epoch in range(20):
        trainer.train(data)
        if (epoch + 1) % 2 == 0:
            variances.append(np.var(trainer.predict_batch(data), axis=0) / np.var(data))
    return {"W": model.W, "variances": variances, "cosines": abs_cosines(model.W, pcs)}


def stdp_spike_timing_tutorial(W0=None):
    """The step-by-step program of canns' tutorial page stdp_spike_timing.rst (one neuron, compiled=False)."""
    np.random.seed(42)
    hm.random.seed(42)  # the page: brainstate.random.seed(42)
    model = SpikingLayer(input_size=20, output_size=1, threshold=0.5, v_reset=0.0, leak=0.9, trace_decay=0.90)
    if W0 is not None:
        model.W = W0
    model.init_state()
    early, late = np.zeros(20), np.zeros(20)
    early[[0, 1, 2, 3]] = 1.0
    late[[10, 11, 12, 13]] = 1.0
    patterns = [early, late] + [early] * 3 + [late] * 3
    trainer = STDPTrainer(model, learning_rate=0.02, A_plus=0.005, A_minus=0.00525, w_min=0.0, w_max=1.0,
                          compiled=False)
    W_init = model.W.copy()
    changes = []
    for epoch in range(50):
        model.reset_state()
        trainer.train(patterns)
        if (epoch + 1) % 10 == 0:
            changes.append(float(np.linalg.norm(model.W - W_init)))
    change = model.W - W_init
    return {"patterns": np.array(patterns), "changes": changes, "early": float(change[0, 0:4].mean()),
            "late": float(change[0, 10:14].mean()), "other": float(change[0, 14:].mean())}


# ----------------------------------------------------------------------------- Oja and Sanger programs
COS_TOL = 0.02  # the tolerance on the cosines with scikit-learn's components


@needs_reference
def test_oja_pca_extraction_from_canns_weights_prints_canns_numbers(ref, recorded):
    canns, stdout = ref("oja_pca_extraction")
    ours = oja_pca_extraction(W0=recorded("oja_pca_extraction", "initial_W_0"))
    assert_array_equal(ours["data"], recorded("oja_pca_extraction", "data"))  # the same np.random draws
    pcs = np.asarray(canns["pca_components"])
    np.testing.assert_allclose(np.abs(pca_components(ours["data"])[0] @ pcs.T), np.eye(3), atol=1e-9)
    printed_like_canns(ours["lines"], stdout, "oja_pca_extraction")
    np.testing.assert_allclose(ours["variances"], canns["variance_explained"], rtol=1e-5)  # canns: float32
    np.testing.assert_allclose(ours["cosines"], canns["cosine_with_pca"], atol=1e-5)


@needs_reference
def test_oja_pca_extraction_from_hebbmems_own_seed(ref):
    """hebbmem.random.seed(42) draws other weights than canns' JAX key: the cosines agree within 0.02."""
    canns, _ = ref("oja_pca_extraction")
    ours = oja_pca_extraction()
    np.testing.assert_allclose(ours["cosines"], canns["cosine_with_pca"], atol=COS_TOL)
    assert oja_pca_extraction()["cosines"] == ours["cosines"]  # two runs, the same numbers


@needs_reference
def test_oja_vs_sanger_from_canns_weights_prints_canns_numbers(ref, recorded):
    canns, stdout = ref("oja_vs_sanger_comparison")
    ours = oja_vs_sanger(recorded("oja_vs_sanger_comparison", "initial_W_0"),
                         recorded("oja_vs_sanger_comparison", "initial_W_1"))
    printed_like_canns(ours["lines"], stdout, "oja_vs_sanger_comparison")
    for key in ("oja_alignment", "sanger_alignment", "oja_ortho", "sanger_ortho"):
        np.testing.assert_allclose(ours[key], canns[key], atol=1e-5, err_msg=key)
    printed = [numbers(line)[1:] for line in stdout.splitlines() if line.startswith("Epoch ") and "Variance" in line]
    np.testing.assert_allclose(ours["oja_variances"] + ours["sanger_variances"], printed, rtol=1e-5)


@needs_reference
def test_oja_vs_sanger_from_hebbmems_own_seed(ref):
    canns, _ = ref("oja_vs_sanger_comparison")
    ours = oja_vs_sanger()
    np.testing.assert_allclose(ours["oja_alignment"], canns["oja_alignment"], atol=COS_TOL)
    np.testing.assert_allclose(ours["sanger_alignment"][:2], canns["sanger_alignment"][:2], atol=COS_TOL)
    assert ours["sanger_alignment"][2] >= 0.6  # the issue: 0.66-0.97 over nine initialisations
    assert max(ours["sanger_ortho"]) < 0.1 and min(ours["oja_ortho"]) > 0.99  # Sanger orthogonal, Oja collapsed
    assert oja_vs_sanger()["sanger_alignment"] == ours["sanger_alignment"]


def test_oja_tutorial_program_repeats():
    """canns' page seeds NumPy only, so canns' run changes every time; hebbmem's repeats, and finds PC1."""
    a, b = oja_pca_tutorial(), oja_pca_tutorial()
    assert_array_equal(a["W"], b["W"])
    assert a["cosines"][0] > 0.88
    np.testing.assert_allclose(np.linalg.norm(a["W"], axis=1), 1.0)


@needs_reference
def test_oja_tutorial_program_from_canns_weights(ref, recorded):
    canns, _ = ref("oja_pca_tutorial+init_state_noop")
    ours = oja_pca_tutorial(W0=recorded("oja_pca_tutorial_init_state_noop", "initial_W_0"))
    np.testing.assert_allclose(ours["variances"], canns["variance_explained"], rtol=1e-5)
    np.testing.assert_allclose(ours["cosines"], canns["cosine_with_pca"], atol=1e-5)


# ----------------------------------------------------------------------------- BCM program
@needs_reference
def test_bcm_receptive_fields_from_canns_weights_prints_canns_numbers(ref, recorded):
    """Every line canns printed, and canns' preferred orientations. The thresholds agree to 0.4 %:
    canns computes in float32, and the largest threshold grows fast by epoch 100 (a float32
    NumPy loop gives canns' 0.12414 to seven digits; float64, hebbmem's 0.12461)."""
    canns, stdout = ref("bcm_receptive_fields")
    ours = bcm_receptive_fields(W0=recorded("bcm_receptive_fields", "initial_W_0"))
    stimuli = recorded("bcm_receptive_fields", "orientation_stimuli")
    assert_array_equal(np.stack(ours["train_data"]), stimuli[recorded("bcm_receptive_fields", "orientation_index")])
    assert ours["preferred"] == canns["preferred_angle_deg"]
    printed_like_canns([ln for ln in ours["lines"] if "Epoch 100/" not in ln], stdout, "bcm_receptive_fields")
    np.testing.assert_allclose(ours["thetas"], canns["threshold_history"], rtol=0.005)
    np.testing.assert_allclose(ours["rates"], canns["firing_rates"], rtol=0.005, atol=1e-4)


@needs_reference
def test_bcm_receptive_fields_from_hebbmems_own_seed(ref):
    """Other initial weights, other orientations; but still four neurons tuned to four orientations."""
    canns, _ = ref("bcm_receptive_fields")
    assert canns["distinct_preferred_orientations"] == 4
    ours = bcm_receptive_fields()
    assert len(set(ours["preferred"])) == 4, ours["preferred"]
    assert bcm_receptive_fields()["preferred"] == ours["preferred"]
    # selective: each neuron's best orientation gets clearly more than its average one
    rates = ours["rates"]
    assert (rates.max(axis=0) > 1.3 * rates.mean(axis=0)).all()


# ----------------------------------------------------------------------------- STDP programs
@needs_reference
def test_stdp_temporal_learning_from_canns_weights_prints_canns_numbers(ref, recorded):
    canns, stdout = ref("stdp_temporal_learning")
    ours = stdp_temporal_learning(W0=recorded("stdp_temporal_learning", "initial_W_0"))
    assert_array_equal(ours["patterns"], recorded("stdp_temporal_learning", "spike_patterns"))
    printed_like_canns(ours["lines"], stdout, "stdp_temporal_learning")
    np.testing.assert_allclose(ours["counts"], canns["spike_counts_history"], atol=1e-9)
    for g in GROUPS:
        np.testing.assert_allclose(ours["by_group"][g], canns["weight_change_by_group"][g], atol=1e-5, err_msg=g)


@needs_reference
def test_stdp_temporal_learning_from_hebbmems_own_seed(ref):
    """Other initial weights; the early inputs still gain most."""
    canns, _ = ref("stdp_temporal_learning")
    ours = stdp_temporal_learning()
    for by_group in (canns["weight_change_by_group"], ours["by_group"]):
        mean = {g: float(np.mean(v)) for g, v in by_group.items()}  # over the five neurons
        assert mean["early"] == max(mean.values()), mean
        largest = max(GROUPS, key=lambda g: np.max(by_group[g]))  # the largest gain of any neuron
        assert largest == "early", {g: np.round(v, 4) for g, v in by_group.items()}
    assert stdp_temporal_learning()["counts"] == ours["counts"]


def test_stdp_tutorial_program_repeats():
    a, b = stdp_spike_timing_tutorial(), stdp_spike_timing_tutorial()
    for key in ("changes", "early", "late", "other"):
        assert a[key] == b[key], key


def canns_uncompiled_stdp(W, patterns, *, lr, a_plus, a_minus, w_min, w_max, threshold, leak, decay, epochs):
    """canns 1.5.0's ``STDPTrainer(compiled=False)`` as docs/differences.md describes it (not hebbmem's rule):
    within a call the layer runs on the weights as they were at its start, and each spike is paired
    with the traces from *before* the step; the new weights are assigned at the end of the call."""
    W = np.array(W, dtype=np.float64)
    for _ in range(epochs):
        v, tp, tq = np.zeros(W.shape[0]), np.zeros(W.shape[1]), np.zeros(W.shape[0])  # reset_state()
        stale, new = W.copy(), W.copy()
        for x in patterns:
            tp_before, tq_before = tp.copy(), tq.copy()
            tp = decay * tp + x
            v = leak * v + stale @ x
            s = (v >= threshold).astype(float)
            v = np.where(s > 0, 0.0, v)
            tq = decay * tq + s
            new = np.clip(new + lr * (a_plus * np.outer(s, tp_before) - a_minus * np.outer(tq_before, x)), w_min, w_max)
        W = new
    return W


@needs_reference
def test_stdp_tutorial_program_from_canns_weights(ref, recorded):
    """The page trains with compiled=False, where canns runs another rule than its compiled one
    (docs/differences.md); hebbmem's two paths both run the compiled rule. From canns' weights
    hebbmem's numbers are close to canns' and tell the same story (early inputs gain more than
    late ones), and canns' own rule, written out, gives canns' printed numbers."""
    canns, stdout = ref("stdp_spike_timing_tutorial+init_state_noop")
    W0 = recorded("stdp_spike_timing_tutorial_init_state_noop", "initial_W_0")
    ours = stdp_spike_timing_tutorial(W0=W0)
    assert_array_equal(ours["patterns"], recorded("stdp_spike_timing_tutorial_init_state_noop", "temporal_patterns"))
    printed = [numbers(line)[1] for line in stdout.splitlines() if line.startswith("Epoch ")]
    np.testing.assert_allclose(ours["changes"], printed, atol=0.002)
    assert ours["early"] > ours["late"] and canns["weight_change_early_0_4"] > canns["weight_change_late_10_14"]
    theirs = canns_uncompiled_stdp(W0, ours["patterns"], lr=0.02, a_plus=0.005, a_minus=0.00525, w_min=0.0,
                                   w_max=1.0, threshold=0.5, leak=0.9, decay=0.9, epochs=50)
    np.testing.assert_allclose(theirs, canns["W_final"], atol=1e-6)
    assert f"{float(np.linalg.norm(theirs - W0)):.4f}" == f"{printed[-1]:.4f}"
