"""canns side of the rule-family parity check: run ONE canns program in canns' virtualenv.

Started by run_canns_rules.py, once per program and repetition, in a fresh process::

    /work/canns-venv/bin/python benchmarks/parity/_canns_rules_programs.py --program NAME \
        --canns-src TREE --next-src TREE --docs-src TREE --out-json OUT.json --out-npz OUT.npz \
        [--init-state-noop]

This file never imports hebbmem and holds no canns code. It executes canns' own program
file from the given source tree (see port_and_run.py for where each one lives), exactly
as canns ships it, with harness edits only:

* figures: Matplotlib's Agg backend, ``plt.show`` does nothing, and the example-output
  folder (``CANNS_EXAMPLES_OUTPUT_DIR``) and the working directory are scratch folders;
* observation, never intervention: canns' layer constructors (and ``init_state`` of the
  RBM / Helmholtz machine) are wrapped to copy the initial weights they drew; the
  unit tests run under a profiler hook that copies each test function's local variables
  when it returns (the values behind its asserts);
* ``--init-state-noop``: a ``model.init_state()`` call on a canns 1.5.0 layer that has no
  such method does nothing instead of raising (the tutorial pages call it; canns 1.5.0's
  ``LinearLayer`` and ``SpikingLayer`` have none). Without the flag the program runs as
  written and its failure is recorded.

After the program ends, values it computed are read from its global namespace (the
numbers it printed are also kept verbatim, line by line) and the inputs it built are
saved to ``--out-npz`` (0/1 arrays as int8).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import platform
import resource
import sys
import tempfile
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from port_and_run import UNIT_TESTS, printed_numbers, program_source  # noqa: E402

# ----------------------------------------------------------------------------- helpers


class _Tee(io.TextIOBase):
    def __init__(self, *streams):
        self.streams = streams

    def write(self, s):
        for st in self.streams:
            st.write(s)
        return len(s)

    def flush(self):
        for st in self.streams:
            st.flush()


def _np(x):
    return np.array(x)


def _small(a):
    """An array as int8 when it holds only -1/0/1, else float32/float64 unchanged."""
    a = np.asarray(a)
    if a.dtype.kind in "fiub" and a.size and np.isin(a, (-1, 0, 1)).all():
        return a.astype(np.int8)
    return a


def _jsonable(x):
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if hasattr(x, "__array__") and not isinstance(x, (str, bytes)):
        a = np.asarray(x)
        if a.dtype.kind == "b":
            return a.tolist()
        if a.dtype.kind in "iu":
            return a.tolist()
        if a.dtype.kind == "f":
            return a.astype(np.float64).tolist()
        return str(a)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, float | int | str | bool) or x is None:
        return x
    return repr(x)[:200]


class _Recorder:
    """Copies the initial weights each canns layer draws, in creation order."""

    def __init__(self):
        self.layers = []

    def wrap(self, cls, method, attrs):
        orig = getattr(cls, method)
        rec = self

        def wrapped(self, *a, **k):
            out = orig(self, *a, **k)
            entry = {"class": cls.__name__, "method": method, "args": _jsonable(list(a)),
                     "kwargs": _jsonable(k)}
            for name in attrs:
                if hasattr(self, name):
                    entry[name] = _np(getattr(self, name).value)
            rec.layers.append(entry)
            return out

        setattr(cls, method, wrapped)


def _install_hooks(rec, init_state_noop):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.show = lambda *a, **k: None
    import canns.models.brain_inspired as bi

    if hasattr(bi, "LinearLayer"):
        rec.wrap(bi.LinearLayer, "__init__", ["W", "theta"])
    if hasattr(bi, "SpikingLayer"):
        rec.wrap(bi.SpikingLayer, "__init__", ["W"])
    if hasattr(bi, "RestrictedBoltzmannModel"):
        rec.wrap(bi.RestrictedBoltzmannModel, "init_state", ["W", "b", "c"])
    if hasattr(bi, "HelmholtzMachine"):
        rec.wrap(bi.HelmholtzMachine, "init_state", ["W_rec", "b_rec", "W_gen", "b_gen"])
    if init_state_noop:
        for name in ("LinearLayer", "SpikingLayer"):
            cls = getattr(bi, name, None)
            if cls is not None and not hasattr(cls, "init_state"):
                cls.init_state = lambda self: None


def _key_data():
    try:
        import brainstate

        return np.asarray(brainstate.random.get_key_data() if hasattr(brainstate.random, "get_key_data")
                          else brainstate.random.get_key()).tolist()
    except Exception as exc:  # pragma: no cover - informative only
        return repr(exc)


# ----------------------------------------------------------------------------- extraction
def _cos(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(abs(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def _extract(name, g, rec, npz):
    """Values the program computed (read from its globals) and the inputs it built."""
    out = {}
    layers = rec.layers
    for i, L in enumerate(layers):
        for k in ("W", "theta", "b", "c", "W_rec", "b_rec", "W_gen", "b_gen"):
            if k in L:
                npz[f"{name}/initial_{k}_{i}"] = L[k]
    out["layers_created"] = [{k: v for k, v in L.items() if not isinstance(v, np.ndarray)}
                             | {"shapes": {k: list(v.shape) for k, v in L.items() if isinstance(v, np.ndarray)}}
                             for L in layers]
    if name in ("oja_pca_extraction", "oja_vs_sanger_comparison", "oja_pca_tutorial"):
        data = np.asarray(g["data"])
        if name == "oja_pca_extraction":  # the other two build the same array (same sha256)
            npz[f"{name}/data"] = data
        out["data_sha256"] = hashlib.sha256(np.ascontiguousarray(data, np.float64).tobytes()).hexdigest()
        out["pca_explained_variance_ratio"] = g["true_pca"].explained_variance_ratio_
        out["pca_components"] = g["true_pca"].components_
    if name in ("oja_pca_extraction", "oja_pca_tutorial"):
        W = _np(g["model"].W.value)
        out["final_W"] = W
        out["weight_norms_history"] = g["weight_norms_history"]
        out["variance_explained"] = g["variance_explained"]
        out["cosine_with_pca"] = [_cos(W[i], g["true_pca"].components_[i]) for i in range(W.shape[0])]
        if "similarities" in g:
            out["similarities_as_program_computed"] = [float(s) for s in g["similarities"]]
    if name == "oja_vs_sanger_comparison":
        out["oja_final_W"] = _np(g["model_oja"].W.value)
        out["sanger_final_W"] = _np(g["model_sanger"].W.value)
        for k in ("oja_alignment", "sanger_alignment", "oja_ortho", "sanger_ortho"):
            out[k] = [float(v) for v in g[k]]
    if name == "bcm_receptive_fields":
        stim = np.stack(g["train_data"])
        angles = np.asarray(g["orientations"])
        # the stimuli are eight distinct bars: store which one each sample is
        uniq = np.stack([g["create_oriented_bar"](a, g["size"]) for a in angles])
        idx = np.array([int(np.argmin(np.abs(uniq - s).sum(1))) for s in stim])
        assert np.array_equal(uniq[idx], stim)
        npz[f"{name}/orientation_index"] = idx.astype(np.int8)
        npz[f"{name}/orientation_stimuli"] = uniq
        npz[f"{name}/test_stimuli"] = np.stack(g["test_stimuli"])
        out["orientations"] = angles
        out["threshold_history"] = g["threshold_history"]
        out["weight_history_norms"] = [np.linalg.norm(w, axis=1) for w in g["weight_history"]]
        out["final_W"] = _np(g["model"].W.value)
        out["final_theta"] = _np(g["model"].theta.value)
        out["firing_rates"] = g["firing_rates"]
        out["preferred_angle_deg"] = [float(np.degrees(g["stimulus_angles"][np.argmax(g["firing_rates"][:, i])]))
                                      for i in range(g["n_neurons"])]
        out["distinct_preferred_orientations"] = len(set(out["preferred_angle_deg"]))
    if name == "stdp_temporal_learning":
        npz[f"{name}/spike_patterns"] = np.asarray(g["spike_patterns"]).astype(np.int8)
        out["spike_counts_history"] = [float(v) for v in g["spike_counts_history"]]
        out["initial_W"] = _np(g["initial_weights"])
        out["final_W"] = _np(g["final_weights"])
        wc = np.asarray(g["weight_change"])
        out["weight_change_by_group"] = {grp: wc[:, sl].mean(axis=1) for grp, sl in
                                         (("early", slice(0, 5)), ("middle", slice(5, 10)),
                                          ("late", slice(10, 15)), ("noise", slice(15, 20)))}
        out["test_input_spikes"] = float(np.sum(g["input_spikes"]))
        out["test_output_spikes"] = float(np.sum(g["output_spikes"]))
        out["weight_history"] = g["weight_history"]
    if name == "stdp_spike_timing_tutorial":
        npz[f"{name}/temporal_patterns"] = np.asarray(g["temporal_patterns"]).astype(np.int8)
        out["W_init"] = _np(g["W_init"])
        out["W_final"] = _np(g["W_final"])
        wc = np.asarray(g["weight_change"])
        out["weight_change_early_0_4"] = float(wc[0, 0:4].mean())
        out["weight_change_late_10_14"] = float(wc[0, 10:14].mean())
        out["weight_change_other"] = float(wc[0, 14:].mean())
    if name == "rbm_mnist_features":
        npz[f"{name}/X"] = np.asarray(g["X"]).astype(np.int8)
        npz[f"{name}/y"] = np.asarray(g["y"]).astype(np.int8)
        W = _np(g["model"].W.value)
        out["reconstruction_errors"] = [float(v) for v in g["reconstruction_errors"]]
        out["final_W"] = W
        out["final_b"] = _np(g["model"].b.value)
        out["final_c"] = _np(g["model"].c.value)
        out["distinct_rows_of_W"] = len(np.unique(np.round(W, 6), axis=0))
        out["mean_activations"] = g["mean_activations"]
        out["most_active"] = g["most_active"]
        out["least_active"] = g["least_active"]
    if name == "wake_sleep_generative":
        npz[f"{name}/train_data"] = np.asarray(g["train_data"]).astype(np.int8)
        out["wake_errors_history"] = [float(v) for v in g["wake_errors_history"]]
        out["sleep_errors_history"] = [float(v) for v in g["sleep_errors_history"]]
        m = g["model"]
        for k in ("W_rec", "b_rec", "W_gen", "b_gen"):
            out[f"final_{k}"] = _np(getattr(m, k).value)
        out["distinct_rows_of_W_rec"] = len(np.unique(np.round(_np(m.W_rec.value), 6), axis=0))
        out["encoded_mean"] = float(np.mean(g["encoded_array"]))
        out["distinct_encoded_codes"] = len(np.unique(np.round(np.asarray(g["encoded_array"]), 3), axis=0))
        out["generated_mean"] = float(np.mean(g["generated_array"]))
        out["generated_std"] = float(np.std(g["generated_array"]))
        out["distinct_generated_samples"] = len(np.unique(np.asarray(g["generated_array"]), axis=0))
    return out


# ----------------------------------------------------------------------------- unit tests
class _LocalsPlugin:
    """pytest plugin: keep each test function's locals at return, and its outcome."""

    def __init__(self):
        self.results = {}

    def _snap(self, frame):
        snap = {}
        for k, v in frame.f_locals.items():
            if k.startswith("@"):
                continue
            if hasattr(v, "shape") and hasattr(v, "dtype"):
                a = np.asarray(v)
                snap[k] = a.tolist() if a.size <= 400 else {"shape": list(a.shape), "sum": float(a.sum())}
            elif isinstance(v, (int, float, bool, str)) or v is None:
                snap[k] = v
            elif isinstance(v, (list, tuple)) and len(v) <= 50 and all(
                    hasattr(e, "shape") or isinstance(e, (int, float)) for e in v):
                snap[k] = [np.asarray(e).tolist() for e in v]
            elif hasattr(v, "W") and hasattr(v.W, "value"):  # a canns layer: its state
                snap[k] = {a: np.asarray(getattr(v, a).value).tolist()
                           for a in ("W", "theta", "x", "y", "v", "spike", "trace_pre", "trace_post")
                           if hasattr(v, a) and hasattr(getattr(v, a), "value")}
            else:
                snap[k] = f"<{type(v).__name__}>"
        return snap

    def pytest_runtest_call(self, item):
        code = getattr(getattr(item, "obj", None), "__code__", None)
        store = self.results.setdefault(item.nodeid, {})

        def prof(frame, event, arg):
            if event == "return" and frame.f_code is code:
                store["locals"] = self._snap(frame)

        sys.setprofile(prof)

    def pytest_runtest_teardown(self, item):
        sys.setprofile(None)

    def pytest_runtest_logreport(self, report):
        if report.when == "call" or report.outcome != "passed":
            r = self.results.setdefault(report.nodeid, {})
            r["outcome"] = report.outcome
            if report.outcome != "passed":
                r["message"] = str(report.longrepr)[-1500:]


