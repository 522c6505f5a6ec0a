"""Numba kernels of the generative family: contrastive divergence, Gibbs chains, and the wake and sleep phases.

The one module of the room where speed beats clarity. The readable NumPy
twins are ``_cd_batch_numpy`` and ``_gibbs_numpy`` in
:mod:`hebbmem.generative.contrastive_divergence` and ``_wake_numpy`` and
``_sleep_numpy`` in :mod:`hebbmem.generative.wake_sleep`; the textbook loops
are in ``tests/reference_generative.py``. Nothing here validates input.
Kernels are compiled lazily, with an on-disk cache (see :mod:`hebbmem._numba`).
"""

import numpy as np

from .._numba import jit

__all__ = ["cd_train", "gibbs_chains", "wake_phase", "sleep_phase"]


# Conventions shared by these kernels, which make them bit-identical to their NumPy twins:
#
# * Random numbers come in: ``U`` holds uniforms on [0, 1) drawn by the Python
#   wrapper, consumed in a fixed order (each kernel's docstring says which). A
#   unit is on when its uniform is below its probability: ``u < p``.
# * Every sum starts from 0.0 and adds its terms in index order, as
#   ``ordered_matmul`` / ``ordered_sum`` / ``cumsum`` do in NumPy. Terms whose
#   factor is an exact 0.0 are skipped: adding a zero to a sum that started at
#   +0.0 never changes it, so skipping is exact, and it makes the sparse
#   binary products cheap.
# * The logistic function is the overflow-free form of ``_math.logistic_libm``,
#   with the C library's exp (which Numba calls, as ``math.exp`` does).
# * Without ``fastmath`` LLVM neither reorders sums nor fuses a*b+c.


@jit
def _logistic(z):
    e = np.exp(-abs(z))
    if z >= 0.0:
        return 1.0 / (1.0 + e)
    return e / (1.0 + e)


@jit
def _nonzero(x, nz):
    """Write the indices of the nonzero entries of ``x`` into ``nz``; return how many (branch-free)."""
    n = 0
    for j in range(x.shape[0]):
        nz[n] = j
        n += x[j] != 0.0
    return n


@jit
def _hidden_from_visible(WT, c, T, x, nz, n, acc, out):
    """``out = sigma((W @ x + c) / T)`` from ``WT = W.T``: its rows at the nonzero ``x``, added in order."""
    H = WT.shape[1]
    for i in range(H):
        acc[i] = 0.0
    for t in range(n):
        j = nz[t]
        xj = x[j]
        row = WT[j]
        for i in range(H):
            acc[i] += xj * row[i]
    for i in range(H):
        out[i] = _logistic((acc[i] + c[i]) / T)


@jit
def _up_nz(W, c, T, x, nz, n, out):
    """``out = sigma((W @ x + c) / T)`` with ``W`` of shape (n_out, n_in), summed over ``x[nz[:n]]``, its nonzeros.

    Each sum is a chain of dependent additions; four rows at a time run as
    independent chains, which the CPU overlaps (the order of each sum is
    unchanged).
    """
    n_out = W.shape[0]
    i = 0
    while i + 4 <= n_out:
        w0, w1, w2, w3 = W[i], W[i + 1], W[i + 2], W[i + 3]
        a0 = a1 = a2 = a3 = 0.0
        for t in range(n):
            j = nz[t]
            xj = x[j]
            a0 += xj * w0[j]
            a1 += xj * w1[j]
            a2 += xj * w2[j]
            a3 += xj * w3[j]
        out[i] = _logistic((a0 + c[i]) / T)
        out[i + 1] = _logistic((a1 + c[i + 1]) / T)
        out[i + 2] = _logistic((a2 + c[i + 2]) / T)
        out[i + 3] = _logistic((a3 + c[i + 3]) / T)
        i += 4
    while i < n_out:
        acc = 0.0
        row = W[i]
        for t in range(n):
            j = nz[t]
            acc += x[j] * row[j]
        out[i] = _logistic((acc + c[i]) / T)
        i += 1


@jit
def _up(W, c, T, x, nz, out):
    """``out = sigma((W @ x + c) / T)``, summed over the nonzero ``x`` (found here, into ``nz``)."""
    _up_nz(W, c, T, x, nz, _nonzero(x, nz), out)


