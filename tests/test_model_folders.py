"""Loading a model folder refuses bad files with one clear line, before it allocates anything.

``FOLDER_CASES`` is also a table in docs/errors.md (see tests/test_bad_inputs.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import save

import num2vec.config
from num2vec import Num2Vec, serialization
from num2vec.model import ModelConfig, Num2VecNet
from num2vec.serialization import CONFIG_NAME, WEIGHTS_NAME, load_model, save_model
from num2vec.training import make_config

SRC = Path(__file__).resolve().parent.parent / "src"
W = "encoder.embed.weight"  # a weight every model has (checked in test_the_table_names_real_weights)


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# (what, the change to the folder, exception, message fragment). Changes: ("model", {field: JSON text}) edits the
# config's model section; ("config", text) replaces config.json; ("weights", kind) rewrites model.safetensors.
FOLDER_CASES = [
    ("an integer field as a string", ("model", {"d_model": '"48"'}), ValueError,
     'field model.d_model must be an integer in 1..4096, got "48"'),
    ("an integer field as a float", ("model", {"d_model": "48.0"}), ValueError,
     "field model.d_model must be an integer in 1..4096, got 48.0"),
    ("a huge size", ("model", {"d_model": "1e30"}), ValueError,
     "field model.d_model must be an integer in 1..4096, got 1e+30"),
    ("too many layers", ("model", {"enc_layers": "9"}), ValueError, "field model.enc_layers must be an integer in 1..8"),
    ("too many context numbers", ("model", {"context_numbers": "65"}), ValueError,
     "field model.context_numbers must be an integer in 0..64, got 65"),
    ("too many digits", ("model", {"max_digits": "1001"}), ValueError,
     "field model.max_digits must be an integer in 1..1000, got 1001"),
    ("a negative size", ("model", {"d_digit": "-3"}), ValueError, "field model.d_digit must be an integer in 1..4096"),
    ("a switch as a string", ("model", {"allow_negative": '"no"'}), ValueError,
     'field model.allow_negative must be true or false, got "no"'),
    ("a switch as a number", ("model", {"bidirectional": "1"}), ValueError,
     "field model.bidirectional must be true or false, got 1"),
    ("a size as a switch", ("model", {"d_model": "true"}), ValueError,
     "field model.d_model must be an integer in 1..4096, got true"),
    ("dropout of 1", ("model", {"dropout": "1.0"}), ValueError, "field model.dropout must be a number in [0, 1), got 1.0"),
    ("dropout as a string", ("model", {"dropout": '"0.1"'}), ValueError, "field model.dropout must be a number in [0, 1)"),
    ("an unknown cell", ("model", {"cell": '"rnn"'}), ValueError,
     'field model.cell must be one of "gru", "lstm", got "rnn"'),
    ("an unknown field", ("model", {"d_modle": "48"}), ValueError, "field model.d_modle is unknown; known fields: cell"),
    ("a null model section", ("config", '{"model": null}'), ValueError,
     "field model must be an object of model settings, got null"),
    ("a list as the config", ("config", "[1, 2]"), ValueError, "has no 'model' section"),
    ("deep nesting", ("config", '{"model": {}, "training": ' + _deep(40) + "}"), ValueError,
     "nests JSON objects and arrays deeper than 32 levels"),
    ("very deep nesting", ("config", '{"model": {}, "training": ' + _deep(100_000) + "}"), ValueError,
     "nests JSON objects and arrays deeper than 32 levels"),
    ("a float64 weight", ("weights", "f64"), ValueError, f"tensor {W} has dtype F64, the model needs F32"),
    ("a float16 weight", ("weights", "f16"), ValueError, f"tensor {W} has dtype F16, the model needs F32"),
    ("an int32 weight", ("weights", "i32"), ValueError, f"tensor {W} has dtype I32, the model needs F32"),
    ("a bool weight", ("weights", "bool"), ValueError, f"tensor {W} has dtype BOOL, the model needs F32"),
    ("a NaN weight", ("weights", "nan"), ValueError, f"tensor {W} holds NaN or infinite values"),
    ("an infinite weight", ("weights", "inf"), ValueError, f"tensor {W} holds NaN or infinite values"),
    ("a weight of the wrong shape", ("weights", "shape"), ValueError, f"weight {W} has shape"),
    ("a missing weight", ("weights", "missing"), ValueError, f"does not match the model config: missing ['{W}']"),
    ("bytes after the weights", ("weights", "padded"), ValueError, "bytes, but its header and the tensors of this config"),
    ("a header larger than the file", ("weights", "header"), ValueError, "-byte header in a"),
]


WEIGHT_CHANGES = {
    "f64": f"{W} stored as float64", "f16": f"{W} stored as float16", "i32": f"{W} stored as int32",
    "bool": f"{W} stored as bool", "nan": f"a NaN in {W}", "inf": f"an inf in {W}",
    "shape": f"{W} one row short", "missing": f"{W} left out", "padded": "1 MiB of zeros appended",
    "header": "a header length of 10^6 in a 100-byte file",
}


def _shown_change(change) -> str:
    kind, value = change
    if kind == "model":
        return "config.json: " + ", ".join(f'"{k}": {v}' for k, v in value.items())
    if kind == "config":
        return "config.json: " + (value if len(value) < 50 else value[:47] + "...")
    return f"model.safetensors: {WEIGHT_CHANGES[value]}"


FOLDERS_INTRO = """Model folders (`Num2Vec.from_pretrained(DIR)`, `--model DIR`; each row a test in
`tests/test_model_folders.py`): everything is checked before anything is allocated. `config.json`: integer fields
must be JSON integers (not `48.0` or `"48"`), switches `true`/`false`, sizes 1..4096, layers 1..8,
`context_numbers` 0..64, `max_digits` 1..1000, `dropout` a number in [0, 1), no unknown field, at most 32 levels
of nesting, at most 16 MiB. `model.safetensors`: every tensor's name, dtype (F32) and shape in the header must be
those of a model of that config, the file exactly as large as they need, and every weight finite. Errors name the
file and the field or tensor (CLI: one line, exit status 2).
"""


def rows() -> list[str]:
    """The model-folder table of docs/errors.md."""
    out = [*FOLDERS_INTRO.strip().splitlines(), "",
           "| model folder | change | raises | message contains |", "| --- | --- | --- | --- |"]
    for what, change, exc, msg in FOLDER_CASES:
        out.append(f"| {what} | `{_shown_change(change)}` | `{exc.__name__}` | {msg} |")
    return out


@pytest.fixture(scope="module")
def folder_factory(tmp_path_factory):
    """A function returning a fresh copy of a valid (untrained) tiny model folder."""
    cfg = make_config("tiny").model
    torch.manual_seed(0)
    base = save_model(Num2VecNet(cfg), tmp_path_factory.mktemp("base") / "model")
    counter = iter(range(10**6))

    def make() -> Path:
        folder = tmp_path_factory.mktemp(f"m{next(counter)}")
        for name in (CONFIG_NAME, WEIGHTS_NAME):
            (folder / name).write_bytes((base / name).read_bytes())
        return folder

    return make


def _weights(folder: Path) -> dict[str, torch.Tensor]:
    net, _ = load_model(folder)
    return {k: v.clone() for k, v in net.state_dict().items()}


def apply_change(folder: Path, change) -> None:
    kind, value = change
    cfg_path, w_path = folder / CONFIG_NAME, folder / WEIGHTS_NAME
    if kind == "model":
        text = cfg_path.read_text()
        for key, new in value.items():
            old = f'"{key}": '
            if old in text:
                start = text.index(old) + len(old)
                end = min(text.index(",", start), text.index("\n", start))
                text = text[:start] + new + text[end:]
            else:
                text = text.replace('"model": {', f'"model": {{\n    "{key}": {new},', 1)
        cfg_path.write_text(text)
        return
    if kind == "config":
        cfg_path.write_text(value)
        return
    state = _weights(folder)
    if value in ("f64", "f16", "i32", "bool"):
        state[W] = state[W].to({"f64": torch.float64, "f16": torch.float16, "i32": torch.int32,
                                "bool": torch.bool}[value])
    elif value in ("nan", "inf"):
        state[W][0, 0] = float(value)
    elif value == "shape":
        state[W] = state[W][:-1]
    elif value == "missing":
        del state[W]
    if value in ("padded", "header"):
        data = w_path.read_bytes()
        if value == "padded":
            w_path.write_bytes(data + b"\0" * 2**20)
        else:
            w_path.write_bytes((10**6).to_bytes(8, "little") + data[8:100])
        return
    w_path.write_bytes(save(state))


def test_a_valid_folder_loads(folder_factory):
    folder = folder_factory()
    net, config = load_model(folder)
    assert net.cfg == make_config("tiny").model
    assert not any(p.requires_grad and p.device.type == "meta" for p in net.parameters())


def test_the_table_names_real_weights(folder_factory):
    net, _ = load_model(folder_factory())
    assert W in net.state_dict() and net.state_dict()[W].dim() == 2


@pytest.mark.parametrize("backend", ["numpy", "torch"])
@pytest.mark.parametrize("what, change, exc, msg", FOLDER_CASES, ids=[c[0] for c in FOLDER_CASES])
def test_bad_model_folder(folder_factory, what, change, exc, msg, backend):
    """Both backends run the same checks and refuse a broken folder with the same one-line error."""
    folder = folder_factory()
    apply_change(folder, change)
    with pytest.raises(exc) as err:
        Num2Vec.from_pretrained(folder, backend=backend)
    text = str(err.value)
    assert msg in text, text
    assert "\n" not in text
    file = WEIGHTS_NAME if change[0] == "weights" else CONFIG_NAME
    assert str(folder / file) in text, text  # names the file


CHECKED_UNREAD = [c for c in FOLDER_CASES if c[1] not in (("weights", "nan"), ("weights", "inf"))]


@pytest.mark.parametrize("what, change, exc, msg", CHECKED_UNREAD, ids=[c[0] for c in CHECKED_UNREAD])
def test_refused_before_anything_is_allocated(folder_factory, monkeypatch, what, change, exc, msg):
    """Config and header errors come before a real model is built or the weights' data is read."""
    folder = folder_factory()
    apply_change(folder, change)
    real = serialization.Num2VecNet

    def meta_only(cfg):
        if torch.empty(0).device.type != "meta":
            raise AssertionError("a model was allocated before the checks")
        return real(cfg)

    def no_read(*a, **k):
        raise AssertionError("the weights' data was read before the checks")

    monkeypatch.setattr(serialization, "Num2VecNet", meta_only)
    monkeypatch.setattr(serialization, "load_file", no_read)
    with pytest.raises(exc, match="config|tensor|weight|bytes|header"):
        load_model(folder)


