# %% [markdown]
# # Tutorial 11: competitive learning and self-organising maps
#
# Hebb's rule makes every neuron learn from every input. In *competitive*
# learning the neurons compete for each input, one of them wins, and only the
# winner learns: it moves its weights towards the input. Neurons that win
# similar inputs end up as the centres of clusters of the data (Rumelhart and
# Zipser, 1985). Teuvo Kohonen (1982) added one idea: let the winner's
# *neighbours on a grid* learn too. The grid then becomes a map of the data in
# which similar inputs sit side by side: a self-organising map (SOM).
#
# This tutorial
#
# 1. writes winner-take-all learning by hand in NumPy, then runs it with
#    hebbmem (`CompetitiveLayer` + `CompetitiveTrainer`);
# 2. shows that it *is* k-means: with the learning rate 1/(wins so far) each
#    unit is the running mean of what it won (MacQueen's online k-means), and
#    its centres match batch k-means;
# 3. meets the weakness of competition, units that never win ("dead units"),
#    and two cures: DeSieno's conscience and frequency-sensitive learning;
# 4. writes Kohonen's rule by hand and watches a grid unfold over a square;
# 5. draws a map of handwritten digits, with each digit in its own region,
#    and measures how contiguous the regions are;
# 6. compares hebbmem's map with MiniSom's, the package people use for SOMs
#    (if it is installed).
#
# **What you need:** NumPy, and k-means helps. About 25 minutes.
#
# *Running it.* In Jupyter, run the cells in order. As a script
# (`python tutorials/11_competitive_learning_som.py`) it prints the same
# numbers. Figures are saved as PNG files only if the environment variable
# `HEBBMEM_TUTORIAL_OUTPUT` names a folder. `HEBBMEM_FAST=1` runs smaller
# maps for fewer epochs, for continuous integration.

# %%
import os
import time
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

import hebbmem as hm
from hebbmem.plotting import plot_label_map, plot_som_prototypes, plot_umatrix

FAST = os.environ.get("HEBBMEM_FAST", "0") not in ("", "0")  # a short run for CI
OUTPUT = os.environ.get("HEBBMEM_TUTORIAL_OUTPUT")  # a folder for the PNG files, or None

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


def blobs(centres, per_blob, width, seed):
    """Gaussian blobs of standard deviation `width` around `centres`, in random order."""
    rng = np.random.default_rng(seed)
    centres = np.asarray(centres, dtype=float)
    labels = np.repeat(np.arange(len(centres)), per_blob)
    X = centres[labels] + width * rng.normal(size=(len(labels), centres.shape[1]))
    order = rng.permutation(len(X))
    return X[order], labels[order]


def centre_error(found, true):
    """For each true centre, the distance to the nearest found centre; the largest of these."""
    D = np.linalg.norm(np.asarray(true)[:, None] - np.asarray(found)[None], axis=2)
    return D.min(axis=1).max()


# %% [markdown]
# ## 1. Winner-take-all by hand
#
# Four units, each with a weight vector (a *prototype*) $w_i$ in the plane.
# For every input $x$:
#
# $$
# c = \arg\min_i \|x - w_i\|^2, \qquad \Delta w_c = \eta\,(x - w_c)
# $$
#
# The nearest unit wins (ties go to the lowest index) and moves a fraction
# $\eta$ of the way towards $x$; the others do not move. A unit that keeps
# winning inputs of one cluster ends at its centre, where the pulls of its
# inputs balance.

# %%
WIDTH = 1.0
CENTRES = np.array([[0.0, 0.0], [8.0, 0.0], [0.0, 8.0], [8.0, 8.0]])
X, y = blobs(CENTRES, 250, WIDTH, seed=1)
start = X[:4].copy()  # the first four inputs as starting prototypes (MacQueen's choice)
print("the first four inputs come from blobs", y[:4])

eta = 0.05
W = start.copy()
for epoch in range(5):
    for x in X:
        c = np.argmin(((x - W) ** 2).sum(axis=1))  # the winner
        W[c] += eta * (x - W[c])  # only the winner learns