@jit
def _bernoulli(z, u):
    """1.0 if ``u < sigma(z)``, else 0.0, calling ``exp`` only when the answer needs it.

    Two bounds decide most draws exactly, without ``exp``:

    * for ``z >= 0``, sigma(z) = 1 / (1 + e) with ``e <= 1`` rounds to at
      least 0.5, so ``u < 0.5`` is on;
    * for ``z < 0``, with ``a = -z``, ``e^a >= d = 1 + a + a^2/2 + a^3/6``
      (Taylor, every term positive), so sigma(z) < 1 / d. When
      ``u * d >= 1 + 1e-12`` the uniform is above 1 / d by far more than the
      rounding of ``d``, of ``exp`` (1 ulp) and of sigma itself (a few ulp),
      so ``u`` is above the computed sigma(z) too: off. (A background pixel
      with z = -5 needs ``exp`` for 2.5 % of the draws instead of 100 %.)

    Every other draw is compared with sigma(z): the same answer as the NumPy
    path's ``u < logistic_libm(z)``, always.
    """
    if z >= 0.0:
        if u < 0.5:
            return 1.0
    else:
        a = -z
        d = 1.0 + a * (1.0 + a * (0.5 + a * (1.0 / 6.0)))
        if u * d >= 1.0 + 1e-12:
            return 0.0
    return 1.0 if u < _logistic(z) else 0.0


@jit
def _sample_visible(W, b, T, h, acc, U, u, v, nz):
    """``v = [U[u:u+V] < sigma((h @ W + b) / T)]``, rows of ``W`` added in order; its nonzeros into ``nz``, counted."""
    acc[:] = 0.0
    for i in range(W.shape[0]):
        hi = h[i]
        if hi != 0.0:
            row = W[i]
            for j in range(acc.shape[0]):
                acc[j] += hi * row[j]
    for j in range(acc.shape[0]):
        acc[j] = (acc[j] + b[j]) / T
    n = 0
    for j in range(acc.shape[0]):
        z = acc[j]
        uj = U[u + j]
        on = _bernoulli(z, uj) != 0.0
        v[j] = 1.0 if on else 0.0
        if on:
            nz[n] = j
            n += 1
    return n


@jit
def cd_train(W, WT, b, c, X, row0, row1, batch_size, k, persistent, lr, T, chains, U):
    """Contrastive divergence on rows ``row0:row1`` of ``X``, in mini-batches; every array but ``X`` and ``U`` in place.

    ``WT`` is a C-contiguous copy of ``W.T``, kept equal to it: the hidden
    fields run along its rows of H values (16 independent sums at once
    instead of 16 chains of dependent additions), the visible fields along
    the rows of ``W``.

    Per batch of ``nb`` rows the uniforms are used in this order: CD only,
    ``nb * H`` for the hidden sample of the data; then for each of the ``k``
    steps ``nb * V`` for the visible sample and (except after CD's last
    step) ``nb * H`` for the hidden sample; each block row by row. With
    ``persistent`` the chains start from ``chains`` and end in its first
    ``nb`` rows. Returns the number of uniforms used.
    """
    H, V = W.shape
    B = batch_size
    ph = np.empty((B, H))
    qh = np.empty((B, H))
    hs = np.empty((B, H))
    vs = np.empty((B, V))
    acc = np.empty(V)
    acch = np.empty(H)
    nzx = np.empty((B, V), np.int64)  # the nonzero units of each data row ...
    nzv = np.empty((B, V), np.int64)  # ... and of each visible sample
    nx = np.empty(B, np.int64)
    nv = np.empty(B, np.int64)
    gpos = np.empty((V, H))
    gneg = np.empty((V, H))
    bpos = np.empty(V)
    bneg = np.empty(V)
    cpos = np.empty(H)
    cneg = np.empty(H)
    u = 0
    start = row0
    while start < row1:
        nb = min(B, row1 - start)
        for r in range(nb):  # positive phase: hidden probabilities of the data
            x = X[start + r]
            nx[r] = _nonzero(x, nzx[r])
            _hidden_from_visible(WT, c, T, x, nzx[r], nx[r], acch, ph[r])
        if persistent:
            for r in range(nb):
                hs[r, :] = chains[r, :]
        else:
            for r in range(nb):
                for i in range(H):
                    hs[r, i] = 1.0 if U[u] < ph[r, i] else 0.0
                    u += 1
        for step in range(k):  # negative phase: k steps of Gibbs sampling
            for r in range(nb):
                nv[r] = _sample_visible(W, b, T, hs[r], acc, U, u, vs[r], nzv[r])
                u += V
            for r in range(nb):
                _hidden_from_visible(WT, c, T, vs[r], nzv[r], nv[r], acch, qh[r])
            if persistent or step < k - 1:
                for r in range(nb):
                    for i in range(H):
                        hs[r, i] = 1.0 if U[u] < qh[r, i] else 0.0
                        u += 1
        if persistent:
            for r in range(nb):
                chains[r, :] = hs[r, :]
        # The gradient, accumulated transposed, (V, H), over the nonzero visible units only.
        gpos[:, :] = 0.0
        gneg[:, :] = 0.0
        bpos[:] = 0.0
        bneg[:] = 0.0
        cpos[:] = 0.0
        cneg[:] = 0.0
        for r in range(nb):
            x = X[start + r]
            v = vs[r]
            a = ph[r]
            q = qh[r]
            for t in range(nx[r]):
                j = nzx[r, t]
                xj = x[j]
                g = gpos[j]
                for i in range(H):
                    g[i] += a[i] * xj
                bpos[j] += xj
            for t in range(nv[r]):
                j = nzv[r, t]
                vj = v[j]
                g = gneg[j]
                for i in range(H):
                    g[i] += q[i] * vj
                bneg[j] += vj
            for i in range(H):
                cpos[i] += a[i]
                cneg[i] += q[i]
        scale = lr / nb
        for j in range(V):
            wt = WT[j]
            gp = gpos[j]
            gn = gneg[j]
            for i in range(H):
                w = W[i, j] + scale * (gp[i] - gn[i])
                W[i, j] = w
                wt[i] = w
        for i in range(H):
            c[i] += scale * (cpos[i] - cneg[i])
        for j in range(V):
            b[j] += scale * (bpos[j] - bneg[j])
        start += nb
    return u


