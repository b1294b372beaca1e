"""Fit a model's confidence calibration on the development half of the real-sequence catalog.

    python scripts/calibrate.py src/num2vec/pretrained          # fit, report, write into config.json
    python scripts/calibrate.py runs/x/model --dry-run          # fit and report only
    python scripts/calibrate.py src/num2vec/pretrained --cv --given 10 9 8 7 6 5 4 3   # how GIVEN was chosen

For every sequence of ``num2vec.catalog.split("dev")`` and every ``--given`` g
(default: 10 and 5, :data:`GIVEN`),
the model sees the first g terms and answers ``predict_next(terms, top_k=3)``
(beam search, beam 4, as ``benchmarks/real_sequences.py`` does) with its raw
decoder probabilities; :func:`num2vec.calibration.fit` maps them, with the exact
rules' support, to the probability that a candidate is right, then recalibrates
the first-ranked candidates' probabilities by 5-fold cross-fitting over the
sequences (both questions of a sequence in one fold). The fit and the
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

#: the numbers of terms shown in the fitting questions. Compared on the development half alone, by a nested 5-fold
#: cross-validation over its sequences (each outer fold's calibration fitted on the other four, scored on its
#: questions given 10, 5 and 3; `--cv --given 10 9 8 7 6 5 4 3`): for the bundled model, fitting on the questions
#: given 10 and 5 terms gives an expected calibration error of 0.022 / 0.020 / 0.067 (given 10 / 5 / 3) and top-1
#: 0.935 / 0.662 / 0.281, fitting on every count from 10 down to 3 0.024 / 0.029 / 0.077 and 0.932 / 0.654 / 0.284:
#: the first is better calibrated at every length measured, so it is the one fitted.
GIVEN = (10, 5)


def collect(model, sequences, given: list[int]) -> dict:
    """The candidates of every question (the first g terms of each sequence, for each g of ``given``) with the
    model's raw probabilities, as one :func:`num2vec.calibration.candidate_table` concatenated key by key, plus
    ``question`` (its number) and ``correct``."""
    from num2vec.calibration import candidate_table

    saved, model.calibration = model.calibration, None  # raw decoder probabilities
    out: dict = {"question": [], "sequence": [], "correct": []}
    question = 0
    try:
        for g in given:
            for index, seq in enumerate(sequences):
                terms = seq.terms(g + 1)
                shown, want = terms[:g], terms[g]
                try:
                    ranked = model.predict_next(shown, top_k=3)
                except ValueError:
                    continue
                table = candidate_table(shown, [(v, _log(p)) for v, p in ranked])
                for key, values in table.items():
                    out.setdefault(key, []).extend(values)
                out["question"].extend([question] * len(table["value"]))
                out["sequence"].extend([index] * len(table["value"]))
                out["correct"].extend(v == want for v in table["value"])
                question += 1
    finally:
        model.calibration = saved
    return out


def fitted_on(sequences: int, given, data: dict) -> str:
    """What a calibration fitted on ``data`` (from :func:`collect`) was fitted on, for the model card."""
    return (f"development half of the real-sequence catalog ({sequences} sequences, given "
            f"{', '.join(map(str, given))} terms: {max(data['question']) + 1} questions, the beam's top 3 candidates "
            "and the exact rules' answers; python scripts/calibrate.py MODEL)")


def _log(p: float) -> float:
    import math

    return math.log(max(p, 1e-300))


def fit_calibration(data: dict, fitted_on: str):
    from num2vec.calibration import fit

    return fit(data, data["correct"], fitted_on=fitted_on, question=data["question"], groups=data["sequence"])


def top_choice(cal, data: dict) -> tuple[list[float], list[bool], list[bool]]:
    """Per question: the calibrated probability and outcome of the candidate ranked first, and the decoder's outcome."""
    import numpy as np

    p = cal.probability(data)
    q = np.asarray(data["question"])
    correct, first = np.asarray(data["correct"]), np.asarray(data["first"])
    probs, right, decoder = [], [], []
    for i in np.unique(q):
        m = np.nonzero(q == i)[0]
        j = m[np.argmax(p[m])]
        probs.append(float(p[j]))
        right.append(bool(correct[j]))
        decoder.append(bool(correct[m][first[m]].any()))
    return probs, right, decoder


