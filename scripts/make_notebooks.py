"""Generate notebooks/*.ipynb from the `# %%` tutorial scripts in tutorials/.

Usage::

    python scripts/make_notebooks.py            # (re)write every notebook
    python scripts/make_notebooks.py --check    # exit 1 if a notebook differs from its script

The scripts are the source of truth; the notebooks are generated and never
edited by hand. The format of a script:

* ``# %%`` starts a code cell (text after it on the same line is a title
  comment and is kept in the cell);
* ``# %% [markdown]`` starts a markdown cell whose lines are comments:
  ``# text`` becomes ``text`` and a bare ``#`` an empty line.

The output is nbformat 4.5 JSON with no outputs, no execution counts and
stable cell ids, written with sorted keys, so regenerating gives identical
bytes. Only the standard library is used.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TUTORIALS = ROOT / "tutorials"
NOTEBOOKS = ROOT / "notebooks"

_CELL = re.compile(r"^# %%(?P<rest>.*)$")
_MARKDOWN = re.compile(r"^\s*\[markdown\]\s*$")

METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "pygments_lexer": "ipython3"},
}


def tutorial_scripts():
    """The tutorial scripts, in name order (``NN_name.py``)."""
    return sorted(TUTORIALS.glob("[0-9][0-9]_*.py"))


def notebook_path(script):
    return NOTEBOOKS / (script.stem + ".ipynb")


def split_cells(text, name="<script>"):
    """Split a ``# %%`` script into a list of ``(cell_type, source)`` pairs."""
    cells = []
    kind, lines = None, []

    def close():
        if kind is None:
            return
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        if not lines:
            raise ValueError(f"{name}: empty {kind} cell")
        cells.append((kind, "\n".join(lines)))

    for number, line in enumerate(text.splitlines(), start=1):
        match = _CELL.match(line)
        if match:
            close()
            rest = match.group("rest")
            if _MARKDOWN.match(rest):
                kind, lines = "markdown", []
            else:
                kind, lines = "code", ([line] if rest.strip() else [])
            continue
        if kind is None:
            if line.strip():
                raise ValueError(f"{name}:{number}: text before the first '# %%' cell marker")
            continue
        if kind == "markdown":
            if line.strip() == "#" or not line.strip():
                line = ""
            elif line.startswith("# "):
                line = line[2:]
            else:
                raise ValueError(
                    f"{name}:{number}: a markdown cell line must start with '# ' (or be '#'); got {line!r}"
                )
        lines.append(line.rstrip())
    close()
    if not cells:
        raise ValueError(f"{name}: no '# %%' cells found")
    return cells


def _source_lines(source):
    """Jupyter's convention: a list of lines, each but the last ending with a newline."""
    lines = source.split("\n")
    return [line + "\n" for line in lines[:-1]] + [lines[-1]]


def build_notebook(text, name="<script>"):
    """The notebook (a dict) for a script's text."""
    cells = []
    for index, (kind, source) in enumerate(split_cells(text, name)):
        cell = {"cell_type": kind, "id": f"cell-{index:03d}", "metadata": {}, "source": _source_lines(source)}
        if kind == "code":
            cell["execution_count"] = None
            cell["outputs"] = []
        cells.append(cell)
    return {"cells": cells, "metadata": METADATA, "nbformat": 4, "nbformat_minor": 5}


def render(notebook):
    """Serialise deterministically: sorted keys, one-space indent, UTF-8, final newline."""
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def notebook_text(script):
    """The exact text of the notebook generated from ``script``."""
    script = Path(script)
    return render(build_notebook(script.read_text(encoding="utf-8"), script.name))


def drifted():
    """Notebooks that differ from their script, are missing, or have no script."""
    problems = []
    expected = {}
    for script in tutorial_scripts():
        target = notebook_path(script)
        expected[target.name] = script
        if not target.exists():
            problems.append(f"{target.relative_to(ROOT)} is missing (generate it from {script.name})")
        elif target.read_bytes() != notebook_text(script).encode("utf-8"):
            problems.append(f"{target.relative_to(ROOT)} differs from {script.relative_to(ROOT)}")
    for target in sorted(NOTEBOOKS.glob("*.ipynb")):
        if target.name not in expected:
            problems.append(f"{target.relative_to(ROOT)} has no tutorial script in tutorials/")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 if any notebook differs from its script")
    args = parser.parse_args(argv)
    try:
        return _check() if args.check else _write()
    except ValueError as exc:  # a malformed script
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _check():
    problems = drifted()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print("Regenerate with: python scripts/make_notebooks.py", file=sys.stderr)
        return 1
    print(f"{len(tutorial_scripts())} notebooks match their scripts.")
    return 0


def _write():
    texts = {notebook_path(script): notebook_text(script) for script in tutorial_scripts()}  # parse all first
    NOTEBOOKS.mkdir(exist_ok=True)
    for target, text in texts.items():
        if not target.exists() or target.read_bytes() != text.encode("utf-8"):
            with open(target, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            print(f"wrote {target.relative_to(ROOT)}")
        else:
            print(f"unchanged {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
