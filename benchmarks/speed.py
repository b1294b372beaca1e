"""Speed benchmarks: roofline, training throughput and FLOP utilisation, data generation, encode, predict,
and how cost grows with digits and sequence length.

    python benchmarks/speed.py --output BENCHMARKS.md --plot docs/cost_growth.png

Every figure is the median of timed repeats after warm-up, with one PyTorch
thread unless ``--threads`` says otherwise. Model FLOPs are counted
analytically from the RNN and linear layer sizes and the batch's real token
counts (2 FLOPs per multiply-add; a training step costs 3x the forward pass).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics

import numpy as np
import torch
from benchmarks_common import timed


def roofline(n: int = 1024) -> float:
    """fp32 matrix-product rate (FLOP/s) with the current thread settings."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    return 2 * n**3 / timed(lambda: a @ b, repeats=10)


def _rnn_flops(rnn: torch.nn.RNNBase, steps: int) -> int:
    gates = 3 if isinstance(rnn, torch.nn.GRU) else 4
    dirs = 2 if rnn.bidirectional else 1
    total, d_in = 0, rnn.input_size
    for _ in range(rnn.num_layers):
        total += dirs * gates * 2 * (d_in + rnn.hidden_size) * rnn.hidden_size * steps
        d_in = dirs * rnn.hidden_size
    return total


def forward_flops(net, lengths: torch.Tensor, n: torch.Tensor, min_given: int, tokens: torch.Tensor | None = None) -> int:
    """Multiply-add FLOPs of one teacher-forced forward pass over a batch, as num2vec executes it.

    The encoder runs once per distinct number of the batch (pass ``tokens`` to
    count that; without it every number counts) over its real tokens; the decoder
    and output MLP run over the real target tokens only (no padding).
    """
    cfg = net.cfg
    flat_len = lengths.reshape(-1)
    if tokens is not None:
        rows, inverse = torch.unique(tokens.reshape(flat_len.shape[0], -1), dim=0, return_inverse=True)
        row_len = torch.zeros(rows.shape[0], dtype=flat_len.dtype)
        row_len[inverse] = flat_len
        flat_len = row_len
    enc_tokens = int(flat_len.sum())
    numbers = int((flat_len > 0).sum())
    T = lengths.shape[1]
    pos = torch.arange(T)
    want = (pos[None, :] >= min_given - 1) & (pos[None, :] + 1 < n[:, None])
    b, t = want.nonzero(as_tuple=True)
    dec_steps = int(lengths[b, t + 1].sum())  # real target tokens
    flops = _rnn_flops(net.encoder.rnn, enc_tokens) + 2 * net.encoder.proj.in_features * cfg.d_model * numbers
    flops += _rnn_flops(net.nested, int(n.sum()))
    flops += 2 * cfg.nest_hidden * cfg.dec_layers * cfg.dec_hidden * len(b)
    flops += _rnn_flops(net.decoder, dec_steps)
    head = sum(2 * m.in_features * m.out_features for m in net.head if isinstance(m, torch.nn.Linear))
    if hasattr(net, "att_numbers"):  # query projection, scores and weighted sum over the T nested outputs
        head += 2 * cfg.dec_hidden * cfg.nest_hidden + 4 * T * cfg.nest_hidden
    if hasattr(net, "att_digits"):
        K, L = max(1, cfg.context_numbers), lengths.shape[1]
        head += 2 * cfg.dec_hidden * net.encoder.state_size + 4 * K * L * net.encoder.state_size
    return flops + head * dec_steps


