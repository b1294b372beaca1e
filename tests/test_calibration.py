"""Calibrated confidence: the calibration module, min_confidence in the API and the CLI."""

import numpy as np
import pytest

from num2vec import calibration
from num2vec.calibration import FEATURES, UNPROPOSED_LOG_P, Calibration, candidate_table, features, fit, reliability


def test_features_are_finite_for_certain_and_hopeless_answers():
    table = {"log_p": [0.0, -1e-30, np.log(0.5), -800.0], "support": [0, 3, 1, 0], "n_terms": [5, 10, 10, 2],
             "solver_agrees": [True, False, False, True], "first": [True, False, False, False],
             "from_decoder": [True, True, True, False], "known": [False, True, False, False],
             "known_rivals": [1, 0, 1, 1], "digits": [5, 30, 30, 0], "distinct": [1, 10, 10, 0],
             "guessed": [False, False, True, False], "guessed_rivals": [1, 1, 0, 1]}
    f = features(table)
    assert f.shape == (4, len(FEATURES)) and np.isfinite(f).all()
    clip = calibration._LOGIT_CLIP
    assert f[0, 0] == clip and f[3, 0] == -clip and abs(f[2, 0]) < 1e-12  # logit clipped; logit(0.5) = 0
    assert f[:, 2].tolist() == [1.0, 0.0, 0.0, 1.0] and f[:, 4].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert f[:, 5].tolist() == [1.0, 0.0, 0.0, 0.0] and f[:, 6].tolist() == [1.0, 1.0, 1.0, 0.0]
    named = dict(zip(FEATURES, f.T))
    assert named["known"].tolist() == [0.0, 1.0, 0.0, 0.0] and np.allclose(named["known/terms"], [0, 0.1, 0, 0])
    assert np.allclose(named["logit_p/terms"], f[:, 0] / [5, 10, 10, 2])
    assert np.allclose(named["known*log_digits"], [0, np.log(30), 0, 0])
    assert named["guessed"].tolist() == [0.0, 0.0, 1.0, 0.0] and np.allclose(named["guessed/terms"], [0, 0, 0.1, 0])
    assert np.allclose(named["log1p_guessed_rivals"], np.log([2, 2, 1, 2]))


def test_candidate_table_adds_the_rules_answers_the_decoder_missed():
    # factorials: a decoder that proposes 600 and 700 misses 720, which the holonomic fit and the ratio series give
    table = candidate_table([1, 2, 6, 24, 120], [(600, np.log(0.6)), (700, np.log(0.3))])
    assert table["value"][:2] == [600, 700] and 720 in table["value"]
    i = table["value"].index(720)
    assert not table["from_decoder"][i] and table["support"][i] >= 2 and table["log_p"][i] == UNPROPOSED_LOG_P
    assert all(len(v) == len(table["value"]) for v in table.values())
    assert table["digits"][0] == 1 + 1 + 1 + 2 + 3 and table["distinct"][0] == 5


def test_candidate_table_adds_the_integer_functions_answers():
    # the primes: the decoder's guesses miss 31, the set rule gives it; Euler's totient phi(1..10), then phi(11)
    table = candidate_table([2, 3, 5, 7, 11, 13, 17, 19, 23, 29], [(37, np.log(0.5)), (29, np.log(0.2))])
    i = table["value"].index(31)
    assert table["known"][i] and not table["from_decoder"][i] and table["known_rivals"][i] == 0
    assert not table["known"][0] and table["known_rivals"][0] == 1
    table = candidate_table([1, 1, 2, 2, 4, 2, 6, 4, 6, 4], [(6, np.log(0.5))])
    assert 10 in table["value"] and table["known"][table["value"].index(10)]


def test_candidate_table_adds_the_guessers_answers():
    # the Bell numbers: their own binomial transform, shifted (num2vec.guess)
    table = candidate_table([1, 1, 2, 5, 15, 52, 203, 877, 4140, 21147], [(86176, np.log(0.5))])
    i = table["value"].index(115975)
    assert table["guessed"][i] and not table["known"][i] and table["guessed_rivals"][i] == 0
    assert not table["guessed"][0] and table["guessed_rivals"][0] == 1


def test_fit_learns_that_rule_support_makes_answers_right():
    rng = np.random.default_rng(0)
    n = 2000
    support = rng.integers(0, 4, n)
    table = {"log_p": np.log(rng.uniform(0.5, 1.0, n)), "support": support, "n_terms": np.full(n, 10),
             "solver_agrees": np.zeros(n, bool), "first": np.ones(n, bool), "from_decoder": np.ones(n, bool),
             "known": np.zeros(n, bool), "known_rivals": np.zeros(n), "digits": np.full(n, 20),
             "guessed": np.zeros(n, bool), "guessed_rivals": np.zeros(n),
             "distinct": np.full(n, 10)}
    correct = rng.uniform(size=n) < np.where(support > 0, 0.95, 0.2)
    cal = fit(table, correct, fitted_on="synthetic")
    p = cal.probability(table)
    assert p[support > 0].mean() > 0.85 and p[support == 0].mean() < 0.35
    assert reliability(p, correct)["ece"] < 0.05
    again = Calibration.from_dict(cal.to_dict())
    assert again == cal


