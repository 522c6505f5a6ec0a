"""The recall explorer: the RecallSession logic, the widget driven from code, a real kernel.

* ``RecallSession`` is checked against the library itself: its steps are
  ``model.recall(state, max_iter=1)``, its energies the textbook formula on
  ``model.W``, its overlaps ``states @ patterns.T / N``; switching the rule
  gives the weights a fresh ``Trainer(network, rule)`` gives.
* ``RecallExplorer`` is driven headless by setting its widget values and
  clicking its buttons, then its session and its figure are compared.
* Without ipywidgets, the error names the extra.
* A small notebook builds the widget in a real Jupyter kernel (nbclient).
"""

import json
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

import hebbmem as hm
from hebbmem.analysis import trajectory
from hebbmem.widgets import RecallExplorer, RecallSession

ROOT = Path(__file__).resolve().parents[1]
N = 256  # a 16 x 16 image


def random_patterns(p, n, seed):
    rng = np.random.default_rng(seed)
    return np.where(rng.random((p, n)) < 0.5, 1.0, -1.0)


def correlated_patterns(seed=0):
    """Three patterns at 15 % from a common base: pairwise overlaps about 0.55 (measured 0.55-0.58)."""
    rng = np.random.default_rng(seed)
    base = np.where(rng.random(N) < 0.5, 1.0, -1.0)
    return np.array([np.where(rng.random(N) < 0.15, -base, base) for _ in range(3)])


def energy_by_hand(W, s, bias):
    s = np.asarray(s, dtype=float)
    return -0.5 * s @ W @ s + bias * s.sum()


@pytest.fixture
def X():
    return random_patterns(4, N, seed=1)


@pytest.fixture
def session(X):
    return RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X, noise=0.3, seed=0)


# ------------------------------------------------------------------ session


def test_corrupt_select_and_toggle(session, X):
    assert session.index == 0 and session.shape == (16, 16)
    assert np.sum(session.probe != X[0]) == int(N * 0.3)  # exactly int(N * noise) flips
    session.select(2)
    assert session.index == 2 and np.sum(session.probe != X[2]) == int(N * 0.3)
    session.corrupt(0.1)
    assert session.noise == 0.1 and np.sum(session.probe != X[2]) == int(N * 0.1)
    before = session.state.copy()
    session.toggle_pixel(5)
    session.toggle_pixel((3, 4))  # row 3, column 4 of the 16 x 16 image = flat 52
    changed = np.flatnonzero(session.state != before)
    assert changed.tolist() == [5, 52]
    np.testing.assert_array_equal(session.probe, session.state)  # edits start a new recall
    assert session.n_steps == 0 and session.status == "ready"


def test_noise_zero_is_the_stored_pattern(X):
    s = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X, noise=0.0)
    np.testing.assert_array_equal(s.probe, X[0])
    assert s.step() is False and s.status == "converged" and s.accuracy == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sync_steps_are_the_library_trajectory(X, seed):
    s = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X, noise=0.4, seed=seed)
    probe = s.probe.copy()
    assert s.run() == "converged"
    model = hm.HopfieldNetwork(N)
    hm.HebbianTrainer(model).train(X)
    np.testing.assert_array_equal(s.states, trajectory(model, probe))
    np.testing.assert_array_equal(s.state, model.recall(probe))


@pytest.mark.parametrize("rule", ["Hebbian", "Storkey", "PseudoInverse"])
def test_async_energy_never_rises_and_traces_match_the_formulas(X, rule):
    s = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N, bias=0.25)), X, noise=0.35, seed=3)
    s.asyn = True
    s.set_rule(rule)
    assert s.run() == "converged" and s.n_steps >= 1
    W = np.asarray(s.model.W, dtype=float)
    expected = [energy_by_hand(W, st, 0.25) for st in s.states]
    np.testing.assert_allclose(s.energies, expected, rtol=1e-9, atol=1e-6)
    assert np.all(np.diff(s.energies) <= 1e-9)  # async updates never raise the energy
    np.testing.assert_allclose(s.overlaps, s.states @ X.T / N, atol=1e-12)
    # the last state is a fixed point of the session's network (recall does not even warn)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(s.model.recall(s.state, max_iter=1), s.state)


