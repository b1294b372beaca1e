"""Random labelled integer sequences, and the formulas that reproduce them.

Every sample is a :class:`Sample`: its terms, a family label and a formula
string. Formulas use one small language, evaluated by :func:`evaluate_formula`:
each right-hand side is parsed, rebuilt node by node from what the language
allows (integers, ``n``, ``+ - * // % **``, ``a(k)`` and the functions below;
anything else is refused), then compiled, with no builtins in reach::

    a(n) = 43423 + n                        arithmetic
    a(n) = (n + 532) // 8                   a floor-division staircase
    a(n) = 2*a(n-1) + 3; a(1) = 5           an affine recursion
    a(n) = a(n-1) + a(n-2); a(1) = 4; a(2) = 7
    a(n) = a(n-2); a(1) = 3; a(2) = 4       a repeating cycle
    a(n) = (4*n - 6)*a(n-1) // n; a(1) = 1  Catalan numbers (P-recursive)
    a(n) = (-1)**n * binomial(2*n, n)       an alternating closed form
    a(n) = (n % 2)*(3*n + 1) + (1 - n % 2)*(5)   two forms on the parities

``n`` counts from 1. Operators: ``+ - * // % **`` and unary minus; ``//`` and
``%`` are Python's floor division and modulo (a zero divisor raises
ZeroDivisionError); ``**`` needs an exponent in 0..256 and a base of absolute
value at most 10^6, so ``(-1)**n`` is fine. Functions (a bad argument raises
ValueError, as does any other name):

* ``binomial(x, k)`` -- x choose k, 0 when k < 0 or k > x; needs 0 <= x <= 10^4;
* ``isqrt(x)`` -- floor(sqrt(x)), x >= 0;
* ``digitsum(x)`` -- the sum of the decimal digits of |x|;
* ``reverse(x)`` -- the decimal digits of |x| reversed, sign kept (1230 -> 321);
* ``inbase(x, b)`` -- x >= 0 written in base b (2..9), read as decimal
  (``inbase(5, 2) = 101``);
* ``a(k)`` -- the k-th term, for recursions.

A part ``a(k) = v`` sets the k-th term, whatever the rule says there.

Distributions (``SequenceGenerator(distribution=...)``):

* ``"original"`` -- the original project's test distribution: 16 % repeating
  cycles of 2-4 numbers in 1..99, the rest random expression trees of depth <= 3
  over ``n`` with ``+ - * //`` and powers, all 8 terms positive and below 10^7;
  about 15 % of all sequences contain a floor division and 6 % a power, as in
  the original test file (the weights below are calibrated to those shares).
* ``"families"`` -- the post's families in equal shares: arithmetic,
  subtraction, geometric (multiplication), division, power, polynomial, affine
  and second-order recursions, cycles.
* ``"mixed"`` -- half of each; what the default model is trained on.
* ``"extended"`` -- families modelled on real sequences, in equal shares
  (:data:`EXTENDED_FAMILIES`): P-recursive recursions (factorials, Catalan,
  derangements, involutions), binomial closed forms, partial sums and products,
  first differences, interleavings, alternating signs, Beatty/floor sequences,
  digit sequences; 15 % of them start with an ``a(1) = 0`` or ``a(1) = 1``.
* ``"all"`` -- a third each of the ``"original"``, ``"families"`` and
  ``"extended"`` tables.

The seeded output of ``"original"``, ``"families"`` and ``"mixed"`` never
changes: held-out evaluation sets are drawn from seeds.

Generation is seeded (``random.Random``) and deterministic.
"""

from __future__ import annotations

import ast
import csv
import functools
import itertools
import json
import math
import operator
import random
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

FAMILIES = (
    "cycle",
    "arithmetic",
    "subtraction",
    "geometric",
    "division",
    "power",
    "polynomial",
    "recurrence1",
    "recurrence2",
)
EXPRESSION_FAMILIES = ("expr_linear", "expr_poly", "expr_division", "expr_power")
#: families modelled on real sequences (the ``"extended"`` distribution)
EXTENDED_FAMILIES = (
    "holonomic",
    "binomial",
    "partial_sum",
    "partial_product",
    "difference",
    "interleave",
    "alternating",
    "floor",
    "digits",
)
ALL_FAMILIES = FAMILIES + EXPRESSION_FAMILIES + EXTENDED_FAMILIES
#: families whose terms are negative: they need ``allow_negative``
NEGATIVE_FAMILIES = ("alternating",)
DISTRIBUTIONS = ("original", "families", "mixed", "extended", "all")


#: coarse pattern types: what a person would call the sequence, whichever generator made it; a model's pattern
#: head uses the positions as class indices, so new types are only ever appended
PATTERN_TYPES = (
    "periodic", "linear", "polynomial", "exponential", "recursive", "division",
    "factorial", "interleaved", "digit", "floor",
)


@dataclass(frozen=True)
class Sample:
    terms: tuple[int, ...]
    family: str
    formula: str

    @property
    def pattern(self) -> str:
        """The coarse pattern type of these terms (one of :data:`PATTERN_TYPES`; see :func:`pattern_type`).

        Families name the generator; several generators make the same kind of
        sequence (``arithmetic`` and ``expr_linear`` are both linear), so
        classifiers are scored on these types.
        """
        return _pattern_of(self.family, self.formula, self.terms)  # the formula's terms are these

    def to_dict(self) -> dict:
        return {"terms": list(self.terms), "family": self.family, "pattern": self.pattern, "formula": self.formula}


_PATTERN_OF_FAMILY = {
    "cycle": "periodic", "arithmetic": "linear", "subtraction": "linear", "expr_linear": "linear",
    "polynomial": "polynomial", "expr_poly": "polynomial", "geometric": "exponential", "recurrence1": "exponential",
    "recurrence2": "recursive", "division": "division", "expr_division": "division",
    "holonomic": "factorial", "binomial": "factorial", "partial_product": "factorial",
    "partial_sum": "polynomial", "difference": "polynomial",
    "interleave": "interleaved", "alternating": "interleaved", "floor": "floor", "digits": "digit",
}


@functools.lru_cache(maxsize=1 << 16)
def pattern_type(family: str, formula: str, length: int = 16) -> str:
    """Coarse pattern type of a sequence's first ``length`` terms, from what they *do*, not how the formula is written.

    The formula is evaluated for ``length`` terms (a :class:`Sample` uses its own
    length: the terms one sees) and the simplest description that fits all of
    them wins (:func:`behaviour_type`): ``periodic`` (period 2-4), ``linear``
    (constant first differences, constants included), ``polynomial`` (some k-th
    difference constant over at least 3 values), ``exponential`` (``a(n+1) = r*a(n) + c`` with an integer
    ``r`` other than 0 and 1), ``recursive`` (a second-order recursion that is none
    of those). Anything else is named by its formula: ``c**n`` -> exponential, a
    floor division -> division, ``n**c`` -> polynomial, else the family's type.
    The extended families (:data:`EXTENDED_FAMILIES`) that fit none of the
    checks take their family's type (``factorial``, ``interleaved``, ``digit``,
    ``floor``; the floor family's rational staircases such as ``n + n // 3`` are
    ``division``, its square roots and Beatty sequences ``floor``); partial
    products are ``factorial``, partial sums and differences
    are named by their inner function: ``digitsum``/``reverse``/``inbase`` ->
    digit, ``isqrt`` or ``//`` -> floor, ``c**n`` -> exponential, else polynomial.
    So ``(n + 901) - 126 // 4`` is linear, ``2*a(n-1) - a(n-2)`` is linear and
    ``(n + 532) // 8`` is division; ``(n + 5000) // 9`` is linear over 3 terms
    (constant) and division over 16.

    >>> pattern_type("power", "a(n) = 3**(n + 2)"), pattern_type("expr_power", "a(n) = (n**2) + (7)")
    ('exponential', 'polynomial')
    >>> pattern_type("expr_division", "a(n) = ((n) + (901)) - ((126) // 4)")
    'linear'
    >>> pattern_type("recurrence2", "a(n) = 2*a(n-1) + -1*a(n-2); a(1) = 18; a(2) = 35")
    'linear'
    >>> pattern_type("division", "a(n) = (n + 5000) // 9", 3), pattern_type("division", "a(n) = (n + 5000) // 9")
    ('linear', 'division')
    >>> pattern_type("holonomic", "a(n) = n*a(n-1); a(1) = 1"), pattern_type("floor", "a(n) = isqrt(2*n*n)")
    ('factorial', 'floor')
    >>> pattern_type("partial_sum", "a(n) = a(n-1) + (digitsum(n)); a(1) = 1", 16)
    'digit'
    """
    return _pattern_of(family, formula, evaluate_formula(formula, length))


