"""hebbmem benchmarks: speed and memory, measured side by side, with the targets checked.

Run from the repository root with the environment hebbmem is installed in::

    python benchmarks/run.py                 # everything, canns included (about 25 minutes)
    python benchmarks/run.py --quick --no-canns          # under two minutes
    python benchmarks/run.py --only seed000,threads      # some workloads
    python benchmarks/run.py --only memory --no-canns    # capacity_curve and modern recall
    python benchmarks/run.py --only storkey --no-canns   # Storkey low-rank vs dense (about 2 min)
    python benchmarks/run.py --only foldiak --no-canns   # Földiák's network vs a NumPy loop (about 2 min)
    python benchmarks/run.py --only competitive --no-canns   # SOM vs MiniSom, k-means (about 5 min)
    python benchmarks/run.py --only parallel --no-canns  # n_jobs=1 vs loky vs Dask (about 10 min idle)
    python benchmarks/run.py --repeat 9                  # more rounds per row

It prints a table per workload and a table of targets (PASS / MISS), and
writes them with the machine description to ``benchmarks/RESULTS.md`` (plus
the raw numbers to ``benchmarks/RESULTS.json``). Quick or partial runs write
``RESULTS-quick.md`` / ``RESULTS-partial.md`` instead, so they never
overwrite a full run; ``--out`` chooses the file.

This is not part of the test suite and asserts nothing about time. See
``benchmarks/README.md`` for what every variant and workload means.
"""

import argparse
import datetime
import json
import os
import shlex
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402

from _harness import fmt_ratio, fmt_time, machine_info, markdown_table, text_table  # noqa: E402
from _workloads import HEBBMEM, WORKLOADS, Context  # noqa: E402
from _fresh import fresh  # noqa: E402
from _memory import memory  # noqa: E402
from _plasticity import plasticity  # noqa: E402
from _references import warm_up_references  # noqa: E402
from _trust import storkey  # noqa: E402
from _foldiak import foldiak  # noqa: E402
from _competitive import competitive  # noqa: E402
from _parallel import parallel  # noqa: E402
from _generative import rbm  # noqa: E402

WORKLOADS = {**WORKLOADS, "plasticity": plasticity}  # issue 8: canns' Oja/Sanger/BCM/STDP examples
WORKLOADS["memory"] = memory  # issue 9: capacity_curve and modern Hopfield recall
WORKLOADS["fresh"] = fresh  # issue 10: whole fresh processes through the seed API, first call included
WORKLOADS["storkey"] = storkey  # issue 10: Storkey low-rank vs the dense Storkey of before
WORKLOADS["foldiak"] = foldiak  # issue 16: Földiák's sparse coding vs a plain NumPy loop
WORKLOADS["competitive"] = competitive  # issue 16: SOM vs MiniSom, competitive learning vs scikit-learn's KMeans
WORKLOADS["parallel"] = parallel  # issue 18: n_jobs=1 vs 2 loky workers vs a 2-worker Dask LocalCluster
WORKLOADS["rbm"] = rbm  # issue 15: the RBM against scikit-learn's BernoulliRBM

