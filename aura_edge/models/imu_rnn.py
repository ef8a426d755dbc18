"""The IMU2CLIP baseline encoder (MW2 stack): GroupNorm, three dilated Conv1d + max-pool blocks,
a GRU over time, and a projection; (B, 6, T) -> (B, D) unit embedding.

Unlike upstream IMU2CLIP, the GRU runs over the time axis (upstream runs it over the 32 conv
channels, which only works for exactly 1000-sample input).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F

from aura_edge.errors import ConfigError
from aura_edge.signals import WINDOW_SAMPLES

RNN_SIZES = {"SS": 256, "S": 512, "B": 768, "L": 1024}  # GRU hidden size


@dataclass
class IMURNNConfig:
    size: str = "SS"
    embed_dim: int = 384
    conv_channels: int = 32
    kernel_sizes: tuple[int, ...] = (10, 5, 5)
    dilation: int = 2
    pool: int = 3
    window_samples: int = WINDOW_SAMPLES
    in_channels: int = 6

    def __post_init__(self) -> None:
        if self.size not in RNN_SIZES:
            raise ConfigError(f"unknown RNN size {self.size!r}; choose one of {', '.join(RNN_SIZES)}")
        self.kernel_sizes = tuple(int(k) for k in self.kernel_sizes)

    def to_dict(self) -> dict:
        return {"family": "rnn", **asdict(self)}


class IMURNN(nn.Module):
    def __init__(self, config: IMURNNConfig):
        super().__init__()
        self.config = config
        c = config.conv_channels
        self.input_norm = nn.GroupNorm(2, config.in_channels)  # acc and gyro normalised as two groups
        blocks, channels = [], config.in_channels
        for k in config.kernel_sizes:
            blocks += [nn.Conv1d(channels, c, k, dilation=config.dilation, bias=False), nn.MaxPool1d(config.pool)]
            channels = c
        self.blocks = nn.Sequential(*blocks)
        self.feature_norm = nn.GroupNorm(4, c)
        self.gru = nn.GRU(c, RNN_SIZES[config.size], batch_first=True)
        self.head = nn.Linear(RNN_SIZES[config.size], config.embed_dim)

    def forward(self, imu: torch.Tensor) -> torch.Tensor:
        x = self.feature_norm(self.blocks(self.input_norm(imu)))  # (B, 32, T')
        _, hidden = self.gru(x.transpose(1, 2))                   # hidden: (1, B, H)
        return F.normalize(self.head(hidden[-1]), dim=-1)
