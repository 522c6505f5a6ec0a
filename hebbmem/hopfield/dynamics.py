"""Recall dynamics: update neurons until the state stops changing.

This module holds two implementations of the same dynamics:

* ``*_numpy``: plain NumPy, written to be read. It is what runs with
  ``compiled_prediction=False``.
* ``*_compiled``: the same steps, driving the Numba kernels of
  :mod:`hebbmem.hopfield._kernels` on preallocated buffers.

Both compute identical states, iteration counts and energies for the same
input and seed, and the tests check that they do.

Conventions (all fields and thresholds in raw weight units, see
:mod:`hebbmem.hopfield._weights`):

* The local field of neuron i is ``h_i = sum_j W_ij s_j``; with low-rank
  weights it is ``(U.T @ (V @ s))_i - d_i s_i``.
* Sign update with a **tie rule**: ``s_i <- +1 if h_i > thr``, ``-1 if h_i < thr``,
  and **unchanged if h_i == thr**. States are never 0.
* **Synchronous** (``asyn=False``): every neuron updates at once from the
  same fields. A probe stops at a fixed point, or when it returns to the
  state of two updates ago (a 2-cycle). A 2-cycle's probe is reported in
  the state it would hold after exactly ``max_iter`` updates: the newest
  state if ``max_iter - n_iter`` is even, the one before otherwise.
* **Asynchronous** (``asyn=True``): neurons update one at a time, each sweep
  in a fresh random order. A probe stops after a sweep in which no neuron
  flipped. Each sweep draws one raw 64-bit key per still-active probe,
  ``rng.bit_generator.random_raw(n_active)``, and turns each key into an
  order with :func:`random_order`.
* Energy ``E = -1/2 s^T W s + thr * sum(s)``, recorded before the first
  update and after every update or sweep.
"""

import numpy as np

from ._constants import SPLITMIX_GOLDEN as _GOLDEN  # shared with the kernels
from ._constants import SPLITMIX_MIX1 as _MIX1
from ._constants import SPLITMIX_MIX2 as _MIX2

__all__ = [
    "order_keys",
    "random_order",
    "random_orders",
    "energies",
    "sync_recall_numpy",
    "sync_recall_compiled",
    "async_recall_numpy",
    "async_recall_compiled",
    "continuous_recall",
]

RUNNING, CONVERGED, CYCLED = 0, 1, 2

_K = None


def _kernels():
    """The Numba kernels, imported on first use (so ``import hebbmem`` stays light)."""
    global _K
    if _K is None:
        from . import _kernels as kernels
        _K = kernels
    return _K


# ------------------------------------------------------ NumPy or Numba: "auto"
#
# Both paths give identical results, so ``compiled=True`` may take either; it
# takes the one expected to finish first. Loading the kernels in a fresh
# process (import numba, which imports SciPy, plus the cached machine code)
# costs 0.6-0.9 s on this project's 2-core machines (benchmarks/RESULTS.md,
# start-up rows); recall itself is often a millisecond. So the NumPy path
# runs until the NumPy time spent in this process plus the predicted time of
# the next call would exceed the load cost (a ski-rental rule: never worse
# than twice the better choice); from then on, and whenever the kernels are
# already loaded, the kernels run.

KERNEL_LOAD_SECONDS = 0.5  # a little below the measured 0.6-0.9 s: lean towards the kernels
_numpy_seconds = [0.0]


def predicted_numpy_seconds(asyn, n_probes, n, rank):
    """Rough time of the NumPy path for one recall, from timings on a loaded 2-core machine.

    Asynchronous: about 3 sweeps of ``n`` steps, each ~45 us of Python plus
    ~0.3 us per probe (N = 256-2048, P = 10-100, B = 1-1000). Synchronous:
    about 5 updates costing ~10 ns per probe and neuron plus the products.
    """
    if asyn:
        return 3 * n * (45e-6 + 0.3e-6 * n_probes)
    return 5 * n_probes * n * (10e-9 + 0.2e-9 * rank)


def use_kernels(compiled, asyn, n_probes, n, rank):
    """Whether a recall runs the Numba kernels: ``compiled`` is True (auto), False or ``"numba"``."""
    if compiled == "numba":
        return True
    if not compiled:
        return False
    if _K is not None:
        return True
    return _numpy_seconds[0] + predicted_numpy_seconds(asyn, n_probes, n, rank) > KERNEL_LOAD_SECONDS


