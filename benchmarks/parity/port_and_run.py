"""Port canns' rule-family programs to hebbmem mechanically, run them, and report.

Given canns source trees (a checkout, or a ``git archive`` export of canns' repository),
this script reads canns' own programs -- the four rule-family examples, the code of two
tutorial pages, the RBM and wake-sleep examples, and ``tests/unit/trainer/*.py`` -- and
applies exactly the mechanical port of issue 15:

* in import statements, the module ``canns`` (and ``canns.<sub>``) becomes ``hebbmem``;
* ``import brainpy.math as bm`` becomes ``import hebbmem as bm``, and, as part of the
  same rule, ``import brainstate`` becomes ``import hebbmem as brainstate`` (brainpy.math's
  random *is* brainstate's: the STDP tutorial page seeds with ``brainstate.random.seed(42)``;
  the lead's decision on issue 15);
* the attribute ``.value`` is dropped wherever code reads or writes it
  (``model.W.value = X`` becomes ``model.W = X``; ``model.W.value.copy()`` becomes
  ``model.W.copy()``), f-string fields included. Only code is touched, never strings or
  comments.

Nothing else changes: other imports (``jax.numpy``, ``sklearn``) stay. The transform
``port-numpy`` adds one rule for a machine without JAX: ``import jax.numpy as jnp`` becomes
``import numpy as jnp`` (the STDP tutorial page imports it without using it, and canns' unit
tests use only the part of JAX's NumPy API that is NumPy's). ``--repeat 2`` runs
each program twice and reports whether both runs print the same.
The ports are written to a scratch folder outside the repository and run with the given
python (default: this interpreter), with Matplotlib's Agg backend and the example-output
environment variables pointed into the scratch folder. For each program the report says
whether it started (got past its import block), whether it finished, its wall time and
every number it printed; for the unit tests, pytest's pass count and each failure.

This file holds no canns code: it knows where canns keeps the programs and how to read
a reStructuredText page's code blocks, nothing more. ``--transform identity`` runs canns'
programs unchanged, which is how the harness is checked against canns itself::

    # the harness, checked on canns in canns' virtualenv
    /work/canns-venv/bin/python benchmarks/parity/port_and_run.py --transform identity \\
        --canns-src /work/canns-src-master --next-src /work/canns-src-51cfc67 \\
        --docs-src /work/canns-src-5a27c1f
    # the mechanical port, on hebbmem
    python benchmarks/parity/port_and_run.py --canns-src ... --next-src ... --docs-src ...

Where the files are in canns' repository (github.com/Routhleck/canns):

* the four rule examples and ``tests/unit/trainer/``: ``master`` (e0cb9e8; identical to
  canns 1.5.0's sources for every module they import);
* ``rbm_mnist_features.py`` and ``wake_sleep_generative.py`` with the canns that runs them
  (``RestrictedBoltzmannModel``, ``HelmholtzMachine``, their trainers): commit 51cfc67
  (pull request 55's branch, before commit 6eb6e41 removed them);
* the tutorial pages ``docs/en/1_tutorials/unsupervised_learning/oja_pca.rst`` and
  ``docs/en/1_tutorials/temporal_learning/stdp_spike_timing.rst``: commit 5a27c1f (the
  last version before the documentation refactor of 2025-11-15 removed them).

Each tree defaults to ``--canns-src``. ``--next-src`` is also put first on PYTHONPATH
(its ``src/``) when the identity transform runs the RBM and wake-sleep programs, because
canns 1.5.0 has neither model.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import textwrap
import time
import xml.etree.ElementTree as ET
from pathlib import Path

# name -> (kind, path inside its tree, which tree)
PROGRAMS = {
    "oja_pca_extraction": ("example", "examples/brain_inspired/oja_pca_extraction.py", "src"),
    "oja_vs_sanger_comparison": ("example", "examples/brain_inspired/oja_vs_sanger_comparison.py", "src"),
    "bcm_receptive_fields": ("example", "examples/brain_inspired/bcm_receptive_fields.py", "src"),
    "stdp_temporal_learning": ("example", "examples/brain_inspired/stdp_temporal_learning.py", "src"),
    "oja_pca_tutorial": ("tutorial", "docs/en/1_tutorials/unsupervised_learning/oja_pca.rst", "docs"),
    "stdp_spike_timing_tutorial": ("tutorial", "docs/en/1_tutorials/temporal_learning/stdp_spike_timing.rst", "docs"),
    "rbm_mnist_features": ("example", "examples/brain_inspired/rbm_mnist_features.py", "next"),
    "wake_sleep_generative": ("example", "examples/brain_inspired/wake_sleep_generative.py", "next"),
}
UNIT_TESTS = "tests/unit/trainer"
# The tutorial program is the page's Python code blocks under this section heading, in order
# (the page's other Python blocks are fragments: variations, API sketches).
TUTORIAL_SECTION = "Step-by-Step Analysis"
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


# ----------------------------------------------------------------------------- reading
def rst_python_blocks(text):
    """[(section title, code)] for every ``.. code-block:: python`` in a reST page."""
    lines = text.splitlines()
    out, section, i = [], None, 0
    while i < len(lines):
        line = lines[i]
        if (i + 1 < len(lines) and line.strip() and not line.startswith(" ")
                and re.fullmatch(r"(-{3,}|={3,}|~{3,})", lines[i + 1].strip())
                and len(lines[i + 1].strip()) >= len(line.strip())):
            section = line.strip()
        m = re.match(r"^(\s*)\.\. code-block::\s*python\s*$", line)
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        i += 1
        while i < len(lines) and (not lines[i].strip() or lines[i].lstrip().startswith(":")):
            i += 1  # blank lines and block options
        body = []
        while i < len(lines) and (not lines[i].strip()
                                  or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        out.append((section, textwrap.dedent("\n".join(body)).strip("\n") + "\n"))
    return out


def tutorial_program(text):
    """The program a tutorial page walks through: its step-by-step Python blocks joined."""
    blocks = [code for sec, code in rst_python_blocks(text) if sec == TUTORIAL_SECTION]
    return "\n".join(blocks)


def tutorial_fragments(text):
    """The page's other Python blocks (not run: they are sketches, see the README)."""
    return [(sec, code) for sec, code in rst_python_blocks(text) if sec != TUTORIAL_SECTION]


