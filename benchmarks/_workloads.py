"""The benchmark workloads. Each function measures one workload and returns its rows.

A *row* is one configuration (say: sync recall, N=784, P=10, 1,000 probes)
with every variant timed side by side in it. A *target* is a claim checked
against a measured ratio or time, marked PASS or MISS.

Variant names used throughout:

* ``hebbmem``: the default path (``compiled=True``, ``storage='auto'``),
  through the seed API (``trainer.predict`` / ``trainer.predict_batch``);
* ``hebbmem dense``: the same with ``storage='dense'`` (the N x N matrix);
* ``hebbmem NumPy``: ``compiled=False``, hebbmem's readable NumPy code;
* ``naive loop``: the textbook loop, one NumPy dot per neuron, in Python;
* ``Numba dot``: a straightforward Numba kernel, one dot per neuron visit;
* ``BLAS ceiling``: the bare matrix products of the same schedule;
* ``canns 1.5.0``: the competitor, in its own virtualenv, via ``_canns_worker.py``.

Only hebbmem's public API is used (plus ``return_info=True`` for the
schedule), so changes inside hebbmem's kernels do not break the benchmarks.
"""

import json
import os
import re
import sys
import tempfile
import time
import tracemalloc
import warnings

import numpy as np

import hebbmem as hm
from _harness import (Variant, blas_threads, current_blas_threads, extrapolated, python_child,
                      run_child, run_interleaved, summarize)
from _references import (active_counts, gemv_replay, hebbian_dense, lowrank_gemv_replay,
                         naive_async, naive_sync, numba_dot_async, sync_gemm_replay,
                         sync_lowrank_replay)

HERE = os.path.dirname(os.path.abspath(__file__))
WORKER = os.path.join(HERE, "_canns_worker.py")
HEBBMEM = "hebbmem"

warnings.simplefilter("ignore", hm.ConvergenceWarning)  # non-convergence is counted, not warned


class Context:
    """Options shared by all workloads, and the targets and canns runs collected so far."""

    def __init__(self, *, quick, repeat, canns, canns_python, workdir, canns_max_seconds,
                 canns_max_memory_gb, log):
        self.quick = quick
        self.repeat = repeat
        self.canns = canns
        self.canns_python = canns_python
        self.workdir = workdir
        self.canns_max_seconds = canns_max_seconds
        self.canns_max_memory_gb = canns_max_memory_gb
        self.log = log
        # Slow variants (naive loops) time a prefix of the probes for about this long per sample.
        self.naive_budget = 0.15 if quick else 0.6
        self.naive_rounds = 1 if quick else 2
        self.targets = []
        self.canns_runs = []

    def target(self, name, measured, op, limit, unit="", detail=""):
        """Record a target: ``measured op limit`` with op '<=' or '>='."""
        if measured is None:
            status = "NOT MEASURED"
        elif isinstance(measured, bool):
            status = "PASS" if measured else "MISS"
        else:
            ok = measured <= limit if op == "<=" else measured >= limit
            if ok:
                status = "PASS"
            elif op == "<=":
                status = f"MISS ({measured / limit:.2f}× the limit)"
            else:
                status = f"MISS (reaches {100 * measured / limit:.0f} % of it)"
        self.targets.append({"name": name, "measured": measured, "op": op, "limit": limit,
                             "unit": unit, "status": status, "detail": detail})


# ------------------------------------------------------------------------------ inputs


def random_patterns(rng, p, n):
    """P random +-1 patterns (float32), each bit +1 with probability 1/2."""
    return np.where(rng.random((p, n)) < 0.5, 1.0, -1.0).astype(np.float32)


def corrupt(rng, patterns, n_probes, noise):
    """Probes k = 0..B-1 are pattern ``k % P`` with exactly ``round(noise * N)`` bits flipped."""
    p, n = patterns.shape
    targets = np.arange(n_probes) % p
    probes = patterns[targets].copy()
    n_flip = int(round(noise * n))
    for b in range(n_probes):
        probes[b, rng.permutation(n)[:n_flip]] *= -1
    return probes, targets


def trained(patterns, *, asyn, storage="auto", seed=0, parallel=False):
    """A hebbmem trainer through the seed API's classes, with the given patterns stored.

    The textbook rule W = sum x x^T / P (``subtract_mean=False``), which the references and the
    BLAS ceilings compute: integer fields, float32 weights. The seed API's default centring (as in
    canns) makes the weights float64, which costs about 2x on these rows (sync, N = 784, P = 10,
    1,000 probes, 1 BLAS thread: 3.5 ms against 6.7 ms); the 'fresh' rows use that default.
    """
    model = hm.HopfieldNetwork(patterns.shape[1], asyn=asyn, storage=storage, seed=seed,
                               parallel=parallel)
    return hm.HebbianTrainer(model, subtract_mean=False).train(patterns)


def recall_fn(trainer, probes, compiled=True):
    """The call a user makes: ``predict`` for one probe (1-D), ``predict_batch`` for several."""
    if probes.shape[0] == 1:
        one = probes[0]
        return lambda: trainer.predict(one, compiled=compiled)
    return lambda: trainer.predict_batch(probes, compiled=compiled)


def slow_variant(ctx, name, run_prefix, n_probes, what="probes", budget=None):
    """A variant too slow to run on every probe: time a prefix and scale per probe.

    ``budget`` (seconds per sample) defaults to the context's; the prefix is
    sized from one untimed probe.
    """
    budget = ctx.naive_budget if budget is None else budget
    t0 = time.perf_counter()
    run_prefix(1)
    first = time.perf_counter() - t0
    if first * n_probes <= budget:
        return Variant(name, lambda: run_prefix(n_probes), max_rounds=ctx.naive_rounds)
    fn, k = extrapolated(run_prefix, n_probes, budget, first)
    return Variant(name, fn, reports_time=True, max_rounds=ctx.naive_rounds,
                   note=f"timed on {k:,} of {n_probes:,} {what}, scaled per probe")


def ceiling(name, fn_and_form, note):
    """A BLAS-ceiling variant; ``fn_and_form`` comes from a ``*_replay`` helper (fastest call form)."""
    fn, form = fn_and_form
    return Variant(name, fn, note=f"{note}; fastest form: {form}")


def exact_fraction(states, patterns, targets):
    return float((np.asarray(states) == patterns[targets]).all(axis=1).mean())


# ------------------------------------------------------------------------------- canns


