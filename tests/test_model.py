import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from num2vec.codec import EOS, NEG, PAD, VOCAB_SIZE, decode_tokens, encode_sequences
from num2vec.exact import featurize
from num2vec.model import ModelConfig, Num2VecNet, number_properties, predict_numbers

SMALL = dict(d_digit=8, d_model=16, enc_hidden=16, nest_hidden=24, dec_hidden=24, context_numbers=3, d_column=4,
             max_digits=8)


def batch(seqs, max_digits=8):
    return [torch.from_numpy(a) for a in encode_sequences(seqs, max_digits)]


def features(net, seqs, last_only=False):
    """``(tokens, lengths, n, columns, diffs)`` of ``seqs`` for ``net`` (what the data pipeline hands the model)."""
    f = featurize(seqs, net.cfg.column_spec, last_only=last_only)
    t = lambda a: None if a is None else torch.from_numpy(a)  # noqa: E731
    return t(f.tokens), t(f.lengths), t(f.n), t(f.columns), t(f.diffs)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
@pytest.mark.parametrize("attention", ["none", "digits", "numbers", "both"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_forward_shapes_and_loss(cell, attention, bidirectional):
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(cell=cell, attention=attention, bidirectional=bidirectional, enc_layers=2,
                                 dec_layers=2, nest_layers=2, **SMALL))
    tokens, lengths, n = batch([[1, 2, 3, 4, 5], [10, 20, 30, 40], [7, 7, 7]])
    logits, loss, stats = net(tokens, lengths, n, min_given=2)
    # targets: terms 3..5 of the first (3), 3..4 of the second (2), 3 of the third (1)
    assert logits.shape[0] == 6 and logits.shape[-1] == VOCAB_SIZE
    assert stats["targets"] == 6
    assert torch.isfinite(loss)
    loss.backward()
    assert all(p.grad is not None for p in net.parameters() if p.requires_grad)
    u, states, s = net.encode_context(tokens, lengths)
    assert u.shape == (3, 5, 16) and s.shape == (3, 5, 24)
    if attention in ("digits", "both"):
        assert states.shape[:3] == (3, 5, tokens.shape[2])
    else:
        assert states is None  # only attention over digits needs them


@pytest.mark.parametrize("attention", ["none", "both"])
def test_padding_does_not_change_results(attention):
    """A sequence gives the same embeddings and predictions alone and batched with longer ones."""
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(attention=attention, bidirectional=True, **SMALL)).eval()
    alone = batch([[5, 6, 7]])
    mixed = batch([[5, 6, 7], [123456, 2, 3, 4, 5, 6]])
    u1, _, s1 = net.encode_context(alone[0], alone[1])
    u2, _, s2 = net.encode_context(mixed[0], mixed[1])
    assert torch.allclose(u1[0], u2[0, :3], atol=1e-6)
    assert torch.allclose(s1[0], s2[0, :3], atol=1e-6)
    g1 = net.generate(*alone, beam_size=3, top_k=3)[0]
    g2 = net.generate(*mixed, beam_size=3, top_k=3)[0]
    assert [t for t, _ in g1] == [t for t, _ in g2]
    assert np.allclose([p for _, p in g1], [p for _, p in g2], atol=1e-5)


def test_loss_ignores_padding_tokens():
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(**SMALL))
    a = batch([[1, 2, 3]])
    b = batch([[1, 2, 3], [1, 2, 12345678]])  # longer target pads the first row's target
    _, loss_a, _ = net(*a, min_given=2)
    logits_b, _, _ = net(*b, min_given=2)
    target = a[0][0, 2]
    manual = torch.nn.functional.cross_entropy(logits_b[0, : int(a[1][0, 2])], target[: int(a[1][0, 2])])
    assert torch.allclose(loss_a, manual, atol=1e-5)


