"""Naive textbook twins of the memory-science kernels (issue 9).

One neuron at a time, every quantity recomputed from scratch, no incremental
tricks. The tests replay the same random update orders and coin flips and
require identical states.
"""

import math

import numpy as np

from hebbmem.hopfield.dynamics import random_order


def dam_sweep(X, s, key, degree, rectified):
    """One asynchronous sweep of a dense associative memory, energies recomputed per visit.

    sigma_i <- sign(E(sigma_i = -1) - E(sigma_i = +1)), E = -sum_mu F(x_mu . sigma);
    a tie keeps the state.
    """
    s = np.array(s, dtype=float)

    def energy(state):
        m = X @ state
        if rectified:
            m = np.maximum(m, 0.0)
        return -float(np.sum(m ** degree))

    for i in random_order(int(key), len(s)):
        plus, minus = s.copy(), s.copy()
        plus[i], minus[i] = 1.0, -1.0
        delta = energy(minus) - energy(plus)
        if delta > 0:
            s[i] = 1.0
        elif delta < 0:
            s[i] = -1.0
    return s


def dam_sweep_exact(X, s, key, degree, rectified):
    """The same sweep in exact integer arithmetic (Python ints): the textbook at any degree."""
    Xi = [[int(v) for v in row] for row in np.asarray(X)]
    s = [int(v) for v in s]

    def energy(state):
        total = 0
        for row in Xi:
            m = sum(a * b for a, b in zip(row, state))
            total += max(m, 0) ** degree if rectified else m ** degree
        return -total

    for i in random_order(int(key), len(s)):
        plus, minus = list(s), list(s)
        plus[i], minus[i] = 1, -1
        delta = energy(minus) - energy(plus)
        if delta != 0:
            s[i] = 1 if delta > 0 else -1
    return np.array(s, dtype=float)


def glauber_sweep(J, s, key, uniforms, T, theta=0.0):
    """One Glauber sweep: P(s_i = +1) = 1 / (1 + exp(-2 (h_i - theta) / T)), h_i = sum_j J_ij s_j.

    ``uniforms[t]`` is the coin of the t-th visited neuron; T = 0 is the sign rule (ties keep).
    """
    s = np.array(s, dtype=float)
    for t, i in enumerate(random_order(int(key), len(s))):
        h = sum(J[i, j] * s[j] for j in range(len(s))) - theta
        if T == 0:
            s[i] = 1.0 if h > 0 else (-1.0 if h < 0 else s[i])
        else:
            s[i] = 1.0 if uniforms[t] < 1.0 / (1.0 + math.exp(-2.0 * h / T)) else -1.0
    return s


def modern_update(X, xi, beta):
    """xi_new = sum_mu p_mu x_mu with p = softmax(beta * X xi), written out."""
    z = [beta * float(np.dot(x, xi)) for x in X]
    top = max(z)
    w = [math.exp(v - top) for v in z]
    total = sum(w)
    return sum((wk / total) * x for wk, x in zip(w, X))
