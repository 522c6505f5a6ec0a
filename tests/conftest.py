import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


def random_patterns(n_patterns, n_neurons, seed):
    """Random +1/-1 patterns (float64)."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random((n_patterns, n_neurons)) < 0.5, 1.0, -1.0)


def corrupt(X, fraction, seed):
    """Flip exactly int(N * fraction) bits of every row (a new array)."""
    rng = np.random.default_rng(seed)
    Y = np.array(X, dtype=float, copy=True)
    k = int(Y.shape[1] * fraction)
    for row in Y:
        row[rng.choice(Y.shape[1], k, replace=False)] *= -1
    return Y


@pytest.fixture
def patterns():
    return random_patterns(6, 120, seed=0)
