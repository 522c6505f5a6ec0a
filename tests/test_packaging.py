"""Import stays light, and never fails because of the Numba cache."""

import subprocess
import sys
import textwrap


def run_python(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300)


def test_import_is_light():
    out = run_python("""
        import sys
        import hebbmem
        heavy = [m for m in ("numba", "scipy", "skimage", "matplotlib") if m in sys.modules]
        print(heavy)
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_kernels_work_when_no_cache_directory_is_writable():
    # Numba raises "cannot cache function ...: no locator available" at
    # decoration time when neither __pycache__ nor ~/.cache is writable. We
    # reproduce that by removing every cache locator before hebbmem compiles.
    out = run_python("""
        import numpy as np
        from numba.core import caching
        caching.CacheImpl._locator_classes = []
        import hebbmem as hm
        import hebbmem._kernels as k
        X = np.where(np.random.default_rng(0).random((3, 60)) < 0.5, 1.0, -1.0)
        for asyn in (False, True):
            model = hm.HopfieldNetwork(60, asyn=asyn, seed=0)
            out = hm.HebbianTrainer(model, subtract_mean=False).train(X).predict_batch(X)
            assert (out == X).all()
        print(type(k.sync_pass._cache).__name__)
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "NullCache"


def test_demo_help_and_bad_options():
    ok = subprocess.run([sys.executable, "-m", "hebbmem", "demo", "--help"], capture_output=True, text=True)
    assert ok.returncode == 0 and "--noise" in ok.stdout and "pictures" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "hebbmem", "demo", "--noise", "1.5"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "between 0 and 1" in bad.stderr
    bad = subprocess.run([sys.executable, "-m", "hebbmem", "demo", "--rule", "oja"], capture_output=True,
                         text=True)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
