"""Hopfield recall traces: the energy and the overlaps of a recall, iteration by iteration (see :mod:`hebbmem.plotting`)."""

import numbers

import numpy as np
from matplotlib.ticker import MaxNLocator

from ..hopfield.result import RecallResult
from ._recall import _check_labels, _float_copy, _new_axes

__all__ = ["plot_energy", "plot_overlaps"]

_MAX_DEFAULT_LEGEND = 10  # automatic legends only for this many lines or fewer


def _probe_indices(probes, n):
    if probes is None:
        return list(range(n))
    if isinstance(probes, numbers.Integral) and not isinstance(probes, bool):
        probes = [probes]
    try:
        idx = [int(k) for k in probes if isinstance(k, numbers.Integral) and not isinstance(k, bool)]
        ok = len(idx) == len(probes)
    except TypeError:
        ok = False
    if not ok:
        raise TypeError(
            f"probes must be an int or a list of ints (probe indices); got {probes!r}. "
            f"For example probes=[0, 2]."
        )
    bad = [k for k in idx if not 0 <= k < n]
    if bad:
        raise ValueError(f"probes {bad} are out of range: the result has {n} probe(s), indices 0 to {n - 1}.")
    return idx


def _line_labels(label, n_lines, default, what):
    """One label per line: explicit list, prefix string, or default names (None = unlabelled)."""
    if label is None:
        return default
    if isinstance(label, str):
        if n_lines == 1:
            return [label]
        return [f"{label} ({d})" if d else label for d in (default or [""] * n_lines)]
    return _check_labels(label, n_lines, what)


def _legend_if_labelled(ax, explicit, n_lines):
    if explicit or 1 < n_lines <= _MAX_DEFAULT_LEGEND:
        handles, _ = ax.get_legend_handles_labels()
        if handles:
            ax.legend()


def plot_energy(result, ax=None, probes=None, label=None, *, xlabel=None):
    """Draw the energy of each probe against the iteration (sync) or sweep (async).

    Asynchronous dynamics never raise the energy, so their curves only go
    down; synchronous curves usually do too, but may flatten into a 2-cycle.

    Parameters
    ----------
    result : RecallResult, or array-like of shape (T + 1,)
        From ``trainer.predict(..., return_info=True)``,
        ``trainer.predict_batch(..., return_info=True)`` or
        ``model.recall(..., return_info=True)``; each probe ``k`` is drawn
        with ``result.energy_trace(k)``. A plain 1-D array of energies is
        drawn as one line.
    ax : matplotlib.axes.Axes, optional
        Where to draw. A new figure is created when None. Draw twice into the
        same Axes to compare, e.g., sync with async recall.
    probes : int or list of int, optional
        Which probes of ``result`` to draw. Default: all of them.
    label : str or list of str, optional
        Legend labels: a list gives one label per line; a string labels a
        single line, or prefixes the default ``"probe k"`` names. By default
        a result's lines are named ``"probe k"`` and an array is unlabelled.
        The legend is drawn when labels were given, or for 2 to 10 probes.
    xlabel : str, optional
        Default: ``"iteration"`` for synchronous results and plain arrays,
        ``"sweep"`` for asynchronous results; an x label the Axes already
        has is kept unless ``xlabel`` is given.

    Returns
    -------
    ax : matplotlib.axes.Axes
        With one ``Line2D`` per probe (``ax.lines``), whose y data is the
        energy trace and x data 0, 1, ..., ``n_iter[k]``.

    Raises
    ------
    ValueError
        If the result has no energies, if an array has the wrong shape (a
        recalled *state* instead of energies), or if a probe index is out of
        range.
    TypeError
        If ``result`` is neither a RecallResult nor numeric.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np, hebbmem as hm
    >>> from hebbmem.plotting import plot_energy
    >>> X = np.array([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]])
    >>> trainer = hm.HebbianTrainer(hm.HopfieldNetwork(8)).train(X)
    >>> probes = X * np.array([-1, -1, 1, 1, 1, 1, 1, 1])     # 2 bits flipped
    >>> result = trainer.predict_batch(probes, return_info=True)
    >>> ax = plot_energy(result)
    >>> len(ax.lines), ax.get_xlabel(), ax.get_ylabel()
    (2, 'iteration', 'energy')
    >>> plt.close(ax.figure)
    """
    explicit = label is not None
    if isinstance(result, RecallResult):
        if result.energy is None:
            raise ValueError(
                "This RecallResult has no energies: they are recorded only when recalling with "
                "return_info=True, e.g. result = trainer.predict_batch(noisy, return_info=True)."
            )
        idx = _probe_indices(probes, len(result))
        traces = [result.energy_trace(k) for k in idx]
        default = [f"probe {k}" for k in idx]
        x_default = "sweep" if result.mode == "async" else "iteration"
    else:
        if probes is not None:
            raise ValueError("probes selects probes of a RecallResult; it cannot be used with an array of energies.")
        trace = _float_copy(result, "plot_energy needs a RecallResult (recall with return_info=True) "
                                    f"or a 1-D array of energies; got {type(result).__name__}.")
        fix = (" It looks like recalled states, not energies: recall with return_info=True and pass "
               "the result, e.g. plot_energy(trainer.predict_batch(noisy, return_info=True)).")
        if trace.ndim != 1 or trace.size == 0:
            raise ValueError(
                f"plot_energy needs a RecallResult or a 1-D array of energies (one per iteration); "
                f"got an array of shape {trace.shape}." + (fix if trace.ndim == 2 else "")
            )
        if trace.size >= 16 and np.isin(trace, (-1.0, 1.0)).all():
            raise ValueError(
                f"plot_energy got a 1-D array of {trace.size} values that are all -1 or +1." + fix
            )
        traces = [trace]
        default = None
        x_default = "iteration"

    labels = _line_labels(label, len(traces), default, "label")
    ax = _new_axes(ax)
    for k, trace in enumerate(traces):
        kw = {} if labels is None else {"label": labels[k]}
        ax.plot(np.arange(trace.size), trace, marker="o", markersize=3, **kw)
    if xlabel is not None or not ax.get_xlabel():  # keep the label of an Axes drawn into before
        ax.set_xlabel(x_default if xlabel is None else xlabel)
    ax.set_ylabel("energy")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _legend_if_labelled(ax, explicit, len(traces))
    return ax


