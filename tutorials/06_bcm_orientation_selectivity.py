# %% [markdown]
# # Tutorial 06: orientation selectivity with the BCM rule
#
# Neurons in the visual cortex respond to bars of one orientation and hardly
# to others. Bienenstock, Cooper and Munro (1982) proposed a learning rule
# that produces such *selective* neurons from unlabelled input: a Hebbian
# rule whose sign depends on whether the response is above or below a
# threshold, and a threshold that slides with the neuron's own recent
# activity.
#
# This tutorial
#
# 1. writes the BCM rule by hand for one neuron and two stimuli, and watches
#    it pick one;
# 2. trains hebbmem's `LinearLayer` + `BCMTrainer` on oriented bars (canns'
#    example stimuli) and draws the receptive fields and tuning curves;
# 3. measures selectivity against an untrained layer, and checks that the
#    sliding threshold follows its recurrence exactly;
# 4. measures the speed of the hand-written loop against hebbmem.
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

from hebbmem.models.brain_inspired import LinearLayer
from hebbmem.plotting import plot_receptive_fields, plot_tuning_curves, plot_weight_evolution
from hebbmem.trainer import BCMTrainer

FAST = os.environ.get("HEBBMEM_FAST", "0") not in ("", "0")  # a short run for CI
OUTPUT = os.environ.get("HEBBMEM_TUTORIAL_OUTPUT")  # a folder for the PNG files, or None

EPOCHS = 30 if FAST else 100

np.set_printoptions(precision=3, suppress=True)


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
# ## 1. The rule by hand: one neuron, two stimuli
#
# With $y = w \cdot x$, after every sample:
#
# $$
# \Delta w = \eta\, y\,(y - \theta)\, x, \qquad
# \theta \leftarrow \theta + \frac{y^2 - \theta}{\tau}
# $$
#
# - if the response $y$ is above the threshold $\theta$, the active synapses
#   grow (LTP); between 0 and $\theta$ they shrink (LTD);
# - $\theta$ is a running average of $y^2$ over about $\tau$ samples, so a
#   neuron that responds a lot raises its own bar.
#
# Two stimuli, $x_A = (1, 0)$ and $x_B = (0, 1)$, alternate. The neuron starts
# almost unbiased.

# %%
eta, tau = 0.05, 10.0
w = np.array([0.51, 0.49])
theta = 0.1
trace = []
for step in range(4000):
    x = np.array([1.0, 0.0]) if step % 2 == 0 else np.array([0.0, 1.0])
    y = w @ x
    w += eta * y * (y - theta) * x
    theta += (y * y - theta) / tau
    trace.append([w[0], w[1], theta])
trace = np.array(trace)
print(f"final weights {w}, threshold {theta:.3f}")
print(f"response to A: {w[0]:.3f}, to B: {w[1]:.3f}")
assert w[1] < 1e-3 and abs(w[0] - tau * (1 / (1 - 1 / tau) - (1 - 1 / tau))) < 1e-3  # section 1's claims

# %%
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(trace[:, 0], label="w_A")
ax.plot(trace[:, 1], label="w_B")
ax.plot(trace[:, 2], "--", label="θ")
ax.set_xlabel("sample")
ax.legend()
ax.set_title("BCM: a small initial bias decides which stimulus the neuron keeps")
fig.tight_layout()
show(fig, "06_two_stimuli")

# %% [markdown]
# The neuron ends up responding to one stimulus only. At that fixed point the
# response to B is 0 and the response to A equals the threshold it meets
# (no more change). If $\theta$ were the exact average
# $\langle y^2\rangle = y_A^2/2$ of two equally frequent stimuli, that would
# give $y_A = 2$; the running average with $\tau = 10$ dips after every B
# sample, and solving the two-step recurrence gives $y_A = \tau(1/a - a)$
# with $a = 1 - 1/\tau$, that is 2.111, the value printed above.

# %% [markdown]
# ## 2. Oriented bars with hebbmem
#
# canns' example shows 1,000 oriented bars (12 x 12 pixels, 8 orientations)
# to four neurons. The stimulus function is the same as canns'.

# %%
def bar(angle, size=12):
    """A bar through the centre at `angle` (a Gaussian stripe), flattened and scaled to [0, 1]."""
    xx, yy = np.meshgrid(np.arange(size) - size / 2, np.arange(size) - size / 2)
    p = np.exp(-(((xx * np.cos(angle) + yy * np.sin(angle)) / 2) ** 2)).ravel()
    return (p - p.min()) / (p.max() - p.min() + 1e-8)


rng = np.random.default_rng(42)
orientations = np.linspace(0, np.pi, 8, endpoint=False)
stimuli = np.array([bar(a) for a in rng.choice(orientations, 1000)])
test_angles = np.linspace(0, np.pi, 16, endpoint=False)
test_stimuli = np.array([bar(a) for a in test_angles])

fig = plot_receptive_fields(np.array([bar(a) for a in orientations]), ncols=8, cmap="gray",
                            titles=[f"{np.degrees(a):.1f}°" for a in orientations])
show(fig, "06_stimuli")

# %%
model = LinearLayer(input_size=144, output_size=8, use_bcm_threshold=True, threshold_tau=50.0, seed=1)
W_untrained = model.W.copy()
trainer = BCMTrainer(model, learning_rate=1e-4)
trainer.train(stimuli, epochs=EPOCHS, record_weights=True)
print("thresholds after training:", model.theta)

# %%
fig = plot_receptive_fields(model.W, ncols=4, title="receptive fields after BCM training (red > 0 > blue)")
show(fig, "06_receptive_fields")

