"""Competitor worker: measure canns (1.5.0) Hopfield recall through the seed API.

Run ONLY with the separate canns virtualenv, never with hebbmem's environment::

    /work/canns-venv/bin/python benchmarks/_canns_worker.py \
        --input INPUT.npz --output OUT.json [--max-seconds S] [--max-memory-gb G] \
        [--also-no-subtract-mean] [--no-warm]

This script does not import hebbmem, and hebbmem never depends on canns.

Input npz (written by the caller, so every library sees the same inputs):
    patterns   (P, N) float32, entries +-1      stored patterns
    probes     (B, N) float32, entries +-1      corrupted probes
    targets    (B,)   int                       index of the stored pattern per probe
    asyn       bool scalar                      AmariHopfieldNetwork(asyn=...)
    num_iter   int scalar, default 20           canns' default num_iter
    mode       str scalar, "batch" | "single"   one predict_batch(list) call, or
                                                one trainer.predict(probe) per probe
  optional:
    threshold  float scalar, default 0.0        canns' firing threshold (theta), not
                                                max-iterations as the tutorial table says
    show_sample_progress  bool, default True    what predict_batch does when the seeds call
                                                it (tqdm bar on stderr)

The model is used exactly as the seeds do: AmariHopfieldNetwork(num_neurons=N,
asyn=..., activation="sign"), model.init_state() if it exists, HebbianTrainer(model)
with canns' defaults (subtract_mean=True), trainer.train(list(patterns)), then recall.

Output: one JSON object (see REPORT_KEYS below); on any exception, time-out or
SIGTERM the JSON still gets written with "ok": false and "error" set.
Exit codes: 0 ok, 1 error recorded, 124 timed out (--max-seconds), 143 SIGTERM.
A kernel OOM kill (SIGKILL) cannot be caught: then no JSON is written and the
caller must record it from the return code (-9 / 137). Use --max-memory-gb to
turn an OOM into a catchable allocation error instead.
"""

from __future__ import annotations

import time

_T_SCRIPT_START = time.perf_counter()
_WALL_SCRIPT_START = time.time()

import argparse  # noqa: E402
import faulthandler  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import traceback  # noqa: E402

SCHEMA = "canns_worker/1"
WARM_CUTOFF_S = 120.0  # a second (warm) recall call only if the first took less

_lock = threading.Lock()
_written = False
_report: dict = {}
_output_path: str | None = None


def _maxrss_mib(who=resource.RUSAGE_SELF) -> float:
    """Peak resident memory in MiB.

    For this process: VmHWM, the high-water mark of its own address space. Not
    ``ru_maxrss``: Linux carries the high-water mark of the address space the
    process had *before* ``exec`` into ``ru_maxrss``, and Python's subprocess starts
    children with vfork, so ``ru_maxrss`` would report the caller's memory when the
    caller is the bigger process. ``ru_maxrss`` (KiB on Linux) is the fallback.
    """
    if who == resource.RUSAGE_SELF:
        try:
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return round(int(line.split()[1]) / 1024.0, 1)
        except OSError:
            pass
    return round(resource.getrusage(who).ru_maxrss / 1024.0, 1)


def _process_age_at_script_start() -> float | None:
    """Seconds between process creation and the first line of this script.

    Uses /proc (uptime minus the process start time, both 10 ms resolution); psutil's
    create_time() is only used as a fallback because it is anchored on the integer
    boot time and can be off by up to 1 s.
    """
    try:
        with open("/proc/self/stat") as f:
            start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime") as f:
            uptime = float(f.read().split()[0])
        age_now = uptime - start_ticks / os.sysconf("SC_CLK_TCK")
        return round(max(0.0, age_now - (time.perf_counter() - _T_SCRIPT_START)), 4)
    except Exception:
        try:
            import psutil

            return round(_WALL_SCRIPT_START - psutil.Process().create_time(), 4)
        except Exception:
            return None


def _finish(exit_code: int) -> None:
    """Fill the run-wide fields and write the JSON exactly once."""
    global _written
    with _lock:
        if _written:
            return
        _written = True
        r = _report
        age = r.get("t_interpreter_start")
        t_script = time.perf_counter() - _T_SCRIPT_START
        r["t_script"] = round(t_script, 4)
        r["t_total"] = round(t_script + (age or 0.0), 4)
        r["peak_rss_mib"] = _maxrss_mib(resource.RUSAGE_SELF)
        r["peak_rss_children_mib"] = _maxrss_mib(resource.RUSAGE_CHILDREN)
        r["exit_code"] = exit_code
        text = json.dumps(r, indent=2, sort_keys=False, default=str)
        if _output_path:
            tmp = _output_path + ".tmp"
            with open(tmp, "w") as f:
                f.write(text + "\n")
            os.replace(tmp, _output_path)
        else:
            print(text)


