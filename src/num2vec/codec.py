"""Integers <-> digit tokens.

Every integer becomes a short sequence of tokens: its decimal digits **least
significant first**, then a sign token if it is negative, then ``<eos>``::

    7       -> [7, <eos>]
    123     -> [3, 2, 1, <eos>]
    -45     -> [5, 4, <neg>, <eos>]
    0       -> [0, <eos>]

Why least significant first? Digit ``j`` of every number then means the same
thing (units, tens, hundreds, ...), so the digits of consecutive numbers line up
column by column, and an RNN that writes the next number produces the units
first and carries towards the more significant digits, the way people add by
hand (minGPT's adder reverses its answers for the same reason).

Padding fills a batch up to its longest number; ``<sos>`` starts the decoder.
The token ids are::

    0..9 digits, 10 <eos>, 11 <pad>, 12 <sos>, 13 <neg>

Only integers are accepted: ``int``, NumPy integers, floats with an integral
value (``3.0``), and strings of an optional sign and ASCII digits. ``True``,
``3.5``, ``nan``, ``inf``, ``"1e3"`` and ``None`` are refused with an error that
names the value. Numbers of any length are accepted up to a resource guard of
:data:`MAX_DIGITS` digits; a longer one is refused with an error, never cut.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Iterable, Sequence
from itertools import compress

import numpy as np

from .limits import MAX_DIGITS  # the resource guard on a number's digits

EOS = 10
PAD = 11
SOS = 12
NEG = 13
VOCAB_SIZE = 14
TOKEN_NAMES = [str(d) for d in range(10)] + ["<eos>", "<pad>", "<sos>", "<neg>"]


_INT_STRING = re.compile(r"[+-]?[0-9]+")
_FLOAT_EXACT_LIMIT = 2**53  # floats above this are not exact integers any more


def _show(value: object, limit: int = 40, count: bool = True) -> str:
    """``value`` for an error message: its first 12 digits when it is long (and, with ``count``, how many)."""
    if isinstance(value, int) and value.bit_length() > 200:  # repr() of a huge int is long, past 4,300 digits refused
        head = f"{value // 10 ** (num_digits(value) - 12)}..."
        return f"{head}({num_digits(value):,} digits)" if count else head
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_tensor(value: object) -> bool:
    """Whether ``value`` is a PyTorch tensor (without importing PyTorch)."""
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def to_int(value: object) -> int:
    """Return ``value`` as a Python int, or raise a clear error naming it.

    Accepted: ints, NumPy integers, 0-d integer arrays and tensors (``uint64`` read
    as unsigned), floats (and 0-d float tensors) with an integral value up to
    2**53, strings of an optional sign and ASCII digits.

    >>> to_int(12), to_int(np.int64(-3)), to_int(4.0), to_int("+17")
    (12, -3, 4, 17)
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{value!r} is a bool, not an integer")
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, np.ndarray) or _is_tensor(value):
        if value.ndim != 0:
            raise TypeError(f"an array of shape {tuple(value.shape)} is not an integer")
        return to_int(value.item())  # bool, complex and float elements meet the rules for those
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if math.isnan(f) or math.isinf(f):
            raise ValueError(f"{f!r} is not an integer: num2vec handles finite integers only")
        if f != int(f):
            raise ValueError(f"{f!r} is not an integer: it has a fractional part")
        if abs(f) > _FLOAT_EXACT_LIMIT:
            raise ValueError(
                f"{f!r} is a float too large to be an exact integer; pass it as an int"
            )
        return int(f)
    if isinstance(value, str):
        text = value.strip()
        if _INT_STRING.fullmatch(text):
            digits = len(text.lstrip("+-").lstrip("0")) or 1
            if digits > MAX_DIGITS:
                raise ValueError(f"{_show(value, count=False)} has {digits:,} digits; num2vec reads numbers of at most "
                                 f"{MAX_DIGITS:,} digits (a resource guard)")
            return int(text)
        raise ValueError(
            f"{_show(value)} is not an integer: expected an optional sign and digits 0-9"
        )
    raise TypeError(f"{_show(value)} of type {type(value).__name__} is not an integer")


