"""The benchmark scripts measure what they say, on both inference backends."""

import importlib.util
from pathlib import Path

import pytest

from num2vec import Num2Vec

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"_benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("backend", ["numpy", "torch"])
def test_column_ablation_masks_the_columns_on_either_backend(backend):
    """Masking the holonomic, ratio-series and every-other-term columns must reach the network: on extended-family
    questions, which lean on them, the accuracy drops."""
    ablation = _script("column_ablation")
    model = Num2Vec.from_pretrained(backend=backend, threads=1)
    qs = ablation.questions(200)["extended families"]
    every = ablation.groups(model.net.cfg.column_spec)["all three"]
    assert ablation.accuracy(model, qs, every) < ablation.accuracy(model, qs, []) - 0.05