def test_integral_float_and_missing_fields(folder_factory):
    """Fields a config leaves out take their defaults (configs of older versions); ints stay strict."""
    folder = folder_factory()
    cfg = json.loads((folder / CONFIG_NAME).read_text())
    del cfg["model"]["period_extrapolations"]
    (folder / CONFIG_NAME).write_text(json.dumps(cfg))
    net, _ = load_model(folder)
    assert net.cfg.period_extrapolations == ModelConfig().period_extrapolations
    cfg["model"]["dropout"] = 0  # a JSON integer is a number
    (folder / CONFIG_NAME).write_text(json.dumps(cfg))
    assert load_model(folder)[0].cfg.dropout == 0


def test_a_newer_config_version_is_reported_before_its_unknown_fields(folder_factory):
    folder = folder_factory()
    cfg = json.loads((folder / CONFIG_NAME).read_text())
    cfg["model"].update(version=9, future_switch=True)
    (folder / CONFIG_NAME).write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match="version 9 is newer than this num2vec understands"):
        load_model(folder)


def test_an_oversized_config_is_refused_unread(folder_factory, monkeypatch):
    folder = folder_factory()
    monkeypatch.setattr(num2vec.config, "MAX_CONFIG_BYTES", 100)
    with pytest.raises(ValueError, match=r"config.json holds \d+ bytes; a num2vec config holds at most 100"):
        load_model(folder)


def test_the_bundled_model_passes_the_checks():
    from num2vec.api import bundled_model_path

    folder = bundled_model_path()
    serialization.validate_model_config(json.loads((folder / CONFIG_NAME).read_text())["model"])
    assert Num2Vec.from_pretrained().dim > 0


def test_cli_reports_a_bad_model_folder_in_one_line(folder_factory):
    folder = folder_factory()
    apply_change(folder, ("model", {"allow_negative": '"no"'}))
    res = subprocess.run([sys.executable, "-m", "num2vec", "predict", "--model", str(folder), "1", "2", "3"],
                         capture_output=True, text=True, timeout=120,
                         env=os.environ | {"PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1"})
    assert res.returncode == 2, res.stderr
    assert res.stderr.strip().splitlines() == [
        f'Error: {folder / CONFIG_NAME}: field model.allow_negative must be true or false, got "no"']
    assert "Traceback" not in res.stderr
