# %% [markdown]
# # Tutorial 02: a Hopfield network that remembers pictures
#
# **Goal:** train a Hopfield network with Hebb's rule to store four pictures,
# then get them back from badly damaged copies.
#
# This tutorial follows the canns guide *How to Train a Brain-Inspired Model?*
# step by step, with hebbmem in place of canns. It adds three things: the
# rule computed by hand before the library is used, filling in a hidden part
# of a picture, and a comparison of synchronous and asynchronous recall through
# the network's energy.
#
# Deep networks learn by backpropagating an error. The models here learn with
# rules that a real synapse could plausibly run, above all **Hebbian
# learning**:
#
# > "Neurons that fire together, wire together", the usual summary of Donald
# > Hebb's 1949 postulate.
#
# **Steps:** the Hebbian rule by hand; the Hopfield network; the trainer;
# then the complete example (prepare, build, train, corrupt, recall, look),
# completion of hidden parts, and synchronous vs. asynchronous recall.
#
# *Running it.* In Jupyter, run the cells in order. As a script
# (`python tutorials/02_skimage_image_memory.py`) it prints the same numbers.
# Figures are saved as PNG files only if the environment variable
# `HEBBMEM_TUTORIAL_OUTPUT` names a folder, for example
# `HEBBMEM_TUTORIAL_OUTPUT=tutorials/_output` (ignored by git).
# `HEBBMEM_FAST=1` uses 32 × 32 pictures instead of 128 × 128, for continuous
# integration. The pictures ship with scikit-image, so nothing is downloaded.

# %%
import os
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import skimage.data
from skimage.color import rgb2gray
from skimage.filters import threshold_mean
from skimage.transform import resize

import hebbmem as hm
from hebbmem.analysis import overlap, recall_accuracy
from hebbmem.datasets import load_pictures
from hebbmem.models.brain_inspired import AmariHopfieldNetwork
from hebbmem.noise import flip_fraction, occlude
from hebbmem.plotting import plot_energy, plot_pattern, plot_recall
from hebbmem.trainer import HebbianTrainer

FAST = os.environ.get("HEBBMEM_FAST", "0") not in ("", "0")  # a short run for CI
OUTPUT = os.environ.get("HEBBMEM_TUTORIAL_OUTPUT")  # a folder for the PNG files, or None

SIZE = 32 if FAST else 128  # side of the stored pictures: SIZE * SIZE neurons
HAND_SIZE = 32  # side used for the dense weight matrix computed by hand
NAMES = ["camera", "astronaut", "horse", "coffee"]

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
# ## What is Hebbian learning?
#
# Hebbian learning changes a connection according to the activity at its two
# ends:
#
# $$
# \Delta w_{ij} = \eta \, x_i \, x_j
# $$
#
# where
#
# - $w_{ij}$ is the weight of the connection between neurons $i$ and $j$;
# - $x_i$ and $x_j$ are their activities, $+1$ or $-1$ here;
# - $\eta$ is the learning rate (for a Hopfield network, simply $1/P$ with $P$
#   the number of stored patterns).
#
# Three properties make it interesting:
#
# - **local**: the change depends only on the two neurons it connects;
# - **unsupervised**: there are no labels and no target outputs;
# - **plausible for biology**: it resembles the synaptic plasticity measured
#   in real neurons.
#
# Backpropagation is different on each point: it sends a global error signal
# back through the network, it needs targets, and it needs a differentiable loss
# and its gradient. Hebbian learning computes no gradient at all.
#
# ### The rule by hand
#
# Before using the library, we do everything once in plain NumPy, on small
# 32 × 32 versions of the four pictures. First the preprocessing: each picture
# becomes grey, is resized, and is cut at its mean brightness into $+1$
# (bright) and $-1$ (dark) pixels, then flattened into one vector.

# %%
def preprocess_image(img, size=128):
    """Grey, resized, thresholded at the mean into +1/-1, and flattened."""
    if img.ndim == 3:
        img = rgb2gray(img)
    img = resize(img, (size, size), anti_aliasing=True)
    binary = img > threshold_mean(img)
    return np.where(binary, 1.0, -1.0).astype(np.float32).reshape(size * size)


