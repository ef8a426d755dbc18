"""Moving through the world: walking (slow, normal, brisk, carrying a box), running, stairs up and
down, jumping, cycling.

The root (mid-hip) really translates: forward along a gently turning heading, with the vertical
motion that each gait has (walking's double bob per stride, running's flight phase, stairs'
rising height, jumps' take-off and landing, a bike's road vibration). Gait phase ``phi`` runs
over one stride (2π = two steps); the right heel strikes at phi = 0 and the left at phi = π.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aura_edge.signals import GRAVITY_MS2
from aura_edge.synth.motion import TAU, bounce_height, deg, impact_ring, integrate, smooth_targets, vm_bump, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm
from aura_edge.synth.stationary import STANDING_ARMS


def _legs(pose: Pose, phi, hip_mean, hip_amp, knee_stance, knee_swing, stance_center=0.13,
          swing_center=0.72, hip_lead=0.1, stance_kappa=4.0, swing_kappa=2.0, fold=0.0) -> None:
    """Sagittal leg angles of a gait, left leg half a stride behind the right. A small
    ``stance_kappa`` spreads the stance-knee flexion over most of the stance (stair descent).
    The swing flexion spans most of the swing (a narrow bump would whip the shank like a flail).
    ``fold`` shares that fraction of the stance-knee flexion with the hip, so thigh and shank fold
    over the planted foot and the ankle rises toward the hip instead of being flung back."""
    for side, offset in (("r", 0.0), ("l", np.pi)):
        p = phi + offset
        stance = knee_stance * vm_bump(p, TAU * stance_center, stance_kappa)
        pose.add(f"{side}_hip_flex", deg(hip_mean + hip_amp * np.cos(p + TAU * hip_lead) + fold * stance))
        pose.add(f"{side}_knee", deg(4 + stance + knee_swing * vm_bump(p, TAU * swing_center, swing_kappa)))


def _foot_strikes(sc: Scene, pose: Pose, phi, omega: float, amp_deg: float) -> None:
    """The shock of each heel strike in the shank (right foot at phi = 0, left at pi), a
    ``impact_ring`` of ``amp_deg`` at 12-18 Hz per person and episode."""
    freq = sc.uniform(12.0, 18.0)
    for side, contact in (("r", 0.0), ("l", np.pi)):
        pose.add(f"{side}_knee", deg(impact_ring(phi, omega, contact, amp_deg, freq)))


def _arm_swing(pose: Pose, sides, phi, amp, elbow_mean, elbow_amp, hip_lead=0.1, rot=10.0) -> None:
    """Arms swing opposite to the leg on their own side. With plane 88 the elbow bends toward the
    midline; an external ``rot`` (negative) turns a well-bent forearm to point forward instead."""
    for side in sides:
        p = phi + (0.0 if side == "r" else np.pi)
        swing = -np.cos(p + TAU * hip_lead)          # +1 = arm forward
        pose.set_arm(side, plane=88, elev=5 + amp * swing, rot=rot, elbow=elbow_mean + elbow_amp * swing, pron=10)


def _path(sc: Scene, speed: np.ndarray, turn_sd_deg: float, turn_rate: float = 0.08) -> tuple[np.ndarray, np.ndarray]:
    """Heading (rad) that holds and then turns smoothly, and the xy path covered at ``speed``."""
    heading = deg(smooth_targets(sc.rng, sc.t, turn_rate, turn_sd_deg, 0.7))
    xy = np.stack([integrate(speed * np.cos(heading), sc.rate_hz),
                   integrate(speed * np.sin(heading), sc.rate_hz)], axis=1)
    return heading, xy


def _pelvis_gait(pose: Pose, phi, yaw_deg, roll_deg, twist_ratio=1.3) -> None:
    """Pelvis rotates and tilts with the swing leg; the thorax counter-rotates and bends against
    the tilt, so the head stays over the body and on target."""
    yaw = deg(yaw_deg) * np.sin(phi)
    pose.add("pelvis_yaw", yaw)
    pose.add("trunk_twist", -twist_ratio * yaw)
    pose.add("head_turn", 0.8 * (twist_ratio - 1.0) * yaw)
    roll = deg(roll_deg) * np.sin(phi + 0.5 * np.pi)
    pose.add("pelvis_roll", roll)
    pose.add("trunk_bend", 0.7 * roll)    # + roll lifts the left hip; bending left brings the trunk back


def _root(sc: Scene, xy, z) -> np.ndarray:
    root = np.empty((sc.n, 3))
    root[:, :2], root[:, 2] = xy, z
    return root


@dataclass(frozen=True)
class WalkStyle:
    """Parameters of a walking gait; (lo, hi) pairs are drawn per episode (equal ends: fixed)."""

    stride_hz: float = 0.93                       # strides (two steps) per second, before tempo
    step_ratio: float = 0.4                       # step length / body height
    step_spread: tuple[float, float] = (0.9, 1.08)
    pace: tuple[float, float] = (0.9, 1.8)        # clip of the speed (m/s): keeps the gait a walk
    hip_mean: float = 8.0
    hip_amp: float = 20.0
    knee_stance: float = 14.0
    knee_swing: float = 55.0
    arm_amp: tuple[float, float] = (12.0, 28.0)   # arm swing (deg), times vigour
    elbow_mean: tuple[float, float] = (18.0, 18.0)
    elbow_amp: float = 10.0
    arm_rot: tuple[float, float] = (10.0, 10.0)
    yaw: float = 5.0                              # pelvis rotation (deg), times vigour
    roll: float = 3.0
    twist_ratio: float = 1.3                      # thorax counter-rotation against the pelvis
    lean: tuple[float, float] = (2.0, 2.0)        # extra forward trunk lean (deg; < 0 leans back)
    look: tuple[float, float] = (0.0, 15.0)       # extra head pitch (deg, + down)
    turn_sd: float = 25.0                         # spread of heading changes (deg)
    sway: float = 0.022                           # lateral excursion of the hips over the stance foot (m)
    surge: float = 0.008                          # fore-aft braking/push-off oscillation (m)
    strike: float = 0.0004                        # heel-strike dip (m): sets the impact transient
    level: float = 0.6                            # ambient motion level
    gaze: float = 0.7


WALK = WalkStyle()
STROLL = WalkStyle(stride_hz=0.75, step_ratio=0.28, pace=(0.5, 0.88), hip_mean=6.0, hip_amp=15.0,
                   knee_stance=10.0, knee_swing=47.0, arm_amp=(4.0, 13.0), elbow_mean=(10.0, 20.0),
                   elbow_amp=5.0, yaw=3.5, roll=2.5, lean=(0.0, 3.0), look=(0.0, 20.0), turn_sd=35.0,
                   sway=0.028, surge=0.005, strike=0.00025, level=0.8, gaze=1.0)
BRISK = WalkStyle(stride_hz=1.05, step_ratio=0.48, step_spread=(0.93, 1.07), pace=(1.55, 2.15),
                  hip_mean=10.0, hip_amp=24.0, knee_stance=18.0, knee_swing=62.0, arm_amp=(24.0, 38.0),
                  elbow_mean=(40.0, 80.0), elbow_amp=15.0, arm_rot=(-60.0, -35.0), yaw=7.0, roll=3.5,
                  twist_ratio=1.4, lean=(3.0, 7.0), look=(0.0, 10.0), turn_sd=15.0, sway=0.017,
                  surge=0.011, strike=0.0007, level=0.4, gaze=0.4)
BOX = WalkStyle(stride_hz=0.82, step_ratio=0.31, pace=(0.6, 1.25), hip_mean=7.0, hip_amp=16.0,
                knee_stance=16.0, knee_swing=50.0, yaw=3.0, roll=3.0, twist_ratio=1.0, lean=(-10.0, -3.0),
                look=(5.0, 25.0), turn_sd=20.0, sway=0.026, surge=0.006, strike=0.0004, level=0.4, gaze=0.4)


def _draw(sc: Scene, span: tuple[float, float]) -> float:
    return span[0] if span[0] == span[1] else sc.uniform(*span)


def walk(sc: Scene, style: WalkStyle = WALK, swing=("l", "r")) -> tuple[Pose, np.ndarray, float]:
    """A walking gait with its root path: legs, pelvis and thorax rotations, head stabilisation,
    the double vertical bob, sideways sway and fore-aft surge. Arms in ``swing`` swing; the others
    are left to the caller. Returns (pose, stride phase, trunk lean added in deg)."""
    s = sc.subject
    pose = Pose(planted=False)
    phi, _, stride_hz = rhythm(sc, style.stride_hz, rel_spread=0.07, jitter=0.03)
    step_len = style.step_ratio * s.body.height * sc.uniform(*style.step_spread) * (1.0 + 0.3 * (s.vigor - 1.0))
    # Tall, brisk people would multiply up to a jog: keep the pace within the style's range.
    pace = float(np.clip(2 * stride_hz * step_len, *style.pace))
    speed = pace * wobble(sc.rng, sc.n, sc.rate_hz, 0.04, 0.2)
    vig = sc.vary(s.vigor, 0.1)
    _legs(pose, phi, hip_mean=style.hip_mean, hip_amp=style.hip_amp * vig, knee_stance=style.knee_stance,
          knee_swing=style.knee_swing, fold=0.5)
    _foot_strikes(sc, pose, phi, TAU * stride_hz, 1000.0 * style.strike * vig)   # 0.25-0.7 deg
    if swing:
        _arm_swing(pose, swing, phi, amp=sc.uniform(*style.arm_amp) * vig, elbow_mean=_draw(sc, style.elbow_mean),
                   elbow_amp=style.elbow_amp, rot=_draw(sc, style.arm_rot))
    _pelvis_gait(pose, phi, yaw_deg=style.yaw * vig, roll_deg=style.roll * vig, twist_ratio=style.twist_ratio)
    # The pelvis tilts with each step; the trunk and head counter-rotate to keep the gaze steady.
    lean = _draw(sc, style.lean)
    pose.add("pelvis_pitch", deg(2) * np.cos(2 * phi))
    pose.add("trunk_flex", deg(s.lean_deg + lean - 1.5 * np.cos(2 * phi)))
    pose.add("head_flex", deg(s.head_pitch_deg + sc.uniform(*style.look) - min(lean, 0.0) - 0.4 * np.cos(2 * phi)))
    heading, xy = _path(sc, speed, style.turn_sd)
    pose.add("pelvis_yaw", heading)
    bob = 0.017 * (speed / 1.3) * vig
    # Sideways sway over the stance foot once per stride, and a forward surge (braking at heel
    # strike, pushing off later) twice per stride.
    sway = style.sway * np.sin(phi)[:, None] * np.stack([-np.sin(heading), np.cos(heading)], 1)
    surge = style.surge * np.sin(2 * phi - 0.8)[:, None] * np.stack([np.cos(heading), np.sin(heading)], 1)
    z = s.body.hip_height - 0.02 - bob * np.cos(2 * phi - 0.3) - style.strike * vm_bump(2 * phi, 0.15, 40.0)
    pose.root = _root(sc, xy + sway + surge, z)
    return pose, phi, lean


def walking(sc: Scene) -> Pose:
    """Walking at an ordinary pace (~0.93 strides/s, 0.9-1.8 m/s) with a moderate arm swing."""
    pose, _, _ = walk(sc, WALK)
    ambient(sc, pose, level=WALK.level, free_arms=(), gaze=WALK.gaze)
    return pose


def walking_slowly(sc: Scene) -> Pose:
    """Strolling (0.5-0.9 m/s, ~0.75 strides/s): short steps, a small relaxed arm swing or hands in
    the pockets, a meandering path and a head that looks around."""
    style = sc.choice({"swing": 0.75, "one pocket": 0.15, "pockets": 0.1})
    swing = {"swing": ("l", "r"), "one pocket": (sc.dom,), "pockets": ()}[style]
    pose, _, _ = walk(sc, STROLL, swing)
    for side in (x for x in ("l", "r") if x not in swing):
        pose.set_arm(side, **{k: v + sc.rng.normal(0, 4) for k, v in STANDING_ARMS["pockets"].items()})
    ambient(sc, pose, level=STROLL.level, free_arms=(), gaze=STROLL.gaze)
    return pose


def walking_briskly(sc: Scene) -> Pose:
    """Fast walking (1.6-2.1 m/s, ~1.05 strides/s): long steps, trunk a little forward, a big arm
    swing with the elbows bent and the forearms pointing forward, eyes on the way ahead."""
    pose, _, _ = walk(sc, BRISK)
    ambient(sc, pose, level=BRISK.level, free_arms=(), gaze=BRISK.gaze)
    return pose


def carrying_a_box(sc: Scene) -> Pose:
    """Walking slowly with a box held in front in both hands: elbows bent ~90 deg, forearms forward
    (hands on the sides or under the box), no arm swing, trunk leaning back against the load and
    the arms jolting slightly with each step."""
    pose, phi, lean = walk(sc, BOX, swing=())
    under = sc.rng.random() < 0.4
    elev, elbow = sc.uniform(0, 15), sc.uniform(80, 100)    # upper arms near vertical, forearms about level
    width = sc.uniform(-95, -75)          # external rotation sets how far apart the hands are
    pron = sc.uniform(65, 85) if under else sc.uniform(-10, 15)   # palms up under the box / facing its sides
    jolt = sc.uniform(1.5, 3.5) * np.cos(2 * phi - 0.9)           # the load lags each heel strike
    for side in ("l", "r"):
        pose.set_arm(side, plane=90, elev=elev - lean + 0.3 * jolt, rot=width, elbow=elbow + jolt, pron=pron)
    ambient(sc, pose, level=BOX.level, free_arms=(), gaze=BOX.gaze)
    return pose


def running(sc: Scene) -> Pose:
    s = sc.subject
    pose = Pose(planted=False)
    phi, omega, stride_hz = rhythm(sc, 1.4, rel_spread=0.06, jitter=0.03)
    speed = sc.uniform(2.3, 4.0) * min(s.vigor, 1.2) * wobble(sc.rng, sc.n, sc.rate_hz, 0.04, 0.2)
    duty = sc.uniform(0.55, 0.72)                    # share of each step with a foot on the ground
    vig = sc.vary(s.vigor, 0.1)
    # Knee swing spread over the whole swing and peaking mid-swing, hip -10..40 deg: shank gyro peaks
    # ~10-12 rad/s and ankle |a| ~3 g as measured on runners (sharper profiles made 30 g).
    _legs(pose, phi, hip_mean=15, hip_amp=22 * vig, knee_stance=30, knee_swing=80, swing_kappa=1.3, stance_kappa=3.0,
          stance_center=duty / 4, swing_center=0.66, hip_lead=0.1, fold=0.5)
    _arm_swing(pose, ("l", "r"), phi, amp=sc.uniform(16, 28) * vig, elbow_mean=sc.uniform(75, 100), elbow_amp=10)
    _foot_strikes(sc, pose, phi, omega, sc.uniform(1.0, 2.0) * vig)
    _pelvis_gait(pose, phi, yaw_deg=7 * vig, roll_deg=4 * vig, twist_ratio=1.5)
    lean = s.lean_deg + sc.uniform(5, 12)
    pose.add("trunk_flex", deg(lean + 1.0 * np.cos(2 * phi)))
    pose.add("head_flex", deg(s.head_pitch_deg - lean + sc.uniform(5, 15) - 0.8 * np.cos(2 * phi)))
    heading, xy = _path(sc, speed, 15.0)
    pose.add("pelvis_yaw", heading)
    lateral = 0.015 * np.sin(phi)[:, None] * np.stack([-np.sin(heading), np.cos(heading)], 1)
    z = s.body.hip_height - 0.06 + bounce_height(2 * phi, 2 * omega, duty, impact=sc.uniform(0.3, 0.9))
    pose.root = _root(sc, xy + lateral, z)
    ambient(sc, pose, level=0.3, free_arms=(), gaze=0.3)
    return pose


def _stairs(sc: Scene, up: bool) -> Pose:
    """A flight of stairs one step per stair (15-19 cm rise, 25-32 cm tread), looking down at the
    steps, often with a hand on the rail. Up: trunk leaning in, the body pushed up by the stance
    leg. Down: trunk upright, the stance knee bending under load to lower the body (eccentric
    flexion) and a controlled landing on the next step; the floor under the person sinks."""
    s = sc.subject
    pose = Pose(planted=False)
    phi, omega, stride_hz = rhythm(sc, 0.78 if up else 0.85, rel_spread=0.08, jitter=0.04)
    rise, tread = sc.uniform(0.15, 0.19), sc.uniform(0.25, 0.32)
    vig = sc.vary(s.vigor, 0.1)
    if up:
        _legs(pose, phi, hip_mean=32, hip_amp=28, knee_stance=55, knee_swing=45, stance_center=0.02,
              swing_center=0.68, hip_lead=0.04)
    else:   # the foot reaches down with a straight knee; the stance knee flexes to ~70 deg by toe-off
        _legs(pose, phi, hip_mean=20, hip_amp=15, knee_stance=68, knee_swing=38, stance_center=0.45,
              swing_center=0.7, hip_lead=0.1, stance_kappa=2.5)
    rail = sc.rng.random() < (0.5 if up else 0.65)
    # Going up, the rail hand is the non-dominant one; coming down, either hand.
    rail_side = sc.off if up or sc.rng.random() < 0.5 else sc.dom
    free = tuple(x for x in ("l", "r") if not rail or x != rail_side)
    _arm_swing(pose, free, phi, amp=sc.uniform(6, 16) * vig, elbow_mean=25, elbow_amp=8)
    if rail and up:   # the hand slides along the rail, pulling a little on each step
        pose.set_arm(rail_side, plane=sc.uniform(30, 60), elev=sc.uniform(25, 40) + 5 * np.sin(2 * phi), rot=10,
                     elbow=sc.uniform(40, 70) + 8 * np.sin(2 * phi), pron=30)
    elif rail:        # further forward and straighter, bracing a little at each landing
        pose.set_arm(rail_side, plane=sc.uniform(40, 70), elev=sc.uniform(20, 35) + 4 * np.sin(2 * phi + 0.6),
                     rot=10, elbow=sc.uniform(20, 45) + 6 * np.sin(2 * phi + 0.6), pron=30)
    _pelvis_gait(pose, phi, yaw_deg=4, roll_deg=4)
    lean = s.lean_deg + (sc.uniform(8, 18) if up else sc.uniform(-2, 6))
    pose.add("trunk_flex", deg(lean + 1.5 * np.cos(2 * phi + 0.5)))
    pose.add("head_flex", deg(s.head_pitch_deg + (sc.uniform(15, 35) if up else sc.uniform(20, 40)) - lean))
    speed = 2 * stride_hz * tread * np.ones(sc.n)
    heading, xy = _path(sc, speed, 5.0, turn_rate=0.02)
    pose.add("pelvis_yaw", heading)
    climb = 2 * stride_hz * rise * (1.0 if up else -1.0)
    if up:   # the body rises mostly while pushing up on the stance leg, not at a constant rate
        z = (s.body.hip_height - 0.03 + climb * (sc.t - sc.t[0]) - 0.55 * rise / TAU * np.sin(2 * phi)
             - 0.001 * vm_bump(2 * phi, 0.1, 40.0))
    else:    # sinking fastest just before each foot lands, then braked by the landing leg
        z = (s.body.hip_height - 0.07 + climb * (sc.t - sc.t[0]) - 0.55 * rise / TAU * np.sin(2 * phi + 0.4)
             - 0.0015 * vm_bump(2 * phi, 0.1, 30.0))
    pose.root = _root(sc, xy, z)
    pose.floor = climb * (sc.t - sc.t[0])
    ambient(sc, pose, level=0.4, free_arms=(), gaze=0.4)
    return pose


def climbing_stairs(sc: Scene) -> Pose:
    """Going up a flight of stairs (see ``_stairs``)."""
    return _stairs(sc, up=True)


def going_down_stairs(sc: Scene) -> Pose:
    """Going down a flight of stairs (see ``_stairs``)."""
    return _stairs(sc, up=False)


def jumping(sc: Scene) -> Pose:
    """Repeated two-footed jumps on the spot: vertical jumps with an arm swing, or jumping jacks."""
    s = sc.subject
    pose = Pose(planted=False)
    jacks = sc.rng.random() < 0.4
    phase, omega, _ = rhythm(sc, 1.55 if jacks else 1.0, rel_spread=0.12, jitter=0.03)
    duty = sc.uniform(0.62, 0.75) if jacks else sc.uniform(0.5, 0.62)
    mid_stance, mid_flight = np.pi * duty, np.pi * (1 + duty)
    crouch = vm_bump(phase, mid_stance, 2.0 / duty)   # knees bend to land and to push off
    depth = (sc.uniform(15, 30) if jacks else sc.uniform(35, 70)) * min(s.vigor, 1.2)
    for side in ("l", "r"):
        pose.add(f"{side}_knee", deg(8 + depth * crouch))
        pose.add(f"{side}_hip_flex", deg(6 + 0.75 * depth * crouch))
    pose.add("pelvis_pitch", deg(0.12 * depth * crouch))
    pose.add("trunk_flex", deg(s.lean_deg + 0.08 * depth * crouch))
    pose.add("head_flex", deg(s.head_pitch_deg - 0.3 * depth * crouch))
    if jacks:   # arms up and feet apart on one jump, back on the next: half the jump rate
        half = 0.5 * (1 - np.cos(0.5 * (phase - mid_stance)))
        for side in ("l", "r"):
            pose.set_arm(side, plane=sc.uniform(0, 20), elev=10 + 150 * half, rot=-30 * half, elbow=15, pron=0)
            pose.add(f"{side}_hip_abd", deg(3 + 15 * half))
    else:
        swing = np.cos(phase - mid_flight)              # arms up in the air, back when crouched
        # About ±40 deg each jump (a full 150 deg swing at 1 Hz would read 3 g at the wrist).
        for side in ("l", "r"):
            pose.set_arm(side, plane=85, elev=25 + 40 * swing, rot=0, elbow=30, pron=10)
    landing = sc.uniform(1.0, 2.0) * min(s.vigor, 1.2) * (0.6 if jacks else 1.0)
    for side in ("l", "r"):   # both feet land at phase 0
        pose.add(f"{side}_knee", deg(impact_ring(phase, omega, 0.0, landing, sc.uniform(12.0, 18.0))))
    root = np.zeros((sc.n, 3))
    root[:, :2] = 0.02 * np.stack([sc.noise(0.3), sc.noise(0.3)], 1)
    # Vertical jumps land hard enough for the >5 g peaks hip sensors read (docs/realism.md); jacks are low hops.
    impact = sc.uniform(0.5, 1.2) if jacks else sc.uniform(2.0, 3.5)
    root[:, 2] = s.body.hip_height - 0.03 + bounce_height(phase, omega, duty, impact=impact)
    pose.root = root
    ambient(sc, pose, level=0.3, free_arms=(), gaze=0.2)
    return pose


def cycling(sc: Scene) -> Pose:
    """Riding a bike: seated and leaning forward, hands on the bars, pedalling; the body rides
    along at 4-7 m/s, leans into turns and picks up road vibration."""
    s = sc.subject
    pose = Pose(planted=False)
    theta, omega, cadence = rhythm(sc, 1.3, rel_spread=0.12, jitter=0.03)
    road = sc.rng.random() < 0.4                   # racing posture vs upright city bike
    lean = sc.uniform(40, 60) if road else sc.uniform(15, 35)
    pelvis = sc.uniform(15, 30) if road else sc.uniform(5, 15)
    for side, offset in (("r", 0.0), ("l", np.pi)):
        p = theta + offset
        pose.add(f"{side}_hip_flex", deg(80 - pelvis + 24 * np.sin(p)))
        pose.add(f"{side}_knee", deg(75 + 38 * np.sin(p + 0.35)))
        pose.add(f"{side}_hip_abd", deg(4))
    pose.add("pelvis_pitch", deg(pelvis))
    pose.add("pelvis_roll", deg(1.5) * np.sin(theta))
    pose.add("trunk_flex", deg(lean - pelvis + 0.3 * np.sin(2 * theta)))
    pose.add("trunk_bend", deg(1.0) * np.sin(theta))
    pose.add("head_flex", deg(s.head_pitch_deg + sc.uniform(0, 15) - lean))
    reach = sc.uniform(40, 65)
    for side in ("l", "r"):
        pose.set_arm(side, plane=88, elev=lean + reach, rot=15, elbow=sc.uniform(10, 35), pron=85)
        pose.add(f"{side}_elbow", deg(0.03) * sc.noise(20.0, 8.0))   # handlebar vibration
    speed = sc.uniform(4.0, 7.0) * wobble(sc.rng, sc.n, sc.rate_hz, 0.08, 0.1)
    heading, xy = _path(sc, speed, 20.0, turn_rate=0.1)
    yaw_rate = np.gradient(heading) * sc.rate_hz
    pose.add("pelvis_yaw", heading)
    pose.add("pelvis_roll", np.arctan(speed * yaw_rate / GRAVITY_MS2))   # leaning into the turn
    z = s.body.hip_height + 0.1 + 0.003 * np.cos(2 * theta)
    vibration = 0.00005 * sc.uniform(0.5, 1.5) * np.stack([sc.noise(18.0, 8.0) for _ in range(3)], 1)
    pose.root = _root(sc, xy, z) + vibration
    ambient(sc, pose, level=0.4, free_arms=(), gaze=0.6)
    return pose
