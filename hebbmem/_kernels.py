"""Numba kernels for Hopfield recall: the one module where speed beats clarity.

The readable versions of these loops are in :mod:`hebbmem.dynamics`
(``compiled_prediction=False``) and must give bit-identical results; the
naive textbook twins live in ``tests/reference.py``.

Conventions shared with :mod:`hebbmem.dynamics`:

* States are +1/-1 in the dtype of the weights (float32 or float64).
* Fields are in *raw* weight units (for Hebbian: integer sums) and ``thr`` is
  the firing threshold in the same units, so every path compares the same
  numbers and ties cannot resolve differently.
* Tie rule: a neuron whose field equals ``thr`` keeps its state.
* The async update order of each probe in each sweep is a Fisher-Yates
  shuffle driven by one 64-bit key drawn from the network's generator (see
  :func:`fill_order`).

Nothing here validates input. Kernels are compiled lazily on first use (the
first recall that needs them), with ``cache=True``, so later processes load
them from Numba's on-disk cache in milliseconds instead of compiling again.

Where the cache goes: ``NUMBA_CACHE_DIR`` if it is set (set it to a writable
directory for read-only installs, containers or shared clusters); otherwise
the package's ``__pycache__`` or ``~/.cache/numba``, as Numba chooses. When
none of those is writable, hebbmem falls back to a per-user directory in the
temporary directory (``$TMPDIR/hebbmem-numba-cache-<uid>``); only if that
fails too does it compile without a cache (about 1 s more per process) and
warn, once. Importing hebbmem never fails because of the cache.
"""

import os
import tempfile
import warnings

import numba
import numpy as np
from numba import prange

from ._constants import SPLITMIX_GOLDEN, SPLITMIX_MIX1, SPLITMIX_MIX2  # a leaf module: no import circle

__all__ = ["fill_order", "sync_pass", "async_sweep_dense", "async_sweep_lowrank", "parallel_variant"]

_OPTIONS = {"nogil": True, "error_model": "numpy"}
_CACHE_STATE = {"fallback": None, "warned": False}


def _fallback_cache_dir():
    """A private, per-user cache directory in the temporary directory, or None if there is none."""
    if _CACHE_STATE["fallback"] is None:
        user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
        path = os.path.join(tempfile.gettempdir(), f"hebbmem-numba-cache-{user}")
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
            info = os.lstat(path)
            # Another user's directory (or a symlink planted in /tmp) is not ours to write into.
            mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
            if not (mine and os.path.isdir(path) and not os.path.islink(path) and os.access(path, os.W_OK)):
                path = ""
        except OSError:
            path = ""
        _CACHE_STATE["fallback"] = path
    return _CACHE_STATE["fallback"] or None


def _jit(fn=None, **extra):
    """``numba.njit(cache=True)``, with a temporary cache directory, or no cache, as a fallback."""
    if fn is None:
        return lambda f: _jit(f, **extra)
    try:
        return numba.njit(cache=True, **_OPTIONS, **extra)(fn)
    except (RuntimeError, OSError):
        pass  # "cannot cache function ...: no locator available": nowhere writable
    path = _fallback_cache_dir()
    if path is not None and not numba.config.CACHE_DIR:
        numba.config.CACHE_DIR = path  # Numba's user-provided locator reads it at decoration time
        try:
            return numba.njit(cache=True, **_OPTIONS, **extra)(fn)
        except (RuntimeError, OSError):
            pass
    if not _CACHE_STATE["warned"]:
        _CACHE_STATE["warned"] = True
        warnings.warn(
            "hebbmem: Numba cannot cache the compiled kernels (no writable cache directory: not the "
            "package's __pycache__, ~/.cache, nor the temporary directory), so every new process compiles "
            "them again (about 1 s). Set the environment variable NUMBA_CACHE_DIR to a writable directory.",
            RuntimeWarning,
            stacklevel=2,
        )
    # Compile in memory instead; importing hebbmem must never fail.
    return numba.njit(cache=False, **_OPTIONS, **extra)(fn)


