# %% [markdown]
# # Tutorial 12: reward-modulated STDP and the distal reward problem
#
# An animal presses a lever, and the food arrives a second later. By then the
# spikes that pressed the lever are long gone, and so is the STDP window (a
# few tens of milliseconds) in which they could have changed a synapse. How
# does the brain know which synapses to strengthen? This is the *distal reward
# problem*. Izhikevich (2007) proposed an answer that needs no more than a
# slow chemical tag at each synapse: an STDP pairing does not change the
# weight, it charges an **eligibility trace** that decays over about a second,
# and the weight changes only when **dopamine** (the reward) arrives, by
# reward × trace. Three factors (pre spike, post spike, reward) make one
# learning rule: reward-modulated STDP (Frémaux and Gerstner, 2016, review
# this family of three-factor rules).
#
# This tutorial
#
# 1. writes the rule by hand in NumPy for one synapse and draws the
#    eligibility trace bridging the delay to a reward;
# 2. measures the same with hebbmem (`SpikingLayer` +
#    `RewardModulatedSTDPTrainer`), and how the credit falls with the delay;
# 3. runs the delayed-reward experiment: two groups of inputs fire in turn,
#    and a reward follows one group, long after the STDP window: that group's
#    synapses grow, the other's do not; swap the rewarded group and the
#    result swaps; without reward nothing is learned;
# 4. shows why plain STDP (`STDPTrainer`) cannot solve it;
# 5. closes the loop: a reward callable that judges the neuron's own spikes
#    teaches it to answer one group and ignore the other;
# 6. checks that the compiled and NumPy paths agree, and times them.
#
# **What you need:** tutorial 07 (spike timing and STDP). About 20 minutes.
#
# *Running it.* Figures are saved as PNG files only if the environment
# variable `HEBBMEM_TUTORIAL_OUTPUT` names a folder. `HEBBMEM_FAST=1` runs a
# shorter closed-loop experiment and timing, for continuous integration.

# %%
import math
import os
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.ticker import MaxNLocator
import numpy as np

import hebbmem as hm
from hebbmem.plotting import plot_eligibility, plot_reward_learning

FAST = os.environ.get("HEBBMEM_FAST", "0") not in ("", "0")  # a short run for CI
OUTPUT = os.environ.get("HEBBMEM_TUTORIAL_OUTPUT")  # a folder for the PNG files, or None

np.set_printoptions(precision=4, suppress=True)


def show(fig, name):
    """Save the figure as OUTPUT/name.png if asked, then display it (or just close it when headless)."""
    if OUTPUT:
        Path(OUTPUT).mkdir(parents=True, exist_ok=True)
        fig.savefig(Path(OUTPUT) / f"{name}.png", dpi=120)
    if matplotlib.get_backend().lower() in ("agg", "pdf", "svg", "ps", "pgf", "cairo", "template"):
        plt.close(fig)
    else:
        plt.show()


# %% [markdown]
# ## 1. The rule by hand, for one synapse
#
# Time runs in steps. As in tutorial 07, each side of the synapse keeps a
# spike trace that jumps by 1 at a spike and decays by $d$ per step, and STDP
# pairs them: a post spike potentiates by the pre trace, a pre spike depresses
# by the post trace. Plain STDP adds that pairing to the weight at once.
# Reward-modulated STDP adds it to the eligibility trace $e$ instead, which
# decays by $\lambda_e = e^{-1/\tau_e}$ per step, and moves the weight only
# when a reward $r(t)$ arrives:
#
# $$
# e(t) = \lambda_e\, e(t-1) + A_+\, s(t)\, a^{\mathrm{pre}}(t) - A_-\, a^{\mathrm{post}}(t)\, x(t),
# \qquad
# \Delta w(t) = \eta\, r(t)\, e(t)
# $$
#
# One pre spike at step 10, one post spike at step 13 (pre before post,
# $\Delta t = 3$), and a reward of 1 at step 43, thirty steps later. The STDP
# window has $d = 0.8$, so after 30 steps it is down to $0.8^{30} \approx 0.001$;
# the eligibility trace has $\tau_e = 40$ steps and keeps $e^{-30/40} \approx 0.47$.

