import collections
import re

import pytest

from num2vec.catalog import CATALOG, CATEGORIES, SPLITS, RealSequence, by_category, get, split, split_of

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
    # the catalog's second part
    "lower_wythoff": [1, 3, 4, 6, 8, 9, 11, 12, 14, 16, 17, 19],
    "upper_wythoff": [2, 5, 7, 10, 13, 15, 18, 20, 23, 26, 28, 31],
    "beatty_sqrt3": [0, 1, 3, 5, 6, 8, 10, 12, 13, 15, 17],
    "beatty_e": [0, 2, 5, 8, 10, 13, 16, 19, 21, 24, 27, 29],
    "beatty_pi": [0, 3, 6, 9, 12, 15, 18, 21, 25, 28, 31, 34],
    "floor_e_power": [1, 2, 7, 20, 54, 148, 403, 1096, 2980, 8103, 22026],
    "floor_pi_power": [1, 3, 9, 31, 97, 306, 961, 3020, 9488, 29809],
    "floor_phi_power": [1, 1, 2, 4, 6, 11, 17, 29, 46, 76, 122],
    "digit_sum_base_3": [0, 1, 2, 1, 2, 3, 2, 3, 4, 1],
    "n_in_base_2": [0, 1, 10, 11, 100, 101, 110, 111, 1000],
    "harshad": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 18, 20, 21, 24],
    "happy": [1, 7, 10, 13, 19, 23, 28, 31, 32, 44, 49],
    "self_numbers": [1, 3, 5, 7, 9, 20, 31, 42, 53, 64, 75, 86, 97, 108],
    "fine": [1, 0, 1, 2, 6, 18, 57, 186, 622],
    "stirling2_k3": [1, 6, 25, 90, 301, 966],
    "stirling1_k2": [1, 3, 11, 50, 274, 1764],
    "free_trees": [1, 1, 1, 2, 3, 6, 11, 23, 47, 106, 235],
    "rooted_trees": [0, 1, 1, 2, 4, 9, 20, 48, 115, 286],
    "wedderburn_etherington": [0, 1, 1, 1, 2, 3, 6, 11, 23, 46, 98],
    "connected_labelled_graphs": [1, 1, 4, 38, 728, 26704],
    "binary_necklaces": [1, 2, 3, 4, 6, 8, 14, 20, 36, 60],
    "plane_partitions": [1, 1, 3, 6, 13, 24, 48, 86, 160],
    "alternating_sign_matrices": [1, 1, 2, 7, 42, 429, 7436],
    "menage": [1, 2, 13, 80, 579, 4738],
    "genocchi": [1, 1, 3, 17, 155, 2073],
    "secant_numbers": [1, 1, 5, 61, 1385, 50521],
    "apery_zeta3": [1, 5, 73, 1445, 33001],
    "franel": [1, 2, 10, 56, 346, 2252],
    "central_delannoy": [1, 3, 13, 63, 321, 1683],
    "ternary_numbers": [1, 1, 3, 12, 55, 273],
    "ramanujan_tau": [1, -24, 252, -1472, 4830, -6048, -16744, 84480],
    "mobius": [1, -1, -1, 0, -1, 1, -1, 0, 0, 1],
    "bernoulli_numerators": [1, -1, 1, 0, -1, 0, 1, 0, -1, 0, 5, 0, -691],
    "bernoulli_denominators": [1, 2, 6, 1, 30, 1, 42, 1, 30, 1, 66, 1, 2730],
    "pisano_periods": [1, 3, 8, 6, 20, 24, 16, 12, 24, 60],
    "smallest_with_n_divisors": [1, 2, 4, 6, 16, 12, 64, 24, 36, 48, 1024, 60],
    "highly_composite": [1, 2, 4, 6, 12, 24, 36, 48, 60, 120, 180, 240, 360, 720, 840, 1260],
    "sophie_germain_primes": [2, 3, 5, 11, 23, 29, 41, 53, 83, 89],
    "polygonal_12": [0, 1, 12, 33, 64, 105],
    "centered_7_gonal": [1, 8, 22, 43, 71],
    "golomb": [1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5],
    "hofstadter_q": [1, 1, 2, 3, 3, 4, 5, 5, 6, 6, 6, 8, 8, 8],
    "kolakoski": [1, 2, 2, 1, 1, 2, 1, 2, 2, 1, 2, 2],
    "look_and_say": [1, 11, 21, 1211, 111221, 312211],
    "stern_diatomic": [0, 1, 1, 2, 1, 3, 2, 3, 1, 4],
    "van_eck": [0, 0, 1, 0, 2, 0, 2, 2, 1, 6, 0, 5],
    "ulam_numbers": [1, 2, 3, 4, 6, 8, 11, 13, 16, 18, 26, 28, 36, 38],
    "lucky_numbers": [1, 3, 7, 9, 13, 15, 21, 25, 31, 33, 37, 43],
    "thue_morse": [0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 0, 1],
    "is_prime": [0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1],
    "signed_fibonacci": [0, -1, 1, -2, 3, -5, 8],
    "interleave_fibonacci_lucas": [0, 2, 1, 1, 1, 3, 2, 4],
    "differences_of_primes": [1, 2, 2, 4, 2, 4, 2, 4, 6, 2],
    "left_factorials": [0, 1, 2, 4, 10, 34, 154, 874],
    "mertens": [1, 0, -1, -1, -2, -1, -2, -2, -2, -1],
    "congruent_2_mod_5": [2, 7, 12, 17, 22],
    "sums_of_two_squares": [0, 1, 2, 4, 5, 8, 9, 10, 13, 16, 17, 18, 20, 25],
    "lucas_u_2_2": [0, 1, 2, 6, 16, 44, 120],
    "tribonacci_lucas": [3, 1, 3, 7, 11, 21, 39, 71],
}


