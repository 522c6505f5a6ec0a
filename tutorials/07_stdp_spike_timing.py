# %% [markdown]
# # Tutorial 07: spike timing and STDP
#
# Hebb's idea, made precise in time: if neuron A *helps cause* neuron B to
# fire, A's spike comes just *before* B's. Experiments (Bi and Poo, 1998) found
# exactly that: a synapse grows when the pre-synaptic spike precedes the
# post-synaptic one by a few milliseconds (long-term potentiation, LTP) and
# shrinks when the order is reversed (long-term depression, LTD), with an
# effect that fades exponentially with the delay. This is spike-timing-
# dependent plasticity (STDP).
#
# This tutorial
#
# 1. writes trace-based STDP by hand for one synapse and draws the STDP window;
# 2. measures the same window with hebbmem's `SpikingLayer` + `STDPTrainer`
#    (a pair protocol) and checks it against the formula;
# 3. runs canns' temporal example (inputs that fire early, middle, late) and
#    shows that early inputs gain the most weight;
# 4. measures the speed of a hand-written loop against hebbmem.
#
# *Running it.* Figures are saved as PNG files only if the environment
# variable `HEBBMEM_TUTORIAL_OUTPUT` names a folder. `HEBBMEM_FAST=1` runs
# fewer epochs, for continuous integration.

# %%
import os
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import hebbmem as hm
from hebbmem.models.brain_inspired import SpikingLayer
from hebbmem.plotting import plot_spike_raster, plot_stdp_window, plot_weight_evolution
from hebbmem.trainer import STDPTrainer

FAST = os.environ.get("HEBBMEM_FAST", "0") not in ("", "0")  # a short run for CI
OUTPUT = os.environ.get("HEBBMEM_TUTORIAL_OUTPUT")  # a folder for the PNG files, or None

EPOCHS = 5 if FAST else 20

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
# ## 1. STDP by hand, with spike traces
#
# Time runs in steps. Each neuron keeps a *trace* of its recent spikes: it
# jumps by 1 at a spike and decays by a factor $d$ per step, so a spike $k$
# steps ago contributes $d^k$:
#
# $$
# a^{\mathrm{pre}}(t) = d\, a^{\mathrm{pre}}(t-1) + x(t), \qquad
# a^{\mathrm{post}}(t) = d\, a^{\mathrm{post}}(t-1) + s(t)
# $$
#
# After each step, the weight changes by
#
# $$
# \Delta w = \eta \left(A_+\, s(t)\, a^{\mathrm{pre}}(t) - A_-\, a^{\mathrm{post}}(t)\, x(t)\right)
# $$
#
# - when the post-synaptic neuron spikes ($s = 1$), the synapse grows by how
#   recently the input spiked ($a^{\mathrm{pre}}$): LTP;
# - when the input spikes ($x = 1$), it shrinks by how recently the output
#   spiked ($a^{\mathrm{post}}$): LTD.
#
# For a single pair of spikes $\Delta t = t_{\mathrm{post}} - t_{\mathrm{pre}}$
# steps apart, only one of the two terms fires, and the change is
# $+\eta A_+ d^{\Delta t}$ for $\Delta t > 0$ and $-\eta A_- d^{|\Delta t|}$ for
# $\Delta t < 0$: the STDP window.

# %%
eta, a_plus, a_minus, d = 0.01, 0.005, 0.00525, 0.95


def pair_by_hand(dt, n_steps=60, t_pre=25):
    """One synapse, one pre spike at t_pre and one post spike at t_pre + dt; returns the weight change."""
    t_post = t_pre + dt
    pre_trace = post_trace = 0.0
    dw = 0.0
    for t in range(n_steps):
        x = 1.0 if t == t_pre else 0.0
        s = 1.0 if t == t_post else 0.0
        pre_trace = d * pre_trace + x
        post_trace = d * post_trace + s
        dw += eta * (a_plus * s * pre_trace - a_minus * post_trace * x)
    return dw


delays = np.arange(-20, 21)
window_by_hand = np.array([pair_by_hand(dt) for dt in delays])
print("weight change for dt = -2, -1, 0, 1, 2:", ", ".join(f"{v:+.3e}" for v in window_by_hand[18:23]))

# %% [markdown]
# ## 2. The same window, measured with hebbmem
#
# Now the post-synaptic spike is produced by a real leaky integrate-and-fire
# neuron (`SpikingLayer`). Input 0 is the synapse we measure (weight $2^{-10}$,
# far too weak to make the neuron fire); input 1 is a strong "teacher"
# synapse (weight 1, threshold 0.5) that makes the neuron fire at
# $t_{\mathrm{post}}$. `STDPTrainer` takes canns 1.5.0's arguments.

