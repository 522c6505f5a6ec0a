"""How a Hopfield network is written to a model file and read back (the family's part of :mod:`hebbmem.io`).

The network's parameters go into the header; its weights are stored in their
storage form (low-rank factors ``U``, ``V``, ``d``, or the dense ``W_raw``),
with whatever the representation keeps to continue training (the Hebbian
terms, the pseudo-inverse's patterns) and the rules that trained it. Arrays
are stored bit for bit, so a loaded network recalls exactly as the saved one
did, ties included.
"""

import math

import numpy as np

from ..io import fail, json_safe
from .rules import AntiHebbian, Hebbian, PseudoInverse, _OuterProductTerm
from .storkey import Storkey
from ._weights import DenseWeights, LowRankWeights

# Attributes of a representation that are derived from the others (rebuilt on load).
_DERIVED = {"UT", "VT", "selfw", "_dense", "dtype", "rank", "n", "kind", "factors", "terms", "rules"}
_PARAMS = {
    "HopfieldNetwork": ("num_neurons", "asyn", "activation", "max_iter", "bias", "temperature", "tol", "storage",
                        "parallel"),
    "AmariHopfieldNetwork": ("num_neurons", "asyn", "threshold", "activation", "temperature", "max_iter", "tol",
                             "storage", "parallel", "name"),
}


def network_params(model):
    """The constructor parameters of ``model`` as JSON scalars."""
    params = {k: getattr(model, k, None) for k in _PARAMS[type(model).__name__]}
    params["seed"] = model.seed if isinstance(model.seed, int) else None
    for key, value in params.items():
        if isinstance(value, np.generic):
            params[key] = value.item()
    return params


def check_params(cls, params, path):
    """Refuse parameter names the class does not save."""
    allowed = {*_PARAMS[cls.__name__], "seed"}
    if not set(params) <= allowed or "num_neurons" not in params:
        raise fail(path, f"unexpected network parameters {sorted(set(params) - allowed)}.")


def describe_weights(rep, arrays):
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
        elif json_safe(value):
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
    params = {k: v for k, v in vars(rule).items() if json_safe(v)}
    return {"class": type(rule).__name__, "params": params}


def build_weights(desc, archive, n, path):
    if desc is None:
        return None
    if not isinstance(desc, dict) or desc.get("kind") not in ("lowrank", "dense"):
        raise fail(path, "the description of its weights is malformed.")
    scale = desc.get("scale")
    if not isinstance(scale, (int, float)) or isinstance(scale, bool) or not math.isfinite(scale) or scale == 0:
        raise fail(path, f"the weights' scale {scale!r} is not a finite nonzero number.")
    names = desc.get("arrays")
    if not isinstance(names, list) or not all(isinstance(k, str) and k.isidentifier() for k in names):
        raise fail(path, "the list of weight arrays is malformed.")
    if desc["kind"] == "lowrank":
        d = archive.get("w.d", (n,))
        U = archive.get("w.U")
        if U.ndim != 2 or U.shape[1] != n:
            raise fail(path, f"the factor U has shape {U.shape}; expected (rank, {n}).")
        V = archive.get("w.V", U.shape)
        if not (U.dtype == V.dtype == d.dtype):
            raise fail(path, "the factors U, V and d do not share one dtype.")
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
            raise fail(path, f"unknown weight array {name!r}.")
        patterns = archive.get(f"w.{name}", dtypes=("int8", "float32", "float64"))
        if patterns.ndim != 2 or patterns.shape[1] != n:
            raise fail(path, f"the stored patterns have shape {patterns.shape}; expected (P, {n}).")
        if patterns.dtype == np.int8 and not np.all(np.abs(patterns) == 1):
            raise fail(path, "the stored +1/-1 patterns contain other values.")
        setattr(rep, name, patterns)
    extras = desc.get("extras", {})
    if not isinstance(extras, dict):
        raise fail(path, "the weights' extra fields are malformed.")
    for name, value in extras.items():
        if name != "field_quantum" or not (value is None or (isinstance(value, float) and value > 0)):
            raise fail(path, f"unknown or invalid weight field {name!r} = {value!r}.")
        setattr(rep, name, value)
    rep.rules = tuple(_check_rule(r, path) for r in desc.get("rules") or ())
    return rep


def _build_terms(terms, archive, n, path):
    if not isinstance(terms, list):
        raise fail(path, "the Hebbian terms are malformed.")
    out = []
    for k, t in enumerate(terms):
        ok = (isinstance(t, dict) and t.get("sign") in (1, -1) and isinstance(t.get("divisor"), int)
              and t["divisor"] >= 1 and isinstance(t.get("learning_rate"), (int, float))
              and isinstance(t.get("zero_diagonal"), bool))
        if not ok:
            raise fail(path, f"Hebbian term {k} is malformed.")
        A = archive.get(f"w.term{k}.A")
        if A.ndim != 2 or A.shape[1] != n:
            raise fail(path, f"Hebbian term {k} has shape {A.shape}; expected (P, {n}).")
        out.append(_OuterProductTerm(A, t["sign"], t["learning_rate"], t["divisor"], t["zero_diagonal"]))
    return out


_RULES = {cls.__name__: cls for cls in (Hebbian, AntiHebbian, PseudoInverse, Storkey)}


def _check_rule(rule, path):
    """A rule description, accepted only for hebbmem's own rule classes with JSON-scalar parameters."""
    ok = (isinstance(rule, dict) and isinstance(rule.get("class"), str) and isinstance(rule.get("params"), dict)
          and all(isinstance(k, str) and json_safe(v) for k, v in rule["params"].items()))
    if not (ok and rule["class"] in _RULES):
        raise fail(path, f"unknown learning rule {rule!r}.")
    return {"class": rule["class"], "params": dict(rule["params"])}
