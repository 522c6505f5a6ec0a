# %% [markdown]
# # Tutorial 08: restricted Boltzmann machines and contrastive divergence
#
# A restricted Boltzmann machine (RBM) learns a *probability distribution*
# over binary images: after training, digits are likely and noise is not, and
# the model can dream new digits. Its learning rule is Hebbian with a twist:
# strengthen the correlations the data shows, and weaken the correlations the
# model dreams up on its own. Geoffrey Hinton (2002) made this practical with
# *contrastive divergence* (CD), which dreams for only one step (CD-1) or k
# steps (CD-k); Tijmen Tieleman (2008) let the dreams continue from one update
# to the next (*persistent* CD, PCD).
#
# Which of them learns the best model? The honest measure is the
# log-likelihood of held-out digits, which needs the partition function $Z$, a
# sum over every state of the machine. That is usually impossible, but with 16
# hidden units it is a sum over $2^{16} = 65{,}536$ hidden states, which takes
# a fraction of a second. So this tutorial
#
# 1. prepares binarised 14 x 14 digits from the bundled MNIST subset;
# 2. writes CD-1 by hand in NumPy, and checks that hebbmem's trainer computes
#    the same numbers;
# 3. computes the exact log-likelihood by hand, and with hebbmem;
# 4. compares CD-1, CD-10 and PCD by exact test log-likelihood;
# 5. looks at the learned features and at samples dreamed by the models;
# 6. measures the speed of the three ways of running CD-1.
#
# **What you need:** NumPy, and the idea of a probability distribution. About
# 20 minutes (the script runs in about a minute).
#
# *Running it.* In Jupyter, run the cells in order. As a script
# (`python tutorials/08_rbm_contrastive_divergence.py`) it prints the same
# numbers. Figures are saved as PNG files only if the environment variable
# `HEBBMEM_TUTORIAL_OUTPUT` names a folder. `HEBBMEM_FAST=1` runs fewer
# epochs, for continuous integration.

# %%
import os
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import hebbmem as hm
from hebbmem.models.brain_inspired import RestrictedBoltzmannModel
from hebbmem.plotting import plot_receptive_fields, plot_samples
from hebbmem.trainer import ContrastiveDivergenceTrainer

FAST = os.environ.get("HEBBMEM_FAST", "0") not in ("", "0")  # a short run for CI
OUTPUT = os.environ.get("HEBBMEM_TUTORIAL_OUTPUT")  # a folder for the PNG files, or None

EPOCHS = 16 if FAST else 40  # passes over the training digits in section 4
CHECKPOINTS = [2, 4, 8, 12, 16] if FAST else [2, 4, 6, 8, 10, 15, 20, 25, 30, 35, 40]  # where we measure
GIBBS_STEPS = 200 if FAST else 1000  # for the dreams of section 5

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
# ## 1. Binary digits
#
# The bundled subset has 2,000 MNIST digits of 28 x 28 pixels, sorted by
# class. We average 2 x 2 blocks (14 x 14 = 196 pixels), call a pixel *on*
# when it is more than half white, shuffle once, and keep 1,600 digits for
# training and 400 for testing.

# %%
images, labels = hm.datasets.load_mnist()
small = images.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4))  # 2 x 2 blocks -> 14 x 14
X = (small > 127.5).astype(float).reshape(len(images), -1)
order = np.random.default_rng(0).permutation(len(X))
X, y = X[order], labels[order]
train, test = X[:1600], X[1600:]
V, H = X.shape[1], 16  # 196 visible units (pixels), 16 hidden units (features)
print(f"train {train.shape}, test {test.shape}, fraction of pixels on: {X.mean():.3f}")

fig = plot_samples(train[:20], ncols=10, titles=[str(d) for d in y[:20]], title="binarised 14 x 14 digits")
show(fig, "08_digits")

