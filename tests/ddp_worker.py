"""Launched by torchrun from test_ddp.py: trains on a tiny corpus, then dumps this rank's weights."""

import sys
from pathlib import Path

from safetensors.torch import save_file

from aura_edge.train import distributed
from aura_edge.train.config import TrainConfig
from aura_edge.train.loop import _train_one

corpus, out = sys.argv[1], Path(sys.argv[2])
world = distributed.init()
config = TrainConfig(data=corpus, out=str(out), name="ddp", epochs="4", stages="1", batch_size=8,
                     progress=False, baseline=False, augment=False)
trainer = _train_one(config, world, world.device)
state = {f"imu.{k}": v.contiguous() for k, v in trainer.encoders["imu"].state_dict().items()}
state.update({f"loss.{k}": v.detach().contiguous() for k, v in trainer.loss_fn.state_dict().items()})
save_file(state, str(out / f"rank{world.rank}.safetensors"))
distributed.shutdown(world)
