"""Next-term accuracy on held-out generated sequences, with the rule-based solver beside the model.

The sequences come from the ``"test"`` split of :func:`num2vec.data.heldout`,
which training never sees. Every sequence counts, including those whose last
term is not determined by the others (a staircase whose given terms are all
equal, say): the score is exact match of the last term.
"""

from __future__ import annotations

import time
from collections import defaultdict

from .data import GeneratorConfig, heldout


def evaluate_model(model, count: int = 3000, distribution: str = "mixed", length: int = 8, max_value: int = 10**7,
                   beam_size: int = 1, top_k: int = 5, samples=None, crossing_zero: bool = False,
                   signed: bool = False) -> dict:
    """Score ``model`` (a :class:`num2vec.Num2Vec`) and the rule solver on the same sequences.

    ``signed``: the held-out sets with negative terms (the generator's signed
    variant); otherwise the non-negative ones. ``crossing_zero``: keep only the
    sequences (of the ``count`` signed held-out ones) that have both negative and
    positive terms; both need a model trained with negatives.
    """
    from .solver import solve

    signed = signed or crossing_zero
    if signed and not model.cfg.allow_negative:
        raise ValueError("signed sequences need a model trained with negative numbers (train --negative)")
    if samples is None:
        gc = GeneratorConfig(length, length, max_value, signed, distribution)
        samples = heldout("test", count, gc)
    if crossing_zero:
        if not model.cfg.allow_negative:
            raise ValueError("crossing_zero needs a model trained with negative numbers (train --negative)")
        samples = [s for s in samples if min(s.terms) < 0 < max(s.terms)]
        if not samples:
            raise ValueError(f"none of the {count} held-out sequences crosses zero; raise count")
    given = [list(s.terms[:-1]) for s in samples]
    t0 = time.perf_counter()
    preds = model.predict_next(given, beam_size=beam_size)
    seconds = time.perf_counter() - t0
    tops = model.predict_next(given, top_k=top_k) if top_k and top_k > 1 else None
    t1 = time.perf_counter()
    rules = [solve(g) for g in given]
    solver_seconds = time.perf_counter() - t1
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for i, s in enumerate(samples):
        want = s.terms[-1]
        for key, ok in (("n", True), ("model", preds[i] == want), ("solver", rules[i] == want),
                        ("topk", tops is not None and any(v == want for v, _ in tops[i]))):
            per["all"][key] += int(ok)
            per[s.family][key] += int(ok)

    def rates(d):
        return {"n": d["n"], "model": d["model"] / d["n"], "solver": d["solver"] / d["n"],
                "top_k": d["topk"] / d["n"] if tops is not None else None}

    return {
        "crossing_zero": crossing_zero, "signed": signed,
        "distribution": distribution, "length": length, "max_value": max_value, "size": len(samples),
        "beam_size": beam_size, "top_k": top_k if tops is not None else None,
        "accuracy": per["all"]["model"] / len(samples),
        "solver_accuracy": per["all"]["solver"] / len(samples),
        "top_k_accuracy": per["all"]["topk"] / len(samples) if tops is not None else None,
        "predict_seq_per_s": len(samples) / seconds, "solver_seconds": solver_seconds,
        "families": {f: rates(d) for f, d in sorted(per.items()) if f != "all"},
    }


def evaluate_lengths(model, count: int = 100, signed: tuple[bool, ...] = (False, True), beam_size: int = 1) -> dict:
    """Length generalisation: accuracy per family and digit band (:func:`num2vec.data.length_heldout`).

    Returns ``{"cells": [{"family", "band", "signed", "n", "model", "solver"}, ...], "bands", "families"}``
    with accuracies in [0, 1]; the solver (:func:`num2vec.solver.solve`) is scored on the same sequences.
    ``signed`` cells are skipped for a model trained without negative numbers.
    """
    from .data import LENGTH_BANDS, LENGTH_FAMILIES, length_heldout
    from .solver import solve

    signs = tuple(s for s in signed if not s or model.cfg.allow_negative)
    cells = length_heldout(count=count, signed=signs)
    keys = list(cells)
    given = [list(s.terms[:-1]) for k in keys for s in cells[k]]
    t0 = time.perf_counter()
    preds = model.predict_next(given, beam_size=beam_size)
    seconds = time.perf_counter() - t0
    out, i = [], 0
    for family, band, sign in keys:
        samples = cells[(family, band, sign)]
        ok = sum(preds[i + j] == s.terms[-1] for j, s in enumerate(samples))
        rule = sum(solve(list(s.terms[:-1])) == s.terms[-1] for s in samples)
        out.append({"family": family, "band": list(band), "signed": sign, "n": len(samples),
                    "model": ok / len(samples), "solver": rule / len(samples)})
        i += len(samples)
    return {"cells": out, "bands": [list(b) for b in LENGTH_BANDS], "families": list(LENGTH_FAMILIES),
            "beam_size": beam_size, "predict_seq_per_s": len(given) / seconds}