print("prototypes by hand:\n", W)
print(f"largest distance from a blob centre to its prototype: {centre_error(W, CENTRES):.3f} blob widths")
assert centre_error(W, CENTRES) < 0.3 * WIDTH

# %% [markdown]
# The same with hebbmem. `CompetitiveLayer(input_size, output_size)` holds the
# prototypes `W` (one row per unit, assignable); `CompetitiveTrainer` applies
# the rule. `predict` gives the one-hot output, `model.winner(x)` the index.

# %%
layer = hm.CompetitiveLayer(input_size=2, output_size=4, seed=0)
layer.W = start.copy()
trainer = hm.CompetitiveTrainer(layer, learning_rate=eta)
trainer.train(X, epochs=5)
print(f"largest difference from the hand-written loop: {np.abs(layer.W - W).max():.1e}")
print("predict([7.5, 0.5]) =", trainer.predict([7.5, 0.5]), " winner:", layer.winner([7.5, 0.5]))
assert np.allclose(layer.W, W, rtol=0, atol=1e-12)

# %% [markdown]
# The two agree to rounding (the hand-written loop sums the squared distances
# with NumPy's pairwise sum, hebbmem left to right; both pick the same
# winners here). hebbmem's compiled kernel and its NumPy path
# (`compiled=False`) do the same arithmetic and agree bit for bit.
#
# A constant $\eta$ never lets the prototypes settle: each new input pulls the
# winner a little, so it jitters around the centre by about
# $\sqrt{\eta/2}$ blob widths. The next section removes the jitter.

# %% [markdown]
# ## 2. Competitive learning is online k-means
#
# Give each unit the rate $\eta_c = 1/n_c$, where $n_c$ counts its wins so far
# (this one included). The first win copies the input, the second moves half
# way, the third a third of the way... each prototype is then exactly the
# *running mean* of the inputs it has won. That is MacQueen's (1967) online
# k-means. hebbmem calls it `schedule="kmeans"`.
#
# Batch k-means (Lloyd's algorithm) does the same in rounds: assign every
# input to its nearest centre, then move every centre to the mean of its
# inputs, until nothing changes. We write it by hand and start it from the
# same four inputs.

# %%
def lloyd(X, centres, iterations=100):
    """Batch k-means: assign each input to its nearest centre, move each centre to the mean, repeat."""
    C = np.array(centres, dtype=float)
    for _ in range(iterations):
        nearest = np.argmin(((X[:, None, :] - C[None]) ** 2).sum(axis=2), axis=1)
        new = np.array([X[nearest == k].mean(axis=0) if (nearest == k).any() else C[k] for k in range(len(C))])
        if np.array_equal(new, C):
            break
        C = new
    return C


online = hm.CompetitiveLayer(2, 4, seed=0)
online.W = start.copy()
hm.CompetitiveTrainer(online, schedule="kmeans").train(X, epochs=5)
batch = lloyd(X, start)
gap = np.abs(online.W - batch).max()
print("online k-means (hebbmem):\n", online.W)
print("batch k-means (Lloyd):\n", batch)
print(f"largest difference: {gap:.4f} (a tenth of the blob width is {0.1 * WIDTH})")
assert gap <= 0.1 * WIDTH

# one pass with the 1/n rate: every prototype is the mean of the inputs it won
one = hm.CompetitiveLayer(2, 4, seed=0)
one.W = start.copy()
won = [[] for _ in range(4)]
for x in X:
    won[one.winner(x)].append(x)
    hm.CompetitiveTrainer(one, schedule="kmeans").train([x])
means = np.array([np.mean(w, axis=0) for w in won])
print(f"one pass: prototypes minus the means of their inputs: {np.abs(one.W - means).max():.1e}")
assert np.allclose(one.W, means, rtol=1e-12, atol=1e-12)

# %%
try:
    from sklearn.cluster import KMeans
except ImportError:  # scikit-learn is optional (pip install hebbmem[bench])
    KMeans = None
if KMeans is not None:
    km = KMeans(n_clusters=4, n_init=10, random_state=0).fit(X)
    print(f"scikit-learn KMeans: largest distance to hebbmem's centres "
          f"{centre_error(online.W, km.cluster_centers_):.4f} blob widths")
    assert centre_error(online.W, km.cluster_centers_) <= 0.1 * WIDTH
