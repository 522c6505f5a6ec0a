"""How the associative-memory networks are written to a model file and read back (the family's part of :mod:`hebbmem.io`).

A network's constructor parameters go into the header, each read back
through :func:`hebbmem.io.params` against the table :data:`PARAMS` of their
types. Its weights are stored in their storage form (low-rank factors ``U``,
``V``, ``d``, or the dense ``W_raw``), with what the representation keeps to
continue training (the Hebbian terms, the pseudo-inverse's patterns) and the
rules that trained it; the pattern memories (modern network, dense
associative memory) store their ``memory`` array instead. Arrays are stored
bit for bit, so a loaded network recalls exactly as the saved one did, ties
included.

Nothing in the header is believed without a check against the arrays:
the network's size must match the state array before the network is built;
``symmetric`` is recomputed from the weights; ``field_quantum`` must divide
every field the arrays can produce; the Hebbian terms must rebuild the
stored factors exactly; the scale must keep every weight finite; the rules
are rebuilt by their own constructors, which check their parameters.
"""

import math

import numpy as np

from ..io import field, fail, json_safe, params
from ._weights import DenseWeights, LowRankWeights, field_bound, gram
from .rules import AntiHebbian, Hebbian, PseudoInverse, _OuterProductTerm, _outer_product_factors
from .storkey import Storkey

_CORRUPT = "The file is corrupted or was not written by hebbmem's save()."
_SEED = [("int", None), {"low": 0, "high": 2 ** 128}]
_COUNT = [("int",), {"low": 1, "high": 2 ** 62}]
#: The constructor parameters each class saves, with their JSON types (the constructor checks the ranges).
PARAMS = {
    "HopfieldNetwork": {"num_neurons": _COUNT, "asyn": "bool", "activation": "str", "max_iter": _COUNT,
                        "bias": "real", "temperature": "real", "tol": "real", "storage": "str",
                        "parallel": "bool", "seed": _SEED},
    "AmariHopfieldNetwork": {"num_neurons": _COUNT, "asyn": "bool", "threshold": "real", "activation": "str",
                             "temperature": "real", "max_iter": _COUNT, "tol": "real", "storage": "str",
                             "parallel": "bool", "name": ("str", None), "seed": _SEED},
    "StochasticHopfieldNetwork": {"num_neurons": _COUNT, "temperature": "real", "max_iter": _COUNT,
                                  "field_scale": ("real", "str"), "bias": "real", "seed": _SEED},
    "ContinuousHopfieldNetwork": {"num_neurons": _COUNT, "gain": "real", "tau": "real", "dt": "real",
                                  "max_iter": _COUNT, "tol": "real", "field_scale": ("real", "str"),
                                  "bias": "real", "seed": _SEED},
    "ModernHopfieldNetwork": {"num_neurons": _COUNT, "beta": "real", "max_iter": _COUNT, "tol": "real",
                              "binary": "bool", "dtype": "str", "seed": _SEED},
    "DenseAssociativeMemory": {"num_neurons": _COUNT, "degree": _COUNT, "rectified": "bool",
                               "max_iter": _COUNT, "seed": _SEED},
}
_RULES = {cls.__name__: cls for cls in (Hebbian, AntiHebbian, PseudoInverse, Storkey)}
_MAX_WEIGHT = 1e300  # |W_ij| and every field times the scale stay below this: energies never overflow


