"""Save a trained network to a file and load it back: ``model.save(path)``, ``hebbmem.load(path)``.

The file is a NumPy ``.npz`` archive (a zip of ``.npy`` arrays) read with
``allow_pickle=False``: loading never runs code from the file. It holds

* ``header``: UTF-8 JSON with the format name and version, the hebbmem
  version that wrote it, the network's class and parameters, the state of
  its random generator (``bit_generator.state``: a dict of ints), the rules
  that trained it and the description of the weights;
* ``state``: the network's current state ``s``;
* ``w.<name>``: the arrays of the weights in their storage form (low-rank
  factors ``U``, ``V``, ``d``, or the dense ``W_raw``), plus whatever else the
  representation keeps to continue training (the Hebbian terms, the
  pseudo-inverse's patterns).

Arrays are stored bit for bit, so a loaded network recalls exactly as the
saved one did, ties included, and continues training the same way.
Truncated, corrupted, hostile, wrong-format and future-version files raise
:class:`ModelFileError` (a ``ValueError``) with the reason; nothing in a file
is executed and no array is read before its declared size is checked.

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

from . import rules as _rules
from ._weights import DenseWeights, LowRankWeights, _available_memory

__all__ = ["save", "load", "ModelFileError", "FORMAT", "VERSION"]

FORMAT = "hebbmem.network"
VERSION = 1

_MAX_HEADER_BYTES = 1 << 20
_NPY_HEADER_SLACK = 4096  # bytes of .npy header allowed on top of the data
_DTYPES = {"float32", "float64", "int8", "int64", "uint64", "bool"}
_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")
# Attributes of a representation that are derived from the others (rebuilt on load).
_DERIVED = {"UT", "VT", "selfw", "_dense", "dtype", "rank", "n", "kind", "factors", "terms", "rules"}


class ModelFileError(ValueError):
    """A file that :func:`load` cannot read as a hebbmem model: the message says why."""


# ------------------------------------------------------------------------ save
def _network_params(model):
    from .networks import AmariHopfieldNetwork, HopfieldNetwork

    if type(model) is HopfieldNetwork:
        names = ("num_neurons", "asyn", "activation", "max_iter", "bias", "temperature", "tol", "storage",
                 "parallel")
        params = {k: getattr(model, k) for k in names}
    elif type(model) is AmariHopfieldNetwork:
        names = ("num_neurons", "asyn", "threshold", "activation", "temperature", "max_iter", "tol", "storage",
                 "parallel", "name")
        params = {k: getattr(model, k, None) for k in names}
    else:
        raise TypeError(
            f"save() supports HopfieldNetwork and AmariHopfieldNetwork; got {type(model).__name__}. "
            f"Save its weights yourself with numpy.save(path, model.W)."
        )
    params["seed"] = model.seed if isinstance(model.seed, int) else None
    for key, value in params.items():
        if isinstance(value, (np.generic,)):
            params[key] = value.item()
    return type(model).__name__, params


def _json_safe(value):
    if isinstance(value, (bool, str)) or value is None:
        return True
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return False


def _describe_weights(rep, arrays):
    """The JSON description of ``rep``; its arrays go into ``arrays`` as ``w.<name>``."""
    if rep is None:
        return None
    if rep.kind == "lowrank":
        fields = {"U": rep.U, "V": rep.V, "d": rep.d}
        skip = set()
    elif rep.kind == "dense":
        fields = {"W_raw": rep.W_raw}
        skip = {"d"}  # always zeros for dense weights: rebuilt
    else:  # pragma: no cover - no other representation exists
        raise TypeError(f"cannot save weights of kind {rep.kind!r}")
    extras = {}
    for name, value in vars(rep).items():
        if name in fields or name in skip or name in _DERIVED or name in ("scale", "symmetric"):
            continue
        if isinstance(value, np.ndarray):
            fields[name] = value
        elif isinstance(value, np.generic):
            extras[name] = value.item()
        elif _json_safe(value):
            extras[name] = value
    for name, value in fields.items():
        arrays[f"w.{name}"] = np.ascontiguousarray(value)
    terms = None
    if getattr(rep, "terms", None) is not None:
        terms = []
        for k, term in enumerate(rep.terms):
            arrays[f"w.term{k}.A"] = np.ascontiguousarray(term.A)
            terms.append({"sign": int(term.sign), "learning_rate": float(term.learning_rate),
                          "divisor": int(term.divisor), "zero_diagonal": bool(term.zero_diagonal)})
    return {
        "kind": rep.kind,
        "scale": float(rep.scale),
        "symmetric": bool(rep.symmetric),
        "arrays": sorted(fields),
        "extras": extras,
        "terms": terms,
        "rules": [_describe_rule(r) for r in getattr(rep, "rules", ())],
    }


def _describe_rule(rule):
    if isinstance(rule, dict):
        return rule
    params = {k: v for k, v in vars(rule).items() if _json_safe(v)}
    return {"class": type(rule).__name__, "params": params}


def save(model, path):
    """Write ``model`` (a :class:`~hebbmem.HopfieldNetwork`) to ``path`` as a versioned ``.npz`` file.

    The file keeps the network's class and parameters, its state and the
    state of its random generator, the weights in their storage form
    (low-rank factors or dense) and the rules that trained it.
    :func:`load` gives back a network that recalls bit for bit the same.
    The file is written to a temporary name first and then renamed, so an
    interrupted save never leaves a half-written file under ``path``.

    Parameters
    ----------
    model : HopfieldNetwork or AmariHopfieldNetwork
    path : str or os.PathLike
        Where to write; the name is used exactly as given (no suffix is added).
    """
    from . import __version__

    cls_name, params = _network_params(model)
    arrays = {"state": np.ascontiguousarray(model.s)}
    header = {
        "format": FORMAT,
        "version": VERSION,
        "hebbmem_version": __version__,
        "network": {"class": cls_name, "params": params},
        "rng": model.rng.bit_generator.state,
        "weights": _describe_weights(model._weights, arrays),
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
def _fail(path, why, fix=""):
    return ModelFileError(f"Cannot load {os.fspath(path)!r} as a hebbmem model: {why}" + (f" {fix}" if fix else ""))


class _Archive:
    """Checked access to the members of an opened .npz file."""

    def __init__(self, npz, path):
        self.npz = npz
        self.path = path
        self.names = set(npz.files)

    def get(self, name, shape=None, dtypes=("float32", "float64")):
        if name not in self.names:
            raise _fail(self.path, f"the array {name!r} is missing.", "The file is incomplete or corrupted.")
        # Read the .npy header first: dtype and shape are checked before any data is read.
        info = self.npz.zip.getinfo(name + ".npy")
        with self.npz.zip.open(info) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                declared, _, dtype = np.lib.format.read_array_header_1_0(f)
            else:
                declared, _, dtype = np.lib.format.read_array_header_2_0(f)
        if dtype.name not in dtypes:
            raise _fail(self.path, f"the array {name!r} has dtype {dtype}; expected one of {sorted(dtypes)}.")
        if shape is not None and tuple(declared) != tuple(shape):
            raise _fail(self.path, f"the array {name!r} has shape {tuple(declared)}; expected {tuple(shape)}.")
        size = int(np.prod(declared, dtype=object)) * dtype.itemsize
        if info.file_size > size + _NPY_HEADER_SLACK or size > _available_memory() // 2:
            raise _fail(self.path, f"the array {name!r} declares {size:,} bytes of data in a member of "
                                   f"{info.file_size:,} bytes, or more than half of the memory here.")
        value = self.npz[name]
        if value.dtype.name not in dtypes:
            raise _fail(self.path, f"the array {name!r} has dtype {value.dtype}; expected one of {sorted(dtypes)}.")
        if shape is not None and value.shape != tuple(shape):
            raise _fail(self.path, f"the array {name!r} has shape {value.shape}; expected {tuple(shape)}.")
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            raise _fail(self.path, f"the array {name!r} contains NaN or inf.")
        return value


def _read_header(archive, path):
    if "header" not in archive.names:
        raise _fail(path, "it has no 'header' entry, so it was not written by hebbmem's save().",
                    "Load plain arrays with numpy.load instead.")
    if archive.npz.zip.getinfo("header.npy").file_size > _MAX_HEADER_BYTES:
        raise _fail(path, "its header is implausibly large.")
    raw = archive.get("header", dtypes=("uint8",))
    if raw.ndim != 1:
        raise _fail(path, "its header is not a byte string.")
    try:
        header = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _fail(path, "its header is not valid JSON (the file is corrupted).") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else None
        raise _fail(path, f"it is not a hebbmem model file (format {found!r}, expected {FORMAT!r}).")
    version = header.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(path, f"its format version {version!r} is not valid.")
    if version > VERSION:
        raise _fail(path, f"it was written by a newer hebbmem ({header.get('hebbmem_version')!r}, format "
                          f"version {version}); this hebbmem reads format version {VERSION}.",
                    "Upgrade hebbmem (pip install -U hebbmem) to load it.")
    return header


def _section(header, key, kind, path):
    value = header.get(key)
    if not isinstance(value, kind):
        raise _fail(path, f"its header entry {key!r} is missing or malformed.")
    return value


def _build_network(header, path):
    from .networks import AmariHopfieldNetwork, HopfieldNetwork

    net = _section(header, "network", dict, path)
    classes = {"HopfieldNetwork": HopfieldNetwork, "AmariHopfieldNetwork": AmariHopfieldNetwork}
    cls = classes.get(net.get("class"))
    if cls is None:
        raise _fail(path, f"unknown network class {net.get('class')!r}; expected one of {sorted(classes)}.")
    params = net.get("params")
    if not isinstance(params, dict) or not all(isinstance(k, str) and _json_safe(v) for k, v in params.items()):
        raise _fail(path, "its network parameters are malformed.")
    allowed = {"HopfieldNetwork": {"num_neurons", "asyn", "activation", "max_iter", "bias", "temperature", "tol",
                                   "storage", "parallel", "seed"},
               "AmariHopfieldNetwork": {"num_neurons", "asyn", "threshold", "activation", "temperature",
                                        "max_iter", "tol", "storage", "parallel", "seed", "name"}}[cls.__name__]
    if not set(params) <= allowed or "num_neurons" not in params:
        raise _fail(path, f"unexpected network parameters {sorted(set(params) - allowed)}.")
    try:
        model = cls(**params)  # the constructor validates every parameter
    except (TypeError, ValueError, MemoryError) as err:
        raise _fail(path, f"its network parameters are invalid: {err}") from None
    return model


def _restore_rng(model, state, path):
    if not isinstance(state, dict) or state.get("bit_generator") not in _GENERATORS:
        raise _fail(path, "the random generator's state is missing or of an unknown kind.")
    try:
        bit_generator = getattr(np.random, state["bit_generator"])()
        bit_generator.state = state
    except (TypeError, ValueError, KeyError, OverflowError) as err:
        raise _fail(path, f"the random generator's state is invalid: {err}") from None
    model.rng = np.random.Generator(bit_generator)


def _build_weights(desc, archive, n, path):
    if desc is None:
        return None
    if not isinstance(desc, dict) or desc.get("kind") not in ("lowrank", "dense"):
        raise _fail(path, "the description of its weights is malformed.")
    scale = desc.get("scale")
    if not isinstance(scale, (int, float)) or isinstance(scale, bool) or not math.isfinite(scale) or scale == 0:
        raise _fail(path, f"the weights' scale {scale!r} is not a finite nonzero number.")
    names = desc.get("arrays")
    if not isinstance(names, list) or not all(isinstance(k, str) and k.isidentifier() for k in names):
        raise _fail(path, "the list of weight arrays is malformed.")
    if desc["kind"] == "lowrank":
        d = archive.get("w.d", (n,))
        U = archive.get("w.U")
        if U.ndim != 2 or U.shape[1] != n:
            raise _fail(path, f"the factor U has shape {U.shape}; expected (rank, {n}).")
        V = archive.get("w.V", U.shape)
        if not (U.dtype == V.dtype == d.dtype):
            raise _fail(path, "the factors U, V and d do not share one dtype.")
        terms = None
        if desc.get("terms") is not None:
            terms = _build_terms(desc["terms"], archive, n, path)
        rep = LowRankWeights(U, V, d, float(scale), symmetric=bool(desc.get("symmetric")), terms=terms)
        known = {"U", "V", "d"}
    else:
        W = archive.get("w.W_raw", (n, n))
        rep = DenseWeights(W, float(scale), symmetric=bool(desc.get("symmetric")))
        known = {"W_raw"}
    for name in names:
        if name in known:
            continue
        if name != "pinv_patterns":
            raise _fail(path, f"unknown weight array {name!r}.")
        patterns = archive.get(f"w.{name}", dtypes=("int8", "float32", "float64"))
        if patterns.ndim != 2 or patterns.shape[1] != n:
            raise _fail(path, f"the stored patterns have shape {patterns.shape}; expected (P, {n}).")
        if patterns.dtype == np.int8 and not np.all(np.abs(patterns) == 1):
            raise _fail(path, "the stored +1/-1 patterns contain other values.")
        setattr(rep, name, patterns)
    extras = desc.get("extras", {})
    if not isinstance(extras, dict):
        raise _fail(path, "the weights' extra fields are malformed.")
    for name, value in extras.items():
        if name != "field_quantum" or not (value is None or (isinstance(value, float) and value > 0)):
            raise _fail(path, f"unknown or invalid weight field {name!r} = {value!r}.")
        setattr(rep, name, value)
    rep.rules = tuple(_check_rule(r, path) for r in desc.get("rules") or ())
    return rep


def _build_terms(terms, archive, n, path):
    if not isinstance(terms, list):
        raise _fail(path, "the Hebbian terms are malformed.")
    out = []
    for k, t in enumerate(terms):
        ok = (isinstance(t, dict) and t.get("sign") in (1, -1) and isinstance(t.get("divisor"), int)
              and t["divisor"] >= 1 and isinstance(t.get("learning_rate"), (int, float))
              and isinstance(t.get("zero_diagonal"), bool))
        if not ok:
            raise _fail(path, f"Hebbian term {k} is malformed.")
        A = archive.get(f"w.term{k}.A")
        if A.ndim != 2 or A.shape[1] != n:
            raise _fail(path, f"Hebbian term {k} has shape {A.shape}; expected (P, {n}).")
        out.append(_rules._OuterProductTerm(A, t["sign"], t["learning_rate"], t["divisor"], t["zero_diagonal"]))
    return out


def _check_rule(rule, path):
    """A rule description, accepted only for hebbmem's own rule classes with JSON-scalar parameters."""
    ok = (isinstance(rule, dict) and isinstance(rule.get("class"), str) and isinstance(rule.get("params"), dict)
          and all(isinstance(k, str) and _json_safe(v) for k, v in rule["params"].items()))
    cls = getattr(_rules, rule["class"], None) if ok else None
    if not (isinstance(cls, type) and issubclass(cls, _rules.Rule)):
        raise _fail(path, f"unknown learning rule {rule!r}.")
    return {"class": rule["class"], "params": dict(rule["params"])}


def load(path):
    """Read a network written by ``model.save(path)`` (or :func:`save`).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    model : HopfieldNetwork or AmariHopfieldNetwork
        With the saved parameters, state, generator state and weights (in
        their saved storage form): it recalls bit for bit as the saved one,
        and ``train()`` continues from the saved weights.

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
        raise _fail(path, f"it is not a readable .npz archive ({err}).",
                    "The file is truncated, corrupted or of another kind.") from None
    if not isinstance(npz, np.lib.npyio.NpzFile):
        raise _fail(path, "it holds a single array, not a hebbmem .npz archive.")
    try:
        with npz:
            archive = _Archive(npz, path)
            header = _read_header(archive, path)
            model = _build_network(header, path)
            n = model.num_neurons
            state = archive.get("state", (n,))
            model.s = state.astype(np.float32)
            _restore_rng(model, header.get("rng"), path)
            model._set_weights(_build_weights(header.get("weights"), archive, n, path))
    except ModelFileError:
        raise
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as err:
        raise _fail(path, f"it is truncated or corrupted ({type(err).__name__}: {err}).") from None
    return model
