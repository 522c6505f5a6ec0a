"""Record canns' results on its own rule-family programs (issue 15), each run twice.

One command regenerates ``canns_rules_reference.json``, ``canns_rules_inputs.npz`` and
``canns_rules_outputs.npz`` in this folder::

    python benchmarks/parity/run_canns_rules.py --canns-src /work/canns-src-master \\
        --next-src /work/canns-src-51cfc67 --docs-src /work/canns-src-5a27c1f \\
        [--canns-python /work/canns-venv/bin/python] [--repeat 2]

The three trees are exports of canns' repository (``git archive REF src examples tests
docs/en/1_tutorials``, outside this repository; see port_and_run.py for which commit holds
which file). canns' code is never copied here: ``_canns_rules_programs.py`` executes each
program from its tree in canns' own virtualenv, one fresh process per program and
repetition, and reports what it printed, the values it computed, the initial weights its
layers drew and the inputs it built. This script runs with any python (it imports neither
canns nor hebbmem) and measures each process's wall time; the process reports its own
peak resident memory.

Programs: the four rule-family examples, the step-by-step programs of the two tutorial
pages (as written, and again with ``model.init_state()`` made a no-op on canns 1.5.0
layers, which lack it), the RBM and wake-sleep examples (run against the canns of commit
51cfc67, first on PYTHONPATH), and ``tests/unit/trainer/`` under pytest.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from port_and_run import PROGRAMS  # noqa: E402 (after the path insert)
from run_canns import _machine  # noqa: E402

BIG = 256  # arrays with more elements than this go to canns_rules_outputs.npz


def _run_once(args, name, variant, tmp, rep):
    out_json = tmp / f"{name}.{variant}.{rep}.json"
    out_npz = tmp / f"{name}.{variant}.{rep}.npz"
    cmd = [args.canns_python, str(HERE / "_canns_rules_programs.py"), "--program", name,
           "--canns-src", args.canns_src, "--next-src", args.next_src, "--docs-src", args.docs_src,
           "--out-json", str(out_json), "--out-npz", str(out_npz)]
    if variant == "init_state_noop":
        cmd.append("--init-state-noop")
    env = dict(os.environ, JAX_PLATFORMS="cpu", MPLBACKEND="Agg")
    env.pop("PYTHONPATH", None)
    if name in PROGRAMS and PROGRAMS[name][2] == "next":
        env["PYTHONPATH"] = str(Path(args.next_src) / "src")
    print(f"[canns rules] {name} ({variant}) run {rep} ...", file=sys.stderr, flush=True)
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True)
    wall = round(time.perf_counter() - t0, 1)
    load = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    if not out_json.exists():
        return {"finished": False, "error": f"the canns process failed (exit {proc.returncode})",
                "stderr_tail": proc.stderr[-4000:], "wall_seconds": wall}, {}
    rep_json = json.loads(out_json.read_text())
    rep_json["wall_seconds"] = wall
    rep_json["load_average_1min_before_after"] = load
    rep_json["exit_code"] = proc.returncode
    arrays = dict(np.load(out_npz)) if out_npz.exists() else {}
    print(f"[canns rules] {name} ({variant}) run {rep}: {wall} s, "
          f"{rep_json.get('peak_rss_mb')} MB peak", file=sys.stderr, flush=True)
    return rep_json, arrays


def _split_big(prefix, obj, outputs):
    """Move large numeric lists out of the JSON into outputs; leave a pointer."""
    if isinstance(obj, dict):
        return {k: _split_big(f"{prefix}__{k}", v, outputs) for k, v in obj.items()}
    if isinstance(obj, list) and obj and not isinstance(obj[0], str):
        try:
            a = np.asarray(obj, dtype=np.float64)
        except (ValueError, TypeError):
            return obj
        if a.size > BIG and a.dtype.kind == "f":
            outputs[prefix] = a.astype(np.float32) if np.all(a.astype(np.float32) == a) else a
            return {"in": "canns_rules_outputs.npz", "key": prefix, "shape": list(a.shape)}
    return obj


def _differences(a, b, path=""):
    """Paths at which two JSON-like values differ."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            out += _differences(a.get(k), b.get(k), f"{path}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        if a == b:
            return []
        try:
            if np.array_equal(np.asarray(a, dtype=object), np.asarray(b, dtype=object)):
                return []
        except ValueError:
            pass
        return [path]
    return [] if a == b else [path]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--canns-python", default=os.environ.get("CANNS_PYTHON", "/work/canns-venv/bin/python"))
    ap.add_argument("--canns-src", required=True, help="canns tree: examples/ and tests/unit/trainer/ (master)")
    ap.add_argument("--next-src", required=True, help="canns tree with the RBM and wake-sleep examples (51cfc67)")
    ap.add_argument("--docs-src", required=True, help="canns tree with docs/en/1_tutorials/ (5a27c1f)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per program (default %(default)s)")
    ap.add_argument("--only", default=None, help="comma-separated names (debugging); needs --out-dir")
    ap.add_argument("--out-dir", default=str(HERE))
    args = ap.parse_args(argv)
    out_dir = Path(args.out_dir)
    if args.only and out_dir.resolve() == HERE:
        ap.error("--only would overwrite the recorded reference with a partial one; give --out-dir")
    out_dir.mkdir(parents=True, exist_ok=True)
    names = list(PROGRAMS) + ["unit_tests"] if not args.only else args.only.split(",")
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    started = datetime.datetime.now(datetime.timezone.utc)
    t_all = time.perf_counter()
    programs, inputs, outputs, versions = {}, {}, {}, {}
    with tempfile.TemporaryDirectory(prefix="canns_rules_") as tmp:
        tmp = Path(tmp)
        for name in names:
            variants = ["as_written"]
            for variant in variants:
                runs = []
                for rep in range(1, args.repeat + 1):
                    r, arrays = _run_once(args, name, variant, tmp, rep)
                    runs.append((r, arrays))
                    if (variant == "as_written" and name in PROGRAMS and PROGRAMS[name][0] == "tutorial" and not r.get("finished")
                            and "init_state" in r.get("error", "") and "init_state_noop" not in variants):
                        variants.append("init_state_noop")
                key = name if variant == "as_written" else f"{name}+{variant}"
                first, arrays1 = runs[0]
                for k in ("canns_version", "canns_file", "jax_version", "numpy_version", "python",
                          "brainpy_version", "brainstate_version", "sklearn_version", "matplotlib_version"):
                    if k in first:
                        versions.setdefault(k, set()).add(first[k])
                for k in list(first):
                    if k.endswith("_version") or k in ("canns_file", "python"):
                        first.pop(k)
                entry = {"kind": PROGRAMS.get(name, ("unit tests",))[0], "variant": variant}
                if name in PROGRAMS:
                    entry["source_in_canns_repo"] = PROGRAMS[name][1]
                    entry["tree"] = {"src": "master (canns 1.5.0 sources)", "next": "51cfc67",
                                     "docs": "5a27c1f"}[PROGRAMS[name][2]]
                first = _split_big(key, first, outputs)
                entry["runs"] = [first]
                for r, arrays in runs[1:]:
                    if name == "unit_tests":
                        u1, u2 = runs[0][0]["unit_tests"], r["unit_tests"]
                        entry["runs"].append({"passed": u2["passed"], "total": u2["total"],
                                              "wall_seconds": r["wall_seconds"], "cpu_seconds": r.get("cpu_seconds"),
                                              "peak_rss_mb": r["peak_rss_mb"],
                                              "tests_whose_locals_differ_from_run_1": sorted(
                                                  t for t in u1["tests"] if _differences(
                                                      u1["tests"][t], u2["tests"].get(t)))})
                        continue
                    slim = {k: r.get(k) for k in ("finished", "error", "stdout", "stdout_numbers", "seconds",
                                                  "wall_seconds", "cpu_seconds", "peak_rss_mb",
                                                  "load_average_1min_before_after", "brainstate_key_at_start")}
                    slim["values_that_differ_from_run_1"] = _differences(runs[0][0].get("values", {}),
                                                                         r.get("values", {}))
                    slim["inputs_that_differ_from_run_1"] = sorted(
                        k for k in set(arrays) | set(arrays1)
                        if k not in arrays or k not in arrays1 or not np.array_equal(arrays[k], arrays1[k]))
                    entry["runs"].append(slim)
                if len(entry["runs"]) > 1 and name != "unit_tests":
                    r2 = entry["runs"][1]
                    entry["deterministic"] = (r2["stdout"] == first.get("stdout")
                                              and not r2["values_that_differ_from_run_1"]
                                              and not r2["inputs_that_differ_from_run_1"])
                    l1, l2 = first.get("stdout", "").splitlines(), r2["stdout"].splitlines()
                    entry["printed_lines_that_differ"] = [[a, b] for a, b in zip(l1, l2) if a != b]
                programs[key] = entry
                for k, v in arrays1.items():
                    inputs[k if variant == "as_written" else k.replace(name, key.replace("+", "_"), 1)] = v
    seconds = round(time.perf_counter() - t_all, 1)
    reference = {
        "what": "canns' own rule-family programs (examples/brain_inspired/ oja_pca_extraction, "
                "oja_vs_sanger_comparison, bcm_receptive_fields, stdp_temporal_learning; the "
                "step-by-step programs of the tutorial pages oja_pca.rst and stdp_spike_timing.rst; "
                "rbm_mnist_features and wake_sleep_generative of commit 51cfc67; tests/unit/trainer/) "
                "executed unchanged in canns' virtualenv, figures off; see "
                "benchmarks/parity/_canns_rules_programs.py",
        "command": command,
        "date_utc": started.strftime("%Y-%m-%d %H:%M UTC"),
        "total_seconds": seconds,
        "machine": _machine(),
        "versions": {k: sorted(v) if len(v) > 1 else next(iter(v)) for k, v in versions.items()},
        "trees": {"canns_src": "github.com/Routhleck/canns master e0cb9e8 (examples, tests)",
                  "next_src": "commit 51cfc67 (RBM, Helmholtz machine, their trainers and examples)",
                  "docs_src": "commit 5a27c1f (docs/en/1_tutorials)"},
        "repeat": args.repeat,
        "timing": "wall_seconds: the canns process, measured here; seconds: the program itself, inside "
                  "it; cpu_seconds: user+system CPU of the process; peak_rss_mb: its peak resident "
                  "memory. The machine is shared: the 1-minute load average before/after each run is "
                  "recorded, and cpu_seconds is the figure to compare across machines.",
        "randomness": "The four rule examples seed NumPy (np.random.seed(42)) and brainpy "
                      "(bm.random.seed(42), which also re-seeds NumPy with 42); their layers draw "
                      "initial weights from brainpy/brainstate's global JAX key. The RBM and "
                      "wake-sleep examples seed only NumPy: their Bernoulli draws come from "
                      "brainstate's global key, which is seeded afresh from the OS at import. "
                      "Initial weights and built inputs are in canns_rules_inputs.npz "
                      "(keys <program>__initial_<W|theta|...>_<layer index>, <program>__<input>).",
        "programs": programs,
    }
    if "unit_tests" in programs:
        u = programs.pop("unit_tests")["runs"]
        reference["unit_tests"] = u[0]
        reference["unit_tests"]["later_runs"] = u[1:]
    (out_dir / "canns_rules_reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    np.savez_compressed(out_dir / "canns_rules_inputs.npz", **inputs)
    np.savez_compressed(out_dir / "canns_rules_outputs.npz", **outputs)
    print(f"wrote {out_dir / 'canns_rules_reference.json'} ({seconds:.0f} s)")
    for k, e in programs.items():
        r = e["runs"][0]
        print(f"  {k:45s} finished={r.get('finished')} deterministic={e.get('deterministic')} "
              f"{r.get('wall_seconds')} s wall, {r.get('cpu_seconds')} s CPU, {r.get('peak_rss_mb')} MB")
    if "unit_tests" in reference:
        u = reference["unit_tests"]["unit_tests"]
        print(f"  unit tests: {u['passed']} of {u['total']} pass")
    return 0


if __name__ == "__main__":
    sys.exit(main())