_GOLDEN = np.uint64(SPLITMIX_GOLDEN)
_MIX1 = np.uint64(SPLITMIX_MIX1)
_MIX2 = np.uint64(SPLITMIX_MIX2)


@_jit
def fill_order(key, order):
    """Fill ``order`` with the permutation of ``range(len(order))`` drawn from ``key``.

    Fisher-Yates, from the last position down: position ``i`` swaps with
    ``j = floor((raw_i >> 32) * (i + 1) / 2**32)``, where ``raw_i`` is output
    ``i + 1`` of SplitMix64 started at ``key`` (see
    :func:`hebbmem.dynamics.random_order`).
    """
    n = order.shape[0]
    for i in range(n):
        order[i] = i
    for i in range(n - 1, 0, -1):
        z = key + np.uint64(i + 1) * _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        z = z ^ (z >> np.uint64(31))
        j = np.int64(((z >> np.uint64(32)) * np.uint64(i + 1)) >> np.uint64(32))
        tmp = order[i]
        order[i] = order[j]
        order[j] = tmp


# Not inline="always": Numba would inline it into the caller and drop the flag.
@_jit(fastmath={"reassoc"})
def _dot(a, b):
    """``a @ b`` for two short vectors, in any summation order.

    Only used where every product and partial sum is exact (integer-valued
    Hebbian factors, grid-snapped pseudo-inverse factors), so reordering the
    sum to vectorise it cannot change the result.
    """
    acc = a[0] * b[0]
    for k in range(1, a.shape[0]):
        acc += a[k] * b[k]
    return acc


@_jit
def sync_pass(H, S, S_prev, d, thr, it, max_iter, rows, out, n_iter, status):
    """One synchronous update of every active probe, fused with bookkeeping.

    On entry ``H[r] = W_raw @ S[r]`` (low-rank: without the ``- d * S[r]``
    correction, applied here) for each active row ``r``, and ``S_prev`` holds
    the states of iteration ``it - 1`` (its content is ignored when
    ``it == 1``). Rows that reached a fixed point (status 1) or a 2-cycle
    (status 2) are copied to ``out`` and dropped; the others are compacted to
    the front, in order. A 2-cycle's row is copied at the parity of
    ``max_iter``: the new state if ``max_iter - it`` is even, else the state
    before this update. Returns the number of rows still active.

    The inner loop is branch-free so that LLVM vectorises it: with
    ``s = +-1``, ``s * (h - thr) < 0`` is exactly "the field is on the other
    side of the threshold" (a float difference is 0 only when ``h == thr``,
    and its sign is never rounded away), so ties keep their state.
    """
    n_active, n = S.shape
    keep = 0
    for r in range(n_active):
        orig = rows[r]
        n_changed = 0
        n_back = 0
        for j in range(n):
            s = S[r, j]
            h = H[r, j] - d[j] * s
            flip = s * (h - thr) < 0
            new = -s if flip else s
            n_changed += flip
            n_back += new == S_prev[r, j]
            S_prev[r, j] = s
            S[r, j] = new
        n_iter[orig] = it
        if n_changed == 0 or (it > 1 and n_back == n):
            status[orig] = 1 if n_changed == 0 else 2
            src = S_prev if n_changed != 0 and (max_iter - it) % 2 == 1 else S
            for j in range(n):
                out[orig, j] = src[r, j]
        else:
            if keep != r:
                for j in range(n):
                    S[keep, j] = S[r, j]
                    S_prev[keep, j] = S_prev[r, j]
                rows[keep] = orig
            keep += 1
    return keep


