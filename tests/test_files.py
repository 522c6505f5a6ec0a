"""Model files under attack (issue 17, items 1 and 2): save never damages what sits at the path, and every bad file is a ModelFileError.

Each repro of the issue is a test here; tests/test_io.py holds the round
trips and the hypothesis corruption tests.
"""

import copy
import errno
import io
import json
import os
import stat
import tracemalloc
import zipfile

import numpy as np
import pytest
from numpy.testing import assert_array_equal

import hebbmem as hm
from conftest import random_patterns

pytestmark = pytest.mark.filterwarnings("ignore::hebbmem.ConvergenceWarning")
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


@pytest.fixture
def model():
    m = hm.HopfieldNetwork(24, asyn=True, seed=1)
    hm.Trainer(m, hm.Storkey()).train(random_patterns(3, 24, seed=0))
    return m


def loads_as(path, model):
    loaded = hm.load(path)
    assert repr(loaded) == repr(model)
    assert_array_equal(loaded.W, model.W)
    return loaded


# ------------------------------------------------------------- 1. save never damages
@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null here")
def test_save_refuses_dev_null_and_leaves_the_device_alone(model):
    with pytest.raises(FileExistsError, match=r"Cannot save to '/dev/null': it is a character device.*"
                                              r"never replaces folders, devices, pipes or sockets"):
        model.save("/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_save_refuses_a_fifo_without_blocking(model, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FileExistsError, match="it is a FIFO"):
        model.save(fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    with pytest.raises(hm.ModelFileError, match="not a regular file"):
        hm.load(fifo)  # and load does not block on it either


def test_save_refuses_a_folder(model, tmp_path):
    with pytest.raises(IsADirectoryError, match="it is a folder"):
        model.save(tmp_path)
    with pytest.raises(hm.ModelFileError, match="it is a folder"):
        hm.load(tmp_path)


def test_save_writes_through_a_symlink_to_its_target(model, tmp_path):
    target = tmp_path / "real.npz"
    target.write_bytes(b"old contents")
    link = tmp_path / "link.npz"
    link.symlink_to(target)
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    loads_as(target, model)
    loads_as(link, model)


def test_save_through_a_dangling_symlink_creates_its_target(model, tmp_path):
    link = tmp_path / "link.npz"
    link.symlink_to(tmp_path / "new.npz")
    model.save(link)
    assert link.is_symlink()
    loads_as(tmp_path / "new.npz", model)


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null here")
def test_save_refuses_a_symlink_to_a_device(model, tmp_path):
    link = tmp_path / "sneaky.npz"
    link.symlink_to("/dev/null")
    with pytest.raises(FileExistsError, match=r"sneaky.npz': it is a character device \(the link leads to '/dev/null'\)"):
        model.save(link)
    assert link.is_symlink()


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask(model, tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        model.save(tmp_path / "new.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.npz").st_mode) == mode


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o755])
def test_replaced_files_keep_their_mode(model, tmp_path, mode):
    path = tmp_path / "kept.npz"
    path.write_bytes(b"x")
    os.chmod(path, mode)
    model.save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    loads_as(path, model)


def test_a_missing_folder_names_the_users_path_not_a_temporary_file(model, tmp_path):
    path = tmp_path / "no" / "such" / "folder" / "m.npz"
    with pytest.raises(FileNotFoundError) as info:
        model.save(path)
    text = str(info.value)
    assert text.startswith(f"Cannot save to {str(path)!r}: the folder {str(path.parent)!r} does not exist.")
    assert "os.makedirs" in text and ".hebbmem-" not in text and ".tmp" not in text