# ------------------------------------------------------------------------ save
def save_parts(model, arrays):
    """File hook of :func:`hebbmem.io.save` for every network: (params, record); arrays go into ``arrays``."""
    values = {k: getattr(model, k, None) for k in PARAMS[type(model).__name__] if k != "seed"}
    values["seed"] = model.seed if isinstance(model.seed, int) else None
    values = {k: (v.item() if isinstance(v, np.generic) else v) for k, v in values.items()}
    record = {}
    if hasattr(model, "memory"):  # a pattern memory: the patterns are the weights
        record["memory"] = model.memory is not None
        if model.memory is not None:
            arrays["memory"] = np.ascontiguousarray(model.memory)
    else:
        record["weights"] = describe_weights(model._weights, arrays)
    if hasattr(model, "_hebbian"):  # Curie-Weiss couplings: what 'auto' needs to know
        record["couplings"] = None if model._hebbian is None else {
            "train_sizes": list(model._hebbian[0]), "normalize": bool(model._hebbian[1])}
    if getattr(model, "schedule", None) is not None:
        arrays["schedule"] = np.ascontiguousarray(model.schedule)
    return values, record


def describe_weights(rep, arrays):
    """The JSON description of ``rep``; its arrays go into ``arrays`` as ``w.<name>``."""
    if rep is None:
        return None
    fields = {"U": rep.U, "V": rep.V, "d": rep.d} if rep.kind == "lowrank" else {"W_raw": rep.W_raw}
    if getattr(rep, "pinv_patterns", None) is not None:
        fields["pinv_patterns"] = rep.pinv_patterns
    for name, value in fields.items():
        arrays[f"w.{name}"] = np.ascontiguousarray(value)
    quantum = getattr(rep, "field_quantum", None)
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
        "extras": {} if quantum is None else {"field_quantum": float(quantum)},
        "terms": terms,
        "rules": [_describe_rule(r) for r in getattr(rep, "rules", ())],
    }


def _describe_rule(rule):
    if _RULES.get(type(rule).__name__) is not type(rule):  # a rule of the user's own: its code is not saved
        return {"class": "custom", "params": {}}
    return {"class": type(rule).__name__, "params": {k: v for k, v in vars(rule).items() if json_safe(v)}}


class _CustomRule:
    """Stands for a rule of the user's own that trained a loaded network (a file never holds code)."""

    def __repr__(self):
        return "<a rule of your own, not saved>"


# ------------------------------------------------------------------------ load
def load_parts(cls, values, header, archive, path):
    """File hook of :func:`hebbmem.load`: the network of class ``cls`` with the saved parameters, state and weights."""
    p = params(values, PARAMS[cls.__name__], path, required=("num_neurons",))
    n = p["num_neurons"]
    declared, _ = archive.declared("state")
    if declared != (n,):  # before anything of size n is built
        raise fail(path, f"its header declares num_neurons = {n:,} but its state array has shape {declared}.",
                   _CORRUPT)
    if "schedule" in archive.names:
        p["schedule"] = archive.get("schedule", ndim=1, dtypes=("float64",))
    try:
        model = cls(**p)  # the constructor checks every range
    except (TypeError, ValueError, OverflowError, MemoryError) as err:
        raise fail(path, f"its network parameters are invalid: {err}", _CORRUPT) from None
    state = archive.get("state", (n,))
    if getattr(model, "activation", None) == "sign" and not hasattr(model, "gain") and not np.all(np.abs(state) == 1):
        raise fail(path, "the state of this +1/-1 network holds other values.", _CORRUPT)
    model.s = state
    if hasattr(model, "memory"):
        _load_memory(model, header, archive, n, path)
    else:
        desc = field(header, "weights", ("dict", None), path)
        if desc is None and any(name.startswith("w.") for name in archive.names):
            raise fail(path, "its header says the network has no weights, but it holds weight arrays.", _CORRUPT)
        model._set_weights(None if desc is None else build_weights(desc, archive, n, path))
    if hasattr(model, "_hebbian"):
        model._hebbian = _load_couplings(header, model._weights, path)
    return model


def _load_memory(model, header, archive, n, path):
    if field(header, "memory", "bool", path) != ("memory" in archive.names):
        raise fail(path, "its header and its arrays disagree on whether it stores patterns ('memory').", _CORRUPT)
    if "memory" not in archive.names:
        return
    X = archive.get("memory", (None, n), dtypes=(model._dtype.name,))
    if X.shape[0] == 0:
        raise fail(path, "its memory holds no pattern but is marked as present.", _CORRUPT)
    if model._bipolar_memory and not np.all(np.abs(X) == 1):
        raise fail(path, f"the memory of {type(model).__name__} must hold +1/-1 patterns; it holds other values.",
                   _CORRUPT)
    model.memory = X
    model._memory_changed()


