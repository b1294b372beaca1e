import json
import re
import subprocess
import sys

import numpy as np
import pytest
from click.testing import CliRunner

from num2vec.cli import main, parse_numbers
from num2vec.data import PATTERN_TYPES


@pytest.fixture(scope="module")
def model_dir(tiny_model, tmp_path_factory):
    return str(tiny_model.save_pretrained(tmp_path_factory.mktemp("cli") / "m"))


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input)


def test_predict_prints_the_api_answer(model_dir, tiny_model):
    res = run("predict", "--model", model_dir, "3", "4", "3", "4", "3")
    assert res.exit_code == 0, res.output
    value, prob = res.output.split()  # the answer and its probability
    (want, p), = tiny_model.predict_next([3, 4, 3, 4, 3], top_k=1, beam_size=1)
    assert value == str(want) == str(tiny_model.predict_next([3, 4, 3, 4, 3])) and prob == f"{p:.4f}"


def test_predict_accepts_what_people_type(model_dir, tiny_model):
    want = str(tiny_model.predict_next([1000, 2000, 3000]))
    for args in (["1_000,", "2_000,", "+3000"], ["1000,2000,3000"], ["1000; 2000; 3000"]):
        res = run("predict", "--model", model_dir, *args)
        assert res.exit_code == 0 and res.output.split()[0] == want, (args, res.output)


def test_predict_n_and_top_k(model_dir, tiny_model):
    res = run("predict", "--model", model_dir, "-n", "3", "5", "10", "15")
    assert res.output.split() == [str(v) for v in tiny_model.continue_sequence([5, 10, 15], 3)]
    res = run("predict", "--model", model_dir, "--top-k", "3", "5", "10", "15")
    lines = res.output.strip().splitlines()
    assert len(lines) == 3
    values = [int(line.split("\t")[0]) for line in lines]
    assert values == [v for v, _ in tiny_model.predict_next([5, 10, 15], top_k=3)]


def test_predict_file_reports_bad_lines_and_keeps_good_ones(model_dir, tiny_model, tmp_path):
    f = tmp_path / "seqs.txt"
    f.write_text("1 2 3 4\n\n1 2 x\n7\n5, 10, 15\n")
    res = CliRunner().invoke(main, ["predict", "--model", model_dir, "--file", str(f)])
    assert res.exit_code == 2
    out = res.stdout.split("\n")
    assert out[0] == str(tiny_model.predict_next([1, 2, 3, 4]))
    assert out[1] == "" and out[2] == "" and out[3] == ""
    assert out[4] == str(tiny_model.predict_next([5, 10, 15]))
    assert "line 3" in res.stderr and "'x'" in res.stderr
    assert "line 4" in res.stderr and "at least 2" in res.stderr


@pytest.mark.parametrize(
    "args, msg",
    [
        (["predict", "1", "2.5"], "'2.5' is not an integer"),
        (["predict", "1", "1e3"], "'1e3'"),
        (["predict", "7"], "at least 2"),
        (["predict"], "no numbers"),
        (["predict", "-n", "0", "1", "2"], "-n 0"),
        (["predict", "--top-k", "0", "1", "2"], "--top-k 0"),
        (["predict", "1", "-5"], "-5 is negative"),
        (["predict", "1", "1" * 4001], "4,001 digits"),
        (["predict", "--file", "/nonexistent/x.txt"], "does not exist"),
        (["predict", "1", "٣"], "not an integer"),
        (["embed", "1", "--output", "/nonexistent/dir/x.npy"], "does not exist"),
        (["embed", "--range", "5", "1"], "STOP must be greater"),
        (["generate", "--output", "/nonexistent/dir/x.jsonl"], "does not exist"),
        (["generate", "--output", "x.jsonl", "--family", "primes"], "families"),
    ],
)
def test_bad_input_one_line_exit_2(model_dir, args, msg):
    if args[0] in ("predict", "embed"):
        args = [args[0], "--model", model_dir, *args[1:]]
    res = run(*args)
    assert res.exit_code == 2, res.output
    assert msg in res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_cuda_request_without_gpu_is_a_clear_error(model_dir):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    res = run("predict", "--model", model_dir, "--device", "cuda", "1", "2")
    assert res.exit_code == 2 and "no CUDA GPU" in res.output