def num_digits(value: int) -> int:
    """Number of decimal digits of ``abs(value)`` (0 has one digit), without converting it to a string.

    >>> num_digits(0), num_digits(-999), num_digits(10**5000)
    (1, 3, 5001)
    """
    a = abs(value)
    if a < 10**18:
        return len(str(a))
    d = int((a.bit_length() - 1) * 0.30102999566398120) + 1  # 2^(bits-1) <= a, so a has at least this many digits
    return d + 1 if a >= 10**d else d


def check_fits(value: int, max_digits: int | None = None) -> None:
    """Raise ValueError when ``value`` has more than ``max_digits`` digits (default: :data:`MAX_DIGITS`)."""
    limit = MAX_DIGITS if max_digits is None else max_digits
    if value.bit_length() > 3.32 * limit - 4:  # cheap pre-check: a number of d digits has at least 3.32 (d-1) bits
        n = num_digits(value)
        if n > limit:
            raise ValueError(
                f"{_show(value, count=False)} has {n:,} digits; num2vec reads numbers of at most {limit:,} digits "
                f"(a resource guard)"
            )


#: digits per piece when a decimal string is longer than Python's default int <-> str limit (4,300 digits)
_STR_PIECE = 1000


def int_to_str(value: int) -> str:
    """The decimal string of any int, also past Python's default limit on ``str(int)`` (4,300 digits).

    >>> int_to_str(-(10**5000 + 7))[:3], len(int_to_str(10**5000))
    ('-10', 5001)
    """
    a = abs(value)
    if a.bit_length() <= 13_000:  # fewer than 3,914 digits: str() is allowed
        return str(value)
    base, pieces = 10**_STR_PIECE, []
    while a:
        a, r = divmod(a, base)
        pieces.append(r)
    text = str(pieces[-1]) + "".join(str(p).zfill(_STR_PIECE) for p in reversed(pieces[:-1]))
    return "-" + text if value < 0 else text


def str_to_int(digits: str) -> int:
    """The int of a string of decimal digits (no sign) of any length (the inverse of :func:`int_to_str`)."""
    if len(digits) <= 4000:
        return int(digits)
    head = len(digits) % _STR_PIECE or _STR_PIECE
    value, base = int(digits[:head]), 10**_STR_PIECE
    for i in range(head, len(digits), _STR_PIECE):
        value = value * base + int(digits[i:i + _STR_PIECE])
    return value


def encode_int(value: int) -> list[int]:
    """Tokens of one Python int: digits least significant first, ``<neg>``, ``<eos>``.

    >>> encode_int(123)
    [3, 2, 1, 10]
    >>> encode_int(-45)
    [5, 4, 13, 10]
    """
    digits = [ord(c) - 48 for c in reversed(int_to_str(abs(value)))]
    if value < 0:
        digits.append(NEG)
    digits.append(EOS)
    return digits


def decode_tokens(tokens: Iterable[int]) -> int:
    """Inverse of :func:`encode_int`; stops at ``<eos>`` and ignores ``<pad>``.

    >>> decode_tokens([3, 2, 1, 10, 11])
    123
    """
    digits: list[str] = []
    negative = False
    for t in tokens:
        t = int(t)
        if t == EOS:
            break
        if t == PAD:
            continue
        if t == NEG:
            negative = True
        elif 0 <= t <= 9:
            if negative:
                raise ValueError("malformed tokens: a digit after <neg>")
            digits.append(chr(48 + t))
        else:
            raise ValueError(f"malformed tokens: unexpected token {TOKEN_NAMES[t] if 0 <= t < VOCAB_SIZE else t}")
    if not digits:
        raise ValueError("malformed tokens: no digits before <eos>")
    value = str_to_int("".join(reversed(digits)))
    return -value if negative else value


