"""Sphinx configuration of the hebbmem documentation.

Build (from the repository root, after ``pip install -e ".[docs]"``)::

    python -m sphinx -W --keep-going -b html docs docs/_build/html

The API pages, the guide (README.md) and the tutorial gallery (the executed
notebooks of notebooks/) are generated into docs/_generated/ at every build
by docs/_hebbmem_docs.py; nothing there is edited by hand.
"""

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))
sys.path.insert(0, str(DOCS.parent))  # the hebbmem of this checkout, installed or not
os.environ.setdefault("MPLBACKEND", "Agg")

import hebbmem  # noqa: E402
import _hebbmem_docs  # noqa: E402

_hebbmem_docs.generate()

project = "hebbmem"
author = "the hebbmem developers"
copyright = "hebbmem developers, BSD-3-Clause"
release = version = hebbmem.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_nb",
]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}

# autodoc + napoleon: numpydoc-style docstrings, each object documented once
autosummary_generate = False  # docs/_hebbmem_docs.py writes the pages
autodoc_member_order = "bysource"
autodoc_default_options = {"exclude-members": "__init__"}
autodoc_typehints = "none"  # the docstrings give the types
autoclass_content = "class"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_ivar = True  # "Attributes" as fields, so a property listed there is not described twice
napoleon_use_rtype = False

# myst-nb: render the committed outputs, never execute
nb_execution_mode = "off"
# A static page has no kernel to run a widget: show the PNG snapshot a widget
# such as RecallExplorer carries (or its text) instead of an inert widget view.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
myst_heading_anchors = 3
myst_enable_extensions = ["dollarmath"]

# Offline (a classroom without internet): the site loads nothing from elsewhere.
# MathJax 3 is copied into _static/mathjax/ by docs/_hebbmem_docs.py (TeX input
# with its extensions, SVG output: no web fonts).
mathjax_path = f"mathjax/{_hebbmem_docs.MATHJAX_FILE}"
mathjax3_config = {"svg": {"fontCache": "global"}}  # glyphs drawn once per page; myst adds processHtmlClass
# No require.js and widget manager from a CDN on a page whose notebook holds widget
# state: with the override above no widget view is rendered, only its snapshot.
nb_ipywidgets_js = {}

html_theme = "furo"
html_title = f"hebbmem {release}"
html_static_path = ["_static", str(_hebbmem_docs.write_mathjax().relative_to(DOCS))]
html_css_files = ["hebbmem.css"]
html_show_sourcelink = False
