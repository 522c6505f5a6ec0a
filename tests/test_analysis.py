"""hebbmem.analysis: overlaps, accuracies and distances checked by hand, and trajectories that end where recall ends.

The small cases use 4-neuron patterns whose overlaps and local fields can be
worked out on paper (the arithmetic is in the comments). The larger cases
check identities that hold for any +1/-1 vectors, and that a trajectory is
the recall of ``model.recall`` written out step by step: same final state,
same warnings, same random numbers used.

Float comparisons: overlaps of +1/-1 vectors are multiples of 1/N and are
exact for the small N used here; identities between different formulas are
compared with ``atol=1e-12``, energies with ``rtol=1e-6`` (float32 weights).
"""

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import hebbmem as hm
from conftest import corrupt, random_patterns
from hebbmem.analysis import hamming, overlap, overlap_trajectory, recall_accuracy, trajectory

# Two orthogonal 4-neuron patterns: every overlap and field below is done by hand.
XA = np.array([1.0, 1.0, -1.0, -1.0])
XB = np.array([1.0, -1.0, 1.0, -1.0])
PROBE_A = np.array([1.0, -1.0, -1.0, -1.0])  # XA with bit 1 flipped

N = 128  # the larger networks; P = 8 keeps Hebbian weights (multiples of 1/8) exact


@pytest.fixture(scope="module")
def X():
    return random_patterns(8, N, seed=11)


@pytest.fixture(scope="module")
def probes(X):
    return corrupt(X, 0.3, seed=12)


def trained(X, *, asyn=False, seed=0, rule=None, **kwargs):
    model = hm.HopfieldNetwork(np.shape(X)[-1], asyn=asyn, seed=seed, **kwargs)
    hm.Trainer(model, rule or hm.Hebbian()).train(X)
    return model


@pytest.fixture
def tiny():
    """A network storing XA only: W = XA XA^T with a zero diagonal."""
    return trained(XA[None, :])


def sync_step(W, s):
    """One synchronous sign update by hand (bias 0, a tie keeps the state)."""
    h = np.asarray(W, dtype=np.float64) @ s
    return np.where(h > 0, 1.0, np.where(h < 0, -1.0, s))


