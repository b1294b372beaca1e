"""How exactly a *linear* read-out recovers magnitude from the bundled model's number embeddings.

    python benchmarks/linear_magnitude.py

Numbers log-uniform in [0, 10^9] (as the probes' wide range), a random 80/20 split; least squares from the
embedding to log1p(n); scored like the probes' wide decoding (share of test numbers within 1 %, or 0.5 absolute).
Reported for the whole embedding, its learned entries only and its magnitude channel only. The probe table's small
MLP (docs/probes.md) reads the same vectors far less exactly within its 800 steps.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LinearRegression

from num2vec import Num2Vec


def main() -> None:
    model = Num2Vec.from_pretrained()
    rng = np.random.default_rng(0)
    n = np.unique(np.floor(np.expm1(rng.uniform(0, np.log1p(1e9), 6000))).astype(np.int64))
    rng.shuffle(n)
    u = model.encode([int(v) for v in n])  # (N, d)
    split = int(0.8 * len(n))
    m = model.net.cfg.magnitude_size
    parts = {"whole embedding": slice(None), "learned entries": slice(0, u.shape[1] - m)}
    if m:
        parts["magnitude channel"] = slice(u.shape[1] - m, None)
    for name, cols in parts.items():
        reg = LinearRegression().fit(u[:split, cols], np.log1p(n[:split]))
        pred, truth = np.expm1(reg.predict(u[split:, cols])), n[split:]
        within = np.mean(np.abs(pred - truth) <= np.maximum(0.01 * truth, 0.5))
        print(f"{name:18s} ({u[:, cols].shape[1]:3d} entries): within 1 % {within:.3f} of {len(truth)} test numbers")


if __name__ == "__main__":
    main()
