"""canns' tuning-curve plot and its configuration objects (``PlotConfig``, ``PlotConfigs``), as canns' programs call them.

canns' BCM example plots its neurons' orientation tuning with
``tuning_curve(stimulus, firing_rates, neuron_indices, config=PlotConfigs.tuning_curve(...))``;
its mechanical port reaches these through canns' path
:mod:`hebbmem.analyzer.visualization`. Unlike the rest of
:mod:`hebbmem.plotting`, :func:`tuning_curve` follows canns: it makes its
own figure, saves it when the configuration has a ``save_path``, shows it
when ``show`` is true (a no-op on a headless backend) and returns
``(fig, ax)``. For new code, :func:`hebbmem.plotting.plot_tuning_curves`
draws the responses themselves into any Axes.
"""

import numbers
from collections.abc import Iterable
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["PlotConfig", "PlotConfigs", "tuning_curve"]


@dataclass
class PlotConfig:
    """Titles, size, saving and showing options of one static plot (canns' ``PlotConfig``, static fields).

    Parameters
    ----------
    title, xlabel, ylabel : str, default=""
    figsize : tuple of two numbers, default=(10, 6)
    grid, show_legend : bool
        Kept for canns compatibility.
    save_path : str or os.PathLike, optional
        Save the figure there (``save_dpi``, ``save_bbox_inches``,
        ``save_format`` and ``savefig_kwargs`` are passed to ``savefig``).
    show : bool, default=True
        Call ``plt.show()``; with False the figure is closed after saving.
    color, clabel : str
        Kept for canns compatibility.
    kwargs : dict, optional
        Passed to every ``ax.plot`` call (e.g. ``{"linewidth": 2, "marker": "o"}``).
    savefig_kwargs : dict, optional
    rasterized : bool, optional
        Added to ``kwargs`` when set.
    save_dpi : int, default=300
    save_bbox_inches : str or None, default="tight"
    save_format : str, optional
    verbose : bool, default=False
    num_bins : int, optional
        Stimulus bins of :func:`tuning_curve` (set by :meth:`PlotConfigs.tuning_curve`).
    pref_stim : array-like, optional
        Preferred stimulus per neuron, shown in the legend of :func:`tuning_curve`.

    Examples
    --------
    >>> from hebbmem.analyzer.visualization import PlotConfig
    >>> PlotConfig(title="Demo", kwargs=None).kwargs
    {}
    """

    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    figsize: tuple = (10, 6)
    grid: bool = False
    save_path: object = None
    show: bool = True
    show_legend: bool = True
    color: str = "black"
    clabel: str = "Value"
    kwargs: dict = field(default=None)
    savefig_kwargs: dict = None
    rasterized: bool = None
    save_dpi: int = 300
    save_bbox_inches: str = "tight"
    save_format: str = None
    verbose: bool = False
    num_bins: int = None
    pref_stim: object = None

    def __post_init__(self):
        if self.kwargs is None:
            self.kwargs = {}
        if not isinstance(self.kwargs, dict):
            raise TypeError(f"The 'kwargs' parameter of PlotConfig must be a dict of plot options, e.g. "
                            f"{{'linewidth': 2}}. Got {type(self.kwargs).__name__} instead.")

    def to_matplotlib_kwargs(self):
        """The keyword arguments for ``ax.plot``: ``kwargs``, plus ``rasterized`` when set."""
        out = dict(self.kwargs)
        if self.rasterized is not None:
            out.setdefault("rasterized", self.rasterized)
        return out

    def to_savefig_kwargs(self):
        """The keyword arguments for ``fig.savefig``."""
        out = dict(self.savefig_kwargs or {})
        out.setdefault("dpi", self.save_dpi)
        if self.save_bbox_inches is not None:
            out.setdefault("bbox_inches", self.save_bbox_inches)
        if self.save_format is not None:
            out.setdefault("format", self.save_format)
        return out


class PlotConfigs:
    """Ready-made :class:`PlotConfig` objects, one factory per plot (canns' ``PlotConfigs``; only ``tuning_curve``)."""

    @staticmethod
    def tuning_curve(num_bins=50, pref_stim=None, **kwargs):
        """The configuration of :func:`tuning_curve`.

        Parameters
        ----------
        num_bins : int, default=50
            Equal-width stimulus bins the responses are averaged over.
        pref_stim : array-like, optional
            Preferred stimulus per neuron, for the legend.
        **kwargs
            :class:`PlotConfig` fields; defaults: title "Tuning Curve",
            xlabel "Stimulus Value", ylabel "Average Firing Rate", figsize (10, 6).

        Returns
        -------
        PlotConfig
        """
        options = {"title": "Tuning Curve", "xlabel": "Stimulus Value", "ylabel": "Average Firing Rate",
                   "figsize": (10, 6)}
        options.update(kwargs)
        return PlotConfig(num_bins=num_bins, pref_stim=pref_stim, **options)


