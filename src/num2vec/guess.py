"""Guessing a sequence's rule as sequence guessers do: larger P-recursive fits, transforms, and rules that fit
no coefficients.

:mod:`num2vec.exact` hands the decoder P-recursive fits of four small shapes, and
:mod:`num2vec.integer_functions` recognises functions of the position and sets.
This module adds the methods of integer-sequence guessers, as next-term rules
that :mod:`num2vec.calibration` ranks beside the decoder's answers (:func:`guess_rules`):

* **P-recursive fits of larger shapes** (:data:`GUESS_SHAPES`, up to order 3 and
  degree 4), tried in order of their number of unknowns, each kept only when the
  fit to the sequence without its last term predicts the last term -- the
  method of gfun's ``listtorec`` (Salvy & Zimmermann 1994) and sympy's ``guess``.
  C(4n, n) fits order 1, degree 3: 1, 4, 28, 220, 1820, 15504, 134596, 1184040,
  10518300, 94143280 -> 847660528.
* **Small-coefficient P-recursive fits** (:func:`small_coefficient_fits`): a fit the terms determine without
  checking it, kept when its integer coefficients are small (the Franel numbers, the triple factorials).
* **Step ratios** (:func:`step_ratio_rules`): ``a(n) = P(n) a(n - k)``, P a polynomial (multifactorials).
* **Transforms**, as in Sloane's Superseeker (Sloane & Plouffe, *The Encyclopedia
  of Integer Sequences*, 1995, ch. 2; Bernstein & Sloane, *Some canonical
  sequences of integers*, 1995): the sequence is the binomial transform, the
  inverse binomial transform or the Euler transform of a sequence ``y``, the
  partial products, the digit reversal or the concatenation of ``y``, and an exact rule continues ``y`` (the rule
  solver :func:`num2vec.solver.explain`: periods, polynomials, linear recurrences; or a
  verified small P-recursive fit). The partitions into parts not
  divisible by 3, 1, 1, 2, 2, 4, 5, 7, 9, 13, 16, are the Euler transform of the
  period 1, 1, 0, so 22 comes next; 2^(n^2) are the partial products of the
  geometric 2, 8, 32, ... Or the sequence (or the one it is the first differences of) is its own transform shifted
  by one place: the Bell numbers (1, 1, 2, 5, 15, 52: ``B(n+1) = sum C(n, k) B(k)``) and
  the rooted trees (1, 1, 2, 4, 9, 20, 48: the Euler transform).
* **Shifted, scaled and signed sequences** (:func:`offset_rules`): ``x -/+ 1``, ``x / gcd`` or ``(-1)^n x`` is a
  sequence :mod:`num2vec.integer_functions` continues.
* **First-order maps** (:func:`map_rules`): ``a(n) = f(a(n-1))`` with ``f`` quadratic (Sylvester's sequence, the
  Fermat numbers) or affine on each parity of ``a(n-1)`` (Collatz trajectories), fitted exactly and confirmed by
  two more steps.
* **Rules that fit no coefficients** (:func:`definition_rules`), each checked on every term: floor rules, run
  lengths, nested and other self-referential recurrences, greedy additive rules (Ulam, Mian-Chowla), 2-regular
  rules, C-finite sums of polynomials times powers of small integers, monomials, sums of earlier terms at fixed
  lags, digit functions and residues mod m of classical sequences.

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
from fractions import Fraction
from functools import cache
from itertools import accumulate, combinations, groupby
from math import ceil, comb, factorial, floor, gcd

from .codec import MAX_DIGITS
from .exact import HOLONOMIC_SHAPES, holonomic_fit, holonomic_next, verified_holonomic_rules
from .integer_functions import INDEX_FUNCTIONS, next_terms
from .solver import explain as _explain

#: shapes (order, degree) of the larger P-recursive fits, after those of :data:`num2vec.exact.HOLONOMIC_SHAPES`
#: (which the decoder reads already), in order of their number of unknowns (order + 1) (degree + 1)
GUESS_SHAPES = ((1, 3), (3, 1), (1, 4), (2, 3), (3, 2), (2, 4))
#: small-coefficient P-recursive fits: at most this many unknowns, this largest coefficient, this many terms at least
SMALL_FIT_UNKNOWNS = 16
SMALL_FIT_HEIGHT = 64
SMALL_FIT_MIN_TERMS = 8
#: terms above 2^1000 (about 300 digits) are not fitted so: the exact elimination grows with their size, and a
#: chance fit through them has huge coefficients anyway
SMALL_FIT_MAX_BITS = 1000
#: the rule solver's rules that may continue a transformed sequence (a staircase fits too many short sequences)
CONTINUING_RULES = ("period", "polynomial", "recurrence")
#: the fewest terms a transform is tried on
MIN_TERMS = 7
#: numbers written out as text here stay below this (MAX_DIGITS digits: Python's int <-> str limit is 4,300)
_TEXT_LIMIT = 10**MAX_DIGITS
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


#: the fewest equal terms after a start that :func:`_continuations` continues as a constant
MIN_CONSTANT_TAIL = 4


def _continuations(y: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of the rules that continue ``y``: the rule solver's, and the small P-recursive fits,
    each only where the same rule also predicts the last term from the ones before it (the binomial transform of
    any sequence that ends in 0 has a constant row of differences of length 2, so without that check every such
    sequence would be "the inverse binomial transform of a polynomial", continued by 0); and a constant after one
    or two leading terms, over at least :data:`MIN_CONSTANT_TAIL` terms (the partitions into parts of at least 2
    are the Euler transform of 0, 1, 1, 1, ...)."""
    y = list(y)
    found, before = _explain(y), _explain(y[:-1])
    out = ({found[1]: found[0]} if found is not None and found[1] in CONTINUING_RULES and before == (y[-1], found[1])
           else {})
    head = len(y) - next((i for i, v in enumerate(reversed(y)) if v != y[-1]), len(y))  # terms before the tail
    if head in (1, 2) and len(y) - head >= MIN_CONSTANT_TAIL:
        out["constant after a start"] = y[-1]
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


