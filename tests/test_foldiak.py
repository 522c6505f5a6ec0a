"""Földiák's sparse-coding network (hebbmem.competitive): the kernels, the NumPy code, the textbook twin and the bars problem.

* The Numba kernels and the NumPy code (``compiled=False``) agree bit for bit
  (weights, thresholds, outputs, analog states, Euler step counts); both agree
  with the naive loops of ``reference_foldiak.py``: 0/1 outputs exactly, weights
  to 1e-12 relative.
* The rules do what the paper says: the thresholds hold each unit's firing rate
  at p, the lateral weights stay <= 0 with a zero diagonal, the dynamics stop at
  an equilibrium (max |dy*/dt| <= tol).
* The bars problem (the issue's "done"): over three seeds, at least 15 of the
  16 bars are coded by a unit of their own, and the mean |correlation| between
  output units is at most 0.1 (measured: 16 of 16 and about 0.02 for each).
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hebbmem as hm
import reference_foldiak as ref
from hebbmem.competitive import bar_code, bar_images, bars, mean_abs_correlation

SETTINGS = dict(lam=10.0, h=0.1, tol=1e-4, max_steps=10000)


def _pair(seed, n_in=16, n_out=8, **kw):
    return hm.FoldiakLayer(n_in, n_out, seed=seed, **kw), hm.FoldiakLayer(n_in, n_out, seed=seed, **kw)


# ----------------------------------------------------- kernel = NumPy = twin
@pytest.mark.parametrize("seed", [0, 1])
def test_kernel_and_numpy_training_are_bit_identical(seed):
    X, _ = bars(150, size=4, probability=0.3, seed=seed)
    X[::7] *= 0.7  # graded inputs too
    a, b = _pair(seed, sparsity=0.2)
    ta = hm.FoldiakTrainer(a, alpha=0.2, beta=0.05, gamma=0.03).train(X, epochs=2)
    tb = hm.FoldiakTrainer(b, alpha=0.2, beta=0.05, gamma=0.03, compiled=False).train(X, epochs=2)
    for name in ("Q", "W", "t", "x", "y", "y_star"):
        assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert_array_equal(ta.outputs_, tb.outputs_)
    assert (a.steps, a.residual) == (b.steps, b.residual)
    assert 0 < ta.outputs_.sum() < ta.outputs_.size  # the comparison is not between two silent layers


def test_kernel_and_numpy_prediction_are_bit_identical():
    X, _ = bars(120, size=4, seed=3)
    layer = hm.FoldiakLayer(16, 8, sparsity=0.25, seed=3)
    hm.FoldiakTrainer(layer).train(X[:80])
    Ya = layer.run(X, compiled=True)
    state_a = (layer.y_star.copy(), layer.steps, layer.residual)
    Yb = layer.run(X, compiled=False)
    assert_array_equal(Ya, Yb)
    assert_array_equal(state_a[0], layer.y_star)
    assert state_a[1:] == (layer.steps, layer.residual)
    fast = hm.FoldiakTrainer(layer).predict_batch(X)
    slow = hm.FoldiakTrainer(layer, compiled_prediction=False).predict_batch(X)
    assert_array_equal(fast, slow)
    assert_array_equal(hm.FoldiakTrainer(layer).predict(X[5]), Ya[5])
    # an asymmetric W assigned by hand: the kernel's transposed copy must still give W y*, not W^T y*
    rng = np.random.default_rng(0)
    layer.W = -rng.random((8, 8)) * np.triu(np.ones((8, 8)), 1) * 3.0
    Ya = layer.run(X, compiled=True)
    assert_array_equal(Ya, layer.run(X, compiled=False))
    assert_array_equal(Ya, ref.respond(layer.Q, layer.W, layer.t, X, **SETTINGS)[0])


def test_training_agrees_with_the_textbook_twin():
    X, _ = bars(120, size=4, seed=5)
    layer = hm.FoldiakLayer(16, 8, sparsity=0.25, seed=5)
    Q0, W0, t0 = layer.Q.copy(), layer.W.copy(), layer.t.copy()
    trainer = hm.FoldiakTrainer(layer, alpha=0.1, beta=0.02, gamma=0.02).train(X, epochs=2)
    Q, W, t, Y = ref.train(Q0, W0, t0, X, alpha=0.1, beta=0.02, gamma=0.02, p=0.25, epochs=2, **SETTINGS)
    assert_array_equal(trainer.outputs_, Y)
    assert_allclose(layer.Q, Q, rtol=1e-12, atol=0)
    assert_allclose(layer.W, W, rtol=1e-12, atol=0)
    assert_allclose(layer.t, t, rtol=1e-12, atol=1e-15)
    Yr, states = ref.respond(layer.Q, layer.W, layer.t, X[:40], **SETTINGS)
    assert_array_equal(layer.run(X[:40]), Yr)
    assert_allclose(layer.y_star, states[-1], rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- the rules
def test_one_step_by_hand():
    layer = hm.FoldiakLayer(3, 3, sparsity=0.25, seed=0)
    layer.Q = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    layer.W = np.array([[0.0, -0.5, -0.005], [-0.5, 0.0, -0.3], [-0.005, -0.3, 0.0]])
    layer.t = np.array([0.5, 0.5, 0.5])
    x = np.array([1.0, 1.0, 0.2])
    y = hm.Foldiak(alpha=0.1, beta=0.5, gamma=0.2).step(layer, x.copy())
    # units 0 and 1 are driven by 1 - 0.5 and inhibit each other by 0.5: both still fire
    assert_array_equal(y, [1.0, 1.0, 0.0])
    W = np.array([[0.0, -0.5, -0.005], [-0.5, 0.0, -0.3], [-0.005, -0.3, 0.0]])
    W_expected = W - 0.1 * (np.outer(y, y) - 0.0625)
    W_expected = np.minimum(W_expected, 0.0)
    np.fill_diagonal(W_expected, 0.0)
    assert_allclose(layer.W, W_expected, rtol=0, atol=1e-15)
    assert layer.W[0, 2] == 0.0  # -0.005 + 0.1 * 0.0625 > 0: clipped
    assert_allclose(layer.Q[0], [1.0, 0.5, 0.1])  # moved half-way to x
    assert_allclose(layer.Q[2], [0.0, 0.0, 1.0])  # silent unit: unchanged
    assert_allclose(layer.t, [0.5 + 0.2 * 0.75, 0.5 + 0.2 * 0.75, 0.5 - 0.2 * 0.25])


def test_settled_state_is_an_equilibrium_of_the_dynamics():
    X, _ = bars(200, seed=1)
    layer = hm.FoldiakLayer(64, 16, seed=1)
    trainer = hm.FoldiakTrainer(layer).train(X)
    for x in X[:20]:
        trainer.predict(x)
        u = layer.Q @ x + layer.W @ layer.y_star - layer.t
        f = 1.0 / (1.0 + np.exp(-layer.steepness * u))
        assert layer.residual <= layer.tol
        assert np.abs(f - layer.y_star).max() <= layer.tol * 1.0000001
        assert_array_equal(layer.y, (layer.y_star > 0.5).astype(float))


def test_too_few_steps_warn():
    layer = hm.FoldiakLayer(4, 3, max_steps=3, seed=0)
    with pytest.warns(hm.ConvergenceWarning, match="did not settle within max_steps=3"):
        layer.forward([1.0, 0.0, 1.0, 0.0])
    assert layer.steps == 3 and layer.residual > layer.tol
    with pytest.warns(hm.ConvergenceWarning, match="2 of 2 inputs"):
        hm.FoldiakTrainer(layer).train([[1.0, 0.0, 1.0, 0.0], [0.0, 1.0, 0.0, 1.0]])
    quiet = hm.FoldiakLayer(4, 3, tol=0.0, max_steps=50, seed=0)  # tol=0: always max_steps, by request
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        quiet.forward([1.0, 0.0, 1.0, 0.0])
    assert quiet.steps == 50


def test_thresholds_hold_the_firing_rate_and_lateral_weights_inhibit():
    X, _ = bars(4000, seed=2)
    layer = hm.FoldiakLayer(64, 16, sparsity=0.125, seed=2)
    trainer = hm.FoldiakTrainer(layer).train(X)
    rates = trainer.outputs_[2000:].mean(axis=0)  # the second half of training
    assert np.abs(rates - 0.125).max() <= 0.04, rates
    assert np.all(layer.W <= 0.0) and np.all(np.diagonal(layer.W) == 0.0)
    assert_array_equal(layer.W, layer.W.T)  # the rule is symmetric and W started at 0
    assert layer.W.min() < -1.0  # units that fired together early on now inhibit each other


# ----------------------------------------------------------- the bars problem
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bars_problem_one_unit_per_bar_and_decorrelated(seed):
    """The paper's setting: 8 x 8 grid, 16 bars each on with p = 1/8, 16 units, alpha, beta, gamma = 0.1, 0.02, 0.02."""
    X, _ = bars(5000, seed=seed)
    layer = hm.FoldiakLayer(64, 16, sparsity=1 / 8, seed=seed)
    trainer = hm.FoldiakTrainer(layer)
    X_test, on_test = bars(4000, seed=1000 + seed)
    before = mean_abs_correlation(trainer.predict_batch(X_test))
    trainer.train(X)
    Y = trainer.predict_batch(X_test)
    code = bar_code(Y, on_test)
    assert code.n_coded >= 15, code.unit
    assert mean_abs_correlation(Y) <= 0.1
    assert before >= 0.3  # untrained, the units all answer the same inputs: the measure can fail
    # the feed-forward weights of each coding unit are its bar (a receptive field of 8 pixels)
    fields = layer.Q[code.unit[code.unit >= 0]] > 0.5
    assert_array_equal(fields, bar_images(np.eye(16)[code.unit >= 0]) > 0.5)


