"""Naive textbook twins of competitive learning, k-means and Kohonen's map: one element at a time, in plain loops.

Slow on purpose and written straight from the textbooks (Hertz, Krogh and
Palmer ch. 9; MacQueen 1967; Lloyd 1982; DeSieno 1988; Ahalt et al. 1990;
Kohonen 1982, with MiniSom's schedules), so that they share no code with
hebbmem. The tests compare them with hebbmem's kernels (winners exactly,
weights to 1e-12 relative: these loops sum in the same left-to-right order,
but write some products differently, e.g. ``(x - w) / n`` for ``(1/n)(x - w)``).
"""

import math

import numpy as np


def sq_dist(w, x):
    """||x - w||^2, summed left to right."""
    acc = 0.0
    for k in range(len(x)):
        acc += (x[k] - w[k]) ** 2
    return acc


def argmin(values):
    """The index of the smallest value; ties: the first."""
    best = 0
    for i in range(1, len(values)):
        if values[i] < values[best]:
            best = i
    return best


# ------------------------------------------------------------ competitive learning
def competitive(W, X, order, lr, schedule="constant", fairness=None, C=10.0, beta=1e-4, wins=None, p=None):
    """Hard winner-take-all over X[order] (Rumelhart and Zipser 1985), with DeSieno's conscience or FSCL.

    Returns the new W, the win counts and the frequencies.
    """
    W = [list(map(float, w)) for w in W]
    m = len(W)
    wins = [0] * m if wins is None else list(wins)
    p = [1.0 / m] * m if p is None else list(p)
    for s in order:
        x = X[s]
        d = [sq_dist(w, x) for w in W]
        nearest = argmin(d)
        if fairness == "conscience":  # DeSieno (1988): p tracks how often each unit is nearest
            for i in range(m):
                z = 1.0 if i == nearest else 0.0
                p[i] = p[i] + beta * (z - p[i])
            win = argmin([d[i] - C * (1.0 / m - p[i]) for i in range(m)])
        elif fairness == "frequency":  # Ahalt et al. (1990): distances scaled by the wins so far
            win = argmin([(wins[i] + 1) * d[i] for i in range(m)])
        else:
            win = nearest
        wins[win] += 1
        for k in range(len(x)):
            if schedule == "kmeans":
                W[win][k] = W[win][k] + (x[k] - W[win][k]) / wins[win]
            else:
                W[win][k] = W[win][k] + lr * (x[k] - W[win][k])
    return np.array(W), np.array(wins), np.array(p)


def macqueen(centres, X, order):
    """MacQueen's (1967) online k-means: each centre is the running mean of the samples assigned to it.

    The centres' counts start at 0, so the first sample a centre gets replaces it.
    """
    sums = [np.zeros(len(X[0])) for _ in centres]
    counts = [0] * len(centres)
    C = [np.array(c, dtype=float) for c in centres]
    for s in order:
        i = argmin([sq_dist(c, X[s]) for c in C])
        counts[i] += 1
        sums[i] = sums[i] + X[s]
        C[i] = sums[i] / counts[i]
    return np.array(C), np.array(counts)


def lloyd(X, centres, iterations=100):
    """Lloyd's batch k-means: assign every sample to its nearest centre, move every centre to its mean."""
    C = np.array(centres, dtype=float)
    for _ in range(iterations):
        labels = [argmin([sq_dist(c, x) for c in C]) for x in X]
        new = C.copy()
        for i in range(len(C)):
            members = [X[s] for s in range(len(X)) if labels[s] == i]
            if members:
                new[i] = np.mean(members, axis=0)
        if np.array_equal(new, C):
            break
        C = new
    return C


# --------------------------------------------------------------------------- SOM
def asymptotic_decay(p, t, T):
    """MiniSom's default schedule: p / (1 + t / (T / 2))."""
    return p / (1 + t / (T / 2))


def som(W, X, order, lr, sigma, T=None, decay=asymptotic_decay):
    """Kohonen's online rule with a Gaussian neighbourhood, iteration t using decay(lr, t, T), decay(sigma, t, T).

    ``W`` has shape (rows, cols, n). Every unit moves by eta * h * (x - w),
    h = exp(-di^2 / 2 s^2) exp(-dj^2 / 2 s^2); neighbourhood factors below
    the smallest normal double count as 0, as in hebbmem.
    """
    W = np.array(W, dtype=float)
    rows, cols, n = W.shape
    T = len(order) if T is None else T
    for t, s_ in enumerate(order):
        x = X[s_]
        eta, s = decay(lr, t, T), decay(sigma, t, T)
        d = [sq_dist(W[i, j], x) for i in range(rows) for j in range(cols)]
        ci, cj = divmod(argmin(d), cols)
        for i in range(rows):
            for j in range(cols):
                h = math.exp(-((i - ci) ** 2) / (2 * s * s)) * math.exp(-((j - cj) ** 2) / (2 * s * s)) * eta
                if h < 2.2250738585072014e-308:
                    h = 0.0
                for k in range(n):
                    W[i, j, k] = W[i, j, k] + h * (x[k] - W[i, j, k])
    return W


def bmus(W, x):
    """Grid positions of the best and second-best units of x."""
    rows, cols, _ = W.shape
    d = [sq_dist(W[i, j], x) for i in range(rows) for j in range(cols)]
    b = argmin(d)
    d2 = list(d)
    d2[b] = math.inf
    return divmod(b, cols), divmod(argmin(d2), cols)


def quantization_error(W, X):
    total = 0.0
    for x in X:
        (i, j), _ = bmus(W, x)
        total += math.sqrt(sq_dist(W[i, j], x))
    return total / len(X)


def topographic_error(W, X):
    """Fraction of samples whose two best units are not among each other's 8 grid neighbours."""
    errors = 0
    for x in X:
        (i1, j1), (i2, j2) = bmus(W, x)
        if max(abs(i1 - i2), abs(j1 - j2)) > 1:
            errors += 1
    return errors / len(X)


def u_matrix(W, mean=False):
    """Sum (or mean) of the distances from each unit to its 8 grid neighbours, divided by the maximum."""
    rows, cols, _ = W.shape
    U = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            dists = []
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    a, b = i + di, j + dj
                    if (di, dj) != (0, 0) and 0 <= a < rows and 0 <= b < cols:
                        dists.append(math.sqrt(sq_dist(W[i, j], W[a, b])))
            U[i, j] = sum(dists) / len(dists) if mean else sum(dists)
    return U / U.max()
