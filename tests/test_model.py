import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from num2vec.codec import EOS, NEG, PAD, VOCAB_SIZE, decode_tokens, encode_sequences
from num2vec.model import ModelConfig, Num2VecNet, number_properties, predict_numbers

SMALL = dict(d_digit=8, d_model=16, enc_hidden=16, nest_hidden=24, dec_hidden=24, context_numbers=3, d_column=4,
             max_digits=8)


def batch(seqs, max_digits=8):
    return [torch.from_numpy(a) for a in encode_sequences(seqs, max_digits)]


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
        seqs = [[1, 2, 3], [99999999, 5], [0, 0, 0, 0]]
        res = predict_numbers(net, seqs, beam_size=5, top_k=5)
        for cands in res:
            assert len(cands) == 5
            values = [v for v, _ in cands]
            assert len(set(values)) == 5
            assert all(len(str(abs(v))) <= 8 for v in values)
            if not negative:
                assert min(values) >= 0
            lps = [lp for _, lp in cands]
            assert lps == sorted(lps, reverse=True)


def test_beam_search_finds_the_most_likely_number():
    """With a beam wider than the vocabulary at every step, beam search is exact for short numbers."""
    torch.manual_seed(2)
    net = Num2VecNet(ModelConfig(**{**SMALL, "max_digits": 2})).eval()
    tokens, lengths, n = batch([[3, 4, 5]], 2)
    best = net.generate(tokens, lengths, n, beam_size=200, top_k=1)[0][0]
    # brute force every number 0..99
    scores = []
    for v in range(100):
        seq = batch([[3, 4, 5, v]], 2)
        logits, _, _ = net(*seq, min_given=3)
        target = seq[0][0, 3, : int(seq[1][0, 3])]
        lp = torch.log_softmax(logits[0, : len(target)], -1)
        scores.append(lp.gather(1, target[:, None]).sum().item())
    assert decode_tokens(best[0]) == int(np.argmax(scores))


def test_config_errors():
    with pytest.raises(ValueError, match="cell='rnn'"):
        ModelConfig(cell="rnn")
    with pytest.raises(ValueError, match="attention='all'"):
        ModelConfig(attention="all")
    with pytest.raises(ValueError, match="newer"):
        ModelConfig.from_dict({"version": 99})
    assert EOS != PAD


# --- difference columns and the pattern head ---------------------------------------------------------------


@given(st.lists(st.integers(-(10**17) + 1, 10**17 - 1), min_size=1, max_size=30))
def test_token_values_round_trip(values):
    from num2vec.codec import encode_batch
    from num2vec.model import token_values, value_tokens

    tokens, _ = encode_batch(values, max_digits=20)
    got, ok = token_values(torch.from_numpy(tokens))
    assert got.tolist() == values and bool(ok.all())
    assert torch.equal(value_tokens(got, tokens.shape[1]), torch.from_numpy(tokens))


def test_token_values_flag_numbers_too_long_for_exact_differences():
    from num2vec.model import token_values

    tokens, _, _ = encode_sequences([[10**17, 5]], max_digits=20)
    _, ok = token_values(torch.from_numpy(tokens)[0])
    assert ok.tolist() == [False, True]


def test_difference_columns_hold_the_differences_of_the_last_numbers():
    from num2vec.model import _difference_values, token_values

    net = Num2VecNet(ModelConfig(difference_orders=2, **SMALL))
    tokens, lengths, n = batch([[5, 8, 14, 23, 35]])
    b, idx = torch.tensor([0]), torch.tensor([[4, 3, 2]])  # predicting term 6: columns of positions 4, 3, 2
    cols = net._difference_columns(_difference_values(tokens, 2), b, idx, 6)  # (1, 2*3, 6)
    assert cols.shape == (1, 6, 6)
    values, _ = token_values(cols[0].masked_fill(cols[0] == VOCAB_SIZE, PAD))
    assert values.tolist()[:3] == [12, 9, 6]  # first differences at positions 4, 3, 2
    assert values.tolist()[3:] == [3, 3, 3]  # second differences
    # at position 1 there is no second difference yet: the "no such number" token fills the column
    cols = net._difference_columns(_difference_values(tokens, 2), b, torch.tensor([[1, 0, -1]]), 6)
    assert (cols[0, 3:] == VOCAB_SIZE).all() and (cols[0, 1:3] == VOCAB_SIZE).all()
    assert token_values(cols[0, :1])[0].tolist() == [3]
    # negative differences are written with <neg>
    tokens, _, _ = batch([[9, 4, 2]])
    neg = net._difference_columns(_difference_values(tokens, 2), torch.tensor([0]), torch.tensor([[2, 1, 0]]), 6)
    assert token_values(neg[0, :2])[0].tolist() == [-2, -5]


