"""From an activity's Pose to a world-placed body, its virtual IMU streams and mocap frames.

This is the part shared by the corpus builder (independent episodes) and by continuous
recordings (activities joined by smooth transitions).
"""

from __future__ import annotations

import numpy as np

from aura_edge.signals import MODEL_RATE_HZ
from aura_edge.synth.activities import generate
from aura_edge.synth.posture import Pose, Scene
from aura_edge.synth.skeleton import JOINT_INDEX, Kinematics, forward_kinematics, planted_root
from aura_edge.synth.subjects import Subject
from aura_edge.synth.devices import DeviceSpace, draw_device, record
from aura_edge.synth.virtual_imu import ideal_imu

SIM_RATE_HZ = MODEL_RATE_HZ        # internal rate; trajectories are smooth, so 200 Hz differences are exact enough
MARGIN_S = 0.25                     # simulated on both sides and cut, so derivatives have no edge effects
MOCAP_STEP = int(SIM_RATE_HZ / 10)  # 10 FPS mocap from the 200 Hz body


def generate_pose(subject: Subject, activity: str, t: np.ndarray, rng: np.random.Generator) -> Pose:
    """Run an activity generator on the time grid t (seconds)."""
    return generate(activity, Scene(subject, rng, t, SIM_RATE_HZ))


def place_body(pose: Pose, subject: Subject, n: int, heading: float = 0.0) -> tuple[Kinematics, np.ndarray]:
    """Forward kinematics with the whole scene turned by ``heading`` about the vertical.

    Returns (root-relative kinematics, root trajectory (n, 3)); the IMU is invariant to the
    heading but the mocap is not, and real people face every direction.
    """
    pose.add("pelvis_yaw", heading)
    kin = forward_kinematics(pose.angles, subject.body, n)
    offset = np.zeros((n, 3)) if pose.root is None else np.broadcast_to(pose.root, (n, 3)).copy()
    c, s = np.cos(heading), np.sin(heading)
    offset[:, :2] = offset[:, :2] @ np.array([[c, s], [-s, c]])
    root = planted_root(kin.joints, subject.body) + offset if pose.planted else offset
    return kin, root


def ideal_streams(kin: Kinematics, root: np.ndarray, subject: Subject, placements,
                  margin: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Error-free (imu (T − 2·margin, 6), gravity part (T − 2·margin, 3)) per placement."""
    out = {}
    for placement in placements:
        imu, gravity = ideal_imu(kin, subject.mounts[placement], SIM_RATE_HZ, root)
        out[placement] = (imu[margin:len(root) - margin], gravity[margin:len(root) - margin])
    return out


def imu_streams(kin: Kinematics, root: np.ndarray, subject: Subject, placements, rng: np.random.Generator,
                margin: int, devices: DeviceSpace = DeviceSpace()) -> dict[str, np.ndarray]:
    """What aura-edge would receive, (T − 2·margin, 6) float32 canonical 200 Hz samples per
    placement, each from a device drawn from ``devices``."""
    return {placement: record(imu, gravity, subject.sensors[placement], draw_device(devices, rng), rng, SIM_RATE_HZ)
            for placement, (imu, gravity) in ideal_streams(kin, root, subject, placements, margin).items()}


def mocap_frames(joints: np.ndarray, step: int = MOCAP_STEP) -> np.ndarray:
    """(T, 17, 3) joints -> (ceil(T / step), 51) pelvis-centred frames, joint-major [j0x, j0y, j0z, j1x, ...].

    With the default step, 200 Hz joints become 10 FPS mocap; pass step=1 for joints already at 10 FPS.
    """
    frames = joints[::step]
    mid_hip = 0.5 * (frames[:, JOINT_INDEX["left_hip"]] + frames[:, JOINT_INDEX["right_hip"]])
    centred = frames - mid_hip[:, None, :]
    return centred.reshape(len(frames), -1).astype(np.float32)


def simulate_episode(subject: Subject, activity: str, seconds: float, rng: np.random.Generator,
                     placements, devices: DeviceSpace = DeviceSpace()) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """One bout of one activity: ({placement: (T, 6) IMU at 200 Hz}, (T // 20, 17, 3) world joints at 10 FPS).

    Mocap frame j is the body at IMU sample 20·j. The scene faces a random heading.
    """
    margin = int(round(MARGIN_S * SIM_RATE_HZ))
    n = int(round(seconds * SIM_RATE_HZ)) + 2 * margin
    t = (np.arange(n) - margin) / SIM_RATE_HZ
    pose = generate_pose(subject, activity, t, rng)
    kin, root = place_body(pose, subject, n, heading=float(rng.uniform(0, 2 * np.pi)))
    imu = imu_streams(kin, root, subject, placements, rng, margin, devices)
    keep = slice(margin, n - margin, MOCAP_STEP)
    return imu, kin.joints[keep] + root[keep, None, :]