def test_generate_always_yields_valid_integers():
    torch.manual_seed(1)
    for negative in (False, True):
        net = Num2VecNet(ModelConfig(allow_negative=negative, **SMALL))
        seqs = [[1, 2, 3], [99999999, 5], [0, 0, 0, 0], [10**40, 7]]
        res = predict_numbers(net, seqs, beam_size=5, top_k=5)
        for seq, cands in zip(seqs, res):
            assert len(cands) == 5
            values = [v for v, _ in cands]
            assert len(set(values)) == 5
            # at most two digits more than the longest number of the sequence
            assert all(len(str(abs(v))) <= max(len(str(abs(x))) for x in seq) + 2 for v in values)
            if not negative:
                assert min(values) >= 0
            lps = [lp for _, lp in cands]
            assert lps == sorted(lps, reverse=True)


def test_beam_search_finds_the_most_likely_number():
    """With a beam wider than the vocabulary at every step, beam search is exact for short numbers."""
    torch.manual_seed(2)
    net = Num2VecNet(ModelConfig(**SMALL)).eval()
    tokens, lengths, n = batch([[3, 4, 5]], 2)
    best = net.generate(tokens, lengths, n, beam_size=200, top_k=1)[0][0]
    # answers after one-digit numbers have at most 3 digits: score every number 0..999 in one batch
    seqs = [[3, 4, 5, v] for v in range(1000)]
    tokens, lengths, n = batch(seqs)
    with torch.no_grad():
        logits, _, _ = net(tokens, lengths, n, min_given=3)  # (1000, J, V): one target per sequence
    target = tokens[:, 3, : logits.shape[1]]
    lp = torch.log_softmax(logits, -1).gather(2, target.clamp(max=VOCAB_SIZE - 1)[..., None])[..., 0]
    scores = lp.masked_fill(target == PAD, 0).sum(1)
    assert decode_tokens(best[0]) == int(scores.argmax())


def test_config_errors():
    with pytest.raises(ValueError, match="cell='rnn'"):
        ModelConfig(cell="rnn")
    with pytest.raises(ValueError, match="attention='all'"):
        ModelConfig(attention="all")
    with pytest.raises(ValueError, match="newer"):
        ModelConfig.from_dict({"version": 99})
    assert EOS != PAD


# --- difference columns and the pattern head ---------------------------------------------------------------


COLUMN_SWITCHES = {"difference_orders": 2, "extrapolations": 3, "ratio_extrapolations": 2,
                   "recurrence_extrapolations": 2, "period_extrapolations": 3}


@pytest.mark.parametrize("switch", COLUMN_SWITCHES)
def test_candidate_columns_feed_the_decoder_and_train(switch):
    """Each kind of candidate column widens the decoder's input by its columns, and trains and decodes with them
    (their values are tested in test_exact.py)."""
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(allow_negative=True, **SMALL | {switch: COLUMN_SWITCHES[switch]}))
    spec = net.cfg.column_spec
    assert net.decoder.weight_ih_l0.shape[1] == SMALL["d_digit"] + (SMALL["context_numbers"] + spec.n_columns) \
        * SMALL["d_column"]
    seqs = [[1, 4, 9, 16, 25], [3, 6, 12, 24, 48, 96], [-4, 8, -16, 32], [10**30, 2 * 10**30, 3 * 10**30]]
    _, loss, _ = net(*features(net, seqs), min_given=2)
    loss.backward()
    assert torch.isfinite(loss) and net.col_embed.weight.grad.abs().sum() > 0
    assert all(predict_numbers(net, [s[:-1] for s in seqs], beam_size=2, top_k=2))


def test_a_model_that_reads_columns_refuses_a_batch_without_them():
    net = Num2VecNet(ModelConfig(extrapolations=2, nested_differences=1, **SMALL))
    tokens, lengths, n, columns, diffs = features(net, [[1, 2, 3, 4]])
    with pytest.raises(ValueError, match="candidate columns"):
        net(tokens, lengths, n, None, diffs, min_given=2)
    with pytest.raises(ValueError, match="differences"):
        net(tokens, lengths, n, columns, None, min_given=2)


