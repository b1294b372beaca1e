import os
import threading

import numpy as np
import pytest
import torch

from num2vec import Num2Vec
from num2vec.api import bundled_model_path


def test_predict_next_one_and_many(tiny_model):
    one = tiny_model.predict_next([3, 4, 3, 4, 3, 4])
    assert isinstance(one, int)
    many = tiny_model.predict_next([[3, 4, 3, 4, 3, 4], [10, 20, 30, 40, 50]])
    assert isinstance(many, list) and many[0] == one and len(many) == 2
    arr = tiny_model.predict_next(np.array([[3, 4, 3, 4, 3, 4]]))
    assert arr == [one]


def test_batched_equals_single(tiny_model):
    seqs = [[5, 6, 7, 8], [1, 2, 1, 2, 1], [100, 200, 300], [7, 14, 21, 28, 35, 42]]
    assert tiny_model.predict_next(seqs) == [tiny_model.predict_next(s) for s in seqs]


def test_small_calls_in_inference_mode_answer_as_large_calls_and_leave_the_model_trainable(tiny_model, monkeypatch):
    import num2vec.model

    monkeypatch.setattr(num2vec.model, "INFERENCE_MODE_SEQUENCES", 2)  # calls of up to 2 sequences: inference_mode
    seqs = [[k, 2 * k, 3 * k, 4 * k] for k in range(1, 6)] + [[1, 1, 2, 3, 5]]
    large = tiny_model.predict_next(seqs)  # 6 sequences: no_grad
    assert large == tiny_model.predict_next(seqs[:2]) + tiny_model.predict_next(seqs[2:4]) + \
        tiny_model.predict_next(seqs[4:])
    together, alone = tiny_model.predict_next(seqs[:3], top_k=2), [tiny_model.predict_next(s, top_k=2) for s in seqs[:3]]
    assert [[v for v, _ in r] for r in together] == [[v for v, _ in r] for r in alone]
    assert np.allclose([[p for _, p in r] for r in together], [[p for _, p in r] for r in alone], rtol=1e-5)
    loss = sum(p.sum() for p in tiny_model.net.parameters())  # the weights are no inference tensors
    loss.backward()
    assert all(p.grad is not None for p in tiny_model.net.parameters())
    tiny_model.net.zero_grad(set_to_none=True)


def test_top_k_is_ranked_probabilities(tiny_model):
    cands = tiny_model.predict_next([2, 4, 6, 8], top_k=5)
    assert len(cands) == 5
    probs = [p for _, p in cands]
    assert probs == sorted(probs, reverse=True)
    assert all(0 < p <= 1 for p in probs) and sum(probs) <= 1 + 1e-6
    assert cands[0][0] == tiny_model.predict_next([2, 4, 6, 8], beam_size=5)
    assert len({v for v, _ in cands}) == 5


def test_continue_sequence_feeds_back_its_predictions(tiny_model):
    seq = [11, 12, 13, 14]
    cont = tiny_model.continue_sequence(seq, 3)
    assert len(cont) == 3
    assert cont[0] == tiny_model.predict_next(seq)
    assert cont[1] == tiny_model.predict_next(seq + cont[:1])


def test_encode_shapes_and_dedup(tiny_model):
    d = tiny_model.dim
    assert tiny_model.encode(5).shape == (d,)
    assert tiny_model.encode([1, 2, 3]).shape == (3, d)
    big = tiny_model.encode(10**11)
    assert big.shape == (d,)
    col = np.array([7, 3, 7, 7, 3])
    emb = tiny_model.encode(col)
    assert np.allclose(emb[0], emb[2]) and np.allclose(emb[1], emb[4])
    assert np.allclose(emb[0], tiny_model.encode(7), atol=1e-6)
    assert np.allclose(tiny_model.encode([7, 3]), tiny_model.encode(np.array([7, 3])), atol=1e-6)
    norm = tiny_model.encode([1, 2], normalize_embeddings=True)
    assert np.allclose(np.linalg.norm(norm, axis=1), 1, atol=1e-5)
    t = tiny_model.encode([1, 2], convert_to_tensor=True)
    assert isinstance(t, torch.Tensor) and t.shape == (2, d)


