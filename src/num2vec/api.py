"""The public Python API: :class:`Num2Vec`.

>>> from num2vec import Num2Vec
>>> model = Num2Vec.from_pretrained()          # the model that ships with the package
>>> model.predict_next([2, 4, 8, 16])
32
>>> model.encode(42).shape, model.encode([1, 2, 3]).shape
((128,), (3, 128))
"""

from __future__ import annotations

import contextlib
import functools
import heapq
import itertools
import json
import numbers
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import engine
from .calibration import Calibration, candidate_table
from .codec import MAX_DIGITS, _is_tensor, as_int_list, check_fits, encode_batch, num_digits, to_int
from .config import ModelConfig
from .exact import featurize
from .limits import MAX_CONTINUE, MAX_TERMS, MIN_TERMS
from .solver import repeating_next

if TYPE_CHECKING:  # PyTorch is imported where a call needs it: the NumPy backend runs without it
    import torch

    from .model import Num2VecNet

#: inference precisions: exact float32, bfloat16 autocast (PyTorch; on request), or "auto": exact float32, so that
#: the same call gives the same numbers on every run. On a CPU with AVX-512 BF16 and AMX (one thread) bf16 answered
#: 3,000 sequences in one call 1.3x faster than the NumPy backend's fp32, but a single call 3.5x slower and
#: encode() 1.2x slower, and moved embeddings by up to 0.035 (``benchmarks/precision.py``)
PRECISIONS = ("fp32", "bf16", "auto")
BACKENDS = ("auto", "numpy", "torch")
#: candidates scored per chunk by :meth:`Num2Vec.most_similar`, numbers encoded per chunk by :meth:`Num2Vec.export`
CANDIDATE_CHUNK = 1 << 16
EXPORT_CHUNK = 1 << 16
#: work items (numbers or sequences) per extra CPU thread when threads are chosen per call
ITEMS_PER_THREAD = 1 << 14


def check_int(value: object, name: str, minimum: int = 1) -> int:
    """``value`` as a Python int of at least ``minimum``; a ValueError naming ``name`` otherwise.

    Python ints, NumPy integer scalars and 0-d integer tensors are accepted; bools,
    floats, strings and arrays are refused.

    >>> check_int(np.int64(3), "top_k")
    3
    """
    v = value
    if _is_tensor(v) and v.ndim == 0 and not v.is_floating_point() and not v.is_complex() \
            and str(v.dtype) != "torch.bool":
        v = v.item()
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Integral) or v < minimum:
        shown = repr(value) if not _is_tensor(value) else f"tensor of shape {tuple(value.shape)}"
        what = "a positive integer" if minimum == 1 else f"an integer >= {minimum}"
        raise ValueError(f"{name}={shown} must be {what}")
    return int(v)


def auto_threads(items: int, available: int | None = None, load: float | None = None) -> int:
    """CPU threads for one inference call on ``items`` numbers or sequences.

    One thread up to :data:`ITEMS_PER_THREAD` items, then one more per that many,
    never more than ``available`` (default: the cores, ``os.cpu_count()``) nor than the cores left idle by other
    processes: ``os.cpu_count()`` minus the 1-minute load average ``load`` (read
    from ``os.getloadavg()``), counting this process as one. Small calls gain
    nothing from more threads, and a thread that shares its core with a busy
    process stalls the whole call: on a 2-core AMD EPYC with other work running,
    2 threads made encoding 8,192 numbers 3x slower than 1 thread and predicting
    256 sequences 13x slower (see ``benchmarks/busy.py``).
    """
    available = (os.cpu_count() or 1) if available is None else available
    want = 1 + items // ITEMS_PER_THREAD
    if want > 1:
        try:
            load = os.getloadavg()[0] if load is None else load
        except (AttributeError, OSError):  # no load average on this system: no cap
            load = 0.0
        idle = (os.cpu_count() or 1) - max(0.0, load - 1.0)
        want = min(want, max(1, int(idle)))
    return max(1, min(available, want))


