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
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load, load_file, save

from .config import (  # noqa: F401  (re-exported: a model folder's files and their checks)
    CARD_NAME,
    CONFIG_NAME,
    MAX_CONFIG_BYTES,
    MAX_CONFIG_DEPTH,
    MAX_HEADER_BYTES,
    MODEL_SCHEMA,
    WEIGHTS_NAME,
    ModelConfig,
    _shown,
    pickle_hint,
    read_config,
    read_safetensors_header,
    validate_model_config,
)
from .config import check_weights_header as _check_header
from .model import Num2VecNet

TEMP_SUFFIX = ".tmp"  # atomic_write's temporary files: ".<target name>.<random>.tmp" next to the target


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


def _read_safetensors(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of a safetensors file; refuses anything else with a clear error."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    data = path.read_bytes()
    try:
        tensors = load(data)
    except (SafetensorError, ValueError, RuntimeError) as exc:
        raise ValueError(f"{path} is not a valid safetensors file{pickle_hint(data)}: {exc}") from None
    header_len = int.from_bytes(data[:8], "little")
    meta = json.loads(data[8 : 8 + header_len]).get("__metadata__", {}) or {}
    return tensors, meta


def _dtype_name(dtype: torch.dtype) -> str:
    return next(k for k, v in _DTYPES.items() if v == dtype)


def check_weights_header(path: str | os.PathLike, expected: dict[str, torch.Tensor]) -> None:
    """:func:`num2vec.config.check_weights_header` for the tensors ``expected`` (name -> tensor, e.g. on the
    ``meta`` device)."""
    want = {name: (_dtype_name(t.dtype), tuple(t.shape), t.numel() * t.element_size()) for name, t in expected.items()}
    _check_header(path, want)


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