def test_encode_sequences(tiny_model):
    one = tiny_model.encode_sequences([1, 2, 3])
    many = tiny_model.encode_sequences([[1, 2, 3], [5, 5, 5, 5, 5]])
    assert one.ndim == 1 and many.shape == (2, one.shape[0])
    assert np.allclose(one, many[0], atol=1e-6)


def test_similarity_and_most_similar(tiny_model):
    assert tiny_model.similarity(5, 5) == pytest.approx(1.0, abs=1e-5)
    res = tiny_model.most_similar(positive=[8, 3], negative=[4], topn=5, candidates=range(50))
    assert len(res) == 5 and all(isinstance(k, int) for k, _ in res)
    assert not {8, 3, 4} & {k for k, _ in res}
    scores = [s for _, s in res]
    assert scores == sorted(scores, reverse=True)


def test_save_and_load_give_identical_predictions(tiny_model, tmp_path):
    folder = tiny_model.save_pretrained(tmp_path / "m")
    assert {p.name for p in folder.iterdir()} == {"config.json", "model.safetensors", "README.md"}
    again = Num2Vec.from_pretrained(folder)
    seqs = [[1, 2, 3, 4], [9, 8, 9, 8, 9]]
    assert again.predict_next(seqs) == tiny_model.predict_next(seqs)
    # equal up to float rounding: BLAS kernels may round differently for weights at other memory addresses
    assert np.allclose(again.encode([1, 2, 3]), tiny_model.encode([1, 2, 3]), rtol=0, atol=1e-6)


@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        ([], ValueError, "empty"),
        ([5], ValueError, "at least 2"),
        ([1, 2.5], ValueError, "2.5"),
        ([1, float("nan")], ValueError, "nan"),
        ([1, None], TypeError, "None"),
        ([1, True], TypeError, "True"),
        ([1, "x"], ValueError, "'x'"),
        ([1, -2], ValueError, "-2 is negative"),
        ([1, 10**4000], ValueError, "4,001 digits"),
        ("1 2 3", TypeError, "str"),
        ([[1, 2], 3], TypeError, "mixed"),
        (np.zeros((2, 2, 2), int), ValueError, "shape"),
    ],
)
def test_bad_sequences_raise_clear_errors(tiny_model, bad, exc, msg):
    with pytest.raises(exc, match=msg):
        tiny_model.predict_next(bad)


@pytest.mark.parametrize("kw", [{"top_k": 0}, {"top_k": -1}, {"beam_size": 0}, {"top_k": 1.5}])
def test_bad_options(tiny_model, kw):
    with pytest.raises(ValueError):
        tiny_model.predict_next([1, 2, 3], **kw)


def test_bad_encode_inputs(tiny_model):
    with pytest.raises(ValueError, match="1-D"):
        tiny_model.encode(np.zeros((2, 2), dtype=np.int64))
    with pytest.raises(ValueError, match="3.5"):
        tiny_model.encode(np.array([1.0, 3.5]))
    with pytest.raises(ValueError, match="negative"):
        tiny_model.encode(np.array([-1, 2]))
    with pytest.raises(ValueError, match="n=0"):
        tiny_model.continue_sequence([1, 2], 0)


def test_thread_safe_inference(tiny_model):
    seqs = [[i, i + 1, i + 2] for i in range(0, 60, 3)]
    want = [tiny_model.predict_next(s) for s in seqs]
    want_emb = tiny_model.encode(list(range(100)))
    got, errors = {}, []

    def work(k):
        try:
            got[k] = ([tiny_model.predict_next(s) for s in seqs], tiny_model.encode(list(range(100))))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for preds, emb in got.values():
        assert preds == want and np.array_equal(emb, want_emb)


