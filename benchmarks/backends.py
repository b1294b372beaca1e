"""The NumPy backend (num2vec.engine, the default on the CPU) beside the PyTorch backend, in one process.

    python benchmarks/backends.py                 # one thread, the bundled model
    python benchmarks/backends.py --threads 2

Calls alternate between the backends in balanced order (A B, B A, ...), so that a drift in the machine's speed
hits both alike; each figure is the median. Workloads: ``predict_next`` on the 3,000 original-distribution
sequences of ``speed.py`` in one call, ``encode`` of 50,000 distinct 9-digit numbers, and ``predict_next`` on one
sequence per call. The answers of the batched call are compared too.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from benchmarks_common import cpu_name
from speed import original_questions


def alternate(fn_a, fn_b, rounds: int) -> tuple[float, float]:
    """Median seconds of ``fn_a`` and ``fn_b`` over ``rounds`` rounds of one call each, in alternating order."""
    times: tuple[list[float], list[float]] = ([], [])
    for i in range(rounds):
        for k in ((0, 1) if i % 2 else (1, 0)):
            t0 = time.perf_counter()
            (fn_a, fn_b)[k]()
            times[k].append(time.perf_counter() - t0)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    from num2vec import Num2Vec

    torch.set_num_threads(args.threads)
    fast = Num2Vec.from_pretrained(args.model, precision="fp32", threads=args.threads, backend="numpy")
    ref = Num2Vec.from_pretrained(args.model, precision="fp32", threads=args.threads, backend="torch")
    seqs = original_questions()
    numbers = np.random.default_rng(0).choice(np.arange(10**8, 10**9), size=50_000, replace=False)
    for m in (fast, ref):  # warm-up
        m.predict_next(seqs[:200])
        m.encode(numbers[:4096])
    same = sum(a == b for a, b in zip(fast.predict_next(seqs), ref.predict_next(seqs)))
    print(f"{cpu_name()}, {args.threads} thread(s); torch {torch.__version__}, numpy {np.__version__}")
    rows = [("predict_next, 3,000 sequences in one call", lambda m: (lambda: m.predict_next(seqs)), 6, len(seqs),
             "sequences/s"),
            ("encode, 50,000 distinct 9-digit numbers", lambda m: (lambda: m.encode(numbers)), 4, len(numbers),
             "numbers/s"),
            ("predict_next, one sequence per call", lambda m: (lambda: m.predict_next(seqs[7])), 300, None, "ms")]
    for name, make, rounds, count, unit in rows:
        a, b = alternate(make(fast), make(ref), rounds)
        if count is None:
            figures = f"NumPy {a * 1e3:.1f} ms, PyTorch {b * 1e3:.1f} ms"
        else:
            figures = f"NumPy {count / a:,.0f} {unit}, PyTorch {count / b:,.0f} {unit}"
        print(f"{name}: {figures}; NumPy is {b / a:.2f}x as fast (median of {rounds} alternating rounds)")
    print(f"identical answers, batched call: {same} of {len(seqs)}")


if __name__ == "__main__":
    main()
