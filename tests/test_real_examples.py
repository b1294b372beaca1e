"""The bundled model on the real sequences users type: the examples of the real-sequence issue, each answered right,
and confidence that says when it is guessing."""

from __future__ import annotations

from math import comb

import pytest

from num2vec import Num2Vec
from num2vec.catalog import get


@pytest.fixture(scope="module")
def bundled():
    return Num2Vec.from_pretrained()


def first(name: str, count: int) -> list[int]:
    return get(name).terms(count)


@pytest.mark.parametrize("seq, want", [
    ([1, 2, 6, 24, 120, 720], 5040),  # factorials
    ([1, 1, 2, 6, 24, 120], 720),  # factorials from 0!
    ([1, 1, 2, 5, 14, 42, 132, 429], 1430),  # Catalan numbers
    ([1, 3, 15, 105, 945, 10395], 135135),  # double factorials (2n-1)!!
    ([2, 6, 20, 70, 252, 924, 3432], 12870),  # central binomial coefficients
    ([1, 0, 1, 2, 9, 44, 265, 1854, 14833], 133496),  # derangements
    ([1, 1, 2, 4, 10, 26, 76, 232, 764], 2620),  # involutions
    ([1, 10, 2, 20, 3, 30, 4, 40, 5], 50),  # an interleaving
    ([1, -4, 9, -16, 25, -36, 49], -64),  # alternating squares
])
def test_p_recursive_and_interleaved_sequences(bundled, seq, want):
    # the calibrated ranking of the decoder's and the exact rules' candidates (what `num2vec predict` prints)
    assert bundled.predict_next(seq, top_k=1)[0][0] == want


@pytest.mark.parametrize("seq, want", [
    ([7, 21, 2, 13, 7, 21, 2], 13),      # the decoder alone writes 23
    ([16, 54, 30, 5, 16, 54, 30], 5),    # the decoder alone writes -65
])
def test_the_plain_answer_continues_a_repeating_cycle(bundled, seq, want):
    assert bundled.predict_next(seq) == want
    assert bundled.continue_sequence(seq, 5) == [seq[i % 4] for i in range(len(seq), len(seq) + 5)]


@pytest.mark.parametrize("seq, want", [
    ([2, 3, 5, 7, 11, 13, 17, 19, 23, 29], 31),  # primes
    ([1, 1, 2, 2, 4, 2, 6, 4, 6, 4], 10),  # Euler's totient phi(n)
    ([1, 2, 2, 3, 2, 4, 2, 4, 3, 4], 2),  # number of divisors tau(n)
    ([1, 2, 3, 5, 6, 7, 10, 11, 13, 14], 15),  # squarefree numbers
    ([4, 6, 9, 10, 14, 15, 21, 22, 25, 26], 33),  # semiprimes
    ([17, 41, 73, 89, 97, 113, 137, 193, 233, 241], 257),  # primes = 1 (mod 8)
    ([2, 5, 10, 17, 28, 41, 58, 77, 100, 129], 160),  # partial sums of the primes
    ([1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2], 3),  # digit sum of n
])
def test_arithmetic_functions_and_integer_sets(bundled, seq, want):
    """num2vec.integer_functions' candidates, ranked by the calibration (what `num2vec predict` prints)."""
    (value, p), *_ = bundled.predict_next(seq, top_k=3)
    assert value == want and p > 0.5


def _partitions_without_multiples_of_3(n: int, largest: int | None = None) -> int:
    largest = n if largest is None else largest
    return 1 if n == 0 else sum(_partitions_without_multiples_of_3(n - p, p)
                                for p in range(1, min(n, largest) + 1) if p % 3)


