"""Workouts: jumping rope and push-ups (hands and toes fixed on the floor, arm angles solved)."""

from __future__ import annotations

import numpy as np

from aura_edge.synth.motion import bounce_height, deg, vm_bump, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm
from aura_edge.synth.skeleton import JOINT_INDEX, forward_kinematics


def jumping_rope(sc: Scene) -> Pose:
    """Skipping rope: small two-footed hops at 2-2.7 Hz on the balls of the feet, the wrists
    turning the rope in small circles with the elbows at the sides and the upper arms nearly
    still (or beginners' bigger arm circles, a double bounce per turn, a boxer's alternate step).

    The body has a short flight on every hop, so every sensor sees a take-off and landing peak;
    the wrist adds a circular acceleration and a steady forearm rotation at the rope rate.
    """
    s, v = sc.subject, sc.subject.vigor
    body = s.body
    pose = Pose(planted=False)
    style = sc.choice({"basic": 0.5, "double bounce": 0.2, "boxer": 0.2, "beginner": 0.1})
    base = {"basic": 2.25, "double bounce": 2.4, "boxer": 2.3, "beginner": 2.0}[style]
    phase, omega, _ = rhythm(sc, base, rel_spread=0.06, jitter=0.03)
    duty = sc.uniform(0.55, 0.68) if style != "beginner" else sc.uniform(0.5, 0.6)
    # bounce_height's stance compression is a running stride's; skipping is springier (the
    # ankles do most of the work), so the excursion is scaled down to 5-8 cm (peaks of ~2-2.5 g).
    scale = sc.uniform(0.35, 0.5) * (min(v, 1.15) if style != "beginner" else 1.2)
    height = scale * bounce_height(phase, omega, duty)       # soft landings: no heel-strike peak
    # Knees give a little at mid-stance; the rest is the ankles (the heels stay off the floor),
    # so the ankle joints rise and fall with the body and clear the floor by a few cm in the air.
    knee = deg(sc.uniform(4, 8) + sc.uniform(8, 18) * vm_bump(phase, np.pi * duty, 2.0 / duty))
    pitch = deg(sc.uniform(2, 6) + sc.uniform(0.3, 1.0) * vm_bump(phase, np.pi * duty, 2.0 / duty))
    pose.add("pelvis_pitch", pitch)
    pose.add("pelvis_yaw", deg(sc.uniform(1, 3)) * sc.noise(0.4))
    for side in ("l", "r"):
        pose.add(f"{side}_knee", knee)
        pose.add(f"{side}_hip_flex", 0.5 * knee + pitch)
        pose.add(f"{side}_hip_abd", deg(sc.uniform(1, 5)))
    legs_len = (body.thigh + body.shank) * np.cos(0.5 * knee)      # hip to ankle, vertical
    ankle = height - legs_len                                        # ankle height up to a constant
    root_z = height + body.ankle_height + 0.015 - ankle.min()
    root = np.zeros((sc.n, 3))
    root[:, 2] = root_z
    root[:, :2] = 0.015 * np.stack([sc.noise(0.3), sc.noise(0.3)], 1)
    if style == "boxer":   # weight shifts from foot to foot, the free foot kicking up a little
        half = 0.5 * phase
        root[:, 1] += 0.015 * np.sin(half)
        for side, sign in (("l", 1.0), ("r", -1.0)):
            lift = deg(sc.uniform(10, 20)) * (0.5 + 0.5 * sign * np.sin(half))
            pose.add(f"{side}_knee", lift)
    pose.root = root
    lean = s.lean_deg + sc.uniform(0, 6)
    land = vm_bump(phase, np.pi * duty - 0.3, 2.0 / duty)            # the upper body gives on landing
    nod = sc.uniform(0.5, 1.5)
    pose.add("trunk_flex", deg(lean + nod * land))
    pose.add("head_flex", deg(s.head_pitch_deg + sc.uniform(-5, 10) - 0.5 * lean + 0.6 * nod * np.roll(land, 6)))
    _rope_arms(sc, pose, phase, duty, style)
    ambient(sc, pose, level=0.25, free_arms=(), gaze=0.2)
    return pose


