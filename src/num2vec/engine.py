"""Inference of a trained :class:`num2vec.model.Num2VecNet` in NumPy alone: no PyTorch import.

The same network as :mod:`num2vec.model` (the PyTorch module stays the reference, and the one that trains), run
with NumPy's matrix products (BLAS) on the weights read from ``model.safetensors`` by ``safetensors.numpy``. It
exists for what PyTorch makes slow on a CPU: importing it (about 2 s) and its per-operation overhead on one small
call. ``num2vec predict`` answers through it, and ``Num2Vec.from_pretrained(backend="numpy")`` uses it for
``predict_next``, ``encode`` and ``encode_sequences``.

What it runs, step for step as :meth:`num2vec.model.Num2VecNet.generate` does:

1. distinct number rows (terms and difference rows) -> the GRU encoder (one or more layers, one or two
   directions), rows sorted by length so that step t runs only on the rows still going -> projection and the
   magnitude channel -> u ``(U, d_model)``;
2. the nested GRU over each sequence's ``[u, u of 1st..N-th differences]`` -> s ``(B, T, nest_hidden)``;
3. the decoder GRU from ``tanh(init_dec(s_t))``, reading the previous token and the digit columns, attention
   over the nested states (``attention="numbers"``), the output MLP (exact erf GELU), the output grammar, greedy
   or beam search.

The input product ``W_ih x`` of a GRU that reads tokens is a table lookup ``(V, 3H)`` (the encoder's; the
decoder's previous-token block); the decoder's column block is one matrix product per step over the answers still
being written (greedy decoding drops an answer once it has ended). Sums run in another order than PyTorch's, so
logits differ by float32 rounding (about 1e-5); ``tests/test_engine.py`` checks that the answers are the same on
thousands of sequences.

Supported: GRU cells, ``attention`` "none" or "numbers" (the bundled architecture). :func:`unsupported` names
what a configuration needs that this engine lacks; such models run on PyTorch.

>>> from num2vec.engine import NumpyNet, predict_numbers   # doctest: +SKIP
>>> net, config = NumpyNet.from_folder("path/to/model")    # doctest: +SKIP
>>> predict_numbers(net, [[1, 2, 3]])                      # doctest: +SKIP
[[(4, -0.0003)]]
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from .codec import EOS, NEG, PAD, SOS, VOCAB_SIZE, decode_tokens, fill_allowed_next, unique_token_rows, until_eos
from .config import CONFIG_NAME, WEIGHTS_NAME, ModelConfig, check_weights_header, read_config
from .exact import MISSING, featurize

_LN10 = math.log(10.0)
#: the encoder runs its rows in chunks of at most this many, so that a step's gate arrays stay in the core's cache
CHUNK_ROWS = 256


@functools.cache
def _pool(workers: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="num2vec")


def _map(fn: Callable, items: list, workers: int) -> list:
    """``[fn(x) for x in items]``, on ``workers`` threads when there are several: NumPy releases the GIL in its
    array operations and matrix products, so independent chunks of work run in parallel (with one BLAS thread
    each). The results are those of the serial loop, in order."""
    if workers <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    return list(_pool(workers).map(fn, items))


def unsupported(cfg: ModelConfig) -> str | None:
    """Why the NumPy engine cannot run a model of configuration ``cfg``, or None when it can."""
    if cfg.cell != "gru":
        return f"cell={cfg.cell!r} (the NumPy engine runs GRU models)"
    if cfg.attention not in ("none", "numbers"):
        return f"attention={cfg.attention!r} (the NumPy engine attends to numbers only)"
    return None


# --- elementwise functions (float32 in, float32 out) ---------------------------------------------
def _erf(x: np.ndarray) -> np.ndarray:
    """erf(x) by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, below float32's resolution of erf near 1)."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    y = 1.0 - poly * np.exp(-x * x)
    return np.copysign(y, x).astype(x.dtype, copy=False)


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU(x) = x Φ(x) with the exact (erf) Φ, as ``torch.nn.GELU()`` (Hendrycks & Gimpel 2016)."""
    return 0.5 * x * (1.0 + _erf(x * np.float32(1 / math.sqrt(2))))


def _log_softmax(x: np.ndarray) -> np.ndarray:
    """log softmax over the last axis."""
    m = x.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    shifted = x - m
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


# --- number features ----------------------------------------------------------------------------
def _log10_abs(tokens: np.ndarray) -> np.ndarray:
    """log10(|n| + 1) of token rows ``(N, L)`` from their leading six digits -> float64 ``(N,)``
    (as :func:`num2vec.model._log10_abs`)."""
    is_digit = tokens <= 9
    d = np.where(is_digit, tokens, 0).astype(np.int64)
    lead = np.maximum(is_digit.sum(-1), 1) - 1  # (N,)
    pos = lead[:, None] - np.arange(6)[None, :]  # (N, 6): most significant first
    top = np.take_along_axis(d, np.maximum(pos, 0), axis=1).astype(np.float64)
    top[pos < 0] = 0.0
    mantissa = top @ (10.0 ** -np.arange(6, dtype=np.float64))
    with np.errstate(divide="ignore"):
        small = np.log10(mantissa * 10.0 ** np.minimum(lead, 6) + 1)
        large = lead + np.log10(np.maximum(mantissa, 1e-9))
    return np.where(lead < 6, small, large)


def magnitude_features(tokens: np.ndarray, max_digits: int) -> np.ndarray:
    """The magnitude channel of token rows ``(N, L)`` -> ``(N, 2 + max_digits)`` float32, as
    :func:`num2vec.model.magnitude_features`: sign, ``tanh(log10(|n|+1) / max_digits)``, ``sigmoid(ln 10
    (log10(|n|+1) - k))`` for k = 0..max_digits-1."""
    log10 = _log10_abs(tokens)
    k = np.arange(max_digits, dtype=np.float64)
    scales = 1.0 / (1.0 + np.exp(-_LN10 * (log10[:, None] - k[None, :])))
    sign = (tokens == NEG).any(-1).astype(np.float64)
    return np.concatenate([sign[:, None], np.tanh(log10 / max_digits)[:, None], scales], axis=1).astype(np.float32)


# --- array helpers ------------------------------------------------------------------------------
def _linear(x: np.ndarray, w_t: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """``x (..., d_in) @ w_t (d_in, d_out) + b`` as one matrix product: ``np.matmul`` on a 3-D ``x`` would run one
    small product per leading index."""
    y = x.reshape(-1, x.shape[-1]) @ w_t
    if b is not None:
        y += b
    return y.reshape(*x.shape[:-1], w_t.shape[1])


def _pad_last(a: np.ndarray, width: int, value: int) -> np.ndarray:
    """``a (..., n)`` padded with ``value`` to ``(..., width)`` along its last axis (``np.pad`` costs more on small
    arrays)."""
    if a.shape[-1] >= width:
        return a
    out = np.full((*a.shape[:-1], width), value, dtype=a.dtype)
    out[..., : a.shape[-1]] = a
    return out


# --- the recurrent cell -----------------------------------------------------------------------
class _GRULayer:
    """One direction of one GRU layer (PyTorch's gate order r, z, n):
    r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(W_iz x + b_iz + W_hz h + b_hz),
    n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h."""

    def __init__(self, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray):
        self.w_ih_t = np.ascontiguousarray(w_ih.T)  # (d_in, 3H)
        self.w_hh_t = np.ascontiguousarray(w_hh.T)  # (H, 3H)
        self.b_ih, self.b_hh = b_ih, b_hh
        self.H = w_hh.shape[1]

    def token_inputs(self, embed: np.ndarray) -> np.ndarray:
        """W_ih E[v] + b_ih for every token v of an embedding table ``embed (V, d_in)`` -> ``(V, 3H)``: for a
        first layer that reads token embeddings, its input product is then a lookup."""
        return embed @ self.w_ih_t + self.b_ih

    def inputs(self, x: np.ndarray) -> np.ndarray:
        """W_ih x + b_ih for inputs ``(..., d_in)`` -> ``(..., 3H)``, for every step at once."""
        return _linear(x, self.w_ih_t, self.b_ih)

    def step(self, gi: np.ndarray, h: np.ndarray) -> np.ndarray:
        """One step from input gates ``gi (N, 3H)`` and states ``h (N, H)`` -> new states ``(N, H)`` (three arrays
        allocated; the rest in place)."""
        H = self.H
        gh = h @ self.w_hh_t  # (N, 3H)
        gh += self.b_hh
        rz = gi[:, : 2 * H] + gh[:, : 2 * H]
        rz *= np.float32(0.5)  # sigmoid(x) = (1 + tanh(x / 2)) / 2
        np.tanh(rz, out=rz)
        rz *= np.float32(0.5)
        rz += np.float32(0.5)
        n = gh[:, 2 * H :]
        n *= rz[:, :H]
        n += gi[:, 2 * H :]
        np.tanh(n, out=n)
        out = h - n  # h' = (1 - z) n + z h = n + z (h - n)
        out *= rz[:, H:]
        out += n
        return out


class _GRU:
    """A (stacked, optionally bidirectional) batch-first GRU with weights named as ``torch.nn.GRU``'s."""

    def __init__(self, weights: dict[str, np.ndarray], prefix: str, layers: int, bidirectional: bool):
        self.layers: list[list[_GRULayer]] = []
        for k in range(layers):
            dirs = []
            for suffix in ("", "_reverse") if bidirectional else ("",):
                dirs.append(_GRULayer(*(weights[f"{prefix}.{name}_l{k}{suffix}"]
                                        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))))
            self.layers.append(dirs)
        self.H = self.layers[0][0].H

    def by_length(self, tokens: np.ndarray, lengths: np.ndarray, tables: list[np.ndarray], outputs: bool = False):
        """Token rows ``(N, L)`` of ``lengths (N,)`` real steps, all > 0, read through the first layer's input
        tables ``(V, 3H)``, one per direction (:meth:`_GRULayer.token_inputs`) -> outputs ``(N, L, dirs*H)``
        (zero past each row's length; None with ``outputs=False``) and the last layer's final states, one
        ``(N, H)`` per direction. Rows are sorted by length, longest first, so that step t runs on the rows that
        reach it; a reverse direction starts each row at its own last step."""
        N, L = tokens.shape
        order = np.argsort(-lengths, kind="stable")
        tokens, lens = tokens[order], lengths[order]
        steps = int(lens[0]) if N else 0
        active = (lens[None, :] > np.arange(steps)[:, None]).sum(1)  # (steps,): rows still going at step t
        finals: list[np.ndarray] = []
        x = out = None
        for li, dirs in enumerate(self.layers):
            keep = outputs or li < len(self.layers) - 1
            outs, finals = [], []
            for di, cell in enumerate(dirs):
                gi = None if li == 0 else cell.inputs(x[:, :steps])  # (N, steps, 3H)
                h = np.zeros((N, cell.H), dtype=np.float32)
                o = np.zeros((N, L, cell.H), dtype=np.float32) if keep else None
                for t in (range(steps) if di == 0 else range(steps - 1, -1, -1)):
                    a = active[t]
                    g = tables[di][tokens[:a, t]] if li == 0 else gi[:a, t]
                    h[:a] = cell.step(g, h[:a])
                    if keep:
                        o[:a, t] = h[:a]
                outs.append(o)
                finals.append(h)
            if keep:
                out = x = outs[0] if len(outs) == 1 else np.concatenate(outs, axis=-1)
        inverse = np.argsort(order)
        return (out[inverse] if outputs else None), [h[inverse] for h in finals]

    def full(self, x: np.ndarray) -> np.ndarray:
        """All rows ``x (B, T, d)`` for all T steps, forward only -> outputs ``(B, T, H)``."""
        B, T = x.shape[:2]
        for dirs in self.layers:
            cell = dirs[0]
            gi = cell.inputs(x)
            h = np.zeros((B, cell.H), dtype=np.float32)
            out = np.empty((B, T, cell.H), dtype=np.float32)
            for t in range(T):
                h = cell.step(gi[:, t], h)
                out[:, t] = h
            x = out
        return x


