"""Shared by the sports generators: logistic steps, random event times, and a root that keeps a
loaded foot planted on the floor (see the package docstring)."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from aura_edge.synth.motion import deg, gaussian_bump, plateau
from aura_edge.synth.posture import Pose, Scene
from aura_edge.synth.skeleton import JOINT_INDEX, forward_kinematics, planted_root


def step_up(t: np.ndarray, center: float, tau: float) -> np.ndarray:
    """Logistic step from 0 to 1 centred at ``center``."""
    return expit((t - center) / tau)


def event_times(sc: Scene, gap: tuple[float, float], lead: float = 0.0) -> np.ndarray:
    """Irregular event instants (spacing uniform in ``gap`` seconds, scaled by the subject's tempo)
    covering the scene plus a second either side, starting at a random point of the first gap."""
    lo, hi = gap[0] / sc.subject.tempo, gap[1] / sc.subject.tempo
    return sc.event_times((lead, lead + hi), (lo, hi), 1.0)


def foot_locked_root(sc: Scene, pose: Pose, lift: dict[str, np.ndarray]) -> np.ndarray:
    """World root (n, 3) that keeps loaded feet still on the floor.

    ``lift`` gives each leg's unloading in [0, 1] (1 = foot in the air). The root's horizontal
    velocity cancels the load-weighted velocity of the ankles relative to the root, so a foot
    carrying all the weight does not move while the other swings, and two loaded feet share any
    mismatch. The height is the planted one: the lower ankle rests at ankle height, so legs
    must land no longer than the standing leg is (or the body is vaulted up).
    """
    kin = forward_kinematics(pose.angles, sc.subject.body, sc.n)
    weight_sum = np.zeros(sc.n)
    velocity = np.zeros((sc.n, 2))
    for side, word in (("l", "left"), ("r", "right")):
        w = 1.0 - 0.98 * np.clip(lift[side], 0.0, 1.0)
        ankle = kin.joints[:, JOINT_INDEX[f"{word}_ankle"], :2]
        velocity[1:] += 0.5 * (w[1:] + w[:-1])[:, None] * np.diff(ankle, axis=0)
        weight_sum += w
    mean_w = np.empty(sc.n)
    mean_w[1:] = 0.5 * (weight_sum[1:] + weight_sum[:-1])
    mean_w[0] = weight_sum[0]
    root = np.empty((sc.n, 3))
    root[:, :2] = -np.cumsum(velocity / mean_w[:, None], axis=0)
    root[:, 2] = planted_root(kin.joints, sc.subject.body)[:, 2]
    return root


class Legs:
    """Leg angles and unloading built up event by event (steps, kicks, strides), in degrees."""

    def __init__(self, sc: Scene):
        self.t = sc.t
        self.hip = {"l": np.zeros(sc.n), "r": np.zeros(sc.n)}
        self.knee = {"l": np.zeros(sc.n), "r": np.zeros(sc.n)}
        self.lift = {"l": np.zeros(sc.n), "r": np.zeros(sc.n)}

    def step_pair(self, first: str, t0: float, angle: float, dur: float = 0.3, knee: float = 35.0) -> float:
        """A step of about leg length x sin(angle) (negative = backwards): ``first`` swings out
        in ``dur`` seconds, the body moves over it while both feet are down (1.5 x dur), the other
        leg closes up. Returns the end time."""
        other = "r" if first == "l" else "l"
        t, tau, tau_body = self.t, 0.1 * dur, 0.3 * dur
        t1 = t0 + dur
        t2 = t1 + 1.5 * dur
        t3 = t2 + dur
        self.hip[first] += angle * (step_up(t, 0.5 * (t0 + t1), tau) - step_up(t, 0.5 * (t1 + t2), tau_body))
        self.hip[other] -= angle * (step_up(t, 0.5 * (t1 + t2), tau_body) - step_up(t, 0.5 * (t2 + t3), tau))
        # The swing (foot clearance) happens well inside the unloaded window, so a foot is never
        # moving under the body when its weight comes off or goes back on.
        for side, start, end in ((first, t0, t1), (other, t2, t3)):
            self.lift[side] += plateau(t, start - 0.05 * dur, end + 0.05 * dur, 0.04 * dur)
            clear = gaussian_bump(t, 0.5 * (start + end), dur / 6.0)
            self.knee[side] += knee * clear
            self.hip[side] += 0.3 * knee * clear
        return t3

    def apply(self, pose: Pose) -> None:
        for side in ("l", "r"):
            pose.add(f"{side}_hip_flex", deg(self.hip[side]))
            pose.add(f"{side}_knee", deg(self.knee[side]))
