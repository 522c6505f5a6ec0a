"""Storkey in low-rank form (issue 10, item 12): train + recall time and peak RSS, in fresh processes.

    python benchmarks/run.py --only storkey --no-canns

Rows (each sample is a fresh child process, so its peak RSS is its own):

* the demo's workload, ``hebbmem demo --rule storkey``: the four scikit-image
  pictures at 128 x 128 (N = 16,384, P = 4), 4 probes at 30 % noise, sync;
  hebbmem's Storkey (low-rank factors) against the dense Storkey hebbmem had
  before issue 10 (kept below, verbatim, as the reference: an N x N float64
  matrix, recalled with dense storage);
* N = 1,000,000, P = 10 random patterns, 10 probes at 20 % noise, sync:
  hebbmem only (a dense W would take 8 TB).

canns 1.5.0 has no Storkey rule (its ``canns.trainer`` offers Hebbian,
anti-Hebbian and the plasticity rules), so there is no canns row.

Child mode (used by the parent)::

    python benchmarks/_trust.py --case lowrank|dense --data pictures|random --n N --p P --b B
        --noise F --rounds K --output OUT.json
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def _dense_storkey_before_issue_10(X):
    """hebbmem's Storkey before issue 10 (git 749b76b), verbatim: rank-2 factors, then one N x N product."""
    import numpy as np

    P, N = X.shape
    A = np.zeros((N, 2 * P))
    B = np.zeros((N, 2 * P))
    f = np.zeros(N)
    growth = 1.0 + 2.0 / N
    for nu, x in enumerate(X):
        k = 2 * nu
        h = A[:, :k] @ (B[:, :k].T @ x) - f * x  # h = W x
        B[:, :k] *= growth
        A[:, k], A[:, k + 1] = x, h
        B[:, k], B[:, k + 1] = (x - h) / N, -x / N
        f = growth * f + (x * (x - h) - h * x) / N
    W = A @ B.T
    W[np.diag_indices(N)] = 0.0
    W = 0.5 * (W + W.T)  # equal in exact arithmetic; remove rounding asymmetry
    return W


