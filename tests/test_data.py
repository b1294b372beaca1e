import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from num2vec.data import (
    ALL_FAMILIES,
    DISTRIBUTIONS,
    GeneratorConfig,
    SequenceGenerator,
    evaluate_formula,
    heldout,
    overlaps,
    pattern_type,
    write_samples,
)


@pytest.mark.parametrize("family", ALL_FAMILIES)
def test_every_family_reproduces_its_terms(family):
    gen = SequenceGenerator(GeneratorConfig(min_length=5, max_length=12, families=(family,)), seed=1)
    for s in gen.samples(100):
        assert s.family == family
        assert list(s.terms) == evaluate_formula(s.formula, len(s.terms))
        assert 5 <= len(s.terms) <= 12
        assert all(0 <= t < 10**7 for t in s.terms)


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32),
    dist=st.sampled_from(DISTRIBUTIONS),
    lo=st.integers(3, 8),
    extra=st.integers(0, 6),
    max_value=st.sampled_from([1000, 10**7, 10**15]),
    negative=st.booleans(),
)
def test_samples_valid_within_configured_ranges(seed, dist, lo, extra, max_value, negative):
    cfg = GeneratorConfig(lo, lo + extra, max_value, negative, dist)
    for s in SequenceGenerator(cfg, seed=seed).samples(20):
        assert lo <= len(s.terms) <= lo + extra
        assert all(abs(t) < max_value for t in s.terms)
        if not negative:
            assert min(s.terms) >= 0
        assert list(s.terms) == evaluate_formula(s.formula, len(s.terms))


def test_negative_numbers_appear_when_allowed():
    cfg = GeneratorConfig(8, 8, 10**7, True, "families")
    assert any(min(s.terms) < 0 for s in SequenceGenerator(cfg, seed=3).samples(200))


def test_seeded_and_deterministic():
    a = SequenceGenerator(seed=5).samples(50)
    b = SequenceGenerator(seed=5).samples(50)
    c = SequenceGenerator(seed=6).samples(50)
    assert a == b and a != c


def test_generator_state_round_trip():
    gen = SequenceGenerator(seed=9)
    gen.samples(10)
    state = json.loads(json.dumps(gen.get_state()))
    want = gen.samples(10)
    other = SequenceGenerator(seed=0)
    other.set_state(state)
    assert other.samples(10) == want


def test_original_distribution_shares():
    samples = SequenceGenerator(GeneratorConfig(distribution="original"), seed=0).samples(3000)
    share = {f: sum(s.family == f for s in samples) / len(samples) for f in ALL_FAMILIES}
    assert 0.1 < share["cycle"] < 0.3
    assert 0.1 < share["expr_division"] < 0.3
    assert 0.03 < share["expr_power"] < 0.15
    assert all(0 <= t < 10**7 for s in samples for t in s.terms)


def test_formula_language_examples_and_safety():
    assert evaluate_formula("a(n) = (n + 532) // 8", 3) == [66, 66, 66]
    assert evaluate_formula("a(n) = 2*a(n-1) + 3; a(1) = 5", 4) == [5, 13, 29, 61]
    assert evaluate_formula("a(n) = a(n-2); a(1) = 3; a(2) = 4", 5) == [3, 4, 3, 4, 3]
    for bad in ["a(n) = __import__('os')", "a(n) = n / 2", "x = 3", "a(n) = a(n+1)"]:
        with pytest.raises(ValueError):
            evaluate_formula(bad, 3)


def test_heldout_splits_are_fixed():
    v1, v2 = heldout("valid", 200), heldout("valid", 200)
    t = heldout("test", 200)
    assert v1 == v2 and v1 != t
    with pytest.raises(ValueError, match="split"):
        heldout("train", 5)


def test_overlap_checks_every_window():
    ex = {tuple(range(1, 9))}
    assert overlaps(list(range(0, 12)), ex)
    assert not overlaps(list(range(2, 12)), ex)


def test_config_errors_name_the_value():
    with pytest.raises(ValueError, match="distribution='nope'"):
        GeneratorConfig(distribution="nope")
    with pytest.raises(ValueError, match="length range 9..8"):
        GeneratorConfig(min_length=9, max_length=8)
    with pytest.raises(ValueError, match="families"):
        GeneratorConfig(families=("primes",))


def test_write_jsonl_and_csv(tmp_path):
    samples = SequenceGenerator(seed=0).samples(5)
    assert write_samples(samples, str(tmp_path / "d.jsonl")) == 5
    rows = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert [tuple(r["terms"]) for r in rows] == [s.terms for s in samples]
    write_samples(samples, str(tmp_path / "d.csv"))
    lines = (tmp_path / "d.csv").read_text().splitlines()
    assert lines[0] == "family,pattern,formula,terms" and len(lines) == 6


@pytest.mark.parametrize("family, formula, pattern", [
    ("cycle", "a(n) = a(n-3); a(1) = 4; a(2) = 9; a(3) = 1", "periodic"),
    ("expr_linear", "a(n) = (n) + (202)", "linear"),
    ("expr_linear", "a(n) = ((n) - (n)) + (194)", "linear"),  # a constant
    ("expr_division", "a(n) = ((n) + (901)) - ((126) // 4)", "linear"),  # the division is of constants
    ("expr_poly", "a(n) = 79585 - ((79)*(n))", "linear"),
    ("expr_poly", "a(n) = 19048 - ((n)*(n))", "polynomial"),
    ("expr_power", "a(n) = (n**5) + ((987) + (n))", "polynomial"),
    ("geometric", "a(n) = 6 * 2**(n - 1)", "exponential"),
    ("recurrence1", "a(n) = 3*a(n-1) + 4; a(1) = 2", "exponential"),
    ("recurrence2", "a(n) = 3*a(n-1) + -2*a(n-2); a(1) = 68; a(2) = 95", "exponential"),
    ("recurrence2", "a(n) = 2*a(n-1) + -1*a(n-2); a(1) = 18; a(2) = 35", "linear"),
    ("recurrence2", "a(n) = 1*a(n-1) + 1*a(n-2); a(1) = 43; a(2) = 4", "recursive"),
    ("expr_power", "a(n) = (2**n) + (n)", "exponential"),
    ("division", "a(n) = (n + 532) // 8", "division"),
    ("expr_power", "a(n) = ((n**2) // 9) + (n)", "division"),
])
def test_pattern_type_names_what_the_sequence_does(family, formula, pattern):
    assert pattern_type(family, formula) == pattern


def test_every_generated_sample_has_a_known_pattern_type():
    from num2vec.data import PATTERN_TYPES

    gen = SequenceGenerator(GeneratorConfig(distribution="mixed"), seed=4)
    seen = {s.pattern for s in gen.samples(3000)}
    assert seen == set(PATTERN_TYPES)
