"""Distances between input vectors and prototypes, and the input checks, shared by the competitive layer and the SOM.

Every squared distance :math:`\\|x - w\\|^2` here is summed over the inputs
left to right (``np.cumsum``), the order of the Numba kernels in
:mod:`hebbmem.competitive._kernels`, so the NumPy code and the kernels find
the same winners and compute bit-identical weights.
"""

import numpy as np

from .._validation import as_real_float64

__all__ = ["as_samples", "squared_distances", "nearest_two", "kernels", "contiguous_weights"]

_KERNELS = []


def kernels():
    """hebbmem.competitive._kernels, imported on first use (``import hebbmem`` does not load Numba)."""
    if not _KERNELS:
        from . import _kernels

        _KERNELS.append(_kernels)
    return _KERNELS[0]


def as_samples(data, n_inputs, *, what, owner, allow_1d=True):
    """Input vectors as a float64 C-contiguous array (a 1-D vector or a 2-D batch), checked; never modified."""
    if isinstance(data, (list, tuple)) and len(data) == 0:
        raise ValueError(f"{what} is empty: expected at least one input vector of length {n_inputs}.")
    arr = as_real_float64(data, what=what, expected=f"vectors of length {n_inputs}")
    ndims = (1, 2) if allow_1d else (2,)
    if arr.ndim not in ndims or arr.shape[-1] != n_inputs or arr.size == 0:
        expected = f"({n_inputs},) or (n_samples, {n_inputs})" if allow_1d else f"(n_samples, {n_inputs})"
        fix = ""
        if arr.ndim >= 2 and int(np.prod(arr.shape[1:])) == n_inputs:
            fix = " It looks like a stack of images: flatten them with x.reshape(len(x), -1)."
        elif arr.ndim == 1 and not allow_1d and arr.shape[0] == n_inputs:
            fix = " It looks like a single vector: wrap it as x[None, :]."
        elif arr.ndim >= 1 and arr.shape[-1] != n_inputs:
            fix = (f" {owner} has input_size={n_inputs}: build it with input_size={arr.shape[-1]}, "
                   f"or give vectors of length {n_inputs}.")
        raise ValueError(f"{what} must have shape {expected}; got shape {arr.shape}.{fix}")
    if not np.isfinite(arr).all():
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0])
        raise ValueError(f"{what} contains NaN or inf (first at index {bad}, value {arr[bad]}). "
                         f"Replace missing values first, e.g. with np.nan_to_num.")
    if np.abs(arr).max() > 1e150:
        raise ValueError(f"{what} holds values up to {np.abs(arr).max():.3g}: squared distances would "
                         f"overflow. Rescale the data (e.g. to unit variance) first.")
    return np.ascontiguousarray(arr)


def contiguous_weights(model, shape, owner):
    """The model's ``W`` as float64, C-contiguous and writeable (converted once, in place on the model), checked."""
    W = model.W
    if hasattr(W, "value") and not isinstance(W, np.ndarray):
        raise TypeError(f"{owner}.W has a .value attribute; hebbmem models keep plain NumPy arrays.")
    try:
        arr = np.asarray(W)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}.W must be a real array of shape {shape}; got {type(W).__name__}.") from None
    if arr.shape != tuple(shape) or arr.dtype.kind not in "fiu":
        raise ValueError(f"{owner}.W must be a real array of shape {tuple(shape)}; got shape {arr.shape} and "
                         f"dtype {arr.dtype}. Assign an array of that shape, or build a new {owner}.")
    if arr is not W or arr.dtype != np.float64 or not arr.flags.c_contiguous or not arr.flags.writeable:
        arr = np.array(arr, dtype=np.float64, order="C")
        model.W = arr
    if not np.isfinite(arr).all():
        raise ValueError(f"{owner}.W contains NaN or inf: the weights were set by hand or diverged. "
                         f"Assign finite weights, or build a new {owner}.")
    return arr


def squared_distances(W2, x):
    """``||x - w_u||^2`` for every row ``w_u`` of ``W2`` (units, inputs), summed left to right."""
    return np.cumsum((x - W2) ** 2, axis=-1)[..., -1]


def nearest_two(W2, X, compiled=True):
    """For each row of ``X``: the nearest and second-nearest rows of ``W2`` and their squared distances.

    Returns ``(best, second, d_best, d_second)``; ties go to the lowest index,
    and with one unit ``second`` is -1 and ``d_second`` inf. ``compiled``:
    the Numba kernel, or NumPy in chunks; both give identical results.
    """
    n, m = X.shape[0], W2.shape[0]
    best, second = np.empty(n, dtype=np.int64), np.empty(n, dtype=np.int64)
    d_best, d_second = np.empty(n), np.empty(n)
    if compiled:
        WT = np.ascontiguousarray(W2.T)
        kernels().nearest_two(WT, X, best, second, d_best, d_second, np.empty((2, m)))
        return best, second, d_best, d_second
    chunk = max(1, (1 << 22) // max(1, W2.size))  # about 32 MB of differences at a time
    rows = np.arange(m)
    for start in range(0, n, chunk):
        D = squared_distances(W2[None, :, :], X[start:start + chunk, None, :])  # (chunk, units)
        b = np.argmin(D, axis=1)
        best[start:start + chunk] = b
        d_best[start:start + chunk] = D[np.arange(len(D)), b]
        if m == 1:
            second[start:start + chunk] = -1
            d_second[start:start + chunk] = np.inf
            continue
        D2 = np.where(rows[None, :] == b[:, None], np.inf, D)
        c = np.argmin(D2, axis=1)
        second[start:start + chunk] = c
        d_second[start:start + chunk] = D2[np.arange(len(D2)), c]
    return best, second, d_best, d_second
