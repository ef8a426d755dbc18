"""Standing activities led by the arms: waving, clapping, swinging a racket, dribbling a ball.

The arm motion alone would leave a head sensor reading 'standing', but real bodies react: the
trunk counter-moves against a waving arm, clapping rocks the upper body a little, a racket
stroke is driven by a trunk rotation the head partly follows, and dribbling is done in a
crouch with a knee bounce in time with the ball. Those reactions are modelled explicitly.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from aura_edge.synth.motion import deg, soft_abs_sin, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm, stand
from aura_edge.synth.stationary import STANDING_ARMS


def waving(sc: Scene) -> Pose:
    """Waving hello with the dominant hand: a forearm wave from the elbow, or a big overhead wave."""
    pose = Pose()
    d, v = sc.dom, sc.subject.vigor
    big = sc.rng.random() < 0.35
    phase, _, _ = rhythm(sc, 1.3 if big else 2.4, rel_spread=0.15)
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.12) * v
    osc = np.sin(phase)
    if big:   # whole arm overhead, swinging in the frontal plane from the shoulder
        pose.set_arm(d, plane=sc.uniform(10, 40), elev=145 + 22 * amp * osc, rot=-20, elbow=sc.uniform(5, 25),
                     pron=60)
    else:     # upper arm out to the side, forearm up, hand swinging side to side from the elbow
        pose.set_arm(d, plane=sc.uniform(20, 55), elev=sc.uniform(75, 110), rot=-sc.uniform(70, 90),
                     elbow=sc.uniform(70, 100) + 22 * amp * osc, pron=60 + 15 * amp * osc)
    # Reaction: the trunk and head counter-sway sideways in time with the arm.
    react = sc.uniform(0.4, 1.0) * (1.6 if big else 1.0)
    pose.add("trunk_bend", deg(react) * amp * np.sin(phase + np.pi))
    pose.add("head_bend", deg(0.8 * react) * amp * np.sin(phase + 0.5))
    pose.add("head_turn", deg(sc.dom_y * sc.uniform(0, 25)))   # looking at whoever is waved at
    pose.add("trunk_bend", deg(-sc.dom_y * sc.uniform(2, 6)))    # leaning away from the raised arm
    pose.set_arm(sc.off, **STANDING_ARMS["hanging"])
    stand(sc, pose, knee_deg=sc.uniform(2, 8), sway=0.8)
    ambient(sc, pose, level=0.7, free_arms=(sc.off,), gaze=0.4)
    return pose


def clapping(sc: Scene) -> Pose:
    """Applause: both forearms swing together and stop sharply at contact; the upper body rocks."""
    pose = Pose()
    phase, _, _ = rhythm(sc, 3.0, rel_spread=0.18)
    contact = soft_abs_sin(phase, eps=0.3)   # 0 when the hands meet, once per cycle
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.1) * sc.subject.vigor
    height = sc.uniform(-15, 35)                       # claps at belly ... face height
    for side in ("l", "r"):
        pose.set_arm(side, plane=80, elev=30 + 0.6 * height, rot=30 - 32 * amp * contact,
                     elbow=95 + 0.4 * height + 5 * amp * contact, pron=70)
    # The upper body rocks gently in time (smoothly: the trunk filters the hands' impacts).
    react = sc.uniform(0.1, 0.35)    # degrees: at 2-4 Hz even this is ~1 m/s² at the head
    pose.add("trunk_flex", deg(react) * amp * np.cos(phase + 0.3))
    pose.add("head_flex", deg(0.8 * react) * amp * np.cos(phase + 2.0))
    pose.add("head_flex", deg(sc.uniform(-5, 10)))
    stand(sc, pose, knee_deg=sc.uniform(2, 8), sway=0.8)
    # Some people bob on their knees while clapping along.
    bob = (sc.rng.random() < 0.4) * sc.uniform(2, 5) * (0.5 + 0.5 * np.cos(phase))
    for side in ("l", "r"):
        pose.add(f"{side}_knee", deg(bob))
        pose.add(f"{side}_hip_flex", deg(0.5 * bob))
    ambient(sc, pose, level=0.7, free_arms=(), gaze=0.5)
    return pose


# Stroke templates (deg): dominant arm and trunk at the end of the backswing and of the
# follow-through. Trunk twist is toward the dominant side when negative (mirrored by dom_y).
STROKES = {
    "forehand": dict(back=dict(plane=-15, elev=60, rot=-35, elbow=35, pron=20, twist=-55, flex=5),
                     follow=dict(plane=135, elev=80, rot=45, elbow=85, pron=70, twist=40, flex=15)),
    "backhand": dict(back=dict(plane=145, elev=45, rot=35, elbow=65, pron=60, twist=50, flex=10),
                     follow=dict(plane=5, elev=85, rot=-40, elbow=20, pron=10, twist=-35, flex=5)),
    "overhead": dict(back=dict(plane=30, elev=150, rot=-75, elbow=115, pron=20, twist=-30, flex=-12),
                     follow=dict(plane=120, elev=65, rot=40, elbow=20, pron=70, twist=35, flex=30)),
}
READY = dict(plane=60, elev=30, rot=20, elbow=75, pron=50, twist=0, flex=12)


def swinging_a_racket(sc: Scene) -> Pose:
    """A rally: repeated forehands/backhands/overheads with footwork between them.

    Each stroke is a slow backswing, a fast forward swing (a logistic step with a ~65 ms time
    constant: 10-20 rad/s at the wrist, peaks of 5-15 g) and a recovery to the ready position. The trunk
    leads the arm (kinetic chain), the pelvis turns half as much, the head turns less (eyes on
    the ball), and the player steps into the ball.
    """
    pose = Pose()
    t, v = sc.t, sc.subject.vigor
    mix = sc.rng.dirichlet([3.0, 2.0, 1.0])
    times = _stroke_times(sc)
    kinds = sc.rng.choice(list(STROKES), size=len(times), p=mix)
    joint = {k: np.full(sc.n, float(READY[k])) for k in READY}
    step = np.zeros(sc.n)
    for tc, kind in zip(times, kinds):
        window = expit((t - (tc - 0.45)) / 0.1) * expit(-(t - (tc + 0.5)) / 0.15)
        speed = sc.uniform(0.8, 1.2) / v
        for k in READY:
            back, follow = STROKES[kind]["back"][k], STROKES[kind]["follow"][k]
            lead = 0.04 if k in ("twist", "flex") else 0.0   # trunk before arm
            tau = (0.09 if k in ("twist", "flex") else 0.065) * speed
            swing = back + (follow - back) * expit((t - tc + lead) / tau)
            joint[k] += window * (swing - READY[k]) * sc.uniform(0.85, 1.15)
        step += sc.rng.normal(0, 0.4) * expit((t - tc + 0.9) / 0.12)   # move to the ball
    twist = deg(joint.pop("twist")) * -sc.dom_y   # + twist = toward the off side
    pose.add("trunk_twist", 0.6 * twist)
    pose.add("pelvis_yaw", 0.4 * twist)
    pose.add("head_turn", -0.6 * twist)
    pose.add("trunk_flex", deg(joint.pop("flex") + sc.subject.lean_deg))
    pose.set_arm(sc.dom, **joint)
    pose.set_arm(sc.off, plane=70, elev=35 + 20 * (joint["plane"] - READY["plane"]) / 100.0, elbow=80)
    for side in ("l", "r"):
        pose.add(f"{side}_knee", deg(sc.uniform(15, 30)))
        pose.add(f"{side}_hip_flex", deg(sc.uniform(10, 20)))
    stand(sc, pose, knee_deg=0.0, sway=0.6)
    pose.root[:, 1] += step - step.mean()
    ambient(sc, pose, level=0.5, free_arms=(), gaze=0.3)
    return pose


def _stroke_times(sc: Scene) -> np.ndarray:
    """Stroke instants every 1.8-3.5 s (a rally), starting at a random point of the cycle."""
    gap = 2.6 / sc.subject.tempo
    return sc.event_times((0.0, gap), (0.7 * gap, 1.35 * gap), 1.0)


def dribbling_a_ball(sc: Scene) -> Pose:
    """Basketball dribble on the spot: crouched, leaning forward, pushing the ball down each beat.

    The hand reverses sharply at the top when the ball comes back (softened |sin|), and the
    knees bounce in time with the ball, which is what a head sensor picks up.
    """
    pose = Pose()
    d, v = sc.dom, sc.subject.vigor
    phase, _, _ = rhythm(sc, 1.9, rel_spread=0.15)
    catch = soft_abs_sin(phase, eps=0.15)          # 0 when the ball meets the hand
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.12) * v
    pose.set_arm(d, plane=sc.uniform(55, 85), elev=25 + 10 * amp * catch, rot=sc.uniform(0, 20),
                 elbow=80 - 30 * amp * catch, pron=sc.uniform(70, 95))
    pose.set_arm(sc.off, plane=sc.uniform(30, 70), elev=sc.uniform(25, 45), rot=10, elbow=sc.uniform(60, 90),
                 pron=40)
    crouch = sc.uniform(20, 45)
    bounce = sc.uniform(2, 5) * v * (0.5 + 0.5 * np.cos(phase - 0.4))   # knees dip as the ball is pushed
    for side in ("l", "r"):
        pose.add(f"{side}_knee", deg(crouch + bounce))
        pose.add(f"{side}_hip_flex", deg(0.7 * crouch + 0.5 * bounce))
        pose.add(f"{side}_hip_abd", deg(sc.uniform(6, 14)))
    lean = sc.uniform(15, 30) + sc.subject.lean_deg
    pose.add("trunk_flex", deg(lean + 1.0 * np.cos(phase - 0.6)))
    pose.add("trunk_twist", deg(sc.dom_y * sc.uniform(0, 20)))   # ball side a little forward
    pose.add("head_flex", deg(-lean + sc.uniform(10, 35)))         # eyes between ball and court
    stand(sc, pose, knee_deg=0.0, sway=0.7)
    ambient(sc, pose, level=0.5, free_arms=(), gaze=0.5)
    return pose
