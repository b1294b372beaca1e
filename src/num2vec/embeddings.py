"""Number embeddings as building blocks: a PyTorch layer and a scikit-learn transformer.

:class:`NumberEmbedding` is an ``nn.Module`` made like ``nn.Embedding.from_pretrained``,
except that its vocabulary is every integer the model can read: it runs the
trained digit encoder on the numbers it is given. Frozen by default; with
``freeze=False`` its encoder is fine-tuned with the rest of your network.

:class:`NumberEncoder` is a scikit-learn transformer that turns ``k`` integer
columns into ``k * d`` embedding features; it needs the optional scikit-learn
extra (``pip install num2vec[sklearn]``) and is imported on first use.

>>> import torch
>>> emb = NumberEmbedding.from_pretrained()                 # doctest: +SKIP
>>> emb(torch.tensor([[1, 2], [3, 10**15]])).shape          # doctest: +SKIP
torch.Size([2, 2, 128])
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from .api import Num2Vec
from .codec import MAX_DIGITS, _show, encode_batch, to_int
from .model import Num2VecNet

__all__ = ["NumberEmbedding"]  # NumberEncoder too, from __getattr__: left out so that `import *` needs no sklearn


class NumberEmbedding(nn.Module):
    """Integers -> number embeddings u, computed by a trained num2vec digit encoder.

    Shapes: ``x`` of any shape ``(*)`` -> ``(*, d)``, ``d`` the model's
    ``d_model`` (:attr:`embedding_dim`). ``x`` is a tensor or array (on any
    device), a nested list or one integer, holding what :meth:`Num2Vec.encode`
    takes as integers: any integer dtype (``uint64`` above 2**63 read as
    unsigned), floats with an integral value, strings of an optional sign and
    digits. Python ints may be larger than int64, up to the
    :data:`~num2vec.codec.MAX_DIGITS` guard. Each distinct value of a call is encoded once. Raises
    ``TypeError`` for bools and other types, ``ValueError`` for fractions and
    numbers the model cannot read.

    The layer shares the encoder's weights with the model it was built from (as
    ``nn.Embedding.from_pretrained`` shares its tensor): fine-tuning with
    ``freeze=False`` changes that model's number embeddings too. With
    ``freeze=True`` (the default) the encoder's parameters do not require
    gradients, the forward pass records no graph, and the encoder stays in
    eval mode when the layer is put in training mode.

    >>> import torch
    >>> from num2vec.embeddings import NumberEmbedding
    >>> emb = NumberEmbedding.from_pretrained()              # doctest: +SKIP
    >>> emb(torch.tensor([[7, 7, 42]])).shape                 # doctest: +SKIP
    torch.Size([1, 3, 128])
    >>> emb([10**19, 3]).shape                                # doctest: +SKIP
    torch.Size([2, 128])
    >>> head = torch.nn.Sequential(emb, torch.nn.Linear(emb.embedding_dim, 1))   # doctest: +SKIP
    """

    def __init__(self, model: Num2Vec | Num2VecNet, freeze: bool = True):
        super().__init__()
        net = model.net if isinstance(model, Num2Vec) else model
        if not isinstance(net, Num2VecNet):
            raise TypeError(f"NumberEmbedding needs a Num2Vec or a Num2VecNet, got {type(model).__name__}")
        self.encoder = net.encoder
        self.max_digits = MAX_DIGITS  # the resource guard: numbers of any length up to it
        self.allow_negative = net.cfg.allow_negative
        self.embedding_dim = net.cfg.d_model
        self.freeze = bool(freeze)
        self.encoder.requires_grad_(not self.freeze)
        self.train(self.training)  # a frozen encoder goes to eval mode

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, freeze: bool = True,
                        device: str = "cpu") -> NumberEmbedding:
        """The encoder of a saved model folder; no ``path``: the bundled model."""
        return cls(Num2Vec.from_pretrained(path, device=device), freeze=freeze)

    def extra_repr(self) -> str:
        return f"embedding_dim={self.embedding_dim}, max_digits={self.max_digits}, freeze={self.freeze}"

    def train(self, mode: bool = True) -> NumberEmbedding:
        super().train(mode)
        if self.freeze:
            self.encoder.eval()  # a frozen encoder is a fixed feature map: no dropout
        return self

    def forward(self, x: torch.Tensor | list | int) -> torch.Tensor:
        """Integers ``(*)`` -> embeddings ``(*, d)`` (float32, on the encoder's device)."""
        device = next(self.encoder.parameters()).device
        values, inverse, shape = self._unique(x)  # distinct values (U,), inverse (*) indexing them
        if not self.allow_negative and len(values) and values[0] < 0:  # values are sorted
            raise ValueError(f"{values[0]} is negative, but this model was trained on non-negative numbers only")
        tokens, lengths = encode_batch(values)  # (U, L), (U,); checks the digit guard
        with torch.set_grad_enabled(torch.is_grad_enabled() and not self.freeze):
            u = self.encoder(torch.from_numpy(tokens).to(device), torch.from_numpy(lengths).to(device),
                             states=False)[0]  # (U, d)
        return u[inverse.to(device)].reshape(*shape, self.embedding_dim)

    @staticmethod
    def _unique(x: torch.Tensor | np.ndarray | list | int) -> tuple[np.ndarray, torch.Tensor, tuple[int, ...]]:
        """Sorted distinct values ``(U,)`` of ``x`` (int64, or object beyond int64), inverse index ``(*)``, shape."""
        if isinstance(x, torch.Tensor):
            if x.dtype == torch.bool or x.is_complex():
                raise TypeError(f"NumberEmbedding takes integer tensors, got dtype {x.dtype}")
            if x.is_floating_point() or x.dtype == torch.uint64:  # the rule for floats; uint64 beyond int64
                return NumberEmbedding._unique(x.detach().cpu().double().numpy() if x.is_floating_point()
                                               else x.detach().cpu().numpy())
            uniq, inverse = torch.unique(x.to(torch.int64), return_inverse=True)
            return uniq.cpu().numpy(), inverse, tuple(x.shape)
        if isinstance(x, np.ndarray) and x.dtype.kind in "iu" and (x.size == 0 or x.max() <= np.iinfo(np.int64).max):
            return NumberEmbedding._unique(torch.from_numpy(x.astype(np.int64)))
        objects = np.array(x, dtype=object)  # a nested list (or array) -> its elements, shape (*)
        ints = np.empty(objects.shape, dtype=object)
        for i, v in enumerate(objects.flat):
            if isinstance(v, (list, tuple, np.ndarray)) or (isinstance(v, torch.Tensor) and v.ndim):
                raise TypeError(f"NumberEmbedding takes integers or equal-length nested lists of them, "
                                f"got {_show(v)} of type {type(v).__name__}")
            ints.flat[i] = to_int(v)  # the same integers as Num2Vec.encode: integral floats, digit strings
        try:
            return NumberEmbedding._unique(torch.from_numpy(ints.astype(np.int64)))
        except OverflowError:  # beyond int64: sort the Python ints themselves
            uniq, inverse = np.unique(ints, return_inverse=True)
            return uniq, torch.from_numpy(inverse.reshape(objects.shape)), objects.shape


# --- scikit-learn -------------------------------------------------------------------------------


def __getattr__(name: str) -> type:
    """Build :class:`NumberEncoder` on first access, so that scikit-learn stays optional."""
    if name == "NumberEncoder":
        cls = _number_encoder_class()
        globals()[name] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _number_encoder_class() -> type:
    try:
        from sklearn.base import BaseEstimator, TransformerMixin
        from sklearn.utils.validation import _check_feature_names_in, check_is_fitted
    except ImportError:
        raise ImportError("NumberEncoder needs scikit-learn: pip install 'num2vec[sklearn]'") from None
    try:
        from sklearn.utils.validation import validate_data  # scikit-learn >= 1.6
    except ImportError:  # scikit-learn 1.3 - 1.5
        def validate_data(estimator, X, **kwargs):
            return estimator._validate_data(X, **kwargs)

    class NumberEncoder(TransformerMixin, BaseEstimator):
        """scikit-learn transformer: ``(n, k)`` integer columns -> ``(n, k * d)`` number embeddings.

        Column ``c`` becomes features ``c_emb0 .. c_emb{d-1}`` (``x{c}_emb*``
        without feature names). ``fit`` learns nothing: it checks the input and
        records ``n_features_in_`` (and ``feature_names_in_`` for a DataFrame).
        The model is loaded on first use and cached on the instance, never
        returned by ``get_params`` nor pickled, so the transformer clones and
        pickles cheaply.

        Parameters: ``model_path`` a saved model folder (``None``: the bundled
        model), ``normalize`` L2-normalise each embedding, ``batch_size``
        distinct numbers encoded per forward pass.

        >>> from sklearn.compose import ColumnTransformer                     # doctest: +SKIP
        >>> from sklearn.linear_model import Ridge                            # doctest: +SKIP
        >>> from sklearn.pipeline import make_pipeline                        # doctest: +SKIP
        >>> pre = ColumnTransformer([("n", NumberEncoder(), ["count"]),
        ...                          ("x", "passthrough", ["price"])])         # doctest: +SKIP
        >>> make_pipeline(pre, Ridge()).fit(df, y)                            # doctest: +SKIP
        """

        def __init__(self, model_path: str | Path | None = None, normalize: bool = False, batch_size: int = 4096):
            self.model_path = model_path
            self.normalize = normalize
            self.batch_size = batch_size

        def __getstate__(self) -> dict:
            state = super().__getstate__()
            state.pop("_loaded", None)
            return state

        def _model(self) -> Num2Vec:
            """The model of ``model_path``, loaded once per path."""
            key = None if self.model_path is None else str(self.model_path)
            loaded = getattr(self, "_loaded", None)
            if loaded is None or loaded[0] != key:
                loaded = self._loaded = (key, Num2Vec.from_pretrained(self.model_path))
            return loaded[1]

        def _check(self, X, reset: bool) -> np.ndarray:
            X = validate_data(self, X, reset=reset, dtype=None)  # (n, k); object dtype kept for big ints
            if X.dtype.kind not in "iuf" and X.dtype != object:
                raise TypeError(f"NumberEncoder takes integer columns, got dtype {X.dtype}")
            return X

        def fit(self, X, y=None) -> NumberEncoder:
            self._check(X, reset=True)
            return self

        def transform(self, X) -> np.ndarray:
            check_is_fitted(self, "n_features_in_")
            X = self._check(X, reset=False)  # (n, k)
            n, k = X.shape
            u = self._model().encode(X.reshape(-1), batch_size=self.batch_size,
                                     normalize_embeddings=self.normalize)  # (n * k, d)
            return u.reshape(n, k * u.shape[-1])

        def get_feature_names_out(self, input_features=None) -> np.ndarray:
            check_is_fitted(self, "n_features_in_")
            names = _check_feature_names_in(self, input_features)
            d = self._model().dim
            return np.array([f"{name}_emb{j}" for name in names for j in range(d)], dtype=object)

    NumberEncoder.__module__ = __name__
    NumberEncoder.__qualname__ = "NumberEncoder"
    return NumberEncoder
