import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from num2vec.solver import RULES, explain, repeating_next, solve


def _staircase(m: int, b: int, q: int, count: int) -> list[int]:
    return [(m * n + b) // q for n in range(1, count + 1)]


def test_period():
    assert explain([5, 8, 2, 5, 8, 2, 5]) == (8, "period")
    assert explain([4, 4, 4]) == (4, "period")
    assert explain([1, -2, 1, -2]) == (1, "period")


def test_period_needs_two_confirming_terms():
    # period 4 with 7 terms: 3 terms confirm it
    assert explain([81, 80, 93, 62, 81, 80, 93]) == (62, "period")
    # period 5 with 6 terms: a single repeat confirms nothing
    assert explain([81, 80, 93, 62, 17, 81]) is None


def test_repeating_next_continues_a_visible_cycle():
    assert repeating_next([7, 21, 2, 13, 7, 21, 2]) == 13          # period 4, three terms repeat it
    assert repeating_next([10**40, -3, 10**40, -3, 10**40]) == -3  # any size and sign
    assert repeating_next([6, 6, 6, 6]) == 6


@pytest.mark.parametrize("terms", [
    [7, 21, 2, 13, 7, 21],              # two repeated terms are not enough
    [0, 1, 1, 0, 1, 0, 0, 1, 1, 0],     # Thue-Morse: period 7 by chance (two values, less than two cycles)
    [1, 2, 2, 1, 1, 2, 1, 2, 2, 1],     # Kolakoski: the same
    [1, 2, 3, 4, 5, 6],
])
def test_repeating_next_rules_out_chance(terms):
    assert repeating_next(terms) is None


def test_repeating_next_two_valued_cycles_need_two_full_cycles():
    assert repeating_next([0, 0, 1, 0, 0, 1]) == 0
    assert repeating_next([0, 0, 1, 0, 0]) is None


def test_polynomial():
    cubes = [n**3 - 2 * n + 7 for n in range(6)]
    assert explain(cubes) == (6**3 - 2 * 6 + 7, "polynomial")
    assert explain([10, 7, 4, 1]) == (-2, "polynomial")


def test_polynomial_needs_a_confirming_difference():
    assert explain([1, 5]) is None  # a line through two points confirms nothing
    assert explain([1, 5, 9]) == (13, "polynomial")


def test_recurrence_with_constant():
    seq = [2, 3]
    for _ in range(6):
        seq.append(seq[-1] + seq[-2] + 5)  # Fibonacci-like plus a constant
    assert explain(seq[:-1]) == (seq[-1], "recurrence")


def test_affine_recurrence():
    seq = [7]
    for _ in range(6):
        seq.append(3 * seq[-1] - 2)
    assert explain(seq[:-1]) == (seq[-1], "recurrence")


def test_geometric():
    assert explain([3 * 5**n for n in range(6)]) == (3 * 5**6, "recurrence")
    assert solve([-7 * (-2) ** n for n in range(6)]) == -7 * (-2) ** 6


def test_recurrence_with_rational_coefficients():
    seq = [1024 * 3**n // 2**n for n in range(9)]  # a(n) = 3/2 * a(n-1)
    assert explain(seq[:-1]) == (seq[-1], "recurrence")


def test_recurrence_must_predict_an_integer():
    assert explain([16, 24, 36, 54, 81]) is None  # the next term would be 121.5


def test_recurrence_order_four():
    seq = [1, 2, 0, 5]
    for _ in range(9):
        seq.append(seq[-1] - seq[-2] + 2 * seq[-3] + seq[-4] + 1)
    assert explain(seq[:-1]) == (seq[-1], "recurrence")


def test_recurrence_needs_two_confirmations():
    # order 2 with a constant: 3 coefficients, 3 equations from 5 terms -> not confirmed
    fib = [1, 1, 2, 3, 5, 8, 13]
    assert solve(fib[:5]) is None
    assert solve(fib[:6]) is None  # one confirming equation only
    assert solve(fib) == 21


def test_repeated_equations_do_not_confirm():
    # the constant tail repeats one equation; the next term comes from the staircase, not a recurrence
    assert explain([133, 133, 134, 134, 134, 134, 134])[1] == "staircase"


def test_staircase():
    seq = _staircase(7, 5, 3, 8)
    assert explain(seq[:-1]) == (seq[-1], "staircase")
    seq = _staircase(-4, 300, 3, 8)
    assert explain(seq[:-1]) == (seq[-1], "staircase")


def test_staircase_n_plus_532_over_8():
    seq = _staircase(1, 532, 8, 13)  # 66, 66, 66, 67 x 8, 68, 68
    # 7 terms are ambiguous: (n + 264) // 4 fits them too, and the smallest divisor wins
    assert seq[:7] == _staircase(1, 264, 4, 7)
    assert explain(seq[:7]) == (_staircase(1, 264, 4, 8)[-1], "staircase")
    # 12 terms pin the step length down, and the 13th term comes out right
    assert explain(seq[:12]) == (seq[12], "staircase")


def test_staircase_needs_four_terms():
    assert explain([0, 0, 1]) is None


def test_noise():
    assert solve([3, 1, 4, 1, 5, 9, 2]) is None
    rng = random.Random(0)
    claimed = sum(solve([rng.randint(0, 99) for _ in range(7)]) is not None for _ in range(300))
    assert claimed <= 6


@pytest.mark.parametrize("terms", [[], [5]])
def test_too_short(terms):
    assert solve(terms) is None
    assert explain(terms) is None


def test_large_and_negative_terms():
    big = 10**60
    assert solve([big + 3 * n for n in range(4)]) == big + 12
    assert solve([-(2**n) * 10**30 for n in range(6)]) == -(2**6) * 10**30


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-20, 20), min_size=1, max_size=4))
def test_polynomials_of_degree_up_to_3(coefficients):
    def poly(n: int) -> int:
        return sum(c * n**i for i, c in enumerate(coefficients))

    terms = [poly(n) for n in range(9)]
    found = explain(terms[:8])
    assert found is not None and found[0] == terms[8]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(-(10**30), 10**30) | st.integers(-5, 5), min_size=0, max_size=14))
def test_never_raises(terms):
    found = explain(terms)
    if len(terms) < 2:
        assert found is None
    if found is not None:
        value, rule = found
        assert isinstance(value, int) and rule in RULES
        assert solve(terms) == value


def test_a_high_degree_polynomial_needs_two_confirmations():
    triangular_mod_10 = [n * (n + 1) // 2 % 10 for n in range(20)]  # two equal 18th differences, by chance
    assert explain(triangular_mod_10) is None
    fifth_powers = [n**5 for n in range(7)]  # degree 5 from 7 terms: one confirmation is enough
    assert explain(fifth_powers) == (7**5, "polynomial")
    assert explain([n**6 for n in range(8)]) is None
    assert explain([n**6 for n in range(9)]) == (9**6, "polynomial")
