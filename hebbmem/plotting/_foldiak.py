"""Sparse-coding figures: Földiák's feed-forward weights as images, its lateral weights, and output correlations.

See :mod:`hebbmem.plotting` for the conventions (``ax=None`` creates the
Axes; nothing is shown or saved; no input is modified). The functions take a
:class:`hebbmem.FoldiakLayer` or its arrays (this module imports no family).
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

__all__ = ["plot_feedforward_weights", "plot_lateral_weights", "plot_output_correlations"]


def _array(obj, attr, what, ndim):
    value = getattr(obj, attr, obj)
    try:
        arr = np.array(value, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a FoldiakLayer or a numeric array; got {type(obj).__name__}.") from None
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{what} must be a non-empty {ndim}-D array; got shape {arr.shape}.")
    return arr


def _unit_axes(ax, n, order, xlabel, ylabel):
    """Integer ticks; with ``order``, each row and column labelled with its unit's index."""
    if order is not None and n <= 32:
        labels = [str(int(u)) for u in order]
        ax.set_xticks(range(n), labels=labels, fontsize=7)
        ax.set_yticks(range(n), labels=labels, fontsize=7)
    else:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def plot_feedforward_weights(layer, shape=None, fig=None, *, ncols=None, order=None, titles=None, title=None,
                             cmap="gray_r"):
    """Draw each unit's feed-forward weights (a row of ``Q``) as an image: what the unit has learned to detect.

    Parameters
    ----------
    layer : FoldiakLayer or array-like of shape (n_units, n_inputs)
        The layer (its ``Q`` is drawn) or the weights themselves. Not modified.
    shape : tuple of (int, int), optional
        Image shape with ``h * w == n_inputs``; default square (8 x 8 for the bars problem).
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into; a new one when None.
    ncols : int, optional
        Panels per row (default: up to 8).
    order : sequence of int, optional
        Which units to draw, in which order (e.g. sorted by the bar they
        code); default all, in order.
    titles : list of str, optional
        One per panel (default ``"unit i"``).
    title : str, optional
        Over the whole grid.
    cmap : str, default="gray_r"
        Every panel shares one scale from 0 to the largest weight (the
        Hebbian rule keeps weights in [0, 1] for inputs in [0, 1]): dark is strong.

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``fig.axes[k]`` is the k-th panel.
    """
    Q = _array(layer, "Q", "layer", 2)
    n, m = Q.shape
    units = list(range(n)) if order is None else [int(i) for i in order]
    if any(not 0 <= i < n for i in units) or not units:
        raise ValueError(f"order must list unit indices in [0, {n}); got {list(order)}.")
    if shape is None:
        side = math.isqrt(m)
        shape = (side, side) if side * side == m else (1, m)
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or shape[0] * shape[1] != m:
        raise ValueError(f"shape {shape} does not fit {m} inputs per unit: h * w must equal {m}.")
    if titles is not None and len(titles) != len(units):
        raise ValueError(f"titles has {len(titles)} entries for {len(units)} panels; give one per panel.")
    ncols = min(len(units), 8) if ncols is None else int(ncols)
    nrows = math.ceil(len(units) / ncols)
    if fig is None:
        fig = plt.figure(figsize=(1.3 * ncols, 1.45 * nrows), layout="constrained")
    vmin, vmax = min(0.0, float(Q.min())), max(float(Q.max()), 1e-12)
    for k, i in enumerate(units):
        ax = fig.add_subplot(nrows, ncols, k + 1)
        ax.imshow(Q[i].reshape(shape), cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(titles[k] if titles is not None else f"unit {i}", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig


def plot_lateral_weights(layer, ax=None, *, order=None, title="lateral weights W", colorbar=True):
    """Draw the lateral (anti-Hebbian) weights ``W`` as a matrix; the diagonal (no self-connection) is grey.

    Parameters
    ----------
    layer : FoldiakLayer or array-like of shape (n_units, n_units)
    ax : matplotlib.axes.Axes, optional
    order : sequence of int, optional
        A permutation of the units for rows and columns (labelled with the
        units' indices).
    title : str, optional
    colorbar : bool, default=True

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    W = _array(layer, "W", "layer", 2)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square (units x units); got shape {W.shape}.")
    if order is not None:
        order = np.asarray(order, dtype=int)
        if sorted(order.tolist()) != list(range(W.shape[0])):
            raise ValueError(f"order must be a permutation of the {W.shape[0]} units.")
        W = W[np.ix_(order, order)]
    shown = np.ma.masked_array(W, mask=np.eye(W.shape[0], dtype=bool))
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6), layout="constrained")
    low = min(float(W.min()), -1e-12)
    cmap = plt.get_cmap("Blues_r").with_extremes(bad="0.8")  # the diagonal: grey, not the white of a zero weight
    image = ax.imshow(shown, cmap=cmap, vmin=low, vmax=0.0, interpolation="nearest")
    _unit_axes(ax, W.shape[0], order, "from unit", "to unit")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="weight (inhibition < 0)")
    if title:
        ax.set_title(title)
    return ax


def plot_output_correlations(Y, ax=None, *, order=None, title="output correlations", colorbar=True):
    r"""Draw the correlation matrix of the units' outputs, with the mean :math:`|r|` off the diagonal in the title.

    Parameters
    ----------
    Y : array-like of shape (n_inputs, n_units)
        Outputs, one row per input (e.g. ``trainer.predict_batch(X)``).
    ax : matplotlib.axes.Axes, optional
    order : sequence of int, optional
        The units to show, in this order (labelled with their indices).
    title : str, optional
        Followed by the mean absolute correlation between units.
    colorbar : bool, default=True

    Returns
    -------
    ax : matplotlib.axes.Axes
        Units that never change (no correlation defined) are blank.
    """
    Y = np.array(Y, dtype=float, copy=True)
    if Y.ndim != 2 or Y.shape[0] < 2 or Y.shape[1] < 2:
        raise ValueError(f"Y must have one row per input and one column per unit (at least 2 of each); "
                         f"got shape {Y.shape}.")
    if order is not None:
        Y = Y[:, np.asarray(order, dtype=int)]
    Yc = Y - Y.mean(axis=0)
    norms = np.sqrt((Yc * Yc).sum(axis=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        Z = Yc / norms
        R = Z.T @ Z
    dead = norms == 0
    R[dead, :] = np.nan
    R[:, dead] = np.nan
    off = ~np.eye(R.shape[0], dtype=bool)
    mean_abs = float(np.nanmean(np.abs(R[off]))) if np.isfinite(R[off]).any() else float("nan")
    if ax is None:
        _, ax = plt.subplots(figsize=(4.2, 3.6), layout="constrained")
    image = ax.imshow(np.ma.masked_invalid(R), cmap="RdBu_r", vmin=-1.0, vmax=1.0, interpolation="nearest")
    _unit_axes(ax, R.shape[0], order, "unit", "unit")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="correlation r")
    ax.set_title(f"{title}\nmean |r| off the diagonal = {mean_abs:.3f}" if title else
                 f"mean |r| = {mean_abs:.3f}", fontsize=10)
    return ax
