r"""Reward-modulated STDP, the three-factor rule: spike pairings mark synapses, a later reward changes them.

Plain STDP (:class:`hebbmem.STDP`) changes a weight the moment a pre- and a
post-synaptic spike pair up. Here the pairing only *charges an eligibility
trace*, a slowly decaying memory of the synapse's recent pairings, and the
weight moves when a third factor arrives: a reward (dopamine) signal. A
reward that comes seconds after the spikes, long after the STDP window has
closed, can still credit the synapses whose pairings caused it: this solves
Izhikevich's "distal reward problem".

The rule is a small object like the rules of :mod:`hebbmem.plasticity.rules`:
it holds and checks its parameters, states its formula, and does **one**
step in plain NumPy (:meth:`RewardModulatedSTDP.step`, the ``compiled=False``
path of :class:`~hebbmem.RewardModulatedSTDPTrainer`; the trainer's Numba
kernel does the very same arithmetic, bit for bit).
"""

import math

import numpy as np

from .._validation import check_real
from ..plasticity.rules import PlasticityRule

__all__ = ["RewardModulatedSTDP"]


class RewardModulatedSTDP(PlasticityRule):
    r"""Reward-modulated STDP (R-STDP): STDP pairings charge an eligibility trace; reward turns it into weight.

    After each step of a :class:`~hebbmem.SpikingLayer` (which updates the
    spike traces :math:`a^{\mathrm{pre}}, a^{\mathrm{post}}` and the spikes
    :math:`s`, exactly as for :class:`~hebbmem.STDP`):

    .. math::

        \begin{aligned}
        e_{ij}(t) &= \lambda_e\, e_{ij}(t-1)
            + A_+\, s_i(t)\, a^{\mathrm{pre}}_j(t) - A_-\, a^{\mathrm{post}}_i(t)\, x_j(t),
            \qquad \lambda_e = e^{-1/\tau_e} \\
        \Delta W_{ij}(t) &= \eta\, r(t)\, e_{ij}(t),
            \qquad W_{ij} \leftarrow \operatorname{clip}(W_{ij} + \Delta W_{ij},\, w_{\min},\, w_{\max})
        \end{aligned}

    where

    * :math:`e_{ij}` is the eligibility trace of the synapse from input
      :math:`j` to neuron :math:`i` (the trainer's ``eligibility``);
    * :math:`A_+` is ``A_plus`` (LTP, pre before post) and :math:`A_-` is
      ``A_minus`` (LTD, post before pre): the pairing term is plain STDP's;
    * :math:`\tau_e` is ``tau_eligibility``, in time steps, and
      :math:`\lambda_e` the trace's factor per step;
    * :math:`r(t)` is the reward (dopamine) signal at step :math:`t` and
      :math:`\eta` is ``learning_rate``;
    * :math:`x_j` is the input spike, :math:`s_i` the output spike, and the
      traces decay by the layer's ``trace_decay`` per step (they include this
      step's spikes).

    Weights move **only** at steps with :math:`r(t) \ne 0`: without reward
    ``W`` is left exactly as it is (the bounds are applied when it moves).
    The sign of the change is the sign of :math:`r\,e`: a synapse whose
    pairings were mostly post-before-pre has :math:`e < 0` and is *depressed*
    by a reward. Izhikevich's dopamine is a reward *concentration* that
    decays over about 200 ms; pass such a smoothed signal as :math:`r(t)` if
    you want it.

    One pre/post pair :math:`\Delta t` steps apart followed by one reward
    :math:`r` given :math:`D` steps after the later spike changes the weight
    by :math:`\eta\, r\, \mathrm{STDP}(\Delta t)\, \lambda_e^{D}` (:meth:`credit`).

    Parameters
    ----------
    learning_rate : float, default=0.01
        :math:`\eta \ge 0`.
    A_plus, A_minus : float, default=1.0, 1.0
        Sizes of the pairing terms (:math:`\ge 0`). Equal sizes with equal
        time constants make the pairings of unrelated spike trains average to
        zero, so only causal pre-before-post structure builds eligibility.
    tau_eligibility : float, default=1000.0
        :math:`\tau_e > 0`, in steps: Izhikevich's 1 s with steps of 1 ms
        (with the layer's default ``trace_decay=0.95`` the STDP window is
        about 20 steps, his 20 ms).
    w_min, w_max : float, default=0.0, 1.0
        Bounds of the weights (``w_min <= w_max``).

    References
    ----------
    E. M. Izhikevich, "Solving the distal reward problem through linkage of
    STDP and dopamine signaling", Cerebral Cortex 17 (2007) 2443-2452;
    N. Frémaux, W. Gerstner, "Neuromodulated spike-timing-dependent
    plasticity, and theory of three-factor learning rules", Frontiers in
    Neural Circuits 9 (2016) 85.

    Examples
    --------
    One synapse: a pre spike at step 0, a post spike at step 2 (forced by a
    strong second input), a reward of 1 at step 12. The pairing charges
    :math:`e = A_+ d^2`, which decays for ten steps before the reward reads it:

    >>> import math, numpy as np, hebbmem as hm
    >>> rule = hm.RewardModulatedSTDP(learning_rate=0.5, tau_eligibility=10.0)
    >>> layer = hm.SpikingLayer(2, 1, threshold=0.5, trace_decay=0.5, seed=0)
    >>> layer.W = np.array([[0.25, 1.0]])
    >>> E = np.zeros((1, 2))
    >>> X = np.zeros((13, 2)); X[0, 0] = 1; X[2, 1] = 1
    >>> reward = np.zeros(13); reward[12] = 1.0
    >>> for x, r in zip(X, reward):
    ...     _ = rule.step(layer, E, x, r)
    >>> round(float(layer.W[0, 0]) - 0.25, 12), round(0.5 * 0.5 ** 2 * math.exp(-10 / 10), 12)
    (0.045984930146, 0.045984930146)
    >>> round(float(rule.credit(2, 10, trace_decay=0.5)), 12)  # the same, from the formula
    0.045984930146
    """

    _defaults = {"learning_rate": 0.01, "A_plus": 1.0, "A_minus": 1.0, "tau_eligibility": 1000.0,
                 "w_min": 0.0, "w_max": 1.0}

    def __init__(self, learning_rate=0.01, A_plus=1.0, A_minus=1.0, tau_eligibility=1000.0, w_min=0.0,
                 w_max=1.0):
        owner = "RewardModulatedSTDP"
        self.learning_rate = self._check_rate(learning_rate)
        self.A_plus = check_real(A_plus, "A_plus", owner, low=0.0,
                                 fix="It is the size of the pre-before-post (LTP) pairing, e.g. 1.0.")
        self.A_minus = check_real(A_minus, "A_minus", owner, low=0.0,
                                  fix="It is the size of the post-before-pre (LTD) pairing, e.g. 1.0.")
        self.tau_eligibility = check_real(
            tau_eligibility, "tau_eligibility", owner, low=0.0, low_open=True,
            fix="It is the time constant of the eligibility trace, in steps (e.g. 1000 for 1 s of 1 ms steps).")
        if math.exp(-1.0 / self.tau_eligibility) == 1.0:
            raise ValueError(
                f"The 'tau_eligibility' parameter of {owner} must be below 1e15 steps; got "
                f"{self.tau_eligibility!r}, for which the trace would never decay (its factor per step rounds "
                "to 1). Use a time constant a few times longer than the delay of the reward.")
        self.w_min = check_real(w_min, "w_min", owner)
        self.w_max = check_real(w_max, "w_max", owner)
        if self.w_min > self.w_max:
            raise ValueError(f"{owner} needs w_min <= w_max; got w_min={self.w_min} > w_max={self.w_max}. "
                             "Swap them (the default range is [0, 1]).")

    @property
    def eligibility_decay(self):
        r"""The factor :math:`\lambda_e = e^{-1/\tau_e}` kept from the eligibility trace at every step."""
        return math.exp(-1.0 / self.tau_eligibility)

    def charge(self, layer, E, x):
        """Advance ``layer`` one step with input ``x`` and charge the eligibility ``E`` (in place).

        The first line of the formula; ``W`` does not change. Returns the
        output spikes of this step.
        """
        layer._step(x)  # SpikingLayer's own NumPy step: traces, potential, spikes
        s, a_pre, a_post = layer.spike, layer.trace_pre, layer.trace_post
        E[:] = self.eligibility_decay * E + (self.A_plus * np.outer(s, a_pre) - self.A_minus * np.outer(a_post, x))
        return s

    def apply(self, W, E, reward):
        """The second line: ``W += learning_rate * reward * E``, clipped, if ``reward != 0`` (in place)."""
        if reward != 0.0:
            W += (self.learning_rate * reward) * E
            np.clip(W, self.w_min, self.w_max, out=W)

    def step(self, layer, E, x, reward):
        """One step: :meth:`charge` with input ``x``, then :meth:`apply` the reward to ``layer.W``.

        Parameters
        ----------
        layer : SpikingLayer
            Advanced one step; its ``W`` is updated in place.
        E : ndarray of shape (output_size, input_size)
            The eligibility trace, updated in place.
        x : ndarray of shape (input_size,)
            Input spikes (0/1) at this step.
        reward : float
            The reward signal :math:`r(t)` at this step.

        Returns
        -------
        spikes : ndarray of shape (output_size,)
        """
        s = self.charge(layer, E, x)
        self.apply(layer.W, E, reward)
        return s

    def credit(self, dt, delay, trace_decay=0.95, reward=1.0):
        r"""The weight change of one pre/post pair followed by one delayed reward (ignoring the bounds).

        Parameters
        ----------
        dt : int or array-like of int
            :math:`\Delta t = t_{post} - t_{pre}` in steps.
        delay : int or array-like of int
            Steps :math:`D \ge 0` from the later spike of the pair to the reward.
        trace_decay : float, default=0.95
            The layer's ``trace_decay`` :math:`d`.
        reward : float, default=1.0

        Returns
        -------
        dw : float or ndarray
            :math:`\eta\, r\, \mathrm{STDP}(\Delta t)\, \lambda_e^{D}`, with
            :math:`\mathrm{STDP}(\Delta t) = A_+ d^{\Delta t}` for
            :math:`\Delta t > 0`, :math:`-A_- d^{|\Delta t|}` for
            :math:`\Delta t < 0` and :math:`A_+ - A_-` at 0.
        """
        dt = np.asarray(dt)
        delay = np.asarray(delay)
        if (delay < 0).any():
            raise ValueError("credit() needs delay >= 0 (the reward comes after the pair); got "
                             f"{delay.min()}.")
        d = check_real(trace_decay, "trace_decay", "RewardModulatedSTDP.credit", low=0.0, high=1.0)
        r = check_real(reward, "reward", "RewardModulatedSTDP.credit")
        window = d ** np.abs(dt).astype(np.float64)
        stdp = np.where(dt > 0, self.A_plus * window, np.where(dt < 0, -self.A_minus * window,
                                                                self.A_plus - self.A_minus))
        return self.learning_rate * r * stdp * self.eligibility_decay ** delay.astype(np.float64)
