"""Issue 10 ("Trust"): exact Storkey and pseudo-inverse weights, memory guards, the Numba cache.

Each exactness corner of the issue is a test with its repro.
"""

import itertools
import math
import textwrap
import tracemalloc
from fractions import Fraction

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hebbmem as hm
import reference as ref
from conftest import random_patterns
from hebbmem import _validation
from hebbmem.hopfield import _weights

pytestmark = pytest.mark.filterwarnings("ignore::hebbmem.ConvergenceWarning")  # num_iter=1 on purpose


def storkey_model(X, n=None, **kwargs):
    n = np.shape(X)[1] if n is None else n
    return hm.Trainer(hm.HopfieldNetwork(n, **kwargs), hm.Storkey()).train(X)


def exact_one_step(W, s):
    """One synchronous update with exact rational fields and the tie rule (keep the state on h == 0)."""
    out = []
    for i, row in enumerate(W):
        h = sum((w * int(v) for w, v in zip(row, s)), Fraction(0))
        out.append(1 if h > 0 else -1 if h < 0 else int(s[i]))
    return out


# ----------------------------------------------------------------- Storkey: exactness
def test_storkey_issue_repro_predict_equals_predict_batch():
    X = [[-1, -1, -1, -1, -1, -1, 1], [-1, 1, -1, -1, 1, -1, 1]]
    s = np.array([-1, -1, -1, -1, -1, 1, -1])
    trainer = storkey_model(X)
    one = trainer.predict(s, num_iter=1)
    batch = trainer.predict_batch([s, s], num_iter=1)
    assert_array_equal(one, batch[0])
    assert_array_equal(batch[0], batch[1])
    # ... and both are the exact rational update (the issue's run flipped neurons 0, 2, 3 in predict).
    assert_array_equal(one, exact_one_step(ref.storkey_weights_exact(X), s))


@pytest.mark.parametrize("n", [5, 6, 7])
def test_storkey_one_step_equals_exact_rational_arithmetic_exhaustively(n):
    # Small structured cases: every probe of {-1, +1}^n, through every path.
    rng = np.random.default_rng(n)
    probes = np.array(list(itertools.product([-1.0, 1.0], repeat=n)))
    checked = ties = 0
    for trial in range(6):
        X = np.where(rng.random((1 + trial % 3, n)) < 0.5, 1.0, -1.0)
        W = ref.storkey_weights_exact(X)
        expected = np.array([exact_one_step(W, s) for s in probes], dtype=float)
        ties += sum(sum(w * int(v) for w, v in zip(W[i], s)) == 0 for s in probes for i in range(n))
        for storage, compiled in itertools.product(["low-rank", "dense"], [True, False]):
            trainer = storkey_model(X, storage=storage)
            batch = trainer.predict_batch(probes, num_iter=1, compiled=compiled)
            assert_array_equal(batch, expected)
        trainer = storkey_model(X)
        for k in range(0, len(probes), 7):
            assert_array_equal(trainer.predict(probes[k], num_iter=1), expected[k])
        checked += probes.size
    assert ties > 0  # the cases do contain exact ties, resolved by the tie rule


STRUCTURED = {
    "issue repro": [[-1, -1, -1, -1, -1, -1, 1], [-1, 1, -1, -1, 1, -1, 1]],
    "blocks": [[1, 1, 1, 1, -1, -1, -1], [1, 1, -1, -1, 1, 1, -1], [1, -1, 1, -1, 1, -1, 1]],
    "duplicate": [[1, -1, 1, 1, -1, -1, 1], [1, -1, 1, 1, -1, -1, 1]],
    "negation": [[1, 1, -1, 1, -1, -1, -1], [-1, -1, 1, -1, 1, 1, 1]],
    "all equal": [[1] * 7, [-1] * 7, [1] * 7],
    "one-hot-ish": [[1, -1, -1, -1, -1, -1, -1], [-1, 1, -1, -1, -1, -1, -1], [-1, -1, 1, -1, -1, -1, -1]],
}


@pytest.mark.parametrize("name", sorted(STRUCTURED))
def test_storkey_structured_cases_equal_exact_arithmetic_on_every_probe(name):
    X = np.array(STRUCTURED[name], dtype=float)
    W = ref.storkey_weights_exact(X)
    probes = np.array(list(itertools.product([-1.0, 1.0], repeat=7)))
    expected = np.array([exact_one_step(W, s) for s in probes], dtype=float)
    for storage, compiled in itertools.product(["low-rank", "dense"], [True, False, "numba"]):
        trainer = storkey_model(X, storage=storage)
        assert_array_equal(trainer.predict_batch(probes, num_iter=1, compiled=compiled), expected)
    trainer = storkey_model(X)
    for k in range(0, len(probes), 5):
        assert_array_equal(trainer.predict(probes[k], num_iter=1), expected[k])


