"""What hebbmem is compared against, other than canns.

* **Naive textbook loops**: one NumPy dot product per neuron, in Python.
  This is how the update rule is usually first written down.
* **A straightforward Numba kernel** for asynchronous recall: the same loop,
  compiled; each visit of neuron i computes ``h_i = W[i] . s`` from scratch.
* **The BLAS ceiling**: only the matrix products, with nothing around them,
  in the same shapes and the same iteration schedule as hebbmem ran them
  (how many probes were still active at each iteration comes from
  ``return_info``). Recall cannot be faster than its products.

All of them use the same integer-valued Hebbian weights hebbmem uses
internally, ``W = sum_mu x_mu x_mu^T`` with a zero diagonal, in float32
(the 1/P factor does not change any sign), and the same tie rule (a neuron
whose field is exactly 0 keeps its state). With integer weights every field
is an exact integer, so any summation order gives the same result.
"""

import time

import numba
import numpy as np

# ---------------------------------------------------------------------------- weights


def hebbian_dense(X):
    """``sum_mu x_mu x_mu^T`` with a zero diagonal, float32 (exact: integers below 2**24).

    ``ascontiguousarray(X.T) @ X`` makes NumPy call GEMM; ``X.T @ X`` would go
    to SYRK, many times slower for small P.
    """
    X = np.asarray(X, dtype=np.float32)
    W = np.ascontiguousarray(X.T) @ X
    np.fill_diagonal(W, 0.0)
    return W


# ------------------------------------------------------------------- naive textbook loops


def naive_sync(W, probes, max_iter=100):
    """Synchronous recall, one probe at a time, one ``W[i] @ s`` per neuron per iteration.

    Stops at a fixed point or a 2-cycle, like hebbmem.
    """
    n = W.shape[0]
    out = np.empty_like(probes)
    for b, probe in enumerate(probes):
        s = probe.copy()
        before = s.copy()
        for _ in range(max_iter):
            new = s.copy()
            for i in range(n):
                h = W[i] @ s  # the local field of neuron i
                if h > 0:
                    new[i] = 1.0
                elif h < 0:
                    new[i] = -1.0  # h == 0: keep the state (tie rule)
            if np.array_equal(new, s) or np.array_equal(new, before):
                s = new
                break
            before, s = s, new
        out[b] = s
    return out


def naive_async(W, probes, seed=0, max_sweeps=100):
    """Asynchronous recall: neurons one at a time in a random order, ``W[i] @ s`` per visit.

    A probe stops after a sweep in which no neuron flipped.
    """
    rng = np.random.default_rng(seed)
    n = W.shape[0]
    out = np.empty_like(probes)
    for b, probe in enumerate(probes):
        s = probe.copy()
        for _ in range(max_sweeps):
            flipped = False
            for i in rng.permutation(n):
                h = W[i] @ s
                if (h > 0 and s[i] < 0) or (h < 0 and s[i] > 0):
                    s[i] = -s[i]
                    flipped = True
            if not flipped:
                break
        out[b] = s
    return out


# ------------------------------------------------------------ per-neuron-dot Numba kernel


@numba.njit(nogil=True, fastmath=True, cache=False)
def numba_dot_async(W, probes, seed, max_sweeps=100):
    """Asynchronous recall, compiled, each visit recomputing ``h_i = W[i] . s`` from scratch.

    The straightforward Numba version of :func:`naive_async`: probes one
    after another, a fresh random order (``np.random.permutation``) every
    sweep, stop after a sweep without a flip. ``fastmath`` lets LLVM
    vectorise the dot product; the fields are exact integers, so the
    summation order changes nothing.
    """
    np.random.seed(seed)
    n_probes, n = probes.shape
    S = probes.copy()
    for b in range(n_probes):
        for _ in range(max_sweeps):
            order = np.random.permutation(n)
            n_flips = 0
            for t in range(n):
                i = order[t]
                h = np.float32(0.0)
                for j in range(n):
                    h += W[i, j] * S[b, j]
                s = S[b, i]
                if (s > 0 and h < 0) or (s < 0 and h > 0):
                    S[b, i] = -s
                    n_flips += 1
            if n_flips == 0:
                break
    return S


def warm_up_references():
    W = hebbian_dense(np.ones((1, 8), np.float32))
    numba_dot_async(W, np.ones((2, 8), np.float32), 0)


