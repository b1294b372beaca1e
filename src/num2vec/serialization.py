"""Safe storage: model folders (config.json + model.safetensors + README.md) and checkpoints.

Nothing here unpickles anything: weights are safetensors, everything else JSON.
Every file is written to a temporary name in the same folder, flushed, synced
and renamed over the target, so a crash at any moment leaves either the old or
the new file, never a torn one (:func:`remove_stale_temp_files` clears the
temporary files a killed writer leaves behind).

Loading a model folder checks everything it can before it allocates anything:
``config.json`` against :data:`MODEL_SCHEMA` (types, ranges, known keys), then
the safetensors header of ``model.safetensors`` (names, dtypes, shapes, offsets
and the file size) against the tensors a model of that config has (built on the
``meta`` device, which allocates no memory); only then are the weights read,
and they must be finite.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load, load_file, save

from .exact import HOLONOMIC_SHAPES, INTERLEAVED_KINDS
from .model import (
    ATTENTION_CHOICES,
    CONFIG_VERSION,
    MAX_DIFFERENCE_ORDER,
    MAX_EXTRAPOLATION_ORDER,
    MAX_PERIOD_EXTRAPOLATIONS,
    ModelConfig,
    Num2VecNet,
)

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
CARD_NAME = "README.md"
TEMP_SUFFIX = ".tmp"  # atomic_write's temporary files: ".<target name>.<random>.tmp" next to the target

MAX_CONFIG_BYTES = 16 * 2**20  # config.json larger than this is refused unread
MAX_CONFIG_DEPTH = 32  # nesting of JSON objects and arrays in config.json
MAX_HEADER_BYTES = 16 * 2**20  # a safetensors header (JSON) larger than this is refused unread

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

# safetensors dtype names -> torch dtypes (those a num2vec file may hold)
_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
           "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
           "BOOL": torch.bool}


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + fsync + rename)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    try:
        os.chmod(tmp, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def remove_stale_temp_files(folder: str | os.PathLike, names: tuple[str, ...]) -> list[Path]:
    """Delete the temporary files that :func:`atomic_write` left in ``folder`` for ``names`` when it was killed.

    Only call this while no other process writes those files (a run holds its
    lock). Returns the paths removed.
    """
    folder = Path(folder)
    removed = []
    for name in names:
        for tmp in folder.glob(f".{name}.*{TEMP_SUFFIX}"):
            if tmp.is_file():
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
    return removed


def _pickle_hint(head: bytes) -> str:
    return " (it looks like a pickle; num2vec never unpickles files)" if head[:1] == b"\x80" or head[:2] == b"PK" else ""


def _read_safetensors(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of a safetensors file; refuses anything else with a clear error."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    data = path.read_bytes()
    try:
        tensors = load(data)
    except (SafetensorError, ValueError, RuntimeError) as exc:
        raise ValueError(f"{path} is not a valid safetensors file{_pickle_hint(data)}: {exc}") from None
    header_len = int.from_bytes(data[:8], "little")
    meta = json.loads(data[8 : 8 + header_len]).get("__metadata__", {}) or {}
    return tensors, meta


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
        bad = f"{path} is not a valid safetensors file{_pickle_hint(head)}"
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


def _dtype_name(dtype: torch.dtype) -> str:
    return next(k for k, v in _DTYPES.items() if v == dtype)


def check_weights_header(path: str | os.PathLike, expected: dict[str, torch.Tensor]) -> None:
    """Check a safetensors file's header against ``expected`` (name -> tensor, e.g. on the ``meta`` device).

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
        want_dtype = _dtype_name(want.dtype)
        if dtype != want_dtype:
            raise ValueError(f"{path}: tensor {name} has dtype {dtype}, the model needs {want_dtype} ({want.dtype})")
        if not (isinstance(shape, list) and all(type(d) is int for d in shape)) or tuple(shape) != tuple(want.shape):
            raise ValueError(f"{path}: weight {name} has shape {tuple(shape) if isinstance(shape, list) else shape}, "
                             f"the config needs {tuple(want.shape)}")
        nbytes = want.numel() * want.element_size()
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


def save_model(net: Num2VecNet, folder: str | os.PathLike, card: str | None = None, extra: dict | None = None) -> Path:
    """Write ``config.json``, ``model.safetensors`` and a model card into ``folder`` (created if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    config = {"model": net.cfg.to_dict(), **(extra or {})}
    state = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    atomic_write(folder / WEIGHTS_NAME, save(state))
    atomic_write(folder / CONFIG_NAME, (json.dumps(config, indent=2) + "\n").encode())
    if card is not None:
        atomic_write(folder / CARD_NAME, card.encode())
    return folder


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


def load_model(folder: str | os.PathLike, device: str | torch.device = "cpu") -> tuple[Num2VecNet, dict]:
    """Load a model folder written by :func:`save_model`; returns ``(net, config dict)``.

    The config and the weights' header are checked before anything is
    allocated, and every weight must be finite (see the module docstring).
    Raises ``FileNotFoundError`` or ``ValueError`` naming the file (and the
    field or tensor); nothing is ever loaded partially.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder: a num2vec model folder holds {CONFIG_NAME} and {WEIGHTS_NAME}")
    config = read_config(folder)
    try:
        cfg = ModelConfig.from_dict(config["model"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{folder / CONFIG_NAME}: {exc}") from None
    weights = folder / WEIGHTS_NAME
    with torch.device("meta"):
        expected = Num2VecNet(cfg).state_dict()
    check_weights_header(weights, expected)
    try:
        tensors = load_file(weights)
    except (SafetensorError, ValueError, RuntimeError) as exc:
        raise ValueError(f"{weights} is not a valid safetensors file: {exc}") from None
    for name, tensor in tensors.items():
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise ValueError(f"{weights}: tensor {name} holds NaN or infinite values")
    net = Num2VecNet(cfg)
    load_state(net, tensors, weights)
    return net.to(device).eval(), config


def load_state(net: torch.nn.Module, tensors: dict[str, torch.Tensor], source: Path) -> None:
    """Load weights strictly: every key present, no extra key, every shape equal."""
    expected = net.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    if missing or unexpected:
        raise ValueError(f"{source} does not match the model config: missing {missing[:5]}, unexpected {unexpected[:5]}")
    for k, v in expected.items():
        if tuple(tensors[k].shape) != tuple(v.shape):
            raise ValueError(
                f"{source}: weight {k} has shape {tuple(tensors[k].shape)}, the config needs {tuple(v.shape)}"
            )
    net.load_state_dict(tensors, strict=True)


def save_checkpoint(path: str | os.PathLike, tensors: dict[str, torch.Tensor], meta: dict) -> None:
    """One safetensors file: all tensors, plus ``meta`` as JSON in its header."""
    data = save({k: v.detach().cpu().contiguous() for k, v in tensors.items()}, metadata={"num2vec": json.dumps(meta)})
    atomic_write(path, data)


def load_checkpoint(path: str | os.PathLike) -> tuple[dict[str, torch.Tensor], dict]:
    tensors, meta = _read_safetensors(Path(path))
    if "num2vec" not in meta:
        raise ValueError(f"{path} is a safetensors file but not a num2vec checkpoint")
    return tensors, json.loads(meta["num2vec"])
