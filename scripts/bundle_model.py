"""Copy a trained run's model into the package as the bundled default model, with its model card.

    python scripts/bundle_model.py runs/default --wall-minutes 101 --machine "2-core x86-64 CPU, 1 thread"

Evaluates the model on the held-out test split (3000 8-term sequences of the
``mixed`` distribution; the first 7 given, the 8th predicted), then writes
``src/num2vec/pretrained/`` (config.json with the training and evaluation
figures, model.safetensors, README.md model card).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from num2vec.api import Num2Vec, bundled_model_path
from num2vec.evaluation import evaluate_model

COMMAND = "num2vec train --preset default --out runs/default --threads 1"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path, help="run folder (holds model/)")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--wall-minutes", type=float, default=None)
    ap.add_argument("--machine", default="2-core x86-64 CPU, one PyTorch thread")
    ap.add_argument("--dest", type=Path, default=bundled_model_path())
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = Num2Vec.from_pretrained(args.run / "model")
    report = evaluate_model(model, count=args.count, distribution="mixed", top_k=5)
    training = dict(model.config.get("training", {}))
    training["command"] = COMMAND
    training["machine"] = args.machine
    if args.wall_minutes:
        training["wall_seconds"] = args.wall_minutes * 60
    model.config["training"] = training
    model.config["evaluation"] = {
        "command": "num2vec evaluate --count 3000 --distribution mixed",
        "size": report["size"], "accuracy": report["accuracy"], "top_k_accuracy": report["top_k_accuracy"],
        "solver_accuracy": report["solver_accuracy"],
        "families": {f: d["model"] for f, d in report["families"].items()},
        "counts": {f: d["n"] for f, d in report["families"].items()},
    }
    model.save_pretrained(args.dest)
    print(f"bundled into {args.dest}: accuracy {report['accuracy']:.4f}, top-5 {report['top_k_accuracy']:.4f}, "
          f"solver {report['solver_accuracy']:.4f}")


if __name__ == "__main__":
    main()
