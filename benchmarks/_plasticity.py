"""Workload ``plasticity``: canns 1.5.0's Oja, Sanger, BCM and STDP examples, timed side by side.

The four training loops of canns' own example programs (see
``_canns_plasticity_worker.py`` for the exact workloads), on the same input
arrays, as:

* ``hebbmem``: the canns program with only the import and ``.value``
  changed (one ``train`` call per epoch; for STDP also the ``forward`` pass
  per pattern), compiled (the default);
* ``hebbmem epochs=E``: the same training in one ``train(data, epochs=E)``
  call (STDP: per epoch one ``train`` of all 100 sequences and one
  ``predict_batch`` of them; same weights, but the spike counts come from
  the weights after the epoch instead of after each pattern);
* ``hebbmem NumPy``: the canns program with ``compiled=False`` (the rules'
  NumPy ``step``);
* ``NumPy loop``: a plain per-sample NumPy loop (``y = W @ x`` and the update
  with ``np.outer``), the way one writes the rule by hand;
* ``canns 1.5.0``: one run of the program in canns' virtualenv, after the
  hebbmem rounds, not interleaved. Its first epoch includes JAX's tracing
  and compilation; "warm" is the mean of the later epochs times the number
  of epochs. canns' STDP takes about 28 s per epoch, so it is run for fewer
  epochs than the example's 20 and scaled (labelled).

Also measured: each hebbmem program in fresh processes (``import hebbmem``
and the whole loop, whose first call loads the Numba kernels from the
cache), and what each run learned (the example's own quality measure).
BLAS is pinned to 1 thread.
"""

import json
import os
import sys
import time

import numpy as np

import hebbmem as hm
from _harness import Variant, blas_threads, python_child, run_child, run_interleaved, summarize

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "_canns_plasticity_worker.py")
HEBBMEM = "hebbmem"
EPOCHS = {"oja": 50, "sanger": 50, "bcm": 100, "stdp": 20}


# ------------------------------------------------------------------------------ inputs


def make_inputs(seed=42):
    """The inputs of canns' examples, generated as they generate them (np.random.seed(42))."""
    rs = np.random.RandomState(seed)
    data = np.concatenate([rs.randn(500, 10) * 3.0, rs.randn(500, 10) * 1.5, rs.randn(500, 10) * 0.8,
                           rs.randn(500, 20) * 0.3], axis=1)
    rs = np.random.RandomState(seed)
    orientations = np.linspace(0, np.pi, 8, endpoint=False)
    stimuli = np.array([bar(rs.choice(orientations)) for _ in range(1000)], dtype=np.float32)
    rs = np.random.RandomState(seed)
    patterns = np.zeros((100, 50, 20), dtype=np.float32)
    for p in range(100):
        for t in range(50):
            if t < 10:
                patterns[p, t, 0:5] = rs.rand(5) < 0.3
            if 10 < t < 20:
                patterns[p, t, 5:10] = rs.rand(5) < 0.3
            if 20 < t < 30:
                patterns[p, t, 10:15] = rs.rand(5) < 0.3
            patterns[p, t, 15:] = rs.rand(5) < 0.05
    return {"data": data, "stimuli": stimuli, "patterns": patterns}


def bar(angle, size=12):
    """canns' oriented bar stimulus (a Gaussian stripe), flattened and scaled to [0, 1]."""
    x, y = np.meshgrid(np.arange(size), np.arange(size))
    x, y = x - size / 2, y - size / 2
    p = np.exp(-(((x * np.cos(angle) + y * np.sin(angle)) / 2) ** 2)).ravel()
    return (p - p.min()) / (p.max() - p.min() + 1e-8)


# ------------------------------------------------------------- the programs (hebbmem side)


