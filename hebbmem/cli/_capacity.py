"""``hebbmem capacity``: measure a rule's capacity curve against theory and draw it."""

import contextlib
import sys
import time

import numpy as np

from ._common import RULES, CommandLineError, RunError, _check_fraction, _check_seed, _plural, check_out, plain_warnings

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
