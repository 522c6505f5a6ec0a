"""Naive textbook twins of the generative family: one unit at a time, in plain Python loops, and brute-force sums.

Slow on purpose and written straight from the formulas in the docstrings of
:mod:`hebbmem.generative`, so that they share no code with the library. They
draw their random numbers one at a time (``rng.random()``) in the order the
library documents, which gives the same stream as the library's blocks; the
tests compare them with hebbmem's kernels exactly: the sums here run left to
right from 0.0, as the kernels' do, and the logistic function is the same
overflow-free formula with ``math.exp``.
"""

import itertools
import math

import numpy as np


def sigmoid(z):
    e = math.exp(-abs(z))
    return 1.0 / (1.0 + e) if z >= 0 else e / (1.0 + e)


def bernoulli(p, rng):
    return 1.0 if rng.random() < p else 0.0


# ------------------------------------------------------------------------------ RBM
def _p_hidden(W, c, T, v):
    out = []
    for i in range(len(c)):
        acc = 0.0
        for j in range(len(v)):
            acc += v[j] * W[i][j]
        out.append(sigmoid((acc + c[i]) / T))
    return out


def _p_visible(W, b, T, h):
    out = []
    for j in range(len(b)):
        acc = 0.0
        for i in range(len(h)):
            acc += h[i] * W[i][j]
        out.append(sigmoid((acc + b[j]) / T))
    return out


def contrastive_divergence(W, b, c, X, *, lr, k, persistent, batch_size, T, rng, epochs=1, chains=None):
    """CD-k or persistent CD on the rows of X, mini-batch by mini-batch; returns W, b, c, chains.

    Random numbers, per batch: (CD) a hidden sample of every row; then per
    step a visible sample of every row, then (except after CD's last step) a
    hidden sample of every row.
    """
    W = [list(map(float, row)) for row in W]
    b, c = list(map(float, b)), list(map(float, c))
    H, V = len(c), len(b)
    chains = [[0.0] * H for _ in range(batch_size)] if chains is None else [list(r) for r in chains]
    X = [list(map(float, x)) for x in X]
    for _ in range(epochs):
        for start in range(0, len(X), batch_size):
            batch = X[start:start + batch_size]
            nb = len(batch)
            pos = [_p_hidden(W, c, T, x) for x in batch]
            if persistent:
                hs = [list(chains[r]) for r in range(nb)]
            else:
                hs = [[bernoulli(p, rng) for p in pos[r]] for r in range(nb)]
            for step in range(k):
                vs = [[bernoulli(p, rng) for p in _p_visible(W, b, T, hs[r])] for r in range(nb)]
                neg = [_p_hidden(W, c, T, v) for v in vs]
                if persistent or step < k - 1:
                    hs = [[bernoulli(p, rng) for p in neg[r]] for r in range(nb)]
            if persistent:
                for r in range(nb):
                    chains[r] = list(hs[r])
            scale = lr / nb
            newW = [row[:] for row in W]
            for i in range(H):
                for j in range(V):
                    gp = gn = 0.0
                    for r in range(nb):
                        gp += pos[r][i] * batch[r][j]
                    for r in range(nb):
                        gn += neg[r][i] * vs[r][j]
                    newW[i][j] = W[i][j] + scale * (gp - gn)
            newc = c[:]
            for i in range(H):
                sp = sn = 0.0
                for r in range(nb):
                    sp += pos[r][i]
                for r in range(nb):
                    sn += neg[r][i]
                newc[i] = c[i] + scale * (sp - sn)
            newb = b[:]
            for j in range(V):
                sp = sn = 0.0
                for r in range(nb):
                    sp += batch[r][j]
                for r in range(nb):
                    sn += vs[r][j]
                newb[j] = b[j] + scale * (sp - sn)
            W, b, c = newW, newb, newc
    return np.array(W), np.array(b), np.array(c), np.array(chains)


def gibbs_chains(W, b, c, T, V0, n_steps, rng):
    """n_steps of (h from v, v from h) for every row together; per step all hidden draws, then all visible."""
    vs = [list(map(float, v)) for v in V0]
    hs = [[0.0] * len(c) for _ in vs]
    for _ in range(n_steps):
        hs = [[bernoulli(p, rng) for p in _p_hidden(W, c, T, v)] for v in vs]
        vs = [[bernoulli(p, rng) for p in _p_visible(W, b, T, h)] for h in hs]
    return np.array(vs), np.array(hs)


def _states(n):
    return [list(map(float, s)) for s in itertools.product([0, 1], repeat=n)]