def _load_couplings(header, rep, path):
    """``model._hebbian`` (the train calls' sizes while every rule was Hebbian), checked against the terms."""
    c = field(header, "couplings", ("dict", None), path)
    terms = getattr(rep, "terms", None) or []
    if c is None:
        # None with Hebbian terms happens only after calls that disagreed on normalize (see _note_rule)
        single = all(t.divisor == t.A.shape[0] for t in terms) or all(t.divisor == 1 for t in terms)
        if terms and single and all(t.A.shape[0] > 1 for t in terms):
            raise fail(path, "its record of the Hebbian train calls (couplings) is missing, but its Hebbian "
                             "terms say what it must be.", _CORRUPT)
        return None
    sizes = field(c, "train_sizes", "list", path, where="couplings", max_len=100_000)
    normalize = field(c, "normalize", "bool", path, where="couplings")
    ok = (len(sizes) == len(terms) and all(isinstance(s, int) and not isinstance(s, bool) for s in sizes)
          and all(t.A.shape[0] == s and t.divisor == (s if normalize else 1) for t, s in zip(terms, sizes)))
    if not ok:
        raise fail(path, "its record of the Hebbian train calls (couplings) does not match its Hebbian terms.",
                   _CORRUPT)
    return list(sizes), normalize


def _grain(A):
    """The largest power of two that divides every entry of ``A`` (inf for an all-zero array)."""
    a = np.abs(np.asarray(A, dtype=np.float64)).ravel()
    a = a[a != 0]
    if a.size == 0:
        return math.inf
    mantissa, exponent = np.frexp(a)
    M = np.ldexp(mantissa, 53).astype(np.int64)  # the 53-bit integer significand, exactly
    low = (M & -M).astype(np.float64)              # its lowest set bit
    return float(np.min(np.ldexp(low, exponent - 53)))


def _rows_proportional(U, V):
    """Whether every row of V is a multiple of the same row of U: then ``U.T @ V`` is symmetric."""
    if np.array_equal(U, V) or np.array_equal(U, -V):
        return True
    live = np.any(U != 0, axis=1) & np.any(V != 0, axis=1)  # a zero row adds nothing to U.T @ V
    U, V = U[live], V[live]
    j = np.argmax(np.abs(U), axis=1)
    rows = np.arange(U.shape[0])
    c = (V[rows, j] / U[rows, j])[:, None]
    return bool(np.array_equal(c * U, V))


def _lowrank_symmetric(U, V):
    """Whether ``U.T @ V`` is symmetric, from the (k, k) Gram matrices when rows are not proportional."""
    if _rows_proportional(U, V):
        return True
    if U.shape[0] > 128:  # hebbmem's non-proportional factors (exact Storkey) have a few dozen rows
        return False
    GU, GV, GVU = gram(U, U), gram(V, V), gram(V, U)
    square = float((GU * GV).sum())          # ||U.T V||_F^2
    cross = float((GVU * GVU.T).sum())       # trace((U.T V)^2)
    return abs(square - cross) <= 1e-9 * max(square, 1e-300)   # ||A - A.T||^2 = 2 (square - cross)


