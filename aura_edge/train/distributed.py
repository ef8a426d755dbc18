"""Thin helpers over torch.distributed so the trainer reads the same with 1 or N processes.

torchrun sets WORLD_SIZE/RANK/LOCAL_RANK; without them everything is a no-op single process.
Backend: NCCL on GPUs, gloo on CPU (also on a GPU machine when --device cpu asks for it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel

from aura_edge.errors import ConfigError


@dataclass
class World:
    rank: int = 0
    size: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def init(device_name: str = "auto") -> World:
    size = int(os.environ.get("WORLD_SIZE", "1"))
    if size == 1 or dist.is_initialized():
        return World(dist.get_rank(), dist.get_world_size()) if dist.is_initialized() else World()
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device_name != "cpu" and torch.cuda.is_available():
        if local_rank >= torch.cuda.device_count():
            raise ConfigError(f"torchrun started a process for GPU {local_rank} but only "
                              f"{torch.cuda.device_count()} GPU(s) are visible; pass --nproc_per_node "
                              f"{torch.cuda.device_count()} (one process per GPU), or --device cpu")
        torch.cuda.set_device(local_rank)
        dist.init_process_group("nccl")
        device = torch.device("cuda", local_rank)
    else:
        dist.init_process_group("gloo")
        device = torch.device("cpu")
    return World(dist.get_rank(), dist.get_world_size(), device)


def shutdown(world: World) -> None:
    if world.size > 1 and dist.is_initialized():
        # Without a barrier, a rank can exit while gloo still talks to it (rank 1 aborts on torch 2.14).
        dist.barrier()
        dist.destroy_process_group()


def wrap(module: nn.Module, world: World) -> nn.Module:
    if world.size == 1:
        return module
    ids = [world.device.index] if world.device.type == "cuda" else None
    return DistributedDataParallel(module, device_ids=ids)


def average_gradients(module: nn.Module, world: World) -> None:
    """All-reduce the gradients of parameters that DDP does not manage (the loss temperatures)."""
    if world.size == 1:
        return
    for p in module.parameters():
        if p.grad is not None:
            dist.all_reduce(p.grad)
            p.grad /= world.size


def mean_across(value: float, world: World) -> float:
    if world.size == 1:
        return value
    t = torch.tensor([value], dtype=torch.float64, device=world.device)
    dist.all_reduce(t)
    return float(t) / world.size


def barrier(world: World) -> None:
    if world.size > 1:
        dist.barrier()


def from_main(make, world: World):
    """Run make() on rank 0 only and hand its result (or its error) to every rank."""
    if world.size == 1:
        return make()
    box = [None]
    if world.is_main:
        try:
            box[0] = make()
        except Exception as exc:  # re-raised on every rank, so no rank waits forever
            box[0] = exc
    dist.broadcast_object_list(box, src=0)
    if isinstance(box[0], Exception):
        raise box[0]
    return box[0]
