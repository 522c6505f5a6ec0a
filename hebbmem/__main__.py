"""The main job: ``python -m hebbmem demo`` (also installed as ``hebbmem demo``).

Stores the four scikit-image pictures (camera, astronaut, horse, coffee) in
a Hopfield network, corrupts them, recalls them, prints per-image accuracy
and timing, and writes the stored / corrupted / recalled figure, as the
seed tutorial "How to train a brain-inspired model" does.
``hebbmem demo mnist`` does the same with handwritten digits.
"""

import argparse
import sys
import time

import numpy as np

RULES = {
    "hebbian": "Hebbian",
    "antihebbian": "AntiHebbian",
    "storkey": "Storkey",
    "pseudoinverse": "PseudoInverse",
}


def _parser():
    parser = argparse.ArgumentParser(
        prog="hebbmem",
        description="hebbmem: Hebbian learning and Hopfield associative memory.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo",
        help="store pictures (or digits), corrupt them, recall them, and write the figure",
        description=(
            "Store patterns in a Hopfield network, flip a fraction of their bits, recall them, "
            "print per-pattern accuracy and timing, and write the stored / corrupted / recalled "
            "figure. 'pictures' (default) uses camera, astronaut, horse and coffee from "
            "scikit-image; 'mnist' uses the first 0, 1 and 2 of the bundled MNIST subset."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    demo.add_argument("data", nargs="?", default="pictures", choices=["pictures", "mnist"],
                      help="what to store")
    demo.add_argument("--rule", default=None, choices=sorted(RULES),
                      help="learning rule (default: hebbian for pictures, pseudoinverse for mnist, "
                           "where plain Hebbian storage merges the correlated digits)")
    demo.add_argument("--noise", type=float, default=0.3,
                      help="fraction of bits flipped in every probe, in [0, 1]")
    demo.add_argument("--size", type=int, default=128,
                      help="pictures are resized to SIZE x SIZE (ignored for mnist, which is 28 x 28)")
    demo.add_argument("--asyn", action="store_true", help="asynchronous updates (default: synchronous)")
    demo.add_argument("--seed", type=int, default=42, help="seed of the noise and of the update order")
    demo.add_argument("--out", default="hopfield_memory.png", help="where to write the figure")
    return parser


def _fail(parser, message):
    parser.error(message)  # prints usage and the message, exits with status 2


def run_demo(data="pictures", rule=None, noise=0.3, size=128, asyn=False, seed=42,
             out="hopfield_memory.png", stream=None):
    """Run the demo and return ``(accuracies, recall_seconds)``; see the module docstring."""
    import hebbmem as hm
    from hebbmem import datasets, noise as noise_mod

    stream = sys.stdout if stream is None else stream
    t_start = time.perf_counter()
    if data == "pictures":
        names = ("camera", "astronaut", "horse", "coffee")
        stored = datasets.load_pictures(names, size=size)
        shape = (size, size)
        labels = list(names)
        rule = rule or "hebbian"
    else:
        images, digit_labels = datasets.load_mnist()
        digits = (0, 1, 2)
        stored = np.stack([datasets.binarize(images[np.flatnonzero(digit_labels == d)[0]]).reshape(-1)
                           for d in digits])
        shape = (28, 28)
        labels = [f"digit {d}" for d in digits]
        rule = rule or "pseudoinverse"
    t_data = time.perf_counter() - t_start

    n = stored.shape[1]
    model = hm.HopfieldNetwork(n, asyn=asyn, seed=seed)
    trainer = hm.Trainer(model, getattr(hm, RULES[rule])())
    t0 = time.perf_counter()
    trainer.train(stored)
    t_train = time.perf_counter() - t0
    corrupted = noise_mod.flip_fraction(stored, noise, rng=seed)
    t0 = time.perf_counter()
    info = trainer.predict_batch(corrupted, return_info=True)
    t_first = time.perf_counter() - t0  # includes loading Numba and the compiled kernels
    t0 = time.perf_counter()
    trainer.predict_batch(corrupted)
    t_recall = time.perf_counter() - t0
    recalled = info.states
    accuracy = np.mean(recalled == stored, axis=1)

    print(f"hebbmem demo: {len(stored)} {data} of {n:,} neurons, rule={rule}, "
          f"{'async' if asyn else 'sync'}, {noise:.0%} of bits flipped", file=stream)
    for label, acc, it, conv in zip(labels, accuracy, info.n_iter, info.converged):
        print(f"  {label:<10} recalled {acc:7.2%} of bits right  "
              f"({it} {'sweeps' if asyn else 'iterations'}, {'converged' if conv else 'not converged'})",
              file=stream)
    print(f"  load {t_data * 1e3:.0f} ms, train {t_train * 1e3:.1f} ms, recall {t_recall * 1e3:.1f} ms "
          f"({info.path}; the first call took {t_first * 1e3:.0f} ms, loading Numba and the kernels)",
          file=stream)

    if out:
        import matplotlib

        matplotlib.use("Agg")
        from hebbmem import plotting

        fig = plotting.plot_recall(stored, corrupted, recalled, shape=shape, row_labels=labels)
        fig.savefig(out, dpi=100)
        print(f"  figure written to {out}", file=stream)
    return accuracy, t_recall


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command != "demo":
        parser.print_help()
        return 0 if argv == [] else 2
    if not 0.0 <= args.noise <= 1.0:
        _fail(parser, f"--noise must be a fraction between 0 and 1 (0.3 flips 30 % of bits); got {args.noise}.")
    if args.size < 2:
        _fail(parser, f"--size must be at least 2 pixels; got {args.size}.")
    run_demo(args.data, args.rule, args.noise, args.size, args.asyn, args.seed, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