def run_canns(ctx, tag, patterns, probes, targets, *, asyn, show_progress=True, warm=True):
    """Run canns 1.5.0 on exactly these inputs in its own virtualenv; record success or failure.

    ``show_progress`` is canns' own default for ``predict_batch`` (a tqdm bar on
    stderr, as when the seeds call it); it also tells how far a crashed run got.
    """
    npz = os.path.join(ctx.workdir, f"canns_{tag}.npz")
    out = os.path.join(ctx.workdir, f"canns_{tag}.json")
    np.savez(npz, patterns=patterns, probes=probes, targets=targets, asyn=asyn, num_iter=20,
             mode="batch", show_sample_progress=show_progress)
    cmd = [ctx.canns_python, WORKER, "--input", npz, "--output", out,
           "--max-seconds", str(ctx.canns_max_seconds), "--max-memory-gb", str(ctx.canns_max_memory_gb)]
    if not warm:
        cmd.append("--no-warm")
    ctx.log(f"    canns {tag}: N={patterns.shape[1]:,} P={patterns.shape[0]} B={probes.shape[0]:,} "
            f"{'async' if asyn else 'sync'} (up to {ctx.canns_max_seconds:.0f} s) ...")
    child = run_child(cmd, timeout=ctx.canns_max_seconds + 120,
                      stdout_path=out + ".stdout", stderr_path=out + ".stderr")
    report = None
    if os.path.exists(out):
        with open(out) as f:
            report = json.load(f)
    run = {"tag": tag, "N": patterns.shape[1], "P": patterns.shape[0], "B": probes.shape[0],
           "asyn": asyn, "child": child, "report": report}
    if report is not None and report.get("ok"):
        run["ok"] = True
        warm_t = report.get("t_recall")
        run["t_recall"] = warm_t if warm_t is not None else report["t_recall_first"]
        run["recall_call"] = "second (warm) call" if warm_t is not None else "first call"
        run["t_train"] = report["t_train"]
    else:
        run["ok"] = False
        run["error"] = _describe_failure(report, child, out + ".stderr", probes.shape[0])
    run["peak_rss_mib"] = max((report or {}).get("peak_rss_mib") or 0.0, child["peak_rss_mib"])
    ctx.canns_runs.append(run)
    ctx.log(f"      -> {'ok' if run['ok'] else 'FAILED: ' + run['error']} in {child['wall']:.0f} s")
    return run


_SIGNALS = {-9: "SIGKILL (the OOM killer?)", -11: "SIGSEGV (segmentation fault)", -6: "SIGABRT (abort)",
            124: "its own --max-seconds watchdog", 143: "SIGTERM"}


def _describe_failure(report, child, stderr_path, n_probes):
    """One line saying how a canns process failed: phase, signal, where, how far it got."""
    try:
        with open(stderr_path, errors="replace") as f:
            text = f.read()
    except OSError:
        text = ""
    rc = child["returncode"]
    parts = []
    if child["timed_out"]:
        parts.append(f"killed by the caller after {child['wall']:.0f} s (hard time-out)")
    if report is not None and report.get("error_kind") != "died":
        parts.append(report.get("error") or "error")
    else:
        phase = (report or {}).get("phase", "?")
        parts.append(f"died in phase {phase!r} after {child['wall']:.0f} s")
    if rc in _SIGNALS:
        parts.append(f"exit {rc}: {_SIGNALS[rc]}")
    else:
        parts.append(f"exit code {rc}")
    if "Fatal Python error" in text:
        # faulthandler dumps every thread, innermost frame first; the crashing one is
        # headed "Current thread 0x... (most recent call first):".
        dump = text.split("Fatal Python error", 1)[1]
        current = re.split(r"\nCurrent thread [^\n]*\n", dump, maxsplit=1)
        block = current[1] if len(current) == 2 else dump
        block = re.split(r"\n\s*\n|\nThread 0x", block, maxsplit=1)[0]
        frames = [ln.strip() for ln in block.splitlines() if ln.strip().startswith("File ")]
        if frames:
            parts.append("crashing thread's innermost frame " + frames[0].replace("File ", "", 1))
    done = re.findall(r"sample=(\d+)/(\d+)", text)  # canns' own progress bar
    if done:
        parts.append(f"{done[-1][0]} of {n_probes:,} probes done")
    parts.append(f"peak RSS {child['peak_rss_mib']:,.0f} MiB")
    return "; ".join(parts)


def canns_result(run, n_probes):
    """A canns run as a row entry (a single measurement, not interleaved)."""
    if not run["ok"]:
        return {"min": None, "median": None, "n": 0, "samples": [], "failed": run["error"],
                "note": "FAILED: " + run["error"]}
    t = run["t_recall"] * n_probes / run["B"]
    note = (f"one run, {run['recall_call']}, exact {100 * run['report']['exact_fraction']:.0f} %, "
            f"peak RSS {run['peak_rss_mib']:,.0f} MiB")
    return {"min": t, "median": t, "n": 1, "samples": [t], "note": note}


# ================================================================ workload 1: seed 001


