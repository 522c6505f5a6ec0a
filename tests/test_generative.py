"""The generative family: the RBM with contrastive divergence, the Helmholtz machine with wake-sleep.

Kernels, NumPy paths and the textbook twins in ``reference_generative.py``
agree exactly; the exact likelihoods agree with brute force; and the
learning does what the papers say it does, on fixed seeds.
"""

import itertools

import numpy as np
import pytest

import hebbmem as hm
from hebbmem.generative import (ContrastiveDivergenceTrainer, HelmholtzMachine, RestrictedBoltzmannModel,
                                WakeSleepTrainer)

import reference_generative as ref


def _binary(n, m, p=0.35, seed=0):
    return (np.random.default_rng(seed).random((n, m)) < p).astype(float)


def _bars_and_stripes(n=3):
    pats = set()
    for bits in itertools.product([0, 1], repeat=n):
        img = np.tile(np.array(bits)[:, None], (1, n))
        pats.add(tuple(img.ravel()))
        pats.add(tuple(img.T.ravel()))
    return np.array(sorted(pats), float)


# ------------------------------------------------------------------------------ RBM: the model
def test_rbm_has_canns_attributes_and_small_random_weights():
    model = RestrictedBoltzmannModel(num_visible=6, num_hidden=4, seed=0)
    assert (model.num_visible, model.num_hidden, model.temperature) == (6, 4, 1.0)
    assert model.W.shape == (4, 6) and model.b.shape == (6,) and model.c.shape == (4,)
    assert np.all(model.b == 0) and np.all(model.c == 0)
    assert 0 < np.abs(model.W).max() < 0.1  # N(0, 0.01^2): small, and not canns' zeros
    assert len({tuple(row) for row in model.W}) == 4  # hidden units start different
    assert model.weight_attr == "W" and model.predict_state_attr == "v"
    W = model.W.copy()
    model.init_state()  # the ported program calls it after construction: the parameters stay
    np.testing.assert_array_equal(model.W, W)
    assert np.all(model.v == 0) and np.all(model.h == 0)


def test_rbm_seeding():
    assert np.array_equal(RestrictedBoltzmannModel(5, 3, seed=1).W, RestrictedBoltzmannModel(5, 3, seed=1).W)
    hm.random.seed(42)
    a = RestrictedBoltzmannModel(5, 3).W
    hm.random.seed(42)
    b = RestrictedBoltzmannModel(5, 3).W
    hm.random.seed(None)
    np.random.seed(7)
    c = RestrictedBoltzmannModel(5, 3).W
    np.random.seed(7)
    d = RestrictedBoltzmannModel(5, 3).W
    assert np.array_equal(a, b) and np.array_equal(c, d) and not np.array_equal(a, c)


def test_rbm_conditionals_follow_the_formulas():
    model = RestrictedBoltzmannModel(5, 3, temperature=0.7, seed=0)
    model.W = np.random.default_rng(1).normal(size=(3, 5))
    model.b = np.linspace(-1, 1, 5)
    model.c = np.array([0.5, -0.5, 0.0])
    v, h = np.array([1.0, 0, 1, 1, 0]), np.array([0.0, 1, 1])
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    np.testing.assert_allclose(model.hidden_prob(v), sig((model.W @ v + model.c) / 0.7), rtol=1e-14)
    np.testing.assert_allclose(model.visible_prob(h), sig((model.W.T @ h + model.b) / 0.7), rtol=1e-14)
    batch = np.stack([v, 1 - v])
    assert model.hidden_prob(batch).shape == (2, 3)
    np.testing.assert_allclose(model.hidden_prob(batch)[0], model.hidden_prob(v))
    # F(v) = -T log sum_h exp(-E(v, h) / T)
    E = [-(hh @ model.W @ v) - model.b @ v - model.c @ hh for hh in map(np.array, itertools.product([0, 1], repeat=3))]
    assert model.free_energy(v) == pytest.approx(-0.7 * np.log(np.sum(np.exp(-np.array(E) / 0.7))), rel=1e-12)
    assert model.free_energy(batch).shape == (2,)


