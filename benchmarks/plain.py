"""num2vec's training step against a plain implementation of the same network, at equal model size.

    python benchmarks/plain.py

"Plain" is the post's architecture written the direct way: for each position t
of the batch's sequences the encoder GRU reads number t, a GRUCell steps the
nested RNN, and the decoder GRU is run, teacher-forced, on number t+1 -- a
Python loop over positions, one small kernel call per number. num2vec's
``Num2VecNet`` (configured as the same network: no digit columns, no attention,
the same sizes) encodes every number of the batch in one call, runs the nested
RNN once over the whole sequence and decodes every target at once. Both get the
same batches (256 sequences of 6-12 numbers), the same optimizer and one
thread; the two are timed alternately in one process, so the ratio holds even
on a busy machine. Prints sequences/s for both and the speed-up.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from num2vec.codec import EOS, PAD, SOS, VOCAB_SIZE


class PlainNum2Vec(nn.Module):
    """The post's encoder -> nested -> decoder, one position at a time."""

    def __init__(self, d_digit: int, d_model: int, enc_hidden: int, nest_hidden: int, dec_hidden: int):
        super().__init__()
        self.embed = nn.Embedding(VOCAB_SIZE, d_digit, padding_idx=PAD)
        self.encoder = nn.GRU(d_digit, enc_hidden, batch_first=True)
        self.proj = nn.Linear(enc_hidden, d_model)
        self.nested = nn.GRUCell(d_model, nest_hidden)
        self.init_dec = nn.Linear(nest_hidden, dec_hidden)
        self.dec_embed = nn.Embedding(VOCAB_SIZE, d_digit, padding_idx=PAD)
        self.decoder = nn.GRU(d_digit, dec_hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(dec_hidden, dec_hidden), nn.GELU(), nn.Linear(dec_hidden, VOCAB_SIZE))

    def forward(self, tokens, lengths, n_numbers, min_given: int = 3):
        B, T, L = tokens.shape
        h = tokens.new_zeros(B, self.nested.hidden_size, dtype=torch.float)
        losses, count = [], 0
        for t in range(T - 1):
            alive = lengths[:, t] > 0
            out, _ = self.encoder(self.embed(tokens[:, t]))  # (B, L, H_e)
            last = out[torch.arange(B), (lengths[:, t] - 1).clamp(min=0)]  # (B, H_e)
            h = torch.where(alive[:, None], self.nested(self.proj(last), h), h)  # (B, H_n)
            want = alive & (t + 1 < n_numbers) & (t >= min_given - 1)
            if not want.any():
                continue
            target = tokens[want, t + 1]  # (M, L)
            prev = torch.cat([torch.full_like(target[:, :1], SOS), target[:, :-1]], dim=1)
            prev = prev.masked_fill(prev == PAD, EOS)
            h0 = torch.tanh(self.init_dec(h[want]))[None]  # (1, M, H_d)
            z, _ = self.decoder(self.dec_embed(prev), h0)
            logits = self.head(z)
            losses.append(F.cross_entropy(logits.reshape(-1, VOCAB_SIZE), target.reshape(-1), ignore_index=PAD,
                                          reduction="sum"))
            count += int((target != PAD).sum())
        return torch.stack(losses).sum() / max(1, count)  # mean over target tokens, as in num2vec


def compare(steps: int = 10, batch_size: int = 256) -> dict:
    """Sequences/s of num2vec (fp32 and bf16 autocast) and of the plain implementation, and parameter counts."""
    torch.manual_seed(0)
    from num2vec.training import Trainer, make_config

    sizes = dict(d_digit=32, d_model=128, enc_hidden=128, nest_hidden=128, dec_hidden=128)
    cfg = make_config("default", out_dir="/tmp/num2vec-plain", batch_size=batch_size, max_length=12,
                      model=dict(sizes, context_numbers=0, attention="none", bidirectional=False,
                                 difference_orders=0, pattern_classes=0, number_properties=False,
                                 nested_differences=0, extrapolations=0, ratio_extrapolations=0,
                                 recurrence_extrapolations=0, magnitude_channel=False, period_extrapolations=0))
    tr = Trainer(cfg, progress=False)
    ours = tr.net
    plain = PlainNum2Vec(**sizes)
    n_ours = sum(p.numel() for p in ours.parameters())
    n_plain = sum(p.numel() for p in plain.parameters())
    batches = [tr.batches[i].to(tr.device)[:3] for i in range(steps)]
    opts = {"num2vec": torch.optim.AdamW(ours.parameters(), lr=1e-3),
            "num2vec-bf16": torch.optim.AdamW(ours.parameters(), lr=1e-3),
            "plain": torch.optim.AdamW(plain.parameters(), lr=1e-3)}

    def step(name: str, batch) -> float:
        tokens, lengths, n = batch
        t0 = time.perf_counter()
        if name.startswith("num2vec"):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=name.endswith("bf16")):
                _, loss, _ = ours(tokens, lengths, n, min_given=cfg.min_given)
        else:
            loss = plain(tokens, lengths, n, min_given=cfg.min_given)
        opts[name].zero_grad()
        loss.backward()
        opts[name].step()
        return time.perf_counter() - t0

    for name in opts:  # warm-up
        step(name, batches[0])
    times: dict[str, list[float]] = {name: [] for name in opts}
    for batch in batches:  # alternate, so all see the same machine load
        for name in opts:
            times[name].append(step(name, batch))
    rate = {name: batch_size / statistics.median(ts) for name, ts in times.items()}
    return {"params": {"num2vec": n_ours, "plain": n_plain}, "seq_per_s": rate,
            "speedup": rate["num2vec"] / rate["plain"], "speedup_bf16": rate["num2vec-bf16"] / rate["plain"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=10, help="timed steps per implementation")
    ap.add_argument("--batch-size", type=int, default=256)
    args = ap.parse_args()
    torch.set_num_threads(1)
    r = compare(args.steps, args.batch_size)
    print(f"parameters: num2vec {r['params']['num2vec']:,}, plain {r['params']['plain']:,}")
    for name, rate in r["seq_per_s"].items():
        print(f"{name:12s} {rate:8.0f} sequences/s (median of {args.steps} steps, batch {args.batch_size}, 1 thread)")
    print(f"speed-up: {r['speedup']:.2f}x in fp32, {r['speedup_bf16']:.2f}x with bf16 autocast (--precision bf16)")


if __name__ == "__main__":
    main()