def test_refuses_pickles_and_broken_folders(tiny_model, tmp_path):
    folder = tiny_model.save_pretrained(tmp_path / "m")
    import pickle

    (folder / "model.safetensors").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ValueError, match="never unpickles"):
        Num2Vec.from_pretrained(folder)
    folder = tiny_model.save_pretrained(tmp_path / "m2")
    data = (folder / "model.safetensors").read_bytes()
    (folder / "model.safetensors").write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="model.safetensors"):
        Num2Vec.from_pretrained(folder)
    with pytest.raises(FileNotFoundError, match="does-not-exist"):
        Num2Vec.from_pretrained(tmp_path / "does-not-exist")
    folder = tiny_model.save_pretrained(tmp_path / "m3")
    cfg = (folder / "config.json").read_text().replace('"d_model": 48', '"d_model": 40')
    (folder / "config.json").write_text(cfg)
    with pytest.raises(ValueError, match="shape"):
        Num2Vec.from_pretrained(folder)
    (folder / "config.json").write_text(cfg.replace('"version": 1', '"version": 7'))
    with pytest.raises(ValueError, match="newer"):
        Num2Vec.from_pretrained(folder)


def test_bundled_model_ships_with_the_package():
    folder = bundled_model_path()
    assert {p.name for p in folder.iterdir()} >= {"config.json", "model.safetensors", "README.md"}
    model = Num2Vec.from_pretrained()
    assert "command" in model.config["training"]
    evaluations = {e["name"]: e for e in model.config["evaluations"]}
    assert set(evaluations) == {"mixed", "original", "original_beam4", "families", "length16", "long_numbers", "signed",
                                "crossing_zero", "extended", "real"}
    assert model.calibration is not None and "development half" in model.calibration.fitted_on
    real = model.config["real_sequences"]
    assert real["split"] == "heldout" and set(real["given"]) == {"10", "5"}
    assert "--beam-size 4" in evaluations["original_beam4"]["command"]
    assert all(e["size"] == 3000 for name, e in evaluations.items() if name not in ("real", "crossing_zero"))
    assert model.net.cfg.allow_negative and evaluations["crossing_zero"]["size"] > 500
    cells = model.config["length_generalisation"]["cells"]
    assert {tuple(c["band"]) for c in cells} == {(1, 10), (11, 20), (21, 40), (41, 100)}
    assert all(c["n"] == 100 for c in cells)
    card = (folder / "README.md").read_text()
    assert "num2vec evaluate --distribution original" in card and "k-NN pattern type" in card


@pytest.mark.parametrize(
    "seq, want",
    [
        ([43424, 43425, 43426, 43427], 43428),
        ([3, 4, 3, 4, 3, 4, 3, 4, 3, 4], 3),
        ([2, 4, 8, 16, 32, 64, 128], 256),
        ([10, 9, 8, 7, 6, 5, 4, 3], 2),
        ([1000001, 1000002, 1000003, 1000004], 1000005),
        ([13, 12, 11, 10, 9, 8], 7),
    ],
)
def test_bundled_model_solves_the_posts_examples(seq, want):
    assert Num2Vec.from_pretrained().predict_next(seq) == want


@pytest.mark.parametrize("table_bytes", [1 << 30, 0])
def test_npy_export_streams_the_same_vectors(tiny_model, tmp_path, table_bytes):
    x = np.random.default_rng(0).integers(0, 500, 3000)
    path = tiny_model._export_npy(x, tmp_path / "v.npy", chunk=700, table_bytes=table_bytes)
    assert np.allclose(np.load(path), tiny_model.encode(x), atol=1e-6)
    with pytest.raises(ValueError, match="-3 is negative"):
        tiny_model.export([1, -3], tmp_path / "bad.npy")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.npy"]  # nothing partial left behind


