"""model.save(path) and hebbmem.load(path): bit-identical round trips, and safe refusals (issue 10, item 9)."""

import io
import json
import os
import pickle
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

import hebbmem as hm
from conftest import random_patterns

pytestmark = pytest.mark.filterwarnings("ignore::hebbmem.ConvergenceWarning",
                                        "ignore:The .* patterns are linearly dependent")

RULES = {
    "hebbian": lambda: hm.Hebbian(subtract_mean=False),
    "hebbian-centred": lambda: hm.Hebbian(subtract_mean=True),
    "hebbian-lr": lambda: hm.Hebbian(learning_rate=0.3, normalize=False),
    "antihebbian": lambda: hm.AntiHebbian(),
    "storkey": lambda: hm.Storkey(),
    "pseudoinverse": lambda: hm.PseudoInverse(),
    "pseudoinverse-diag": lambda: hm.PseudoInverse(zero_diagonal=False),
}


@st.composite
def models(draw):
    n = draw(st.integers(2, 40))
    amari = draw(st.booleans())
    asyn = draw(st.booleans())
    storage = draw(st.sampled_from(["auto", "dense", "low-rank"]))
    seed = draw(st.integers(0, 2 ** 32))
    bias = draw(st.sampled_from([0.0, 0.25, -1.5]))
    if amari:
        model = hm.AmariHopfieldNetwork(n, asyn=asyn, threshold=bias, storage=storage, seed=seed, max_iter=30)
    else:
        model = hm.HopfieldNetwork(n, asyn=asyn, bias=bias, storage=storage, seed=seed, max_iter=30)
    start = draw(st.sampled_from(["rules", "rules", "assigned", "untrained"]))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    if start == "assigned":
        W = rng.integers(-4, 5, (n, n)) / 4.0
        model.W = (W + W.T) / 2
    if start != "untrained":
        names = draw(st.lists(st.sampled_from(sorted(RULES)), min_size=1, max_size=3))
        if start == "assigned" or len({"pseudoinverse" in k for k in names}) > 1 or names[0].startswith("pseudo"):
            names = [k for k in names if not k.startswith("pseudo")] or ["storkey"]
        for name in names:
            p = int(rng.integers(1, max(2, n // 3)))
            X = np.where(rng.random((p, n)) < 0.5, 1.0, -1.0)
            hm.Trainer(model, RULES[name]()).train(X)
    if draw(st.booleans()):  # a used generator: its state must be saved, not the seed
        model.rng.random(int(rng.integers(1, 5)))
    model.init_state(np.where(rng.random(n) < 0.5, 1.0, -1.0))
    return model


def same_recall(a, b, probes):
    for compiled in (True, False):
        ra = a.recall(probes, compiled=compiled, return_info=True)
        rb = b.recall(probes, compiled=compiled, return_info=True)
        assert_array_equal(ra.states, rb.states)
        assert_array_equal(ra.n_iter, rb.n_iter)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model=models(), probe_seed=st.integers(0, 1000))
def test_round_trip_is_bit_identical(tmp_path, model, probe_seed):
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = hm.load(path)
    assert type(loaded) is type(model)
    assert repr(loaded) == repr(model)
    assert_array_equal(loaded.s, model.s)
    assert loaded.rng.bit_generator.state == model.rng.bit_generator.state
    assert loaded.is_trained == model.is_trained
    if not model.is_trained:
        return
    a, b = model._weights, loaded._weights
    assert a.kind == b.kind and a.scale == b.scale and a.dtype == b.dtype
    if a.kind == "lowrank":
        for name in ("U", "V", "d"):
            assert_array_equal(getattr(a, name), getattr(b, name))
            assert getattr(a, name).dtype == getattr(b, name).dtype
    assert_array_equal(loaded.W, model.W)
    assert getattr(a, "field_quantum", None) == getattr(b, "field_quantum", None)
    probes = random_patterns(5, model.num_neurons, seed=probe_seed)
    same_recall(model, loaded, probes)  # also consumes both generators identically
    assert loaded.rng.bit_generator.state == model.rng.bit_generator.state


@pytest.mark.parametrize("rule", ["hebbian", "storkey", "pseudoinverse", "antihebbian"])
def test_training_continues_identically_after_loading(tmp_path, rule):
    X = random_patterns(6, 48, seed=1)
    model = hm.HopfieldNetwork(48, seed=3)
    hm.Trainer(model, RULES[rule]()).train(X[:3])
    model.save(tmp_path / "m.npz")
    loaded = hm.load(tmp_path / "m.npz")
    hm.Trainer(model, RULES[rule]()).train(X[3:])
    hm.Trainer(loaded, RULES[rule]()).train(X[3:])
    assert_array_equal(loaded.W, model.W)
    same_recall(model, loaded, random_patterns(8, 48, seed=2))


def test_header_records_the_rules_and_storage_form(tmp_path):
    model = hm.HopfieldNetwork(32)
    hm.Trainer(model, hm.Hebbian(learning_rate=0.5)).train(random_patterns(2, 32, seed=0))
    hm.Trainer(model, hm.Storkey()).train(random_patterns(2, 32, seed=1))
    model.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as f:
        header = json.loads(f["header"].tobytes())
    assert header["format"] == "hebbmem.network" and header["version"] == 1
    assert header["weights"]["kind"] == "lowrank"
    assert [r["class"] for r in header["weights"]["rules"]] == ["Hebbian", "Storkey"]
    assert header["weights"]["rules"][0]["params"]["learning_rate"] == 0.5
    assert header["rng"]["bit_generator"] == "PCG64"
    loaded = hm.load(tmp_path / "m.npz")
    assert loaded._weights.rules == (hm.Hebbian(learning_rate=0.5), hm.Storkey())
    # Trainer(model) continues with the rule that trained it last (here Storkey, not Hebbian).
    assert hm.Trainer(loaded).rule == hm.Storkey()


def test_million_neurons_keep_their_factors(tmp_path):
    X = random_patterns(3, 1_000_000, seed=0)
    model = hm.HopfieldNetwork(1_000_000)
    hm.Trainer(model, hm.Storkey()).train(X)
    model.save(tmp_path / "big.npz")
    assert os.path.getsize(tmp_path / "big.npz") < 200 * 2 ** 20  # factors, not a 8 TB matrix
    loaded = hm.load(tmp_path / "big.npz")
    assert loaded._weights.kind == "lowrank"
    assert_array_equal(loaded.recall(X[:1]), model.recall(X[:1]))


def test_save_refuses_objects_that_are_not_models(tmp_path):
    with pytest.raises(TypeError, match="save\\(\\) supports hebbmem's models \\(.*HopfieldNetwork.*LinearLayer"):
        hm.io.save(hm.Trainer(hm.HopfieldNetwork(4)), tmp_path / "x.npz")
    assert not (tmp_path / "x.npz").exists()


# ----------------------------------------------------------------- bad files
@pytest.fixture
def saved(tmp_path):
    model = hm.HopfieldNetwork(24, asyn=True, seed=1)
    hm.Trainer(model, hm.Storkey()).train(random_patterns(3, 24, seed=0))
    path = tmp_path / "good.npz"
    model.save(path)
    return model, path


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fraction=st.floats(0.0, 0.999))
def test_truncated_files_get_a_clear_error(saved, tmp_path, fraction):
    model, path = saved
    data = path.read_bytes()
    bad = tmp_path / "truncated.npz"
    bad.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(hm.ModelFileError, match="Cannot load .* as a hebbmem model"):
        hm.load(bad)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_files_fail_clearly_or_load_unchanged(saved, tmp_path, data):
    model, path = saved
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] ^= data.draw(st.integers(1, 255))
    bad = tmp_path / "corrupted.npz"
    bad.write_bytes(bytes(raw))
    try:
        loaded = hm.load(bad)
    except hm.ModelFileError as err:
        assert "Cannot load" in str(err)
        return
    # Some bytes (timestamps, padding) carry no data: then the model must be exactly the saved one.
    assert repr(loaded) == repr(model)
    assert_array_equal(loaded.W, model.W)
    assert_array_equal(loaded.s, model.s)