def small_coefficient_fits(x: Sequence[int]) -> dict[str, int]:
    """``{"P-recursive (r, d), small coefficients": next term}`` for the shapes whose fit the terms determine
    without checking it (one equation fewer than unknowns, at most :data:`SMALL_FIT_UNKNOWNS`), when the fit's
    integer coefficients are small: at most :data:`SMALL_FIT_HEIGHT`, and their square at most the spread of the
    terms (largest minus smallest). At least :data:`SMALL_FIT_MIN_TERMS` terms, at most two of them repeating an
    earlier value, none of more than :data:`SMALL_FIT_MAX_BITS` bits.

    A fit forced through terms by chance has coefficients of the size of the determinants of the terms (hundreds
    for small terms, billions for terms of 7 digits); a recurrence of combinatorics has small ones whatever the
    size of its terms. Preferring the guess much shorter than the data it explains is the Occam argument
    (minimum description length) by which sequence guessers trust a guess. Triple factorials fit order 3,
    degree 1 with coefficients of at most 1; the Franel numbers, sum C(n, k)^3, fit order 2, degree 2 with
    coefficients of at most 32.

    >>> small_coefficient_fits([1, 1, 2, 3, 4, 10, 18, 28, 80, 162])  # n!!! = n (n-3)!!!
    {'P-recursive (3, 1), small coefficients': 280}
    """
    if not SMALL_FIT_MIN_TERMS <= len(x) <= MAX_TERMS or len(set(x)) < len(x) - 2 \
            or max(abs(v) for v in x).bit_length() > SMALL_FIT_MAX_BITS:
        return {}
    spread = max(x) - min(x)
    out = {}
    for order in range(1, SMALL_FIT_UNKNOWNS):
        for degree in range(1, SMALL_FIT_UNKNOWNS):
            unknowns = (order + 1) * (degree + 1)
            if unknowns > SMALL_FIT_UNKNOWNS or len(x) - order != unknowns - 1:
                continue
            coef = holonomic_fit(x, order, degree)
            height = None if coef is None else max(map(abs, coef))
            if height is not None and height <= SMALL_FIT_HEIGHT and height**2 <= spread:
                nxt = holonomic_next(x, order, degree, coef)
                if nxt is not None:
                    out[f"P-recursive ({order}, {degree}), small coefficients"] = nxt
    return out


#: the steps k of :func:`step_ratio_rules` and the largest degree of their polynomial
STEP_RATIO_STEPS = (2, 3, 4, 5)
STEP_RATIO_DEGREE = 2


