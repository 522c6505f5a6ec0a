"""Hopfield recall figures: patterns, the stored/corrupted/recalled grid, and weights (see :mod:`hebbmem.plotting`)."""

import matplotlib.pyplot as plt
import numpy as np

from .._validation import as_pattern_matrix
from ..datasets import pattern_to_image
from ..hopfield.base import Network

__all__ = ["plot_pattern", "plot_recall", "plot_weights"]

# ------------------------------------------------------------------ helpers


def _new_axes(ax):
    if ax is None:  # constrained layout: labels and outside legends stay inside the saved figure
        _, ax = plt.subplots(layout="constrained")
    return ax


def _as_image(pattern, shape, what):
    """A 2-D image from a flat pattern (reshaped) or an image (returned as a copy)."""
    arr = np.asarray(pattern)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{what} must be a numeric array of +1/-1 values; got dtype {arr.dtype}.")
    if arr.ndim == 2 and shape is None:
        return np.array(arr, dtype=float)
    if arr.ndim != 1:
        raise ValueError(
            f"{what} must be one flat pattern of shape (N,) (or an image of shape (h, w)); got "
            f"shape {arr.shape}. To draw several patterns, call plot_pattern once per row "
            f"(e.g. plot_pattern(patterns[0])) or use plot_recall."
        )
    return pattern_to_image(arr.astype(float), shape)


_DISPLAY_SIDE = 512  # pixels a side: a 7-inch figure at 150 dpi shows about 330 per panel