def test_sequence_embeddings_of_both_kinds(tiny_model):
    from num2vec.model import ModelConfig, Num2VecNet
    from num2vec.patterns import embedding_kind

    assert tiny_model.encode_sequences([1, 2, 3]).shape == (tiny_model.net.cfg.nest_hidden,)
    assert embedding_kind(tiny_model) == "state"
    with pytest.raises(ValueError, match="needs a model with a pattern head"):
        tiny_model.encode_sequences([1, 2, 3], kind="pattern")
    torch.manual_seed(0)
    headed = Num2Vec(Num2VecNet(ModelConfig(d_digit=8, d_model=16, enc_hidden=16, nest_hidden=24, dec_hidden=24,
                                            context_numbers=3, d_column=4, pattern_classes=6, pattern_dim=10)))
    assert embedding_kind(headed) == "pattern"
    emb = headed.encode_sequences([[1, 2, 3], [5, 5, 5, 5]], kind="pattern")
    assert emb.shape == (2, 10)
    # the pattern embedding is the head's hidden layer applied to the nested state
    state = torch.from_numpy(headed.encode_sequences([[1, 2, 3], [5, 5, 5, 5]]))
    with torch.no_grad():
        assert np.allclose(headed.net.pattern_embedding(state).numpy(), emb, atol=1e-6)


def test_bf16_precision_matches_fp32(tiny_run):
    fp32 = Num2Vec.from_pretrained(tiny_run.out / "model", precision="fp32")
    bf16 = Num2Vec.from_pretrained(tiny_run.out / "model", precision="bf16")
    assert bf16.precision == "bf16"
    seqs = [[3, 4, 3, 4, 3], [10, 20, 30, 40], [7, 7, 7, 7]]
    assert bf16.predict_next(seqs) == fp32.predict_next(seqs)
    a, b = fp32.encode([1, 22, 333]), bf16.encode([1, 22, 333])
    assert b.dtype == np.float32 and not np.array_equal(a, b)  # bf16 really ran ...
    assert np.allclose(a, b, atol=0.1 * np.abs(a).max())  # ... and stays close
    assert bf16.encode_sequences(seqs).dtype == np.float32
    with pytest.raises(ValueError, match="precision='fp8' is unknown; choose fp32, bf16 or auto"):
        Num2Vec.from_pretrained(tiny_run.out / "model", precision="fp8")


# --- habits from gensim, sentence-transformers, PyTorch and scikit-learn ---------------------------


def test_public_classes_are_top_level_exports():
    import num2vec
    from num2vec import NumberEmbedding, NumberEncoder  # noqa: F401
    from num2vec.embeddings import NumberEmbedding as Layer

    assert NumberEmbedding is Layer and NumberEncoder.__name__ == "NumberEncoder"
    assert {"Num2Vec", "NumberEmbedding", "PatternMatch"} <= set(num2vec.__all__)
    assert all(hasattr(num2vec, name) for name in num2vec.__all__)
    assert "NumberEncoder" in dir(num2vec)
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        num2vec.Nope  # noqa: B018


def test_repr_sizes_indexing_and_membership(tiny_model):
    d = tiny_model.net.cfg.d_model
    text = repr(tiny_model)
    assert text.startswith("Num2Vec(") and f"vector_size={d}" in text and "precision=" in text
    assert tiny_model.vector_size == tiny_model.embedding_dim == tiny_model.dim == d
    assert np.array_equal(tiny_model[5], tiny_model.encode(5)) and tiny_model[5].shape == (d,)
    assert tiny_model[[5, 6]].shape == (2, d)
    assert np.array_equal(tiny_model[[5, 6]][1], tiny_model.encode([5, 6])[1])
    assert 5 in tiny_model and np.int64(5) in tiny_model and 10**11 in tiny_model
    assert -1 not in tiny_model  # the tiny model reads non-negative numbers only
    assert 10**40 in tiny_model and 10**4000 not in tiny_model  # any length up to the resource guard
    assert 2.5 not in tiny_model and "x" not in tiny_model
    assert None not in tiny_model and True not in tiny_model and [1, 2] not in tiny_model


