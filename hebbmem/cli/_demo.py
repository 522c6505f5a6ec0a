"""``hebbmem demo``: store pictures or digits, corrupt them, recall them, and draw the figure."""

import math
import sys
import time
import warnings

import numpy as np

from ._common import (RULES, CommandLineError, RunError, _available_memory, _check_fraction, _check_seed,
                      _human, _plural, check_budget, check_out, plain_warnings, step)

PICTURES = ("camera", "astronaut", "horse", "coffee")
DIGITS = (0, 1, 2)
MNIST_THRESHOLD = 80.0  # the seed tutorial's firing threshold for the MNIST digits
DEFAULT_OUT = {"pictures": "hopfield_memory.png", "mnist": "hopfield_mnist.png"}  # one per demo: no overwriting

# Peak memory and time of a picture demo, measured with
#   /usr/bin/time -f "%e s %M KB" hebbmem demo --size S --rule R --out demo.png
# on this project's 2-core machine while 8 engineers worked on it (load average 9-10, so the
# times are about those of a slow laptop, 2-3x an idle machine's):
#   --size          128     512     1024    2048
#   memory (MB)     134     361     686     1931     (Storkey within 3 %; the figure, drawn from
#                                                      block averages of 512 px a side, adds 16 MB)
#   time, Hebbian   7.0 s   8.5 s   14.1 s  21.8 s
#   time, Storkey           8.9 s   11.3 s  27.2 s
# Above ~280 MB (Python, NumPy, Numba, matplotlib, the source pictures) memory grows by about
# 410 bytes per neuron (the pictures, probes and recalled states in several dtypes, the rule's
# factors, the recall buffers) and time by about 3.5 us (Hebbian) or 5 us (Storkey) per neuron.
# The estimates round these up; the figure is counted separately.
_BASE_BYTES = 300 * 2 ** 20
_BYTES_PER_NEURON = 450
_BASE_SECONDS = 5.0
_SECONDS_PER_NEURON = {"hebbian": 3.5e-6, "antihebbian": 3.5e-6, "pseudoinverse": 3.5e-6, "storkey": 5e-6}
_FIGURE_SIDE = 512  # plot_recall draws block averages of at most 512 x 512 pixels a panel


def check_demo_args(args):
    """Validate a ``demo`` command line, then its budget; return the figure path. Raises CommandLineError."""
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
    if args.out is None:
        args.out = DEFAULT_OUT[args.data]
    check_demo_memory(args.data, args.rule, args.size)  # beyond the memory there is: exit 1, --force or not
    seconds, need = estimate_demo(args.data, args.rule, args.size, bool(args.out))
    what = f"--size {args.size} --rule {args.rule}" if args.data == "pictures" else f"demo mnist --rule {args.rule}"
    check_budget(what, seconds, need, getattr(args, "force", False),
                 "use a smaller --size (halving it divides N by 4)" if args.data == "pictures" else "see --help")
    return check_out(args.out)


def estimate_demo(data, rule, size, figure=True):
    """``(seconds, bytes)``: the demo's estimated time and peak memory (see the measurements above)."""
    n = 28 * 28 if data == "mnist" else size * size
    count = len(DIGITS) if data == "mnist" else len(PICTURES)
    need = _BASE_BYTES + _BYTES_PER_NEURON * n
    if figure:  # one (count, N) float64 image stack at a time, then 3 * count panels of <= 512 x 512 pixels
        side = min(size if data == "pictures" else 28, _FIGURE_SIDE)
        need += 8 * count * n + 3 * count * side * side * 40
    return _BASE_SECONDS + _SECONDS_PER_NEURON[rule] * n, need


def check_demo_memory(data, rule, size, stream=None):
    """Raise RunError (or WeightMatrixTooLargeError) if the demo would not fit in memory.

    Called before anything large is allocated.
    """
    n = 28 * 28 if data == "mnist" else size * size
    need = estimate_demo(data, rule, size)[1]
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


def _explain(rule, trainer, stored, recalled, info, labels, noise=0.0):
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
    negatives = [k for k in range(len(stored)) if np.array_equal(recalled[k], -stored[k])]
    if negatives:
        one = len(negatives) == 1
        named = [labels[k] for k in negatives]
        names = named[0] if one else ", ".join(named[:-1]) + " and " + named[-1]
        hint = (f"with {noise * 100:g} % of bits flipped a probe is closer to the negative of its pattern "
                f"(overlap {1 - 2 * noise:+.2f}) than to the pattern, and the negative -x of every stored "
                f"pattern x is an attractor too (the weights are the same for x and -x), so recall went there. "
                f"Flip fewer than half of the bits (--noise below 0.5)."
                if noise > 0.5 else
                "the negative -x of every stored pattern x is an attractor too (the weights are the same for "
                "x and -x), and this probe fell into it.")
        return (f"why: {names} {'was' if one else 'were'} recalled as {'its' if one else 'their'} exact "
                f"negative{'' if one else 's'} (0 % right, yet a perfect memory, inverted): {hint}")
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
    extension and check the folder); None or '' writes no figure. The command
    line writes ``hopfield_memory.png`` for the pictures and
    ``hopfield_mnist.png`` for the digits by default, so one never replaces
    the other.
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
    why = _explain(rule, trainer, stored, recalled, info, labels, noise)
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

        title = (f"{RULES[rule]} rule, {noise * 100:g} % of bits flipped\nN = {n:,} neurons"  # two lines: a margin
                 f" ({'centred, ' if centering and rule in ('hebbian', 'antihebbian') else ''}"
                 f"threshold {threshold:g}, {'async' if asyn else 'sync'})")
        with step("drawing the figure", err):
            fig = plotting.plot_recall(stored, corrupted, recalled, shape=shape, row_labels=labels, title=title)
            fig.savefig(out, dpi=150)
            plt.close(fig)
        print(f"  figure written to {out}", file=stream)
    return accuracy, t_recall
