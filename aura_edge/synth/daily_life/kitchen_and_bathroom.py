"""Standing at a sink, stove or table: brushing teeth, stirring a pot, wiping a table."""

from __future__ import annotations

import numpy as np

from aura_edge.synth.daily_life.body_helpers import jitter_arm, off_rest_standing, pauses
from aura_edge.synth.motion import deg, smooth_targets, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm, stand


def brushing_teeth(sc: Scene) -> Pose:
    """Brushing teeth at a sink: the dominant hand at the mouth scrubs in quick small strokes
    (3-5 Hz, side to side, up and down or in small circles) and moves between tooth surfaces every
    few seconds; the head is a little down and jiggles with the strokes, and now and then the
    person pauses and leans over the sink to spit. A watch feels a fast, small oscillation with
    the forearm raised; glasses feel the head being pushed in time with the brush."""
    pose = Pose()
    s, v = sc.subject, sc.subject.vigor
    phase, _, _ = rhythm(sc, 4.0, rel_spread=0.12, jitter=0.06)
    style = sc.choice({"horizontal": 0.5, "vertical": 0.2, "circles": 0.2, "electric": 0.1})
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.18, 0.5) * v * sc.uniform(0.55, 1.05)
    if style == "electric":   # the brush does the scrubbing: the hand glides from tooth to tooth
        amp = amp * 0.15
    spit = pauses(sc, 0.05, (1.2, 3.0), 0.3)
    work = amp * (1.0 - 0.95 * spit)
    # Which teeth: the brush moves to another surface every 2-4 s (turning the wrist and hand).
    region = smooth_targets(sc.rng, sc.t, 0.35, 1.0, 0.2)
    side = smooth_targets(sc.rng, sc.t, 0.25, 1.0, 0.2)
    arm = jitter_arm(sc, dict(plane=(35, 65), elev=(55, 85), rot=(-25, -5), elbow=(125, 142), pron=(20, 55)))
    osc, osc2 = np.sin(phase), np.cos(phase)
    a = {k: np.full(sc.n, val) for k, val in arm.items()}
    a["pron"] += 22 * region
    a["plane"] += 7 * side
    a["elev"] += 5 * side
    if style in ("horizontal", "electric"):
        a["plane"] += 1.6 * work * osc
        a["rot"] += 2.0 * work * osc
        a["pron"] += 4.0 * work * osc
    elif style == "vertical":
        a["elev"] += 1.6 * work * osc
        a["elbow"] += 2.6 * work * osc
        a["pron"] += 2.5 * work * osc2
    else:
        a["plane"] += 1.6 * work * osc
        a["elbow"] += 2.4 * work * osc2
        a["pron"] += 2.5 * work * osc
    # Spitting: the brush comes down from the mouth while the trunk and head bend over the sink.
    a["elev"] -= 35 * spit
    a["elbow"] -= 45 * spit
    pose.set_arm(sc.dom, **a)
    free = off_rest_standing(sc, pose, {"counter": 0.45, "hanging": 0.4, "hips": 0.15})
    lean = s.lean_deg * 0.5 + sc.uniform(4, 14)
    pose.add("trunk_flex", deg(lean + sc.uniform(15, 30) * spit))
    pose.add("head_flex", deg(s.head_pitch_deg + sc.uniform(0, 15) + sc.uniform(10, 25) * spit))
    pose.add("head_turn", deg(-4 * side * sc.dom_y))   # turning the face toward the brushed side
    # The brush pushes the head a little in time with the strokes.
    push = deg(sc.uniform(0.25, 0.6)) * work
    if style == "vertical":
        pose.add("head_flex", push * np.sin(phase + 0.4))
    else:
        pose.add("head_turn", push * np.sin(phase + 0.4))
        pose.add("head_bend", 0.4 * push * np.sin(phase + 0.9))
    stand(sc, pose, knee_deg=sc.uniform(2, 8), sway=0.7)
    ambient(sc, pose, level=0.5, free_arms=(sc.off,) if free else (), gaze=0.25)
    return pose