def test_rbm_samples_are_binary_with_the_right_frequencies():
    model = RestrictedBoltzmannModel(4, 3, seed=0)
    model.W = np.array([[2.0, 0, 0, 0], [0, -2, 0, 0], [0, 0, 0, 0]])
    v = np.ones(4)
    draws = model.sample_hidden(np.tile(v, (20000, 1)))
    assert set(np.unique(draws)) <= {0.0, 1.0}
    np.testing.assert_allclose(draws.mean(axis=0), model.hidden_prob(v), atol=0.015)
    v_new, h = model.gibbs_step(v)
    assert v_new.shape == (4,) and h.shape == (3,)
    np.testing.assert_array_equal(model.v, v_new)


@pytest.mark.parametrize("V,H,T", [(5, 3, 1.0), (3, 5, 1.0), (4, 4, 0.6)])
def test_rbm_log_likelihood_is_exact(V, H, T):
    """Both enumerations (over hidden when H <= V, else visible) against brute force over every (v, h)."""
    model = RestrictedBoltzmannModel(V, H, temperature=T, seed=0)
    rng = np.random.default_rng(3)
    model.W, model.b, model.c = rng.normal(size=(H, V)), rng.normal(size=V), rng.normal(size=H)
    data = _binary(6, V)
    np.testing.assert_allclose(model.log_likelihood(data), ref.rbm_log_likelihood(model.W, model.b, model.c, T, data),
                               rtol=1e-10)
    every_v = np.array(list(itertools.product([0, 1], repeat=V)), float)
    assert np.exp(model.log_likelihood(every_v)).sum() == pytest.approx(1.0, abs=1e-12)
    assert isinstance(model.log_likelihood(data[0]), float)


def test_rbm_log_likelihood_does_not_overflow():
    model = RestrictedBoltzmannModel(30, 4, seed=0)
    model.W *= 1e4  # fields of thousands: exp() alone would overflow
    ll = model.log_likelihood(_binary(3, 30))
    assert np.isfinite(ll).all() and (ll <= 0).all()


def test_rbm_log_likelihood_refuses_large_layers_clearly():
    model = RestrictedBoltzmannModel(30, 21, seed=0)
    with pytest.raises(ValueError, match=r"2\*\*n states of its smaller layer.*n <= 20.*n = 21"):
        model.log_likelihood(np.zeros(30))
    with pytest.raises(ValueError, match="binary"):
        RestrictedBoltzmannModel(3, 2, seed=0).log_likelihood([0.5, 0, 1])


# ------------------------------------------------------------------------------ RBM: training
CD_CASES = [(1, False, 1), (1, False, 4), (3, False, 4), (1, True, 4), (2, True, 3), (1, True, 1)]


@pytest.mark.parametrize("k,persistent,batch_size", CD_CASES)
def test_cd_kernel_numpy_and_textbook_twin_agree_exactly(k, persistent, batch_size):
    X = _binary(11, 7)  # 11 rows: a short last batch for batch sizes 3 and 4
    models = [RestrictedBoltzmannModel(7, 5, temperature=0.9, seed=4) for _ in range(2)]
    W0, b0, c0 = models[0].W.copy(), models[0].b.copy(), models[0].c.copy()
    trainers = [ContrastiveDivergenceTrainer(m, 0.3, k, persistent=persistent, batch_size=batch_size, compiled=cmp)
                for m, cmp in zip(models, (True, False))]
    for t in trainers:
        t.train(X, epochs=2)
        t.train(X)  # a second call continues (the persistent chains too)
    rng = np.random.default_rng(4)
    rng.normal(0.0, 0.01, size=(5, 7))  # the model drew its weights first
    W, b, c, chains = ref.contrastive_divergence(W0, b0, c0, X, lr=0.3, k=k, persistent=persistent,
                                                 batch_size=batch_size, T=0.9, rng=rng, epochs=3)
    for m in models:
        np.testing.assert_array_equal(m.W, W)
        np.testing.assert_array_equal(m.b, b)
        np.testing.assert_array_equal(m.c, c)
    if persistent:
        np.testing.assert_array_equal(trainers[0].chains_, chains)
        np.testing.assert_array_equal(trainers[1].chains_, chains)
    np.testing.assert_array_equal(trainers[0].reconstruction_errors, trainers[1].reconstruction_errors)