@pytest.mark.skipif(ROOT, reason="root may write anywhere")
def test_an_unwritable_folder_or_file_is_a_clear_error(model, tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    os.chmod(folder, 0o500)
    try:
        with pytest.raises(PermissionError, match=r"Cannot save to .*locked.*is not writable for you"):
            model.save(folder / "m.npz")
    finally:
        os.chmod(folder, 0o700)
    readonly = tmp_path / "ro.npz"
    readonly.write_bytes(b"mine")
    os.chmod(readonly, 0o444)
    with pytest.raises(PermissionError, match="exists and is read-only for you"):
        model.save(readonly)
    assert readonly.read_bytes() == b"mine"


def test_a_full_disk_leaves_the_old_file_and_no_temporary(model, tmp_path, monkeypatch):
    path = tmp_path / "m.npz"
    model.save(path)
    before = path.read_bytes()

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez", full)
    with pytest.raises(OSError, match=r"Cannot save to .*m.npz': writing failed \(No space left on device\); the "
                                      r"file at that path was not changed. Free some space"):
        model.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_save_leaves_no_temporary_file_and_an_empty_path_is_refused(model, tmp_path):
    model.save(tmp_path / "a.npz")
    model.save(tmp_path / "a.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.npz"]
    with pytest.raises(FileNotFoundError, match="the path is empty"):
        model.save("")


# --------------------------------------------------- 2. every bad file: ModelFileError
def _members(raw):
    """Offsets of every local (PK\\3\\4) and central (PK\\1\\2) header, with the member's name."""
    out = []
    for sig, name_len_at, name_at in ((b"PK\x03\x04", 26, 30), (b"PK\x01\x02", 28, 46)):
        start = 0
        while (k := raw.find(sig, start)) >= 0:
            n = int.from_bytes(raw[k + name_len_at:k + name_len_at + 2], "little")
            out.append((sig, k, bytes(raw[k + name_at:k + name_at + n]).decode("utf-8", "replace")))
            start = k + 4
    return out


def patch_member(path, out, member, local_offset, central_offset, value, nbytes=2):
    """Write ``value`` into a header field of ``member`` in both its local and central headers."""
    raw = bytearray(path.read_bytes())
    for sig, k, name in _members(raw):
        if name == member:
            at = k + (local_offset if sig == b"PK\x03\x04" else central_offset)
            old = int.from_bytes(raw[at:at + nbytes], "little")
            raw[at:at + nbytes] = (value(old) if callable(value) else value).to_bytes(nbytes, "little")
    out.write_bytes(bytes(raw))
    return out


def test_compression_method_99_is_a_model_file_error(model, tmp_path):
    path = tmp_path / "m.npz"
    model.save(path)
    bad = patch_member(path, tmp_path / "aes.npz", "w.U.npy", 8, 10, 99)
    with pytest.raises(hm.ModelFileError, match="member 'w.U.npy' uses compression method 99"):
        hm.load(bad)


def test_the_encryption_flag_is_a_model_file_error(model, tmp_path):
    path = tmp_path / "m.npz"
    model.save(path)
    bad = patch_member(path, tmp_path / "locked.npz", "state.npy", 6, 8, lambda flags: flags | 1)
    with pytest.raises(hm.ModelFileError, match="member 'state.npy' is encrypted"):
        hm.load(bad)


def rewrite_text(path, out, edit, arrays_edit=None):
    """Rewrite the header as text (so that it may hold what json.dumps would not write)."""
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    text = edit(arrays["header"].tobytes().decode())
    arrays["header"] = np.frombuffer(text.encode(), np.uint8)
    if arrays_edit:
        arrays_edit(arrays)
    with open(out, "wb") as f:
        np.savez(f, **arrays)
    return out


def edit_json(edit):
    def text_edit(text):
        header = json.loads(text)
        edit(header)
        return json.dumps(header)
    return text_edit


@pytest.fixture
def hebbian_file(tmp_path):
    m = hm.HopfieldNetwork(24, seed=1)
    hm.Trainer(m, hm.Hebbian(subtract_mean=True)).train(random_patterns(3, 24, seed=0))
    hm.Trainer(m, hm.Hebbian(learning_rate=0.5)).train(random_patterns(2, 24, seed=1))
    m.save(tmp_path / "hebb.npz")
    return m, tmp_path / "hebb.npz"


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace('"version": 1', '"version": 1, "deep": ' + "[" * 100_000 + "]" * 100_000),
     "nested too deeply"),
    (lambda t: t.replace('"version": 1', '"version": 1, "deep": ' + "[" * 40 + "]" * 40), "nests more than 12 levels"),
    (lambda t: t.replace('"kind": "lowrank"', '"kind": "lowrank", "scale": 1' + "0" * 4000, 1),
     "repeats a field name|far too long|must be a number"),
    (lambda t: t.replace('"terms": [', '"terms": [1' + "0" * 4000 + ", ", 1), "far too long|Hebbian term 0"),
    (edit_json(lambda h: h["weights"].update(scale=10 ** 400)), r"'weights.scale' must be a number > 0; it holds "
                                                                  r"an integer of 1,329 bits"),
    (edit_json(lambda h: h["weights"].update(rules=5)), "'weights.rules' must be a list; it holds 5"),
    (edit_json(lambda h: h["weights"].update(terms=5)), "'weights.terms' must be a list or null; it holds 5"),
    (edit_json(lambda h: h["weights"]["rules"].append(7)), "unknown learning rule 7 in weights.rules"),
    (edit_json(lambda h: h["weights"]["rules"][0].update(params={"learning_rate": "x"})), "must be numbers"),
    (edit_json(lambda h: h["weights"]["rules"][0]["params"].update(learning_rate=-1.0)),
     r"parameters of weights.rules\[0\] \(Hebbian\) are invalid: The 'learning_rate' parameter of Hebbian"),
    (lambda t: t.replace('"learning_rate": 0.5', '"learning_rate": NaN'), "it holds NaN"),
    (lambda t: t.replace('"learning_rate": 1.0', '"learning_rate": 1e400'), "learning_rate' must be a number"),
    (edit_json(lambda h: h["weights"]["terms"][1].update(learning_rate=0.25)), "Hebbian terms do not rebuild"),
    (edit_json(lambda h: h["weights"]["terms"][0].update(divisor=10 ** 30)), "divisor' must be an integer from 1"),
    (edit_json(lambda h: h["weights"]["terms"][0].update(sign=0)), "sign' must be one of 1, -1"),
    (edit_json(lambda h: h["weights"]["terms"].pop()), "Hebbian terms do not rebuild"),
    (edit_json(lambda h: h["weights"].update(scale=0.75)), "Hebbian terms do not rebuild"),
    (edit_json(lambda h: h["weights"].update(scale=1e299)), "exceed 1e\\+300"),
    (edit_json(lambda h: h["weights"].update(scale=-1.0)), "'weights.scale' must be a number > 0"),
    (lambda t: t.replace('"field_quantum": ', '"field_quantum": Infinity, "x": '), "it holds Infinity"),
    (edit_json(lambda h: h["weights"]["extras"].update(field_quantum=2.0 ** 40)),
     "every field is a multiple of 1099511627776.0 \\(field_quantum\\), which the stored weights contradict"),
    (edit_json(lambda h: h["weights"]["extras"].update(field_quantum=0.3)), "field_quantum"),
    (edit_json(lambda h: h["weights"]["rules"][1]["params"].update(learning_rate=0.75)),
     "recorded rules do not match its Hebbian terms"),
    (edit_json(lambda h: h["weights"]["rules"][0].update({"class": "AntiHebbian"})),
     "recorded rules do not match its Hebbian terms"),
    (edit_json(lambda h: h["weights"].update(rules=[])), "recorded rules do not match its Hebbian terms"),
    (edit_json(lambda h: h.update(hebbmem_version=1.5)), "'hebbmem_version' must be a string"),
    (edit_json(lambda h: h["rng"].update(has_uint32=2)), "has_uint32: 0 or 1"),
    (edit_json(lambda h: h["rng"]["state"].update(state=1.5)), "must be an integer >= 0"),
    (edit_json(lambda h: h.update(rng={"bit_generator": "MT19937", "state": {"key": [1, 2, 3], "pos": 0}})),
     "random generator's state is invalid for MT19937"),
    (edit_json(lambda h: h["rng"]["state"].update(state=-5)), "random generator's state is invalid for PCG64"),
    (edit_json(lambda h: h["rng"]["state"].update(inc=2 ** 200)), "random generator's state is invalid for PCG64"),
    (edit_json(lambda h: h["network"].update(params=[])), "'network.params' must be an object"),
    (edit_json(lambda h: h["network"]["params"].update(bias=[1])), "network parameters are malformed"),
    (edit_json(lambda h: h.update(weights=None)), "says the network has no weights, but it holds weight arrays"),
    (edit_json(lambda h: h.update(network="HopfieldNetwork")), "'network' must be an object"),
    (lambda t: t.replace("{", '{"format": "x", ', 1), "repeats a field name"),
    (lambda t: "[1, 2]", "not a hebbmem model file \\(its header is a list of 2 items"),
    (lambda t: t[:-5], "not valid JSON"),
])
def test_malformed_headers_are_model_file_errors(hebbian_file, tmp_path, edit, message):
    _, path = hebbian_file
    bad = rewrite_text(path, tmp_path / "bad.npz", edit)
    with pytest.raises(hm.ModelFileError, match=message):
        hm.load(bad)