def seed001(ctx):
    """The seed tutorial's pictures: N = 16,384, P = 4, 4 probes at 30 % noise."""
    from hebbmem.datasets import load_pictures

    ctx.log("[seed001] four pictures, N = 16,384")
    X = load_pictures()  # camera, astronaut, horse, coffee at 128 x 128, as in the seed
    P, N = X.shape
    rng = np.random.default_rng(1)
    probes, targets = corrupt(rng, X, 4, 0.3)
    rows = []

    # --- in-process: train + recall, recall alone, against the references -------------
    # Default threads (what the seed program gets). Dense W (1 GiB) for the references only.
    W = hebbian_dense(X)
    tr = trained(X, asyn=False)
    info = tr.predict_batch(probes, return_info=True)
    counts = active_counts(info.n_iter)

    def train_and_recall():
        t = hm.HebbianTrainer(hm.AmariHopfieldNetwork(N, asyn=False)).train(list(X))
        t.predict_batch(list(probes))

    variants = [
        Variant("hebbmem train+recall", train_and_recall),
        Variant(HEBBMEM, recall_fn(tr, probes)),
        Variant("hebbmem NumPy", recall_fn(tr, probes, compiled=False)),
        ceiling("BLAS ceiling, dense GEMM", sync_gemm_replay(W, probes, counts),
                f"{len(counts)} products with the 1 GiB W, active {counts}"),
        Variant("BLAS ceiling, low-rank", sync_lowrank_replay(X, probes, counts),
                note="the two factor products per iteration"),
        slow_variant(ctx, "naive loop", lambda k: naive_sync(W, probes[:k]), len(probes)),
    ]
    res = run_interleaved(variants, ctx.repeat)
    res[HEBBMEM]["note"] = f"path '{info.path}', iterations {info.n_iter.tolist()}"
    rows.append({"label": "recall, 4 probes, in process", "threads": f"BLAS {current_blas_threads()}",
                 "results": res, "baseline": HEBBMEM,
                 "exact": exact_fraction(info.states, X, targets)})
    del W

    # --- memory of train + recall: NumPy allocations (tracemalloc) and the RSS high-water mark
    mem = _seed001_memory(X, probes)
    ctx.log(f"    memory: tracemalloc peak {mem['tracemalloc_peak_mib']:.2f} MiB, "
            f"RSS growth {mem.get('rss_hwm_growth_mib')}")

    # --- canns on the same inputs (train, recall, accuracy, memory) ---------------------
    canns = None
    if ctx.canns:
        canns = run_canns(ctx, "seed001", X, probes, targets, asyn=False)

    # --- whole program in fresh processes --------------------------------------------------
    programs = _seed001_programs(ctx)

    # --- targets ------------------------------------------------------------------------
    t_recall = res[HEBBMEM]["median"]
    ctx.target("seed 001: recall of the 4 probes (median, warm)", t_recall * 1e3, "<=", 3.0, "ms")
    dense_mib = N * N * 4 / 2**20
    ctx.target("seed 001: no N×N matrix built", "low-rank" in info.path and mem["tracemalloc_peak_mib"] < dense_mib,
               "==", True, "", f"path '{info.path}'; peak NumPy allocation during train+recall "
               f"{mem['tracemalloc_peak_mib']:.2f} MiB, a dense W would be {dense_mib:,.0f} MiB")
    extra = max(mem["tracemalloc_peak_mib"], mem.get("rss_hwm_growth_mib") or 0.0)
    ctx.target("seed 001: extra memory of train+recall (max of tracemalloc peak, RSS growth)",
               extra, "<=", 16.0, "MiB")
    heb_tr = res["hebbmem train+recall"]["median"]
    if canns is not None and canns["ok"]:
        c_tr = canns["t_train"] + canns["t_recall"]
        ctx.target("seed 001: canns train+recall ÷ hebbmem train+recall", c_tr / heb_tr, ">=", 100, "×",
                   f"canns {c_tr:.2f} s ({canns['recall_call']}) vs hebbmem {heb_tr * 1e3:.2f} ms")
    else:
        ctx.target("seed 001: canns train+recall ÷ hebbmem train+recall", None, ">=", 100, "×",
                   "canns not run" if canns is None else "canns failed: " + canns["error"])
    h_prog, c_prog = programs.get("hebbmem"), programs.get("canns (init_state line removed)")
    if h_prog and c_prog and c_prog.get("ok") and h_prog.get("ok"):
        same_or_better = min(h_prog["bits_right"]) >= min(c_prog["bits_right"])
        ratio = c_prog["peak_rss_mib"] / h_prog["peak_rss_mib"]
        ctx.target("seed 001 program: canns peak RSS ÷ hebbmem peak RSS (with same or better accuracy)",
                   ratio if same_or_better else 0.0, ">=", 10, "×",
                   f"{c_prog['peak_rss_mib']:,.0f} vs {h_prog['peak_rss_mib']:,.0f} MiB; bits right min "
                   f"canns {min(c_prog['bits_right']):.4f}, hebbmem {min(h_prog['bits_right']):.4f}")
    else:
        ctx.target("seed 001 program: canns peak RSS ÷ hebbmem peak RSS", None, ">=", 10, "×",
                   "canns program not run or failed")
    return {"rows": rows, "memory": mem, "programs": programs,
            "canns": None if canns is None else canns["tag"]}


def _seed001_memory(X, probes):
    """Peak extra memory of train + recall (warm): NumPy allocations and process RSS."""
    N = X.shape[1]
    hm.HebbianTrainer(hm.AmariHopfieldNetwork(N, asyn=False)).train(list(X)).predict_batch(list(probes))
    out = {}
    # RSS high-water mark, reset through /proc/self/clear_refs (Linux >= 4.0), read from VmHWM.
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        rss0 = _proc_status_kib("VmRSS")
        t = hm.HebbianTrainer(hm.AmariHopfieldNetwork(N, asyn=False)).train(list(X))
        t.predict_batch(list(probes))
        out["rss_hwm_growth_mib"] = (_proc_status_kib("VmHWM") - rss0) / 1024
    except OSError:
        out["rss_hwm_growth_mib"] = None
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    t = hm.HebbianTrainer(hm.AmariHopfieldNetwork(N, asyn=False)).train(list(X))
    t.predict_batch(list(probes))
    out["tracemalloc_peak_mib"] = (tracemalloc.get_traced_memory()[1] - base) / 2**20
    tracemalloc.stop()
    return out


def _proc_status_kib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise OSError(key)


def _seed001_programs(ctx):
    """Run the seed program as written, in fresh processes: wall time, peak RSS, accuracy."""
    runner = os.path.join(HERE, "_run_program.py")
    env = dict(os.environ, MPLBACKEND="Agg")
    results = {}
    # One copy of the seed's program; hebbmem runs it with the two import lines switched.
    as_hebbmem = ["--replace", "from canns.models.", "from hebbmem.models.",
                  "--replace", "from canns.trainer", "from hebbmem.trainer"]
    jobs = [("hebbmem", sys.executable, "seed001.py", as_hebbmem, 1 if ctx.quick else 3)]
    if ctx.canns:
        jobs += [
            ("canns (verbatim)", ctx.canns_python, "seed001.py", [], 1),
            # canns 1.5.0 has no init_state(); the smallest change that lets the program run:
            ("canns (init_state line removed)", ctx.canns_python, "seed001.py",
             ["--replace", "model.init_state()", "pass  # canns 1.5.0 has no init_state()"], 1),
        ]
    for name, python, program, extra, n_runs in jobs:
        runs = []
        for k in range(n_runs):
            cwd = tempfile.mkdtemp(prefix="seed001_", dir=ctx.workdir)
            out = os.path.join(cwd, "report.json")
            cmd = [python, runner, os.path.join(HERE, "programs", program), "--output", out, *extra]
            if python == ctx.canns_python:
                cmd += ["--max-memory-gb", str(ctx.canns_max_memory_gb)]
            ctx.log(f"    program [{name}] run {k + 1}/{n_runs} ...")
            child = run_child(cmd, env=env, cwd=cwd, timeout=ctx.canns_max_seconds + 120,
                              stderr_path=os.path.join(cwd, "stderr.txt"))
            rep = {}
            if os.path.exists(out):
                with open(out) as f:
                    rep = json.load(f)
            peak = max(rep.get("vmhwm_mib") or 0.0, child["peak_rss_mib"])
            runs.append({**rep, "wall": child["wall"], "peak_rss_mib": peak,
                         "returncode": child["returncode"], "timed_out": child["timed_out"]})
            ctx.log(f"      -> {'ok' if rep.get('ok') else 'FAILED: ' + str(rep.get('error'))}, "
                    f"{child['wall']:.1f} s, {child['peak_rss_mib']:,.0f} MiB")
        ok = [r for r in runs if r.get("ok")]
        best = min(ok, key=lambda r: r["wall"]) if ok else runs[0]
        results[name] = {
            "ok": bool(ok), "runs": len(runs),
            "wall_min": min(r["wall"] for r in runs), "wall_median": float(np.median([r["wall"] for r in runs])),
            "peak_rss_mib": max(r["peak_rss_mib"] for r in runs),
            "bits_right": best.get("bits_right"), "error": None if ok else best.get("error"),
            "returncode": best["returncode"], "replacements": best.get("replacements", []),
        }
    return results