def test_embed_formats(model_dir, tiny_model, tmp_path):
    res = run("embed", "--model", model_dir, "1", "2", "3", "--output", tmp_path / "x.npy")
    assert res.exit_code == 0, res.output
    # equal up to float rounding: the thread count (chosen by the machine's load) changes the order of the sums
    assert np.allclose(np.load(tmp_path / "x.npy"), tiny_model.encode([1, 2, 3]), rtol=1e-5, atol=1e-6)
    res = run("embed", "--model", model_dir, "--range", "0", "20", "--format", "w2v", "--output", tmp_path / "v.txt")
    lines = (tmp_path / "v.txt").read_text().splitlines()
    assert lines[0] == f"20 {tiny_model.dim}" and lines[1].split()[0] == "0" and len(lines) == 21
    res = run("embed", "--model", model_dir, "--range", "0", "5", "--format", "tsv", "--output", tmp_path / "p.tsv")
    assert len((tmp_path / "p.tsv").read_text().splitlines()) == 5
    assert (tmp_path / "p_metadata.tsv").read_text().splitlines()[0].startswith("number")
    res = run("embed", "--model", model_dir, "7")
    assert res.output.split()[0] == "7" and len(res.output.split()) == tiny_model.dim + 1


def test_generate_writes_jsonl_and_csv(tmp_path):
    res = run("generate", "--count", "20", "--seed", "3", "--output", tmp_path / "d.jsonl")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
    assert len(rows) == 20 and {"terms", "family", "formula"} <= set(rows[0])
    run("generate", "--count", "20", "--seed", "3", "--output", tmp_path / "d2.jsonl")
    assert (tmp_path / "d.jsonl").read_text() == (tmp_path / "d2.jsonl").read_text()
    run("generate", "--count", "5", "--family", "cycle", "--output", tmp_path / "d.csv")
    assert (tmp_path / "d.csv").read_text().count("cycle") == 5


def test_train_and_resume_from_the_cli(tmp_path):
    out = tmp_path / "run"
    res = run("train", "--preset", "tiny", "--out", out, "--steps", "20", "--no-progress")
    assert res.exit_code == 0, res.output
    assert (out / "model" / "model.safetensors").is_file()
    res = run("train", "--preset", "tiny", "--out", out, "--steps", "30", "--resume", "--no-progress")
    assert res.exit_code == 0, res.output
    assert "resumed" in res.output and "step 30" in res.output
    res = run("train", "--out", out, "--resume", "--lr", "0.1")
    assert res.exit_code == 2 and "only --steps and --small-share" in res.output
    # the share of small-start batches may change on a resume; it is saved with the run
    res = run("train", "--out", out, "--steps", "32", "--resume", "--small-share", "0.5", "--no-progress")
    assert res.exit_code == 0, res.output
    from num2vec.serialization import load_checkpoint

    assert load_checkpoint(out / "checkpoint.safetensors")[1]["train_config"]["small_share"] == 0.5


def test_train_switches_reach_the_saved_model_config(tmp_path):
    out = tmp_path / "run"
    res = run("train", "--preset", "tiny", "--out", out, "--steps", "3", "--no-progress", "--difference-orders", "2",
              "--pattern-head", "--bidirectional", "--attention", "numbers", "--number-properties",
              "--nested-differences", "1", "--extrapolations", "2", "--ratio-extrapolations", "1",
              "--recurrence-extrapolations", "2", "--magnitude-channel", "--period-extrapolations", "3",
              "--holonomic-fits", "2", "--ratio-series", "1", "--interleaved", "3", "--workers", "1")
    assert res.exit_code == 0, res.output
    cfg = json.loads((out / "model" / "config.json").read_text())["model"]
    assert cfg["difference_orders"] == 2 and cfg["pattern_classes"] == len(PATTERN_TYPES)
    assert cfg["number_properties"] is True
    assert (cfg["holonomic_fits"], cfg["ratio_series"], cfg["interleaved"]) == (2, 1, 3)
    assert cfg["nested_differences"] == 1 and cfg["extrapolations"] == 2 and cfg["ratio_extrapolations"] == 1
    assert cfg["recurrence_extrapolations"] == 2 and cfg["magnitude_channel"] is True
    assert cfg["period_extrapolations"] == 3
    assert cfg["bidirectional"] is True and cfg["attention"] == "numbers"
    res = run("train", "--preset", "tiny", "--out", tmp_path / "r2", "--difference-orders", "4")
    assert res.exit_code == 2 and "Traceback" not in res.output
    res = run("train", "--preset", "tiny", "--out", tmp_path / "r3", "--steps", "5", "--fit-minutes", "1")
    assert res.exit_code == 2 and "--fit-minutes sets the step count" in res.output


