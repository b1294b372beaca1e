"""num2vec.guess: transforms against their definitions, and the rules they find on sequences from definitions."""

from fractions import Fraction
from math import comb, factorial, isqrt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from num2vec import guess

ints = st.lists(st.integers(-10**12, 10**12), min_size=1, max_size=15)


def power_series_product(exponents, m):
    """Coefficients 0..m of prod_k (1 - t^k)^(-a_k), by expanding each factor as a binomial series."""
    series = [1] + [0] * m
    for k, a in enumerate(exponents, start=1):
        factor = [0] * (m + 1)
        for j in range(0, m // k + 1):  # (1 - u)^(-a) = sum_j a (a + 1) ... (a + j - 1) / j! u^j
            rising = 1
            for i in range(j):
                rising *= a + i
            factor[j * k] = rising // factorial(j)
        series = [sum(series[i] * factor[n - i] for i in range(n + 1)) for n in range(m + 1)]
    return series


def partitions_avoiding(n, bad):
    """Partitions of n into parts p with not bad(p), by brute-force recursion."""
    def count(n, largest):
        if n == 0:
            return 1
        return sum(count(n - p, p) for p in range(1, min(n, largest) + 1) if not bad(p))
    return count(n, n)


@settings(max_examples=50, deadline=None)
@given(ints)
def test_binomial_transforms_invert_each_other(x):
    assert guess.inverse_binomial_transform(guess.binomial_transform(x)) == x
    assert guess.binomial_transform(guess.inverse_binomial_transform(x)) == x


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-30, 30), min_size=1, max_size=12))
def test_euler_transform_is_the_product_and_inverts(a):
    b = guess.euler_transform(a)
    assert b == power_series_product(a, len(a))
    assert guess.inverse_euler_transform(b) == a


def test_inverse_euler_transform_needs_a_leading_one():
    assert guess.inverse_euler_transform([2, 1, 1]) is None


def bell(n):
    rows = [[1]]
    for _ in range(n):
        row = [rows[-1][-1]]
        for v in rows[-1]:
            row.append(row[-1] + v)
        rows.append(row)
    return [r[0] for r in rows]


