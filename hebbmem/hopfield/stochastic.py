r"""Stochastic (Glauber) dynamics: a Hopfield network at temperature T.

At temperature :math:`T > 0` a neuron does not simply take the sign of its
field; it is set to +1 with the probability

.. math::

    P(s_i = +1) = \frac{1}{1 + e^{-2 (h_i - \theta)/T}},
    \qquad h_i = \sum_j J_{ij} s_j

where

* :math:`J` are the couplings in **Curie-Weiss units** (see below),
  :math:`\theta` is ``bias``;
* :math:`T` is the temperature (``temperature``, or a ``schedule`` of one
  value per sweep); :math:`T = 0` is the deterministic sign update with the
  tie rule.

This is the heat bath (Glauber) rule: it samples the Boltzmann distribution
:math:`e^{-E/T}` with :math:`E = -\frac12 s^T J s + \theta\sum_i s_i`.

**Field scale.** hebbmem's :class:`~hebbmem.Hebbian` weights are normalised
by :math:`1/P`. Temperatures are instead measured in the units of the
textbook couplings :math:`J = \frac{1}{N}\sum_\mu x^\mu x^{\mu T}` (Amit,
Gutfreund and Sompolinsky), so that a network storing **one** pattern is the
Curie-Weiss magnet: its overlap :math:`m` obeys :math:`m = \tanh(m/T)` and
retrieval is lost at :math:`T_c = 1`. With ``field_scale='auto'`` the
network uses :math:`J = \frac{P}{N} W` when its weights come from the
(anti-)Hebbian rule with ``normalize=True`` (P = number of stored patterns),
:math:`J = W/N` with ``normalize=False``, and :math:`J = W` for other rules
(Storkey and pseudo-inverse weights already have the :math:`1/N` scale) or
weights assigned by hand. A number sets :math:`J = \text{field\_scale}\cdot W`.
"""

import math

import numpy as np

from . import dynamics
from .._progress import ProgressLine
from .._validation import MAX_COUNT, as_pattern_matrix, check_bool, check_choice, check_int, check_real
from ..io import register
from .networks import HopfieldNetwork
from .result import RecallResult
from .rules import Hebbian

__all__ = ["StochasticHopfieldNetwork", "annealing_schedule"]


def annealing_schedule(t_start, t_end, n_sweeps, *, kind="geometric"):
    r"""Temperatures for an annealing run: one value per sweep, from ``t_start`` to ``t_end``.

    .. math::

        T_k = T_0 \left(\frac{T_1}{T_0}\right)^{k/(K-1)} \ \text{(geometric)}, \qquad
        T_k = T_0 + (T_1 - T_0)\frac{k}{K-1} \ \text{(linear)}

    where :math:`T_0` is ``t_start``, :math:`T_1` is ``t_end``, :math:`K` is
    ``n_sweeps`` and :math:`k = 0, \dots, K-1`.

    Parameters
    ----------
    t_start, t_end : float
        First and last temperature, >= 0 (``geometric`` needs both > 0;
        end at 0 with ``linear``, or append a 0).
    n_sweeps : int
        Number of sweeps K >= 1.
    kind : {'geometric', 'linear'}, default='geometric'

    Returns
    -------
    schedule : ndarray of shape (n_sweeps,), float64

    Examples
    --------
    >>> from hebbmem.hopfield.stochastic import annealing_schedule
    >>> annealing_schedule(2.0, 0.5, 3)
    array([2. , 1. , 0.5])
    """
    owner = "annealing_schedule"
    t_start = check_real(t_start, "t_start", owner, low=0)
    t_end = check_real(t_end, "t_end", owner, low=0)
    n_sweeps = check_int(n_sweeps, "n_sweeps", owner, low=1, high=MAX_COUNT)
    kind = check_choice(kind, "kind", owner, ("geometric", "linear"))
    if n_sweeps == 1:
        return np.array([t_end])
    k = np.arange(n_sweeps) / (n_sweeps - 1)
    if kind == "linear":
        return t_start + (t_end - t_start) * k
    if t_start == 0 or t_end == 0:
        raise ValueError(
            f"A geometric schedule needs t_start > 0 and t_end > 0; got {t_start} and {t_end}. "
            f"Use kind='linear' to end at T = 0."
        )
    return t_start * (t_end / t_start) ** k


def _check_temperature(value, name, owner):
    fix = "T is a temperature: T = 0 is the deterministic sign update, T > 0 adds noise (T_c = 1)."
    return check_real(value, name, owner, low=0, fix=fix)