# %%
d, tau_e, eta, A_plus, A_minus = 0.8, 40.0, 0.5, 1.0, 0.5
lam = math.exp(-1.0 / tau_e)
t_pre, t_post, t_reward, n_steps = 10, 13, 43, 80

pre_trace = post_trace = e = 0.0
w_rstdp = w_stdp = 0.1
history = {name: [] for name in ("pre trace", "post trace", "pairing", "eligibility", "w R-STDP", "w STDP")}
for t in range(n_steps):
    x = 1.0 if t == t_pre else 0.0  # the pre-synaptic spike
    s = 1.0 if t == t_post else 0.0  # the post-synaptic spike
    r = 1.0 if t == t_reward else 0.0  # the reward (dopamine)
    pre_trace = d * pre_trace + x
    post_trace = d * post_trace + s
    pairing = A_plus * s * pre_trace - A_minus * post_trace * x  # what STDP would add
    w_stdp += eta * pairing  # plain STDP: at once
    e = lam * e + pairing  # R-STDP: into the eligibility trace ...
    w_rstdp += eta * r * e  # ... and into the weight only when the reward comes
    for name, value in zip(history, (pre_trace, post_trace, pairing, e, w_rstdp, w_stdp)):
        history[name].append(value)
history = {k: np.array(v) for k, v in history.items()}

e_at_reward = history["eligibility"][t_reward]
print(f"pairing at step {t_post}: A+ d^3 = {A_plus * d ** 3:.4f}")
print(f"eligibility when the reward comes (step {t_reward}): {e_at_reward:.4f} "
      f"(= A+ d^3 exp(-30/40) = {A_plus * d ** 3 * math.exp(-30 / 40):.4f})")
print(f"weight change, R-STDP: {w_rstdp - 0.1:+.4f} (at step {t_reward});  plain STDP: {w_stdp - 0.1:+.4f} "
      f"(at step {t_post})")
assert abs((w_rstdp - 0.1) - eta * e_at_reward) < 1e-15

# %%
steps = np.arange(n_steps)
fig, axes = plt.subplots(4, 1, figsize=(8, 7.5), sharex=True, gridspec_kw={"height_ratios": [1.2, 1, 0.6, 1]})
step = dict(drawstyle="steps-post")  # values hold for a whole step
axes[0].plot(steps, history["pre trace"], color="tab:blue", label="pre trace $a^{pre}$", **step)
axes[0].plot(steps, history["post trace"], color="tab:orange", label="post trace $a^{post}$", **step)
axes[0].vlines([t_pre], 0, 1.15, color="tab:blue", lw=2, label="pre spike")
axes[0].vlines([t_post], 0, 1.15, color="tab:orange", lw=2, label="post spike")
axes[0].set_title("spikes and the STDP traces (the STDP window, d = 0.8)", fontsize=10)
axes[0].legend(fontsize=8, ncol=2)
axes[1].plot(steps, history["eligibility"], color="tab:purple", lw=2, **step)
axes[1].set_ylabel("eligibility e")
axes[1].set_title(r"eligibility trace: charged by the pairing, decays with $\tau_e$ = 40 steps", fontsize=10)
axes[2].vlines([t_reward], 0, 1, color="tab:green", lw=3)
axes[2].set_ylim(0, 1.2)
axes[2].set_ylabel("reward r")
axes[3].plot(steps, history["w R-STDP"], color="tab:purple", lw=2, label="R-STDP: moves when the reward comes", **step)
axes[3].plot(steps, history["w STDP"], color="0.5", ls="--", label="plain STDP: moves at the pairing", **step)
axes[3].set_ylabel("weight w")
axes[3].set_xlabel("time step")
axes[3].legend(fontsize=8, loc="lower right")
for ax in axes:
    ax.axvline(t_reward, color="tab:green", lw=0.8, alpha=0.5)
fig.tight_layout()
show(fig, "12_eligibility_by_hand")

# %% [markdown]
# The pairing itself lasts one step. The pre and post traces (the STDP window)
# are gone a few steps later; the eligibility trace still holds about half
# of the pairing thirty steps later, when the reward reads it.
#
# ## 2. The same with hebbmem, and how the credit falls with the delay
#
# Now a real leaky integrate-and-fire neuron (`SpikingLayer`) makes the post
# spike. Input 0 is the synapse we watch (weight 0.1, too weak to make the
# neuron fire); input 1 is a strong "teacher" synapse (weight 1 > threshold
# 0.5) that makes it fire at step 13. `RewardModulatedSTDPTrainer.train`
# takes the input spikes (one row per step) and the reward (one value per
# step); `record=True` keeps the eligibility trace and the weights of every step.