def test_bar_code_and_correlation_measures():
    X, on = bars(3000, seed=9)
    perfect = on[:, ::-1].astype(float)  # unit i fires exactly for bar 15 - i
    code = bar_code(perfect, on)
    assert code.n_coded == 16 and list(code.unit) == list(range(15, -1, -1))
    assert_allclose(code.score.max(axis=1), 1.0)
    twice = np.hstack([perfect[:, :15], perfect[:, :1]])  # bar 15 coded twice, bar 0 never
    code = bar_code(twice, on)
    assert code.n_coded == 14 and code.unit[15] == -1 and code.unit[0] == -1
    assert mean_abs_correlation(perfect) < 0.05
    assert mean_abs_correlation(np.hstack([perfect[:, :1], perfect[:, :1]])) == pytest.approx(1.0)
    assert np.isnan(mean_abs_correlation(np.zeros((5, 3))))
    with pytest.raises(ValueError, match="every bar both on and off"):
        bar_code(perfect[:1], on[:1])
    with pytest.raises(ValueError, match="one row per image"):
        bar_code(perfect[:10], on[:11])


def test_bars_data():
    X, on = bars(20000, seed=4)
    assert X.shape == (20000, 64) and on.shape == (20000, 16)
    assert abs(on.mean() - 1 / 8) < 0.005
    assert set(np.unique(X)) <= {0.0, 1.0}
    img = bar_images(np.eye(16)[[2, 13]]).reshape(2, 8, 8)
    assert img[0, 2].all() and img[0].sum() == 8  # horizontal bar 2 = image row 2
    assert img[1, :, 5].all() and img[1].sum() == 8  # vertical bar 13 = image column 5
    assert_array_equal(bars(5, seed=1)[0], bars(5, seed=1)[0])
    with pytest.raises(ValueError, match="one column per bar"):
        bar_images(np.ones((2, 3)))