@jit
def gibbs_chains(W, WT, b, c, T, V0, n_steps, U, Hs):
    """``n_steps`` Gibbs steps (h from v, then v from h) for every row of ``V0``, in place; the last h into ``Hs``.

    ``WT`` is a C-contiguous copy of ``W.T``. Per step the uniforms are used ``n * H`` for the hidden samples, then
    ``n * V`` for the visible samples, each block row by row.
    """
    H, V = W.shape
    n = V0.shape[0]
    ph = np.empty(H)
    acch = np.empty(H)
    acc = np.empty(V)
    nz = np.empty(V, np.int64)
    u = 0
    for _ in range(n_steps):
        for r in range(n):
            _hidden_from_visible(WT, c, T, V0[r], nz, _nonzero(V0[r], nz), acch, ph)
            for i in range(H):
                Hs[r, i] = 1.0 if U[u] < ph[i] else 0.0
                u += 1
        for r in range(n):
            _sample_visible(W, b, T, Hs[r], acc, U, u, V0[r], nz)
            u += V
    return u


@jit
def wake_phase(W_rec, b_rec, W_gen, b_gen, b_prior, X, row0, row1, lr, U, errors):
    """The wake phase on rows ``row0:row1`` of ``X``, one row at a time: the generative parameters learn.

    Uses ``H`` uniforms per row (the recognised hidden sample).
    """
    H, V = W_rec.shape
    q = np.empty(H)
    h = np.empty(H)
    p = np.empty(V)
    e = np.empty(V)
    pi = np.empty(H)
    nz = np.empty(max(H, V), np.int64)
    u = 0
    for r in range(row0, row1):
        x = X[r]
        _up(W_rec, b_rec, 1.0, x, nz, q)
        for j in range(H):
            h[j] = 1.0 if U[u] < q[j] else 0.0
            u += 1
        _up(W_gen, b_gen, 1.0, h, nz, p)  # p = sigma(W_gen h + b_gen)
        err = 0.0
        for i in range(V):
            e[i] = x[i] - p[i]
            err += e[i] * e[i]
        errors[r - row0] = err / V
        for j in range(H):
            pi[j] = _logistic(b_prior[j])
        for i in range(V):
            row = W_gen[i]
            for j in range(H):
                if h[j] != 0.0:
                    row[j] += lr * (e[i] * h[j])
            b_gen[i] += lr * e[i]
        for j in range(H):
            b_prior[j] += lr * (h[j] - pi[j])
    return u


@jit
def sleep_phase(W_rec, b_rec, W_gen, b_gen, b_prior, n_samples, lr, U, errors):
    """``n_samples`` sleep steps: dream (h from the prior, v from h), and the recognition parameters learn.

    Uses ``H`` uniforms (the prior sample) then ``V`` (the dreamed visible
    sample) per step.
    """
    H, V = W_rec.shape
    h = np.empty(H)
    v = np.empty(V)
    p = np.empty(V)
    q = np.empty(H)
    e = np.empty(H)
    nz = np.empty(max(H, V), np.int64)
    u = 0
    for s in range(n_samples):
        for j in range(H):
            h[j] = 1.0 if U[u] < _logistic(b_prior[j]) else 0.0
            u += 1
        _up(W_gen, b_gen, 1.0, h, nz, p)
        for i in range(V):
            v[i] = 1.0 if U[u] < p[i] else 0.0
            u += 1
        _up(W_rec, b_rec, 1.0, v, nz, q)
        err = 0.0
        for j in range(H):
            e[j] = h[j] - q[j]
            err += e[j] * e[j]
        errors[s] = err / H
        for j in range(H):
            row = W_rec[j]
            for i in range(V):
                if v[i] != 0.0:
                    row[i] += lr * (e[j] * v[i])
            b_rec[j] += lr * e[j]
    return u