# %%
def pair_then_reward(delay, dt=3, record=False):
    """Pre spike on input 0 at step 10, post spike (forced by input 1) at 10 + dt, reward 1 `delay` steps later."""
    n = 10 + max(dt, 0) + delay + 10
    X = np.zeros((n, 2))
    X[t_pre, 0] = 1.0
    X[t_pre + dt, 1] = 1.0
    reward = np.zeros(n)
    reward[t_pre + max(dt, 0) + delay] = 1.0
    layer = hm.SpikingLayer(2, 1, threshold=0.5, leak=0.9, trace_decay=d, seed=0)
    layer.W = np.array([[0.1, 1.0]])
    trainer = hm.RewardModulatedSTDPTrainer(layer, learning_rate=eta, A_plus=A_plus, A_minus=A_minus,
                                            tau_eligibility=tau_e)
    trainer.train(X, reward, record=record)
    assert np.flatnonzero(trainer.spikes_[:, 0]).tolist() == [t_pre + dt]  # the neuron fired once, on cue
    return layer.W[0, 0] - 0.1, trainer


dw, trainer = pair_then_reward(30, record=True)
print(f"weight change with hebbmem: {dw:+.6f};  by hand: {w_rstdp - 0.1:+.6f}")
assert abs(dw - (w_rstdp - 0.1)) < 1e-12

delays = np.arange(0, 121, 5)
measured = np.array([pair_then_reward(int(D))[0] for D in delays])
rule = trainer.rule
formula = rule.credit(3, delays, trace_decay=d)  # eta A+ d^dt exp(-D / tau_e)
print(f"largest relative difference from the formula eta A+ d^3 exp(-D/tau_e): "
      f"{np.max(np.abs(measured - formula) / formula):.1e}")
assert np.allclose(measured, formula, rtol=1e-12, atol=0)

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
plot_eligibility(trainer.eligibility_history_, ax=axes[0], reward=trainer.rewards_,
                 groups={"input 0 (pre at step 10)": [0], "input 1 (the teacher)": [1]},
                 title="eligibility recorded by hebbmem (reward at D = 30)")
axes[1].plot(delays, formula, color="0.6", lw=2, label=r"$\eta A_+ d^{3} e^{-D/\tau_e}$ (formula)")
axes[1].scatter(delays, measured, color="tab:purple", s=18, zorder=3, label="R-STDP, measured")
dense = np.arange(0, 121)
axes[1].plot(dense, eta * A_plus * d ** (3 + dense), color="tab:orange", ls="--",
             label="if the reward had to pair within\nthe STDP window: " + r"$\eta A_+ d^{3+D}$")
axes[1].set_xlabel("delay D from the post spike to the reward (steps)")
axes[1].set_ylabel("weight change of input 0")
axes[1].set_title("credit for a pair, against the delay of the reward")
axes[1].legend(fontsize=8)
fig.tight_layout()
show(fig, "12_credit_vs_delay")

# %% [markdown]
# The teacher synapse is eligible too: its spike and the post spike fall on
# the same step, which both potentiates ($A_+$) and depresses ($A_-$), net
# $A_+ - A_- = 0.5$. The credit falls as $e^{-D/\tau_e}$: a reward after 30
# steps still gets half, while anything that had to meet the spikes inside the
# STDP window (the dashed line) is gone after a dozen steps.
#
# ## 3. The delayed-reward experiment
#
# 20 inputs and one neuron. Inputs 0-9 are group A, inputs 10-19 group B.
# Every 200 steps one group bursts for 20 steps (each of its inputs fires with
# probability 0.2 per step), A and B in turn, and each burst makes the neuron
# fire a few times. A reward of 1 comes **30 steps after the end of every
# burst of the rewarded group** ($0.8^{30} \approx 0.001$: far outside the
# STDP window). All weights start at 0.1. We take $A_- = A_+/2$ so that a group
# whose spikes drive the neuron has clearly positive eligibility (pre before
# post dominates); the next cells show what happens with the reward after A,
# after B, and never.

