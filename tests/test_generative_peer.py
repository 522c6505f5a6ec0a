"""hebbmem's RBM against scikit-learn's BernoulliRBM on the same binarised digits and settings (issue 15).

Both run persistent CD with one Gibbs step, mini-batches of 10 and the
learning rate on the batch mean; the exact test log-likelihood (hebbmem's
``log_likelihood``, over the 2**16 hidden states) of hebbmem's model must be
at least scikit-learn's, within 1 nat per digit, on the mean of three seeds.
The two libraries draw from different random generators, so single runs pair
different random streams: measured, a run varies by about half a nat either
way with the seed. Speed is measured in ``benchmarks/`` (``--only rbm``),
never here.
"""

import numpy as np
import pytest

import hebbmem as hm
from hebbmem.generative import ContrastiveDivergenceTrainer, RestrictedBoltzmannModel

sklearn_rbm = pytest.importorskip("sklearn.neural_network")

HIDDEN, LEARNING_RATE, BATCH, EPOCHS = 16, 0.05, 10, 20
TOLERANCE = 1.0  # nats per digit


@pytest.mark.slow
def test_hebbmem_reaches_scikit_learns_exact_log_likelihood():
    images, _ = hm.datasets.load_mnist()
    X = (images.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)) > 127.5).astype(float).reshape(len(images), -1)
    X = X[np.random.default_rng(0).permutation(len(X))]
    train, test = X[:1600], X[1600:]
    ours, theirs = [], []
    for seed in range(3):
        model = RestrictedBoltzmannModel(196, HIDDEN, seed=seed)
        ContrastiveDivergenceTrainer(model, LEARNING_RATE, k=1, persistent=True, batch_size=BATCH).train(
            train, epochs=EPOCHS)
        ours.append(model.log_likelihood(test).mean())
        peer = sklearn_rbm.BernoulliRBM(n_components=HIDDEN, learning_rate=LEARNING_RATE, batch_size=BATCH,
                                        n_iter=EPOCHS, random_state=seed).fit(train)
        model.W, model.b, model.c = peer.components_, peer.intercept_visible_, peer.intercept_hidden_
        theirs.append(model.log_likelihood(test).mean())
    # measured: hebbmem -41.10, -41.47, -41.43; scikit-learn -42.23, -42.41, -42.94
    assert np.mean(ours) >= np.mean(theirs) - TOLERANCE, (ours, theirs)
    assert max(ours + theirs) < -38 and min(ours + theirs) > -46  # both learned the digits (untrained: -135.9)
