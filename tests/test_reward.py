"""Reward-modulated STDP: the rule, its trainer, and the delayed-reward result a student can check.

Tolerances are written in each test. The kernel, the NumPy step and the
naive loops of ``reference_reward.py`` are compared bit for bit (they sum in
the same order, and their products by 0/1 spikes are exact).
"""

import numpy as np
import pytest

import hebbmem as hm
from hebbmem import SpikingLayer

import reference_reward as ref

LIF = dict(threshold=0.6, v_reset=0.0, leak=0.9, trace_decay=0.8)


def random_spikes(rng, n_steps, n_inputs, rate):
    return (rng.random((n_steps, n_inputs)) < rate).astype(float)


def two_groups(rewarded, n_trials=100, group=10, period=200, burst=20, delay=30, rate=0.2, seed=0):
    """Groups A (inputs 0-9) and B (10-19) burst in turn; a reward of 1 comes ``delay`` steps after each burst of
    the ``rewarded`` group (0: A, 1: B, None: never). One long sequence of ``n_trials * period`` steps."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n_trials * period, 2 * group))
    R = np.zeros(len(X))
    for k in range(n_trials):
        g, t0 = k % 2, k * period
        X[t0:t0 + burst, g * group:(g + 1) * group] = rng.random((burst, group)) < rate
        if rewarded is not None and g == rewarded:
            R[t0 + burst + delay] = 1.0
    return X, R


def fresh_layer(w0=0.1):
    layer = SpikingLayer(20, 1, threshold=1.0, leak=0.9, trace_decay=0.8, seed=0)
    layer.W = np.full((1, 20), w0)
    return layer


RSTDP = dict(learning_rate=0.02, A_plus=1.0, A_minus=0.5, tau_eligibility=40.0)


# ----------------------------------------------------------------- the three paths agree


def _case(seed=0):
    rng = np.random.default_rng(seed)
    seqs = [random_spikes(rng, n, 6, 0.3) for n in (40, 25, 60)]
    rewards = [np.where(rng.random(len(s)) < 0.15, rng.normal(0.0, 1.0, len(s)), 0.0) for s in seqs]
    return seqs, rewards


def test_kernel_numpy_and_textbook_twin_agree_exactly():
    seqs, rewards = _case()
    kw = dict(learning_rate=0.05, A_plus=1.0, A_minus=1.2, tau_eligibility=12.0, w_min=0.05, w_max=0.5)
    layers, trainers = [], []
    for compiled in (True, False):
        layer = SpikingLayer(6, 3, seed=1, **LIF)
        layer.W = np.abs(layer.W) * 4 + 0.1
        W0 = layer.W.copy()
        trainers.append(hm.RewardModulatedSTDPTrainer(layer, compiled=compiled, **kw).train(
            seqs, rewards, epochs=2, record=True))
        layers.append(layer)
    (a, b), (ta, tb) = layers, trainers
    assert np.array_equal(a.W, b.W) and np.array_equal(ta.eligibility, tb.eligibility)
    for q in range(3):
        assert np.array_equal(ta.spikes_[q], tb.spikes_[q]) and np.array_equal(ta.rewards_[q], rewards[q])
    assert np.array_equal(ta.eligibility_history_, tb.eligibility_history_)
    assert np.array_equal(ta.weight_history_, tb.weight_history_)
    assert ta.weight_history_.shape == (2 * 125, 3, 6)
    for name in ("v", "trace_pre", "trace_post", "spike", "x"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert sum(s.sum() for s in ta.spikes_) > 20  # the layer did spike, so pairings were charged
    assert a.W.min() == 0.05 and a.W.max() == 0.5  # both bounds reached
    W, c, spikes, _ = ref.reward_stdp(W0, seqs, rewards, threshold=0.6, v_reset=0.0, leak=0.9, decay=0.8, lr=0.05,
                                      a_plus=1.0, a_minus=1.2, tau_e=12.0, w_min=0.05, w_max=0.5, epochs=2)
    assert np.array_equal(a.W, W) and np.array_equal(ta.eligibility, c)
    assert all(np.array_equal(s, t) for s, t in zip(ta.spikes_, spikes))


def test_a_reward_callable_runs_the_same_on_every_path():
    rng = np.random.default_rng(3)
    X = np.stack([random_spikes(rng, 50, 6, 0.3) for _ in range(2)])  # a stack of two sequences
    seen = []

    def reward(t, x, spikes):
        assert not x.flags.writeable and not spikes.flags.writeable
        seen.append(t)
        return 1.0 if spikes[0] and t > 5 else (-0.25 if x[0] else 0)  # closed loop: reward when neuron 0 fires

    results = []
    for compiled in (True, False):
        layer = SpikingLayer(6, 2, seed=4, **LIF)
        layer.W = np.abs(layer.W) * 5
        W0 = layer.W.copy()
        tr = hm.RewardModulatedSTDPTrainer(layer, learning_rate=0.2, tau_eligibility=8.0, compiled=compiled)
        results.append((tr.train(X, reward), layer.W.copy()))
    (ta, Wa), (tb, Wb) = results
    assert seen[:3] == [0, 1, 2] and seen[50] == 0 and len(seen) == 200  # t counts steps within each sequence
    assert np.array_equal(Wa, Wb) and np.array_equal(ta.rewards_, tb.rewards_) and ta.rewards_.shape == (2, 50)
    assert (ta.rewards_ == 1.0).sum() >= 3 and not np.array_equal(Wa, W0)
    W, c, _, given = ref.reward_stdp(W0, list(X), [reward, reward], threshold=0.6, v_reset=0.0, leak=0.9,
                                     decay=0.8, lr=0.2, a_plus=1.0, a_minus=1.0, tau_e=8.0, w_min=0.0, w_max=1.0)
    assert np.array_equal(Wa, W) and np.array_equal(ta.eligibility, c) and np.array_equal(ta.rewards_, given)


def test_reset_false_continues_where_the_last_call_stopped():
    rng = np.random.default_rng(5)
    X = random_spikes(rng, 90, 6, 0.3)
    R = np.where(rng.random(90) < 0.2, 1.0, 0.0)
    whole, parts = SpikingLayer(6, 2, seed=6, **LIF), SpikingLayer(6, 2, seed=6, **LIF)
    for layer in (whole, parts):
        layer.W = np.abs(layer.W) * 5
    t1 = hm.RewardModulatedSTDPTrainer(whole, learning_rate=0.2, tau_eligibility=10.0).train(X, R)
    t2 = hm.RewardModulatedSTDPTrainer(parts, learning_rate=0.2, tau_eligibility=10.0)
    t2.train(X[:30], R[:30]).train([X[30:70], X[70:]], [R[30:70], R[70:]], reset=False)
    assert np.array_equal(whole.W, parts.W) and np.array_equal(t1.eligibility, t2.eligibility)
    assert np.array_equal(whole.v, parts.v) and np.any(t1.eligibility != 0)
    t2.reset_state()
    assert not t2.eligibility.any() and not parts.trace_pre.any()


def test_without_reward_the_weights_do_not_move():
    rng = np.random.default_rng(7)
    X = random_spikes(rng, 300, 20, 0.3)
    for compiled in (True, False):
        layer = SpikingLayer(20, 3, threshold=0.1, seed=8)  # N(0, 0.05^2) weights: some below w_min = 0
        W0 = layer.W.copy()
        tr = hm.RewardModulatedSTDPTrainer(layer, learning_rate=1.0, compiled=compiled).train(X, np.zeros(300))
        assert np.array_equal(layer.W, W0)  # bit for bit; the bounds apply only when weights move
        assert tr.spikes_.sum() > 10 and np.abs(tr.eligibility).max() > 0.1  # pairings happened
        assert np.array_equal(tr.spikes_, layer.run(X))  # the same LIF dynamics as SpikingLayer's own kernel


@pytest.mark.parametrize("dt", [-3, -1, 2, 5])
@pytest.mark.parametrize("delay", [0, 7, 30])
def test_one_pair_and_one_delayed_reward_give_the_credit_formula(dt, delay):
    # Input 0 fires at t_pre; input 1 (weight 1 > threshold) forces the post spike at t_pre + dt.
    t_pre = 10
    n = t_pre + max(dt, 0) + delay + 5
    X = np.zeros((n, 2))
    X[t_pre, 0] = X[t_pre + dt, 1] = 1.0
    R = np.zeros(n)
    R[t_pre + max(dt, 0) + delay] = 1.5
    layer = SpikingLayer(2, 1, threshold=0.5, trace_decay=0.7, seed=0)
    layer.W = np.array([[2.0 ** -10, 1.0]])
    tr = hm.RewardModulatedSTDPTrainer(layer, learning_rate=0.1, A_plus=1.0, A_minus=0.6, tau_eligibility=15.0,
                                       w_min=-1.0)
    tr.train(X, R)
    assert np.flatnonzero(tr.spikes_[:, 0]).tolist() == [t_pre + dt]
    expected = tr.rule.credit(dt, delay, trace_decay=0.7, reward=1.5)
    np.testing.assert_allclose(layer.W[0, 0] - 2.0 ** -10, expected, rtol=1e-12)
    assert (expected > 0) == (dt > 0)


# ------------------------------------------------------------------------- science


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_delayed_reward_potentiates_the_group_it_follows(seed):
    # Reward 30 steps after a burst: the STDP window (trace_decay 0.8) has fallen to 0.8**30 < 0.002 by then.
    means = {}
    for rewarded in (0, 1, None):
        X, R = two_groups(rewarded, seed=seed)
        layer = fresh_layer()
        tr = hm.RewardModulatedSTDPTrainer(layer, **RSTDP).train(X, R)
        means[rewarded] = layer.W[0, :10].mean(), layer.W[0, 10:].mean()
        assert tr.spikes_[:, 0].sum() > 100  # both groups make the neuron fire
    (a0, b0), (a1, b1), (an, bn) = means[0], means[1], means[None]
    assert a0 >= 2 * b0 and b1 >= 2 * a1  # measured: ratio about 9 for seeds 0-2
    assert a0 > 0.5 and b1 > 0.5 and b0 < 0.15 and a1 < 0.15  # from 0.1: one group grows, the other barely
    assert an == bn == 0.1  # no reward: nothing learned


def test_plain_stdp_potentiates_both_groups_whoever_is_rewarded():
    X, _ = two_groups(None, seed=0)
    layer = fresh_layer()
    hm.STDPTrainer(layer, learning_rate=0.002, A_plus=1.0, A_minus=0.5).train(X)
    a, b = layer.W[0, :10].mean(), layer.W[0, 10:].mean()
    assert a > 0.3 and b > 0.3 and 0.8 < a / b < 1.25  # both grew from 0.1, by about as much (measured 0.37, 0.35)


# ------------------------------------------------------------------------- errors


@pytest.mark.parametrize("make, exc, match", [
    (lambda: hm.RewardModulatedSTDPTrainer(SpikingLayer), TypeError, "instance"),
    (lambda: hm.RewardModulatedSTDPTrainer(hm.LinearLayer(3, 2)), TypeError, "SpikingLayer"),
    (lambda: hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2), learning_rate=-1), ValueError, "learning_rate"),
    (lambda: hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2), A_minus=-1), ValueError, "A_minus"),
    (lambda: hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2), tau_eligibility=0), ValueError, "tau_eligibility"),
    (lambda: hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2), tau_eligibility=1e300), ValueError, "never decay"),
    (lambda: hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2), w_min=1, w_max=0), ValueError, "w_min <= w_max"),
    (lambda: hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2), compiled="yes"), TypeError, "compiled"),
])
def test_bad_parameters_get_clear_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


@pytest.mark.parametrize("inputs, reward, exc, match", [
    (np.zeros((5, 4)), np.zeros(5), ValueError, r"input_size=3"),
    (np.zeros(3), np.zeros(1), ValueError, r"x\[None, :\]"),
    (np.full((5, 3), 0.5), np.zeros(5), ValueError, r"0 or 1; found 0.5 at index \(0, 0\)"),
    ([[0, 1, np.nan]], np.zeros(1), ValueError, "found nan"),
    ([[0, 1, 2]], np.zeros(1), ValueError, "0 or 1"),
    ([], np.zeros(1), ValueError, "empty"),
    (np.zeros((5, 3)), np.zeros(4), ValueError, r"one value per time step: shape \(5,\); got shape \(4,\)"),
    (np.zeros((5, 3)), np.zeros((5, 1)), ValueError, r"shape \(5,\)"),
    (np.zeros((5, 3)), 1.0, TypeError, r"np.full\(5, value\)"),
    (np.zeros((5, 3)), "reward", TypeError, "numeric"),
    (np.zeros((5, 3)), [0, 0, np.inf, 0, 0], ValueError, "inf at step 2"),
    (np.zeros((2, 5, 3)), np.zeros(5), ValueError, r"list of 2 arrays .* shape \(2, 5\)"),
    ([np.zeros((5, 3)), np.zeros((4, 3))], [np.zeros(5)], ValueError, "1 sequences but the inputs have 2"),
    ([np.zeros((5, 3)), np.zeros((4, 3))], [np.zeros(5), np.zeros(5)], ValueError, r"reward\[1\]"),
    ([np.zeros((5, 3)), np.zeros((4, 2))], [np.zeros(5), np.zeros(4)], ValueError, r"inputs\[1\]"),
])
def test_bad_inputs_and_rewards_get_clear_errors(inputs, reward, exc, match):
    trainer = hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2, seed=0))
    with pytest.raises(exc, match=match):
        trainer.train(inputs, reward)


@pytest.mark.parametrize("compiled", [True, False])
@pytest.mark.parametrize("returned, exc, match", [
    (float("nan"), ValueError, "returned nan at step 3 of sequence 0"),
    (None, TypeError, r"must return a float .* returned None"),
    (np.array([1.0]), TypeError, r"an array of shape \(1,\)"),
    (True, TypeError, "True"),
    ("1", TypeError, "'1'"),
])
def test_a_bad_reward_callable_gets_a_clear_error(compiled, returned, exc, match):
    trainer = hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2, seed=0), compiled=compiled)
    with pytest.raises(exc, match=match):
        trainer.train(np.zeros((6, 3)), lambda t, x, s: returned if t == 3 else 0.0)


def test_other_bad_calls():
    layer = SpikingLayer(3, 2, seed=0)
    trainer = hm.RewardModulatedSTDPTrainer(layer)
    with pytest.raises(ValueError, match="epochs"):
        trainer.train(np.zeros((2, 3)), np.zeros(2), epochs=0)
    with pytest.raises(TypeError, match="reset"):
        trainer.train(np.zeros((2, 3)), np.zeros(2), reset=1)
    trainer.eligibility = np.zeros((3, 3))
    with pytest.raises(ValueError, match=r"trainer.eligibility, which must hold \(2, 3\)"):
        trainer.train(np.zeros((2, 3)), np.zeros(2), reset=False)
    with pytest.raises(ValueError, match=r"SpikingLayer.W must have shape \(2, 3\)"):
        layer.W = np.zeros((3, 2))  # the layer refuses it where it is assigned
    layer._W = np.zeros((3, 2))  # past the layer's own check, the trainer still refuses it
    with pytest.raises(ValueError, match=r"model.W must be a real array of shape \(2, 3\)"):
        trainer.train(np.zeros((2, 3)), np.zeros(2))


def test_the_callers_arrays_are_not_modified():
    rng = np.random.default_rng(9)
    X = random_spikes(rng, 40, 3, 0.4)
    R = np.ones(40)
    X0, R0 = X.copy(), R.copy()
    for compiled in (True, False):
        hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2, seed=0), compiled=compiled).train(X, R)
    assert np.array_equal(X, X0) and np.array_equal(R, R0)


# ------------------------------------------------------------------------- the rest of the API


def test_trainer_parameters_are_rule_parameters_and_repr():
    t = hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2, seed=0), tau_eligibility=50.0)
    assert t.rule == hm.RewardModulatedSTDP(tau_eligibility=50.0) and t.A_plus == 1.0
    assert t.rule.eligibility_decay == np.exp(-1 / 50.0)
    t.learning_rate = 0.5
    assert t.rule.learning_rate == 0.5
    with pytest.raises(ValueError, match="learning_rate"):
        t.learning_rate = -1.0
    assert repr(t) == "RewardModulatedSTDPTrainer(SpikingLayer(3, 2, seed=0), RewardModulatedSTDP(learning_rate=0.5, " \
                      "tau_eligibility=50.0))"
    assert isinstance(t, hm.Trainer) and isinstance(t.rule, hm.PlasticityRule)


def test_predict_and_predict_batch_run_the_layer_without_learning():
    rng = np.random.default_rng(10)
    P = np.stack([random_spikes(rng, 30, 6, 0.4) for _ in range(2)])
    layer = SpikingLayer(6, 3, seed=11, **LIF)
    layer.W = np.abs(layer.W) * 5
    W0 = layer.W.copy()
    tr = hm.RewardModulatedSTDPTrainer(layer)
    batch = tr.predict_batch(P)
    assert np.array_equal(batch, layer.run(P)) and batch.sum() > 0
    listed = tr.predict_batch([P[0], P[1, :10]])
    assert np.array_equal(listed[0], batch[0]) and listed[1].shape == (10, 3)
    layer.reset_state()
    assert np.array_equal(np.array([tr.predict(x) for x in P[0]]), batch[0])
    tr.configure_progress(compiled_prediction=False)
    assert np.array_equal(tr.predict_batch(P), batch) and np.array_equal(layer.W, W0)


def test_progress_line(capsys):
    trainer = hm.RewardModulatedSTDPTrainer(SpikingLayer(3, 2, seed=0), show_iteration_progress=True)
    trainer.train(np.zeros((4, 3)), np.zeros(4), epochs=3)
    assert "RewardModulatedSTDPTrainer: epoch 3/3" in capsys.readouterr().err


def test_credit_checks_its_arguments():
    rule = hm.RewardModulatedSTDP(learning_rate=1.0, A_plus=2.0, A_minus=1.0, tau_eligibility=10.0)
    assert rule.credit(0, 0) == 1.0 and rule.credit(-1, 0, trace_decay=0.5) == -0.5
    with pytest.raises(ValueError, match="delay >= 0"):
        rule.credit(1, -1)


# --------------------------------------------------------------------------- plots


def test_reward_plots_draw_what_they_claim():
    import matplotlib.pyplot as plt

    from hebbmem import plotting

    rng = np.random.default_rng(12)
    X = random_spikes(rng, 60, 4, 0.3)
    R = np.zeros(60)
    R[[20, 40]] = 1.0, -0.5
    layer = SpikingLayer(4, 2, seed=13, **LIF)
    layer.W = np.abs(layer.W) * 5
    tr = hm.RewardModulatedSTDPTrainer(layer, tau_eligibility=10.0).train(X, R, record=True)
    groups = {"a": [0, 1], "b": [2, 3]}
    ax = plotting.plot_eligibility(tr.eligibility_history_, reward=tr.rewards_, groups=groups, neuron=1)
    assert np.allclose(ax.lines[0].get_ydata(), tr.eligibility_history_[:, 1, :2].mean(axis=1))
    reward_lines = [ln for ln in ax.lines if ln.get_label() in ("reward", "punishment")]
    assert [ln.get_xdata()[0] for ln in reward_lines] == [20, 40]
    ax = plotting.plot_eligibility(tr.eligibility_history_[:, 0], steps=slice(10, 30))  # 4 inputs: one line each
    assert len([ln for ln in ax.lines if ln.get_label().startswith("input")]) == 4
    assert ax.lines[0].get_xdata().tolist() == list(range(10, 30))

    fig = plotting.plot_reward_learning(tr.eligibility_history_, tr.weight_history_, tr.rewards_, X,
                                        output_spikes=tr.spikes_, groups=groups, title="run")
    assert len(fig.axes) == 3 and fig._suptitle.get_text() == "run"
    assert len(fig.axes[0].collections[0].get_offsets()) == int(X.sum())
    assert len(fig.axes[0].collections[1].get_offsets()) == int(tr.spikes_[:, 0].sum())
    assert np.allclose(fig.axes[2].lines[0].get_ydata(), tr.weight_history_[:, 0, :2].mean(axis=1))
    fig = plotting.plot_reward_learning(tr.eligibility_history_, tr.weight_history_)
    assert len(fig.axes) == 2
    with pytest.raises(ValueError, match="one value per recorded step"):
        plotting.plot_eligibility(tr.eligibility_history_, reward=np.zeros(5))
    with pytest.raises(ValueError, match=r"input indices in 0..3"):
        plotting.plot_eligibility(tr.eligibility_history_, groups={"x": [7]})
    with pytest.raises(ValueError, match="neuron must be in 0..1"):
        plotting.plot_eligibility(tr.eligibility_history_, neuron=2)
    with pytest.raises(ValueError, match="same shape"):
        plotting.plot_reward_learning(tr.eligibility_history_, tr.weight_history_[:10])
    plt.close("all")


def test_training_never_writes_into_an_array_the_caller_holds():
    layer = hm.SpikingLayer(4, 1, threshold=0.5, seed=0)
    mine = np.full((1, 4), 0.3)
    layer.W = mine
    held = layer.W
    X = np.tile(np.eye(4), (5, 1))
    hm.RewardModulatedSTDPTrainer(layer, learning_rate=0.5).train(X, np.ones(len(X)))
    assert np.array_equal(mine, np.full((1, 4), 0.3)) and held is mine
    assert not np.array_equal(layer.W, mine)  # it did learn, into its own array