# ------------------------------------------------------------------ seeding
def test_seed_and_default_generator():
    assert_array_equal(hm.FoldiakLayer(5, 3, seed=7).Q, hm.FoldiakLayer(5, 3, seed=7).Q)
    assert not np.array_equal(hm.FoldiakLayer(5, 3, seed=7).Q, hm.FoldiakLayer(5, 3, seed=8).Q)
    hm.random.seed(3)
    a = hm.FoldiakLayer(5, 3).Q
    hm.random.seed(3)
    b = hm.FoldiakLayer(5, 3).Q
    hm.random.seed(None)
    assert_array_equal(a, b)
    layer = hm.FoldiakLayer(5, 3, seed=1)
    assert np.all((layer.Q >= 0) & (layer.Q < 1)) and not layer.W.any() and not layer.t.any()


# ---------------------------------------------------------------- save/load
def test_save_and_load_round_trip(tmp_path):
    X, _ = bars(300, size=4, seed=2)
    layer = hm.FoldiakLayer(16, 8, sparsity=0.25, steepness=8.0, dt=0.05, tol=1e-5, max_steps=20000, seed=2)
    hm.FoldiakTrainer(layer).train(X)
    path = tmp_path / "foldiak.npz"
    layer.save(path)
    again = hm.load(path)
    assert type(again) is hm.FoldiakLayer and repr(again) == repr(layer)
    for name in ("Q", "W", "t", "y"):
        assert_array_equal(getattr(again, name), getattr(layer, name))
    assert again.rng.bit_generator.state == layer.rng.bit_generator.state
    assert_array_equal(again.run(X), layer.run(X))
    hm.FoldiakTrainer(again).train(X)  # training continues from the saved weights
    hm.FoldiakTrainer(layer).train(X)
    assert_array_equal(again.Q, layer.Q)


