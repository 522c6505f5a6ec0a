"""Parallel sweeps (issue 18): one process against 2 loky workers and a 2-worker Dask LocalCluster.

    python benchmarks/run.py --only parallel --no-canns

* **Speed-up.** ``capacity_curve(Hebbian(), 2000, 15 loads 0.02..0.3,
  trials=4000, asyn=True, seed=0)``: 214 networks (tasks) of very unequal
  cost (P = 40 to 600), at least 20 s in one process (issue 18's size; a
  target checks it: 2,500 probes took 15 s on a 2-core Xeon). Timed with
  ``n_jobs=1`` (this process; BLAS at its default thread count, and pinned
  to 1 thread as the workers run it), ``n_jobs=2`` (loky) and ``n_jobs=None``
  inside ``joblib.parallel_backend("dask")`` on a ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` on
  127.0.0.1 whose workers run without Dask's ``MALLOC_TRIM_THRESHOLD_=65536``
  (as docs/cluster.md recommends), and on a second one with Dask's default
  worker environment, interleaved round by round. Each layout runs alone:
  its workers (loky's, or a fresh cluster) are started for its turn, warmed
  up by one small sweep (Numba kernels loaded) and shut down after it, so no
  idle worker of another layout shares the cores. All results must
  be bit-identical. Speed-ups divide the faster single process by each layout.
  Target: >= 1.6x with 2 workers on 2 cores.
* **Overhead per task.** The same layouts on a sweep of tiny tasks
  (``bit_error_curve(Hebbian(), 16, [0.25], networks=2000)``, about 0.2 ms of
  work each): ``(k x wall_k - wall_1) / tasks`` is what each task costs the k
  workers beyond its own work (shipping, scheduling, collecting; joblib
  batches small tasks automatically). The big sweep's overhead is computed
  the same way.
* **Memory per worker at N = 10**5.** One capacity trial (P patterns, 100
  probes, sync, Hebbian) in a fresh process, as a worker runs it: its peak
  RSS (VmHWM) and NumPy's peak allocation (tracemalloc), per pattern bit.

Child mode (memory rows)::

    python benchmarks/_parallel.py --memory N P M
"""

import argparse
import contextlib
import json
import os
import time

HERE = os.path.dirname(os.path.abspath(__file__))

LOADS = (0.02, 0.3, 15)
N_SWEEP = 2000


def _memory_child(N, P, m):
    import tracemalloc

    import numpy as np
    from _harness import vmhwm_mib

    import hebbmem as hm
    from hebbmem.analysis._capacity import _network_trial

    _network_trial(hm.Hebbian(), 200, 0.0, False, 100, 5, 5, np.random.SeedSequence(1))  # kernels loaded
    before = vmhwm_mib()
    tracemalloc.start()
    t = time.perf_counter()
    _network_trial(hm.Hebbian(), N, 0.0, False, 100, P, m, np.random.SeedSequence(0))
    seconds = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    print(json.dumps({"N": N, "P": P, "m": m, "seconds": seconds, "tracemalloc_peak_mib": peak / 2 ** 20,
                      "vmhwm_before_mib": before, "vmhwm_mib": vmhwm_mib()}))


def _sweep(n_jobs=None, trials=4000):
    import numpy as np

    import hebbmem as hm
    from hebbmem.analysis import capacity_curve

    return capacity_curve(hm.Hebbian(), N_SWEEP, np.linspace(*LOADS), trials=trials, asyn=True, seed=0,
                          n_jobs=n_jobs)


def _tiny(n_jobs=None, networks=2000):
    import hebbmem as hm
    from hebbmem.analysis import bit_error_curve

    return bit_error_curve(hm.Hebbian(), 16, [0.25], networks=networks, seed=0, n_jobs=n_jobs)


