"""What the calibrated ranking costs: ``predict_next(seq, top_k=3)`` beside the plain call, one sequence per call.

    python benchmarks/ranking.py                  # the bundled model, one thread

The questions are the first 10 terms of every sequence of the real-sequence catalog's development half (370). The
plain call is the decoder's greedy answer; the ranked call adds beam search (beam 4), the exact rules' candidates
(the rule solver, the holonomic fits, :mod:`num2vec.integer_functions`, :mod:`num2vec.guess`) and the calibration.
Calls alternate between the two in balanced order, so that a drift in the machine's speed hits both alike; figures
are medians and 90th percentiles over the questions. The exact-rule part alone is timed too: ``candidate_table``
and, within it, ``integer_functions.next_terms``, over the 2,960 questions given 3 to 10 terms that the calibration
is fitted on.
"""

from __future__ import annotations

import argparse
import statistics
import time

from benchmarks_common import cpu_name


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    from num2vec import Num2Vec
    from num2vec.calibration import candidate_table
    from num2vec.catalog import split
    from num2vec.integer_functions import next_terms

    model = Num2Vec.from_pretrained(args.model, threads=args.threads)
    dev = split("dev")
    questions = [s.terms(10) for s in dev]
    model.predict_next(questions[0], top_k=3)  # warm caches (sieve, function tables)
    plain: list[float] = []
    ranked: list[float] = []
    for i, q in enumerate(questions):
        for k in ((0, 1) if i % 2 else (1, 0)):
            t0 = time.perf_counter()
            if k == 0:
                model.predict_next(q)
            else:
                model.predict_next(q, top_k=3)
            (plain, ranked)[k].append(time.perf_counter() - t0)
    table: list[float] = []
    known: list[float] = []
    for g in range(3, 11):
        for s in dev:
            x = s.terms(g)
            t0 = time.perf_counter()
            next_terms(x)
            t1 = time.perf_counter()
            candidate_table(x, [(x[-1], -0.1)])
            t2 = time.perf_counter()
            known.append(t1 - t0)
            table.append(t2 - t1)
    ms = 1e3
    print(f"CPU: {cpu_name()}, {args.threads} thread(s), backend {model.backend}")
    print(f"{len(questions)} questions of 10 terms, one per call, alternating:")
    print(f"  predict_next(seq)           median {statistics.median(plain) * ms:.1f} ms, "
          f"90th percentile {_percentile(plain, 0.9) * ms:.1f} ms")
    print(f"  predict_next(seq, top_k=3)  median {statistics.median(ranked) * ms:.1f} ms, "
          f"90th percentile {_percentile(ranked, 0.9) * ms:.1f} ms")
    print(f"{len(table)} questions given 3 to 10 terms:")
    print(f"  candidate_table             mean {statistics.fmean(table) * ms:.1f} ms, max {max(table) * ms:.0f} ms")
    print(f"  integer_functions.next_terms mean {statistics.fmean(known) * ms:.1f} ms, max {max(known) * ms:.0f} ms")


if __name__ == "__main__":
    main()
