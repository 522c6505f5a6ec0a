"""The command line: ``hebbmem demo`` and ``hebbmem capacity`` (also ``python -m hebbmem ...``).

``hebbmem demo`` stores the four scikit-image pictures (camera, astronaut,
horse, coffee) in a Hopfield network, corrupts them, recalls them, prints
per-picture accuracy and timing, and writes the stored / corrupted / recalled
figure, as the seed tutorial "How to train a brain-inspired model" does.
``hebbmem demo mnist`` does the same with handwritten digits, with the
settings of the seed tutorial "Pattern storage and recall" (firing threshold
80, patterns centred on their mean).

Every user mistake ends in one line on stderr, never a traceback: exit
status 2 for a bad command line (checked before any work), 1 for a problem
while running (e.g. not enough memory, checked before allocating).
"""

import argparse
import contextlib
import math
import os
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np

RULES = {
    "hebbian": "Hebbian",
    "antihebbian": "AntiHebbian",
    "storkey": "Storkey",
    "pseudoinverse": "PseudoInverse",
}
PICTURES = ("camera", "astronaut", "horse", "coffee")
DIGITS = (0, 1, 2)
MNIST_THRESHOLD = 80.0  # the seed tutorial's firing threshold for the MNIST digits

# Peak memory of a picture demo, measured with /usr/bin/time -f %M on this project's machine:
# 225 MB at --size 128 (N = 16,384), 335 MB at --size 512 (N = 262,144) and 770 MB at
# --size 1024 --rule storkey (N = 1,048,576): about 450-530 bytes per neuron on top of
# ~220 MB, for every rule (all four keep low-rank factors).
# The estimate below rounds these up.
_BASE_BYTES = 300 * 2 ** 20
_BYTES_PER_NEURON = 600

_PROGRESS_AFTER = 2.0  # seconds before a step starts showing that it is still running


class CommandLineError(Exception):
    """A problem with the command line: printed as one line, exit status 2."""


class RunError(Exception):
    """A problem met while running (e.g. memory): printed as one line, exit status 1."""


# ------------------------------------------------------------------ parser


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and a pointer to --help), exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _version():
    from hebbmem import __version__

    return __version__


