"""Trainable encoders, registered by family name, and the frozen text/video encoders.

`build_encoder(config_dict)` rebuilds any trainable encoder from the dict its config wrote into
a run's config.json, so checkpoints carry everything needed to reconstruct them.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from aura_edge.errors import ConfigError
from aura_edge.models.imu_rnn import IMURNN, IMURNNConfig
from aura_edge.models.imu_transformer import SENvT, SENvTConfig
from aura_edge.models.mocap_transformer import MocapTransformer, MocapTransformerConfig

# family name -> (config class, model class)
ENCODER_REGISTRY: dict[str, tuple[type, type[nn.Module]]] = {
    "senvt": (SENvTConfig, SENvT),
    "rnn": (IMURNNConfig, IMURNN),
    "mocap-transformer": (MocapTransformerConfig, MocapTransformer),
}
IMU_FAMILIES = ("senvt", "rnn")
# Options new runs get that a config.json written before them lacks (and so loads without).
NEW_RUN_OPTIONS = {"senvt": {"magnitude_channels": True}}


def build_encoder(config: dict) -> nn.Module:
    """Build an encoder from {"family": name, **config fields}."""
    config = dict(config)
    family = config.pop("family", None)
    if family not in ENCODER_REGISTRY:
        raise ConfigError(f"unknown encoder family {family!r}; known: {', '.join(ENCODER_REGISTRY)}")
    config_cls, model_cls = ENCODER_REGISTRY[family]
    try:
        return model_cls(config_cls(**config))
    except TypeError as exc:
        raise ConfigError(f"bad {family} encoder config {config}: {exc}") from exc


def imu_encoder_config(family: str, size: str, embed_dim: int) -> dict:
    if family not in IMU_FAMILIES:
        raise ConfigError(f"unknown IMU encoder {family!r}; use --encoder senvt or --encoder rnn")
    config_cls = ENCODER_REGISTRY[family][0]
    return config_cls(size=size, embed_dim=embed_dim, **NEW_RUN_OPTIONS.get(family, {})).to_dict()


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@torch.no_grad()
def embed_imu(encoder: torch.nn.Module, imu: np.ndarray, device=None, batch_size: int = 256) -> np.ndarray:
    """(N, 6, 1000) numpy windows -> (N, D) numpy embeddings, in eval mode."""
    device = device or next(encoder.parameters()).device
    was_training = encoder.training
    encoder.eval()
    out = [encoder(torch.from_numpy(np.ascontiguousarray(imu[s:s + batch_size])).to(device)).float().cpu()
           for s in range(0, len(imu), batch_size)]
    encoder.train(was_training)
    return torch.cat(out).numpy()