def _for_display(images):
    """(n, h, w) images reduced by block means to at most 512 pixels a side (a figure cannot show more).

    Large pictures (``hebbmem demo --size 4096``) would otherwise make matplotlib
    hold several full-size float copies of every panel while drawing.
    """
    n, h, w = images.shape
    f = -(-max(h, w) // _DISPLAY_SIDE)
    if f <= 1:
        return images
    H, W = h // f * f, w // f * f  # the last h % f rows and w % f columns are left out
    return images[:, :H, :W].reshape(n, H // f, f, W // f, f).mean(axis=(2, 4))


def _accuracy_text(equal, n):
    """Percentage rounded DOWN to 0.1 %, so "100.0 %" only ever means a perfect match."""
    tenths = (int(equal) * 1000) // int(n)
    return f"{tenths // 10}.{tenths % 10} %"


def _frame(ax):
    """Turn an image Axes' frame back on as a thin grey border, without ticks."""
    ax.set_axis_on()
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_linewidth(0.6)
        spine.set_edgecolor("0.55")


def _float_copy(data, type_error):
    """``data`` as a fresh float array, or TypeError(type_error) if it is not numeric."""
    try:
        return np.array(data, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TypeError(type_error) from None


def _check_labels(labels, n, what):
    if isinstance(labels, str) or not hasattr(labels, "__len__"):
        raise TypeError(
            f"{what} must be a list of {n} strings, one per line; got {labels!r}. "
            f"For example {what}=[f'pattern {{k}}' for k in range({n})]."
        )
    labels = [str(lab) for lab in labels]
    if len(labels) != n:
        raise ValueError(f"{what} has {len(labels)} entries but there are {n} lines; give one label per line.")
    return labels


# ------------------------------------------------------------------ patterns


def plot_pattern(pattern, shape=None, ax=None, title=None, *, cmap="gray"):
    """Draw one +1/-1 pattern as a grey image: +1 white, -1 black.

    The colour scale is fixed to [-1, 1], so a uniform pattern is drawn in
    its true colour instead of being rescaled, and graded states in (-1, 1)
    appear as shades of grey.

    Parameters
    ----------
    pattern : array-like of shape (N,), or an image of shape (h, w)
        A flat pattern is reshaped with
        :func:`hebbmem.datasets.pattern_to_image`. Not modified.
    shape : tuple of (int, int), optional
        Image shape ``(h, w)`` with ``h * w == N``. Default: square.
    ax : matplotlib.axes.Axes, optional
        Where to draw. A new figure is created when None.
    title : str, optional
        Axes title.
    cmap : str or Colormap, default='gray'

    Returns
    -------
    ax : matplotlib.axes.Axes
        With one image (``ax.images[0]``) and the axis turned off.

    Raises
    ------
    ValueError
        If N is not a perfect square and ``shape`` is None, if ``h * w != N``,
        or if ``pattern`` has more than two dimensions.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np
    >>> from hebbmem.plotting import plot_pattern
    >>> checkerboard = np.array([1, -1, -1, 1])
    >>> ax = plot_pattern(checkerboard, title="2 x 2")
    >>> ax.images[0].get_array().tolist()
    [[1.0, -1.0], [-1.0, 1.0]]
    >>> plt.close(ax.figure)
    """
    img = _as_image(pattern, shape, "pattern")
    ax = _new_axes(ax)
    ax.imshow(img, cmap=cmap, vmin=-1.0, vmax=1.0, interpolation="nearest")
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return ax


def plot_recall(stored, corrupted, recalled, shape=None, fig=None,
                titles=("Stored", "Corrupted", "Recalled"), row_labels=None, title=None):
    """Draw the stored / corrupted / recalled grid, one row per pattern.

    This is the figure of both seed tutorials. Each corrupted and recalled
    panel says under its column title how many bits match the stored pattern
    of its row, e.g. ``"Corrupted\\n70.0 % of bits right"`` (30 % flipped)
    and ``"Recalled\\n99.9 % of bits right"`` (see
    :func:`hebbmem.analysis.recall_accuracy`). Percentages are rounded down,
    so 100.0 % means a perfect recall. Every panel has a thin grey frame, so
    white picture edges stay visible on a white page or slide. Pictures
    larger than 512 pixels a side are drawn as block averages (the figure
    has fewer pixels than that per panel); the percentages count every bit.

    Parameters
    ----------
    stored : array-like of shape (n, N) or (N,), or list of 1-D arrays
        The stored patterns. Not modified.
    corrupted : array-like of shape (n, N) or (N,), or list of 1-D arrays
        The probes given to the network, one per stored pattern.
    recalled : array-like of shape (n, N) or (N,), or list of 1-D arrays
        What the network recalled from each probe, e.g.
        ``trainer.predict_batch(corrupted)``.
    shape : tuple of (int, int), optional
        Image shape ``(h, w)`` with ``h * w == N``. Default: square.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into. A new one is created when None.
    titles : tuple of 3 str, default=("Stored", "Corrupted", "Recalled")
        Column titles; the accuracies are appended to the last two.
    row_labels : list of n str, optional
        Shown to the left of each row, e.g. ``["camera", "astronaut", ...]``.
    title : str, optional
        A title over the whole grid (``fig.suptitle``), e.g. the rule, the
        noise and N: ``"Hebbian rule, 30 % of bits flipped, N = 16,384"``.

    Returns
    -------
    fig : matplotlib.figure.Figure
        With ``3 n`` Axes in row-major order: ``fig.axes[3 * i + j]`` is
        row ``i``, column ``j``.

    Raises
    ------
    ValueError
        If the three inputs have different numbers of patterns or pattern
        lengths, or ``titles`` / ``row_labels`` have the wrong length.

    See Also
    --------
    plot_pattern : one panel of this grid.
    hebbmem.analysis.recall_accuracy : the numbers in the titles.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np
    >>> from hebbmem.plotting import plot_recall
    >>> stored = np.array([[1, 1, -1, -1], [1, -1, 1, -1]])
    >>> noisy = stored * np.array([1, 1, 1, -1])      # last bit flipped
    >>> fig = plot_recall(stored, noisy, stored)
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['Stored', 'Corrupted\\n75.0 % of bits right', 'Recalled\\n100.0 % of bits right']
    >>> plt.close(fig)
    """
    names = ("stored", "corrupted", "recalled")
    mats = []
    for name, data in zip(names, (stored, corrupted, recalled)):  # read only: no copies of large inputs
        mats.append(as_pattern_matrix(data, what=name, bipolar=False, dtype=None, copy=False)[0])
    counts = [m.shape[0] for m in mats]
    if len(set(counts)) > 1:
        raise ValueError(
            "plot_recall needs one corrupted and one recalled pattern per stored pattern; got "
            f"{counts[0]} stored, {counts[1]} corrupted and {counts[2]} recalled. Pass lists of "
            "the same length (row i of each is drawn in row i of the grid)."
        )
    lengths = [m.shape[1] for m in mats]
    if len(set(lengths)) > 1:
        raise ValueError(
            "plot_recall: stored, corrupted and recalled patterns must have the same length N; got "
            f"N={lengths[0]}, {lengths[1]} and {lengths[2]}. Flatten them the same way "
            "(x.reshape(len(x), -1))."
        )
    if isinstance(titles, str) or not hasattr(titles, "__len__") or len(titles) != 3:
        raise ValueError(
            f"titles must be 3 strings, one per column (stored, corrupted, recalled); got {titles!r}."
        )
    n, N = counts[0], lengths[0]
    if row_labels is not None:
        row_labels = _check_labels(row_labels, n, "row_labels")
    # Check the shape once, before drawing anything.
    images = [_for_display(pattern_to_image(m, shape)) for m in mats]
    S, C, R = mats

    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string (a title over the whole grid); got {title!r}.")
    if fig is None:
        fig = plt.figure(figsize=(7.0, 2.5 * n + (0.5 if title else 0.2)), layout="constrained")
    axes = fig.subplots(n, 3, squeeze=False)
    for i in range(n):
        acc_c = _accuracy_text(np.count_nonzero(C[i] == S[i]), N)
        acc_r = _accuracy_text(np.count_nonzero(R[i] == S[i]), N)
        panel_titles = (titles[0], f"{titles[1]}\n{acc_c} of bits right", f"{titles[2]}\n{acc_r} of bits right")
        for j in range(3):
            plot_pattern(images[j][i], ax=axes[i, j], title=panel_titles[j])
            _frame(axes[i, j])
        if row_labels is not None:
            axes[i, 0].set_ylabel(row_labels[i])
    if title is not None:
        fig.suptitle(title)
    return fig


# ------------------------------------------------------------------- weights


def plot_weights(W, ax=None, title=None, cmap="RdBu_r", colorbar=True):
    """Draw a weight matrix as a heatmap on a diverging scale centred on 0.

    The colour limits are symmetric, ``[-max|W|, +max|W|]``, so 0 is always
    the middle (white) colour of the diverging map: with the default
    ``"RdBu_r"``, excitatory weights are red and inhibitory ones blue. A
    Hebbian and an anti-Hebbian matrix drawn side by side are then exact
    colour negatives of each other.

    Parameters
    ----------
    W : array-like of shape (N, N), or a trained network
        The weights, e.g. ``model.W``. A network is replaced by its ``W``.
        Not modified.
    ax : matplotlib.axes.Axes, optional
        Where to draw. A new figure is created when None.
    title : str, optional
    cmap : str or Colormap, default='RdBu_r'
        Use a diverging colormap, so that the sign of each weight shows.
    colorbar : bool, default=True
        Add a colour bar next to the Axes.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.images[0]`` is the heatmap. Row ``i`` (y axis) holds the weights
        ``W[i, j]`` of the inputs to neuron ``i``.

    Raises
    ------
    ValueError
        If ``W`` is not 2-D, is empty, or contains NaN or inf.
    TypeError
        If ``W`` is not numeric.

    Notes
    -----
    Large matrices are drawn as they are: ``model.W`` of a 128 x 128 picture
    network has 16384 x 16384 entries (1 GiB); plot a block such as
    ``model.W[:1024, :1024]`` instead.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np, hebbmem as hm
    >>> from hebbmem.plotting import plot_weights
    >>> W = hm.Hebbian().weights([[1, 1, -1, -1], [1, -1, 1, -1]])
    >>> ax = plot_weights(W, title="Hebbian")
    >>> ax.images[0].get_clim()
    (-1.0, 1.0)
    >>> plt.close(ax.figure)
    """
    if isinstance(W, Network):
        W = W.W
    elif isinstance(getattr(W, "model", None), Network):
        raise TypeError(
            "plot_weights needs a weight matrix or a network; got a trainer. Pass its network's "
            "weights, plot_weights(trainer.model.W)."
        )
    arr = _float_copy(W, f"W must be a numeric 2-D array such as model.W; got {type(W).__name__}.")
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(
            f"W must be a non-empty 2-D weight matrix of shape (N, N), e.g. model.W; got shape "
            f"{arr.shape}." + (" To draw a pattern, use plot_pattern." if arr.ndim == 1 else "")
        )
    if not np.isfinite(arr).all():
        raise ValueError("W contains NaN or inf; every weight must be finite to be drawn.")
    vmax = float(np.abs(arr).max())
    if vmax == 0.0:
        vmax = 1.0  # all-zero weights: any symmetric scale shows them as 0
    ax = _new_axes(ax)
    im = ax.imshow(arr, cmap=cmap, vmin=-vmax, vmax=vmax, interpolation="nearest")
    ax.set_xlabel("neuron j")
    ax.set_ylabel("neuron i")
    if title is not None:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(im, ax=ax, label="weight $W_{ij}$")
    return ax
