"""A model folder's description: the network's sizes and switches (:class:`ModelConfig`, saved as ``config.json``
beside the weights), the checks on ``config.json`` and on the header of ``model.safetensors``.

Kept apart from :mod:`num2vec.model` and :mod:`num2vec.serialization` so that reading a model folder with the
NumPy inference engine (:mod:`num2vec.engine`) needs no PyTorch.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from .exact import HOLONOMIC_SHAPES, INTERLEAVED_KINDS, ColumnSpec

CONFIG_VERSION = 1
ATTENTION_CHOICES = ("none", "digits", "numbers", "both")
MAX_DIFFERENCE_ORDER = 3
# extrapolation columns go further: with 7 given terms the 6th difference exists once, so a degree-6 polynomial's
# next term is x_t + ∇x_t + ... + ∇^6 x_t
MAX_EXTRAPOLATION_ORDER = 6
# periods 2..7 of the first differences (7 given terms hold 6 differences)
MAX_PERIOD_EXTRAPOLATIONS = 6


@dataclass
class ModelConfig:
    """Sizes and switches of :class:`Num2VecNet` (saved as JSON next to the weights)."""

    cell: str = "gru"  # "gru" or "lstm", for all three RNNs
    d_digit: int = 32  # digit embedding size (E)
    d_model: int = 128  # number embedding size (u_i)
    enc_hidden: int = 128
    enc_layers: int = 1
    bidirectional: bool = False  # bidirectional encoder
    nest_hidden: int = 256  # sequence embedding size (s^n)
    nest_layers: int = 1
    dec_hidden: int = 256
    dec_layers: int = 1
    context_numbers: int = 8  # K: previous numbers whose digit columns feed the decoder
    d_column: int = 16  # embedding size of one column token
    difference_orders: int = 0  # D: the decoder also reads digit columns of the last K 1st..D-th differences
    nested_differences: int = 0  # the nested RNN also reads the embeddings of the 1st..N-th differences at each step
    # E: the decoder also reads digit columns of the extrapolations x_t + ∇x_t + ... + ∇^k x_t, k = 1..E (the next
    # term if the k-th difference stays constant), so that a polynomial's next term is copied, not added up
    extrapolations: int = 0
    # R: and of the next term if the k-th difference keeps its ratio, k = 0..R-1 (x_t^2 / x_{t-1} for k = 0, a
    # geometric sequence; x_t + (∇x_t)^2 / ∇x_{t-1} for k = 1, an affine recurrence a(n) = p a(n-1) + q), where exact
    ratio_extrapolations: int = 0
    # P: and of the next term if the k-th difference follows y(n) = p y(n-1) + q y(n-2) with integers p, q fitted to
    # its last four values, k = 0..P-1 (Fibonacci-like recurrences; k = 1 adds a constant term), where exact
    recurrence_extrapolations: int = 0
    # Q: and of x_t + ∇x_{t+1-p} for periods p = 2..Q+1, the next term if the first differences repeat with period p
    # (staircases (a n + b) // d step in a repeating rhythm; cycles with a drift)
    period_extrapolations: int = 0
    # H: and of the next term by the exact P-recursive fit of each of the first H shapes (order, degree) of
    # num2vec.exact.HOLONOMIC_SHAPES (factorials, Catalan numbers, derangements, ...), where one verified fit exists
    holonomic_fits: int = 0
    # S: and of x_t times the next ratio x_{t+1}/x_t when the k-th difference of the ratio series is constant, k = 1..S
    ratio_series: int = 0
    # I: and of the first I every-other-term rules (num2vec.exact.INTERLEAVED_KINDS): interleavings, alternating signs
    interleaved: int = 0
    pattern_classes: int = 0  # > 0: an auxiliary head predicts the pattern type from the nested state
    pattern_dim: int = 64  # the head's hidden layer: the "pattern embedding" that `classify` compares
    number_properties: bool = False  # auxiliary linear heads read digit properties of |n| from u (see NUMBER_PROPERTIES)
    # the last 2 + max_digits entries of u are a fixed magnitude channel (see magnitude_features): sign, log10(|n|+1)
    # and the soft scale indicators (|n|+1) / (|n|+1 + 10^k), k = 0..max_digits-1; the encoder learns the rest
    magnitude_channel: bool = False
    attention: str = "none"  # "none", "digits", "numbers" or "both"
    dropout: float = 0.0
    max_digits: int = 20
    allow_negative: bool = False  # trained on negative numbers
    version: int = CONFIG_VERSION

    def __post_init__(self) -> None:
        if self.cell not in ("gru", "lstm"):
            raise ValueError(f"cell={self.cell!r} is unknown; choose gru or lstm")
        if self.attention not in ATTENTION_CHOICES:
            raise ValueError(
                f"attention={self.attention!r} is unknown; choose one of {', '.join(ATTENTION_CHOICES)}"
            )
        for name in ("d_digit", "d_model", "enc_hidden", "enc_layers", "nest_hidden",
                     "nest_layers", "dec_hidden", "dec_layers", "max_digits"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name}={getattr(self, name)} must be at least 1")
        if self.context_numbers < 0:
            raise ValueError(f"context_numbers={self.context_numbers} must be >= 0")
        if self.pattern_classes < 0:
            raise ValueError(f"pattern_classes={self.pattern_classes} must be >= 0")
        if self.pattern_dim < 1:
            raise ValueError(f"pattern_dim={self.pattern_dim} must be at least 1")
        if not 0 <= self.difference_orders <= MAX_DIFFERENCE_ORDER:
            raise ValueError(f"difference_orders={self.difference_orders} must be in 0..{MAX_DIFFERENCE_ORDER}")
        if not 0 <= self.nested_differences <= MAX_DIFFERENCE_ORDER:
            raise ValueError(f"nested_differences={self.nested_differences} must be in 0..{MAX_DIFFERENCE_ORDER}")
        if not 0 <= self.extrapolations <= MAX_EXTRAPOLATION_ORDER:
            raise ValueError(f"extrapolations={self.extrapolations} must be in 0..{MAX_EXTRAPOLATION_ORDER}")
        if self.magnitude_channel and self.d_model <= self.magnitude_size + 8:
            raise ValueError(f"d_model={self.d_model} is too small for the magnitude channel: it must exceed "
                             f"{self.magnitude_size + 8} (2 + max_digits magnitude entries and 8 learned ones)")
        for name in ("ratio_extrapolations", "recurrence_extrapolations"):
            if not 0 <= getattr(self, name) <= MAX_DIFFERENCE_ORDER:
                raise ValueError(f"{name}={getattr(self, name)} must be in 0..{MAX_DIFFERENCE_ORDER}")
        if not 0 <= self.period_extrapolations <= MAX_PERIOD_EXTRAPOLATIONS:
            raise ValueError(f"period_extrapolations={self.period_extrapolations} must be in "
                             f"0..{MAX_PERIOD_EXTRAPOLATIONS}")
        self.column_spec  # noqa: B018  (ColumnSpec checks holonomic_fits, ratio_series, interleaved)
        for name in ("difference_orders", "extrapolations", "ratio_extrapolations", "recurrence_extrapolations",
                     "period_extrapolations", "holonomic_fits", "ratio_series", "interleaved"):
            if getattr(self, name) and not self.context_numbers:
                raise ValueError(f"{name} > 0 needs context_numbers > 0 (its features are digit columns)")

    @property
    def column_spec(self) -> ColumnSpec:
        """Which candidate columns and differences the data pipeline computes for this model (:mod:`num2vec.exact`)."""
        return ColumnSpec(self.context_numbers, self.difference_orders, self.nested_differences, self.extrapolations,
                          self.ratio_extrapolations, self.recurrence_extrapolations, self.period_extrapolations,
                          self.holonomic_fits, self.ratio_series, self.interleaved)

    def decoder_inputs(self) -> list[tuple[str, int]]:
        """The blocks of the decoder's input at each step, in order, as ``(name, width)``: the previous digit's
        embedding, the digit columns of the last K numbers (``number@{j}``), then each candidate column
        (:meth:`num2vec.exact.ColumnSpec.column_names`); the widths add up to the decoder's input size."""
        blocks = [("digit", self.d_digit)]
        if self.context_numbers:
            blocks += [(f"number@{j}", self.d_column) for j in range(self.context_numbers)]
            blocks += [(c, self.d_column) for c in self.column_spec.column_names()]
        return blocks

    @property
    def magnitude_size(self) -> int:
        """Entries of u taken by the magnitude channel (0 without it)."""
        return 2 + self.max_digits if self.magnitude_channel else 0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ModelConfig:
        version = d.get("version", CONFIG_VERSION)
        if version > CONFIG_VERSION:
            raise ValueError(
                f"model config version {version} is newer than this num2vec understands "
                f"({CONFIG_VERSION}); upgrade num2vec"
            )
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"model config has unknown keys {unknown}")
        return cls(**d)


CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
CARD_NAME = "README.md"
MAX_HEADER_BYTES = 16 * 2**20  # a safetensors header (JSON) larger than this is refused unread
MAX_CONFIG_BYTES = 16 * 2**20  # config.json larger than this is refused unread
MAX_CONFIG_DEPTH = 32  # nesting of JSON objects and arrays in config.json
_WIDTH = (1, 4096)
# field of the "model" section -> (type, allowed values): a (low, high) range for int and float, a tuple of
# choices for str; float ranges are [low, high)
MODEL_SCHEMA: dict[str, tuple[type, tuple]] = {
    "cell": (str, ("gru", "lstm")),
    "d_digit": (int, _WIDTH),
    "d_model": (int, _WIDTH),
    "enc_hidden": (int, _WIDTH),
    "enc_layers": (int, (1, 8)),
    "bidirectional": (bool, ()),
    "nest_hidden": (int, _WIDTH),
    "nest_layers": (int, (1, 8)),
    "dec_hidden": (int, _WIDTH),
    "dec_layers": (int, (1, 8)),
    "context_numbers": (int, (0, 64)),
    "d_column": (int, _WIDTH),
    "difference_orders": (int, (0, MAX_DIFFERENCE_ORDER)),
    "nested_differences": (int, (0, MAX_DIFFERENCE_ORDER)),
    "extrapolations": (int, (0, MAX_EXTRAPOLATION_ORDER)),
    "ratio_extrapolations": (int, (0, MAX_DIFFERENCE_ORDER)),
    "recurrence_extrapolations": (int, (0, MAX_DIFFERENCE_ORDER)),
    "period_extrapolations": (int, (0, MAX_PERIOD_EXTRAPOLATIONS)),
    "holonomic_fits": (int, (0, len(HOLONOMIC_SHAPES))),
    "ratio_series": (int, (0, 2)),
    "interleaved": (int, (0, len(INTERLEAVED_KINDS))),
    "pattern_classes": (int, (0, 256)),
    "pattern_dim": (int, _WIDTH),
    "number_properties": (bool, ()),
    "magnitude_channel": (bool, ()),
    "attention": (str, ATTENTION_CHOICES),
    "dropout": (float, (0.0, 1.0)),
    "max_digits": (int, (1, 1000)),
    "allow_negative": (bool, ()),
    "version": (int, (1, 10**6)),
}

