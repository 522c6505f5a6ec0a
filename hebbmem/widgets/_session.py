"""The recall explorer's logic: a corrupted pattern recalled step by step (see :mod:`hebbmem.widgets`)."""

import copy
import math
import warnings

import numpy as np

from .._trainer import Trainer
from .._validation import as_pattern_matrix, check_int, check_real
from ..analysis import overlap
from ..exceptions import ConvergenceWarning
from ..hopfield.networks import HopfieldNetwork
from ..noise import flip_fraction
from ..hopfield.rules import Hebbian, PseudoInverse, Rule
from ..hopfield.storkey import Storkey

__all__ = ["RecallSession"]
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