def spent_on_numpy(seconds):
    """Count time the auto rule spent on the NumPy path (see :func:`use_kernels`)."""
    _numpy_seconds[0] += seconds


def order_keys(rng, n_active):
    """One raw 64-bit key per active probe for the next asynchronous sweep."""
    return rng.bit_generator.random_raw(n_active)


def splitmix64(keys, n):
    """Outputs 1..n of the SplitMix64 generator started at each key (uint64, wrapping).

    ``keys`` is one key or an array of keys; the result has shape ``(n,) + keys.shape``.
    """
    keys = np.asarray(keys, dtype=np.uint64)
    steps = np.arange(1, n + 1, dtype=np.uint64).reshape((n,) + (1,) * keys.ndim)
    z = keys + steps * np.uint64(_GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_MIX2)
    return z ^ (z >> np.uint64(31))


def random_order(key, n):
    """The order in which an asynchronous sweep visits the ``n`` neurons.

    The 64-bit ``key`` (drawn from the network's generator) is expanded into
    ``n`` raw numbers by SplitMix64, and those drive a Fisher-Yates shuffle:
    walking from the last position down, position ``i`` swaps with a uniform
    ``j`` in ``0..i``, taken as the top 32 bits of ``raw[i]`` times
    ``(i + 1)``, divided by 2**32. The compiled kernels compute the same
    numbers on the fly, without storing them.
    """
    raw = splitmix64(key, n)
    order = list(range(n))
    for i in range(n - 1, 0, -1):
        j = ((int(raw[i]) >> 32) * (i + 1)) >> 32
        order[i], order[j] = order[j], order[i]
    return order


def energies(weights, S, thr, H=None):
    """Raw energy ``-1/2 s.(W s) + thr * sum(s)`` of every row of ``S``, in float64."""
    if H is None:
        H = weights.product(S)
    h = H - weights.d * S
    return -0.5 * np.einsum("ij,ij->i", S, h, dtype=np.float64) + float(thr) * S.sum(axis=1, dtype=np.float64)


class Workspace:
    """Scratch buffers a network keeps between recalls.

    A large fresh array costs a page fault per 4 KiB page the first time it
    is written (about 2 us each on small VMs), and the allocator often hands
    the memory back to the OS between calls. Reusing the buffers avoids that.
    A buffer is *taken* for the duration of a recall, so two threads
    recalling with the same network never share one.
    """

    LIMIT = 64 * 2 ** 20  # blocks larger than this are not kept

    def __init__(self):
        self._blocks = {}

    def take(self, count, n_rows, n, dtype):
        """An array of shape (count, >= n_rows, n): ``count`` scratch matrices."""
        block = self._blocks.pop((count, n, np.dtype(dtype).str), None)
        if block is None or block.shape[1] < n_rows:
            block = np.empty((count, n_rows, n), dtype)
        return block

    def give_back(self, block):
        if block.nbytes <= self.LIMIT:
            self._blocks[(block.shape[0], block.shape[2], block.dtype.str)] = block


class _Outcome:
    """Per-probe bookkeeping shared by all drivers."""

    def __init__(self, S0, max_iter, want_energy):
        n = S0.shape[0]
        self.states = np.empty_like(S0)
        self.n_iter = np.zeros(n, dtype=np.int64)
        self.status = np.zeros(n, dtype=np.int8)
        self.energy = np.full((n, max_iter + 1), np.nan) if want_energy else None


# ---------------------------------------------------------------- synchronous