def load_four(size):
    return np.stack([
        preprocess_image(skimage.data.camera(), size),
        preprocess_image(skimage.data.astronaut(), size),
        preprocess_image(skimage.data.horse().astype(np.float32), size),  # horse is a boolean image
        preprocess_image(skimage.data.coffee(), size),
    ])


small = load_four(HAND_SIZE)
P, N_small = small.shape
print(f"{P} patterns of {N_small} neurons")

# %% [markdown]
# The Hebbian weights add up one outer product per pattern, divide by the
# number of patterns, and remove the self-connections:
#
# $$
# W = \frac{1}{P}\sum_{\mu=1}^{P} \mathbf{p}_\mu \mathbf{p}_\mu^{T}, \qquad W_{ii} = 0 .
# $$
#
# Recall repeats the **sign update**: every neuron computes its field
# $h_i = \sum_j W_{ij} s_j$ and becomes $+1$ if $h_i > 0$ and $-1$ if $h_i < 0$.
# If $h_i = 0$ exactly, the inputs cancel and the neuron **keeps its state**
# (the tie rule; `np.sign` would give an invalid 0). In a synchronous update all
# neurons switch at once. Recall stops when an update changes nothing.

# %%
W_small = np.zeros((N_small, N_small))
for pattern in small.astype(float):
    W_small += np.outer(pattern, pattern)  # Hebb: w_ij += x_i * x_j
W_small /= P
np.fill_diagonal(W_small, 0.0)


def recall_by_hand(W, s, max_iter=100):
    """Synchronous sign updates with the tie rule, until nothing changes."""
    s = s.astype(float)
    for n_updates in range(1, max_iter + 1):
        h = W @ s
        new = np.where(h > 0, 1.0, np.where(h < 0, -1.0, s))
        if np.array_equal(new, s):
            break
        s = new
    return s, n_updates


noisy_small = flip_fraction(small, 0.3, rng=1)  # 30 % of the pixels of every picture flipped
recalled_small = np.stack([recall_by_hand(W_small, s)[0] for s in noisy_small])
print("recalled by hand, fraction of correct pixels:", recall_accuracy(recalled_small, small))

# %% [markdown]
# The same with hebbmem: a network, a trainer, `train`, `predict_batch`. We check
# that the weights and the recalled states are the ones we computed.

# %%
model_small = hm.HopfieldNetwork(N_small, asyn=False)
trainer_small = hm.HebbianTrainer(model_small).train(small)
recalled_lib = trainer_small.predict_batch(noisy_small)

print("same weights:", np.allclose(model_small.W, W_small))
print("same recalled states:", np.array_equal(recalled_lib, recalled_small))
assert np.allclose(model_small.W, W_small) and np.array_equal(recalled_lib, recalled_small)

# %% [markdown]
# They agree. The rest of the tutorial uses hebbmem, at the full size.
#
# ## The Hopfield network
#
# An **Amari-Hopfield network** is a recurrent network: each neuron is
# connected to all the others, with symmetric weights. The patterns it stores
# become stable states, *attractors*. Given a noisy or incomplete version of
# a pattern, its dynamics move to a nearby attractor, ideally the stored
# pattern. Typical uses are associative memory, completing partial patterns and
# correcting errors.
#
# For 128 × 128 pictures we need one neuron per pixel:

# %%
model = AmariHopfieldNetwork(
    num_neurons=SIZE * SIZE,  # one neuron per pixel
    asyn=False,               # synchronous: all neurons update together
    activation="sign",        # binary neurons: +1 or -1
)
model.init_state()
print(model)

