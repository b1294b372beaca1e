"""ONNX Runtime beside PyTorch on the bundled model's networks, stage by stage: the candidate engine for a lighter,
faster inference path.

Each network is exported with ``torch.onnx.export`` (opset 17, dynamic batch and length) and run by
ONNX Runtime's CPU provider with one thread, on the same random inputs as PyTorch with one thread:

* the digit encoder on one length group (``DigitEncoder`` without its magnitude channel: embedding,
  bidirectional GRU, projection), ``tokens (N, L) -> (N, d_model - magnitude_size)``;
* the nested GRU, ``(B, T, (1 + nested_differences) * d_model) -> (B, T, nest_hidden)``;
* one greedy decoder step (embedding of the previous token beside the digit columns, GRU step, attention over the
  nested states, output MLP, log-softmax), ``(M, 1) -> (M, V)``: ``generate`` runs one per output digit.

Each line gives the median time of repeated calls after a warm-up, the ratio, and the largest difference between the
two outputs (finite entries; the ``-inf`` of the tokens that are never emitted must match). Then the import time
of each engine in a fresh process. Nothing here changes what ``Num2Vec`` runs.

    pip install onnx onnxruntime
    python benchmarks/onnx_runtime.py [--repeats 50]
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from benchmarks_common import cpu_name, timed


class EncoderGroup(torch.nn.Module):
    """The digit encoder on numbers of one length: tokens ``(N, L)`` -> ``(N, d_model - magnitude_size)``."""

    def __init__(self, encoder):
        super().__init__()
        self.embed, self.rnn, self.proj = encoder.embed, encoder.rnn, encoder.proj

    def forward(self, tokens):
        _, h = self.rnn(self.embed(tokens))  # h (2, N, H): the two directions' final states
        return self.proj(torch.cat([h[-2], h[-1]], dim=-1))


class DecoderStep(torch.nn.Module):
    """One decoder step: prev ``(M, 1)``, columns ``(M, 1, D_c)``, state ``(1, M, H_d)``, nested states
    ``(M, S, H_n)`` -> log-probabilities ``(M, V)`` and the next state."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, prev, cols, state, keys):
        n = self.net
        z, state = n.decoder(torch.cat([n.dec_embed(prev), cols], dim=-1), state)  # (M, 1, H_d)
        scores = n.att_numbers(z) @ keys.transpose(1, 2) / math.sqrt(keys.shape[-1])  # (M, 1, S)
        context = torch.softmax(scores, dim=-1) @ keys  # (M, 1, H_n)
        logits = n.head(torch.cat([z, context], dim=-1)) + n.out_mask  # (M, 1, V)
        return torch.log_softmax(logits, dim=-1)[:, 0], state


def compare(name: str, module, inputs: tuple, names: list[str], path: Path, dynamic: dict, cases, repeats: int):
    import onnxruntime as ort

    torch.onnx.export(module, inputs, str(path), dynamo=False, opset_version=17, input_names=names,
                      output_names=["out"], dynamic_axes=dynamic)
    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    for label, args in cases:
        feeds = {k: v.numpy() for k, v in zip(names, args)}
        with torch.no_grad():
            ref = module(*args)
            ref = (ref[0] if isinstance(ref, tuple) else ref).numpy()
            t_torch = timed(lambda: module(*args), repeats, warmup=1)  # noqa: B023
        out = session.run(None, feeds)[0]
        t_ort = timed(lambda: session.run(None, feeds), repeats, warmup=1)  # noqa: B023
        finite = np.isfinite(ref)
        diff = float(np.abs(np.where(finite, ref - out, 0.0)).max())
        same_inf = bool((finite == np.isfinite(out)).all())
        print(f"{name:<13} {label:<24} PyTorch {t_torch * 1e3:8.3f} ms   ONNX Runtime {t_ort * 1e3:8.3f} ms   "
              f"{t_torch / t_ort:5.2f}x   max |difference| {diff:.1e}{'' if same_inf else '  (-inf differ!)'}")


def import_seconds(module: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=50)
    args = ap.parse_args()
    import onnxruntime as ort

    from num2vec import Num2Vec

    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = Num2Vec.from_pretrained(precision="fp32", threads=1).net.eval()
    cfg = net.cfg
    print(f"{cpu_name()}, one thread; torch {torch.__version__}, onnxruntime {ort.__version__}; "
          f"median of {args.repeats} calls")
    d_cols = sum(width for _, width in cfg.decoder_inputs()) - cfg.d_digit
    d_nested = (1 + cfg.nested_differences) * cfg.d_model
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        enc = EncoderGroup(net.encoder).eval()
        compare("encoder", enc, (torch.randint(0, 10, (64, 8)),), ["tokens"], tmp / "encoder.onnx",
                {"tokens": {0: "n", 1: "l"}},
                [(f"{n} numbers of {L} digits", (torch.randint(0, 10, (n, L)),)) for n, L in ((512, 8), (8, 8), (2, 5))],
                args.repeats)
        nested = net.nested.eval()
        compare("nested GRU", nested, (torch.randn(4, 8, d_nested),), ["x"], tmp / "nested.onnx",
                {"x": {0: "b", 1: "t"}},
                [(f"{b} sequences of 8 terms", (torch.randn(b, 8, d_nested),)) for b in (512, 1)], args.repeats)
        step = DecoderStep(net).eval()

        def step_inputs(m: int) -> tuple:
            return (torch.full((m, 1), 3), torch.randn(m, 1, d_cols), torch.randn(1, m, cfg.dec_hidden),
                    torch.randn(m, 8, cfg.nest_hidden))

        compare("decoder step", step, step_inputs(4), ["prev", "cols", "state", "keys"], tmp / "decoder.onnx",
                {"prev": {0: "m"}, "cols": {0: "m"}, "state": {1: "m"}, "keys": {0: "m", 1: "s"}},
                [(f"{m} sequences", step_inputs(m)) for m in (512, 1)], args.repeats)
    print(f"import, fresh process, median of 5: torch {import_seconds('torch'):.2f} s, "
          f"onnxruntime {import_seconds('onnxruntime'):.2f} s, numpy {import_seconds('numpy'):.2f} s")


if __name__ == "__main__":
    main()
