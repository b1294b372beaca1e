"""``torch.compile`` on the PyTorch backend: compile time, answers and speed beside eager mode.

    python benchmarks/torch_compile.py

The digit encoder, the decoder GRU and the output MLP of one copy of the bundled model are compiled
(``dynamic=True``: batch sizes and lengths vary); the other copy stays eager. Workloads as in ``speed.py``: the
3,000 original-distribution sequences in one call (median of 4 alternating rounds) and one sequence per call
(median of 100 alternating calls). One thread.
"""

from __future__ import annotations

import statistics
import time

import torch
from benchmarks_common import cpu_name
from speed import original_questions


def main() -> None:
    from num2vec import Num2Vec

    torch.set_num_threads(1)
    seqs = original_questions()
    eager = Num2Vec.from_pretrained(precision="fp32", threads=1, backend="torch")
    compiled = Num2Vec.from_pretrained(precision="fp32", threads=1, backend="torch")
    net = compiled.net
    net.encoder = torch.compile(net.encoder, dynamic=True)
    net.decoder = torch.compile(net.decoder, dynamic=True)
    net.head = torch.compile(net.head, dynamic=True)
    t0 = time.perf_counter()
    answers = compiled.predict_next(seqs)
    first = time.perf_counter() - t0
    same = sum(a == b for a, b in zip(answers, eager.predict_next(seqs)))
    times: dict[str, list[float]] = {"compiled": [], "eager": []}
    for i in range(4):
        for name, model in ((("compiled", compiled), ("eager", eager)) if i % 2 else
                            (("eager", eager), ("compiled", compiled))):
            t0 = time.perf_counter()
            model.predict_next(seqs)
            times[name].append(time.perf_counter() - t0)
    single: dict[str, list[float]] = {"compiled": [], "eager": []}
    for i in range(100):
        for name, model in ((("compiled", compiled), ("eager", eager)) if i % 2 else
                            (("eager", eager), ("compiled", compiled))):
            t0 = time.perf_counter()
            model.predict_next(seqs[i])
            single[name].append(time.perf_counter() - t0)
    c, e = statistics.median(times["compiled"]), statistics.median(times["eager"])
    print(f"{cpu_name()}, one thread; torch {torch.__version__}")
    print(f"first call, compilation included: {first:.1f} s; identical answers: {same} of {len(seqs)}")
    print(f"3,000 sequences in one call: compiled {c:.3f} s, eager {e:.3f} s, {e / c:.2f}x")
    print(f"one sequence per call: compiled {statistics.median(single['compiled']) * 1e3:.2f} ms, eager "
          f"{statistics.median(single['eager']) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