def test_tensors_and_numpy_scalars_count_as_integers(tiny_model):
    d = tiny_model.dim
    assert np.array_equal(tiny_model.encode(torch.tensor([1, 2])), tiny_model.encode([1, 2]))
    assert tiny_model.encode(torch.tensor(7)).shape == (d,)
    assert np.array_equal(tiny_model.encode(torch.tensor([3.0, 4.0])), tiny_model.encode([3, 4]))
    with pytest.raises(ValueError, match="3.5 is not an integer"):
        tiny_model.encode(torch.tensor([1.0, 3.5]))
    with pytest.raises(TypeError, match="bool"):
        tiny_model.encode(torch.tensor([True]))
    seq = [3, 4, 3, 4, 3]
    want = tiny_model.predict_next(seq)
    assert tiny_model.predict_next(torch.tensor(seq)) == want
    assert tiny_model.predict_next([torch.tensor(v) for v in seq]) == want
    assert tiny_model.predict_next(torch.tensor([seq, seq])) == [want, want]
    assert tiny_model.predict_next([torch.tensor(seq), np.array(seq)]) == [want, want]
    assert tiny_model.predict_next(["3", "4", "3", "+4", "3"]) == want
    assert len(tiny_model.predict_next(seq, top_k=np.int64(3), beam_size=np.int32(3))) == 3
    assert len(tiny_model.predict_next(seq, top_k=torch.tensor(2))) == 2
    assert len(tiny_model.continue_sequence(seq, np.int16(2))) == 2
    assert tiny_model.encode([1, 2], batch_size=np.int64(1)).shape == (2, d)
    assert len(tiny_model.most_similar(positive=[5], topn=np.int8(3), candidates=range(20))) == 3
    for bad in (3.0, "3", True, torch.tensor([3])):
        with pytest.raises(ValueError, match="top_k=.* must be a positive integer"):
            tiny_model.predict_next(seq, top_k=bad)


def test_uint64_beyond_int64_is_read_as_unsigned():
    from num2vec.model import ModelConfig, Num2VecNet

    torch.manual_seed(0)
    wide = Num2Vec(Num2VecNet(ModelConfig(d_digit=4, d_model=8, enc_hidden=8, nest_hidden=8, dec_hidden=8,
                                          max_digits=20)))
    big = 2**63
    want = wide.encode(big)
    assert np.allclose(wide.encode(torch.tensor([big], dtype=torch.uint64))[0], want, atol=1e-6)
    assert np.allclose(wide.encode(np.array([big], dtype=np.uint64))[0], want, atol=1e-6)
    assert np.allclose(wide.encode(torch.tensor(big, dtype=torch.uint64)), want, atol=1e-6)
    assert wide.check_sequences(torch.tensor([1, big], dtype=torch.uint64))[0] == [[1, big]]


def test_most_similar_takes_vectors_and_dedupes_candidates(tiny_model):
    by_key = tiny_model.most_similar(positive=[8], topn=5, candidates=range(40))
    by_vec = tiny_model.most_similar(positive=[tiny_model.encode(8)], topn=6, candidates=range(40))
    assert by_vec[0][0] == 8 and by_vec[0][1] == pytest.approx(1.0, abs=1e-5)  # a vector query leaves no key out
    assert [k for k, _ in by_vec[1:]] == [k for k, _ in by_key]
    analogy = tiny_model.most_similar(positive=[8, 3], negative=[4], topn=5, candidates=range(40))
    mixed = tiny_model.most_similar(positive=[tiny_model.encode(8), 3], negative=[torch.tensor(tiny_model.encode(4))],
                                    topn=8, candidates=range(40))
    assert [k for k, _ in mixed if k not in (8, 4)][:5] == [k for k, _ in analogy]
    assert tiny_model.most_similar(positive=tiny_model.encode(8), topn=1, candidates=range(40))[0][0] == 8
    res = tiny_model.most_similar(positive=[1], topn=10, candidates=[7, 7, 9, 7, 3, 9])
    assert sorted(k for k, _ in res) == [3, 7, 9]
    res = tiny_model.most_similar(positive=[1], topn=10, candidates=np.array([7, 7, 9, 3, 9]))
    assert sorted(k for k, _ in res) == [3, 7, 9]
    res = tiny_model.most_similar(positive=["8"], topn=4, candidates=[10**11, "7", 7, 3.0])
    assert sorted(k for k, _ in res) == [3, 7, 10**11] and all(type(k) is int for k, _ in res)
    with pytest.raises(ValueError, match=rf"a vector in positive must have shape \({tiny_model.dim},\)"):
        tiny_model.most_similar(positive=[np.ones(3)])