def rooted_trees(n):  # a(n+1) = (1/n) sum_{k=1..n} (sum_{d|k} d a(d)) a(n-k+1), a(1) = 1
    a = [0, 1]
    for m in range(1, n):
        a.append(sum(sum(d * a[d] for d in range(1, k + 1) if k % d == 0) * a[m - k + 1] for k in range(1, m + 1)) // m)
    return a


@pytest.mark.parametrize("terms", [
    bell(11),                                                           # B(n+1) = sum C(n, k) B(k)
    rooted_trees(12),                                                   # 0, 1, 1, 2, 4, 9, ...: Euler, itself
    [partitions_avoiding(n, lambda p: p % 3 == 0) for n in range(12)],  # Euler transform of 1, 1, 0, ...
    [partitions_avoiding(n, lambda p: p == 1) for n in range(12)],      # Euler transform of 0, 1, 1, 1, ...
    [comb(4 * n, n) for n in range(11)],                                # P-recursive of order 1, degree 3
    [comb(4 * n, n) // (3 * n + 1) for n in range(11)],
    [2 ** (n * n) for n in range(10)],                                  # partial products of a geometric
    [2 ** comb(n, 2) for n in range(11)],
    [sum(comb(n, k) * comb(2 * k, k) ** 2 for k in range(n + 1)) for n in range(12)],   # binomial transform
])
def test_guess_rules_continue_sequences_from_definitions(terms):
    assert terms[-1] in guess.guess_rules(terms[:-1]).values()


def ordered_set_partitions(n):
    """The ordered Bell (Fubini) numbers: sum_k k! S(n, k), S the Stirling numbers of the second kind."""
    stirling = [[1]]
    for m in range(1, n + 1):
        prev = stirling[-1] + [0]
        stirling.append([0] + [k * prev[k] + prev[k - 1] for k in range(1, m + 1)])
    return [sum(factorial(k) * row[k] for k in range(len(row))) for row in stirling]


def zigzag(n):
    """The Euler zigzag numbers (alternating permutations of n), from Seidel's boustrophedon triangle."""
    rows, out = [[1]], [1]
    for _ in range(n):
        row = [0]
        for v in reversed(rows[-1]):
            row.append(row[-1] + v)
        rows.append(row)
        out.append(row[-1])
    return out


@pytest.mark.parametrize("terms, rule", [
    (ordered_set_partitions(10), "binomial transform of itself, doubled"),
    (zigzag(10), "binomial self-convolution, halved"),
    (bell(11)[1:], "1, then binomial transform of itself, shifted"),       # the Bell numbers from B(1)
])
def test_self_transforms(terms, rule):
    assert guess.transform_rules(terms[:-1])[rule] == terms[-1]


def ulam(count, u1=1, u2=2):
    """Ulam's numbers: after u1, u2, the least number above the last that is a sum of two distinct earlier ones in
    exactly one way."""
    u = [u1, u2]
    while len(u) < count:
        c = u[-1] + 1
        while sum(1 for i in range(len(u)) for j in range(i + 1, len(u)) if u[i] + u[j] == c) != 1:
            c += 1
        u.append(c)
    return u


def mian_chowla(count):
    """The least numbers from 1 on whose pairwise sums (a term with itself included) are all distinct."""
    a = [1]
    while len(a) < count:
        c = a[-1] + 1
        while len({x + y for x in [*a, c] for y in [*a, c]}) != (len(a) + 1) * (len(a) + 2) // 2:
            c += 1
        a.append(c)
    return a


@pytest.mark.parametrize("terms, rule", [
    (ulam(11), "Ulam"),
    (ulam(11, 1, 3), "Ulam"),
    (ulam(11, 2, 5), "Ulam"),
    (mian_chowla(11), "Mian-Chowla"),
])
def test_greedy_additive_rules(terms, rule):
    assert guess.self_referential_rules(terms[:-1])[rule] == terms[-1]


def test_greedy_rules_refuse_other_sequences():
    rules = guess.self_referential_rules([1, 2, 3, 4, 6, 8, 11, 13, 16, 19])  # Ulam's numbers, the last one off
    assert "Ulam" not in rules and "Mian-Chowla" not in rules


def test_ramanujan_tau_is_an_euler_transform_of_a_constant():
    tau = guess.euler_transform([-24] * 11)  # q prod (1 - q^n)^24, without the factor q
    assert tau[:5] == [1, -24, 252, -1472, 4830]
    assert guess.guess_rules(tau[:11])["Euler transform of period"] == tau[11]


@pytest.mark.parametrize("x", [
    [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5],          # digits of pi
    [1, 2, 3, 5, 8],                             # too short
    list(range(1, 70)),                          # too long
])
def test_no_guess(x):
    assert guess.guess_rules(x) == {}


def test_fit_must_predict_the_last_term_from_the_others():
    # a break in the last term: any fit that absorbs it did not predict it
    x = [comb(4 * n, n) for n in range(10)]
    x[-1] += 1
    assert 847660528 not in guess.holonomic_guesses(x).values()


def multifactorial(n, k):
    """n (n - k) (n - 2k) ... down to a factor >= 1 (1 for n <= 0)."""
    out = 1
    while n > 0:
        out, n = out * n, n - k
    return out


@pytest.mark.parametrize("x, name", [
    ([multifactorial(n, 3) for n in range(11)], "P-recursive (3, 1), small coefficients"),   # triple factorials
    ([sum(comb(n, k) ** 3 for k in range(n + 1)) for n in range(11)],                      # Franel numbers
     "P-recursive (2, 2), small coefficients"),
    ([multifactorial(n, 3) for n in range(10, 21)], "P-recursive (3, 1), small coefficients"),  # from n = 10
])
def test_small_coefficient_fits_find_recurrences_the_terms_do_not_check(x, name):
    assert guess.small_coefficient_fits(x[:-1]) == {name: x[-1]}
    assert guess.guess_rules(x[:-1])[name] == x[-1]


@pytest.mark.parametrize("x", [
    [sum(int(d) for d in format(n, "o")) for n in range(10)],       # small terms: small coefficients by chance
    [n % 4 for n in range(10)],
    [comb(4 * n, n) for n in range(7)],                               # too few terms
])
def test_small_coefficient_fits_refuse_small_terms_and_short_sequences(x):
    assert guess.small_coefficient_fits(x) == {}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(10**6, 10**9), min_size=8, max_size=14))