def test_the_decoder_copies_a_candidate_past_the_training_length():
    """The columns line up digit by digit at any length: digit j of a candidate is read at decoder step j."""
    net = Num2VecNet(ModelConfig(extrapolations=1, **SMALL))
    tokens, lengths, n, columns, _ = features(net, [[10**50, 10**50 + 1, 10**50 + 2]], last_only=True)
    b, t = torch.tensor([0]), n - 1
    cols = net._columns(tokens, b, t, 60, columns)  # (1, 60, (K + 1) * d_column)
    want = net.col_embed(torch.tensor([3] + [0] * 49 + [1, EOS] + [PAD] * 8))  # 10^50 + 3, least significant first
    assert torch.equal(cols[0, :, -SMALL["d_column"]:], want)


def test_magnitude_channel_ends_every_number_embedding():
    from num2vec.codec import encode_batch
    from num2vec.model import magnitude_features

    cfg = ModelConfig(magnitude_channel=True, allow_negative=True, **SMALL | dict(d_model=32, max_digits=12))
    net = Num2VecNet(cfg)
    numbers = [0, 7, 12345, -4096, 10**11]
    tok, lengths = encode_batch(numbers, max_digits=cfg.max_digits)
    tok, lengths = torch.from_numpy(tok), torch.from_numpy(lengths)
    u = net.encode_numbers(tok, lengths)  # (5, d_model)
    feats = magnitude_features(tok, cfg.max_digits)
    assert u.shape == (5, cfg.d_model) and feats.shape == (5, cfg.magnitude_size)
    assert torch.equal(u[:, -cfg.magnitude_size:], feats)
    log10 = torch.log10(torch.tensor(numbers).abs().double() + 1)
    assert torch.allclose(feats[:, 1], torch.tanh(log10 / cfg.max_digits).float())
    # defined for numbers of any length: bounded, still increasing past 10^max_digits
    big = magnitude_features(torch.from_numpy(encode_batch([10**30, 10**300])[0]), cfg.max_digits)
    assert (big[:, 2:] > 0.999).all() and 0.9 < big[0, 1] < big[1, 1] <= 1
    assert feats[:, 0].tolist() == [0, 0, 0, 1, 0]
    # soft scale indicators: increasing in |n|, one half at |n| + 1 = 10^k
    assert (feats[:, 2:].diff(dim=1) <= 0).all() and abs(feats[1, 2 + 1] - 8 / 18) < 1e-6
    # the learned part still trains
    tokens, lengths, n = batch([[1, 2, 3, 4], [5, 10, 20, 40]], max_digits=12)
    _, loss, _ = net(tokens, lengths, n, min_given=2)
    loss.backward()
    assert net.encoder.proj.weight.grad.abs().sum() > 0
    assert net.encoder.proj.out_features == cfg.d_model - cfg.magnitude_size


def test_nested_rnn_reads_the_embeddings_of_the_differences():
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(nested_differences=2, attention="both", bidirectional=True, **SMALL)).eval()
    assert net.nested.weight_ih_l0.shape[1] == 3 * SMALL["d_model"]
    tokens, lengths, n, _, diffs = features(net, [[5, 8, 14, 23, 35], [9, 4, 2]])
    u, states, s = net.encode_context(tokens, lengths, diffs)
    assert u.shape == (2, 5, 16) and s.shape == (2, 5, 24) and states.shape[:3] == (2, 5, tokens.shape[-1])
    # the same number embeddings as the plain encoder, and padding does not change a sequence's states
    real = lengths > 0
    assert torch.allclose(u[real], net.encode_numbers(tokens[real], lengths[real]), atol=1e-6)
    alone = features(net, [[9, 4, 2]])
    assert torch.allclose(net.encode_context(alone[0], alone[1], alone[4])[2][0], s[1, :3], atol=1e-6)
    # the nested states depend on the differences' embeddings: 9 4 2 holds no negative number, but its
    # differences -5 and -2 are written with <neg>, whose embedding gets a gradient from the states
    net.zero_grad()
    net.encode_context(alone[0], alone[1], alone[4])[2].sum().backward()
    assert net.encoder.embed.weight.grad[NEG].abs().sum() > 0
    _, loss, _ = net.train()(*features(net, [[5, 8, 14, 23, 35], [9, 4, 2]]), min_given=2)
    assert torch.isfinite(loss)


