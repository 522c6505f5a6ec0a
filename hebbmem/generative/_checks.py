"""Input checks of the generative family: unit vectors of the right length, values in [0, 1], sane parameters."""

import numpy as np

from .._validation import as_real_float64, check_bytes_fit
from ._math import MAX_ENUMERATED_UNITS

__all__ = ["as_units", "binary_data", "enumeration_error", "own_array", "check_layer_sizes", "Parameter"]


def as_units(data, n, *, what, owner, layer, allow_1d=True, unit_interval=False):
    """Convert one vector or a batch of vectors of length ``n`` to a new float64 2-D array.

    Parameters
    ----------
    data : array-like of shape (n,) or (n_samples, n), or a list of 1-D arrays
        Never modified.
    n : int
        Required length of each vector.
    what, owner, layer : str
        How the input, the class and the layer size are called in messages
        (``"train_data"``, ``"RestrictedBoltzmannModel"``, ``"num_visible"``).
    allow_1d : bool
        Accept a single vector.
    unit_interval : bool
        Require every value in [0, 1] (binary data, or probabilities).

    Returns
    -------
    X : ndarray of shape (n_samples, n), float64, C-contiguous (a copy)
    was_1d : bool
    """
    if isinstance(data, (list, tuple)):
        if len(data) == 0:
            raise ValueError(f"{what} is empty: expected at least one vector of length {n} ({owner} has "
                             f"{layer}={n}).")
        shapes = {np.shape(p) for p in data}
        if len(shapes) > 1 and any(len(s) >= 1 for s in shapes):
            raise ValueError(f"{what} is ragged: every vector must have length {n}; got shapes "
                             f"{sorted(shapes, key=str)[:4]}.")
    arr = as_real_float64(data, what=what, expected=f"vectors of length {n}")
    was_1d = arr.ndim == 1
    if arr.ndim not in ((1, 2) if allow_1d else (2,)) or arr.shape[-1] != n or arr.size == 0:
        expected = f"(n_samples, {n})" if not allow_1d else f"({n},) or (n_samples, {n})"
        fix = ""
        if arr.ndim == 1 and not allow_1d and arr.shape[0] == n:
            fix = " For one vector, wrap it in a list: [x]."
        elif arr.ndim == 3 and arr.shape[1] * arr.shape[2] == n:
            fix = " It looks like a stack of images: flatten them with x.reshape(len(x), -1)."
        elif arr.ndim == 2 and arr.shape[0] * arr.shape[1] == n:
            fix = " It looks like one image: flatten it with x.reshape(-1)."
        elif arr.ndim >= 1 and arr.shape[-1] != n:
            fix = (f" {owner} has {layer}={n}: give vectors of that length, or build a model with "
                   f"{layer}={arr.shape[-1]}.")
        raise ValueError(f"{what} must have shape {expected}; got shape {arr.shape}.{fix}")
    X = np.array(arr.reshape(1, -1) if was_1d else arr, order="C")  # always a copy: the caller may write it
    finite = np.isfinite(X)
    if not finite.all():
        bad = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(f"{what} contains NaN or inf (first at index {bad}). Replace missing values first, "
                         f"e.g. with np.nan_to_num.")
    if unit_interval and (X.min() < 0.0 or X.max() > 1.0):
        lo, hi = float(X.min()), float(X.max())
        if np.isin(np.unique(X), [-1.0, 1.0]).all():
            fix = "The values look like -1/+1 patterns: convert them with (x + 1) / 2."
        elif lo >= 0:
            fix = f"Scale them first, e.g. x / {hi:g}, or binarize them, e.g. (x > {hi / 2:g})."
        else:
            fix = "Binarize them first, e.g. (x > threshold).astype(float)."
        raise ValueError(f"{what} must hold values in [0, 1] (binary units, or their probabilities); got values "
                         f"from {lo:g} to {hi:g}. {fix}")
    return X, was_1d


def binary_data(data, n, *, what, owner, layer):
    """``as_units`` for data whose probability is asked: every value must be exactly 0 or 1."""
    X, was_1d = as_units(data, n, what=what, owner=owner, layer=layer, unit_interval=True)
    if not np.isin(X, (0.0, 1.0)).all():
        raise ValueError(f"{what} must be binary (every value 0 or 1) to have a probability; got values such "
                         f"as {np.unique(X[(X != 0) & (X != 1)])[:3].tolist()}. Binarize it first, e.g. "
                         f"(x > 0.5).astype(float).")
    return X, was_1d


def enumeration_error(owner, method, n, layer):
    """The error for an exact sum over 2**n states with n above the limit."""
    return ValueError(
        f"{owner}.{method} sums over the 2**n states of {layer}, which hebbmem does for n <= "
        f"{MAX_ENUMERATED_UNITS}; here n = {n} (2**{n} states). Use at most {MAX_ENUMERATED_UNITS} units there "
        f"to measure exact likelihoods, or compare larger models by another measure (free energy, "
        f"reconstruction error).")


def own_array(value, shape, name, owner):
    """``value`` as a float64 C-contiguous array of ``shape`` that the model owns (a copy if needed), finite."""
    try:
        arr = np.array(value, dtype=np.float64, order="C")
    except (TypeError, ValueError):
        raise TypeError(f"{owner}.{name} must be a real array of shape {shape}; got {type(value).__name__}.") from None
    if arr.shape != tuple(shape):
        raise ValueError(f"{owner}.{name} must have shape {tuple(shape)}; got {arr.shape}. Assign an array of "
                         f"that shape, or build a new model.")
    if not np.isfinite(arr).all():
        raise ValueError(f"{owner}.{name} contains NaN or inf: the parameters have diverged or were set by "
                         f"hand. Use a smaller learning_rate, or build a new model.")
    return arr


def check_layer_sizes(num_visible, num_hidden, owner, n_matrices=1):
    """Refuse weight matrices that would not fit in memory, before anything is allocated."""
    need = 8 * num_visible * num_hidden * n_matrices
    check_bytes_fit(need, f"{owner}({num_visible}, {num_hidden})'s weights",
                    "Use fewer visible or hidden units.")


class Parameter:
    """A model array that is checked and copied when assigned: ``model.W = X`` never keeps the caller's ``X``.

    ``shape`` names the model attributes that give its shape, e.g.
    ``("num_hidden", "num_visible")``. Editing the array in place
    (``model.W[0] = ...``) changes the model's own copy.
    """

    def __init__(self, *shape):
        self.shape = shape

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return obj.__dict__[self.name]

    def __set__(self, obj, value):
        shape = tuple(getattr(obj, s) for s in self.shape)
        obj.__dict__[self.name] = own_array(value, shape, self.name, type(obj).__name__)
