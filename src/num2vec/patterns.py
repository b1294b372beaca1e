"""What kind of pattern is this? The nearest labelled sequence embeddings vote.

The blog post's idea: similar sequences lie close together in the nested RNN's
state space, so the labels of a sequence's nearest neighbours approximate its
pattern type. The neighbours come from a fixed reference set of labelled
sequences, generated at first use by :class:`num2vec.data.SequenceGenerator`
with their own seeds (distinct from the evaluation splits'):
:data:`REFERENCE_SIZE` sequences of :data:`REFERENCE_LENGTH` terms, a third
each from the ``"families"``, ``"original"`` and ``"extended"`` distributions,
so that every pattern type of :data:`num2vec.data.PATTERN_TYPES` has
references. All their terms are non-negative (the generator's default): the
``alternating`` family is left out, and ``interleaved`` comes from the
interleavings. Their embeddings are computed once per model instance and cached.

Real sequences are labelled by :func:`real_pattern` (what their terms do, else
their catalog category), and :func:`real_knn_accuracy` scores the vote on a
half of the catalog (:mod:`num2vec.catalog`).

>>> from num2vec import Num2Vec
>>> model = Num2Vec.from_pretrained()                  # doctest: +SKIP
>>> match = classify(model, [1, 4, 9, 16, 25])           # doctest: +SKIP
>>> match.pattern, match.share                           # doctest: +SKIP
('polynomial', 0.8)
>>> match.neighbours[0].formula                          # doctest: +SKIP
'a(n) = n**2 + 3'
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import catalog
from .api import Num2Vec
from .data import PATTERN_TYPES, GeneratorConfig, Sample, SequenceGenerator, behaviour_type, heldout

#: sequences in the reference set, and terms per sequence
REFERENCE_SIZE = 3000
REFERENCE_LENGTH = 8
#: seeds of the reference set's three parts, a third of :data:`REFERENCE_SIZE` each, in this order
REFERENCE_SEEDS = {"families": 3_000_017, "original": 3_000_019, "extended": 3_000_023}

#: the pattern type of a catalog category (:data:`num2vec.catalog.CATEGORIES`) whose sequences share one;
#: the other categories (number theory, combinatorics, characteristic functions, residue sets, sums and
#: differences, self-referential sequences) mix several types
CATEGORY_PATTERNS = {
    "hypergeometric": "factorial",
    "linear_recurrence": "recursive",
    "digits": "digit",
    "floor_beatty": "floor",
    "signed_interleaved": "interleaved",
    "figurate": "polynomial",
    "polynomial": "polynomial",
    "powers": "exponential",
}


class Neighbour(NamedTuple):
    """One labelled reference sequence and its cosine similarity to the query."""

    terms: tuple[int, ...]
    family: str
    pattern: str
    formula: str
    similarity: float


@dataclass(frozen=True)
class PatternMatch:
    """``pattern``: the pattern type (:data:`num2vec.data.PATTERN_TYPES`): the one an exact rule
    finds in the terms (``source="rule"``, see :func:`rule_pattern`), else the majority type of the
    ``k`` nearest reference sequences (``source="neighbours"``); ``vote``: that majority type and
    ``share`` the fraction of the neighbours with it; ``family``: their majority generator family,
    ``family_share`` its fraction; ``neighbours``: nearest first."""

    pattern: str
    share: float
    family: str
    family_share: float
    neighbours: list[Neighbour]
    source: str = "neighbours"
    vote: str = ""


@functools.cache
def reference_samples() -> tuple[Sample, ...]:
    """The labelled reference sequences, all distinct (the same on every call and every machine).

    A sequence that two formulas produce (``1 2 3 ...`` is common) is kept once,
    with the label it was drawn with first.
    """
    seen: set[tuple[int, ...]] = set()
    out: list[Sample] = []
    for dist, seed in REFERENCE_SEEDS.items():
        gen = SequenceGenerator(GeneratorConfig(REFERENCE_LENGTH, REFERENCE_LENGTH, distribution=dist), seed=seed)
        stop = len(out) + REFERENCE_SIZE // len(REFERENCE_SEEDS)
        while len(out) < stop:
            s = gen.sample()
            if s.terms not in seen:
                seen.add(s.terms)
                out.append(s)
    return tuple(out)


_cache: weakref.WeakKeyDictionary[Num2Vec, dict[tuple[int, str], np.ndarray]] = weakref.WeakKeyDictionary()
_cache_lock = threading.Lock()


def embedding_kind(model: Num2Vec) -> str:
    """The sequence embedding ``classify`` compares: ``"pattern"`` for models with a pattern head, else ``"state"``."""
    return "pattern" if model.cfg.pattern_classes else "state"


def reference_embeddings(model: Num2Vec, length: int = REFERENCE_LENGTH, kind: str | None = None) -> np.ndarray:
    """L2-normalised embeddings ``(REFERENCE_SIZE, d)`` of the reference sequences' first ``length`` terms.

    A query of ``n`` terms is compared with the references' first ``min(n, REFERENCE_LENGTH)``
    terms: the nested RNN's state depends on how many numbers it has read. ``kind``: see
    :meth:`Num2Vec.encode_sequences` (default: :func:`embedding_kind`). Cached per model, length and kind.
    """
    if not 2 <= length <= REFERENCE_LENGTH:
        raise ValueError(f"length={length!r} must be from 2 to {REFERENCE_LENGTH}")
    kind = kind or embedding_kind(model)
    with _cache_lock:
        cache = _cache.setdefault(model, {})
        if (length, kind) not in cache:
            seqs = [list(s.terms[:length]) for s in reference_samples()]
            cache[(length, kind)] = _normalize(model.encode_sequences(seqs, kind=kind))
    return cache[(length, kind)]


def _normalize(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=-1, keepdims=True) + 1e-12)


def _check_k(k: int) -> int:
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= REFERENCE_SIZE:
        raise ValueError(f"k={k!r} must be an integer from 1 to {REFERENCE_SIZE}")
    return k


def _nearest(sims: np.ndarray, k: int) -> np.ndarray:
    """Indices ``(B, k)`` of the ``k`` largest similarities of each row of ``sims (B, R)``, largest first."""
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]  # (B, k), unordered
    order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)


def _vote(families: list[str]) -> tuple[str, float]:
    """Majority label and its share; a tie goes to the label of the nearer neighbour."""
    family, count = Counter(families).most_common(1)[0]  # Counter keeps first-seen order among equals
    return family, count / len(families)


def rule_pattern(terms: Sequence[int]) -> str | None:
    """The pattern type an exact rule finds in ``terms``, or ``None``.

    What the terms do (:func:`num2vec.data.behaviour_type`: periodic, linear,
    polynomial, exponential), then the rule solver: a linear recurrence with
    constant coefficients is ``recursive``, a staircase ``division``; then a
    verified holonomic fit (:func:`num2vec.exact.holonomic_predictions`) makes
    it ``factorial``. These are the rules the generator's labels follow.

    >>> rule_pattern([1, 1, 2, 3, 5, 8, 13, 21]), rule_pattern([1, 2, 6, 24, 120, 720])
    ('recursive', 'factorial')
    >>> rule_pattern([3, 1, 4, 1, 5, 9, 2, 6]) is None
    True
    """
    from .exact import HOLONOMIC_SHAPES, holonomic_predictions
    from .solver import explain

    terms = list(terms)
    found = behaviour_type(terms)
    if found:
        return found
    solved = explain(terms)
    if solved is not None and solved[1] in ("recurrence", "staircase"):
        return "recursive" if solved[1] == "recurrence" else "division"
    if any(holonomic_predictions(terms, order, degree, last_only=True)[-1] is not None
           for order, degree in HOLONOMIC_SHAPES):
        return "factorial"
    return None


def classify(model: Num2Vec, seq, k: int = 10) -> PatternMatch:
    """The pattern type of one sequence (at least 2 integers): the type an exact rule finds in it
    (:func:`rule_pattern`), else the majority of its ``k`` nearest reference sequences. The
    neighbours are returned either way."""
    k = _check_k(k)
    batch, single = model.check_sequences(seq)  # validates seq
    if not single:
        raise TypeError("classify takes one sequence of integers, not a list of sequences")
    terms = batch[0]
    query = _normalize(model.encode_sequences(terms, kind=embedding_kind(model)))  # (d,)
    sims = reference_embeddings(model, min(len(terms), REFERENCE_LENGTH)) @ query  # (R,)
    idx = _nearest(sims[None], k)[0]  # (k,)
    ref = reference_samples()
    neighbours = [Neighbour(ref[i].terms, ref[i].family, ref[i].pattern, ref[i].formula, float(sims[i])) for i in idx]
    pattern, share = _vote([n.pattern for n in neighbours])
    family, family_share = _vote([n.family for n in neighbours])
    ruled = rule_pattern(terms)
    return PatternMatch(ruled or pattern, share, family, family_share, neighbours,
                        source="neighbours" if ruled is None else "rule", vote=pattern)


def knn_accuracy(model: Num2Vec, k: int = 10, n_test: int = 1000, label: str = "pattern",
                 kind: str | None = None) -> float:
    """Share of the first ``n_test`` held-out ``"test"`` sequences whose label the ``k``-NN vote gets right.

    ``label``: ``"pattern"`` (the coarse pattern type) or ``"family"`` (the generator).
    ``kind``: which sequence embedding (see :meth:`Num2Vec.encode_sequences`; default: what ``classify`` uses).

    A reference sequence identical to a test sequence is left out of its neighbours, so
    the figure measures generalisation, not look-up.
    """
    k = _check_k(k)
    if label not in ("pattern", "family"):
        raise ValueError(f"label={label!r} is unknown; choose pattern or family")
    if isinstance(n_test, bool) or not isinstance(n_test, int) or n_test < 1:
        raise ValueError(f"n_test={n_test!r} must be a positive integer")
    test = heldout("test", n_test, GeneratorConfig(REFERENCE_LENGTH, REFERENCE_LENGTH))
    ref = reference_samples()
    kind = kind or embedding_kind(model)
    queries = _normalize(model.encode_sequences([list(s.terms) for s in test], kind=kind))
    sims = queries @ reference_embeddings(model, kind=kind).T  # (T, R)
    position = {s.terms: j for j, s in enumerate(ref)}  # the references are distinct
    for i, s in enumerate(test):
        if s.terms in position:
            sims[i, position[s.terms]] = -np.inf
    hits = [_vote([getattr(ref[j], label) for j in row])[0] == getattr(s, label)
            for row, s in zip(_nearest(sims, k), test)]
    return float(np.mean(hits))


def real_pattern(terms: Sequence[int], category: str) -> str | None:
    """The pattern type of a real sequence's ``terms``, or ``None`` where it has no single one.

    What the terms do comes first (:func:`num2vec.data.behaviour_type`: periodic,
    linear, polynomial, exponential); else the catalog ``category`` names it
    (:data:`CATEGORY_PATTERNS`: hypergeometric -> factorial, linear recurrences ->
    recursive, digits -> digit, Beatty/floor -> floor, signed/interleaved ->
    interleaved, figurate and polynomial -> polynomial, powers -> exponential);
    every other category gives ``None``.

    >>> from num2vec.catalog import get
    >>> [real_pattern(get(name).terms(REFERENCE_LENGTH), get(name).category)
    ...  for name in ("fibonacci", "factorials", "squares")]
    ['recursive', 'factorial', 'polynomial']
    >>> real_pattern([2, 3, 5, 7, 11, 13, 17, 19], "number_theory") is None
    True

    A floor sequence whose first differences repeat (a rational staircase such
    as n + n // 3) is ``division``, like the generator's staircases; the others
    (Beatty sequences of irrationals, square roots) are ``floor``.

    >>> real_pattern([1, 2, 4, 5, 6, 8, 9, 10], "floor_beatty"), real_pattern([1, 2, 4, 5, 7, 8, 9, 11], "floor_beatty")
    ('division', 'floor')
    """
    found = behaviour_type(terms) or CATEGORY_PATTERNS.get(category)
    if found == "floor" and _periodic_differences(terms):
        return "division"
    return found


def _periodic_differences(terms: Sequence[int]) -> bool:
    """True if the first differences repeat with a period of at most half their count."""
    d = [b - a for a, b in zip(terms, terms[1:])]
    return any(all(d[i] == d[i - p] for i in range(p, len(d))) for p in range(1, len(d) // 2 + 1))


def real_knn_accuracy(model: Num2Vec, split: str = "heldout", k: int = 10, terms: int = REFERENCE_LENGTH) -> dict:
    """How often the ``k``-NN vote names the :func:`real_pattern` of a half of the catalog's sequences.

    Every sequence of ``catalog.split(split)`` whose first ``terms`` terms (2 to
    :data:`REFERENCE_LENGTH`) have a :func:`real_pattern` is a query, compared with
    the references' first ``terms`` terms, as :func:`classify` does. Those with a
    negative term, or a term the model cannot read (see
    :meth:`Num2Vec.check_sequences`), are skipped: the references are non-negative.

    Returns ``{"accuracy": float, "n": int, "per_pattern": {pattern: (hits, n)}, "skipped": int}``;
    ``per_pattern`` lists the patterns in :data:`num2vec.data.PATTERN_TYPES` order.
    """
    k = _check_k(k)
    if isinstance(terms, bool) or not isinstance(terms, int) or not 2 <= terms <= REFERENCE_LENGTH:
        raise ValueError(f"terms={terms!r} must be an integer from 2 to {REFERENCE_LENGTH}")
    queries: list[list[int]] = []
    labels: list[str] = []
    skipped = 0
    for seq in catalog.split(split):
        t = seq.terms(terms)
        label = real_pattern(t, seq.category)
        if label is None:
            continue
        try:
            if min(t) < 0:
                raise ValueError("negative term")
            model.check_sequences(t)
        except ValueError:
            skipped += 1
            continue
        queries.append(t)
        labels.append(label)
    if not queries:
        return {"accuracy": 0.0, "n": 0, "per_pattern": {}, "skipped": skipped}
    kind = embedding_kind(model)
    emb = _normalize(model.encode_sequences(queries, kind=kind))  # (Q, d)
    sims = emb @ reference_embeddings(model, terms, kind=kind).T  # (Q, R)
    ref = reference_samples()
    votes = [_vote([ref[j].pattern for j in row])[0] for row in _nearest(sims, k)]
    counts = {p: [0, 0] for p in PATTERN_TYPES if p in labels}
    for vote, label in zip(votes, labels):
        counts[label][0] += vote == label
        counts[label][1] += 1
    hits = sum(h for h, _ in counts.values())
    return {"accuracy": hits / len(labels), "n": len(labels),
            "per_pattern": {p: (h, n) for p, (h, n) in counts.items()}, "skipped": skipped}