@pytest.mark.parametrize("seq, want", [
    ([1, 1, 2, 5, 15, 52, 203, 877, 4140, 21147], 115975),  # Bell numbers: their own binomial transform, shifted
    ([0, 1, 1, 2, 4, 9, 20, 48, 115, 286], 719),  # rooted trees: their own Euler transform, shifted
    ([_partitions_without_multiples_of_3(n) for n in range(10)], 22),  # Euler transform of the period 1, 1, 0
    ([1, 4, 28, 220, 1820, 15504, 134596, 1184040, 10518300, 94143280], 847660528),  # C(4n, n): order 1, degree 3
    ([2 ** (n * n) for n in range(8)], 2**64),  # partial products of a geometric sequence
    ([3, 5, 7, 11, 13, 17, 19, 29, 31, 41], 43),  # twin primes
    ([1, 2, 3, 5, 7, 11, 13, 17, 19, 23], 29),  # 1 and the primes
    ([0, 2, 6, 8, 18, 20, 24, 26, 54, 56], 60),  # ternary digits 0 and 2 (the Cantor set)
    ([1, 7, 10, 13, 19, 23, 28, 31, 32, 44], 49),  # happy numbers
    ([12, 28, 14, 24, 24, 31, 18, 39, 20, 42], 32),  # sigma(11), sigma(12), ...
    ([0, 1, 1, 0, 1, 0, 0, 1, 1, 0], 0),  # Thue-Morse: the characteristic function of the odious numbers
    ([1, 4, 27, 256, 3125, 46656, 823543, 16777216], 387420489),  # n^n
    ([2, 3, 7, 43, 1807, 3263443], 10650056950807),  # Sylvester's sequence: a(n) = a(n-1)^2 - a(n-1) + 1
    ([7, 22, 11, 34, 17, 52, 26, 13, 40, 20], 10),  # the Collatz trajectory of 7
])
def test_guessers_and_more_sets(bundled, seq, want):
    """num2vec.guess's transforms and fits, and num2vec.integer_functions' other sets and offsets, ranked first."""
    assert bundled.predict_next(seq, top_k=3)[0][0] == want


@pytest.mark.parametrize("seq, want", [
    ([0, 1, 7, 2, 5, 8, 16, 3, 19, 6], 14),  # steps of the 3x + 1 problem from n = 1
    ([1, 2, 4, 3, 6, 10, 12, 4, 8, 18], 6),  # multiplicative order of 2 mod 2n + 1
    ([1, 2, 2, 3, 2, 2, 3, 2, 5, 2], 3),  # least primitive root of the n-th prime
    ([0, 1, 1, 1, 2, 1, 2, 2, 2, 2], 3),  # Goldbach partitions of 2n
    ([3, 5, 11, 17, 31, 41, 59, 67, 83, 109], 127),  # primes with a prime index
    ([9, 15, 21, 25, 27, 33, 35, 39, 45, 49], 51),  # odd composites
    ([6, 10, 14, 15, 21, 22, 26, 30, 33, 34], 35),  # squarefree composites
    ([0, 1, 1, 1, 2, 2, 2, 3, 3, 3], 4),  # ceil(n / 3) from n = 0: no P-recursive fit absorbs the steps
    ([1, 1, -1, 1, -1, -1, 0, 1, 1, -1], 1),  # the Legendre symbol (n / 7): periodic, no chance fit of its sums
    ([1, 0, 1, 1, 2, 2, 4, 4, 7, 8], 12),  # partitions into parts of at least 2: Euler transform of 0, 1, 1, ...
])
def test_number_theory_functions_sets_and_chance_fits(bundled, seq, want):
    """Number-theory functions and sets ranked first, and sequences that a P-recursive fit on too little evidence
    (num2vec.exact.holonomic_evidence) would mislead."""
    assert bundled.predict_next(seq, top_k=3)[0][0] == want


@pytest.mark.parametrize("seq, want", [
    ([1, 2, 3], 4),
    ([1, 2, 3, 4, 5], 6),  # the first 5 natural numbers: a question of the real-sequence benchmark (never trained)
    ([1, 2, 3, 4, 5, 6], 7),
    ([0, 1, 2, 3, 4, 5, 6], 7),
    ([3, 4, 5, 6, 7, 8, 9], 10),
    ([2, 3, 4, 5, 6, 7], 8),
    ([9, 8, 7, 6, 5], 4),
    ([5, 5, 5, 5, 5], 5),
    ([1, 4, 9, 16, 25], 36),
    ([2, 4, 8, 16, 32], 64),
    ([1, 1, 2, 3, 5, 8], 13),  # Fibonacci from its start: the small-start batches (docs/training.md)
])
def test_the_first_sequences_a_user_types_need_no_rule_candidates(bundled, seq, want):
    """The plain call (the decoder's greedy answer, no exact-rule candidates, no calibration) continues them."""
    assert bundled.predict_next(seq) == want