def _checkpoint(phase: str) -> None:
    """Enter a phase and write a provisional JSON, so a process that dies without a
    clean exit (SIGKILL from the OOM killer, SIGSEGV inside XLA) still leaves the last
    phase reached and the timings measured so far. The final write replaces it."""
    _report["phase"] = phase
    if not _output_path:
        return
    with _lock:
        if _written:
            return
        snap = dict(_report)
        snap["ok"] = False
        snap["error"] = (f"incomplete: process died in phase {phase!r} without a clean "
                         "exit (SIGKILL/OOM killer or SIGSEGV?); see the caller's return code")
        snap["error_kind"] = "died"
        snap["t_script"] = round(time.perf_counter() - _T_SCRIPT_START, 4)
        snap["peak_rss_mib"] = _maxrss_mib(resource.RUSAGE_SELF)
        tmp = _output_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(json.dumps(snap, indent=2, default=str) + "\n")
        os.replace(tmp, _output_path)


def _record_error(kind: str, exc: BaseException | None = None, msg: str | None = None) -> None:
    _report["ok"] = False
    if exc is not None:
        _report["error"] = f"{type(exc).__name__}: {exc}"[:4000]
        tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
        _report["traceback_tail"] = "".join(tb)[-4000:]
    else:
        _report["error"] = msg
        _report["traceback_tail"] = None
    _report["error_kind"] = kind


def _on_timeout(limit: float) -> None:
    _record_error(
        "timeout",
        msg=f"timeout: exceeded --max-seconds={limit} in phase {_report.get('phase')!r} "
        f"after {time.perf_counter() - _T_SCRIPT_START:.1f} s of script time",
    )
    _report["timed_out"] = True
    _finish(124)
    os._exit(124)


def _on_sigterm(signum, frame) -> None:  # noqa: ARG001
    _record_error("sigterm", msg=f"terminated by signal {signum} in phase {_report.get('phase')!r}")
    _finish(143)
    os._exit(143)


def _scalar(npz, key, default, cast):
    if key not in npz.files:
        return default
    v = npz[key]
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, bytes):
        v = v.decode()
    return cast(v)


def _to_bool(v) -> bool:
    if isinstance(v, str):
        return v.strip().lower() in ("1", "true", "yes", "y")
    return bool(v)


def _accuracy(np, rec, patterns, targets, probes) -> dict:
    """Bitwise recall accuracy of rec (B, N) against patterns[targets]."""
    tgt = patterns[targets]
    eq = rec == tgt
    per_probe = eq.mean(axis=1)
    return {
        "accuracy_mean": float(per_probe.mean()),
        "accuracy_min": float(per_probe.min()),
        "exact_fraction": float(eq.all(axis=1).mean()),
        # canns uses sign(): a field of exactly 0 gives a state of 0, which is neither +-1
        "frac_zero_states": float((rec == 0).mean()),
        # spin-flip attractor: converged exactly to -pattern
        "inverted_exact_fraction": float((rec == -tgt).all(axis=1).mean()),
        "input_accuracy_mean": float((probes == tgt).mean()),
    }


def _recall(trainer, probes_list, mode: str, num_iter: int, show_progress: bool, np):
    """One full recall pass; returns (results array (B, N), seconds, per-probe stats)."""
    extra = {}
    t0 = time.perf_counter()
    if mode == "batch":
        out = trainer.predict_batch(
            probes_list, num_iter=num_iter, show_sample_progress=show_progress
        )
        rec = np.asarray([np.asarray(o) for o in out], dtype=np.float32)  # syncs JAX
    elif mode == "single":
        outs = []
        per = []
        for p in probes_list:
            t1 = time.perf_counter()
            o = np.asarray(trainer.predict(p, num_iter=num_iter), dtype=np.float32)
            per.append(time.perf_counter() - t1)
            outs.append(o)
            if len(outs) % 100 == 0:  # progress survives a crash (see _checkpoint)
                _report["single_probes_done"] = len(outs)
                _checkpoint(_report["phase"])
        rec = np.stack(outs)
        extra = {
            "first_probe_s": round(per[0], 6),
            "median_probe_s": round(float(np.median(per)), 6),
            "max_probe_s": round(float(np.max(per)), 6),
        }
    else:
        raise ValueError(f"unknown mode {mode!r} (expected 'batch' or 'single')")
    return rec, time.perf_counter() - t0, extra


