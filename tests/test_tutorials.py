"""The tutorials and their executed notebooks.

* Every ``tutorials/NN_*.py`` has its ``notebooks/NN_*.ipynb`` and back
  (both found by glob, so new tutorials are picked up without editing this file).
* Each committed notebook was executed from the script as it is now: its
  ``metadata["hebbmem"]["source_sha256"]`` is the script's SHA-256, every code
  cell has run, and its figures are embedded, so GitHub shows them. With
  jupytext installed, its cells are also checked to be the script's cells.
  ``python scripts/make_notebooks.py`` refreshes them.
* Every script runs headless as a fresh process (``HEBBMEM_FAST=1``,
  ``MPLBACKEND=Agg``, an empty ``HOME``, a temporary working directory); it
  writes its figures only into ``HEBBMEM_TUTORIAL_OUTPUT`` and nothing into
  the working directory, and prints no warning.
* The refresh pipeline itself (jupytext conversion, execution in a real
  Jupyter kernel running this interpreter) runs on one tutorial, under
  ``HEBBMEM_FAST=1``.

The tutorials check their own central claims with ``assert`` statements, so a
run that passes also confirms what they tell the reader. Executing every
notebook in a kernel here would repeat the script runs at twice the cost
(kernel start-up); the scripts are the same code.
"""

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _load_make_notebooks():
    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "scripts" / "make_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_notebooks = _load_make_notebooks()


def _env(**extra):
    env = dict(os.environ)
    env.update(extra)
    # the hebbmem of this checkout, even if the tests run without installing it
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


# ------------------------------------------------- (a) notebooks = scripts


def test_every_tutorial_has_its_notebook_and_back():
    assert len(SCRIPTS) >= 2
    assert [n.stem for n in NOTEBOOKS] == [s.stem for s in SCRIPTS], (
        "notebooks/ and tutorials/ differ; refresh with: python scripts/make_notebooks.py")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_notebook_was_executed_from_the_current_script(script):
    notebook = make_notebooks.notebook_path(script)
    assert notebook.exists(), f"{notebook.name} is missing; make it with: python scripts/make_notebooks.py"
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    meta = nb["metadata"]["hebbmem"]
    assert meta["source"] == f"tutorials/{script.name}"
    assert meta["source_sha256"] == hashlib.sha256(script.read_bytes()).hexdigest(), (
        f"{notebook.name} shows the outputs of an older {script.name}; refresh it: "
        f"python scripts/make_notebooks.py {script.name[:2]}")
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["cells"][0]["cell_type"] == "markdown"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(isinstance(c["execution_count"], int) for c in code)
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))  # one run, top to bottom
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure in the notebook"
    stderr = "".join("".join(o["text"]) for o in outputs if o.get("name") == "stderr")
    assert "Warning" not in stderr and "Traceback" not in stderr, stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_notebook_cells_are_the_script_cells(script):
    jupytext = pytest.importorskip("jupytext")
    expected = jupytext.read(script, fmt="py:percent").cells
    nb = json.loads(make_notebooks.notebook_path(script).read_text(encoding="utf-8"))
    got = [(c["cell_type"], "".join(c["source"])) for c in nb["cells"]]
    assert got == [(c.cell_type, c.source) for c in expected]


def test_check_command_passes_on_the_repository():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"{len(SCRIPTS)} notebooks are executed from their current scripts." in done.stdout


def test_check_reports_missing_stale_unexecuted_and_orphaned(tmp_path, monkeypatch, capsys):
    tutorials, notebooks = tmp_path / "tutorials", tmp_path / "notebooks"
    tutorials.mkdir()
    notebooks.mkdir()
    monkeypatch.setattr(make_notebooks, "ROOT", tmp_path)
    monkeypatch.setattr(make_notebooks, "TUTORIALS", tutorials)
    monkeypatch.setattr(make_notebooks, "NOTEBOOKS", notebooks)
    script = tutorials / "01_demo.py"
    script.write_text("# %% [markdown]\n# # Title\n\n# %%\nx = 1\n", encoding="utf-8")

    assert make_notebooks.main(["--check"]) == 1
    assert "notebooks/01_demo.ipynb is missing" in capsys.readouterr().err

    def write(execution_count):
        nb = {"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# Title"},
                        {"cell_type": "code", "execution_count": execution_count, "metadata": {},
                         "outputs": [], "source": "x = 1"}],
              "metadata": {"hebbmem": make_notebooks.stamp(script)}, "nbformat": 4, "nbformat_minor": 5}
        (notebooks / "01_demo.ipynb").write_text(json.dumps(nb), encoding="utf-8")

    write(1)
    assert make_notebooks.main(["--check"]) == 0
    write(None)
    assert make_notebooks.main(["--check"]) == 1
    assert "has cells that were not executed" in capsys.readouterr().err
    write(1)
    script.write_text(script.read_text(encoding="utf-8").replace("x = 1", "x = 2"), encoding="utf-8")
    assert make_notebooks.main(["--check"]) == 1
    assert "was made from another version of tutorials/01_demo.py" in capsys.readouterr().err
    (notebooks / "99_orphan.ipynb").write_text("{}", encoding="utf-8")
    assert make_notebooks.main(["--check"]) == 1
    assert "99_orphan.ipynb has no tutorial script" in capsys.readouterr().err
    assert make_notebooks.main(["77"]) == 2  # no such tutorial: an error, not a traceback
    assert "no tutorial in tutorials/ starts with 77" in capsys.readouterr().err


# ------------------------------------------------------------- (b) scripts run


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_runs_headless(script, tmp_path):
    home, cwd, out = tmp_path / "home", tmp_path / "cwd", tmp_path / "figures"
    home.mkdir()
    cwd.mkdir()
    env = _env(HEBBMEM_FAST="1", MPLBACKEND="Agg", HOME=str(home), HEBBMEM_TUTORIAL_OUTPUT=str(out))
    env.pop("MPLCONFIGDIR", None)
    done = subprocess.run([sys.executable, str(script)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Warning" not in done.stderr, done.stderr[-3000:]
    assert list(cwd.iterdir()) == []  # nothing written into the working directory
    figures = sorted(p.name for p in out.iterdir())
    assert figures and all(name.startswith(script.name[:3]) and name.endswith(".png") for name in figures)
    assert all((out / name).stat().st_size > 0 for name in figures)


# ------------------------------------------- (c) the refresh pipeline, in a kernel


@pytest.mark.slow  # about 10 s alone (25 s on a busy machine): a kernel start plus tutorial 02's short path
def test_refresh_pipeline_executes_a_tutorial_in_a_kernel(tmp_path):
    pytest.importorskip("jupytext")
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    script = ROOT / "tutorials" / "02_skimage_image_memory.py"  # the one with the widget cell
    make_notebooks._private_kernel(tmp_path)
    nb = make_notebooks.build(script, tmp_path, fast=True)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    assert nb.metadata["hebbmem"]["source_sha256"] == hashlib.sha256(script.read_bytes()).hexdigest()
    outputs = [o for c in code for o in c.outputs]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 5
    stderr = "".join(o["text"] for o in outputs if o.get("name") == "stderr")
    assert "Warning" not in stderr, stderr
