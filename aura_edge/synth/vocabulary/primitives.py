"""Movement primitives: the joint-level movements that exercises, stretches and work tasks are made of.

A primitive adds joint-angle trajectories to a Pose, driven by an excursion signal ``u`` in [0, 1]
(0 = the base posture, 1 = the full movement of ``amp`` degrees) and, for circling movements, by
the cycle's phase. The same primitive serves every side ('l', 'r') and every base posture:
angles are relative to the body (skeleton.py), so a leg raise lying on the back is a hip flexion
like a standing one. Each primitive also says in words what it does, at the level of body parts,
which is what the captions of composed activities are built from (captions.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from aura_edge.synth.motion import bounce_height, deg

SIDE_WORDS = {"l": "left", "r": "right"}


@dataclass(frozen=True)
class Drive:
    """How far through its movement a primitive is: ``u`` in [0, 1] (0 = rest, 1 = the full movement),
    the cycle's phase (radians, contact or start at 0) and its angular frequency (rad/s)."""

    u: np.ndarray
    phase: np.ndarray
    omega: float


@dataclass(frozen=True)
class Primitive:
    """A joint-level movement: how it moves the body and how people describe it."""

    name: str
    region: str            # 'arms', 'trunk', 'legs' or 'whole body': what a caption says moves
    limb: str | None       # 'arm' or 'leg' when it is done by one limb (a side applies), else None
    apply: Callable[..., None]   # (pose, side, amp_deg, drive) -> None
    verb: str              # movement phrase, '{limb}' replaced by 'the left arm', 'both arms'...
    joint: str             # body-part phrase for the third caption level
    rest: str | None = None   # arm primitives: the ARM_RESTS posture the movement starts from


# Where an arm starts from (plane, elevation, rotation, elbow, pronation in degrees) when a
# primitive moves it: the composed activity sets the rest of its first arm primitive once per arm.
ARM_RESTS = {
    "side": dict(plane=0, elev=6, rot=0, elbow=8, pron=0),            # hanging, palm in
    "front": dict(plane=85, elev=6, rot=5, elbow=8, pron=0),          # hanging, facing forward
    "tucked": dict(plane=10, elev=8, rot=0, elbow=90, pron=45),       # elbow at the side, forearm forward
    "curl": dict(plane=85, elev=8, rot=5, elbow=10, pron=80),         # hanging, palm forward
    "out": dict(plane=0, elev=85, rot=0, elbow=5, pron=0),            # held out to the side
    "work": dict(plane=80, elev=20, rot=15, elbow=75, pron=40),       # hands in front, at the waist
}


def shoulder_flexion(pose, side, amp, d):
    pose.add(f"{side}_arm_elev", deg(amp * d.u))


shoulder_abduction = shoulder_flexion   # the same elevation, in the frontal plane (rest "side")


def shoulder_rotation(pose, side, amp, d):
    pose.add(f"{side}_arm_rot", deg(amp * d.u))


def shoulder_circles(pose, side, amp, d):
    # The hand draws a circle of ``amp`` degrees around where the arm points.
    pose.add(f"{side}_arm_plane", deg(amp * np.cos(d.phase)))
    pose.add(f"{side}_arm_elev", deg(amp * np.sin(d.phase)))


def elbow_flexion(pose, side, amp, d):
    # A negative amplitude is an extension: bent by |amp| at rest, straight at the top (a press).
    pose.add(f"{side}_elbow", deg(np.where(amp >= 0, amp * d.u, -amp * (1 - d.u))))


def knee_extension(pose, side, amp, d):
    pose.add(f"{side}_knee", deg(-amp * d.u))   # from a bent knee (seated) toward straight


def wrist_flexion(pose, side, amp, d):
    # No wrist joint in the body model: a forearm-worn sensor sees a wrist flexing only as a small
    # rocking of the forearm, which is also true of real watches.
    pose.add(f"{side}_elbow", deg(0.08 * amp * d.u))
    pose.add(f"{side}_pron", deg(0.1 * amp * d.u))


def wrist_rotation(pose, side, amp, d):
    pose.add(f"{side}_pron", deg(amp * d.u))   # turning the forearm, as with a screwdriver


def trunk_flexion(pose, side, amp, d):
    pose.add("trunk_flex", deg(amp * d.u))
    pose.add("head_flex", deg(-0.3 * amp * d.u))   # eyes stay ahead


def trunk_rotation(pose, side, amp, d):
    sign = 1.0 if side == "l" else -1.0
    pose.add("trunk_twist", deg(sign * amp * d.u))
    pose.add("pelvis_yaw", deg(sign * 0.2 * amp * d.u))
    pose.add("head_turn", deg(sign * 0.3 * amp * d.u))


def trunk_side_bend(pose, side, amp, d):
    sign = 1.0 if side == "l" else -1.0
    pose.add("trunk_bend", deg(sign * amp * d.u))
    pose.add("head_bend", deg(sign * 0.3 * amp * d.u))


def squat(pose, side, amp, d):
    for s in ("l", "r"):
        pose.add(f"{s}_knee", deg(amp * d.u))
        pose.add(f"{s}_hip_flex", deg(0.75 * amp * d.u))
    pose.add("pelvis_pitch", deg(0.3 * amp * d.u))      # the trunk leans forward over the feet
    pose.add("head_flex", deg(-0.3 * amp * d.u))


