r"""The continuous (graded) Hopfield network of 1984: neurons with a smooth response.

Hopfield (1984) showed that neurons with a graded response, coupled
symmetrically, have the same collective memory as the binary ones. Each
neuron has a potential :math:`u_i` and an output :math:`v_i = g(u_i)`:

.. math::

    \tau \frac{du_i}{dt} = -u_i + \sum_j J_{ij} v_j + I_i,
    \qquad v_i = g(u_i) = \tanh(\lambda u_i)

and the energy (Lyapunov function)

.. math::

    E(v) = -\frac12 v^T J v - I^T v
           + \frac{1}{\lambda}\sum_i \Big[ v_i \operatorname{artanh} v_i
           + \tfrac12 \ln(1 - v_i^2) \Big]

never rises along a trajectory when :math:`J` is symmetric:
:math:`dE/dt = -\tau\sum_i g'(u_i)\,(du_i/dt)^2 \le 0`.
"""

import warnings

import numpy as np

from .._progress import ProgressLine
from .._validation import MAX_COUNT, as_pattern_matrix, check_bool, check_int, check_real
from ..exceptions import ConvergenceWarning
from ..io import register
from .networks import HopfieldNetwork
from .result import RecallResult
from .stochastic import _CurieWeissCouplings

__all__ = ["ContinuousHopfieldNetwork"]

_MAX_HALVINGS = 40
_ROUNDING_SLACK = 1e-12  # relative change of E below which a "rise" is float64 rounding


def _log_cosh(a):
    """ln cosh(a) without overflow."""
    a = np.abs(a)
    return a + np.log1p(np.exp(-2.0 * a)) - np.log(2.0)