def _binned_means(stimulus, values, num_bins):
    """Mean of ``values`` in ``num_bins`` equal-width bins over [min, max] of ``stimulus`` (last bin closed).

    Returns the bin centres and the means (NaN for an empty bin). A constant
    stimulus gets the range [s - 0.5, s + 0.5], as ``np.histogram`` does.
    """
    lo, hi = float(stimulus.min()), float(stimulus.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, num_bins + 1)
    idx = np.clip(np.searchsorted(edges, stimulus, side="right") - 1, 0, num_bins - 1)
    counts = np.bincount(idx, minlength=num_bins)
    sums = np.bincount(idx, weights=values, minlength=num_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return (edges[:-1] + edges[1:]) / 2, means


def tuning_curve(stimulus, firing_rates, neuron_indices, config=None, *, pref_stim=None, num_bins=50,
                 title="Tuning Curve", xlabel="Stimulus Value", ylabel="Average Firing Rate", figsize=(10, 6),
                 save_path=None, show=True, ax=None, **kwargs):
    """Plot each chosen neuron's mean response in stimulus bins (canns' ``tuning_curve``).

    Parameters
    ----------
    stimulus : array-like of shape (n,)
        The stimulus value of each sample (e.g. an orientation in radians).
    firing_rates : array-like of shape (n, n_neurons)
        The responses, e.g. ``[trainer.predict(s) for s in stimuli]``.
    neuron_indices : int or iterable of int
        The neurons (columns) to draw, one curve each, labelled ``"Neuron i"``.
    config : PlotConfig, optional
        From :meth:`PlotConfigs.tuning_curve`; without it, one is built from
        the keyword arguments below (which are then ignored).
    pref_stim, num_bins, title, xlabel, ylabel, figsize, save_path, show
        As in :meth:`PlotConfigs.tuning_curve` and :class:`PlotConfig`.
    ax : matplotlib.axes.Axes, optional
        Draw there instead of a new figure (which is then never closed here).
    **kwargs
        Extra ``ax.plot`` options (merged into the configuration's ``kwargs``).

    Returns
    -------
    fig, ax : matplotlib.figure.Figure, matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.analyzer.visualization import PlotConfigs, tuning_curve
    >>> angles = np.linspace(0, np.pi, 8, endpoint=False)
    >>> rates = np.stack([np.cos(angles) ** 2, np.sin(angles) ** 2], axis=1)
    >>> fig, ax = tuning_curve(angles, rates, [0, 1], PlotConfigs.tuning_curve(num_bins=8, show=False))
    >>> [line.get_label() for line in ax.get_lines()]
    ['Neuron 0', 'Neuron 1']
    """
    if config is None:
        config = PlotConfigs.tuning_curve(num_bins=num_bins, pref_stim=pref_stim, title=title, xlabel=xlabel,
                                          ylabel=ylabel, figsize=figsize, save_path=save_path, show=show)
    elif not isinstance(config, PlotConfig):
        raise TypeError("The 'config' parameter of tuning_curve must be a PlotConfig, e.g. "
                        f"PlotConfigs.tuning_curve(num_bins=16). Got {type(config).__name__} instead.")
    bins = config.num_bins if config.num_bins is not None else num_bins
    if isinstance(bins, bool) or not isinstance(bins, numbers.Integral) or bins < 1:
        raise ValueError(f"num_bins must be a positive int (the number of stimulus bins); got {bins!r}.")
    prefs = config.pref_stim if config.pref_stim is not None else pref_stim
    s = np.asarray(stimulus, dtype=np.float64)
    R = np.asarray(firing_rates, dtype=np.float64)
    if s.ndim != 1:
        raise ValueError(f"stimulus must be 1-D (one value per sample); got shape {s.shape}.")
    if R.ndim != 2:
        raise ValueError(f"firing_rates must be 2-D, shape (n_samples, n_neurons); got shape {R.shape}.")
    if R.shape[0] != s.shape[0]:
        raise ValueError(f"stimulus has {s.shape[0]} samples but firing_rates has {R.shape[0]} rows: they must "
                         "match (one row of responses per stimulus value).")
    if s.size == 0:
        raise ValueError("stimulus is empty: give at least one sample.")
    if isinstance(neuron_indices, numbers.Integral):
        neuron_indices = [neuron_indices]
    elif not isinstance(neuron_indices, Iterable):
        raise TypeError("neuron_indices must be an int or an iterable of ints (e.g. np.arange(4)); got "
                        f"{type(neuron_indices).__name__}.")
    neurons = [int(i) for i in neuron_indices]
    bad = [i for i in neurons if not -R.shape[1] <= i < R.shape[1]]
    if bad:
        raise ValueError(f"neuron_indices {bad} are out of range: firing_rates has {R.shape[1]} neurons.")
    plot_kwargs = config.to_matplotlib_kwargs()
    plot_kwargs.update(kwargs)
    own_figure = ax is None
    if own_figure:
        fig, ax = plt.subplots(figsize=config.figsize)
    else:
        fig = ax.figure
    for i in neurons:
        centres, means = _binned_means(s, R[:, i], bins)
        label = f"Neuron {i}"
        if prefs is not None and i < len(prefs):
            label += f" (pref_stim={float(prefs[i]):.2f})"
        ax.plot(centres, means, label=label, **plot_kwargs)
    ax.set_title(config.title, fontsize=16)
    ax.set_xlabel(config.xlabel, fontsize=12)
    ax.set_ylabel(config.ylabel, fontsize=12)
    ax.legend()
    ax.grid(True, linestyle="--", alpha=0.6)
    fig.tight_layout()
    if config.save_path:
        fig.savefig(config.save_path, **config.to_savefig_kwargs())
    if config.show:
        plt.show()
    elif own_figure:
        plt.close(fig)
    return fig, ax
