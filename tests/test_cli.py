"""The command line (``hebbmem demo``, ``hebbmem capacity``) and the package as seen from a REPL.

Every user mistake that used to end in a Python traceback has a test here
asserting the exit status (2 for a bad command line, 1 for a problem while
running) and the one line printed. Mistakes must be caught before any work:
those tests replace the work itself with a function that fails if called.
"""

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import hebbmem
from hebbmem import cli
from hebbmem.cli import _capacity, _common, _demo

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    """main(argv) -> (exit status, stdout, stderr); argparse's own exits count as a status too."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def one_line(text):
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if the demo starts loading data or computing."""
    def forbidden(*args, **kwargs):
        raise AssertionError("the command line was not validated before the work started")
    monkeypatch.setattr(_demo, "_load", forbidden)
    monkeypatch.setattr(cli, "run_demo", forbidden)
    monkeypatch.setattr(cli, "run_capacity", forbidden)


# ------------------------------------------------ former tracebacks: usage (2)


def test_out_in_a_missing_folder_is_refused_before_any_work(capsys, no_work, tmp_path):
    target = tmp_path / "nonexistent" / "dir" / "x.png"
    code, out, err = run(capsys, "demo", "--out", str(target))
    assert code == 2 and out == ""
    line = one_line(err)
    assert line.startswith("hebbmem demo: error: --out ")
    assert f"the folder '{target.parent}' does not exist; create it first (mkdir -p {target.parent})" in line


def test_out_with_an_unsupported_extension_is_refused_before_any_work(capsys, no_work):
    code, out, err = run(capsys, "demo", "--out", "x.txt")
    assert code == 2
    line = one_line(err)
    assert "--out x.txt: matplotlib cannot write '.txt' files; use one of" in line
    assert ".png" in line and ".pdf" in line and "(e.g. --out x.png)" in line


def test_out_that_is_a_folder_is_refused(capsys, no_work, tmp_path):
    code, _, err = run(capsys, "demo", "--out", str(tmp_path))
    assert code == 2 and "is a folder; give a file name" in one_line(err)


def test_negative_seed_is_refused(capsys, no_work):
    code, _, err = run(capsys, "demo", "--seed", "-1")
    assert code == 2
    assert one_line(err) == ("hebbmem demo: error: --seed must be an int >= 0 "
                             "(it seeds numpy.random.default_rng); got -1.")


