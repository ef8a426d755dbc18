"""Simulated devices: per-unit sensor errors and how a wearable samples and reports its signal.

A real recording differs from the ideal body signal in two ways, modelled separately:

- ``SensorModel``, fixed for one physical unit (drawn once per subject and placement): white
  noise, constant bias plus a slow bias random walk, per-axis gain error, axis misalignment
  (cross-axis sensitivity) and strap/skin wobble.
- ``DeviceProfile``, how the product was configured (drawn per episode from a ``DeviceSpace``):
  output data rate 10-1000 Hz with or without the chip's anti-alias filter, clock error and
  timestamp jitter, dropped samples, range saturation (±2..16 g, ±250..2000 deg/s), ADC
  quantisation, gravity included or removed ('linear acceleration'), and how the host turned the
  samples into aura-edge's 200 Hz input (the timestamped interpolation of the streaming runtime,
  or the polyphase resampling of a file declared at its nominal rate).

``record`` chains them: ideal 200 Hz signal in, the canonical 200 Hz signal that aura-edge would
feed its model out. Rates above 200 Hz are simulated at 200 Hz with the noise a 200 Hz resampler
leaves of them (σ·√(200/rate)): the body's motion has no content above 100 Hz to alias.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from aura_edge.errors import ConfigError
from aura_edge.signals import GRAVITY_MS2, MAX_RATE_HZ, MIN_RATE_HZ, MODEL_RATE_HZ, resample, resample_timestamped
from aura_edge.synth.motion import band_noise

# Output data rates that shipping IMUs and phone/watch APIs offer (Hz).
COMMON_RATES_HZ = (10.0, 12.5, 16.0, 20.0, 25.0, 26.0, 30.0, 32.0, 50.0, 52.0, 60.0, 64.0, 100.0, 104.0,
                   119.0, 128.0, 200.0, 208.0, 400.0, 416.0, 800.0, 833.0, 1000.0)
# Full-scale ranges and how often devices run at them (docs/realism.md): Android requires phones
# to read at least 4 g and 1000 deg/s, research loggers default to 6-8 g (ActiGraph, Axivity AX3),
# sports and racket studies use 16 g; +-2 g is left to a few low-power loggers.
ACC_RANGES_G = (2.0, 4.0, 8.0, 16.0)
ACC_RANGE_SHARES = (0.05, 0.25, 0.40, 0.30)
GYRO_RANGES_DPS = (250.0, 500.0, 1000.0, 2000.0)
GYRO_RANGE_SHARES = (0.10, 0.20, 0.35, 0.35)
GRAVITY_LEAK_DEG = 2.0   # orientation error of a device's own gravity estimate (sensor fusion)


@dataclass(frozen=True)
class SensorModel:
    """Errors of one physical unit; a device keeps its biases and gains."""

    acc_noise: float          # white noise std per 200 Hz sample, m/s²
    gyro_noise: float         # rad/s
    acc_bias: np.ndarray      # (3,) m/s²
    gyro_bias: np.ndarray     # (3,) rad/s
    acc_bias_walk: float      # bias random walk, m/s² per √s
    gyro_bias_walk: float     # rad/s per √s
    acc_gain: np.ndarray      # (3, 3) scale error and axis misalignment: reading = gain @ truth
    gyro_gain: np.ndarray     # (3, 3)
    tissue: float             # gain of motion-driven strap/skin wobble (high-frequency jitter)


def draw_sensor(rng: np.random.Generator, tissue: float) -> SensorModel:
    """Consumer MEMS IMU: ~1 % gain error, ~0.5 % cross-axis, biases of a few hundredths of g."""
    return SensorModel(
        acc_noise=float(rng.uniform(0.015, 0.06)), gyro_noise=float(rng.uniform(0.003, 0.015)),
        acc_bias=rng.normal(0, 0.08, 3), gyro_bias=rng.normal(0, 0.01, 3),
        acc_bias_walk=float(rng.uniform(0.0, 0.004)), gyro_bias_walk=float(rng.uniform(0.0, 0.0006)),
        acc_gain=_gain(rng), gyro_gain=_gain(rng), tissue=tissue * float(rng.uniform(0.6, 1.4)),
    )


def _gain(rng: np.random.Generator, scale_sd: float = 0.012, cross_sd: float = 0.005) -> np.ndarray:
    return np.diag(rng.normal(1.0, scale_sd, 3)) + rng.normal(0, cross_sd, (3, 3)) * (1 - np.eye(3))


def check_share(what: str, value) -> None:
    """Refuse anything but a number from 0 to 1 (a bool or a string is not read as a share)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or not 0.0 <= value <= 1.0:
        raise ConfigError(f"{what} must be a share from 0 to 1, got {value!r}")