def test_gibbs_prediction_kernel_numpy_and_twin_agree_exactly():
    models = [RestrictedBoltzmannModel(6, 4, seed=2) for _ in range(3)]
    for m in models:
        m.W = np.random.default_rng(0).normal(size=(4, 6))
    starts = _binary(5, 6)
    a = ContrastiveDivergenceTrainer(models[0]).predict_batch(starts, 9)
    b = ContrastiveDivergenceTrainer(models[1], compiled_prediction=False).predict_batch(starts, 9)
    rng = np.random.default_rng(2)
    rng.normal(size=(4, 6))
    vs, hs = ref.gibbs_chains(models[2].W, models[2].b, models[2].c, 1.0, starts, 9, rng)
    np.testing.assert_array_equal(a, vs)
    np.testing.assert_array_equal(b, vs)
    np.testing.assert_array_equal(models[0].h, hs[-1])
    # predict(x) is predict_batch([x]) for the same generator state
    m1, m2 = RestrictedBoltzmannModel(6, 4, seed=5), RestrictedBoltzmannModel(6, 4, seed=5)
    np.testing.assert_array_equal(ContrastiveDivergenceTrainer(m1).predict(starts[0], 20),
                                  ContrastiveDivergenceTrainer(m2).predict_batch(starts[:1], 20)[0])


def test_cd_follows_the_exact_gradient_with_long_chains():
    """The averaged CD-k update with a long chain is the exact log-likelihood gradient (tiny model, enumerated)."""
    data = np.array([[1.0, 1, 0], [0, 1, 1], [1, 0, 1]])
    model = RestrictedBoltzmannModel(3, 2, seed=0)
    model.W = np.array([[0.8, -0.5, 0.3], [-0.4, 0.6, 0.9]])
    model.b, model.c = np.array([0.2, -0.3, 0.1]), np.array([-0.2, 0.4])
    W0, b0, c0 = model.W.copy(), model.b.copy(), model.c.copy()
    lr, reps = 1e-3, 4000
    X = np.tile(data, (reps, 1))
    ContrastiveDivergenceTrainer(model, learning_rate=lr, k=30, batch_size=len(X)).train(X)  # one update
    gW, gb, gc = ref.rbm_exact_gradient(W0, b0, c0, data)
    np.testing.assert_allclose((model.W - W0) / lr, gW, atol=0.03)  # sampling error ~ 0.5 / sqrt(12000)
    np.testing.assert_allclose((model.b - b0) / lr, gb, atol=0.03)
    np.testing.assert_allclose((model.c - c0) / lr, gc, atol=0.03)
    # ... and the exact gradient is the slope of the exact log-likelihood (finite differences)
    eps, i, j = 1e-6, 1, 2
    probe = RestrictedBoltzmannModel(3, 2, seed=0)
    probe.b, probe.c = b0, c0
    lls = []
    for d in (eps, -eps):
        probe.W = W0 + d * (np.arange(6).reshape(2, 3) == 3 * i + j)
        lls.append(probe.log_likelihood(data).mean())
    assert (lls[0] - lls[1]) / (2 * eps) == pytest.approx(gW[i, j], abs=1e-6)


def test_training_raises_the_log_likelihood():
    X = np.tile(_bars_and_stripes(3), (10, 1))
    X = X[np.random.default_rng(0).permutation(len(X))]
    model = RestrictedBoltzmannModel(9, 6, seed=0)
    before = model.log_likelihood(X).mean()
    trainer = ContrastiveDivergenceTrainer(model, learning_rate=0.3, k=1, batch_size=10)
    lls = [before]
    for _ in range(5):
        trainer.train(X, epochs=20)
        lls.append(model.log_likelihood(X).mean())
    assert np.all(np.diff(lls) > 0), lls  # measured: -6.24, -6.10, -5.91, -4.88, -4.07, -3.66
    assert lls[-1] > before + 2.0  # from 9 log(1/2) = -6.24 (uniform) towards log(1/14) = -2.64


