"""Record canns 1.5.0's results on its own Hopfield programs, for tests/test_canns_parity.py.

One command regenerates everything in this folder (about 13 minutes on 2 cores; the canns
process peaks at 13 GB of memory)::

    python benchmarks/parity/run_canns.py [--canns-python /work/canns-venv/bin/python]

Run it with hebbmem's environment: the MNIST digits come from hebbmem's bundled subset
(``hebbmem.datasets.load_mnist()``) and are handed to the canns process in a scratch
``.npz``. canns runs in its own virtualenv (``_canns_programs.py``), never imported here.

Writes, next to this file:

* ``canns_reference.json``: canns' numbers per program, with the command, the date, the
  machine, and the canns / JAX / NumPy versions;
* ``canns_inputs.npz``: every input the programs built (patterns, noisy probes), so that
  the hebbmem programs recall from identical arrays;
* ``canns_outputs.npz``: canns' recalled states (to count probe-for-probe agreement).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def _machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem_gb = None
    try:
        with open("/proc/meminfo") as f:
            mem_gb = round(int(f.readline().split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        pass
    return {"platform": platform.platform(), "cpu": cpu, "cpu_count": os.cpu_count(),
            "memory_gb": mem_gb, "hostname": platform.node()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--canns-python",
                    default=os.environ.get("CANNS_PYTHON", "/work/canns-venv/bin/python"),
                    help="python of a virtualenv with canns 1.5.0 (default: %(default)s)")
    ap.add_argument("--sweep-seeds", type=int, default=20,
                    help="seed 000 noise sweep: NumPy seeds 0..K-1 (default %(default)s)")
    ap.add_argument("--only", default=None,
                    help="comma-separated workloads (debugging); writes to --out-dir")
    ap.add_argument("--out-dir", default=str(HERE), help="where to write (default: this folder)")
    args = ap.parse_args(argv)

    from hebbmem.datasets import load_mnist

    out_dir = Path(args.out_dir)
    if args.only and out_dir.resolve() == HERE:
        ap.error("--only would overwrite the recorded reference with a partial one; give --out-dir")
    out_dir.mkdir(parents=True, exist_ok=True)
    command = " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv])
    started = datetime.datetime.now(datetime.timezone.utc)
    with tempfile.TemporaryDirectory(prefix="canns_parity_") as tmp:
        tmp = Path(tmp)
        images, labels = load_mnist()
        np.savez(tmp / "mnist.npz", images=images, labels=labels)
        cmd = [args.canns_python, str(HERE / "_canns_programs.py"), "--mnist", str(tmp / "mnist.npz"),
               "--out-json", str(tmp / "canns.json"), "--out-inputs", str(tmp / "inputs.npz"),
               "--out-outputs", str(tmp / "outputs.npz"), "--sweep-seeds", str(args.sweep_seeds)]
        if args.only:
            cmd += ["--only", args.only]
        env = dict(os.environ, JAX_PLATFORMS="cpu")
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=tmp, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - t0
        if not (tmp / "canns.json").exists():
            sys.stderr.write(proc.stderr[-5000:])
            raise SystemExit(f"the canns process failed (exit {proc.returncode}) without a report")
        report = json.loads((tmp / "canns.json").read_text())
        for name in ("inputs", "outputs"):
            os.replace(tmp / f"{name}.npz", out_dir / f"canns_{name}.npz")
    from hebbmem import __version__ as hebbmem_version

    reference = {
        "what": "canns 1.5.0 on its own Hopfield programs (examples/brain_inspired/hopfield_*.py, "
                "tests/unit/analyzer/test_hopfield_analyzer.py, the trainer-base unit test) and "
                "on the seed 000 tutorial program, with harness edits only; see "
                "benchmarks/parity/_canns_programs.py",
        "command": command,
        "canns_command": " ".join(shlex.quote(c) for c in cmd[:2]) + " --mnist MNIST.npz ...",
        "date_utc": started.strftime("%Y-%m-%d %H:%M UTC"),
        "total_seconds": round(seconds, 1),
        "machine": _machine(),
        "canns_version": report.pop("canns_version"),
        "jax_version": report.pop("jax_version"),
        "canns_numpy_version": report.pop("numpy_version"),
        "canns_skimage_version": report.pop("skimage_version", None),
        "canns_python": report.pop("python"),
        "hebbmem_version_of_the_harness": hebbmem_version,
        "mnist": "hebbmem.datasets.load_mnist() (bundled subset, 2,000 MNIST training digits)",
        "randomness": "All five examples use synchronous updates, so canns' JAX keys (asynchronous "
                      "update orders) are never drawn. The only randomness is NumPy's global "
                      "generator: seeded with 42 as in the examples, and 0..K-1 for the seed 000 "
                      "sweep (which does not seed). Every probe is in canns_inputs.npz.",
        "exit_code": proc.returncode,
        "seconds_per_workload": report.pop("seconds"),
        **report,
    }
    reference.pop("executable", None)
    (out_dir / "canns_reference.json").write_text(json.dumps(reference, indent=1) + "\n")
    print(f"wrote {out_dir / 'canns_reference.json'} ({seconds:.0f} s); errors: "
          f"{sorted(report.get('errors', {})) or 'none'}")
    return 1 if report.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
