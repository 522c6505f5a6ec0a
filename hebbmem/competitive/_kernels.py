"""Numba kernels of the competitive-learning and sparse-coding family: the sample loops of its models.

The one module of the room where speed beats clarity. Each section names the
readable NumPy twin of its kernels (the ``compiled=False`` path) and the
textbook loop in ``tests/``. Nothing here validates input. Kernels are
compiled lazily, with an on-disk cache (see :mod:`hebbmem._numba`).
"""

import math

import numpy as np

from .._numba import jit

__all__ = ["foldiak_settle_batch", "foldiak_train",
           "squared_distances_t", "nearest_two", "competitive_train", "som_train"]


# ============================================================================
# Földiák's sparse-coding network (hebbmem/competitive/foldiak.py)
# ============================================================================
#
# NumPy twins: FoldiakLayer._settle (the recurrent dynamics) and Foldiak.step
# (one learning step); textbook loop: tests/reference_foldiak.py.
#
# Conventions that make the kernels and the twins bit-identical:
#
# * every sum runs left to right from its first term (the twins use
#   np.cumsum), and the field is (Q x + W y*) - t in that order;
# * the logistic function is computed with the C library's exp on a
#   non-positive argument (no overflow), in both paths: NumPy's own SIMD exp
#   differs from it in the last bit for about 5 % of arguments (measured on
#   AVX-512, NumPy 2.4), so the twin calls math.exp, which is the same libm
#   function Numba calls;
# * no fastmath, so LLVM neither reorders the sums nor fuses a*b+c.


@jit
def _logistic(a):
    """1 / (1 + exp(-a)), never overflowing: exp is only called on -|a|."""
    if a >= 0.0:
        return 1.0 / (1.0 + math.exp(-a))
    e = math.exp(a)
    return e / (1.0 + e)


@jit
def _settle(Q, WT, t, x, steepness, dt, max_steps, tol, ff, lat, f, ystar):
    """Integrate dy*/dt = f(Q x + W y* - t) - y* from y* = 0 with forward Euler; return (steps, residual).

    One step: ``u = (Q x + W y*) - t``, ``f = logistic(steepness u)``,
    ``r = max |f - y*|``; stop if ``r <= tol`` or ``max_steps`` steps were
    taken, else ``y* += dt (f - y*)``. ``ystar`` holds the final state.

    ``WT`` is W transposed (C-contiguous). The sums run over j in the outer
    loop and over the units i in the inner one, so the inner loop is
    contiguous and independent across i (SIMD, no dependent chain), while
    each unit's sum still runs left to right over j from its first term, as
    in the NumPy twin. Measured on the bars problem (16 units, 64 inputs):
    47 -> 24 us per image (training) against one dot product per unit.
    """
    n_out, n_in = Q.shape
    for i in range(n_out):
        ff[i] = Q[i, 0] * x[0]
        ystar[i] = 0.0
    for j in range(1, n_in):
        xj = x[j]
        for i in range(n_out):
            ff[i] += Q[i, j] * xj
    k = 0
    while True:
        y0 = ystar[0]
        w0 = WT[0]
        for i in range(n_out):
            lat[i] = w0[i] * y0
        for j in range(1, n_out):
            yj = ystar[j]
            wj = WT[j]
            for i in range(n_out):
                lat[i] += wj[i] * yj
        r = 0.0
        for i in range(n_out):
            fi = _logistic(steepness * ((ff[i] + lat[i]) - t[i]))
            f[i] = fi
            d = abs(fi - ystar[i])
            if d > r:
                r = d
        if r <= tol or k >= max_steps:
            return k, r
        for i in range(n_out):
            ystar[i] = ystar[i] + dt * (f[i] - ystar[i])
        k += 1


@jit
def foldiak_settle_batch(Q, W, t, X, steepness, dt, max_steps, tol, Y, Ystar, steps, residual):
    """Settle every row of ``X`` (no learning); ``Y`` gets the 0/1 outputs, ``Ystar`` the analog states.

    ``steps`` and ``residual`` (one per row) get the Euler steps taken and the
    final ``max |f - y*|``. ``y_i = 1`` where ``y*_i > 0.5``, else 0.
    """
    n_out = Q.shape[0]
    ff = np.empty(n_out)
    lat = np.empty(n_out)
    f = np.empty(n_out)
    WT = np.ascontiguousarray(W.T)
    for s in range(X.shape[0]):
        ystar = Ystar[s]
        k, r = _settle(Q, WT, t, X[s], steepness, dt, max_steps, tol, ff, lat, f, ystar)
        steps[s] = k
        residual[s] = r
        for i in range(n_out):
            Y[s, i] = 1.0 if ystar[i] > 0.5 else 0.0


