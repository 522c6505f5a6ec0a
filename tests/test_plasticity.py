"""Oja, Sanger, BCM and STDP: the rules, their trainers, and the claims a student can check.

Tolerances are written in each test. Kernels and NumPy steps are compared
bit for bit (they sum in the same order); the naive loops of
``reference_plasticity.py`` to 1e-12 relative.
"""

import numpy as np
import pytest

import hebbmem as hm
from hebbmem.models.brain_inspired import LinearLayer, SpikingLayer

import reference_plasticity as ref


def gapped_data(n_samples, eigenvalues, seed):
    """Zero-mean Gaussian data with the given covariance eigenvalues along a random orthonormal basis."""
    rng = np.random.default_rng(seed)
    n = len(eigenvalues)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    X = rng.normal(size=(n_samples, n)) * np.sqrt(eigenvalues) @ Q.T
    return X - X.mean(axis=0)


def pcs(X):
    lam, V = np.linalg.eigh(np.cov(X, rowvar=False, bias=True))
    order = np.argsort(lam)[::-1]
    return lam[order], V[:, order].T


def abs_cos(a, b):
    return abs(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b))


def canns_pca_data():
    """The data of canns' Oja/Sanger examples (np.random.seed(42); 500 x 50)."""
    rs = np.random.RandomState(42)
    return np.concatenate([rs.randn(500, 10) * 3.0, rs.randn(500, 10) * 1.5, rs.randn(500, 10) * 0.8,
                           rs.randn(500, 20) * 0.3], axis=1)


def bar(angle, size=12):
    """canns' oriented bar: a Gaussian stripe across a size x size image, scaled to [0, 1]."""
    x, y = np.meshgrid(np.arange(size) - size / 2, np.arange(size) - size / 2)
    p = np.exp(-(((x * np.cos(angle) + y * np.sin(angle)) / 2) ** 2)).ravel()
    return (p - p.min()) / (p.max() - p.min() + 1e-8)


def temporal_patterns(n_patterns=100, n_steps=50, seed=42):
    """canns' STDP temporal example: inputs 0-4 fire early, 5-9 middle, 10-14 late, 15-19 noise."""
    rs = np.random.RandomState(seed)
    P = np.zeros((n_patterns, n_steps, 20))
    for p in range(n_patterns):
        for t in range(n_steps):
            if t < 10:
                P[p, t, 0:5] = rs.rand(5) < 0.3
            if 10 < t < 20:
                P[p, t, 5:10] = rs.rand(5) < 0.3
            if 20 < t < 30:
                P[p, t, 10:15] = rs.rand(5) < 0.3
            P[p, t, 15:] = rs.rand(5) < 0.05
    return P


# ----------------------------------------------------------------- the two paths agree


@pytest.mark.parametrize("cls", [hm.OjaTrainer, hm.SangerTrainer])
@pytest.mark.parametrize("normalize", [True, False])
def test_oja_sanger_kernel_numpy_and_naive_agree(cls, normalize):
    X = gapped_data(40, [4.0, 2.0, 1.0, 0.5, 0.2, 0.1], seed=1)
    a, b = LinearLayer(6, 3, seed=2), LinearLayer(6, 3, seed=2)
    W0 = a.W.copy()
    cls(a, learning_rate=0.05, normalize_weights=normalize).train(X, epochs=3)
    cls(b, learning_rate=0.05, normalize_weights=normalize, compiled=False).train(X, epochs=3)
    assert np.array_equal(a.W, b.W)  # bit-identical
    naive = (ref.sanger if cls is hm.SangerTrainer else ref.oja)(W0, X, 0.05, normalize, epochs=3)
    np.testing.assert_allclose(a.W, naive, rtol=1e-12, atol=1e-15)


