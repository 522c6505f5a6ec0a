"""Naive textbook twins of the online plasticity rules: one element at a time, in plain Python loops.

Slow on purpose and written straight from the formulas in
:mod:`hebbmem.plasticity.rules`, so that they share no code with the library. The
tests compare them with hebbmem's kernels (to 1e-12 relative: these loops
sum in the same left-to-right order, but write some products differently).
"""

import math

import numpy as np


def _dot(w_row, x):
    acc = w_row[0] * x[0]
    for j in range(1, len(x)):
        acc += w_row[j] * x[j]
    return acc


def _normalize(W):
    for i in range(W.shape[0]):
        norm = math.sqrt(sum(W[i, j] ** 2 for j in range(W.shape[1])))
        if norm > 0:
            for j in range(W.shape[1]):
                W[i, j] /= norm


def oja(W, X, lr, normalize, epochs=1):
    """dW_ij = lr * y_i * (x_j - y_i W_ij) for every sample, in order."""
    W = np.array(W, dtype=float)
    for _ in range(epochs):
        for x in X:
            y = [_dot(W[i], x) for i in range(W.shape[0])]
            old = W.copy()
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    W[i, j] = old[i, j] + lr * (y[i] * x[j] - y[i] * y[i] * old[i, j])
            if normalize:
                _normalize(W)
    return W


def sanger(W, X, lr, normalize, epochs=1):
    """dW_ij = lr * y_i * (x_j - sum_{k <= i} y_k W_kj), with the W of before the sample."""
    W = np.array(W, dtype=float)
    for _ in range(epochs):
        for x in X:
            y = [_dot(W[i], x) for i in range(W.shape[0])]
            old = W.copy()
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    s = sum(y[k] * old[k, j] for k in range(i + 1))
                    W[i, j] = old[i, j] + lr * y[i] * (x[j] - s)
            if normalize:
                _normalize(W)
    return W


def bcm(W, theta, X, lr, tau, bound, epochs=1):
    """dW_ij = lr * y_i (y_i - theta_i) x_j, clip to [-bound, bound]; theta += (y^2 - theta) / tau."""
    W = np.array(W, dtype=float)
    theta = np.array(theta, dtype=float)
    thetas = []
    for _ in range(epochs):
        for x in X:
            y = [_dot(W[i], x) for i in range(W.shape[0])]
            for i in range(W.shape[0]):
                for j in range(W.shape[1]):
                    W[i, j] = min(max(W[i, j] + lr * y[i] * (y[i] - theta[i]) * x[j], -bound), bound)
            for i in range(W.shape[0]):
                theta[i] = theta[i] + (y[i] ** 2 - theta[i]) / tau
            thetas.append(theta.copy())
    return W, theta, np.array(thetas)


def lif_stdp(W, X, *, threshold, v_reset, leak, decay, lr, a_plus, a_minus, w_min, w_max, learn=True):
    """One sequence from rest: LIF steps (leak, input, spike, reset, traces), then trace STDP."""
    W = np.array(W, dtype=float)
    n_out, n_in = W.shape
    v = [0.0] * n_out
    pre = [0.0] * n_in
    post = [0.0] * n_out
    spikes = []
    for x in X:
        pre = [decay * pre[j] + x[j] for j in range(n_in)]
        s = []
        for i in range(n_out):
            v[i] = leak * v[i] + _dot(W[i], x)
            s.append(1.0 if v[i] >= threshold else 0.0)
            if s[i]:
                v[i] = v_reset
        post = [decay * post[i] + s[i] for i in range(n_out)]
        if learn:
            for i in range(n_out):
                for j in range(n_in):
                    dw = lr * (a_plus * s[i] * pre[j] - a_minus * post[i] * x[j])
                    W[i, j] = min(max(W[i, j] + dw, w_min), w_max)
        spikes.append(s)
    return W, np.array(spikes)