class _CurieWeissCouplings:
    """Mixin: the couplings ``J = c * W`` in Curie-Weiss units (see the module docstring).

    Used by :class:`StochasticHopfieldNetwork` and
    :class:`~hebbmem.ContinuousHopfieldNetwork`; expects ``field_scale``,
    ``_hebbian`` and ``_coupling`` attributes set by the network.
    """

    def _init_couplings(self, field_scale, owner):
        if isinstance(field_scale, str):
            field_scale = check_choice(field_scale, "field_scale", owner, ("auto",))
        else:
            field_scale = check_real(field_scale, "field_scale", owner, low=0, low_open=True,
                                     fix="Or pass 'auto' (Curie-Weiss units, T_c = 1 for one pattern).")
        self.field_scale = field_scale
        self._hebbian = None   # (n_patterns, normalize) while every stored rule was (anti-)Hebbian
        self._coupling = None  # (W view it was built from, scale, J^T as float64)

    def _learn(self, X, rule):
        parent = getattr(super(), "_learn", None)
        had = self.is_trained
        if parent is not None:
            parent(X, rule)
        else:  # trainers of the current API set the weights themselves
            self._set_weights(rule._build(X))
        self._note_rule(X.shape[0], rule, had)

    def _note_rule(self, n_patterns, rule, had_weights):
        """Remember the Hebbian normalisation: (sizes of the train calls, normalize), or None."""
        if isinstance(rule, Hebbian):
            if not had_weights or self._hebbian is None:
                self._hebbian = ([n_patterns], rule.normalize) if not had_weights else None
            elif self._hebbian[1] == rule.normalize:
                self._hebbian = (self._hebbian[0] + [n_patterns], rule.normalize)
            else:
                self._hebbian = None
        else:
            self._hebbian = None

    def _set_weights(self, rep):
        # Weights without Hebbian terms (assigned, Storkey, pseudo-inverse, dense sums) have no
        # Hebbian normalisation to undo: 'auto' then means J = W. _note_rule runs after this.
        super()._set_weights(rep)
        if getattr(rep, "terms", None) is None:
            self._hebbian = None

    def reset_weights(self):
        """Forget everything stored (see :meth:`HopfieldNetwork.reset_weights`)."""
        parent = getattr(super(), "reset_weights", None)
        if parent is not None:
            parent()
        else:
            self._weights = None
            self._W_view = None
        self._hebbian = None
        self._coupling = None
        return self

    def coupling_scale(self):
        """The factor c of ``J = c * W`` that the dynamics use (see ``field_scale``)."""
        if self.field_scale != "auto":
            return float(self.field_scale)
        if self._hebbian is None:
            return 1.0
        sizes, normalize = self._hebbian
        if not normalize:
            return 1.0 / self.num_neurons
        if len(set(sizes)) > 1:
            raise ValueError(
                f"field_scale='auto' cannot express the couplings in Curie-Weiss units: the Hebbian "
                f"weights came from train calls of {sizes} patterns, each normalised by its own P. "
                f"Store all patterns in one train call, or pass field_scale explicitly "
                f"(J = field_scale * W)."
            )
        return sizes[0] / self.num_neurons

    def _couplings_T(self):
        W = self.W
        scale = self.coupling_scale()
        cached = self._coupling
        if cached is None or cached[0] is not W or cached[1] != scale:
            JT = np.ascontiguousarray(W.T, dtype=np.float64) * scale
            self._coupling = cached = (W, scale, JT)
        return cached[2]


