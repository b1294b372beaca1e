"""NumberEmbedding (the PyTorch layer) and NumberEncoder (the scikit-learn transformer)."""

import copy
import importlib.util
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch

from num2vec import Num2Vec
from num2vec.embeddings import NumberEmbedding
from num2vec.model import ModelConfig, Num2VecNet


@pytest.fixture(scope="module")
def model_path(tiny_run):
    return str(tiny_run.out / "model")


# --- NumberEmbedding ------------------------------------------------------------------------------


def test_shapes_and_values_match_encode(tiny_model):
    emb = NumberEmbedding(tiny_model)
    d = tiny_model.dim
    assert emb.embedding_dim == d
    x = torch.tensor([[1, 2, 3], [40, 2, 10**11]])
    out = emb(x)
    assert out.shape == (2, 3, d) and out.dtype == torch.float32
    want = tiny_model.encode([1, 2, 3, 40, 2, 10**11])
    assert np.allclose(out.reshape(6, d).numpy(), want, atol=1e-5)
    assert emb(torch.tensor(7)).shape == (d,)
    assert emb(7).shape == (d,)
    assert emb(torch.zeros(2, 0, 4, dtype=torch.long)).shape == (2, 0, 4, d)
    assert emb([]).shape == (0, d)
    # equal up to float rounding (another batch composition gives other matrix shapes)
    assert torch.allclose(emb([[1, 2, 3], [40, 2, 10**11]]), out, atol=1e-5)
    assert torch.allclose(emb(x[:, :2].int()), out[:, :2], atol=1e-5)
    assert torch.allclose(emb(torch.tensor([1, 2, 3], dtype=torch.uint8)), out[0], atol=1e-5)


@pytest.fixture(scope="module")
def wide_model():
    """An untrained small model that reads 20 digits and negative numbers."""
    torch.manual_seed(0)
    cfg = ModelConfig(d_digit=4, d_model=8, enc_hidden=8, nest_hidden=8, dec_hidden=8, max_digits=20, allow_negative=True)
    return Num2Vec(Num2VecNet(cfg))


def test_python_ints_beyond_int64_and_negatives(wide_model):
    emb = NumberEmbedding(wide_model)
    big = [[10**19, -5], [-5, -(10**20 - 1)]]  # 20 digits: beyond int64
    out = emb(big)
    assert out.shape == (2, 2, 8)
    assert np.allclose(out.reshape(4, -1).numpy(), wide_model.encode([10**19, -5, -5, -(10**20 - 1)]), atol=1e-6)
    assert torch.equal(out[0, 1], out[1, 0])
    assert emb([1, 10**60]).shape == (2, 8)  # any length, up to the resource guard
    with pytest.raises(ValueError, match="4,001 digits"):
        emb([1, 10**4000])


def test_repeated_values_are_encoded_once(tiny_model, wide_model):
    emb, wide = NumberEmbedding(tiny_model), NumberEmbedding(wide_model)
    seen = []
    hooks = [m.encoder.register_forward_hook(lambda mod, args, out: seen.append(args[0].shape[0])) for m in (emb, wide)]
    try:
        out = emb(torch.tensor([[7, 3, 7], [7, 7, 3]]))
        wide([10**19, 1, 10**19])
    finally:
        for h in hooks:
            h.remove()
    assert seen == [2, 2]
    assert torch.equal(out[0, 0], out[1, 1]) and torch.equal(out[0, 1], out[1, 2])


def test_frozen_by_default(tiny_model):
    emb = NumberEmbedding(tiny_model)
    assert emb.freeze and not any(p.requires_grad for p in emb.parameters())
    assert not emb(torch.tensor([1, 2])).requires_grad
    emb.train()
    assert emb.training and not emb.encoder.training  # a frozen encoder stays in eval mode
    assert set(emb.state_dict()) == {f"encoder.{k}" for k in tiny_model.net.encoder.state_dict()}
    head = torch.nn.Sequential(emb, torch.nn.Linear(emb.embedding_dim, 1))
    head(torch.tensor([5, 6])).sum().backward()
    assert head[1].weight.grad is not None
    assert all(p.grad is None for p in emb.parameters())


