"""Boxing: guard, jab / cross / hook / uppercut combinations with a trunk twist per punch."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from aura_edge.synth.motion import bounce_height, deg, plateau, smooth_targets, vm_bump
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm
from aura_edge.synth.sports.motion_helpers import Legs, foot_locked_root

# Arm postures (plane, elev, rot, elbow, pron) in degrees: the guard with the fists by the chin,
# and each punch at full extension. Hooks come round at shoulder height with the elbow bent,
# uppercuts rise with the forearm vertical, straight punches turn the fist over (pronation).
GUARD = dict(plane=86, elev=56, rot=-64, elbow=126, pron=25)
PUNCHES = {
    "jab": dict(plane=90, elev=86, rot=-30, elbow=8, pron=85),
    "cross": dict(plane=102, elev=84, rot=-30, elbow=8, pron=85),
    "hook": dict(plane=108, elev=86, rot=-15, elbow=95, pron=55),
    "uppercut": dict(plane=88, elev=66, rot=-85, elbow=92, pron=10),
}
# Trunk rotation into each punch (deg, + = turning the punching shoulder forward).
PUNCH_TWIST = {"jab": 10.0, "cross": 32.0, "hook": 30.0, "uppercut": 18.0}


def _combos(sc: Scene, rate: float) -> list[tuple[float, str, bool]]:
    """(time, punch, by the lead hand) for irregular combinations of 1-4 punches."""
    events = []
    t = sc.t[0] - sc.uniform(0.0, 1.5)
    while t < sc.t[-1] + 0.5:
        size = int(sc.rng.choice([1, 2, 3, 4], p=[0.25, 0.35, 0.28, 0.12]))
        lead = sc.rng.random() < 0.75              # combinations mostly open with the lead hand
        for _ in range(size):
            if lead:
                kind = sc.choice({"jab": 0.7, "hook": 0.2, "uppercut": 0.1})
            else:
                kind = sc.choice({"cross": 0.65, "hook": 0.15, "uppercut": 0.2})
            events.append((t, kind, lead))
            t += sc.uniform(0.24, 0.4) / sc.subject.tempo
            lead = (not lead) if sc.rng.random() < 0.8 else lead
        t += sc.uniform(0.5, 2.2) / (sc.subject.tempo * rate)
    return events


def boxing(sc: Scene) -> Pose:
    """Shadowboxing or working a bag: staggered stance, fists guarding the chin, light bouncing on
    the balls of the feet, and irregular combinations of jabs, crosses, hooks and uppercuts.

    Each punch extends in ~0.12 s and comes back (the watch wrist sees 5-15 g spikes and fast
    forearm rotation), with the trunk and pelvis rotating into it; the head and chest feel the
    2 Hz bounce, the trunk rotations and occasional slips and weaves of the head.
    """
    pose = Pose(planted=False)
    lead, rear = sc.off, sc.dom                    # orthodox for right-handers, southpaw for left
    style = sc.choice({"shadow": 0.45, "bag": 0.4, "pads": 0.15})
    rate = {"shadow": 1.0, "bag": 1.2, "pads": 1.4}[style]
    twist, dip = _punching_arms(sc, pose, lead, rear, rate)
    _stance_and_head(sc, pose, twist, rate)
    legs = _staggered_legs(sc, pose, lead, rear, dip)
    _bounce(sc, pose, legs)
    ambient(sc, pose, level=0.3, free_arms=(), gaze=0.15)
    return pose


def _punching_arms(sc: Scene, pose: Pose, lead: str, rear: str, rate: float) -> tuple[np.ndarray, np.ndarray]:
    """Guard plus punch combinations on both arms; returns the trunk twist and the knee dip they cause."""
    v, t = sc.subject.vigor, sc.t
    arms = {side: {k: np.full(sc.n, GUARD[k] + sc.rng.normal(0, 4)) for k in GUARD} for side in ("l", "r")}
    twist = np.zeros(sc.n)                         # + turns the rear shoulder forward
    dip = np.zeros(sc.n)                           # knee dip before uppercuts
    for tc, kind, by_lead in _combos(sc, rate):
        side = lead if by_lead else rear
        tau_out = max(0.026, sc.uniform(0.027, 0.038) / min(v, 1.15))
        tau_back = sc.uniform(0.04, 0.06)
        hold = sc.uniform(0.1, 0.15)
        u = np.linspace(-0.3, 0.6, 400)
        peak = np.max(expit(u / tau_out) * expit(-(u - hold) / tau_back))
        reach = sc.uniform(0.8, 1.05) / peak
        a = expit((t - tc) / tau_out) * expit(-(t - tc - hold) / tau_back) * reach
        for k in GUARD:
            arms[side][k] += a * (PUNCHES[kind][k] - GUARD[k])
        # The trunk leads the fist by ~30 ms and lags on the way back.
        body = expit((t - tc + 0.03) / 0.045) * expit(-(t - tc - hold - 0.02) / 0.08)
        turn = PUNCH_TWIST[kind] * sc.uniform(0.7, 1.2) * min(v, 1.2)
        twist += body * (-turn if by_lead else turn)
        if kind == "uppercut":
            dip += sc.uniform(6, 14) * plateau(t, tc - 0.2, tc + 0.02, 0.05)
    for side in ("l", "r"):
        guard_drift = sc.uniform(2, 5) * sc.noise(0.4)   # the guard drifts and gets reset
        arms[side]["elev"] = arms[side]["elev"] + guard_drift
        pose.set_arm(side, **arms[side])
    return twist, dip


def _stance_and_head(sc: Scene, pose: Pose, twist: np.ndarray, rate: float) -> None:
    """Stance: the rear side turned back, the trunk turning into punches, slipping and weaving."""
    s, t = sc.subject, sc.t
    stance = sc.uniform(20, 38)
    side_on = -sc.dom_y                            # + = turning so that the dominant side goes back
    twist_rad = deg(twist) * side_on
    pose.add("pelvis_yaw", deg(side_on * stance) + 0.4 * twist_rad)
    pose.add("trunk_twist", -deg(side_on * 0.5 * stance) + 0.6 * twist_rad)
    pose.add("head_turn", -deg(side_on * 0.5 * stance) - 0.6 * twist_rad)
    lean = sc.uniform(6, 16) + s.lean_deg
    slips = smooth_targets(sc.rng, t, 0.35 * rate, 6.0, 0.1)          # slipping and weaving
    weave = smooth_targets(sc.rng, t, 0.2 * rate, 6.0, 0.12)
    weave = 3.0 * np.logaddexp(0.0, weave / 3.0)                         # ducking only, never up
    pose.add("trunk_flex", deg(lean + weave) + 0.3 * twist_rad**2)      # bending into hard punches
    pose.add("trunk_bend", deg(slips))
    pose.add("head_bend", deg(-0.3 * slips))
    pose.add("head_flex", deg(s.head_pitch_deg + sc.uniform(5, 15) - 0.6 * lean))   # chin tucked


def _staggered_legs(sc: Scene, pose: Pose, lead: str, rear: str, dip: np.ndarray) -> Legs:
    """Both feet on the floor in a staggered stance, and shuffles in and out."""
    s, t = sc.subject, sc.t
    legs = Legs(sc)
    # The rear knee is set so that the rear leg reaches as far down as the bent lead leg
    # (otherwise one foot would hover and every small knee movement would shift the weight).
    thigh, shank = s.body.thigh, s.body.shank
    knee = sc.uniform(15, 28)
    hip_lead, hip_rear = sc.uniform(14, 24) + 0.5 * knee, -sc.uniform(6, 14) + 0.5 * knee
    reach = thigh * np.cos(deg(hip_lead)) + shank * np.cos(deg(hip_lead - knee))
    shin = np.arccos(np.clip((reach - thigh * np.cos(deg(hip_rear))) / shank, -1.0, 1.0))
    knee_rear = hip_rear + np.degrees(shin)           # shank tilted back by `shin`
    for side, hip, bend in ((lead, hip_lead, knee), (rear, hip_rear, knee_rear)):
        legs.hip[side] += hip + 0.6 * dip
        legs.knee[side] += bend + dip
        pose.add(f"{side}_hip_abd", deg(sc.uniform(4, 10)))
        pose.add(f"{side}_hip_rot", deg(-sc.uniform(0, 15)))
    # Footwork: shuffles in and out (lead foot first going forward, rear foot first going back).
    pos = 0.0
    t0 = t[0] - sc.uniform(0, 2.0)
    while t0 < t[-1]:
        forward = pos <= 0 if abs(pos) > 1 else sc.rng.random() < 0.5
        angle = sc.uniform(5, 10) * (1 if forward else -1)
        t0 = legs.step_pair(lead if forward else rear, t0, angle, dur=sc.uniform(0.2, 0.3), knee=25.0)
        pos += 1 if forward else -1
        t0 += sc.uniform(0.8, 3.0) / s.tempo
    legs.apply(pose)
    return legs


def _bounce(sc: Scene, pose: Pose, legs: Legs) -> None:
    """Bouncing on the balls of the feet (or a flat-footed knee bob); sets the root."""
    v = sc.subject.vigor
    phase, omega, _ = rhythm(sc, 2.0, rel_spread=0.12, jitter=0.04)
    bouncer = sc.rng.random() < 0.7
    duty = sc.uniform(0.7, 0.85)
    bob = sc.uniform(2, 5) * min(v, 1.2) * vm_bump(phase, np.pi * duty, 2.0 / duty)
    for side in ("l", "r"):
        pose.add(f"{side}_knee", deg(bob))
        pose.add(f"{side}_hip_flex", deg(0.5 * bob))
    root = foot_locked_root(sc, pose, legs.lift)
    if bouncer:
        # Scaled down: on the balls of the feet, barely leaving the floor (peaks of ~1.5 g).
        hop = bounce_height(phase, omega, duty) * sc.uniform(0.2, 0.35) * min(v, 1.2)
        root[:, 2] += hop - hop.min()
    root[:, :2] += 0.01 * np.stack([sc.noise(0.5), sc.noise(0.5)], 1)
    pose.root = root