# ======================================================== workload 2: seed 000 style, N=784


def seed000(ctx):
    """N = 784, P in {10, 50} random patterns, 1 / 100 / 1,000 probes at 20 % noise, sync and async."""
    ctx.log("[seed000] N = 784, P in {10, 50}, B in {1, 100, 1000}")
    N = 784
    rows = []
    for P in (10, 50):
        rng = np.random.default_rng(1000 + P)
        X = random_patterns(rng, P, N)
        probes_all, targets_all = corrupt(rng, X, 1000, 0.2)  # B = 1 and 100 use the first ones
        W = hebbian_dense(X)
        for asyn in (False, True):
            mode = "async" if asyn else "sync"
            for B in (1, 100, 1000):
                probes, targets = probes_all[:B], targets_all[:B]
                thread_settings = [1, 2] if (not asyn and B == 1000) else [1]
                for threads in thread_settings:
                    with blas_threads(threads):
                        row = _row_784(ctx, X, W, probes, targets, asyn)
                    row["label"] = f"{mode}, P={P}, B={B:,}"
                    row["threads"] = f"BLAS {threads}"
                    row["key"] = (mode, P, B, threads)
                    rows.append(row)
                    ctx.log(f"    {row['label']:<24} {row['threads']}: hebbmem "
                            f"{row['results'][HEBBMEM]['min'] * 1e3:.3f} ms")
    # canns on the same inputs (sequential, after all hebbmem timings; it runs minutes)
    if ctx.canns:
        plan = [(10, 1), (10, 100), (10, 1000), (50, 1), (50, 100)]
        for P, B in plan:
            rng = np.random.default_rng(1000 + P)
            X = random_patterns(rng, P, N)
            probes_all, targets_all = corrupt(rng, X, 1000, 0.2)
            for asyn in (False, True):
                mode = "async" if asyn else "sync"
                run = run_canns(ctx, f"n784_p{P}_b{B}_{mode}", X, probes_all[:B], targets_all[:B],
                                asyn=asyn, warm=B == 1)
                for row in rows:
                    if row["key"] == (mode, P, B, 1):
                        row["results"]["canns 1.5.0"] = canns_result(run, B)
    _targets_784(ctx, rows)
    return {"rows": rows, "allocator": allocator_diagnostic(ctx)}


_ALLOC_CHILD = """
import json, resource, time
import numpy as np
import hebbmem as hm
from threadpoolctl import ThreadpoolController
rng = np.random.default_rng(1010)
X = np.where(rng.random((10, 784)) < 0.5, 1.0, -1.0).astype(np.float32)
probes = X[np.arange(1000) % 10].copy()
for b in range(1000):
    probes[b, rng.permutation(784)[:157]] *= -1
trainer = hm.HebbianTrainer(hm.HopfieldNetwork(784)).train(X)
with ThreadpoolController().limit(limits=1, user_api="blas"):
    trainer.predict_batch(probes)
    times = []
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(20):
        t = time.perf_counter()
        trainer.predict_batch(probes)
        times.append(time.perf_counter() - t)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0) / 20
print(json.dumps({"min": min(times), "median": float(np.median(times)), "faults_per_call": faults}))
"""


def allocator_diagnostic(ctx):
    """Sync recall, P=10, 1,000 probes, 1 BLAS thread, in fresh processes: the cost of page faults.

    hebbmem allocates its (B, N) work buffers afresh on every call (3 MiB each
    here). glibc either recycles them from its heap (no page faults) or maps
    them fresh from the kernel and unmaps them again (a fault per 4 KiB page,
    on every call). Which one happens depends on glibc's dynamic thresholds,
    which depend on what the process allocated and freed before. The two
    GLIBC_TUNABLES settings pin both extremes.
    """
    ctx.log("    allocator diagnostic (fresh processes)")
    settings = [
        ("default glibc", None),
        ("GLIBC_TUNABLES mmap_threshold=128 KiB (fixed: large buffers mapped fresh every call)",
         "glibc.malloc.mmap_threshold=131072"),
        ("GLIBC_TUNABLES mmap_threshold=64 MiB, trim_threshold=128 MiB (buffers always recycled)",
         "glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=134217728"),
    ]
    out = {}
    for label, tunables in settings:
        env = dict(os.environ)
        if tunables:
            env["GLIBC_TUNABLES"] = tunables
        rs = [python_child(_ALLOC_CHILD, env=env) for _ in range(1 if ctx.quick else 3)]
        out[label] = {"min": min(r["min"] for r in rs), "median": float(np.median([r["median"] for r in rs])),
                      "faults_per_call": float(np.median([r["faults_per_call"] for r in rs]))}
    return out


def _row_784(ctx, X, W, probes, targets, asyn):
    """One row of workload 2: every variant on the same probes, interleaved."""
    B = probes.shape[0]
    tr = trained(X, asyn=asyn, seed=0)
    tr_dense = trained(X, asyn=asyn, storage="dense", seed=0)
    info = tr.predict_batch(probes, return_info=True)
    info_dense = tr_dense.predict_batch(probes, return_info=True)
    variants = [Variant(HEBBMEM, recall_fn(tr, probes)),
                Variant("hebbmem dense", recall_fn(tr_dense, probes))]
    if asyn:
        variants += [
            slow_variant(ctx, "hebbmem NumPy", lambda k: tr.predict_batch(probes[:k], compiled=False), B),
            slow_variant(ctx, "naive loop", lambda k: naive_async(W, probes[:k]), B),
            Variant("Numba dot", lambda: numba_dot_async(W, probes, 0)),
            ceiling("BLAS ceiling, GEMV × sweeps", gemv_replay(W, probes[0], int(info.n_iter.sum())),
                    f"{int(info.n_iter.sum()):,} GEMVs (one per probe per sweep)"),
        ]
    else:
        counts = active_counts(info.n_iter)
        if B == 1:
            ceilings = [
                ceiling("BLAS ceiling, dense GEMV", gemv_replay(W, probes[0], len(counts)),
                        f"{len(counts)} GEMVs"),
                Variant("BLAS ceiling, low-rank", lowrank_gemv_replay(X, probes[0], len(counts)),
                        note=f"{len(counts)} × two (P×N) GEMVs"),
            ]
        else:
            ceilings = [
                ceiling("BLAS ceiling, dense GEMM", sync_gemm_replay(W, probes, counts),
                        f"active per iteration {_short(counts)}"),
                Variant("BLAS ceiling, low-rank", sync_lowrank_replay(X, probes, counts),
                        note="two factor GEMMs per iteration"),
            ]
        variants += [
            Variant("hebbmem NumPy", recall_fn(tr, probes, compiled=False)),
            slow_variant(ctx, "naive loop", lambda k: naive_sync(W, probes[:k]), B),
            *ceilings,
        ]
    res = run_interleaved(variants, ctx.repeat)
    res[HEBBMEM]["note"] = f"path '{info.path}', iterations mean {info.n_iter.mean():.2f}"
    res["hebbmem dense"]["note"] = f"path '{info_dense.path}'"
    return {"results": res, "baseline": HEBBMEM, "path": info.path,
            "exact": exact_fraction(info.states, X, targets),
            "n_iter_mean": float(info.n_iter.mean()), "unsettled": int((~info.converged).sum())}