else:
    print("scikit-learn is not installed: skipped the comparison with its KMeans")

# %% [markdown]
# ## 3. Dead units, and two cures
#
# Competition has a weakness: a unit that starts far from every input never
# wins, so it never learns. It is a *dead unit*. Here all four units start in
# a corner, far from the data. The first winner walks into the data and from
# then on wins everything.
#
# Two classic cures make winning fair:
#
# * **a conscience** (DeSieno, 1988): each unit tracks how often it wins,
#   $p_i \leftarrow p_i + \beta(z_i - p_i)$, and the competition subtracts a
#   bias $b_i = C(1/m - p_i)$ from its squared distance, which helps units that
#   win less than their share $1/m$. The bias is a squared distance, so $C$
#   must match the data's scale: here squared distances reach about 650.
# * **frequency-sensitive learning** (Ahalt et al., 1990): the winner
#   minimises $(n_i + 1)\,\|x - w_i\|^2$, so a unit that has won often looks
#   further away. It needs no scale.
#
# Each run records the prototypes after every epoch; we draw their paths.

# %%
corner = np.full((4, 2), -10.0) + np.random.default_rng(0).normal(scale=0.1, size=(4, 2))
runs = {"plain winner-take-all": {},
        "conscience (C = 2,000)": {"fairness": "conscience", "conscience_bias": 2000.0, "conscience_rate": 0.01},
        "frequency-sensitive": {"fairness": "frequency"}}
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2))
for ax, (name, options) in zip(axes, runs.items()):
    model = hm.CompetitiveLayer(2, 4, seed=0)
    model.W = corner.copy()
    fair = hm.CompetitiveTrainer(model, learning_rate=0.05, **options)
    fair.train(X, epochs=8, shuffle=True, record_weights=True)
    alive = int((model.wins > 0).sum())
    model.init_state()  # then online k-means from where the fair phase left the units
    hm.CompetitiveTrainer(model, schedule="kmeans").train(X, epochs=3)
    error = centre_error(model.W, CENTRES)
    print(f"{name:24s} units that ever won: {alive} of 4; centre error afterwards: {error:.2f}")
    runs[name] = (alive, error)
    ax.scatter(X[:, 0], X[:, 1], s=3, c="0.75")
    history = fair.weight_history_
    for i in range(4):
        ax.plot(history[:, i, 0], history[:, i, 1], "-o", ms=3, lw=1)
    ax.plot(model.W[:, 0], model.W[:, 1], "k*", ms=12)
    ax.set_title(f"{name}: {alive} of 4 units win")
    ax.set_aspect("equal")
fig.suptitle("prototype paths (one line per unit, one dot per epoch); stars: after k-means")
fig.tight_layout()
show(fig, "11_dead_units")
assert runs["plain winner-take-all"][0] == 1
assert runs["conscience (C = 2,000)"][0] == 4 and runs["frequency-sensitive"][0] == 4
assert runs["frequency-sensitive"][1] < 0.3 * WIDTH and runs["conscience (C = 2,000)"][1] < 0.3 * WIDTH

# %% [markdown]
# A milder form of the same problem is common: starting from random inputs,
# two units may land in one cluster and none in another. k-means cannot
# escape such a start (batch k-means neither): the two units split their
# cluster between them. A short frequency-sensitive phase before k-means
# shares the inputs out and fixes it. We count, over 20 random starts on
# five blobs in 3-D, how often every blob gets its own unit.

# %%
five = np.array([[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10]], dtype=float)
found = {"k-means from random inputs": 0, "frequency-sensitive, then k-means": 0}
for seed in range(20):
    X5, _ = blobs(five, 200, 1.0, seed)
    plain = hm.CompetitiveLayer(3, 5, seed=seed).random_weights_init(X5)
    fair = hm.CompetitiveLayer(3, 5, seed=seed).random_weights_init(X5)
    hm.CompetitiveTrainer(plain, schedule="kmeans").train(X5, epochs=5, shuffle=True)
    hm.CompetitiveTrainer(fair, 0.05, fairness="frequency").train(X5, epochs=3, shuffle=True)
    fair.init_state()
    hm.CompetitiveTrainer(fair, schedule="kmeans").train(X5, epochs=5, shuffle=True)
    found["k-means from random inputs"] += centre_error(plain.W, five) < 0.3
    found["frequency-sensitive, then k-means"] += centre_error(fair.W, five) < 0.3