@register
class ContinuousHopfieldNetwork(_CurieWeissCouplings, HopfieldNetwork):
    r"""Hopfield's (1984) continuous network: graded outputs, an ODE, a Lyapunov energy.

    .. math::

        \tau \frac{du}{dt} = -u + J\,g(u) + I, \qquad g(u) = \tanh(\lambda u),

        E(v) = -\tfrac12 v^T J v - I^T v + \frac{1}{\lambda}\sum_i
        \Big[v_i \operatorname{artanh} v_i + \tfrac12\ln(1 - v_i^2)\Big]

    where

    * :math:`u` are the potentials and :math:`v = g(u)` the outputs in (-1, 1)
      (what recall returns);
    * :math:`\lambda` is ``gain`` and :math:`\tau` is ``tau``;
    * :math:`J` are the couplings in Curie-Weiss units, ``field_scale`` times
      ``W`` (see :mod:`hebbmem.hopfield.stochastic`): with Hebbian storage
      :math:`J = \frac1N\sum_\mu x^\mu x^{\mu T}`, so one stored pattern is
      retrieved with overlap :math:`m = \tanh(\lambda m)`, graded for any
      finite gain (0.957 at the default ``gain=2``) and lost for
      :math:`\lambda \le 1` (gain plays the role of 1/T);
    * :math:`I` is a constant input current, ``inputs - bias``.

    Integration: forward Euler in :math:`u` with step ``dt`` (in units of
    :math:`\tau`). The continuous flow never raises :math:`E`; a discrete
    step could overshoot, so a step that would raise the energy of a probe
    (by more than float64 rounding, :math:`10^{-12}\max(1, |E|)`) is halved
    until it does not (at most 40 times; then the probe stays put for that
    step). Along the returned trajectory :math:`E` is therefore
    non-increasing, and for small ``dt`` no step needs halving (the count is
    kept in ``halvings_``). Recall stops
    when :math:`\max_i |du_i/dt| \le` ``tol`` (a fixed point).

    Parameters
    ----------
    num_neurons : int
        Number of neurons N.
    gain : float, default=2.0
        Slope :math:`\lambda > 0` of the activation at 0.
    tau : float, default=1.0
        Time constant :math:`\tau > 0`.
    dt : float, default=0.1
        Euler step, in units of ``tau`` (0 < dt <= 1).
    max_iter : int, default=2000
        Maximum number of steps per recall.
    tol : float, default=1e-6
        Stop when every :math:`|du_i/dt|` (times :math:`\tau`) is at most ``tol``.
    field_scale : 'auto' or float, default='auto'
        :math:`J = \text{field\_scale}\cdot W` (see :mod:`hebbmem.hopfield.stochastic`).
    bias : float, default=0.0
        Threshold, subtracted from the input current.
    seed : None, int or numpy.random.Generator, default=None
        Unused by the deterministic dynamics.

    Notes
    -----
    The probe sets the initial potentials, :math:`u(0) = ` probe, so a +1/-1
    probe starts with outputs :math:`\pm\tanh(\lambda)`. Graded probes in any
    range are accepted. ``return_info=True`` records the energy after every
    step. The :math:`u`-form of the entropy term,
    :math:`\lambda^{-1}(a\tanh a - \ln\cosh a)` with :math:`a = \lambda u`,
    is used, which stays finite when :math:`v` rounds to :math:`\pm 1`.

    References
    ----------
    J. J. Hopfield, "Neurons with graded response have collective
    computational properties like those of two-state neurons", PNAS 81,
    3088-3092 (1984).

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> x = np.where(np.arange(100) % 2 == 0, 1.0, -1.0)
    >>> model = hm.ContinuousHopfieldNetwork(100)
    >>> trainer = hm.Trainer(model, hm.Hebbian()).train(x[None])
    >>> v = trainer.predict(np.where(np.arange(100) < 30, -x, x))   # 30 % flipped
    >>> round(float(v @ x) / 100, 3)    # m = tanh(2 m (1 - 1/N)): 0.957 for large N
    0.956
    """

    def __init__(self, num_neurons, *, gain=2.0, tau=1.0, dt=0.1, max_iter=2000, tol=1e-6,
                 field_scale="auto", bias=0.0, seed=None):
        super().__init__(num_neurons, asyn=False, max_iter=max_iter, bias=bias, seed=seed)
        owner = type(self).__name__
        self.gain = check_real(gain, "gain", owner, low=0, low_open=True)
        self.tau = check_real(tau, "tau", owner, low=0, low_open=True)
        self.dt = check_real(dt, "dt", owner, low=0, low_open=True, high=1.0,
                             fix="dt is the Euler step in units of tau; 0.1 is accurate and fast.")
        self.tol = check_real(tol, "tol", owner, low=0)
        self._init_couplings(field_scale, owner)

    # -------------------------------------------------------------- energy
    def _energy_u(self, U, V, H, I):
        a = self.gain * U
        entropy = (a * V - _log_cosh(a)).sum(axis=1) / self.gain
        return -0.5 * np.einsum("ij,ij->i", V, H) - V @ I + entropy

    @property
    def energy(self):
        """The Lyapunov energy of the current state ``s`` (see :meth:`compute_energy`)."""
        return self.compute_energy(self.s)

    def compute_energy(self, state, *, inputs=None):
        r"""Lyapunov energy :math:`E(v)` of outputs ``v`` in [-1, 1] (one row or several)."""
        JT = self._couplings_T()
        V, was_1d = as_pattern_matrix(state, what="state",
                                      n_neurons=self.num_neurons, bipolar=False)
        if (np.abs(V) > 1).any():
            raise ValueError("outputs v must lie in [-1, 1] (v = tanh(gain * u)); got values outside.")
        Vc = np.clip(V, -1.0 + 1e-16, 1.0 - 1e-16)
        U = np.arctanh(Vc) / self.gain
        E = self._energy_u(U, V, V @ JT, self._input(inputs))
        return float(E[0]) if was_1d else E

    def _input(self, inputs):
        I = np.full(self.num_neurons, -self.bias)
        if inputs is not None:
            extra, _ = as_pattern_matrix(inputs, what="inputs", n_neurons=self.num_neurons, bipolar=False)
            if extra.shape[0] != 1:
                raise ValueError(f"inputs must be one vector of shape ({self.num_neurons},); got {np.shape(inputs)}.")
            I = I + extra[0]
        return I

    # ------------------------------------------------------------ dynamics
    def recall(self, probes, *, compiled=True, max_iter=None, return_info=False, progress=False,
               what="probes", rng=None, inputs=None):
        """Integrate the ODE from each probe until it reaches a fixed point (or ``max_iter`` steps).

        Parameters
        ----------
        probes : array-like of shape (N,) or (n_probes, N)
            Initial potentials u(0). Not modified.
        compiled : bool, default=True
            Accepted for the trainers' API; the integrator is NumPy.
        max_iter : int, optional
            Overrides the network's ``max_iter``.
        return_info : bool, default=False
            Return a :class:`~hebbmem.RecallResult` with the energy after every step.
        progress : bool, default=False
        what : str, default='probes'
        rng : ignored
        inputs : array-like of shape (N,), optional
            Constant external current I (added to ``-bias``).

        Returns
        -------
        outputs : ndarray of the same shape as ``probes``, float64 in (-1, 1)
            Or a :class:`~hebbmem.RecallResult`.

        Warns
        -----
        ConvergenceWarning
            If some probe has not reached a fixed point after ``max_iter`` steps.
        """
        self._require_weights("recall")
        check_bool(compiled, "compiled", "recall")
        U0, was_1d = as_pattern_matrix(probes, what=what, n_neurons=self.num_neurons, bipolar=False)
        max_iter = self.max_iter if max_iter is None else check_int(max_iter, "max_iter", "recall", low=1,
                                                                    high=MAX_COUNT)
        I = self._input(inputs)
        JT = self._couplings_T()
        U = U0.copy()
        n = U.shape[0]
        V = np.tanh(self.gain * U)
        H = V @ JT
        E = self._energy_u(U, V, H, I)
        energy = np.full((n, max_iter + 1), np.nan) if return_info else None
        if return_info:
            energy[:, 0] = E
        n_iter = np.zeros(n, dtype=np.int64)
        converged = np.zeros(n, dtype=bool)
        self.halvings_ = 0
        bar = ProgressLine(n, "recall (continuous)") if progress else None
        active = np.arange(n)
        for it in range(1, max_iter + 1):
            u, h, e = U[active], H[active], E[active]
            drift = -u + h + I
            done = np.abs(drift).max(axis=1) <= self.tol
            converged[active[done]] = True
            keep = ~done
            active, u, h, e, drift = active[keep], u[keep], h[keep], e[keep], drift[keep]
            if active.size == 0:
                break
            step = np.full((active.size, 1), self.dt)
            u_new, v_new, h_new, e_new = self._try(u, drift, step, JT, I)
            # float64 rounding of E (a sum of N terms) is ~1e-15 |E|; rises below
            # the slack are rounding, not overshoot, and are accepted
            limit = e + _ROUNDING_SLACK * np.maximum(np.abs(e), 1.0)
            worse = e_new > limit
            for _ in range(_MAX_HALVINGS):
                if not worse.any():
                    break
                self.halvings_ += int(worse.sum())
                step[worse] *= 0.5
                rows = np.flatnonzero(worse)
                u2, v2, h2, e2 = self._try(u[rows], drift[rows], step[rows], JT, I)
                u_new[rows], v_new[rows], h_new[rows], e_new[rows] = u2, v2, h2, e2
                worse = e_new > limit
            if worse.any():  # no descent found: stay put this step
                u_new[worse], h_new[worse], e_new[worse] = u[worse], h[worse], e[worse]
                v_new[worse] = np.tanh(self.gain * u[worse])
            U[active], H[active], E[active] = u_new, h_new, e_new
            n_iter[active] = it
            if return_info:
                energy[active, it] = e_new
            if bar is not None:
                bar(n - active.size, it)
        else:
            drift = -U[active] + H[active] + I
            done = np.abs(drift).max(axis=1) <= self.tol
            converged[active[done]] = True
            active = active[~done]
        if bar is not None:
            bar.close()
        if active.size:
            warnings.warn(
                f"{active.size} of {n} probes did not reach a fixed point (|du/dt| <= tol={self.tol}) "
                f"within max_iter={max_iter} steps of dt={self.dt}. Raise max_iter or tol.",
                ConvergenceWarning, stacklevel=2,
            )
        states = np.tanh(self.gain * U)
        out = states[0] if was_1d else states
        if not return_info:
            return out
        return RecallResult(out, n_iter, converged, np.zeros(n, dtype=bool), energy, "sync",
                            "numpy, continuous (Euler)", max_iter)

    def _try(self, u, drift, step, JT, I):
        u_new = u + step * drift
        v_new = np.tanh(self.gain * u_new)
        h_new = v_new @ JT
        return u_new, v_new, h_new, self._energy_u(u_new, v_new, h_new, I)
