"""Calibrated confidence for next-term answers, and how to measure it.

The decoder's probability of its answer (the product of its digit
probabilities) is sure of itself far more often than it is right on sequences
unlike its training data. :class:`Calibration` maps it, with facts about the
candidate and the sequence, to the probability that a candidate is the next
term, by logistic regression (Platt scaling, Platt 1999, with extra features):

* ``logit(p)`` of the decoder's answer, clipped to [-20, 20];
* ``log(1 + support)``, where ``support`` is the number of exact rules of
  :mod:`num2vec.exact` (extrapolations, ratios, recurrences, periods, holonomic
  fits, ratio series, every-other-term rules) whose candidate equals the answer;
* whether ``support`` is zero, and ``log(terms given)``;
* whether the project's rule solver (:func:`num2vec.solver.solve`: periods,
  finite differences, linear recurrences, staircases) gives the same answer;
* whether the candidate is the decoder's first choice.

It is fitted on the top three candidates of beam search for each question, so
it scores every candidate; :meth:`num2vec.Num2Vec.predict_next` with ``top_k``
ranks the candidates by it (which also picks a better first answer than the
decoder alone on real sequences: see the model card).

It is fitted on the development half of the real-sequence catalog only
(:func:`num2vec.catalog.split`), and its reliability is reported on the held-out
half with :func:`reliability`: expected calibration error (ECE, Guo et al. 2017,
equal-width bins) and the accuracy of the answers given with p >= 0.9.

>>> cal = Calibration(weights=(1.0, 0.0, 0.0, 0.0, 0.0, 0.0), bias=0.0)   # identity on logit(p)
>>> round(float(cal.probability([np.log(0.8)], [0], [10], [False], [True])[0]), 3)
0.8
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

#: the features, in weight order
FEATURES = ("logit_p", "log1p_support", "no_support", "log_terms", "solver_agrees", "first")
_LOGIT_CLIP = 20.0


def features(log_p: Sequence[float], support: Sequence[int], n_terms: Sequence[int],
             solver_agrees: Sequence[bool], first: Sequence[bool]) -> np.ndarray:
    """The calibration features ``(N, 6)`` (see the module docstring) of N candidates.

    ``log_p``: natural log of the decoder's probability of each candidate (<= 0);
    ``support``: exact rules agreeing with it; ``n_terms``: terms given;
    ``solver_agrees``: the rule solver gives the same answer; ``first``: it is
    the decoder's most likely candidate.
    """
    lp = np.minimum(np.asarray(log_p, dtype=np.float64), 0.0)
    # logit(p) = log p - log(1 - p), computed stably near p = 1
    logit = lp - np.log(-np.expm1(np.minimum(lp, -1e-12)))
    s = np.asarray(support, dtype=np.float64)
    n = np.asarray(n_terms, dtype=np.float64)
    return np.stack([np.clip(logit, -_LOGIT_CLIP, _LOGIT_CLIP), np.log1p(s), (s == 0).astype(np.float64),
                     np.log(np.maximum(n, 1.0)), np.asarray(solver_agrees, dtype=np.float64),
                     np.asarray(first, dtype=np.float64)], axis=1)


@dataclass(frozen=True)
class Calibration:
    """``p = sigmoid(weights . features + bias)``; stored in a model's ``config.json`` under ``"calibration"``."""

    weights: tuple[float, ...]
    bias: float
    fitted_on: str = ""  # what it was fitted on, for the model card

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"calibration weights: {len(self.weights)} values, {len(FEATURES)} expected "
                             f"({', '.join(FEATURES)})")
        if not all(np.isfinite(w) for w in (*self.weights, self.bias)):
            raise ValueError("calibration weights must be finite numbers")

    def probability(self, log_p: Sequence[float], support: Sequence[int], n_terms: Sequence[int],
                    solver_agrees: Sequence[bool], first: Sequence[bool]) -> np.ndarray:
        """Calibrated probabilities ``(N,)`` that each candidate is right (arguments as for :func:`features`)."""
        z = features(log_p, support, n_terms, solver_agrees, first) @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), **asdict(self), "weights": list(self.weights)}

    @classmethod
    def from_dict(cls, d: dict) -> Calibration:
        """Read a stored calibration; ``ValueError`` when it is malformed."""
        if not isinstance(d, dict) or list(d.get("features", [])) != list(FEATURES):
            raise ValueError(f"calibration: features must be {list(FEATURES)}")
        try:
            return cls(tuple(float(w) for w in d["weights"]), float(d["bias"]), str(d.get("fitted_on", "")))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"calibration: malformed ({exc})") from None


def fit(log_p: Sequence[float], support: Sequence[int], n_terms: Sequence[int], solver_agrees: Sequence[bool],
        first: Sequence[bool], correct: Sequence[bool], fitted_on: str = "", C: float = 1.0) -> Calibration:
    """Fit a :class:`Calibration` by L2-regularised logistic regression (``C`` its inverse strength).

    Needs scikit-learn (``pip install "num2vec[sklearn]"``); applying a fitted calibration needs NumPy only.
    Raises ``ValueError`` when the outcomes are all right or all wrong.
    """
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(correct, dtype=bool)
    if y.all() or not y.any():
        raise ValueError("calibration needs right and wrong answers among the fitting data")
    lr = LogisticRegression(C=C, max_iter=1000).fit(features(log_p, support, n_terms, solver_agrees, first), y)
    return Calibration(tuple(float(w) for w in lr.coef_[0]), float(lr.intercept_[0]), fitted_on)


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
