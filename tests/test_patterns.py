"""Pattern helpers (hebbmem.patterns) and the memory-science plots."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import random_patterns

import hebbmem as hm
from hebbmem import patterns
from hebbmem.analysis import basin_profile, bit_error_curve, capacity_curve
from hebbmem.plotting import plot_basins, plot_bit_error, plot_capacity, plot_overlap_matrix, plot_state_sequence


def test_checkerboard_l_shape_rows():
    cb = patterns.checkerboard((4, 6), square=2).reshape(4, 6)
    np.testing.assert_array_equal(cb[0], [1, 1, -1, -1, 1, 1])
    np.testing.assert_array_equal(cb[2], [-1, -1, 1, 1, -1, -1])
    L = patterns.l_shape(5, width=2).reshape(5, 5)
    assert (L[:, :2] == 1).all() and (L[3:, :] == 1).all() and (L[:3, 2:] == -1).all()
    rows = patterns.row_patterns((3, 4))
    assert rows.shape == (3, 12)
    np.testing.assert_array_equal(rows[1].reshape(3, 4)[1], np.ones(4))
    assert (rows.reshape(3, 3, 4).sum(axis=(1, 2)) == 4 - 8).all()


def test_random_patterns_probability_and_seed():
    a = patterns.random_patterns(20, 50, on_probability=0.2, rng=1)
    assert a.shape == (50, 400)
    assert abs((a == 1).mean() - 0.2) < 0.01  # 20,000 draws: sd 0.003
    np.testing.assert_array_equal(a, patterns.random_patterns(20, 50, on_probability=0.2, rng=1))
    assert patterns.random_patterns(3).shape == (9,)


def test_letters_alphabet():
    L = patterns.letters()
    assert L.shape == (26, 100) and patterns.ALPHABET == "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    assert set(np.unique(L)) == {-1.0, 1.0}
    assert len({row.tobytes() for row in L}) == 26  # all different
    np.testing.assert_array_equal(patterns.letters("ab"), L[:2])
    with pytest.raises(ValueError, match="A-Z"):
        patterns.letters("A1")


def test_letters_are_stored_by_the_pseudo_inverse_rule():
    X = patterns.letters("HEBB")[[0, 1, 2]]
    trainer = hm.Trainer(hm.HopfieldNetwork(100, asyn=True, seed=0), hm.PseudoInverse()).train(X)
    np.testing.assert_array_equal(trainer.predict_batch(X), X)


def test_pattern_bad_input():
    with pytest.raises(ValueError, match="shape"):
        patterns.checkerboard(0)
    with pytest.raises(ValueError, match="shape"):
        patterns.checkerboard((2, 3, 4))
    with pytest.raises(ValueError, match="on_probability"):
        patterns.random_patterns(3, on_probability=1.5)
    with pytest.raises(ValueError, match="width"):
        patterns.l_shape(3, width=4)


def test_plot_overlap_matrix_values():
    X = patterns.letters("ABC")
    ax = plot_overlap_matrix(X, labels=list("ABC"))
    np.testing.assert_allclose(ax.images[0].get_array(), X @ X.T / 100)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["A", "B", "C"]
    assert len(ax.texts) == 9
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="labels"):
        plot_overlap_matrix(X, labels=["A"])


def test_plot_state_sequence_draws_states_and_overlaps():
    X = random_patterns(2, 16, seed=0)
    S = np.stack([X[0], X[1], X[1]])
    fig = plot_state_sequence(S, X, shape=(4, 4))
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 3
    lines = fig.axes[-1].lines
    np.testing.assert_allclose(lines[1].get_ydata(), S @ X[1] / 16)
    plt.close(fig)
    with pytest.raises(ValueError, match="steps"):
        plot_state_sequence(S, steps=[5])


def test_plot_capacity_bit_error_and_basins():
    curve = capacity_curve(hm.Hebbian(), 100, [0.05, 0.1, 0.2], trials=10, seed=0)
    ax = plot_capacity(curve)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), curve.fraction_exact)
    n_lines = len(ax.lines)
    plot_capacity(capacity_curve(hm.Storkey(), 100, [0.05, 0.2], trials=10, seed=0), ax=ax)
    assert len(ax.lines) == n_lines + 2  # the theory is drawn once per Axes
    plt.close(ax.figure)
    with pytest.raises(TypeError, match="CapacityCurve"):
        plot_capacity([0.1, 0.2])
    ax = plot_bit_error(bit_error_curve(hm.Hebbian(), 100, [0.1, 0.3], networks=3, seed=0))
    assert ax.get_yscale() == "log"
    plt.close(ax.figure)
    X = random_patterns(3, 64, seed=1)
    prof = basin_profile(hm.Trainer(hm.HopfieldNetwork(64), hm.Hebbian()).train(X), X, [0, 0.2, 0.5],
                         trials=3, seed=0)
    ax = plot_basins(prof, label="Hebbian")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), prof.p_exact)
    plt.close(ax.figure)


def test_memory_models_results_plot_with_plot_energy():
    from hebbmem.plotting import plot_energy

    X = random_patterns(3, 32, seed=2)
    for model in (hm.ModernHopfieldNetwork(32, beta=0.2, max_iter=5), hm.DenseAssociativeMemory(32, seed=0)):
        trainer = hm.HebbianTrainer(model).train(X)
        info = trainer.predict_batch(X * np.where(np.arange(32) < 4, -1, 1), return_info=True)
        ax = plot_energy(info)
        assert len(ax.lines) == 3
        assert np.all(np.diff(ax.lines[0].get_ydata()) <= 1e-9)
        plt.close(ax.figure)
