"""IMU augmentations applied on the fly to (B, 6, T) canonical 200 Hz windows, so that the model
learns what does not change the activity: how the device sits, how fast and how well it samples,
whether it removes gravity, and how vigorously or quickly a person moves.

Each window gets, independently:
- a mirror image (half the windows): the reading of the same movement made by a mirror-image
  person, which is how a watch on the other wrist, a left-hander or a pocket on the other side
  reads (angular velocity is a pseudovector, so its mirrored axes flip the other way);
- a random 3-D rotation of the sensor frame (the same for accelerometer and gyroscope, as a
  different mounting would produce): a small tilt of the usual mounting or, for the
  ``--orientation`` share of windows (a quarter by default), any orientation at all, so that the
  model cannot rely on which axis gravity lies along at a placement (docs/generalisation.md,
  unseen placements);
- tempo scaling: time stretched by f, gyroscope × f, accelerations about their mean × f²
  (the kinematics of the same movement done f times faster);
- a trip through a slower device: sampled at a random rate (log-uniform from ``min_rate_hz`` to
  200 Hz), with or without an anti-alias filter of random bandwidth, and interpolated back to
  200 Hz as the streaming runtime does;
- gravity removal, as phone and watch 'linear acceleration' APIs report;
- amplitude scaling and white noise.

Placement mixing happens in the corpus itself: one model sees every placement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from aura_edge.signals import MODEL_RATE_HZ


@dataclass(frozen=True)
class AugmentConfig:
    # Moderate by default: the corpus already varies mounting, rate, filter and gravity convention
    # per device, and at a short training budget stronger settings slowed learning
    # (docs/design-notes.md, augmentation).
    rotation_deg: float = 30.0      # largest tilt of the sensor frame
    free_rotation_prob: float = 0.0  # share of windows turned to any orientation (set from --orientation)
    scale: float = 0.1              # amplitude × 1 ± scale
    tempo: float = 0.1              # time × 1 ± tempo
    noise_acc: float = 0.05         # m/s² std
    noise_gyro: float = 0.01        # rad/s std
    resample_prob: float = 0.3      # share of windows sent through a slower device
    min_rate_hz: float = 10.0       # slowest such device (the leave-rate-out protocol raises it)
    gravity_removal_prob: float = 0.1
    mirror_prob: float = 0.5

# Reflection y -> -y of the sensor frame: accelerations follow it, angular velocities (axial
# vectors) pick up det = -1. The wrist mounts are each other's mirror image in exactly this frame.
MIRROR_ACC = torch.tensor([1.0, -1.0, 1.0]).view(1, 3, 1)
MIRROR_GYRO = -MIRROR_ACC


def random_rotations(n: int, max_angle_rad: float, generator: torch.Generator) -> torch.Tensor:
    """(n, 3, 3) rotations about uniformly random axes by angles up to max_angle_rad (Rodrigues)."""
    axis = torch.nn.functional.normalize(torch.randn(n, 3, generator=generator), dim=1)
    angle = (torch.rand(n, generator=generator) * max_angle_rad).view(n, 1, 1)
    k = torch.zeros(n, 3, 3)
    k[:, 0, 1], k[:, 0, 2], k[:, 1, 2] = -axis[:, 2], axis[:, 1], -axis[:, 0]
    k = k - k.transpose(1, 2)
    eye = torch.eye(3).expand(n, 3, 3)
    return eye + torch.sin(angle) * k + (1 - torch.cos(angle)) * (k @ k)


def uniform_rotations(n: int, generator: torch.Generator) -> torch.Tensor:
    """(n, 3, 3) rotations drawn uniformly from SO(3): unit quaternions from a 4-D Gaussian."""
    w, x, y, z = torch.nn.functional.normalize(torch.randn(n, 4, generator=generator), dim=1).unbind(1)
    return torch.stack([
        1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
        2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
        2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y),
    ], dim=1).view(n, 3, 3)


def augment_imu(imu: torch.Tensor, generator: torch.Generator, config: AugmentConfig = AugmentConfig()) -> torch.Tensor:
    n = len(imu)
    chosen = (torch.rand(n, generator=generator) < config.mirror_prob).view(n, 1, 1)
    imu = torch.where(chosen, mirror(imu), imu)
    rot = random_rotations(n, math.radians(config.rotation_deg), generator)
    if config.free_rotation_prob > 0:   # no draws otherwise: as-worn training keeps its random stream
        chosen = (torch.rand(n, generator=generator) < config.free_rotation_prob).view(n, 1, 1)
        rot = torch.where(chosen, uniform_rotations(n, generator), rot)
    out = rotate_sensor_frame(imu, rot)
    if config.tempo > 0:
        out = change_tempo(out, 1 + config.tempo * (2 * torch.rand(n, generator=generator) - 1), generator)
    chosen = torch.rand(n, generator=generator) < config.resample_prob
    if chosen.any():
        out[chosen] = through_slower_device(out[chosen], generator, config.min_rate_hz)
    chosen = torch.rand(n, generator=generator) < config.gravity_removal_prob
    if chosen.any():
        out[chosen] = remove_gravity(out[chosen])
    out = out * (1 + config.scale * (2 * torch.rand(n, 1, 1, generator=generator) - 1))
    noise = torch.randn(out.shape, generator=generator)
    noise[:, :3] *= config.noise_acc
    noise[:, 3:] *= config.noise_gyro
    return out + noise


def rotate_sensor_frame(imu: torch.Tensor, rot: torch.Tensor) -> torch.Tensor:
    """(B, 6, T) windows as devices turned by (B, 3, 3) rotations would read them: the accelerometer
    and the gyroscope share the device's frame, so both turn together."""
    return torch.cat([rot @ imu[:, :3], rot @ imu[:, 3:]], dim=1)


