"""Save a model to a file and load it back: ``model.save(path)``, ``hebbmem.load(path)``.

Every model class saves and loads: the Hopfield networks (classic, Amari,
stochastic, continuous, modern, dense associative memory) and the layers of
online plasticity (:class:`~hebbmem.LinearLayer`, :class:`~hebbmem.SpikingLayer`).
A loaded model computes bit for bit as the saved one did.

The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays). It holds

* ``header``: UTF-8 JSON with the format name and version, the hebbmem
  version that wrote it, the model's class and parameters, the state of its
  random generator (``bit_generator.state``, if the model has one) and
  whatever the model's family records (for a Hopfield network: the rules
  that trained it and the description of its weights);
* ``state``: the model's current state (for the networks);
* the model's arrays, stored bit for bit.

**Saving never damages what sits at the path** (see :mod:`hebbmem.io._write`):
a symbolic link is written through to its target; a folder, device, FIFO or
socket is refused; the data go to a temporary file in the same folder, are
flushed to disk and renamed over the target, so an interrupted save leaves
the old file intact; a new file follows the umask and a replaced one keeps
its permissions; every error names your path and says what to do.

**Loading never trusts the file.** Nothing in it is executed (no pickles).
Every malformed file raises :class:`ModelFileError` (a ``ValueError``) with
the reason: not a zip, encrypted or oddly compressed members, truncation,
bad checksums, headers that are not JSON or are nested too deeply, header
fields of the wrong type or out of range, generator states a generator
cannot hold, and header claims that contradict the arrays (the families
cross-check them, or recompute them from the arrays). Every array's declared
dtype, shape and size are checked against the file, and the model's sizes
against its arrays, before anything is allocated.

This package is the container only. Each family says how its models are
written and rebuilt, and registers its classes with :func:`register`; this
package imports no family. A family reads the header only through the
checked getters :func:`field` and :func:`params`, and the arrays through
:meth:`Archive.get`.

Examples
--------
>>> import os, tempfile, numpy as np, hebbmem as hm
>>> X = np.array([[1, 1, 1, -1, -1, -1], [1, -1, 1, -1, 1, -1]])
>>> model = hm.HopfieldNetwork(6, asyn=True, seed=0)
>>> _ = hm.Trainer(model, hm.Storkey()).train(X)
>>> path = os.path.join(tempfile.mkdtemp(), "memory.npz")
>>> model.save(path)
>>> again = hm.load(path)
>>> again
HopfieldNetwork(num_neurons=6, asyn=True, seed=0)
>>> bool(np.array_equal(again.W, model.W))
True
>>> hm.Trainer(again)          # continues with the rule that last trained it
Trainer(HopfieldNetwork(num_neurons=6, asyn=True, seed=0), Storkey())
"""

import json
import math
import os

import numpy as np

from .._version import __version__
from ._archive import Archive, open_archive
from ._fields import REQUIRED, ModelFileError, fail, field, params, show
from ._write import replace_file

__all__ = ["save", "load", "register", "ModelFileError", "FORMAT", "VERSION", "fail", "field", "params",
           "json_safe", "Archive", "REQUIRED"]

FORMAT = "hebbmem.network"
VERSION = 1

_MAX_HEADER_BYTES = 1 << 20
_MAX_DEPTH = 12  # hebbmem's headers nest 5 levels deep
_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
_MODELS = {}  # class name -> class, filled by the families with @register
_CORRUPT = "The file is corrupted or was not written by hebbmem's save()."


def register(cls):
    """Class decorator of the families: let :func:`save` write ``cls`` and :func:`load` rebuild it.

    ``cls`` provides ``model._save_parts(arrays) -> (params, record)``: it
    puts its arrays into the dict ``arrays`` and returns its constructor
    parameters (JSON scalars) and the JSON record of the rest; and the class
    method ``cls._load_parts(params, header, archive, path) -> model``, which
    reads the header through :func:`field` / :func:`params` and the arrays
    through ``archive.get`` (checking each model size against the arrays'
    declared shapes, ``archive.declared(name)``, before building anything)
    and raises :func:`fail` for anything else it refuses.
    """
    _MODELS[cls.__name__] = cls
    return cls


def json_safe(value):
    """True for the JSON scalars a header may hold: None, bool, str, int and finite floats."""
    if isinstance(value, (bool, str)) or value is None:
        return True
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return False


