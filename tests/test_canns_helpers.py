"""The helpers canns' rule-family programs import exist at canns' paths and behave as canns' do.

``hebbmem.utils.example_outputs.get_example_output_dir`` (where a program saves
its figures) and ``hebbmem.analyzer.visualization`` (``PlotConfig``,
``PlotConfigs``, ``tuning_curve``), which the mechanical port of canns' four
rule examples reaches (issue 15, item 2).
"""

import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

from hebbmem.analyzer.visualization import PlotConfig, PlotConfigs, tuning_curve  # noqa: E402
from hebbmem.utils import get_example_output_dir  # noqa: E402
from hebbmem.utils.example_outputs import get_example_output_dir as from_canns_path  # noqa: E402

VARIABLES = ("HEBBMEM_EXAMPLES_OUTPUT_DIR", "CANNS_EXAMPLES_OUTPUT_DIR")


@pytest.fixture
def no_output_variables(monkeypatch):
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# ----------------------------------------------------------------------------- output folders
def test_both_paths_are_one_function():
    assert from_canns_path is get_example_output_dir


def test_without_variables_the_folder_is_beside_examples(tmp_path, no_output_variables):
    script = tmp_path / "repo" / "examples" / "brain_inspired" / "oja_pca_extraction.py"
    out = get_example_output_dir(script)
    assert out == tmp_path / "repo" / "examples" / "outputs" / "brain_inspired" / "oja_pca_extraction"
    assert out.is_dir()
    top = get_example_output_dir(tmp_path / "repo" / "examples" / "demo.py")  # no category below examples/
    assert top == tmp_path / "repo" / "examples" / "outputs" / "demo"
    alone = get_example_output_dir(str(tmp_path / "scripts" / "run.py"), category="figs")
    assert alone == tmp_path / "scripts" / "outputs" / "figs" / "run"


def test_hebbmem_variable_wins_over_canns(tmp_path, no_output_variables):
    script = tmp_path / "examples" / "brain_inspired" / "bcm.py"
    no_output_variables.setenv("CANNS_EXAMPLES_OUTPUT_DIR", str(tmp_path / "canns_out"))
    assert get_example_output_dir(script) == tmp_path / "canns_out" / "brain_inspired" / "bcm"
    no_output_variables.setenv("HEBBMEM_EXAMPLES_OUTPUT_DIR", str(tmp_path / "ours"))
    assert get_example_output_dir(script) == tmp_path / "ours" / "brain_inspired" / "bcm"
    # canns' keyword still picks one variable explicitly; an empty value counts as unset
    assert get_example_output_dir(script, base_env_var="CANNS_EXAMPLES_OUTPUT_DIR").parent.parent == \
        tmp_path / "canns_out"
    no_output_variables.setenv("HEBBMEM_EXAMPLES_OUTPUT_DIR", "")
    assert get_example_output_dir(script).parent.parent == tmp_path / "canns_out"


@pytest.mark.parametrize("kwargs, match", [
    ({"script_path": 3}, "script_path"),
    ({"script_path": "x.py", "category": 1}, "category"),
    ({"script_path": "x.py", "base_env_var": ""}, "base_env_var"),
])
def test_output_folder_bad_input(kwargs, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TypeError, match=match):
        get_example_output_dir(**kwargs)