def _rope_arms(sc: Scene, pose: Pose, phase: np.ndarray, duty: float, style: str) -> None:
    """Both hands turning the rope in small circles (bigger ones for a beginner)."""
    v = sc.subject.vigor
    # Rope: one turn per hop (two hops per turn for a double bounce); the rope passes under the
    # feet mid-flight, when the hands are at the bottom of their circles.
    rope = phase if style != "double bounce" else 0.5 * phase
    turn = rope - np.pi * (1.0 + duty) + sc.uniform(-0.3, 0.3)
    circle = sc.uniform(8, 14) * (2.2 if style == "beginner" else 1.0)
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.1) * min(v, 1.2)
    arm_circle = 12.0 if style == "beginner" else sc.uniform(2, 5)
    # Hand circle (seen from the side, turning forward): lowest and moving back as the rope
    # passes under the feet, highest and moving forward half a turn later.
    for side in ("l", "r"):
        pose.set_arm(side, plane=sc.uniform(20, 45), elev=sc.uniform(18, 30) - arm_circle * amp * np.sin(turn),
                     rot=sc.uniform(-10, 10) + 4 * np.cos(turn), elbow=sc.uniform(60, 85) - circle * amp * np.cos(turn),
                     pron=sc.uniform(30, 60) - sc.uniform(20, 35) * amp * np.cos(turn + 0.6))


# --------------------------------------------------------------------------------------------
# Push-ups

def _arm_reach(d: np.ndarray, bend: np.ndarray, thumb: np.ndarray, upper: float, fore: float) -> dict:
    """Left-arm angles (deg) putting the wrist at ``d`` (shoulder -> wrist, trunk frame, (n, 3)),
    the elbow pointing toward ``bend`` and the forearm's x axis (thumb side) toward ``thumb``.

    Two-link inverse kinematics, then the upper arm's rotation relative to the trunk split into
    the skeleton's z-x-z angles (plane, elevation, axial rotation) and the forearm rotation.
    """
    r = np.linalg.norm(d, axis=1, keepdims=True)
    e = d / r
    cos_b = np.clip((upper**2 + r**2 - fore**2) / (2 * upper * r), -1.0, 1.0)
    n = bend - np.sum(bend * e, axis=1, keepdims=True) * e
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    u = cos_b * e + np.sqrt(1.0 - cos_b**2) * n                     # shoulder -> elbow
    f = (d - upper * u) / fore                                       # elbow -> wrist
    flex = np.arccos(np.clip(np.sum(u * f, axis=1), -1.0, 1.0))
    z = -u
    y = np.cross(e, n)
    y /= np.linalg.norm(y, axis=1, keepdims=True)
    x = np.cross(y, z)
    elev = np.arccos(np.clip(z[:, 2], -1.0, 1.0))
    plane = -np.unwrap(np.arctan2(z[:, 0], -z[:, 1]))
    rot = -np.unwrap(np.arctan2(x[:, 2], y[:, 2]))
    fx = np.cos(flex)[:, None] * x + np.sin(flex)[:, None] * z
    pron = np.unwrap(np.arctan2(np.sum(thumb * y, axis=1), np.sum(thumb * fx, axis=1)))
    return {k: np.degrees(a) for k, a in
            dict(plane=plane, elev=elev, rot=rot, elbow=flex, pron=pron).items()}


def _mid_joint(kin, name: str) -> np.ndarray:
    """Midpoint (n, 3) of the left and right joints called ``name``."""
    return 0.5 * (kin.joints[:, JOINT_INDEX[f"left_{name}"]] + kin.joints[:, JOINT_INDEX[f"right_{name}"]])


def doing_push_ups(sc: Scene) -> Pose:
    """Push-ups: a straight body in a plank, face down, supported on the hands and the toes (or
    the knees), lowered and pushed back up every 1.5-3 s.

    The body pivots about the toes: the chest moves 0.2-0.3 m up and down while the hands stay
    planted on the floor. Sensors feel gravity along the body's front-back axis; the head and
    chest see a slow vertical oscillation and a small pitch, the wrist is almost still in
    position but its forearm tilts as the elbow bends.
    """
    pose = Pose(planted=False)
    kneeling = sc.rng.random() < 0.2
    depth = _plank(sc, pose, kneeling)
    joint, pivot_z, hands = _pivot_pitch(sc, pose, kneeling, depth)
    _planted_hands(sc, pose, joint, pivot_z, depth, *hands)
    return pose


def _plank(sc: Scene, pose: Pose, kneeling: bool) -> np.ndarray:
    """The body line and head over the reps; returns the depth of each moment (0 top, 1 bottom)."""
    phase, _, _ = rhythm(sc, 0.45, rel_spread=0.18, jitter=0.06)
    # Down and up, flattened at the top by a smooth polynomial (a pause before the next rep).
    down = 0.5 - 0.5 * np.cos(phase)
    pause = sc.uniform(0.0, 0.5)
    depth = ((1.0 - pause) * down + pause * down**2) * wobble(sc.rng, sc.n, sc.rate_hz, 0.08)
    # Body line: a slight pike or sag at the hips, straight knees (or kneeling with shins up).
    pike = sc.uniform(-6, 10)
    for side in ("l", "r"):
        pose.add(f"{side}_hip_flex", deg(pike + (10 if kneeling else 0) + 1.5 * depth))
        pose.add(f"{side}_knee", deg(sc.uniform(95, 115) if kneeling else sc.uniform(0, 6)))
        pose.add(f"{side}_hip_abd", deg(sc.uniform(2, 8)))
    pose.add("trunk_flex", deg(-0.5 * pike + sc.uniform(-3, 3)))
    look = sc.uniform(-30, 0)                       # 0 = face to the floor, - = looking ahead
    pose.add("head_flex", deg(look - 8 * depth))
    ambient(sc, pose, level=0.15, free_arms=(), gaze=0.15)

    return depth


