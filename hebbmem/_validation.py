"""Input checks shared by every family: types, ranges, pattern arrays, seeds, and sizes before allocating.

Every message follows one template: what was expected, what was received,
and how to fix it. Nothing here modifies the caller's arrays.
"""

import numbers
import os

import numpy as np

from .exceptions import WeightMatrixTooLargeError

__all__ = [
    "MAX_COUNT",
    "check_int",
    "check_real",
    "check_bool",
    "check_choice",
    "as_pattern_matrix",
    "as_real_float64",
]


#: The largest iteration count (max_iter, num_iter, epochs, sweeps) accepted anywhere: a billion
#: passes already take days, and every count stays far inside the kernels' 64-bit integers.
MAX_COUNT = 10 ** 9


def _param_error(name, owner, expected, value, exc=ValueError, fix=""):
    msg = f"The {name!r} parameter of {owner} must be {expected}. Got {value!r} instead."
    if fix:
        msg += " " + fix
    return exc(msg)


def check_int(value, name, owner, *, low=None, high=None, fix=""):
    """Return ``value`` as an int, or raise with the standard message.

    Counts (``num_neurons``, ``max_iter``, ``num_iter``) must be integers:
    Python ints or NumPy integers. A float is a ValueError even when it is
    whole, as in scikit-learn: ``HopfieldNetwork(100.0)`` is refused, with
    the fix ``int(...)`` in the message, because a float count usually comes
    from a division somewhere (``784 / 1``) that the user should see. (The
    seed programs pass ints; ``threshold=80.0`` of ``AmariHopfieldNetwork`` is
    the firing threshold, a real number, and is not checked here.)
    """
    expected = "an int"
    if low is not None and high is not None:
        expected += f" from {low:,} to {high:,}"
    elif low is not None:
        expected += f" >= {low}"
    elif high is not None:
        expected += f" <= {high:,}"
    if isinstance(value, (bool, np.bool_)):
        raise _param_error(name, owner, expected, value, TypeError, fix)
    if not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and np.isfinite(value) and float(value).is_integer():
            fix = f"Pass int({value!r}) = {int(value)}: counts are ints. " + fix
        exc = ValueError if isinstance(value, numbers.Real) else TypeError
        raise _param_error(name, owner, expected, value, exc, fix.strip())
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise _param_error(name, owner, expected, value, ValueError, fix)
    return value


def check_real(value, name, owner, *, low=None, high=None, low_open=False, fix=""):
    """Return ``value`` as a finite float, or raise with the standard message."""
    expected = "a finite real number"
    if low is not None:
        expected += f" {'>' if low_open else '>='} {low}"
    if high is not None:
        expected += f" <= {high}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise _param_error(name, owner, expected, value, TypeError, fix)
    value = float(value)
    bad = not np.isfinite(value)
    if low is not None:
        bad = bad or (value <= low if low_open else value < low)
    if high is not None:
        bad = bad or value > high
    if bad:
        raise _param_error(name, owner, expected, value, ValueError, fix)
    return value


def check_bool(value, name, owner):
    """Return ``value`` as a bool; only real booleans are accepted."""
    if not isinstance(value, (bool, np.bool_)):
        raise _param_error(name, owner, "a bool (True or False)", value, TypeError)
    return bool(value)