@jit
def foldiak_train(Q, W, t, X, epochs, alpha, beta, gamma, p, steepness, dt, max_steps, tol, Y, ystar, steps,
                  residual):
    """Földiák's three rules over the rows of ``X``, in order, ``epochs`` times; Q, W, t in place.

    Per sample x: settle (see :func:`_settle`), round ``y_i = [y*_i > 0.5]``, then

    * ``W_ij <- min(W_ij - alpha (y_i y_j - p p), 0)`` for i != j, ``W_ii = 0``;
    * ``Q_ij <- Q_ij + (beta y_i) (x_j - Q_ij)`` (rows with ``y_i = 0`` do not change);
    * ``t_i <- t_i + gamma (y_i - p)``.

    ``Y``, ``steps`` and ``residual`` receive each sample's output, Euler
    steps and final residual during the last epoch; ``ystar`` (scratch)
    holds the analog state of the last sample on exit.
    """
    n_out, n_in = Q.shape
    n_samples = X.shape[0]
    ff = np.empty(n_out)
    lat = np.empty(n_out)
    f = np.empty(n_out)
    WT = np.ascontiguousarray(W.T)  # kept equal to W.T below
    pp = p * p
    for _ in range(epochs):
        for s in range(n_samples):
            x = X[s]
            k, r = _settle(Q, WT, t, x, steepness, dt, max_steps, tol, ff, lat, f, ystar)
            steps[s] = k
            residual[s] = r
            y = Y[s]
            for i in range(n_out):
                y[i] = 1.0 if ystar[i] > 0.5 else 0.0
            for i in range(n_out):
                yi = y[i]
                for j in range(n_out):
                    if i == j:
                        w = 0.0
                    else:
                        w = W[i, j] - alpha * (yi * y[j] - pp)
                        w = w if w < 0.0 else 0.0
                    W[i, j] = w
                    WT[j, i] = w
            for i in range(n_out):
                if y[i] != 0.0:  # beta * 0 * (x - Q) adds zero: the row is unchanged
                    g = beta * y[i]
                    for j in range(n_in):
                        Q[i, j] = Q[i, j] + g * (x[j] - Q[i, j])
            for i in range(n_out):
                t[i] = t[i] + gamma * (y[i] - p)


# ============================================================================
# Competitive learning and the self-organising map (competitive.py, som.py, som_trainer.py)
# ============================================================================
#
# NumPy twins: WinnerTakeAll.step, Kohonen.step and _distances.squared_distances /
# nearest_two; textbook loops: tests/reference_competitive.py.
#
# Conventions shared by these kernels:
#
# * The prototypes are passed *transposed*, ``WT`` of shape (n_inputs, n_units),
#   C-contiguous: WT[k, u] is weight k of unit u. The wrappers transpose
#   ``W`` on the way in and copy it back on the way out. With this layout the
#   loops over units are contiguous, so LLVM vectorises them across units while
#   every unit's own sum keeps its plain left-to-right order.
# * A squared distance is d_u = sum_k (x_k - w_uk)**2, summed over k left to
#   right starting from 0.0 (0.0 + a == a exactly for a square a >= 0): the
#   order of ``np.cumsum(..., axis=-1)[..., -1]`` in the NumPy twins. Four
#   input rows per pass keep d_u in a register for four terms (same order),
#   which cuts the stores per element (measured 42 -> 29 us per SOM iteration
#   for a 10 x 10 map of 784 inputs).
# * The winner is the smallest distance, ties broken by the lowest index
#   (strict ``<``), as ``np.argmin``.
# * Updates are written in the NumPy twins' operation order
#   (``w + h * (x - w)``); without ``fastmath`` LLVM neither reorders sums
#   nor fuses a*b+c, so kernels and twins are bit-identical. ``math.exp`` is
#   the C library's ``exp`` in both (the NumPy twins call ``math.exp`` too).
# * A SOM neighbourhood weight h below the smallest normal double counts as 0
#   (in the NumPy twin too). Such an h changes no weight of a normal size, and
#   arithmetic on subnormal numbers takes a slow microcode path on x86: with
#   sigma = 0.33 on a 20 x 20 map, 641 -> 223 us per iteration (measured).

_SMALLEST_NORMAL = 2.2250738585072014e-308  # np.finfo(np.float64).tiny