def test_load_refuses_a_bad_lateral_matrix(tmp_path):
    layer = hm.FoldiakLayer(4, 3, seed=0)
    path = tmp_path / "bad.npz"
    layer.save(path)
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    arrays["W"] = np.ones((3, 3))
    np.savez(path, **arrays)
    with pytest.raises(hm.ModelFileError, match="non-zero diagonal"):
        hm.load(path)
    arrays["W"] = np.zeros((2, 2))
    np.savez(path, **arrays)
    with pytest.raises(hm.ModelFileError, match="shape"):
        hm.load(path)


# ---------------------------------------------------------------- bad input
def test_bad_parameters_are_refused_with_the_fix():
    with pytest.raises(ValueError, match="'sparsity' parameter of FoldiakLayer must be .* target firing rate"):
        hm.FoldiakLayer(4, 2, sparsity=0.0)
    with pytest.raises(ValueError, match="must be < 1"):
        hm.FoldiakLayer(4, 2, sparsity=1.0)
    with pytest.raises(ValueError, match="'dt' parameter .* overshoots"):
        hm.FoldiakLayer(4, 2, dt=1.5)
    with pytest.raises(ValueError, match="'steepness'"):
        hm.FoldiakLayer(4, 2, steepness=-1.0)
    with pytest.raises(ValueError, match="'max_steps'"):
        hm.FoldiakLayer(4, 2, max_steps=0)
    with pytest.raises(TypeError, match="'output_size'"):
        hm.FoldiakLayer(4, "2")
    with pytest.raises(ValueError, match="'beta' parameter of Foldiak must be .* <= 1"):
        hm.FoldiakTrainer(hm.FoldiakLayer(4, 2), beta=1.5)
    with pytest.raises(ValueError, match="'alpha'"):
        hm.FoldiakTrainer(hm.FoldiakLayer(4, 2), alpha=-0.1)
    trainer = hm.FoldiakTrainer(hm.FoldiakLayer(4, 2))
    with pytest.raises(ValueError, match="'gamma'"):
        trainer.gamma = float("nan")
    trainer.alpha = 0.3
    assert trainer.rule == hm.Foldiak(alpha=0.3)
    with pytest.raises(TypeError, match="needs a model instance"):
        hm.FoldiakTrainer(hm.FoldiakLayer)
    with pytest.raises(TypeError, match="trains a hebbmem.FoldiakLayer"):
        hm.FoldiakTrainer(hm.LinearLayer(4, 2))
    with pytest.raises(ValueError, match="'epochs'"):
        trainer.train(np.zeros((3, 4)), epochs=0)