def test_reliability_of_an_overconfident_model():
    r = reliability([0.99] * 10, [True] * 4 + [False] * 6)
    assert r["confident_share"] == 1.0 and r["confident_accuracy"] == 0.4
    assert abs(r["ece"] - 0.59) < 1e-9
    with pytest.raises(ValueError, match="equally long"):
        reliability([0.5], [True, False])


@pytest.mark.parametrize("bad, msg", [({"features": ["x"], "weights": [1], "bias": 0}, "features must be"),
                                      ({"features": list(FEATURES), "weights": [1, 2], "bias": 0}, "2 weights for"),
                                      ({"features": list(FEATURES), "bias": 0}, "malformed")])
def test_malformed_calibrations_are_refused(bad, msg):
    with pytest.raises(ValueError, match=msg):
        Calibration.from_dict(bad)


@pytest.fixture()
def calibrated(tiny_model):
    """The tiny model with a calibration that trusts an answer only when exact rules support it."""
    import copy

    model = copy.copy(tiny_model)
    model.calibration = Calibration(weights=(0.0, 6.0, -3.0) + (0.0,) * (len(FEATURES) - 3), bias=0.0)
    return model


def test_min_confidence_answers_none_below_it(calibrated):
    # 5, 6, 7 is arithmetic: every extrapolation agrees with 8, no rule with another candidate
    assert calibrated.predict_next([5, 6, 7], min_confidence=0.9) == 8
    ranked = calibrated.predict_next([5, 6, 7], top_k=3, min_confidence=0.9)
    assert [v for v, _ in ranked] == [8] and ranked[0][1] > 0.9
    assert calibrated.predict_next([5, 6, 7], min_confidence=0.0) == calibrated.predict_next([5, 6, 7])
    # a calibration that trusts nothing: every answer is below the threshold
    calibrated.calibration = Calibration(weights=(0.0,) * len(FEATURES), bias=-5.0)
    assert calibrated.predict_next([5, 6, 7], min_confidence=0.5) is None
    assert calibrated.predict_next([[5, 6, 7], [1, 2, 3]], min_confidence=0.5) == [None, None]
    assert calibrated.predict_next([5, 6, 7], top_k=2, min_confidence=0.5) == []
    assert calibrated.predict_next([5, 6, 7], min_confidence=0.005) == 8  # sigmoid(-5) = 0.0067


@pytest.mark.parametrize("bad", [1.5, -0.1, "high", True, float("nan")])
def test_min_confidence_must_be_a_probability(tiny_model, bad):
    with pytest.raises(ValueError, match="min_confidence"):
        tiny_model.predict_next([1, 2, 3], min_confidence=bad)


def test_cli_shows_the_probability_and_a_question_mark_below_min_confidence(tiny_run):
    from click.testing import CliRunner

    from num2vec.cli import main

    path = str(tiny_run.out / "model")
    res = CliRunner().invoke(main, ["predict", "--model", path, "5", "6", "7"])
    value, prob = res.stdout.split()
    assert res.exit_code == 0 and value == "8" and 0 < float(prob) <= 1
    res = CliRunner().invoke(main, ["predict", "--model", path, "--min-confidence", "1", "5", "6", "7"])
    assert res.exit_code == 0 and res.stdout.strip() in ("?", "8\t1.0000")
    res = CliRunner().invoke(main, ["predict", "--model", path, "--min-confidence", "1.5", "5", "6", "7"])
    assert res.exit_code == 2 and "--min-confidence 1.5" in res.output


def test_a_calibrated_model_ranks_candidates_by_calibrated_probability(calibrated):
    ranked = calibrated.predict_next([5, 6, 7], top_k=3)
    probs = [p for _, p in ranked]
    assert probs == sorted(probs, reverse=True) and ranked[0][0] == 8
    # the plain call is the decoder's greedy answer, unranked and without a probability
    assert calibrated.predict_next([5, 6, 7]) == 8


def _questions(seed: int, count: int = 400):
    """Synthetic questions of 3 candidates: the decoder's first choice is right more often with 10 terms than
    with 5, and then surer of itself."""
    rng = np.random.default_rng(seed)
    tables, correct, question = {}, [], []
    for q in range(count):
        n_terms = int(rng.choice([5, 10]))
        right = 0 if rng.random() < (0.8 if n_terms == 10 else 0.4) else int(rng.integers(1, 3))
        lp = [float(rng.uniform(-0.5, 0) if right == 0 else rng.uniform(-2, -0.3)), -2.5, -3.0]
        table = {"value": [1, 2, 3], "log_p": lp, "support": [int(rng.integers(0, 4)) for _ in range(3)],
                 "n_terms": [n_terms] * 3, "solver_agrees": [False] * 3, "first": [True, False, False],
                 "from_decoder": [True] * 3, "known": [False] * 3, "known_rivals": [0] * 3,
                 "guessed": [False] * 3, "guessed_rivals": [0] * 3,
                 "digits": [n_terms * 2] * 3, "distinct": [n_terms] * 3}
        for k, v in table.items():
            tables.setdefault(k, []).extend(v)
        correct += [i == right for i in range(3)]
        question += [q] * 3
    return tables, correct, question