# %% [markdown]
# The arguments:
#
# - `num_neurons`: the size of the network; it must equal the length of the
#   flattened pictures;
# - `asyn`: update one neuron at a time (`True`) or all at once (`False`);
# - `activation`: `"sign"` for the binary network, `"tanh"` for a graded
#   variant.
#
# ## The trainer
#
# The model only defines the dynamics. A **trainer** applies a learning rule
# to it:
#
# ```
# model + trainer + data  ->  trained model
# ```
#
# - The model describes *how the network moves*, the trainer *how it learns*.
# - The same model can be trained with different rules, and a rule works for
#   any model that can use its weights.
#
# For Hebb's rule the trainer is `HebbianTrainer`. Its three methods:
#
# - `trainer.train(patterns)` stores a list (or array) of patterns;
# - `trainer.predict(pattern)` recalls from one probe;
# - `trainer.predict_batch(patterns)` recalls from many probes at once
#   (compiled with Numba).
#
# ## Complete example: memory for pictures
#
# We store four pictures and recall them from corrupted copies.
#
# ### Step 1: prepare the training data
#
# `preprocess_image` above does the work. hebbmem has the same function,
# `hebbmem.datasets.preprocess_image`, and `load_pictures` applies it to the
# scikit-image pictures. We check that it gives the same patterns.

# %%
camera, astronaut, horse, coffee = load_four(SIZE)
training_data = [camera, astronaut, horse, coffee]

assert np.array_equal(np.stack(training_data), load_pictures(NAMES, size=SIZE))
print(f"Number of patterns: {len(training_data)}")
print(f"Pattern shape: {training_data[0].shape}")
print("overlaps between the pictures:\n", overlap(training_data, training_data))

fig, axes = plt.subplots(1, 4, figsize=(9, 2.6), layout="constrained")
for ax, name, pattern in zip(axes, NAMES, training_data):
    plot_pattern(pattern, ax=ax, title=name)
show(fig, "02_pictures")

# %% [markdown]
# **Why $\pm 1$?** The classical Hopfield network has binary neurons. This keeps
# the energy and the update rule simple. Graded versions exist
# (`activation="tanh"`).
#
# The *overlap* $m = \frac{1}{N}\sum_i p_i q_i$ of two patterns is 1 when they
# are equal and near 0 when they are unrelated. These four pictures overlap
# little; the largest overlap, between the camera and the horse, is about 0.39.
# That matters: tutorial 01 shows that three handwritten digits, which overlap
# by about 0.6, cannot be stored this way.
#
# ### Step 2: create the model and the trainer

# %%
model = AmariHopfieldNetwork(num_neurons=training_data[0].shape[0], asyn=False, activation="sign")
model.init_state()
trainer = HebbianTrainer(model)
print("Model and trainer ready:", trainer)

# %% [markdown]
# ### Step 3: train

# %%
trainer.train(training_data)
print("Training done: the patterns are stored in the weights.")

# %% [markdown]
# Internally this is the rule we wrote by hand:
# $W = \frac{1}{P}\sum_\mu \mathbf{p}_\mu \mathbf{p}_\mu^T$ with $W_{ii} = 0$.
# At 128 × 128, though, $W$ would have $16384^2 \approx 268$ million entries
# (1 GiB as float32), and we never need them one by one. The field can be
# computed from the patterns directly. With $X$ the $P \times N$ matrix of
# patterns,
#
# $$
# W\mathbf{s} = \frac{1}{P} X^T (X \mathbf{s}) - \mathbf{s},
# $$
#
# because the diagonal of $\frac{1}{P}X^TX$ is all ones. The vector
# $X\mathbf{s}$ holds just $P$ numbers, the dot products of the state with each
# stored picture. hebbmem keeps $X$ and builds the full matrix only when that
# is cheaper or when you read `model.W`. We use the same formula for a recall by hand in step 5.

# %%
X = np.stack(training_data).astype(float)


def field(s):
    """W s for the Hebbian weights with zero diagonal, without building W."""
    return X.T @ (X @ s) / len(X) - s


def recall_by_hand_lowrank(s, max_iter=100):
    """Synchronous sign updates with the tie rule, using field()."""
    s = s.astype(float)
    for _ in range(max_iter):
        h = field(s)
        new = np.where(h > 0, 1.0, np.where(h < 0, -1.0, s))
        if np.array_equal(new, s):
            break
        s = new
    return s


