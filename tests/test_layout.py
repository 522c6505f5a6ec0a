"""The house stays as CONTRIBUTING.md describes it: one room per family, no import circles, small shared pieces.

These tests read the package's source with :mod:`ast` (nothing is imported),
so they see every import, including those inside functions.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "hebbmem"
CANNS_PATHS = ("models", "trainer", "analyzer", "utils")
HELPERS = ("analysis", "plotting", "widgets", "datasets", "noise", "io", "cli", "data")
#: Every other subpackage is a model family.
FAMILIES = tuple(sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()
                        and p.name not in CANNS_PATHS + HELPERS))
#: The only dependencies allowed between families, one way: family -> families it builds on.
FAMILY_DEPENDS = {"reward": {"plasticity"}}
MAX_LINES = 520  # "about 500"; kernel modules are exempt


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module, node):
    """The hebbmem modules an import statement of ``module`` reaches (submodules resolved by name)."""
    is_package = MODULES[module].name == "__init__.py"
    if isinstance(node, ast.Import):
        bases = [alias.name for alias in node.names]
        names = [None]
    else:
        if node.level:
            anchor = module.split(".")
            if not is_package:
                anchor = anchor[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join(anchor + ([node.module] if node.module else []))
        else:
            base = node.module
        bases = [base]
        names = [alias.name for alias in node.names]
    reached = set()
    for base in bases:
        if not base.startswith("hebbmem"):
            continue
        for name in names:
            target = f"{base}.{name}" if name and f"{base}.{name}" in MODULES else base
            while target not in MODULES:  # `import hebbmem.a.b` reaches hebbmem.a.b
                target = target.rpartition(".")[0]
            reached.add(target)
    return reached


def _imports(module):
    """Every hebbmem module ``module`` imports, at module level or inside a function."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    edges = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            edges |= _resolve(module, node)
    edges.discard(module)
    return edges


GRAPH = {module: _imports(module) for module in MODULES}


def _cycle():
    """One import circle as a list of modules, or None (depth-first search, colours white/grey/black)."""
    colour = dict.fromkeys(GRAPH, 0)
    stack = []

    def visit(node):
        colour[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if colour[nxt] == 1:
                return stack[stack.index(nxt):] + [nxt]
            if colour[nxt] == 0:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        colour[node] = 2
        return None

    for node in sorted(GRAPH):
        if colour[node] == 0:
            found = visit(node)
            if found:
                return found
    return None


def test_families_are_found():
    assert {"hopfield", "plasticity"} <= set(FAMILIES)


def test_the_walk_sees_the_imports_it_should():
    # A guard on the walker itself, so the circle test cannot pass by seeing nothing.
    assert {"hebbmem.hopfield", "hebbmem.plasticity", "hebbmem.io"} <= GRAPH["hebbmem"]
    assert "hebbmem._trainer" in GRAPH["hebbmem.plasticity.trainers"]
    assert "hebbmem.hopfield.dynamics" in GRAPH["hebbmem.hopfield.networks"]
    assert "hebbmem.hopfield._kernels" in GRAPH["hebbmem.hopfield.dynamics"]  # a function-level import


def test_there_is_no_import_circle():
    cycle = _cycle()
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_a_circle_would_be_found(monkeypatch):
    monkeypatch.setitem(GRAPH, "hebbmem._validation", GRAPH["hebbmem._validation"] | {"hebbmem.hopfield.rules"})
    assert _cycle() is not None


def test_shared_pieces_import_no_family():
    shared = [m for m in MODULES if m.count(".") == 1 and MODULES[m].name != "__init__.py"
              and m.split(".")[1].startswith("_") and m != "hebbmem.__main__"]
    assert {"hebbmem._validation", "hebbmem._trainer", "hebbmem._numba", "hebbmem._progress"} <= set(shared)
    for module in shared + ["hebbmem.exceptions", "hebbmem.io"]:
        families = {m for m in GRAPH[module] if m.split(".")[1:2] and m.split(".")[1] in FAMILIES}
        assert not families, f"{module} is shared but imports {sorted(families)}"


@pytest.mark.parametrize("family", FAMILIES)
def test_families_import_no_other_family(family):
    for module in (m for m in MODULES if m.startswith(f"hebbmem.{family}")):
        others = {m for m in GRAPH[module] if m.split(".")[1:2] and m.split(".")[1] in FAMILIES
                  and m.split(".")[1] != family and m.split(".")[1] not in FAMILY_DEPENDS.get(family, ())}
        assert not others, f"{module} imports another family: {sorted(others)}"


def test_kernels_import_only_the_numba_setup_and_constants():
    kernels = [m for m in MODULES if m.endswith("._kernels")]
    assert len(kernels) >= 2
    for module in kernels + ["hebbmem._numba"]:
        allowed = {"hebbmem._numba"} | {m for m in MODULES if m.endswith("._constants")}
        assert GRAPH[module] <= allowed, f"{module} imports {sorted(GRAPH[module] - allowed)}"
    for module in (m for m in MODULES if m.endswith("._constants")):
        assert GRAPH[module] == set(), module


def test_canns_paths_are_thin_re_exports():
    for module in (m for m in MODULES if m.split(".")[1:2] and m.split(".")[1] in CANNS_PATHS):
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        logic = [type(n).__name__ for n in tree.body
                 if not isinstance(n, (ast.Import, ast.ImportFrom, ast.Expr, ast.Assign))]
        assert not logic, f"{module} is canns' import path and should only re-export; it has {logic}"
        assert len(MODULES[module].read_text().splitlines()) <= 40, module


def test_top_level_stays_small():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= 12, top


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_are_short_and_say_what_they_are_for(module):
    path = MODULES[module]
    text = path.read_text(encoding="utf-8")
    if not module.endswith("._kernels"):
        assert len(text.splitlines()) <= MAX_LINES, f"{module} has {len(text.splitlines())} lines: split it by concept"
    doc = ast.get_docstring(ast.parse(text))
    assert doc, f"{module} has no module docstring"
    first = doc.strip().split("\n\n")[0]
    assert first.rstrip().endswith((".", ":", ")")), f"{module}: the docstring should open with a sentence"
