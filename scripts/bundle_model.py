"""Copy a trained run's model into the package as the bundled default model, with its model card.

    python scripts/bundle_model.py runs/default --wall-minutes 101 --machine "2-core x86-64 CPU, 1 thread"

Fits the confidence calibration on the real-sequence catalog's development half
first (the top-5 figures are the calibrated ranking's five best), then scores the
model beside the rule solver on every held-out evaluation the README
reports -- the training mixture, the original project's distribution, the
post's families, 15 given terms, terms of up to 15 digits, signed sequences and
those crossing zero, the extended families (3000 sequences each), the curated
real sequences, the length benchmark (terms of 1-100 digits) -- and the k-NN
pattern-type accuracy of its sequence embeddings, and runs the
real-sequence benchmark (model, rule solver, sympy) on the catalog's held-out half;
writes each report to ``benchmarks/results/eval_*.txt`` and
``src/num2vec/pretrained/`` (config.json with the training and evaluation
figures, model.safetensors, README.md model card).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import torch

from num2vec.api import Num2Vec, bundled_model_path
from num2vec.evaluation import (
    evaluate_catalog,
    evaluate_lengths,
    evaluate_model,
    format_catalog_report,
    format_lengths,
    format_report,
)
from num2vec.patterns import REFERENCE_SIZE, knn_accuracy, real_knn_accuracy

COMMAND = "num2vec train --preset default --out runs/default --threads 1"  # the run's own command goes in --command

# (name, the CLI command that reproduces it, evaluate_model arguments)
EVALUATIONS = [
    ("mixed", "num2vec evaluate", dict(distribution="mixed")),
    ("original", "num2vec evaluate --distribution original", dict(distribution="original")),
    ("original_beam4", "num2vec evaluate --distribution original --beam-size 4",
     dict(distribution="original", beam_size=4)),
    ("families", "num2vec evaluate --distribution families", dict(distribution="families")),
    ("length16", "num2vec evaluate --length 16", dict(distribution="mixed", length=16)),
    ("long_numbers", "num2vec evaluate --distribution families --max-value 1000000000000000",
     dict(distribution="families", max_value=10**15)),
    ("signed", "num2vec evaluate --signed", dict(distribution="mixed", signed=True)),
    ("crossing_zero", "num2vec evaluate --crossing-zero", dict(distribution="mixed", crossing_zero=True)),
    ("extended", "num2vec evaluate --distribution extended", dict(distribution="extended")),
]


def card_header(model: Num2Vec, evaluations: list[dict]) -> str:
    """The model card's opening: what the model is, its size, inputs, outputs, intended use and limits."""
    cfg = model.net.cfg
    params = sum(p.numel() for p in model.net.parameters())
    acc = {ev["name"]: ev["accuracy"] for ev in evaluations}
    sign = "any sign" if cfg.allow_negative else "non-negative"
    return f"""# num2vec: the bundled model

The model that `Num2Vec.from_pretrained()` loads when no folder is given: a digit-level encoder RNN, a nested RNN
and a digit-level decoder RNN, trained together to predict the next term of integer sequences. Its encoder gives
{cfg.d_model}-d number embeddings, its nested RNN {cfg.nest_hidden}-d sequence embeddings.

- **Parameters:** {params:,} (float32, `model.safetensors` {params * 4 / 1e6:.1f} MB).
- **Input:** integer sequences of 2 to 1,000 terms; each term an integer of {sign} with up to 4,000 digits (a
  resource guard; the candidate columns are exact at every size).
- **Output:** the next term (greedy or beam search; a sequence that visibly repeats itself is continued by its
  period), number embeddings, sequence and pattern embeddings.
- **Intended use:** next-term prediction for sequences like the training families; integer features for other
  models; research on numeracy of learned representations.
- **Confidence:** probabilities are calibrated on the development half of the real-sequence catalog
  (`scripts/calibrate.py`); `min_confidence=` / `--min-confidence` turn answers below a threshold into "no
  confident prediction".
- **Limits:** sequences unlike the training families are often wrong: {acc.get('real', 0) * 100:.1f} % on
  the {next((ev['size'] for ev in evaluations if ev['name'] == 'real'), 0)} well-known sequences of `num2vec.catalog`
  (both halves, given 10 terms, the network's greedy answer alone; the network knows no arithmetic function such as
  the primes or the divisor counts, which the calibrated ranking adds from `num2vec.integer_functions` and
  `num2vec.guess`);
  training saw terms below 10^7 and batches of start values up to 40 digits.

"""