# ------------------------------------------------------------------ overlaps


def plot_overlaps(overlaps, ax=None, labels=None, *, xlabel="iteration"):
    """Draw the overlap with every stored pattern against the iteration.

    One line per stored pattern, from the array of
    :func:`hebbmem.analysis.overlap_trajectory`. A probe that is recalled
    correctly ends with one line at +1 (or at -1 for the reversed pattern)
    and the others near 0; a spurious mixture state ends with several lines
    at intermediate values.

    Parameters
    ----------
    overlaps : array-like of shape (T + 1, P), or (T + 1,) for one pattern
        ``overlaps[t, mu]`` is the overlap of the state after ``t`` updates
        with pattern ``mu``. Not modified.
    ax : matplotlib.axes.Axes, optional
        Where to draw. A new figure is created when None.
    labels : list of P str, optional
        Line labels, e.g. ``["digit 0", "digit 1", "digit 2"]``. Default:
        ``"pattern 0"``, ``"pattern 1"``, ... The legend is drawn when
        labels are given, or for up to 10 patterns.
    xlabel : str, default='iteration'
        Use ``"sweep"`` for an asynchronous network.

    Returns
    -------
    ax : matplotlib.axes.Axes
        ``ax.lines[:P]`` are the overlap lines (y data = the columns of
        ``overlaps``); the dashed line at 0 comes after them. The y range is
        [-1.05, 1.05].

    Raises
    ------
    ValueError
        If ``overlaps`` is not 1-D or 2-D, is empty, contains NaN, or looks
        like a trajectory of states rather than overlaps.

    See Also
    --------
    hebbmem.analysis.overlap_trajectory : computes ``overlaps``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np
    >>> from hebbmem.plotting import plot_overlaps
    >>> m = np.array([[0.5, 0.0], [0.75, 0.25], [1.0, 0.0]])
    >>> ax = plot_overlaps(m, labels=["digit 0", "digit 1"])
    >>> [line.get_label() for line in ax.lines[:2]]
    ['digit 0', 'digit 1']
    >>> plt.close(ax.figure)
    """
    m = _float_copy(overlaps, "overlaps must be a numeric array of shape (T + 1, P), e.g. from "
                              f"hebbmem.analysis.overlap_trajectory; got {type(overlaps).__name__}.")
    if m.ndim == 1:
        m = m[:, None]
    if m.ndim != 2 or m.size == 0:
        raise ValueError(
            "overlaps must have shape (T + 1, P): one row per iteration, one column per stored "
            f"pattern (from hebbmem.analysis.overlap_trajectory); got shape {np.shape(overlaps)}."
        )
    if not np.isfinite(m).all():
        raise ValueError("overlaps contains NaN or inf; expected finite values between -1 and 1.")
    if m.shape[1] > 20 and np.isin(m, (-1.0, 1.0)).all():
        raise ValueError(
            f"overlaps has {m.shape[1]} columns of +1/-1 values: it looks like a trajectory of states, "
            "not overlaps. Compute the overlaps first: "
            "hebbmem.analysis.overlap_trajectory(model, probe, patterns)."
        )
    P = m.shape[1]
    explicit = labels is not None
    names = _check_labels(labels, P, "labels") if explicit else [f"pattern {k}" for k in range(P)]
    ax = _new_axes(ax)
    t = np.arange(m.shape[0])
    for k in range(P):
        ax.plot(t, m[:, k], marker="o", markersize=3, label=names[k])
    ax.axhline(0.0, color="0.5", linestyle="--", linewidth=0.8, zorder=0)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("overlap $m$")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _legend_if_labelled(ax, explicit, P)
    return ax
