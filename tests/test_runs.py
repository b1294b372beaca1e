"""A run folder is trained by one process at a time, never silently mixed with another run, and a stopped or
killed run resumes as if it had never stopped.

``RUN_CASES`` is also a table in docs/errors.md (see tests/test_bad_inputs.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from num2vec.serialization import load_checkpoint, load_model
from num2vec.training import (
    CHECKPOINT_NAME,
    EXIT_STOPPED,
    LOCK_NAME,
    RunLock,
    RunLockedError,
    Trainer,
    make_config,
    train,
)

SRC = Path(__file__).resolve().parent.parent / "src"
ENV = os.environ | {"PYTHONPATH": str(SRC), "OMP_NUM_THREADS": "1"}
TIMING = ("train_seconds", "seq_per_s", "data_share")  # wall-clock fields of a log line


def _quiet(m):
    return None


def _small(out, **kw):
    return make_config("tiny", out_dir=str(out), **({"batch_size": 16, "eval_size": 20} | kw))


def _log(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]


def _make_run_files(out: Path, what: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    if what == "model":
        (out / "model").mkdir()
        (out / "model" / "config.json").write_text("{}")
    else:
        (out / what).write_text('{"step": 999}\n')


# (what, setup, CLI arguments after `num2vec`, message fragment): exit status 2, one line on stderr
RUN_CASES = [
    ("a fresh run in a folder holding a run", "run", "train --preset tiny --out RUN",
     "already holds a run (checkpoint.safetensors); continue it with --resume or start afresh with --overwrite"),
    ("--resume and --overwrite together", "run", "train --preset tiny --out RUN --resume --overwrite",
     "--resume continues the run in RUN and --overwrite deletes it: give one"),
    ("a run another process trains", "locked", "train --preset tiny --out RUN --resume",
     "RUN is being trained by process"),
]


RUNS_INTRO = """Runs (`num2vec train --out RUN`, `num2vec.training.train`; each row a test in `tests/test_runs.py`):
one process trains a run folder at a time (`RUN/run.lock` holds its PID; the operating system releases the lock
when the process dies, so a lock file naming a dead process blocks nothing). A fresh run refuses a folder holding
`checkpoint.safetensors`, `model/` or `log.jsonl` (`FileExistsError`) unless `--overwrite` (`overwrite=True`)
deletes them; `--resume` drops the log lines written after its checkpoint. Ctrl-C or SIGTERM, also to the whole
process group, saves a checkpoint and exits with status 75 (resumable with `--resume`; also after `--max-minutes`);
a run that completed its steps exits with 0.
"""


def rows() -> list[str]:
    """The run table of docs/errors.md."""
    out = [*RUNS_INTRO.strip().splitlines(), "",
           "| run folder | command | message on stderr (exit status 2) |", "| --- | --- | --- |"]
    for what, _, args, msg in RUN_CASES:
        out.append(f"| {what} | `num2vec {args}` | Error: …{msg}… |")
    return out


def _hold_lock(out: Path) -> subprocess.Popen:
    """A process that holds the lock of ``out`` until it is killed."""
    script = f"from num2vec.training import RunLock; RunLock({str(out)!r}).acquire(); print('held', flush=True); " \
             "import time; time.sleep(600)"
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=ENV)
    assert proc.stdout.readline().strip() == "held"
    return proc


@pytest.mark.parametrize("what, setup, args, msg", RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_cli_run_folder_errors(tmp_path, what, setup, args, msg):
    from num2vec.cli import main

    out = tmp_path / "run"
    _make_run_files(out, CHECKPOINT_NAME)
    holder = _hold_lock(out) if setup == "locked" else None
    try:
        res = CliRunner().invoke(main, [a.replace("RUN", str(out)) for a in args.split()])
    finally:
        if holder is not None:
            holder.kill()
            holder.wait()
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    want = msg.replace("RUN", str(out))
    assert len(lines) == 1 and lines[0].startswith("Error: ") and want in lines[0], res.stderr
    if holder is not None:
        assert f"process {holder.pid}" in lines[0]
    assert (out / CHECKPOINT_NAME).read_text() == '{"step": 999}\n'  # nothing of the old run was touched


@pytest.mark.parametrize("what", [CHECKPOINT_NAME, "model", "log.jsonl"])
def test_a_fresh_run_refuses_a_folder_holding_a_run(tmp_path, what):
    out = tmp_path / "run"
    _make_run_files(out, what)
    with pytest.raises(FileExistsError, match=f"{out} already holds a run .*{what}.*--resume.*--overwrite"):
        train(_small(out, steps=2), device="cpu", progress=False, log=_quiet)
    with pytest.raises(ValueError, match="give one"):
        train(_small(out, steps=2), device="cpu", progress=False, log=_quiet, resume=True, overwrite=True)


def test_overwrite_starts_a_clean_run(tmp_path):
    out = tmp_path / "run"
    for what in (CHECKPOINT_NAME, "model", "log.jsonl"):
        _make_run_files(out, what)
    (out / "model" / "model.safetensors").write_bytes(b"old")
    (out / "notes.txt").write_text("mine")
    t = train(_small(out, steps=2, eval_every=1), device="cpu", progress=False, log=_quiet, overwrite=True)
    assert t.step == 2
    assert [e["step"] for e in _log(out)] == [1, 2]  # the old log's line is gone
    assert load_checkpoint(out / CHECKPOINT_NAME)[1]["step"] == 2
    load_model(out / "model")
    assert (out / "notes.txt").read_text() == "mine"  # what the run did not write stays


def test_a_locked_run_is_refused_and_a_dead_holder_releases_it(tmp_path):
    out = tmp_path / "run"
    holder = _hold_lock(out)
    try:
        for resume in (False, True):
            with pytest.raises(RunLockedError, match=f"{out} is being trained by process {holder.pid} "):
                train(_small(out, steps=2), device="cpu", progress=False, log=_quiet, resume=resume)
    finally:
        holder.kill()  # SIGKILL: the holder cannot clean up; the lock file stays, naming a dead process
        holder.wait()
    assert (out / LOCK_NAME).read_text().split()[0] == str(holder.pid)
    with RunLock(out):  # the operating system released the dead holder's lock
        assert (out / LOCK_NAME).read_text().split()[0] == str(os.getpid())
    with RunLock(out):  # and a lock is released when its holder is done
        pass


def test_leftover_temp_files_are_removed_on_start_and_resume(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    leftovers = [out / ".checkpoint.safetensors.k1ll3d_a.tmp"]
    for p in leftovers:
        p.write_bytes(b"torn")
    train(_small(out, steps=2), device="cpu", progress=False, log=_quiet)  # only temp files: not a run
    assert not any(p.exists() for p in leftovers)
    leftovers = [out / ".checkpoint.safetensors.x9.tmp", out / "model" / ".model.safetensors.q7.tmp",
                 out / "model" / ".config.json.zz.tmp", out / ".log.jsonl.ab.tmp"]
    for p in leftovers:
        p.write_bytes(b"torn")
    (out / "model" / "keep.tmp").write_text("not ours")
    train(_small(out), device="cpu", progress=False, log=_quiet, resume=True, steps=3)
    assert not any(p.exists() for p in leftovers)
    assert (out / "model" / "keep.tmp").exists()


def _comparable(entries: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k not in TIMING} for e in entries]


def test_the_log_continues_exactly_after_a_resume(tmp_path):
    """8 steps straight, or: 6 steps, killed after the log line of step 6 but with the checkpoint of step 4,
    then resumed to 8: the same log lines (no duplicate steps; the same running loss and accuracy)."""
    kw = dict(steps=8, eval_every=2, checkpoint_every=4, sampling_max=0.2)
    straight = tmp_path / "straight"
    train(_small(straight, **kw), device="cpu", progress=False, log=_quiet)
    want = _log(straight)
    assert [e["step"] for e in want] == [2, 4, 6, 8]

    out = tmp_path / "stopped"
    t = Trainer(_small(out, **kw), progress=False, log=_quiet)
    t.run(stop_at=4)
    at4 = (out / CHECKPOINT_NAME).read_bytes()
    t.run(stop_at=6)
    (out / CHECKPOINT_NAME).write_bytes(at4)  # the process died after logging step 6, before its next checkpoint
    assert [e["step"] for e in _log(out)] == [2, 4, 6]
    resumed = train(_small(out), device="cpu", progress=False, log=_quiet, resume=True)
    assert resumed.step == 8
    got = _log(out)
    assert [e["step"] for e in got] == [2, 4, 6, 8]
    for g, w in zip(_comparable(got), _comparable(want)):
        assert g.keys() == w.keys()
        for k in g:
            assert g[k] == (pytest.approx(w[k], rel=1e-6) if isinstance(w[k], float) else w[k]), (g["step"], k)


def test_workers_and_scheduled_sampling_give_the_same_weights(tmp_path):
    """Worker processes must not consume the random numbers scheduled sampling draws."""
    weights = []
    for workers in (0, 2):
        out = tmp_path / f"w{workers}"
        t = train(_small(out, steps=4, sampling_max=0.2, eval_every=100, checkpoint_every=100), device="cpu",
                  progress=False, log=_quiet, workers=workers)
        weights.append({k: v.clone() for k, v in t.net.state_dict().items()})
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])


def test_train_help_documents_the_exit_status():
    from num2vec.cli import main

    res = CliRunner().invoke(main, ["train", "--help"])
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    assert f"Exit status: 0 when the run completed its steps; {EXIT_STOPPED} when it stopped early" in text
    assert "--overwrite" in text
    assert EXIT_STOPPED == 75


def _start_cli_run(out: Path, *args: str) -> subprocess.Popen:
    """``num2vec train`` of the tiny preset in a process group of its own (like a shell job)."""
    cmd = [sys.executable, "-m", "num2vec", "train", "--preset", "tiny", "--out", str(out), "--no-progress",
           "--steps", "100000", *args]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
                            start_new_session=True)


def _wait_for(path: Path, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.time() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, f"{path} did not appear"
        time.sleep(0.05)


def _stop_group(proc: subprocess.Popen, sig: int) -> tuple[int, str]:
    os.killpg(proc.pid, sig)  # the main process and its batch workers, as Ctrl-C or a job scheduler does
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    time.sleep(0.5)
    with pytest.raises(ProcessLookupError):  # no worker process outlives the run
        os.killpg(proc.pid, 0)
    return proc.returncode, err


@pytest.mark.parametrize("sig", [pytest.param(signal.SIGTERM, marks=pytest.mark.slow), signal.SIGINT],
                         ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_the_process_group_stops_with_workers_and_a_checkpoint(tmp_path, sig):
    out = tmp_path / "run"
    proc = _start_cli_run(out, "--workers", "2")
    _wait_for(out / CHECKPOINT_NAME, proc)  # training runs (the tiny preset saves every 50 steps)
    rc, err = _stop_group(proc, sig)
    assert rc == EXIT_STOPPED, err
    assert "Traceback" not in err and "Error" not in err, err
    step = load_checkpoint(out / CHECKPOINT_NAME)[1]["step"]
    assert step >= 50
    assert f"interrupted at step {step}: checkpoint saved" in err
    assert not (out / LOCK_NAME).exists()  # the lock was released
    t = train(make_config("tiny", out_dir=str(out)), device="cpu", progress=False, log=_quiet, resume=True,
              steps=step + 2)
    assert t.step == step + 2


def test_batch_workers_ignore_stop_signals():
    """Whatever the start method of the workers, SIGINT/SIGTERM to the group are left to the main process."""
    script = "import os, signal; from num2vec.training import _ignore_stop_signals; _ignore_stop_signals(0); " \
             "os.kill(os.getpid(), signal.SIGINT); os.kill(os.getpid(), signal.SIGTERM); print('alive')"
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=ENV, timeout=120)
    assert res.returncode == 0 and res.stdout.strip() == "alive", res.stderr


def test_sigint_during_startup_stops_cleanly(tmp_path):
    out = tmp_path / "run"
    proc = _start_cli_run(out)
    _wait_for(out / LOCK_NAME, proc)  # the run has started: its lock is taken, the model not yet built
    rc, err = _stop_group(proc, signal.SIGINT)
    assert "Traceback" not in err, err
    assert rc == EXIT_STOPPED, err
    assert load_checkpoint(out / CHECKPOINT_NAME)[1]["step"] == 0


def test_a_finished_run_exits_0(tmp_path):
    out = tmp_path / "run"
    res = subprocess.run([sys.executable, "-m", "num2vec", "train", "--preset", "tiny", "--out", str(out), "--steps",
                          "2", "--batch-size", "8", "--no-progress"], capture_output=True, text=True, env=ENV,
                         timeout=120)
    assert res.returncode == 0, res.stderr
    assert "model saved to" in res.stderr


def test_a_run_stopped_by_max_minutes_exits_75(tmp_path):
    from num2vec.cli import main

    out = tmp_path / "run"
    res = CliRunner().invoke(main, ["train", "--preset", "tiny", "--out", str(out), "--batch-size", "8",
                                    "--max-minutes", "0.0001", "--no-progress"])
    assert res.exit_code == EXIT_STOPPED, res.output
    step = load_checkpoint(out / CHECKPOINT_NAME)[1]["step"]
    assert 1 <= step < 1500
    assert f"stopped at step {step} of 1500; continue with: num2vec train --out {out} --resume" in res.stderr