@jit
def squared_distances_t(WT, x, dist):
    """``dist[u] = sum_k (x[k] - WT[k, u])**2``, each sum left to right over k."""
    d, m = WT.shape
    for u in range(m):
        dist[u] = 0.0
    k = 0
    while k + 4 <= d:
        r0, r1, r2, r3 = WT[k], WT[k + 1], WT[k + 2], WT[k + 3]
        x0, x1, x2, x3 = x[k], x[k + 1], x[k + 2], x[k + 3]
        for u in range(m):
            t0 = x0 - r0[u]
            t1 = x1 - r1[u]
            t2 = x2 - r2[u]
            t3 = x3 - r3[u]
            dist[u] = (((dist[u] + t0 * t0) + t1 * t1) + t2 * t2) + t3 * t3
        k += 4
    while k < d:
        row = WT[k]
        xk = x[k]
        for u in range(m):
            t = xk - row[u]
            dist[u] += t * t
        k += 1


@jit
def _argmin(dist):
    best = 0
    bd = dist[0]
    for u in range(1, dist.shape[0]):
        if dist[u] < bd:
            bd = dist[u]
            best = u
    return best


@jit
def _squared_distances_two(WT, x0, x1, d0, d1):
    """:func:`squared_distances_t` for two inputs in one pass over ``WT`` (each sum in the same order).

    Reading the weights once for two inputs: measured 0.67 -> 0.43 s for the
    2,000 MNIST digits against a 20 x 20 map, whose weights do not fit in L2.
    """
    d, m = WT.shape
    for u in range(m):
        d0[u] = 0.0
        d1[u] = 0.0
    k = 0
    while k + 2 <= d:
        r0, r1 = WT[k], WT[k + 1]
        a0, a1, b0, b1 = x0[k], x0[k + 1], x1[k], x1[k + 1]
        for u in range(m):
            w0 = r0[u]
            w1 = r1[u]
            s0 = a0 - w0
            s1 = a1 - w1
            t0 = b0 - w0
            t1 = b1 - w1
            d0[u] = (d0[u] + s0 * s0) + s1 * s1
            d1[u] = (d1[u] + t0 * t0) + t1 * t1
        k += 2
    if k < d:
        row = WT[k]
        a0, b0 = x0[k], x1[k]
        for u in range(m):
            s0 = a0 - row[u]
            t0 = b0 - row[u]
            d0[u] += s0 * s0
            d1[u] += t0 * t0


@jit
def _best_two(dist):
    """The nearest unit and the second nearest (ties: the lowest index); -1 and inf with one unit."""
    b = _argmin(dist)
    c = -1
    dc = np.inf
    for u in range(dist.shape[0]):
        if u != b and (c < 0 or dist[u] < dc):
            c = u
            dc = dist[u]
    return b, c, dc


@jit
def nearest_two(WT, X, best, second, d_best, d_second, dist):
    """For every row of ``X``: the nearest unit and the second nearest, with their squared distances.

    Ties go to the lowest index. With a single unit, ``second`` is -1 and
    ``d_second`` is inf. ``dist`` (2, n_units) is scratch. Rows are taken
    two at a time (one pass over the weights); each distance is summed as in
    :func:`squared_distances_t`.
    """
    n = X.shape[0]
    s = 0
    while s < n:
        if s + 1 < n:
            _squared_distances_two(WT, X[s], X[s + 1], dist[0], dist[1])
            pair = 2
        else:
            squared_distances_t(WT, X[s], dist[0])
            pair = 1
        for q in range(pair):
            b, c, dc = _best_two(dist[q])
            best[s + q] = b
            d_best[s + q] = dist[q, b]
            second[s + q] = c
            d_second[s + q] = dc
        s += pair


