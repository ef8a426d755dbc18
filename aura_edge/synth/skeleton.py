"""Kinematic human body: segment lengths, joint angles -> 17 COCO joints and segment orientations.

Frames: world z up, metres. The body frame (pelvis, and every segment at rest) has x forward,
y to the person's left, z up. At rest the person stands upright with the arms hanging.

Joint angles (radians, missing names are 0), vectorised over time:

    pelvis_yaw, pelvis_pitch (+ tilts the top forward), pelvis_roll (+ tips the left side up)
    trunk_flex (+ forward), trunk_bend (+ toward the left), trunk_twist (+ turns left, seen from above)
    head_flex (+ nods down), head_bend (+ toward the left), head_turn (+ looks left)
    {l,r}_arm_plane  plane of elevation: 0 = out to the side, 90 deg = forward, > 90 = across the body
    {l,r}_arm_elev   elevation in that plane: 0 = hanging, 90 deg = horizontal, 180 = overhead
    {l,r}_arm_rot    internal (+) rotation of the upper arm about its long axis
    {l,r}_elbow      flexion; {l,r}_pron forearm rotation about its long axis
    {l,r}_hip_flex, {l,r}_hip_abd (+ away from the midline), {l,r}_hip_rot, {l,r}_knee (flexion)

Left and right limbs share one anatomical convention. The right side is the left side mirrored
in the sagittal plane: conjugating a rotation by the mirror M = diag(1, -1, 1) keeps rotations
about y and negates those about x and z, which is what the ``m`` factors below do.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

JOINTS = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist",
    "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)
JOINT_INDEX = {name: i for i, name in enumerate(JOINTS)}
SIDES = {"l": ("left", 1.0), "r": ("right", -1.0)}  # prefix -> (COCO word, mirror sign m)

# Bones drawn by the stick-figure renderer (COCO skeleton, by joint name).
BONES = (
    ("left_ankle", "left_knee"), ("left_knee", "left_hip"), ("right_ankle", "right_knee"),
    ("right_knee", "right_hip"), ("left_hip", "right_hip"), ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"), ("left_shoulder", "right_shoulder"), ("left_shoulder", "left_elbow"),
    ("right_shoulder", "right_elbow"), ("left_elbow", "left_wrist"), ("right_elbow", "right_wrist"),
    ("left_eye", "right_eye"), ("nose", "left_eye"), ("nose", "right_eye"), ("left_eye", "left_ear"),
    ("right_eye", "right_ear"), ("left_ear", "left_shoulder"), ("right_ear", "right_shoulder"),
)


@dataclass(frozen=True)
class BodyShape:
    """Segment lengths in metres (see ``body_from_height``)."""

    height: float
    hip_half_width: float
    trunk: float          # mid-hip to the shoulder line
    neck: float           # shoulder line to the head pivot (upper neck)
    shoulder_half_width: float
    upper_arm: float
    forearm: float
    thigh: float
    shank: float
    ankle_height: float
    head: float           # scale of the face points (1 = average adult)

    @property
    def hip_height(self) -> float:
        """Height of the hip joints above the floor when standing straight."""
        return self.thigh + self.shank + self.ankle_height


def body_from_height(height: float, rng: np.random.Generator | None = None, spread: float = 0.03) -> BodyShape:
    """Anthropometric proportions (Drillis & Contini ratios of stature), each segment jittered
    independently by ``spread`` (relative) so that bodies differ in shape, not only in size."""
    j = (lambda: 1.0) if rng is None else (lambda: float(rng.normal(1.0, spread)))
    h = height
    return BodyShape(
        height=h, hip_half_width=0.05 * h * j(), trunk=0.288 * h * j(), neck=0.05 * h * j(),
        shoulder_half_width=0.11 * h * j(), upper_arm=0.186 * h * j(), forearm=0.146 * h * j(),
        thigh=0.245 * h * j(), shank=0.246 * h * j(), ankle_height=0.039 * h, head=h / 1.72 * j(),
    )


_AXIS_PAIRS = ((1, 2), (2, 0), (0, 1))  # the two columns a rotation about x, y, z mixes

# A stack of rotations is kept as its three columns, each (T, 3): the segment's x, y, z axes in
# the world. Turning about a principal axis then mixes just two of them (FK is the hot loop).
Axes = tuple[np.ndarray, np.ndarray, np.ndarray]


def _turn(r: Axes, axis: int, angle) -> Axes:
    """r @ R_axis(angle) for column-form rotations r and angles (T,) or scalar."""
    if np.ndim(angle) == 0 and float(angle) == 0.0:
        return r
    a = np.asarray(angle, dtype=np.float64)
    c, s = np.cos(a)[..., None], np.sin(a)[..., None]
    i, k = _AXIS_PAIRS[axis]
    out = list(r)
    out[i] = r[i] * c + r[k] * s
    out[k] = r[k] * c - r[i] * s
    return tuple(out)


def _point(r: Axes, v) -> np.ndarray:
    """r @ v for a constant vector v (3,): a sum of the columns, skipping zero components."""
    out = 0.0
    for j in range(3):
        if v[j] != 0.0:
            out = out + r[j] * v[j]
    return out


def _matrix(r: Axes) -> np.ndarray:
    return np.stack(r, axis=-1)


@dataclass
class Kinematics:
    """Forward-kinematics result, positions relative to the root (mid-hip) unless ``root`` was added.

    joints: (T, 17, 3) COCO joints
    axes:   segment name -> its x, y, z axes in the world, each (T, 3)
    origin: segment name -> (T, 3) position of the segment's proximal joint
    """

    joints: np.ndarray
    axes: dict[str, Axes]
    origin: dict[str, np.ndarray]

    def rotation(self, segment: str) -> np.ndarray:
        """(T, 3, 3) world-from-segment rotation R_WB (built on demand: few segments carry sensors)."""
        return _matrix(self.axes[segment])



def forward_kinematics(angles: Mapping[str, np.ndarray], body: BodyShape, n: int) -> Kinematics:
    """Joint angles over n samples -> root-relative joints and segment poses."""
    def a(name):
        return angles.get(name, 0)

    eye = tuple(np.broadcast_to(e, (n, 3)) for e in np.eye(3))
    joints = np.zeros((n, len(JOINTS), 3))
    rot: dict[str, Axes] = {}
    org: dict[str, np.ndarray] = {}

    rot["pelvis"] = _turn(_turn(_turn(eye, 2, a("pelvis_yaw")), 1, a("pelvis_pitch")), 0, a("pelvis_roll"))
    org["pelvis"] = np.zeros((n, 3))
    r = _turn(_turn(rot["pelvis"], 2, a("trunk_twist")), 1, a("trunk_flex"))
    rot["trunk"] = _turn(r, 0, -np.asarray(a("trunk_bend")))
    org["trunk"] = org["pelvis"]
    neck = rot["trunk"][2] * body.trunk
    r = _turn(_turn(rot["trunk"], 2, a("head_turn")), 1, a("head_flex"))
    rot["head"] = _turn(r, 0, -np.asarray(a("head_bend")))
    org["head"] = neck + rot["trunk"][2] * body.neck
    _face(joints, org["head"], rot["head"], body.head)

    for p, (word, m) in SIDES.items():
        _arm(p, word, m, angles, body, neck, rot, org, joints)
        _leg(p, word, m, angles, body, rot, org, joints)
    return Kinematics(joints, rot, org)


def _face(joints: np.ndarray, pivot: np.ndarray, r_head: np.ndarray, scale: float) -> None:
    """Nose, eyes and ears as fixed points on the head, about 8 cm above the upper-neck pivot."""
    points = {
        "nose": (0.10, 0.0, 0.06), "left_eye": (0.08, 0.032, 0.09), "right_eye": (0.08, -0.032, 0.09),
        "left_ear": (0.0, 0.075, 0.07), "right_ear": (0.0, -0.075, 0.07),
    }
    for name, v in points.items():
        joints[:, JOINT_INDEX[name]] = pivot + _point(r_head, scale * np.array(v))


def _arm(p, word, m, angles, body, neck, rot, org, joints) -> None:
    def a(name):
        return np.asarray(angles.get(f"{p}_{name}", 0))

    r_trunk = rot["trunk"]
    shoulder = neck + _point(r_trunk, (0.0, m * body.shoulder_half_width, -0.03))
    r_upper = _turn(_turn(_turn(r_trunk, 2, -m * a("arm_plane")), 0, m * a("arm_elev")), 2, -m * a("arm_rot"))
    elbow = shoulder - r_upper[2] * body.upper_arm
    r_fore = _turn(_turn(r_upper, 1, -a("elbow")), 2, m * a("pron"))
    wrist = elbow - r_fore[2] * body.forearm
    rot[f"{p}_upper_arm"], org[f"{p}_upper_arm"] = r_upper, shoulder
    rot[f"{p}_forearm"], org[f"{p}_forearm"] = r_fore, elbow
    for joint, pos in (("shoulder", shoulder), ("elbow", elbow), ("wrist", wrist)):
        joints[:, JOINT_INDEX[f"{word}_{joint}"]] = pos


def _leg(p, word, m, angles, body, rot, org, joints) -> None:
    def a(name):
        return np.asarray(angles.get(f"{p}_{name}", 0))

    r_pelvis = rot["pelvis"]
    hip = r_pelvis[1] * (m * body.hip_half_width)
    r_thigh = _turn(_turn(_turn(r_pelvis, 1, -a("hip_flex")), 0, m * a("hip_abd")), 2, -m * a("hip_rot"))
    knee = hip - r_thigh[2] * body.thigh
    r_shank = _turn(r_thigh, 1, a("knee"))
    ankle = knee - r_shank[2] * body.shank
    rot[f"{p}_thigh"], org[f"{p}_thigh"] = r_thigh, hip
    rot[f"{p}_shank"], org[f"{p}_shank"] = r_shank, knee
    for joint, pos in (("hip", hip), ("knee", knee), ("ankle", ankle)):
        joints[:, JOINT_INDEX[f"{word}_{joint}"]] = pos


def planted_root(joints_rel: np.ndarray, body: BodyShape, softness_m: float = 0.01) -> np.ndarray:
    """Root (mid-hip) trajectory that keeps the feet on the floor under a stationary person.

    Height: the lower ankle rests at ankle height (a soft minimum, so switching the supporting
    foot never makes a kink). Horizontal: the midpoint of the ankles stays at the origin, so a
    squat pushes the hips back and a weight shift moves the body over the feet.
    """
    la, ra = joints_rel[:, JOINT_INDEX["left_ankle"]], joints_rel[:, JOINT_INDEX["right_ankle"]]
    lz, rz = la[:, 2], ra[:, 2]
    low = -softness_m * np.logaddexp(-lz / softness_m, -rz / softness_m)
    root = np.empty((len(joints_rel), 3))
    root[:, :2] = -0.5 * (la[:, :2] + ra[:, :2])
    root[:, 2] = body.ankle_height - low
    return root
