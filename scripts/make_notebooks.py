"""Refresh notebooks/*.ipynb from the `# %%` tutorial scripts: convert with jupytext, execute with nbclient.

Usage::

    python scripts/make_notebooks.py              # refresh every notebook (convert + execute, full size)
    python scripts/make_notebooks.py 02 05        # only the tutorials whose file name starts with these
    python scripts/make_notebooks.py --check      # exit 1 if a notebook is missing, stale, unexecuted or orphaned

The scripts in ``tutorials/`` are the source of truth. A notebook is their
jupytext conversion (the standard ``# %%`` percent format), executed from top
to bottom in a fresh Jupyter kernel running this interpreter, in an empty
temporary folder, at full size (``HEBBMEM_FAST`` is unset), so GitHub shows
every figure and number. Each notebook records the SHA-256 of the script it
was made from in ``metadata["hebbmem"]``; ``--check`` (and
``tests/test_tutorials.py``) compares it with the script as it is now. With
jupytext installed, Jupyter also keeps the pair in sync when you edit either
side (``metadata["jupytext"]["formats"]``).

Refreshing needs the ``[notebooks]`` extra (``pip install -e ".[notebooks]"``:
jupytext, nbclient, ipykernel, JupyterLab). ``--check`` needs only the
standard library.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"
NOTEBOOKS = ROOT / "notebooks"
REFRESH = "python scripts/make_notebooks.py"
TIMEOUT = 900  # seconds per cell

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def tutorial_scripts():
    """The tutorial scripts, in name order (``NN_name.py``)."""
    return sorted(TUTORIALS.glob("[0-9][0-9]_*.py"))


def notebook_path(script):
    return NOTEBOOKS / (Path(script).stem + ".ipynb")


def source_hash(script):
    """SHA-256 of the script's bytes: what the notebook's outputs were computed from."""
    return hashlib.sha256(Path(script).read_bytes()).hexdigest()


def stamp(script):
    """The ``metadata["hebbmem"]`` entry of the notebook made from ``script``."""
    return {
        "source": f"tutorials/{Path(script).name}",
        "source_sha256": source_hash(script),
        "refresh": REFRESH,
    }


# -------------------------------------------------------------------- check


def problems():
    """Why the committed notebooks do not match the tutorial scripts (an empty list if they do)."""
    found = []
    expected = set()
    for script in tutorial_scripts():
        target = notebook_path(script)
        expected.add(target.name)
        rel = target.relative_to(ROOT)
        if not target.exists():
            found.append(f"{rel} is missing (make it from {script.name})")
            continue
        try:
            nb = json.loads(target.read_text(encoding="utf-8"))
            meta = nb["metadata"].get("hebbmem", {})
            cells = nb["cells"]
        except (ValueError, KeyError, TypeError) as exc:
            found.append(f"{rel} is not a valid notebook ({exc})")
            continue
        if meta.get("source_sha256") != source_hash(script):
            found.append(f"{rel} was made from another version of {script.relative_to(ROOT)}")
        code = [c for c in cells if c.get("cell_type") == "code"]
        if not code or any(c.get("execution_count") is None for c in code):
            found.append(f"{rel} has cells that were not executed")
    for target in sorted(NOTEBOOKS.glob("*.ipynb")):
        if target.name not in expected:
            found.append(f"{target.relative_to(ROOT)} has no tutorial script in tutorials/")
    return found


# ------------------------------------------------------------------ refresh


def _kernel_env(workdir, fast=False):
    """Environment of the kernel: this checkout's hebbmem, a full-size run, inline figures."""
    env = dict(os.environ)
    for name in ("HEBBMEM_FAST", "HEBBMEM_TUTORIAL_OUTPUT", "MPLBACKEND"):
        env.pop(name, None)
    if fast:
        env["HEBBMEM_FAST"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    env["JUPYTER_PATH"] = str(workdir / "jupyter")
    return env


def build(script, workdir, fast=False):
    """Convert ``script`` with jupytext and execute it; return the notebook (an nbformat node).

    ``workdir`` must hold the private kernelspec (:func:`_private_kernel`).
    ``fast=True`` runs the tutorial's short path (``HEBBMEM_FAST=1``), for tests.
    """
    import jupytext
    import nbclient

    nb = jupytext.read(script, fmt="py:percent")
    nb.metadata = {
        "kernelspec": dict(KERNELSPEC),
        "language_info": {"name": "python"},
        "jupytext": {"formats": "notebooks//ipynb,tutorials//py:percent"},
        "hebbmem": stamp(script),
    }
    for index, cell in enumerate(nb.cells):
        cell.id = f"cell-{index:03d}"  # stable ids: a refresh changes only what really changed
        cell.metadata = {}
    run_dir = workdir / "run"
    run_dir.mkdir()
    client = nbclient.NotebookClient(
        nb, kernel_name="hebbmem-refresh", timeout=TIMEOUT, record_timing=False,
        resources={"metadata": {"path": str(run_dir)}},
    )
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(_kernel_env(workdir, fast))  # the kernel inherits this process's environment
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    left = sorted(p.name for p in run_dir.iterdir())
    if left:
        raise RuntimeError(f"{script.name} wrote files into its working folder: {left}")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)  # the private kernel's name is not the reader's
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return nb


def _private_kernel(workdir):
    """A kernelspec that runs *this* interpreter, whatever kernels are installed."""
    spec = workdir / "jupyter" / "kernels" / "hebbmem-refresh"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "hebbmem refresh", "language": "python",
    }), encoding="utf-8")


def refresh(scripts, stream=sys.stdout):
    import nbformat

    for script in scripts:
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="hebbmem-nb-") as tmp:
            workdir = Path(tmp)
            _private_kernel(workdir)
            nb = build(script, workdir)
        NOTEBOOKS.mkdir(exist_ok=True)
        target = notebook_path(script)
        with open(target, "w", encoding="utf-8", newline="\n") as fh:
            nbformat.write(nb, fh)
        n_images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code"
                       for o in c.outputs)
        print(f"wrote {target.relative_to(ROOT)} ({n_images} figures, {time.perf_counter() - t0:.0f} s)",
              file=stream)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", metavar="PREFIX",
                        help="refresh only the tutorials whose file name starts with PREFIX (e.g. 02)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a notebook is missing, stale, unexecuted or orphaned")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        for problem in found:
            print(problem, file=sys.stderr)
        if found:
            print(f"Refresh with: {REFRESH}", file=sys.stderr)
            return 1
        print(f"{len(tutorial_scripts())} notebooks are executed from their current scripts.")
        return 0
    scripts = [s for s in tutorial_scripts() if not args.only or any(s.name.startswith(p) for p in args.only)]
    if not scripts:
        print(f"error: no tutorial in tutorials/ starts with {' or '.join(args.only)}", file=sys.stderr)
        return 2
    try:
        import jupytext  # noqa: F401
        import nbclient  # noqa: F401
        import nbformat  # noqa: F401
    except ImportError as exc:
        print(f"error: refreshing the notebooks needs the [notebooks] extra ({exc.name} is missing): "
              f'pip install -e ".[notebooks]"', file=sys.stderr)
        return 1
    try:
        refresh(scripts)
    except Exception as exc:  # a failing cell: say which tutorial, keep the old notebook
        name = type(exc).__name__
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).strip().splitlines()  # no terminal colours
        print(f"error: {name} while executing: {text[-1] if text else ''}", file=sys.stderr)
        if name == "CellExecutionError":
            print("\n".join(text[-25:]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