def test_a_saved_mt19937_generator_round_trips(tmp_path):
    m = hm.HopfieldNetwork(16, asyn=True, seed=np.random.Generator(np.random.MT19937(3)))
    hm.Trainer(m, hm.Hebbian()).train(random_patterns(2, 16, seed=0))
    m.save(tmp_path / "mt.npz")
    loaded = hm.load(tmp_path / "mt.npz")
    assert type(loaded.rng.bit_generator).__name__ == "MT19937"
    probes = random_patterns(4, 16, seed=1)
    assert_array_equal(loaded.recall(probes), m.recall(probes))


def test_symmetric_true_over_an_asymmetric_w_is_refused(tmp_path):
    m = hm.HopfieldNetwork(6, seed=0)
    W = np.arange(36.0).reshape(6, 6)  # asymmetric: recall must use W, not W.T
    m.W = W
    m.save(tmp_path / "asym.npz")
    loaded = hm.load(tmp_path / "asym.npz")
    probe = np.array([1, -1, 1, 1, -1, -1.0])
    assert_array_equal(loaded.recall(probe), m.recall(probe))
    bad = rewrite_text(tmp_path / "asym.npz", tmp_path / "bad.npz",
                       edit_json(lambda h: h["weights"].update(symmetric=True)))
    with pytest.raises(hm.ModelFileError, match="header says the weights are symmetric, but the stored weights are not"):
        hm.load(bad)


