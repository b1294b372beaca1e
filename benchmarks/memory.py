"""Peak memory of encoding and predicting very large inputs (streamed in batches).

    python benchmarks/memory.py --count 10000000

Each case runs in a fresh subprocess and reports its peak resident memory
(``ru_maxrss``) beside the size of the result it must hold: the difference is
what the streaming costs. ``export`` writes the vectors straight into a
``.npy`` file (memory-mapped), so its peak does not grow with the input.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASE = r"""
import json, resource, sys, tempfile, time, os
import numpy as np, torch
torch.set_num_threads(1)
from num2vec import Num2Vec
case, count, model_path = sys.argv[1], int(sys.argv[2]), (sys.argv[3] or None)
model = Num2Vec.from_pretrained(model_path)
rng = np.random.default_rng(0)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if case == "encode":            # a column with repeats: 10^6 distinct values
    x = rng.integers(0, 10**6, count)
    out = model.encode(x); result = out.nbytes
elif case == "export":          # the same column, written to disk as it is computed
    x = rng.integers(0, 10**6, count)
    with tempfile.TemporaryDirectory() as d:
        model.export(x, os.path.join(d, "v.npy")); result = 0
elif case == "predict":         # many 8-term sequences
    start = rng.integers(0, 10**5, count)
    seqs = (start[:, None] + np.arange(7)[None, :] * 3)
    out = model.predict_next(seqs); result = sys.getsizeof(out) + 28 * len(out)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"case": case, "count": count, "seconds": time.perf_counter() - t0,
                  "peak_mb": peak / 1024, "before_mb": base / 1024, "result_mb": result / 2**20}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000_000)
    ap.add_argument("--predict-count", type=int, default=200_000)
    ap.add_argument("--model", default="")
    args = ap.parse_args()
    for case, count in (("encode", args.count), ("export", args.count), ("predict", args.predict_count)):
        out = subprocess.run([sys.executable, "-c", CASE, case, str(count), args.model], capture_output=True,
                             text=True, check=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(f"{case:8} {r['count']:>11,} items: peak {r['peak_mb']:8.0f} MB (model loaded: {r['before_mb']:.0f} MB, "
              f"result {r['result_mb']:.0f} MB, streaming overhead {r['peak_mb'] - r['before_mb'] - r['result_mb']:.0f}"
              f" MB), {r['seconds']:.1f} s")


if __name__ == "__main__":
    main()