@_jit
def async_sweep_dense(WC, H, S, keys, selfw, thr, ethr, E, flips):
    """One asynchronous sweep of every probe with a dense weight matrix.

    ``H[b]`` holds the fields of probe ``b`` and is updated incrementally,
    ``H[b] += 2 * s_new * WC[i]``, only when neuron ``i`` flips, where row
    ``WC[i]`` is column i of W (W itself when W is symmetric, else W.T).
    ``E[b]`` (float64, raw units) changes by ``2 s_old (h_i - ethr) - 2 W_ii``
    per flip (the energy argument needs a symmetric W); ``ethr`` is the exact
    threshold, ``thr`` the one compared with (they differ only where a tie is
    impossible). ``keys[b]`` draws the order.
    """
    n_probes, n = S.shape
    for b in prange(n_probes):
        order = np.empty(n, np.int64)
        fill_order(keys[b], order)
        Hb = H[b]
        Sb = S[b]
        n_flips = 0
        e = E[b]
        for t in range(n):
            i = order[t]
            s = Sb[i]
            h = Hb[i]
            if s * (h - thr) < 0:  # the field is on the other side of thr (ties keep s)
                e += 2.0 * np.float64(s) * (np.float64(h) - ethr) - 2.0 * np.float64(selfw[i])
                new = -s
                Sb[i] = new
                step = new + new
                Wi = WC[i]  # a contiguous row view: LLVM vectorises the update
                for j in range(n):
                    Hb[j] += step * Wi[j]
                n_flips += 1
        E[b] = e
        flips[b] = n_flips


@_jit
def async_sweep_lowrank(UT, VT, M, S, keys, d, selfw, thr, ethr, E, flips):
    """One asynchronous sweep with low-rank weights ``W_raw = U.T @ V - diag(d)``.

    ``M[b] = V @ S[b]`` (the P overlaps) is kept up to date: a visit costs
    ``h_i = UT[i] @ M[b] - d_i s_i`` and a flip ``M[b] += 2 s_new VT[i]``,
    both O(P).
    """
    n_probes, n = S.shape
    p = UT.shape[1]
    for b in prange(n_probes):
        order = np.empty(n, np.int64)
        fill_order(keys[b], order)
        Mb = M[b]
        Sb = S[b]
        n_flips = 0
        e = E[b]
        for t in range(n):
            i = order[t]
            s = Sb[i]
            h = _dot(UT[i], Mb) - d[i] * s
            if s * (h - thr) < 0:
                e += 2.0 * np.float64(s) * (np.float64(h) - ethr) - 2.0 * np.float64(selfw[i])
                new = -s
                Sb[i] = new
                step = new + new
                Vi = VT[i]
                for mu in range(p):
                    Mb[mu] += step * Vi[mu]
                n_flips += 1
        E[b] = e
        flips[b] = n_flips


_PARALLEL = {}


def parallel_variant(kernel):
    """Return a ``parallel=True`` build of an async kernel (opt-in, not cached).

    The probes of a batch are then spread over threads with ``prange``.
    """
    if kernel not in _PARALLEL:
        _PARALLEL[kernel] = numba.njit(parallel=True, **_OPTIONS)(kernel.py_func)
    return _PARALLEL[kernel]


# =============================================================================
# Online plasticity: Oja, Sanger, BCM and STDP sample loops (issue 8)
# =============================================================================
#
# The readable NumPy twins are the ``step`` methods of the rules in
# :mod:`hebbmem.plasticity`; the textbook loops are in
# ``tests/reference_plasticity.py``. Conventions shared by these kernels:
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


@_jit
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


@_jit
def _matvec_squares(W, ss):
    """``ss[i] = sum_j W[i, j]**2``, summed left to right."""
    n_out, n_in = W.shape
    for i in range(n_out):
        acc = W[i, 0] * W[i, 0]
        for j in range(1, n_in):
            acc += W[i, j] * W[i, j]
        ss[i] = acc


@_jit
def oja_sanger_train(W, X, epochs, lr, sanger, normalize, y):
    """Oja's (``sanger=False``) or Sanger's rule over the rows of ``X``, ``epochs`` times.

    Per sample x: ``y = W x``; Oja: ``W_i += (lr y_i)(x - y_i W_i)``; Sanger:
    ``W_i += (lr y_i)(x - c_i)`` with ``c_i = sum_{k<=i} y_k W_k`` (a running
    sum over the rows, taken before row i changes); then, if ``normalize``,
    each row with a non-zero norm is divided by its norm. ``y`` (n_outputs,)
    is scratch and holds the outputs of the last sample on exit.
    """
    n_out, n_in = W.shape
    n_samples = X.shape[0]
    c = np.empty(n_in)
    ss = np.empty(n_out)
    for _ in range(epochs):
        for s in range(n_samples):
            x = X[s]
            _matvec(W, x, y)
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


