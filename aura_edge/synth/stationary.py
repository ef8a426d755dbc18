"""Postures and in-place exercises: standing, sitting, lying down, squatting, sit-to-stand.

Each function takes a Scene and returns a Pose. Angles are written in degrees for readability.
What separates these for a head sensor is mostly how the head is oriented (gravity direction),
how much the body sways, and for squats the large slow vertical motion; for a wrist sensor it is
also how the forearm hangs or rests.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from aura_edge.synth.motion import deg, smooth_targets, vm_bump
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm, stand

# Arm postures (plane, elevation, internal rotation, elbow, pronation) in degrees.
STANDING_ARMS = {
    "hanging": dict(plane=80, elev=6, rot=5, elbow=12, pron=0),
    "clasped": dict(plane=90, elev=18, rot=45, elbow=65, pron=40),
    "hips": dict(plane=15, elev=40, rot=75, elbow=105, pron=20),
    "crossed": dict(plane=95, elev=25, rot=70, elbow=115, pron=10),
    "pockets": dict(plane=60, elev=12, rot=20, elbow=35, pron=30),
}
SITTING_ARMS = {
    "thighs": dict(plane=90, elev=22, rot=10, elbow=55, pron=70),
    "desk": dict(plane=85, elev=28, rot=15, elbow=90, pron=80),
    "phone": dict(plane=80, elev=15, rot=30, elbow=118, pron=35),
    "armrest": dict(plane=45, elev=22, rot=0, elbow=85, pron=50),
}


def standing(sc: Scene) -> Pose:
    pose = Pose()
    style = sc.choice({"hanging": 0.5, "clasped": 0.15, "hips": 0.1, "crossed": 0.15, "pockets": 0.1})
    for side in ("l", "r"):
        arm = {k: v + sc.rng.normal(0, 4) for k, v in STANDING_ARMS[style].items()}
        pose.set_arm(side, **arm)
    stand(sc, pose, knee_deg=sc.uniform(2, 8))
    pose.add("trunk_flex", deg(sc.subject.lean_deg * 0.5 + sc.rng.normal(0, 2)))
    pose.add("head_flex", deg(sc.subject.head_pitch_deg + sc.rng.normal(0, 3)))
    ambient(sc, pose, level=1.0)
    return pose


def sitting(sc: Scene) -> Pose:
    """Seated on a chair, feet on the floor; slouched or upright, often looking down at something."""
    pose = Pose()
    style = sc.choice({"thighs": 0.3, "desk": 0.3, "phone": 0.25, "armrest": 0.15})
    pelvis = sc.uniform(-18, 2)                       # posterior tilt when slouching
    lean = {"thighs": sc.uniform(-8, 12), "desk": sc.uniform(10, 28), "phone": sc.uniform(0, 20),
            "armrest": sc.uniform(-12, 6)}[style]     # trunk angle from vertical
    look = {"thighs": sc.uniform(5, 25), "desk": sc.uniform(20, 40), "phone": sc.uniform(30, 50),
            "armrest": sc.uniform(0, 20)}[style]      # head pitch in the world (+ down)
    # The thigh's pitch in the world is pelvis pitch minus hip flexion: level thighs on the seat
    # need hip flexion 90° + pelvis pitch (less when slouched), and a knee of ~90° over the feet.
    hip = 90 + pelvis + sc.rng.normal(0, 6)
    for side in ("l", "r"):
        pose.add(f"{side}_hip_flex", deg(hip + sc.rng.normal(0, 4)))
        pose.add(f"{side}_knee", deg(hip - pelvis + sc.rng.normal(0, 10)))
        pose.add(f"{side}_hip_abd", deg(sc.uniform(2, 12)))
        arm = {k: v + sc.rng.normal(0, 5) for k, v in SITTING_ARMS[style].items()}
        arm["elev"] = arm["elev"] + 0.5 * lean
        pose.set_arm(side, **arm)
    if style in ("desk", "phone"):   # typing, using a mouse, scrolling: small busy hand motions
        for side in ("l", "r"):
            pose.add(f"{side}_pron", deg(sc.uniform(0.5, 2.0)) * sc.noise(2.5, 0.3))
            pose.add(f"{side}_elbow", deg(sc.uniform(0.5, 1.5)) * sc.noise(2.0, 0.3))
    pose.add("pelvis_pitch", deg(pelvis))
    # Shifting in the seat: leaning back and forth every now and then.
    pose.add("trunk_flex", deg(lean - pelvis + smooth_targets(sc.rng, sc.t, 0.05 * sc.subject.fidget, 4.0, 0.4)))
    pose.add("head_flex", deg(look - lean + 0.5 * sc.subject.head_pitch_deg))
    pose.add("pelvis_yaw", deg(smooth_targets(sc.rng, sc.t, 0.03, 5.0, 0.5)))
    root = np.zeros((sc.n, 3))
    root[:, :2] = 0.002 * np.stack([sc.noise(0.3), sc.noise(0.3)], 1)  # the chair holds the hips
    pose.root = root
    ambient(sc, pose, level=0.7)
    return pose


def lying_down(sc: Scene) -> Pose:
    """On a bed or sofa: on the back, on a side or on the front; breathing and small movements."""
    pose = Pose(planted=False)
    style = sc.choice({"back": 0.5, "side": 0.35, "front": 0.15})
    side_sign = 1.0 if sc.rng.random() < 0.5 else -1.0   # which side is down
    if style == "back":
        pose.add("pelvis_pitch", deg(-90 + sc.rng.normal(0, 5)))
        pose.add("head_flex", deg(sc.uniform(5, 35)))   # pillow
    elif style == "front":
        pose.add("pelvis_pitch", deg(88 + sc.rng.normal(0, 4)))
        pose.add("head_turn", deg(side_sign * sc.uniform(60, 85)))
        pose.add("head_flex", deg(-sc.uniform(0, 15)))
    else:
        pose.add("pelvis_roll", deg(side_sign * (85 + sc.rng.normal(0, 6))))
        pose.add("head_bend", deg(-side_sign * sc.uniform(0, 15)))
    curl = sc.uniform(20, 60) if style == "side" else sc.uniform(0, 25)
    phone = style == "back" and sc.rng.random() < 0.3
    for side in ("l", "r"):
        pose.add(f"{side}_hip_flex", deg(curl + sc.rng.normal(0, 5)))
        pose.add(f"{side}_knee", deg(1.3 * curl + sc.rng.normal(5, 5)))
        pose.set_arm(side, **_lying_arm(sc, style, phone))
    breath_hz = sc.uniform(0.2, 0.33)
    phase = 2 * np.pi * breath_hz * sc.t + sc.uniform(0, 2 * np.pi)
    pose.add("trunk_flex", deg(0.6) * np.sin(phase))
    pose.add("pelvis_yaw", sc.uniform(0, 2 * np.pi))
    root = np.zeros((sc.n, 3))
    root[:, 2] = sc.uniform(0.12, 0.5) + 0.002 * np.sin(phase)   # floor, bed or sofa
    pose.root = root
    ambient(sc, pose, level=0.35, gaze=0.5)
    return pose


def _lying_arm(sc: Scene, style: str, phone: bool) -> dict:
    """Where arms rest when lying: on the bed beside the body, on the belly, in front of the body
    when on a side, or up holding a phone above the face. Forearms mostly lie flat."""
    if phone:
        return dict(plane=85, elev=65, rot=20, elbow=80, pron=60)
    if style == "side":
        return dict(plane=85, elev=sc.uniform(45, 90), rot=sc.uniform(0, 30), elbow=sc.uniform(30, 100),
                    pron=sc.uniform(0, 60))
    if style == "back" and sc.rng.random() < 0.4:   # hand on the belly
        return dict(plane=80, elev=sc.uniform(10, 25), rot=sc.uniform(70, 90), elbow=sc.uniform(75, 100), pron=40)
    return dict(plane=sc.uniform(0, 30), elev=sc.uniform(5, 35), rot=sc.uniform(-10, 30), elbow=sc.uniform(0, 40),
                pron=sc.uniform(0, 60))


def squatting(sc: Scene) -> Pose:
    """Repeated squats: a deep, slow vertical movement with the trunk leaning and the head tilting."""
    pose = Pose()
    phase, _, _ = rhythm(sc, 0.38, rel_spread=0.15)
    depth = sc.uniform(0.55, 1.0) * min(sc.subject.vigor, 1.1)
    # Down-up cycle with a short pause standing: s is 0 upright and 1 at the bottom.
    s = (0.5 - 0.5 * np.cos(phase)) ** 1.3 * depth
    for side in ("l", "r"):
        pose.add(f"{side}_knee", deg(6 + 115 * s))
        pose.add(f"{side}_hip_flex", deg(4 + 80 * s))
        pose.add(f"{side}_hip_abd", deg(8 + 5 * s))
        pose.add(f"{side}_hip_rot", deg(-10))
    trunk_pitch = 3 + 28 * s + sc.subject.lean_deg + 12 * s     # from vertical, in the world
    pose.add("pelvis_pitch", deg(3 + 28 * s))
    pose.add("trunk_flex", deg(sc.subject.lean_deg + 12 * s))
    pose.add("head_flex", deg(sc.subject.head_pitch_deg - 25 * s))   # keep looking ahead
    style = sc.choice({"forward": 0.6, "hips": 0.1, "chest": 0.22, "head": 0.08})
    for side in ("l", "r"):
        if style == "forward":
            # Arms rise to horizontal at the bottom, for balance; elevation is measured from the
            # trunk, which is leaning forward, so add its pitch back.
            pose.set_arm(side, plane=88, elev=10 + 80 * s / depth + trunk_pitch, rot=10, elbow=10, pron=80)
        elif style == "hips":
            pose.set_arm(side, **STANDING_ARMS["hips"])
        elif style == "chest":
            pose.set_arm(side, plane=90, elev=35, rot=55, elbow=125, pron=30)
        else:
            pose.set_arm(side, plane=20, elev=130, rot=-60, elbow=140, pron=0)
    stand(sc, pose, knee_deg=0.0, sway=0.4)
    ambient(sc, pose, level=0.6, free_arms=(), gaze=0.4)
    return pose


def standing_up_and_sitting_down(sc: Scene) -> Pose:
    """Repeated sit-to-stand from a chair (3-6 s per cycle): seated, the trunk leans forward, the
    hips leave the seat as the knees move over the toes, the body rises to standing, holds briefly
    and sits back down more slowly, leaning forward again to lower onto the seat.

    The legs are built in the world: thigh angle from vertical ``thigh`` and forward tilt of the
    shank ``shank`` (knee = thigh + shank, hip flexion = thigh + pelvis tilt), with the feet
    planted. The thigh turns monotonically from horizontal to vertical and the knees' forward
    excursion is kept small enough that the hip height only ever rises from seated to standing:
    the hips never sink below the seat.
    """
    s = sc.subject
    pose = Pose()
    phase, _, _ = rhythm(sc, 0.22, rel_spread=0.12, jitter=0.05)
    # Up is quicker than down: warp the phase so time runs fast around the rise (at -pi/2).
    warped = phase + sc.uniform(0.1, 0.25) * np.sin(phase + 0.5 * np.pi)
    sharp, hold = sc.uniform(2.0, 3.0), sc.uniform(0.0, 0.3)        # transition sharpness; > 0 sits longer
    lo, hi = expit(sharp * (-1.0 - hold)), expit(sharp * (1.0 - hold))
    up = (expit(sharp * (np.cos(warped) - hold)) - lo) / (hi - lo)  # 0 seated ... 1 standing (at phase 0)
    # Forward lean peaks just before seat-off and again as the hips reach back down to the seat.
    cross = np.arccos(np.clip(hold + logit(lo + 0.15 * (hi - lo)) / sharp, -1.0, 1.0))
    lean_peak = sc.uniform(25, 45) * min(s.vigor, 1.2)
    bend = (vm_bump(warped, -cross - 0.15, 3.0) + 0.8 * vm_bump(warped, cross + 0.1, 3.0)) * (1.0 - 0.8 * up)
    seat_tilt = sc.uniform(-12, 0)                        # posterior pelvic tilt when seated
    pelvis = seat_tilt * (1 - up) + 3 * up + 0.45 * lean_peak * bend
    trunk = (sc.uniform(-5, 10) * (1 - up) + (s.lean_deg + 1) * up + lean_peak * bend)   # from vertical
    thigh_seat, shank_seat, shank_stand = sc.uniform(82, 98), sc.uniform(8, 18), sc.uniform(2, 6)
    thigh = thigh_seat * (1 - up) + sc.uniform(2, 6) * up
    shank = shank_seat + (shank_stand - shank_seat) * up + sc.uniform(5, 12) * 6.75 * up * (1 - up) ** 2
    spread = sc.uniform(3, 12)
    for side in ("l", "r"):
        pose.add(f"{side}_hip_flex", deg(thigh + pelvis))
        pose.add(f"{side}_knee", deg(thigh + shank))
        pose.add(f"{side}_hip_abd", deg(spread * (1 - up) + 2 * up))
    pose.add("pelvis_pitch", deg(pelvis))
    pose.add("trunk_flex", deg(trunk - pelvis))
    pose.add("head_flex", deg(s.head_pitch_deg + sc.uniform(0, 15) - 0.7 * trunk))   # eyes stay ahead
    pose.add("pelvis_yaw", deg(smooth_targets(sc.rng, sc.t, 0.03, 4.0, 0.5)))
    style = sc.choice({"crossed": 0.4, "thighs": 0.3, "forward": 0.2, "hanging": 0.1})
    reach = bend / max(float(bend.max()), 1e-6)
    for side in ("l", "r"):
        if style == "crossed":    # arms folded over the chest, as in a chair-stand test
            pose.set_arm(side, **{k: v + sc.rng.normal(0, 4) for k, v in STANDING_ARMS["crossed"].items()})
        elif style == "thighs":   # hands on the thighs, pushing off them, then hanging at the sides
            seated, standing = SITTING_ARMS["thighs"], STANDING_ARMS["hanging"]
            pose.set_arm(side, **{k: seated[k] * (1 - up) + standing[k] * up for k in seated})
        elif style == "forward":  # arms swing forward to horizontal to carry the body over the feet
            pose.set_arm(side, plane=88, elev=15 + 75 * reach + trunk * reach, rot=-75, elbow=10, pron=0)
        else:
            pose.set_arm(side, plane=80, elev=6 + 0.8 * trunk, rot=5, elbow=12, pron=0)
    root = np.zeros((sc.n, 3))   # the chair holds the hips; standing, the body sways over the feet
    sway = (0.002 + 0.005 * s.sway * up)[:, None]
    root[:, :2] = sway * np.stack([sc.noise(0.4), sc.noise(0.4)], 1)
    pose.root = root
    ambient(sc, pose, level=0.5, free_arms=("l", "r") if style == "hanging" else (), gaze=0.5)
    return pose
