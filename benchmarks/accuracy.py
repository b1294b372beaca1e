"""Next-term accuracy of a model on held-out sequences, and training throughput.

    python benchmarks/accuracy.py                    # the bundled model, 3000 sequences per distribution
    python benchmarks/accuracy.py --model runs/default/model --count 500

Prints, for each distribution, the exact-match accuracy of the 8th term given
the first 7 (overall and per family) beside the rule-based solver, then the
training throughput of the default and tiny presets (sequences/s, one thread,
median of timed steps after warm-up). Fixed seeds: the same command gives the
same accuracy figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time

import torch


def training_throughput(preset: str, steps: int = 20, warmup: int = 3) -> dict:
    from num2vec.training import Trainer, make_config

    trainer = Trainer(make_config(preset, out_dir="/tmp/num2vec-bench"), device="cpu", progress=False)
    for _ in range(warmup):
        trainer.train_step()
    times, data = [], []
    for _ in range(steps):
        s = trainer.train_step()
        times.append(s["step_time"])
        data.append(s["data_time"])
    bs = trainer.cfg.batch_size
    return {"preset": preset, "batch_size": bs, "steps": steps, "seq_per_s": bs / statistics.median(times),
            "data_share": sum(data) / sum(times)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--distributions", default="mixed,original,families")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--no-throughput", action="store_true")
    ap.add_argument("--json", default=None, help="also write the results to this JSON file")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    from num2vec import Num2Vec
    from num2vec.evaluation import evaluate_model, format_report

    model = Num2Vec.from_pretrained(args.model)
    print(f"machine: {platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{args.threads} thread(s)\n")
    results = {"evaluations": [], "throughput": []}
    for dist in args.distributions.split(","):
        r = evaluate_model(model, count=args.count, distribution=dist)
        results["evaluations"].append(r)
        print(format_report(r), "\n")
    if not args.no_throughput:
        for preset in ("default", "tiny"):
            t0 = time.perf_counter()
            r = training_throughput(preset)
            results["throughput"].append(r)
            print(f"training throughput, preset {preset}: {r['seq_per_s']:.0f} sequences/s "
                  f"(batch {r['batch_size']}, median of {r['steps']} steps, data generation "
                  f"{r['data_share'] * 100:.1f} % of step time; {time.perf_counter() - t0:.0f} s)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