def test_a_small_file_declaring_a_huge_network_allocates_nothing_large(tmp_path):
    hm.HopfieldNetwork(4, seed=0).save(tmp_path / "tiny.npz")
    bad = rewrite_text(tmp_path / "tiny.npz", tmp_path / "huge.npz",
                       edit_json(lambda h: h["network"]["params"].update(num_neurons=10 ** 8)))
    assert bad.stat().st_size < 2000
    tracemalloc.start()
    try:
        with pytest.raises(hm.ModelFileError, match=r"declares num_neurons = 100,000,000 but its state array "
                                                    r"has shape \(4,\)"):
            hm.load(bad)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * 2 ** 20, peak


def test_an_array_declaring_more_than_its_member_holds_is_refused_before_reading(hebbian_file, tmp_path):
    _, path = hebbian_file
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.zeros((2, 24)))
    lying = buf.getvalue().replace(b"(2, 24)", b"(9999999, 24)")  # the header claims 1.8 GB
    with zipfile.ZipFile(tmp_path / "liar.npz", "w") as z:
        for k, v in arrays.items():
            b = io.BytesIO()
            np.lib.format.write_array(b, v)
            z.writestr(k + ".npy", lying if k == "w.U" else b.getvalue())
    tracemalloc.start()
    try:
        with pytest.raises(hm.ModelFileError, match=r"'w.U' declares shape \(9999999, 24\)"):
            hm.load(tmp_path / "liar.npz")
        assert tracemalloc.get_traced_memory()[1] < 4 * 2 ** 20
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("content", [
    b"\x80\x04\x95garbage that starts like a pickle",
    b"hello, world",
    b"PK\x03\x04" + b"\0" * 60,
    bytes(range(256)) * 8,
])
def test_garbage_never_repeats_numpys_allow_pickle_advice(tmp_path, content):
    path = tmp_path / "garbage.npz"
    path.write_bytes(content)
    with pytest.raises(hm.ModelFileError) as info:
        hm.load(path)
    assert "allow_pickle" not in str(info.value) and "pickle" not in str(info.value).lower()
    assert str(info.value).startswith(f"Cannot load {str(path)!r} as a hebbmem model: ")