def _pattern_of(family: str, formula: str, terms: Sequence[int]) -> str:
    """:func:`pattern_type` of a formula whose first terms are ``terms``."""
    behaviour = behaviour_type(terms)
    if behaviour is not None:
        return behaviour
    if family == "recurrence2":
        return "recursive"
    if family in ("partial_sum", "difference"):
        return _inner_pattern(formula)
    if family == "floor" and "isqrt" not in formula:
        return "division"  # a rational staircase (p*n)//q, n + n//k: what the division families make
    if family in EXTENDED_FAMILIES:
        return _PATTERN_OF_FAMILY[family]
    if re.search(r"\d\*\*\(?n", formula):
        return "exponential"
    if "//" in formula:
        return "division"
    if family in ("power", "expr_power"):
        return "polynomial"
    return _PATTERN_OF_FAMILY[family]


def behaviour_type(terms: Sequence[int]) -> str | None:
    """The pattern type that the terms alone show, or ``None``: the first checks of :func:`pattern_type`.

    ``periodic`` (period 2-4, not constant, repeated on two terms at least), ``linear`` (constant first
    differences, constants included), ``polynomial`` (some k-th difference
    constant over at least 3 values), ``exponential`` (``a(n+1) = r*a(n) + c``
    with an integer ``r`` other than 0 and 1), tried in that order; ``None`` when
    none fits (the terms alone do not tell).

    >>> behaviour_type([1, 2, 1, 2, 1]), behaviour_type([7, 7, 7]), behaviour_type([0, 1, 4, 9, 16, 25])
    ('periodic', 'linear', 'polynomial')
    >>> behaviour_type([3, 7, 15, 31, 63]), behaviour_type([0, 1, 1, 2, 3, 5, 8, 13]) is None
    ('exponential', True)
    >>> behaviour_type([1, 2, 3, 4]), behaviour_type([1, 2, 4, 8]), behaviour_type([1, 2, 3, 1]) is None
    ('linear', 'exponential', True)
    """
    t = list(terms)
    # t[i] == t[i - p] for every i, checked on two terms at least (1, 2, 3, 4 is no period 3 or 4)
    if len(set(t)) > 1 and any(t[p:] == t[:-p] for p in (2, 3, 4) if len(t) >= p + 2):
        return "periodic"
    d = t
    for order in range(1, max(2, len(t) - 2)):  # a k-th difference needs 3 values to be called constant
        d = list(map(operator.sub, d[1:], d))
        if d and d[1:] == d[:-1]:  # one value
            return "linear" if order == 1 else "polynomial"
    if len(set(t)) > 1 and _affine_ratio(t) is not None:
        return "exponential"
    return None


def _inner_pattern(formula: str) -> str:
    """The type of a partial sum or a difference that none of :func:`pattern_type`'s checks names: its function's.

    >>> _inner_pattern("a(n) = isqrt(n + 1) - isqrt(n)"), _inner_pattern("a(n) = a(n-1) + (n*3**n); a(1) = 3")
    ('floor', 'exponential')
    """
    if re.search(r"\b(digitsum|reverse|inbase)\(", formula):
        return "digit"
    if "isqrt(" in formula or "//" in formula:
        return "floor"
    if re.search(r"\d\*\*\(?n", formula):
        return "exponential"
    return "polynomial"


def _affine_ratio(t: Sequence[int]) -> int | None:
    """The integer ``r`` (not 0 or 1) with ``t[i+1] = r*t[i] + c`` for every ``i``, if there is one."""
    d = [b - a for a, b in zip(t, t[1:])]  # d[i+1] = r * d[i]
    if d[0] == 0 or d[1] % d[0]:
        return None
    r = d[1] // d[0]
    if r in (0, 1) or any(b != r * a for a, b in zip(d, d[1:])):
        return None
    return r


@dataclass
class GeneratorConfig:
    """What to generate.

    ``min_length``/``max_length``: number of terms. ``max_value``: every term's
    absolute value stays below it. ``allow_negative``: terms may be negative
    (otherwise all terms are >= 0). ``distribution``: see the module docstring.
    ``families``: restrict to these labels (``None``: all of the distribution),
    from any distribution (a family of :data:`NEGATIVE_FAMILIES` alone needs
    ``allow_negative``).
    """

    min_length: int = 8
    max_length: int = 8
    max_value: int = 10**7
    allow_negative: bool = False
    distribution: str = "mixed"
    families: tuple[str, ...] | None = None
    # > 0: start values and constants (geometric and recurrence starts, cycle values, polynomial and expression
    # constants) are drawn with 1..start_digits digits, log-uniformly, for sequences of long numbers
    start_digits: int = 0
    # True: those start values and constants are 0..3 instead (textbook sequences: 1, 1, 2, 3, 5, 8 (Fibonacci),
    # 2, 1, 3, 4, 7 (Lucas), 1, 2, 4, 8, 2^n - 1, n^2 + 1, small cycles); for a share of the training batches
    small_starts: bool = False

    def __post_init__(self) -> None:
        if self.small_starts and self.start_digits:
            raise ValueError(f"small_starts=True and start_digits={self.start_digits} exclude each other: "
                             "give one")
        if self.distribution not in DISTRIBUTIONS:
            raise ValueError(
                f"distribution={self.distribution!r} is unknown; choose one of {', '.join(DISTRIBUTIONS)}"
            )
        if not 3 <= self.min_length <= self.max_length:
            raise ValueError(
                f"length range {self.min_length}..{self.max_length} is invalid: need 3 <= min_length <= max_length"
            )
        if self.start_digits < 0:
            raise ValueError(f"start_digits={self.start_digits} must be >= 0")
        if self.max_value < 100:
            raise ValueError(f"max_value={self.max_value} is too small: it must be at least 100")
        if self.families is not None:
            self.families = tuple(self.families)
            bad = [f for f in self.families if f not in ALL_FAMILIES]
            if bad or not self.families:
                raise ValueError(
                    f"families={list(self.families)!r} invalid; choose from {', '.join(ALL_FAMILIES)}"
                )
            if not self.allow_negative and set(self.families) <= set(NEGATIVE_FAMILIES):
                raise ValueError(
                    f"families={list(self.families)!r} only make negative terms: set allow_negative=True"
                )


# ---------------------------------------------------------------------------
# formula evaluation

_BINOPS: dict[type, Callable[[int, int], int]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
    ast.Mod: lambda a, b: a % b,
}


