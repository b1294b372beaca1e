import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest
import torch

from num2vec.data import GeneratorConfig, heldout_targets, overlaps
from num2vec.serialization import atomic_write, load_checkpoint, load_model
from num2vec.training import (
    CHECKPOINT_NAME,
    StepBatches,
    Trainer,
    catalog_targets,
    lr_factor,
    make_config,
    step_seed,
    train,
)


def test_tiny_training_learns(tiny_run):
    hist = tiny_run.history
    assert hist[-1]["loss"] < hist[0]["loss"] * 0.8
    assert hist[-1]["valid_accuracy"] > 0.5, hist[-1]
    assert (tiny_run.out / CHECKPOINT_NAME).is_file()
    assert (tiny_run.out / "model" / "config.json").is_file()
    log = [json.loads(line) for line in (tiny_run.out / "log.jsonl").read_text().splitlines()]
    assert [e["step"] for e in log] == [300, 600]


@pytest.mark.parametrize("mode, window", [("inputs", 7), ("sequences", 8)])
def test_training_never_sees_heldout_sequences(tmp_path, mode, window):
    from num2vec.codec import decode_batch
    from num2vec.data import SequenceGenerator, heldout

    cfg = make_config("tiny", out_dir=str(tmp_path), steps=1, batch_size=4, exclude=mode, min_length=7, max_length=8)
    trainer = Trainer(cfg, progress=False)
    assert len(trainer.exclude) > 10_000  # the valid and test splits of every distribution
    assert {len(t) for t in trainer.exclude} == {window}
    test = heldout("test", 3000, GeneratorConfig(8, 8, distribution="mixed"))[0].terms
    assert (test[:7] if mode == "inputs" else test) in trainer.exclude
    upcoming = SequenceGenerator(cfg.generator_config(), seed=step_seed(cfg.seed, 0, 0))  # batch 0's stream
    nxt = [s.terms for s in upcoming.samples(20)]
    # pretend two upcoming sequences hold held-out windows: the trainer skips exactly those
    trainer.exclude.update({nxt[0][:window], nxt[2][-window:]})
    tokens, lengths, n, _, _, patterns, skip = trainer.next_batch()
    assert patterns is None and skip is None  # the tiny preset has no pattern head; nothing is masked
    got = [tuple(decode_batch(tokens[i, : n[i]].numpy())) for i in range(len(n))]
    # dropped too: sequences with a term after a catalog question's input (the real-sequence benchmark)
    want = [t for i, t in enumerate(nxt)
            if i not in (0, 2) and not overlaps(t, trainer.exclude, window) and not catalog_targets(t)][:4]
    assert got == want
    assert not any(overlaps(g, trainer.exclude, window) for g in got)


def test_training_never_learns_a_heldout_target(tmp_path):
    """exclude="targets": sequences stay, but no loss falls on a term that follows a held-out input."""
    from num2vec.codec import decode_batch
    from num2vec.data import SequenceGenerator, heldout

    cfg = make_config("tiny", out_dir=str(tmp_path), steps=1, batch_size=6, min_length=8, max_length=8)
    assert cfg.exclude == "targets"
    trainer = Trainer(cfg, progress=False)
    assert {len(t) for t in trainer.exclude} == {7}
    test = heldout("test", 3000, GeneratorConfig(8, 8, distribution="mixed"))[0].terms
    assert test[:7] in trainer.exclude
    upcoming = SequenceGenerator(cfg.generator_config(), seed=step_seed(cfg.seed, 0, 0))
    nxt = [s.terms for s in upcoming.samples(6)]
    trainer.exclude.add(nxt[1][:7])  # pretend the second upcoming sequence starts with a held-out input
    tokens, lengths, n, _, _, _, skip = trainer.next_batch()
    got = [tuple(decode_batch(tokens[i, : n[i]].numpy())) for i in range(len(n))]
    assert got == nxt  # nothing is dropped
    # masked: targets after a held-out input, and targets that end a catalog window
    want = sum(len(set(heldout_targets(t, trainer.exclude)) | set(catalog_targets(t))) for t in nxt)
    assert skip[1, 6] and skip.sum() == want
    # the masked target carries no loss: its logits do not reach the loss
    net = trainer.net
    _, full, stats_full = net(tokens, lengths, n, min_given=cfg.min_given)
    _, masked, stats_masked = net(tokens, lengths, n, min_given=cfg.min_given, skip=skip)
    assert stats_masked["targets"] == stats_full["targets"] - int(skip.sum())
    assert not torch.isclose(full, masked)


