"""Workload ``foldiak``: Földiák's sparse-coding network on the bars problem, hebbmem against a plain NumPy loop.

The paper's setting (Biol. Cybern. 64, 1990): 8 x 8 images, each of the 16
bars on with probability 1/8, 16 units, alpha = 0.1, beta = 0.02,
gamma = 0.02, p = 1/8, steepness 10; the dynamics integrated by forward
Euler (dt = 0.1) from y* = 0 until max |dy*/dt| <= 1e-4. One epoch over
5,000 images (2,000 with ``--quick``), the same images and the same initial
weights for every variant:

* ``hebbmem``: ``FoldiakTrainer(layer).train(X)``, the Numba kernel (the default);
* ``hebbmem NumPy``: ``compiled=False``, the rule's readable NumPy step;
* ``NumPy loop``: the same algorithm written the straightforward way, per
  sample: ``Q @ x`` and ``W @ y`` with BLAS, ``np.exp`` on the whole vector,
  ``np.outer`` for the lateral update.

The slow variants are timed once each (after an untimed warm-up run), on
all the images. What each variant learned is checked too (bars coded by a unit of their own, mean
|correlation| between outputs, on 4,000 fresh images). BLAS is pinned to 1 thread.
"""

import sys
import warnings

import numpy as np

import hebbmem as hm
from _harness import Variant, blas_threads, run_interleaved
from hebbmem.competitive import bar_code, bars, mean_abs_correlation

HEBBMEM = "hebbmem"
ALPHA, BETA, GAMMA, P, LAM, DT, TOL, MAX_STEPS = 0.1, 0.02, 0.02, 1 / 8, 10.0, 0.1, 1e-4, 10_000


def numpy_loop(Q, W, t, X):
    """Földiák's network written by hand, one image at a time (returns new Q, W, t and the outputs)."""
    Q, W, t = Q.copy(), W.copy(), t.copy()
    Y = np.zeros((len(X), len(t)))
    for s, x in enumerate(X):
        ff = Q @ x
        y_star = np.zeros(len(t))
        for step in range(MAX_STEPS + 1):
            f = 1.0 / (1.0 + np.exp(-LAM * (ff + W @ y_star - t)))
            if np.max(np.abs(f - y_star)) <= TOL or step == MAX_STEPS:
                break
            y_star += DT * (f - y_star)
        y = (y_star > 0.5).astype(float)
        W -= ALPHA * (np.outer(y, y) - P * P)
        np.minimum(W, 0.0, out=W)
        np.fill_diagonal(W, 0.0)
        Q += BETA * y[:, None] * (x - Q)
        t += GAMMA * (y - P)
        Y[s] = y
    return Q, W, t, Y


def _layer(seed=0):
    return hm.FoldiakLayer(64, 16, sparsity=P, steepness=LAM, dt=DT, tol=TOL, max_steps=MAX_STEPS, seed=seed)


def foldiak(ctx):
    """One row (hebbmem, hebbmem NumPy, NumPy loop), what each learned, and the targets."""
    n = 2000 if ctx.quick else 5000
    X, _ = bars(n, seed=0)
    X_test, on_test = bars(4000, seed=1)
    start = _layer()
    Q0, W0, t0 = start.Q.copy(), start.W.copy(), start.t.copy()
    k_check = 500

    def hebbmem_train(compiled=True, k=n):
        layer = _layer()
        hm.FoldiakTrainer(layer, alpha=ALPHA, beta=BETA, gamma=GAMMA, compiled=compiled).train(X[:k])
        return layer

    # The slow variants run on all the images too (one timed run after the warm-up run): early
    # images take more Euler steps (110 on average over the first 500, 87 over all 5,000), so a
    # prefix scaled up would overstate their time.
    variants = [
        Variant(HEBBMEM, hebbmem_train),
        Variant("hebbmem NumPy", lambda: hebbmem_train(False), max_rounds=1, note="compiled=False; one timed run"),
        Variant("NumPy loop", lambda: numpy_loop(Q0, W0, t0, X), max_rounds=1, note="one timed run"),
    ]
    ctx.log(f"  foldiak: bars 8 x 8, 16 units, {n:,} images, 1 epoch")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hm.ConvergenceWarning)  # counted below, not warned
        with blas_threads(1):
            results = run_interleaved(variants, ctx.repeat)
        # what was learned: hebbmem (either path: they are bit-identical) and the NumPy loop, on all n images
        layer = hebbmem_train()
        same = hebbmem_train(compiled=False, k=k_check)
        check = hebbmem_train(k=k_check)
        identical = all(np.array_equal(getattr(same, a), getattr(check, a)) for a in "QWt")
        Y = hm.FoldiakTrainer(layer).predict_batch(X_test)
        Qn, Wn, tn, _ = numpy_loop(Q0, W0, t0, X)
        loop = _layer()
        loop.Q, loop.W, loop.t = Qn, Wn, tn
        Y_loop = loop.run(X_test)
    learned = []
    for name, out, lay in ((HEBBMEM, Y, layer), ("NumPy loop", Y_loop, loop)):
        code = bar_code(out, on_test)
        learned.append([name, f"{code.n_coded} / 16", f"{mean_abs_correlation(out):.3f}",
                        f"{out.mean():.3f}", f"{np.abs(lay.Q - layer.Q).max():.1e}"])
    row = {"label": f"bars 8 x 8, 16 units: {n:,} images, 1 epoch", "threads": "1 (BLAS)", "baseline": HEBBMEM,
           "results": results}
    base = results[HEBBMEM]["min"]
    ctx.target("foldiak: ≥ 20× a plain per-sample NumPy loop (warm)", results["NumPy loop"]["min"] / base,
               ">=", 20, "×", f"hebbmem {base * 1e3:.0f} ms for {n:,} images ({base / n * 1e6:.0f} µs per image)")
    ctx.target("foldiak: kernel and NumPy step bit-identical", identical, "==", True,
               detail=f"Q, W, t after {k_check:,} images")
    sections = [("Földiák: what was learned (4,000 fresh images)",
                 ["variant", "bars coded by a unit of their own", "mean abs(r) between units", "firing rate",
                  "max abs(Q - Q of hebbmem)"], learned,
                 "A bar is coded when exactly one unit detects it best, with hit rate minus false-alarm rate "
                 "≥ 0.9 (`hebbmem.competitive.bar_code`). The NumPy loop sums with BLAS and NumPy's SIMD exp, "
                 "so its states differ from hebbmem's in the last bits; its outputs and weights agree unless "
                 "an input sits on the boundary between two equilibria.")]
    return {"rows": [row], "sections": sections}


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run it through benchmarks/run.py --only foldiak")