def _binomial(x: int, k: int) -> int:
    """``x`` choose ``k`` (0 when ``k < 0`` or ``k > x``) for ``0 <= x <= 10**4``.

    >>> _binomial(6, 2), _binomial(6, 7), _binomial(6, -1)
    (15, 0, 0)
    """
    if not 0 <= x <= 10**4:
        raise ValueError(f"binomial({x}, {k}) is out of range: x must be in 0..10000")
    return math.comb(x, k) if 0 <= k <= x else 0


def _isqrt(x: int) -> int:
    """``floor(sqrt(x))`` for ``x >= 0``.

    >>> _isqrt(24), _isqrt(25)
    (4, 5)
    """
    if x < 0:
        raise ValueError(f"isqrt({x}) is out of range: x must be >= 0")
    return math.isqrt(x)


def _digitsum(x: int) -> int:
    """Sum of the decimal digits of ``|x|``.

    >>> _digitsum(1999), _digitsum(-45)
    (28, 9)
    """
    return sum(map(int, str(abs(x))))


def _reverse(x: int) -> int:
    """The decimal digits of ``|x|`` in reverse order, with the sign of ``x``.

    >>> _reverse(1230), _reverse(-47)
    (321, -74)
    """
    r = int(str(abs(x))[::-1])
    return -r if x < 0 else r


def _inbase(x: int, b: int) -> int:
    """``x >= 0`` written in base ``b`` (2..9) and read as a decimal number.

    >>> _inbase(5, 2), _inbase(10, 3), _inbase(0, 2)
    (101, 101, 0)
    """
    if x < 0 or not 2 <= b <= 9:
        raise ValueError(f"inbase({x}, {b}) is out of range: need x >= 0 and base 2..9")
    digits = []
    while x:
        x, d = divmod(x, b)
        digits.append(str(d))
    return int("".join(reversed(digits)) or "0")


#: functions of the formula language: name -> (number of arguments, function)
_FUNCTIONS: dict[str, tuple[int, Callable[..., int]]] = {
    "binomial": (2, _binomial),
    "isqrt": (1, _isqrt),
    "digitsum": (1, _digitsum),
    "reverse": (1, _reverse),
    "inbase": (2, _inbase),
}


def _pow(a: int, b: int) -> int:
    if b < 0 or b > 256 or abs(a) > 10**6:
        raise ValueError(f"power {a}**{b} is out of the formula language's range")
    return a**b


#: what a compiled formula can reach: the checked power, the functions of the language, no builtins
_SCOPE: dict[str, object] = {"__builtins__": {}, "_pow": _pow, **{k: fn for k, (_, fn) in _FUNCTIONS.items()}}


#: the source position every rebuilt node carries (compiling needs one)
_AT = {"lineno": 1, "col_offset": 0, "end_lineno": 1, "end_col_offset": 0}


def _checked(node: ast.AST, constants: int = 0) -> ast.expr:
    """A copy of an expression of the formula language, built node by node from what it allows (anything else
    raises ValueError); ``x**y`` becomes ``_pow(x, y)``, which checks its range. ``constants``: the names
    ``_k0 .. _k{constants-1}`` stand for integer literals (see :func:`_compile`)."""
    if isinstance(node, ast.BinOp):
        left, right = _checked(node.left, constants), _checked(node.right, constants)
        if isinstance(node.op, ast.Pow):
            return ast.Call(ast.Name("_pow", ast.Load(), **_AT), [left, right], [], **_AT)
        if type(node.op) not in _BINOPS:
            raise ValueError(f"operator {type(node.op).__name__} is not allowed in a formula")
        return ast.BinOp(left, type(node.op)(), right, **_AT)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return ast.UnaryOp(type(node.op)(), _checked(node.operand, constants), **_AT)
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return ast.Constant(node.value, **_AT)
    if isinstance(node, ast.Name) and (node.id == "n" or node.id in _CONSTANT_NAMES[:constants]):
        return ast.Name(node.id, ast.Load(), **_AT)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        name = node.func.id
        if name == "a" and len(node.args) == 1 and not node.keywords:
            return ast.Call(ast.Name("a", ast.Load(), **_AT), [_checked(node.args[0], constants)], [], **_AT)
        if name != "a":
            if name not in _FUNCTIONS:
                allowed = ", ".join(["a"] + sorted(_FUNCTIONS))
                raise ValueError(f"function {name!r} is not allowed in a formula; allowed functions: {allowed}")
            arity, _ = _FUNCTIONS[name]
            if node.keywords or len(node.args) != arity:
                raise ValueError(f"{name}() takes {arity} positional argument(s): {ast.unparse(node)!r}")
            return ast.Call(ast.Name(name, ast.Load(), **_AT), [_checked(arg, constants) for arg in node.args], [],
                            **_AT)
    raise ValueError(f"{ast.unparse(node)!r} is not allowed in a formula")


#: an integer literal of a formula (not part of a name, a float or another literal)
_LITERAL = re.compile(r"(?<![\w.])(\d+)(?![\w.])")
#: the names integer literals become in a formula's template
_CONSTANT_NAMES = tuple(f"_k{i}" for i in range(64))


def _templated(text: str) -> tuple[str, tuple[int, ...]] | None:
    """``text`` with its integer literals replaced by ``_k0, _k1, ...`` (one regex split), and their values; None
    where that does not apply: no literal, more literals than names, a literal past 4,000 digits, or ``_k`` already
    in the text.

    >>> _templated("a(n) = 3*a(n-1) + 17; a(1) = 2")
    ('a(n) = _k0*a(n-_k1) + _k2; a(_k3) = _k4', (3, 1, 17, 1, 2))
    """
    if "_k" in text:
        return None
    parts = _LITERAL.split(text)  # text, literal, text, literal, ..., text
    literals = parts[1::2]
    if not 0 < len(literals) <= len(_CONSTANT_NAMES) or any(len(v) > 4000 for v in literals):
        return None
    parts[1::2] = _CONSTANT_NAMES[: len(literals)]
    return "".join(parts), tuple(map(int, literals))


#: a compiled right-hand side: ``f(n, a, *constants)``
_Body = Callable[..., int]


def _compile(expression: str) -> tuple[_Body, tuple[int, ...]]:
    """The function of one right-hand side of a formula, checked by :func:`_checked` (so evaluating it can only do
    integer arithmetic, call ``a`` and the language's functions), and the values of its constants.

    Integer literals become the names ``_k0, _k1, ...``, so formulas that differ only in their constants
    (``7 + 3*n``, ``12 + 5*n``) share one compiled template (cached); where that does not apply, the
    expression is compiled as it stands.
    """
    templated = _templated(expression)
    if templated is not None:
        template, constants = templated
        try:
            return _compile_checked(template, len(constants)), constants
        except (ValueError, SyntaxError):
            pass  # compiled as it stands below: the error names the expression the user wrote
    return _compile_checked(expression, 0), ()


@functools.lru_cache(maxsize=4096)
def _compile_checked(expression: str, constants: int) -> _Body:
    """``lambda n, a, _k0, ..., _k{constants-1}: expression``, checked by :func:`_checked`, its globals
    :data:`_SCOPE`."""
    params = [ast.arg(name, **_AT) for name in ("n", "a", *_CONSTANT_NAMES[:constants])]
    fn = ast.Lambda(ast.arguments([], params, None, [], [], None, []),
                    _checked(ast.parse(expression, mode="eval").body, constants), **_AT)
    return eval(compile(ast.Expression(fn), "<formula>", "eval"), _SCOPE)  # noqa: S307  (checked code)


def _run(body: tuple[_Body, tuple[int, ...]], n: int, prev: Callable[[int], int]) -> int:
    return body[0](n, prev, *body[1])