def test_bad_data_and_weights_are_refused():
    layer = hm.FoldiakLayer(64, 4, seed=0)
    trainer = hm.FoldiakTrainer(layer)
    with pytest.raises(ValueError, match="64 values per vector.*flatten it with x.reshape"):
        layer.forward(np.zeros((8, 8)))
    with pytest.raises(ValueError, match="input_size=64: build it with input_size=10"):
        trainer.train(np.zeros((5, 10)))
    with pytest.raises(ValueError, match="NaN or inf"):
        trainer.train(np.full((2, 64), np.nan))
    with pytest.raises(ValueError, match="flatten them"):
        trainer.train(np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match="takes one input"):
        layer.forward(np.zeros((2, 64)))
    with pytest.raises(ValueError, match="predict_batch expects several inputs"):
        trainer.predict_batch(np.zeros(64))
    with pytest.raises(TypeError, match="must hold numbers .* dtype <U1"):
        trainer.train([["a"] * 64])
    layer.W = np.eye(4) * -1.0
    with pytest.raises(ValueError, match="zero diagonal"):
        trainer.train(np.zeros((2, 64)))
    layer.W = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"FoldiakLayer.W must be a real array of shape \(4, 4\)"):
        trainer.predict_batch(np.zeros((2, 64)))
    layer.W = np.zeros((4, 4))
    layer.t = np.array([0.0, np.inf, 0.0, 0.0])
    with pytest.raises(ValueError, match="FoldiakLayer.t contains NaN or inf"):
        hm.FoldiakTrainer(layer)


def test_the_callers_arrays_are_not_modified():
    X, _ = bars(50, size=4, seed=0)
    X_copy = X.copy()
    layer = hm.FoldiakLayer(16, 8, seed=0)
    Q = layer.Q
    hm.FoldiakTrainer(layer).train(X)
    hm.FoldiakTrainer(layer, compiled=False).train(X[:5])
    layer.run(X)
    assert_array_equal(X, X_copy)
    assert layer.Q is Q  # trained in place, as documented
    ints = (X > 0).astype(np.int64)
    hm.FoldiakTrainer(layer).train(ints)  # integer input is converted, not refused
    assert ints.dtype == np.int64


def test_repr():
    layer = hm.FoldiakLayer(64, 16, seed=3)
    assert repr(layer) == "FoldiakLayer(64, 16, seed=3)"
    assert repr(hm.FoldiakLayer(4, 2, sparsity=0.25, dt=0.05)) == "FoldiakLayer(4, 2, sparsity=0.25, dt=0.05)"
    assert repr(hm.FoldiakTrainer(layer, beta=0.05, compiled=False)) == (
        "FoldiakTrainer(FoldiakLayer(64, 16, seed=3), Foldiak(beta=0.05), compiled=False)")


# ------------------------------------------------------------------- plots
def test_plots_show_what_went_in():
    import matplotlib.pyplot as plt

    from hebbmem import plotting

    X, _ = bars(600, size=4, seed=0)
    layer = hm.FoldiakLayer(16, 8, sparsity=0.25, seed=0)
    trainer = hm.FoldiakTrainer(layer).train(X)
    try:
        fig = plotting.plot_feedforward_weights(layer)
        assert len(fig.axes) == 8
        assert_array_equal(fig.axes[3].images[0].get_array(), layer.Q[3].reshape(4, 4))
        ax = plotting.plot_lateral_weights(layer)
        shown = np.ma.getdata(ax.images[0].get_array())
        assert_array_equal(shown[~np.eye(8, dtype=bool)], layer.W[~np.eye(8, dtype=bool)])
        assert np.ma.getmaskarray(ax.images[0].get_array()).diagonal().all()  # w_ii is not a weight
        Y = trainer.outputs_
        ax = plotting.plot_output_correlations(Y)
        R = np.ma.getdata(ax.images[0].get_array())
        assert_allclose(R[~np.eye(8, dtype=bool)], np.corrcoef(Y.T)[~np.eye(8, dtype=bool)], atol=1e-12)
        assert f"{mean_abs_correlation(Y):.3f}" in ax.get_title()
        with pytest.raises(ValueError, match="one row per input"):
            plotting.plot_output_correlations(np.zeros(5))
    finally:
        plt.close("all")