@pytest.mark.slow
def test_pcd_reaches_cd1_likelihood_with_a_decaying_learning_rate():
    """Tieleman (2008): persistent chains estimate the model's statistics better than CD-1's one step.

    On binarised 14 x 14 digits with 16 hidden units and a learning rate
    decaying linearly to zero, PCD's test log-likelihood is at least CD-1's
    (measured: -38.06 / -38.40 and -38.21 / -38.34 nats for seeds 0, 1 with
    50 epochs); here 30 epochs on seed 0.
    """
    imgs, _ = hm.datasets.load_mnist()
    X = (imgs.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)) > 127.5).astype(float).reshape(len(imgs), -1)
    X = X[np.random.default_rng(0).permutation(len(X))]
    train, test = X[:1600], X[1600:]
    result = {}
    for persistent in (False, True):
        model = RestrictedBoltzmannModel(196, 16, seed=0)
        trainer = ContrastiveDivergenceTrainer(model, 0.1, 1, persistent=persistent, batch_size=10)
        for epoch in range(30):
            trainer.learning_rate = 0.1 * (1 - epoch / 30)
            trainer.train(train)
        result[persistent] = model.log_likelihood(test).mean()
    assert result[True] >= result[False] - 0.05, result


def test_trainer_follows_canns_conventions():
    model = RestrictedBoltzmannModel(4, 2, seed=0)
    trainer = ContrastiveDivergenceTrainer(model)
    assert (trainer.learning_rate, trainer.k, trainer.persistent, trainer.batch_size) == (0.01, 1, False, 1)
    assert trainer.get_reconstruction_error() == 0.0
    data = [np.array([1.0, 0, 1, 0], dtype=np.float32), np.array([0.0, 1, 0, 1], dtype=np.float32)]
    snapshot = [d.copy() for d in data]
    held = model.W
    trainer.train(data)  # a list of 1-D arrays, as canns' programs pass
    assert trainer.reconstruction_errors.shape == (2,)
    assert 0 < trainer.get_reconstruction_error() < 1
    assert all(np.array_equal(a, b) for a, b in zip(data, snapshot))  # the caller's data is untouched
    assert not np.array_equal(held, model.W) and held is not model.W  # replaced, as canns does
    X = np.ones((2, 4))
    model.W = X[:, :4] * 0.5
    assert model.W is not X and model.W.flags.c_contiguous
    v = trainer.predict(np.array([1.0, 0, 1, 0]))
    assert v.shape == (4,) and set(np.unique(v)) <= {0.0, 1.0}
    assert trainer.predict_batch(np.eye(4)).shape == (4, 4)
    assert "ContrastiveDivergenceTrainer(RestrictedBoltzmannModel(num_visible=4, num_hidden=2, seed=0)" in repr(trainer)


