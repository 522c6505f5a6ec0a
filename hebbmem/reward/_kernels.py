"""Numba kernels of the reward-learning family: leaky integrate-and-fire steps with eligibility traces and reward.

The one module of the room where speed beats clarity. The readable NumPy
twin is :meth:`hebbmem.RewardModulatedSTDP.step` (which steps the layer with
``SpikingLayer``'s own NumPy code); the textbook loop is in
``tests/reference_reward.py``. Nothing here validates input. Kernels are
compiled lazily, with an on-disk cache (see :mod:`hebbmem._numba`).

Conventions (those of ``hebbmem/plasticity/_kernels.py``, whose
``lif_sequences`` runs the same leaky integrate-and-fire step):

* ``W`` and the eligibility ``E`` have shape (n_outputs, n_inputs), float64,
  C-contiguous, updated in place.
* Every sum runs left to right from its first term, and every update is
  written in the operation order of its NumPy twin. Without ``fastmath``
  LLVM neither reorders these sums nor fuses ``a*b+c``, so the kernels, the
  NumPy path and the layer's own ``run`` are bit-identical.
"""

import numpy as np

from .._numba import jit

__all__ = ["charge_step", "apply_reward", "reward_stdp_sequences"]


@jit
def _matvec(W, x, y):
    """``y = W @ x``, each ``y[i]`` summed left to right over j (the order of ``np.cumsum``)."""
    n_out, n_in = W.shape
    for i in range(n_out):
        acc = W[i, 0] * x[0]
        for j in range(1, n_in):
            acc += W[i, j] * x[j]
        y[i] = acc


@jit
def charge_step(W, E, x, a_plus, a_minus, e_decay, threshold, v_reset, leak, decay,
                v, trace_pre, trace_post, out, current):
    """One time step of the layer, then charge the eligibility trace (no weight change).

    1. ``trace_pre = decay trace_pre + x``
    2. ``v = leak v + W x``; ``out = v >= threshold``; ``v = v_reset`` where it spiked
    3. ``trace_post = decay trace_post + out``
    4. ``E_ij = e_decay E_ij + (a_plus (out_i trace_pre_j) - a_minus (trace_post_i x_j))``

    ``out`` (n_outputs,) receives the spikes; ``current`` (n_outputs,) is scratch.
    """
    n_out, n_in = W.shape
    for j in range(n_in):
        trace_pre[j] = decay * trace_pre[j] + x[j]
    _matvec(W, x, current)
    for i in range(n_out):
        vi = leak * v[i] + current[i]
        fired = vi >= threshold
        out[i] = 1.0 if fired else 0.0
        v[i] = v_reset if fired else vi
        trace_post[i] = decay * trace_post[i] + out[i]
    for i in range(n_out):
        si = out[i]
        qi = trace_post[i]
        for j in range(n_in):
            E[i, j] = e_decay * E[i, j] + (a_plus * (si * trace_pre[j]) - a_minus * (qi * x[j]))


@jit
def apply_reward(W, E, gain, w_min, w_max):
    """``W_ij <- clip(W_ij + gain E_ij, w_min, w_max)`` with ``gain = learning_rate * reward``."""
    n_out, n_in = W.shape
    for i in range(n_out):
        for j in range(n_in):
            w = W[i, j] + gain * E[i, j]
            W[i, j] = min(max(w, w_min), w_max)


@jit
def reward_stdp_sequences(W, E, X, starts, R, epochs, reset, lr, a_plus, a_minus, e_decay, w_min, w_max,
                          threshold, v_reset, leak, decay, v, trace_pre, trace_post, spikes,
                          record, E_hist, W_hist):
    """Run sequences of steps with reward-modulated STDP, ``epochs`` times.

    ``X`` (n_total_steps, n_inputs) holds the sequences one after the other;
    sequence ``q`` is rows ``starts[q]:starts[q + 1]``, and ``R[k]`` is the
    reward at row ``k``. With ``reset`` each sequence starts from rest
    (``v``, the traces and ``E`` zeroed), else from the state they hold; they
    hold the final state on exit. Per step: :func:`charge_step`, then, if
    ``R[k] != 0``, :func:`apply_reward` with ``gain = lr * R[k]``.

    ``spikes`` (n_total_steps, n_outputs) receives the output spikes of the
    last epoch. With ``record``, ``E_hist[e * n_total_steps + k]`` and
    ``W_hist[...]`` receive ``E`` and ``W`` after step ``k`` of epoch ``e``.
    """
    n_out, n_in = W.shape
    n_seq = starts.shape[0] - 1
    n_total = X.shape[0]
    current = np.empty(n_out)
    for e in range(epochs):
        for q in range(n_seq):
            if reset:
                for i in range(n_out):
                    v[i] = 0.0
                    trace_post[i] = 0.0
                    for j in range(n_in):
                        E[i, j] = 0.0
                for j in range(n_in):
                    trace_pre[j] = 0.0
            for k in range(starts[q], starts[q + 1]):
                charge_step(W, E, X[k], a_plus, a_minus, e_decay, threshold, v_reset, leak, decay,
                            v, trace_pre, trace_post, spikes[k], current)
                r = R[k]
                if r != 0.0:
                    apply_reward(W, E, lr * r, w_min, w_max)
                if record:
                    row = e * n_total + k
                    for i in range(n_out):
                        for j in range(n_in):
                            E_hist[row, i, j] = E[i, j]
                            W_hist[row, i, j] = W[i, j]
