"""The recall explorer's figure: state, energy and overlaps of a RecallSession (see :mod:`hebbmem.widgets`)."""

import io
import sys
import warnings

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

__all__ = ["plot_recall_session"]

_TARGET_COLOR = "tab:red"
_OTHER_COLOR = "0.6"
_MAX_LEGEND = 10  # name every overlap line only for this many patterns or fewer


_SESSION_ATTRIBUTES = ("patterns", "state", "index", "shape", "energies", "overlaps", "n_steps", "status",
                       "step_unit", "rule", "accuracy")


def _check_session(session):
    # Checked by what is drawn, not by class: hebbmem.widgets imports this module, never the reverse.
    missing = [name for name in _SESSION_ATTRIBUTES if not hasattr(session, name)]
    if missing:
        raise TypeError(
            f"plot_recall_session draws a hebbmem.widgets.RecallSession; got {type(session).__name__} "
            f"(it has no {', '.join(missing)}). Create one with RecallSession(trainer, patterns)."
        )


class _Panels:
    """The three Axes and their artists, built once and then updated in place."""

    def __init__(self, fig, session):
        self.fig = fig
        self.session = session
        grid = fig.add_gridspec(2, 2, width_ratios=(1, 1.35), wspace=0.42, hspace=0.45)
        self.ax_state = fig.add_subplot(grid[:, 0])
        self.ax_energy = fig.add_subplot(grid[0, 1])
        self.ax_overlap = fig.add_subplot(grid[1, 1])

        s = session
        self.image = self.ax_state.imshow(s.state.reshape(s.shape), cmap="gray", vmin=-1.0, vmax=1.0,
                                          interpolation="nearest")
        self.ax_state.set_xticks([])
        self.ax_state.set_yticks([])
        for spine in self.ax_state.spines.values():
            spine.set_linewidth(0.8)
            spine.set_color("0.3")

        (self.energy_line,) = self.ax_energy.plot([], [], "o-", color="tab:blue", markersize=3)
        self.ax_energy.set_ylabel("energy")
        self.ax_energy.ticklabel_format(axis="y", style="plain", useOffset=False)  # no "1e6" above the axis

        n_patterns = s.patterns.shape[0]
        self.overlap_lines = [
            self.ax_overlap.plot([], [], "o-", markersize=2.5, label=f"pattern {k}")[0] for k in range(n_patterns)
        ]
        self.ax_overlap.set_ylim(-1.05, 1.05)
        self.ax_overlap.axhline(0.0, color="0.85", linewidth=0.8, zorder=0)
        self.ax_overlap.set_ylabel("overlap")
        for ax in (self.ax_energy, self.ax_overlap):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        self.update()

    def update(self):
        s = self.session
        steps = np.arange(s.n_steps + 1)
        xlabel = f"step ({s.step_unit})"

        self.image.set_data(s.state.reshape(s.shape))
        right = s.accuracy
        self.ax_state.set_title(f"state after {s.n_steps} step{'' if s.n_steps == 1 else 's'}\n"
                                f"{right:.1%} of bits match pattern {s.index}", fontsize=10)

        self.energy_line.set_data(steps, s.energies)
        self.ax_energy.set_title(f"energy ({s.rule} weights)", fontsize=10)

        m = s.overlaps
        for k, line in enumerate(self.overlap_lines):
            line.set_data(steps, m[:, k])
            target = k == s.index
            line.set_color(_TARGET_COLOR if target else _OTHER_COLOR)
            line.set_markersize(3.5 if target else 2.0)
            line.set_linewidth(2.2 if target else 1.0)
            line.set_zorder(3 if target else 2)
        self.ax_overlap.set_title(f"overlap with each stored pattern ({s.status})", fontsize=10)
        self.ax_overlap.set_xlabel(xlabel)
        legend = self.ax_overlap.get_legend()
        if legend is not None:
            legend.remove()
        if len(self.overlap_lines) <= _MAX_LEGEND:
            self.ax_overlap.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
        else:
            self.ax_overlap.legend([self.overlap_lines[s.index]], [f"pattern {s.index}"], fontsize=7,
                                   loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)

        for ax in (self.ax_energy, self.ax_overlap):
            ax.set_xlim(-0.25, max(s.n_steps, 1) + 0.25)
        e = s.energies
        pad = max(1e-3, 0.08 * float(e.max() - e.min()), 0.02 * float(np.abs(e).max()))
        self.ax_energy.set_ylim(float(e.min()) - pad, float(e.max()) + pad)

    def pixel_at(self, event):
        """Flat pixel index under a mouse event on the state image, or None."""
        if event.inaxes is not self.ax_state or event.xdata is None or event.ydata is None:
            return None
        h, w = self.session.shape
        row, col = int(round(event.ydata)), int(round(event.xdata))
        if 0 <= row < h and 0 <= col < w:
            return row * w + col
        return None


