"""SENvT, the AURA-MFM IMU Transformer: (B, 6, 1000) canonical IMU -> (B, D) unit embedding.

Conv1d patch embedding (patch 8 -> 125 tokens), CLS token, learned positions, pre-norm residual
blocks, final norm, CLS -> linear projection into the frozen text encoder's space, L2-normalised.
A fixed per-channel scale sits inside the model so an exported file needs no preprocessing.

New runs also embed the lengths of the specific-force and angular-rate vectors beside the six axes
(`magnitude_channels`): two channels that do not depend on how the sensor is mounted. On the
leave-thigh-out protocol at 6 epochs (two seeds) they raised validation macro-F1 from 0.33 to
0.38, and macro-F1 at the left-out and the seen placements alike; they did not make placements
transfer better. On the leave-rate-out run the gain was smaller (test macro-F1 0.354 vs 0.341).
Runs made before them load with the six-channel embedding.

New runs also embed four channels found relative to gravity (`vertical_channels`): specific force
and angular rate along the window's mean specific force, and the lengths of what is left across
it. No turn of the sensor changes them, and unlike the lengths they tell an up-and-down bounce
from a side-to-side sway. On the leave-head-out and leave-thigh-out corpora at 6 epochs (two
seeds each) they raised macro-F1 on unseen people at the seen placements by 0.02-0.04 and on
devices turned any way by 0.06-0.07; the left-out placement moved within seed noise. A device
that removes gravity leaves no mean to find, and the channels fade to zero there.
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
    # Also embed four channels that no turn of the sensor changes: the specific force and angular rate
    # along the window's mean specific force (gravity, when the device reports it), and their lengths
    # across it. False is the layout of runs made before them.
    vertical_channels: bool = False

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
        channels = config.in_channels + (2 if config.magnitude_channels else 0) + (4 if config.vertical_channels else 0)
        self.patch_embed = nn.Conv1d(channels, width, config.patch_size, stride=config.patch_size)
        self.patch_norm = nn.LayerNorm(width)
        self.encoder = TokenTransformer(config.window_samples // config.patch_size, width, heads, layers,
                                        config.mlp_ratio, config.dropout, config.residual)
        self.head = nn.Linear(width, config.embed_dim)

    def forward(self, imu: torch.Tensor) -> torch.Tensor:
        x = imu / self.input_scale                           # (B, 6, T)
        if self.config.magnitude_channels:
            x = torch.cat([x, _magnitude(x[:, :3]), _magnitude(x[:, 3:])], dim=1)  # (B, 8, T)
        if self.config.vertical_channels:
            x = torch.cat([x, _along_and_across_gravity(x[:, :3], x[:, 3:6])], dim=1)  # (B, +4, T)
        x = self.patch_norm(self.patch_embed(x).transpose(1, 2))  # (B, T/patch, width)
        return F.normalize(self.head(self.encoder(x)), dim=-1)    # (B, D)


def _magnitude(xyz: torch.Tensor) -> torch.Tensor:
    """(B, 3, T) -> (B, 1, T) vector length; the epsilon keeps the gradient finite at rest."""
    return torch.sqrt(xyz.pow(2).sum(dim=1, keepdim=True) + 1e-6)


# Below about this mean specific force (in g) a window has no gravity to find (a device that removes
# it), and the vertical channels fade to zero instead of following the noise in its mean.
_GRAVITY_SOFT_FLOOR_G = 0.3


def _along_and_across_gravity(acc: torch.Tensor, gyro: torch.Tensor) -> torch.Tensor:
    """(B, 3, T) specific force in g and angular rate -> (B, 4, T): each along the window's mean
    specific force and the length of the rest, scaled by how surely that mean is gravity."""
    mean = acc.mean(dim=2, keepdim=True)                                   # (B, 3, 1)
    strength = mean.pow(2).sum(dim=1, keepdim=True)
    up = mean / torch.sqrt(strength + 1e-6)
    sure = strength / (strength + _GRAVITY_SOFT_FLOOR_G ** 2)             # ~0.92 at 1 g, ~0 without gravity
    out = []
    for xyz in (acc, gyro):
        along = (xyz * up).sum(dim=1, keepdim=True)
        out += [along, _magnitude(xyz - along * up)]
    return torch.cat(out, dim=1) * sure