def test_storkey_ties_do_not_depend_on_blas_threads():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    X = random_patterns(12, 64, seed=21)  # float mode: grid-rounded factors
    probes = np.vstack([random_patterns(200, 64, seed=22), X])
    results = []
    for threads in (1, 2):
        with threadpoolctl.threadpool_limits(threads):
            for storage in ("dense", "low-rank"):
                trainer = storkey_model(X, storage=storage)
                results.append(trainer.predict_batch(probes, num_iter=1, compiled="numba"))
                results.append(np.array([trainer.predict(p, num_iter=1, compiled=False) for p in probes[:20]]))
    for a, b in zip(results[::2], results[2::2]):
        assert_array_equal(a, b)
    for a, b in zip(results[1::2], results[3::2]):
        assert_array_equal(a, b)
    assert_array_equal(results[1], results[0][:20])


@pytest.mark.parametrize("n_patterns, n_neurons", [(1, 14), (3, 14), (6, 14), (8, 60)])
def test_storkey_small_cases_are_storkeys_rational_weights(n_patterns, n_neurons):
    X = random_patterns(n_patterns, n_neurons, seed=n_patterns)
    rep = hm.Storkey()._build(X)
    # N**P W is an integer matrix, kept exactly: scale 1/N**P and integer factors.
    assert rep.scale == 1.0 / n_neurons ** n_patterns
    assert np.array_equal(rep.U, np.round(rep.U)) and np.array_equal(rep.V, np.round(rep.V))
    assert_allclose(hm.Storkey().weights(X), ref.storkey_weights(X), rtol=1e-12, atol=1e-15)
    if n_neurons <= 14:
        exact = np.array(ref.storkey_weights_exact(X), dtype=float)
        assert_allclose(hm.Storkey().weights(X), exact, rtol=1e-15, atol=0)


@pytest.mark.parametrize("n_patterns, n_neurons", [(10, 30), (20, 40), (12, 64)])
def test_storkey_float_mode_matches_textbook_to_documented_precision(n_patterns, n_neurons):
    X = random_patterns(n_patterns, n_neurons, seed=n_neurons)
    rep = hm.Storkey()._build(X)
    assert rep.scale == 1.0  # past 2**52: float64 factors on a grid
    W = hm.Storkey().weights(X)
    R = ref.storkey_weights(X)
    # Documented: each weight within about 1e-5 of max|W| (here the grid has more bits than at N=16384).
    assert np.abs(W - R).max() <= 1e-5 * np.abs(R).max()
    assert_array_equal(W, W.T)
    assert_array_equal(np.diag(W), 0)
    # The factors sit on one power-of-two grid and every field is an exact sum.
    q = grid_quantum(rep.U)
    assert np.all(np.mod(rep.d / q ** 2, 1) == 0)
    assert _weights.field_bound(rep.U, rep.V, rep.d) < 2.0 ** 53 * q ** 2


def grid_quantum(A):
    """The largest power of two that divides every entry of A."""
    q = 2.0 ** math.frexp(np.abs(A).max())[1]
    while not np.all(np.mod(A / q, 1) == 0):
        q /= 2
    return q


@pytest.mark.parametrize("asyn", [False, True])
def test_storkey_float_mode_all_paths_identical(asyn):
    X = random_patterns(12, 64, seed=3)
    probes = np.vstack([X, random_patterns(40, 64, seed=4)])
    results = []
    for storage, compiled in itertools.product(["low-rank", "dense"], [True, False]):
        trainer = storkey_model(X, storage=storage, asyn=asyn, seed=5)
        info = trainer.predict_batch(probes, compiled=compiled, return_info=True)
        results.append((info.states, info.n_iter))
        singles = [storkey_model(X, storage=storage, asyn=asyn, seed=5).predict(p, compiled=compiled)
                   for p in probes[:3]]
        if not asyn:  # async singles draw their own orders; sync singles must equal the batch rows
            assert_array_equal(np.array(singles), info.states[:3])
    for states, n_iter in results[1:]:
        assert_array_equal(states, results[0][0])
        assert_array_equal(n_iter, results[0][1])


