"""Arithmetic and digit functions of the index, and sets of integers with a property, as next-term rules.

Many sequences people meet are not built from their own earlier terms, which
is all that :mod:`num2vec.exact` reads, but from a function of the position
(Euler's totient phi(n), the number of divisors tau(n), the digit sum of n...)
or from a property (the primes, the squarefree numbers, the primes that are
1 mod 8...). This module recognises both kinds, exactly, and says what comes
next; :mod:`num2vec.calibration` ranks its answers beside the decoder's.

* **Index functions** (:data:`INDEX_FUNCTIONS`): the sequence is ``f(o), f(o+1),
  ...`` for a function ``f`` of the table and an offset ``o`` in
  :data:`OFFSETS` (for :data:`FAR_MIN_TERMS` to :data:`FAR_MAX_TERMS` terms, any
  offset up to :data:`FAR_OFFSET_LIMIT`), or the partial sums ``F(n) = f(1) + ... + f(n)`` of one. The
  functions are the classical arithmetic functions (Hardy & Wright, *An
  Introduction to the Theory of Numbers*, ch. 16-19; Apostol, *Introduction to
  Analytic Number Theory*, ch. 2), the partition functions, multiplicative
  orders, primitive roots, Goldbach partitions, the steps of the 3x + 1 problem,
  and functions of the digits in a base. 1, 1, 2, 2, 4, 2, 6, 4, 6 is phi(1..9),
  so phi(10) = 4 comes next.
* **Integer sets** (:func:`integer_sets`): the sequence is strictly
  increasing and lists, without a gap, the members of a set ``S`` between its
  first and last term; ``S`` is one of :data:`PROPERTIES` (prime, squarefree,
  semiprime, k-smooth, palindrome...), its complement, two properties at once,
  one without another (the squarefree composites), or a property or a complement
  with a residue condition ``n = r (mod m)`` or ``gcd(n, m) = 1`` for m up to
  :data:`MAX_MODULUS` (the odd composites). The answer is the next member. 97, 113, 137,
  193, 233, 241 are the primes = 1 (mod 8) from 97 on (101, 103, 107... are
  not), so 257 comes next. Arithmetic progressions are left to the other rules
  (3, 5, 7 are primes, but 9 comes next).
* **Combinations with the position** (:func:`index_combination_rules`): n f(n), f(n) +- n, n - f(n), f(2n),
  f(3n) (the cototient n - phi(n)).
* **Gaps** (:func:`gap_rules`): the first or second differences of a set's members (the prime gaps).
* **Records** (:func:`record_rules`): the record positions of tau (the highly
  composite numbers 1, 2, 4, 6, 12, 24, 36, ...) and of sigma (the highly abundant
  numbers), and the records themselves.
* **Characteristic functions** (:func:`indicator_rules`): the sequence of 0s and
  1s is ``[n in S]`` for n = 0, 1, ... or 1, 2, ...: 0, 0, 1, 1, 0, 1, 0, 1 are the
  primes' (Thue-Morse is the characteristic function of the odious numbers).

Arithmetic progressions (constant sequences included) are left to the other
rules altogether: 1, 2, 3, 4 are also the digit sums of 1..4 in base 5, but 5,
not 1, comes next.

All of them, and the verified P-recursive fits of :mod:`num2vec.exact`, are also
tried on the sequence ``x`` is the partial sums or the partial products of: 2,
5, 10, 17, 28 are the sums of the first primes, 1, 1, 2, 10, 140 the products of
the first Catalan numbers.

The rules are exact and verified on every given term, so a match on a long
sequence is strong evidence; on a short one several rules can match, and their
answers all become candidates. Values are Python integers; the set rules apply
to sequences of non-negative terms up to :data:`SET_LIMIT`, the index functions
to positions up to :data:`INDEX_LIMIT` (both far beyond what a given prefix
reaches), and nothing else is tried: a sequence outside them simply gets no
candidate from this module.

>>> next_terms([1, 1, 2, 2, 4, 2, 6, 4, 6])["phi"]
4
>>> next_terms([97, 113, 137, 193, 233, 241])["prime & n = 1 (mod 8)"]
257
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from functools import cache, lru_cache
from math import gcd, isqrt, lcm, prod

import numpy as np

#: a sequence of :data:`FAR_MIN_TERMS` to :data:`FAR_MAX_TERMS` terms is also matched against ``f(o), f(o+1), ...``
#: for every offset ``o`` up to this (the functions whose values there fit in an int64). The tables are built on
#: the first such question of a process: 0.1 s on the AMD EPYC at this limit, 0.4 s at 1,000
FAR_OFFSET_LIMIT = 100
FAR_MAX_TERMS = 64
#: the fewest terms matched at an offset beyond :data:`OFFSETS` (many short windows of a function are alike)
FAR_MIN_TERMS = 6
#: the set rules apply to sequences whose terms, and next member, are at most this
SET_LIMIT = 2**20
#: the set rules examine at most this many consecutive integers (the terms, the gaps between them, the search for
#: the next member), which bounds their time (about 0.1 s at most)
MAX_WINDOW = 2**17
#: the index functions are evaluated at positions up to this
INDEX_LIMIT = 10_000
#: primality above this is decided by trial division (a sieve up to it takes 32 MB)
_SIEVE_LIMIT = 2**22
#: the first position ``o`` tried: the sequence is f(o), f(o+1), ...
OFFSETS = (0, 1, 2)
#: residue conditions ``n = r (mod m)`` and ``gcd(n, m) = 1`` are tried for 2 <= m <= this
MAX_MODULUS = 12
#: the fewest terms a rule is matched against
MIN_TERMS = 4
#: the fewest terms of a sequence whose partial-sum and partial-product sources are tried (a source has one term
#: less, and a rule matched on a derived sequence is weaker evidence)
MIN_TRANSFORMED_TERMS = 7


# --- factorisation -----------------------------------------------------------------------------------------------

@lru_cache(maxsize=16)
def _spf(limit: int) -> np.ndarray:
    """Smallest prime factor of every n < ``limit`` (sieve of Eratosthenes; 0 and 1 map to themselves)."""
    spf = np.arange(limit, dtype=np.int64)
    for p in range(2, isqrt(limit - 1) + 1):
        if spf[p] == p:
            block = spf[p * p::p]
            np.copyto(block, p, where=block == np.arange(p * p, limit, p))
    return spf


def _spf_table(n: int) -> np.ndarray:
    """A smallest-prime-factor table covering 0..n (sizes are powers of two, so that few are built)."""
    size = 1 << max(10, int(n).bit_length())
    return _spf(size)


def factorize(n: int) -> dict[int, int]:
    """``{prime: exponent}`` of ``1 <= n <= SET_LIMIT * 2`` (``{}`` for 1).

    >>> factorize(360)
    {2: 3, 3: 2, 5: 1}
    """
    spf = _spf_table(n)
    out: dict[int, int] = {}
    while n > 1:
        p = int(spf[n])
        out[p] = out.get(p, 0) + 1
        n //= p
    return out


@lru_cache(maxsize=8)
def _primes_upto(limit: int) -> tuple[int, ...]:
    """The primes up to ``limit`` (at most 2^22)."""
    spf = _spf_table(limit)
    return tuple(int(p) for p in np.nonzero(spf[2: limit + 1] == np.arange(2, limit + 1))[0] + 2)


@lru_cache(maxsize=1)
def _primes(count: int = 1300) -> list[int]:
    """The first ``count`` primes (enough for the n-th prime at every position a rule reaches)."""
    spf = _spf_table(11_000)
    return [int(p) for p in np.nonzero(spf[2:] == np.arange(2, len(spf)))[0] + 2][:count]


# --- index functions ---------------------------------------------------------------------------------------------

def _multiplicative(prime_power: Callable[[int, int], int]) -> Callable[[int], int | None]:
    """The multiplicative function with ``f(p^e) = prime_power(p, e)``; defined for n >= 1."""
    return lambda n: None if n < 1 else prod(prime_power(p, e) for p, e in factorize(n).items())


def _additive(prime_power: Callable[[int, int], int]) -> Callable[[int], int | None]:
    """The additive function with ``f(p^e) = prime_power(p, e)``; defined for n >= 1."""
    return lambda n: None if n < 1 else sum(prime_power(p, e) for p, e in factorize(n).items())


def _carmichael(n: int) -> int | None:
    """Carmichael's lambda: the exponent of the multiplicative group mod n."""
    if n < 1:
        return None
    out = 1
    for p, e in factorize(n).items():
        lam = 2 ** (e - 2) if p == 2 and e >= 3 else (p - 1) * p ** (e - 1)
        out = out * lam // gcd(out, lam)
    return out


