"""Pages generated at every build, so the docs never repeat what lives elsewhere.

* ``_generated/api/``: one page per public module of hebbmem, found by
  walking the package (a module added tomorrow appears without editing the
  docs). Each object is documented once, on the first page that exports it
  (``hebbmem`` itself first, then the submodules in order); other pages that
  re-export it link to that entry.
* ``_generated/guide.md`` and ``_generated/contributing.md``: README.md and
  CONTRIBUTING.md, with their repository paths made to work from the docs
  (links to ``docs/*.md`` become links to those pages).
* ``_generated/tutorials/``: the committed, executed notebooks of
  ``notebooks/`` (rendered by myst-nb without running them again) and a
  gallery page with one thumbnail per tutorial: its first figure.

Called from ``conf.py``; nothing here is imported by hebbmem.
"""

import base64
import importlib
import inspect
import json
import pkgutil
import re
import shutil
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
OUT = DOCS / "_generated"


def _write(path, text):
    """Write only when the text changed, so incremental builds stay incremental."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _heading(text, char):
    return f"{text}\n{char * len(text)}\n"


# ----------------------------------------------------------------------- API


def public_modules(package="hebbmem"):
    """``package`` and every submodule whose dotted name has no part starting with ``_``."""
    pkg = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(pkg.__path__, prefix=package + "."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def _exported(module):
    """(name, object) pairs a module exports: its ``__all__``, else its public own definitions."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n, obj in vars(module).items()
                 if not n.startswith("_") and getattr(obj, "__module__", None) == module.__name__
                 and (inspect.isclass(obj) or inspect.isfunction(obj))]
    pairs = []
    for name in names:
        obj = getattr(module, name)
        if not inspect.ismodule(obj):
            pairs.append((name, obj))
    return pairs


def _directive(obj):
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "autoexception", ["   :show-inheritance:"]
        return "autoclass", ["   :members:", "   :show-inheritance:"]
    if callable(obj):
        return "autofunction", []
    return "autodata", []


def _first_line(module):
    doc = inspect.getdoc(module) or ""
    return doc.strip().splitlines()[0].rstrip(".") if doc.strip() else ""


def write_api(package="hebbmem", api=None):
    """Write one page per public module and an index into ``api``; return the module names."""
    modules = public_modules(package)
    owner = {}  # id(obj) -> documented dotted name
    pages = {}
    for modname in modules:
        module = importlib.import_module(modname)
        own, linked = [], []
        for name, obj in _exported(module):
            full = f"{modname}.{name}"
            if id(obj) in owner:
                linked.append(owner[id(obj)])
            else:
                owner[id(obj)] = full
                own.append((full, obj))
        pages[modname] = (own, linked)

    api = OUT / "api" if api is None else Path(api)
    for modname, (own, linked) in pages.items():
        lines = [_heading(f"``{modname}``", "="), f".. automodule:: {modname}", "   :no-members:", ""]
        if own:
            lines += [".. rubric:: Summary", "", ".. autosummary::", "   :nosignatures:", ""]
            lines += [f"   {full[len(modname) + 1:]}" for full, _ in own] + [""]  # relative: automodule set the module
        if linked:
            lines += [".. rubric:: Also available here", "",
                      f"``{modname}`` also exports these, documented where they are listed first:", "",
                      ".. autosummary::", "   :nosignatures:", ""]
            lines += [f"   {full}" for full in linked] + [""]
        for full, obj in own:
            directive, options = _directive(obj)
            lines += [f".. {directive}:: {full}"] + options + [""]
        _write(api / f"{modname}.rst", "\n".join(lines))

    index = [_heading("API reference", "="),
             f"Every public module of {package}, generated from the numpydoc docstrings. "
             "The main classes are importable from ``hebbmem`` itself (``import hebbmem as hm; "
             "hm.HopfieldNetwork``); the other modules load on first use (``hm.noise``, "
             "``hm.plotting``, ...).", "",
             ".. list-table::", "   :widths: 30 70", ""]
    for modname in modules:
        index += [f"   * - :mod:`{modname}`", f"     - {_first_line(importlib.import_module(modname))}"]
    index += ["", ".. toctree::", "   :hidden:", ""] + [f"   {m}" for m in modules] + [""]
    _write(api / "index.rst", "\n".join(index))
    for stale in api.glob("*.rst"):
        if stale.stem not in modules and stale.stem != "index":
            stale.unlink()
    return modules


# --------------------------------------------------------------------- README

_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")


def _fix_link(match):
    bang, text, target = match.groups()
    if re.match(r"[a-z]+://|#|mailto:", target):
        return match.group(0)
    if bang:  # images: README paths are relative to the repository root
        if target.startswith("docs/"):
            return f"![{text}](../{target[len('docs/'):]})"
        copy = OUT / "readme_images" / Path(target).name  # an image elsewhere in the repository
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / target, copy)
        return f"![{text}](readme_images/{copy.name})"
    if target.startswith("docs/") and target.endswith(".md"):  # a page of these docs
        return f"[{text}](../{target[len('docs/'):]})"
    if target in _PAGES:  # a repository file that is also a page here
        return f"[{text}]({_PAGES[target]})"
    # a file of the repository, not a page of these docs: keep the words, drop the link
    return text if text.startswith("`") else f"{text} (`{target}`)"


_PAGES = {"CONTRIBUTING.md": "contributing.md"}


