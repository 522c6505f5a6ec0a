"""The seed tutorials' programs, run as tests on small sizes.

hebbmem promises that the two seed tutorials (written for canns) run with
hebbmem after exactly two mechanical changes:

* ``canns`` -> ``hebbmem`` in the import lines;
* ``model.W.value`` -> ``model.W`` (hebbmem's ``W`` is a plain ndarray).

``how_to_train_brain_inspired_model.md`` ("Complete Runnable Code") is kept
as a function, :func:`how_to_train_program`, parametrised on the picture
size. ``tutorial_pattern_storage_and_recall.md`` is kept as its verbatim
snippets (:data:`TUTORIAL_SNIPPETS`) and executed cell after cell in one
namespace, like a notebook; :func:`port` applies the two allowed changes.

What is asserted is what hebbmem guarantees (shapes, dtypes, +1/-1 states,
the Hebbian weight formula, convergence reporting), not every sentence of the
tutorials' prose: plain Hebbian storage of correlated MNIST digits does *not*
give the "near-perfect retrieval" the tutorial expects (see
:func:`test_section_3_4_retrieval`).
"""

import contextlib
import io
import re
import types
import warnings

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display in CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hebbmem as hm  # noqa: E402
from hebbmem import ConvergenceWarning  # noqa: E402


