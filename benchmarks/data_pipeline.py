"""Does the data pipeline keep up with training? Batches made per second vs optimizer steps per second.

A batch is what ``num2vec.training.StepBatches`` hands the model: sequences drawn from the generator (with the
preset's length mix), their held-out targets masked, then ``num2vec.exact.featurize`` (digit tokens and the exact
candidate columns). The pipeline must make batches at least 10x faster than the model trains on them; with
``--workers N`` (for a GPU) N processes share the work.

    python benchmarks/data_pipeline.py                 # preset default, best of 3 x 20 batches, 5 steps, one thread
    python benchmarks/data_pipeline.py --workers 2     # also: batches made by 2 worker processes together
    python benchmarks/data_pipeline.py --device cuda --workers 14 --batch-size 512   # a GPU's steps, its host's workers
"""

from __future__ import annotations

import argparse
import time

import torch
from benchmarks_common import cpu_name

from num2vec.training import StepBatches, Trainer, make_config


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="default")
    ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=20,
                    help="untimed batches first: a training worker makes thousands, its formula caches full")
    ap.add_argument("--repeats", type=int, default=3,
                    help="runs of --batches batches, each on its own batches; the best is reported (as timeit does: "
                         "the others are slowed by whatever else the machine runs)")
    ap.add_argument("--steps", type=int, default=5, help="training steps timed (after 2 untimed)")
    ap.add_argument("--device", default="cpu", help="where the training steps run (cpu, cuda)")
    ap.add_argument("--batch-size", type=int, default=None, help="[default: the preset's]")
    ap.add_argument("--workers", type=int, default=0,
                    help="also time this many worker processes making batches together, as `num2vec train "
                         "--workers N` does (a torch DataLoader); needs that many idle cores")
    args = ap.parse_args()
    torch.set_num_threads(1)
    cfg = make_config(args.preset, out_dir="/tmp/num2vec-data-pipeline", eval_size=10, batch_size=args.batch_size)
    batches = StepBatches(cfg, rank=0, exclude=set())
    for i in range(args.warmup):  # untimed: build the generators and fill the formula caches, as a worker does once
        batches[10**6 + i]
    runs = []  # seconds per batch, one entry per repeat, each on its own batches
    for r in range(args.repeats):
        t0 = time.perf_counter()
        for i in range(r * args.batches, (r + 1) * args.batches):
            batches[i]
        runs.append((time.perf_counter() - t0) / args.batches)
    make = min(runs)
    trainer = Trainer(cfg, device=args.device, progress=False, log=lambda m: None)
    ready = [batches[1000 + i].to(trainer.device) for i in range(2 + args.steps)]  # made before the clock starts
    for b in ready[:2]:  # untimed: kernels, allocator
        trainer.train_step(iter([b]))
    t0 = time.perf_counter()
    for b in ready[2:]:
        trainer.train_step(iter([b]))  # ends with loss.item(): the step is finished on any device
    step = (time.perf_counter() - t0) / args.steps  # model time only
    where = "one thread" if trainer.device.type == "cpu" else f"steps on {torch.cuda.get_device_name(trainer.device)}"
    print(f"{cpu_name()}, {where}, preset {args.preset} (batch {cfg.batch_size}, length mix {cfg.long_share}):")
    print(f"  making a batch   {make * 1000:8.1f} ms  (best of {args.repeats} runs of {args.batches} batches: "
          f"{', '.join(f'{v * 1000:.1f}' for v in runs)})")
    print(f"  training a step  {step * 1000:8.1f} ms")
    print(f"  ratio            {step / make:8.1f}x  (the pipeline must be >= 10x faster)")
    if args.workers:
        one, together = workers_rate(batches, args.workers, max(args.batches, 5 * args.workers))
        print(f"  {args.workers} workers together: a batch every {together * 1000:.1f} ms, one process "
              f"{one * 1000:.1f} ms on the same batches ({one / together:.2f}x)")


def workers_rate(batches: StepBatches, workers: int, count: int, start: int = 2000) -> tuple[float, float]:
    """Seconds per batch for the batches ``start + workers ..`` (``count`` of them, at least 5 per worker) made in
    this process, and when ``workers`` processes make them ahead, as the trainer's loader does (the first
    ``workers`` batches, which pay for the processes' start-up, are not timed; forked processes, Linux's default,
    start from this one's warm formula caches)."""
    timed = range(start + workers, start + workers + count)
    t0 = time.perf_counter()
    for i in timed:
        batches[i]
    one = (time.perf_counter() - t0) / count
    loader = torch.utils.data.DataLoader(batches, batch_size=None, sampler=range(start, timed.stop),
                                         num_workers=workers, prefetch_factor=2)
    it = iter(loader)
    for _ in range(workers):
        next(it)
    t0 = time.perf_counter()
    for _ in timed:
        next(it)
    return one, (time.perf_counter() - t0) / count


if __name__ == "__main__":
    main()