def run(fn, *args, **kwargs):
    """Call fn and return (result, list of ConvergenceWarning messages)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn(*args, **kwargs)
    return out, [str(w.message) for w in caught if issubclass(w.category, hm.ConvergenceWarning)]


# ------------------------------------------------------------------ overlap


def test_overlap_by_hand():
    assert overlap(XA, XA) == 1.0
    assert overlap(-XA, XA) == -1.0
    assert overlap(XA, XB) == 0.0
    # [1, 1, 1, -1] . XA = 1 + 1 - 1 + 1 = 2, so m = 2/4
    assert overlap([1, 1, 1, -1], XA) == 0.5
    # row 1: [-1, 1, -1, -1] . XA = -1 + 1 + 1 + 1 = 2;  . XB = -1 - 1 - 1 + 1 = -2
    S = np.array([[1, 1, 1, -1], [-1, 1, -1, -1]])
    m = overlap(S, np.stack([XA, XB]))
    assert m.dtype == np.float64
    assert_array_equal(m, [[0.5, 0.5], [0.5, -0.5]])


def test_overlap_of_graded_states():
    # tanh-like states: (0.5 * 4) / 4
    assert overlap(0.5 * XA, XA) == 0.5
    assert_allclose(overlap([0.9, 0.1, -0.3, 0.0], XB), (0.9 - 0.1 - 0.3) / 4, rtol=0, atol=1e-15)


def test_overlap_of_patterns_with_themselves_is_symmetric_with_unit_diagonal(X):
    m = overlap(X, X)
    assert m.shape == (8, 8)
    assert_array_equal(m, m.T)
    assert_array_equal(np.diag(m), np.ones(8))
    assert np.all(np.abs(m) <= 1.0)


def test_overlap_accepts_lists_of_vectors():
    assert_array_equal(overlap([XA, -XA], [XA, XB]), [[1.0, 0.0], [-1.0, 0.0]])
    assert overlap(list(XA), tuple(XA)) == 1.0


# ------------------------------------------------- accuracy and hamming


def test_recall_accuracy_by_hand():
    assert recall_accuracy([1, 1, -1, -1], [1, 1, -1, 1]) == 0.75
    assert recall_accuracy(XA, -XA) == 0.0
    assert recall_accuracy(XA, XA) == 1.0
    # row 0 = XA (4 equal), row 1 = -XB (0 equal), row 2 = PROBE_A (3 equal with XA)
    rows = np.stack([XA, -XB, PROBE_A])
    assert_array_equal(recall_accuracy(rows, np.stack([XA, XB, XA])), [1.0, 0.0, 0.75])
    # one target for every row
    assert_array_equal(recall_accuracy(rows, XA), [1.0, 0.5, 0.75])
    assert_array_equal(recall_accuracy(XA, rows), [1.0, 0.5, 0.75])


def test_hamming_by_hand():
    assert hamming([1, 1, -1, -1], [1, -1, -1, 1]) == 2
    assert hamming(XA, -XA) == 4
    assert hamming(XA, XA) == 0
    rows = np.stack([XA, -XB, PROBE_A])
    d = hamming(rows, np.stack([XA, XB, XA]))
    assert d.dtype == np.int64
    assert_array_equal(d, [0, 4, 1])
    assert_array_equal(hamming(rows, XA), [0, 2, 1])
    assert_array_equal(hamming(XA, rows), [0, 2, 1])


def test_identities_for_bipolar_vectors(X, probes):
    """accuracy = (1 + m) / 2 and hamming = N (1 - m) / 2, row by row."""
    m = np.diag(overlap(probes, X))
    assert_allclose(recall_accuracy(probes, X), (1 + m) / 2, rtol=0, atol=1e-12)
    assert_allclose(hamming(probes, X), N * (1 - m) / 2, rtol=0, atol=1e-9)
    assert_allclose(recall_accuracy(probes, X), 1 - hamming(probes, X) / N, rtol=0, atol=1e-12)
    # also for unrelated pairs (m about 0) and single vectors
    Y = random_patterns(8, N, seed=13)
    m = np.diag(overlap(Y, X))
    assert_allclose(recall_accuracy(Y, X), (1 + m) / 2, rtol=0, atol=1e-12)
    assert_allclose(hamming(Y, X), N * (1 - m) / 2, rtol=0, atol=1e-9)
    m0 = overlap(Y[0], X[0])
    assert recall_accuracy(Y[0], X[0]) == pytest.approx((1 + m0) / 2, abs=1e-12)
    assert hamming(Y[0], X[0]) == pytest.approx(N * (1 - m0) / 2, abs=1e-9)


def test_exactly_k_flips(X):
    noisy = corrupt(X, 0.25, seed=3)  # exactly 32 of 128 bits flipped per row
    assert_array_equal(hamming(noisy, X), np.full(8, 32))
    assert_array_equal(recall_accuracy(noisy, X), np.full(8, 0.75))
    assert_array_equal(np.diag(overlap(noisy, X)), np.full(8, 0.5))  # 1 - 2 * 32 / 128


# -------------------------------------------------------------- shapes


ROWS3 = np.stack([XA, XB, -XA])
PATS2 = np.stack([XA, XB])


@pytest.mark.parametrize("a, b, expected", [
    (XA, XB, float),
    (XA, PATS2, (2,)),
    (ROWS3, XB, (3,)),
    (ROWS3, PATS2, (3, 2)),
    (XA[None, :], XB, (1,)),
    (XA, XB[None, :], (1,)),
], ids=["1d-1d", "1d-2d", "2d-1d", "2d-2d", "row-1d", "1d-row"])
def test_overlap_shapes(a, b, expected):
    m = overlap(a, b)
    if expected is float:
        assert type(m) is float
    else:
        assert isinstance(m, np.ndarray) and m.shape == expected and m.dtype == np.float64


@pytest.mark.parametrize("func, scalar_type, dtype", [
    (recall_accuracy, float, np.float64),
    (hamming, int, np.int64),
])
@pytest.mark.parametrize("a, b, expected", [
    (XA, XB, None),
    (XA, ROWS3, (3,)),
    (ROWS3, XB, (3,)),
    (ROWS3, -ROWS3, (3,)),
    (XA[None, :], XB, (1,)),
    (XA[None, :], XB[None, :], (1,)),
], ids=["1d-1d", "1d-2d", "2d-1d", "2d-2d", "row-1d", "row-row"])
def test_paired_shapes(func, scalar_type, dtype, a, b, expected):
    out = func(a, b)
    if expected is None:
        assert type(out) is scalar_type
    else:
        assert isinstance(out, np.ndarray) and out.shape == expected and out.dtype == dtype


# ---------------------------------------------------- inputs not modified


@pytest.mark.parametrize("func", [overlap, recall_accuracy, hamming])
def test_similarity_measures_do_not_modify_inputs(func, X, probes):
    a32 = probes.astype(np.float32)
    b_int = X.astype(np.int64)
    a_copy, b_copy = a32.copy(), b_int.copy()
    func(a32, b_int)
    func(a32[0], b_int)
    assert_array_equal(a32, a_copy)
    assert_array_equal(b_int, b_copy)
    assert a32.dtype == np.float32 and b_int.dtype == np.int64
    rows = [row.copy() for row in X[:3]]
    func(rows, X[0])
    for row, orig in zip(rows, X[:3]):
        assert_array_equal(row, orig)


@pytest.mark.parametrize("func", [overlap, recall_accuracy, hamming])
def test_read_only_inputs_are_accepted(func, X, probes):
    a, b = probes.copy(), X.copy()
    a.flags.writeable = False
    b.flags.writeable = False
    func(a, b)
    func(a[0], b)


def test_trajectories_do_not_modify_inputs(X, probes):
    model = trained(X, asyn=True, seed=1)
    probe, pats = probes[0].astype(np.float32), X.copy()
    probe_copy, pats_copy = probe.copy(), pats.copy()
    probe.flags.writeable = False
    T = trajectory(model, probe)
    overlap_trajectory(model, probe, pats)
    assert_array_equal(probe, probe_copy)
    assert_array_equal(pats, pats_copy)
    assert not np.shares_memory(T, probe)


# ------------------------------------------------------- similarity errors


def test_different_lengths_name_both_shapes():
    with pytest.raises(ValueError, match=r"overlap: states and patterns must have the same length N; got "
                                         r"states of shape \(4,\) \(N=4\) and patterns of shape \(2, 5\) \(N=5\)"):
        overlap(XA, np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"recall_accuracy: recalled and targets must have the same pattern "
                                         r"length N; got recalled of shape \(3, 4\) \(N=4\) and targets of "
                                         r"shape \(5,\) \(N=5\)"):
        recall_accuracy(ROWS3, np.ones(5))
    with pytest.raises(ValueError, match=r"hamming: a and b must have the same pattern length N; got a of "
                                         r"shape \(4,\) \(N=4\) and b of shape \(3,\) \(N=3\)"):
        hamming(XA, [1, 1, 1])


def test_mismatched_rows_suggest_selecting_rows():
    with pytest.raises(ValueError, match=r"recall_accuracy: recalled has 3 rows but targets has 2; expected one "
                                         r"row of targets per row of recalled.*shape \(4,\).*targets\[:3\]"):
        recall_accuracy(ROWS3, PATS2)
    with pytest.raises(ValueError, match=r"hamming: a has 2 rows but b has 3.*b\[:2\]"):
        hamming(PATS2, ROWS3)
    # a single row given as 2-D is not broadcast: only a 1-D vector is
    with pytest.raises(ValueError, match=r"recall_accuracy: recalled has 1 rows but targets has 3"):
        recall_accuracy(XA[None, :], ROWS3)


@pytest.mark.parametrize("func", [overlap, recall_accuracy, hamming])
def test_bad_values_and_shapes(func):
    first = {overlap: "states", recall_accuracy: "recalled", hamming: "a"}[func]
    with pytest.raises(ValueError, match=rf"{first} is empty"):
        func([], XA)
    with pytest.raises(ValueError, match=rf"{first} is empty: got shape \(0, 4\)"):
        func(np.ones((0, 4)), XA)
    with pytest.raises(ValueError, match=rf"{first} contains NaN or inf \(first at index \(0, 2\)"):
        func([1.0, 1.0, np.nan, 1.0], XA)
    with pytest.raises(ValueError, match=r"got shape \(2, 2, 2\)\. It looks like a stack of images"):
        func(np.ones((2, 2, 2)), XA)
    with pytest.raises(ValueError, match=rf"{first} are ragged.*\(3,\).*\(4,\)"):
        func([XA, np.ones(3)], XA)
    with pytest.raises(TypeError, match=rf"{first} must hold numbers.*dtype <U1"):
        func(["a", "b", "c", "d"], XA)
    with pytest.raises(ValueError, match=r"contains NaN or inf"):
        func(XA, [1.0, np.inf, 1.0, 1.0])


# ---------------------------------------------------------- trajectories


def test_trajectory_by_hand(tiny):
    # W = XA XA^T - I, so h = XA (XA . s) - s.  For PROBE_A, XA . s = 2:
    # h = 2 XA - s = [1, 3, -1, -1] -> sign = XA, then h = 3 XA: a fixed point.
    T = trajectory(tiny, PROBE_A)
    assert T.dtype == np.float32
    assert_array_equal(T, [PROBE_A, XA])
    assert_array_equal(trajectory(tiny, XA), [XA])  # already stored: nothing moves


def test_overlap_trajectory_by_hand(tiny):
    # PROBE_A . XA = 2, PROBE_A . XB = 1 + 1 - 1 + 1 = 2; then XA: 4 and 0.  XB need not be stored.
    m = overlap_trajectory(tiny, PROBE_A, [XA, XB])
    assert m.dtype == np.float64
    assert_array_equal(m, [[0.5, 0.5], [1.0, 0.0]])
    assert_array_equal(overlap_trajectory(tiny, PROBE_A, XA), [0.5, 1.0])  # 1-D pattern -> (T + 1,)


def test_sync_two_cycle_by_hand_warns():
    # Store XA and XB: W = (XA XA^T + XB XB^T) / 2 with zero diagonal, so h = XA + XB - s
    # (both overlaps of PROBE_A are 2/4).  XA + XB = [2, 0, 0, -2]:
    #   s0 = [1, -1, -1, -1] -> h = [1, 1, 1, -1] -> s1 = [1, 1, 1, -1]
    #   s1                   -> h = [1, -1, -1, -1] -> s2 = s0: a 2-cycle.
    model = trained(np.stack([XA, XB]))
    with pytest.warns(hm.ConvergenceWarning, match=r"The trajectory fell into a 2-cycle \(synchronous updates\)"):
        T = trajectory(model, PROBE_A)
    assert_array_equal(T, [PROBE_A, [1, 1, 1, -1], PROBE_A])
    with pytest.warns(hm.ConvergenceWarning, match=r"fell into a 2-cycle"):
        m = overlap_trajectory(model, PROBE_A, [XA, XB])
    assert_array_equal(m, np.full((3, 2), 0.5))
    with pytest.warns(hm.ConvergenceWarning, match=r"fell into a 2-cycle"):
        assert_array_equal(model.recall(PROBE_A), T[-1])


def test_sync_trajectory_is_one_synchronous_update_per_row(X, probes):
    model = trained(X)
    W = model.W
    for probe in probes[:4]:
        T = trajectory(model, probe)
        assert_array_equal(T[0], probe)
        assert len(T) >= 2
        for t in range(len(T) - 1):
            assert_array_equal(T[t + 1], sync_step(W, T[t]))
            assert not np.array_equal(T[t + 1], T[t])  # an unchanged state is not repeated
        assert_array_equal(sync_step(W, T[-1]), T[-1])  # ends at a fixed point


def test_async_trajectory_descends_in_energy_to_a_fixed_point(X, probes):
    model = trained(X, asyn=True, seed=4)
    W = model.W
    for probe in probes[:4]:
        T = trajectory(model, probe)
        assert_array_equal(T[0], probe)
        E = np.array([model.compute_energy(s) for s in T])
        # every sweep flips something (else it stopped), and flips never raise the energy
        assert np.all(np.diff(E) <= 1e-9), E
        assert all(not np.array_equal(T[t + 1], T[t]) for t in range(len(T) - 1))
        assert_array_equal(sync_step(W, T[-1]), T[-1])  # no neuron wants to flip


@pytest.mark.parametrize("compiled", ["numba", False], ids=["compiled", "numpy"])
@pytest.mark.parametrize("asyn", [False, True], ids=["sync", "async"])
def test_trajectory_ends_where_recall_ends(X, probes, asyn, compiled):
    """Last row = model.recall(probe) of an identically seeded network, same rng use, same energies."""
    for k in range(4):
        a = trained(X, asyn=asyn, seed=7)
        b = trained(X, asyn=asyn, seed=7)
        T = trajectory(a, probes[k], compiled=compiled)
        info = b.recall(probes[k], compiled=compiled, return_info=True)
        assert info.converged[0]
        assert T.shape == (info.n_iter[0], N)  # the confirming update/sweep adds no row
        assert_array_equal(T[0], probes[k])
        assert_array_equal(T[-1], info.states)
        assert a.rng.bit_generator.state == b.rng.bit_generator.state
        assert_allclose(a.compute_energy(T), info.energy_trace(0)[: len(T)], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("activation, make_probe", [
    ("tanh", lambda p: 0.5 * p),
    ("sigmoid", lambda p: (p + 1) / 2),
])
@pytest.mark.parametrize("asyn", [False, True], ids=["sync", "async"])
def test_graded_trajectory_ends_where_recall_ends(X, probes, activation, make_probe, asyn):
    a = trained(X, asyn=asyn, seed=2, activation=activation, temperature=0.5)
    b = trained(X, asyn=asyn, seed=2, activation=activation, temperature=0.5)
    probe = make_probe(probes[0])
    T = trajectory(a, probe)
    assert T.dtype == np.float64
    assert_array_equal(T[0], probe)
    assert_allclose(T[-1], b.recall(probe), rtol=0, atol=1e-12)


def test_overlap_trajectory_is_overlap_of_trajectory(X, probes):
    a = trained(X, asyn=True, seed=9)
    b = trained(X, asyn=True, seed=9)
    m = overlap_trajectory(a, probes[2], X)
    T = trajectory(b, probes[2])
    assert m.shape == (len(T), 8)
    assert_allclose(m, overlap(T, X), rtol=0, atol=1e-12)
    assert m[0, 2] == 1 - 2 * 38 / 128  # 30 % noise: int(0.3 * 128) = 38 flips
    assert m[-1, 2] == 1.0  # recalled pattern 2


def test_amari_network_is_accepted(tiny):
    model = hm.AmariHopfieldNetwork(4, threshold=0.0)
    model.W = tiny.W
    assert_array_equal(trajectory(model, PROBE_A), [PROBE_A, XA])


# ------------------------------------------------ max_iter and warnings


@pytest.mark.parametrize("asyn", [False, True], ids=["sync", "async"])
def test_warns_when_max_iter_is_too_small(X, probes, asyn):
    # find a probe that needs at least 2 moving steps (3 rows)
    model = trained(X, asyn=asyn, seed=5)
    lengths = [len(trained(X, asyn=asyn, seed=5).recall(p, return_info=True).energy_trace(0))
               for p in probes]
    k = int(np.argmax(lengths))
    n_iter = lengths[k] - 1
    assert n_iter >= 3

    with pytest.warns(hm.ConvergenceWarning, match=r"The trajectory stopped at max_iter=1 without converging"):
        T = trajectory(model, probes[k], max_iter=1)
    assert T.shape == (2, N)
    twin = trained(X, asyn=asyn, seed=5)
    with pytest.warns(hm.ConvergenceWarning, match=r"stopped at max_iter=1 without converging"):
        assert_array_equal(T[-1], twin.recall(probes[k], max_iter=1))

    # exactly when recall warns: n_iter - 1 steps are too few, n_iter are enough
    _, msgs = run(trajectory, trained(X, asyn=asyn, seed=5), probes[k], max_iter=n_iter - 1)
    _, rmsgs = run(trained(X, asyn=asyn, seed=5).recall, probes[k], max_iter=n_iter - 1)
    assert len(msgs) == 1 and len(rmsgs) == 1 and f"max_iter={n_iter - 1}" in msgs[0]
    _, msgs = run(trajectory, trained(X, asyn=asyn, seed=5), probes[k], max_iter=n_iter)
    _, rmsgs = run(trained(X, asyn=asyn, seed=5).recall, probes[k], max_iter=n_iter)
    assert msgs == [] and rmsgs == []


def test_default_max_iter_is_the_networks(X, probes):
    model = trained(X, max_iter=1)
    with pytest.warns(hm.ConvergenceWarning, match=r"stopped at max_iter=1 without converging"):
        T = trajectory(model, probes[0])
    assert len(T) == 2
    with pytest.warns(hm.ConvergenceWarning, match=r"stopped at max_iter=1"):
        m = overlap_trajectory(model, probes[0], X)
    assert m.shape == (2, 8)


def test_warning_points_at_the_caller(tiny):
    with pytest.warns(hm.ConvergenceWarning) as record:
        trajectory(tiny, PROBE_A, max_iter=1)  # needs 2 updates: one move and one check
    assert len(record) == 1
    assert record[0].filename == __file__


# ---------------------------------------------------- trajectory errors


@pytest.mark.parametrize("func, args", [
    (trajectory, (PROBE_A,)),
    (overlap_trajectory, (PROBE_A, PATS2)),
], ids=["trajectory", "overlap_trajectory"])
def test_model_that_is_not_a_trained_network(func, args, tiny):
    name = func.__name__
    for cls in (hm.HopfieldNetwork, hm.AmariHopfieldNetwork):
        with pytest.raises(TypeError, match=rf"{name} needs a network instance, but got the class "
                                            rf"{cls.__name__}: create and train it first, "
                                            rf"e\.g\. model = {cls.__name__}\(num_neurons=784\)"):
            func(cls, *args)
    trainer = hm.HebbianTrainer(hm.HopfieldNetwork(4), subtract_mean=False).train(XA[None, :])
    with pytest.raises(TypeError, match=rf"got HebbianTrainer\. It looks like a trainer: pass its network, "
                                        rf"{name}\(trainer\.model, \.\.\.\)"):
        func(trainer, *args)
    with pytest.raises(TypeError, match=rf"{name} needs a trained hebbmem\.HopfieldNetwork as its model; "
                                        rf"got ndarray\.$"):
        func(np.asarray(tiny.W), *args)
    with pytest.raises(hm.NotTrainedError, match=rf"Cannot compute the {name}: the network has no weights yet\."
                                                 rf".*trainer\.train\(patterns\)"):
        func(hm.HopfieldNetwork(4), *args)


def test_trajectory_follows_one_probe(tiny):
    with pytest.raises(ValueError, match=r"trajectory follows ONE probe: expected shape \(4,\), got \(2, 4\)\. "
                                         r"Pass a single row, e\.g\. trajectory\(model, probes\[0\]\)"):
        trajectory(tiny, PATS2)
    with pytest.raises(ValueError, match=r"trajectory follows ONE probe: expected shape \(4,\), got \(1, 4\)"):
        trajectory(tiny, PROBE_A[None, :])
    with pytest.raises(ValueError, match=r"trajectory follows ONE probe.*got \(2, 4\)"):
        overlap_trajectory(tiny, [XA, XB], PATS2)


def test_bad_probe(tiny):
    with pytest.raises(ValueError, match=r"probe has length 5 but the network has num_neurons=4"):
        trajectory(tiny, np.ones(5))
    with pytest.raises(ValueError, match=r"probe must be bipolar.*2 \* x - 1"):
        trajectory(tiny, [1, 0, 0, 1])
    with pytest.raises(ValueError, match=r"probe must be bipolar.*\[0\.5\]"):
        trajectory(tiny, [1, 0.5, -1, 1])
    with pytest.raises(ValueError, match=r"probe contains NaN or inf"):
        trajectory(tiny, [1, np.nan, -1, 1])
    with pytest.raises(ValueError, match=r"probe has length 3 but the network has num_neurons=4"):
        overlap_trajectory(tiny, [1, 1, 1], PATS2)


def test_bad_max_iter_and_compiled(tiny):
    with pytest.raises(ValueError, match=r"The 'max_iter' parameter of trajectory must be an int >= 1\. "
                                         r"Got 0 instead\. It caps the number of updates or sweeps"):
        trajectory(tiny, PROBE_A, max_iter=0)
    with pytest.raises(ValueError, match=r"'max_iter' parameter of trajectory must be an int >= 1\. Got 2\.5"):
        trajectory(tiny, PROBE_A, max_iter=2.5)
    with pytest.raises(TypeError, match=r"'max_iter' parameter of trajectory must be an int >= 1\. Got True"):
        trajectory(tiny, PROBE_A, max_iter=True)
    with pytest.raises(TypeError, match=r"'compiled' parameter of trajectory must be True \(the fastest exact "
                                        r"path\), False \(the readable NumPy path\) or 'numba'.*Got 'yes' instead"):
        trajectory(tiny, PROBE_A, compiled="yes")
    with pytest.raises(TypeError, match=r"'compiled' parameter of trajectory must be True"):
        overlap_trajectory(tiny, PROBE_A, PATS2, compiled=1)


def test_overlap_trajectory_checks_patterns_before_running(X, probes):
    model = trained(X, asyn=True, seed=3)
    before = model.rng.bit_generator.state
    with pytest.raises(ValueError, match=r"overlap_trajectory: patterns have length 5 but the network has "
                                         r"num_neurons=128; got patterns of shape \(2, 5\)\. Pass the stored "
                                         r"patterns, e\.g\. trainer\.patterns_"):
        overlap_trajectory(model, probes[0], np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"patterns contains NaN or inf"):
        overlap_trajectory(model, probes[0], np.full(N, np.nan))
    with pytest.raises(TypeError, match=r"patterns must hold numbers"):
        overlap_trajectory(model, probes[0], ["x"] * N)
    assert model.rng.bit_generator.state == before  # no sweep was run
