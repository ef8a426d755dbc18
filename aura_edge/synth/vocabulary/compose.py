"""A composed activity in motion: its base posture, then each part's primitive driven by the cycle.

Every repetition follows one cycle of a person's rhythm (``posture.rhythm``: personal tempo,
episode variation and cycle-to-cycle jitter). A part moves during its window of the cycle with a
smooth out-and-back excursion (sin² of the window's progress), so parts in the same window move
together and parts in successive windows one after the other. Amplitudes vary by person and
episode (about 12 %), and repetitions by about 8 %, as people's do.
"""

from __future__ import annotations

import numpy as np

from aura_edge.synth.motion import TAU, deg, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm, stand
from aura_edge.synth.stationary import SITTING_ARMS, STANDING_ARMS
from aura_edge.synth.vocabulary.catalogue import Exercise, Part
from aura_edge.synth.vocabulary.primitives import ARM_RESTS, PRIMITIVES, Drive

HELD_RHYTHM_HZ = 0.25   # breathing-slow sway for held poses


def composed_pose(exercise: Exercise, sc: Scene) -> Pose:
    pose = Pose(planted=exercise.posture in ("standing", "sitting"))
    held = exercise.period_s <= 0
    phase, omega, _ = rhythm(sc, HELD_RHYTHM_HZ if held else 1.0 / exercise.period_s, rel_spread=0.12)
    moved = [(part, side, window) for part in exercise.parts for side, window in part_sides(part, exercise.side)]
    busy = _set_arm_rests(pose, moved)
    size = sc.vary(1.0, 0.12) * wobble(sc.rng, sc.n, sc.rate_hz, 0.08)
    frac = np.mod(phase, TAU) / TAU
    for part, side, window in moved:
        u = np.ones(sc.n) if part.static else excursion(frac, window)
        PRIMITIVES[part.primitive].apply(pose, side, part.amp * size, Drive(u, phase, omega))
    base_posture(sc, pose, exercise.posture, free_arms=[a for a in ("l", "r") if a not in busy])
    return pose


def part_sides(part: Part, variant_side: str) -> list[tuple[str, tuple[float, float]]]:
    """(side, window) pairs a part is done with: the variant's side(s) unless the part fixes one.
    Alternating: the left side in the first half of the cycle, the right in the second."""
    side = variant_side if part.side == "limb" else part.side
    a, b = part.window
    if side == "both":
        return [("l", part.window), ("r", part.window)] if PRIMITIVES[part.primitive].limb else [("l", part.window)]
    if side == "alternating":
        return [("l", (a / 2, b / 2)), ("r", (0.5 + a / 2, 0.5 + b / 2))]
    return [({"left": "l", "right": "r"}.get(side, side), part.window)]


def excursion(frac: np.ndarray, window: tuple[float, float]) -> np.ndarray:
    """0 outside the window of the cycle, a smooth sin² bump to 1 and back inside it."""
    a, b = window
    x = (frac - a) / max(b - a, 1e-6)
    return np.where((x >= 0) & (x <= 1), np.sin(np.pi * np.clip(x, 0, 1)) ** 2, 0.0)


def _set_arm_rests(pose: Pose, moved) -> set[str]:
    """Put each arm a primitive moves at that primitive's rest posture (its first one); returns the busy arms."""
    busy: set[str] = set()
    for part, side, _ in moved:
        rest = PRIMITIVES[part.primitive].rest
        if rest and side not in busy:
            pose.set_arm(side, **ARM_RESTS[rest])
            busy.add(side)
    return busy


def base_posture(sc: Scene, pose: Pose, posture: str, free_arms: list[str]) -> None:
    """The body under the movement, the free arms at rest, and everyone's background motion."""
    if posture == "standing":
        for side in free_arms:
            pose.set_arm(side, **STANDING_ARMS["hanging"])
        stand(sc, pose, knee_deg=sc.uniform(2, 6), sway=0.6)
        ambient(sc, pose, level=0.6, free_arms=tuple(free_arms), gaze=0.4)
    elif posture == "sitting":
        _seat(sc, pose, free_arms)
        ambient(sc, pose, level=0.5, free_arms=tuple(free_arms), gaze=0.4)
    else:
        _on_the_floor(sc, pose, posture, free_arms)
        ambient(sc, pose, level=0.3, free_arms=(), gaze=0.3)


def _seat(sc: Scene, pose: Pose, free_arms: list[str]) -> None:
    for side in ("l", "r"):
        pose.add(f"{side}_hip_flex", deg(90 + sc.rng.normal(0, 4)))
        pose.add(f"{side}_knee", deg(90 + sc.rng.normal(0, 6)))
        pose.add(f"{side}_hip_abd", deg(sc.uniform(3, 10)))
    for side in free_arms:
        pose.set_arm(side, **SITTING_ARMS["thighs"])
    root = np.zeros((sc.n, 3))
    root[:, :2] = 0.002 * np.stack([sc.noise(0.3), sc.noise(0.3)], 1)   # the chair holds the hips
    pose.root = root if pose.root is None else pose.root + root


# Floor postures: pelvis pitch / roll (degrees) and the height of the hips above the floor (m).
FLOOR = {"lying": dict(pitch=-90, roll=0, z=0.12), "prone": dict(pitch=75, roll=0, z=0.32),
         "side-lying": dict(pitch=0, roll=88, z=0.18)}


def _on_the_floor(sc: Scene, pose: Pose, posture: str, free_arms: list[str]) -> None:
    floor = FLOOR[posture]
    pose.add("pelvis_pitch", deg(floor["pitch"] + sc.rng.normal(0, 3)))
    pose.add("pelvis_roll", deg(floor["roll"] + sc.rng.normal(0, 3)))
    pose.add("pelvis_yaw", sc.uniform(0, TAU))
    for side in free_arms:
        if posture == "prone":   # forearms on the floor under the shoulders
            pose.set_arm(side, plane=90, elev=75, rot=10, elbow=90, pron=40)
        else:
            pose.set_arm(side, plane=sc.uniform(0, 30), elev=sc.uniform(5, 25), elbow=sc.uniform(0, 30))
    breath = deg(0.5) * np.sin(TAU * sc.uniform(0.2, 0.33) * sc.t + sc.uniform(0, TAU))
    pose.add("trunk_flex", breath)
    root = np.zeros((sc.n, 3))
    root[:, 2] = floor["z"] + sc.uniform(0, 0.05)
    pose.root = root if pose.root is None else pose.root + root
