# %% [markdown]
# # Tutorial 10: anti-Hebbian learning, decorrelation and sparse coding
#
# Hebb's rule strengthens the connection between two neurons that fire
# together. Flip its sign and co-active neurons *weaken* each other's
# connection, or inhibit each other: that is anti-Hebbian learning,
#
# $$
# \Delta W_{ij} = -\eta \, y_i \, y_j .
# $$
#
# Section 4 of the canns tutorial "Pattern storage and recall" lists what it
# is good for: **decorrelation** (reduce redundancy), **sparse coding**
# (efficient codes with few active neurons), competitive dynamics and
# **lateral inhibition** between neurons of one layer, and "combined: often
# use both (Hebbian feedforward, anti-Hebbian lateral)". Its one example
# compares the weight matrices of two Hopfield networks. This tutorial runs
# that example, then builds and measures each claim:
#
# 1. the tutorial's example, runnable, and what it shows;
# 2. **decorrelation**: a layer with anti-Hebbian lateral connections, written
#    by hand in NumPy, its output correlations measured before and after;
# 3. **Földiák's network** (1990), Hebbian feed-forward plus anti-Hebbian
#    lateral plus adaptive thresholds, by hand in NumPy and then with hebbmem;
# 4. **the bars problem**: a sparse code with one unit per bar, and what each
#    of the three rules contributes;
# 5. the speed of the three ways of running it.
#
# **What you need:** NumPy, and tutorial 01 for Hopfield networks. About 20
# minutes.
#
# *Running it.* In Jupyter, run the cells in order. As a script
# (`python tutorials/10_anti_hebbian_sparse_coding.py`) it prints the same
# numbers. Figures are saved as PNG files only if the environment variable
# `HEBBMEM_TUTORIAL_OUTPUT` names a folder. `HEBBMEM_FAST=1` makes the slow
# hand-written loops shorter, for continuous integration.

# %%
import os
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import hebbmem as hm
from hebbmem.competitive import bar_code, bar_images, bars, mean_abs_correlation
from hebbmem.datasets import binarize, load_mnist
from hebbmem.models.brain_inspired import AmariHopfieldNetwork
from hebbmem.plotting import plot_feedforward_weights, plot_lateral_weights, plot_output_correlations
from hebbmem.trainer import AntiHebbianTrainer, HebbianTrainer

FAST = os.environ.get("HEBBMEM_FAST", "0") not in ("", "0")  # a short run for CI
OUTPUT = os.environ.get("HEBBMEM_TUTORIAL_OUTPUT")  # a folder for the PNG files, or None

N_HAND = 300 if FAST else 1000  # images for the hand-written Földiák loop (section 3)

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
# ## 1. The canns tutorial's example
#
# Section 4.3 of the canns tutorial trains two Hopfield networks of graded
# (`tanh`) neurons on the same digits, one with Hebb's rule and one with the
# anti-Hebbian rule, and draws their weights. Here it is as written, with
# hebbmem's import paths and `model.W` instead of canns' `model.W.value`;
# `train_patterns` are the first 0, 1 and 2 of the bundled MNIST digits,
# thresholded at their mean as in the canns tutorial's section 3.

# %%
x_train, y_train = load_mnist()
train_patterns = [binarize(x_train[np.flatnonzero(y_train == d)[0]]).reshape(-1) for d in (0, 1, 2)]

# Create two networks with same architecture
model_hebb = AmariHopfieldNetwork(num_neurons=784, activation="tanh")
model_anti = AmariHopfieldNetwork(num_neurons=784, activation="tanh")

model_hebb.init_state()
model_anti.init_state()

# Train with different rules
trainer_hebb = HebbianTrainer(model_hebb)
trainer_anti = AntiHebbianTrainer(model_anti)

trainer_hebb.train(train_patterns)
trainer_anti.train(train_patterns)

# Compare weight matrices
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))

ax1.imshow(model_hebb.W, cmap='RdBu', vmin=-1, vmax=1)
ax1.set_title('Hebbian Weights')
ax1.axis('off')

ax2.imshow(model_anti.W, cmap='RdBu', vmin=-1, vmax=1)
ax2.set_title('Anti-Hebbian Weights')
ax2.axis('off')

plt.tight_layout()
show(fig, "10_seed_weights")

# %% [markdown]
# The tutorial's observation, "Hebbian: positive correlations, reinforce
# patterns; anti-Hebbian: negative correlations", is exactly what the
# matrices show: the anti-Hebbian weights are the Hebbian ones with the sign
# flipped. What does that do in a Hopfield network? The energy of a state is
# $E = -\frac12 s^T W s$, so flipping $W$ flips every energy: the stored
# digits, the valleys of the Hebbian network, become the *peaks* of the
# anti-Hebbian one. The network pushes its state away from what it was
# trained on (tutorial 01, section 4, follows the recall).

