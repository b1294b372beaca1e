"""How well can any model do on a held-out test set? A Bayes estimate from the generator itself.

    python benchmarks/bayes.py --distribution original --samples 2000000

Draws ``--samples`` sequences from the generator (8 terms, its own seed) and counts,
for every 7-term input of the 3000 held-out ``test`` sequences, which 8th terms
follow it. Two figures:

- **Bayes**: predict the most frequent continuation of each test input -- the
  best any predictor can do on the distribution (an input never drawn counts
  as right: the estimate is optimistic there).
- **with the training set's holes**: the same, after removing every drawn
  sequence that *is* a test sequence, as a training set that excludes whole
  held-out sequences does (``TrainConfig.exclude="sequences"``): what a model
  that only fits such a training set would get. Excluding held-out *inputs*
  (``exclude="inputs"``) leaves no contrary evidence and avoids this.

With ``--misses`` it also sorts a model's misses on the test set (the bundled
model unless ``--model``; beam search of 4): those the Bayes predictor misses too,
those whose input was never drawn, and those it gets right -- the ones a better
model could still win -- listed with the counts of their continuations.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

from num2vec.data import GeneratorConfig, SequenceGenerator, heldout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--distribution", default="original")
    ap.add_argument("--samples", type=int, default=2_000_000)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--misses", action="store_true", help="sort a model's misses (see above)")
    ap.add_argument("--model", default=None, help="with --misses: a model folder [default: the bundled model]")
    ap.add_argument("--beam-size", type=int, default=4)
    args = ap.parse_args()
    cfg = GeneratorConfig(8, 8, distribution=args.distribution)
    test = heldout("test", 3000, cfg)
    inputs = {s.terms[:-1] for s in test}
    follow: dict[tuple[int, ...], Counter] = defaultdict(Counter)
    gen = SequenceGenerator(cfg, seed=args.seed)
    for _ in range(args.samples):
        s = gen.sample()
        if s.terms[:-1] in inputs:
            follow[s.terms[:-1]][s.terms[-1]] += 1
    test_set = {s.terms for s in test}
    bayes, holes, seen = Counter(), Counter(), 0
    for s in test:
        x, y = s.terms[:-1], s.terms[-1]
        c = follow.get(x, Counter())
        seen += bool(c)
        bayes[s.family] += (c.most_common(1)[0][0] == y) if c else 1
        rest = Counter({v: n for v, n in c.items() if x + (v,) not in test_set})
        holes[s.family] += (rest.most_common(1)[0][0] == y) if rest else 1
    excluded = sum(n for x, c in follow.items() for v, n in c.items() if x + (v,) in test_set)
    print(f"{args.samples:,} generated {args.distribution} sequences; {seen} of 3000 test inputs drawn; "
          f"{excluded / args.samples:.1%} of the draws are test sequences")
    fams = Counter(s.family for s in test)
    print("| family | n | Bayes | with the holes |\n| --- | --- | --- | --- |")
    for f in sorted(fams):
        print(f"| {f} | {fams[f]} | {bayes[f] / fams[f]:.1%} | {holes[f] / fams[f]:.1%} |")
    print(f"| all | 3000 | {sum(bayes.values()) / 3000:.1%} | {sum(holes.values()) / 3000:.1%} |")
    if args.misses:
        sort_misses(test, follow, args.model, args.beam_size)


def sort_misses(test, follow, model_path, beam_size: int) -> None:
    from num2vec import Num2Vec

    model = Num2Vec.from_pretrained(model_path)
    preds = model.predict_next([list(s.terms[:-1]) for s in test], beam_size=beam_size)
    kinds: dict[str, Counter] = defaultdict(Counter)
    winnable = []
    for s, p in zip(test, preds, strict=True):
        if p == s.terms[-1]:
            continue
        c = follow.get(s.terms[:-1])
        kind = "never drawn" if not c else ("Bayes right" if c.most_common(1)[0][0] == s.terms[-1] else "Bayes wrong")
        kinds[kind][s.family] += 1
        if kind == "Bayes right":
            winnable.append((s.terms, p, c.most_common(3)))
    print(f"\nthe model's misses (beam {beam_size}): {sum(sum(k.values()) for k in kinds.values())} of {len(test)}")
    for kind, fams in sorted(kinds.items()):
        print(f"- {kind}: {sum(fams.values())} ({', '.join(f'{f} {n}' for f, n in fams.most_common())})")
    print("misses the Bayes predictor gets right (times in the test set: terms, model's answer, commonest continuations):")
    for (terms, p, common), times in sorted(Counter((t, p, tuple(c)) for t, p, c in winnable).items(),
                                            key=lambda w: (-w[1], -w[0][2][0][1])):
        print(f"  {times}x {' '.join(map(str, terms))}: {p}; {list(common)}")


if __name__ == "__main__":
    main()
