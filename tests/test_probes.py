"""The numeracy probe benchmark (num2vec.probes): encodings, tasks, the probe, the table and the command."""

import json

import numpy as np
import pytest
import torch

from num2vec import probes
from num2vec.probes import (
    CHAR_PAD,
    FAMILIES,
    QUICK_BUDGET,
    Budget,
    NumberInput,
    Results,
    Row,
    encode_bins,
    encode_chars,
    encode_dice,
    encode_digits,
    encode_onehot,
    encodings,
    markdown_table,
    property_tasks,
    train_probe,
)

NAMES = ["num2vec", "minmax", "onehot", "bins", "dice", "digits", "char-lstm"]


def _dense(x):
    return x.toarray() if hasattr(x, "toarray") else np.asarray(x)


@pytest.mark.parametrize("log", [False, True])
def test_every_encoding_has_the_right_shape_and_is_deterministic(tiny_model, log):
    encs = encodings(tiny_model, QUICK_BUDGET)
    assert list(encs) == NAMES
    fit = np.array([0, 3, 17, 250, 999, 123_456], dtype=np.int64)
    values = np.array([0, 1, 3, 999, 1000, 5_000_000, 17, 999_999_999], dtype=np.int64)
    widths = {"num2vec": tiny_model.dim, "minmax": 1, "onehot": len(fit), "bins": 1 + 1 + int(np.log(123_456)),
              "dice": QUICK_BUDGET.dice_dim, "digits": 100, "char-lstm": 10}
    for name, enc in encs.items():
        a, b = _dense(enc.fn(values, fit, log)), _dense(enc.fn(values, fit, log))
        assert a.shape == (len(values), widths[name]), name
        assert np.array_equal(a, b), name
        assert np.isfinite(a).all(), name
        assert a.dtype == (np.int64 if enc.trainable else np.float32), name


def test_onehot_minmax_bins_and_digits_values():
    fit = np.array([2, 5, 9])
    onehot = encode_onehot(np.array([5, 7]), fit).toarray()
    assert onehot.tolist() == [[0, 1, 0], [0, 0, 0]]                   # an unseen number is all-zero
    assert probes.encode_minmax(np.array([2, 9, 16]), fit)[:, 0].tolist() == [-1, 1, 3]
    # the post's bins, generalised: [0] [1-2] [3-7] [8-20] [21-54] ...; the last one open-ended
    bins = encode_bins(np.arange(60), np.array([0, 30])).argmax(1)
    assert [bins[v] for v in (0, 1, 2, 3, 7, 8, 20, 21, 54, 55)] == [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]
    d = encode_digits(np.array([305, 0])).reshape(2, 10, 10)
    assert d[0, :3].argmax(1).tolist() == [5, 0, 3] and d[0, 3:].sum() == 0   # least significant first
    assert d[1, 0, 0] == 1 and d[1].sum() == 1
    assert encode_chars(np.array([305]))[0].tolist() == [CHAR_PAD] * 7 + [3, 0, 5]
    with pytest.raises(ValueError, match="digits"):
        encode_digits(np.array([10**10]))
    with pytest.raises(ValueError, match="non-negative"):
        encode_digits(np.array([-1]))


def test_dice_is_unit_norm_and_keeps_neighbours_close():
    values = np.arange(0, 1000, dtype=np.int64)
    v = encode_dice(values, values, dim=32)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-5)
    cos = v @ v.T
    for a in (0, 100, 500, 900):
        near, far = cos[a, a + 1 if a < 999 else a - 1], cos[a, (a + 400) % 1000]
        assert near > far, a
    assert cos[0, 999] < -0.99                      # the two ends of the range point opposite ways
    wide = encode_dice(np.array([10, 11, 10**8]), np.array([0, 10**9]), log=True)
    assert wide[0] @ wide[1] > wide[0] @ wide[2]
    assert np.array_equal(encode_dice(values[:5], values), encode_dice(values[:5], values))


def test_sparse_input_is_the_same_linear_map_as_dense():
    """One-hot features go through embedding_bag: it must equal Linear on the dense matrix."""
    data = property_tasks(Budget(numbers=60), seed=0)[0]
    enc = encodings()["onehot"]
    torch.manual_seed(0)
    layer = NumberInput(enc, data, hidden=8, slots=2)
    dense = torch.from_numpy(enc.fn(data.values, data.fit).toarray())
    ids = torch.from_numpy(np.random.default_rng(0).integers(0, len(data.values), (7, 2)))
    want = dense[ids].reshape(7, -1) @ layer.weight + layer.bias
    assert torch.allclose(layer(ids), want, atol=1e-6)