def _pivot_pitch(sc: Scene, pose: Pose, kneeling: bool, depth: np.ndarray) -> tuple:
    """Pitch the body about the toes (or knees) so the shoulders fall and rise with ``depth``;
    returns the pivot joint, its height and the hand placement (wrist height, spread, ahead)."""
    v, body = sc.subject.vigor, sc.subject.body
    # Pivot height: ankles on the toes, or knees on the floor.
    joint = "knee" if kneeling else "ankle"
    pivot_z = 0.05 if kneeling else body.ankle_height + sc.uniform(0.03, 0.06)
    kin0 = forward_kinematics(pose.angles, body, sc.n)
    vec = _mid_joint(kin0, "shoulder") - _mid_joint(kin0, joint)  # upright frame, pitch not yet set
    length = np.hypot(vec[:, 0], vec[:, 2])
    offset = np.arctan2(vec[:, 0], vec[:, 2])

    # Shoulder heights: arms nearly straight at the top, elbows bent 95-125 deg at the bottom.
    upper, fore = body.upper_arm, body.forearm
    wrist_z = sc.uniform(0.04, 0.06)
    spread = sc.uniform(0.03, 0.18)                 # hands wider than the shoulders
    ahead = sc.uniform(-0.04, 0.06)                 # hands ahead of the shoulders at the top
    reach_top = upper**2 + fore**2 + 2 * upper * fore * np.cos(deg(sc.uniform(8, 15)))      # squared
    reach_bottom = upper**2 + fore**2 + 2 * upper * fore * np.cos(deg(sc.uniform(110, 125)))
    top = wrist_z + np.sqrt(reach_top - spread**2 - ahead**2)
    bottom_min = wrist_z + np.sqrt(max(reach_bottom - spread**2 - (ahead + 0.08) ** 2, 0.01))
    drop = min(sc.uniform(0.2, 0.3) * body.height / 1.75 * min(v, 1.1), top - bottom_min)
    shoulder_z = top - drop * depth
    pitch = np.arccos(np.clip((shoulder_z - pivot_z) / length, -1.0, 1.0)) - offset
    pose.add("pelvis_pitch", pitch)

    return joint, pivot_z, (wrist_z, spread, ahead)


def _planted_hands(sc: Scene, pose: Pose, joint: str, pivot_z: float, depth: np.ndarray,
                   wrist_z: float, spread: float, ahead: float) -> None:
    """Place the body on its pivot and solve both arms so the hands stay on the floor."""
    body = sc.subject.body
    upper, fore = body.upper_arm, body.forearm
    kin = forward_kinematics(pose.angles, body, sc.n)
    root = np.zeros((sc.n, 3))
    root[:, 0] = -_mid_joint(kin, joint)[:, 0]
    root[:, 2] = pivot_z - _mid_joint(kin, joint)[:, 2]
    pose.root = root
    trunk = np.stack(kin.axes["trunk"], axis=-1)                    # (n, 3, 3) world-from-trunk
    k_top = int(np.argmin(depth))
    flare, turn_out = sc.uniform(15, 70), sc.uniform(0, 25)       # elbows out, fingers out (deg)
    for side, word, m in (("l", "left", 1.0), ("r", "right", -1.0)):
        shoulder = kin.joints[:, JOINT_INDEX[f"{word}_shoulder"]] + root
        hand = np.array([shoulder[k_top, 0] + ahead, shoulder[k_top, 1] + m * spread, wrist_z])
        d_t = np.einsum("nij,ni->nj", trunk, hand - shoulder)       # in the trunk frame
        elbow_out, hand_out = deg(flare + sc.rng.normal(0, 4)), deg(turn_out + sc.rng.normal(0, 4))
        bend_t = np.array([-0.4, m * np.sin(elbow_out), -np.cos(elbow_out)])   # back (and out, and up)
        thumb_w = np.array([np.sin(hand_out), -m * np.cos(hand_out), 0.0])      # thumbs point in
        thumb_t = np.einsum("nij,i->nj", trunk, thumb_w)
        mirror = np.array([1.0, m, 1.0])
        angles = _arm_reach(d_t * mirror, np.broadcast_to(bend_t * mirror, d_t.shape), thumb_t * mirror,
                            upper, fore)
        pose.set_arm(side, **angles)