def _child(args):
    import numpy as np

    sys.path.insert(0, HERE)
    import hebbmem as hm
    from _harness import vmhwm_mib
    from _workloads import corrupt, random_patterns

    rng = np.random.default_rng(args.seed)
    if args.data == "pictures":
        from hebbmem.datasets import load_pictures

        X = load_pictures(size=128)
    else:
        X = random_patterns(rng, args.p, args.n)
    probes, targets = corrupt(rng, X, args.b, args.noise)
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[1]
    train_t, recall_t, bits = [], [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        if args.case == "lowrank":
            model = hm.HopfieldNetwork(n, seed=0)
            hm.Trainer(model, hm.Storkey()).train(X)
        else:
            W = _dense_storkey_before_issue_10(X)
            model = hm.HopfieldNetwork(n, storage="dense", seed=0)
            model.W = W
            del W
        t1 = time.perf_counter()
        out = model.recall(probes, compiled=True)
        t2 = time.perf_counter()
        train_t.append(t1 - t0)
        recall_t.append(t2 - t1)
        bits.append(float(np.mean(out == X[targets])))
        rep = model._weights
        del model
    result = {"train": train_t, "recall": recall_t, "bits_right": bits, "peak_rss_mib": vmhwm_mib(),
              "kind": rep.kind, "rank": getattr(rep, "rank", None), "n": n, "p": X.shape[0]}
    with open(args.output, "w") as f:
        json.dump(result, f)


def _run_child(ctx, case, data, n, p, b, noise, rounds, tag):
    out = os.path.join(ctx.workdir, f"storkey_{tag}.json")
    cmd = [sys.executable, os.path.abspath(__file__), "--case", case, "--data", data, "--n", str(n), "--p", str(p),
           "--b", str(b), "--noise", str(noise), "--rounds", str(rounds), "--output", out]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        return {"ok": False, "error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed",
                "process": wall}
    with open(out) as f:
        r = json.load(f)
    r.update(ok=True, process=wall)
    return r


def storkey(ctx):
    from _harness import fmt_ratio, fmt_time

    ctx.log("[storkey] Storkey low-rank vs the dense Storkey of before issue 10, fresh processes")
    rounds = 3 if ctx.quick else 5
    raw = {}
    ctx.log("    demo workload (N = 16,384, P = 4): hebbmem low-rank")
    raw["demo_lowrank"] = _run_child(ctx, "lowrank", "pictures", 16384, 4, 4, 0.3, rounds, "demo_lowrank")
    ctx.log("    demo workload: dense Storkey of before issue 10 (about half a minute)")
    raw["demo_dense"] = _run_child(ctx, "dense", "pictures", 16384, 4, 4, 0.3, 1, "demo_dense")
    million = []
    for k in range(1 if ctx.quick else 2):
        ctx.log(f"    N = 1,000,000, P = 10: hebbmem low-rank (fresh process {k + 1})")
        million.append(_run_child(ctx, "lowrank", "random", 1_000_000, 10, 10, 0.2, 1, f"million{k}"))
    raw["million"] = million

    def row(label, variant, r, ratio_to=None):
        if not r.get("ok"):
            return [label, variant, "failed", "", "", "", "", r.get("error", "")]
        total = [a + b for a, b in zip(r["train"], r["recall"])]
        ratio = "" if ratio_to is None else fmt_ratio(min(ratio_to) / min(total))
        return [label, variant, f"{fmt_time(min(r['train']))} / {fmt_time(sorted(r['train'])[len(r['train']) // 2])}",
                f"{fmt_time(min(r['recall']))}", f"{fmt_time(min(total))}", ratio,
                f"{r['peak_rss_mib']:,.0f} MiB", f"{min(r['bits_right']):.4f} ({r['kind']}"
                + (f", rank {r['rank']}" if r.get("rank") is not None else "") + ")"]

    body = []
    lo, de = raw["demo_lowrank"], raw["demo_dense"]
    dense_total = [a + b for a, b in zip(de["train"], de["recall"])] if de.get("ok") else None
    body.append(row("demo: 4 pictures, N = 16,384, P = 4, 4 probes, 30 % noise", "hebbmem Storkey (low-rank)", lo))
    body.append(row("", "dense Storkey before issue 10", de))
    if dense_total and lo.get("ok"):
        lo_total = [a + b for a, b in zip(lo["train"], lo["recall"])]
        body[-1][5] = fmt_ratio(min(dense_total) / min(lo_total)) + " slower"
    for k, r in enumerate(million):
        body.append(row("N = 1,000,000, P = 10, 10 probes, 20 % noise" if k == 0 else "",
                        f"hebbmem Storkey (low-rank), process {k + 1}", r))
    body.append(["", "dense Storkey", "does not fit: 8 TB", "", "", "", "", ""])
    body.append(["", "canns 1.5.0", "has no Storkey rule", "", "", "", "", ""])
    header = ["workload", "variant", "train (min / median)", "recall (min)", "train + recall (min)",
              "dense ÷ low-rank", "peak RSS (process)", "bits right (storage)"]
    prose = (f"Each variant runs in a fresh child process (`benchmarks/_trust.py`); hebbmem's demo row trains "
             f"{rounds} times in its process (min / median), the dense reference once. Recall is "
             "`model.recall(probes)` (the default compiled path). Peak RSS is the child's VmHWM: the dense "
             "reference holds N x N float64 matrices (2 GiB each at N = 16,384).")
    if lo.get("ok"):
        ctx.target("Storkey train, demo workload N = 16,384, P = 4 (min)", min(lo["train"]), "<=", 0.05, "s")
        ctx.target("Storkey demo workload: no N x N array (peak RSS below one 2 GiB matrix)",
                   lo["peak_rss_mib"] < 16384 ** 2 * 8 / 2 ** 20, "", "")
    ok = [r for r in million if r.get("ok")]
    if ok:
        ctx.target("Storkey N = 10**6, P = 10: train + recall (min over processes)",
                   min(r["train"][0] + r["recall"][0] for r in ok), "<=", 10.0, "s")
        ctx.target("Storkey N = 10**6, P = 10: peak RSS of the process (max)",
                   max(r["peak_rss_mib"] for r in ok) / 1024 * 2 ** 30 / 1e9, "<=", 2.0, "GB")
    return {"sections": [("Storkey in low-rank form (issue 10, item 12)", header, body, prose)], "storkey": raw}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--case", choices=["lowrank", "dense"], required=True)
    ap.add_argument("--data", choices=["pictures", "random"], required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--p", type=int, required=True)
    ap.add_argument("--b", type=int, required=True)
    ap.add_argument("--noise", type=float, required=True)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--output", required=True)
    _child(ap.parse_args())


if __name__ == "__main__":
    main()
