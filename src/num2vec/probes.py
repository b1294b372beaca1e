"""Numeracy probes: what do frozen number embeddings know about numbers?

    python -m num2vec.probes                                  # the bundled model, 5 seeds, default budget
    python -m num2vec.probes --model runs/default/model --output probes.md --json probes.json
    python -m num2vec.probes --quick --seeds 2                # the whole grid with a tiny budget (seconds)

Every encoding maps an array of integers to features; a small probe network is
trained on top of the frozen features and scored on numbers it never saw: each
range's numbers are split 80/20 at random, and lists / pairs for training are
built from the training numbers only, those for testing from the test numbers
only. Every encoding gets the same probe architecture and the same budget
(:class:`Budget`: epochs, examples per epoch, batch size, learning rate, width);
scores are the mean ± std (sample std) over seeds; a seed fixes the split, the
sampled lists / pairs and the probe's initialisation.

Tasks (one function per family):

- ``wallace`` -- Wallace et al. 2019, *Do NLP Models Know Numbers?*, on [0, 99],
  [0, 999], [0, 9999]: **list maximum** (5 distinct numbers; a BiLSTM over the 5
  embeddings scores each position, softmax over positions; accuracy),
  **decoding** (MLP: embedding -> value; RMSE) and **addition** (MLP: two
  concatenated embeddings -> sum; RMSE).
- ``wide`` -- numbers drawn log-uniformly from [0, 10^9] (``floor(expm1(U))``,
  ``U`` uniform on [0, log1p(10^9)]): decoding and addition regress
  ``log1p(value)`` (z-scored, the same for every encoding) and are scored as the
  share of test items whose prediction ``expm1(.)`` is within 1 % of the truth
  (or rounds to it: ``|pred - v| <= max(0.01 v, 0.5)``, so numbers below 50 must
  be exact); list maximum as above.
- ``properties`` -- on [0, 9999], MLP classification accuracy: parity, n mod 3,
  n mod 7, last digit, is-a-perfect-square (all 100 squares and as many random
  non-squares, split 80/20 within each class) and number of digits. The
  ``metric`` column gives the majority-class baseline ("chance"): for number of
  digits it is 0.90 because 90 % of [0, 9999] has four digits.
- ``extrapolation`` -- decoding and list maximum, probes trained on [0, 999] and
  tested on numbers of [1000, 9999]. Encodings are fitted on the training range
  only, so there minmax goes past 1, DICE's angle past π, bins put every test
  number in the open-ended last bin and onehot gives all-zero vectors.

Encodings (one function per encoding, all ``(values (N,), fit (M,), log) -> features (N, F)``;
``fit`` holds the training numbers, the only numbers an encoding may be fitted on):

- ``num2vec`` -- the model's :meth:`num2vec.Num2Vec.encode`, frozen.
- ``minmax`` -- the value itself, scaled to [-1, 1] over the training range
  (scikit-learn ``MinMaxScaler``; always linear, also on the wide range; test
  numbers outside the training range go outside [-1, 1]).
- ``onehot`` -- scikit-learn ``OneHotEncoder(handle_unknown="ignore")`` fitted on
  the training numbers: unseen test numbers are all-zero, which is the honest
  behaviour of a vocabulary (it sets the floor of every table).
- ``bins`` -- one-hot of e-spaced bins, the blog post's [0], [1-2], [3-7], [8-19],
  [20+] generalised: bin 0 holds 0, bin ``1 + floor(ln v)`` holds ``v >= 1``
  ([0], [1-2], [3-7], [8-20], [21-54], ...), as many bins as the training range
  needs, the last one open-ended.
- ``dice`` -- DICE (Sundararaman et al. 2020): angle ``θ = π (x - lo) / (hi - lo)``
  over the training range, ``x = v`` (``log1p(v)`` on the wide range), the
  polar-coordinate vector ``[cos θ, sin θ cos θ, ..., sin^(d-2) θ cos θ, sin^(d-1) θ]``
  (unit norm) times a fixed random orthogonal matrix (QR of a seeded Gaussian); d = 32.
- ``digits`` -- one-hot per digit position, least significant first, 10 positions
  (positions past the number's length are all-zero).
- ``char-lstm`` -- not frozen: an LSTM over the number's characters (most
  significant first, left-padded), trained jointly with each probe with the same
  budget; its final state is the feature vector.

Probes (the same for every encoding; H = ``Budget.hidden``): the first layer is
``Linear(m·F, H)`` on the concatenated features of the m numbers of an example
(m = 2 for addition); one-hot-like features (scipy sparse matrices) go through
``embedding_bag``, which computes that same linear map without building the dense
matrix. MLP probe: ``Linear -> ReLU -> Linear(H, H) -> ReLU -> Linear(H, out)``.
List-max probe: ``Linear(F, H) -> ReLU`` per position, a BiLSTM (H/2 per
direction), ``Linear(H, 1)`` per position. Adam, cosine learning-rate decay to
0, gradients clipped at norm 1, MSE on z-scored targets or cross-entropy. An
epoch is ``epoch_size`` examples (the training set reshuffled as often as
needed), so a task with 80 training numbers gets as many steps as one with 8000.

Default budget (:data:`DEFAULT_BUDGET`): 25 epochs × 4096 examples (800 steps of
128), lr 3e-3, H = 64, up to 10,000 numbers per range, 4,000 training and 1,000
test lists / pairs. The whole benchmark (20 rows × 7 encodings × 5 seeds = 700
probes) takes about 16 minutes on one CPU thread (3.1 min for one seed, measured
beside a training job on a 2-core machine). ``--quick`` (:data:`QUICK_BUDGET`)
runs the same grid in seconds, for tests.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

__all__ = [
    "Budget", "DEFAULT_BUDGET", "QUICK_BUDGET", "CHAR_PAD", "Encoding", "ProbeData", "Row", "Results", "encodings",
    "encode_num2vec", "encode_minmax", "encode_onehot", "encode_bins", "encode_dice", "encode_digits", "encode_chars",
    "wallace_tasks", "wide_tasks", "property_tasks", "extrapolation_tasks", "FAMILIES",
    "NumberInput", "MLPProbe", "ListMaxProbe", "train_probe", "run_benchmark", "markdown_table", "main",
]

#: digit positions of the ``digits`` and ``char-lstm`` encodings: numbers up to 10^10 - 1
DIGIT_POSITIONS = 10
#: the character id of padding in :func:`encode_chars` (0-9 are the digits)
CHAR_PAD = 10


@dataclass(frozen=True)
class Budget:
    """What every probe gets, whatever the encoding."""

    epochs: int = 25
    epoch_size: int = 4096        # examples per epoch (the training set is cycled / reshuffled to fill it)
    batch_size: int = 128
    lr: float = 3e-3
    hidden: int = 64              # probe width H (and the char-LSTM's state size)
    numbers: int = 10_000         # at most this many distinct numbers per range (the wide range draws exactly this many)
    train_examples: int = 4000    # lists / pairs built from the training numbers
    test_examples: int = 1000     # lists / pairs from the test numbers; extrapolation: test numbers
    dice_dim: int = 32
    char_dim: int = 16            # character embedding size of char-lstm

    @property
    def steps(self) -> int:
        return self.epochs * math.ceil(self.epoch_size / self.batch_size)

    def describe(self) -> str:
        return (f"{self.epochs} epochs × {self.epoch_size} examples ({self.steps} steps of {self.batch_size}), "
                f"lr {self.lr:g}, hidden {self.hidden}, ≤ {self.numbers} numbers per range, "
                f"{self.train_examples}/{self.test_examples} train/test lists or pairs")


DEFAULT_BUDGET = Budget()
QUICK_BUDGET = Budget(epochs=2, epoch_size=256, batch_size=64, hidden=16, numbers=300, train_examples=128,
                      test_examples=64, dice_dim=8, char_dim=8)


# ---------------------------------------------------------------------------------------------------
# Encodings: values (N,) int64, fit (M,) training numbers, log (a wide range) -> features (N, F)
# ---------------------------------------------------------------------------------------------------


def _ints(values) -> np.ndarray:
    """``values`` as a 1-D int64 array of non-negative numbers."""
    v = np.asarray(values)
    if v.ndim != 1 or v.dtype.kind not in "iu":
        raise ValueError(f"expected a 1-D integer array, got shape {v.shape} and dtype {v.dtype}")
    if v.size and v.min() < 0:
        raise ValueError(f"the probes use non-negative numbers only, got {int(v.min())}")
    return v.astype(np.int64)


def encode_num2vec(values, fit=None, log: bool = False, *, model) -> np.ndarray:
    """The model's frozen number embeddings: ``(N,)`` -> ``(N, d)`` float32."""
    return np.asarray(model.encode(_ints(values)), dtype=np.float32)


