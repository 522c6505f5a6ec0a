"""The documentation site: it builds with warnings as errors, and it shows what it should.

The build is the README's command, ``python -m sphinx -W --keep-going -b html
docs docs/_build/html`` (here into a temporary folder). It takes about 25 s
on the project's 2-core machine, so it runs once per session (the
``docs_site`` fixture of tests/conftest.py, shared with the browser test in
tests/test_docs_browser.py) and is marked slow. The page generator
(docs/_hebbmem_docs.py) is also tested on its own, on a throw-away package.
"""

import importlib
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

pytest.importorskip("sphinx")
pytest.importorskip("myst_nb")
pytest.importorskip("furo")


def _docs_module():
    sys.path.insert(0, str(DOCS))
    try:
        return importlib.import_module("_hebbmem_docs")
    finally:
        sys.path.remove(str(DOCS))


@pytest.fixture
def site(docs_site):
    """The built site (tests/conftest.py builds it once per run, for the browser test too)."""
    return docs_site


def _text(html_file):
    return re.sub(r"<[^>]+>", " ", html_file.read_text(encoding="utf-8"))


@pytest.mark.slow
def test_every_public_module_has_an_api_page(site):
    docs = _docs_module()
    modules = docs.public_modules("hebbmem")
    assert {"hebbmem", "hebbmem.analysis", "hebbmem.plotting", "hebbmem.widgets", "hebbmem.noise",
            "hebbmem.datasets"} <= set(modules)
    assert not any(part.startswith("_") for m in modules for part in m.split("."))
    for modname in modules:
        page = site / "_generated" / "api" / f"{modname}.html"
        assert page.exists(), f"no API page for {modname}"
        module = importlib.import_module(modname)
        for name in getattr(module, "__all__", []):
            if not hasattr(getattr(module, name), "__module__") or name.startswith("_"):
                continue
            # documented here or linked to where it is documented
            assert re.search(rf'id="{re.escape(modname)}\.{name}"|href="[^"]*#hebbmem(\.\w+)*\.{name}"',
                             page.read_text(encoding="utf-8")), f"{modname}.{name} is missing from its page"


@pytest.mark.slow
def test_api_page_content(site):
    top = (site / "_generated" / "api" / "hebbmem.html").read_text(encoding="utf-8")
    assert 'id="hebbmem.HopfieldNetwork"' in top and 'id="hebbmem.HopfieldNetwork.recall"' in top
    assert "Parameters" in top and 'class="math' in top  # napoleon sections, .. math:: blocks
    widgets = (site / "_generated" / "api" / "hebbmem.widgets.html").read_text(encoding="utf-8")
    assert 'id="hebbmem.widgets.RecallExplorer"' in widgets and 'id="hebbmem.widgets.RecallSession.step"' in widgets
    # a compatibility module links to the single entry instead of repeating it
    trainer = (site / "_generated" / "api" / "hebbmem.trainer.html").read_text(encoding="utf-8")
    assert 'id="hebbmem.trainer.Trainer"' not in trainer and "hebbmem.html#hebbmem.Trainer" in trainer


