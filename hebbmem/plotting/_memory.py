"""Memory-science figures: overlap matrices, state sequences, capacity, bit errors and basins."""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from .._validation import as_pattern_matrix
from ..datasets import pattern_to_image

__all__ = ["plot_overlap_matrix", "plot_state_sequence", "plot_capacity", "plot_bit_error",
           "plot_basins"]


def _new_axes(ax):
    if ax is None:  # constrained layout: labels and outside legends stay inside the saved figure
        _, ax = plt.subplots(layout="constrained")
    return ax


def plot_overlap_matrix(patterns, ax=None, labels=None, *, annotate=None, cmap="RdBu_r", colorbar=True):
    r"""Draw the matrix of pairwise overlaps :math:`m^{\mu\nu} = x^\mu \cdot x^\nu / N`.

    Stored patterns that overlap strongly (off-diagonal entries far from 0)
    interfere: they are what makes Hebbian recall fail on correlated data.

    Parameters
    ----------
    patterns : array-like of shape (P, N)
        Not modified.
    ax : matplotlib.axes.Axes, optional
    labels : list of str, optional
        One tick label per pattern (e.g. the letters).
    annotate : bool, optional
        Write the value in each cell; default: when P <= 12.
    cmap : str, default='RdBu_r'
        Diverging colour map, fixed to [-1, 1].
    colorbar : bool, default=True

    Returns
    -------
    ax : matplotlib.axes.Axes
        With the matrix as ``ax.images[0]``.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from hebbmem.patterns import letters
    >>> from hebbmem.plotting import plot_overlap_matrix
    >>> ax = plot_overlap_matrix(letters("ABC"), labels=list("ABC"))
    >>> ax.images[0].get_array().shape
    (3, 3)
    >>> plt.close(ax.figure)
    """
    X, _ = as_pattern_matrix(patterns, what="patterns", bipolar=False)
    P, N = X.shape
    M = X @ X.T / N
    ax = _new_axes(ax)
    im = ax.imshow(M, cmap=cmap, vmin=-1.0, vmax=1.0, interpolation="nearest")
    ticks = np.arange(P)
    if labels is not None:
        labels = [str(lab) for lab in labels]
        if len(labels) != P:
            raise ValueError(f"labels has {len(labels)} entries for {P} patterns; give one per pattern.")
        ax.set_xticks(ticks, labels)
        ax.set_yticks(ticks, labels)
    if annotate is None:
        annotate = P <= 12
    if annotate:
        for i in range(P):
            for j in range(P):
                ax.text(j, i, f"{M[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if abs(M[i, j]) > 0.6 else "black")
    ax.set_title("overlaps $x^\\mu \\cdot x^\\nu / N$")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    return ax


def plot_state_sequence(states, patterns=None, shape=None, fig=None, *, steps=None, labels=None):
    """Draw a sequence of states as images, with their overlaps with the patterns below.

    Parameters
    ----------
    states : array-like of shape (T + 1, N)
        E.g. from :func:`hebbmem.analysis.monitored_run` or
        :func:`hebbmem.analysis.trajectory`. Not modified.
    patterns : array-like of shape (P, N), optional
        If given, a lower panel shows the overlap of every state with each pattern.
    shape : (h, w), optional
        Image shape; default square.
    fig : matplotlib.figure.Figure, optional
    steps : list of int, optional
        Which steps to draw as images; default: up to 8 evenly spaced, first and last included.
    labels : list of str, optional
        Legend labels of the overlap lines.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Image Axes first, then (with ``patterns``) the overlap Axes.

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np
    >>> from hebbmem.plotting import plot_state_sequence
    >>> S = np.array([[1, -1, 1, -1], [1, 1, 1, -1], [1, 1, 1, 1]])
    >>> fig = plot_state_sequence(S, patterns=np.ones((1, 4)))
    >>> len(fig.axes)
    4
    >>> plt.close(fig)
    """
    S, _ = as_pattern_matrix(states, what="states", bipolar=False)
    T = S.shape[0]
    if steps is None:
        steps = sorted(set(np.linspace(0, T - 1, min(T, 8)).round().astype(int).tolist()))
    steps = [int(t) for t in steps]
    if any(t < 0 or t >= T for t in steps):
        raise ValueError(f"steps must lie in 0..{T - 1}; got {steps}.")
    if fig is None:
        fig = plt.figure(figsize=(1.4 * max(len(steps), 3), 4.2 if patterns is not None else 1.8))
    rows = 2 if patterns is not None else 1
    grid = fig.add_gridspec(rows, len(steps), height_ratios=[1, 1.3] if rows == 2 else [1])
    for k, t in enumerate(steps):
        ax = fig.add_subplot(grid[0, k])
        ax.imshow(pattern_to_image(S[t], shape), cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        ax.set_axis_off()
        ax.set_title(f"step {t}", fontsize=9)
    if patterns is not None:
        X, _ = as_pattern_matrix(patterns, what="patterns", n_neurons=S.shape[1], bipolar=False)
        m = S @ X.T / S.shape[1]
        ax = fig.add_subplot(grid[1, :])
        names = labels if labels is not None else [f"pattern {k}" for k in range(X.shape[0])]
        for k in range(X.shape[0]):
            ax.plot(np.arange(T), m[:, k], marker="." if T < 40 else None, label=names[k])
        ax.set_xlabel("step")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("overlap m")
        ax.set_ylim(-1.05, 1.05)
        ax.axhline(0, color="0.8", lw=0.8, zorder=0)
        if X.shape[0] <= 10:
            ax.legend(fontsize=8, loc="best")
    return fig


# (exact-recall marker, overlap marker, marker size, line width) of the 1st, 2nd, ... curve in one Axes
_CURVE_STYLES = (("o", "s", 7, 1.5), ("^", "v", 9, 3.5), ("x", "+", 7, 1.2), ("D", "d", 5, 2.5), ("P", "*", 6, 1.0))


def plot_capacity(curve, ax=None, theory=True):
    r"""Draw a capacity curve: exact recall and final overlap against the load P/N.

    Parameters
    ----------
    curve : CapacityCurve
        From :func:`hebbmem.analysis.capacity_curve`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when None. Draw several curves (rules)
        into one Axes to compare them: each call adds two lines. The legend
        sits to the right of the Axes (use ``fig.savefig(...,
        bbox_inches="tight")`` or ``fig.tight_layout()`` to keep it in the picture).
    theory : bool, default=True
        Also draw the Hebbian theory: the retrieval overlap :math:`m(\alpha)`
        of Amit, Gutfreund and Sompolinsky, which ends at
        :math:`\alpha_c = 0.138` (beyond it there is no retrieval state),
        and the probability that one update from a stored pattern flips no
        bit, :math:`(1 - p_{err})^N`. Drawn once per Axes. Each curve drawn
        into the same Axes gets its own markers, smaller on top.

    Returns
    -------
    ax : matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, hebbmem as hm
    >>> from hebbmem.analysis import capacity_curve
    >>> from hebbmem.plotting import plot_capacity
    >>> curve = capacity_curve(hm.Hebbian(), 100, [0.05, 0.1, 0.2], trials=10, seed=0)
    >>> ax = plot_capacity(curve)
    >>> len(ax.lines) >= 2
    True
    >>> plt.close(ax.figure)
    """
    from ..analysis._capacity import ALPHA_C, theory_bit_error, theory_overlap

    for name in ("loads", "fraction_exact", "mean_overlap", "num_neurons"):
        if not hasattr(curve, name):
            raise TypeError(f"plot_capacity needs a CapacityCurve from hebbmem.analysis.capacity_curve; "
                            f"got {type(curve).__name__}.")
    ax = _new_axes(ax)
    rule = type(curve.rule).__name__ if getattr(curve, "rule", None) is not None else "measured"
    # Each curve drawn into these Axes gets its own markers, and later ones are drawn smaller on top,
    # so that rules whose curves coincide (Storkey and PseudoInverse at 1.0) both stay visible.
    k = getattr(ax, "_hebbmem_curves", 0)
    ax._hebbmem_curves = k + 1
    exact_marker, overlap_marker, size, width = _CURVE_STYLES[k % len(_CURVE_STYLES)]
    line, = ax.plot(curve.loads, curve.fraction_exact, marker=exact_marker, ls="-", ms=size, lw=width,
                    label=f"{rule}: exact recall")
    ax.plot(curve.loads, curve.mean_overlap, marker=overlap_marker, ls="--", ms=size, lw=width,
            color=line.get_color(), alpha=0.7, label=f"{rule}: final overlap")
    if theory and not getattr(ax, "_hebbmem_theory", False):
        lo = max(1e-3, 0.5 * float(np.min(curve.loads)))
        a = np.linspace(lo, float(np.max(curve.loads)) * 1.05, 300)
        # m(alpha) exists up to alpha_c and not beyond: the curve ends there (a dot), it does not drop to 0
        below = np.linspace(lo, ALPHA_C, 300) if lo < ALPHA_C else np.array([])
        if below.size:
            m = theory_overlap(below)
            below, m = below[m > 0], m[m > 0]
            ax.plot(below, m, color="k", lw=1.2, label="theory: overlap m(α) (AGS), none beyond α_c")
            ax.plot(below[-1:], m[-1:], "o", color="k", ms=4)
        n = curve.num_neurons
        ax.plot(a, (1.0 - theory_bit_error(a)) ** n, color="k", ls=":", lw=1.2,
                label=f"theory: one update flips no bit, N={n}")
        ax.axvline(ALPHA_C, color="0.6", ls="-.", lw=1, label="α_c = 0.138")
        ax._hebbmem_theory = True
    ax.set_xlabel("load α = P / N")
    ax.set_ylabel("fraction / overlap")
    ax.set_ylim(-0.05, 1.05)
    title = f"capacity, N = {curve.num_neurons}"
    if getattr(curve, "noise", 0):
        title += f", {100 * curve.noise:.0f} % noise"
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return ax


def plot_bit_error(curve, ax=None, theory=True):
    r"""Draw the per-bit error of one update from a stored pattern against the load, on a log scale.

    Parameters
    ----------
    curve : CapacityCurve
    ax : matplotlib.axes.Axes, optional
    theory : bool, default=True
        Draw :math:`\tfrac12\operatorname{erfc}\sqrt{N/2P}` (the Hebbian law).

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    from ..analysis._capacity import theory_bit_error

    ax = _new_axes(ax)
    rule = type(curve.rule).__name__
    err = np.asarray(curve.bit_error, dtype=float)
    sem = np.nan_to_num(np.asarray(curve.bit_error_sem, dtype=float))
    shown = err > 0
    ax.errorbar(curve.loads[shown], err[shown], yerr=sem[shown], fmt="o", capsize=3,
                label=f"{rule}, measured (N={curve.num_neurons})")
    if theory and not getattr(ax, "_hebbmem_bit_theory", False):
        a = np.linspace(max(1e-3, float(np.min(curve.loads))), float(np.max(curve.loads)), 300)
        ax.plot(a, theory_bit_error(a), "k-", lw=1.2, label=r"$\frac{1}{2}\,\mathrm{erfc}\sqrt{N/2P}$")
        ax._hebbmem_bit_theory = True
    ax.set_yscale("log")
    ax.set_xlabel("load α = P / N")
    ax.set_ylabel("bits flipped by one update")
    ax.legend(fontsize=8)
    return ax


def plot_basins(profile, ax=None, label=None):
    """Draw a basin profile: exact recall and final overlap against the fraction of flipped bits.

    A dotted vertical line marks the basin radius (where exact recall falls
    to 1/2); the legend names it with its value.

    Parameters
    ----------
    profile : BasinProfile
        From :func:`hebbmem.analysis.basin_profile`.
    ax : matplotlib.axes.Axes, optional
    label : str, optional
        Prefix of the legend entries (e.g. the rule's name).

    Returns
    -------
    ax : matplotlib.axes.Axes
    """
    ax = _new_axes(ax)
    name = f"{label}: " if label else ""
    line, = ax.plot(profile.flip_fractions, profile.p_exact, "o-", label=f"{name}P(exact recall)")
    ax.plot(profile.flip_fractions, profile.mean_overlap, "s--", color=line.get_color(), alpha=0.7,
            label=f"{name}final overlap")
    ax.axvline(profile.radius, color=line.get_color(), ls=":", lw=1.2,
               label=f"{name}basin radius {profile.radius:.3f}")
    ax.set_xlabel("fraction of bits flipped in the probe")
    ax.set_ylabel("probability / overlap")
    ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
    return ax