def bench_training(preset: str, peak: float, steps: int = 8) -> dict:
    from num2vec.training import Trainer, make_config

    tr = Trainer(make_config(preset, out_dir="/tmp/num2vec-speed"), progress=False)
    batches = [tr.batches[i].to(tr.device) for i in range(steps)]
    flops = [3 * forward_flops(tr.net, lengths, n, tr.cfg.min_given, tokens) for tokens, lengths, n, *_ in batches]

    def step(i=[0]):  # noqa: B006 - cycles through the prepared batches
        tokens, lengths, n, patterns, skip = batches[i[0] % steps]
        i[0] += 1
        _, loss, _ = tr.net(tokens, lengths, n, min_given=tr.cfg.min_given, patterns=patterns,
                            pattern_weight=tr.cfg.pattern_weight, property_weight=tr.cfg.property_weight, skip=skip)
        tr.opt.zero_grad()
        loss.backward()
        tr.opt.step()

    sec = timed(step, repeats=steps, warmup=2)
    data = timed(lambda: tr.next_batch(), repeats=steps, warmup=1)
    bs = tr.cfg.batch_size
    return {"preset": preset, "seq_per_s": bs / sec, "flops_per_seq": statistics.mean(flops) / bs,
            "mfu": statistics.mean(flops) / sec / peak, "data_seq_per_s": bs / data, "data_share": data / (data + sec)}


def bench_generation(count: int = 20000) -> float:
    from num2vec.data import SequenceGenerator

    gen = SequenceGenerator(seed=0)
    return count / timed(lambda: gen.samples(count), repeats=3, warmup=1)


def bench_encode(model, peak: float) -> dict:
    rng = np.random.default_rng(0)
    distinct = rng.choice(10**9, size=1_000_000, replace=False)
    repeats = rng.integers(0, 1000, size=1_000_000)
    t_distinct = timed(lambda: model.encode(distinct), repeats=1, warmup=0)
    t_repeats = timed(lambda: model.encode(repeats), repeats=3, warmup=1)
    from num2vec.codec import encode_batch

    _, lengths = encode_batch(distinct[:100_000], model.max_digits)
    enc = model.net.encoder
    flops = (_rnn_flops(enc.rnn, int(lengths.sum())) + 2 * enc.proj.in_features * enc.proj.out_features * 100_000) * 10
    return {"distinct_per_s": 1e6 / t_distinct, "repeats_per_s": 1e6 / t_repeats,
            "encoder_utilisation": flops / t_distinct / peak}


def bench_predict(model) -> dict:
    rng = np.random.default_rng(0)
    start = rng.integers(0, 10**5, 4096)
    seqs = (start[:, None] + np.arange(7)[None, :] * rng.integers(1, 9, 4096)[:, None]).tolist()
    batched = timed(lambda: model.predict_next(seqs), repeats=3, warmup=1)
    single = timed(lambda: model.predict_next(seqs[0]), repeats=30, warmup=3)
    fp32 = model.predict_next(seqs)
    model.precision = "bf16"
    try:
        batched_bf16 = timed(lambda: model.predict_next(seqs), repeats=3, warmup=1)
        same = sum(a == b for a, b in zip(fp32, model.predict_next(seqs))) / len(seqs)
    finally:
        model.precision = "fp32"
    return {"batched_seq_per_s": len(seqs) / batched, "latency_ms": single * 1e3,
            "bf16_seq_per_s": len(seqs) / batched_bf16, "bf16_same_share": same}


def bench_growth(model) -> dict:
    """Time per number vs digits (encode), per sequence vs length (predict); log-log slope of each."""
    digits = [1, 2, 4, 8, 12, 16, 20]
    per_number = []
    for d in digits:
        x = [int("7" * d) - i for i in range(4096)] if d > 1 else list(range(10)) * 410
        x = x[:4096]
        per_number.append(timed(lambda x=x: model.net.encode_numbers(*_tok(model, x)), repeats=5) / len(x))
    lengths = [4, 8, 16, 32, 64]
    per_seq = []
    for n in lengths:
        seqs = [[s + 3 * i for i in range(n)] for s in range(256)]
        per_seq.append(timed(lambda seqs=seqs: model.encode_sequences(seqs), repeats=3) / len(seqs))
    slope_d = np.polyfit(np.log(digits[2:]), np.log(per_number[2:]), 1)[0]
    slope_n = np.polyfit(np.log(lengths), np.log(per_seq), 1)[0]
    return {"digits": digits, "per_number_s": per_number, "digits_exponent": slope_d,
            "lengths": lengths, "per_sequence_s": per_seq, "length_exponent": slope_n}


def _tok(model, values):
    from num2vec.codec import encode_batch

    tokens, lengths = encode_batch(values, model.max_digits)
    return torch.from_numpy(tokens), torch.from_numpy(lengths)


