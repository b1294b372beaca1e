"""Well-known integer sequences, each computed from its definition.

:data:`CATALOG` is a curated list of :class:`RealSequence` s: figurate numbers,
powers, linear recurrences (Fibonacci, Pell, Padovan, ...), combinatorial
counts (Catalan, Bell, Motzkin, ...), and a few arithmetic functions that no
simple rule predicts (primes, the number and sum of divisors, Euler's phi, the
digit sum), so that a model or solver scored on the catalog is not flattered.
No term list is typed in: every term comes from code, and :meth:`RealSequence.terms`
gives as many as asked for. Every sequence starts where the OEIS starts it,
except where that would give a negative term (the description says so), and
all terms are non-negative::

    >>> get("fibonacci").terms(10)
    [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
    >>> s = get("catalan")
    >>> s.oeis, s.terms(6)
    ('A000108', [1, 1, 2, 5, 14, 42])

Two famous sequences are left out on purpose: Sylvester's sequence and the
Fermat numbers 2^(2^n) + 1 grow doubly exponentially, so their 30th terms have
hundreds of millions of digits.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from math import comb, factorial, gcd, isqrt, prod

Rule = Callable[[int], list[int]]


@dataclass(frozen=True)
class RealSequence:
    """A named integer sequence: ``terms(n)`` computes its first ``n`` terms.

    ``oeis`` is the A-number in the On-Line Encyclopedia of Integer Sequences,
    or ``""`` where none is given.
    """

    name: str
    oeis: str
    description: str
    rule: Rule = field(repr=False, compare=False)

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

CATALOG: list[RealSequence] = [
    # --- natural numbers, multiples, simple polynomials
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
    # --- figurate numbers
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
    # --- powers and exponentials
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
    # --- linear recurrences
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
    # --- combinatorics
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
    # --- primes and arithmetic functions (hard for any rule-based solver)
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
    # --- digits, bits, floors
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
    # --- other famous sequences
    _S("collatz_steps", "A006577", "steps of the 3x + 1 map from n to 1", _closed(_collatz_steps, 1)),
    _S("recaman", "A005132", "a(n) = a(n-1) - n if that is positive and new, else a(n-1) + n", _iterate(_recaman, [0])),
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
