"""Inference precision on this CPU: exact float32 (NumPy and PyTorch backends) against bfloat16 autocast.

Times the three ways to run the bundled model, one thread, alternating rounds (the median is printed): one
``predict_next`` call on 3,000 held-out sequences of the original distribution, 200 single-sequence calls, and
``encode`` on 20,000 distinct 9-digit numbers; then counts the answers that differ from the NumPy backend's and
the largest change of an embedding entry. bf16 is worth a default only where it is faster for every kind of call
and leaves the results unchanged; ``precision="auto"`` is float32.

    python benchmarks/precision.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from benchmarks_common import cpu_flags, cpu_name

from num2vec import Num2Vec
from num2vec.data import GeneratorConfig, heldout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    seqs = [list(s.terms[:-1]) for s in heldout("test", 3000, GeneratorConfig(8, 8, 10**7, False, "original"))]
    numbers = list(range(10**8, 10**8 + 20_000))
    models = {"NumPy fp32": Num2Vec.from_pretrained(backend="numpy", threads=1),
              "PyTorch fp32": Num2Vec.from_pretrained(backend="torch", precision="fp32", threads=1),
              "PyTorch bf16": Num2Vec.from_pretrained(backend="torch", precision="bf16", threads=1)}
    times: dict[str, dict[str, list[float]]] = {k: {"batch": [], "single": [], "encode": []} for k in models}
    answers, vectors = {}, {}
    for _ in range(args.rounds):
        for name, model in models.items():
            t0 = time.perf_counter()
            answers[name] = model.predict_next(seqs)
            times[name]["batch"].append(len(seqs) / (time.perf_counter() - t0))
            t0 = time.perf_counter()
            for s in seqs[:200]:
                model.predict_next(s)
            times[name]["single"].append((time.perf_counter() - t0) / 200 * 1000)
            t0 = time.perf_counter()
            vectors[name] = model.encode(numbers)
            times[name]["encode"].append(len(numbers) / (time.perf_counter() - t0))
    flags = cpu_flags() & {"avx2", "avx512f", "avx512_bf16", "amx_bf16"}
    print(f"{cpu_name()} ({', '.join(sorted(flags)) or 'flags unknown'}), one thread, median of {args.rounds} rounds")
    base = "NumPy fp32"
    for name in models:
        t = {k: statistics.median(v) for k, v in times[name].items()}
        differ = sum(a != b for a, b in zip(answers[base], answers[name]))
        moved = float(np.abs(vectors[base] - vectors[name]).max())
        print(f"  {name:13s} 3,000 sequences in one call {t['batch']:7,.0f} sequences/s   one sequence "
              f"{t['single']:5.1f} ms   encode {t['encode']:7,.0f} numbers/s   answers differing {differ:4d}   "
              f"largest embedding change {moved:.1e}")


if __name__ == "__main__":
    main()
