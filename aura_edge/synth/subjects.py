"""Simulated people: body size and shape, handedness, personal tempo and style, and their devices.

A subject is drawn deterministically from (seed, subject id), so the same id always means the
same person with the same glasses and watch, and splits can be made disjoint by id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aura_edge.synth.skeleton import BodyShape, body_from_height
from aura_edge.synth.virtual_imu import Mount, SensorModel, head_mount, sensor_model, wrist_mount

PLACEMENTS = ("head", "wrist")


@dataclass(frozen=True)
class Subject:
    """One simulated person. Traits are multipliers around 1 unless stated."""

    id: int
    body: BodyShape
    left_handed: bool
    tempo: float        # how fast their rhythms run (cadence, waving, clapping)
    vigor: float        # how big their movements are
    sway: float         # postural sway
    fidget: float       # how often they shift weight or move a free hand
    lean_deg: float     # habitual forward lean of the trunk
    head_pitch_deg: float  # habitual head pitch (+ looks down)
    mounts: dict[str, Mount]
    sensors: dict[str, SensorModel]

    @property
    def dominant(self) -> str:
        return "l" if self.left_handed else "r"


def subject_rng(seed: int, subject_id: int, *salt: int) -> np.random.Generator:
    """Independent random stream per (seed, subject, ...) so adding subjects changes no one else."""
    return np.random.default_rng([int(seed), int(subject_id), *map(int, salt)])


def make_subject(seed: int, subject_id: int) -> Subject:
    rng = subject_rng(seed, subject_id, 0xB0D7)
    female = rng.random() < 0.5
    height = float(np.clip(rng.normal(1.63 if female else 1.77, 0.07), 1.45, 2.0))
    body = body_from_height(height, rng)
    left_handed = bool(rng.random() < 0.12)
    dominant = "l" if left_handed else "r"
    # The watch is worn on the dominant wrist so that one-handed activities (waving, a racket,
    # a ball) move the sensor; left-handers therefore give mirrored wrist signals.
    mounts = {"head": head_mount(body, rng), "wrist": wrist_mount(body, dominant, rng)}
    sensors = {"head": sensor_model(rng, tissue=0.03), "wrist": sensor_model(rng, tissue=0.08)}
    return Subject(
        id=int(subject_id), body=body, left_handed=left_handed,
        tempo=float(np.clip(rng.normal(1.0, 0.07), 0.85, 1.18)),
        vigor=float(np.clip(rng.normal(1.0, 0.12), 0.7, 1.35)),
        sway=float(np.clip(rng.lognormal(0.0, 0.3), 0.5, 2.0)),
        fidget=float(np.clip(rng.lognormal(0.0, 0.35), 0.4, 2.5)),
        lean_deg=float(rng.normal(3.0, 3.0)),
        head_pitch_deg=float(rng.normal(3.0, 3.0)),
        mounts=mounts, sensors=sensors,
    )
