"""num2vec: numerical embeddings from deep RNNs.

A digit-level encoder RNN reads each integer into a vector, a nested RNN reads
the vectors of a sequence, and a digit-level decoder RNN writes the next
integer. See README.md for the whole story.

>>> from num2vec import Num2Vec, NumberEmbedding, NumberEncoder   # doctest: +SKIP

Modules, each depending only on those before it:
``codec`` (integers <-> digit tokens) -> ``exact`` (exact arithmetic: the
candidate columns, for integers of any size) -> ``data`` (sequence generator) ->
``config`` (the model's configuration and a folder's checks) -> ``model`` (the network, PyTorch) / ``engine``
(its inference in NumPy) -> ``serialization`` (safe files) -> ``training`` ->
``api`` (:class:`Num2Vec`) -> ``embeddings`` / ``patterns`` / ``plots`` /
``evaluation`` / ``probes`` (what is built on the API) -> ``cli``.
``solver`` (rule-based reference) and ``catalog`` (real sequences) stand alone.

The public classes are imported on first use, so ``import num2vec`` (and the
command line's ``--help``) does not load PyTorch; the NumPy backend (``num2vec predict``) never does.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name -> the module that defines it
_EXPORTS = {
    "Num2Vec": "api",
    "NumberEmbedding": "embeddings",
    "NumberEncoder": "embeddings",
    "PatternMatch": "patterns",
    "Neighbour": "patterns",
    "ModelConfig": "model",
    "TrainConfig": "training",
    "GeneratorConfig": "data",
    "SequenceGenerator": "data",
    "Sample": "data",
}

# NumberEncoder is left out of __all__ so that `from num2vec import *` does not need scikit-learn
__all__ = [name for name in _EXPORTS if name != "NumberEncoder"] + ["__version__"]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
