"""The ``num2vec`` command line.

    num2vec predict 2 4 8 16            -> 32
    num2vec predict -n 3 1 4 9 16 25    -> 36 49 64
    num2vec predict --top-k 3 1 2 3     -> three candidates with probabilities
    num2vec predict --file seqs.txt     -> one prediction per line
    num2vec embed 1 2 3 --output x.npy
    num2vec generate --count 1000 --output data.jsonl
    num2vec train --preset tiny --out runs/tiny
    num2vec evaluate --count 3000

Numbers on the command line and in files are separated by whitespace, commas or
semicolons (``1, 2, 3`` and ``1,2,3`` are both three numbers). A leading ``+``
is accepted; digits may be grouped with ``_`` (``1_000_000``) -- a comma always
separates numbers. Bad input prints one line on stderr and exits with status 2.
Heavy imports (PyTorch) happen inside the commands, so ``--help`` is instant.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click
from click.core import ParameterSource

from .limits import MAX_CONTINUE, MAX_DIGITS, MAX_TERMS, MIN_TERMS

#: num2vec.data.DISTRIBUTIONS, named here so that --help imports nothing heavy (a test keeps them equal)
DISTRIBUTIONS = ("original", "families", "mixed", "extended", "all")
#: num2vec.plots.KINDS (a test keeps them equal)
PLOT_KINDS = ("digits100", "path100", "digits1000", "path1000", "sequences")
#: the most terms of a generated sequence (`generate`, `evaluate --length`): the generator's formula language
#: computes powers up to exponent 256, and its power family's exponents reach n + 20 (a test generates this length)
MAX_GENERATED_LENGTH = 236
#: the most terms `evaluate --real` shows: the catalog's fastest-growing entries (look-and-say) make longer prefixes
#: slow (40 terms take about 15 s on one core, 50 more than 5 minutes)
MAX_REAL_GIVEN = 40
#: the held-out test sequences of each distribution that training excludes (num2vec.training.HELDOUT_SIZE); the
#: next ones of the same stream may have been trained on, so `evaluate --count` stops here
HELDOUT_SIZE = 3000
#: the most numbers one `embed --range` embeds (as .npy, 1,000,000 vectors of 128 float32 are 512 MB)
MAX_RANGE = 1_000_000
#: the most layers per RNN that a model config accepts (num2vec.config.MODEL_SCHEMA; a test keeps the range of
#: every train option that sets a model field equal to the schema's)
MAX_LAYERS = 8

_SPLIT = re.compile(r"[\s,;]+")
_NUMBER = re.compile(r"[+-]?[0-9]+(?:_[0-9]+)*")


class InputError(click.ClickException):
    exit_code = 2


def parse_numbers(text: str, where: str = "") -> list[int]:
    """Integers from a line a person typed: separators are whitespace, ',' and ';'.

    >>> parse_numbers("1, 2;3  +4 1_000")
    [1, 2, 3, 4, 1000]
    """
    out = []
    for tok in _SPLIT.split(text.strip()):
        if not tok:
            continue
        if tok.startswith("--"):
            raise ValueError(f"no such option {tok!r} (see --help)")
        if not _NUMBER.fullmatch(tok):
            shown = tok if len(tok) <= 30 else tok[:27] + "..."
            raise ValueError(f"{where}{shown!r} is not an integer (allowed: digits 0-9, an optional sign, '_' "
                             "between digit groups; numbers separated by spaces, ',' or ';')")
        digits = tok.replace("_", "").lstrip("+-")
        if len(digits) > MAX_DIGITS:  # checked before int(): Python refuses to read more than 4,300 digits itself
            raise ValueError(f"{where}{tok[:12]}... has {len(digits):,} digits; num2vec reads numbers of at most "
                             f"{MAX_DIGITS:,} digits (a resource guard)")
        out.append(int(tok.replace("_", "")))
    return out


def _errors(func):
    """Turn the library's clear errors into one-line CLI errors with exit status 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise
        except BrokenPipeError:  # before click turns it into exit status 1
            _drop_stdout()
            raise click.exceptions.Exit(0) from None
        except (ValueError, TypeError, FileNotFoundError, IsADirectoryError, PermissionError, OSError) as exc:
            raise InputError(str(exc)) from None

    return wrapper


class _IntRange(click.IntRange):
    """``click.IntRange`` whose message for a non-number is click's usual "'x' is not a valid integer"."""

    name = "integer"


class _FloatRange(click.FloatRange):
    """``click.FloatRange`` that also refuses nan and inf, with the message "'x' is not a valid float" for text."""

    name = "float"

    def convert(self, value, param, ctx):
        rv = super().convert(value, param, ctx)
        if not math.isfinite(rv):
            self.fail(f"{value!r} is not a finite number.", param, ctx)
        return rv


class _Choice(click.Choice):
    """``click.Choice`` whose message for a missing argument lists the choices on the same line."""

    def get_missing_message(self, *args, **kwargs) -> str:
        return f"Choose from {', '.join(map(str, self.choices))}."


