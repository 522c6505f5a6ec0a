"""Numba kernels of the online-plasticity family: Oja, Sanger, BCM and STDP sample loops.

The one module of the room where speed beats clarity. The readable NumPy
twins are the ``step`` methods of the rules in
:mod:`hebbmem.plasticity.rules`; the textbook loops are in
``tests/reference_plasticity.py``. Nothing here validates input. Kernels are
compiled lazily, with an on-disk cache (see :mod:`hebbmem._numba`).
"""

import numpy as np

from .._numba import jit

__all__ = ["oja_sanger_train", "bcm_train", "lif_sequences"]


# Conventions shared by these kernels:
#
# * W has shape (n_outputs, n_inputs), float64, C-contiguous, updated in place.
# * Samples are visited in order; every sample uses the W left by the previous
#   one (no stale copy of W anywhere).
# * Every sum runs left to right, starting from its first term (not from 0.0,
#   which could flip the sign of an exact zero), and every update is written
#   in the same operation order as its NumPy twin (which sums with
#   ``np.cumsum``, the same left-to-right order). Without ``fastmath`` LLVM
#   neither reorders these sums nor fuses a*b+c, so the kernels and the twins
#   are bit-identical.


@jit
def _matvec(W, x, y):
    """``y = W @ x``, each ``y[i]`` summed left to right over j (the order of ``np.cumsum``).

    A single left-to-right sum is a chain of dependent additions that cannot
    be vectorised without reordering it. Four rows at a time (then two, then
    one) run as independent chains in registers, which the CPU overlaps:
    measured 628 -> 116 ns for a 4 x 144 matrix; the order of each sum is
    unchanged.
    """
    n_out, n_in = W.shape
    x0 = x[0]
    i = 0
    while i + 4 <= n_out:
        w0, w1, w2, w3 = W[i], W[i + 1], W[i + 2], W[i + 3]
        a0, a1, a2, a3 = w0[0] * x0, w1[0] * x0, w2[0] * x0, w3[0] * x0
        for j in range(1, n_in):
            xj = x[j]
            a0 += w0[j] * xj
            a1 += w1[j] * xj
            a2 += w2[j] * xj
            a3 += w3[j] * xj
        y[i], y[i + 1], y[i + 2], y[i + 3] = a0, a1, a2, a3
        i += 4
    if i + 2 <= n_out:
        w0, w1 = W[i], W[i + 1]
        a0, a1 = w0[0] * x0, w1[0] * x0
        for j in range(1, n_in):
            xj = x[j]
            a0 += w0[j] * xj
            a1 += w1[j] * xj
        y[i], y[i + 1] = a0, a1
        i += 2
    if i < n_out:
        w0 = W[i]
        a0 = w0[0] * x0
        for j in range(1, n_in):
            a0 += w0[j] * x[j]
        y[i] = a0


@jit
def _matvec_squares(W, ss):
    """``ss[i] = sum_j W[i, j]**2``, summed left to right."""
    n_out, n_in = W.shape
    for i in range(n_out):
        acc = W[i, 0] * W[i, 0]
        for j in range(1, n_in):
            acc += W[i, j] * W[i, j]
        ss[i] = acc


@jit
def oja_sanger_train(W, X, epochs, lr, sanger, normalize, y):
    """Oja's (``sanger=False``) or Sanger's rule over the rows of ``X``, ``epochs`` times.

    Per sample x: ``y = W x``; Oja: ``W_i += (lr y_i)(x - y_i W_i)``; Sanger:
    ``W_i += (lr y_i)(x - c_i)`` with ``c_i = sum_{k<=i} y_k W_k`` (a running
    sum over the rows, taken before row i changes); then, if ``normalize``,
    each row with a non-zero norm is divided by its norm. ``y`` (n_outputs,)
    is scratch and holds the outputs of the last sample on exit.

    Returns -1, or the index ``epoch * n_samples + sample`` of the first
    sample whose output ``y`` is not finite (the weights diverged): the loop
    stops there, before updating ``W`` with it, as the NumPy path reports.
    """
    n_out, n_in = W.shape
    n_samples = X.shape[0]
    c = np.empty(n_in)
    ss = np.empty(n_out)
    for e in range(epochs):
        for s in range(n_samples):
            x = X[s]
            _matvec(W, x, y)
            for i in range(n_out):
                if not np.isfinite(y[i]):
                    return e * n_samples + s
            if sanger:
                for i in range(n_out):
                    g = lr * y[i]
                    yi = y[i]
                    for j in range(n_in):
                        if i == 0:
                            c[j] = yi * W[i, j]
                        else:
                            c[j] += yi * W[i, j]
                        W[i, j] += g * (x[j] - c[j])
            else:
                for i in range(n_out):
                    g = lr * y[i]
                    yi = y[i]
                    for j in range(n_in):
                        W[i, j] += g * (x[j] - yi * W[i, j])
            if normalize:
                _matvec_squares(W, ss)
                for i in range(n_out):
                    nrm = np.sqrt(ss[i])
                    if nrm > 0.0:
                        for j in range(n_in):
                            W[i, j] /= nrm
    return -1


