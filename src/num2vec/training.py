"""Training: presets, the loop, evaluation on held-out sequences, checkpoints, resume.

A run lives in one folder::

    run/checkpoint.safetensors   weights + AdamW + schedule + step + RNG states + running averages (atomic)
    run/model/                   the latest model as a loadable folder (config.json, ...)
    run/log.jsonl                one line per evaluation
    run/run.lock                 while a process trains the run: its PID (see :class:`RunLock`)

``train(cfg)`` starts a run or, with ``resume=True``, continues it from its
checkpoint: batch ``i`` is a pure function of ``(seed, rank, i)`` (:class:`StepBatches`)
and dropout and scheduled sampling continue from the saved RNG state, so the loss
curve after a resume equals the uninterrupted one, and worker processes that
generate batches ahead (``workers=``) change nothing but the speed.

One process trains a run at a time (the lock); a fresh run refuses a folder that
already holds one unless ``overwrite=True``; a resume drops the log lines written
after the checkpoint it continues from, and the temporary files a killed writer
left. SIGINT and SIGTERM, also sent to the whole process group, stop the run
after the current step with a checkpoint (the batch workers ignore them).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import os
import random
import signal
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import NamedTuple

import torch

from .data import (
    DISTRIBUTIONS,
    PATTERN_TYPES,
    GeneratorConfig,
    Sample,
    SequenceGenerator,
    heldout,
    heldout_targets,
    length_heldout,
    overlaps,
)
from .exact import featurize
from .model import ModelConfig, Num2VecNet, predict_numbers, resolve_device
from .serialization import (
    CARD_NAME,
    CONFIG_NAME,
    WEIGHTS_NAME,
    atomic_write,
    load_checkpoint,
    load_model,
    load_state,
    remove_stale_temp_files,
    save_checkpoint,
    save_model,
)

CHECKPOINT_NAME = "checkpoint.safetensors"
LOG_NAME = "log.jsonl"
MODEL_DIR = "model"
LOCK_NAME = "run.lock"
RUN_FILES = (CHECKPOINT_NAME, MODEL_DIR, LOG_NAME)  # any of these: the folder holds a run
EXIT_STOPPED = 75  # EX_TEMPFAIL: the CLI's exit status for a run stopped early with a checkpoint (resumable)
_AMP_DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


@dataclass
class TrainConfig:
    """Everything a run needs; stored in the checkpoint so ``--resume`` needs only the folder."""

    out_dir: str = "runs/default"
    preset: str = "default"
    steps: int = 20000
    batch_size: int = 256
    lr: float = 3e-3
    weight_decay: float = 0.01
    warmup_steps: int = 300
    min_lr_ratio: float = 0.05
    grad_clip: float = 1.0
    seed: int = 0
    min_given: int = 3  # predict term t+1 from t >= min_given terms
    sampling_max: float = 0.0  # scheduled sampling: rate reached at the end of training
    pattern_weight: float = 0.1  # weight of the auxiliary pattern-type loss (models with model.pattern_classes)
    property_weight: float = 0.1  # weight of the auxiliary number-property loss (models with model.number_properties)
    eval_every: int = 500
    eval_size: int = 500
    checkpoint_every: int = 250
    distribution: str = "mixed"
    min_length: int = 6
    max_length: int = 10
    max_value: int = 10**7
    allow_negative: bool = False
    families: list[str] | None = None  # only these sequence families (None: the whole distribution)
    precision: str = "fp32"  # "fp32", or mixed precision "bf16" / "fp16" (autocast; fp16 on CUDA only)
    # what training never learns (the held-out inputs are the first 7 terms of the 8-term valid/test sequences):
    # "targets" -- no loss on a term that follows 7 terms equal to a held-out input (those targets are masked; the
    #   rest of the sequence trains), so training never answers a held-out question, with any continuation;
    # "inputs" -- sequences holding a held-out input anywhere are dropped whole;
    # "sequences" -- sequences holding a whole held-out sequence are dropped
    exclude: str = "targets"
    # length mix: this share of the batches comes from a generator of long numbers (start values and constants of
    # 1..long_digits digits, terms below 10^long_digits); the rest from the distribution above. A batch is all long
    # or all short (drawn per step from the step's seed), so short batches are never padded to long numbers
    long_share: float = 0.0
    long_digits: int = 40
    # small starts: this share of the batches comes from a generator whose start values and constants are 0..3
    # (GeneratorConfig.small_starts: Fibonacci, Lucas, powers of 2, small cycles), drawn like the length mix's
    small_share: float = 0.0
    # a model folder to start from: its weights are copied wherever this model has a tensor of the same name and shape
    # (fine-tuning; a resumed run ignores it: the checkpoint holds the weights)
    init_from: str | None = None
    model: ModelConfig = field(default_factory=ModelConfig)

    def __post_init__(self) -> None:
        if isinstance(self.model, dict):
            self.model = ModelConfig.from_dict(self.model)
        for name in ("steps", "batch_size", "eval_every", "checkpoint_every", "eval_size"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be at least 1")
        if self.lr <= 0:
            raise ValueError(f"lr={self.lr} must be positive")
        if not 0 <= self.sampling_max < 1:
            raise ValueError(f"sampling_max={self.sampling_max} must be in [0, 1)")
        if self.min_given < 1 or self.min_given >= self.min_length:
            raise ValueError(f"min_given={self.min_given} must be in 1..min_length-1 ({self.min_length - 1})")
        if self.exclude not in EXCLUDE_MODES:
            raise ValueError(f"exclude={self.exclude!r} is unknown; choose {' or '.join(EXCLUDE_MODES)}")
        if self.precision not in ("fp32", "bf16", "fp16"):
            raise ValueError(f"precision={self.precision!r} is unknown; choose fp32, bf16 or fp16")
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(f"distribution={self.distribution!r} is unknown; choose one of {', '.join(DISTRIBUTIONS)}")
        if not 0 <= self.long_share <= 1:
            raise ValueError(f"long_share={self.long_share} must be in [0, 1]")
        if not 8 <= self.long_digits <= 1000:
            raise ValueError(f"long_digits={self.long_digits} must be in 8..1000")
        if not 0 <= self.small_share <= 1 or self.long_share + self.small_share > 1:
            raise ValueError(f"small_share={self.small_share} must be in [0, 1 - long_share] "
                             f"(long_share={self.long_share})")
        self.model.allow_negative = self.allow_negative

    def generator_config(self) -> GeneratorConfig:
        return GeneratorConfig(self.min_length, self.max_length, self.max_value, self.allow_negative,
                               self.distribution, tuple(self.families) if self.families else None)

    def long_generator_config(self) -> GeneratorConfig:
        """The generator of the length mix: the same families with start values of up to ``long_digits`` digits."""
        return GeneratorConfig(self.min_length, self.max_length, 10**self.long_digits, self.allow_negative,
                               self.distribution, tuple(self.families) if self.families else None,
                               start_digits=self.long_digits)

    def small_generator_config(self) -> GeneratorConfig:
        """The generator of the small starts: the same families with start values and constants of 0..3."""
        return GeneratorConfig(self.min_length, self.max_length, self.max_value, self.allow_negative,
                               self.distribution, tuple(self.families) if self.families else None,
                               small_starts=True)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["model"] = self.model.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict) -> TrainConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"training config has unknown keys {unknown}")
        return cls(**({"exclude": "sequences"} | d))  # runs saved before the field existed excluded sequences


_BUNDLED_MODEL = dict(nest_hidden=192, dec_hidden=192, bidirectional=True, attention="numbers", difference_orders=2,
                      nested_differences=2, extrapolations=6, ratio_extrapolations=2, recurrence_extrapolations=2,
                      period_extrapolations=5, holonomic_fits=4, ratio_series=2, interleaved=3,
                      pattern_classes=len(PATTERN_TYPES), number_properties=True, magnitude_channel=True)
PRESETS: dict[str, dict] = {
    # a few minutes on one CPU thread (2.6 min on the 2-core AMD EPYC): for tests and demos
    "tiny": dict(
        steps=1500, batch_size=64, lr=5e-3, warmup_steps=30, eval_every=100, eval_size=200, checkpoint_every=50,
        min_length=6, max_length=8,
        model=dict(d_digit=16, d_model=48, enc_hidden=48, nest_hidden=64, dec_hidden=64, context_numbers=4,
                   d_column=8, max_digits=12),
    ),
    # the bundled model's switches -- the ablation's best (bidirectional encoder, attention over the nested outputs,
    # difference columns, the nested RNN reading differences, extrapolation columns up to the 6th difference, ratio,
    # recurrence and period columns), the holonomic, ratio-series and every-other-term columns, plus what shapes the
    # embeddings (pattern-type head on the sequence embedding, digit properties and the magnitude channel on the
    # number embedding); signed terms, a fifth of the batches from the length mix (start values of up to 40 digits)
    # and a tenth with small starts (start values and constants 0..3). The model card gives the bundled model's
    # exact command.
    "default": dict(steps=3379, max_length=12, allow_negative=True, long_share=0.2, long_digits=40, small_share=0.1,
                    distribution="all", model=_BUNDLED_MODEL),
    # the same model, 40,000 steps: for an accelerator (`scripts/gpu_run.sh` fits it to the time there is) or a run
    # resumed across machines
    "quality": dict(steps=40000, max_length=12, checkpoint_every=500, allow_negative=True, long_share=0.2,
                    long_digits=40, small_share=0.1, distribution="all", model=_BUNDLED_MODEL),
}


def make_config(preset: str = "default", **overrides) -> TrainConfig:
    """A :class:`TrainConfig` from a preset plus overrides (``model`` overrides merge into the preset's)."""
    if preset not in PRESETS:
        raise ValueError(f"preset={preset!r} is unknown; choose one of {', '.join(PRESETS)}")
    base = dict(PRESETS[preset])
    model = dict(base.pop("model", {}))
    model.update(overrides.pop("model", {}) or {})
    base.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig(preset=preset, model=ModelConfig(**model), **base)


def lr_factor(step: int, cfg: TrainConfig) -> float:
    """Linear warm-up, then cosine decay to ``min_lr_ratio``."""
    if step < cfg.warmup_steps:
        return (step + 1) / cfg.warmup_steps
    progress = min(1.0, (step - cfg.warmup_steps) / max(1, cfg.steps - cfg.warmup_steps))
    return cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


EXCLUDE_MODES = ("targets", "inputs", "sequences")
#: sequences of each held-out split (and distribution) that training excludes: the first of the split's seeded stream
HELDOUT_SIZE = 3000


def exclusion_set(max_value: int, allow_negative: bool, mode: str = "targets",
                  lengths: bool = False) -> set[tuple[int, ...]]:
    """The held-out tuples of the 8-term valid/test splits of every distribution.

    ``"targets"`` and ``"inputs"``: their first 7 terms (the input each is scored
    on); ``"sequences"``: all 8. See :attr:`TrainConfig.exclude` for what the
    trainer does with them. A signed run (``allow_negative``) excludes the
    unsigned splits too, so that a signed model is scored on sequences it never
    learned; ``lengths`` adds the length benchmark (:func:`num2vec.data.length_heldout`).
    """
    out: set[tuple[int, ...]] = set()
    for signed in sorted({False, allow_negative}):
        for dist in DISTRIBUTIONS:
            gc = GeneratorConfig(8, 8, max_value, signed, dist)
            for split in ("valid", "test"):
                out.update(s.terms if mode == "sequences" else s.terms[:-1] for s in heldout(split, HELDOUT_SIZE, gc))
    if lengths:
        for samples in length_heldout(signed=(False, True) if allow_negative else (False,)).values():
            out.update(s.terms if mode == "sequences" else s.terms[:-1] for s in samples)
    return out


#: the real-sequence benchmark asks for term g+1 from the first g terms, g in CATALOG_GIVEN (num2vec.catalog)
CATALOG_GIVEN = (5, 10)
#: terms before a target that are compared with the end of a catalog question's input
CATALOG_WINDOW = 5


@functools.lru_cache(maxsize=1)
def catalog_inputs() -> frozenset[tuple[int, ...]]:
    """The last :data:`CATALOG_WINDOW` terms of the input of every question of the real-sequence benchmark, for
    each catalog sequence of both halves: terms 1-5 (given 5) and 6-10 (given 10).

    A trainer puts no loss on a term that follows one of them (see :func:`catalog_targets`), so no training target
    answers a question of the benchmark."""
    from .catalog import CATALOG

    w = CATALOG_WINDOW
    out: set[tuple[int, ...]] = set()
    for seq in CATALOG:
        terms = seq.terms(max(CATALOG_GIVEN))
        out.update(tuple(terms[g - w: g]) for g in CATALOG_GIVEN)
    return frozenset(out)


def catalog_targets(terms: Sequence[int]) -> list[int]:
    """Indices ``i`` of the terms that follow :data:`CATALOG_WINDOW` terms equal to the end of a catalog
    question's input (see :func:`catalog_inputs`), whatever ``terms[i]`` is.

    The rule looks at the terms before a target only, never at the target: masking only the continuations that
    agree with a catalog sequence would train the other continuations of the same terms, and teach that the
    natural numbers, the squares or the Fibonacci numbers do *not* go on as they do.

    >>> catalog_targets([9, 0, 1, 1, 2, 3, 5])  # 0 1 1 2 3: the first five Fibonacci numbers
    [6]
    >>> catalog_targets([9, 0, 1, 1, 2, 3, 4])  # the same five terms followed by 4: masked just the same
    [6]
    """
    inputs = catalog_inputs()
    w = CATALOG_WINDOW
    return [i for i in range(w, len(terms)) if tuple(terms[i - w: i]) in inputs]


def evaluate(net: Num2VecNet, samples: list[Sample], batch_size: int = 512, beam_size: int = 1) -> dict:
    """Exact-match accuracy of the last term given the others: overall and per family."""
    preds = predict_numbers(net, [list(s.terms[:-1]) for s in samples], batch_size=batch_size, beam_size=beam_size)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s, p in zip(samples, preds):
        per[s.family][0] += int(bool(p) and p[0][0] == s.terms[-1])
        per[s.family][1] += 1
    correct = sum(c for c, _ in per.values())
    return {
        "accuracy": correct / max(1, len(samples)),
        "families": {f: c / n for f, (c, n) in sorted(per.items())},
        "counts": {f: n for f, (c, n) in sorted(per.items())},
    }


def _dist():
    """``(rank, world_size)`` of the running process group, ``(0, 1)`` without one."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def step_seed(seed: int, rank: int, step: int) -> str:
    """The seed of batch ``step`` of process ``rank`` (a string: ``random.Random`` hashes it with SHA-512)."""
    return f"{seed}/{rank}/{step}"


class Batch(NamedTuple):
    """One training batch (see :func:`num2vec.codec.encode_sequences` for the token layout)."""

    tokens: torch.Tensor  # (B, T, L) digit tokens of each number
    lengths: torch.Tensor  # (B, T) tokens per number
    n: torch.Tensor  # (B,) numbers per sequence
    columns: torch.Tensor | None  # (B, T, C, Lc) uint8 candidate tokens after each position (num2vec.exact)
    diffs: torch.Tensor | None  # (N, B, T, Ld) uint8 token rows of the differences the nested RNN reads
    patterns: torch.Tensor | None  # (B,) pattern-type index (models with a pattern head)
    skip: torch.Tensor | None  # (B, T) True where the next number is a held-out target (exclude="targets")

    def to(self, device: torch.device) -> Batch:
        non_blocking = device.type == "cuda"
        return Batch(*(None if t is None else t.to(device, non_blocking=non_blocking) for t in self))


class StepBatches(torch.utils.data.Dataset):
    """Batch ``i`` of a run, as a pure function of ``(cfg.seed, rank, i)``, on the CPU.

    Because no state carries from one batch to the next, a
    :class:`~torch.utils.data.DataLoader` with any number of worker processes
    yields the same batches as the main process, and a resumed run needs no
    generator state. Sequences that :attr:`TrainConfig.exclude` keeps out are
    dropped (``"inputs"``, ``"sequences"``) or their held-out targets are marked
    in ``skip`` (``"targets"``).

    >>> cfg = make_config("tiny", batch_size=4)
    >>> b = StepBatches(cfg, rank=0, exclude=set())[7]
    >>> b.tokens.shape[0], torch.equal(b.tokens, StepBatches(cfg, 0, set())[7].tokens)
    (4, True)
    """

    def __init__(self, cfg: TrainConfig, rank: int, exclude: set[tuple[int, ...]]):
        self.cfg, self.rank, self.exclude = cfg, rank, exclude
        self.window = 8 if cfg.exclude == "sequences" else 7
        self._gen: SequenceGenerator | None = None  # built where it is used (in each worker)
        self._long_gen: SequenceGenerator | None = None
        self._small_gen: SequenceGenerator | None = None

    def __len__(self) -> int:
        return self.cfg.steps

    def samples(self, step: int) -> list[Sample]:
        """The sequences of batch ``step`` (after dropping what the exclusion rule drops)."""
        if self._gen is None:
            self._gen = SequenceGenerator(self.cfg.generator_config())
        gen = self._gen
        seed = step_seed(self.cfg.seed, self.rank, step)
        gen.rng.seed(seed)
        if self.cfg.long_share > 0 or self.cfg.small_share > 0:
            mix = random.Random(seed + "/mix").random()  # one draw picks the batch's generator
            if mix < self.cfg.long_share:
                if self._long_gen is None:
                    self._long_gen = SequenceGenerator(self.cfg.long_generator_config())
                gen = self._long_gen
                gen.rng.seed(seed + "/long")
            elif mix < self.cfg.long_share + self.cfg.small_share:
                if self._small_gen is None:
                    self._small_gen = SequenceGenerator(self.cfg.small_generator_config())
                gen = self._small_gen
                gen.rng.seed(seed + "/small")
        masking = self.cfg.exclude == "targets"
        batch: list[Sample] = []
        while len(batch) < self.cfg.batch_size:
            s = gen.sample()
            if masking or not (overlaps(s.terms, self.exclude, self.window) or catalog_targets(s.terms)):
                batch.append(s)
        return batch

    def __getitem__(self, step: int) -> Batch:
        batch = self.samples(step)
        f = featurize([list(s.terms) for s in batch], self.cfg.model.column_spec)
        tokens, lengths, n = f.tokens, f.lengths, f.n
        patterns = skip = None
        if self.cfg.model.pattern_classes:
            patterns = torch.tensor([PATTERN_TYPES.index(s.pattern) for s in batch])
        if self.cfg.exclude == "targets":
            skip = torch.zeros(n.shape[0], tokens.shape[1], dtype=torch.bool)
            for b, s in enumerate(batch):
                for i in heldout_targets(s.terms, self.exclude, self.window) + catalog_targets(s.terms):
                    skip[b, i - 1] = True  # the model predicts number i from positions 0..i-1
        opt = lambda a: None if a is None else torch.from_numpy(a)  # noqa: E731
        return Batch(torch.from_numpy(tokens), torch.from_numpy(lengths), torch.from_numpy(n), opt(f.columns),
                     opt(f.diffs), patterns, skip)


def warm_start(net: Num2VecNet, folder: str) -> tuple[int, list[str]]:
    """Copy the weights of the model in ``folder`` into ``net`` wherever names match.

    A tensor of the same shape is copied whole. A tensor that grew (each
    dimension at least the source's, as when columns are appended to the
    decoder's input or pattern types to the pattern head) gets the source in its
    leading block; where only the input dimension (the last) grew, the new input
    weights are set to zero, so the new inputs start ignored and the network
    computes what the source did. The decoder's input weights are matched block by
    block by name (:meth:`num2vec.model.ModelConfig.decoder_inputs`), so columns inserted between
    others -- period columns before the holonomic ones -- leave the others' weights
    with their columns. Returns ``(tensors copied whole or in part,
    names of the tensors left as initialised)``.
    """
    source, _ = load_model(folder)
    theirs = source.state_dict()
    copied, skipped = 0, []
    blocks = source.cfg.decoder_inputs(), net.cfg.decoder_inputs()
    with torch.no_grad():
        for name, tensor in net.state_dict().items():
            src = theirs.get(name)
            if name == "decoder.weight_ih_l0" and src is not None and blocks[0] != blocks[1]:
                if _copy_by_input(tensor, src, *blocks):
                    copied += 1
                    continue
            if src is not None and src.shape == tensor.shape:
                tensor.copy_(src)
                copied += 1
            elif (src is not None and src.dim() == tensor.dim()
                  and all(a <= b for a, b in zip(src.shape, tensor.shape))):
                if tensor.dim() == 2 and src.shape[0] == tensor.shape[0]:
                    tensor[:, src.shape[1]:] = 0  # grown inputs: start ignored
                tensor[tuple(slice(0, d) for d in src.shape)] = src
                copied += 1
            else:
                skipped.append(name)
    return copied, skipped


def _copy_by_input(tensor: torch.Tensor, src: torch.Tensor, theirs: list[tuple[str, int]],
                   ours: list[tuple[str, int]]) -> bool:
    """Copy the input weights ``src (rows, d_in')`` into ``tensor (rows, d_in)`` block by block, matching the
    blocks by name (a column inserted between others keeps its neighbours' weights where they were trained);
    new blocks start at zero, so the new inputs start ignored. False (nothing copied) when the rows or a block's
    width differ."""
    where = {}
    at = 0
    for name, width in theirs:
        where[name] = (at, width)
        at += width
    if src.shape[0] != tensor.shape[0] or at != src.shape[1]:
        return False
    if any(name in where and where[name][1] != width for name, width in ours):
        return False
    tensor.zero_()
    at = 0
    for name, width in ours:
        if name in where:
            start = where[name][0]
            tensor[:, at : at + width] = src[:, start : start + width]
        at += width
    return True


class RunLockedError(OSError):
    """Another live process trains this run."""


class RunLock:
    """An exclusive lock on a run folder: ``run.lock``, holding the PID of the process that trains the run.

    The lock is an operating-system file lock (``flock``; ``msvcrt.locking`` on
    Windows) on that file, so a process that dies, even by SIGKILL, releases it:
    a lock file left behind naming a dead process never blocks a later run.
    Usable as a context manager; :meth:`acquire` creates the folder if needed.

    >>> import tempfile
    >>> with RunLock(tempfile.mkdtemp()) as lock:
    ...     lock.path.read_text().strip() == str(os.getpid())
    True
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        """Take the lock or raise :class:`RunLockedError` naming the folder and the holder's PID."""
        self.folder.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                _lock_fd(fd)
            except OSError:
                try:
                    holder = os.read(fd, 32).decode(errors="replace").strip() or "(unknown)"
                except OSError:  # Windows: the holder's locked byte cannot be read
                    holder = "(unknown)"
                os.close(fd)
                raise RunLockedError(f"{self.folder} is being trained by process {holder} (lock {self.path}); "
                                     "wait for it to finish or stop it first") from None
            try:  # the file may have been removed by its previous holder between our open and lock: retry
                same = os.path.samestat(os.fstat(fd), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def release(self) -> None:
        """Remove the lock file and release the lock (no-op when not held)."""
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        except OSError:  # Windows cannot remove an open file: the lock is released all the same
            pass
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


def _lock_fd(fd: int) -> None:
    """Lock an open file without waiting; ``OSError`` if another process holds it."""
    try:
        import fcntl
    except ImportError:  # Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


class _StopRequest:
    """Set by SIGINT or SIGTERM while installed: the run stops after its current step, with a checkpoint."""

    def __init__(self) -> None:
        self.requested = False
        self._old: dict[int, object] = {}

    def __call__(self, signum, frame) -> None:  # noqa: ARG002
        self.requested = True

    def install(self) -> bool:
        """Handle the signals (main thread only); False when already installed or not possible."""
        if self._old or not _main_thread():
            return False
        self._old = {s: signal.signal(s, self) for s in (signal.SIGINT, signal.SIGTERM)}
        return True

    def uninstall(self) -> None:
        for s, h in self._old.items():
            signal.signal(s, h)
        self._old = {}


def _ignore_stop_signals(worker_id: int) -> None:  # noqa: ARG001
    """``worker_init_fn`` of the batch workers: SIGINT/SIGTERM to the process group are the main process's to
    handle (it saves a checkpoint and shuts the workers down)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _trim_log(path: Path, step: int) -> int:
    """Keep the lines of the log ``path`` up to ``step`` (a resumed run writes the later ones again) and drop
    torn lines; returns the number of lines dropped."""
    if not path.is_file():
        return 0
    kept, dropped = [], 0
    for line in path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
            keep = isinstance(entry, dict) and isinstance(entry.get("step"), int) and entry["step"] <= step
        except json.JSONDecodeError:
            keep = False
        if keep:
            kept.append(line + "\n")
        else:
            dropped += 1
    if dropped:
        atomic_write(path, "".join(kept).encode())
    return dropped


def prepare_run_folder(out: str | os.PathLike, resume: bool = False, overwrite: bool = False) -> None:
    """Make ``out`` ready for a run; call it holding the run's :class:`RunLock`.

    Removes the temporary files of a killed checkpoint or model write. A fresh
    run (``resume=False``) refuses a folder holding a run (``checkpoint.safetensors``,
    ``model/`` or ``log.jsonl``) with ``FileExistsError`` unless ``overwrite``, which
    deletes those (and only those) files first.
    """
    out = Path(out)
    model = out / MODEL_DIR
    remove_stale_temp_files(out, (CHECKPOINT_NAME, LOG_NAME))
    if model.is_dir():
        remove_stale_temp_files(model, (WEIGHTS_NAME, CONFIG_NAME, CARD_NAME))
    if resume:
        return
    found = [name for name in RUN_FILES if (out / name).exists()]
    if found and not overwrite:
        raise FileExistsError(f"{out} already holds a run ({', '.join(found)}); continue it with --resume or start "
                              "afresh with --overwrite (resume=True / overwrite=True)")
    if overwrite:
        for path in (out / CHECKPOINT_NAME, out / LOG_NAME, model / WEIGHTS_NAME, model / CONFIG_NAME,
                     model / CARD_NAME):
            if path.is_file():
                path.unlink()
        if model.is_file():
            model.unlink()
        elif model.is_dir() and not any(model.iterdir()):
            model.rmdir()


class Trainer:
    """Owns the model, optimizer, data stream and checkpoints of one run.

    Under ``torchrun`` (an initialised process group) the model is wrapped in
    DistributedDataParallel, each rank draws its own data stream from the seed,
    and only rank 0 evaluates, logs, shows progress and writes checkpoints.
    """

    def __init__(self, cfg: TrainConfig, device: str = "cpu", progress: bool = True,
                 log: Callable[[str], None] = print, workers: int = 0, use_init_from: bool = True):
        if workers < 0:
            raise ValueError(f"workers={workers} must be 0 (the main process makes the batches) or more")
        self.cfg = cfg
        self.workers = workers
        self.rank, self.world = _dist()
        self.device = resolve_device(device)
        if self.device.type == "cuda" and self.world > 1:
            self.device = torch.device("cuda", torch.cuda.current_device())
        self.progress = progress and self.rank == 0
        self.log = log if self.rank == 0 else (lambda m: None)
        self.out = Path(cfg.out_dir)
        if cfg.precision == "fp16" and self.device.type != "cuda":
            raise ValueError("precision='fp16' needs a CUDA device; use bf16 or fp32 on the CPU")
        torch.manual_seed(cfg.seed)  # identical initial weights on every rank
        self.net = Num2VecNet(cfg.model).to(self.device)
        self.model: torch.nn.Module = self.net
        if self.world > 1:
            from torch.nn.parallel import DistributedDataParallel

            self.model = DistributedDataParallel(self.net, device_ids=[self.device] if self.device.type == "cuda"
                                                 else None)
        self.scaler = torch.amp.GradScaler("cuda", enabled=cfg.precision == "fp16")
        decay = [p for n, p in self.net.named_parameters() if p.dim() >= 2 and "embed" not in n]
        other = [p for n, p in self.net.named_parameters() if not (p.dim() >= 2 and "embed" not in n)]
        self.opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": other, "weight_decay": 0.0}], lr=cfg.lr
        )
        self.sched = torch.optim.lr_scheduler.LambdaLR(self.opt, lambda s: lr_factor(s, cfg))
        torch.manual_seed(cfg.seed + 7919 * self.rank)  # dropout and scheduled sampling per rank
        self.step = 0
        self.seen = 0
        self.train_seconds = 0.0  # wall time of the training steps, summed over resumes (no evaluation)
        self.history: list[dict] = []
        self.ema: dict[str, float] = {}  # running averages of the step statistics (loss, accuracies), logged
        self.interrupted = False  # the last run() stopped on SIGINT/SIGTERM
        self.stop = _StopRequest()
        if cfg.init_from and use_init_from:  # a resumed run takes its weights from its checkpoint instead
            copied, skipped = warm_start(self.net, cfg.init_from)
            self.log(f"started from {cfg.init_from}: {copied} tensors copied"
                     + (f", {len(skipped)} kept fresh ({', '.join(skipped[:6])})" if skipped else ""))
        self.exclude = exclusion_set(cfg.max_value, cfg.allow_negative, cfg.exclude, lengths=cfg.long_share > 0)
        # rank 0 draws the same stream as a single-process run; other ranks draw their own
        self.batches = StepBatches(cfg, self.rank, self.exclude)
        gc = cfg.generator_config()
        gc.min_length = gc.max_length = 8
        self.valid = heldout("valid", cfg.eval_size, gc)

    # --- checkpoints ------------------------------------------------------------
    def checkpoint_path(self) -> Path:
        return self.out / CHECKPOINT_NAME

    def save(self) -> None:
        """Write the checkpoint and the model folder (rank 0; every rank must call it)."""
        rng_states = [torch.get_rng_state()]
        if self.world > 1:
            import torch.distributed as dist

            rng_states = [None] * self.world
            dist.all_gather_object(rng_states, torch.get_rng_state())
        if self.rank != 0:
            return
        self.out.mkdir(parents=True, exist_ok=True)
        tensors = {f"model.{k}": v for k, v in self.net.state_dict().items()}
        opt_state = self.opt.state_dict()
        for pid, st in opt_state["state"].items():
            for k, v in st.items():
                tensors[f"optim.{pid}.{k}"] = v if torch.is_tensor(v) else torch.tensor(v)
        for r, st in enumerate(rng_states):
            tensors[f"rng.torch.{r}"] = st
        meta = {
            "train_config": self.cfg.to_dict(),
            "step": self.step,
            "seen": self.seen,
            "train_seconds": self.train_seconds,
            "history": self.history,
            "running": self.ema,
            "param_groups": opt_state["param_groups"],
            "scheduler": self.sched.state_dict() | {"lr_lambdas": None},
            "world_size": self.world,
        }
        save_checkpoint(self.checkpoint_path(), tensors, meta)
        save_model(self.net, self.out / "model", card=None, extra={"training": self.summary()})

    def restore(self) -> None:
        path = self.checkpoint_path()
        tensors, meta = load_checkpoint(path)
        model_state = {k[len("model."):]: v for k, v in tensors.items() if k.startswith("model.")}
        load_state(self.net, model_state, path)
        opt_state: dict = {"state": defaultdict(dict), "param_groups": meta["param_groups"]}
        for k, v in tensors.items():
            if k.startswith("optim."):
                _, pid, name = k.split(".", 2)
                opt_state["state"][int(pid)][name] = v.to(self.device) if name != "step" else v
        self.opt.load_state_dict({"state": dict(opt_state["state"]), "param_groups": meta["param_groups"]})
        sched = dict(meta["scheduler"])
        sched.pop("lr_lambdas", None)
        self.sched.load_state_dict(sched | {"lr_lambdas": [None] * len(self.opt.param_groups)})
        saved_world = meta.get("world_size", 1)
        if saved_world != self.world:
            raise ValueError(f"{path} was written by a run of {saved_world} process(es); resume it with as many "
                             f"(this run has {self.world})")
        # checkpoints of version 0.1.0 runs before distributed training held one state each
        torch.set_rng_state(tensors.get(f"rng.torch.{self.rank}", tensors.get("rng.torch")))
        # (a checkpoint may also hold "generator_states", which batches drawn per step do not need)
        self.step, self.seen, self.history = meta["step"], meta["seen"], meta["history"]
        self.train_seconds = meta.get("train_seconds", 0.0)
        self.ema = dict(meta.get("running", {}))  # (runs saved before it was kept restart their averages)

    def summary(self) -> dict:
        last = self.history[-1] if self.history else {}
        return {"train_config": self.cfg.to_dict(), "step": self.step, "sequences_seen": self.seen,
                "valid_accuracy": last.get("valid_accuracy")}

    # --- loop -------------------------------------------------------------------
    def next_batch(self) -> Batch:
        """The batch of the current step, on the trainer's device."""
        return self.batches[self.step].to(self.device)

    def _batch_stream(self):
        """Batches from the current step on, made ahead by ``workers`` processes (0: made on demand)."""
        if self.workers == 0:
            return (self.next_batch() for _ in itertools.count())
        # the loader draws its workers' base seed from its own generator, not from the global one that dropout and
        # scheduled sampling use; the workers leave SIGINT/SIGTERM to this process
        loader = torch.utils.data.DataLoader(
            self.batches, batch_size=None, sampler=range(self.step, self.cfg.steps), num_workers=self.workers,
            pin_memory=self.device.type == "cuda", prefetch_factor=4, worker_init_fn=_ignore_stop_signals,
            generator=torch.Generator().manual_seed(self.cfg.seed))
        return (b.to(self.device) for b in loader)

    def train_step(self, batches: Iterator[Batch] | None = None) -> dict:
        """One optimizer step on the next batch of ``batches`` (default: :meth:`next_batch`)."""
        cfg = self.cfg
        t0 = time.perf_counter()
        tokens, lengths, n, columns, diffs, patterns, skip = next(batches) if batches is not None else self.next_batch()
        t_data = time.perf_counter() - t0
        sampling = cfg.sampling_max * min(1.0, self.step / max(1, cfg.steps))
        self.model.train()
        with torch.autocast(self.device.type, dtype=_AMP_DTYPES[cfg.precision], enabled=cfg.precision != "fp32"):
            _, loss, stats = self.model(tokens, lengths, n, columns, diffs, min_given=cfg.min_given, sampling=sampling,
                                        patterns=patterns, pattern_weight=cfg.pattern_weight,
                                        property_weight=cfg.property_weight, skip=skip)
        self.opt.zero_grad(set_to_none=True)
        self.scaler.scale(loss).backward()
        self.scaler.unscale_(self.opt)
        torch.nn.utils.clip_grad_norm_(self.net.parameters(), cfg.grad_clip)
        self.scaler.step(self.opt)
        self.scaler.update()
        self.sched.step()
        self.step += 1
        self.seen += cfg.batch_size
        stats.update(loss=loss.item(), data_time=t_data, step_time=time.perf_counter() - t0)
        self.train_seconds += stats["step_time"]
        return stats

    def fit_to_time(self, seconds: float) -> int:
        """Set ``cfg.steps`` so that the whole run, evaluations included, ends within ``seconds`` from now.

        Trains the first steps of the warm-up (whose learning rates do not depend on
        ``cfg.steps``) to measure this machine's speed and one evaluation, then sets
        the step count, so the cosine schedule ends where the time does. The run is
        then the same as one started with ``steps=`` that count (it is saved in the
        checkpoint). Returns the count.
        """
        cfg, start = self.cfg, time.perf_counter()
        first, last = self.step + 10, min(cfg.warmup_steps, self.step + 100)
        if last - first < 10:
            raise ValueError(f"fitting a run to a time needs at least 20 warm-up steps to come (the run is at step "
                             f"{self.step}, warm-up ends at {cfg.warmup_steps}); give steps instead")
        self.run(stop_at=first)  # the first steps pay for start-up (kernels, workers): not timed
        t0 = time.perf_counter()
        if not self.interrupted:
            self.run(stop_at=last)
        if self.interrupted:  # stopped while measuring: the step count stays
            return cfg.steps
        rate = (last - first) / (time.perf_counter() - t0)  # steps per second
        t0 = time.perf_counter()
        evaluate(self.net, self.valid)
        eval_seconds = time.perf_counter() - t0
        left = seconds - (time.perf_counter() - start)
        # steps n such that n / rate + (n / eval_every) * eval_seconds fits in 95 % of what is left
        n = 0.95 * left * rate / (1 + rate * eval_seconds / cfg.eval_every)
        steps = max(last, last + int(n))
        if self.world > 1:  # every rank must stop at the same step: the slowest decides
            import torch.distributed as dist

            t = torch.tensor([steps], device=self.device if self.device.type == "cuda" else "cpu")
            dist.all_reduce(t, op=dist.ReduceOp.MIN)
            steps = int(t.item())
        cfg.steps = steps
        self.log(f"fitted to {seconds / 60:.1f} min: {steps} steps ({rate:.1f} steps/s, an evaluation "
                 f"{eval_seconds:.1f} s)")
        return steps

    def run(self, max_seconds: float | None = None, stop_at: int | None = None) -> dict:
        """Train until ``cfg.steps`` (or ``stop_at``, or ``max_seconds``); Ctrl-C/SIGTERM save a checkpoint and
        stop cleanly (``interrupted`` in the result; a signal before the first step stops before it)."""
        from tqdm.auto import tqdm

        cfg = self.cfg
        if self.stop.install():  # not inside train(), which handles the signals from its start on
            self.stop.requested = False
            installed = True
        else:
            installed = False
        start = time.perf_counter()
        bar = tqdm(total=cfg.steps, initial=self.step, disable=not self.progress, dynamic_ncols=True)
        ema = self.ema
        seq_time = 0.0
        data_time = 0.0
        steps_here = 0
        batches = self._batch_stream()
        try:
            end = cfg.steps if stop_at is None else min(stop_at, cfg.steps)
            while self.step < end and not self._agree(self.stop.requested):
                stats = self.train_step(batches)
                steps_here += 1
                seq_time += stats["step_time"]
                data_time += stats["data_time"]
                for k in ("loss", "number_acc", "pattern_acc", "property_acc"):
                    if k in stats:
                        ema[k] = stats[k] if k not in ema else 0.95 * ema[k] + 0.05 * stats[k]
                bar.update(1)
                bar.set_postfix(loss=f"{ema['loss']:.3f}", acc=f"{ema['number_acc']:.3f}",
                                seq_s=f"{steps_here * cfg.batch_size / seq_time:.0f}")
                if (self.step % cfg.eval_every == 0 or self.step == cfg.steps) and self.rank == 0:
                    res = evaluate(self.net, self.valid)
                    entry = {"step": self.step, "seen": self.seen, "train_seconds": self.train_seconds,
                             "loss": ema["loss"],
                             "train_acc": ema["number_acc"], "valid_accuracy": res["accuracy"],
                             "seq_per_s": steps_here * cfg.batch_size / seq_time,
                             "data_share": data_time / seq_time, "families": res["families"]}
                    for k in ("pattern_acc", "property_acc"):
                        if k in ema:
                            entry[f"train_{k}"] = ema[k]
                    self.history.append(entry)
                    self.log(f"step {self.step}: loss {ema['loss']:.4f} valid accuracy {res['accuracy']:.4f} "
                             f"({entry['seq_per_s']:.0f} seq/s)")
                    self.out.mkdir(parents=True, exist_ok=True)
                    with open(self.out / LOG_NAME, "a") as fh:
                        fh.write(json.dumps(entry) + "\n")
                if self.step % cfg.checkpoint_every == 0 or self.step == cfg.steps:
                    self.save()
                if self._agree(max_seconds is not None and time.perf_counter() - start > max_seconds):
                    break
        finally:
            batches.close()  # stops the worker processes
            bar.close()
            if installed:
                self.stop.uninstall()
        interrupted = self.interrupted = self._agree(self.stop.requested)
        if interrupted or self.step % cfg.checkpoint_every:
            self.save()
            if interrupted:
                self.log(f"interrupted at step {self.step}: checkpoint saved to {self.checkpoint_path()}")
        return {"step": self.step, "interrupted": interrupted, "history": self.history}


    def _agree(self, flag: bool) -> bool:
        """True on every rank if it is true on any (so all ranks stop at the same step)."""
        if self.world == 1:
            return flag
        import torch.distributed as dist

        t = torch.tensor([float(flag)], device=self.device if self.device.type == "cuda" else "cpu")
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        return bool(t.item())


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


def train(cfg: TrainConfig, device: str = "auto", resume: bool = False, progress: bool = True,
          max_seconds: float | None = None, log: Callable[[str], None] = print,
          steps: int | None = None, workers: int = 0, fit_seconds: float | None = None,
          overwrite: bool = False, small_share: float | None = None) -> Trainer:
    """Train (or resume) a run; returns the :class:`Trainer` with the trained ``net``.

    With ``resume=True`` the run's own saved config is used (only ``cfg.out_dir``
    is read from ``cfg``); ``steps`` then extends or shortens the run and
    ``small_share`` changes its share of small-start batches. A fresh run
    refuses a folder that holds a run (``FileExistsError``) unless ``overwrite=True``,
    which deletes that run's checkpoint, model and log first. ``workers``
    processes make the batches ahead of the model (worth it on a GPU, where the
    Python sequence generator would otherwise be the bottleneck); the batches are
    the same with any number. ``fit_seconds`` sets the step count so that the
    run ends within that time on this machine (:meth:`Trainer.fit_to_time`).

    The run holds the folder's :class:`RunLock` throughout (``RunLockedError``
    while another process trains it). SIGINT and SIGTERM, from the start on,
    stop it after the current step with a checkpoint; then ``trainer.interrupted``
    is true, and ``trainer.step < trainer.cfg.steps`` whenever the run stopped
    before its end (also on ``max_seconds``).
    """
    if resume and overwrite:
        raise ValueError(f"--resume continues the run in {cfg.out_dir} and --overwrite deletes it: give one "
                         "(resume=True or overwrite=True)")
    out = Path(cfg.out_dir)
    path = out / CHECKPOINT_NAME
    if resume and not out.is_dir():  # (checked before the lock, which would create the folder)
        raise FileNotFoundError(f"cannot resume: {path} does not exist")
    main_rank = int(os.environ.get("RANK", "0")) == 0  # under torchrun, rank 0 alone owns the folder
    stop = _StopRequest()
    stop.install()
    lock = RunLock(out) if main_rank else None
    started = False
    trainer = None
    try:
        if lock is not None:
            lock.acquire()
            prepare_run_folder(out, resume=resume, overwrite=overwrite)
        if resume:
            if not path.is_file():
                raise FileNotFoundError(f"cannot resume: {path} does not exist")
            _, meta = load_checkpoint(path)
            saved = TrainConfig.from_dict(meta["train_config"])
            saved.out_dir = cfg.out_dir
            cfg = saved
        if steps is not None:
            cfg.steps = steps
        if small_share is not None:
            cfg.small_share = small_share
            cfg.__post_init__()  # checks it against the run's long_share
        started = _init_distributed(device)
        trainer = Trainer(cfg, device=device, progress=progress, log=log, workers=workers, use_init_from=not resume)
        trainer.stop = stop
        if resume:
            trainer.restore()
            if trainer.rank == 0:
                _trim_log(out / LOG_NAME, trainer.step)
            trainer.log(f"resumed {cfg.out_dir} at step {trainer.step}")
        if fit_seconds is not None:
            trainer.fit_to_time(fit_seconds)
        trainer.run(max_seconds=max_seconds)
        if started:
            import torch.distributed as dist

            dist.barrier()  # no rank tears down gloo while another still talks to it (that aborted a rank)
    finally:
        if started:
            import torch.distributed as dist

            if trainer is not None:
                trainer.model = trainer.net  # drop the DDP wrapper (and its reducer) before the group goes
            dist.destroy_process_group()
        if lock is not None:
            lock.release()
        stop.uninstall()
    return trainer


def _init_distributed(device: str) -> bool:
    """Start the process group when launched by torchrun (WORLD_SIZE > 1): NCCL on GPUs, gloo on CPUs."""
    import os

    import torch.distributed as dist

    if int(os.environ.get("WORLD_SIZE", "1")) <= 1 or dist.is_initialized():
        return False
    use_cuda = resolve_device(device).type == "cuda"
    if use_cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
    dist.init_process_group("nccl" if use_cuda else "gloo")
    return True


__all__ = ["EXIT_STOPPED", "PRESETS", "Batch", "RunLock", "RunLockedError", "StepBatches", "TrainConfig", "Trainer",
           "evaluate", "make_config", "prepare_run_folder", "resolve_device", "train"]
