"""Interactive recall in a notebook: corrupt a stored pattern and watch the network clean it up.

Two classes, one inside the other:

* :class:`RecallSession`: the plain Python logic, with no widget and no
  figure. It holds the stored patterns, a private network trained on them,
  the current state, and the energy and overlaps after every step. Use it
  in scripts and tests, or to see what the widget does.
* :class:`RecallExplorer`: the ipywidgets controls and a live figure on top
  of a :class:`RecallSession`. Pick a stored pattern, corrupt it with the
  noise slider or by clicking pixels, step or play the recall (synchronous
  or asynchronous), and switch the learning rule; the state, the energy and
  the overlaps are redrawn after every step.

Both leave your trainer and its network untouched: the session trains its
own network on ``patterns`` (with your trainer's rule first), so switching
the rule never changes your model.

The widget needs the optional extra ``pip install "hebbmem[widgets]"``
(ipywidgets, and ipympl for the clickable figure). Importing this module
does not need it; creating a :class:`RecallExplorer` without it raises an
ImportError that names the extra. In a notebook::

    import hebbmem as hm
    from hebbmem.widgets import RecallExplorer
    trainer = hm.HebbianTrainer(hm.HopfieldNetwork(256, seed=0))
    RecallExplorer(trainer, patterns)          # displays itself
"""

import copy
import math
import warnings

import numpy as np

from ._validation import as_pattern_matrix, check_int, check_real
from .analysis import overlap
from .exceptions import ConvergenceWarning
from .networks import HopfieldNetwork
from .noise import flip_fraction
from .rules import Hebbian, PseudoInverse, Rule, Storkey
from .trainer import Trainer

__all__ = ["RecallSession", "RecallExplorer"]

_INSTALL_HINT = 'pip install "hebbmem[widgets]"'
# The explorer keeps the whole history in memory and redraws a figure per step;
# beyond this many neurons a step is no longer interactive (a 128 x 128 picture).
_MAX_NEURONS = 128 * 128
# Partial asynchronous steps read rows of the dense (N, N) weights: 128 MiB in float64 at this N.
_MAX_NEURONS_FLIPS = 64 * 64


def _default_rules():
    return {"Hebbian": Hebbian(), "Storkey": Storkey(), "PseudoInverse": PseudoInverse()}


def _image_shape(shape, n, owner):
    if shape is None:
        side = math.isqrt(n)
        if side * side != n:
            raise ValueError(
                f"{owner} draws patterns as images, but N={n} is not a perfect square; pass the "
                f"image shape, e.g. shape=(h, w) with h * w == {n}."
            )
        return (side, side)
    try:
        h, w = (int(v) for v in shape)
    except (TypeError, ValueError):
        raise TypeError(f"shape must be a pair of ints (h, w); got {shape!r}.") from None
    if h < 1 or w < 1 or h * w != n:
        raise ValueError(f"shape must be (h, w) with h * w == N == {n}; got {shape!r}.")
    return (h, w)


