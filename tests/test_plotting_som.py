"""Figures of the self-organising map: what each draws, that inputs are left alone, and clear errors."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hebbmem as hm
from hebbmem import plotting


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def som():
    X = np.random.default_rng(0).random((200, 4))
    model = hm.SelfOrganizingMap(5, 6, 4, seed=0)
    hm.SOMTrainer(model, 0.5, 2.0).train(X, epochs=2)
    model.data = X
    return model


def image(ax, k=0):
    return np.asarray(ax.images[k].get_array())


def test_umatrix_draws_the_distance_map(som):
    W = som.W.copy()
    ax = plotting.plot_umatrix(som)
    assert_allclose(image(ax), som.distance_map())
    assert ax.get_title() == "U-matrix" and len(ax.figure.axes) == 2  # with its colour bar
    ax2 = plotting.plot_umatrix(som, scaling="mean", colorbar=False, title=None)
    assert_allclose(image(ax2), som.distance_map("mean")) and len(ax2.figure.axes) == 1
    fig, given = plt.subplots()
    assert plotting.plot_umatrix(np.eye(3), given) is given
    assert_array_equal(som.W, W)


def test_component_planes(som):
    ax = plotting.plot_component_plane(som, 2)
    assert_array_equal(image(ax), som.W[:, :, 2]) and ax.get_title() == "input 2"
    fig = plotting.plot_component_planes(som, names=list("abcd"))
    assert len(fig.axes) == 4 and [a.get_title() for a in fig.axes] == list("abcd")
    assert_array_equal(image(fig.axes[3]), som.W[:, :, 3])
    fig = plotting.plot_component_planes(som.W, components=[0, 3, 1], ncols=2)
    assert len(fig.axes) == 3
    assert_array_equal(image(fig.axes[1]), som.W[:, :, 3])


def test_prototypes_mosaic_places_each_unit_at_its_grid_position(som):
    W = np.zeros((2, 3, 4))
    W[1, 2] = [0, 1, 2, 3]
    ax = plotting.plot_som_prototypes(W, (2, 2))
    mosaic = image(ax)
    assert mosaic.shape == (2 * 3 + 1, 3 * 3 + 1)
    assert_allclose(mosaic[4:6, 7:9], [[0, 1 / 3], [2 / 3, 1]])  # scaled to its own range
    assert plotting.plot_som_prototypes(som, (2, 2), title=None).get_title() == ""


def test_label_map_colours_and_writes_labels(som):
    L = som.label_map(som.data, (som.data[:, 0] > 0.5).astype(int))
    ax = plotting.plot_label_map(L)
    assert_array_equal(image(ax), L + 1)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == (L >= 0).sum() and set(texts) <= {"0", "1"}
    ax = plotting.plot_label_map([[0, -1], [1, 1]], names=["low", "high"])
    assert sorted(t.get_text() for t in ax.texts) == ["high", "high", "low"]


def test_bad_inputs_are_refused_with_a_message(som):
    with pytest.raises(ValueError, match="component must be an int from 0 to 3"):
        plotting.plot_component_plane(som, 4)
    with pytest.raises(ValueError, match="too many panels"):
        plotting.plot_component_planes(np.zeros((2, 2, 50)))
    with pytest.raises(ValueError, match="names has 1 entries for 4 components"):
        plotting.plot_component_planes(som, names=["a"])
    with pytest.raises(ValueError, match=r"shape \(3, 3\) does not fit 4 inputs"):
        plotting.plot_som_prototypes(som, (3, 3))
    with pytest.raises(ValueError, match=r"shape \(rows, cols, n_inputs\); got shape \(4,\)"):
        plotting.plot_som_prototypes(np.zeros(4), (2, 2))
    with pytest.raises(ValueError, match="ints >= -1"):
        plotting.plot_label_map(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="a U-matrix has shape"):
        plotting.plot_umatrix(np.zeros(3))
    with pytest.raises(TypeError, match="SelfOrganizingMap"):
        plotting.plot_umatrix(object())


def test_headless():
    assert matplotlib.get_backend().lower() == "agg"
