"""Self-organising map figures: the U-matrix, component planes, the prototypes as images, and a label map.

See :mod:`hebbmem.plotting` for the conventions (``ax=None`` creates the
Axes; nothing is shown or saved; no input is modified). Every function takes
a :class:`hebbmem.SelfOrganizingMap` (or the array it would read from it),
and draws unit ``(i, j)`` at row ``i``, column ``j`` of the picture.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap

__all__ = ["plot_umatrix", "plot_component_plane", "plot_component_planes", "plot_som_prototypes",
           "plot_label_map"]


def _new_axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax


def _weights(som):
    """The map's weights (rows, cols, n) as a float array copy, from a SelfOrganizingMap or an array."""
    W = getattr(som, "W", som)
    try:
        W = np.array(W, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TypeError(f"expected a hebbmem.SelfOrganizingMap or its weights, an array of shape (rows, cols, "
                        f"n_inputs); got {type(som).__name__}.") from None
    if W.ndim != 3 or W.size == 0:
        raise ValueError(f"a SOM's weights have shape (rows, cols, n_inputs); got shape {W.shape}.")
    return W


def _grid_ticks(ax, rows, cols):
    ax.set_xticks(range(cols) if cols <= 20 else range(0, cols, 5))
    ax.set_yticks(range(rows) if rows <= 20 else range(0, rows, 5))
    ax.set_xlabel("column j")
    ax.set_ylabel("row i")


def plot_umatrix(som, ax=None, *, scaling="sum", cmap="bone_r", colorbar=True, title="U-matrix", vmin=None,
                 vmax=None):
    """Draw the U-matrix: dark cells are far from their neighbours (borders between clusters).

    Parameters
    ----------
    som : SelfOrganizingMap, or array-like of shape (rows, cols)
        A map (its :meth:`~hebbmem.SelfOrganizingMap.distance_map` is drawn)
        or a U-matrix already computed.
    ax : matplotlib.axes.Axes, optional
    scaling : {"sum", "mean"}, default="sum"
        Passed to ``distance_map``.
    cmap : str, default="bone_r"
        Light for small distances (inside a cluster), dark for large ones (a border).
    colorbar : bool, default=True
    title : str or None, default="U-matrix"
    vmin, vmax : float, optional
        The ends of the colour scale; default the smallest and largest value
        drawn (the U-matrix's own range, for contrast), as MiniSom's examples.

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    if hasattr(som, "distance_map"):
        U = som.distance_map(scaling=scaling)
    else:
        try:
            U = np.array(som, dtype=float, copy=True)
        except (TypeError, ValueError):
            raise TypeError(f"plot_umatrix takes a SelfOrganizingMap or a 2-D U-matrix; got "
                            f"{type(som).__name__}.") from None
        if U.ndim != 2 or U.size == 0:
            raise ValueError(f"a U-matrix has shape (rows, cols); got shape {U.shape}.")
    ax = _new_axes(ax)
    image = ax.imshow(U, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    _grid_ticks(ax, *U.shape)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="distance to neighbours (normalised)")
    if title:
        ax.set_title(title)
    return ax


def plot_component_plane(som, component, ax=None, *, cmap="coolwarm", colorbar=True, title=None):
    """Draw one component plane: weight ``component`` of every unit, on the grid.

    Parameters
    ----------
    som : SelfOrganizingMap, or array-like of shape (rows, cols, n_inputs)
    component : int
        Which input (0 <= component < n_inputs).
    ax : matplotlib.axes.Axes, optional
    cmap : str, default="coolwarm"
    colorbar : bool, default=True
    title : str, optional
        Default ``"input k"``.

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    W = _weights(som)
    n = W.shape[2]
    if isinstance(component, (bool, np.bool_)) or not isinstance(component, (int, np.integer)) \
            or not 0 <= component < n:
        raise ValueError(f"component must be an int from 0 to {n - 1} (the map has {n} inputs); got {component!r}.")
    ax = _new_axes(ax)
    image = ax.imshow(W[:, :, int(component)], cmap=cmap, interpolation="nearest")
    _grid_ticks(ax, W.shape[0], W.shape[1])
    if colorbar:
        ax.figure.colorbar(image, ax=ax)
    ax.set_title(f"input {component}" if title is None else title)
    return ax


def plot_component_planes(som, components=None, fig=None, *, names=None, ncols=None, cmap="coolwarm"):
    """Draw several component planes side by side, one panel per input.

    Parameters
    ----------
    som : SelfOrganizingMap, or array-like of shape (rows, cols, n_inputs)
    components : sequence of int, optional
        The inputs to draw; default all of them, if there are at most 36.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into; a new one when None.
    names : sequence of str, optional
        One title per drawn component (e.g. feature names).
    ncols : int, optional
        Panels per row (default: up to 4).
    cmap : str, default="coolwarm"

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``fig.axes[k]`` is the k-th drawn component (colour bars are not added).
    """
    W = _weights(som)
    n = W.shape[2]
    if components is None:
        if n > 36:
            raise ValueError(f"the map has {n} inputs, too many panels for one figure: choose some with "
                             "components=[...], or draw its prototypes as images with plot_som_prototypes.")
        components = range(n)
    components = list(components)
    if not components:
        raise ValueError("components is empty: give at least one input index.")
    if names is not None and len(names) != len(components):
        raise ValueError(f"names has {len(names)} entries for {len(components)} components; give one per component.")
    ncols = min(4, len(components)) if ncols is None else int(ncols)
    if ncols < 1:
        raise ValueError(f"ncols must be >= 1; got {ncols}.")
    nrows = math.ceil(len(components) / ncols)
    if fig is None:
        fig = plt.figure(figsize=(2.6 * ncols, 2.4 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        if k >= len(components):
            ax.remove()
            continue
        plot_component_plane(W, components[k], ax, cmap=cmap, colorbar=False,
                             title=None if names is None else str(names[k]))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
    return fig


def plot_som_prototypes(som, shape, ax=None, *, cmap="gray_r", title="prototypes"):
    """Draw every unit's prototype as a small image, at its place on the grid (e.g. MNIST digits).

    Parameters
    ----------
    som : SelfOrganizingMap, or array-like of shape (rows, cols, n_inputs)
    shape : tuple of (int, int)
        Image shape with ``h * w == n_inputs``, e.g. (28, 28).
    ax : matplotlib.axes.Axes, optional
    cmap : str, default="gray_r"
        Each prototype is scaled to its own range (ink dark).
    title : str or None, default="prototypes"

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    W = _weights(som)
    rows, cols, n = W.shape
    h, w = (int(s) for s in shape)
    if h * w != n:
        raise ValueError(f"shape {tuple(shape)} does not fit {n} inputs per unit: h * w must equal {n}.")
    low, high = W.min(axis=2, keepdims=True), W.max(axis=2, keepdims=True)
    scaled = (W - low) / np.where(high > low, high - low, 1.0)
    mosaic = np.full((rows * (h + 1) + 1, cols * (w + 1) + 1), np.nan)
    for i in range(rows):
        for j in range(cols):
            mosaic[1 + i * (h + 1):1 + i * (h + 1) + h, 1 + j * (w + 1):1 + j * (w + 1) + w] = \
                scaled[i, j].reshape(h, w)
    ax = _new_axes(ax)
    ax.imshow(np.ma.masked_invalid(mosaic), cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    ax.set_facecolor("white")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return ax


def plot_label_map(label_map, ax=None, *, names=None, cmap="tab10", title="most frequent label per unit"):
    """Colour each unit by the most frequent label among the inputs it wins, and write the label on it.

    Parameters
    ----------
    label_map : array-like of shape (rows, cols), int
        From :meth:`hebbmem.SelfOrganizingMap.label_map`: a label >= 0 per
        unit, -1 for units that win no input (drawn white).
    ax : matplotlib.axes.Axes, optional
    names : sequence of str, optional
        Text for label k (default: the number).
    cmap : str, default="tab10"
    title : str or None

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    try:
        L = np.array(label_map, copy=True)
    except (TypeError, ValueError):
        raise TypeError(f"label_map must be an integer array; got {type(label_map).__name__}.") from None
    if L.ndim != 2 or L.size == 0 or L.dtype.kind not in "iu" or (L.size and L.min() < -1):
        raise ValueError(f"label_map must be a 2-D array of ints >= -1 (som.label_map(data, labels)); got "
                         f"shape {L.shape} and dtype {L.dtype}.")
    n_labels = max(1, int(L.max()) + 1)
    if names is not None and len(names) < n_labels:
        raise ValueError(f"names has {len(names)} entries; the labels go up to {n_labels - 1}.")
    base = plt.get_cmap(cmap)
    colours = ListedColormap(["white"] + [base(k % base.N) for k in range(n_labels)])
    ax = _new_axes(ax)
    ax.imshow(L + 1, cmap=colours, norm=BoundaryNorm(np.arange(n_labels + 2) - 0.5, n_labels + 1),
              interpolation="nearest")
    size = max(5, min(12, int(220 / max(L.shape))))
    for (i, j), k in np.ndenumerate(L):
        if k >= 0:
            ax.text(j, i, str(names[k]) if names is not None else str(k), ha="center", va="center",
                    fontsize=size, color="black")
    _grid_ticks(ax, *L.shape)
    if title:
        ax.set_title(title)
    return ax