def test_import_of_canns_paths_does_not_load_matplotlib():
    code = ("import sys, hebbmem.analyzer, hebbmem.utils.example_outputs; "
            "print('matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------- tuning curves
def test_plot_configs_tuning_curve_defaults_and_overrides():
    cfg = PlotConfigs.tuning_curve()
    assert (cfg.title, cfg.xlabel, cfg.ylabel, cfg.figsize) == (
        "Tuning Curve", "Stimulus Value", "Average Firing Rate", (10, 6))
    assert cfg.num_bins == 50 and cfg.pref_stim is None and cfg.show and cfg.kwargs == {}
    cfg = PlotConfigs.tuning_curve(num_bins=16, title="T", save_path="x.png", show=False,
                                   kwargs={"linewidth": 2}, rasterized=True)
    assert isinstance(cfg, PlotConfig) and cfg.num_bins == 16 and cfg.title == "T"
    assert cfg.to_matplotlib_kwargs() == {"linewidth": 2, "rasterized": True}
    assert cfg.to_savefig_kwargs() == {"dpi": 300, "bbox_inches": "tight"}


def test_tuning_curve_draws_bin_means(tmp_path):
    """The BCM example's call: 16 angles in 16 bins, so each bin holds one angle."""
    angles = np.linspace(0, np.pi, 16, endpoint=False)
    rates = np.stack([np.cos(angles) ** 2, np.sin(angles) ** 2, np.full(16, 0.5), angles], axis=1)
    path = tmp_path / "tuning.png"
    config = PlotConfigs.tuning_curve(num_bins=16, title="Orientation Tuning Curves", xlabel="Orientation (radians)",
                                      ylabel="Neuron Response", figsize=(10, 6), save_path=str(path), show=False,
                                      kwargs={"linewidth": 2, "marker": "o", "markersize": 6})
    fig, ax = tuning_curve(stimulus=angles, firing_rates=rates, neuron_indices=np.arange(4), config=config)
    assert path.stat().st_size > 10_000
    lines = ax.get_lines()
    assert [ln.get_label() for ln in lines] == ["Neuron 0", "Neuron 1", "Neuron 2", "Neuron 3"]
    edges = np.linspace(angles[0], angles[-1], 17)
    for i, ln in enumerate(lines):
        np.testing.assert_allclose(ln.get_xdata(), (edges[:-1] + edges[1:]) / 2)
        np.testing.assert_allclose(ln.get_ydata(), rates[:, i])  # one angle per bin
        assert ln.get_linewidth() == 2 and ln.get_marker() == "o"
    assert ax.get_title() == "Orientation Tuning Curves" and ax.get_xlabel() == "Orientation (radians)"


def test_tuning_curve_averages_within_bins_and_marks_empty_ones():
    s = np.array([0.0, 0.1, 1.0, 3.0])
    r = np.array([[1.0], [3.0], [5.0], [11.0]])
    fig, ax = tuning_curve(s, r, 0, num_bins=4, show=False, pref_stim=[0.25])
    y = ax.get_lines()[0].get_ydata()
    # bins [0, .75), [.75, 1.5), [1.5, 2.25), [2.25, 3] (the last one closed)
    np.testing.assert_allclose(y[[0, 1, 3]], [2.0, 5.0, 11.0])
    assert np.isnan(y[2])
    assert ax.get_lines()[0].get_label() == "Neuron 0 (pref_stim=0.25)"


def test_tuning_curve_into_a_given_axes():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    out_fig, out_ax = tuning_curve([0.0, 1.0], [[1.0, 2.0], [3.0, 4.0]], [1], num_bins=2, show=False, ax=ax,
                                   color="red")
    assert out_ax is ax and out_fig is fig and plt.fignum_exists(fig.number)
    assert out_ax.get_lines()[0].get_color() == "red"
    plt.close(fig)


@pytest.mark.parametrize("args, kwargs, error, match", [
    (([[0.0]], [[1.0]], 0), {}, ValueError, "stimulus must be 1-D"),
    (([0.0, 1.0], [1.0, 2.0], 0), {}, ValueError, "firing_rates must be 2-D"),
    (([0.0, 1.0], [[1.0]], 0), {}, ValueError, "must match"),
    (([0.0, 1.0], [[1.0], [2.0]], 1.5), {}, TypeError, "neuron_indices"),
    (([0.0, 1.0], [[1.0], [2.0]], [3]), {}, ValueError, "out of range"),
    (([0.0, 1.0], [[1.0], [2.0]], 0), {"num_bins": 0}, ValueError, "num_bins"),
    (([0.0, 1.0], [[1.0], [2.0]], 0), {"config": {"title": "x"}}, TypeError, "PlotConfig"),
])
def test_tuning_curve_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        tuning_curve(*args, show=False, **kwargs)

