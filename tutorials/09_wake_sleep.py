# %% [markdown]
# # Tutorial 09: the Helmholtz machine and the wake-sleep algorithm
#
# Perception runs bottom-up: from an image to its causes. Imagination runs
# top-down: from causes to an image. The Helmholtz machine (Dayan, Hinton,
# Neal and Zemel, 1995) has one network for each direction, a *recognition*
# network $q(h \mid v)$ and a *generative* network $p(h)\,p(v \mid h)$, and the
# wake-sleep algorithm (Hinton, Dayan, Frey and Neal, 1995) trains each with
# the other's output, by purely local delta rules:
#
# - **wake**: perceive real data, and teach the generative network to
#   produce the data from the causes the recognition network found;
# - **sleep**: dream causes and data with the generative network, and teach
#   the recognition network to find the dreamed causes.
#
# How good is the result? The *variational free energy* $F(v)$ is an upper
# bound on $-\log p(v)$, and wake-sleep learning pushes it down. With 8 hidden
# units both are exact sums over $2^8 = 256$ hidden states. So this tutorial
#
# 1. takes the data of canns' wake-sleep example (four prototypes, 20 %
#    noise), whose true distribution, and so the best achievable score, we
#    know exactly;
# 2. writes one epoch of wake-sleep by hand in NumPy, and checks that
#    hebbmem computes the same numbers;
# 3. trains a Helmholtz machine with hebbmem and watches the free-energy
#    bound fall towards the data's entropy;
# 4. compares the recognition and the generative network;
# 5. samples from the learned prior;
# 6. shows why the number of dreams per epoch matters.
#
# **What you need:** NumPy and some probability. About 15 minutes.
#
# *Running it.* In Jupyter, run the cells in order. As a script
# (`python tutorials/09_wake_sleep.py`) it prints the same numbers. Figures
# are saved as PNG files only if the environment variable
# `HEBBMEM_TUTORIAL_OUTPUT` names a folder. `HEBBMEM_FAST=1` runs fewer epochs,
# for continuous integration.

# %%
import itertools
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from hebbmem.models.brain_inspired import HelmholtzMachine
from hebbmem.plotting import plot_receptive_fields, plot_samples
from hebbmem.trainer import WakeSleepTrainer

FAST = os.environ.get("HEBBMEM_FAST", "0") not in ("", "0")  # a short run for CI
OUTPUT = os.environ.get("HEBBMEM_TUTORIAL_OUTPUT")  # a folder for the PNG files, or None

EPOCHS = 40 if FAST else 200  # passes over the data in sections 3 and 6
EVERY = 4 if FAST else 10  # epochs between two measurements

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
# ## 1. Data with a known distribution
#
# canns' example draws 16-pixel images (shown here as 4 x 4) from four
# prototypes: the top half on, the bottom half on, every other column on, the
# top row on. Each image picks a prototype at random and flips every pixel
# with probability 0.2. Its probability is therefore known exactly,
#
# $$
# p_{\text{data}}(v) = \frac14 \sum_{k=1}^{4} 0.2^{d_k(v)}\, 0.8^{16 - d_k(v)},
# $$
#
# with $d_k(v)$ the number of pixels where $v$ differs from prototype $k$. Its
# entropy, $-\sum_v p_{\text{data}}(v) \log p_{\text{data}}(v)$ over all
# $2^{16}$ images, is the lowest average $-\log p(v)$ any model can reach.

# %%
V, H = 16, 8
prototypes = np.zeros((4, V))
prototypes[0, :8] = 1  # top half
prototypes[1, 8:] = 1  # bottom half
prototypes[2, ::2] = 1  # every other column
prototypes[3, :4] = 1  # top row


def draw(n, rng, noise=0.2):
    X = prototypes[rng.integers(4, size=n)].copy()
    flip = rng.random((n, V)) < noise
    X[flip] = 1 - X[flip]
    return X


