"""Safe storage: model folders (config.json + model.safetensors + README.md) and checkpoints.

Nothing here unpickles anything: weights are safetensors, everything else JSON.
Every file is written to a temporary name in the same folder, flushed, synced
and renamed over the target, so a crash at any moment leaves either the old or
the new file, never a torn one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load, save

from .model import ModelConfig, Num2VecNet

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
CARD_NAME = "README.md"


def atomic_write(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file + fsync + rename)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
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


def _read_safetensors(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, str]]:
    """Tensors and metadata of a safetensors file; refuses anything else with a clear error."""
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    data = path.read_bytes()
    try:
        tensors = load(data)
    except (SafetensorError, ValueError, RuntimeError) as exc:
        hint = " (it looks like a pickle; num2vec never unpickles files)" if data[:1] == b"\x80" or data[:2] == b"PK" else ""
        raise ValueError(f"{path} is not a valid safetensors file{hint}: {exc}") from None
    header_len = int.from_bytes(data[:8], "little")
    meta = json.loads(data[8 : 8 + header_len]).get("__metadata__", {}) or {}
    return tensors, meta


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
    path = Path(folder) / CONFIG_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: a num2vec model folder holds {CONFIG_NAME} and {WEIGHTS_NAME}")
    try:
        config = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(config, dict) or "model" not in config:
        raise ValueError(f"{path} has no 'model' section: not a num2vec config")
    return config


def load_model(folder: str | os.PathLike, device: str | torch.device = "cpu") -> tuple[Num2VecNet, dict]:
    """Load a model folder written by :func:`save_model`; returns ``(net, config dict)``."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder: a num2vec model folder holds {CONFIG_NAME} and {WEIGHTS_NAME}")
    config = read_config(folder)
    try:
        cfg = ModelConfig.from_dict(config["model"])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{folder / CONFIG_NAME}: {exc}") from None
    tensors, _ = _read_safetensors(folder / WEIGHTS_NAME)
    net = Num2VecNet(cfg)
    load_state(net, tensors, folder / WEIGHTS_NAME)
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
