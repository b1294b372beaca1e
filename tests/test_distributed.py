"""DistributedDataParallel on 2 CPU processes (gloo), launched by torchrun as a user would."""

import os
import subprocess
import sys
import textwrap

import torch
from safetensors.torch import load_file

from num2vec.serialization import load_checkpoint
from num2vec.training import CHECKPOINT_NAME


def _torchrun(script, tmp_path, *args):
    path = tmp_path / "job.py"
    path.write_text(textwrap.dedent(script))
    # --standalone: torchrun picks a free rendezvous port itself (no race for a port chosen here)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", str(path),
           *map(str, args)]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    return res


SCRIPT = """
    import sys, torch
    import torch.distributed as dist
    from safetensors.torch import save_file
    from num2vec.training import make_config, train
    torch.set_num_threads(1)
    out, steps, resume = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "resume"
    cfg = make_config("tiny", out_dir=out, checkpoint_every=5, eval_every=10**6, batch_size=16)
    t = train(cfg, device="cpu", progress=False, resume=resume, steps=steps)
    save_file({k: v.contiguous() for k, v in t.net.state_dict().items()}, f"{out}/rank{t.rank}.safetensors")
    print("RANK", t.rank, "WORLD", t.world, "STEP", t.step)
"""


def test_two_cpu_ranks_train_identical_weights_and_resume(tmp_path):
    out = tmp_path / "run"
    res = _torchrun(SCRIPT, tmp_path, out, 10, "new")
    assert "WORLD 2" in res.stdout
    a, b = load_file(out / "rank0.safetensors"), load_file(out / "rank1.safetensors")
    assert a.keys() == b.keys()
    assert all(torch.equal(a[k], b[k]) for k in a)
    tensors, meta = load_checkpoint(out / CHECKPOINT_NAME)
    assert meta["step"] == 10 and meta["world_size"] == 2
    assert all(torch.equal(tensors[f"model.{k}"], a[k]) for k in a)
    # resume the distributed run
    _torchrun(SCRIPT, tmp_path, out, 15, "resume")
    _, meta = load_checkpoint(out / CHECKPOINT_NAME)
    assert meta["step"] == 15
    a, b = load_file(out / "rank0.safetensors"), load_file(out / "rank1.safetensors")
    assert all(torch.equal(a[k], b[k]) for k in a)
