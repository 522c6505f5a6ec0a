"""canns side of the parity check: canns' own Hopfield programs, run on canns 1.5.0.

Run ONLY in the separate canns virtualenv (run_canns.py starts it); this file never
imports hebbmem, and hebbmem never imports canns::

    /work/canns-venv/bin/python benchmarks/parity/_canns_programs.py \
        --mnist MNIST.npz --out-json OUT.json --out-inputs INPUTS.npz --out-outputs OUTPUTS.npz \
        [--only NAME,NAME] [--sweep-seeds 20]

Each workload below follows one program of canns' repository (examples/brain_inspired/,
tests/unit/analyzer/test_hopfield_analyzer.py, the trainer-base unit test) or the seed 000
tutorial, step for step, with harness edits only:

* no figures (the plotting code is left out; its random draws are kept, so that later
  draws stay the same as in the program);
* MNIST digits come from hebbmem's bundled subset (``hebbmem.datasets.load_mnist()``,
  passed in by run_canns.py as ``--mnist``) instead of a download;
* fixed seeds: every program that draws noise seeds NumPy's global generator with 42, as
  the canns examples do; the seed 000 program does not seed, so the sweep is run once per
  seed 0..K-1;
* ``model.init_state()`` is called only if the model has it (canns 1.5.0 does not);
* the energy-diagnostics program imports HopfieldAnalyzer from
  ``canns.analyzer.model_specific.hopfield``: its ``canns.analyzer.brain_inspired`` import
  does not exist in canns 1.5.0.

Every input a program builds (picture and digit patterns, noisy probes, graded patterns)
is written to ``--out-inputs`` so that the hebbmem programs in tests/test_canns_parity.py
recall from the very same arrays. canns' recalled states go to ``--out-outputs``.
All five example programs use synchronous updates (``asyn=False``), so JAX's random keys
(canns' asynchronous update orders) play no part; the only randomness is NumPy's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import traceback

import numpy as np

PICTURES = ("camera", "astronaut", "horse", "coffee")


# ----------------------------------------------------------------------------- helpers
def _picture_patterns(w=128, h=128):
    """The pictures as the image examples build them: gray, resized, mean threshold."""
    import skimage.data
    from skimage.color import rgb2gray
    from skimage.filters import threshold_mean
    from skimage.transform import resize

    out = []
    for name in PICTURES:
        img = getattr(skimage.data, name)()
        if name == "horse":
            img = img.astype(np.float32)
        if img.ndim == 3:
            img = rgb2gray(img)
        img = resize(img, (w, h), anti_aliasing=True).astype(np.float32, copy=False)
        out.append(np.where(img > threshold_mean(img), 1.0, -1.0).astype(np.float32).reshape(-1))
    return out


def _digits(mnist, classes, index):
    """One digit image per class, the index-th of that class, as {-1,+1} float32 vectors,
    thresholded at the image mean (what both the MNIST example and seed 000 do)."""
    x, y = mnist["images"].astype(np.float32), mnist["labels"]
    out = []
    for c in classes:
        img = x[y == c][index]
        out.append(np.where(img > float(img.mean()), 1.0, -1.0).astype(np.float32).reshape(-1))
    return out


def _arr(x):
    return np.asarray(x, dtype=np.float32)


def _corr(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.std() == 0 or b.std() == 0:
        return None  # np.corrcoef would give nan (constant vector)
    return float(np.corrcoef(a, b)[0, 1])


def _recall_stats(stored, recalled):
    """Per-pattern comparison of recalled states with the stored patterns."""
    rows = []
    for s, r in zip(stored, recalled):
        s, r = np.asarray(s, dtype=np.float64), np.asarray(r, dtype=np.float64)
        rows.append({
            "accuracy": float(np.mean(s == r)),
            "correlation": _corr(s, r),
            "mse": float(np.mean((s - r) ** 2)),
            "zero_states": int(np.sum(r == 0)),
        })
    return rows


def _trainers():
    from canns.models.brain_inspired import AmariHopfieldNetwork
    from canns.trainer import AntiHebbianTrainer, HebbianTrainer

    return AmariHopfieldNetwork, HebbianTrainer, AntiHebbianTrainer


# ----------------------------------------------------------------------------- workloads
def hopfield_train(ctx):
    """examples/brain_inspired/hopfield_train.py: four pictures, 30 % flips, sync recall."""
    Amari, Hebbian, _ = _trainers()
    np.random.seed(42)
    data_list = _picture_patterns()
    model = Amari(num_neurons=data_list[0].shape[0], asyn=False, activation="sign")
    trainer = Hebbian(model)
    trainer.train(data_list)

    def corrupted(x, level):
        inv = np.random.binomial(n=1, p=level, size=len(x))
        c = np.copy(x)
        c[inv == 1] *= -1  # the example flips in a Python loop; same result
        return c

    tests = [corrupted(d, 0.3) for d in data_list]
    predicted = [_arr(p) for p in trainer.predict_batch(tests, show_sample_progress=True)]
    ctx.inputs["train/patterns"] = np.stack(data_list)
    ctx.inputs["train/probes"] = np.stack(tests)
    ctx.outputs["train/recalled"] = np.stack(predicted)
    return {
        "program": "examples/brain_inspired/hopfield_train.py",
        "settings": {"num_neurons": 16384, "asyn": False, "activation": "sign",
                     "trainer": "HebbianTrainer(model) (defaults: subtract_mean=True, "
                                "zero_diagonal=True, normalize_by_patterns=True)",
                     "noise": "np.random.binomial(1, 0.3) flips per pixel after np.random.seed(42)",
                     "num_iter": 20},
        "names": list(PICTURES),
        "input_accuracy": [float(np.mean(t == d)) for t, d in zip(tests, data_list)],
        "recall": _recall_stats(data_list, predicted),
    }


def unlearning(ctx):
    """examples/brain_inspired/hopfield_hebbian_vs_antihebbian.py."""
    Amari, Hebbian, AntiHebbian = _trainers()
    np.random.seed(42)
    data_list = _picture_patterns()
    model = Amari(num_neurons=data_list[0].shape[0], asyn=False, activation="sign")

    def corrupted(x, level):
        c = np.copy(x)
        inv = np.random.binomial(n=1, p=level, size=len(x))
        c[inv == 1] *= -1
        return c

    tests = [corrupted(d, 0.4) for d in data_list]
    hebb = Hebbian(model, subtract_mean=False, normalize_by_patterns=False)
    hebb.train(data_list)
    after_hebb = [_arr(p) for p in hebb.predict_batch(tests, show_sample_progress=True)]
    anti = AntiHebbian(model, subtract_mean=False, normalize_by_patterns=False)
    anti.train([data_list[1]])
    after_anti = [_arr(p) for p in anti.predict_batch(tests, show_sample_progress=True)]
    ctx.inputs["unlearning/patterns"] = np.stack(data_list)
    ctx.inputs["unlearning/probes"] = np.stack(tests)
    ctx.outputs["unlearning/after_hebbian"] = np.stack(after_hebb)
    ctx.outputs["unlearning/after_antihebbian"] = np.stack(after_anti)
    return {
        "program": "examples/brain_inspired/hopfield_hebbian_vs_antihebbian.py",
        "settings": {"num_neurons": 16384, "asyn": False, "activation": "sign",
                     "trainer": "HebbianTrainer(model, subtract_mean=False, "
                                "normalize_by_patterns=False).train(all four); then "
                                "AntiHebbianTrainer(model, subtract_mean=False, "
                                "normalize_by_patterns=False).train([astronaut]) on the same model",
                     "noise": "np.random.binomial(1, 0.4) flips per pixel after np.random.seed(42), "
                              "drawn before training",
                     "num_iter": 20},
        "names": list(PICTURES),
        "unlearned": "astronaut",
        "after_hebbian": _recall_stats(data_list, after_hebb),
        "after_antihebbian": _recall_stats(data_list, after_anti),
    }


def mnist_example(ctx):
    """examples/brain_inspired/hopfield_train_mnist.py (clean held-out digits, theta=80)."""
    Amari, Hebbian, _ = _trainers()
    classes = [0, 1, 2]
    train = _digits(ctx.mnist, classes, 0)
    test = _digits(ctx.mnist, classes, 1)
    model = Amari(num_neurons=train[0].size, threshold=80.0, asyn=False, activation="sign")
    trainer = Hebbian(model, compiled_prediction=True)
    trainer.train(train)
    predicted = [_arr(p) for p in trainer.predict_batch(test, show_sample_progress=True)]
    ctx.inputs["mnist/train"] = np.stack(train)
    ctx.inputs["mnist/test"] = np.stack(test)
    ctx.outputs["mnist/recalled"] = np.stack(predicted)
    return {
        "program": "examples/brain_inspired/hopfield_train_mnist.py",
        "settings": {"num_neurons": 784, "threshold": 80.0, "asyn": False, "activation": "sign",
                     "trainer": "HebbianTrainer(model, compiled_prediction=True) (defaults)",
                     "data": "first (train) and second (test) image of classes 0, 1, 2 in "
                             "hebbmem's bundled MNIST subset, image > its mean -> +1",
                     "num_iter": 20},
        "classes": classes,
        "input_accuracy": [float(np.mean(t == d)) for t, d in zip(test, train)],
        "recall": _recall_stats(train, predicted),
    }


def seed000(ctx):
    """The seed 000 tutorial, section 3 (MNIST digit memory), with its noise sweep.

    The program calls np.random.random without a seed; the sweep is run once for each
    seed 0..K-1 of NumPy's global generator, with the program's own draw order (for each
    noise level, for each test digit), so run-to-run variation is recorded, not hidden.
    """
    Amari, Hebbian, _ = _trainers()
    classes = [0, 1, 2]
    train = _digits(ctx.mnist, classes, 0)
    test = _digits(ctx.mnist, classes, 1)
    model = Amari(num_neurons=train[0].size, threshold=80.0, asyn=False, activation="sign")
    init_state_exists = hasattr(model, "init_state")
    if init_state_exists:
        model.init_state()
    trainer = Hebbian(model, compiled_prediction=True)
    trainer.train(train)
    retrieved = [_arr(p) for p in trainer.predict_batch(test, show_sample_progress=True)]

    levels = [0.0, 0.1, 0.2, 0.3]
    n_seeds = ctx.sweep_seeds
    probes = np.zeros((n_seeds, len(levels), len(test), test[0].size), np.float32)
    recalled = np.zeros_like(probes)
    acc = np.zeros((n_seeds, len(levels), len(test)))
    for s in range(n_seeds):
        np.random.seed(s)
        for li, noise in enumerate(levels):
            noisy = []
            for p in test:
                mask = np.random.random(p.shape) < noise
                q = p.copy()
                q[mask] *= -1
                noisy.append(q)
            rec = trainer.predict_batch(noisy, show_sample_progress=False)
            for k, (orig, r) in enumerate(zip(train, rec)):
                acc[s, li, k] = np.mean(orig == np.asarray(r))
                recalled[s, li, k] = np.asarray(r)
            probes[s, li] = np.stack(noisy)
    ctx.inputs["seed000/train"] = np.stack(train)
    ctx.inputs["seed000/test"] = np.stack(test)
    ctx.inputs["seed000/probes"] = probes
    ctx.outputs["seed000/retrieved"] = np.stack(retrieved)
    ctx.outputs["seed000/recalled"] = recalled
    return {
        "program": "/work/shared/seeds/tutorial_pattern_storage_and_recall.md, section 3",
        "settings": {"num_neurons": 784, "threshold": 80.0, "asyn": False, "activation": "sign",
                     "trainer": "HebbianTrainer(model, compiled_prediction=True) (defaults)",
                     "num_iter": 20, "noise_levels": levels,
                     "noise": "np.random.random(784) < level, flipped; NumPy global seed s "
                              "for sweep s = 0..K-1, draws in the program's order",
                     "sweep_seeds": n_seeds},
        "init_state_exists": init_state_exists,
        "classes": classes,
        "retrieval_accuracy": [float(np.mean(o == r)) for o, r in zip(train, retrieved)],
        "noise_levels": levels,
        # accuracy[s][level][digit]
        "accuracy": acc.tolist(),
        "mean_accuracy_per_level": acc.mean(axis=(0, 2)).tolist(),
        "mean_accuracy_per_level_and_digit": acc.mean(axis=0).tolist(),
        "seed0_mean_accuracy_per_level": acc[0].mean(axis=1).tolist(),
        "min_mean_accuracy_per_level": acc.mean(axis=2).min(axis=0).tolist(),
        "max_mean_accuracy_per_level": acc.mean(axis=2).max(axis=0).tolist(),
    }


def energy_diagnostics(ctx):
    """examples/brain_inspired/hopfield_energy_diagnostics.py."""
    from canns.analyzer.model_specific.hopfield import HopfieldAnalyzer

    Amari, Hebbian, _ = _trainers()
    np.random.seed(42)

    def generate(n_patterns, n_neurons):
        return [np.random.choice([-1.0, 1.0], size=n_neurons).astype(np.float32)
                for _ in range(n_patterns)]

    def add_noise(pattern, level):
        noisy = pattern.copy()
        flips = np.random.choice(len(pattern), size=int(len(pattern) * level), replace=False)
        noisy[flips] *= -1
        return noisy

    n_neurons, n_patterns = 100, 10
    model = Amari(num_neurons=n_neurons, asyn=False, activation="sign")
    trainer = Hebbian(model, subtract_mean=True, zero_diagonal=True, normalize_by_patterns=True)
    patterns = generate(n_patterns, n_neurons)
    trainer.train(patterns)
    analyzer = HopfieldAnalyzer(model, stored_patterns=patterns)
    stats = analyzer.get_statistics()

    levels = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]
    probes, recalled, overlaps_all, diags = [], [], [], []
    mean_overlap = []
    for level in levels:
        ov = []
        for pattern in patterns:
            noisy = add_noise(pattern, level)
            rec = _arr(trainer.predict(noisy, num_iter=20))
            d = analyzer.analyze_recall(noisy, rec)
            ov.append(float(d["best_match_overlap"]))
            probes.append(noisy)
            recalled.append(rec)
            diags.append({k: (float(v) if k != "best_match_idx" else int(v)) for k, v in d.items()})
        overlaps_all.append(ov)
        mean_overlap.append(float(np.mean(ov)))

    # the figure's three example recalls (30 % noise); their draws come before the capacity test
    examples = []
    for idx in [0, n_patterns // 2, n_patterns - 1]:
        noisy = add_noise(patterns[idx], 0.3)
        rec = _arr(trainer.predict(noisy, num_iter=20))
        d = analyzer.analyze_recall(noisy, rec)
        examples.append({"pattern": idx, "best_match_overlap": float(d["best_match_overlap"])})
        probes.append(noisy)
        recalled.append(rec)
    weight_symmetry = analyzer.compute_weight_symmetry_error()

    counts = [5, 10, 15, 20, 25]
    capacity = []
    cap_patterns, cap_probes, cap_recalled = [], [], []
    for count in counts:
        m = Amari(num_neurons=n_neurons, asyn=False, activation="sign")
        t = Hebbian(m)
        pats = generate(count, n_neurons)
        t.train(pats)
        an = HopfieldAnalyzer(m, stored_patterns=pats)
        ov = []
        for pattern in pats:
            noisy = add_noise(pattern, 0.2)
            rec = _arr(t.predict(noisy, num_iter=20))
            ov.append(float(an.analyze_recall(noisy, rec)["best_match_overlap"]))
            cap_probes.append(noisy)
            cap_recalled.append(rec)
        cap_patterns.extend(pats)
        capacity.append({"n_patterns": count, "capacity_usage": count / an.estimate_capacity(),
                         "mean_overlap": float(np.mean(ov)), "overlaps": ov})

    ctx.inputs["energy/patterns"] = np.stack(patterns)
    ctx.inputs["energy/probes"] = np.stack(probes)
    ctx.inputs["energy/capacity_patterns"] = np.stack(cap_patterns)
    ctx.inputs["energy/capacity_probes"] = np.stack(cap_probes)
    ctx.outputs["energy/recalled"] = np.stack(recalled)
    ctx.outputs["energy/capacity_recalled"] = np.stack(cap_recalled)
    return {
        "program": "examples/brain_inspired/hopfield_energy_diagnostics.py",
        "settings": {"num_neurons": n_neurons, "n_patterns": n_patterns, "asyn": False,
                     "activation": "sign", "num_iter": 20,
                     "trainer": "HebbianTrainer(model, subtract_mean=True, zero_diagonal=True, "
                                "normalize_by_patterns=True); capacity test: HebbianTrainer(m)",
                     "noise": "exactly int(100 * level) flips, np.random.choice(replace=False), "
                              "after np.random.seed(42)"},
        "statistics": {k: (float(v) if isinstance(v, float) else v) for k, v in stats.items()},
        "pattern_energies": [float(e) for e in analyzer.pattern_energies],
        "noise_levels": levels,
        "mean_overlap": mean_overlap,
        "overlaps": overlaps_all,
        "diagnostics": diags,
        "example_recalls": examples,
        "weight_symmetry_error": float(weight_symmetry),
        "estimate_capacity": int(analyzer.estimate_capacity()),
        "capacity_test": capacity,
    }


def tanh_1d(ctx):
    """examples/brain_inspired/hopfield_train_1d.py (graded patterns, tanh, T=0.5)."""
    Amari, Hebbian, _ = _trainers()
    np.random.seed(42)
    dim = 500
    p1 = np.sin(np.linspace(0, 4 * np.pi, dim)).astype(np.float32)
    p2 = np.cos(np.linspace(0, 6 * np.pi, dim)).astype(np.float32)
    rv = np.random.randn(dim).astype(np.float32)
    p3 = np.tanh(np.convolve(rv, np.ones(10) / 10, mode="same"))  # float64, as in the program
    t = np.linspace(0, 1, dim)
    p4 = (2 * np.abs(2 * (t * 4 - np.floor(t * 4 + 0.5))) - 1).astype(np.float32)
    data_list = [p1, p2, p3, p4]
    model = Amari(num_neurons=dim, asyn=False, activation="tanh", temperature=0.5)
    trainer = Hebbian(model)
    trainer.train(data_list)
    tests = [np.clip(d + np.random.normal(0, 0.3, size=d.shape).astype(np.float32), -1.0, 1.0)
             for d in data_list]
    predicted = [_arr(p) for p in trainer.predict_batch(tests, show_sample_progress=True)]
    rows = []
    for d, n, r in zip(data_list, tests, predicted):
        rows.append({"noise_mse": float(np.mean((d - n) ** 2)),
                     "recovery_mse": float(np.mean((d - r) ** 2)),
                     "correlation": float(np.corrcoef(d, r)[0, 1]),
                     "input_correlation": float(np.corrcoef(d, n)[0, 1]),
                     "mean_abs_state": float(np.mean(np.abs(r)))})
    ctx.inputs["tanh1d/patterns"] = np.stack([np.asarray(d, np.float64) for d in data_list])
    ctx.inputs["tanh1d/probes"] = np.stack([np.asarray(x, np.float64) for x in tests])
    ctx.outputs["tanh1d/recalled"] = np.stack(predicted)
    return {
        "program": "examples/brain_inspired/hopfield_train_1d.py",
        "settings": {"num_neurons": dim, "asyn": False, "activation": "tanh",
                     "temperature": 0.5, "num_iter": 20,
                     "trainer": "HebbianTrainer(model) (defaults)",
                     "update": "s <- tanh((W @ s - threshold) / temperature), no 1/N scaling, "
                               "exactly num_iter updates",
                     "noise": "np.random.normal(0, 0.3) added, clipped to [-1, 1], "
                              "after np.random.seed(42) and the randn of pattern 3"},
        "recall": rows,
    }


def analyzer_tests(ctx):
    """canns tests/unit/analyzer/test_hopfield_analyzer.py: the values behind each assert."""
    import jax.numpy as jnp
    from canns.analyzer.model_specific.hopfield import HopfieldAnalyzer

    Amari, Hebbian, _ = _trainers()
    out = {}

    m = Amari(num_neurons=10)
    a = HopfieldAnalyzer(m)
    out["initialization"] = {"n_stored": len(a.stored_patterns),
                             "n_energies": len(a.pattern_energies), "model_is_model": a.model is m}

    m = Amari(num_neurons=5)
    pats = [jnp.array([1.0, -1.0, 1.0, -1.0, 1.0]), jnp.array([-1.0, 1.0, -1.0, 1.0, -1.0])]
    a = HopfieldAnalyzer(m, stored_patterns=pats)
    out["with_patterns"] = {"n_stored": len(a.stored_patterns),
                            "pattern_energies": [float(e) for e in a.pattern_energies]}

    m = Amari(num_neurons=4)
    a = HopfieldAnalyzer(m)
    a.set_patterns([jnp.array([1.0, 1.0, -1.0, -1.0]), jnp.array([1.0, -1.0, 1.0, -1.0])])
    out["set_patterns"] = {"pattern_energies": [float(e) for e in a.pattern_energies],
                           "all_float": all(isinstance(e, float) for e in a.pattern_energies)}

    m = Amari(num_neurons=4)
    a = HopfieldAnalyzer(m)
    p1 = jnp.array([1.0, -1.0, 1.0, -1.0])
    out["overlap"] = {"same": a.compute_overlap(p1, p1),
                      "opposite": a.compute_overlap(p1, jnp.array([-1.0, 1.0, -1.0, 1.0])),
                      "orthogonal": a.compute_overlap(p1, jnp.array([1.0, 1.0, -1.0, -1.0]))}

    m = Amari(num_neurons=5, asyn=False, activation="sign")
    t = Hebbian(m)
    pattern = jnp.array([1.0, 1.0, -1.0, -1.0, 1.0])
    t.train([pattern])
    a = HopfieldAnalyzer(m, stored_patterns=[pattern])
    noisy = jnp.array([1.0, -1.0, -1.0, -1.0, 1.0])
    rec = t.predict(noisy, num_iter=10)
    d = a.analyze_recall(noisy, rec)
    out["recall_analysis"] = {
        "W": np.asarray(m.W.value).tolist(),
        "recalled": np.asarray(rec).tolist(),
        "diagnostics": {k: (int(v) if k == "best_match_idx" else float(v)) for k, v in d.items()},
        "keys": sorted(d.keys()),
        "model_energy_after_predict": float(m.energy),
    }

    m = Amari(num_neurons=100)
    out["capacity"] = {"estimate_capacity": int(HopfieldAnalyzer(m).estimate_capacity()),
                       "storage_capacity": int(m.storage_capacity)}

    m = Amari(num_neurons=8)
    pats = [jnp.array([1.0, -1.0] * 4), jnp.array([-1.0, 1.0] * 4)]
    t = Hebbian(m)
    t.train(pats)
    a = HopfieldAnalyzer(m, stored_patterns=pats)
    st = a.get_statistics()
    out["statistics"] = {"stats": {k: (float(v) if isinstance(v, float) else v)
                                   for k, v in st.items()},
                         "keys": sorted(st.keys())}
    a0 = HopfieldAnalyzer(Amari(num_neurons=8))
    out["statistics_no_patterns"] = {"keys": sorted(a0.get_statistics().keys())}

    m = Amari(num_neurons=5)
    t = Hebbian(m)
    t.train([jnp.array([1.0, -1.0, 1.0, -1.0, 1.0])])
    out["weight_symmetry"] = {"error": HopfieldAnalyzer(m).compute_weight_symmetry_error()}
    untrained = HopfieldAnalyzer(Amari(num_neurons=5)).compute_weight_symmetry_error()
    out["weight_symmetry_untrained"] = {"error": None if np.isnan(untrained) else untrained,
                                        "is_nan": bool(np.isnan(untrained))}

    # theta: the analyzer's energy leaves it out, the model's energy property keeps it
    m = Amari(num_neurons=4, threshold=0.5)
    Hebbian(m, subtract_mean=False).train([jnp.array([1.0, -1.0, 1.0, -1.0])])
    m.s.value = jnp.array([1.0, 1.0, 1.0, -1.0])
    out["energy_with_threshold"] = {
        "state": [1.0, 1.0, 1.0, -1.0], "threshold": 0.5,
        "analyzer_compute_energy": HopfieldAnalyzer(m).compute_energy(m.s.value),
        "model_energy": float(m.energy),
    }
    return out


def trainer_base_tests(ctx):
    """canns' trainer-base unit test (DummyTrainer(Trainer) with model=None)."""
    from canns.trainer import Trainer

    class DummyTrainer(Trainer):
        def __init__(self):
            super().__init__(model=None)
            self.calls = []

        def train(self, train_data):
            self.calls.append(list(train_data))

        def predict(self, pattern, *args, **kwargs):
            return pattern

    t = DummyTrainer()
    t.configure_progress(show_iteration_progress=True, compiled_prediction=False)
    flags = (t.show_iteration_progress, t.compiled_prediction)
    res = DummyTrainer().predict_batch([1, 2, 3])
    abstract_refused = False
    try:
        Trainer()  # noqa: B024
    except TypeError:
        abstract_refused = True
    return {
        "configure_progress_flags": list(flags),
        "predict_batch_result": res,
        "predict_batch_is_list": isinstance(res, list),
        "base_is_abstract": abstract_refused,
        "defaults": {"show_iteration_progress": DummyTrainer().show_iteration_progress,
                     "compiled_prediction": DummyTrainer().compiled_prediction},
    }