@pytest.mark.slow
def test_guide_is_the_readme(site):
    text = _text(site / "_generated" / "guide.html")
    headings = re.findall(r"^##+ (.+)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    assert "Quick start" in headings
    for heading in headings:
        plain = re.sub(r"[`*]", "", heading).strip()
        assert plain in text, f"README section {heading!r} is missing from the guide"
    assert (site / "_images" / "hopfield_memory.png").exists()


@pytest.mark.slow
def test_readme_links_work_on_the_site(site):
    # Every link of the README that names a docs page, or CONTRIBUTING.md, is a working link on the site.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"\]\(((?:docs/[\w-]+\.md)|CONTRIBUTING\.md)\)", readme))
    assert {"docs/conventions.md", "docs/differences.md", "docs/speed.md", "CONTRIBUTING.md"} <= targets
    guide = (site / "_generated" / "guide.html").read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href="([^"#]+\.html)', guide))
    for target in targets:
        page = "contributing.html" if target == "CONTRIBUTING.md" else "../" + target[5:-3] + ".html"
        assert page in hrefs, f"README link {target} is not a link on the site ({sorted(hrefs)[:8]} ...)"
        assert (site / "_generated" / page).resolve().exists(), page


@pytest.mark.slow
def test_reference_pages_hold_what_left_the_readme(site):
    pages = {"conventions": ["Tie rule", "Randomness", "hebbmem.random.seed"],
             "differences": ["Ties", "hebbmem keeps the neuron", "Layers and plasticity"],
             "speed": ["canns ÷ hebbmem", "benchmarks/run.py"],
             "models": ["Memory science", "Beyond Hopfield"]}
    for page, phrases in pages.items():
        text = _text(site / f"{page}.html")
        for phrase in phrases:
            assert phrase in text, f"{page}: {phrase!r} missing"


@pytest.mark.slow
def test_tutorial_gallery_shows_every_notebook_with_its_figures(site):
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    gallery = (site / "_generated" / "tutorials" / "index.html").read_text(encoding="utf-8")
    for path in notebooks:
        page = site / "_generated" / "tutorials" / f"{path.stem}.html"
        assert page.exists() and f"{path.stem}.html" in gallery
        nb = json.loads(path.read_text(encoding="utf-8"))
        n_png = sum("image/png" in out.get("data", {}) for cell in nb["cells"] for out in cell.get("outputs", []))
        n_img = page.read_text(encoding="utf-8").count("<img")
        assert n_img >= n_png, f"{path.name}: {n_png} figures in the notebook, {n_img} on the page"
        if n_png:
            assert f"thumbs/{path.stem}.png" in gallery or f"{path.stem}.png" in gallery


@pytest.mark.slow
def test_widget_page_and_index(site):
    widget = re.sub(r"\s+", " ", _text(site / "widget.html").replace("&quot;", '"'))
    assert 'pip install "hebbmem[widgets]"' in widget
    assert (site / "_images" / "recall_explorer.png").exists()
    index = (site / "index.html").read_text(encoding="utf-8")
    for target in ("_generated/guide.html", "_generated/tutorials/index.html", "widget.html",
                   "_generated/api/index.html"):
        assert target in index


# tag -> the attributes whose URLs a browser loads with the page
_LOADS = {"script": ("src",), "img": ("src", "srcset"), "source": ("src", "srcset"),
          "iframe": ("src",), "embed": ("src",), "object": ("data",), "video": ("src", "poster"),
          "audio": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href")}


class _Resources(HTMLParser):
    """The URLs a page loads by itself (scripts, stylesheets, icons, fonts, images, frames), not its links."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        names = _LOADS.get(tag, ())
        if tag == "link" and not set((attrs.get("rel") or "").split()) <= {"index", "search", "next", "prev",
                                                                          "canonical", "alternate", "author"}:
            names = ("href",)  # stylesheet, icon, preload, ...: loaded; navigation links are not
        for name in names:
            for url in re.split(r",\s+", attrs.get(name) or ""):
                if url.strip():
                    self.urls.append(url.strip().split()[0])
        if "style" in attrs:
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", attrs["style"])


def _remote(url):
    """True for a URL that leaves the site: any host but 127.0.0.1 (relative URLs and data: stay)."""
    parts = urlsplit(url)
    if parts.scheme == "data" or not (parts.scheme or parts.netloc):
        return False
    return parts.hostname != "127.0.0.1"


@pytest.mark.slow
def test_site_loads_nothing_from_elsewhere(site):
    """Offline (issue 17): no page or stylesheet fetches a script, style, font or image off the site.

    tests/test_docs_browser.py checks the same in a browser with the network
    blocked; this is the check that needs no browser.
    """
    remote = []
    for page in sorted(site.rglob("*.html")):
        parser = _Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        remote += [f"{page.relative_to(site)}: {url}" for url in parser.urls if _remote(url)]
    for sheet in sorted(site.rglob("*.css")):
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.DOTALL)
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", css) + re.findall(r"@import\s+['\"]([^'\"]+)", css)
        remote += [f"{sheet.relative_to(site)}: {url}" for url in urls if _remote(url)]
    assert not remote, "resources from elsewhere:\n" + "\n".join(remote[:20])
    assert (site / "_static" / "mathjax" / "tex-svg.js").stat().st_size > 1_000_000  # served by the site
    assert "_static/mathjax/tex-svg.js" in (site / "_generated" / "api" / "hebbmem.html").read_text(encoding="utf-8")


def test_generator_finds_new_modules_and_documents_each_object_once(tmp_path, monkeypatch):
    pkg = tmp_path / "fakepkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        '"""Fake."""\nfrom .core import Thing\n__all__ = ["Thing"]\n', encoding="utf-8")
    (pkg / "core.py").write_text(
        '"""Core."""\n__all__ = ["Thing", "helper"]\nclass Thing:\n    """A thing."""\n'
        'def helper():\n    """Help."""\n', encoding="utf-8")
    (pkg / "_private.py").write_text('"""Hidden."""\n', encoding="utf-8")
    (pkg / "sub" / "__init__.py").write_text('"""Sub."""\n', encoding="utf-8")
    (pkg / "sub" / "new.py").write_text(
        '"""Added tomorrow."""\ndef fresh():\n    """New."""\n', encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    docs = _docs_module()
    modules = docs.write_api("fakepkg", api=tmp_path / "api")
    assert modules == ["fakepkg", "fakepkg.core", "fakepkg.sub", "fakepkg.sub.new"]
    core = (tmp_path / "api" / "fakepkg.core.rst").read_text(encoding="utf-8")
    assert ".. autofunction:: fakepkg.core.helper" in core
    assert ".. autoclass:: fakepkg.core.Thing" not in core and "fakepkg.Thing" in core  # linked, not repeated
    top = (tmp_path / "api" / "fakepkg.rst").read_text(encoding="utf-8")
    assert ".. autoclass:: fakepkg.Thing" in top
    new = (tmp_path / "api" / "fakepkg.sub.new.rst").read_text(encoding="utf-8")
    assert ".. autofunction:: fakepkg.sub.new.fresh" in new  # no __all__: its own public functions
    assert "fakepkg.sub.new" in (tmp_path / "api" / "index.rst").read_text(encoding="utf-8")
