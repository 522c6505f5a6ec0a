"""Sweeps give bit-identical arrays in one process, in joblib workers and on a Dask cluster (issue 18).

Every trial (a network of a capacity sweep, a batch of a basin profile or a
census) draws from its own SeedSequence child of the sweep's seed, so the
layout (n_jobs, backend, scheduling order) cannot change a single bit. The
Dask cluster of these tests is a LocalCluster on 127.0.0.1 with two worker
processes, started once for the module (about 2 s on 2 cores).
"""

import socket
import subprocess
import sys

import numpy as np
import pytest

import hebbmem as hm
from hebbmem import _parallel, cli
from hebbmem.analysis import _states, basin_profile, bit_error_curve, capacity_curve, spurious_census
from hebbmem.cli import _jobs

joblib = pytest.importorskip("joblib", reason="n_jobs > 1 needs joblib: pip install -e '.[parallel]'")

N = 100
X = np.where(np.random.default_rng(30).random((6, N)) < 0.5, 1.0, -1.0)


def _trainer():
    return hm.Trainer(hm.HopfieldNetwork(N, asyn=True, seed=0), hm.Hebbian()).train(X)


SWEEPS = {
    "capacity_curve, Hebbian, async, noise": lambda **kw: capacity_curve(
        hm.Hebbian(), N, [0.02, 0.1, 0.25], noise=0.1, trials=12, asyn=True, seed=3, **kw),
    "capacity_curve, Storkey, sync": lambda **kw: capacity_curve(hm.Storkey(), N, [0.1, 0.4], trials=10, seed=4, **kw),
    "bit_error_curve": lambda **kw: bit_error_curve(hm.Hebbian(), N, [0.1, 0.3], networks=4, seed=5, **kw),
    "basin_profile": lambda **kw: basin_profile(_trainer(), X, [0.0, 0.2, 0.4], trials=7, seed=6, **kw),
    "spurious_census": lambda **kw: spurious_census(_trainer(), X, n_probes=150, seed=7, **kw),
}
FIELDS = ("fraction_exact", "mean_overlap", "bit_error", "bit_error_sem", "n_networks", "n_bits",  # curves
          "p_exact", "p_exact_per_pattern", "radius",                                               # basins
          "states")                                                                                 # census


@pytest.fixture(scope="module", autouse=True)
def small_batches():
    # 2,000 probe bits per task: the basin profile runs 3 batches of trials per fraction, the
    # census 8 batches of probes, so the sweeps are many tasks even at these sizes.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_states, "PROBE_BITS_PER_TASK", 2000)
        yield


def assert_same(a, b):
    compared = 0
    for name in FIELDS:
        if getattr(a, name, None) is not None:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name, strict=True)
            compared += 1
    assert compared >= 1


@pytest.fixture(scope="module")
def reference():
    return {name: sweep(n_jobs=1) for name, sweep in SWEEPS.items()}


# ------------------------------------------------------------------ in process


@pytest.mark.parametrize("bad,error", [(0, ValueError), (1.5, TypeError), (True, TypeError), ("2", TypeError)])
def test_n_jobs_is_checked(bad, error):
    for name, sweep in SWEEPS.items():
        with pytest.raises(error, match="'n_jobs' parameter of .* must be None or"):
            sweep(n_jobs=bad)


def test_in_process_sweeps_import_neither_joblib_nor_dask():
    code = (
        "import sys, hebbmem as hm\n"
        "print(sorted(m for m in ('joblib', 'dask', 'distributed') if m in sys.modules))\n"
        "from hebbmem.analysis import capacity_curve\n"
        "a = capacity_curve(hm.Hebbian(), 60, [0.05, 0.2], trials=6, seed=0)\n"
        "b = capacity_curve(hm.Hebbian(), 60, [0.05, 0.2], trials=6, seed=0, n_jobs=1)\n"
        "print(sorted(m for m in ('joblib', 'dask', 'distributed') if m in sys.modules))\n"
        "print((a.mean_overlap == b.mean_overlap).all())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "[]", "True"]


def test_trial_seeds_are_spawned_children_of_the_sweep_seed():
    root = _parallel.root_seed(11, "test")
    spawned = np.random.SeedSequence(11).spawn(3)[2].spawn(4)[3]
    np.testing.assert_array_equal(_parallel.child_seed(root, 2, 3).generate_state(4), spawned.generate_state(4))
    assert _parallel.blocks(7, 3) == [(0, 3), (3, 6), (6, 7)]


def test_seed_none_follows_hebbmem_random_seed():
    try:
        hm.random.seed(5)
        a = capacity_curve(hm.Hebbian(), 60, [0.1, 0.3], trials=6)
        hm.random.seed(5)
        b = capacity_curve(hm.Hebbian(), 60, [0.1, 0.3], trials=6)
        c = capacity_curve(hm.Hebbian(), 60, [0.1, 0.3], trials=6)
    finally:
        hm.random.seed(None)
    assert_same(a, b)
    assert not np.array_equal(b.bit_error, c.bit_error)


def test_the_callers_network_is_not_advanced():
    trainer = _trainer()
    state = trainer.model.rng.bit_generator.state
    basin_profile(trainer, X, [0.2], trials=3, seed=1)
    spurious_census(trainer, X, n_probes=20, seed=1)
    assert trainer.model.rng.bit_generator.state == state


def test_a_missing_joblib_is_named_with_its_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "joblib", None)  # `import joblib` now fails
    with pytest.raises(ImportError, match=r"pip install 'hebbmem\[parallel\]'"):
        capacity_curve(hm.Hebbian(), 60, [0.1], trials=4, seed=0, n_jobs=2)
    capacity_curve(hm.Hebbian(), 60, [0.1], trials=4, seed=0)  # None still runs here


