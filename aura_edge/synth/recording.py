"""Continuous recordings of one simulated person doing several activities in turn.

Used by the simulated wearable (``sim://``) and replay tests. Consecutive activities overlap by
a short transition in which joint angles and the root are cross-faded with a smooth (C2) weight,
after the next activity has been turned and moved to start where the previous one is: so the
stream has no jumps in position or orientation, as a real wearer's would not.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from aura_edge.errors import ConfigError
from aura_edge.signals import GRAVITY_CONVENTIONS, GRAVITY_MS2, MAX_RATE_HZ, MIN_RATE_HZ, resample
from aura_edge.synth.activities import ACTIVITIES, ALL_ACTIVITIES
from aura_edge.synth.body_sim import MARGIN_S, SIM_RATE_HZ, generate_pose, ideal_streams, place_body
from aura_edge.synth.devices import DeviceProfile, device_samples
from aura_edge.synth.skeleton import forward_kinematics
from aura_edge.synth.subjects import make_subject, resolve_placement, subject_rng

RECORDING_SUBJECT_ID = 1_000_000   # a person outside every corpus split
TRANSITION_S = 1.5                 # full length of a cross-fade between two activities


def simulate_recording(activities: Sequence[str], seconds_each: float, placement: str = "wrist",
                       rate_hz: float = 200.0, seed: int = 0, gravity: str = "included"
                       ) -> tuple[np.ndarray, np.ndarray, list[tuple[float, str]]]:
    """One subject doing ``activities`` in turn for ``seconds_each`` each, worn at ``placement``.

    Returns (t_s (T,), imu (T, 6) float32 [m/s², rad/s], segments [(start_s, label)]) as a device
    sampling at ``rate_hz`` would report them: anti-aliased, ±16 g / ±2000 deg/s, 16-bit, with
    gravity included or removed. The same seed gives the same person and the same recording.
    """
    activities = list(activities)
    _validate(activities, seconds_each, placement, rate_hz, gravity)
    placement = resolve_placement(placement)
    subject = make_subject(seed, RECORDING_SUBJECT_ID)
    rng = subject_rng(seed, RECORDING_SUBJECT_ID, 2)
    margin = int(round(MARGIN_S * SIM_RATE_HZ))
    n = int(round(len(activities) * seconds_each * SIM_RATE_HZ)) + 2 * margin
    t = (np.arange(n) - margin) / SIM_RATE_HZ
    angles, root = _joined_motion(subject, activities, float(seconds_each), t, rng)
    kin = forward_kinematics(angles, subject.body, n)
    ideal, gravity_part = ideal_streams(kin, root, subject, [placement], margin)[placement]
    device = DeviceProfile(rate_hz=min(rate_hz, SIM_RATE_HZ), anti_alias=True, bandwidth_hz=0.4 * rate_hz,
                           acc_range=16 * GRAVITY_MS2, gyro_range=np.radians(2000.0), adc_bits=16, clock_ppm=0.0,
                           jitter_s=0.0, drop_prob=0.0, gravity=gravity, host="timestamps")
    _, imu = device_samples(ideal, gravity_part, subject.sensors[placement], device, rng, SIM_RATE_HZ)
    if rate_hz > SIM_RATE_HZ:
        imu = resample(imu, SIM_RATE_HZ, rate_hz)
    t_s = np.arange(len(imu)) / float(rate_hz)
    return t_s, imu.astype(np.float32), [(round(k * float(seconds_each), 9), a) for k, a in enumerate(activities)]


def _validate(activities, seconds_each, placement, rate_hz, gravity) -> None:
    if not activities:
        raise ConfigError(f"activities is empty; pass at least one of {list(ACTIVITIES)}")
    unknown = [a for a in activities if a not in ALL_ACTIVITIES]
    if unknown:
        raise ConfigError(f"unknown activities {unknown}; choose from {list(ACTIVITIES)} or a composed "
                          "activity of aura_edge.synth.vocabulary (e.g. 'lateral raise')")
    if not seconds_each > 0 or not np.isfinite(seconds_each):
        raise ConfigError(f"seconds_each must be a positive number of seconds, got {seconds_each!r}")
    if gravity not in GRAVITY_CONVENTIONS:
        raise ConfigError(f"gravity must be one of {list(GRAVITY_CONVENTIONS)}, got {gravity!r}")
    if not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ:
        raise ConfigError(f"rate_hz must be between {MIN_RATE_HZ:g} and {MAX_RATE_HZ:g} Hz, got {rate_hz!r}")


def _smootherstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * x * (x * (6.0 * x - 15.0) + 10.0)


def _joined_motion(subject, activities, seconds_each: float, t: np.ndarray, rng):
    """Cross-faded joint angles {name: (n,)} and root (n, 3) over the whole grid t."""
    n, half = len(t), min(TRANSITION_S, 0.8 * seconds_each) / 2.0
    bounds = [k * seconds_each for k in range(1, len(activities))]
    angles: dict[str, np.ndarray] = {}
    root = np.zeros((n, 3))
    carry = None   # (yaw, root, floor) of the previous activity at the coming boundary
    for k, activity in enumerate(activities):
        lo = 0 if k == 0 else int(np.searchsorted(t, bounds[k - 1] - half))
        hi = n if k == len(activities) - 1 else int(np.searchsorted(t, bounds[k] + half))
        tk = t[lo:hi]
        pose = generate_pose(subject, activity, tk, rng)
        at = 0 if k == 0 else int(np.searchsorted(tk, bounds[k - 1]))
        yaw0 = float(np.broadcast_to(pose.angles.get("pelvis_yaw", 0.0), tk.shape)[at])
        heading = rng.uniform(0, 2 * np.pi) if carry is None else carry[0] - yaw0
        _, root_k = place_body(pose, subject, len(tk), heading)
        floor = np.broadcast_to(pose.floor, tk.shape).astype(float)
        if carry is not None:   # start where the previous activity is, on the floor it reached
            root_k[:, :2] += carry[1][:2] - root_k[at, :2]
            root_k[:, 2] += carry[2] - floor[at]
            floor = floor + carry[2] - floor[at]
        weight = np.ones(len(tk))
        if k > 0:
            weight *= _smootherstep((tk - bounds[k - 1] + half) / (2 * half))
        if k < len(activities) - 1:
            weight *= 1.0 - _smootherstep((tk - bounds[k] + half) / (2 * half))
            end = int(np.searchsorted(tk, bounds[k]))
            yaw = np.broadcast_to(pose.angles["pelvis_yaw"], tk.shape)[end]
            carry = (float(yaw), root_k[end].copy(), float(floor[end]))
        for name, value in pose.angles.items():
            acc = angles.setdefault(name, np.zeros(n))
            acc[lo:hi] += weight * np.broadcast_to(value, tk.shape)
        root[lo:hi] += weight[:, None] * root_k
    return angles, root
