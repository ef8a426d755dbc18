"""Ball games: kicking a ball (a foot-locked stride and a swing) and throwing one (a whipping arm)."""

from __future__ import annotations

import numpy as np

from aura_edge.synth.motion import deg, gaussian_bump, plateau
from aura_edge.synth.posture import Pose, Scene, ambient
from aura_edge.synth.sports.motion_helpers import Legs, event_times, foot_locked_root, step_up


def kicking_a_ball(sc: Scene) -> Pose:
    """Football practice: standing over the ball, a few small steps, and every 1.5-4 s a kick with
    the dominant leg (shot with the instep or side-foot pass).

    The kick is a backswing with the knee flexed, a fast hip flexion with the knee snapping
    straight at contact, a follow-through and the leg coming back down; the support knee bends,
    the trunk leans back and the arms go out for balance. A thigh or ankle sensor on the kicking
    leg sees the swing, the head and chest see the lean and the pelvis rotation.
    """
    pose = Pose(planted=False)
    kd, ko = sc.dom, sc.off
    legs = Legs(sc)
    window, pelvis, lean, hip_rot = _kicks(sc, legs, kd, ko)
    _kicking_body(sc, pose, legs, kd, ko, window, pelvis, lean, hip_rot)
    return pose


def _kicks(sc: Scene, legs: Legs, kd: str, ko: str) -> tuple[np.ndarray, ...]:
    """The kicking leg's swings (and steps to and from the ball); returns when the kick is on
    (window), the pelvis turn, the trunk lean and the kicking hip's outward rotation."""
    s, v = sc.subject, sc.subject.vigor
    t = sc.t
    window = np.zeros(sc.n)
    pelvis = np.zeros(sc.n)
    lean = np.zeros(sc.n)
    hip_rot = np.zeros(sc.n)
    contacts = event_times(sc, (1.5, 4.0))
    pos, last_end = 0, -np.inf
    for i, tc in enumerate(contacts):
        next_start = contacts[i + 1] - 0.6 if i + 1 < len(contacts) else np.inf
        shot = sc.rng.random() < 0.55
        speed = sc.uniform(0.85, 1.15) / min(max(v, 0.8), 1.25)
        # Approach: a step toward the ball when there is time for it.
        dur = sc.uniform(0.22, 0.28) / s.tempo
        if tc - 0.65 - 3.5 * dur > last_end + 0.1 and sc.rng.random() < 0.6:
            legs.step_pair(ko, tc - 0.65 - 3.5 * dur, sc.uniform(12, 22), dur=dur)
            pos += 1
        hb = (sc.uniform(25, 40) if shot else sc.uniform(10, 25)) * min(v, 1.2)
        hf = (sc.uniform(55, 75) if shot else sc.uniform(30, 45)) * min(v, 1.2)
        kb = sc.uniform(85, 110) if shot else sc.uniform(45, 70)
        kc, kr = sc.uniform(8, 20), sc.uniform(15, 30)
        tf, tk = (0.045 if shot else 0.07) * speed, (0.032 if shot else 0.05) * speed
        legs.hip[kd] += (-hb * step_up(t, tc - 0.3, 0.06) + (hb + hf) * step_up(t, tc - 0.04, tf)
                         - hf * step_up(t, tc + 0.45, 0.1))
        legs.knee[kd] += (kb * step_up(t, tc - 0.3, 0.06) - (kb - kc) * step_up(t, tc - 0.02, tk)
                          + kr * step_up(t, tc + 0.3, 0.07) - (kc + kr) * step_up(t, tc + 0.55, 0.08))
        legs.lift[kd] += plateau(t, tc - 0.55, tc + 0.95, 0.03)     # the leg is still at both ends
        w = plateau(t, tc - 0.35, tc + 0.55, 0.08)
        window += w
        if not shot:                               # side-foot: hip turned out, foot sideways
            hip_rot += sc.uniform(25, 40) * w
        turn = sc.uniform(15, 30) * min(v, 1.2)
        pelvis += (0.4 * turn * step_up(t, tc - 0.3, 0.08) - turn * step_up(t, tc - 0.05, 0.06)
                   + 0.6 * turn * step_up(t, tc + 0.45, 0.15))
        lean += sc.uniform(6, 15) * plateau(t, tc - 0.15, tc + 0.45, 0.08)
        last_end = tc + 1.0
        dur = sc.uniform(0.24, 0.3) / s.tempo
        if pos > 0 and tc + 1.05 + 3.5 * dur < next_start and sc.rng.random() < 0.6:   # back to where the ball returns
            last_end = legs.step_pair(kd, tc + 1.05, -sc.uniform(10, 18), dur=dur)
            pos -= 1
    return window, pelvis, lean, hip_rot