def _jsonable(value):
    """A generator state (ints, strs, arrays in dicts) as plain JSON values."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


# ------------------------------------------------------------------------ save
def save(model, path):
    """Write ``model`` to ``path`` as a versioned ``.npz`` file, never damaging what is there.

    The file keeps the model's class and parameters, its state and the state
    of its random generator, and what its family needs to continue (for a
    Hopfield network: the weights in their storage form and the rules that
    trained it; for a layer: its weights, activity and traces).
    :func:`load` gives back a model that computes bit for bit the same.

    Parameters
    ----------
    model : a hebbmem model, e.g. HopfieldNetwork, ModernHopfieldNetwork or LinearLayer
    path : str or os.PathLike
        Where to write; the name is used exactly as given (no suffix is
        added). A symbolic link is followed: its target receives the file.

    Raises
    ------
    TypeError
        For an object that is not a hebbmem model.
    OSError
        ``FileExistsError`` / ``IsADirectoryError`` if ``path`` is a folder,
        device, FIFO or socket; ``PermissionError``; ``FileNotFoundError``
        if its folder does not exist; the write's own error (e.g. a full
        disk). The message names ``path``; the file there is unchanged.
    """
    cls = type(model)
    if _MODELS.get(cls.__name__) is not cls:
        raise TypeError(f"save() supports hebbmem's models ({', '.join(sorted(_MODELS))}); got "
                        f"{cls.__name__}. Save its arrays yourself with numpy.savez(path, ...).")
    arrays = {}
    if hasattr(model, "s"):
        arrays["state"] = np.ascontiguousarray(model.s)
    params_, record = model._save_parts(arrays)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "hebbmem_version": __version__,
        "network": {"class": cls.__name__, "params": params_},
        **record,
    }
    rng = getattr(model, "rng", None)  # a model's generator: a property (the networks) or an attribute
    if isinstance(rng, np.random.Generator):
        header["rng"] = _jsonable(rng.bit_generator.state)
    text = json.dumps(header, allow_nan=False, sort_keys=True)
    arrays["header"] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    replace_file(path, lambda f: np.savez(f, **arrays))


# ------------------------------------------------------------------------ load
class _HeaderError(ValueError):
    pass


def _no_constant(name):
    raise _HeaderError(f"it holds {name}, which is not a JSON number and which hebbmem never writes")


def _unique_keys(pairs):
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise _HeaderError("an object in it repeats a field name")
    return dict(pairs)


def _depth(value):
    """How deeply ``value`` nests lists and objects (iteratively: no recursion to exhaust)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level <= _MAX_DEPTH:
                stack.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _read_header(archive, path):
    if "header" not in archive.names:
        raise fail(path, "it has no 'header' entry, so it was not written by hebbmem's save().",
                   "Load plain arrays with numpy.load instead.")
    shape, _ = archive.declared("header")
    if len(shape) == 1 and shape[0] > _MAX_HEADER_BYTES:
        raise fail(path, f"its header declares {shape[0]:,} bytes; hebbmem's headers are a few kilobytes.",
                   _CORRUPT)
    raw = archive.get("header", dtypes=("uint8",), ndim=1)
    try:
        header = json.loads(raw.tobytes().decode("utf-8"), parse_constant=_no_constant,
                            object_pairs_hook=_unique_keys)
    except UnicodeDecodeError:
        raise fail(path, "its header is not UTF-8 text.", _CORRUPT) from None
    except RecursionError:
        raise fail(path, "its header is nested too deeply to be one of hebbmem's.", _CORRUPT) from None
    except json.JSONDecodeError as err:
        raise fail(path, f"its header is not valid JSON ({err.msg} at character {err.pos}).", _CORRUPT) from None
    except _HeaderError as err:
        raise fail(path, f"its header is not valid: {err}.", _CORRUPT) from None
    except ValueError:  # e.g. an integer of thousands of digits
        raise fail(path, "its header holds a number far too long for any model.", _CORRUPT) from None
    if not isinstance(header, dict):
        raise fail(path, f"it is not a hebbmem model file (its header is {show(header)}, not an object).")
    if _depth(header) > _MAX_DEPTH:
        raise fail(path, f"its header nests more than {_MAX_DEPTH} levels deep; hebbmem's headers nest 5.",
                   _CORRUPT)
    if header.get("format") != FORMAT:
        found = header.get("format")
        raise fail(path, f"it is not a hebbmem model file (format {show(found)}, expected {FORMAT!r}).")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail(path, f"its format version must be a positive integer; it holds {show(version)}.", _CORRUPT)
    written = field(header, "hebbmem_version", "str", path, max_len=40)
    if version > VERSION:
        raise fail(path, f"it was written by a newer hebbmem ({show(written)}, format version "
                         f"{show(version)}); this hebbmem reads format version {VERSION}.",
                   "Upgrade hebbmem (pip install -U hebbmem) to load it.")
    return header