def program(workload, inputs, epochs, compiled=True):
    """canns' example loop with the import and ``.value`` changed; returns the model."""
    from hebbmem.models.brain_inspired import LinearLayer, SpikingLayer
    from hebbmem.trainer import BCMTrainer, OjaTrainer, SangerTrainer, STDPTrainer

    if workload in ("oja", "sanger"):
        model = LinearLayer(input_size=50, output_size=3, seed=0)
        cls = OjaTrainer if workload == "oja" else SangerTrainer
        trainer = cls(model, learning_rate=0.001, normalize_weights=True, compiled=compiled)
        for _ in range(epochs):
            trainer.train(inputs["data"])
    elif workload == "bcm":
        model = LinearLayer(input_size=144, output_size=4, use_bcm_threshold=True, threshold_tau=50.0, seed=0)
        trainer = BCMTrainer(model, learning_rate=0.00001, compiled=compiled)
        for _ in range(epochs):
            trainer.train(inputs["stimuli_list"])
    else:
        model = SpikingLayer(input_size=20, output_size=5, threshold=0.8, v_reset=0.0, leak=0.95,
                             trace_decay=0.90, dt=1.0, seed=0)
        trainer = STDPTrainer(model, learning_rate=0.02, A_plus=0.005, A_minus=0.00525, w_min=0.0, w_max=1.0,
                              compiled=compiled)
        for _ in range(epochs):
            model.reset_state()
            counts = []
            for pattern_seq in inputs["patterns_list"]:
                trainer.train(pattern_seq)
                pattern_spikes = []
                model.reset_state()
                for spike_input in pattern_seq:
                    pattern_spikes.append(model.forward(spike_input))
                counts.append(np.sum(pattern_spikes))
        model.counts = counts
    return model


def program_epochs(workload, inputs, epochs):
    """The same training as :func:`program`, with ``epochs=`` (and ``predict_batch`` for STDP)."""
    if workload in ("oja", "sanger"):
        model = hm.LinearLayer(50, 3, seed=0)
        cls = hm.OjaTrainer if workload == "oja" else hm.SangerTrainer
        cls(model, learning_rate=0.001).train(inputs["data"], epochs=epochs)
    elif workload == "bcm":
        model = hm.LinearLayer(144, 4, use_bcm_threshold=True, threshold_tau=50.0, seed=0)
        hm.BCMTrainer(model, learning_rate=0.00001).train(inputs["stimuli"], epochs=epochs)
    else:
        model = hm.SpikingLayer(20, 5, threshold=0.8, v_reset=0.0, leak=0.95, trace_decay=0.90, seed=0)
        trainer = hm.STDPTrainer(model, learning_rate=0.02)
        for _ in range(epochs):
            trainer.train(inputs["patterns"])
            model.counts = trainer.predict_batch(inputs["patterns"]).sum(axis=(1, 2))
    return model


# ------------------------------------------------------------------ plain NumPy loops


def numpy_loop(workload, inputs, epochs, W0, theta0=None):
    """The rule written by hand, one sample at a time, with ``W @ x`` and ``np.outer``."""
    W = np.array(W0, dtype=np.float64)
    if workload in ("oja", "sanger"):
        lr = 0.001
        for _ in range(epochs):
            for x in inputs["data"]:
                y = W @ x
                if workload == "oja":
                    W += lr * (np.outer(y, x) - (y * y)[:, None] * W)
                else:
                    W += lr * (np.outer(y, x) - np.tril(np.outer(y, y)) @ W)
                W /= np.linalg.norm(W, axis=1, keepdims=True)
    elif workload == "bcm":
        lr, tau = 0.00001, 50.0
        theta = np.array(theta0, dtype=np.float64)
        for _ in range(epochs):
            for x in inputs["stimuli"]:
                y = W @ x
                W += lr * np.outer(y * (y - theta), x)
                np.clip(W, -10.0, 10.0, out=W)
                theta += (y * y - theta) / tau
    else:
        lr, a_plus, a_minus, thr, leak, decay = 0.02, 0.005, 0.00525, 0.8, 0.95, 0.90
        for _ in range(epochs):
            for seq in inputs["patterns"]:
                v, pre, post = np.zeros(5), np.zeros(20), np.zeros(5)
                for x in seq:  # train
                    pre = decay * pre + x
                    v = leak * v + W @ x
                    s = (v >= thr).astype(np.float64)
                    v[s > 0] = 0.0
                    post = decay * post + s
                    W += lr * (a_plus * np.outer(s, pre) - a_minus * np.outer(post, x))
                    np.clip(W, 0.0, 1.0, out=W)
                v = np.zeros(5)
                for x in seq:  # the forward pass of the example
                    v = leak * v + W @ x
                    s = v >= thr
                    v[s] = 0.0
    return W