def _kicking_body(sc: Scene, pose: Pose, legs: Legs, kd: str, ko: str, window: np.ndarray, pelvis: np.ndarray,
                  lean: np.ndarray, hip_rot: np.ndarray) -> None:
    """The support leg, trunk, head and arms around the kicks; sets the root."""
    s, v = sc.subject, sc.subject.vigor
    legs.knee[ko] += sc.uniform(10, 20) * window   # support knee bends under the kick
    legs.hip[ko] += sc.uniform(5, 10) * window
    base_knee = sc.uniform(4, 12)
    for side in ("l", "r"):
        legs.knee[side] += base_knee
        legs.hip[side] += 0.5 * base_knee
        pose.add(f"{side}_hip_abd", deg(sc.uniform(3, 8)))
    pose.add(f"{kd}_hip_rot", deg(-hip_rot))
    legs.apply(pose)
    # + pelvis = the kicking hip comes forward; dom_y mirrors it for left-footers.
    pelvis_rad = deg(pelvis) * -sc.dom_y
    pose.add("pelvis_yaw", pelvis_rad)
    pose.add("trunk_twist", -0.6 * pelvis_rad)
    pose.add("head_turn", -0.3 * pelvis_rad)
    pose.add("pelvis_roll", deg(sc.dom_y * 4.0) * window)
    pose.add("trunk_flex", deg(s.lean_deg + sc.uniform(0, 8) - lean))
    pose.add("head_flex", deg(s.head_pitch_deg + sc.uniform(15, 30) + 0.6 * lean))   # eyes on the ball
    # Arms: relaxed, going out for balance during the kick (the one opposite the kick leads).
    balance = np.clip(window, 0.0, 1.0)
    pose.set_arm(ko, plane=sc.uniform(30, 60), elev=12 + sc.uniform(45, 75) * balance * min(v, 1.2), rot=5,
                 elbow=20 + 20 * balance, pron=10)
    pose.set_arm(kd, plane=sc.uniform(-10, 20), elev=10 + sc.uniform(25, 45) * balance, rot=-10,
                 elbow=20 + 15 * balance, pron=10)
    root = foot_locked_root(sc, pose, legs.lift)
    root[:, :2] += 0.008 * s.sway * np.stack([sc.noise(0.5, 0.05), sc.noise(0.5, 0.05)], 1)
    pose.root = root
    ambient(sc, pose, level=0.5, free_arms=(), gaze=0.4)


# Throwing-arm keyframes (deg): holding the ball, cocked behind the head, release, follow-through.
THROW = {
    "hold": dict(plane=80, elev=20, rot=10, elbow=70, pron=40),
    "cocked": dict(plane=5, elev=95, rot=-95, elbow=95, pron=20),
    "release": dict(plane=85, elev=100, rot=5, elbow=25, pron=60),
    "follow": dict(plane=140, elev=50, rot=40, elbow=35, pron=80),
}
# Time constants (s) and centres relative to release of the forward whip, joint by joint
# (shoulder before elbow before forearm: the kinetic chain).
WHIP = {"plane": (0.07, -0.07), "elev": (0.07, -0.05), "rot": (0.05, -0.02), "elbow": (0.055, -0.035),
        "pron": (0.05, -0.01)}
OFF_ARM = {
    "hold": dict(plane=70, elev=25, rot=20, elbow=60, pron=40),
    "cocked": dict(plane=85, elev=85, rot=0, elbow=15, pron=30),
    "release": dict(plane=40, elev=35, rot=20, elbow=90, pron=40),
    "follow": dict(plane=20, elev=25, rot=10, elbow=80, pron=30),
}