# %% [markdown]
# ## 2. CD-1 by hand
#
# An RBM gives each pair of a visible vector $v$ (the pixels) and a hidden
# vector $h$ (the features) an energy $E(v, h) = -h^\top W v - b^\top v - c^\top h$
# and a probability $p(v, h) = e^{-E(v,h)}/Z$. There are no connections within
# a layer, so each layer is easy to sample given the other:
#
# $$
# p(h_i = 1 \mid v) = \sigma\big((W v + c)_i\big), \qquad
# p(v_j = 1 \mid h) = \sigma\big((W^\top h + b)_j\big), \qquad \sigma(z) = \frac{1}{1 + e^{-z}}.
# $$
#
# The gradient of the log-likelihood is a difference of two correlations,
# $\langle h v^\top \rangle_{\text{data}} - \langle h v^\top \rangle_{\text{model}}$.
# CD-1 estimates the second term with one step of Gibbs sampling started at the
# data: sample $h$ from the data, a "reconstruction" $\tilde v$ from $h$, and
# take the hidden probabilities $q$ of $\tilde v$. For a mini-batch of $n_b$
# rows, with the hidden probabilities $p$ of the data,
#
# $$
# \Delta W = \frac{\eta}{n_b} \sum_r \big(p^{(r)} x^{(r)\top} - q^{(r)} \tilde v^{(r)\top}\big),
# \quad \Delta b = \frac{\eta}{n_b} \sum_r \big(x^{(r)} - \tilde v^{(r)}\big),
# \quad \Delta c = \frac{\eta}{n_b} \sum_r \big(p^{(r)} - q^{(r)}\big).
# $$
#
# Here is one epoch of it, in mini-batches of 10. To compare with hebbmem
# number for number we draw the random numbers as hebbmem does: the initial
# weights $\mathcal N(0, 0.01^2)$ first, then the epoch's uniforms at once,
# used in the order the chain needs them. A unit is on when its uniform is
# below its probability.

# %%
def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


eta, batch = 0.1, 10
rng = np.random.default_rng(1)
W = rng.normal(0.0, 0.01, size=(H, V))
b, c = np.zeros(V), np.zeros(H)
U = rng.random(len(train) * (H + V))  # one hidden and one visible sample per digit
used = 0
for start in range(0, len(train), batch):
    x = train[start:start + batch]
    p = sigmoid(x @ W.T + c)  # positive phase: hidden probabilities of the data
    h = (U[used:used + p.size].reshape(p.shape) < p).astype(float)
    used += p.size
    p_v = sigmoid(h @ W + b)  # one Gibbs step: the reconstruction
    v = (U[used:used + p_v.size].reshape(p_v.shape) < p_v).astype(float)
    used += p_v.size
    q = sigmoid(v @ W.T + c)  # negative phase
    W += eta / len(x) * (p.T @ x - q.T @ v)
    b += eta / len(x) * (x - v).sum(axis=0)
    c += eta / len(x) * (p - q).sum(axis=0)

model = RestrictedBoltzmannModel(num_visible=V, num_hidden=H, seed=1)
ContrastiveDivergenceTrainer(model, learning_rate=eta, k=1, batch_size=batch).train(train)
print(f"largest difference from the hand-written epoch: W {np.abs(model.W - W).max():.1e}, "
      f"b {np.abs(model.b - b).max():.1e}, c {np.abs(model.c - c).max():.1e}")
assert np.allclose(model.W, W, rtol=0, atol=1e-12) and np.allclose(model.b, b, rtol=0, atol=1e-12)

# %% [markdown]
# The two agree to rounding. (hebbmem's compiled kernel and its NumPy path,
# `compiled=False`, agree bit for bit; NumPy's vectorised `exp` can differ from
# the C library's in the last bit, which is all that separates them from the
# cell above.)

# %% [markdown]
# ## 3. The exact log-likelihood
#
# Summing $e^{-E(v,h)}$ over $h$ gives $p(v) = e^{-F(v)}/Z$ with the *free
# energy* $F(v) = -b^\top v - \sum_i \log(1 + e^{(W v + c)_i})$. Summing over
# $v$ instead gives $Z$ as a sum over the $2^{16}$ hidden states only:
#
# $$
# \log Z = \log \sum_{h \in \{0,1\}^{16}} \exp\Big(c^\top h + \sum_j \log\big(1 + e^{(W^\top h + b)_j}\big)\Big).
# $$
#
# We compute it in chunks of 4,096 states, with `np.logaddexp` so that
# nothing overflows.

# %%
def log_partition_by_hand(W, b, c):
    chunks = []
    for first in range(0, 2 ** H, 4096):
        states = ((np.arange(first, first + 4096)[:, None] >> np.arange(H)) & 1).astype(float)
        chunks.append(np.logaddexp.reduce(states @ c + np.logaddexp(0, states @ W + b).sum(axis=1)))
    return np.logaddexp.reduce(chunks)


