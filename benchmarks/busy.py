"""Inference speed with another process busy on the CPU, beside the same on a quiet machine.

    python benchmarks/busy.py                 # one spinner process, 5 calls of each kind
    python benchmarks/busy.py --spinners 2 --calls 20

PyTorch starts one intra-op thread per core. When another process keeps a core
busy, a call split over every core waits for the thread that shares its core
with the other process, and small calls -- one sequence, a few numbers -- get
many times slower. ``Num2Vec(threads="auto")`` (the default) runs each call on
:func:`num2vec.api.auto_threads` threads, one for small work, and restores the
count afterwards; ``threads=None`` leaves PyTorch's default in place.

Each case is timed with the machine as it is ("quiet") and again with
``--spinners`` processes each spinning one core for a bounded time ("busy");
the table gives the median seconds per call and the ratio busy / quiet.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from benchmarks_common import timed

SPIN = "import time, sys\nend = time.time() + float(sys.argv[1])\nwhile time.time() < end:\n    pass\n"




def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spinners", type=int, default=1, help="busy processes beside the benchmark")
    ap.add_argument("--calls", type=int, default=5, help="timed calls per case")
    ap.add_argument("--max-spin", type=float, default=600.0, help="seconds after which a spinner stops by itself")
    ap.add_argument("--model", default=None)
    args = ap.parse_args()

    import numpy as np
    import torch

    from num2vec import Num2Vec
    from num2vec.api import auto_threads

    cores = os.cpu_count() or 1
    torch.set_num_threads(cores)  # PyTorch's default
    models = {"torch default threads": Num2Vec.from_pretrained(args.model, precision="fp32", threads=None),
              "threads='auto'": Num2Vec.from_pretrained(args.model, precision="fp32")}
    rng = np.random.default_rng(0)
    starts = rng.integers(0, 10**5, 128)
    batch = (starts[:, None] + np.arange(8)[None, :] * 7).tolist()
    work = {
        "predict_next, 1 sequence": lambda m: m.predict_next([2, 4, 8, 16, 32, 64]),
        "predict_next, 128 sequences": lambda m: m.predict_next(batch),
        "encode, 16 numbers": lambda m: m.encode(list(range(16))),
    }
    print(f"{cores} cores ({_cpu_name()}), torch {torch.__version__}, torch.get_num_threads() = {cores}; "
          f"auto_threads: 1 sequence -> {auto_threads(6)}, 128 x 8 terms -> {auto_threads(128 * 8)}")
    print(f"{'case':30} {'threads':22} {'quiet s/call':>12} {'busy s/call':>12} {'busy/quiet':>10}")
    for case, fn in work.items():
        for name, model in models.items():
            quiet = timed(lambda: fn(model), repeats=args.calls, warmup=1)  # noqa: B023
            spinners = [subprocess.Popen([sys.executable, "-c", SPIN, str(args.max_spin)])
                        for _ in range(args.spinners)]
            try:
                time.sleep(0.5)
                busy = timed(lambda: fn(model), repeats=args.calls, warmup=1)  # noqa: B023
            finally:
                for p in spinners:
                    p.kill()
                    p.wait()
            print(f"{case:30} {name:22} {quiet:12.4f} {busy:12.4f} {busy / quiet:10.1f}")


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as fh:
            return next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        return "unknown CPU"


if __name__ == "__main__":
    main()
