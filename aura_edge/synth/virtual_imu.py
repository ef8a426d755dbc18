"""Virtual IMUs worn on the simulated body: where each device sits, and its ideal accel/gyro.

With R_WS = R_WB @ R_BS (segment pose times mounting rotation) and p_S = p_B + R_WB @ r_BS:

    accel = R_WSᵀ (p̈_S − g_W),  g_W = (0, 0, −9.80665)   (specific force: +9.81 up at rest)
    gyro  = ω_S with [ω_S]x = R_WSᵀ Ṙ_WS                    (angular velocity in the sensor frame)

The trajectories are smooth functions sampled at the simulation rate, so central differences are
accurate (the second difference is within 1 % of the true acceleration up to 10 Hz at 200 Hz).
Callers simulate a short margin on both sides and cut it off, which avoids edge effects without
any padding tricks. Sensor errors and how a device samples are in ``devices.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aura_edge.signals import GRAVITY_MS2
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


def _surface_axes(normal, along) -> np.ndarray:
    """Segment-from-sensor rotation of a device lying on a body surface: z out of the surface
    (``normal``), x along ``along`` (projected onto the surface), y = z × x (a proper frame)."""
    z = np.asarray(normal, float) / np.linalg.norm(normal)
    x = np.asarray(along, float) - np.dot(along, z) * z
    x /= np.linalg.norm(x)
    return np.stack([x, np.cross(z, x), z], axis=1)


def _turned_in_plane(axes: np.ndarray, rng: np.random.Generator, quarter_turns: bool) -> np.ndarray:
    """A phone goes into a pocket or an armband any way up: turn it about its screen normal by
    0/180 degrees (or any quarter turn), and sometimes screen-inward (a half turn about x)."""
    turns = rng.integers(4) if quarter_turns else 2 * rng.integers(2)
    axes = axes @ rotvec_to_matrix(np.array([0.0, 0.0, turns * np.pi / 2]))
    if rng.random() < 0.5:
        axes = axes @ rotvec_to_matrix(np.array([np.pi, 0.0, 0.0]))
    return axes


def upper_arm_mount(body: BodyShape, side: str, rng: np.random.Generator, max_deg: float = 15.0) -> Mount:
    """Phone in a sports armband on the outside of the upper arm, halfway to the elbow."""
    m = 1.0 if side == "l" else -1.0
    lever = np.array([0.0, m * 0.045, -rng.uniform(0.35, 0.6) * body.upper_arm])
    axes = _turned_in_plane(_surface_axes([0, m, 0], [0, 0, -1]), rng, quarter_turns=False)
    return Mount(f"{side}_upper_arm", lever, _jitter(axes, rng, max_deg))


def chest_mount(body: BodyShape, rng: np.random.Generator, max_deg: float = 10.0) -> Mount:
    """Chest strap (heart-rate belt) or a clip on the sternum: z forward, x up (or down)."""
    lever = np.array([0.1, 0.0, rng.uniform(0.55, 0.8) * body.trunk])
    up = 1.0 if rng.random() < 0.7 else -1.0
    return Mount("trunk", lever, _jitter(_surface_axes([1, 0, 0], [0, 0, up]), rng, max_deg))


def waist_mount(body: BodyShape, rng: np.random.Generator, max_deg: float = 12.0) -> Mount:
    """Device clipped to a belt somewhere between the front and the side of either hip."""
    around = np.radians(rng.uniform(-100.0, 100.0))          # 0 = belly button, + = toward the left
    normal = np.array([np.cos(around), np.sin(around), 0.0])
    lever = np.array([0.12 * np.cos(around), 0.15 * np.sin(around), 0.06]) * body.height / 1.72
    axes = _turned_in_plane(_surface_axes(normal, [0, 0, 1]), rng, quarter_turns=True)
    return Mount("pelvis", lever, _jitter(axes, rng, max_deg))


def thigh_mount(body: BodyShape, side: str, rng: np.random.Generator, max_deg: float = 15.0) -> Mount:
    """Phone in a front trouser pocket: flat on the front of the thigh, any way up or round."""
    m = 1.0 if side == "l" else -1.0
    lever = np.array([0.07, m * 0.02, -rng.uniform(0.15, 0.35) * body.thigh])
    axes = _turned_in_plane(_surface_axes([1, m * 0.25, 0], [0, 0, -1]), rng, quarter_turns=False)
    return Mount(f"{side}_thigh", lever, _jitter(axes, rng, max_deg))


def ankle_mount(body: BodyShape, side: str, rng: np.random.Generator, max_deg: float = 15.0) -> Mount:
    """Strap on the outside of the ankle, just above the malleolus."""
    m = 1.0 if side == "l" else -1.0
    lever = np.array([0.0, m * 0.04, -rng.uniform(0.8, 0.92) * body.shank])
    axes = _turned_in_plane(_surface_axes([0, m, 0], [0, 0, -1]), rng, quarter_turns=False)
    return Mount(f"{side}_shank", lever, _jitter(axes, rng, max_deg))


# Body surfaces a device can sit on besides the usual placements (earbuds, a shoe-lace clip, a phone
# in a jacket or back pocket, a patch on the shin ...), per kind of segment: where along the
# segment (lowest, highest; in segment lengths from the proximal joint, limbs hanging along -z; metres
# for the pelvis and head) and the half-depth and half-width of the surface (m, at 1.72 m).
SITE_SURFACES = {
    "upper_arm": ((-0.85, -0.2), 0.045, 0.045), "forearm": ((-0.95, -0.2), 0.035, 0.03),
    "thigh": ((-0.8, -0.1), 0.075, 0.075), "shank": ((-0.95, -0.15), 0.05, 0.045),
    "trunk": ((0.25, 0.95), 0.11, 0.16), "pelvis": ((-0.02, 0.1), 0.12, 0.16), "head": ((0.02, 0.14), 0.1, 0.08),
}


def site_mount(body: BodyShape, segment: str, rng: np.random.Generator, max_deg: float = 15.0) -> Mount:
    """A device at a random point on the surface of ``segment`` (e.g. 'l_shank', 'trunk'), flat on
    the skin or cloth, turned any way about the surface normal and either side up."""
    kind = segment.split("_", 1)[1] if segment[:2] in ("l_", "r_") else segment
    (lo, hi), depth, width = SITE_SURFACES[kind]
    scale = body.height / 1.72
    length = {"upper_arm": body.upper_arm, "forearm": body.forearm, "thigh": body.thigh, "shank": body.shank,
              "trunk": body.trunk}.get(kind, scale)
    around = rng.uniform(0.0, 2 * np.pi)
    c, s = np.cos(around), np.sin(around)
    lever = np.array([depth * scale * c, width * scale * s, rng.uniform(lo, hi) * length])
    axes = _surface_axes([c / depth, s / width, 0.0], [0.0, 0.0, -1.0 if hi <= 0 else 1.0])
    axes = axes @ rotvec_to_matrix(np.array([0.0, 0.0, rng.uniform(0.0, 2 * np.pi)]))
    if rng.random() < 0.5:
        axes = axes @ rotvec_to_matrix(np.array([np.pi, 0.0, 0.0]))
    return Mount(segment, lever, _jitter(axes, rng, max_deg))


def _jitter(r: np.ndarray, rng: np.random.Generator, max_deg: float) -> np.ndarray:
    """Tilt a mounting by a random rotation of up to max_deg about a random axis."""
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    return r @ rotvec_to_matrix(axis * np.radians(rng.uniform(0, max_deg)))


def ideal_imu(kin: Kinematics, mount: Mount, rate_hz: float,
              root: np.ndarray | float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Error-free (T, 6) [accel m/s², gyro rad/s] of a sensor on the body, and the gravity part of
    its accelerometer reading, R_WSᵀ(−g_W) (T, 3): what a device that reports 'linear
    acceleration' subtracts. ``root`` (T, 3) is added to the segment positions when ``kin`` is
    root-relative."""
    r_wb = kin.rotation(mount.segment)
    r_ws = r_wb @ mount.rotation
    p_s = kin.origin[mount.segment] + root + r_wb @ mount.lever_m
    specific = second_derivative(p_s, rate_hz) - GRAVITY_W
    acc = np.matmul(specific[:, None, :], r_ws)[:, 0, :]  # (R_WSᵀ a)ᵀ = aᵀ R_WS, per sample
    gyro = angular_velocity(r_ws, rate_hz)
    return np.concatenate([acc, gyro], axis=1), -GRAVITY_W @ r_ws   # row times R_WS = (R_WSᵀ (−g_W))ᵀ