@jit
def bcm_train(W, theta, X, epochs, lr, tau, bound, y):
    """BCM over the rows of ``X``, ``epochs`` times; ``W`` and ``theta`` in place.

    Per sample x: ``y = W x``; ``W_ij <- clip(W_ij + lr (phi_i x_j), -bound,
    bound)`` with ``phi_i = y_i (y_i - theta_i)``; then ``theta_i <- theta_i +
    (y_i**2 - theta_i) / tau`` (theta is updated after W, from the same y).
    """
    n_out, n_in = W.shape
    n_samples = X.shape[0]
    for _ in range(epochs):
        for s in range(n_samples):
            x = X[s]
            _matvec(W, x, y)
            for i in range(n_out):
                phi = y[i] * (y[i] - theta[i])
                for j in range(n_in):
                    w = W[i, j] + lr * (phi * x[j])
                    W[i, j] = min(max(w, -bound), bound)
            for i in range(n_out):
                theta[i] = theta[i] + (y[i] * y[i] - theta[i]) / tau


@jit
def lif_sequences(W, X, epochs, learn, reset, lr, a_plus, a_minus, w_min, w_max,
                  threshold, v_reset, leak, decay, v, trace_pre, trace_post, spikes):
    """Run leaky integrate-and-fire sequences, with trace STDP when ``learn``.

    ``X`` is (n_sequences, n_steps, n_inputs). With ``reset`` each sequence
    starts from rest (``v``, ``trace_pre`` and ``trace_post`` zeroed), else
    from the state they hold; they hold the final state on exit. One step with input x:

    1. ``trace_pre = decay trace_pre + x``
    2. ``v = leak v + W x``
    3. ``spike = v >= threshold``; ``v = v_reset`` where it spiked
    4. ``trace_post = decay trace_post + spike``
    5. if ``learn``: ``W_ij <- clip(W_ij + lr (a_plus (spike_i trace_pre_j)
       - a_minus (trace_post_i x_j)), w_min, w_max)``

    ``spikes`` (n_sequences, n_steps, n_outputs) receives the output spikes
    of the last epoch.
    """
    n_out, n_in = W.shape
    n_seq, n_steps, _ = X.shape
    current = np.empty(n_out)
    for _ in range(epochs):
        for q in range(n_seq):
            if reset:
                for i in range(n_out):
                    v[i] = 0.0
                    trace_post[i] = 0.0
                for j in range(n_in):
                    trace_pre[j] = 0.0
            for t in range(n_steps):
                x = X[q, t]
                for j in range(n_in):
                    trace_pre[j] = decay * trace_pre[j] + x[j]
                out = spikes[q, t]
                _matvec(W, x, current)
                for i in range(n_out):
                    vi = leak * v[i] + current[i]
                    fired = vi >= threshold
                    out[i] = 1.0 if fired else 0.0
                    v[i] = v_reset if fired else vi
                    trace_post[i] = decay * trace_post[i] + out[i]
                if learn:
                    for i in range(n_out):
                        si = out[i]
                        qi = trace_post[i]
                        for j in range(n_in):
                            w = W[i, j] + lr * (a_plus * (si * trace_pre[j]) - a_minus * (qi * x[j]))
                            W[i, j] = min(max(w, w_min), w_max)