# %%
GROUP, PERIOD, BURST, DELAY, RATE, N_TRIALS = 10, 200, 20, 30, 0.2, 100
groups = {"group A (inputs 0-9)": range(0, 10), "group B (inputs 10-19)": range(10, 20)}


def two_group_task(rewarded, seed, n_trials=N_TRIALS):
    """Spikes (n_trials * PERIOD, 20) and reward (n_trials * PERIOD,): A and B burst in turn; reward after `rewarded`."""
    rng = np.random.default_rng(seed)
    X = np.zeros((n_trials * PERIOD, 2 * GROUP))
    reward = np.zeros(len(X))
    for k in range(n_trials):
        g, t0 = k % 2, k * PERIOD  # g = 0: group A bursts, 1: group B
        X[t0:t0 + BURST, g * GROUP:(g + 1) * GROUP] = rng.random((BURST, GROUP)) < RATE
        if g == rewarded:
            reward[t0 + BURST + DELAY] = 1.0
    return X, reward


def fresh_layer():
    layer = hm.SpikingLayer(20, 1, threshold=1.0, leak=0.9, trace_decay=d, seed=0)
    layer.W = np.full((1, 20), 0.1)
    return layer


R_STDP = dict(learning_rate=0.02, A_plus=1.0, A_minus=0.5, tau_eligibility=40.0)
runs = {}
for name, rewarded in (("reward after A", 0), ("reward after B", 1), ("no reward", None)):
    X, reward = two_group_task(rewarded, seed=0)
    layer = fresh_layer()
    trainer = hm.RewardModulatedSTDPTrainer(layer, **R_STDP).train(X, reward, record=True)
    runs[name] = (X, trainer)
    a, b = layer.W[0, :10].mean(), layer.W[0, 10:].mean()
    print(f"{name:15s}: mean weight A {a:.3f}, B {b:.3f}  (output spikes: {int(trainer.spikes_.sum())})")

# %%
X, trainer = runs["reward after A"]
fig = plot_reward_learning(trainer.eligibility_history_, trainer.weight_history_, trainer.rewards_, X,
                           output_spikes=trainer.spikes_, groups=groups, steps=slice(0, 1000),
                           title="the first five trials, reward 30 steps after each burst of group A")
show(fig, "12_first_trials")

# %% [markdown]
# Each burst charges its own group's eligibility (pre spikes before the
# neuron's spikes). When the reward comes, A's trace still holds about half
# of its charge, and A's weights step up; B's trace, charged about 230 steps
# before the next reward, has decayed to $e^{-230/40} \approx 0.003$ of its
# charge. Over the whole run:

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharey=True)
for ax, (name, (X, trainer)) in zip(axes, runs.items()):
    H = trainer.weight_history_[:, 0]
    for n, (label, idx) in enumerate(groups.items()):
        ax.plot(H[:, list(idx)].mean(axis=1), color=f"C{n}", lw=1.5, label=label)
    ax.set_title(name + (" (A and B both stay at 0.1)" if name == "no reward" else ""))
    ax.set_xlabel("time step")
    ax.xaxis.set_major_locator(MaxNLocator(5))
axes[0].set_ylabel("mean weight of the group")
axes[0].legend(fontsize=8)
fig.tight_layout()
show(fig, "12_weights_three_runs")

# %% [markdown]
# The measurement, over three seeds of the input spikes: the rewarded
# group's mean weight must end at least twice the other's, whichever group is
# rewarded, and with no reward the weights must not move at all.

# %%
print("seed   reward after A: A / B    reward after B: B / A")
for seed in (0, 1, 2):
    ratios = []
    for rewarded in (0, 1):
        X, reward = two_group_task(rewarded, seed)
        layer = fresh_layer()
        hm.RewardModulatedSTDPTrainer(layer, **R_STDP).train(X, reward)
        mean = [layer.W[0, :10].mean(), layer.W[0, 10:].mean()]  # group A, group B
        ratios.append(mean[rewarded] / mean[1 - rewarded])
    print(f"{seed:4d}   {ratios[0]:20.2f}    {ratios[1]:20.2f}")
    assert min(ratios) >= 2.0

