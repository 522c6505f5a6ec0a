"""Run one seed program in this (fresh) process and report what it recalled.

Used by ``benchmarks/run.py`` for the whole-process measurement of seed
tutorial 001. It works with any virtualenv (hebbmem's or canns') and imports
neither library itself::

    python benchmarks/_run_program.py PROGRAM.py --output OUT.json \
        [--replace OLD NEW]... [--max-memory-gb G]

The program is executed as ``__main__`` in the current directory (so its
``savefig`` lands there); the caller sets ``MPLBACKEND=Agg`` so that
``plt.show()`` returns at once. ``--replace`` applies a literal text
substitution first (to switch the imports from canns to hebbmem, or to work
around a line that fails in canns; always reported). Afterwards the program's own variables ``training_data``
and ``recalled`` give the fraction of bits recalled right per picture.

The caller measures wall time and peak RSS of this process from outside
(``os.wait4``); this script adds only the time spent inside the program.
"""

import argparse
import json
import os
import resource
import sys
import time
import traceback


def _vmhwm_mib():
    """Peak RSS of this process's own address space (not ru_maxrss, which can include the parent's)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("program")
    ap.add_argument("--output", required=True)
    ap.add_argument("--replace", nargs=2, action="append", default=[], metavar=("OLD", "NEW"))
    ap.add_argument("--max-memory-gb", type=float, default=None,
                    help="RLIMIT_AS cap, so an over-large allocation fails instead of the OOM killer")
    args = ap.parse_args()
    report = {"program": os.path.abspath(args.program), "replacements": args.replace, "ok": False}
    if args.max_memory_gb:
        limit = int(args.max_memory_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with open(args.program) as f:
        text = f.read()
    for old, new in args.replace:
        if old not in text:
            raise SystemExit(f"--replace: {old!r} does not occur in {args.program}")
        text = text.replace(old, new)
    namespace = {"__name__": "__main__", "__file__": args.program}
    t0 = time.perf_counter()
    try:
        exec(compile(text, args.program, "exec"), namespace)
        report["ok"] = True
    except BaseException as e:  # noqa: BLE001 - record whatever the program raised
        report["error"] = f"{type(e).__name__}: {e}"[:2000]
        report["traceback_tail"] = traceback.format_exc()[-2000:]
    report["t_program"] = time.perf_counter() - t0
    report["vmhwm_mib"] = _vmhwm_mib()
    if report["ok"]:
        import numpy as np

        originals = np.asarray(namespace["training_data"], dtype=np.float32)
        recalled = np.asarray([np.asarray(r, dtype=np.float32) for r in namespace["recalled"]])
        report["bits_right"] = (recalled == originals).mean(axis=1).tolist()
        report["exact"] = (recalled == originals).all(axis=1).tolist()
    with open(args.output, "w") as f:
        json.dump(report, f, indent=1)
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