# %%
W_hebb, W_anti = model_hebb.W, model_anti.W
print("anti-Hebbian W = -(Hebbian W):", np.array_equal(W_anti, -W_hebb))
E_hebb = model_hebb.compute_energy(train_patterns)
E_anti = model_anti.compute_energy(train_patterns)
print("energy of the stored digits, Hebbian:     ", np.round(E_hebb, 1))
print("energy of the stored digits, anti-Hebbian:", np.round(E_anti, 1))
assert np.array_equal(W_anti, -W_hebb) and np.all(E_hebb < 0) and np.array_equal(E_anti, -E_hebb)

# %% [markdown]
# So the example shows the sign, but none of the uses in the list. Those
# need a different arrangement: not one recurrent network storing patterns,
# but a **layer of output units that receive an input and inhibit each other**
# through lateral connections that learn anti-Hebbian. The rest of this
# tutorial builds that layer.
#
# ## 2. Decorrelation with anti-Hebbian lateral connections
#
# Four input signals $x$ that are strongly correlated (every pair has
# correlation 0.6) feed four output units one-to-one. The outputs also
# receive each other, through lateral weights $V$ with $V_{ii} = 0$:
#
# $$
# y = x + V y \quad\Longrightarrow\quad y = (I - V)^{-1} x,
# \qquad \Delta V_{ij} = -\eta\, y_i\, y_j \;\; (i \ne j).
# $$
#
# Whenever two outputs are active together (with the same sign) their
# connection becomes more inhibitory, which makes them less alike. The
# changes stop on average when $\langle y_i y_j \rangle = 0$ for every pair:
# the outputs are **decorrelated** (Földiák 1989; Dayan and Abbott, ch. 8).
# Written by hand, one sample at a time:

# %%
rng = np.random.default_rng(0)
n_signals = 4
C_in = np.full((n_signals, n_signals), 0.6)
np.fill_diagonal(C_in, 1.0)
S_train = rng.multivariate_normal(np.zeros(n_signals), C_in, size=5000)
S_test = rng.multivariate_normal(np.zeros(n_signals), C_in, size=5000)  # fresh samples to measure on

eta = 0.002
I = np.eye(n_signals)
V = np.zeros((n_signals, n_signals))
for epoch in range(2):
    for x in S_train:
        y = np.linalg.solve(I - V, x)  # the settled output y = x + V y
        V -= eta * np.outer(y, y)  # anti-Hebbian
        np.fill_diagonal(V, 0.0)  # no self-connections

Y_before = S_test  # with V = 0 the outputs are the inputs
Y_after = S_test @ np.linalg.inv(I - V).T
r_before, r_after = mean_abs_correlation(Y_before), mean_abs_correlation(Y_after)
print("learned lateral weights V:\n", V)
print(f"mean |correlation| between outputs: before {r_before:.3f}, after {r_after:.3f}")
assert r_before > 0.55 and r_after < 0.1  # the claim "decorrelation", measured

# %%
fig, axes = plt.subplots(1, 4, figsize=(15, 3.4), layout="constrained",
                         gridspec_kw={"width_ratios": [1, 1, 1.15, 1.15]})
for ax, Y, name in ((axes[0], Y_before, "before"), (axes[1], Y_after, "after")):
    ax.plot(Y[:1000, 0], Y[:1000, 1], ".", ms=2, alpha=0.5)
    ax.set_xlabel("output 1")
    ax.set_ylabel("output 2")
    ax.set_title(f"{name} learning")
    ax.set(xlim=(-4, 4), ylim=(-4, 4), aspect="equal")
plot_output_correlations(Y_before, ax=axes[2], title="before")
plot_output_correlations(Y_after, ax=axes[3], title="after")
show(fig, "10_decorrelation")

