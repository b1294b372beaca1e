"""The exact-arithmetic module: candidate columns and differences for integers of any size and sign."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import num2vec.exact as exact
from num2vec.codec import PAD, decode_tokens
from num2vec.exact import MISSING, ColumnSpec, candidates, differences, featurize

FULL = ColumnSpec(context_numbers=8, difference_orders=2, nested_differences=2, extrapolations=6,
                  ratio_extrapolations=2, recurrence_extrapolations=2, period_extrapolations=5,
                  holonomic_fits=4, ratio_series=2, interleaved=3)


def values_of(rows: np.ndarray) -> list:
    """Candidate token rows ``(C, Lc)`` -> values (None where missing)."""
    return [None if row[0] == MISSING else decode_tokens(row) for row in rows.tolist()]


def last_candidates(seqs, spec):
    f = featurize(seqs, spec, last_only=True)
    return [values_of(f.columns[b]) for b in range(len(seqs))]


def test_difference_columns_hold_the_differences_of_the_last_numbers():
    spec = ColumnSpec(context_numbers=3, difference_orders=2)
    x = [5, 8, 14, 23, 35]
    assert candidates(x, 4, spec) == [12, 9, 6, 3, 3, 3]  # 1st differences at positions 4, 3, 2; then 2nd
    # at position 1 only the first difference at 1 exists
    assert candidates(x, 1, spec) == [3, None, None, None, None, None]
    assert candidates([9, 4, 2], 2, spec)[:2] == [-2, -5]  # negative differences


def test_extrapolation_columns_hold_the_next_term_of_each_difference_order():
    spec = ColumnSpec(extrapolations=3)
    cubes = [1, 8, 27, 64, 125]
    assert candidates(cubes, 4, spec) == [186, 210, 216]  # 125 + 61, + 24, + 6: the next cube
    assert candidates(cubes, 1, spec) == [15, None, None]
    assert candidates([9, 4, 2], 2, spec) == [0, 3, None]
    assert candidates([9, 4, 2], 1, spec) == [-1, None, None]
    assert candidates([9], 0, spec) == [None, None, None]


def test_extrapolation_columns_reach_the_sixth_difference_at_any_size():
    spec = ColumnSpec(extrapolations=6)
    quintic = [x**5 - 3 * x**2 + 7 for x in range(1, 9)]
    got = candidates(quintic[:7], 6, spec)
    assert got[4:] == [quintic[7], quintic[7]] and got[3] != quintic[7]
    # the same candidates for numbers far past int64: a quintic around 10^40
    big = [v + 10**40 for v in quintic]
    assert candidates(big[:7], 6, spec)[4:] == [big[7], big[7]]
    # 16-digit numbers keep every order
    assert candidates([10**15 + x for x in range(7)], 6, spec) == [10**15 + 7] * 6


def test_period_columns_repeat_the_difference_one_period_back():
    spec = ColumnSpec(period_extrapolations=3)
    stairs = [2 * x - x // 3 for x in range(1, 8)]  # 2 4 5 7 9 10 12, differences 2 1 2 2 1 2
    assert candidates(stairs, 6, spec) == [13, 14, 14]
    assert candidates([5, 3, 9], 2, spec) == [7, None, None]
    assert candidates([5, 3], 1, spec) == [None, None, None]


def test_ratio_columns_continue_geometric_sequences_and_affine_recurrences():
    spec = ColumnSpec(ratio_extrapolations=2)
    assert candidates([3, 6, 12, 24], 3, spec) == [48, 24 + 12 * 12 // 6]
    assert candidates([1, 4, 13, 40], 3, spec)[1] == 121  # 40 + 27^2 / 9
    assert candidates([2, 3, 5, 7], 3, spec) == [None, 9]  # 7^2 / 5 is not exact
    assert candidates([-4, 8, -16, 32], 3, spec) == [-64, -64]
    assert candidates([3, 6], 0, spec) == [None, None] and candidates([3, 6, 12], 1, spec) == [12, None]
    # no magnitude cut-off: geometric sequences past 2^64 and past 10^40
    assert candidates([2**62, 2**63, 2**64], 2, spec)[0] == 2**65
    assert candidates([3 * 10**40, 6 * 10**40, 12 * 10**40], 2, spec)[0] == 24 * 10**40


def test_recurrence_columns_continue_order_two_recurrences():
    spec = ColumnSpec(recurrence_extrapolations=2)
    assert candidates([1, 1, 2, 3, 5, 8], 5, spec) == [13, 13]
    assert candidates([0, 1, 3, 8, 20, 49], 5, spec) == [None, 119]  # only the differences follow p=2, q=1
    assert candidates([3, 6, 12, 24, 48, 96], 5, spec) == [None, None]  # y1 y3 = y2^2: no unique p, q
    assert candidates([1, 4, 9, 16, 25, 36], 5, spec) == [None, 49]
    assert candidates([1, 1, 2], 2, spec) == [None, None]
    # Fibonacci numbers past 2^64: the same recurrence, exactly
    fib = [1, 1]
    while len(fib) < 100:
        fib.append(fib[-1] + fib[-2])
    assert fib[95] > 2**64 and candidates(fib[90:96], 5, spec) == [fib[96], fib[96]]


def test_differences_table_and_nested_differences():
    assert differences([5, 8, 14], 3) == [[5, 8, 14], [None, 3, 6], [None, None, 3], [None, None, None]]
    assert differences([7], 2) == [[7], [None], [None]]
    f = featurize([[5, 8, 14, 23, 35], [9, 4, 2]], ColumnSpec(nested_differences=2))
    assert f.columns is None and f.diffs.shape[:3] == (2, 2, 5)
    first = [values_of(row[None])[0] if row[0] != PAD else None for row in f.diffs[0, 0]]
    assert first == [None, 3, 6, 9, 12]
    assert (f.diffs[1, 1, :2] == PAD).all() and decode_tokens(f.diffs[1, 1, 2]) == 3
    assert (f.diffs[:, 1, 3:] == PAD).all()  # padding numbers have no differences


def test_featurize_shapes_for_training_and_inference():
    seqs = [[1, 4, 9, 16], [7, 7], [10**30, 2 * 10**30, 3 * 10**30]]
    train = featurize(seqs, FULL)
    assert train.columns.shape[:3] == (3, 4, FULL.n_columns) and train.columns.dtype == np.uint8
    last = featurize(seqs, FULL, last_only=True)
    assert last.columns.shape[:2] == (3, FULL.n_columns)
    for b, s in enumerate(seqs):
        assert values_of(last.columns[b]) == values_of(train.columns[b, len(s) - 1])
    # an arithmetic sequence near 10^30: the first extrapolation is the next term
    assert values_of(last.columns[2])[FULL.difference_orders * FULL.context_numbers] == 4 * 10**30


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.one_of(st.integers(-(10**8) + 1, 10**8 - 1), st.integers(-3, 3),
                                   st.integers(-40_000, 40_000), st.integers(-2_000_000, 2_000_000),
                                   st.integers(-(10**40), 10**40)),
                         min_size=1, max_size=12), min_size=1, max_size=5),
       st.booleans())
def test_the_vectorised_paths_give_the_exact_columns(seqs, last_only):
    limit, batch = exact.FAST_PATH_LIMIT, exact.FAST_PATH_MIN_SEQUENCES
    try:
        exact.FAST_PATH_MIN_SEQUENCES = 1  # vectorised: below FAST_PATH_LIMIT in int64, the others in object arrays
        fast = featurize(seqs, FULL, last_only=last_only)
        exact.FAST_PATH_LIMIT = 0  # every sequence in object arrays of Python ints
        objects = featurize(seqs, FULL, last_only=last_only)
        exact.FAST_PATH_MIN_SEQUENCES = len(seqs) + 1  # every sequence on the reference path, one position at a time
        slow = featurize(seqs, FULL, last_only=last_only)
    finally:
        exact.FAST_PATH_LIMIT, exact.FAST_PATH_MIN_SEQUENCES = limit, batch
    for got in (fast, objects):
        assert np.array_equal(got.columns, slow.columns)
        assert np.array_equal(got.diffs, slow.diffs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(10**60), 10**60), min_size=2, max_size=10))
def test_candidates_agree_with_their_definitions_at_any_size(x):
    t = len(x) - 1
    table = differences(x, 6)
    got = candidates(x, t, ColumnSpec(extrapolations=6, ratio_extrapolations=1, period_extrapolations=2))
    for k in range(1, 7):
        want = sum(table[i][t] for i in range(k + 1)) if t >= k else None
        assert got[k - 1] == want
    ratio = got[6]
    if ratio is not None:
        assert ratio * x[t - 1] == x[t] * x[t]
    assert got[7] == (x[t] + table[1][t - 1] if t >= 2 else None)


def test_mixed_batch_of_small_and_huge_numbers():
    seqs = [[1, 2, 3], [-(10**50), 0, 10**50]]
    f = featurize(seqs, FULL, last_only=True)
    assert values_of(f.columns[1])[FULL.difference_orders * FULL.context_numbers] == 2 * 10**50
    assert values_of(f.columns[0])[FULL.difference_orders * FULL.context_numbers] == 4


@pytest.mark.parametrize("spec", [ColumnSpec(), ColumnSpec(context_numbers=2)])
def test_no_columns_without_switches(spec):
    f = featurize([[1, 2, 3]], spec)
    assert f.columns is None and f.diffs is None


# --- holonomic, ratio-series and every-other-term columns ---------------------------------------------

HOLO = ColumnSpec(holonomic_fits=4, ratio_series=2, interleaved=3)


def holonomic_next(x, shape):
    """The last-position candidate of one holonomic shape, through featurize (the path the model reads)."""
    index = exact.HOLONOMIC_SHAPES.index(shape)
    return last_candidates([x], HOLO)[0][index]


def catalan(n):
    from math import comb
    return comb(2 * n, n) // (n + 1)


@pytest.mark.parametrize("x, shape, want", [
    ([1, 2, 6, 24, 120, 720], (1, 1), 5040),  # factorials: a(n) = n a(n-1)
    ([1, 1, 2, 6, 24, 120], (1, 1), 720),  # from 0!: a(n) = (n-1) a(n-1)
    ([1, 3, 15, 105, 945, 10395], (1, 1), 135135),  # double factorials (2n-1)!!
    ([catalan(n) for n in range(8)], (1, 1), catalan(8)),  # (n+1) a(n) = (4n-2) a(n-1), shifted
    ([2, 6, 20, 70, 252, 924, 3432], (1, 1), 12870),  # central binomials C(2n, n)
    ([0, 1, 2, 9, 44, 265, 1854, 14833], (2, 1), 133496),  # derangements: (n-1)(a(n-1) + a(n-2))
    ([1, 2, 4, 10, 26, 76, 232, 764], (2, 1), 2620),  # involutions: a(n-1) + (n-1) a(n-2)
])
def test_holonomic_fits_find_the_next_term_of_p_recursive_sequences(x, shape, want):
    assert holonomic_next(x, shape) == want


def test_holonomic_fits_at_any_size_and_sign():
    big = [10**40]
    for n in range(2, 9):
        big.append(-n * big[-1])  # a(n) = -n a(n-1), from 10^40
    assert holonomic_next(big[:-1], (1, 1)) == big[-1]


def test_a_holonomic_fit_needs_one_equation_more_than_its_unknowns():
    # (1, 1) has 4 unknowns: 5 terms give 4 equations, 3 of them fix the fit up to scale, the 4th checks it
    assert exact.holonomic_predictions([1, 2, 6, 24], 1, 1) == [None] * 4
    assert exact.holonomic_predictions([1, 2, 6, 24, 120], 1, 1)[-1] == 720


def test_a_contradicted_fit_stays_dead():
    x = [1, 2, 6, 24, 120, 721, 5047]
    got = exact.holonomic_predictions(x, 1, 1)
    assert got[4] == 720 and got[5] is None and got[6] is None


@pytest.mark.parametrize("x, rule, want", [
    ([1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880], "P-recursive (1, 1)", 3628800),  # n!
    ([1, 1, 2, 5, 14, 42, 132, 429, 1430, 4862], "P-recursive (1, 1)", 16796),  # Catalan
    ([1, 1, 2, 4, 9, 21, 51, 127, 323, 835], "P-recursive (2, 1)", 2188),  # Motzkin
])
def test_verified_fits_keep_the_p_recursive_sequences(x, rule, want):
    assert exact.verified_holonomic_rules(x, exact.HOLONOMIC_SHAPES)[rule] == want


@pytest.mark.parametrize("x, shapes", [
    ([0, 1, 1, 1, 2, 2, 2, 3, 3, 3], [(1, 3)]),  # P_0(n) = -(n - 2)(n - 5)(n - 8): each step is a free term
    ([0, -2, 2, -2, 0, 1, 1, 0, -2], [(2, 1)]),  # 2 a(n) = (n - 5)(a(n-1) - a(n-2)) holds on terms -2..2 by chance
])
def test_verified_fits_drop_chance_fits(x, shapes):
    coef = exact.holonomic_fit(x, *shapes[0])
    assert coef is not None  # a fit exists and predicted the last term from the ones before it...
    assert exact.holonomic_evidence(x, *shapes[0], coef) < exact.HOLONOMIC_EVIDENCE_BITS  # ...on too little evidence
    assert exact.verified_holonomic_rules(x, shapes) == {}


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 4), st.integers(-3, 5), st.integers(1, 3), st.integers(1, 9))
def test_random_first_order_holonomic_sequences_are_continued(p, q, s, a1):
    # a(n) = (p n + q) a(n-1) / s, kept when every division is exact and the sequence moves
    x = [a1]
    for n in range(2, 10):
        num = (p * n + q) * x[-1]
        if num % s:
            return
        x.append(num // s)
    if len(set(x)) < 3 or 0 in x[:-1]:
        return
    assert exact.holonomic_predictions(x[:-1], 1, 1)[-1] == x[-1]


@st.composite
def p_recursive_or_not(draw):
    """Sequences many of whose prefixes fit a small holonomic shape: polynomials, geometric, n-fold products,
    periodic, sparse and random ones."""
    n = draw(st.integers(1, 14))
    kind = draw(st.sampled_from(["polynomial", "geometric", "product", "periodic", "sparse", "random"]))
    c = draw(st.lists(st.integers(-4, 4), min_size=4, max_size=4))
    if kind == "polynomial":
        x = [c[0] + c[1] * i + c[2] * i * i + c[3] * i**3 for i in range(n)]
    elif kind == "geometric":
        x = [c[0] * c[1] ** i + c[2] for i in range(n)]
    elif kind == "product":
        x = [c[0] or 1]
        for i in range(1, n):
            x.append((c[1] * i + c[2]) * x[-1] + c[3] * (x[-2] if i > 1 else 0))
    elif kind == "periodic":
        x = [c[i % draw(st.integers(1, 4))] for i in range(n)]
    elif kind == "sparse":
        x = draw(st.lists(st.sampled_from([0, 0, 0, 1, -1, 2]), min_size=n, max_size=n))
    else:
        x = draw(st.lists(st.integers(-50, 50), min_size=n, max_size=n))
    return x


def _reference_predictions(x, order, degree):
    """holonomic_predictions from its definition, over the rationals (Fractions): at position t, the null space of
    the equations of x[: t + 1], one-dimensional with at least as many equations as unknowns, gives the next term."""
    from fractions import Fraction

    U = (order + 1) * (degree + 1)
    out = [None] * len(x)
    for t in range(len(x)):
        rows = [[Fraction(x[i - lag] * (i + 1) ** j) for lag in range(order + 1) for j in range(degree + 1)]
                for i in range(order, t + 1)]
        pivots = []  # reduced row echelon form
        for c in range(U):
            p = next((r for r in range(len(pivots), len(rows)) if rows[r][c]), None)
            if p is None:
                continue
            k = len(pivots)
            rows[k], rows[p] = rows[p], rows[k]
            rows[k] = [v / rows[k][c] for v in rows[k]]
            for r in range(len(rows)):
                if r != k and rows[r][c]:
                    rows[r] = [a - rows[r][c] * b for a, b in zip(rows[r], rows[k])]
            pivots.append(c)
        if len(rows) < U or len(pivots) != U - 1:
            continue
        free = next(c for c in range(U) if c not in pivots)
        v = [Fraction(0)] * U
        v[free] = Fraction(1)
        for k, c in enumerate(pivots):
            v[c] = -rows[k][free]
        n = t + 2
        lead = [sum(v[lag * (degree + 1) + j] * n**j for j in range(degree + 1)) for lag in range(order + 1)]
        if lead[0]:
            value = -sum(lead[lag] * x[t + 1 - lag] for lag in range(1, order + 1)) / lead[0]
            out[t] = int(value) if value.denominator == 1 else None
    return out


@settings(max_examples=150, deadline=None)
@given(p_recursive_or_not(), st.sampled_from([(1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2)]))
def test_holonomic_predictions_follow_their_definition_over_the_rationals(x, shape):
    want = _reference_predictions(x, *shape)
    assert exact.holonomic_predictions(x, *shape) == want
    assert exact.holonomic_predictions(x, *shape, last_only=True)[-1] == want[-1]


@settings(max_examples=300, deadline=None)
@given(p_recursive_or_not(), st.booleans())
def test_a_shape_implied_by_a_smaller_fit_has_no_prediction(x, last_only):
    # holonomic_columns skips a shape when a smaller one is solvable; solving it anyway gives nothing either
    solved = [exact.holonomic_predictions(x, r, d, last_only) for r, d in exact.HOLONOMIC_SHAPES]
    assert exact.holonomic_columns(x, len(exact.HOLONOMIC_SHAPES), last_only) == solved


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(10**12), 10**12), min_size=1, max_size=12))
def test_extra_candidates_depend_on_the_prefix_only(x):
    full = exact.extra_candidates(x, HOLO)
    for t in range(len(x)):
        assert full[t] == exact.extra_candidates(x[: t + 1], HOLO)[t]


def test_ratio_series_columns():
    spec = ColumnSpec(ratio_series=2)
    assert last_candidates([[1, 2, 6, 24]], spec)[0] == [120, 120]  # ratios 2, 3, 4 -> 5 (2nd difference 0)
    assert last_candidates([[1, 3, 15, 105]], spec)[0] == [945, 945]  # ratios 3, 5, 7 -> 9
    assert last_candidates([[1, 1, 2, 6, 24]], spec)[0] == [120, 120]  # ratios 1, 2, 3, 4
    assert last_candidates([[2, 4, 0, 5]], spec)[0] == [None, None]  # a zero breaks the series
    # 1, 2, 8, 64 (ratios 2, 4, 8): constant 2nd difference is not there, 1st-order guess 64 * 12
    assert last_candidates([[1, 2, 8, 64]], spec)[0] == [768, 64 * 14]


def test_every_other_term_columns_follow_interleavings():
    spec = ColumnSpec(interleaved=3)
    # odd positions 1, 2, 3, ... and even positions 10, 20, 30: next is 40
    assert last_candidates([[1, 10, 2, 20, 3, 30, 4]], spec)[0][0] == 40
    assert last_candidates([[1, -4, 9, -16, 25, -36, 49]], spec)[0][1] == -64  # alternating squares
    assert last_candidates([[3, 1, 6, 1, 12, 1]], spec)[0][2] == 24  # doubling on odd positions
    assert last_candidates([[3, 1]], spec)[0] == [None, None, None]


def test_column_spec_rejects_unknown_extra_counts():
    with pytest.raises(ValueError, match="holonomic_fits=5"):
        ColumnSpec(holonomic_fits=5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(10**6), 10**6), min_size=1, max_size=9))
def test_ratio_series_equal_their_definition_with_fractions(x):
    from fractions import Fraction

    t = len(x) - 1
    want = [None, None]
    ratios = [Fraction(x[i], x[i - 1]) if i >= 1 and x[i - 1] else None for i in range(len(x))]
    for k, idx in ((1, (t - 1, t)), (2, (t - 2, t - 1, t))):
        if min(idx) >= 1 and all(ratios[i] is not None for i in idx):
            r = [ratios[i] for i in idx]
            nxt = 2 * r[1] - r[0] if k == 1 else 3 * r[2] - 3 * r[1] + r[0]
            guess = nxt * x[t]
            want[k - 1] = guess.numerator if guess.denominator == 1 else None
    assert exact._ratio_series(x, t, 2) == want


_small_or_big = st.one_of(st.integers(-50, 50), st.integers(-(10**30), 10**30))


@st.composite
def _maybe_holonomic(draw):
    """Random integers, or a sequence of a random first/second-order recurrence with polynomial coefficients."""
    if draw(st.booleans()):
        return draw(st.lists(_small_or_big, min_size=1, max_size=12))
    x = [draw(st.integers(-5, 5)), draw(st.integers(-5, 5))]
    a, b, c = draw(st.integers(-3, 3)), draw(st.integers(-3, 3)), draw(st.integers(-3, 3))
    for n in range(3, draw(st.integers(3, 12)) + 1):
        x.append((a * n + b) * x[-1] + c * (n - 1) * x[-2])
    return x


@settings(max_examples=300, deadline=None)
@given(st.lists(_maybe_holonomic(), min_size=1, max_size=6))
def test_the_modular_rank_filter_never_drops_a_fit(seqs):
    """`holonomic_possible` is False only where the exact solver finds no fit; the inference columns agree."""
    for order, degree in exact.HOLONOMIC_SHAPES:
        possible = exact.holonomic_possible(seqs, order, degree)
        for x, ok in zip(seqs, possible.tolist()):
            if not ok:
                assert exact.holonomic_predictions(x, order, degree, last_only=True)[-1] is None
    for last_only in (True, False):
        fits = exact.holonomic_filter(seqs, HOLO.holonomic_fits, last_only)
        for x, f in zip(seqs, fits.tolist()):
            unfiltered = exact.extra_candidates(x, HOLO, last_only=last_only)
            assert exact.extra_candidates(x, HOLO, last_only=last_only, fits=f) == unfiltered


def test_the_modular_rank_filter_rules_out_most_unrelated_sequences():
    rng = np.random.default_rng(0)
    seqs = rng.integers(-1000, 1000, size=(200, 9)).tolist()
    assert not exact.holonomic_possible(seqs, 1, 1).any()
    assert exact.holonomic_possible([[1, 2, 6, 24, 120, 720, 5040]], 1, 1).all()


def test_the_modular_rank_filter_of_no_sequences_or_of_short_ones():
    assert exact.holonomic_possible([], 1, 1).shape == (0,)
    assert exact.holonomic_filter([], 4, last_only=True).shape == (0, 4)
    short = [[1, 2], [1, 2, 6, 24, 120, 720, 5040], []]  # too few equations for any shape, enough for (1, 1)
    assert exact.holonomic_filter(short, 4, last_only=True)[:, 0].tolist() == [False, True, False]


def test_the_training_filter_keeps_a_fit_that_a_later_term_breaks():
    x = [1, 2, 6, 24, 120, 721, 5047]  # factorial-like up to 120: a prediction (720) at position 4 only
    fits = exact.holonomic_filter([x] * 16, 4, last_only=False)
    assert fits[0, 0] and exact.extra_candidates(x, HOLO, fits=fits[0].tolist())[4][0] == 720
    assert not exact.holonomic_filter([x] * 16, 4, last_only=True)[0, 0]  # the whole sequence has no fit