# ------------------------------------------------------------------- BLAS-only ceilings


def active_counts(n_iter):
    """Probes still active at each iteration: ``counts[t] = #{k : n_iter[k] > t}``."""
    n_iter = np.asarray(n_iter)
    return [int((n_iter > t).sum()) for t in range(int(n_iter.max()))]


def fastest(candidates, trials=3):
    """Pick the fastest of several equivalent call forms; returns ``(fn, label)``.

    ``candidates`` holds ``(label, make)`` where ``make(k)`` returns a function
    doing the first ``k`` products (``None``: all of them). The forms are
    compared on a short trial (a few products, repeated) and the winner is
    returned for the whole schedule.

    A ceiling should be the best BLAS can do, and which call form is best
    depends on the shape: for a symmetric W, ``S @ W`` and ``S @ W.T`` give
    the same numbers but OpenBLAS runs them at different speeds, and for a
    handful of probes one GEMV per probe can beat one skinny GEMM.
    """
    best = None
    for label, make in candidates:
        trial = make(8)
        trial()  # warm up
        t = min(_timed(trial) for _ in range(trials))
        if best is None or t < best[0]:
            best = (t, make, label)
    return best[1](None), best[2]


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def sync_gemm_replay(W, probes, counts):
    """Only the products ``S[:a] @ W`` for each active count ``a``: the dense ceiling of sync recall.

    Into a preallocated buffer, on the same shrinking batch as hebbmem. W is
    symmetric, so three equivalent forms are tried and the fastest is kept:
    ``S @ W.T`` (the call hebbmem's dense path makes), ``S @ W``, and, for
    small batches, one GEMV ``W @ s`` per active probe. Returns ``(fn, label)``.
    """
    S = np.ascontiguousarray(probes, dtype=np.float32)
    H = np.empty_like(S)
    WT = W.T

    def gemm_t(k):
        def run():
            for a in counts[:k]:
                np.matmul(S[:a], WT, out=H[:a])
        return run

    def gemm(k):
        def run():
            for a in counts[:k]:
                np.matmul(S[:a], W, out=H[:a])
        return run

    def gemvs(k):
        def run():
            for a in counts[:k]:
                for j in range(a):
                    np.matmul(W, S[j], out=H[j])
        return run

    candidates = [("S @ W.T", gemm_t), ("S @ W", gemm)]
    if S.shape[0] <= 16:
        candidates.append(("one GEMV per probe", gemvs))
    return fastest(candidates)


def sync_lowrank_replay(X, probes, counts):
    """Only the two factor products of the low-rank path: ``M = S @ X.T``, ``H = M @ X``."""
    X = np.ascontiguousarray(X, dtype=np.float32)
    XT = X.T
    S = np.ascontiguousarray(probes, dtype=np.float32)
    M = np.empty((S.shape[0], X.shape[0]), np.float32)
    H = np.empty_like(S)

    def run():
        for a in counts:
            np.matmul(S[:a], XT, out=M[:a])
            np.matmul(M[:a], X, out=H[:a])

    return run


def gemv_replay(W, probe, n_products):
    """Only ``n_products`` GEMVs ``W @ s``: the ceiling of single-probe (and async) recall.

    ``W @ s`` and ``s @ W`` (the same numbers, W being symmetric) are both
    tried; returns ``(fn, label)`` for the faster.
    """
    s = np.ascontiguousarray(probe, dtype=np.float32)
    h = np.empty_like(s)

    def w_s(k):
        def run():
            for _ in range(n_products if k is None else min(k, n_products)):
                np.matmul(W, s, out=h)
        return run

    def s_w(k):
        def run():
            for _ in range(n_products if k is None else min(k, n_products)):
                np.matmul(s, W, out=h)
        return run

    return fastest([("W @ s", w_s), ("s @ W", s_w)])


def lowrank_gemv_replay(X, probe, n_iter):
    """Only the two small GEMVs per iteration of the low-rank path: ``m = X @ s``, ``h = m @ X``."""
    X = np.ascontiguousarray(X, dtype=np.float32)
    s = np.ascontiguousarray(probe, dtype=np.float32)
    m = np.empty(X.shape[0], np.float32)
    h = np.empty_like(s)

    def run():
        for _ in range(n_iter):
            np.matmul(X, s, out=m)
            np.matmul(m, X, out=h)

    return run