X, reward = two_group_task(None, seed=0)
layer = fresh_layer()
W_before = layer.W.copy()
trainer = hm.RewardModulatedSTDPTrainer(layer, **R_STDP).train(X, reward)
print(f"no reward: weights unchanged bit for bit: {np.array_equal(layer.W, W_before)}; "
      f"largest |eligibility| reached: {np.abs(runs['no reward'][1].eligibility_history_).max():.2f}")
assert np.array_equal(layer.W, W_before)

# %% [markdown]
# Without reward the synapses are eligible all the time (the pairings
# happen), but nothing converts eligibility into weight.
#
# ## 4. Why plain STDP cannot do this
#
# `STDPTrainer` changes a weight at the moment of each pairing. On these
# spikes both groups drive the neuron in the same way, so plain STDP
# potentiates both groups alike. It has no reward argument at all: whatever
# group we reward, it learns the same weights. And the reward cannot reach it
# through spike timing either: it comes 30 steps after the burst, where the
# STDP window has decayed to $0.8^{30} \approx 0.001$.

# %%
X, _ = two_group_task(None, seed=0)
layer = fresh_layer()
hm.STDPTrainer(layer, learning_rate=0.002, A_plus=1.0, A_minus=0.5).train(X)
stdp_a, stdp_b = layer.W[0, :10].mean(), layer.W[0, 10:].mean()
print(f"plain STDP: mean weight A {stdp_a:.3f}, B {stdp_b:.3f} (ratio {stdp_a / stdp_b:.2f})")
# (How far both grow depends on the learning rate: learning_rate=0.005 takes both to w_max = 1.)
assert stdp_a > 0.3 and stdp_b > 0.3 and 0.8 < stdp_a / stdp_b < 1.25

# %%
labels = ["R-STDP\nreward after A", "R-STDP\nreward after B", "R-STDP\nno reward", "plain STDP\n(any reward)"]
final = [(t.model.W[0, :10].mean(), t.model.W[0, 10:].mean()) for _, t in runs.values()] + [(stdp_a, stdp_b)]
fig, ax = plt.subplots(figsize=(8, 3.6))
pos = np.arange(len(labels))
ax.bar(pos - 0.18, [f[0] for f in final], width=0.36, color="C0", label="group A")
ax.bar(pos + 0.18, [f[1] for f in final], width=0.36, color="C1", label="group B")
ax.axhline(0.1, color="0.4", ls=":", lw=1, label="initial weight")
ax.set_xticks(pos, labels)
ax.set_ylabel("final mean weight")
ax.set_title("who gets potentiated")
ax.legend(fontsize=8)
fig.tight_layout()
show(fig, "12_stdp_vs_rstdp")

# %% [markdown]
# ## 5. Closing the loop: a reward that judges the neuron's spikes
#
# So far the reward was a fixed array. In a task the reward depends on what
# the neuron did. `train` also takes a callable `reward(t, x, spikes) -> float`,
# called at every step after the layer has stepped (`t` is the step within
# the sequence, `x` the input, `spikes` the neuron's output at that step).
#
# The task: answer group A, ignore group B. A critic watches each trial (now
# a list of 200-step sequences, one per trial, each starting from rest); 30
# steps after the burst it gives +1 if the neuron fired during an A burst,
# and -1 (a punishment) if it fired during a B burst. Before training both
# groups make it fire.

