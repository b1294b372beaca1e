"""Ablation of the model's switches at an equal training budget.

    python benchmarks/ablation.py --steps 1500 --output docs/ablation.md

Each variant trains the same small base configuration for the same number of
steps (same seed, same data stream), then predicts the last term of 1000
held-out 8-term sequences of the ``original`` and ``mixed`` distributions.
Results go to a JSON file as they come (``--results``, re-running skips the
variants already there) and to a Markdown table. Throughput is measured on
whatever else the machine is doing, so the JSON's sequences/s are indicative
only and the table leaves them out (``benchmarks/speed.py`` measures speed).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

# every switch spelled out, so that the presets' choices never leak into the base
# exclude="sequences": the rule the table in docs/ablation.md was measured with (the default is now "targets")
BASE = dict(batch_size=128, lr=3e-3, warmup_steps=100, eval_every=10**9, checkpoint_every=10**9, max_length=10,
            sampling_max=0.0, exclude="sequences",
            model=dict(d_digit=24, d_model=96, enc_hidden=96, nest_hidden=128, dec_hidden=128, context_numbers=8,
                       d_column=12, cell="gru", enc_layers=1, nest_layers=1, dec_layers=1, bidirectional=False,
                       attention="none", difference_orders=0, pattern_classes=0, number_properties=False,
                       nested_differences=0, extrapolations=0, ratio_extrapolations=0,
                       recurrence_extrapolations=0, magnitude_channel=False, period_extrapolations=0))
# the structural switches: bidirectional encoder, attention over the nested outputs, difference columns, heads,
# the nested RNN reading differences
QUALITY = {"exclude": "targets", "model": {"bidirectional": True, "attention": "numbers", "difference_orders": 2,
                                           "pattern_classes": 6, "number_properties": True, "nested_differences": 2}}
# on top of QUALITY: columns up to the 6th difference, then the magnitude channel; the period columns on top of those
# are the bundled model's switches (its holonomic, ratio-series and every-other-term columns are not ablated here)
_E6_R2_P2 = QUALITY["model"] | {"extrapolations": 6, "ratio_extrapolations": 2, "recurrence_extrapolations": 2}
_BUNDLED = _E6_R2_P2 | {"magnitude_channel": True}

VARIANTS: dict[str, dict] = {
    "base (digit columns K=8; GRU)": {},
    "no digit columns (the post's architecture)": {"model": {"context_numbers": 0}},
    "digit columns K=3": {"model": {"context_numbers": 3}},
    "difference columns D=1": {"model": {"difference_orders": 1}},
    "difference columns D=2": {"model": {"difference_orders": 2}},
    "pattern head (auxiliary loss 0.1)": {"model": {"pattern_classes": 6}},
    "number-property head (auxiliary loss 0.1)": {"model": {"number_properties": True}},
    "nested RNN reads differences N=2": {"model": {"nested_differences": 2}},
    "exclusion: held-out targets masked": {"exclude": "targets"},
    "attention: digits": {"model": {"attention": "digits"}},
    "attention: numbers": {"model": {"attention": "numbers"}},
    "attention: both; no digit columns": {"model": {"attention": "both", "context_numbers": 0}},
    "bidirectional encoder": {"model": {"bidirectional": True}},
    "stacked: 2 layers each": {"model": {"enc_layers": 2, "nest_layers": 2, "dec_layers": 2}},
    "LSTM cells": {"model": {"cell": "lstm"}},
    "scheduled sampling 0.25": {"sampling_max": 0.25},
    "combined: bidirectional; 2 layers; attention numbers": {
        "model": {"bidirectional": True, "enc_layers": 2, "nest_layers": 2, "dec_layers": 2, "attention": "numbers"}},
    "combined: bidirectional; attention numbers; D=2; pattern head": {
        "model": {"bidirectional": True, "attention": "numbers", "difference_orders": 2, "pattern_classes": 6}},
    "combined: the above; property head; targets masked": {
        "exclude": "targets", "model": {"bidirectional": True, "attention": "numbers", "difference_orders": 2,
                                        "pattern_classes": 6, "number_properties": True}},
    "combined: the above; nested differences N=2": {
        "exclude": "targets", "model": {"bidirectional": True, "attention": "numbers", "difference_orders": 2,
                                        "pattern_classes": 6, "number_properties": True, "nested_differences": 2}},
    "combined: the above; nested differences N=2; difference columns D=3": {
        "exclude": "targets", "model": {"bidirectional": True, "attention": "numbers", "difference_orders": 3,
                                        "pattern_classes": 6, "number_properties": True, "nested_differences": 2}},
    # rows from here on were trained on batches drawn per step (StepBatches): other samples of the same
    # distribution than the rows above, so compare them with each other
    "per-step batches: the quality preset's switches": QUALITY,
    "per-step batches: the quality preset's switches; extrapolation columns E=3": {
        **QUALITY, "model": QUALITY["model"] | {"extrapolations": 3}},
    "per-step batches: base; extrapolation columns E=3": {"model": {"extrapolations": 3}},
    "per-step batches: the quality preset's switches; extrapolation columns E=3; ratio columns R=2": {
        **QUALITY, "model": QUALITY["model"] | {"extrapolations": 3, "ratio_extrapolations": 2}},
    "per-step batches: the quality preset's switches; E=3; R=2; recurrence columns P=2": {
        **QUALITY, "model": QUALITY["model"] | {"extrapolations": 3, "ratio_extrapolations": 2,
                                                "recurrence_extrapolations": 2}},
    "per-step batches: the quality preset's switches; E=6; R=2; P=2": {**QUALITY, "model": _E6_R2_P2},
    "per-step batches: the quality preset's switches; E=6; R=2; P=2; magnitude channel (the default preset's)": {
        **QUALITY, "model": _BUNDLED},
    "per-step batches: the default preset's switches; period columns Q=5": {
        **QUALITY, "model": _BUNDLED | {"period_extrapolations": 5}},
}


def run_variant(name: str, steps: int, count: int) -> dict:
    from num2vec.api import Num2Vec
    from num2vec.evaluation import evaluate_model
    from num2vec.training import Trainer, make_config

    over = json.loads(json.dumps(BASE))
    extra = VARIANTS[name]
    over["model"].update(extra.get("model", {}))
    over.update({k: v for k, v in extra.items() if k != "model"})
    cfg = make_config("default", out_dir=f"/tmp/num2vec-ablation/{abs(hash(name))}", steps=steps, **over)
    trainer = Trainer(cfg, device="cpu", progress=False)
    t0 = time.perf_counter()
    for _ in range(steps):
        trainer.train_step()
    wall = time.perf_counter() - t0
    model = Num2Vec(trainer.net)
    res = {"variant": name, "steps": steps, "wall_s": wall, "seq_per_s": steps * cfg.batch_size / wall,
           "params": sum(p.numel() for p in trainer.net.parameters())}
    for dist in ("original", "mixed"):
        r = evaluate_model(model, count=count, distribution=dist, top_k=1)
        res[dist] = r["accuracy"]
        res[f"{dist}_families"] = {f: d["model"] for f, d in r["families"].items()}
    return res


def table(results: list[dict], steps: int) -> str:
    lines = [f"Equal budget: {steps} steps of 128 sequences each, seed 0, one CPU thread; accuracy = exact match of "
             "the 8th term on 1000 held-out sequences per distribution.", "",
             "| variant | params | original | mixed |", "| --- | --- | --- | --- |"]
    best = {d: max(r[d] for r in results) for d in ("original", "mixed")}
    for r in results:
        cells = [f"**{r[d] * 100:.1f} %**" if r[d] == best[d] else f"{r[d] * 100:.1f} %" for d in ("original", "mixed")]
        lines.append(f"| {r['variant']} | {r['params'] / 1e3:.0f} k | {cells[0]} | {cells[1]} |")
    fams = sorted({f for r in results for f in r["mixed_families"]})
    lines += ["", "Per family (mixed distribution):", "", "| variant | " + " | ".join(fams) + " |",
              "| --- |" + " --- |" * len(fams)]
    for r in results:
        lines.append(f"| {r['variant']} | " + " | ".join(f"{r['mixed_families'].get(f, 0) * 100:.0f}" for f in fams)
                     + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--results", default="benchmarks/results/ablation.json")
    ap.add_argument("--output", default=None, help="write the Markdown table here")
    ap.add_argument("--only", default=None, help="comma-separated variant names")
    args = ap.parse_args()
    torch.set_num_threads(1)
    path = Path(args.results)
    path.parent.mkdir(parents=True, exist_ok=True)
    results = json.loads(path.read_text()) if path.is_file() else []
    done = {r["variant"] for r in results if r["steps"] == args.steps}
    names = args.only.split(",") if args.only else list(VARIANTS)
    for name in names:
        if name in done:
            continue
        r = run_variant(name, args.steps, args.count)
        results = [x for x in results if x["variant"] != name] + [r]
        path.write_text(json.dumps(results, indent=2))
        print(f"{name}: original {r['original']:.3f} mixed {r['mixed']:.3f} ({r['seq_per_s']:.0f} seq/s)", flush=True)
    results = [r for r in results if r["steps"] == args.steps]
    results.sort(key=lambda r: list(VARIANTS).index(r["variant"]))
    md = table(results, args.steps)
    print(md)
    if args.output:
        Path(args.output).write_text(md)


if __name__ == "__main__":
    main()
