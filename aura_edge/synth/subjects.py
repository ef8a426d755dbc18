"""Simulated people: body size and shape, handedness, personal tempo and style, and their devices.

A subject is drawn deterministically from (seed, subject id), so the same id always means the
same person with the same glasses and watch, and splits can be made disjoint by id.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aura_edge.errors import ConfigError
from aura_edge.synth import virtual_imu as vi
from aura_edge.synth.devices import SensorModel, draw_sensor
from aura_edge.synth.skeleton import BodyShape, body_from_height
from aura_edge.synth.virtual_imu import Mount

# Where people wear IMUs: glasses, a watch on either wrist, a phone in an armband, a chest strap,
# a belt clip, a phone in a front trouser pocket, an ankle strap.
PLACEMENTS = ("head", "left_wrist", "right_wrist", "upper_arm", "chest", "waist", "thigh", "ankle")
PLACEMENT_ALIASES = {"wrist": "left_wrist", "pocket": "thigh", "belt": "waist", "glasses": "head"}
# Gain of strap/skin wobble per placement: a loose pocket or armband shakes more than glasses.
TISSUE = {"head": 0.03, "left_wrist": 0.08, "right_wrist": 0.08, "upper_arm": 0.1, "chest": 0.05,
          "waist": 0.06, "thigh": 0.12, "ankle": 0.08}

# The body segments each placement's device can ride on (a pocket, armband or ankle strap goes on
# either side). Random training sites (SynthConfig.random_sites) use only the segments of the
# configured placements, so leaving a placement out leaves its whole segment out.
PLACEMENT_SEGMENTS = {"head": ("head",), "left_wrist": ("l_forearm",), "right_wrist": ("r_forearm",),
                      "upper_arm": ("l_upper_arm", "r_upper_arm"), "chest": ("trunk",), "waist": ("pelvis",),
                      "thigh": ("l_thigh", "r_thigh"), "ankle": ("l_shank", "r_shank")}

def resolve_placement(name: str) -> str:
    """A placement name or alias ('wrist' is the left wrist, where most people wear a watch)."""
    placement = PLACEMENT_ALIASES.get(name, name)
    if placement not in PLACEMENTS:
        raise ConfigError(f"unknown placement {name!r}; choose from {list(PLACEMENTS)} "
                          f"(or the aliases {sorted(PLACEMENT_ALIASES)})")
    return placement


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
    mounts = _mounts(body, rng)
    sensors = {p: draw_sensor(rng, TISSUE[p]) for p in PLACEMENTS}
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


def _mounts(body, rng: np.random.Generator) -> dict[str, Mount]:
    """One device per placement. Armband, pocket and ankle strap go on a random side; a watch
    on the dominant wrist moves with one-handed activities, one on the other wrist barely does."""
    def side() -> str:
        return "l" if rng.random() < 0.5 else "r"

    return {
        "head": vi.head_mount(body, rng), "left_wrist": vi.wrist_mount(body, "l", rng),
        "right_wrist": vi.wrist_mount(body, "r", rng), "upper_arm": vi.upper_arm_mount(body, side(), rng),
        "chest": vi.chest_mount(body, rng), "waist": vi.waist_mount(body, rng),
        "thigh": vi.thigh_mount(body, side(), rng), "ankle": vi.ankle_mount(body, side(), rng),
    }