def lunge(pose, side, amp, d):
    back = "r" if side == "l" else "l"
    pose.add(f"{side}_hip_flex", deg(0.8 * amp * d.u))
    pose.add(f"{side}_knee", deg(amp * d.u))
    pose.add(f"{back}_hip_flex", deg(-0.25 * amp * d.u))
    pose.add(f"{back}_knee", deg(amp * d.u))


def hip_hinge(pose, side, amp, d):
    # The pelvis tips forward and the hips flex by as much, so the legs stay near vertical.
    pose.add("pelvis_pitch", deg(amp * d.u))
    for s in ("l", "r"):
        pose.add(f"{s}_hip_flex", deg(amp * d.u))
        pose.add(f"{s}_knee", deg(0.15 * amp * d.u))
    pose.add("head_flex", deg(-0.5 * amp * d.u))


def leg_raise_front(pose, side, amp, d):
    pose.add(f"{side}_hip_flex", deg(amp * d.u))


def leg_raise_side(pose, side, amp, d):
    pose.add(f"{side}_hip_abd", deg(amp * d.u))


def step(pose, side, amp, d):
    # Marching: the thigh lifts by ``amp`` degrees and the knee bends by more, foot back down.
    pose.add(f"{side}_hip_flex", deg(amp * d.u))
    pose.add(f"{side}_knee", deg(1.4 * amp * d.u))


def kick(pose, side, amp, d):
    # The thigh swings up while the knee first bends, then snaps straight at the top.
    pose.add(f"{side}_hip_flex", deg(amp * d.u))
    pose.add(f"{side}_knee", deg(70 * d.u * (1 - d.u) * 4 * (1 - d.u)))


def jump(pose, side, amp, d):
    # ``amp`` is the knee bend of take-off and landing; the body leaves the floor once per cycle.
    crouch = np.exp(2.0 * (np.cos(d.phase) - 1.0))   # deepest at contact, d.phase 0
    for s in ("l", "r"):
        pose.add(f"{s}_knee", deg(amp * crouch))
        pose.add(f"{s}_hip_flex", deg(0.6 * amp * crouch))
    rise = bounce_height(d.phase, d.omega, duty=0.55, impact=0.3)
    offset = np.zeros((len(d.phase), 3))
    offset[:, 2] = rise
    pose.root = offset if pose.root is None else pose.root + offset


def turn(pose, side, amp, d):
    sign = 1.0 if side == "l" else -1.0
    pose.add("pelvis_yaw", deg(sign * amp * d.u))


def hold(pose, side, amp, d):
    """Holding still: the base posture alone."""


PRIMITIVES: dict[str, Primitive] = {p.name: p for p in (
    Primitive("shoulder flexion", "arms", "arm", shoulder_flexion, "raising {limb} forward",
              "shoulder flexion", "front"),
    Primitive("shoulder abduction", "arms", "arm", shoulder_abduction, "lifting {limb} out to the side",
              "shoulder abduction", "side"),
    Primitive("shoulder internal rotation", "arms", "arm", shoulder_rotation,
              "swinging the forearm of {limb} in toward the belly, elbow at the side",
              "shoulder internal rotation", "tucked"),
    Primitive("shoulder external rotation", "arms", "arm", lambda p, s, a, d: shoulder_rotation(p, s, -a, d),
              "turning the forearm of {limb} outward, elbow tucked at the side", "shoulder external rotation",
              "tucked"),
    Primitive("shoulder circles", "arms", "arm", shoulder_circles, "circling {limb}, held out to the side",
              "shoulder circumduction", "out"),
    Primitive("elbow flexion", "arms", "arm", elbow_flexion, "bending the elbow of {limb}", "elbow flexion",
              "curl"),
    Primitive("wrist flexion", "arms", "arm", wrist_flexion, "flexing the wrist of {limb}", "wrist flexion",
              "work"),
    Primitive("wrist rotation", "arms", "arm", wrist_rotation, "turning the forearm of {limb}",
              "forearm pronation and supination", "work"),
    Primitive("trunk flexion", "trunk", None, trunk_flexion, "bending the upper body forward", "trunk flexion"),
    Primitive("trunk rotation", "trunk", None, trunk_rotation, "twisting the trunk", "trunk rotation"),
    Primitive("trunk side bend", "trunk", None, trunk_side_bend, "bending the upper body sideways",
              "trunk lateral flexion"),
    Primitive("squat", "legs", None, squat, "bending both knees into a squat", "knee and hip flexion"),
    Primitive("lunge", "legs", "leg", lunge, "lunging forward onto {limb}", "knee flexion in a split stance"),
    Primitive("hip hinge", "trunk", None, hip_hinge, "hinging forward at the hips with a flat back",
              "hip flexion with a straight spine"),
    Primitive("leg raise", "legs", "leg", leg_raise_front, "lifting {limb} forward", "hip flexion"),
    Primitive("side leg raise", "legs", "leg", leg_raise_side, "lifting {limb} out to the side", "hip abduction"),
    Primitive("step", "legs", "leg", step, "stepping {limb} up and down on the spot", "hip and knee flexion"),
    Primitive("knee extension", "legs", "leg", knee_extension, "straightening the knee of {limb}",
              "knee extension"),
    Primitive("kick", "legs", "leg", kick, "kicking {limb} forward", "a fast hip flexion with knee extension"),
    Primitive("jump", "whole body", None, jump, "jumping off both feet", "a jump from both legs"),
    Primitive("turn", "whole body", None, turn, "turning the body", "rotation about the vertical"),
    Primitive("hold", "whole body", None, hold, "holding still", "no movement"),
)}