def test_rbm_bad_input_gets_clear_errors():
    with pytest.raises(TypeError, match="RestrictedBoltzmannModel instance; got RestrictedBoltzmannModel"):
        ContrastiveDivergenceTrainer(RestrictedBoltzmannModel)
    with pytest.raises(TypeError, match="RestrictedBoltzmannModel instance; got HelmholtzMachine"):
        ContrastiveDivergenceTrainer(HelmholtzMachine(3, 2, seed=0))
    with pytest.raises(ValueError, match="'num_hidden' parameter of RestrictedBoltzmannModel must be an int >= 1"):
        RestrictedBoltzmannModel(3, 0)
    with pytest.raises(ValueError, match="'temperature'"):
        RestrictedBoltzmannModel(3, 2, temperature=0.0)
    model = RestrictedBoltzmannModel(4, 2, seed=0)
    with pytest.raises(ValueError, match="'learning_rate'.*> 0"):
        ContrastiveDivergenceTrainer(model, learning_rate=0)
    with pytest.raises(ValueError, match="'learning_rate'.*<= 1000000.0.*Typical values"):
        ContrastiveDivergenceTrainer(model, learning_rate=1e300)
    with pytest.raises(TypeError, match="'compiled_prediction'"):
        ContrastiveDivergenceTrainer(model, compiled_prediction="yes")
    with pytest.raises(ValueError, match="'k'.*>= 1"):
        ContrastiveDivergenceTrainer(model, k=0)
    with pytest.raises(ValueError, match="'batch_size'.*>= 1"):
        ContrastiveDivergenceTrainer(model, batch_size=0)
    trainer = ContrastiveDivergenceTrainer(model)
    with pytest.raises(ValueError, match=r"values in \[0, 1\].*\(x \+ 1\) / 2"):
        trainer.train([[1, -1, 1, -1]])
    with pytest.raises(ValueError, match=r"shape \(n_samples, 4\); got shape \(4,\). For one vector, wrap it"):
        trainer.train([1, 0, 1, 0])
    with pytest.raises(ValueError, match="num_visible=4: give vectors of that length"):
        trainer.train(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="NaN or inf"):
        trainer.train([[1, 0, np.nan, 0]])
    with pytest.raises(ValueError, match="'epochs'"):
        trainer.train(np.zeros((3, 4)), epochs=0)
    with pytest.raises(ValueError, match="predict takes one pattern.*predict_batch"):
        trainer.predict(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"RestrictedBoltzmannModel.W must have shape \(2, 4\)"):
        model.W = np.zeros((4, 2))
    with pytest.raises(ValueError, match="NaN or inf"):
        model.c = [np.inf, 0]


def test_rbm_saves_and_loads(tmp_path):
    model = RestrictedBoltzmannModel(6, 3, temperature=0.8, seed=11)
    trainer = ContrastiveDivergenceTrainer(model, 0.1, batch_size=2)
    trainer.train(_binary(8, 6))
    path = tmp_path / "rbm.npz"
    model.save(path)
    again = hm.load(path)
    assert repr(again) == repr(model)
    assert repr(model) == "RestrictedBoltzmannModel(num_visible=6, num_hidden=3, temperature=0.8, seed=11)"
    for name in ("W", "b", "c", "v", "h"):
        np.testing.assert_array_equal(getattr(again, name), getattr(model, name))
    # the generator continues where it was: training on goes on identically
    ContrastiveDivergenceTrainer(model, 0.1, batch_size=2).train(_binary(8, 6, seed=1))
    ContrastiveDivergenceTrainer(again, 0.1, batch_size=2).train(_binary(8, 6, seed=1))
    np.testing.assert_array_equal(again.W, model.W)


# ------------------------------------------------------------------------------ Helmholtz machine
def test_helmholtz_has_canns_attributes_and_a_learned_prior():
    model = HelmholtzMachine(num_visible=6, num_hidden=3, seed=0)
    assert model.W_rec.shape == (3, 6) and model.b_rec.shape == (3,)
    assert model.W_gen.shape == (6, 3) and model.b_gen.shape == (6,) and model.b_prior.shape == (3,)
    assert 0 < np.abs(model.W_rec).max() < 0.1 and 0 < np.abs(model.W_gen).max() < 0.1
    model.init_state()
    assert np.all(model.v == 0) and np.all(model.h == 0)
    v = np.array([1.0, 0, 1, 1, 0, 0])
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    np.testing.assert_allclose(model.recognize(v, stochastic=False), sig(model.W_rec @ v + model.b_rec))
    h = np.array([1.0, 0, 1])
    np.testing.assert_allclose(model.generate(h, stochastic=False), sig(model.W_gen @ h + model.b_gen))
    assert set(np.unique(model.recognize(v))) <= {0.0, 1.0}
    model.b_prior = np.array([3.0, -3.0, 0.0])
    draws = model.sample_from_prior(20000)
    np.testing.assert_allclose(draws.mean(axis=0), sig(model.b_prior), atol=0.015)
    assert model.sample_from_prior().shape == (3,) and model.sample(4).shape == (4, 6)
    recon = model.forward(v)
    np.testing.assert_allclose(recon, model.generate(model.recognize(v, False), False))
    np.testing.assert_array_equal(model.v, v)