train, test = draw(1000, np.random.default_rng(0)), draw(1000, np.random.default_rng(1))
every_image = np.array(list(itertools.product([0, 1], repeat=V)), dtype=float)
distance = np.abs(every_image[:, None, :] - prototypes[None]).sum(axis=2)
p_data = (0.25 * 0.2 ** distance * 0.8 ** (V - distance)).sum(axis=1)
entropy = -(p_data * np.log(p_data)).sum()
print(f"probabilities sum to {p_data.sum():.6f}; entropy of the data: {entropy:.3f} nats "
      f"(16 fair coins: {V * np.log(2):.3f})")

fig = plot_samples(np.vstack([prototypes, train[:8]]), shape=(4, 4), ncols=12,
                   titles=["top", "bottom", "columns", "top row"] + [""] * 8,
                   title="the four prototypes, then eight training images")
show(fig, "09_data")

# %% [markdown]
# ## 2. Wake-sleep by hand
#
# With the logistic function $\sigma$, the generative network draws cause
# $j$ with probability $\sigma(a_j)$ and pixel $i$ with probability
# $\sigma((W_{\text{gen}} h + b_{\text{gen}})_i)$; the recognition network
# turns pixel vectors into causes with probabilities
# $\sigma((W_{\text{rec}} v + b_{\text{rec}})_j)$. Both phases are the delta
# rule, each for the network that is being taught:
#
# $$
# \text{wake:}\quad \Delta W_{\text{gen}} = \eta\,(v - p)\,h^\top,\;
# \Delta b_{\text{gen}} = \eta\,(v - p),\; \Delta a = \eta\,(h - \sigma(a)),
# \qquad h \sim q(h \mid v),\; p = \sigma(W_{\text{gen}} h + b_{\text{gen}})
# $$
#
# $$
# \text{sleep:}\quad \Delta W_{\text{rec}} = \eta\,(h - q)\,v^\top,\;
# \Delta b_{\text{rec}} = \eta\,(h - q),
# \qquad h \sim p(h),\; v \sim p(v \mid h),\; q = \sigma(W_{\text{rec}} v + b_{\text{rec}})
# $$
#
# One epoch wakes on every training image, then sleeps through as many
# dreams. To compare number for number with hebbmem we draw the random numbers
# as it does: the two weight matrices first, then the wake phase's uniforms,
# then the sleep phase's (per dream: the causes, then the pixels).

# %%
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


eta = 0.02
rng = np.random.default_rng(5)
W_rec, W_gen = rng.normal(0.0, 0.01, size=(H, V)), rng.normal(0.0, 0.01, size=(V, H))
b_rec, b_gen, a = np.zeros(H), np.zeros(V), np.zeros(H)
wake_u = rng.random(len(train) * H).reshape(len(train), H)
for v, u in zip(train, wake_u):  # wake: perceive, and learn to generate what was perceived
    h = (u < sigmoid(W_rec @ v + b_rec)).astype(float)
    p = sigmoid(W_gen @ h + b_gen)
    prior = sigmoid(a)
    W_gen += eta * np.outer(v - p, h)
    b_gen += eta * (v - p)
    a += eta * (h - prior)
sleep_u = rng.random(len(train) * (H + V)).reshape(len(train), H + V)
for u in sleep_u:  # sleep: dream, and learn to recognise what was dreamed
    h = (u[:H] < sigmoid(a)).astype(float)
    v = (u[H:] < sigmoid(W_gen @ h + b_gen)).astype(float)
    q = sigmoid(W_rec @ v + b_rec)
    W_rec += eta * np.outer(h - q, v)
    b_rec += eta * (h - q)

model = HelmholtzMachine(num_visible=V, num_hidden=H, seed=5)
WakeSleepTrainer(model, learning_rate=eta, num_sleep_samples=len(train)).train(train)
for name, mine in (("W_gen", W_gen), ("W_rec", W_rec), ("b_prior", a)):
    print(f"{name}: largest difference from the hand-written epoch {np.abs(getattr(model, name) - mine).max():.1e}")
assert np.allclose(model.W_gen, W_gen, rtol=0, atol=1e-12) and np.allclose(model.W_rec, W_rec, rtol=0, atol=1e-12)

