"""Guessing a sequence's rule as sequence guessers do: larger P-recursive fits, and transforms.

:mod:`num2vec.exact` hands the decoder P-recursive fits of four small shapes, and
:mod:`num2vec.integer_functions` recognises functions of the position and sets.
This module adds two methods of integer-sequence guessers, as next-term rules
that :mod:`num2vec.calibration` ranks beside the decoder's answers:

* **P-recursive fits of larger shapes** (:data:`GUESS_SHAPES`, up to order 3 and
  degree 4), tried in order of their number of unknowns, each kept only when the
  fit to the sequence without its last term predicts the last term -- the
  method of gfun's ``listtorec`` (Salvy & Zimmermann 1994) and sympy's ``guess``.
  C(4n, n) fits order 1, degree 3: 1, 4, 28, 220, 1820, 15504, 134596, 1184040,
  10518300, 94143280 -> 847660528.
* **Transforms**, as in Sloane's Superseeker (Sloane & Plouffe, *The Encyclopedia
  of Integer Sequences*, 1995, ch. 2; Bernstein & Sloane, *Some canonical
  sequences of integers*, 1995): the sequence is the binomial transform, the
  inverse binomial transform or the Euler transform of a sequence ``y``, or the
  partial products of ``y``, and an exact rule continues ``y`` (the rule solver
  :func:`num2vec.solver.explain`: periods, polynomials, linear recurrences; or a
  verified small P-recursive fit). The partitions into parts not
  divisible by 3, 1, 1, 2, 2, 4, 5, 7, 9, 13, 16, are the Euler transform of the
  period 1, 1, 0, so 22 comes next; 2^(n^2) are the partial products of the
  geometric 2, 8, 32, ... Or the sequence is its own transform shifted by one
  place: the Bell numbers (1, 1, 2, 5, 15, 52: ``B(n+1) = sum C(n, k) B(k)``) and
  the rooted trees (1, 1, 2, 4, 9, 20, 48: the Euler transform).

Every transform here is triangular (term n of the transform depends on terms
0..n of the sequence, with coefficient 1 on term n), so one next term of ``y``
gives exactly one next term of the sequence. All arithmetic is exact.
Sequences longer than :data:`MAX_TERMS` are not examined (the transforms cost
O(n^2) products of big integers), nor are those shorter than :data:`MIN_TERMS`.

>>> guess_rules([1, 1, 2, 5, 15, 52, 203, 877, 4140, 21147])["binomial transform of itself, shifted"]  # Bell
115975
>>> guess_rules([1, 1, 2, 2, 4, 5, 7, 9, 13, 16])["Euler transform of period"]
22
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from math import comb

from .exact import HOLONOMIC_SHAPES, verified_holonomic_rules
from .integer_functions import INDEX_FUNCTIONS
from .solver import explain

#: shapes (order, degree) of the larger P-recursive fits, after those of :data:`num2vec.exact.HOLONOMIC_SHAPES`
#: (which the decoder reads already), in order of their number of unknowns (order + 1) (degree + 1)
GUESS_SHAPES = ((1, 3), (3, 1), (1, 4), (2, 3), (3, 2), (2, 4))
#: the rule solver's rules that may continue a transformed sequence (a staircase fits too many short sequences)
CONTINUING_RULES = ("period", "polynomial", "recurrence")
#: the fewest terms a transform is tried on
MIN_TERMS = 7
#: the most terms this module examines
MAX_TERMS = 64


def binomial_transform(x: Sequence[int]) -> list[int]:
    """``y(n) = sum_k C(n, k) x(k)``, n = 0..len(x)-1 (Sloane & Plouffe 1995, "BINOMIAL").

    >>> binomial_transform([1, 1, 1, 1])
    [1, 2, 4, 8]
    """
    return [sum(comb(n, k) * x[k] for k in range(n + 1)) for n in range(len(x))]


def inverse_binomial_transform(x: Sequence[int]) -> list[int]:
    """``y(n) = sum_k (-1)^(n-k) C(n, k) x(k)``: the inverse of :func:`binomial_transform`.

    >>> inverse_binomial_transform([1, 2, 4, 8])
    [1, 1, 1, 1]
    """
    return [sum((-1) ** (n - k) * comb(n, k) * x[k] for k in range(n + 1)) for n in range(len(x))]


def _divisors(n: int) -> list[int]:
    return [d for d in range(1, n + 1) if n % d == 0]


def euler_transform(a: Sequence[int]) -> list[int]:
    """``b(0), ..., b(m)`` with ``sum_n b(n) t^n = prod_k (1 - t^k)^(-a(k))`` for ``a = a(1), ..., a(m)``
    (Sloane & Plouffe 1995, "EULER"): with every a(k) = 1, the partition numbers.

    Computed by ``n b(n) = sum_{k=1..n} c(k) b(n-k)``, ``c(k) = sum_{d | k} d a(d)``.

    >>> euler_transform([1, 1, 1, 1, 1, 1])
    [1, 1, 2, 3, 5, 7, 11]
    """
    m = len(a)
    c = [0] + [sum(d * a[d - 1] for d in _divisors(k)) for k in range(1, m + 1)]
    b = [1]
    for n in range(1, m + 1):
        b.append(sum(c[k] * b[n - k] for k in range(1, n + 1)) // n)
    return b


def inverse_euler_transform(b: Sequence[int]) -> list[int] | None:
    """``a(1), ..., a(m)`` whose :func:`euler_transform` is ``b = b(0), ..., b(m)``, or None where ``b(0) != 1``.

    Every integer ``b`` with ``b(0) = 1`` has one, in integers (the product expands to 1 + t Z[[t]] and each
    factor fixes one coefficient), computed by Moebius inversion of ``c(n) = n b(n) - sum_{k<n} c(k) b(n-k)``.

    >>> inverse_euler_transform([1, 1, 2, 3, 5, 7, 11])
    [1, 1, 1, 1, 1, 1]
    >>> inverse_euler_transform([1, 2, 3, 4])
    [2, 0, 0]
    """
    if not b or b[0] != 1:
        return None
    mobius = INDEX_FUNCTIONS["mobius"]
    m = len(b) - 1
    c = [0] * (m + 1)
    a = []
    for n in range(1, m + 1):
        c[n] = n * b[n] - sum(c[k] * b[n - k] for k in range(1, n))
        a.append(sum(mobius(n // d) * c[d] for d in _divisors(n)) // n)
    return a


def _continuations(y: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of the rules that continue ``y``: the rule solver's, and the small P-recursive fits
    whose fit without the last term predicts it."""
    found = explain(list(y))
    out = {found[1]: found[0]} if found is not None and found[1] in CONTINUING_RULES else {}
    return {**out, **verified_holonomic_rules(y)}