def test_bcm_kernel_numpy_naive_and_theta_recurrence():
    rng = np.random.default_rng(3)
    X = rng.random((60, 8))
    a = LinearLayer(8, 3, use_bcm_threshold=True, threshold_tau=5.0, seed=4)
    b = LinearLayer(8, 3, use_bcm_threshold=True, threshold_tau=5.0, seed=4)
    W0, th0 = a.W.copy(), a.theta.copy()
    hm.BCMTrainer(a, learning_rate=0.5, weight_bound=0.3).train(X, epochs=2)
    hm.BCMTrainer(b, learning_rate=0.5, weight_bound=0.3, compiled=False).train(X, epochs=2)
    assert np.array_equal(a.W, b.W) and np.array_equal(a.theta, b.theta)
    Wn, thn, thetas = ref.bcm(W0, th0, X, 0.5, 5.0, 0.3, epochs=2)
    np.testing.assert_allclose(a.W, Wn, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.theta, thn, rtol=1e-12)
    assert np.abs(a.W).max() <= 0.3
    # theta follows theta <- theta + (y^2 - theta)/tau exactly, sample by sample, y from the current W
    c = LinearLayer(8, 3, use_bcm_threshold=True, threshold_tau=5.0, seed=4)
    tr = hm.BCMTrainer(c, learning_rate=0.5, weight_bound=0.3)
    for x in X[:20]:
        y = np.array([ref._dot(row, x) for row in c.W])
        expected = c.theta + (y * y - c.theta) / 5.0
        tr.train([x])
        assert np.array_equal(c.theta, expected)