@_jit
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


@_jit
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


# =============================================================================
# Memory science: dense associative memory and Glauber sweeps (issue 9)
# =============================================================================
#
# The readable NumPy twins are ``DenseAssociativeMemory._sweep_numpy`` in
# :mod:`hebbmem.modern` and ``_glauber_sweep_numpy`` in :mod:`hebbmem.stochastic`;
# the textbook loops are in ``tests/reference_memory.py``. Both kernels visit the
# neurons of each probe in the order ``fill_order(keys[b])`` and sum over the
# patterns left to right, as their twins do.


@_jit
def dam_async_sweep(XT, M, S, keys, degree, rectified, flips):
    """One asynchronous sweep of a dense associative memory (Krotov and Hopfield, 2016).

    ``XT`` (N, P) holds the stored patterns as columns, ``M[b]`` the P
    overlaps ``X @ S[b]`` (kept up to date), ``S[b]`` the +1/-1 state (float64).
    Visiting neuron i: ``r = M[b] - XT[i] * s_i`` and
    ``delta = sum_mu F(r_mu + x_mu) - F(r_mu - x_mu)`` with ``F(x) = x**degree``
    (``max(x, 0)**degree`` when ``rectified``); the neuron takes the sign of
    ``delta`` and keeps its state when ``delta == 0``. ``flips[b]`` gets the
    number of flips of probe b.
    """
    n_probes, n = S.shape
    p = XT.shape[1]
    order = np.empty(n, np.int64)
    for b in range(n_probes):
        fill_order(keys[b], order)
        Mb = M[b]
        Sb = S[b]
        count = 0
        for t in range(n):
            i = order[t]
            x = XT[i]
            s = Sb[i]
            delta = 0.0
            for mu in range(p):
                r = Mb[mu] - x[mu] * s
                a = r + x[mu]
                c = r - x[mu]
                if rectified:
                    a = max(a, 0.0)
                    c = max(c, 0.0)
                delta += a ** degree - c ** degree
            new = 1.0 if delta > 0 else (-1.0 if delta < 0 else s)
            if new != s:
                Sb[i] = new
                for mu in range(p):
                    Mb[mu] += 2.0 * new * x[mu]
                count += 1
        flips[b] = count


@_jit
def glauber_sweep(WT, H, S, keys, U, coef, thr, flips):
    """One Glauber (heat-bath) sweep of every probe at inverse temperature ``coef / 2``.

    ``H[b]`` holds the raw fields ``W_raw @ S[b]`` and is updated after each
    flip with column i of W (row i of ``WT``), so asymmetric W is handled
    correctly. Visiting neuron i (order from ``keys[b]``) with field
    ``x = h_i - thr``: if ``coef`` is finite, ``s_i = +1`` when
    ``U[b, t] < 1 / (1 + exp(-coef * x))``, else -1 (``t`` is the position in
    the sweep); if ``coef`` is inf (T = 0), the sign of ``x``, ties keeping
    the state.
    """
    n_probes, n = S.shape
    order = np.empty(n, np.int64)
    zero_t = np.isinf(coef)
    for b in range(n_probes):
        fill_order(keys[b], order)
        Hb = H[b]
        Sb = S[b]
        count = 0
        for t in range(n):
            i = order[t]
            s = Sb[i]
            x = Hb[i] - thr
            if zero_t:
                new = 1.0 if x > 0 else (-1.0 if x < 0 else s)
            else:
                new = 1.0 if U[b, t] < 1.0 / (1.0 + np.exp(-coef * x)) else -1.0
            if new != s:
                Sb[i] = new
                step = new + new
                Wi = WT[i]
                for j in range(n):
                    Hb[j] += step * Wi[j]
                count += 1
        flips[b] = count