def build_weights(desc, archive, n, path):
    """The weight representation described by ``desc``, every claim checked against the arrays."""
    where = "weights"
    kind = field(desc, "kind", "str", path, where=where, choices=("lowrank", "dense"))
    scale = field(desc, "scale", "real", path, where=where, low=0.0, low_open=True)
    claim = field(desc, "symmetric", "bool", path, where=where)
    known = {"U", "V", "d"} if kind == "lowrank" else {"W_raw"}
    names = field(desc, "arrays", "list", path, where=where, max_len=8)
    allowed = known | {"pinv_patterns", "_columns"}  # _columns: a derived copy older files hold; ignored
    if not all(isinstance(k, str) for k in names) or not known <= set(names) <= allowed:
        raise fail(path, f"the list of weight arrays is malformed: {names[:8]!r}.", _CORRUPT)
    if kind == "lowrank":
        U = archive.get("w.U", (None, n))
        V = archive.get("w.V", U.shape, dtypes=(U.dtype.name,))
        d = archive.get("w.d", (n,), dtypes=(U.dtype.name,))
        symmetric = _lowrank_symmetric(U, V) if claim else False
        bound = field_bound(U, V, d)
        grain = _grain(U) * _grain(V)
        grain = min(grain, _grain(d))
    else:
        W = archive.get("w.W_raw", (n, n))
        symmetric = bool(np.array_equal(W, W.T))
        bound = float(np.abs(W).sum(axis=1, dtype=np.float64).max())
        grain = _grain(W)
    if claim != symmetric:
        said = "symmetric" if claim else "not symmetric"
        raise fail(path, f"its header says the weights are {said}, but the stored weights are "
                         f"{'symmetric' if symmetric else 'not'}.", _CORRUPT)
    if bound * scale > _MAX_WEIGHT:
        raise fail(path, f"its weights times their scale {scale:g} exceed {_MAX_WEIGHT:g} (fields would overflow).",
                   _CORRUPT)
    extras = field(desc, "extras", "dict", path, where=where, default={})
    if set(extras) - {"field_quantum"}:
        raise fail(path, f"unknown or invalid weight field {sorted(extras)[0]!r}.", _CORRUPT)
    quantum = field(extras, "field_quantum", ("real", None), path, where="weights.extras", low=0.0,
                    low_open=True, default=None)
    if quantum is not None and (math.frexp(quantum)[0] != 0.5 or quantum > grain):
        raise fail(path, f"its header says every field is a multiple of {quantum!r} (field_quantum), which the "
                         f"stored weights contradict.", _CORRUPT)
    if kind == "lowrank":
        terms = _build_terms(field(desc, "terms", ("list", None), path, where=where, default=None,
                                   max_len=100_000), archive, n, path)
        rep = LowRankWeights(U, V, d, scale, symmetric=symmetric, terms=terms)
        if terms is not None:
            _check_terms(rep, terms, quantum, path)
    else:
        rep = DenseWeights(W, scale, symmetric=symmetric)
    rep.field_quantum = quantum
    if "pinv_patterns" in names:
        patterns = archive.get("w.pinv_patterns", (None, n), dtypes=("int8", "float64"))
        if patterns.dtype == np.int8 and not np.all(np.abs(patterns) == 1):
            raise fail(path, "the stored +1/-1 patterns contain other values.", _CORRUPT)
        if not 0 < patterns.shape[0] < n:
            raise fail(path, f"it stores {patterns.shape[0]} pseudo-inverse patterns for {n} neurons "
                             f"(the rule needs 0 < P < N).", _CORRUPT)
        rep.pinv_patterns = patterns
    rules = field(desc, "rules", "list", path, where=where, default=[])
    rep.rules = tuple(_build_rule(r, k, path) for k, r in enumerate(rules))
    _check_rules(rep, path)
    return rep