def throwing_a_ball(sc: Scene) -> Pose:
    """Overarm throws (baseball, handball) every 3-6 s: the ball is taken back and up behind the
    head while the opposite leg strides forward, the pelvis and trunk rotate hard toward the
    target, the arm whips through (logistic steps of 50-80 ms) and follows through across the
    body; between throws the thrower walks back a few steps.

    The throwing wrist gets the largest and fastest peak of all activities here; the head and
    chest see the stride, the fast trunk rotation and the forward bend of the follow-through.
    """
    s = sc.subject
    pose = Pose(planted=False)
    dom, off = sc.dom, sc.off
    legs = Legs(sc)
    arm = {k: np.full(sc.n, float(THROW["hold"][k])) for k in THROW["hold"]}
    other = {k: np.full(sc.n, float(OFF_ARM["hold"][k])) for k in OFF_ARM["hold"]}
    twist, yaw, flex = np.zeros(sc.n), np.zeros(sc.n), np.zeros(sc.n)
    slot = sc.uniform(-25, 5)                      # three-quarter (lower) or straight overarm
    releases = event_times(sc, (3.0, 6.0), lead=1.0)
    for tr in releases:
        speed, size = _whip_arms(sc, arm, other, tr, slot)
        turn = _trunk_turn(sc, tr, speed, size)
        twist, yaw, flex = twist + turn[0], yaw + turn[1], flex + turn[2]
        _stride(sc, legs, dom, off, tr, size)
        _walk_back(sc, legs, dom, off, tr, releases, s.tempo)
    _throwing_body(sc, pose, legs, dom, off, arm, other, twist, yaw, flex)
    return pose


def _whip_arms(sc: Scene, arm: dict, other: dict, tr: float, slot: float) -> tuple[float, float]:
    """Both arms through one throw released at ``tr``; returns its speed and size factors."""
    v, t = sc.subject.vigor, sc.t
    speed = float(np.clip(sc.uniform(0.95, 1.25) / v, 0.95, 1.5))   # x the time constants
    size = sc.uniform(0.8, 1.1) * min(v, 1.2)
    keys = {name: dict(pose_) for name, pose_ in THROW.items()}
    keys["release"]["elev"] += slot
    keys["follow"]["elev"] += 0.5 * slot
    for k in arm:
        tau, centre = WHIP[k]
        arm[k] += ((keys["cocked"][k] - keys["hold"][k]) * step_up(t, tr - 0.55 * speed, 0.12 * speed)
                   + (keys["release"][k] - keys["cocked"][k]) * step_up(t, tr + centre * speed, tau * speed)
                   + (keys["follow"][k] - keys["release"][k]) * step_up(t, tr + 0.12, 0.07 * speed)
                   + (keys["hold"][k] - keys["follow"][k]) * step_up(t, tr + 0.75, 0.15))
        other[k] += ((OFF_ARM["cocked"][k] - OFF_ARM["hold"][k]) * step_up(t, tr - 0.55 * speed, 0.12)
                     + (OFF_ARM["release"][k] - OFF_ARM["cocked"][k]) * step_up(t, tr - 0.08, 0.08)
                     + (OFF_ARM["follow"][k] - OFF_ARM["release"][k]) * step_up(t, tr + 0.15, 0.08)
                     + (OFF_ARM["hold"][k] - OFF_ARM["follow"][k]) * step_up(t, tr + 0.8, 0.15))
    return speed, size