# --- the network ------------------------------------------------------------------------------
class NumpyNet:
    """A trained num2vec network for inference in NumPy (see the module docstring).

    ``NumpyNet(cfg, weights)``: ``weights`` maps the names of ``Num2VecNet.state_dict()`` to float32 arrays.
    Raises ``ValueError`` when the configuration is one the engine does not run (:func:`unsupported`) or a
    weight is missing or has the wrong shape.
    """

    def __init__(self, cfg: ModelConfig, weights: dict[str, np.ndarray]):
        why = unsupported(cfg)
        if why is not None:
            raise ValueError(f"the NumPy engine cannot run this model: {why}")
        self.cfg = cfg
        w = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
        _check_shapes(cfg, w)
        self.weights = w  # as read: the names and shapes of Num2VecNet.state_dict()
        self.enc_rnn = _GRU(w, "encoder.rnn", cfg.enc_layers, cfg.bidirectional)
        # the encoder's first input product per token and direction: (V, 3H) tables
        self.enc_tables = [cell.token_inputs(w["encoder.embed.weight"]) for cell in self.enc_rnn.layers[0]]
        self.enc_proj_t, self.enc_proj_b = np.ascontiguousarray(w["encoder.proj.weight"].T), w["encoder.proj.bias"]
        self.nested = _GRU(w, "nested", cfg.nest_layers, False)
        self.init_dec_t, self.init_dec_b = np.ascontiguousarray(w["init_dec.weight"].T), w["init_dec.bias"]
        self.decoder = _GRU(w, "decoder", cfg.dec_layers, False)
        first = self.decoder.layers[0][0]
        d = cfg.d_digit
        # the first decoder layer's input product, split: the previous token's block is a (V, 3H) table
        self.dec_token_gates = w["dec_embed.weight"] @ first.w_ih_t[:d] + first.b_ih  # (V, 3H)
        self.dec_col_w = first.w_ih_t[d:]  # (K+C)*d_column rows
        self.col_embed = w.get("col_embed.weight")  # (V+1, d_column) or None
        self.att_numbers_t = np.ascontiguousarray(w["att_numbers.weight"].T) if "att_numbers.weight" in w else None
        self.head = [(np.ascontiguousarray(w[f"head.{i}.weight"].T), w[f"head.{i}.bias"]) for i in (0, 2)]
        self.pattern_head = None
        if cfg.pattern_classes:
            self.pattern_head = [(np.ascontiguousarray(w[f"pattern_head.{i}.weight"].T), w[f"pattern_head.{i}.bias"])
                                 for i in (0, 2)]
        mask = np.zeros(VOCAB_SIZE, dtype=np.float32)
        mask[[PAD, SOS]] = -np.inf
        if not cfg.allow_negative:
            mask[NEG] = -np.inf
        self.out_mask = mask

    @classmethod
    def from_folder(cls, folder: str | os.PathLike) -> tuple[NumpyNet, dict]:
        """Load a model folder (``config.json`` + ``model.safetensors``) -> ``(net, config dict)``.

        The config is checked as by :func:`num2vec.serialization.load_model`; the weights are read by
        ``safetensors.numpy`` (never unpickled) and must be finite. Raises ``FileNotFoundError`` or ``ValueError``
        naming the file.
        """
        from safetensors import SafetensorError
        from safetensors.numpy import load_file

        folder = Path(folder)
        if not folder.is_dir():
            raise FileNotFoundError(f"{folder} is not a folder: a num2vec model folder holds {CONFIG_NAME} and "
                                    f"{WEIGHTS_NAME}")
        config = read_config(folder)
        try:
            cfg = ModelConfig.from_dict(config["model"])
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{folder / CONFIG_NAME}: {exc}") from None
        why = unsupported(cfg)
        if why is not None:
            raise ValueError(f"{folder}: the NumPy engine cannot run this model: {why}; use backend='torch'")
        path = folder / WEIGHTS_NAME
        # the header first: the exact tensors of this config in float32, laid end to end, or nothing is read
        check_weights_header(path, {name: ("F32", shape, 4 * math.prod(shape))
                                    for name, shape in expected_shapes(cfg).items()})
        try:
            weights = load_file(path)
        except (SafetensorError, ValueError, RuntimeError, OSError) as exc:
            raise ValueError(f"{path} is not a valid safetensors file: {exc}") from None
        for name, value in weights.items():
            if value.dtype.kind == "f" and not np.isfinite(value).all():
                raise ValueError(f"{path}: tensor {name} holds NaN or infinite values")
        try:
            return cls(cfg, weights), config
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None

    # --- encoder and nested RNN -----------------------------------------------------------
    def encode_numbers(self, tokens: np.ndarray, lengths: np.ndarray, workers: int = 1) -> np.ndarray:
        """Token rows ``(N, L)`` with ``lengths (N,)`` > 0 -> number embeddings u ``(N, d_model)`` float32.

        Rows run in chunks of :data:`CHUNK_ROWS`, on ``workers`` threads (see :func:`_map`)."""
        if tokens.shape[0] == 0:
            return np.zeros((0, self.cfg.d_model), dtype=np.float32)
        # per chunk of rows: each direction's final states
        finals = _map(lambda i: self.enc_rnn.by_length(tokens[i : i + CHUNK_ROWS], lengths[i : i + CHUNK_ROWS],
                                                       self.enc_tables)[1],
                      list(range(0, tokens.shape[0], CHUNK_ROWS)), workers)
        final = np.concatenate([np.concatenate(f, axis=-1) for f in finals])  # (N, dirs*H)
        u = final @ self.enc_proj_t + self.enc_proj_b
        if self.cfg.magnitude_channel:
            u = np.concatenate([u, magnitude_features(tokens, self.cfg.max_digits)], axis=-1)
        return u

    def encode_context(self, tokens: np.ndarray, lengths: np.ndarray, diffs: np.ndarray | None = None) -> np.ndarray:
        """tokens ``(B, T, L)``, lengths ``(B, T)``, diffs ``(N, B, T, Ld)`` -> nested states s ``(B, T, nest_hidden)``.

        Each distinct number row is encoded once (as :meth:`num2vec.model.Num2VecNet.encode_context`).
        """
        B, T, L = tokens.shape
        N = self.cfg.nested_differences
        rows_in = tokens.reshape(B * T, L)
        if N:
            if diffs is None or diffs.shape[:3] != (N, B, T):
                raise ValueError(f"this model's nested RNN reads {N} orders of differences: pass diffs of shape "
                                 f"({N}, {B}, {T}, Ld) from num2vec.exact.featurize")
            width = max(L, diffs.shape[-1])
            rows_in = np.concatenate([_pad_last(rows_in, width, PAD),
                                      _pad_last(diffs.reshape(N * B * T, -1).astype(np.int64), width, PAD)])
        rows, inverse = unique_token_rows(rows_in)
        row_len = (rows != PAD).sum(-1)
        valid = row_len > 0
        u = np.zeros((rows.shape[0], self.cfg.d_model), dtype=np.float32)
        u[valid] = self.encode_numbers(rows[valid], row_len[valid])
        u_all = u[inverse].reshape(1 + N, B, T, -1)
        nested_in = u_all.transpose(1, 2, 0, 3).reshape(B, T, -1) if N else u_all[0]
        return self.nested.full(nested_in)

    def pattern_embedding(self, s: np.ndarray) -> np.ndarray:
        """Sequence embeddings ``(..., nest_hidden)`` -> pattern embeddings ``(..., pattern_dim)``."""
        if self.pattern_head is None:
            raise ValueError("this model has no pattern head (pattern_classes=0): it has no pattern embeddings")
        w, b = self.pattern_head[0]
        return _gelu(_linear(s, w, b))

    # --- decoder ------------------------------------------------------------------------
    def _column_inputs(self, tokens: np.ndarray, t: np.ndarray, L_out: int, candidates: np.ndarray | None):
        """The digit-column embeddings the decoder reads at each step, ``(B, L_out, (K + C) * d_column)`` (see
        :meth:`num2vec.model.Num2VecNet._columns`), or None for a model without columns."""
        if self.col_embed is None:
            return None
        K = self.cfg.context_numbers
        B, _, L = tokens.shape
        if L < L_out:
            tokens = _pad_last(tokens, L_out, PAD)
        idx = t[:, None] - np.arange(K)[None, :]  # (B, K)
        cols = tokens[np.arange(B)[:, None], np.maximum(idx, 0), :L_out]  # (B, K, L_out)
        cols = np.where((idx < 0)[:, :, None], MISSING, cols)
        C = self.cfg.column_spec.n_columns
        if C:
            if candidates is None or candidates.shape[:2] != (B, C):
                raise ValueError(f"this model reads {C} candidate columns per target: pass columns from "
                                 "num2vec.exact.featurize")
            cand = candidates.astype(np.int64)
            Lc = cand.shape[-1]
            if Lc < L_out:
                fill = np.where(cand[..., :1] == MISSING, MISSING, PAD)
                cand = np.concatenate([cand, np.broadcast_to(fill, (B, C, L_out - Lc))], axis=-1)
            cols = np.concatenate([cols, cand[..., :L_out]], axis=1)  # (B, K + C, L_out)
        emb = self.col_embed[cols.transpose(0, 2, 1)]  # (B, L_out, K + C, d_column)
        return emb.reshape(B, L_out, -1)

    def _logits(self, z: np.ndarray, keys: np.ndarray | None, key_mask: np.ndarray | None) -> np.ndarray:
        """Decoder outputs ``z (M, H_d)`` -> logits ``(M, V)``: attention over the nested states ``keys (M, T, H)``
        where ``key_mask (M, T)``, then the output MLP."""
        features = z
        if self.att_numbers_t is not None:
            q = z @ self.att_numbers_t  # (M, H)
            scores = (keys @ q[:, :, None])[:, :, 0] * np.float32(1 / math.sqrt(keys.shape[-1]))  # (M, T)
            scores = np.where(key_mask, scores, -np.inf)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            weights = scores / scores.sum(-1, keepdims=True)
            features = np.concatenate([z, (weights[:, None, :] @ keys)[:, 0]], axis=-1)  # (M, H_d + H)
        (w0, b0), (w2, b2) = self.head
        return _gelu(features @ w0 + b0) @ w2 + b2 + self.out_mask

    def generate(self, tokens: np.ndarray, lengths: np.ndarray, n_numbers: np.ndarray, columns: np.ndarray | None =
                 None, diffs: np.ndarray | None = None, beam_size: int = 1, top_k: int = 1):
        """Predict the number after the last one of each sequence, as :meth:`num2vec.model.Num2VecNet.generate`.

        tokens ``(B, T, L)``, lengths ``(B, T)``, n_numbers ``(B,)``, ``columns (B, C, Lc)`` and
        ``diffs (N, B, T, Ld)`` from :func:`num2vec.exact.featurize` with ``last_only=True``. Returns per
        sequence ``top_k`` ``(token list, log-prob)`` pairs, best first (greedy decoding for ``beam_size=1``),
        under the same output grammar.
        """
        cfg = self.cfg
        B, T, L = tokens.shape
        beam = max(beam_size, top_k)
        s = self.encode_context(tokens, lengths, diffs)  # (B, T, Hn)
        t = n_numbers.astype(np.int64) - 1
        max_out = lengths.max(axis=1).astype(np.int64) + 1  # (B,)
        if columns is not None and columns.shape[1]:
            real = (columns != PAD) & (columns != MISSING)
            max_out = np.maximum(max_out, real.sum(-1).max(-1) + 1)
        J = int(max_out.max()) + 2
        col_in = self._column_inputs(tokens, t, J, columns)  # (B, J, (K + C) * d_column) or None
        s_t = s[np.arange(B), t]  # (B, Hn)
        h0 = np.tanh(s_t @ self.init_dec_t + self.init_dec_b).reshape(B, cfg.dec_layers, cfg.dec_hidden)
        state = [np.ascontiguousarray(h0[:, k]) for k in range(cfg.dec_layers)]  # per layer (B, H)
        key_mask = np.arange(T)[None, :] <= t[:, None]  # (B, T)
        seq_of = np.repeat(np.arange(B), beam)  # (BK,): each hypothesis's sequence
        if beam > 1:
            state = [h[seq_of] for h in state]
            max_out = max_out[seq_of]
        BK = B * beam
        keys = s[seq_of] if self.att_numbers_t is not None else None
        kmask = key_mask[seq_of]
        scores = np.full((B, beam), -np.inf, dtype=np.float32)
        scores[:, 0] = 0.0
        scores = scores.reshape(-1)
        seqs = np.full((BK, J), PAD, dtype=np.int64)
        prev = np.full(BK, SOS, dtype=np.int64)
        n_digits = np.zeros(BK, dtype=np.int64)
        last_digit = np.zeros(BK, dtype=np.int64)
        neg = np.zeros(BK, dtype=bool)
        done = np.zeros(BK, dtype=bool)
        finished = np.full(VOCAB_SIZE, -np.inf, dtype=np.float32)
        finished[PAD] = 0.0
        every = np.arange(BK)
        for j in range(J):
            # greedy decoding runs the network on the answers still being written only; a finished one takes <pad>
            # at no cost (a beam keeps every hypothesis: a finished one may still be overtaken)
            a = every if beam > 1 else np.nonzero(~done)[0]
            gi = self.dec_token_gates[prev[a]]  # (A, 3H)
            if col_in is not None:
                gi += col_in[seq_of[a], j] @ self.dec_col_w
            h = None
            for k, dirs in enumerate(self.decoder.layers):
                if k:
                    gi = dirs[0].inputs(h)
                h = dirs[0].step(gi, state[k][a])
                state[k][a] = h
            out = _log_softmax(self._logits(h, None if keys is None else keys[a], kmask[a]))  # (A, V)
            out += self._grammar(n_digits[a], last_digit[a], neg[a], max_out[a])
            if beam == 1:  # the running rows' best token; the finished ones take <pad> at no cost
                cand = scores[a, None] + out  # (A, V)
                best = cand.argmax(axis=1)
                tok = np.full(BK, PAD, dtype=np.int64)
                tok[a] = best
                scores[a] = cand[np.arange(len(a)), best]
            else:
                logp = np.where(done[:, None], finished, out)  # every hypothesis runs: a is all of them
                cand = (scores[:, None] + logp).reshape(B, beam * VOCAB_SIZE)
                where = np.argsort(-cand, axis=1, kind="stable")[:, :beam]  # (B, beam)
                tok = (where % VOCAB_SIZE).reshape(-1)
                scores = np.take_along_axis(cand, where, axis=1).reshape(-1)
                src = ((where // VOCAB_SIZE) + (np.arange(B) * beam)[:, None]).reshape(-1)
                seqs, n_digits, last_digit, neg, done = seqs[src], n_digits[src], last_digit[src], neg[src], done[src]
                state = [h[src] for h in state]
            tok = np.where(done, PAD, tok)
            seqs[:, j] = tok
            is_digit = tok <= 9
            n_digits = n_digits + is_digit
            last_digit = np.where(is_digit, tok, last_digit)
            neg = neg | (tok == NEG)
            done = done | (tok == EOS)
            prev = np.where(tok == PAD, EOS, tok)
            if done.all():
                break
        scores = scores.reshape(B, beam)
        order = np.argsort(-scores, axis=1, kind="stable")[:, :top_k]
        best = np.take_along_axis(scores, order, axis=1)
        rows = np.take_along_axis(seqs.reshape(B, beam, J), order[:, :, None], axis=1)
        out = []
        for rr, ss in zip(rows.tolist(), best.tolist()):
            out.append([(until_eos(r), float(sc)) for r, sc in zip(rr, ss) if math.isfinite(sc)])
        return out

    def _grammar(self, n_digits, last_digit, neg, max_out) -> np.ndarray:
        """Additive mask ``(BK, V)`` of the tokens allowed next (see :meth:`num2vec.model.Num2VecNet._grammar`)."""
        allow = np.zeros((n_digits.shape[0], VOCAB_SIZE), dtype=bool)
        fill_allowed_next(allow, n_digits, last_digit, neg, max_out, self.cfg.allow_negative)
        return np.where(allow, np.float32(0.0), np.float32(-np.inf))


def expected_shapes(cfg: ModelConfig) -> dict[str, tuple[int, ...]]:
    """The name and shape of every tensor of ``Num2VecNet(cfg).state_dict()`` (GRU models), without PyTorch."""
    dirs = 2 if cfg.bidirectional else 1
    expected: dict[str, tuple[int, ...]] = {
        "encoder.embed.weight": (VOCAB_SIZE, cfg.d_digit),
        "encoder.proj.weight": (cfg.d_model - cfg.magnitude_size, dirs * cfg.enc_hidden),
        "encoder.proj.bias": (cfg.d_model - cfg.magnitude_size,),
        "init_dec.weight": (cfg.dec_layers * cfg.dec_hidden, cfg.nest_hidden),
        "init_dec.bias": (cfg.dec_layers * cfg.dec_hidden,),
        "dec_embed.weight": (VOCAB_SIZE, cfg.d_digit),
    }
    gru = [("encoder.rnn", cfg.d_digit, cfg.enc_hidden, cfg.enc_layers, dirs),
           ("nested", (1 + cfg.nested_differences) * cfg.d_model, cfg.nest_hidden, cfg.nest_layers, 1),
           ("decoder", sum(width for _, width in cfg.decoder_inputs()), cfg.dec_hidden, cfg.dec_layers, 1)]
    for prefix, d_in, H, layers, nd in gru:
        for k in range(layers):
            for suffix in ("", "_reverse")[:nd]:
                width = d_in if k == 0 else nd * H
                expected |= {f"{prefix}.weight_ih_l{k}{suffix}": (3 * H, width),
                             f"{prefix}.weight_hh_l{k}{suffix}": (3 * H, H),
                             f"{prefix}.bias_ih_l{k}{suffix}": (3 * H,), f"{prefix}.bias_hh_l{k}{suffix}": (3 * H,)}
    d_out = cfg.dec_hidden
    if cfg.context_numbers:
        expected["col_embed.weight"] = (VOCAB_SIZE + 1, cfg.d_column)
    if cfg.attention == "numbers":
        expected["att_numbers.weight"] = (cfg.nest_hidden, cfg.dec_hidden)
        d_out += cfg.nest_hidden
    expected |= {"head.0.weight": (cfg.dec_hidden, d_out), "head.0.bias": (cfg.dec_hidden,),
                 "head.2.weight": (VOCAB_SIZE, cfg.dec_hidden), "head.2.bias": (VOCAB_SIZE,)}
    if cfg.pattern_classes:
        expected |= {"pattern_head.0.weight": (cfg.pattern_dim, cfg.nest_hidden),
                     "pattern_head.0.bias": (cfg.pattern_dim,),
                     "pattern_head.2.weight": (cfg.pattern_classes, cfg.pattern_dim),
                     "pattern_head.2.bias": (cfg.pattern_classes,)}
    if cfg.number_properties:
        classes = 10 + 3 + 7 + cfg.max_digits + 10 + 1  # num2vec.model.NUMBER_PROPERTIES
        expected |= {"property_head.weight": (classes, cfg.d_model), "property_head.bias": (classes,)}
    return expected


def _check_shapes(cfg: ModelConfig, w: dict[str, np.ndarray]) -> None:
    """Every weight the engine reads is present with the shape ``cfg`` implies; raises ``ValueError`` naming it."""
    for name, shape in expected_shapes(cfg).items():
        if name not in w:
            raise ValueError(f"tensor {name} is missing")
        if tuple(w[name].shape) != shape:
            raise ValueError(f"tensor {name} has shape {tuple(w[name].shape)}, expected {shape}")


def predict_numbers(net: NumpyNet, seqs: Sequence[Sequence[int]], batch_size: int = 512, beam_size: int = 1,
                    top_k: int = 1, workers: int = 1) -> list[list[tuple[int, float]]]:
    """Next-number candidates ``[(int, log_prob), ...]`` for each validated integer sequence, as
    :func:`num2vec.model.predict_numbers` (batches of ``batch_size`` sequences sorted by length and size; the
    batches on ``workers`` threads, see :func:`_map`)."""
    spec = net.cfg.column_spec
    order = sorted(range(len(seqs)), key=lambda i: (len(seqs[i]), max((abs(v) for v in seqs[i]), default=0)))

    def run(idx: list[int]) -> list:
        f = featurize([seqs[i] for i in idx], spec, last_only=True)
        return net.generate(f.tokens, f.lengths, f.n, columns=f.columns, diffs=f.diffs, beam_size=beam_size,
                            top_k=top_k)

    batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    out: list = [None] * len(seqs)
    for idx, res in zip(batches, _map(run, batches, workers)):
        for i, cands in zip(idx, res):
            out[i] = [(decode_tokens(tok), lp) for tok, lp in cands]
    return out