def sync_recall_numpy(weights, S0, thr, max_iter, want_energy=False, progress=None, energy_thr=None):
    """Synchronous recall in plain NumPy.

    Parameters
    ----------
    weights : DenseWeights or LowRankWeights
    S0 : ndarray of shape (n_probes, N)
        Initial +1/-1 states, in the weights' dtype. Not modified.
    thr : scalar of the weights' dtype
        Firing threshold in raw weight units, as compared with the fields.
        For integer fields it may be moved between two attainable field
        values (see :func:`hebbmem.hopfield._weights.comparison_threshold`), which
        changes no comparison but rules out false ties.
    max_iter : int
    want_energy : bool
    progress : callable(n_settled, iteration) or None
    energy_thr : float, optional
        The exact threshold (float64, raw units) for the energy; default ``thr``.

    Returns
    -------
    _Outcome
    """
    out = _Outcome(S0, max_iter, want_energy)
    ethr = thr if energy_thr is None else energy_thr
    S = S0.copy()
    S_prev = S0.copy()
    active = np.arange(S.shape[0])  # probes still moving, in their original order
    for it in range(1, max_iter + 1):
        s, s_prev = S[active], S_prev[active]
        H = weights.product(s)
        if want_energy:
            out.energy[active, it - 1] = energies(weights, s, ethr, H)
        h = H - weights.d * s                      # local fields
        flip = ((s > 0) & (h < thr)) | ((s < 0) & (h > thr))  # ties keep their state
        new = np.where(flip, -s, s)
        changed = flip.any(axis=1)
        back = (new == s_prev).all(axis=1)         # same as two updates ago: a 2-cycle
        S_prev[active], S[active] = s, new
        out.n_iter[active] = it
        done = ~changed | back
        out.status[active[done]] = np.where(changed[done], CYCLED, CONVERGED)
        odd = active[back & changed & ((max_iter - it) % 2 == 1)]
        S[odd] = S_prev[odd]  # a 2-cycle, reported at the parity of max_iter
        active = active[~done]
        if progress is not None:
            progress(S.shape[0] - active.size, it)
        if active.size == 0:
            break
    out.states[:] = S
    _finish_sync_energy(out, weights, S, ethr, active, max_iter)
    return out


def sync_recall_compiled(weights, S0, thr, max_iter, want_energy=False, progress=None,
                         workspace=None, energy_thr=None):
    """Synchronous recall: one BLAS product per iteration, then the fused Numba pass.

    Same contract and results as :func:`sync_recall_numpy`. Active probes are
    compacted to the front of preallocated buffers, in their original order,
    so each iteration multiplies only the probes still moving. The buffers
    come from ``workspace`` (a :class:`Workspace`) when one is given.
    """
    sync_pass = _kernels().sync_pass
    out = _Outcome(S0, max_iter, want_energy)
    ethr = thr if energy_thr is None else energy_thr
    n_probes = S0.shape[0]
    ws = workspace if workspace is not None else Workspace()
    block = ws.take(3, n_probes, S0.shape[1], S0.dtype)
    S, S_prev, H = block[0, :n_probes], block[1, :n_probes], block[2, :n_probes]
    np.copyto(S, S0)  # S_prev is filled by the first pass and not read before
    rows = np.arange(n_probes, dtype=np.int64)
    n_active = n_probes
    for it in range(1, max_iter + 1):
        s = S[:n_active]
        weights.product(s, out=H[:n_active])
        if want_energy:
            out.energy[rows[:n_active], it - 1] = energies(weights, s, ethr, H[:n_active])
        n_active = sync_pass(H[:n_active], s, S_prev[:n_active], weights.d, thr, it, max_iter,
                             rows[:n_active], out.states, out.n_iter, out.status)
        if progress is not None:
            progress(n_probes - n_active, it)
        if n_active == 0:
            break
    active = rows[:n_active]
    if n_active:
        out.states[active] = S[:n_active]
    if want_energy:
        _finish_sync_energy(out, weights, out.states[active], ethr, active, max_iter, all_states=False)
    ws.give_back(block)
    return out


def _finish_sync_energy(out, weights, S, thr, active, max_iter, all_states=True):
    """Fill in the energy of the final state of every probe."""
    if out.energy is None:
        return
    rows = np.arange(len(out.n_iter))
    t = out.n_iter
    settled = out.status == CONVERGED  # final state = state before the last update
    out.energy[rows[settled], t[settled]] = out.energy[rows[settled], t[settled] - 1]
    cycled = out.status == CYCLED      # final state: two updates back, or one at odd parity
    back = np.where((max_iter - t[cycled]) % 2 == 1, 1, 2)
    out.energy[rows[cycled], t[cycled]] = out.energy[rows[cycled], t[cycled] - back]
    if active.size:                    # stopped at max_iter: one more product
        s = S[active] if all_states else S
        out.energy[active, max_iter] = energies(weights, s, thr)


# --------------------------------------------------------------- asynchronous