def evaluate_formula(formula: str, length: int) -> list[int]:
    """Terms a(1)..a(length) of a formula written as in the module docstring.

    >>> evaluate_formula("a(n) = a(n-1) + a(n-2); a(1) = 1; a(2) = 1", 6)
    [1, 1, 2, 3, 5, 8]
    >>> evaluate_formula("a(n) = (4*n - 6)*a(n-1) // n; a(1) = 1", 6)
    [1, 1, 2, 5, 14, 42]
    >>> evaluate_formula("a(n) = (-1)**n * binomial(n + 2, 2)", 4)
    [-3, 6, -10, 15]
    >>> evaluate_formula("a(n) = (n % 2)*(isqrt(2*n*n)) + (1 - n % 2)*(inbase(n, 2))", 4)
    [1, 10, 4, 100]
    >>> evaluate_formula("a(n) = digitsum(n + 7) + reverse(n + 10)", 3)
    [19, 30, 32]
    """
    rule, initial = _parsed(formula)
    terms: list[int] = []

    def prev(k: int) -> int:
        if not 1 <= k < len(terms) + 1:
            raise ValueError(f"formula {formula!r} refers to a({k}) before it is known")
        return terms[k - 1]

    body, constants = rule
    for n in range(1, length + 1):
        terms.append(initial[n] if n in initial else body(n, prev, *constants))
    return terms


def _parsed(formula: str) -> tuple[tuple[_Body, tuple[int, ...]], dict[int, int]]:
    """The compiled rule of a formula (with the values of its constants) and its initial terms ``{index: value}``.

    The formula's integer literals become the names ``_k0, _k1, ...`` (as in :func:`_compile`), so formulas
    that differ only in their numbers (``a(n) = 3*a(n-1) + 7; a(1) = 2``, ``a(n) = 5*a(n-1) + 1; a(1) = 9``)
    share one parsed and compiled template (cached); where that does not apply, or the template is not a valid
    formula, the formula is parsed part by part as it stands (and its errors name what the user wrote).
    """
    templated = _templated(formula)
    if templated is not None:
        template, constants = templated
        try:
            rule, initial = _parsed_template(template, len(constants))
        except (ValueError, SyntaxError):
            pass  # parsed as it stands below
        else:
            return (rule, constants), {constants[k]: _run((code, constants), 0, _no_prev) for k, code in initial}
    return _parsed_plainly(formula)


@functools.lru_cache(maxsize=4096)
def _parsed_template(template: str, constants: int) -> tuple[_Body, tuple[tuple[int, _Body], ...]]:
    """The compiled rule of a formula template and its initial terms as ``(constant number of the index, body)``."""
    rule, initial = None, []
    for part in filter(str.strip, template.split(";")):
        lhs, sep, rhs = part.partition("=")
        lhs = lhs.replace(" ", "")
        if not sep:
            raise ValueError(part)
        code = _compile_checked(rhs.strip(), constants)
        if lhs == "a(n)":
            rule = code
        elif lhs.startswith("a(") and lhs.endswith(")") and lhs[2:-1] in _CONSTANT_NAMES[:constants]:
            initial.append((_CONSTANT_NAMES.index(lhs[2:-1]), code))
        else:
            raise ValueError(part)
    if rule is None:
        raise ValueError(template)
    return rule, tuple(initial)


def _parsed_plainly(formula: str) -> tuple[tuple[_Body, tuple[int, ...]], dict[int, int]]:
    """:func:`_parsed`, one part at a time."""
    parts = [p.strip() for p in formula.split(";") if p.strip()]
    rule: tuple[_Body, tuple[int, ...]] | None = None
    initial: dict[int, int] = {}
    for part in parts:
        lhs, sep, rhs = part.partition("=")
        if not sep:
            raise ValueError(f"formula part {part!r} has no '='")
        lhs = lhs.replace(" ", "")
        body = _compile(rhs.strip())
        if lhs == "a(n)":
            rule = body
        elif lhs.startswith("a(") and lhs.endswith(")") and lhs[2:-1].isdigit():
            initial[int(lhs[2:-1])] = _run(body, 0, _no_prev)
        else:
            raise ValueError(f"formula part {part!r}: left side must be a(n) or a(<index>)")
    if rule is None:
        raise ValueError(f"formula {formula!r} has no rule 'a(n) = ...'")
    return rule, initial


def _no_prev(k: int) -> int:
    raise ValueError("initial values cannot refer to other terms")


# ---------------------------------------------------------------------------
# generator


class _Reject(Exception):
    pass


#: draws in a row after which :meth:`SequenceGenerator.sample` gives up: one that no sequence meets would otherwise
#: loop forever, and the configurations in use need a few (over 3,000 samples of each distribution, signed or not,
#: and of the training presets' generators: at most 32 draws for one sequence, 1.1 to 4.2 on average)
MAX_DRAWS = 10_000