def _short(counts):
    return str(counts) if len(counts) <= 6 else f"{counts[:5]} ... ({len(counts)} iterations)"


def _targets_784(ctx, rows):
    by = {r["key"]: r for r in rows}
    for threads in (1, 2):
        for P in (10, 50):
            r = by[("sync", P, 1000, threads)]["results"]
            ctx.target(f"sync N=784 P={P} B=1,000, BLAS {threads}: hebbmem dense ÷ dense GEMM schedule",
                       r["hebbmem dense"]["min"] / r["BLAS ceiling, dense GEMM"]["min"], "<=", 1.15, "×")
            path_ceiling = ("BLAS ceiling, low-rank" if "low-rank" in by[("sync", P, 1000, threads)]["path"]
                            else "BLAS ceiling, dense GEMM")
            ctx.target(f"sync N=784 P={P} B=1,000, BLAS {threads}: hebbmem (default path) ÷ its own "
                       f"product schedule ({path_ceiling.split(', ')[1]})",
                       r[HEBBMEM]["min"] / r[path_ceiling]["min"], "<=", 1.15, "×",
                       f"hebbmem ÷ dense GEMM schedule = {r[HEBBMEM]['min'] / r['BLAS ceiling, dense GEMM']['min']:.2f}×")
    for P in (10, 50):
        r = by[("sync", P, 1, 1)]["results"]
        ctx.target(f"single probe sync N=784 P={P}: hebbmem ÷ iterations × dense GEMV",
                   r[HEBBMEM]["min"] / r["BLAS ceiling, dense GEMV"]["min"], "<=", 1.3, "×",
                   f"hebbmem dense ÷ same: {r['hebbmem dense']['min'] / r['BLAS ceiling, dense GEMV']['min']:.2f}×; "
                   f"hebbmem ÷ low-rank GEMV pairs: {r[HEBBMEM]['min'] / r['BLAS ceiling, low-rank']['min']:.2f}×")
    for P in (10, 50):
        r = by[("async", P, 100, 1)]["results"]
        ctx.target(f"async N=784 P={P} B=100, 1 thread: naive loop ÷ hebbmem (per probe)",
                   r["naive loop"]["min"] / r[HEBBMEM]["min"], ">=", 50, "×")
        ctx.target(f"async N=784 P={P} B=100, 1 thread: Numba dot ÷ hebbmem",
                   r["Numba dot"]["min"] / r[HEBBMEM]["min"], ">=", 2.5, "×")
    for row in rows:
        mode, P, B, threads = row["key"]
        c = row["results"].get("canns 1.5.0")
        if c is None or threads != 1:
            continue
        name = f"canns recall ÷ hebbmem recall, N=784 {mode} P={P} B={B:,}"
        if c["min"] is None:
            ctx.target(name, None, ">=", 1000, "×", c["note"])
        else:
            ctx.target(name, c["min"] / row["results"][HEBBMEM]["min"], ">=", 1000, "×",
                       f"canns {c['min'] / B * 1e3:.1f} ms per probe")


# ====================================================== async at N = 256 ... 2048


def async_scaling(ctx):
    """Async recall at N in {256, 512, 1024, 2048}, P = N/10, 100 probes at 20 % noise, 1 thread."""
    ctx.log("[async-scaling] N = 256 ... 2048, P = N/10, 100 probes")
    rows = []
    for N in (256, 512, 1024, 2048):
        P = round(0.1 * N)
        rng = np.random.default_rng(3000 + N)
        X = random_patterns(rng, P, N)
        probes, targets = corrupt(rng, X, 100, 0.2)
        W = hebbian_dense(X)
        with blas_threads(1):
            tr = trained(X, asyn=True, seed=0)
            info = tr.predict_batch(probes, return_info=True)
            variants = [
                Variant(HEBBMEM, recall_fn(tr, probes)),
                slow_variant(ctx, "hebbmem NumPy", lambda k: tr.predict_batch(probes[:k], compiled=False), 100),
                slow_variant(ctx, "naive loop", lambda k: naive_async(W, probes[:k]), 100),
                Variant("Numba dot", lambda: numba_dot_async(W, probes, 0)),
                ceiling("BLAS ceiling, GEMV × sweeps", gemv_replay(W, probes[0], int(info.n_iter.sum())),
                        f"{int(info.n_iter.sum()):,} GEMVs"),
            ]
            res = run_interleaved(variants, ctx.repeat)
        res[HEBBMEM]["note"] = f"path '{info.path}', sweeps mean {info.n_iter.mean():.2f}"
        rows.append({"label": f"async, N={N:,}, P={P}, B=100", "threads": "BLAS 1, Numba 1",
                     "results": res, "baseline": HEBBMEM, "exact": exact_fraction(info.states, X, targets)})
        ctx.log(f"    N={N}: hebbmem {res[HEBBMEM]['min'] * 1e3:.2f} ms, naive ÷ hebbmem "
                f"{res['naive loop']['min'] / res[HEBBMEM]['min']:.0f}, Numba dot ÷ hebbmem "
                f"{res['Numba dot']['min'] / res[HEBBMEM]['min']:.2f}")
        ctx.target(f"async N={N:,} P={P} B=100, 1 thread: naive loop ÷ hebbmem (per probe)",
                   res["naive loop"]["min"] / res[HEBBMEM]["min"], ">=", 50, "×")
        ctx.target(f"async N={N:,} P={P} B=100, 1 thread: Numba dot ÷ hebbmem",
                   res["Numba dot"]["min"] / res[HEBBMEM]["min"], ">=", 2.5, "×")
    return {"rows": rows}


