"""Next-term accuracy on the real-sequence catalog: the model, the rule solver and sympy's guessers.

    python benchmarks/real_sequences.py                      # bundled model, held-out half, given 10 and 5
    python benchmarks/real_sequences.py --split dev --model runs/x/model --limit 40
    python benchmarks/real_sequences.py --given 10 --json out.json --markdown out.md

For every sequence of the chosen half of :func:`num2vec.catalog.split` and every
``g`` of ``--given``, the first ``g`` terms are shown and the ``g+1``-th is to be
predicted. Three predictors run on the same inputs:

model
    ``Num2Vec.predict_next(terms, top_k=3)`` (beam search, beam 4): top-1 is the
    most likely answer, top-3 counts a hit among the three. With a calibration
    (the bundled model has one) these are the decoder's and the exact rules'
    candidates ranked by calibrated probability (:mod:`num2vec.calibration`).
    Inputs the model refuses raise ``ValueError``: they count as wrong and are
    reported as "refused". The column "decoder" is the network alone:
    ``predict_next(terms)``, greedy decoding, no ranking.
solver
    :func:`num2vec.solver.solve`, the project's rule solver. It gives one answer
    or none, so its top-3 equals its top-1.
sympy
    ``sympy.concrete.guess``: first ``find_simple_recurrence_vector`` (a linear
    recurrence with constant coefficients, the engine of
    ``guess_generating_function_rational``), then ``guess`` (rational functions
    of n and products of rising factorials, evaluated at the next index). The
    distinct integer candidates in that order give top-1 and top-3. Each
    sequence gets at most ``--sympy-timeout`` seconds (SIGALRM); the total time
    is reported. The hits of each guesser alone are reported too.

Accuracy is exact equality with the true next term. Per-category tables and
every prediction go to the JSON; the Markdown holds the tables. With no
``--json``/``--markdown`` the full runs write
``benchmarks/results/real_<split>.{json,md}`` (a ``--limit`` or ``--no-sympy`` run
writes only where told to). Everything is deterministic: no sampling anywhere, seeds fixed
all the same.

The model's top-1 probability (calibrated when the model has a calibration,
see ``scripts/calibrate.py``) is scored too: expected calibration error and
the accuracy of the answers given with p >= 0.9.

The held-out half is for final evaluation only: never train, tune or
calibrate anything on it (use ``--split dev`` while developing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
METHODS = ("model", "solver", "sympy")


# ---------------------------------------------------------------------------
# predictors


class _Timeout(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Timeout


def sympy_candidates(shown: list[int], timeout: float) -> dict:
    """Next-term candidates from sympy's guessers, in order, with the time spent and who found what."""
    from sympy import Integer, Rational, symbols
    from sympy.concrete.guess import find_simple_recurrence_vector, guess

    start = time.perf_counter()
    found: dict[str, list[int]] = {"recurrence": [], "guess": []}
    status = "ok"
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        try:
            v = find_simple_recurrence_vector([Integer(t) for t in shown])
            if len(v) > 1 and v[0] != 0:
                # sum v[i] a(n - i) = 0, v[0] = 1
                q = [Fraction(int(Rational(c).p), int(Rational(c).q)) for c in v]  # ints or sympy Rationals
                nxt = -sum(c * shown[-i] for i, c in enumerate(q[1:], 1)) / q[0]
                if nxt.denominator == 1:
                    found["recurrence"].append(int(nxt))
        except _Timeout:
            raise
        except Exception:  # noqa: BLE001 - a guesser that fails just has no candidate
            pass
        try:
            i0 = symbols("i0")
            for expr in guess(list(shown)):
                value = expr.subs(i0, len(shown) + 1).doit()
                if getattr(value, "is_Integer", False):
                    found["guess"].append(int(value))
        except _Timeout:
            raise
        except Exception:  # noqa: BLE001
            pass
    except _Timeout:
        status = "timeout"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    ordered = list(dict.fromkeys(found["recurrence"] + found["guess"]))
    return {"candidates": ordered, "by_guesser": found, "status": status,
            "seconds": time.perf_counter() - start}


