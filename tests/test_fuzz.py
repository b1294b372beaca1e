"""Fuzzing: arbitrary input to the CLI parser, `predict --file` and the API gives a result or a clear error."""

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from num2vec.cli import main, parse_numbers

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def model_dir(tiny_model, tmp_path_factory):
    return str(tiny_model.save_pretrained(tmp_path_factory.mktemp("fuzz") / "m"))


@FUZZ
@given(st.text(max_size=200))
def test_parse_numbers_never_crashes(text):
    try:
        values = parse_numbers(text)
    except ValueError as exc:
        assert "\n" not in str(exc)
    else:
        assert all(isinstance(v, int) for v in values)


@FUZZ
@given(st.lists(st.integers(min_value=-(10**30), max_value=10**30), max_size=12))
def test_api_any_int_list_gives_result_or_clear_error(tiny_model, values):
    try:
        out = tiny_model.predict_next(values)
    except ValueError as exc:
        msg = str(exc)
        assert any(k in msg for k in ("negative", "digits", "at least 2", "empty")), msg
    else:
        assert isinstance(out, int) and 0 <= out < 10**tiny_model.max_digits


@FUZZ
@given(st.lists(st.text(max_size=8), max_size=6))
def test_cli_argv_fuzz(model_dir, argv):
    res = CliRunner().invoke(main, ["predict", "--model", model_dir, *argv])
    assert res.exit_code in (0, 2), res.output
    assert "Traceback" not in res.output
    if res.exit_code == 2:
        assert len(res.stderr.strip().splitlines()) == 1


@FUZZ
@given(st.binary(max_size=400))
def test_predict_file_random_bytes(model_dir, tmp_path_factory, data):
    f = tmp_path_factory.mktemp("bytes") / "in.txt"
    f.write_bytes(data)
    res = CliRunner().invoke(main, ["predict", "--model", model_dir, "--file", str(f)])
    assert res.exit_code in (0, 2)
    assert "Traceback" not in res.output
    n_lines = len(data.decode("utf-8", errors="replace").splitlines())
    assert res.stdout.count("\n") == n_lines


def test_predict_file_huge_line_and_unicode_digits(model_dir, tmp_path):
    f = tmp_path / "in.txt"
    f.write_text("1 2 " + "7" * 100_000 + "\n" + "1 2 " * 50_000 + "\n" + "١ ٢ ٣\n" + "3 4 3 4\n")
    res = CliRunner().invoke(main, ["predict", "--model", model_dir, "--file", str(f)])
    assert res.exit_code == 2
    out = res.stdout.split("\n")
    assert out[0] == "" and out[2] == "" and out[3] != ""
    assert "line 1" in res.stderr and "digits" in res.stderr and "line 3" in res.stderr
    assert out[1] == "" and "line 2: 100000 numbers; at most 1000 are allowed" in res.stderr
