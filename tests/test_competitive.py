"""Competitive learning (issue 16, item 2): the winner-take-all rule, its kernel, its twins, and online k-means."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hebbmem as hm
import reference_competitive as ref
from hebbmem.competitive import _distances

OPTIONS = [
    {},
    {"learning_rate": 0.3},
    {"schedule": "kmeans"},
    {"fairness": "conscience", "conscience_bias": 2.0, "conscience_rate": 0.05},
    {"fairness": "frequency"},
    {"fairness": "frequency", "schedule": "kmeans"},
]


def blobs(centres, per_blob, width, seed):
    """Gaussian blobs of standard deviation ``width`` around ``centres``, shuffled; returns X and labels."""
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, dtype=float)
    labels = np.repeat(np.arange(len(centres)), per_blob)
    X = centres[labels] + width * rng.normal(size=(len(labels), centres.shape[1]))
    perm = rng.permutation(len(X))
    return X[perm], labels[perm]


CENTRES = [[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0], [10.0, 10.0, 10.0]]


def match(found, true):
    """Distance from each true centre to the found centre nearest to it (each found centre used once)."""
    found, true = np.asarray(found), np.asarray(true)
    D = np.linalg.norm(true[:, None] - found[None], axis=2)
    used, out = set(), []
    for i in np.argsort(D.min(axis=1)):
        j = min((j for j in range(len(found)) if j not in used), key=lambda j: D[i, j])
        used.add(j)
        out.append(D[i, j])
    return np.array(out)


# ------------------------------------------------------------------ the rule
def test_the_step_by_hand():
    W = np.array([[0.0, 0.0], [4.0, 4.0]])
    wins, freq = np.zeros(2, dtype=np.int64), np.full(2, 0.5)
    rule = hm.WinnerTakeAll(learning_rate=0.25)
    assert rule.step(W, np.array([3.0, 5.0]), wins, freq) == 1
    assert_array_equal(W, [[0.0, 0.0], [3.75, 4.25]])  # 4 + 0.25 (3 - 4), 4 + 0.25 (5 - 4)
    assert_array_equal(wins, [0, 1])
    # MacQueen: the rate is 1 / (wins so far), so the first win copies the input and the second halves the gap
    rule = hm.WinnerTakeAll(schedule="kmeans")
    W = np.array([[9.0, 9.0]])
    wins = np.zeros(1, dtype=np.int64)
    rule.step(W, np.array([1.0, 2.0]), wins, np.ones(1))
    rule.step(W, np.array([3.0, 4.0]), wins, np.ones(1))
    assert_array_equal(W, [[2.0, 3.0]])


def test_conscience_by_hand():
    # unit 0 is nearer, but it has won too often: its bias C (1/m - p) makes unit 1 win
    W = np.array([[0.0], [1.0]])
    freq = np.array([0.9, 0.1])
    rule = hm.WinnerTakeAll(learning_rate=0.5, fairness="conscience", conscience_bias=10.0, conscience_rate=0.5)
    win = rule.step(W, np.array([0.4]), np.zeros(2, dtype=np.int64), freq)
    assert_allclose(freq, [0.95, 0.05])  # p <- p + beta (z - p), z = 1 for the nearest unit (0)
    # distances 0.16 and 0.36; biases 10 (0.5 - 0.95) = -4.5 and 10 (0.5 - 0.05) = 4.5
    assert win == 1
    assert_allclose(W, [[0.0], [0.7]], rtol=0, atol=1e-15)


def test_frequency_sensitive_by_hand():
    W = np.array([[0.0], [1.0]])
    wins = np.array([3, 0])
    win = hm.WinnerTakeAll(fairness="frequency").step(W, np.array([0.4]), wins, np.ones(2))
    assert win == 1  # (3 + 1) 0.16 = 0.64 > (0 + 1) 0.36
    assert_array_equal(wins, [3, 1])


def test_ties_go_to_the_lowest_index():
    layer = hm.CompetitiveLayer(1, 3, seed=0)
    layer.W = np.array([[1.0], [-1.0], [1.0]])
    assert layer.winner([0.0]) == 0
    assert_array_equal(layer.winner([[0.0], [0.0]]), [0, 0])
    assert_array_equal(layer.winner([[1.0], [5.0], [-3.0]]), [0, 0, 1])
    X = np.array([[0.0]] * 4)
    for compiled in (True, False):
        model = hm.CompetitiveLayer(1, 3, seed=0)
        model.W = np.array([[1.0], [-1.0], [1.0]])
        hm.CompetitiveTrainer(model, 0.5, compiled=compiled).train(X)
        assert_array_equal(model.wins, [4, 0, 0])  # 0 wins the three-way tie, moves to 0.5, keeps winning
        assert_array_equal(model.W, [[0.0625], [-1.0], [1.0]])


# -------------------------------------------------- kernel, NumPy and the twin
@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "default")
@pytest.mark.parametrize("seed", [0, 1])
def test_kernel_numpy_and_textbook_twin_agree(options, seed):
    X, _ = blobs(CENTRES, 40, 1.5, seed)
    runs = {}
    for compiled in (True, False):
        model = hm.CompetitiveLayer(3, 6, seed=seed).random_weights_init(X)
        W0 = model.W.copy()
        hm.CompetitiveTrainer(model, compiled=compiled, **options).train(X, epochs=3, shuffle=True)
        runs[compiled] = model
    a, b = runs[True], runs[False]
    assert_array_equal(a.W, b.W)  # bit for bit
    assert_array_equal(a.wins, b.wins)
    assert_array_equal(a.win_frequency, b.win_frequency)
    # the orders come from the layer's generator after random_weights_init: replay them
    rng = hm.CompetitiveLayer(3, 6, seed=seed).random_weights_init(X).rng
    order = np.concatenate([rng.permutation(len(X)) for _ in range(3)])
    rule = hm.WinnerTakeAll(**options)
    W, wins, p = ref.competitive(W0, X, order, rule.learning_rate, rule.schedule, rule.fairness,
                                 rule.conscience_bias, rule.conscience_rate)
    assert_array_equal(wins, a.wins)
    assert_allclose(a.W, W, rtol=1e-12, atol=1e-12)
    assert_allclose(a.win_frequency, p, rtol=1e-12)


def test_kmeans_schedule_is_macqueens_online_kmeans():
    X, _ = blobs(CENTRES, 30, 2.0, 3)
    model = hm.CompetitiveLayer(3, 5, seed=0)
    model.W = X[:5].copy()
    hm.CompetitiveTrainer(model, schedule="kmeans").train(X)
    C, counts = ref.macqueen(X[:5], X, np.arange(len(X)))
    assert_array_equal(model.wins, counts)
    assert_allclose(model.W, C, rtol=1e-12, atol=1e-12)
    # each prototype is the mean of the samples it won
    won = [[] for _ in range(5)]
    probe = hm.CompetitiveLayer(3, 5, seed=0)
    probe.W = X[:5].copy()
    for x in X:
        i = probe.winner(x)
        won[i].append(x)
        probe.W[i] = np.mean(won[i], axis=0)
    assert_allclose(model.W, probe.W, rtol=1e-12, atol=1e-12)


def test_squared_distances_sum_left_to_right():
    rng = np.random.default_rng(0)
    W, x = rng.normal(size=(7, 13)), rng.normal(size=13)
    d = _distances.squared_distances(W, x)
    assert_array_equal(d, [ref.sq_dist(w, x) for w in W])
    X = rng.normal(size=(41, 13))  # odd: the kernel takes rows in pairs, and 13 inputs in pairs
    k = _distances.nearest_two(W, X, compiled=True)
    n = _distances.nearest_two(W, X, compiled=False)
    for a, b in zip(k, n):
        assert_array_equal(a, b)
    assert_array_equal(k[2], [min(ref.sq_dist(w, x) for w in W) for x in X])


# ------------------------------------------------------------ the science
def fit(X, k, seed, width=1.0):
    """The recipe of the tutorial: start on data, share the data out fairly (FSCL), then online k-means."""
    model = hm.CompetitiveLayer(X.shape[1], k, seed=seed).random_weights_init(X)
    hm.CompetitiveTrainer(model, 0.05, fairness="frequency").train(X, epochs=3, shuffle=True)
    start = model.W.copy()
    model.init_state()  # k-means' rate 1 / wins counts from here
    hm.CompetitiveTrainer(model, schedule="kmeans").train(X, epochs=5, shuffle=True)
    return model, start


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_centres_match_the_textbook_kmeans(seed):
    width = 1.0
    X, _ = blobs(CENTRES, 200, width, seed)
    model, start = fit(X, 5, seed)
    lloyd = ref.lloyd(X, start)  # batch k-means from the same start
    assert match(model.W, lloyd).max() <= 0.1 * width
    assert match(model.W, CENTRES).max() <= 0.3 * width  # sampling error of 200 points: about 0.1


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_centres_match_sklearn_kmeans(seed):
    cluster = pytest.importorskip("sklearn.cluster")
    width = 1.0
    X, _ = blobs(CENTRES, 200, width, seed)
    km = cluster.KMeans(n_clusters=5, n_init=10, random_state=seed).fit(X)
    model, _ = fit(X, 5, seed)
    assert match(model.W, km.cluster_centers_).max() <= 0.1 * width
    # a small constant learning rate ends near the centres too, within its own jitter (about sqrt(eta / 2) widths)
    model, _ = fit(X, 5, seed)
    hm.CompetitiveTrainer(model, learning_rate=0.01).train(X, epochs=3, shuffle=True)
    assert match(model.W, km.cluster_centers_).max() <= 0.2 * width


def test_plain_winner_take_all_from_random_samples_can_miss_a_cluster():
    # what fit() guards against: two starting samples in one blob, none in another (a k-means local optimum)
    width = 1.0
    X, _ = blobs(CENTRES, 200, width, 1)
    model = hm.CompetitiveLayer(3, 5, seed=1).random_weights_init(X)
    start = model.W.copy()
    hm.CompetitiveTrainer(model, schedule="kmeans").train(X, epochs=5, shuffle=True)
    assert match(model.W, CENTRES).max() > 3 * width
    assert match(ref.lloyd(X, start), CENTRES).max() > 3 * width  # batch k-means from there misses one too


def test_dead_units_and_the_two_remedies():
    X, _ = blobs(CENTRES, 100, 1.0, 4)
    start = np.full((5, 3), -20.0) + np.random.default_rng(0).normal(scale=0.1, size=(5, 3))  # all far away
    results = {}
    # the conscience's bias C is in units of squared distance: here the squared distances reach about 2,000
    for name, options in {"plain": {}, "conscience": {"fairness": "conscience", "conscience_rate": 0.01,
                                                       "conscience_bias": 1e4},
                          "frequency": {"fairness": "frequency"}}.items():
        model = hm.CompetitiveLayer(3, 5, seed=0)
        model.W = start.copy()
        hm.CompetitiveTrainer(model, learning_rate=0.05, **options).train(X, epochs=10, shuffle=True)
        results[name] = model
    plain = results["plain"]
    assert (plain.wins == 0).sum() == 4  # one unit took every sample; four never won (dead)
    for name in ("conscience", "frequency"):
        model = results[name]
        assert (model.wins > 0).all(), name
        model.init_state()  # then online k-means from there finds the five centres
        hm.CompetitiveTrainer(model, schedule="kmeans").train(X, epochs=3, shuffle=True)
        assert match(model.W, CENTRES).max() < 0.3, name


# ------------------------------------------------------------ the API
def test_predict_and_predict_batch_are_one_hot_and_leave_the_input_alone():
    X, _ = blobs(CENTRES, 20, 1.0, 0)
    model = hm.CompetitiveLayer(3, 5, seed=0).random_weights_init(X)
    trainer = hm.CompetitiveTrainer(model, 0.1).train(X)
    before = X.copy()
    Y = trainer.predict_batch(X)
    assert Y.shape == (len(X), 5)
    assert_array_equal(Y.sum(axis=1), 1.0)
    assert_array_equal(Y.argmax(axis=1), model.winner(X))
    y = trainer.predict(X[3])
    assert_array_equal(y, Y[3])
    assert_array_equal(model.y, y) and np.array_equal(model.x, X[3])
    assert_array_equal(model.forward(X[:4]), Y[:4])
    assert_array_equal(X, before)
    assert model.quantization_error(X) == pytest.approx(
        np.mean([np.sqrt(min(ref.sq_dist(w, x) for w in model.W)) for x in X]), rel=1e-12)


def test_seeds_weights_and_orders_are_reproducible():
    X, _ = blobs(CENTRES, 20, 1.0, 0)
    a = hm.CompetitiveLayer(3, 5, seed=7)
    b = hm.CompetitiveLayer(3, 5, seed=7)
    assert_array_equal(a.W, b.W) and (0 <= a.W).all() and (a.W < 1).all()
    hm.CompetitiveTrainer(a).train(X, epochs=2, shuffle=True)
    hm.CompetitiveTrainer(b).train(X, epochs=2, shuffle=True)
    assert_array_equal(a.W, b.W)
    hm.random.seed(3)
    c = hm.CompetitiveLayer(3, 5)
    hm.random.seed(3)
    assert_array_equal(c.W, hm.CompetitiveLayer(3, 5).W)
    hm.random.seed(None)


def test_record_weights_and_progress(capsys):
    X, _ = blobs(CENTRES, 10, 1.0, 0)
    model = hm.CompetitiveLayer(3, 5, seed=0)
    trainer = hm.CompetitiveTrainer(model, show_iteration_progress=True).train(X, epochs=3, record_weights=True)
    assert trainer.weight_history_.shape == (4, 5, 3)
    assert_array_equal(trainer.weight_history_[-1], model.W)
    assert "epoch 3/3" in capsys.readouterr().err
    # watched or not, the same result
    other = hm.CompetitiveLayer(3, 5, seed=0)
    hm.CompetitiveTrainer(other).train(X, epochs=3)
    assert_array_equal(other.W, model.W)


def test_trainer_parameters_are_the_rules_and_revalidated():
    trainer = hm.CompetitiveTrainer(hm.CompetitiveLayer(2, 2, seed=0), 0.2, fairness="conscience")
    assert trainer.learning_rate == 0.2 and trainer.rule.fairness == "conscience"
    trainer.learning_rate = 0.5
    assert trainer.rule == hm.WinnerTakeAll(0.5, fairness="conscience")
    with pytest.raises(ValueError, match="learning_rate"):
        trainer.learning_rate = 2.0
    assert repr(trainer) == ("CompetitiveTrainer(CompetitiveLayer(2, 2, seed=0), "
                             "WinnerTakeAll(learning_rate=0.5, fairness='conscience'))")


def test_save_and_load_continue_bit_for_bit(tmp_path):
    X, _ = blobs(CENTRES, 20, 1.0, 0)
    model = hm.CompetitiveLayer(3, 5, seed=4).random_weights_init(X)
    hm.CompetitiveTrainer(model, fairness="conscience").train(X, shuffle=True)
    model.forward(X[0])
    path = tmp_path / "layer.npz"
    model.save(path)
    again = hm.load(path)
    assert repr(again) == repr(model) == "CompetitiveLayer(3, 5, seed=4)"
    for name in ("W", "wins", "win_frequency", "y"):
        assert_array_equal(getattr(again, name), getattr(model, name))
    for m in (model, again):
        hm.CompetitiveTrainer(m, fairness="conscience").train(X, epochs=2, shuffle=True)
    assert_array_equal(again.W, model.W)
    assert_array_equal(again.win_frequency, model.win_frequency)


# ------------------------------------------------------------ clear errors
def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="'output_size' parameter of CompetitiveLayer must be an int >= 1"):
        hm.CompetitiveLayer(3, 0)
    with pytest.raises(TypeError, match="'seed'"):
        hm.CompetitiveLayer(3, 2, seed="a")
    with pytest.raises(ValueError, match=r"'learning_rate' parameter of WinnerTakeAll must be .* <= 1"):
        hm.WinnerTakeAll(learning_rate=1.5)
    with pytest.raises(ValueError, match="'schedule'"):
        hm.WinnerTakeAll(schedule="decay")
    with pytest.raises(ValueError, match="'fairness' parameter .* None .* 'conscience'"):
        hm.WinnerTakeAll(fairness="fair")
    with pytest.raises(TypeError, match="'fairness'"):
        hm.WinnerTakeAll(fairness=True)
    with pytest.raises(TypeError, match="needs a model instance, but got the class CompetitiveLayer"):
        hm.CompetitiveTrainer(hm.CompetitiveLayer)
    with pytest.raises(TypeError, match="trains a hebbmem.CompetitiveLayer; got LinearLayer"):
        hm.CompetitiveTrainer(hm.LinearLayer(2, 2))


def test_bad_data_is_refused_with_the_fix():
    model = hm.CompetitiveLayer(4, 2, seed=0)
    trainer = hm.CompetitiveTrainer(model)
    with pytest.raises(ValueError, match=r"shape \(n_samples, 4\); got shape \(3, 2, 2\).*flatten"):
        trainer.train(np.zeros((3, 2, 2)))
    with pytest.raises(ValueError, match="input_size=4: build it with input_size=3"):
        trainer.train(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="single vector: wrap it"):
        trainer.train(np.zeros(4))
    with pytest.raises(ValueError, match="NaN or inf"):
        trainer.train([[0, 0, np.nan, 0]])
    with pytest.raises(ValueError, match="overflow"):
        trainer.train([[0, 0, 1e200, 0]])
    with pytest.raises(ValueError, match="empty"):
        trainer.train([])
    with pytest.raises(ValueError, match="'epochs'"):
        trainer.train(np.zeros((3, 4)), epochs=0)
    with pytest.raises(ValueError, match="at least output_size=2 rows"):
        model.random_weights_init(np.zeros((1, 4)))
    with pytest.raises(ValueError, match="predict_batch"):
        trainer.predict(np.zeros((2, 4)))
    model.W = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"CompetitiveLayer.W must be a real array of shape \(2, 4\)"):
        trainer.train(np.zeros((3, 4)))
    model.W = np.full((2, 4), np.inf)
    with pytest.raises(ValueError, match="NaN or inf"):
        model.winner(np.zeros(4))


def test_integer_weights_are_converted_on_the_model():
    model = hm.CompetitiveLayer(2, 2, seed=0)
    model.W = [[0, 0], [4, 4]]
    hm.CompetitiveTrainer(model, 0.5).train([[1.0, 1.0]])
    assert model.W.dtype == np.float64
    assert_array_equal(model.W, [[0.5, 0.5], [4, 4]])


def test_many_units_many_inputs_kernel_equals_numpy():
    # odd sizes: the kernel's blocks of four inputs leave a remainder, and the units a vector tail
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 37))
    weights = []
    for compiled in (True, False):
        model = hm.CompetitiveLayer(37, 23, seed=1).random_weights_init(X)
        hm.CompetitiveTrainer(model, fairness="conscience", conscience_bias=5.0, compiled=compiled).train(
            X, epochs=2, shuffle=True)
        weights.append(model.W)
    assert_array_equal(*weights)
