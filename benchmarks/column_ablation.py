"""What the holonomic, ratio-series and every-other-term columns give: coverage and an inference-time ablation.

    python benchmarks/column_ablation.py                       # bundled model -> benchmarks/results/column_ablation.*
    python benchmarks/column_ablation.py --model runs/x/model --count 300

Two tables, on the development half of the real-sequence catalog (given 10 and
5 terms) and on held-out sequences of the generator's ``extended`` distribution
(8 terms given the first 7):

coverage
    the share of questions whose right answer is the candidate of at least one
    column of a group (the rules alone, no network), and the share where the
    group offers a candidate at all -- how often the group could help, and how
    often it offers something wrong.
ablation
    the bundled model's accuracy with every column of one group marked missing
    at inference (the model was trained with them; ``num2vec.exact.MISSING`` is
    what it reads when a rule has no candidate). The drop is what the model takes
    from that group. This is not a retraining ablation: a model trained without a
    group may make up part of the loss from the other columns.

Deterministic (greedy decoding, fixed held-out sets); one PyTorch thread.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

RESULTS = Path(__file__).resolve().parent / "results"


def groups(spec) -> dict[str, list[int]]:
    """Column indices (within the candidate columns) of each group of extra rules."""
    start = spec.n_basic
    h, s, i = spec.holonomic_fits, spec.ratio_series, spec.interleaved
    out = {"holonomic fits": list(range(start, start + h)),
           "ratio series": list(range(start + h, start + h + s)),
           "every other term": list(range(start + h + s, start + h + s + i))}
    out["all three"] = [c for v in out.values() for c in v]
    return {k: v for k, v in out.items() if v}


def questions(count: int) -> dict[str, list[tuple[list[int], int]]]:
    from num2vec.catalog import split
    from num2vec.data import GeneratorConfig, heldout

    dev = split("dev")
    out = {f"real dev, given {g}": [(s.terms(g + 1)[:g], s.terms(g + 1)[g]) for s in dev] for g in (10, 5)}
    ext = heldout("test", count, GeneratorConfig(8, 8, 10**7, True, "extended"))
    out["extended families"] = [(list(s.terms[:-1]), s.terms[-1]) for s in ext]
    return out


def coverage(qs, spec, cols: list[int]) -> tuple[float, float]:
    from num2vec.exact import candidates

    right = offered = 0
    for x, want in qs:
        c = candidates(x, len(x) - 1, spec)
        vals = [c[j] for j in cols if c[j] is not None]
        offered += bool(vals)
        right += want in vals
    return right / len(qs), offered / len(qs)


def accuracy(model, qs, masked: list[int]) -> float:
    import num2vec.engine as engine
    import num2vec.exact as exact
    from num2vec.exact import MISSING

    original = exact.featurize

    def featurize_masked(seqs, spec, last_only=False):
        f = original(seqs, spec, last_only)
        if masked and f.columns is not None:
            cols = f.columns.copy()
            cols[..., masked, :] = MISSING
            f = f._replace(columns=cols)
        return f

    exact.featurize = engine.featurize = featurize_masked  # the PyTorch and the NumPy backend's reference
    try:
        preds = model.predict_next([x for x, _ in qs])
    finally:
        exact.featurize = engine.featurize = original
    return float(np.mean([p == want for p, (_, want) in zip(preds, qs)]))


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    ap.add_argument("--count", type=int, default=1000, help="sequences of the extended distribution")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--markdown", type=Path, default=None)
    args = ap.parse_args(argv)
    torch.set_num_threads(1)

    from num2vec import Num2Vec

    model = Num2Vec.from_pretrained(args.model) if args.model else Num2Vec.from_pretrained()
    spec = model.net.cfg.column_spec
    grp = groups(spec)
    if not grp:
        raise SystemExit("this model reads no holonomic, ratio-series or every-other-term columns")
    qs = questions(args.count)
    result: dict = {"model": args.model or "bundled", "coverage": {}, "ablation": {}}
    for name, q in qs.items():
        result["coverage"][name] = {g: dict(zip(("right", "offered"), coverage(q, spec, cols)))
                                    for g, cols in grp.items()}
        result["ablation"][name] = {"none masked": accuracy(model, q, [])}
        for g, cols in grp.items():
            result["ablation"][name][g] = accuracy(model, q, cols)
        print(name, json.dumps(result["coverage"][name]), json.dumps(result["ablation"][name]), flush=True)
    lines = ["| questions | n | group | rules right | rules offer a candidate | model, all columns | model, group masked |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for name, q in qs.items():
        full = result["ablation"][name]["none masked"]
        for g in grp:
            c = result["coverage"][name][g]
            lines.append(f"| {name} | {len(q)} | {g} | {c['right'] * 100:.1f} % | {c['offered'] * 100:.1f} % | "
                         f"{full * 100:.1f} % | {result['ablation'][name][g] * 100:.1f} % |")
    table = "\n".join(lines)
    print(table)
    json_path, md_path = args.json, args.markdown
    if args.model is None and json_path is None and md_path is None:
        json_path, md_path = RESULTS / "column_ablation.json", RESULTS / "column_ablation.md"
    if json_path:
        json_path.write_text(json.dumps(result, indent=1) + "\n")
    if md_path:
        md_path.write_text(table + "\n")
    return result


if __name__ == "__main__":
    main()