@pytest.fixture(autouse=True)
def _restore_global_numpy_rng():
    """The seeds seed and draw from the global ``np.random``; leave it as we found it."""
    state = np.random.get_state()
    yield
    np.random.set_state(state)


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """Run a seed program in ``tmp_path`` (its ``savefig`` calls land there) without showing figures."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: None)
    yield tmp_path
    plt.close("all")


def _settled_line(stderr):
    """The last redraw of the progress line (it rewrites itself with carriage returns)."""
    assert stderr.endswith("\n"), "the progress line must be closed with a newline"
    return stderr.rstrip("\n").split("\r")[-1]


def _assert_bipolar_float32(states, shape):
    assert isinstance(states, np.ndarray)
    assert states.shape == shape
    assert states.dtype == np.float32
    assert np.isin(states, (-1.0, 1.0)).all()


# =====================================================================
# how_to_train_brain_inspired_model.md: "Complete Runnable Code"
# =====================================================================


def how_to_train_program(size):
    """The seed's "Complete Runnable Code", for ``size`` x ``size`` pictures.

    Verbatim except for the import lines (canns -> hebbmem) and the two
    ``size=128`` defaults, which take the ``size`` argument. Run it from the
    directory where the figure should go. Returns the program's variables.
    """
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
    def preprocess_image(img, size=size):
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
    def reshape(pattern, size=size):
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
    plt.savefig('hopfield_memory.png')
    plt.show()

    return locals()


# Bits recalled right, per picture, after 30 % of them were flipped.
# The seed's claim at 128 x 128 (N = 16384) is "recalled outputs match
# originals"; we require >= 99 %. Measured (np.random.seed 0..199, sync,
# Hebbian): size 32 (N = 1024) recalls all four pictures perfectly for all
# 200 seeds, so 99 % is a robust floor there too; size 16 (N = 256) already
# fails it for 3 % of seeds (worst 84 %), and size 8 for most.
MIN_BITS_RIGHT = 0.99


@pytest.mark.parametrize("size", [32, pytest.param(128, marks=pytest.mark.slow)])
def test_how_to_train_complete_program(size, sandbox, capsys):
    # Any ConvergenceWarning would fail this test (setup.cfg turns it into an
    # error): every corrupted picture must settle on a fixed point.
    ns = how_to_train_program(size)
    N = size * size

    originals = np.array(ns["training_data"])
    corrupted = np.array(ns["test_patterns"])
    recalled = ns["recalled"]
    _assert_bipolar_float32(originals, (4, N))
    _assert_bipolar_float32(recalled, (4, N))
    assert np.array(recalled).shape == (4, N)  # what Step 5 prints

    # The test inputs really are 30 % wrong, so recall has work to do.
    np.testing.assert_array_equal((originals != corrupted).sum(axis=1), int(N * 0.3))

    bits_right = (recalled == originals).mean(axis=1)
    assert bits_right.min() >= MIN_BITS_RIGHT, f"bits right per picture: {bits_right}"

    figure = sandbox / "hopfield_memory.png"
    assert figure.is_file() and figure.stat().st_size > 0

    assert "4/4 settled" in _settled_line(capsys.readouterr().err)


def test_how_to_train_weights_are_what_happened_internally(sandbox, capsys):
    """Step 3's "What happened internally": W = (1/P) sum_mu outer(p, p), zero diagonal,
    with the patterns centred by their mean activity first, as HebbianTrainer (and canns) does."""
    ns = how_to_train_program(32)
    training_data = ns["training_data"]
    N = training_data[0].size

    # The seed's "simplified version of Hebbian weight update", with canns' default centring.
    rho = np.mean(training_data)
    W = np.zeros((N, N))
    for pattern in training_data:
        W += np.outer(pattern - rho, pattern - rho)  # Hebbian: w_ij += x_i * x_j
    W /= len(training_data)  # Normalize
    np.fill_diagonal(W, 0)   # No self-connections

    # hebbmem rounds the centred rows to a power-of-two grid (>= 20 bits here) to keep fields exact
    np.testing.assert_allclose(ns["model"].W, W, rtol=1e-5, atol=1e-6)


def test_how_to_train_quick_reference(capsys):
    """The seed's "Quick Reference" template, with N = 256 and three random patterns."""
    from hebbmem.models.brain_inspired import AmariHopfieldNetwork
    from hebbmem.trainer import HebbianTrainer

    N = 256
    rng = np.random.default_rng(7)
    pattern1, pattern2, pattern3 = np.where(rng.random((3, N)) < 0.5, -1.0, 1.0).astype(np.float32)
    noisy_input = pattern2.copy()
    noisy_input[rng.choice(N, N // 10, replace=False)] *= -1

    # Create model
    model = AmariHopfieldNetwork(num_neurons=N, activation="sign")
    model.init_state()

    # Create trainer
    trainer = HebbianTrainer(model)

    # Train on patterns
    trainer.train([pattern1, pattern2, pattern3])

    # Recall
    output = trainer.predict(noisy_input)

    _assert_bipolar_float32(output, (N,))
    np.testing.assert_array_equal(output, pattern2)  # 3 random patterns in 256 neurons: well below capacity


# =====================================================================
# tutorial_pattern_storage_and_recall.md: the snippets, cell after cell
# =====================================================================

# Verbatim copies of the tutorial's code blocks, keyed by section. Of 3.1
# only the import lines are kept (later cells rely on them); its MNIST
# download is replaced by :func:`load_digits`. 3.2 is run because the later
# cells use its functions and ``train_patterns``.
TUTORIAL_SNIPPETS = {
    "3.1 imports": r'''
import numpy as np
from canns.models.brain_inspired import AmariHopfieldNetwork
from canns.trainer import HebbianTrainer
''',
    "1.3": r'''
from canns.models.brain_inspired import AmariHopfieldNetwork
from canns.trainer import HebbianTrainer

# Create network
model = AmariHopfieldNetwork(num_neurons=784)  # 28x28 images
model.init_state()

# Create trainer with Hebbian learning
trainer = HebbianTrainer(model, compiled_prediction=True)

# Train on patterns
trainer.train(pattern_list)

# Retrieve from corrupted input
output = trainer.predict(noisy_pattern)
''',
    "2.2": r'''
from canns.models.brain_inspired import AmariHopfieldNetwork

# Discrete activation (sign function): x ∈ {-1, +1}
model = AmariHopfieldNetwork(
    num_neurons=784,
    threshold=80.0,      # Convergence threshold
    asyn=False,          # Synchronous updates
    activation="sign"    # Binary states {-1, +1}
)
''',
    "3.2": r'''
def threshold_to_binary(image, use_mean=True):
    """Convert grayscale image to {-1, +1}"""
    if use_mean:
        threshold = image.mean()
    else:
        from skimage.filters import threshold_mean
        threshold = threshold_mean(image)

    binary = image > threshold
    return np.where(binary, 1.0, -1.0).astype(np.float32)

def flatten_image(image_2d):
    """Flatten 2D image to 1D vector"""
    return image_2d.reshape(-1)

# Select patterns to store (e.g., digits 0, 1, 2)
classes = [0, 1, 2]

# Get one training example per class
train_patterns = []
for digit in classes:
    # Find first occurrence of this digit
    idx = np.where(y_train == digit)[0][0]
    img_2d = x_train[idx]

    # Convert to binary and flatten
    binary = threshold_to_binary(img_2d)
    flat = flatten_image(binary)
    train_patterns.append(flat)

print(f"Prepared {len(train_patterns)} training patterns")
print(f"Pattern dimensions: {train_patterns[0].shape}")
''',
    "3.3": r'''
# Create Hopfield network
n_neurons = train_patterns[0].size  # 784 for 28×28 images
model = AmariHopfieldNetwork(
    num_neurons=n_neurons,
    threshold=80.0,        # Max iterations for convergence
    asyn=False,            # Synchronous updates
    activation="sign"      # Binary activation
)
model.init_state()

# Create Hebbian trainer
trainer = HebbianTrainer(
    model,
    compiled_prediction=True  # Use JIT compilation for speed
)

# Train on patterns (one-shot learning!)
print("Training network...")
trainer.train(train_patterns)
print("Training complete!")
''',
    "3.4": r'''
# Get test patterns (different examples of same digits)
test_patterns = []
for digit in classes:
    # Find second occurrence (different from training)
    idx = np.where(y_train == digit)[0][1]
    img_2d = x_train[idx]
    binary = threshold_to_binary(img_2d)
    flat = flatten_image(binary)
    test_patterns.append(flat)

# Retrieve patterns
print("Retrieving patterns...")
retrieved = trainer.predict_batch(
    test_patterns,
    show_sample_progress=True  # Show convergence progress
)

print(f"Retrieved {len(retrieved)} patterns")
''',
    "3.5": r'''
import matplotlib.pyplot as plt

def reshape_to_image(flat_vector):
    """Reshape 1D vector back to 2D image"""
    dim = int(np.sqrt(flat_vector.size))
    return flat_vector.reshape(dim, dim)

# Create visualization
fig, axes = plt.subplots(len(classes), 3, figsize=(6, 2*len(classes)))

for i in range(len(classes)):
    # Training pattern
    axes[i, 0].imshow(reshape_to_image(train_patterns[i]), cmap='gray')
    axes[i, 0].axis('off')
    if i == 0:
        axes[i, 0].set_title('Stored Pattern')

    # Test input
    axes[i, 1].imshow(reshape_to_image(test_patterns[i]), cmap='gray')
    axes[i, 1].axis('off')
    if i == 0:
        axes[i, 1].set_title('Input Pattern')

    # Retrieved pattern
    axes[i, 2].imshow(reshape_to_image(retrieved[i]), cmap='gray')
    axes[i, 2].axis('off')
    if i == 0:
        axes[i, 2].set_title('Retrieved Pattern')

plt.tight_layout()
plt.savefig('hopfield_mnist_retrieval.png', dpi=150)
plt.show()
''',
    "3.6": r'''
def add_noise(pattern, noise_level=0.1):
    """Flip random bits with given probability"""
    noise_mask = np.random.random(pattern.shape) < noise_level
    noisy = pattern.copy()
    noisy[noise_mask] *= -1  # Flip sign
    return noisy

# Test with noisy inputs
noise_levels = [0.0, 0.1, 0.2, 0.3]

for noise in noise_levels:
    print(f"\nTesting with {int(noise*100)}% noise:")
    noisy_inputs = [add_noise(p, noise) for p in test_patterns]
    recovered = trainer.predict_batch(noisy_inputs)

    # Calculate accuracy (proportion of correct bits)
    accuracies = []
    for orig, recov in zip(train_patterns, recovered):
        accuracy = np.mean(orig == recov)
        accuracies.append(accuracy)

    print(f"  Mean accuracy: {np.mean(accuracies):.2%}")
''',
    "4.3": r'''
from canns.trainer import AntiHebbianTrainer

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
import matplotlib.pyplot as plt

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))

ax1.imshow(model_hebb.W.value, cmap='RdBu', vmin=-1, vmax=1)
ax1.set_title('Hebbian Weights')
ax1.axis('off')

ax2.imshow(model_anti.W.value, cmap='RdBu', vmin=-1, vmax=1)
ax2.set_title('Anti-Hebbian Weights')
ax2.axis('off')

plt.tight_layout()
plt.show()
''',
}

# The order in which the cells run. 3.2 comes first so that 1.3's
# placeholders (``pattern_list``, ``noisy_pattern``) can be real patterns.
TUTORIAL_ORDER = ("3.1 imports", "3.2", "1.3", "2.2", "3.3", "3.4", "3.5", "3.6", "4.3")

# Cells that recall with synchronous updates. Correlated digits can fall into
# a 2-cycle there, which hebbmem reports with a ConvergenceWarning (an error
# under pytest, see setup.cfg); the tutorial code does not expect it, so these
# cells run with the warning recorded instead, and the test checks that only
# 2-cycles, never the max_iter cap, were reported.
RECALL_CELLS = ("1.3", "3.4", "3.6")


def port(src):
    """Apply the only two changes allowed to the seed code."""
    ported = src.replace("from canns.", "from hebbmem.").replace(".W.value", ".W")
    assert "canns" not in ported
    return ported


def synthetic_digits(n_per_class=5, seed=0):
    """28x28 'digit-like' float32 images (0..255) and int64 labels 0..9.

    Each class is a fixed set of three Gaussian blobs; every example jitters
    the blob centres by up to 2 pixels and their brightness by +-20 %, so
    examples of one class are correlated, as real digits are. Labels cycle
    0, 1, ..., 9, 0, 1, ... so ``np.where(y == d)[0][1]`` exists.
    """
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:28, 0:28]
    centres = rng.uniform(6, 22, size=(10, 3, 2))
    labels = np.tile(np.arange(10, dtype=np.int64), n_per_class)
    images = np.zeros((labels.size, 28, 28), dtype=np.float32)
    for k, digit in enumerate(labels):
        for cy, cx in centres[digit] + rng.integers(-2, 3, size=(3, 2)):
            brightness = 255 * rng.uniform(0.8, 1.2)
            images[k] += brightness * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 2.5 ** 2))
    return np.clip(images, 0, 255).astype(np.float32), labels