def test_rule_switch_retrains_and_restarts_from_the_probe():
    X = correlated_patterns()
    user_model = hm.HopfieldNetwork(N)
    trainer = hm.HebbianTrainer(user_model)
    s = RecallSession(trainer, X, noise=0.1, seed=0)
    assert not user_model.is_trained  # the session trains its own network
    probe = s.probe.copy()
    # Correlated patterns: Hebb's rule merges them into a mixture state ...
    s.run()
    assert s.status == "converged" and s.accuracy < 0.95
    # ... the projection rule and Storkey's store them exactly.
    for rule in ("PseudoInverse", "Storkey"):
        s.set_rule(rule)
        assert s.rule == rule and s.n_steps == 0
        np.testing.assert_array_equal(s.state, probe)
        ref = hm.HopfieldNetwork(N)
        hm.Trainer(ref, s.rules[rule]).train(X)
        np.testing.assert_allclose(s.model.W, ref.W, rtol=0, atol=1e-6)
        assert s.run() == "converged" and s.accuracy == 1.0
    assert not user_model.is_trained and trainer.rule.__class__ is hm.Hebbian


def test_the_trainers_rule_and_settings_are_used(X):
    model = hm.HopfieldNetwork(N, asyn=True, max_iter=7, bias=0.5)
    s = RecallSession(hm.Trainer(model, hm.Hebbian(subtract_mean=True)), X)
    assert s.rule == "Hebbian" and s.rules["Hebbian"].subtract_mean
    assert s.asyn and s.model.max_iter == 7 and s.model.bias == 0.5
    s.rules["AntiHebbian"] = hm.AntiHebbian()
    s.set_rule("AntiHebbian")
    ref = hm.HopfieldNetwork(N)
    hm.Trainer(ref, hm.AntiHebbian()).train(X)
    np.testing.assert_allclose(s.model.W, ref.W, atol=1e-6)


@pytest.mark.parametrize("k", [1, 16])
def test_async_steps_of_k_flips(X, k):
    s = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N, asyn=True)), X, noise=0.3, seed=2,
                      flips_per_step=k)
    assert s.run() == "converged" and s.accuracy == 1.0
    flipped = np.sum(np.diff(s.states, axis=0) != 0, axis=1)
    assert np.all(flipped[:-1] == k) and 1 <= flipped[-1] <= k  # k flips a step; the last may have fewer
    assert np.all(np.diff(s.energies) < 0)  # every flip lowers the energy (ties keep their state)
    assert s.steps_text(s.n_steps) == f"{s.n_steps} steps (async, {k} flip{'s' if k > 1 else ''})"
    with warnings.catch_warnings():  # the end is a fixed point of the library's own recall
        warnings.simplefilter("error")
        np.testing.assert_array_equal(s.model.recall(s.state, max_iter=1), s.state)
    assert s.step() is False and s.settled


def test_flips_per_step_only_in_async_mode_and_validated(X, monkeypatch):
    s = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X, noise=0.3, flips_per_step=1)
    s.step()  # sync: a whole update, whatever flips_per_step says
    assert np.sum(s.states[1] != s.states[0]) > 1 and s.steps_text(1) == "1 sync update"
    with pytest.raises(ValueError, match=r"'flips_per_step' parameter of RecallSession must be an int from 1 to "):
        s.flips_per_step = 0
    monkeypatch.setattr("hebbmem.widgets._session._MAX_NEURONS_FLIPS", 100)
    with pytest.raises(ValueError, match=r"dense \(256, 256\) weights"):
        s.flips_per_step = 1
    s.flips_per_step = None


def test_sync_two_cycle_is_detected(X):
    # Anti-Hebbian weights send a stored pattern to its negation and back.
    s = RecallSession(hm.Trainer(hm.HopfieldNetwork(N), hm.AntiHebbian()), X, noise=0.0)
    assert s.run() == "2-cycle" and s.n_steps == 2 and s.settled
    np.testing.assert_array_equal(s.states[2], s.states[0])
    np.testing.assert_array_equal(s.states[1], -s.states[0])


def test_reset_and_repr(session):
    probe = session.probe.copy()
    session.run()
    assert session.n_steps >= 1
    session.reset()
    np.testing.assert_array_equal(session.state, probe)
    assert session.n_steps == 0 and session.energies.shape == (1,)
    assert repr(session) == "RecallSession(4 patterns of N=256, rule=Hebbian, sync, pattern 0, 0 steps, ready)"


