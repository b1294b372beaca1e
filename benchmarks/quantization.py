"""int8 dynamic quantisation of the bundled model: faster, but are the answers the same?

PyTorch's dynamic quantisation (``torch.ao.quantization.quantize_dynamic``) stores the weights of every
``nn.Linear`` and ``nn.GRU`` in int8 and quantises activations on the fly. Both models answer the 3,000 held-out
sequences of the original distribution (greedy ``predict_next``, one thread, alternating rounds); the script
prints each one's throughput, accuracy and the share of identical answers. num2vec keeps a speed-up only with
identical answers, so fp32 stays the default.

    python benchmarks/quantization.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
import warnings

import torch
from benchmarks_common import cpu_name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(1)
    from torch.ao.quantization import quantize_dynamic

    from num2vec import Num2Vec
    from num2vec.data import GeneratorConfig, heldout

    samples = heldout("test", 3000, GeneratorConfig(8, 8, 10**7, False, "original"))
    given, want = [list(s.terms[:-1]) for s in samples], [s.terms[-1] for s in samples]
    fp32 = Num2Vec.from_pretrained(precision="fp32", threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao's deprecation notice
        net = quantize_dynamic(copy.deepcopy(fp32.net), {torch.nn.Linear, torch.nn.GRU}, dtype=torch.qint8)
    int8 = Num2Vec(net, fp32.config, precision="fp32", threads=1)
    answers = {name: m.predict_next(given) for name, m in (("fp32", fp32), ("int8", int8))}
    rates: dict[str, list[float]] = {"fp32": [], "int8": []}
    for _ in range(args.rounds):
        for name, m in (("fp32", fp32), ("int8", int8)):
            t0 = time.perf_counter()
            m.predict_next(given)
            rates[name].append(len(given) / (time.perf_counter() - t0))
    same = sum(a == b for a, b in zip(answers["fp32"], answers["int8"]))
    print(f"{cpu_name()}, one thread, 3,000 original-distribution sequences, median of {args.rounds} rounds")
    for name in ("fp32", "int8"):
        acc = sum(a == w for a, w in zip(answers[name], want)) / len(want)
        print(f"{name}: {statistics.median(rates[name]):,.0f} sequences/s, accuracy {acc * 100:.2f} %")
    print(f"int8 / fp32 speed: {statistics.median(rates['int8']) / statistics.median(rates['fp32']):.2f}x; "
          f"identical answers: {same} of {len(given)}")


if __name__ == "__main__":
    main()
