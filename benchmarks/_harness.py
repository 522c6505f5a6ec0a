"""Measurement tools for the benchmarks: interleaved timing, threads, subprocesses, machine info.

Nothing here knows about Hopfield networks. The rules it enforces:

* **Side by side.** Every variant of a row is timed in the same run,
  interleaved round by round (A B C, B C A, C A B, ...), so that a slow
  moment of the shared machine hits all of them alike. Rows report the
  minimum and the median over rounds; ratios use the minima (noise on a
  shared machine only ever adds time).
* **Warm.** Each variant runs once, untimed, before the first round: this
  compiles or loads the Numba kernels and touches the memory.
* **Short calls are repeated.** A call shorter than ``min_sample`` seconds is
  run several times back to back inside one sample, and the sample divided.
* **``time.perf_counter``** everywhere; the garbage collector is off inside
  a sample. Minor page faults per call are recorded too (``ru_minflt``): a
  large buffer that glibc hands out fresh from the kernel on every call
  costs a fault per 4 KiB page, which shows up as time.
"""

import gc
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time

import numpy as np
from threadpoolctl import ThreadpoolController, threadpool_info

_CONTROLLER = ThreadpoolController()


def blas_threads(n):
    """Context manager that limits BLAS (OpenBLAS) to ``n`` threads; ``None`` leaves it alone."""
    if n is None:
        import contextlib

        return contextlib.nullcontext()
    return _CONTROLLER.limit(limits=n, user_api="blas")


def current_blas_threads():
    info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return info[0]["num_threads"] if info else None


# --------------------------------------------------------------------------- variants


