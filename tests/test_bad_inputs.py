"""Every row of the bad-input table in docs/errors.md, run as a test.

The table is generated from CASES: ``python tests/test_bad_inputs.py > docs/errors.md``;
``test_docs_table_is_current`` fails when the two drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

# (what, API call evaluated with `model` and `np` in scope, exception, message fragment)
API_CASES = [
    ("float with a fraction", "model.predict_next([1, 3.5])", ValueError, "3.5 is not an integer"),
    ("float string", "model.predict_next([1, '1e3'])", ValueError, "'1e3' is not an integer"),
    ("float string", "model.predict_next([1, '3.5'])", ValueError, "'3.5' is not an integer"),
    ("NaN", "model.predict_next([1, float('nan')])", ValueError, "nan is not an integer"),
    ("+inf", "model.predict_next([1, float('inf')])", ValueError, "inf is not an integer"),
    ("-inf", "model.encode(float('-inf'))", ValueError, "-inf is not an integer"),
    ("None", "model.predict_next([1, None])", TypeError, "None of type NoneType is not an integer"),
    ("bool", "model.predict_next([1, True])", TypeError, "True is a bool"),
    ("non-numeric string", "model.predict_next([1, 'abc'])", ValueError, "'abc' is not an integer"),
    ("unicode digit", "model.encode('٣')", ValueError, "is not an integer"),
    ("empty sequence", "model.predict_next([])", ValueError, "the sequence is empty: give at least 2"),
    ("one number", "model.predict_next([5])", ValueError, "has 1 number(s); at least 2 are needed"),
    ("more digits than the resource guard", "model.predict_next([1, 10**4000])", ValueError,
     "has 4,001 digits; num2vec reads numbers of at most 4,000 digits"),
    ("negative, model without negatives", "model.predict_next([1, -2])", ValueError,
     "-2 is negative, but this model was trained on non-negative numbers only"),
    ("top_k <= 0", "model.predict_next([1, 2], top_k=0)", ValueError, "top_k=0 must be a positive integer"),
    ("min_confidence above 1", "model.predict_next([1, 2], min_confidence=1.5)", ValueError,
     "min_confidence=1.5 is invalid: give a probability from 0 to 1"),
    ("n <= 0", "model.continue_sequence([1, 2], 0)", ValueError, "n=0 must be a positive integer"),
    ("a string instead of a sequence", "model.predict_next('1 2 3')", TypeError, "got str"),
    ("mixed sequence and numbers", "model.predict_next([[1, 2], 3])", TypeError, "mixed input"),
    ("2-D array to encode", "model.encode(np.zeros((2, 2), dtype=np.int64))", ValueError, "must be 1-D"),
    ("float array to encode", "model.encode(np.array([1.0, 2.5]))", ValueError, "2.5 is not an integer"),
    ("3-D array of sequences", "model.predict_next(np.zeros((2, 2, 2), dtype=int))", ValueError, "1-D or 2-D"),
    ("batch_size <= 0", "model.encode([1, 2], batch_size=0)", ValueError, "batch_size=0 must be a positive"),
    ("unknown sequence embedding kind", "model.encode_sequences([1, 2, 3], kind='x')", ValueError,
     "kind='x' is unknown; choose state or pattern"),
    ("missing model folder", "Num2Vec.from_pretrained('no/such/folder')", FileNotFoundError, "no/such/folder"),
    ("float tensor with a fraction to NumberEmbedding", "emb(torch.tensor([1.5]))", ValueError,
     "1.5 is not an integer"),
    ("bool tensor to NumberEmbedding", "emb(torch.tensor([True]))", TypeError, "integer tensors, got dtype torch.bool"),
    ("negative, to NumberEmbedding", "emb(torch.tensor([[1, -4]]))", ValueError, "-4 is negative"),
    ("more digits than the resource guard, to NumberEmbedding", "emb([10**4000])", ValueError, "has 4,001 digits"),
    ("a float string, to NumberEmbedding", "emb(['1e3'])", ValueError, "'1e3' is not an integer"),
    ("a bool tensor to encode", "model.encode(torch.tensor([True, False]))", TypeError, "True is a bool"),
    ("a float tensor with a fraction to encode", "model.encode(torch.tensor([2.0, 2.5]))", ValueError,
     "2.5 is not an integer"),
    ("a 2-D tensor as one number", "model.encode([torch.ones(2, 2, dtype=torch.long)])", TypeError,
     "an array of shape (2, 2) is not an integer"),
    ("more than 1000 terms", "model.predict_next(list(range(1001)))", ValueError,
     "the sequence has 1001 numbers; at most 1000 are allowed"),
    ("n > 100", "model.continue_sequence([1, 2], 101)", ValueError,
     "n=101 is too many: at most 100 terms are continued per call"),
    ("a float as an int parameter", "model.predict_next([1, 2], top_k=3.0)", ValueError,
     "top_k=3.0 must be a positive integer"),
    ("a bool as an int parameter", "model.most_similar([1], topn=True)", ValueError,
     "topn=True must be a positive integer"),
    ("a tensor as an int parameter", "model.predict_next([1, 2], beam_size=torch.tensor([2, 2]))", ValueError,
     "beam_size=tensor of shape (2,) must be a positive integer"),
    ("a query vector of the wrong size", "model.most_similar(positive=[np.ones(3)])", ValueError,
     "a vector in positive must have shape"),
    ("an empty query", "model.most_similar(positive=[])", ValueError,
     "most_similar needs at least one number or vector in positive or negative"),
    ("a bad candidate", "model.most_similar([1], candidates=[2, 'x'])", ValueError, "'x' is not an integer"),
    ("unknown export format", "model.export([1], 'v.csv', fmt='csv')", ValueError,
     "format='csv' is unknown; choose npy, w2v, tsv or txt"),
    ("vectors that do not match", "model.export([1, 2], 'v.npy', vectors=np.zeros((3, 4)))", ValueError,
     "vectors of shape (3, 4) do not match 2 numbers"),
    ("unknown precision", "Num2Vec.from_pretrained(precision='fp8')", ValueError,
     "precision='fp8' is unknown; choose fp32, bf16 or auto"),
    ("unknown backend", "Num2Vec.from_pretrained(backend='onnx')", ValueError,
     "backend='onnx' is unknown; choose auto, numpy, torch"),
    ("bf16 on the NumPy backend", "Num2Vec.from_pretrained(backend='numpy', precision='bf16')", ValueError,
     "precision='bf16' needs backend='torch'"),
    ("a GPU on the NumPy backend", "Num2Vec.from_pretrained(backend='numpy', device='cuda')", ValueError,
     "backend='numpy' runs on the CPU; device='cuda' needs backend='torch'"),
]

# (what, CLI arguments after `num2vec`, message fragment); every one exits with status 2 and prints one line
CLI_CASES = [
    ("float", "predict 1 3.5", "'3.5' is not an integer"),
    ("float string", "predict 1 1e3", "'1e3' is not an integer"),
    ("unicode digit", "predict 1 ٣", "'٣' is not an integer"),
    ("one number", "predict 7", "at least 2 are needed"),
    ("no numbers", "predict", "no numbers given"),
    ("-n <= 0", "predict -n 0 1 2", "-n 0: the number of terms must be at least 1"),
    ("--top-k <= 0", "predict --top-k 0 1 2", "--top-k 0: must be at least 1"),
    ("--min-confidence above 1", "predict --min-confidence 1.5 1 2", "--min-confidence 1.5: must be a probability"),
    ("--min-confidence with -n", "predict -n 2 --min-confidence 0.5 1 2", "--min-confidence and -n cannot be combined"),
    ("negative, model without negatives", "predict 1 -5", "-5 is negative"),
    ("more digits than the resource guard", "predict 1 " + "9" * 4001, "has 4,001 digits"),
    ("more digits than Python converts", "predict 1 " + "9" * 4500, "has 4,500 digits; num2vec reads numbers of at most"),
    ("missing file", "predict --file no/such/file.txt", "no/such/file.txt does not exist"),
    ("a folder as --file", "predict --file .", "is a folder, not a file"),
    ("output in a missing folder", "embed 1 --output no/such/dir/x.npy", "folder no/such/dir does not exist"),
    ("output in a missing folder", "generate --output no/such/dir/x.jsonl", "folder no/such/dir does not exist"),
    ("--device cuda without a GPU", "predict --device cuda 1 2", "no CUDA GPU is available"),
    ("resume without a checkpoint", "train --preset tiny --out no/such/run --resume", "cannot resume"),
    ("unknown option", "predict --frobnicate 1 2", "no such option '--frobnicate'"),
    ("unknown option", "generate --frobnicate", "No such option '--frobnicate'"),
    ("bad --range", "embed --range 5 1", "STOP must be greater than START"),
    ("unknown --precision", "predict --precision fp8 1 2", "'fp8' is not one of 'auto', 'fp32', 'bf16'"),
    ("unknown --backend", "predict --backend onnx 1 2", "'onnx' is not one of 'auto', 'numpy', 'torch'"),
    ("--precision bf16 on the NumPy backend", "predict --backend numpy --precision bf16 1 2",
     "precision='bf16' needs backend='torch'"),
    ("-n > 100", "predict -n 101 1 2", "-n 101: at most 100 terms per sequence"),
    ("more than 1000 terms", "predict " + " ".join(map(str, range(1001))), "has 1001 numbers; at most 1000"),
    ("--difference-orders out of range", "train --difference-orders 7", "7 is not in the range 0<=x<=3"),
    ("--layers beyond the model config's 1..8", "train --layers 9", "'--layers': 9 is not in the range 1<=x<=8"),
    ("--max-minutes <= 0", "train --max-minutes 0", "'--max-minutes': 0.0 is not in the range x>0"),
    ("a word for a number", "evaluate --count x", "'--count': 'x' is not a valid integer"),
    ("more --real terms than the limit", "evaluate --real --given 100000",
     "'--given': 100000 is not in the range 2<=x<=40"),
    ("an option the real-sequence evaluation does not read", "evaluate --real --count 3",
     "--count applies to the generated sequences, not to --real"),
    ("--given without --real", "evaluate --given 5", "--given applies to --real only"),
    ("a generated length beyond the limit", "generate -o g.jsonl --min-length 300 --max-length 300",
     "'--min-length': 300 is not in the range 3<=x<=236"),
    ("a folder as --output", "generate -o .", "'--output' / '-o': File '.' is a directory"),
    ("an --output suffix of no known format", "generate -o g.xlsx", "cannot tell the format of g.xlsx from its suffix"),
    ("an unknown plot kind", "plot foo --output x.png", "'KIND': 'foo' is not one of 'digits100'"),
    ("a --range larger than the limit", "embed --range 0 100000000000", "one call embeds at most 1,000,000"),
]


def _rows() -> list[str]:
    rows = ["| input | API call | raises | message contains |", "| --- | --- | --- | --- |"]
    for what, call, exc, msg in API_CASES:
        rows.append(f"| {what} | `{call}` | `{exc.__name__}` | {msg} |")
    rows += ["", "| input | command | message on stderr (exit status 2) |", "| --- | --- | --- |"]
    for what, args, msg in CLI_CASES:
        shown = args if len(args) < 60 else args[:57] + "..."
        rows.append(f"| {what} | `num2vec {shown}` | Error: …{msg}… |")
    return rows


DOC_HEAD = """# Bad input: what num2vec says