log_Z = log_partition_by_hand(model.W, model.b, model.c)
free_energy = -(test @ model.b) - np.logaddexp(0, test @ model.W.T + model.c).sum(axis=1)
ll_hand = np.mean(-free_energy - log_Z)
print(f"log Z = {log_Z:.4f} (hebbmem: {model.log_partition():.4f})")
print(f"test log-likelihood after one epoch: {ll_hand:.3f} nats per digit "
      f"(hebbmem: {model.log_likelihood(test).mean():.3f})")
untrained = RestrictedBoltzmannModel(V, H, seed=1).log_likelihood(test).mean()
print(f"untrained model: {untrained:.2f} nats (196 coin flips: {196 * np.log(0.5):.2f})")
assert abs(ll_hand - model.log_likelihood(test).mean()) < 1e-9

# %% [markdown]
# One epoch already took the likelihood from about $196 \log \tfrac12$ (a coin
# flip per pixel) to a few dozen nats per digit. `model.log_likelihood` works
# for any RBM with at most 20 units in its smaller layer, and says so clearly
# above that.
#
# ## 4. CD-1, CD-10 and persistent CD
#
# CD-k's chain starts at the data and runs $k$ steps, so it mostly sees states
# near the data: its estimate of the model's correlations is biased, less so
# for larger $k$. PCD keeps one chain per row of the batch ("fantasy
# particles") running across updates; if the weights change slowly, the
# particles stay close to samples of the current model. Tieleman let the
# learning rate decay to zero, and so do we: $\eta_e = 0.1\,(1 - e/E)$ at epoch
# $e$ of $E$. We train three models from the same initial weights and measure
# the exact test log-likelihood along the way, and a fourth, PCD at a constant
# learning rate, to see why the decay matters.

# %%
def train_and_measure(k, persistent, decay):
    model = RestrictedBoltzmannModel(V, H, seed=2)
    trainer = ContrastiveDivergenceTrainer(model, learning_rate=0.1, k=k, persistent=persistent, batch_size=10)
    curve = []
    for epoch in range(EPOCHS):
        if decay:
            trainer.learning_rate = 0.1 * (1 - epoch / EPOCHS)
        trainer.train(train)
        if epoch + 1 in CHECKPOINTS:
            curve.append(model.log_likelihood(test).mean())
    return model, np.array(curve)


t0 = time.perf_counter()
runs = {
    "CD-1": train_and_measure(1, False, True),
    "CD-10": train_and_measure(10, False, True),
    "PCD": train_and_measure(1, True, True),
    "PCD, constant rate": train_and_measure(1, True, False),
}
print(f"4 x {EPOCHS} epochs and {4 * len(CHECKPOINTS)} exact likelihoods in {time.perf_counter() - t0:.1f} s")
print("test log-likelihood (nats per digit) after epochs", CHECKPOINTS)
for name, (_, curve) in runs.items():
    print(f"  {name:>18}: {np.round(curve, 2)}")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