# %% [markdown]
# They agree to rounding (hebbmem's kernel and its `compiled=False` NumPy code
# agree bit for bit). Unlike canns 1.5.0, hebbmem learns the prior's logits
# $a$ (`model.b_prior`), starts from small random weights, and uses fresh
# random numbers for every draw.
#
# ## 3. The free-energy bound falls
#
# The recognition network's guess $q(h \mid v)$ turns $-\log p(v)$ into a
# bound that can be computed from the two networks alone:
#
# $$
# F(v) = \sum_h q(h \mid v)\,\big[\log q(h \mid v) - \log p(h) - \log p(v \mid h)\big]
#      = -\log p(v) + \mathrm{KL}\big(q(\cdot \mid v)\,\|\,p(\cdot \mid v)\big) \;\ge\; -\log p(v).
# $$
#
# The wake phase lowers $F$ for the current recognition network; the sleep
# phase moves the recognition network towards the generative network's
# posterior, which shrinks the KL term. `model.variational_free_energy(X)`
# sums over the 256 hidden states exactly, and `model.log_likelihood(X)`
# gives $\log p(v)$ exactly.

# %%
model = HelmholtzMachine(V, H, seed=0)
trainer = WakeSleepTrainer(model, learning_rate=eta, num_sleep_samples=len(train))
epochs, bound, neg_ll = [0], [model.variational_free_energy(test).mean()], [-model.log_likelihood(test).mean()]
for epoch in range(EVERY, EPOCHS + 1, EVERY):
    trainer.train(train, epochs=EVERY)
    epochs.append(epoch)
    bound.append(model.variational_free_energy(test).mean())
    neg_ll.append(-model.log_likelihood(test).mean())
bound, neg_ll = np.array(bound), np.array(neg_ll)
print(f"test F:        {bound[0]:.3f} -> {bound[-1]:.3f} nats")
print(f"test -log p:   {neg_ll[0]:.3f} -> {neg_ll[-1]:.3f} nats (entropy of the data {entropy:.3f})")
print(f"gap F - (-log p) = KL(q || posterior) at the end: {bound[-1] - neg_ll[-1]:.3f} nats")
print("training statistics of the last epoch:", trainer.get_training_statistics())
assert np.all(bound >= neg_ll - 1e-12)  # the bound holds at every step
assert bound[-1] < bound[0] - 1.0  # wake-sleep lowers it by more than a nat ...
assert bound[-1] < entropy + 0.6  # ... to within about half a nat of the best possible

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(epochs, bound, marker="o", ms=3, label="free energy F (the bound)")
ax.plot(epochs, neg_ll, marker="o", ms=3, label="-log p(v) (exact)")
ax.axhline(entropy, color="k", ls=":", label="entropy of the data (best possible)")
ax.set_xlabel("epoch")
ax.set_ylabel("nats per image (test set)")
ax.set_title("wake-sleep lowers the variational free energy")
ax.legend()
fig.tight_layout()
show(fig, "09_free_energy")

# %% [markdown]
# The bound starts at $16 \log 2 = 11.09$ nats (every image equally likely)
# and falls towards the data's entropy. The gap between the two curves is the
# KL divergence between the recognition network's factorial guess and the
# true posterior: small, but never zero, because a factorial $q$ cannot
# represent every posterior. Wake-sleep does not follow the gradient of $F$
# exactly (the sleep phase minimises the KL divergence the other way round),
# so the curve may wobble; it still falls.
#
# ## 4. Recognition against generation
#
# Column $j$ of $W_{\text{gen}}$ is what cause $j$ draws; row $j$ of
# $W_{\text{rec}}$ is what makes the recognition network believe in cause
# $j$. Learned separately, from different phases, they should still describe
# the same causes.

# %%
order = np.argsort(-model.b_prior)  # the most probable causes first
titles = [f"cause {j}: p = {1 / (1 + np.exp(-model.b_prior[j])):.2f}" for j in order]
fig = plot_receptive_fields(model.W_gen.T[order], shape=(4, 4), ncols=8, titles=titles,
                            title="generation: what each cause draws (columns of W_gen)")
