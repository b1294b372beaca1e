"""Calibrated confidence for next-term answers, and how to measure it.

The decoder's probability of its answer (the product of its digit
probabilities) is sure of itself far more often than it is right on sequences
unlike its training data. :class:`Calibration` maps it, with facts about the
candidate and the sequence, to the probability that a candidate is the next
term, by logistic regression (Platt scaling, Platt 1999, with extra features), and the probability of the
answer ranked first by a beta calibration (Kull et al. 2017).

The candidates of a question (:func:`candidate_table`) are the decoder's
(beam search's best three) and those of exact rules the decoder did not
propose: the rule solver's answer (:func:`num2vec.solver.solve`: periods,
finite differences, linear recurrences, staircases), the holonomic fits of
:mod:`num2vec.exact`, the answers of the arithmetic and digit functions,
integer sets and characteristic functions of :mod:`num2vec.integer_functions`,
and those of the guessers' larger P-recursive fits and transforms
(:func:`num2vec.guess.guess_rules`). The features of each (:data:`FEATURES`):

* ``logit(p)`` of the decoder's probability, clipped to [-10, 10] (-10 for a
  candidate the decoder did not propose);
* ``log(1 + support)``, where ``support`` is the number of exact rules of
  :mod:`num2vec.exact` (extrapolations, ratios, recurrences, periods, holonomic
  fits, ratio series, every-other-term rules) whose candidate equals it, and
  whether ``support`` is zero;
* ``log(terms given)``;
* whether the rule solver gives the same answer;
* whether it is the decoder's first choice, and whether the decoder proposed it;
* whether a rule of :mod:`num2vec.integer_functions` gives it, and ``log(1 + rivals)``,
  ``rivals`` the number of other answers those rules give; the same for the rules of
  :mod:`num2vec.guess`, and that match divided by the terms given;
* how much the sequence says: ``log`` of the number of decimal digits of its terms
  and of its distinct terms, and the interactions of the evidence with them
  (``logit(p)``, support, solver agreement and the integer-function match divided by
  the terms given; the match times log digits). Many rules agree on a few small
  terms (0, 1, 1, 1, 1 is the start of a dozen functions), so the same evidence
  is worth less on a short sequence of small numbers.

:meth:`num2vec.Num2Vec.predict_next` with ``top_k`` or ``min_confidence`` ranks
the candidates by calibrated probability. The calibration is fitted on the
development half of the real-sequence catalog only (:func:`num2vec.catalog.split`;
``scripts/calibrate.py``), and its reliability is reported on the held-out half
with :func:`reliability`: expected calibration error (ECE, Guo et al. 2017,
equal-width bins) and the accuracy of the answers given with p >= 0.9.

>>> table = candidate_table([1, 2, 3, 4], [(5, np.log(0.8)), (6, np.log(0.1))])
>>> table["value"], table["support"], table["solver_agrees"], table["from_decoder"]
([5, 6], [8, 1], [True, False], [True, True])
>>> cal = Calibration(weights=(1.0,) + (0.0,) * 19, bias=0.0)   # identity on logit(p)
>>> np.round(cal.probability(table), 3).tolist()
[0.8, 0.1]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

#: the features, in weight order
FEATURES = ("logit_p", "log1p_support", "no_support", "log_terms", "solver_agrees", "first", "from_decoder",
            "known", "log1p_known_rivals", "logit_p/terms", "log1p_support/terms", "no_support/terms",
            "solver_agrees/terms", "known/terms", "log_digits", "log_distinct", "known*log_digits",
            "guessed", "log1p_guessed_rivals", "guessed/terms")
#: the decoder's logit(p) is clipped to +-this (p = 1 - 4.5e-5 at the top): a float32 log-probability near 0 is
#: resolved to about 1e-7 per decoded digit, so a near-certain answer's logit past this is rounding noise (two
#: inference backends whose logits agree to 1e-5 gave calibrated probabilities 0.004 apart with a clip of 20).
#: On the development half, by nested 5-fold cross-validation (``scripts/calibrate.py --cv``, fitted on the questions
#: given 10 and 5 terms), the bundled model's expected calibration error given 10 / 5 / 3 terms is 0.022 / 0.020 /
#: 0.067 with this clip and 0.025 / 0.044 / 0.089 with a clip of 20.
_LOGIT_CLIP = 10.0
#: the log-probability given to a candidate the decoder did not propose
UNPROPOSED_LOG_P = -1000.0


def candidate_table(seq: Sequence[int], decoded: Sequence[tuple[int, float]]) -> dict[str, list]:
    """The candidates of one question and the facts :func:`features` reads, as lists of equal length.

    ``decoded``: the decoder's candidates ``[(value, log-prob), ...]``, most likely
    first. Candidates of exact rules that the decoder did not propose (the rule
    solver's answer, the holonomic fits' predictions, the answers of
    :func:`num2vec.integer_functions.next_terms` -- unless the terms alone show a simple behaviour,
    :func:`num2vec.data.behaviour_type` -- and of :func:`num2vec.guess.guess_rules`) follow, with
    log-probability :data:`UNPROPOSED_LOG_P`. Keys: ``value``, ``log_p``, ``support``, ``n_terms``,
    ``solver_agrees``, ``first``, ``from_decoder``, ``known``, ``known_rivals``, ``guessed``, ``guessed_rivals``,
    ``digits`` (decimal digits of the terms, signs not counted), ``distinct`` (distinct terms).
    """
    from .codec import MAX_DIGITS, num_digits
    from .data import behaviour_type
    from .exact import HOLONOMIC_SHAPES, SUPPORT_SPEC, rule_candidates, rule_support
    from .guess import guess_rules
    from .integer_functions import next_terms
    from .solver import solve

    values = [v for v, _ in decoded]
    log_p = [float(lp) for _, lp in decoded]
    solved = solve(seq)
    rules = rule_candidates(seq)
    holonomic = rules[SUPPORT_SPEC.n_basic: SUPPORT_SPEC.n_basic + len(HOLONOMIC_SHAPES)]
    # a sequence whose terms alone show a simple behaviour (a progression, a period) is continued by it, not by a
    # set or function that happens to hold the same few terms: 1, 2, 3, 4 are the first records of tau too (-> 6)
    known = [] if behaviour_type(seq) is not None else sorted(set(next_terms(seq).values()))
    guessed = sorted(set(guess_rules(seq).values()))
    extra = [solved, *holonomic, *known, *guessed]
    too_long = 10**MAX_DIGITS  # a rule's answer of more digits than the model reads is no candidate
    for v in extra:
        if v is not None and v not in values and -too_long < v < too_long:
            values.append(v)
            log_p.append(UNPROPOSED_LOG_P)
    proposed = len(decoded)
    return {"value": values, "log_p": log_p, "support": rule_support(seq, values, rules),
            "n_terms": [len(seq)] * len(values),
            "solver_agrees": [v == solved for v in values], "first": [i == 0 for i in range(len(values))],
            "from_decoder": [i < proposed for i in range(len(values))],
            "known": [v in known for v in values],
            "known_rivals": [len(known) - (v in known) for v in values],
            "guessed": [v in guessed for v in values],
            "guessed_rivals": [len(guessed) - (v in guessed) for v in values],
            "digits": [sum(num_digits(t) for t in seq)] * len(values),
            "distinct": [len(set(seq))] * len(values)}


def features(table: dict[str, Sequence]) -> np.ndarray:
    """The calibration features ``(N, 20)`` (:data:`FEATURES`) of the N candidates of a :func:`candidate_table`
    (or of several questions' tables concatenated key by key)."""
    lp = np.minimum(np.asarray(table["log_p"], dtype=np.float64), 0.0)
    # logit(p) = log p - log(1 - p), computed stably near p = 1
    logit = np.clip(lp - np.log(-np.expm1(np.minimum(lp, -1e-12))), -_LOGIT_CLIP, _LOGIT_CLIP)
    s = np.asarray(table["support"], dtype=np.float64)
    n = np.maximum(np.asarray(table["n_terms"], dtype=np.float64), 1.0)
    flag = lambda key: np.asarray(table[key], dtype=np.float64)  # noqa: E731
    known, solver = flag("known"), flag("solver_agrees")
    log_digits = np.log(np.maximum(flag("digits"), 1.0))
    evidence = np.stack([logit, np.log1p(s), (s == 0).astype(np.float64), np.log(n), solver, flag("first"),
                         flag("from_decoder"), known, np.log1p(flag("known_rivals"))], axis=1)
    per_term = np.stack([logit, np.log1p(s), (s == 0).astype(np.float64), solver, known], axis=1) / n[:, None]
    size = np.stack([log_digits, np.log(np.maximum(flag("distinct"), 1.0)), known * log_digits], axis=1)
    guessed = flag("guessed")
    guesses = np.stack([guessed, np.log1p(flag("guessed_rivals")), guessed / n], axis=1)
    return np.concatenate([evidence, per_term, size, guesses], axis=1)


def _beta_features(z: np.ndarray, n_terms) -> np.ndarray:
    """``(N, 3)``: ``ln s``, ``-ln(1 - s)`` for ``s = sigmoid(z)`` (computed without overflow), ``log(terms given)``."""
    z = np.asarray(z, dtype=np.float64)
    log_n = np.log(np.maximum(np.asarray(n_terms, dtype=np.float64), 1.0))
    return np.stack([-np.logaddexp(0.0, -z), np.logaddexp(0.0, z), log_n], 1)


@dataclass(frozen=True)
class Calibration:
    """``p = sigmoid(a ln s + d (-ln(1 - s)) + b + c log(terms given))`` with ``s = sigmoid(z)``,
    ``z = weights . features + bias`` and ``(a, d, b, c) = top``; stored in a model's ``config.json`` under
    ``"calibration"``.

    ``z`` ranks the candidates of a question; ``top`` (identity by default) is a
    monotone recalibration fitted on the candidates that ``z`` ranks first, so that
    the probability reported with an answer is calibrated for the answer given,
    not for an average candidate. It is a beta calibration (Kull, Silva Filho and
    Flach 2017) of ``s`` with a term for the number of terms given: unlike Platt
    scaling (the case ``a = d``, since ``ln s - ln(1 - s) = z``) it can keep the
    probability of the highest scores below 1. ``a, d >= 0`` keep it monotone in
    ``z``, so it never reorders a question's candidates. A stored Platt top
    ``(a, b, c)`` reads as ``(a, a, b, c)``.
    """

    weights: tuple[float, ...]
    bias: float
    fitted_on: str = ""  # what it was fitted on, for the model card
    top: tuple[float, float, float, float] = (1.0, 1.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"calibration weights: {len(self.weights)} values, {len(FEATURES)} expected "
                             f"({', '.join(FEATURES)})")
        if len(self.top) != 4 or min(self.top[:2]) < 0 or self.top[0] + self.top[1] <= 0:
            raise ValueError(f"calibration top: four numbers (a, d, b, c) with a, d >= 0 and a + d > 0, not "
                             f"{list(self.top)}")
        if not all(np.isfinite(w) for w in (*self.weights, self.bias, *self.top)):
            raise ValueError("calibration weights must be finite numbers")

    def score(self, table: dict[str, Sequence]) -> np.ndarray:
        """The ranking score ``z (N,)`` of each candidate of ``table`` (see :func:`features`)."""
        return features(table) @ np.asarray(self.weights) + self.bias

    def probability(self, table: dict[str, Sequence]) -> np.ndarray:
        """Calibrated probabilities ``(N,)`` that each candidate of ``table`` is right (see :func:`features`)."""
        a, d, b, c = self.top
        x = _beta_features(self.score(table), table["n_terms"]) @ np.array([a, d, c]) + b
        return 1.0 / (1.0 + np.exp(-x))

    def rank(self, table: dict[str, Sequence]) -> list[tuple[int, float]]:
        """``[(value, probability), ...]`` of one question's candidates, most likely first (ties: table order)."""
        p = self.probability(table)
        order = sorted(range(len(p)), key=lambda i: -p[i])
        return [(table["value"][i], float(p[i])) for i in order]

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), **asdict(self), "weights": list(self.weights), "top": list(self.top)}

    @classmethod
    def from_dict(cls, d: dict) -> Calibration:
        """Read a stored calibration; ``ValueError`` when it is malformed.

        A calibration fitted on the first features of :data:`FEATURES` only (as
        stored before the later ones existed) reads with weight 0 for the others."""
        stored = list(d.get("features", [])) if isinstance(d, dict) else []
        if not stored or stored != list(FEATURES[:len(stored)]):
            raise ValueError(f"calibration: features must be {list(FEATURES)}")
        try:
            weights = [float(w) for w in d["weights"]]
            if len(weights) != len(stored):
                raise ValueError(f"calibration: {len(weights)} weights for {len(stored)} features")
            weights += [0.0] * (len(FEATURES) - len(stored))
            top = [float(w) for w in d.get("top", (1.0, 1.0, 0.0, 0.0))]
            if len(top) == 3:  # Platt: a z + b + c log n
                top.insert(1, top[0])
            return cls(tuple(weights), float(d["bias"]), str(d.get("fitted_on", "")), tuple(top))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"calibration: malformed ({exc})") from None


