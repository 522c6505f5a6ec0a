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
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter
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
from hebbmem.trainer import AntiHebbianTrainer, HebbianTrainer

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
trainer_small = hm.HebbianTrainer(model_small, subtract_mean=False).train(small)  # the plain rule (see step 3)
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
# - **Separation of concerns:** the model describes *how the network moves*,
#   the trainer *how it learns*.
# - **Reusability:** the same model can be trained with different rules, and a
#   rule works for any model that can use its weights.
# - **Composability:** trainers can be stacked for multi-stage training. Every
#   `train` call *adds* to the weights already stored, so a second trainer
#   builds on what the first one stored (section "Stacking trainers" below).
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
# Internally this is the rule we wrote by hand, with one addition that canns
# makes too: `HebbianTrainer` first subtracts the mean activity $\rho$ of all
# stored pixels from every pattern (`subtract_mean=True` by default; tutorial 01
# shows why this matters for patterns with more dark than bright pixels). With
# the centred patterns $\mathbf{c}_\mu = \mathbf{p}_\mu - \rho$,
# $W = \frac{1}{P}\sum_\mu \mathbf{c}_\mu \mathbf{c}_\mu^T$ with $W_{ii} = 0$.
#
# At 128 × 128, though, $W$ would have $16384^2 \approx 268$ million entries
# (1 GiB as float32), and we never need them one by one. The field can be
# computed from the patterns directly. With $C$ the $P \times N$ matrix of
# centred patterns,
#
# $$
# W\mathbf{s} = \frac{1}{P} C^T (C \mathbf{s}) - \mathbf{d} \odot \mathbf{s},
# \qquad d_i = \frac{1}{P}\sum_\mu c_{\mu i}^2,
# $$
#
# where the last term removes the diagonal. The vector $C\mathbf{s}$ holds just
# $P$ numbers, one per stored picture. hebbmem keeps these factors and builds
# the full matrix only when that is cheaper or when you read `model.W`. We use
# the same formula for a recall by hand in step 5.

# %%
X = np.stack(training_data).astype(float)
rho = X.mean()  # the mean activity of all stored pixels
C = X - rho
d = (C * C).mean(axis=0)  # the diagonal of C^T C / P, removed from W
print(f"rho = {rho:.4f}")


def field(s):
    """W s for the centred Hebbian weights with zero diagonal, without building W."""
    return C.T @ (C @ s) / len(C) - d * s


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
def reshape_for_display(pattern, size=SIZE):
    """Reshape a 1-D pattern back into a 2-D image."""
    return pattern.reshape(size, size)


fig, axes = plt.subplots(len(training_data), 3, figsize=(8, 10))
for i in range(len(training_data)):
    # Column 1: original training image
    axes[i, 0].imshow(reshape_for_display(training_data[i]), cmap="gray")
    axes[i, 0].axis("off")
    if i == 0:
        axes[i, 0].set_title("Original")
    # Column 2: corrupted test input
    axes[i, 1].imshow(reshape_for_display(test_patterns[i]), cmap="gray")
    axes[i, 1].axis("off")
    if i == 0:
        axes[i, 1].set_title("Corrupted (30%)")
    # Column 3: recalled output
    axes[i, 2].imshow(reshape_for_display(recalled[i]), cmap="gray")
    axes[i, 2].axis("off")
    if i == 0:
        axes[i, 2].set_title("Recalled")
plt.tight_layout()
show(fig, "02_recall_matplotlib")

# %% [markdown]
# That is the canns guide's figure, in plain matplotlib. hebbmem's
# `plot_recall` draws the same grid in one call, with a thin frame around every
# panel (white picture edges would otherwise merge into the page) and, under
# each title, the fraction of pixels that match the original. The rest of the
# tutorial uses it.

# %%
fig = plot_recall(training_data, test_patterns, recalled,
                  titles=("Original", "Corrupted", "Recalled"), row_labels=NAMES,
                  title=f"Hebbian rule, 30 % of pixels flipped, N = {SIZE * SIZE:,}")
show(fig, "02_recall")

accuracy = recall_accuracy(recalled, training_data)
for name, acc in zip(NAMES, accuracy):
    print(f"{name:10s} recalled pixels correct: {acc:.2%}")
assert (accuracy == 1.0).all()  # every picture recalled exactly

# %% [markdown]
# The originals are clean, the inputs have 30 % noise, and the outputs are the
# originals again, pixel for pixel.
#
# ### The complete program in one block
#
# Here is the canns guide's complete program, unchanged except for two things:
# the imports name hebbmem instead of canns, and its last two lines
# (`plt.savefig('hopfield_memory.png')` and `plt.show()`) are replaced by this
# tutorial's `show`, which writes files only when asked. It runs at the guide's
# full size, 128 × 128, with its own random noise (`np.random.seed(42)`).

