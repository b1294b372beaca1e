"""Shared fixtures: one tiny model trained once per test session (about 15 s on one CPU thread)."""

from __future__ import annotations

import pytest
import torch

torch.set_num_threads(1)


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A tiny model trained on cycles and arithmetic sequences; returns the Trainer."""
    from num2vec.training import make_config, train

    out = tmp_path_factory.mktemp("tiny_run")
    cfg = make_config("tiny", out_dir=str(out), steps=600, families=["cycle", "arithmetic"], eval_every=300)
    return train(cfg, device="cpu", progress=False, log=lambda m: None)


@pytest.fixture(scope="session")
def tiny_model(tiny_run):
    from num2vec import Num2Vec

    return Num2Vec.from_pretrained(tiny_run.out / "model")
