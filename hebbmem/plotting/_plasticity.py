"""Plasticity figures: receptive fields, tuning curves, spike rasters, the STDP window, weight evolution.

See :mod:`hebbmem.plotting` for the conventions (``ax=None`` creates the
Axes; nothing is shown or saved; no input is modified).
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

__all__ = ["plot_receptive_fields", "plot_tuning_curves", "plot_spike_raster", "plot_stdp_window",
           "plot_weight_evolution"]


def _new_axes(ax):
    if ax is None:  # constrained layout: labels and outside legends stay inside the saved figure
        _, ax = plt.subplots(layout="constrained")
    return ax


def _matrix(data, what, ndim=2):
    try:
        arr = np.array(data, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a numeric array; could not convert {type(data).__name__}.") from None
    if arr.ndim == ndim - 1:
        arr = arr[None]
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{what} must be a non-empty {ndim}-D array; got shape {arr.shape}.")
    return arr


def _vector(data, what):
    try:
        arr = np.array(data, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be numeric; could not convert {type(data).__name__}.") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{what} must be a non-empty 1-D array (one value per point); got shape {arr.shape}.")
    return arr


def plot_receptive_fields(W, shape=None, fig=None, *, ncols=None, cmap="RdBu_r", titles=None, title=None):
    """Draw each row of ``W`` (the weights into one neuron) as an image: its receptive field.

    Parameters
    ----------
    W : array-like of shape (n_neurons, n_inputs)
        For example ``LinearLayer.W`` after training. Not modified.
    shape : tuple of (int, int), optional
        Image shape with ``h * w == n_inputs``. Default: square if
        ``n_inputs`` is a square number, else one row per neuron (a strip).
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into; a new one when None.
    ncols : int, optional
        Panels per row (default: up to 4).
    cmap : str, default="RdBu_r"
        A diverging map; each panel is centred on 0 (blue < 0 < red).
    titles : list of str, optional
        One per neuron (default ``"neuron i"``).
    title : str, optional
        Over the whole grid.

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``fig.axes[i]`` is neuron ``i`` (colour bars are not added).
    """
    W = _matrix(W, "W")
    n, m = W.shape
    if shape is None:
        side = math.isqrt(m)
        shape = (side, side) if side * side == m else (1, m)
    shape = tuple(int(s) for s in shape)
    if len(shape) != 2 or shape[0] * shape[1] != m:
        raise ValueError(f"shape {shape} does not fit {m} inputs per neuron: h * w must equal {m}.")
    if titles is not None and len(titles) != n:
        raise ValueError(f"titles has {len(titles)} entries for {n} neurons; give one per neuron.")
    ncols = min(n, 4) if ncols is None else int(ncols)
    nrows = math.ceil(n / ncols)
    if fig is None:
        fig = plt.figure(figsize=(2.4 * ncols, 2.4 * nrows if shape[0] > 1 else 1.4 * nrows),
                         layout="constrained")
    for i in range(n):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        lim = float(np.abs(W[i]).max()) or 1.0
        ax.imshow(W[i].reshape(shape), cmap=cmap, vmin=-lim, vmax=lim, interpolation="nearest",
                  aspect="equal" if shape[0] > 1 else "auto")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(titles[i] if titles is not None else f"neuron {i}", fontsize=9)
    if title:
        fig.suptitle(title)
    return fig


def plot_tuning_curves(stimulus, responses, ax=None, *, labels=None, xlabel="stimulus", ylabel="response",
                       degrees=False, mark_preferred=True):
    """Draw each neuron's response against a stimulus parameter (e.g. orientation).

    Parameters
    ----------
    stimulus : array-like of shape (n_stimuli,)
        The parameter of each stimulus (radians if ``degrees`` converts them).
    responses : array-like of shape (n_stimuli, n_neurons)
        For example ``trainer.predict_batch(stimuli)``.
    ax : matplotlib.axes.Axes, optional
    labels : list of str, optional
        One per neuron (default ``"neuron i"``).
    xlabel, ylabel : str
    degrees : bool, default=False
        Show a stimulus in radians as degrees.
    mark_preferred : bool, default=True
        Mark each curve's maximum (the preferred stimulus) with a dot.

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    s = _vector(stimulus, "stimulus")
    R = _matrix(responses, "responses")
    if R.shape[0] != s.size and R.shape[1] == s.size:
        raise ValueError(f"responses has shape {R.shape}: expected (n_stimuli={s.size}, n_neurons); "
                         "transpose it with responses.T.")
    if R.shape[0] != s.size:
        raise ValueError(f"responses has {R.shape[0]} rows but there are {s.size} stimuli.")
    if labels is not None and len(labels) != R.shape[1]:
        raise ValueError(f"labels has {len(labels)} entries for {R.shape[1]} neurons.")
    x = np.degrees(s) if degrees else s
    ax = _new_axes(ax)
    for i in range(R.shape[1]):
        (line,) = ax.plot(x, R[:, i], marker="o", ms=3, label=labels[i] if labels else f"neuron {i}")
        if mark_preferred:
            k = int(np.argmax(R[:, i]))
            ax.plot(x[k], R[k, i], "o", ms=8, color=line.get_color(), alpha=0.4)
    ax.set_xlabel(xlabel + (" (degrees)" if degrees else ""))
    ax.set_ylabel(ylabel)
    ax.axhline(0.0, color="0.7", lw=0.6, zorder=0)
    if R.shape[1] <= 10:
        ax.legend(fontsize=8)
    return ax