# %% [markdown]
# The cloud of output pairs turns from a tilted ellipse into a round one,
# and the off-diagonal correlations fade to sampling noise. Nothing is
# lost: $(I - V)$ is invertible, so the inputs can be recovered from the
# outputs. The redundancy between the four signals has been removed.
#
# Decorrelation alone does not find *features*, though: any rotation of
# uncorrelated outputs is uncorrelated too. For that, Földiák added Hebbian
# feed-forward weights and a nonlinearity.
#
# ## 3. Földiák's network: Hebbian feed-forward, anti-Hebbian lateral
#
# P. Földiák, "Forming sparse representations by local anti-Hebbian
# learning", *Biological Cybernetics* 64 (1990) 165-170. Units $i$ receive
# an input $x$ through feed-forward weights $Q$, inhibit each other through
# lateral weights $W \le 0$, and have thresholds $t$. For each input, the
# units settle to an equilibrium of
#
# $$
# \frac{dy^*_i}{d\tau} = f\Big(\sum_j Q_{ij} x_j + \sum_k W_{ik} y^*_k - t_i\Big) - y^*_i,
# \qquad f(u) = \frac{1}{1 + e^{-\lambda u}},
# $$
#
# starting from $y^* = 0$, and the output is rounded: $y_i = 1$ if
# $y^*_i > 1/2$, else 0. Then three local rules learn from $x$ and $y$:
#
# $$
# \Delta W_{ij} = -\alpha\,(y_i y_j - p^2), \qquad
# \Delta Q_{ij} = \beta\, y_i\,(x_j - Q_{ij}), \qquad
# \Delta t_i = \gamma\,(y_i - p),
# $$
#
# with $W_{ii} = 0$ and $W_{ij}$ kept $\le 0$. The lateral rule stops when
# two units fire together only as often as chance allows ($p^2$); the
# feed-forward rule moves a unit's weights towards the inputs it fires for;
# the threshold rule stops when the unit fires at the target rate $p$, which
# makes the code **sparse**. The paper's parameters: $\alpha = 0.1$,
# $\beta = 0.02$, $\gamma = 0.02$, $\lambda = 10$, $p = 1/8$.
#
# **The bars problem.** Images of $8 \times 8$ pixels, made of 16 bars (8
# horizontal, 8 vertical), each present independently with probability
# 1/8. The bars are the hidden causes of the images. Can 16 units find them?