def test_fine_tuning_reaches_the_encoder(tiny_model):
    net = copy.deepcopy(tiny_model.net)  # fine-tuning changes the encoder it is given
    emb = NumberEmbedding(net, freeze=False)
    assert all(p.requires_grad for p in emb.parameters())
    emb.train()
    assert emb.encoder.training
    opt = torch.optim.SGD(emb.parameters(), lr=0.1)
    before = emb([12, 34]).detach().clone()
    emb([12, 34]).pow(2).sum().backward()
    assert all(p.grad is not None for p in emb.parameters())
    opt.step()
    assert not torch.allclose(emb([12, 34]), before)
    assert torch.allclose(tiny_model.encode([12, 34], convert_to_tensor=True), before, atol=1e-5)


def test_from_pretrained(model_path, tiny_model):
    emb = NumberEmbedding.from_pretrained(model_path)
    assert emb.freeze and emb.max_digits == tiny_model.max_digits
    assert torch.allclose(emb([8]), tiny_model.encode([8], convert_to_tensor=True), atol=1e-5)
    assert not NumberEmbedding.from_pretrained(model_path, freeze=False).freeze
    assert "freeze=True" in repr(emb)


def test_same_integers_as_encode(tiny_model):
    """Strings of digits, integral floats and NumPy arrays are read as Num2Vec.encode reads them."""
    emb = NumberEmbedding(tiny_model)
    want = emb(torch.tensor([12, 7]))
    for x in (["12", "+7"], [12.0, 7.0], torch.tensor([12.0, 7.0]), torch.tensor([12.0, 7.0], dtype=torch.bfloat16),
              np.array([12, 7]), np.array([12.0, 7.0]), [np.int32(12), torch.tensor(7)]):
        assert torch.allclose(emb(x), want, atol=1e-6), x
    assert np.allclose(tiny_model.encode(["12", "+7"]), want.numpy(), atol=1e-5)


def test_uint64_above_int64_is_unsigned():
    torch.manual_seed(0)
    model = Num2Vec(Num2VecNet(ModelConfig(d_digit=4, d_model=8, enc_hidden=8, nest_hidden=8, dec_hidden=8,
                                           max_digits=20)))
    emb = NumberEmbedding(model)
    out = emb(torch.tensor([[2**63, 5]], dtype=torch.uint64))
    assert torch.allclose(out[0], emb([2**63, 5]), atol=1e-6)
    assert np.allclose(out[0, 0].numpy(), model.encode(2**63), atol=1e-6)


@pytest.mark.parametrize("bad, error, words", [
    (torch.tensor([1.0, 2.5]), ValueError, "2.5 is not an integer"),
    (torch.tensor([True, False]), TypeError, "torch.bool"),
    ([1, 2.5], ValueError, "2.5 is not an integer"),
    ([1, True], TypeError, "True"),
    (["1e3"], ValueError, "'1e3' is not an integer"),
    ([None], TypeError, "None"),
    ([[1, 2], [3]], TypeError, "nested"),
    ([4, -3], ValueError, "-3 is negative"),
    (torch.tensor([[4, -3]]), ValueError, "-3 is negative"),
    ([10**4000], ValueError, "4,001 digits"),
])
def test_clear_errors(tiny_model, bad, error, words):
    with pytest.raises(error, match=words):
        NumberEmbedding(tiny_model)(bad)


def test_constructor_refuses_other_objects():
    with pytest.raises(TypeError, match="Num2Vec or a Num2VecNet, got Linear"):
        NumberEmbedding(torch.nn.Linear(2, 2))


# --- NumberEncoder ---------------------------------------------------------------------------------

needs_sklearn = pytest.mark.skipif(importlib.util.find_spec("sklearn") is None, reason="scikit-learn is not installed")


@needs_sklearn
def test_transform_shapes_values_and_names(model_path, tiny_model):
    from num2vec.embeddings import NumberEncoder

    X = np.array([[1, 20], [3, 1], [1, 10**11]])
    enc = NumberEncoder(model_path=model_path).fit(X)
    assert enc.n_features_in_ == 2
    out = enc.transform(X)
    d = tiny_model.dim
    assert out.shape == (3, 2 * d) and out.dtype == np.float32
    assert np.allclose(out[:, :d], tiny_model.encode([1, 3, 1]), atol=1e-5)
    assert np.allclose(out[:, d:], tiny_model.encode([20, 1, 10**11]), atol=1e-5)
    names = enc.get_feature_names_out()
    assert len(names) == 2 * d and names[0] == "x0_emb0" and names[d] == "x1_emb0"
    normed = NumberEncoder(model_path=model_path, normalize=True).fit_transform(X)
    assert np.allclose(np.linalg.norm(normed[:, :d], axis=1), 1, atol=1e-5)
    assert np.allclose(NumberEncoder(model_path=model_path).fit_transform(X.astype(float)), out, atol=1e-6)


