"""LinearLayer and SpikingLayer: shapes, seeds, the LIF update order, and bad input."""

import numpy as np
import pytest

import hebbmem as hm
from hebbmem.models.brain_inspired import LinearLayer, SpikingLayer

import reference_plasticity as ref


def test_linear_layer_init_and_forward():
    layer = LinearLayer(40, 30, seed=0)
    assert layer.W.shape == (30, 40) and layer.W.dtype == np.float64
    assert abs(layer.W.std() - 0.01) < 0.001  # N(0, 0.01^2), as canns
    assert layer.theta is None
    x = np.linspace(-1, 1, 40)
    np.testing.assert_allclose(layer.forward(x), layer.W @ x)
    assert np.array_equal(layer.x, x) and np.array_equal(layer.y, layer.W @ x)
    X = np.stack([x, -x])
    np.testing.assert_allclose(layer.forward(X), X @ layer.W.T)
    np.testing.assert_allclose(layer.y, layer.W @ -x, rtol=1e-12)
    layer.reset_state()
    assert not layer.x.any() and not layer.y.any()


def test_linear_layer_bcm_threshold():
    layer = LinearLayer(4, 3, use_bcm_threshold=True, threshold_tau=4.0, seed=0)
    assert np.array_equal(layer.theta, np.full(3, 0.1))
    y = layer.forward(np.ones(4))
    layer.update_threshold()
    np.testing.assert_allclose(layer.theta, 0.1 + (y * y - 0.1) / 4.0)
    layer.init_state()
    assert np.array_equal(layer.theta, np.full(3, 0.1))


def test_seeds_give_own_and_reproducible_weights():
    a, b, c = SpikingLayer(20, 5), SpikingLayer(20, 5), SpikingLayer(20, 5, seed=1)
    assert not np.array_equal(a.W, b.W)  # canns 1.5.0 gives both the same W
    assert np.array_equal(c.W, SpikingLayer(20, 5, seed=1).W)
    assert np.array_equal(LinearLayer(5, 2, seed=3).W, LinearLayer(5, 2, seed=3).W)
    assert abs(SpikingLayer(100, 50, seed=0).W.std() - 0.05) < 0.005


def test_lif_update_order_by_hand():
    layer = SpikingLayer(2, 1, threshold=1.0, v_reset=-0.5, leak=0.5, trace_decay=0.5, seed=0)
    layer.W = np.array([[0.8, 0.4]])
    assert layer.forward([1.0, 0.0]).tolist() == [0.0]  # v = 0.8
    assert layer.v.tolist() == [0.8] and layer.trace_pre.tolist() == [1.0, 0.0]
    assert layer.forward([1.0, 1.0]).tolist() == [1.0]  # v = 0.4 + 1.2 = 1.6 -> spike, reset
    assert layer.v.tolist() == [-0.5]
    assert layer.trace_pre.tolist() == [1.5, 1.0] and layer.trace_post.tolist() == [1.0]
    assert layer.forward([0.0, 0.0]).tolist() == [0.0]
    assert layer.v.tolist() == [-0.25] and layer.trace_post.tolist() == [0.5]
    layer.reset_state()
    assert not layer.v.any() and not layer.trace_pre.any() and not layer.trace_post.any()


def test_run_matches_forward_and_naive_reference():
    rng = np.random.default_rng(0)
    X = (rng.random((3, 40, 10)) < 0.3).astype(float)
    layer = SpikingLayer(10, 4, threshold=0.3, seed=1)
    layer.W = np.abs(layer.W) * 2
    S = layer.run(X)
    S_np = layer.run(X, compiled=False)
    assert np.array_equal(S, S_np) and S.sum() > 0
    for q in range(3):
        _, naive = ref.lif_stdp(layer.W, X[q], threshold=0.3, v_reset=0.0, leak=0.9, decay=0.95, lr=0.0,
                                a_plus=0.0, a_minus=0.0, w_min=-1, w_max=1, learn=False)
        assert np.array_equal(S[q], naive)
    layer.reset_state()
    steps = layer.forward(X[0])  # 2-D forward: a sequence continuing from the current state
    assert np.array_equal(steps, S[0])


@pytest.mark.parametrize("make, match", [
    (lambda: LinearLayer(0, 3), "input_size"),
    (lambda: LinearLayer(3, 2.5), "output_size"),
    (lambda: LinearLayer(3, 2, threshold_tau=0.5), "threshold_tau"),
    (lambda: SpikingLayer(3, 2, leak=1.5), "leak"),
    (lambda: SpikingLayer(3, 2, trace_decay=1.0), "trace_decay"),
    (lambda: SpikingLayer(3, 2, threshold=0.5, v_reset=0.5), "v_reset < threshold"),
])
def test_bad_layer_parameters(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize("x, match", [
    (np.zeros(4), r"\(3,\)"),
    ([1.0, np.inf, 0.0], "NaN or inf"),
    (np.zeros((2, 2, 3)), "shape"),
    ("abc", "numeric"),
])
def test_bad_forward_input(x, match):
    for layer in (LinearLayer(3, 2, seed=0), SpikingLayer(3, 2, seed=0)):
        with pytest.raises((ValueError, TypeError), match=match):
            layer.forward(x)


def test_reprs():
    assert repr(LinearLayer(3, 2, use_bcm_threshold=True, seed=1)) == \
        "LinearLayer(3, 2, use_bcm_threshold=True, threshold_tau=100, seed=1)"
    assert repr(SpikingLayer(20, 5, leak=0.95, seed=0)) == "SpikingLayer(20, 5, leak=0.95, seed=0)"
    assert "OjaTrainer(LinearLayer(3, 2), Oja(learning_rate=0.1))" == repr(hm.OjaTrainer(LinearLayer(3, 2),
                                                                                            learning_rate=0.1))
