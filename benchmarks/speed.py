"""Speed benchmarks: inference against the fp32 matrix-product roofline (batched and single ``predict_next``,
``encode``, process start-up, where the time goes per stage), training throughput and FLOP utilisation, data
generation, and how cost grows with digits and sequence length.

    python benchmarks/speed.py --output runs/speed.md --plot docs/cost_growth.png
    python benchmarks/speed.py --inference-only          # the inference table alone (about 5 minutes)

Every figure is the median of timed repeats after warm-up, with one PyTorch
thread unless a row says otherwise; the machine should be otherwise idle. Model FLOPs are counted
analytically from the RNN and linear layer sizes and the batch's real token
counts (2 FLOPs per multiply-add; a training step costs 3x the forward pass).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch
from benchmarks_common import cpu_name, timed


def roofline(n: int = 1024, repeats: int = 20) -> float:
    """Peak fp32 matrix-product rate (FLOP/s) with the current thread settings: the fastest of ``repeats``."""
    a, b = torch.randn(n, n), torch.randn(n, n)
    a @ b  # warm-up
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t0)
    return 2 * n**3 / best


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
    flops = [3 * forward_flops(tr.net, b.lengths, b.n, tr.cfg.min_given, b.tokens) for b in batches]

    def step(i=[0]):  # noqa: B006 - cycles through the prepared batches
        tr.train_step(iter([batches[i[0] % steps]]))
        i[0] += 1

    sec = timed(step, repeats=steps, warmup=2)
    data = timed(lambda: tr.next_batch(), repeats=steps, warmup=1)
    bs = tr.cfg.batch_size
    return {"preset": preset, "seq_per_s": bs / sec, "flops_per_seq": statistics.mean(flops) / bs,
            "mfu": statistics.mean(flops) / sec / peak, "data_seq_per_s": bs / data, "data_share": data / (data + sec)}


def bench_generation(count: int = 20000) -> float:
    from num2vec.data import SequenceGenerator

    gen = SequenceGenerator(seed=0)
    return count / timed(lambda: gen.samples(count), repeats=3, warmup=1)


def original_questions(count: int = 3000) -> list[list[int]]:
    """The given terms of the held-out original-distribution sequences (issue table's workload)."""
    from num2vec.data import GeneratorConfig, heldout

    return [list(s.terms[:-1]) for s in heldout("test", count, GeneratorConfig(8, 8, 10**7, False, "original"))]


def predict_profile(model, seqs: list[list[int]], batch_size: int = 512) -> dict:
    """Time per stage of one batched greedy ``predict_next`` call and the model FLOPs it executes.

    The call itself is instrumented: ``featurize`` (the exact columns) and
    ``Num2VecNet.generate`` are wrapped, forward hooks time the digit encoder and
    the nested RNN inside it, so the stages add up to the call. Greedy decoding is
    ``generate`` minus those two; "rest" is the call minus ``featurize`` and
    ``generate`` (validation, sorting, batching, answers back to ints).
    FLOPs: 2 per multiply-add of the RNN and linear layers as executed.
    """
    import num2vec.exact

    net, cfg = model.net, model.net.cfg
    enc = net.encoder
    head = sum(2 * m.in_features * m.out_features for m in net.head if isinstance(m, torch.nn.Linear))
    t = dict.fromkeys(("featurize", "encoder", "nested", "generate"), 0.0)
    flops = {"encoder": 0, "nested": 0, "decoder": 0}
    started: dict = {}

    def before(name):
        return lambda module, args: started.__setitem__(name, time.perf_counter())

    def after(name):
        def hook(module, args, out):
            t[name] += time.perf_counter() - started[name]
            if name == "encoder":  # args: distinct token rows (U, L), their lengths (U,)
                flops["encoder"] += (_rnn_flops(enc.rnn, int(args[1].sum()))
                                     + 2 * enc.proj.in_features * enc.proj.out_features * args[0].shape[0])
            else:  # args: nested inputs (B, T, d)
                flops["nested"] += _rnn_flops(net.nested, args[0].shape[0] * args[0].shape[1])
        return hook

    featurize, generate = num2vec.exact.featurize, net.generate

    def timed_featurize(*a, **k):
        t0 = time.perf_counter()
        out = featurize(*a, **k)
        t["featurize"] += time.perf_counter() - t0
        return out

    def timed_generate(tokens, lengths, n, *a, **k):
        t0 = time.perf_counter()
        out = generate(tokens, lengths, n, *a, **k)
        t["generate"] += time.perf_counter() - t0
        B, T = lengths.shape
        steps = max(len(c[0][0]) for c in out)  # the loop runs until every answer has ended
        per_step = _rnn_flops(net.decoder, 1) + head + 2 * cfg.dec_hidden * cfg.nest_hidden + 4 * T * cfg.nest_hidden
        flops["decoder"] += B * (steps * per_step + 2 * cfg.nest_hidden * cfg.dec_hidden * cfg.dec_layers)
        return out

    handles = [m.register_forward_pre_hook(before(k)) for k, m in (("encoder", enc), ("nested", net.nested))]
    handles += [m.register_forward_hook(after(k)) for k, m in (("encoder", enc), ("nested", net.nested))]
    num2vec.exact.featurize, net.generate = timed_featurize, timed_generate
    try:
        t0 = time.perf_counter()
        model.predict_next(seqs, batch_size=batch_size)
        total = time.perf_counter() - t0
    finally:
        num2vec.exact.featurize = featurize
        del net.generate  # the instance attribute; the method is back
        for h in handles:
            h.remove()
    seconds = {"featurize": t["featurize"], "encoder": t["encoder"], "nested": t["nested"],
               "decoder": t["generate"] - t["encoder"] - t["nested"],
               "rest": total - t["featurize"] - t["generate"]}
    return {"seconds": seconds, "flops": flops, "total": total}


def numpy_profile(model, seqs: list[list[int]], batch_size: int = 512) -> dict:
    """:func:`predict_profile` for the NumPy backend: ``featurize``, the engine's encoder, nested GRU and
    ``generate`` are wrapped the same way (same stage names)."""
    import num2vec.engine as engine

    net = model.engine
    t = dict.fromkeys(("featurize", "encoder", "nested", "generate"), 0.0)

    def wrap(name, fn):
        def timed_fn(*a, **k):
            t0 = time.perf_counter()
            out = fn(*a, **k)
            t[name] += time.perf_counter() - t0
            return out
        return timed_fn

    featurize = engine.featurize
    engine.featurize = wrap("featurize", featurize)
    net.encode_numbers, net.nested.full, net.generate = (wrap("encoder", net.encode_numbers),
                                                         wrap("nested", net.nested.full), wrap("generate", net.generate))
    try:
        t0 = time.perf_counter()
        model.predict_next(seqs, batch_size=batch_size)
        total = time.perf_counter() - t0
    finally:
        engine.featurize = featurize
        del net.encode_numbers, net.nested.full, net.generate  # the instance attributes; the methods are back
    seconds = {"featurize": t["featurize"], "encoder": t["encoder"], "nested": t["nested"],
               "decoder": t["generate"] - t["encoder"] - t["nested"],
               "rest": total - t["featurize"] - t["generate"]}
    return {"seconds": seconds, "total": total}


def bench_predict(model, seqs: list[list[int]], threads: tuple[int, ...] = (1, 2), bf16: bool = True) -> dict:
    """Batched greedy ``predict_next`` on ``seqs`` at each thread count, one call at a time on one sequence,
    and with ``precision="bf16"`` (PyTorch backend)."""
    out = {}
    for n in threads:
        torch.set_num_threads(n)
        model.threads = n
        out[f"batched_{n}"] = len(seqs) / timed(lambda: model.predict_next(seqs), repeats=3, warmup=1)
    torch.set_num_threads(1)
    model.threads = 1
    single = []
    for s in seqs[:20]:  # warm-up
        model.predict_next(s)
    for s in seqs[:300]:
        t0 = time.perf_counter()
        model.predict_next(s)
        single.append(time.perf_counter() - t0)
    out["single_ms"] = statistics.median(single) * 1e3
    out["single_p90_ms"] = float(np.percentile(single, 90)) * 1e3
    if not bf16:
        return out
    fp32 = model.predict_next(seqs)
    model.precision = "bf16"
    try:
        sub = seqs[:1000]
        out["bf16"] = len(sub) / timed(lambda: model.predict_next(sub), repeats=1, warmup=1)
        out["bf16_same"] = sum(a == b for a, b in zip(fp32, model.predict_next(sub))) / len(sub)
    finally:
        model.precision = "fp32"
    return out


def bench_encode(model, peak: float, count: int = 200_000) -> dict:
    """``encode`` of ``count`` distinct 9-digit numbers (1 and 2 threads) and its share of the roofline."""
    from num2vec.codec import encode_batch

    rng = np.random.default_rng(0)
    numbers = rng.choice(np.arange(10**8, 10**9), size=count, replace=False)
    out = {}
    for n in (1, 2):
        torch.set_num_threads(n)
        model.threads = n
        out[f"per_s_{n}"] = count / timed(lambda: model.encode(numbers), repeats=1, warmup=1)
    torch.set_num_threads(1)
    model.threads = 1
    _, lengths = encode_batch(numbers[:1000], model.max_digits)
    enc = model.net.encoder  # the PyTorch module of either backend: its layer sizes
    per_number = (_rnn_flops(enc.rnn, int(lengths.sum())) + 2 * enc.proj.in_features * enc.proj.out_features * 1000) / 1000
    out["flops_per_number"] = per_number
    out["utilisation"] = per_number * out["per_s_1"] / peak
    return out


def bench_startup(repeats: int = 5) -> dict:
    """Whole-process wall time of CLI calls (median of ``repeats``), and of ``import torch`` alone."""
    env = dict(os.environ, OMP_NUM_THREADS="1")
    calls = {"predict 1 2 3": ["-m", "num2vec", "predict", "1", "2", "3"],
             "predict torch": ["-m", "num2vec", "predict", "--backend", "torch", "1", "2", "3"],
             "--help": ["-m", "num2vec", "--help"],
             "--version": ["-m", "num2vec", "--version"], "import torch": ["-c", "import torch"]}
    out = {}
    for name, args in calls.items():
        times = []
        for _ in range(repeats + 1):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, *args], check=True, capture_output=True, env=env)
            times.append(time.perf_counter() - t0)
        out[name] = statistics.median(times[1:])  # the first run fills the page cache
    return out