def _run_unit_tests(trees, tmp):
    import shutil

    import pytest

    folder = Path(tmp) / "tests_unit_trainer"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "pytest.ini").write_text("[pytest]\naddopts = --assert=plain -ra\n")
    files = sorted((Path(trees["src"]) / UNIT_TESTS).glob("test_*.py"))
    for f in files:
        shutil.copy(f, folder / f.name)
    plugin = _LocalsPlugin()
    code = pytest.main(["-q", "-p", "no:cacheprovider", "--rootdir", str(folder), str(folder)],
                       plugins=[plugin])
    passed = sum(1 for r in plugin.results.values() if r.get("outcome") == "passed")
    return {"files": [f.name for f in files],
            "sha256": {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files},
            "pytest_exit_code": int(code), "passed": passed, "total": len(plugin.results),
            "tests": plugin.results}


# ----------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--program", required=True, help="a name of port_and_run.PROGRAMS, or unit_tests")
    ap.add_argument("--canns-src", required=True)
    ap.add_argument("--next-src", required=True)
    ap.add_argument("--docs-src", required=True)
    ap.add_argument("--out-json", required=True)
    ap.add_argument("--out-npz", required=True)
    ap.add_argument("--init-state-noop", action="store_true")
    args = ap.parse_args(argv)
    trees = {"src": args.canns_src, "next": args.next_src, "docs": args.docs_src}
    tmp = tempfile.mkdtemp(prefix=f"canns_rules_{args.program}_")
    os.environ["CANNS_EXAMPLES_OUTPUT_DIR"] = str(Path(tmp) / "outputs")
    os.environ.setdefault("MPLBACKEND", "Agg")
    import canns
    import jax

    report = {"program": args.program, "canns_version": canns.__version__,
              "canns_file": canns.__file__, "jax_version": jax.__version__,
              "numpy_version": np.__version__, "python": platform.python_version()}
    for mod in ("brainpy", "brainstate", "sklearn", "matplotlib"):
        try:
            report[f"{mod}_version"] = __import__(mod).__version__
        except Exception:
            pass
    npz = {}
    t0 = time.perf_counter()
    if args.program == "unit_tests":
        report["unit_tests"] = _run_unit_tests(trees, tmp)
    else:
        source, path = program_source(args.program, trees)
        report["source"] = str(path)
        report["source_sha256"] = hashlib.sha256(source.encode()).hexdigest()
        report["harness_edits"] = ["figures off (Agg, plt.show no-op, outputs to scratch)"] + (
            ["model.init_state() is a no-op on canns 1.5.0 layers that lack it"] if args.init_state_noop else [])
        rec = _Recorder()
        _install_hooks(rec, args.init_state_noop)
        report["brainstate_key_at_start"] = _key_data()
        g = {"__name__": "__main__", "__file__": str(path)}
        buf = io.StringIO()
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            with contextlib.redirect_stdout(_Tee(sys.stdout, buf)):
                exec(compile(source, str(path), "exec"), g)
            report["finished"] = True
        except BaseException as exc:
            report["finished"] = False
            report["error"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            report["traceback"] = traceback.format_exc()[-3000:]
        finally:
            os.chdir(cwd)
        report["brainstate_key_at_end"] = _key_data()
        stdout = buf.getvalue().replace(tmp, "<scratch>")  # printed output paths name the scratch folder
        report["stdout"] = stdout
        report["stdout_numbers"] = printed_numbers(stdout)
        try:
            report["values"] = _jsonable(_extract(args.program, g, rec, npz))
        except Exception as exc:
            report["extract_error"] = "".join(traceback.format_exception(exc))[-2000:]
            report["values"] = {}
    report["seconds"] = round(time.perf_counter() - t0, 2)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    report["peak_rss_mb"] = round(ru.ru_maxrss / 1024, 1)
    report["cpu_seconds"] = round(ru.ru_utime + ru.ru_stime, 1)  # robust to other load on the machine
    np.savez_compressed(args.out_npz, **{k.replace("/", "__"): _small(v) for k, v in npz.items()})
    Path(args.out_json).write_text(json.dumps(_jsonable(report), indent=1))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    sys.exit(main())
