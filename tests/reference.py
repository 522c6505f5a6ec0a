"""Naive textbook twins of hebbmem's rules and recall kernels.

Slow and obvious on purpose: double loops, one dot product per neuron, no
incremental tricks. The tests check that hebbmem gives exactly what these
give (same states, same iteration counts, same random update order).
"""

import numpy as np


def hebbian_weights(X, normalize=True, zero_diagonal=True):
    """W_ij = (1/P) sum_mu x_i^mu x_j^mu, by the textbook double loop."""
    P, N = X.shape
    W = np.zeros((N, N))
    for i in range(N):
        for j in range(N):
            W[i, j] = sum(X[mu, i] * X[mu, j] for mu in range(P))
    if normalize:
        W /= P
    if zero_diagonal:
        for i in range(N):
            W[i, i] = 0.0
    return W


def storkey_weights(X):
    """Storkey (1997): W_ij += (x_i x_j - x_i h_ji - h_ij x_j) / N, h_ij = sum_{k != i,j} W_ik x_k."""
    P, N = X.shape
    W = np.zeros((N, N))
    for x in X:
        h = np.zeros((N, N))
        for i in range(N):
            for j in range(N):
                h[i, j] = sum(W[i, k] * x[k] for k in range(N) if k != i and k != j)
        new = W.copy()
        for i in range(N):
            for j in range(N):
                if i != j:
                    new[i, j] = W[i, j] + (x[i] * x[j] - x[i] * h[j, i] - h[i, j] * x[j]) / N
        W = new
    return W


def pseudo_inverse_weights(X, zero_diagonal=True):
    """W = X^T (X X^T)^{-1} X."""
    W = X.T @ np.linalg.inv(X @ X.T) @ X
    if zero_diagonal:
        np.fill_diagonal(W, 0.0)
    return W


def sign_update(h, s, theta):
    """The tie rule: +1 above the threshold, -1 below, unchanged on it."""
    if h > theta:
        return 1.0
    if h < theta:
        return -1.0
    return s


def sync_recall(W, s, theta, max_iter):
    """The textbook fixed-length run: exactly ``max_iter`` synchronous updates.

    Returns (state after ``max_iter`` updates, n_iter, status), where n_iter
    and status say when the run first reached a fixed point ('converged') or
    returned to the state of two updates before ('cycled'), or 'max_iter'.
    After a fixed point the state no longer changes, so the loop may stop.
    """
    s = np.array(s, dtype=float)
    history = [s]
    n_iter, status = max_iter, "max_iter"
    for it in range(1, max_iter + 1):
        h = [np.dot(W[i], s) for i in range(len(s))]  # one dot per neuron
        new = np.array([sign_update(h[i], s[i], theta) for i in range(len(s))])
        if np.array_equal(new, s):
            return new, (it if status == "max_iter" else n_iter), (status if status != "max_iter" else "converged")
        if status == "max_iter" and it > 1 and np.array_equal(new, history[-2]):
            n_iter, status = it, "cycled"
        history.append(new)
        s = new
    return s, n_iter, status


def splitmix64(key, count):
    """Outputs 1..count of SplitMix64 started at ``key``, with Python integers mod 2**64."""
    mask = (1 << 64) - 1
    out = []
    for k in range(1, count + 1):
        z = (int(key) + k * 0x9E3779B97F4A7C15) & mask
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        out.append(z ^ (z >> 31))
    return out


def fisher_yates(key, n):
    """The documented update order: raw = SplitMix64(key); swap i with floor((raw[i] >> 32) * (i + 1) / 2**32)."""
    raw = splitmix64(key, n)
    order = np.arange(n)
    for i in range(n - 1, 0, -1):
        j = ((raw[i] >> 32) * (i + 1)) >> 32
        order[i], order[j] = order[j], order[i]
    return order


def async_recall(W, probes, theta, max_sweeps, seed):
    """Asynchronous recall of a batch, replaying hebbmem's documented draws.

    Every sweep draws ``random_raw(n_active)`` from ``default_rng(seed)``,
    one key per still-active probe in order; each field is recomputed from
    scratch. Returns (states, n_sweeps, converged, energies per sweep).
    """
    rng = np.random.default_rng(seed)
    S = np.array(probes, dtype=float)
    n_probes, N = S.shape
    n_sweeps = np.zeros(n_probes, dtype=int)
    converged = np.zeros(n_probes, dtype=bool)
    energy = [[energy_of(W, S[b], theta)] for b in range(n_probes)]
    active = list(range(n_probes))
    for sweep in range(1, max_sweeps + 1):
        keys = rng.bit_generator.random_raw(len(active))
        still = []
        for k, b in enumerate(active):
            flipped = False
            for i in fisher_yates(keys[k], N):
                new = sign_update(np.dot(W[i], S[b]), S[b, i], theta)
                if new != S[b, i]:
                    S[b, i] = new
                    flipped = True
            n_sweeps[b] = sweep
            energy[b].append(energy_of(W, S[b], theta))
            if flipped:
                still.append(b)
            else:
                converged[b] = True
        active = still
        if not active:
            break
    return S, n_sweeps, converged, energy


def energy_of(W, s, theta):
    """E = -1/2 s^T W s + theta * sum(s), by the double sum."""
    N = len(s)
    return -0.5 * sum(W[i, j] * s[i] * s[j] for i in range(N) for j in range(N)) + theta * sum(s)


def storkey_weights_exact(X, W0=None):
    """Storkey's textbook double loop in exact rational arithmetic, from W0 (default: zeros).

    Returns a list of lists of fractions.Fraction; W_ii is never changed.
    """
    from fractions import Fraction

    X = [[int(v) for v in row] for row in X]
    N = len(X[0])
    W = [[Fraction(0)] * N for _ in range(N)] if W0 is None else [[Fraction(v) for v in row] for row in W0]
    for x in X:
        h = [[sum((W[i][k] * x[k] for k in range(N) if k != i and k != j), Fraction(0)) for j in range(N)]
             for i in range(N)]
        W = [[W[i][j] + Fraction(x[i] * x[j]) / N - (x[i] * h[j][i]) / N - (h[i][j] * x[j]) / N
              if i != j else W[i][j] for j in range(N)] for i in range(N)]
    return W
