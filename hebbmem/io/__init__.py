"""Save a model to a file and load it back: ``model.save(path)``, ``hebbmem.load(path)``.

The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays) read with
``allow_pickle=False``: loading never runs code from the file. It holds

* ``header``: UTF-8 JSON with the format name and version, the hebbmem
  version that wrote it, the model's class and parameters, the state of its
  random generator (``bit_generator.state``: a dict of ints) and whatever the
  model's family records (for a Hopfield network: the rules that trained it
  and the description of its weights);
* ``state``: the model's current state;
* the model's arrays, stored bit for bit, so a loaded model computes exactly
  as the saved one did.

Truncated, corrupted, hostile, wrong-format and future-version files raise
:class:`ModelFileError` (a ``ValueError``) with the reason; nothing in a file
is executed and no array is read before its declared size is checked.

This module is the container only. Each family says how its models are
written (``model._save_parts``) and rebuilt (``cls._load_parts``), and
registers its classes with :func:`register`; this module imports no family.

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
"""

import json
import math
import os
import tempfile
import zipfile
import zlib

import numpy as np

from .._validation import available_memory
from .._version import __version__

__all__ = ["save", "load", "register", "ModelFileError", "FORMAT", "VERSION"]

FORMAT = "hebbmem.network"
VERSION = 1

_MAX_HEADER_BYTES = 1 << 20
_NPY_HEADER_SLACK = 4096  # bytes of .npy header allowed on top of the data
_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
_MODELS = {}  # class name -> class, filled by the families with @register


class ModelFileError(ValueError):
    """A file that :func:`load` cannot read as a hebbmem model: the message says why."""