def _check_rules(rep, path):
    """The recorded rules must be those that built the weights (Trainer(model) continues with the last)."""
    rules, terms = rep.rules, getattr(rep, "terms", None)
    if terms is not None:  # one (anti-)Hebbian rule per term, the last len(terms) rules
        ok = len(rules) >= len(terms)
        for rule, term in zip(rules[len(rules) - len(terms):], terms):
            if isinstance(rule, _CustomRule):  # a rule of the user's own: nothing to compare
                continue
            ok = ok and (isinstance(rule, Hebbian) and rule._sign == term.sign
                         and rule.learning_rate == term.learning_rate and rule.zero_diagonal == term.zero_diagonal
                         and term.divisor == (term.A.shape[0] if rule.normalize else 1))
        if not ok:
            raise fail(path, "its recorded rules do not match its Hebbian terms.", _CORRUPT)
    last = rules[-1] if rules else None
    if isinstance(last, PseudoInverse):
        patterns = getattr(rep, "pinv_patterns", None)
        if patterns is None or (not last.zero_diagonal and rep.kind == "lowrank" and np.any(rep.d != 0)):
            raise fail(path, "its recorded PseudoInverse rule does not match its weights.", _CORRUPT)


def _build_terms(terms, archive, n, path):
    if terms is None:
        return None
    out = []
    for k, t in enumerate(terms):
        where = f"weights.terms[{k}]"
        if not isinstance(t, dict) or set(t) != {"sign", "learning_rate", "divisor", "zero_diagonal"}:
            raise fail(path, f"Hebbian term {k} is malformed ({where} must hold sign, learning_rate, divisor "
                             f"and zero_diagonal).", _CORRUPT)
        sign = field(t, "sign", "int", path, where=where, choices=(1, -1))
        rate = field(t, "learning_rate", "real", path, where=where, low=0.0, low_open=True)
        divisor = field(t, "divisor", "int", path, where=where, low=1, high=2 ** 62)
        zero = field(t, "zero_diagonal", "bool", path, where=where)
        A = archive.get(f"w.term{k}.A", (None, n), dtypes=("float64",))
        out.append(_OuterProductTerm(A, sign, rate, divisor, zero))
    if not out:
        raise fail(path, "its list of Hebbian terms is empty.", _CORRUPT)
    return out


def _check_terms(rep, terms, quantum, path):
    """The Hebbian terms must rebuild the stored factors bit for bit (training continues from the terms)."""
    try:
        again = _outer_product_factors(terms)
    except (ValueError, ArithmeticError) as err:
        raise fail(path, f"its Hebbian terms cannot be combined ({err}).", _CORRUPT) from None
    same = (again.dtype == rep.dtype and again.U.shape == rep.U.shape and again.scale == rep.scale
            and np.array_equal(again.U, rep.U) and np.array_equal(again.V, rep.V)
            and np.array_equal(again.d, rep.d) and again.field_quantum == quantum)
    if not same:
        raise fail(path, "its Hebbian terms do not rebuild its stored weights (the header or the arrays "
                         "were changed).", _CORRUPT)


def _build_rule(rule, k, path):
    """A rule object rebuilt from its description; its constructor checks every parameter."""
    where = f"weights.rules[{k}]"
    if not isinstance(rule, dict):
        raise fail(path, f"unknown learning rule {rule!r:.60} in {where}.", _CORRUPT)
    name = field(rule, "class", "str", path, where=where, max_len=40)
    values = field(rule, "params", "dict", path, where=where)
    if name == "custom":
        return _CustomRule()
    if name not in _RULES:
        raise fail(path, f"unknown learning rule {name!r} in {where}; expected one of {sorted(_RULES)}.",
                   _CORRUPT)
    if not all(isinstance(v, (bool, int, float)) for v in values.values()):
        raise fail(path, f"the parameters of {where} must be numbers or true/false.", _CORRUPT)
    try:
        return _RULES[name](**values)
    except (TypeError, ValueError, OverflowError) as err:
        raise fail(path, f"the parameters of {where} ({name}) are invalid: {err}", _CORRUPT) from None


def recorded_rule(model):
    """The rule that trained ``model`` last (a fresh copy), or None; see :class:`hebbmem.Trainer`."""
    rules = getattr(model._weights, "rules", ())
    if not rules:
        return None
    last = rules[-1]
    if isinstance(last, _CustomRule):
        return None
    return type(last)(**{k: v for k, v in vars(last).items() if json_safe(v)})