def test_evaluate_prints_model_and_solver(model_dir):
    pytest.importorskip("num2vec.solver")
    res = run("evaluate", "--model", model_dir, "--count", "50", "--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["size"] == 50 and 0 <= report["accuracy"] <= 1 and 0 <= report["solver_accuracy"] <= 1


def test_precision_option(model_dir):
    a = run("predict", "--model", model_dir, "3", "4", "3", "4", "3")
    b = run("predict", "--model", model_dir, "--precision", "bf16", "3", "4", "3", "4", "3")
    # the same answer; its probability may differ in the last digits (bfloat16 products)
    assert a.exit_code == b.exit_code == 0 and a.output.split()[0] == b.output.split()[0]
    res = run("embed", "--model", model_dir, "--precision", "bf16", "5")
    assert res.exit_code == 0 and len(res.output.split()) > 2
    res = run("predict", "--model", model_dir, "--precision", "fp8", "1", "2")
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_help_shows_defaults():
    res = run("predict", "--help")
    assert res.exit_code == 0 and "[default: 1]" in res.output and "--top-k" in res.output


def test_real_entry_point_has_no_traceback():
    res = subprocess.run([sys.executable, "-m", "num2vec", "predict", "1", "x"], capture_output=True, text=True)
    assert res.returncode == 2
    assert res.stderr.strip().startswith("Error:") and "Traceback" not in res.stderr


def test_parse_numbers():
    assert parse_numbers(" 1,2 ; 3\t+4  -5 1_000 ") == [1, 2, 3, 4, -5, 1000]
    with pytest.raises(ValueError, match="'1.5'"):
        parse_numbers("1.5")


def test_evaluate_real_sequences(model_dir):
    res = run("evaluate", "--model", model_dir, "--real", "--given", "6", "--json")
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["size"] >= 100 and report["given"] == 6
    assert report["solver_accuracy"] > 0.3  # squares, cubes, Fibonacci ... are rule-solvable
    squares = next(r for r in report["rows"] if r["name"] == "squares")
    assert squares["given"] == [0, 1, 4, 9, 16, 25] and squares["want"] == 36 and squares["solver"] == 36


def test_word2vec_export_loads_in_gensim(model_dir, tiny_model, tmp_path):
    gensim = pytest.importorskip("gensim")
    res = run("embed", "--model", model_dir, "--range", "0", "50", "--format", "w2v", "--output", tmp_path / "v.txt")
    assert res.exit_code == 0, res.output
    kv = gensim.models.KeyedVectors.load_word2vec_format(str(tmp_path / "v.txt"), binary=False)
    assert len(kv) == 50 and kv.vector_size == tiny_model.dim
    assert np.allclose(kv["7"], tiny_model.encode(7), atol=1e-5)
    assert kv.most_similar("7", topn=3)[0][0] in {str(i) for i in range(50)}


# --- habits of command-line tools ------------------------------------------------------------------


def _cli(*args, input=None, timeout=120):
    """Run the real entry point, `python -m num2vec`, on this checkout's sources."""
    import os
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent / "src")
    env = dict(os.environ, PYTHONPATH=src, OMP_NUM_THREADS="1")
    return subprocess.run([sys.executable, "-m", "num2vec", *map(str, args)], capture_output=True, text=True,
                          input=input, env=env, timeout=timeout)


@pytest.mark.parametrize("args", [[], ["--help"], ["--version"], ["predict", "--help"], ["embed", "--help"],
                                  ["predict", "-n", "0", "1", "2"], ["predict", "--frobnicate"]])
def test_help_version_and_argument_errors_do_not_import_torch(args):
    import os
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent / "src")
    code = ("import sys, runpy\nsys.argv = ['num2vec', *sys.argv[1:]]\n"
            "try:\n    runpy.run_module('num2vec', run_name='__main__')\n"
            "except SystemExit as e:\n    print('exit', e.code, 'torch' in sys.modules, 'numpy' in sys.modules)\n")
    res = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=src), timeout=60)
    last = res.stdout.strip().splitlines()[-1]
    assert last.split()[2:] == ["False", "False"], (args, res.stdout, res.stderr)
    assert last.split()[1] == ("0" if "--help" in args or "--version" in args else "2")