show(fig, "09_generative_fields")
fig = plot_receptive_fields(model.W_rec[order], shape=(4, 4), ncols=8, titles=[f"cause {j}" for j in order],
                            title="recognition: what each cause responds to (rows of W_rec)")
show(fig, "09_recognition_fields")
agreement = [np.corrcoef(model.W_gen[:, j], model.W_rec[j])[0, 1] for j in range(H)]
print("correlation of each cause's generative and recognition fields:", np.round(agreement, 2))
assert np.median(agreement) > 0.5

# %% [markdown]
# The two networks agree on what the causes are: each recognition field
# looks like its generative field (a correlation near 1 for the causes that
# matter). And the pair reconstructs: recognise an image, then generate from
# the recognised causes (`trainer.predict`, canns' `forward`).

# %%
noisy = test[:6]
recon = trainer.predict_batch(noisy)
fig = plot_samples(np.vstack([noisy, recon]), shape=(4, 4), ncols=6,
                   titles=[f"test {k}" for k in range(6)] + ["reconstruction"] * 6)
show(fig, "09_reconstructions")

# %% [markdown]
# ## 5. Dreams: samples from the learned prior
#
# `model.sample(n)` draws causes from the prior and pixels from the causes.
# If the machine has learned the data's distribution, its dreams are noisy
# prototypes too: each prototype about a quarter of the time, at the data's
# distance from it.

# %%
dreams = model.sample(2000)
fig = plot_samples(dreams[:24], shape=(4, 4), ncols=12, title="dreams of the trained machine")
show(fig, "09_dreams")


def nearest(X):
    d = np.abs(X[:, None, :] - prototypes[None]).sum(axis=2)
    return d.argmin(axis=1), d.min(axis=1)


for name, X in (("data", test), ("dreams", dreams)):
    which, dist = nearest(X)
    print(f"{name:>6}: nearest prototype shares {np.bincount(which, minlength=4) / len(X)}, "
          f"mean distance {dist.mean():.2f} pixels")
share = np.bincount(nearest(dreams)[0], minlength=4) / len(dreams)
assert share.min() > 0.15 and abs(nearest(dreams)[1].mean() - nearest(test)[1].mean()) < 0.5

# %% [markdown]
# ## 6. How many dreams per epoch?
#
# canns' example trains with `learning_rate=0.1` and only 20 dreams per epoch
# for 200 training images. The recognition network learns only in sleep, so
# it is starved: the wake phase then keeps teaching the generative network
# with poor guesses of the causes. Hinton et al. alternate one wake and one
# sleep step, which `num_sleep_samples=len(data)` matches. Same data, same
# number of epochs, exact bound:

# %%
results = {}
for dreams_per_epoch in (20, len(train)):
    m = HelmholtzMachine(V, H, seed=0)
    WakeSleepTrainer(m, learning_rate=eta, num_sleep_samples=dreams_per_epoch).train(train, epochs=EPOCHS)
    results[dreams_per_epoch] = m.variational_free_energy(test).mean()
    print(f"{dreams_per_epoch:5d} dreams per epoch: test F = {results[dreams_per_epoch]:.3f} nats")
assert results[len(train)] < results[20] - 0.1

# %% [markdown]
# ## Summary
#
# - A Helmholtz machine pairs a generative network (causes to data) with a
#   recognition network (data to causes). Wake-sleep trains each with the
#   other's output, with nothing but local delta rules.
# - The variational free energy $F(v) \ge -\log p(v)$ measures the pair; with
#   8 hidden units hebbmem computes both exactly, and wake-sleep brings $F$
#   from 11.09 nats to within about half a nat of the data's entropy.
# - The two networks learn matching fields, reconstruct the data, and the
#   learned prior dreams noisy prototypes in the data's proportions.
# - The recognition network learns only in sleep: give it as many dreams as
#   there are data.
# - hebbmem runs canns' API (`HelmholtzMachine`, `WakeSleepTrainer`,
#   `get_training_statistics`) with a learned prior and exact measurements,
#   and its kernel is bit-identical to its NumPy code.
