"""Shared by the daily-life generators: jittered arm targets, blends, random events and pauses,
seated and standing postures (see the package docstring)."""

from __future__ import annotations

import numpy as np

from aura_edge.synth.motion import deg, smooth_pulses, smooth_targets
from aura_edge.synth.posture import Pose, Scene
from aura_edge.synth.stationary import STANDING_ARMS

ArmDict = dict[str, float]


def jitter_arm(sc: Scene, arm: dict[str, tuple[float, float]]) -> ArmDict:
    """Draw an arm posture from per-angle (lo, hi) ranges in degrees."""
    return {k: sc.uniform(lo, hi) for k, (lo, hi) in arm.items()}


def blend(a: ArmDict, b: ArmDict, w) -> dict:
    """Joint-space interpolation between two arm postures with a weight (array) in [0, 1]."""
    return {k: a[k] + (b[k] - a[k]) * w for k in a}


def event_times(sc: Scene, mean_gap_s: float, spread: tuple[float, float] = (0.6, 1.5)) -> np.ndarray:
    """Irregular event instants (bites, sips, steps) covering the grid, paced by the subject's tempo."""
    gap = mean_gap_s / sc.subject.tempo
    return sc.event_times((0.2 * gap, gap), (spread[0] * gap, spread[1] * gap), gap)


def pauses(sc: Scene, rate_per_s: float, dur_s: tuple[float, float], tau_s: float = 0.25) -> np.ndarray:
    """Occasional breaks in a repetitive movement, in [0, ~1] (1 = fully paused), smooth saturation."""
    p = smooth_pulses(sc.rng, sc.t, rate_per_s, 1.0, dur_s, tau_s)
    return np.tanh(1.6 * p) / np.tanh(1.6)


def seat(sc: Scene, pose: Pose, lean: float, look: float, shift: float = 4.0) -> None:
    """Seated on a chair at a table or desk (like ``stationary.sitting``): thighs level, knees near
    90 degrees, feet on the floor, the trunk ``lean`` degrees from vertical in the world and the
    head pitched ``look`` degrees down in the world; shifts in the seat now and then."""
    s = sc.subject
    pelvis = sc.uniform(-14, 4)                       # posterior tilt when slouching
    # The thigh's angle in the world is hip flexion minus pelvis pitch: keep the thighs about
    # level on the seat (knees a little higher in a low chair) and the shanks near vertical.
    thigh = 90 + sc.uniform(-3, 10)
    for side in ("l", "r"):
        thigh_side = thigh + sc.rng.normal(0, 3)
        pose.add(f"{side}_hip_flex", deg(thigh_side + pelvis))
        pose.add(f"{side}_knee", deg(thigh_side + sc.rng.normal(0, 10)))
        pose.add(f"{side}_hip_abd", deg(sc.uniform(2, 12)))
    pose.add("pelvis_pitch", deg(pelvis))
    pose.add("trunk_flex", deg(lean - pelvis + smooth_targets(sc.rng, sc.t, 0.04 * s.fidget, shift, 0.4)))
    pose.add("head_flex", deg(look - lean + 0.3 * s.head_pitch_deg))
    pose.add("pelvis_yaw", deg(smooth_targets(sc.rng, sc.t, 0.03, 4.0, 0.5)))
    root = np.zeros((sc.n, 3))
    root[:, :2] = 0.002 * np.stack([sc.noise(0.3), sc.noise(0.3)], 1)   # the chair holds the hips
    pose.root = root


def desk_arm(sc: Scene, lean: float, arm: dict[str, tuple[float, float]],
              elev: tuple[float, float] = (34, 42)) -> ArmDict:
    """Forearm level on a table or desk in front of a seated person leaning ``lean`` degrees:
    leaning forward lowers the shoulders, so the upper arm hangs more (its elevation is measured
    from the trunk) and the elbow bends more to keep the forearm on the desk."""
    out = jitter_arm(sc, arm)
    out["elev"] = sc.uniform(*elev) - 0.3 * lean
    out["elbow"] = sc.uniform(60, 70) + 1.4 * lean
    return out


def off_rest_standing(sc: Scene, pose: Pose, options: dict[str, float]) -> bool:
    """Pose the off arm in a resting posture; returns True if it hangs free (gets fidgets)."""
    style = sc.choice(options)
    if style == "counter":     # hand on the edge of a sink, counter or stove
        arm = jitter_arm(sc, dict(plane=(65, 90), elev=(30, 45), rot=(-60, -35), elbow=(20, 45), pron=(70, 95)))
    else:
        arm = {k: v + sc.rng.normal(0, 4) for k, v in STANDING_ARMS[style].items()}
    pose.set_arm(sc.off, **arm)
    return style == "hanging"