# %%
X_train, on_train = bars(5000, seed=0)
X_test, on_test = bars(4000, seed=1)
print("images:", X_train.shape, "; bars per image on average:", on_train.sum(axis=1).mean())
fig, axes = plt.subplots(1, 10, figsize=(12, 1.6), layout="constrained")
for ax, img, on in zip(axes, X_train, on_train):
    ax.imshow(img.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    ax.set_title(f"{on.sum()} bar{'s' if on.sum() != 1 else ''}", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
show(fig, "10_bars_examples")

# %% [markdown]
# The paper integrates the dynamics "to equilibrium" without naming a
# method. We use forward Euler with step $h = 0.1$ (time in units of the
# time constant), $y^* \leftarrow y^* + h\,(f(u) - y^*)$, and stop when every
# $|dy^*_i/d\tau| = |f(u_i) - y^*_i|$ is below $10^{-4}$. By hand:

# %%
alpha, beta, gamma, p, lam, h, tol = 0.1, 0.02, 0.02, 1 / 8, 10.0, 0.1, 1e-4


def settle(Q, W, t, x):
    """The paper's dynamics from y* = 0 to equilibrium (forward Euler); returns y* and the steps taken."""
    y_star = np.zeros(len(t))
    for step in range(10_000):
        f = 1.0 / (1.0 + np.exp(-lam * (Q @ x + W @ y_star - t)))
        if np.max(np.abs(f - y_star)) <= tol:
            break
        y_star += h * (f - y_star)
    return y_star, step


layer = hm.FoldiakLayer(64, 16, sparsity=p, seed=0)  # only for its random initial Q
Q, W, t = layer.Q.copy(), np.zeros((16, 16)), np.zeros(16)
Y_hand, steps = [], []
for x in X_train[:N_HAND]:
    y_star, k = settle(Q, W, t, x)
    y = (y_star > 0.5).astype(float)
    W -= alpha * (np.outer(y, y) - p * p)  # anti-Hebbian, lateral
    W = np.minimum(W, 0.0)
    np.fill_diagonal(W, 0.0)
    Q += beta * y[:, None] * (x - Q)  # Hebbian, feed-forward
    t += gamma * (y - p)  # adaptive thresholds
    Y_hand.append(y)
    steps.append(k)
Y_hand = np.array(Y_hand)
print(f"{N_HAND} images by hand: {np.mean(steps):.0f} Euler steps per image on average (at most {max(steps)})")
print("firing rate of each unit over the last half:", Y_hand[N_HAND // 2:].mean(axis=0))

# %% [markdown]
# Now the same with hebbmem: `FoldiakLayer(input_size, output_size,
# sparsity=p)` holds $Q$, $W$ and $t$ (and the dynamics, with these very
# settings as defaults); `FoldiakTrainer(model, alpha, beta, gamma)` applies
# the rules, whose defaults are the paper's. `trainer.outputs_` keeps the
# outputs the layer learned from.

# %%
trainer = hm.FoldiakTrainer(layer, alpha=alpha, beta=beta, gamma=gamma)
trainer.train(X_train[:N_HAND])
print("same outputs for every image:", np.array_equal(trainer.outputs_, Y_hand))
print(f"largest weight difference: Q {np.abs(layer.Q - Q).max():.1e}, W {np.abs(layer.W - W).max():.1e}, "
      f"t {np.abs(layer.t - t).max():.1e}")
assert np.array_equal(trainer.outputs_, Y_hand) and np.allclose(layer.Q, Q, rtol=0, atol=1e-12)

# %% [markdown]
# The outputs agree image for image. (Our loop sums with BLAS and NumPy's
# vectorised `exp`; hebbmem sums left to right and calls the C library's
# `exp`, in its compiled kernel and in its NumPy code alike, so that those
# two agree bit for bit. The analog states $y^*$ may differ in the last bits
# from ours; the rounded outputs, and so the weights, do not, unless an input
# sits exactly on the boundary between two equilibria.)
#
# ## 4. The bars problem, solved
#
# A fresh layer, the paper's settings, one pass over 5,000 images, and the
# measurements on 4,000 images it has never seen. `bar_code` assigns each
# unit the bar it detects best, by hit rate minus false-alarm rate, and
# counts the bars that have a unit of their own (score at least 0.9).
# `mean_abs_correlation` is the mean $|r|$ between the outputs of two units.

# %%
layer = hm.FoldiakLayer(64, 16, sparsity=1 / 8, seed=0)
trainer = hm.FoldiakTrainer(layer)
Y_untrained = trainer.predict_batch(X_test)
trainer.train(X_train)
Y = trainer.predict_batch(X_test)
code = bar_code(Y, on_test)
r_untrained, r_trained = mean_abs_correlation(Y_untrained), mean_abs_correlation(Y)
print(f"untrained: mean |r| = {r_untrained:.3f}, bars coded = {bar_code(Y_untrained, on_test).n_coded}")
print(f"trained:   mean |r| = {r_trained:.3f}, bars coded = {code.n_coded} of 16")
print("unit coding each bar (-1: none):", code.unit)
print("firing rate of each unit:", Y.mean(axis=0), "(target p = 1/8 = 0.125)")
print(f"active units per image: {Y.sum(axis=1).mean():.2f}; bars per image: {on_test.sum(axis=1).mean():.2f}")
assert code.n_coded >= 15 and r_trained <= 0.1 and r_untrained >= 0.3
assert np.abs(Y.mean(axis=0) - 1 / 8).max() < 0.03

# %% [markdown]
# Before training every unit answers almost every image (random positive
# weights, zero thresholds), so the outputs are strongly correlated. After
# one pass, every bar has its own unit, each unit fires on about 1/8 of the
# images, as many units are active as there are bars in the image, and the
# outputs are as uncorrelated as the bars themselves: a sparse, factorial
# code. The feed-forward weights show what each unit detects:

# %%
order = [u for u in code.unit if u >= 0]
fig = plot_feedforward_weights(layer, order=order, titles=[f"unit {u}" for u in order],
                               title="feed-forward weights Q after 5,000 images, sorted by bar")
show(fig, "10_bars_weights")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
plot_lateral_weights(layer, ax=ax1, order=order, title="lateral weights W (sorted by bar)")
plot_output_correlations(Y, ax=ax2, order=order, title="output correlations (sorted by bar)")
show(fig, "10_bars_lateral")

single = trainer.predict_batch(bar_images(np.eye(16)))  # each bar alone
print("each bar alone: active units", single.sum(axis=1).astype(int), "; distinct winners:",
      len(set(single.argmax(axis=1).tolist())))

# %% [markdown]
# All lateral weights are inhibitory, and fairly strong: early in training
# every unit fired for every image, and each co-activation made the
# inhibition stronger. Once the units had specialised, they fired together
# only by chance ($p^2$ of the time), where the lateral rule no longer
# changes $W$ on average, so the inhibition stayed. The correlation matrix is
# the identity up to sampling noise.
#
# **What each rule contributes.** Train again with one rule switched off:
# without anti-Hebbian lateral learning ($\alpha = 0$) the units have nothing
# to tell them apart; without Hebbian feed-forward learning ($\beta = 0$) they
# keep their random weights.

# %%
rows = []
for name, kwargs in (("all three rules", {}), ("no lateral learning (alpha = 0)", {"alpha": 0.0}),
                     ("no feed-forward learning (beta = 0)", {"beta": 0.0})):
    ablated = hm.FoldiakLayer(64, 16, sparsity=1 / 8, seed=0)
    Y_ab = hm.FoldiakTrainer(ablated, **kwargs).train(X_train).predict_batch(X_test)
    rows.append((name, bar_code(Y_ab, on_test).n_coded, mean_abs_correlation(Y_ab), Y_ab.mean()))
    print(f"{name:38s} bars coded {rows[-1][1]:2d}, mean |r| {rows[-1][2]:.3f}, firing rate {rows[-1][3]:.3f}")
assert rows[1][1] <= 2 and rows[1][2] >= 0.5  # alpha = 0: the units stay alike
assert rows[2][1] <= 2 and rows[2][2] <= 0.1  # beta = 0: decorrelated, sparse, but no bars

# %% [markdown]
# - Without **lateral** learning all units learn the same thing: they fire
#   together (|r| near 1) and no bar has a unit of its own. Competition is
#   what makes them divide the input up.
# - Without **feed-forward** learning the lateral weights and thresholds
#   still make the code sparse and decorrelated, but the units stay random
#   detectors: decorrelation without features.
# - Only the combination, Hebbian feed-forward and anti-Hebbian lateral, as
#   the canns tutorial recommends, finds the causes of the images.
#
# ## 5. How fast?
#
# The same training on the first images, three ways: the loop written by
# hand above, hebbmem's readable NumPy code (`compiled=False`, bit-identical
# to the kernel), and hebbmem's compiled kernel (the default).

# %%
def hand_loop(X):
    Q, W, t = hm.FoldiakLayer(64, 16, seed=0).Q, np.zeros((16, 16)), np.zeros(16)
    for x in X:
        y = (settle(Q, W, t, x)[0] > 0.5).astype(float)
        W = np.minimum(W - alpha * (np.outer(y, y) - p * p), 0.0)
        np.fill_diagonal(W, 0.0)
        Q += beta * y[:, None] * (x - Q)
        t += gamma * (y - p)
    return Q


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


n_time = 100 if FAST else 500
a, b = hm.FoldiakLayer(64, 16, seed=0), hm.FoldiakLayer(64, 16, seed=0)
t_hand, _ = timed(lambda: hand_loop(X_train[:n_time]))
t_numpy, _ = timed(lambda: hm.FoldiakTrainer(a, compiled=False).train(X_train[:n_time]))
t_numba, _ = timed(lambda: hm.FoldiakTrainer(b).train(X_train[:n_time]))
print(f"{n_time} images, 16 units, 64 inputs")
print(f"  loop by hand (NumPy):      {t_hand * 1e3:8.1f} ms")
print(f"  hebbmem, compiled=False:   {t_numpy * 1e3:8.1f} ms")
print(f"  hebbmem, compiled (Numba): {t_numba * 1e3:8.1f} ms  ({t_hand / t_numba:.0f}x the loop by hand)")
print("  NumPy and Numba paths bit-identical:", all(np.array_equal(getattr(a, k), getattr(b, k)) for k in "QWt"))
assert all(np.array_equal(getattr(a, k), getattr(b, k)) for k in "QWt")

# %% [markdown]
# ## Summary
#
# The claims of the canns tutorial's section 4, measured:
#
# | claim | where | measured here |
# |---|---|---|
# | anti-Hebbian weights are "negative correlations" | section 1 | $W_{\text{anti}} = -W_{\text{Hebb}}$ exactly; stored digits become energy maxima |
# | decorrelation, lateral inhibition | section 2 | mean $|r|$ between outputs 0.60 → about 0.04 |
# | sparse coding | section 4 | each unit fires on 1/8 of the images; about 2 units active per image, one per bar |
# | "combined: Hebbian feedforward, anti-Hebbian lateral" | section 4 | 16 of 16 bars coded, mean $|r|$ about 0.02; either rule alone codes none |
#
# - In a Hopfield network, the anti-Hebbian rule only flips the sign of the
#   weights, and with it the energy landscape; it stores nothing.
# - Anti-Hebbian **lateral** connections between output units remove the
#   correlations between them; with Hebbian feed-forward weights and adaptive
#   thresholds (Földiák's network) the units become detectors of the
#   independent causes of their input.
# - hebbmem runs Földiák's network (`FoldiakLayer`, `FoldiakTrainer`) with the
#   paper's parameters as defaults, in a compiled kernel that is bit-identical
#   to its NumPy code; `hebbmem.competitive` also has the bars problem and
#   the measures used here.