def bench_solver(seqs: list[list[int]]) -> float:
    from num2vec.solver import solve

    return len(seqs) / timed(lambda: [solve(s) for s in seqs], repeats=3, warmup=1)


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


def cpu_description() -> str:
    flags = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    words = set(flags.split())
    isa = ", ".join(f for f in ("avx2", "avx512f", "avx512_bf16", "amx_bf16") if f in words) or "no AVX2"
    return f"{cpu_name()} ({isa}), {os.cpu_count()} cores"


def numpy_roofline(n: int = 1024, repeats: int = 20) -> float:
    """:func:`roofline` for NumPy's matrix product (its BLAS), one thread."""
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32)
    with threadpool_limits(1, user_api="blas"):
        a @ b
        best = min(timed_once(lambda: a @ b) for _ in range(repeats))
    return 2 * n**3 / best


def timed_once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def inference_report(models: dict, peak: float, numpy_peak: float) -> list[str]:
    """The inference table, for the NumPy backend (the default on the CPU) and the PyTorch backend: every row
    with its figure and, where it applies, its share of the roofline."""
    seqs = original_questions()
    torch.set_num_threads(1)
    fast, ref = models["numpy"], models["torch"]
    for model in (fast, ref):
        model.threads = 1
        model.predict_next(seqs[:200])  # warm-up
    prof = predict_profile(ref, seqs)  # also counts the model FLOPs, the same for both backends
    nprof = numpy_profile(fast, seqs)
    p, pt = bench_predict(fast, seqs, bf16=False), bench_predict(ref, seqs)
    e, et = bench_encode(fast, peak), bench_encode(ref, peak)
    st = bench_startup()
    solver = bench_solver(seqs)
    per_seq = sum(prof["flops"].values()) / len(seqs)
    util = lambda rate: f"{per_seq * rate / peak * 100:.1f} %"  # noqa: E731
    lines = ["| what | NumPy backend (default) | PyTorch backend | share of the roofline (NumPy; PyTorch) |",
             "| --- | --- | --- | --- |",
             f"| fp32 matrix product 1024³, one thread, fastest of 20 (the roofline) | {numpy_peak / 1e9:.0f} GFLOP/s "
             f"(OpenBLAS) | {peak / 1e9:.0f} GFLOP/s | shares below use the PyTorch figure |",
             f"| `predict_next`, 3,000 original-distribution sequences in one call, one thread "
             f"({per_seq / 1e6:.1f} MFLOP per sequence) | **{p['batched_1']:,.0f} sequences/s** | "
             f"{pt['batched_1']:,.0f} sequences/s | {util(p['batched_1'])}; {util(pt['batched_1'])} |",
             f"| the same, two threads | {p['batched_2']:,.0f} sequences/s | {pt['batched_2']:,.0f} sequences/s | – |",
             f"| the same, `precision=\"bf16\"` (1,000 sequences) | – | {pt['bf16']:,.0f} sequences/s, "
             f"{pt['bf16_same'] * 100:.1f} % of the answers identical | – |",
             f"| `predict_next`, one sequence per call (median of 300; 90th percentile) | **{p['single_ms']:.1f} ms** "
             f"({p['single_p90_ms']:.1f} ms) | {pt['single_ms']:.1f} ms ({pt['single_p90_ms']:.1f} ms) | – |",
             f"| `encode`, 200,000 distinct 9-digit numbers, one thread ({e['flops_per_number'] / 1e6:.2f} MFLOP per "
             f"number) | **{e['per_s_1']:,.0f} numbers/s** | {et['per_s_1']:,.0f} numbers/s | "
             f"{e['utilisation'] * 100:.1f} %; {et['utilisation'] * 100:.1f} % |",
             f"| the same, two threads | {e['per_s_2']:,.0f} numbers/s | {et['per_s_2']:,.0f} numbers/s | – |",
             f"| `num2vec predict 1 2 3`, whole process (median of 5) | **{st['predict 1 2 3']:.2f} s** | "
             f"{st['predict torch']:.2f} s (`--backend torch`) | – |",
             f"| `python -c 'import torch'`, whole process | – | {st['import torch']:.2f} s | – |",
             f"| `num2vec --help` / `num2vec --version`, whole process | {st['--help']:.2f} s / "
             f"{st['--version']:.2f} s | – | – |",
             f"| the rule solver (`num2vec.solver.solve`), the same 3,000 sequences | {solver:,.0f} sequences/s | – | – |"]
    lines += ["", "Where one batched `predict_next` call spends its time (one thread, the 3,000 sequences, batches of "
              f"512): {nprof['total']:.2f} s on the NumPy backend, {prof['total']:.2f} s on the PyTorch backend. "
              "Model FLOPs count the work as PyTorch executes it (every answer of a batch at every decoder step); "
              "the NumPy backend's greedy decoding skips the answers already written, so its decoder share is an "
              "effective rate.", "",
              "| stage | NumPy | share | PyTorch | share | model FLOPs | share of the roofline (NumPy; PyTorch) |",
              "| --- | --- | --- | --- | --- | --- | --- |"]
    names = {"featurize": "exact columns (`num2vec.exact.featurize`, Python and NumPy)",
             "encoder": "digit encoder over the distinct numbers (bidirectional GRU)",
             "nested": "nested RNN (GRU over the number embeddings)",
             "decoder": "greedy decoding (decoder GRU, attention, output MLP, grammar)",
             "rest": "the rest of the call (validation, sorting, batching, answers back to ints)"}
    for k, sec in prof["seconds"].items():
        nsec = nprof["seconds"][k]
        f = prof["flops"].get(k)
        rate = f"{f / nsec / peak * 100:.1f} %; {f / sec / peak * 100:.1f} %" if f else "–"
        fl_txt = f"{f / 1e9:.2f} GFLOP" if f else "–"
        lines.append(f"| {names[k]} | {nsec:.2f} s | {nsec / nprof['total'] * 100:.0f} % | {sec:.2f} s | "
                     f"{sec / prof['total'] * 100:.0f} % | {fl_txt} | {rate} |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=None)
    ap.add_argument("--output", default=None, help="write the Markdown report here")
    ap.add_argument("--plot", default=None, help="write the cost-growth PNG here")
    ap.add_argument("--inference-only", action="store_true", help="only the inference table")
    args = ap.parse_args()
    torch.set_num_threads(1)
    from num2vec import Num2Vec

    models = {b: Num2Vec.from_pretrained(args.model, precision="fp32", threads=1, backend=b) for b in ("numpy", "torch")}
    model = models["torch"]
    peak, numpy_peak = roofline(), numpy_roofline()
    lines = [f"Machine: {cpu_description()}, torch {torch.__version__}, numpy {np.__version__}; "
             f"command: `python {' '.join(sys.argv)}`", ""]
    lines += inference_report(models, peak, numpy_peak)
    if not args.inference_only:
        lines.append("")
        for preset in ("default", "tiny"):
            r = bench_training(preset, peak)
            lines.append(f"- training, preset `{preset}`: **{r['seq_per_s']:.0f} sequences/s**, "
                         f"{r['flops_per_seq'] / 1e6:.1f} MFLOP per sequence -> model FLOP utilisation "
                         f"**{r['mfu'] * 100:.1f} %**; data generation {r['data_seq_per_s']:.0f} sequences/s "
                         f"({r['data_share'] * 100:.1f} % of step time)")
        lines.append(f"- sequence generator alone: **{bench_generation():.0f} sequences/s**")
        g = bench_growth(model)
        lines.append(f"- cost growth: time per number ~ digits^{g['digits_exponent']:.2f} (4-20 digits); "
                     f"time per sequence ~ length^{g['length_exponent']:.2f} (4-64 numbers)")
        lines += ["", "| digits | µs per number |", "| --- | --- |"]
        lines += [f"| {d} | {t * 1e6:.2f} |" for d, t in zip(g["digits"], g["per_number_s"])]
        lines += ["", "| numbers per sequence | µs per sequence |", "| --- | --- |"]
        lines += [f"| {n} | {t * 1e6:.1f} |" for n, t in zip(g["lengths"], g["per_sequence_s"])]
        if args.plot:
            plot_growth(g, args.plot)
    report = "\n".join(lines) + "\n"
    print(report)
    if args.output:
        Path(args.output).write_text(report)


if __name__ == "__main__":
    main()