def test_tasks_never_test_on_training_numbers():
    for fam, make in FAMILIES.items():
        for data in make(QUICK_BUDGET, 1):
            train, test = data.values[data.x_train], data.values[data.x_test]
            assert set(np.unique(train)) <= set(data.fit), data.name
            assert not set(np.unique(test)) & set(data.fit), data.name
            assert len(data.x_train) == len(data.y_train) and len(data.x_test) == len(data.y_test)
            if data.kind == "listmax":
                assert data.x_test.shape[1:] == (5, 1)
                assert (test[..., 0].argmax(1) == data.y_test).all()
            if fam == "extrapolation":
                assert train.max() <= 999 and test.min() >= 1000
    square = next(d for d in property_tasks(QUICK_BUDGET, 0) if d.name.startswith("is a square"))
    assert abs(square.y_train.mean() - 0.5) < 0.05                    # balanced classes


def test_probe_learns_parity_from_digits():
    data = next(d for d in property_tasks(Budget(numbers=2000), seed=0) if d.name.startswith("parity"))
    budget = Budget(epochs=4, epoch_size=1024, batch_size=64, hidden=32)
    assert train_probe(data, encodings()["digits"], budget, seed=0) > 0.95
    assert train_probe(data, encodings()["onehot"], budget, seed=0) < 0.7   # unseen numbers: chance


def test_table_bolds_the_best_cell_per_row():
    rows = [Row("decoding", "wallace", "rmse", False, scores={"a": [1.0, 3.0], "b": [5.0, 5.0]}),
            Row("parity", "properties", "acc", True, chance=[0.5], scores={"a": [0.5, 0.6], "b": [0.9, 1.0]})]
    table = markdown_table(Results(rows, ["a", "b"], QUICK_BUDGET, 2, command="python -m num2vec.probes --quick"))
    lines = table.splitlines()
    assert lines[0] == "| task | metric | a | b |"
    assert "| **2.00 ± 1.41** | 5.00 ± 0.00 |" in lines[2]
    assert "| 0.550 ± 0.071 | **0.950 ± 0.071** |" in lines[3] and "chance 0.50" in lines[3]
    assert "python -m num2vec.probes --quick" in table and "2 seed" in table


def test_quick_main_writes_the_table_and_json(tiny_run, tmp_path, capsys):
    out, js = tmp_path / "probes.md", tmp_path / "probes.json"
    assert probes.main(["--model", str(tiny_run.out / "model"), "--quick", "--seeds", "2", "--output", str(out),
                        "--json", str(js), "--quiet"]) == 0
    table = out.read_text()
    assert table == capsys.readouterr().out
    header = table.splitlines()[0]
    for name in NAMES:
        assert f" {name} |" in header
    n_rows = sum(len(make(QUICK_BUDGET, 0)) for make in FAMILIES.values())
    assert len([line for line in table.splitlines() if line.startswith("| ")]) == n_rows + 2   # header, rule
    assert "**" in table and "--quick" in table
    result = json.loads(js.read_text())
    assert len(result["rows"]) == n_rows and result["seeds"] == 2
    assert all(len(scores) == 2 for row in result["rows"] for scores in row["scores"].values())


def test_merge_reruns_one_encoding_and_keeps_the_others(tiny_run, tmp_path, capsys):
    saved, merged = tmp_path / "saved.json", tmp_path / "merged.json"
    base = ["--quick", "--seeds", "2", "--families", "properties", "--quiet"]
    assert probes.main([*base, "--encodings", "minmax", "dice", "--json", str(saved)]) == 0
    assert probes.main([*base, "--model", str(tiny_run.out / "model"), "--encodings", "num2vec",
                        "--merge", str(saved), "--json", str(merged)]) == 0
    old, new = json.loads(saved.read_text()), json.loads(merged.read_text())
    assert new["encodings"] == ["minmax", "dice", "num2vec"] and "--merge" in new["command"]
    assert [r["task"] for r in new["rows"]] == [r["task"] for r in old["rows"]]
    for o, n in zip(old["rows"], new["rows"]):
        assert n["scores"]["minmax"] == o["scores"]["minmax"] and len(n["scores"]["num2vec"]) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:  # other seeds: the saved scores are not comparable
        probes.main(["--quick", "--seeds", "1", "--families", "properties", "--quiet", "--encodings", "dice",
                     "--merge", str(saved)])
    assert exc.value.code == 2 and "cannot merge" in capsys.readouterr().err


def test_help_and_bad_options(capsys):
    with pytest.raises(SystemExit) as exc:
        probes.main(["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    for option in ("--model", "--seeds", "--quick", "--output", "--json"):
        assert option in text
    with pytest.raises(SystemExit) as exc:
        probes.main(["--quick", "--encodings", "nope", "--families", "wide", "--seeds", "1", "--quiet"])
    assert exc.value.code == 2