def holonomic_guesses(x: Sequence[int]) -> dict[str, int]:
    """``{"P-recursive (r, d)": next term}`` of the fits of :data:`GUESS_SHAPES` to ``x`` (a shape is skipped where
    a smaller one, of these or of the decoder's, fits all of ``x``) whose fit without the last term predicts it.

    >>> holonomic_guesses([1, 1, 4, 22, 140, 969, 7084, 53820, 420732, 3362260])  # C(4n, n) / (3n + 1)
    {'P-recursive (1, 3)': 27343888}
    """
    if not MIN_TERMS <= len(x) <= MAX_TERMS:
        return {}
    return verified_holonomic_rules(x, HOLONOMIC_SHAPES + GUESS_SHAPES, skip=len(HOLONOMIC_SHAPES))


def _transforms(x: Sequence[int]) -> Iterator[tuple[str, list[int], Callable[[int], int]]]:
    """``(name, y, back)``: ``x`` is the transform ``name`` of ``y``; ``back`` turns a next term of ``y`` into the
    next term of ``x``."""
    n = len(x)
    y = inverse_binomial_transform(x)
    yield "binomial transform of", y, lambda v: v + sum(comb(n, k) * y[k] for k in range(n))
    y2 = binomial_transform(x)
    yield "inverse binomial transform of", y2, lambda v: v + sum((-1) ** (n - k) * comb(n, k) * y2[k] for k in range(n))
    a = inverse_euler_transform(x)
    if a is not None:
        yield "Euler transform of", a, lambda v: euler_transform([*a, v])[-1]
    if all(u != 0 and w % u == 0 for u, w in zip(x, x[1:])):
        yield "partial products of", [w // u for u, w in zip(x, x[1:])], lambda v: x[-1] * v


def _self_transforms(x: Sequence[int]) -> Iterator[tuple[str, bool, int]]:
    """``(name, holds, next)``: whether ``x`` is its own transform shifted by one place, and the next term that
    gives."""
    b = binomial_transform(x)  # b(n) = x(n + 1)
    yield "binomial transform of itself, shifted", b[:-1] == list(x[1:]), b[-1]
    e = euler_transform(x)  # x as a(1), a(2), ...: e(n) = a(n + 1) = x(n)
    yield "Euler transform of itself, shifted", e[:-1] == list(x), e[-1]


def transform_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of the transforms of ``x`` that an exact rule continues (see the module docstring),
    for sequences of :data:`MIN_TERMS` to :data:`MAX_TERMS` integers; a leading 0 is also tried without it.

    >>> transform_rules([1, 2, 16, 512, 65536, 33554432, 68719476736])["partial products of recurrence"]  # 2^(n^2)
    562949953421312
    """
    out: dict[str, int] = {}
    if not MIN_TERMS <= len(x) <= MAX_TERMS or not all(isinstance(v, int) for v in x):
        return out
    for name, y, back in _transforms(x):
        out.update({f"{name} {rule}": back(v) for rule, v in _continuations(y).items()})
    tails = [("", x)] + ([("0, then ", x[1:])] if x[0] == 0 and len(x) > MIN_TERMS else [])
    for prefix, z in tails:
        for name, holds, nxt in _self_transforms(z):
            if holds:
                out[prefix + name] = nxt
    return out


def guess_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of :func:`holonomic_guesses` and :func:`transform_rules`; empty when none applies."""
    return {**holonomic_guesses(x), **transform_rules(x)}