@pytest.mark.parametrize("argv, message", [
    (["demo", "--noise", "2"], "--noise must be a fraction between 0 and 1 (0.3 flips 30 % of bits); got 2.0."),
    (["demo", "--noise", "nan"], "--noise must be a fraction between 0 and 1"),
    (["demo", "--size", "1"], "--size must be at least 2 pixels; got 1."),
    (["demo", "mnist", "--size", "64"], "--size applies to pictures only; the MNIST digits are always 28 x 28."),
    (["demo", "--threshold", "inf"], "--threshold must be a finite number; got inf."),
    (["demo", "--rule", "foo"], "argument --rule: invalid choice: 'foo'"),
    (["demo", "--seed", "abc"], "argument --seed: invalid int value: 'abc'"),
    (["demo", "--bogus"], "unrecognized arguments: --bogus"),
    (["capacity", "--neurons", "5"], "--neurons must be at least 10; got 5."),
    (["capacity", "--trials", "0"], "--trials must be at least 1; got 0."),
    (["capacity", "--seed", "-3"], "--seed must be an int >= 0"),
], ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_usage_errors_are_one_line_and_exit_2(capsys, no_work, monkeypatch, argv, message):
    monkeypatch.setattr(_demo, "check_out", lambda out: None)
    monkeypatch.setattr(_capacity, "check_out", lambda out: None)  # only the argument under test is wrong
    code, _, err = run(capsys, *argv)
    assert code == 2
    line = one_line(err)
    assert line.startswith(f"hebbmem {argv[0]}: error: ") or line.startswith("hebbmem: error: ")
    assert message in line


# --------------------------------------------- former tracebacks: runtime (1)


def test_huge_size_is_refused_before_allocating(capsys, monkeypatch):
    monkeypatch.setattr(_demo, "_load", lambda *a: (_ for _ in ()).throw(AssertionError("allocated")))
    t0 = time.perf_counter()
    code, out, err = run(capsys, "demo", "--size", "100000", "--out", "")
    assert time.perf_counter() - t0 < 5
    assert code == 1 and out == ""
    line = one_line(err)
    assert line.startswith("hebbmem demo: error: --size 100000 with --rule hebbian needs about ")
    assert "TiB of memory (N = 10,000,000,000 neurons), but only" in line
    assert "nothing was allocated. Use a smaller --size" in line


def test_weight_matrix_too_large_is_one_line(capsys, monkeypatch):
    # Storkey keeps low-rank factors now, so --size 1024 --rule storkey runs (13 s, 770 MB measured);
    # a WeightMatrixTooLargeError from any rule still ends in one line, not a traceback.
    def too_large(self, patterns):
        raise hebbmem.WeightMatrixTooLargeError(
            "The Storkey rule needs a dense 1,048,576 x 1,048,576 float64 matrix: 8.0 TiB.\nNothing was allocated.")
    monkeypatch.setattr(hebbmem.Trainer, "train", too_large)
    code, out, err = run(capsys, "demo", "--size", "16", "--rule", "storkey", "--out", "")
    assert code == 1
    assert one_line(err) == ("hebbmem demo: error: The Storkey rule needs a dense 1,048,576 x 1,048,576 float64 "
                             "matrix: 8.0 TiB. Nothing was allocated.")
    assert _demo.check_demo_memory("pictures", "storkey", 1024) < 2 * 2 ** 30  # the real run fits


def test_memory_error_while_running_is_one_line(capsys, monkeypatch):
    def oom(*args, **kwargs):
        raise MemoryError("Unable to allocate 74.5 GiB for an array\nwith shape (100000, 100000)")
    monkeypatch.setattr(_demo, "_load", oom)
    code, _, err = run(capsys, "demo", "mnist", "--out", "")
    assert code == 1
    assert one_line(err) == ("hebbmem demo: error: Unable to allocate 74.5 GiB for an array with shape "
                             "(100000, 100000)")


def test_a_real_process_prints_no_traceback():
    done = subprocess.run([sys.executable, "-m", "hebbmem", "demo", "--seed", "-1"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=_env())
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert one_line(done.stderr).startswith("hebbmem demo: error: --seed must be an int >= 0")


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
    return env


# ---------------------------------------------------------------- the runs


def test_out_without_extension_writes_png_and_reports_the_real_path(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "figs").mkdir()
    code, out, err = run(capsys, "demo", "mnist", "--out", "figs/result")
    assert code == 0, err
    assert (tmp_path / "figs" / "result.png").stat().st_size > 0
    assert not (tmp_path / "figs" / "result").exists()
    assert "  figure written to figs/result.png" in out.splitlines()
    from PIL import Image  # matplotlib depends on Pillow

    with Image.open(tmp_path / "figs" / "result.png") as img:
        assert round(img.info["dpi"][0]) == 150  # projector resolution


def test_mnist_demo_uses_the_seed_settings_and_recalls_the_digits(capsys):
    code, out, err = run(capsys, "demo", "mnist", "--out", "")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == ("hebbmem demo: 3 digits of 784 neurons (Hebbian rule, centred, threshold 80, sync), "
                        "30 % of bits flipped")
    right = [float(line.split("recalled")[1].split("%")[0]) for line in lines if "recalled" in line]
    assert len(right) == 3 and min(right) >= 95.0 and max(right) == 100.0  # measured: 96.05, 100, 97.70
    assert "mixture" not in out


def test_plain_hebbian_mnist_explains_the_mixture_state(capsys):
    code, out, _ = run(capsys, "demo", "mnist", "--no-centering", "--threshold", "0", "--out", "")
    assert code == 0
    why = [line for line in out.splitlines() if line.strip().startswith("why:")]
    assert len(why) == 1
    assert "all 3 outputs are the same state, a mixture of the stored patterns (overlaps 0.75 / 0.81 / 0.84" in why[0]
    assert "--rule pseudoinverse and --rule storkey each break the mixture" in why[0]


def test_pseudoinverse_mnist_recalls_exactly_with_no_threshold(capsys):
    code, out, _ = run(capsys, "demo", "mnist", "--rule", "pseudoinverse", "--out", "")
    assert code == 0
    assert "(PseudoInverse rule, threshold 0, sync)" in out
    assert out.count("100.00 % of bits right") == 3 and "why:" not in out


def test_antihebbian_explains_itself_and_warnings_are_one_plain_line(capsys):
    code, out, err = run(capsys, "demo", "--rule", "antihebbian", "--size", "16", "--out", "")
    assert code == 0, err
    notes = [line for line in out.splitlines() if line.startswith("  note: ")]
    assert notes == ["  note: 4 of 4 probes did not reach a fixed point: 4 fell into a 2-cycle (synchronous "
                     "updates). Use return_info=True to see which; raise max_iter or use asyn=True "
                     "(asynchronous updates always converge with symmetric weights)."]
    assert "ConvergenceWarning" not in out + err and "warnings.warn" not in out + err
    assert "2-cycle, not converged" in out
    why = one_line("\n".join(line for line in out.splitlines() if "why:" in line))
    assert "anti-Hebbian weights (-1 x Hebbian) make the stored patterns energy maxima" in why
    assert "it does not store memories" in why


def test_pictures_demo_wording(capsys):
    code, out, _ = run(capsys, "demo", "--size", "16", "--out", "")
    assert code == 0
    first = out.splitlines()[0]
    assert first == ("hebbmem demo: 4 pictures of 256 neurons (Hebbian rule, centred, threshold 0, sync), "
                     "30 % of bits flipped")
    assert " 1 iterations" not in out and " 1 sweeps" not in out


def test_plural():
    assert _common._plural(1, "iteration") == "1 iteration"
    assert _common._plural(2, "sweep") == "2 sweeps"


# ----------------------------------------------------------- help, version


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"hebbmem {hebbmem.__version__}"


@pytest.mark.parametrize("command", ["demo", "capacity"])
def test_help_has_one_default_per_option_and_no_none(capsys, command):
    with pytest.raises(SystemExit) as exc:
        cli.main([command, "--help"])
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: None)" not in text
    assert ") (default" not in text
    for option in ("--rule", "--noise", "--seed", "--out", "--asyn"):
        assert option in text
    assert text.count("(default:") >= 5


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 0
    assert "demo" in capsys.readouterr().out


# ---------------------------------------------------------------- progress


def test_a_long_step_shows_progress_and_erases_it():
    stream = io.StringIO()
    with _common.step("training (Storkey)", stream, after=0.05, enabled=True):
        time.sleep(0.4)
    text = stream.getvalue()
    assert "\r  training (Storkey) ... 0 s" in text
    assert text.endswith("\r")  # the line is blanked when the step ends


def test_a_quick_step_prints_nothing_and_pipes_stay_clean():
    stream = io.StringIO()
    with _common.step("loading", stream, after=0.5, enabled=True):
        pass
    assert stream.getvalue() == ""
    with _common.step("loading", stream, after=0.0):  # StringIO is not a terminal: disabled by default
        time.sleep(0.1)
    assert stream.getvalue() == ""


# ------------------------------------------------------------------- REPL


def test_import_is_light_and_submodules_load_lazily():
    code = (
        "import sys, time; import numpy\n"
        "t = time.perf_counter(); import hebbmem as hm; dt = time.perf_counter() - t\n"
        "heavy = sorted(m for m in ('matplotlib', 'numba', 'skimage', 'scipy', 'ipywidgets') if m in sys.modules)\n"
        "print(round(dt, 3), heavy)\n"
        "print(hm.noise.flip_fraction([1, -1, 1, -1], 0.5, rng=0).tolist())\n"
        "print(hm.datasets.__name__, hm.analysis.__name__, hm.plotting.__name__)\n"
        "print('noise' in dir(hm), 'plotting' in dir(hm))\n"
        "try:\n    hm.no_such_thing\nexcept AttributeError as e:\n    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=_env(),
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    seconds, heavy = lines[0].split(" ", 1)
    assert heavy == "[]"  # no matplotlib, Numba, scikit-image or SciPy on import
    assert float(seconds) <= 0.3  # hebbmem's own import time, numpy already loaded
    assert lines[1] == "[1.0, -1.0, -1.0, 1.0]" or len(eval(lines[1])) == 4
    assert lines[2] == "hebbmem.datasets hebbmem.analysis hebbmem.plotting"
    assert lines[3] == "True True"
    assert lines[4] == "module 'hebbmem' has no attribute 'no_such_thing'"


def test_num_neurons_must_be_an_int():
    with pytest.raises(ValueError, match=r"Got 100\.0 instead\. Pass int\(100\.0\) = 100: counts are ints"):
        hebbmem.HopfieldNetwork(100.0)
    assert hebbmem.HopfieldNetwork(np.int32(100)).num_neurons == 100


# --------------------------------------------------------------- capacity


def _has_capacity():
    from hebbmem import analysis, plotting

    return hasattr(analysis, "capacity_curve") and hasattr(plotting, "plot_capacity")


@pytest.mark.skipif(not _has_capacity(), reason="hebbmem.analysis.capacity_curve is not in this tree yet")
def test_capacity_writes_the_figure_and_the_table(capsys, tmp_path):
    code, out, err = run(capsys, "capacity", "--neurons", "64", "--trials", "20", "--out", str(tmp_path / "cap"))
    assert code == 0, err
    assert (tmp_path / "cap.png").stat().st_size > 0
    lines = out.splitlines()
    assert lines[0] == "hebbmem capacity: Hebbian rule, N = 64 neurons, 20 probes per load, 0 % of bits flipped, sync"
    rows = {line.split()[0]: line.split()[1:] for line in lines[2:] if line.startswith("  ")}
    exact = [float(v) for v in rows["exact"]]
    assert len(exact) == 15 and exact[0] == 1.0 and exact[-1] < 0.5  # recalled at low load, lost past capacity
    assert "theory" in rows
    assert f"figure written to {tmp_path / 'cap.png'}" in out
    assert "capacity (Hebbian, N=64)" in err  # the progress line


def test_capacity_checks_its_arguments_first(capsys, no_work):
    code, _, err = run(capsys, "capacity", "--noise", "1.5")
    assert code == 2 and "--noise must be a fraction between 0 and 1" in one_line(err)


# ------------------------------------------------------- budgets (issue 17, item 4)
RUNAWAY = [
    (["capacity", "--rule", "storkey", "--neurons", "5000"],
     "--rule storkey --neurons 5,000 --trials 100 would take about"),
    (["capacity", "--trials", "100000000000"], "--rule hebbian --neurons 200 --trials 100,000,000,000 would take about"),
    (["demo", "--size", "4096", "--rule", "storkey"], "--size 4096 --rule storkey would take about"),
]


@pytest.mark.parametrize("argv, start", RUNAWAY, ids=lambda v: " ".join(v) if isinstance(v, list) else None)
def test_the_runaway_commands_are_refused_in_under_a_second(capsys, no_work, argv, start):
    t0 = time.perf_counter()
    code, out, err = run(capsys, *argv)
    assert time.perf_counter() - t0 < 1.0
    assert code == 2 and out == ""
    line = one_line(err)
    assert line.startswith(f"hebbmem {argv[0]}: error: {start}")
    assert "of memory (estimated), beyond the budget of 1 min and 2.0 GiB;" in line
    assert line.endswith("or add --force to run it anyway.")


def test_a_refusal_in_a_real_process_loads_nothing_heavy():
    code = ("import sys, time; t = time.perf_counter()\n"
            "from hebbmem.cli import main\n"
            "status = main(['demo', '--size', '4096', '--rule', 'storkey'])\n"
            "heavy = sorted(m for m in ('matplotlib', 'numba', 'skimage') if m in sys.modules)\n"
            "print(status, round(time.perf_counter() - t, 3), heavy)\n")
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=_env(),
                          cwd=ROOT)
    wall = time.perf_counter() - t0
    status, seconds, heavy = done.stdout.split(" ", 2)
    assert status == "2" and heavy.strip() == "[]", done.stdout + done.stderr
    assert float(seconds) < 1.0  # import hebbmem.cli, estimate, refuse
    assert wall < 3.0  # with the interpreter's own start (about 0.5 s on a busy 2-core machine)


def test_force_goes_ahead_beyond_the_budget(capsys, monkeypatch):
    called = []
    monkeypatch.setattr(cli, "run_capacity", lambda *a, **k: called.append(a))
    monkeypatch.setattr(_capacity, "check_out", lambda out: None)
    code, _, err = run(capsys, "capacity", "--rule", "storkey", "--neurons", "2000", "--force")
    assert code == 0, err
    assert called and called[0][:2] == ("storkey", 2000)


def test_memory_beyond_the_machine_is_refused_even_with_force(capsys, no_work, monkeypatch):
    monkeypatch.setattr(_common, "_available_memory", lambda: 2 ** 30)
    code, _, err = run(capsys, "capacity", "--rule", "pseudoinverse", "--neurons", "5000", "--force")
    assert code == 1
    assert one_line(err).startswith("hebbmem capacity: error: --rule pseudoinverse --neurons 5,000 --trials 100 "
                                    "needs about ")
    assert "but only 1.0 GiB is available; nothing was allocated. To fit, use fewer --neurons or --trials." in err


def test_the_defaults_fit_the_budget():
    for rule in ("hebbian", "storkey", "pseudoinverse"):
        seconds, need = _capacity.estimate_capacity(rule, 200, 100)
        assert seconds < 30 and need < 2 ** 30
    for data, rule in (("pictures", "hebbian"), ("pictures", "storkey"), ("mnist", "hebbian")):
        seconds, need = _demo.estimate_demo(data, rule, 128)
        assert seconds < 10 and need < 2 ** 30
    # the estimate grows with the work: a few times the size, a few times the estimate
    assert _capacity.estimate_capacity("storkey", 1000, 100)[0] > 4 * _capacity.estimate_capacity("storkey", 500, 100)[0]
    assert _demo.estimate_demo("pictures", "hebbian", 2048)[1] > 2.5 * _demo.estimate_demo("pictures", "hebbian", 1024)[1]


@pytest.mark.parametrize("argv, message", [
    (["demo", "--nosie", "0.2"], "unrecognized arguments: --nosie (did you mean --noise?)"),
    (["demo", "mnist", "--rul", "storkey", "--sead", "1"], "unrecognized arguments: --sead (did you mean --seed?)"),
    (["capacity", "--neuron=300", "--trails", "5"], "unrecognized arguments: --trails (did you mean --trials?)"),
    (["demo", "--zzz-top"], "unrecognized arguments: --zzz-top (see"),
])
def test_an_unknown_flag_is_named_before_its_value_is_read_as_data(capsys, no_work, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2
    line = one_line(err)
    assert line.startswith(f"hebbmem {argv[0]}: error: {message}")
    assert "invalid choice" not in line


def test_noise_above_half_explains_the_exact_negatives(capsys):
    code, out, _ = run(capsys, "demo", "--noise", "0.6", "--size", "32", "--out", "")
    assert code == 0
    why = one_line("\n".join(line for line in out.splitlines() if "why:" in line))
    assert why.startswith("  why: camera, astronaut, horse and coffee were recalled as their exact negatives "
                          "(0 % right, yet a perfect memory, inverted): with 60 % of bits flipped a probe is closer "
                          "to the negative of its pattern (overlap -0.20)")
    assert "(--noise below 0.5)" in why


def test_mnist_and_pictures_write_different_default_figures(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "demo", "mnist")[0] == 0
    assert run(capsys, "demo", "--size", "16")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hopfield_memory.png", "hopfield_mnist.png"]


@pytest.mark.parametrize("command", ["demo", "capacity"])
def test_help_ends_with_the_exit_statuses_and_offers_force(capsys, command):
    with pytest.raises(SystemExit):
        cli.main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert text.endswith("Exit status: 0 done, 1 a problem while running (e.g. not enough memory), 2 a bad "
                         "command line (also a run estimated beyond the budget of 1 min and 2 GiB without --force).")
    assert "--force" in text