def test_the_catalog_mask_reads_the_terms_before_a_target_never_the_target():
    """Every question of the real-sequence benchmark is masked whatever its answer; nothing else is."""
    from num2vec.catalog import CATALOG
    from num2vec.training import CATALOG_GIVEN

    for seq in CATALOG:
        terms = seq.terms(max(CATALOG_GIVEN) + 1)
        for g in CATALOG_GIVEN:
            for answer in (terms[g], terms[g] + 1, -terms[g] - 7):
                assert g in catalog_targets(terms[:g] + [answer]), (seq.name, g, answer)
    # a masked position depends on the terms before it alone: changing a term never moves a mask before it
    for seq in CATALOG[:200]:
        terms = seq.terms(12)
        masked = catalog_targets(terms)
        for i in range(len(terms)):
            changed = terms[:i] + [terms[i] + 1] + terms[i + 1:]
            assert [j for j in catalog_targets(changed) if j <= i] == [j for j in masked if j <= i]
    # the natural numbers after 11 train: only the five terms before a question's answer are masked
    assert catalog_targets(list(range(11, 23))) == []


def test_runs_saved_before_the_exclude_field_resume_with_their_old_rule():
    from num2vec.training import TrainConfig

    d = make_config("tiny").to_dict()
    del d["exclude"]
    assert TrainConfig.from_dict(d).exclude == "sequences"
    assert make_config("tiny").exclude == "targets"
    with pytest.raises(ValueError, match="exclude='all' is unknown"):
        make_config("tiny", exclude="all")


def test_lr_schedule_warms_up_and_decays():
    cfg = make_config("tiny", steps=1000)
    assert lr_factor(0, cfg) < lr_factor(cfg.warmup_steps - 1, cfg) <= 1.0
    assert lr_factor(999, cfg) == pytest.approx(cfg.min_lr_ratio, abs=1e-3)


def _losses(trainer, steps):
    return [trainer.train_step()["loss"] for _ in range(steps)]


def test_resume_continues_exactly(tmp_path):
    """Train 6 steps straight, or 3 + save + restore in a new Trainer + 3: the same losses and weights."""
    kw = dict(steps=6, checkpoint_every=3, eval_every=100, batch_size=16, sampling_max=0.3,
              model=dict(dropout=0.0))
    straight = Trainer(make_config("tiny", out_dir=str(tmp_path / "a"), **kw), progress=False)
    want = _losses(straight, 6)
    first = Trainer(make_config("tiny", out_dir=str(tmp_path / "b"), **kw), progress=False)
    got = _losses(first, 3)
    first.save()
    second = Trainer(make_config("tiny", out_dir=str(tmp_path / "b"), **kw), progress=False)
    second.restore()
    assert second.step == 3
    assert second.train_seconds == first.train_seconds > 0  # training time carries over a resume
    got += _losses(second, 3)
    assert got == pytest.approx(want, rel=1e-5)
    for (k, a), b in zip(straight.net.state_dict().items(), second.net.state_dict().values()):
        assert torch.allclose(a, b, atol=1e-6), k


def test_batches_depend_on_the_step_alone_and_workers_change_nothing(tmp_path):
    """Batch i is a function of (seed, rank, i): worker processes yield the same batches, hence the same losses."""
    cfg = make_config("tiny", steps=4, batch_size=8)
    a, b = StepBatches(cfg, 0, set()), StepBatches(cfg, 0, set())
    assert all(torch.equal(x, y) for x, y in zip(a[3][:3], b[3][:3]))  # fresh objects, same batch
    b[0]  # noqa: B018 -- the draw of another batch first does not change batch 3
    assert all(torch.equal(x, y) for x, y in zip(a[3][:3], b[3][:3]))
    assert not torch.equal(a[2].tokens, a[3].tokens)
    assert not torch.equal(a[3].tokens, StepBatches(cfg, 1, set())[3].tokens)  # each rank its own stream
    kw = dict(steps=4, checkpoint_every=100, eval_every=100, batch_size=16, model=dict(dropout=0.0))
    losses = []
    for workers in (0, 2):
        out = tmp_path / f"w{workers}"
        train(make_config("tiny", out_dir=str(out), **kw), device="cpu", progress=False, workers=workers,
              log=lambda m: None)
        _, meta = load_checkpoint(out / CHECKPOINT_NAME)
        losses.append(meta["history"][-1]["loss"])
    assert losses[0] == pytest.approx(losses[1], rel=1e-6)
    with pytest.raises(ValueError, match="workers=-1 must be 0"):
        Trainer(make_config("tiny"), workers=-1)


