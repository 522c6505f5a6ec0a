"""Overlaps, accuracies, distances and recall trajectories (see :mod:`hebbmem.analysis`)."""

import warnings

import numpy as np

from .._validation import as_pattern_matrix, check_int
from ..exceptions import ConvergenceWarning
from .._validation import check_compiled
from ..hopfield.networks import HopfieldNetwork

__all__ = ["overlap", "recall_accuracy", "hamming", "trajectory", "overlap_trajectory"]


# ------------------------------------------------------------------ helpers


def _rows(data, what):
    """``(X, was_1d)`` with X a fresh float64 (n, N) array; any finite numbers allowed."""
    return as_pattern_matrix(data, what=what, bipolar=False)


def _paired_rows(a, b, names, func):
    """Validate two inputs to compare row by row; broadcast a single vector against rows.

    Returns ``(A, B, scalar)`` with A and B of the same shape (n, N), and
    ``scalar`` True when both inputs were single vectors.
    """
    name_a, name_b = names
    A, a_1d = _rows(a, name_a)
    B, b_1d = _rows(b, name_b)
    if A.shape[1] != B.shape[1]:
        raise ValueError(
            f"{func}: {name_a} and {name_b} must have the same pattern length N; got {name_a} of "
            f"shape {_shape(a)} (N={A.shape[1]}) and {name_b} of shape {_shape(b)} (N={B.shape[1]}). "
            f"Compare patterns of the same network, flattened the same way."
        )
    if A.shape[0] != B.shape[0]:
        if a_1d or b_1d:
            A, B = np.broadcast_arrays(A, B)
        else:
            raise ValueError(
                f"{func}: {name_a} has {A.shape[0]} rows but {name_b} has {B.shape[0]}; expected one "
                f"row of {name_b} per row of {name_a} (or a single 1-D {name_b} of shape "
                f"({B.shape[1]},) to compare every row with). Select matching rows first, "
                f"e.g. {name_b}[:{A.shape[0]}]."
            )
    return A, B, a_1d and b_1d


def _shape(data):
    try:
        return np.shape(data)
    except ValueError:  # ragged lists are reported by as_pattern_matrix before this
        return "ragged"


# --------------------------------------------------------- similarity measures


def overlap(states, patterns):
    r"""Overlap of states with patterns: 1 = identical, -1 = negation, about 0 = unrelated.

    .. math::

        m^\mu = \frac{1}{N} \sum_{i=1}^{N} \xi_i^\mu s_i

    where

    * :math:`s_i` is neuron :math:`i` of a state (a row of ``states``);
    * :math:`\xi^\mu` is stored pattern :math:`\mu` (a row of ``patterns``);
    * :math:`N` is the number of neurons (the pattern length).

    In matrix form ``m = states @ patterns.T / N``.

    Parameters
    ----------
    states : array-like of shape (N,) or (n_states, N), or list of 1-D arrays
        One state or one state per row, e.g. recalled patterns. Not modified.
    patterns : array-like of shape (N,) or (n_patterns, N), or list of 1-D arrays
        One pattern or one pattern per row, e.g. the stored patterns. Not modified.

    Returns
    -------
    m : float or ndarray, float64
        ===================  ======================  ==========================
        states               patterns (N,)           patterns (P, N)
        ===================  ======================  ==========================
        (N,)                 float                   ndarray of shape (P,)
        (n, N)               ndarray of shape (n,)   ndarray of shape (n, P)
        ===================  ======================  ==========================

    Raises
    ------
    ValueError
        If the two inputs have different pattern lengths, are empty, have
        more than two dimensions or contain NaN or inf.
    TypeError
        If an input is not numeric.

    See Also
    --------
    recall_accuracy : the fraction of equal bits, ``(1 + m) / 2`` for +1/-1 vectors.
    hamming : the number of differing bits, ``N (1 - m) / 2`` for +1/-1 vectors.
    overlap_trajectory : the overlaps along a recall.

    Notes
    -----
    For +1/-1 vectors the overlap is :math:`m = 1 - 2 d / N`, where
    :math:`d` is the Hamming distance, so it lies in [-1, 1]. A Hopfield
    network cannot tell a pattern from its negation (both have the same
    energy), so recall can end at :math:`m = -1`: the "reversed" memory.
    Graded states (``activation='tanh'``) are accepted too.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.analysis import overlap
    >>> X = np.array([[1, 1, -1, -1], [1, -1, 1, -1]])
    >>> overlap(X[0], X)
    array([1., 0.])
    >>> overlap(-X[0], X[0])
    -1.0
    >>> overlap(X, X)
    array([[1., 0.],
           [0., 1.]])
    """
    S, s_1d = _rows(states, "states")
    X, x_1d = _rows(patterns, "patterns")
    if S.shape[1] != X.shape[1]:
        raise ValueError(
            f"overlap: states and patterns must have the same length N; got states of shape "
            f"{_shape(states)} (N={S.shape[1]}) and patterns of shape {_shape(patterns)} "
            f"(N={X.shape[1]}). Pass flattened patterns of the same network, e.g. "
            f"overlap(recalled, trainer.patterns_)."
        )
    m = S @ X.T / S.shape[1]
    if s_1d and x_1d:
        return float(m[0, 0])
    if s_1d:
        return m[0]
    if x_1d:
        return m[:, 0]
    return m


