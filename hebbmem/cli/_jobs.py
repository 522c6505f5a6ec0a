"""``--jobs`` and ``--scheduler``: where a command's trials run (this process, joblib workers, or a Dask cluster)."""

import contextlib
import importlib.util

from ._common import CommandLineError, RunError

_CONNECT_TIMEOUT = 10  # seconds to reach a Dask scheduler before giving up


def check_jobs(jobs, scheduler):
    """Validate ``--jobs`` and ``--scheduler`` before any work; CommandLineError or RunError."""
    if jobs == 0 or jobs < -1:
        raise CommandLineError(
            f"--jobs must be a number of worker processes >= 1, or -1 for every core; got {jobs}."
        )
    if scheduler is not None:
        if not scheduler.strip():
            raise CommandLineError("--scheduler needs the address of a Dask scheduler, e.g. tcp://127.0.0.1:8786.")
        if not (importlib.util.find_spec("joblib") and importlib.util.find_spec("distributed")):
            raise RunError("--scheduler runs the trials on Dask, which is not installed; "
                           "install it with pip install 'hebbmem[distributed]'.")
    elif jobs != 1 and not importlib.util.find_spec("joblib"):
        raise RunError(f"--jobs {jobs} runs the trials in worker processes through joblib, which is not "
                       f"installed; install it with pip install 'hebbmem[parallel]', or use --jobs 1.")


@contextlib.contextmanager
def workers(jobs, scheduler):
    """Yield the ``n_jobs`` to pass to a sweep: None (here), k joblib workers, or a Dask cluster's threads.

    With a scheduler address, a Dask client is connected for the duration of
    the block and joblib's ``"dask"`` backend is active; ``--jobs 1`` (the
    default) then means every thread of every worker (``n_jobs=-1``).
    """
    if scheduler is None:
        yield None if jobs == 1 else jobs
        return
    import joblib
    from distributed import Client

    try:
        client = Client(scheduler, timeout=_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise RunError(
            f"--scheduler {scheduler}: no Dask scheduler answered there within {_CONNECT_TIMEOUT} s "
            f"({type(exc).__name__}: {exc}). Start one with 'dask scheduler' and its workers with "
            f"'dask worker ADDRESS', or check the address."
        ) from None
    try:
        with joblib.parallel_backend("dask"):
            yield -1 if jobs == 1 else jobs
    finally:
        client.close()
