"""The num2vec network: digit encoder -> nested RNN -> digit decoder.

Shapes use B = sequences in a batch, T = numbers per sequence, L = tokens per
number (digits least significant first, see :mod:`num2vec.codec`), M = numbers
to predict, K = previous numbers whose digit columns the decoder reads.

1. **Encoder** R^e: an RNN over the digit embeddings E[x_ij] of every number of
   the batch in one call; its final state, projected, is the number embedding
   u_i ``(B, T, d_model)`` (with ``magnitude_channel``, its last 2 + max_digits
   entries are fixed magnitude features instead: :func:`magnitude_features`).
2. **Nested RNN** R^n: an RNN over u_1..u_T; its state s^n_i is the sequence
   embedding after i numbers and O^n(s^n_i) = v_i ``(B, T, layers * H_dec)``
   starts the decoder.
3. **Decoder** R^d: an RNN started from v_i that writes the digits of number i+1.
   At digit step j it reads the previous token and *digit j of each of the last K
   numbers* (the columns line up because digits run least significant first) and,
   with ``difference_orders`` D > 0, digit j of the last K first, ..., D-th
   differences of the sequence (what a finite-difference solver looks at),
   optionally attends to the encoder's digit states of those numbers and to the
   nested RNN's outputs, and emits a distribution over tokens through an MLP.

Training is teacher-forced over every target at once, optionally with scheduled
sampling (Bengio et al. 2015, in its parallel form): a share of the decoder's
input tokens is replaced by the model's own predictions from a first pass.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .codec import EOS, NEG, PAD, SOS, VOCAB_SIZE, fill_allowed_next, unique_token_rows, until_eos
from .config import (  # noqa: F401  (re-exported: the configuration belongs to the network)
    ATTENTION_CHOICES,
    CONFIG_VERSION,
    MAX_DIFFERENCE_ORDER,
    MAX_EXTRAPOLATION_ORDER,
    MAX_PERIOD_EXTRAPOLATIONS,
    ModelConfig,
)
from .exact import MISSING

# what the auxiliary property head reads from a number embedding u (of |n|): five classifications and one
# regression (log10); the heads are linear, so a trained u holds these properties linearly
NUMBER_PROPERTIES = ("last_digit", "mod3", "mod7", "digits", "leading_digit", "log10")
_MOD7_WEIGHTS = (1, 3, 2, 6, 4, 5)  # 10^j mod 7, period 6


def number_properties(tokens: torch.Tensor, max_digits: int) -> dict[str, torch.Tensor]:
    """Digit properties of |n| for token rows ``(N, L)`` -> a dict of ``(N,)`` tensors (targets of the property head).

    Class targets are int64: ``last_digit`` (0..9), ``mod3`` (0..2), ``mod7``
    (0..6), ``digits`` (number of digits - 1, 0..max_digits-1), ``leading_digit``
    (0..9); ``log10`` is float ``log10(|n| + 1)`` from the leading 6 digits.

    >>> from num2vec.codec import encode_batch
    >>> tok, _ = encode_batch([305, -42], max_digits=20)
    >>> p = number_properties(torch.from_numpy(tok), 20)
    >>> [p[k].tolist() for k in ("last_digit", "mod3", "mod7", "digits", "leading_digit")]
    [[5, 2], [2, 0], [4, 0], [2, 1], [3, 4]]
    """
    d, lead_pos = _digits(tokens)
    w7 = torch.tensor([_MOD7_WEIGHTS[j % 6] for j in range(tokens.shape[1])], device=tokens.device)
    return {
        "last_digit": d[:, 0],
        "mod3": d.sum(-1) % 3,
        "mod7": (d * w7).sum(-1) % 7,
        "digits": lead_pos.clamp(max=max_digits - 1),
        "leading_digit": d.gather(1, lead_pos[:, None])[:, 0],
        "log10": _log10_abs(tokens).float(),
    }


def _digits(tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Token rows ``(N, L)`` -> their digits ``(N, L)`` int64 (0 elsewhere) and the position of the leading digit
    ``(N,)``."""
    is_digit = tokens <= 9
    return tokens.masked_fill(~is_digit, 0).long(), is_digit.sum(-1).clamp(min=1) - 1


def _log10_abs(tokens: torch.Tensor) -> torch.Tensor:
    """log10(|n| + 1) of token rows ``(N, L)`` from their leading six digits -> float64 ``(N,)`` (relative error
    below 10^-5: exact enough for a regression target and a magnitude feature)."""
    d, lead_pos = _digits(tokens)
    pos = lead_pos[:, None] - torch.arange(6, device=tokens.device)[None, :]  # (N, 6): MSB first
    top = d.gather(1, pos.clamp(min=0)).masked_fill(pos < 0, 0).double()
    mantissa = (top * torch.tensor([10.0 ** -j for j in range(6)], dtype=torch.float64, device=tokens.device)).sum(-1)
    return torch.where(lead_pos < 6, torch.log10(mantissa * 10.0 ** lead_pos.double() + 1),
                       lead_pos.double() + torch.log10(mantissa.clamp(min=1e-9)))