def stirring_a_pot(sc: Scene) -> Pose:
    """Stirring a pot on a stove: the dominant forearm draws circles (or sweeps back and forth)
    with a spoon at about 1 Hz over the pot at waist height, while the off hand steadies the pot
    by its handle or rests; the trunk leans a little and rocks with the stir, the head looks into
    the pot. A watch feels a steady ~1 Hz rotation with the forearm pointing forward and down."""
    pose = Pose()
    s, v = sc.subject, sc.subject.vigor
    style = sc.choice({"circles": 0.6, "sweep": 0.25, "slow": 0.15})
    base = {"circles": 1.1, "sweep": 1.0, "slow": 0.6}[style]
    phase, _, _ = rhythm(sc, base, rel_spread=0.2, jitter=0.06)
    turn = 1.0 if sc.rng.random() < 0.5 else -1.0       # clockwise or anticlockwise
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.12, 0.3) * v * sc.uniform(0.75, 1.25)
    if style == "slow":
        amp = amp * 1.5                                 # big slow circles through a thick stew
    work = amp * (1.0 - pauses(sc, 0.04, (1.0, 3.0), 0.3))
    if style == "sweep":                                # scraping across the bottom, side to side
        lateral, fore = np.sin(phase), 0.3 * np.sin(2 * phase)
    else:
        lateral, fore = turn * np.sin(phase), np.cos(phase)
    arm = jitter_arm(sc, dict(plane=(65, 85), elev=(30, 45), rot=(-55, -35), elbow=(55, 85), pron=(15, 45)))
    a = {k: np.full(sc.n, val) for k, val in arm.items()}
    a["plane"] += 6 * work * lateral
    a["rot"] += 3 * work * lateral
    a["pron"] += 8 * work * lateral
    a["elbow"] -= 11 * work * fore      # with the arm raised: the hand moves forward, level
    a["elev"] += 7 * work * fore
    pose.set_arm(sc.dom, **a)
    off = sc.choice({"handle": 0.55, "counter": 0.2, "hanging": 0.25})
    if off == "handle":   # holding the pot's handle: braces a little against each stir
        oa = jitter_arm(sc, dict(plane=(45, 70), elev=(25, 40), rot=(-45, -20), elbow=(50, 80), pron=(0, 25)))
        oa = {k: np.full(sc.n, val) for k, val in oa.items()}
        oa["plane"] -= 1.5 * work * lateral
        oa["elbow"] += 1.5 * work * fore
        pose.set_arm(sc.off, **oa)
        free = False
    else:
        free = off_rest_standing(sc, pose, {off: 1.0})
    lean = s.lean_deg * 0.5 + sc.uniform(4, 14)
    pose.add("trunk_flex", deg(lean + 0.8 * work * fore))
    pose.add("trunk_twist", deg(-sc.dom_y * 1.2) * work * lateral)
    pose.add("trunk_bend", deg(0.4) * work * np.sin(phase + 0.5))
    pose.add("head_flex", deg(sc.uniform(20, 40) - lean + 0.3 * s.head_pitch_deg))
    stand(sc, pose, knee_deg=sc.uniform(2, 8), sway=0.8)
    ambient(sc, pose, level=0.6, free_arms=(sc.off,) if free else (), gaze=0.4)
    return pose


def wiping_a_table(sc: Scene) -> Pose:
    """Wiping a table: bent over it from the hips, the dominant hand presses a cloth flat on the
    top and makes circles or back-and-forth strokes (1-2 Hz), working its way across the table;
    the off hand leans on the table. The trunk rocks with each stroke. A watch feels the forearm
    pointing down and forward, palm down, moving in a large horizontal pattern."""
    pose = Pose()
    s, v = sc.subject, sc.subject.vigor
    style = sc.choice({"circles": 0.45, "back_and_forth": 0.35, "side_to_side": 0.2})
    phase, _, _ = rhythm(sc, 1.25, rel_spread=0.15, jitter=0.06)
    turn = 1.0 if sc.rng.random() < 0.5 else -1.0
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.15, 0.3) * v * sc.uniform(0.6, 1.1)
    work = amp * (1.0 - pauses(sc, 0.03, (0.8, 2.0), 0.25))
    if style == "circles":
        lateral, fore = turn * np.sin(phase), np.cos(phase)
    elif style == "back_and_forth":
        lateral, fore = 0.2 * np.sin(2 * phase), np.sin(phase)
    else:
        lateral, fore = np.sin(phase), 0.2 * np.sin(2 * phase)
    # Working across the table: the hand moves to a new patch every few seconds.
    patch_x = smooth_targets(sc.rng, sc.t, 0.2, 1.0, 0.35)
    patch_y = smooth_targets(sc.rng, sc.t, 0.2, 1.0, 0.35)
    # Hip hinge (pelvis pitch): tall people bend further to reach the same table.
    hinge = sc.uniform(8, 16) + float(np.clip(40 * (s.body.height - 1.72), -6, 8))
    lean = s.lean_deg * 0.5 + sc.uniform(12, 22)            # trunk on the pelvis
    arm = jitter_arm(sc, dict(plane=(78, 90), elev=(38, 48), rot=(-65, -50), elbow=(40, 55), pron=(70, 90)))
    a = {k: np.full(sc.n, val) for k, val in arm.items()}
    # Raising the arm while straightening the elbow slides the hand forward along the table top.
    a["plane"] += 8 * patch_y + 8 * work * lateral
    a["rot"] += 3 * work * lateral
    a["pron"] += 4 * work * lateral
    a["elev"] += 6 * patch_x + 9 * work * fore
    a["elbow"] -= 6 * patch_x + 9 * work * fore
    pose.set_arm(sc.dom, **a)
    oa = jitter_arm(sc, dict(plane=(55, 80), elev=(40, 50), rot=(-50, -30), elbow=(30, 45), pron=(75, 95)))
    oa = {k: np.full(sc.n, val) for k, val in oa.items()}
    oa["elev"] -= 3 * work * fore                           # the body moves over the planted hand
    oa["elbow"] += 3 * work * fore
    pose.set_arm(sc.off, **oa)
    pose.add("pelvis_pitch", deg(hinge))
    pose.add("trunk_flex", deg(lean + 0.5 * work * fore))
    pose.add("trunk_twist", deg(-sc.dom_y * 1.2) * work * lateral)
    pose.add("trunk_bend", deg(sc.dom_y * 0.5) * work * lateral)
    pose.add("head_flex", deg(sc.uniform(45, 70) - lean - hinge + 0.3 * s.head_pitch_deg))
    pose.add("head_turn", deg(-sc.dom_y * 1.5) * work * lateral)
    for side in ("l", "r"):                                 # soft knees to reach the far side
        pose.add(f"{side}_knee", deg(sc.uniform(4, 14)))
    stand(sc, pose, knee_deg=sc.uniform(2, 6), sway=0.6)
    pose.root[:, 0] += 0.005 * work * fore                   # the weight rocks with the strokes
    ambient(sc, pose, level=0.4, free_arms=(), gaze=0.3)
    return pose
