"""The trainer of reward learning: a spiking layer learns from spike pairings and a delayed reward (R-STDP).

``Model + Trainer + Data``, as in the other families, with one more
argument, the reward::

    import hebbmem as hm
    layer = hm.SpikingLayer(input_size=20, output_size=1, seed=0)
    trainer = hm.RewardModulatedSTDPTrainer(layer, learning_rate=0.05, tau_eligibility=40.0)
    trainer.train(spikes, reward)          # spikes (n_steps, 20) of 0/1, reward (n_steps,)
    trainer.train(spikes, my_reward_fn)    # closed loop: my_reward_fn(t, x, out_spikes) -> float

The sample loop runs in a Numba kernel (``compiled=True``) or in the rule's
NumPy :meth:`~hebbmem.RewardModulatedSTDP.step` (``compiled=False``); both
give bit-identical weights, spikes and eligibility traces.
"""

import sys

import numpy as np

from .._trainer import Trainer, rule_parameter
from .._validation import check_bool, check_bytes_fit, check_int
from ..plasticity.layers import SpikingLayer
from ._data import as_rewards, as_spike_sequences, check_reward_value, split_like
from .rules import RewardModulatedSTDP

__all__ = ["RewardModulatedSTDPTrainer"]

_KERNELS = []


def _kernels_module():
    """hebbmem.reward._kernels, imported on first use (``import hebbmem`` does not load Numba)."""
    if not _KERNELS:
        from . import _kernels

        _KERNELS.append(_kernels)
    return _KERNELS[0]


