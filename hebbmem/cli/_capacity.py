"""``hebbmem capacity``: measure a rule's capacity curve against theory and draw it."""

import contextlib
import sys
import time

import numpy as np

from ._common import (RULES, CommandLineError, RunError, _check_fraction, _check_seed, _plural, check_budget,
                      check_out, plain_warnings)
from ._jobs import check_jobs, workers

#: The highest load P/N of each rule's sweep: past its capacity.
TOP_LOAD = {"hebbian": 0.3, "storkey": 0.6, "pseudoinverse": 0.9}

# Time of capacity_curve, one load at a time (trials=100, sync), measured on this project's 2-core
# machine while 8 engineers worked on it (load average ~9: about a slow laptop):
#   Storkey        N = 500, P = 300: 3.9 s   N = 1000, P = 300: 3.3 s   N = 1000, P = 600: 34.7 s
#   Hebbian        N = 500, P = 150: 0.2 s   N = 1000, P = 150: 2.3 s   N = 1000, P = 300: 3.4 s
#   PseudoInverse  N = 500, P = 450: 0.7 s   N = 1000, P = 600: 1.3 s   N = 1000, P = 900: 2.5 s
# A load stores ceil(trials / P) pattern sets; each costs about c N P**2 (training, and recall of
# its P probes with (N, P) factors or an N x N matrix), plus Storkey's Python loop per pattern.
# The constants fit those runs within a factor of ~3, mostly from above (asynchronous recall: x1.5).
_SECONDS_PER_NP2 = {"hebbian": 4e-8, "storkey": 1e-7, "pseudoinverse": 8e-9}
_SECONDS_PER_PATTERN = {"hebbian": 0.0, "storkey": 1e-3, "pseudoinverse": 0.0}
_SECONDS_PER_NETWORK = 3e-3
_BASE_SECONDS = 3.0   # imports, Numba's kernels, the figure
_BASE_BYTES = 250 * 2 ** 20


def sweep_loads(rule):
    """The 15 loads P/N of the sweep, from 0.02 to past the rule's capacity."""
    return np.round(np.linspace(0.02, TOP_LOAD[rule], 15), 3)


def estimate_capacity(rule, neurons, trials, asyn=False):
    """``(seconds, bytes)``: the capacity sweep's estimated time and peak memory (see the measurements above)."""
    seconds = _BASE_SECONDS
    P_top = 1
    for load in sweep_loads(rule):
        P = max(1, round(float(load) * neurons))
        P_top = max(P_top, P)
        networks = -(-trials // P)
        seconds += networks * (_SECONDS_PER_NP2[rule] * neurons * P * P + _SECONDS_PER_PATTERN[rule] * P
                               + _SECONDS_PER_NETWORK)
    if asyn:
        seconds *= 1.5
    # The patterns, the factors (Storkey: a basis of 2P rows and its copies) and the probes, in float64;
    # an N x N matrix (and the pseudo-inverse's complement basis) once the factors outgrow it.
    need = _BASE_BYTES + 64 * P_top * neurons
    if 2 * P_top >= neurons or rule == "pseudoinverse":
        need += 32 * neurons * neurons
    return seconds, need


def check_capacity_args(args):
    """Validate a ``capacity`` command line, then its budget; return the figure path. Raises CommandLineError."""
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
    check_jobs(args.jobs, args.scheduler)
    seconds, need = estimate_capacity(args.rule, args.neurons, args.trials, args.asyn)
    check_budget(f"--rule {args.rule} --neurons {args.neurons:,} --trials {args.trials:,}", seconds, need,
                 getattr(args, "force", False), "use fewer --neurons or --trials")
    out = check_out(args.out)
    from hebbmem import analysis, plotting

    if not (hasattr(analysis, "capacity_curve") and hasattr(plotting, "plot_capacity")):
        raise RunError("this hebbmem has no hebbmem.analysis.capacity_curve / plotting.plot_capacity yet.")
    return out


def run_capacity(rule="hebbian", neurons=200, noise=0.0, trials=100, asyn=False, seed=0,
                 out="hopfield_capacity.png", *, stream=None, err=None, jobs=1, scheduler=None):
    """Measure the capacity curve and write its figure; return the curve (a CapacityCurve).

    ``jobs`` worker processes (-1: every core), or the Dask cluster behind
    ``scheduler`` (an address), run the networks; the curve is the same.
    """
    import hebbmem as hm
    from hebbmem import analysis

    stream = sys.stdout if stream is None else stream
    err = sys.stderr if err is None else err
    loads = sweep_loads(rule)
    print(f"hebbmem capacity: {RULES[rule]} rule, N = {neurons:,} neurons, {_plural(trials, 'probe')} per load, "
          f"{noise * 100:g} % of bits flipped, {'async' if asyn else 'sync'}", file=stream)
    t0 = time.perf_counter()
    with plain_warnings(stream), contextlib.redirect_stderr(err), workers(jobs, scheduler) as n_jobs:
        curve = analysis.capacity_curve(getattr(hm, RULES[rule])(), neurons, loads, noise=noise, trials=trials,
                                        asyn=asyn, seed=seed, progress=True, n_jobs=n_jobs)
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
