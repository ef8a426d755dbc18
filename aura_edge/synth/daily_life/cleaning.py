"""Vacuuming: stepping behind a cleaner pushed back and forth."""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from aura_edge.synth.daily_life.body_helpers import event_times, jitter_arm
from aura_edge.synth.motion import deg, gaussian_bump, smooth_targets, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm, stand
from aura_edge.synth.stationary import STANDING_ARMS


def vacuuming(sc: Scene) -> Pose:
    """Vacuuming: the dominant hand pushes the cleaner's handle forward and pulls it back
    (0.5-1 Hz) in a staggered stance, the trunk leaning into each push and turning with the arm,
    and every few seconds the person steps forward or back or turns to reach a new patch of floor.
    A watch feels large slow forward-back swings of a mostly extended arm; belt, thigh and ankle
    sensors feel the lunging and the steps."""
    pose = Pose()
    s, v = sc.subject, sc.subject.vigor
    phase, _, _ = rhythm(sc, 0.75, rel_spread=0.2, jitter=0.08)
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.15, 0.3) * v * sc.uniform(0.75, 1.2)
    stroke = np.sin(phase) + 0.15 * np.sin(2 * phase)        # +1 pushed out, -1 pulled back
    arm = jitter_arm(sc, dict(plane=(70, 85), elev=(22, 32), rot=(-50, -30), elbow=(45, 65), pron=(5, 30)))
    a = {k: np.full(sc.n, val) for k, val in arm.items()}
    a["elev"] += 18 * amp * stroke
    a["elbow"] -= 25 * amp * stroke
    a["pron"] += 8 * amp * stroke
    a["plane"] += 4 * sc.noise(0.3)                          # steering the nozzle left and right
    pose.set_arm(sc.dom, **a)
    off = sc.choice({"hanging": 0.5, "hose": 0.3, "hips": 0.2})
    if off == "hose":    # keeping the hose or cord out of the way
        pose.set_arm(sc.off, **jitter_arm(sc, dict(plane=(50, 80), elev=(15, 30), rot=(-30, 0), elbow=(50, 80),
                                                   pron=(0, 30))))
    else:
        pose.set_arm(sc.off, **{k: val + sc.rng.normal(0, 4) for k, val in STANDING_ARMS[off].items()})
        pose.add(f"{sc.off}_arm_elev", deg(3.0) * amp * stroke)   # swings a little with the body
    lean = s.lean_deg * 0.5 + sc.uniform(6, 15)
    pose.add("trunk_flex", deg(lean + 6 * amp * (stroke + 1) / 2))
    pose.add("trunk_twist", deg(-sc.dom_y * 5.0) * amp * stroke)  # dominant shoulder goes forward
    pose.add("pelvis_yaw", deg(-sc.dom_y * 2.0) * amp * stroke)
    pose.add("head_flex", deg(sc.uniform(25, 45) - lean + 0.3 * s.head_pitch_deg))
    pose.add("head_turn", deg(sc.dom_y * 3.0) * amp * stroke)     # eyes stay on the nozzle
    # Staggered stance, off-side foot forward: the front knee bends as the weight goes forward.
    front, back = sc.off, sc.dom
    pose.add(f"{front}_hip_flex", deg(sc.uniform(10, 18) + 5 * amp * stroke))
    pose.add(f"{front}_knee", deg(sc.uniform(8, 15) + 10 * amp * (stroke + 1) / 2))
    pose.add(f"{back}_hip_flex", deg(-sc.uniform(4, 10) - 3 * amp * stroke))
    pose.add(f"{back}_knee", deg(sc.uniform(3, 8)))
    # Steps forward and back (and turns) every few seconds, staying in the same area of the room.
    x = np.zeros(sc.n)
    pos = 0.0
    times = event_times(sc, 3.0, (0.6, 1.5))
    for k, tk in enumerate(times):
        direction = 1.0 if sc.rng.random() < 0.5 else -1.0
        if abs(pos) > 0.35:
            direction = -np.sign(pos)
        dx = direction * sc.uniform(0.2, 0.4)
        pos += dx
        x += dx * expit((sc.t - tk) / 0.22)
        leg = (front, back)[k % 2]
        lift = gaussian_bump(sc.t, tk, 0.18)
        pose.add(f"{leg}_knee", deg(sc.uniform(25, 40)) * lift)
        pose.add(f"{leg}_hip_flex", deg(sc.uniform(12, 22)) * lift)
    stand(sc, pose, knee_deg=sc.uniform(2, 6), sway=0.6)
    pose.root[:, 0] += x - x.mean() + 0.06 * amp * stroke     # lunging into the push
    pose.add("pelvis_yaw", deg(smooth_targets(sc.rng, sc.t, 0.1, 25.0, 0.6)))
    ambient(sc, pose, level=0.5, free_arms=(sc.off,) if off == "hanging" else (), gaze=0.4)
    return pose