# %%
def pair_with_hebbmem(dt, n_steps=60, t_pre=25):
    X = np.zeros((n_steps, 2))
    X[t_pre, 0] = 1.0
    X[t_pre + dt, 1] = 1.0
    layer = SpikingLayer(input_size=2, output_size=1, threshold=0.5, leak=0.9, trace_decay=d, seed=0)
    w0 = 2.0 ** -10
    layer.W = np.array([[w0, 1.0]])
    trainer = STDPTrainer(layer, learning_rate=eta, A_plus=a_plus, A_minus=a_minus)
    trainer.train(X)  # each row of X is one time step
    fired_at = np.flatnonzero(trainer.spikes_[0, :, 0])
    assert fired_at.tolist() == [t_pre + dt], fired_at  # the neuron fired once, when the teacher spiked
    return layer.W[0, 0] - w0


window = np.array([pair_with_hebbmem(dt) for dt in delays])
theory = hm.STDP(learning_rate=eta, A_plus=a_plus, A_minus=a_minus).window(delays, trace_decay=d)
print(f"largest relative difference from the formula: {np.max(np.abs(window - theory) / np.abs(theory)):.1e}")
print(f"largest difference from the hand-written loop: {np.max(np.abs(window - window_by_hand)):.1e}")
assert np.allclose(window, theory, rtol=1e-12, atol=0) and np.allclose(window, window_by_hand, rtol=1e-12, atol=0)

# %%
fig, ax = plt.subplots(figsize=(7, 4))
plot_stdp_window(delays, window, ax=ax, theory=theory, title="STDP window, measured with SpikingLayer + STDPTrainer")
fig.tight_layout()
show(fig, "07_stdp_window")

# %% [markdown]
# At $\Delta t = 0$ both terms fire (the traces already include the current
# step's spikes) and the change is $\eta(A_+ - A_-)$, slightly negative with
# canns' defaults: $A_-$ is a little larger than $A_+$, which keeps uncorrelated
# inputs from growing.
#
# ## 3. Learning which inputs come first (canns' temporal example)
#
# 20 inputs, 5 output neurons, 100 patterns of 50 steps each. Inputs 0-4 fire
# (with probability 0.3 per step) during steps 0-9, inputs 5-9 during
# 11-19, inputs 10-14 during 21-29, and inputs 15-19 are background noise at
# probability 0.05 throughout. The data are generated as in canns' example.

# %%
rs = np.random.RandomState(42)
patterns = np.zeros((100, 50, 20))
for p in range(100):
    for t in range(50):
        if t < 10:
            patterns[p, t, 0:5] = rs.rand(5) < 0.3
        if 10 < t < 20:
            patterns[p, t, 5:10] = rs.rand(5) < 0.3
        if 20 < t < 30:
            patterns[p, t, 10:15] = rs.rand(5) < 0.3
        patterns[p, t, 15:] = rs.rand(5) < 0.05

model = SpikingLayer(input_size=20, output_size=5, threshold=0.8, v_reset=0.0, leak=0.95, trace_decay=0.90,
                     seed=0)
W_initial = model.W.copy()
trainer = STDPTrainer(model, learning_rate=0.02, A_plus=0.005, A_minus=0.00525, w_min=0.0, w_max=1.0)
# A 3-D array is a stack of sequences; each one starts from rest, as in canns' compiled trainer.
trainer.train(patterns, epochs=EPOCHS, record_weights=True)

change = model.W - W_initial
groups = {"early (0-4)": range(0, 5), "middle (5-9)": range(5, 10), "late (10-14)": range(10, 15),
          "noise (15-19)": range(15, 20)}
for name, idx in groups.items():
    print(f"mean weight change, {name:14s}: {change[:, list(idx)].mean():+.4f}")
print(f"weights stay in [0, 1]: min {model.W.min():.3f}, max {model.W.max():.3f}")
assert change[:, 0:5].mean() > change[:, 10:15].mean() and 0.0 <= model.W.min() and model.W.max() <= 1.0

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
plot_weight_evolution(trainer.weight_history_, ax=axes[0], groups=groups)
axes[0].set_title("mean weight of each input group")
im = axes[1].imshow(model.W, aspect="auto", cmap="viridis", vmin=0)
axes[1].set_xlabel("input")
axes[1].set_xticks(range(0, 20, 5))
axes[1].set_ylabel("output neuron")
axes[1].set_title("weights after training")
for boundary in (4.5, 9.5, 14.5):
    axes[1].axvline(boundary, color="white", ls="--", lw=0.8)
fig.colorbar(im, ax=axes[1])
fig.tight_layout()
show(fig, "07_weights")

# %% [markdown]
# Why early inputs win: an early input spikes before the output has had a
# chance to fire, so most of its pairings are pre-before-post (LTP). Once the
# early inputs drive the neuron, it fires during the first steps, and the
# middle inputs, which spike just after it, meet a fresh post-synaptic trace:
# post-before-pre, LTD. Inputs that spike much later (the late group, the
# noise) meet a trace that has mostly decayed ($0.9^{10} \approx 0.35$ after
# ten steps), so they change less (compare the numbers printed above; with
# `HEBBMEM_FAST=1` the run is too short for the middle group to turn negative).
#
# The spikes of one pattern before and after training, from `predict_batch`
# (one compiled call, starting from rest):

