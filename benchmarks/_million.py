"""One million neurons through the seed API, in a fresh process (run by benchmarks/run.py).

    python benchmarks/_million.py --n 1000000 --p 10 --b 10 --noise 0.2 --seed 4 [--asyn] --output OUT.json

Draws P random +-1 patterns and B probes with ``numpy.random.default_rng``,
then does exactly what the seed tutorials do: ``AmariHopfieldNetwork``,
``model.init_state()``, ``HebbianTrainer(model)``, ``train(list)``,
``predict_batch(list)``. It reports the time of train + recall, how many probes
came back exactly, and the recall path; the caller measures the whole process
(wall time, peak RSS) from outside.
"""

import argparse
import json
import time


def _vmhwm_mib():
    """Peak RSS of this process's own address space (VmHWM), in MiB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--p", type=int, default=10)
    ap.add_argument("--b", type=int, default=10)
    ap.add_argument("--noise", type=float, default=0.2)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--asyn", action="store_true")
    ap.add_argument("--output", required=True)
    args = ap.parse_args()

    t_start = time.perf_counter()
    import numpy as np

    from hebbmem.models.brain_inspired import AmariHopfieldNetwork
    from hebbmem.trainer import HebbianTrainer

    t_import = time.perf_counter() - t_start

    rng = np.random.default_rng(args.seed)
    patterns = np.where(rng.random((args.p, args.n), dtype=np.float32) < 0.5, 1.0, -1.0).astype(np.float32)
    targets = np.arange(args.b) % args.p
    probes = patterns[targets].copy()
    n_flip = int(round(args.noise * args.n))
    for b in range(args.b):
        probes[b, rng.choice(args.n, n_flip, replace=False)] *= -1

    t0 = time.perf_counter()
    model = AmariHopfieldNetwork(num_neurons=args.n, asyn=args.asyn, activation="sign")
    model.init_state()
    trainer = HebbianTrainer(model)
    trainer.train(list(patterns))
    t1 = time.perf_counter()
    recalled = trainer.predict_batch(list(probes))
    t2 = time.perf_counter()
    info = trainer.predict_batch(list(probes), return_info=True)  # untimed: iterations and path

    report = {
        "n": args.n, "p": args.p, "b": args.b, "noise": args.noise, "asyn": args.asyn,
        "t_import": t_import, "t_train": t1 - t0, "t_recall": t2 - t1, "t_train_recall": t2 - t0,
        "exact": int((recalled == patterns[targets]).all(axis=1).sum()),
        "bits_right_min": float((recalled == patterns[targets]).mean(axis=1).min()),
        "n_iter": info.n_iter.tolist(), "path": info.path,
        "dense_bytes_would_be": args.n * args.n * 4,
        "vmhwm_mib": _vmhwm_mib(),
    }
    with open(args.output, "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