def recall_accuracy(recalled, targets):
    """Fraction of bits that equal the target, per pattern.

    This is the seed tutorials' ``np.mean(orig == recov)``, computed row by
    row: 1.0 is a perfect recall, 0.5 is chance for random patterns, and
    0.0 is the negated pattern.

    Parameters
    ----------
    recalled : array-like of shape (N,) or (n, N), or list of 1-D arrays
        Recalled (or corrupted) states. Not modified.
    targets : array-like of shape (N,) or (n, N), or list of 1-D arrays
        The patterns they should match: one per row of ``recalled``, or a
        single pattern to compare every row with. Not modified.

    Returns
    -------
    accuracy : float, or ndarray of shape (n,), float64
        A float when both inputs are single patterns.

    Raises
    ------
    ValueError
        If the pattern lengths differ, or both inputs are 2-D with
        different numbers of rows.

    See Also
    --------
    hamming : the number of differing bits.
    overlap : ``2 * accuracy - 1`` for +1/-1 vectors.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.analysis import recall_accuracy
    >>> recall_accuracy([1, 1, -1, -1], [1, 1, -1, 1])
    0.75
    >>> stored = np.array([[1, 1, -1, -1], [1, -1, 1, -1]])
    >>> recall_accuracy([[1, 1, -1, -1], [-1, 1, -1, 1]], stored)
    array([1., 0.])
    """
    A, B, scalar = _paired_rows(recalled, targets, ("recalled", "targets"), "recall_accuracy")
    acc = np.mean(A == B, axis=1)
    return float(acc[0]) if scalar else acc


def hamming(a, b):
    """Number of positions where ``a`` and ``b`` differ, per pattern.

    Parameters
    ----------
    a, b : array-like of shape (N,) or (n, N), or list of 1-D arrays
        The patterns to compare, row by row. A single pattern is compared
        with every row of the other input. Not modified.

    Returns
    -------
    distance : int, or ndarray of shape (n,), int64
        An int when both inputs are single patterns.

    Raises
    ------
    ValueError
        If the pattern lengths differ, or both inputs are 2-D with
        different numbers of rows.

    See Also
    --------
    recall_accuracy : ``1 - distance / N``.

    Examples
    --------
    >>> import numpy as np
    >>> from hebbmem.analysis import hamming
    >>> hamming([1, 1, -1, -1], [1, -1, -1, 1])
    2
    >>> hamming(np.array([[1, 1, -1], [-1, -1, 1]]), [1, 1, -1])
    array([0, 3])
    """
    A, B, scalar = _paired_rows(a, b, ("a", "b"), "hamming")
    d = np.count_nonzero(A != B, axis=1).astype(np.int64)
    return int(d[0]) if scalar else d


# ------------------------------------------------------------- trajectories


