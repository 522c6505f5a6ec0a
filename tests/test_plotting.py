"""hebbmem.plotting: every figure is drawn headless (Agg) and then read back.

No test here stops at "it did not raise": each one checks what was drawn
(the image arrays, colour limits, titles, line data, legend labels) against
the data that went in, so a figure that silently shows the wrong thing
fails. Figures are closed after every test.

Float comparisons: line and image data are copies of the inputs and are
compared exactly; the only computed values are energies, compared exactly
with ``RecallResult.energy_trace`` (the same numbers) or by hand.
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from numpy.testing import assert_array_equal

import hebbmem as hm
from conftest import corrupt, random_patterns
from hebbmem import plotting
from hebbmem.analysis import overlap_trajectory, recall_accuracy
from hebbmem.hopfield.result import RecallResult

XA = np.array([1.0, 1.0, -1.0, -1.0])
XB = np.array([1.0, -1.0, 1.0, -1.0])
PROBE_A = np.array([1.0, -1.0, -1.0, -1.0])  # XA with bit 1 flipped


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def X():
    return random_patterns(3, 16, seed=21)  # 4 x 4 images


@pytest.fixture(scope="module")
def trainer():
    """8 patterns of 64 neurons (8 x 8), synchronous."""
    model = hm.HopfieldNetwork(64, seed=0)
    return hm.HebbianTrainer(model, subtract_mean=False).train(random_patterns(8, 64, seed=22))


def image(ax, k=0):
    return np.asarray(ax.images[k].get_array())


def legend_labels(ax):
    legend = ax.get_legend()
    return None if legend is None else [t.get_text() for t in legend.get_texts()]


def no_figures():
    return plt.get_fignums() == []


def test_backend_is_headless_agg():
    assert matplotlib.get_backend().lower() == "agg"


# ------------------------------------------------------------ plot_pattern


def test_plot_pattern_draws_the_reshaped_pattern():
    p = random_patterns(1, 16, seed=1)[0]
    ax = plotting.plot_pattern(p, title="probe")
    assert len(ax.images) == 1
    assert_array_equal(image(ax), p.reshape(4, 4))
    assert ax.images[0].get_clim() == (-1.0, 1.0)
    assert ax.images[0].get_cmap().name == "gray"
    assert ax.get_title() == "probe"
    assert not ax.axison
    assert plt.get_fignums() == [ax.figure.number]  # a new figure was made


def test_plot_pattern_uses_shape_row_by_row():
    p = np.arange(12) % 3 - 1.0  # not a perfect square: needs shape
    ax = plotting.plot_pattern(p, shape=(3, 4))
    assert_array_equal(image(ax), [[-1, 0, 1, -1], [0, 1, -1, 0], [1, -1, 0, 1]])
    ax = plotting.plot_pattern(p, shape=(2, 6))
    assert_array_equal(image(ax), p.reshape(2, 6))


def test_plot_pattern_into_given_axes():
    fig, axes = plt.subplots(1, 2)
    out = plotting.plot_pattern(XA, ax=axes[1], cmap="viridis")
    assert out is axes[1]
    assert len(fig.axes) == 2 and len(axes[0].images) == 0 and len(axes[1].images) == 1
    assert_array_equal(image(out), [[1, 1], [-1, -1]])
    assert out.images[0].get_cmap().name == "viridis"
    assert out.get_title() == ""


def test_plot_pattern_fixed_scale_for_uniform_and_graded_states():
    ax = plotting.plot_pattern(np.ones(9))
    assert ax.images[0].get_clim() == (-1.0, 1.0)  # all +1 stays white, not rescaled
    graded = np.array([0.9, -0.2, 0.0, -0.7])
    ax = plotting.plot_pattern(graded)
    assert_array_equal(image(ax), graded.reshape(2, 2))
    assert ax.images[0].get_clim() == (-1.0, 1.0)


def test_plot_pattern_accepts_an_image_and_lists():
    img = np.array([[1, -1, 1], [-1, 1, -1]])
    assert_array_equal(image(plotting.plot_pattern(img)), img)
    assert_array_equal(image(plotting.plot_pattern(list(XA))), [[1, 1], [-1, -1]])


def test_plot_pattern_errors_draw_nothing():
    with pytest.raises(ValueError, match=r"pattern length 12 is not a perfect square.*pass shape=\(h, w\) with "
                                         r"h \* w == 12"):
        plotting.plot_pattern(np.ones(12))
    with pytest.raises(ValueError, match=r"shape=\(3, 5\) does not fit patterns of length 12"):
        plotting.plot_pattern(np.ones(12), shape=(3, 5))
    with pytest.raises(TypeError, match=r"shape must be a pair of ints \(h, w\); got 12"):
        plotting.plot_pattern(np.ones(12), shape=12)
    with pytest.raises(ValueError, match=r"pattern must be one flat pattern of shape \(N,\).*got shape \(2, 2, 4\)\. "
                                         r"To draw several patterns.*plot_recall"):
        plotting.plot_pattern(np.ones((2, 2, 4)))
    with pytest.raises(TypeError, match=r"pattern must be a numeric array of \+1/-1 values; got dtype <U1"):
        plotting.plot_pattern(["a", "b", "c", "d"])
    assert no_figures()


# ------------------------------------------------------------- plot_recall


def test_plot_recall_grid_images_and_titles(X):
    noisy = corrupt(X, 0.25, seed=2)       # 4 of 16 bits flipped: 75.0 %
    recalled = X.copy()
    recalled[1, 5] *= -1                   # 15 of 16 equal: 93.75 % -> "93.7 %" (rounded down)
    fig = plotting.plot_recall(X, noisy, recalled)
    assert len(fig.axes) == 3 * 3
    for i in range(3):
        for j, data in enumerate((X, noisy, recalled)):
            assert_array_equal(image(fig.axes[3 * i + j]), data[i].reshape(4, 4))
            assert fig.axes[3 * i + j].images[0].get_clim() == (-1.0, 1.0)
    titles = [ax.get_title() for ax in fig.axes]
    right = " % of bits right"
    assert titles == ["Stored", "Corrupted\n75.0" + right, "Recalled\n100.0" + right,
                      "Stored", "Corrupted\n75.0" + right, "Recalled\n93.7" + right,
                      "Stored", "Corrupted\n75.0" + right, "Recalled\n100.0" + right]
    assert fig.axes[0].axison and fig.axes[0].spines["left"].get_linewidth() < 1  # thin frame, no ticks
    assert not fig.axes[0].get_xticks().size


def test_plot_recall_accuracies_match_recall_accuracy(trainer):
    stored = trainer.patterns_[:4]
    noisy = corrupt(stored, 0.35, seed=3)
    recalled = trainer.predict_batch(noisy)
    fig = plotting.plot_recall(stored, noisy, recalled)
    assert len(fig.axes) == 12
    for i in range(4):
        for j, data in ((1, noisy), (2, recalled)):
            equal = int(round(recall_accuracy(data[i], stored[i]) * 64))
            tenths = equal * 1000 // 64
            assert f"\n{tenths // 10}.{tenths % 10} % of bits right" in fig.axes[3 * i + j].get_title()
            assert_array_equal(image(fig.axes[3 * i + j]), np.asarray(data[i]).reshape(8, 8))


def test_accuracy_text_rounds_down():
    # N <= 256 in drawn figures cannot reach 99.95 %, so the helper is checked directly.
    assert plotting._accuracy_text(1999, 2000) == "99.9 %"
    assert plotting._accuracy_text(2000, 2000) == "100.0 %"
    assert plotting._accuracy_text(8, 9) == "88.8 %"   # 88.89 %
    assert plotting._accuracy_text(0, 9) == "0.0 %"


def test_plot_recall_titles_row_labels_and_given_figure(X):
    fig = Figure()
    out = plotting.plot_recall(X, -X, X, fig=fig, titles=("Original", "Noisy", "Clean"),
                               row_labels=["a", "b", "c"])
    assert out is fig
    assert len(fig.axes) == 9
    assert [ax.get_title() for ax in fig.axes[:3]] == ["Original", "Noisy\n0.0 % of bits right",
                                                       "Clean\n100.0 % of bits right"]
    assert [fig.axes[3 * i].get_ylabel() for i in range(3)] == ["a", "b", "c"]
    assert all(fig.axes[3 * i + j].get_ylabel() == "" for i in range(3) for j in (1, 2))
    assert_array_equal(image(fig.axes[3]), X[1].reshape(4, 4))  # the label keeps the image


def test_plot_recall_single_pattern_lists_and_shape():
    p = np.arange(6) % 2 * 2 - 1.0
    fig = plotting.plot_recall(p, -p, list(p), shape=(2, 3))
    assert len(fig.axes) == 3
    assert_array_equal(image(fig.axes[1]), -p.reshape(2, 3))
    fig = plotting.plot_recall([XA, XB], [XA, -XB], [XA, XB])
    assert len(fig.axes) == 6
    assert [ax.get_title() for ax in fig.axes[3:]] == ["Stored", "Corrupted\n0.0 % of bits right",
                                                      "Recalled\n100.0 % of bits right"]


def test_plot_recall_errors_draw_nothing(X):
    with pytest.raises(ValueError, match=r"plot_recall needs one corrupted and one recalled pattern per stored "
                                         r"pattern; got 3 stored, 2 corrupted and 3 recalled"):
        plotting.plot_recall(X, X[:2], X)
    with pytest.raises(ValueError, match=r"plot_recall: stored, corrupted and recalled patterns must have the "
                                         r"same length N; got N=16, 16 and 9"):
        plotting.plot_recall(X, X, np.ones((3, 9)))
    with pytest.raises(ValueError, match=r"titles must be 3 strings, one per column.*got \('a', 'b'\)"):
        plotting.plot_recall(X, X, X, titles=("a", "b"))
    with pytest.raises(ValueError, match=r"titles must be 3 strings.*got 'abc'"):
        plotting.plot_recall(X, X, X, titles="abc")
    with pytest.raises(ValueError, match=r"row_labels has 2 entries but there are 3"):
        plotting.plot_recall(X, X, X, row_labels=["a", "b"])
    with pytest.raises(TypeError, match=r"row_labels must be a list of 3 strings.*got 'abc'"):
        plotting.plot_recall(X, X, X, row_labels="abc")
    with pytest.raises(ValueError, match=r"pattern length 12 is not a perfect square"):
        plotting.plot_recall(np.ones((2, 12)), np.ones((2, 12)), np.ones((2, 12)))
    with pytest.raises(ValueError, match=r"stored contains NaN or inf"):
        plotting.plot_recall(np.full((3, 16), np.nan), X, X)
    assert no_figures()


# ------------------------------------------------------------ plot_weights


def test_plot_weights_symmetric_scale_diverging_map():
    W = hm.Hebbian().weights([XA, XB])
    ax = plotting.plot_weights(W, title="Hebbian")
    im = ax.images[0]
    assert_array_equal(image(ax), W)
    assert im.get_clim() == (-1.0, 1.0)
    assert im.get_cmap().name == "RdBu_r"
    assert im.norm(0.0) == 0.5  # 0 is the middle colour
    assert ax.get_title() == "Hebbian"
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("neuron j", "neuron i")
    assert len(ax.figure.axes) == 2  # the heatmap and its colour bar
    assert ax.figure.axes[1].get_ylabel() == "weight $W_{ij}$"


def test_plot_weights_clim_is_symmetric_for_lopsided_weights():
    W = np.array([[0.0, 3.0, 0.5], [-1.0, 0.0, 2.0], [0.25, -0.5, 0.0]])
    ax = plotting.plot_weights(W, colorbar=False)
    assert ax.images[0].get_clim() == (-3.0, 3.0)
    assert len(ax.figure.axes) == 1
    ax = plotting.plot_weights(-np.abs(W), colorbar=False)
    assert ax.images[0].get_clim() == (-3.0, 3.0)
    ax = plotting.plot_weights(np.zeros((3, 3)), colorbar=False)
    assert ax.images[0].get_clim() == (-1.0, 1.0)


def test_plot_weights_of_a_network_and_given_axes(trainer):
    fig, axes = plt.subplots(1, 2)
    out = plotting.plot_weights(trainer.model, ax=axes[0], cmap="coolwarm")
    assert out is axes[0]
    assert_array_equal(image(out), trainer.model.W)
    vmax = float(np.abs(trainer.model.W).max())
    assert out.images[0].get_clim() == (-vmax, vmax)
    assert out.images[0].get_cmap().name == "coolwarm"
    assert len(axes[1].images) == 0


def test_hebbian_and_antihebbian_are_colour_negatives(trainer):
    X = trainer.patterns_
    W_hebb = hm.Hebbian().weights(X)
    W_anti = hm.AntiHebbian().weights(X)
    fig, (a, b) = plt.subplots(1, 2)
    plotting.plot_weights(W_hebb, ax=a)
    plotting.plot_weights(W_anti, ax=b)
    assert len(fig.axes) == 4  # two heatmaps, two colour bars
    assert_array_equal(image(a), -image(b))
    assert a.images[0].get_clim() == b.images[0].get_clim()
    rgba_a = a.images[0].to_rgba(image(a))
    rgba_b = b.images[0].to_rgba(image(b))
    assert_array_equal(rgba_a, b.images[0].to_rgba(-image(b)))  # same value, same colour
    assert not np.array_equal(rgba_a, rgba_b)


def test_plot_weights_errors_draw_nothing(trainer):
    with pytest.raises(ValueError, match=r"W must be a non-empty 2-D weight matrix of shape \(N, N\), e\.g\. "
                                         r"model\.W; got shape \(4,\)\. To draw a pattern, use plot_pattern\."):
        plotting.plot_weights(XA)
    with pytest.raises(ValueError, match=r"non-empty 2-D weight matrix.*got shape \(2, 2, 2\)\.$"):
        plotting.plot_weights(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match=r"non-empty 2-D weight matrix.*got shape \(0, 0\)"):
        plotting.plot_weights(np.zeros((0, 0)))
    with pytest.raises(ValueError, match=r"W contains NaN or inf; every weight must be finite"):
        plotting.plot_weights(np.array([[0.0, np.inf], [1.0, 0.0]]))
    with pytest.raises(TypeError, match=r"W must be a numeric 2-D array such as model\.W; got str"):
        plotting.plot_weights("weights")
    with pytest.raises(TypeError, match=r"got a trainer\. Pass its network's weights, "
                                        r"plot_weights\(trainer\.model\.W\)"):
        plotting.plot_weights(trainer)
    assert no_figures()


def test_plot_weights_of_an_untrained_network_draws_zeros():
    ax = plotting.plot_weights(hm.HopfieldNetwork(4))  # W = 0 before training, as in canns
    assert not np.asarray(ax.images[0].get_array()).any()


# ------------------------------------------------------------- plot_energy


@pytest.fixture
def tiny_result():
    """XA stored (W = XA XA^T - I, E = -((XA.s)^2 - 4) / 2); probes PROBE_A and XA."""
    model = hm.HopfieldNetwork(4)
    hm.HebbianTrainer(model, subtract_mean=False).train(XA[None, :])
    return model.recall(np.stack([PROBE_A, XA]), return_info=True)


def test_plot_energy_by_hand(tiny_result):
    # PROBE_A: XA.s = 2 -> E = 0; then XA: XA.s = 4 -> E = -6, confirmed once more.
    ax = plotting.plot_energy(tiny_result)
    assert len(ax.lines) == 2
    assert_array_equal(ax.lines[0].get_ydata(), [0.0, -6.0, -6.0])
    assert_array_equal(ax.lines[1].get_ydata(), [-6.0, -6.0])
    assert_array_equal(ax.lines[0].get_xdata(), [0, 1, 2])
    assert_array_equal(ax.lines[1].get_xdata(), [0, 1])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("iteration", "energy")
    assert legend_labels(ax) == ["probe 0", "probe 1"]


@pytest.mark.parametrize("asyn", [False, True], ids=["sync", "async"])
def test_plot_energy_lines_are_the_energy_traces(trainer, asyn):
    model = hm.HopfieldNetwork(64, asyn=asyn, seed=1)
    hm.HebbianTrainer(model, subtract_mean=False).train(trainer.patterns_)
    result = model.recall(corrupt(trainer.patterns_[:5], 0.3, seed=4), return_info=True)
    ax = plotting.plot_energy(result)
    assert len(ax.lines) == 5
    for k, line in enumerate(ax.lines):
        assert_array_equal(line.get_ydata(), result.energy_trace(k))
        assert_array_equal(line.get_xdata(), np.arange(result.n_iter[k] + 1))
        assert line.get_label() == f"probe {k}"
        if asyn:
            assert np.all(np.diff(line.get_ydata()) <= 1e-9)
    assert ax.get_xlabel() == ("sweep" if asyn else "iteration")
    assert legend_labels(ax) == [f"probe {k}" for k in range(5)]


def test_plot_energy_probe_selection(trainer):
    result = trainer.predict_batch(corrupt(trainer.patterns_[:3], 0.3, seed=5), return_info=True)
    ax = plotting.plot_energy(result, probes=[2, 0])
    assert [line.get_label() for line in ax.lines] == ["probe 2", "probe 0"]
    assert_array_equal(ax.lines[0].get_ydata(), result.energy_trace(2))
    assert_array_equal(ax.lines[1].get_ydata(), result.energy_trace(0))
    ax = plotting.plot_energy(result, probes=np.int64(1))
    assert len(ax.lines) == 1
    assert_array_equal(ax.lines[0].get_ydata(), result.energy_trace(1))
    assert ax.get_legend() is None  # one unlabelled-by-you line: no legend


def test_plot_energy_labels_and_drawing_twice_into_one_axes(trainer):
    probes = corrupt(trainer.patterns_[:2], 0.3, seed=6)
    sync = trainer.predict_batch(probes, return_info=True)
    model = hm.HopfieldNetwork(64, asyn=True, seed=2)
    hm.HebbianTrainer(model, subtract_mean=False).train(trainer.patterns_)
    asyn = model.recall(probes, return_info=True)
    fig, ax = plt.subplots()
    assert plotting.plot_energy(sync, ax=ax, label="sync") is ax
    assert plotting.plot_energy(asyn, ax=ax, label="async", xlabel="step") is ax
    assert len(ax.lines) == 4 and len(fig.axes) == 1
    assert legend_labels(ax) == ["sync (probe 0)", "sync (probe 1)", "async (probe 0)", "async (probe 1)"]
    assert_array_equal(ax.lines[3].get_ydata(), asyn.energy_trace(1))
    assert ax.get_xlabel() == "step"
    ax = plotting.plot_energy(sync, label=["first", "second"])
    assert legend_labels(ax) == ["first", "second"]
    ax = plotting.plot_energy(sync, probes=[1], label="only")
    assert legend_labels(ax) == ["only"]


def test_plot_energy_legend_only_up_to_ten_default_lines(trainer):
    probes = corrupt(np.tile(trainer.patterns_, (2, 1))[:11], 0.2, seed=7)
    result = trainer.predict_batch(probes, return_info=True)
    ax = plotting.plot_energy(result)
    assert len(ax.lines) == 11 and ax.get_legend() is None
    ax = plotting.plot_energy(result, probes=list(range(10)))
    assert len(legend_labels(ax)) == 10
    ax = plotting.plot_energy(result, label=[f"p{k}" for k in range(11)])
    assert legend_labels(ax) == [f"p{k}" for k in range(11)]


def test_plot_energy_of_a_plain_array(tiny_result):
    trace = [0.0, -6.0, -6.0]
    ax = plotting.plot_energy(trace)
    assert len(ax.lines) == 1
    assert_array_equal(ax.lines[0].get_ydata(), trace)
    assert_array_equal(ax.lines[0].get_xdata(), [0, 1, 2])
    assert ax.lines[0].get_label().startswith("_")  # unlabelled
    assert ax.get_legend() is None
    assert ax.get_xlabel() == "iteration"
    ax = plotting.plot_energy(np.array([-1.0, -1.0]), label="short +-1 traces are energies")
    assert legend_labels(ax) == ["short +-1 traces are energies"]


def test_plot_energy_errors_draw_nothing(tiny_result, X):
    no_energy = RecallResult(tiny_result.states, tiny_result.n_iter, tiny_result.converged,
                             tiny_result.cycled, None, "sync", "numpy, dense", 100)
    with pytest.raises(ValueError, match=r"This RecallResult has no energies.*return_info=True"):
        plotting.plot_energy(no_energy)
    with pytest.raises(ValueError, match=r"probes \[5\] are out of range: the result has 2 probe\(s\), "
                                         r"indices 0 to 1"):
        plotting.plot_energy(tiny_result, probes=[0, 5])
    with pytest.raises(ValueError, match=r"probes \[-1\] are out of range"):
        plotting.plot_energy(tiny_result, probes=-1)
    for bad in (0.5, [0, 1.0], "0", True):
        with pytest.raises(TypeError, match=r"probes must be an int or a list of ints \(probe indices\)"):
            plotting.plot_energy(tiny_result, probes=bad)
    with pytest.raises(ValueError, match=r"label has 1 entries but there are 2 lines"):
        plotting.plot_energy(tiny_result, label=["one"])
    with pytest.raises(TypeError, match=r"label must be a list of 2 strings, one per line; got 5"):
        plotting.plot_energy(tiny_result, label=5)
    with pytest.raises(ValueError, match=r"probes selects probes of a RecallResult; it cannot be used with an "
                                         r"array of energies"):
        plotting.plot_energy([0.0, -1.0], probes=0)
    with pytest.raises(ValueError, match=r"got an array of shape \(3, 16\)\. It looks like recalled states, not "
                                         r"energies: recall with return_info=True"):
        plotting.plot_energy(X)
    with pytest.raises(ValueError, match=r"plot_energy got a 1-D array of 16 values that are all -1 or \+1\. "
                                         r"It looks like recalled states"):
        plotting.plot_energy(X[0])
    with pytest.raises(ValueError, match=r"1-D array of energies \(one per iteration\); got an array of "
                                         r"shape \(0,\)\.$"):
        plotting.plot_energy([])
    with pytest.raises(TypeError, match=r"plot_energy needs a RecallResult \(recall with return_info=True\) or "
                                        r"a 1-D array of energies; got str"):
        plotting.plot_energy("energy")
    assert no_figures()


# ----------------------------------------------------------- plot_overlaps


def test_plot_overlaps_by_hand():
    m = np.array([[0.5, 0.5], [1.0, 0.0]])  # overlap_trajectory of PROBE_A with XA stored, see test_analysis
    ax = plotting.plot_overlaps(m)
    assert len(ax.lines) == 3  # two overlap lines, then the dashed zero line
    assert_array_equal(ax.lines[0].get_ydata(), [0.5, 1.0])
    assert_array_equal(ax.lines[1].get_ydata(), [0.5, 0.0])
    assert_array_equal(ax.lines[0].get_xdata(), [0, 1])
    assert_array_equal(ax.lines[2].get_ydata(), [0.0, 0.0])
    assert ax.lines[2].get_linestyle() == "--"
    assert ax.get_ylim() == (-1.05, 1.05)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("iteration", "overlap $m$")
    assert legend_labels(ax) == ["pattern 0", "pattern 1"]


def test_plot_overlaps_lines_are_the_columns(trainer):
    X = trainer.patterns_
    model = hm.HopfieldNetwork(64, asyn=True, seed=3)
    hm.HebbianTrainer(model, subtract_mean=False).train(X)
    m = overlap_trajectory(model, corrupt(X[:1], 0.3, seed=8)[0], X)
    fig, ax = plt.subplots()
    out = plotting.plot_overlaps(m, ax=ax, labels=[f"digit {k}" for k in range(8)], xlabel="sweep")
    assert out is ax
    assert len(ax.lines) == 8 + 1
    for k in range(8):
        assert_array_equal(ax.lines[k].get_ydata(), m[:, k])
        assert_array_equal(ax.lines[k].get_xdata(), np.arange(len(m)))
    assert legend_labels(ax) == [f"digit {k}" for k in range(8)]
    assert ax.get_xlabel() == "sweep"


def test_plot_overlaps_of_one_pattern_and_many_patterns():
    ax = plotting.plot_overlaps([0.25, 0.75, 1.0])
    assert len(ax.lines) == 2
    assert_array_equal(ax.lines[0].get_ydata(), [0.25, 0.75, 1.0])
    assert ax.lines[0].get_label() == "pattern 0"
    assert ax.get_legend() is None  # a single line needs no legend
    m = np.linspace(-1, 1, 3 * 11).reshape(3, 11)
    ax = plotting.plot_overlaps(m)
    assert len(ax.lines) == 12 and ax.get_legend() is None  # more than 10: no automatic legend
    ax = plotting.plot_overlaps(m, labels=[str(k) for k in range(11)])
    assert legend_labels(ax) == [str(k) for k in range(11)]


def test_plot_overlaps_errors_draw_nothing():
    with pytest.raises(ValueError, match=r"overlaps must have shape \(T \+ 1, P\): one row per iteration.*"
                                         r"got shape \(2, 2, 2\)"):
        plotting.plot_overlaps(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match=r"overlaps must have shape \(T \+ 1, P\).*got shape \(0,\)"):
        plotting.plot_overlaps([])
    with pytest.raises(ValueError, match=r"overlaps contains NaN or inf; expected finite values between -1 and 1"):
        plotting.plot_overlaps([[0.5, np.nan]])
    states = random_patterns(3, 64, seed=9)
    with pytest.raises(ValueError, match=r"overlaps has 64 columns of \+1/-1 values: it looks like a trajectory "
                                         r"of states.*overlap_trajectory\(model, probe, patterns\)"):
        plotting.plot_overlaps(states)
    with pytest.raises(TypeError, match=r"overlaps must be a numeric array of shape \(T \+ 1, P\).*got str"):
        plotting.plot_overlaps("overlaps")
    with pytest.raises(ValueError, match=r"labels has 3 entries but there are 2 lines"):
        plotting.plot_overlaps([[0.5, 0.5]], labels=["a", "b", "c"])
    with pytest.raises(TypeError, match=r"labels must be a list of 2 strings, one per line; got 'ab'"):
        plotting.plot_overlaps([[0.5, 0.5]], labels="ab")
    assert no_figures()


# --------------------------------------------------------- inputs unchanged


def test_no_plot_modifies_its_inputs(trainer):
    X = trainer.patterns_[:2].copy()
    noisy = corrupt(X, 0.25, seed=10).astype(np.float32)
    recalled = trainer.predict_batch(noisy)
    W = np.array(trainer.model.W)
    m = np.array([[0.5, 0.25], [1.0, 0.0]])
    trace = np.array([0.0, -6.0, -6.0])
    result = trainer.predict_batch(noisy, return_info=True)
    arrays = [X, noisy, recalled, W, m, trace, result.energy]
    copies = [a.copy() for a in arrays]
    for a in arrays:
        a.flags.writeable = False  # read-only inputs are accepted, and would raise if written
    plotting.plot_pattern(X[0])
    plotting.plot_recall(X, noisy, recalled, row_labels=["a", "b"])
    plotting.plot_weights(W)
    plotting.plot_energy(result)
    plotting.plot_energy(trace)
    plotting.plot_overlaps(m)
    for a, c in zip(arrays, copies):
        assert_array_equal(a, c)
    # the figures hold copies: editing the data later does not change the drawing
    X2 = X.copy()
    ax = plotting.plot_pattern(X2[0])
    X2[0] *= -1
    assert_array_equal(image(ax), X[0].reshape(8, 8))


def test_plot_energy_keeps_an_existing_xlabel(trainer):
    fig, ax = plt.subplots()
    ax.set_xlabel("update (sync) / sweep (async)")
    plotting.plot_energy(np.array([0.0, -3.0, -4.0]), ax=ax)
    assert ax.get_xlabel() == "update (sync) / sweep (async)"
    plotting.plot_energy(np.array([0.0, -1.0]), ax=ax, xlabel="sweep")
    assert ax.get_xlabel() == "sweep"
    assert len(ax.lines) == 2