def mirror(x: torch.Tensor) -> torch.Tensor:
    """(B, 6, T) -> what a mirror-image person doing the same movement reads."""
    return torch.cat([x[:, :3] * MIRROR_ACC, x[:, 3:] * MIRROR_GYRO], dim=1)


def _sample_at(x: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
    """Linear interpolation of (B, C, T) at fractional sample positions (B, K), mirrored at the ends."""
    t = x.shape[-1]
    pos = pos.abs()
    pos = torch.where(pos > t - 1, 2 * (t - 1) - pos, pos).clamp(0, t - 1)
    lo = pos.floor().long().clamp(max=t - 2)
    w = (pos - lo).unsqueeze(1)
    idx = lo.unsqueeze(1).expand(-1, x.shape[1], -1)
    return torch.gather(x, 2, idx) * (1 - w) + torch.gather(x, 2, idx + 1) * w


def change_tempo(x: torch.Tensor, factor: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """The same movement ``factor`` (B,) times faster: resampled in time, rates and accelerations
    scaled (gravity, approximated by the window mean, unchanged)."""
    t = x.shape[-1]
    pos = torch.arange(t, dtype=x.dtype) * factor[:, None]
    pos = pos + torch.rand(len(x), 1, generator=generator) * (t - 1 - pos[:, -1:]).clamp(min=0)   # random start when slowed down
    y = _sample_at(x, pos)
    f = factor.view(-1, 1, 1)
    mean = y[:, :3].mean(dim=2, keepdim=True)
    return torch.cat([mean + (y[:, :3] - mean) * f**2, y[:, 3:] * f], dim=1)


def through_slower_device(x: torch.Tensor, generator: torch.Generator, min_rate_hz: float) -> torch.Tensor:
    """Sample (B, 6, T) at a random rate below 200 Hz and interpolate back to 200 Hz."""
    b, _, t = x.shape
    u = torch.rand(b, generator=generator)
    rate = torch.exp(math.log(min_rate_hz) + u * (math.log(MODEL_RATE_HZ) - math.log(min_rate_hz)))
    filtered = torch.rand(b, generator=generator) < 0.7           # most chips low-pass before decimating
    corner = rate * (0.2 + 0.25 * torch.rand(b, generator=generator))
    x = torch.where(filtered.view(b, 1, 1), low_pass(x, corner), x)
    step = MODEL_RATE_HZ / rate                                    # model samples per device sample
    phase = torch.rand(b, generator=generator) * step
    grid = torch.arange(t, dtype=x.dtype)
    k = torch.floor((grid - phase[:, None]) / step[:, None])      # the device sample at or before each output
    t0 = phase[:, None] + k * step[:, None]
    v0, v1 = _sample_at(x, t0), _sample_at(x, t0 + step[:, None])
    w = ((grid - t0) / step[:, None]).unsqueeze(1)
    return v0 * (1 - w) + v1 * w


def low_pass(x: torch.Tensor, corner_hz: torch.Tensor) -> torch.Tensor:
    """Zero-phase Gaussian low-pass with a per-window corner (B,), applied on a mirrored copy so
    the window's ends do not wrap around into each other."""
    t = x.shape[-1]
    padded = torch.cat([x, x.flip(-1)], dim=-1)
    freq = torch.fft.rfftfreq(2 * t, 1.0 / MODEL_RATE_HZ)
    gain = torch.exp(-0.5 * (freq[None, :] / corner_hz[:, None]) ** 2).unsqueeze(1)
    return torch.fft.irfft(torch.fft.rfft(padded, dim=-1) * gain, n=2 * t, dim=-1)[..., :t]


def remove_gravity(x: torch.Tensor, seconds: float = 1.0) -> torch.Tensor:
    """Subtract a low-pass (two passes of a 1 s moving average) estimate of gravity from the
    accelerometer, as 'linear acceleration' outputs do."""
    k = int(seconds * MODEL_RATE_HZ) | 1
    acc = x[:, :3]
    g = acc
    for _ in range(2):
        g = torch.nn.functional.avg_pool1d(torch.nn.functional.pad(g, (k // 2, k // 2), mode="reflect"), k, stride=1)
    return torch.cat([acc - g, x[:, 3:]], dim=1)
