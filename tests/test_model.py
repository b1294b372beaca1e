import numpy as np
import pytest
import torch

from num2vec.codec import EOS, PAD, VOCAB_SIZE, decode_tokens, encode_sequences
from num2vec.model import ModelConfig, Num2VecNet, predict_numbers

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
    assert u.shape == (3, 5, 16) and s.shape == (3, 5, 24) and states.shape[:3] == (3, 5, tokens.shape[2])


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