def write_guide():
    """README.md and CONTRIBUTING.md as pages, with repository paths fixed for the docs."""
    for source, page in (("README.md", "guide.md"), *_PAGES.items()):
        text = (ROOT / source).read_text(encoding="utf-8")
        text = _LINK.sub(_fix_link, text)
        header = f"<!-- generated from {source} at build time by docs/_hebbmem_docs.py: edit {source} -->\n\n"
        _write(OUT / page, header + text)


# ------------------------------------------------------------------ tutorials


def _title(nb, fallback):
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for line in src.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


def _first_png(nb):
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {}).get("image/png")
            if data:
                return base64.b64decode("".join(data) if isinstance(data, list) else data)
    return None


def write_tutorials():
    """Copy the notebooks and write the gallery page; return the tutorial names."""
    dest = OUT / "tutorials"
    dest.mkdir(parents=True, exist_ok=True)
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    cards = []
    for path in notebooks:
        target = dest / path.name
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)
        nb = json.loads(path.read_text(encoding="utf-8"))
        png = _first_png(nb)
        thumb = None
        if png is not None:
            thumb = dest / "thumbs" / f"{path.stem}.png"
            thumb.parent.mkdir(exist_ok=True)
            if not thumb.exists() or thumb.read_bytes() != png:
                thumb.write_bytes(png)
        script = ROOT / "tutorials" / f"{path.stem}.py"
        cards.append((path.stem, _title(nb, path.stem), thumb, script.exists()))
    for stale in list(dest.glob("*.ipynb")) + list(dest.glob("thumbs/*.png")):
        if stale.stem not in {p.stem for p in notebooks}:
            stale.unlink()

    lines = [_heading("Tutorials", "="),
             "Each tutorial is a ``# %%`` script in ``tutorials/`` and an executed notebook in "
             "``notebooks/``; the pages below show the notebooks with the outputs and figures they "
             "were committed with (the docs build does not run them again). Each one computes "
             "the rule by hand in NumPy first, then uses hebbmem, then compares the two.", ""]
    lines += [".. container:: hm-gallery", ""]
    for stem, title, thumb, has_script in cards:  # one card per tutorial, laid out as a grid by hebbmem.css
        lines += ["   .. container:: hm-card", "", f"      :doc:`{title} <{stem}>`", ""]
        if thumb is not None:
            lines += [f"      .. image:: thumbs/{stem}.png", f"         :target: {stem}.html",
                      f"         :alt: {title}", "         :class: hm-thumb", ""]
        source = f"``tutorials/{stem}.py``, " if has_script else ""
        lines += [f"      {source}``notebooks/{stem}.ipynb``", ""]
    lines += [".. toctree::", "   :hidden:", ""] + [f"   {stem}" for stem, *_ in cards] + [""]
    _write(dest / "index.rst", "\n".join(lines))
    return [stem for stem, *_ in cards]


def generate():
    """Write every generated page (called by conf.py)."""
    write_guide()
    write_tutorials()
    write_api()
    write_widget_figure()


# --------------------------------------------------------------------- widget


def write_widget_figure():
    """The recall explorer's figure for a small MNIST example (what the widget shows)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import hebbmem as hm
    from hebbmem.datasets import binarize, load_mnist
    from hebbmem.plotting import plot_recall_session
    from hebbmem.widgets import RecallSession

    images, labels = load_mnist()
    X = binarize(images[[np.flatnonzero(labels == d)[0] for d in range(3)]]).reshape(3, -1)
    session = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(784, asyn=True, seed=0)), X,
                            noise=0.3, seed=0)
    session.select(1)
    session.set_rule("PseudoInverse")
    session.run()
    fig = plot_recall_session(session)
    path = OUT / "recall_explorer.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


# -------------------------------------------------------------------- offline


MATHJAX_DIST = "django-static-mathjax"  # a plain copy of MathJax 3.2.2 (no Django needed)
MATHJAX_FILE = "tex-svg.js"


def write_mathjax(dest=None):
    """Copy MathJax into a static folder of the site; return that folder.

    The site must work offline (a classroom without internet), so MathJax is
    served from the site's ``_static/mathjax/``, never from a CDN: the
    ``tex-svg.js`` component (TeX input, SVG output, which draws the glyphs
    itself, so there are no web fonts to fetch) and the TeX extensions it
    loads on demand (``\\boldsymbol``, ``\\cancel``, ... ; 0.5 MB), so formulas
    behave as with MathJax's usual CDN set-up. Not ``tex-svg-full.js``: it
    loads every extension up front, among them textmacros, which turns
    ``\\text{zero_diagonal}`` (fine otherwise) into an error. MathJax's licence
    goes with it.
    """
    from importlib import metadata

    try:
        dist = metadata.distribution(MATHJAX_DIST)
    except metadata.PackageNotFoundError:
        raise RuntimeError(
            f"the docs serve MathJax themselves and take it from the {MATHJAX_DIST} package: "
            'install the docs requirements with pip install -e ".[docs]"') from None
    es5 = Path(dist.locate_file("mathjax/static/mathjax/es5"))
    dest = OUT / "static" if dest is None else Path(dest)
    files = [(es5 / MATHJAX_FILE, MATHJAX_FILE), (es5.parent / "LICENSE", "LICENSE")]
    files += [(f, f"input/tex/extensions/{f.name}") for f in sorted((es5 / "input/tex/extensions").glob("*.js"))]
    for src, name in files:
        target = dest / "mathjax" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.read_bytes() != src.read_bytes():
            shutil.copyfile(src, target)
    return dest
