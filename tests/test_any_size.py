"""The bundled model on numbers of any size and sign: each kind of input a user types, answered exactly."""

from __future__ import annotations

import numpy as np
import pytest

from num2vec import Num2Vec
from num2vec.codec import MAX_DIGITS


@pytest.fixture(scope="module")
def bundled():
    return Num2Vec.from_pretrained()


def fibonacci_like(a: int, b: int, count: int) -> list[int]:
    out = [a, b]
    while len(out) < count:
        out.append(out[-1] + out[-2])
    return out


CASES = {
    # geometric past 2^31 and past 2^64
    "powers of two past 2^31": [2**30, 2**31, 2**32, 2**33],
    "geometric past 2^64": [7 * 3**38, 7 * 3**39, 7 * 3**40, 7 * 3**41, 7 * 3**42],
    # Fibonacci-like past 2^31 and past 2^64
    "Fibonacci past 2^31": fibonacci_like(2971215073, 4807526976, 7),
    "Fibonacci-like past 2^64": fibonacci_like(3 * 10**19 + 11, 5 * 10**19 + 7, 7),
    # arithmetic near 10^18 and near 10^50
    "arithmetic near 10^18": [10**18, 10**18 + 1, 10**18 + 2, 10**18 + 3],
    "arithmetic near 10^50": [10**50 - 21, 10**50 - 14, 10**50 - 7, 10**50, 10**50 + 7],
    # decreasing sequences through zero, alternating signs
    "counting down through zero": [3, 2, 1, 0],
    "steps of 7 through zero": [20, 13, 6, -1, -8],
    "alternating signs": [1, -1, 1, -1],
    "alternating geometric": [3, -6, 12, -24, 48],
    "negative squares": [-1, -4, -9, -16, -25],
}


@pytest.mark.parametrize("name", CASES)
def test_the_bundled_model_continues_numbers_of_any_size_and_sign(bundled, name):
    seq = CASES[name]
    full = {
        "powers of two past 2^31": 2**34,
        "geometric past 2^64": 7 * 3**43,
        "Fibonacci past 2^31": seq[-1] + seq[-2],
        "Fibonacci-like past 2^64": seq[-1] + seq[-2],
        "arithmetic near 10^18": 10**18 + 4,
        "arithmetic near 10^50": 10**50 + 14,
        "counting down through zero": -1,
        "steps of 7 through zero": -15,
        "alternating signs": 1,
        "alternating geometric": -96,
        "negative squares": -36,
    }[name]
    assert bundled.predict_next(seq) == full


def test_the_examples_users_reported(bundled):
    assert bundled.predict_next([1073741824, 2147483648, 4294967296, 8589934592]) == 17179869184
    assert bundled.predict_next([2971215073, 4807526976, 7778742049, 12586269025, 20365011074, 32951280099]) \
        == 53316291173
    assert bundled.predict_next([10**18, 10**18 + 1, 10**18 + 2]) == 10**18 + 3
    assert bundled.predict_next([3, 2, 1, 0]) == -1


def test_long_numbers_are_embedded_and_searched(bundled):
    from num2vec.embeddings import NumberEmbedding

    v = bundled.encode(10**30)
    assert v.shape == (bundled.dim,) and np.isfinite(v).all()
    big = bundled.encode([10**30, -(10**45), 10**3999])
    assert big.shape == (3, bundled.dim) and np.isfinite(big).all()
    emb = NumberEmbedding(bundled)
    assert emb([10**30]).shape == (1, bundled.dim)
    hits = bundled.most_similar(positive=[10**30], topn=3, candidates=[10**30 + 1, 10**29, 5, 10**31])
    assert len(hits) == 3
    assert bundled.continue_sequence([10**25, 2 * 10**25, 3 * 10**25], 2) == [4 * 10**25, 5 * 10**25]


def test_the_resource_guard_is_the_only_digit_limit(bundled):
    assert bundled.max_digits == MAX_DIGITS
    assert bundled.predict_next([10**100, 2 * 10**100, 3 * 10**100]) == 4 * 10**100
    with pytest.raises(ValueError, match="at most 4,000 digits"):
        bundled.predict_next([1, 10**MAX_DIGITS])


def test_the_ranked_answer_reads_terms_near_the_guard(bundled):
    # every rule writes and reads such numbers without Python's int <-> str limit (4,300 digits) getting in the way:
    # the look-and-say rule describes a 2,500-digit term in about 4,500 digits
    rng = np.random.default_rng(3)
    terms = [int("".join(map(str, rng.integers(1, 10, 2500)))) for _ in range(7)]
    (value, p), = bundled.predict_next(terms, top_k=1)
    assert isinstance(value, int) and abs(value) < 10**MAX_DIGITS and 0 <= p <= 1
    big = 10**3990
    assert bundled.predict_next([big, 2 * big, 3 * big], top_k=1)[0][0] == 4 * big


def test_the_real_sequence_report_writes_every_number_in_full():
    from num2vec.evaluation import format_catalog_report

    big = 63955431761796 * 10**30
    report = {"size": 2, "given": 10, "accuracy": 0.5, "solver_accuracy": 0.5, "either": 0.5,
              "rows": [{"name": "square_triangular_scaled", "want": big, "model": big, "solver": None},
                       {"name": "small", "want": 11, "model": 12, "solver": 11}]}
    text = format_catalog_report(report)
    assert f"{big}*" in text and f" {big} " in text  # the right answer, marked, and the term wanted, uncut
    assert "12" in text and "11*" in text