def magnitude_features(tokens: torch.Tensor, max_digits: int) -> torch.Tensor:
    """The fixed magnitude channel of token rows ``(N, L)`` -> ``(N, 2 + max_digits)`` float32.

    Entries: the sign (1 for negatives), ``tanh(log10(|n| + 1) / max_digits)`` and
    ``(|n| + 1) / (|n| + 1 + 10^k)`` for k = 0..max_digits-1 -- a soft "at least
    10^k" that is close to linear in n around 10^k, so the value of a number is a
    smooth function of u at every scale (a learned RNN state holds magnitude only
    coarsely). Defined for numbers of any length: past 10^max_digits the
    indicators are 1 and the log10 entry keeps growing towards 1, never past it.
    Computed from the leading digits (:func:`_log10_abs`).

    >>> from num2vec.codec import encode_batch
    >>> tok, _ = encode_batch([0, 9, -999], max_digits=4)
    >>> [[round(v, 3) for v in row] for row in magnitude_features(torch.from_numpy(tok), 4).tolist()]
    [[0.0, 0.0, 0.5, 0.091, 0.01, 0.001], [0.0, 0.245, 0.909, 0.5, 0.091, 0.01], [1.0, 0.635, 0.999, 0.99, 0.909, 0.5]]
    """
    log10 = _log10_abs(tokens)  # (N,)
    k = torch.arange(max_digits, device=tokens.device, dtype=torch.float64)
    scales = torch.sigmoid(math.log(10) * (log10[:, None] - k[None, :]))  # (N, max_digits)
    sign = (tokens == NEG).any(-1).double()
    return torch.cat([sign[:, None], torch.tanh(log10 / max_digits)[:, None], scales], dim=1).float()


def _property_sizes(cfg: ModelConfig) -> dict[str, int]:
    """Outputs of the property head per property (classes; 1 for the log10 regression)."""
    return dict(zip(NUMBER_PROPERTIES, (10, 3, 7, cfg.max_digits, 10, 1), strict=True))


def _embedding(num: int, dim: int, padding_idx: int | None = None) -> nn.Embedding:
    """``nn.Embedding(num, dim, padding_idx)`` with its default N(0, 1) initialisation, drawn by ``torch.randn``.

    The same values from the same CPU RNG state, drawn on the CPU (a few KB) and
    moved to the default device: ``normal_`` and ``randn`` on the ``meta`` device
    would import PyTorch's compiler stack (seconds) when loading builds the model
    there to check the weights' header.
    """
    weight = torch.randn(num, dim, device="cpu")
    if padding_idx is not None:
        weight[padding_idx] = 0.0
    return nn.Embedding(num, dim, padding_idx=padding_idx, _weight=weight.to(torch.get_default_device()))


def _rnn(cfg: ModelConfig, d_in: int, hidden: int, layers: int, bidirectional: bool = False) -> nn.RNNBase:
    cls = nn.GRU if cfg.cell == "gru" else nn.LSTM
    return cls(d_in, hidden, num_layers=layers, batch_first=True, bidirectional=bidirectional,
               dropout=cfg.dropout if layers > 1 else 0.0)


#: inference on at most this many rows runs them in one packed call (see :func:`run_by_length`)
PACKED_ROWS = 256
#: inference on the CPU runs a group of rows of one length in chunks of at most this many rows: a GRU's gate
#: tensors then stay in the core's cache (measured on the AMD EPYC: the encoder's GRU ran 1.7-2.2x faster in chunks
#: of 128-1,024 rows than in one call on 4,096-8,192 rows)
CHUNK_ROWS = 512
#: ``predict_numbers`` on at most this many sequences runs in ``torch.inference_mode`` (less per-operation work than
#: ``no_grad``; measured on the AMD EPYC, alternating calls: 1.10x faster for one sequence, 1.05x for 64, 1.02x for 256,
#: 0.95x for 3,000 in batches of 512, with the same answers)
INFERENCE_MODE_SEQUENCES = 256


