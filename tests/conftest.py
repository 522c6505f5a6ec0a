import os
import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")


def random_patterns(n_patterns, n_neurons, seed):
    """Random +1/-1 patterns (float64)."""
    rng = np.random.default_rng(seed)
    return np.where(rng.random((n_patterns, n_neurons)) < 0.5, 1.0, -1.0)


def corrupt(X, fraction, seed):
    """Flip exactly int(N * fraction) bits of every row (a new array)."""
    rng = np.random.default_rng(seed)
    Y = np.array(X, dtype=float, copy=True)
    k = int(Y.shape[1] * fraction)
    for row in Y:
        row[rng.choice(Y.shape[1], k, replace=False)] *= -1
    return Y


@pytest.fixture
def patterns():
    return random_patterns(6, 120, seed=0)


@pytest.fixture(scope="session")
def docs_site(tmp_path_factory):
    """The documentation site, built once per pytest run; the folder of its HTML.

    The README's command, ``python -m sphinx -W --keep-going -b html docs
    docs/_build/html``, into a temporary folder (about 25 s on 2 cores). Shared
    by tests/test_docs.py and tests/test_docs_browser.py so the site is built
    once however many of them run.
    """
    for module in ("sphinx", "myst_nb", "furo"):
        pytest.importorskip(module)
    root = Path(__file__).resolve().parents[1]
    out = tmp_path_factory.mktemp("docs")
    env = dict(os.environ, MPLBACKEND="Agg")
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html",
         "-d", str(out / "doctrees"), str(root / "docs"), str(out / "html")],
        cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, f"docs build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    assert "WARNING" not in proc.stderr, proc.stderr
    return out / "html"