@needs_sklearn
def test_dataframe_feature_names(model_path):
    pd = pytest.importorskip("pandas")
    from num2vec.embeddings import NumberEncoder

    df = pd.DataFrame({"age": [30, 41, 30], "year": [1999, 2024, 2001]})
    enc = NumberEncoder(model_path=model_path).fit(df)
    assert list(enc.feature_names_in_) == ["age", "year"]
    names = enc.get_feature_names_out()
    assert names[0] == "age_emb0" and names[-1].startswith("year_emb")
    assert enc.set_output(transform="pandas").transform(df).columns[0] == "age_emb0"


@needs_sklearn
def test_clone_params_and_pickle(model_path, tiny_model):
    from sklearn.base import clone

    from num2vec.embeddings import NumberEncoder

    enc = NumberEncoder(model_path=model_path, batch_size=16)
    assert enc.get_params() == {"model_path": model_path, "normalize": False, "batch_size": 16}
    X = np.arange(40).reshape(20, 2)
    out = enc.fit_transform(X)
    twin = clone(enc)
    assert twin.get_params() == enc.get_params() and not hasattr(twin, "_loaded")
    again = pickle.loads(pickle.dumps(enc))
    assert not hasattr(again, "_loaded")
    assert np.allclose(again.transform(X), out)
    enc.set_params(normalize=True)
    assert np.allclose(np.linalg.norm(enc.transform(X)[:, : tiny_model.dim], axis=1), 1, atol=1e-5)


@needs_sklearn
def test_pipeline_with_ridge(model_path):
    from sklearn.linear_model import Ridge
    from sklearn.pipeline import make_pipeline

    from num2vec.embeddings import NumberEncoder

    rng = np.random.default_rng(0)
    n = (10 ** rng.uniform(0, 6, size=(300, 1))).astype(np.int64)  # log-uniform below 10^6
    y = np.log10(n[:, 0])
    pipe = make_pipeline(NumberEncoder(model_path=model_path), Ridge(alpha=1.0)).fit(n[:200], y[:200])
    assert pipe.score(n[:200], y[:200]) > 0.5
    assert pipe.predict(n[200:]).shape == (100,)


@needs_sklearn
def test_column_transformer_with_passthrough(model_path, tiny_model):
    pd = pytest.importorskip("pandas")
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from num2vec.embeddings import NumberEncoder

    rng = np.random.default_rng(1)
    df = pd.DataFrame({"count": rng.integers(0, 1000, 120), "price": rng.normal(size=120)})
    y = (df["price"] > 0).astype(int)
    pre = ColumnTransformer([("num", NumberEncoder(model_path=model_path), ["count"]), ("x", "passthrough", ["price"])])
    pipe = Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=500))]).fit(df, y)
    features = pipe[:-1].transform(df)
    assert features.shape == (120, tiny_model.dim + 1)
    names = pre.get_feature_names_out()
    assert names[0] == "num__count_emb0" and names[-1] == "x__price"
    assert pipe.score(df, y) > 0.9


@needs_sklearn
def test_encoder_errors(model_path):
    from sklearn.exceptions import NotFittedError

    from num2vec.embeddings import NumberEncoder

    enc = NumberEncoder(model_path=model_path)
    with pytest.raises(NotFittedError):
        enc.transform([[1]])
    enc.fit([[1, 2]])
    with pytest.raises(ValueError, match="3 features"):
        enc.transform([[1, 2, 3]])
    with pytest.raises(ValueError, match="2.5"):
        enc.transform([[1, 2.5]])
    with pytest.raises(ValueError, match="-4 is negative"):
        enc.transform([[1, -4]])
    with pytest.raises(TypeError, match="integer columns"):
        enc.fit(np.array([["a", "b"]]))


@needs_sklearn
def test_scikit_learn_is_optional(monkeypatch):
    import num2vec.embeddings as module

    monkeypatch.setitem(sys.modules, "sklearn.base", None)
    with pytest.raises(ImportError, match=r"pip install 'num2vec\[sklearn\]'"):
        module._number_encoder_class()
    with pytest.raises(AttributeError, match="no attribute 'Nothing'"):
        module.Nothing  # noqa: B018
    code = "import sys, num2vec.embeddings; assert 'sklearn' not in sys.modules"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
