"""Peak memory of encoding and predicting very large inputs (streamed in batches).

    python benchmarks/memory.py --count 10000000
    python benchmarks/memory.py --quick          # the streamed cases at 10^5 and 10^6 numbers: a few minutes
    python benchmarks/memory.py --first-answer 50   # predict --file on a 50 MB file: first answer, peak memory

Each case runs in a fresh subprocess and reports its peak resident memory
(``ru_maxrss`` from ``resource.getrusage``) beside the size of the result it
must hold: the difference is what the streaming costs. The streamed cases --
``export_range`` (``model.export(range(N), "v.npy")``), ``embed_range``
(``num2vec embed --range 0 N --output v.npy``), ``similar_range``
(``model.most_similar(candidates=range(N))``) and ``predict_file``
(``num2vec predict --file`` with N lines) -- hold no result, so a flat peak
across N is what bounded memory looks like; run them at two sizes to see it.
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
elif case == "export_range":    # range(N) straight to a .npy file, chunk by chunk
    with tempfile.TemporaryDirectory() as d:
        model.export(range(count), os.path.join(d, "v.npy")); result = 0
elif case == "embed_range":     # the same from the command line
    from num2vec.cli import main
    with tempfile.TemporaryDirectory() as d:
        try:
            main(["embed", "--range", "0", str(count), "--output", os.path.join(d, "v.npy"), "--threads", "1",
                  *(["--model", model_path] if model_path else [])])
        except SystemExit as e:
            assert not e.code, e.code
    result = 0
elif case == "similar_range":   # nearest numbers among range(N), a running top 10
    model.most_similar(positive=[12345], topn=10, candidates=range(count)); result = 0
elif case == "predict_file":    # N lines of 8 terms, answered a batch of lines at a time
    from num2vec.cli import main
    with tempfile.TemporaryDirectory() as d:
        f, out = os.path.join(d, "seqs.txt"), os.path.join(d, "out.txt")
        with open(f, "w") as fh:
            for i in range(count):
                fh.write(" ".join(str(i % 1000 + 3 * k) for k in range(8)) + "\n")
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        with open(out, "w") as sys.stdout:
            try:
                main(["predict", "--file", f, "--threads", "1", *(["--model", model_path] if model_path else [])])
            except SystemExit as e:
                assert not e.code, e.code
        sys.stdout = sys.__stdout__
    result = 0
elif case == "predict":         # many 8-term sequences
    start = rng.integers(0, 10**5, count)
    seqs = (start[:, None] + np.arange(7)[None, :] * 3)
    out = model.predict_next(seqs); result = sys.getsizeof(out) + 28 * len(out)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"case": case, "count": count, "seconds": time.perf_counter() - t0,
                  "peak_mb": peak / 1024, "before_mb": base / 1024, "result_mb": result / 2**20}))
"""


STREAMED = ("export_range", "embed_range", "similar_range", "predict_file")


def first_answer(megabytes: int, seconds: float, model: str) -> None:
    """``num2vec predict --file`` on a file of ``megabytes`` MB: time to the first answer, and the peak memory
    (VmHWM) after ``seconds`` of answering; the process is then stopped."""
    import os
    import tempfile
    import time

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "seqs.txt")
        with open(path, "w") as fh:
            i = 0
            while fh.tell() < megabytes * 2**20:
                fh.write(" ".join(str(i % 100000 + 3 * k) for k in range(8)) + "\n")
                i += 1
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "num2vec", "predict", "--file", path, "--threads", "1",
                                 *(["--model", model] if model else [])], stdout=subprocess.PIPE, text=True)
        proc.stdout.readline()
        first = time.perf_counter() - t0
        lines = 1
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and proc.stdout.readline():
            lines += 1
        status = open(f"/proc/{proc.pid}/status").read()
        peak = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1]) / 1024
        proc.kill()
        proc.wait()
    print(f"predict --file, {megabytes} MB ({i:,} lines): first answer after {first:.1f} s; {lines:,} answers in "
          f"{seconds:.0f} s more; peak {peak:.0f} MB", flush=True)


def run_case(case: str, count: int, model: str) -> None:
    out = subprocess.run([sys.executable, "-c", CASE, case, str(count), model], capture_output=True,
                         text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    print(f"{case:13} {r['count']:>11,} items: peak {r['peak_mb']:8.0f} MB (model loaded: {r['before_mb']:.0f} MB, "
          f"result {r['result_mb']:.0f} MB, streaming overhead {r['peak_mb'] - r['before_mb'] - r['result_mb']:.0f}"
          f" MB), {r['seconds']:.1f} s", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=10_000_000)
    ap.add_argument("--predict-count", type=int, default=200_000)
    ap.add_argument("--cases", nargs="+", default=["encode", "export", "predict", *STREAMED],
                    choices=["encode", "export", "predict", *STREAMED])
    ap.add_argument("--quick", action="store_true", help="only the streamed cases, at 10^5 and 10^6 (predict_file: "
                                                         "10^3 and 10^4 lines)")
    ap.add_argument("--model", default="")
    ap.add_argument("--first-answer", type=int, metavar="MB", default=None,
                    help="instead: predict --file on a file of MB megabytes, time to the first answer and peak memory")
    args = ap.parse_args()
    if args.first_answer:
        first_answer(args.first_answer, 30.0, args.model)
        return
    if args.quick:
        for case in STREAMED:
            for count in ((1_000, 10_000) if case == "predict_file" else (100_000, 1_000_000)):
                run_case(case, count, args.model)
        return
    for case in args.cases:
        run_case(case, args.predict_count if case in ("predict", "predict_file") else args.count, args.model)


if __name__ == "__main__":
    main()