for name, count in found.items():
    print(f"{name:34s} found all five blobs in {count} of 20 starts")
assert found["frequency-sensitive, then k-means"] >= 19 > found["k-means from random inputs"]

# %% [markdown]
# ## 4. Kohonen's self-organising map, by hand
#
# Put the units on a grid, unit $(i, j)$ at row $i$ and column $j$, and let
# the winner's grid neighbours learn too, less the further they are:
#
# $$
# \Delta w_{ij} = \eta(t)\, h_{ij}(t)\,(x - w_{ij}), \qquad
# h_{ij}(t) = \exp\Big(-\frac{(i - c_i)^2 + (j - c_j)^2}{2\sigma(t)^2}\Big)
# $$
#
# where $(c_i, c_j)$ is the winner. Both the rate $\eta$ and the width
# $\sigma$ of the neighbourhood shrink during training; hebbmem uses
# MiniSom's default schedule, $p(t) = p / (1 + t/(T/2))$, which ends at a
# third of the start. A wide neighbourhood first *orders* the grid; a narrow
# one then lets each unit settle on its own part of the data.
#
# The classic picture: points spread uniformly over a square, and an 8 × 8
# grid that starts crumpled in the middle. We draw the grid, each unit joined
# to its right and lower neighbours.

# %%
square = np.random.default_rng(2).random((500, 2))
rows = cols = 8
T = 4000
som_start = 0.5 + 0.05 * np.random.default_rng(3).normal(size=(rows, cols, 2))
order = np.random.default_rng(4).integers(0, len(square), T)

W = som_start.copy()
gi, gj = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
snapshots = {0: W.copy()}
for t in range(T):
    x = square[order[t]]
    eta_t, sigma_t = 0.5 / (1 + t / (T / 2)), 3.0 / (1 + t / (T / 2))
    ci, cj = np.unravel_index(np.argmin(((x - W) ** 2).sum(axis=2)), (rows, cols))
    h = np.exp(-((gi - ci) ** 2 + (gj - cj) ** 2) / (2 * sigma_t ** 2))
    W += eta_t * h[:, :, None] * (x - W)
    if t + 1 in (100, 500, T):
        snapshots[t + 1] = W.copy()


def draw_grid(ax, W, title):
    ax.scatter(square[:, 0], square[:, 1], s=2, c="0.8")
    for i in range(W.shape[0]):
        ax.plot(W[i, :, 0], W[i, :, 1], "b-", lw=1)
    for j in range(W.shape[1]):
        ax.plot(W[:, j, 0], W[:, j, 1], "b-", lw=1)
    ax.plot(W[..., 0], W[..., 1], "bo", ms=2.5)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_aspect("equal")
    ax.set_title(title)


fig, axes = plt.subplots(1, 4, figsize=(14, 3.8))
for ax, (t, Wt) in zip(axes, snapshots.items()):
    draw_grid(ax, Wt, f"after {t} inputs")
fig.suptitle("an 8 x 8 SOM unfolds over the unit square (by hand)")
fig.tight_layout()
show(fig, "11_som_unfolds")

# %% [markdown]
# The same with hebbmem: `SelfOrganizingMap(rows, cols, input_size)` holds
# the weights `W` of shape (rows, cols, input_size), as MiniSom's
# `get_weights()`; `SOMTrainer(model, learning_rate, sigma)` trains it. To
# replay our loop exactly we give the same start and pick the same inputs.

# %%
som = hm.SelfOrganizingMap(rows, cols, 2, seed=0)
som.W = som_start.copy()
som_trainer = hm.SOMTrainer(som, learning_rate=0.5, sigma=3.0)
som_trainer.train(square[order], num_iteration=T)  # the inputs in our order, one per iteration
print(f"largest difference from the hand-written loop: {np.abs(som.W - W).max():.1e}")
print(f"quantisation error {som.quantization_error(square):.4f} (mean distance of an input to its winner)")
print(f"topographic error {som.topographic_error(square):.4f} (inputs whose two best units are not neighbours)")
assert np.allclose(som.W, W, rtol=0, atol=1e-10)
assert som.topographic_error(square) < 0.05

