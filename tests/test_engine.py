"""The NumPy inference engine (num2vec.engine) gives the PyTorch network's answers, without importing PyTorch."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import torch

from num2vec import Num2Vec, engine
from num2vec.api import bundled_model_path
from num2vec.data import GeneratorConfig, SequenceGenerator
from num2vec.model import ModelConfig, Num2VecNet
from num2vec.model import predict_numbers as torch_predict
from num2vec.serialization import save_model


@pytest.fixture(scope="module")
def bundled():
    """The bundled model in both backends."""
    return (Num2Vec.from_pretrained(backend="torch", precision="fp32", threads=1),
            Num2Vec.from_pretrained(backend="numpy", threads=1))


def _sequences(n: int, seed: int, signed: bool, distribution: str = "all", max_value: int = 10**7) -> list[list[int]]:
    gen = SequenceGenerator(GeneratorConfig(6, 12, max_value, signed, distribution), seed=seed)
    return [list(s.terms[:-1]) for s in gen.samples(n)]


def test_greedy_answers_match_pytorch_on_thousands_of_sequences(bundled):
    torch_model, numpy_model = bundled
    seqs = _sequences(1500, 11, signed=True) + _sequences(500, 12, signed=False, distribution="original")
    seqs += [[3 ** 40 * k + 7 for k in range(6)], [2 ** 70, 2 ** 71, 2 ** 72], [10 ** 50 + k for k in range(4)]]
    a = torch_predict(torch_model.net, seqs)
    b = engine.predict_numbers(numpy_model.engine, seqs)
    assert [r[0][0] for r in a] == [r[0][0] for r in b]
    assert max(abs(x[0][1] - y[0][1]) for x, y in zip(a, b)) < 1e-3


def test_beam_candidates_and_calibrated_probabilities_match_pytorch(bundled):
    torch_model, numpy_model = bundled
    seqs = _sequences(200, 13, signed=True)
    a = torch_model.predict_next(seqs, top_k=3)
    b = numpy_model.predict_next(seqs, top_k=3)
    assert [[v for v, _ in r] for r in a] == [[v for v, _ in r] for r in b]
    # logits agree to float32 rounding, and the calibration clips the logit of a near-certain answer, where a
    # log-probability near 0 is rounding noise (num2vec.calibration._LOGIT_CLIP)
    assert max(abs(p - q) for x, y in zip(a, b) for (_, p), (_, q) in zip(x, y)) < 1e-3


def test_worker_threads_give_the_serial_results(bundled):
    _, numpy_model = bundled
    net = numpy_model.engine
    seqs = _sequences(700, 15, signed=True)
    serial = engine.predict_numbers(net, seqs, batch_size=128, beam_size=2, top_k=2)
    assert engine.predict_numbers(net, seqs, batch_size=128, beam_size=2, top_k=2, workers=3) == serial
    from num2vec.codec import encode_batch

    tokens, lengths = encode_batch(list(range(-3000, 3000, 7)) + [10 ** 30 + 1])
    np.testing.assert_array_equal(net.encode_numbers(tokens, lengths, workers=2), net.encode_numbers(tokens, lengths))


def test_embeddings_match_pytorch(bundled):
    torch_model, numpy_model = bundled
    numbers = [0, 1, -1, 7, 10, 99, 12345, -98765, 2 ** 63, 10 ** 40 + 1, -(10 ** 75)]
    np.testing.assert_allclose(numpy_model.encode(numbers), torch_model.encode(numbers), atol=1e-5)
    seqs = [[1, 2, 3], [1, 1, 2, 3, 5, 8], [-4, -2, 0, 2], [10 ** 30, 2 * 10 ** 30, 3 * 10 ** 30]]
    for kind in ("state", "pattern"):
        np.testing.assert_allclose(numpy_model.encode_sequences(seqs, kind=kind),
                                   torch_model.encode_sequences(seqs, kind=kind), atol=1e-5)


@pytest.mark.parametrize("layers,bidirectional,attention", [(2, True, "numbers"), (2, False, "none")])
def test_other_gru_architectures_match_pytorch(tmp_path, layers, bidirectional, attention):
    """Stacked layers, one direction, no attention: the engine runs every GRU configuration as PyTorch does."""
    torch.manual_seed(0)
    cfg = ModelConfig(d_model=48, enc_hidden=24, nest_hidden=32, dec_hidden=32, enc_layers=layers, nest_layers=layers,
                      dec_layers=layers, bidirectional=bidirectional, attention=attention, extrapolations=2,
                      difference_orders=1, nested_differences=1, pattern_classes=4, magnitude_channel=True,
                      allow_negative=True)
    save_model(Num2VecNet(cfg), tmp_path)
    seqs = _sequences(300, 14, signed=True)
    reference = Num2Vec.from_pretrained(tmp_path, backend="torch", precision="fp32", threads=1)
    fast = Num2Vec.from_pretrained(tmp_path, backend="numpy", threads=1)
    assert fast.backend == "numpy" and reference.backend == "torch"
    a = torch_predict(reference.net, seqs, beam_size=3, top_k=3)
    b = engine.predict_numbers(fast.engine, seqs, beam_size=3, top_k=3)
    assert [[v for v, _ in r] for r in a] == [[v for v, _ in r] for r in b]
    np.testing.assert_allclose(fast.encode(range(-50, 50)), reference.encode(range(-50, 50)), atol=1e-5)


def test_backend_choice_and_errors(tmp_path):
    cfg = ModelConfig(cell="lstm", d_model=48, enc_hidden=16, nest_hidden=16, dec_hidden=16)
    save_model(Num2VecNet(cfg), tmp_path)
    assert Num2Vec.from_pretrained(tmp_path, precision="fp32").backend == "torch"  # auto: the engine runs GRUs
    with pytest.raises(ValueError, match="cell='lstm'"):
        Num2Vec.from_pretrained(tmp_path, backend="numpy")
    with pytest.raises(ValueError, match="backend='fast' is unknown"):
        Num2Vec.from_pretrained(backend="fast")
    with pytest.raises(ValueError, match="precision='bf16' needs backend='torch'"):
        Num2Vec.from_pretrained(backend="numpy", precision="bf16")
    with pytest.raises(ValueError, match="device='cuda' needs backend='torch'"):
        Num2Vec.from_pretrained(backend="numpy", device="cuda")
    assert Num2Vec.from_pretrained(precision="fp32").backend == "numpy"


def test_broken_weights_are_refused_naming_the_tensor(tmp_path):
    from safetensors.numpy import load_file, save_file

    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "config.json").write_text((bundled_model_path() / "config.json").read_text())
    weights = load_file(bundled_model_path() / "model.safetensors")
    save_file({k: v for k, v in weights.items() if k != "head.2.bias"}, folder / "model.safetensors")
    with pytest.raises(ValueError, match=r"does not match the model config: missing \['head.2.bias'\]"):
        engine.NumpyNet.from_folder(folder)
    weights["nested.weight_hh_l0"] = weights["nested.weight_hh_l0"][:, :10].copy()
    save_file(weights, folder / "model.safetensors")
    with pytest.raises(ValueError, match=r"weight nested.weight_hh_l0 has shape \(576, 10\), the config needs \(576, 192\)"):
        engine.NumpyNet.from_folder(folder)
    weights = load_file(bundled_model_path() / "model.safetensors")
    weights["head.0.bias"][3] = np.nan
    save_file(weights, folder / "model.safetensors")
    with pytest.raises(ValueError, match="head.0.bias holds NaN"):
        engine.NumpyNet.from_folder(folder)


def test_net_of_the_numpy_backend_is_the_pytorch_module_with_the_same_weights(bundled):
    torch_model, numpy_model = bundled
    fresh = Num2Vec.from_pretrained(backend="numpy", threads=1)
    net = fresh.net
    assert isinstance(net, Num2VecNet) and not net.training
    for name, value in torch_model.net.state_dict().items():
        assert torch.equal(net.state_dict()[name], value), name


def test_predict_on_the_command_line_does_not_import_torch():
    """On every CPU the answer is computed in exact fp32 by the NumPy backend, without PyTorch's import."""
    code = """
import json, sys
from num2vec.cli import main
sys.argv = ["num2vec", "predict", "--top-k", "2", "1", "2", "6", "24", "120", "720"]
try:
    main()
except SystemExit:
    pass
print(json.dumps("torch" in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = out.stdout.split("\n")
    assert lines[0].split("\t")[0] == "5040"
    assert json.loads(lines[-2]) is False