# %%
import numpy as np
import skimage.data
from skimage.color import rgb2gray
from skimage.transform import resize
from skimage.filters import threshold_mean
from matplotlib import pyplot as plt

from hebbmem.models.brain_inspired import AmariHopfieldNetwork
from hebbmem.trainer import HebbianTrainer

np.random.seed(42)

# 1. Preprocess images
def preprocess_image(img, size=128):
    if img.ndim == 3:
        img = rgb2gray(img)
    img = resize(img, (size, size), anti_aliasing=True)
    thresh = threshold_mean(img)
    binary = img > thresh
    pattern = np.where(binary, 1.0, -1.0).astype(np.float32)
    return pattern.reshape(size * size)

camera = preprocess_image(skimage.data.camera())
astronaut = preprocess_image(skimage.data.astronaut())
horse = preprocess_image(skimage.data.horse().astype(np.float32))
coffee = preprocess_image(skimage.data.coffee())

training_data = [camera, astronaut, horse, coffee]

# 2. Create model and trainer
model = AmariHopfieldNetwork(num_neurons=training_data[0].shape[0], asyn=False, activation="sign")
model.init_state()
trainer = HebbianTrainer(model)

# 3. Train
trainer.train(training_data)

# 4. Create corrupted test patterns
def corrupt_pattern(pattern, noise_level=0.3):
    corrupted = np.copy(pattern)
    num_flips = int(len(pattern) * noise_level)
    flip_indices = np.random.choice(len(pattern), num_flips, replace=False)
    corrupted[flip_indices] *= -1
    return corrupted

test_patterns = [corrupt_pattern(p, 0.3) for p in training_data]

# 5. Recall patterns
recalled = trainer.predict_batch(test_patterns, show_sample_progress=True)

# 6. Visualize
def reshape(pattern, size=128):
    return pattern.reshape(size, size)

fig, axes = plt.subplots(len(training_data), 3, figsize=(8, 10))
for i in range(len(training_data)):
    axes[i, 0].imshow(reshape(training_data[i]), cmap='gray')
    axes[i, 0].axis('off')
    axes[i, 1].imshow(reshape(test_patterns[i]), cmap='gray')
    axes[i, 1].axis('off')
    axes[i, 2].imshow(reshape(recalled[i]), cmap='gray')
    axes[i, 2].axis('off')

axes[0, 0].set_title('Original')
axes[0, 1].set_title('Corrupted')
axes[0, 2].set_title('Recalled')

plt.tight_layout()
show(fig, "02_complete_program")  # the guide: plt.savefig('hopfield_memory.png'); plt.show()

# %% [markdown]
# It recalls all four pictures exactly:

# %%
print("recalled exactly:", [bool(np.array_equal(r, p)) for r, p in zip(recalled, training_data)])
assert all(np.array_equal(r, p) for r, p in zip(recalled, training_data))

# The rest of the tutorial goes back to its own size (SIZE) and noise.
training_data = list(load_four(SIZE))
model = AmariHopfieldNetwork(num_neurons=SIZE * SIZE, asyn=False, activation="sign")
trainer = HebbianTrainer(model)
trainer.train(training_data)
test_patterns = list(flip_fraction(np.stack(training_data), 0.3, rng=42))

# %% [markdown]
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
fig, axes = plt.subplots(4, 5, figsize=(11, 9.5), layout="constrained")
for i, name in enumerate(NAMES):
    for j, (patterns, title) in enumerate(columns):
        acc = recall_accuracy(patterns[i], training_data[i])
        percent = np.floor(acc * 1000) / 10  # rounded down: 100.0 % means every pixel
        plot_pattern(patterns[i], ax=axes[i, j])
        axes[i, j].set_title(f"{title}\n{percent:.1f} % of pixels right", fontsize=9)
        axes[i, j].set(xticks=[], yticks=[], frame_on=True)  # a thin frame keeps white edges visible
        axes[i, j].set_axis_on()
show(fig, "02_completion")

# %% [markdown]
# With a quarter hidden, all four pictures come back exactly. With half of each
# picture hidden, the astronaut and the coffee cup still do, but the camera and
# the horse do not. The printed overlaps show why. A half-black picture looks
# partly like every picture with a dark lower half. The half-hidden horse
# overlaps with the coffee picture almost as much as with the horse (at
# 128 × 128 even a little more). The network then settles in a **mixture
# state**: a blend that resembles several stored pictures at once and equals
# none of them.

