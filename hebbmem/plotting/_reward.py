"""Reward-learning figures: eligibility traces, rewards and weights over time (reward-modulated STDP).

See :mod:`hebbmem.plotting` for the conventions (``ax=None`` creates the
Axes; nothing is shown or saved; no input is modified). The histories come
from ``RewardModulatedSTDPTrainer.train(..., record=True)``.
"""

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["plot_eligibility", "plot_reward_learning"]


def _array(data, what, ndims):
    try:
        arr = np.array(data, dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a numeric array; could not convert {type(data).__name__}.") from None
    if arr.ndim not in ndims or arr.size == 0:
        raise ValueError(f"{what} must be a non-empty array with {' or '.join(map(str, ndims))} dimensions; "
                         f"got shape {arr.shape}.")
    return arr


def _one_neuron(history, what, neuron):
    """(n_steps, n_inputs): the synapses into ``neuron`` over time, from (n_steps, n_out, n_in) or (n_steps, n_in)."""
    H = _array(history, what, (2, 3))
    if H.ndim == 3:
        if not 0 <= int(neuron) < H.shape[1]:
            raise ValueError(f"neuron must be in 0..{H.shape[1] - 1}; got {neuron}.")
        H = H[:, int(neuron)]
    return H


def _groups(groups, n_inputs):
    if groups is None:
        if n_inputs > 10:
            return {"mean of all inputs": list(range(n_inputs))}
        return {f"input {j}": [j] for j in range(n_inputs)}
    out = {}
    for name, idx in groups.items():
        idx = [int(j) for j in idx]
        if not idx or min(idx) < 0 or max(idx) >= n_inputs:
            raise ValueError(f"group {name!r} must list input indices in 0..{n_inputs - 1}; got {idx}.")
        out[str(name)] = idx
    return out


def _steps(steps, n):
    if steps is None:
        return np.arange(n)
    idx = np.arange(n)[steps] if isinstance(steps, slice) else np.asarray(steps, dtype=int)
    if idx.ndim != 1 or idx.size == 0 or idx.min() < 0 or idx.max() >= n:
        raise ValueError(f"steps must select time steps in 0..{n - 1} (a slice or a range); got {steps!r}.")
    return idx


def _mark_rewards(ax, reward, idx, label=True):
    """Vertical lines at the steps with a reward (green: positive, red: negative)."""
    if reward is None:
        return
    for sign, colour, name in ((1, "tab:green", "reward"), (-1, "tab:red", "punishment")):
        hits = idx[np.sign(reward[idx]) == sign]
        for n, t in enumerate(hits):
            ax.axvline(t, color=colour, lw=1.0, alpha=0.6, zorder=0,
                       label=name if (label and n == 0) else None)


def _reward_vector(reward, n):
    if reward is None:
        return None
    r = _array(reward, "reward", (1,))
    if r.shape[0] != n:
        raise ValueError(f"reward must have one value per recorded step ({n}); got {r.shape[0]}.")
    return r


def plot_eligibility(eligibility, ax=None, *, reward=None, groups=None, neuron=0, steps=None, title=None):
    """Draw eligibility traces over time, with the steps where a reward came.

    Parameters
    ----------
    eligibility : array-like of shape (n_steps, n_outputs, n_inputs) or (n_steps, n_inputs)
        For example ``trainer.eligibility_history_`` after
        ``train(..., record=True)``. Not modified.
    ax : matplotlib.axes.Axes, optional
    reward : array-like of shape (n_steps,), optional
        For example ``trainer.rewards_``: a green line at every step with a
        positive reward (red: negative).
    groups : dict of str to list of int, optional
        Draw the mean trace of each group of inputs, e.g.
        ``{"A": range(10), "B": range(10, 20)}``. Default: every input when
        there are at most 10, else their mean.
    neuron : int, default=0
        The output neuron whose input synapses are drawn.
    steps : slice or array-like of int, optional
        The time steps to draw (default: all).
    title : str, optional

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    E = _one_neuron(eligibility, "eligibility", neuron)
    idx = _steps(steps, E.shape[0])
    r = _reward_vector(reward, E.shape[0])
    ax = ax if ax is not None else plt.subplots(figsize=(8, 3))[1]
    for n, (name, members) in enumerate(_groups(groups, E.shape[1]).items()):
        ax.plot(idx, E[idx][:, members].mean(axis=1), color=f"C{n % 10}", lw=1.2, label=name,
                drawstyle="steps-post")  # a value holds for its whole step
    _mark_rewards(ax, r, idx)
    ax.axhline(0.0, color="0.4", lw=0.6)
    ax.set_xlim(idx[0] - 0.5, idx[-1] + 0.5)
    ax.set_xlabel("time step")
    ax.set_ylabel("eligibility e")
    ax.legend(fontsize=8, loc="upper right")
    if title:
        ax.set_title(title)
    return ax


def plot_reward_learning(eligibility, weights, reward=None, inputs=None, fig=None, *, output_spikes=None,
                         groups=None, neuron=0, steps=None, title=None):
    """Draw a reward-modulated STDP run: input spikes, eligibility traces with the rewards, and the weights.

    Parameters
    ----------
    eligibility, weights : array-like of shape (n_steps, n_outputs, n_inputs)
        ``trainer.eligibility_history_`` and ``trainer.weight_history_``
        (after ``train(..., record=True)``). Not modified.
    reward : array-like of shape (n_steps,), optional
        ``trainer.rewards_``, marked as vertical lines on both lower panels.
    inputs : array-like of shape (n_steps, n_inputs), optional
        The input spikes: a raster on top, each group in its colour.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into; a new one when None.
    output_spikes : array-like of shape (n_steps, n_outputs), optional
        ``trainer.spikes_``: the neuron's spikes, drawn under the inputs (with ``inputs`` only).
    groups : dict of str to list of int, optional
        Inputs drawn together (their mean trace and mean weight, with the
        range of the group's weights shaded).
    neuron : int, default=0
    steps : slice or array-like of int, optional
        The time steps to draw (default: all).
    title : str, optional

    Returns
    -------
    fig : matplotlib.figure.Figure
        ``fig.axes`` are the raster (when ``inputs`` is given), the
        eligibility and the weights, top to bottom, sharing the time axis.
    """
    E = _one_neuron(eligibility, "eligibility", neuron)
    W = _one_neuron(weights, "weights", neuron)
    if W.shape != E.shape:
        raise ValueError(f"weights and eligibility must have the same shape; got {W.shape} and {E.shape}.")
    idx = _steps(steps, E.shape[0])
    r = _reward_vector(reward, E.shape[0])
    named = _groups(groups, E.shape[1])
    S = out = None
    if inputs is not None:
        S = _array(inputs, "inputs", (2,))
        if S.shape != E.shape:
            raise ValueError(f"inputs must have shape (n_steps, n_inputs) = {E.shape}; got {S.shape}.")
    if output_spikes is not None:
        out = _array(output_spikes, "output_spikes", (1, 2))
        out = out[:, int(neuron)] if out.ndim == 2 else out
        if out.shape[0] != E.shape[0]:
            raise ValueError(f"output_spikes must have one row per step ({E.shape[0]}); got {out.shape[0]}.")
    # everything is checked: now draw
    n_panels = 3 if S is not None else 2
    if fig is None:
        fig = plt.figure(figsize=(9, 2.2 * n_panels + 0.6), layout="constrained")
    ratios = [1.2, 1, 1] if S is not None else [1, 1]
    axes = fig.subplots(n_panels, 1, sharex=True, gridspec_kw={"height_ratios": ratios})
    if S is not None:
        ax = axes[0]
        colour = np.full(S.shape[1], "0.3", dtype=object)
        for n, members in enumerate(named.values()):
            if len(named) > 1 or groups is not None:
                colour[members] = f"C{n % 10}"
        t, j = np.nonzero(S[idx])
        ax.scatter(idx[t], j, marker="|", s=25, c=list(colour[j]), linewidths=1.0)
        rows = S.shape[1]
        if out is not None:
            fired = idx[out[idx] > 0]
            ax.scatter(fired, np.full(fired.size, rows + 0.5), marker="|", s=60, color="black", linewidths=1.4)
            ax.axhline(rows - 0.25, color="0.6", lw=0.6, ls="--")
            ax.set_yticks([0, rows - 1, rows + 0.5], ["0", str(rows - 1), "out"])
        ax.set_ylim(rows + 1.5 if out is not None else rows - 0.5, -0.5)
        _mark_rewards(ax, r, idx, label=False)
        ax.set_ylabel("input")
        ax.set_title("spikes" + (" (inputs; the neuron's on the 'out' row)" if out is not None else ""),
                     fontsize=9)
    plot_eligibility(E, ax=axes[-2], reward=r, groups=named, steps=idx)
    axes[-2].set_xlabel("")
    ax = axes[-1]
    for n, (name, members) in enumerate(named.items()):
        w = W[idx][:, members]
        ax.plot(idx, w.mean(axis=1), color=f"C{n % 10}", lw=1.5, label=name, drawstyle="steps-post")
        if len(members) > 1:
            ax.fill_between(idx, w.min(axis=1), w.max(axis=1), color=f"C{n % 10}", alpha=0.2, lw=0, step="post")
    _mark_rewards(ax, r, idx, label=False)
    ax.set_ylabel("weight W\n(mean; range shaded)")
    ax.set_xlabel("time step")
    ax.legend(fontsize=8, loc="upper left")
    if title:
        fig.suptitle(title)
    return fig
