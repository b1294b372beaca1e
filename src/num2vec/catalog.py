"""Well-known integer sequences, each computed from its definition.

:data:`CATALOG` is a curated list of :class:`RealSequence` s in fourteen
categories (:data:`CATEGORIES`): number theory (primes and their kinds,
divisor functions, totients, ...), combinatorics (Catalan, Motzkin, Bell,
partitions, trees, ...), hypergeometric / P-recursive terms (factorials,
binomials, Apery numbers, ...), figurate numbers, digit-based sequences,
linear recurrences, characteristic functions, Beatty and floor sequences,
sorted sets defined by residues or simple properties, polynomials, powers,
signed and interleaved sequences, partial sums / products / differences, and
self-referential sequences (Golomb, Hofstadter, Kolakoski, ...). Arithmetic
functions that no simple rule predicts are in on purpose, so that a model or
solver scored on the catalog is not flattered.

No term list is typed in: every term comes from code, with exact integer
arithmetic (Python ints, ``math.isqrt``, fractions; the constants e and pi in
80-digit fixed point), and :meth:`RealSequence.terms` gives as many as asked
for (every entry gives 30 terms in milliseconds). No two entries share their
first 16 terms. Terms are non-negative except in a few sequences that are
signed by nature (Moebius, Ramanujan's tau, the ``signed_...`` versions,
first differences of arithmetic functions, ...)::

    >>> get("fibonacci").terms(10)
    [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
    >>> s = get("catalan")
    >>> s.category, s.terms(6)
    ('combinatorics', [1, 1, 2, 5, 14, 42])

The entries of the catalog's first version (the first 159) carry a
reference number in ``oeis``; the later entries leave it empty.

:func:`split` divides the catalog once and for all into a ``"dev"`` half and a
``"heldout"`` half by a SHA-256 hash of each name (see :func:`split_of`): the
held-out half is for final evaluation only, never for training, tuning or
calibration.

Two famous sequences are left out on purpose: Sylvester's sequence and the
Fermat numbers 2^(2^n) + 1 grow doubly exponentially, so their 30th terms have
hundreds of millions of digits.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from math import comb, factorial, gcd, isqrt, prod

Rule = Callable[[int], list[int]]


@dataclass(frozen=True)
class RealSequence:
    """A named integer sequence: ``terms(n)`` computes its first ``n`` terms.

    ``oeis`` is the A-number in the On-Line Encyclopedia of Integer Sequences,
    or ``""`` where none is given; ``category`` is one of :data:`CATEGORIES`.
    """

    name: str
    oeis: str
    description: str
    rule: Rule = field(repr=False, compare=False)
    category: str = "other"

    def terms(self, n: int) -> list[int]:
        """The first ``n`` terms.

        >>> get("squares").terms(5)
        [0, 1, 4, 9, 16]
        """
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise ValueError(f"n={n!r} is not a count of terms: it must be an int >= 0")
        return self.rule(n)[:n]


# ---------------------------------------------------------------------------
# rule builders


def _closed(f: Callable[[int], int], start: int = 0) -> Rule:
    """a(start), a(start + 1), ... of a closed form."""
    return lambda count: [f(n) for n in range(start, start + count)]


def _linear(initial: Sequence[int], coefficients: Sequence[int], constant: int = 0) -> Rule:
    """``a(n) = c1*a(n-1) + ... + ck*a(n-k) + constant`` after the initial terms."""
    return _iterate(lambda a: sum(c * a[-i] for i, c in enumerate(coefficients, 1)) + constant, initial)


def _iterate(step: Callable[[list[int]], int], initial: Sequence[int] = ()) -> Rule:
    """Each term from the list of those before it (its index is the list's length)."""

    def rule(count: int) -> list[int]:
        terms = list(initial[:count])
        while len(terms) < count:
            terms.append(step(terms))
        return terms

    return rule


def _where(keep: Callable[[int], bool], start: int = 1) -> Rule:
    """The integers ``>= start`` that ``keep`` accepts, in increasing order."""

    def rule(count: int) -> list[int]:
        terms: list[int] = []
        n = start
        while len(terms) < count:
            if keep(n):
                terms.append(n)
            n += 1
        return terms

    return rule


# ---------------------------------------------------------------------------
# arithmetic helpers


def _factorize(n: int) -> dict[int, int]:
    """Prime factorisation of ``n >= 1`` by trial division."""
    factors: dict[int, int] = {}
    p = 2
    while p * p <= n:
        while n % p == 0:
            factors[p] = factors.get(p, 0) + 1
            n //= p
        p += 1 if p == 2 else 2
    if n > 1:
        factors[n] = factors.get(n, 0) + 1
    return factors


def _is_prime(n: int) -> bool:
    return n >= 2 and _factorize(n) == {n: 1}


def _num_divisors(n: int) -> int:
    return prod(e + 1 for e in _factorize(n).values())


def _sum_divisors(n: int) -> int:
    return prod((p ** (e + 1) - 1) // (p - 1) for p, e in _factorize(n).items())


def _phi(n: int) -> int:
    return prod(p ** (e - 1) * (p - 1) for p, e in _factorize(n).items())


def _primes(count: int) -> list[int]:
    return _where(_is_prime, 2)(count)


def _fibonacci(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def _lucas(n: int) -> int:
    return _fibonacci(n - 1) + _fibonacci(n + 1) if n else 2


def _digit_sum(n: int) -> int:
    return sum(map(int, str(n)))


def _smooth(n: int, primes: Sequence[int]) -> bool:
    for p in primes:
        while n % p == 0:
            n //= p
    return n == 1


def _double_factorial(n: int) -> int:
    return prod(range(n, 0, -2))


def _collatz_steps(n: int) -> int:
    steps = 0
    while n != 1:
        n = 3 * n + 1 if n % 2 else n // 2
        steps += 1
    return steps


def _bell(count: int) -> list[int]:
    """Bell numbers from the Bell triangle."""
    terms, row = [1], [1]
    while len(terms) < count:
        new = [row[-1]]
        for x in row:
            new.append(new[-1] + x)
        row = new
        terms.append(row[0])
    return terms[:count]


def _zigzag(count: int) -> list[int]:
    """Euler's up/down numbers from the Seidel-Entringer (boustrophedon) triangle."""
    terms, row = [1], [1]
    while len(terms) < count:
        new = [0]
        for x in reversed(row):
            new.append(new[-1] + x)
        row = new
        terms.append(row[-1])
    return terms[:count]


def _partitions(count: int) -> list[int]:
    """Partition numbers by Euler's pentagonal number theorem."""
    p = [1]
    for n in range(1, count):
        total, k = 0, 1
        while True:
            g1, g2 = k * (3 * k - 1) // 2, k * (3 * k + 1) // 2
            if g1 > n:
                break
            sign = 1 if k % 2 else -1
            total += sign * (p[n - g1] + (p[n - g2] if g2 <= n else 0))
            k += 1
        p.append(total)
    return p[:count]


def _distinct_partitions(count: int) -> list[int]:
    """Partitions into distinct parts: coefficients of prod (1 + x^k)."""
    q = [1] + [0] * max(count - 1, 0)
    for k in range(1, count):
        for n in range(count - 1, k - 1, -1):
            q[n] += q[n - k]
    return q[:count]


def _recaman(a: list[int]) -> int:
    n = len(a)
    back = a[-1] - n
    return back if back > 0 and back not in a else a[-1] + n


def _schroeder(a: list[int]) -> int:
    n = len(a)
    return a[-1] + sum(a[k] * a[n - 1 - k] for k in range(n))


def _lcm_upto(n: int) -> int:
    value = 1
    for k in range(2, n + 1):
        value = value * k // gcd(value, k)
    return value


# ---------------------------------------------------------------------------
# the catalog

_S = RealSequence


def _group(category: str, entries: Sequence[RealSequence]) -> list[RealSequence]:
    """The entries with their ``category`` set."""
    return [replace(s, category=category) for s in entries]


_ORIGINAL: list[RealSequence] = [
    *_group("residue_sets", [  # natural numbers, multiples, simple polynomials
        _S("natural_numbers", "A000027", "1, 2, 3, ...", _closed(lambda n: n, 1)),
        _S("nonnegative_integers", "A001477", "0, 1, 2, ...", _closed(lambda n: n)),
        _S("even_numbers", "A005843", "2n", _closed(lambda n: 2 * n)),
        _S("odd_numbers", "A005408", "2n + 1", _closed(lambda n: 2 * n + 1)),
        _S("multiples_of_3", "A008585", "3n", _closed(lambda n: 3 * n)),
        _S("multiples_of_4", "A008586", "4n", _closed(lambda n: 4 * n)),
        _S("multiples_of_5", "A008587", "5n", _closed(lambda n: 5 * n)),
        _S("multiples_of_6", "A008588", "6n", _closed(lambda n: 6 * n)),
        _S("multiples_of_7", "A008589", "7n", _closed(lambda n: 7 * n)),
        _S("multiples_of_8", "A008590", "8n", _closed(lambda n: 8 * n)),
        _S("multiples_of_9", "A008591", "9n", _closed(lambda n: 9 * n)),
        _S("squares", "A000290", "n^2", _closed(lambda n: n**2)),
        _S("cubes", "A000578", "n^3", _closed(lambda n: n**3)),
        _S("fourth_powers", "A000583", "n^4", _closed(lambda n: n**4)),
        _S("fifth_powers", "A000584", "n^5", _closed(lambda n: n**5)),
        _S("squares_plus_one", "A002522", "n^2 + 1", _closed(lambda n: n**2 + 1)),
        _S("squares_minus_one", "A005563", "n^2 - 1 for n >= 1, i.e. n(n + 2) from n = 0", _closed(lambda n: n**2 - 1, 1)),
        _S("cubes_plus_n", "A034262", "n^3 + n", _closed(lambda n: n**3 + n)),
        _S("twice_squares_minus_one", "A056220", "2n^2 - 1, from n = 1 (a(0) = -1 is left out)",
           _closed(lambda n: 2 * n**2 - 1, 1)),
        _S("n_plus_next_square", "A028387", "n + (n + 1)^2", _closed(lambda n: n + (n + 1) ** 2)),
        _S("central_polygonal", "A002061", "n^2 - n + 1", _closed(lambda n: n**2 - n + 1)),
        _S("triangular_plus_n", "A000096", "n(n + 3)/2", _closed(lambda n: n * (n + 3) // 2)),
        _S("magic_constants", "A006003", "n(n^2 + 1)/2, the magic sum of an n x n magic square",
           _closed(lambda n: n * (n**2 + 1) // 2)),
    ]),
    *_group("figurate", [  # figurate numbers
        _S("triangular", "A000217", "n(n + 1)/2", _closed(lambda n: n * (n + 1) // 2)),
        _S("pentagonal", "A000326", "n(3n - 1)/2", _closed(lambda n: n * (3 * n - 1) // 2)),
        _S("hexagonal", "A000384", "n(2n - 1)", _closed(lambda n: n * (2 * n - 1))),
        _S("heptagonal", "A000566", "n(5n - 3)/2", _closed(lambda n: n * (5 * n - 3) // 2)),
        _S("octagonal", "A000567", "n(3n - 2)", _closed(lambda n: n * (3 * n - 2))),
        _S("nonagonal", "A001106", "n(7n - 5)/2", _closed(lambda n: n * (7 * n - 5) // 2)),
        _S("decagonal", "A001107", "n(4n - 3)", _closed(lambda n: n * (4 * n - 3))),
        _S("oblong", "A002378", "pronic numbers n(n + 1)", _closed(lambda n: n * (n + 1))),
        _S("centered_triangular", "A005448", "3n(n - 1)/2 + 1", _closed(lambda n: 3 * n * (n - 1) // 2 + 1, 1)),
        _S("centered_square", "A001844", "2n(n + 1) + 1", _closed(lambda n: 2 * n * (n + 1) + 1)),
        _S("centered_pentagonal", "A005891", "5n(n + 1)/2 + 1", _closed(lambda n: 5 * n * (n + 1) // 2 + 1)),
        _S("centered_hexagonal", "A003215", "hex numbers 3n(n + 1) + 1", _closed(lambda n: 3 * n * (n + 1) + 1)),
        _S("star_numbers", "A003154", "6n(n - 1) + 1", _closed(lambda n: 6 * n * (n - 1) + 1, 1)),
        _S("lazy_caterer", "A000124", "most pieces of a disk cut by n lines: C(n, 0) + C(n, 1) + C(n, 2)",
           _closed(lambda n: sum(comb(n, k) for k in range(3)))),
        _S("cake_numbers", "A000125", "most pieces of a cube cut by n planes: C(n, 0) + ... + C(n, 3)",
           _closed(lambda n: sum(comb(n, k) for k in range(4)))),
        _S("circle_regions", "A000127", "regions of a circle cut by the chords of n points: sum of C(n-1, k), k <= 4",
           _closed(lambda n: sum(comb(n - 1, k) for k in range(5)), 1)),
        _S("tetrahedral", "A000292", "n(n + 1)(n + 2)/6", _closed(lambda n: n * (n + 1) * (n + 2) // 6)),
        _S("square_pyramidal", "A000330", "sum of the first n squares, n(n + 1)(2n + 1)/6",
           _closed(lambda n: n * (n + 1) * (2 * n + 1) // 6)),
        _S("pentagonal_pyramidal", "A002411", "n^2(n + 1)/2", _closed(lambda n: n**2 * (n + 1) // 2)),
        _S("hexagonal_pyramidal", "A002412", "n(n + 1)(4n - 1)/6", _closed(lambda n: n * (n + 1) * (4 * n - 1) // 6)),
        _S("pentatope", "A000332", "C(n, 4)", _closed(lambda n: comb(n, 4))),
        _S("sum_of_cubes", "A000537", "sum of the first n cubes, (n(n + 1)/2)^2",
           _closed(lambda n: sum(k**3 for k in range(n + 1)))),
        _S("octahedral", "A005900", "n(2n^2 + 1)/3", _closed(lambda n: n * (2 * n**2 + 1) // 3)),
        _S("dodecahedral", "A006566", "n(3n - 1)(3n - 2)/2", _closed(lambda n: n * (3 * n - 1) * (3 * n - 2) // 2)),
        _S("icosahedral", "A006564", "n(5n^2 - 5n + 2)/2", _closed(lambda n: n * (5 * n**2 - 5 * n + 2) // 2, 1)),
        _S("stella_octangula", "A007588", "n(2n^2 - 1)", _closed(lambda n: n * (2 * n**2 - 1))),
        _S("centered_cube", "A005898", "n^3 + (n + 1)^3", _closed(lambda n: n**3 + (n + 1) ** 3)),
        _S("square_triangular", "A001110", "numbers both square and triangular: a(n) = 34a(n-1) - a(n-2) + 2",
           _linear([0, 1], [34, -1], 2)),
    ]),
    *_group("powers", [  # powers and exponentials
        *(
            _S(f"powers_of_{b}", oeis, f"{b}^n", _closed(lambda n, b=b: b**n))
            for b, oeis in [
                (2, "A000079"), (3, "A000244"), (4, "A000302"), (5, "A000351"), (6, "A000400"),
                (7, "A000420"), (8, "A001018"), (9, "A001019"), (10, "A011557"),
            ]
        ),
        _S("mersenne", "A000225", "2^n - 1 (binary repunits)", _closed(lambda n: 2**n - 1)),
        _S("two_to_n_plus_one", "A000051", "2^n + 1", _closed(lambda n: 2**n + 1)),
        _S("repunits", "A002275", "(10^n - 1)/9: 0, 1, 11, 111, ...", _closed(lambda n: (10**n - 1) // 9)),
        _S("four_to_n_minus_one_over_3", "A002450", "(4^n - 1)/3", _closed(lambda n: (4**n - 1) // 3)),
        _S("three_to_n_minus_one_over_2", "A003462", "(3^n - 1)/2", _closed(lambda n: (3**n - 1) // 2)),
        _S("three_to_n_minus_two_to_n", "A001047", "3^n - 2^n", _closed(lambda n: 3**n - 2**n)),
        _S("two_to_n_minus_n", "A000325", "2^n - n", _closed(lambda n: 2**n - n)),
        _S("eulerian_2n_minus_n_minus_1", "A000295", "2^n - n - 1", _closed(lambda n: 2**n - n - 1)),
        _S("n_times_2_to_n_minus_1", "A001787", "n 2^(n-1)", _closed(lambda n: n * 2**n // 2)),
        _S("n_minus_1_times_2_to_n_plus_1", "A000337", "(n - 1) 2^n + 1", _closed(lambda n: (n - 1) * 2**n + 1)),
        _S("three_times_2_to_n", "A007283", "3 * 2^n", _closed(lambda n: 3 * 2**n)),
        _S("thabit", "", "Thabit numbers 3 * 2^n - 1", _closed(lambda n: 3 * 2**n - 1)),
        _S("cullen", "A002064", "n 2^n + 1", _closed(lambda n: n * 2**n + 1)),
        _S("woodall", "A003261", "n 2^n - 1", _closed(lambda n: n * 2**n - 1, 1)),
        _S("kynea", "A093069", "(2^n + 1)^2 - 2", _closed(lambda n: (2**n + 1) ** 2 - 2, 1)),
        _S("carol", "A093112", "(2^n - 1)^2 - 2, from n = 2 (a(1) = -1 is left out)",
           _closed(lambda n: (2**n - 1) ** 2 - 2, 2)),
        _S("lichtenberg", "A000975", "a(n) = 2a(n-1) + 1 for odd n, 2a(n-1) for even n",
           _iterate(lambda a: 2 * a[-1] + len(a) % 2, [0])),
        _S("n_to_the_n", "A000312", "n^n", _closed(lambda n: n**n)),
        _S("n_to_the_n_minus_1", "A000169", "n^(n-1), labelled rooted trees", _closed(lambda n: n ** (n - 1), 1)),
        _S("labeled_trees", "A000272", "n^(n-2), Cayley's formula (1 for n <= 1)",
           _closed(lambda n: n ** (n - 2) if n >= 2 else 1)),
    ]),
    *_group("linear_recurrence", [  # linear recurrences
        _S("fibonacci", "A000045", "F(n) = F(n-1) + F(n-2), F(0) = 0, F(1) = 1", _linear([0, 1], [1, 1])),
        _S("lucas", "A000032", "L(n) = L(n-1) + L(n-2), L(0) = 2, L(1) = 1", _linear([2, 1], [1, 1])),
        _S("fibonacci_minus_one", "A000071", "F(n) - 1, from n = 1", _closed(lambda n: _fibonacci(n) - 1, 1)),
        _S("fibonacci_even_bisection", "A001906", "F(2n)", _closed(lambda n: _fibonacci(2 * n))),
        _S("fibonacci_odd_bisection", "A001519", "F(2n - 1), with F(-1) = 1", _closed(lambda n: _fibonacci(abs(2 * n - 1)))),
        _S("lucas_even_bisection", "A005248", "L(2n)", _closed(lambda n: _lucas(2 * n))),
        _S("pell", "A000129", "a(n) = 2a(n-1) + a(n-2), 0, 1", _linear([0, 1], [2, 1])),
        _S("pell_lucas", "A002203", "companion Pell numbers: a(n) = 2a(n-1) + a(n-2), 2, 2", _linear([2, 2], [2, 1])),
        _S("sqrt2_numerators", "A001333", "a(n) = 2a(n-1) + a(n-2), 1, 1", _linear([1, 1], [2, 1])),
        _S("jacobsthal", "A001045", "a(n) = a(n-1) + 2a(n-2), 0, 1", _linear([0, 1], [1, 2])),
        _S("jacobsthal_lucas", "A014551", "a(n) = a(n-1) + 2a(n-2), 2, 1", _linear([2, 1], [1, 2])),
        _S("tribonacci", "A000073", "a(n) = a(n-1) + a(n-2) + a(n-3), 0, 0, 1", _linear([0, 0, 1], [1, 1, 1])),
        _S("tribonacci_ones", "A000213", "a(n) = a(n-1) + a(n-2) + a(n-3), 1, 1, 1", _linear([1, 1, 1], [1, 1, 1])),
        _S("tetranacci", "A000078", "sum of the previous four, 0, 0, 0, 1", _linear([0, 0, 0, 1], [1, 1, 1, 1])),
        _S("padovan", "A000931", "a(n) = a(n-2) + a(n-3), 1, 0, 0", _linear([1, 0, 0], [0, 1, 1])),
        _S("perrin", "A001608", "a(n) = a(n-2) + a(n-3), 3, 0, 2", _linear([3, 0, 2], [0, 1, 1])),
        _S("narayana_cows", "A000930", "a(n) = a(n-1) + a(n-3), 1, 1, 1", _linear([1, 1, 1], [1, 0, 1])),
        _S("leonardo", "A001595", "a(n) = a(n-1) + a(n-2) + 1, 1, 1", _linear([1, 1], [1, 1], 1)),
        _S("chebyshev_4_0_1", "A001353", "a(n) = 4a(n-1) - a(n-2), 0, 1", _linear([0, 1], [4, -1])),
        _S("chebyshev_4_1_2", "A001075", "a(n) = 4a(n-1) - a(n-2), 1, 2", _linear([1, 2], [4, -1])),
        _S("chebyshev_6_0_1", "A001109", "a(n) = 6a(n-1) - a(n-2), 0, 1 (square roots of square triangular numbers)",
           _linear([0, 1], [6, -1])),
        _S("recurrence_3_1", "A006190", "a(n) = 3a(n-1) + a(n-2), 0, 1", _linear([0, 1], [3, 1])),
        _S("recurrence_4_1", "A001076", "a(n) = 4a(n-1) + a(n-2), 0, 1", _linear([0, 1], [4, 1])),
    ]),
    *_group("combinatorics", [  # combinatorics
        _S("factorials", "A000142", "n!", _closed(factorial)),
        _S("double_factorials", "A006882", "n!! = n(n - 2)(n - 4)...", _closed(_double_factorial)),
        _S("odd_double_factorials", "A001147", "(2n - 1)!!", _closed(lambda n: _double_factorial(2 * n - 1))),
        _S("catalan", "A000108", "C(2n, n)/(n + 1)", _closed(lambda n: comb(2 * n, n) // (n + 1))),
        _S("central_binomial", "A000984", "C(2n, n)", _closed(lambda n: comb(2 * n, n))),
        _S("binomial_2n_plus_1_n", "A001700", "C(2n + 1, n + 1)", _closed(lambda n: comb(2 * n + 1, n + 1))),
        _S("central_trinomial", "A002426", "coefficient of x^n in (1 + x + x^2)^n",
           _closed(lambda n: sum(comb(n, 2 * k) * comb(2 * k, k) for k in range(n // 2 + 1)))),
        _S("motzkin", "A001006", "(n + 2)M(n) = (2n + 1)M(n-1) + 3(n - 1)M(n-2)",
           _iterate(lambda a: ((2 * len(a) + 1) * a[-1] + 3 * (len(a) - 1) * a[-2]) // (len(a) + 2), [1, 1])),
        _S("riordan", "A005043", "(n + 1)a(n) = (n - 1)(2a(n-1) + 3a(n-2)), 1, 0",
           _iterate(lambda a: (len(a) - 1) * (2 * a[-1] + 3 * a[-2]) // (len(a) + 1), [1, 0])),
        _S("large_schroeder", "A006318", "a(n) = a(n-1) + sum a(k)a(n-1-k)", _iterate(_schroeder, [1])),
        _S("little_schroeder", "A001003", "half the large Schroeder numbers (1 for n = 0)",
           lambda count: [1] + [x // 2 for x in _iterate(_schroeder, [1])(count)[1:]]),
        _S("bell", "A000110", "set partitions of n elements, from the Bell triangle", _bell),
        _S("fubini", "A000670", "ordered set partitions: a(n) = sum C(n, k) a(n-k), k >= 1",
           _iterate(lambda a: sum(comb(len(a), k) * a[len(a) - k] for k in range(1, len(a) + 1)), [1])),
        _S("derangements", "A000166", "subfactorials: a(n) = (n - 1)(a(n-1) + a(n-2)), 1, 0",
           _iterate(lambda a: (len(a) - 1) * (a[-1] + a[-2]), [1, 0])),
        _S("involutions", "A000085", "a(n) = a(n-1) + (n - 1)a(n-2), 1, 1",
           _iterate(lambda a: a[-1] + (len(a) - 1) * a[-2], [1, 1])),
        _S("euler_zigzag", "A000111", "alternating permutations, from the boustrophedon triangle", _zigzag),
        _S("partitions", "A000041", "partitions of n", _partitions),
        _S("distinct_partitions", "A000009", "partitions of n into distinct parts", _distinct_partitions),
    ]),
    *_group("number_theory", [  # primes and arithmetic functions (hard for any rule-based solver)
        _S("primes", "A000040", "the prime numbers", _primes),
        _S("composites", "A002808", "the composite numbers", _where(lambda n: n > 1 and not _is_prime(n), 2)),
        _S("semiprimes", "A001358", "products of two primes", _where(lambda n: sum(_factorize(n).values()) == 2, 2)),
        _S("squarefree", "A005117", "numbers with no square factor > 1",
           _where(lambda n: all(e == 1 for e in _factorize(n).values()))),
        _S("prime_powers", "A000961", "1 and the powers p^k of primes, k >= 1", _where(lambda n: len(_factorize(n)) <= 1)),
        _S("twin_primes", "A001097", "primes p with p - 2 or p + 2 prime",
           _where(lambda n: _is_prime(n) and (_is_prime(n - 2) or _is_prime(n + 2)), 2)),
        _S("lesser_twin_primes", "A001359", "primes p with p + 2 prime", _where(lambda n: _is_prime(n) and _is_prime(n + 2), 2)),
        _S("primorials", "A002110", "product of the first n primes", lambda count: [prod(_primes(n)) for n in range(count)]),
        _S("euclid_numbers", "A006862", "1 + product of the first n primes",
           lambda count: [prod(_primes(n)) + 1 for n in range(count)]),
        _S("prime_counting", "A000720", "pi(n), the number of primes <= n",
           _closed(lambda n: sum(_is_prime(k) for k in range(n + 1)), 1)),
        _S("num_divisors", "A000005", "d(n), the number of divisors of n", _closed(_num_divisors, 1)),
        _S("sum_of_divisors", "A000203", "sigma(n), the sum of the divisors of n", _closed(_sum_divisors, 1)),
        _S("euler_phi", "A000010", "Euler's totient phi(n)", _closed(_phi, 1)),
        _S("distinct_prime_factors", "A001221", "omega(n), the number of distinct primes dividing n",
           _closed(lambda n: len(_factorize(n)), 1)),
        _S("prime_factors", "A001222", "Omega(n), the number of prime factors of n with multiplicity",
           _closed(lambda n: sum(_factorize(n).values()), 1)),
        _S("greatest_prime_factor", "A006530", "largest prime dividing n (1 for n = 1)",
           _closed(lambda n: max(_factorize(n), default=1), 1)),
        _S("least_prime_factor", "A020639", "smallest prime dividing n (1 for n = 1)",
           _closed(lambda n: min(_factorize(n), default=1), 1)),
        _S("abundant", "A005101", "numbers n with sigma(n) > 2n", _where(lambda n: _sum_divisors(n) > 2 * n)),
        _S("hamming", "A051037", "5-smooth numbers 2^i 3^j 5^k", _where(lambda n: _smooth(n, (2, 3, 5)))),
        _S("three_smooth", "A003586", "3-smooth numbers 2^i 3^j", _where(lambda n: _smooth(n, (2, 3)))),
        _S("lcm_1_to_n", "A003418", "lcm(1, ..., n)", _closed(_lcm_upto)),
    ]),
    *_group("digits", [  # digits, bits, floors
        _S("digit_sum", "A007953", "sum of the decimal digits of n", _closed(_digit_sum)),
        _S("digit_reversal", "A004086", "n with its decimal digits reversed", _closed(lambda n: int(str(n)[::-1]))),
        _S("palindromes", "A002113", "decimal palindromes", _where(lambda n: str(n) == str(n)[::-1], 0)),
        _S("binary_weight", "A000120", "number of 1's in the binary expansion of n", _closed(lambda n: bin(n).count("1"))),
        _S("ruler", "A001511", "2-adic valuation of 2n", _closed(lambda n: (n & -n).bit_length(), 1)),
        _S("odious", "A000069", "numbers with an odd number of 1's in binary", _where(lambda n: bin(n).count("1") % 2 == 1)),
        _S("evil", "A001969", "numbers with an even number of 1's in binary", _where(lambda n: bin(n).count("1") % 2 == 0, 0)),
        _S("moser_de_bruijn", "A000695", "sums of distinct powers of 4",
           _closed(lambda n: sum(4**i for i in range(n.bit_length()) if n >> i & 1))),
        _S("quarter_squares", "A002620", "floor(n^2 / 4)", _closed(lambda n: n**2 // 4)),
        _S("floor_half", "A004526", "floor(n / 2)", _closed(lambda n: n // 2)),
        _S("floor_third", "A002264", "floor(n / 3)", _closed(lambda n: n // 3)),
        _S("n_mod_2", "A000035", "n mod 2", _closed(lambda n: n % 2)),
        _S("n_mod_3", "A010872", "n mod 3", _closed(lambda n: n % 3)),
        _S("floor_sqrt", "A000196", "floor(sqrt(n))", _closed(isqrt)),
        _S("lower_wythoff", "A000201", "floor(n phi), phi the golden ratio", _closed(lambda n: (n + isqrt(5 * n * n)) // 2, 1)),
        _S("beatty_sqrt2", "A001951", "floor(n sqrt(2))", _closed(lambda n: isqrt(2 * n * n))),
    ]),
    *_group("self_referential", [  # other famous sequences
        _S("collatz_steps", "A006577", "steps of the 3x + 1 map from n to 1", _closed(_collatz_steps, 1)),
        _S("recaman", "A005132", "a(n) = a(n-1) - n if that is positive and new, else a(n-1) + n", _iterate(_recaman, [0])),
    ]),
]


#: categories of the original entries that differ from their section's
_RECATEGORISED = {
    **dict.fromkeys(["squares", "cubes", "fourth_powers", "fifth_powers"], "powers"),
    **dict.fromkeys(["squares_plus_one", "squares_minus_one", "cubes_plus_n", "twice_squares_minus_one",
                     "n_plus_next_square", "central_polygonal", "triangular_plus_n", "magic_constants"], "polynomial"),
    "repunits": "digits",
    **dict.fromkeys(["factorials", "double_factorials", "odd_double_factorials", "central_binomial",
                     "binomial_2n_plus_1_n", "central_trinomial"], "hypergeometric"),
    **dict.fromkeys(["quarter_squares", "floor_half", "floor_third", "n_mod_2", "n_mod_3", "floor_sqrt",
                     "lower_wythoff", "beatty_sqrt2"], "floor_beatty"),
}
_ORIGINAL = [replace(s, category=_RECATEGORISED.get(s.name, s.category)) for s in _ORIGINAL]


# ---------------------------------------------------------------------------
# more helpers for the catalog's second part (every term still from its definition)


def _sieve(limit: int) -> list[int]:
    """The primes ``<= limit`` (sieve of Eratosthenes)."""
    if limit < 2:
        return []
    flags = bytearray([1]) * (limit + 1)
    flags[0] = flags[1] = 0
    for p in range(2, isqrt(limit) + 1):
        if flags[p]:
            flags[p * p :: p] = bytearray(len(range(p * p, limit + 1, p)))
    return [i for i, f in enumerate(flags) if f]


def _nth_primes(count: int) -> list[int]:
    """The first ``count`` primes."""
    limit = 64
    while True:
        primes = _sieve(limit)
        if len(primes) >= count:
            return primes[:count]
        limit *= 2


def _divisors(n: int) -> list[int]:
    """The divisors of ``n >= 1``, in increasing order."""
    small = [d for d in range(1, isqrt(n) + 1) if n % d == 0]
    return small + [n // d for d in reversed(small) if d * d != n]


def _mobius(n: int) -> int:
    f = _factorize(n)
    return 0 if any(e > 1 for e in f.values()) else (-1) ** len(f)


def _sigma_k(n: int, k: int) -> int:
    return sum(d**k for d in _divisors(n))


def _v(n: int, p: int) -> int:
    """The exponent of the prime ``p`` in ``n >= 1``."""
    e = 0
    while n % p == 0:
        n //= p
        e += 1
    return e


def _digits(n: int, base: int = 10) -> list[int]:
    """Digits of ``n >= 0`` in ``base``, most significant first."""
    if n == 0:
        return [0]
    out = []
    while n:
        n, d = divmod(n, base)
        out.append(d)
    return out[::-1]


def _from_digits(digits: Sequence[int], base: int = 10) -> int:
    value = 0
    for d in digits:
        value = value * base + d
    return value


def _polygonal(k: int) -> Callable[[int], int]:
    """The k-gonal number P(k, n) = ((k - 2)n^2 - (k - 4)n)/2."""
    return lambda n: ((k - 2) * n * n - (k - 4) * n) // 2


def _centered_polygonal(k: int) -> Callable[[int], int]:
    """The centered k-gonal number k n(n - 1)/2 + 1 (n >= 1)."""
    return lambda n: k * n * (n - 1) // 2 + 1


def _count_partitions(parts: Callable[[int], bool], count: int) -> list[int]:
    """Number of partitions of n (n < count) into parts accepted by ``parts``."""
    ways = [1] + [0] * max(count - 1, 0)
    for part in range(1, count):
        if parts(part):
            for n in range(part, count):
                ways[n] += ways[n - part]
    return ways[:count]


def _stirling1_row(n: int) -> list[int]:
    """Unsigned Stirling numbers of the first kind c(n, 0..n)."""
    row = [1]
    for m in range(n):
        row = [(m * (row[k] if k < len(row) else 0)) + (row[k - 1] if k else 0) for k in range(len(row) + 1)]
    return row


def _stirling2(n: int, k: int) -> int:
    return sum((-1) ** (k - j) * comb(k, j) * j**n for j in range(k + 1)) // factorial(k)


def _catalan(n: int) -> int:
    return comb(2 * n, n) // (n + 1)


def _euler_transform_rooted_trees(count: int) -> list[int]:
    """Rooted unlabelled trees with n nodes, n = 0, 1, ... (r(0) = 0)."""
    r = [0, 1]
    while len(r) < count:
        n = len(r) - 1
        total = sum(sum(d * r[d] for d in _divisors(k)) * r[n - k + 1] for k in range(1, n + 1))
        r.append(total // n)
    return r[:count]


def _free_trees(count: int) -> list[int]:
    """Unlabelled (free) trees with n nodes, n = 1, 2, ... (Otter's formula)."""
    r = _euler_transform_rooted_trees(count + 2)
    out = []
    for n in range(1, count + 1):
        pairs = sum(r[i] * r[n - i] for i in range(1, n))
        if n % 2 == 0:
            pairs -= r[n // 2]
        out.append(r[n] - pairs // 2)
    return out


def _wedderburn(count: int) -> list[int]:
    a = [0, 1]
    while len(a) < count:
        n = len(a)
        if n % 2:
            m = (n + 1) // 2
            a.append(sum(a[i] * a[n - i] for i in range(1, m)))
        else:
            m = n // 2
            a.append(a[m] * (a[m] + 1) // 2 + sum(a[i] * a[n - i] for i in range(1, m)))
    return a[:count]


def _necklaces(n: int, k: int) -> int:
    """k-ary necklaces of length n (1 for n = 0)."""
    if n == 0:
        return 1
    return sum(_phi(d) * k ** (n // d) for d in _divisors(n)) // n


def _bracelets(n: int, k: int) -> int:
    if n == 0:
        return 1
    extra = (k + 1) * k ** (n // 2) // 2 if n % 2 == 0 else k ** ((n + 1) // 2)
    return (_necklaces(n, k) + extra) // 2


def _lyndon(n: int, k: int) -> int:
    return sum(_mobius(d) * k ** (n // d) for d in _divisors(n)) // n


def _bernoulli(count: int) -> list:
    """Bernoulli numbers B_0, B_1 = -1/2, B_2, ... as Fractions (from the binomial recurrence)."""
    from fractions import Fraction

    b = [Fraction(1)]
    for m in range(1, count):
        b.append(-sum(comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return b[:count]


def _fixed_point(digits: int, series: Callable[[int], int]) -> int:
    """A constant times 10^digits, from ``series(scale)`` evaluated with 20 guard digits."""
    return series(10 ** (digits + 20)) // 10**20


def _e_scaled(scale: int) -> int:
    total, term, k = 0, scale, 0
    while term:
        total += term
        k += 1
        term //= k
    return total


def _arctan_inv_scaled(x: int, scale: int) -> int:
    """arctan(1/x) * scale."""
    total, power, k, sign = 0, scale // x, 1, 1
    while power:
        total += sign * (power // k)
        power //= x * x
        k += 2
        sign = -sign
    return total


def _pi_scaled(scale: int) -> int:
    return 16 * _arctan_inv_scaled(5, scale) - 4 * _arctan_inv_scaled(239, scale)


_DIGITS = 80
_E = _fixed_point(_DIGITS, _e_scaled)  # e * 10^80
_PI = _fixed_point(_DIGITS, _pi_scaled)  # pi * 10^80


def _exp_floor(n: int) -> int:
    """floor(e^n) from the exponential series in fixed point with 40 digits after the point."""
    scale = 10**60
    total, term, k = 0, scale, 0
    while term:
        total += term
        k += 1
        term = term * n // k
    return total // scale


def _pi_power_floor(n: int) -> int:
    digits = 40 + 2 * n
    pi = _fixed_point(digits, _pi_scaled)
    return pi**n // 10 ** (digits * n)


def _phi_power_floor(n: int) -> int:
    """floor(phi^n) = floor((L(n) + F(n) sqrt 5)/2)."""
    return (_lucas(n) + isqrt(5 * _fibonacci(n) ** 2)) // 2


def _interleave(f: Callable[[int], int], g: Callable[[int], int]) -> Rule:
    """f(0), g(0), f(1), g(1), ..."""
    return _closed(lambda n: f(n // 2) if n % 2 == 0 else g(n // 2))


def _alternate(rule: Rule) -> Rule:
    """(-1)^n times the terms of ``rule``."""
    return lambda count: [(-1) ** i * t for i, t in enumerate(rule(count))]


def _partial_sums(rule: Rule) -> Rule:
    def out(count: int) -> list[int]:
        total, sums = 0, []
        for t in rule(count):
            total += t
            sums.append(total)
        return sums

    return out


def _partial_products(rule: Rule) -> Rule:
    def out(count: int) -> list[int]:
        total, products = 1, []
        for t in rule(count):
            total *= t
            products.append(total)
        return products

    return out


def _differences(rule: Rule) -> Rule:
    def out(count: int) -> list[int]:
        t = rule(count + 1)
        return [b - a for a, b in zip(t, t[1:])]

    return out


def _rule(name: str) -> Rule:
    """The rule of an entry defined before (for sums, differences, signs, interleavings)."""
    return _SO_FAR[name].rule


def _term(name: str) -> Callable[[int], int]:
    """The n-th term (from the entry's own start) of an entry defined before."""
    rule = _SO_FAR[name].rule
    return lambda n: rule(n + 1)[n]


def _is_sum_of_two_squares(n: int) -> bool:
    return all(e % 2 == 0 for p, e in _factorize(n).items() if p % 4 == 3) if n else True


def _representations(n: int, form: Callable[[int, int], int], bound: int) -> int:
    return sum(1 for x in range(bound + 1) for y in range(x, bound + 1) if form(x, y) == n)


def _collatz_max(n: int) -> int:
    high = n
    while n != 1:
        n = 3 * n + 1 if n % 2 else n // 2
        high = max(high, n)
    return high


def _pisano(n: int) -> int:
    if n == 1:
        return 1
    a, b, k = 0, 1, 0
    while True:
        a, b = b, (a + b) % n
        k += 1
        if (a, b) == (0, 1):
            return k


def _multiplicative_order(a: int, n: int) -> int:
    if n == 1:
        return 1
    k, x = 1, a % n
    while x != 1:
        x = x * a % n
        k += 1
    return k


def _carmichael_lambda(n: int) -> int:
    value = 1
    for p, e in _factorize(n).items():
        if p == 2 and e >= 3:
            part = 2 ** (e - 2)
        else:
            part = p ** (e - 1) * (p - 1)
        value = value * part // gcd(value, part)
    return value


def _least_primitive_root(p: int) -> int:
    if p == 2:
        return 1
    factors = list(_factorize(p - 1))
    return next(g for g in range(2, p) if all(pow(g, (p - 1) // q, p) != 1 for q in factors))


def _smallest_with_divisors(n: int) -> int:
    """The least number with exactly n divisors: min over ordered factorisations n = f1 f2 ... (f1 >= f2 >= ...)."""
    primes = _nth_primes(64)

    def best(m: int, index: int, largest: int) -> int | None:
        if m == 1:
            return 1
        result = None
        for f in range(2, min(m, largest) + 1):
            rest = best(m // f, index + 1, f) if m % f == 0 else None
            if rest is not None:
                cand = primes[index] ** (f - 1) * rest
                result = cand if result is None else min(result, cand)
        return result

    return best(n, 0, n)


def _highly_composite(count: int) -> list[int]:
    """Numbers with more divisors than any smaller number, from candidates 2^a 3^b 5^c ... with a >= b >= c ..."""
    primes = _nth_primes(12)
    limit = 10**4
    while True:
        cands: list[tuple[int, int]] = []

        def grow(value: int, divisors: int, index: int, top: int) -> None:
            cands.append((value, divisors))
            if index == len(primes):
                return
            v = value
            for e in range(1, top + 1):
                v *= primes[index]
                if v > limit:
                    break
                grow(v, divisors * (e + 1), index + 1, e)

        grow(1, 1, 0, 64)
        out, record = [], 0
        for value, d in sorted(cands):
            if d > record:
                out.append(value)
                record = d
        if len(out) > count:
            return out[:count]
        limit *= 10


def _goldbach(n: int) -> int:
    """Ways to write 2n as p + q, p <= q primes."""
    return sum(1 for p in range(2, n + 1) if _is_prime(p) and _is_prime(2 * n - p))


def _tau_coefficients(count: int) -> list[int]:
    """Ramanujan's tau(1), tau(2), ...: coefficients of q prod (1 - q^k)^24."""
    series = [1] + [0] * (count - 1)
    for k in range(1, count):
        for _ in range(24):
            for i in range(count - 1, k - 1, -1):
                series[i] -= series[i - k]
    return series[:count]


def _menage(n: int) -> int:
    """Touchard: sum (-1)^k (2n/(2n - k)) C(2n - k, k) (n - k)!."""
    return sum((-1) ** k * (comb(2 * n - k, k) + (comb(2 * n - k - 1, k - 1) if k else 0)) * factorial(n - k)
               for k in range(n + 1))


def _asm(n: int) -> int:
    """Alternating sign matrices: prod_{k<n} (3k + 1)!/(n + k)!."""
    num = prod(factorial(3 * k + 1) for k in range(n))
    den = prod(factorial(n + k) for k in range(n))
    return num // den


def _baxter(n: int) -> int:
    if n == 0:
        return 1
    return sum(comb(n + 1, k - 1) * comb(n + 1, k) * comb(n + 1, k + 1) for k in range(1, n + 1)) // (
        comb(n + 1, 1) * comb(n + 1, 2))


def _connected_graphs(count: int) -> list[int]:
    """Connected labelled graphs on n = 1, 2, ... nodes."""
    g = [2 ** comb(n, 2) for n in range(count + 1)]
    c = [0]
    for n in range(1, count + 1):
        c.append(g[n] - sum(comb(n - 1, k - 1) * c[k] * g[n - k] for k in range(1, n)))
    return c[1:]


def _labelled_dags(count: int) -> list[int]:
    a = [1]
    for n in range(1, count):
        a.append(sum((-1) ** (k + 1) * comb(n, k) * 2 ** (k * (n - k)) * a[n - k] for k in range(1, n + 1)))
    return a[:count]


def _golomb(count: int) -> list[int]:
    a = [0, 1]
    while len(a) <= count:
        n = len(a)
        a.append(1 + a[n - a[a[n - 1]]])
    return a[1 : count + 1]


def _hofstadter_q(count: int) -> list[int]:
    q = [0, 1, 1]
    while len(q) <= count:
        n = len(q)
        q.append(q[n - q[n - 1]] + q[n - q[n - 2]])
    return q[1 : count + 1]


def _hofstadter_g(count: int) -> list[int]:
    g = [0]
    while len(g) < count:
        n = len(g)
        g.append(n - g[g[n - 1]])
    return g[:count]


def _hofstadter_h(count: int) -> list[int]:
    h = [0]
    while len(h) < count:
        n = len(h)
        h.append(n - h[h[h[n - 1]]])
    return h[:count]


def _conway_10000(count: int) -> list[int]:
    a = [0, 1, 1]
    while len(a) <= count:
        n = len(a)
        a.append(a[a[n - 1]] + a[n - a[n - 1]])
    return a[1 : count + 1]


def _kolakoski(count: int) -> list[int]:
    a = [1, 2, 2]
    i = 2
    while len(a) < count:
        nxt = 1 if a[-1] == 2 else 2
        a.extend([nxt] * a[i])
        i += 1
    return a[:count]


def _look_and_say_strings(count: int) -> list[str]:
    out, s = [], "1"
    for _ in range(count):
        out.append(s)
        runs, i = [], 0
        while i < len(s):
            j = i
            while j < len(s) and s[j] == s[i]:
                j += 1
            runs.append(f"{j - i}{s[i]}")
            i = j
        s = "".join(runs)
    return out


def _look_and_say(count: int) -> list[int]:
    # from the digits by arithmetic: int(str) refuses more than 4300 digits, and the 30th term has 4462
    return [_from_digits([int(c) for c in s]) for s in _look_and_say_strings(count)]


def _stern(n: int) -> int:
    a, b = 1, 0  # fusc by the binary digits of n
    while n:
        if n & 1:
            b += a
        else:
            a += b
        n >>= 1
    return b


def _van_eck(count: int) -> list[int]:
    a, last = [0], {}
    while len(a) < count:
        n = len(a) - 1
        x = a[-1]
        a.append(n - last[x] if x in last else 0)
        last[x] = n
    return a[:count]


def _ulam(count: int) -> list[int]:
    u = [1, 2]
    while len(u) < count:
        n = u[-1] + 1
        members = set(u)
        while sum(1 for x in u if 2 * x < n and n - x in members) != 1:
            n += 1
        u.append(n)
    return u[:count]


def _lucky(count: int) -> list[int]:
    limit = 16 * count + 16
    while True:
        nums = list(range(1, limit + 1, 2))
        i = 1
        while i < len(nums) and nums[i] <= len(nums):
            step = nums[i]
            del nums[step - 1 :: step]
            i += 1
        if len(nums) >= count and (i >= len(nums) or nums[i] > len(nums)):
            return nums[:count]
        limit *= 2


def _ekg(count: int) -> list[int]:
    a, used = [1, 2], {1, 2}
    while len(a) < count:
        n = 2
        while n in used or gcd(n, a[-1]) == 1:
            n += 1
        a.append(n)
        used.add(n)
    return a[:count]


def _mian_chowla(count: int) -> list[int]:
    a, sums = [1], {2}
    while len(a) < count:
        n = a[-1] + 1
        while True:
            new = {n + x for x in a} | {2 * n}
            if not new & sums and len(new) == len(a) + 1:
                break
            n += 1
        a.append(n)
        sums |= new
    return a[:count]


def _figure_figure(count: int) -> list[int]:
    r, s = [1], [2]
    while len(r) < count:
        r.append(r[-1] + s[len(r) - 1])
        nxt = s[-1] + 1
        while nxt in r:
            nxt += 1
        s.append(nxt)
    return r[:count]


def _fibonacci_word(count: int) -> list[int]:
    word = [0]
    while len(word) < count:
        word = [x for c in word for x in ((0, 1) if c == 0 else (0,))]
    return word[:count]


def _iroot(n: int, k: int) -> int:
    """floor(n^(1/k)) for n >= 0, exactly (bisection on integers)."""
    low, high = 0, 1 << (n.bit_length() // k + 1)
    while low < high:
        mid = (low + high + 1) // 2
        if mid**k <= n:
            low = mid
        else:
            high = mid - 1
    return low


def _is_perfect_power(n: int) -> bool:
    return n == 1 or any(_iroot(n, k) ** k == n for k in range(2, n.bit_length() + 1))


def _baum_sweet(n: int) -> int:
    if n == 0:
        return 1
    for run in bin(n)[2:].split("1"):
        if len(run) % 2:
            return 0
    return 1


def _is_happy(n: int) -> bool:
    seen = set()
    while n != 1 and n not in seen:
        seen.add(n)
        n = sum(d * d for d in _digits(n))
    return n == 1


def _persistence(n: int) -> int:
    steps = 0
    while n >= 10:
        n = prod(_digits(n))
        steps += 1
    return steps


def _is_self_number(n: int) -> bool:
    return all(m + _digit_sum(m) != n for m in range(max(0, n - 9 * len(str(n))), n))


_SO_FAR: dict[str, RealSequence] = {s.name: s for s in _ORIGINAL}


def _add(category: str, entries: Sequence[RealSequence]) -> list[RealSequence]:
    """The entries in ``category``, also registered for the later groups' references."""
    out = _group(category, entries)
    for s in out:
        _SO_FAR[s.name] = s
    return out


def _N(name: str, description: str, rule: Rule) -> RealSequence:
    """A catalog entry of the second part (no reference number is given for these)."""
    return RealSequence(name, "", description, rule)


_ORDINALS = {2: "binary", 3: "ternary", 4: "quaternary", 5: "base5", 6: "base6", 7: "base7", 8: "octal", 9: "base9"}

_NUMBER_THEORY = _add("number_theory", [
    _N("deficient", "numbers n with sigma(n) < 2n", _where(lambda n: _sum_divisors(n) < 2 * n)),
    _N("perfect_powers", "1 and the numbers m^k with k >= 2", _where(_is_perfect_power)),
    _N("powerful", "numbers whose every prime factor divides them at least twice", _where(
        lambda n: all(e >= 2 for e in _factorize(n).values()))),
    _N("cubefree", "numbers with no cube factor > 1", _where(lambda n: all(e < 3 for e in _factorize(n).values()))),
    _N("sphenic", "products of three distinct primes", _where(
        lambda n: len(_factorize(n)) == 3 and all(e == 1 for e in _factorize(n).values()), 2)),
    _N("three_almost_primes", "numbers with exactly three prime factors (with multiplicity)",
       _where(lambda n: sum(_factorize(n).values()) == 3, 2)),
    _N("squarefree_semiprimes", "products of two distinct primes", _where(
        lambda n: len(_factorize(n)) == 2 and sum(_factorize(n).values()) == 2, 2)),
    _N("four_divisors", "numbers with exactly four divisors", _where(lambda n: _num_divisors(n) == 4)),
    _N("primes_1_mod_4", "primes p = 1 (mod 4) (Pythagorean primes)", _where(lambda n: n % 4 == 1 and _is_prime(n), 2)),
    _N("primes_3_mod_4", "primes p = 3 (mod 4)", _where(lambda n: n % 4 == 3 and _is_prime(n), 2)),
    _N("primes_1_mod_3", "primes p = 1 (mod 3)", _where(lambda n: n % 3 == 1 and _is_prime(n), 2)),
    _N("primes_2_mod_3", "primes p = 2 (mod 3)", _where(lambda n: n % 3 == 2 and _is_prime(n), 2)),
    _N("primes_1_mod_8", "primes p = 1 (mod 8)", _where(lambda n: n % 8 == 1 and _is_prime(n), 2)),
    _N("primes_pm1_mod_8", "primes p = 1 or 7 (mod 8) (2 is a square mod p)",
       _where(lambda n: n % 8 in (1, 7) and _is_prime(n), 2)),
    _N("primes_1_mod_5", "primes p = 1 (mod 5)", _where(lambda n: n % 5 == 1 and _is_prime(n), 2)),
    _N("sophie_germain_primes", "primes p with 2p + 1 prime", _where(lambda n: _is_prime(n) and _is_prime(2 * n + 1), 2)),
    _N("safe_primes", "primes p with (p - 1)/2 prime", _where(lambda n: _is_prime(n) and _is_prime(n // 2), 5)),
    _N("cousin_primes", "primes p with p + 4 prime", _where(lambda n: _is_prime(n) and _is_prime(n + 4), 2)),
    _N("sexy_primes", "primes p with p + 6 prime", _where(lambda n: _is_prime(n) and _is_prime(n + 6), 2)),
    _N("isolated_primes", "primes p with neither p - 2 nor p + 2 prime",
       _where(lambda n: _is_prime(n) and not _is_prime(n - 2) and not _is_prime(n + 2), 2)),
    _N("chen_primes", "primes p with p + 2 a prime or a semiprime",
       _where(lambda n: _is_prime(n) and sum(_factorize(n + 2).values()) <= 2, 2)),
    _N("primes_n2_plus_1", "primes of the form n^2 + 1", _where(lambda n: _is_prime(n) and isqrt(n - 1) ** 2 == n - 1, 2)),
    _N("palindromic_primes", "primes that are decimal palindromes",
       _where(lambda n: str(n) == str(n)[::-1] and _is_prime(n), 2)),
    _N("emirps", "primes whose digit reversal is a different prime",
       _where(lambda n: _is_prime(n) and int(str(n)[::-1]) != n and _is_prime(int(str(n)[::-1])), 2)),
    _N("super_primes", "primes with a prime index: prime(prime(n))",
       lambda count: (lambda ps: [ps[q - 1] for q in ps[:count]])(_nth_primes(_nth_primes(count)[-1] if count else 0))),
    _N("prime_squares", "squares of primes", lambda count: [p * p for p in _nth_primes(count)]),
    _N("prime_cubes", "cubes of primes", lambda count: [p**3 for p in _nth_primes(count)]),
    _N("sigma_2", "sum of the squares of the divisors of n", _closed(lambda n: _sigma_k(n, 2), 1)),
    _N("sigma_3", "sum of the cubes of the divisors of n", _closed(lambda n: _sigma_k(n, 3), 1)),
    _N("aliquot_sum", "sigma(n) - n, the sum of the proper divisors", _closed(lambda n: _sum_divisors(n) - n, 1)),
    _N("radical", "rad(n), the product of the distinct primes dividing n", _closed(lambda n: prod(_factorize(n)), 1)),
    _N("squarefree_part", "the smallest m with n/m a square", _closed(
        lambda n: prod(p for p, e in _factorize(n).items() if e % 2), 1)),
    _N("squarefree_divisors", "2^omega(n), the number of squarefree divisors of n",
       _closed(lambda n: 2 ** len(_factorize(n)), 1)),
    _N("unitary_sigma", "sum of the unitary divisors of n: prod (1 + p^e)",
       _closed(lambda n: prod(1 + p**e for p, e in _factorize(n).items()), 1)),
    _N("jordan_j2", "Jordan's totient J_2(n) = n^2 prod (1 - 1/p^2)",
       _closed(lambda n: prod(p ** (2 * e - 2) * (p * p - 1) for p, e in _factorize(n).items()), 1)),
    _N("dedekind_psi", "Dedekind's psi(n) = n prod (1 + 1/p)",
       _closed(lambda n: prod(p ** (e - 1) * (p + 1) for p, e in _factorize(n).items()), 1)),
    _N("carmichael_lambda", "Carmichael's lambda(n), the exponent of the group of units mod n",
       _closed(_carmichael_lambda, 1)),
    _N("order_of_2_mod_2n_plus_1", "multiplicative order of 2 modulo 2n + 1", _closed(
        lambda n: _multiplicative_order(2, 2 * n + 1), 1)),
    _N("least_primitive_root", "least primitive root of the n-th prime",
       lambda count: [_least_primitive_root(p) for p in _nth_primes(count)]),
    _N("odd_part", "largest odd divisor of n", _closed(lambda n: n >> _v(n, 2), 1)),
    _N("odd_divisors", "number of odd divisors of n", _closed(lambda n: _num_divisors(n >> _v(n, 2)), 1)),
    _N("sum_odd_divisors", "sum of the odd divisors of n", _closed(lambda n: _sum_divisors(n >> _v(n, 2)), 1)),
    _N("divisors_of_factorial", "number of divisors of n!", _closed(
        lambda n: prod(sum(n // p**k for k in range(1, n.bit_length() + 1)) + 1 for p in _sieve(n)))),
    _N("sopfr", "sum of the prime factors of n, with multiplicity (integer log)",
       _closed(lambda n: sum(p * e for p, e in _factorize(n).items()), 1)),
    _N("sopf", "sum of the distinct primes dividing n", _closed(lambda n: sum(_factorize(n)), 1)),
    _N("goldbach_partitions", "ways to write 2n as p + q with primes p <= q", _closed(_goldbach, 1)),
    _N("ramanujan_tau", "Ramanujan's tau(n): coefficients of q prod (1 - q^k)^24", lambda count: _tau_coefficients(count)),
    _N("sum_of_two_squares_r2", "r_2(n): ways to write n as x^2 + y^2 with integers x, y (signs and order count)",
       _closed(lambda n: 4 * sum((d % 4 == 1) - (d % 4 == 3) for d in _divisors(n)) if n else 1)),
    _N("pisano_periods", "period of the Fibonacci numbers modulo n", _closed(_pisano, 1)),
    _N("cototient", "n - phi(n)", _closed(lambda n: n - _phi(n), 1)),
    _N("pillai", "Pillai's function: sum of gcd(k, n), k = 1..n", _closed(lambda n: sum(gcd(k, n) for k in range(1, n + 1)), 1)),
    _N("squares_mod_n", "number of distinct squares modulo n", _closed(lambda n: len({k * k % n for k in range(n)}), 1)),
    _N("smallest_with_n_divisors", "the least number with exactly n divisors", _closed(_smallest_with_divisors, 1)),
    _N("highly_composite", "numbers with more divisors than every smaller number", _highly_composite),
    _N("mobius", "Moebius mu(n)", _closed(_mobius, 1)),
    _N("liouville", "Liouville's lambda(n) = (-1)^Omega(n)", _closed(lambda n: (-1) ** sum(_factorize(n).values()), 1)),
    _N("bernoulli_denominators", "denominators of the Bernoulli numbers B_n (B_1 = -1/2)",
       lambda count: [b.denominator for b in _bernoulli(count)]),
    _N("n_th_prime_minus_n", "prime(n) - n", lambda count: [p - n for n, p in enumerate(_nth_primes(count), 1)]),
])

_COMBINATORICS = _add("combinatorics", [
    _N("stirling2_k3", "Stirling numbers of the second kind S(n, 3), n >= 3", _closed(lambda n: _stirling2(n, 3), 3)),
    _N("stirling2_k4", "Stirling numbers of the second kind S(n, 4), n >= 4", _closed(lambda n: _stirling2(n, 4), 4)),
    _N("stirling1_k2", "unsigned Stirling numbers of the first kind |s(n, 2)|, n >= 2",
       _closed(lambda n: _stirling1_row(n)[2], 2)),
    _N("stirling1_k3", "unsigned Stirling numbers of the first kind |s(n, 3)|, n >= 3",
       _closed(lambda n: _stirling1_row(n)[3], 3)),
    _N("lah_k2", "Lah numbers L(n, 2) = C(n - 1, 1) n!/2!, n >= 2", _closed(lambda n: (n - 1) * factorial(n) // 2, 2)),
    _N("bell_no_singletons", "set partitions of n elements without singleton blocks",
       lambda count: [sum((-1) ** (n - k) * comb(n, k) * b for k, b in enumerate(_bell(n + 1))) for n in range(count)]),
    _N("fine", "Fine's numbers: C(n) = 2F(n) + F(n-1), F(0) = 1",
       _iterate(lambda a: (_catalan(len(a)) - a[-1]) // 2, [1])),
    _N("ternary_numbers", "Fuss-Catalan numbers C(3n, n)/(2n + 1) (ternary trees)",
       _closed(lambda n: comb(3 * n, n) // (2 * n + 1))),
    _N("quaternary_numbers", "Fuss-Catalan numbers C(4n, n)/(3n + 1)", _closed(lambda n: comb(4 * n, n) // (3 * n + 1))),
    _N("central_delannoy", "central Delannoy numbers: sum C(n, k) C(n + k, k)",
       _closed(lambda n: sum(comb(n, k) * comb(n + k, k) for k in range(n + 1)))),
    _N("directed_animals", "directed animals of size n + 1: sum C(n, k) C(k, floor(k/2))",
       _closed(lambda n: sum(comb(n, k) * comb(k, k // 2) for k in range(n + 1)))),
    _N("baxter_permutations", "Baxter permutations of n elements", _closed(_baxter)),
    _N("three_dim_catalan", "3-dimensional Catalan numbers 2(3n)!/(n!(n + 1)!(n + 2)!)",
       _closed(lambda n: 2 * factorial(3 * n) // (factorial(n) * factorial(n + 1) * factorial(n + 2)))),
    _N("wedderburn_etherington", "Wedderburn-Etherington numbers: unlabelled binary rooted trees", _wedderburn),
    _N("rooted_trees", "rooted unlabelled trees with n nodes (0 for n = 0)", _euler_transform_rooted_trees),
    _N("free_trees", "unlabelled trees with n nodes, n >= 1 (Otter)", _free_trees),
    _N("labelled_graphs", "labelled graphs on n nodes: 2^C(n, 2)", _closed(lambda n: 2 ** comb(n, 2))),
    _N("connected_labelled_graphs", "connected labelled graphs on n >= 1 nodes", _connected_graphs),
    _N("labelled_dags", "labelled acyclic digraphs on n nodes (Robinson)", _labelled_dags),
    _N("binary_necklaces", "binary necklaces of length n", _closed(lambda n: _necklaces(n, 2))),
    _N("ternary_necklaces", "ternary necklaces of length n", _closed(lambda n: _necklaces(n, 3))),
    _N("binary_bracelets", "binary bracelets (turnover necklaces) of length n", _closed(lambda n: _bracelets(n, 2))),
    _N("binary_lyndon_words", "aperiodic binary necklaces (Lyndon words) of length n >= 1",
       _closed(lambda n: _lyndon(n, 2), 1)),
    _N("partitions_at_most_3_parts", "partitions of n into at most 3 parts (parts 1, 2, 3)",
       lambda count: _count_partitions(lambda k: k <= 3, count)),
    _N("partitions_at_most_4_parts", "partitions of n into at most 4 parts",
       lambda count: _count_partitions(lambda k: k <= 4, count)),
    _N("partitions_into_primes", "partitions of n into prime parts", lambda count: _count_partitions(_is_prime, count)),
    _N("partitions_into_squares", "partitions of n into square parts",
       lambda count: _count_partitions(lambda k: isqrt(k) ** 2 == k, count)),
    _N("partitions_no_part_divisible_by_3", "partitions of n with no part divisible by 3",
       lambda count: _count_partitions(lambda k: k % 3 != 0, count)),
    _N("partitions_without_ones", "partitions of n with no part 1: p(n) - p(n-1)",
       lambda count: [1] + [b - a for a, b in zip(_partitions(count), _partitions(count)[1:])][: max(count - 1, 0)]),
    _N("plane_partitions", "plane partitions of n: a(n) = (1/n) sum sigma_2(k) a(n - k)",
       _iterate(lambda a: sum(_sigma_k(k, 2) * a[len(a) - k] for k in range(1, len(a) + 1)) // len(a), [1])),
    _N("overpartitions", "overpartitions of n: coefficients of prod (1 + x^k)/(1 - x^k)",
       lambda count: [sum(d * p for d, p in zip(_distinct_partitions(n + 1), reversed(_partitions(n + 1))))
                      for n in range(count)]),
    _N("rencontres_one_fixed_point", "permutations of n elements with exactly one fixed point: n D(n - 1)",
       lambda count: [0] + [n * d for n, d in zip(range(1, count), _SO_FAR["derangements"].rule(count))]),
    _N("fixed_point_free_involutions", "perfect matchings of n points: (n - 1)!! for even n, 0 for odd n",
       _closed(lambda n: 0 if n % 2 else _double_factorial(n - 1))),
    _N("permutations_order_3", "permutations with p^3 = id: a(n) = a(n-1) + (n - 1)(n - 2)a(n-3)",
       _iterate(lambda a: a[-1] + (len(a) - 1) * (len(a) - 2) * a[-3], [1, 1, 1])),
    _N("idempotent_maps", "idempotent maps of an n-set: sum C(n, k) k^(n - k)",
       _closed(lambda n: sum(comb(n, k) * k ** (n - k) for k in range(n + 1)))),
    _N("alternating_sign_matrices", "n x n alternating sign matrices: prod (3k + 1)!/(n + k)!", _closed(_asm)),
    _N("secant_numbers", "Euler (secant) numbers: alternating permutations of 2n elements",
       lambda count: _zigzag(2 * count)[::2][:count]),
    _N("tangent_numbers", "tangent numbers: alternating permutations of 2n + 1 elements",
       lambda count: _zigzag(2 * count)[1::2][:count]),
    _N("genocchi", "Genocchi numbers G(2n) = 2n T(n) / 2^(2n-1), n >= 1, T the tangent numbers",
       lambda count: [2 * n * t // 2 ** (2 * n - 1) for n, t in enumerate(_zigzag(2 * count + 2)[1::2][:count], 1)]),
    _N("eulerian_k2", "Eulerian numbers A(n, 2): permutations with two descents, n >= 3",
       _closed(lambda n: 3**n - (n + 1) * 2**n + comb(n + 1, 2), 3)),
    _N("menage", "menage numbers (Touchard), n >= 3", _closed(_menage, 3)),
])

_HYPERGEOMETRIC = _add("hypergeometric", [
    *(
        _N(f"binomial_n_plus_{k}_choose_{k}", f"C(n + {k}, {k})", _closed(lambda n, k=k: comb(n + k, k)))
        for k in range(5, 13)
    ),
    _N("binomial_2n_n_minus_1", "C(2n, n - 1)", _closed(lambda n: comb(2 * n, n - 1) if n else 0)),
    _N("binomial_2n_n_minus_2", "C(2n, n - 2), n >= 2", _closed(lambda n: comb(2 * n, n - 2), 2)),
    _N("binomial_3n_n", "C(3n, n)", _closed(lambda n: comb(3 * n, n))),
    _N("binomial_4n_n", "C(4n, n)", _closed(lambda n: comb(4 * n, n))),
    _N("binomial_n_floor_half", "central column of Pascal's triangle: C(n, floor(n/2))", _closed(lambda n: comb(n, n // 2))),
    _N("central_binomial_squared", "C(2n, n)^2", _closed(lambda n: comb(2 * n, n) ** 2)),
    _N("apery_zeta3", "Apery numbers: sum C(n, k)^2 C(n + k, k)^2",
       _closed(lambda n: sum(comb(n, k) ** 2 * comb(n + k, k) ** 2 for k in range(n + 1)))),
    _N("apery_zeta2", "Apery numbers for zeta(2): sum C(n, k)^2 C(n + k, k)",
       _closed(lambda n: sum(comb(n, k) ** 2 * comb(n + k, k) for k in range(n + 1)))),
    _N("franel", "Franel numbers: sum C(n, k)^3", _closed(lambda n: sum(comb(n, k) ** 3 for k in range(n + 1)))),
    _N("binomial_fourth_power_sums", "sum C(n, k)^4", _closed(lambda n: sum(comb(n, k) ** 4 for k in range(n + 1)))),
    _N("domb", "Domb numbers: sum C(n, k)^2 C(2k, k) C(2n - 2k, n - k)",
       _closed(lambda n: sum(comb(n, k) ** 2 * comb(2 * k, k) * comb(2 * n - 2 * k, n - k) for k in range(n + 1)))),
    _N("factorial_2n", "(2n)!", _closed(lambda n: factorial(2 * n))),
    _N("factorial_2n_plus_1", "(2n + 1)!", _closed(lambda n: factorial(2 * n + 1))),
    _N("factorial_squared", "(n!)^2", _closed(lambda n: factorial(n) ** 2)),
    _N("quadruple_factorial_numbers", "(2n)!/n!", _closed(lambda n: factorial(2 * n) // factorial(n))),
    _N("even_double_factorials", "(2n)!! = 2^n n!", _closed(lambda n: 2**n * factorial(n))),
    _N("triple_factorials", "n!!! = n(n - 3)(n - 6)...", _closed(lambda n: prod(range(n, 0, -3)))),
    _N("quadruple_factorials", "n!!!! = n(n - 4)(n - 8)...", _closed(lambda n: prod(range(n, 0, -4)))),
    _N("multinomial_3n", "(3n)!/(n!)^3", _closed(lambda n: factorial(3 * n) // factorial(n) ** 3)),
    _N("product_3k_plus_1", "prod (3k + 1), k = 0..n-1", _closed(lambda n: prod(3 * k + 1 for k in range(n)))),
    _N("product_3k_plus_2", "prod (3k + 2), k = 0..n-1", _closed(lambda n: prod(3 * k + 2 for k in range(n)))),
    _N("product_4k_plus_1", "prod (4k + 1), k = 0..n-1", _closed(lambda n: prod(4 * k + 1 for k in range(n)))),
    _N("half_factorials", "n!/2, n >= 2 (even permutations)", _closed(lambda n: factorial(n) // 2, 2)),
    _N("n_times_factorial", "n * n!", _closed(lambda n: n * factorial(n))),
    _N("factorial_minus_one", "n! - 1, n >= 1", _closed(lambda n: factorial(n) - 1, 1)),
    _N("factorial_plus_one", "n! + 1", _closed(lambda n: factorial(n) + 1)),
    _N("two_n_factorial_over_two_to_n", "(2n)!/2^n", _closed(lambda n: factorial(2 * n) // 2**n)),
    _N("catalan_times_factorial", "n! C(n): (2n)!/(n + 1)!", _closed(lambda n: factorial(2 * n) // factorial(n + 1))),
    _N("super_ballot", "super ballot numbers 6(2n)!/(n!(n + 2)!)",
       _closed(lambda n: 6 * factorial(2 * n) // (factorial(n) * factorial(n + 2)))),
    _N("binomial_2n_n_times_2n_plus_1", "(2n + 1) C(2n, n)", _closed(lambda n: (2 * n + 1) * comb(2 * n, n))),
    _N("rising_factorial_n_n", "n(n + 1)...(2n - 1) = (2n - 1)!/(n - 1)!", _closed(
        lambda n: factorial(2 * n - 1) // factorial(n - 1) if n else 1)),
    _N("n_factorial_times_n_plus_1_factorial", "n!(n + 1)!", _closed(lambda n: factorial(n) * factorial(n + 1))),
])

_FIGURATE = _add("figurate", [
    *(
        _N(f"polygonal_{k}", f"{k}-gonal numbers (({k - 2}n^2 - {k - 4}n)/2)", _closed(_polygonal(k)))
        for k in range(11, 31)
    ),
    *(
        _N(f"centered_{k}_gonal", f"centered {k}-gonal numbers {k}n(n - 1)/2 + 1", _closed(_centered_polygonal(k), 1))
        for k in range(7, 21) if k != 12  # centered 12-gonal numbers are the star numbers
    ),
    *(
        _N(f"pyramidal_{k}", f"{k}-gonal pyramidal numbers n(n + 1)(({k - 2})n - ({k - 5}))/6",
           _closed(lambda n, k=k: n * (n + 1) * ((k - 2) * n - (k - 5)) // 6))
        for k in range(7, 13)
    ),
    _N("generalized_pentagonal", "generalized pentagonal numbers m(3m - 1)/2, m = 0, 1, -1, 2, -2, ...",
       _closed(lambda n: (lambda m: m * (3 * m - 1) // 2)((n + 1) // 2 if n % 2 else -(n // 2)))),
    _N("generalized_heptagonal", "generalized heptagonal numbers m(5m - 3)/2, m = 0, 1, -1, 2, -2, ...",
       _closed(lambda n: (lambda m: m * (5 * m - 3) // 2)((n + 1) // 2 if n % 2 else -(n // 2)))),
    _N("generalized_octagonal", "generalized octagonal numbers m(3m - 2), m = 0, 1, -1, 2, -2, ...",
       _closed(lambda n: (lambda m: m * (3 * m - 2))((n + 1) // 2 if n % 2 else -(n // 2)))),
    _N("second_pentagonal", "second pentagonal numbers n(3n + 1)/2", _closed(lambda n: n * (3 * n + 1) // 2)),
    _N("centered_tetrahedral", "centered tetrahedral numbers (2n + 1)(n^2 + n + 3)/3",
       _closed(lambda n: (2 * n + 1) * (n * n + n + 3) // 3)),
    _N("centered_octahedral", "centered octahedral numbers (2n + 1)(2n^2 + 2n + 3)/3",
       _closed(lambda n: (2 * n + 1) * (2 * n * n + 2 * n + 3) // 3)),
    _N("centered_icosahedral", "centered icosahedral numbers (2n + 1)(5n^2 + 5n + 3)/3",
       _closed(lambda n: (2 * n + 1) * (5 * n * n + 5 * n + 3) // 3)),
    _N("rhombic_dodecahedral", "rhombic dodecahedral numbers (2n - 1)(2n^2 - 2n + 1), n >= 1",
       _closed(lambda n: (2 * n - 1) * (2 * n * n - 2 * n + 1), 1)),
    _N("truncated_tetrahedral", "truncated tetrahedral numbers n(23n^2 - 27n + 10)/6, n >= 1",
       _closed(lambda n: n * (23 * n * n - 27 * n + 10) // 6, 1)),
    _N("truncated_octahedral", "truncated octahedral numbers 16n^3 - 33n^2 + 24n - 6, n >= 1",
       _closed(lambda n: 16 * n**3 - 33 * n**2 + 24 * n - 6, 1)),
    _N("hexagonal_prism", "hexagonal prism numbers (n + 1)(3n^2 + 3n + 1)", _closed(lambda n: (n + 1) * (3 * n * n + 3 * n + 1))),
    _N("four_dim_pyramidal", "4-dimensional square pyramidal numbers n^2(n^2 - 1)/12", _closed(lambda n: n * n * (n * n - 1) // 12)),
    _N("four_dim_cross_polytope", "4-dimensional cross-polytope numbers n^2(n^2 + 2)/3", _closed(lambda n: n * n * (n * n + 2) // 3)),
    _N("triangular_of_triangular", "T(T(n)), T the triangular numbers",
       _closed(lambda n: (lambda t: t * (t + 1) // 2)(n * (n + 1) // 2))),
])

_DIGIT_SEQUENCES = _add("digits", [
    *(
        _N(f"digit_sum_base_{b}", f"sum of the digits of n in base {b}", _closed(lambda n, b=b: sum(_digits(n, b))))
        for b in range(3, 10)
    ),
    *(
        _N(f"n_in_base_{b}", f"n written in base {b}, read in decimal",
           _closed(lambda n, b=b: _from_digits(_digits(n, b))))
        for b in range(2, 10)
    ),
    *(
        _N(f"repunits_base_{b}", f"base-{b} repunits ({b}^n - 1)/{b - 1}", _closed(lambda n, b=b: (b**n - 1) // (b - 1)))
        for b in range(5, 10)
    ),
    _N("binary_reversal", "n with its binary digits reversed", _closed(lambda n: int(bin(n)[:1:-1], 2))),
    _N("ternary_reversal", "n with its base-3 digits reversed", _closed(lambda n: _from_digits(_digits(n, 3)[::-1], 3))),
    _N("binary_palindromes", "numbers whose binary expansion is a palindrome", _where(lambda n: bin(n)[2:] == bin(n)[:1:-1], 0)),
    _N("ternary_palindromes", "numbers whose base-3 expansion is a palindrome",
       _where(lambda n: _digits(n, 3) == _digits(n, 3)[::-1], 0)),
    _N("decimal_length", "number of decimal digits of n", _closed(lambda n: len(str(n)))),
    _N("binary_length", "number of binary digits of n (0 for n = 0)", _closed(lambda n: n.bit_length())),
    _N("gray_code", "binary reflected Gray code of n: n XOR floor(n/2)", _closed(lambda n: n ^ (n >> 1))),
    _N("gould", "Gould's sequence: odd entries in row n of Pascal's triangle, 2^(binary weight of n)",
       _closed(lambda n: 2 ** bin(n).count("1"))),
    _N("fibbinary", "numbers with no two adjacent 1's in binary", _where(lambda n: n & (n >> 1) == 0, 0)),
    _N("zeroless", "numbers with no digit 0", _where(lambda n: "0" not in str(n))),
    _N("harshad", "Harshad (Niven) numbers: divisible by their digit sum", _where(lambda n: n % _digit_sum(n) == 0)),
    _N("self_numbers", "self (Colombian) numbers: not m + digitsum(m) for any m", _where(_is_self_number)),
    _N("happy", "happy numbers: iterating the sum of squared digits reaches 1", _where(_is_happy)),
    _N("sum_of_squared_digits", "sum of the squares of the decimal digits of n", _closed(lambda n: sum(d * d for d in _digits(n)))),
    _N("consecutive_concatenation", "concatenation of 1, 2, ..., n", _closed(lambda n: int("".join(map(str, range(1, n + 1)))), 1)),
    _N("n_concatenated_twice", "n written twice: 11, 22, ..., 1010, ...", _closed(lambda n: int(str(n) * 2), 1)),
    _N("digit_sum_of_2_to_n", "digit sum of 2^n", _closed(lambda n: _digit_sum(2**n))),
    _N("digit_sum_of_squares", "digit sum of n^2", _closed(lambda n: _digit_sum(n * n))),
    _N("digit_sum_of_factorial", "digit sum of n!", _closed(lambda n: _digit_sum(factorial(n)))),
    _N("digits_of_2_to_n", "number of decimal digits of 2^n", _closed(lambda n: len(str(2**n)))),
    _N("digits_of_factorial", "number of decimal digits of n!", _closed(lambda n: len(str(factorial(n))))),
    _N("largest_digit", "largest decimal digit of n", _closed(lambda n: max(_digits(n)))),
    _N("smallest_digit", "smallest decimal digit of n", _closed(lambda n: min(_digits(n)))),
    _N("nondecreasing_digits", "numbers whose digits never decrease", _where(lambda n: list(str(n)) == sorted(str(n)), 0)),
    _N("distinct_digits", "numbers with pairwise distinct digits", _where(lambda n: len(set(str(n))) == len(str(n)), 0)),
    _N("last_digit_of_fibonacci", "last decimal digit of F(n)", _closed(lambda n: _fibonacci(n) % 10)),
    _N("last_digit_of_squares", "last decimal digit of n^2", _closed(lambda n: n * n % 10)),
    _N("last_digit_of_n_to_n", "last decimal digit of n^n, n >= 1", _closed(lambda n: pow(n, n, 10), 1)),
    _N("binary_zeros", "number of 0's in the binary expansion of n", _closed(lambda n: bin(n)[2:].count("0"))),
    _N("ternary_01_digits", "numbers with only digits 0 and 1 in base 3 (sums of distinct powers of 3)",
       _closed(lambda n: _from_digits(_digits(n, 2), 3))),
    _N("cantor_set_numbers", "numbers with only digits 0 and 2 in base 3", _closed(lambda n: 2 * _from_digits(_digits(n, 2), 3))),
    _N("powers_of_2_reversed", "2^n with its decimal digits reversed", _closed(lambda n: int(str(2**n)[::-1]))),
    _N("digit_sum_10", "numbers whose digits sum to 10", _where(lambda n: _digit_sum(n) == 10)),
    _N("two_adic_valuation", "exponent of 2 in n, n >= 1", _closed(lambda n: _v(n, 2), 1)),
    _N("three_adic_valuation", "exponent of 3 in n, n >= 1", _closed(lambda n: _v(n, 3), 1)),
    _N("largest_power_of_2_dividing", "largest power of 2 dividing n, n >= 1", _closed(lambda n: n & -n, 1)),
    _N("largest_power_of_2_at_most", "largest power of 2 <= n, n >= 1", _closed(lambda n: 1 << (n.bit_length() - 1), 1)),
    _N("n_and_2n", "n AND 2n (bitwise)", _closed(lambda n: n & (2 * n))),
    _N("binary_complement", "n XOR (2^bits - 1): the binary complement of n, n >= 1",
       _closed(lambda n: n ^ ((1 << n.bit_length()) - 1), 1)),
])

_LINEAR = _add("linear_recurrence", [
    *(
        _N(f"lucas_u_{p}_{q}", f"a(n) = {p}a(n-1) + {q}a(n-2), 0, 1", _linear([0, 1], [p, q]))
        for p in range(1, 5) for q in range(1, 5)
        if (p, q) not in {(1, 1), (2, 1), (1, 2), (3, 1), (4, 1)}
    ),
    *(
        _N(f"lucas_v_{p}_{q}", f"a(n) = {p}a(n-1) + {q}a(n-2), 2, {p}", _linear([2, p], [p, q]))
        for p, q in [(3, 1), (4, 1), (1, 3), (2, 2), (3, 2), (1, 4)]
    ),
    *(
        _N(f"metallic_{k}", f"a(n) = {k}a(n-1) + a(n-2), 0, 1", _linear([0, 1], [k, 1])) for k in range(5, 11)
    ),
    *(
        _N(f"fibonacci_k_{k}", f"a(n) = a(n-1) + {k}a(n-2), 0, 1", _linear([0, 1], [1, k])) for k in range(5, 11)
    ),
    *(
        _N(f"chebyshev_{k}_0_1", f"a(n) = {k}a(n-1) - a(n-2), 0, 1", _linear([0, 1], [k, -1])) for k in (5, 7, 8, 9, 10)
    ),
    _N("pentanacci", "sum of the previous five, 0, 0, 0, 0, 1", _linear([0, 0, 0, 0, 1], [1] * 5)),
    _N("hexanacci", "sum of the previous six, 0, 0, 0, 0, 0, 1", _linear([0] * 5 + [1], [1] * 6)),
    _N("tribonacci_lucas", "a(n) = a(n-1) + a(n-2) + a(n-3), 3, 1, 3", _linear([3, 1, 3], [1, 1, 1])),
    _N("pell_padovan", "a(n) = 2a(n-2) + a(n-3), 1, 1, 1", _linear([1, 1, 1], [0, 2, 1])),
    _N("fibonacci_squares", "F(n)^2", _closed(lambda n: _fibonacci(n) ** 2)),
    _N("golden_rectangles", "F(n) F(n + 1)", _closed(lambda n: _fibonacci(n) * _fibonacci(n + 1))),
    _N("fibonacci_trisection", "F(3n)", _closed(lambda n: _fibonacci(3 * n))),
    _N("lucas_odd_bisection", "L(2n + 1)", _closed(lambda n: _lucas(2 * n + 1))),
    _N("domino_tilings_3_by_2n", "domino tilings of a 3 x 2n rectangle: a(n) = 4a(n-1) - a(n-2), 1, 3",
       _linear([1, 3], [4, -1])),
    _N("nsw_numbers", "Newman-Shanks-Williams numbers: a(n) = 6a(n-1) - a(n-2), 1, 7", _linear([1, 7], [6, -1])),
    _N("lucas_balancing", "Lucas-balancing numbers: a(n) = 6a(n-1) - a(n-2), 1, 3", _linear([1, 3], [6, -1])),
    _N("n_times_fibonacci", "n F(n)", _closed(lambda n: n * _fibonacci(n))),
    _N("three_to_n_minus_1", "3^n - 1: a(n) = 3a(n-1) + 2, 0", _linear([0], [3], 2)),
    _N("recurrence_1_1_2", "a(n) = a(n-1) + a(n-2) + 2a(n-3), 0, 0, 1", _linear([0, 0, 1], [1, 1, 2])),
    _N("recurrence_2_1_1", "a(n) = 2a(n-1) + a(n-2) + a(n-3), 0, 0, 1", _linear([0, 0, 1], [2, 1, 1])),
    _N("jacobsthal_oblong", "J(n) J(n + 1), J the Jacobsthal numbers",
       _closed(lambda n: ((2**n - (-1) ** n) // 3) * ((2 ** (n + 1) + (-1) ** n) // 3))),
    _N("pell_squares", "P(n)^2, P the Pell numbers", lambda count: [p * p for p in _linear([0, 1], [2, 1])(count)]),
    _N("padovan_spiral", "Padovan spiral numbers: a(n) = a(n-2) + a(n-3), 1, 1, 1", _linear([1, 1, 1], [0, 1, 1])),
])


def _indicator(keep: Callable[[int], bool], start: int = 0) -> Rule:
    return _closed(lambda n: int(keep(n)), start)


def _is_fibonacci(n: int) -> bool:
    return any(isqrt(5 * n * n + s) ** 2 == 5 * n * n + s for s in (4, -4) if 5 * n * n + s >= 0)


_CHARACTERISTIC = _add("characteristic", [
    _N("is_square", "1 if n is a square, else 0", _indicator(lambda n: isqrt(n) ** 2 == n)),
    _N("is_cube", "1 if n is a cube, else 0", _indicator(lambda n: _iroot(n, 3) ** 3 == n)),
    _N("is_prime", "1 if n is prime, else 0", _indicator(_is_prime)),
    _N("is_composite", "1 if n is composite, else 0", _indicator(lambda n: n > 3 and not _is_prime(n))),
    _N("is_triangular", "1 if n is a triangular number, else 0", _indicator(lambda n: isqrt(8 * n + 1) ** 2 == 8 * n + 1)),
    _N("is_fibonacci", "1 if n is a Fibonacci number, else 0", _indicator(_is_fibonacci)),
    _N("is_power_of_2", "1 if n is a power of 2, else 0 (n >= 1)", _indicator(lambda n: n & (n - 1) == 0, 1)),
    _N("is_squarefree", "mu(n)^2: 1 if n is squarefree, else 0 (n >= 1)",
       _indicator(lambda n: all(e == 1 for e in _factorize(n).values()), 1)),
    _N("is_prime_power", "1 if n is a prime power p^k, k >= 1, else 0 (n >= 1)", _indicator(lambda n: len(_factorize(n)) == 1, 1)),
    _N("is_sum_of_two_squares", "1 if n is a sum of two squares, else 0", _indicator(_is_sum_of_two_squares)),
    _N("is_perfect_power", "1 if n is 1 or a perfect power m^k, k >= 2, else 0 (n >= 1)", _indicator(_is_perfect_power, 1)),
    _N("is_palindrome", "1 if n is a decimal palindrome, else 0", _indicator(lambda n: str(n) == str(n)[::-1])),
    _N("is_semiprime", "1 if n is a semiprime, else 0 (n >= 1)", _indicator(lambda n: sum(_factorize(n).values()) == 2, 1)),
    _N("is_abundant", "1 if n is abundant, else 0 (n >= 1)", _indicator(lambda n: _sum_divisors(n) > 2 * n, 1)),
    _N("is_5_smooth", "1 if n is 5-smooth (a Hamming number), else 0 (n >= 1)", _indicator(lambda n: _smooth(n, (2, 3, 5)), 1)),
    _N("is_twin_prime", "1 if n is a twin prime, else 0",
       _indicator(lambda n: _is_prime(n) and (_is_prime(n - 2) or _is_prime(n + 2)))),
    _N("is_lesser_twin_prime", "1 if n and n + 2 are both prime, else 0", _indicator(lambda n: _is_prime(n) and _is_prime(n + 2))),
    _N("is_pentagonal", "1 if n is a pentagonal number, else 0",
       _indicator(lambda n: isqrt(24 * n + 1) ** 2 == 24 * n + 1 and isqrt(24 * n + 1) % 6 == 5 or n == 0)),
    _N("is_oblong", "1 if n = k(k + 1), else 0", _indicator(lambda n: isqrt(n) * (isqrt(n) + 1) == n)),
    *(
        _N(f"is_multiple_of_{k}", f"1 if {k} divides n, else 0", _indicator(lambda n, k=k: n % k == 0))
        for k in range(3, 9)  # k = 2 would repeat n mod 2, shifted
    ),
    _N("thue_morse", "Thue-Morse sequence: parity of the binary weight of n", _closed(lambda n: bin(n).count("1") % 2)),
    _N("baum_sweet", "Baum-Sweet sequence: 1 if binary n has no block of 0's of odd length", _closed(_baum_sweet)),
    _N("period_doubling", "period-doubling sequence: (2-adic valuation of n + 1) mod 2", _closed(lambda n: _v(n + 1, 2) % 2)),
    _N("regular_paperfolding", "regular paperfolding sequence: 1 if the odd part of n is 1 mod 4, n >= 1",
       _closed(lambda n: int((n >> _v(n, 2)) % 4 == 1), 1)),
    _N("fibonacci_word", "the infinite Fibonacci word 0 -> 01, 1 -> 0", _fibonacci_word),
    _N("rudin_shapiro", "Rudin-Shapiro sequence: (-1)^(number of (possibly overlapping) 11 blocks in binary n)",
       _closed(lambda n: (-1) ** bin(n & (n >> 1)).count("1"))),
])

_FLOOR = _add("floor_beatty", [
    *(_N(f"floor_n_over_{k}", f"floor(n / {k})", _closed(lambda n, k=k: n // k)) for k in range(4, 11)),
    *(_N(f"n_mod_{k}", f"n mod {k}", _closed(lambda n, k=k: n % k)) for k in range(4, 11)),
    *(_N(f"floor_n_squared_over_{k}", f"floor(n^2 / {k})", _closed(lambda n, k=k: n * n // k)) for k in (3, 5, 6, 7, 8)),
    *(
        _N(f"beatty_sqrt{k}", f"floor(n sqrt({k}))", _closed(lambda n, k=k: isqrt(k * n * n)))
        for k in (3, 5, 6, 7, 8, 10, 11, 12, 13)
    ),
    _N("upper_wythoff", "floor(n phi^2) = floor(n phi) + n", _closed(lambda n: (n + isqrt(5 * n * n)) // 2 + n, 1)),
    _N("beatty_2_plus_sqrt2", "floor(n (2 + sqrt 2)), the complement of floor(n sqrt 2)", _closed(lambda n: 2 * n + isqrt(2 * n * n), 1)),
    _N("beatty_1_plus_sqrt2", "floor(n (1 + sqrt 2))", _closed(lambda n: n + isqrt(2 * n * n))),
    _N("beatty_e", "floor(n e)", _closed(lambda n: n * _E // 10**_DIGITS)),
    _N("beatty_pi", "floor(n pi)", _closed(lambda n: n * _PI // 10**_DIGITS)),
    _N("floor_n_over_sqrt2", "floor(n / sqrt 2)", _closed(lambda n: isqrt(n * n // 2))),
    _N("ceil_sqrt", "ceiling(sqrt(n))", _closed(lambda n: isqrt(n - 1) + 1 if n else 0)),
    _N("round_sqrt", "sqrt(n) rounded to the nearest integer", _closed(lambda n: (isqrt(4 * n) + 1) // 2)),
    _N("floor_cbrt", "floor(n^(1/3))", _closed(lambda n: _iroot(n, 3))),
    _N("floor_log2", "floor(log2(n)), n >= 1", _closed(lambda n: n.bit_length() - 1, 1)),
    _N("floor_phi_power", "floor(phi^n)", _closed(_phi_power_floor)),
    _N("floor_e_power", "floor(e^n)", _closed(_exp_floor)),
    _N("floor_pi_power", "floor(pi^n)", _closed(_pi_power_floor)),
    _N("floor_sqrt2_power", "floor(sqrt(2)^n)", _closed(lambda n: isqrt(2**n))),
    _N("floor_three_halves_power", "floor((3/2)^n)", _closed(lambda n: 3**n // 2**n)),
    _N("floor_n_to_three_halves", "floor(n^(3/2))", _closed(lambda n: isqrt(n**3))),
    _N("floor_two_to_n_over_n", "floor(2^n / n), n >= 1", _closed(lambda n: 2**n // n, 1)),
    _N("triangular_root", "floor((sqrt(8n + 1) - 1)/2): the largest k with k(k + 1)/2 <= n",
       _closed(lambda n: (isqrt(8 * n + 1) - 1) // 2)),
    _N("n_appears_n_times", "n appears n times: floor(1/2 + sqrt(2n)), n >= 1", _closed(lambda n: (isqrt(8 * n) + 1) // 2, 1)),
    _N("josephus", "Josephus problem, every second one removed: 2(n - 2^floor(log2 n)) + 1, n >= 1",
       _closed(lambda n: 2 * (n - (1 << (n.bit_length() - 1))) + 1, 1)),
])


def _sums_of_two(values: Callable[[int], int], keep_zero: bool = True) -> Callable[[int], bool]:
    """Whether n = f(i) + f(j) for some i <= j (f increasing, f(0) = 0 unless keep_zero is False)."""

    def test(n: int) -> bool:
        start = 0 if keep_zero else 1
        vals = []
        i = start
        while values(i) <= n:
            vals.append(values(i))
            i += 1
        s = set(vals)
        return any(n - v in s for v in vals)

    return test


_RESIDUES = _add("residue_sets", [
    *(_N(f"multiples_of_{k}", f"{k}n", _closed(lambda n, k=k: k * n)) for k in range(10, 14)),
    *(
        _N(f"congruent_{r}_mod_{m}", f"numbers n = {r} (mod {m}): {m}n + {r}", _closed(lambda n, m=m, r=r: m * n + r))
        for m in range(3, 9) for r in range(1, m)
    ),
    _N("coprime_to_6", "numbers = 1 or 5 (mod 6)", _where(lambda n: gcd(n, 6) == 1)),
    _N("coprime_to_10", "numbers ending in 1, 3, 7 or 9", _where(lambda n: gcd(n, 10) == 1)),
    _N("coprime_to_30", "numbers coprime to 30", _where(lambda n: gcd(n, 30) == 1)),
    _N("plus_minus_1_mod_5", "numbers = 1 or 4 (mod 5)", _where(lambda n: n % 5 in (1, 4))),
    _N("plus_minus_2_mod_5", "numbers = 2 or 3 (mod 5)", _where(lambda n: n % 5 in (2, 3))),
    _N("plus_minus_1_mod_8", "numbers = 1 or 7 (mod 8)", _where(lambda n: n % 8 in (1, 7))),
    _N("not_multiple_of_3", "numbers not divisible by 3", _where(lambda n: n % 3 != 0)),
    _N("not_multiple_of_4", "numbers not divisible by 4", _where(lambda n: n % 4 != 0)),
    _N("not_multiple_of_5", "numbers not divisible by 5", _where(lambda n: n % 5 != 0)),
    _N("sums_of_two_squares", "numbers x^2 + y^2", _where(_is_sum_of_two_squares, 0)),
    _N("sums_of_two_nonzero_squares", "numbers x^2 + y^2 with x, y >= 1", _where(_sums_of_two(lambda i: i * i, False), 2)),
    _N("not_sums_of_two_squares", "numbers that are not a sum of two squares", _where(lambda n: not _is_sum_of_two_squares(n))),
    _N("sums_of_three_squares", "numbers x^2 + y^2 + z^2 (not of the form 4^a(8b + 7))",
       _where(lambda n: (n >> (2 * (_v(n, 4) if n else 0))) % 8 != 7, 0)),
    _N("not_sums_of_three_squares", "numbers 4^a(8b + 7)", _where(lambda n: (n >> (2 * _v(n, 4))) % 8 == 7)),
    _N("sums_of_two_positive_cubes", "numbers x^3 + y^3 with x, y >= 1", _where(_sums_of_two(lambda i: i**3, False), 2)),
    _N("sums_of_two_triangular", "numbers T(i) + T(j), T the triangular numbers", _where(_sums_of_two(lambda i: i * (i + 1) // 2), 0)),
    _N("loeschian", "Loeschian numbers x^2 + xy + y^2",
       _where(lambda n: n == 0 or all(e % 2 == 0 for p, e in _factorize(n).items() if p % 3 == 2), 0)),
    _N("x2_plus_2y2", "numbers x^2 + 2y^2",
       _where(lambda n: n == 0 or all(e % 2 == 0 for p, e in _factorize(n).items() if p % 8 in (5, 7)), 0)),
    _N("differences_of_two_squares", "numbers x^2 - y^2: those not = 2 (mod 4)", _where(lambda n: n % 4 != 2, 0)),
    _N("non_squares", "numbers that are not squares", _where(lambda n: isqrt(n) ** 2 != n)),
    _N("non_triangular", "numbers that are not triangular", _where(lambda n: isqrt(8 * n + 1) ** 2 != 8 * n + 1)),
    _N("non_fibonacci", "positive numbers that are not Fibonacci numbers", _where(lambda n: not _is_fibonacci(n))),
    _N("non_powers_of_2", "numbers that are not powers of 2", _where(lambda n: n & (n - 1) != 0)),
    _N("two_powers_of_2", "numbers with exactly two 1's in binary: 2^i + 2^j, i > j", _where(lambda n: bin(n).count("1") == 2)),
    _N("three_powers_of_2", "numbers with exactly three 1's in binary", _where(lambda n: bin(n).count("1") == 3)),
    _N("seven_smooth", "7-smooth numbers (humble numbers)", _where(lambda n: _smooth(n, (2, 3, 5, 7)))),
])

_POLYNOMIAL = _add("polynomial", [
    *(_N(f"{k}_n_squared", f"{k}n^2", _closed(lambda n, k=k: k * n * n)) for k in range(2, 11)),
    *(_N(f"n_squared_plus_{c}", f"n^2 + {c}", _closed(lambda n, c=c: n * n + c)) for c in range(2, 6)),
    *(_N(f"{k}_n_squared_plus_1", f"{k}n^2 + 1", _closed(lambda n, k=k: k * n * n + 1)) for k in range(2, 6)),
    _N("n_cubed_plus_1", "n^3 + 1", _closed(lambda n: n**3 + 1)),
    _N("n_cubed_minus_1", "n^3 - 1, n >= 1", _closed(lambda n: n**3 - 1, 1)),
    _N("two_n_cubed", "2n^3", _closed(lambda n: 2 * n**3)),
    _N("odd_cubes", "(2n + 1)^3", _closed(lambda n: (2 * n + 1) ** 3)),
    _N("three_consecutive_product", "n(n + 1)(n + 2)", _closed(lambda n: n * (n + 1) * (n + 2))),
    _N("four_consecutive_product", "n(n + 1)(n + 2)(n + 3)", _closed(lambda n: n * (n + 1) * (n + 2) * (n + 3))),
    _N("four_n_squared_minus_1", "4n^2 - 1, n >= 1", _closed(lambda n: 4 * n * n - 1, 1)),
    _N("three_consecutive_squares", "n^2 + (n + 1)^2 + (n + 2)^2", _closed(lambda n: n * n + (n + 1) ** 2 + (n + 2) ** 2)),
    _N("n_squared_plus_n_plus_41", "Euler's prime-generating polynomial n^2 + n + 41", _closed(lambda n: n * n + n + 41)),
    _N("n_fourth_plus_1", "n^4 + 1", _closed(lambda n: n**4 + 1)),
])

_POWERS = _add("powers", [
    *(_N(f"powers_of_{c}", f"{c}^n", _closed(lambda n, c=c: c**n)) for c in range(11, 21)),
    *(_N(f"n_to_the_{k}", f"n^{k}", _closed(lambda n, k=k: n**k)) for k in range(6, 11)),
    _N("three_to_n_plus_1", "3^n + 1", _closed(lambda n: 3**n + 1)),
    _N("ten_to_n_plus_1", "10^n + 1", _closed(lambda n: 10**n + 1)),
    _N("ten_to_n_minus_1", "10^n - 1: 0, 9, 99, 999, ...", _closed(lambda n: 10**n - 1)),
    _N("two_to_n_plus_three_to_n", "2^n + 3^n", _closed(lambda n: 2**n + 3**n)),
    _N("four_to_n_minus_two_to_n", "4^n - 2^n", _closed(lambda n: 4**n - 2**n)),
    _N("powers_of_2_odd_exponent", "2^(2n + 1)", _closed(lambda n: 2 ** (2 * n + 1))),
    _N("two_to_n_plus_n", "2^n + n", _closed(lambda n: 2**n + n)),
    _N("n_squared_times_2_to_n", "n^2 2^n", _closed(lambda n: n * n * 2**n)),
    _N("n_times_3_to_n", "n 3^n", _closed(lambda n: n * 3**n)),
    _N("proth_3_2n_plus_1", "3 * 2^n + 1", _closed(lambda n: 3 * 2**n + 1)),
    _N("five_to_n_minus_four_to_n", "5^n - 4^n", _closed(lambda n: 5**n - 4**n)),
    _N("two_to_n_squared", "2^(n^2)", _closed(lambda n: 2 ** (n * n))),
    _N("n_to_the_n_plus_1", "n^(n + 1)", _closed(lambda n: n ** (n + 1))),
    _N("two_to_n_minus_2", "2^n - 2, n >= 1", _closed(lambda n: 2**n - 2, 1)),
])

_SIGNED = _add("signed_interleaved", [
    *(
        _N(f"signed_{name}", f"(-1)^n times the terms of {name}", _alternate(_rule(name)))
        for name in ["nonnegative_integers", "squares", "fibonacci", "powers_of_2", "powers_of_3", "catalan", "factorials",
                     "triangular", "primes", "odd_numbers", "lucas", "pell", "central_binomial", "bell", "cubes",
                     "motzkin", "partitions", "tribonacci"]
    ),
    _N("alternating_ones", "(-1)^n", _closed(lambda n: (-1) ** n)),
    _N("integers_in_order", "all integers: 0, 1, -1, 2, -2, ...", _closed(lambda n: (n + 1) // 2 if n % 2 else -(n // 2))),
    _N("sign_pattern_period_4", "(-1)^floor(n/2): 1, 1, -1, -1, ...", _closed(lambda n: (-1) ** (n // 2))),
    _N("signed_secant_numbers", "Euler numbers E(2n) with their signs: 1, -1, 5, -61, ...",
       _alternate(lambda count: _zigzag(2 * count)[::2][:count])),
    _N("bernoulli_numerators", "numerators of the Bernoulli numbers B_n (B_1 = -1/2)",
       lambda count: [b.numerator for b in _bernoulli(count)]),
    _N("aerated_natural_numbers", "1, 0, 2, 0, 3, 0, ...: n + 1 interleaved with 0", _interleave(lambda n: n + 1, lambda n: 0)),
    _N("aerated_catalan", "Catalan numbers interleaved with 0 (Dyck paths of length n)", _interleave(_catalan, lambda n: 0)),
    _N("aerated_central_binomial", "C(2n, n) interleaved with 0 (walks on Z returning to 0 after n steps)",
       _interleave(lambda n: comb(2 * n, n), lambda n: 0)),
    _N("interleave_n_and_squares", "n interleaved with n^2", _interleave(lambda n: n, lambda n: n * n)),
    _N("interleave_n_and_powers_of_2", "n interleaved with 2^n", _interleave(lambda n: n, lambda n: 2**n)),
    _N("interleave_fibonacci_lucas", "F(n) interleaved with L(n)", _interleave(_fibonacci, _lucas)),
    _N("interleave_1_and_n", "1 interleaved with n + 1: 1, 1, 1, 2, 1, 3, ...", _interleave(lambda n: 1, lambda n: n + 1)),
    _N("interleave_n_and_2n", "n interleaved with 2n", _interleave(lambda n: n, lambda n: 2 * n)),
    _N("interleave_powers_2_3", "2^n interleaved with 3^n", _interleave(lambda n: 2**n, lambda n: 3**n)),
    _N("interleave_triangular_squares", "T(n) interleaved with n^2", _interleave(lambda n: n * (n + 1) // 2, lambda n: n * n)),
    _N("interleave_n_and_minus_n_squared", "n interleaved with -n^2", _interleave(lambda n: n, lambda n: -n * n)),
    _N("interleave_catalan_central_binomial", "C(n) interleaved with C(2n, n)", _interleave(_catalan, lambda n: comb(2 * n, n))),
])

_SUMS = _add("sums_differences", [
    *(
        _N(f"partial_sums_of_{name}", f"partial sums of {name}", _partial_sums(_rule(name)))
        for name in ["primes", "catalan", "central_binomial", "num_divisors", "sum_of_divisors", "euler_phi", "digit_sum",
                     "bell", "partitions", "motzkin", "n_to_the_n", "derangements", "pell", "binary_weight",
                     "prime_squares", "distinct_prime_factors", "tribonacci", "squarefree", "semiprimes",
                     "prime_counting", "composites", "euler_zigzag"]
    ),
    _N("left_factorials", "!n = 0! + 1! + ... + (n-1)!", lambda count: [0] + _partial_sums(_closed(factorial))(count)[: max(count - 1, 0)]),
    _N("mertens", "Mertens function: partial sums of mu(n)", _partial_sums(_closed(_mobius, 1))),
    _N("sum_k_to_the_n", "1^n + 2^n + ... + n^n, n >= 1", _closed(lambda n: sum(k**n for k in range(1, n + 1)), 1)),
    _N("fibonorials", "product of the first n Fibonacci numbers F(1)...F(n)", _partial_products(_closed(_fibonacci, 1))),
    _N("superfactorials", "product of the first n factorials 1! 2! ... n!", lambda count: [1] + _partial_products(_closed(factorial, 1))(count)[: max(count - 1, 0)]),
    _N("hyperfactorials", "prod k^k, k = 1..n", lambda count: [1] + _partial_products(_closed(lambda k: k**k, 1))(count)[: max(count - 1, 0)]),
    _N("product_2k_minus_1", "prod (2^k - 1), k = 1..n", lambda count: [1] + _partial_products(_closed(lambda k: 2**k - 1, 1))(count)[: max(count - 1, 0)]),
    _N("product_k2_plus_1", "prod (k^2 + 1), k = 1..n", lambda count: [1] + _partial_products(_closed(lambda k: k * k + 1, 1))(count)[: max(count - 1, 0)]),
    _N("product_of_first_catalan", "product of the first n Catalan numbers C(1)...C(n)", _partial_products(_closed(_catalan, 1))),
    _N("product_of_first_composites", "compositorial: product of the first n composite numbers", _partial_products(_rule("composites"))),
    *(
        _N(f"differences_of_{name}", f"first differences of {name}", _differences(_rule(name)))
        for name in ["primes", "composites", "squarefree", "catalan", "bell", "motzkin", "central_binomial", "num_divisors",
                     "sum_of_divisors", "euler_phi", "digit_sum", "semiprimes", "hamming", "prime_squares"]
    ),
    _N("second_differences_of_primes", "second differences of the primes", _differences(_differences(_primes))),
])

_SELF = _add("self_referential", [
    _N("golomb", "Golomb's sequence: a(n) is the number of times n occurs, a(1) = 1", _golomb),
    _N("hofstadter_q", "Hofstadter Q: Q(n) = Q(n - Q(n-1)) + Q(n - Q(n-2)), Q(1) = Q(2) = 1", _hofstadter_q),
    _N("hofstadter_g", "Hofstadter G: G(n) = n - G(G(n-1)), G(0) = 0", _hofstadter_g),
    _N("hofstadter_h", "Hofstadter H: H(n) = n - H(H(H(n-1))), H(0) = 0", _hofstadter_h),
    _N("hofstadter_conway", "Hofstadter-Conway $10000 sequence: a(n) = a(a(n-1)) + a(n - a(n-1))", _conway_10000),
    _N("kolakoski", "Kolakoski sequence: its own run lengths", _kolakoski),
    _N("look_and_say", "look-and-say sequence from 1", _look_and_say),
    _N("look_and_say_lengths", "lengths of the look-and-say terms", lambda count: [len(s) for s in _look_and_say_strings(count)]),
    _N("stern_diatomic", "Stern's diatomic sequence: a(2n) = a(n), a(2n+1) = a(n) + a(n+1)", _closed(_stern)),
    _N("van_eck", "Van Eck's sequence: how far back the previous term last occurred", _van_eck),
    _N("ulam_numbers", "Ulam numbers: uniquely the sum of two distinct earlier ones", _ulam),
    _N("lucky_numbers", "lucky numbers (Ulam's sieve)", _lucky),
    _N("ekg", "EKG sequence: the least unused number sharing a factor with the previous term", _ekg),
    _N("mian_chowla", "Mian-Chowla sequence: greedy, all pairwise sums distinct", _mian_chowla),
    _N("hofstadter_figure_figure", "Hofstadter Figure-Figure sequence R", _figure_figure),
    _N("collatz_max", "highest value on the 3x + 1 trajectory of n", _closed(_collatz_max, 1)),
    _N("collatz_trajectory_27", "the 3x + 1 trajectory of 27", _iterate(lambda a: 3 * a[-1] + 1 if a[-1] % 2 else a[-1] // 2, [27])),
])

CATALOG: list[RealSequence] = [
    *_ORIGINAL, *_NUMBER_THEORY, *_COMBINATORICS, *_HYPERGEOMETRIC, *_FIGURATE, *_DIGIT_SEQUENCES, *_LINEAR,
    *_CHARACTERISTIC, *_FLOOR, *_RESIDUES, *_POLYNOMIAL, *_POWERS, *_SIGNED, *_SUMS, *_SELF,
]


_BY_NAME = {s.name: s for s in CATALOG}


def get(name: str) -> RealSequence:
    """The catalog sequence called ``name``.

    >>> get("primes").terms(5)
    [2, 3, 5, 7, 11]
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        close = difflib.get_close_matches(str(name), _BY_NAME, n=3)
        hint = f"; did you mean {', '.join(map(repr, close))}?" if close else ""
        raise KeyError(
            f"no sequence named {name!r} in the catalog{hint} (the names are [s.name for s in CATALOG])"
        ) from None


#: the categories, in catalog order
CATEGORIES: tuple[str, ...] = tuple(dict.fromkeys(s.category for s in CATALOG))

#: the two halves of :func:`split`
SPLITS = ("dev", "heldout")

#: salt of the split's hash: the first of "...-v1:", "...-v2:", ... that put 40-60 % of every category
#: and 48-52 % of the catalog in the held-out half. It was picked once, from the names and categories
#: alone, before any benchmark was run, and never changes (that would reshuffle the split).
_SPLIT_SALT = "num2vec-real-sequences-split-v11:"


def split_of(name: str) -> str:
    """``"heldout"`` or ``"dev"``: the half of the split that the sequence called ``name`` is in.

    The rule looks at the name only: the first byte of
    ``sha256("num2vec-real-sequences-split-v11:" + name)`` is even for
    ``"heldout"`` and odd for ``"dev"``. So a sequence never changes sides when
    others are added. The salt was chosen (once, from the names and categories
    only) so that every category is 40-60 % held out: a stratified split that
    stays stable.

    >>> split_of("catalan") in SPLITS
    True
    """
    digest = hashlib.sha256((_SPLIT_SALT + name).encode()).digest()
    return "heldout" if digest[0] % 2 == 0 else "dev"


def split(which: str) -> list[RealSequence]:
    """The catalog sequences in one half, ``"dev"`` or ``"heldout"``, in catalog order.

    The held-out half is for final evaluation only: never train, tune or
    calibrate anything on it.
    """
    if which not in SPLITS:
        raise ValueError(f"split={which!r} is unknown; choose {' or '.join(SPLITS)}")
    return [s for s in CATALOG if split_of(s.name) == which]


def by_category(sequences: Sequence[RealSequence] | None = None) -> dict[str, list[RealSequence]]:
    """The sequences (default: the whole catalog) grouped by category, in :data:`CATEGORIES` order."""
    groups: dict[str, list[RealSequence]] = {c: [] for c in CATEGORIES}
    for s in CATALOG if sequences is None else sequences:
        groups.setdefault(s.category, []).append(s)
    return {c: g for c, g in groups.items() if g}
