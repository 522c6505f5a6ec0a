"""Checked reading of a model file's JSON header: every field's type and range, with the file's path in the error.

A header is untrusted input. The families read it only through
:func:`field` (one value: its type, range or allowed values) and
:func:`params` (a model's constructor parameters, against a table of their
types), so that every malformed value ends in one
:class:`~hebbmem.io.ModelFileError` that names the field, what it must be
and what the file holds, never in a ``TypeError`` or ``OverflowError`` from
deep inside NumPy.

Examples
--------
>>> from hebbmem.io import field
>>> field({"scale": 0.5}, "scale", "real", "m.npz", where="weights", low=0, low_open=True)
0.5
>>> field({"scale": "big"}, "scale", "real", "m.npz", where="weights")
Traceback (most recent call last):
...
hebbmem.io.ModelFileError: Cannot load 'm.npz' as a hebbmem model: its header field 'weights.scale' must be a number; it holds the string 'big'. The file is corrupted or was not written by hebbmem's save().
"""

import math
import os

__all__ = ["ModelFileError", "fail", "field", "params", "show", "REQUIRED"]

REQUIRED = object()  # the default of field(): the field must be present

_FIX = "The file is corrupted or was not written by hebbmem's save()."


class ModelFileError(ValueError):
    """A file that :func:`hebbmem.load` cannot read as a hebbmem model: the message says why."""


ModelFileError.__module__ = "hebbmem.io"  # where users import it from (also hebbmem.ModelFileError)


def fail(path, why, fix=""):
    """The :class:`ModelFileError` for ``path``: why it cannot be loaded, and the fix."""
    return ModelFileError(f"Cannot load {os.fspath(path)!r} as a hebbmem model: {why}" + (f" {fix}" if fix else ""))


def show(value):
    """A short description of a header value for messages (never the repr of a 4,000-digit number)."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int):
        return f"{value}" if abs(value) < 10 ** 30 else f"an integer of {value.bit_length():,} bits"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return f"the string {value[:40]!r}" + ("..." if len(value) > 40 else "")
    if isinstance(value, list):
        return f"a list of {len(value):,} items"
    if isinstance(value, dict):
        return f"an object with {len(value):,} fields"
    return type(value).__name__  # pragma: no cover - json.loads makes nothing else


_KINDS = {
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "real": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "str": (lambda v: isinstance(v, str), "a string"),
    "list": (lambda v: isinstance(v, list), "a list"),
    "dict": (lambda v: isinstance(v, dict), "an object"),
    None: (lambda v: v is None, "null"),
}


def _expected(kinds, low, high, low_open, choices, max_len):
    text = " or ".join(_KINDS[k][1] for k in kinds)
    if choices is not None:
        text = "one of " + ", ".join(repr(c) for c in choices)
    fmt = (lambda v: f"{v:g}") if isinstance(low if low is not None else high, float) else (lambda v: f"{v:,}")
    if low is not None and high is not None and not low_open:
        text += f" from {fmt(low)} to {fmt(high)}"
    else:
        if low is not None:
            text += f" {'>' if low_open else '>='} {fmt(low)}"
        if high is not None:
            text += f"{' and' if low is not None else ''} <= {fmt(high)}"
    if max_len is not None:
        text += f" of at most {max_len:,} items"
    return text


def field(obj, key, kind, path, *, where="", low=None, high=None, low_open=False, choices=None,
          max_len=None, default=REQUIRED):
    """Read ``obj[key]`` from a header, checking its type and range.

    Parameters
    ----------
    obj : dict
        A parsed JSON object of the header.
    key : str
    kind : {'int', 'real', 'bool', 'str', 'list', 'dict', None} or tuple of them
        The JSON type(s) allowed (None: null). ``'real'`` accepts integers too
        and returns a float.
    path : str
        The file, for the message.
    where : str
        The dotted place of ``obj`` in the header (e.g. ``'weights'``).
    low, high, low_open
        Range of an ``'int'`` or ``'real'`` value (``low_open``: strictly above ``low``).
    choices : sequence, optional
        The only values allowed.
    max_len : int, optional
        Longest list or string allowed.
    default
        Returned when ``key`` is absent; by default the field is required.

    Returns
    -------
    The value (a float for ``'real'``, Python types otherwise).

    Raises
    ------
    ModelFileError
        Naming the field, what it must be and what the file holds.
    """
    kinds = kind if isinstance(kind, tuple) else (kind,)
    name = f"{where}.{key}" if where else key
    if not isinstance(obj, dict):  # pragma: no cover - callers check the containers first
        raise fail(path, f"its header has no object around the field {name!r}.", _FIX)
    if key not in obj:
        if default is REQUIRED:
            raise fail(path, f"its header has no field {name!r}.", _FIX)
        return default
    value = obj[key]
    matched = next((k for k in kinds if _KINDS[k][0](value)), False)
    ok = matched is not False
    if ok and matched == "real":
        try:
            value = float(value)
        except OverflowError:  # an integer beyond every float
            ok = False
        ok = ok and math.isfinite(value)
    if ok and matched in ("int", "real"):
        if low is not None and (value <= low if low_open else value < low):
            ok = False
        if high is not None and value > high:
            ok = False
    if ok and choices is not None and value not in choices:
        ok = False
    if ok and max_len is not None and matched in ("list", "str") and len(value) > max_len:
        ok = False
    if not ok:
        expected = _expected(kinds, low, high, low_open, choices, max_len if matched in ("list", "str") else None)
        raise fail(path, f"its header field {name!r} must be {expected}; it holds {show(obj[key])}.", _FIX)
    return value


def params(obj, spec, path, *, where="network.params", required=()):
    """The constructor parameters in ``obj``, each checked against ``spec``: ``{name: kind or (kind, options)}``.

    Unknown names are refused, and the ``required`` ones must be present;
    absent ones are left out (the constructor's default applies). The
    constructor then checks the ranges it knows.
    """
    if not isinstance(obj, dict):
        raise fail(path, f"its header field {where!r} must be an object; it holds {show(obj)}.", _FIX)
    unknown = sorted(set(obj) - set(spec))
    if unknown:
        shown = ", ".join(repr(k[:40]) for k in unknown[:5])
        raise fail(path, f"unexpected network parameters {shown} in {where!r}; expected only "
                         f"{', '.join(spec)}.", _FIX)
    out = {}
    for name, kind in spec.items():
        options = {}
        if isinstance(kind, list):  # [kinds, {options}]
            kind, options = kind
        value = field(obj, name, kind, path, where=where, default=REQUIRED if name in required else None,
                      **options)
        if name in obj:
            out[name] = value
    return out