def fit(table: dict[str, Sequence], correct: Sequence[bool], fitted_on: str = "", C: float = 1.0,
        question: Sequence[int] | None = None, groups: Sequence[int] | None = None, folds: int = 5) -> Calibration:
    """Fit a :class:`Calibration` to candidates (``table``: :func:`candidate_table` s concatenated key by key) and
    whether each is right, by L2-regularised logistic regression (``C`` its inverse strength).

    With ``question`` (the question of each candidate), the ``top`` recalibration
    is fitted too, by cross-fitting (stacking): the candidates are split into
    ``folds`` by ``groups`` (for example the sequence a question was cut from;
    default: the question), the scorer is fitted on the other folds, each held-out
    question's first-ranked candidate gives ``(z, log terms, right)``, and a
    logistic regression on ``(ln s, -ln(1 - s), log terms)``, ``s = sigmoid(z)``,
    gives ``(a, d, b, c)`` (beta calibration, Kull et al. 2017; a negative ``a``
    or ``d`` is set to 0 and the rest refitted, as they recommend). The scorer kept is fitted on
    everything. Needs scikit-learn (``pip install "num2vec[sklearn]"``); applying a
    fitted calibration needs NumPy only. Raises ``ValueError`` when the outcomes are
    all right or all wrong.
    """
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(correct, dtype=bool)
    if y.all() or not y.any():
        raise ValueError("calibration needs right and wrong answers among the fitting data")
    x = features(table)
    lr = LogisticRegression(C=C, max_iter=2000).fit(x, y)
    weights, bias = tuple(float(w) for w in lr.coef_[0]), float(lr.intercept_[0])
    if question is None:
        return Calibration(weights, bias, fitted_on)
    q = np.asarray(question)
    g = np.asarray(groups) if groups is not None else q
    fold = np.unique(g, return_inverse=True)[1].reshape(-1) % folds  # (N,): fold of each candidate's group
    z = np.empty(len(y))
    for k in range(folds):
        held = fold == k
        if not held.any() or y[~held].all() or not y[~held].any():
            z[held] = x[held] @ np.asarray(weights) + bias
            continue
        part = LogisticRegression(C=C, max_iter=2000).fit(x[~held], y[~held])
        z[held] = part.decision_function(x[held])
    order = np.lexsort((-z, q))  # by question, best score first
    first = order[np.r_[True, q[order][1:] != q[order][:-1]]]  # (Q,): each question's first-ranked candidate
    if y[first].all() or not y[first].any():
        return Calibration(weights, bias, fitted_on)
    top_x = _beta_features(z[first], np.asarray(table["n_terms"])[first])  # (Q, 3): ln s, -ln(1 - s), log n
    keep = [0, 1, 2]
    while True:
        stage = LogisticRegression(C=100.0, max_iter=5000).fit(top_x[:, keep], y[first])
        coef = dict(zip(keep, (float(v) for v in stage.coef_[0])))
        negative = [j for j in keep if j < 2 and coef[j] < 0]
        if not negative:
            break
        keep.remove(min(negative, key=lambda j: coef[j]))  # drop the most negative of a, d and refit
    a, d = coef.get(0, 0.0), coef.get(1, 0.0)
    if a + d <= 0:  # the score says nothing more about first choices: their probability follows the terms given
        a = d = 1e-6  # > 0 keeps the ranking within a question
    return Calibration(weights, bias, fitted_on, (a, d, float(stage.intercept_[0]), coef.get(2, 0.0)))