# %% [markdown]
# ### Step 4: corrupt the pictures
#
# Each test pattern is a stored picture with exactly 30 % of its pixels
# flipped, chosen at random (`flip_fraction`, which is the canns guide's
# `corrupt_pattern`).

# %%
test_patterns = list(flip_fraction(np.stack(training_data), 0.3, rng=42))
print(f"Created {len(test_patterns)} corrupted test patterns")
print("fraction of pixels still correct:", recall_accuracy(test_patterns, training_data))

# %% [markdown]
# ### Step 5: recall

# %%
recalled = trainer.predict_batch(test_patterns, show_sample_progress=True)
print("Recall done; recalled patterns:", recalled.shape)

by_hand = np.stack([recall_by_hand_lowrank(s) for s in test_patterns])
print("identical to the recall by hand:", np.array_equal(recalled, by_hand))

# %% [markdown]
# For each corrupted picture, the network updates its state until it stops
# changing. The state slides into the attractor nearby, here the original
# picture, so the output is the cleaned-up pattern.
#
# ### Step 6: look at the result

# %%
fig = plot_recall(training_data, test_patterns, recalled,
                  titles=("Original", "Corrupted", "Recalled"), row_labels=NAMES)
show(fig, "02_recall")

accuracy = recall_accuracy(recalled, training_data)
for name, acc in zip(NAMES, accuracy):
    print(f"{name:10s} recalled pixels correct: {acc:.2%}")
assert (accuracy == 1.0).all()  # every picture recalled exactly

# %% [markdown]
# The originals are clean, the inputs have 30 % noise, and the outputs are the
# originals again, pixel for pixel.
#
# ## Filling in a hidden part
#
# Associative memory also completes a pattern from a fragment. `occlude` hides a
# part of each picture by painting it black ($-1$). We hide first the bottom
# quarter, then the bottom half.

# %%
hidden_quarter = occlude(np.stack(training_data), fraction=0.25, side="bottom")
hidden_half = occlude(np.stack(training_data), fraction=0.5, side="bottom")
out_quarter = trainer.predict_batch(hidden_quarter)
out_half = trainer.predict_batch(hidden_half)

print("bottom quarter hidden, recalled pixels correct:", recall_accuracy(out_quarter, training_data))
print("bottom half hidden,    recalled pixels correct:", recall_accuracy(out_half, training_data))
print("overlaps of the half-hidden probes with the four pictures:\n", overlap(hidden_half, training_data))

columns = [(training_data, "original"), (hidden_quarter, "quarter hidden"), (out_quarter, "recalled"),
           (hidden_half, "half hidden"), (out_half, "recalled")]
fig, axes = plt.subplots(4, 5, figsize=(10, 8.4), layout="constrained")
for i, name in enumerate(NAMES):
    for j, (patterns, title) in enumerate(columns):
        acc = recall_accuracy(patterns[i], training_data[i])
        percent = np.floor(acc * 1000) / 10  # rounded down: 100.0 % means every pixel
        plot_pattern(patterns[i], ax=axes[i, j], title=f"{title} ({percent:.1f} %)")
show(fig, "02_completion")

# %% [markdown]
# With a quarter hidden, all four pictures come back exactly. With half of each
# picture hidden, the astronaut and the coffee cup still do, but the camera and
# the horse do not. The printed overlaps show why. A half-black picture looks
# partly like every picture with a dark lower half. The half-hidden horse
# overlaps with the coffee picture almost as much as with the horse (at
# 128 × 128 even a little more). The network then settles in a **mixture
# state**, the pixel-wise majority of three stored pictures:

# %%
import itertools

for i, name in enumerate(NAMES):
    if np.array_equal(out_half[i], training_data[i]):
        print(f"{name:10s} -> recalled exactly")
        continue
    for trio in itertools.combinations(range(4), 3):
        majority = np.where(X[list(trio)].sum(axis=0) > 0, 1.0, -1.0)
        if np.array_equal(out_half[i], majority):
            print(f"{name:10s} -> majority of {', '.join(NAMES[k] for k in trio)}")

