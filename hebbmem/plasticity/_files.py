"""How the plasticity layers are written to a model file and read back (the family's part of :mod:`hebbmem.io`).

A layer's constructor parameters go into the header (read back through
:func:`hebbmem.io.params`); its weights and its whole state go into arrays,
bit for bit: ``W``, the last input ``x`` and output ``y`` and BCM's sliding
threshold ``theta`` of a :class:`~hebbmem.LinearLayer`; ``W``, ``x``, the
potentials ``v``, the spikes and both traces of a
:class:`~hebbmem.SpikingLayer`. A loaded layer continues exactly where the
saved one stopped: the same outputs, and training gives the same weights.
The layers have no random generator after construction (``seed`` only draws
the initial weights), so the file holds none.
"""

import numpy as np

from ..io import fail, field, params

_CORRUPT = "The file is corrupted or was not written by hebbmem's save()."
_SEED = [("int", None), {"low": 0, "high": 2 ** 128}]
_SIZE = [("int",), {"low": 1, "high": 2 ** 62}]
#: The constructor parameters each layer saves, with their JSON types (the constructor checks the ranges).
PARAMS = {
    "LinearLayer": {"input_size": _SIZE, "output_size": _SIZE, "use_bcm_threshold": "bool",
                    "threshold_tau": "real", "seed": _SEED},
    "SpikingLayer": {"input_size": _SIZE, "output_size": _SIZE, "threshold": "real", "v_reset": "real",
                     "leak": "real", "trace_decay": "real", "dt": "real", "seed": _SEED},
}
#: The state arrays of each layer: name -> "in" (length input_size) or "out" (length output_size).
STATE = {
    "LinearLayer": {"x": "in", "y": "out", "theta": "out"},
    "SpikingLayer": {"x": "in", "v": "out", "spike": "out", "trace_pre": "in", "trace_post": "out"},
}


def _as_float64(model, name, shape):
    value = getattr(model, name)
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf" or arr.shape != shape:
        raise ValueError(f"Cannot save {type(model).__name__}: its {name} must be a real array of shape "
                         f"{shape}; it is {arr.dtype} of shape {arr.shape}. Assign an array of that shape, "
                         f"or call init_state().")
    return np.ascontiguousarray(arr, dtype=np.float64)


def save_parts(model, arrays):
    """File hook of :func:`hebbmem.io.save` for the layers: (params, record); arrays go into ``arrays``."""
    name = type(model).__name__
    values = {k: getattr(model, k) for k in PARAMS[name] if k != "seed"}
    values["seed"] = model.seed if isinstance(model.seed, int) else None
    sizes = {"in": (model.input_size,), "out": (model.output_size,)}
    arrays["W"] = _as_float64(model, "W", (model.output_size, model.input_size))
    present = []
    for key, side in STATE[name].items():
        if getattr(model, key, None) is not None:
            arrays[key] = _as_float64(model, key, sizes[side])
            present.append(key)
    return values, {"layer_state": present}


def load_parts(cls, values, header, archive, path):
    """File hook of :func:`hebbmem.load`: the layer with the saved parameters, weights and state."""
    name = cls.__name__
    p = params(values, PARAMS[name], path, required=("input_size", "output_size"))
    shape = (p["output_size"], p["input_size"])
    declared, _ = archive.declared("W")
    if declared != shape:  # before anything of that size is built
        raise fail(path, f"its header declares a {shape[0]:,} x {shape[1]:,} layer but its weights W have "
                         f"shape {declared}.", _CORRUPT)
    seed = p.pop("seed", None)
    try:
        # seed=0: the constructor's initial weights (replaced just below) come from a fresh generator,
        # so loading never draws from hebbmem's default generator or NumPy's global state.
        model = cls(**p, seed=0)
    except (TypeError, ValueError, OverflowError, MemoryError) as err:
        raise fail(path, f"its layer parameters are invalid: {err}", _CORRUPT) from None
    model.seed = seed
    model.W = archive.get("W", shape, dtypes=("float64",))
    present = field(header, "layer_state", "list", path, max_len=len(STATE[name]))
    in_file = set(STATE[name]) & archive.names
    if set(present) != in_file or len(set(present)) != len(present):
        raise fail(path, f"its list of layer state arrays {present!r:.80} is not one of {name}'s.", _CORRUPT)
    sizes = {"in": p["input_size"], "out": p["output_size"]}
    for key, side in STATE[name].items():
        if key in present:
            setattr(model, key, archive.get(key, (sizes[side],), dtypes=("float64",)))
        elif key == "theta":
            model.theta = None
        else:
            raise fail(path, f"the array {key!r} of {name}'s state is missing.", _CORRUPT)
    if name == "LinearLayer" and model.use_bcm_threshold and model.theta is None:
        raise fail(path, "this BCM layer (use_bcm_threshold=true) has no sliding threshold theta.", _CORRUPT)
    if name == "SpikingLayer" and not np.all((model.spike == 0) | (model.spike == 1)):
        raise fail(path, "the spikes of this SpikingLayer hold values other than 0 and 1.", _CORRUPT)
    return model