@pytest.mark.parametrize("bad, message", [
    (dict(difference_orders=4), "difference_orders=4 must be in 0..3"),
    (dict(nested_differences=5), "nested_differences=5 must be in 0..3"),
    (dict(difference_orders=1, context_numbers=0), "difference_orders > 0 needs context_numbers > 0"),
    (dict(extrapolations=7), "extrapolations=7 must be in 0..6"),
    (dict(period_extrapolations=7), "period_extrapolations=7 must be in 0..6"),
    (dict(period_extrapolations=1, context_numbers=0), "period_extrapolations > 0 needs context_numbers > 0"),
    (dict(magnitude_channel=True, d_model=24, max_digits=16), "d_model=24 is too small for the magnitude channel"),
    (dict(extrapolations=1, context_numbers=0), "extrapolations > 0 needs context_numbers > 0"),
    (dict(ratio_extrapolations=5), "ratio_extrapolations=5 must be in 0..3"),
    (dict(recurrence_extrapolations=4), "recurrence_extrapolations=4 must be in 0..3"),
    (dict(pattern_classes=-1), "pattern_classes=-1 must be >= 0"),
])
def test_config_rejects_bad_difference_and_pattern_settings(bad, message):
    with pytest.raises(ValueError, match=message):
        ModelConfig(**(SMALL | bad))


def test_pattern_head_adds_a_loss_and_reports_its_accuracy():
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(pattern_classes=6, **SMALL))
    tokens, lengths, n = batch([[1, 2, 3, 4, 5], [2, 4, 8, 16]])
    labels = torch.tensor([1, 3])
    _, plain, stats = net(tokens, lengths, n, min_given=2)
    assert "pattern_acc" not in stats
    _, with_head, stats = net(tokens, lengths, n, min_given=2, patterns=labels, pattern_weight=0.5)
    assert 0.0 <= stats["pattern_acc"] <= 1.0 and with_head > plain
    with_head.backward()
    assert net.pattern_head[0].weight.grad.abs().sum() > 0
    _, _, s = net.encode_context(tokens, lengths)
    assert net.pattern_embedding(s).shape == (2, 5, 64)
    with pytest.raises(ValueError, match="no pattern head"):
        Num2VecNet(ModelConfig(**SMALL)).pattern_embedding(s)
    # the head learns: a few steps on the two labelled sequences fit them
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(60):
        opt.zero_grad()
        _, loss, stats = net(tokens, lengths, n, min_given=2, patterns=labels, pattern_weight=1.0)
        loss.backward()
        opt.step()
    assert stats["pattern_acc"] == 1.0


def test_skip_masks_held_out_targets_and_their_pattern_labels():
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(pattern_classes=6, **SMALL))
    tokens, lengths, n = batch([[1, 2, 3, 4, 5], [2, 4, 8, 16, 32]])
    skip = torch.zeros(2, 5, dtype=torch.bool)
    skip[1, 1:] = True  # every target and state of the second sequence after its second number is held out
    runs = [net(tokens, lengths, n, min_given=2, patterns=torch.tensor([1, label]), pattern_weight=1.0, skip=skip)
            for label in (0, 5)]
    assert torch.allclose(runs[0][1], runs[1][1])  # the held-out sequence's label never reaches the loss
    assert runs[0][2]["targets"] == 3  # terms 3..5 of the first sequence only
    _, unmasked, stats = net(tokens, lengths, n, min_given=2, patterns=torch.tensor([1, 5]), pattern_weight=1.0)
    assert stats["targets"] == 6 and not torch.allclose(unmasked, runs[1][1])


@given(st.lists(st.integers(-(10**19) + 1, 10**19 - 1), min_size=1, max_size=20))
def test_number_properties_match_python_arithmetic(values):
    from num2vec.codec import encode_batch

    tokens, _ = encode_batch(values, max_digits=20)
    p = number_properties(torch.from_numpy(tokens), max_digits=20)
    a = [abs(v) for v in values]
    assert p["last_digit"].tolist() == [x % 10 for x in a]
    assert p["mod3"].tolist() == [x % 3 for x in a]
    assert p["mod7"].tolist() == [x % 7 for x in a]
    assert p["digits"].tolist() == [len(str(x)) - 1 for x in a]
    assert p["leading_digit"].tolist() == [int(str(x)[0]) for x in a]
    # log10(|n| + 1) from the leading six digits: within 1e-5 relative in |n|
    expect = np.log10(np.array(a, dtype=np.float64) + 1)
    assert np.allclose(p["log10"].numpy(), expect, atol=1e-5)