def test_wake_sleep_kernel_numpy_and_textbook_twin_agree_exactly():
    X = _binary(13, 7, seed=2)
    models = [HelmholtzMachine(7, 4, seed=9) for _ in range(2)]
    start = [getattr(models[0], n).copy() for n in ("W_rec", "b_rec", "W_gen", "b_gen", "b_prior")]
    trainers = [WakeSleepTrainer(m, 0.2, 17, compiled=cmp) for m, cmp in zip(models, (True, False))]
    for t in trainers:
        t.train(X, epochs=2)
    rng = np.random.default_rng(9)
    rng.normal(size=(4, 7))
    rng.normal(size=(7, 4))
    expected = ref.wake_sleep(*start, X, lr=0.2, num_sleep_samples=17, rng=rng, epochs=2)
    for m in models:
        for name, value in zip(("W_rec", "b_rec", "W_gen", "b_gen", "b_prior"), expected):
            np.testing.assert_array_equal(getattr(m, name), value, err_msg=name)
    np.testing.assert_array_equal(trainers[0].wake_errors, trainers[1].wake_errors)
    np.testing.assert_array_equal(trainers[0].sleep_errors, trainers[1].sleep_errors)
    stats = trainers[0].get_training_statistics()
    assert stats == {"mean_wake_error": trainers[0].wake_errors.mean(),
                     "mean_sleep_error": trainers[0].sleep_errors.mean()}


def test_helmholtz_measures_are_exact_and_bound_the_likelihood():
    model = HelmholtzMachine(5, 3, seed=0)
    rng = np.random.default_rng(1)
    model.W_rec, model.W_gen = rng.normal(size=(3, 5)), rng.normal(size=(5, 3))
    model.b_rec, model.b_gen, model.b_prior = rng.normal(size=3), rng.normal(size=5), rng.normal(size=3)
    data = _binary(6, 5)
    ll, F = ref.helmholtz_measures(model.W_rec, model.b_rec, model.W_gen, model.b_gen, model.b_prior, data)
    np.testing.assert_allclose(model.log_likelihood(data), ll, rtol=1e-12)
    np.testing.assert_allclose(model.variational_free_energy(data), F, rtol=1e-12)
    assert np.all(model.variational_free_energy(data) >= -model.log_likelihood(data))
    every_v = np.array(list(itertools.product([0, 1], repeat=5)), float)
    assert np.exp(model.log_likelihood(every_v)).sum() == pytest.approx(1.0, abs=1e-12)
    mc = model.variational_free_energy(data, n_samples=4000)
    np.testing.assert_allclose(mc, F, atol=0.15)  # Monte Carlo: unbiased, error ~ 1/sqrt(4000)
    with pytest.raises(ValueError, match="hidden layer.*n = 21"):
        HelmholtzMachine(3, 21, seed=0).log_likelihood([0, 1, 0])


def test_wake_sleep_lowers_the_free_energy_bound():
    X = np.tile(_bars_and_stripes(3), (20, 1))
    X = X[np.random.default_rng(0).permutation(len(X))]
    model = HelmholtzMachine(9, 6, seed=0)
    trainer = WakeSleepTrainer(model, learning_rate=0.05, num_sleep_samples=len(X))
    bound = [model.variational_free_energy(X).mean()]
    for _ in range(4):
        trainer.train(X, epochs=10)
        bound.append(model.variational_free_energy(X).mean())
    assert bound[-1] < bound[0] - 1.5, bound  # from 9 log 2 = 6.24 nats
    assert bound[-1] >= -model.log_likelihood(X).mean()