def _cpu_seconds():
    """CPU seconds (user + system) used so far by this process and all its live descendants (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    me = os.getpid()
    parents = {}
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(pid)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / tick)
    total, todo = 0.0, [me]
    while todo:
        pid = todo.pop()
        total += parents.get(pid, (0, 0.0))[1]
        todo += [p for p, (ppid, _) in parents.items() if ppid == pid]
    return total


def _same(a, b):
    import numpy as np

    return all(np.array_equal(getattr(a, k), getattr(b, k), equal_nan=True)
               for k in ("fraction_exact", "mean_overlap", "bit_error", "bit_error_sem")
               if getattr(a, k) is not None)


def parallel(ctx):
    import dask
    import joblib
    from _harness import (
        blas_threads,
        current_blas_threads,
        fmt_ratio,
        fmt_time,
        python_child,
        summarize,
    )
    from distributed import Client, LocalCluster

    trials = 500 if ctx.quick else 4000
    rounds = 1 if ctx.quick else max(2, min(ctx.repeat, 3))
    ctx.log(f"[parallel] capacity sweep (N = {N_SWEEP:,}, 15 loads, {trials} probes each, async): n_jobs=1, loky 2, "
            f"Dask 2 workers; {rounds} interleaved rounds")
    # Dask's nanny starts its workers with MALLOC_TRIM_THRESHOLD_=65536, which makes glibc hand
    # freed memory back at once and fault it in again (a page fault per 4 KiB on the next array):
    # docs/cluster.md recommends dropping it. Both clusters are timed.
    # The key path drops that one variable and keeps Dask's other worker settings (one BLAS thread).
    # Setting the whole "pre-spawn-environ" dict instead merges into Dask's defaults and keeps
    # MALLOC_TRIM_THRESHOLD_: the run of 2026-12-05 23:22 did that, so its two clusters were the same.
    lean = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
    from joblib.externals.loky import get_reusable_executor

    cluster_start = []
    trim = {}

    @contextlib.contextmanager
    def dask_cluster(environ):
        # Each Dask layout gets its own cluster, started before its timed sweeps and closed after, so
        # that no idle worker, nanny or scheduler of another layout shares the 2 cores with the one
        # being timed (two idle LocalClusters measured 15 % off a loky sweep).
        # A LocalCluster's nannies run in this process and put their pre-spawn environment into its
        # os.environ before spawning (distributed 2026.8, Nanny: os.environ.update), where it stays:
        # every process started later (loky's workers, the next cluster's) would inherit Dask's
        # MALLOC_TRIM_THRESHOLD_. The run of 2026-12-05 23:22 had that leak: all parallel layouts
        # after the first default cluster were slower. So this process's environment is restored.
        saved_environ = dict(os.environ)
        t = time.perf_counter()
        settings = lean if environ == "lean" else {}
        with dask.config.set(settings):
            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                   dashboard_address=None, worker_dashboard_address=None)
        client = Client(cluster, set_as_default=False)
        cluster_start.append(time.perf_counter() - t)
        trim[environ] = client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_"))
        try:
            with joblib.parallel_backend("dask", client=client):
                yield
        finally:
            client.close()
            cluster.close()
            os.environ.clear()
            os.environ.update(saved_environ)

    @contextlib.contextmanager
    def loky_workers():
        try:
            yield
        finally:
            get_reusable_executor().shutdown(wait=True)  # no idle loky workers during the other layouts

    # The workers run BLAS on 1 thread each; the single process is timed both ways, because on a
    # busy 2-core machine a second BLAS thread can cost more than it gives. Each layout: its context
    # (workers started), a 100-probe warm-up sweep (workers' kernels loaded), then the timed sweeps.
    layouts = {"n_jobs=1 (this process)": (contextlib.nullcontext, 1),
               "n_jobs=1, BLAS 1 thread": (lambda: blas_threads(1), 1),
               "n_jobs=2 (loky)": (loky_workers, 2),
               "Dask LocalCluster, 2 workers": (lambda: dask_cluster("lean"), None),
               "Dask LocalCluster, 2 workers, Dask's default worker environment": (lambda: dask_cluster("default"), None)}
    single = ("n_jobs=1 (this process)", "n_jobs=1, BLAS 1 thread")
    first = {}
    samples = {name: [] for name in layouts}
    cpu = {name: [] for name in layouts}
    results = {}
    tiny = {name: [] for name in layouts}
    tiny_results = {}
    n_tiny = 500 if ctx.quick else 2000
    for r in range(rounds):
        order = list(layouts)[r % len(layouts):] + list(layouts)[:r % len(layouts)]
        for name in order:
            context, n_jobs = layouts[name]
            with context():
                t = time.perf_counter()
                _sweep(n_jobs, trials=100)
                first.setdefault(name, time.perf_counter() - t)
                t, c = time.perf_counter(), _cpu_seconds()
                results[name] = _sweep(n_jobs, trials=trials)
                samples[name].append(time.perf_counter() - t)
                cpu[name].append(_cpu_seconds() - c)
                ctx.log(f"    round {r + 1}: {name}: {samples[name][-1]:.1f} s (CPU of this process and its "
                        f"workers {cpu[name][-1]:.1f} s)")
                for _ in range(2):  # tiny tasks: the first call warms joblib's batching
                    t = time.perf_counter()
                    tiny_results[name] = _tiny(n_jobs, networks=n_tiny)
                    tiny[name].append(time.perf_counter() - t)
    tasks = int(results["n_jobs=1 (this process)"].n_networks.sum())
    base = "n_jobs=1 (this process)"
    identical = all(_same(results[base], results[n]) for n in layouts)
    identical = identical and all(_same(tiny_results[base], tiny_results[n]) for n in layouts)
    cluster_start = max(cluster_start)

    res = {name: summarize(s) for name, s in samples.items()}
    best = min(single, key=lambda n: res[n]["min"])  # the faster single process is the baseline
    t1, m1 = res[best]["min"], res[best]["median"]
    c1 = min(cpu["n_jobs=1, BLAS 1 thread"])  # CPU seconds of the sweep's work, on one thread
    body = []
    for name in layouts:
        tk = res[name]["min"]
        k = 1 if name in single else 2
        c = min(cpu[name])
        body.append([name, fmt_time(tk), fmt_time(res[name]["median"]), fmt_ratio(t1 / tk), fmt_ratio(m1 / res[name]["median"]),
                     fmt_time((k * tk - t1) / tasks) if k > 1 else "–", f"{c:.1f} s",
                     fmt_ratio(c1 / (c / k)) if k > 1 else "–", fmt_time(first[name])])
        if k > 1:
            ctx.target(f"capacity sweep ({tasks} networks, N = {N_SWEEP:,}, async): {name} ÷ the faster single "
                       f"process (minima)", t1 / tk, ">=", 1.6, "×",
                       detail="2 workers on 2 cores; machine load in the prose")
    tiny_res = {name: summarize(s[1::2]) for name, s in tiny.items()}
    tb = min(tiny_res[n]["min"] for n in single)
    tiny_body = [[name, fmt_time(tiny_res[name]["min"]), fmt_time(tiny_res[name]["min"] / n_tiny),
                  fmt_time((2 * tiny_res[name]["min"] - tb) / n_tiny) if name not in single else "–"]
                 for name in layouts]
    if not ctx.quick:
        ctx.target(f"capacity sweep ({tasks} networks, N = {N_SWEEP:,}, async): the faster single process takes "
                   f"at least 20 s (minimum)", t1, ">=", 20.0, "s")
    ctx.target("parallel sweeps: n_jobs=1, loky and Dask give bit-identical arrays", identical, "==", True)
    ctx.target("parallel sweeps: the lean Dask cluster's workers run without MALLOC_TRIM_THRESHOLD_",
               all(v is None for v in trim["lean"].values()), "==", True)
    load = os.getloadavg()

    mem_rows = []
    for P in ((100,) if ctx.quick else (100, 200, 400)):
        ctx.log(f"    memory: one capacity trial at N = 100,000, P = {P}, 100 probes (fresh process)")
        r = python_child(f"import sys; sys.path.insert(0, {HERE!r}); import _parallel; "
                         f"_parallel._memory_child(100000, {P}, 100)", timeout=3600)
        bits = P * 100000
        mem_rows.append([f"{P:,}", f"{r['vmhwm_mib']:,.0f} MiB", f"{r['vmhwm_before_mib']:,.0f} MiB",
                         f"{(r['vmhwm_mib'] - r['vmhwm_before_mib']) * 2 ** 20 / bits:.0f} B",
                         f"{r['tracemalloc_peak_mib']:,.0f} MiB", fmt_time(r["seconds"])])

    prose = (f"`capacity_curve(Hebbian(), {N_SWEEP}, np.linspace(0.02, 0.3, 15), trials={trials}, asyn=True, seed=0)`: "
             f"{tasks} networks (tasks); {rounds} interleaved rounds. In each round each layout runs alone: its workers "
             f"(loky's, or a fresh LocalCluster) are started for its turn, warmed up by a 100-probe sweep ('first "
             f"sweep' column: workers started, kernels loaded) and shut down after it, so no idle worker of another "
             f"layout shares the 2 cores. A LocalCluster (2 worker "
             f"processes, 1 thread each, 127.0.0.1) took up to {cluster_start:.1f} s to start, not counted; its workers "
             f"run without Dask's MALLOC_TRIM_THRESHOLD_ (docs/cluster.md), the second cluster with Dask's "
             f"defaults (MALLOC_TRIM_THRESHOLD_ in its workers: lean {sorted(set(trim['lean'].values()))}, "
             f"default {sorted(set(trim['default'].values()))}). "
             f"Speed-ups divide the faster single-process time ({best}) by each layout's. Overhead per task = "
             f"(2 × wall − that single-process wall) / tasks: worker time spent per task beyond its own work "
             f"(negative when the workers are faster per task than the single process). BLAS threads in this "
             f"process: {current_blas_threads()} (loky and Dask workers run 1 each). Results bit-identical across the layouts: {'yes' if identical else 'NO'}. "
             f"CPU columns: CPU seconds used by this process and all its workers during the sweep (from "
             f"/proc), whatever the load; 'CPU bound' = single-process CPU ÷ (CPU of the 2 workers ÷ 2), the "
             f"speed-up 2 workers would reach with a core each and perfect balance (an upper bound derived from "
             f"measured CPU times, not a wall-clock measurement). The single process with BLAS on 1 thread "
             f"used {c1:.1f} s of CPU: its wall time on an idle core. "
             f"Load average at the end: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} on 2 cores.")
    sections = [
        ("Parallel sweeps: one process, 2 loky workers, a 2-worker Dask LocalCluster (issue 18)",
         ["layout", "min", "median", "speed-up (minima)", "speed-up (medians)", "overhead per task",
          "CPU, all processes (min)", "CPU bound on the speed-up", "first sweep (warm-up)"], body, prose),
        ("Parallel sweeps: overhead per task on tiny tasks",
         ["layout", "wall (min)", "per task", "overhead per task"], tiny_body,
         f"`bit_error_curve(Hebbian(), 16, [0.25], networks={n_tiny}, seed=0)`: {n_tiny} tasks of about "
         f"{fmt_time(tb / n_tiny)} of work each; joblib batches them (batch_size='auto'). {rounds} timed rounds "
         f"after one warm-up."),
        ("Parallel sweeps: memory of one capacity trial at N = 100,000 (what a worker holds)",
         ["P", "peak RSS (VmHWM)", "before the trial", "peak growth per pattern bit", "NumPy peak (tracemalloc)",
          "time"], mem_rows,
         "One capacity trial in a fresh process, as a worker runs it: P random patterns (float64), a "
         "Hebbian network holding them as low-rank factors, one synchronous update from every pattern, "
         "100 probes recalled (in blocks of 2**24 probe bits). Never an N × N matrix (80 GB at N = 10**5)."),
    ]
    return {"sections": sections, "raw": {"samples": samples, "cpu": cpu, "tiny": tiny, "first": first,
                                          "cluster_start": cluster_start, "identical": identical}}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--memory", nargs=3, type=int, metavar=("N", "P", "M"))
    args = ap.parse_args()
    if args.memory:
        _memory_child(*args.memory)