# -------------------------------------------------- Trainer(load(path)) uses the recorded rule
def test_trainer_of_a_loaded_model_continues_with_the_recorded_rule(tmp_path):
    X = random_patterns(6, 40, seed=0)
    m = hm.HopfieldNetwork(40, seed=2)
    hm.Trainer(m, hm.Hebbian(learning_rate=0.5, subtract_mean=True)).train(X[:2])
    m.save(tmp_path / "h.npz")
    trainer = hm.Trainer(hm.load(tmp_path / "h.npz"))
    assert trainer.rule == hm.Hebbian(learning_rate=0.5, subtract_mean=True)
    trainer.train(X[2:4])
    hm.Trainer(m, hm.Hebbian(learning_rate=0.5, subtract_mean=True)).train(X[2:4])
    assert_array_equal(trainer.model.W, m.W)
    # Several rules: the last one continues (here PseudoInverse after a reset is the only one; Storkey after Hebbian).
    hm.Trainer(m, hm.Storkey()).train(X[4:])
    m.save(tmp_path / "hs.npz")
    assert hm.Trainer(hm.load(tmp_path / "hs.npz")).rule == hm.Storkey()


def test_trainer_of_an_untrained_model_still_asks_for_a_rule(tmp_path):
    hm.HopfieldNetwork(8).save(tmp_path / "u.npz")
    trainer = hm.Trainer(hm.load(tmp_path / "u.npz"))
    with pytest.raises(TypeError, match="needs a model and a rule.*continues with the rule that trained the model last"):
        trainer.train(random_patterns(2, 8, seed=0))


def test_a_rule_of_ones_own_is_recorded_as_unknown(tmp_path):
    class Doubled(hm.Hebbian):
        pass

    m = hm.HopfieldNetwork(12, seed=0)
    hm.Trainer(m, Doubled()).train(random_patterns(2, 12, seed=0))
    m.save(tmp_path / "c.npz")
    loaded = hm.load(tmp_path / "c.npz")
    assert_array_equal(loaded.W, m.W)
    assert hm.Trainer(loaded).rule is None  # its code is not in the file: Trainer(model) asks for a rule


# ------------------------------------------------------------------ header fuzz
VALUES = [None, True, "x", -1, 0, 2, 10 ** 30, 1.5, 1e300, [], {}, [1, 2, 3], {"a": 1}]


def _leaves(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _leaves(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:2]):
            yield from _leaves(v, prefix + (i,))


def _fuzz_models():
    X = random_patterns(3, 12, seed=0)
    hebb = hm.StochasticHopfieldNetwork(12, seed=1, schedule=[1.0, 0.5])
    hm.Trainer(hebb, hm.Hebbian(subtract_mean=True)).train(X)
    pinv = hm.HopfieldNetwork(12, seed=1)
    hm.Trainer(pinv, hm.PseudoInverse()).train(X)
    modern = hm.ModernHopfieldNetwork(12)
    modern.store(X)
    return {"stochastic-hebbian": hebb, "pseudoinverse": pinv, "modern": modern,
            "linear": hm.LinearLayer(12, 3, use_bcm_threshold=True, seed=2), "spiking": hm.SpikingLayer(12, 3, seed=2)}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_fuzz_models()))
def test_every_header_field_of_the_wrong_type_or_range_is_a_model_file_error(tmp_path, name):
    model = _fuzz_models()[name]
    path = tmp_path / "m.npz"
    model.save(path)
    with np.load(path) as f:
        header = json.loads(f["header"].tobytes())
    loaded_ok = 0
    for where in list(_leaves(header))[1:]:
        for value in VALUES:
            edited = copy.deepcopy(header)
            obj = edited
            for k in where[:-1]:
                obj = obj[k]
            obj[where[-1]] = value
            bad = rewrite_text(path, tmp_path / "bad.npz", lambda t: json.dumps(edited))
            try:
                loaded = hm.load(bad)
            except hm.ModelFileError:
                continue
            loaded_ok += 1  # a valid value for that field (another seed, name, ...): it must work
            if hasattr(loaded, "forward"):
                loaded.forward(np.ones(12))
            else:
                loaded.recall(np.ones(12))
                loaded.energy
            loaded.save(tmp_path / "again.npz")
    assert loaded_ok < len(VALUES) * len(list(_leaves(header))) / 4  # most edits are refused
