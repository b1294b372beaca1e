import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from num2vec.codec import (
    EOS,
    NEG,
    PAD,
    decode_batch,
    decode_tokens,
    encode_batch,
    encode_int,
    encode_sequences,
    int64_token_rows,
    to_int,
    token_rows,
)

MAX = 40


@given(st.integers(min_value=-(10**MAX) + 1, max_value=10**MAX - 1))
def test_round_trip_any_int(v):
    tokens = encode_int(v)
    assert tokens[-1] == EOS
    assert (NEG in tokens) == (v < 0)
    assert decode_tokens(tokens) == v
    batch, lengths = encode_batch([v], MAX)
    assert lengths[0] == len(tokens)
    assert decode_batch(batch) == [v]


@given(st.lists(st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1), min_size=1, max_size=50))
def test_vectorised_int64_matches_python_path(values):
    arr = np.array(values, dtype=np.int64)
    fast, fast_len = encode_batch(arr, 19)
    for row, n, v in zip(fast, fast_len, values):
        assert row[:n].tolist() == encode_int(v)
        assert (row[n:] == PAD).all()
    assert decode_batch(fast) == values


@given(st.lists(st.integers(min_value=-(10**60), max_value=10**60), min_size=1, max_size=50)
       .filter(lambda vs: any(abs(v) >= 2**63 for v in vs)))
def test_the_vectorised_big_int_path_matches_one_number_at_a_time(values):
    """Python ints past int64 are encoded all at once (one string per number, digits scattered together)."""
    tokens, lengths = encode_batch(values + [np.int64(-7)], MAX + 21)
    assert tokens.shape[1] == max(lengths)
    for row, n, v in zip(tokens, lengths, values + [-7]):
        assert row[:n].tolist() == encode_int(v)
        assert (row[n:] == PAD).all()


def test_least_significant_digit_first():
    assert encode_int(123) == [3, 2, 1, EOS]
    assert encode_int(-45) == [5, 4, NEG, EOS]
    assert encode_int(0) == [0, EOS]


def test_int64_extremes_and_unsigned():
    values = np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max, 0], dtype=np.int64)
    tokens, _ = encode_batch(values, 19)
    assert decode_batch(tokens) == values.tolist()
    u = np.array([2**64 - 1, 5], dtype=np.uint64)
    tokens, _ = encode_batch(u, 20)
    assert decode_batch(tokens) == [2**64 - 1, 5]


@pytest.mark.parametrize("bad", [3.5, float("nan"), float("inf"), -float("inf"), "1e3", "3.5", "abc", "", "٣"])
def test_non_integers_refused_with_value_named(bad):
    with pytest.raises(ValueError) as err:
        to_int(bad)
    assert repr(bad)[:10].strip("'") in str(err.value) or str(bad) in str(err.value)


@pytest.mark.parametrize("bad", [True, False, None, [1], object()])
def test_wrong_types_refused(bad):
    with pytest.raises(TypeError):
        to_int(bad)


def test_integral_values_accepted():
    assert to_int(3.0) == 3
    assert to_int(np.int32(-7)) == -7
    assert to_int(" +17 ") == 17


def test_too_many_digits_refused_never_cut():
    with pytest.raises(ValueError, match="has 6 digits; num2vec reads numbers of at most 5"):
        encode_batch([123456], 5)
    with pytest.raises(ValueError, match="at most 5"):
        encode_batch(np.array([1, 123456]), 5)
    with pytest.raises(ValueError, match="at most 30"):
        encode_batch([10**40], 30)
    # the default limit is the resource guard, checked without converting a huge number to a string
    assert encode_batch([10**3999])[0].shape == (1, 4001)
    with pytest.raises(ValueError, match="has 5,001 digits; num2vec reads numbers of at most 4,000 digits"):
        encode_batch([10**5000])
    with pytest.raises(ValueError, match="has 4,001 digits"):
        to_int("1" * 4001)


def test_encode_sequences_pads_numbers_and_sequences():
    tokens, lengths, n = encode_sequences([[1, 22], [333]], 5)
    assert tokens.shape == (2, 2, 4)
    assert lengths.tolist() == [[2, 3], [4, 0]]
    assert n.tolist() == [2, 1]
    assert (tokens[1, 1] == PAD).all()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 12_000), st.integers(-(10**6), 10**6))
def test_numbers_past_pythons_string_limit_round_trip(digits, offset):
    """Candidates and answers may exceed the 4,300 digits Python's str(int) accepts: tokens stay exact."""
    from num2vec.codec import int_to_str, str_to_int

    v = 10**digits + offset
    text = int_to_str(v)
    assert str_to_int(text.lstrip("-")) == abs(v) and decode_tokens(encode_int(v)) == v
    if digits < 4000:
        assert text == str(v)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.integers(-(10**60), 10**60), st.integers(-(2**63), 2**63)), min_size=1, max_size=40),
       st.sampled_from([None, 40, 5_000]))
def test_token_rows_are_each_numbers_tokens(values, long_one):
    """token_rows (uint8, no digit limit) gives each number's tokens; one number far longer than the others takes
    the scatter branch, one past 13,000 bits the piecewise decimal string."""
    if long_one is not None:
        values = values + [-(10**long_one) - 7]
    tokens, lengths = token_rows(values)
    assert tokens.dtype == np.uint8 and tokens.shape == (len(values), max(lengths))
    for row, n, v in zip(tokens.tolist(), lengths.tolist(), values):  # encode_int: one number at a time
        assert n == len(encode_int(v)) and row[:n] == encode_int(v) and set(row[n:]) <= {PAD}


@given(st.lists(st.integers(-(2**63) + 1, 2**63 - 1), min_size=1, max_size=60))
def test_int64_token_rows_are_each_numbers_tokens(values):
    """The 4-digit limb tables give each number's tokens (with a spare column of padding at most)."""
    tokens, lengths = int64_token_rows(np.array(values, np.int64))
    assert tokens.dtype == np.uint8 and tokens.shape[1] - max(lengths) in (0, 1)
    for row, n, v in zip(tokens.tolist(), lengths.tolist(), values):  # encode_int: one number at a time
        assert n == len(encode_int(v)) and row[:n] == encode_int(v) and set(row[n:]) <= {PAD}


@pytest.mark.parametrize("values", [
    [-(2**63 - 1), 2**63],  # the int64 one takes 21 tokens (sign), the big one 20
    [2**63, 5, -3 * 10**30, 0],
    [7, -45, 123],
])
def test_token_rows_on_both_sides_of_the_int64_range(values):
    tokens, lengths = token_rows(values)
    assert tokens.shape == (len(values), max(lengths))
    for row, n, v in zip(tokens.tolist(), lengths.tolist(), values):
        assert n == len(encode_int(v)) and row[:n] == encode_int(v) and set(row[n:]) <= {PAD}