@dataclass(frozen=True)
class DeviceSpace:
    """The range of device configurations a corpus is recorded with."""

    rates_hz: tuple[float, float] = (MIN_RATE_HZ, MAX_RATE_HZ)   # output data rates drawn from this range
    gravity_removed: float = 0.25                                # share of devices reporting linear acceleration

    def __post_init__(self) -> None:
        lo, hi = self.rates_hz
        if not MIN_RATE_HZ <= lo <= hi <= MAX_RATE_HZ or not self.rates():
            raise ConfigError(f"rates_hz must lie within {MIN_RATE_HZ:g}-{MAX_RATE_HZ:g} Hz and include one of "
                              f"{list(COMMON_RATES_HZ)}; got {self.rates_hz}")
        check_share("gravity_removed", self.gravity_removed)

    def rates(self) -> tuple[float, ...]:
        lo, hi = self.rates_hz
        return tuple(r for r in COMMON_RATES_HZ if lo <= r <= hi)


@dataclass(frozen=True)
class DeviceProfile:
    """How one device samples and reports."""

    rate_hz: float
    anti_alias: bool          # the chip low-passes before decimating (else high frequencies alias)
    bandwidth_hz: float       # its filter's corner
    acc_range: float          # saturation, m/s²
    gyro_range: float         # rad/s
    adc_bits: int             # quantisation of each range
    clock_ppm: float          # oscillator error: the true rate is rate_hz · (1 + ppm·1e-6)
    jitter_s: float           # host timestamp jitter (std)
    drop_prob: float          # share of samples lost on the link
    gravity: str              # 'included' | 'removed'
    host: str                 # 'timestamps' (runtime interpolation) | 'nominal' (file at its declared rate)


def draw_device(space: DeviceSpace, rng: np.random.Generator) -> DeviceProfile:
    rate = float(rng.choice(space.rates()))
    return DeviceProfile(
        rate_hz=rate, anti_alias=bool(rng.random() < 0.7), bandwidth_hz=rate * float(rng.uniform(0.2, 0.45)),
        acc_range=float(rng.choice(ACC_RANGES_G, p=ACC_RANGE_SHARES)) * GRAVITY_MS2,
        gyro_range=float(np.radians(rng.choice(GYRO_RANGES_DPS, p=GYRO_RANGE_SHARES))),
        adc_bits=int(rng.choice([12, 16])),
        clock_ppm=float(rng.normal(0, 150)), jitter_s=float(rng.uniform(0, 0.15)) / rate,
        drop_prob=float(rng.choice([0.0, 0.0, 0.002, 0.01])),
        gravity="removed" if rng.random() < space.gravity_removed else "included",
        host=str(rng.choice(["timestamps", "nominal"])),
    )


def apply_sensor(imu: np.ndarray, sensor: SensorModel, rng: np.random.Generator,
                 rate_hz: float = MODEL_RATE_HZ) -> np.ndarray:
    """Ideal (T, 6) at ``rate_hz`` -> the unit's errors added (wobble, gains, biases, drift); no
    white noise, which depends on the output rate and is added by ``record``."""
    n = len(imu)
    acc, gyro = imu[:, :3].copy(), imu[:, 3:].copy()
    # Strap wobble: high-frequency jitter whose size follows how hard the limb is moving (a
    # rigid-body simulator is smoother than a sensor on skin; see virtual-imu.md, pitfalls).
    dynamic = np.linalg.norm(acc - uniform_filter1d(acc, int(rate_hz * 0.5), axis=0, mode="nearest"), axis=1)
    envelope = uniform_filter1d(dynamic, int(rate_hz * 0.2), mode="nearest")
    acc += sensor.tissue * envelope[:, None] * band_noise(rng, n, rate_hz, 25.0, 8.0, channels=3).T
    walk = np.cumsum(rng.normal(0, 1, (n, 6)), axis=0) / np.sqrt(rate_hz)
    acc = acc @ sensor.acc_gain.T + sensor.acc_bias + sensor.acc_bias_walk * walk[:, :3]
    gyro = gyro @ sensor.gyro_gain.T + sensor.gyro_bias + sensor.gyro_bias_walk * walk[:, 3:]
    return np.concatenate([acc, gyro], axis=1)