def test_help_is_fast():
    import os
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent / "src")
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "num2vec", "--help"], capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=src), timeout=60)
    assert res.returncode == 0 and "Usage:" in res.stdout
    # self-time of every import in microseconds, the cumulative figure of the top-level ones summed
    total = sum(int(line.split("|")[1]) for line in res.stderr.splitlines()
                if line.startswith("import time:") and line.split("|")[1].strip().isdigit()
                and not line.split("|")[2].startswith("  "))
    assert total < 500_000, total
    assert "torch" not in res.stderr.replace("import time:", "")


def test_version_option():
    res = _cli("--version")
    assert res.returncode == 0 and "0.1.0" in res.stdout


def test_closed_pipe_ends_quietly(model_dir):
    import os
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent / "src")
    cmd = (f"{sys.executable} -m num2vec embed --model {model_dir} --range 0 20000 --format txt | head -1; "
           "echo \"status ${PIPESTATUS[0]}\"")
    res = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=src, OMP_NUM_THREADS="1"))
    lines = res.stdout.strip().splitlines()
    assert len(lines) == 2 and lines[0].split()[0] == "0" and lines[1] == "status 0", res.stdout
    assert res.stderr == "", res.stderr


def test_predict_file_ignores_a_byte_order_mark(model_dir, tiny_model, tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes("\ufeff3 4 3 4 3\n5, 10, 15\n".encode())
    res = CliRunner().invoke(main, ["predict", "--model", model_dir, "--file", str(f)])
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines() == [str(tiny_model.predict_next([3, 4, 3, 4, 3])),
                                       str(tiny_model.predict_next([5, 10, 15]))]
    res = CliRunner().invoke(main, ["predict", "--model", model_dir, "--file", "-"],
                             input="\ufeff3 4 3 4 3\n".encode())
    assert res.exit_code == 0 and res.stdout.strip() == str(tiny_model.predict_next([3, 4, 3, 4, 3]))


@pytest.mark.parametrize("data", [b"\xef", b"\xef\xbb", b"1 2 3\n\xef"])
def test_predict_file_reports_the_bytes_of_an_unfinished_byte_order_mark(model_dir, tmp_path, data):
    """A bad byte is a bad line (reported, exit status 2), also where it looks like the start of a byte-order mark."""
    f = tmp_path / "bad.txt"
    f.write_bytes(data)
    res = CliRunner().invoke(main, ["predict", "--model", model_dir, "--file", str(f)])
    assert res.exit_code == 2 and "is not an integer" in res.stderr
    assert res.stdout.count("\n") == len(data.decode("utf-8", errors="replace").splitlines())


def test_predict_file_streams_answers_batch_by_batch(model_dir, tiny_model):
    """The first answers come out while later lines are not even written yet."""
    import os
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent / "src")
    proc = subprocess.Popen([sys.executable, "-m", "num2vec", "predict", "--model", model_dir, "--file", "-"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=src, OMP_NUM_THREADS="1"))
    try:
        from num2vec.cli import FILE_BATCH

        proc.stdin.write("3 4 3 4 3\n" * FILE_BATCH)
        proc.stdin.flush()
        first = [proc.stdout.readline() for _ in range(FILE_BATCH)]  # blocks unless the batch was answered
        assert {line.strip() for line in first} == {str(tiny_model.predict_next([3, 4, 3, 4, 3]))}
        proc.stdin.write("bad line\n5 10 15\n")
        proc.stdin.close()
        rest = proc.stdout.read().splitlines()
        assert rest == ["", str(tiny_model.predict_next([5, 10, 15]))]
        assert proc.wait(timeout=60) == 2 and f"line {FILE_BATCH + 1}" in proc.stderr.read()
    finally:
        proc.kill()


def test_predict_limits(model_dir):
    res = run("predict", "--model", model_dir, "-n", "101", "1", "2")
    assert res.exit_code == 2 and "-n 101: at most 100 terms" in res.output
    res = run("predict", "--model", model_dir, *range(1001))
    assert res.exit_code == 2 and "has 1001 numbers; at most 1000 are allowed" in res.output