def test_wake_sleep_follows_canns_conventions():
    model = HelmholtzMachine(4, 2, seed=0)
    trainer = WakeSleepTrainer(model)
    assert (trainer.learning_rate, trainer.num_sleep_samples) == (0.01, 10)
    assert trainer.get_training_statistics() == {}
    data = [np.array([1.0, 0, 1, 0], dtype=np.float32), np.array([0.0, 1, 0, 1], dtype=np.float32)]
    trainer.train(data)
    assert set(trainer.get_training_statistics()) == {"mean_wake_error", "mean_sleep_error"}
    WakeSleepTrainer(model, num_sleep_samples=0).train(data)
    recon = trainer.predict(data[0])
    np.testing.assert_allclose(recon, model.forward(data[0]))
    assert trainer.predict_batch(np.eye(4)).shape == (4, 4)
    no_sleep = WakeSleepTrainer(model, num_sleep_samples=0).train(data)
    assert set(no_sleep.get_training_statistics()) == {"mean_wake_error"}


def test_helmholtz_bad_input_gets_clear_errors():
    with pytest.raises(TypeError, match="HelmholtzMachine instance; got RestrictedBoltzmannModel"):
        WakeSleepTrainer(RestrictedBoltzmannModel(3, 2, seed=0))
    model = HelmholtzMachine(4, 2, seed=0)
    with pytest.raises(ValueError, match="'num_sleep_samples'.*>= 0"):
        WakeSleepTrainer(model, num_sleep_samples=-1)
    with pytest.raises(TypeError, match="'stochastic'"):
        model.recognize(np.zeros(4), stochastic="yes")
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        WakeSleepTrainer(model).train([[2.0, 0, 0, 0]])
    with pytest.raises(ValueError, match="num_hidden=2"):
        model.generate(np.zeros(3))
    with pytest.raises(ValueError, match=r"HelmholtzMachine.W_gen must have shape \(4, 2\)"):
        model.W_gen = np.zeros((2, 4))


def test_helmholtz_saves_and_loads(tmp_path):
    model = HelmholtzMachine(5, 3, seed=3)
    WakeSleepTrainer(model, 0.1, 5).train(_binary(6, 5))
    model.forward(np.ones(5))
    path = tmp_path / "hm.npz"
    model.save(path)
    again = hm.load(path)
    assert repr(again) == "HelmholtzMachine(num_visible=5, num_hidden=3, seed=3)"
    for name in ("W_rec", "b_rec", "W_gen", "b_gen", "b_prior", "v", "h"):
        np.testing.assert_array_equal(getattr(again, name), getattr(model, name))
    WakeSleepTrainer(model, 0.1, 5).train(_binary(6, 5, seed=1))
    WakeSleepTrainer(again, 0.1, 5).train(_binary(6, 5, seed=1))
    np.testing.assert_array_equal(again.W_rec, model.W_rec)


def test_canns_import_paths():
    from hebbmem.models.brain_inspired import HelmholtzMachine as A, RestrictedBoltzmannModel as B
    from hebbmem.trainer import ContrastiveDivergenceTrainer as C, WakeSleepTrainer as D
    assert (A, B, C, D) == (hm.HelmholtzMachine, hm.RestrictedBoltzmannModel, hm.ContrastiveDivergenceTrainer,
                            hm.WakeSleepTrainer)


# ------------------------------------------------------------------------------ figures
def test_plot_samples_draws_every_row_on_a_fixed_scale():
    import matplotlib.pyplot as plt
    from hebbmem.plotting import plot_samples

    samples = _binary(5, 16)
    samples[1] = 0.25  # probabilities too
    before = samples.copy()
    fig = plot_samples(samples, ncols=3, titles=list("abcde"), title="five")
    assert len(fig.axes) == 5
    for ax, row in zip(fig.axes, samples):
        np.testing.assert_array_equal(np.asarray(ax.images[0].get_array()), row.reshape(4, 4))
        assert ax.images[0].get_clim() == (0.0, 1.0)
    assert [ax.get_title() for ax in fig.axes] == list("abcde") and fig._suptitle.get_text() == "five"
    np.testing.assert_array_equal(samples, before)
    assert plot_samples(np.ones(6)).axes[0].images[0].get_array().shape == (1, 6)
    with pytest.raises(ValueError, match=r"values in \[0, 1\]"):
        plot_samples([[2.0, 0.0]])
    with pytest.raises(ValueError, match="does not fit 16 units"):
        plot_samples(samples, shape=(3, 5))
    plt.close("all")
