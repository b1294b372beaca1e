"""Time-to-quality of a training run, from its log: when did validation accuracy reach a target?

    python benchmarks/time_to_quality.py runs/default/log.jsonl --target 0.89

Reads the ``log.jsonl`` that ``num2vec train`` writes at every evaluation
(500 held-out ``valid`` sequences of the training distribution), and prints
the curve (step, sequences seen, minutes of training, validation accuracy) and
the first evaluation at or above each target. Minutes are the summed wall time
of the training steps (``train_seconds``; logs of older runs without it are
integrated from their sequences/s), so evaluations and pauses do not count.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def load_curve(path: Path) -> list[dict]:
    """``[{step, seen, minutes, valid_accuracy}]`` from a run's log.jsonl."""
    rows, elapsed, last_seen, offset = [], 0.0, 0, 0.0
    for line in path.read_text().splitlines():
        e = json.loads(line)
        if "train_seconds" in e:
            if e["train_seconds"] + offset < elapsed:  # resumed from a checkpoint written before the field existed
                offset = elapsed + (e["seen"] - last_seen) / e["seq_per_s"] - e["train_seconds"]
            elapsed = e["train_seconds"] + offset
        else:  # seq_per_s is the average since the process started: integrate interval by interval
            elapsed += (e["seen"] - last_seen) / e["seq_per_s"]
        last_seen = e["seen"]
        rows.append({"step": e["step"], "seen": e["seen"], "minutes": elapsed / 60,
                     "valid_accuracy": e["valid_accuracy"]})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("log", type=Path)
    ap.add_argument("--target", type=float, action="append", default=None,
                    help="validation accuracy to reach (repeatable) [default: 0.8, 0.85, 0.9 and the final one]")
    args = ap.parse_args()
    curve = load_curve(args.log)
    if not curve:
        raise SystemExit(f"{args.log} holds no evaluations yet")
    print("| step | sequences | minutes | valid accuracy |\n| --- | --- | --- | --- |")
    for r in curve:
        print(f"| {r['step']} | {r['seen']:,} | {r['minutes']:.1f} | {r['valid_accuracy'] * 100:.1f} % |")
    targets = args.target or [0.8, 0.85, 0.9, curve[-1]["valid_accuracy"]]
    print()
    for t in sorted(set(targets)):
        hit = next((r for r in curve if r["valid_accuracy"] >= t), None)
        where = f"{hit['minutes']:.1f} min (step {hit['step']}, {hit['seen']:,} sequences)" if hit else "not reached"
        print(f"valid accuracy >= {t * 100:.1f} %: {where}")


if __name__ == "__main__":
    main()
