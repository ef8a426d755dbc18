"""Virtual IMUs worn on the simulated body: sensor pose -> ideal accel/gyro -> sensor errors.

With R_WS = R_WB @ R_BS (segment pose times mounting rotation) and p_S = p_B + R_WB @ r_BS:

    accel = R_WSᵀ (p̈_S − g_W),  g_W = (0, 0, −9.80665)   (specific force: +9.81 up at rest)
    gyro  = ω_S with [ω_S]x = R_WSᵀ Ṙ_WS                    (angular velocity in the sensor frame)

The trajectories are smooth functions sampled at the simulation rate, so central differences are
accurate (the second difference is within 1 % of the true acceleration up to 10 Hz at 200 Hz).
Callers simulate a short margin on both sides and cut it off, which avoids edge effects without
any padding tricks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from aura_edge.signals import GRAVITY_MS2
from aura_edge.synth.motion import band_noise
from aura_edge.synth.skeleton import BodyShape, Kinematics

GRAVITY_W = np.array([0.0, 0.0, -GRAVITY_MS2])
_MIRROR = np.diag([1.0, -1.0, 1.0])


@dataclass(frozen=True)
class Mount:
    """Where a sensor sits: on ``segment``, at ``lever_m`` (segment frame, from the segment's
    proximal joint), with ``rotation`` = R_BS (segment-from-sensor axes)."""

    segment: str
    lever_m: np.ndarray
    rotation: np.ndarray


@dataclass(frozen=True)
class SensorModel:
    """Per-device errors, drawn once per subject and placement (a device keeps its biases)."""

    acc_noise: float          # white noise std per sample, m/s²
    gyro_noise: float         # rad/s
    acc_bias: np.ndarray      # (3,) m/s²
    gyro_bias: np.ndarray     # (3,) rad/s
    acc_scale: np.ndarray     # (3,) per-axis gain
    tissue: float             # gain of motion-driven strap/skin wobble (high-frequency jitter)
    acc_range: float = 16.0 * GRAVITY_MS2
    gyro_range: float = np.radians(2000.0)


def rotvec_to_matrix(v: np.ndarray) -> np.ndarray:
    """Rodrigues: rotation vector (3,) -> (3, 3)."""
    theta = float(np.linalg.norm(v))
    if theta < 1e-12:
        return np.eye(3)
    k = v / theta
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(theta) * kx + (1 - np.cos(theta)) * kx @ kx


def so3_log(r: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) -> rotation vectors (..., 3), accurate for small angles.

    Uses the skew part (sin θ · axis) rescaled by θ / sin θ; fine for the small frame-to-frame
    rotations it is used on (it loses accuracy only near θ = π).
    """
    cos = np.clip((np.trace(r, axis1=-2, axis2=-1) - 1.0) / 2.0, -1.0, 1.0)
    theta = np.arccos(cos)
    skew = 0.5 * np.stack([r[..., 2, 1] - r[..., 1, 2], r[..., 0, 2] - r[..., 2, 0], r[..., 1, 0] - r[..., 0, 1]], -1)
    small = theta < 1e-4
    scale = np.where(small, 1.0 + theta**2 / 6.0, theta / np.where(small, 1.0, np.sin(theta)))
    return skew * scale[..., None]


def angular_velocity(r: np.ndarray, rate_hz: float) -> np.ndarray:
    """Body-frame angular velocity (T, 3) in rad/s of orientations r (T, 3, 3) = R_WS(t).

    Central difference on SO(3): log(R(t−dt)ᵀ R(t+dt)) / 2dt; one-sided at the two ends.
    """
    rt = np.swapaxes(r, -1, -2)
    out = np.empty((len(r), 3))
    out[1:-1] = so3_log(rt[:-2] @ r[2:]) * (rate_hz / 2.0)
    out[0] = so3_log(rt[0] @ r[1]) * rate_hz
    out[-1] = so3_log(rt[-2] @ r[-1]) * rate_hz
    return out


def second_derivative(p: np.ndarray, rate_hz: float) -> np.ndarray:
    """(T, 3) positions -> (T, 3) accelerations by central differences (ends copied inward)."""
    a = np.empty_like(p)
    a[1:-1] = (p[2:] - 2.0 * p[1:-1] + p[:-2]) * rate_hz**2
    a[0], a[-1] = a[1], a[-2]
    return a