# %% [markdown]
# A memory completes a fragment only if the fragment still points to one
# memory more than to the others.
#
# ## Synchronous or asynchronous updates?
#
# So far all neurons were updated at once (`asyn=False`). The classical
# Hopfield network updates **one neuron at a time**, in random order
# (`asyn=True`). Every such update lowers the energy
#
# $$
# E(\mathbf{s}) = -\frac{1}{2}\sum_{i,j} W_{ij} s_i s_j
# $$
#
# or leaves it unchanged, so recall is a descent that always ends in a fixed
# point. Synchronous updates are cheaper (one matrix product per step) but may
# end in a 2-cycle.
#
# `predict_batch(..., return_info=True)` returns a `RecallResult` with the
# energy after every update (sync) or sweep over all neurons (async), and
# `plot_energy` draws it.

# %%
model_sync = hm.HopfieldNetwork(SIZE * SIZE, asyn=False)
model_async = hm.HopfieldNetwork(SIZE * SIZE, asyn=True, seed=0)
info_sync = hm.HebbianTrainer(model_sync).train(training_data).predict_batch(test_patterns, return_info=True)
info_async = hm.HebbianTrainer(model_async).train(training_data).predict_batch(test_patterns, return_info=True)
print("sync :", info_sync)
print("async:", info_async)
print("same final states:", np.array_equal(info_sync.states, info_async.states))

# %% [markdown]
# Both recall every picture with one update or one sweep; the second one only
# confirms that nothing changes any more. On this coarse scale the two energy
# curves are identical.
#
# To see the difference, we follow the asynchronous sweep **neuron by neuron**,
# by hand. Flipping neuron $i$ changes the dot products $X\mathbf{s}$ by
# $-2 s_i$ times column $i$ of $X$ ($s_i$ is the value before the flip), and
# the energy can be written with them:
#
# $$
# E = -\frac{1}{2}\Big(\frac{1}{P}\lVert X\mathbf{s}\rVert^2 - N\Big).
# $$
#
# So the energy can be tracked after each single update at almost no cost.

# %%
def async_sweep_by_hand(s, rng):
    """One asynchronous sweep in random order; returns the new state and the energy after each update."""
    s = s.astype(float)
    n_pat, n = X.shape
    columns = X.T.copy()  # columns[i] = column i of X
    dots = X @ s  # the dot products of the state with each stored picture
    energies = [-0.5 * (dots @ dots / n_pat - n)]
    for i in rng.permutation(n):
        h = columns[i] @ dots / n_pat - s[i]  # field of neuron i (zero diagonal)
        new = 1.0 if h > 0 else -1.0 if h < 0 else s[i]  # tie: keep the state
        if new != s[i]:
            dots += columns[i] * (new - s[i])
            s[i] = new
        energies.append(-0.5 * (dots @ dots / n_pat - n))
    return s, np.array(energies)


rng = np.random.default_rng(0)
state, E_sweep = async_sweep_by_hand(test_patterns[0], rng)
print("camera recalled after one sweep by hand:", np.array_equal(state, training_data[0]))
print("energy never went up during the sweep:", bool((np.diff(E_sweep) <= 0).all()))
print("start and end energy by hand:", E_sweep[0], E_sweep[-1],
      "| model.energy:", model.energy(test_patterns[0]), model.energy(training_data[0]))

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
plot_energy(info_sync, ax=ax1, label=NAMES)
plot_energy(info_async, ax=ax1, label=["_nolegend_"] * len(NAMES), xlabel="updates (sync) or sweeps (async)")
for line in ax1.lines[len(NAMES):]:
    line.set_linestyle("--")
    line.set_color("k")
ax1.set_title("hebbmem: solid = sync, dashed black = async", fontsize=10)