def rbm_log_likelihood(W, b, c, T, data):
    """log p(v) by brute force: Z summed over every (v, h) pair, p(v) over every h."""
    W, b, c = np.asarray(W), np.asarray(b), np.asarray(c)

    def unnorm(v, h):
        e = sum(h[i] * W[i][j] * v[j] for i in range(len(c)) for j in range(len(b)))
        e += sum(b[j] * v[j] for j in range(len(b))) + sum(c[i] * h[i] for i in range(len(c)))
        return math.exp(e / T)

    hidden = _states(len(c))
    Z = sum(unnorm(v, h) for v in _states(len(b)) for h in hidden)
    return np.array([math.log(sum(unnorm(list(v), h) for h in hidden) / Z) for v in data])


def rbm_exact_gradient(W, b, c, data):
    """The exact gradient of the mean log-likelihood (T = 1): <p(h|v) v^T>_data - <h v^T>_model, by enumeration."""
    W, b, c = np.asarray(W, float), np.asarray(b, float), np.asarray(c, float)
    V, H = len(b), len(c)
    pairs = [(np.array(v), np.array(h)) for v in _states(V) for h in _states(H)]
    weights = np.array([math.exp(h @ W @ v + b @ v + c @ h) for v, h in pairs])
    weights /= weights.sum()
    model_W = sum(w * np.outer(h, v) for w, (v, h) in zip(weights, pairs))
    model_b = sum(w * v for w, (v, h) in zip(weights, pairs))
    model_c = sum(w * h for w, (v, h) in zip(weights, pairs))
    X = np.asarray(data, float)
    P = np.array([[sigmoid(z) for z in W @ x + c] for x in X])
    return (P.T @ X / len(X) - model_W, X.mean(axis=0) - model_b, P.mean(axis=0) - model_c)


# ------------------------------------------------------------------------------ Helmholtz machine
def wake_sleep(W_rec, b_rec, W_gen, b_gen, b_prior, X, *, lr, num_sleep_samples, rng, epochs=1):
    """Wake on every row in order, then sleep num_sleep_samples dreams, per epoch; returns the five parameters.

    Random numbers: per row, the recognised hidden sample; per dream, the
    prior sample, then the dreamed visible sample.
    """
    W_rec = [list(map(float, r)) for r in W_rec]
    W_gen = [list(map(float, r)) for r in W_gen]
    b_rec, b_gen, b_prior = list(map(float, b_rec)), list(map(float, b_gen)), list(map(float, b_prior))
    H, V = len(b_rec), len(b_gen)

    def recognise(v):
        out = []
        for j in range(H):
            acc = 0.0
            for i in range(V):
                acc += W_rec[j][i] * v[i]
            out.append(sigmoid(acc + b_rec[j]))
        return out

    def generate(h):
        out = []
        for i in range(V):
            acc = 0.0
            for j in range(H):
                acc += W_gen[i][j] * h[j]
            out.append(sigmoid(acc + b_gen[i]))
        return out

    for _ in range(epochs):
        for x in X:
            h = [bernoulli(q, rng) for q in recognise(x)]
            p = generate(h)
            prior = [sigmoid(a) for a in b_prior]
            for i in range(V):
                e = x[i] - p[i]
                for j in range(H):
                    W_gen[i][j] += lr * (e * h[j])
                b_gen[i] += lr * e
            for j in range(H):
                b_prior[j] += lr * (h[j] - prior[j])
        for _ in range(num_sleep_samples):
            h = [bernoulli(sigmoid(a), rng) for a in b_prior]
            v = [bernoulli(p, rng) for p in generate(h)]
            q = recognise(v)
            for j in range(H):
                e = h[j] - q[j]
                for i in range(V):
                    W_rec[j][i] += lr * (e * v[i])
                b_rec[j] += lr * e
    return np.array(W_rec), np.array(b_rec), np.array(W_gen), np.array(b_gen), np.array(b_prior)


def helmholtz_measures(W_rec, b_rec, W_gen, b_gen, b_prior, data):
    """(log p(v), F(v)) for every row, by brute force over the hidden states."""
    def bern(x, p):
        return p if x == 1 else 1.0 - p

    out_ll, out_f = [], []
    for v in data:
        joint, F = 0.0, 0.0
        q_probs = [sigmoid(sum(W_rec[j][i] * v[i] for i in range(len(v))) + b_rec[j]) for j in range(len(b_rec))]
        for h in _states(len(b_prior)):
            p_h = math.prod(bern(h[j], sigmoid(b_prior[j])) for j in range(len(h)))
            gen = [sigmoid(sum(W_gen[i][j] * h[j] for j in range(len(h))) + b_gen[i]) for i in range(len(v))]
            p_v = math.prod(bern(v[i], gen[i]) for i in range(len(v)))
            q = math.prod(bern(h[j], q_probs[j]) for j in range(len(h)))
            joint += p_h * p_v
            F += q * (math.log(q) - math.log(p_h) - math.log(p_v))
        out_ll.append(math.log(joint))
        out_f.append(F)
    return np.array(out_ll), np.array(out_f)