def _pillai(n: int) -> int | None:
    """Pillai's function: the sum of gcd(k, n) for k = 1..n; multiplicative, (e + 1) p^e - e p^(e-1) at p^e."""
    if n < 1:
        return None
    out = 1
    for p, e in factorize(n).items():
        out *= (e + 1) * p**e - e * p ** (e - 1)
    return out


def _digits(n: int, base: int) -> list[int]:
    out = []
    while n:
        n, d = divmod(n, base)
        out.append(d)
    return out or [0]


def _r2(n: int) -> int:
    """The number of (x, y) in Z^2 with x^2 + y^2 = n: 4 (d1(n) - d3(n)), d_r the divisors = r (mod 4)
    (Hardy & Wright, Theorem 278)."""
    if n == 0:
        return 1
    out = 4
    for p, e in factorize(n).items():
        if p % 4 == 1:
            out *= e + 1
        elif p % 4 == 3 and e % 2:
            return 0
    return out


def _prime_pi(n: int) -> int | None:
    if n < 0:
        return None
    spf = _spf_table(n)
    return int(np.count_nonzero(spf[2:n + 1] == np.arange(2, n + 1)))


def _nth_prime(n: int) -> int | None:
    primes = _primes()
    return primes[n - 1] if 1 <= n <= len(primes) else None


@lru_cache(maxsize=1)
def _partition_table(limit: int = 400) -> tuple[list[int], list[int]]:
    """p(n), the partitions of n, and q(n), its partitions into distinct parts, for n < ``limit``: the
    coefficients of the products of 1 / (1 - x^k) and of (1 + x^k) over k >= 1."""
    p, q = [1] + [0] * (limit - 1), [1] + [0] * (limit - 1)
    for k in range(1, limit):
        for n in range(k, limit):  # parts of size k used any number of times
            p[n] += p[n - k]
        for n in range(limit - 1, k - 1, -1):  # a part of size k used at most once
            q[n] += q[n - k]
    return p, q


def _legendre(n: int, p: int) -> int:
    """The exponent of the prime ``p`` in n! (Legendre's formula: sum of floor(n / p^k))."""
    out, q = 0, p
    while q <= n:
        out, q = out + n // q, q * p
    return out