def program_source(name, trees):
    """Source text of one program as canns has it (tutorials: the step-by-step program)."""
    kind, rel, tree = PROGRAMS[name]
    path = Path(trees[tree]) / rel
    text = path.read_text(encoding="utf-8")
    return (tutorial_program(text) if kind == "tutorial" else text), path


# ----------------------------------------------------------------------------- the port
def drop_value(source):
    """Remove every ``.value`` attribute access in the code, f-string fields included.

    The accesses are found with :mod:`ast`, so strings and comments are never touched
    while ``f"{model.W.value.shape}"`` is (its field is code; Python 3.11's tokenizer
    sees an f-string as one string token). Each cut runs from the dot to the end of
    ``value``, on one line.
    """
    raw = [ln.encode("utf-8") for ln in source.splitlines(keepends=True)]  # ast counts UTF-8 bytes
    cuts = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr == "value":
            row, end = node.end_lineno, node.end_col_offset
            line = raw[row - 1]
            dot = line.rfind(b".", 0, end - len("value"))
            if dot < 0 or line[dot + 1:end - len("value")].strip():
                raise ValueError(f"line {row}: the dot of .value is not on its line: {line!r}")
            cuts.add((row, dot, end))
    for row, c0, c1 in sorted(cuts, reverse=True):
        raw[row - 1] = raw[row - 1][:c0] + raw[row - 1][c1:]
    return b"".join(raw).decode("utf-8")


_BM = re.compile(r"^(\s*)import\s+brainpy\.math\s+as\s+bm\s*$", re.MULTILINE)
# brainpy.math re-exports brainstate's random: the STDP page seeds with brainstate.random.seed(42)
_BRAINSTATE = re.compile(r"^(\s*)import\s+brainstate(?:\s+as\s+(\w+))?\s*$", re.MULTILINE)
_FROM = re.compile(r"^(\s*)from\s+canns(\.|\s)", re.MULTILINE)
_IMPORT = re.compile(r"^(\s*)import\s+canns(\.|\s|$)", re.MULTILINE)


def mechanical_port(source):
    """canns -> hebbmem in imports, brainpy.math as bm (and brainstate) -> hebbmem, .value dropped."""
    source = _BM.sub(r"\1import hebbmem as bm", source)
    source = _BRAINSTATE.sub(lambda m: f"{m.group(1)}import hebbmem as {m.group(2) or 'brainstate'}", source)
    source = _FROM.sub(r"\1from hebbmem\2", source)
    source = _IMPORT.sub(r"\1import hebbmem\2", source)
    return drop_value(source)


_JNP = re.compile(r"^(\s*)import\s+jax\.numpy\s+as\s+(\w+)\s*$", re.MULTILINE)