def test_storkey_never_builds_n_by_n():
    n = 100_000
    X = random_patterns(4, n, seed=0)
    tracemalloc.start()
    trainer = storkey_model(X)
    out = trainer.predict_batch(X[:2])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert trainer.model._weights.kind == "lowrank"
    assert peak < 200 * 2 ** 20  # a dense W would be 80 GB
    assert_array_equal(out, X[:2])


# ------------------------------------------------------------- Storkey: continuing
def test_storkey_second_train_continues_the_sequence_exactly():
    X = random_patterns(5, 20, seed=7)
    once = storkey_model(X).model
    twice = storkey_model(X[:2])
    twice.train(X[2:])
    assert_array_equal(twice.model.W, once.W)  # exact (integer) mode: identical weights


def test_storkey_continuing_in_float_mode_matches_textbook():
    X = random_patterns(14, 40, seed=8)
    trainer = storkey_model(X[:9])
    trainer.train(X[9:])
    R = ref.storkey_weights(X)
    assert np.abs(trainer.model.W - R).max() <= 1e-5 * np.abs(R).max()


@pytest.mark.parametrize("symmetric", [True, False])
def test_storkey_on_assigned_dense_weights_is_the_textbook_rule(symmetric):
    rng = np.random.default_rng(9)
    n = 9
    W0 = rng.integers(-3, 4, (n, n)) / 4.0
    if symmetric:
        W0 = (W0 + W0.T) / 2
    X = random_patterns(3, n, seed=10)
    model = hm.HopfieldNetwork(n)
    model.W = W0
    hm.Trainer(model, hm.Storkey()).train(X)
    expected = np.array(ref.storkey_weights_exact(X, W0), dtype=float)
    assert_allclose(model.W, expected, rtol=0, atol=1e-13 * np.abs(expected).max())
    assert model._weights.kind == "dense"
    assert np.array_equal(model.W, model.W.T) == symmetric


def test_storkey_on_hebbian_factors_continues_from_them():
    X = random_patterns(6, 30, seed=11)
    model = hm.HopfieldNetwork(30)
    hm.Trainer(model, hm.Hebbian(subtract_mean=False)).train(X[:3])
    W0 = model.W.astype(float)
    hm.Trainer(model, hm.Storkey()).train(X[3:])
    assert model._weights.kind == "lowrank"
    expected = np.array(ref.storkey_weights_exact(X[3:], W0), dtype=float)
    assert np.abs(model.W - expected).max() <= 1e-5 * np.abs(expected).max()


def test_storkey_dense_continuation_checks_memory_first(monkeypatch):
    model = hm.HopfieldNetwork(64)
    model.W = np.zeros((64, 64))
    monkeypatch.setattr(_validation, "available_memory", lambda: 10_000)
    with pytest.raises(hm.WeightMatrixTooLargeError, match=r"reset_weights\(\)"):
        hm.Trainer(model, hm.Storkey()).train(random_patterns(2, 64, seed=0))


# ------------------------------------------------------ PseudoInverse near P = N - 1
@pytest.mark.parametrize("seed", range(4))
def test_pseudo_inverse_keeps_all_99_of_99_patterns_at_n_100(seed):
    # The issue's repro: N = 100, P = 99 kept only 7-56 of 99 patterns as fixed points, silently.
    X = random_patterns(99, 100, seed=seed)
    trainer = hm.Trainer(hm.HopfieldNetwork(100), hm.PseudoInverse()).train(X)
    for compiled in (True, False):
        assert_array_equal(trainer.predict_batch(X, num_iter=1, compiled=compiled), X)
    async_model = hm.Trainer(hm.HopfieldNetwork(100, asyn=True, seed=seed), hm.PseudoInverse()).train(X)
    assert_array_equal(async_model.predict_batch(X, num_iter=1), X)


@pytest.mark.filterwarnings("ignore:The .* patterns are linearly dependent")
@pytest.mark.parametrize("n, p", [(8, 7), (16, 15), (64, 63), (128, 127), (100, 90), (256, 200)])
def test_pseudo_inverse_fixed_points_for_any_p_below_n(n, p):
    for seed in range(3):
        X = random_patterns(p, n, seed=seed)
        trainer = hm.Trainer(hm.HopfieldNetwork(n), hm.PseudoInverse()).train(X)
        assert_array_equal(trainer.predict_batch(X, num_iter=1), X)