Every row is a test (`tests/test_bad_inputs.py`; regenerate this page with
`python tests/test_bad_inputs.py > docs/errors.md`). The API raises `ValueError`
for a wrong value and `TypeError` for a wrong type, naming the value; the CLI
prints one line `Error: ...` on stderr and exits with status 2, never a traceback.

What the CLI accepts, as a person would type it: numbers separated by spaces,
commas or semicolons (`1, 2, 3`, `1,2,3`, `1;2;3`), a leading `+`, digit groups
with `_` (`1_000_000`); a comma always separates numbers, so `1,000` is two
numbers. Integral floats (`3.0`) are accepted by the API, not by the CLI.

The API takes as an integer: a Python int, a NumPy integer, a 0-d integer
array or tensor (`uint64` above 2**63 read as unsigned), a float or float
tensor element with an integral value up to 2**53, and a string of an optional
sign and ASCII digits -- in `encode`, `predict_next`, `most_similar`,
`NumberEmbedding` and everywhere else. Integer parameters (`top_k`,
`beam_size`, `n`, `topn`, `batch_size`, `k`) take Python ints, NumPy integers
and 0-d integer tensors.

Resource guards: a sequence has at most 1,000 terms, and `continue_sequence`
(`predict -n`) continues by at most 100 terms per call: the nested RNN reads
the whole sequence, so each predicted term costs time in proportion to the
sequence so far (about 0.45 s per term at 1,000 terms with the bundled model on
one CPU core). Every number has at most 4,000 digits, answers too: a decoded
next term past that is no answer (`predict_next` raises `ValueError`, its
`top_k` list leaves such candidates out, `continue_sequence` stops with an
error).

