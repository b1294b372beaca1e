"""``predict_next`` throughput of this tree beside another revision, side by side in one run.

Both score the same 3,000 held-out sequences of the original distribution, one PyTorch thread each, in alternating
rounds (so a change in the machine's load hits both); each round runs in its own process, importing num2vec from its
tree (the revision is exported with ``git archive``). Each tree uses its own bundled model (the user's view: what
``pip install`` of that revision answers), or with ``--same-model`` both use ``--model`` (a code-only comparison,
for revisions that read the same model).

    python benchmarks/throughput_ab.py --baseline af16f4c                # this tree and its model vs that commit's
    python benchmarks/throughput_ab.py --baseline af16f4c --same-model --rounds 5 --model runs/x/model
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from benchmarks_common import cpu_name

ROOT = Path(__file__).resolve().parent.parent
ROUND = """
import json, sys, time, torch
torch.set_num_threads(1)
from num2vec import Num2Vec
from num2vec.data import GeneratorConfig, heldout
model = Num2Vec.from_pretrained(sys.argv[1])
given = [list(s.terms[:-1]) for s in heldout("test", 3000, GeneratorConfig(8, 8, 10**7, False, "original"))]
model.predict_next(given[:200])  # warm-up
t0 = time.perf_counter()
preds = model.predict_next(given, batch_size=512)
print(json.dumps({"seq_per_s": len(given) / (time.perf_counter() - t0), "preds": [str(p) for p in preds]}))
"""


def export(rev: str, into: Path) -> Path:
    data = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "src"


def one_round(src: Path, model: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(src), OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", ROUND, model], env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", required=True, help="git revision to compare with")
    ap.add_argument("--model", default=str(ROOT / "src" / "num2vec" / "pretrained"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--same-model", action="store_true", help="the baseline runs --model too, not its own")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"this tree": ROOT / "src", f"baseline {args.baseline}": export(args.baseline, Path(tmp))}
        models = {"this tree": args.model,
                  f"baseline {args.baseline}": args.model if args.same_model else str(Path(tmp) / "src" / "num2vec"
                                                                                     / "pretrained")}
        rates: dict[str, list[float]] = {name: [] for name in trees}
        preds: dict[str, list[str]] = {}
        for _ in range(args.rounds):
            for name, src in trees.items():
                r = one_round(src, models[name])
                rates[name].append(r["seq_per_s"])
                preds[name] = r["preds"]
    (a, ra), (b, rb) = rates.items()
    same = sum(x == y for x, y in zip(preds[a], preds[b]))
    print(f"predict_next, 3,000 original-distribution sequences, {cpu_name()}, one thread, {args.rounds} rounds")
    for name, r in rates.items():
        print(f"  {name:<22} {statistics.median(r):8.0f} sequences/s (rounds: {', '.join(f'{x:.0f}' for x in r)})")
    print(f"  ratio                  {statistics.median(ra) / statistics.median(rb):8.2f}x")
    print(f"  same predictions       {same} / {len(preds[a])}" + ("" if args.same_model else " (two models)"))


if __name__ == "__main__":
    main()