def random_orders(keys, n):
    """:func:`random_order` for many keys at once: column ``b`` is the order drawn from ``keys[b]``.

    The same Fisher-Yates walk, each step swapping one position in every
    column. Returned as an (n, len(keys)) array, so that step ``t`` of a
    sweep reads one contiguous row: the neuron each probe visits.
    """
    keys = np.asarray(keys, dtype=np.uint64)
    top = splitmix64(keys, n) >> np.uint64(32)  # (n, len(keys))
    # j for position i is floor(top_i * (i + 1) / 2**32); i + 1 <= n < 2**32, so no overflow
    J = ((top * np.arange(1, n + 1, dtype=np.uint64)[:, None]) >> np.uint64(32)).astype(np.int64)
    order = np.repeat(np.arange(n)[:, None], keys.size, axis=1)
    cols = np.arange(keys.size)
    for i in range(n - 1, 0, -1):
        j = J[i]
        here = order[i].copy()
        order[i] = order[j, cols]
        order[j, cols] = here
    return order


def async_recall_numpy(weights, S0, thr, max_sweeps, rng, want_energy=False, progress=None, energy_thr=None):
    """Asynchronous recall in plain NumPy: one neuron of every probe per step.

    Each sweep draws one order per active probe (:func:`random_orders`). Step
    ``t`` of the sweep visits neuron ``order[b, t]`` of every probe ``b`` at
    once and compares its field with the threshold. Fields are updated
    incrementally: when neuron i flips to ``s_i``, every field changes by
    ``2 s_i W[:, i]`` (dense: column i, the same as row i when W is
    symmetric) or the P overlaps by ``2 s_i V[:, i]`` (low-rank). Each
    probe sees exactly the sequence of visits it would see alone.

    With a symmetric W the energy falls by ``2 |h_i - thr|`` per flip (plus
    the self-coupling term, 0 with a zero diagonal); with an asymmetric W
    (which has no such energy argument) it is recomputed after every sweep.
    """
    out = _Outcome(S0, max_sweeps, want_energy)
    S = S0.copy()
    n_probes, n = S.shape
    low_rank = weights.kind == "lowrank"
    ethr = thr if energy_thr is None else energy_thr
    state = weights.overlaps(S) if low_rank else weights.fields(S)   # M (overlaps) or H (fields)
    state = np.ascontiguousarray(state)
    E = energies(weights, S, ethr, None if low_rank else state) if want_energy else np.zeros(n_probes)
    if want_energy:
        out.energy[:, 0] = E
    active = np.arange(n_probes)
    for sweep in range(1, max_sweeps + 1):
        order = random_orders(order_keys(rng, active.size), n)  # order[t, b]: step t of probe b
        # This sweep works on contiguous copies of the active probes' rows.
        Sa, Ma, Ea = S[active], state[active], E[active]
        rows = np.arange(active.size)
        if low_rank:  # the U column and d of the neuron each probe visits at each step, gathered once
            U_visit, d_visit = weights.UT[order], weights.d[order]
        flipped = np.zeros(active.size, dtype=bool)
        for t in range(n):
            i = order[t]                               # one neuron per active probe
            s = Sa[rows, i]
            if low_rank:                               # h_i = U[:, i] . m - d_i s_i
                h = np.einsum("bp,bp->b", U_visit[t], Ma) - d_visit[t] * s
            else:
                h = Ma[rows, i]
            b = np.flatnonzero(s * (h - thr) < 0)      # the other side of thr (ties keep their state)
            if b.size == 0:
                continue
            i, s = i[b], s[b]
            if want_energy:
                Ea[b] += (2.0 * s.astype(np.float64) * (h[b].astype(np.float64) - ethr)
                          - 2.0 * weights.selfw[i].astype(np.float64))
            Sa[b, i] = -s
            Ma[b] += (-s - s)[:, None] * (weights.VT[i] if low_rank else weights.columns[i])
            flipped[b] = True
        S[active], state[active], E[active] = Sa, Ma, Ea
        out.n_iter[active] = sweep
        if want_energy:
            if not weights.symmetric:
                E[active] = energies(weights, S[active], ethr)
            out.energy[active, sweep] = E[active]
        out.status[active[~flipped]] = CONVERGED
        active = active[flipped]
        if progress is not None:
            progress(n_probes - active.size, sweep)
        if active.size == 0:
            break
    out.states[:] = S
    return out


