"""Number embeddings as features: a small network learns log10(n) or n mod 10 from n.

    python examples/regression.py                         # log10(n), the bundled model
    python examples/regression.py --task mod10 --model runs/default/model

A frozen :class:`num2vec.embeddings.NumberEmbedding` feeds an MLP; only the MLP
is trained (pass ``--finetune`` to train the encoder too). Numbers are drawn
log-uniformly below 10^7; train and test numbers are disjoint. Runs in well
under a minute on one CPU thread and prints the test metric (mean absolute error
of log10(n), or accuracy of the last digit).
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn

from num2vec.embeddings import NumberEmbedding


def make_data(count: int, seed: int) -> torch.Tensor:
    """``count`` distinct integers, log-uniform in [1, 10^7), shuffled: ``(count,)`` int64."""
    g = torch.Generator().manual_seed(seed)
    values = torch.unique((10 ** (torch.rand(3 * count, generator=g, dtype=torch.float64) * 7)).long())
    return values[torch.randperm(len(values), generator=g)][:count]


def target(x: torch.Tensor, task: str) -> torch.Tensor:
    """What to predict: log10(n) as ``(N, 1)`` floats, or n mod 10 as ``(N,)`` class ids."""
    return torch.log10(x.double()).float()[:, None] if task == "log" else x % 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["log", "mod10"], default="log")
    parser.add_argument("--model", default=None, help="a saved model folder [default: the bundled model]")
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--finetune", action="store_true", help="train the encoder too (freeze=False)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)

    numbers = make_data(4000, seed=0)  # (4000,)
    train_x, test_x = numbers[:3000], numbers[3000:]
    loss_fn, out_dim = (nn.MSELoss(), 1) if args.task == "log" else (nn.CrossEntropyLoss(), 10)

    embed = NumberEmbedding.from_pretrained(args.model, freeze=not args.finetune)
    net = nn.Sequential(embed, nn.Linear(embed.embedding_dim, 128), nn.ReLU(), nn.Linear(128, out_dim))
    opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad], lr=3e-3)

    start = time.time()
    for step in range(args.steps):
        batch = train_x[torch.randint(len(train_x), (128,))]  # (128,)
        loss = loss_fn(net(batch), target(batch, args.task))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 200 == 0:
            print(f"step {step:4d}  train loss {loss.item():.4f}")

    net.eval()
    with torch.no_grad():
        pred = net(test_x)  # (1000, out_dim)
    if args.task == "log":
        print(f"test mean absolute error of log10(n): {(pred - target(test_x, args.task)).abs().mean().item():.3f}")
    else:
        print(f"test accuracy of n mod 10: {(pred.argmax(-1) == target(test_x, args.task)).float().mean().item():.1%}")
    print(f"({time.time() - start:.1f} s)")


if __name__ == "__main__":
    main()