def test_embed_range_streams_and_dedupes(model_dir, tiny_model, tmp_path):
    res = run("embed", "--model", model_dir, "--range", "0", "5000", "--output", tmp_path / "x.npy")
    assert res.exit_code == 0, res.output
    assert np.allclose(np.load(tmp_path / "x.npy"), tiny_model.encode(np.arange(5000)), atol=1e-6)
    res = run("embed", "--model", model_dir, "5", "5", "7", "--format", "w2v", "--output", tmp_path / "v.txt")
    assert res.exit_code == 0 and "wrote 2 vectors" in res.output
    assert (tmp_path / "v.txt").read_text().splitlines()[0] == f"2 {tiny_model.dim}"
    res = run("embed", "--model", model_dir, "--range", "0", "3")
    assert [line.split()[0] for line in res.stdout.splitlines()] == ["0", "1", "2"]


def test_cli_offers_every_distribution_of_the_generator():
    from num2vec import cli, data

    assert cli.DISTRIBUTIONS == data.DISTRIBUTIONS


def test_loading_a_model_stays_clear_of_the_compiler_stack():
    """`num2vec predict` pays for `import torch` only: building and loading the model imports no torch._dynamo."""
    import os
    from pathlib import Path

    src = str(Path(__file__).resolve().parent.parent / "src")
    code = ("import sys\nfrom num2vec import Num2Vec\nm = Num2Vec.from_pretrained()\nm.predict_next([1, 2, 3])\n"
            "print('torch._dynamo' in sys.modules)\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=src), timeout=120)
    assert res.stdout.split() == ["False"], res.stderr


def test_a_term_of_4000_digits_is_answered():
    """Inside the documented 4,000-digit limit: candidate columns of 8,000 digits are encoded exactly, and an answer
    past the limit is no answer ("?")."""
    res = _cli("predict", *(str(10**3999 + 7 * k) for k in range(4)), timeout=300)
    assert res.returncode == 0, res.stderr
    value, prob = res.stdout.split("\t")
    assert int(value) == 10**3999 + 28 and 0.5 < float(prob) <= 1
    res = _cli("predict", "1", "7" * 4000, timeout=300)  # the ratio continues with 8,000 digits
    assert res.returncode == 0 and res.stdout == "?\n", res.stderr
    # in a file, that line is reported and left blank; the others are answered
    res = _cli("predict", "--file", "-", input=f"1 2 3\n1 {'7' * 4000}\n5 10 15\n", timeout=300)
    assert res.returncode == 2 and res.stdout == "4\n\n20\n"
    assert re.fullmatch(r"Error: - line 2: no answer: the decoded next term has [\d,]+ digits, beyond the "
                        r"4,000-digit resource guard", res.stderr.strip()), res.stderr


# --- options are checked before any work ---------------------------------------------------------


def test_train_option_ranges_match_the_model_config(tmp_path):
    """Every numeric train option that sets a model field takes exactly the values the saved config accepts, so a
    trained model always loads (--layers 9 trained and wrote a model that `config.json` validation refused)."""
    import click

    from num2vec.config import MODEL_SCHEMA

    fields = {"layers": ("enc_layers", "nest_layers", "dec_layers")}
    params = {p.name: p for p in main.commands["train"].params}
    checked = 0
    for name, param in params.items():
        for field in fields.get(name, (name,)):
            if field in MODEL_SCHEMA and MODEL_SCHEMA[field][0] is int:
                assert isinstance(param.type, click.IntRange), name
                assert (param.type.min, param.type.max) == MODEL_SCHEMA[field][1], (name, field)
                checked += 1
    assert checked >= 12
    res = run("train", "--preset", "tiny", "--steps", "1", "--out", tmp_path / "r", "--layers", "9")
    assert res.exit_code == 2 and "Invalid value for '--layers': 9 is not in the range 1<=x<=8" in res.output
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize("value, msg", [("-1", "-1.0 is not in the range x>0"), ("0", "0.0 is not in the range x>0"),
                                        ("nan", "'nan' is not a finite number")])
def test_train_refuses_a_time_limit_of_zero_or_less(tmp_path, value, msg):
    res = run("train", "--preset", "tiny", "--steps", "1", "--out", tmp_path / "r", "--max-minutes", value)
    assert res.exit_code == 2 and f"Invalid value for '--max-minutes': {msg}" in res.output
    assert len(res.output.strip().splitlines()) == 1 and not (tmp_path / "r").exists()


@pytest.mark.parametrize("args, msg", [
    (["evaluate", "--real", "--given", "100000"], "'--given': 100000 is not in the range 2<=x<=40"),
    (["evaluate", "--real", "--given", "1"], "'--given': 1 is not in the range 2<=x<=40"),
    (["evaluate", "--length", "100000", "--count", "2"], "'--length': 100000 is not in the range 3<=x<=236"),
    (["evaluate", "--count", "3001"], "'--count': 3001 is not in the range 1<=x<=3000"),
    (["evaluate", "--max-value", "10"], "'--max-value': 10 is not in the range x>=100"),
    (["generate", "-o", "g.jsonl", "--min-length", "100000", "--max-length", "100000"],
     "'--min-length': 100000 is not in the range 3<=x<=236"),
    (["generate", "-o", "g.jsonl", "--max-length", "237"], "'--max-length': 237 is not in the range 3<=x<=236"),
    (["generate", "-o", "g.jsonl", "--min-length", "10"], "'--min-length': 10 is greater than --max-length 8"),
])
def test_lengths_and_counts_out_of_range_are_refused_up_front(model_dir, tmp_path, monkeypatch, args, msg):
    monkeypatch.chdir(tmp_path)
    if args[0] == "evaluate":
        args = [*args, "--model", model_dir]
    res = run(*args)
    assert res.exit_code == 2 and f"Invalid value for {msg}" in res.output, res.output
    assert len(res.output.strip().splitlines()) == 1 and not (tmp_path / "g.jsonl").exists()


def test_the_generated_length_limit_is_the_generators():
    """At MAX_GENERATED_LENGTH terms the power family (exponents up to n + 20) still fits the formula language's
    powers; one term more breaks it -- the error that `generate` and `evaluate` printed for long sequences."""
    from num2vec.cli import MAX_GENERATED_LENGTH as top
    from num2vec.data import GeneratorConfig, SequenceGenerator

    for negative in (False, True):
        SequenceGenerator(GeneratorConfig(top, top, 10**7, negative, "families", ("power",)), seed=0).samples(30)
    with pytest.raises(ValueError, match="out of the formula language's range"):
        SequenceGenerator(GeneratorConfig(top + 1, top + 1, 10**7, False, "families", ("power",)), seed=0).samples(30)


def test_output_paths_that_cannot_be_written_name_the_option(model_dir, tmp_path):
    (tmp_path / "file").write_text("")
    cases = [
        (["generate", "--count", "3", "-o", tmp_path], "Invalid value for '--output' / '-o': File ", "is a directory"),
        (["embed", "--model", model_dir, "1", "-o", tmp_path], "Invalid value for '--output' / '-o': File ",
         "is a directory"),
        (["generate", "-o", tmp_path / "file" / "g.jsonl"], "Invalid value for '--output' / '-o': cannot write",
         "is not a folder"),
        (["train", "--preset", "tiny", "--steps", "1", "--out", tmp_path / "file"], "Invalid value for '--out': "
         "Directory ", "is a file"),
        (["train", "--preset", "tiny", "--steps", "1", "--no-progress", "--out", tmp_path / "file" / "run"],
         f"Invalid value for '--out': cannot create the run folder {tmp_path / 'file' / 'run'}: ", "directory"),
    ]
    for args, head, why in cases:
        res = run(*args)
        assert res.exit_code == 2 and head in res.output and why in res.output, (args, res.output)
        assert len(res.output.strip().splitlines()) == 1 and "Errno" not in res.output


def test_no_arguments_print_the_help():
    res = run()
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.startswith("Usage: ") and "Commands:" in res.stderr and "Error" not in res.stderr


@pytest.mark.parametrize("args, msg", [
    (["evaluate", "--count", "x"], "Invalid value for '--count': 'x' is not a valid integer."),
    (["train", "--lr", "x"], "Invalid value for '--lr': 'x' is not a valid float."),
])
def test_a_word_for_a_number_is_named_as_such(args, msg):
    res = run(*args)
    assert res.exit_code == 2 and res.output.strip() == f"Error: {msg}"


@pytest.mark.parametrize("args", [["foo"], ["foo", "--output", "/no/such/x.png"], ["--output", "/no/such/x.png", "foo"],
                                  ["foo", "--html", "x.html"]])
def test_an_unknown_plot_kind_is_reported_first(args):
    res = run("plot", *args)
    assert res.exit_code == 2 and res.output.startswith("Error: Invalid value for 'KIND': 'foo' is not one of "
                                                        "'digits100'"), res.output
    res = run("plot", "--output", "x.png")
    assert res.exit_code == 2 and res.output.strip() == ("Error: Missing argument 'KIND'. Choose from digits100, "
                                                         "path100, digits1000, path1000, sequences.")


def test_cli_names_the_plot_kinds_of_the_plots_module():
    from num2vec import cli, plots

    assert cli.PLOT_KINDS == plots.KINDS


def test_generate_takes_its_format_from_the_suffix_or_format(tmp_path):
    res = run("generate", "--count", "3", "-o", tmp_path / "g.xlsx")
    assert res.exit_code == 2 and "cannot tell the format of" in res.output and "'.xlsx'" in res.output
    res = run("generate", "--count", "3", "-o", tmp_path / "g.csv", "--format", "jsonl")
    assert res.exit_code == 2 and "Invalid value for '--format': jsonl does not match the suffix" in res.output
    assert not (tmp_path / "g.xlsx").exists() and not (tmp_path / "g.csv").exists()
    res = run("generate", "--count", "3", "-o", tmp_path / "g.txt", "--format", "csv")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "g.txt").read_text().splitlines()[0] == "family,pattern,formula,terms"
    res = run("generate", "--count", "3", "-o", tmp_path / "G.NDJSON")
    assert res.exit_code == 0 and json.loads((tmp_path / "G.NDJSON").read_text().splitlines()[0])["terms"]