def async_recall_compiled(weights, S0, thr, max_sweeps, rng, want_energy=False, progress=None,
                          parallel=False, energy_thr=None):
    """Asynchronous recall with one Numba call per sweep for all active probes.

    Same contract and results as :func:`async_recall_numpy`.
    """
    K = _kernels()
    low_rank = weights.kind == "lowrank"
    kernel = K.async_sweep_lowrank if low_rank else K.async_sweep_dense
    if parallel:
        kernel = K.parallel_variant(kernel)
    out = _Outcome(S0, max_sweeps, want_energy)
    S = S0.copy()
    n_probes, n = S.shape
    state = weights.overlaps(S) if low_rank else weights.fields(S)
    state = np.ascontiguousarray(state)
    ethr = thr if energy_thr is None else energy_thr
    # The kernels track the energy flip by flip; its start is needed only if reported.
    E = energies(weights, S, ethr, None if low_rank else state) if want_energy else np.zeros(n_probes)
    if want_energy:
        out.energy[:, 0] = E
    rows = np.arange(n_probes)
    flips = np.zeros(n_probes, dtype=np.int64)
    for sweep in range(1, max_sweeps + 1):
        keys = order_keys(rng, rows.size)
        if low_rank:
            kernel(weights.UT, weights.VT, state, S, keys, weights.d, weights.selfw, thr, ethr, E, flips)
        else:
            kernel(weights.columns, state, S, keys, weights.selfw, thr, ethr, E, flips)
        out.n_iter[rows] = sweep
        if want_energy:
            if not weights.symmetric:
                E = energies(weights, S, ethr)
            out.energy[rows, sweep] = E
        moving = flips > 0
        settled = rows[~moving]
        out.status[settled] = CONVERGED
        out.states[settled] = S[~moving]
        if not moving.all():
            rows, S, state, E = rows[moving], S[moving], state[moving], E[moving]
            flips = flips[moving]
        if progress is not None:
            progress(n_probes - rows.size, sweep)
        if rows.size == 0:
            break
    out.states[rows] = S
    return out


# ----------------------------------------------------------------- continuous


def continuous_recall(weights, S0, bias, temperature, activation, max_iter, tol, asyn, rng,
                      want_energy=False, progress=None):
    """Recall with a graded activation (``tanh`` or ``sigmoid``), in NumPy.

    ``s_i <- f((h_i - bias) / temperature)`` with ``h = W s`` in real units
    (``W = scale * W_raw``), ``f = tanh`` (states in (-1, 1)) or the logistic
    sigmoid (states in (0, 1)). A probe converges when no neuron moves by
    more than ``tol`` in one update (sync) or sweep (async); sync dynamics
    also stop when the state is within ``tol`` of the state two updates ago.
    Async updates use the same random orders as the sign dynamics.
    """
    f = np.tanh if activation == "tanh" else (lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)))
    scale = weights.scale
    thr_raw = bias / scale
    out = _Outcome(S0, max_iter, want_energy)
    S = S0.copy()
    S_prev = S0.copy()
    n_probes, n = S.shape

    def energy_of(s):
        return scale * energies(weights, s, thr_raw)

    if want_energy:
        out.energy[:, 0] = energy_of(S)
    active = np.arange(n_probes)
    for it in range(1, max_iter + 1):
        s = S[active]
        if not asyn:
            h = scale * (weights.product(s) - weights.d * s)
            new = f((h - bias) / temperature)
        else:
            new = s.copy()
            keys = order_keys(rng, active.size)
            for k in range(active.size):
                for i in random_order(keys[k], n):
                    h = scale * (_field_row(weights, new[k], i))
                    new[k, i] = f((h - bias) / temperature)
        step = np.abs(new - s).max(axis=1)
        back = np.abs(new - S_prev[active]).max(axis=1) if not asyn else np.full(active.size, np.inf)
        S_prev[active], S[active] = s, new
        out.n_iter[active] = it
        if want_energy:
            out.energy[active, it] = energy_of(new)
        done = (step <= tol) | (back <= tol)
        out.status[active[done]] = np.where(step[done] <= tol, CONVERGED, CYCLED)
        odd = active[(step > tol) & (back <= tol) & ((max_iter - it) % 2 == 1)]
        S[odd] = S_prev[odd]  # a 2-cycle, reported at the parity of max_iter
        active = active[~done]
        if progress is not None:
            progress(n_probes - active.size, it)
        if active.size == 0:
            break
    out.states[:] = S
    return out


def _field_row(weights, s, i):
    """Raw field of neuron i for one state vector (used by continuous async)."""
    if weights.kind == "lowrank":
        return float(weights.UT[i] @ (weights.V @ s)) - float(weights.d[i]) * s[i]
    return float(weights.W_raw[i] @ s)

