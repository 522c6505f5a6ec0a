"""Pictures and images as +-1 patterns: scikit-image's classic pictures, binarising, and back to images."""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["load_pictures", "preprocess_image", "binarize", "pattern_to_image", "PICTURE_NAMES"]

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
