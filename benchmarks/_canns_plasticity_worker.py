"""Run one of canns 1.5.0's plasticity example workloads on given inputs; write times and weights as JSON.

Runs in canns' own virtualenv (hebbmem never imports canns)::

    /work/canns-venv/bin/python benchmarks/_canns_plasticity_worker.py \
        --workload oja --input data.npz --output out.json --epochs 50

Workloads, each written as canns' own example program writes it
(``examples/brain_inspired/`` in the canns repository), without the plots and
the checkpoint prints:

* ``oja`` / ``sanger``: ``LinearLayer(50, 3)``, ``OjaTrainer`` / ``SangerTrainer``
  with ``learning_rate=0.001, normalize_weights=True, compiled=True``; one
  ``trainer.train(data)`` per epoch (input ``data``, 500 x 50);
* ``bcm``: ``LinearLayer(144, 4, use_bcm_threshold=True, threshold_tau=50)``,
  ``BCMTrainer(model, learning_rate=1e-5)``; one ``trainer.train(list_of_stimuli)``
  per epoch (input ``stimuli``, 1,000 x 144);
* ``stdp``: ``SpikingLayer(20, 5, threshold=0.8, v_reset=0.0, leak=0.95,
  trace_decay=0.90)``, ``STDPTrainer(learning_rate=0.02, A_plus=0.005,
  A_minus=0.00525, w_min=0, w_max=1)``; per epoch: ``reset_state()``, then for
  each pattern ``train(pattern_seq)``, ``reset_state()`` and one ``forward`` per
  step (input ``patterns``, 100 x 50 x 20).

Output: import time, the time of every epoch (the first includes JAX's
tracing and compilation), the initial and final weights, and the spike
counts of the last epoch (STDP).
"""

import argparse
import json
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workload", required=True, choices=["oja", "sanger", "bcm", "stdp"])
    ap.add_argument("--input", required=True)
    ap.add_argument("--output", required=True)
    ap.add_argument("--epochs", type=int, required=True)
    args = ap.parse_args()

    t0 = time.perf_counter()
    import brainpy.math as bm
    import numpy as np

    from canns.models.brain_inspired import LinearLayer, SpikingLayer
    from canns.trainer import BCMTrainer, OjaTrainer, SangerTrainer, STDPTrainer
    t_import = time.perf_counter() - t0

    np.random.seed(42)
    bm.random.seed(42)
    data = np.load(args.input)
    epoch_times = []
    extra = {}
    if args.workload in ("oja", "sanger"):
        X = data["data"]
        model = LinearLayer(input_size=X.shape[1], output_size=3)
        cls = OjaTrainer if args.workload == "oja" else SangerTrainer
        trainer = cls(model, learning_rate=0.001, normalize_weights=True, compiled=True)
        W0 = np.asarray(model.W.value).copy()
        for _ in range(args.epochs):
            t = time.perf_counter()
            trainer.train(X)
            np.asarray(model.W.value)  # wait for JAX
            epoch_times.append(time.perf_counter() - t)
    elif args.workload == "bcm":
        stimuli = list(data["stimuli"].astype(np.float32))
        model = LinearLayer(input_size=len(stimuli[0]), output_size=4, use_bcm_threshold=True,
                            threshold_tau=50.0)
        trainer = BCMTrainer(model, learning_rate=0.00001)
        W0 = np.asarray(model.W.value).copy()
        for _ in range(args.epochs):
            t = time.perf_counter()
            trainer.train(stimuli)
            np.asarray(model.W.value)
            epoch_times.append(time.perf_counter() - t)
        extra["theta"] = np.asarray(model.theta.value).tolist()
    else:
        patterns = [list(p.astype(np.float32)) for p in data["patterns"]]
        model = SpikingLayer(input_size=len(patterns[0][0]), output_size=5, threshold=0.8, v_reset=0.0,
                             leak=0.95, trace_decay=0.90, dt=1.0)
        W0 = np.asarray(model.W.value).copy()
        trainer = STDPTrainer(model, learning_rate=0.02, A_plus=0.005, A_minus=0.00525, w_min=0.0,
                              w_max=1.0, compiled=True)
        counts = []
        for _ in range(args.epochs):
            t = time.perf_counter()
            model.reset_state()
            counts = []
            for pattern_seq in patterns:
                trainer.train(pattern_seq)
                pattern_spikes = []
                model.reset_state()
                for spike_input in pattern_seq:
                    pattern_spikes.append(model.forward(spike_input))
                counts.append(float(np.sum(pattern_spikes)))
            epoch_times.append(time.perf_counter() - t)
        extra["spike_counts_last_epoch"] = counts
    import importlib.metadata as md

    report = {"workload": args.workload, "epochs": args.epochs, "t_import": t_import,
              "epoch_times": epoch_times, "t_loop": sum(epoch_times),
              "W0": W0.tolist(), "W": np.asarray(model.W.value).tolist(),
              "versions": {p: md.version(p) for p in ("canns", "jax", "brainpy")}, **extra}
    with open(args.output, "w") as f:
        json.dump(report, f)


if __name__ == "__main__":
    main()
