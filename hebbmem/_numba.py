"""The Numba set-up every family's kernels share: ``jit`` compiles with an on-disk cache that never breaks ``import``.

Kernels are compiled lazily on first use (the first call that needs them),
with ``cache=True``, so later processes load them from Numba's on-disk cache
in milliseconds instead of compiling again (a cold compile costs 1-2 s per
kernel).

Where the cache goes: ``NUMBA_CACHE_DIR`` if it is set (set it to a writable
directory for read-only installs, containers or shared clusters); otherwise
the package's ``__pycache__`` or ``~/.cache/numba``, as Numba chooses. When
none of those is writable, hebbmem falls back to a per-user directory in the
temporary directory (``$TMPDIR/hebbmem-numba-cache-<uid>``); only if that
fails too does it compile without a cache (about 1 s more per process) and
warn, once. Importing hebbmem never fails because of the cache.

Every kernel is compiled with ``nogil=True`` (threads may recall
concurrently) and ``error_model="numpy"`` (no Python exception checks in
divisions). ``fastmath`` and ``parallel`` are off unless a kernel says why:
exact comparisons between the kernels and their NumPy twins need them off,
and ``parallel=True`` is opt-in (see :func:`parallel_variant`).

This module imports nothing from hebbmem; the kernel modules
(``hopfield/_kernels.py``, ``plasticity/_kernels.py``, ...) import only it
and the constants they need.
"""

import os
import tempfile
import warnings

import numba

__all__ = ["jit", "parallel_variant"]

_OPTIONS = {"nogil": True, "error_model": "numpy"}
_CACHE_STATE = {"fallback": None, "warned": False}


def _fallback_cache_dir():
    """A private, per-user cache directory in the temporary directory, or None if there is none."""
    if _CACHE_STATE["fallback"] is None:
        user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
        path = os.path.join(tempfile.gettempdir(), f"hebbmem-numba-cache-{user}")
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
            info = os.lstat(path)
            # Another user's directory (or a symlink planted in /tmp) is not ours to write into.
            mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
            if not (mine and os.path.isdir(path) and not os.path.islink(path) and os.access(path, os.W_OK)):
                path = ""
        except OSError:
            path = ""
        _CACHE_STATE["fallback"] = path
    return _CACHE_STATE["fallback"] or None


def jit(fn=None, **extra):
    """``numba.njit(cache=True)``, with a temporary cache directory, or no cache, as a fallback."""
    if fn is None:
        return lambda f: jit(f, **extra)
    try:
        return numba.njit(cache=True, **_OPTIONS, **extra)(fn)
    except (RuntimeError, OSError):
        pass  # "cannot cache function ...: no locator available": nowhere writable
    path = _fallback_cache_dir()
    if path is not None and not numba.config.CACHE_DIR:
        numba.config.CACHE_DIR = path  # Numba's user-provided locator reads it at decoration time
        try:
            return numba.njit(cache=True, **_OPTIONS, **extra)(fn)
        except (RuntimeError, OSError):
            pass
    if not _CACHE_STATE["warned"]:
        _CACHE_STATE["warned"] = True
        warnings.warn(
            "hebbmem: Numba cannot cache the compiled kernels (no writable cache directory: not the "
            "package's __pycache__, ~/.cache, nor the temporary directory), so every new process compiles "
            "them again (about 1 s). Set the environment variable NUMBA_CACHE_DIR to a writable directory.",
            RuntimeWarning,
            stacklevel=2,
        )
    # Compile in memory instead; importing hebbmem must never fail.
    return numba.njit(cache=False, **_OPTIONS, **extra)(fn)



_PARALLEL = {}


def parallel_variant(kernel):
    """Return a ``parallel=True`` build of a kernel (opt-in, not cached).

    The probes of a batch are then spread over threads with ``prange``. On
    shared machines GNU OpenMP's spin-wait can make a small parallel region
    far slower than the serial kernel, so no default path uses this.
    """
    if kernel not in _PARALLEL:
        _PARALLEL[kernel] = numba.njit(parallel=True, **_OPTIONS)(kernel.py_func)
    return _PARALLEL[kernel]
