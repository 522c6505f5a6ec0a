"""Fresh-process workload (issue 10, item 11): what a user actually runs, first call included.

Each hebbmem sample is a new Python process that loads the inputs, then runs
the seed API exactly as a canns program would: ``AmariHopfieldNetwork``,
``HebbianTrainer(model).train(patterns)``, ``predict_batch(probes)``. Two
times are recorded inside it with ``time.perf_counter``: *train + first
recall* (what the target speaks of) and *process* (interpreter start to the
end of the recall, imports included, measured from outside). A second
``predict_batch`` shows the warm time. The process also reports whether it
loaded Numba: with ``compiled_prediction=True`` (the default), hebbmem runs
small first jobs on its NumPy path, which gives identical results.

canns 1.5.0 runs the same inputs in its own virtualenv, also in a fresh
process (``--no-warm``: its first ``train`` + ``predict_batch``, JIT
compilation included, which is what a canns user pays once per process).

Workloads: N = 784, P = 10, 100 probes at 20 % noise, sync and async (the
seed 000 shape); the seed 001 pictures (N = 16,384, P = 4, 4 probes at 30 %
noise), sync.
"""

import os
import subprocess
import sys
import time

import numpy as np

from _harness import fmt_ratio, fmt_time, summarize
from _workloads import corrupt, random_patterns, run_canns

_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import numpy as np
from hebbmem.models.brain_inspired import AmariHopfieldNetwork
from hebbmem.trainer import HebbianTrainer
d = np.load(sys.argv[1])
patterns, probes, targets = list(d["patterns"]), list(d["probes"]), d["targets"]
t1 = time.perf_counter()
model = AmariHopfieldNetwork(num_neurons=patterns[0].size, asyn=bool(d["asyn"]))
model.init_state()
trainer = HebbianTrainer(model)
trainer.train(patterns)
recalled = trainer.predict_batch(probes, show_sample_progress=False)
t2 = time.perf_counter()
trainer.predict_batch(probes, show_sample_progress=False)
t3 = time.perf_counter()
print(json.dumps({"import_and_load": t1 - t0, "train_first_recall": t2 - t1, "second_recall": t3 - t2,
                  "numba_loaded": "numba" in sys.modules,
                  "bits_right": float(np.mean(np.asarray(recalled) == np.asarray(patterns)[targets]))}))
"""


def _hebbmem_fresh(ctx, npz, k):
    import json

    samples = []
    for _ in range(k):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _CHILD, npz], capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            raise RuntimeError(f"hebbmem child failed:\n{proc.stderr[-3000:]}")
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        r["process"] = wall
        samples.append(r)
    return samples


def fresh(ctx):
    ctx.log("[fresh] whole fresh processes through the seed API, first call included")
    k = 3 if ctx.quick else 7
    from hebbmem.datasets import load_pictures

    cases = []
    rng = np.random.default_rng(1010)
    X = random_patterns(rng, 10, 784)
    probes, targets = corrupt(rng, X, 100, 0.2)
    cases += [("N = 784, P = 10, 100 probes, 20 % noise, sync", X, probes, targets, False),
              ("N = 784, P = 10, 100 probes, 20 % noise, async", X, probes, targets, True)]
    X1 = load_pictures()
    probes1, targets1 = corrupt(np.random.default_rng(1), X1, 4, 0.3)
    cases.append(("seed 001 pictures: N = 16,384, P = 4, 4 probes, 30 % noise, sync", X1, probes1, targets1, False))

    body, raw = [], {}
    for label, X, probes, targets, asyn in cases:
        tag = "fresh_" + str(len(raw))
        npz = os.path.join(ctx.workdir, tag + ".npz")
        np.savez(npz, patterns=X, probes=probes, targets=targets, asyn=asyn)
        ctx.log(f"    hebbmem: {label} ({k} fresh processes)")
        rs = _hebbmem_fresh(ctx, npz, k)
        first = summarize([r["train_first_recall"] for r in rs])
        proc = summarize([r["process"] for r in rs])
        warm = summarize([r["second_recall"] for r in rs])
        numba = sorted({r["numba_loaded"] for r in rs})
        canns_total = None
        if ctx.canns:
            run = run_canns(ctx, tag, X, probes, targets, asyn=asyn, show_progress=False, warm=False)
            if run["ok"]:
                rep = run["report"]
                canns_total = rep["t_train"] + rep["t_recall_first"]
        ratio = canns_total / first["median"] if canns_total else None
        raw[label] = {"hebbmem": rs, "canns_train_first_recall": canns_total}
        body.append([label, fmt_time(first["min"]), fmt_time(first["median"]), fmt_time(proc["median"]),
                     fmt_time(warm["median"]), "yes" if numba == [True] else "no" if numba == [False] else "mixed",
                     f"{np.mean([r['bits_right'] for r in rs]):.4f}",
                     fmt_time(canns_total) if canns_total else "not run", fmt_ratio(ratio) if ratio else "–"])
        if label.endswith(", sync") and "784" in label:
            ctx.target("fresh process, seed API, N=784, 100 probes, sync: train + first recall (median)",
                       first["median"], "<=", 0.015, "s")
        if ratio is not None:
            ctx.target(f"fresh process, canns ÷ hebbmem, train + first recall: {label}", ratio, ">=", 1000, "x")
    header = ["workload", "train + first recall (min)", "(median)", "whole process (median)",
              "second recall (median)", "Numba loaded", "bits right", "canns 1.5.0 train + first recall",
              "canns ÷ hebbmem"]
    prose = (f"Each hebbmem number is one fresh `python -c` process per sample ({k} samples), through the "
             "seed API with the default `compiled_prediction=True`; 'whole process' is measured from "
             "outside (interpreter start, imports, loading the inputs, train and the first recall). canns "
             "runs the same inputs in one fresh process of its own virtualenv (its first `train` + "
             "`predict_batch`, JIT compilation included). The ratio divides canns' time by hebbmem's "
             "median.")
    return {"sections": [("Fresh processes: the seed API, first call included", header, body, prose)],
            "fresh": raw}