def _build_model(header, archive, path):
    net = field(header, "network", "dict", path)
    name = field(net, "class", "str", path, where="network", max_len=100)
    cls = _MODELS.get(name)
    if cls is None:
        raise fail(path, f"unknown network class {name!r}; expected one of {sorted(_MODELS)}.")
    values = field(net, "params", "dict", path, where="network")
    if not all(isinstance(k, str) and json_safe(v) for k, v in values.items()):
        raise fail(path, "its network parameters are malformed (each must be a number, string, "
                         "true/false or null).", _CORRUPT)
    return cls._load_parts(values, header, archive, path)


def _restore_rng(model, header, path):
    # Required for a model with a generator (checked on the class's property, or on the instance the
    # family built: reading a lazy property would draw a generator from NumPy's global state).
    needed = isinstance(getattr(type(model), "rng", None), property) or "rng" in vars(model)
    if not needed and "rng" not in header:
        return  # a model without a generator (the plasticity layers draw only their initial weights)
    if not needed:
        raise fail(path, f"it holds a random generator's state, but a {type(model).__name__} has no generator.",
                   _CORRUPT)
    state = field(header, "rng", "dict", path)
    kind = field(state, "bit_generator", "str", path, where="rng", choices=_GENERATORS)
    why = "it does not round-trip (values out of range)"
    if not _natural_numbers(state) or state.get("has_uint32", 0) not in (0, 1):
        raise fail(path, f"the random generator's state is invalid for {kind}: every number in it must be an "
                         f"integer >= 0 (has_uint32: 0 or 1).", _CORRUPT)
    try:
        bit_generator = getattr(np.random, kind)()
        bit_generator.state = state
        ok = _jsonable(bit_generator.state) == state
    except Exception as err:  # noqa: BLE001 - NumPy raises many kinds for bad states
        ok, why = False, _short(err)
    if not ok:
        raise fail(path, f"the random generator's state is invalid for {kind}: {why}.", _CORRUPT)
    model.rng = np.random.Generator(bit_generator)


def _natural_numbers(value):
    """Whether every number in a generator state (dicts and lists of ints) is an int >= 0 (no bools, floats)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, bool) or isinstance(item, float) or (isinstance(item, int) and item < 0):
            return False
    return True


def _short(err):
    """``Type: message`` of an exception for our messages, without advice meant for programmers."""
    text = " ".join(str(err).split())
    if "allow_pickle" in text or "max_str_digits" in text or len(text) > 160:
        text = text.split(";")[0].split(". ")[0][:160]
        text = "" if "allow_pickle" in text else text
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def load(path):
    """Read a model written by ``model.save(path)`` (or :func:`save`).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    model : the saved model's class, e.g. HopfieldNetwork or LinearLayer
        With the saved parameters, state, generator state and arrays: it
        computes bit for bit as the saved one, and training continues from
        the saved weights. ``hebbmem.Trainer(model)`` continues with the
        rule that trained it last (see :class:`~hebbmem.Trainer`).

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ModelFileError
        (a ``ValueError``) For every file that is not a valid hebbmem model:
        truncated, corrupted, hostile, of another kind, from a newer hebbmem,
        or inconsistent; the message says which.
    """
    path = os.fspath(path)
    archive = open_archive(path)
    try:
        with archive.zip:
            header = _read_header(archive, path)
            model = _build_model(header, archive, path)
            _restore_rng(model, header, path)
    except (ModelFileError, MemoryError):
        raise
    except Exception as err:  # noqa: BLE001 - any other failure reading a file is the file's fault
        raise fail(path, f"it is truncated or corrupted ({_short(err)}).", _CORRUPT) from None
    return model