def test_small_coefficient_fits_do_not_fit_noise(x):
    # a fit through random 7- to 10-digit terms has coefficients of the size of their determinants
    assert guess.small_coefficient_fits(x) == {}


# --- floor rules, run lengths, self-referential rules, 2-regular sequences: references from their definitions ---

def e_to_the(n, terms=80):
    """e^n as an exact fraction within 10^-60, from the series of e^n."""
    from fractions import Fraction
    return sum(Fraction(n**k, factorial(k)) for k in range(terms))


def golomb(count):  # a(1) = 1, a(n + 1) = 1 + a(n + 1 - a(a(n)))
    a = [None, 1]
    while len(a) <= count:
        n = len(a) - 1
        a.append(1 + a[n + 1 - a[a[n]]])
    return a[1:]


def kolakoski(count):  # the runs of 1s and 2s have the lengths the sequence itself lists
    a = [1, 2, 2]
    i = 2
    while len(a) < count:
        a += [1 + (a[-1] == 1)] * a[i]
        i += 1
    return a[:count]


def hofstadter_q(count):
    a = [None, 1, 1]
    while len(a) <= count:
        n = len(a)
        a.append(a[n - a[n - 1]] + a[n - a[n - 2]])
    return a[1:count + 1]


def hofstadter_g(count):  # G(0) = 0, G(n) = n - G(G(n - 1))
    g = [0]
    for n in range(1, count):
        g.append(n - g[g[n - 1]])
    return g


def conway_10000(count):  # a(1) = a(2) = 1, a(n) = a(a(n-1)) + a(n - a(n-1))
    a = [None, 1, 1]
    while len(a) <= count:
        n = len(a)
        a.append(a[a[n - 1]] + a[n - a[n - 1]])
    return a[1:count + 1]


def recaman(count):
    a, seen = [0], {0}
    for n in range(1, count):
        v = a[-1] - n if a[-1] - n > 0 and a[-1] - n not in seen else a[-1] + n
        a.append(v)
        seen.add(v)
    return a


def van_eck(count):
    a = [0]
    while len(a) < count:
        earlier = [i for i in range(len(a) - 1) if a[i] == a[-1]]
        a.append(len(a) - 1 - earlier[-1] if earlier else 0)
    return a


def ekg(count):
    from math import gcd
    a = [1, 2]
    while len(a) < count:
        a.append(min(m for m in range(2, 10 * count) if m not in a and gcd(m, a[-1]) > 1))
    return a


def look_and_say(count):
    a = ["1"]
    while len(a) < count:
        s, out, i = a[-1], "", 0
        while i < len(s):
            j = i
            while j < len(s) and s[j] == s[i]:
                j += 1
            out += f"{j - i}{s[i]}"
            i = j
        a.append(out)
    return [int(v) for v in a]