def validate_model_config(model: object, source: str | os.PathLike = CONFIG_NAME) -> None:
    """Check the ``model`` section of a config against :data:`MODEL_SCHEMA`, allocating nothing.

    Integer fields must be JSON integers (not ``48.0`` or ``"48"``), switches
    ``true``/``false``, ``dropout`` a number in [0, 1); missing fields take
    their defaults. Raises ``ValueError`` naming ``source`` and the field.
    """
    if not isinstance(model, dict):
        raise ValueError(f"{source}: field model must be an object of model settings, got {_shown(model)}")
    version = model.get("version", CONFIG_VERSION)
    if type(version) is int and version > CONFIG_VERSION:
        raise ValueError(f"{source}: model config version {version} is newer than this num2vec understands "
                         f"({CONFIG_VERSION}); upgrade num2vec")
    for key, value in model.items():
        if key not in MODEL_SCHEMA:
            raise ValueError(f"{source}: field model.{_shown(key, 42)[1:-1]} is unknown; known fields: "
                             f"{', '.join(MODEL_SCHEMA)}")
        kind, allowed = MODEL_SCHEMA[key]
        where = f"{source}: field model.{key} must be"
        if kind is bool:
            if type(value) is not bool:
                raise ValueError(f"{where} true or false, got {_shown(value)}")
        elif kind is str:
            if value not in allowed or type(value) is not str:
                raise ValueError(f"{where} one of {', '.join(map(json.dumps, allowed))}, got {_shown(value)}")
        elif kind is int:
            lo, hi = allowed
            if type(value) is not int or not lo <= value <= hi:
                raise ValueError(f"{where} an integer in {lo}..{hi}, got {_shown(value)}")
        else:
            lo, hi = allowed
            if type(value) not in (int, float) or not (math.isfinite(value) and lo <= value < hi):
                raise ValueError(f"{where} a number in [{lo:g}, {hi:g}), got {_shown(value)}")


def _shown(value: object, limit: int = 60) -> str:
    """``value`` as JSON, shortened for an error message."""
    try:
        text = json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _json_depth(value: object) -> int:
    """Nesting depth of parsed JSON (a scalar: 0), without recursion."""
    depth, level = 0, [(value, 0)]
    while level:
        node, d = level.pop()
        if isinstance(node, dict | list):
            depth = max(depth, d + 1)
            level.extend((child, d + 1) for child in (node.values() if isinstance(node, dict) else node))
    return depth


