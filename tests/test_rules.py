"""Learning rules against their textbook twins."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hebbmem as hm
import reference as ref
from conftest import random_patterns


@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("zero_diagonal", [True, False])
def test_hebbian_matches_double_loop(normalize, zero_diagonal):
    X = random_patterns(5, 20, seed=0)
    W = hm.Hebbian(normalize=normalize, zero_diagonal=zero_diagonal).weights(X)
    assert_allclose(W, ref.hebbian_weights(X, normalize, zero_diagonal), rtol=0, atol=1e-15)


def test_hebbian_mean_subtraction_matches_formula():
    X = random_patterns(4, 30, seed=1)
    rho = X.mean()
    expected = (X - rho).T @ (X - rho) / 4
    np.fill_diagonal(expected, 0)
    # x - rho is snapped to a power-of-two grid of >= 13 bits (see Hebbian Notes)
    assert_allclose(hm.Hebbian(subtract_mean=True).weights(X), expected, atol=1e-3)


def test_antihebbian_is_minus_hebbian():
    X = random_patterns(3, 25, seed=2)
    assert_array_equal(hm.AntiHebbian().weights(X), -hm.Hebbian().weights(X))
    assert_allclose(hm.AntiHebbian(learning_rate=0.5).weights(X), -0.5 * hm.Hebbian().weights(X))


@pytest.mark.parametrize("n_patterns", [1, 3, 6])
def test_storkey_matches_textbook_double_loop(n_patterns):
    X = random_patterns(n_patterns, 14, seed=n_patterns)
    assert_allclose(hm.Storkey().weights(X), ref.storkey_weights(X), rtol=1e-12, atol=1e-13)


def test_pseudo_inverse_matches_formula_and_projects():
    X = random_patterns(6, 40, seed=3)
    # The factor is snapped to ~17 bits (see PseudoInverse Notes): tolerance 1e-4.
    W = hm.PseudoInverse(zero_diagonal=False).weights(X)
    assert_allclose(W, ref.pseudo_inverse_weights(X, zero_diagonal=False), atol=1e-4)
    assert_allclose(W @ X.T, X.T, atol=1e-3)  # W x = x for every stored pattern
    Wz = hm.PseudoInverse().weights(X)
    assert_allclose(Wz, ref.pseudo_inverse_weights(X), atol=1e-4)


def test_pseudo_inverse_warns_on_dependent_patterns():
    X = random_patterns(3, 30, seed=4)
    X = np.vstack([X, -X[0]])
    with pytest.warns(UserWarning, match="linearly dependent"):
        W = hm.PseudoInverse(zero_diagonal=False).weights(X)
    assert_allclose(W @ X[:3].T, X[:3].T, atol=1e-3)


@pytest.mark.parametrize("rule", [hm.Hebbian(), hm.AntiHebbian(), hm.Storkey(), hm.PseudoInverse(),
                                  hm.Hebbian(subtract_mean=True)])
def test_weights_are_symmetric_with_zero_diagonal(rule):
    X = random_patterns(5, 50, seed=5)
    W = rule.weights(X)
    assert_array_equal(W, W.T)
    assert_array_equal(np.diag(W), 0)


def test_model_W_equals_rule_weights_and_is_read_only():
    X = random_patterns(4, 64, seed=6)
    model = hm.HopfieldNetwork(64)
    hm.HebbianTrainer(model, subtract_mean=False).train(X)
    assert model.W.shape == (64, 64)
    assert_allclose(model.W, hm.Hebbian().weights(X), rtol=1e-6)
    with pytest.raises(ValueError, match="read-only"):
        model.W[0, 1] = 5.0


def test_training_is_one_gemm_not_syrk(monkeypatch):
    # X.T @ X on one buffer goes to SYRK (slow for small P); building W must
    # multiply a contiguous copy instead. Check the operand really is a copy.
    X = random_patterns(3, 32, seed=7)
    rep = hm.Hebbian()._build(X)
    assert rep.UT.flags.c_contiguous and not np.shares_memory(rep.UT, rep.U)


def test_rule_repr_shows_non_defaults():
    assert repr(hm.Hebbian()) == "Hebbian()"
    assert repr(hm.Hebbian(subtract_mean=True)) == "Hebbian(subtract_mean=True)"
    assert repr(hm.PseudoInverse(zero_diagonal=False)) == "PseudoInverse(zero_diagonal=False)"


def test_dense_matrix_too_large_is_refused_before_allocating():
    model = hm.HopfieldNetwork(1_000_000)
    X = np.ones((2, 1_000_000))
    X[1, ::2] = -1
    hm.HebbianTrainer(model, subtract_mean=False).train(X)  # low-rank: fine
    with pytest.raises(hm.WeightMatrixTooLargeError, match=r"TiB.*Nothing was allocated"):
        model.W
    # Storkey is low-rank too (issue 10): it trains without the dense matrix.
    storkey = hm.Trainer(hm.HopfieldNetwork(1_000_000), hm.Storkey()).train(X)
    assert storkey.model._weights.kind == "lowrank"
    with pytest.raises(hm.WeightMatrixTooLargeError, match=r"TiB.*Nothing was allocated"):
        storkey.model.W