class Variant:
    """One thing to time: ``fn()`` does the whole workload once.

    Parameters
    ----------
    name : str
        Column label, e.g. ``"hebbmem compiled"``.
    fn : callable
        Runs the workload. If ``reports_time`` is true, ``fn()`` returns the
        seconds the whole workload would take (used by extrapolated variants,
        which time a subset of the probes and scale up).
    note : str
        Shown next to the result, e.g. "timed on 12 of 1,000 probes, scaled".
    max_rounds : int, optional
        Fewer rounds for slow variants (the naive loops).
    """

    def __init__(self, name, fn, *, note="", reports_time=False, max_rounds=None):
        self.name = name
        self.fn = fn
        self.note = note
        self.reports_time = reports_time
        self.max_rounds = max_rounds
        self.inner = 1
        self.samples = []
        self.faults = []  # minor page faults per call, per sample

    def sample(self):
        """Seconds per call, averaged over ``inner`` calls; also records page faults per call."""
        gc.collect()
        gc.disable()
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        try:
            if self.reports_time:
                return sum(self.fn() for _ in range(self.inner)) / self.inner
            t0 = time.perf_counter()
            for _ in range(self.inner):
                self.fn()
            return (time.perf_counter() - t0) / self.inner
        finally:
            self.faults.append((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / self.inner)
            gc.enable()


def run_interleaved(variants, rounds, min_sample=0.02):
    """Time every variant ``rounds`` times, interleaved; returns ``{name: result dict}``."""
    for v in variants:  # warm-up, and calibrate how many calls make one sample
        t = v.sample()
        v.inner = 1 if t >= min_sample else min(10_000, math.ceil(min_sample / max(t, 1e-7)))
    for r in range(rounds):
        k = r % len(variants)
        for v in variants[k:] + variants[:k]:  # rotate the order every round
            if v.max_rounds is None or len(v.samples) < v.max_rounds:
                v.samples.append(v.sample())
    return {v.name: summarize(v.samples, note=v.note, inner=v.inner,
                              faults_per_call=float(np.median(v.faults[1:] or v.faults)))
            for v in variants}


def summarize(samples, note="", **extra):
    samples = [float(s) for s in samples]
    return {"min": min(samples), "median": float(np.median(samples)), "n": len(samples),
            "samples": samples, "note": note, **extra}


def extrapolated(per_probe_fn, n_probes, budget, first_estimate):
    """Build a ``reports_time`` function that times a prefix of the probes and scales up.

    ``per_probe_fn(k)`` runs the workload on the first ``k`` probes. ``k`` is
    chosen so one sample takes about ``budget`` seconds, from the time
    ``first_estimate`` of one probe. Returns ``(fn, k)``.
    """
    k = int(max(1, min(n_probes, budget // max(first_estimate, 1e-9))))

    def fn():
        t0 = time.perf_counter()
        per_probe_fn(k)
        return (time.perf_counter() - t0) * n_probes / k

    return fn, k


# ------------------------------------------------------------------------ subprocesses


def run_child(cmd, *, env=None, cwd=None, timeout=None, stdout_path=None, stderr_path=None):
    """Run ``cmd`` in a fresh process; return wall time, exit status and that child's peak RSS.

    Peak RSS is the child's ``VmHWM`` (high-water mark of its own address
    space), polled from ``/proc/PID/status`` every 5 ms while it runs. Not
    ``ru_maxrss`` from ``wait4``: Linux carries the high-water mark of the
    address space a process had *before* ``exec`` into its ``ru_maxrss``, and
    Python starts children with ``vfork``, so ``ru_maxrss`` would include this
    (large) benchmark process. That value is kept as ``ru_maxrss_mib``, an
    upper bound. On ``timeout`` the child gets SIGKILL and the result says
    ``timed_out``.
    """
    out = open(stdout_path, "w") if stdout_path else subprocess.DEVNULL
    err = open(stderr_path, "w") if stderr_path else subprocess.DEVNULL
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=err)  # returns after exec
    timed_out = False
    deadline = None if timeout is None else t0 + timeout
    hwm_kib = 0
    while True:
        hwm_kib = max(hwm_kib, _vmhwm_kib(proc.pid))
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            timed_out = True
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.005)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    for f in (out, err):
        if f is not subprocess.DEVNULL:
            f.close()
    return {"wall": wall, "returncode": proc.returncode, "timed_out": timed_out,
            "peak_rss_mib": hwm_kib / 1024, "ru_maxrss_mib": usage.ru_maxrss / 1024, "cmd": cmd}


def _vmhwm_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def vmhwm_mib(pid="self"):
    """Peak resident memory (VmHWM) of a process in MiB, this one by default; None where /proc has none."""
    kib = _vmhwm_kib(pid)
    return kib / 1024 if kib else None


def python_child(code, *, python=sys.executable, env=None, timeout=600):
    """Run ``python -c code`` in a fresh process; the code prints one JSON line, returned parsed."""
    proc = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------ machine info


def machine_info():
    """Everything that decides the numbers: CPU, memory, versions, BLAS and thread settings."""
    import numba
    import numpy

    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        flags = []
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        ram = None
    try:
        import hebbmem

        hebbmem_version = hebbmem.__version__
    except Exception:  # noqa: BLE001
        hebbmem_version = None
    git = _git_state()
    blas = [{k: i.get(k) for k in ("internal_api", "version", "architecture", "num_threads",
                                    "threading_layer", "filepath")}
            for i in threadpool_info()]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "simd": [f for f in ("avx2", "fma", "avx512f") if f in flags],
        "ram_gib": None if ram is None else ram / 2**30,
        "os": platform.platform(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
        "hebbmem": hebbmem_version,
        "git": git,
        "threadpools": blas,
        "numba_threads": numba.get_num_threads(),
        "numba_threading_layer": numba.config.THREADING_LAYER,
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS",
                                                "OMP_NUM_THREADS", "NUMBA_NUM_THREADS",
                                                "NUMBA_CACHE_DIR", "MKL_NUM_THREADS")},
    }


def _git_state():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "hebbmem"], cwd=os.path.dirname(here),
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return {"head": head, "hebbmem_modified": bool(dirty)}
    except (OSError, subprocess.SubprocessError):
        return None


# ------------------------------------------------------------------------ formatting


def fmt_time(t):
    """Seconds as a short human string: 812 ns, 35.2 µs, 4.10 ms, 2.35 s."""
    if t is None or (isinstance(t, float) and math.isnan(t)):
        return "–"
    if t < 1e-6:
        return f"{t * 1e9:.0f} ns"
    if t < 1e-3:
        return f"{t * 1e6:.1f} µs"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def fmt_ratio(r):
    if r is None or (isinstance(r, float) and math.isnan(r)):
        return "–"
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    return f"{r:.2f}×"


def markdown_table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def text_table(header, rows):
    cols = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cols) for i in range(len(header))]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths)),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cols[1:]]
    return "\n".join(out)
