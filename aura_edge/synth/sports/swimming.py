"""Swimming: front crawl and breaststroke, the body horizontal and rolling about its long axis."""

from __future__ import annotations

import numpy as np

from aura_edge.synth.motion import TAU, deg, integrate, smooth_targets, vm_bump, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm


def _horizontal_roll(pose: Pose, roll: np.ndarray) -> None:
    """Face down with the head toward +x, rolled by ``roll`` (rad, + = left side up) about the
    long axis: Rz(90) Ry(90 - roll) Rx(90) equals a face-down body turned about its own axis."""
    pose.add("pelvis_yaw", deg(90.0))
    pose.add("pelvis_roll", deg(90.0))
    pose.add("pelvis_pitch", deg(90.0) - roll)


def swimming(sc: Scene) -> Pose:
    """Swimming laps: front crawl (alternating overarm strokes, body roll, flutter kick, a breath
    to the side every 2 or 3 strokes) or breaststroke (symmetric sweep, frog kick, head lifting
    each cycle). The body is horizontal and moves forward at about 1 m/s.

    Sensors feel gravity along the body's front-back axis instead of its long axis; the wrist
    turns through 360 degrees each stroke, the head and chest roll with the strokes, and the
    body surges with each pull or kick.
    """
    style = sc.choice({"crawl": 0.75, "breaststroke": 0.25})
    pose = Pose(planted=False)
    if style == "crawl":
        speed = _front_crawl(sc, pose)
    else:
        speed = _breaststroke(sc, pose)
    heading = deg(smooth_targets(sc.rng, sc.t, 0.1, 4.0, 0.8))
    pose.add("pelvis_yaw", heading)
    root = np.zeros((sc.n, 3))
    root[:, 0] = integrate(speed * np.cos(heading), sc.rate_hz)
    root[:, 1] = integrate(speed * np.sin(heading), sc.rate_hz)
    root[:, 2] = 1.0 + 0.008 * sc.noise(0.4)       # at the surface of the pool
    pose.root = root if pose.root is None else pose.root + root
    ambient(sc, pose, level=0.15, free_arms=(), gaze=0.2)
    # A swimmer's 'lower back': hips ride slightly lower than the shoulders.
    for side in ("l", "r"):
        pose.add(f"{side}_hip_flex", deg(sc.uniform(2, 8)))
    return pose


def _front_crawl(sc: Scene, pose: Pose) -> np.ndarray:
    """Front crawl on ``pose``; returns the forward speed (m/s)."""
    v = sc.subject.vigor
    phi, _, _ = rhythm(sc, 0.5, rel_spread=0.12, jitter=0.03)
    # The underwater pull takes ~60 % of the cycle, the recovery over the water the rest.
    k = sc.uniform(0.2, 0.35)
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.08) * min(v, 1.2)
    bend = sc.uniform(65, 95)
    for side, offset in (("l", 0.0), ("r", np.pi)):
        p = phi + offset
        psi = p - k * (1.0 - np.cos(p))            # 0 = hand enters, pi = hand leaves the water
        sin_psi = np.sin(psi)
        pose.set_arm(side, plane=40 + 30 * sin_psi, elev=95 + 78 * np.cos(psi), rot=30 + 55 * sin_psi,
                     elbow=12 + bend * amp * sin_psi**2, pron=20 + 30 * sin_psi)
    roll_amp = sc.uniform(35, 45) * float(np.clip(v, 0.9, 1.1))
    roll = -deg(roll_amp) * np.sin(phi - 0.25)     # the body rolls toward the pulling arm
    _horizontal_roll(pose, 0.75 * roll)
    pose.add("trunk_twist", 0.25 * roll)           # shoulders roll more than hips
    # Head: looking down and a little forward; turning to breathe as one arm recovers.
    pose.add("head_flex", deg(-sc.uniform(0, 15)))
    turn = deg(sc.uniform(45, 65))
    # A breath comes as that side's arm leaves the water and the body rolls toward it.
    if sc.rng.random() < 0.5:                      # every 2 strokes, on the preferred side
        left = (sc.dom == "l") == (sc.rng.random() < 0.65)
        center = 1.4 * np.pi if left else 0.4 * np.pi
        pose.add("head_turn", (1.0 if left else -1.0) * turn * vm_bump(phi, center, 4.0) - 0.75 * roll)
    else:                                          # every 3 strokes, alternating sides
        chi = (phi - 1.4 * np.pi) / 3.0
        pose.add("head_turn", turn * np.cos(chi) * np.exp(9.0 * (np.cos(2 * chi) - 1.0)) - 0.75 * roll)
    # Flutter kick: 6 or 8 kicks per arm cycle, small and fast.
    ratio = sc.choice({"3": 0.7, "4": 0.3})
    kick = float(ratio) * phi + sc.uniform(0, TAU)
    kick_amp = sc.uniform(8, 14) * min(v, 1.2)
    for side, offset in (("l", 0.0), ("r", np.pi)):
        q = kick + offset
        pose.add(f"{side}_hip_flex", deg(kick_amp * np.sin(q)))
        pose.add(f"{side}_knee", deg(8 + sc.uniform(12, 25) * (0.5 + 0.5 * np.sin(q + 1.2))))
    speed = sc.uniform(0.8, 1.5) * min(max(v, 0.85), 1.1)
    return speed * (1.0 + 0.12 * np.cos(2 * phi - 1.0))


def _breaststroke(sc: Scene, pose: Pose) -> np.ndarray:
    """Breaststroke on ``pose``; returns the forward speed (m/s)."""
    v = sc.subject.vigor
    chi, _, _ = rhythm(sc, 0.6, rel_spread=0.12, jitter=0.03)
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.08) * min(v, 1.15)
    out = vm_bump(chi, 0.9, 2.5) * amp             # hands sweep out...
    sweep_in = vm_bump(chi, 1.9, 3.0) * amp        # ...and in under the chest, then shoot forward
    for side in ("l", "r"):
        pose.set_arm(side, plane=90 - 55 * out + 15 * sweep_in, elev=170 - 15 * out - 55 * sweep_in,
                     rot=10 + 55 * sweep_in, elbow=10 + 20 * out + 85 * sweep_in, pron=20 + 30 * out)
    breath = vm_bump(chi, 1.9, 3.0)
    pose.add("pelvis_pitch", deg(88 - 10 * breath))                 # chest up, hips down
    pose.add("trunk_flex", deg(-10 * breath))
    pose.add("head_flex", deg(-sc.uniform(5, 15) - sc.uniform(20, 35) * breath))
    # Frog kick: knees drawn up and out while the arms recover, then a fast push back.
    draw = vm_bump(chi + 0.25 * np.sin(chi - 2.6), 2.6, 3.0)
    for side in ("l", "r"):
        pose.add(f"{side}_knee", deg(8 + sc.uniform(105, 125) * draw))
        pose.add(f"{side}_hip_flex", deg(sc.uniform(35, 50) * draw))
        pose.add(f"{side}_hip_abd", deg(6 + sc.uniform(15, 25) * draw))
        pose.add(f"{side}_hip_rot", deg(-25 * draw))
    root = np.zeros((sc.n, 3))
    root[:, 2] = 0.04 * breath
    pose.root = root
    speed = sc.uniform(0.6, 1.0) * min(max(v, 0.85), 1.1)
    return speed * (1.0 + 0.5 * np.cos(chi - 3.4))