def semantics(ctx):
    """Small probes of canns behaviour the hebbmem API has to match or document."""
    import jax.numpy as jnp

    Amari, Hebbian, AntiHebbian = _trainers()
    out = {}
    # train() adds to the stored weights
    m = Amari(num_neurons=6)
    p = [np.array([1, -1, 1, -1, 1, 1], np.float32), np.array([1, 1, -1, -1, 1, -1], np.float32)]
    Hebbian(m, subtract_mean=False, normalize_by_patterns=False).train(p[:1])
    w1 = np.asarray(m.W.value).copy()
    Hebbian(m, subtract_mean=False, normalize_by_patterns=False).train(p[1:])
    w2 = np.asarray(m.W.value).copy()
    out["train_adds"] = bool(np.allclose(w2, w1 + np.outer(p[1], p[1]) - np.diag(p[1] ** 2)))
    AntiHebbian(m, subtract_mean=False, normalize_by_patterns=False).train(p[1:])
    out["anti_undoes"] = bool(np.allclose(np.asarray(m.W.value), w1))
    # the mean subtracted is one scalar over all patterns and neurons
    m = Amari(num_neurons=4)
    q = [np.array([1, 1, 1, -1], np.float32), np.array([1, 1, -1, -1], np.float32)]
    Hebbian(m).train(q)
    rho = np.mean(np.stack(q))
    ref = sum(np.outer(x - rho, x - rho) for x in q) / 2
    np.fill_diagonal(ref, 0)
    out["scalar_mean"] = {"rho": float(rho),
                          "matches": bool(np.allclose(np.asarray(m.W.value), ref, atol=1e-6))}
    # sign(0) = 0: a zero field leaves the neuron at 0
    m = Amari(num_neurons=4)
    m.W.value = jnp.zeros((4, 4), jnp.float32)
    rec = Hebbian(m).predict(np.array([1, -1, 1, -1], np.float32), num_iter=3)
    out["sign_of_zero_field"] = np.asarray(rec).tolist()
    # a synchronous 2-cycle: canns returns the state after exactly num_iter updates
    m = Amari(num_neurons=2)
    m.W.value = jnp.array([[0.0, -1.0], [-1.0, 0.0]], jnp.float32)
    t = Hebbian(m)
    x = np.array([1.0, 1.0], np.float32)
    out["two_cycle"] = {"W": [[0.0, -1.0], [-1.0, 0.0]], "probe": x.tolist(),
                        "num_iter_3": np.asarray(t.predict(x, num_iter=3)).tolist(),
                        "num_iter_4": np.asarray(t.predict(x, num_iter=4)).tolist(),
                        "num_iter_20": np.asarray(t.predict(x, num_iter=20)).tolist()}
    # predict ignores compiled= and convergence_threshold=, and never calls progress_callback
    calls = []
    m = Amari(num_neurons=4)
    Hebbian(m).train(q)
    Hebbian(m).predict(q[0], num_iter=5, compiled=False,
                       progress_callback=lambda *a: calls.append(a))
    out["progress_callback_calls"] = len(calls)
    # W before training; energy property; storage capacity; model.compute_overlap
    m = Amari(num_neurons=3, threshold=0.25)
    out["untrained_W_is_zero"] = bool(np.all(np.asarray(m.W.value) == 0))
    out["initial_state"] = np.asarray(m.s.value).tolist()
    out["energy_initial_with_threshold"] = float(m.energy)
    out["storage_capacity_N3"] = int(m.storage_capacity)
    out["compute_overlap"] = float(m.compute_overlap(jnp.array([1.0, -1, 1]), jnp.array([1.0, 1, 1])))
    # a graded pattern in a sign network is accepted silently
    m = Amari(num_neurons=3)
    Hebbian(m).train([np.array([0.5, -0.2, 0.9], np.float32)])
    out["sign_network_accepts_graded_patterns"] = True
    # the threshold enters the sync update as sign(W s - theta)
    m = Amari(num_neurons=3, threshold=1.5)
    m.W.value = jnp.array([[0, 1, 1], [1, 0, 1], [1, 1, 0]], jnp.float32)
    m.s.value = jnp.array([1.0, 1.0, -1.0])
    m.update(None)
    out["threshold_update"] = {"W": [[0, 1, 1], [1, 0, 1], [1, 1, 0]], "state": [1, 1, -1],
                               "theta": 1.5, "after_one_update": np.asarray(m.s.value).tolist()}
    return out