def run_by_length(rnn: nn.RNNBase, x: torch.Tensor, lengths: torch.Tensor, state=None, outputs: bool = True):
    """Run a batch-first ``rnn`` over rows ``x (N, L, d)`` of ``lengths (N,)`` real steps, grouped by length.

    Rows of equal length run together without padding, so the work is the real
    steps only and the final states are exact in both directions (a padded batch
    would run every row for L steps; ``pack_padded_sequence`` was slower on CPU for training batches). In
    inference (no autograd) on the CPU, at most :data:`PACKED_ROWS` rows run as one packed sequence instead: one
    call costs less than one per length there, and the states are the same up to float rounding.
    ``state``: initial states ``(layers*dirs, N, H)`` (a pair for LSTMs) or None.
    Returns outputs ``(N, L, dirs*H)``, zero past each row's length (None with
    ``outputs=False``), and final states ``(layers*dirs, N, H)`` (a pair for LSTMs).
    """
    N, L = x.shape[:2]
    if N == 0:
        dirs = 2 if rnn.bidirectional else 1
        h = x.new_zeros(rnn.num_layers * dirs, 0, rnn.hidden_size)
        return x.new_zeros(0, L, dirs * rnn.hidden_size), ((h, h) if isinstance(rnn, nn.LSTM) else h)
    if N <= PACKED_ROWS and not torch.is_grad_enabled() and x.device.type == "cpu" and bool((lengths > 0).all()):
        # inference on a few rows (one sequence, a small call): one packed call instead of one call per length;
        # measured on the AMD EPYC, 2.4x faster for 8 rows of 8 lengths, about even at 2,048 rows
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        o, h = rnn(packed, state)  # final states come back in the rows' order
        out = nn.utils.rnn.pad_packed_sequence(o, batch_first=True, total_length=L)[0] if outputs else None
        return out, h
    # sort the rows by length once and split them into groups: each group's gradient is then its own slice (indexing
    # or slicing the whole batch per group would allocate a batch-sized gradient per group in the backward pass)
    order = torch.argsort(lengths, stable=True)
    group_lengths, counts = torch.unique_consecutive(lengths[order], return_counts=True)
    counts = counts.tolist()
    xs = torch.split(x[order], counts)
    if state is None:
        inits: list = [None] * len(counts)
    elif isinstance(state, tuple):
        inits = list(zip(*(torch.split(s[:, order], counts, dim=1) for s in state)))
    else:
        inits = list(torch.split(state[:, order], counts, dim=1))
    outs, hs, cs = [], [], []
    chunked = not torch.is_grad_enabled() and x.device.type == "cpu"
    for length, xg, init in zip(group_lengths.tolist(), xs, inits):
        if chunked and xg.shape[0] > CHUNK_ROWS:
            o, h = _run_in_chunks(rnn, xg[:, :length], init)
        else:
            o, h = rnn(xg[:, :length], init)
        if outputs:
            outs.append(F.pad(o, (0, 0, 0, L - length)))
        hs.append(h[0] if isinstance(h, tuple) else h)
        if isinstance(h, tuple):
            cs.append(h[1])
    inverse = torch.argsort(order)
    out = torch.cat(outs)[inverse] if outputs else None
    h = torch.cat(hs, dim=1)[:, inverse]
    return out, ((h, torch.cat(cs, dim=1)[:, inverse]) if cs else h)


def _run_in_chunks(rnn: nn.RNNBase, x: torch.Tensor, state):
    """``rnn(x, state)`` on chunks of :data:`CHUNK_ROWS` rows of a batch-first ``x (N, L, d)``, concatenated."""
    parts = []
    for i in range(0, x.shape[0], CHUNK_ROWS):
        rows = slice(i, i + CHUNK_ROWS)
        init = None if state is None else tuple(s[:, rows] for s in state) if isinstance(state, tuple) \
            else state[:, rows]
        parts.append(rnn(x[rows], init))
    out = torch.cat([o for o, _ in parts])
    if isinstance(parts[0][1], tuple):
        return out, tuple(torch.cat(hs, dim=1) for hs in zip(*(h for _, h in parts)))
    return out, torch.cat([h for _, h in parts], dim=1)


def unique_rows(rows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``torch.unique(rows, dim=0, return_inverse=True)`` for token rows ``(R, L)``: distinct rows ``(U, L)``
    in lexicographic order and ``inverse (R,)``.

    On the CPU the rows are compared as byte strings (:func:`num2vec.codec.unique_token_rows`), about 10x faster
    than ``unique_dim`` and with the same result.
    """
    if rows.device.type != "cpu" or rows.shape[0] == 0:
        return torch.unique(rows, dim=0, return_inverse=True)
    distinct, inverse = unique_token_rows(rows.numpy())
    return torch.from_numpy(distinct).to(rows.dtype), torch.from_numpy(inverse)


class DigitEncoder(nn.Module):
    """Numbers as token rows ``(N, L)`` -> embeddings ``(N, d_model)`` and digit states ``(N, L, H)``."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = _embedding(VOCAB_SIZE, cfg.d_digit, padding_idx=PAD)
        self.rnn = _rnn(cfg, cfg.d_digit, cfg.enc_hidden, cfg.enc_layers, cfg.bidirectional)
        dirs = 2 if cfg.bidirectional else 1
        self.proj = nn.Linear(dirs * cfg.enc_hidden, cfg.d_model - cfg.magnitude_size)
        self.state_size = dirs * cfg.enc_hidden

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor, states: bool = True):
        """Returns embeddings ``(N, d_model)`` and digit states ``(N, L, dirs*H)`` (None with ``states=False``)."""
        x = self.embed(tokens)  # (N, L, d_digit)
        out, h = run_by_length(self.rnn, x, lengths, outputs=states)  # (N, L, dirs*H), (layers*dirs, N, H)
        h = h[0] if isinstance(h, tuple) else h
        final = torch.cat([h[-2], h[-1]], dim=-1) if self.cfg.bidirectional else h[-1]  # (N, dirs*H)
        u = self.proj(final)  # (N, d_model - magnitude_size)
        if self.cfg.magnitude_channel:
            u = torch.cat([u, magnitude_features(tokens, self.cfg.max_digits).to(u.dtype)], dim=-1)  # (N, d_model)
        return u, out


