"""Bad input: every mistake a student is likely to make is caught, with a message that says what to do.

Each case is matched by its words (``pytest.raises(..., match=...)``), as
Nengo's tests do.

The second half checks that hebbmem never modifies the caller's arrays, and
that ``model.W`` is read-only but can be replaced.
"""

import re

import numpy as np
import pytest

import hebbmem as hm
from hebbmem.models.brain_inspired import AmariHopfieldNetwork

N = 16


def bipolar(n_patterns, n_neurons=N, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return np.where(rng.random((n_patterns, n_neurons)) < 0.5, -1, 1).astype(dtype)


@pytest.fixture
def X():
    return bipolar(3)


@pytest.fixture
def trainer(X):
    return hm.HebbianTrainer(hm.HopfieldNetwork(N, seed=0)).train(X)


@pytest.fixture
def untrained():
    model = hm.HopfieldNetwork(N)
    return model, hm.HebbianTrainer(model)


def with_value(array, index, value):
    out = np.array(array, dtype=np.float64)
    out[index] = value
    return out


# ---------------------------------------------------------------- shapes


def test_probe_of_wrong_length_names_both_lengths(trainer):
    with pytest.raises(ValueError, match=r"length 10 but the network has num_neurons=16"):
        trainer.predict(np.ones(10))
    with pytest.raises(ValueError, match=r"length 20 but the network has num_neurons=16"):
        trainer.predict_batch(np.ones((2, 20)))


def test_patterns_of_wrong_length_name_both_lengths(trainer):
    with pytest.raises(ValueError, match=r"length 10 but the network has num_neurons=16.*got \(3, 10\)"):
        trainer.train(np.ones((3, 10)))
    with pytest.raises(ValueError, match=r"length 10 but the network has num_neurons=16"):
        trainer.train([np.ones(10), -np.ones(10)])


def test_2d_image_as_probe_suggests_flattening(trainer):
    image = bipolar(1)[0].reshape(4, 4)
    with pytest.raises(ValueError, match=r"2-D image.*x\.reshape\(-1\)"):
        trainer.predict(image)


@pytest.mark.parametrize("as_list", [False, True], ids=["array", "list of images"])
def test_stack_of_images_suggests_reshape_len_x(trainer, as_list):
    images = bipolar(3).reshape(3, 4, 4)
    data = list(images) if as_list else images
    with pytest.raises(ValueError, match=r"stack of images.*x\.reshape\(len\(x\), -1\).*\(3, 16\)"):
        trainer.train(data)
    with pytest.raises(ValueError, match=r"x\.reshape\(len\(x\), -1\)"):
        trainer.predict_batch(data)


def test_ragged_patterns_show_the_shapes(trainer):
    with pytest.raises(ValueError, match=r"ragged.*\(15,\).*\(16,\)"):
        trainer.train([np.ones(16), np.ones(15)])
    with pytest.raises(ValueError, match=r"ragged"):
        trainer.train([[1, -1], [1, -1, 1]])
    with pytest.raises(ValueError, match=r"ragged.*\(16,\).*\(17,\)"):
        trainer.predict([np.ones(16), np.ones(17)])


def test_ragged_probes_in_predict_batch(trainer):
    with pytest.raises(ValueError, match=r"ragged.*\(16,\).*\(17,\)"):
        trainer.predict_batch([np.ones(16), np.ones(17)])


def test_pattern_list_mixing_array_and_number_is_ragged(trainer):
    with pytest.raises(ValueError, match=r"ragged|same shape"):
        trainer.train([np.ones(16), 1.0])


def test_empty_inputs(trainer, X):
    with pytest.raises(ValueError, match=r"patterns is empty: expected at least one pattern"):
        trainer.train([])
    with pytest.raises(ValueError, match=r"patterns is empty: got shape \(0, 16\)"):
        trainer.train(np.ones((0, N)))
    with pytest.raises(ValueError, match=r"is empty"):
        trainer.predict_batch([])
    with pytest.raises(ValueError, match=r"is empty: got shape \(0, 16\)"):
        trainer.predict_batch(np.ones((0, N)))


def test_scalar_probe(trainer):
    with pytest.raises(ValueError, match=r"must have shape \(n_neurons,\) or \(n_patterns, n_neurons\); got shape \(\)"):
        trainer.predict(1.0)


def test_predict_batch_of_one_1d_pattern_points_to_predict(trainer, X):
    with pytest.raises(ValueError, match=r"got one 1-D pattern of shape \(16,\)\. Use predict\(\)"):
        trainer.predict_batch(X[0])
    with pytest.raises(ValueError, match=r"list of numbers.*predict\(pattern\)"):
        trainer.predict_batch(list(X[0]))


# ---------------------------------------------------------------- values


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_patterns(trainer, X, bad):
    with pytest.raises(ValueError, match=r"patterns contains NaN or inf \(first at index \(1, 3\)"):
        trainer.train(with_value(X, (1, 3), bad))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_probes(trainer, X, bad):
    with pytest.raises(ValueError, match=r"pattern contains NaN or inf \(first at index \(0, 5\)"):
        trainer.predict(with_value(X[0], 5, bad))
    with pytest.raises(ValueError, match=r"contains NaN or inf \(first at index \(1, 5\)"):
        trainer.predict_batch([X[0], with_value(X[1], 5, bad)])
    with pytest.raises(ValueError, match=r"NaN or inf"):
        trainer.model.compute_energy(with_value(X[0], 5, bad))


def test_nan_in_probe_of_graded_network(X):
    """tanh networks accept any real probe, but still no NaN."""
    trainer = hm.HebbianTrainer(hm.HopfieldNetwork(N, activation="tanh")).train(X)
    trainer.predict(np.full(N, 0.5))  # fine: graded states
    with pytest.raises(ValueError, match=r"NaN or inf"):
        trainer.predict(np.full(N, np.nan))


@pytest.mark.parametrize("zero_one", [
    pytest.param(lambda x: (x > 0).astype(int), id="int 0/1"),
    pytest.param(lambda x: (x > 0).astype(np.float32), id="float 0/1"),
    pytest.param(lambda x: x > 0, id="bool"),
])
def test_zero_one_patterns_suggest_2x_minus_1(trainer, X, zero_one):
    with pytest.raises(ValueError, match=r"must be bipolar.*2 \* x - 1"):
        trainer.train(zero_one(X))
    with pytest.raises(ValueError, match=r"pattern must be bipolar.*2 \* x - 1"):
        trainer.predict(zero_one(X[0]))
    with pytest.raises(ValueError, match=r"must be bipolar.*2 \* x - 1"):
        hm.Hebbian().weights(zero_one(X))


def test_masked_probes_suggest_value_minus_one(trainer, X):
    from hebbmem.noise import mask_random
    probe = mask_random(X[0], 0.25, rng=0)   # default value=0.0: "unknown"
    with pytest.raises(ValueError, match=r"must be bipolar.*masked pixels.*value=-1\.0"):
        trainer.predict(probe)
    recalled = trainer.predict(mask_random(X[0], 0.25, value=-1.0, rng=0))
    assert recalled.shape == X[0].shape


def test_graded_values_suggest_binarizing(trainer, X):
    with pytest.raises(ValueError, match=r"must be bipolar.*\[-0\.5, 0\.5\].*np\.where\(x > x\.mean\(\), 1, -1\)"):
        trainer.train(0.5 * X)


def test_non_numeric_patterns(trainer):
    with pytest.raises(TypeError, match=r"patterns must hold numbers.*dtype <U1"):
        trainer.train([["a"] * N])
    with pytest.raises(TypeError, match=r"patterns must be real; got complex"):
        trainer.train(bipolar(2).astype(complex))
    with pytest.raises(TypeError, match=r"pattern must hold numbers"):
        trainer.predict(None)


# ------------------------------------------------------------ not trained


@pytest.mark.parametrize("action, words", [
    (lambda model, trainer: trainer.predict(np.ones(N)), "Cannot recall"),
    (lambda model, trainer: trainer.predict_batch(np.ones((2, N))), "Cannot recall"),
], ids=["predict", "predict_batch"])
def test_use_before_training_raises_not_trained(untrained, action, words):
    model, trainer = untrained
    pattern = words + r": the network has no weights yet\..*trainer\.train\(patterns\).*model\.W = an array of shape \(16, 16\)"
    with pytest.raises(hm.NotTrainedError, match=pattern):
        action(model, trainer)
    with pytest.raises(ValueError):  # NotTrainedError is a ValueError, as in sklearn
        action(model, trainer)


def test_untrained_network_has_zero_weights_as_in_canns():
    model = AmariHopfieldNetwork(N, threshold=0.5)
    assert not model.is_trained
    W = model.W
    assert W.shape == (N, N) and not W.any() and not W.flags.writeable
    assert model.energy == pytest.approx(0.5 * N)            # s = all +1: E = theta * sum(s)
    assert model.compute_energy(-np.ones(N)) == pytest.approx(-0.5 * N)


def test_not_trained_error_is_catchable_as_builtin():
    assert issubclass(hm.NotTrainedError, ValueError)
    assert issubclass(hm.NotTrainedError, AttributeError)
    assert not hm.HopfieldNetwork(N).is_trained


# ------------------------------------------------------------- parameters


def param_msg(name, owner, expected, got):
    """The standard parameter message, as a regex."""
    return re.escape(f"The {name!r} parameter of {owner} must be {expected}. Got {got} instead.")


@pytest.mark.parametrize("value, exc, got", [
    (0, ValueError, "0"),
    (-3, ValueError, "-3"),
    (2.5, ValueError, "2.5"),
    ("10", TypeError, "'10'"),
    (None, TypeError, "None"),
])
def test_num_neurons(value, exc, got):
    with pytest.raises(exc, match=param_msg("num_neurons", "HopfieldNetwork", "an int >= 1", got)
                       + r" It is the number of neurons, e\.g\. 784"):
        hm.HopfieldNetwork(value)
    with pytest.raises(exc, match=param_msg("num_neurons", "AmariHopfieldNetwork", "an int >= 1", got)):
        AmariHopfieldNetwork(num_neurons=value)


def test_integral_float_num_neurons_is_refused_with_the_fix():
    # Decision (issue 11): counts are ints; a whole float usually hides a division (784 / 1).
    with pytest.raises(ValueError, match=r"must be an int >= 1\. Got 10\.0 instead\. Pass int\(10\.0\) = 10"):
        hm.HopfieldNetwork(10.0)
    with pytest.raises(ValueError, match=r"'max_iter' parameter of HopfieldNetwork must be an int from 1 to "
                                         r"1,000,000,000\. Got 20\.0"):
        hm.HopfieldNetwork(10, max_iter=20.0)
    assert hm.HopfieldNetwork(np.int64(10)).num_neurons == 10


@pytest.mark.parametrize("make", [
    lambda: hm.HopfieldNetwork(True),
    lambda: hm.HopfieldNetwork(N, max_iter=True),
], ids=["num_neurons", "max_iter"])
def test_bool_for_int_parameter_is_a_type_error(make):
    with pytest.raises(TypeError, match=r"must be an int (>= 1|from 1 to 1,000,000,000)\. Got True instead"):
        make()


@pytest.mark.parametrize("value, exc", [("relu", ValueError), ("Sign", ValueError), (None, TypeError)])
def test_unknown_activation(value, exc):
    with pytest.raises(exc, match=param_msg("activation", "HopfieldNetwork", "one of 'sign', 'tanh', 'sigmoid'",
                                            repr(value))):
        hm.HopfieldNetwork(N, activation=value)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_asyn_must_be_bool(value):
    with pytest.raises(TypeError, match=param_msg("asyn", "HopfieldNetwork", "a bool (True or False)", repr(value))):
        hm.HopfieldNetwork(N, asyn=value)
    with pytest.raises(TypeError, match=r"'asyn' parameter of AmariHopfieldNetwork must be a bool"):
        AmariHopfieldNetwork(N, asyn=value)


@pytest.mark.parametrize("value, got", [(0, "0"), (-5, "-5"), (2.5, "2.5")])
def test_max_iter(value, got):
    with pytest.raises(ValueError, match=param_msg("max_iter", "HopfieldNetwork", "an int from 1 to 1,000,000,000", got)):
        hm.HopfieldNetwork(N, max_iter=value)


@pytest.mark.parametrize("value, exc, got", [
    (float("nan"), ValueError, r"nan"),
    (float("inf"), ValueError, r"inf"),
    ("80", TypeError, r"'80'"),
    (True, TypeError, r"True"),
])
def test_amari_threshold_is_the_firing_threshold(value, exc, got):
    pattern = (r"The 'threshold' parameter of AmariHopfieldNetwork must be a finite real number\. Got " + got
               + r" instead\. It is the firing threshold theta; the iteration cap is predict\(\.\.\., num_iter=20\)\.")
    with pytest.raises(exc, match=pattern):
        AmariHopfieldNetwork(num_neurons=N, threshold=value)


def test_amari_unknown_keyword_is_named():
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) 'bias'.*threshold"):
        AmariHopfieldNetwork(N, bias=1.0)