def test_pseudo_inverse_refuses_loudly_when_precision_cannot_be_widened(monkeypatch):
    import hebbmem.hopfield.rules as rules

    X = random_patterns(99, 100, seed=0)
    # Pretend the widened form is no better: the rule must refuse, never return silently.
    monkeypatch.setattr(rules, "_projector_dense", lambda X, rank: _low_rank_projector(X))
    with pytest.raises(ValueError, match=r"cannot keep every one of the 99 patterns a fixed point.*"
                                         r"zero_diagonal=False"):
        hm.PseudoInverse()._build(X)
    monkeypatch.undo()
    monkeypatch.setattr(_validation, "available_memory", lambda: 10_000)
    with pytest.raises(hm.WeightMatrixTooLargeError, match="fixed point of PseudoInverse"):
        hm.PseudoInverse()._build(X)


def _low_rank_projector(X):
    G = X @ X.T
    lam, Q = np.linalg.eigh(G)
    Y = _weights.snap_to_grid((Q.T @ X) / np.sqrt(lam)[:, None], 17)
    return _weights.LowRankWeights(Y, Y, np.einsum("pi,pi->i", Y, Y), 1.0)


def test_pseudo_inverse_train_twice_projects_on_all_patterns():
    X = random_patterns(60, 100, seed=5)
    once = hm.Trainer(hm.HopfieldNetwork(100), hm.PseudoInverse()).train(X)
    twice = hm.Trainer(hm.HopfieldNetwork(100), hm.PseudoInverse()).train(X[:25])
    twice.train(X[25:])
    assert_array_equal(twice.predict_batch(X, num_iter=1), X)
    assert_allclose(twice.model.W, once.model.W, atol=1e-4)
    assert_allclose(twice.model.W, ref.pseudo_inverse_weights(X), atol=1e-4)
    with pytest.raises(ValueError, match=r"P=101 patterns \(counting the patterns stored by earlier"):
        twice.train(random_patterns(41, 100, seed=6))
    assert_array_equal(twice.predict_batch(X, num_iter=1), X)  # a refused call changes nothing


@pytest.mark.parametrize("first", ["hebbian", "assigned"])
def test_pseudo_inverse_on_top_of_other_weights_is_refused(first):
    X = random_patterns(4, 30, seed=7)
    model = hm.HopfieldNetwork(30)
    if first == "hebbian":
        hm.Trainer(model, hm.Hebbian()).train(X[:2])
    else:
        model.W = np.zeros((30, 30))
    with pytest.raises(ValueError, match=r"cannot be added on top of other weights.*model.reset_weights\(\)"):
        hm.Trainer(model, hm.PseudoInverse()).train(X[2:])
    model.reset_weights()
    hm.Trainer(model, hm.PseudoInverse()).train(X[2:])
    assert model._weights.pinv_patterns.shape == (2, 30)
    assert model._weights.pinv_patterns.dtype == np.int8  # +1/-1 patterns are kept compactly


# ------------------------------------------------------------ Numba cache fallback
def _run_isolated(code, tmp_path, tmpdir):
    """Run code in a fresh interpreter whose HOME is unusable and whose TMPDIR is ``tmpdir``."""
    import os
    import subprocess
    import sys
    import textwrap

    home = tmp_path / "home-is-a-file"
    home.write_text("")  # not a directory: nothing can be created under it, even as root
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_") and k != "XDG_CACHE_HOME"}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / "cache"), TMPDIR=str(tmpdir))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=600, env=env, cwd=str(tmp_path))


_NO_DEFAULT_CACHE = """
    import warnings
    warnings.simplefilter("default")
    import numpy as np
    from numba.core import caching
    # The package's __pycache__ and ~/.cache are not writable: keep only the locator
    # that honours a cache directory given explicitly (NUMBA_CACHE_DIR).
    caching.CacheImpl._locator_classes = [caching.UserProvidedCacheLocator]
    import hebbmem as hm
    import hebbmem.hopfield._kernels as k
    X = np.where(np.random.default_rng(0).random((3, 60)) < 0.5, 1.0, -1.0)
    model = hm.HopfieldNetwork(60, asyn=True, seed=0)
    out = hm.Trainer(model, hm.Hebbian()).train(X).predict_batch(X, compiled=True)
    assert (out == X).all()
    order = np.empty(60, np.int64)
    k.fill_order(np.uint64(7), order)  # compile one kernel for sure (small recalls may stay in NumPy)
    assert sorted(order) == list(range(60))
    import hebbmem._numba as nb
    print(type(k.sync_pass._cache).__name__, nb._CACHE_STATE["fallback"])
"""