class Num2VecNet(nn.Module):
    """The whole model. ``forward(batch, targets=True) -> (logits, loss, stats)``."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder = DigitEncoder(cfg)
        self.nested = _rnn(cfg, (1 + cfg.nested_differences) * cfg.d_model, cfg.nest_hidden, cfg.nest_layers)
        self.init_dec = nn.Linear(cfg.nest_hidden, cfg.dec_layers * cfg.dec_hidden)  # O^n
        self.dec_embed = _embedding(VOCAB_SIZE, cfg.d_digit, padding_idx=PAD)
        self.col_embed = _embedding(VOCAB_SIZE + 1, cfg.d_column) if cfg.context_numbers else None
        d_in = sum(width for _, width in cfg.decoder_inputs())
        self.decoder = _rnn(cfg, d_in, cfg.dec_hidden, cfg.dec_layers)
        d_out = cfg.dec_hidden
        if cfg.attention in ("digits", "both"):
            self.att_digits = nn.Linear(cfg.dec_hidden, self.encoder.state_size, bias=False)
            d_out += self.encoder.state_size
        if cfg.attention in ("numbers", "both"):
            self.att_numbers = nn.Linear(cfg.dec_hidden, cfg.nest_hidden, bias=False)
            d_out += cfg.nest_hidden
        self.head = nn.Sequential(nn.Linear(d_out, cfg.dec_hidden), nn.GELU(), nn.Linear(cfg.dec_hidden, VOCAB_SIZE))
        # auxiliary: the sequence embedding s^n also names the pattern type; the head's hidden layer is a
        # pattern embedding in which nearest neighbours share a pattern type (what `classify` looks up)
        self.pattern_head = None
        if cfg.pattern_classes:
            self.pattern_head = nn.Sequential(nn.Linear(cfg.nest_hidden, cfg.pattern_dim), nn.GELU(),
                                              nn.Linear(cfg.pattern_dim, cfg.pattern_classes))
        # auxiliary: linear heads read digit properties and magnitude of |n| from the number embedding u, so that
        # u keeps what the next-term loss alone does not force it to (parity, residues, leading digit, size)
        self.property_head = None
        if cfg.number_properties:
            self.property_head = nn.Linear(cfg.d_model, sum(_property_sizes(cfg).values()))
        # decoding never emits <pad> or <sos>
        mask = torch.zeros(VOCAB_SIZE)
        mask[[PAD, SOS]] = float("-inf")
        if not cfg.allow_negative:
            mask[NEG] = float("-inf")
        self.register_buffer("out_mask", mask, persistent=False)
        # a finished beam hypothesis keeps its score through one free <pad>
        finished = torch.full((VOCAB_SIZE,), float("-inf"))
        finished[PAD] = 0.0
        self.register_buffer("_finished_row", finished, persistent=False)

    # --- pieces ---------------------------------------------------------------
    def encode_numbers(self, tokens: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Token rows ``(N, L)`` -> number embeddings u ``(N, d_model)``."""
        return self.encoder(tokens, lengths, states=False)[0]

    def encode_context(self, tokens: torch.Tensor, lengths: torch.Tensor, diffs: torch.Tensor | None = None,
                       distinct: bool = False):
        """Encode a batch of sequences.

        tokens ``(B, T, L)``, lengths ``(B, T)`` (0 for padding numbers); ``diffs``
        ``(N, B, T, Ld)``: token rows of the 1st..N-th differences (from
        :func:`num2vec.exact.featurize`), needed when ``nested_differences = N > 0``.
        Returns u ``(B, T, d_model)``, digit states ``(B, T, L, H_e)`` (None unless
        the decoder attends to digits), nested states s^n ``(B, T, nest_hidden)``;
        with ``distinct=True`` also the distinct numbers' token rows ``(U, L')`` and
        embeddings ``(U, d_model)``.
        """
        B, T, L = tokens.shape
        N = self.cfg.nested_differences
        rows_in = tokens.reshape(B * T, L)  # (B*T, L)
        if N:
            if diffs is None or diffs.shape[:3] != (N, B, T):
                raise ValueError(f"this model's nested RNN reads {N} orders of differences: pass diffs of shape "
                                 f"({N}, {B}, {T}, Ld) from num2vec.exact.featurize")
            width = max(L, diffs.shape[-1])
            rows_in = torch.cat([F.pad(rows_in, (0, width - L), value=PAD),
                                 F.pad(diffs.long(), (0, width - diffs.shape[-1]), value=PAD).reshape(N * B * T, width)])
        # a number that occurs several times in the batch (cycles, staircases, small values) is encoded once
        rows, inverse = unique_rows(rows_in)  # (U, L'), (R,)
        row_len = (rows != PAD).sum(-1)  # (U,); the all-<pad> row of missing numbers stays zero
        valid = row_len > 0
        need_states = hasattr(self, "att_digits")  # digit states are only attended to
        u_valid, states_valid = self.encoder(rows[valid], row_len[valid], states=need_states)
        u = u_valid.new_zeros(rows.shape[0], self.cfg.d_model)
        u[valid] = u_valid
        u_all = u[inverse].view(1 + N, B, T, -1)  # (1+N, B, T, d_model)
        u = u_all[0]  # (B, T, d_model)
        states = None
        if need_states:
            states = states_valid.new_zeros(rows.shape[0], rows.shape[1], states_valid.shape[-1])
            states[valid] = states_valid
            states = states[inverse[: B * T], :L].view(B, T, L, -1)  # (B, T, L, H_e)
        nested_in = u_all.permute(1, 2, 0, 3).reshape(B, T, -1) if N else u  # (B, T, (1+N)*d_model)
        s, _ = self.nested(nested_in)  # (B, T, nest_hidden); causal, so end padding is harmless
        if distinct:
            return u, states, s, rows[valid], u_valid
        return u, states, s

    def property_loss(self, rows: torch.Tensor, u: torch.Tensor) -> tuple[torch.Tensor, float]:
        """Loss of the property head on numbers ``rows (U, L)`` with embeddings ``u (U, d_model)``.

        The mean of the class heads' cross-entropies and a Huber loss on log10(|n|+1);
        also returns the class heads' mean accuracy.
        """
        if self.property_head is None:
            raise ValueError("this model has no property head (number_properties=False)")
        targets = number_properties(rows, self.cfg.max_digits)
        out = self.property_head(u).float()  # (U, sum of sizes)
        losses, accs, start = [], [], 0
        for name, size in _property_sizes(self.cfg).items():
            part = out[:, start:start + size]
            start += size
            if name == "log10":
                losses.append(F.huber_loss(part[:, 0], targets[name]))
            else:
                losses.append(F.cross_entropy(part, targets[name]))
                accs.append((part.argmax(-1) == targets[name]).float().mean())
        return torch.stack(losses).mean(), torch.stack(accs).mean().item()

    def pattern_embedding(self, s: torch.Tensor) -> torch.Tensor:
        """Sequence embeddings s^n ``(..., nest_hidden)`` -> pattern embeddings ``(..., pattern_dim)``.

        Only for models with a pattern head (``pattern_classes > 0``).
        """
        if self.pattern_head is None:
            raise ValueError("this model has no pattern head (pattern_classes=0): it has no pattern embeddings")
        return self.pattern_head[1](self.pattern_head[0](s))

    def _columns(self, tokens: torch.Tensor, b: torch.Tensor, t: torch.Tensor, L_out: int,
                 candidates: torch.Tensor | None) -> torch.Tensor:
        """Digit-column features for predicting number t+1 of sequence b: ``(M, L_out, C_all*d_column)``.

        The columns are digit j of the last K numbers (t, t-1, ...) and of the
        ``candidates (M, C, Lc)`` computed by :mod:`num2vec.exact`; at decoder step j
        the decoder reads digit j of each.
        """
        K = self.cfg.context_numbers
        L = tokens.shape[-1]
        if L < L_out:
            tokens = F.pad(tokens, (0, L_out - L), value=PAD)
        idx = t[:, None] - torch.arange(K, device=t.device)[None, :]  # (M, K): t, t-1, ..., t-K+1
        missing = idx < 0
        cols = tokens[b[:, None], idx.clamp(min=0), :L_out]  # (M, K, L_out)
        cols = cols.masked_fill(missing[:, :, None], MISSING)  # "no such number" token
        C = self.cfg.column_spec.n_columns
        if C:
            if candidates is None or candidates.shape[:2] != (b.shape[0], C):
                raise ValueError(f"this model reads {C} candidate columns per target: pass columns from "
                                 "num2vec.exact.featurize")
            cand = candidates.long()
            Lc = cand.shape[-1]
            if Lc < L_out:  # past its end a candidate is <pad>, a missing one stays missing
                fill = torch.where(cand[..., :1] == MISSING, MISSING, PAD)  # (M, C, 1)
                cand = torch.cat([cand, fill.expand(-1, -1, L_out - Lc)], dim=-1)
            cols = torch.cat([cols, cand[..., :L_out]], dim=1)  # (M, K + C, L_out)
        emb = self.col_embed(cols.transpose(1, 2))  # (M, L_out, K + C, d_column)
        return emb.flatten(2)

    def _memory(self, states: torch.Tensor, lengths: torch.Tensor, s: torch.Tensor, b: torch.Tensor, t: torch.Tensor):
        """Attention memories for each target: digit states of the last K numbers, nested outputs up to t."""
        K = max(1, self.cfg.context_numbers)
        mem = {}
        if hasattr(self, "att_digits"):
            idx = t[:, None] - torch.arange(K, device=t.device)[None, :]  # (M, K)
            ok = idx >= 0
            ic = idx.clamp(min=0)
            keys = states[b[:, None], ic]  # (M, K, L, H_e)
            L = keys.shape[2]
            pos_ok = torch.arange(L, device=t.device)[None, None, :] < lengths[b[:, None], ic][:, :, None]
            mask = (ok[:, :, None] & pos_ok).flatten(1)  # (M, K*L)
            mem["digits"] = (keys.flatten(1, 2), mask)
        if hasattr(self, "att_numbers"):
            T = s.shape[1]
            mask = torch.arange(T, device=t.device)[None, :] <= t[:, None]  # (M, T)
            mem["numbers"] = (s[b], mask)
        return mem

    def _head(self, z: torch.Tensor, mem: dict, real: torch.Tensor | None = None) -> torch.Tensor:
        """Decoder outputs z ``(M, J, H_d)`` -> logits ``(M, J, V)`` (Luong-style attention after the RNN).

        ``real`` ``(M, J)``: compute the output MLP only there (training skips the
        padding after each target); other positions get logits of 0.
        """
        parts = [z]
        for name, proj in (("digits", "att_digits"), ("numbers", "att_numbers")):
            if name in mem:
                keys, mask = mem[name]  # (M, S, H), (M, S)
                q = getattr(self, proj)(z)  # (M, J, H)
                scores = q @ keys.transpose(1, 2) / math.sqrt(keys.shape[-1])  # (M, J, S)
                scores = scores.masked_fill(~mask[:, None, :], float("-inf"))
                parts.append(torch.softmax(scores, dim=-1) @ keys)  # (M, J, H)
        features = torch.cat(parts, dim=-1)  # (M, J, d_out)
        if real is None:
            return self.head(features) + self.out_mask
        out = self.head(features[real]) + self.out_mask  # (R, V)
        logits = out.new_zeros(*features.shape[:2], VOCAB_SIZE)
        logits[real] = out  # (M, J, V)
        return logits

    def _init_state(self, s_t: torch.Tensor):
        cfg = self.cfg
        h0 = torch.tanh(self.init_dec(s_t)).view(-1, cfg.dec_layers, cfg.dec_hidden).transpose(0, 1).contiguous()
        return (h0, torch.zeros_like(h0)) if cfg.cell == "lstm" else h0

    def _decode(self, prev_tokens, cols, state, lengths=None):
        """Decoder outputs ``z (M, J, H_d)`` and states; with target ``lengths (M,)`` the work stops at each one's end."""
        x = self.dec_embed(prev_tokens)  # (M, J, d_digit)
        if cols is not None:
            x = torch.cat([x, cols], dim=-1)
        if lengths is None:
            return self.decoder(x, state)
        return run_by_length(self.decoder, x, lengths, state)

    # --- training -------------------------------------------------------------
    def forward(self, tokens, lengths, n_numbers, columns=None, diffs=None, min_given: int = 2, sampling: float = 0.0,
                patterns=None, pattern_weight: float = 0.1, property_weight: float = 0.1, skip=None):
        """Teacher-forced loss over every next-number target of the batch.

        tokens ``(B, T, L)``, lengths ``(B, T)``, n_numbers ``(B,)``; ``columns``
        ``(B, T, C, Lc)`` and ``diffs`` ``(N, B, T, Ld)`` as made by
        :func:`num2vec.exact.featurize` (for models that read them). Number t+1
        is predicted from numbers 1..t for every t >= ``min_given``.
        ``sampling`` is the scheduled-sampling rate (0: pure teacher forcing).
        ``patterns`` ``(B,)``: pattern-type labels for the auxiliary head (if the
        model has one), scored from every nested state after ``min_given`` numbers
        and added to the loss with ``pattern_weight``. A model with a property
        head adds its loss on the batch's distinct numbers with ``property_weight``.
        ``skip`` ``(B, T)`` bool: no loss for the number after position t where
        True (held-out targets, see ``TrainConfig.exclude``), and no pattern loss on
        the states at t and t+1.
        Returns ``(logits (M, J, V), loss, stats)``.
        """
        B, T, L = tokens.shape
        u, states, s, rows, u_rows = self.encode_context(tokens, lengths, diffs, distinct=True)
        pos = torch.arange(T, device=tokens.device)
        # predict number t+1 (0-based index t+1) from numbers 0..t
        want = (pos[None, :] >= min_given - 1) & (pos[None, :] + 1 < n_numbers[:, None])  # (B, T)
        if skip is not None:
            want = want & ~skip
        b, t = want.nonzero(as_tuple=True)  # (M,)
        target = tokens[b, t + 1]  # (M, L)
        J = int(lengths[b, t + 1].max())
        target = target[:, :J]
        target_len = lengths[b, t + 1]  # (M,)
        prev = torch.cat([torch.full_like(target[:, :1], SOS), target[:, :-1]], dim=1)  # (M, J)
        prev = prev.masked_fill(prev == PAD, EOS)
        cand = columns[b, t] if columns is not None else None  # (M, C, Lc)
        cols = self._columns(tokens, b, t, J, cand) if self.col_embed is not None else None
        mem = self._memory(states, lengths, s, b, t)
        state = self._init_state(s[b, t])
        if sampling > 0:
            with torch.no_grad():
                z0, _ = self._decode(prev, cols, state, target_len)
                guess = self._head(z0, mem, target != PAD).argmax(-1)  # (M, J)
            swap = torch.rand(prev.shape, device=prev.device) < sampling
            swap[:, 0] = False
            guess_prev = torch.cat([prev[:, :1], guess[:, :-1]], dim=1)
            prev = torch.where(swap, guess_prev, prev)
        z, _ = self._decode(prev, cols, state, target_len)
        real = target != PAD  # (M, J)
        logits = self._head(z, mem, real)  # (M, J, V), zero on padding
        loss = F.cross_entropy(logits[real], target[real])
        property_acc = None
        if self.property_head is not None and property_weight > 0:
            p_loss, property_acc = self.property_loss(rows, u_rows)
            loss = loss + property_weight * p_loss
        pattern_acc = None
        if patterns is not None and self.pattern_head is not None:
            seen = (pos[None, :] >= min_given - 1) & (pos[None, :] < n_numbers[:, None])  # (B, T)
            if skip is not None:
                # the states that have just read a held-out input, or it and its answer, learn no label either
                seen = seen & ~skip & ~F.pad(skip[:, :-1], (1, 0), value=False)
            pb, pt = seen.nonzero(as_tuple=True)
            p_logits = self.pattern_head(s[pb, pt])  # (P, C)
            loss = loss + pattern_weight * F.cross_entropy(p_logits, patterns[pb])
            with torch.no_grad():
                pattern_acc = (p_logits.argmax(-1) == patterns[pb]).float().mean().item()
        with torch.no_grad():
            pred = logits.argmax(-1)
            token_ok = (pred == target) | ~real
            number_ok = token_ok.all(dim=1)
            stats = {
                "token_acc": ((pred == target) & real).sum().item() / max(1, real.sum().item()),
                "number_acc": number_ok.float().mean().item(),
                "targets": int(b.numel()),
            }
            if pattern_acc is not None:
                stats["pattern_acc"] = pattern_acc
            if property_acc is not None:
                stats["property_acc"] = property_acc
        return logits, loss, stats

    # --- inference ------------------------------------------------------------
    @torch.no_grad()
    def generate(self, tokens, lengths, n_numbers, columns=None, diffs=None, beam_size: int = 1, top_k: int = 1):
        """Predict the number after the last one of each sequence.

        tokens ``(B, T, L)``, lengths ``(B, T)``, n_numbers ``(B,)``; ``columns``
        ``(B, C, Lc)`` (candidates for the next term) and ``diffs`` ``(N, B, T, Ld)``
        from :func:`num2vec.exact.featurize` with ``last_only=True``.
        Returns a list (one per sequence) of ``top_k`` ``(token list, log-prob)``
        pairs, best first. ``beam_size=1`` is greedy decoding. The output grammar
        is enforced: digits, then ``<neg>`` (if the model knows negatives),
        then ``<eos>``; no leading zeros; at most one digit more than the longest
        number or candidate of the batch.
        """
        B, T, L = tokens.shape
        beam = max(beam_size, top_k)
        _, states, s = self.encode_context(tokens, lengths, diffs)
        b = torch.arange(B, device=tokens.device)
        t = n_numbers - 1
        # each answer has at most one digit more than the longest number or candidate of its own sequence (tokens
        # include <eos>), so that no sequence's answer depends on the others in the batch
        max_out = lengths.max(dim=1).values + 1  # (B,)
        if columns is not None and columns.shape[1]:
            real = (columns != PAD) & (columns != MISSING)  # (B, C, Lc)
            max_out = torch.maximum(max_out, real.sum(-1).max(-1).values.long() + 1)
        J = int(max_out.max()) + 2  # digits, <neg>, <eos>
        cols = self._columns(tokens, b, t, J, columns) if self.col_embed is not None else None
        mem = self._memory(states, lengths, s, b, t)
        state = self._init_state(s[b, t])
        # expand every sequence to `beam` hypotheses: (B*beam, ...)
        if beam > 1:
            rep = lambda x: x.repeat_interleave(beam, dim=0)  # noqa: E731
            if cols is not None:
                cols = rep(cols)
            mem = {k: (rep(v[0]), rep(v[1])) for k, v in mem.items()}
            state = tuple(x.repeat_interleave(beam, dim=1) for x in state) if isinstance(state, tuple) \
                else state.repeat_interleave(beam, dim=1)
            max_out = rep(max_out)  # (B*beam,)
        BK = B * beam
        scores = torch.full((B, beam), float("-inf"), device=tokens.device)
        scores[:, 0] = 0.0
        scores = scores.view(-1)
        seqs = torch.full((BK, J), PAD, dtype=torch.long, device=tokens.device)
        prev = torch.full((BK, 1), SOS, dtype=torch.long, device=tokens.device)
        n_digits = torch.zeros(BK, dtype=torch.long, device=tokens.device)
        last_digit = torch.zeros(BK, dtype=torch.long, device=tokens.device)
        neg = torch.zeros(BK, dtype=torch.bool, device=tokens.device)
        done = torch.zeros(BK, dtype=torch.bool, device=tokens.device)
        for j in range(J):
            z, state = self._decode(prev, cols[:, j : j + 1] if cols is not None else None, state)
            logp = torch.log_softmax(self._head(z, mem)[:, 0], dim=-1)  # (BK, V)
            logp = torch.where(done[:, None], self._finished_row,
                               logp + self._grammar(n_digits, last_digit, neg, max_out))
            cand = scores[:, None] + logp  # (BK, V)
            cand = cand.view(B, beam * VOCAB_SIZE)
            top, where = cand.topk(beam, dim=1)  # (B, beam)
            tok, scores = (where % VOCAB_SIZE).view(-1), top.view(-1)
            if beam > 1:  # each hypothesis continues the one it came from (greedy: itself)
                src = ((where // VOCAB_SIZE) + (torch.arange(B, device=tokens.device) * beam)[:, None]).view(-1)
                seqs, n_digits, last_digit, neg, done = seqs[src], n_digits[src], last_digit[src], neg[src], done[src]
                state = tuple(x[:, src] for x in state) if isinstance(state, tuple) else state[:, src]
            tok = torch.where(done, torch.full_like(tok, PAD), tok)
            seqs[:, j] = tok
            is_digit = tok <= 9
            n_digits = n_digits + is_digit.long()
            last_digit = torch.where(is_digit, tok, last_digit)
            neg = neg | (tok == NEG)
            done = done | (tok == EOS)
            prev = torch.where(tok == PAD, torch.full_like(tok, EOS), tok)[:, None]
            if bool(done.all()):
                break
        scores = scores.view(B, beam).cpu()  # one transfer, not one per sequence
        order = scores.argsort(dim=1, descending=True, stable=True)[:, :top_k]  # (B, top_k)
        best = scores.gather(1, order)  # (B, top_k)
        rows = seqs.view(B, beam, J).cpu().gather(1, order[:, :, None].expand(-1, -1, J))  # (B, top_k, J)
        finite = torch.isfinite(best).tolist()
        return [[(until_eos(r), s) for r, s, ok in zip(rr, ss, ff) if ok]
                for rr, ss, ff in zip(rows.tolist(), best.tolist(), finite)]

    def _grammar(self, n_digits, last_digit, neg, max_out: torch.Tensor):
        """Additive mask ``(BK, V)`` of the tokens allowed next, for answers of at most ``max_out (BK,)`` digits."""
        allow = torch.zeros(n_digits.shape[0], VOCAB_SIZE, dtype=torch.bool, device=n_digits.device)
        fill_allowed_next(allow, n_digits, last_digit, neg, max_out, self.cfg.allow_negative)
        return torch.where(allow, 0.0, float("-inf"))


def resolve_device(device: str) -> torch.device:
    """``auto`` -> cuda when available, else cpu; ``cuda`` without a GPU is an error."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device={device!r} is unknown; choose auto, cpu or cuda")
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device='cuda' was requested but no CUDA GPU is available; use --device cpu or auto")
    return torch.device(device)


@torch.no_grad()
def predict_numbers(net: Num2VecNet, seqs, batch_size: int = 512, beam_size: int = 1, top_k: int = 1):
    """Next-number candidates for each integer sequence: a list of ``[(int, log_prob), ...]``.

    Sequences are validated by the caller; they are featurized here
    (:func:`num2vec.exact.featurize`) in batches of ``batch_size``, sorted by
    length and size so that padding stays small.
    """
    from .codec import decode_tokens
    from .exact import featurize

    device = next(net.parameters()).device
    spec = net.cfg.column_spec
    order = sorted(range(len(seqs)), key=lambda i: (len(seqs[i]), max((abs(v) for v in seqs[i]), default=0)))
    out: list = [None] * len(seqs)
    was_training = net.training
    if was_training:  # eval() walks every submodule: only when needed
        net.eval()
    to = lambda a: None if a is None else torch.from_numpy(a).to(device)  # noqa: E731
    try:
        with torch.inference_mode(len(seqs) <= INFERENCE_MODE_SEQUENCES):  # False: no_grad alone
            for start in range(0, len(order), batch_size):
                idx = order[start : start + batch_size]
                f = featurize([seqs[i] for i in idx], spec, last_only=True)
                res = net.generate(to(f.tokens), to(f.lengths), to(f.n), columns=to(f.columns), diffs=to(f.diffs),
                                   beam_size=beam_size, top_k=top_k)
                for i, cands in zip(idx, res):
                    out[i] = [(decode_tokens(tok), lp) for tok, lp in cands]
    finally:
        if was_training:
            net.train()
    return out
