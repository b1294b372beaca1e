import re

import pytest

from num2vec.catalog import CATALOG, RealSequence, get

KNOWN = {
    "squares": [0, 1, 4, 9, 16, 25, 36, 49, 64, 81],
    "cubes": [0, 1, 8, 27, 64, 125, 216],
    "triangular": [0, 1, 3, 6, 10, 15, 21, 28],
    "pentagonal": [0, 1, 5, 12, 22, 35, 51],
    "centered_hexagonal": [1, 7, 19, 37, 61, 91],
    "tetrahedral": [0, 1, 4, 10, 20, 35, 56],
    "fibonacci": [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89],
    "lucas": [2, 1, 3, 4, 7, 11, 18, 29, 47],
    "pell": [0, 1, 2, 5, 12, 29, 70, 169],
    "jacobsthal": [0, 1, 1, 3, 5, 11, 21, 43],
    "tribonacci": [0, 0, 1, 1, 2, 4, 7, 13, 24, 44],
    "padovan": [1, 0, 0, 1, 0, 1, 1, 1, 2, 2, 3, 4, 5, 7, 9, 12],
    "perrin": [3, 0, 2, 3, 2, 5, 5, 7, 10, 12, 17],
    "catalan": [1, 1, 2, 5, 14, 42, 132, 429, 1430, 4862],
    "central_binomial": [1, 2, 6, 20, 70, 252, 924],
    "factorials": [1, 1, 2, 6, 24, 120, 720, 5040],
    "double_factorials": [1, 1, 2, 3, 8, 15, 48, 105, 384],
    "motzkin": [1, 1, 2, 4, 9, 21, 51, 127, 323],
    "bell": [1, 1, 2, 5, 15, 52, 203, 877, 4140],
    "derangements": [1, 0, 1, 2, 9, 44, 265, 1854],
    "partitions": [1, 1, 2, 3, 5, 7, 11, 15, 22, 30, 42],
    "euler_zigzag": [1, 1, 1, 2, 5, 16, 61, 272, 1385],
    "primes": [2, 3, 5, 7, 11, 13, 17, 19, 23, 29],
    "num_divisors": [1, 2, 2, 3, 2, 4, 2, 4, 3, 4],
    "sum_of_divisors": [1, 3, 4, 7, 6, 12, 8, 15, 13, 18],
    "euler_phi": [1, 1, 2, 2, 4, 2, 6, 4, 6, 4],
    "digit_sum": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3],
    "mersenne": [0, 1, 3, 7, 15, 31, 63],
    "powers_of_3": [1, 3, 9, 27, 81, 243],
    "repunits": [0, 1, 11, 111, 1111],
    "lazy_caterer": [1, 2, 4, 7, 11, 16, 22],
    "cake_numbers": [1, 2, 4, 8, 15, 26, 42],
    "star_numbers": [1, 13, 37, 73, 121],
    "euclid_numbers": [2, 3, 7, 31, 211, 2311, 30031],
    "leonardo": [1, 1, 3, 5, 9, 15, 25, 41],
    "narayana_cows": [1, 1, 1, 2, 3, 4, 6, 9, 13, 19],
    "recaman": [0, 1, 3, 6, 2, 7, 13, 20, 12, 21, 11, 22, 10, 23],
    "collatz_steps": [0, 1, 7, 2, 5, 8, 16, 3, 19],
}


def test_size_and_unique_names():
    assert len(CATALOG) >= 100
    names = [s.name for s in CATALOG]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9_]+", n) for n in names)


def test_oeis_numbers_are_well_formed_and_unique():
    numbers = [s.oeis for s in CATALOG if s.oeis]
    assert all(re.fullmatch(r"A\d{6}", a) for a in numbers)
    assert len(set(numbers)) == len(numbers)
    assert len(numbers) >= 100


def test_sequences_are_distinct():
    assert len({tuple(s.terms(30)) for s in CATALOG}) == len(CATALOG)


@pytest.mark.parametrize("seq", CATALOG, ids=lambda s: s.name)
def test_thirty_non_negative_ints(seq: RealSequence):
    terms = seq.terms(30)
    assert len(terms) == 30
    assert all(type(t) is int and t >= 0 for t in terms)
    assert seq.terms(7) == terms[:7]
    assert seq.terms(0) == []
    assert seq.description


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_values(name):
    expected = KNOWN[name]
    assert get(name).terms(len(expected)) == expected


def test_closed_forms_agree_with_their_sums():
    assert get("square_pyramidal").terms(30) == [sum(k * k for k in range(n + 1)) for n in range(30)]
    assert get("sum_of_cubes").terms(30) == [(n * (n + 1) // 2) ** 2 for n in range(30)]
    assert get("cake_numbers").terms(30) == [(n**3 + 5 * n + 6) // 6 for n in range(30)]


def test_get_unknown_name():
    with pytest.raises(KeyError, match="fibonacci"):
        get("fibonaci")
    with pytest.raises(KeyError, match="no sequence named"):
        get("zzz")


@pytest.mark.parametrize("bad", [-1, 2.0, True, "3"])
def test_terms_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="count of terms"):
        get("squares").terms(bad)


def test_entries_are_frozen():
    with pytest.raises(AttributeError):
        get("squares").name = "other"