# %% [markdown]
# Every square's point now has a winner, and its second-best unit is a grid
# neighbour of the winner for almost every point: the map preserves the
# square's neighbourhoods (that is what the topographic error counts).

# %% [markdown]
# ## 5. A map of handwritten digits
#
# Now the 2,000 MNIST digits that ship with hebbmem, each a vector of 784
# pixels in [0, 1]. A 15 × 15 map with a wide neighbourhood ($\sigma = 4$)
# for 10 passes over the digits, in random order.

# %%
images, digit = hm.datasets.load_mnist()
D = images.reshape(len(images), -1) / 255.0
size, sigma, epochs = (12, 3.0, 3) if FAST else (15, 4.0, 10)
digit_map = hm.SelfOrganizingMap(size, size, 784, seed=0)
t0 = time.perf_counter()
hm.SOMTrainer(digit_map, learning_rate=0.5, sigma=sigma).train(D, epochs=epochs, random_order=True)
print(f"{size} x {size} map, {epochs * len(D):,} iterations in {time.perf_counter() - t0:.1f} s")
labels_map = digit_map.label_map(D, digit)  # the most frequent digit among the inputs each unit wins

fig, axes = plt.subplots(1, 3, figsize=(17, 5.4))
plot_som_prototypes(digit_map, (28, 28), axes[0], title="each unit's prototype")
plot_label_map(labels_map, axes[1], title="most frequent digit per unit (white: wins none)")
plot_umatrix(digit_map, axes[2], scaling="mean", title="U-matrix (dark: borders between clusters)")
fig.tight_layout()
show(fig, "11_mnist_map")

# %% [markdown]
# Each digit occupies a region of the map, and similar digits are neighbours
# (4, 7 and 9 share a border, as do 3, 5 and 8). The U-matrix shows how far
# each unit's prototype is from its neighbours': the dark ridges are the
# borders between digits.
#
# How contiguous are the regions? Three measures:
#
# * **neighbour agreement**: the fraction of pairs of adjacent units (up-down
#   or left-right) that show the same digit. For the same units placed at
#   random on the grid it would be about 0.1, one chance in ten;
# * **largest region**: for each digit, the share of its units that lie in
#   its largest connected region (1 means one single region);
# * **purity**: the fraction of digits whose winner's label is their own.

# %%
def neighbour_agreement(L):
    pairs = [(L[1:], L[:-1]), (L[:, 1:], L[:, :-1])]
    same = [(a == b)[(a >= 0) & (b >= 0)] for a, b in pairs]
    return float(np.concatenate(same).mean())


def largest_region_share(L, d):
    """The share of digit d's units in its largest 4-connected region (a flood fill)."""
    cells = set(zip(*np.nonzero(L == d)))
    total, best = len(cells), 0
    while cells:
        stack, size_ = [cells.pop()], 1
        while stack:
            i, j = stack.pop()
            for nb in ((i + 1, j), (i - 1, j), (i, j + 1), (i, j - 1)):
                if nb in cells:
                    cells.remove(nb)
                    stack.append(nb)
                    size_ += 1
        best = max(best, size_)
    return best / total if total else 0.0


rng = np.random.default_rng(0)
agreement = neighbour_agreement(labels_map)
shuffled = np.mean([neighbour_agreement(rng.permutation(labels_map.ravel()).reshape(labels_map.shape))
                    for _ in range(100)])
regions = np.array([largest_region_share(labels_map, d) for d in range(10)])
winners = digit_map.winner(D)
purity = np.mean(labels_map[winners[:, 0], winners[:, 1]] == digit)
print(f"neighbour agreement: {agreement:.2f} (units placed at random: {shuffled:.2f})")
print("largest region's share of each digit's units:", ", ".join(f"{d}: {r:.2f}" for d, r in enumerate(regions)))
print(f"purity: {purity:.2f};  quantisation error {digit_map.quantization_error(D):.2f}, "
      f"topographic error {digit_map.topographic_error(D):.3f}")
