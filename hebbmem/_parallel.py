"""How a sweep runs its independent trials: in this process, or through joblib on any backend, with identical results.

Every sweep (``capacity_curve``, ``bit_error_curve``, ``basin_profile``,
``spurious_census``) is a list of *tasks*, each a whole trial or a fixed
batch of trials, and each task draws every random number it needs from its
own :class:`numpy.random.SeedSequence` child of the sweep's seed
(:func:`child_seed`). The tasks, their batches and their seeds depend only on
the sweep's arguments, never on ``n_jobs`` or on the backend, and the
results are put back in task order and reduced in that order. So
``n_jobs=1``, ``n_jobs=2``, loky, threads and a Dask cluster give
bit-identical arrays.

``n_jobs``, as in scikit-learn:

* ``None``: in this process, unless the caller is inside a joblib backend
  context (``with joblib.parallel_backend("dask"):``), which then decides;
  joblib is never imported for it (a program inside such a context has
  imported joblib already);
* ``1``: in this process, always, without joblib;
* ``k > 1``: k joblib workers (loky processes unless a context says
  otherwise); ``-1``: all cores, ``-2``: all but one, and so on.

A task carries seeds and a few numbers, not arrays. What every task shares
(the rule, or a trained network and its patterns) is passed once per sweep
as one argument, so that joblib's Dask backend scatters it to the workers
once, and loky memory-maps its arrays.
"""

import pickle
import sys

import numpy as np

from ._validation import check_seed
from .random import generator

__all__ = ["PROBE_BITS_PER_TASK", "check_n_jobs", "root_seed", "child_seed", "blocks", "run_trials"]

#: Probes x neurons recalled by one task of basin_profile and spurious_census
#: (about 8 MiB of float64 probes): big enough to be worth shipping, small
#: enough to batch a million-neuron recall. Fixed, so never a function of n_jobs.
PROBE_BITS_PER_TASK = 2 ** 20


def check_n_jobs(n_jobs, owner):
    """``n_jobs``: None, or a nonzero int (-1 all cores); returns it unchanged."""
    if n_jobs is None:
        return None
    if isinstance(n_jobs, (bool, np.bool_)) or not isinstance(n_jobs, (int, np.integer)):
        raise TypeError(
            f"The 'n_jobs' parameter of {owner} must be None or an int (1 in this process, k > 1 for k "
            f"workers, -1 for all cores). Got {n_jobs!r} instead."
        )
    if n_jobs == 0:
        raise ValueError(
            f"The 'n_jobs' parameter of {owner} must be None or a nonzero int (1 in this process, k > 1 "
            f"for k workers, -1 for all cores). Got 0 instead."
        )
    return int(n_jobs)


def root_seed(seed, owner):
    """The sweep's :class:`numpy.random.SeedSequence`, from its ``seed=`` (None, an int >= 0 or a Generator).

    An int gives ``SeedSequence(seed)``. A Generator, or None (then
    :func:`hebbmem.random.generator`: hebbmem's default generator after
    ``hebbmem.random.seed(n)``, else NumPy's global state), gives four
    64-bit words drawn from it as entropy.
    """
    seed = check_seed(seed, owner)
    if isinstance(seed, int):
        return np.random.SeedSequence(seed)
    if seed is None:
        seed = generator(None, owner)
    return np.random.SeedSequence([int(w) for w in seed.integers(0, 2 ** 63, size=4)])


def child_seed(root, *key):
    """The SeedSequence of task ``key`` of a sweep: ``root.spawn(...)[key[0]].spawn(...)[key[1]]...``.

    Built from the key directly (``spawn`` counts its calls; this does not),
    so a task's seed depends on its place in the sweep and nothing else.
    """
    return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key + tuple(int(k) for k in key),
                                  pool_size=root.pool_size)


def blocks(total, size):
    """``[(start, stop), ...]`` cutting ``range(total)`` into blocks of ``size`` (the last may be shorter)."""
    size = max(1, int(size))
    return [(a, min(a + size, total)) for a in range(0, total, size)]


class _Shared:
    """What every task of a sweep shares, passed once per sweep.

    joblib's Dask backend scatters an argument to the workers once when it
    looks large (``sizeof > 1 kB``), so this reports the pickled size of what
    it holds (without copying its arrays).
    """

    def __init__(self, value):
        self.value = value
        self._nbytes = None

    def __sizeof__(self):
        if self._nbytes is None:
            buffers = []
            head = pickle.dumps(self.value, protocol=5, buffer_callback=buffers.append)
            self._nbytes = len(head) + sum(b.raw().nbytes for b in buffers)
        return self._nbytes


def _call(index, trial, shared, task):
    """One task in a worker: ``(index, trial(*shared, *task))``."""
    return index, trial(*shared.value, *task)


def _in_process(n_jobs):
    """True when the trials run here without joblib (see the module docstring)."""
    if n_jobs == 1:
        return True
    if n_jobs is None:
        joblib = sys.modules.get("joblib")
        return joblib is None or joblib.effective_n_jobs(None) == 1
    return False


def _joblib(n_jobs, owner):
    try:
        import joblib
    except ImportError:
        raise ImportError(
            f"{owner}: n_jobs={n_jobs} runs the trials through joblib, which is not installed. Install it "
            f"with pip install 'hebbmem[parallel]' (or 'hebbmem[distributed]' for Dask), or leave "
            f"n_jobs=None to run in this process."
        ) from None
    return joblib


def run_trials(trial, tasks, n_jobs=None, *, shared=(), done=None, cost=None, owner="sweep"):
    """Call ``trial(*shared, *task)`` for every task; return the results in task order.

    Parameters
    ----------
    trial : callable
        A module-level function (workers import it by name).
    tasks : iterable of tuple
        Small arguments (seeds, counts), one tuple per task.
    n_jobs : None or int
        Checked with :func:`check_n_jobs`; see the module docstring.
    shared : tuple
        Arguments every task shares, shipped once per sweep.
    done : callable, optional
        ``done(index, result)`` in the calling process after each task
        finishes (in completion order): the progress line's hook.
    cost : sequence of float, optional
        An estimate of each task's cost. Workers then get the costliest
        tasks first (so no worker is left alone with a big one at the end);
        the results are in task order all the same.
    owner : str
        The sweep, for error messages.

    Returns
    -------
    list
    """
    tasks = list(tasks)
    results = [None] * len(tasks)
    if _in_process(n_jobs):
        for i, task in enumerate(tasks):
            results[i] = trial(*shared, *task)
            if done is not None:
                done(i, results[i])
        return results
    joblib = _joblib(n_jobs, owner)
    backend = joblib.parallel.get_active_backend()[0]
    unordered = getattr(backend, "supports_return_generator", False)
    package = _Shared(shared)
    order = range(len(tasks)) if cost is None else sorted(range(len(tasks)), key=lambda i: -cost[i])
    calls = (joblib.delayed(_call)(i, trial, package, tasks[i]) for i in order)
    out = joblib.Parallel(n_jobs=n_jobs, return_as="generator_unordered" if unordered else "list")(calls)
    for i, value in out:
        results[i] = value
        if done is not None:
            done(i, value)
    return results
