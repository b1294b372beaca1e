"""Pattern types from the nearest labelled sequence embeddings."""

import pytest
from click.testing import CliRunner

from num2vec import catalog
from num2vec.cli import main
from num2vec.data import FAMILIES, PATTERN_TYPES, SPLIT_SEEDS, behaviour_type, evaluate_formula
from num2vec.patterns import (
    CATEGORY_PATTERNS,
    REFERENCE_LENGTH,
    REFERENCE_SEEDS,
    REFERENCE_SIZE,
    Neighbour,
    PatternMatch,
    classify,
    knn_accuracy,
    real_knn_accuracy,
    real_pattern,
    reference_embeddings,
    reference_samples,
)


def test_reference_set_is_fixed_distinct_and_mixed():
    ref = reference_samples()
    assert len(ref) == REFERENCE_SIZE and len({s.terms for s in ref}) == REFERENCE_SIZE
    assert all(len(s.terms) == REFERENCE_LENGTH for s in ref)
    assert not set(REFERENCE_SEEDS.values()) & set(SPLIT_SEEDS.values())
    third = REFERENCE_SIZE // 3
    assert {s.family for s in ref[:third]} == set(FAMILIES)  # the "families" distribution
    assert {s.family for s in ref[third:2 * third]} >= {"cycle", "expr_linear"}  # the "original" one
    assert {s.family for s in ref[2 * third:]} >= {"holonomic", "interleave", "floor", "digits"}  # the "extended" one
    reference_samples.cache_clear()
    assert reference_samples() == ref


def test_reference_set_covers_the_pattern_types_without_negatives():
    ref = reference_samples()
    patterns = {s.pattern for s in ref}
    assert patterns <= set(PATTERN_TYPES)
    assert patterns >= {"factorial", "interleaved", "digit", "floor"}
    assert patterns == set(PATTERN_TYPES)  # interleavings stand in for the (signed) alternating family
    assert all(v >= 0 for s in ref for v in s.terms)
    assert "alternating" not in {s.family for s in ref}


def test_real_pattern_from_terms_then_category():
    def label(name):
        seq = catalog.get(name)
        return real_pattern(seq.terms(REFERENCE_LENGTH), seq.category)

    assert label("fibonacci") == "recursive"
    assert label("factorials") == "factorial"
    assert catalog.get("catalan").category == "combinatorics" and label("catalan") is None
    assert label("binary_weight") == "digit"
    assert label("floor_sqrt") == "floor" and label("beatty_sqrt2") == "floor"
    assert label("interleave_n_and_squares") == "interleaved"
    assert label("primes") is None  # number theory has no single type
    # what the terms do comes first
    assert label("squares") == "polynomial" and label("n_mod_3") == "periodic" and label("digit_sum") == "linear"
    assert real_pattern([1, 2, 4, 8, 16], "number_theory") == "exponential" == behaviour_type([1, 2, 4, 8, 16])
    # a period is seen repeated on two terms at least: 1, 2, 3, 4 is no period 3 or 4
    assert [behaviour_type(t) for t in ([1, 2], [1, 2, 3, 4], [10, 20, 30, 40], [1, 2, 4, 8])] == [
        "linear", "linear", "linear", "exponential"]
    assert behaviour_type([1, 2, 1, 2]) == behaviour_type([1, 2, 3, 1, 2]) == "periodic"
    assert behaviour_type([1, 2, 3, 1]) is None
    assert set(CATEGORY_PATTERNS) <= set(catalog.CATEGORIES)
    assert set(CATEGORY_PATTERNS.values()) <= set(PATTERN_TYPES)


def test_embeddings_are_cached_per_model_and_length(tiny_model):
    emb = reference_embeddings(tiny_model)
    assert emb.shape == (REFERENCE_SIZE, tiny_model.net.cfg.nest_hidden)
    assert reference_embeddings(tiny_model) is emb
    assert reference_embeddings(tiny_model, 4).shape == emb.shape
    with pytest.raises(ValueError, match="length=1"):
        reference_embeddings(tiny_model, 1)