def _subset(data: dict, keep) -> dict:
    return {k: [v for v, ok in zip(values, keep) if ok] for k, values in data.items()}


def _concat(parts: list[dict]) -> dict:
    """:func:`collect` outputs of disjoint question sets as one (question numbers made distinct)."""
    out: dict = {}
    offset = 0
    for d in parts:
        for k, values in d.items():
            out.setdefault(k, []).extend([q + offset for q in values] if k == "question" else values)
        offset += max(d["question"], default=-1) + 1
    return out


def nested_cv(by_given: dict[int, dict], fit_given, score_given=(10, 5), folds: int = 5) -> dict[int, dict]:
    """Reliability of the first choices of the questions given ``score_given`` terms, each scored by a calibration
    fitted on the other folds' questions given ``fit_given`` terms (folds by sequence, so no sequence is on both
    sides): how well a calibration fitted that way generalises, measured on the development half alone.
    ``by_given``: :func:`collect` of the same sequences for each number of terms."""
    from num2vec.calibration import reliability

    scored: dict[int, tuple[list, list]] = {g: ([], []) for g in score_given}
    for k in range(folds):
        train = _concat([_subset(by_given[g], [s % folds != k for s in by_given[g]["sequence"]]) for g in fit_given])
        cal = fit_calibration(train, "")
        for g in score_given:
            probs, right, _ = top_choice(cal, _subset(by_given[g], [s % folds == k for s in by_given[g]["sequence"]]))
            scored[g][0].extend(probs)
            scored[g][1].extend(right)
    return {g: reliability(*scored[g]) for g in score_given}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", type=Path, help="model folder")
    parser.add_argument("--given", type=int, nargs="+", default=list(GIVEN),
                        help="terms shown (default: %(default)s)")
    parser.add_argument("--dry-run", action="store_true", help="do not write config.json")
    parser.add_argument("--cv", action="store_true",
                        help="compare fitting on given 10 and 5 with fitting on --given by nested 5-fold "
                             "cross-validation on the development half (what chose GIVEN); writes nothing")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    import torch

    from num2vec import Num2Vec
    from num2vec.calibration import reliability
    from num2vec.catalog import split
    from num2vec.serialization import CONFIG_NAME, atomic_write

    torch.set_num_threads(args.threads)
    model = Num2Vec.from_pretrained(args.model)
    dev = split("dev")
    if args.cv:
        by_given = {g: collect(model, dev, [g]) for g in sorted(set(args.given) | {10, 5}, reverse=True)}
        score_given = [g for g in (10, 5, 3) if g in by_given]
        for fit_given in ([10, 5], args.given):
            r = nested_cv(by_given, fit_given, score_given)
            print(f"fitted on given {fit_given}: dev nested-CV ECE "
                  + ", ".join(f"given {g} {r[g]['ece']:.3f}" for g in score_given) + "; top-1 "
                  + ", ".join(f"given {g} {r[g]['accuracy']:.3f}" for g in score_given))
            for g in (10, 5):
                print(f"  given {g} bins (count, mean p, accuracy):",
                      " ".join(f"({b['count']}, {b['mean_p']:.2f}, {b['accuracy']:.2f})" for b in r[g]["bins"]))
        return 0
    data = collect(model, dev, args.given)
    cal = fit_calibration(data, fitted_on(len(dev), args.given, data))
    probs, right, decoder = top_choice(cal, data)
    r = reliability(probs, right)
    conf = "-" if r["confident_accuracy"] is None else f"{r['confident_accuracy']:.3f}"
    print(f"dev (in-sample): decoder top-1 {sum(decoder) / len(decoder):.3f}, ranked by calibration "
          f"{r['accuracy']:.3f}; ECE {r['ece']:.3f}, p >= 0.9 on {r['confident_share']:.3f} of answers, right {conf}")
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