DEFAULT_CANNS_PYTHON = "/work/canns-venv/bin/python"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer rounds and smaller samples (< 2 min without canns)")
    ap.add_argument("--only", default=None,
                    help=f"comma-separated workloads to run, from: {', '.join(WORKLOADS)}")
    ap.add_argument("--no-canns", action="store_true", help="skip canns (it takes many minutes)")
    ap.add_argument("--repeat", type=int, default=None, help="timed rounds per row (default 5, quick 3)")
    ap.add_argument("--canns-python", default=os.environ.get("CANNS_PYTHON", DEFAULT_CANNS_PYTHON),
                    help="python of a virtualenv with canns 1.5.0 installed (or $CANNS_PYTHON)")
    ap.add_argument("--canns-max-seconds", type=float, default=900.0, help="time limit per canns process")
    ap.add_argument("--canns-max-memory-gb", type=float, default=20.0, help="address-space limit per canns process")
    ap.add_argument("--out", default=None, help="Markdown report to write (default: see above)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory (inputs, canns logs)")
    args = ap.parse_args(argv)

    only = list(WORKLOADS) if args.only is None else [w.strip() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in only if w not in WORKLOADS]
    if unknown:
        ap.error(f"unknown workload(s) {unknown}; choose from {', '.join(WORKLOADS)}")
    canns = not args.no_canns
    if canns and not os.path.exists(args.canns_python):
        print(f"note: {args.canns_python} not found; running without canns (use --canns-python)")
        canns = False
    repeat = args.repeat or (3 if args.quick else 5)
    if args.out:
        out_md = args.out
    elif args.quick:
        out_md = os.path.join(HERE, "RESULTS-quick.md")
    elif args.only is not None:
        out_md = os.path.join(HERE, "RESULTS-partial.md")
    else:
        out_md = os.path.join(HERE, "RESULTS.md")

    workdir = tempfile.mkdtemp(prefix="hebbmem_bench_")
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv] if a)
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    info = machine_info()
    print(_machine_text(info, command))
    ctx = Context(quick=args.quick, repeat=repeat, canns=canns, canns_python=args.canns_python,
                  workdir=workdir, canns_max_seconds=args.canns_max_seconds,
                  canns_max_memory_gb=args.canns_max_memory_gb,
                  log=lambda msg: print(msg, flush=True))
    if canns:
        info["canns_python"] = args.canns_python
    warm_up_references()
    # In-process rows time a warm process: load hebbmem's kernels up front, so that the default
    # path (compiled_prediction=True, which runs small jobs on NumPy until the kernels pay off)
    # is the kernels here. Fresh-process rows (startup, fresh) run their own child processes.
    from hebbmem.hopfield import dynamics
    dynamics._kernels()
    results = {}
    try:
        for name in only:
            t = time.perf_counter()
            results[name] = WORKLOADS[name](ctx)
            results[name]["seconds"] = time.perf_counter() - t
            print(f"  ({name}: {results[name]['seconds']:.0f} s)\n", flush=True)
    finally:
        elapsed = time.perf_counter() - t0
        report = render(info, command, started, elapsed, results, ctx, repeat, args.quick, canns)
        print(report["text"])
        with open(out_md, "w") as f:
            f.write(report["markdown"])
        with open(os.path.splitext(out_md)[0] + ".json", "w") as f:
            json.dump({"machine": info, "command": command, "started": started.isoformat(),
                       "elapsed_s": elapsed, "results": results, "targets": ctx.targets,
                       "canns_runs": ctx.canns_runs}, f, indent=1, default=_jsonable)
        print(f"wrote {out_md} ({elapsed:.0f} s in all)")
        if args.keep:
            print(f"scratch files kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _jsonable(x):
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


# ------------------------------------------------------------------------------ report


def _machine_lines(info, command):
    blas = "; ".join(f"{b['internal_api']} {b['version']} (core type {b['architecture']}, "
                     f"{b['num_threads']} threads, {b['threading_layer']})" for b in info["threadpools"])
    env = ", ".join(f"{k}={v}" for k, v in info["env"].items() if v is not None) or "none set"
    git = info.get("git") or {}
    return [
        ("machine", f"{info['cpu']}, {info['cores']} cores ({info['affinity']} usable), "
                    f"{info['ram_gib']:.1f} GiB RAM, SIMD: {', '.join(info['simd'])}"),
        ("OS", info["os"]),
        ("Python / NumPy / Numba", f"{info['python']} / {info['numpy']} / {info['numba']}"),
        ("BLAS (threadpoolctl)", blas),
        ("Numba threads", f"{info['numba_threads']} (threading layer {info['numba_threading_layer']}); "
                          "hebbmem runs with parallel=False unless a row says otherwise"),
        ("thread environment variables", env),
        ("hebbmem", f"{info['hebbmem']} at git {git.get('head')}"
                    + (" with uncommitted changes in hebbmem/" if git.get("hebbmem_modified") else "")),
        ("canns", info.get("canns_versions", "not run")),
        ("command", f"`{command}`"),
    ]


def _machine_text(info, command):
    return "\n".join(f"{k:>30}: {v}" for k, v in _machine_lines(info, command)) + "\n"


def _row_table(rows):
    """One line per (row, variant): min, median, ratio to hebbmem, note."""
    header = ["row", "threads", "variant", "min", "median", "÷ hebbmem", "faults/call", "note"]
    body = []
    for row in rows:
        base = row["results"][row["baseline"]]["min"]
        first = True
        for name, r in row["results"].items():
            ratio = None if r["min"] is None else r["min"] / base
            body.append([row["label"] if first else "", row["threads"] if first else "", name,
                         fmt_time(r["min"]), fmt_time(r["median"]),
                         "1" if name == row["baseline"] else fmt_ratio(ratio),
                         "" if r.get("faults_per_call") is None else f"{r['faults_per_call']:,.0f}",
                         r.get("note", "")])
            first = False
        if "exact" in row:
            body.append(["", "", "(hebbmem exact recalls)", f"{100 * row['exact']:.0f} %", "", "", "", ""])
    return header, body


def render(info, command, started, elapsed, results, ctx, repeat, quick, canns):
    if ctx.canns_runs:
        versions = next((r["report"]["versions"] for r in ctx.canns_runs if r.get("report")), None)
        if versions:
            info["canns_versions"] = ", ".join(f"{k} {v}" for k, v in versions.items() if v)
    md, txt = [], []

    def section(title, header=None, body=None, prose=None):
        md.append(f"\n## {title}\n")
        txt.append(f"\n== {title} ==")
        if prose:
            md.append(prose + "\n")
            txt.append(prose)
        if header:
            md.append(markdown_table(header, body))
            txt.append(text_table(header, body))

    md.append("# hebbmem benchmark results\n")
    md.append(f"Run on {started:%Y-%m-%d %H:%M} UTC, {elapsed / 60:.1f} min in all"
              f"{' (--quick)' if quick else ''}; {repeat} interleaved rounds per row"
              f"{'' if canns else '; canns not run'}.\n")
    md.append(markdown_table(["", ""], _machine_lines(info, command)))
    md.append("\n" + _METHOD)

    if ctx.targets:
        header = ["target", "measured", "limit", "status", "detail"]
        body = [[t["name"], _fmt_measured(t), f"{t['op']} {t['limit']} {t['unit']}".strip()
                 if not isinstance(t["measured"], bool) else "yes", t["status"], t["detail"]]
                for t in ctx.targets]
        n_pass = sum(t["status"] == "PASS" for t in ctx.targets)
        section("Targets", header, body, f"{n_pass} of {len(ctx.targets)} targets met.")

    titles = {"seed001": "Workload 1: seed 001, four pictures (N = 16,384, P = 4, 30 % noise)",
              "seed000": "Workload 2: seed 000 style (N = 784, random patterns, 20 % noise)",
              "async-scaling": "Async recall from N = 256 to 2,048 (P = N/10, 100 probes, 20 % noise, 1 thread)",
              "capacity": "Workload 3: capacity sweep (N = 1,000, ten P from 10 to 200, 1,000 probes each, 10 % noise)",
              "million": "Workload 4: one million neurons (P = 10, 10 probes, 20 % noise, seed API)",
              "startup": "Workload 5: start-up",
              "threads": "Workload 6: thread hygiene",
              "memory": "Memory science: capacity_curve and modern Hopfield recall",
              "plasticity": "Plasticity: canns 1.5.0's Oja, Sanger, BCM and STDP example loops (whole training loop)",
              "foldiak": "Földiák's sparse coding on the bars problem (training, 1 epoch)",
              "competitive": "Competitive: self-organising maps against MiniSom, competitive learning against KMeans",
              "rbm": "RBM: hebbmem against scikit-learn's BernoulliRBM (same digits and settings)"}
    for name, res in results.items():
        if "rows" in res:
            section(titles[name], *_row_table(res["rows"]))
        for title, header, body, prose in res.get("sections", []):
            section(title, header, body, prose)
        if name == "seed001":
            m = res["memory"]
            rss = m.get("rss_hwm_growth_mib")
            section("Seed 001: memory of train + recall (in process, warm)", prose=(
                f"NumPy allocations (tracemalloc peak): {m['tracemalloc_peak_mib']:.2f} MiB; growth of the "
                f"process RSS high-water mark: {'n/a' if rss is None else f'{rss:.2f} MiB'}."))
            header = ["program", "ok", "wall (min / median)", "peak RSS", "bits right per picture", "note"]
            body = []
            for prog, p in res["programs"].items():
                note = p["error"] or ""
                if p["replacements"]:
                    note = (note + " " if note else "") + "changed: " + "; ".join(
                        f"`{a}` → `{b}`" for a, b in p["replacements"])
                body.append([prog, "yes" if p["ok"] else "NO", f"{p['wall_min']:.2f} s / {p['wall_median']:.2f} s "
                             f"({p['runs']} run{'s' if p['runs'] > 1 else ''})", f"{p['peak_rss_mib']:,.0f} MiB",
                             ", ".join(f"{b:.4f}" for b in p["bits_right"]) if p["bits_right"] else "–", note])
            section("Seed 001: the whole program in a fresh process", header, body,
                    "The seed's \"Complete Runnable Code\" as written (hebbmem: the two import lines "
                    "changed), run with `MPLBACKEND=Agg`; wall time from process start to exit; peak RSS is "
                    "the process's own VmHWM. Its probes come from the program's own `np.random.seed(42)`.")
        if name == "seed000" and res.get("allocator"):
            header = ["setting", "min", "median", "faults/call"]
            body = [[k, fmt_time(v["min"]), fmt_time(v["median"]), f"{v['faults_per_call']:,.0f}"]
                    for k, v in res["allocator"].items()]
            section("Sync recall and page faults (P = 10, 1,000 probes, 1 BLAS thread, fresh processes)",
                    header, body,
                    "hebbmem allocates its (probes × N) work buffers afresh on every call (here 3 MiB each). "
                    "Whether glibc recycles them from its heap or maps them fresh from the kernel (a page "
                    "fault per 4 KiB, on every call) depends on what the process allocated before; the "
                    "rows above were measured in whatever state the benchmark process was in (see their "
                    "faults/call column).")
        if name == "capacity":
            header = ["P", "sync exact", "async exact", "sync iterations (mean)", "async sweeps (mean)",
                      "sync path", "async path"]
            body = [[q["P"], f"{100 * q['sync_exact']:.1f} %", f"{100 * q['async_exact']:.1f} %",
                     f"{q['sync_iter_mean']:.2f}", f"{q['async_sweeps_mean']:.2f}", q["sync_path"],
                     q["async_path"]] for q in res["quality"]]
            section("Capacity sweep: what was recalled", header, body)
        if name == "million":
            header = ["mode", "train", "recall", "train + recall", "whole process", "peak RSS", "exact", "path",
                      "iterations"]
            body = []
            for mode, reps in res["runs"].items():
                for r in reps:
                    body.append([mode, fmt_time(r.get("t_train")), fmt_time(r.get("t_recall")),
                                 fmt_time(r.get("t_train_recall")), fmt_time(r["wall"]),
                                 f"{r['peak_rss_mib']:,.0f} MiB", f"{r.get('exact')} / 10", r.get("path"),
                                 str(r.get("n_iter"))])
            section(titles[name], header, body, "canns: " + res["canns"] + ".")
        if name == "startup":
            header = ["what", "min", "median", "runs", "note"]
            body = [[k, fmt_time(v["min"]), fmt_time(v["median"]), v["n"], v["note"]]
                    for k, v in res["startup"].items() if not k.startswith("_")]
            section(titles[name], header, body, "Each number is measured inside a fresh Python process "
                    "(`time.perf_counter` around the call); 'warm cache' means hebbmem's Numba cache was "
                    "populated by an earlier process.")
        if name == "threads":
            header = ["model", "alone", "after a 1-thread sync batch (control)", "after a 2-thread sync batch",
                      "2-thread ÷ alone", "1-thread ÷ alone"]
            body = [[k, fmt_time(v["alone"]["median"]), fmt_time(v["after 1-thread sync"]["median"]),
                     fmt_time(v["after 2-thread sync"]["median"]), fmt_ratio(v["ratio"]),
                     fmt_ratio(v["control ratio"])] for k, v in res["threads"].items()]
            section(titles[name], header, body,
                    "One-probe async recall (N = 784, P = 10), medians: alone (back-to-back calls), and right "
                    "after a batched sync recall of 1,000 probes with the dense matrix, BLAS pinned to 1 thread "
                    "(control: same work, no spare BLAS thread) or on 2 threads. If the 2-thread time is close "
                    "to the 1-thread control, the slowdown is not a thread problem but the cost of running "
                    "right after a large batch (caches and TLB refilled).")

    if ctx.canns_runs:
        header = ["run", "N", "P", "B", "mode", "status", "train", "recall", "per probe", "exact",
                  "bits right", "states = 0", "peak RSS", "wall"]
        body = []
        for r in ctx.canns_runs:
            rep = r.get("report") or {}
            body.append([r["tag"], f"{r['N']:,}", r["P"], f"{r['B']:,}", "async" if r["asyn"] else "sync",
                         "ok" if r["ok"] else "FAILED: " + r["error"],
                         fmt_time(rep.get("t_train")), fmt_time(r.get("t_recall")),
                         fmt_time(r["t_recall"] / r["B"]) if r["ok"] else "–",
                         f"{100 * rep['exact_fraction']:.0f} %" if rep.get("exact_fraction") is not None else "–",
                         f"{rep['accuracy_mean']:.4f}" if rep.get("accuracy_mean") is not None else "–",
                         f"{rep['frac_zero_states']:.4f}" if rep.get("frac_zero_states") is not None else "–",
                         f"{r['peak_rss_mib']:,.0f} MiB", f"{r['child']['wall']:.0f} s"])
        section("canns 1.5.0 runs (every attempt, as measured)", header, body, _CANNS_NOTE)
    return {"markdown": "\n".join(md) + "\n", "text": "\n".join(txt) + "\n"}


def _fmt_measured(t):
    m = t["measured"]
    if m is None:
        return "–"
    if isinstance(m, bool):
        return "yes" if m else "no"
    if t["unit"] == "×":
        return fmt_ratio(m)
    return f"{m:,.3g} {t['unit']}".strip()


_METHOD = """\
**How to read this.** Every row times its variants in the same run, interleaved round by round;
"min" and "median" are over those rounds, and "÷ hebbmem" is the variant's minimum divided by
hebbmem's minimum (above 1: hebbmem is faster; below 1: the variant is faster, as a BLAS ceiling
should be). Targets on ratios use minima; targets on absolute times use medians. Variants:
`hebbmem` is the default path through the seed API (`predict` for one probe, `predict_batch`
otherwise); `hebbmem dense` forces `storage='dense'`; `hebbmem NumPy` is `compiled=False`;
`naive loop` is one NumPy dot per neuron in Python; `Numba dot` is a straightforward Numba kernel
with one dot per neuron visit; `BLAS ceiling` replays only the matrix products of hebbmem's own
schedule (active probes per iteration taken from `return_info`). Slow variants are timed on a
prefix of the probes and scaled per probe; their note says so. "faults/call" counts minor page
faults per call (`ru_minflt`): a large buffer that glibc maps fresh from the kernel on every call
costs one fault per 4 KiB page (about 2 µs each on this VM), and that is part of the time. canns runs once per row in its
own virtualenv, after the hebbmem rounds (it takes minutes), and is not interleaved.
"""

_CANNS_NOTE = """\
canns is driven through the seed API exactly as the tutorials write it
(`AmariHopfieldNetwork(num_neurons=N, asyn=..., activation="sign")`, `HebbianTrainer(model)` with
its defaults, `train(list)`, `predict_batch(list)` with its default `num_iter=20`), on the same
input arrays as hebbmem, by `benchmarks/_canns_worker.py` in a separate process capped at
--canns-max-seconds and --canns-max-memory-gb. canns 1.5.0 has no early stopping (always 20
iterations), re-traces its JAX loop on every `predict` call and loops over the probes in Python,
so its per-probe time does not depend on the batch size. "recall" is the second (warm)
`predict_batch` call when the first took under 120 s, otherwise the first; "states = 0" counts
neurons left at 0 by `sign(0)`. Differences from hebbmem's defaults: canns' `HebbianTrainer`
subtracts the mean activity (`subtract_mean=True`), and its `AmariHopfieldNetwork` has no
`init_state()`.
"""


if __name__ == "__main__":
    main()
