"""Run directories: safetensors weights + JSON config, written atomically, never unpickled.

runs/<name>/
  model.safetensors      best weights: "imu.*", "mocap.*" encoder tensors, "loss.*" temperatures
  config.json            everything needed to rebuild the encoders, incl. the input contract
  last.safetensors       weights + optimizer state after the latest epoch (for --resume)
  trainer_state.json     where training stopped (stage, epoch) and the optimizer's param groups
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import nn

from aura_edge.errors import RunError, WeightsError
from aura_edge.evaluate import PROMPT_TEMPLATES
from aura_edge.models import build_encoder
from aura_edge.signals import input_contract
from aura_edge.train.run_config import CONFIG_FILE, RunConfig, read_config

WEIGHTS_FILE = "model.safetensors"
LAST_FILE, STATE_FILE = "last.safetensors", "trainer_state.json"


def write_json_atomic(path: Path, data) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=False) + "\n")
    os.replace(tmp, path)


def save_tensors_atomic(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    save_file({k: v.detach().contiguous().cpu() for k, v in tensors.items()}, str(tmp))
    os.replace(tmp, path)


def module_tensors(modules: dict[str, nn.Module]) -> dict[str, torch.Tensor]:
    """{"imu": encoder, ...} -> flat {"imu.patch_embed.weight": tensor, ...}."""
    return {f"{name}.{key}": value for name, module in modules.items()
            for key, value in _unwrap(module).state_dict().items()}


def load_module_tensors(modules: dict[str, nn.Module], tensors: dict[str, torch.Tensor], source: str) -> None:
    for name, module in modules.items():
        prefix = f"{name}."
        part = {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}
        try:
            _unwrap(module).load_state_dict(part, strict=True)
        except RuntimeError as exc:
            raise WeightsError(f"{source} does not match the {name} encoder in config.json ({exc}); "
                               "the checkpoint and its config come from different runs") from exc


def optimizer_tensors(optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], list]:
    state = optimizer.state_dict()
    tensors = {f"optim.{idx}.{key}": (value if torch.is_tensor(value) else torch.tensor(value))
               for idx, entry in state["state"].items() for key, value in entry.items()}
    return tensors, state["param_groups"]


def restore_optimizer(optimizer: torch.optim.Optimizer, tensors: dict[str, torch.Tensor], groups: list) -> None:
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, idx, name = key.split(".", 2)
            state.setdefault(int(idx), {})[name] = value
    optimizer.load_state_dict({"state": state, "param_groups": groups})


@dataclass
class LoadedRun:
    path: Path
    config: RunConfig
    imu_encoder: nn.Module
    mocap_encoder: nn.Module | None


def load_run(run_dir: Path | str, weights: str = WEIGHTS_FILE) -> LoadedRun:
    """Rebuild the trained encoders of a run, in eval mode, on the CPU."""
    run_dir = Path(run_dir)
    config = read_config(run_dir)
    path = run_dir / weights
    if not path.is_file():
        raise RunError(f"{run_dir} has no {weights}; the run did not finish an epoch. Resume it with "
                       f"`aura-edge train --resume {run_dir}` or pass another run")
    tensors = read_weights(path)
    modules = {"imu": build_encoder(config.imu_encoder)}
    if config.mocap_encoder:
        modules["mocap"] = build_encoder(config.mocap_encoder)
    load_module_tensors(modules, tensors, str(path))
    for module in modules.values():
        module.eval()
    return LoadedRun(run_dir, config, modules["imu"], modules.get("mocap"))


def read_weights(path: Path) -> dict[str, torch.Tensor]:
    """A safetensors file's tensors (FP16 weights load into FP32 modules as they are copied in)."""
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise WeightsError(f"{path} is corrupt ({exc}); retrain or pass another run") from exc


def _unwrap(module: nn.Module) -> nn.Module:
    return module.module if hasattr(module, "module") else module


def save_untrained_run(path: Path, encoder: nn.Module, labels: list[str], data: str,
                       text_encoder: str = "minilm", captions=()) -> Path:
    """A run directory around an encoder that was never trained (benchmarks and tests of export)."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    save_tensors_atomic(path / WEIGHTS_FILE, module_tensors({"imu": encoder}))
    write_json_atomic(path / CONFIG_FILE, RunConfig(
        imu_encoder=encoder.config.to_dict(), text_encoder=text_encoder,
        input_contract=input_contract(encoder.config.embed_dim), train={"data": data, "text_encoder": text_encoder},
        labels=tuple(labels), prompt_templates=tuple(PROMPT_TEMPLATES), captions=tuple(captions)).to_dict())
    return path