assert agreement >= 0.45 and agreement >= 3 * shuffled
assert np.median(regions) >= 0.6 and purity >= 0.7

# %% [markdown]
# ## 6. Against MiniSom
#
# MiniSom is the package most people use for SOMs. hebbmem's defaults are its
# defaults (the Gaussian neighbourhood, the asymptotic decay of $\eta$ and
# $\sigma$, its quantisation and topographic errors, its U-matrix, its initial
# weights), so a run can be compared like for like. From the same start with
# the inputs in the same order, the two compute the same weights (up to the
# last bits of `exp`). With random orders, each package draws its own, so we
# compare what the maps achieve, and the time.

# %%
try:
    from minisom import MiniSom
except ImportError:  # MiniSom is optional (pip install hebbmem[bench])
    MiniSom = None
if MiniSom is not None:
    n_iter = 1000 if FAST else 4000
    ms = MiniSom(10, 10, 784, sigma=2.0, learning_rate=0.5, random_seed=0)
    ours = hm.SelfOrganizingMap(10, 10, 784, seed=0)
    ours.W = ms.get_weights().copy()
    same = hm.SelfOrganizingMap(10, 10, 784, seed=0)
    same.W = ms.get_weights().copy()
    ms_same = MiniSom(10, 10, 784, sigma=2.0, learning_rate=0.5, random_seed=0)
    ms_same.train(D, 500)  # in order, 500 iterations
    hm.SOMTrainer(same, 0.5, 2.0).train(D, num_iteration=500)
    print(f"same start, same order: largest weight difference {np.abs(same.W - ms_same.get_weights()).max():.1e}")
    hm.SOMTrainer(ours, 0.5, 2.0).train(D[:10], num_iteration=10)  # load the compiled kernel before timing
    ours.W = ms.get_weights().copy()
    t0 = time.perf_counter()
    ms.train(D, n_iter, random_order=True)
    t_ms = time.perf_counter() - t0
    t0 = time.perf_counter()
    hm.SOMTrainer(ours, 0.5, 2.0).train(D, num_iteration=n_iter, random_order=True)
    t_hm = time.perf_counter() - t0
    print(f"{n_iter:,} iterations of a 10 x 10 map: MiniSom {t_ms:.2f} s, hebbmem {t_hm:.3f} s "
          f"({t_ms / t_hm:.0f}x)")
    qe = ours.quantization_error(D), ms.quantization_error(D)
    te = ours.topographic_error(D), ms.topographic_error(D)
    print(f"quantisation error: hebbmem {qe[0]:.3f}, MiniSom {qe[1]:.3f}")
    print(f"topographic error:  hebbmem {te[0]:.3f}, MiniSom {te[1]:.3f}")
    assert np.abs(same.W - ms_same.get_weights()).max() < 1e-10
    assert abs(qe[0] - qe[1]) <= 0.1 * qe[1] and te[0] <= te[1] + 0.05
else:
    print("MiniSom is not installed: skipped the comparison")

# %% [markdown]
# The speed comes from doing the same arithmetic in one compiled loop: the
# update of one iteration and the distances of the next share a single pass
# over the weights, where MiniSom makes several NumPy passes (and Python
# calls) per input. `benchmarks/run.py --only competitive` measures it on
# larger maps, in fresh processes too.
#
# ## Summary
#
# - Winner-take-all: $\Delta w_c = \eta (x - w_c)$ for the nearest unit only.
#   With $\eta = 1/n_c$ it is MacQueen's online k-means, and its centres match
#   batch k-means (and scikit-learn's) within a tenth of a blob width.
# - Units that start out of reach never win: dead units. A conscience
#   (DeSieno) or frequency-sensitive competition shares the inputs out; a
#   short fair phase before k-means also escapes k-means' bad starts.
# - Kohonen's map lets the winner's grid neighbours learn too, with a
#   shrinking neighbourhood: similar inputs end on nearby units. On MNIST each
#   digit gets its own region.
# - hebbmem's `SelfOrganizingMap` and `SOMTrainer` follow MiniSom's
#   definitions, compute the same weights from the same start, and run the
#   training loop in compiled code.