# %%
final = overlap(out_half, training_data)  # rows: the recalled states, columns: the four pictures
for i, name in enumerate(NAMES):
    if np.array_equal(out_half[i], training_data[i]):
        print(f"{name:10s} -> recalled exactly")
    else:
        print(f"{name:10s} -> a mixture state; overlaps with the four pictures: {final[i]}")

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
# by hand. Flipping neuron $i$ changes the dot products $C\mathbf{s}$ by
# $-2 s_i$ times column $i$ of $C$ ($s_i$ is the value before the flip), and
# the energy can be written with them:
#
# $$
# E = -\frac{1}{2}\Big(\frac{1}{P}\lVert C\mathbf{s}\rVert^2 - \sum_i d_i\Big).
# $$
#
# So the energy can be tracked after each single update at almost no cost.

# %%
def async_sweep_by_hand(s, rng):
    """One asynchronous sweep in random order; returns the new state and the energy after each update."""
    s = s.astype(float)
    n_pat, n = C.shape
    columns = C.T.copy()  # columns[i] = column i of C
    dots = C @ s  # the dot products of the state with each centred picture
    energies = [-0.5 * (dots @ dots / n_pat - d.sum())]
    for i in rng.permutation(n):
        h = columns[i] @ dots / n_pat - d[i] * s[i]  # field of neuron i (zero diagonal)
        new = 1.0 if h > 0 else -1.0 if h < 0 else s[i]  # tie: keep the state
        if new != s[i]:
            dots += columns[i] * (new - s[i])
            s[i] = new
        energies.append(-0.5 * (dots @ dots / n_pat - d.sum()))
    return s, np.array(energies)


rng = np.random.default_rng(0)
state, E_sweep = async_sweep_by_hand(test_patterns[0], rng)
print("camera recalled after one sweep by hand:", np.array_equal(state, training_data[0]))
print("energy never went up during the sweep:", bool((np.diff(E_sweep) <= 0).all()))
print("start and end energy by hand:", E_sweep[0], E_sweep[-1],
      "| model.energy:", model.compute_energy(test_patterns[0]), model.compute_energy(training_data[0]))

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
plot_energy(info_sync, ax=ax1, label=[f"{name}, sync" for name in NAMES])
plot_energy(info_async, ax=ax1, label=[f"{name}, async" for name in NAMES], xlabel="updates (sync) or sweeps (async)")
for k, line in enumerate(ax1.lines):  # one colour per picture; sync: dots, async: open squares
    line.set_color(f"C{k % len(NAMES)}")
    if k >= len(NAMES):
        line.set(linestyle="--", marker="s", markersize=9, markerfacecolor="none")
ax1.legend(fontsize=7, ncol=2)
ax1.set_title("hebbmem: the sync and async curves coincide", fontsize=10)

n = SIZE * SIZE
ax2.plot(np.arange(len(E_sweep)) / n, E_sweep, label="async, neuron by neuron (by hand)")
ax2.plot(np.arange(len(info_sync.energy_trace(0))), info_sync.energy_trace(0), marker="o", label="sync (hebbmem)")
ax2.set_xlabel("sweeps (async) or updates (sync)")
ax2.set_title("camera: inside the first asynchronous sweep", fontsize=10)
ax2.legend(fontsize=8)
for ax in (ax1, ax2):  # energies of millions: plain numbers in millions, no "1e7" offset
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v / 1e6:g}"))
    ax.set_ylabel("energy (millions)")
show(fig, "02_sync_vs_async")

# %% [markdown]
# On the left, each picture's synchronous curve (dots) and asynchronous curve
# (open squares, dashed) lie on top of each other. On the right, the asynchronous
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
# `Storkey`. Their docstrings give the formulas. All four keep factors of size
# about $P \times N$ and compute the fields as above, without building the
# $N \times N$ matrix.
#
# ## Stacking trainers: multi-stage training
#
# Composability in practice. Every `train` call adds to the weights already in
# the model, so trainers can be stacked on one model: a first trainer stores
# two pictures, a second one adds the other two, and a third, anti-Hebbian one
# *unlearns* the horse (anti-Hebbian learning subtracts what Hebbian learning
# added). `model.reset_weights()` starts over.

# %%
model_stages = AmariHopfieldNetwork(num_neurons=SIZE * SIZE, asyn=False, activation="sign")
stage_1 = HebbianTrainer(model_stages)
stage_1.train(training_data[:2])  # camera and astronaut
after_1 = recall_accuracy(stage_1.predict_batch(test_patterns), training_data)

stage_2 = HebbianTrainer(model_stages)
stage_2.train(training_data[2:])  # horse and coffee, added to the same weights
after_2 = recall_accuracy(stage_2.predict_batch(test_patterns), training_data)

stage_3 = AntiHebbianTrainer(model_stages)
stage_3.train(training_data[2:3])  # unlearn the horse
with warnings.catch_warnings():
    warnings.simplefilter("ignore", hm.ConvergenceWarning)  # the horse's probe has no valley left: a 2-cycle
    after_3 = recall_accuracy(stage_3.predict_batch(test_patterns), training_data)