def port_without_jax(source):
    """The mechanical port, plus ``import jax.numpy as jnp`` -> ``import numpy as jnp`` (no JAX installed)."""
    return _JNP.sub(r"\1import numpy as \2", mechanical_port(source))


TRANSFORMS = {"port": mechanical_port, "port-numpy": port_without_jax, "identity": lambda s: s}


def first_statement_line(source):
    """Line of the first top-level statement that is not an import or a docstring."""
    tree = ast.parse(source)
    for i, node in enumerate(tree.body):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if i == 0 and isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant):
            continue
        return node.lineno
    return None


# ----------------------------------------------------------------------------- running
# Runs one ported file as __main__ and reports, on stderr, how far it got. Not canns code.
_RUNNER = r"""
import json, os, runpy, sys, time, traceback, resource
path, first = sys.argv[1], int(sys.argv[2])
status = {"finished": False, "error": None, "error_line": None}
t0 = time.perf_counter()
try:
    runpy.run_path(path, run_name="__main__")
    status["finished"] = True
except SystemExit as e:
    status["finished"] = e.code in (None, 0)
    status["error"] = None if status["finished"] else f"SystemExit({e.code!r})"
except BaseException as e:
    tb = [f for f in traceback.extract_tb(e.__traceback__) if os.path.abspath(f.filename) == os.path.abspath(path)]
    status["error"] = "".join(traceback.format_exception_only(type(e), e)).strip()[-1500:]
    status["error_line"] = tb[-1].lineno if tb else None
    status["traceback"] = traceback.format_exc()[-4000:]
status["seconds"] = round(time.perf_counter() - t0, 2)
status["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
status["started"] = status["finished"] or (status["error_line"] is not None and status["error_line"] >= first)
sys.stdout.flush()
sys.stderr.write("\n@@PORT_AND_RUN@@" + json.dumps(status) + "\n")
"""


def printed_numbers(stdout):
    """[[line, [numbers]]] for every printed line that has a number."""
    rows = []
    for line in stdout.splitlines():
        nums = [float(x) for x in NUMBER.findall(line)]
        if nums:
            rows.append([line, nums])
    return rows


