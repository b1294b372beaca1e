"""Fit a model's confidence calibration on the development half of the real-sequence catalog.

    python scripts/calibrate.py src/num2vec/pretrained          # fit, report, write into config.json
    python scripts/calibrate.py runs/x/model --dry-run          # fit and report only

For every sequence of ``num2vec.catalog.split("dev")`` and every ``--given`` g,
the model sees the first g terms and answers ``predict_next(terms, top_k=3)``
(beam search, beam 4, as ``benchmarks/real_sequences.py`` does) with its raw
decoder probabilities; :func:`num2vec.calibration.fit` maps them, with the exact
rules' support, to the probability that the top answer is right. The fit and the
development half's reliability (in-sample) are printed; the held-out half is
never read here -- its reliability comes from ``benchmarks/real_sequences.py``.
The calibration is written into the folder's ``config.json`` (atomically) under
``"calibration"``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def collect(model, sequences, given: list[int]) -> dict:
    """Raw top-1 log-probabilities, rule support, terms given and outcomes of the model on ``sequences``."""
    import numpy as np

    from num2vec.exact import rule_support
    from num2vec.solver import solve

    saved, model.calibration = model.calibration, None  # raw decoder probabilities
    out: dict = {"log_p": [], "support": [], "n_terms": [], "solver_agrees": [], "correct": []}
    try:
        for g in given:
            for seq in sequences:
                terms = seq.terms(g + 1)
                shown, want = terms[:g], terms[g]
                try:
                    (answer, p), *_ = model.predict_next(shown, top_k=3)
                except ValueError:
                    continue
                out["log_p"].append(float(np.log(max(p, 1e-300))))
                out["support"].append(rule_support(shown, [answer])[0])
                out["n_terms"].append(g)
                out["solver_agrees"].append(solve(shown) == answer)
                out["correct"].append(answer == want)
    finally:
        model.calibration = saved
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path, help="model folder")
    parser.add_argument("--given", type=int, nargs="+", default=[10, 5], help="terms shown (default: 10 5)")
    parser.add_argument("--dry-run", action="store_true", help="do not write config.json")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    import torch

    from num2vec import Num2Vec
    from num2vec.calibration import fit, reliability
    from num2vec.catalog import split
    from num2vec.serialization import CONFIG_NAME, atomic_write

    torch.set_num_threads(args.threads)
    model = Num2Vec.from_pretrained(args.model)
    dev = split("dev")
    data = collect(model, dev, args.given)
    raw = [min(1.0, float(torch.tensor(lp).exp())) for lp in data["log_p"]]
    cal = fit(data["log_p"], data["support"], data["n_terms"], data["solver_agrees"], data["correct"],
              fitted_on=f"development half of the real-sequence catalog ({len(dev)} sequences, given "
                        f"{' and '.join(map(str, args.given))} terms; {len(data['correct'])} answers)")
    fitted = cal.probability(data["log_p"], data["support"], data["n_terms"], data["solver_agrees"])
    for name, probs in (("raw", raw), ("calibrated (in-sample)", fitted)):
        r = reliability(probs, data["correct"])
        conf = "-" if r["confident_accuracy"] is None else f"{r['confident_accuracy']:.3f}"
        print(f"dev {name}: accuracy {r['accuracy']:.3f}, ECE {r['ece']:.3f}, p >= 0.9 on "
              f"{r['confident_share']:.3f} of answers, right {conf}")
    print("weights", dict(zip(cal.to_dict()["features"], cal.weights)), "bias", cal.bias)
    if not args.dry_run:
        path = args.model / CONFIG_NAME
        config = json.loads(path.read_text())
        config["calibration"] = cal.to_dict()
        atomic_write(path, (json.dumps(config, indent=2) + "\n").encode())
        print(f"wrote the calibration into {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