# ============================================================ workload 3: capacity sweep


def capacity(ctx):
    """N = 1,000, ten values of P from 10 to 200, 1,000 probes each at 10 % noise: total time."""
    ctx.log("[capacity] N = 1,000, P = 10 ... 200, 1,000 probes each")
    N, B = 1000, 1000
    Ps = [int(p) for p in np.linspace(10, 200, 10).round()]
    rng = np.random.default_rng(5000)
    data = []
    for P in Ps:
        X = random_patterns(rng, P, N)
        probes, targets = corrupt(rng, X, B, 0.1)
        data.append((X, probes, targets, hebbian_dense(X)))

    def sweep(asyn, compiled=True):
        """What a user writes: for every P, train and recall all probes."""
        def run():
            for X, probes, _, _ in data:
                trained(X, asyn=asyn, seed=0).predict_batch(probes, compiled=compiled)
        return run

    def sweep_prefix(fn):
        """Run ``fn(W or trainer inputs, first k probes)`` for every P (naive variants)."""
        def run(k):
            for X, probes, _, W in data:
                fn(X, W, probes[:k])
        return run

    # Schedules for the ceilings and the quality curve.
    quality, counts, sweeps = [], [], []
    for X, probes, targets, _ in data:
        i_s = trained(X, asyn=False).predict_batch(probes, return_info=True)
        i_a = trained(X, asyn=True, seed=0).predict_batch(probes, return_info=True)
        counts.append(active_counts(i_s.n_iter))
        sweeps.append(int(i_a.n_iter.sum()))
        quality.append({"P": X.shape[0], "sync_exact": exact_fraction(i_s.states, X, targets),
                        "async_exact": exact_fraction(i_a.states, X, targets),
                        "sync_path": i_s.path, "async_path": i_a.path,
                        "sync_iter_mean": float(i_s.n_iter.mean()),
                        "async_sweeps_mean": float(i_a.n_iter.mean())})

    def ceiling_sync():
        runs = [sync_gemm_replay(W, probes, c)[0] for (_, probes, _, W), c in zip(data, counts)]
        return lambda: [r() for r in runs]

    def ceiling_sync_lowrank():
        runs = [sync_lowrank_replay(X, probes, c) for (X, probes, _, _), c in zip(data, counts)]
        return lambda: [r() for r in runs]

    def ceiling_async():
        runs = [gemv_replay(W, probes[0], s)[0] for (_, probes, _, W), s in zip(data, sweeps)]
        return lambda: [r() for r in runs]

    rows = []
    for asyn in (False, True):
        mode = "async" if asyn else "sync"
        variants = [Variant(HEBBMEM, sweep(asyn))]
        if ctx.quick:  # the slow references take a minute here; --quick keeps the ceilings only
            variants += ([Variant("BLAS ceiling, GEMV × sweeps", ceiling_async(), note=f"{sum(sweeps):,} GEMVs")]
                         if asyn else [Variant("BLAS ceiling, low-rank", ceiling_sync_lowrank(),
                                               note="the two factor GEMMs of the same batches")])
        elif asyn:
            variants += [
                slow_variant(ctx, "hebbmem NumPy", sweep_prefix(
                    lambda X, W, p: trained(X, asyn=True).predict_batch(p, compiled=False)), B,
                    "probes per P", budget=4.0),
                slow_variant(ctx, "naive loop", sweep_prefix(lambda X, W, p: naive_async(W, p)), B,
                             "probes per P", budget=4.0),
                Variant("Numba dot", lambda: [numba_dot_async(W, p, 0) for _, p, _, W in data],
                        max_rounds=1 if ctx.quick else 2),
                Variant("BLAS ceiling, GEMV × sweeps", ceiling_async(), note=f"{sum(sweeps):,} GEMVs"),
            ]
        else:
            variants += [
                Variant("hebbmem NumPy", sweep(asyn, compiled=False), max_rounds=1 if ctx.quick else 3),
                slow_variant(ctx, "naive loop", sweep_prefix(lambda X, W, p: naive_sync(W, p)), B,
                             "probes per P", budget=4.0),
                Variant("BLAS ceiling, dense GEMM", ceiling_sync(),
                        note="dense GEMM of the same shrinking batches (train not included)"),
                Variant("BLAS ceiling, low-rank", ceiling_sync_lowrank(),
                        note="the two factor GEMMs of the same batches (train not included)"),
            ]
        res = run_interleaved(variants, max(2, ctx.repeat - 2) if not ctx.quick else 2)
        res[HEBBMEM]["note"] = "train + recall for all ten P"
        rows.append({"label": f"{mode}, 10 × 1,000 probes", "threads":
                     f"BLAS {current_blas_threads()} (default), Numba 1", "results": res, "baseline": HEBBMEM})
        ctx.log(f"    {mode}: hebbmem {res[HEBBMEM]['min']:.3f} s")
        ctx.target(f"capacity sweep {mode}: total (train + recall, median)", res[HEBBMEM]["median"],
                   "<=", 1.5 if mode == "sync" else 1.0, "s")
    return {"rows": rows, "quality": quality, "Ps": Ps}


# ================================================================ workload 4: a million


def million(ctx):
    """N = 1,000,000, P = 10, 10 probes at 20 % noise, seed API, fresh process."""
    ctx.log("[million] N = 1,000,000 through the seed API, in a fresh process")
    script = os.path.join(HERE, "_million.py")
    runs = {}
    for asyn in ((False,) if ctx.quick else (False, True)):
        mode = "async" if asyn else "sync"
        reps = []
        for k in range(1 if ctx.quick else 2):
            out = os.path.join(ctx.workdir, f"million_{mode}_{k}.json")
            cmd = [sys.executable, script, "--output", out] + (["--asyn"] if asyn else [])
            child = run_child(cmd, timeout=600, stderr_path=out + ".stderr")
            rep = {}
            if os.path.exists(out):
                with open(out) as f:
                    rep = json.load(f)
            rep.update(wall=child["wall"], returncode=child["returncode"],
                       peak_rss_mib=max(rep.get("vmhwm_mib") or 0.0, child["peak_rss_mib"]))
            reps.append(rep)
            ctx.log(f"    {mode} run {k + 1}: train+recall {rep.get('t_train_recall', float('nan')):.2f} s, "
                    f"process {child['wall']:.1f} s, {child['peak_rss_mib']:,.0f} MiB, exact {rep.get('exact')}")
        runs[mode] = reps
    sync = runs["sync"]
    ok = [r for r in sync if "t_train_recall" in r]
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    canns_note = (f"not run: canns 1.5.0's AmariHopfieldNetwork allocates a dense float32 N×N W in "
                  f"__init__ (bm.Variable(jnp.zeros((N, N)))): {1e12 * 4 / 1e12:.0f} TB for N = 10^6, "
                  f"against {ram / 2**30:.0f} GiB of RAM here")
    if ok:
        ctx.target("N=10^6: train + recall (seed API, sync; median of runs)",
                   float(np.median([r["t_train_recall"] for r in ok])), "<=", 10, "s",
                   f"whole process {np.median([r['wall'] for r in ok]):.1f} s, including drawing the data")
        ctx.target("N=10^6: peak RSS of the whole process", max(r["peak_rss_mib"] for r in ok) / 1024 * 2**30 / 1e9,
                   "<=", 2.0, "GB")
        ctx.target("N=10^6: probes recalled exactly (of 10)", min(r["exact"] for r in ok), ">=", 10, "")
    else:
        for name in ("N=10^6: train + recall", "N=10^6: peak RSS", "N=10^6: recalled exactly"):
            ctx.target(name, None, "<=", 0, "", f"run failed: {sync}")
    return {"runs": runs, "canns": canns_note}


