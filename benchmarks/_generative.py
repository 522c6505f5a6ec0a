"""The RBM workload (issue 15): hebbmem's RBM against scikit-learn's BernoulliRBM, same digits, same settings.

Both train a restricted Boltzmann machine with 16 hidden units on the bundled
MNIST subset, pooled to 14 x 14 and binarised (1,600 training digits, 400
test digits), by persistent contrastive divergence with one Gibbs step per
update, mini-batches of 10, learning rate 0.05 on the batch mean, 20 epochs:
scikit-learn's only algorithm, and hebbmem's
``ContrastiveDivergenceTrainer(persistent=True)``. Both start from
N(0, 0.01^2) weights, zero biases and chains at zero.

Measured side by side: the training time (interleaved rounds), and the exact
test log-likelihood of both (hebbmem's ``log_likelihood``, summing over the
2**16 hidden states, applied to scikit-learn's parameters too) over ten
seeds: one run's result varies by about half a nat either way with the seed,
and the two libraries draw from different generators (scikit-learn's
RandomState, hebbmem's PCG64), so single runs pair different random streams.
"""

import numpy as np

import hebbmem as hm
from _harness import Variant, blas_threads, run_interleaved
from _workloads import HEBBMEM
from hebbmem.generative import ContrastiveDivergenceTrainer, RestrictedBoltzmannModel

HIDDEN, LEARNING_RATE, BATCH, EPOCHS, SEEDS = 16, 0.05, 10, 20, 10
SKLEARN = "scikit-learn BernoulliRBM"


def digits():
    """The bundled MNIST digits, 2 x 2 mean-pooled to 14 x 14, on above half intensity; shuffled; 1,600 / 400."""
    images, _ = hm.datasets.load_mnist()
    X = (images.reshape(-1, 14, 2, 14, 2).mean(axis=(2, 4)) > 127.5).astype(float).reshape(len(images), -1)
    X = X[np.random.default_rng(0).permutation(len(X))]
    return X[:1600], X[1600:]


def train_hebbmem(train, seed):
    model = RestrictedBoltzmannModel(train.shape[1], HIDDEN, seed=seed)
    ContrastiveDivergenceTrainer(model, LEARNING_RATE, k=1, persistent=True, batch_size=BATCH).train(
        train, epochs=EPOCHS)
    return model


def train_sklearn(train, seed):
    from sklearn.neural_network import BernoulliRBM

    return BernoulliRBM(n_components=HIDDEN, learning_rate=LEARNING_RATE, batch_size=BATCH, n_iter=EPOCHS,
                        random_state=seed).fit(train)


def as_hebbmem(rbm, n_visible):
    """scikit-learn's fitted parameters in a hebbmem model (same energy: components_ is W, (hidden, visible))."""
    model = RestrictedBoltzmannModel(n_visible, HIDDEN, seed=0)
    model.W, model.b, model.c = rbm.components_, rbm.intercept_visible_, rbm.intercept_hidden_
    return model


def rbm(ctx):
    try:
        import sklearn
    except ImportError:
        ctx.log("[rbm] scikit-learn is not installed (pip install -e '.[bench]'): skipped")
        return {"sections": [("RBM against scikit-learn", None, None, "Not run: scikit-learn is not installed.")]}
    ctx.log(f"[rbm] RBM 196 -> {HIDDEN} on binarised 14 x 14 digits: hebbmem vs scikit-learn {sklearn.__version__}")
    train, test = digits()

    def sklearn_one_thread():
        with blas_threads(1):
            train_sklearn(train, 0)

    variants = [Variant(HEBBMEM, lambda: train_hebbmem(train, 0),
                        note="ContrastiveDivergenceTrainer(persistent=True, k=1), Numba kernel"),
                Variant(SKLEARN, lambda: train_sklearn(train, 0), note="fit(), BLAS default threads"),
                Variant(f"{SKLEARN}, BLAS 1 thread", sklearn_one_thread, note="fit(), BLAS pinned to 1 thread")]
    res = run_interleaved(variants, max(ctx.repeat, 5))
    label = (f"train {EPOCHS} epochs of PCD-1, 1,600 digits, 196 -> {HIDDEN}, batches of {BATCH}, "
             f"learning rate {LEARNING_RATE}")
    rows = [{"label": label, "threads": "see variant", "results": res, "baseline": HEBBMEM}]
    best_sklearn = min(res[SKLEARN]["min"], res[f"{SKLEARN}, BLAS 1 thread"]["min"])
    ratio = res[HEBBMEM]["min"] / best_sklearn
    ctx.log(f"    training: hebbmem {res[HEBBMEM]['min'] * 1e3:.0f} ms, scikit-learn "
            f"{best_sklearn * 1e3:.0f} ms (its better BLAS setting): {ratio:.2f}x")

    body, ours, theirs = [], [], []
    for seed in range(SEEDS):
        model = train_hebbmem(train, seed)
        peer = as_hebbmem(train_sklearn(train, seed), train.shape[1])
        ours.append((model.log_likelihood(test).mean(), model.log_likelihood(train).mean()))
        theirs.append((peer.log_likelihood(test).mean(), peer.log_likelihood(train).mean()))
        body.append([seed, f"{ours[-1][0]:.2f}", f"{theirs[-1][0]:.2f}", f"{ours[-1][1]:.2f}", f"{theirs[-1][1]:.2f}"])
    ours, theirs = np.array(ours), np.array(theirs)
    body.append(["mean", f"{ours[:, 0].mean():.2f}", f"{theirs[:, 0].mean():.2f}", f"{ours[:, 1].mean():.2f}",
                 f"{theirs[:, 1].mean():.2f}"])
    diff = float(ours[:, 0].mean() - theirs[:, 0].mean())
    ctx.log(f"    exact test log-likelihood, mean of {SEEDS} seeds: hebbmem {ours[:, 0].mean():.2f}, "
            f"scikit-learn {theirs[:, 0].mean():.2f} nats per digit")
    ctx.target(f"RBM exact test log-likelihood, hebbmem - scikit-learn (mean of {SEEDS} seeds)", diff, ">=", -1.0,
               "nats", detail="same data, hidden units, learning rate, batch size, epochs; PCD-1")
    ctx.target("RBM training time, hebbmem ÷ scikit-learn (its faster BLAS setting)", ratio, "<=", 1.0, "×")
    header = ["seed", "hebbmem test", "scikit-learn test", "hebbmem train", "scikit-learn train"]
    prose = (f"Exact log-likelihood in nats per digit (log Z summed over the 2**{HIDDEN} hidden states), "
             f"after {EPOCHS} epochs with the settings above. The seeds differ between the two libraries' "
             "generators, so rows pair runs, not identical runs; compare the means.")
    return {"rows": rows, "sections": [("RBM: exact log-likelihood, hebbmem against scikit-learn", header, body,
                                        prose)]}
