"""Naive textbook twin of Földiák's sparse-coding network (Biol. Cybern. 64, 1990): plain Python loops.

Written straight from the paper's equations, one unit and one weight at a
time, with Python floats and ``math.exp``; it shares no code with
``hebbmem.competitive``. Slow on purpose. The dynamics are integrated with
forward Euler from y* = 0 until max_i |dy*_i/dt| <= tol (or max_steps
steps), as hebbmem documents.
"""

import math

import numpy as np


def _sigmoid(u, lam):
    try:
        return 1.0 / (1.0 + math.exp(-lam * u))
    except OverflowError:  # exp(-lam u) beyond the largest float: u is very negative
        return 0.0


def settle(Q, W, t, x, lam, h, tol, max_steps):
    """dy*_i/dt = f(sum_j q_ij x_j + sum_k w_ik y*_k - t_i) - y*_i, from y* = 0; returns (y*, steps)."""
    n, m = len(Q), len(x)
    feed = []
    for i in range(n):
        s = Q[i][0] * x[0]
        for j in range(1, m):
            s += Q[i][j] * x[j]
        feed.append(s)
    y = [0.0] * n
    steps = 0
    while True:
        f = []
        for i in range(n):
            lateral = W[i][0] * y[0]
            for k in range(1, n):
                lateral += W[i][k] * y[k]
            f.append(_sigmoid(feed[i] + lateral - t[i], lam))
        if max(abs(f[i] - y[i]) for i in range(n)) <= tol or steps == max_steps:
            return y, steps
        y = [y[i] + h * (f[i] - y[i]) for i in range(n)]
        steps += 1


def train(Q, W, t, X, *, alpha, beta, gamma, p, lam, h, tol, max_steps, epochs=1):
    """The paper's learning loop; returns new (Q, W, t) and the 0/1 outputs of the last epoch.

    After each input settles, y_i = 1 if y*_i > 1/2 else 0, and
    w_ij += -alpha (y_i y_j - p^2) (i != j, then w_ij = 0 if it became positive),
    q_ij += beta y_i (x_j - q_ij), t_i += gamma (y_i - p).
    """
    Q = [list(map(float, row)) for row in Q]
    W = [list(map(float, row)) for row in W]
    t = [float(v) for v in t]
    n = len(Q)
    outputs = []
    for _ in range(epochs):
        outputs = []
        for x in X:
            x = [float(v) for v in x]
            y_star, _ = settle(Q, W, t, x, lam, h, tol, max_steps)
            y = [1.0 if v > 0.5 else 0.0 for v in y_star]
            for i in range(n):
                for j in range(n):
                    if i == j:
                        W[i][j] = 0.0
                        continue
                    W[i][j] += -alpha * (y[i] * y[j] - p * p)
                    if W[i][j] > 0.0:
                        W[i][j] = 0.0
            for i in range(n):
                for j in range(len(x)):
                    Q[i][j] += beta * y[i] * (x[j] - Q[i][j])
            for i in range(n):
                t[i] += gamma * (y[i] - p)
            outputs.append(y)
    return np.array(Q), np.array(W), np.array(t), np.array(outputs)


def respond(Q, W, t, X, *, lam, h, tol, max_steps):
    """The 0/1 outputs (and the analog states) for each row of X, without learning."""
    Q, W, t = Q.tolist(), W.tolist(), t.tolist()
    states = [settle(Q, W, t, [float(v) for v in x], lam, h, tol, max_steps)[0] for x in X]
    return (np.array(states) > 0.5).astype(float), np.array(states)