def check_choice(value, name, owner, choices):
    """Return ``value`` if it is one of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        exc = ValueError if isinstance(value, str) else TypeError
        raise _param_error(name, owner, f"one of {options}", value, exc)
    return value


def as_real_float64(data, *, what, expected):
    """``data`` as a float64 array (the caller's own array when it already is one), or a clear TypeError.

    The one conversion step of every family's input checks. Complex values
    are refused, never cast: NumPy would drop the imaginary part with only a
    warning. Strings and other non-numbers are refused by their dtype, ragged
    nested lists by what NumPy says of them. ``expected`` says in words what
    the data should be ("vectors of length 64"); the shape is the caller's to
    check.
    """
    try:
        arr = np.asarray(data)
    except ValueError as err:
        raise TypeError(f"{what} must be numeric array-like ({expected}); could not convert it: {err}. "
                        f"Ragged lists must be padded to a common length first.") from None
    if arr.dtype.kind == "c":
        raise TypeError(f"{what} must be real; got complex dtype {arr.dtype} (hebbmem never drops an "
                        f"imaginary part silently: pass x.real or np.abs(x) if that is what you mean).")
    if arr.dtype.kind not in "biuf" and arr.dtype != object:
        raise TypeError(f"{what} must be numeric array-like ({expected}); got an array of dtype {arr.dtype}.")
    try:
        return arr.astype(np.float64, copy=False)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{what} must be numeric array-like ({expected}); could not convert it: {err}.") from None


def as_pattern_matrix(data, *, what, n_neurons=None, bipolar=True, allow_1d=True, dtype=np.float64,
                      copy=True):
    """Convert a pattern, a list of patterns or a 2-D array to a 2-D array (a fresh copy by default).

    Parameters
    ----------
    data : array-like of shape (n_neurons,) or (n_patterns, n_neurons), or list of 1-D arrays
        The user's input. It is never modified.
    what : str
        How the input is called in messages ("patterns", "probe", ...).
    n_neurons : int or None
        The required length of each pattern, if known.
    bipolar : bool
        Require every value to be -1 or +1.
    allow_1d : bool
        Accept a single 1-D pattern (returned as one row).

    dtype : dtype or None
        Float dtype of the result; None keeps a float input's own dtype
        (avoiding a conversion pass on large float32 batches).
    copy : bool
        False may return the caller's own array (or a view of it) when no
        conversion is needed; the caller must then only read it.

    Returns
    -------
    X : ndarray of shape (n_patterns, n_neurons), float
        A new array, or with ``copy=False`` possibly the input itself.
    was_1d : bool
        Whether the input was a single 1-D pattern.
    """
    if isinstance(data, (list, tuple)):
        if len(data) == 0:
            raise ValueError(
                f"{what} is empty: expected at least one pattern. "
                f"Pass a list of 1-D arrays or a 2-D array of shape (n_patterns, n_neurons)."
            )
        if any(np.ndim(p) >= 1 for p in data):
            lengths = {np.shape(p) for p in data}
            if len(lengths) > 1:
                shown = sorted(lengths, key=str)[:4]
                raise ValueError(
                    f"{what} are ragged: every pattern must have the same shape, "
                    f"got shapes {shown}. Resize or crop them to a common size first."
                )
    try:
        arr = np.array(data, copy=True) if copy else np.asarray(data)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{what} must be numeric array-like; could not convert it: {err}") from None
    kind = arr.dtype.kind  # 'f' float, 'i'/'u' integer, 'b' bool, 'c' complex, ...
    if kind not in "fiubc":
        raise TypeError(
            f"{what} must hold numbers (for example float32 values -1 and +1); "
            f"got an array of dtype {arr.dtype}."
        )
    if kind == "c":
        raise TypeError(f"{what} must be real; got complex dtype {arr.dtype}.")
    was_1d = arr.ndim == 1
    if arr.ndim == 0 or (was_1d and not allow_1d) or arr.ndim > 2:
        expected = "(n_patterns, n_neurons)" if not allow_1d else "(n_neurons,) or (n_patterns, n_neurons)"
        fix = ""
        if arr.ndim == 3:
            fix = (f" It looks like a stack of images: flatten them with "
                   f"x.reshape(len(x), -1) (giving shape {(arr.shape[0], arr.shape[1] * arr.shape[2])}).")
        elif arr.ndim == 1:
            fix = " Wrap a single pattern as x[None, :]."
        raise ValueError(f"{what} must have shape {expected}; got shape {arr.shape}.{fix}")
    X = arr.reshape(1, -1) if was_1d else arr
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(
            f"{what} is empty: got shape {arr.shape}. Expected at least one pattern of at least one neuron."
        )
    if n_neurons is not None and X.shape[1] != n_neurons:
        if arr.ndim == 2 and arr.shape[0] * arr.shape[1] == n_neurons:
            fix = f" It looks like one 2-D image: flatten it with x.reshape(-1) (length {n_neurons})."
        else:
            fix = (f" Build the network with num_neurons={X.shape[1]}, or resize/crop the input "
                   f"to {n_neurons} values; hebbmem never resizes silently.")
        raise ValueError(
            f"{what} has length {X.shape[1]} but the network has num_neurons={n_neurons}; "
            f"expected shape ({n_neurons},) or (n, {n_neurons}), got {arr.shape}.{fix}"
        )
    if dtype is not None or kind != "f":
        X = X.astype(np.float64 if dtype is None else dtype, copy=False)
    if bipolar and (np.abs(X) == 1.0).all():
        return X, was_1d  # the common case: one pass, and +1/-1 is finite
    finite = np.isfinite(X)
    if not finite.all():
        bad = np.argwhere(~finite)[0]
        raise ValueError(
            f"{what} contains NaN or inf (first at index {tuple(int(i) for i in bad)}, value "
            f"{X[tuple(bad)]}). Replace missing values before storing or recalling, e.g. with np.nan_to_num."
        )
    if bipolar:
        ok = (X == 1.0) | (X == -1.0)
        if not ok.all():
            odd = np.unique(X[~ok])[:5]
            hint = ""
            values = np.unique(X)
            if np.isin(values, [0.0, 1.0]).all():
                hint = " The values look like {0, 1}: convert them with 2 * x - 1 (or hebbmem.noise.to_bipolar)."
            elif np.isin(values, [-1.0, 0.0, 1.0]).all():
                hint = (" The 0 entries look like masked pixels: a 'sign' network takes +1/-1 states only, "
                        "so mask with value=-1.0 (hebbmem.noise.mask_random(..., value=-1.0)), or use "
                        "activation='tanh', where 0 means unknown.")
            else:
                hint = " Binarize them first, e.g. np.where(x > x.mean(), 1, -1) (or hebbmem.datasets.binarize)."
            raise ValueError(
                f"{what} must be bipolar: every value -1 or +1 (the 'sign' convention); "
                f"found other values such as {odd.tolist()}.{hint}"
            )
    return X, was_1d


def check_seed(seed, owner):
    """``seed``: None, an int >= 0 or a numpy.random.Generator."""
    # Integers and None first: touching np.random imports it (about 17 ms in a fresh process).
    if seed is None:
        return seed
    if isinstance(seed, numbers.Integral) and not isinstance(seed, (bool, np.bool_)):
        if seed >= 0:
            return int(seed)
        raise ValueError(
            f"The 'seed' parameter of {owner} must be None, an int >= 0 or a numpy.random.Generator. "
            f"Got {seed!r} instead."
        )
    if isinstance(seed, np.random.Generator):
        return seed
    raise TypeError(
        f"The 'seed' parameter of {owner} must be None, an int >= 0 or a numpy.random.Generator. "
        f"Got {seed!r} instead."
    )


def check_compiled(value, name, owner):
    """``compiled`` / ``compiled_prediction``: True (the fastest exact path), False (NumPy) or "numba"."""
    if isinstance(value, str) and value == "numba":
        return value
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"The {name!r} parameter of {owner} must be True (the fastest exact path), False (the "
            f"readable NumPy path) or 'numba' (always the Numba kernels). Got {value!r} instead."
        )
    return bool(value)


# --------------------------------------------------------------------------
# Sizes: refuse what would not fit in memory, before anything is allocated
# --------------------------------------------------------------------------
def _physical_memory():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 16 * 2 ** 30


def human_bytes(n_bytes):
    """``n_bytes`` in B, KiB, MiB, ... for messages."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"):
        if n_bytes < 1024 or unit == "YiB":
            return f"{n_bytes:.1f} {unit}" if unit != "B" else f"{n_bytes} B"
        n_bytes /= 1024