def stern(count):
    a = [0, 1]
    while len(a) < count:
        n = len(a)
        a.append(a[n // 2] if n % 2 == 0 else a[n // 2] + a[n // 2 + 1])
    return a


@pytest.mark.parametrize("terms, family", [
    ([n * n // 7 for n in range(11)], "floor"),
    ([(n + isqrt(5 * n * n)) // 2 for n in range(1, 13)], "floor"),       # floor(n phi)
    ([int(e_to_the(n)) for n in range(11)], "floor"),                       # floor(e^n)
    ([n for n in range(1, 6) for _ in range(n)][:11], "run"),               # n appears n times
    (golomb(11), "run"),
    (kolakoski(11), "run"),
    (hofstadter_q(12), "self"),
    (hofstadter_g(12), "self"),
    (conway_10000(12), "self"),
    (recaman(11), "self"),
    (van_eck(14), "self"),
    (ekg(11), "self"),
    (look_and_say(9), "self"),
    (stern(13), "regular"),
    ([bin(n).count("1") for n in range(13)], "regular"),                    # binary weight
    ([int(str(3**n)[::-1]) for n in range(11)], "transform"),               # powers of 3, digits reversed
])
def test_guessers_continue_sequences_from_their_definitions(terms, family):
    rules = {"floor": guess.floor_rules, "run": guess.run_length_rules, "self": guess.self_referential_rules,
             "regular": guess.regular_rules, "transform": guess.transform_rules}[family]
    assert terms[-1] in rules(terms[:-1]).values()
    assert terms[-1] in guess.guess_rules(terms[:-1]).values()


@settings(max_examples=200, deadline=None)
@given(st.integers(-50, 200), st.integers(1, 40), st.sampled_from([1, 2, 3]), st.integers(0, 1),
       st.integers(7, 20))
def test_a_floor_rule_is_never_wrong(p, q, k, start, count):
    # floor(r n^k) for a rational r: every answer given holds for this r (a unique answer holds for every r)
    x = [p * n**k // q for n in range(start, start + count + 1)]
    rule = f"floor(r n), n from {start}" if k == 1 else f"floor(r n^{k}), n from {start}"
    assert guess.floor_rules(x[:-1]).get(rule) in (None, x[-1])


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 60), st.integers(1, 30), st.integers(0, 1), st.integers(7, 16))
def test_an_exponential_floor_rule_is_never_wrong(p, q, start, count):
    from fractions import Fraction
    r = Fraction(p, q)
    if r <= 1:
        return
    x = [int(r**n) for n in range(start, start + count + 1)]
    found = guess.floor_rules(x[:-1]).get(f"floor(r^n), n from {start}")
    assert found in (None, x[-1])


def eulerian(n, k):  # Eulerian numbers by their explicit sum
    return sum((-1) ** j * comb(n + 1, j) * (k + 1 - j) ** n for j in range(k + 1))


def stirling2(n, k):
    return sum((-1) ** j * comb(k, j) * (k - j) ** n for j in range(k + 1)) // factorial(k)


@pytest.mark.parametrize("terms", [
    [eulerian(n, 2) for n in range(3, 14)],          # roots 3, 2, 2, 1, 1, 1
    [stirling2(n, 4) for n in range(4, 15)],         # roots 4, 3, 2, 1
    [n * n * 2**n for n in range(11)],               # roots 2, 2, 2
    [3**n - 2**n + (-1) ** n * n for n in range(11)],
])
def test_c_finite_rules_continue_sums_of_polynomials_times_powers(terms):
    assert terms[-1] in guess.c_finite_rules(terms[:-1]).values()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(guess.C_FINITE_ROOTS), st.integers(0, 1), st.integers(-9, 9)),
                min_size=1, max_size=2), st.integers(7, 14))
def test_a_c_finite_rule_of_order_up_to_3_is_never_wrong(parts, count):
    # sum of c n^j r^n of order <= 3: three zeros in a row of any product of operators mean zeros for ever
    x = [sum(c * n**j * r**n for r, j, c in parts) for n in range(count + 1)]
    for v in guess.c_finite_rules(x[:-1]).values():
        assert v == x[-1]


def test_offsets_and_common_factors():
    primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31]
    primorials = [1]
    for p in primes:
        primorials.append(primorials[-1] * p)
    assert guess.offset_rules([v + 1 for v in primorials[:10]])["x - 1: partial products of prime"] == primorials[10] + 1
    assert guess.offset_rules([p - 1 for p in primes[:10]])["x + 1: prime"] == 30
    assert guess.offset_rules([2 * p for p in primes[:10]])["x / 2: prime"] == 62


def k_bonacci(k, count):
    a = [0] * (k - 1) + [1]
    while len(a) < count:
        a.append(sum(a[-k:]))
    return a


def partitions(n):
    return partitions_avoiding(n, lambda p: False)


@pytest.mark.parametrize("terms, rules", [
    ([n**9 for n in range(11)], guess.monomial_rules),
    ([7 * n**4 for n in range(1, 12)], guess.monomial_rules),
    (k_bonacci(5, 11), guess.lag_sum_rules),
    (k_bonacci(4, 12), guess.lag_sum_rules),
    ([1, 1, 1, 2, 2, 3, 4, 5, 7, 9, 12], guess.lag_sum_rules),                             # Padovan: a(n-2) + a(n-3)
    ([int("".join(str(k) for k in range(1, n + 1))) for n in range(1, 12)], guess.transform_rules),  # 1, 12, 123
    ([int("".join(str(k * k) for k in range(1, n + 1))) for n in range(1, 10)], guess.transform_rules),
    ([b - a for a, b in zip(bell(11), bell(12)[1:])], guess.transform_rules),              # differences of Bell
    ([(-1) ** n * partitions(n) for n in range(11)], guess.offset_rules),                  # signed partitions
])
def test_fixed_form_rules_continue_sequences_from_definitions(terms, rules):
    assert terms[-1] in rules(terms[:-1]).values()
    assert terms[-1] in guess.guess_rules(terms[:-1]).values()


def test_first_differences_of_an_index_function():
    from num2vec.integer_functions import index_rules
    weight = [bin(n).count("1") for n in range(13)]
    x = [b - a for a, b in zip(weight, weight[1:])]
    assert index_rules(x[:-1])["first differences of digit sum base 2 (from n = 0)"] == x[-1]
    assert not any(r.startswith("first differences") for r in index_rules(x[:5]))  # too few terms


def digit_sum(v):
    total = 0
    while v:
        v, d = divmod(v, 10)
        total += d
    return total


@pytest.mark.parametrize("terms", [
    [digit_sum(3**n) for n in range(12)],
    [digit_sum(factorial(n)) for n in range(1, 13)],
    [len(str(factorial(n))) for n in range(12)],
    [len(str(7**n)) for n in range(1, 13)],
])
def test_digit_functions_of_classical_sequences(terms):
    assert terms[-1] in guess.digit_composition_rules(terms[:-1]).values()


# --- first-order maps ---------------------------------------------------------------------------------------------


def orbit(f, start, count):
    out = [start]
    while len(out) < count:
        out.append(f(out[-1]))
    return out


@pytest.mark.parametrize("terms, rule", [
    (orbit(lambda a: a * a - a + 1, 2, 7), "quadratic"),                     # Sylvester's sequence
    ([2**2**n + 1 for n in range(7)], "quadratic"),                            # Fermat numbers
    (orbit(lambda a: a * a - 2, 4, 7), "quadratic"),                         # Lucas-Lehmer
    (orbit(lambda a: a // 2 if a % 2 == 0 else 3 * a + 1, 27, 12), "parity"),  # a Collatz trajectory
    (orbit(lambda a: a // 2 if a % 2 == 0 else 3 * a - 1, -7, 12), "parity"),  # the 3x + 1 map on negatives
])
def test_first_order_maps_continue_orbits(terms, rule):
    found = guess.map_rules(terms[:-1])
    assert [v for name, v in found.items() if rule in name] == [terms[-1]]
    assert terms[-1] in guess.guess_rules(terms[:-1]).values()


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(-20, 20), st.integers(-50, 50), st.integers(2, 40))
def test_a_quadratic_map_orbit_is_continued(c2, c1, c0, start):
    terms = orbit(lambda a: c2 * a * a + c1 * a + c0, start, 7)
    if len(set(terms[:-1])) == len(terms) - 1:  # every step a new input: the map is determined and confirmed
        assert guess.map_rules(terms[:-1])["a(n) = f(a(n-1)), f quadratic"] == terms[-1]


@pytest.mark.parametrize("x", [
    [2, 3, 7, 43, 1807],                         # four steps: too few to confirm a quadratic
    [1, 4, 9, 16, 25, 36, 49, 64],               # squares: a function of n, not of the term before
    list(range(3, 12)),                          # affine, one piece: the rule solver's
    [2, 3, 5, 7, 11, 13, 17, 19, 23],            # primes
    [1, 2, 1, 3, 1, 2, 1, 4],                    # 1 is followed by 2 and by 3: no map
])
def test_no_map(x):
    assert guess.map_rules(x) == {}


def _fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


@pytest.mark.parametrize("terms, rule", [
    ([n * n % 10 for n in range(11)], "n^2 mod 10, n from 0"),                      # last digits of the squares
    ([_fib(n) % 7 for n in range(1, 13)], "Fibonacci(n) mod 7, n from 1"),
    ([pow(3, n, 11) for n in range(11)], "3^n mod 11, n from 0"),
    ([comb(2 * n, n) % 5 for n in range(12)], "C(2n, n) mod 5, n from 0"),
])
def test_residue_rules(terms, rule):
    assert guess.residue_rules(terms[:-1])[rule] == terms[-1]


def test_residue_rules_need_three_distinct_terms_below_the_modulus():
    assert guess.residue_rules([0, 1, 0, 1, 0, 1, 0, 1]) == {}          # two values: too little to tell
    assert guess.residue_rules([5, 20, 7, 9, 11, 3, 2, 16, 1]) == {}    # a term above every modulus


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_step_ratio_rules_continue_multifactorials(k):
    terms = [multifactorial(n, k) for n in range(13)]
    assert guess.step_ratio_rules(terms[:-1])[f"a(n) = P(n) a(n-{k}), degree 1"] == terms[-1]


def test_step_ratio_rules_with_a_quadratic_ratio():
    terms = [1, 2]
    for n in range(2, 12):
        terms.append((n * n + 1) * terms[n - 2])      # a(n) = (n^2 + 1) a(n - 2)
    assert guess.step_ratio_rules(terms[:-1])["a(n) = P(n) a(n-2), degree 2"] == terms[-1]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 10**6), min_size=7, max_size=12))
def test_step_ratio_rules_need_confirmed_ratios(x):
    for rule, nxt in guess.step_ratio_rules(x).items():
        k = int(rule.split("a(n-")[1].split(")")[0])
        ratios = [(i, Fraction(x[i], x[i - k])) for i in range(k, len(x))]
        degree = int(rule[-1])
        assert len(ratios) >= degree + 3 and guess._fits(ratios[:degree + 1], ratios[degree + 1:])
        assert nxt == guess._interpolate(ratios[:degree + 1], len(x)) * x[len(x) - k]


@pytest.mark.parametrize("y, want", [
    ([0, 1, 1, 1, 1, 1], 1),  # constant after one leading term
    ([5, 0, 2, 2, 2, 2], 2),  # after two
    ([0, 1, 1, 1], None),  # three equal terms are too few
    ([0, 4, 2, 1, 1, 1, 1], None),  # three leading terms are too many
])
def test_a_constant_after_a_start_is_continued(y, want):
    assert guess._continuations(y).get("constant after a start") == want