def test_a_run_fitted_to_a_time_completes_its_schedule(tmp_path):
    import time

    cfg = make_config("tiny", out_dir=str(tmp_path), checkpoint_every=10**6, batch_size=16)
    t0 = time.perf_counter()
    trainer = train(cfg, device="cpu", progress=False, fit_seconds=12, log=lambda m: None)
    wall = time.perf_counter() - t0
    _, meta = load_checkpoint(tmp_path / CHECKPOINT_NAME)
    assert cfg.warmup_steps < trainer.step == meta["step"] == meta["train_config"]["steps"] != 1500
    assert meta["history"][-1]["step"] == trainer.step  # the schedule ran to its end
    assert wall < 2 * 12 + 20, wall  # loose: the machine may be loaded
    with pytest.raises(ValueError, match="at least 20 warm-up steps"):
        trainer.fit_to_time(10)


def test_killed_run_resumes_from_last_checkpoint(tmp_path):
    """SIGKILL a training process mid-run; --resume continues from the last complete checkpoint."""
    out = tmp_path / "run"
    script = textwrap.dedent(f"""
        import torch
        torch.set_num_threads(1)
        from num2vec.training import make_config, train
        cfg = make_config("tiny", out_dir={str(out)!r}, steps=100000, checkpoint_every=5, eval_every=10**6,
                          batch_size=16)
        train(cfg, device="cpu", progress=False, log=print)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    ckpt = out / CHECKPOINT_NAME
    try:
        import time

        deadline = time.time() + 120
        while time.time() < deadline:
            if ckpt.is_file():
                _, meta = load_checkpoint(ckpt)
                if meta["step"] >= 15:
                    break
            time.sleep(0.2)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    _, meta = load_checkpoint(ckpt)  # readable: the last complete checkpoint
    saved = meta["step"]
    assert saved >= 15 and saved % 5 == 0
    trainer = train(make_config("tiny", out_dir=str(out)), device="cpu", resume=True, progress=False,
                    steps=saved + 5, log=lambda m: None)
    assert trainer.step == saved + 5


def test_sigint_saves_checkpoint(tmp_path):
    out = tmp_path / "run"
    script = textwrap.dedent(f"""
        import os, signal, threading, torch
        torch.set_num_threads(1)
        from num2vec.training import make_config, Trainer
        cfg = make_config("tiny", out_dir={str(out)!r}, steps=100000, checkpoint_every=10**6, eval_every=10**6,
                          batch_size=16)
        t = Trainer(cfg, progress=False)
        orig = t.train_step
        def step(batches=None):
            r = orig(batches)
            if t.step == 7:
                os.kill(os.getpid(), signal.SIGINT)
            return r
        t.train_step = step
        res = t.run()
        print("STOPPED", res["step"], res["interrupted"])
    """)
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "STOPPED 7 True" in res.stdout
    _, meta = load_checkpoint(out / CHECKPOINT_NAME)
    assert meta["step"] == 7


def test_atomic_write_keeps_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "f.bin"
    atomic_write(target, b"old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_same_seed_same_weights(tmp_path):
    nets = []
    for name in ("a", "b"):
        t = Trainer(make_config("tiny", out_dir=str(tmp_path / name), batch_size=8), progress=False)
        _losses(t, 3)
        nets.append(t.net)
    for a, b in zip(nets[0].parameters(), nets[1].parameters()):
        assert torch.equal(a, b)


def test_saved_model_reloads_identically(tiny_run, tmp_path):
    net, _ = load_model(tiny_run.out / "model")
    for a, b in zip(net.state_dict().values(), tiny_run.net.state_dict().values()):
        assert torch.equal(a.cpu(), b.cpu())


def test_bad_configs_are_refused():
    with pytest.raises(ValueError, match="preset='huge'"):
        make_config("huge")
    with pytest.raises(ValueError, match="lr=-1"):
        make_config("tiny", lr=-1)
    with pytest.raises(ValueError, match="cuda"):
        if torch.cuda.is_available():
            raise ValueError("cuda present: skip")
        from num2vec.training import resolve_device

        resolve_device("cuda")


def test_bf16_autocast_trains_on_cpu(tmp_path):
    t = Trainer(make_config("tiny", out_dir=str(tmp_path), batch_size=8, precision="bf16"), progress=False)
    losses = _losses(t, 3)
    assert all(0 < x < 10 for x in losses)
    assert all(p.dtype == torch.float32 for p in t.net.parameters())  # master weights stay fp32
    with pytest.raises(ValueError, match="fp16"):
        if torch.cuda.is_available():
            raise ValueError("fp16: a GPU is present")
        Trainer(make_config("tiny", out_dir=str(tmp_path), precision="fp16"), progress=False)


def test_negative_numbers_end_to_end(tmp_path):
    """A model trained with negatives reads and writes them; evaluation can keep the sequences crossing zero."""
    from num2vec import Num2Vec
    from num2vec.evaluation import evaluate_model

    t = train(make_config("tiny", out_dir=str(tmp_path), steps=5, batch_size=16, allow_negative=True),
              device="cpu", progress=False, log=lambda m: None)
    model = Num2Vec.from_pretrained(tmp_path / "model")
    assert model.net.cfg.allow_negative and t.cfg.allow_negative
    assert isinstance(model.predict_next([5, 3, 1, -1, -3]), int)
    cands = model.predict_next([5, 3, 1, -1, -3], top_k=10)
    assert len(cands) == 10  # the grammar admits <neg>, so negative candidates can be ranked
    r = evaluate_model(model, count=300, top_k=1, crossing_zero=True)
    assert 0 < r["size"] < 300 and r["crossing_zero"]


def test_a_signed_run_excludes_the_unsigned_and_the_length_benchmark_sets():
    from num2vec.data import heldout, length_heldout
    from num2vec.training import exclusion_set

    signed = exclusion_set(10**7, True, lengths=True)
    unsigned_test = heldout("test", 3000, GeneratorConfig(8, 8, distribution="original"))
    signed_test = heldout("test", 3000, GeneratorConfig(8, 8, allow_negative=True, distribution="mixed"))
    assert all(s.terms[:7] in signed for s in unsigned_test[:50] + signed_test[:50])
    cells = length_heldout(count=3, bands=((21, 40),))
    assert all(s.terms[:7] in signed for v in cells.values() for s in v)


def test_the_length_mix_draws_whole_batches_of_long_numbers_reproducibly(tmp_path):
    from num2vec.codec import decode_batch
    from num2vec.training import StepBatches

    cfg = make_config("tiny", out_dir=str(tmp_path), batch_size=64, long_share=0.5, long_digits=30,
                      allow_negative=True)
    longest = []
    for step in range(12):
        a, b = StepBatches(cfg, 0, set())[step], StepBatches(cfg, 0, set())[step]
        assert torch.equal(a.tokens, b.tokens)
        terms = [v for i in range(64) for v in decode_batch(a.tokens[i, : a.n[i]].numpy())]
        assert max(abs(v) for v in terms) < 10**30
        longest.append(max(len(str(abs(v))) for v in terms))
    # a batch is all long or all short: short ones stay within the distribution's 7 digits
    assert any(d > 20 for d in longest) and any(d <= 7 for d in longest)
    assert all(d > 20 or d <= 7 for d in longest)


def test_small_starts_draw_whole_batches_of_textbook_sequences(tmp_path):
    """A small_share of the batches have start values and constants of 0..3; the other batches are the ones a run
    without small starts draws."""
    import random

    from num2vec.training import StepBatches

    cfg = make_config("tiny", out_dir=str(tmp_path), batch_size=64, small_share=0.5, distribution="families")
    plain = make_config("tiny", out_dir=str(tmp_path), batch_size=64, small_share=0.0, distribution="families")
    kinds = []
    for step in range(16):
        batch = StepBatches(cfg, 0, set()).samples(step)
        assert [s.terms for s in batch] == [s.terms for s in StepBatches(cfg, 0, set()).samples(step)]
        small = random.Random(step_seed(cfg.seed, 0, step) + "/mix").random() < 0.5
        kinds.append(small)
        # the first term of a geometric sequence, the two of a second-order recurrence, the values of a cycle
        starts = [v for s in batch for v in s.terms[:{"geometric": 1, "recurrence2": 2, "cycle": 2}.get(s.family, 0)]]
        assert starts
        if small:
            assert all(abs(v) <= 3 for v in starts)
        else:
            assert [s.terms for s in batch] == [s.terms for s in StepBatches(plain, 0, set()).samples(step)]
    assert any(kinds) and not all(kinds)
    with pytest.raises(ValueError, match="small_share=0.9 must be in"):
        make_config("tiny", long_share=0.2, small_share=0.9)
    with pytest.raises(ValueError, match="exclude each other"):
        GeneratorConfig(small_starts=True, start_digits=5)


def test_a_run_started_from_a_model_resumes_without_it(tmp_path):
    import shutil

    base = make_config("tiny", out_dir=str(tmp_path / "base"), steps=3, eval_every=3)
    train(base, device="cpu", progress=False, log=lambda m: None)
    init = tmp_path / "init"
    shutil.copytree(tmp_path / "base" / "model", init)
    logs: list[str] = []
    cfg = make_config("tiny", out_dir=str(tmp_path / "tuned"), steps=3, eval_every=3, init_from=str(init))
    first = train(cfg, device="cpu", progress=False, log=logs.append)
    assert any("tensors copied" in m for m in logs)
    shutil.rmtree(init)  # the checkpoint holds the weights: resuming needs no init_from folder
    resumed = train(make_config("tiny", out_dir=str(tmp_path / "tuned")), device="cpu", resume=True, progress=False,
                    steps=5, log=lambda m: None)
    assert resumed.step == 5 and first.step == 3


def test_warm_start_into_a_model_with_more_columns_predicts_what_the_source_did(tmp_path):
    from num2vec.model import ModelConfig, Num2VecNet, predict_numbers
    from num2vec.serialization import save_model
    from num2vec.training import warm_start

    small = dict(d_digit=8, d_model=32, enc_hidden=16, nest_hidden=16, dec_hidden=16, context_numbers=2, d_column=4,
                 extrapolations=2, max_digits=8, pattern_classes=3)
    torch.manual_seed(0)
    source = Num2VecNet(ModelConfig(**small))
    save_model(source, str(tmp_path / "src"))
    grown = Num2VecNet(ModelConfig(**small | dict(holonomic_fits=2, ratio_series=1, interleaved=3, pattern_classes=5)))
    copied, skipped = warm_start(grown, str(tmp_path / "src"))
    assert skipped == [] and copied == len(grown.state_dict())
    assert grown.decoder.weight_ih_l0.shape[1] > source.decoder.weight_ih_l0.shape[1]
    seqs = [[1, 2, 6, 24, 120], [3, 5, 7, 9], [1, -2, 3, -4, 5, -6]]
    assert predict_numbers(grown, seqs, top_k=3) == predict_numbers(source, seqs, top_k=3)


def test_warm_start_maps_decoder_inputs_by_column_when_columns_are_inserted(tmp_path):
    # period columns come before the holonomic, ratio-series and every-other-term ones: the warm start must move
    # those columns' weights along, not copy them by position
    from num2vec.model import ModelConfig, Num2VecNet, predict_numbers
    from num2vec.serialization import save_model
    from num2vec.training import warm_start

    small = dict(d_digit=8, d_model=32, enc_hidden=16, nest_hidden=16, dec_hidden=16, context_numbers=2, d_column=4,
                 extrapolations=2, holonomic_fits=2, ratio_series=1, interleaved=3, max_digits=8)
    torch.manual_seed(0)
    source = Num2VecNet(ModelConfig(**small))
    with torch.no_grad():  # give every input of the decoder a weight, so a misplaced block changes the answers
        source.decoder.weight_ih_l0.normal_(0, 0.5)
    save_model(source, str(tmp_path / "src"))
    grown = Num2VecNet(ModelConfig(**small | dict(period_extrapolations=3)))
    copied, skipped = warm_start(grown, str(tmp_path / "src"))
    assert skipped == [] and copied == len(grown.state_dict())
    seqs = [[1, 2, 6, 24, 120], [3, 5, 7, 9], [1, -2, 3, -4, 5, -6], [2, 4, 5, 7, 9, 10]]
    assert predict_numbers(grown, seqs, top_k=3) == predict_numbers(source, seqs, top_k=3)
    blocks = grown.cfg.decoder_inputs()
    at = sum(w for _, w in blocks[: [n for n, _ in blocks].index("period2")])
    assert (grown.decoder.weight_ih_l0[:, at : at + 3 * 4] == 0).all()  # the new period columns start ignored