print("pixels correct from 30 % noise, for", ", ".join(NAMES))
for name, acc in [("stage 1 (camera, astronaut)", after_1), ("stage 2 (+ horse, coffee)", after_2),
                  ("stage 3 (- horse)", after_3)]:
    print(f"  after {name:28s} {acc}")
assert (after_2 == 1.0).all() and after_3[2] < 1.0 and (after_3[[0, 1, 3]] == 1.0).all()

model_stages.reset_weights()  # start over: no weights stored
print("after reset_weights, the model is trained:", model_stages.is_trained)

# %% [markdown]
# After stage 1 only the camera and the astronaut come back; stage 2 adds the
# horse and the coffee cup without erasing them; stage 3 removes the horse
# and keeps the other three.
#
# ## Your own trainer in ten lines
#
# The seed guide promises *extensibility: easy to add custom trainers*. As in
# canns, `hm.Trainer` is the base class: override `train` (and `predict`), and
# `predict_batch` comes with it (it calls your `predict` on every pattern and
# returns a list). Here is Hebb's rule learned one pattern at a time, with
# every weight clipped to $[-c, c]$, a crude model of a synapse that saturates.
# It works on the 32 × 32 pictures from step 2, since it builds the dense
# $N \times N$ matrix.

# %%
class ClippedHebbTrainer(hm.Trainer):
    """Hebb's rule, one pattern at a time, each weight clipped to [-clip, clip]."""

    def __init__(self, model, clip=0.5):
        super().__init__(model)
        self.clip = clip

    def train(self, train_data):
        W = np.array(self.model.W, dtype=np.float64)  # what the model stores so far (zeros at first)
        for x in np.asarray(train_data, dtype=np.float64):
            W = np.clip(W + np.outer(x, x) / len(train_data), -self.clip, self.clip)
        np.fill_diagonal(W, 0.0)
        self.model.W = W  # assigning W replaces the stored weights

    def predict(self, pattern, num_iter=20):
        return self.model.recall(pattern, max_iter=num_iter)


clipped = ClippedHebbTrainer(hm.HopfieldNetwork(N_small), clip=0.5)
clipped.train(small)
recalled_clipped = clipped.predict_batch(noisy_small)  # the base class loops over your predict
print("clipped Hebb, pixels correct from 30 % noise:", recall_accuracy(np.stack(recalled_clipped), small))

# %% [markdown]
# ## Try it yourself: the recall explorer
#
# In Jupyter, with the widgets extra installed (`pip install -e ".[widgets]"`),
# the next cell shows `hebbmem.widgets.RecallExplorer` on the small 32 × 32
# pictures: pick a picture, corrupt it with the noise slider or by clicking
# pixels, then step or play the recall, synchronous or asynchronous, and watch
# the state, the energy and the overlaps change; the rule can be switched too.
# Run as a script, or without ipywidgets, the cell only says how to get it.

# %%
# RECALL EXPLORER (issue 11): shown only inside Jupyter with ipywidgets installed.
try:
    get_ipython  # noqa: F821  (defined only inside IPython and Jupyter)
    import ipywidgets  # noqa: F401  (the [widgets] extra)
    in_notebook = True
except (NameError, ImportError):
    in_notebook = False

if in_notebook:
    from IPython.display import display

    from hebbmem.widgets import RecallExplorer

    explorer = RecallExplorer(trainer_small, small, shape=(HAND_SIZE, HAND_SIZE))
    display(explorer)
else:
    print('The recall explorer runs in Jupyter with ipywidgets: pip install -e ".[widgets]"')

# %% [markdown]
#
# ## Summary
#
# - Hebb's rule stores patterns in one pass,
#   $W = \frac{1}{P}\sum_\mu \mathbf{p}_\mu \mathbf{p}_\mu^T$ with $W_{ii}=0$
#   (`HebbianTrainer` centres the patterns on their mean first, as canns does).
#   hebbmem gives exactly the weights and recalls that we computed by hand.
# - Four pictures of 16,384 pixels each, which overlap little, are recalled
#   exactly from 30 % noise, and from a copy with the bottom quarter hidden.
# - Half-hidden pictures can end in mixture states: completion needs enough of
#   the picture to tell the memories apart.
# - Synchronous and asynchronous recall reach the same pictures here.
#   Asynchronous recall lowers the energy one neuron at a time.
# - Trainers compose: each `train` call adds to the stored weights, so
#   pictures can be stored in stages, and an anti-Hebbian stage unlearns one.
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
# **Next:** tutorial 01 does the same with handwritten digits, which are much
# more alike. There the threshold and the centring decide whether the digits
# are stored at all, and the tutorial explains why.