def test_same_seed_same_session(X):
    runs = []
    for _ in range(2):
        s = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X, noise=0.3, seed=5)
        s.asyn = True
        s.select(1)
        s.run()
        runs.append(s.states)
    np.testing.assert_array_equal(runs[0], runs[1])


@pytest.mark.parametrize("kwargs, exc, match", [
    (dict(trainer="nope"), TypeError, "needs a hebbmem Trainer"),
    (dict(noise=1.5), ValueError, "noise"),
    (dict(shape=(8, 8)), ValueError, r"h \* w == N == 256"),
    (dict(patterns=np.ones((2, 100))), ValueError, "256"),
    (dict(patterns=np.full((2, 256), 0.5)), ValueError, "-1"),
])
def test_bad_arguments(X, kwargs, exc, match):
    args = dict(trainer=hm.HebbianTrainer(hm.HopfieldNetwork(N)), patterns=X)
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        RecallSession(args.pop("trainer"), args.pop("patterns"), **args)


def test_bad_network_and_bad_calls(session):
    with pytest.raises(ValueError, match="activation='sign'"):
        RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N, activation="tanh")), np.ones((1, N)))
    with pytest.raises(ValueError, match="not a perfect square"):
        RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(10)), np.ones((1, 10)))
    with pytest.raises(ValueError, match=r"rule must be one of \['Hebbian', 'PseudoInverse', 'Storkey'\]"):
        session.set_rule("Oja")
    with pytest.raises(ValueError, match=r"index must be an int in \[0, 3\]"):
        session.select(4)
    with pytest.raises(ValueError, match=r"pixel index must be an int in \[0, 255\]"):
        session.toggle_pixel(256)
    with pytest.raises(ValueError, match="inside the 16 x 16 image"):
        session.toggle_pixel((16, 0))
    with pytest.raises(TypeError, match="asyn must be True"):
        session.asyn = "async"


def test_plot_recall_session_draws_the_session(session):
    import matplotlib.pyplot as plt
    from hebbmem.plotting import plot_recall_session

    session.run()
    fig = plot_recall_session(session)
    ax_state, ax_energy, ax_overlap = fig.axes
    np.testing.assert_array_equal(ax_state.images[0].get_array(), session.state.reshape(16, 16))
    np.testing.assert_allclose(ax_energy.lines[0].get_ydata(), session.energies)
    overlap_lines = ax_overlap.lines[:4]
    for k, line in enumerate(overlap_lines):
        np.testing.assert_allclose(line.get_ydata(), session.overlaps[:, k])
    assert overlap_lines[0].get_linewidth() > overlap_lines[1].get_linewidth()  # the target stands out
    assert "pattern 0" in ax_state.get_title()
    plt.close(fig)
    # energies in the millions (a large threshold) still get plain tick labels, no "1e6" above the axis
    big = RecallSession(hm.HebbianTrainer(hm.HopfieldNetwork(N, bias=3e5)), session.patterns, noise=0.3)
    big.step()
    assert np.abs(big.energies).max() > 1e6
    fig = plot_recall_session(big)
    fig.canvas.draw()
    assert fig.axes[1].yaxis.get_major_formatter().get_offset() == ""
    plt.close(fig)
    with pytest.raises(TypeError, match="RecallSession"):
        plot_recall_session("session")


# ------------------------------------------------------------------ widget

ipywidgets = pytest.importorskip("ipywidgets")


@pytest.fixture
def explorer(X):
    return RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X, noise=0.3, seed=0)


def _figure_matches(ex):
    s = ex.session
    ax_state, ax_energy, ax_overlap = ex.figure.axes
    np.testing.assert_array_equal(ax_state.images[0].get_array(), s.state.reshape(s.shape))
    np.testing.assert_allclose(ax_energy.lines[0].get_ydata(), s.energies)
    for k in range(s.patterns.shape[0]):
        np.testing.assert_allclose(ax_overlap.lines[k].get_ydata(), s.overlaps[:, k])


