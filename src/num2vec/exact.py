"""Exact arithmetic on integer sequences: the candidate next terms the decoder reads as digit columns.

The decoder does not add numbers up digit by digit. It is handed, as digit
columns (see :mod:`num2vec.codec` for the token layout), what simple rules say
the next term would be, and learns when each rule applies. This module computes
those candidates from the sequence's integers, **exactly, for integers of any
size and sign**, and turns them into token arrays for the network
(:func:`featurize`). The network never does arithmetic on the user's numbers.

With ``x`` the sequence and ``∇`` the backward difference (``∇x_t = x_t - x_{t-1}``),
the candidates for the term after ``x_t`` are, in column order:

* **differences** ∇^k x at the last K positions, k = 1..D;
* **extrapolations** x_t + ∇x_t + ... + ∇^k x_t, k = 1..E: the next term if the
  k-th difference is constant (Newton's backward formula). For 1, 4, 9, 16:
  k = 1 gives 16 + 7 = 23, k = 2 gives 16 + 7 + 2 = 25;
* **ratios**, k = 0..R-1: with y = ∇^k x, the next term if y keeps its ratio,
  x_t + ... + ∇^{k-1} x_t + y_t² / y_{t-1}, where that division is exact. For
  3, 6, 12, 24 (k = 0): 24² / 12 = 48; for 1, 4, 13, 40 (k = 1): 40 + 27² / 9 = 121;
* **recurrences**, k = 0..P-1: y = ∇^k x follows y(n) = p y(n-1) + q y(n-2) with
  integers |p|, |q| < 1000 solved from its last four values (Cramer's rule, exact);
  the next term is x_t + ... + p y_t + q y_{t-1}. For 1, 1, 2, 3, 5, 8: p = q = 1, 13;
* **periods** p = 2..Q+1: x_t + ∇x_{t+1-p}, the next term if the first
  differences repeat with period p (staircases such as 2, 4, 5, 7, 9, 10 -> 12);
* **holonomic fits**, one per shape (r, d) of :data:`HOLONOMIC_SHAPES`, the first H:
  the next term if x is P-recursive, ``P_0(n) a(n) + P_1(n) a(n-1) + ... + P_r(n) a(n-r) = 0``
  with polynomials P_i of degree <= d (n counts from 1). The coefficients are the
  null space of the linear system the given terms make, solved exactly over the
  rationals (fraction-free elimination) and kept only when the null space is one
  line and at least one equation more than it needs holds -- the fit is verified
  on every given term, as guessers such as gfun or sympy's ``guess`` do.
  Factorials fit (1, 1): a(n) - n a(n-1) = 0, so 1, 2, 6, 24, 120 -> 720;
  Catalan numbers (n+1) a(n) - (4n-2) a(n-1) = 0 (shifted to n counting from 1),
  derangements and involutions order 2. A shape is not solved when a smaller one
  fits the whole sequence: its null space then has two dimensions or more, so it
  has no prediction (:func:`holonomic_columns`);
* **ratio series**, k = 1..S: the ratios a(n)/a(n-1) as exact fractions, their k-th
  difference taken as constant: 1, 2, 6, 24 (ratios 2, 3, 4) -> 24 * 5 = 120;
  1, 3, 15, 105 (ratios 3, 5, 7) -> 105 * 9 = 945;
* **every other term**, the first I of: x_{t-1} + (x_{t-1} - x_{t-3}), the second-order
  extrapolation of x_{t-5}, x_{t-3}, x_{t-1}, and x_{t-1}^2 / x_{t-3}: the rules above on
  the terms of the next term's parity, for interleavings of two sequences and
  sign-alternating ones (1, -2, 3, -4, 5 -> -6).

A candidate that does not exist (too few terms, a division that is not exact)
is marked missing. The rules and the set of candidates are the same whatever the
magnitude: :func:`candidates` is the reference, in Python integers, one position
at a time. Batches of at least :data:`FAST_PATH_MIN_SEQUENCES` sequences take a
vectorised path (:func:`_fast_columns`): in int64 for sequences whose terms are
below :data:`FAST_PATH_LIMIT`, where no intermediate value can overflow (the
ratio-series products only below the bounds of ``_RATIO_SERIES_INT64``; larger
terms take Python ints there, as the holonomic fits always do), and in NumPy
object arrays of Python ints for the others. Both give the reference's columns
(a property test checks it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress, count, repeat
from math import gcd, log2
from operator import add, is_not, mul
from typing import NamedTuple

import numpy as np

from .codec import PAD, VOCAB_SIZE, encode_sequences, int64_token_rows, token_rows

#: the token that fills every digit position of a candidate that does not exist
MISSING = VOCAB_SIZE
#: a recurrence's integer coefficients p, q must satisfy |p|, |q| < this
MAX_RECURRENCE_COEFFICIENT = 1000
#: terms below this (in absolute value) take the int64 path: every intermediate value stays below 2^63
#: (differences up to order 6 stay below 2^6 * 10^8; the products of ratio and recurrence columns, of
#: differences of order <= 2, below 32 * (4 * 10^8)^2 < 2^63)
FAST_PATH_LIMIT = 10**8
#: the vectorised paths serve batches of at least this many sequences: on fewer, the reference path is faster
#: (measured on the AMD EPYC, int64 inference columns: 0.9 against 2.3 ms for one sequence, 5.4 against 5.7 ms for 24,
#: 6.6 against 6.4 ms for 32; object arrays on the Intel Xeon, 32 sequences of 10-60 digits: about equal at inference,
#: 7.5 against 36 ms for training columns); the columns are the same either way
FAST_PATH_MIN_SEQUENCES = 32
#: the largest |term| whose ratio-series products fit in an int64, per order: 3 M^3 and 7 M^4 below 2^63
_RATIO_SERIES_INT64 = (1_400_000, 33_000)
#: shapes (order r, degree d) of the holonomic fits, in column order
HOLONOMIC_SHAPES = ((1, 1), (1, 2), (2, 1), (2, 2))
#: kinds of every-other-term candidates, in column order
INTERLEAVED_KINDS = ("linear", "quadratic", "ratio")


@dataclass(frozen=True)
class ColumnSpec:
    """Which candidates to compute (the model's switches; see :class:`num2vec.model.ModelConfig`)."""

    context_numbers: int = 0  # K: positions whose differences are columns
    difference_orders: int = 0  # D
    nested_differences: int = 0  # N: differences the nested RNN reads as numbers
    extrapolations: int = 0  # E
    ratio_extrapolations: int = 0  # R
    recurrence_extrapolations: int = 0  # P
    period_extrapolations: int = 0  # Q
    holonomic_fits: int = 0  # H: the first H shapes of HOLONOMIC_SHAPES
    ratio_series: int = 0  # S
    interleaved: int = 0  # I: the first I kinds of INTERLEAVED_KINDS

    def __post_init__(self) -> None:
        for name, top in (("holonomic_fits", len(HOLONOMIC_SHAPES)), ("ratio_series", 2),
                          ("interleaved", len(INTERLEAVED_KINDS))):
            if not 0 <= getattr(self, name) <= top:
                raise ValueError(f"{name}={getattr(self, name)} must be in 0..{top}")

    @property
    def n_basic(self) -> int:
        """Columns of the difference-table rules: D*K + E + R + P + Q."""
        return (self.difference_orders * self.context_numbers + self.extrapolations + self.ratio_extrapolations
                + self.recurrence_extrapolations + self.period_extrapolations)

    @property
    def n_extra(self) -> int:
        """Columns of the holonomic, ratio-series and every-other-term rules: H + S + I."""
        return self.holonomic_fits + self.ratio_series + self.interleaved

    @property
    def n_columns(self) -> int:
        """Candidate columns per target: D*K + E + R + P + Q + H + S + I."""
        return self.n_basic + self.n_extra

    def column_names(self) -> list[str]:
        """A name for each candidate column, in column order: ``difference{k}@{j}`` (∇^k x at position t - j),
        ``extrapolation{k}``, ``ratio{k}``, ``recurrence{k}``, ``period{p}``, ``holonomic{r},{d}``,
        ``ratio_series{k}``, ``every_other_{kind}``. Two specs name a column alike exactly when it holds the same
        rule's candidate (what :func:`num2vec.training.warm_start` maps weights by).

        >>> ColumnSpec(context_numbers=2, difference_orders=1, extrapolations=1, holonomic_fits=1).column_names()
        ['difference1@0', 'difference1@1', 'extrapolation1', 'holonomic1,1']
        """
        names = [f"difference{k}@{j}" for k in range(1, self.difference_orders + 1) for j in range(self.context_numbers)]
        names += [f"extrapolation{k}" for k in range(1, self.extrapolations + 1)]
        names += [f"ratio{k}" for k in range(self.ratio_extrapolations)]
        names += [f"recurrence{k}" for k in range(self.recurrence_extrapolations)]
        names += [f"period{p}" for p in range(2, 2 + self.period_extrapolations)]
        names += [f"holonomic{r},{d}" for r, d in HOLONOMIC_SHAPES[: self.holonomic_fits]]
        names += [f"ratio_series{k}" for k in range(1, self.ratio_series + 1)]
        names += [f"every_other_{kind}" for kind in INTERLEAVED_KINDS[: self.interleaved]]
        return names

    @property
    def nested_only(self) -> ColumnSpec:
        """The same differences for the nested RNN and no candidate columns (sequence embeddings need no decoder)."""
        return ColumnSpec(nested_differences=self.nested_differences)

    @property
    def orders(self) -> int:
        """The highest difference order any candidate needs."""
        return max(self.difference_orders, self.extrapolations, self.ratio_extrapolations - 1,
                   self.recurrence_extrapolations - 1, min(self.period_extrapolations, 1), self.nested_differences)


def differences(x: Sequence[int], orders: int) -> list[list[int | None]]:
    """The difference table: ``table[k][t]`` = ∇^k x at position t (``None`` for t < k), k = 0..orders.

    >>> differences([1, 4, 9, 16], 2)
    [[1, 4, 9, 16], [None, 3, 5, 7], [None, None, 2, 2]]
    """
    table: list[list[int | None]] = [list(x)]
    for k in range(1, orders + 1):
        prev = table[-1]
        table.append([None] * min(k, len(x)) + [prev[t] - prev[t - 1] for t in range(k, len(x))])  # type: ignore[operator]
    return table


def candidates(x: Sequence[int], t: int, spec: ColumnSpec, table: list[list[int | None]] | None = None,
               extras: list[list[int | None]] | None = None) -> list[int | None]:
    """The candidate next terms after ``x[t]`` (``spec.n_columns`` values, ``None`` where missing).

    Exact for integers of any size: this is the reference the fast path is tested against.

    >>> spec = ColumnSpec(extrapolations=2, ratio_extrapolations=1, recurrence_extrapolations=1)
    >>> candidates([1, 1, 2, 3, 5, 8], 5, spec)          # x+∇x, x+∇x+∇²x, ratio, Fibonacci
    [11, 12, None, 13]
    >>> candidates([3, 6, 12, 24], 3, spec)[2], candidates([10**30, 2 * 10**30, 4 * 10**30], 2, spec)[2]
    (48, 8000000000000000000000000000000)
    """
    if table is None:
        table = differences(x, spec.orders)
    out: list[int | None] = []
    for k in range(1, spec.difference_orders + 1):
        for j in range(spec.context_numbers):
            i = t - j
            out.append(table[k][i] if i >= k else None)
    acc = x[t]
    for k in range(1, spec.extrapolations + 1):
        if t >= k:
            acc += table[k][t]  # type: ignore[operator]
            out.append(acc)
        else:
            out.append(None)
    acc = 0
    for k in range(spec.ratio_extrapolations):
        y = table[k]
        guess = None
        if t - 1 >= k:
            now, before = y[t], y[t - 1]
            if before != 0:
                q, r = divmod(now * now, before)  # type: ignore[operator]
                if r == 0:
                    guess = acc + q
        out.append(guess)
        if t >= k:
            acc += y[t]  # type: ignore[operator]
    acc = 0
    for k in range(spec.recurrence_extrapolations):
        y = table[k]
        guess = None
        if t - 3 >= k:
            y0, y1, y2, y3 = y[t], y[t - 1], y[t - 2], y[t - 3]
            det = y1 * y3 - y2 * y2  # type: ignore[operator]
            if det != 0:
                p, rp = divmod(y0 * y3 - y1 * y2, det)  # type: ignore[operator]
                q, rq = divmod(y1 * y1 - y0 * y2, det)  # type: ignore[operator]
                if rp == 0 and rq == 0 and abs(p) < MAX_RECURRENCE_COEFFICIENT and abs(q) < MAX_RECURRENCE_COEFFICIENT:
                    guess = acc + p * y0 + q * y1  # type: ignore[operator]
        out.append(guess)
        if t >= k:
            acc += y[t]  # type: ignore[operator]
    for p in range(2, 2 + spec.period_extrapolations):
        src = t + 1 - p
        out.append(x[t] + table[1][src] if src >= 1 else None)  # type: ignore[operator]
    if spec.n_extra:
        out.extend(extras[t] if extras is not None else extra_candidates(x[: t + 1], spec, last_only=True)[0])
    return out


def extra_candidates(x: Sequence[int], spec: ColumnSpec, last_only: bool = False,
                     fits: Sequence[bool] | None = None) -> list[list[int | None]]:
    """The holonomic, ratio-series and every-other-term candidates after every position of ``x``.

    ``out[t]`` holds ``spec.n_extra`` values (``None`` where missing) and depends
    on ``x[: t + 1]`` only, so training (every position) and inference (the last)
    see the same columns. ``last_only``: only the last position's (a list of one).
    ``fits``: per holonomic shape, False where :func:`holonomic_possible` has
    ruled a fit out (:func:`holonomic_filter`); that column is then None unsolved.

    >>> extra_candidates([1, 1, 2, 6, 24, 120], ColumnSpec(holonomic_fits=1, ratio_series=1))[-1]
    [720, 720]
    >>> extra_candidates([1, -2, 3, -4, 5], ColumnSpec(interleaved=3))[-1]  # -2 - 2, ..., (-4)^2 / -2
    [-6, None, -8]
    """
    T = len(x)
    ts = [T - 1] if last_only else list(range(T))
    cols: list[list[int | None]] = [[] for _ in ts]
    for preds in holonomic_columns(x, spec.holonomic_fits, last_only, fits):
        for row, t in zip(cols, ts):
            row.append(preds[t])
    for row, t in zip(cols, ts):
        if spec.ratio_series:
            row.extend(_ratio_series(x, t, spec.ratio_series))
        row.extend(_interleaved(x, t)[: spec.interleaved])
    return cols


def holonomic_columns(x: Sequence[int], shapes: int, last_only: bool = False,
                      fits: Sequence[bool] | None = None) -> list[list[int | None]]:
    """:func:`holonomic_predictions` of ``x`` for the first ``shapes`` of :data:`HOLONOMIC_SHAPES`
    (:func:`holonomic_shape_columns`).

    >>> holonomic_columns([1, 2, 6, 24, 120, 720, 5040, 40320, 362880, 3628800, 39916800, 479001600], 4)[0][-1]
    6227020800
    """
    return holonomic_shape_columns(x, HOLONOMIC_SHAPES[:shapes], last_only, fits)


def holonomic_shape_columns(x: Sequence[int], shapes: Sequence[tuple[int, int]], last_only: bool = False,
                            fits: Sequence[bool] | None = None) -> list[list[int | None]]:
    """:func:`holonomic_predictions` of ``x`` for each shape (order, degree) of ``shapes``, in their order.

    ``fits``: per shape, False where :func:`holonomic_filter` has ruled a fit out.
    A shape is not solved when a smaller one earlier in ``shapes`` -- order and
    degree each at most its own -- has a non-zero solution on all of ``x``: with
    ``P_i`` a solution of the smaller shape, ``n P_i(n)`` (one degree more) and
    ``P_i(n - 1)`` shifted one lag (one order more) are solutions too, so every
    prefix of the larger shape has a null space of two dimensions or more, and no
    prediction.

    >>> holonomic_shape_columns([1, 4, 28, 220, 1820, 15504, 134596, 1184040, 10518300, 94143280], [(1, 3)])[0][-1]
    847660528
    """
    out: list[list[int | None]] = []
    solvable: list[tuple[int, int]] = []  # shapes with a non-zero solution on all of x
    for k, (order, degree) in enumerate(shapes):
        implied = any(r <= order and d <= degree for r, d in solvable)
        if implied or (fits is not None and not fits[k]):
            out.append([None] * len(x))
            if implied:
                solvable.append((order, degree))
            continue
        preds, ok = _holonomic_solve(x, order, degree, last_only)
        out.append(preds)
        if ok:
            solvable.append((order, degree))
    return out


#: how unlikely a chance fit must be for :func:`verified_holonomic_rules`: the equations beyond those that fix the
#: fit must carry at least this many bits (each about log2(1 + spread of the terms))
HOLONOMIC_EVIDENCE_BITS = 10


def holonomic_evidence(x: Sequence[int], order: int, degree: int, coef: Sequence[int]) -> float:
    """Bits of evidence for the P-recursive fit ``coef`` of shape (order, degree) to ``x``: the equations beyond
    the ``unknowns - 1`` that fix it, less one for each n of the data where its leading polynomial ``P_0(n)``
    vanishes (there the recurrence does not give a(n): that term is free), each worth ``log2(1 + spread)``, the
    spread being the largest term minus the smallest. A chance fit holds an equation with a probability of about
    one in the spread, so ten bits is a chance of about one in a thousand: a fit to 0, 1, 1, 1, 2, 2, 2, 3, 3, 3
    whose ``P_0`` vanishes at each step has none.

    >>> round(holonomic_evidence([1, 1, 2, 6, 24, 120, 720], 1, 1, [1, 0, 1, -1]), 1)  # a(n) = (n - 1) a(n-1)
    28.5
    >>> holonomic_evidence([0, 1, 1, 1, 2, 2, 2, 3, 3, 3], 1, 3, [80, -66, 15, -1, -80, 66, -15, 1])
    0.0
    """
    unknowns = (order + 1) * (degree + 1)
    free = _polynomial_values(coef[: degree + 1], range(order + 1, len(x) + 1)).count(0)
    checks = len(x) - order - (unknowns - 1) - free
    return max(checks, 0) * log2(1 + max(x) - min(x))


def verified_holonomic_rules(x: Sequence[int], shapes: Sequence[tuple[int, int]] = HOLONOMIC_SHAPES,
                             skip: int = 0) -> dict[str, int]:
    """``{"P-recursive (r, d)": next term}`` of the fits of :func:`holonomic_shape_columns` to ``x`` for
    ``shapes[skip:]`` (the first ``skip`` shapes only rule larger ones out) that the fit to ``x`` without its last
    term predicted too, with at least :data:`HOLONOMIC_EVIDENCE_BITS` bits of :func:`holonomic_evidence`. A fit whose
    leading polynomial vanishes inside the data can absorb a term that breaks the pattern
    (``(n - 9) (a(n) - a(n-1)) = 0`` fits 1, ..., 1, -8), and a fit to a few small terms holds by chance; neither
    is a rule.

    >>> verified_holonomic_rules([1, 2, 6, 24, 120, 720, 5040])
    {'P-recursive (1, 1)': 40320}
    >>> verified_holonomic_rules([0, 1, 1, 1, 2, 2, 2, 3, 3, 3], [(1, 3)])
    {}
    """
    if len(x) < 2:
        return {}
    cols = holonomic_shape_columns(x, shapes)
    out = {}
    for (r, d), col in zip(shapes[skip:], cols[skip:]):
        if col[-1] is None or col[-2] != x[-1]:
            continue
        coef = holonomic_fit(x, r, d)
        if coef is not None and holonomic_evidence(x, r, d, coef) >= HOLONOMIC_EVIDENCE_BITS:
            out[f"P-recursive ({r}, {d})"] = col[-1]
    return out


def holonomic_predictions(x: Sequence[int], order: int, degree: int, last_only: bool = False) -> list[int | None]:
    """For every position t, the next term by the P-recursive fit of shape (order, degree) to ``x[: t + 1]``.

    The unknowns are the coefficients c_ij of ``sum_i P_i(n) a(n-i) = 0``,
    ``P_i(n) = sum_j c_ij n^j`` (i = 0..order, j = 0..degree, n = 1, 2, ...);
    each term from a(order+1) on gives one homogeneous linear equation. Rows are
    eliminated one by one in exact integer arithmetic (fraction-free Gaussian
    elimination); a prediction exists at t when the equations up to a(t+1) have
    a one-dimensional null space and at least one equation more than the rank
    (the fit is checked, not just solved), ``P_0(t+2) != 0`` and the division
    giving a(t+2) is exact. Once an equation contradicts the fit, no later
    position has one. Source: the method of guessers of holonomic sequences
    (gfun's ``listtorec``, sympy's ``guess``), restricted to one shape.

    >>> holonomic_predictions([1, 2, 6, 24, 120, 720], 1, 1)
    [None, None, None, None, 720, 5040]
    >>> holonomic_predictions([1, 1, 2, 5, 14, 42, 132], 1, 1)[-1]  # Catalan: (n+1) a(n) = (4n-2) a(n-1)
    429

    ``last_only``: only the last position's prediction is computed (the others are None).
    """
    return _holonomic_solve(x, order, degree, last_only)[0]


def _holonomic_row(x: Sequence[int], i: int, order: int, degree: int) -> list[int]:
    """The equation that term ``x[i]`` gives for the coefficients c_ij: ``sum_lag P_lag(n) x[i - lag] = 0``,
    n = i + 1."""
    powers = [(i + 1) ** j for j in range(degree + 1)]
    return [x[i - lag] * pw for lag in range(order + 1) for pw in powers]


def _eliminate(row: list[int], pivots: list[tuple[int, list[int]]]) -> bool:
    """Reduce ``row`` by the echelon rows ``pivots`` (fraction-free) and append it, made primitive, when something
    is left; whether it was."""
    for col, p in pivots:
        if row[col]:
            f, g = p[col], row[col]
            row = [f * a - g * b for a, b in zip(row, p)]
    nz = next(compress(range(len(row)), row), None)  # the first non-zero column
    if nz is None:
        return False
    div = gcd(*row)
    pivots.append((nz, row if div == 1 else [v // div for v in row]))
    return True


def _recurrence_parts(x: Sequence[int], end: int, order: int, degree: int, coef: Sequence[int]) -> tuple[int, int]:
    """``(P_0(n), sum_{lag >= 1} P_lag(n) x[end - lag])`` at the term after ``x[:end]`` (n = end + 1) for the
    recurrence with coefficients ``coef``: the term is ``-rest / P_0(n)``, and an actual term ``v`` there satisfies
    the recurrence when ``P_0(n) v + rest == 0``."""
    lead = [values[0] for values in _lag_polynomials(coef, order, degree, [end + 1])]
    return lead[0], sum(lead[lag] * x[end - lag] for lag in range(1, order + 1))


def _next_term(x: Sequence[int], end: int, order: int, degree: int, coef: Sequence[int]) -> int | None:
    """The term after ``x[:end]`` by the recurrence with coefficients ``coef``; ``None`` where its leading
    polynomial vanishes or the division is not exact."""
    if end < order:
        return None
    lead, rest = _recurrence_parts(x, end, order, degree, coef)
    return _divide(-rest, lead)


def _divide(a: int, b: int) -> int | None:
    """``a / b`` where it is an integer (``b != 0``), else ``None``."""
    if not b:
        return None
    q, r = divmod(a, b)
    return q if r == 0 else None


def _holonomic_solve(x: Sequence[int], order: int, degree: int, last_only: bool) -> tuple[list[int | None], bool]:
    """:func:`holonomic_predictions` and whether the equations of all of ``x`` have a non-zero solution."""
    unknowns = (order + 1) * (degree + 1)
    T = len(x)
    out: list[int | None] = [None] * T
    if T - order < unknowns:  # fewer equations than a checked fit needs
        return out, True
    # eliminate the equations one by one until the fit is fixed (rank unknowns - 1)
    pivots: list[tuple[int, list[int]]] = []  # (pivot column, row) in elimination order
    for i in range(order, T):  # the rank grows by one at most per equation
        if _eliminate(_holonomic_row(x, i, order, degree), pivots) and len(pivots) == unknowns - 1:
            break
    else:
        return out, True  # never fixed: every prefix has two or more independent fits, and no prediction
    # the fit is fixed from equation i on: each later equation must hold (the first that does not leaves only the
    # zero solution, now and later), and each position from the unknowns-th equation on predicts the next term,
    # -sum_{lag >= 1} P_lag(n) a(n - lag) / P_0(n)
    fixed, null = i, _null_vector(pivots, unknowns)
    # at positions i = fixed .. T-1 (n = i + 2, the term after x[: i + 1]): P_lag(n) for each lag, and
    # rest = sum_{lag >= 1} P_lag(n) x[i + 1 - lag], each a list over the positions
    lead = _lag_polynomials(null, order, degree, range(fixed + 2, T + 2))
    rest = [0] * (T - fixed)
    for lag in range(1, order + 1):
        rest = list(map(add, rest, map(mul, lead[lag], x[fixed + 1 - lag : T + 1 - lag])))
    # the first later equation that contradicts the fit ends it: no position after it has a prediction
    wrong = next(compress(count(), map(add, map(mul, lead[0], x[fixed + 1 :]), rest)), None)
    stop = T - fixed if wrong is None else wrong + 1  # positions fixed .. fixed + stop - 1 predict
    first = order + unknowns - 1 - fixed  # the unknowns-th equation's position, counted from fixed
    for k in [T - 1 - fixed] if last_only else range(max(first, 0), stop):
        if k < stop and k >= first and lead[0][k]:
            q, r = divmod(-rest[k], lead[0][k])
            out[fixed + k] = None if r else q
    return out, wrong is None


def _lag_polynomials(coef: Sequence[int], order: int, degree: int, ns: Sequence[int]) -> list[list[int]]:
    """``[P_lag(n) for n in ns]`` for lag = 0..order, of a recurrence's coefficients ``coef`` (c_ij in lag-major
    order, as :func:`holonomic_fit` returns them)."""
    return [_polynomial_values(coef[lag * (degree + 1) : (lag + 1) * (degree + 1)], ns) for lag in range(order + 1)]


def _polynomial_values(coef: Sequence[int], ns: Sequence[int]) -> list[int]:
    """``sum_j coef[j] n^j`` for each n of ``ns`` (Horner's rule, one list operation per coefficient)."""
    values = [coef[-1]] * len(ns)
    for c in reversed(coef[:-1]):
        values = [v * n + c for v, n in zip(values, ns)]
    return values


def holonomic_fit(x: Sequence[int], order: int, degree: int) -> list[int] | None:
    """The coefficients ``c_ij`` (see :func:`holonomic_predictions`) of the P-recursive fit of shape (order, degree)
    that the equations of all of ``x`` determine up to a factor (a null space of one dimension), as a primitive
    integer vector (the first non-zero entry positive), or ``None``. Unlike :func:`holonomic_predictions`, no
    equation beyond the rank is required: the fit is not checked by the data. Exact.

    >>> holonomic_fit([1, 1, 2, 6, 24, 120], 1, 1)      # a(n) + (1 - n) a(n-1) = 0, n = 1, 2, ...
    [1, 0, 1, -1]
    """
    unknowns = (order + 1) * (degree + 1)
    pivots: list[tuple[int, list[int]]] = []
    for i in range(order, len(x)):
        if _eliminate(_holonomic_row(x, i, order, degree), pivots) and len(pivots) == unknowns:
            return None  # only the zero solution
    if len(pivots) != unknowns - 1:
        return None
    sol = _null_vector(pivots, unknowns)
    sign = 1 if next(v for v in sol if v) > 0 else -1
    return [sign * v for v in sol]


def holonomic_next(x: Sequence[int], order: int, degree: int, coef: Sequence[int]) -> int | None:
    """The term after ``x`` by the P-recursive recurrence with coefficients ``coef`` (as :func:`holonomic_fit`
    returns them; n = 1, 2, ... counts the terms), or ``None`` where its leading polynomial vanishes or the
    division is not exact.

    >>> holonomic_next([1, 1, 2, 6, 24, 120], 1, 1, [1, 0, 1, -1])
    720
    """
    return _next_term(x, len(x), order, degree, coef)


def _null_vector(pivots: list[tuple[int, list[int]]], unknowns: int) -> list[int]:
    """The primitive integer vector spanning the null space of rank-(unknowns - 1) echelon rows (back
    substitution)."""
    free = min(set(range(unknowns)).difference(col for col, _ in pivots))
    sol = [0] * unknowns
    sol[free] = 1
    for col, row in reversed(pivots):  # a pivot row is zero in the pivot columns of earlier rows
        rest = sum(map(mul, row, sol))  # sol[col] is still 0
        if rest:  # row . sol = 0: scale sol by p / g and set sol[col] = -rest / g, g = gcd(p, rest)
            p = row[col]
            g = gcd(p, rest)
            if p != g:
                sol = [v * (p // g) for v in sol]
            sol[col] = -rest // g
    div = gcd(*sol)
    return sol if div == 1 else [v // div for v in sol]


#: a prime below 2^31: products of two residues fit in an int64
_PRIME = 2**31 - 1


def holonomic_possible(seqs: Sequence[Sequence[int]], order: int, degree: int) -> np.ndarray:
    """Whether a P-recursive fit of shape (order, degree) to each whole sequence may exist: bool ``(B,)``.

    False is exact: the equations of :func:`holonomic_predictions` have full
    column rank modulo the prime 2^31 - 1, hence over the rationals, so they
    have no non-zero solution and the last position has no prediction (nor has a
    sequence with fewer equations than unknowns). True means "solve it exactly".
    One vectorised Gaussian elimination over the batch (NumPy int64 on the
    residues of Python ints of any size) replaces most exact eliminations at
    inference, where a fit is usually ruled out.

    >>> holonomic_possible([[1, 2, 6, 24, 120, 720], [3, 1, 4, 1, 5, 9, 2, 6]], 1, 1).tolist()
    [True, False]
    """
    lengths = np.array([len(x) for x in seqs], dtype=np.int64)  # (B,)
    return _possible_mod_p(_residues(seqs, int(lengths.max(initial=0))), lengths, order, degree)


def _residues(seqs: Sequence[Sequence[int]], T: int) -> np.ndarray:
    """The terms' residues modulo :data:`_PRIME`, ``(B, T)`` int64, zero past each sequence's end."""
    res = np.zeros((len(seqs), T), dtype=np.int64)
    p = _PRIME
    for b, x in enumerate(seqs):
        res[b, : min(len(x), T)] = [v % p for v in x[:T]]
    return res


def _possible_mod_p(res: np.ndarray, lengths: np.ndarray, order: int, degree: int) -> np.ndarray:
    """:func:`holonomic_possible` of the sequences ``res[b, : lengths[b]]`` (residues, see :func:`_residues`)."""
    U = (order + 1) * (degree + 1)
    enough = lengths - order >= U  # (B,)
    if not enough.size or not enough.all():  # the others have fewer equations than unknowns: solved on the rest
        if enough.any():
            enough[enough] = _possible_mod_p(res[enough], lengths[enough], order, degree)
        return enough
    T = int(lengths.max(initial=0))
    B, p = res.shape[0], _PRIME
    R = T - order  # equation r is the one of term i = order + r, n = i + 1
    n = np.arange(order + 1, T + 1, dtype=np.int64)  # (R,)
    real = np.arange(R)[None, :] < (lengths - order)[:, None]  # (B, R): missing equations are zero rows
    m = np.empty((B, R, U), dtype=np.int64)
    for lag in range(order + 1):
        terms = np.where(real, res[:, order - lag : T - lag], 0)  # (B, R): a(n - lag)
        for j in range(degree + 1):
            m[:, :, lag * (degree + 1) + j] = terms * (n**j % p)[None, :] % p
    rank = np.zeros(B, dtype=np.int64)
    used = np.zeros((B, R), dtype=bool)
    ar = np.arange(B)
    for c in range(U):
        nonzero = (m[:, :, c] != 0) & ~used  # (B, R)
        has = nonzero.any(axis=1)  # (B,)
        piv = nonzero.argmax(axis=1)  # (B,)
        pivot_row = m[ar, piv]  # (B, U)
        # fraction-free: row <- pivot * row - row[c] * pivot_row for the rows not yet used (the pivot row is used up
        # and not read again); the pivot is a non-zero residue, so their rank is kept. Column c and the columns
        # before it are not read again, so only the columns after it are updated. Both products are below
        # p^2 < 2^62, so their difference fits an int64 and one reduction suffices.
        scale = np.where(has, pivot_row[:, c], 1)  # (B,)
        factor = np.where(has[:, None], m[:, :, c], 0)  # (B, R)
        m[:, :, c + 1 :] = (m[:, :, c + 1 :] * scale[:, None, None]
                            - factor[:, :, None] * pivot_row[:, None, c + 1 :]) % p
        used[ar[has], piv[has]] = True
        rank += has
    return enough & (rank < U)


def holonomic_filter(seqs: Sequence[Sequence[int]], shapes: int, last_only: bool) -> np.ndarray:
    """For the first ``shapes`` of :data:`HOLONOMIC_SHAPES`: bool ``(B, shapes)``, False where no position of a
    sequence can have a holonomic prediction (``last_only``: its last position).

    ``last_only``: :func:`holonomic_possible` of the whole sequence. Otherwise of
    its first U equations (U unknowns): when they have full rank, no prefix has a
    checked fit -- a fit is only used once U equations are seen, and those U
    already contradict every non-zero solution.
    """
    lengths = np.array([len(x) for x in seqs], dtype=np.int64)  # (B,)
    used = [(order, degree, order + (order + 1) * (degree + 1)) for order, degree in HOLONOMIC_SHAPES[:shapes]]
    T = int(lengths.max(initial=0)) if last_only else min(int(lengths.max(initial=0)), max(k for *_, k in used))
    res = _residues(seqs, T)  # once for every shape
    cols = []
    for order, degree, prefix in used:
        part = lengths if last_only else np.minimum(lengths, prefix)
        cols.append(_possible_mod_p(res[:, : int(part.max(initial=0))], part, order, degree))
    return np.stack(cols, axis=1)


def _ratio_series(x: Sequence[int], t: int, orders: int) -> list[int | None]:
    """x_t times the next ratio x_{t+1}/x_t when the k-th difference of the ratio series r_i = x_i/x_{i-1} is
    constant, k = 1..orders (at most 2), in exact integer arithmetic; ``None`` where a ratio is not defined or the
    product is not an integer.

    With r_{t+1} = 2 r_t - r_{t-1} (k = 1) or 3 r_t - 3 r_{t-1} + r_{t-2} (k = 2), x_t r_{t+1} is one fraction
    over the product of the ratios' denominators.
    """
    out: list[int | None] = [None] * orders
    if t < 2 or not x[t - 1] or not x[t - 2]:
        return out
    a, b, c = x[t], x[t - 1], x[t - 2]  # x_t, x_{t-1}, x_{t-2}
    q, r = divmod(a * (2 * a * c - b * b), b * c)  # x_t (2 x_t / x_{t-1} - x_{t-1} / x_{t-2})
    out[0] = q if r == 0 else None
    if orders >= 2 and t >= 3 and x[t - 3]:
        d = x[t - 3]
        q, r = divmod(a * (3 * a * c * d - 3 * b * b * d + c * c * b), b * c * d)
        out[1] = q if r == 0 else None
    return out


def _ratio_series_parts(order: int, a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray,
                        known: np.ndarray | bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_ratio_series` at many positions at once: ``x_t r_{t+1} = numerator / denominator`` from
    ``a, b, c, d = x_t, x_{t-1}, x_{t-2}, x_{t-3}`` (int64 or Python ints in object arrays), and where it exists
    (``known``: whether x_{t-order-1} exists)."""
    if order == 1:
        return a * (2 * a * c - b * b), b * c, known & (b != 0) & (c != 0)
    return a * (3 * a * c * d - 3 * b * b * d + c * c * b), b * c * d, known & (b != 0) & (c != 0) & (d != 0)


def _interleaved(x: Sequence[int], t: int) -> list[int | None]:
    """The every-other-term candidates after x[t] (see :data:`INTERLEAVED_KINDS`)."""
    a = x[t - 1] if t >= 1 else None
    b = x[t - 3] if t >= 3 else None
    c = x[t - 5] if t >= 5 else None
    linear = 2 * a - b if a is not None and b is not None else None
    quadratic = 3 * a - 3 * b + c if c is not None else None  # type: ignore[operator]
    ratio = None
    if b:
        q, r = divmod(a * a, b)  # type: ignore[operator]
        if r == 0:
            ratio = q
    return [linear, quadratic, ratio]


class _Cells(NamedTuple):
    """Candidates in Python ints at cells of the candidate array: sequence ``b``, position ``t`` and column ``c``
    (int arrays ``(K,)``) and the ``K`` values."""

    b: np.ndarray
    t: np.ndarray
    c: np.ndarray
    values: list[int]


class Features(NamedTuple):
    """What the network reads for a batch of B sequences (NumPy arrays; see :func:`featurize`).

    ``tokens (B, T, L)`` digit tokens of each number, ``lengths (B, T)`` tokens per
    number (0 for padding), ``n (B,)`` numbers per sequence; ``diffs (N, B, T, Ld)``
    token rows of the 1st..N-th differences (all ``<pad>`` where one does not
    exist) or None; ``columns`` candidate tokens, ``(B, T, C, Lc)`` for every
    position or ``(B, C, Lc)`` for the last one (``last_only``), :data:`MISSING`
    where a candidate does not exist, or None.
    """

    tokens: np.ndarray
    lengths: np.ndarray
    n: np.ndarray
    diffs: np.ndarray | None
    columns: np.ndarray | None


def featurize(seqs: Sequence[Sequence[int]], spec: ColumnSpec, last_only: bool = False) -> Features:
    """Digit tokens of ``seqs`` and of their candidate columns and differences (see :class:`Features`).

    ``last_only``: candidates only for the term after each sequence's last one
    (inference); otherwise after every position (training). Terms are Python ints
    of any size (validated by the caller).

    >>> f = featurize([[1, 4, 9, 16], [7, 7]], ColumnSpec(context_numbers=1, extrapolations=2), last_only=True)
    >>> f.tokens.shape, f.columns.shape, f.columns[0, :, :3].tolist()
    ((2, 4, 3), (2, 2, 3), [[3, 2, 10], [5, 2, 10]])
    """
    tokens, lengths, n = encode_sequences(seqs, max_digits=None)
    B, T = lengths.shape
    N, C = spec.nested_differences, spec.n_columns
    if not (N or C) or B == 0:
        return Features(tokens, lengths, n, None, None)
    vectorised = B >= FAST_PATH_MIN_SEQUENCES
    small = np.array([vectorised and -FAST_PATH_LIMIT < min(s, default=0) and max(s, default=0) < FAST_PATH_LIMIT
                      for s in seqs], dtype=bool)  # (B,): on the int64 path
    fits = None  # (B, shapes): whether a holonomic fit may exist
    if spec.n_extra and spec.holonomic_fits and B >= 16:  # on a few sequences solving is cheaper
        fits = holonomic_filter(seqs, spec.holonomic_fits, last_only)
    # the vectorised paths: int64 for small terms, Python ints in NumPy object arrays for the others
    blocks: list[tuple[np.ndarray, list, tuple | None]] = []  # (rows b, differences, candidates)
    sparse: list[_Cells] = []  # the candidates the vectorised paths leave to Python ints
    for rows, exact_ints in ((np.nonzero(small)[0], False), (np.nonzero(~small & vectorised)[0], True)):
        if rows.size:
            nested, cols, rest = _fast_columns([seqs[b] for b in rows], spec, T, last_only,
                                               None if fits is None else fits[rows], exact_ints)
            blocks.append((rows, nested, cols))
            sparse.extend(cells._replace(b=rows[cells.b]) for cells in rest)
    # the reference path, for a few sequences: Python ints, one position at a time
    python_rows = [] if vectorised else list(range(B))
    slow_diffs: list[list[int | None]] = [[] for _ in range(N)]  # per order: values at (b, t), b in python_rows
    slow_cols: list[list[list[int | None] | None]] = []  # per sequence of python_rows: candidates per position
    for b in python_rows:
        x = list(seqs[b])
        table = differences(x, spec.orders)
        for k in range(N):
            slow_diffs[k].extend(table[k + 1] + [None] * (T - len(x)))
        ts = [len(x) - 1] if last_only else range(len(x))
        extras = None
        if spec.n_extra:
            extras = extra_candidates(x, spec, last_only, None if fits is None else fits[b])
            if last_only:  # candidates() indexes them by position
                extras = [[]] * (len(x) - 1) + extras
        rows: list = [candidates(x, t, spec, table, extras) for t in ts]
        slow_cols.append(rows + [None] * ((1 if last_only else T) - len(rows)))
    diffs = None
    if N:
        diffs = _assemble_diffs([[(r, d[k]) for r, d, _ in blocks] for k in range(N)], python_rows, slow_diffs, B, T)
    columns = None
    if C:
        columns = _assemble_columns([(r, c) for r, _, c in blocks], python_rows, slow_cols, B,
                                    1 if last_only else T, C, sparse)
        if last_only:
            columns = columns[:, 0]
    return Features(tokens, lengths, n, diffs, columns)


def _fast_columns(seqs: Sequence[Sequence[int]], spec: ColumnSpec, T: int, last_only: bool,
                  holonomic_ok: np.ndarray | None = None, exact_ints: bool = False):
    """The vectorised columns of a batch of sequences: in int64 for sequences with every |term| <
    :data:`FAST_PATH_LIMIT`, or (``exact_ints``) in NumPy object arrays of Python ints, for terms of any size.

    Returns the differences the nested RNN reads, a list of N ``(values (S, T), valid (S, T))``;
    the candidates ``(values (S, T', C), valid (S, T', C))`` with T' = 1 (``last_only``) or T; and the
    candidates left to Python ints, as :class:`_Cells` (``b`` counts these sequences): every holonomic prediction
    (``holonomic_ok``: :func:`holonomic_filter`'s rows of these sequences, or None) and the ratio-series columns of a
    sequence whose terms are too large for their products to fit in an int64 (on the int64 path).
    """
    S = len(seqs)
    n = np.array([len(s) for s in seqs])
    x = np.zeros((S, T), object if exact_ints else np.int64)
    for i, s in enumerate(seqs):
        x[i, : len(s)] = s
    real = np.arange(T)[None, :] < n[:, None]  # (S, T)
    orders = spec.orders
    table, ok = [x], [real]
    for _ in range(orders):
        prev = table[-1]
        d = np.zeros_like(prev)
        d[:, 1:] = prev[:, 1:] - prev[:, :-1]
        v = np.zeros_like(real)
        v[:, 1:] = ok[-1][:, 1:] & ok[-1][:, :-1]
        table.append(d)
        ok.append(v)
    nested = [(table[k], ok[k]) for k in range(1, spec.nested_differences + 1)]
    if not spec.n_columns:
        return nested, None, []
    if last_only:
        b, t = np.arange(S), n - 1
    else:
        b, t = np.nonzero(real)
    at = lambda k, i: (table[k][b, np.maximum(i, 0)], ok[k][b, np.maximum(i, 0)] & (i >= 0))  # noqa: E731
    vals, valid = [], []
    for k in range(1, spec.difference_orders + 1):
        for j in range(spec.context_numbers):
            v, o = at(k, t - j)
            vals.append(v)
            valid.append(o)
    acc = table[0][b, t].copy()
    for k in range(1, spec.extrapolations + 1):
        v, o = at(k, t)
        acc = acc + v
        vals.append(acc)
        valid.append(o)
    acc = np.zeros(t.shape, x.dtype)
    for k in range(spec.ratio_extrapolations):
        now, now_ok = at(k, t)
        before, before_ok = at(k, t - 1)
        fits = now_ok & before_ok & (before != 0)
        sq, den = np.where(fits, now * now, 0), np.where(fits, before, 1)
        vals.append(acc + sq // den)
        valid.append(fits & (sq % den == 0))
        acc = acc + np.where(now_ok, now, 0)
    acc = np.zeros(t.shape, x.dtype)
    for k in range(spec.recurrence_extrapolations):
        (y0, o0), (y1, _), (y2, _), (y3, o3) = (at(k, t - j) for j in range(4))
        fits = o0 & o3
        det = np.where(fits, y1 * y3 - y2 * y2, 0)
        fits &= det != 0
        det = np.where(fits, det, 1)
        num_p, num_q = np.where(fits, y0 * y3 - y1 * y2, 0), np.where(fits, y1 * y1 - y0 * y2, 0)
        p, q = num_p // det, num_q // det
        fits &= (num_p % det == 0) & (num_q % det == 0)
        fits &= (np.abs(p) < MAX_RECURRENCE_COEFFICIENT) & (np.abs(q) < MAX_RECURRENCE_COEFFICIENT)
        vals.append(acc + np.where(fits, p * y0 + q * y1, 0))
        valid.append(fits)
        acc = acc + np.where(o0, y0, 0)
    for p in range(2, 2 + spec.period_extrapolations):
        d, o = at(1, t + 1 - p)
        vals.append(table[0][b, t] + np.where(o, d, 0))
        valid.append(o)
    sparse: list[_Cells] = []
    if spec.n_extra:
        first = spec.n_basic
        rows = range(S) if holonomic_ok is None else np.nonzero(holonomic_ok.any(axis=1))[0].tolist()
        preds: list[int | None] = []  # every solved column of every sequence, one after the other
        owners = []  # (sequence, column, positions) of each column in preds
        for i in rows:
            for k, col in enumerate(holonomic_columns(seqs[i], spec.holonomic_fits, last_only,
                                                      None if holonomic_ok is None else holonomic_ok[i])):
                preds.extend(col)
                owners.append((i, first + k, len(col)))
        if preds:
            i_, c_, size = (np.array(v) for v in zip(*owners))
            starts = np.cumsum(size) - size
            pos = np.zeros(len(preds), np.int64) if last_only else np.arange(len(preds)) - np.repeat(starts, size)
            known = np.fromiter(map(is_not, preds, repeat(None)), bool, len(preds))
            sparse.append(_Cells(np.repeat(i_, size)[known], pos[known], np.repeat(c_, size)[known],
                                 list(compress(preds, known))))
        for _ in range(spec.holonomic_fits):
            vals.append(np.zeros_like(t))
            valid.append(np.zeros(t.shape, bool))
        first += spec.holonomic_fits
        top = np.abs(x).max(axis=1)  # (S,)
        x_at = [at(0, t - j) for j in range(6)]  # x_{t-j} and whether it exists, j = 0..5
        for order in range(1, spec.ratio_series + 1):
            num, den, exists = _ratio_series_parts(order, *(v for v, _ in x_at[:4]), x_at[order + 1][1])
            # on the int64 path, only where every product stays below 2^63; the others in Python ints below
            fits_now = exists if exact_ints else exists & (top[b] <= _RATIO_SERIES_INT64[order - 1])
            den = np.where(fits_now, den, 1)
            num = np.where(fits_now, num, 0)
            vals.append(num // den)
            valid.append(fits_now & (num % den == 0))
            pos = np.nonzero(exists & ~fits_now)[0]
            if pos.size:
                num, den, _ = _ratio_series_parts(order, *(v[pos].astype(object) for v, _ in x_at[:4]), True)
                q, r = num // den, num % den
                exact_division = (r == 0).astype(bool)
                whole = pos[exact_division]
                sparse.append(_Cells(b[whole], 0 * whole if last_only else t[whole],
                                     np.full(whole.size, first + order - 1), q[exact_division].tolist()))
        first += spec.ratio_series
        (a, _), (bb, o3), (c, o5) = x_at[1], x_at[3], x_at[5]
        kinds = [(2 * a - bb, o3), (3 * a - 3 * bb + c, o5)]  # |values| < 7 * 10^8
        div = o3 & (bb != 0)
        sq, den = np.where(div, a * a, 0), np.where(div, bb, 1)  # a^2 < 10^16
        kinds.append((sq // den, div & (sq % den == 0)))
        for v, o in kinds[: spec.interleaved]:
            vals.append(v)
            valid.append(o)
    Tc = 1 if last_only else T
    V = np.zeros((S, Tc, spec.n_columns), x.dtype)
    M = np.zeros((S, Tc, spec.n_columns), bool)
    tc = np.zeros_like(t) if last_only else t
    V[b, tc] = np.stack(vals, axis=-1)
    M[b, tc] = np.stack(valid, axis=-1)
    return nested, (V, M), sparse


def _width(tok: np.ndarray | None, mask: np.ndarray | None = None) -> int:
    """Token positions used by the rows of ``tok`` (those where ``mask``), at least 2: the last column holding
    something other than ``<pad>``, looked for from the right (token rows are at most a column wider)."""
    if tok is None or not tok.size:
        return 2
    rows = tok if mask is None else tok[mask]
    width = rows.shape[1]
    while width > 2 and (rows[:, width - 1] == PAD).all():
        width -= 1
    return max(width, 2)


def _assemble_columns(blocks: Sequence[tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]], python_rows: Sequence[int],
                      slow: list, B: int, T: int, C: int,
                      sparse: Sequence[_Cells] = ()) -> np.ndarray:
    """Candidate token array ``(B, T, C, Lc)`` uint8 from the vectorised paths' arrays and the reference path's lists.

    ``blocks``: per vectorised path, its rows ``b (S,)`` and ``(values (S, T, C), valid (S, T, C))``, int64 or
    Python ints (object); ``slow``: for each sequence of ``python_rows``, its candidate lists per position (None past
    its end); ``sparse``: candidates in Python ints (:class:`_Cells`), which replace missing ones.
    The int64 values are encoded in one vectorised call, every Python int in one call.
    """
    int_blocks = []  # (rows, valid (S*T*C,), tokens of the valid values)
    where: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (b, t, c) of the Python ints in ``values``
    values: list[int] = []
    for rows, (V, M) in blocks:
        if V.dtype == object:
            s_, t_, c_ = np.nonzero(M)
            where.append((rows[s_], t_, c_))
            values.extend(V[M].tolist())
        else:
            flat = M.reshape(-1)
            int_blocks.append((rows, flat, int64_token_rows(V.reshape(-1)[flat])[0]))
    listed = [(b, t, c, v) for b, rows in zip(python_rows, slow) for t, r in enumerate(rows) if r is not None
              for c, v in enumerate(r) if v is not None]
    if listed:
        bs, ts, cs, vs = zip(*listed)
        where.append((np.array(bs), np.array(ts), np.array(cs)))
        values.extend(vs)
    for cells in sparse:
        where.append((cells.b, cells.t, cells.c))
        values.extend(cells.values)
    tok = token_rows(values)[0]
    width = max([_width(tok)] + [_width(t) for _, _, t in int_blocks])
    out = np.full((B, T, C, width), MISSING, np.uint8)
    for rows, flat, itok in int_blocks:
        S = len(rows)
        fw = min(width, itok.shape[1])
        whole = S == B and (rows == np.arange(B)).all()  # every sequence, in order: written in place
        block = out.reshape(B * T * C, width) if whole else np.full((S * T * C, width), MISSING, np.uint8)
        block[flat, :fw] = itok[:, :fw]
        block[flat, fw:] = PAD
        if not whole:
            out[rows] = block.reshape(S, T, C, width)
    if values:
        index = tuple(np.concatenate(parts) for parts in zip(*where))
        w = min(width, tok.shape[1])
        out[index + (slice(None, w),)] = tok[:, :w]
        out[index + (slice(w, None),)] = PAD
    return out


def _assemble_diffs(parts: list, python_rows: Sequence[int], slow: list[list[int | None]], B: int,
                    T: int) -> np.ndarray:
    """Difference token rows ``(N, B, T, Ld)`` uint8, all ``<pad>`` where a difference does not exist.

    ``parts[k]``: the vectorised paths' ``(rows b (S,), (values (S, T), valid (S, T)))`` of order k + 1, int64 or
    Python ints (object); ``slow[k]``: the values of order k + 1 at (b, t) for b in ``python_rows``, flattened.
    """
    pieces, width = [], 2
    for blocks, slow_rows in zip(parts, slow):
        int_blocks, where, values = [], [], []
        for rows, (v, o) in blocks:
            if v.dtype == object:
                s_, t_ = np.nonzero(o)
                where.append((rows[s_], t_))
                values.extend(v[o].tolist())
            else:
                ftok = int64_token_rows(v.reshape(-1))[0]
                ftok[~o.reshape(-1)] = PAD
                int_blocks.append((rows, ftok))
                width = max(width, _width(ftok))
        listed = [i for i, v in enumerate(slow_rows) if v is not None]
        if listed:
            at = np.array(listed, np.int64)
            where.append((np.asarray(python_rows, np.int64)[at // T], at % T))
            values.extend(slow_rows[i] for i in listed)
        tok = token_rows(values)[0]
        width = max(width, _width(tok))
        pieces.append((int_blocks, where, tok))
    out = np.full((len(parts), B, T, width), PAD, np.uint8)
    for k, (int_blocks, where, tok) in enumerate(pieces):
        for rows, ftok in int_blocks:
            fw = min(width, ftok.shape[1])
            out[k, rows, :, :fw] = ftok[:, :fw].reshape(len(rows), T, fw)
        if where:
            bs, ts = (np.concatenate(p) for p in zip(*where))
            sw = min(width, tok.shape[1])
            out[k, bs, ts, :sw] = tok[:, :sw]
    return out


#: the rules whose candidates count as support for an answer (see :func:`rule_support`): every next-term rule of
#: this module, whatever a model reads
SUPPORT_SPEC = ColumnSpec(extrapolations=6, ratio_extrapolations=2, recurrence_extrapolations=2,
                          period_extrapolations=5, holonomic_fits=len(HOLONOMIC_SHAPES), ratio_series=2,
                          interleaved=len(INTERLEAVED_KINDS))


def rule_candidates(x: Sequence[int]) -> list[int | None]:
    """The candidates of every rule of :data:`SUPPORT_SPEC` for the term after ``x`` (``None`` where missing);
    the holonomic fits' are ``out[SUPPORT_SPEC.n_basic : SUPPORT_SPEC.n_basic + len(HOLONOMIC_SHAPES)]``."""
    return candidates(x, len(x) - 1, SUPPORT_SPEC) if len(x) else [None] * SUPPORT_SPEC.n_columns


def rule_support(x: Sequence[int], answers: Sequence[int], rules: Sequence[int | None] | None = None) -> list[int]:
    """For each answer, how many next-term rules of :data:`SUPPORT_SPEC` give it after ``x``
    (``rules``: :func:`rule_candidates` of ``x``, if already computed).

    >>> rule_support([1, 2, 6, 24, 120], [720, 600])  # 720: holonomic fit, ratio series; 600: 120^2 / 24
    [3, 1]
    """
    cands = [c for c in (rule_candidates(x) if rules is None else rules) if c is not None]
    return [sum(c == a for c in cands) for a in answers]
