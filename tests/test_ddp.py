"""Two real DDP processes (gloo on CPU) launched with torchrun."""

import json
import os
import subprocess
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file


def test_two_gloo_replicas_stay_identical_and_the_loss_decreases(tiny_corpus_dir, tmp_path):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(__file__).parent.parent)}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
           str(Path(__file__).parent / "ddp_worker.py"), str(tiny_corpus_dir), str(tmp_path)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    rank0, rank1 = (load_file(str(tmp_path / f"rank{r}.safetensors")) for r in (0, 1))
    assert rank0.keys() == rank1.keys()
    for key in rank0:
        assert torch.equal(rank0[key], rank1[key]), f"replicas differ in {key}"
    # Training moved the weights away from their (seeded, identical) initialisation.
    assert not torch.equal(rank0["loss.logit_scale.imu-text"], torch.tensor(2.659260036932778))
    losses = [json.loads(x)["train_loss"] for x in (tmp_path / "ddp" / "metrics.jsonl").read_text().splitlines()]
    assert len(losses) == 4 and losses[-1] < losses[0]