def step_ratio_rules(x: Sequence[int]) -> dict[str, int]:
    """``{"a(n) = P(n) a(n-k)": next term}`` for ``a(n) = P(n) a(n - k)``, k in :data:`STEP_RATIO_STEPS`, P a
    polynomial with rational coefficients of degree 1 to :data:`STEP_RATIO_DEGREE`: P is fitted to the first
    degree + 1 ratios ``a(n) / a(n - k)`` (exact fractions) and must give every other one, two at least. The
    double, triple and quadruple factorials are ``n a(n - k)`` for k = 2, 3, 4; the sparse P-recursive fits of
    order k that the dense shapes need too many terms for.

    >>> step_ratio_rules([1, 1, 2, 3, 4, 5, 12, 21, 32, 45])   # quadruple factorials n!!!!
    {'a(n) = P(n) a(n-4), degree 1': 120}
    """
    out: dict[str, int] = {}
    n = len(x)
    if not MIN_TERMS <= n <= MAX_TERMS:
        return out
    for k in STEP_RATIO_STEPS:
        if any(x[i - k] == 0 for i in range(k, n)) or len({*x}) < 3:
            continue
        ratios = [(i, Fraction(x[i], x[i - k])) for i in range(k, n)]
        for degree in range(1, STEP_RATIO_DEGREE + 1):
            if len(ratios) < degree + 3:
                break
            fit, rest = ratios[: degree + 1], ratios[degree + 1:]
            if all(r == fit[0][1] for _, r in fit) or not _fits(fit, rest):
                continue
            nxt = _interpolate(fit, n) * x[n - k]
            if nxt.denominator == 1:
                out[f"a(n) = P(n) a(n-{k}), degree {degree}"] = int(nxt)
                break
    return out


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
    if all(v > 0 and v % 10 for v in x) and any(v > 9 for v in x):  # no term ends in 0: reversal is invertible
        yield ("digit reversal of", [int(str(v)[::-1]) for v in x],
               lambda v: int(str(v)[::-1]) if 0 < v < _TEXT_LIMIT else None)
    text = [str(v) for v in x]
    if all(v > 0 for v in x) and all(len(b) > len(a) and b.startswith(a) and b[len(a)] != "0"
                                     for a, b in zip(text, text[1:])):  # each term writes the last one, then more
        yield ("concatenation of", [x[0], *(int(b[len(a):]) for a, b in zip(text, text[1:]))],
               lambda v: int(text[-1] + str(v)) if 0 < v < _TEXT_LIMIT // 10 ** len(text[-1]) else None)


def _self_transforms(x: Sequence[int]) -> Iterator[tuple[str, bool, int]]:
    """``(name, holds, next)``: whether ``x`` is its own transform shifted by one place, and the next term that
    gives."""
    b = binomial_transform(x)  # b(n) = x(n + 1)
    yield "binomial transform of itself, shifted", b[:-1] == list(x[1:]), b[-1]
    e = euler_transform(x)  # x as a(1), a(2), ...: e(n) = a(n + 1) = x(n)
    yield "Euler transform of itself, shifted", e[:-1] == list(x), e[-1]
    n = len(x)  # the ordered Bell (Fubini) numbers: x(n) = sum_{k < n} C(n, k) x(k), so b(n) = 2 x(n) for n >= 1
    yield ("binomial transform of itself, doubled", all(u == 2 * v for u, v in zip(b[1:], x[1:])),
           sum(comb(n, k) * x[k] for k in range(n)))
    # the Euler zigzag numbers (alternating permutations): 2 x(n + 1) = sum_k C(n, k) x(k) x(n - k) for n >= 1
    conv = [sum(comb(m, k) * x[k] * x[m - k] for k in range(m + 1)) for m in range(n)]
    yield ("binomial self-convolution, halved", all(2 * x[m + 1] == conv[m] for m in range(1, n - 1)) and conv[-1] % 2 == 0,
           conv[-1] // 2)


def transform_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of the transforms of ``x`` that an exact rule continues (see the module docstring),
    for sequences of :data:`MIN_TERMS` to :data:`MAX_TERMS` integers; a leading 0 is also tried without it, and
    the sequence after a 1 (the Bell numbers from B(1), 1, 2, 5, 15, 52, ...).

    >>> transform_rules([1, 2, 16, 512, 65536, 33554432, 68719476736])["partial products of recurrence"]  # 2^(n^2)
    562949953421312
    >>> transform_rules([1, 12, 123, 1234, 12345, 123456, 1234567, 12345678, 123456789, 12345678910])[
    ...     "concatenation of polynomial"]
    1234567891011
    """
    out: dict[str, int] = {}
    if not MIN_TERMS <= len(x) <= MAX_TERMS or not all(isinstance(v, int) for v in x):
        return out
    for name, y, back in _transforms(x):
        found = {f"{name} {rule}": back(v) for rule, v in _continuations(y).items()}
        out.update({rule: v for rule, v in found.items() if v is not None})
    tails = [("", x, 0), ("1, then ", [1, *x], 0)] + ([("0, then ", x[1:], 0)] if x[0] == 0 and len(x) > MIN_TERMS
                                                         else [])
    for c in (0, 1):  # x the first differences of c, c + x(0), c + x(0) + x(1), ...
        tails.append((f"first differences of {c}, then partial sums: ", list(accumulate(x, initial=c)), -1))
    for prefix, z, back in tails:
        for name, holds, nxt in _self_transforms(z):
            if holds:
                out[prefix + name] = nxt - z[-1] if back else nxt
    return out


# --- floor rules -------------------------------------------------------------------------------------------------

#: powers k of the floor rules a(n) = floor(r n^k)
FLOOR_POWERS = (1, 2, 3)
#: the fewest terms a floor rule, a run-length rule or a self-referential rule is tried on
MIN_RULE_TERMS = 7
#: bits of the rational bounds on r in a(n) = floor(r^n)
_ROOT_BITS = 96


def _iroot(a: int, k: int) -> int:
    """The largest integer ``r >= 0`` with ``r^k <= a`` (``a >= 0``), by Newton's method on integers."""
    if a < 2:
        return a
    r = 1 << -(-a.bit_length() // k)  # above the root
    while True:
        s = ((k - 1) * r + a // r ** (k - 1)) // k
        if s >= r:
            return r
        r = s


def _same_floor(lo: Fraction, hi: Fraction) -> int | None:
    """``floor(t)``, the same for every ``t`` in ``[lo, hi)``, or None where it is not."""
    low = floor(lo)
    return low if ceil(hi) - 1 == low else None


def _power_floor(x: Sequence[int], start: int, k: int) -> int | None:
    """The next term of ``x(i) = floor(r (start + i)^k)`` where every such ``r`` gives the same one."""
    pairs = [(v, (start + i) ** k) for i, v in enumerate(x)]
    if any(f == 0 and v != 0 for v, f in pairs):
        return None
    lo = max(Fraction(v, f) for v, f in pairs if f)
    hi = min(Fraction(v + 1, f) for v, f in pairs if f)
    return _same_floor(lo * (start + len(x)) ** k, hi * (start + len(x)) ** k) if lo < hi else None


def _exponential_floor(x: Sequence[int], start: int) -> int | None:
    """The next term of ``x(i) = floor(r^(start + i))``, r > 1, where every such ``r`` gives the same one.

    ``r`` lies in ``[max x(n)^(1/n), min (x(n) + 1)^(1/n))``; the roots are bounded by fractions with
    denominator ``2^_ROOT_BITS`` on the safe side (so the interval used holds the true one), and the midpoint's
    powers must reproduce every term (so the true one is not empty)."""
    terms = [(v, start + i) for i, v in enumerate(x)]
    if x[-1] < 2 or any(v < 1 or (n == 0 and v != 1) for v, n in terms) or any(b < a for a, b in zip(x, x[1:])):
        return None
    one = 1 << _ROOT_BITS
    lo = max(Fraction(_iroot(v << (n * _ROOT_BITS), n), one) for v, n in terms if n)
    hi = min(Fraction(_iroot((v + 1) << (n * _ROOT_BITS), n) + 1, one) for v, n in terms if n)
    mid = (lo + hi) / 2
    if lo >= hi or hi <= 1 or any(floor(mid**n) != v for v, n in terms):
        return None
    n = start + len(x)
    return _same_floor(lo**n, hi**n)


def floor_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x`` is ``floor(r n^k)`` (k in :data:`FLOOR_POWERS`; Beatty sequences for
    k = 1) or ``floor(r^n)`` for a real ``r``, n counted from 0 or from 1, and every such ``r`` gives the same
    next term.

    The terms confine ``r`` to an interval, ``x(n) / n^k <= r < (x(n) + 1) / n^k`` (the description of Beatty
    sequences by the intervals of their slopes, Fraenkel 1969); a next term is given only when the whole interval
    gives it, so no rule is made up where the terms leave it open. The arithmetic is exact: fractions, and for
    ``r^n`` rational bounds on the n-th roots on the safe side, with the midpoint checked on every term.

    >>> floor_rules([0, 0, 0, 1, 2, 3, 5, 7, 9, 11])  # floor(n^2 / 7)
    {'floor(r n^2), n from 0': 14}
    >>> floor_rules([1, 2, 7, 20, 54, 148, 403, 1096, 2980, 8103])  # floor(e^n)
    {'floor(r^n), n from 0': 22026}
    """
    out: dict[str, int] = {}
    if not MIN_RULE_TERMS <= len(x) <= MAX_TERMS:
        return out
    for start in (0, 1):
        for k in FLOOR_POWERS:
            nxt = _power_floor(x, start, k)
            if nxt is not None:
                out[f"floor(r n^{k}), n from {start}" if k > 1 else f"floor(r n), n from {start}"] = nxt
        nxt = _exponential_floor(x, start)
        if nxt is not None:
            out[f"floor(r^n), n from {start}"] = nxt
    return out


# --- run lengths -------------------------------------------------------------------------------------------------

#: the rule solver's rules that may continue the run lengths (few runs fit a linear recurrence by chance)
RUN_LENGTH_RULES = ("period", "polynomial")


def _runs(x: Sequence) -> list[tuple]:
    """``[(value, length), ...]`` of the runs of equal terms of ``x``."""
    return [(v, len(list(run))) for v, run in groupby(x)]


def run_length_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x`` is a run-length encoding: the values of its runs follow an exact rule
    (period, polynomial, linear recurrence: :func:`num2vec.solver.explain`) and their lengths follow one too, or
    are the sequence itself (self-describing, as Golomb's sequence and Kolakoski's are). The last run may be
    unfinished: its length rule says whether it goes on.

    >>> run_length_rules([1, 2, 2, 3, 3, 3, 4, 4, 4, 4])  # n appears n times
    {'run lengths by rule': 5}
    >>> run_length_rules([1, 2, 2, 3, 3, 4, 4, 4, 5, 5])  # Golomb's sequence
    {'run lengths are the sequence': 5}
    >>> run_length_rules([1, 2, 2, 1, 1, 2, 1, 2, 2, 1])["run lengths are the sequence"]  # Kolakoski's sequence
    2
    """
    out: dict[str, int] = {}
    if not MIN_RULE_TERMS <= len(x) <= MAX_TERMS:
        return out
    runs = _runs(x)
    values, lengths = [v for v, _ in runs], [n for _, n in runs[:-1]]
    if len(runs) < 4 or sum(n >= 2 for _, n in runs) < 2:  # runs of one or two repeats occur by chance in digits
        return out
    found = _explain(values)
    nxt_value = found[0] if found is not None and found[1] in CONTINUING_RULES else None
    found = _explain(lengths)
    rules = {"run lengths by rule": found[0] if found is not None and found[1] in RUN_LENGTH_RULES else None}
    if len(lengths) < len(x) and lengths == list(x[:len(lengths)]):
        rules["run lengths are the sequence"] = x[len(lengths)]
    if nxt_value is None:
        return out  # the whole sequence must be described: run values by a rule as well as their lengths
    for name, length in rules.items():
        if length is not None and length >= runs[-1][1]:
            out[name] = values[-1] if length > runs[-1][1] else nxt_value
    return out


# --- self-referential rules --------------------------------------------------------------------------------------

def _nested(a: dict[int, int], n: int, form: tuple[str, int, int, int, int]) -> int | None:
    """a(n) by one nested ("meta-Fibonacci") recurrence :data:`NESTED_RECURRENCES`, from the terms in ``a``."""
    kind, r1, s1, r2, s2 = form
    try:
        if kind == "sum":  # a(n - s1 - a(n - r1)) + a(n - s2 - a(n - r2))
            return a[n - s1 - a[n - r1]] + a[n - s2 - a[n - r2]]
        if kind == "conway":  # a(a(n - 1)) + a(n - a(n - 1))
            return a[a[n - 1]] + a[n - a[n - 1]]
        if kind == "golomb":  # 1 + a(n - a(a(n - 1)))
            return 1 + a[n - a[a[n - 1]]]
        v = n - 1  # kind == "minus": n - a(a(...a(n - 1)...)), r1 applications
        for _ in range(r1):
            v = a[v]
        return n - v
    except KeyError:
        return None


#: nested recurrences (Hofstadter, *Goedel, Escher, Bach*, 1979; Conolly 1989; Tanny 1991; Golomb 1966):
#: ("sum", r1, s1, r2, s2) is a(n) = a(n - s1 - a(n - r1)) + a(n - s2 - a(n - r2)) -- Hofstadter's Q is
#: (1, 0, 2, 0), Conolly's (1, 0, 2, 1), Tanny's (1, 1, 2, 2); "conway" is the Hofstadter-Conway sequence,
#: "golomb" Golomb's recurrence, ("minus", k) Hofstadter's G (k = 2) and H (k = 3).
NESTED_RECURRENCES = (
    *(("sum", r1, s1, r2, s2) for r1 in (1, 2) for r2 in (2, 3) if r1 < r2 for s1 in (0, 1, 2) for s2 in (0, 1, 2)),
    ("conway", 0, 0, 0, 0), ("golomb", 0, 0, 0, 0), ("minus", 2, 0, 0, 0), ("minus", 3, 0, 0, 0))


def _nested_rule(x: Sequence[int], start: int, form) -> int | None:
    """The next term by ``form`` where it gives every term from some point on (at least half the terms and
    :data:`MIN_RULE_TERMS` - 1 of them, the earlier ones being initial values), for ``x(0) = a(start)``."""
    a = {start + i: v for i, v in enumerate(x)}
    n_end = start + len(x)
    checked = 0
    for n in range(n_end - 1, start - 1, -1):  # the terms a rule gives, from the last back
        if _nested(a, n, form) != a[n]:
            break
        checked += 1
    if checked < max(MIN_RULE_TERMS - 1, len(x) // 2):
        return None
    return _nested(a, n_end, form)


def _recaman(x: Sequence[int], start: int) -> int | None:
    """Recamán's rule, a(n) = a(n-1) - n where that is positive and new, else a(n-1) + n, for every term."""
    seen = {x[0]}
    for n, v in enumerate([*x[1:], None], start + 1):
        prev = x[n - start - 1]
        want = prev - n if prev - n > 0 and prev - n not in seen else prev + n
        if v is None:
            return want
        if v != want:
            return None
        seen.add(v)
    return None


def _look_and_say(x: Sequence[int]) -> int | None:
    """Conway's look-and-say rule: each term reads the digits of the one before (3 terms at least)."""
    def say(v: int) -> str:
        return "".join(f"{n}{d}" for d, n in _runs(str(v)))
    if len(x) < 3 or any(v < 1 for v in x) or any(say(a) != str(b) for a, b in zip(x, x[1:])):
        return None
    nxt = say(x[-1])
    return int(nxt) if len(nxt) <= MAX_DIGITS else None


def _van_eck(x: Sequence[int]) -> int | None:
    """Van Eck's rule: the next term is how far back the last term appeared before, 0 if it did not."""
    def nxt(prefix: Sequence[int]) -> int:
        last = prefix[-1]
        return next((len(prefix) - 1 - i for i in range(len(prefix) - 2, -1, -1) if prefix[i] == last), 0)
    if any(nxt(x[:i]) != x[i] for i in range(1, len(x))):
        return None
    return nxt(x)


def _ekg(x: Sequence[int]) -> int | None:
    """The EKG rule (Lagarias, Rains & Sloane 2002): the least number not yet used that shares a factor with the
    last term, for every term after 1, 2."""
    def nxt(prefix: Sequence[int]) -> int:
        used, last, m = set(prefix), prefix[-1], 2
        while m in used or gcd(m, last) == 1:
            m += 1
        return m
    if list(x[:2]) != [1, 2] or any(nxt(x[:i]) != x[i] for i in range(2, len(x))):
        return None
    return nxt(x)


def _greedy(x: Sequence[int], seed: int, accept: Callable[[Sequence[int], int], bool]) -> int | None:
    """The next term of a greedy sequence: after the first ``seed`` terms (any increasing integers >= 1), each term
    is the least integer above the last that ``accept(terms so far, candidate)`` allows; ``None`` when ``x`` is not
    one. Each given term is checked against the integers between it and the one before; the next term is searched
    up to twice the last term."""
    if len(x) <= seed or x[0] < 1 or any(b <= a for a, b in zip(x, x[1:])):
        return None
    for i in range(seed, len(x)):
        if not accept(x[:i], x[i]) or any(accept(x[:i], c) for c in range(x[i - 1] + 1, x[i])):
            return None
    return next((c for c in range(x[-1] + 1, 2 * x[-1] + 2) if accept(x, c)), None)


def _ulam_accepts(prefix: Sequence[int], c: int) -> bool:
    """Ulam's rule (Ulam 1964): ``c`` is the sum of two distinct earlier terms in exactly one way."""
    members = set(prefix)
    return sum(1 for a in prefix if 2 * a < c and c - a in members) == 1


def _sidon_accepts(prefix: Sequence[int], c: int) -> bool:
    """The Mian-Chowla rule (a greedy Sidon sequence): every sum of two terms, ``c`` included, stays distinct."""
    sums = {a + b for i, a in enumerate(prefix) for b in prefix[i:]}
    new = [c + a for a in prefix] + [2 * c]
    return not sums.intersection(new) and len(set(new)) == len(new)


#: greedy additive rules: name -> (terms that seed the rule, acceptance test)
GREEDY_RULES = {"Ulam": (2, _ulam_accepts), "Mian-Chowla": (1, _sidon_accepts)}


def self_referential_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of the self-referential rules that give ``x``: nested recurrences
    (:data:`NESTED_RECURRENCES`), Recamán's, van Eck's, the EKG and look-and-say rules, with n from 0 or 1, and
    the greedy additive rules of :data:`GREEDY_RULES` from any first terms (Ulam's numbers 1, 2, 3, 4, 6, 8, 11,
    13, 16, 18 -> 26; the Mian-Chowla sequence).

    >>> self_referential_rules([1, 1, 2, 3, 3, 4, 5, 5, 6, 6])["nested ('sum', 1, 0, 2, 0), n from 1"]  # Hofstadter's Q
    6
    >>> self_referential_rules([0, 1, 3, 6, 2, 7, 13, 20, 12, 21])
    {'Recamán, n from 0': 11}
    """
    out: dict[str, int] = {}
    if not MIN_RULE_TERMS <= len(x) <= MAX_TERMS or max(map(abs, x)) > 10**6 and _look_and_say(x) is None:
        return out
    for start in (0, 1):
        if min(x) >= 0 and max(x) <= start + len(x):  # a nested recurrence indexes the sequence by its terms
            for form in NESTED_RECURRENCES:
                nxt = _nested_rule(x, start, form)
                if nxt is not None:
                    out[f"nested {form if form[0] == 'sum' else form[:2]}, n from {start}"] = nxt
        nxt = _recaman(x, start)
        if nxt is not None:
            out[f"Recamán, n from {start}"] = nxt
    for name, rule in (("look and say", _look_and_say), ("van Eck", _van_eck), ("EKG", _ekg)):
        nxt = rule(x)
        if nxt is not None:
            out[name] = nxt
    if max(x) <= 10**5:
        for name, (seed, accept) in GREEDY_RULES.items():
            nxt = _greedy(x, seed, accept)
            if nxt is not None:
                out[name] = nxt
    return out


# --- 2-regular sequences -----------------------------------------------------------------------------------------

#: coefficients tried in a(2n + r) = c0 a(n) + c1 a(n + 1) + c2
_REGULAR_COEFFICIENTS = range(-2, 3)
#: the fewest terms a 2-regular rule is tried on (three equations for each parity)
MIN_REGULAR_TERMS = 8


def regular_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x`` is 2-regular of the simplest kind: ``a(2n) = c0 a(n) + c1 a(n+1) + c2``
    and ``a(2n+1) = d0 a(n) + d1 a(n+1) + d2`` with small integers (-2..2), every equation the terms give
    holding, at least three for each parity, the terms taking three values at least (Allouche & Shallit,
    *Automatic Sequences*, 2003, ch. 16): Stern's diatomic sequence, the binary weight, the ruler function. n
    counts from 0 or from 1.

    >>> regular_rules([0, 1, 1, 2, 1, 3, 2, 3, 1, 4])["2-regular, n from 0"]  # Stern's diatomic sequence
    3
    """
    out: dict[str, int] = {}
    if not MIN_REGULAR_TERMS <= len(x) <= MAX_TERMS or len(set(x)) < 3:  # two values fit too many rules by chance
        return out
    for start in (0, 1):
        a = {start + i: v for i, v in enumerate(x)}
        n_end = start + len(x)
        fits = []
        for r in (0, 1):
            eqs = [(a[2 * n + r], a[n], a[n + 1]) for n in range(start, n_end)
                   if 2 * n + r in a and n + 1 in a and 2 * n + r != n]
            if len(eqs) < 3:
                break
            fits.append([(c0, c1, c2) for c0 in _REGULAR_COEFFICIENTS for c1 in _REGULAR_COEFFICIENTS
                         for c2 in _REGULAR_COEFFICIENTS if all(y == c0 * u + c1 * w + c2 for y, u, w in eqs)])
        if len(fits) < 2 or not fits[0] or not fits[1]:
            continue
        m, r = divmod(n_end, 2)
        if m + 1 not in a:
            continue
        answers = {c0 * a[m] + c1 * a[m + 1] + c2 for c0, c1, c2 in fits[r]}
        if len(answers) == 1:
            out[f"2-regular, n from {start}"] = answers.pop()
    return out


# --- C-finite sequences with integer roots -----------------------------------------------------------------------

#: the roots r of the operators (E - r) tried, E the shift a(n) -> a(n+1)
C_FINITE_ROOTS = (1, 2, -1, 3, 4)
#: the most operators in a product (the order of the recurrence)
MAX_C_FINITE_ORDER = 7
#: the zeros the product must leave (each one confirms the roots)
C_FINITE_CONFIRMATIONS = 3


def _apply(y: list[int], r: int) -> list[int]:
    """``(E - r) y``: ``y(n+1) - r y(n)``, one term shorter."""
    return [b - r * a for a, b in zip(y, y[1:])]


def c_finite_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x`` is a sum of polynomials times powers of small integers,
    ``a(n) = sum_i P_i(n) r_i^n``, r_i in :data:`C_FINITE_ROOTS`: a product of at most :data:`MAX_C_FINITE_ORDER`
    shift operators ``(E - r_i)`` maps it to at least :data:`C_FINITE_CONFIRMATIONS` zeros. The
    smallest such product wins; undoing it on one more zero gives the next term (Stanley, *Enumerative
    Combinatorics I*, ch. 4: the rational generating functions). With the roots fixed, a recurrence of order 6
    is found from 10 terms, where a fit of its coefficients would need 14: the Eulerian numbers
    A(n, 2) = 3^n - (n + 1) 2^n + n (n + 1) / 2, roots 3, 2, 2, 1, 1, 1.

    >>> c_finite_rules([1, 11, 66, 302, 1191, 4293, 14608, 47840, 152637, 478271])
    {'C-finite, roots (1, 1, 1, 2, 2, 3)': 1479726}
    """
    if not MIN_RULE_TERMS <= len(x) <= MAX_TERMS:
        return {}
    best: tuple[int, ...] | None = None
    stack: list[tuple[tuple[int, ...], list[int], int]] = [((), list(x), 0)]
    while stack:  # depth first over products of operators, roots in the order of C_FINITE_ROOTS
        roots, y, first = stack.pop()
        if len(y) >= C_FINITE_CONFIRMATIONS and not any(y):
            if best is None or len(roots) < len(best):
                best = roots
            continue
        if len(roots) == MAX_C_FINITE_ORDER or len(y) <= C_FINITE_CONFIRMATIONS:
            continue
        if best is not None and len(roots) + 1 >= len(best):
            continue
        for i in range(first, len(C_FINITE_ROOTS)):
            stack.append(((*roots, C_FINITE_ROOTS[i]), _apply(y, C_FINITE_ROOTS[i]), i))
    if not best:
        return {}
    # the differences after each operator, last entries only: extend the zero row by one zero and undo
    rows, y = [], list(x)
    for r in best:
        rows.append(y)
        y = _apply(y, r)
    nxt = 0
    for r, row in zip(reversed(best), reversed(rows)):
        nxt = nxt + r * row[-1]  # (E - r) y = z  =>  y(N) = z(N-1) + r y(N-1)
    return {f"C-finite, roots {tuple(sorted(best))}": nxt}


# --- monomials and recurrences with coefficients 0 and 1 ---------------------------------------------------------

#: the largest power k of the monomials c (n + o)^k tried
MAX_MONOMIAL_POWER = 30
#: the largest lag of a(n) = sum of a(n - i), i in a set of lags
MAX_LAG = 7
#: equations beyond the initial values a recurrence with coefficients 0 and 1 must satisfy (with 3, ten digits of
#: sqrt(2) fit a(n) = a(n-4) + a(n-7) by chance)
LAG_CONFIRMATIONS = 4
#: the sets of lags, in the order they are tried: the smallest largest lag, then the fewest lags
_LAG_SETS = sorted((c for k in range(2, MAX_LAG + 1) for c in combinations(range(1, MAX_LAG + 1), k)),
                   key=lambda c: (c[-1], len(c), c))


def monomial_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x(i) = c (i + o)^k``, o in 0, 1 and 2 <= k <= :data:`MAX_MONOMIAL_POWER`:
    one constant, checked on every term, where a polynomial of degree k would need k + 2 terms (n^9 from 10).

    >>> monomial_rules([n**9 for n in range(10)])
    {'c n^9, n from 0': 1000000000}
    """
    out: dict[str, int] = {}
    if not MIN_RULE_TERMS <= len(x) <= MAX_TERMS or not any(x):
        return out
    for o in (0, 1):
        base = next(i for i, v in enumerate(x) if v) + o  # x(base - o) = c base^k
        if base == 0:
            continue  # x(0) = c 0^k = 0
        for k in range(2, MAX_MONOMIAL_POWER + 1):
            c, r = divmod(x[base - o], base**k)
            if r:
                break  # base^k no longer divides the term
            if all(v == c * (i + o) ** k for i, v in enumerate(x)):
                out[f"c n^{k}, n from {o}"] = c * (len(x) + o) ** k
    return out


def lag_sum_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of the recurrences ``a(n) = sum_{i in S} a(n - i)``, ``S`` a set of at least two lags
    up to :data:`MAX_LAG`, that every term from ``max(S)`` on satisfies, :data:`LAG_CONFIRMATIONS` equations at
    least, the smallest largest lag first, then the fewest lags: the k-bonacci numbers, Padovan and Perrin
    (S = {2, 3}), Narayana's cows (S = {1, 3}). With the coefficients fixed, an order of 5 is found from 10 terms;
    a fit of its coefficients would need 13.

    >>> lag_sum_rules([0, 0, 0, 0, 1, 1, 2, 4, 8, 16])  # pentanacci
    {'a(n) = sum of a(n - i), i in (1, 2, 3, 4, 5)': 31}
    """
    out: dict[str, int] = {}
    n = len(x)
    if not MIN_RULE_TERMS <= n <= MAX_TERMS or not any(x):
        return out
    for lags in _LAG_SETS:  # the first that fits
        top = lags[-1]
        if n - top >= LAG_CONFIRMATIONS and all(x[m] == sum(x[m - i] for i in lags) for m in range(top, n)):
            return {f"a(n) = sum of a(n - i), i in {lags}": sum(x[n - i] for i in lags)}
    return out



# --- digit functions of classical sequences ----------------------------------------------------------------------

def _fibonacci(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


#: classical sequences B(n) whose digits :func:`digit_composition_rules` reads
DIGIT_SOURCES: dict[str, Callable[[int], int]] = {
    **{f"{c}^n": (lambda n, c=c: c**n) for c in range(2, 10)},
    "n!": factorial, "Fibonacci(n)": _fibonacci, "n^n": lambda n: n**n, "n^2": lambda n: n * n,
    "n^3": lambda n: n**3,
}
#: functions of the decimal digits (of non-negative integers), the first four those of
#: :data:`num2vec.integer_functions.INDEX_FUNCTIONS`
DIGIT_FUNCTIONS: dict[str, Callable[[int], int]] = {
    "digit sum": INDEX_FUNCTIONS["digit sum base 10"], "number of digits": INDEX_FUNCTIONS["digits base 10"],
    "product of digits": INDEX_FUNCTIONS["product of digits"],
    "sum of squared digits": INDEX_FUNCTIONS["sum of squared digits"],
    "first digit": lambda v: int(str(v)[0]), "last nonzero digit": lambda v: int(str(v).rstrip("0")[-1]) if v else 0,
}


@cache
def _digit_composition(source: str, function: str, start: int) -> tuple[int, ...]:
    """f(B(start)), ..., f(B(start + MAX_TERMS)): every term a rule of :func:`digit_composition_rules` reads."""
    b, f = DIGIT_SOURCES[source], DIGIT_FUNCTIONS[function]
    return tuple(f(b(n)) for n in range(start, start + MAX_TERMS + 1))


def digit_composition_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x(i) = f(B(i + o))``: f a function of the decimal digits
    (:data:`DIGIT_FUNCTIONS`), B a classical sequence (:data:`DIGIT_SOURCES`), o = 0 or 1.

    >>> digit_composition_rules([1, 2, 4, 8, 7, 5, 10, 11, 13, 8])  # digit sums of 2^n
    {'digit sum of 2^n, n from 0': 7}
    """
    out: dict[str, int] = {}
    n = len(x)
    if not MIN_RULE_TERMS <= n <= MAX_TERMS or min(x) < 0:
        return out
    for source in DIGIT_SOURCES:
        for function in DIGIT_FUNCTIONS:
            for start in (0, 1):
                vals = _digit_composition(source, function, start)
                if vals[:n] == tuple(x) and len(set(vals[:n])) > 2:
                    out[f"{function} of {source}, n from {start}"] = vals[n]
    return out


#: classical sequences B(n) whose residues :func:`residue_rules` reads (the digit sources, and more)
RESIDUE_SOURCES: dict[str, Callable[[int], int]] = {
    **DIGIT_SOURCES, "n^4": lambda n: n**4, "n(n+1)/2": lambda n: n * (n + 1) // 2,
    "prime(n + 1)": lambda n: INDEX_FUNCTIONS["prime"](n + 1), "Lucas(n)": lambda n: 2 * _fibonacci(n + 1) - _fibonacci(n),
    "C(2n, n)": lambda n: comb(2 * n, n), "Catalan(n)": lambda n: comb(2 * n, n) // (n + 1),
}
#: the moduli tried by :func:`residue_rules`
RESIDUE_MODULI = range(2, 17)


@cache
def _residues(source: str, modulus: int, start: int) -> tuple[int, ...]:
    """B(start) mod m, ..., B(start + MAX_TERMS) mod m."""
    b = RESIDUE_SOURCES[source]
    return tuple(b(n) % modulus for n in range(start, start + MAX_TERMS + 1))


def residue_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x(i) = B(i + o) mod m``: B a classical sequence (:data:`RESIDUE_SOURCES`),
    m in :data:`RESIDUE_MODULI` and above every term, o = 0 or 1; at least three distinct terms. The last digits
    of the squares, 0, 1, 4, 9, 6, 5, 6, 9, 4, 1, are n^2 mod 10, so 0 comes next.

    >>> residue_rules([0, 1, 3, 6, 0, 5, 1, 8, 6, 5])  # the last digits of the triangular numbers
    {'n(n+1)/2 mod 10, n from 0': 5}
    """
    out: dict[str, int] = {}
    n = len(x)
    if not MIN_RULE_TERMS <= n <= MAX_TERMS or min(x) < 0 or max(x) >= RESIDUE_MODULI[-1] or len(set(x)) < 3:
        return out
    for source in RESIDUE_SOURCES:
        for modulus in RESIDUE_MODULI:
            if modulus <= max(x):
                continue
            for start in (0, 1):
                vals = _residues(source, modulus, start)
                if vals[:n] == tuple(x):
                    out[f"{source} mod {modulus}, n from {start}"] = vals[n]
    return out


# --- first-order maps --------------------------------------------------------------------------------------------

#: steps a(n-1) -> a(n) with an input not used in the fit that a map must reproduce
MAP_CONFIRMATIONS = 2
#: the fewest terms a map is tried on: five steps, three to fit a quadratic and two to confirm it
MIN_MAP_TERMS = 6


def _map_steps(x: Sequence[int]) -> dict[int, int] | None:
    """``{a(n-1): a(n)}`` over the steps of ``x`` in order of first appearance, or ``None`` when one input is
    followed by two different terms (no map gives ``x``). A repeated step confirms nothing and is kept once."""
    steps: dict[int, int] = {}
    for a, b in zip(x, x[1:]):
        if steps.setdefault(a, b) != b:
            return None
    return steps


def _interpolate(points: Sequence[tuple[int, int]], t: int) -> Fraction:
    """The value at ``t`` of the polynomial of degree ``len(points) - 1`` through ``points`` (Lagrange's form)."""
    total = Fraction(0)
    for j, (xj, yj) in enumerate(points):
        term = Fraction(yj)
        for k, (xk, _) in enumerate(points):
            if k != j:
                term *= Fraction(t - xk, xj - xk)
        total += term
    return total


def _fits(points: Sequence[tuple[int, int]], rest: Sequence[tuple[int, int]]) -> bool:
    return all(_interpolate(points, a) == b for a, b in rest)


def map_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``a(n) = f(a(n-1))`` for every step of ``x``, ``f`` either a quadratic
    polynomial with rational coefficients (Sylvester's sequence ``a^2 - a + 1``: 2, 3, 7, 43, 1807, 3263443;
    the Fermat numbers ``(a - 1)^2 + 1``; Lucas-Lehmer ``a^2 - 2``) or an affine map chosen by the parity of
    ``a(n-1)`` (Collatz trajectories: ``a / 2`` for even ``a``, ``3 a + 1`` for odd). ``f`` is fitted exactly
    on the first steps with distinct inputs (three; two of each parity) and kept only when
    :data:`MAP_CONFIRMATIONS` further steps reproduce it and it gives an integer next term. Affine maps with one
    piece are the rule solver's linear recurrences of order 1 and are not repeated here.

    >>> map_rules([2, 3, 7, 43, 1807, 3263443])
    {'a(n) = f(a(n-1)), f quadratic': 10650056950807}
    >>> map_rules([7, 22, 11, 34, 17, 52, 26, 13, 40, 20])
    {'a(n) = f(a(n-1)), f affine on each parity': 10}
    """
    out: dict[str, int] = {}
    if not MIN_MAP_TERMS <= len(x) <= MAX_TERMS:
        return out
    steps = _map_steps(x)
    if steps is None:
        return out
    last = x[-1]
    points = list(steps.items())
    if len(points) >= 3 + MAP_CONFIRMATIONS and _fits(points[:3], points[3:]):
        (x0, y0), (x1, y1), (x2, y2) = points[:3]
        curved = Fraction(y2 - y1, x2 - x1) != Fraction(y1 - y0, x1 - x0)  # the leading coefficient is not 0
        nxt = _interpolate(points[:3], last)
        if curved and nxt.denominator == 1:
            out["a(n) = f(a(n-1)), f quadratic"] = int(nxt)
    pieces = [[p for p in points if p[0] % 2 == r] for r in (0, 1)]
    if all(len(piece) >= 2 for piece in pieces) and len(points) >= 4 + MAP_CONFIRMATIONS \
            and all(_fits(piece[:2], piece[2:]) for piece in pieces):
        maps = [tuple(_interpolate(piece[:2], t) for t in (0, 1)) for piece in pieces]  # (f(0), f(1)) per parity
        nxt = _interpolate(pieces[last % 2][:2], last)
        if maps[0] != maps[1] and nxt.denominator == 1:
            out["a(n) = f(a(n-1)), f affine on each parity"] = int(nxt)
    return out


# --- shifted and scaled sequences --------------------------------------------------------------------------------

#: the set rules read at most this many consecutive integers for a shifted, scaled or signed sequence (the
#: integer functions' own limit is 2^17): four calls per question are kept to a few milliseconds
OFFSET_WINDOW = 2**13
#: rules of :func:`num2vec.integer_functions.next_terms` that give x - c what they give x, plus c (they read the
#: differences), or x / g what they give x, over g (P-recursive fits and ratios): left out, not counted twice
_SHIFT_INVARIANT = ("partial sums of", "P-recursive")
_SCALE_INVARIANT = ("partial products of", "P-recursive", "partial sums of P-recursive")


def offset_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x - 1``, ``x + 1`` or ``x / g`` (``g > 1`` the greatest common divisor of
    the terms) is a sequence :func:`num2vec.integer_functions.next_terms` continues, or ``x`` alternates in sign
    and ``|x|`` is one that it or an exact rule continues: Euclid's numbers 2, 3, 7, 31, 211, ... are the
    primorials plus one, 4, 6, 10, 14, 22 twice the primes, 1, -1, 2, -3, 5, -7 the partitions with signs.

    >>> offset_rules([2, 3, 7, 31, 211, 2311, 30031, 510511, 9699691, 223092871])["x - 1: partial products of prime"]
    6469693231
    """
    out: dict[str, int] = {}
    if not MIN_RULE_TERMS <= len(x) <= MAX_TERMS:
        return out
    for c in (1, -1):
        found = next_terms([v - c for v in x], OFFSET_WINDOW, ("partial products of",))
        out.update({f"x {'-' if c > 0 else '+'} 1: {rule}": v + c for rule, v in found.items()
                    if not rule.startswith(_SHIFT_INVARIANT)})
    signs = [1 if i % 2 == 0 else -1 for i in range(len(x) + 1)]
    for flip in (1, -1):  # x(n) = flip (-1)^n y(n), y >= 0: sign-alternating versions
        y = [flip * s * v for s, v in zip(signs, x)]
        if min(y) >= 0 and max(y) > 0:
            found = {**next_terms(y, OFFSET_WINDOW), **_continuations(y)}
            out.update({f"(-1)^n x: {rule}": flip * signs[-1] * v for rule, v in found.items()})
    g = gcd(*x)
    if g > 1:
        found = next_terms([v // g for v in x], OFFSET_WINDOW, ("partial sums of",))
        out.update({f"x / {g}: {rule}": v * g for rule, v in found.items() if not rule.startswith(_SCALE_INVARIANT)})
    return out


def definition_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of the rules that fit no coefficients to the terms, only check them (a small grid
    of coefficients or roots, each checked on every term): :func:`floor_rules`, :func:`run_length_rules`,
    :func:`self_referential_rules`, :func:`regular_rules`, :func:`c_finite_rules`, :func:`monomial_rules`,
    :func:`lag_sum_rules`, :func:`digit_composition_rules` and :func:`residue_rules`."""
    if not all(isinstance(v, int) for v in x):
        return {}
    return {**floor_rules(x), **run_length_rules(x), **self_referential_rules(x), **regular_rules(x),
            **c_finite_rules(x), **monomial_rules(x), **lag_sum_rules(x), **digit_composition_rules(x),
            **residue_rules(x)}


def guess_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of :func:`holonomic_guesses`, :func:`small_coefficient_fits`, :func:`step_ratio_rules`,
    :func:`transform_rules`, :func:`offset_rules`, :func:`definition_rules` and :func:`map_rules`; empty when none
    applies."""
    if not all(isinstance(v, int) for v in x):
        return {}
    return {**holonomic_guesses(x), **small_coefficient_fits(x), **step_ratio_rules(x), **transform_rules(x),
            **offset_rules(x),
            **definition_rules(x), **map_rules(x)}