def rewrite(path, out, header_edit=None, arrays_edit=None):
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    header = json.loads(arrays["header"].tobytes())
    if header_edit:
        header_edit(header)
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), np.uint8)
    if arrays_edit:
        arrays_edit(arrays)
    with open(out, "wb") as f:
        np.savez(f, **arrays)
    return out


@pytest.mark.parametrize("edit, message", [
    (lambda h: h.update(version=2), r"written by a newer hebbmem.*reads format version 1.*Upgrade"),
    (lambda h: h.update(version=0), "format version must be a positive integer; it holds 0"),
    (lambda h: h.update(version="1"), "format version must be a positive integer; it holds the string '1'"),
    (lambda h: h.update(format="something.else"), "not a hebbmem model file"),
    (lambda h: h["network"].update({"class": "os.system"}), "unknown network class 'os.system'"),
    (lambda h: h["network"]["params"].update(num_neurons=10 ** 12),
     r"declares num_neurons = 1,000,000,000,000 but its state array has shape \(24,\)"),
    (lambda h: h["network"]["params"].update(num_neurons=25), r"num_neurons = 25 but its state array has shape \(24,\)"),
    (lambda h: h["network"]["params"].update(evil="x"), "unexpected network parameters 'evil'"),
    (lambda h: h["network"]["params"].update(asyn="yes"), "'network.params.asyn' must be true or false; it holds the string 'yes'"),
    (lambda h: h["network"]["params"].update(max_iter=0), "'network.params.max_iter' must be an integer from 1 to"),
    (lambda h: h.update(rng={"bit_generator": "Evil"}), "'rng.bit_generator' must be one of 'PCG64'"),
    (lambda h: h["rng"].update(state="x"), "random generator's state is invalid for PCG64"),
    (lambda h: h["weights"].update(kind="sparse"), "'weights.kind' must be one of 'lowrank', 'dense'"),
    (lambda h: h["weights"].update(scale=0), "'weights.scale' must be a number > 0; it holds 0"),
    (lambda h: h["weights"]["rules"].append({"class": "__import__", "params": {}}), "unknown learning rule"),
    (lambda h: h["weights"]["arrays"].append("../../etc"), "list of weight arrays is malformed"),
    (lambda h: h["weights"]["extras"].update(evil=1), "unknown or invalid weight field 'evil'"),
])
def test_hostile_or_inconsistent_headers_are_refused(saved, tmp_path, edit, message):
    _, path = saved
    with pytest.raises(hm.ModelFileError, match=message):
        hm.load(rewrite(path, tmp_path / "bad.npz", header_edit=edit))