def test_difference_columns_change_the_prediction_inputs_and_train():
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(difference_orders=2, attention="numbers", **SMALL))
    tokens, lengths, n = batch([[1, 4, 9, 16, 25], [3, 3, 3, 3]])
    _, loss, _ = net(tokens, lengths, n, min_given=2)
    loss.backward()
    assert net.decoder.weight_ih_l0.shape[1] == SMALL["d_digit"] + 3 * SMALL["context_numbers"] * SMALL["d_column"]
    assert predict_numbers(net, [[1, 4, 9, 16]], beam_size=2, top_k=2)[0]


def test_extrapolation_columns_hold_the_next_term_of_each_difference_order():
    from num2vec.model import _value_series, token_values

    net = Num2VecNet(ModelConfig(extrapolations=3, **SMALL))
    tokens, lengths, n = batch([[1, 8, 27, 64, 125], [9, 4, 2]])
    series = _value_series(tokens, 3)
    b, t = torch.tensor([0, 0, 1, 1]), torch.tensor([4, 1, 2, 0])
    cols = net._extrapolation_columns(series, b, t, 8)  # (4, 3, 8)
    values, _ = token_values(cols.masked_fill(cols == VOCAB_SIZE, PAD))
    # cubes: next first-order guess 125 + 61, second 125 + 61 + 24, third (exact) 125 + 61 + 24 + 6 = 216
    assert values[0].tolist() == [186, 210, 216]
    # at position 1 only the first difference exists; 9 4 2 -> 0 (order 1) and 3 (order 2: 2 - 2 + 3)
    assert values[1, 0] == 15 and (cols[1, 1:] == VOCAB_SIZE).all()
    assert values[2, :2].tolist() == [0, 3] and (cols[2, 2] == VOCAB_SIZE).all()
    assert (cols[3] == VOCAB_SIZE).all()  # no difference before the second number
    # negative guesses are written with <neg>: 9 4 -> -1
    assert token_values(net._extrapolation_columns(series, torch.tensor([1]), torch.tensor([1]), 8)[:, 0])[0] \
        .tolist() == [-1]
    # the decoder reads one column per order, and the model trains and decodes with them
    assert net.decoder.weight_ih_l0.shape[1] == SMALL["d_digit"] + (SMALL["context_numbers"] + 3) * SMALL["d_column"]
    _, loss, _ = net(tokens, lengths, n, min_given=2)
    loss.backward()
    assert net.col_embed.weight.grad.abs().sum() > 0
    assert predict_numbers(net, [[1, 8, 27, 64]], beam_size=2, top_k=2)[0]


def test_extrapolation_columns_reach_the_sixth_difference():
    from num2vec.model import _value_series, token_values

    net = Num2VecNet(ModelConfig(extrapolations=6, **SMALL | dict(max_digits=18)))
    quintic = [x**5 - 3 * x**2 + 7 for x in range(1, 9)]
    tokens, _, _ = batch([quintic[:7], [10**15 + x for x in range(7)]], max_digits=18)
    cols = net._extrapolation_columns(_value_series(tokens, 6), torch.tensor([0, 1]), torch.tensor([6, 6]), 18)
    values, _ = token_values(cols.masked_fill(cols == VOCAB_SIZE, PAD))
    assert values[0, 4:].tolist() == [quintic[7], quintic[7]]  # the 5th difference is constant, the 6th is 0
    assert values[0, 3] != quintic[7]
    # 16-digit numbers: orders 1..3 exist, higher ones are withheld (their int64 sums could overflow)
    assert values[1, :3].tolist() == [10**15 + 7] * 3 and (cols[1, 3:] == VOCAB_SIZE).all()