def run_program(name, source, work, python, env, timeout):
    """Write ``source`` as examples/brain_inspired/<name>.py under ``work`` and run it."""
    folder = work / "examples" / "brain_inspired"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    try:
        first = first_statement_line(source) or 1
    except SyntaxError as exc:
        return {"started": False, "finished": False, "error": f"SyntaxError: {exc}"}
    cwd = work / "cwd" / name
    cwd.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([python, "-c", _RUNNER, str(path), str(first)], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return {"started": True, "finished": False, "error": f"timeout after {timeout} s",
                "stdout": out, "printed_numbers": printed_numbers(out)}
    wall = time.perf_counter() - t0
    stdout = proc.stdout.replace(str(work), "<scratch>")  # output paths name the scratch folder
    status = {"started": False, "finished": False, "error": f"runner died (exit {proc.returncode})",
              "stderr_tail": proc.stderr[-3000:]}
    if "@@PORT_AND_RUN@@" in proc.stderr:
        status = json.loads(proc.stderr.rsplit("@@PORT_AND_RUN@@", 1)[1].strip().splitlines()[0])
    status["wall_seconds"] = round(wall, 1)
    status["first_statement_line"] = first
    status["stdout"] = stdout
    status["printed_numbers"] = printed_numbers(stdout)
    return status


def run_unit_tests(files, transform, work, python, env, timeout):
    """Port ``tests/unit/trainer/*.py`` into ``work``, run pytest there, count the passes."""
    folder = work / "tests_unit_trainer"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytest.ini").write_text("[pytest]\naddopts = --assert=plain -ra\n")
    for f in files:
        (folder / f.name).write_text(transform(f.read_text(encoding="utf-8")), encoding="utf-8")
    junit = folder / "junit.xml"
    t0 = time.perf_counter()
    proc = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder),
                           "--continue-on-collection-errors", "--junitxml", str(junit), str(folder)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=timeout)
    res = {"exit_code": proc.returncode, "wall_seconds": round(time.perf_counter() - t0, 1),
           "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "tests": {}, "collection_errors": []}
    if not junit.exists():
        res["pytest_output_tail"] = (proc.stdout + proc.stderr)[-4000:]
        return res
    root = ET.parse(junit).getroot()
    for case in root.iter("testcase"):
        key = f"{case.get('classname', '').rsplit('.', 1)[-1]}::{case.get('name')}"
        outcome, msg = "passed", None
        for tag in ("failure", "error", "skipped"):
            el = case.find(tag)
            if el is not None:
                outcome = {"failure": "failed", "error": "errors", "skipped": "skipped"}[tag]
                msg = (el.get("message") or (el.text or "").strip().splitlines()[-1:] or [""])
                msg = msg if isinstance(msg, str) else msg[0]
                if msg == "collection failure":  # say why: the import error in the text
                    why = [ln.strip("E ").strip() for ln in (el.text or "").splitlines() if "Error" in ln]
                    msg = f"collection failure: {why[-1]}" if why else msg
                break
        if not case.get("classname") or (msg or "").startswith("collection failure"):  # a module that failed to import
            res["collection_errors"].append({"module": f"{case.get('name') or case.get('classname')}",
                                             "message": (msg or "")[:500]})
            res["tests"][key] = {"outcome": "collection error", "message": (msg or "")[:500]}
            continue
        res[outcome] += 1
        res["tests"][key] = outcome if msg is None else {"outcome": outcome, "message": msg[:500]}
    res["pytest_summary"] = (proc.stdout.strip().splitlines() or [""])[-1]
    return res


def _env(args, work, name):
    env = dict(os.environ)
    env.update({"MPLBACKEND": "Agg", "JAX_PLATFORMS": "cpu",
                "CANNS_EXAMPLES_OUTPUT_DIR": str(work / "outputs"),
                "HEBBMEM_EXAMPLES_OUTPUT_DIR": str(work / "outputs")})
    paths = [p for p in (args.pythonpath or "").split(os.pathsep) if p]
    if name is not None and args.transform == "identity" and PROGRAMS[name][2] == "next":
        paths.insert(0, str(Path(args.next_src) / "src"))
    if paths:
        env["PYTHONPATH"] = os.pathsep.join(paths + [env["PYTHONPATH"]] if env.get("PYTHONPATH") else paths)
    return env


def compare_with_reference(report, reference):
    """Side by side: does each program print the numbers canns printed?"""
    ref = reference.get("programs", {})
    if "unit_tests" in report and "unit_tests" in reference:
        report["unit_tests"]["canns_total"] = reference["unit_tests"]["unit_tests"]["total"]
        report["unit_tests"]["canns_passed"] = reference["unit_tests"]["unit_tests"]["passed"]
    for name, r in report["programs"].items():
        key = name
        if not ref.get(name, {}).get("runs", [{}])[0].get("finished") and f"{name}+init_state_noop" in ref:
            key = f"{name}+init_state_noop"  # canns fails as written; compare with its no-op run
        canns = ref.get(key, {}).get("runs", [{}])[0]
        lines = canns.get("stdout_numbers")
        if lines is None or not r.get("finished"):
            continue
        mine = [nums for _, nums in r["printed_numbers"]]
        theirs = [nums for _, nums in lines]
        r["compared_with"] = key
        r["same_printed_numbers_as_canns"] = mine == theirs
        r["printed_lines_with_numbers"] = [len(mine), len(theirs)]
        if len(mine) == len(theirs) and all(len(a) == len(b) for a, b in zip(mine, theirs)):
            r["max_abs_difference_from_canns"] = max(
                (abs(x - y) for a, b in zip(mine, theirs) for x, y in zip(a, b)), default=0.0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--canns-src", required=True,
                    help="canns tree with examples/brain_inspired/ and tests/unit/trainer/ (canns 1.5.0 era)")
    ap.add_argument("--next-src", default=None,
                    help="canns tree with the RBM and wake-sleep examples (default: --canns-src)")
    ap.add_argument("--docs-src", default=None,
                    help="canns tree with docs/en/1_tutorials/ (default: --canns-src)")
    ap.add_argument("--python", default=sys.executable, help="interpreter to run the ports with")
    ap.add_argument("--pythonpath", default=None, help="PYTHONPATH for the runs (e.g. a hebbmem worktree)")
    ap.add_argument("--transform", choices=sorted(TRANSFORMS), default="port",
                    help="'port' (the mechanical port) or 'identity' (canns unchanged, to check the harness)")
    ap.add_argument("--only", default=None, help="comma-separated program names, and/or 'unit_tests'")
    ap.add_argument("--work-dir", default=None, help="scratch folder (default: a new one under /tmp)")
    ap.add_argument("--timeout", type=float, default=3600.0, help="seconds per program")
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs per program; with 2 or more the report says whether they print the same")
    ap.add_argument("--reference", default=str(Path(__file__).with_name("canns_rules_reference.json")),
                    help="canns' recorded numbers to compare with (skipped if missing)")
    ap.add_argument("--out", default=None, help="write the full report as JSON here")
    args = ap.parse_args(argv)
    args.next_src = args.next_src or args.canns_src
    args.docs_src = args.docs_src or args.canns_src
    trees = {"src": args.canns_src, "next": args.next_src, "docs": args.docs_src}
    here = Path(__file__).resolve().parents[2]
    work = Path(args.work_dir or tempfile.mkdtemp(prefix=f"port_and_run_{args.transform}_"))
    if here in work.resolve().parents:
        ap.error("--work-dir must be outside the repository")
    work.mkdir(parents=True, exist_ok=True)
    transform = TRANSFORMS[args.transform]
    names = list(PROGRAMS) + ["unit_tests"] if not args.only else args.only.split(",")
    report = {"transform": args.transform, "python": args.python, "pythonpath": args.pythonpath,
              "trees": trees, "work_dir": str(work),
              "command": " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]),
              "programs": {}}
    for name in names:
        if name == "unit_tests":
            files = sorted((Path(args.canns_src) / UNIT_TESTS).glob("test_*.py"))
            print(f"[port_and_run] unit tests ({len(files)} files) ...", file=sys.stderr, flush=True)
            report["unit_tests"] = run_unit_tests(files, transform, work, args.python,
                                                  _env(args, work, None), args.timeout)
            u = report["unit_tests"]
            print(f"  unit tests: {u['passed']} passed, {u['failed']} failed, {u['errors']} errors",
                  file=sys.stderr, flush=True)
            continue
        try:
            source, path = program_source(name, trees)
        except OSError as exc:
            report["programs"][name] = {"started": False, "finished": False, "error": f"missing: {exc}"}
            continue
        ported = transform(source)
        print(f"[port_and_run] {name} ...", file=sys.stderr, flush=True)
        r = run_program(name, ported, work, args.python, _env(args, work, name), args.timeout)
        if args.repeat > 1:  # the same port again, in a fresh process: are the printed numbers the same?
            again = [run_program(name, ported, work, args.python, _env(args, work, name), args.timeout)
                     for _ in range(args.repeat - 1)]
            r["repeats"] = args.repeat
            r["deterministic"] = all(a.get("stdout") == r.get("stdout") and a.get("finished") == r.get("finished")
                                     for a in again)
            r["printed_lines_that_differ"] = [[x, y] for a in again for x, y in zip(
                r.get("stdout", "").splitlines(), a.get("stdout", "").splitlines()) if x != y][:20]
        r["source"] = str(path)
        report["programs"][name] = r
        print(f"  {name}: started={r.get('started')} finished={r.get('finished')} "
              f"({r.get('wall_seconds')} s, {r.get('peak_rss_mb')} MB)"
              + (f" error: {r['error'].splitlines()[-1]}" if r.get("error") else ""),
              file=sys.stderr, flush=True)
    if Path(args.reference).exists():
        compare_with_reference(report, json.loads(Path(args.reference).read_text()))
    # summary
    progs = report["programs"]
    print(f"\nprograms: {sum(bool(p.get('started')) for p in progs.values())} of {len(progs)} start, "
          f"{sum(bool(p.get('finished')) for p in progs.values())} finish")
    for name, p in progs.items():
        extra = ""
        if "same_printed_numbers_as_canns" in p:
            extra = f"  same printed numbers as canns ({p['compared_with']}): {p['same_printed_numbers_as_canns']}"
            if "max_abs_difference_from_canns" in p:
                extra += f", max |difference| {p['max_abs_difference_from_canns']:.3g}"
        print(f"  {name:28s} start={str(bool(p.get('started'))):5s} finish={str(bool(p.get('finished'))):5s}"
              f" {p.get('wall_seconds', '-')} s{extra}")
        if p.get("error"):
            print(f"      {p['error'].splitlines()[-1][:200]}")
        if "deterministic" in p:
            print(f"      {p['repeats']} runs print the same numbers: {p['deterministic']}")
    if "unit_tests" in report:
        u = report["unit_tests"]
        total = u["passed"] + u["failed"] + u["errors"] + u["skipped"]
        canns_total = u.get("canns_total")
        print(f"unit tests: {u['passed']} of {canns_total or total} pass ({total} collected"
              + (f", {len(u['collection_errors'])} modules failed to import" if u["collection_errors"] else "")
              + (f"; canns has {canns_total}" if canns_total else "") + ")")
        for k, v in u["tests"].items():
            if v != "passed":
                print(f"  {k}: {v['message'][:200] if isinstance(v, dict) else v}")
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1) + "\n")
        print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
