"""The recall explorer widget: ipywidgets controls and a live figure over a RecallSession (see :mod:`hebbmem.widgets`)."""

from .._validation import check_int
from ._session import _MAX_NEURONS_FLIPS, RecallSession

__all__ = ["RecallExplorer"]

_INSTALL_HINT = 'pip install "hebbmem[widgets]"'


def _import_ipywidgets():
    try:
        import ipywidgets
    except ImportError as err:
        raise ImportError(
            f"RecallExplorer needs ipywidgets, which hebbmem installs only as an extra: run "
            f"{_INSTALL_HINT} (or pip install ipywidgets ipympl), then restart the kernel. "
            f"The logic without the widget is hebbmem.widgets.RecallSession."
        ) from err
    return ipywidgets


class RecallExplorer:
    """An interactive widget: corrupt a stored pattern and watch the network recall it.

    Controls (each is an ipywidgets attribute, so it can be driven from code):

    * ``pattern``: which stored pattern to start from;
    * ``noise``: the fraction of bits flipped (changing it draws a new probe);
      ``new_noise`` draws another probe at the same level;
    * clicking a pixel of the state image flips it (with the ipympl canvas);
    * ``mode``: synchronous or asynchronous updates, and ``async_step``: a
      whole sweep per step, or a few flips (down to one) per step;
    * ``rule``: Hebbian, Storkey or PseudoInverse (retrains on the stored patterns);
    * ``step_button``, ``play`` (steps on a timer until the state settles),
      ``reset_button`` (back to the probe).

    The figure shows the current state, the energy after every step and the
    overlap with every stored pattern (:func:`hebbmem.plotting.plot_recall_session`).
    The logic lives in ``session``, a :class:`RecallSession`; see there
    for the dynamics.

    Parameters
    ----------
    trainer : Trainer
        Gives the network's settings and the first rule. Not modified.
    patterns : array-like of shape (P, N), or list of 1-D arrays
        The +1/-1 patterns to store. Not modified.
    shape : tuple of (int, int), optional
        Image shape, default square.
    noise : float, default=0.2
        Initial fraction of flipped bits.
    seed : None or int, default=0
        Seeds the noise and the asynchronous update orders.
    flips_per_step : None or int, default=None
        Initial size of an asynchronous step: None for a whole sweep, ``k``
        to stop after ``k`` neurons flipped (see :class:`RecallSession`).
    interval : int, default=400
        Milliseconds between two steps while playing.

    Attributes
    ----------
    session : RecallSession
    figure : matplotlib.figure.Figure
    widget : ipywidgets.VBox
        The whole widget; a ``RecallExplorer`` displays itself as this box in
        a notebook, together with a PNG snapshot of the figure that pages
        without a kernel (GitHub, the documentation) show instead.

    Raises
    ------
    ImportError
        If ipywidgets is not installed; the message says
        ``pip install "hebbmem[widgets]"``.

    Notes
    -----
    With ipympl installed (part of the extra), the figure is an interactive
    canvas and pixels can be clicked. Without it, the figure is redrawn as a
    static image after every change, and pixel clicks are not available.

    Examples
    --------
    In a notebook:

    >>> import numpy as np, hebbmem as hm
    >>> from hebbmem.widgets import RecallExplorer
    >>> rng = np.random.default_rng(0)
    >>> X = np.where(rng.random((3, 100)) < 0.5, 1, -1)
    >>> explorer = RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(100)), X)  # doctest: +SKIP
    >>> explorer                                                                    # doctest: +SKIP
    """

    def __init__(self, trainer, patterns, *, shape=None, noise=0.2, seed=0, flips_per_step=None,
                 interval=400):
        widgets = _import_ipywidgets()
        from ..plotting import _widget as view  # matplotlib is imported only by hebbmem.plotting

        self.session = RecallSession(trainer, patterns, shape=shape, noise=noise, seed=seed,
                                     flips_per_step=flips_per_step)
        s = self.session
        self.interval = check_int(interval, "interval", type(self).__name__, low=10)
        n_patterns = s.patterns.shape[0]
        self.pattern = widgets.Dropdown(options=[(f"pattern {k}", k) for k in range(n_patterns)],
                                        value=s.index, description="start from")
        self.noise = widgets.FloatSlider(value=s.noise, min=0.0, max=max(0.5, s.noise), step=0.01,
                                         description="noise", readout_format=".0%",
                                         continuous_update=False)  # one new probe per release, not per pixel dragged
        self.new_noise = widgets.Button(description="new noise", tooltip="another probe at this noise level")
        self.mode = widgets.ToggleButtons(options=[("sync", False), ("async", True)], value=s.asyn,
                                          description="updates")
        self.rule = widgets.ToggleButtons(options=list(s.rules), value=s.rule, description="rule")
        n = s.n_neurons
        sizes = {max(1, n // 16), max(1, n // 256), 1} | {s.flips_per_step or 1}
        sizes = sorted(sizes, reverse=True) if n <= _MAX_NEURONS_FLIPS else []
        self.async_step = widgets.Dropdown(
            # 0 stands for a whole sweep: a Dropdown shows the value None as "nothing selected"
            options=[("whole sweep", 0)] + [(f"{k} flip{'' if k == 1 else 's'}", k) for k in sizes],
            value=s.flips_per_step or 0, description="async step")
        self.step_button = widgets.Button(description="step", icon="step-forward")
        self.reset_button = widgets.Button(description="reset", icon="undo", tooltip="back to the probe")
        self.play = widgets.Play(value=0, min=0, max=max(s.model.max_iter, 1), step=1,
                                 interval=self.interval, description="play", show_repeat=False)
        self.status = widgets.HTML()

        self._view = view.RecallSessionView(s, on_pixel=self._on_pixel)
        self.figure = self._view.figure
        self._canvas_widget = self._view.canvas_widget(widgets)

        self.pattern.observe(self._on_pattern, names="value")
        self.noise.observe(self._on_noise, names="value")
        self.new_noise.on_click(lambda _: self._do(s.corrupt))
        self.mode.observe(self._on_mode, names="value")
        self.rule.observe(self._on_rule, names="value")
        self.async_step.observe(self._on_async_step, names="value")
        self.step_button.on_click(lambda _: self._do(s.step))
        self.reset_button.on_click(lambda _: self._do(s.reset))
        self.play.observe(self._on_play, names="value")

        self.widget = widgets.VBox([
            widgets.HBox([self.pattern, self.noise, self.new_noise]),
            widgets.HBox([self.mode, self.async_step]),
            self.rule,
            widgets.HBox([self.step_button, self.play, self.reset_button, self.status]),
            self._canvas_widget,
        ])
        self._refresh()

    # --------------------------------------------------------------- handlers
    def _do(self, action, *args):
        action(*args)
        self._refresh()

    def _on_pattern(self, change):
        self._stop()
        self._do(self.session.select, change["new"])

    def _on_noise(self, change):
        self._stop()
        self._do(self.session.corrupt, change["new"])

    def _on_mode(self, change):
        self._stop()
        self.session.asyn = bool(change["new"])
        self._do(self.session.reset)

    def _on_async_step(self, change):
        self._stop()
        self.session.flips_per_step = change["new"] or None  # goes on from the current state
        self._refresh()

    def _on_rule(self, change):
        self._stop()
        self._do(self.session.set_rule, change["new"])

    def _on_pixel(self, index):
        self._stop()
        self._do(self.session.toggle_pixel, index)

    def _on_play(self, change):
        # The Play widget counts up on a browser timer; each tick is one step.
        if change["new"] == 0:
            return
        if self.session.settled:
            self._stop()
            return
        self.session.step()
        self._refresh()
        if self.session.settled:
            self._stop()

    def _stop(self):
        self.play.playing = False
        if self.play.value != 0:
            self.play.value = 0  # the handler ignores 0

    def _refresh(self):
        s = self.session
        self._view.update()
        self.status.value = (f"<b>{s.status}</b> &middot; {s.steps_text(s.n_steps)}"
                             f" &middot; {s.accuracy:.1%} of bits right &middot; E = {s.energies[-1]:.2f}")
        self.step_button.disabled = s.settled
        self.async_step.disabled = not s.asyn
        per_sweep = -(-s.n_neurons // s.flips_per_step) if s.asyn and s.flips_per_step else 1
        self.play.max = s.model.max_iter * per_sweep

    def _repr_mimebundle_(self, **kwargs):
        # The live widget for Jupyter, plus a PNG of the figure for pages without a
        # kernel (GitHub, the docs), which cannot run the widget anyway.
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        bundle["image/png"] = self._view.png()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self):
        return f"RecallExplorer({self.session!r})"
