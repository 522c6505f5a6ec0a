"""The tutorials: notebooks match their scripts, scripts run, notebooks execute in a kernel.

* ``tutorials/NN_*.py`` are the source; ``notebooks/NN_*.ipynb`` are generated
  from them by ``scripts/make_notebooks.py`` and must not drift.
* Every script runs headless as a fresh process (``HEBBMEM_FAST=1``,
  ``MPLBACKEND=Agg``, an empty ``HOME``, a temporary working directory); it
  writes its figures only into ``HEBBMEM_TUTORIAL_OUTPUT`` and nothing into
  the working directory.
* Every notebook executes in a real Jupyter kernel (nbclient + ipykernel)
  running this very interpreter, with ``HEBBMEM_FAST=1``.

The tutorials check their own central claims with ``assert`` statements, so a
run that passes also confirms what they tell the reader.
"""

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


def test_there_are_tutorials_and_notebooks():
    assert [s.stem for s in SCRIPTS] == ["01_mnist_digit_memory", "02_skimage_image_memory"]
    assert [n.stem for n in NOTEBOOKS] == [s.stem for s in SCRIPTS]


# ------------------------------------------------------------------ (a) drift


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_notebook_matches_its_script(script):
    notebook = make_notebooks.notebook_path(script)
    expected = make_notebooks.notebook_text(script)
    assert notebook.read_text(encoding="utf-8") == expected, (
        f"{notebook.name} drifted from {script.name}; regenerate: python scripts/make_notebooks.py"
    )
    nb = json.loads(expected)
    assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert nb["cells"][0]["cell_type"] == "markdown"


def test_check_command_passes_on_the_repository():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_check_detects_drift_and_regeneration_is_deterministic(tmp_path, monkeypatch, capsys):
    tutorials, notebooks = tmp_path / "tutorials", tmp_path / "notebooks"
    tutorials.mkdir()
    script = tutorials / "01_demo.py"
    script.write_text("# %% [markdown]\n# # Title\n#\n# Some *text*.\n\n# %%\nx = 1\n\n\n# %%\nprint(x)\n",
                      encoding="utf-8")
    monkeypatch.setattr(make_notebooks, "ROOT", tmp_path)
    monkeypatch.setattr(make_notebooks, "TUTORIALS", tutorials)
    monkeypatch.setattr(make_notebooks, "NOTEBOOKS", notebooks)

    assert make_notebooks.main(["--check"]) == 1  # the notebook is missing
    assert make_notebooks.main([]) == 0
    first = (notebooks / "01_demo.ipynb").read_bytes()
    assert make_notebooks.main([]) == 0
    assert (notebooks / "01_demo.ipynb").read_bytes() == first  # identical bytes
    assert make_notebooks.main(["--check"]) == 0

    cells = json.loads(first)["cells"]
    assert [c["cell_type"] for c in cells] == ["markdown", "code", "code"]
    assert cells[0]["source"] == ["# Title\n", "\n", "Some *text*."]
    assert cells[1]["source"] == ["x = 1"]

    script.write_text(script.read_text(encoding="utf-8").replace("x = 1", "x = 2"), encoding="utf-8")
    assert make_notebooks.main(["--check"]) == 1  # drift is reported
    (notebooks / "99_orphan.ipynb").write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert make_notebooks.main(["--check"]) == 1
    assert "99_orphan.ipynb has no tutorial script" in capsys.readouterr().err

    script.write_text("# %% [markdown]\nnot a comment\n", encoding="utf-8")
    assert make_notebooks.main(["--check"]) == 1  # a malformed script is an error, not a traceback
    assert make_notebooks.main([]) == 1
    assert "must start with '# '" in capsys.readouterr().err


def test_markdown_lines_must_be_comments():
    with pytest.raises(ValueError, match="must start with '# '"):
        make_notebooks.split_cells("# %% [markdown]\n# fine\nnot a comment\n")
    with pytest.raises(ValueError, match="before the first"):
        make_notebooks.split_cells("import os\n# %%\nx = 1\n")


# ------------------------------------------------------------- (b) scripts run


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_script_runs_headless(script, tmp_path):
    home, cwd, out = tmp_path / "home", tmp_path / "cwd", tmp_path / "figures"
    home.mkdir()
    cwd.mkdir()
    env = dict(os.environ)
    env.update(
        HEBBMEM_FAST="1",
        MPLBACKEND="Agg",
        HOME=str(home),
        HEBBMEM_TUTORIAL_OUTPUT=str(out),
        # the hebbmem of this checkout, even if the tests run without installing it
        PYTHONPATH=os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]),
    )
    env.pop("MPLCONFIGDIR", None)
    done = subprocess.run([sys.executable, str(script)], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Warning" not in done.stderr, done.stderr[-3000:]
    assert list(cwd.iterdir()) == []  # nothing written into the working directory
    figures = sorted(p.name for p in out.iterdir())
    assert figures and all(name.startswith(script.name[:3]) and name.endswith(".png") for name in figures)
    assert all((out / name).stat().st_size > 0 for name in figures)


# ------------------------------------------------------ (c) notebooks execute


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes_in_a_kernel(notebook, tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")

    # A private kernelspec that runs *this* interpreter, so the kernel sees the
    # same hebbmem as the tests whatever other kernels are installed.
    spec_dir = tmp_path / "jupyter" / "kernels" / "hebbmem-tests"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "hebbmem tests",
        "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("HEBBMEM_FAST", "1")
    monkeypatch.delenv("HEBBMEM_TUTORIAL_OUTPUT", raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    workdir = tmp_path / "work"
    workdir.mkdir()

    nb = nbformat.read(notebook, as_version=4)
    client = nbclient.NotebookClient(nb, kernel_name="hebbmem-tests", timeout=300,
                                     resources={"metadata": {"path": str(workdir)}})
    client.execute()

    streams = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
               if o.get("output_type") == "stream"]
    assert any(o["name"] == "stdout" for o in streams)
    stderr = "".join(o["text"] for o in streams if o["name"] == "stderr")
    assert "Warning" not in stderr, stderr
    assert list(workdir.iterdir()) == []  # no figure files: OUTPUT is not set