def register(cls):
    """Class decorator of the families: let :func:`save` write ``cls`` and :func:`load` rebuild it.

    ``cls`` provides ``model._save_parts(arrays) -> (params, record)``: it
    puts its arrays into the dict ``arrays`` and returns its constructor
    parameters and the JSON record of the rest; and the class method
    ``cls._load_parts(params, header, archive, path) -> model``.
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


def fail(path, why, fix=""):
    """The :class:`ModelFileError` for ``path``: why it cannot be loaded, and the fix."""
    return ModelFileError(f"Cannot load {os.fspath(path)!r} as a hebbmem model: {why}" + (f" {fix}" if fix else ""))


# ------------------------------------------------------------------------ save
def save(model, path):
    """Write ``model`` to ``path`` as a versioned ``.npz`` file.

    The file keeps the model's class and parameters, its state and the state
    of its random generator, and what its family needs to continue (for a
    Hopfield network: the weights in their storage form and the rules that
    trained it). :func:`load` gives back a model that computes bit for bit
    the same. The file is written to a temporary name first and then
    renamed, so an interrupted save never leaves a half-written file under
    ``path``.

    Parameters
    ----------
    model : a hebbmem model, e.g. HopfieldNetwork or AmariHopfieldNetwork
    path : str or os.PathLike
        Where to write; the name is used exactly as given (no suffix is added).
    """
    cls = type(model)
    if _MODELS.get(cls.__name__) is not cls:
        raise TypeError(
            f"save() supports {', '.join(_MODELS)}; got {cls.__name__}. "
            f"Save its arrays yourself with numpy.savez(path, ...)."
        )
    arrays = {"state": np.ascontiguousarray(model.s)}
    params, record = model._save_parts(arrays)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "hebbmem_version": __version__,
        "network": {"class": cls.__name__, "params": params},
        "rng": model.rng.bit_generator.state,
        **record,
    }
    text = json.dumps(header, allow_nan=False, sort_keys=True)
    arrays["header"] = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".hebbmem-", suffix=".npz.tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


# ------------------------------------------------------------------------ load
class Archive:
    """Checked access to the members of an opened .npz file."""

    def __init__(self, npz, path):
        self.npz = npz
        self.path = path
        self.names = set(npz.files)

    def get(self, name, shape=None, dtypes=("float32", "float64")):
        if name not in self.names:
            raise fail(self.path, f"the array {name!r} is missing.", "The file is incomplete or corrupted.")
        # Read the .npy header first: dtype and shape are checked before any data is read.
        info = self.npz.zip.getinfo(name + ".npy")
        with self.npz.zip.open(info) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                declared, _, dtype = np.lib.format.read_array_header_1_0(f)
            else:
                declared, _, dtype = np.lib.format.read_array_header_2_0(f)
        if dtype.name not in dtypes:
            raise fail(self.path, f"the array {name!r} has dtype {dtype}; expected one of {sorted(dtypes)}.")
        if shape is not None and tuple(declared) != tuple(shape):
            raise fail(self.path, f"the array {name!r} has shape {tuple(declared)}; expected {tuple(shape)}.")
        size = int(np.prod(declared, dtype=object)) * dtype.itemsize
        if info.file_size > size + _NPY_HEADER_SLACK or size > available_memory() // 2:
            raise fail(self.path, f"the array {name!r} declares {size:,} bytes of data in a member of "
                                   f"{info.file_size:,} bytes, or more than half of the memory here.")
        value = self.npz[name]
        if value.dtype.name not in dtypes:
            raise fail(self.path, f"the array {name!r} has dtype {value.dtype}; expected one of {sorted(dtypes)}.")
        if shape is not None and value.shape != tuple(shape):
            raise fail(self.path, f"the array {name!r} has shape {value.shape}; expected {tuple(shape)}.")
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            raise fail(self.path, f"the array {name!r} contains NaN or inf.")
        return value


def _read_header(archive, path):
    if "header" not in archive.names:
        raise fail(path, "it has no 'header' entry, so it was not written by hebbmem's save().",
                    "Load plain arrays with numpy.load instead.")
    if archive.npz.zip.getinfo("header.npy").file_size > _MAX_HEADER_BYTES:
        raise fail(path, "its header is implausibly large.")
    raw = archive.get("header", dtypes=("uint8",))
    if raw.ndim != 1:
        raise fail(path, "its header is not a byte string.")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise fail(path, "its header is not valid JSON (the file is corrupted).") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise fail(path, f"it is not a hebbmem model file (format {found!r}, expected {FORMAT!r}).")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise fail(path, f"its format version {version!r} is not valid.")
    if version > VERSION:
        raise fail(path, f"it was written by a newer hebbmem ({header.get('hebbmem_version')!r}, format "
                          f"version {version}); this hebbmem reads format version {VERSION}.",
                    "Upgrade hebbmem (pip install -U hebbmem) to load it.")
    return header


def _section(header, key, kind, path):
    value = header.get(key)
    if not isinstance(value, kind):
        raise fail(path, f"its header entry {key!r} is missing or malformed.")
    return value


def _build_model(header, archive, path):
    net = _section(header, "network", dict, path)
    cls = _MODELS.get(net.get("class"))
    if cls is None:
        raise fail(path, f"unknown network class {net.get('class')!r}; expected one of {sorted(_MODELS)}.")
    params = net.get("params")
    if not isinstance(params, dict) or not all(isinstance(k, str) and json_safe(v) for k, v in params.items()):
        raise fail(path, "its network parameters are malformed.")
    return cls._load_parts(params, header, archive, path)


def _restore_rng(model, state, path):
    if not isinstance(state, dict) or state.get("bit_generator") not in _GENERATORS:
        raise fail(path, "the random generator's state is missing or of an unknown kind.")
    try:
        bit_generator = getattr(np.random, state["bit_generator"])()
        bit_generator.state = state
    except (TypeError, ValueError, KeyError, OverflowError) as err:
        raise fail(path, f"the random generator's state is invalid: {err}") from None
    model.rng = np.random.Generator(bit_generator)


def load(path):
    """Read a network written by ``model.save(path)`` (or :func:`save`).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    model : the saved model's class, e.g. HopfieldNetwork
        With the saved parameters, state, generator state and weights (for a
        Hopfield network in their saved storage form): it recalls bit for bit
        as the saved one, and ``train()`` continues from the saved weights.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ModelFileError
        (a ``ValueError``) If the file is truncated, corrupted, not a hebbmem
        model, from a newer hebbmem, or inconsistent; the message says which.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: {path!r}. Write one with model.save(path).")
    try:
        npz = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
        raise fail(path, f"it is not a readable .npz archive ({err}).",
                    "The file is truncated, corrupted or of another kind.") from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise fail(path, "it holds a single array, not a hebbmem .npz archive.")
    try:
        with npz:
            archive = Archive(npz, path)
            header = _read_header(archive, path)
            model = _build_model(header, archive, path)
            _restore_rng(model, header.get("rng"), path)
    except ModelFileError:
        raise
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as err:
        raise fail(path, f"it is truncated or corrupted ({type(err).__name__}: {err}).") from None
    return model
