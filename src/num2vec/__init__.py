"""num2vec: numerical embeddings from deep RNNs.

A digit-level encoder RNN reads each integer into a vector, a nested RNN reads
the vectors of a sequence, and a digit-level decoder RNN writes the next
integer. See README.md for the whole story.

Modules, each depending only on those before it:
``codec`` (integers <-> digit tokens) -> ``data`` (sequence generator) ->
``model`` (the network) -> ``serialization`` (safe files) -> ``training`` ->
``api`` (:class:`Num2Vec`) -> ``embeddings`` / ``patterns`` / ``plots`` /
``evaluation`` / ``probes`` (what is built on the API) -> ``cli``.
``solver`` (rule-based reference) and ``catalog`` (real sequences) stand alone.
"""

from .api import Num2Vec

__version__ = "0.1.0"
__all__ = ["Num2Vec", "__version__"]
