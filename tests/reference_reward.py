"""Naive textbook twin of reward-modulated STDP: one synapse at a time, in plain Python loops.

Slow on purpose and written straight from Izhikevich (2007) and the formula in
:mod:`hebbmem.reward.rules`, sharing no code with the library: a leaky
integrate-and-fire step, the STDP pairing of every synapse charging its
eligibility trace c, and the weight moving by learning_rate * reward * c
whenever the reward is not zero.
"""

import math

import numpy as np


def reward_stdp(W, sequences, rewards, *, threshold, v_reset, leak, decay, lr, a_plus, a_minus, tau_e,
                w_min, w_max, epochs=1, reset=True):
    """Run the sequences (a list of (n_steps, n_in) arrays) with their rewards (a list of 1-D arrays, or callables).

    Returns the final W, the final eligibility c, and the output spikes and
    rewards of the last epoch (lists, one array per sequence).
    """
    W = [list(map(float, row)) for row in np.asarray(W, dtype=float)]
    n_out, n_in = len(W), len(W[0])
    c_decay = math.exp(-1.0 / tau_e)
    v, pre, post = [0.0] * n_out, [0.0] * n_in, [0.0] * n_out
    c = [[0.0] * n_in for _ in range(n_out)]
    for _ in range(epochs):
        all_spikes, all_rewards = [], []
        for X, R in zip(sequences, rewards):
            if reset:
                v, pre, post = [0.0] * n_out, [0.0] * n_in, [0.0] * n_out
                c = [[0.0] * n_in for _ in range(n_out)]
            spikes, given = [], []
            for t, x in enumerate(X):
                x = [float(xj) for xj in x]
                pre = [decay * pre[j] + x[j] for j in range(n_in)]
                s = []
                for i in range(n_out):
                    drive = W[i][0] * x[0]
                    for j in range(1, n_in):
                        drive += W[i][j] * x[j]
                    v[i] = leak * v[i] + drive
                    s.append(1.0 if v[i] >= threshold else 0.0)
                    if s[i] == 1.0:
                        v[i] = v_reset
                post = [decay * post[i] + s[i] for i in range(n_out)]
                for i in range(n_out):
                    for j in range(n_in):
                        stdp = a_plus * s[i] * pre[j] - a_minus * post[i] * x[j]
                        c[i][j] = c_decay * c[i][j] + stdp
                if callable(R):  # what the library's callable gets: read-only arrays
                    x_seen, s_seen = np.array(x), np.array(s)
                    x_seen.flags.writeable = s_seen.flags.writeable = False
                    r = float(R(t, x_seen, s_seen))
                else:
                    r = float(R[t])
                if r != 0.0:
                    for i in range(n_out):
                        for j in range(n_in):
                            W[i][j] = min(max(W[i][j] + lr * r * c[i][j], w_min), w_max)
                spikes.append(s)
                given.append(r)
            all_spikes.append(np.array(spikes))
            all_rewards.append(np.array(given))
    return np.array(W), np.array(c), all_spikes, all_rewards