def as_int_list(values: object, name: str = "numbers") -> list[int]:
    """Validate a scalar or an iterable of integers (a 1-D array or tensor too) into a list of Python ints."""
    if _is_tensor(values):
        values = values.detach().cpu()
        if values.ndim == 1 and not values.is_floating_point() and not values.is_complex() \
                and values.dtype != sys.modules["torch"].bool:
            return values.tolist()  # integers; uint64 above 2**63 stay unsigned
        if values.ndim == 0:
            return [to_int(values)]
        values = values.double().numpy() if values.is_floating_point() else values.numpy()
    if isinstance(values, np.ndarray):
        if values.ndim == 0:
            return [to_int(values)]
        if values.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got an array of shape {values.shape}")
        if values.dtype.kind in "iu":
            return values.tolist()
        return [to_int(v) for v in values.tolist()]
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        return [to_int(values)]
    return [to_int(v) for v in values]


def encode_batch(values: Sequence[int] | np.ndarray, max_digits: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Encode many integers into a padded token matrix.

    Returns ``(tokens, lengths)``: ``tokens`` is ``(N, L)`` int64 with ``<pad>``
    after each ``<eos>``, ``L`` the longest encoding in the batch; ``lengths`` is
    ``(N,)`` with the token count of each number (``<eos>`` included).

    NumPy integer arrays are encoded without a Python loop; Python ints beyond
    int64 take a per-number path. A number with more than ``max_digits`` digits
    (default: the :data:`MAX_DIGITS` guard) raises ValueError.

    >>> tokens, lengths = encode_batch([7, -45, 123], max_digits=5)
    >>> tokens.tolist(), lengths.tolist()
    ([[7, 10, 11, 11], [5, 4, 13, 10], [3, 2, 1, 10]], [2, 4, 4])
    """
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        arr = values.reshape(-1)
    else:
        values = values if isinstance(values, (list, tuple)) else list(values)
        # plain ints need no validation (the common case, and the hot path of the data pipeline)
        ints = values if _plain_ints(values) else [to_int(v) for v in values]
        try:
            arr = np.asarray(ints, dtype=np.int64) if ints else np.zeros(0, np.int64)
        except OverflowError:
            return _encode_big(ints, max_digits)
    return _encode_int64(arr, max_digits)


def _plain_ints(values: Sequence) -> bool:
    """Whether every value is a plain ``int`` (not a bool, a NumPy integer or a string): no conversion needed."""
    return set(map(type, values)) <= {int}


def _encode_int64(arr: np.ndarray, max_digits: int | None) -> tuple[np.ndarray, np.ndarray]:
    n = arr.shape[0]
    if n == 0:
        return np.full((0, 2), PAD, np.int64), np.zeros(0, np.int64)
    if arr.dtype.kind == "u":
        if arr.max() > np.iinfo(np.int64).max:
            return _encode_big(arr.tolist(), max_digits)
        arr = arr.astype(np.int64)
    else:
        arr = arr.astype(np.int64, copy=False)
        if arr.min() == np.iinfo(np.int64).min:  # abs() would overflow
            return _encode_big(arr.tolist(), max_digits)
    tokens, lengths = int64_token_rows(arr)
    too_long = lengths - 1 - (arr < 0) > (MAX_DIGITS if max_digits is None else max_digits)
    if too_long.any():
        check_fits(int(arr[np.argmax(too_long)]), max_digits)
    return tokens[:, : int(lengths.max())].astype(np.int64), lengths


def _encode_big(ints: Sequence[int], max_digits: int | None) -> tuple[np.ndarray, np.ndarray]:
    """:func:`encode_batch` for Python ints of any size (see :func:`token_rows`)."""
    if not _plain_ints(ints):  # plain ints: the hot path, no conversion
        ints = [int(v) for v in ints]
    limit = MAX_DIGITS if max_digits is None else max_digits
    if max(map(int.bit_length, ints), default=0) > 3.32 * limit - 4:  # check_fits' pre-check: someone may be too long
        for v in ints:
            check_fits(v, max_digits)
    tokens, lengths = token_rows(ints)
    return tokens.astype(np.int64), lengths


def _limb_table() -> tuple[np.ndarray, np.ndarray]:
    """The token rows of the 4-digit limbs ``v < 10^4``, packed four uint8 to a uint32 (least significant digit
    first): ``(3 * 10^4,)``, at ``v`` a limb below the top one (leading zeros are digits), at ``10^4 + v`` the top
    limb (leading zeros are ``<pad>``; 0 is the digit 0), at ``2 * 10^4 + v`` a limb above the top (all ``<pad>``);
    and the digits of each top limb ``(10^4,)``."""
    v = np.arange(10**4)
    inner = ((v[:, None] // 10 ** np.arange(4)[None, :]) % 10).astype(np.uint8)  # (10^4, 4)
    ndig = 1 + (v[:, None] >= 10 ** np.arange(1, 4)[None, :]).sum(axis=1)  # (10^4,)
    top = np.where(np.arange(4)[None, :] < ndig[:, None], inner, PAD).astype(np.uint8)
    above = np.full_like(inner, PAD)
    rows = np.ascontiguousarray(np.concatenate([inner, top, above]))  # (3 * 10^4, 4)
    return rows.view(np.uint32).reshape(-1), ndig


_LIMBS, _TOP_DIGITS = _limb_table()


def int64_token_rows(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Token rows of int64 values ``(R,)`` with ``|v| < 2^63``: ``(tokens (R, W + 2) uint8, lengths (R,) int64)``,
    digits least significant first, ``<neg>``, ``<eos>``, ``W`` the most digits of any value (at most 19; a column of
    ``<pad>`` more where the widest value is not negative). The digits come four at a time from a table of 4-digit
    limbs (one division per four digits), the leading zeros of each value's top limb as ``<pad>``.

    >>> tokens, lengths = int64_token_rows(np.array([7, -45, 10000]))  # 10 = <eos>, 11 = <pad>, 13 = <neg>
    >>> tokens.tolist(), lengths.tolist()
    ([[7, 10, 11, 11, 11, 11, 11], [5, 4, 13, 10, 11, 11, 11], [0, 0, 0, 0, 1, 10, 11]], [2, 4, 6])
    """
    R = v.shape[0]
    neg = v < 0
    mag = np.abs(v)
    width = max(1, len(str(int(mag.max())))) if R else 1
    L = (width + 3) // 4  # limbs of the largest value
    index = np.empty((R, L), np.int64)  # (R, L): rows of _LIMBS
    ndig = np.zeros(R, np.int64)
    rest, done = mag, np.zeros(R, bool)  # done: the limbs so far hold the whole value
    for k in range(L):
        rest, limb = np.divmod(rest, 10**4)
        last = rest == 0
        index[:, k] = limb + 10**4 * (last.astype(np.int64) + done)  # below the top 0, the top 1, above it 2
        ndig += np.where(last & ~done, 4 * k + _TOP_DIGITS[limb], 0)
        done = last
    out = np.full((R, 4 * L + 2), PAD, np.uint8)
    out[:, : 4 * L] = _LIMBS[index].view(np.uint8).reshape(R, 4 * L)
    rows = np.arange(R)
    out[rows[neg], ndig[neg]] = NEG
    out[rows, ndig + neg] = EOS
    return out[:, : width + 2], ndig + neg + 1


def token_rows(ints: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The token rows of plain Python ints of any size, with no digit limit: ``(tokens (N, L) uint8, lengths (N,)
    int64)`` as :func:`encode_batch` returns them, ``L`` the longest encoding. Those that fit an int64 take
    :func:`int64_token_rows`, the others :func:`_decimal_token_rows`.

    >>> tokens, lengths = token_rows([7, -45, 10**20])
    >>> tokens[1].tolist(), lengths.tolist()
    ([5, 4, 13, 10, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11], [2, 4, 22])
    """
    n = len(ints)
    if not n:
        return np.full((0, 2), PAD, np.uint8), np.zeros(0, np.int64)
    small = np.fromiter(map(int.bit_length, ints), np.int64, n) < 63  # |v| < 2^63
    if small.all():
        tokens, lengths = int64_token_rows(np.array(ints, np.int64))
        return tokens[:, : int(lengths.max())], lengths
    fits = small.tolist()
    big, big_lengths = _decimal_token_rows(list(compress(ints, [not f for f in fits])))
    tok, tok_lengths = (int64_token_rows(np.array(list(compress(ints, fits)), np.int64)) if small.any()
                        else (big[:0], big_lengths[:0]))
    lengths = np.empty(n, np.int64)
    lengths[~small], lengths[small] = big_lengths, tok_lengths
    out = np.full((n, int(lengths.max())), PAD, np.uint8)  # -(2^63 - 1) takes 21 tokens, 2^63 only 20
    out[~small, : big.shape[1]] = big
    w = min(out.shape[1], tok.shape[1])
    out[small, :w] = tok[:, :w]
    return out, lengths


#: the token of each character of a reversed decimal string, as a byte: '0'..'9' -> 0..9, '-' -> <neg>, and the
#: zero byte that pads a fixed-width byte string -> <pad>
_CHAR_TOKENS = np.full(256, PAD, np.uint8)
_CHAR_TOKENS[ord("0") : ord("9") + 1] = np.arange(10)
_CHAR_TOKENS[ord("-")] = NEG


def _decimal_token_rows(ints: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """:func:`token_rows` from decimal strings (C speed): each number's string, reversed, is its tokens
    (``str(-45)[::-1] == "54-"`` is 5, 4, ``<neg>``); the strings are packed into one fixed-width byte array (NumPy
    pads them with zero bytes) and mapped to tokens by one table lookup, then ``<eos>`` is set after each."""
    n = len(ints)
    big = max(map(int.bit_length, ints)) > 13_000  # str() is allowed below 3,914 digits
    text = [t[::-1] for t in (map(int_to_str, ints) if big else map(str, ints))]
    chars = np.fromiter(map(len, text), np.int64, n)  # digits and sign
    width = int(chars.max()) + 1  # room for <eos>
    if n * width <= 4 * int(chars.sum()) + 1024:  # lengths alike: one block of fixed-width byte strings
        tokens = _CHAR_TOKENS[np.array(text, dtype=f"S{width}").view(np.uint8).reshape(n, width)]
    else:  # one much longer than the others: the characters of all of them scattered at once
        tokens = np.full((n, width), PAD, np.uint8)
        rows = np.repeat(np.arange(n), chars)
        cols = np.arange(int(chars.sum())) - np.repeat(np.cumsum(chars) - chars, chars)
        tokens[rows, cols] = _CHAR_TOKENS[np.frombuffer("".join(text).encode("ascii"), np.uint8)]
    tokens[np.arange(n), chars] = EOS
    return tokens, chars + 1


def decode_batch(tokens: np.ndarray) -> list[int]:
    """Decode each row of a token matrix (see :func:`decode_tokens`)."""
    return [decode_tokens(row) for row in np.asarray(tokens).tolist()]


def encode_sequences(seqs: Sequence[Sequence[int]],
                     max_digits: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Encode a batch of integer sequences for the model.

    Returns ``tokens (B, T, L)``, ``lengths (B, T)`` (0 for padding numbers) and
    ``n_numbers (B,)``, with ``T`` the longest sequence and ``L`` the longest
    number of the batch.

    >>> tokens, lengths, n = encode_sequences([[1, 22], [333]], max_digits=5)
    >>> tokens.shape, lengths.tolist(), n.tolist()
    ((2, 2, 4), [[2, 3], [4, 0]], [2, 1])
    """
    n_numbers = np.array([len(s) for s in seqs], np.int64)
    B, T = len(seqs), int(n_numbers.max()) if len(seqs) else 0
    flat: list[int] = [v for s in seqs for v in s]
    tok, lens = encode_batch(flat, max_digits)
    L = tok.shape[1]
    tokens = np.full((B, T, L), PAD, np.int64)
    lengths = np.zeros((B, T), np.int64)
    rows = np.repeat(np.arange(B), n_numbers)
    cols = np.concatenate([np.arange(n) for n in n_numbers]) if B else np.zeros(0, np.int64)
    tokens[rows, cols] = tok
    lengths[rows, cols] = lens
    return tokens, lengths, n_numbers


def fill_allowed_next(allow, n_digits, last_digit, neg, max_out, allow_negative: bool):
    """The output grammar of a decoder writing a number: mark in ``allow (N, VOCAB_SIZE)`` (bool, all False on
    entry; a NumPy array or a PyTorch tensor) the tokens that may come next after ``n_digits (N,)`` digits, the
    last one ``last_digit``, with ``neg (N,)`` once ``<neg>`` is written, for answers of at most ``max_out (N,)``
    digits. Digits come first (least significant first), then ``<neg>`` for a negative number, then ``<eos>``; the
    most significant digit is not a leading zero and -0 is not written. Returns ``allow``.

    >>> import numpy as np
    >>> allow = np.zeros((1, VOCAB_SIZE), dtype=bool)
    >>> rows = fill_allowed_next(allow, np.array([2]), np.array([0]), np.array([False]), np.array([3]), True)
    >>> [TOKEN_NAMES[t] for t in np.nonzero(rows[0])[0]]   # after "0", "0" (a number ending ...00): only a digit
    ['1', '2', '3', '4', '5', '6', '7', '8', '9']
    """
    can_digit = ~neg & (n_digits < max_out)
    allow[:, :10] = can_digit[:, None]
    # the last digit that fits is the most significant one: it cannot be a leading zero
    allow[:, 0] &= ~((n_digits == max_out - 1) & (n_digits > 0))
    # a number may end once it has a digit and no leading zero: "0" alone, or a non-zero top digit
    can_end = (n_digits == 1) | ((n_digits > 1) & (last_digit != 0))
    allow[:, EOS] = can_end | neg
    if allow_negative:
        allow[:, NEG] = can_end & ~neg & ~((n_digits == 1) & (last_digit == 0))
    return allow


def until_eos(tokens: list[int]) -> list[int]:
    """A generated token row up to and including its ``<eos>``."""
    return tokens[: tokens.index(EOS) + 1] if EOS in tokens else tokens


def unique_token_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct token rows ``(U, L)`` int64 of ``rows (R, L)``, in lexicographic order, and ``inverse (R,)``, as
    ``np.unique(rows, axis=0, return_inverse=True)``: the rows are compared as byte strings (tokens are below 256),
    about 10x faster.

    >>> rows, inverse = unique_token_rows(np.array([[3, 10], [1, 10], [3, 10]]))
    >>> rows.tolist(), inverse.tolist()
    ([[1, 10], [3, 10]], [1, 0, 1])
    """
    if rows.shape[0] == 0:
        return rows.astype(np.int64), np.zeros(0, dtype=np.int64)
    a = np.ascontiguousarray(rows.astype(np.uint8))  # (R, L)
    keys = a.view(np.dtype((np.void, a.shape[1]))).ravel()  # (R,): one memcmp-ordered key per row
    distinct, inverse = np.unique(keys, return_inverse=True)
    return distinct.view(np.uint8).reshape(-1, a.shape[1]).astype(np.int64), inverse.reshape(-1).astype(np.int64)