n = SIZE * SIZE
ax2.plot(np.arange(len(E_sweep)) / n, E_sweep, label="async, neuron by neuron (by hand)")
ax2.plot(np.arange(len(info_sync.energy_trace(0))), info_sync.energy_trace(0), marker="o", label="sync (hebbmem)")
ax2.set_xlabel("sweeps (async) or updates (sync)")
ax2.set_ylabel("energy")
ax2.set_title("camera: inside the first asynchronous sweep", fontsize=10)
ax2.legend()
show(fig, "02_sync_vs_async")

# %% [markdown]
# On the left, the synchronous (coloured) and asynchronous (dashed black)
# curves of hebbmem lie on top of each other. On the right, the asynchronous
# sweep lowers the energy one flip at a time, in a steady descent, and ends
# exactly where the single synchronous jump lands: at the stored camera
# picture.
#
# With a few weakly overlapping pictures, both schemes find the memory in one
# step. The difference matters near the limits: close to capacity, with
# correlated patterns, or with anti-Hebbian weights, synchronous updates can
# oscillate between two states, and asynchronous ones cannot (tutorial 01,
# section 4, shows such a 2-cycle).
#
# ## Hebbian learning and deep learning
#
# | | Hebbian learning in a Hopfield network | Deep learning (backpropagation) |
# |---|---|---|
# | learning rule | local (Hebb, STDP, ...) | global error signal |
# | supervision | none | usually labels or targets |
# | gradients | none | automatic differentiation |
# | training data | the patterns to remember | input-output pairs |
# | goal | make the patterns attractors | minimise a loss |
# | biological plausibility | high | low |
# | training time | one pass | many epochs |
# | capacity | small: about $0.138\,N$ random patterns for $N$ neurons, fewer if they are correlated | very large |
#
# Associative memory, pattern completion and models of the brain are the home
# ground of Hebbian networks. Classification, regression and large-scale
# recognition belong to backpropagation.
#
# ## One interface for every rule
#
# Every trainer has the same three calls, `train`, `predict` and
# `predict_batch`. `hm.Trainer(model, rule)` accepts any of hebbmem's rules, so
# the learning rule can be swapped without touching the model. Here is the same
# experiment with the pseudo-inverse rule:

# %%
model_pi = AmariHopfieldNetwork(num_neurons=SIZE * SIZE, asyn=False, activation="sign")
trainer_pi = hm.Trainer(model_pi, hm.PseudoInverse())
trainer_pi.train(training_data)
print("pseudo-inverse, recalled pixels correct:",
      recall_accuracy(trainer_pi.predict_batch(test_patterns), training_data))

# %% [markdown]
# hebbmem has four rules: `Hebbian`, `AntiHebbian`, `PseudoInverse` and
# `Storkey`. Their docstrings give the formulas. Storkey's rule builds the full
# $N \times N$ matrix, which takes 2 GiB (float64) at 128 × 128; the other three
# keep a $P \times N$ factor and compute the fields as above.
#
# ## Summary
#
# - Hebb's rule stores patterns in one pass,
#   $W = \frac{1}{P}\sum_\mu \mathbf{p}_\mu \mathbf{p}_\mu^T$ with $W_{ii}=0$.
#   hebbmem gives exactly the weights and recalls that we computed by hand.
# - Four pictures of 16,384 pixels each, which overlap little, are recalled
#   exactly from 30 % noise, and from a copy with the bottom quarter hidden.
# - Half-hidden pictures can end in mixture states: completion needs enough of
#   the picture to tell the memories apart.
# - Synchronous and asynchronous recall reach the same pictures here.
#   Asynchronous recall lowers the energy one neuron at a time.
#
# **Quick reference**
#
# ```python
# from hebbmem.models.brain_inspired import AmariHopfieldNetwork
# from hebbmem.trainer import HebbianTrainer
#
# model = AmariHopfieldNetwork(num_neurons=N, activation="sign")
# model.init_state()
# trainer = HebbianTrainer(model)
# trainer.train([pattern1, pattern2, ...])
# output = trainer.predict(noisy_input)
# ```
#
# **Next:** tutorial 01 does the same with handwritten digits. There the plain
# Hebbian rule fails, and the tutorial explains why.