# ---------------------------------------------------------------------- joblib


@pytest.mark.parametrize("name", SWEEPS)
def test_loky_with_two_workers_gives_identical_arrays(name, reference):
    assert_same(SWEEPS[name](n_jobs=2), reference[name])


def test_n_jobs_none_follows_a_joblib_backend_context(reference):
    assert _parallel._in_process(None)
    with joblib.parallel_backend("threading", n_jobs=2):
        assert not _parallel._in_process(None) and _parallel._in_process(1)
        for name, sweep in SWEEPS.items():
            assert_same(sweep(), reference[name])


def test_progress_counts_the_networks_finished_in_workers(capsys):
    capacity_curve(hm.Hebbian(), 60, [0.05, 0.1], trials=4, seed=0, progress=True, n_jobs=2)
    err = capsys.readouterr().err
    assert "3/3 networks" in err and "2/2 loads" in err


# ------------------------------------------------------------------------ Dask


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed", reason="pip install -e '.[distributed]'")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        yield cluster


def test_dask_local_cluster_gives_identical_arrays(cluster, reference):
    from distributed import Client, get_task_stream

    with Client(cluster) as client:
        workers = client.scheduler_info()["workers"]
        assert len(workers) == 2 and all(w.startswith("tcp://127.0.0.1:") for w in workers)
        with joblib.parallel_backend("dask"), get_task_stream(client) as tasks:
            results = {name: sweep() for name, sweep in SWEEPS.items()}
        assert len(tasks.data) >= len(SWEEPS)  # the trials ran on the cluster, in batches
    for name in SWEEPS:
        assert_same(results[name], reference[name])


# ------------------------------------------------------------------ command line


def _table(capsys, *extra):
    try:
        code = cli.main(["capacity", "--neurons", "64", "--trials", "20", "--out", "", *extra])
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = out.splitlines()
    assert " loads from " in lines[1]  # the time taken: the only line that may differ
    return [lines[0]] + lines[2:], err


def test_cli_jobs_2_and_a_scheduler_print_the_table_of_jobs_1(capsys, cluster):
    one, _ = _table(capsys, "--jobs", "1")
    two, err = _table(capsys, "--jobs", "2")
    assert two == one
    assert "capacity (Hebbian, N=64)" in err and "networks" in err
    on_dask, _ = _table(capsys, "--scheduler", cluster.scheduler_address)
    assert on_dask == one


def test_cli_checks_jobs_and_scheduler(capsys, monkeypatch):
    for argv, status, words in [(["--jobs", "0"], 2, "--jobs must be a number of worker processes >= 1"),
                                (["--jobs", "-3"], 2, "or -1 for every core; got -3")]:
        code = cli.main(["capacity", "--out", "", *argv])
        assert code == status and words in capsys.readouterr().err
    pytest.importorskip("distributed")
    monkeypatch.setattr(_jobs, "_CONNECT_TIMEOUT", 1)
    with socket.socket() as s:  # a port on this machine where nothing listens
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = cli.main(["capacity", "--neurons", "20", "--trials", "2", "--out", "", "--scheduler",
                     f"tcp://127.0.0.1:{port}"])
    err = capsys.readouterr().err
    assert code == 1 and "no Dask scheduler answered there within 1 s" in err
    assert len([line for line in err.splitlines() if "error" in line]) == 1
