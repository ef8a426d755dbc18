"""SENvT, the AURA-MFM IMU Transformer: (B, 6, 1000) canonical IMU -> (B, D) unit embedding.

Conv1d patch embedding (patch 8 -> 125 tokens), CLS token, learned positions, pre-norm residual
blocks, final norm, CLS -> linear projection into the frozen text encoder's space, L2-normalised.
A fixed per-channel scale sits inside the model so an exported file needs no preprocessing.

New runs also embed the lengths of the specific-force and angular-rate vectors beside the six axes
(`magnitude_channels`): two channels that do not depend on how the sensor is mounted; what they
gained is in docs/design-notes.md (magnitude channels). Runs made before them load with the
six-channel embedding.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from aura_edge.errors import ConfigError
from aura_edge.models.transformer_blocks import TokenTransformer
from aura_edge.signals import GRAVITY_MS2, WINDOW_SAMPLES

# width, heads, layers as in the paper's code (SS ~1.9 M parameters with a 512-d head).
SENVT_SIZES = {"SS": (192, 6, 6), "S": (384, 6, 12), "B": (768, 12, 12), "L": (1024, 16, 24)}

# Fixed input scale: specific force in units of g, angular rate in units of ~3 rad/s, so both
# channel groups reach the patch embedding at order one (the released code fed raw m/s²).
DEFAULT_INPUT_SCALE = (GRAVITY_MS2,) * 3 + (3.0,) * 3


@dataclass
class SENvTConfig:
    size: str = "SS"
    embed_dim: int = 384
    patch_size: int = 8
    window_samples: int = WINDOW_SAMPLES
    in_channels: int = 6
    mlp_ratio: float = 2.0
    dropout: float = 0.1
    residual: bool = True
    input_scale: tuple[float, ...] = DEFAULT_INPUT_SCALE
    # Also embed |specific force| and |angular rate|. False is the layout of runs made before it;
    # imu_encoder_config turns it on for new runs.
    magnitude_channels: bool = False

    def __post_init__(self) -> None:
        if self.size not in SENVT_SIZES:
            raise ConfigError(f"unknown SENvT size {self.size!r}; choose one of {', '.join(SENVT_SIZES)}")
        if self.window_samples % self.patch_size:
            raise ConfigError(f"window of {self.window_samples} samples is not divisible by patch size "
                              f"{self.patch_size}; pick a patch size that divides it (e.g. 8)")
        if len(self.input_scale) != self.in_channels or min(self.input_scale) <= 0:
            raise ConfigError(f"input_scale needs {self.in_channels} positive values, got {self.input_scale}")
        self.input_scale = tuple(float(s) for s in self.input_scale)

    @property
    def width(self) -> int:
        return SENVT_SIZES[self.size][0]

    def to_dict(self) -> dict:
        return {"family": "senvt", **asdict(self)}


class SENvT(nn.Module):
    def __init__(self, config: SENvTConfig):
        super().__init__()
        self.config = config
        width, heads, layers = SENVT_SIZES[config.size]
        self.register_buffer("input_scale", torch.tensor(config.input_scale).view(1, -1, 1))
        channels = config.in_channels + (2 if config.magnitude_channels else 0)
        self.patch_embed = nn.Conv1d(channels, width, config.patch_size, stride=config.patch_size)
        self.patch_norm = nn.LayerNorm(width)
        self.encoder = TokenTransformer(config.window_samples // config.patch_size, width, heads, layers,
                                        config.mlp_ratio, config.dropout, config.residual)
        self.head = nn.Linear(width, config.embed_dim)

    def forward(self, imu: torch.Tensor) -> torch.Tensor:
        x = imu / self.input_scale                           # (B, 6, T)
        if self.config.magnitude_channels:
            x = torch.cat([x, _magnitude(x[:, :3]), _magnitude(x[:, 3:])], dim=1)  # (B, 8, T)
        x = self.patch_norm(self.patch_embed(x).transpose(1, 2))  # (B, T/patch, width)
        return F.normalize(self.head(self.encoder(x)), dim=-1)    # (B, D)


def _magnitude(xyz: torch.Tensor) -> torch.Tensor:
    """(B, 3, T) -> (B, 1, T) vector length; the epsilon keeps the gradient finite at rest."""
    return torch.sqrt(xyz.pow(2).sum(dim=1, keepdim=True) + 1e-6)