def plot_recall_session(session, fig=None):
    """Draw a recall session: the current state, the energy and the overlaps after every step.

    This is the figure of :class:`hebbmem.widgets.RecallExplorer`, as a
    static figure for scripts and reports.

    Parameters
    ----------
    session : hebbmem.widgets.RecallSession
        The session to draw. Not modified.
    fig : matplotlib.figure.Figure, optional
        An empty figure to draw into. A new one (9 x 4 inches) is created
        when None.

    Returns
    -------
    fig : matplotlib.figure.Figure
        With three Axes: the state as an image (``fig.axes[0].images[0]``,
        +1 white, -1 black), the energy of each state (``fig.axes[1]``, one
        line) and the overlap with each stored pattern (``fig.axes[2]``, one
        line per pattern; the pattern the probe came from in red).

    Examples
    --------
    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt, numpy as np, hebbmem as hm
    >>> from hebbmem.widgets import RecallSession
    >>> from hebbmem.plotting import plot_recall_session
    >>> X = np.where(np.random.default_rng(0).random((2, 64)) < 0.5, 1, -1)
    >>> session = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(64)), X, noise=0.2)
    >>> session.run()
    'converged'
    >>> fig = plot_recall_session(session)
    >>> [len(ax.lines) for ax in fig.axes]       # state, energy, overlaps (+ the zero line)
    [0, 1, 3]
    >>> plt.close(fig)
    """
    _check_session(session)
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(9, 4))
    _Panels(fig, session)
    return fig


def _ipympl_canvas_classes():
    """ipympl's canvas and manager classes, leaving the session's matplotlib backend as it was.

    The first ``import ipympl`` calls ``matplotlib.use(ipympl)`` when matplotlib
    is already imported. In a notebook that would turn every later figure into
    a widget and, once pyplot is loaded, drop the inline PNG display even if
    the backend is switched back. The explorer only wraps its own figure in an
    ipympl canvas, so ipympl is imported with matplotlib hidden for that moment.
    """
    if "ipympl" not in sys.modules:
        mpl = sys.modules.pop("matplotlib", None)
        try:
            import ipympl  # noqa: F401
        finally:
            if mpl is not None:
                sys.modules["matplotlib"] = mpl
    from ipympl.backend_nbagg import Canvas, FigureManager

    return Canvas, FigureManager


class RecallSessionView:
    """The explorer's live figure: an ipympl canvas (clickable) or, without ipympl, a PNG image widget."""

    def __init__(self, session, on_pixel=None):
        _check_session(session)
        self.session = session
        self.on_pixel = on_pixel
        self.figure = Figure(figsize=(9, 4), dpi=100)  # not pyplot: no global figure, no duplicate inline display
        self.panels = _Panels(self.figure, session)
        self.canvas = None
        self.image_widget = None
        try:
            Canvas, FigureManager = _ipympl_canvas_classes()
        except ImportError:
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            FigureCanvasAgg(self.figure)
            self.interactive = False
        else:
            with warnings.catch_warnings():
                # ipympl 0.10's toolbar passes an argument traitlets deprecates; nothing to act on
                warnings.simplefilter("ignore", DeprecationWarning)
                self.canvas = Canvas(self.figure)
                FigureManager(self.canvas, 0)
            self.canvas.toolbar_visible = False
            self.canvas.header_visible = False
            self.canvas.footer_visible = False
            self.canvas.resizable = False
            self.interactive = True
        self.figure.canvas.mpl_connect("button_press_event", self._on_click)

    def canvas_widget(self, widgets):
        """The widget that shows the figure."""
        if self.interactive:
            return self.canvas
        self.image_widget = widgets.Image(format="png", value=self.png())
        return self.image_widget

    def png(self):
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png")
        return buf.getvalue()

    def update(self):
        self.panels.update()
        if self.interactive:
            self.figure.canvas.draw_idle()
        elif self.image_widget is not None:
            self.image_widget.value = self.png()

    def _on_click(self, event):
        index = self.panels.pixel_at(event)
        if index is not None and self.on_pixel is not None:
            self.on_pixel(index)