@pytest.mark.parametrize("value", [1.5, "abc", True, np.random.RandomState(0)],
                         ids=["float", "str", "bool", "RandomState"])
def test_bad_seed_type(value):
    with pytest.raises(TypeError, match=r"The 'seed' parameter of HopfieldNetwork must be None, an int >= 0 "
                                        r"or a numpy\.random\.Generator\. Got .* instead\."):
        hm.HopfieldNetwork(N, seed=value)


def test_negative_seed_is_a_value_error():
    with pytest.raises(ValueError, match=r"The 'seed' parameter of HopfieldNetwork must be .*Got -1 instead"):
        hm.HopfieldNetwork(N, seed=-1)


@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"temperature": 0}, ValueError, param_msg("temperature", "HopfieldNetwork", "a finite real number > 0", "0.0")),
    ({"tol": -1}, ValueError, param_msg("tol", "HopfieldNetwork", "a finite real number >= 0", "-1.0")),
    ({"bias": np.nan}, ValueError, param_msg("bias", "HopfieldNetwork", "a finite real number", "nan")),
    ({"bias": "0"}, TypeError, param_msg("bias", "HopfieldNetwork", "a finite real number", "'0'")),
    ({"storage": "sparse"}, ValueError, r"'storage' parameter of HopfieldNetwork must be one of 'auto'"),
    ({"parallel": "no"}, TypeError, r"'parallel' parameter of HopfieldNetwork must be a bool"),
])
def test_other_network_parameters(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        hm.HopfieldNetwork(N, **kwargs)


def test_trainer_with_rule_class_instead_of_instance():
    model = hm.HopfieldNetwork(N)
    with pytest.raises(TypeError, match=r"rule must be a Rule instance: write Hebbian\(\) with parentheses"):
        hm.Trainer(model, hm.Hebbian)
    with pytest.raises(TypeError, match=r"write PseudoInverse\(\) with parentheses"):
        hm.Trainer(model, hm.PseudoInverse)
    with pytest.raises(TypeError, match=r"rule must be a hebbmem Rule such as hebbmem\.Hebbian\(\); got str"):
        hm.Trainer(model, "hebbian")


@pytest.mark.parametrize("model, got", [("model", "str"), (None, "NoneType"), (np.zeros((N, N)), "ndarray")])
def test_trainer_with_non_network_model(model, got):
    with pytest.raises(TypeError, match=r"Trainer with a rule needs a hebbmem network as its model, e\.g\. "
                                        r"hebbmem\.HopfieldNetwork\(num_neurons=784\); got " + got):
        hm.Trainer(model, hm.Hebbian())
    with pytest.raises(TypeError, match=r"HebbianTrainer with a rule needs a hebbmem network as its model"):
        hm.HebbianTrainer(model)


def test_trainer_with_network_class_instead_of_instance():
    with pytest.raises(TypeError, match=r"AmariHopfieldNetwork.*(instance|parentheses|num_neurons=)"):
        hm.HebbianTrainer(AmariHopfieldNetwork)


@pytest.mark.parametrize("make", [
    lambda: hm.Hebbian(normalize="no"),
], ids=["Hebbian"])
def test_hebbian_normalize_must_be_bool(make):
    with pytest.raises(TypeError, match=param_msg("normalize", "Hebbian", "a bool (True or False)", "'no'")):
        make()


def test_hebbian_trainer_normalize_by_patterns_must_be_bool():
    with pytest.raises(TypeError, match=param_msg("normalize_by_patterns", "HebbianTrainer",
                                                  "a bool (True or False)", "'no'")):
        hm.HebbianTrainer(hm.HopfieldNetwork(N), normalize_by_patterns="no")


@pytest.mark.parametrize("kwargs, exc, pattern", [
    ({"learning_rate": 0}, ValueError, param_msg("learning_rate", "Hebbian", "a finite real number > 0", "0.0")),
    ({"subtract_mean": 1}, TypeError, r"'subtract_mean' parameter of Hebbian must be a bool"),
    ({"zero_diagonal": "yes"}, TypeError, r"'zero_diagonal' parameter of Hebbian must be a bool"),
])
def test_other_rule_parameters(kwargs, exc, pattern):
    with pytest.raises(exc, match=pattern):
        hm.Hebbian(**kwargs)


def test_trainer_flags_must_be_bool():
    with pytest.raises(TypeError, match=param_msg(
            "compiled_prediction", "HebbianTrainer",
            "True (the fastest exact path), False (the readable NumPy path) or 'numba' (always the Numba kernels)",
            "'yes'")):
        hm.HebbianTrainer(hm.HopfieldNetwork(N), compiled_prediction="yes")


@pytest.mark.parametrize("P", [4, 5])
def test_pseudo_inverse_needs_fewer_patterns_than_neurons(P):
    X = bipolar(P, n_neurons=4)
    with pytest.raises(ValueError, match=rf"PseudoInverse needs fewer patterns than neurons \(P < N\).*"
                                         rf"got P={P} patterns of N=4 neurons"):
        hm.Trainer(hm.HopfieldNetwork(4), hm.PseudoInverse()).train(X)
    with pytest.raises(ValueError, match=r"P < N"):
        hm.PseudoInverse().weights(X)


def test_bad_num_iter_in_predict_is_rejected(trainer, X):
    with pytest.raises(ValueError, match=r"must be an int from 1 to 1,000,000,000\. Got 0 instead"):
        trainer.predict(X[0], num_iter=0)
    with pytest.raises(ValueError, match=r"must be an int from 1 to 1,000,000,000\. Got -1 instead"):
        trainer.predict_batch(X, num_iter=-1)
    with pytest.raises(TypeError, match=r"'compiled' parameter of .* must be True .*, False .* or 'numba'"):
        trainer.predict(X[0], compiled="yes")


def test_bad_num_iter_message_names_num_iter(trainer, X):
    with pytest.raises(ValueError, match=r"num_iter"):
        trainer.predict(X[0], num_iter=0)


def test_bad_state_for_energy_and_init_state(trainer):
    model = trainer.model
    with pytest.raises(ValueError, match=r"state has length 3 but the network has num_neurons=16"):
        model.compute_energy(np.ones(3))
    with pytest.raises(ValueError, match=r"state has length 3 but the network has num_neurons=16"):
        model.init_state(np.ones(3))
    with pytest.raises(ValueError, match=r"state must be one vector of shape \(16,\); got \(1, 16\)"):
        model.init_state(np.ones((1, N)))


def test_init_state_of_sign_network_must_be_bipolar():
    with pytest.raises(ValueError, match=r"bipolar"):
        hm.HopfieldNetwork(N).init_state(np.full(N, 0.5))


# ----------------------------------------------------- assigning weights


def test_assigning_W_of_wrong_shape(trainer):
    with pytest.raises(ValueError, match=r"W must have shape \(16, 16\) to match num_neurons=16; got \(16, 15\)"):
        trainer.model.W = np.zeros((N, N - 1))
    with pytest.raises(ValueError, match=r"got \(256,\)"):
        trainer.model.W = np.zeros(N * N)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_assigning_W_with_nan_or_inf(trainer, bad):
    W = np.zeros((N, N))
    W[2, 3] = W[3, 2] = bad
    with pytest.raises(ValueError, match=r"W contains NaN or inf; every weight must be finite"):
        trainer.model.W = W


def test_assigning_non_numeric_W(trainer):
    with pytest.raises(TypeError, match=r"W must be a real numeric array of shape \(16, 16\); got str"):
        trainer.model.W = "weights"


def test_assigning_None_to_W(trainer):
    with pytest.raises(TypeError, match=r"W must be a real numeric array of shape \(16, 16\); got NoneType"):
        trainer.model.W = None


def test_failed_calls_leave_the_network_unchanged(trainer, X):
    """A rejected train() or W assignment keeps the previous weights and patterns."""
    model = trainer.model
    W_before = model.W.copy()
    for bad in ([], np.ones((3, 10)), 0.5 * X, with_value(X, (0, 0), np.nan)):
        with pytest.raises(ValueError):
            trainer.train(bad)
    with pytest.raises(ValueError):
        model.W = np.full((N, N), np.nan)
    with pytest.raises(ValueError):
        hm.Trainer(model, hm.PseudoInverse()).train(bipolar(N))
    np.testing.assert_array_equal(model.W, W_before)
    np.testing.assert_array_equal(trainer.patterns_, X)


# ===================================================== never modify inputs


@pytest.fixture(params=[(True, False), (True, True), (False, False), (False, True)],
                ids=["compiled-sync", "compiled-async", "numpy-sync", "numpy-async"])
def recall_path(request):
    """(compiled_prediction, asyn): the four recall implementations."""
    return request.param


def make_trainer(recall_path, storage="auto"):
    compiled, asyn = recall_path
    model = hm.HopfieldNetwork(N, asyn=asyn, storage=storage, seed=0)
    return hm.HebbianTrainer(model, compiled_prediction=compiled)


def noisy(X, n_flips=3, seed=1):
    rng = np.random.default_rng(seed)
    out = X.copy()
    for row in np.atleast_2d(out):
        row[rng.choice(row.size, n_flips, replace=False)] *= -1
    return out


# N=16 holding 3 random patterns: a noisy probe may end in a 2-cycle under sync
# recall. Convergence is not what these tests are about, so the warning is ignored.
@pytest.mark.filterwarnings("ignore::hebbmem.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("storage", ["low-rank", "dense"])
def test_inputs_are_never_modified(recall_path, storage):
    trainer = make_trainer(recall_path, storage)
    patterns = bipolar(3)
    pattern_list = list(bipolar(3, seed=5))
    probes = noisy(patterns)
    probe_list = [p.copy() for p in probes]
    state = probes[0].copy()
    inputs = [patterns, pattern_list, probes, probe_list, state]
    before = [[np.copy(a) for a in x] if isinstance(x, list) else x.copy() for x in inputs]

    trainer.train(patterns)
    trainer.train(pattern_list)
    outputs = [
        trainer.predict(state),
        trainer.predict(probes),  # 2-D input to predict: recalled row by row
        trainer.predict_batch(probes),
        trainer.predict_batch(probe_list),
        trainer.predict(state, return_info=True).states,
    ]
    trainer.model.compute_energy(state)
    trainer.model.compute_energy(probes)
    trainer.model.init_state(state)

    # Outputs are fresh arrays: writing into them cannot reach the inputs either.
    for out in outputs:
        out[...] = 0
    trainer.model.s[...] = 0
    for x, x0 in zip(inputs, before):
        if isinstance(x, list):
            assert len(x) == len(x0)
            for a, a0 in zip(x, x0):
                np.testing.assert_array_equal(a, a0)
        else:
            np.testing.assert_array_equal(x, x0)
            assert x.dtype == x0.dtype


@pytest.mark.filterwarnings("ignore::hebbmem.exceptions.ConvergenceWarning")  # as above
def test_read_only_inputs_are_accepted(recall_path):
    """No code path writes into the input, not even temporarily: read-only arrays work."""
    trainer = make_trainer(recall_path)
    patterns = bipolar(3)
    probes = noisy(patterns)
    for a in (patterns, probes):
        a.flags.writeable = False
    trainer.train(patterns)
    trainer.predict(probes[0])
    trainer.predict_batch(probes)
    trainer.model.compute_energy(probes)


def test_stored_patterns_do_not_alias_the_input(trainer):
    patterns = bipolar(3, seed=9)
    trainer.train(patterns)
    W_before = trainer.model.W.copy()
    patterns[...] = 1  # the caller reuses their array
    np.testing.assert_array_equal(trainer.model.W, W_before)
    np.testing.assert_array_equal(trainer.patterns_, bipolar(3, seed=9))


# ===================================================== model.W: read-only, replaceable


def test_W_is_read_only(trainer):
    W = trainer.model.W
    assert not W.flags.writeable
    with pytest.raises(ValueError, match=r"read-only"):
        W[0, 1] = 5.0
    with pytest.raises(ValueError, match=r"read-only"):
        trainer.model.W[...] = 0
    with pytest.raises(ValueError, match=r"read-only"):
        W += 1
    # HebbianTrainer centres the patterns by default, as canns does
    np.testing.assert_allclose(trainer.model.W, hm.Hebbian(subtract_mean=True).weights(trainer.patterns_),
                               rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("asyn", [False, True])
@pytest.mark.parametrize("compiled", ["numba", False])
def test_assigning_W_replaces_the_weights(X, asyn, compiled):
    model = hm.HopfieldNetwork(N, asyn=asyn, seed=0)
    trainer = hm.HebbianTrainer(model, compiled_prediction=compiled).train(X)
    _ = model.W  # build and cache the old W first: the cache must not survive
    other = bipolar(1, seed=42)[0]
    assert not any(np.array_equal(other, x) or np.array_equal(other, -x) for x in X)

    new_W = np.outer(other, other).astype(np.float64)
    np.fill_diagonal(new_W, 0)
    model.W = new_W
    assert model.is_trained
    np.testing.assert_array_equal(model.W, new_W)
    assert not model.W.flags.writeable

    new_W[...] = 0  # the network took a copy
    assert np.abs(model.W).sum() > 0

    # Recall now uses the new weights: a noisy `other` goes back to `other`,
    # which the old weights never stored.
    recalled = trainer.predict(noisy(other, n_flips=3))
    np.testing.assert_array_equal(recalled, other)
    np.testing.assert_array_equal(trainer.predict_batch(noisy(np.stack([other, -other]))),
                                  np.stack([other, -other]))
    # Energy uses them too: E(other) = -1/2 other^T W other.
    assert model.compute_energy(other) == pytest.approx(-0.5 * other @ model.W @ other)


@pytest.mark.parametrize("call", [
    lambda x: hm.CompetitiveLayer(2, 3, seed=0).winner(x),
    lambda x: hm.SelfOrganizingMap(2, 2, 2, seed=0).winner(x),
    lambda x: hm.RestrictedBoltzmannModel(2, 3, seed=0).hidden_prob(x),
    lambda x: hm.HelmholtzMachine(2, 3, seed=0).recognize(x),
    lambda x: hm.LinearLayer(2, 3, seed=0).forward(x),
], ids=["competitive", "som", "rbm", "helmholtz", "linear"])
def test_complex_inputs_are_refused_not_cast(call):
    # NumPy's float64 cast of complex values drops the imaginary part with only a warning;
    # every family's input check refuses them instead (one shared step, _validation.as_real_float64).
    x = np.array([1.0 + 0.5j, 0.0])
    with pytest.raises(TypeError, match=r"must be real; got complex dtype complex128"):
        call(x)
    with pytest.raises(TypeError, match=r"must be numeric array-like \(vectors of length 2\); got an array of dtype"):
        call(np.array(["a", "b"]))


def test_complex_spikes_and_rewards_are_refused_not_cast():
    # A spike of 1 + 0.5j would have been cast to 1.0 and counted as a spike.
    trainer = hm.RewardModulatedSTDPTrainer(hm.SpikingLayer(2, 1, seed=0))
    spikes = np.zeros((5, 2))
    bad = spikes.astype(complex)
    bad[0, 0] = 1 + 0.5j
    with pytest.raises(TypeError, match=r"inputs must be real; got complex dtype"):
        trainer.train(bad, np.ones(5))
    with pytest.raises(TypeError, match=r"must be real; got complex dtype"):
        trainer.train(spikes, np.ones(5) + 0.5j)