# %%
before = SpikingLayer(20, 5, threshold=0.8, v_reset=0.0, leak=0.95, trace_decay=0.90, seed=0)
out_before = STDPTrainer(before).predict_batch(patterns[0])
out_after = trainer.predict_batch(patterns[0])
fig, axes = plt.subplots(3, 1, figsize=(8, 7), sharex=True, gridspec_kw={"height_ratios": [3, 1, 1]})
plot_spike_raster(patterns[0], ax=axes[0], title="input spikes (pattern 0)", ylabel="input", groups=[5, 10, 15])
plot_spike_raster(out_before, ax=axes[1], color="tab:blue", title="output spikes before training",
                  ylabel="output")
plot_spike_raster(out_after, ax=axes[2], color="tab:red", title="output spikes after training", ylabel="output")
fig.tight_layout()
show(fig, "07_raster")
print(f"output spikes for pattern 0: {int(out_before.sum())} before, {int(out_after.sum())} after training")

# %% [markdown]
# ## 4. How fast?
#
# canns' example trains pattern by pattern and then runs a forward pass of
# each pattern, one `forward` call per step. Three ways to do the same work,
# timed here on a few epochs:
#
# - a plain NumPy loop, one step at a time;
# - hebbmem with canns' loop (one `train` per pattern, one `forward` per step);
# - hebbmem with one `train` call for all 100 sequences and one
#   `predict_batch` per epoch (both compiled).

# %%
def numpy_loop(W, patterns, epochs, lr=0.02, thr=0.8, leak=0.95, decay=0.90):
    W = W.copy()
    for _ in range(epochs):
        for seq in patterns:
            v, pre, post = np.zeros(5), np.zeros(20), np.zeros(5)
            for x in seq:
                pre = decay * pre + x
                v = leak * v + W @ x
                s = (v >= thr).astype(float)
                v[s > 0] = 0.0
                post = decay * post + s
                W += lr * (0.005 * np.outer(s, pre) - 0.00525 * np.outer(post, x))
                np.clip(W, 0.0, 1.0, out=W)
            v = np.zeros(5)
            for x in seq:  # forward pass
                v = leak * v + W @ x
                v[v >= thr] = 0.0
    return W


def canns_style(layer, epochs):
    trainer_ = STDPTrainer(layer, learning_rate=0.02)
    for _ in range(epochs):
        layer.reset_state()
        for seq in patterns:
            trainer_.train(seq)
            layer.reset_state()
            for x in seq:
                layer.forward(x)


def hebbmem_batched(layer, epochs):
    trainer_ = STDPTrainer(layer, learning_rate=0.02)
    for _ in range(epochs):
        trainer_.train(patterns)
        trainer_.predict_batch(patterns)


n_epochs = 1 if FAST else 3
make = lambda: SpikingLayer(20, 5, threshold=0.8, v_reset=0.0, leak=0.95, trace_decay=0.90, seed=0)  # noqa: E731
hebbmem_batched(make(), 1)  # load the kernels before timing
timings = {}
for name, fn in (("plain NumPy loop", lambda: numpy_loop(make().W, patterns, n_epochs)),
                 ("hebbmem, canns' loop", lambda: canns_style(make(), n_epochs)),
                 ("hebbmem, train + predict_batch", lambda: hebbmem_batched(make(), n_epochs))):
    t0 = time.perf_counter()
    fn()
    timings[name] = time.perf_counter() - t0
base = timings["plain NumPy loop"]
print(f"{n_epochs} epoch(s) of canns' STDP example (100 patterns x 50 steps, train + forward pass)")
for name, t in timings.items():
    print(f"  {name:32s} {t * 1e3:8.1f} ms   ({base / t:5.1f}x the plain loop)")

a, b = make(), make()
STDPTrainer(a, learning_rate=0.02).train(patterns[:20], epochs=2)
STDPTrainer(b, learning_rate=0.02, compiled=False).train(patterns[:20], epochs=2)
print(f"compiled and NumPy paths bit-identical: {np.array_equal(a.W, b.W)}")
assert np.array_equal(a.W, b.W)

# %% [markdown]
# In canns' loop, most of hebbmem's time goes to the 5,000 single-step
# `forward` calls per epoch (a few microseconds each, mostly Python call
# overhead); giving whole sequences to `train` and `predict_batch` removes
# that overhead.
#
# ## Summary
#
# - Trace-based STDP: each neuron keeps a decaying trace of its spikes; a
#   post spike potentiates by the pre trace, a pre spike depresses by the
#   post trace. A single pair gives the exponential window
#   $+\eta A_+ d^{\Delta t}$ / $-\eta A_- d^{|\Delta t|}$, reproduced exactly.
# - On canns' temporal example, inputs that fire early gain the most weight.
# - hebbmem's `SpikingLayer` gives every instance its own seeded weights,
#   `STDPTrainer` takes canns' arguments, and `train` accepts a whole stack of
#   sequences; compiled and NumPy paths agree bit for bit.