# %%
responses = trainer.predict_batch(test_stimuli)  # (16 angles, 8 neurons), one matrix product
fig, ax = plt.subplots(figsize=(7, 4))
plot_tuning_curves(test_angles, responses, ax=ax, degrees=True, xlabel="orientation", ylabel="response y")
ax.set_title("orientation tuning after training")
fig.tight_layout()
show(fig, "06_tuning")
print("preferred orientations:", np.degrees(test_angles[responses.argmax(axis=0)]))

# %% [markdown]
# Every neuron now responds strongly to one orientation and weakly to the
# others. BCM neurons do not compete with each other (there is no lateral
# inhibition here), so several neurons can settle on the same orientation;
# which one each picks depends on its random initial weights.
#
# ## 3. Measuring selectivity
#
# An orientation selectivity index (OSI) for a tuning curve $r(\phi)$:
#
# $$
# \mathrm{OSI} = \frac{\left|\sum_k r(\phi_k)\, e^{2 i \phi_k}\right|}{\sum_k |r(\phi_k)|}
# $$
#
# It is 1 for a neuron that responds to one orientation only and near 0 for
# one that responds equally to all. An untrained layer is the baseline.

# %%
def osi(R):
    return np.abs((R * np.exp(2j * test_angles)[:, None]).sum(axis=0)) / np.abs(R).sum(axis=0)


osi_untrained = osi(test_stimuli @ W_untrained.T)
osi_trained = osi(responses)
print("OSI untrained:", osi_untrained, "mean", round(osi_untrained.mean(), 3))
print("OSI trained:  ", osi_trained, "mean", round(osi_trained.mean(), 3))
assert osi_trained.mean() > osi_untrained.mean() + 0.1

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
plot_weight_evolution(trainer.weight_history_, ax=axes[0])
axes[0].set_title("weight norm of each neuron")
osis = [osi(test_stimuli @ W.T).mean() for W in trainer.weight_history_]
axes[1].plot(osis, marker="o", ms=3)
axes[1].set_xlabel("epoch")
axes[1].set_ylabel("mean OSI")
axes[1].set_title("selectivity grows with training")
fig.tight_layout()
show(fig, "06_evolution")

# %% [markdown]
# **The threshold follows its recurrence exactly.** Feed a few samples one at
# a time and compare $\theta$ with $\theta + (y^2 - \theta)/\tau$ computed by
# hand from the response before each update.

# %%
check = LinearLayer(144, 2, use_bcm_threshold=True, threshold_tau=50.0, seed=7)
check_trainer = BCMTrainer(check, learning_rate=1e-4)
worst = 0.0
for x in stimuli[:50]:
    y = check.W @ x
    expected = check.theta + (y * y - check.theta) / 50.0
    check_trainer.train([x])
    worst = max(worst, float(np.max(np.abs(check.theta - expected) / np.abs(expected))))
print(f"largest relative difference from the recurrence over 50 samples: {worst:.1e}")
assert worst <= 1e-12

# %% [markdown]
# ## 4. How fast?
#
# The hand-written loop of section 1, for 8 neurons on the bars, against
# hebbmem's NumPy code and its compiled kernel (same rule, same order).

# %%
def numpy_loop(W, theta, data, epochs, lr=1e-4, tau=50.0):
    W, theta = W.copy(), theta.copy()
    for _ in range(epochs):
        for x in data:
            y = W @ x
            W += lr * np.outer(y * (y - theta), x)
            np.clip(W, -10.0, 10.0, out=W)
            theta += (y * y - theta) / tau
    return W


n_epochs = 2 if FAST else 10
a = LinearLayer(144, 8, use_bcm_threshold=True, threshold_tau=50.0, seed=1)
b = LinearLayer(144, 8, use_bcm_threshold=True, threshold_tau=50.0, seed=1)
t0 = time.perf_counter()
W_loop = numpy_loop(a.W, a.theta, stimuli, n_epochs)
t_loop = time.perf_counter() - t0
t0 = time.perf_counter()
BCMTrainer(a, learning_rate=1e-4, compiled=False).train(stimuli, epochs=n_epochs)
t_numpy = time.perf_counter() - t0
t0 = time.perf_counter()
BCMTrainer(b, learning_rate=1e-4).train(stimuli, epochs=n_epochs)
t_numba = time.perf_counter() - t0
print(f"{n_epochs} epochs x 1,000 bars x 144 pixels -> 8 neurons")
print(f"  plain NumPy loop:          {t_loop * 1e3:8.1f} ms")
print(f"  hebbmem, compiled=False:   {t_numpy * 1e3:8.1f} ms")
print(f"  hebbmem, compiled (Numba): {t_numba * 1e3:8.1f} ms  ({t_loop / t_numba:.0f}x the plain loop)")
print(f"  NumPy and Numba paths bit-identical: {np.array_equal(a.W, b.W) and np.array_equal(a.theta, b.theta)}")
print(f"  largest difference to the plain loop: {np.abs(b.W - W_loop).max():.1e}")
assert np.array_equal(a.W, b.W) and np.allclose(b.W, W_loop, rtol=1e-9, atol=1e-12)

# %% [markdown]
# ## Summary
#
# - BCM: $\Delta w = \eta\, y (y - \theta)\, x$ with a threshold $\theta$ that
#   tracks $\langle y^2 \rangle$. Strong responses are reinforced, weak ones
#   suppressed, and the neuron becomes selective.
# - On oriented bars the neurons develop oriented receptive fields; their
#   selectivity index is far above an untrained layer's.
# - hebbmem's `BCMTrainer` takes canns' arguments, makes the weight clip a
#   parameter (`weight_bound`, canns hard-codes 10), and its compiled and
#   NumPy paths use the current weights at every sample and agree bit for bit.