def test_explorer_driven_from_code(explorer, X):
    ex, s = explorer, explorer.session
    assert isinstance(ex.widget, ipywidgets.VBox)
    _figure_matches(ex)

    ex.pattern.value = 2
    assert s.index == 2 and np.sum(s.probe != X[2]) == int(N * 0.3)
    ex.noise.value = 0.4
    assert s.noise == 0.4 and np.sum(s.probe != X[2]) == int(N * 0.4)
    probe = s.probe.copy()
    ex.new_noise.click()
    assert np.sum(s.probe != X[2]) == int(N * 0.4) and not np.array_equal(s.probe, probe)
    _figure_matches(ex)

    ex.step_button.click()
    assert s.n_steps == 1
    _figure_matches(ex)
    # "play": the browser's timer counts play.value up; each tick is a step, until settled
    ex.play.playing = True
    for tick in range(1, 10):
        if not ex.play.playing:
            break
        ex.play.value = tick
    assert s.settled and not ex.play.playing and ex.play.value == 0
    assert s.accuracy == 1.0 and ex.step_button.disabled
    assert "converged" in ex.status.value and "100.0% of bits right" in ex.status.value
    _figure_matches(ex)

    ex.reset_button.click()
    np.testing.assert_array_equal(s.state, s.probe)
    assert s.n_steps == 0 and not ex.step_button.disabled

    ex.mode.value = True
    assert s.asyn and s.model.asyn
    ex.rule.value = "PseudoInverse"
    assert s.rule == "PseudoInverse"
    ref = hm.HopfieldNetwork(N)
    hm.Trainer(ref, hm.PseudoInverse()).train(X)
    np.testing.assert_allclose(s.model.W, ref.W, atol=1e-6)
    ex.step_button.click()
    assert "async sweep" in ex.status.value
    assert "PseudoInverse" in ex.figure.axes[1].get_title()
    _figure_matches(ex)


def test_explorer_async_step_of_one_flip(explorer):
    ex, s = explorer, explorer.session
    assert ex.async_step.disabled and [v for _, v in ex.async_step.options] == [0, 16, 1]
    ex.mode.value = True
    assert not ex.async_step.disabled
    ex.async_step.value = 1
    assert s.flips_per_step == 1 and ex.play.max == s.model.max_iter * N
    ex.step_button.click()
    assert s.n_steps == 1 and np.sum(s.states[1] != s.states[0]) == 1
    assert ex.figure.axes[2].get_xlabel() == "step (async, 1 flip)" and "1 step (async, 1 flip)" in ex.status.value
    _figure_matches(ex)
    ex.async_step.value = 0
    assert s.flips_per_step is None and ex.async_step.options[0][0] == "whole sweep"


def test_explorer_start_options(X):
    ex = RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(N, asyn=True)), X, noise=0.7, flips_per_step=5)
    assert ex.session.flips_per_step == 5 and ex.async_step.value == 5 and not ex.async_step.disabled
    assert ex.noise.value == 0.7 and ex.session.noise == 0.7  # the slider reaches the noise asked for
    assert np.sum(ex.session.probe != X[0]) == int(N * 0.7)
    with pytest.raises(ValueError, match="'interval' parameter of RecallExplorer"):
        RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X, interval=0)


def test_clicking_a_pixel_flips_it(explorer):
    from matplotlib.backend_bases import MouseEvent

    ex, s = explorer, explorer.session
    before = s.state.copy()
    ax = ex.figure.axes[0]
    ex.figure.canvas.draw()
    x, y = ax.transData.transform((4, 3))  # column 4, row 3 of the image
    ex.figure.canvas.callbacks.process(
        "button_press_event", MouseEvent("button_press_event", ex.figure.canvas, x, y, button=1))
    assert np.flatnonzero(s.state != before).tolist() == [3 * 16 + 4]
    _figure_matches(ex)
    # a click outside the image changes nothing
    x, y = ex.figure.axes[1].transAxes.transform((0.5, 0.5))
    ex.figure.canvas.callbacks.process(
        "button_press_event", MouseEvent("button_press_event", ex.figure.canvas, x, y, button=1))
    assert np.flatnonzero(s.state != before).tolist() == [3 * 16 + 4]


