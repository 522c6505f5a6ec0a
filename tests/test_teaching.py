"""What a teacher sees (issue 17, item 6): Storkey's capacity as documented, figures that show every curve, progress in notebooks."""

import io
import math
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import hebbmem as hm  # noqa: E402
from conftest import random_patterns  # noqa: E402
from hebbmem._progress import ProgressLine, in_notebook  # noqa: E402
from hebbmem.analysis import basin_profile, capacity_curve  # noqa: E402
from hebbmem.plotting import plot_basins, plot_capacity, plot_energy  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::hebbmem.ConvergenceWarning")


def _all_fixed(N, P, rng):
    X = np.where(rng.random((P, N)) < 0.5, 1.0, -1.0)
    model = hm.HopfieldNetwork(N)
    hm.Trainer(model, hm.Storkey()).train(X)
    return bool((model.recall(X, max_iter=1) == X).all())


@pytest.mark.slow
def test_storkey_keeps_about_n_over_sqrt_2_ln_n_patterns_exactly():
    # Storkey (1997): about N / sqrt(2 ln N) random patterns are all fixed points; 33.0 at N = 100.
    # Measured (the docstring's numbers): all fixed in 100 % of sets at P = 24, 53 % at 32, 0 % at 40.
    rng = np.random.default_rng(100)
    assert 100 / math.sqrt(2 * math.log(100)) == pytest.approx(33.0, abs=0.05)
    assert sum(_all_fixed(100, 24, rng) for _ in range(20)) >= 18
    assert sum(_all_fixed(100, 40, rng) for _ in range(20)) <= 2
    assert "N / \\sqrt{2 \\ln N}" in hm.Storkey.__doc__ and "0.14 N /" not in hm.Storkey.__doc__
    assert "It follows canns" in hm.HopfieldNetwork.storage_capacity.__doc__
    assert hm.HopfieldNetwork(100).storage_capacity == 14  # canns' number, whatever the rule


def test_the_ags_curve_ends_at_alpha_c_and_curves_that_coincide_stay_visible():
    loads = [0.05, 0.1, 0.2, 0.3]
    fig, ax = plt.subplots()
    for rule in (hm.Hebbian(), hm.Storkey(), hm.PseudoInverse()):
        plot_capacity(capacity_curve(rule, 60, loads, trials=6, seed=0), ax=ax)
    lines = {line.get_label(): line for line in ax.lines}
    ags = lines["theory: overlap m(α) (AGS), none beyond α_c"]
    x, y = ags.get_data()
    assert x.max() <= 0.138 and y.min() > 0.9  # it ends at alpha_c instead of dropping to 0
    storkey, pinv = lines["Storkey: exact recall"], lines["PseudoInverse: exact recall"]
    assert storkey.get_marker() != pinv.get_marker()
    assert storkey.get_linewidth() > pinv.get_linewidth() and storkey.get_markersize() > pinv.get_markersize()
    plt.close(fig)


def test_the_basin_radius_lines_are_in_the_legend():
    X = random_patterns(4, 60, seed=0)
    trainer = hm.Trainer(hm.HopfieldNetwork(60, asyn=True, seed=1), hm.Hebbian()).train(X)
    profile = basin_profile(trainer, X, [0.0, 0.2, 0.4], trials=2, seed=0)
    ax = plot_basins(profile, label="Hebbian")
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"Hebbian: basin radius {profile.radius:.3f}" in texts
    plt.close(ax.figure)


def _inside(fig, artist):
    fig.canvas.draw()
    box = artist.get_window_extent(fig.canvas.get_renderer())
    return box.x0 >= 0 and box.y0 >= 0 and box.x1 <= fig.bbox.width and box.y1 <= fig.bbox.height


def test_plot_energy_keeps_its_y_label_inside_a_default_figure():
    X = random_patterns(3, 784, seed=0)
    trainer = hm.Trainer(hm.HopfieldNetwork(784), hm.Hebbian(learning_rate=200.0)).train(X)
    info = trainer.predict_batch(hm.noise.flip_fraction(X, 0.3, rng=0), return_info=True)
    ax = plot_energy(info)
    assert ax.get_ylabel() == "energy"
    assert _inside(ax.figure, ax.yaxis.label)  # large energies (six-digit ticks) used to push it out
    plt.close(ax.figure)


def test_the_demo_title_keeps_a_margin(tmp_path):
    from hebbmem.cli import _demo

    seen = {}
    real = plt.Figure.savefig

    def spy(fig, *args, **kwargs):
        seen["inside"] = _inside(fig, fig._suptitle)
        seen["title"] = fig._suptitle.get_text()
        return real(fig, *args, **kwargs)

    import unittest.mock

    with unittest.mock.patch.object(plt.Figure, "savefig", spy):
        _demo.run_demo(size=16, out=str(tmp_path / "demo.png"), stream=io.StringIO(), err=io.StringIO())
    assert seen["inside"] and "\n" in seen["title"]


class _KernelStream(io.StringIO):
    """Stands for ipykernel's OutStream (what sys.stdout / sys.stderr are in a Jupyter kernel)."""


_KernelStream.__module__ = "ipykernel.iostream"


def test_progress_in_a_notebook_is_one_plain_line_on_stdout(monkeypatch):
    out, err = _KernelStream(), _KernelStream()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    assert in_notebook()
    X = random_patterns(3, 32, seed=0)
    trainer = hm.HebbianTrainer(hm.HopfieldNetwork(32)).train(X)
    trainer.predict_batch(X, show_sample_progress=True)
    hm.OjaTrainer(hm.LinearLayer(4, 1, seed=0), show_iteration_progress=True).train(np.eye(4), epochs=3)
    assert err.getvalue() == ""  # nothing in a red stderr box
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in out.getvalue()
    assert lines[0].startswith("recall (sync) [") and "3/3 settled" in lines[0]
    assert lines[1] == "OjaTrainer: epoch 3/3"


def test_progress_in_a_terminal_or_a_pipe_stays_on_stderr():
    stream = io.StringIO()
    bar = ProgressLine(2, "work", stream=stream)
    bar(1, 1)
    bar(2, 2)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\rwork [") and text.endswith("\n")
    assert "2/2 settled | iteration 2" in text.rstrip("\n").split("\r")[-1]  # the last redraw
    assert not in_notebook(stream)