def _collatz_steps(n: int) -> int:
    """The steps n -> n / 2 (n even), 3 n + 1 (n odd) from n >= 1 to 1 (the 3x + 1 problem; Lagarias 1985)."""
    steps = 0
    while n != 1:
        n, steps = (n // 2 if n % 2 == 0 else 3 * n + 1), steps + 1
    return steps


def _order(a: int, m: int) -> int | None:
    """The multiplicative order of ``a`` modulo ``m >= 1``: the least k >= 1 with a^k = 1 (mod m); None where
    gcd(a, m) > 1 (1 for m = 1)."""
    if gcd(a, m) != 1:
        return None
    k, v = 1, a % m
    while v != 1 % m:
        k, v = k + 1, v * a % m
    return k


def _decimal_period(n: int) -> int:
    """The period of the decimal expansion of 1/n, n >= 1 (0 where it terminates): the order of 10 modulo n
    without its factors 2 and 5."""
    while n % 2 == 0:
        n //= 2
    while n % 5 == 0:
        n //= 5
    return 0 if n == 1 else _order(10, n)  # type: ignore[return-value]


def _primitive_root(p: int) -> int:
    """The least primitive root of the prime ``p``: the least g whose order modulo p is p - 1."""
    if p == 2:
        return 1
    factors = factorize(p - 1)
    return next(g for g in range(2, p) if all(pow(g, (p - 1) // q, p) != 1 for q in factors))


def _goldbach(n: int) -> int:
    """The ways to write 2n as p + q with primes p <= q."""
    spf = _spf_table(2 * n)
    return sum(1 for p in range(2, n + 1) if spf[p] == p and spf[2 * n - p] == 2 * n - p)


def _table_lookup(index: int) -> Callable[[int], int | None]:
    def f(n: int) -> int | None:
        table = _partition_table()[index]
        return table[n] if 0 <= n < len(table) else None
    return f


def _nonneg(f: Callable[[int], int]) -> Callable[[int], int | None]:
    return lambda n: None if n < 0 else f(n)


def _positive(f: Callable[[int], int]) -> Callable[[int], int | None]:
    return lambda n: None if n < 1 else f(n)


#: name -> f(n) (None where f is not defined). Arithmetic functions: Hardy & Wright ch. 16-18, Apostol ch. 2.
INDEX_FUNCTIONS: dict[str, Callable[[int], int | None]] = {
    "tau": _multiplicative(lambda p, e: e + 1),                      # number of divisors
    "sigma": _multiplicative(lambda p, e: (p ** (e + 1) - 1) // (p - 1)),
    "sigma_2": _multiplicative(lambda p, e: (p ** (2 * e + 2) - 1) // (p * p - 1)),
    "sigma_3": _multiplicative(lambda p, e: (p ** (3 * e + 3) - 1) // (p**3 - 1)),
    "phi": _multiplicative(lambda p, e: (p - 1) * p ** (e - 1)),     # Euler's totient
    "jordan_2": _multiplicative(lambda p, e: (p * p - 1) * p ** (2 * e - 2)),
    "dedekind_psi": _multiplicative(lambda p, e: (p + 1) * p ** (e - 1)),
    "mobius": _multiplicative(lambda p, e: -1 if e == 1 else 0),
    "liouville": _multiplicative(lambda p, e: (-1) ** e),
    "radical": _multiplicative(lambda p, e: p),
    "core": _multiplicative(lambda p, e: p ** (e % 2)),             # squarefree part
    "omega": _additive(lambda p, e: 1),                              # distinct prime factors
    "big_omega": _additive(lambda p, e: e),                          # prime factors with multiplicity
    "sopf": _additive(lambda p, e: p),
    "sopfr": _additive(lambda p, e: p * e),
    "gpf": _positive(lambda n: max(factorize(n), default=1)),        # greatest prime factor (1 for 1)
    "lpf": _positive(lambda n: min(factorize(n), default=1)),        # least prime factor (1 for 1)
    "aliquot sum": _positive(lambda n: INDEX_FUNCTIONS["sigma"](n) - n),  # sum of the proper divisors
    "unitary divisors": _multiplicative(lambda p, e: 2),                # 2^omega(n)
    "sum of unitary divisors": _multiplicative(lambda p, e: p**e + 1),
    "tau(n^2)": _multiplicative(lambda p, e: 2 * e + 1),
    "sum of two squares representations": _nonneg(lambda n: _r2(n)),  # r2(n): ordered, with signs
    "squares mod n": _positive(lambda n: len({k * k % n for k in range(n)})),
    "carmichael": _carmichael,
    "pillai": _pillai,
    "prime_pi": _prime_pi,
    "prime": _nth_prime,
    "2-adic valuation": _positive(lambda n: (n & -n).bit_length() - 1),
    "odd part": _positive(lambda n: n // (n & -n)),
    "largest power of 2 <= n": _positive(lambda n: 1 << (n.bit_length() - 1)),
    "binary zeros": _nonneg(lambda n: _digits(n, 2).count(0)),
    "gray code": _nonneg(lambda n: n ^ (n >> 1)),
    "digit reversal": _nonneg(lambda n: int(str(n)[::-1])),
    "n^n": _nonneg(lambda n: n**n),
    "lcm(1..n)": _positive(lambda n: lcm(*range(1, n + 1))),
    "largest proper divisor": _positive(lambda n: n // min(factorize(n), default=n) if n > 1 else 1),
    "odd divisors": _positive(lambda n: INDEX_FUNCTIONS["tau"](n // (n & -n))),
    "sum of odd divisors": _positive(lambda n: INDEX_FUNCTIONS["sigma"](n // (n & -n))),
    "tau(n!)": _nonneg(lambda n: prod(_legendre(n, p) + 1 for p in _primes_upto(max(n, 2)) if p <= n)),
    "trailing zeros of n!": _nonneg(lambda n: _legendre(n, 5)),
    "2-adic valuation of n!": _nonneg(lambda n: _legendre(n, 2)),
    "n^(n-1)": _positive(lambda n: n ** (n - 1)),
    "n^(n+1)": _nonneg(lambda n: n ** (n + 1)),
    "partitions": _table_lookup(0),
    "distinct partitions": _table_lookup(1),
    "product of digits": _nonneg(lambda n: prod(_digits(n, 10))),
    "sum of squared digits": _nonneg(lambda n: sum(d * d for d in _digits(n, 10))),
    "Collatz steps": _positive(_collatz_steps),
    "order of 2 mod 2n + 1": _nonneg(lambda n: _order(2, 2 * n + 1)),
    "decimal period of 1/n": _positive(_decimal_period),
    "least primitive root of prime(n)": _positive(lambda n: None if (p := _nth_prime(n)) is None else _primitive_root(p)),
    "Goldbach partitions of 2n": _positive(_goldbach),
    "primes in (n, 2n]": _nonneg(lambda n: _prime_pi(2 * n) - _prime_pi(n)),  # >= 1 for n >= 1: Bertrand
    "prime(prime(n))": _positive(lambda n: None if (p := _nth_prime(n)) is None else _nth_prime(p)),
    "prime(n) prime(n + 1)": _positive(lambda n: None if (p := _nth_prime(n + 1)) is None else p * _nth_prime(n)),
    **{f"digit sum base {b}": _nonneg(lambda n, b=b: sum(_digits(n, b))) for b in range(2, 11)},
    **{f"digits base {b}": _nonneg(lambda n, b=b: len(_digits(n, b))) for b in range(2, 11)},
    **{f"n in base {b}": _nonneg(lambda n, b=b: int("".join(map(str, _digits(n, b)[::-1])))) for b in range(2, 10)},
}


@cache
def _index_values(name: str, start: int, count: int) -> tuple[int | None, ...]:
    f = INDEX_FUNCTIONS[name]
    return tuple(f(n) for n in range(start, start + count))


@cache
def _partial_sums(name: str, count: int) -> tuple[int | None, ...]:
    """F(n) = f(1) + ... + f(n) for n = 0..count-1 (None from the first undefined f)."""
    out: list[int | None] = [0]
    for v in _index_values(name, 1, count - 1):
        out.append(None if v is None or out[-1] is None else out[-1] + v)
    return tuple(out)


@cache
def _far_values(name: str) -> np.ndarray | None:
    """f(0), ..., f(FAR_OFFSET_LIMIT + FAR_MAX_TERMS) as int64 (-2^63 where f is undefined), or None where a value
    does not fit."""
    f, top = INDEX_FUNCTIONS[name], FAR_OFFSET_LIMIT + FAR_MAX_TERMS
    if abs(f(top) or 0) >= 2**62:  # the fast-growing functions (n^n, p(n)) leave the int64 range by then
        return None
    vals = _index_values(name, 0, top + 1)
    if any(v is not None and abs(v) >= 2**62 for v in vals):
        return None
    return np.array([np.iinfo(np.int64).min if v is None else v for v in vals], dtype=np.int64)


def _far_index_rules(x: Sequence[int]) -> dict[str, int]:
    """``{f (from n = o): f(o + len(x))}`` for the offsets ``o`` beyond :data:`OFFSETS`, up to
    :data:`FAR_OFFSET_LIMIT`, where ``x`` is ``f(o), f(o+1), ...`` (the first such ``o`` of each function)."""
    n = len(x)
    if not FAR_MIN_TERMS <= n <= FAR_MAX_TERMS or max(abs(v) for v in x) >= 2**62:
        return {}
    want = np.asarray(x, dtype=np.int64)
    steps = np.arange(n)
    out = {}
    for name in INDEX_FUNCTIONS:
        vals = _far_values(name)
        if vals is None:
            continue
        starts = np.nonzero(vals[max(OFFSETS) + 1: FAR_OFFSET_LIMIT + 1] == want[0])[0] + max(OFFSETS) + 1
        if not len(starts):
            continue
        hits = starts[(vals[starts[:, None] + steps] == want).all(axis=1)]
        if len(hits):
            o = int(hits[0])
            out[f"{name} (from n = {o})"] = int(vals[o + n])
    return out


def _arithmetic_progression(x: Sequence[int]) -> bool:
    return len({b - a for a, b in zip(x, x[1:])}) <= 1


def index_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` of the index functions that give every term of ``x`` (at least :data:`MIN_TERMS`, not
    an arithmetic progression).

    A rule is named by its function, with the offset when it is not 1, ``"partial sums of"``
    for F(n) = f(1) + ... + f(n) and ``"first differences of"`` for f(n + 1) - f(n) (from
    :data:`MIN_TRANSFORMED_TERMS` terms on):

    >>> index_rules([1, 2, 2, 3, 2, 4, 2, 4])
    {'tau': 3}
    >>> index_rules([1, 2, 4, 6, 10, 12, 18, 22])["partial sums of phi"]
    28
    """
    out: dict[str, int] = {}
    n = len(x)
    if n < MIN_TERMS or not all(isinstance(v, int) for v in x) or _arithmetic_progression(x):
        return out
    for o in OFFSETS:
        if o + n >= INDEX_LIMIT:
            break
        suffix = "" if o == 1 else f" (from n = {o})"
        for name in INDEX_FUNCTIONS:
            vals = _index_values(name, o, n + 1)
            if vals[n] is not None and all(a == b for a, b in zip(x, vals)):
                out[name + suffix] = vals[n]
            sums = _partial_sums(name, o + n + 1)[o:]
            if sums[n] is not None and all(a == b for a, b in zip(x, sums)):
                out["partial sums of " + name + suffix] = sums[n]
            more = _index_values(name, o, n + 2) if n >= MIN_TRANSFORMED_TERMS else (None,)
            if None not in more and all(a == c - b for a, b, c in zip(x, more, more[1:])):
                out["first differences of " + name + suffix] = more[n + 1] - more[n]
    out.update(_far_index_rules(x))
    return out


#: the combinations of an index function f with the position n tried by :func:`index_combination_rules`:
#: name -> (the term x at n from f(n) (None where it is not an integer), f(n) from a term x at n)
INDEX_COMBINATIONS: dict[str, tuple[Callable[[int, int], int | None], Callable[[int, int], int | None]]] = {
    "n * f(n)": (lambda v, n: v * n, lambda x, n: x // n if n and x % n == 0 else None),
    "f(n) + n": (lambda v, n: v + n, lambda x, n: x - n),
    "f(n) - n": (lambda v, n: v - n, lambda x, n: x + n),
    "n - f(n)": (lambda v, n: n - v, lambda x, n: n - x),
}
#: the multiples k n of the position tried as the argument of f by :func:`index_combination_rules`
INDEX_MULTIPLES = (2, 3)


def index_combination_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x`` is a simple combination of an index function f of
    :data:`INDEX_FUNCTIONS` with the position n = o, o + 1, ... (o = 0 or 1): n f(n), f(n) + n, f(n) - n,
    n - f(n) (:data:`INDEX_COMBINATIONS`; the cototient n - phi(n), prime(n) - n), or f at a multiple of the
    position, f(2n) or f(3n) (sigma(2n)). At least :data:`MIN_TRANSFORMED_TERMS` terms, every one checked;
    not an arithmetic progression.

    >>> index_combination_rules([0, 1, 1, 2, 1, 4, 1, 4, 3, 6])["n - f(n), f = phi"]   # the cototient
    1
    >>> index_combination_rules([3, 7, 12, 15, 18, 28, 24, 31, 39, 42])["f(2n), f = sigma"]
    36
    """
    n_terms = len(x)
    if n_terms < MIN_TRANSFORMED_TERMS or not all(isinstance(v, int) for v in x) or _arithmetic_progression(x):
        return {}
    out: dict[str, int] = {}
    for o in (0, 1):
        if o + INDEX_MULTIPLES[-1] * (n_terms + 1) >= INDEX_LIMIT:
            break
        suffix = "" if o == 1 else " (from n = 0)"
        positions = range(o, o + n_terms + 1)
        for combination, (forward, backward) in INDEX_COMBINATIONS.items():
            want = [backward(v, n) for v, n in zip(x, positions)]
            if None in want:
                continue
            for name in INDEX_FUNCTIONS:
                vals = _index_values(name, o, n_terms + 1)
                if vals[-1] is not None and list(vals[:-1]) == want:
                    out[f"{combination}, f = {name}{suffix}"] = forward(vals[-1], positions[-1])
        for k in INDEX_MULTIPLES:
            for name, f in INDEX_FUNCTIONS.items():
                if f(k * o) == x[0] and f(k * (o + 1)) == x[1]:
                    vals = [f(k * n) for n in positions]
                    if vals[-1] is not None and vals[:-1] == list(x):
                        out[f"f({k}n), f = {name}{suffix}"] = vals[-1]
    return out


# --- integer sets ------------------------------------------------------------------------------------------------

def _facts(n: np.ndarray) -> dict[str, np.ndarray]:
    """Per value of ``n`` (non-negative, int64): Omega, omega, tau, sigma, greatest and least prime factor, largest
    and smallest exponent, and whether a prime = 3 (mod 4) divides it to an odd power -- by peeling smallest prime
    factors off all values at once."""
    spf = _spf_table(int(n.max(initial=1)))
    m = np.maximum(n, 1)
    size = len(n)
    big_omega, omega = np.zeros(size, np.int64), np.zeros(size, np.int64)
    tau, sigma = np.ones(size, np.int64), np.ones(size, np.int64)
    gpf, lpf = np.ones(size, np.int64), np.where(n > 1, spf[m], 1)
    max_e, min_e = np.zeros(size, np.int64), np.full(size, 1 << 30, np.int64)
    odd3 = np.zeros(size, bool)
    last, e, part = np.zeros(size, np.int64), np.zeros(size, np.int64), np.ones(size, np.int64)

    def close(idx: np.ndarray) -> None:  # the prime last[idx] is done: fold its exponent into the products
        tau[idx] *= e[idx] + 1
        sigma[idx] *= part[idx]
        max_e[idx] = np.maximum(max_e[idx], e[idx])
        min_e[idx] = np.minimum(min_e[idx], e[idx])
        odd3[idx] |= (last[idx] % 4 == 3) & (e[idx] % 2 == 1)

    while True:
        act = np.nonzero(m > 1)[0]
        if not len(act):
            break
        p = spf[m[act]]
        new = act[p != last[act]]
        close(new[last[new] > 0])
        omega[new] += 1
        e[new], part[new] = 0, 1
        last[act] = p
        e[act] += 1
        part[act] = part[act] * p + 1
        big_omega[act] += 1
        gpf[act] = np.maximum(gpf[act], p)
        m[act] //= p
    close(np.nonzero(last > 0)[0])
    min_e[last == 0] = 0
    return {"n": n, "Omega": big_omega, "omega": omega, "tau": tau, "sigma": sigma, "gpf": gpf, "lpf": lpf,
            "max_e": max_e, "min_e": min_e, "odd3": odd3}


def _digit_sum(n: np.ndarray, base: int = 10, power: int = 1) -> np.ndarray:
    """The sum of the ``power``-th powers of the base-``base`` digits of each ``n >= 0``."""
    out, m = np.zeros_like(n), n.copy()
    while m.any():
        m, d = np.divmod(m, base)
        out += d**power
    return out


def _reverse(n: np.ndarray, base: int = 10) -> np.ndarray:
    rev, m = np.zeros_like(n), n.copy()
    while m.any():
        live = m > 0
        m, d = np.divmod(m, base)
        rev = np.where(live, rev * base + d, rev)
    return rev


def _palindrome(n: np.ndarray, base: int) -> np.ndarray:
    return _reverse(n, base) == n


def _happy(n: np.ndarray) -> np.ndarray:
    """Whether iterating the sum of the squares of the decimal digits from each ``n >= 1`` reaches 1 (it otherwise
    enters the cycle of 4; every start below 10^17 is within 20 steps of one or the other)."""
    m = np.maximum(n, 0)
    for _ in range(20):
        m = _digit_sum(m, 10, 2)
    return (n >= 1) & (m == 1)


#: above the sieve, at most this many values are tested one by one (Miller-Rabin), more by trial division at once
_MILLER_RABIN_COUNT = 4096
#: the first 12 primes: as Miller-Rabin bases they decide primality below 3.18 * 10^23 (Sorenson & Webster 2015)
_MR_BASES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def _miller_rabin(n: int) -> bool:
    """Whether ``n`` (below 3.18 * 10^23, so every int64) is prime: the Miller-Rabin test with the bases
    :data:`_MR_BASES`, deterministic in that range."""
    if n < 2:
        return False
    for p in _MR_BASES:
        if n % p == 0:
            return n == p
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for a in _MR_BASES:
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _is_prime(v: np.ndarray) -> np.ndarray:
    """Whether each value of ``v`` (int64, any sign) is prime: from a sieve up to 2^22, above it one by one by
    Miller-Rabin (:data:`_MILLER_RABIN_COUNT` values at most) or all at once by trial division."""
    out = np.zeros(v.shape, bool)
    small = (v >= 2) & (v < _SIEVE_LIMIT)
    if small.any():
        spf = _spf_table(int(v[small].max()))
        out[small] = spf[v[small]] == v[small]
    big = np.nonzero(v >= _SIEVE_LIMIT)[0]
    if 0 < len(big) <= _MILLER_RABIN_COUNT:
        out[big] = [_miller_rabin(int(w)) for w in v[big]]
    elif len(big):
        w = v[big]
        alive = np.ones(len(w), bool)
        for p in _primes_upto(isqrt(int(w.max()))):
            alive &= w % p != 0
        out[big] = alive
    return out


def _digits_within(n: np.ndarray, base: int, allowed: tuple[int, ...]) -> np.ndarray:
    """Whether every base-``base`` digit of each value of ``n`` (non-negative) is in ``allowed``."""
    table = np.zeros(base, bool)
    table[list(allowed)] = True
    ok, m = n >= 0, np.maximum(n, 0)
    while m.any():
        live = m > 0
        m, d = np.divmod(m, base)
        ok &= table[d] | ~live
    return ok


def _sum_of_two_cubes(n: np.ndarray) -> np.ndarray:
    """Whether each value of ``n`` is a^3 + b^3 with integers 1 <= a <= b."""
    top = int(n.max(initial=2))
    cubes = np.arange(1, int(round(top ** (1 / 3))) + 2, dtype=np.int64) ** 3
    sums = (cubes[:, None] + cubes[None, :]).ravel()
    return np.isin(n, sums[sums <= top])


def _perfect_power(n: np.ndarray) -> np.ndarray:
    out = n == 1
    for k in range(2, max(2, int(n.max(initial=1)).bit_length()) + 1):
        r = np.round(np.power(np.maximum(n, 1).astype(np.float64), 1.0 / k)).astype(np.int64)
        out |= ((r - 1) ** k == n) | (r**k == n) | ((r + 1) ** k == n)
    return out & (n >= 1)


def _over_prime_factors(n: np.ndarray, init, step) -> np.ndarray:
    """Fold ``acc = step(acc, p, n)`` over the prime factors ``p`` of each ``n >= 1`` (with multiplicity, smallest
    first), from ``acc = init`` (an array of the shape of ``n``); values < 2 have no prime factor."""
    spf = _spf_table(int(n.max(initial=1)))
    m, acc = np.maximum(n, 1), init
    while (act := m > 1).any():
        p = np.where(act, spf[m], 1)
        acc = np.where(act, step(acc, p, n), acc)
        m = np.where(act, m // p, m)
    return acc


def _carmichael_number(f: dict[str, np.ndarray]) -> np.ndarray:
    """Korselt's criterion (1899): n is squarefree, has three prime factors or more, and p - 1 divides n - 1 for
    every prime p dividing it."""
    n = f["n"]
    ok = _over_prime_factors(n, np.ones(len(n), bool), lambda acc, p, n: acc & ((n - 1) % np.maximum(p - 1, 1) == 0))
    return ok & (f["Omega"] >= 3) & (f["max_e"] <= 1)


def _smith(f: dict[str, np.ndarray]) -> np.ndarray:
    """Smith numbers: composite, and the digit sum of n equals the sum of the digit sums of its prime factors,
    counted with multiplicity."""
    n = f["n"]
    factor_digits = _over_prime_factors(n, np.zeros(len(n), np.int64), lambda acc, p, n: acc + _digit_sum(p))
    return (f["Omega"] >= 2) & (factor_digits == _digit_sum(np.maximum(n, 0)))


def _sum_of_two_positive_squares(f: dict[str, np.ndarray]) -> np.ndarray:
    """a^2 + b^2 with a, b >= 1: a sum of two squares that is not a square, or a square with a prime factor
    = 1 (mod 4) (whose square has a second representation)."""
    n = f["n"]
    has_1mod4 = _over_prime_factors(n, np.zeros(len(n), bool), lambda acc, p, n: acc | (p % 4 == 1))
    return (n >= 2) & ~f["odd3"] & (~_is_square(n) | has_1mod4)


def _sum_of_three_squares(n: np.ndarray) -> np.ndarray:
    """Legendre's three-square theorem: n >= 0 is a^2 + b^2 + c^2 unless n = 4^a (8b + 7)."""
    m = np.maximum(n, 0)
    for _ in range(32):
        m = np.where((m > 0) & (m % 4 == 0), m // 4, m)
    return (n >= 0) & (m % 8 != 7)


#: property name -> membership of the values of a :func:`_facts` table
PROPERTIES: dict[str, Callable[[dict[str, np.ndarray]], np.ndarray]] = {
    "prime": lambda f: f["Omega"] == 1,
    "prime power": lambda f: f["omega"] == 1,
    "squarefree": lambda f: (f["n"] >= 1) & (f["max_e"] <= 1),
    "semiprime": lambda f: f["Omega"] == 2,
    "squarefree semiprime": lambda f: (f["Omega"] == 2) & (f["omega"] == 2),
    "3-almost prime": lambda f: f["Omega"] == 3,
    "4-almost prime": lambda f: f["Omega"] == 4,
    "sphenic": lambda f: (f["Omega"] == 3) & (f["omega"] == 3),
    **{f"{k} divisors": (lambda f, k=k: f["tau"] == k) for k in (3, 4, 6, 8)},
    **{f"{k}-smooth": (lambda f, k=k: (f["n"] >= 1) & (f["gpf"] <= k)) for k in (3, 5, 7)},
    "powerful": lambda f: (f["n"] >= 1) & (f["min_e"] != 1),
    "perfect power": lambda f: _perfect_power(f["n"]),
    "palindrome": lambda f: _palindrome(f["n"], 10),
    "binary palindrome": lambda f: _palindrome(f["n"], 2),
    "harshad": lambda f: (f["n"] >= 1) & (f["n"] % np.maximum(_digit_sum(f["n"]), 1) == 0),
    "happy": lambda f: _happy(f["n"]),
    "sum of two squares": lambda f: (f["n"] >= 0) & ~f["odd3"],
    "sum of two positive squares": _sum_of_two_positive_squares,
    "sum of three squares": lambda f: _sum_of_three_squares(f["n"]),
    "cubefree": lambda f: (f["n"] >= 1) & (f["max_e"] <= 2),
    "Carmichael number": _carmichael_number,
    "Smith number": _smith,
    "abundant": lambda f: (f["n"] >= 1) & (f["sigma"] > 2 * f["n"]),
    "deficient": lambda f: (f["n"] >= 1) & (f["sigma"] < 2 * f["n"]),
    "twin prime": lambda f: (f["Omega"] == 1) & (_is_prime(f["n"] - 2) | _is_prime(f["n"] + 2)),
    "lesser twin prime": lambda f: (f["Omega"] == 1) & _is_prime(f["n"] + 2),
    "isolated prime": lambda f: (f["Omega"] == 1) & ~_is_prime(f["n"] - 2) & ~_is_prime(f["n"] + 2),
    "Sophie Germain prime": lambda f: (f["Omega"] == 1) & _is_prime(2 * f["n"] + 1),
    "safe prime": lambda f: (f["Omega"] == 1) & (f["n"] % 2 == 1) & _is_prime((f["n"] - 1) // 2),
    "lesser cousin prime": lambda f: (f["Omega"] == 1) & _is_prime(f["n"] + 4),
    "lesser sexy prime": lambda f: (f["Omega"] == 1) & _is_prime(f["n"] + 6),
    "n^2 + 1 prime": lambda f: _is_prime(f["n"] * f["n"] + 1),
    "square + 1": lambda f: (f["n"] >= 1) & _is_square(f["n"] - 1),  # with "prime": Landau's primes k^2 + 1
    "2n + 1 prime": lambda f: _is_prime(2 * f["n"] + 1),
    "emirp": lambda f: (f["Omega"] == 1) & _is_prime(_reverse(f["n"])) & (_reverse(f["n"]) != f["n"]),
    "sum of two positive cubes": lambda f: _sum_of_two_cubes(f["n"]),
    "evil": lambda f: (f["n"] >= 0) & (_digit_sum(f["n"], 2) % 2 == 0),
    "odious": lambda f: _digit_sum(f["n"], 2) % 2 == 1,
    "zeroless": lambda f: (f["n"] >= 1) & _digits_within(f["n"], 10, (1, 2, 3, 4, 5, 6, 7, 8, 9)),
    "decimal digits 0, 1": lambda f: _digits_within(f["n"], 10, (0, 1)),
    "ternary digits 0, 1": lambda f: _digits_within(f["n"], 3, (0, 1)),
    # sums of distinct powers of b (b = 4: the Moser-de Bruijn sequence)
    **{f"base-{b} digits 0, 1": (lambda f, b=b: _digits_within(f["n"], b, (0, 1))) for b in range(4, 10)},
    "ternary digits 0, 2": lambda f: _digits_within(f["n"], 3, (0, 2)),
}
#: properties tried alone only, not in pairs or with a residue condition: they hold for so many small numbers that
#: their pairs with the others give spurious continuations (2, 4, 8, 16 are 5-smooth and odious, and so is 25)
UNPAIRED = ("n^2 + 1 prime", "2n + 1 prime", "sum of two positive squares", "sum of three squares", "cubefree",
            "Carmichael number", "Smith number", "happy", "evil", "odious", "zeroless", "decimal digits 0, 1",
            "ternary digits 0, 1", "ternary digits 0, 2", "sum of two positive cubes",
            *(f"base-{b} digits 0, 1" for b in range(4, 10)))
#: properties whose complement (among n >= 1) is tried too
COMPLEMENTED = ("prime", "prime power", "squarefree", "perfect power", "palindrome", "sum of two squares")


class _Members(dict):
    """The membership arrays of the :data:`PROPERTIES` over one :func:`_facts` table, each computed once."""

    def __init__(self, facts: dict[str, np.ndarray]) -> None:
        super().__init__()
        self.facts, self.n = facts, facts["n"]

    def __missing__(self, name: str) -> np.ndarray:
        self[name] = PROPERTIES[name](self.facts)
        return self[name]


def integer_sets(first: int, holding: Collection[str] | None = None) -> dict[str, Callable[[_Members], np.ndarray]]:
    """Every set a sequence starting at ``first`` is tried against: name -> membership over the values of a
    :func:`_facts` table (given as its :class:`_Members`). Properties, complements (of :data:`COMPLEMENTED` and
    of :data:`INDICATOR_ONLY`), pairs of properties, a property without one of :data:`COMPLEMENTED`, and a
    property, a complement or none with a residue condition that ``first`` meets (pairs and residue conditions
    leave out :data:`UNPAIRED`). ``holding``: only the properties of :data:`PROPERTIES` among these are used (those true at
    every term: no other can give a sequence)."""
    singles = [name for name in PROPERTIES if holding is None or name in holding]
    sets: dict[str, Callable[[_Members], np.ndarray]] = {name: (lambda m, name=name: m[name]) for name in singles}
    names = [name for name in singles if name not in UNPAIRED]
    for name in COMPLEMENTED:
        sets["not " + name] = lambda m, name=name: (m.n >= 1) & ~m[name]
    for name, test in INDICATOR_ONLY.items():  # the non-squares, the non-triangular numbers...
        sets["not " + name] = lambda m, test=test: (m.n >= 1) & ~test(m.facts)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            sets[f"{a} & {b}"] = lambda m, a=a, b=b: m[a] & m[b]
    for c in COMPLEMENTED:  # the squarefree composites: squarefree & not prime
        for name in names:
            if name != c:
                sets[f"{name} & not {c}"] = lambda m, name=name, c=c: m[name] & ~m[c]
    for mod in range(2, MAX_MODULUS + 1):
        r = first % mod
        if gcd(first, mod) == 1:
            sets[f"gcd(n, {mod}) = 1"] = lambda m, mod=mod: (np.gcd(m.n, mod) == 1) & (m.n >= 1)
        for name in names:
            sets[f"{name} & n = {r} (mod {mod})"] = lambda m, name=name, mod=mod, r=r: m[name] & (m.n % mod == r)
        for c in COMPLEMENTED:  # the odd composites
            sets[f"not {c} & n = {r} (mod {mod})"] = lambda m, c=c, mod=mod, r=r: (m.n >= 1) & ~m[c] & (m.n % mod == r)
    return sets


def set_rules(x: Sequence[int], max_window: int = MAX_WINDOW) -> dict[str, int]:
    """``{set: next member}`` of the integer sets whose consecutive members from ``x[0]`` to ``x[-1]`` are exactly
    the terms of ``x``: at least :data:`MIN_TERMS` terms, strictly increasing, non-negative, at most
    :data:`SET_LIMIT`, and not an arithmetic progression. The next member is searched among the next
    4 g + 64 integers, g the largest gap between terms, up to :data:`SET_LIMIT`; sequences whose terms and that
    search span more than ``max_window`` integers are not tried. A first term 0 or 1 that is not a member may
    lead the members (``"1, then prime power"``: 1, 2, 3, 4, 5, 7, 8, 9, 11, 13 -> 16).

    >>> set_rules([2, 3, 5, 7, 11, 13])["prime"]
    17
    >>> set_rules([1, 2, 3, 4, 5, 7, 8, 9, 11, 13])["1, then prime power"]
    16
    >>> set_rules([6, 10, 14, 15, 21, 22])["squarefree semiprime"]
    26
    """
    out = _set_rules(x, max_window)
    if len(x) > MIN_TERMS and x[0] in (0, 1) and isinstance(x[1], int) and x[1] > x[0]:
        rest = _set_rules(x[1:], max_window)
        if rest:
            sets, head = integer_sets(x[1]), _Members(_facts(np.asarray(x[:1], dtype=np.int64)))
            out.update({f"{x[0]}, then {name}": v for name, v in rest.items()
                        if name not in out and not sets[name](head)[0]})
    return out


def _set_rules(x: Sequence[int], max_window: int) -> dict[str, int]:
    n = len(x)
    if n < MIN_TERMS or not all(isinstance(v, int) for v in x) or x[0] < 0 or x[-1] > SET_LIMIT:
        return {}
    steps = [b - a for a, b in zip(x, x[1:])]
    if min(steps) <= 0 or _arithmetic_progression(x):
        return {}
    lo, hi = x[0], min(SET_LIMIT + 1, x[-1] + 4 * max(steps) + 64)
    if hi - lo > max_window:
        return {}
    terms = np.asarray(x, dtype=np.int64)
    at_terms = _Members(_facts(terms))
    holding = [name for name in PROPERTIES if at_terms[name].all()]
    sets = {name: member for name, member in integer_sets(x[0], holding).items() if member(at_terms).all()}
    if not sets:
        return {}
    window = _Members(_facts(np.arange(lo, hi, dtype=np.int64)))  # the terms, their gaps, room for the next member
    wanted = np.zeros(hi - lo, bool)
    wanted[terms - lo] = True
    upto = x[-1] - lo + 1
    out = {}
    for name, member in sets.items():
        inside = member(window)
        if np.array_equal(inside[:upto], wanted[:upto]):
            after = np.nonzero(inside[upto:])[0]
            if len(after):
                out[name] = int(lo + upto + after[0])
    return out


def _is_square(n: np.ndarray) -> np.ndarray:
    r = np.round(np.sqrt(np.maximum(n, 0).astype(np.float64))).astype(np.int64)
    return (n >= 0) & ((r * r == n) | ((r - 1) * (r - 1) == n) | ((r + 1) * (r + 1) == n))


#: sets whose characteristic function is tried beside those of :data:`PROPERTIES` and their complements (as sets
#: their members are polynomial or exponential sequences, which other rules continue)
INDICATOR_ONLY: dict[str, Callable[[dict[str, np.ndarray]], np.ndarray]] = {
    "square": lambda f: _is_square(f["n"]),
    "cube": lambda f: np.isin(f["n"], np.arange(0, 200, dtype=np.int64) ** 3),
    "triangular": lambda f: _is_square(8 * f["n"] + 1),
    "power of 2": lambda f: (f["n"] >= 1) & (f["n"] & (f["n"] - 1) == 0),
    "Fibonacci number": lambda f: (f["n"] >= 0) & (_is_square(5 * f["n"] ** 2 + 4) | _is_square(5 * f["n"] ** 2 - 4)),
}


def _single_sets(f: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Membership of the values of a :func:`_facts` table in each set of :data:`PROPERTIES` and in the complements
    (among n >= 1) of :data:`COMPLEMENTED`."""
    members = _Members(f)
    return {**{name: members[name] for name in PROPERTIES},
            **{"not " + name: (f["n"] >= 1) & ~members[name] for name in COMPLEMENTED}}


def indicator_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x`` is the characteristic function ``[n in S]``, n = o, o+1, ... (o = 0 or 1),
    of a set ``S`` of :data:`PROPERTIES`, their complements or :data:`INDICATOR_ONLY`: at least
    :data:`MIN_TERMS` terms, all 0 or 1, with at least two of each.

    >>> indicator_rules([0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0])["characteristic function of prime (from n = 0)"]
    1
    """
    n_terms = len(x)
    if n_terms < MIN_TERMS or any(v not in (0, 1) for v in x) or not 2 <= sum(x) <= n_terms - 2:
        return {}
    want = np.asarray(x, dtype=bool)
    out = {}
    for o in (0, 1):
        f = _facts(np.arange(o, o + n_terms + 1, dtype=np.int64))
        sets = {**_single_sets(f), **{name: test(f) for name, test in INDICATOR_ONLY.items()}}
        suffix = "" if o == 1 else " (from n = 0)"
        for name, inside in sets.items():
            if np.array_equal(inside[:-1], want):
                out[f"characteristic function of {name}{suffix}"] = int(inside[-1])
    return out


# --- gaps between members ---------------------------------------------------------------------------------------

#: the integers 0..GAP_LIMIT-1 whose members give the gap sequences of :func:`gap_rules`
GAP_LIMIT = 2**14
#: the gap sequences are matched from the set's first or second member on
GAP_STARTS = (0, 1)


@cache
def _gap_sequences() -> dict[str, tuple[int, ...]]:
    """``{name: terms}``: the first and second differences of the members of each set of :data:`PROPERTIES`, of
    their complements (in the sets' own order) up to :data:`GAP_LIMIT`."""
    out = {}
    for name, inside in _single_sets(_facts(np.arange(GAP_LIMIT, dtype=np.int64))).items():
        gaps = np.diff(np.nonzero(inside)[0])
        out[f"first differences of {name}"] = tuple(int(v) for v in gaps)
        out[f"second differences of {name}"] = tuple(int(v) for v in np.diff(gaps))
    return out


def gap_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x`` lists the gaps between consecutive members of a set (the first
    differences of the primes, of the squarefree numbers...) or the gaps' own differences, from the set's first
    or second member on (:data:`GAP_STARTS`): at least :data:`MIN_TRANSFORMED_TERMS` terms, not an arithmetic
    progression. The sets are those of :data:`PROPERTIES` and their complements.

    >>> gap_rules([1, 1, 2, 1, 1, 3, 1, 2, 1])["first differences of squarefree"]   # 1, 2, 3, 5, 6, 7, 10, 11, ...
    1
    >>> gap_rules([1, 0, 2, -2, 2, -2, 2, 2, -4])["second differences of prime"]      # of 1, 2, 2, 4, 2, 4, 2, ...
    4
    """
    n = len(x)
    if n < MIN_TRANSFORMED_TERMS or not all(isinstance(v, int) for v in x) or _arithmetic_progression(x):
        return {}
    out = {}
    for name, terms in _gap_sequences().items():
        for start in GAP_STARTS:
            if start + n < len(terms) and terms[start] == x[0] and list(terms[start:start + n]) == list(x):
                out[name if start == 0 else f"{name} (from its second member)"] = terms[start + n]
    return out


# --- records -----------------------------------------------------------------------------------------------------

#: the record positions n up to this (f(n) > f(m) for every m < n) are listed for tau and sigma; the sieve takes
#: 0.06 s on a process's first question, four times that at 2^16
RECORD_LIMIT = 2**14


@cache
def _records() -> dict[str, tuple[int, ...]]:
    """``{name: terms}``: the record positions of tau (the highly composite numbers, Ramanujan 1915) and of sigma
    (the highly abundant numbers, Alaoglu & Erdos 1944) up to :data:`RECORD_LIMIT`, and the records themselves.
    tau and sigma come from a divisor sieve."""
    n = np.arange(RECORD_LIMIT + 1)
    tau, sigma = np.zeros(RECORD_LIMIT + 1, dtype=np.int64), np.zeros(RECORD_LIMIT + 1, dtype=np.int64)
    for d in range(1, RECORD_LIMIT + 1):
        tau[d::d] += 1
        sigma[d::d] += d
    out = {}
    for name, f in (("tau", tau), ("sigma", sigma)):
        best = np.maximum.accumulate(f)
        at = n[1:][f[1:] > best[:-1]]  # f(n) above every f(m), m < n
        out[f"record positions of {name}"] = tuple(int(v) for v in at)
        out[f"records of {name}"] = tuple(int(v) for v in f[at])
    return out


def record_rules(x: Sequence[int]) -> dict[str, int]:
    """``{rule: next term}`` where ``x`` lists consecutive record positions or records of tau or sigma (see
    :func:`_records`), from any of them on: at least :data:`MIN_TERMS` terms, strictly increasing.

    >>> record_rules([1, 2, 4, 6, 12, 24, 36, 48, 60, 120])  # the highly composite numbers
    {'record positions of tau': 180}
    """
    n = len(x)
    if n < MIN_TERMS or not all(isinstance(v, int) for v in x) or any(b <= a for a, b in zip(x, x[1:])):
        return {}
    out = {}
    for name, terms in _records().items():
        if x[0] in terms:
            i = terms.index(x[0])
            if i + n < len(terms) and list(terms[i: i + n]) == list(x):
                out[name] = terms[i + n]
    return out


def _transforms(x: Sequence[int]):
    """``(name, y, back)``: the sequences ``x`` is built from by partial sums (``y`` its first differences) and by
    partial products (``y`` the ratios, where every division is exact), and how a next term of ``y`` gives one of
    ``x``."""
    yield "partial sums of", [b - a for a, b in zip(x, x[1:])], lambda v: x[-1] + v
    if all(a != 0 and b % a == 0 for a, b in zip(x, x[1:])):
        yield "partial products of", [b // a for a, b in zip(x, x[1:])], lambda v: x[-1] * v


def next_terms(x: Sequence[int], max_window: int = MAX_WINDOW,
               transforms: Collection[str] = ("partial sums of", "partial products of")) -> dict[str, int]:
    """``{rule: next term}`` of every rule of this module that gives every term of ``x``: :func:`index_rules`,
    :func:`set_rules`, :func:`indicator_rules`, :func:`record_rules`, :func:`gap_rules` and
    :func:`index_combination_rules` on ``x``; and, from
    :data:`MIN_TRANSFORMED_TERMS` terms on, on the sequence ``x`` is the partial sums or the partial products of,
    those and the verified P-recursive fits of :func:`num2vec.exact.verified_holonomic_rules` (the sums of the
    first primes, of the Motzkin numbers, the products of the first Catalan numbers). Empty when no rule gives
    ``x``.

    ``max_window``: see :func:`set_rules`; ``transforms``: the transforms tried (names as in :func:`_transforms`).

    >>> next_terms([2, 5, 10, 17, 28, 41, 58])["partial sums of prime"]
    77
    >>> next_terms([1, 1, 2, 10, 140, 5880, 776160, 332972640])["partial products of P-recursive (1, 1)"]  # Catalan
    476150875200
    """
    from .exact import verified_holonomic_rules

    out = {**index_rules(x), **set_rules(x, max_window), **indicator_rules(x), **record_rules(x), **gap_rules(x),
           **index_combination_rules(x)}
    if len(x) < MIN_TRANSFORMED_TERMS or not all(isinstance(v, int) for v in x):
        return out
    for name, y, back in _transforms(x):
        if name not in transforms:
            continue
        found = {**index_rules(y), **set_rules(y, max_window), **verified_holonomic_rules(y)}
        out.update({f"{name} {rule}": back(v) for rule, v in found.items()
                    if not rule.startswith("first differences of")})  # the partial sums of those are x itself
    return out