def test_most_similar_streams_candidates_in_chunks(tiny_model, monkeypatch):
    whole = tiny_model.most_similar(positive=[12, 30], negative=[7], topn=7, candidates=range(3000))
    from num2vec import api

    monkeypatch.setattr(api, "CANDIDATE_CHUNK", 256)
    seen = []
    real_encode = api.Num2Vec.encode

    def spy(self, numbers, *args, **kwargs):
        seen.append(len(numbers) if hasattr(numbers, "__len__") else 1)
        return real_encode(self, numbers, *args, **kwargs)

    monkeypatch.setattr(api.Num2Vec, "encode", spy)
    chunked = tiny_model.most_similar(positive=[12, 30], negative=[7], topn=7, candidates=range(3000))
    assert max(seen) <= 256 and sum(seen) >= 3000
    assert [k for k, _ in chunked] == [k for k, _ in whole]
    assert np.allclose([s for _, s in chunked], [s for _, s in whole], atol=1e-5)
    gen = tiny_model.most_similar(positive=[12, 30], negative=[7], topn=7, candidates=(i for i in range(3000)))
    assert [k for k, _ in gen] == [k for k, _ in whole]


@pytest.mark.parametrize("fmt", ["w2v", "txt", "tsv"])
def test_export_writes_each_key_once(tiny_model, tmp_path, fmt):
    path = tmp_path / f"v.{fmt}"
    tiny_model.export([5, 5, 7, 5], path, fmt=fmt)
    lines = path.read_text().splitlines()
    if fmt == "w2v":
        assert lines[0] == f"2 {tiny_model.dim}"
        lines = lines[1:]
    if fmt == "tsv":
        assert len(lines) == 2
        assert [r.split("\t")[0] for r in (tmp_path / "v_metadata.tsv").read_text().splitlines()[1:]] == ["5", "7"]
    else:
        assert [r.split()[0] for r in lines] == ["5", "7"]
        assert np.allclose([float(x) for x in lines[1].split()[1:]], tiny_model.encode(7), atol=1e-5)


def test_export_of_a_range_streams_in_chunks(tiny_model, tmp_path, monkeypatch):
    from num2vec import api

    monkeypatch.setattr(api, "EXPORT_CHUNK", 300)
    seen = []
    real_encode = api.Num2Vec.encode
    monkeypatch.setattr(api.Num2Vec, "encode",
                        lambda self, numbers, *a, **k: seen.append(len(numbers)) or real_encode(self, numbers, *a, **k))
    tiny_model.export(range(1000, 2000), tmp_path / "v.npy")
    tiny_model.export(range(1000, 2000), tmp_path / "v.txt", fmt="w2v")
    assert max(seen) <= 300
    monkeypatch.undo()
    want = tiny_model.encode(list(range(1000, 2000)))
    assert np.allclose(np.load(tmp_path / "v.npy"), want, atol=1e-6)
    lines = (tmp_path / "v.txt").read_text().splitlines()
    assert lines[0] == f"1000 {tiny_model.dim}" and lines[-1].split()[0] == "1999"