# ================================================================= workload 5: start-up


# The start-up scripts' inputs: N = 784, P = 10 patterns, 100 probes with 20 % of their bits flipped.
_STARTUP_INPUTS = """
rng = np.random.default_rng(0)
X = np.where(rng.random((10, 784)) < 0.5, 1.0, -1.0).astype(np.float32)
probes = X[np.arange(100) % 10].copy()
probes[:, :157] *= -1
"""

_FIRST_RECALL = """
import json, sys, time
t0 = time.perf_counter()
import numpy as np
import hebbmem as hm
t_import = time.perf_counter() - t0
""" + _STARTUP_INPUTS + """
firsts = {}
for name, kw in KINDS:
    trainer = hm.HebbianTrainer(hm.HopfieldNetwork(784, seed=0, **kw)).train(X)
    t = time.perf_counter()
    trainer.predict_batch(probes)
    firsts[name] = time.perf_counter() - t
    t = time.perf_counter()
    trainer.predict_batch(probes)
    firsts[name + " (second call)"] = time.perf_counter() - t
print(json.dumps({"t_import": t_import, "firsts": firsts, "t_process": time.perf_counter() - t0,
                  "numba_loaded": "numba" in sys.modules}))
"""

# The same recalls forced onto the Numba kernels (compiled="numba"): what loading (warm cache)
# or compiling (empty NUMBA_CACHE_DIR) the kernels costs. The auto path above never loads them
# for a job this small.
_FIRST_KERNEL_CALL = """
import json, sys, time
import numpy as np
import hebbmem as hm
""" + _STARTUP_INPUTS + """
firsts = {}
for name, kw in KINDS:
    net = hm.HebbianTrainer(hm.HopfieldNetwork(784, seed=0, **kw)).train(X).model
    t = time.perf_counter()
    net.recall(probes, compiled="numba")
    firsts[name] = time.perf_counter() - t
    t = time.perf_counter()
    net.recall(probes, compiled="numba")
    firsts[name + " (second call)"] = time.perf_counter() - t
print(json.dumps({"firsts": firsts, "numba_loaded": "numba" in sys.modules}))
"""

_BREAKDOWN = """
import json, time
import numpy as np
import hebbmem as hm
""" + _STARTUP_INPUTS + """
net = hm.HebbianTrainer(hm.HopfieldNetwork(784, seed=0)).train(X).model
t = time.perf_counter()
import numba
t_numba = time.perf_counter() - t
t = time.perf_counter()
net.recall(probes, compiled="numba")
t_first = time.perf_counter() - t
print(json.dumps({"import numba": t_numba, "first sync recall on the kernels, numba already imported": t_first}))
"""

_ALL_KINDS = [("sync", {"asyn": False}), ("sync dense", {"asyn": False, "storage": "dense"}),
              ("async low-rank", {"asyn": True, "storage": "low-rank"}),
              ("async dense", {"asyn": True, "storage": "dense"})]


