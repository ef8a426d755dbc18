"""Motion-capture encoder of the SENvT family: (B, 50, 51) pelvis-centred joints -> (B, D).

Each 10 FPS frame (17 COCO joints x xyz, metres) is one token, as in the paper's mocap model
(patch 1 over 50 frames).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from aura_edge.data.windows import MOCAP_FEATURES, MOCAP_FRAMES
from aura_edge.errors import ConfigError
from aura_edge.models.imu_transformer import SENVT_SIZES
from aura_edge.models.transformer_blocks import TokenTransformer


@dataclass
class MocapTransformerConfig:
    size: str = "SS"
    embed_dim: int = 384
    frames: int = MOCAP_FRAMES
    features: int = MOCAP_FEATURES
    mlp_ratio: float = 2.0
    dropout: float = 0.1
    position_scale_m: float = 0.5  # pelvis-centred coordinates span about +-1 m

    def __post_init__(self) -> None:
        if self.size not in SENVT_SIZES:
            raise ConfigError(f"unknown mocap encoder size {self.size!r}; choose one of {', '.join(SENVT_SIZES)}")

    def to_dict(self) -> dict:
        return {"family": "mocap-transformer", **asdict(self)}


class MocapTransformer(nn.Module):
    def __init__(self, config: MocapTransformerConfig):
        super().__init__()
        self.config = config
        width, heads, layers = SENVT_SIZES[config.size]
        self.frame_embed = nn.Linear(config.features, width)
        self.frame_norm = nn.LayerNorm(width)
        self.encoder = TokenTransformer(config.frames, width, heads, layers, config.mlp_ratio, config.dropout)
        self.head = nn.Linear(width, config.embed_dim)

    def forward(self, mocap: torch.Tensor) -> torch.Tensor:
        x = self.frame_norm(self.frame_embed(mocap / self.config.position_scale_m))  # (B, 50, width)
        return F.normalize(self.head(self.encoder(x)), dim=-1)