def plot_growth(g: dict, path: str) -> None:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.6))
    a, b = fig.subplots(1, 2)
    a.loglog(g["digits"], np.array(g["per_number_s"]) * 1e6, "o-")
    a.set(xlabel="digits per number", ylabel="µs per number (encode)", title=f"slope {g['digits_exponent']:.2f}")
    b.loglog(g["lengths"], np.array(g["per_sequence_s"]) * 1e6, "o-")
    b.set(xlabel="numbers per sequence", ylabel="µs per sequence", title=f"slope {g['length_exponent']:.2f}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--output", default=None, help="write a Markdown report here")
    ap.add_argument("--plot", default=None, help="write the cost-growth PNG here")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    from num2vec import Num2Vec

    model = Num2Vec.from_pretrained(args.model)
    peak = roofline()
    lines = [f"Machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
             f"{args.threads} thread(s); command: `python benchmarks/speed.py --output BENCHMARKS.md`", "",
             f"- fp32 matmul roofline (1024³, median of 10): **{peak / 1e9:.0f} GFLOP/s**"]
    for preset in ("default", "tiny"):
        r = bench_training(preset, peak)
        lines.append(f"- training, preset `{preset}`: **{r['seq_per_s']:.0f} sequences/s**, "
                     f"{r['flops_per_seq'] / 1e6:.1f} MFLOP per sequence -> model FLOP utilisation "
                     f"**{r['mfu'] * 100:.1f} %**; data generation {r['data_seq_per_s']:.0f} sequences/s "
                     f"({r['data_share'] * 100:.1f} % of step time)")
    from plain import compare

    c = compare()
    lines.append(f"- the same network ({c['params']['num2vec']:,} parameters: no digit columns, no attention) against a "
                 f"plain implementation of the post (`benchmarks/plain.py`, a Python loop over positions, "
                 f"{c['params']['plain']:,} parameters): **{c['seq_per_s']['num2vec']:.0f}** vs "
                 f"{c['seq_per_s']['plain']:.0f} sequences/s = **{c['speedup']:.2f}x**; with bf16 autocast "
                 f"{c['seq_per_s']['num2vec-bf16']:.0f} sequences/s = {c['speedup_bf16']:.2f}x")
    lines.append(f"- sequence generator alone: **{bench_generation():.0f} sequences/s**")
    e = bench_encode(model, peak)
    lines.append(f"- `encode`: **{e['distinct_per_s']:.0f} numbers/s** for 1 M distinct numbers < 10^9 "
                 f"({e['encoder_utilisation'] * 100:.1f} % of the roofline), **{e['repeats_per_s']:.0f} numbers/s** "
                 "for a 1 M column of 1000 distinct values")
    p = bench_predict(model)
    lines.append(f"- `predict_next`: **{p['batched_seq_per_s']:.0f} sequences/s** batched (4096 sequences of 7), "
                 f"single call **{p['latency_ms']:.1f} ms**; with `precision='bf16'` "
                 f"**{p['bf16_seq_per_s']:.0f} sequences/s** ({p['bf16_same_share'] * 100:.1f} % of the predictions "
                 "identical to fp32)")
    g = bench_growth(model)
    lines.append(f"- cost growth: time per number ~ digits^{g['digits_exponent']:.2f} (4-20 digits); "
                 f"time per sequence ~ length^{g['length_exponent']:.2f} (4-64 numbers)")
    lines += ["", "| digits | µs per number |", "| --- | --- |"]
    lines += [f"| {d} | {t * 1e6:.2f} |" for d, t in zip(g["digits"], g["per_number_s"])]
    lines += ["", "| numbers per sequence | µs per sequence |", "| --- | --- |"]
    lines += [f"| {n} | {t * 1e6:.1f} |" for n, t in zip(g["lengths"], g["per_sequence_s"])]
    report = "\n".join(lines) + "\n"
    print(report)
    if args.plot:
        plot_growth(g, args.plot)
    if args.output:
        with open(args.output, "w") as fh:
            fh.write("# Benchmarks\n\n" + report)


if __name__ == "__main__":
    main()