def _trunk_turn(sc: Scene, tr: float, speed: float, size: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(trunk twist, pelvis yaw, trunk flexion) of one throw, in degrees."""
    t = sc.t
    # Trunk and pelvis: turned away, then rotating hard toward the target ahead of the arm.
    back = sc.uniform(25, 40) * size
    through = sc.uniform(20, 35) * size
    twist = (-back * step_up(t, tr - 0.55 * speed, 0.12)
             + (back + through) * step_up(t, tr - 0.08 * speed, 0.075 * speed)
             - through * step_up(t, tr + 0.8, 0.15))
    side_on = sc.uniform(30, 50)
    yaw = (-side_on * step_up(t, tr - 0.6 * speed, 0.12) + (side_on + 15) * step_up(t, tr - 0.13 * speed, 0.08)
           - 15 * step_up(t, tr + 0.85, 0.15))
    bow = sc.uniform(15, 35) * size
    flex = (-8 * step_up(t, tr - 0.5, 0.1) + (8 + bow) * step_up(t, tr - 0.02, 0.08)
            - bow * step_up(t, tr + 0.7, 0.15))
    return twist, yaw, flex


def _stride(sc: Scene, legs: Legs, dom: str, off: str, tr: float, size: float) -> None:
    """Stride with the opposite leg, weight forward, back foot comes through, square up."""
    t = sc.t
    stride = sc.uniform(18, 30) * size
    legs.lift[off] += plateau(t, tr - 0.64, tr - 0.16, 0.02)
    legs.hip[off] += (stride * step_up(t, tr - 0.4, 0.05) - 0.6 * stride * step_up(t, tr + 0.05, 0.08)
                      - 0.4 * stride * step_up(t, tr + 0.95, 0.09))
    bend = sc.uniform(10, 25)                  # front knee takes the weight, both bend after
    legs.knee[off] += sc.uniform(30, 50) * gaussian_bump(t, tr - 0.4, 0.07) + bend * plateau(t, tr - 0.2, tr + 0.9, 0.08)
    legs.knee[dom] += bend * plateau(t, tr + 0.4, tr + 0.9, 0.08)
    legs.hip[dom] += (-0.6 * stride * step_up(t, tr + 0.05, 0.08) + stride * step_up(t, tr + 0.46, 0.045)
                      - 0.4 * stride * step_up(t, tr + 0.95, 0.09))
    legs.lift[dom] += plateau(t, tr + 0.27, tr + 0.65, 0.02)
    legs.knee[dom] += sc.uniform(30, 50) * gaussian_bump(t, tr + 0.46, 0.055)


def _walk_back(sc: Scene, legs: Legs, dom: str, off: str, tr: float, releases: np.ndarray, tempo: float) -> None:
    """Walking back a few steps before the next throw."""
    t0 = tr + 1.35
    nxt = releases[releases > tr]
    limit = (nxt[0] if len(nxt) else np.inf) - 1.0
    first = dom
    for _ in range(int(sc.rng.integers(1, 4))):
        dur = sc.uniform(0.24, 0.3) / tempo
        if t0 + 3.5 * dur > limit:
            break
        t0 = legs.step_pair(first, t0, -sc.uniform(12, 20), dur=dur, knee=30) + 0.05
        first = off if first == dom else dom


def _throwing_body(sc: Scene, pose: Pose, legs: Legs, dom: str, off: str, arm: dict, other: dict,
                   twist: np.ndarray, yaw: np.ndarray, flex: np.ndarray) -> None:
    """Knees, arms, trunk and head of the whole session; sets the root."""
    s = sc.subject
    knee = sc.uniform(4, 12)
    for side in ("l", "r"):
        legs.knee[side] += knee
        legs.hip[side] += 0.5 * knee
        pose.add(f"{side}_hip_abd", deg(sc.uniform(3, 8)))
    legs.apply(pose)
    pose.set_arm(dom, **arm)
    pose.set_arm(off, **other)
    # + twist / yaw = the throwing shoulder comes forward (mirrored for left-handers).
    mirror = -sc.dom_y
    pose.add("trunk_twist", deg(twist) * mirror)
    pose.add("pelvis_yaw", deg(yaw) * mirror)
    pose.add("head_turn", -0.8 * deg(twist + yaw) * mirror)          # eyes stay on the target
    pose.add("trunk_bend", deg(-0.15 * twist) * mirror)              # leaning away from the arm
    pose.add("trunk_flex", deg(s.lean_deg + flex))
    pose.add("head_flex", deg(s.head_pitch_deg - 0.7 * flex))
    root = foot_locked_root(sc, pose, legs.lift)
    root[:, :2] += 0.006 * s.sway * np.stack([sc.noise(0.5, 0.05), sc.noise(0.5, 0.05)], 1)
    pose.root = root
    ambient(sc, pose, level=0.4, free_arms=(), gaze=0.3)
