"""Numba kernels of the associative-memory family: the one module of the room where speed beats clarity.

The readable versions of these loops are in :mod:`hebbmem.hopfield.dynamics`
(``compiled_prediction=False``) and must give bit-identical results; the
naive textbook twins live in ``tests/reference.py``.

Conventions shared with :mod:`hebbmem.hopfield.dynamics`:

* States are +1/-1 in the dtype of the weights (float32 or float64).
* Fields are in *raw* weight units (for Hebbian: integer sums) and ``thr`` is
  the firing threshold in the same units, so every path compares the same
  numbers and ties cannot resolve differently.
* Tie rule: a neuron whose field equals ``thr`` keeps its state.
* The async update order of each probe in each sweep is a Fisher-Yates
  shuffle driven by one 64-bit key drawn from the network's generator (see
  :func:`fill_order`).

Nothing here validates input. Kernels are compiled lazily, with an on-disk
cache (see :mod:`hebbmem._numba`).
"""

import numpy as np
from numba import prange

from .._numba import jit, parallel_variant  # noqa: F401  (dynamics asks the kernels for it)
from ._constants import SPLITMIX_GOLDEN, SPLITMIX_MIX1, SPLITMIX_MIX2  # a leaf module: no import circle

__all__ = ["fill_order", "sync_pass", "async_sweep_dense", "async_sweep_lowrank", "ipow", "dam_async_sweep",
           "glauber_sweep"]

_GOLDEN = np.uint64(SPLITMIX_GOLDEN)
_MIX1 = np.uint64(SPLITMIX_MIX1)
_MIX2 = np.uint64(SPLITMIX_MIX2)


@jit
def fill_order(key, order):
    """Fill ``order`` with the permutation of ``range(len(order))`` drawn from ``key``.

    Fisher-Yates, from the last position down: position ``i`` swaps with
    ``j = floor((raw_i >> 32) * (i + 1) / 2**32)``, where ``raw_i`` is output
    ``i + 1`` of SplitMix64 started at ``key`` (see
    :func:`hebbmem.hopfield.dynamics.random_order`).
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
@jit(fastmath={"reassoc"})
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


@jit
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


@jit
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


@jit
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



# =============================================================================
# Memory science: dense associative memory and Glauber sweeps (issue 9)
# =============================================================================
#
# The readable NumPy twins are ``DenseAssociativeMemory._sweep_numpy`` in
# :mod:`hebbmem.hopfield.modern` and ``_glauber_sweep_numpy`` in :mod:`hebbmem.hopfield.stochastic`;
# the textbook loops are in ``tests/reference_memory.py``. Both kernels visit the
# neurons of each probe in the order ``fill_order(keys[b])`` and sum over the
# patterns left to right, as their twins do.


@jit
def ipow(x, n):
    """``x**n`` for an int ``n >= 0`` by repeated squaring: only multiplications, in a fixed order.

    The NumPy twin (``dense_memory._ipow``) does the same multiplications in
    the same order, so both give the same bits (``**`` may call a different
    ``pow`` in NumPy and in Numba, which differ in the last bit).
    """
    result = 1.0
    base = x
    while n > 0:
        if n & 1:
            result = result * base
        n >>= 1
        if n > 0:
            base = base * base
    return result


@jit
def dam_async_sweep(XT, M, S, keys, degree, rectified, scaled, flips):
    """One asynchronous sweep of a dense associative memory (Krotov and Hopfield, 2016).

    ``XT`` (N, P) holds the stored patterns as columns, ``M[b]`` the P
    overlaps ``X @ S[b]`` (kept up to date), ``S[b]`` the +1/-1 state (float64).
    Visiting neuron i: ``r = M[b] - XT[i] * s_i``, ``a = r + x``, ``c = r - x``
    (``max(., 0)`` when ``rectified``) and
    ``delta = sum_mu a_mu**degree - c_mu**degree``; the neuron takes the sign
    of ``delta`` and keeps its state when ``delta == 0``. With ``scaled``
    (degrees whose powers are not exact integers in float64), every power is
    of ``a_mu / top`` with ``top = max_mu max(|a_mu|, |c_mu|)``: the same sign,
    never an overflow. ``flips[b]`` gets the number of flips of probe b.
    """
    n_probes, n = S.shape
    p = XT.shape[1]
    order = np.empty(n, np.int64)
    A = np.empty(p)
    C = np.empty(p)
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
            top = 0.0
            for mu in range(p):
                r = Mb[mu] - x[mu] * s
                a = r + x[mu]
                c = r - x[mu]
                if rectified:
                    a = max(a, 0.0)
                    c = max(c, 0.0)
                if scaled:
                    A[mu] = a
                    C[mu] = c
                    top = max(top, abs(a), abs(c))
                else:
                    delta += ipow(a, degree) - ipow(c, degree)
            if scaled and top > 0.0:
                for mu in range(p):
                    delta += ipow(A[mu] / top, degree) - ipow(C[mu] / top, degree)
            new = 1.0 if delta > 0 else (-1.0 if delta < 0 else s)
            if new != s:
                Sb[i] = new
                for mu in range(p):
                    Mb[mu] += 2.0 * new * x[mu]
                count += 1
        flips[b] = count


@jit
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