def test_property_head_adds_a_loss_and_learns_digit_properties():
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(number_properties=True, **SMALL))
    tokens, lengths, n = batch([[1, 2, 3, 4, 5], [20, 41, 83, 167], [9, 18, 36]])
    _, plain, stats = net(tokens, lengths, n, min_given=2, property_weight=0.0)
    assert "property_acc" not in stats
    _, with_head, stats = net(tokens, lengths, n, min_given=2, property_weight=0.5)
    assert 0.0 <= stats["property_acc"] <= 1.0 and with_head > plain
    with_head.backward()
    assert net.property_head.weight.grad.abs().sum() > 0
    assert net.encoder.proj.weight.grad.abs().sum() > 0  # the loss reaches the number embeddings
    with pytest.raises(ValueError, match="no property head"):
        Num2VecNet(ModelConfig(**SMALL)).property_loss(tokens[0], torch.zeros(5, 16))
    # the linear heads read the properties of these 12 numbers after a few steps
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    for _ in range(150):
        opt.zero_grad()
        _, loss, stats = net(tokens, lengths, n, min_given=2, property_weight=5.0)
        loss.backward()
        opt.step()
    assert stats["property_acc"] == 1.0


@pytest.mark.parametrize("cell", [torch.nn.GRU, torch.nn.LSTM])
@pytest.mark.parametrize("bidirectional", [False, True])
@pytest.mark.parametrize("with_state", [False, True])
# inference: the rows run as one packed sequence ("packed") or, by length, in chunks of one row ("chunked")
@pytest.mark.parametrize("mode", ["training", "packed", "chunked"])
def test_run_by_length_equals_running_each_row_alone(cell, bidirectional, with_state, mode, monkeypatch):
    import num2vec.model as model
    from num2vec.model import run_by_length

    inference = mode != "training"
    if mode == "chunked":
        monkeypatch.setattr(model, "PACKED_ROWS", 0)
        monkeypatch.setattr(model, "CHUNK_ROWS", 1)
    torch.manual_seed(0)
    rnn = cell(5, 7, num_layers=2, batch_first=True, bidirectional=bidirectional)
    dirs = 2 if bidirectional else 1
    x, lengths = torch.randn(6, 4, 5), torch.tensor([4, 1, 3, 4, 2, 3])
    state = None
    if with_state:
        h = torch.randn(2 * dirs, 6, 7)
        state = (h, torch.randn_like(h)) if cell is torch.nn.LSTM else h
    with torch.set_grad_enabled(not inference):
        out, final = run_by_length(rnn, x, lengths, state)
    assert out.shape == (6, 4, dirs * 7)
    for i, n in enumerate(lengths.tolist()):
        init = None if state is None else (
            tuple(s[:, i : i + 1] for s in state) if isinstance(state, tuple) else state[:, i : i + 1])
        o, h = rnn(x[i : i + 1, :n], init)
        torch.testing.assert_close(out[i, :n], o[0])
        assert (out[i, n:] == 0).all()
        got = final[0][:, i] if isinstance(final, tuple) else final[:, i]
        torch.testing.assert_close(got, (h[0] if isinstance(h, tuple) else h)[:, 0])


@pytest.mark.parametrize("shape", [(0, 5), (1, 3), (500, 9), (2000, 23)])
def test_unique_rows_is_torch_unique(shape):
    from num2vec.model import unique_rows

    g = torch.Generator().manual_seed(shape[0])
    rows = torch.randint(0, 15, shape, generator=g)
    if shape[0] > 2:
        rows[::3] = rows[1::3]  # repeats
    want, want_inv = torch.unique(rows, dim=0, return_inverse=True)
    got, got_inv = unique_rows(rows)
    assert torch.equal(got, want) and torch.equal(got_inv, want_inv.reshape(-1)) and got.dtype == rows.dtype
