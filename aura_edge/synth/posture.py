"""What an activity produces (a Pose over time) and the background motion every person makes.

A person is never still: the body sways over the feet, weight shifts from leg to leg, the head
turns to look at things, and hands make small adjustments. ``ambient`` adds those layers to any
activity, scaled by a level (1 = standing, lower when sitting or lying), so that a 'still' wrist
or head reads like a real wearer's and not like a rigid mannequin's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from aura_edge.synth.motion import band_noise, deg, jittered_phase, smooth_pulses, smooth_targets


@dataclass
class Pose:
    """Joint angles over time plus how the root (mid-hip) moves.

    planted=True: the root is computed from the legs so that the feet stay on the floor, and
    ``root`` is an offset added on top (sway). planted=False: ``root`` is the world trajectory.
    Angles and root are in the activity's own frame; the simulator turns the scene to a heading.
    """

    angles: dict[str, Any] = field(default_factory=dict)
    root: np.ndarray | None = None
    planted: bool = True
    floor: Any = 0.0   # height of the ground under the person (rises on stairs); joins recordings

    def add(self, name: str, value) -> None:
        self.angles[name] = self.angles.get(name, 0.0) + value

    def set_arm(self, side: str, plane=0.0, elev=0.0, rot=0.0, elbow=0.0, pron=0.0) -> None:
        """Add an arm posture given in degrees (scalars or arrays)."""
        for name, value in (("arm_plane", plane), ("arm_elev", elev), ("arm_rot", rot),
                            ("elbow", elbow), ("pron", pron)):
            self.add(f"{side}_{name}", deg(value))


@dataclass
class Scene:
    """Everything an activity function needs: the subject, a random stream and the time grid."""

    subject: Any              # aura_edge.synth.subjects.Subject (Any avoids an import cycle)
    rng: np.random.Generator
    t: np.ndarray
    rate_hz: float

    @property
    def n(self) -> int:
        return len(self.t)

    @property
    def dom(self) -> str:
        """Prefix of the dominant side's joints ('r' or 'l')."""
        return "l" if self.subject.left_handed else "r"

    @property
    def off(self) -> str:
        return "r" if self.subject.left_handed else "l"

    @property
    def dom_y(self) -> float:
        """+1 if the dominant side is the person's left (+y), -1 if right: mirrors lateral motions."""
        return 1.0 if self.subject.left_handed else -1.0

    def noise(self, hi_hz: float, lo_hz: float = 0.0) -> np.ndarray:
        return band_noise(self.rng, self.n, self.rate_hz, hi_hz, lo_hz)

    def choice(self, weights: dict[str, float]) -> str:
        names = list(weights)
        p = np.array([weights[k] for k in names], dtype=float)
        return names[int(self.rng.choice(len(names), p=p / p.sum()))]

    def uniform(self, lo: float, hi: float) -> float:
        return float(self.rng.uniform(lo, hi))

    def event_times(self, first: tuple[float, float], gap: tuple[float, float], past_end_s: float) -> np.ndarray:
        """Irregular event instants (bites, strokes, kicks): the first ``uniform(*first)`` seconds
        before the grid starts, then spacings ``uniform(*gap)`` until ``past_end_s`` after its end."""
        times = [self.t[0] - self.uniform(*first)]
        while times[-1] < self.t[-1] + past_end_s:
            times.append(times[-1] + self.uniform(*gap))
        return np.array(times)

    def vary(self, x: float, rel: float) -> float:
        """x scaled by a random factor around 1 (truncated so it never flips sign)."""
        return x * float(np.clip(self.rng.normal(1.0, rel), 0.4, 1.8))


def ambient(sc: Scene, pose: Pose, level: float = 1.0, free_arms: tuple[str, ...] = ("l", "r"),
            gaze: float = 1.0) -> None:
    """Add gaze shifts, head/trunk micro-motion and occasional hand adjustments.

    ``free_arms`` are the arms not busy with the activity; only they get fidgets (a hand going
    to the face or a pocket and back), since a waving hand does not also scratch a nose.
    """
    s = sc.subject
    t = sc.t
    pose.add("head_turn", deg(smooth_targets(sc.rng, t, 0.2 * gaze, 18.0 * gaze * level, 0.12))
             + deg(1.5 * level) * sc.noise(0.5))
    pose.add("head_flex", deg(smooth_targets(sc.rng, t, 0.12 * gaze, 6.0 * gaze * level, 0.15))
             + deg(1.5 * level) * sc.noise(0.5))
    pose.add("head_bend", deg(1.5 * level) * sc.noise(0.4))
    pose.add("trunk_flex", deg(0.8 * level) * sc.noise(0.3))
    pose.add("trunk_bend", deg(0.6 * level) * sc.noise(0.3))
    for side in free_arms:
        reach = smooth_pulses(sc.rng, t, 0.07 * s.fidget, 1.0, (0.8, 3.0), 0.18)
        pose.add(f"{side}_elbow", deg(3.0 * level) * sc.noise(0.5) + deg(sc.uniform(40, 90)) * reach)
        pose.add(f"{side}_arm_elev", deg(2.5 * level) * sc.noise(0.5) + deg(sc.uniform(10, 35)) * reach)
        pose.add(f"{side}_pron", deg(6.0 * level) * sc.noise(0.4))


def stand(sc: Scene, pose: Pose, knee_deg: float = 5.0, sway: float = 1.0) -> None:
    """Upright legs, postural sway of the body over the feet and slow weight shifts.

    The unloaded knee relaxes while the weight is over the other leg, which is what makes a
    weight shift visible to a head sensor (the head moves 2-4 cm sideways over about a second).
    """
    s = sc.subject
    weight = smooth_targets(sc.rng, sc.t, 0.1 * s.fidget, 1.0, 0.35)  # + = over the left leg
    load_left = 1.0 / (1.0 + np.exp(-3.0 * weight))
    for side, unloaded in (("l", 1.0 - load_left), ("r", load_left)):
        pose.add(f"{side}_knee", deg(knee_deg + 10.0 * unloaded * min(sway, 1.5)))
        pose.add(f"{side}_hip_flex", deg(0.5 * knee_deg + 4.0 * unloaded * min(sway, 1.5)))
    root = np.zeros((sc.n, 3))
    amp = 0.007 * s.sway * sway
    root[:, 0] = amp * sc.noise(0.5, 0.05)
    root[:, 1] = amp * sc.noise(0.5, 0.05) + 0.02 * sway * np.tanh(weight)
    pose.root = root if pose.root is None else pose.root + root
    pose.add("pelvis_roll", deg(2.0 * sway) * np.tanh(weight))
    pose.add("pelvis_yaw", deg(smooth_targets(sc.rng, sc.t, 0.04, 8.0 * sway, 0.5)))


def rhythm(sc: Scene, base_hz: float, rel_spread: float = 0.1, jitter: float = 0.04):
    """Phase of a subject's rhythm: base rate x personal tempo x per-episode variation."""
    freq = base_hz * sc.subject.tempo * float(np.clip(sc.rng.normal(1.0, rel_spread), 0.7, 1.3))
    phase, omega = jittered_phase(sc.rng, sc.n, sc.rate_hz, freq, jitter)
    return phase, omega, freq
