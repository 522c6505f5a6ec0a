"""Corrupt ``±1`` patterns to test how well a memory recalls them.

Conventions shared by every function here:

* Patterns are ``±1`` arrays of shape ``(N,)`` (one pattern) or
  ``(n_patterns, N)`` (one pattern per row).
* The input is never modified. Each function returns a **new** array of the
  same shape and dtype.
* Randomness comes from ``rng``. It may be ``None`` (fresh, unpredictable
  noise), an int seed (the same noise every time) or a
  :class:`numpy.random.Generator` (which is advanced). All three go through
  :func:`numpy.random.default_rng`.
* Each row is corrupted independently.

Functions: :func:`flip_fraction` (an exact number of flipped bits),
:func:`flip_bits` (independent random flips), :func:`occlude` (hide a
rectangle of the image), :func:`mask_random` (hide random pixels), and
:func:`to_binary` / :func:`to_bipolar` (convert between ``{0, 1}`` and
``{-1, +1}``).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from ._checks import as_array, as_patterns, check_fraction, check_rng, check_value, check_values, image_shape, rows

__all__ = [
    "flip_fraction",
    "flip_bits",
    "occlude",
    "mask_random",
    "to_binary",
    "to_bipolar",
]

_SIDES = ("bottom", "top", "left", "right", "random")


# ---------------------------------------------------------------------------

def flip_fraction(patterns, fraction, *, rng=None):
    """Flip exactly ``int(N * fraction)`` distinct bits in each pattern.

    This is the tutorial's ``corrupt_pattern``. In each pattern (each row,
    independently), ``k = int(N * fraction)`` distinct positions are chosen
    uniformly at random and their signs are flipped. Every noisy pattern is
    therefore exactly Hamming distance ``k`` from its original.

    Parameters
    ----------
    patterns : array_like of shape (N,) or (n_patterns, N)
        ``±1`` patterns (float or signed int).
    fraction : float
        Fraction of bits to flip, in [0, 1]. The number of flips is rounded
        down, as in the tutorial: ``int(N * fraction)``.
    rng : None, int or numpy.random.Generator, default=None
        Source of randomness; an int gives the same flips every call.

    Returns
    -------
    noisy : ndarray
        A new array with the same shape and dtype as ``patterns``.

    Raises
    ------
    ValueError
        If ``fraction`` is outside [0, 1], if the patterns contain values
        other than -1 and +1 (NaN included), or if their shape is not
        ``(N,)`` or ``(n, N)``.
    TypeError
        If ``patterns`` is not a float or signed-int array, ``fraction`` is not
        a number, or ``rng`` is not a valid seed or Generator.

    See Also
    --------
    flip_bits : Flip each bit independently with a probability.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.noise import flip_fraction
    >>> p = np.ones((2, 10), dtype=np.float32)
    >>> noisy = flip_fraction(p, 0.3, rng=0)
    >>> (noisy != p).sum(axis=1).tolist()       # exactly 3 flips per row
    [3, 3]
    >>> bool(np.array_equal(noisy, flip_fraction(p, 0.3, rng=0)))   # same seed
    True
    """
    func = "flip_fraction"
    x = as_patterns(patterns, func, bipolar=True)
    fraction = check_fraction(fraction, "fraction", func)
    gen = check_rng(rng, func)
    out = x.copy()
    n_pixels = out.shape[-1]
    k = int(n_pixels * fraction)
    for row in rows(out):
        idx = gen.choice(n_pixels, size=k, replace=False)
        row[idx] *= -1
    return out


def flip_bits(patterns, prob, *, rng=None):
    """Flip each bit independently with probability ``prob``.

    This is the tutorial's ``add_noise``. The number of flipped bits is
    random (binomial with mean ``N * prob``). Use :func:`flip_fraction` when
    an exact count is needed.

    Parameters
    ----------
    patterns : array_like of shape (N,) or (n_patterns, N)
        ``±1`` patterns (float or signed int).
    prob : float
        Probability that each bit is flipped, in [0, 1].
    rng : None, int or numpy.random.Generator, default=None
        Source of randomness; an int gives the same flips every call.

    Returns
    -------
    noisy : ndarray
        A new array with the same shape and dtype as ``patterns``.

    Raises
    ------
    ValueError
        If ``prob`` is outside [0, 1], or the patterns are not ``±1`` values
        of shape ``(N,)`` or ``(n, N)``.
    TypeError
        If ``patterns`` is not a float or signed-int array, ``prob`` is not a
        number, or ``rng`` is invalid.

    See Also
    --------
    flip_fraction : Flip an exact number of bits.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.noise import flip_bits
    >>> p = np.ones(10_000)
    >>> noisy = flip_bits(p, 0.1, rng=0)
    >>> bool(0.09 < (noisy != p).mean() < 0.11)
    True
    >>> int((flip_bits(p, 1.0) == -1).sum())     # prob=1 flips every bit
    10000
    """
    func = "flip_bits"
    x = as_patterns(patterns, func, bipolar=True)
    prob = check_fraction(prob, "prob", func)
    gen = check_rng(rng, func)
    out = x.copy()
    out[gen.random(out.shape) < prob] *= -1
    return out


# ---------------------------------------------------------------------------
# Occlusion and masking
# ---------------------------------------------------------------------------

def occlude(patterns, shape=None, *, box=None, fraction=None, side="bottom",
            value=-1.0, rng=None):
    """Hide a rectangle of each image, for pattern-completion experiments.

    The patterns are viewed as images of shape ``shape`` (row-major, as
    produced by ``image.reshape(-1)``). Every pixel inside the rectangle is set
    to ``value``. Give the rectangle in exactly one of two ways:

    * ``box=(row0, row1, col0, col1)`` uses the rows ``row0:row1`` and the columns
      ``col0:col1``. The bounds are half-open, like NumPy slices. The same box
      applies to every pattern.
    * ``fraction=f`` together with ``side`` hides a part of the image:

      - ``"bottom"`` (default), ``"top"``: the last or first
        ``int(h * f)`` rows;
      - ``"left"``, ``"right"``: the first or last ``int(w * f)`` columns;
      - ``"random"``: a rectangle of ``int(h * sqrt(f))`` by
        ``int(w * sqrt(f))`` pixels, which covers about the fraction ``f`` of
        the image. It is placed uniformly at random, independently for each
        pattern, using ``rng``.

    Parameters
    ----------
    patterns : array_like of shape (N,) or (n_patterns, N)
        Flattened images. Any numeric values are allowed, but they are usually
        ``±1``.
    shape : tuple of (int, int) or None, default=None
        Image shape ``(h, w)`` with ``h * w == N``. ``None`` means a square
        image.
    box : tuple of 4 ints or None, default=None
        ``(row0, row1, col0, col1)`` with ``0 <= row0 < row1 <= h`` and
        ``0 <= col0 < col1 <= w``.
    fraction : float or None, default=None
        Fraction of the image to hide, in [0, 1]. It is used with ``side``.
    side : {"bottom", "top", "left", "right", "random"}, default="bottom"
        Which part ``fraction`` hides. It is ignored when ``box`` is given.
    value : float, default=-1.0
        Value written into the hidden pixels. ``-1.0`` is "off" or
        background in a ``±1`` image, and gives probes that every network
        accepts. ``0.0`` means "unknown" (it pushes the network in neither
        direction) but only graded networks (``activation='tanh'``) accept
        it: ``'sign'`` networks take +1/-1 states only.
    rng : None, int or numpy.random.Generator, default=None
        Used only by ``side="random"``.

    Returns
    -------
    occluded : ndarray
        A new array with the same shape and dtype as ``patterns``.

    Raises
    ------
    ValueError
        If both or neither of ``box`` and ``fraction`` are given, if the box
        is outside the image or empty, if ``side`` is unknown, if ``shape``
        does not fit ``N``, or if the patterns contain NaN or infinite values.
    TypeError
        If ``patterns`` is not numeric, or ``box``, ``shape`` or ``value``
        have the wrong type.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.noise import occlude
    >>> p = np.ones(16)                                # one 4x4 image
    >>> occlude(p, fraction=0.5).reshape(4, 4)[:, 0].tolist()   # bottom half hidden
    [1.0, 1.0, -1.0, -1.0]
    >>> occlude(p, box=(0, 1, 1, 3), value=0.0).reshape(4, 4)[0].tolist()
    [1.0, 0.0, 0.0, 1.0]
    """
    func = "occlude"
    x = as_patterns(patterns, func, bipolar=False, kinds="fiub")
    h, w = image_shape(shape, x.shape[-1], func)
    value = check_value(value, x.dtype, func)
    if (box is None) == (fraction is None):
        raise ValueError(
            f"{func}: give exactly one of box=(row0, row1, col0, col1) or fraction=...; got "
            f"box={box!r} and fraction={fraction!r}. For example fraction=0.5 hides the "
            "bottom half."
        )
    out = x.copy()
    images = out.reshape(-1, h, w)  # a view: writing into it writes into `out`
    if box is not None:
        r0, r1, c0, c1 = _check_box(box, h, w, func)
        images[:, r0:r1, c0:c1] = value
        return out
    fraction = check_fraction(fraction, "fraction", func)
    if side not in _SIDES:
        raise ValueError(f"{func}: side must be one of {_SIDES}; got {side!r}.")
    if side == "bottom":
        images[:, h - int(h * fraction):, :] = value
    elif side == "top":
        images[:, :int(h * fraction), :] = value
    elif side == "left":
        images[:, :, :int(w * fraction)] = value
    elif side == "right":
        images[:, :, w - int(w * fraction):] = value
    else:  # random
        gen = check_rng(rng, func)
        bh, bw = int(h * math.sqrt(fraction)), int(w * math.sqrt(fraction))
        for image in images:
            r0 = int(gen.integers(0, h - bh + 1))
            c0 = int(gen.integers(0, w - bw + 1))
            image[r0:r0 + bh, c0:c0 + bw] = value
    return out


def _check_box(box, h, w, func):
    if not (isinstance(box, (tuple, list)) and len(box) == 4
            and all(isinstance(b, numbers.Integral) and not isinstance(b, bool) for b in box)):
        raise TypeError(
            f"{func}: box must be 4 ints (row0, row1, col0, col1); got {box!r}."
        )
    r0, r1, c0, c1 = (int(b) for b in box)
    if not (0 <= r0 < r1 <= h and 0 <= c0 < c1 <= w):
        raise ValueError(
            f"{func}: box={tuple(box)} does not describe a non-empty rectangle inside a "
            f"{h}x{w} image; need 0 <= row0 < row1 <= {h} and 0 <= col0 < col1 <= {w} "
            "(half-open bounds, like slices)."
        )
    return r0, r1, c0, c1


def mask_random(patterns, fraction, *, value=0.0, rng=None):
    """Set exactly ``int(N * fraction)`` random entries of each pattern to ``value``.

    This models missing pixels. By default they become ``0.0``, meaning
    "unknown". A ``0`` entry adds nothing to the other neurons' input, so
    the network has to fill the gaps from what it stored. The positions are
    distinct and chosen independently for each pattern.

    ``0.0`` entries suit graded networks (``activation='tanh'``); a
    ``'sign'`` network takes +1/-1 states only, so for it pass
    ``value=-1.0`` (or flip the bits instead, with :func:`flip_fraction`).

    Parameters
    ----------
    patterns : array_like of shape (N,) or (n_patterns, N)
        Patterns of any numeric values; usually ``±1``.
    fraction : float
        Fraction of entries to mask, in [0, 1]. The count is rounded down,
        ``int(N * fraction)``, as in :func:`flip_fraction`.
    value : float, default=0.0
        The value written into the masked entries.
    rng : None, int or numpy.random.Generator, default=None
        Source of randomness.

    Returns
    -------
    masked : ndarray
        A new array with the same shape and dtype as ``patterns``.

    Raises
    ------
    ValueError
        If ``fraction`` is outside [0, 1], the patterns contain NaN or infinite
        values or have the wrong shape, or ``value`` cannot be stored in
        their dtype.
    TypeError
        If ``patterns`` is not numeric, or ``fraction``, ``value`` or ``rng``
        have the wrong type.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.noise import mask_random
    >>> p = np.ones((2, 8))
    >>> (mask_random(p, 0.25, rng=1) == 0).sum(axis=1).tolist()
    [2, 2]
    """
    func = "mask_random"
    x = as_patterns(patterns, func, bipolar=False, kinds="fiub")
    fraction = check_fraction(fraction, "fraction", func)
    value = check_value(value, x.dtype, func)
    gen = check_rng(rng, func)
    out = x.copy()
    n_pixels = out.shape[-1]
    k = int(n_pixels * fraction)
    for row in rows(out):
        row[gen.choice(n_pixels, size=k, replace=False)] = value
    return out


# ---------------------------------------------------------------------------
# {0, 1} <-> {-1, +1}
# ---------------------------------------------------------------------------

def to_binary(patterns):
    """Map ``±1`` patterns to ``{0, 1}``: ``-1 -> 0`` and ``+1 -> 1``.

    Parameters
    ----------
    patterns : array_like
        An array of any shape that contains only -1 and +1 (float or int).

    Returns
    -------
    binary : ndarray
        A new array with the same shape and dtype, with values 0 and 1.

    Raises
    ------
    ValueError
        If any value is not -1 or +1. The message names the offending values.
    TypeError
        If ``patterns`` is not a numeric (float or int) array.

    See Also
    --------
    to_bipolar : The inverse mapping.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.noise import to_binary
    >>> to_binary(np.array([-1.0, 1.0, 1.0])).tolist()
    [0.0, 1.0, 1.0]
    """
    func = "to_binary"
    x = as_array(patterns, func, "fiu")
    check_values(x, (-1, 1), func, "to_binary expects ±1 patterns; use "
                  "hebbmem.datasets.binarize() to threshold grayscale images.")
    return np.where(x > 0, 1, 0).astype(x.dtype)


def to_bipolar(patterns):
    """Map ``{0, 1}`` patterns to ``±1``: ``0 -> -1`` and ``1 -> +1``.

    Parameters
    ----------
    patterns : array_like
        An array of any shape that contains only 0 and 1 (bool, int or
        float).

    Returns
    -------
    bipolar : ndarray
        A new array with the same shape and values -1 and +1. Float and
        signed-int inputs keep their dtype. Bool and unsigned-int inputs,
        which cannot hold -1, are returned as float32.

    Raises
    ------
    ValueError
        If any value is not 0 or 1. The message names the offending values.
        For a grayscale image, use :func:`hebbmem.datasets.binarize` instead.
    TypeError
        If ``patterns`` is not numeric.

    See Also
    --------
    to_binary : The inverse mapping.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.noise import to_bipolar
    >>> to_bipolar(np.array([0, 1, 1])).tolist()
    [-1, 1, 1]
    >>> to_bipolar(np.array([True, False])).dtype.name
    'float32'
    """
    func = "to_bipolar"
    x = as_array(patterns, func, "fiub")
    check_values(x, (0, 1), func, "to_bipolar expects {0, 1} patterns; use "
                  "hebbmem.datasets.binarize() to threshold grayscale images.")
    dtype = x.dtype if x.dtype.kind in "fi" else np.dtype(np.float32)
    return np.where(x > 0, 1, -1).astype(dtype)