class _OutputFile(click.Path):
    """A file to write: not a folder, in a folder that exists (checked when the option is read)."""

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        path = super().convert(value, param, ctx)
        folder = Path(path).parent
        if not folder.is_dir():
            why = "is not a folder" if folder.exists() else "does not exist"
            self.fail(f"cannot write {path}: folder {folder} {why}", param, ctx)
        return path


def _bad_option(name: str, message: str) -> click.BadParameter:
    """A usage error (exit status 2) naming the current command's option ``name``: "Invalid value for '--x': ..."."""
    ctx = click.get_current_context()
    param = next(p for p in ctx.command.params if p.name == name)
    return click.BadParameter(message, ctx=ctx, param=param)


def _output_format(output: Path, fmt: str | None, suffixes: dict[str, str]) -> str:
    """``fmt``, or the format the suffix of ``output`` names in ``suffixes``; a usage error naming --output when
    neither tells."""
    named = suffixes.get(output.suffix.lower())
    if fmt is None and named is None:
        *rest, last = suffixes
        raise _bad_option("output", f"cannot tell the format of {output} from its suffix "
                                    f"{output.suffix or '(none)'!r}: name it {', '.join(rest)} or {last}, or give "
                                    "--format")
    return fmt or named


def _drop_stdout() -> None:
    """The reader of stdout has gone (``num2vec embed ... | head -1``): end quietly, as the Python docs
    advise, by pointing stdout at devnull so that the flush at exit raises nothing more."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _setup(threads: int) -> None:
    import torch

    torch.set_num_threads(threads)


device_option = click.option("--device", type=click.Choice(["auto", "cpu", "cuda"]), default="cpu", show_default=True,
                             help="Where the model runs.")
precision_option = click.option("--precision", type=click.Choice(["auto", "fp32", "bf16"]), default="auto",
                                show_default=True,
                                help="fp32 (and auto): exact, the same numbers on every run; bf16: bfloat16 autocast "
                                     "(PyTorch), faster only for large batches on GPUs and CPUs with AVX-512 BF16 or AMX.")
threads_option = click.option("--threads", type=_IntRange(min=1), default=1, show_default=True,
                              help="CPU threads (PyTorch's, or worker threads on the NumPy backend). One is fastest on a "
                                   "busy or 2-core machine.")
model_option = click.option("--model", "model_path", type=click.Path(path_type=Path), default=None,
                            help="A saved model folder. [default: the bundled model]")


backend_option = click.option("--backend", type=click.Choice(["auto", "numpy", "torch"]), default="auto",
                              show_default=True,
                              help="Inference engine. numpy: no PyTorch import, faster single answers (CPU, fp32); "
                                   "torch: GPUs and bf16; auto: numpy on the CPU in fp32, else torch.")


def _load(model_path, device, precision: str = "auto", threads: int = 1, backend: str = "auto"):
    if model_path is not None and not (model_path / "config.json").is_file() \
            and (model_path / "model" / "config.json").is_file():
        raise _bad_option("model_path", f"{model_path} holds no config.json but its subfolder model/ does (a training "
                                        f"run folder): did you mean --model {model_path / 'model'}?")
    from .api import Num2Vec

    return Num2Vec.from_pretrained(model_path, device=device, precision=precision, threads=threads, backend=backend)


class _Group(click.Group):
    """Every error, usage errors included, as one line on stderr with exit status 2; no traceback. Without
    arguments: the help on stderr and exit status 2, as click (8.2 on) does for a group."""

    def parse_args(self, ctx, args):
        if not args and self.no_args_is_help and not ctx.resilient_parsing:
            click.echo(ctx.get_help(), err=True, color=ctx.color)
            ctx.exit(2)
        return super().parse_args(ctx, args)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            rv = super().main(args, prog_name or "num2vec", complete_var, standalone_mode=False, **extra)
            sys.stdout.flush()  # a closed pipe shows here at the latest
        except BrokenPipeError:
            _drop_stdout()
            sys.exit(0)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("Aborted.", err=True)
            sys.exit(130)
        sys.exit(rv if isinstance(rv, int) else 0)


_NUMBERS_CONTEXT = {"ignore_unknown_options": True}  # "-5" is a number, not an option


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "show_default": True})
@click.version_option(package_name="num2vec")
def main() -> None:
    """num2vec: numerical embeddings and next-term prediction with deep RNNs."""


@main.command(context_settings=_NUMBERS_CONTEXT)
@click.argument("numbers", nargs=-1)
@click.option("--file", "file", type=click.Path(path_type=Path), default=None,
              help="Read one sequence per line; print one prediction per line ('-' for stdin). "
                   "[default: predict NUMBERS]")
@click.option("-n", "count", type=int, default=1,
              help=f"How many next terms to print (at most {MAX_CONTINUE}); 2 or more: the decoder's greedy "
                   "continuation, without probabilities.")
@click.option("--top-k", type=int, default=None,
              help="Print the K most likely next terms with probabilities. [default: the most likely one]")
@click.option("--beam-size", type=int, default=None,
              help="Beam width of the decoder's search. [default: max(K, 4) with --top-k, else 4 for the ranked answer "
                   "of one sequence (or of --file lines with --min-confidence), 1 (greedy) for -n 2 or more and for "
                   "--file lines]")
@click.option("--min-confidence", type=float, default=None,
              help="Print '?' (no confident prediction) instead of an answer whose probability is below this; with "
                   "--top-k, leave out the candidates below it. [default: always answer]")
@model_option
@device_option
@precision_option
@threads_option
@backend_option
@_errors
def predict(numbers, file, count, top_k, beam_size, min_confidence, model_path, device, precision, threads, backend):
    """Predict what comes next in an integer sequence.

    \b
    num2vec predict 2 4 8 16          prints 32 and its probability
    num2vec predict -n 3 1 4 9 16 25  prints 36 49 64
    num2vec predict --top-k 3 1 2 3   prints 3 candidates and their probabilities
    num2vec predict --min-confidence 0.9 3 1 4 1 5   prints ? unless p >= 0.9

    Probabilities are calibrated on the development half of the real-sequence
    catalog (the model card gives their reliability on the held-out half).

    A sequence has 2 to 1000 numbers. With --file, each line is a sequence
    (a UTF-8 byte-order mark is ignored); answers are printed in input order as
    the lines are read, a batch at a time, so a file of any length streams.
    Blank lines and lines starting with '#' give blank output lines; a bad line
    is reported on stderr with its line number and gives a blank output line,
    the valid lines are still predicted, and the exit status is then 2.
    """
    if count < 1:
        raise ValueError(f"-n {count}: the number of terms must be at least 1")
    if count > MAX_CONTINUE:
        raise ValueError(f"-n {count}: at most {MAX_CONTINUE} terms per sequence")
    if top_k is not None and top_k < 1:
        raise ValueError(f"--top-k {top_k}: must be at least 1")
    if beam_size is not None and beam_size < 1:
        raise ValueError(f"--beam-size {beam_size}: must be at least 1")
    if top_k is not None and count != 1:
        raise ValueError("--top-k and -n cannot be combined: --top-k ranks candidates for the next term only")
    if min_confidence is not None and not 0 <= min_confidence <= 1:
        raise ValueError(f"--min-confidence {min_confidence}: must be a probability from 0 to 1")
    if min_confidence is not None and count != 1:
        raise ValueError("--min-confidence and -n cannot be combined: it applies to the next term only")
    if file is not None and numbers:
        raise ValueError("give numbers or --file, not both")
    if file is None:
        if not numbers:
            raise ValueError("no numbers given: try 'num2vec predict 1 2 3' or --file FILE")
        seq = parse_numbers(" ".join(numbers))
        from .codec import int_to_str  # past 4,300 digits str(int) refuses; answers may be that long

        model = _load(model_path, device, precision, threads, backend)
        if count == 1:
            # the candidates the calibration was fitted on: beam search's (beam 4 unless --beam-size) and the rules'
            ranked = model.predict_next(seq, top_k=top_k or 1, beam_size=beam_size, min_confidence=min_confidence)
            for value, prob in ranked:
                click.echo(f"{int_to_str(value)}\t{prob:.4f}")
            if not ranked:
                click.echo("?")
        else:
            click.echo(" ".join(map(int_to_str, model.continue_sequence(seq, count, beam_size=beam_size))))
        return
    _predict_file(file, count, top_k, beam_size, min_confidence, model_path, device, precision, threads, backend)


#: lines of ``predict --file`` read, predicted and printed together
FILE_BATCH = 256


def _open_text(file: Path):
    """``file`` (``-``: stdin) as UTF-8 text, bad bytes as U+FFFD (:func:`_lines` drops a byte-order mark). Not
    "utf-8-sig": at the end of a stream its decoder drops the bytes of an unfinished mark (a file holding the single
    byte 0xEF would read as empty, its bad line never reported)."""
    import io

    if str(file) == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="")
    if not file.exists():
        raise FileNotFoundError(f"{file} does not exist")
    if file.is_dir():
        raise IsADirectoryError(f"{file} is a folder, not a file")
    return open(file, encoding="utf-8", errors="replace", newline="")  # noqa: SIM115 - closed by the caller


def _lines(fh) -> Iterator[str]:
    """The lines of a text stream as ``str.splitlines`` cuts them (\\v, \\f, U+2028 ... end lines too), lazily; a
    byte-order mark at the start is dropped."""
    for k, physical in enumerate(fh):  # cut at \n, \r or \r\n
        if k == 0 and physical.startswith("\ufeff"):
            physical = physical[1:]
        yield from physical.splitlines() or [""]


def _predict_file(file, count, top_k, beam_size, min_confidence, model_path, device, precision, threads, backend):
    import itertools

    fh = _open_text(file)
    model = _load(model_path, device, precision, threads, backend)
    bad = 0
    lines = enumerate(_lines(fh), start=1)
    try:
        while batch := list(itertools.islice(lines, FILE_BATCH)):
            seqs: dict[int, list[int]] = {}
            for i, line in batch:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                try:
                    seq = parse_numbers(line)
                    if len(seq) < MIN_TERMS:
                        raise ValueError(f"{len(seq)} number(s); at least {MIN_TERMS} are needed")
                    if len(seq) > MAX_TERMS:
                        raise ValueError(f"{len(seq)} numbers; at most {MAX_TERMS} are allowed")
                    model.check_sequences(seq)  # same checks as the API: digits, sign
                    seqs[i] = seq
                except ValueError as exc:
                    bad += 1
                    click.echo(f"Error: {file} line {i}: {exc}", err=True)
            out, failed = _predict_lines(model, seqs, count, top_k, beam_size, min_confidence)
            for i, exc in failed:
                bad += 1
                click.echo(f"Error: {file} line {i}: {exc}", err=True)
            sys.stdout.write("".join(out.get(i, "") + "\n" for i, _ in batch))
            sys.stdout.flush()
    finally:
        if str(file) == "-":
            fh.detach()  # leave stdin itself open
        else:
            fh.close()
    if bad:
        raise click.exceptions.Exit(2)


def _predict_lines(model, seqs: dict[int, list[int]], count, top_k, beam_size, min_confidence=None):
    """Answers for valid lines ``{line: sequence}`` -> ``({line: text}, [(line, error)])``."""
    from .codec import int_to_str
    keys = list(seqs)
    if not keys:
        return {}, []
    if top_k is not None:
        res = model.predict_next([seqs[k] for k in keys], top_k=top_k, beam_size=beam_size,
                                 min_confidence=min_confidence)
        return {k: " ".join(f"{int_to_str(v)}:{p:.4f}" for v, p in r) or "?" for k, r in zip(keys, res)}, []
    def answer(seq: list[int]) -> list[int] | None:
        if count > 1:
            return model.continue_sequence(seq, count, beam_size=beam_size)
        got = model.predict_next(seq, beam_size=beam_size, min_confidence=min_confidence)
        return None if got is None else [got]

    if count == 1:
        try:
            res = model.predict_next([seqs[k] for k in keys], beam_size=beam_size, min_confidence=min_confidence)
        except ValueError:
            pass  # a line whose answer is past the resource guard: the lines are answered one by one below
        else:
            return {k: "?" if v is None else int_to_str(v) for k, v in zip(keys, res)}, []
    out, failed = {}, []
    for k in keys:
        try:
            got = answer(seqs[k])
        except ValueError as exc:
            failed.append((k, exc))
        else:
            out[k] = "?" if got is None else " ".join(map(int_to_str, got))
    return out, failed


#: suffixes of `embed --output` -> the format they name
EMBED_SUFFIXES = {".npy": "npy", ".tsv": "tsv", ".txt": "w2v"}


@main.command(context_settings=_NUMBERS_CONTEXT)
@click.argument("numbers", nargs=-1)
@click.option("--range", "range_", type=(int, int), default=None, metavar="START STOP",
              help=f"Embed START..STOP-1 (at most {MAX_RANGE:,} numbers) instead of NUMBERS. [default: embed NUMBERS]")
@click.option("--output", "-o", type=_OutputFile(), default=None,
              help="Write here instead of printing. [default: print to stdout]")
@click.option("--format", "fmt", type=click.Choice(["npy", "w2v", "tsv", "txt"]), default=None,
              help="Output format. [default: from the suffix of --output: .npy npy, .tsv tsv, .txt w2v; another "
                   "suffix needs --format]")
@click.option("--normalize/--no-normalize", default=False, help="L2-normalise the vectors.")
@model_option
@device_option
@precision_option
@threads_option
@backend_option
@_errors
def embed(numbers, range_, output, fmt, normalize, model_path, device, precision, threads, backend):
    """Print or save the embeddings of NUMBERS (or of a --range).

    \b
    num2vec embed 1 2 3 --output x.npy
    num2vec embed --range 0 1000 --format w2v --output numbers.w2v.txt

    A --range is encoded and written in chunks: memory stays flat for any length.
    Text formats hold each number once.
    """
    if range_ is not None and numbers:
        raise ValueError("give numbers or --range, not both")
    if range_ is not None:
        start, stop = range_
        if stop <= start:
            raise ValueError(f"--range {start} {stop}: STOP must be greater than START")
        if stop - start > MAX_RANGE:
            raise _bad_option("range_", f"{start} {stop} holds {stop - start:,} numbers; one call embeds at most "
                                        f"{MAX_RANGE:,} (embed a larger range in parts)")
        values = range(start, stop)
    else:
        if not numbers:
            raise ValueError("no numbers given: try 'num2vec embed 1 2 3' or --range 0 100")
        values = parse_numbers(" ".join(numbers))
    if output is not None:
        fmt = _output_format(output, fmt, EMBED_SUFFIXES)
    model = _load(model_path, device, precision, threads, backend)
    if output is None:
        model._validate(values)  # an error before the first line
        for chunk in model._chunks(values, 4096):
            vectors = model.encode(chunk, normalize_embeddings=normalize)
            sys.stdout.write("".join(f"{v} " + " ".join(f"{x:.6g}" for x in row) + "\n"
                                     for v, row in zip(list(chunk), vectors)))
        return
    try:
        written = model.export(values, output, fmt=fmt, normalize_embeddings=normalize)
    except OSError as exc:
        raise _bad_option("output", f"cannot write {output}: {exc.strerror or exc}") from None
    n = len(values) if fmt == "npy" or isinstance(values, range) else len(set(values))
    click.echo(f"wrote {n:,} vectors of size {model.vector_size} to {', '.join(map(str, written))}", err=True)


DISTRIBUTION_HELP = ("Which sequences (num2vec.data): original: the original project's test distribution; families: "
                     "the post's families in equal shares; mixed: half of each; extended: families modelled on real "
                     "sequences; all: a third each of original, families and extended.")

#: suffixes of `generate --output` -> the format they name
GENERATE_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}


@main.command()
@click.option("--count", type=_IntRange(min=1), default=1000, help="How many sequences.")
@click.option("--output", "-o", type=_OutputFile(), required=True,
              help="The file to write: .jsonl (or .ndjson) for JSON lines, .csv for CSV; another suffix needs "
                   "--format.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="JSON lines (one record per line) or CSV (family, pattern, formula, terms); must match the "
                   "suffix of --output when that is .jsonl, .ndjson or .csv. [default: from the suffix of --output]")
@click.option("--seed", type=int, default=0, help="Random seed: the same seed and options give the same file.")
@click.option("--distribution", type=click.Choice(DISTRIBUTIONS), default="mixed",
              help=DISTRIBUTION_HELP)
@click.option("--family", "families", multiple=True,
              help="Only these families (repeatable). [default: every family of --distribution]")
@click.option("--min-length", type=_IntRange(3, MAX_GENERATED_LENGTH), default=8,
              help="Terms per sequence, at least.")
@click.option("--max-length", type=_IntRange(3, MAX_GENERATED_LENGTH), default=8,
              help="Terms per sequence, at most (the length is drawn uniformly between the two).")
@click.option("--max-value", type=_IntRange(min=100), default=10**7, help="Every |term| stays below this.")
@click.option("--negative/--no-negative", default=False, help="Allow negative terms.")
@_errors
def generate(count, output, fmt, seed, distribution, families, min_length, max_length, max_value, negative):
    """Write random labelled sequences (terms, family, formula) to JSONL or CSV.

    The format follows the suffix of --output (.jsonl, .ndjson or .csv); a file
    with another suffix needs --format.
    """
    named = GENERATE_SUFFIXES.get(output.suffix.lower())
    if fmt is not None and named is not None and fmt != named:
        raise _bad_option("fmt", f"{fmt} does not match the suffix of {output} ({named}): give one of them")
    fmt = _output_format(output, fmt, GENERATE_SUFFIXES)
    if min_length > max_length:
        raise _bad_option("min_length", f"{min_length} is greater than --max-length {max_length}")
    from .data import GeneratorConfig, SequenceGenerator, write_samples

    cfg = GeneratorConfig(min_length, max_length, max_value, negative, distribution, tuple(families) or None)
    gen = SequenceGenerator(cfg, seed=seed)
    try:
        n = write_samples((gen.sample() for _ in range(count)), str(output), fmt)
    except OSError as exc:
        raise _bad_option("output", f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {n} sequences to {output}", err=True)


@main.command()
@click.option("--preset", type=click.Choice(["tiny", "default", "quality"]), default="default",
              help="tiny: a small model in a few minutes of CPU, for tests; default: the bundled model's switches, "
                   "signed terms and the length mix, 3,379 steps (about 2 s a step on one thread of a 2-core AMD "
                   "EPYC); quality: the same, 40,000 steps, for a GPU.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("runs/default"),
              help="Run folder: checkpoint.safetensors, model/, log.jsonl.")
@click.option("--resume", is_flag=True, help="Continue the run in --out from its checkpoint.")
@click.option("--overwrite", is_flag=True,
              help="Delete the run in --out (checkpoint, model/, log.jsonl) and start afresh; without it a new run "
                   "refuses a folder that holds one.")
@click.option("--steps", type=_IntRange(min=1), default=None,
              help="Training steps (batches). [default: the preset's]")
@click.option("--batch-size", type=_IntRange(min=1), default=None,
              help="Sequences per step. [default: the preset's]")
@click.option("--lr", type=_FloatRange(min=0, min_open=True), default=None,
              help="Peak learning rate (after the warm-up; cosine decay). [default: the preset's]")
@click.option("--seed", type=_IntRange(0, 2**32 - 1), default=None,
              help="Seed of the initial weights and of the batches. [default: 0]")
@click.option("--distribution", type=click.Choice(DISTRIBUTIONS), default=None,
              help=DISTRIBUTION_HELP + " [default: the preset's]")
@click.option("--negative/--no-negative", default=None,
              help="Train with negative numbers. [default: the preset's]")
@click.option("--cell", type=click.Choice(["gru", "lstm"]), default=None,
              help="Recurrent cell of all three RNNs. [default: the preset's, gru]")
@click.option("--attention", type=click.Choice(["none", "digits", "numbers", "both"]), default=None,
              help="Decoder attention over the digit encoder's outputs (digits), the nested RNN's (numbers), both or "
                   "none. [default: the preset's]")
@click.option("--bidirectional/--no-bidirectional", default=None,
              help="Bidirectional encoder. [default: the preset's]")
@click.option("--layers", type=_IntRange(1, MAX_LAYERS), default=None,
              help="Layers of each of the three RNNs (encoder, nested, decoder). [default: the preset's, 1]")
@click.option("--difference-orders", type=_IntRange(0, 3), default=None,
              help="The decoder also reads digit columns of the 1st..Nth differences (0: none). "
                   "[default: the preset's]")
@click.option("--nested-differences", type=_IntRange(0, 3), default=None,
              help="The nested RNN also reads the embeddings of the 1st..Nth differences (0: none). "
                   "[default: the preset's]")
@click.option("--extrapolations", type=_IntRange(0, 6), default=None,
              help="The decoder also reads digit columns of x + ∇x + ... + ∇^k x for k = 1..N, the next term if "
                   "the k-th difference stays constant (0: none). [default: the preset's]")
@click.option("--ratio-extrapolations", type=_IntRange(0, 3), default=None,
              help="And of the next term if the k-th difference keeps its ratio, k = 0..N-1 (geometric sequences, "
                   "affine recurrences; 0: none). [default: the preset's]")
@click.option("--recurrence-extrapolations", type=_IntRange(0, 3), default=None,
              help="And of the next term if the k-th difference follows y(n) = p y(n-1) + q y(n-2) with integers "
                   "p, q fitted to its last four values, k = 0..N-1 (0: none). [default: the preset's]")
@click.option("--period-extrapolations", type=_IntRange(0, 6), default=None,
              help="And of x + ∇x one period back, the next term if the first differences repeat with period "
                   "p = 2..N+1 (staircases; 0: none). [default: the preset's]")
@click.option("--holonomic-fits", type=_IntRange(0, 4), default=None,
              help="And of the next term by the exact P-recursive fit of shapes (order, degree) (1,1), (1,2), (2,1), "
                   "(2,2), the first N (factorials, Catalan numbers, derangements; 0: none). "
                   "[default: the preset's]")
@click.option("--ratio-series", type=_IntRange(0, 2), default=None,
              help="And of x times the next ratio when the k-th difference of the ratios x(n)/x(n-1) is constant, "
                   "k = 1..N (0: none). [default: the preset's]")
@click.option("--interleaved", type=_IntRange(0, 3), default=None,
              help="And of the first N every-other-term rules: linear, quadratic, ratio (interleavings, "
                   "alternating signs; 0: none). [default: the preset's]")
@click.option("--pattern-head/--no-pattern-head", default=None,
              help="Auxiliary pattern-type loss on the sequence embedding (sharper `classify`). "
                   "[default: the preset's]")
@click.option("--number-properties/--no-number-properties", default=None,
              help="Auxiliary loss: linear heads read last digit, n mod 3/7, digit count, leading digit and "
                   "log10 from each number embedding. [default: the preset's]")
@click.option("--magnitude-channel/--no-magnitude-channel", default=None,
              help="The number embedding ends in fixed magnitude entries (sign, log10, soft 'at least 10^k' "
                   "indicators); the encoder learns the rest. [default: the preset's]")
@click.option("--sampling", type=_FloatRange(0, 1, max_open=True), default=None,
              help="Scheduled sampling rate reached at the end (0: pure teacher forcing). "
                   "[default: the preset's]")
@click.option("--precision", type=click.Choice(["fp32", "bf16", "fp16"]), default=None,
              help="Mixed precision (autocast); fp16 needs CUDA. [default: fp32]")
@click.option("--long-share", type=_FloatRange(0, 1), default=None,
              help="Share of the batches drawn with start values of up to --long-digits digits (length mix; a batch is "
                   "all long or all short). "
                   "[default: the preset's]")
@click.option("--long-digits", type=_IntRange(8, 1000), default=None,
              help="Digits of the length mix's start values, at most. [default: the preset's]")
@click.option("--small-share", type=_FloatRange(0, 1), default=None,
              help="Share of the batches whose start values and constants are 0..3 (Fibonacci, Lucas, powers of 2, "
                   "small cycles; a batch is all small-start or not). May change on --resume. "
                   "[default: the preset's]")
@click.option("--init-from", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Start from this model folder's weights wherever name and shape match (fine-tuning). "
                   "[default: fresh weights]")
@click.option("--warmup-steps", type=_IntRange(min=0), default=None,
              help="Steps of linear learning-rate warm-up. [default: the preset's]")
@click.option("--max-minutes", type=_FloatRange(min=0, min_open=True), default=None,
              help="Stop with a checkpoint after this many minutes of training (exit status 75; continue with "
                   "--resume). [default: no limit]")
@click.option("--fit-minutes", type=_FloatRange(min=0, min_open=True), default=None,
              help="Instead of --steps: measure this machine's speed in the warm-up, then set the step count so the "
                   "whole run (its learning-rate schedule complete) ends within this many minutes. "
                   "[default: off]")
@click.option("--workers", type=_IntRange(min=0), default=0, show_default=True,
              help="Processes that generate batches ahead of the model (for a GPU; the batches are the same with "
                   "any number; 0: the main process makes them).")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
@device_option
@click.option("--threads", type=_IntRange(min=1), default=1, show_default=True,
              help="CPU threads PyTorch uses for each training step (torch.set_num_threads). One is fastest on a busy "
                   "or 2-core machine; more help a larger model on an idle machine with more cores.")
@_errors
def train(preset, out_dir, resume, overwrite, steps, batch_size, lr, seed, distribution, negative, cell, attention,
          bidirectional, layers, difference_orders, nested_differences, extrapolations,
          ratio_extrapolations, recurrence_extrapolations, period_extrapolations, holonomic_fits, ratio_series,
          interleaved, pattern_head, number_properties, magnitude_channel, sampling, precision, long_share,
          long_digits, small_share, init_from, warmup_steps, max_minutes, fit_minutes, workers, progress, device,
          threads):
    """Train a model (or --resume one).

    Ctrl-C or SIGTERM (also to the whole process group, workers included) saves a checkpoint and stops. One process
    trains a run folder at a time.

    Exit status: 0 when the run completed its steps; 75 when it stopped early with a checkpoint (Ctrl-C, SIGTERM,
    --max-minutes): continue it with --resume; 2 for bad input (one line on stderr).
    """
    from .training import EXIT_STOPPED, make_config
    from .training import train as run_training

    _setup(threads)
    from .data import PATTERN_TYPES

    pattern_classes = None if pattern_head is None else (len(PATTERN_TYPES) if pattern_head else 0)
    model = {k: v for k, v in dict(cell=cell, attention=attention, bidirectional=bidirectional,
                                   difference_orders=difference_orders, nested_differences=nested_differences,
                                   extrapolations=extrapolations, ratio_extrapolations=ratio_extrapolations,
                                   recurrence_extrapolations=recurrence_extrapolations,
                                   period_extrapolations=period_extrapolations,
                                   holonomic_fits=holonomic_fits, ratio_series=ratio_series, interleaved=interleaved,
                                   pattern_classes=pattern_classes,
                                   number_properties=number_properties,
                                   magnitude_channel=magnitude_channel).items()
             if v is not None}
    if layers is not None:
        model.update(enc_layers=layers, nest_layers=layers, dec_layers=layers)
    if resume and (model or any(v is not None for v in (batch_size, lr, seed, distribution, negative, sampling,
                                                         precision, long_share, long_digits, init_from,
                                                         warmup_steps))):
        raise ValueError("--resume continues a run with its saved settings; only --steps and --small-share may "
                         "change")
    cfg = make_config(preset, out_dir=str(out_dir), batch_size=batch_size, lr=lr, seed=seed,
                      distribution=distribution, allow_negative=negative, sampling_max=sampling, precision=precision,
                      long_share=long_share, long_digits=long_digits, small_share=None if resume else small_share,
                      warmup_steps=warmup_steps,
                      init_from=None if init_from is None else str(init_from), model=model)
    if fit_minutes is not None and steps is not None:
        raise ValueError("--fit-minutes sets the step count; give it or --steps, not both")
    if not resume:  # a fresh run's folder, made now so that a path that cannot be one is named before training
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _bad_option("out_dir", f"cannot create the run folder {out_dir}: {exc.strerror or exc}") from None
    trainer = run_training(cfg, device=device, resume=resume, progress=progress, steps=steps,
                           fit_seconds=fit_minutes * 60 if fit_minutes else None,
                           max_seconds=max_minutes * 60 if max_minutes else None, workers=workers,
                           log=lambda m: click.echo(m, err=True), overwrite=overwrite,
                           small_share=small_share if resume else None)
    click.echo(f"model saved to {Path(cfg.out_dir) / 'model'} (step {trainer.step})", err=True)
    if trainer.step < trainer.cfg.steps:
        click.echo(f"stopped at step {trainer.step} of {trainer.cfg.steps}; continue with: num2vec train --out "
                   f"{cfg.out_dir} --resume", err=True)
        return EXIT_STOPPED
    return 0


@main.command()
@click.option("--count", type=_IntRange(1, HELDOUT_SIZE), default=HELDOUT_SIZE,
              help=f"Held-out sequences to score (training excludes the first {HELDOUT_SIZE:,} of each "
                   "distribution).")
@click.option("--distribution", type=click.Choice(DISTRIBUTIONS), default="mixed", help=DISTRIBUTION_HELP)
@click.option("--length", type=_IntRange(3, MAX_GENERATED_LENGTH), default=8,
              help="Terms per sequence (the last is predicted).")
@click.option("--max-value", type=_IntRange(min=100), default=10**7, help="Every |term| stays below this.")
@click.option("--beam-size", type=_IntRange(min=1), default=1,
              help="Beam width of the scored answer (1: the decoder's greedy answer).")
@click.option("--top-k", type=_IntRange(min=1), default=5,
              help="Also report top-K accuracy: whether the answer is among the K best of predict_next(top_k=K), "
                   "the candidates of beam search (beam max(K, 4)) and of the exact rules ranked by calibrated "
                   "probability (by the decoder's probability for a model without a calibration); 1: not reported.")
@click.option("--signed", is_flag=True, help="The held-out sets with negative terms (models trained with them).")
@click.option("--crossing-zero", is_flag=True, help="Only the signed sequences with negative and positive terms.")
@click.option("--real", is_flag=True,
              help="Score the network's greedy answer on the curated real sequences (num2vec.catalog, both halves) "
                   "instead.")
@click.option("--given", type=_IntRange(MIN_TERMS, MAX_REAL_GIVEN), default=10,
              help="With --real: terms shown; the next one is predicted.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@model_option
@device_option
@precision_option
@threads_option
@backend_option
@_errors
def evaluate(count, distribution, length, max_value, beam_size, top_k, signed, crossing_zero, real, given, as_json,
             model_path, device, precision, threads, backend):
    """Next-term accuracy on held-out generated sequences, beside the rule-based solver.

    \b
    num2vec evaluate                          3000 mixed 8-term sequences
    num2vec evaluate --distribution original  the original project's test distribution
    num2vec evaluate --signed                 the sets with negative terms (--crossing-zero: those crossing 0)
    num2vec evaluate --length 12              longer sequences than the 8 of training's held-out sets
    num2vec evaluate --max-value 1000000000000000 --distribution families   terms of up to 15 digits
    num2vec evaluate --real                   the curated real sequences (squares, Fibonacci, Catalan, ...)
    """
    import json

    from .evaluation import evaluate_catalog, evaluate_model, format_catalog_report, format_report

    # an option the chosen evaluation does not read is refused, not silently ignored
    given_here = [name for name in ("count", "distribution", "length", "max_value", "beam_size", "top_k", "signed",
                                    "crossing_zero", "given")
                  if click.get_current_context().get_parameter_source(name) is ParameterSource.COMMANDLINE]
    unused = [name for name in given_here if (name != "given") == real]
    if unused:
        flag = "--" + unused[0].replace("_", "-")
        raise click.UsageError(f"{flag} applies to the generated sequences, not to --real" if real
                               else f"{flag} applies to --real only")
    model = _load(model_path, device, precision, threads, backend)
    if real:
        report = evaluate_catalog(model, given=given)
        click.echo(json.dumps(report, indent=2) if as_json else format_catalog_report(report))
        return
    report = evaluate_model(model, count=count, distribution=distribution, length=length, max_value=max_value,
                            beam_size=beam_size, top_k=top_k, crossing_zero=crossing_zero, signed=signed)
    click.echo(json.dumps(report, indent=2) if as_json else format_report(report))


@main.command(context_settings=_NUMBERS_CONTEXT)
@click.argument("numbers", nargs=-1)
@click.option("-k", "k", type=_IntRange(min=1), default=10, help="How many nearest reference sequences vote.")
@click.option("--show", type=_IntRange(min=0), default=5, help="How many of them to print.")
@model_option
@device_option
@threads_option
@backend_option
@_errors
def classify(numbers, k, show, model_path, device, threads, backend):
    """Name the pattern type of an integer sequence: by an exact rule, else by its nearest labelled sequences.

    \b
    num2vec classify 1 4 9 16 25      prints the pattern type and where it comes
                                      from (an exact rule, or the share of the k
                                      neighbours), and the nearest ones
    """
    if not numbers:
        raise ValueError("no numbers given: try 'num2vec classify 1 4 9 16 25'")
    seq = parse_numbers(" ".join(numbers))
    match = _load(model_path, device, threads=threads, backend=backend).classify(seq, k=k)
    family = f"generator family: {match.family}, {match.family_share:.0%}"
    if match.source == "rule":
        click.echo(f"{match.pattern}\tby an exact rule (the {len(match.neighbours)} nearest neighbours say "
                   f"{match.vote}, {match.share:.0%}; {family})")
    else:
        click.echo(f"{match.pattern}\t{match.share:.0%} of {len(match.neighbours)} neighbours ({family})")
    for n in match.neighbours[:show]:
        click.echo(f"{n.similarity:.3f}\t{n.pattern}\t{n.formula}\t{' '.join(map(str, n.terms))}")


@main.command()
@click.argument("kind", type=_Choice(PLOT_KINDS), metavar="KIND", is_eager=True)  # eager: checked first
@click.option("--output", "-o", type=_OutputFile(), default=None,
              help="Write the map as an image (PNG, or another matplotlib format by suffix). [default: no image]")
@click.option("--html", type=_OutputFile(), default=None,
              help="Write an interactive HTML page (hover a point for its label). [default: no page]")
@model_option
@device_option
@threads_option
@backend_option
@_errors
def plot(kind, output, html, model_path, device, threads, backend):
    """Draw a t-SNE map of embeddings. KIND: digits100, path100, digits1000, path1000 or sequences.

    \b
    num2vec plot digits100 --output digits.png     0-99 coloured by last digit
    num2vec plot path100 --html path.html          0-99 joined in order, hover labels
    num2vec plot sequences --output seqs.png       300 sequences coloured by family
    """
    from .plots import make_map, save_html, save_png

    if output is None and html is None:
        raise ValueError("nothing to write: give --output FILE.png and/or --html FILE.html")
    model = _load(model_path, device, threads=threads, backend=backend)
    try:
        scatter = make_map(model, kind)
        written = [save(scatter, path) for save, path in ((save_png, output), (save_html, html)) if path is not None]
    except ImportError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"wrote {', '.join(map(str, written))}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