def _load_script(path: Path, name: str):
    """Import a script of the repository (benchmarks/, scripts/) as a module."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path, help="run folder (holds model/)")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--wall-minutes", type=float, default=None)
    ap.add_argument("--machine", default="2-core x86-64 CPU, one PyTorch thread")
    ap.add_argument("--command", default=COMMAND, help="the command(s) that trained the run [default: %(default)s]")
    ap.add_argument("--note", default=None, help="anything else the model card should say about the run")
    ap.add_argument("--dest", type=Path, default=bundled_model_path())
    ap.add_argument("--results", type=Path, default=Path("benchmarks/results"))
    args = ap.parse_args()
    torch.set_num_threads(1)
    model = Num2Vec.from_pretrained(args.run / "model")
    args.results.mkdir(parents=True, exist_ok=True)
    # confidence first, fitted on the catalog's development half: the top-5 figures below are its ranking
    calibrate = _load_script(Path(__file__).resolve().parent / "calibrate.py", "calibrate")
    from num2vec.catalog import CATEGORIES, split

    dev = split("dev")
    data = calibrate.collect(model, dev, list(calibrate.GIVEN))
    cal = calibrate.fit_calibration(data, calibrate.fitted_on(len(dev), calibrate.GIVEN, data))
    model.calibration = cal
    model.config["calibration"] = cal.to_dict()
    evaluations = []
    for name, command, kwargs in EVALUATIONS:
        if (kwargs.get("signed") or kwargs.get("crossing_zero")) and not model.net.cfg.allow_negative:
            continue
        r = evaluate_model(model, count=args.count, top_k=5, **kwargs)
        (args.results / f"eval_{name}.txt").write_text(format_report(r) + "\n")
        evaluations.append({
            "name": name, "command": command, "size": r["size"], "accuracy": r["accuracy"],
            "top_k_accuracy": r["top_k_accuracy"], "solver_accuracy": r["solver_accuracy"],
            "families": {f: d["model"] for f, d in r["families"].items()},
            "solver_families": {f: d["solver"] for f, d in r["families"].items()},
            "counts": {f: d["n"] for f, d in r["families"].items()},
        })
        print(f"{name}: model {r['accuracy']:.4f} top-5 {r['top_k_accuracy']:.4f} solver {r['solver_accuracy']:.4f}",
              flush=True)
    real = evaluate_catalog(model)
    (args.results / "eval_real.txt").write_text(format_catalog_report(real) + "\n")
    evaluations.append({"name": "real", "command": "num2vec evaluate --real", "size": real["size"],
                        "accuracy": real["accuracy"], "top_k_accuracy": None,
                        "solver_accuracy": real["solver_accuracy"]})
    print(f"real: model {real['accuracy']:.4f} solver {real['solver_accuracy']:.4f}", flush=True)
    lengths = evaluate_lengths(model)
    lengths["command"] = "python benchmarks/lengths.py"
    (args.results / "lengths.md").write_text(format_lengths(lengths) + "\n")
    print(format_lengths(lengths), flush=True)
    knn = {k: knn_accuracy(model, k=k) for k in (1, 5, 10)}
    knn_family = knn_accuracy(model, k=5, label="family")
    knn_real = real_knn_accuracy(model, "heldout", k=10)
    (args.results / "knn.txt").write_text("".join(f"k={k}: pattern type {v:.3f}\n" for k, v in knn.items())
                                          + f"k=5: generator family {knn_family:.3f}\n"
                                          + f"k=10: pattern type of {knn_real['n']} held-out catalog sequences "
                                            f"{knn_real['accuracy']:.3f}\n")
    print(f"k-NN pattern type: {knn}; real sequences: {knn_real['accuracy']:.4f} of {knn_real['n']}", flush=True)

    # the real-sequence benchmark on the held-out half, with the calibration fitted above
    real_bench = _load_script(Path(__file__).resolve().parents[1] / "benchmarks" / "real_sequences.py", "real_bench")
    heldout = split("heldout")
    out = real_bench.run(heldout, model, [10, 5], sympy_timeout=10.0)
    categories = [c for c in CATEGORIES if any(s.category == c for s in heldout)]
    summary = real_bench.summarise(out["rows"], [10, 5], categories)
    (args.results / "real_heldout_summary.json").write_text(json.dumps(summary, indent=1) + "\n")
    model.config["real_sequences"] = {
        "command": "python benchmarks/real_sequences.py", "split": "heldout", "sequences": len(heldout),
        "given": {g: {k: v for k, v in t["all"].items()} for g, t in summary.items()}}
    for g, t in summary.items():
        a = t["all"]
        print(f"real heldout given {g}: model top-1 {a['model_top1']:.3f} top-3 {a['model_top3']:.3f}, solver "
              f"{a['solver_top1']:.3f}, sympy {a['sympy_top1']:.3f}, calibration {a.get('calibration')}", flush=True)

    training = dict(model.config.get("training", {}))
    training["command"] = args.command
    training["machine"] = args.machine
    if args.wall_minutes:
        training["wall_seconds"] = args.wall_minutes * 60
    if args.note:
        training["note"] = args.note
    model.config["training"] = training
    model.config.pop("evaluation", None)
    model.config["evaluations"] = evaluations
    model.config["length_generalisation"] = {k: v for k, v in lengths.items() if k != "predict_seq_per_s"}
    model.config["embeddings"] = {"knn_pattern_accuracy": knn, "knn_family_accuracy_k5": knn_family,
                                  "references": REFERENCE_SIZE,
                                  "command": "python -c \"from num2vec import Num2Vec; from num2vec.patterns import "
                                             "knn_accuracy; print(knn_accuracy(Num2Vec.from_pretrained(), k=5))\"",
                                  "knn_real_pattern_accuracy": {k: knn_real[k] for k in ("accuracy", "n", "skipped")}
                                  | {"per_pattern": {p: list(v) for p, v in knn_real["per_pattern"].items()}},
                                  "real_command": "python -c \"from num2vec import Num2Vec; from num2vec.patterns import "
                                                  "real_knn_accuracy; print(real_knn_accuracy(Num2Vec.from_pretrained(), "
                                                  "'heldout', k=10))\""}
    model.save_pretrained(args.dest)
    card = (args.dest / "README.md").read_text()
    (args.dest / "README.md").write_text(card_header(model, evaluations) + card.split("\n", 5)[5])
    table = ["| command | n | model | top-5 | rule solver |", "| --- | --- | --- | --- | --- |"]
    for ev in evaluations:
        top = "–" if ev["top_k_accuracy"] is None else f"{ev['top_k_accuracy'] * 100:.1f} %"
        table.append(f"| `{ev['command']}` | {ev['size']} | **{ev['accuracy'] * 100:.2f} %** | {top} | "
                     f"{ev['solver_accuracy'] * 100:.1f} % |")
    (args.results / "bundled.md").write_text("\n".join(table) + "\n")
    print("\n".join(table))
    print(f"bundled into {args.dest}")


if __name__ == "__main__":
    main()
