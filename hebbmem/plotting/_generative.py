"""Figures of the generative models: a grid of samples (or reconstructions, or probabilities) as images.

The filters of a restricted Boltzmann machine (rows of ``W``) and the
generative fields of a Helmholtz machine (columns of ``W_gen``) are drawn
with :func:`~hebbmem.plotting.plot_receptive_fields`. See
:mod:`hebbmem.plotting` for the conventions (nothing is shown or saved; no
input is modified).
"""

import math

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_samples"]


def plot_samples(samples, shape=None, fig=None, *, ncols=None, titles=None, title=None, cmap="gray"):
    """Draw each row of ``samples`` (values in [0, 1]) as an image on one fixed scale: 0 black, 1 white.

    Parameters
    ----------
    samples : array-like of shape (n_samples, n_units)
        Binary samples, reconstructions or probabilities, e.g. the output of
        ``ContrastiveDivergenceTrainer.predict_batch`` or
        ``HelmholtzMachine.sample``. Not modified.
    shape : tuple of (int, int), optional
        Image shape with ``h * w == n_units``. Default: square if
        ``n_units`` is a square number, else one strip per sample.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into; a new one when None.
    ncols : int, optional
        Images per row (default: up to 10).
    titles : list of str, optional
        One per sample (default: none).
    title : str, optional
        Over the whole grid.

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``fig.axes[i]`` shows sample ``i``.
    """
    try:
        S = np.array(samples, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TypeError(f"samples must be a numeric array; could not convert {type(samples).__name__}.") from None
    if S.ndim == 1:
        S = S[None]
    if S.ndim != 2 or S.size == 0:
        raise ValueError(f"samples must be a non-empty 2-D array (one row per sample); got shape {S.shape}. "
                         "Flatten a stack of images with x.reshape(len(x), -1).")
    if not np.isfinite(S).all() or S.min() < 0 or S.max() > 1:
        raise ValueError("samples must hold finite values in [0, 1] (binary units or their probabilities); got "
                         f"values from {np.nanmin(S):g} to {np.nanmax(S):g}.")
    n, m = S.shape
    if shape is None:
        side = math.isqrt(m)
        shape = (side, side) if side * side == m else (1, m)
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or shape[0] * shape[1] != m:
        raise ValueError(f"shape {shape} does not fit {m} units per sample: h * w must equal {m}.")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles has {len(titles)} entries for {n} samples; give one per sample.")
    ncols = min(n, 10) if ncols is None else int(ncols)
    nrows = math.ceil(n / ncols)
    if fig is None:
        height = 1.2 * nrows if shape[0] > 1 else 0.5 * nrows
        fig = plt.figure(figsize=(1.2 * ncols, height + (0.4 if title or titles else 0.0)), layout="constrained")
    for i in range(n):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        ax.imshow(S[i].reshape(shape), cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest",
                  aspect="equal" if shape[0] > 1 else "auto")
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[i], fontsize=8)
    if title:
        fig.suptitle(title)
    return fig