@contextlib.contextmanager
def _torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` PyTorch CPU threads (``None``: unchanged); the count before is restored."""
    import torch

    before = torch.get_num_threads()
    if n is None or n == before:
        yield
        return
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@functools.cache
def _threadpool_controller():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _blas_threads(n: int):
    """Run the block with ``n`` BLAS threads (NumPy's matrix products; threadpoolctl), restored afterwards."""
    return _threadpool_controller().limit(limits=n, user_api="blas")


def _check_precision(precision: str) -> None:
    if precision not in PRECISIONS:
        raise ValueError(f"precision={precision!r} is unknown; choose {', '.join(PRECISIONS[:-1])} or "
                         f"{PRECISIONS[-1]}")


def _as_array(x: object) -> object:
    """A tensor as a NumPy array (integer dtypes kept, other floats as float64); anything else unchanged."""
    if not _is_tensor(x):
        return x
    x = x.detach().cpu()
    if x.is_floating_point() and str(x.dtype) not in ("torch.float32", "torch.float64"):
        x = x.double()  # bfloat16 and float16 have no NumPy dtype; float64 holds them exactly
    return x.numpy()


def _pylist(chunk: list[int] | np.ndarray) -> list[int]:
    """A chunk of numbers as Python ints (``np.asarray`` would turn ints beyond int64 into floats)."""
    return chunk.tolist() if isinstance(chunk, np.ndarray) else list(chunk)


def _is_vector(x: object) -> bool:
    return (isinstance(x, np.ndarray) or _is_tensor(x)) and x.ndim == 1


def bundled_model_path() -> Path:
    """Folder of the pretrained model inside the installed package."""
    return Path(str(resources.files("num2vec") / "pretrained"))


#: candidates of beam search that a calibrated model ranks for ``predict_next(top_k=...)`` and ``min_confidence``
RERANK_CANDIDATES = 3


def _within_guard(v: int) -> bool:
    """Whether ``v`` has at most :data:`~num2vec.codec.MAX_DIGITS` digits."""
    return num_digits(v) <= MAX_DIGITS


class Num2Vec:
    """A trained num2vec model: next-term prediction, number and sequence embeddings.

    Like gensim's ``KeyedVectors``, whose keys are every integer the model reads:
    ``model[5]`` is the vector of 5 ``(d,)``, ``model[[5, 6]]`` a ``(2, d)`` array,
    ``5 in model`` tells whether ``model[5]`` works, ``model.vector_size`` is ``d``.
    Wherever an integer is taken, Python ints, NumPy integers, integer tensors,
    floats with an integral value and strings of an optional sign and digits are
    accepted.

    Two backends run the same network: ``"numpy"`` (:mod:`num2vec.engine`; no PyTorch import, less overhead per
    call: the default on a CPU in float32) and ``"torch"`` (:mod:`num2vec.model`; GPUs, bfloat16). ``net`` is
    always the PyTorch module (:class:`num2vec.model.Num2VecNet`, built from the same weights on first use with
    the NumPy backend), for fine-tuning and :class:`num2vec.NumberEmbedding`.

    Inference is thread-safe: calls from several threads give the same results as
    serial calls. ``threads="auto"`` (the default) runs each call on
    :func:`auto_threads` threads (PyTorch's; under NumPy, worker threads that each take a share of the call's
    batches, with one BLAS thread each) and restores the count afterwards; an int fixes the count; ``None``
    leaves the count to the caller.
    """

    def __init__(self, net: Num2VecNet | engine.NumpyNet, config: dict | None = None, precision: str = "fp32",
                 threads: int | str | None = "auto"):
        _check_precision(precision)
        if threads is not None and threads != "auto":
            threads = check_int(threads, "threads")
        self.backend = "numpy" if isinstance(net, engine.NumpyNet) else "torch"
        if self.backend == "numpy":
            if precision == "bf16":
                raise ValueError("precision='bf16' needs backend='torch'; the NumPy backend computes in float32")
            self._net, self.engine = None, net
            self.precision = "fp32"
        else:
            self._net, self.engine = net.eval(), None
            self.precision = "fp32" if precision == "auto" else precision
        self.cfg: ModelConfig = net.cfg
        self.config = config or {"model": net.cfg.to_dict()}
        self.threads = threads
        self._lock = threading.Lock()
        self._net_lock = threading.Lock()
        cal = self.config.get("calibration")
        #: maps the decoder's probabilities to calibrated ones (None: the model has none; raw probabilities)
        self.calibration: Calibration | None = None if cal is None else Calibration.from_dict(cal)

    @property
    def net(self) -> Num2VecNet:
        """The PyTorch module (:class:`num2vec.model.Num2VecNet`); with the NumPy backend built from the same
        weights on first use."""
        if self._net is None:
            import torch

            from .model import Num2VecNet
            from .serialization import load_state

            with self._net_lock:
                if self._net is None:
                    net = Num2VecNet(self.cfg)
                    load_state(net, {k: torch.from_numpy(v) for k, v in self.engine.weights.items()}, "weights")
                    self._net = net.eval()
        return self._net

    def _no_grad(self):
        """``torch.no_grad()`` for the PyTorch backend; nothing for NumPy's."""
        if self.backend == "numpy":
            return contextlib.nullcontext()
        import torch

        return torch.no_grad()

    def _autocast(self):
        """bf16 autocast for ``precision="bf16"`` (matrix products in bfloat16; results returned as float32)."""
        if self.precision != "bf16":
            return contextlib.nullcontext()
        import torch

        return torch.autocast(self.device.type, dtype=torch.bfloat16)

    def _threads(self, items: int):
        """The thread count for a call on ``items`` numbers or sequences (see ``threads``). The NumPy backend
        runs its matrix products on one BLAS thread each and splits a call's work over :meth:`_workers` threads."""
        if self.threads is None:
            return contextlib.nullcontext()
        if self.backend == "numpy":
            return _blas_threads(1)
        if self.device.type != "cpu":
            return contextlib.nullcontext()
        import torch  # a lower count set by the caller is kept

        return _torch_threads(auto_threads(items, torch.get_num_threads()) if self.threads == "auto" else self.threads)

    def _workers(self, items: int) -> int:
        """Worker threads of a NumPy-backend call on ``items`` numbers or sequences (see ``threads``)."""
        if self.threads is None:
            return 1
        return auto_threads(items) if self.threads == "auto" else self.threads

    def __repr__(self) -> str:
        cfg = self.cfg
        params = sum(v.size for v in self.engine.weights.values()) if self.backend == "numpy" else \
            sum(p.numel() for p in self.net.parameters())
        return (f"Num2Vec(vector_size={self.vector_size}, max_digits={self.max_digits}, "
                f"negative={cfg.allow_negative}, cell={cfg.cell!r}, backend={self.backend!r}, "
                f"device={str(self.device)!r}, precision={self.precision!r}, parameters={params:,})")

    # --- loading and saving -------------------------------------------------------
    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, device: str = "cpu", precision: str = "auto",
                        threads: int | str | None = "auto", backend: str = "auto") -> Num2Vec:
        """Load a saved model folder; no ``path``: the bundled default model. Never downloads anything.

        ``backend``: ``"numpy"`` runs inference in NumPy (:mod:`num2vec.engine`: no PyTorch import, about half
        the time of a single ``predict_next`` call), ``"torch"`` in PyTorch; ``"auto"`` (the default) takes NumPy
        on the CPU in float32 for the models it runs (GRU cells; every bundled model) and PyTorch otherwise.
        ``precision="auto"`` (the default) and ``"fp32"`` compute in exact float32 (on the CPU with the NumPy
        backend), the same numbers on every run; ``"bf16"`` turns on bfloat16 autocast (PyTorch), which is faster
        only for large batches on CPUs with AVX-512 BF16 or AMX and on GPUs (see :data:`PRECISIONS`).
        ``threads``: see :class:`Num2Vec`. Raises ``FileNotFoundError`` for a
        missing folder and ``ValueError`` for unknown options or broken files.
        """
        _check_precision(precision)
        if backend not in BACKENDS:
            raise ValueError(f"backend={backend!r} is unknown; choose {', '.join(BACKENDS)}")
        if device not in ("auto", "cpu", "cuda"):
            raise ValueError(f"device={device!r} is unknown; choose auto, cpu or cuda")
        folder = Path(path) if path is not None else bundled_model_path()
        if backend == "numpy" and device != "cpu":
            raise ValueError(f"backend='numpy' runs on the CPU; device={device!r} needs backend='torch'")
        if backend == "numpy" and precision == "bf16":
            raise ValueError("precision='bf16' needs backend='torch'; the NumPy backend computes in float32")
        if backend == "auto" and device == "cpu" and precision in ("fp32", "auto"):
            from .config import read_config

            why = engine.unsupported(ModelConfig.from_dict(read_config(folder)["model"])) if folder.is_dir() else None
            backend = "numpy" if why is None else "torch"
        if backend == "numpy":
            net, config = engine.NumpyNet.from_folder(folder)
            return cls(net, config, precision="fp32", threads=threads)
        from .model import resolve_device
        from .serialization import load_model

        net, config = load_model(folder, device=resolve_device(device))
        return cls(net, config, precision=precision, threads=threads)

    def save_pretrained(self, path: str | Path) -> Path:
        """Write ``config.json``, ``model.safetensors`` and a model card ``README.md`` into ``path``."""
        from .serialization import save_model

        extra = {k: v for k, v in self.config.items() if k != "model"}
        return save_model(self.net, path, card=model_card(self.config), extra=extra)

    @property
    def device(self) -> torch.device:
        """Where the network runs (``torch.device``; the NumPy backend runs on the CPU)."""
        if self.backend == "numpy":
            import torch

            return torch.device("cpu")
        return next(self.net.parameters()).device

    @property
    def max_digits(self) -> int:
        """The most digits a number may have (the resource guard :data:`num2vec.codec.MAX_DIGITS`)."""
        return MAX_DIGITS

    @property
    def vector_size(self) -> int:
        """Size ``d`` of a number embedding (gensim's name; also :attr:`embedding_dim` and :attr:`dim`)."""
        return self.cfg.d_model

    embedding_dim = vector_size  # PyTorch's name
    dim = vector_size

    def __getitem__(self, numbers) -> np.ndarray:
        """``model[5]`` -> the embedding ``(d,)``; ``model[[5, 6]]`` -> ``(2, d)``; as :meth:`encode`."""
        return self.encode(numbers)

    def __contains__(self, number: object) -> bool:
        """Whether ``model[number]`` gives a vector: an integer this model reads (its digit count, its sign)."""
        if (isinstance(number, np.ndarray) or _is_tensor(number)) and number.ndim != 0:
            return False
        try:
            self._check_number(to_int(number))
        except (TypeError, ValueError):
            return False
        return True

    # --- validation ------------------------------------------------------------------
    def _check_number(self, v: int) -> int:
        check_fits(v)
        if v < 0 and not self.cfg.allow_negative:
            raise ValueError(f"{v} is negative, but this model was trained on non-negative numbers only")
        return v

    def check_sequences(self, seqs: object) -> tuple[list[list[int]], bool]:
        """Validate one sequence or a list of them as :meth:`predict_next` does.

        Returns ``(seqs, single)``: the sequences as lists of Python ints, and
        whether one sequence was given. Raises the same errors as the predictions;
        a sequence has :data:`MIN_TERMS` to :data:`MAX_TERMS` terms.
        """
        return self._check_sequences(seqs, MAX_TERMS)

    def _check_sequences(self, seqs: object, max_terms: int | None) -> tuple[list[list[int]], bool]:
        seqs = _as_array(seqs)
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
            nested = [_is_vector(s) or (isinstance(s, Iterable) and not isinstance(s, (str, bytes, np.ndarray))
                                        and not _is_tensor(s))
                      for s in seqs]
            if all(nested):
                single = False
            elif not any(nested):
                seqs, single = [seqs], True
            else:
                raise TypeError("mixed input: give one sequence of integers or a list of sequences, not both")
        out = []
        for i, s in enumerate(seqs):
            where = "the sequence" if single else f"sequence {i}"
            if max_terms is not None and hasattr(s, "__len__") and len(s) > max_terms:
                raise ValueError(f"{where} has {len(s)} numbers; at most {max_terms} are allowed")
            ints = as_int_list(s, "sequence")
            if max_terms is not None and len(ints) > max_terms:
                raise ValueError(f"{where} has {len(ints)} numbers; at most {max_terms} are allowed")
            if len(ints) < MIN_TERMS:
                raise ValueError(f"{where} has {len(ints)} number(s); at least {MIN_TERMS} are needed")
            out.append([self._check_number(v) for v in ints])
        return out, single

    # --- prediction ---------------------------------------------------------------------
    def predict_next(self, seqs, top_k: int | None = None, beam_size: int | None = None, batch_size: int = 512,
                     min_confidence: float | None = None):
        """The next term of a sequence (``int``) or of each sequence of a list (``list[int]``).

        ``seqs``: one sequence of :data:`MIN_TERMS` to :data:`MAX_TERMS` integers
        (a list, a 1-D array or tensor), or a list of them (or a 2-D array or
        tensor). With ``top_k=K``: the K most likely next terms as
        ``[(number, probability), ...]``, most likely first, found by beam search
        (``beam_size`` defaults to ``max(K, 4)``); for a list of sequences, one
        such list per sequence. When the model has a calibration, as the bundled
        one does (:mod:`num2vec.calibration`, fitted on the development half of
        the real-sequence catalog), probabilities are calibrated and the
        candidates -- the beam's best three and the exact rules' answers (the
        rule solver's, the holonomic fits', those of the arithmetic and digit
        functions and integer sets of :mod:`num2vec.integer_functions`) -- are
        ranked by them, so
        ``top_k=1`` can differ from the plain call, which returns the decoder's
        greedy answer (faster; no probability) -- or, for a sequence that visibly
        repeats itself (:func:`num2vec.solver.repeating_next`), the term its
        period gives. The model card gives the
        reliability measured on the held-out half.

        ``min_confidence`` (0 to 1): answers whose probability is below it are
        ``None`` ("no confident prediction") -- without ``top_k`` the answer
        itself, with ``top_k`` the candidates below it are left out (the list
        may be empty). An answer of more than :data:`~num2vec.codec.MAX_DIGITS`
        digits (the resource guard on every number) is no answer: the plain call
        raises ``ValueError``, ``top_k`` leaves such candidates out. Raises
        ``ValueError``/``TypeError`` naming a bad value (see docs/errors.md).

        >>> model.predict_next([1, 2, 3])                 # doctest: +SKIP
        4
        >>> model.predict_next([[1, 2, 3], [5, 10, 15]])   # doctest: +SKIP
        [4, 20]
        >>> model.predict_next([1, 2, 3], top_k=2)        # doctest: +SKIP
        [(4, 0.99), (5, 0.001)]
        >>> model.predict_next([3, 1, 4, 1, 5], min_confidence=0.9)  # doctest: +SKIP
        None
        """
        top_k = None if top_k is None else check_int(top_k, "top_k")
        beam_size = None if beam_size is None else check_int(beam_size, "beam_size")
        batch_size = check_int(batch_size, "batch_size")
        if min_confidence is not None:
            if isinstance(min_confidence, bool) or not isinstance(min_confidence, (int, float, np.floating)) \
                    or not 0 <= float(min_confidence) <= 1:
                raise ValueError(f"min_confidence={min_confidence!r} is invalid: give a probability from 0 to 1")
            min_confidence = float(min_confidence)
        batch, single = self.check_sequences(seqs)
        if min_confidence is None:
            res = self._predict(batch, top_k, beam_size, batch_size)
        else:
            ranked = self._predict(batch, top_k or 1, beam_size, batch_size)
            kept = [[(v, p) for v, p in r if p >= min_confidence] for r in ranked]
            res = kept if top_k else [r[0][0] if r else None for r in kept]
        return res[0] if single else res

    def _predict(self, batch: list[list[int]], top_k: int | None, beam_size: int | None, batch_size: int = 512):
        """Predictions for validated sequences, one answer per sequence (see :meth:`predict_next`).

        Without ``top_k``: the answers; with it: ``[(answer, probability), ...]`` per sequence, calibrated when
        the model has a calibration.
        """
        k = top_k or 1
        # a calibrated model ranks at least RERANK_CANDIDATES candidates of the beam by calibrated probability
        n_cand = max(k, RERANK_CANDIDATES) if top_k and self.calibration is not None else k
        beam = beam_size or (max(k, 4) if top_k else 1)
        items = sum(map(len, batch))
        with self._lock, self._threads(items), self._autocast():
            if self.backend == "numpy":
                res = engine.predict_numbers(self.engine, batch, batch_size=batch_size, beam_size=max(beam, n_cand),
                                             top_k=n_cand, workers=self._workers(items))
            else:
                from .model import predict_numbers

                res = predict_numbers(self.net, batch, batch_size=batch_size, beam_size=max(beam, n_cand),
                                      top_k=n_cand)
        if top_k is None:
            # a sequence that repeats itself is continued by its period, not copied digit by digit
            answers = [r[0][0] if (rep := repeating_next(seq)) is None else rep for seq, r in zip(batch, res)]
            for i, v in enumerate(answers):
                if not _within_guard(v):
                    where = f"sequence {i}: " if len(batch) > 1 else ""
                    raise ValueError(f"{where}no answer: the decoded next term has {num_digits(v):,} digits, beyond "
                                     f"the {MAX_DIGITS:,}-digit resource guard")
            return answers
        # a candidate past the resource guard is no answer (rules' candidates are left out before they are ranked)
        return [[(v, p) for v, p in self._rank(seq, r) if _within_guard(v)][:k] for seq, r in zip(batch, res)]

    def _rank(self, seq: list[int], ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
        """The decoder's candidates ``[(answer, log-prob), ...]`` after ``seq`` -> ``[(answer, probability), ...]``,
        most likely first: the decoder's probabilities, or with a calibration the calibrated ones, over the
        decoder's candidates and the exact rules' (see :func:`num2vec.calibration.candidate_table`)."""
        if self.calibration is None:
            return [(v, float(np.exp(lp))) for v, lp in ranked]
        return self.calibration.rank(candidate_table(seq, ranked))

    def continue_sequence(self, seq: Sequence[int], n: int, beam_size: int | None = None) -> list[int]:
        """The next ``n`` terms, each predicted from the sequence extended by the ones before.

        ``seq`` has :data:`MIN_TERMS` to :data:`MAX_TERMS` terms and ``n`` is at
        most :data:`MAX_CONTINUE`: the nested RNN reads the whole prefix, so each
        step costs time in proportion to the sequence so far.
        """
        n = check_int(n, "n")
        if n > MAX_CONTINUE:
            raise ValueError(f"n={n} is too many: at most {MAX_CONTINUE} terms are continued per call")
        beam_size = None if beam_size is None else check_int(beam_size, "beam_size")
        (terms,), single = self.check_sequences(seq)
        if not single:
            raise TypeError("continue_sequence takes one sequence of integers")
        out: list[int] = []
        for _ in range(n):
            (nxt,) = self._predict([terms + out], None, beam_size)
            try:
                self._check_number(nxt)
            except ValueError as err:
                raise ValueError(f"the continuation reached a number beyond what this model handles: {err}") from None
            out.append(nxt)
        return out

    # --- embeddings ---------------------------------------------------------------------
    def encode(self, numbers, batch_size: int = 4096, show_progress_bar: bool = False,
               normalize_embeddings: bool = False, convert_to_tensor: bool = False):
        """Number embeddings u: one integer -> ``(d,)``, N integers -> ``(N, d)`` float32.

        ``numbers``: an integer (see :class:`Num2Vec` for what counts as one), or a
        list, range, 1-D array or 1-D tensor of them. Python ints may be of any size
        up to the :data:`~num2vec.codec.MAX_DIGITS` guard; ``uint64`` values above 2**63 are read as
        unsigned. Each distinct value is computed once, in batches of
        ``batch_size``: memory beyond the ``(N, d)`` result stays bounded (to write
        huge inputs straight to disk, use :meth:`export`). Raises ``ValueError`` or
        ``TypeError`` naming a value that is no integer or that the model cannot read.
        """
        batch_size = check_int(batch_size, "batch_size")
        single, uniq, inverse = self._distinct(numbers)
        out = np.empty((len(inverse), self.dim), dtype=np.float32)
        self._encode_into(out, uniq, inverse, batch_size, show_progress_bar, normalize_embeddings)
        emb = out[0] if single else out
        if convert_to_tensor:
            import torch

            return torch.from_numpy(emb)
        return emb

    def _distinct(self, numbers) -> tuple[bool, Sequence[int] | np.ndarray, np.ndarray]:
        """Validate ``numbers``; returns ``(single, distinct values, inverse index (N,))``."""
        numbers = _as_array(numbers)
        if isinstance(numbers, range) and abs(numbers.start) < 2**62 and abs(numbers.stop) < 2**62:
            numbers = np.arange(numbers.start, numbers.stop, numbers.step, dtype=np.int64)
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
        from tqdm.auto import tqdm

        order = np.argsort(inverse, kind="stable")  # positions grouped by distinct value
        starts = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(uniq)))])
        workers = self._workers(len(uniq))
        with self._lock, self._threads(len(uniq)), self._no_grad(), self._autocast():
            for a in tqdm(range(0, len(uniq), batch_size), disable=not progress, desc="encode"):
                b = min(a + batch_size, len(uniq))
                tokens, lengths = encode_batch(uniq[a:b])
                if self.backend == "numpy":
                    u = self.engine.encode_numbers(tokens, lengths, workers=workers)
                else:
                    import torch

                    u = self.net.encode_numbers(torch.from_numpy(tokens).to(self.device),
                                                torch.from_numpy(lengths).to(self.device)).float().cpu().numpy()
                if normalize:  # as torch.nn.functional.normalize: u / max(|u|, 1e-12)
                    u = u / np.maximum(np.linalg.norm(u, axis=-1, keepdims=True), np.float32(1e-12))
                pos = order[starts[a] : starts[b]]  # every input position holding one of uniq[a:b]
                out[pos] = u[inverse[pos] - a]

    def encode_sequences(self, seqs, batch_size: int = 512, kind: str = "state") -> np.ndarray:
        """Sequence embeddings, ``(N, d)`` (one sequence in -> ``(d,)``).

        ``kind="state"``: the nested RNN's state after the last number (the post's
        sequence embedding, ``d = nest_hidden``); ``kind="pattern"``: its pattern
        embedding (``d = pattern_dim``; models with a pattern head, like the bundled
        one), where nearest neighbours share a pattern type -- what ``classify`` uses.
        Sequences are validated as by :meth:`predict_next`.
        """
        batch_size = check_int(batch_size, "batch_size")
        if kind not in ("state", "pattern"):
            raise ValueError(f"kind={kind!r} is unknown; choose state or pattern")
        if kind == "pattern" and not self.cfg.pattern_classes:
            raise ValueError("kind='pattern' needs a model with a pattern head (pattern_classes > 0)")
        batch, single = self.check_sequences(seqs)
        out = []
        with self._lock, self._threads(sum(map(len, batch))), self._no_grad(), self._autocast():
            for start in range(0, len(batch), batch_size):
                tokens, lengths, n, diffs, _ = featurize(batch[start : start + batch_size],
                                                         self.cfg.column_spec.nested_only)
                if self.backend == "numpy":
                    s = self.engine.encode_context(tokens, lengths, diffs)
                    last = s[np.arange(len(n)), n - 1]  # (b, nest_hidden)
                    out.append(self.engine.pattern_embedding(last) if kind == "pattern" else last)
                    continue
                import torch

                to = lambda a: None if a is None else torch.from_numpy(a).to(self.device)  # noqa: E731
                _, _, s = self.net.encode_context(to(tokens), to(lengths), to(diffs))
                last = s[torch.arange(len(n), device=self.device), to(n) - 1]  # (b, nest_hidden)
                out.append((self.net.pattern_embedding(last) if kind == "pattern" else last).float().cpu().numpy())
        emb = np.concatenate(out).astype(np.float32, copy=False)
        return emb[0] if single else emb

    def _chunks(self, numbers, size: int, name: str = "numbers") -> Iterator[list[int] | np.ndarray]:
        """``numbers`` (an integer, range, array, tensor or iterable) in validated chunks of at most ``size``.

        Ranges and arrays are sliced, other iterables read ``size`` items at a time:
        nothing of size N is built.
        """
        numbers = _as_array(numbers)
        if isinstance(numbers, range):
            for a in range(0, len(numbers), size):
                part = numbers[a : a + size]
                yield (np.arange(part.start, part.stop, part.step, dtype=np.int64)
                       if max(abs(part.start), abs(part.stop)) < 2**62 else list(part))
        elif isinstance(numbers, np.ndarray) and numbers.ndim == 1:
            for a in range(0, len(numbers), size):
                part = numbers[a : a + size]
                yield part if part.dtype.kind in "iu" else as_int_list(part, name)
        elif isinstance(numbers, (str, bytes, np.ndarray)) or not isinstance(numbers, Iterable):
            yield as_int_list(numbers, name)
        else:
            it = iter(numbers)
            while chunk := list(itertools.islice(it, size)):
                yield [self._check_number(v) for v in as_int_list(chunk, name)]

    def _validate(self, numbers) -> None:
        """Raise the error :meth:`encode` would raise for ``numbers``, chunk by chunk (a range: its two ends)."""
        if isinstance(numbers, range):
            if len(numbers):
                self._distinct([numbers[0], numbers[-1]])  # the smallest and the largest magnitude lie at the ends
            return
        for chunk in self._chunks(numbers, EXPORT_CHUNK):
            self._distinct(chunk)

    def export(self, numbers, path: str | Path, fmt: str = "npy", vectors: np.ndarray | None = None,
               normalize_embeddings: bool = False) -> list[Path]:
        """Save the embeddings of ``numbers``; returns the files written.

        ``npy``: an ``(N, d)`` float32 array, row i for ``numbers[i]``. ``w2v``:
        word2vec text format (``U d`` then ``number v1 ... vd`` per line), loadable
        with gensim's ``KeyedVectors.load_word2vec_format``. ``tsv``: TensorBoard
        projector files, vectors in ``path`` and labels in ``<stem>_metadata.tsv``.
        ``txt``: ``number v1 ... vd`` per line. The text formats hold each number
        once (the first time it occurs; ``U`` distinct numbers).

        Ranges and arrays are encoded and written :data:`EXPORT_CHUNK` numbers at a
        time, so memory stays bounded for any length (``range(10**8)`` included);
        other iterables are read into a list first. ``vectors`` ``(N, d)``: write
        these instead of computing them. Raises ``ValueError`` for an unknown
        format or a bad number (before anything is written), ``FileNotFoundError``
        for a missing folder.
        """
        if fmt not in ("npy", "w2v", "tsv", "txt"):
            raise ValueError(f"format={fmt!r} is unknown; choose npy, w2v, tsv or txt")
        path = Path(path)
        if not path.parent.is_dir():
            raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist")
        numbers = _as_array(numbers)
        if not isinstance(numbers, (range, np.ndarray)):
            numbers = as_int_list(numbers)
        if vectors is not None:
            vectors = np.asarray(vectors, dtype=np.float32)
            if vectors.shape != (len(numbers), self.dim):
                raise ValueError(f"vectors of shape {vectors.shape} do not match {len(numbers)} numbers of "
                                 f"vector size {self.dim}")
        if fmt == "npy":
            return [self._export_npy(numbers, path, vectors=vectors, normalize=normalize_embeddings)]
        keep = None  # positions of first occurrences, when numbers repeat
        if not isinstance(numbers, range):
            _, first = np.unique(np.asarray(numbers, dtype=numbers.dtype if isinstance(numbers, np.ndarray)
                                            else object), return_index=True)
            if len(first) < len(numbers):
                keep = np.sort(first)
                numbers = [numbers[i] for i in keep] if isinstance(numbers, list) else numbers[keep]
                vectors = None if vectors is None else vectors[keep]
        self._validate(numbers)  # before anything is written
        sep = "\t" if fmt == "tsv" else " "
        written = [path]
        with _atomic(path) as fh:
            if fmt == "w2v":
                fh.write(f"{len(numbers)} {self.dim}\n".encode())
            start = 0
            for chunk in self._chunks(numbers, EXPORT_CHUNK):
                rows = (self.encode(chunk, normalize_embeddings=normalize_embeddings) if vectors is None
                        else vectors[start : start + len(chunk)])
                start += len(chunk)
                lines = []
                for v, row in zip(_pylist(chunk), rows):
                    cells = [f"{x:.6g}" for x in row]
                    lines.append(sep.join(cells if fmt == "tsv" else [str(v), *cells]))
                fh.write(("\n".join(lines) + "\n").encode())
        if fmt == "tsv":
            meta = path.with_name(path.stem + "_metadata.tsv")
            with _atomic(meta) as fh:
                fh.write(b"number\tlast_digit\tdigits\n")
                for chunk in self._chunks(numbers, EXPORT_CHUNK):
                    fh.write("".join(f"{v}\t{abs(v) % 10}\t{len(str(abs(v)))}\n"
                                     for v in _pylist(chunk)).encode())
            written.append(meta)
        return written

    def _export_npy(self, numbers, path: Path, chunk: int | None = None, table_bytes: int = 1 << 30,
                    vectors: np.ndarray | None = None, normalize: bool = False) -> Path:
        """Stream the embeddings into an ``.npy`` file chunk by chunk: memory stays bounded for any input size.

        A range is encoded chunk by chunk. For other inputs the distinct values
        are encoded once into a table when it fits in ``table_bytes``; otherwise
        each chunk is encoded on its own. Written to a temporary file and renamed,
        so a failure leaves no partial file.
        """
        chunk = EXPORT_CHUNK if chunk is None else chunk
        numbers = _as_array(numbers)
        if vectors is not None:
            n, rows_of = len(vectors), lambda a, b: vectors[a:b]
        elif isinstance(numbers, range):
            self._validate(numbers)
            n = len(numbers)

            def rows_of(a: int, b: int) -> np.ndarray:
                return self.encode(numbers[a:b], normalize_embeddings=normalize)
        else:
            _, uniq, inverse = self._distinct(numbers)  # validates everything before writing
            n = len(inverse)
            table = None
            if len(uniq) * self.dim * 4 <= table_bytes:
                table = np.empty((len(uniq), self.dim), dtype=np.float32)  # (U, d)
                self._encode_into(table, uniq, np.arange(len(uniq)), 4096, False, normalize)

            def rows_of(a: int, b: int) -> np.ndarray:
                idx = inverse[a:b]
                if table is not None:
                    return table[idx]
                return self.encode([uniq[i] for i in idx], normalize_embeddings=normalize)
        with _atomic(path) as fh:
            # the .npy header of numpy.lib.format, then the rows in order: a sequential write keeps the
            # resident memory flat (pages of a memory-mapped output would count as resident until flushed)
            np.lib.format.write_array_header_1_0(fh, {"descr": "<f4", "fortran_order": False,
                                                      "shape": (n, self.dim)})
            for a in range(0, n, chunk):
                fh.write(np.ascontiguousarray(rows_of(a, min(a + chunk, n)), dtype="<f4").tobytes())
        return path

    def similarity(self, a, b) -> float:
        """Cosine similarity of two numbers' embeddings."""
        u = self.encode([a, b], normalize_embeddings=True)
        return float(u[0] @ u[1])

    def _query_terms(self, items, name: str) -> tuple[list[np.ndarray], list[int]]:
        """``positive`` or ``negative`` -> (unit vectors, the integer keys among them)."""
        if items is None:
            return [], []
        if _is_vector(items) and (_is_tensor(items) and items.is_floating_point()
                                  or isinstance(items, np.ndarray) and items.dtype.kind == "f"):
            items = [items]  # one float vector, as gensim takes one
        elif isinstance(items, (str, bytes, numbers.Number)) or (
                (isinstance(items, np.ndarray) or _is_tensor(items)) and items.ndim == 0) or not isinstance(items, Iterable):
            items = [items]
        vectors, keys = [], []
        for item in items:
            if _is_vector(item):
                v = np.asarray(_as_array(item), dtype=np.float64)
                if v.shape != (self.dim,) or not np.isfinite(v).all():
                    raise ValueError(f"a vector in {name} must have shape ({self.dim},) and finite values, got "
                                     f"shape {v.shape}")
                vectors.append(v / (np.linalg.norm(v) + 1e-12))
            else:
                keys.append(self._check_number(to_int(item)))
                vectors.append(None)
        if keys:
            enc = iter(self.encode(keys, normalize_embeddings=True).astype(np.float64))
            vectors = [next(enc) if v is None else v for v in vectors]
        return vectors, keys

    def most_similar(self, positive=(), negative=(), topn: int = 10, candidates: Iterable[int] = range(0, 10_000)):
        """Numbers of ``candidates`` closest (cosine) to sum(positive) - sum(negative), as ``[(int, score)]``.

        As in gensim: ``positive=[8, 3], negative=[4]`` asks the analogy 8 - 4 + 3;
        items of ``positive`` and ``negative`` are numbers or 1-D vectors ``(d,)``
        (a float array or tensor, like ``model.encode(8)``), each normalised to unit
        length; the query numbers are left out of the answer (vectors leave nothing
        out). ``candidates`` (a range, array, tensor or any iterable of integers) is
        scored :data:`CANDIDATE_CHUNK` numbers at a time keeping a running top
        ``topn``, so its length is bounded by time, not memory; a number that occurs
        twice is returned once. Ties keep the candidates' order.
        """
        topn = check_int(topn, "topn")
        pos, pos_keys = self._query_terms(positive, "positive")
        neg, neg_keys = self._query_terms(negative, "negative")
        if not pos and not neg:
            raise ValueError("most_similar needs at least one number or vector in positive or negative")
        query = np.sum(pos, axis=0) if pos else 0
        query = (query - np.sum(neg, axis=0) if neg else query).astype(np.float32)
        query /= np.linalg.norm(query) + 1e-12
        skip = set(pos_keys) | set(neg_keys)
        best: list[tuple[float, int, int]] = []  # (score, -position, number): a min-heap of the best topn
        held: set[int] = set()  # the numbers in best
        position = 0
        repeats = not isinstance(candidates, range)
        for chunk in self._chunks(candidates, CANDIDATE_CHUNK, "candidates"):
            size = len(chunk)
            if repeats:  # each number once, at its first position in the chunk
                _, first = np.unique(np.asarray(chunk, dtype=None if isinstance(chunk, np.ndarray) else object),
                                     return_index=True)
                offsets = np.sort(first)
                chunk = chunk[offsets] if isinstance(chunk, np.ndarray) else [chunk[i] for i in offsets]
            else:
                offsets = np.arange(len(chunk))
            scores = self.encode(chunk, normalize_embeddings=True) @ query  # (c,)
            values = _pylist(chunk)
            take = min(len(values), topn + len(skip) + len(held))  # enough to fill topn past skips and repeats
            top = np.argpartition(-scores, take - 1)[:take] if take < len(values) else np.arange(len(values))
            for i in sorted(top.tolist(), key=lambda j: (-scores[j], j)):
                v, item = values[i], (float(scores[i]), -(position + int(offsets[i])), values[i])
                if v in skip or v in held:
                    continue
                if len(best) < topn:
                    heapq.heappush(best, item)
                    held.add(v)
                elif item[:2] > best[0][:2]:
                    held.discard(heapq.heappushpop(best, item)[2])
                    held.add(v)
            position += size
        return [(v, s) for s, _, v in sorted(best, reverse=True)]

    def classify(self, seq, k: int = 10):
        """The pattern type of one sequence: the majority family of its ``k`` nearest labelled reference
        sequences, with their share and the neighbours (a :class:`num2vec.patterns.PatternMatch`).

        >>> model.classify([1, 4, 9, 16, 25]).family      # doctest: +SKIP
        'polynomial'
        """
        from .patterns import classify

        return classify(self, seq, k=check_int(k, "k"))


@contextlib.contextmanager
def _atomic(path: Path) -> Iterator:
    """A binary file handle whose contents replace ``path`` only when the block succeeds."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def model_card(config: dict) -> str:
    """A Markdown model card from a model folder's config."""
    model = config.get("model", {})
    training = config.get("training", {})
    evaluation = config.get("evaluation", {})
    lines = ["# num2vec model", "", "A num2vec model: digit-level encoder RNN -> nested RNN -> digit-level decoder RNN,",
             "trained to predict the next term of integer sequences. Load it with",
             "`Num2Vec.from_pretrained(path)`.", "", "## Architecture", "", "```json",
             json.dumps(model, indent=2), "```", ""]
    if model.get("magnitude_channel"):
        lines += [f"`max_digits` ({model.get('max_digits')}) is the number of soft \"at least 10^k\" entries of the "
                  f"magnitude channel, not an input limit: every term, up to the {MAX_DIGITS:,}-digit resource guard, "
                  "is read digit by digit and its candidate columns are exact.", ""]
    if training:
        tc = training.get("train_config", {})
        lines += ["## Training", "",
                  f"- command: `{training.get('command', 'num2vec train --preset ' + str(tc.get('preset')))}`",
                  f"- steps: {training.get('step')}, sequences seen: {training.get('sequences_seen')}",
                  f"- data: distribution `{tc.get('distribution')}`, {tc.get('min_length')}-{tc.get('max_length')} "
                  f"terms, values below {tc.get('max_value')}"
                  + (", signed" if tc.get("allow_negative") else ", non-negative")
                  + (f"; {tc['long_share']:.0%} of the batches from the length mix (start values of up to "
                     f"{tc.get('long_digits')} digits)" if tc.get("long_share") else "")
                  + (f"; {tc['small_share']:.0%} with small starts (start values and constants 0..3)"
                     if tc.get("small_share") else "")
                  + "; no loss on an answer to a held-out question (the generator's held-out sets, the "
                  "real-sequence catalog)",
                  f"- optimiser: AdamW, peak learning rate {tc.get('lr')}, {tc.get('warmup_steps')} warm-up steps, "
                  f"cosine schedule, batches of {tc.get('batch_size')}, seed {tc.get('seed')}", ""]
        if training.get("wall_seconds"):
            lines.insert(-1, f"- wall time: {training['wall_seconds'] / 60:.0f} min on {training.get('machine', '?')}")
        if training.get("note"):
            lines.insert(-1, f"- note: {training['note']}")
    evaluations = config.get("evaluations") or ([dict(evaluation, name="mixed")] if evaluation else [])
    if evaluations:
        lines += ["## Evaluation", "",
                  "Exact-match accuracy of the next term on held-out sequences whose answers training never learned",
                  "(`TrainConfig.exclude`), beside the rule-based solver `num2vec.solver` on the same sequences;",
                  "top-5: the five best of `predict_next(..., top_k=5)` (the beam's candidates and the exact rules',",
                  "ranked by calibrated probability).", "",
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
    real = config.get("real_sequences")
    if real:
        lines += ["## Real sequences", "",
                  f"The {real.get('sequences')} sequences of the held-out half of the real-sequence catalog "
                  "(`num2vec.catalog`, computed from their definitions; never used for training, tuning or "
                  f"calibration); the first g terms shown, term g+1 asked (`{real.get('command', '')}`):", "",
                  "| given | model top-1 | model top-3 | decoder alone (greedy) | rule solver "
                  "| sympy (recurrences, `guess`) top-1 | calibration error (ECE) | answers with p >= 0.9: share, right |",
                  "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for g, a in real.get("given", {}).items():
            c = a.get("calibration") or {}
            conf = ("–" if c.get("confident_accuracy") is None
                    else f"{c['confident_share'] * 100:.1f} %, {c['confident_accuracy'] * 100:.1f} %")
            ece = "–" if "ece" not in c else f"{c['ece']:.3f}"
            decoder = "–" if "decoder_top1" not in a else f"{a['decoder_top1'] * 100:.1f} %"
            lines.append(f"| {g} | **{a['model_top1'] * 100:.1f} %** | {a['model_top3'] * 100:.1f} % | {decoder} | "
                         f"{a['solver_top1'] * 100:.1f} % | {a['sympy_top1'] * 100:.1f} % | {ece} | {conf} |")
        lines.append("")
    cal = config.get("calibration")
    if cal:
        lines += ["## Confidence", "",
                  "Probabilities are calibrated by logistic regression (`num2vec.calibration`) on the decoder's "
                  "probability, the number of exact rules that agree with the candidate, the rule solver's agreement, "
                  "whether an arithmetic function or integer set of `num2vec.integer_functions` gives it, and how much "
                  "the sequence says (terms, digits, distinct values), over the decoder's candidates and the exact "
                  "rules' answers, fitted on the "
                  f"{cal.get('fitted_on', '')}. `predict_next(top_k=...)` ranks the candidates by it; the "
                  "probability of the answer ranked first is recalibrated on out-of-fold first choices "
                  "(5-fold cross-fitting over the sequences) by a beta calibration (Kull et al. 2017).",
                  ""]
    emb = config.get("embeddings")
    if emb:
        knn = ", ".join(f"k={k}: {v * 100:.1f} %" for k, v in emb.get("knn_pattern_accuracy", {}).items())
        lines += ["## Sequence embeddings", "",
                  f"k-NN pattern type of 1000 held-out sequences from {emb.get('references', 2000)} labelled "
                  f"references: {knn}", f"(`{emb.get('command', '')}`).", ""]
        real = emb.get("knn_real_pattern_accuracy")
        if real:
            lines[-1:-1] = [f"k-NN pattern type (k=10) of {real['n']} held-out catalog sequences: "
                            f"{real['accuracy'] * 100:.1f} % (`{emb.get('real_command', '')}`)."]
    return "\n".join(lines)