# --------------------------------------------------------------------------- quality


def quality(workload, W, W0, inputs):
    """The example's own measure of success, as a short string and a dict."""
    W, W0 = np.asarray(W, dtype=np.float64), np.asarray(W0, dtype=np.float64)
    if workload in ("oja", "sanger"):
        X = inputs["data"]
        Xc = X - X.mean(axis=0)  # as sklearn's PCA in the example
        C = Xc.T @ Xc / len(X)
        lam, V = np.linalg.eigh(C)
        lam, V = lam[::-1], V[:, ::-1].T
        cos = [abs(W[i] @ V[i]) / np.linalg.norm(W[i]) for i in range(3)]
        cos1 = [abs(w @ V[0]) / np.linalg.norm(w) for w in W]
        rq = [float(w @ C @ w / (w @ w) / lam[0]) for w in W]
        pair = np.abs(W @ W.T)[np.triu_indices(3, 1)]
        if workload == "oja":
            return (f"PC1 abs(cos) {cos1[0]:.3f} (all neurons: {', '.join(f'{c:.3f}' for c in cos1)}), "
                    f"Rayleigh {rq[0]:.3f} λ1"), {"cos_pc1": cos1[0], "rayleigh": rq[0]}
        return (f"abs(cos) with PC1-3 {', '.join(f'{c:.3f}' for c in cos)}, pairwise abs(dot) ≤ {pair.max():.3f}",
                {"cos": cos, "pairwise": float(pair.max())})
    if workload == "bcm":
        angles = np.linspace(0, np.pi, 16, endpoint=False)
        R = np.array([bar(a) for a in angles]) @ W.T
        pref = np.degrees(angles[R.argmax(axis=0)])
        return (f"preferred orientations {', '.join(f'{p:.1f}°' for p in pref)} "
                f"({len(set(pref.round(3)))} distinct)"), {"distinct": len(set(pref.round(3)))}
    dW = W - W0
    groups = [dW[:, a:a + 5].mean() for a in (0, 5, 10, 15)]
    return (f"mean ΔW early {groups[0]:+.4f}, middle {groups[1]:+.4f}, late {groups[2]:+.4f}, "
            f"noise {groups[3]:+.4f}"), {"early_minus_late": groups[0] - groups[2]}


# -------------------------------------------------------------------------- the rows


def _scaled(fn, epochs, k):
    """A ``reports_time`` function: run ``fn(k)`` (k of the epochs) and scale the time to all of them."""

    def run():
        t0 = time.perf_counter()
        fn(k)
        return (time.perf_counter() - t0) * epochs / k

    return run


def run_canns(ctx, workload, npz, epochs):
    out = os.path.join(ctx.workdir, f"canns_plasticity_{workload}.json")
    ctx.log(f"    canns {workload}: {epochs} epochs ...")
    child = run_child([ctx.canns_python, WORKER, "--workload", workload, "--input", npz, "--output", out,
                       "--epochs", str(epochs)], timeout=ctx.canns_max_seconds,
                      stdout_path=out + ".stdout", stderr_path=out + ".stderr")
    if child["returncode"] != 0 or not os.path.exists(out):
        with open(out + ".stderr", errors="replace") as f:
            tail = f.read()[-500:]
        ctx.log(f"      -> FAILED ({child['returncode']}): {tail}")
        return None
    with open(out) as f:
        rep = json.load(f)
    rep["wall"] = child["wall"]
    ctx.log(f"      -> {rep['t_loop']:.1f} s loop ({child['wall']:.0f} s process)")
    return rep