def plot_spike_raster(spikes, ax=None, *, color="black", title=None, ylabel="neuron", groups=None):
    """Draw spikes as ticks: one row per neuron, time steps along x.

    Parameters
    ----------
    spikes : array-like of shape (n_steps, n_neurons)
        0/1 spikes, e.g. one input sequence or ``trainer.predict_batch(seq)``.
    ax : matplotlib.axes.Axes, optional
    color : str, default="black"
    title : str, optional
    ylabel : str, default="neuron"
    groups : list of int, optional
        Neuron indices before which a dashed separator line is drawn
        (e.g. ``[5, 10, 15]`` for groups of five inputs).

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    S = _matrix(spikes, "spikes")
    t, i = np.nonzero(S)
    ax = _new_axes(ax)
    ax.scatter(t, i, marker="|", s=60, color=color, linewidths=1.2)
    ax.set_xlim(-0.5, S.shape[0] - 0.5)
    ax.set_ylim(S.shape[1] - 0.5, -0.5)
    ax.set_xlabel("time step")
    ax.set_ylabel(ylabel)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    for g in groups or []:
        ax.axhline(g - 0.5, color="0.6", ls="--", lw=0.8)
    if title:
        ax.set_title(title)
    return ax


def plot_stdp_window(dt, dw, ax=None, *, theory=None, title="STDP window"):
    """Draw the weight change of a pre/post spike pair against their timing.

    Parameters
    ----------
    dt : array-like of int
        :math:`\\Delta t = t_{post} - t_{pre}` in steps.
    dw : array-like
        The measured weight change of each pair (e.g. from a pair protocol).
    ax : matplotlib.axes.Axes, optional
    theory : array-like, optional
        The expected change, e.g. ``hm.STDP(...).window(dt, trace_decay)``,
        drawn as a line under the measured points.
    title : str, optional

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    dt = _vector(dt, "dt")
    dw = _vector(dw, "dw")
    if dt.shape != dw.shape:
        raise ValueError(f"dt and dw must have the same length; got {dt.size} and {dw.size}.")
    ax = _new_axes(ax)
    if theory is not None:
        th = _vector(theory, "theory")
        if th.shape != dt.shape:
            raise ValueError(f"theory must have one value per dt ({dt.size}); got {th.size}.")
        ax.plot(dt, th, color="0.6", lw=2, label="A± · decay^|Δt| (theory)", zorder=1)
    ltp = dw > 0
    ax.scatter(dt[ltp], dw[ltp], color="tab:red", s=18, label="LTP (pre before post)", zorder=2)
    ax.scatter(dt[~ltp], dw[~ltp], color="tab:blue", s=18, label="LTD (post before pre)", zorder=2)
    ax.axhline(0.0, color="0.3", lw=0.6)
    ax.axvline(0.0, color="0.3", lw=0.6)
    ax.set_xlabel("Δt = t_post − t_pre (steps)")
    ax.set_ylabel("ΔW")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_weight_evolution(history, ax=None, *, groups=None, neuron=None, xlabel="epoch", ylabel=None):
    """Draw how weights change over training: one line per weight (or per group of inputs).

    Parameters
    ----------
    history : array-like of shape (n_epochs + 1, n_neurons, n_inputs)
        ``W`` before training and after each epoch, e.g.
        ``trainer.weight_history_`` after ``train(..., record_weights=True)``.
    ax : matplotlib.axes.Axes, optional
    groups : dict of str to list of int, optional
        Average the inputs of each group, e.g. ``{"early": range(5), "late": range(10, 15)}``.
    neuron : int, optional
        Only this output neuron (default: every neuron; with ``groups``, the
        mean over neurons).
    xlabel : str, default="epoch"
    ylabel : str, optional

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    H = _matrix(history, "history", ndim=3)
    if neuron is not None:
        if not 0 <= int(neuron) < H.shape[1]:
            raise ValueError(f"neuron must be in 0..{H.shape[1] - 1}; got {neuron}.")
        H = H[:, [int(neuron)]]
    x = np.arange(H.shape[0])
    ax = _new_axes(ax)
    if groups:
        for name, idx in groups.items():
            idx = list(idx)
            ax.plot(x, H[:, :, idx].mean(axis=(1, 2)), marker="o", ms=3, label=str(name))
        ax.legend(fontsize=8)
        ax.set_ylabel(ylabel or "mean weight of the group")
    elif H.shape[1] * H.shape[2] <= 200:
        for i in range(H.shape[1]):
            for j in range(H.shape[2]):
                ax.plot(x, H[:, i, j], lw=0.8, color=f"C{i % 10}", alpha=0.7)
        ax.set_ylabel(ylabel or "weight (colour: output neuron)")
    else:
        norms = np.linalg.norm(H, axis=2)
        for i in range(H.shape[1]):
            ax.plot(x, norms[:, i], marker="o", ms=3, label=f"neuron {i}")
        ax.legend(fontsize=8)
        ax.set_ylabel(ylabel or "‖W_i‖ (norm of each neuron's weights)")
    ax.set_xlabel(xlabel)
    return ax