class RewardModulatedSTDPTrainer(Trainer):
    r"""Train a :class:`~hebbmem.SpikingLayer` with reward-modulated STDP (:class:`~hebbmem.RewardModulatedSTDP`).

    STDP pairings charge an eligibility trace :math:`e_{ij}` that decays with
    ``tau_eligibility``; the weights move only at steps where the reward is
    not zero:

    .. math::

        e_{ij}(t) = e^{-1/\tau_e}\, e_{ij}(t-1) + A_+ s_i a^{\mathrm{pre}}_j - A_- a^{\mathrm{post}}_i x_j,
        \qquad
        \Delta W_{ij}(t) = \eta\, r(t)\, e_{ij}(t) \quad (\text{clipped to } [w_{\min}, w_{\max}])

    where :math:`\eta` is ``learning_rate``, :math:`A_\pm` are ``A_plus`` and
    ``A_minus``, :math:`\tau_e` is ``tau_eligibility`` (in steps),
    :math:`r(t)` the reward at step :math:`t`, and the spikes and traces are
    the layer's (see :class:`~hebbmem.RewardModulatedSTDP` for the full
    list). The trainer draws no random numbers: the same inputs and
    rewards give the same weights.

    Parameters
    ----------
    model : SpikingLayer
        Its ``W`` is trained in place; its ``threshold``, ``v_reset``,
        ``leak`` and ``trace_decay`` set the dynamics and the STDP window.
    learning_rate : float, default=0.01
    A_plus, A_minus : float, default=1.0, 1.0
    tau_eligibility : float, default=1000.0
        Time constant of the eligibility trace, in steps.
    w_min, w_max : float, default=0.0, 1.0
        Bounds of the weights, applied when they move (a step without reward
        leaves ``W`` exactly as it is, even outside the bounds).
    compiled : bool, default=True
        Numba kernel (True) or the rule's NumPy step (False); bit-identical.
    show_iteration_progress : bool, default=False
        Print ``epoch e/E`` on stderr during :meth:`train`.
    compiled_prediction : bool, default=True
        :meth:`predict_batch` with the Numba kernel (True) or NumPy steps.

    Attributes
    ----------
    rule : RewardModulatedSTDP
    eligibility : ndarray of shape (output_size, input_size)
        The eligibility trace after the last step trained (zero before).
    spikes_, rewards_ : ndarray, or list of ndarray
        Output spikes and the reward of every step of the last epoch of the
        last :meth:`train` call, shaped like its inputs: (n_steps,
        output_size) and (n_steps,) for one sequence, a stack for a stack, a
        list for a list. ``rewards_`` shows what a reward callable returned.
    eligibility_history_, weight_history_ : ndarray of shape (epochs * n_total_steps, output_size, input_size) or None
        ``E`` and ``W`` after every step of every epoch (the sequences one
        after the other), when the last :meth:`train` had ``record=True``.

    Examples
    --------
    Input 0 fires at step 0; input 1, a strong synapse, makes the neuron fire
    at step 1 (pre before post: input 0 becomes eligible). The reward comes
    at step 6, long after the STDP window (``trace_decay=0.2``) has closed:

    >>> import numpy as np, hebbmem as hm
    >>> layer = hm.SpikingLayer(2, 1, threshold=0.5, trace_decay=0.2, seed=0)
    >>> layer.W = np.array([[0.25, 1.0]])
    >>> X = np.zeros((8, 2)); X[0, 0] = 1; X[1, 1] = 1
    >>> trainer = hm.RewardModulatedSTDPTrainer(layer, learning_rate=0.5, tau_eligibility=5.0)
    >>> _ = trainer.train(X, np.zeros(8))   # no reward: nothing is learned
    >>> layer.W
    array([[0.25, 1.  ]])
    >>> reward = np.zeros(8); reward[6] = 1.0
    >>> _ = trainer.train(X, reward)
    >>> round(float(layer.W[0, 0]), 6)   # 0.25 + 0.5 * (0.2 e^(-5/5))
    0.286788
    """

    learning_rate = rule_parameter("learning_rate")
    A_plus = rule_parameter("A_plus")
    A_minus = rule_parameter("A_minus")
    tau_eligibility = rule_parameter("tau_eligibility")
    w_min = rule_parameter("w_min")
    w_max = rule_parameter("w_max")

    def __init__(self, model, learning_rate=0.01, A_plus=1.0, A_minus=1.0, tau_eligibility=1000.0, w_min=0.0,
                 w_max=1.0, compiled=True, *, show_iteration_progress=False, compiled_prediction=True):
        owner = type(self).__name__
        if isinstance(model, type):
            raise TypeError(f"{owner} needs a model instance, but got the class {model.__name__}: create it "
                            f"first, e.g. model = hebbmem.SpikingLayer(input_size=..., output_size=...).")
        if not isinstance(model, SpikingLayer):
            raise TypeError(f"{owner} trains a hebbmem.SpikingLayer (leaky integrate-and-fire neurons with spike "
                            f"traces); got {type(model).__name__}. Build one with "
                            "hebbmem.SpikingLayer(input_size, output_size).")
        super().__init__(model, compiled_prediction=compiled_prediction,
                         show_iteration_progress=show_iteration_progress)
        self.rule = RewardModulatedSTDP(learning_rate=learning_rate, A_plus=A_plus, A_minus=A_minus,
                                        tau_eligibility=tau_eligibility, w_min=w_min, w_max=w_max)
        self.compiled = check_bool(compiled, "compiled", owner)
        W = self._weights()
        self.eligibility = np.zeros(W.shape)
        self.spikes_ = self.rewards_ = None
        self.eligibility_history_ = self.weight_history_ = None

    # ------------------------------------------------------------------ checks

    def _weights(self):
        """``model.W`` as float64 C-contiguous (converted once, in place on the model), checked."""
        m = self.model
        W = np.asarray(m.W)
        shape = (m.output_size, m.input_size)
        if W.shape != shape or W.dtype.kind not in "fiu":
            raise ValueError(f"model.W must be a real array of shape {shape} (output_size, input_size); got "
                             f"shape {W.shape} and dtype {W.dtype}. Assign a matrix of that shape.")
        if W is not m.W or W.dtype != np.float64 or not W.flags.c_contiguous or not W.flags.writeable:
            W = m.W = np.array(W, dtype=np.float64, order="C")
        if not np.isfinite(W).all():
            raise ValueError("model.W contains NaN or inf (set by hand?). Assign finite weights.")
        return W

    def _state(self, W, reset):
        """Fresh float64 copies of the layer's state and of the eligibility (zeros with ``reset``)."""
        m = self.model
        n_out, n_in = W.shape
        if reset:
            return np.zeros(n_out), np.zeros(n_in), np.zeros(n_out), np.zeros((n_out, n_in))
        parts = {"model.v": (m.v, (n_out,)), "model.trace_pre": (m.trace_pre, (n_in,)),
                 "model.trace_post": (m.trace_post, (n_out,)), "trainer.eligibility": (self.eligibility, W.shape)}
        out = []
        for name, (value, shape) in parts.items():
            arr = np.array(value, dtype=np.float64)
            if arr.shape != shape or not np.isfinite(arr).all():
                raise ValueError(f"train(..., reset=False) continues from {name}, which must hold {shape} finite "
                                 f"values; got shape {arr.shape}. Call trainer.reset_state(), or train with "
                                 "reset=True.")
            out.append(arr)
        return tuple(out)

    def reset_state(self):
        """Back to rest: the layer's potentials and traces, and the eligibility trace, to zero (weights kept)."""
        self.model.reset_state()
        self.eligibility = np.zeros((self.model.output_size, self.model.input_size))

    # ------------------------------------------------------------------ training

    def train(self, inputs, reward, epochs=1, *, reset=True, record=False):
        """Run the input sequence(s) with reward-modulated STDP on, in order, ``epochs`` times.

        Parameters
        ----------
        inputs : array-like of shape (n_steps, input_size) or (n_sequences, n_steps, input_size), or list of 2-D arrays
            Input spikes, 0 or 1, one row per time step. A list of 2-D
            arrays holds sequences of any lengths (trials). Not modified.
        reward : array-like, or callable
            One reward per time step: shape (n_steps,) for one sequence; for
            several, a list of such arrays, one per sequence (or an array of
            shape (n_sequences, n_steps) for a stack). Zero means no reward.
            Or a callable ``reward(t, x, spikes) -> float`` called at every
            step after the layer has stepped (closed loop): ``t`` is the step
            within its sequence (from 0), ``x`` the input and ``spikes`` the
            output spikes of this step (read-only arrays). Its reward acts
            at this same step.
        epochs : int, default=1
        reset : bool, default=True
            Start every sequence from rest: potentials, spike traces and the
            eligibility trace at zero. False continues from the layer's state
            and :attr:`eligibility` (the sequences then run back to back).
        record : bool, default=False
            Keep ``E`` and ``W`` after every step in
            :attr:`eligibility_history_` and :attr:`weight_history_`.

        Returns
        -------
        self

        Notes
        -----
        With arrays of rewards the whole run is one compiled call. A
        callable needs Python at every step: with ``compiled=True`` each step
        is two compiled calls (the layer step with the eligibility, then the
        weight change) around the call of ``reward``; with ``compiled=False``
        it is the NumPy step. All paths give identical results. If the
        callable raises, the weights keep the changes of the steps before.
        """
        owner = f"{type(self).__name__}.train"
        # Train a copy bound to the model (as the plasticity trainers do): an array the caller holds
        # (model.W = A, or W0 = model.W) is never written into, and each call leaves a new W.
        W = np.array(self._weights(), dtype=np.float64, order="C")
        self.model.W = W
        X, starts, layout = as_spike_sequences(inputs, W.shape[1], "SpikingLayer")
        epochs = check_int(epochs, "epochs", owner, low=1, fix="It is the number of passes over the sequences.")
        reset = check_bool(reset, "reset", owner)
        record = check_bool(record, "record", owner)
        reward_fn = reward if callable(reward) else None
        R = None if reward_fn is not None else as_rewards(reward, starts, layout)
        n_total = X.shape[0]
        if record:
            need = 2 * epochs * n_total * W.size * 8
            check_bytes_fit(need, f"record=True ({epochs} epochs x {n_total} steps x {W.size} synapses, twice)",
                            "Record fewer steps (train in chunks with reset=False), or set record=False.")
            hist_shape = (epochs * n_total,) + W.shape
        else:
            hist_shape = (0,) + W.shape
        E_hist, W_hist = np.zeros(hist_shape), np.zeros(hist_shape)
        v, pre, post, E = self._state(W, reset)
        m = self.model
        m.v, m.trace_pre, m.trace_post = v, pre, post
        self.eligibility = E
        spikes = np.zeros((n_total, W.shape[0]))
        rewards = np.zeros(n_total) if R is None else R
        one_call = R is not None and self.compiled  # the whole run in one compiled call
        run = self._kernel_run if one_call else self._python_run
        args = (W, E, X, starts, R, reward_fn, reset, spikes, rewards, record, E_hist, W_hist)
        if self.show_iteration_progress or not one_call:
            for e in range(epochs):
                run(e, 1, *args)
                if self.show_iteration_progress:
                    sys.stderr.write(f"\r{type(self).__name__}: epoch {e + 1}/{epochs}")
                    sys.stderr.flush()
            if self.show_iteration_progress:
                sys.stderr.write("\n")
        else:
            run(0, epochs, *args)
        m.x = X[-1].copy()
        m.spike = spikes[-1].copy()
        self.spikes_ = split_like(spikes, layout)
        self.rewards_ = split_like(rewards.copy(), layout)
        self.eligibility_history_ = E_hist if record else None
        self.weight_history_ = W_hist if record else None
        return self

    def _kernel_run(self, first_epoch, n_epochs, W, E, X, starts, R, reward_fn, reset, spikes, rewards, record,
                    E_hist, W_hist):
        """``n_epochs`` epochs in one compiled call (rewards given as an array)."""
        m, rule = self.model, self.rule
        n_total = X.shape[0]
        rows = slice(first_epoch * n_total, (first_epoch + n_epochs) * n_total) if record else slice(0, 0)
        _kernels_module().reward_stdp_sequences(
            W, E, X, starts, R, n_epochs, reset, rule.learning_rate, rule.A_plus, rule.A_minus,
            rule.eligibility_decay, rule.w_min, rule.w_max, float(m.threshold), float(m.v_reset), float(m.leak),
            float(m.trace_decay), m.v, m.trace_pre, m.trace_post, spikes, record, E_hist[rows], W_hist[rows])

    def _python_run(self, epoch, _one, W, E, X, starts, R, reward_fn, reset, spikes, rewards, record,
                    E_hist, W_hist):
        """One epoch stepped from Python: the NumPy step, or (compiled) the two step kernels.

        Needed for a reward callable (it is called between the layer's step
        and the weight change) and for ``compiled=False``.
        """
        m, rule = self.model, self.rule
        kernels = _kernels_module() if self.compiled else None
        X_view, spikes_view = X.view(), spikes.view()
        X_view.flags.writeable = spikes_view.flags.writeable = False  # what the callable sees
        current = np.empty(W.shape[0])
        n_total = X.shape[0]
        owner = type(self).__name__
        for q in range(len(starts) - 1):
            if reset:
                m.reset_state()
                E[:] = 0.0
            for k in range(starts[q], starts[q + 1]):
                if kernels is not None:
                    kernels.charge_step(W, E, X[k], rule.A_plus, rule.A_minus, rule.eligibility_decay,
                                        float(m.threshold), float(m.v_reset), float(m.leak), float(m.trace_decay),
                                        m.v, m.trace_pre, m.trace_post, spikes[k], current)
                else:
                    spikes[k] = rule.charge(m, E, X[k])
                if reward_fn is None:
                    r = R[k]
                else:
                    t = k - int(starts[q])
                    r = check_reward_value(reward_fn(t, X_view[k], spikes_view[k]), t, q, owner)
                    rewards[k] = r
                if kernels is not None:
                    if r != 0.0:
                        kernels.apply_reward(W, E, rule.learning_rate * r, rule.w_min, rule.w_max)
                else:
                    rule.apply(W, E, r)
                if record:
                    E_hist[epoch * n_total + k] = E
                    W_hist[epoch * n_total + k] = W

    # ------------------------------------------------------------------ prediction

    def predict(self, pattern, *args, **kwargs):
        """One time step of the layer from its current state (``model.forward``); returns the spikes."""
        return self.model.forward(pattern)

    def predict_batch(self, patterns, *args, **kwargs):
        """Run a sequence (or several) from rest without learning; return the output spikes.

        Parameters
        ----------
        patterns : array-like of shape (n_steps, input_size) or (n_sequences, n_steps, input_size), or list of 2-D arrays

        Returns
        -------
        spikes : ndarray of shape (n_steps, output_size) or (n_sequences, n_steps, output_size), or list
            One compiled call per array (``compiled_prediction=True``), or
            NumPy steps; bit-identical. The layer is left in the state after
            the last step.
        """
        compiled = bool(self.compiled_prediction)
        if isinstance(patterns, (list, tuple)) and len(patterns) and all(np.ndim(p) == 2 for p in patterns):
            return [self.model.run(p, reset=True, compiled=compiled) for p in patterns]
        return self.model.run(patterns, reset=True, compiled=compiled)

    def __repr__(self):
        extra = "" if self.compiled else ", compiled=False"
        return f"{type(self).__name__}({self.model!r}, {self.rule!r}{extra})"