def encode_minmax(values, fit, log: bool = False) -> np.ndarray:
    """The value scaled linearly to [-1, 1] over the training numbers: ``(N,)`` -> ``(N, 1)`` float32."""
    from sklearn.preprocessing import MinMaxScaler

    scaler = MinMaxScaler(feature_range=(-1, 1)).fit(_ints(fit).astype(np.float64)[:, None])
    return scaler.transform(_ints(values).astype(np.float64)[:, None]).astype(np.float32)


def encode_onehot(values, fit, log: bool = False):
    """One-hot over the training numbers, unseen numbers all-zero: ``(N,)`` -> sparse ``(N, |fit|)`` float32."""
    from sklearn.preprocessing import OneHotEncoder

    enc = OneHotEncoder(handle_unknown="ignore", dtype=np.float32).fit(_ints(fit)[:, None])
    return enc.transform(_ints(values)[:, None]).tocsr()


def _bin_ids(v: np.ndarray) -> np.ndarray:
    """e-spaced bin of each number: 0 -> 0, v >= 1 -> 1 + floor(ln v). ``(N,)`` -> ``(N,)`` int64."""
    out = np.zeros(v.shape, dtype=np.int64)
    pos = v > 0
    out[pos] = 1 + np.floor(np.log(v[pos].astype(np.float64))).astype(np.int64)
    return out