def test_stdp_kernel_numpy_naive_agree_and_bounds():
    P = temporal_patterns(n_patterns=6, n_steps=40, seed=5)
    kw = dict(threshold=0.3, v_reset=0.0, leak=0.95, trace_decay=0.9)
    a, b = SpikingLayer(20, 4, seed=6, **kw), SpikingLayer(20, 4, seed=6, **kw)
    a.W += 0.2
    b.W = a.W.copy()
    W0 = a.W.copy()
    ta = hm.STDPTrainer(a, learning_rate=2.0, w_min=0.05, w_max=0.4).train(P, epochs=2)
    tb = hm.STDPTrainer(b, learning_rate=2.0, w_min=0.05, w_max=0.4, compiled=False).train(P, epochs=2)
    assert np.array_equal(a.W, b.W) and np.array_equal(ta.spikes_, tb.spikes_)
    assert ta.spikes_.sum() > 20  # the layer did spike, so STDP did act
    for name in ("v", "trace_pre", "trace_post", "spike", "x"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.W.min() >= 0.05 and a.W.max() <= 0.4
    assert a.W.min() == 0.05 and a.W.max() == 0.4  # both bounds are reached
    W = W0
    for _ in range(2):
        for seq in P:
            W, _ = ref.lif_stdp(W, seq, lr=2.0, a_plus=0.005, a_minus=0.00525, w_min=0.05, w_max=0.4,
                                decay=0.9, **{k: v for k, v in kw.items() if k != "trace_decay"})
    np.testing.assert_allclose(a.W, W, rtol=1e-12, atol=1e-15)


def test_spiking_predict_batch_matches_forward_steps():
    P = temporal_patterns(n_patterns=3, n_steps=30, seed=7)
    layer = SpikingLayer(20, 5, threshold=0.2, seed=8)
    layer.W = np.abs(layer.W)
    tr = hm.STDPTrainer(layer)
    batch = tr.predict_batch(P)
    for q in range(3):
        layer.reset_state()
        steps = np.array([tr.predict(x) for x in P[q]])
        assert np.array_equal(batch[q], steps)
    assert batch.sum() > 0
    tr.configure_progress(compiled_prediction=False)
    assert np.array_equal(tr.predict_batch(P), batch)


# ------------------------------------------------------------------------- science


def test_oja_finds_pc1_with_a_spectral_gap():
    X = gapped_data(2000, [6.0, 2.0, 1.0, 0.8, 0.5, 0.4, 0.3, 0.2, 0.1, 0.1], seed=10)
    lam, V = pcs(X)
    model = LinearLayer(10, 1, seed=11)
    hm.OjaTrainer(model, learning_rate=0.002, normalize_weights=False).train(X, epochs=10)
    w = model.W[0]
    assert abs_cos(w, V[0]) >= 0.99
    assert abs(np.linalg.norm(w) - 1.0) <= 0.01  # Oja's own normalisation, none added


def test_several_oja_neurons_all_find_pc1_but_sanger_finds_the_top3_in_order():
    X = gapped_data(2000, [8.0, 4.0, 2.0, 0.5, 0.4, 0.3, 0.2, 0.1], seed=12)
    lam, V = pcs(X)
    oja, sanger = LinearLayer(8, 3, seed=13), LinearLayer(8, 3, seed=13)
    hm.OjaTrainer(oja, learning_rate=0.002).train(X, epochs=10)
    trainer = hm.SangerTrainer(sanger, learning_rate=0.002)
    trainer.train(X, epochs=20)
    trainer.learning_rate = 0.0002  # anneal: the fluctuations around the PCs shrink with the rate
    trainer.train(X, epochs=20)
    assert all(abs_cos(w, V[0]) >= 0.99 for w in oja.W)
    for i in range(3):
        assert abs_cos(sanger.W[i], V[i]) >= 0.97, i
    G = np.abs(sanger.W @ sanger.W.T)
    assert G[np.triu_indices(3, 1)].max() <= 0.03


def test_canns_oja_example_near_degenerate_rayleigh_quotient():
    """canns' data: a 10-dim nearly degenerate top subspace, so |cos| with PC1 stalls near 0.9,
    but the Rayleigh quotient w^T C w / w^T w reaches 0.95 lambda_1 or more."""
    X = canns_pca_data()
    C = np.cov(X, rowvar=False, bias=True)
    lam, V = pcs(X)
    assert lam[0] / lam[1] < 1.1  # no real gap
    model = LinearLayer(50, 3, seed=0)
    trainer = hm.OjaTrainer(model, learning_rate=0.001, normalize_weights=True)
    trainer.train(X, epochs=50)
    w = model.W[0]
    assert abs_cos(w, V[0]) >= 0.80
    assert w @ C @ w / (w @ w) >= 0.95 * lam[0]


def test_canns_sanger_example_quality():
    X = canns_pca_data()
    lam, V = pcs(X)
    model = LinearLayer(50, 3, seed=0)
    hm.SangerTrainer(model, learning_rate=0.001).train(X, epochs=50)
    C = np.cov(X, rowvar=False, bias=True)
    for i in range(3):  # canns reaches 0.90 / 0.96 / 0.97
        assert abs_cos(model.W[i], V[i]) >= 0.88
        w = model.W[i]
        assert w @ C @ w / (w @ w) >= 0.95 * lam[i]
    G = np.abs(model.W @ model.W.T)
    assert G[np.triu_indices(3, 1)].max() <= 0.1


def test_bcm_oriented_bars_become_selective():
    rng = np.random.default_rng(42)
    orientations = np.linspace(0, np.pi, 8, endpoint=False)
    X = np.array([bar(a) for a in rng.choice(orientations, 1000)])
    test_angles = np.linspace(0, np.pi, 16, endpoint=False)
    T = np.array([bar(a) for a in test_angles])

    def osi(R):  # orientation selectivity: |sum r e^{2i angle}| / sum |r|, in [0, 1]
        return np.abs((R * np.exp(2j * test_angles)[:, None]).sum(0)) / np.abs(R).sum(0)

    model = LinearLayer(144, 8, use_bcm_threshold=True, threshold_tau=50.0, seed=1)
    untrained = osi(T @ model.W.T)
    trainer = hm.BCMTrainer(model, learning_rate=1e-4)
    trainer.train(X, epochs=100)
    R = trainer.predict_batch(T)
    trained = osi(R)
    preferred = test_angles[R.argmax(axis=0)]
    # Neurons prefer different orientations (BCM neurons do not compete, so some share one)
    assert len(np.unique(preferred)) >= 3
    assert trained.mean() >= untrained.mean() + 0.25
    assert np.median(trained) >= 0.7


@pytest.mark.parametrize("dt", list(range(-20, 21)))
def test_stdp_pair_protocol_draws_the_exponential_window(dt):
    """One pre spike (input 0) and one post spike forced by a strong input 1, dt = t_post - t_pre."""
    lr, a_plus, a_minus, decay = 0.01, 0.005, 0.00525, 0.95
    t_pre = 25
    t_post = t_pre + dt
    X = np.zeros((60, 2))
    X[t_pre, 0] = 1.0
    X[t_post, 1] = 1.0
    layer = SpikingLayer(2, 1, threshold=0.5, leak=0.9, trace_decay=decay, seed=0)
    w0 = 2.0 ** -10
    layer.W = np.array([[w0, 1.0]])
    trainer = hm.STDPTrainer(layer, learning_rate=lr, A_plus=a_plus, A_minus=a_minus)
    trainer.train(X)
    assert trainer.spikes_[0, :, 0].tolist() == [1.0 if t == t_post else 0.0 for t in range(60)]
    dw = layer.W[0, 0] - w0
    if dt > 0:
        expected = lr * a_plus * decay ** dt
    elif dt < 0:
        expected = -lr * a_minus * decay ** -dt
    else:
        expected = lr * (a_plus - a_minus)
    assert dw == pytest.approx(expected, rel=1e-12, abs=0)
    assert dw == pytest.approx(trainer.rule.window(dt, trace_decay=decay), rel=1e-12, abs=0)
    assert (dw > 0) == (dt > 0)


def test_stdp_canns_temporal_example_early_inputs_gain_more_than_late():
    P = temporal_patterns()
    model = SpikingLayer(20, 5, threshold=0.8, v_reset=0.0, leak=0.95, trace_decay=0.90, seed=0)
    W0 = model.W.copy()
    trainer = hm.STDPTrainer(model, learning_rate=0.02, A_plus=0.005, A_minus=0.00525, w_min=0.0, w_max=1.0)
    trainer.train(P, epochs=20)
    dW = model.W - W0
    early, late = dW[:, 0:5].mean(), dW[:, 10:15].mean()
    assert early > late + 0.02
    assert model.W.min() >= 0.0 and model.W.max() <= 1.0


# ---------------------------------------------------------------- API and bad input


def test_canns_style_program_runs_with_value_removed():
    X = canns_pca_data()[:100]
    model = LinearLayer(input_size=50, output_size=3)
    trainer = hm.OjaTrainer(model, learning_rate=0.001, normalize_weights=True, compiled=True)
    for _ in range(3):
        trainer.train(X)
    outputs = np.array([trainer.predict(x) for x in X])
    np.testing.assert_allclose(outputs, trainer.predict_batch(X), rtol=1e-12, atol=1e-12)  # per-sample dots vs one GEMM: rounding, and outputs may sit near 0
    assert np.allclose(np.linalg.norm(model.W, axis=1), 1.0)
    assert trainer.learning_rate == 0.001


def test_epochs_equal_repeated_calls_and_weight_history():
    X = gapped_data(30, [3.0, 1.0, 0.5], seed=20)
    a, b = LinearLayer(3, 2, seed=21), LinearLayer(3, 2, seed=21)
    ta = hm.SangerTrainer(a, learning_rate=0.01)
    ta.train(X, epochs=4, record_weights=True)
    tb = hm.SangerTrainer(b, learning_rate=0.01)
    for _ in range(4):
        tb.train(list(X))
    assert np.array_equal(a.W, b.W)
    assert ta.weight_history_.shape == (5, 2, 3) and np.array_equal(ta.weight_history_[-1], a.W)


def test_trainer_parameters_are_rule_parameters():
    t = hm.STDPTrainer(SpikingLayer(3, 2, seed=0), learning_rate=0.02)
    assert t.rule == hm.STDP(learning_rate=0.02) and t.A_plus == 0.005
    t.learning_rate = 0.5
    assert t.rule.learning_rate == 0.5
    with pytest.raises(ValueError, match="learning_rate"):
        t.learning_rate = -1.0
    assert repr(hm.BCM(weight_bound=5.0)) == "BCM(weight_bound=5.0)"
    assert isinstance(t, hm.Trainer)


@pytest.mark.parametrize("make, match", [
    (lambda: hm.OjaTrainer(LinearLayer(3, 2), learning_rate=-0.1), "learning_rate"),
    (lambda: hm.SangerTrainer(LinearLayer(3, 2), learning_rate=float("nan")), "learning_rate"),
    (lambda: hm.BCMTrainer(LinearLayer(3, 2), learning_rate=0.1).train(np.eye(3)), "use_bcm_threshold=True"),
    (lambda: hm.BCMTrainer(LinearLayer(3, 2, use_bcm_threshold=True), weight_bound=0), "weight_bound"),
    (lambda: hm.STDPTrainer(SpikingLayer(3, 2), w_min=1.0, w_max=0.5), "w_min <= w_max"),
    (lambda: hm.STDPTrainer(SpikingLayer(3, 2), A_minus=-1), "A_minus"),
    (lambda: hm.STDPTrainer(LinearLayer(3, 2)), "SpikingLayer"),
    (lambda: hm.OjaTrainer(LinearLayer), "instance"),
    (lambda: hm.OjaTrainer(object()), "'W'"),
])
def test_bad_parameters_get_clear_errors(make, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make()


@pytest.mark.parametrize("data, match", [
    (np.zeros((5, 4)), r"\(n_samples, 3\)"),
    (np.zeros(3), r"\(n_samples, 3\)"),
    ([[0.0, 1.0, np.nan]], "NaN"),
    ([], "empty"),
    ([[1, 2, 3], [1, 2]], "numeric"),
])
def test_bad_training_data_gets_clear_errors(data, match):
    trainer = hm.OjaTrainer(LinearLayer(3, 2, seed=0))
    with pytest.raises((ValueError, TypeError), match=match):
        trainer.train(data)


def test_bad_epochs_and_wrong_shaped_spike_data():
    with pytest.raises(ValueError, match="epochs"):
        hm.OjaTrainer(LinearLayer(3, 2)).train(np.zeros((2, 3)), epochs=0)
    with pytest.raises(ValueError, match=r"\(n_sequences, n_steps, 4\)"):
        hm.STDPTrainer(SpikingLayer(4, 2)).train(np.zeros((2, 5, 3)))


def test_training_does_not_modify_the_data():
    X = gapped_data(20, [2.0, 1.0], seed=30)
    X0 = X.copy()
    hm.SangerTrainer(LinearLayer(2, 2, seed=0), compiled=False).train(X)
    hm.SangerTrainer(LinearLayer(2, 2, seed=0)).train(X)
    assert np.array_equal(X, X0)


# --------------------------------------------------------------------------- plots


def test_plots_draw_what_they_claim():
    import matplotlib.pyplot as plt

    from hebbmem import plotting

    W = np.arange(2 * 16, dtype=float).reshape(2, 16) - 10
    fig = plotting.plot_receptive_fields(W, titles=["a", "b"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    img = fig.axes[1].images[0]
    assert img.get_array().shape == (4, 4) and img.get_clim() == (-21.0, 21.0)  # centred on 0
    with pytest.raises(ValueError, match="h \\* w must equal 16"):
        plotting.plot_receptive_fields(W, shape=(3, 5))

    angles = np.linspace(0, np.pi, 4, endpoint=False)
    R = np.array([[1.0, 0.0], [3.0, 1.0], [2.0, 5.0], [0.0, 2.0]])
    ax = plotting.plot_tuning_curves(angles, R, degrees=True)
    assert np.allclose(ax.lines[0].get_xdata(), np.degrees(angles))
    assert np.allclose(ax.lines[0].get_ydata(), R[:, 0])
    assert ax.lines[1].get_ydata().tolist() == [3.0]  # the preferred-stimulus marker of neuron 0
    with pytest.raises(ValueError, match="transpose"):
        plotting.plot_tuning_curves(angles, R.T)

    S = np.zeros((10, 3))
    S[2, 1] = S[7, 0] = 1
    ax = plotting.plot_spike_raster(S, groups=[1])
    assert sorted(map(tuple, ax.collections[0].get_offsets().tolist())) == [(2.0, 1.0), (7.0, 0.0)]

    dt = np.arange(-3, 4)
    rule = hm.STDP()
    ax = plotting.plot_stdp_window(dt, rule.window(dt), theory=rule.window(dt))
    assert np.allclose(ax.lines[0].get_ydata(), rule.window(dt))
    assert len(ax.collections[0].get_offsets()) == 3  # LTP points: dt = 1, 2, 3

    H = np.stack([np.full((2, 4), float(e)) for e in range(3)])
    ax = plotting.plot_weight_evolution(H, groups={"first": [0, 1]})
    assert ax.lines[0].get_ydata().tolist() == [0.0, 1.0, 2.0]
    plt.close("all")


def test_progress_line_and_stdp_weight_attr(capsys):
    X = gapped_data(10, [2.0, 1.0], seed=40)
    trainer = hm.OjaTrainer(LinearLayer(2, 1, seed=0), show_iteration_progress=True)
    trainer.train(X, epochs=3)
    assert "OjaTrainer: epoch 3/3" in capsys.readouterr().err
    with pytest.raises(ValueError, match="weight_attr"):
        hm.STDPTrainer(SpikingLayer(3, 2), weight_attr="V")


def test_forward_keeps_its_own_copy_of_the_input():
    layer = LinearLayer(3, 2, seed=0)
    x = np.array([1.0, 2.0, 3.0])
    layer.forward(x)
    x[0] = 100.0
    assert layer.x[0] == 1.0