def head_mount(body: BodyShape, rng: np.random.Generator, max_deg: float = 8.0) -> Mount:
    """Glasses IMU (as on Aria): by the right temple, axes x forward, y left, z up (+ jitter)."""
    lever = body.head * np.array([0.09, -0.065, 0.10]) + rng.normal(0, 0.006, 3)
    return Mount("head", lever, _jitter(np.eye(3), rng, max_deg))


def wrist_mount(body: BodyShape, side: str, rng: np.random.Generator, max_deg: float = 15.0) -> Mount:
    """Watch on the back of the wrist: x toward the hand, z out of the watch face.

    Defined for the left forearm and mirrored for the right one, which keeps the frame proper
    (x and z mirror, y follows from the right-hand rule) just as a real watch worn on the other
    wrist would be.
    """
    lever = np.array([0.0, 0.028, -(0.92 + rng.uniform(-0.06, 0.03)) * body.forearm])
    axes = np.array([[0.0, -1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, 0.0, 0.0]])  # columns: x_s, y_s, z_s
    if side == "r":
        lever, axes = _MIRROR @ lever, _MIRROR @ axes @ _MIRROR
    return Mount(f"{side}_forearm", lever, _jitter(axes, rng, max_deg))


def _jitter(r: np.ndarray, rng: np.random.Generator, max_deg: float) -> np.ndarray:
    """Tilt a mounting by a random rotation of up to max_deg about a random axis."""
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    return r @ rotvec_to_matrix(axis * np.radians(rng.uniform(0, max_deg)))


def sensor_model(rng: np.random.Generator, tissue: float) -> SensorModel:
    """Consumer MEMS IMU errors: white noise, constant biases, a percent of gain error."""
    return SensorModel(
        acc_noise=float(rng.uniform(0.015, 0.05)), gyro_noise=float(rng.uniform(0.003, 0.012)),
        acc_bias=rng.normal(0, 0.08, 3), gyro_bias=rng.normal(0, 0.01, 3),
        acc_scale=rng.normal(1.0, 0.012, 3), tissue=tissue * float(rng.uniform(0.6, 1.4)),
    )


def ideal_imu(kin: Kinematics, mount: Mount, rate_hz: float, root: np.ndarray | float = 0.0) -> np.ndarray:
    """Error-free (T, 6) [accel m/s², gyro rad/s] of a sensor on the body; ``root`` (T, 3) is added
    to the segment positions when ``kin`` is root-relative."""
    r_wb = kin.rotation(mount.segment)
    r_ws = r_wb @ mount.rotation
    p_s = kin.origin[mount.segment] + root + r_wb @ mount.lever_m
    specific = second_derivative(p_s, rate_hz) - GRAVITY_W
    acc = np.matmul(specific[:, None, :], r_ws)[:, 0, :]  # (R_WSᵀ a)ᵀ = aᵀ R_WS, per sample
    gyro = angular_velocity(r_ws, rate_hz)
    return np.concatenate([acc, gyro], axis=1)


def apply_sensor_model(imu: np.ndarray, model: SensorModel, rng: np.random.Generator,
                       rate_hz: float) -> np.ndarray:
    """Add strap wobble, gain error, biases, white noise and saturation; returns float32.

    The wobble is high-frequency jitter whose size follows how hard the limb is moving: a
    rigid-body simulator is smoother than a sensor strapped on skin (virtual-imu.md, pitfalls).
    """
    n = len(imu)
    acc, gyro = imu[:, :3].copy(), imu[:, 3:].copy()
    dynamic = np.linalg.norm(acc - uniform_filter1d(acc, int(rate_hz * 0.5), axis=0, mode="nearest"), axis=1)
    envelope = uniform_filter1d(dynamic, int(rate_hz * 0.2), mode="nearest")
    wobble = band_noise(rng, n, rate_hz, 25.0, 8.0, channels=3).T
    acc += model.tissue * envelope[:, None] * wobble
    acc = acc * model.acc_scale + model.acc_bias + rng.normal(0, model.acc_noise, (n, 3))
    gyro = gyro + model.gyro_bias + rng.normal(0, model.gyro_noise, (n, 3))
    out = np.concatenate([np.clip(acc, -model.acc_range, model.acc_range),
                          np.clip(gyro, -model.gyro_range, model.gyro_range)], axis=1)
    return out.astype(np.float32)