def encode_bins(values, fit, log: bool = False) -> np.ndarray:
    """One-hot of e-spaced bins ([0], [1-2], [3-7], [8-20], ...; the last open-ended) sized by the training
    range: ``(N,)`` -> ``(N, n_bins)`` float32."""
    n_bins = int(_bin_ids(_ints(fit)).max()) + 1 if len(fit) else 1
    ids = np.minimum(_bin_ids(_ints(values)), n_bins - 1)
    return np.eye(n_bins, dtype=np.float32)[ids]


def _orthogonal(dim: int, seed: int = 0) -> np.ndarray:
    """A fixed random orthogonal matrix ``(dim, dim)``: QR of a seeded Gaussian, signs made unique."""
    q, r = np.linalg.qr(np.random.default_rng(seed).standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def encode_dice(values, fit, log: bool = False, dim: int = 32, seed: int = 0) -> np.ndarray:
    """DICE: a unit vector at angle θ = π (x - lo) / (hi - lo) over the training range (x = log1p(v) when
    ``log``), rotated by a fixed orthogonal matrix: ``(N,)`` -> ``(N, dim)`` float32."""
    scale = np.log1p if log else (lambda a: a)
    x = scale(_ints(values).astype(np.float64))                     # (N,)
    f = scale(_ints(fit).astype(np.float64))                        # (M,)
    lo, hi = f.min(), f.max()
    theta = np.pi * (x - lo) / max(hi - lo, 1e-12)                  # (N,)
    s, c = np.sin(theta)[:, None], np.cos(theta)[:, None]           # (N, 1)
    powers = s ** np.arange(dim)                                    # (N, dim): sin^k θ
    polar = powers * np.where(np.arange(dim) < dim - 1, c, 1.0)     # sin^k θ cos θ, last sin^(d-1) θ
    return (polar @ _orthogonal(dim, seed).T).astype(np.float32)


def _digit_table(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Digits least significant first ``(N, 10)`` and which positions the number has ``(N, 10)`` bool."""
    if v.size and v.max() >= 10**DIGIT_POSITIONS:
        raise ValueError(f"{int(v.max())} has more than {DIGIT_POSITIONS} digits")
    place = 10 ** np.arange(DIGIT_POSITIONS, dtype=np.int64)        # (10,)
    digits = (v[:, None] // place) % 10                             # (N, 10)
    present = (v[:, None] >= place) | (np.arange(DIGIT_POSITIONS) == 0)
    return digits, present


def encode_digits(values, fit=None, log: bool = False) -> np.ndarray:
    """One-hot per digit position, least significant first: ``(N,)`` -> ``(N, 10 * 10)`` float32."""
    digits, present = _digit_table(_ints(values))
    out = np.zeros((len(digits), DIGIT_POSITIONS, 10), dtype=np.float32)
    rows, pos = np.nonzero(present)
    out[rows, pos, digits[rows, pos]] = 1.0
    return out.reshape(len(digits), -1)


def encode_chars(values, fit=None, log: bool = False) -> np.ndarray:
    """Character ids as written (most significant first), left-padded with :data:`CHAR_PAD`:
    ``(N,)`` -> ``(N, 10)`` int64. The input of the ``char-lstm`` encoding."""
    digits, present = _digit_table(_ints(values))
    return np.where(present, digits, CHAR_PAD)[:, ::-1].copy()


@dataclass(frozen=True)
class Encoding:
    """A named encoding. ``trainable``: ``fn`` gives character ids that an LSTM trained with the probe reads."""

    name: str
    fn: Callable
    trainable: bool = False


def encodings(model=None, budget: Budget = DEFAULT_BUDGET) -> dict[str, Encoding]:
    """The encodings compared, by name; ``num2vec`` only when a model is given."""
    out = {"num2vec": Encoding("num2vec", partial(encode_num2vec, model=model))} if model is not None else {}
    out.update({
        "minmax": Encoding("minmax", encode_minmax),
        "onehot": Encoding("onehot", encode_onehot),
        "bins": Encoding("bins", encode_bins),
        "dice": Encoding("dice", partial(encode_dice, dim=budget.dice_dim)),
        "digits": Encoding("digits", encode_digits),
        "char-lstm": Encoding("char-lstm", encode_chars, trainable=True),
    })
    return out


# ---------------------------------------------------------------------------------------------------
# Tasks: each family builds ProbeData rows from a seeded generator
# ---------------------------------------------------------------------------------------------------


@dataclass
class ProbeData:
    """One row of the table for one seed: examples as ids into ``values``, true targets."""

    name: str                # row label, e.g. "decoding [0, 99]"
    family: str
    kind: str                # "mlp" (one or two numbers) or "listmax" (lists of 5)
    metric: str              # "acc", "rmse" or "within1%"
    values: np.ndarray       # (U,) int64 sorted distinct numbers the examples use
    fit: np.ndarray          # (M,) the training numbers: what encodings may be fitted on
    x_train: np.ndarray      # (N, m) ids into values, m numbers concatenated; list max: (N, 5, 1)
    y_train: np.ndarray      # (N,) class ids (acc) or true values (rmse, within1%)
    x_test: np.ndarray
    y_test: np.ndarray
    log: bool = False        # a wide range: DICE works on log1p(v)
    chance: float | None = None   # accuracy of always answering the majority training class

    @property
    def higher_is_better(self) -> bool:
        return self.metric != "rmse"


def _sample_range(lo: int, hi: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``min(count, hi - lo + 1)`` distinct numbers of [lo, hi], random order: ``(n,)`` int64."""
    size = hi - lo + 1
    if count >= size:
        return lo + rng.permutation(size).astype(np.int64)
    return lo + rng.choice(size, count, replace=False).astype(np.int64)


def _sample_log_uniform(hi: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` distinct numbers floor(expm1(U)), U uniform on [0, log1p(hi)]: ``(count,)`` int64."""
    out = np.zeros(0, dtype=np.int64)
    while len(out) < count:
        draw = np.floor(np.expm1(rng.uniform(0, np.log1p(hi), 4 * count))).astype(np.int64)
        out = np.union1d(out, np.minimum(draw, hi))
    return rng.permutation(out)[:count]


def _split(numbers: np.ndarray, rng: np.random.Generator, train_share: float = 0.8):
    """A random 80/20 split of the numbers: ``(train (n1,), test (n2,))``."""
    perm = rng.permutation(numbers)
    cut = int(round(train_share * len(perm)))
    return perm[:cut], perm[cut:]


def _lists(numbers: np.ndarray, count: int, rng: np.random.Generator, size: int = 5) -> np.ndarray:
    """``count`` lists of ``size`` distinct numbers drawn from ``numbers``: ``(count, size)``."""
    return np.stack([rng.choice(numbers, size, replace=False) for _ in range(count)])


def _data(name, family, kind, metric, train, test, x_train, y_train, x_test, y_test, log=False) -> ProbeData:
    """ProbeData from numbers: ``x_*`` hold numbers (any shape), turned into ids into the sorted values."""
    values = np.union1d(train, test)
    chance = None
    if metric == "acc":
        majority = np.bincount(y_train).argmax()
        chance = 1 / x_train.shape[1] if kind == "listmax" else float(np.mean(y_test == majority))
    return ProbeData(name, family, kind, metric, values, np.unique(train),
                     np.searchsorted(values, x_train), np.asarray(y_train), np.searchsorted(values, x_test),
                     np.asarray(y_test), log=log, chance=chance)


def _decoding(name, family, train, test, metric="rmse", log=False) -> ProbeData:
    """Embedding -> value."""
    return _data(name, family, "mlp", metric, train, test, train[:, None], train, test[:, None], test, log)


def _addition(name, family, train, test, budget, rng, metric="rmse", log=False) -> ProbeData:
    """Two concatenated embeddings -> their sum; pairs from the training (test) numbers only."""
    a = rng.choice(train, (budget.train_examples, 2))              # (N, 2)
    b = rng.choice(test, (budget.test_examples, 2))
    return _data(name, family, "mlp", metric, train, test, a, a.sum(1), b, b.sum(1), log)


def _list_max(name, family, train, test, budget, rng, log=False) -> ProbeData:
    """Lists of 5 distinct numbers -> position of the largest; lists from the training (test) numbers only."""
    a = _lists(train, budget.train_examples, rng)                  # (N, 5)
    b = _lists(test, budget.test_examples, rng)
    return _data(name, family, "listmax", "acc", train, test, a[..., None], a.argmax(1), b[..., None],
                 b.argmax(1), log)


def _classify(name, family, train, test, label: Callable[[np.ndarray], np.ndarray]) -> ProbeData:
    """Embedding -> class ``label(n)``."""
    return _data(name, family, "mlp", "acc", train, test, train[:, None], label(train), test[:, None], label(test))


def _rng(seed: int, family: str) -> np.random.Generator:
    return np.random.default_rng([seed, sum(map(ord, family))])


def wallace_tasks(budget: Budget, seed: int) -> list[ProbeData]:
    """Wallace et al. 2019: list maximum, decoding, addition on [0, 99], [0, 999], [0, 9999]."""
    rng, out = _rng(seed, "wallace"), []
    for hi in (99, 999, 9999):
        train, test = _split(_sample_range(0, hi, budget.numbers, rng), rng)
        r = f"[0, {hi}]"
        out += [_list_max(f"list max {r}", "wallace", train, test, budget, rng),
                _decoding(f"decoding {r}", "wallace", train, test),
                _addition(f"addition {r}", "wallace", train, test, budget, rng)]
    return out


def wide_tasks(budget: Budget, seed: int, hi: int = 10**9) -> list[ProbeData]:
    """Decoding, addition (within 1 %) and list maximum on numbers log-uniform in [0, 10^9]."""
    rng = _rng(seed, "wide")
    train, test = _split(_sample_log_uniform(hi, budget.numbers, rng), rng)
    r = "[0, 1e9] log-uniform"
    return [_list_max(f"list max {r}", "wide", train, test, budget, rng, log=True),
            _decoding(f"decoding {r}", "wide", train, test, metric="within1%", log=True),
            _addition(f"addition {r}", "wide", train, test, budget, rng, metric="within1%", log=True)]


def property_tasks(budget: Budget, seed: int, hi: int = 9999) -> list[ProbeData]:
    """Parity, n mod 3, n mod 7, last digit, is-a-square (balanced), number of digits on [0, 9999]."""
    rng = _rng(seed, "properties")
    train, test = _split(_sample_range(0, hi, budget.numbers, rng), rng)
    r = f"[0, {hi}]"
    out = [_classify(f"{what} {r}", "properties", train, test, label) for what, label in [
        ("parity", lambda n: n % 2), ("n mod 3", lambda n: n % 3), ("n mod 7", lambda n: n % 7),
        ("last digit", lambda n: n % 10)]]
    # is a perfect square: all squares (or as many as the budget allows) and as many non-squares, split per class
    all_squares = np.arange(math.isqrt(hi) + 1, dtype=np.int64) ** 2
    k = min(len(all_squares), budget.numbers // 2)
    squares = rng.choice(all_squares, k, replace=False)
    others = rng.permutation(np.setdiff1d(np.arange(hi + 1), all_squares))[:k]
    (s1, s2), (o1, o2) = _split(squares, rng), _split(others, rng)
    out.append(_classify(f"is a square {r}", "properties", np.concatenate([s1, o1]), np.concatenate([s2, o2]),
                         lambda n: np.isin(n, all_squares).astype(np.int64)))
    out.append(_classify(f"number of digits {r}", "properties", train, test, lambda n: _digits_count(n)))
    return out


def _digits_count(n: np.ndarray) -> np.ndarray:
    """Number of decimal digits minus one (a class id): ``(N,)`` -> ``(N,)`` int64."""
    return np.maximum(np.floor(np.log10(np.maximum(n, 1))).astype(np.int64), 0)


def extrapolation_tasks(budget: Budget, seed: int) -> list[ProbeData]:
    """Decoding and list maximum: trained on [0, 999], tested on numbers of [1000, 9999]."""
    rng = _rng(seed, "extrapolation")
    train = _sample_range(0, 999, budget.numbers, rng)
    test = _sample_range(1000, 9999, budget.test_examples, rng)
    r = "[0, 999] → [1000, 9999]"
    return [_list_max(f"list max {r}", "extrapolation", train, test, budget, rng),
            _decoding(f"decoding {r}", "extrapolation", train, test)]


#: task families in table order
FAMILIES: dict[str, Callable[[Budget, int], list[ProbeData]]] = {
    "wallace": wallace_tasks, "wide": wide_tasks, "properties": property_tasks, "extrapolation": extrapolation_tasks,
}


# ---------------------------------------------------------------------------------------------------
# Probes and the one training loop
# ---------------------------------------------------------------------------------------------------


class NumberInput(nn.Module):
    """The probe's first layer on an encoding: ids ``(..., m)`` -> ``Linear(concat of the m numbers'
    features)`` ``(..., H)``.

    Dense features: a frozen table ``(U, F)``. Sparse (one-hot) features: a frozen k-hot table, ids ``(U, k)``
    and weights ``(U, k)``, through ``embedding_bag`` (the same linear map, no dense ``(U, F)`` matrix). The
    trainable ``char-lstm``: character ids ``(U, L)`` read by an LSTM whose final state ``(.., F)`` is the
    feature vector. The weight is initialised like ``nn.Linear``'s in every case.
    """

    def __init__(self, encoding: Encoding, data: ProbeData, hidden: int, slots: int, char_dim: int = 16):
        super().__init__()
        feats = encoding.fn(data.values, data.fit, data.log)
        if encoding.trainable:
            self.mode, n_feat = "chars", hidden
            self.register_buffer("table", torch.as_tensor(feats, dtype=torch.long))      # (U, L)
            self.char_emb = nn.Embedding(CHAR_PAD + 1, char_dim)
            self.lstm = nn.LSTM(char_dim, hidden, batch_first=True)
        elif hasattr(feats, "tocsr"):
            self.mode, n_feat = "sparse", feats.shape[1]
            idx, val = _k_hot(feats.tocsr())
            self.register_buffer("table", torch.from_numpy(idx))                         # (U, k)
            self.register_buffer("weights", torch.from_numpy(val))                       # (U, k)
        else:
            self.mode, n_feat = "dense", feats.shape[1]
            self.register_buffer("table", torch.as_tensor(np.asarray(feats), dtype=torch.float32))   # (U, F)
        self.n_feat = n_feat
        bound = 1 / math.sqrt(slots * n_feat)
        self.weight = nn.Parameter(torch.empty(slots * n_feat, hidden).uniform_(-bound, bound))     # (m F, H)
        self.bias = nn.Parameter(torch.empty(hidden).uniform_(-bound, bound))                      # (H,)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        lead, m = ids.shape[:-1], ids.shape[-1]
        flat = ids.reshape(-1, m)                                                      # (B, m)
        if self.mode == "sparse":
            offset = (torch.arange(m, device=ids.device) * self.n_feat)[None, :, None]  # (1, m, 1)
            idx = (self.table[flat] + offset).reshape(len(flat), -1)                   # (B, m k)
            val = self.weights[flat].reshape(len(flat), -1)                            # (B, m k)
            out = F.embedding_bag(idx, self.weight, per_sample_weights=val, mode="sum")
        else:
            x = self._chars(flat) if self.mode == "chars" else self.table[flat]       # (B, m, F)
            out = x.reshape(len(flat), -1) @ self.weight                               # (B, H)
        return (out + self.bias).reshape(*lead, -1)                                    # (..., H)

    def _chars(self, flat: torch.Tensor) -> torch.Tensor:
        chars = self.table[flat.reshape(-1)]                                           # (B m, L)
        _, (h, _) = self.lstm(self.char_emb(chars))                                    # h (1, B m, F)
        return h[-1].reshape(*flat.shape, -1)                                          # (B, m, F)


def _k_hot(csr) -> tuple[np.ndarray, np.ndarray]:
    """A sparse ``(U, F)`` matrix as padded column ids and values, ``(U, k)`` each (padding: id 0, value 0)."""
    counts = np.diff(csr.indptr)
    k = max(int(counts.max()) if len(counts) else 0, 1)
    rows = np.repeat(np.arange(csr.shape[0]), counts)
    pos = np.arange(csr.nnz) - csr.indptr[rows]
    idx, val = np.zeros((csr.shape[0], k), np.int64), np.zeros((csr.shape[0], k), np.float32)
    idx[rows, pos], val[rows, pos] = csr.indices, csr.data
    return idx, val


class MLPProbe(nn.Module):
    """ids ``(B, m)`` -> ``(B, out)``: Linear(m F, H) -> ReLU -> Linear(H, H) -> ReLU -> Linear(H, out)."""

    def __init__(self, front: NumberInput, hidden: int, out: int):
        super().__init__()
        self.front = front
        self.body = nn.Sequential(nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, out))

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.body(self.front(ids))


class ListMaxProbe(nn.Module):
    """ids ``(B, 5, 1)`` -> scores ``(B, 5)``: Linear(F, H) -> ReLU per position, a BiLSTM, Linear(H, 1)."""

    def __init__(self, front: NumberInput, hidden: int):
        super().__init__()
        self.front = front
        self.lstm = nn.LSTM(hidden, hidden // 2, batch_first=True, bidirectional=True)
        self.score = nn.Linear(2 * (hidden // 2), 1)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h, _ = self.lstm(torch.relu(self.front(ids)))                                  # (B, 5, H)
        return self.score(h).squeeze(-1)                                               # (B, 5)


def _targets(data: ProbeData, y: np.ndarray) -> np.ndarray:
    """What a regression probe fits: the value, or log1p(value) for the within-1 % metric."""
    return np.log1p(y.astype(np.float64)) if data.metric == "within1%" else y.astype(np.float64)


def _score(data: ProbeData, out: torch.Tensor, mu: float, sd: float) -> float:
    """Test metric from the probe's outputs on ``x_test``."""
    if data.metric == "acc":
        return float((out.argmax(-1).numpy() == data.y_test).mean())
    pred = out.squeeze(-1).double().numpy() * sd + mu                                  # (N,)
    if data.metric == "rmse":
        return float(np.sqrt(np.mean((pred - data.y_test) ** 2)))
    truth = data.y_test.astype(np.float64)
    return float(np.mean(np.abs(np.expm1(pred) - truth) <= np.maximum(0.01 * truth, 0.5)))


def train_probe(data: ProbeData, encoding: Encoding, budget: Budget, seed: int) -> float:
    """Train a fresh probe on ``encoding`` for ``data``'s training examples; return its test score."""
    torch.manual_seed(seed)
    front = NumberInput(encoding, data, budget.hidden, slots=data.x_train.shape[-1], char_dim=budget.char_dim)
    classify = data.metric == "acc"
    if data.kind == "listmax":
        probe: nn.Module = ListMaxProbe(front, budget.hidden)
    else:
        n_out = int(max(data.y_train.max(), data.y_test.max())) + 1 if classify else 1
        probe = MLPProbe(front, budget.hidden, n_out)
    x = torch.from_numpy(data.x_train)                                                 # (N, m) or (N, 5, 1)
    if classify:
        y, mu, sd = torch.from_numpy(data.y_train.astype(np.int64)), 0.0, 1.0          # (N,)
    else:
        t = _targets(data, data.y_train)
        mu, sd = float(t.mean()), float(t.std()) or 1.0
        y = torch.from_numpy(((t - mu) / sd).astype(np.float32))                       # (N,) z-scored

    steps, bs = budget.steps, budget.batch_size
    gen = torch.Generator().manual_seed(seed)
    order = torch.cat([torch.randperm(len(x), generator=gen) for _ in range(math.ceil(steps * bs / len(x)))])
    opt = torch.optim.Adam(probe.parameters(), lr=budget.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * s / steps)))
    probe.train()
    for step in range(steps):
        batch = order[step * bs : (step + 1) * bs]
        out = probe(x[batch])
        loss = F.cross_entropy(out, y[batch]) if classify else F.mse_loss(out.squeeze(-1), y[batch])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(probe.parameters(), 1.0)
        opt.step()
        sched.step()

    probe.eval()
    xt = torch.from_numpy(data.x_test)
    with torch.no_grad():
        out = torch.cat([probe(xt[i : i + 1024]) for i in range(0, len(xt), 1024)])
    return _score(data, out, mu, sd)


# ---------------------------------------------------------------------------------------------------
# The benchmark and its table
# ---------------------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    family: str
    metric: str
    higher_is_better: bool
    chance: list[float] = field(default_factory=list)
    scores: dict[str, list[float]] = field(default_factory=dict)   # encoding -> one score per seed


@dataclass
class Results:
    rows: list[Row]
    encodings: list[str]
    budget: Budget
    seeds: int
    seconds: float = 0.0
    command: str = ""

    def to_dict(self) -> dict:
        rows = []
        for r in self.rows:
            stats = {e: _mean_std(s) for e, s in r.scores.items()}
            rows.append({"task": r.name, "family": r.family, "metric": r.metric,
                         "higher_is_better": r.higher_is_better,
                         "chance": float(np.mean(r.chance)) if r.chance else None,
                         "scores": r.scores, "mean": {e: m for e, (m, _) in stats.items()},
                         "std": {e: s for e, (_, s) in stats.items()}})
        return {"command": self.command, "seeds": self.seeds, "seconds": round(self.seconds, 1),
                "budget": asdict(self.budget), "encodings": self.encodings, "rows": rows}


def merge_results(old: dict, new: Results) -> Results:
    """``new``'s scores laid over ``old`` (a :meth:`Results.to_dict`): rerun some encodings, keep the others.

    Only a run with the same seeds and budget may be merged (the fixed encodings' scores depend on nothing else).
    """
    if old.get("seeds") != new.seeds or old.get("budget") != asdict(new.budget):
        raise ValueError(f"cannot merge: the saved results used seeds={old.get('seeds')} and budget "
                         f"{old.get('budget')}; this run used seeds={new.seeds} and {asdict(new.budget)}")
    fresh = {r.name: r for r in new.rows}
    rows = []
    for d in old["rows"]:
        row = Row(d["task"], d["family"], d["metric"], d["higher_is_better"],
                  [d["chance"]] if d["chance"] is not None else [], dict(d["scores"]))
        if row.name in fresh:
            row.scores.update(fresh.pop(row.name).scores)
        rows.append(row)
    rows.extend(fresh.values())  # tasks the saved results did not have
    names = list(old["encodings"]) + [e for e in new.encodings if e not in old["encodings"]]
    missing = sorted({f"{r.name}: {e}" for r in rows for e in names if e not in r.scores})
    if missing:
        raise ValueError(f"cannot merge: no scores for {missing[:3]}{' ...' if len(missing) > 3 else ''}")
    return Results(rows, names, new.budget, new.seeds, new.seconds, new.command)


def _mean_std(scores: Sequence[float]) -> tuple[float, float]:
    a = np.asarray(scores, dtype=np.float64)
    return float(a.mean()), float(a.std(ddof=1)) if len(a) > 1 else 0.0


def run_benchmark(model=None, seeds: int = 5, budget: Budget = DEFAULT_BUDGET,
                  families: Sequence[str] | None = None, encoding_names: Sequence[str] | None = None,
                  log: Callable[[str], None] | None = None) -> Results:
    """Every task of ``families`` × every encoding × ``seeds`` seeds; returns the scores."""
    start = time.perf_counter()
    available = encodings(model, budget)
    names = list(encoding_names or available)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise ValueError(f"unknown encoding(s) {unknown}; choose from {list(available)} (num2vec needs a model)")
    fams = list(families or FAMILIES)
    bad = [f for f in fams if f not in FAMILIES]
    if bad:
        raise ValueError(f"unknown task family(ies) {bad}; choose from {list(FAMILIES)}")
    rows: dict[str, Row] = {}
    for fam in fams:
        for seed in range(seeds):
            for data in FAMILIES[fam](budget, seed):
                row = rows.setdefault(data.name, Row(data.name, data.family, data.metric, data.higher_is_better))
                if data.chance is not None:
                    row.chance.append(data.chance)
                for name in names:
                    t0 = time.perf_counter()
                    score = train_probe(data, available[name], budget, seed)
                    row.scores.setdefault(name, []).append(score)
                    if log:
                        log(f"[{time.perf_counter() - start:7.1f}s] seed {seed} {data.name:<34} {name:<9} "
                            f"{data.metric} {score:.4g} ({time.perf_counter() - t0:.1f}s)")
    return Results(list(rows.values()), names, budget, seeds, time.perf_counter() - start)


def _fmt(mean: float, std: float, metric: str) -> str:
    if metric == "rmse":
        digits = 2 if mean < 10 else 1 if mean < 100 else 0
        return f"{mean:.{digits}f} ± {std:.{digits}f}"
    return f"{mean:.3f} ± {std:.3f}"


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


_METRIC_LABEL = {"acc": "accuracy ↑", "rmse": "RMSE ↓", "within1%": "within 1 % ↑"}


def markdown_table(results: Results) -> str:
    """Rows = tasks, columns = encodings, ``mean ± std`` over seeds, the best mean of each row in bold."""
    head = ["task", "metric", *results.encodings]
    lines = ["| " + " | ".join(head) + " |", "| --- | --- |" + " ---: |" * len(results.encodings)]
    for row in results.rows:
        stats = {e: _mean_std(row.scores[e]) for e in results.encodings}
        cells = {e: _fmt(m, s, row.metric) for e, (m, s) in stats.items()}
        means = {e: float(_fmt(m, 0, row.metric).split(" ")[0]) for e, (m, _) in stats.items()}   # as shown
        best = (max if row.higher_is_better else min)(means.values())
        metric = _METRIC_LABEL[row.metric]
        if row.chance:
            metric += f" (chance {np.mean(row.chance):.2f})"
        lines.append("| " + " | ".join([row.name, metric, *[f"**{cells[e]}**" if means[e] == best else cells[e]
                                                             for e in results.encodings]]) + " |")
    lines += ["", f"Command: `{results.command or 'python -m num2vec.probes'}` — {results.seeds} seed(s), mean ± std; "
              f"budget per probe: {results.budget.describe()}; {_duration(results.seconds)} on "
              f"{torch.get_num_threads()} CPU thread(s)."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m num2vec.probes",
        description="Numeracy probes (Wallace et al. 2019 and more) on frozen number embeddings, beside baselines.",
        epilog=f"Default budget: {DEFAULT_BUDGET.describe()} (about 16 min for 5 seeds on one CPU thread).")
    parser.add_argument("--model", default=None, help="a saved model folder [default: the bundled model]")
    parser.add_argument("--seeds", type=int, default=5, help="seeds per cell [default: 5]")
    parser.add_argument("--quick", action="store_true", help="tiny budget: the whole grid in seconds (for tests)")
    parser.add_argument("--output", type=Path, default=None, help="write the Markdown table to this file")
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="PATH",
                        help="write the results as JSON to PATH; without PATH: to stdout, instead of the table")
    parser.add_argument("--families", nargs="+", choices=list(FAMILIES), default=None,
                        help="task families to run [default: all]")
    parser.add_argument("--encodings", nargs="+", default=None, help="encodings to compare [default: all]")
    parser.add_argument("--merge", type=Path, default=None, metavar="JSON",
                        help="lay this run's scores over a saved results JSON (e.g. rerun only --encodings num2vec "
                             "after retraining) and report the merged table")
    parser.add_argument("--threads", type=int, default=1, help="CPU threads for PyTorch [default: 1]")
    parser.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = parser.parse_args(argv)
    if args.seeds < 1:
        parser.error("--seeds must be at least 1")
    if args.output is not None and not args.output.parent.is_dir():
        parser.error(f"cannot write {args.output}: folder {args.output.parent} does not exist")
    known = list(encodings(model=True))
    unknown = [n for n in args.encodings or [] if n not in known]
    if unknown:
        parser.error(f"unknown encoding(s) {unknown}; choose from {known}")
    saved = None
    if args.merge is not None:
        try:
            saved = json.loads(args.merge.read_text())
        except (OSError, ValueError) as exc:
            parser.error(f"cannot read --merge {args.merge}: {exc}")
    torch.set_num_threads(max(args.threads, 1))

    model = None
    if args.encodings is None or "num2vec" in args.encodings:
        from .api import Num2Vec

        try:
            model = Num2Vec.from_pretrained(args.model)
        except (OSError, ValueError) as exc:
            parser.error(f"cannot load the model {args.model or '(bundled)'}: {exc}")
    budget = QUICK_BUDGET if args.quick else DEFAULT_BUDGET
    log = None if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    try:
        results = run_benchmark(model, args.seeds, budget, args.families, args.encodings, log=log)
    except ValueError as exc:
        parser.error(str(exc))
    cmd = ["python -m num2vec.probes", *(["--model", args.model] if args.model else []), "--seeds", str(args.seeds),
           *(["--quick"] if args.quick else []), *(["--families", *args.families] if args.families else []),
           *(["--encodings", *args.encodings] if args.encodings else []),
           *(["--merge", str(args.merge)] if args.merge else [])]
    results = replace(results, command=" ".join(cmd))
    if saved is not None:
        try:
            results = merge_results(saved, results)
        except ValueError as exc:
            parser.error(str(exc))
    table = markdown_table(results)
    if args.output is not None:
        args.output.write_text(table)
    if args.json == "-":
        print(json.dumps(results.to_dict(), indent=1))
    else:
        if args.json is not None:
            Path(args.json).write_text(json.dumps(results.to_dict(), indent=1) + "\n")
        print(table, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
