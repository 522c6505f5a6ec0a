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

Nothing here validates input. Kernels are compiled lazily on first use, with
``cache=True`` when the cache directory is writable (and without it when it
is not: importing hebbmem never fails because of the cache).
"""

import numba
import numpy as np
from numba import prange

from . import dynamics as _dyn  # the SplitMix64 constants are defined once, there

__all__ = ["fill_order", "sync_pass", "async_sweep_dense", "async_sweep_lowrank", "parallel_variant"]

_OPTIONS = {"nogil": True, "error_model": "numpy"}


def _jit(fn=None, **extra):
    """``numba.njit(cache=True)``, or without the cache when no cache dir is writable."""
    if fn is None:
        return lambda f: _jit(f, **extra)
    try:
        return numba.njit(cache=True, **_OPTIONS, **extra)(fn)
    except (RuntimeError, OSError):
        # Read-only site-packages and HOME: numba cannot place its cache.
        # Compile in memory instead; importing hebbmem must never fail.
        return numba.njit(cache=False, **_OPTIONS, **extra)(fn)


_GOLDEN = np.uint64(_dyn._GOLDEN)
_MIX1 = np.uint64(_dyn._MIX1)
_MIX2 = np.uint64(_dyn._MIX2)


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
def sync_pass(H, S, S_prev, d, thr, it, rows, out, n_iter, status):
    """One synchronous update of every active probe, fused with bookkeeping.

    On entry ``H[r] = W_raw @ S[r]`` (low-rank: without the ``- d * S[r]``
    correction, applied here) for each active row ``r``, and ``S_prev`` holds
    the states of iteration ``it - 1`` (its content is ignored when
    ``it == 1``). Rows that reached a fixed point (status 1) or a 2-cycle
    (status 2) are copied to ``out`` and dropped; the others are compacted to
    the front, in order. Returns the number of rows still active.

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
            for j in range(n):
                out[orig, j] = S[r, j]
        else:
            if keep != r:
                for j in range(n):
                    S[keep, j] = S[r, j]
                    S_prev[keep, j] = S_prev[r, j]
                rows[keep] = orig
            keep += 1
    return keep


@_jit
def async_sweep_dense(W, H, S, keys, selfw, thr, E, flips):
    """One asynchronous sweep of every probe with a dense weight matrix.

    ``H[b]`` holds the fields of probe ``b`` and is updated incrementally,
    ``H[b] += 2 * s_new * W[i]``, only when neuron ``i`` flips (W is
    symmetric, so row i is column i). ``E[b]`` (float64, raw units) changes
    by ``2 s_old (h_i - thr) - 2 W_ii`` per flip. ``keys[b]`` draws the order.
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
                e += 2.0 * np.float64(s) * (np.float64(h) - np.float64(thr)) - 2.0 * np.float64(selfw[i])
                new = -s
                Sb[i] = new
                step = new + new
                Wi = W[i]  # a contiguous row view: LLVM vectorises the update
                for j in range(n):
                    Hb[j] += step * Wi[j]
                n_flips += 1
        E[b] = e
        flips[b] = n_flips


@_jit
def async_sweep_lowrank(UT, VT, M, S, keys, d, selfw, thr, E, flips):
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
                e += 2.0 * np.float64(s) * (np.float64(h) - np.float64(thr)) - 2.0 * np.float64(selfw[i])
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