def format_lengths(r: dict) -> str:
    """A Markdown table of :func:`evaluate_lengths`: one row per family and sign, one column per digit band."""
    bands = [tuple(b) for b in r["bands"]]
    head = "| family | terms | " + " | ".join(f"{lo}–{hi} digits" for lo, hi in bands) + " |"
    lines = [head, "|" + "---|" * (2 + len(bands))]
    for sign in (False, True):
        for family in r["families"]:
            cells = {tuple(c["band"]): c for c in r["cells"] if c["family"] == family and c["signed"] == sign}
            if not cells:
                continue
            row = [f"{cells[b]['model'] * 100:.0f} % ({cells[b]['solver'] * 100:.0f} %)" for b in bands]
            lines.append(f"| {family} | {'signed' if sign else 'non-negative'} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def format_report(r: dict) -> str:
    """A plain-text table of :func:`evaluate_model`'s result."""
    k = r["top_k"]
    head = f"{'family':<14} {'n':>5} {'model':>8} " + (f"{'top-' + str(k):>8} " if k else "") + f"{'solver':>8}"
    which = " crossing zero" if r.get("crossing_zero") else (" signed" if r.get("signed") else "")
    lines = [f"{r['size']} held-out sequences{which} ({r['distribution']}, {r['length']} terms, "
             f"|terms| < {r['max_value']}),"
             f" last term predicted from the others; beam {r['beam_size']}", head, "-" * len(head)]

    def row(name, n, m, t, s):
        return f"{name:<14} {n:>5} {m * 100:>7.1f}% " + (f"{t * 100:>7.1f}% " if k else "") + f"{s * 100:>7.1f}%"

    for fam, d in r["families"].items():
        lines.append(row(fam, d["n"], d["model"], d["top_k"], d["solver"]))
    lines.append("-" * len(head))
    lines.append(row("all", r["size"], r["accuracy"], r["top_k_accuracy"], r["solver_accuracy"]))
    lines.append(f"model: {r['predict_seq_per_s']:.0f} sequences/s")
    return "\n".join(lines)


def evaluate_catalog(model, given: int = 10) -> dict:
    """Next-term accuracy on the curated real sequences (:mod:`num2vec.catalog`), model beside the solver.

    Each sequence gives its first ``given`` terms and the ``given+1``-th is predicted.
    A sequence whose terms exceed what the model reads (``max_digits``) counts as
    a miss for the model; the solver has no such limit.
    """
    from .catalog import CATALOG
    from .solver import solve

    rows = []
    for seq in CATALOG:
        terms = seq.terms(given + 1)
        want, shown = terms[-1], terms[:-1]
        try:
            pred = model.predict_next(shown)
        except ValueError:  # longer than the model's digits
            pred = None
        rows.append({"name": seq.name, "oeis": seq.oeis, "given": shown, "want": want, "model": pred,
                     "solver": solve(shown)})
    n = len(rows)
    return {
        "size": n, "given": given,
        "accuracy": sum(r["model"] == r["want"] for r in rows) / n,
        "solver_accuracy": sum(r["solver"] == r["want"] for r in rows) / n,
        "either": sum(r["model"] == r["want"] or r["solver"] == r["want"] for r in rows) / n,
        "rows": rows,
    }


def format_catalog_report(r: dict) -> str:
    """The report of :func:`evaluate_catalog`: accuracies, then one row per sequence with the term wanted and the
    answers of the model's greedy decoding and of the rule solver, written out in full ('*' marks a right one)."""
    rows = [(row["name"][:28], str(row["want"]), _cell(row["model"], row["want"]), _cell(row["solver"], row["want"]))
            for row in r["rows"]]
    w = [max([14] + [len(row[c]) for row in rows]) for c in (1, 2, 3)]  # per column: numbers are never cut
    lines = [f"{r['size']} real sequences, next term from the first {r['given']} (the model's greedy answer):",
             f"model {r['accuracy'] * 100:.1f} %   rule solver {r['solver_accuracy'] * 100:.1f} %   "
             f"either {r['either'] * 100:.1f} %", "",
             f"{'sequence':<28} {'want':>{w[0]}} {'model':>{w[1]}} {'solver':>{w[2]}}"]
    lines += [f"{name:<28} {want:>{w[0]}} {model:>{w[1]}} {solver:>{w[2]}}" for name, want, model, solver in rows]
    return "\n".join(lines)


def _cell(value, want) -> str:
    """A prediction for the table: '-' for none, '*' marks a correct one."""
    if value is None:
        return "-"
    return str(value) + ("*" if value == want else "")