class RecallSession:
    """The logic of the recall explorer: a corrupted pattern recalled step by step.

    The session trains its own copy of the network on ``patterns`` (your
    trainer and model are never modified), keeps a probe (a corrupted
    stored pattern) and the current state, and records after every step the
    energy and the overlaps with all stored patterns.

    One :meth:`~RecallSession.step` is one update of the network from the current state:

    .. math::

        s_i \\leftarrow \\operatorname{sign}(h_i - \\theta), \\qquad h_i = \\sum_j W_{ij} s_j

    where

    * :math:`s` is the current state (``state``);
    * :math:`W` is the weight matrix the current rule (``rule``) built
      from ``patterns``;
    * :math:`\\theta` is the network's ``bias``.

    In synchronous mode every neuron updates at once; in asynchronous mode
    a step is one sweep over all neurons in a fresh random order (exactly
    ``model.recall(state, max_iter=1)``), or, with ``flips_per_step=k``,
    the neurons of that order up to the ``k``-th one that flips, so the
    state can be watched changing one neuron at a time. The recorded
    quantities are the
    energy :math:`E = -\\frac12 s^T W s + \\theta \\sum_i s_i` and the
    overlaps :math:`m^\\mu = \\frac1N \\sum_i \\xi^\\mu_i s_i` (see
    :func:`hebbmem.analysis.overlap`).

    Parameters
    ----------
    trainer : Trainer
        Gives the network's settings (``num_neurons``, ``asyn``,
        ``max_iter``, ``bias``, ``storage``) and the first rule (Hebbian if
        the trainer has no :class:`~hebbmem.Rule`). Its network
        must use ``activation='sign'``. It need not be trained. Not modified.
    patterns : array-like of shape (P, N), or list of 1-D arrays
        The +1/-1 patterns to store. Not modified.
    shape : tuple of (int, int), optional
        Image shape ``(h, w)`` used to draw a pattern, with ``h * w == N``.
        Default: square.
    noise : float, default=0.2
        Fraction of bits flipped by :meth:`corrupt` (see
        :func:`hebbmem.noise.flip_fraction`).
    seed : None or int, default=0
        Seeds the noise and the asynchronous update orders, so a session
        replays exactly.
    flips_per_step : None or int, default=None
        Asynchronous mode only: None makes one :meth:`~RecallSession.step` a
        whole sweep through the library's recall; an int ``k`` in [1, N]
        makes it go on through the sweep's random order until ``k`` neurons
        have flipped (or a whole sweep changed nothing), with the same rule
        (a neuron whose field equals ``bias`` keeps its state), computed
        here from ``model.W`` (up to N = 4096).

    Attributes
    ----------
    patterns : ndarray of shape (P, N), float32
        The stored patterns.
    rules : dict of str to Rule
        The rules :meth:`set_rule` can switch to: ``'Hebbian'``,
        ``'Storkey'``, ``'PseudoInverse'``, and the trainer's own rule under
        its class name (it replaces the default of that name).
    model : HopfieldNetwork
        The session's own network, trained with the current rule.
    index : int
        The stored pattern the probe was made from.
    probe : ndarray of shape (N,), float32
        The state the recall started from (after :meth:`corrupt` or
        :meth:`toggle_pixel`).
    state : ndarray of shape (N,), float32
        The current state.

    See Also
    --------
    RecallExplorer : the interactive widget on top of this class.
    hebbmem.analysis.trajectory : all states of a recall in one call.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> from hebbmem.widgets import RecallSession
    >>> X = np.array([[1, 1, 1, 1, -1, -1, -1, -1, 1], [1, -1, 1, -1, 1, -1, 1, -1, 1]])
    >>> session = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(9)), X, seed=0)
    >>> session.toggle_pixel(0)                  # flip one bit of pattern 0
    >>> session.run()                            # step until nothing changes
    'converged'
    >>> session.accuracy, session.overlaps[-1].tolist()
    (1.0, [1.0, 0.1111111111111111])
    >>> bool(np.all(np.diff(session.energies) <= 0))
    True
    """

    def __init__(self, trainer, patterns, *, shape=None, noise=0.2, seed=0, flips_per_step=None):
        owner = type(self).__name__
        if not isinstance(trainer, Trainer):
            raise TypeError(
                f"{owner} needs a hebbmem Trainer, e.g. hebbmem.HebbianTrainer(hebbmem.HopfieldNetwork(N)); "
                f"got {type(trainer).__name__}."
            )
        model = trainer.model
        if not isinstance(model, HopfieldNetwork) or model.activation != "sign":
            raise ValueError(
                f"{owner} shows binary +1/-1 states: the trainer's network must be a HopfieldNetwork "
                f"with activation='sign'; got {model!r}. Build one with hebbmem.HopfieldNetwork(N)."
            )
        n = model.num_neurons
        if n > _MAX_NEURONS:
            raise ValueError(
                f"{owner} redraws every neuron after each step, which is interactive up to N = "
                f"{_MAX_NEURONS} (a 128 x 128 image); the network has N = {n}. Downsample the "
                f"patterns, e.g. with hebbmem.datasets.preprocess_image(..., size=64)."
            )
        X, _ = as_pattern_matrix(patterns, what="patterns", n_neurons=n, bipolar=True)
        self.patterns = X.astype(np.float32)
        self.shape = _image_shape(shape, n, owner)
        self.noise = check_real(noise, "noise", owner, low=0, high=1)
        if seed is not None:
            seed = check_int(seed, "seed", owner, low=0)
        self._rng = np.random.default_rng(seed)
        self._settings = {k: getattr(model, k) for k in ("asyn", "max_iter", "bias", "storage")
                          if hasattr(model, k)}
        self.rules = _default_rules()
        rule = getattr(trainer, "rule", None)
        if isinstance(rule, Rule):
            rule_name = type(rule).__name__
            self.rules[rule_name] = copy.deepcopy(rule)
        else:  # a custom trainer without a Rule object: start with Hebb's rule
            rule_name = "Hebbian"
        self.model = None
        self.rule = None
        self._flips_per_step = None
        self.set_rule(rule_name)
        self.flips_per_step = flips_per_step
        self.index = 0
        self.corrupt()

    # ------------------------------------------------------------------ setup
    @property
    def n_neurons(self):
        """N, the number of neurons."""
        return self.patterns.shape[1]

    @property
    def asyn(self):
        """Asynchronous (True) or synchronous (False) steps; assign to switch."""
        return self.model.asyn

    @asyn.setter
    def asyn(self, value):
        if not isinstance(value, (bool, np.bool_)):
            raise TypeError(f"asyn must be True (asynchronous) or False (synchronous); got {value!r}.")
        self.model.asyn = bool(value)
        self._settings["asyn"] = bool(value)

    @property
    def flips_per_step(self):
        """Flips per asynchronous step: None for a whole sweep; assign to change."""
        return self._flips_per_step

    @flips_per_step.setter
    def flips_per_step(self, value):
        n = self.n_neurons
        if value is not None:
            value = check_int(value, "flips_per_step", type(self).__name__, low=1, high=n,
                              fix="Use None for whole sweeps, 1 to watch one neuron flip at a time.")
            if n > _MAX_NEURONS_FLIPS:
                raise ValueError(
                    f"flips_per_step needs the dense ({n}, {n}) weights, which this explorer builds "
                    f"only up to N = {_MAX_NEURONS_FLIPS}; use None (whole sweeps) or smaller patterns."
                )
        self._flips_per_step = value
        self._sweep = None  # the next partial step starts a fresh sweep

    def set_rule(self, name):
        """Retrain the session's network on the stored patterns with another rule.

        Recall restarts from the probe, so that rules can be compared on
        the same corrupted pattern.

        Parameters
        ----------
        name : str
            A key of ``rules``, e.g. ``'Storkey'``.
        """
        if name not in self.rules:
            raise ValueError(f"rule must be one of {sorted(self.rules)}; got {name!r}.")
        rule = self.rules[name]
        if not isinstance(rule, Rule):
            raise TypeError(f"rules[{name!r}] must be a hebbmem Rule; got {type(rule).__name__}.")
        if self.model is not None and hasattr(self.model, "reset_weights"):
            self.model.reset_weights()
        else:  # a fresh network: training then starts from no weights
            self.model = HopfieldNetwork(self.n_neurons, activation="sign", seed=self._rng, **self._settings)
        Trainer(self.model, rule).train(self.patterns)
        self.rule = name
        self._W = None  # dense weights of partial async steps, built on demand
        if hasattr(self, "probe"):
            self._start(self.probe)

    # ----------------------------------------------------------------- probes
    def select(self, index):
        """Pick stored pattern ``index`` and corrupt it with the current noise level."""
        p = self.patterns.shape[0]
        if isinstance(index, (bool, np.bool_)) or not isinstance(index, (int, np.integer)) \
                or not 0 <= index < p:
            raise ValueError(f"index must be an int in [0, {p - 1}] (one of the {p} stored patterns); "
                             f"got {index!r}.")
        self.index = int(index)
        self.corrupt()

    def corrupt(self, noise=None):
        """Restart from the selected pattern with exactly ``int(N * noise)`` bits flipped.

        Parameters
        ----------
        noise : float, optional
            Fraction of bits to flip, in [0, 1]; also becomes ``noise``.
            Default: the current ``noise``.
        """
        if noise is not None:
            self.noise = check_real(noise, "noise", "corrupt", low=0, high=1)
        self._start(flip_fraction(self.patterns[self.index], self.noise, rng=self._rng))

    def toggle_pixel(self, i):
        """Flip neuron ``i`` of the current state; recall then starts from the edited state.

        Parameters
        ----------
        i : int or tuple of (int, int)
            Flat index in [0, N), or ``(row, column)`` in the image.
        """
        h, w = self.shape
        if isinstance(i, tuple):
            if len(i) != 2 or not all(isinstance(v, (int, np.integer)) for v in i) \
                    or not (0 <= i[0] < h and 0 <= i[1] < w):
                raise ValueError(f"pixel must be (row, column) inside the {h} x {w} image; got {i!r}.")
            i = int(i[0]) * w + int(i[1])
        if isinstance(i, (bool, np.bool_)) or not isinstance(i, (int, np.integer)) \
                or not 0 <= i < self.n_neurons:
            raise ValueError(f"pixel index must be an int in [0, {self.n_neurons - 1}]; got {i!r}.")
        state = self.state.copy()
        state[i] = -state[i]
        self._start(state)

    def reset(self):
        """Go back to the probe, forgetting the steps taken since."""
        self._start(self.probe)

    def _start(self, state):
        self.probe = np.array(state, dtype=np.float32)
        self.state = self.probe.copy()
        self._states = [self.state]
        self._energies = [self._energy(self.state)]
        self.status = "ready"
        self._sweep = None

    # ------------------------------------------------------------------ steps
    def _energy(self, state):
        # compute_energy(states) where the network has it; energy(state) otherwise.
        fn = getattr(self.model, "compute_energy", None)
        return float(fn(state) if callable(fn) else self.model.energy(state))

    @property
    def settled(self):
        """Whether recall has stopped: at a fixed point or (sync only) in a 2-cycle."""
        return self.status in ("converged", "2-cycle")

    def step(self):
        """One update (sync) or one sweep (async) from the current state.

        Returns
        -------
        changed : bool
            Whether any neuron flipped. A step that changes nothing marks the
            state as a fixed point (``status == 'converged'``); a synchronous
            step that returns to the state of two steps before marks a
            2-cycle (``status == '2-cycle'``). With ``flips_per_step``, the
            state is a fixed point once a whole sweep has changed nothing.
        """
        if self.model.asyn and self._flips_per_step is not None:
            return self._partial_step(self._flips_per_step)
        with warnings.catch_warnings():
            # max_iter=1 warns after every step that moved; that is the point here.
            warnings.simplefilter("ignore", ConvergenceWarning)
            new = self.model.recall(self.state, max_iter=1)
        new = np.asarray(new, dtype=np.float32)
        changed = not np.array_equal(new, self.state)
        if not changed:
            self.status = "converged"
            return False
        self.state = new
        self._states.append(new)
        self._energies.append(self._energy(new))
        if not self.model.asyn and len(self._states) >= 3 and np.array_equal(new, self._states[-3]):
            self.status = "2-cycle"
        else:
            self.status = "running"
        return True

    def _partial_step(self, k):
        """Go on through the current sweep until ``k`` neurons flipped (async, textbook loop)."""
        if self.settled:
            return False
        n = self.n_neurons
        if self._W is None:
            self._W = np.asarray(self.model.W, dtype=np.float64)
        theta = float(self.model.bias)
        s = self.state.astype(np.float64)
        flips = 0
        fixed = False
        while flips < k:
            if self._sweep is None:  # a fresh random order, as every async sweep
                self._sweep = [self._rng.permutation(n), 0, 0]  # order, position, flips in this sweep
            order, pos, _ = self._sweep
            i = order[pos]
            h = self._W[i] @ s
            new = 1.0 if h > theta else -1.0 if h < theta else s[i]  # tie: keep the state
            if new != s[i]:
                s[i] = new
                flips += 1
                self._sweep[2] += 1
            self._sweep[1] += 1
            if self._sweep[1] == n:  # the sweep is complete
                fixed = self._sweep[2] == 0  # and changed nothing: a fixed point
                self._sweep = None
                if fixed:
                    break
        if flips:
            self.state = s.astype(np.float32)
            self._states.append(self.state)
            self._energies.append(self._energy(self.state))
        self.status = "converged" if fixed else "running"
        return flips > 0

    def run(self, max_steps=None):
        """Step until the state settles, or ``max_steps`` steps (default: the network's ``max_iter``,
        in sweeps: ``max_iter * ceil(N / flips_per_step)`` partial steps).

        Returns
        -------
        status : {'converged', '2-cycle', 'running'}
            ``'running'`` means ``max_steps`` was reached first.
        """
        if max_steps is None:
            per_sweep = -(-self.n_neurons // self._flips_per_step) if self.model.asyn and self._flips_per_step else 1
            max_steps = self.model.max_iter * per_sweep
        else:
            max_steps = check_int(max_steps, "max_steps", "run", low=1)
        for _ in range(max_steps):
            if self.settled:
                break
            self.step()
        return self.status

    # -------------------------------------------------------------- traces
    @property
    def step_unit(self):
        """What one step is, in words: ``'sync update'``, ``'async sweep'`` or ``'async, 16 flips'``."""
        k = self._flips_per_step
        if not self.asyn:
            return "sync update"
        return "async sweep" if k is None else f"async, {k} flip{'' if k == 1 else 's'}"

    def steps_text(self, count):
        """``count`` steps in words, e.g. ``'2 sync updates'`` or ``'3 steps (async, 16 flips)'``."""
        plural = "" if count == 1 else "s"
        if self.asyn and self._flips_per_step is not None:
            return f"{count} step{plural} ({self.step_unit})"
        return f"{count} {self.step_unit}{plural}"

    @property
    def n_steps(self):
        """Steps that changed the state since the probe."""
        return len(self._states) - 1

    @property
    def states(self):
        """ndarray of shape (n_steps + 1, N): the probe, then the state after each step."""
        return np.stack(self._states)

    @property
    def energies(self):
        """ndarray of shape (n_steps + 1,): the energy of each of :attr:`states`."""
        return np.array(self._energies)

    @property
    def overlaps(self):
        """ndarray of shape (n_steps + 1, P): overlap of each of :attr:`states` with each stored pattern."""
        return overlap(self.states, self.patterns)

    @property
    def accuracy(self):
        """Fraction of the current state's bits that match the selected stored pattern."""
        return float(np.mean(self.state == self.patterns[self.index]))

    def __repr__(self):
        p, n = self.patterns.shape
        mode = "async" if self.asyn else "sync"
        return (f"RecallSession({p} patterns of N={n}, rule={self.rule}, {mode}, pattern {self.index}, "
                f"{self.n_steps} steps, {self.status})")


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

    def __init__(self, trainer, patterns, *, shape=None, noise=0.2, seed=0, interval=400):
        widgets = _import_ipywidgets()
        from .plotting import _widget as view  # matplotlib is imported only by hebbmem.plotting

        self.session = RecallSession(trainer, patterns, shape=shape, noise=noise, seed=seed)
        s = self.session
        self.interval = check_int(interval, "interval", type(self).__name__, low=10)
        n_patterns = s.patterns.shape[0]
        self.pattern = widgets.Dropdown(options=[(f"pattern {k}", k) for k in range(n_patterns)],
                                        value=s.index, description="start from")
        self.noise = widgets.FloatSlider(value=s.noise, min=0.0, max=0.5, step=0.01,
                                         description="noise", readout_format=".0%",
                                         continuous_update=False)  # one new probe per release, not per pixel dragged
        self.new_noise = widgets.Button(description="new noise", tooltip="another probe at this noise level")
        self.mode = widgets.ToggleButtons(options=[("sync", False), ("async", True)], value=s.asyn,
                                          description="updates")
        self.rule = widgets.ToggleButtons(options=list(s.rules), value=s.rule, description="rule")
        n = s.n_neurons
        sizes = sorted({max(1, n // 16), max(1, n // 256), 1}, reverse=True) if n <= _MAX_NEURONS_FLIPS else []
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