@pytest.mark.parametrize("seq, want", [
    ([1, 2, 3, 4], 5),  # also the first records of tau and record positions of sigma (-> 6)
    ([3, 6, 12, 24], 48),  # also 3-smooth numbers that are no sum of two squares (-> 27)
    ([4, 6, 8, 10, 12], 14),  # also a run of the record positions of sigma (-> 16)
    ([1, 2, 4, 8], 16),
    ([2, 4, 6, 8], 10),
    ([5, 10, 15, 20], 25),
    ([1, 3, 5, 7], 9),
])
def test_a_progression_is_ranked_above_a_set_that_holds_its_few_terms(bundled, seq, want):
    """The ranked answer (what `num2vec predict` prints) continues a progression; a set or function of
    num2vec.integer_functions that happens to hold the same few terms is no candidate there."""
    assert bundled.predict_next(seq, top_k=1)[0][0] == want


def test_an_answer_past_the_resource_guard_is_no_answer(bundled):
    # the next term of 1, 10^2001 has 4,003 digits: more than any number num2vec reads (num2vec.limits.MAX_DIGITS)
    with pytest.raises(ValueError, match="no answer: the decoded next term has .* digits, beyond the 4,000-digit"):
        bundled.predict_next([1, 10**2001])
    with pytest.raises(ValueError, match="^sequence 1: no answer"):
        bundled.predict_next([[1, 2, 3], [1, 10**2001]])
    assert bundled.predict_next([1, 10**2001], top_k=2) == []  # each candidate is past the guard


def test_the_issues_examples_with_their_probabilities(bundled):
    assert bundled.predict_next([1, 2, 6, 24, 120, 720]) == 5040  # the greedy decoder too
    (value, p), *_ = bundled.predict_next([1, 2, 6, 24, 120, 720], top_k=3)
    assert value == 5040 and p > 0.5
    assert bundled.predict_next([1, 1, 2, 6, 24, 120], top_k=1)[0][0] == 720
    assert bundled.predict_next([1, 4, 9, 16, 25], top_k=1)[0][0] == 36


def test_fibonacci_is_recursive_and_factorials_are_their_own_type(bundled):
    assert bundled.classify([1, 1, 2, 3, 5, 8, 13, 21, 34, 55]).pattern == "recursive"
    assert bundled.classify([1, 2, 6, 24, 120, 720, 5040, 40320]).pattern == "factorial"


def _recaman(count):
    a = [0]
    for n in range(1, count):
        back = a[-1] - n
        a.append(back if back > 0 and back not in a else a[-1] + n)
    return a


def _stern(count):
    a = [0, 1]
    while len(a) < count:
        n = len(a)
        a.append(a[n // 2] + (a[n // 2 + 1] if n % 2 else 0))
    return a


def _digit_sum(v):
    return sum(int(c) for c in str(v))


@pytest.mark.parametrize("terms", [
    _recaman(11),                                                            # a self-referential rule
    _stern(11),                                                              # a 2-regular rule
    [sum((-1) ** j * comb(n + 1, j) * (3 - j) ** n for j in range(3)) for n in range(3, 14)],  # Eulerian A(n, 2)
    [int(str(3**n)[::-1]) for n in range(11)],                               # powers of 3, digits reversed
    [_digit_sum(2**n) for n in range(11)],                                   # a digit function of 2^n
    [n**9 for n in range(11)],                                               # a monomial of degree 9
    [int("".join(map(str, range(1, n + 1)))) for n in range(1, 12)],         # concatenation of 1..n
])
def test_rules_without_fitted_coefficients_ranked_first(bundled, terms):
    """num2vec.guess's definition rules: the next term of sequences computed here from their definitions."""
    assert bundled.predict_next(terms[:-1], top_k=3)[0][0] == terms[-1]


@pytest.mark.parametrize("digits", ["1415926535", "2795028841", "4142135623", "7182818284"])
def test_no_confident_answer_for_digits_of_constants(bundled, digits):
    # ten digits of pi, sqrt(2) and e: the guessers' rules must not make up a confident answer
    assert bundled.predict_next([int(c) for c in digits], min_confidence=0.9) is None


def test_no_confident_answer_where_no_rule_holds(bundled):
    # the decimal digits of pi: no rule; the model may guess, but not with confidence
    assert bundled.predict_next([3, 1, 4, 1, 5, 9, 2, 6, 5, 3], min_confidence=0.9) is None
    assert bundled.predict_next([2, 4, 6, 8, 10, 12], min_confidence=0.8) == 14
    assert "calibration" in bundled.config