def model_top3(model, shown: list[int]) -> tuple[list[int] | None, list[float] | None, int | None, str]:
    """The model's three best answers, their probabilities (calibrated when the model has a calibration), the
    decoder's greedy answer, status."""
    try:
        ranked = model.predict_next(shown, top_k=3)
        greedy = model.predict_next(shown)
    except ValueError as e:  # a term the model does not read
        return None, None, None, f"refused: {e}"[:200]
    return [v for v, _ in ranked], [round(p, 6) for _, p in ranked], greedy, "ok"


# ---------------------------------------------------------------------------
# the run


def run(sequences, model, given_list: list[int], sympy_timeout: float, use_sympy: bool = True,
        progress: bool = True) -> dict:
    from num2vec.solver import explain

    rows = []
    times = {g: {"model": 0.0, "solver": 0.0, "sympy": 0.0} for g in given_list}
    for g in given_list:
        for i, seq in enumerate(sequences):
            terms = seq.terms(g + 1)
            shown, want = terms[:g], terms[g]
            t0 = time.perf_counter()
            top3, probs, greedy, model_status = model_top3(model, shown)
            t1 = time.perf_counter()
            solved = explain(shown)
            t2 = time.perf_counter()
            sym = sympy_candidates(shown, sympy_timeout) if use_sympy else {
                "candidates": [], "by_guesser": {"recurrence": [], "guess": []}, "status": "skipped", "seconds": 0.0}
            times[g]["model"] += t1 - t0
            times[g]["solver"] += t2 - t1
            times[g]["sympy"] += sym["seconds"]
            rows.append({
                "name": seq.name, "category": seq.category, "given": g, "shown": shown, "want": want,
                "model": top3, "model_p": probs, "decoder": greedy, "model_status": model_status,
                "solver": None if solved is None else solved[0], "solver_rule": None if solved is None else solved[1],
                "sympy": sym["candidates"][:3], "sympy_recurrence": sym["by_guesser"]["recurrence"][:1],
                "sympy_guess": sym["by_guesser"]["guess"][:3], "sympy_status": sym["status"],
                "sympy_seconds": round(sym["seconds"], 4),
            })
            if progress and (i + 1) % 50 == 0:
                print(f"  given {g}: {i + 1}/{len(sequences)}", file=sys.stderr, flush=True)
    return {"rows": rows, "times": times}


def _hits(row: dict, method: str, k: int) -> bool:
    if method == "model":
        return row["model"] is not None and row["want"] in row["model"][:k]
    if method == "solver":
        return row["solver"] == row["want"]
    return row["want"] in row["sympy"][:k]


def summarise(rows: list[dict], given_list: list[int], categories: list[str]) -> dict:
    out = {}
    for g in given_list:
        mine = [r for r in rows if r["given"] == g]
        groups = {"all": mine}
        for c in categories:
            groups[c] = [r for r in mine if r["category"] == c]
        table = {}
        for key, rs in groups.items():
            n = len(rs)
            if not n:
                continue
            entry = {"n": n, "model_refused": sum(r["model"] is None for r in rs),
                     "decoder_top1": sum(r.get("decoder") == r["want"] for r in rs) / n}
            for m in METHODS:
                entry[f"{m}_top1"] = sum(_hits(r, m, 1) for r in rs) / n
                entry[f"{m}_top3"] = sum(_hits(r, m, 3) for r in rs) / n
            entry["sympy_recurrence_top1"] = sum(r["want"] in r["sympy_recurrence"] for r in rs) / n
            entry["sympy_guess_top1"] = sum(r["want"] in r["sympy_guess"][:1] for r in rs) / n
            entry["sympy_timeouts"] = sum(r["sympy_status"] == "timeout" for r in rs)
            entry["any_top1"] = sum(any(_hits(r, m, 1) for m in METHODS) for r in rs) / n
            if all(r["sympy_status"] == "skipped" for r in rs):  # --no-sympy: no figure, not 0 %
                for k in ("sympy_top1", "sympy_top3", "sympy_recurrence_top1", "sympy_guess_top1"):
                    entry[k] = None
            answered = [r for r in rs if r["model"]]
            if key == "all" and answered:
                # reliability of the model's top-1 probability (num2vec.calibration.reliability)
                from num2vec.calibration import reliability

                rel = reliability([r["model_p"][0] for r in answered], [_hits(r, "model", 1) for r in answered])
                entry["calibration"] = {k: rel[k] for k in ("ece", "confident_share", "confident_accuracy")}
            table[key] = entry
        out[str(g)] = table
    return out