class SequenceGenerator:
    """Seeded stream of random :class:`Sample` s.

    >>> gen = SequenceGenerator(GeneratorConfig(distribution="families"), seed=0)
    >>> s = gen.sample()
    >>> list(s.terms) == evaluate_formula(s.formula, len(s.terms))
    True
    """

    def __init__(self, config: GeneratorConfig | None = None, seed: int = 0):
        self.config = config or GeneratorConfig()
        self.rng = random.Random(seed)
        cfg = self.config
        makers: dict[str, Callable[[int], Sample]] = {
            "cycle": self._cycle,
            "arithmetic": self._arithmetic,
            "subtraction": self._subtraction,
            "geometric": self._geometric,
            "division": self._division,
            "power": self._power,
            "polynomial": self._polynomial,
            "recurrence1": self._recurrence1,
            "recurrence2": self._recurrence2,
            "holonomic": self._holonomic,
            "binomial": self._binomial_family,
            "partial_sum": self._partial_sum,
            "partial_product": self._partial_product,
            "difference": self._difference,
            "interleave": self._interleave,
            "alternating": self._alternating,
            "floor": self._floor,
            "digits": self._digits,
        }
        # (weight, maker) pairs of the chosen distribution
        # expression trees are rejected more often than cycles (no ``n``, out of range), so a
        # weight of 0.105 gives 16 % cycles among the accepted samples
        original = [(0.105, self._cycle), (0.895, self._expression)]
        families = [(1.0 / len(FAMILIES), makers[f]) for f in FAMILIES]
        if cfg.distribution == "original":
            table = original
        elif cfg.distribution == "families":
            table = families
        elif cfg.distribution == "mixed":
            table = [(w * 0.5, m) for w, m in original + families]
        else:
            extended = [(1.0 / len(EXTENDED_FAMILIES), makers[f]) for f in EXTENDED_FAMILIES]
            if cfg.distribution == "extended":
                table = extended
            else:  # "all": a third of each table
                table = [(w / 3, m) for w, m in original + families + extended]
        self._table = table
        self._weights = [w for w, _ in table]
        self._makers = [m for _, m in table]
        self._expr_filter: tuple[str, ...] | None = None
        if cfg.families is not None:
            wanted = set(cfg.families)
            self._makers = [makers[f] for f in FAMILIES if f in wanted]
            if wanted & set(EXPRESSION_FAMILIES):
                self._makers.append(self._expression)
                self._expr_filter = tuple(f for f in EXPRESSION_FAMILIES if f in wanted)
            self._makers += [makers[f] for f in EXTENDED_FAMILIES if f in wanted]
            self._weights = [1.0] * len(self._makers)
        self._cum_weights = list(itertools.accumulate(self._weights))  # what random.choices would sum each draw

    # --- state, for checkpoints -------------------------------------------
    def get_state(self) -> list:
        version, internal, gauss = self.rng.getstate()
        return [version, list(internal), gauss]

    def set_state(self, state: Sequence) -> None:
        self.rng.setstate((state[0], tuple(state[1]), state[2]))

    # --- public --------------------------------------------------------------
    def sample(self) -> Sample:
        """One random sequence of the configured families, lengths and term range (redrawn until one fits).

        Raises ValueError when none of :data:`MAX_DRAWS` draws in a row fits (a configuration no sequence meets, such
        as 200 terms of a geometric sequence below 10^7)."""
        rng = self.rng
        for _ in range(MAX_DRAWS):
            length = rng.randint(self.config.min_length, self.config.max_length)
            maker = rng.choices(self._makers, cum_weights=self._cum_weights)[0]
            try:
                s = maker(length)
            except (_Reject, ZeroDivisionError, OverflowError):
                continue
            if self._valid(s.terms):
                if self._expr_filter is None or s.family not in EXPRESSION_FAMILIES or s.family in self._expr_filter:
                    return s
        c = self.config
        raise ValueError(f"no sequence fits in {MAX_DRAWS:,} draws: families {', '.join(c.families or ('all',))} of "
                         f"the {c.distribution} distribution, {c.min_length}..{c.max_length} terms, every |term| below "
                         f"{c.max_value:,}; allow larger terms or fewer of them")

    def samples(self, count: int, exclude: set[tuple[int, ...]] | None = None) -> list[Sample]:
        out: list[Sample] = []
        while len(out) < count:
            s = self.sample()
            if exclude is None or not overlaps(s.terms, exclude):
                out.append(s)
        return out

    def __iter__(self) -> Iterator[Sample]:
        while True:
            yield self.sample()

    # --- helpers -------------------------------------------------------------
    def _valid(self, terms: Sequence[int]) -> bool:
        hi = self.config.max_value
        if not terms:
            return True
        return (-hi if self.config.allow_negative else -1) < min(terms) and max(terms) < hi

    def _magnitude(self, lo_digits: int = 1) -> int:
        """A random start value, log-uniform over the allowed digit counts."""
        top = len(str(self.config.max_value - 1))
        d = self.rng.randint(lo_digits, max(lo_digits, top))
        return self.rng.randint(10 ** (d - 1), 10**d - 1)

    def _start(self, default: int) -> int:
        """``default``, or with ``start_digits`` set, a value of 1..start_digits digits (log-uniform) of its sign;
        with ``small_starts``, 0..3 of its sign."""
        if self.config.small_starts:
            v = self.rng.randint(0, 3)
            return -v if default < 0 else v
        digits = self.config.start_digits
        if not digits:
            return default
        d = self.rng.randint(1, digits)
        v = self.rng.randint(10 ** (d - 1), 10**d - 1)
        return -v if default < 0 else v

    def _signed(self, v: int) -> int:
        if self.config.allow_negative and self.rng.random() < 0.5:
            return -v
        return v

    def _finish(self, family: str, formula: str, length: int) -> Sample:
        terms = evaluate_formula(formula, length)
        if not self._valid(terms):
            raise _Reject
        return Sample(tuple(terms), family, formula)

    # --- families ------------------------------------------------------------
    def _cycle(self, length: int) -> Sample:
        rng = self.rng
        p = rng.randint(2, 4)
        hi = 99 if rng.random() < 0.8 else min(self.config.max_value - 1, 9999)
        values = [self._start(self._signed(rng.randint(1, hi))) for _ in range(p)]
        if len(set(values)) == 1:
            raise _Reject
        init = "; ".join(f"a({i + 1}) = {v}" for i, v in enumerate(values))
        return self._finish("cycle", f"a(n) = a(n-{p}); {init}", length)

    def _arithmetic(self, length: int) -> Sample:
        rng = self.rng
        start = self._signed(self._magnitude())
        step = rng.randint(1, 9) if rng.random() < 0.5 else rng.randint(1, max(1, abs(start) // 10 + 1))
        c = start - step
        return self._finish("arithmetic", f"a(n) = {c} + {step}*n", length)

    def _subtraction(self, length: int) -> Sample:
        rng = self.rng
        start = self._signed(self._magnitude())
        step = rng.randint(1, 9) if rng.random() < 0.5 else rng.randint(1, max(1, abs(start) // 10 + 1))
        c = start + step
        return self._finish("subtraction", f"a(n) = {c} - {step}*n", length)

    def _geometric(self, length: int) -> Sample:
        rng = self.rng
        r = rng.randint(2, 10)
        c = self._start(self._signed(rng.randint(1, 10 ** rng.randint(1, 3))))
        return self._finish("geometric", f"a(n) = {c} * {r}**(n - 1)", length)

    def _division(self, length: int) -> Sample:
        rng = self.rng
        if rng.random() < 0.5:  # repeated division of a large number
            r = rng.randint(2, 10)
            c = self._signed(self._magnitude(lo_digits=3))
            return self._finish("division", f"a(n) = {c} // {r}**(n - 1)", length)
        k = rng.randint(2, 10)  # staircase
        m = rng.randint(1, 15)
        b = self._signed(rng.randint(0, 1000))
        return self._finish("division", f"a(n) = ({m}*n + {b}) // {k}", length)

    def _power(self, length: int) -> Sample:
        rng = self.rng
        c = rng.randint(2, 10)
        off = rng.randint(0, 20) if rng.random() < 0.5 else 0
        body = f"(n + {off})**{c}" if rng.random() < 0.5 else f"{c}**(n + {off})"
        return self._finish("power", f"a(n) = {body}", length)

    def _polynomial(self, length: int) -> Sample:
        rng = self.rng
        degree = 2 if rng.random() < 0.6 else 3
        coeffs = [self._signed(rng.randint(0, 50)) for _ in range(degree)]
        coeffs[-1] = self._start(coeffs[-1]) if coeffs[-1] else coeffs[-1]
        lead = self._signed(rng.randint(1, 20))
        terms = [f"{lead}*n**{degree}"]
        for power, c in zip(range(degree - 1, -1, -1), coeffs):
            if c:
                terms.append(f"{c}*n**{power}" if power else f"{c}")
        return self._finish("polynomial", "a(n) = " + " + ".join(terms), length)

    def _recurrence1(self, length: int) -> Sample:
        rng = self.rng
        p = rng.randint(2, 5) if rng.random() < 0.7 else -rng.randint(1, 3)
        q = rng.randint(-20, 50)
        a1 = self._start(self._signed(rng.randint(0, 10 ** rng.randint(1, 3))))
        return self._finish("recurrence1", f"a(n) = {p}*a(n-1) + {q}; a(1) = {a1}", length)

    def _recurrence2(self, length: int) -> Sample:
        rng = self.rng
        p = rng.randint(1, 3)
        q = rng.choice([-2, -1, 1, 1, 1, 2, 3])
        r = rng.randint(0, 10) if rng.random() < 0.3 else 0
        a1 = self._start(self._signed(rng.randint(0, 100)))
        a2 = self._start(self._signed(rng.randint(0, 100)))
        rule = f"a(n) = {p}*a(n-1) + {q}*a(n-2)" + (f" + {r}" if r else "")
        return self._finish("recurrence2", f"{rule}; a(1) = {a1}; a(2) = {a2}", length)

    # --- families modelled on real sequences ("extended") -------------------------
    # Each draws small parameters from self.rng, writes a formula and finishes through _extended; 15 % of them
    # start with a(1) = 0 or a(1) = 1 (many real sequences have such a leading term or short prefix).

    def _extended(self, family: str, rule: str, length: int, initial: dict[int, int] | None = None,
                  check: Callable[[Sequence[int]], bool] | None = None) -> Sample:
        """The sample of ``a(n) = rule`` with the ``initial`` terms; rejects out-of-range terms, constant
        sequences and terms that fail ``check``."""
        init = dict(initial or {})
        if self.rng.random() < 0.15:
            init[1] = self.rng.choice((0, 1))
        formula = "; ".join([f"a(n) = {rule}"] + [f"a({k}) = {v}" for k, v in sorted(init.items())])
        try:
            s = self._finish(family, formula, length)
        except ValueError:  # a function's argument out of range: binomial(10**5, 2), a power's exponent > 256
            raise _Reject from None
        if len(set(s.terms)) < 2 or (check is not None and not check(s.terms)):
            raise _Reject
        return s

    def _holonomic(self, length: int) -> Sample:
        # P-recursive sequences: factorials n!, double factorials (2n-1)!!, Catalan numbers, central binomial
        # coefficients, derangements, involutions (telephone numbers), a(n) = n*a(n-1) + 1 (1, 2, 5, 16, 65)
        rng = self.rng
        kind = rng.choice(("factorial", "hypergeometric", "derangement", "involution", "affine"))
        if kind == "factorial":  # a(n) = (p*n + q)*a(n-1)
            p = rng.randint(1, 4)
            q = rng.randint(max(1 - 2 * p, -3), 3)
            return self._extended("holonomic", f"({_lin(p, q)})*a(n-1)", length, {1: rng.randint(1, 3)})
        if kind == "hypergeometric":  # (n + s)*a(n) = (p*n + q)*a(n-1), kept only where every division is exact
            p = rng.randint(1, 4)
            q = rng.randint(max(1 - 2 * p, -6), 3)
            s = rng.randint(-1, 2)
            a1 = rng.randint(1, 3)

            def exact(t: Sequence[int]) -> bool:
                return all((n + s) * t[n - 1] == (p * n + q) * t[n - 2] for n in range(2, len(t) + 1))

            rule = f"({_lin(p, q)})*a(n-1) // ({_lin(1, s)})"
            return self._extended("holonomic", rule, length, {1: a1}, check=exact)
        if kind == "derangement":  # a(n) = (n + c)*(a(n-1) + a(n-2))
            c = rng.randint(-2, 1)
            init = {1: rng.randint(0, 3), 2: rng.randint(0, 3)}
            return self._extended("holonomic", f"({_lin(1, c)})*(a(n-1) + a(n-2))", length, init)
        if kind == "involution":  # a(n) = a(n-1) + (n + c)*a(n-2)
            c = rng.randint(-2, 1)
            init = {1: rng.randint(1, 3), 2: rng.randint(1, 3)}
            return self._extended("holonomic", f"a(n-1) + ({_lin(1, c)})*a(n-2)", length, init)
        d = rng.randint(-1, 0)  # a(n) = (n + d)*a(n-1) + c
        c = rng.choice((-1, 1, 1, 2, 3))
        return self._extended("holonomic", f"({_lin(1, d)})*a(n-1) + {c}", length, {1: rng.randint(0, 3)})

    def _binomial_family(self, length: int) -> Sample:
        # hypergeometric closed forms: figurate numbers binomial(n+k, k) (triangular, tetrahedral, ...), central
        # binomial coefficients, Catalan and Fuss-Catalan numbers, multiples of binomials, rising products
        rng = self.rng
        kind = rng.choice(("figurate", "central", "catalan", "multiple", "product", "shifted"))
        if kind == "figurate":
            k = rng.randint(2, 6)
            body = f"binomial({_lin(1, k + rng.randint(-1, 1))}, {k})"
        elif kind == "central":
            c = rng.randint(-1, 2)
            body = f"binomial({_lin(2, c)}, n)"
        elif kind == "catalan":
            body = rng.choice(("binomial(2*n, n) // (n + 1)", "binomial(2*n + 2, n + 1) // (n + 2)",
                               "binomial(3*n, n) // (2*n + 1)", "binomial(2*n, n) - binomial(2*n, n - 1)",
                               "binomial(2*n, n - 1) // n"))
        elif kind == "multiple":
            k, m = rng.randint(1, 4), rng.randint(2, 5)
            body = f"{m}*binomial(n + {k}, n)"
        elif kind == "product":  # (n + o)*(n + o + 1)*...*(n + o + r - 1) // r!
            r, o = rng.randint(2, 4), rng.randint(0, 2)
            body = "*".join(f"({_lin(1, o + i)})" for i in range(r)) + f" // {math.factorial(r)}"
        else:
            k, c = rng.randint(2, 4), rng.randint(0, 3)
            body = f"binomial({_lin(1, c)}, {k})"
        return self._extended("binomial", body, length)

    def _term_expression(self) -> str:
        """A random term g(n) of a partial sum: squares, cubes, odd numbers, powers, floors, digit sums, ..."""
        rng = self.rng
        kind = rng.choice(("square", "cube", "linear", "power", "n_power", "floor", "digitsum", "binomial",
                           "isqrt", "mod", "triangular", "reverse"))
        if kind == "square":
            return "n**2"
        if kind == "cube":
            return "n**3"
        if kind == "linear":
            return _lin(rng.randint(1, 5), rng.randint(-3, 5))
        if kind == "power":
            return f"{rng.randint(2, 4)}**n"
        if kind == "n_power":
            return f"n*{rng.randint(2, 3)}**n"
        if kind == "floor":
            p = rng.randint(1, 5)
            return f"({p}*n) // {rng.choice([q for q in range(2, 6) if p % q])}"
        if kind == "digitsum":
            return "digitsum(n)"
        if kind == "binomial":
            k = rng.randint(1, 3)
            return f"binomial(n + {k}, {k})"
        if kind == "isqrt":
            return "isqrt(n)"
        if kind == "mod":
            return f"n % {rng.randint(2, 5)}"
        if kind == "triangular":
            return "n*(n + 1) // 2"
        return "reverse(n)"

    def _partial_sum(self, length: int) -> Sample:
        # partial sums: squares (sum of odd numbers), square pyramidal, tetrahedral, 2**n - 2, sums of digit sums,
        # of floors and of square roots, of residues n mod k
        g = self._term_expression()
        first = evaluate_formula(f"a(n) = {g}", 1)[0]
        return self._extended("partial_sum", f"a(n-1) + ({g})", length, {1: first})

    def _partial_product(self, length: int) -> Sample:
        # partial products: factorials, double factorials, products of (c*n + d) (multifactorials), of
        # periodic factors (n % k + 1), of digit sums, of triangular numbers
        rng = self.rng
        kind = rng.choice(("linear", "mod", "parity", "digitsum", "triangular", "isqrt"))
        if kind == "linear":
            c = rng.randint(1, 3)
            g = _lin(c, rng.randint(1 - c, 2))
        elif kind == "mod":
            g = f"n % {rng.randint(2, 5)} + 1"
        elif kind == "parity":
            g = f"{rng.randint(1, 3)} + (n % 2)"
        elif kind == "digitsum":
            g = "digitsum(n)"
        elif kind == "triangular":
            g = "n*(n + 1) // 2"
        else:
            g = "isqrt(n) + 1"
        first = evaluate_formula(f"a(n) = {g}", 1)[0]
        return self._extended("partial_product", f"a(n-1) * ({g})", length, {1: first})

    def _difference(self, length: int) -> Sample:
        # first differences of closed forms: 2**n (powers again), cubes (hex numbers), binomials, Beatty
        # sequences (their 1-2 words), the characteristic function of the squares, digit-sum differences
        rng = self.rng
        c, k = rng.randint(2, 5), rng.randint(2, 5)
        p = rng.randint(2, 7)
        q = rng.choice([q for q in range(2, 8) if p % q])
        m = rng.choice((2, 3, 5, 6, 7))
        e = rng.randint(0, 95)
        # f(n + s) for a shift s of 0 or 1
        f: Callable[[int], str] = rng.choice((
            lambda s: f"{c}**({_lin(1, s)})" if s else f"{c}**n",
            lambda s: f"{_x(s)}**2",
            lambda s: f"{_x(s)}**3",
            lambda s: f"binomial({_lin(1, k + s)}, {k})",
            lambda s: f"({p}*{_x(s)}) // {q}",
            lambda s: f"isqrt({_lin(1, s)})",
            lambda s: f"isqrt({m}*{_x(s)}*{_x(s)})",
            lambda s: f"digitsum({_lin(1, e + s)})",
            lambda s: f"{_x(s)}*{_x(s)}*{_x(s)} // {k}",
        ))
        return self._extended("difference", f"{f(1)} - {f(0)}", length)

    def _simple_form(self, index: str = "n") -> str:
        """A simple closed form in ``index``: linear, constant, power, square."""
        rng = self.rng
        kind = rng.choice(("linear", "constant", "power", "square"))
        if kind == "linear":
            return _lin(rng.randint(1, 7), rng.randint(-2, 9), index)
        if kind == "constant":
            return str(rng.randint(0, 9))
        if kind == "power":
            return f"{rng.randint(2, 3)}**{index}"
        return f"{index}*{index} + {rng.randint(0, 5)}" if rng.random() < 0.5 else f"{index}**2"

    def _interleave(self, length: int) -> Sample:
        # two sequences on the odd and even indices: a(2k-1) = f(k), a(2k) = g(k) (like 1, 1, 2, 4, 3, 9, ...),
        # or f(n) on odd n and a constant on even n (like the denominators of n/2 series)
        rng = self.rng
        if rng.random() < 0.5:
            f, g = self._simple_form(), self._simple_form()
        elif rng.random() < 0.5:
            f, g = self._simple_form("((n + 1) // 2)"), self._simple_form("(n // 2)")
        else:
            f, g = self._simple_form(), str(rng.randint(0, 9))
        if f == g:
            raise _Reject
        return self._extended("interleave", f"(n % 2)*({f}) + (1 - n % 2)*({g})", length)

    def _alternating(self, length: int) -> Sample:
        # sign-alternating versions of simple sequences: (-1)**n * n, alternating squares, (-2)**n, signed
        # binomial coefficients, signed factorials a(n) = -(p*n + q)*a(n-1)
        if not self.config.allow_negative:
            raise _Reject
        rng = self.rng
        kind = rng.choice(("linear", "square", "power", "binomial", "central", "recursion"))
        if kind == "recursion":
            p = rng.randint(1, 3)
            q = rng.randint(max(1 - 2 * p, -3), 2)
            return self._extended("alternating", f"-({_lin(p, q)})*a(n-1)", length, {1: rng.randint(1, 3)})
        if kind == "linear":
            f = _lin(rng.randint(1, 5), rng.randint(0, 5))
        elif kind == "square":
            f = "n**2" if rng.random() < 0.5 else "n**3"
        elif kind == "power":
            f = f"{rng.randint(2, 3)}**n"
        elif kind == "binomial":
            k = rng.randint(1, 3)
            f = f"binomial(n + {k}, {k})"
        else:
            f = "binomial(2*n, n)"
        sign = "(-1)**n" if rng.random() < 0.5 else "(-1)**(n + 1)"
        return self._extended("alternating", f"{sign} * ({f})", length)

    def _floor(self, length: int) -> Sample:
        # Beatty sequences floor(n*sqrt(k)) and floor(n*p/q), the non-squares n + floor(sqrt(n + floor(sqrt(n)))),
        # numbers not divisible by k, floor(n**2/k) (quarter-squares), floor(sqrt(c*n + d))
        rng = self.rng
        kind = rng.choice(("beatty_sqrt", "beatty", "nonsquare", "skip", "not_divisible", "sqrt", "quarter",
                           "shifted_square", "isqrt"))
        if kind == "beatty_sqrt":
            body = f"isqrt({rng.choice((2, 3, 5, 6, 7, 8, 10, 11, 12))}*n*n)"
        elif kind == "beatty":
            p = rng.randint(2, 9)
            body = f"({p}*n) // {rng.choice([q for q in range(2, 10) if p % q])}"
        elif kind == "nonsquare":
            body = "n + isqrt(n)" if rng.random() < 0.5 else "n + isqrt(n + isqrt(n))"
        elif kind == "skip":
            body = f"n + n // {rng.randint(2, 6)}"
        elif kind == "not_divisible":
            k = rng.randint(3, 7)
            body = f"n + (n - 1) // {k - 1}"
        elif kind == "sqrt":
            body = f"isqrt({_lin(rng.randint(1, 8), rng.randint(0, 9))})"
        elif kind == "quarter":
            body = f"(n*n) // {rng.randint(2, 7)}"
        elif kind == "shifted_square":
            body = f"(n*n + {rng.randint(1, 9)}) // {rng.randint(2, 7)}"
        else:
            body = "isqrt(n)" if rng.random() < 0.5 else f"isqrt({rng.randint(2, 5)}*n)"
        return self._extended("floor", body, length)

    def _digits(self, length: int) -> Sample:
        # digit sums of n, k*n, c**n and n**2 (and binary weight), reversals, repdigits 11...1 * d, numbers in
        # base b (the binary numbers 1, 10, 11, 100, ...), numbers written twice (1313, 1414, ...)
        rng = self.rng
        kind = rng.choice(("digitsum", "digitsum_power", "weight", "reverse", "repdigit", "inbase", "twice"))
        if kind == "digitsum":
            inner = rng.choice((f"n + {rng.randint(0, 99)}", f"{rng.randint(2, 9)}*n", f"n**2 + {rng.randint(0, 9)}"))
            body = f"digitsum({inner})"
        elif kind == "digitsum_power":
            body = f"digitsum({rng.randint(2, 9)}**n)"
        elif kind == "weight":
            body = f"digitsum(inbase({_lin(1, rng.randint(0, 20))}, {rng.randint(2, 9)}))"
        elif kind == "reverse":
            body = rng.choice((f"reverse(n + {rng.randint(0, 200)})", "reverse(n**2)", f"reverse({rng.randint(2, 9)}*n)"))
        elif kind == "repdigit":
            body = f"{rng.randint(1, 9)}*(10**n - 1) // 9"
        elif kind == "inbase":
            body = f"inbase({_lin(1, rng.randint(0, 20))}, {rng.randint(2, 9)})"
        else:
            c = rng.randint(10, max(10, 99 - length))
            body = f"101*(n + {c})"
        return self._extended("digits", body, length)

    # --- the original project's expression trees -------------------------------
    def _expression(self, length: int) -> Sample:
        text, kinds = self._expr_tree(self.rng.randint(1, 3))
        if "n" not in text:
            raise _Reject
        family = _expression_family(text, kinds)
        if self._expr_filter is not None and family not in self._expr_filter:
            raise _Reject
        return self._finish(family, f"a(n) = {text}", length)

    def _expr_tree(self, depth: int) -> tuple[str, set[str]]:
        rng = self.rng
        if depth == 0 or rng.random() < 0.15:
            if rng.random() < 0.6:
                return "n", set()
            return str(self._start(rng.randint(1, 1000))), set()
        op = rng.choices(_OPS, cum_weights=_OP_CUM_WEIGHTS)[0]
        if op == "**":
            c = rng.randint(2, 10)
            return (f"n**{c}" if rng.random() < 0.5 else f"{c}**n"), {"pow"}
        left, kl = self._expr_tree(depth - 1)
        if op == "//":
            return f"({left}) // {rng.randint(2, 10)}", kl | {"div"}
        if op == "*":
            if rng.random() < 0.8:
                m = rng.choice(_FACTORS)
                return f"{m}*({left})", kl
            right, kr = self._expr_tree(depth - 1)
            return f"({left})*({right})", kl | kr | {"mul"}
        if op == "-" and rng.random() < 0.5:
            return f"{self._start(rng.randint(1, 99999))} - ({left})", kl
        right, kr = self._expr_tree(depth - 1)
        return f"({left}) {op} ({right})", kl | kr


# operator weights of the expression trees: 15 % of original sequences hold a ``//``, 6 % a ``**``
_OPS, _OP_WEIGHTS = ("+", "-", "*", "//", "**"), (0.34, 0.2, 0.22, 0.09, 0.037)
_OP_CUM_WEIGHTS = tuple(itertools.accumulate(_OP_WEIGHTS))
#: the factors of an expression tree's ``m*(x)``
_FACTORS = [m for m in range(-15, 16) if m not in (0, 1)]


def _lin(p: int, q: int, x: str = "n") -> str:
    """``p*x + q`` written plainly.

    >>> _lin(1, 0), _lin(2, -1), _lin(3, 4, "(n // 2)")
    ('n', '2*n - 1', '3*(n // 2) + 4')
    """
    body = x if p == 1 else f"{p}*{x}"
    if q == 0:
        return body
    return f"{body} + {q}" if q > 0 else f"{body} - {-q}"


def _x(shift: int) -> str:
    """``n + shift`` as a factor: ``n`` or ``(n + 1)``."""
    return f"({_lin(1, shift)})" if shift else "n"


def _expression_family(text: str, kinds: set[str]) -> str:
    if "pow" in kinds:
        return "expr_power"
    if "div" in kinds:
        return "expr_division"
    if "mul" in kinds:
        return "expr_poly"
    return "expr_linear"


# ---------------------------------------------------------------------------
# held-out sets, files


def overlaps(terms: Sequence[int], exclude: set[tuple[int, ...]], window: int = 8) -> bool:
    """True if any ``window`` consecutive terms of ``terms`` form a tuple in ``exclude``."""
    if len(terms) < window:
        return tuple(terms) in exclude
    return any(tuple(terms[i : i + window]) in exclude for i in range(len(terms) - window + 1))


def heldout_targets(terms: Sequence[int], exclude: set[tuple[int, ...]], window: int = 7) -> list[int]:
    """Indices ``i`` of the terms that follow ``window`` consecutive terms forming a tuple in ``exclude``.

    These are the targets a trainer must not learn when ``exclude`` holds the
    inputs of held-out sequences: predicting ``terms[i]`` from ``terms[:i]``
    would answer a held-out question.

    >>> heldout_targets([0, 0, 0, 1, 1, 0, 0, 0, 7], {(0, 0, 0)}, window=3)
    [3, 8]
    """
    return [i for i in range(window, len(terms)) if tuple(terms[i - window : i]) in exclude]


#: seeds of the evaluation splits; training excludes every sequence of both
SPLIT_SEEDS = {"valid": 1_000_003, "test": 2_000_003}


def heldout(split: str, count: int, config: GeneratorConfig | None = None) -> list[Sample]:
    """The fixed evaluation sequences of a split (``"valid"`` or ``"test"``).

    They are drawn from their own seed, so the same ``(split, count, config)``
    always gives the same sequences; the trainer excludes them from training.
    """
    if split not in SPLIT_SEEDS:
        raise ValueError(f"split={split!r} is unknown; choose one of {', '.join(SPLIT_SEEDS)}")
    return SequenceGenerator(config, seed=SPLIT_SEEDS[split]).samples(count)


#: digit bands of the length benchmark: every term of a sequence has lo..hi digits
LENGTH_BANDS = ((1, 10), (11, 20), (21, 40), (41, 100))
#: families of the length benchmark (those whose next term a rule determines) -> (distribution, generator families)
LENGTH_FAMILIES = {
    "arithmetic": ("families", ("arithmetic",)),
    "polynomial": ("families", ("polynomial",)),
    "geometric": ("families", ("geometric",)),
    "recurrence1": ("families", ("recurrence1",)),
    "recurrence2": ("families", ("recurrence2",)),
    "expression": ("original", ("expr_linear", "expr_poly")),
    "cycle": ("families", ("cycle",)),
}


def length_heldout(count: int = 100, signed: Sequence[bool] = (False, True),
                   bands: Sequence[tuple[int, int]] = LENGTH_BANDS) -> dict[tuple[str, tuple[int, int], bool], list[Sample]]:
    """The length benchmark: ``count`` 8-term sequences per (family, digit band, signed), all of whose terms have
    lo..hi digits; keys ``(family, (lo, hi), signed)``. Seeded per cell, so the sets never change.

    Start values and constants are drawn with up to ``hi`` digits (``GeneratorConfig.start_digits``); a
    signed cell allows negative terms.

    >>> cells = length_heldout(count=2, signed=(True,), bands=((21, 40),))
    >>> len(cells), all(21 <= len(str(abs(t))) <= 40 for v in cells.values() for s in v for t in s.terms)
    (7, True)
    """
    out = {}
    for family, (dist, fams) in LENGTH_FAMILIES.items():
        for lo, hi in bands:
            for sign in signed:
                gc = GeneratorConfig(8, 8, 10**hi, sign, dist, fams, start_digits=hi)
                gen = SequenceGenerator(gc, seed=0)
                gen.rng.seed(f"length/{family}/{lo}-{hi}/{'signed' if sign else 'unsigned'}")
                samples: list[Sample] = []
                for _ in range(count * 5000):
                    s = gen.sample()
                    if all(lo <= len(str(abs(t))) <= hi for t in s.terms):
                        samples.append(s)
                        if len(samples) == count:
                            break
                else:
                    raise RuntimeError(f"length benchmark: too few {family} sequences with {lo}-{hi} digits")
                out[(family, (lo, hi), sign)] = samples
    return out


def write_samples(samples: Iterable[Sample], path: str, fmt: str | None = None) -> int:
    """Write samples to JSONL or CSV (format from ``fmt`` or the file suffix); returns the count."""
    fmt = fmt or ("csv" if str(path).lower().endswith(".csv") else "jsonl")
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"format={fmt!r} is unknown; choose jsonl or csv")
    count = 0
    with open(path, "w", newline="") as fh:
        if fmt == "csv":
            writer = csv.writer(fh)
            writer.writerow(["family", "pattern", "formula", "terms"])
            for s in samples:
                writer.writerow([s.family, s.pattern, s.formula, " ".join(map(str, s.terms))])
                count += 1
        else:
            for s in samples:
                fh.write(json.dumps(s.to_dict()) + "\n")
                count += 1
    return count


__all__ = [
    "ALL_FAMILIES",
    "DISTRIBUTIONS",
    "EXTENDED_FAMILIES",
    "FAMILIES",
    "GeneratorConfig",
    "NEGATIVE_FAMILIES",
    "PATTERN_TYPES",
    "Sample",
    "SequenceGenerator",
    "evaluate_formula",
    "heldout",
    "heldout_targets",
    "overlaps",
    "write_samples",
]

