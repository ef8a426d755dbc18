"""IMU augmentations applied on the fly to (B, 6, T) canonical windows.

A random rotation of the sensor frame (the same for accelerometer and gyroscope, as a different
mounting would produce), amplitude scaling and white noise. Gravity stays in the signal.
"""

from __future__ import annotations

import math

import torch


def random_rotations(n: int, max_angle_rad: float, generator: torch.Generator) -> torch.Tensor:
    """(n, 3, 3) rotations about uniformly random axes by angles up to max_angle_rad (Rodrigues)."""
    axis = torch.nn.functional.normalize(torch.randn(n, 3, generator=generator), dim=1)
    angle = (torch.rand(n, generator=generator) * max_angle_rad).view(n, 1, 1)
    k = torch.zeros(n, 3, 3)
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    k = k - k.transpose(1, 2)
    eye = torch.eye(3).expand(n, 3, 3)
    return eye + torch.sin(angle) * k + (1 - torch.cos(angle)) * (k @ k)


def augment_imu(imu: torch.Tensor, generator: torch.Generator, max_rotation_deg: float = 25.0,
                scale_range: float = 0.1, noise_acc: float = 0.05, noise_gyro: float = 0.01) -> torch.Tensor:
    n = len(imu)
    rot = random_rotations(n, math.radians(max_rotation_deg), generator)
    acc, gyro = rot @ imu[:, :3], rot @ imu[:, 3:]
    scale = 1 + scale_range * (2 * torch.rand(n, 1, 1, generator=generator) - 1)
    out = torch.cat([acc, gyro], dim=1) * scale
    noise = torch.randn(out.shape, generator=generator)
    noise[:, :3] *= noise_acc
    noise[:, 3:] *= noise_gyro
    return out + noise