def fresh_runs(ctx, workload, npz, epochs, n):
    """The hebbmem program in ``n`` fresh processes: import time and loop time."""
    code = f"""
import time, json, sys
t0 = time.perf_counter()
import hebbmem
t_import = time.perf_counter() - t0
sys.path.insert(0, {HERE!r})
import numpy as np
from _plasticity import load_inputs, program
inputs = load_inputs({npz!r})
t0 = time.perf_counter()
program({workload!r}, inputs, {epochs})
print(json.dumps({{"t_import": t_import, "t_loop": time.perf_counter() - t0}}))
"""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    return [python_child(code, env=env) for _ in range(n)]


def load_inputs(npz):
    with np.load(npz) as f:
        inputs = {k: f[k].astype(np.float64) for k in f.files}
    inputs["stimuli_list"] = list(inputs["stimuli"])
    inputs["patterns_list"] = [list(p) for p in inputs["patterns"]]
    return inputs


def plasticity(ctx):
    """All four workloads; returns rows, the fresh-process and quality tables, and targets."""
    npz = os.path.join(ctx.workdir, "plasticity_inputs.npz")
    np.savez(npz, **make_inputs())
    inputs = load_inputs(npz)
    rows, fresh, learned, canns_runs = [], {}, [], {}
    rounds = ctx.repeat
    for workload, epochs in EPOCHS.items():
        ctx.log(f"  plasticity {workload} ({epochs} epochs)")
        slow_k = max(1, epochs // (10 if ctx.quick else 5))
        ref_model = program(workload, inputs, 1)  # also warms the kernels
        W0 = hm.LinearLayer(144, 4, seed=0).W if workload == "bcm" else None
        if workload in ("oja", "sanger"):
            W0 = hm.LinearLayer(50, 3, seed=0).W
        elif workload == "stdp":
            W0 = hm.SpikingLayer(20, 5, seed=0).W
        del ref_model
        variants = [
            Variant(HEBBMEM, lambda w=workload, e=epochs: program(w, inputs, e)),
            Variant(f"hebbmem epochs={epochs}", lambda w=workload, e=epochs: program_epochs(w, inputs, e),
                    note="STDP: train all sequences + predict_batch per epoch" if workload == "stdp" else ""),
            Variant("hebbmem NumPy", _scaled(lambda k, w=workload: program(w, inputs, k, compiled=False),
                                             epochs, slow_k),
                    reports_time=True, max_rounds=2,
                    note=f"compiled=False; timed on {slow_k} of {epochs} epochs, scaled"),
            Variant("NumPy loop", _scaled(lambda k, w=workload, W0=W0: numpy_loop(
                w, inputs, k, W0, np.full(4, 0.1)), epochs, slow_k), reports_time=True, max_rounds=2,
                note=f"timed on {slow_k} of {epochs} epochs, scaled"),
        ]
        with blas_threads(1):
            results = run_interleaved(variants, rounds)
        # canns, once, after the hebbmem rounds
        canns = None
        if ctx.canns:
            canns_epochs = epochs if workload != "stdp" else (1 if ctx.quick else 2)
            canns = run_canns(ctx, workload, npz, canns_epochs)
        if canns is not None:
            canns_runs[workload] = canns
            et = canns["epoch_times"]
            n = len(et)
            warm_epoch = float(np.mean(et[1:])) if n > 1 else et[0]
            total = et[0] + warm_epoch * (epochs - 1) if n < epochs else sum(et)
            warm = warm_epoch * epochs
            note = (f"one run; whole loop {fmt_s(total)}" +
                    (f" (measured {n} of {epochs} epochs: first {fmt_s(et[0])}, then {fmt_s(warm_epoch)} "
                     f"per epoch; scaled)" if n < epochs else f", first epoch {fmt_s(et[0])}") +
                    "; this column: warm = mean later epoch × epochs")
            results["canns 1.5.0 (warm)"] = {**summarize([warm], note=note), "first_loop": total}
        rows.append({"label": f"{workload}: {epochs} epochs", "threads": "1 (BLAS)", "baseline": HEBBMEM,
                     "results": results})
        fresh[workload] = fresh_runs(ctx, workload, npz, epochs, 1 if ctx.quick else 3)
        m = program(workload, inputs, epochs)
        text, q = quality(workload, m.W, W0, inputs)
        learned.append([workload, f"hebbmem ({epochs} epochs)", text])
        if canns is not None:
            if canns["epochs"] != epochs:  # like for like with canns' shorter run
                m = program(workload, inputs, canns["epochs"])
                learned.append(["", f"hebbmem ({canns['epochs']} epochs)", quality(workload, m.W, W0, inputs)[0]])
            ctext, cq = quality(workload, canns["W"], canns["W0"], inputs)
            learned.append(["", f"canns 1.5.0 ({canns['epochs']} epochs)", ctext])

        base = results[HEBBMEM]["min"]
        best = min(base, results[f"hebbmem epochs={epochs}"]["min"])
        ctx.target(f"{workload}: ≥ 20× a plain per-sample NumPy loop (warm)",
                   results["NumPy loop"]["min"] / base, ">=", 20, "×",
                   f"canns program through hebbmem; with epochs=: {results['NumPy loop']['min'] / best:,.0f}×")
        if canns is not None:
            ctx.target(f"{workload}: ≥ 200× canns 1.5.0 (warm)", results["canns 1.5.0 (warm)"]["min"] / base,
                       ">=", 200, "×", f"canns program; with epochs=: "
                       f"{results['canns 1.5.0 (warm)']['min'] / best:,.0f}×")
            f_loop = min(r["t_loop"] for r in fresh[workload])
            f_all = min(r["t_loop"] + r["t_import"] for r in fresh[workload])
            ctx.target(f"{workload}: ≥ 20× canns, first call in a fresh process",
                       results["canns 1.5.0 (warm)"]["first_loop"] / f_loop, ">=", 20, "×",
                       f"hebbmem loop {fmt_s(f_loop)} (with import {fmt_s(f_all)}: "
                       f"{results['canns 1.5.0 (warm)']['first_loop'] / f_all:.0f}×) vs canns' whole loop "
                       f"(first epoch with JAX compilation included, canns import excluded)")
    fresh_body = [[w, fmt_s(min(r["t_import"] for r in rs)), fmt_s(min(r["t_loop"] for r in rs)),
                   fmt_s(min(r["t_import"] + r["t_loop"] for r in rs)), len(rs),
                   "–" if w not in canns_runs else fmt_s(canns_runs[w]["t_import"])]
                  for w, rs in fresh.items()]
    sections = [
        ("Plasticity: the hebbmem program in a fresh process (warm Numba cache)",
         ["workload", "import hebbmem", "whole loop (first call loads the kernels)", "import + loop",
          "runs (min shown)", "canns import, for reference"], fresh_body,
         "`python -c` children with `OPENBLAS_NUM_THREADS=1`; the loop is the canns program as in the rows above."),
        ("Plasticity: what was learned", ["workload", "run", "result"], learned,
         "Each example's own measure, computed here from the final weights (hebbmem seeds its layers with "
         "seed=0; canns with bm.random.seed(42)). canns' STDP ran fewer epochs (see its row)."),
    ]
    return {"rows": rows, "sections": sections, "canns": {w: {k: v for k, v in r.items() if k not in ("W", "W0")}
                                                           for w, r in canns_runs.items()}}


def fmt_s(t):
    from _harness import fmt_time

    return fmt_time(t)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run it through benchmarks/run.py --only plasticity")