def load_digits(source):
    """``x_train, y_train`` as section 3.1 returns them: float32 images and int64 labels."""
    if source == "synthetic":
        return synthetic_digits()
    # hebbmem.datasets is written in parallel with these tests: while it is
    # missing, this variant is skipped and the synthetic one still runs the
    # snippets.
    datasets = pytest.importorskip("hebbmem.datasets")
    if not hasattr(datasets, "load_mnist"):
        pytest.skip("hebbmem.datasets.load_mnist does not exist yet")
    images, labels = datasets.load_mnist()
    return images.astype(np.float32), labels.astype(np.int64)


@pytest.fixture(scope="module", params=["mnist", "synthetic"])
def tutorial(request, tmp_path_factory):
    """Run the tutorial's cells once per data source; return what they left behind."""
    x_train, y_train = load_digits(request.param)
    tmp = tmp_path_factory.mktemp(f"tutorial_{request.param}")
    ns = {"__name__": "tutorial", "x_train": x_train, "y_train": y_train}
    stdout, stderr = io.StringIO(), io.StringIO()
    cycles = []
    after = {}
    rng_state = np.random.get_state()
    np.random.seed(0)  # 3.6 draws its noise from the global np.random
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stdout(stdout), \
            contextlib.redirect_stderr(stderr):
        mp.chdir(tmp)
        mp.setattr(plt, "show", lambda *args, **kwargs: None)
        for section in TUTORIAL_ORDER:
            if section == "1.3":
                # 1.3 uses two placeholders; give it the 3.2 patterns and a noisy copy.
                ns["pattern_list"] = ns["train_patterns"]
                noisy = ns["train_patterns"][0].copy()
                noisy[np.random.default_rng(1).choice(noisy.size, noisy.size // 10, replace=False)] *= -1
                ns["noisy_pattern"] = noisy
            code = compile(port(TUTORIAL_SNIPPETS[section]), f"<tutorial section {section}>", "exec")
            with warnings.catch_warnings(record=True) as caught:
                if section in RECALL_CELLS:
                    warnings.simplefilter("always", ConvergenceWarning)
                exec(code, ns)
            for w in caught:
                if issubclass(w.category, ConvergenceWarning):
                    cycles.append((section, str(w.message)))
                else:  # not ours to judge: pass it on to pytest
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            after[section] = dict(ns)  # a snapshot: later cells rebind names such as `model`
        plt.close("all")
    np.random.set_state(rng_state)
    return types.SimpleNamespace(ns=ns, after=after, dir=tmp, source=request.param, stdout=stdout.getvalue(),
                                 stderr=stderr.getvalue(), convergence_warnings=cycles)


def test_tutorial_reports_only_two_cycles(tutorial):
    # Synchronous dynamics with symmetric weights end in a fixed point or a
    # 2-cycle; max_iter=80 is never the reason to stop on these inputs.
    for section, message in tutorial.convergence_warnings:
        assert "2-cycle" in message and "stopped at max_iter" not in message, (section, message)


def test_section_1_3_quick_start(tutorial):
    ns = tutorial.after["1.3"]
    assert ns["model"].num_neurons == 784 and ns["model"].is_trained
    output = ns["output"]
    _assert_bipolar_float32(output, (784,))  # predict returns the input's shape
    np.testing.assert_array_equal(ns["model"].s, output)  # predict leaves the recalled state in s
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # same probe as the cell: may 2-cycle
        both = ns["trainer"].predict(np.stack([ns["noisy_pattern"]] * 2))
    _assert_bipolar_float32(both, (2, 784))  # 2-D in, 2-D out
    np.testing.assert_array_equal(both[0], output)


def test_section_2_2_threshold_is_the_firing_threshold(tutorial):
    model = tutorial.after["2.2"]["model"]
    assert model.threshold == 80.0 and model.bias == 80.0  # canns' meaning: the firing threshold
    assert model.max_iter == 20  # the iteration cap is predict's num_iter, 20 as in canns
    assert model.asyn is False and model.activation == "sign"
    assert not model.is_trained


def test_section_3_3_training(tutorial):
    ns = tutorial.ns
    model, train_patterns = ns["model"], ns["train_patterns"]
    assert model.threshold == 80.0
    W = model.W
    assert W.shape == (784, 784)
    np.testing.assert_array_equal(W, W.T)
    np.testing.assert_array_equal(np.diag(W), 0)
    # 3.3's "Training details": W = (1/P) sum_mu p p^T, W_ii = 0, with the optional mean
    # subtraction on, as HebbianTrainer's (and canns') default.
    P = np.array(train_patterns, dtype=np.float64)
    C = P - P.mean()
    expected = C.T @ C / len(P)
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(W, expected, rtol=1e-5, atol=1e-6)  # centred rows on a fine grid
    np.testing.assert_array_equal(ns["trainer"].patterns_, P)


def test_section_3_4_retrieval(tutorial):
    ns = tutorial.ns
    retrieved = ns["retrieved"]
    _assert_bipolar_float32(retrieved, (3, 784))
    assert "Retrieved 3 patterns" in tutorial.stdout
    # show_sample_progress=True drew a progress line on stderr.
    lines = [line for line in tutorial.stderr.split("\n") if "settled" in line]
    assert any(line.split("\r")[-1].count("3/3 settled") for line in lines)
    # Not asserted: "Retrieved patterns closely match stored patterns". With
    # plain Hebbian storage the three bundled MNIST digits (first 0, 1, 2)
    # are so correlated that all three probes settle on one and the same
    # mixture state (measured: 88 %, 91 %, 92 % of bits equal to the stored
    # 0, 1, 2). hebbmem.PseudoInverse is the rule that stores such digits.


def test_section_3_5_figure(tutorial):
    figure = tutorial.dir / "hopfield_mnist_retrieval.png"
    assert figure.is_file() and figure.stat().st_size > 0


def test_section_3_6_noise(tutorial):
    ns = tutorial.ns
    _assert_bipolar_float32(ns["recovered"], (3, 784))
    # One report per noise level, each a percentage.
    levels = re.findall(r"Testing with (\d+)% noise:", tutorial.stdout)
    assert levels == ["0", "10", "20", "30"]
    accuracies = [float(a) for a in re.findall(r"Mean accuracy: ([\d.]+)%", tutorial.stdout)]
    assert len(accuracies) == 4 and all(0 <= a <= 100 for a in accuracies)
    # 0 % noise: the inputs are 3.4's, and synchronous recall is deterministic.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # same inputs as 3.4: may 2-cycle
        again = ns["trainer"].predict_batch(ns["test_patterns"])
    np.testing.assert_array_equal(again, ns["retrieved"])


def test_section_4_3_hebbian_vs_anti_hebbian(tutorial):
    ns = tutorial.ns
    W_hebb, W_anti = ns["model_hebb"].W, ns["model_anti"].W
    for W in (W_hebb, W_anti):
        assert W.shape == (784, 784)
        np.testing.assert_array_equal(W, W.T)
        np.testing.assert_array_equal(np.diag(W), 0)
    np.testing.assert_array_equal(W_hebb, -W_anti)
    # Centred, normalised by 1/P: W = (1/P) sum (p - rho)(p - rho)^T, as canns computes it
    P = np.array(ns["train_patterns"], dtype=np.float64)
    C = P - P.mean()
    expected = C.T @ C / len(P)
    np.fill_diagonal(expected, 0)
    np.testing.assert_allclose(W_hebb, expected, rtol=1e-5, atol=1e-6)
    assert ns["model_hebb"].activation == "tanh" and ns["model_anti"].activation == "tanh"
    assert [ax.get_title() for ax in (ns["ax1"], ns["ax2"])] == ["Hebbian Weights", "Anti-Hebbian Weights"]


# =====================================================================
# Seed-compatibility promises outside the programs
# =====================================================================


def test_init_state_returns_all_ones():
    from hebbmem.models.brain_inspired import AmariHopfieldNetwork

    model = AmariHopfieldNetwork(num_neurons=784)
    state = model.init_state()
    assert state is model.s
    np.testing.assert_array_equal(state, np.ones(784, dtype=np.float32))
    assert state.dtype == np.float32

    # After a recall, init_state() resets to all ones again.
    trainer = hm.HebbianTrainer(model)
    trainer.train(np.where(np.random.default_rng(0).random((2, 784)) < 0.5, -1.0, 1.0))
    trainer.predict(-np.ones(784))
    np.testing.assert_array_equal(model.init_state(), np.ones(784))


def test_threshold_80_is_the_firing_threshold_and_num_iter_caps():
    from hebbmem.models.brain_inspired import AmariHopfieldNetwork

    model = AmariHopfieldNetwork(num_neurons=784, threshold=80.0, asyn=False, activation="sign")
    assert model.threshold == 80.0 and model.bias == 80.0
    assert AmariHopfieldNetwork(num_neurons=784).threshold == 0.0  # canns' default
    assert AmariHopfieldNetwork(num_neurons=784).max_iter == 20    # canns' predict(num_iter=20)

    # Behaviour, not just the attribute: num_iter=1 stops after one update.
    rng = np.random.default_rng(3)
    X = np.where(rng.random((3, 64)) < 0.5, -1.0, 1.0)
    probe = X[0].copy()
    probe[:20] *= -1  # needs more than one update to settle
    model = AmariHopfieldNetwork(num_neurons=64)
    trainer = hm.HebbianTrainer(model)
    trainer.train(X)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):  # the cap is reported, never hidden
        info = trainer.predict(probe, num_iter=1, return_info=True)
    assert info.n_iter.tolist() == [1] and info.hit_max_iter.tolist() == [True]

    # The firing threshold acts: a threshold above every field turns every neuron off.
    high = AmariHopfieldNetwork(num_neurons=64, threshold=1e6)
    hm.HebbianTrainer(high).train(X)
    np.testing.assert_array_equal(hm.HebbianTrainer(high).predict(X[0]), -np.ones(64))


def test_seed_import_paths():
    from hebbmem.models.brain_inspired import AmariHopfieldNetwork
    from hebbmem.trainer import AntiHebbianTrainer, HebbianTrainer

    assert AmariHopfieldNetwork is hm.AmariHopfieldNetwork
    assert HebbianTrainer is hm.HebbianTrainer
    assert AntiHebbianTrainer is hm.AntiHebbianTrainer


def test_flat_api():
    import hebbmem as hm

    for name in ("HopfieldNetwork", "Trainer", "HebbianTrainer", "AntiHebbianTrainer", "Hebbian",
                 "AntiHebbian", "Storkey", "PseudoInverse", "RecallResult"):
        assert isinstance(getattr(hm, name), type), name
        assert name in hm.__all__, name
    assert issubclass(hm.AmariHopfieldNetwork, hm.HopfieldNetwork)
    assert issubclass(hm.HebbianTrainer, hm.Trainer) and issubclass(hm.AntiHebbianTrainer, hm.Trainer)
    for rule in (hm.Hebbian, hm.AntiHebbian, hm.Storkey, hm.PseudoInverse):
        assert issubclass(rule, hm.Rule)

    # The flat names work together: hm.Trainer(model, rule) recalls into a RecallResult.
    X = np.array([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]])
    trainer = hm.Trainer(hm.HopfieldNetwork(8), hm.Hebbian()).train(X)
    assert isinstance(trainer.predict_batch(X, return_info=True), hm.RecallResult)


@pytest.mark.parametrize("n", [1, 4, 7])
def test_predict_batch_prints_progress(n, capsys):
    rng = np.random.default_rng(n)
    X = np.where(rng.random((n, 128)) < 0.5, -1.0, 1.0)
    trainer = hm.HebbianTrainer(hm.HopfieldNetwork(128)).train(X)

    trainer.predict_batch(X, show_sample_progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""  # progress goes to stderr only
    assert f"{n}/{n} settled" in _settled_line(captured.err)

    trainer.predict_batch(X)  # default: silent
    assert capsys.readouterr().err == ""
