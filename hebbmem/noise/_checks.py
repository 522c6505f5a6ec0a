"""Checks shared by the corruption functions of :mod:`hebbmem.noise`: arrays, fractions, generators, shapes."""

from __future__ import annotations

import math
import numbers

import numpy as np

def as_array(patterns, func, kinds):
    try:
        x = np.asarray(patterns)
    except ValueError as exc:  # ragged lists
        raise ValueError(
            f"{func}: patterns must be a rectangular array (all patterns the same length); "
            f"could not convert the input ({exc})."
        ) from None
    if x.dtype.kind not in kinds:
        allowed = {"f": "float", "i": "signed int", "u": "unsigned int", "b": "bool"}
        expected = ", ".join(allowed[k] for k in kinds)
        raise TypeError(
            f"{func}: patterns must be a numeric array ({expected}); got dtype {x.dtype}. "
            "Convert with np.asarray(patterns, dtype=np.float32)."
        )
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        n_bad = int(np.count_nonzero(~np.isfinite(x)))
        raise ValueError(
            f"{func}: patterns contains {n_bad} NaN or infinite value(s); expected finite "
            "±1 values. Replace them first, e.g. with np.nan_to_num or np.sign."
        )
    return x


def as_patterns(patterns, func, *, bipolar, kinds="fi"):
    """Validate ``(N,)`` or ``(n, N)`` patterns and return them as an ndarray."""
    x = as_array(patterns, func, kinds)
    if x.ndim not in (1, 2):
        raise ValueError(
            f"{func}: patterns must have shape (N,) for one pattern or (n_patterns, N) for "
            f"several; got shape {x.shape}. Flatten images first, e.g. "
            "images.reshape(len(images), -1)."
        )
    if bipolar:
        check_values(x, (-1, 1), func, "Convert {0, 1} patterns with to_bipolar(), or "
                      "grayscale images with hebbmem.datasets.binarize().")
    return x


def check_values(x, allowed, func, fix):
    bad = (x != allowed[0]) & (x != allowed[1])
    if np.any(bad):
        offending = np.unique(x[bad])
        shown = ", ".join(repr(v) for v in offending[:5].tolist())
        more = f" (and {offending.size - 5} more)" if offending.size > 5 else ""
        raise ValueError(
            f"{func}: patterns must contain only {allowed[0]} and {allowed[1]}; found "
            f"{int(np.count_nonzero(bad))} other value(s): {shown}{more}. {fix}"
        )


def check_fraction(value, name, func):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{func}: {name} must be a number between 0 and 1; got {value!r} "
            f"({type(value).__name__})."
        )
    value = float(value)
    if not (0.0 <= value <= 1.0):  # also rejects NaN
        raise ValueError(
            f"{func}: {name} must be between 0 and 1 (e.g. 0.2 for 20%); got {value!r}."
        )
    return value


def check_rng(rng, func):
    if isinstance(rng, (bool, np.bool_)):
        raise TypeError(f"{func}: rng must be None, an int seed or a numpy.random.Generator; "
                        f"got {rng!r}.")
    if isinstance(rng, np.random.RandomState):
        raise TypeError(
            f"{func}: rng must be None, an int seed or a numpy.random.Generator; got a legacy "
            "numpy.random.RandomState. Use np.random.default_rng(seed) instead."
        )
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{func}: rng must be None, a non-negative int seed or a numpy.random.Generator; "
            f"got {rng!r} ({type(rng).__name__}). For reproducible noise pass e.g. rng=0."
        ) from exc


def check_value(value, dtype, func):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{func}: value must be a number such as -1.0 or 0.0; got {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"{func}: value must be finite; got {value!r}. Use -1.0 or 0.0.")
    if dtype.kind in "iub" and np.asarray(value).astype(dtype).item() != value:
        raise ValueError(
            f"{func}: value={value!r} cannot be stored in patterns of dtype {dtype}. "
            "Pick a value the dtype can hold, or convert the patterns first, e.g. "
            "patterns.astype(np.float32)."
        )
    return value


def image_shape(shape, n_pixels, func):
    if shape is None:
        side = math.isqrt(n_pixels)
        if side * side != n_pixels:
            raise ValueError(
                f"{func}: pattern length {n_pixels} is not a perfect square, so the image "
                f"shape cannot be guessed; pass shape=(h, w) with h * w == {n_pixels}."
            )
        return side, side
    if not (isinstance(shape, (tuple, list)) and len(shape) == 2
            and all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in shape)):
        raise TypeError(f"{func}: shape must be a pair of ints (h, w); got {shape!r}.")
    h, w = int(shape[0]), int(shape[1])
    if h < 1 or w < 1 or h * w != n_pixels:
        raise ValueError(
            f"{func}: shape={tuple(shape)} does not fit patterns of length {n_pixels}; "
            f"need positive h and w with h * w == {n_pixels}."
        )
    return h, w


def rows(x):
    """2-D view of a C-contiguous array of shape (N,) or (n, N)."""
    return x.reshape(-1, x.shape[-1])


# ---------------------------------------------------------------------------
# Bit flips