def _parser():
    parser = _Parser(
        prog="hebbmem",
        description="hebbmem: Hebbian learning and Hopfield associative memory.",
        epilog="Run 'hebbmem COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"hebbmem {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    demo = sub.add_parser(
        "demo",
        help="store pictures (or digits), corrupt them, recall them, and write the figure",
        description=(
            "Store patterns in a Hopfield network, flip a fraction of their bits, recall them, "
            "print per-pattern accuracy and timing, and write the stored / corrupted / recalled "
            "figure. 'pictures' (default) uses camera, astronaut, horse and coffee from "
            "scikit-image; 'mnist' uses the first 0, 1 and 2 of the bundled MNIST subset, with "
            "the seed tutorial's settings (firing threshold 80, patterns centred on their mean)."
        ),
        epilog="Exit status: 0 done, 1 a problem while running (e.g. not enough memory), 2 a bad command line.",
    )
    demo.add_argument("data", nargs="?", default="pictures", choices=["pictures", "mnist"],
                      help="what to store (default: pictures)")
    demo.add_argument("--rule", default="hebbian", choices=sorted(RULES),
                      help="learning rule (default: hebbian)")
    demo.add_argument("--threshold", type=float, default=None, metavar="THETA",
                      help="firing threshold of the neurons (default: 80 for mnist with the Hebbian "
                           "rules, as in the seed tutorial; otherwise 0)")
    demo.add_argument("--no-centering", dest="centering", action="store_false",
                      help="store the patterns as they are; by default the Hebbian rules subtract "
                           "the patterns' mean first, as the seed tutorials' HebbianTrainer does")
    demo.add_argument("--noise", type=float, default=0.3,
                      help="fraction of bits flipped in every probe, in [0, 1] (default: 0.3)")
    demo.add_argument("--size", type=int, default=None,
                      help="pictures are resized to SIZE x SIZE (default: 128; mnist is always 28 x 28)")
    demo.add_argument("--asyn", action="store_true",
                      help="update one neuron at a time in random order (default: all at once)")
    demo.add_argument("--seed", type=int, default=42,
                      help="seed of the noise and of the update order, an int >= 0 (default: 42)")
    demo.add_argument("--out", default="hopfield_memory.png", metavar="PATH",
                      help="where to write the figure; without an extension, .png is added "
                           "(default: hopfield_memory.png; '' writes no figure)")

    cap = sub.add_parser(
        "capacity",
        help="measure how many random patterns a network stores, against theory, and write the plot",
        description=(
            "Store P random patterns in a network of N neurons for a range of loads P/N, probe "
            "each stored pattern, and plot the fraction recalled against the load, with the "
            "theoretical capacity (0.138 N for the Hebbian rule)."
        ),
    )
    cap.add_argument("--rule", default="hebbian", choices=sorted(set(RULES) - {"antihebbian"}),
                     help="learning rule (default: hebbian)")
    cap.add_argument("--neurons", type=int, default=200, metavar="N",
                     help="number of neurons N (default: 200)")
    cap.add_argument("--noise", type=float, default=0.0,
                     help="fraction of bits flipped in every probe, in [0, 1] (default: 0)")
    cap.add_argument("--trials", type=int, default=100,
                     help="stored patterns probed per load (default: 100)")
    cap.add_argument("--asyn", action="store_true",
                     help="update one neuron at a time in random order (default: all at once)")
    cap.add_argument("--seed", type=int, default=0,
                     help="seed of the patterns, noise and update orders, an int >= 0 (default: 0)")
    cap.add_argument("--out", default="hopfield_capacity.png", metavar="PATH",
                     help="where to write the figure; without an extension, .png is added "
                          "(default: hopfield_capacity.png; '' writes no figure)")
    return parser


# ------------------------------------------------------------------ checks


def _plural(n, word):
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _human(n_bytes):
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if n_bytes < 1024 or unit == "EiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024


def _available_memory():
    """Bytes of memory available to a new allocation (MemAvailable on Linux, else half the RAM)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 2 ** 30


def _figure_formats():
    """File extensions matplotlib can write, e.g. {'png': 'Portable Network Graphics', ...}."""
    from matplotlib.backend_bases import FigureCanvasBase

    return FigureCanvasBase.get_supported_filetypes()


def check_out(out):
    """The path the figure will be written to (``.png`` added if no extension), or CommandLineError.

    Checked before any computing: the folder exists and is writable, the
    extension is one matplotlib writes, and the path is not a folder.
    """
    if out == "":
        return None
    path = Path(out).expanduser()
    if path.is_dir():
        raise CommandLineError(f"--out {out} is a folder; give a file name, e.g. --out {path / 'figure.png'}.")
    if path.suffix == "":
        path = path.with_name(path.name + ".png")
    ext = path.suffix[1:].lower()
    formats = _figure_formats()
    if ext not in formats:
        raise CommandLineError(
            f"--out {out}: matplotlib cannot write '.{path.suffix[1:]}' files; use one of "
            f"{', '.join('.' + e for e in sorted(formats))} (e.g. --out {path.with_suffix('.png')})."
        )
    folder = path.parent
    if not folder.is_dir():
        raise CommandLineError(
            f"--out {out}: the folder '{folder}' does not exist; create it first (mkdir -p {folder}) "
            f"or choose another path."
        )
    if not os.access(folder, os.W_OK):
        raise CommandLineError(f"--out {out}: the folder '{folder}' is not writable; choose another path.")
    return path


def _check_seed(seed):
    if seed < 0:
        raise CommandLineError(f"--seed must be an int >= 0 (it seeds numpy.random.default_rng); got {seed}.")


def _check_fraction(value, name):
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise CommandLineError(
            f"{name} must be a fraction between 0 and 1 (0.3 flips 30 % of bits); got {value}."
        )


def check_demo_args(args):
    """Validate a ``demo`` command line; return the figure path. Raises CommandLineError."""
    _check_fraction(args.noise, "--noise")
    _check_seed(args.seed)
    if args.data == "mnist" and args.size is not None:
        raise CommandLineError("--size applies to pictures only; the MNIST digits are always 28 x 28.")
    if args.size is None:
        args.size = 128
    if args.size < 2:
        raise CommandLineError(f"--size must be at least 2 pixels; got {args.size}.")
    if args.threshold is not None and not math.isfinite(args.threshold):
        raise CommandLineError(f"--threshold must be a finite number; got {args.threshold}.")
    return check_out(args.out)


def check_demo_memory(data, rule, size, stream=None):
    """Raise RunError (or WeightMatrixTooLargeError) if the demo would not fit in memory.

    Called before anything large is allocated.
    """
    n = 28 * 28 if data == "mnist" else size * size
    need = _BASE_BYTES + _BYTES_PER_NEURON * n
    have = _available_memory()
    if need > have:
        fix = (" Use a smaller --size (each step of 2 in the side quadruples N)."
               if data == "pictures" else "")
        raise RunError(
            f"{'--size ' + str(size) if data == 'pictures' else 'this demo'} with --rule {rule} needs "
            f"about {_human(need)} of memory (N = {n:,} neurons), but only {_human(have)} is "
            f"available; nothing was allocated.{fix}"
        )
    return need


# ---------------------------------------------------------------- progress


@contextlib.contextmanager
def step(label, stream=None, after=_PROGRESS_AFTER, enabled=None):
    """Show ``label ... 3 s`` on ``stream`` (stderr) while a step runs longer than ``after`` seconds.

    Quick steps print nothing; a long one updates the elapsed time twice a
    second and erases its line when it ends. By default this happens only
    when ``stream`` is a terminal, so logs and pipes stay clean.
    """
    stream = sys.stderr if stream is None else stream
    if enabled is None:
        enabled = bool(getattr(stream, "isatty", lambda: False)())
    if not enabled:
        yield
        return
    done = threading.Event()
    shown = []

    def tick():
        start = time.perf_counter()
        if done.wait(after):
            return
        while not done.wait(0.5 if shown else 0.0):
            text = f"\r  {label} ... {time.perf_counter() - start:.0f} s"
            shown.append(len(text))
            stream.write(text)
            stream.flush()

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        if shown:
            stream.write("\r" + " " * max(shown) + "\r")
            stream.flush()


@contextlib.contextmanager
def plain_warnings(stream):
    """Print ConvergenceWarnings (and other warnings) as one plain line, without a source line."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    seen = set()
    for w in caught:
        text = str(w.message)
        if text not in seen:
            seen.add(text)
            print(f"  note: {text}", file=stream)


# -------------------------------------------------------------------- demo


def _load(data, size):
    from hebbmem import datasets

    if data == "pictures":
        return datasets.load_pictures(PICTURES, size=size), (size, size), list(PICTURES)
    images, labels = datasets.load_mnist()
    stored = np.stack([datasets.binarize(images[np.flatnonzero(labels == d)[0]]).reshape(-1) for d in DIGITS])
    return stored, (28, 28), [f"digit {d}" for d in DIGITS]


def _make_rule(hm, rule, centering):
    cls = getattr(hm, RULES[rule])
    if rule in ("hebbian", "antihebbian"):
        return cls(subtract_mean=centering)
    return cls()


def _settings(rule, threshold, centering, asyn):
    parts = [f"{RULES[rule]} rule"]
    if rule in ("hebbian", "antihebbian"):
        parts.append("centred" if centering else "not centred")
    parts.append(f"threshold {threshold:g}")
    parts.append("async" if asyn else "sync")
    return ", ".join(parts)


def _explain(rule, trainer, stored, recalled, info, labels):
    """One line on what happened, for results that would otherwise puzzle a student (or None)."""
    from hebbmem.analysis import overlap

    accuracy = np.mean(recalled == stored, axis=1)
    if rule == "antihebbian":
        if np.array_equal(recalled, -stored):
            where = "here on their exact negatives (0 % right)"
        elif np.array_equal(recalled, stored):
            where = "here back on the stored patterns, one step of a 2-cycle away from their negatives"
        else:
            where = "here on states with overlaps " + ", ".join(
                f"{m:+.2f}" for m in np.diag(np.atleast_2d(overlap(recalled, stored))))
        cycle = "synchronous updates jump between each pattern and its negative (a 2-cycle) and stop " \
            if info.cycled.any() else "recall runs away from them and stops "
        return (f"why: anti-Hebbian weights (-1 x Hebbian) make the stored patterns energy maxima; {cycle}"
                f"{where}. Anti-Hebbian learning decorrelates; it does not store memories (try --rule hebbian).")
    if (accuracy == 1.0).all():
        return None
    same = len(recalled) > 1 and all(np.array_equal(r, recalled[0]) for r in recalled)
    if same and not any(np.array_equal(recalled[0], s) for s in stored):
        m = np.atleast_1d(overlap(recalled[0], stored))
        fixes = [f for r, f in (("hebbian", "The seed's threshold and centring (hebbmem demo mnist)"),
                                ("pseudoinverse", "--rule pseudoinverse"), ("storkey", "--rule storkey"))
                 if r != rule or f.startswith("the seed")]
        return (f"why: all {len(recalled)} outputs are the same state, a mixture of the stored patterns "
                f"(overlaps {' / '.join(f'{v:.2f}' for v in m)}; 1 would be a match): the patterns are too "
                f"alike for these weights, and the bits it gets right are mostly the shared background. "
                f"{', '.join(fixes[:-1])} and {fixes[-1]} each break the mixture.")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from_stored = trainer.predict_batch(stored)
    wrong = [k for k in range(len(stored)) if accuracy[k] < 1.0]
    moved = [k for k in wrong if not np.array_equal(from_stored[k], stored[k])]
    if moved:
        names = " and ".join(labels[k] for k in moved)
        bits = " and ".join(str(np.count_nonzero(from_stored[k] != stored[k])) for k in moved)
        one = len(moved) == 1
        return (f"why: {names} {'is not a fixed point' if one else 'are not fixed points'} of these weights: "
                f"started exactly on {'it' if one else 'them'}, recall ends {bits} bits away, so the "
                f"attractor sits near the stored pattern, not on it.")
    return (f"why: {', '.join(labels[k] for k in wrong)}: the noisy probe fell into another attractor "
            f"(try less --noise, or another --rule).")


def run_demo(data="pictures", rule="hebbian", noise=0.3, size=128, asyn=False, seed=42,
             out="hopfield_memory.png", *, threshold=None, centering=True, stream=None, err=None):
    """Run the demo; return ``(accuracies, recall_seconds)``. See the module docstring.

    ``out`` is written as given (call :func:`check_out` first to add an
    extension and check the folder); None or '' writes no figure.
    """
    import hebbmem as hm

    stream = sys.stdout if stream is None else stream
    err = sys.stderr if err is None else err
    if threshold is None:  # the seed's theta = 80 is on the scale of Hebbian fields (about N / 10)
        threshold = MNIST_THRESHOLD if data == "mnist" and rule in ("hebbian", "antihebbian") else 0.0
    check_demo_memory(data, rule, size)

    t_start = time.perf_counter()
    with step(f"loading {'and resizing the pictures' if data == 'pictures' else 'the digits'}", err):
        stored, shape, labels = _load(data, size)
    t_data = time.perf_counter() - t_start

    n = stored.shape[1]
    what = "pictures" if data == "pictures" else "digits"
    print(f"hebbmem demo: {len(stored)} {what} of {n:,} neurons ({_settings(rule, threshold, centering, asyn)}), "
          f"{noise * 100:g} % of bits flipped", file=stream)
    model = hm.HopfieldNetwork(n, asyn=asyn, bias=threshold, seed=seed)
    trainer = hm.Trainer(model, _make_rule(hm, rule, centering))
    t0 = time.perf_counter()
    with step(f"training ({RULES[rule]}, N = {n:,})", err):
        trainer.train(stored)
    t_train = time.perf_counter() - t0

    from hebbmem import noise as noise_mod

    corrupted = noise_mod.flip_fraction(stored, noise, rng=seed)
    t0 = time.perf_counter()
    with plain_warnings(stream), step("recalling", err):
        info = trainer.predict_batch(corrupted, return_info=True)
    t_first = time.perf_counter() - t0
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hm.ConvergenceWarning)  # reported once, above
        trainer.predict_batch(corrupted)
    t_recall = time.perf_counter() - t0
    recalled = info.states
    accuracy = np.mean(recalled == stored, axis=1)

    unit = "sweep" if asyn else "iteration"
    for k, (label, acc) in enumerate(zip(labels, accuracy)):
        if info.converged[k]:
            status = "converged"
        elif info.cycled[k]:
            status = "2-cycle, not converged"
        else:
            status = "stopped at the cap, not converged"
        print(f"  {label:<10} recalled {acc * 100:6.2f} % of bits right  ({_plural(int(info.n_iter[k]), unit)}, {status})",
              file=stream)
    why = _explain(rule, trainer, stored, recalled, info, labels)
    if why:
        print(f"  {why}", file=stream)
    first = (f"; the first call took {t_first * 1e3:.0f} ms, loading Numba and the kernels"
             if "compiled" in info.path else "")
    print(f"  load {t_data * 1e3:.0f} ms, train {t_train * 1e3:.1f} ms, recall {t_recall * 1e3:.1f} ms "
          f"({info.path}{first})", file=stream)

    if out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from hebbmem import plotting

        title = (f"{RULES[rule]} rule, {noise * 100:g} % of bits flipped, N = {n:,} neurons"
                 f" ({'centred, ' if centering and rule in ('hebbian', 'antihebbian') else ''}"
                 f"threshold {threshold:g}, {'async' if asyn else 'sync'})")
        with step("drawing the figure", err):
            fig = plotting.plot_recall(stored, corrupted, recalled, shape=shape, row_labels=labels, title=title)
            fig.savefig(out, dpi=150)
            plt.close(fig)
        print(f"  figure written to {out}", file=stream)
    return accuracy, t_recall


# ---------------------------------------------------------------- capacity


def check_capacity_args(args):
    """Validate a ``capacity`` command line; return the figure path. Raises CommandLineError."""
    if args.neurons < 10:
        raise CommandLineError(f"--neurons must be at least 10; got {args.neurons}.")
    if args.neurons > 5000:
        raise CommandLineError(
            f"--neurons {args.neurons} would take long (the sweep stores up to 0.3 N patterns per trial); "
            f"use at most 5000."
        )
    if args.trials < 1:
        raise CommandLineError(f"--trials must be at least 1; got {args.trials}.")
    _check_fraction(args.noise, "--noise")
    _check_seed(args.seed)
    out = check_out(args.out)
    from hebbmem import analysis, plotting

    if not (hasattr(analysis, "capacity_curve") and hasattr(plotting, "plot_capacity")):
        raise RunError("this hebbmem has no hebbmem.analysis.capacity_curve / plotting.plot_capacity yet.")
    return out


def run_capacity(rule="hebbian", neurons=200, noise=0.0, trials=100, asyn=False, seed=0,
                 out="hopfield_capacity.png", *, stream=None, err=None):
    """Measure the capacity curve and write its figure; return the curve (a CapacityCurve)."""
    import hebbmem as hm
    from hebbmem import analysis

    stream = sys.stdout if stream is None else stream
    err = sys.stderr if err is None else err
    top = {"hebbian": 0.3, "storkey": 0.6, "pseudoinverse": 0.9}[rule]  # past each rule's capacity
    loads = np.round(np.linspace(0.02, top, 15), 3)
    print(f"hebbmem capacity: {RULES[rule]} rule, N = {neurons:,} neurons, {_plural(trials, 'probe')} per load, "
          f"{noise * 100:g} % of bits flipped, {'async' if asyn else 'sync'}", file=stream)
    t0 = time.perf_counter()
    with plain_warnings(stream), contextlib.redirect_stderr(err):
        curve = analysis.capacity_curve(getattr(hm, RULES[rule])(), neurons, loads, noise=noise, trials=trials,
                                        asyn=asyn, seed=seed, progress=True)
    print(f"  {len(curve.loads)} loads from {curve.loads[0]:g} to {curve.loads[-1]:g} in "
          f"{time.perf_counter() - t0:.1f} s", file=stream)
    for line in _curve_lines(curve, theory=rule == "hebbian"):
        print(f"  {line}", file=stream)
    if out:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from hebbmem import plotting

        fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
        plotting.plot_capacity(curve, ax=ax, theory=True)
        ax.set_title(f"{RULES[rule]} rule, N = {neurons:,}, {noise * 100:g} % of bits flipped, "
                     f"{trials} probes per load")
        ax.legend(loc="lower left", fontsize=8)  # the curves fill the upper right
        fig.savefig(out, dpi=150)
        plt.close(ax.figure)
        print(f"  figure written to {out}", file=stream)
    return curve


def _curve_lines(curve, theory):
    """The curve as a small text table: load, P, exact recalls, final overlap (and the Hebbian theory)."""
    rows = [("load P/N", [f"{x:.3f}" for x in curve.loads]),
            ("P", [str(int(p)) for p in curve.n_patterns]),
            ("exact", [f"{y:.2f}" for y in curve.fraction_exact]),
            ("overlap", [f"{y:.2f}" for y in curve.mean_overlap])]
    if theory:
        rows.append(("theory m", [f"{y:.2f}" for y in curve.theory_overlap()]))
    width = max(len(c) for _, cells in rows for c in cells)
    return [f"{name:<9}" + " ".join(c.rjust(width) for c in cells) for name, cells in rows]


# -------------------------------------------------------------------- main


def main(argv=None):
    """Run the command line; return the exit status (0 ok, 1 runtime error, 2 usage error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0 if argv == [] else 2
    prog = f"hebbmem {args.command}"
    try:
        if args.command == "demo":
            out = check_demo_args(args)
            run_demo(args.data, args.rule, args.noise, args.size, args.asyn, args.seed,
                     str(out) if out else None, threshold=args.threshold, centering=args.centering)
        else:
            out = check_capacity_args(args)
            run_capacity(args.rule, args.neurons, args.noise, args.trials, args.asyn, args.seed,
                         str(out) if out else None)
    except CommandLineError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head: nothing more to say
        return 0
    except (RunError, MemoryError, OSError) as exc:  # WeightMatrixTooLargeError is a MemoryError
        text = str(exc) or type(exc).__name__
        print(f"{prog}: error: {' '.join(text.split())}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"\n{prog}: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