def _first_choice_ece(cal, tables, correct) -> float:
    p = cal.probability(tables).reshape(-1, 3)
    best = p.argmax(1)
    right = np.asarray(correct).reshape(-1, 3)[np.arange(len(best)), best]
    return reliability(p[np.arange(len(best)), best].tolist(), right.tolist())["ece"]


def test_the_top_recalibration_is_fitted_on_first_choices_and_keeps_the_ranking():
    """With questions given, `fit` cross-fits a monotone recalibration of the first-ranked candidates, which
    calibrates the answers given better on fresh questions."""
    tables, correct, question = _questions(0)
    plain = fit(tables, correct)
    stacked = fit(tables, correct, question=question, groups=[q // 2 for q in question])
    assert plain.top == (1.0, 1.0, 0.0, 0.0) and min(stacked.top[:2]) >= 0 and stacked.top != plain.top
    fresh = _questions(1)[:2]
    assert _first_choice_ece(stacked, *fresh) < _first_choice_ece(plain, *fresh)
    one = {k: v[:3] for k, v in tables.items()}
    assert [v for v, _ in stacked.rank(one)] == [v for v, _ in Calibration(stacked.weights, stacked.bias).rank(one)]
    again = Calibration.from_dict(stacked.to_dict())
    assert again == stacked and np.allclose(again.probability(one), stacked.probability(one))


def test_a_calibration_of_the_first_features_reads_with_zero_weights_for_the_others():
    stored = {"features": list(FEATURES[:7]), "weights": [1, 2, 3, 4, 5, 6, 7], "bias": 0.5}
    cal = Calibration.from_dict(stored)
    assert cal.weights == (1, 2, 3, 4, 5, 6, 7) + (0.0,) * (len(FEATURES) - 7) and cal.bias == 0.5
    with pytest.raises(ValueError, match="3 weights for 7 features"):
        Calibration.from_dict({**stored, "weights": [1, 2, 3]})
    with pytest.raises(ValueError, match="features must be"):
        Calibration.from_dict({**stored, "features": list(FEATURES[1:8])})


def test_a_calibration_without_top_reads_as_the_identity():
    d = Calibration(weights=(1.0,) + (0.0,) * (len(FEATURES) - 1), bias=0.0).to_dict()
    d.pop("top")
    assert Calibration.from_dict(d).top == (1.0, 1.0, 0.0, 0.0)
    for top in ((-1.0, 1.0, 0.0, 0.0), (0.0, 0.0, 0.0, 0.0), (1.0, 0.0, 0.0)):
        with pytest.raises(ValueError, match="top"):
            Calibration(weights=(1.0,) + (0.0,) * (len(FEATURES) - 1), bias=0.0, top=top)


def test_a_stored_platt_top_reads_as_the_beta_top_with_equal_slopes():
    """Platt scaling sigmoid(a z + b + c log n) is the beta calibration with a = d: the same probabilities."""
    weights = (1.0,) + (0.0,) * (len(FEATURES) - 1)
    d = Calibration(weights=weights, bias=0.0).to_dict()
    d["top"] = [0.7, -0.2, 0.3]
    cal = Calibration.from_dict(d)
    assert cal.top == (0.7, 0.7, -0.2, 0.3)
    table = candidate_table([1, 2, 3, 4], [(5, np.log(0.8)), (6, np.log(0.1))])
    z = cal.score(table)
    platt = 1 / (1 + np.exp(-(0.7 * z - 0.2 + 0.3 * np.log(4))))
    assert np.allclose(cal.probability(table), platt)


def test_the_beta_top_keeps_high_scores_below_one():
    """With d < a the probability of ever higher scores levels off below 1 (Kull et al. 2017), which Platt
    scaling cannot do; it still rises with the score."""
    weights = (1.0,) + (0.0,) * (len(FEATURES) - 1)
    cal = Calibration(weights=weights, bias=0.0, top=(1.0, 0.0, 3.0, 0.0))  # p = sigmoid(3 + ln s)
    table = candidate_table([1, 2, 3, 4], [(5, np.log(0.999)), (6, np.log(0.5)), (7, np.log(0.01))])
    p = cal.probability(table)
    assert p[0] > p[1] > p[2] and p[0] < 1 / (1 + np.exp(-3.0)) + 1e-9