@jit
def competitive_train(WT, X, order, learning_rate, kmeans, fairness, bias_factor, rate, wins, freq, dist):
    """Hard winner-take-all over the samples ``X[order]``, in that order (see :class:`WinnerTakeAll`).

    Per sample x, with d the squared distances to every unit and ``nearest``
    their argmin:

    * ``fairness`` 0: the winner is ``nearest``;
    * 1 (DeSieno's conscience): ``freq += rate * (y - freq)`` with y the
      one-hot of ``nearest``; the winner is argmin of
      ``d - bias_factor * (1/m - freq)``;
    * 2 (frequency-sensitive): the winner is argmin of ``(wins + 1) * d``.

    Then ``wins[winner] += 1`` and the winner moves towards x:
    ``w += eta * (x - w)``, with ``eta = learning_rate``, or
    ``1 / wins[winner]`` if ``kmeans`` (MacQueen's online k-means).
    """
    d, m = WT.shape
    inv_m = 1.0 / m
    for s in range(order.shape[0]):
        x = X[order[s]]
        squared_distances_t(WT, x, dist)
        win = _argmin(dist)
        if fairness == 1:
            for u in range(m):
                y = 1.0 if u == win else 0.0
                freq[u] += rate * (y - freq[u])
            win = 0
            bd = dist[0] - bias_factor * (inv_m - freq[0])
            for u in range(1, m):
                e = dist[u] - bias_factor * (inv_m - freq[u])
                if e < bd:
                    bd = e
                    win = u
        elif fairness == 2:
            win = 0
            bd = (wins[0] + 1.0) * dist[0]
            for u in range(1, m):
                e = (wins[u] + 1.0) * dist[u]
                if e < bd:
                    bd = e
                    win = u
        wins[win] += 1
        eta = 1.0 / wins[win] if kmeans else learning_rate
        for k in range(d):
            WT[k, win] += eta * (x[k] - WT[k, win])


@jit
def _update_and_distances(WT, x, h, x_next, dist):
    """``w_u += h[u] * (x - w_u)`` for every unit, and in the same pass ``dist[u] = |x_next - w_u|**2``."""
    d, m = WT.shape
    for u in range(m):
        dist[u] = 0.0
    k = 0
    while k + 4 <= d:
        r0, r1, r2, r3 = WT[k], WT[k + 1], WT[k + 2], WT[k + 3]
        x0, x1, x2, x3 = x[k], x[k + 1], x[k + 2], x[k + 3]
        n0, n1, n2, n3 = x_next[k], x_next[k + 1], x_next[k + 2], x_next[k + 3]
        for u in range(m):
            hu = h[u]
            v0 = r0[u] + hu * (x0 - r0[u])
            v1 = r1[u] + hu * (x1 - r1[u])
            v2 = r2[u] + hu * (x2 - r2[u])
            v3 = r3[u] + hu * (x3 - r3[u])
            r0[u] = v0
            r1[u] = v1
            r2[u] = v2
            r3[u] = v3
            t0 = n0 - v0
            t1 = n1 - v1
            t2 = n2 - v2
            t3 = n3 - v3
            dist[u] = (((dist[u] + t0 * t0) + t1 * t1) + t2 * t2) + t3 * t3
        k += 4
    while k < d:
        row = WT[k]
        xk = x[k]
        nk = x_next[k]
        for u in range(m):
            v = row[u] + h[u] * (xk - row[u])
            row[u] = v
            t = nk - v
            dist[u] += t * t
        k += 1


@jit
def som_train(WT, cols, X, order, etas, sigmas, dist, ax, ay, h):
    """Kohonen's online SOM over the samples ``X[order]``; iteration t uses ``etas[t]`` and ``sigmas[t]``.

    Per iteration: the winner c = (ci, cj) is the unit nearest to x; every
    unit (i, j) moves by ``h * (x - w)`` with
    ``h = (exp(-(i-ci)**2 / (2 s**2)) * exp(-(j-cj)**2 / (2 s**2))) * eta``
    (MiniSom's Gaussian neighbourhood, the same operation order; subnormal h
    counts as 0). The update
    of iteration t and the distances of iteration t+1 share one pass over
    the weights. ``dist`` (units,), ``ax`` (rows,), ``ay`` (cols,), ``h``
    (units,) are scratch.
    """
    m = WT.shape[1]
    rows = m // cols
    T = order.shape[0]
    if T == 0:
        return
    squared_distances_t(WT, X[order[0]], dist)
    for t in range(T):
        x = X[order[t]]
        win = _argmin(dist)
        ci = win // cols
        cj = win - ci * cols
        s = sigmas[t]
        dd = 2.0 * s * s
        for i in range(rows):
            a = float(i - ci)
            ax[i] = math.exp(-(a * a) / dd)
        for j in range(cols):
            a = float(j - cj)
            ay[j] = math.exp(-(a * a) / dd)
        eta = etas[t]
        for i in range(rows):
            for j in range(cols):
                hij = (ax[i] * ay[j]) * eta
                h[i * cols + j] = hij if hij >= _SMALLEST_NORMAL else 0.0
        x_next = X[order[t + 1]] if t + 1 < T else x  # the last distances are not used
        _update_and_distances(WT, x, h, x_next, dist)