def test_period_columns_repeat_the_difference_one_period_back():
    from num2vec.model import _value_series, token_values

    net = Num2VecNet(ModelConfig(period_extrapolations=3, **SMALL))
    tokens, lengths, n = batch([[2 * x - x // 3 for x in range(1, 8)], [5, 3]])
    series = _value_series(tokens, 1)
    cols = net._period_columns(series, torch.tensor([0, 0, 1]), torch.tensor([6, 2, 1]), 8)  # (3, 3, 8)
    values, _ = token_values(cols.masked_fill(cols == VOCAB_SIZE, PAD))
    # 2 4 5 7 9 10 12, differences 2 1 2 2 1 2: period 2 repeats the 1 (13), period 3 the 2 (14 = 2*8 - 8//3)
    assert values[0].tolist() == [13, 14, 14]
    assert values[1, 0] == 5 + 2 and (cols[1, 1:] == VOCAB_SIZE).all()  # at t = 2 only period 2 has its difference
    assert (cols[2] == VOCAB_SIZE).all()  # at t = 1 no difference lies a period back
    assert net.decoder.weight_ih_l0.shape[1] == SMALL["d_digit"] + (SMALL["context_numbers"] + 3) * SMALL["d_column"]
    _, loss, _ = net(tokens, lengths, n, min_given=2)
    loss.backward()
    assert predict_numbers(net, [[2, 4, 5, 7]], beam_size=2, top_k=2)[0]


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
    assert torch.allclose(feats[:, 1] * cfg.max_digits, torch.log10(torch.tensor(numbers).abs().double() + 1).float())
    assert feats[:, 0].tolist() == [0, 0, 0, 1, 0]
    # soft scale indicators: increasing in |n|, one half at |n| + 1 = 10^k
    assert (feats[:, 2:].diff(dim=1) <= 0).all() and abs(feats[1, 2 + 1] - 8 / 18) < 1e-6
    # the learned part still trains
    tokens, lengths, n = batch([[1, 2, 3, 4], [5, 10, 20, 40]], max_digits=12)
    _, loss, _ = net(tokens, lengths, n, min_given=2)
    loss.backward()
    assert net.encoder.proj.weight.grad.abs().sum() > 0
    assert net.encoder.proj.out_features == cfg.d_model - cfg.magnitude_size


def test_ratio_columns_continue_geometric_sequences_and_affine_recurrences():
    from num2vec.model import _value_series, token_values

    net = Num2VecNet(ModelConfig(ratio_extrapolations=2, allow_negative=True, **SMALL))
    # geometric; a(n) = 3 a(n-1) + 1; a sequence whose ratios are not exact; a sign change
    tokens, lengths, n = batch([[3, 6, 12, 24], [1, 4, 13, 40], [2, 3, 5, 7], [-4, 8, -16, 32]])
    series = _value_series(tokens, 1)
    b, t = torch.arange(4), torch.tensor([3, 3, 3, 3])
    cols = net._ratio_columns(series, b, t, 8)  # (4, 2, 8)
    assert cols.shape == (4, 2, 8)
    values, _ = token_values(cols.masked_fill(cols == VOCAB_SIZE, PAD))
    assert values[0].tolist() == [48, 24 + 12 * 12 // 6]  # 24^2/12; 24 + 12^2/6
    assert values[1, 1] == 121  # 40 + 27^2/9: the recurrence's next term
    assert (cols[2, 0] == VOCAB_SIZE).all() and values[2, 1] == 9  # 7^2/5 is not exact; differences 2, 2 -> 9
    assert values[3].tolist() == [-64, -64]  # 32^2/-16; 32 + 48^2/-24
    # no column before the second number (k = 0) or the third (k = 1)
    early = net._ratio_columns(series, torch.tensor([0, 0]), torch.tensor([0, 1]), 8)
    assert (early[0] == VOCAB_SIZE).all() and (early[1, 1] == VOCAB_SIZE).all()
    assert token_values(early[1, :1])[0].tolist() == [12]
    # squares that would overflow int64 give no column
    big = torch.from_numpy(encode_sequences([[10**12, 2 * 10**12, 4 * 10**12]], max_digits=20)[0])
    assert (net._ratio_columns(_value_series(big, 1), torch.tensor([0]), torch.tensor([2]), 22)[0, 0]
            == VOCAB_SIZE).all()
    assert net.decoder.weight_ih_l0.shape[1] == SMALL["d_digit"] + (SMALL["context_numbers"] + 2) * SMALL["d_column"]
    _, loss, _ = net(tokens, lengths, n, min_given=2)
    assert torch.isfinite(loss)
    assert predict_numbers(net, [[3, 6, 12]], beam_size=2, top_k=2)[0]


def test_recurrence_columns_continue_order_two_recurrences():
    from num2vec.model import _value_series, token_values

    net = Num2VecNet(ModelConfig(recurrence_extrapolations=2, **SMALL))
    # Fibonacci; a(n) = 2a(n-1) + a(n-2) + 1 from 0, 1; a geometric sequence (no unique recurrence); squares
    seqs = [[1, 1, 2, 3, 5, 8], [0, 1, 3, 8, 20, 49], [3, 6, 12, 24, 48, 96], [1, 4, 9, 16, 25, 36]]
    tokens, lengths, n = batch(seqs)
    series = _value_series(tokens, 1)
    b, t = torch.arange(4), torch.full((4,), 5)
    cols = net._recurrence_columns(series, b, t, 8)  # (4, 2, 8)
    values, _ = token_values(cols.masked_fill(cols == VOCAB_SIZE, PAD))
    assert values[0].tolist() == [13, 13]  # p = q = 1; the differences 1, 2, 3 -> 5 (8 + 5)
    assert (cols[1, 0] == VOCAB_SIZE).all() and values[1, 1] == 119  # only the differences follow p=2, q=1: 49+70
    assert (cols[2] == VOCAB_SIZE).all()  # y1 y3 = y2^2: no unique p, q
    # squares: no order-2 recurrence without a constant term, but their differences follow p = 2, q = -1
    assert (cols[3, 0] == VOCAB_SIZE).all() and values[3, 1] == 49
    # k = 0 needs four values (t >= 3), k = 1 four differences (t >= 4)
    early = net._recurrence_columns(series, torch.tensor([0, 0]), torch.tensor([2, 3]), 8)
    assert (early[0] == VOCAB_SIZE).all() and (early[1, 1] == VOCAB_SIZE).all()
    assert not (early[1, 0] == VOCAB_SIZE).all()
    assert net.decoder.weight_ih_l0.shape[1] == SMALL["d_digit"] + (SMALL["context_numbers"] + 2) * SMALL["d_column"]
    _, loss, _ = net(tokens, lengths, n, min_given=2)
    assert torch.isfinite(loss)


def test_nested_rnn_reads_the_embeddings_of_the_differences():
    from num2vec.model import _differences, token_values

    tokens, lengths, n = batch([[5, 8, 14, 23, 35], [9, 4, 2]])
    d = _differences(tokens, 2, tokens.shape[-1] + 2)  # (2, B, T, L + 2)
    v, ok = token_values(d)
    assert v[0, 0].tolist()[1:] == [3, 6, 9, 12] and v[1, 0].tolist()[2:] == [3, 3, 3]
    assert v[0, 1].tolist()[1:3] == [-5, -2] and v[1, 1, 2] == 3
    assert not ok[0, :, 0].any() and not ok[1, :, :2].any()  # the k-th difference starts at number k
    assert not ok[:, 1, 3:].any()  # padding numbers have no differences
    torch.manual_seed(0)
    net = Num2VecNet(ModelConfig(nested_differences=2, attention="both", bidirectional=True, **SMALL)).eval()
    assert net.nested.weight_ih_l0.shape[1] == 3 * SMALL["d_model"]
    u, states, s = net.encode_context(tokens, lengths)
    assert u.shape == (2, 5, 16) and s.shape == (2, 5, 24) and states.shape[:3] == (2, 5, tokens.shape[-1])
    # the same number embeddings as the plain encoder, and padding does not change a sequence's states
    real = lengths > 0
    assert torch.allclose(u[real], net.encode_numbers(tokens[real], lengths[real]), atol=1e-6)
    alone = batch([[9, 4, 2]])
    assert torch.allclose(net.encode_context(*alone[:2])[2][0], s[1, :3], atol=1e-6)
    # the nested states depend on the differences' embeddings: 9 4 2 holds no negative number, but its
    # differences -5 and -2 are written with <neg>, whose embedding gets a gradient from the states
    net.zero_grad()
    net.encode_context(*alone[:2])[2].sum().backward()
    assert net.encoder.embed.weight.grad[NEG].abs().sum() > 0
    _, loss, _ = net.train()(tokens, lengths, n, min_given=2)
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
def test_run_by_length_equals_running_each_row_alone(cell, bidirectional, with_state):
    from num2vec.model import run_by_length

    torch.manual_seed(0)
    rnn = cell(5, 7, num_layers=2, batch_first=True, bidirectional=bidirectional)
    dirs = 2 if bidirectional else 1
    x, lengths = torch.randn(6, 4, 5), torch.tensor([4, 1, 3, 4, 2, 3])
    state = None
    if with_state:
        h = torch.randn(2 * dirs, 6, 7)
        state = (h, torch.randn_like(h)) if cell is torch.nn.LSTM else h
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