def test_size_and_unique_names():
    assert len(CATALOG) >= 600
    names = [s.name for s in CATALOG]
    assert len(set(names)) == len(names)
    assert all(re.fullmatch(r"[a-z0-9_]+", n) for n in names)


def test_oeis_numbers_are_well_formed_and_unique():
    numbers = [s.oeis for s in CATALOG if s.oeis]
    assert all(re.fullmatch(r"A\d{6}", a) for a in numbers)
    assert len(set(numbers)) == len(numbers)
    assert len(numbers) >= 100


def test_no_two_sequences_share_their_first_16_terms():
    prefixes = collections.defaultdict(list)
    for s in CATALOG:
        prefixes[tuple(s.terms(16))].append(s.name)
    assert [names for names in prefixes.values() if len(names) > 1] == []


#: categories where some sequences have negative terms (signed by nature)
SIGNED_CATEGORIES = {"signed_interleaved", "sums_differences", "number_theory", "characteristic"}


@pytest.mark.parametrize("seq", CATALOG, ids=lambda s: s.name)
def test_thirty_python_ints(seq: RealSequence):
    terms = seq.terms(30)
    assert len(terms) == 30
    assert all(type(t) is int for t in terms)
    assert seq.terms(12) == terms[:12]
    assert seq.terms(7) == terms[:7]
    assert seq.terms(0) == []
    assert seq.description
    assert seq.category in CATEGORIES
    if seq.oeis or seq.category not in SIGNED_CATEGORIES:
        assert all(t >= 0 for t in terms)  # the original entries (evaluate --real) stay non-negative


def test_categories_are_balanced():
    counts = collections.Counter(s.category for s in CATALOG)
    assert set(counts) == set(CATEGORIES) and len(CATEGORIES) >= 12
    assert max(counts.values()) <= 0.25 * len(CATALOG)
    assert min(counts.values()) >= 15
    assert list(by_category()) == list(CATEGORIES)
    assert sum(map(len, by_category().values())) == len(CATALOG)


def test_new_entries_carry_no_reference_numbers():
    # the reference numbers of the first version stay; nothing after them has one
    first_plain = next(i for i, s in enumerate(CATALOG) if s.name == "deficient")
    assert all(not s.oeis for s in CATALOG[first_plain:])


def test_split_partitions_the_catalog():
    dev, held = split("dev"), split("heldout")
    assert {s.name for s in dev} | {s.name for s in held} == {s.name for s in CATALOG}
    assert not {s.name for s in dev} & {s.name for s in held}
    assert all(split_of(s.name) == "dev" for s in dev) and all(split_of(s.name) == "heldout" for s in held)
    assert SPLITS == ("dev", "heldout")
    with pytest.raises(ValueError, match="heldout"):
        split("test")


def test_split_is_balanced_overall_and_per_category():
    held = collections.Counter(s.category for s in split("heldout"))
    total = collections.Counter(s.category for s in CATALOG)
    assert 0.45 <= sum(held.values()) / len(CATALOG) <= 0.55
    for category, n in total.items():
        assert 0.4 <= held[category] / n <= 0.6, category


def test_split_is_stable():
    # a name's side depends on the name alone: these never change
    assert [split_of(n) for n in ["catalan", "primes", "bell", "ramanujan_tau", "golomb"]] == ["dev"] * 5
    assert [split_of(n) for n in ["fibonacci", "squares", "polygonal_17", "apery_zeta3", "signed_catalan"]] == [
        "heldout"] * 5
    assert split_of("a sequence added later") in SPLITS


@pytest.mark.parametrize("name", sorted(KNOWN))
def test_known_values(name):
    expected = KNOWN[name]
    assert get(name).terms(len(expected)) == expected


def test_catalan_10_and_friends():
    assert get("catalan").terms(11)[10] == 16796
    assert get("motzkin").terms(11)[10] == 2188
    assert get("bell").terms(11)[10] == 115975
    assert get("derangements").terms(11)[10] == 1334961
    assert get("primes").terms(100)[99] == 541
    assert get("digit_sum").terms(1000)[999] == 27


def test_beatty_sequences_agree_with_exact_comparisons():
    from fractions import Fraction

    # floor(n phi) is the largest m with m < n phi, i.e. (2m - n)^2 < 5 n^2 when 2m >= n
    for n, m in enumerate(get("lower_wythoff").terms(200), 1):
        assert (2 * m - n) ** 2 < 5 * n * n < (2 * m + 2 - n) ** 2
    # floor(n pi) against a rational enclosure of pi good to 10^-15
    low, high = Fraction(314159265358979, 10**14), Fraction(314159265358980, 10**14)
    for n, m in enumerate(get("beatty_pi").terms(200)):
        assert m == int(n * low) == int(n * high)


def test_huge_terms_stay_exact():
    assert get("factorials").terms(60)[59] == __import__("math").factorial(59)
    assert get("powers_of_20").terms(40)[39] == 20**39
    assert len(str(get("superfactorials").terms(30)[29])) > 300


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