def test_arrays_of_the_wrong_shape_dtype_or_values_are_refused(saved, tmp_path):
    _, path = saved
    cases = [
        (lambda a: a.update({"w.U": a["w.U"][:, :5]}), r"'w.U' has shape \(\d+, 5\); expected \(any, 24\)"),
        (lambda a: a.update({"w.V": a["w.V"][:1]}), r"'w.V' has shape"),
        (lambda a: a.update({"w.d": a["w.d"].astype(np.complex128)}), "dtype complex128"),
        (lambda a: a.update({"w.d": np.full_like(a["w.d"], np.nan)}), "NaN or inf"),
        (lambda a: a.pop("state"), "'state' is missing"),
    ]
    for k, (edit, message) in enumerate(cases):
        with pytest.raises(hm.ModelFileError, match=message):
            hm.load(rewrite(path, tmp_path / f"bad{k}.npz", arrays_edit=edit))


class _Trap:
    """Unpickling this object would create a file: loading must never do it."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickled_objects_are_never_unpickled(saved, tmp_path):
    _, path = saved
    marker = tmp_path / "executed"
    trap = np.empty(1, dtype=object)
    trap[0] = _Trap(marker)
    for name in ("w.U", "state", "header"):
        bad = rewrite(path, tmp_path / f"pickle-{name}.npz", arrays_edit=lambda a: a.update({name: trap}))
        with pytest.raises(hm.ModelFileError, match="dtype object"):
            hm.load(bad)
    raw = tmp_path / "raw.pkl"
    raw.write_bytes(pickle.dumps(_Trap(marker)))
    with pytest.raises(hm.ModelFileError, match="not a readable .npz archive"):
        hm.load(raw)
    assert not marker.exists()


def test_other_files_get_a_clear_error(tmp_path):
    np.save(tmp_path / "one.npy", np.zeros(3))
    with pytest.raises(hm.ModelFileError, match="single array"):
        hm.load(tmp_path / "one.npy")
    np.savez(tmp_path / "plain.npz", a=np.zeros(3))
    with pytest.raises(hm.ModelFileError, match="no 'header' entry.*numpy.load"):
        hm.load(tmp_path / "plain.npz")
    (tmp_path / "text.npz").write_text("hello")
    with pytest.raises(hm.ModelFileError, match="not a readable .npz archive"):
        hm.load(tmp_path / "text.npz")
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(hm.ModelFileError):
        hm.load(tmp_path / "empty.npz")
    with pytest.raises(FileNotFoundError, match="model.save"):
        hm.load(tmp_path / "missing.npz")


def test_a_decompression_bomb_is_refused_before_reading(saved, tmp_path):
    _, path = saved
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.zeros((4, 24)))  # a header declaring 4 x 24 ...
    payload = buf.getvalue() + b"\0" * (64 * 2 ** 20)  # ... followed by 64 MiB that compress to nothing
    bad = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in arrays.items():
            if k == "w.U":
                z.writestr("w.U.npy", payload)
            else:
                b = io.BytesIO()
                np.lib.format.write_array(b, v)
                z.writestr(k + ".npy", b.getvalue())
    with pytest.raises(hm.ModelFileError, match="declares"):
        hm.load(bad)


def test_save_never_leaves_a_half_written_file(saved, tmp_path, monkeypatch):
    model, path = saved
    before = path.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", explode)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".hebbmem-")] == []


# ------------------------------------------------- every model class saves and loads (issue 17)
@st.composite
def other_models(draw):
    """One of the other model classes, trained or not, in a used state."""
    kind = draw(st.sampled_from(["stochastic", "continuous", "modern", "dense", "linear", "spiking"]))
    n = draw(st.integers(3, 24))
    seed = draw(st.integers(0, 2 ** 32))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 16)))
    X = np.where(rng.random((int(rng.integers(1, 4)), n)) < 0.5, 1.0, -1.0)
    trained = draw(st.booleans())
    if kind == "stochastic":
        schedule = draw(st.sampled_from([None, [2.0, 1.0, 0.25], [0.5]]))
        model = hm.StochasticHopfieldNetwork(n, temperature=draw(st.sampled_from([0.0, 0.3, 1.5])),
                                             schedule=schedule, max_iter=5, seed=seed)
    elif kind == "continuous":
        model = hm.ContinuousHopfieldNetwork(n, gain=draw(st.sampled_from([1.5, 3.0])), max_iter=50, seed=seed)
    elif kind == "modern":
        model = hm.ModernHopfieldNetwork(n, beta=draw(st.sampled_from([0.1, 2.0])),
                                         dtype=draw(st.sampled_from(["float64", "float32"])),
                                         binary=draw(st.booleans()), seed=seed)
    elif kind == "dense":
        model = hm.DenseAssociativeMemory(n, degree=draw(st.integers(2, 5)), rectified=draw(st.booleans()),
                                          seed=seed)
    elif kind == "linear":
        model = hm.LinearLayer(n, draw(st.integers(1, 4)), use_bcm_threshold=draw(st.booleans()), seed=seed)
    else:
        model = hm.SpikingLayer(n, draw(st.integers(1, 4)), leak=0.8, seed=seed)
    if trained and kind in ("stochastic", "continuous", "modern", "dense"):
        rule = draw(st.sampled_from(["hebbian", "hebbian-centred", "storkey"])) if kind in (
            "stochastic", "continuous") else "hebbian"
        hm.Trainer(model, RULES[rule]()).train(X)
        if draw(st.booleans()) and rule.startswith("hebbian"):
            hm.Trainer(model, RULES[rule]()).train(-X)  # a second call: the couplings record two sizes
    elif trained and kind == "linear":
        data = rng.normal(size=(20, n))
        if model.use_bcm_threshold:
            hm.BCMTrainer(model, learning_rate=0.01).train(data)
        else:
            hm.OjaTrainer(model, learning_rate=0.01).train(data)
        model.forward(data[0])
    elif trained and kind == "spiking":
        hm.STDPTrainer(model).train((rng.random((15, n)) < 0.3).astype(float))
        model.forward((rng.random(n) < 0.5).astype(float))
    return model


def same_behaviour(a, b, rng):
    """Use both models the same way and compare every output bit for bit."""
    n = getattr(a, "num_neurons", None) or a.input_size
    if hasattr(a, "forward"):  # layers
        X = rng.normal(size=(6, n)) if isinstance(a, hm.LinearLayer) else (rng.random((6, n)) < 0.4) * 1.0
        if isinstance(a, hm.LinearLayer):
            assert_array_equal(a.forward(X), b.forward(X))
            trainer = hm.BCMTrainer if a.use_bcm_threshold else hm.OjaTrainer
            trainer(a, learning_rate=0.01).train(X)
            trainer(b, learning_rate=0.01).train(X)
            assert_array_equal(a.W, b.W)
            if a.theta is not None:
                assert_array_equal(a.theta, b.theta)
        else:
            assert_array_equal(a.run(X, reset=False), b.run(X, reset=False))
            for name in ("v", "trace_pre", "trace_post", "spike"):
                assert_array_equal(getattr(a, name), getattr(b, name))
            hm.STDPTrainer(a).train(X)
            hm.STDPTrainer(b).train(X)
            assert_array_equal(a.W, b.W)
        return
    if not a.is_trained:
        return
    probes = np.where(rng.random((3, n)) < 0.5, 1.0, -1.0)
    for compiled in (True, False) if isinstance(a, (hm.StochasticHopfieldNetwork, hm.DenseAssociativeMemory)) else (True,):
        ra = a.recall(probes, compiled=compiled, return_info=True)
        rb = b.recall(probes, compiled=compiled, return_info=True)
        assert_array_equal(ra.states, rb.states)
        assert_array_equal(ra.n_iter, rb.n_iter)
        assert_array_equal(ra.energy, rb.energy)
    assert a.energy == b.energy or (np.isnan(a.energy) and np.isnan(b.energy))
    sizes = getattr(a, "_hebbian", None)
    extra = np.where(rng.random((sizes[0][0] if sizes else 1, n)) < 0.5, 1.0, -1.0)
    hm.Trainer(a).train(extra)   # continues with the recorded rule
    hm.Trainer(b).train(extra)
    assert_array_equal(a.recall(probes), b.recall(probes))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(model=other_models(), use_seed=st.integers(0, 1000))
def test_every_model_class_round_trips_bit_identically(tmp_path, model, use_seed):
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = hm.load(path)
    assert type(loaded) is type(model)
    assert repr(loaded) == repr(model)
    for name in ("s", "W", "memory", "x", "y", "theta", "v", "spike", "trace_pre", "trace_post", "schedule"):
        if name == "W" and not hasattr(model, "forward"):
            continue
        mine = getattr(model, name, None)
        if mine is not None:
            assert_array_equal(getattr(loaded, name), mine)
            assert getattr(loaded, name).dtype == np.asarray(mine).dtype
    if hasattr(model, "_hebbian"):
        assert loaded._hebbian == model._hebbian
    if hasattr(model, "rng") and not hasattr(model, "forward"):
        assert loaded.rng.bit_generator.state == model.rng.bit_generator.state
    same_behaviour(model, loaded, np.random.default_rng(use_seed))


@pytest.mark.parametrize("make", [
    lambda: hm.ModernHopfieldNetwork(20, beta=2.0).store(random_patterns(3, 20, seed=0)),
    lambda: hm.LinearLayer(20, 3, use_bcm_threshold=True, seed=1),
    lambda: hm.SpikingLayer(20, 3, seed=1),
], ids=["modern", "linear", "spiking"])
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_corrupted_files_of_every_kind_fail_clearly_or_load_unchanged(tmp_path, make, data):
    model = make()
    path = tmp_path / "good.npz"
    model.save(path)
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        raw[data.draw(st.integers(0, len(raw) - 1))] ^= data.draw(st.integers(1, 255))
    bad = tmp_path / "corrupted.npz"
    bad.write_bytes(bytes(raw))
    try:
        loaded = hm.load(bad)
    except hm.ModelFileError as err:
        assert "Cannot load" in str(err)
        return
    assert repr(loaded) == repr(model)
    for name in ("memory", "W", "theta", "v"):
        if getattr(model, name, None) is not None and not isinstance(model, hm.ModernHopfieldNetwork) or name == "memory":
            if getattr(model, name, None) is not None:
                assert_array_equal(getattr(loaded, name), getattr(model, name))
