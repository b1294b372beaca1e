"""The public Python API: :class:`Num2Vec`.

>>> from num2vec import Num2Vec
>>> model = Num2Vec.from_pretrained()          # the model that ships with the package
>>> model.predict_next([2, 4, 8, 16])
32
>>> model.encode(42).shape, model.encode([1, 2, 3]).shape
((128,), (3, 128))
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import torch

from .codec import MAX_DIGITS, as_int_list, check_fits, encode_batch, to_int
from .exact import featurize
from .model import Num2VecNet, predict_numbers
from .serialization import load_model, save_model

#: the fewest terms a sequence needs before the model predicts its next term
MIN_TERMS = 2
#: inference precisions: exact float32, or bfloat16 autocast (faster on CPUs with AVX-512 BF16 and on GPUs)
PRECISIONS = ("fp32", "bf16")


def bundled_model_path() -> Path:
    """Folder of the pretrained model inside the installed package."""
    return Path(str(resources.files("num2vec") / "pretrained"))


class Num2Vec:
    """A trained num2vec model: next-term prediction, number and sequence embeddings.

    Inference is thread-safe: calls from several threads give the same results as
    serial calls.
    """

    def __init__(self, net: Num2VecNet, config: dict | None = None, precision: str = "fp32"):
        if precision not in PRECISIONS:
            raise ValueError(f"precision={precision!r} is unknown; choose {' or '.join(PRECISIONS)}")
        self.net = net.eval()
        self.config = config or {"model": net.cfg.to_dict()}
        self.precision = precision
        self._lock = threading.Lock()

    def _autocast(self):
        """bf16 autocast for ``precision="bf16"`` (matrix products in bfloat16; results returned as float32)."""
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.precision == "bf16")

    # --- loading and saving -------------------------------------------------------
    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, device: str = "cpu", precision: str = "fp32") -> Num2Vec:
        """Load a saved model folder; no ``path``: the bundled default model. Never downloads anything.

        ``precision="bf16"`` runs inference under bfloat16 autocast: about 1.7x the
        throughput on CPUs with AVX-512 BF16 (on 2000 held-out sequences the
        predictions were identical), while ``"fp32"`` (the default) is exact.
        """
        from .training import resolve_device

        if precision not in PRECISIONS:
            raise ValueError(f"precision={precision!r} is unknown; choose {' or '.join(PRECISIONS)}")
        folder = Path(path) if path is not None else bundled_model_path()
        net, config = load_model(folder, device=resolve_device(device))
        return cls(net, config, precision=precision)

    def save_pretrained(self, path: str | Path) -> Path:
        """Write ``config.json``, ``model.safetensors`` and a model card ``README.md`` into ``path``."""
        extra = {k: v for k, v in self.config.items() if k != "model"}
        return save_model(self.net, path, card=model_card(self.config), extra=extra)

    @property
    def device(self) -> torch.device:
        return next(self.net.parameters()).device

    @property
    def max_digits(self) -> int:
        """The most digits a number may have (the resource guard :data:`num2vec.codec.MAX_DIGITS`)."""
        return MAX_DIGITS

    @property
    def dim(self) -> int:
        """Size of a number embedding."""
        return self.net.cfg.d_model

    # --- validation ------------------------------------------------------------------
    def _check_number(self, v: int) -> int:
        check_fits(v)
        if v < 0 and not self.net.cfg.allow_negative:
            raise ValueError(f"{v} is negative, but this model was trained on non-negative numbers only")
        return v

    def check_sequences(self, seqs: object) -> tuple[list[list[int]], bool]:
        """Validate one sequence or a list of them as :meth:`predict_next` does.

        Returns ``(seqs, single)``: the sequences as lists of Python ints, and
        whether one sequence was given. Raises the same errors as the predictions.
        """
        if isinstance(seqs, np.ndarray):
            if seqs.ndim == 1:
                seqs, single = [seqs], True
            elif seqs.ndim == 2:
                seqs, single = list(seqs), False
            else:
                raise ValueError(f"sequences must be a 1-D or 2-D array, got shape {seqs.shape}")
        elif isinstance(seqs, (str, bytes)) or not isinstance(seqs, Iterable):
            raise TypeError(f"expected a sequence of integers or a list of sequences, got {type(seqs).__name__}")
        else:
            seqs = list(seqs)
            if not seqs:
                raise ValueError("the sequence is empty: give at least "
                                 f"{MIN_TERMS} numbers")
            nested = [not isinstance(s, (str, bytes)) and isinstance(s, (Iterable, np.ndarray)) for s in seqs]
            if all(nested):
                single = False
            elif not any(nested):
                seqs, single = [seqs], True
            else:
                raise TypeError("mixed input: give one sequence of integers or a list of sequences, not both")
        out = []
        for i, s in enumerate(seqs):
            ints = as_int_list(s, "sequence")
            if len(ints) < MIN_TERMS:
                where = "the sequence" if single else f"sequence {i}"
                raise ValueError(f"{where} has {len(ints)} number(s); at least {MIN_TERMS} are needed")
            out.append([self._check_number(v) for v in ints])
        return out, single

    # --- prediction ---------------------------------------------------------------------
    def predict_next(self, seqs, top_k: int | None = None, beam_size: int | None = None, batch_size: int = 512):
        """The next term of a sequence (``int``) or of each sequence of a list (``list[int]``).

        With ``top_k=K``: the K most likely next terms as ``[(number, probability), ...]``,
        most likely first, found by beam search (``beam_size`` defaults to ``max(K, 4)``);
        for a list of sequences, one such list per sequence.

        >>> model.predict_next([1, 2, 3])                 # doctest: +SKIP
        4
        >>> model.predict_next([[1, 2, 3], [5, 10, 15]])   # doctest: +SKIP
        [4, 20]
        """
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
            raise ValueError(f"top_k={top_k!r} must be a positive integer")
        if beam_size is not None and (isinstance(beam_size, bool) or not isinstance(beam_size, int) or beam_size < 1):
            raise ValueError(f"beam_size={beam_size!r} must be a positive integer")
        batch, single = self.check_sequences(seqs)
        k = top_k or 1
        beam = beam_size or (max(k, 4) if top_k else 1)
        with self._lock, self._autocast():
            res = predict_numbers(self.net, batch, batch_size=batch_size, beam_size=max(beam, k), top_k=k)
        if top_k is None:
            out = [r[0][0] for r in res]
        else:
            out = [[(v, float(np.exp(lp))) for v, lp in r] for r in res]
        return out[0] if single else out

    def continue_sequence(self, seq: Sequence[int], n: int, beam_size: int | None = None) -> list[int]:
        """The next ``n`` terms, each predicted from the sequence extended by the ones before."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"n={n!r} must be a positive integer")
        (terms,), single = self.check_sequences(seq)
        if not single:
            raise TypeError("continue_sequence takes one sequence of integers")
        out: list[int] = []
        for _ in range(n):
            nxt = self.predict_next(terms + out, beam_size=beam_size)
            try:
                self._check_number(nxt)
            except ValueError as err:
                raise ValueError(f"the continuation reached a number beyond what this model handles: {err}") from None
            out.append(nxt)
        return out

    # --- embeddings ---------------------------------------------------------------------
    def encode(self, numbers, batch_size: int = 4096, show_progress_bar: bool = False,
               normalize_embeddings: bool = False, convert_to_tensor: bool = False):
        """Number embeddings u: one int -> ``(d,)``, a list or 1-D array of N ints -> ``(N, d)``.

        Accepts Python ints of any size (up to the model's ``max_digits``), NumPy
        integer arrays and integral floats. Each distinct value is computed once,
        in batches of ``batch_size``: memory beyond the ``(N, d)`` result stays
        bounded (to write huge inputs straight to disk, use :meth:`export`).
        """
        single, uniq, inverse = self._distinct(numbers)
        out = np.empty((len(inverse), self.dim), dtype=np.float32)
        self._encode_into(out, uniq, inverse, batch_size, show_progress_bar, normalize_embeddings)
        emb = out[0] if single else out
        return torch.from_numpy(emb) if convert_to_tensor else emb

    def _distinct(self, numbers) -> tuple[bool, Sequence[int] | np.ndarray, np.ndarray]:
        """Validate ``numbers``; returns ``(single, distinct values, inverse index (N,))``."""
        single = not (isinstance(numbers, (np.ndarray, list, tuple, range)) or
                      (isinstance(numbers, Iterable) and not isinstance(numbers, (str, bytes))))
        if isinstance(numbers, np.ndarray) and numbers.ndim == 0:
            numbers, single = numbers.reshape(1), True
        if isinstance(numbers, np.ndarray) and numbers.dtype.kind in "iu" and numbers.ndim == 1:
            uniq, inverse = np.unique(numbers, return_inverse=True)
            if uniq.size and uniq[0] < 0:
                self._check_number(int(uniq[0]))
            return single, uniq, inverse.reshape(-1)
        ints = [self._check_number(v) for v in ([to_int(numbers)] if single else as_int_list(numbers))]
        index: dict[int, int] = {}
        inverse = np.fromiter((index.setdefault(v, len(index)) for v in ints), dtype=np.int64, count=len(ints))
        return single, list(index), inverse

    def _encode_into(self, out: np.ndarray, uniq, inverse: np.ndarray, batch_size: int, progress: bool,
                     normalize: bool) -> None:
        """Fill ``out[i] = u(uniq[inverse[i]])``, encoding ``batch_size`` distinct values at a time."""
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size={batch_size!r} must be a positive integer")
        from tqdm.auto import tqdm

        order = np.argsort(inverse, kind="stable")  # positions grouped by distinct value
        starts = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(uniq)))])
        with self._lock, torch.no_grad(), self._autocast():
            for a in tqdm(range(0, len(uniq), batch_size), disable=not progress, desc="encode"):
                b = min(a + batch_size, len(uniq))
                tokens, lengths = encode_batch(uniq[a:b])
                u = self.net.encode_numbers(torch.from_numpy(tokens).to(self.device),
                                            torch.from_numpy(lengths).to(self.device))
                u = u.float()
                if normalize:
                    u = torch.nn.functional.normalize(u, dim=-1)
                pos = order[starts[a] : starts[b]]  # every input position holding one of uniq[a:b]
                out[pos] = u.cpu().numpy()[inverse[pos] - a]

    def encode_sequences(self, seqs, batch_size: int = 512, kind: str = "state") -> np.ndarray:
        """Sequence embeddings, ``(N, d)`` (one sequence in -> ``(d,)``).

        ``kind="state"``: the nested RNN's state after the last number (the post's
        sequence embedding, ``d = nest_hidden``); ``kind="pattern"``: its pattern
        embedding (``d = pattern_dim``; models with a pattern head, like the bundled
        one), where nearest neighbours share a pattern type -- what ``classify`` uses.
        """
        if kind not in ("state", "pattern"):
            raise ValueError(f"kind={kind!r} is unknown; choose state or pattern")
        if kind == "pattern" and self.net.pattern_head is None:
            raise ValueError("kind='pattern' needs a model with a pattern head (pattern_classes > 0)")
        batch, single = self.check_sequences(seqs)
        out = []
        with self._lock, torch.no_grad(), self._autocast():
            for start in range(0, len(batch), batch_size):
                tokens, lengths, n, diffs, _ = featurize(batch[start : start + batch_size],
                                                         self.net.cfg.column_spec.nested_only)
                to = lambda a: None if a is None else torch.from_numpy(a).to(self.device)  # noqa: E731
                _, _, s = self.net.encode_context(to(tokens), to(lengths), to(diffs))
                last = s[torch.arange(len(n), device=self.device), to(n) - 1]  # (b, nest_hidden)
                out.append((self.net.pattern_embedding(last) if kind == "pattern" else last).float().cpu())
        emb = torch.cat(out).numpy()
        return emb[0] if single else emb

    def export(self, numbers, path: str | Path, fmt: str = "npy", vectors: np.ndarray | None = None) -> list[Path]:
        """Save the embeddings of ``numbers``; returns the files written.

        ``npy``: an ``(N, d)`` float32 array, streamed to disk in chunks (bounded
        memory). ``w2v``: word2vec text format (``N d`` then
        ``number v1 ... vd`` per line), loadable with gensim's
        ``KeyedVectors.load_word2vec_format``. ``tsv``: TensorBoard projector
        files, vectors in ``path`` and labels in ``<stem>_metadata.tsv``.
        ``txt``: ``number v1 ... vd`` per line.
        """
        if fmt not in ("npy", "w2v", "tsv", "txt"):
            raise ValueError(f"format={fmt!r} is unknown; choose npy, w2v, tsv or txt")
        path = Path(path)
        if not path.parent.is_dir():
            raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
        if fmt == "npy":
            if vectors is None:
                return [self._export_npy(numbers, path)]
            with open(path, "wb") as fh:  # a file object: np.save adds no ".npy" suffix
                np.save(fh, vectors)
            return [path]
        values = as_int_list(numbers)
        vectors = self.encode(values) if vectors is None else vectors
        sep = "\t" if fmt == "tsv" else " "
        with open(path, "w") as fh:
            if fmt == "w2v":
                fh.write(f"{len(values)} {vectors.shape[1]}\n")
            for v, row in zip(values, vectors):
                cells = [f"{x:.6g}" for x in row]
                fh.write(sep.join(cells if fmt == "tsv" else [str(v), *cells]) + "\n")
        if fmt != "tsv":
            return [path]
        meta = path.with_name(path.stem + "_metadata.tsv")
        with open(meta, "w") as fh:
            fh.write("number\tlast_digit\tdigits\n")
            for v in values:
                fh.write(f"{v}\t{abs(v) % 10}\t{len(str(abs(v)))}\n")
        return [path, meta]

    def _export_npy(self, numbers, path: Path, chunk: int = 1 << 18, table_bytes: int = 1 << 30) -> Path:
        """Stream the embeddings into an ``.npy`` file chunk by chunk: memory stays bounded for any input size.

        The distinct values are encoded once into a table when it fits in
        ``table_bytes``; otherwise each chunk is encoded on its own. Written to a
        temporary file and renamed, so a failure leaves no partial file.
        """
        if isinstance(numbers, range):
            numbers = np.arange(numbers.start, numbers.stop, numbers.step, dtype=np.int64)
        _, uniq, inverse = self._distinct(numbers)  # validates everything before writing
        table = None
        if len(uniq) * self.dim * 4 <= table_bytes:
            table = np.empty((len(uniq), self.dim), dtype=np.float32)  # (U, d)
            self._encode_into(table, uniq, np.arange(len(uniq)), 4096, False, False)
        n = len(inverse)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.lib.format.write_array_header_1_0(fh, {"descr": "<f4", "fortran_order": False,
                                                          "shape": (n, self.dim)})
                for start in range(0, n, chunk):
                    idx = inverse[start : start + chunk]
                    rows = table[idx] if table is not None else self.encode([uniq[i] for i in idx])
                    fh.write(rows.astype("<f4", copy=False).tobytes())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
        return path

    def similarity(self, a: int, b: int) -> float:
        """Cosine similarity of two numbers' embeddings."""
        u = self.encode([a, b], normalize_embeddings=True)
        return float(u[0] @ u[1])

    def most_similar(self, positive=(), negative=(), topn: int = 10, candidates: Iterable[int] = range(0, 10_000)):
        """Numbers of ``candidates`` closest (cosine) to mean(positive) - mean(negative), as ``[(int, score)]``.

        Query numbers are left out of the answer, as in gensim. ``positive=[8, 3],
        negative=[4]`` asks the analogy 8 - 4 + 3.
        """
        pos, neg = as_int_list(positive, "positive") if positive is not None else [], \
            as_int_list(negative, "negative") if negative is not None else []
        if not pos and not neg:
            raise ValueError("most_similar needs at least one number in positive or negative")
        if isinstance(topn, bool) or not isinstance(topn, int) or topn < 1:
            raise ValueError(f"topn={topn!r} must be a positive integer")
        cand = np.asarray(as_int_list(candidates, "candidates"), dtype=object)
        q = self.encode(pos + neg, normalize_embeddings=True)
        query = q[: len(pos)].sum(0) - q[len(pos):].sum(0)
        query /= np.linalg.norm(query) + 1e-12
        c = self.encode(list(cand), normalize_embeddings=True)
        scores = c @ query
        skip = set(pos) | set(neg)
        order = np.argsort(-scores, kind="stable")
        out = [(int(cand[i]), float(scores[i])) for i in order if int(cand[i]) not in skip]
        return out[:topn]

    def classify(self, seq, k: int = 10):
        """The pattern type of one sequence: the majority family of its ``k`` nearest labelled reference
        sequences, with their share and the neighbours (a :class:`num2vec.patterns.PatternMatch`).

        >>> model.classify([1, 4, 9, 16, 25]).family      # doctest: +SKIP
        'polynomial'
        """
        from .patterns import classify

        return classify(self, seq, k=k)