def test_embed_range_has_a_size_limit(model_dir):
    from num2vec.cli import MAX_RANGE

    res = run("embed", "--model", model_dir, "--range", "0", 10**11)
    assert res.exit_code == 2 and res.stdout == ""
    assert "Invalid value for '--range': 0 100000000000 holds 100,000,000,000 numbers; one call embeds at most " \
           "1,000,000" in res.output
    assert run("embed", "--model", model_dir, "--range", 5, 5 + MAX_RANGE + 1).exit_code == 2
    assert "at most 1,000,000 numbers" in run("embed", "--help").output


def test_a_run_folder_as_model_points_to_its_model(tiny_run):
    res = run("predict", "--model", tiny_run.out, "1", "2", "3")
    assert res.exit_code == 2
    assert res.output.strip() == (f"Error: Invalid value for '--model': {tiny_run.out} holds no config.json but its "
                                  f"subfolder model/ does (a training run folder): did you mean --model "
                                  f"{tiny_run.out / 'model'}?")


def test_every_option_has_help_and_shows_its_default():
    import click

    for name, cmd in main.commands.items():
        ctx = click.Context(cmd, info_name=name, show_default=True)
        for param in cmd.params:
            if not isinstance(param, click.Option) or param.hidden:
                continue
            _, text = param.get_help_record(ctx)
            assert param.help, (name, param.name)
            off_flag = param.is_flag and not param.secondary_opts  # off unless given
            assert "[default: " in text or off_flag or param.required, (name, param.name, text)
    threads = next(p for p in main.commands["train"].params if p.name == "threads")
    assert "NumPy" not in threads.help and "training" in threads.help


def test_evaluate_count_stops_at_the_held_out_split_training_excludes():
    from num2vec import cli, training

    assert cli.HELDOUT_SIZE == training.HELDOUT_SIZE


def test_embed_takes_its_format_from_the_suffix_or_format(model_dir, tiny_model, tmp_path):
    res = run("embed", "--model", model_dir, "1", "2", "-o", tmp_path / "x.xlsx")
    assert res.exit_code == 2 and "cannot tell the format of" in res.output and "'.xlsx'" in res.output
    assert not (tmp_path / "x.xlsx").exists()
    res = run("embed", "--model", model_dir, "1", "2", "-o", tmp_path / "x.bin", "--format", "npy")
    assert res.exit_code == 0, res.output
    assert np.load(tmp_path / "x.bin").shape == (2, tiny_model.vector_size)
