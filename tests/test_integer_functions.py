"""num2vec.integer_functions against brute-force definitions."""

from math import gcd, isqrt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from num2vec import integer_functions as itf


def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def is_prime(n):
    return n >= 2 and all(n % d for d in range(2, int(n**0.5) + 1))


def prime_factors(n):  # with multiplicity
    out, d = [], 2
    while n > 1:
        while n % d == 0:
            out.append(d)
            n //= d
        d += 1
    return out


def carmichael(n):
    units = [a for a in range(1, n + 1) if gcd(a, n) == 1]
    return next(m for m in range(1, n + 1) if all(pow(a, m, n) == 1 % n for a in units))


def partitions(n, largest=None, distinct=False):
    largest = n if largest is None else largest
    if n == 0:
        return 1
    return sum(partitions(n - k, k - 1 if distinct else k, distinct) for k in range(1, min(n, largest) + 1))


def digits(n, b):
    return [int(c, 36) for c in np.base_repr(n, b)]


PRIMES = [p for p in range(2, 1000) if is_prime(p)]


def collatz_steps(n):
    trajectory = [n]
    while trajectory[-1] != 1:
        v = trajectory[-1]
        trajectory.append(v // 2 if v % 2 == 0 else 3 * v + 1)
    return len(trajectory) - 1


def decimal_period(n):
    """Long division of 1 by n: the remainders repeat with the period of the expansion (0 once a remainder is 0)."""
    seen, r, k = {}, 1, 0
    while r and r not in seen:
        seen[r], r, k = k, r * 10 % n, k + 1
    return k - seen[r] if r else 0


def least_primitive_root(p):
    return next(g for g in range(1, p) if len({pow(g, k, p) for k in range(1, p)}) == p - 1) if p > 2 else 1


BRUTE = {
    "tau": lambda n: len(divisors(n)),
    "sigma": lambda n: sum(divisors(n)),
    "sigma_2": lambda n: sum(d**2 for d in divisors(n)),
    "sigma_3": lambda n: sum(d**3 for d in divisors(n)),
    "phi": lambda n: sum(gcd(k, n) == 1 for k in range(1, n + 1)),
    "jordan_2": lambda n: sum(gcd(gcd(a, b), n) == 1 for a in range(n) for b in range(n)),
    "dedekind_psi": lambda n: round(n * np.prod([1 + 1 / p for p in set(prime_factors(n))])),
    "mobius": lambda n: 0 if any(n % (d * d) == 0 for d in range(2, n + 1)) else (-1) ** len(prime_factors(n)),
    "liouville": lambda n: (-1) ** len(prime_factors(n)),
    "radical": lambda n: int(np.prod(sorted(set(prime_factors(n))))),
    "core": lambda n: min(n // (d * d) for d in range(1, n + 1) if n % (d * d) == 0),
    "omega": lambda n: len(set(prime_factors(n))),
    "big_omega": lambda n: len(prime_factors(n)),
    "sopf": lambda n: sum(set(prime_factors(n))),
    "sopfr": lambda n: sum(prime_factors(n)),
    "gpf": lambda n: max(prime_factors(n), default=1),
    "lpf": lambda n: min(prime_factors(n), default=1),
    "carmichael": carmichael,
    "aliquot sum": lambda n: sum(divisors(n)) - n,
    "unitary divisors": lambda n: sum(gcd(d, n // d) == 1 for d in divisors(n)),
    "sum of unitary divisors": lambda n: sum(d for d in divisors(n) if gcd(d, n // d) == 1),
    "tau(n^2)": lambda n: len(divisors(n * n)),
    "sum of two squares representations": lambda n: sum(x * x + y * y == n for x in range(-n, n + 1)
                                                        for y in range(-n, n + 1)),
    "squares mod n": lambda n: len({pow(k, 2, n) for k in range(n)}),
    "product of digits": lambda n: int(np.prod(digits(n, 10))),
    "sum of squared digits": lambda n: sum(d * d for d in digits(n, 10)),
    "pillai": lambda n: sum(gcd(k, n) for k in range(1, n + 1)),
    "prime_pi": lambda n: sum(map(is_prime, range(n + 1))),
    "prime": lambda n: [p for p in range(2, 200) if is_prime(p)][n - 1],
    "2-adic valuation": lambda n: len(bin(n)) - len(bin(n).rstrip("0")),
    "odd part": lambda n: int(bin(n).rstrip("0"), 2),
    "largest power of 2 <= n": lambda n: max(2**k for k in range(n.bit_length()) if 2**k <= n),
    "binary zeros": lambda n: bin(n)[2:].count("0"),
    "gray code": lambda n: n ^ (n // 2),
    "digit reversal": lambda n: int(str(n)[::-1]),
    "largest proper divisor": lambda n: max((d for d in divisors(n) if d < n), default=1),
    "odd divisors": lambda n: sum(d % 2 for d in divisors(n)),
    "sum of odd divisors": lambda n: sum(d for d in divisors(n) if d % 2),
    "tau(n!)": lambda n: len(divisors(int(np.prod(range(1, n + 1), dtype=object)))) if n < 9 else
    int(np.prod([1 + sum(n // p**k for k in range(1, 12)) for p in range(2, n + 1) if is_prime(p)], dtype=object)),
    "trailing zeros of n!": lambda n: len(str(int(np.prod(range(1, n + 1), dtype=object)))) -
    len(str(int(np.prod(range(1, n + 1), dtype=object))).rstrip("0")),
    "2-adic valuation of n!": lambda n: sum(len(bin(k)) - len(bin(k).rstrip("0")) for k in range(1, n + 1)),
    "lcm(1..n)": lambda n: int(np.prod([p ** (len(np.base_repr(n, p)) - 1) for p in range(2, n + 1) if is_prime(p)],
                                       dtype=object)),  # each prime to the largest power <= n
    "n^n": lambda n: int(np.prod([n] * n, dtype=object)) if n else 1,
    "n^(n-1)": lambda n: int(np.prod([n] * (n - 1), dtype=object)) if n > 1 else 1,
    "n^(n+1)": lambda n: int(np.prod([n] * (n + 1), dtype=object)),
    "partitions": lambda n: partitions(n),
    "distinct partitions": lambda n: partitions(n, distinct=True),
    "Collatz steps": collatz_steps,
    "order of 2 mod 2n + 1": lambda n: next(k for k in range(1, 2 * n + 2) if (2**k - 1) % (2 * n + 1) == 0),
    "decimal period of 1/n": decimal_period,
    "least primitive root of prime(n)": lambda n: least_primitive_root(PRIMES[n - 1]),
    "Goldbach partitions of 2n": lambda n: sum(is_prime(p) and is_prime(2 * n - p) for p in range(2, n + 1)),
    "primes in (n, 2n]": lambda n: sum(map(is_prime, range(n + 1, 2 * n + 1))),
    "prime(prime(n))": lambda n: PRIMES[PRIMES[n - 1] - 1],
    "prime(n) prime(n + 1)": lambda n: PRIMES[n - 1] * PRIMES[n],
    **{f"digit sum base {b}": (lambda n, b=b: sum(digits(n, b))) for b in range(2, 11)},
    **{f"digits base {b}": (lambda n, b=b: len(digits(n, b))) for b in range(2, 11)},
    **{f"n in base {b}": (lambda n, b=b: int(np.base_repr(n, b))) for b in range(2, 10)},
}


def test_every_index_function_has_a_reference():
    assert set(BRUTE) == set(itf.INDEX_FUNCTIONS)


@pytest.mark.parametrize("name", sorted(itf.INDEX_FUNCTIONS))
def test_index_function_values(name):
    f = itf.INDEX_FUNCTIONS[name]
    first = 1 if f(0) is None else 0
    assert f(-1) is None
    for n in range(first, 36):
        assert f(n) == BRUTE[name](n), (name, n)


@pytest.mark.parametrize("name", sorted(itf.INDEX_FUNCTIONS))
def test_index_rules_recognise_every_function(name):
    f = itf.INDEX_FUNCTIONS[name]
    for o in itf.OFFSETS:
        terms = [f(n) for n in range(o, o + 11)]
        if None in terms or itf._arithmetic_progression(terms[:10]):
            continue
        suffix = "" if o == 1 else f" (from n = {o})"
        assert itf.index_rules(terms[:10])[name + suffix] == terms[10]
        sums = list(np.cumsum([f(n) for n in range(1, o + 11)]))
        sums = [0, *sums][o:o + 11]
        if not itf._arithmetic_progression(sums[:10]):
            assert itf.index_rules([int(v) for v in sums[:10]])["partial sums of " + name + suffix] == sums[10]


def test_facts_match_factorisations():
    n = np.arange(0, 3000, dtype=np.int64)
    facts = itf._facts(n)
    for v in range(1, 3000):
        pf = prime_factors(v)
        exps = [pf.count(p) for p in set(pf)]
        assert facts["Omega"][v] == len(pf) and facts["omega"][v] == len(set(pf))
        assert facts["tau"][v] == len(divisors(v)) and facts["sigma"][v] == sum(divisors(v))
        assert facts["gpf"][v] == max(pf, default=1) and facts["lpf"][v] == min(pf, default=1)
        assert facts["max_e"][v] == max(exps, default=0) and facts["min_e"][v] == min(exps, default=0)
        assert facts["odd3"][v] == any(p % 4 == 3 and pf.count(p) % 2 for p in set(pf))


REFERENCE_SETS = {
    "prime": is_prime,
    "prime power": lambda n: len(set(prime_factors(n))) == 1,
    "squarefree": lambda n: n >= 1 and all(n % (d * d) for d in range(2, n + 1)),
    "semiprime": lambda n: len(prime_factors(n)) == 2,
    "sphenic": lambda n: len(prime_factors(n)) == 3 == len(set(prime_factors(n))),
    "4 divisors": lambda n: len(divisors(n)) == 4 if n else False,
    "5-smooth": lambda n: n >= 1 and max(prime_factors(n), default=1) <= 5,
    "powerful": lambda n: n >= 1 and all(n % (p * p) == 0 for p in set(prime_factors(n))),
    "perfect power": lambda n: n == 1 or (n > 1 and any(round(n ** (1 / k)) ** k == n for k in range(2, 12))),
    "palindrome": lambda n: str(n) == str(n)[::-1],
    "binary palindrome": lambda n: bin(n)[2:] == bin(n)[2:][::-1],
    "harshad": lambda n: n >= 1 and n % sum(map(int, str(n))) == 0,
    "happy": lambda n: n >= 1 and _reaches_one(n),
    "sum of two squares": lambda n: any(int((n - a * a) ** 0.5) ** 2 == n - a * a for a in range(int(n**0.5) + 1)),
    "abundant": lambda n: n >= 1 and sum(divisors(n)) > 2 * n,
    "not prime": lambda n: n >= 1 and not is_prime(n),
    "twin prime": lambda n: is_prime(n) and (is_prime(n - 2) or is_prime(n + 2)),
    "lesser twin prime": lambda n: is_prime(n) and is_prime(n + 2),
    "isolated prime": lambda n: is_prime(n) and not is_prime(n - 2) and not is_prime(n + 2),
    "Sophie Germain prime": lambda n: is_prime(n) and is_prime(2 * n + 1),
    "safe prime": lambda n: is_prime(n) and is_prime((n - 1) // 2),
    "square + 1": lambda n: n >= 1 and isqrt(n - 1) ** 2 == n - 1,
    "sum of two positive squares": lambda n: any(isqrt(n - a * a) ** 2 == n - a * a > 0 for a in range(1, isqrt(n) + 1)),
    "sum of three squares": lambda n: any(a * a + b * b + c * c == n for a in range(isqrt(n) + 1)
                                          for b in range(a, isqrt(n) + 1) for c in range(b, isqrt(n) + 1)),
    "cubefree": lambda n: n >= 1 and all(n % (d**3) for d in range(2, n + 1) if d**3 <= n),
    "Carmichael number": lambda n: n > 2 and not is_prime(n) and all(pow(a, n - 1, n) == 1
                                                                    for a in range(2, n) if gcd(a, n) == 1),
    "Smith number": lambda n: n > 3 and not is_prime(n) and
    sum(map(int, str(n))) == sum(sum(map(int, str(p))) for p in prime_factors(n)),
    "lesser cousin prime": lambda n: is_prime(n) and is_prime(n + 4),
    "lesser sexy prime": lambda n: is_prime(n) and is_prime(n + 6),
    "n^2 + 1 prime": lambda n: is_prime(n * n + 1),
    "2n + 1 prime": lambda n: is_prime(2 * n + 1),
    "emirp": lambda n: is_prime(n) and is_prime(int(str(n)[::-1])) and str(n) != str(n)[::-1],
    "sum of two positive cubes": lambda n: any(a**3 + b**3 == n for a in range(1, 20) for b in range(a, 20)),
    "evil": lambda n: bin(n).count("1") % 2 == 0,
    "odious": lambda n: bin(n).count("1") % 2 == 1,
    "zeroless": lambda n: n >= 1 and "0" not in str(n),
    "decimal digits 0, 1": lambda n: set(str(n)) <= {"0", "1"},
    "ternary digits 0, 1": lambda n: set(np.base_repr(n, 3)) <= {"0", "1"},
    **{f"base-{b} digits 0, 1": (lambda n, b=b: set(np.base_repr(n, b)) <= {"0", "1"}) for b in range(4, 10)},
    "ternary digits 0, 2": lambda n: set(np.base_repr(n, 3)) <= {"0", "2"},
}


def _reaches_one(n: int) -> bool:
    """Iterate the sum of the squares of the digits until a value repeats: happy when it is 1."""
    seen = set()
    while n not in seen:
        seen.add(n)
        n = sum(int(d) ** 2 for d in str(n))
    return n == 1


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(sorted(REFERENCE_SETS)), start=st.integers(0, 3000), count=st.integers(4, 10))
def test_set_rules_give_the_next_member(name, start, count):
    member = REFERENCE_SETS[name]
    terms, v = [], start
    while len(terms) <= count:
        if member(v):
            terms.append(v)
        v += 1
    shown = terms[:count]
    span = shown[-1] + 4 * max(b - a for a, b in zip(shown, shown[1:])) + 64  # where the next member is searched
    if itf._arithmetic_progression(shown):
        assert itf.set_rules(shown) == {}
    elif terms[count] >= span:
        assert name not in itf.set_rules(shown)
    else:
        assert itf.set_rules(shown)[name] == terms[count]


@pytest.mark.parametrize("shown, rule, want", [
    ([97, 113, 137, 193, 233, 241], "prime & n = 1 (mod 8)", 257),
    ([23, 29, 41, 47, 53, 59], "prime & n = 2 (mod 3)", 71),
    ([11, 13, 17, 19, 21, 23], "gcd(n, 10) = 1", 27),
    ([11, 101, 131, 151, 181, 191], "prime & palindrome", 313),
    ([5, 6, 7, 10, 11, 12], "not perfect power", 13),
    ([1, 2, 3, 4, 5, 7, 8, 9, 11, 13], "1, then prime power", 16),   # a leading 1 that is not a member
    ([0, 2, 3, 5, 7, 11, 13], "0, then prime", 17),
    ([9, 15, 21, 25, 27, 33, 35, 39, 45, 49], "not prime & n = 1 (mod 2)", 51),  # the odd composites
    ([6, 10, 14, 15, 21, 22, 26, 30, 33, 34], "squarefree & not prime", 35),  # the squarefree composites
])
def test_combined_sets(shown, rule, want):
    assert itf.set_rules(shown)[rule] == want


@pytest.mark.parametrize("x", [
    [1, 2, 3, 4, 5, 6], [5, 5, 5, 5, 5], [3, 5, 7, 9], [2, 3, 5],            # progressions, too short
    [-7, 2, 3, 5, 7, 11], [2, 3, 5, 7, 11, itf.SET_LIMIT + 1],              # outside the set rules' range
    [1, 2, 3, 5, 8, 13, 21, 34], [1, 2, 6, 24, 120, 720],                   # no function, no property
])
def test_nothing_recognised(x):
    assert itf.next_terms(x) == {}


def test_long_terms_are_answered_without_error():
    # no function or set reaches 10^40, the fits on the differences are exact at any size
    assert set(itf.next_terms([10**40 + k * k for k in range(8)]).values()) == {10**40 + 64}
    assert itf.next_terms([-(10**30), 5, -3, 8, 1]) == {}


def test_partial_sums_of_a_sets_members():
    primes = [p for p in range(2, 100) if is_prime(p)]
    sums = list(np.cumsum(primes))
    assert itf.next_terms([int(v) for v in sums[:8]])["partial sums of prime"] == sums[8]
    composites = [n for n in range(4, 60) if not is_prime(n)]
    sums = [100 + int(v) for v in np.cumsum(composites)]  # any first term
    assert itf.next_terms(sums[:9])["partial sums of not prime"] == sums[9]


def test_partial_sums_and_products_of_p_recursive_sequences():
    motzkin = [1, 1, 2, 4, 9, 21, 51, 127, 323, 835, 2188, 5798]
    sums = [int(v) for v in np.cumsum(motzkin)]
    assert sums[11] in itf.next_terms(sums[:11]).values()
    catalan = [1, 1, 2, 5, 14, 42, 132, 429, 1430, 4862]
    products = [int(v) for v in np.cumprod(catalan)]
    assert itf.next_terms(products[:9])["partial products of P-recursive (1, 1)"] == products[9]
    assert "partial products of" not in " ".join(itf.next_terms([1, 2, 3, 5, 7, 11, 13, 17]))  # 3 / 2 not exact


def test_primality_by_sieve_and_by_trial_division():
    values = [*range(-3, 200), *range(itf._SIEVE_LIMIT - 200, itf._SIEVE_LIMIT + 200), 9999991, 9999993, 10**7 + 19]
    got = itf._is_prime(np.asarray(values, dtype=np.int64))
    assert got.tolist() == [is_prime(v) for v in values]


@pytest.mark.parametrize("name", sorted(set(REFERENCE_SETS) - {"sum of two positive cubes", "Carmichael number"}))
@pytest.mark.parametrize("offset", [0, 1])
def test_indicator_rules_continue_characteristic_functions(name, offset):
    member = REFERENCE_SETS[name]
    x = [int(member(n)) for n in range(offset, offset + 61)]
    assert 2 <= sum(x[:60]) <= 58  # at least two members and two non-members are shown
    suffix = " (from n = 0)" if offset == 0 else ""
    assert itf.indicator_rules(x[:60])[f"characteristic function of {name}{suffix}"] == x[60]


def test_indicator_rules_of_figurate_numbers():
    squares = [int(round(n**0.5) ** 2 == n) for n in range(40)]
    assert itf.indicator_rules(squares[:39])["characteristic function of square (from n = 0)"] == squares[39]
    fib = {0, 1, 2, 3, 5, 8, 13, 21, 34}
    x = [int(n in fib) for n in range(1, 35)]
    assert itf.indicator_rules(x[:33])["characteristic function of Fibonacci number"] == x[33]
    assert itf.indicator_rules([0, 1, 0, 0, 0, 0, 0]) == {}   # one member only: too little to tell


@pytest.mark.parametrize("name, start", [("sigma", 11), ("phi", 11), ("tau", 50), ("digit sum base 10", 87)])
def test_index_functions_from_a_far_offset(name, start):
    f = itf.INDEX_FUNCTIONS[name]
    x = [f(n) for n in range(start, start + 11)]
    found = itf.index_rules(x[:10])
    assert x[10] in found.values() and any(k.startswith(name + " (from n = ") for k in found)


def test_far_offsets_need_enough_terms():
    f = itf.INDEX_FUNCTIONS["sigma"]
    assert itf._far_index_rules([f(n) for n in range(11, 11 + itf.FAR_MIN_TERMS - 1)]) == {}


def test_unpaired_properties_stay_alone():
    # 2, 4, 8, 16 are 5-smooth and odious, and so is 25: digit properties are not paired with the others
    assert 25 not in itf.next_terms([2, 4, 8, 16]).values()
    assert itf.set_rules([1, 2, 4, 7, 8, 11, 13, 14])["odious"] == 16


def test_record_rules_against_brute_force_records():
    def record_positions(f, limit):
        out, best = [], None
        for n in range(1, limit):
            if best is None or f(n) > best:
                out.append(n)
                best = f(n)
        return out
    composite = record_positions(lambda n: len(divisors(n)), 800)    # highly composite: ..., 360, 720
    abundant = record_positions(lambda n: sum(divisors(n)), 200)     # highly abundant
    assert itf.record_rules(composite[:10])["record positions of tau"] == composite[10]
    assert itf.record_rules(composite[3:13])["record positions of tau"] == composite[13]
    assert itf.record_rules(abundant[:10])["record positions of sigma"] == abundant[10]
    assert itf.record_rules([len(divisors(n)) for n in composite[:10]])["records of tau"] == 18
    assert itf.record_rules([1, 2, 4, 6, 13]) == {}


@pytest.mark.parametrize("name", sorted(n for n in REFERENCE_SETS if not n.startswith("not ")))
def test_gap_rules_continue_the_gaps_between_members(name):
    member = REFERENCE_SETS[name]
    members = [v for v in range(2000) if member(v)][:14]
    gaps = [b - a for a, b in zip(members, members[1:])]
    second = [b - a for a, b in zip(gaps, gaps[1:])]
    for rule, seq in ((f"first differences of {name}", gaps), (f"second differences of {name}", second)):
        shown = seq[:10]
        if not itf._arithmetic_progression(shown):
            assert itf.gap_rules(shown)[rule] == seq[10]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=7, max_size=12))
def test_gap_rules_name_only_matching_gap_sequences(x):
    for rule, nxt in itf.gap_rules(x).items():
        name = rule.removesuffix(" (from its second member)")
        order, _, set_name = name.partition(" differences of ")
        member = REFERENCE_SETS.get(set_name)
        if member is None:
            continue
        members = [v for v in range(2**14) if member(v)]
        gaps = [b - a for a, b in zip(members, members[1:])]
        seq = gaps if order == "first" else [b - a for a, b in zip(gaps, gaps[1:])]
        start = 1 if rule.endswith("member)") else 0
        assert seq[start:start + len(x) + 1] == [*x, nxt]


@pytest.mark.parametrize("x, rule, want", [
    ([0, 1, 1, 2, 1, 4, 1, 4, 3, 6], "n - f(n), f = phi", 1),                     # the cototient, n = 1..10
    ([1, 2, 6, 8, 20, 12, 42, 32, 54, 40], "n * f(n), f = phi", 110),              # n phi(n) = phi(n^2)
    ([1, 1, 2, 3, 6, 7, 10, 11, 14, 19], "f(n) - n, f = prime", 20),               # prime(n) - n
    ([3, 7, 12, 15, 18, 28, 24, 31, 39, 42], "f(2n), f = sigma", 36),              # sigma(2n)
])
def test_index_combination_rules(x, rule, want):
    assert itf.index_combination_rules(x)[rule] == want
    assert itf.next_terms(x)[rule] == want


def test_complements_of_figurate_sets():
    non_squares = [n for n in range(1, 40) if round(n**0.5) ** 2 != n]
    assert itf.set_rules(non_squares[:10])["not square"] == non_squares[10]
    non_triangular = [n for n in range(1, 40) if all(k * (k + 1) // 2 != n for k in range(10))]
    assert itf.set_rules(non_triangular[:10])["not triangular"] == non_triangular[10]


def test_miller_rabin_agrees_with_trial_division_above_the_sieve():
    start = itf._SIEVE_LIMIT - 50
    values = np.arange(start, start + 400, dtype=np.int64)
    want = [all(v % p for p in range(2, isqrt(int(v)) + 1)) for v in values]
    assert itf._is_prime(values).tolist() == want                       # one by one (Miller-Rabin)
    assert [itf._miller_rabin(v) for v in (2**61 - 1, 2**61 + 1, 10**18 + 9, 10**18 + 7)] == [True, False, True, False]