def reliability(prob: Sequence[float], correct: Sequence[bool], bins: int = 10, threshold: float = 0.9) -> dict:
    """How well probabilities match outcomes.

    Returns ``ece`` (sum over ``bins`` equal-width bins of the share of answers
    in the bin times |accuracy - mean probability|), ``accuracy``,
    ``confident_share`` and ``confident_accuracy`` (answers with p >= ``threshold``;
    None when there is none) and ``bins`` (count, mean p, accuracy per non-empty bin).

    >>> r = reliability([0.95, 0.95, 0.2, 0.2], [True, True, False, False])
    >>> round(r["ece"], 3), r["confident_accuracy"]
    (0.125, 1.0)
    """
    p = np.asarray(prob, dtype=np.float64)
    y = np.asarray(correct, dtype=np.float64)
    if p.shape != y.shape or p.ndim != 1 or not len(p):
        raise ValueError("reliability needs equally long, non-empty lists of probabilities and outcomes")
    idx = np.minimum((p * bins).astype(int), bins - 1)
    ece, table = 0.0, []
    for b in range(bins):
        m = idx == b
        if m.any():
            ece += m.mean() * abs(y[m].mean() - p[m].mean())
            table.append({"bin": [b / bins, (b + 1) / bins], "count": int(m.sum()), "mean_p": float(p[m].mean()),
                          "accuracy": float(y[m].mean())})
    sure = p >= threshold
    return {"ece": float(ece), "accuracy": float(y.mean()), "threshold": threshold,
            "confident_share": float(sure.mean()),
            "confident_accuracy": float(y[sure].mean()) if sure.any() else None, "bins": table}
