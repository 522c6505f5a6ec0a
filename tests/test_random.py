"""Seeding the canns way (hebbmem.random): one seed at the top of a program makes every model reproducible."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hebbmem as hm


@pytest.fixture(autouse=True)
def forget_the_seed():
    hm.random.seed(None)
    yield
    hm.random.seed(None)


def _layers():
    return hm.LinearLayer(5, 3).W, hm.SpikingLayer(4, 2).W


def _async_recall():
    X = np.where(np.random.default_rng(0).random((3, 64)) < 0.5, 1.0, -1.0)
    noisy = hm.noise.flip_fraction(X, 0.3, rng=1)
    model = hm.HopfieldNetwork(64, asyn=True)
    return hm.HebbianTrainer(model, subtract_mean=False).train(X).predict_batch(noisy, return_info=True)


def test_one_seed_at_the_top_makes_layers_reproducible():
    hm.random.seed(42)
    first = _layers()
    hm.random.seed(42)
    again = _layers()
    for a, b in zip(first, again):
        assert_array_equal(a, b)
    hm.random.seed(43)
    assert not np.array_equal(_layers()[0], first[0])


def test_the_canns_spelling_is_the_same_call():
    import hebbmem as bm  # the mechanical port of `import brainpy.math as bm`

    bm.random.seed(42)
    W = bm.LinearLayer(5, 3).W
    hm.random.seed(42)
    assert_array_equal(hm.LinearLayer(5, 3).W, W)


def test_numpy_global_seed_alone_makes_programs_reproducible():
    np.random.seed(42)
    first = _layers()
    np.random.seed(42)
    again = _layers()
    assert_array_equal(first[0], again[0])
    assert_array_equal(first[1], again[1])
    np.random.seed(7)
    assert not np.array_equal(_layers()[0], first[0])


def test_models_created_in_a_row_do_not_share_weights():
    hm.random.seed(0)
    a, b = hm.SpikingLayer(4, 2).W, hm.SpikingLayer(4, 2).W
    assert not np.array_equal(a, b)  # canns 1.5.0 gives every layer of a shape the same W
    np.random.seed(0)
    assert not np.array_equal(hm.LinearLayer(4, 2).W, hm.LinearLayer(4, 2).W)


def test_seed_argument_wins_over_the_default_generator():
    hm.random.seed(1)
    a = hm.LinearLayer(5, 3, seed=7).W
    hm.random.seed(2)
    b = hm.LinearLayer(5, 3, seed=7).W
    assert_array_equal(a, b)
    assert_array_equal(a, hm.LinearLayer(5, 3, seed=np.random.default_rng(7)).W)


def test_hopfield_async_orders_follow_the_same_convention():
    hm.random.seed(5)
    a = _async_recall()
    hm.random.seed(5)
    b = _async_recall()
    assert_array_equal(a.states, b.states)
    assert_array_equal(a.n_iter, b.n_iter)
    np.random.seed(5)
    c = _async_recall()
    np.random.seed(5)
    assert_array_equal(_async_recall().n_iter, c.n_iter)


def test_seed_none_goes_back_to_numpy_global_state():
    hm.random.seed(3)
    hm.random.seed(None)
    np.random.seed(11)
    a = hm.LinearLayer(3, 3).W
    np.random.seed(11)
    assert_array_equal(hm.LinearLayer(3, 3).W, a)


@pytest.mark.parametrize("bad, exc", [(-1, ValueError), (1.5, TypeError), ("42", TypeError), (True, TypeError)])
def test_bad_seeds_are_refused(bad, exc):
    with pytest.raises(exc, match=r"The 'seed' parameter of hebbmem.random.seed must be None, an int >= 0"):
        hm.random.seed(bad)
    with pytest.raises(exc, match=r"The 'seed' parameter of LinearLayer must be"):
        hm.LinearLayer(3, 2, seed=bad)