def read_config(folder: str | os.PathLike) -> dict:
    """The parsed ``config.json`` of a model folder, its ``model`` section checked by :func:`validate_model_config`.

    Raises ``FileNotFoundError`` when it is missing and ``ValueError`` naming the
    file (and the field) when it is larger than :data:`MAX_CONFIG_BYTES`, not
    JSON, nested deeper than :data:`MAX_CONFIG_DEPTH` or not a valid config.
    """
    path = Path(folder) / CONFIG_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: a num2vec model folder holds {CONFIG_NAME} and {WEIGHTS_NAME}")
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise ValueError(f"{path} holds {size} bytes; a num2vec config holds at most {MAX_CONFIG_BYTES}")
    try:
        config = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    except RecursionError:
        config = None
        depth = MAX_CONFIG_DEPTH + 1
    else:
        depth = _json_depth(config)
    if depth > MAX_CONFIG_DEPTH:
        raise ValueError(f"{path} nests JSON objects and arrays deeper than {MAX_CONFIG_DEPTH} levels")
    if not isinstance(config, dict) or "model" not in config:
        raise ValueError(f"{path} has no 'model' section: not a num2vec config")
    validate_model_config(config["model"], path)
    return config


def pickle_hint(head: bytes) -> str:
    return " (it looks like a pickle; num2vec never unpickles files)" if head[:1] == b"\x80" or head[:2] == b"PK" else ""


def read_safetensors_header(path: str | os.PathLike) -> tuple[dict, int]:
    """The JSON header of a safetensors file and the offset where its data starts, reading nothing else.

    Raises ``ValueError`` naming the file when it is not a safetensors file (a
    pickle gets a hint) or its header is larger than :data:`MAX_HEADER_BYTES`.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(8)
        n = int.from_bytes(head, "little")
        bad = f"{path} is not a valid safetensors file{pickle_hint(head)}"
        if len(head) < 8:
            raise ValueError(f"{bad}: it holds {size} bytes, fewer than the 8 of the header length")
        if n > MAX_HEADER_BYTES or 8 + n > size:
            raise ValueError(f"{bad}: it declares a {n}-byte header in a {size}-byte file")
        raw = fh.read(n)
    try:
        header = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        raise ValueError(f"{bad}: its header is not valid JSON") from None
    if not isinstance(header, dict):
        raise ValueError(f"{bad}: its header is not a JSON object")
    return header, 8 + n


def check_weights_header(path: str | os.PathLike, expected: dict[str, tuple[str, tuple[int, ...], int]]) -> None:
    """Check a safetensors file's header against ``expected``: name -> (dtype name such as ``"F32"``, shape, bytes).

    Every expected tensor must be present with its dtype and shape, no other
    tensor may be, and the data must be exactly the expected tensors laid end to
    end: a file of any other size is refused before its data is read. Raises
    ``ValueError`` naming the file and the tensor.
    """
    path = Path(path)
    header, data_start = read_safetensors_header(path)
    header.pop("__metadata__", None)
    missing = sorted(set(expected) - set(header))
    unexpected = sorted(set(header) - set(expected))
    if missing or unexpected:
        raise ValueError(f"{path} does not match the model config: missing {missing[:5]}, unexpected {unexpected[:5]}")
    spans = []
    for name, want in expected.items():
        entry = header[name]
        if not isinstance(entry, dict):
            raise ValueError(f"{path}: the header entry of tensor {name} is not a JSON object")
        dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
        want_dtype, want_shape, nbytes = want
        if dtype != want_dtype:
            raise ValueError(f"{path}: tensor {name} has dtype {dtype}, the model needs {want_dtype}")
        if not (isinstance(shape, list) and all(type(d) is int for d in shape)) or tuple(shape) != tuple(want_shape):
            raise ValueError(f"{path}: weight {name} has shape {tuple(shape) if isinstance(shape, list) else shape}, "
                             f"the config needs {tuple(want_shape)}")
        if not (isinstance(offsets, list) and len(offsets) == 2 and all(type(o) is int for o in offsets)
                and offsets[1] - offsets[0] == nbytes):
            raise ValueError(f"{path}: tensor {name} has data_offsets {offsets}, its shape and dtype need "
                             f"{nbytes} bytes")
        spans.append((offsets[0], offsets[1], name))
    end = 0
    for begin, stop, name in sorted(spans):
        if begin != end:
            raise ValueError(f"{path}: the data of tensor {name} starts at byte {begin}, not where the previous "
                             f"tensor ends ({end})")
        end = stop
    size = path.stat().st_size
    if size != data_start + end:
        raise ValueError(f"{path} holds {size} bytes, but its header and the tensors of this config take "
                         f"{data_start + end}: refused unread")