def main(argv=None) -> int:
    global _output_path
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--input", required=True, help="input .npz (see module docstring)")
    ap.add_argument("--output", required=True, help="output .json")
    ap.add_argument("--max-seconds", type=float, default=None,
                    help="watchdog: write a timeout JSON and exit 124 after this many "
                         "seconds of script time")
    ap.add_argument("--max-memory-gb", type=float, default=None,
                    help="RLIMIT_AS (virtual memory) cap, so that an over-large allocation "
                         "fails with a catchable error instead of the OOM killer")
    ap.add_argument("--also-no-subtract-mean", action="store_true",
                    help="also train a second model with HebbianTrainer(subtract_mean=False) "
                         "and record its recall accuracy/time under 'no_subtract_mean'")
    ap.add_argument("--no-warm", action="store_true", help="skip the second (warm) recall call")
    args = ap.parse_args(argv)
    _output_path = args.output

    r = _report
    r.update({
        "schema": SCHEMA,
        "ok": False,
        "error": None,
        "error_kind": None,
        "traceback_tail": None,
        "timed_out": False,
        "phase": "start",
        "input": {"path": os.path.abspath(args.input)},
        "worker": {
            "max_seconds": args.max_seconds,
            "max_memory_gb": args.max_memory_gb,
            "also_no_subtract_mean": args.also_no_subtract_mean,
            "no_warm": args.no_warm,
            "warm_cutoff_s": WARM_CUTOFF_S,
        },
        "versions": {},
        "env": {
            "python": platform.python_version(),
            "executable": sys.executable,
            "cpu_count": os.cpu_count(),
            "affinity_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            **{k: os.environ.get(k) for k in (
                "XLA_FLAGS", "JAX_PLATFORMS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "OPENBLAS_CORETYPE", "JAX_ENABLE_X64")},
        },
        "init_state_missing": None,
        "init_state_error": None,
        "t_interpreter_start": _process_age_at_script_start(),
        "t_import": None,
        "t_build": None,
        "t_train": None,
        "t_recall_first": None,
        "t_recall": None,
        "t_recall_per_probe": None,
        "t_recall_first_per_probe": None,
        "recall_first_detail": None,
        "recall_detail": None,
        "t_script": None,
        "t_total": None,
        "peak_rss_mib": None,
        "peak_rss_children_mib": None,
        "rss_mib_after": {},
        "accuracy_mean": None,
        "accuracy_min": None,
        "exact_fraction": None,
        "frac_zero_states": None,
        "inverted_exact_fraction": None,
        "input_accuracy_mean": None,
        "warm_equals_first": None,
        "no_subtract_mean": None,
        "exit_code": None,
    })

    faulthandler.enable()  # a SIGSEGV in XLA at least leaves a Python stack on stderr
    signal.signal(signal.SIGTERM, _on_sigterm)
    if args.max_seconds:
        wd = threading.Timer(args.max_seconds, _on_timeout, args=(args.max_seconds,))
        wd.daemon = True
        wd.start()

    try:
        if args.max_memory_gb:
            lim = int(args.max_memory_gb * (1 << 30))
            resource.setrlimit(resource.RLIMIT_AS, (lim, lim))

        import numpy as np

        _checkpoint("load_input")
        with np.load(args.input, allow_pickle=False) as npz:
            patterns = np.ascontiguousarray(npz["patterns"], dtype=np.float32)
            probes = np.ascontiguousarray(npz["probes"], dtype=np.float32)
            if "targets" in npz.files:
                targets = np.asarray(npz["targets"], dtype=np.int64)
            else:
                targets = np.arange(probes.shape[0]) % patterns.shape[0]
            asyn = _scalar(npz, "asyn", False, _to_bool)
            num_iter = _scalar(npz, "num_iter", 20, int)
            mode = _scalar(npz, "mode", "batch", str)
            threshold = _scalar(npz, "threshold", None, float)
            show_progress = _scalar(npz, "show_sample_progress", True, _to_bool)
        P, N = patterns.shape
        B = probes.shape[0]
        r["input"].update({
            "N": N, "P": P, "B": B, "asyn": asyn, "num_iter": num_iter, "mode": mode,
            "threshold": threshold, "show_sample_progress": show_progress,
            "targets_given": True,
        })
        if probes.shape[1] != N or targets.shape != (B,):
            raise ValueError(f"shape mismatch: patterns {patterns.shape}, probes "
                             f"{probes.shape}, targets {targets.shape}")

        # ---- import canns (the seeds' two imports) ---------------------------------
        _checkpoint("import")
        t0 = time.perf_counter()
        from canns.models.brain_inspired import AmariHopfieldNetwork
        from canns.trainer import HebbianTrainer
        r["t_import"] = round(time.perf_counter() - t0, 4)
        r["rss_mib_after"]["import"] = _maxrss_mib()

        import importlib.metadata as md
        import inspect

        import jax

        for pkg in ("canns", "canns-lib", "jax", "jaxlib", "brainpy", "brainstate",
                    "numpy", "psutil"):
            try:
                r["versions"][pkg] = md.version(pkg)
            except Exception:
                r["versions"][pkg] = None
        r["env"]["jax_devices"] = [str(d) for d in jax.devices()]
        r["env"]["jax_enable_x64"] = bool(jax.config.jax_enable_x64)
        r["api"] = {
            "predict_signature": str(inspect.signature(HebbianTrainer.predict)),
            "predict_batch_signature": str(inspect.signature(HebbianTrainer.predict_batch)),
            "HebbianTrainer_init_signature": str(inspect.signature(HebbianTrainer.__init__)),
            "AmariHopfieldNetwork_init_signature": str(
                inspect.signature(AmariHopfieldNetwork.__init__)),
        }

        # ---- build (exactly as the seeds) ----------------------------------------------
        _checkpoint("build")
        t0 = time.perf_counter()
        kw = {} if threshold is None else {"threshold": threshold}
        model = AmariHopfieldNetwork(num_neurons=N, asyn=asyn, activation="sign", **kw)
        try:
            model.init_state()
            r["init_state_missing"] = False
        except AttributeError as e:
            r["init_state_missing"] = True
            r["init_state_error"] = f"AttributeError: {e}"
        trainer = HebbianTrainer(model)
        jax.block_until_ready(model.W.value)
        r["t_build"] = round(time.perf_counter() - t0, 4)
        r["trainer_settings"] = {
            k: getattr(trainer, k, None) for k in (
                "subtract_mean", "zero_diagonal", "normalize_by_patterns",
                "compiled_prediction", "prefer_generic")
        }
        r["model_settings"] = {"threshold": float(model.threshold), "asyn": bool(model.asyn)}
        r["rss_mib_after"]["build"] = _maxrss_mib()

        # ---- train ---------------------------------------------------------------------
        _checkpoint("train")
        train_list = list(patterns)
        t0 = time.perf_counter()
        trainer.train(train_list)
        jax.block_until_ready(model.W.value)
        r["t_train"] = round(time.perf_counter() - t0, 4)
        r["rss_mib_after"]["train"] = _maxrss_mib()

        # ---- recall: first call (includes JAX tracing/compilation) --------------------
        probes_list = list(probes)
        _checkpoint("recall_first")
        rec, dt, extra = _recall(trainer, probes_list, mode, num_iter, show_progress, np)
        r["t_recall_first"] = round(dt, 4)
        r["t_recall_first_per_probe"] = round(dt / B, 6)
        r["recall_first_detail"] = extra or None
        r["rss_mib_after"]["recall_first"] = _maxrss_mib()
        r.update(_accuracy(np, rec, patterns, targets, probes))

        # ---- recall: second identical (warm) call ------------------------------------
        if not args.no_warm and dt < WARM_CUTOFF_S:
            _checkpoint("recall_warm")
            rec2, dt2, extra2 = _recall(trainer, probes_list, mode, num_iter, show_progress, np)
            r["t_recall"] = round(dt2, 4)
            r["t_recall_per_probe"] = round(dt2 / B, 6)
            r["recall_detail"] = extra2 or None
            r["rss_mib_after"]["recall"] = _maxrss_mib()
            # async uses random update orders, so the two calls may legitimately differ
            r["warm_equals_first"] = bool(np.array_equal(rec, rec2))
            r["warm_accuracy_mean"] = float((rec2 == patterns[targets]).mean())

        # ---- optional variant: subtract_mean=False -----------------------------------
        if args.also_no_subtract_mean:
            _checkpoint("variant_no_subtract_mean")
            del model, trainer
            model2 = AmariHopfieldNetwork(num_neurons=N, asyn=asyn, activation="sign", **kw)
            trainer2 = HebbianTrainer(model2, subtract_mean=False)
            t0 = time.perf_counter()
            trainer2.train(train_list)
            jax.block_until_ready(model2.W.value)
            t_tr2 = time.perf_counter() - t0
            rec3, dt3, _ = _recall(trainer2, probes_list, mode, num_iter, show_progress, np)
            v = {"t_train": round(t_tr2, 4), "t_recall_first": round(dt3, 4)}
            v.update(_accuracy(np, rec3, patterns, targets, probes))
            r["no_subtract_mean"] = v

        r["phase"] = "done"
        r["ok"] = True
        code = 0
    except BaseException as e:  # noqa: BLE001 - record MemoryError, XLA errors, Ctrl-C
        kind = "memory" if isinstance(e, MemoryError) or "RESOURCE_EXHAUSTED" in str(e) \
            or "memory" in str(e).lower() else "exception"
        _record_error(kind, e)
        code = 1
    _finish(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