WORKLOADS = {
    "analyzer_tests": analyzer_tests,
    "trainer_base_tests": trainer_base_tests,
    "semantics": semantics,
    "tanh_1d": tanh_1d,
    "energy_diagnostics": energy_diagnostics,
    "mnist_example": mnist_example,
    "seed000": seed000,
    "hopfield_train": hopfield_train,
    "unlearning": unlearning,
}


class _Ctx:
    def __init__(self, mnist, sweep_seeds):
        self.mnist = mnist
        self.sweep_seeds = sweep_seeds
        self.inputs = {}
        self.outputs = {}


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    if hasattr(x, "shape") and getattr(x, "shape", None) == ():
        return float(x)
    return x


def _compact(a):
    """Arrays of -1/0/+1 are stored as int8 (exact, and 4x smaller); others unchanged."""
    a = np.asarray(a)
    if a.dtype.kind == "f" and np.isin(a, (-1.0, 0.0, 1.0)).all():
        return a.astype(np.int8)
    return a


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mnist", required=True, help=".npz with images (n,28,28) uint8 and labels")
    ap.add_argument("--out-json", required=True)
    ap.add_argument("--out-inputs", required=True)
    ap.add_argument("--out-outputs", required=True)
    ap.add_argument("--only", default=None, help="comma-separated workload names")
    ap.add_argument("--sweep-seeds", type=int, default=20)
    args = ap.parse_args(argv)

    import canns
    import jax

    m = np.load(args.mnist)
    ctx = _Ctx({"images": m["images"], "labels": m["labels"]}, args.sweep_seeds)
    names = list(WORKLOADS) if not args.only else args.only.split(",")
    report = {"canns_version": canns.__version__, "jax_version": jax.__version__,
              "numpy_version": np.__version__, "python": platform.python_version(),
              "executable": sys.executable, "workloads": {}, "seconds": {}, "errors": {}}
    try:
        import skimage
        report["skimage_version"] = skimage.__version__
    except ImportError:
        pass
    for name in names:
        t0 = time.perf_counter()
        print(f"[canns parity] {name} ...", file=sys.stderr, flush=True)
        try:
            report["workloads"][name] = _jsonable(WORKLOADS[name](ctx))
        except Exception as exc:  # record and go on with the other programs
            report["errors"][name] = "".join(traceback.format_exception(exc))[-3000:]
        report["seconds"][name] = round(time.perf_counter() - t0, 2)
        print(f"[canns parity] {name}: {report['seconds'][name]} s", file=sys.stderr, flush=True)
    np.savez_compressed(args.out_inputs, **{k.replace("/", "__"): _compact(v) for k, v in ctx.inputs.items()})
    np.savez_compressed(args.out_outputs,
                        **{k.replace("/", "__"): _compact(v) for k, v in ctx.outputs.items()})
    with open(args.out_json, "w") as f:
        json.dump(report, f, indent=1)
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    sys.exit(main())
