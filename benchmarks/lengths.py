"""Length generalisation: next-term accuracy per family for terms of 1-10, 11-20, 21-40 and 41-100 digits.

Each cell holds 100 held-out 8-term sequences (``num2vec.data.length_heldout``; seeded, never trained on) whose
terms all have that many digits; the model predicts the 8th term from the first 7, the rule solver beside it.

    python benchmarks/lengths.py                        # the bundled model; writes benchmarks/results/lengths.json
    python benchmarks/lengths.py --model runs/x/model --count 20
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import torch
from benchmarks_common import cpu_name

from num2vec import Num2Vec
from num2vec.evaluation import evaluate_lengths, format_lengths


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    ap.add_argument("--count", type=int, default=100, help="sequences per family, band and sign")
    ap.add_argument("--beam-size", type=int, default=1)
    ap.add_argument("--json", default=str(Path(__file__).resolve().parent / "results" / "lengths.json"),
                    help="where the results go [default: benchmarks/results/lengths.json]")
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = Num2Vec.from_pretrained(args.model)
    r = evaluate_lengths(model, count=args.count, beam_size=args.beam_size)
    r["cpu"] = cpu_name()
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(r, indent=1) + "\n")
    print(format_lengths(r))
    print(f"\nmodel (solver) accuracy; {r['predict_seq_per_s']:.0f} sequences/s on {r['cpu']}, one thread")


if __name__ == "__main__":
    main()