def _check_model(model, func):
    if isinstance(model, type) and issubclass(model, HopfieldNetwork):
        raise TypeError(
            f"{func} needs a network instance, but got the class {model.__name__}: create and "
            f"train it first, e.g. model = {model.__name__}(num_neurons=784)."
        )
    if not isinstance(model, HopfieldNetwork):
        hint = ""
        if hasattr(model, "model") and isinstance(getattr(model, "model"), HopfieldNetwork):
            hint = f" It looks like a trainer: pass its network, {func}(trainer.model, ...)."
        raise TypeError(
            f"{func} needs a trained hebbmem.HopfieldNetwork as its model; got "
            f"{type(model).__name__}.{hint}"
        )
    model._require_weights(f"compute the {func}")


def trajectory(model, probe, max_iter=None, *, compiled=True, _stacklevel=2):
    """The states visited while the network recalls ONE probe.

    Row 0 is the probe; row ``t`` is the state after ``t`` synchronous
    updates (``asyn=False``) or ``t`` asynchronous sweeps (``asyn=True``).
    The trajectory stops when the state no longer changes (the unchanged
    state is not repeated), when synchronous dynamics fall into a 2-cycle
    (the last row then equals the row two steps before it), or after
    ``max_iter`` steps.

    Parameters
    ----------
    model : HopfieldNetwork
        A trained network (for example ``trainer.model``).
    probe : array-like of shape (N,)
        The initial state, e.g. a corrupted pattern. Not modified.
    max_iter : int, optional
        Maximum number of updates or sweeps; defaults to ``model.max_iter``.
    compiled : bool, default=True
        Step with the Numba kernels (True) or the plain NumPy code (False);
        both give the same trajectory.

    Returns
    -------
    states : ndarray of shape (T + 1, N)
        float32 +1/-1 states for ``activation='sign'``; float64 for graded
        activations. The last row is the state ``model.recall(probe)``
        returns.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`~hebbmem.HopfieldNetwork`.
    NotTrainedError
        If the network has no weights yet.
    ValueError
        If ``probe`` is not a single pattern of length ``model.num_neurons``
        (or, for ``activation='sign'``, holds values other than -1 and +1).

    Warns
    -----
    ConvergenceWarning
        If the trajectory stopped at ``max_iter`` without settling, or fell
        into a 2-cycle: exactly when ``model.recall(probe)`` would warn.

    See Also
    --------
    overlap_trajectory : the overlaps of these states with the stored patterns.
    HopfieldNetwork.recall : the same dynamics, returning only the last state.

    Notes
    -----
    The trajectory is computed by stepping: ``model.recall(state,
    max_iter=1)`` is called repeatedly on the previous state. Stepping one
    sweep at a time draws the network's random numbers exactly as a single
    full recall does (each asynchronous sweep draws one 64-bit key for the one
    active probe), so the last row equals ``model.recall(probe)`` of an
    identically seeded network, and calling ``trajectory`` advances
    ``model.rng`` just as that recall would. (Asynchronous recall updates the
    local fields incrementally; with real-valued weights such as Storkey's,
    rounding can in rare exact-tie cases differ from the fields recomputed at
    each step. Hebbian weights are integers in raw units and always agree.)

    The 2-cycle test is that of synchronous recall. Asynchronous dynamics
    with symmetric weights never cycle: each flip lowers the energy.

    With ``asyn=False`` the trajectory has ``n_iter`` rows when recall
    converged after ``n_iter`` updates (the last update only confirmed the
    fixed point), and ``n_iter + 1`` rows when it cycled or hit ``max_iter``.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> from hebbmem.analysis import trajectory
    >>> X = np.array([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]])
    >>> model = hm.HopfieldNetwork(8)
    >>> _ = hm.HebbianTrainer(model).train(X)
    >>> probe = X[0].copy(); probe[:2] = -1          # two bits flipped
    >>> trajectory(model, probe).astype(int)
    array([[-1, -1,  1,  1, -1, -1, -1, -1],
           [ 1,  1,  1,  1, -1, -1, -1, -1]])
    """
    _check_model(model, "trajectory")
    binary = model.activation == "sign"
    X, was_1d = as_pattern_matrix(probe, what="probe", n_neurons=model.num_neurons, bipolar=binary)
    if not was_1d:
        raise ValueError(
            f"trajectory follows ONE probe: expected shape ({model.num_neurons},), got "
            f"{_shape(probe)}. Pass a single row, e.g. trajectory(model, probes[0]), or loop "
            f"over the probes."
        )
    max_iter = model.max_iter if max_iter is None else check_int(
        max_iter, "max_iter", "trajectory", low=1,
        fix="It caps the number of updates or sweeps; leave it out to use the network's max_iter.")
    compiled = check_compiled(compiled, "compiled", "trajectory")
    dtype = np.float32 if binary else np.float64
    sync = not model.asyn
    # A sync 2-cycle is detected as in recall: exact for sign, within tol for graded states.
    cycle_tol = 0.0 if binary else model.tol

    rows = [X[0].astype(dtype)]
    settled = cycled = False
    with warnings.catch_warnings():
        # max_iter=1 warns after every step that moved; that is expected here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        for _ in range(max_iter):
            info = model.recall(rows[-1], max_iter=1, return_info=True, compiled=compiled, what="probe")
            new = np.asarray(info.states, dtype=dtype)
            if info.converged[0]:
                settled = True
                if not np.array_equal(new, rows[-1]):  # graded states may move by <= tol
                    rows.append(new)
                break
            rows.append(new)
            if sync and len(rows) >= 3 and np.max(np.abs(new - rows[-3])) <= cycle_tol:
                cycled = True
                break
    if not settled:
        reason = ("fell into a 2-cycle (synchronous updates)" if cycled
                  else f"stopped at max_iter={max_iter} without converging")
        warnings.warn(
            f"The trajectory {reason}. Raise max_iter, or use asyn=True (asynchronous updates "
            f"always converge with symmetric weights).",
            ConvergenceWarning,
            stacklevel=_stacklevel,
        )
    return np.stack(rows)