for name, (_, curve) in runs.items():
    ax.plot(CHECKPOINTS, curve, marker="o", ms=3, ls="--" if "constant" in name else "-", label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("test log-likelihood (nats per digit)")
ax.set_title("exact log-likelihood of 400 held-out digits (16 hidden units)")
ax.legend()
fig.tight_layout()
show(fig, "08_likelihood")

# %%
cd1, cd10, pcd, pcd_const = (runs[k][1] for k in ("CD-1", "CD-10", "PCD", "PCD, constant rate"))
assert min(cd1[-1], cd10[-1], pcd[-1]) > untrained + 80  # every rule learns the digits
assert cd10[0] > cd1[0] + 3 and pcd[0] > cd1[0] + 3  # longer or persistent chains start much faster
assert np.all(cd10 >= np.maximum(cd1, pcd))  # CD-10's less biased gradient leads at every checkpoint
assert np.any(np.diff(pcd_const) < 0)  # at a constant rate, PCD's likelihood falls at times

# %% [markdown]
# What the exact likelihood shows:
#
# - **CD-1 starts slowly.** After two epochs CD-10 and PCD are several nats
#   ahead: one step from the data says little about what the model dreams
#   when it is still nearly uniform.
# - **CD-10 is the best of the three** at every checkpoint here: its longer
#   chains give a less biased gradient, at ten times the cost per update.
# - **PCD catches up with CD-1** when its rate decays, and they end within a
#   fraction of a nat. A small RBM mixes fast, so CD-1's bias costs little in
#   likelihood; PCD's advantage grows with larger models, whose chains mix
#   slowly. (Section 5 shows what CD-1's bias does cost.)
# - **PCD needs a small or decaying learning rate.** At a constant 0.1 the
#   weights move faster than the fantasy particles can follow, and the
#   likelihood wobbles and falls back.
#
# The reconstruction error that CD training usually reports would not show
# any of this: it measures one step of the chain, not the distribution.

# %% [markdown]
# ## 5. What the hidden units learned, and what the models dream
#
# Row $i$ of $W$ is the filter of hidden unit $i$: the pixels that turn it on
# (red) or off (blue).

# %%
best_model = runs["CD-10"][0]
fig = plot_receptive_fields(best_model.W, shape=(14, 14), ncols=8,
                            titles=[f"h{i}" for i in range(H)], title="the 16 filters learned by CD-10")
show(fig, "08_filters")

# %% [markdown]
# To dream, we run a Gibbs chain from random pixels for many steps:
# `trainer.predict_batch(starts, num_gibbs_steps)` returns the chains' last
# visible samples.

# %%
starts = (np.random.default_rng(3).random((20, V)) < 0.5).astype(float)
dreams = {}
for name in ("CD-1", "PCD"):
    dreams[name] = ContrastiveDivergenceTrainer(runs[name][0]).predict_batch(starts, num_gibbs_steps=GIBBS_STEPS)
    fig = plot_samples(dreams[name], ncols=10, title=f"{name}: samples after {GIBBS_STEPS} Gibbs steps")
    show(fig, f"08_samples_{name.replace('-', '').lower()}")
    print(f"{name}: fraction of pixels on in the samples {dreams[name].mean():.3f} (digits: {X.mean():.3f})")
assert abs(dreams["PCD"].mean() - X.mean()) < 0.03  # PCD's dreams have the digits' ink

# %% [markdown]
# A chain can stay stuck, so samples only hint at what a model believes. The
# enumeration of section 3 measures it exactly: the hidden states have
# probabilities $p(h) \propto \exp\big(c^\top h + \sum_j \log(1 + e^{(W^\top h + b)_j})\big)$
# (the terms of $\log Z$), and given $h$ the expected fraction of pixels on is
# the mean of $\sigma(W^\top h + b)$. Averaging one with the other gives the
# model's own expected ink, and the probability it puts on noisy images
# (more than 20 % of the pixels on; digits have 13 %).

# %%
def exact_ink(model):
    """E[fraction of pixels on] under the model, and P(E[ink | h] > 0.2), summed over its 2**16 hidden states."""
    log_weights, ink = [], []
    for first in range(0, 2 ** H, 4096):
        states = ((np.arange(first, first + 4096)[:, None] >> np.arange(H)) & 1).astype(float)
        fields = states @ model.W + model.b
        log_weights.append(states @ model.c + np.logaddexp(0, fields).sum(axis=1))  # log p(h) + log Z
        ink.append(sigmoid(fields).mean(axis=1))  # E[ink | h]
    log_weights, ink = np.concatenate(log_weights), np.concatenate(ink)
    p_h = np.exp(log_weights - np.logaddexp.reduce(log_weights))
    return p_h @ ink, p_h[ink > 0.2].sum()


beliefs = {name: exact_ink(runs[name][0]) for name in ("CD-1", "CD-10", "PCD")}
for name, (ink, noisy) in beliefs.items():
    print(f"{name:>6}: expected ink {ink:.3f} (digits {X.mean():.3f}), probability of noisy images {noisy:.3f}")
assert abs(beliefs["PCD"][0] - X.mean()) < abs(beliefs["CD-1"][0] - X.mean())

# %% [markdown]
# CD-1's chains start at the data, so CD-1 never sees, and never unlearns,
# states far from the digits: its model expects more ink than the digits
# have, and its dreams are heavier. After a short training (16 epochs, the
# `HEBBMEM_FAST=1` run) it even puts about a quarter of its probability on
# noisy images, whose dreams are salt-and-pepper noise; after 40 epochs that
# has shrunk below 1 %. The likelihood barely notices: putting a fraction $f$
# of the mass elsewhere costs only $-\log(1 - f)$ nats per digit (0.3 nats for
# $f = 1/4$). PCD's particles wander wherever the model puts its mass and push
# it back towards the digits: its expected ink is close to the digits'. Sixteen binary features can only
# describe a few dozen prototypes and their blends, so even PCD's dreams are
# blurry strokes; more hidden units give sharper samples, and take the exact
# likelihood out of reach.
#
# ## 6. How fast? Three ways to run CD-1
#
# The same epoch of CD-1 as in section 2, timed: the hand-written loop,
# hebbmem's readable NumPy code (`compiled=False`), and hebbmem's compiled
# kernel, with mini-batches of 10 and with canns' default of one digit per
# update. The benchmark `python benchmarks/run.py --only rbm` compares
# hebbmem with scikit-learn's `BernoulliRBM` on the same digits.

# %%
def epoch_by_hand(W, b, c, rng, batch):
    U, used = rng.random(len(train) * (H + V)), 0
    for start in range(0, len(train), batch):
        x = train[start:start + batch]
        p = sigmoid(x @ W.T + c)
        h = (U[used:used + p.size].reshape(p.shape) < p).astype(float)
        used += p.size
        p_v = sigmoid(h @ W + b)
        v = (U[used:used + p_v.size].reshape(p_v.shape) < p_v).astype(float)
        used += p_v.size
        q = sigmoid(v @ W.T + c)
        W += eta / len(x) * (p.T @ x - q.T @ v)
        b += eta / len(x) * (x - v).sum(axis=0)
        c += eta / len(x) * (p - q).sum(axis=0)


def timed(fn, repeats=3):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


print("one epoch of CD-1, 1,600 digits, 196 -> 16 units")
for size in (10, 1):
    t_hand = timed(lambda: epoch_by_hand(W.copy(), b.copy(), c.copy(), np.random.default_rng(0), size))
    kernel_trainer = ContrastiveDivergenceTrainer(RestrictedBoltzmannModel(V, H, seed=1), eta, batch_size=size)
    t_kernel = timed(lambda: kernel_trainer.train(train))
    print(f"  batches of {size:2d}: hand-written NumPy loop {t_hand * 1e3:6.1f} ms, "
          f"hebbmem (Numba) {t_kernel * 1e3:5.1f} ms")
numpy_model, kernel_model = RestrictedBoltzmannModel(V, H, seed=1), RestrictedBoltzmannModel(V, H, seed=1)
t_numpy = timed(lambda: ContrastiveDivergenceTrainer(numpy_model, eta, batch_size=10, compiled=False).train(train),
                repeats=1)
ContrastiveDivergenceTrainer(kernel_model, eta, batch_size=10).train(train)
print(f"  batches of 10: hebbmem, compiled=False {t_numpy * 1e3:.0f} ms; bit-identical to the kernel: "
      f"{np.array_equal(numpy_model.W, kernel_model.W)}")
assert np.array_equal(numpy_model.W, kernel_model.W) and np.array_equal(numpy_model.c, kernel_model.c)

# %% [markdown]
# With mini-batches of 10, NumPy's loop is already vectorised over the batch,
# and the kernel is ahead by its sparse sums and the Python overhead it
# skips. One digit per update leaves NumPy a dozen tiny calls per digit, and
# the kernel far ahead. hebbmem's NumPy path adds its sums in a fixed order
# and calls the C library's `exp`, so that it matches the kernel bit for bit;
# it is there to be read, not to be fast.
#
# ## Summary
#
# - An RBM's learning rule is Hebbian minus anti-Hebbian: correlations under
#   the data, minus correlations under the model's own dreams.
# - CD-k dreams k steps from the data; PCD keeps dreaming across updates and
#   needs a small or decaying learning rate.
# - With 16 hidden units the exact log-likelihood is a sum over 65,536 states,
#   and it tells the rules apart where the reconstruction error cannot: CD-10
#   leads, CD-1 starts slowly, PCD at a constant rate wobbles.
# - The same enumeration measures what a model believes: CD-1's model keeps
#   probability on noisy images that its chains never visit; PCD's does not.
# - hebbmem runs canns' API (`RestrictedBoltzmannModel`,
#   `ContrastiveDivergenceTrainer`) with mini-batches, PCD and exact
#   likelihoods, and its kernel is bit-identical to its NumPy code.