`predict --file`: one sequence per line, read and answered in batches of 256
lines, so a file of any size streams with bounded memory; a UTF-8 byte-order
mark is ignored. Blank lines and lines starting with `#` give blank output
lines; a bad line is reported on stderr as `Error: FILE line N: ...`, gives a
blank output line, the valid lines are still predicted, and the exit status is
2. Invalid UTF-8 bytes become U+FFFD and are reported like any other bad
character. A reader that closes the pipe early (`num2vec ... | head -1`) ends
the command quietly with status 0.

Model files: weights load only from safetensors with a JSON config. A pickle, a
truncated or missing weights file, a config of a newer format version, or
weights whose shapes do not match the config each raise a `ValueError` or
`FileNotFoundError` naming the file; nothing is ever loaded partially.

"""


def _more_rows() -> list[str]:
    """The tables of tests/test_model_folders.py and tests/test_runs.py (each row a test there)."""
    import importlib.util

    out = []
    for name in ("test_model_folders", "test_runs"):
        spec = importlib.util.spec_from_file_location(f"_rows_of_{name}", Path(__file__).resolve().parent / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out += ["", *module.rows()]
    return out


def render() -> str:
    return DOC_HEAD + "\n".join(_rows() + _more_rows()) + "\n"


@pytest.mark.parametrize("what, call, exc, msg", API_CASES, ids=[c[1] for c in API_CASES])
def test_api_bad_input(tiny_model, tmp_path, what, call, exc, msg):
    import torch

    from num2vec import Num2Vec
    from num2vec.embeddings import NumberEmbedding

    scope = {"model": tiny_model, "np": np, "Num2Vec": Num2Vec, "emb": NumberEmbedding(tiny_model), "torch": torch}
    with pytest.raises(exc) as err:
        eval(call.replace("'v.", f"'{tmp_path}/v."), scope)  # noqa: S307 - our own table
    assert msg in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("what, args, msg", CLI_CASES, ids=[c[1][:40] for c in CLI_CASES])
def test_cli_bad_input(tiny_model, tmp_path_factory, what, args, msg):
    import torch

    from num2vec.cli import main

    if "cuda" in args and torch.cuda.is_available():
        pytest.skip("a GPU is present")
    folder = tmp_path_factory.getbasetemp() / "bad-input-model"
    if not folder.exists():
        tiny_model.save_pretrained(folder)
    argv = args.split()
    if argv[0] in ("predict", "embed"):
        argv = [argv[0], "--model", str(folder), *argv[1:]]
    res = CliRunner().invoke(main, argv)
    assert res.exit_code == 2, res.output
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and msg in lines[0], res.stderr


def test_docs_table_is_current():
    doc = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
    assert doc.read_text() == render(), "regenerate: python tests/test_bad_inputs.py > docs/errors.md"


if __name__ == "__main__":
    sys.stdout.write(render())