def test_explorer_uses_ipympl_when_present_and_png_otherwise(X, monkeypatch):
    pytest.importorskip("ipympl")
    ex = RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X)
    assert ex.widget.children[-1] is ex.figure.canvas and ex._view.interactive
    for name in ("ipympl", "ipympl.backend_nbagg"):  # as if ipympl were not installed
        monkeypatch.setitem(sys.modules, name, None)
    ex = RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X)
    image = ex.widget.children[-1]
    assert isinstance(image, ipywidgets.Image) and image.value[:8] == b"\x89PNG\r\n\x1a\n"
    before = image.value
    ex.step_button.click()
    assert image.value != before  # redrawn after the step


def test_explorer_leaves_the_matplotlib_backend_alone():
    pytest.importorskip("ipympl")
    # ipympl switches the backend the first time it is imported: run in a fresh process
    code = textwrap.dedent("""
        import matplotlib, matplotlib.pyplot as plt, numpy as np, hebbmem as hm
        before = matplotlib.get_backend()
        from hebbmem.widgets import RecallExplorer
        ex = RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(16)), np.ones((1, 16)))
        assert ex._view.interactive
        print(before, matplotlib.get_backend())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env=dict(os.environ, MPLBACKEND="Agg"), check=True)
    assert out.stdout.lower().split() == ["agg", "agg"]


def test_without_ipywidgets_the_error_names_the_extra(X, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(ImportError, match=r'pip install "hebbmem\[widgets\]"'):
        RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(N)), X)


def test_import_needs_neither_ipywidgets_nor_matplotlib():
    code = textwrap.dedent("""
        import sys
        sys.modules["ipywidgets"] = None
        import hebbmem.widgets
        assert "matplotlib" not in sys.modules, "hebbmem.widgets imported matplotlib"
        try:
            hebbmem.widgets.RecallExplorer(None, None)
        except ImportError as err:
            print(err)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert 'pip install "hebbmem[widgets]"' in out.stdout


def test_explorer_repr_and_display(explorer):
    assert repr(explorer).startswith("RecallExplorer(RecallSession(4 patterns of N=256")
    bundle = explorer._repr_mimebundle_()
    view = bundle["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == explorer.widget.model_id  # the live widget in Jupyter
    assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n"  # a snapshot for pages without a kernel
    assert bundle["text/plain"] == repr(explorer)


# ---------------------------------------------------------- a real kernel


@pytest.mark.slow
def test_explorer_works_in_a_real_kernel(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    spec_dir = tmp_path / "jupyter" / "kernels" / "hebbmem-widgets"
    spec_dir.mkdir(parents=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "hebbmem widgets", "language": "python",
    }), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own default (inline)
    cells = [
        "%matplotlib inline\n"
        "import matplotlib.pyplot as plt  # a notebook that already plots\n"
        "import numpy as np, hebbmem as hm\n"
        "from hebbmem.widgets import RecallExplorer\n"
        "X = np.where(np.random.default_rng(0).random((3, 100)) < 0.5, 1, -1)\n"
        "explorer = RecallExplorer(hm.HebbianTrainer(hm.HopfieldNetwork(100)), X, noise=0.3)\n"
        "explorer",
        "explorer.step_button.click(); explorer.play.value = 1; explorer.play.value = 2\n"
        "print(explorer.session.status, explorer.session.accuracy)",
        "import matplotlib\nprint(matplotlib.get_backend())",  # still inline: plots stay plain images
        "import matplotlib.pyplot as plt\nplt.plot([1, 2]); plt.show()",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    client = nbclient.NotebookClient(nb, kernel_name="hebbmem-widgets", timeout=120,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    shown = nb.cells[0].outputs
    assert len(shown) == 1 and shown[0]["output_type"] in ("display_data", "execute_result")
    assert {"application/vnd.jupyter.widget-view+json", "image/png"} <= set(shown[0]["data"])
    assert nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]  # state saved
    printed = "".join(o.get("text", "") for o in nb.cells[1].outputs)
    assert printed.strip() == "converged 1.0"
    backend = "".join(o.get("text", "") for o in nb.cells[2].outputs)
    assert backend.strip() in ("inline", "module://matplotlib_inline.backend_inline")
    later_plot = nb.cells[3].outputs
    assert any("image/png" in o.get("data", {}) for o in later_plot), later_plot