def overlap_trajectory(model, probe, patterns, max_iter=None, *, compiled=True):
    """Overlap with every stored pattern at each step of the recall of one probe.

    ``overlap(trajectory(model, probe, max_iter), patterns)``: row ``t``
    holds the overlaps of the state after ``t`` updates (or sweeps) with
    each pattern. A probe that is recalled correctly ends with one overlap at
    1; a spurious "mixture" state ends with several overlaps of intermediate
    size.

    Parameters
    ----------
    model : HopfieldNetwork
        A trained network.
    probe : array-like of shape (N,)
        The initial state. Not modified.
    patterns : array-like of shape (P, N) or (N,), or list of 1-D arrays
        The patterns to compare with, usually the stored ones
        (``trainer.patterns_``). Not modified.
    max_iter : int, optional
        Maximum number of updates or sweeps; defaults to ``model.max_iter``.
    compiled : bool, default=True
        Passed to :func:`trajectory`.

    Returns
    -------
    m : ndarray of shape (T + 1, P), float64
        Or of shape (T + 1,) when ``patterns`` is a single 1-D pattern.

    Raises
    ------
    ValueError, TypeError
        As :func:`trajectory` and :func:`overlap`. ``patterns`` is checked
        before the dynamics run.

    Warns
    -----
    ConvergenceWarning
        As :func:`trajectory`.

    See Also
    --------
    trajectory, overlap
    hebbmem.plotting.plot_overlaps : draws this array.

    Examples
    --------
    >>> import numpy as np, hebbmem as hm
    >>> from hebbmem.analysis import overlap_trajectory
    >>> X = np.array([[1, 1, 1, 1, -1, -1, -1, -1], [1, -1, 1, -1, 1, -1, 1, -1]])
    >>> model = hm.HopfieldNetwork(8)
    >>> _ = hm.HebbianTrainer(model).train(X)
    >>> probe = X[0].copy(); probe[:2] = -1
    >>> overlap_trajectory(model, probe, X)
    array([[0.5, 0. ],
           [1. , 0. ]])
    """
    _check_model(model, "overlap_trajectory")
    P, _ = _rows(patterns, "patterns")
    if P.shape[1] != model.num_neurons:
        raise ValueError(
            f"overlap_trajectory: patterns have length {P.shape[1]} but the network has "
            f"num_neurons={model.num_neurons}; got patterns of shape {_shape(patterns)}. Pass "
            f"the stored patterns, e.g. trainer.patterns_."
        )
    return overlap(trajectory(model, probe, max_iter, compiled=compiled, _stacklevel=3), patterns)
