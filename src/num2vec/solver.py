"""A rule-based next-term solver: the reference baseline for the neural model.

:func:`solve` predicts the next term of an integer sequence by trying four
exact rules in order; the first that fits wins:

``"period"``
    the shortest period ``p`` confirmed by at least two terms after its first cycle.
``"polynomial"``
    a row of finite differences is constant and has at least three entries, or two for a degree of at most
    :data:`MAX_SHORT_DEGREE` (1, 4, 9, 16 -> 25; 0, 1, 32, 243, 1024, 3125, 7776 -> 16807).
``"recurrence"``
    ``a(n) = c1*a(n-1) + ... + ck*a(n-k) + c0`` with rational coefficients,
    ``k = 1..4``, the smallest ``k`` first.
``"staircase"``
    ``a(n) = (m*n + b) // q`` for ``n = 1, 2, ...`` with ``q`` in ``2..10``
    and ``m`` in ``-15..15`` (not 0).

Every rule must be confirmed by terms it was not fitted on: a rule with as
many free parameters as there are data points never counts, so noise gets
``None`` rather than an over-fitted guess. All arithmetic is exact (Python
integers), so terms may be arbitrarily large::

    >>> explain([2, 5, 11, 23, 47])           # a(n) = 2*a(n-1) + 1
    (95, 'recurrence')
    >>> explain([4, 6, 8, 11, 13, 15, 18])     # (7*n + 5) // 3
    (20, 'staircase')
    >>> solve([3, 1, 4, 1, 5, 9, 2]) is None
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from math import gcd

RULES = ("period", "polynomial", "recurrence", "staircase")

#: recurrence orders tried, smallest first
MAX_ORDER = 4
#: equations beyond the fitted ones that must agree with a recurrence
CONFIRMATIONS = 2
#: staircase search ranges
DIVISORS = range(2, 11)
MAX_SLOPE = 15
MIN_STAIRCASE_TERMS = 4
#: the highest degree a polynomial confirmed by one term only may have: a row of two equal k-th differences of
#: k + 2 terms happens by chance at high k (the triangular numbers mod 10, 0, 1, 3, 6, 0, 5, ..., have two equal
#: 18th differences in their first 20 terms); on the development half of the real-sequence catalog such fits of
#: degree 8 or more were wrong 6 times in 9 (it had none of degree 4 to 7; of degree 3, 8 in 27)
MAX_SHORT_DEGREE = 5
#: terms after the first cycle that must repeat it for :func:`repeating_next`
REPEAT_CONFIRMATIONS = 3


def solve(terms: Sequence[int]) -> int | None:
    """The predicted next term, or ``None`` when no rule fits.

    >>> solve([1, 4, 9, 16])
    25
    """
    found = explain(terms)
    return None if found is None else found[0]


def explain(terms: Sequence[int]) -> tuple[int, str] | None:
    """``(next term, rule name)`` of the first rule that fits, or ``None``.

    >>> explain([7, 3, 9, 7, 3, 9, 7])
    (3, 'period')
    >>> explain([1, 8, 27, 64, 125])
    (216, 'polynomial')
    """
    seq = [int(t) for t in terms]
    if len(seq) < 2:
        return None
    for name, rule in zip(RULES, (_period, _polynomial, _recurrence, _staircase)):
        prediction = rule(seq)
        if prediction is not None:
            return prediction, name
    return None


def _shortest_period(seq: list[int], confirmations: int) -> int | None:
    """The shortest period ``p`` of ``seq`` confirmed by at least ``confirmations`` terms after its first cycle."""
    n = len(seq)
    return next((p for p in range(1, n - confirmations + 1) if all(seq[i] == seq[i - p] for i in range(p, n))),
                None)


def _period(seq: list[int]) -> int | None:
    """Next term of the shortest period confirmed by at least CONFIRMATIONS terms after its first cycle."""
    p = _shortest_period(seq, CONFIRMATIONS)
    return None if p is None else seq[len(seq) - p]


def repeating_next(terms: Sequence[int]) -> int | None:
    """The next term of a sequence that visibly repeats itself, or ``None``.

    The shortest period ``p`` must be confirmed by at least :data:`REPEAT_CONFIRMATIONS` terms after its first
    cycle, and chance must be ruled out: the terms show two full cycles, or they take at least three distinct
    values (a 0/1 sequence such as Thue-Morse, 0, 1, 1, 0, 1, 0, 0, 1, 1, 0, repeats three terms by chance).
    :meth:`num2vec.Num2Vec.predict_next` continues such a sequence by its period instead of writing the
    decoder's answer digit by digit. Exact for integers of any size.

    >>> repeating_next([7, 21, 2, 13, 7, 21, 2])
    13
    >>> repeating_next([5, 5, 5, 5])
    5
    >>> repeating_next([0, 1, 1, 0, 1, 0, 0, 1, 1, 0]) is None    # period 7 by chance
    True
    """
    seq = [int(t) for t in terms]
    n, p = len(seq), _shortest_period(seq, REPEAT_CONFIRMATIONS)
    return None if p is None or (n < 2 * p and len(set(seq)) < 3) else seq[n - p]


def _polynomial(seq: list[int]) -> int | None:
    """Extrapolate the first constant difference row of length >= 3 (>= 2 up to degree MAX_SHORT_DEGREE)."""
    row = seq
    last_terms = []
    while len(row) >= 2:
        last_terms.append(row[-1])
        if all(x == row[0] for x in row):
            return sum(last_terms) if len(row) >= 3 or len(last_terms) - 1 <= MAX_SHORT_DEGREE else None
        row = [b - a for a, b in zip(row, row[1:])]
    return None


def _recurrence(seq: list[int]) -> int | None:
    for k in range(1, MAX_ORDER + 1):
        if len(seq) - k < CONFIRMATIONS + 1:
            break
        prediction = _recurrence_of_order(seq, k)
        if prediction is not None:
            return prediction
    return None


def _recurrence_of_order(seq: list[int], k: int) -> int | None:
    """Next term of ``a(n) = c1*a(n-1) + ... + ck*a(n-k) + c0``, if confirmed.

    Fraction-free Gaussian elimination on every distinct equation the terms
    give (a repeated equation confirms nothing). The columns are
    ``a(n-1) .. a(n-k), 1 | a(n) | 0``; the next term's row
    ``a(N-1) .. a(N-k), 1 | 0 | 1`` is reduced by the echelon rows, and its
    last column keeps track of the factor it was scaled by. The fit counts only
    when at least ``CONFIRMATIONS`` equations are beyond the rank (so they
    confirm it) and the prediction does not depend on the free coefficients.
    """
    width = k + 1
    equations = dict.fromkeys(tuple(seq[n - k : n + 1]) for n in range(k, len(seq)))
    rows = [[*reversed(e[:-1]), 1, e[-1], 0] for e in equations]
    pivots: list[int] = []
    for col in range(width):
        r = len(pivots)
        pick = next((i for i in range(r, len(rows)) if rows[i][col]), None)
        if pick is None:
            continue
        rows[r], rows[pick] = rows[pick], rows[r]
        pivot = rows[r]
        for i in range(r + 1, len(rows)):
            g = rows[i][col]
            if g:
                rows[i] = _reduced([pivot[col] * x - g * y for x, y in zip(rows[i], pivot)])
        pivots.append(col)
    rank = len(pivots)
    if len(rows) - rank < CONFIRMATIONS or any(row[width] for row in rows[rank:]):
        return None
    target = [seq[len(seq) - i] for i in range(1, k + 1)] + [1, 0, 1]
    for pivot, col in zip(rows, pivots):
        g = target[col]
        if g:
            target = _reduced([pivot[col] * x - g * y for x, y in zip(target, pivot)])
    if any(target[:width]):
        return None  # the next term depends on coefficients the terms leave free
    numerator, scale = -target[width], target[width + 1]
    if numerator % scale:
        return None
    return numerator // scale


def _reduced(row: list[int]) -> list[int]:
    """The row divided by the gcd of its entries (keeps the integers small)."""
    g = 0
    for x in row:
        g = gcd(g, x)
        if g == 1:
            return row
    return [x // g for x in row] if g else row


def _staircase(seq: list[int]) -> int | None:
    """Next term of ``a(n) = (m*n + b) // q``, ``n`` counted from 1.

    ``q*a(n) <= m*n + b < q*a(n) + q`` for every ``n`` puts ``b`` in an
    interval; the smallest ``b`` in it is used. Short inputs often fit several
    ``(m, q)``: the smallest ``q``, then the smallest ``m``, wins (on the
    generated test sets this guesses right more often than the largest ``q`` or
    a vote over every fit).
    """
    n = len(seq)
    if n < MIN_STAIRCASE_TERMS:
        return None
    steps = [b - a for a, b in zip(seq, seq[1:])]
    if max(steps) - min(steps) > 1:  # a staircase only ever steps by floor(m/q) or one more
        return None
    rise = seq[-1] - seq[0]
    for q in DIVISORS:
        # q*a(n) - m*n varies by less than q, in particular between n = 1 and n = len
        low = max(-MAX_SLOPE, -((q - 1 - q * rise) // (n - 1)))
        high = min(MAX_SLOPE, (q * rise + q - 1) // (n - 1))
        for m in range(low, high + 1):
            if m == 0:
                continue
            shifted = [q * a - m * i for i, a in enumerate(seq, 1)]
            b = max(shifted)
            if b <= min(shifted) + q - 1:
                return (m * (n + 1) + b) // q
    return None
