"""The command line: ``hebbmem demo`` and ``hebbmem capacity`` (also ``python -m hebbmem ...``).

``hebbmem demo`` stores the four scikit-image pictures (camera, astronaut,
horse, coffee) in a Hopfield network, corrupts them, recalls them, prints
per-picture accuracy and timing, and writes the stored / corrupted / recalled
figure, as the seed tutorial "How to train a brain-inspired model" does.
``hebbmem demo mnist`` does the same with handwritten digits, with the
settings of the seed tutorial "Pattern storage and recall" (firing threshold
80, patterns centred on their mean). ``hebbmem capacity`` measures a rule's
capacity curve; ``--jobs N`` runs its networks in N worker processes and
``--scheduler ADDRESS`` on a Dask cluster, with the same table.

Every user mistake ends in one line on stderr, never a traceback: exit
status 2 for a bad command line (checked before any work), 1 for a problem
while running (e.g. not enough memory, checked before allocating).

Both commands estimate their time and memory before they start (from
measurements recorded in :mod:`hebbmem.cli._demo` and
:mod:`hebbmem.cli._capacity`) and refuse, in a fraction of a second, a run
beyond the budget of a classroom laptop (1 min, 2 GiB): the one-line message
gives the estimate and the flag that goes ahead anyway, ``--force``.
"""

import argparse
import difflib
import sys

from .._version import __version__
from ._capacity import check_capacity_args, run_capacity
from ._common import RULES, CommandLineError, RunError
from ._demo import check_demo_args, run_demo

__all__ = ["main", "run_demo", "run_capacity"]


# ------------------------------------------------------------------ parser


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and a pointer to --help), exit status 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _version():
    return __version__


_EXIT_STATUS = ("Exit status: 0 done, 1 a problem while running (e.g. not enough memory), 2 a bad command line "
                "(also a run estimated beyond the budget of 1 min and 2 GiB without --force).")
_FORCE_HELP = ("run even if the estimated time or memory is beyond the budget of a classroom laptop "
               "(1 min, 2 GiB); without it such a run is refused before it starts")


def _unknown_option(parser, argv):
    """Refuse, naming it, an option no command knows (``--nosie``), before argparse reads its value as data."""
    commands = parser._subparsers._group_actions[0].choices if parser._subparsers else {}
    sub = None
    for token in argv:
        if token == "--":
            return
        if sub is None:
            if token in commands:
                sub = commands[token]
            continue
        if not token.startswith("--") or token in ("--help",):
            continue
        name = token.split("=", 1)[0]
        known = [o for o in sub._option_string_actions if o.startswith("--")]
        if name in known or [o for o in known if o.startswith(name)]:  # argparse takes unique prefixes
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        sub.error(f"unrecognized arguments: {name}" + (f" (did you mean {close[0]}?)" if close else ""))


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
        epilog=_EXIT_STATUS,
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
    demo.add_argument("--out", default=None, metavar="PATH",
                      help="where to write the figure; without an extension, .png is added "
                           "(default: hopfield_memory.png, or hopfield_mnist.png for mnist; '' writes no figure)")
    demo.add_argument("--force", action="store_true", help=_FORCE_HELP)

    cap = sub.add_parser(
        "capacity",
        help="measure how many random patterns a network stores, against theory, and write the plot",
        description=(
            "Store P random patterns in a network of N neurons for a range of loads P/N, probe "
            "each stored pattern, and plot the fraction recalled against the load, with the "
            "theoretical capacity (0.138 N for the Hebbian rule)."
        ),
        epilog=_EXIT_STATUS,
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
    cap.add_argument("--force", action="store_true", help=_FORCE_HELP)
    cap.add_argument("--jobs", type=int, default=1, metavar="N",
                     help="run the networks in N worker processes (joblib; -1: every core); the table is "
                          "the same for every N (default: 1, in this process)")
    cap.add_argument("--scheduler", default=None, metavar="ADDRESS",
                     help="run the networks on the Dask cluster of this scheduler, e.g. tcp://127.0.0.1:8786 "
                          "(needs hebbmem[distributed]); see docs/cluster.md")
    return parser


# -------------------------------------------------------------------- main


def main(argv=None):
    """Run the command line; return the exit status (0 ok, 1 runtime error, 2 usage error)."""
    parser = _parser()
    _unknown_option(parser, sys.argv[1:] if argv is None else list(argv))
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
                         str(out) if out else None, jobs=args.jobs, scheduler=args.scheduler)
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