# %%
def trials(n_trials, seed):
    """A list of 200-step trials: group A bursts in even trials, group B in odd ones."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(n_trials):
        X = np.zeros((PERIOD, 2 * GROUP))
        g = k % 2
        X[:BURST, g * GROUP:(g + 1) * GROUP] = rng.random((BURST, GROUP)) < RATE
        out.append(X)
    return out


class Critic:
    """+1 thirty steps after a burst of A that made the neuron fire, -1 after such a burst of B, else 0."""

    def __call__(self, t, x, spikes):
        if t == 0:
            self.fired, self.group = False, None
        if t < BURST:
            if x[:GROUP].any():
                self.group = "A"
            elif x[GROUP:].any():
                self.group = "B"
            self.fired = self.fired or bool(spikes[0])
        if t == BURST + DELAY and self.fired:
            return 1.0 if self.group == "A" else -1.0
        return 0.0


def answers(trainer, seed):
    """Fraction of fresh A trials and of fresh B trials in which the neuron fires (no learning)."""
    out = trainer.predict_batch(np.stack(trials(40, seed)))
    fired = out.sum(axis=(1, 2)) > 0
    return fired[0::2].mean(), fired[1::2].mean()


layer = fresh_layer()
trainer = hm.RewardModulatedSTDPTrainer(layer, **R_STDP)
before = answers(trainer, seed=100)
trainer.train(trials(60 if FAST else 200, seed=0), Critic())
after = answers(trainer, seed=100)
given = np.concatenate(trainer.rewards_)
print(f"fires in A trials: {before[0]:.0%} before, {after[0]:.0%} after;  "
      f"in B trials: {before[1]:.0%} before, {after[1]:.0%} after")
print(f"rewards given: {int((given > 0).sum())}, punishments: {int((given < 0).sum())}; "
      f"mean weight A {layer.W[0, :10].mean():.3f}, B {layer.W[0, 10:].mean():.3f}")
assert before == (1.0, 1.0) and after[0] >= 0.9 and after[1] <= 0.1

# %% [markdown]
# A few punishments are enough: a B burst that makes the neuron fire
# leaves B eligible, the punishment multiplies that eligibility by -1, and
# B's weights drop until B no longer makes the neuron fire, after which B is
# never eligible again and stays where it is. A's weights grow with every
# reward until they saturate at `w_max`.
#
# ## 6. Both paths, and how fast
#
# With an array of rewards, the whole run is one compiled call. A callable
# needs Python at every step: hebbmem then calls two small compiled functions
# per step around it. `compiled=False` runs the rule's readable NumPy step
# (`hm.RewardModulatedSTDP.step`) instead. All give the same weights, bit for bit.

# %%
n_trials = 20 if FAST else 100
X, reward = two_group_task(0, seed=3, n_trials=n_trials)
timings, weights = {}, {}
for name, compiled, rew in (("array reward, compiled", True, reward), ("array reward, NumPy", False, reward),
                            ("callable reward, compiled", True, lambda t, x, s: reward[t]),
                            ("callable reward, NumPy", False, lambda t, x, s: reward[t])):
    layer = fresh_layer()
    trainer = hm.RewardModulatedSTDPTrainer(layer, compiled=compiled, **R_STDP)
    trainer.train(X[:400], reward[:400])  # load the kernels before timing
    layer.W = np.full((1, 20), 0.1)
    t0 = time.perf_counter()
    trainer.train(X, rew)
    timings[name] = time.perf_counter() - t0
    weights[name] = layer.W.copy()
print(f"{len(X)} steps of the two-group task, 20 synapses:")
for name, t in timings.items():
    print(f"  {name:27s} {t * 1e3:8.1f} ms  ({t / len(X) * 1e6:6.2f} us per step)")
same = all(np.array_equal(w, weights["array reward, compiled"]) for w in weights.values())
print(f"all four paths give bit-identical weights: {same}")
assert same

# %% [markdown]
# ## Summary
#
# - Reward-modulated STDP splits plasticity in two: STDP pairings charge an
#   eligibility trace $e$ that decays with $\tau_e$, and a reward $r$ turns
#   it into weight, $\Delta w = \eta\, r\, e$. Without reward nothing moves.
# - The trace bridges the delay between the spikes and the reward: a pair
#   followed by a reward $D$ steps later earns $\eta A_+ d^{\Delta t} e^{-D/\tau_e}$.
# - Two groups that both drive the neuron: the one the reward follows is
#   potentiated (about 9 times the other's weight here), the other not; swap
#   the reward and the result swaps. Plain STDP potentiates both, whatever
#   the reward.
# - A reward callable closes the loop: rewards and punishments that depend on
#   the neuron's own spikes teach it to answer one group and ignore the other.
#
# **References.** E. M. Izhikevich, "Solving the distal reward problem through
# linkage of STDP and dopamine signaling", Cerebral Cortex 17 (2007) 2443-2452.
# N. Frémaux and W. Gerstner, "Neuromodulated spike-timing-dependent
# plasticity, and theory of three-factor learning rules", Frontiers in Neural
# Circuits 9 (2016) 85.
