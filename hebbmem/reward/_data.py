"""Input checks of the reward family: spike sequences (0/1), one reward per step, and a reward callable's answers.

Sequences arrive as a 2-D array (one sequence), a 3-D array (a stack of
sequences of equal length) or a list of 2-D arrays (sequences of any
length). They are checked and laid out one after the other in one
C-contiguous float64 array, ``X`` of shape (n_total_steps, n_inputs), with
``starts`` (n_sequences + 1,) marking where each begins: the form the kernel
reads. Nothing here modifies the caller's arrays.
"""

import numbers

import numpy as np

from .._validation import as_real_float64

__all__ = ["as_spike_sequences", "as_rewards", "check_reward_value", "split_like"]

_SHAPES = "(n_steps, {n}), (n_sequences, n_steps, {n}), or a list of (n_steps_k, {n}) arrays"


def _numeric(data, what):
    """A float64 copy (the caller's array is never touched); complex and non-numeric data refused."""
    expected = "0/1 spikes; ragged sequences go in a list of 2-D arrays, one per sequence"
    return np.array(as_real_float64(data, what=what, expected=expected))


def _check_spikes(arr, what):
    ok = (arr == 0.0) | (arr == 1.0)
    if not ok.all():
        bad = tuple(int(i) for i in np.argwhere(~ok)[0])
        raise ValueError(
            f"{what} must hold spikes, every value 0 or 1; found {float(arr[bad])} at index {bad}. "
            "Binarise the input first, e.g. (x > 0).astype(float), or draw spikes with rng.random(shape) < rate.")


def as_spike_sequences(inputs, n_inputs, owner):
    """Check and lay out spike sequences; return ``(X, starts, layout)``.

    ``layout`` is ``("one", n_steps)``, ``("stack", n_sequences, n_steps)``
    or ``("list", lengths)``: how results are shaped back (:func:`split_like`).
    """
    shapes = _SHAPES.format(n=n_inputs)
    if isinstance(inputs, (list, tuple)) and len(inputs) and all(np.ndim(s) == 2 for s in inputs):
        seqs = [_numeric(s, f"inputs[{q}]") for q, s in enumerate(inputs)]
        for q, s in enumerate(seqs):
            if s.shape[1] != n_inputs or s.shape[0] == 0:
                raise ValueError(f"inputs[{q}] must have shape (n_steps, {n_inputs}) with n_steps >= 1; got "
                                 f"{s.shape}. The layer ({owner}) has input_size={n_inputs}.")
            _check_spikes(s, f"inputs[{q}]")
        lengths = [s.shape[0] for s in seqs]
        X = np.ascontiguousarray(np.concatenate(seqs))
        return X, np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64), ("list", lengths)
    if isinstance(inputs, (list, tuple)) and len(inputs) == 0:
        raise ValueError(f"inputs is empty: expected spikes of shape {shapes}.")
    arr = _numeric(inputs, "inputs")
    if arr.ndim not in (2, 3) or arr.shape[-1] != n_inputs or 0 in arr.shape:
        fix = ""
        if arr.ndim == 1 and arr.shape[0] == n_inputs:
            fix = " One time step? Wrap it as x[None, :] (shape (1, n_inputs))."
        elif arr.ndim in (2, 3) and arr.shape[-1] != n_inputs:
            fix = (f" The layer ({owner}) has input_size={n_inputs}: give {n_inputs} inputs per step, or build "
                   f"the layer with input_size={arr.shape[-1]}. Rows are time steps.")
        raise ValueError(f"inputs must have shape {shapes}; got shape {arr.shape}.{fix}")
    _check_spikes(arr, "inputs")
    if arr.ndim == 2:
        return np.ascontiguousarray(arr), np.array([0, arr.shape[0]], dtype=np.int64), ("one", arr.shape[0])
    n_seq, n_steps = arr.shape[:2]
    X = np.ascontiguousarray(arr.reshape(n_seq * n_steps, n_inputs))
    return X, (np.arange(n_seq + 1) * n_steps).astype(np.int64), ("stack", n_seq, n_steps)


def _reward_array(data, what, n_expected):
    if isinstance(data, (numbers.Number, np.generic)) or (isinstance(data, np.ndarray) and data.ndim == 0):
        raise TypeError(f"{what} must hold one reward per time step ({n_expected} values), or be a callable "
                        f"reward(t, x, spikes) -> float; got the single number {data!r}. For a constant reward "
                        f"write np.full({n_expected}, value).")
    arr = np.array(as_real_float64(data, what=what, expected="one reward per time step, or a callable "
                                                          "reward(t, x, spikes) -> float"))
    if arr.ndim != 1 or arr.shape[0] != n_expected:
        raise ValueError(f"{what} must have one value per time step: shape ({n_expected},); got shape "
                         f"{arr.shape}. Give a reward (0 for none) at every step of the inputs.")
    if not np.isfinite(arr).all():
        k = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(f"{what} contains {arr[k]} at step {k}: rewards must be finite. Use 0 for no reward.")
    return arr


def as_rewards(reward, starts, layout):
    """One reward per row of ``X``, checked against the inputs' layout: ``R`` (n_total_steps,) float64."""
    lengths = np.diff(starts)
    if layout[0] == "one":
        return _reward_array(reward, "reward", int(lengths[0]))
    n_seq = len(lengths)
    if isinstance(reward, np.ndarray) and reward.ndim == 2:
        rows = list(reward)
    elif isinstance(reward, (list, tuple)) and len(reward) and all(np.ndim(r) == 1 for r in reward):
        rows = list(reward)
    else:
        also = f", or an array of shape ({n_seq}, {layout[2]})" if layout[0] == "stack" else ""
        got = type(reward).__name__ + (f" of shape {reward.shape}" if isinstance(reward, np.ndarray) else "")
        raise ValueError(f"The inputs are {n_seq} sequences, so reward must be a list of {n_seq} arrays (one "
                         f"reward per step of each sequence{also}), or a callable; got {got}.")
    if len(rows) != n_seq:
        raise ValueError(f"reward has {len(rows)} sequences but the inputs have {n_seq}: give one reward array "
                         "per input sequence.")
    return np.concatenate([_reward_array(r, f"reward[{q}]", int(lengths[q])) for q, r in enumerate(rows)])


def check_reward_value(value, t, q, owner):
    """The value a reward callable returned at step ``t`` of sequence ``q``, as a finite float."""
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        shown = f"an array of shape {value.shape}" if isinstance(value, np.ndarray) else repr(value)
        raise TypeError(f"The reward callable of {owner} must return a float (the reward at this step); it "
                        f"returned {shown} ({type(value).__name__}) at step {t} of sequence {q}. Return a number, "
                        "e.g. float(...), and 0.0 for no reward.")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"The reward callable of {owner} returned {value} at step {t} of sequence {q}; rewards "
                         "must be finite. Return 0.0 for no reward.")
    return value


def split_like(flat, layout):
    """Shape per-step results (rows of ``flat``) back like the inputs: one array, a stack, or a list."""
    if layout[0] == "one":
        return flat
    if layout[0] == "stack":
        return flat.reshape((layout[1], layout[2]) + flat.shape[1:])
    return np.split(flat, np.cumsum(layout[1])[:-1])
