"""Kohonen's self-organising map (issue 16, item 3): kernel, NumPy and textbook twins, MiniSom parity, MNIST."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hebbmem as hm
import reference_competitive as ref
from hebbmem.competitive import _kernels, som_trainer


@pytest.fixture(scope="module")
def digits():
    images, labels = hm.datasets.load_mnist()
    return images.reshape(len(images), -1) / 255.0, labels


def small_data(seed=0, n=120, d=5):
    return np.random.default_rng(seed).random((n, d))


TRAIN_OPTIONS = [
    {},
    {"epochs": 3},
    {"random_order": True, "epochs": 2},
    {"num_iteration": 333},
    {"num_iteration": 333, "random_order": True},
    {"epochs": 3, "use_epochs": True},
    {"epochs": 3, "use_epochs": True, "random_order": True},
]
SCHEDULES = [
    {},
    {"decay_function": "inverse_decay_to_zero", "sigma_decay_function": "inverse_decay_to_one"},
    {"decay_function": "linear_decay_to_zero", "sigma_decay_function": "linear_decay_to_one", "sigma": 2.5},
]


# ------------------------------------------------------------ the rule
def test_neighbourhood_and_step_by_hand():
    h = hm.Kohonen.neighborhood((1, 0), 1.0, 3, 2)
    e = math.exp(-0.5)
    assert_array_equal(h, [[e, e * e], [1.0, e], [e, e * e]])
    W = np.zeros((3, 2, 1))
    winner = hm.Kohonen().step(W, np.array([2.0]), 0.5, 1.0)
    assert winner == (0, 0)  # every unit at 0: a tie, the lowest flat index wins
    assert_allclose(W[..., 0], 0.5 * 2.0 * hm.Kohonen.neighborhood((0, 0), 1.0, 3, 2), rtol=1e-15)


def test_schedules_are_minisoms_formulas():
    t, T = np.arange(10), 10
    rule = hm.Kohonen(0.5, 2.0)
    eta, sigma = rule.schedule(t, T)
    assert_array_equal(eta, [ref.asymptotic_decay(0.5, k, T) for k in t])
    assert_array_equal(sigma, [ref.asymptotic_decay(2.0, k, T) for k in t])
    eta, sigma = hm.Kohonen(0.5, 2.0, "inverse_decay_to_zero", "inverse_decay_to_one").schedule(t, T)
    assert_allclose(eta, [0.5 * 0.1 / (0.1 + k) for k in t], rtol=1e-15)
    assert_allclose(sigma, [2.0 / (1 + k * (2.0 - 1) / T) for k in t], rtol=1e-15)
    eta, sigma = hm.Kohonen(0.5, 2.0, "linear_decay_to_zero", "linear_decay_to_one").schedule(t, T)
    assert_allclose(eta, 0.5 * (1 - t / T), rtol=1e-15)
    assert_allclose(sigma, 2.0 + t * (1 - 2.0) / T, rtol=1e-15)


def test_schedules_and_neighbourhood_equal_minisoms_own():
    minisom = pytest.importorskip("minisom")
    ms = minisom.MiniSom(4, 6, 3, sigma=1.7, learning_rate=0.4, random_seed=0)
    rule = hm.Kohonen(0.4, 1.7)
    T = 37
    for name, fn in (("asymptotic_decay", ms._asymptotic_decay), ("inverse_decay_to_zero", ms._inverse_decay_to_zero),
                     ("linear_decay_to_zero", ms._linear_decay_to_zero)):
        eta = hm.Kohonen(0.4, 1.7, decay_function=name).schedule(np.arange(T), T)[0]
        assert_array_equal(eta, [fn(0.4, t, T) for t in range(T)])
    for name, fn in (("asymptotic_decay", ms._asymptotic_decay), ("inverse_decay_to_one", ms._inverse_decay_to_one),
                     ("linear_decay_to_one", ms._linear_decay_to_one)):
        sigma = hm.Kohonen(0.4, 1.7, sigma_decay_function=name).schedule(np.arange(T), T)[1]
        assert_array_equal(sigma, [fn(1.7, t, T) for t in range(T)])
    for c in [(0, 0), (2, 5), (3, 1)]:
        assert_allclose(rule.neighborhood(c, 0.8, 4, 6), ms._gaussian(c, 0.8), rtol=1e-15)


def test_the_subnormal_cut_is_the_same_in_kernel_and_numpy():
    assert _kernels._SMALLEST_NORMAL == som_trainer._SMALLEST_NORMAL == np.finfo(np.float64).tiny
    # sigma 0.05: exp(-1 / 0.005) = 1e-87 next to the winner, subnormal or 0 beyond: winner-take-all in effect
    X = small_data(3, 30, 4)
    runs = []
    for compiled in (True, False):
        som = hm.SelfOrganizingMap(3, 3, 4, seed=0)
        hm.SOMTrainer(som, 0.5, 0.05, sigma_decay_function="linear_decay_to_one", compiled=compiled).train(X)
        runs.append(som.W)
    assert_array_equal(*runs)


# -------------------------------------------------- kernel, NumPy and the twin
@pytest.mark.parametrize("options", TRAIN_OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
@pytest.mark.parametrize("schedule", SCHEDULES, ids=["asymptotic", "inverse", "linear"])
def test_kernel_and_numpy_are_bit_identical(options, schedule):
    X = small_data(1, 57, 7)
    runs = []
    for compiled in (True, False):
        som = hm.SelfOrganizingMap(4, 5, 7, seed=2)
        hm.SOMTrainer(som, **{"learning_rate": 0.5, "sigma": 1.5, **schedule}, compiled=compiled).train(X, **options)
        runs.append(som)
    assert_array_equal(runs[0].W, runs[1].W)
    assert_array_equal(runs[0].rng.random(3), runs[1].rng.random(3))  # the same random draws


def test_kernel_equals_the_textbook_twin():
    X = small_data(2, 40, 6)
    som = hm.SelfOrganizingMap(3, 4, 6, seed=5)
    W0 = som.W.copy()
    hm.SOMTrainer(som, 0.5, 1.2).train(X, epochs=2)
    W = ref.som(W0, X, np.arange(80) % 40, 0.5, 1.2)
    assert_allclose(som.W, W, rtol=1e-12, atol=1e-14)


def test_long_runs_cross_the_kernel_chunks(monkeypatch):
    monkeypatch.setattr(som_trainer, "_CHUNK", 7)  # several kernel calls per train(): same weights
    X = small_data(4, 30, 9)
    runs = []
    for chunked in (True, False):
        if not chunked:
            monkeypatch.setattr(som_trainer, "_CHUNK", 1 << 16)
        som = hm.SelfOrganizingMap(3, 3, 9, seed=1)
        hm.SOMTrainer(som, 0.3, 1.0).train(X, num_iteration=50, random_order=True)
        runs.append(som.W)
    assert_array_equal(*runs)


# ------------------------------------------------------------ MiniSom parity
def test_same_start_same_order_gives_minisoms_weights_and_measures():
    minisom = pytest.importorskip("minisom")
    X = small_data(5, 200, 13)
    for options, ms_options in (({}, {}), ({"epochs": 3, "use_epochs": True}, {"use_epochs": True})):
        ms = minisom.MiniSom(5, 7, 13, sigma=1.5, learning_rate=0.5, random_seed=0)
        som = hm.SelfOrganizingMap(5, 7, 13, seed=0)
        som.W = ms.get_weights().copy()
        if options:
            ms.train(X, 3, **ms_options)
        else:
            ms.train(X, 1000)
            options = {"num_iteration": 1000}
        hm.SOMTrainer(som, 0.5, 1.5).train(X, **options)
        assert_allclose(som.W, ms.get_weights(), rtol=0, atol=1e-12)  # rounding: np.exp vs the C library's exp
        som.W = ms.get_weights().copy()  # then the measures, on the very same weights
        assert som.quantization_error(X) == pytest.approx(ms.quantization_error(X), rel=1e-12)
        assert som.topographic_error(X) == ms.topographic_error(X)
        assert_allclose(som.distance_map(), ms.distance_map(), rtol=1e-12)
        assert_allclose(som.distance_map("mean"), ms.distance_map("mean"), rtol=1e-12)
        assert_array_equal(som.quantization(X), ms.quantization(X))
        assert som.winner(X[3]) == tuple(int(v) for v in ms.winner(X[3]))
        assert_array_equal(som.activation_response(X), ms.activation_response(X))
        assert_allclose(som.activate(X[0]), ms.activate(X[0]), rtol=1e-12)


def test_quantisation_and_topographic_error_match_minisom_on_mnist(digits):
    minisom = pytest.importorskip("minisom")
    X, _ = digits
    ms = minisom.MiniSom(8, 8, 784, sigma=2.0, learning_rate=0.5, random_seed=0)
    som = hm.SelfOrganizingMap(8, 8, 784, seed=0)
    som.W = ms.get_weights().copy()  # the same start; the random orders are each package's own
    ms.train(X, 4000, random_order=True)
    hm.SOMTrainer(som, 0.5, 2.0).train(X, num_iteration=4000, random_order=True)
    qe, ms_qe = som.quantization_error(X), ms.quantization_error(X)
    te, ms_te = som.topographic_error(X), ms.topographic_error(X)
    assert abs(qe - ms_qe) <= 0.10 * ms_qe, (qe, ms_qe)
    assert te <= ms_te + 0.05, (te, ms_te)


def test_initialisations_are_minisoms(digits):
    minisom = pytest.importorskip("minisom")
    X = digits[0][:300]
    ms = minisom.MiniSom(4, 5, 784, random_seed=0)
    som = hm.SelfOrganizingMap(4, 5, 784, seed=0)
    assert_allclose(np.linalg.norm(som.W, axis=-1), 1.0, rtol=1e-14)  # MiniSom's unit-length random start
    ms.pca_weights_init(X)
    som.pca_weights_init(X)
    assert_allclose(som.W, ms.get_weights(), rtol=1e-12, atol=1e-12)
    som.random_weights_init(X)
    rows = {tuple(r) for r in X}
    assert all(tuple(w) in rows for w in som.W.reshape(20, -1))


# ------------------------------------------------------------ the science
def neighbour_agreement(labels_map):
    """Fraction of pairs of grid neighbours (up-down, left-right; both winning inputs) with the same label."""
    same = []
    for a, b in ((labels_map[1:], labels_map[:-1]), (labels_map[:, 1:], labels_map[:, :-1])):
        ok = (a >= 0) & (b >= 0)
        same.append((a == b)[ok])
    return float(np.concatenate(same).mean())


def test_a_map_of_mnist_puts_each_digit_in_a_contiguous_region(digits):
    X, labels = digits
    som = hm.SelfOrganizingMap(12, 12, 784, seed=0)
    hm.SOMTrainer(som, 0.5, 3.0).train(X, epochs=5, random_order=True)
    L = som.label_map(X, labels)
    rng = np.random.default_rng(0)
    shuffled = np.mean([neighbour_agreement(rng.permutation(L.ravel()).reshape(L.shape)) for _ in range(50)])
    agreement = neighbour_agreement(L)
    assert agreement >= 0.45 and shuffled <= 0.15, (agreement, shuffled)
    winners = som.winner(X)
    purity = np.mean(L[winners[:, 0], winners[:, 1]] == labels)
    assert purity >= 0.7
    assert som.topographic_error(X) <= 0.15


def test_a_grid_unfolds_over_the_unit_square():
    X = np.random.default_rng(0).random((1000, 2))
    som = hm.SelfOrganizingMap(8, 8, 2, seed=0)
    hm.SOMTrainer(som, 0.5, 3.0).train(X, epochs=10, random_order=True)
    assert som.topographic_error(X) < 0.05
    # the corners of the grid go to the corners of the square, in order
    corners = np.round(som.W[[0, 0, -1, -1], [0, -1, 0, -1]])
    assert sorted(map(tuple, corners)) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert not np.array_equal(corners[0], corners[3]) and not np.array_equal(corners[1], corners[2])


# ------------------------------------------------------------ the measures
def test_measures_equal_the_textbook_twins():
    X = small_data(6, 80, 4)
    som = hm.SelfOrganizingMap(4, 3, 4, seed=0)
    hm.SOMTrainer(som, 0.5, 1.0).train(X)
    assert som.quantization_error(X) == pytest.approx(ref.quantization_error(som.W, X), rel=1e-12)
    assert som.topographic_error(X) == ref.topographic_error(som.W, X)
    assert_allclose(som.distance_map(), ref.u_matrix(som.W), rtol=1e-12)
    assert_allclose(som.distance_map(scaling="mean"), ref.u_matrix(som.W, mean=True), rtol=1e-12)
    for x in X[:10]:
        assert som.winner(x) == ref.bmus(som.W, x)[0]
    assert_array_equal(som.winner(X), [ref.bmus(som.W, x)[0] for x in X])
    assert som.activation_response(X).sum() == len(X)


def test_winners_ties_and_label_map():
    som = hm.SelfOrganizingMap(2, 2, 1, seed=0)
    som.W = np.array([[[0.0], [1.0]], [[1.0], [3.0]]])
    assert som.winner([1.0]) == (0, 1)  # (0, 1) and (1, 0) tie: the lowest flat index
    assert_array_equal(som.winner([[1.0], [0.4], [2.9]]), [[0, 1], [0, 0], [1, 1]])
    assert_allclose(som.activation, [[1.0, 0.0], [0.0, 2.0]])
    L = som.label_map([[0.0], [0.1], [0.9], [1.1], [3.0]], [4, 4, 2, 7, 1])
    assert_array_equal(L, [[4, 2], [-1, 1]])  # unit (0, 1): labels 2 and 7 tie, the smaller wins
    trainer = hm.SOMTrainer(som)
    assert trainer.predict([2.9]) == (1, 1)
    assert_array_equal(trainer.predict_batch([[2.9], [0.0]]), [[1, 1], [0, 0]])


def test_distance_map_of_a_flat_map_is_zero_and_one_by_one_maps():
    som = hm.SelfOrganizingMap(3, 3, 2, seed=0)
    som.W = np.ones((3, 3, 2))
    assert_array_equal(som.distance_map(), np.zeros((3, 3)))
    one = hm.SelfOrganizingMap(1, 1, 2, seed=0)
    assert_array_equal(one.distance_map(), [[0.0]])
    with pytest.raises(ValueError, match="not defined for a 1 x 1 map"):
        one.topographic_error([[0.0, 0.0]])
    line = hm.SelfOrganizingMap(1, 5, 1, seed=0)
    line.W = np.arange(5.0).reshape(1, 5, 1)
    assert_allclose(line.distance_map(), [[0.5, 1, 1, 1, 0.5]])
    assert line.topographic_error([[1.2], [2.6]]) == 0.0


def test_caller_arrays_are_not_modified_and_seeds_reproduce():
    X = small_data(7, 50, 3)
    before = X.copy()
    a, b = hm.SelfOrganizingMap(3, 3, 3, seed=9), hm.SelfOrganizingMap(3, 3, 3, seed=9)
    for som in (a, b):
        hm.SOMTrainer(som).train(X, epochs=2, random_order=True)
    assert_array_equal(a.W, b.W)
    assert_array_equal(X, before)
    hm.random.seed(4)
    c = hm.SelfOrganizingMap(3, 3, 3)
    hm.random.seed(4)
    assert_array_equal(c.W, hm.SelfOrganizingMap(3, 3, 3).W)
    hm.random.seed(None)


def test_progress_and_repr(capsys):
    X = small_data(0, 20, 2)
    som = hm.SelfOrganizingMap(2, 3, 2, seed=1)
    trainer = hm.SOMTrainer(som, 0.4, 2.0, show_iteration_progress=True).train(X, epochs=2)
    assert "iteration 40/40" in capsys.readouterr().err
    assert repr(trainer) == "SOMTrainer(SelfOrganizingMap(2, 3, 2, seed=1), Kohonen(learning_rate=0.4, sigma=2.0))"
    trainer.sigma = 1.0
    assert trainer.rule == hm.Kohonen(0.4)
    assert som.get_weights() is som.W and som.shape == (2, 3)


def test_save_and_load_continue_bit_for_bit(tmp_path):
    X = small_data(8, 60, 4)
    som = hm.SelfOrganizingMap(3, 4, 4, seed=11)
    hm.SOMTrainer(som).train(X, random_order=True)
    som.winner(X[0])
    path = tmp_path / "som.npz"
    som.save(path)
    again = hm.load(path)
    assert repr(again) == "SelfOrganizingMap(3, 4, 4, seed=11)"
    assert_array_equal(again.W, som.W)
    assert_array_equal(again.activation, som.activation)
    for m in (som, again):
        hm.SOMTrainer(m).train(X, epochs=2, random_order=True)
    assert_array_equal(again.W, som.W)


def test_corrupted_files_are_refused(tmp_path):
    import json
    import zipfile

    som = hm.SelfOrganizingMap(2, 2, 3, seed=0)
    path = tmp_path / "som.npz"
    som.save(path)
    with np.load(path) as f:
        arrays = {k: f[k] for k in f.files}
    header = json.loads(arrays["header"].tobytes())
    header["network"]["params"]["rows"] = 5
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    bad = tmp_path / "bad.npz"
    np.savez(bad, **arrays)
    with pytest.raises(hm.ModelFileError, match=r"'W' has shape \(2, 2, 3\); expected \(5, 2, 3\)"):
        hm.load(bad)
    assert zipfile.is_zipfile(path)


# ------------------------------------------------------------ clear errors
def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="'rows' parameter of SelfOrganizingMap must be an int >= 1"):
        hm.SelfOrganizingMap(0, 3, 2)
    with pytest.raises(ValueError, match=r"Pass int\(3.0\) = 3"):
        hm.SelfOrganizingMap(3.0, 3, 2)
    with pytest.raises(hm.WeightMatrixTooLargeError, match="Nothing was allocated"):
        hm.SelfOrganizingMap(10 ** 5, 10 ** 5, 10 ** 3)
    with pytest.raises(ValueError, match="'sigma' parameter of Kohonen must be a finite real number >= 0.001"):
        hm.Kohonen(sigma=0.0)
    with pytest.raises(ValueError, match="'learning_rate' parameter of Kohonen .* <= 1"):
        hm.Kohonen(learning_rate=3.0)
    with pytest.raises(ValueError, match="'decay_function' parameter of Kohonen must be one of 'asymptotic_decay'"):
        hm.Kohonen(decay_function="inverse_decay_to_one")
    with pytest.raises(TypeError, match="needs a model instance"):
        hm.SOMTrainer(hm.SelfOrganizingMap)
    with pytest.raises(TypeError, match="trains a hebbmem.SelfOrganizingMap; got CompetitiveLayer"):
        hm.SOMTrainer(hm.CompetitiveLayer(2, 2))


def test_bad_data_and_calls_are_refused():
    som = hm.SelfOrganizingMap(3, 3, 4, seed=0)
    trainer = hm.SOMTrainer(som)
    with pytest.raises(ValueError, match="either num_iteration .* or epochs"):
        trainer.train(np.zeros((5, 4)), epochs=2, num_iteration=10)
    with pytest.raises(ValueError, match="'num_iteration'"):
        trainer.train(np.zeros((5, 4)), num_iteration=0)
    with pytest.raises(hm.WeightMatrixTooLargeError, match="sample order of 1,000,000,000,000,000,000 iterations.*Nothing was allocated"):
        trainer.train(np.zeros((5, 4)), num_iteration=10 ** 18)
    with pytest.raises(ValueError, match=r"stack of images: flatten"):
        trainer.train(np.zeros((5, 2, 2)))
    with pytest.raises(ValueError, match="NaN or inf"):
        som.quantization_error([[0, 0, 0, np.inf]])
    with pytest.raises(ValueError, match="predict_batch"):
        trainer.predict(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="activate takes one input"):
        som.activate(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="labels must be 2 integers >= 0"):
        som.label_map(np.zeros((2, 4)), ["a", "b"])
    with pytest.raises(ValueError, match="'scaling'"):
        som.distance_map("max")
    with pytest.raises(ValueError, match="needs at least 2 inputs"):
        hm.SelfOrganizingMap(2, 2, 1).pca_weights_init([[1.0], [2.0]])
    som.W = np.zeros((3, 4, 4))
    with pytest.raises(ValueError, match=r"SelfOrganizingMap.W must be a real array of shape \(3, 3, 4\)"):
        trainer.train(np.zeros((5, 4)))