def test_resource_guards(tiny_model):
    from num2vec.api import MAX_CONTINUE, MAX_TERMS

    assert MAX_TERMS == 1000 and MAX_CONTINUE == 100
    with pytest.raises(ValueError, match=f"has {MAX_TERMS + 1} numbers; at most {MAX_TERMS}"):
        tiny_model.predict_next(list(range(MAX_TERMS + 1)))
    with pytest.raises(ValueError, match=f"n={MAX_CONTINUE + 1} is too many: at most {MAX_CONTINUE}"):
        tiny_model.continue_sequence([1, 2], MAX_CONTINUE + 1)
    assert isinstance(tiny_model.predict_next(list(range(MAX_TERMS))), int)
    # a continuation may grow past MAX_TERMS: only what the caller gives is limited
    assert len(tiny_model.continue_sequence([v % 5 for v in range(MAX_TERMS)], 3)) == 3


def test_threads_are_chosen_per_call_and_restored(tiny_run, monkeypatch):
    from num2vec import api

    calls = []
    real = torch.set_num_threads
    monkeypatch.setattr(torch, "set_num_threads", lambda n: calls.append(n) or real(n))
    real(2)
    try:
        Num2Vec.from_pretrained(tiny_run.out / "model", backend="torch").predict_next([1, 2, 3])
        assert torch.get_num_threads() == 2 and calls[0] == 1  # small work runs on one thread, then restored
        assert api.auto_threads(10, available=8, load=0.0) == 1
        cores = os.cpu_count()
        assert api.auto_threads(10**7, available=cores, load=1.0) == cores  # only this process runs
        assert api.auto_threads(10**7, available=cores, load=cores + 1.0) == 1  # every core busy elsewhere
        assert api.auto_threads(10**7, available=1, load=0.0) == 1
        assert api.auto_threads(3 * api.ITEMS_PER_THREAD, available=64, load=0.0) == min(4, cores)
    finally:
        real(1)


def test_worker_threads_are_chosen_per_call_under_the_numpy_backend(tiny_run, monkeypatch):
    """The NumPy backend runs one BLAS thread per worker and splits a large call over auto_threads workers."""
    from num2vec import api, engine

    blas, workers = [], []
    real_blas, real_map = api._blas_threads, engine._map
    monkeypatch.setattr(api, "_blas_threads", lambda n: blas.append(n) or real_blas(n))
    monkeypatch.setattr(engine, "_map", lambda fn, items, w: workers.append(w) or real_map(fn, items, w))
    model = Num2Vec.from_pretrained(tiny_run.out / "model", backend="numpy")
    model.predict_next([1, 2, 3])
    assert blas == [1] and set(workers) == {1}
    model.encode(range(3 * api.ITEMS_PER_THREAD))
    assert blas == [1, 1] and workers[-1] == api.auto_threads(3 * api.ITEMS_PER_THREAD)
    workers.clear()
    Num2Vec.from_pretrained(tiny_run.out / "model", backend="numpy", threads=2).predict_next([1, 2, 3])
    assert workers[0] == 2  # the call's batches; the encoder inside a batch runs on its worker


def test_precision_auto_is_exact_float32_on_every_run(tiny_run):
    """`precision="auto"` is fp32 whatever the CPU: the NumPy backend on the CPU, fp32 on PyTorch, no timing."""
    model = Num2Vec.from_pretrained(tiny_run.out / "model")
    assert (model.backend, model.precision) == ("numpy", "fp32")
    assert Num2Vec.from_pretrained(tiny_run.out / "model", backend="torch").precision == "fp32"
    assert Num2Vec.from_pretrained(tiny_run.out / "model", backend="torch", precision="bf16").precision == "bf16"
    numbers = list(range(10**8, 10**8 + 300))
    again = Num2Vec.from_pretrained(tiny_run.out / "model")
    assert np.array_equal(model.encode(numbers), again.encode(numbers))