def check_bytes_fit(need, why, fix):
    """Raise :class:`WeightMatrixTooLargeError` if ``need`` bytes exceed half the available memory."""
    limit = available_memory() // 2
    if need > limit:
        raise WeightMatrixTooLargeError(
            f"{why} needs {human_bytes(need)}, more than half of the memory available here "
            f"({human_bytes(2 * limit)}). Nothing was allocated. {fix}"
        )


# --------------------------------------------------------------------------
# How much memory there is: physical RAM, or less if a cgroup limits us
# --------------------------------------------------------------------------
_CGROUP_ROOT = "/sys/fs/cgroup"
_NO_LIMIT = 2 ** 60  # cgroup v1 reports "no limit" as a huge number (9223372036854771712)


def _read_limit(path):
    try:
        with open(path) as f:
            text = f.read().strip()
    except OSError:
        return None
    if not text.isdigit():  # "max" (cgroup v2: no limit), or unreadable
        return None
    value = int(text)
    return value if 0 < value < _NO_LIMIT else None


def _cgroup_memory_limit(root=None, proc_cgroup="/proc/self/cgroup"):
    """The tightest memory limit of this process's cgroup (v2 ``memory.max``, v1 ``memory.limit_in_bytes``), or None."""
    root = _CGROUP_ROOT if root is None else root
    candidates = [os.path.join(root, "memory.max"), os.path.join(root, "memory", "memory.limit_in_bytes")]
    try:
        with open(proc_cgroup) as f:
            for line in f:
                parts = line.strip().split(":", 2)
                if len(parts) != 3 or not parts[2].startswith("/"):
                    continue
                rel = parts[2].lstrip("/")
                if parts[0] == "0" and parts[1] == "":  # cgroup v2 unified hierarchy
                    candidates.append(os.path.join(root, rel, "memory.max"))
                elif "memory" in parts[1].split(","):
                    candidates.append(os.path.join(root, "memory", rel, "memory.limit_in_bytes"))
    except OSError:
        pass
    limits = [v for v in map(_read_limit, candidates) if v is not None]
    return min(limits) if limits else None


_CGROUP_CACHE = {}  # read once per process: reading the files costs ~90 us, a network ~200 us


def available_memory():
    """Physical memory, or the cgroup's memory limit if that is lower (containers, CI runners)."""
    physical = _physical_memory()
    if "limit" not in _CGROUP_CACHE:
        _CGROUP_CACHE["limit"] = _cgroup_memory_limit()
    limit = _CGROUP_CACHE["limit"]
    return physical if limit is None else min(physical, limit)