def model_card(config: dict) -> str:
    """A Markdown model card from a model folder's config."""
    model = config.get("model", {})
    training = config.get("training", {})
    evaluation = config.get("evaluation", {})
    lines = ["# num2vec model", "", "A num2vec model: digit-level encoder RNN -> nested RNN -> digit-level decoder RNN,",
             "trained to predict the next term of integer sequences. Load it with",
             "`Num2Vec.from_pretrained(path)`.", "", "## Architecture", "", "```json",
             json.dumps(model, indent=2), "```", ""]
    if training:
        tc = training.get("train_config", {})
        lines += ["## Training", "",
                  f"- command: `{training.get('command', 'num2vec train --preset ' + str(tc.get('preset')))}`",
                  f"- steps: {training.get('step')}, sequences seen: {training.get('sequences_seen')}",
                  f"- data: distribution `{tc.get('distribution')}`, {tc.get('min_length')}-{tc.get('max_length')} "
                  f"terms, values below {tc.get('max_value')}", ""]
        if training.get("wall_seconds"):
            lines.insert(-1, f"- wall time: {training['wall_seconds'] / 60:.0f} min on {training.get('machine', '?')}")
        if training.get("note"):
            lines.insert(-1, f"- note: {training['note']}")
    evaluations = config.get("evaluations") or ([dict(evaluation, name="mixed")] if evaluation else [])
    if evaluations:
        lines += ["## Evaluation", "",
                  "Exact-match accuracy of the next term on held-out sequences whose answers training never learned",
                  "(`TrainConfig.exclude`), beside the rule-based solver `num2vec.solver` on the same sequences;",
                  "top-5 by beam search.", "",
                  "| evaluation | command | n | model | top-5 | rule solver |", "| --- | --- | --- | --- | --- | --- |"]
        for ev in evaluations:
            top = "–" if ev.get("top_k_accuracy") is None else f"{ev['top_k_accuracy'] * 100:.1f} %"
            lines.append(f"| {ev.get('name', '')} | `{ev.get('command', '')}` | {ev.get('size')} | "
                         f"**{ev.get('accuracy', 0) * 100:.2f} %** | {top} | "
                         f"{ev.get('solver_accuracy', 0) * 100:.1f} % |")
        for ev in evaluations:
            if not ev.get("families"):
                continue
            lines += ["", f"Per family, `{ev.get('command', '')}`:", "", "| family | n | model | rule solver |",
                      "| --- | --- | --- | --- |"]
            solver = ev.get("solver_families", {})
            for fam, acc in ev["families"].items():
                s_acc = f"{solver[fam] * 100:.1f} %" if fam in solver else "–"
                lines.append(f"| {fam} | {ev.get('counts', {}).get(fam, '')} | {acc * 100:.1f} % | {s_acc} |")
        lines.append("")
    lengths = config.get("length_generalisation")
    if lengths:
        from .evaluation import format_lengths

        lines += ["## Numbers of any length", "",
                  "Next-term accuracy on held-out 8-term sequences whose terms all have the digits of the column",
                  f"(100 per cell; the rule solver in brackets; `{lengths.get('command', '')}`):", "",
                  format_lengths(lengths), ""]
    emb = config.get("embeddings")
    if emb:
        knn = ", ".join(f"k={k}: {v * 100:.1f} %" for k, v in emb.get("knn_pattern_accuracy", {}).items())
        lines += ["## Sequence embeddings", "",
                  f"k-NN pattern type of 1000 held-out sequences from 2000 labelled references: {knn}",
                  f"(`{emb.get('command', '')}`).", ""]
    return "\n".join(lines)