def test_numba_cache_falls_back_to_a_per_user_temporary_directory(tmp_path):
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out = _run_isolated(_NO_DEFAULT_CACHE, tmp_path, tmpdir)
    assert out.returncode == 0, out.stderr
    kind, where = out.stdout.split()
    assert kind == "FunctionCache"
    assert where.startswith(str(tmpdir / "hebbmem-numba-cache-"))
    assert "cannot cache" not in out.stderr
    assert any(p.suffix == ".nbi" for p in (tmpdir).rglob("*"))  # the kernels' index files were written


def test_numba_cache_warns_once_when_nothing_is_writable(tmp_path):
    tmpdir = tmp_path / "tmp-is-a-file"
    tmpdir.write_text("")
    # tempfile would fall back to /tmp, which root can always write: pin it to the unusable path.
    code = f"import tempfile; tempfile.tempdir = {str(tmpdir)!r}\n" + textwrap.dedent(_NO_DEFAULT_CACHE)
    out = _run_isolated(code, tmp_path, tmpdir)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == "NullCache"
    assert out.stderr.count("Numba cannot cache the compiled kernels") == 1
    assert "NUMBA_CACHE_DIR" in out.stderr


# ------------------------------------------------------------------ absurd sizes
@pytest.mark.parametrize("n", [10 ** 12, 2 ** 63, 2 ** 80])
def test_absurd_sizes_get_hebbmems_own_message(n):
    with pytest.raises(MemoryError, match=rf"HopfieldNetwork\(num_neurons={n:,}\) is too large for this "
                                          r"machine.*Nothing was allocated\. Use at most [\d,]+ neurons"):
        hm.HopfieldNetwork(n)
    with pytest.raises(MemoryError, match="AmariHopfieldNetwork"):
        hm.AmariHopfieldNetwork(n)


def test_state_check_follows_the_available_memory(monkeypatch):
    monkeypatch.setattr(_validation, "available_memory", lambda: 64 * 2 ** 20)
    hm.HopfieldNetwork(2 ** 20)  # 16 MiB: fits in half of 64 MiB
    with pytest.raises(MemoryError, match=r"64\.0 MiB"):
        hm.HopfieldNetwork(2 ** 22)


@pytest.mark.parametrize("version", ["v2", "v1"])
def test_memory_guard_reads_the_cgroup_limit(tmp_path, monkeypatch, version):
    root = tmp_path / "cgroup"
    proc = tmp_path / "proc_cgroup"
    if version == "v2":
        (root / "job").mkdir(parents=True)
        (root / "memory.max").write_text("max\n")  # the namespace root: no limit
        (root / "job" / "memory.max").write_text(f"{512 * 2 ** 20}\n")
        proc.write_text("0::/job\n")
    else:
        (root / "memory" / "job").mkdir(parents=True)
        (root / "memory" / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # v1's "no limit"
        (root / "memory" / "job" / "memory.limit_in_bytes").write_text(f"{512 * 2 ** 20}\n")
        proc.write_text("12:memory:/job\n11:cpu,cpuacct:/job\n")
    assert _validation._cgroup_memory_limit(str(root), str(proc)) == 512 * 2 ** 20
    monkeypatch.setattr(_validation, "_CGROUP_ROOT", str(root))
    monkeypatch.setattr(_validation, "_CGROUP_CACHE", {})  # read once per process: read again here
    monkeypatch.setattr(_validation, "_cgroup_memory_limit",
                        lambda root=None, proc_cgroup=str(proc), f=_validation._cgroup_memory_limit: f(root, proc_cgroup))
    assert _validation.available_memory() == min(512 * 2 ** 20, _validation._physical_memory())
    # A dense 8192 x 8192 float64 matrix (512 MiB) is refused under a 512 MiB cgroup limit.
    with pytest.raises(hm.WeightMatrixTooLargeError, match=r"512\.0 MiB.*Nothing was allocated"):
        _weights.check_dense_fits(8192, np.float64, "Building W")


def test_cgroup_limit_absent_or_unreadable(tmp_path):
    assert _validation._cgroup_memory_limit(str(tmp_path / "none"), str(tmp_path / "none")) is None
    (tmp_path / "memory.max").write_text("garbage\n")
    assert _validation._cgroup_memory_limit(str(tmp_path), str(tmp_path / "none")) is None