def cpu_name() -> str:
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in text.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return platform.processor() or "unknown"


def _pct(x: float | None) -> str:
    return "    –" if x is None else f"{100 * x:5.1f}"


def format_tables(result: dict) -> str:
    meta = result["meta"]
    lines = [
        f"# Real-sequence benchmark: {meta['split']} split, {meta['sequences']} sequences",
        "",
        f"Model: `{meta['model']}`. CPU: {meta['cpu']} ({meta['torch_threads']} torch thread(s)). "
        f"Run time {meta['wall_seconds']:.0f} s. sympy {meta['sympy_version']}, at most {meta['sympy_timeout']} s "
        "per sequence.",
        "",
        "Exact-match accuracy (%) of the next term. The solver gives one answer, so its top-3 is its top-1. "
        "'decoder': the network alone (greedy decoding); the model's top-1 and top-3 rank the decoder's and the "
        "exact rules' candidates by calibrated probability. 'refused': sequences the model does not read, "
        "counted as wrong.",
        "",
    ]
    for g, table in result["summary"].items():
        t = result["meta"]["seconds"][g]
        lines += [
            f"## Given {g} terms, predict term {int(g) + 1}",
            "",
            f"Time: model {t['model']:.1f} s, solver {t['solver']:.2f} s, sympy {t['sympy']:.1f} s "
            f"({table['all']['sympy_timeouts']} sympy timeouts).",
            "",
            "| category | n | model top-1 | model top-3 | decoder | refused | solver | sympy top-1 | sympy top-3 "
            "| any top-1 |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for key, e in table.items():
            name = f"**{key}**" if key == "all" else key
            lines.append(
                f"| {name} | {e['n']} | {_pct(e['model_top1'])} | {_pct(e['model_top3'])} | {_pct(e['decoder_top1'])} | "
                f"{e['model_refused']} | "
                f"{_pct(e['solver_top1'])} | {_pct(e['sympy_top1'])} | {_pct(e['sympy_top3'])} | {_pct(e['any_top1'])} |")
        a = table["all"]
        lines += ["", f"sympy's guessers alone (top-1): find_simple_recurrence_vector {_pct(a['sympy_recurrence_top1'])} %, "
                      f"guess {_pct(a['sympy_guess_top1'])} %.", ""]
        if "calibration" in a:
            c = a["calibration"]
            conf = "none" if c["confident_accuracy"] is None else f"{_pct(c['confident_accuracy']).strip()} % right"
            lines += [f"Confidence of the model's top-1: expected calibration error {c['ece']:.3f} (10 bins); "
                      f"{_pct(c['confident_share']).strip()} % of the answers have p >= 0.9, of those {conf}.", ""]
    return "\n".join(lines)


def format_console(result: dict) -> str:
    lines = []
    for g, table in result["summary"].items():
        lines.append(f"given {g} -> term {int(g) + 1}")
        lines.append(f"{'category':<20} {'n':>4} {'mod@1':>6} {'mod@3':>6} {'dec@1':>6} {'refus':>5} "
                     f"{'solver':>6} {'sym@1':>6} {'sym@3':>6}")
        for key, e in table.items():
            lines.append(f"{key:<20} {e['n']:>4} {_pct(e['model_top1']):>6} {_pct(e['model_top3']):>6} "
                         f"{_pct(e['decoder_top1']):>6} {e['model_refused']:>5} {_pct(e['solver_top1']):>6} "
                         f"{_pct(e['sympy_top1']):>6} {_pct(e['sympy_top3']):>6}")
        c = table["all"].get("calibration")
        if c:
            conf = "-" if c["confident_accuracy"] is None else _pct(c["confident_accuracy"]).strip()
            lines.append(f"calibration: ECE {c['ece']:.3f}, p >= 0.9 on {_pct(c['confident_share']).strip()} %, "
                         f"right {conf} %")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=["heldout", "dev", "all"], default="heldout",
                        help="half of the catalog to score (default: heldout)")
    parser.add_argument("--model", default=None, help="model folder (default: the bundled model)")
    parser.add_argument("--given", type=int, nargs="+", default=[10, 5], help="terms shown (default: 10 5)")
    parser.add_argument("--json", type=Path, default=None, help="write the full results here")
    parser.add_argument("--markdown", type=Path, default=None, help="write the tables here")
    parser.add_argument("--limit", type=int, default=None, help="only the first N sequences (quick check)")
    parser.add_argument("--sympy-timeout", type=float, default=10.0, help="seconds per sequence for sympy")
    parser.add_argument("--no-sympy", action="store_true", help="skip sympy")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args(argv)
    if any(g < 2 for g in args.given):
        parser.error("--given must be at least 2")

    import sympy
    import torch

    from num2vec import Num2Vec
    from num2vec.api import bundled_model_path
    from num2vec.catalog import CATALOG, CATEGORIES, split

    random.seed(0)
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    sequences = list(CATALOG) if args.split == "all" else split(args.split)
    if args.limit is not None:
        sequences = sequences[: args.limit]
    model_path = Path(args.model) if args.model else bundled_model_path()
    model = Num2Vec.from_pretrained(model_path)

    start = time.perf_counter()
    out = run(sequences, model, args.given, args.sympy_timeout, use_sympy=not args.no_sympy)
    wall = time.perf_counter() - start
    categories = [c for c in CATEGORIES if any(s.category == c for s in sequences)]
    result = {
        "meta": {
            "split": args.split, "sequences": len(sequences), "given": args.given, "limit": args.limit,
            "model": str(model_path if args.model else "bundled (src/num2vec/pretrained)"),
            "model_max_digits": model.max_digits, "cpu": cpu_name(), "torch_threads": torch.get_num_threads(),
            "python": platform.python_version(), "torch_version": torch.__version__,
            "sympy_version": sympy.__version__, "sympy_timeout": args.sympy_timeout, "sympy": not args.no_sympy,
            "wall_seconds": round(wall, 1),
            "seconds": {str(g): {k: round(v, 2) for k, v in t.items()} for g, t in out["times"].items()},
            "date": time.strftime("%Y-%m-%d"), "host_cpus": os.cpu_count(),
        },
        "summary": summarise(out["rows"], args.given, categories),
        "rows": out["rows"],
    }
    print(f"{len(sequences)} sequences ({args.split}), CPU {result['meta']['cpu']}, {wall:.0f} s")
    print(format_console(result))
    json_path, md_path = args.json, args.markdown
    if args.limit is None and not args.no_sympy and json_path is None and md_path is None:
        json_path, md_path = RESULTS / f"real_{args.split}.json", RESULTS / f"real_{args.split}.md"
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(json.dumps(result, indent=1) + "\n")
        print(f"wrote {json_path}")
    if md_path:
        md_path.parent.mkdir(parents=True, exist_ok=True)
        md_path.write_text(format_tables(result) + "\n")
        print(f"wrote {md_path}")
    return result


if __name__ == "__main__":
    main()