@register
class StochasticHopfieldNetwork(_CurieWeissCouplings, HopfieldNetwork):
    r"""A Hopfield network with Glauber (heat-bath) updates at temperature T.

    Each sweep visits every neuron once, in a fresh random order, and sets it
    to +1 with probability :math:`1/(1 + e^{-2(h_i - \theta)/T})` (see
    :mod:`hebbmem.hopfield.stochastic` for the field scale: one stored pattern gives
    the Curie-Weiss magnet, :math:`T_c = 1`). Recall runs a fixed number of
    sweeps (stochastic dynamics have no fixed point to stop at), at a fixed
    ``temperature`` or following a ``schedule`` (simulated annealing: end at
    a low temperature to settle into a memory).

    .. math::

        P(s_i = +1) = \frac{1}{1 + e^{-2 (h_i - \theta)/T}}, \qquad h = J s

    where :math:`J` is the coupling matrix (``field_scale`` times ``W``),
    :math:`\theta` is ``bias`` and :math:`T` the temperature of the sweep.

    Parameters
    ----------
    num_neurons : int
        Number of neurons N.
    temperature : float, default=0.5
        :math:`T \ge 0`, used when ``schedule`` is None.
    schedule : array-like of float, optional
        One temperature per sweep (e.g. from :func:`annealing_schedule`);
        its length is the number of sweeps of a recall.
    max_iter : int, default=100
        Number of sweeps per recall when ``schedule`` is None.
    field_scale : 'auto' or float, default='auto'
        :math:`J = \text{field\_scale} \cdot W`; see :mod:`hebbmem.hopfield.stochastic`.
    bias : float, default=0.0
        Firing threshold :math:`\theta`, in the units of :math:`J`.
    seed : None, int or numpy.random.Generator, default=None
        Seeds the update orders and the coin flips.

    Notes
    -----
    ``recall(..., return_info=True)`` reports ``n_iter`` = sweeps run,
    ``converged`` = whether the final state is a fixed point of the
    zero-temperature dynamics, and the energy
    :math:`E = -\frac12 s^T J s + \theta\sum_i s_i` after every sweep. Recall
    never warns: running all sweeps is the intended behaviour. The coupling
    matrix is kept dense (N x N, float64). Random numbers: per sweep, one
    64-bit key per probe for the order (as in asynchronous recall) and then
    an (n_probes, N) array of uniforms ``rng.random``, consumed in visiting
    order.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> x = np.where(np.random.default_rng(0).random(400) < 0.5, 1.0, -1.0)
    >>> model = hm.StochasticHopfieldNetwork(400, temperature=0.5, max_iter=50, seed=0)
    >>> trainer = hm.Trainer(model, hm.Hebbian()).train(x[None])
    >>> m = float(trainer.predict(x) @ x) / 400   # fluctuates around 0.958, the root of m = tanh(m / 0.5)
    >>> 0.9 < m < 1.0
    True
    """

    def __init__(self, num_neurons, *, temperature=0.5, schedule=None, max_iter=100, field_scale="auto",
                 bias=0.0, seed=None):
        super().__init__(num_neurons, asyn=True, max_iter=max_iter, bias=bias, seed=seed)
        owner = type(self).__name__
        self.temperature = _check_temperature(temperature, "temperature", owner)
        self.schedule = None if schedule is None else self._check_schedule(schedule, owner)
        self._init_couplings(field_scale, owner)

    @staticmethod
    def _check_schedule(schedule, owner):
        try:
            if np.asarray(schedule).dtype.kind not in "biuf":  # complex, strings, objects
                raise TypeError
            T = np.array(schedule, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise TypeError(f"The 'schedule' parameter of {owner} must be a sequence of temperatures; "
                            f"got {schedule!r}.") from None
        if T.size == 0 or not np.isfinite(T).all() or (T < 0).any():
            raise ValueError(
                f"The 'schedule' parameter of {owner} must be a non-empty sequence of finite "
                f"temperatures >= 0; got {T[:5].tolist()}{'...' if T.size > 5 else ''}. "
                f"Build one with hebbmem.hopfield.stochastic.annealing_schedule(2.0, 0.05, 100)."
            )
        return T

    @property
    def energy(self):
        """The energy of the current state ``s`` (see :meth:`compute_energy`)."""
        return self.compute_energy(self.s)

    def compute_energy(self, state):
        r"""Energy :math:`-\frac12 s^T J s + \theta \sum_i s_i` in the units of the temperature."""
        JT = self._couplings_T()
        S, was_1d = as_pattern_matrix(state, what="state",
                                      n_neurons=self.num_neurons, bipolar=False)
        E = -0.5 * np.einsum("ij,ij->i", S, S @ JT) + self.bias * S.sum(axis=1)
        return float(E[0]) if was_1d else E

    # -------------------------------------------------------------- dynamics
    def _temperatures(self, max_iter):
        if self.schedule is not None and max_iter is None:
            return self.schedule
        n = self.max_iter if max_iter is None else check_int(max_iter, "max_iter", "recall", low=1,
                                                             high=MAX_COUNT)
        if self.schedule is not None:
            return self.schedule[:n]
        return np.broadcast_to(self.temperature, (n,))  # no memory, even for a billion sweeps

    def sample(self, probes, n_sweeps=None, *, patterns=None, temperature=None, rng=None, compiled=True):
        """Run the sweeps and record every state (or its overlaps): a monitored run.

        The same dynamics and random numbers as :meth:`recall`, with the state
        after every sweep kept (what :func:`hebbmem.analysis.monitored_run`
        returns for this network).

        Parameters
        ----------
        probes : array-like of shape (N,) or (B, N)
            +1/-1 initial states.
        n_sweeps : int, optional
            Default: the schedule's length, or ``max_iter``.
        patterns : array-like of shape (P, N), optional
            Record the overlaps with these patterns instead of the states.
        temperature, rng, compiled
            As in :meth:`recall`.

        Returns
        -------
        ndarray of shape (n_sweeps + 1, [B,] N) or (n_sweeps + 1, [B,] P)
            Row 0 is the probe.
        """
        S0, was_1d = as_pattern_matrix(probes, what="probes", n_neurons=self.num_neurons, bipolar=True)
        X = None
        if patterns is not None:
            X, _ = as_pattern_matrix(patterns, what="patterns", n_neurons=self.num_neurons, bipolar=False)
        rows = []

        def record(S):
            rows.append(S.copy() if X is None else S @ X.T / self.num_neurons)

        self.recall(S0, compiled=compiled, max_iter=n_sweeps, rng=rng, temperature=temperature,
                    _record=record)
        out = np.stack(rows)
        return out[:, 0] if was_1d else out

    def recall(self, probes, *, compiled=True, max_iter=None, return_info=False, progress=False,
               what="probes", rng=None, temperature=None, _record=None):
        """Run the Glauber sweeps (the whole schedule) from each probe.

        Parameters
        ----------
        probes : array-like of shape (N,) or (n_probes, N)
            +1/-1 initial states. Not modified.
        compiled : bool, default=True
            Numba kernel (True) or plain NumPy (False); the same states for the same seed.
        max_iter : int, optional
            Number of sweeps (default: the schedule's length, or ``max_iter``).
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult` (energies after every sweep).
        progress : bool, default=False
        what : str, default='probes'
        rng : None, int or numpy.random.Generator, optional
            Generator for this call (default: the network's ``rng``).
        temperature : float, optional
            A constant temperature for this call, overriding ``temperature`` and ``schedule``.

        Returns
        -------
        states : ndarray of the same shape as ``probes``, float32 +1/-1
            Or a :class:`~hebbmem.RecallResult`.
        """
        self._require_weights("recall")
        compiled = check_bool(compiled, "compiled", "recall")
        S0, was_1d = as_pattern_matrix(probes, what=what, n_neurons=self.num_neurons, bipolar=True)
        if temperature is not None:
            n = self.max_iter if max_iter is None else check_int(max_iter, "max_iter", "recall", low=1,
                                                                 high=MAX_COUNT)
            temps = np.broadcast_to(_check_temperature(temperature, "temperature", "recall"), (n,))
        else:
            temps = self._temperatures(max_iter)
        if rng is None:
            gen = self.rng
        elif isinstance(rng, np.random.Generator):
            gen = rng
        else:
            gen = np.random.default_rng(rng)
        JT = self._couplings_T()
        S = np.array(S0, dtype=np.float64, copy=True)
        H = np.ascontiguousarray(S @ JT)
        n_probes = S.shape[0]
        energy = None
        if return_info:
            energy = np.full((n_probes, temps.size + 1), np.nan)
            energy[:, 0] = self._energy_from(S, H)
        bar = ProgressLine(temps.size, "Glauber sweeps") if progress else None
        if _record is not None:
            _record(S)
        flips = np.zeros(n_probes, dtype=np.int64)
        sweep = dynamics._kernels().glauber_sweep if compiled else _glauber_sweep_numpy
        for t, T in enumerate(temps, start=1):
            keys = dynamics.order_keys(gen, n_probes)
            U = gen.random((n_probes, self.num_neurons))
            coef = math.inf if T == 0 else 2.0 / float(T)
            sweep(JT, H, S, keys, U, coef, float(self.bias), flips)
            if return_info:
                energy[:, t] = self._energy_from(S, H)
            if _record is not None:
                _record(S)
            if bar is not None:
                bar(t, t)
        if bar is not None:
            bar.close()
        states = S.astype(np.float32)
        out = states[0] if was_1d else states
        if not return_info:
            return out
        x = H - self.bias
        fixed = ~((S > 0) & (x < 0) | (S < 0) & (x > 0)).any(axis=1)
        n_iter = np.full(n_probes, temps.size, dtype=np.int64)
        path = ("compiled" if compiled else "numpy") + ", Glauber"
        return RecallResult(out, n_iter, fixed, np.zeros(n_probes, dtype=bool), energy, "async", path,
                            temps.size)

    def _energy_from(self, S, H):
        return -0.5 * np.einsum("ij,ij->i", S, H) + self.bias * S.sum(axis=1)


def _turn_on(z):
    """``1 / (1 + exp(-z))`` with the C library's ``exp``, as the kernel computes it.

    NumPy's vectorised ``exp`` may differ from libm's in the last bit, which
    could flip a comparison with ``U``; ``math.exp`` is libm's. Where
    ``exp(-z)`` overflows the kernel gets inf, hence 0.
    """
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:
        return 0.0


def _glauber_sweep_numpy(JT, H, S, keys, U, coef, thr, flips):
    """One Glauber sweep in NumPy (the readable twin of ``_kernels.glauber_sweep``)."""
    n = S.shape[1]
    for b in range(S.shape[0]):
        count = 0
        for t, i in enumerate(dynamics.random_order(int(keys[b]), n)):
            s = S[b, i]
            x = H[b, i] - thr
            if math.isinf(coef):
                new = 1.0 if x > 0 else (-1.0 if x < 0 else s)
            else:
                new = 1.0 if U[b, t] < _turn_on(coef * x) else -1.0
            if new != s:
                S[b, i] = new
                H[b] += (new + new) * JT[i]
                count += 1
        flips[b] = count