def test_classify_returns_majority_share_and_neighbours(tiny_model):
    match = classify(tiny_model, [3, 4, 3, 4, 3, 4], k=7)
    assert isinstance(match, PatternMatch) and len(match.neighbours) == 7
    assert all(isinstance(n, Neighbour) for n in match.neighbours)
    families = [n.family for n in match.neighbours]
    assert match.family_share == families.count(match.family) / 7 == max(families.count(f) for f in families) / 7
    patterns = [n.pattern for n in match.neighbours]
    assert match.share == patterns.count(match.pattern) / 7 == max(patterns.count(p) for p in patterns) / 7
    sims = [n.similarity for n in match.neighbours]
    assert sims == sorted(sims, reverse=True) and all(-1.0001 <= s <= 1.0001 for s in sims)
    for n in match.neighbours:
        assert list(n.terms) == evaluate_formula(n.formula, len(n.terms))
    assert tiny_model.classify([3, 4, 3, 4, 3, 4], k=7) == match


def test_a_reference_sequence_finds_itself(tiny_model):
    ref = reference_samples()[10]
    for terms in (ref.terms, ref.terms[:4]):  # a shorter query is compared with the references' prefixes
        match = classify(tiny_model, list(terms), k=3)
        top = [n for n in match.neighbours if n.similarity > 0.9999]
        assert ref.terms in [n.terms for n in top]


def test_classify_errors(tiny_model):
    with pytest.raises(ValueError, match="k=0"):
        classify(tiny_model, [1, 2, 3], k=0)
    with pytest.raises(ValueError, match="k=True"):
        classify(tiny_model, [1, 2, 3], k=True)
    with pytest.raises(TypeError, match="one sequence"):
        classify(tiny_model, [[1, 2, 3], [4, 5, 6]])
    with pytest.raises(ValueError, match="1 number"):
        classify(tiny_model, [5])


def test_knn_accuracy(tiny_model):
    acc = knn_accuracy(tiny_model, k=5, n_test=200)
    assert 1 / 6 < acc <= 1  # better than chance among the 6 pattern types of the test mixture
    assert knn_accuracy(tiny_model, k=5, n_test=200) == acc
    assert 1 / 13 < knn_accuracy(tiny_model, k=5, n_test=200, label="family") <= acc
    with pytest.raises(ValueError, match="n_test=0"):
        knn_accuracy(tiny_model, n_test=0)


def test_real_knn_accuracy(tiny_model):
    res = real_knn_accuracy(tiny_model, split="dev", k=10)
    assert set(res) == {"accuracy", "n", "per_pattern", "skipped"}
    assert 0 <= res["accuracy"] <= 1 and res["n"] > 50 and res["skipped"] >= 0
    assert set(res["per_pattern"]) <= set(PATTERN_TYPES)
    assert sum(n for _, n in res["per_pattern"].values()) == res["n"]
    assert all(0 <= hits <= n for hits, n in res["per_pattern"].values())
    assert res["accuracy"] == sum(h for h, _ in res["per_pattern"].values()) / res["n"]
    assert res["skipped"] >= 1  # signed sequences are left out
    assert real_knn_accuracy(tiny_model, split="dev", k=10) == res
    assert real_knn_accuracy(tiny_model, split="dev", k=3, terms=5)["n"] > 50
    with pytest.raises(ValueError, match="terms=9"):
        real_knn_accuracy(tiny_model, split="dev", terms=9)
    with pytest.raises(ValueError, match="split='test'"):
        real_knn_accuracy(tiny_model, split="test")


def test_cli_classify(tiny_run, tiny_model):
    res = CliRunner().invoke(main, ["classify", "--model", str(tiny_run.out / "model"), "-k", "6", "--show", "2",
                                    "3,", "4,", "3,", "4,", "3"])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    match = tiny_model.classify([3, 4, 3, 4, 3], k=6)
    assert lines[0].split("\t")[0] == match.pattern and "6" in lines[0] and "neighbours" in lines[0]
    assert ("by an exact rule" in lines[0]) == (match.source == "rule")
    assert len(lines) == 3 and lines[1].split("\t")[3] == " ".join(map(str, match.neighbours[0].terms))
    bad = CliRunner().invoke(main, ["classify", "--model", str(tiny_run.out / "model"), "5"])
    assert bad.exit_code == 2 and "at least 2" in bad.output
