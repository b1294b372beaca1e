"""num2vec.guess: transforms against their definitions, and the rules they find on sequences from definitions."""

from math import comb, factorial

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