def startup(ctx):
    """import time, first recall (default path, and forced onto the kernels), cold compile of all kernels."""
    ctx.log("[startup] fresh processes")
    k = 2 if ctx.quick else 7
    py = sys.executable
    out = {}
    # import hebbmem (and, for scale, an empty interpreter and import numpy)
    code_import = ("import time, json, sys; t = time.perf_counter(); import {mod}; "
                   "print(json.dumps({{'t': time.perf_counter() - t, 'numba': 'numba' in sys.modules}}))")
    python_child(code_import.format(mod="hebbmem"))  # warm the OS file cache once
    for mod in ("numpy", "hebbmem"):
        rs = [python_child(code_import.format(mod=mod)) for _ in range(k)]
        out[f"import {mod}"] = summarize([r["t"] for r in rs], note=f"imports numba: {rs[0]['numba']}")
    # first recall as a user runs it (compiled=True, the default): one fresh process per kind. A
    # job this small takes the NumPy path, so these processes never load Numba (the note says).
    python_child(_FIRST_RECALL.replace("KINDS", repr(_ALL_KINDS)))  # OS file cache warm
    for name, kw in [("sync", {"asyn": False}), ("async", {"asyn": True})]:
        rs = [python_child(_FIRST_RECALL.replace("KINDS", repr([(name, kw)]))) for _ in range(k)]
        loaded = sum(r["numba_loaded"] for r in rs)
        out[f"first recall, {name} (default path)"] = summarize(
            [r["firsts"][name] for r in rs],
            note=f"Numba loaded in {loaded} of {len(rs)} processes; second call "
                 f"{np.median([r['firsts'][name + ' (second call)'] for r in rs]) * 1e3:.2f} ms; "
                 f"import+train+2 recalls in-process {np.median([r['t_process'] for r in rs]):.2f} s")
    # the same first recall forced onto the kernels, warm cache: what loading them costs
    python_child(_FIRST_KERNEL_CALL.replace("KINDS", repr(_ALL_KINDS)))  # make sure the cache is warm
    for name, kw in [("sync", {"asyn": False}), ("async", {"asyn": True})]:
        rs = [python_child(_FIRST_KERNEL_CALL.replace("KINDS", repr([(name, kw)]))) for _ in range(k)]
        out[f"first recall, {name}, on the kernels (compiled='numba'), warm cache"] = summarize(
            [r["firsts"][name] for r in rs],
            note=f"second call {np.median([r['firsts'][name + ' (second call)'] for r in rs]) * 1e3:.2f} ms")
    # where the kernels' first call goes: import numba, then the first call of a cached kernel
    rs = [python_child(_BREAKDOWN) for _ in range(k)]
    for key in ("import numba", "first sync recall on the kernels, numba already imported"):
        out[f"  of which: {key}"] = summarize([r[key] for r in rs], note="separate fresh processes")
    # Numba's first compiled call loads its NumPy registries, and numba.np.arraymath checks for a
    # BLAS by importing scipy.linalg.cython_blas (SciPy is installed here: scikit-image needs it).
    code = ("import json, time, numba; t = time.perf_counter(); import scipy.linalg.cython_blas; "
            "print(json.dumps({'t': time.perf_counter() - t}))")
    rs = [python_child(code) for _ in range(k)]
    out["    import scipy.linalg.cython_blas (done by Numba's first call)"] = summarize(
        [r["t"] for r in rs], note="fresh processes, numba already imported")
    # Numba's own floor: import numba and call a trivial cached njit function (warm cache), in a
    # fresh process that has not imported NumPy or hebbmem first.
    with open(os.path.join(ctx.workdir, "_trivial_njit.py"), "w") as f:
        f.write("import numba\n\n@numba.njit(cache=True)\ndef add_one(x):\n    return x + 1\n")
    code = ("import json, sys, time; sys.path.insert(0, {d!r}); t = time.perf_counter(); "
            "import _trivial_njit; _trivial_njit.add_one(1); "
            "print(json.dumps({{'t': time.perf_counter() - t}}))").format(d=ctx.workdir)
    python_child(code)  # fills the cache
    rs = [python_child(code) for _ in range(k)]
    out["Numba's floor: import numba + first call of a trivial cached njit function"] = summarize(
        [r["t"] for r in rs], note="fresh processes, warm cache; no hebbmem")
    # cold compile: an empty NUMBA_CACHE_DIR, every recall kind once; then the same again warm
    colds, warms = [], []
    for _ in range(1 if ctx.quick else 2):
        cache = tempfile.mkdtemp(prefix="numba_cache_", dir=ctx.workdir)
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        code = _FIRST_KERNEL_CALL.replace("KINDS", repr(_ALL_KINDS))
        colds.append(python_child(code, env=env))
        warms.append(python_child(code, env=env))
    total = lambda r: sum(v for n, v in r["firsts"].items() if "second" not in n)  # noqa: E731
    kinds = ", ".join(n for n, _ in _ALL_KINDS)
    out["cold compile, all kernels"] = summarize([total(r) for r in colds],
                                                 note=f"compiled='numba', first call of each of: {kinds}; empty NUMBA_CACHE_DIR")
    out["same, warm cache"] = summarize([total(r) for r in warms], note="same cache directory, second process")
    out["_cold_detail"] = colds
    ctx.target("import hebbmem (fresh process, median)", out["import hebbmem"]["median"], "<=", 0.3, "s")
    for name in ("sync", "async"):
        ctx.target(f"first recall in a fresh process, default path, {name} (median)",
                   out[f"first recall, {name} (default path)"]["median"], "<=", 0.5, "s")
        ctx.target(f"first recall in a fresh process on the kernels, warm cache, {name} (median)",
                   out[f"first recall, {name}, on the kernels (compiled='numba'), warm cache"]["median"],
                   "<=", 1.5, "s")
    ctx.target("cold compile of all kernels (empty cache, median)", out["cold compile, all kernels"]["median"],
               "<=", 6.0, "s")
    return {"startup": out}


# ============================================================ workload 6: thread hygiene


def threads(ctx):
    """One-probe async recall alone, against right after a 2-thread batched sync recall.

    The trap (PERFORMANCE_NOTES, trap 1): after a multi-threaded OpenBLAS call
    the idle BLAS threads spin on the cores for a while, and a Numba region
    that wants those cores waits. Three timings of the same one-probe async
    recall (N = 784, P = 10):

    * alone: back-to-back calls, nothing else running;
    * after a 1-thread sync batch: the same preceding work with BLAS pinned
      to one thread (the control: it evicts caches just the same);
    * after a 2-thread sync batch: 1,000 probes with the dense matrix, BLAS
      on 2 threads, then immediately the one-probe recall.
    """
    ctx.log("[threads] one-probe async recall after a 2-thread GEMM")
    rng = np.random.default_rng(6000)
    X = random_patterns(rng, 10, 784)
    probes, _ = corrupt(rng, X, 1000, 0.2)
    big = trained(X, asyn=False, storage="dense")  # a real 2-thread GEMM: 1000 × 784 × 784
    n = 15 if ctx.quick else 40
    out = {}
    for label, parallel in (("async, parallel=False (default)", False), ("async, parallel=True", True)):
        small = trained(X, asyn=True, seed=0, parallel=parallel)
        one = probes[0]
        alone, after1, after2, after_sleep = [], [], [], []
        with blas_threads(2):
            big.predict_batch(probes)
            small.predict(one)  # warm up
            for _ in range(n):
                for _ in range(3):
                    t = time.perf_counter()
                    small.predict(one)
                    alone.append(time.perf_counter() - t)
                with blas_threads(1):
                    big.predict_batch(probes)
                t = time.perf_counter()
                small.predict(one)
                after1.append(time.perf_counter() - t)
                big.predict_batch(probes)  # 2 BLAS threads, left spinning afterwards
                t = time.perf_counter()
                small.predict(one)
                after2.append(time.perf_counter() - t)
                time.sleep(0.005)  # second control: no batch at all, the CPU just idles 5 ms
                t = time.perf_counter()
                small.predict(one)
                after_sleep.append(time.perf_counter() - t)
        out[label] = {"alone": summarize(alone), "after 1-thread sync": summarize(after1),
                      "after 2-thread sync": summarize(after2),
                      "ratio": float(np.median(after2) / np.median(alone)),
                      "control ratio": float(np.median(after1) / np.median(alone)),
                      "after a 5 ms sleep": summarize(after_sleep),
                      "sleep ratio": float(np.median(after_sleep) / np.median(alone))}
        ctx.log(f"    {label}: alone {np.median(alone) * 1e6:.0f} µs, after 1-thread "
                f"{np.median(after1) * 1e6:.0f} µs, after 2-thread {np.median(after2) * 1e6:.0f} µs")
    r = out["async, parallel=False (default)"]
    ctx.target("thread hygiene: one-probe async after a 2-thread sync batch ÷ alone (medians)", r["ratio"],
               "<=", 2.0, "×", f"alone {r['alone']['median'] * 1e6:.0f} µs, after {r['after 2-thread sync']['median'] * 1e6:.0f} µs; "
               f"after a 1-thread sync batch (control) {r['control ratio']:.2f}×; "
               f"after a 5 ms sleep and no batch (control) {r['sleep ratio']:.2f}×")
    return {"threads": out}


WORKLOADS = {
    "seed001": seed001,
    "seed000": seed000,
    "async-scaling": async_scaling,
    "capacity": capacity,
    "million": million,
    "startup": startup,
    "threads": threads,
}