def device_samples(imu: np.ndarray, gravity: np.ndarray, sensor: SensorModel, device: DeviceProfile,
                   rng: np.random.Generator, rate_hz: float = MODEL_RATE_HZ) -> tuple[np.ndarray, np.ndarray]:
    """What ``device`` emits for an ideal (T, 6) body signal at ``rate_hz`` with gravity part
    (T, 3): (sample instants in s, float64 samples (K, 6) in m/s² and rad/s).

    Devices faster than ``rate_hz`` are returned at ``rate_hz`` (see the module docstring).
    """
    x = apply_sensor(imu, sensor, rng, rate_hz)
    if device.gravity == "removed":
        x[:, :3] -= _estimated_gravity(gravity, rng, rate_hz)
    t = np.arange(len(x)) / rate_hz
    noise_scale = 1.0
    if device.rate_hz < rate_hz:
        if device.anti_alias:
            x = _low_pass(x, device.bandwidth_hz, rate_hz)
        t_dev = _sample_times(len(x) / rate_hz, device, rng)
        x = np.stack([np.interp(t_dev, t, x[:, c]) for c in range(6)], axis=1)
    else:
        t_dev, noise_scale = t, float(np.sqrt(rate_hz / device.rate_hz))
    x = x + rng.normal(0, 1, x.shape) * noise_scale * np.repeat([sensor.acc_noise, sensor.gyro_noise], 3)
    keep = rng.random(len(x)) >= device.drop_prob
    keep[[0, -1]] = True
    return t_dev[keep], _adc(x[keep], device)


def record(imu: np.ndarray, gravity: np.ndarray, sensor: SensorModel, device: DeviceProfile,
           rng: np.random.Generator, rate_hz: float = MODEL_RATE_HZ) -> np.ndarray:
    """What aura-edge feeds its model when ``device`` is worn: float32 (T, 6) canonical samples
    at ``rate_hz`` for an ideal (T, 6) signal and its gravity part (T, 3)."""
    n = len(imu)
    t_dev, x = device_samples(imu, gravity, sensor, device, rng, rate_hz)
    if device.rate_hz >= rate_hz:
        return x.astype(np.float32) if len(x) == n else resample_timestamped(t_dev, x, 0.0, n, rate_hz)
    if device.host == "timestamps":
        stamps = t_dev + rng.normal(0, device.jitter_s, len(t_dev))
        return resample_timestamped(np.maximum.accumulate(stamps), x, 0.0, n, rate_hz)
    # A file declared at the nominal rate: lost samples and clock error shift later samples in time.
    out = resample(x, device.rate_hz, rate_hz)
    if len(out) < n:
        out = np.concatenate([out, np.repeat(out[-1:], n - len(out), axis=0)])
    return out[:n]


def _estimated_gravity(gravity: np.ndarray, rng: np.random.Generator, rate_hz: float) -> np.ndarray:
    """A device's fused gravity estimate: the true one tilted by a slowly wandering small error."""
    err = np.radians(GRAVITY_LEAK_DEG) * band_noise(rng, len(gravity), rate_hz, 0.2, channels=3).T / np.sqrt(3)
    return gravity + np.cross(err, gravity)


def _low_pass(x: np.ndarray, corner_hz: float, rate_hz: float) -> np.ndarray:
    """The chip's digital filter: causal, so it also delays the signal as a real one does."""
    from scipy import signal as sps

    sos = sps.butter(2, min(corner_hz, 0.45 * rate_hz), fs=rate_hz, output="sos")
    zi = sps.sosfilt_zi(sos)[:, :, None] * x[0]          # start settled on the first sample
    return sps.sosfilt(sos, x, axis=0, zi=zi)[0]


def _sample_times(span_s: float, device: DeviceProfile, rng: np.random.Generator) -> np.ndarray:
    """Instants at which the device's own (slightly wrong) clock takes samples."""
    period = 1.0 / (device.rate_hz * (1.0 + device.clock_ppm * 1e-6))
    return rng.uniform(0, period) + np.arange(int(span_s / period)) * period


def _adc(x: np.ndarray, device: DeviceProfile) -> np.ndarray:
    """Saturate at the configured ranges and round to the converter's steps."""
    out = np.empty_like(x)
    for cols, full in ((slice(0, 3), device.acc_range), (slice(3, 6), device.gyro_range)):
        step = full / 2 ** (device.adc_bits - 1)
        out[:, cols] = np.round(np.clip(x[:, cols], -full, full) / step) * step
    return out
