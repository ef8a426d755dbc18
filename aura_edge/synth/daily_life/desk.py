"""Seated at a desk: typing on a keyboard and writing with a pen."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
from scipy.special import expit

from aura_edge.synth.daily_life.body_helpers import desk_arm, event_times, pauses, seat
from aura_edge.synth.motion import deg, integrate, plateau, smooth_pulses, smooth_targets, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm


def typing_on_a_keyboard(sc: Scene) -> Pose:
    """Typing at a desk: both forearms rest forward on the desk, palms down, and the fingers
    and wrists make fast, tiny movements in bursts (a high-frequency jitter of a degree or two);
    every several seconds the dominant hand slides out to the mouse for a while. The head faces
    the screen, glancing down at the keys now and then. A watch reads almost still, palm down,
    with a small high-frequency jitter."""
    pose = Pose()
    s = sc.subject
    lean, look = sc.uniform(0, 18), sc.uniform(-5, 15)
    seat(sc, pose, lean, look, shift=3.0)
    t = sc.t
    mouse = np.zeros(sc.n)
    mouse_user = sc.rng.random() < 0.85
    times = event_times(sc, 9.0, (0.5, 1.6))
    for tk, nxt in pairwise(times):
        if mouse_user and sc.rng.random() < 0.8:
            mouse += plateau(t, tk, tk + min(sc.uniform(1.5, 5.0), 0.6 * (nxt - tk)), 0.15)
    # Typing comes in bursts (words, sentences) with short thinking pauses between them.
    burst = expit(3.0 * (sc.noise(0.35) + sc.uniform(0.2, 1.0)))
    speed = sc.uniform(0.7, 1.3) * s.vigor
    for side in ("l", "r"):
        # Forearms level on the desk whatever the lean: leaning forward lowers the shoulders,
        # so the upper arm hangs more and the elbow bends more.
        arm = desk_arm(sc, lean, dict(plane=(80, 100), rot=(-80, -60), pron=(75, 95)))
        a = {k: np.full(sc.n, val) for k, val in arm.items()}
        a["plane"] += 2.0 * smooth_targets(sc.rng, t, 0.3, 1.0, 0.15)   # moving across the keys
        busy = speed * burst * (1.0 - mouse) if side == sc.dom else speed * burst
        a["pron"] += busy * (0.6 * sc.noise(5.0, 2.0) + 0.4 * sc.noise(2.5, 0.8))
        a["elbow"] += busy * (0.06 * sc.noise(5.0, 1.5))
        a["plane"] += busy * (0.08 * sc.noise(5.0, 1.5))
        a["rot"] += busy * (0.12 * sc.noise(5.0, 1.5))
        if side == sc.dom:   # out to the mouse: the upper arm swings out, the forearm stays flat
            a["plane"] -= sc.uniform(18, 30) * mouse
            a["rot"] += sc.uniform(8, 15) * mouse
            a["pron"] += 5 * mouse + 2.0 * mouse * sc.noise(1.0, 0.2)
            a["elbow"] += 1.5 * mouse * sc.noise(1.0, 0.2)
            a["plane"] += 2.0 * mouse * sc.noise(1.0, 0.2)
        pose.set_arm(side, **a)
    glance = smooth_pulses(sc.rng, t, 0.05, 1.0, (0.5, 1.5), 0.15)
    pose.add("head_flex", deg(sc.uniform(15, 30)) * glance)
    ambient(sc, pose, level=0.5, free_arms=(), gaze=0.4)
    return pose


def writing_with_a_pen(sc: Scene) -> Pose:
    """Writing with a pen on paper at a desk: the dominant forearm rests on the desk and the hand
    makes small, fast letter strokes (1-4 Hz, a degree or two at the forearm) while it drifts
    along the line, with a quick return to the start of the next line every few seconds; the head
    looks down at the page and the off hand holds the paper. A watch feels a tiny irregular wobble
    and a slow sweep with periodic quick returns."""
    pose = Pose()
    s = sc.subject
    lean, look = sc.uniform(10, 25), sc.uniform(45, 65)
    seat(sc, pose, lean, look, shift=3.0)
    t = sc.t
    letters, _, _ = rhythm(sc, 2.5, rel_spread=0.25, jitter=0.15)
    think = pauses(sc, 0.05, (1.0, 3.0), 0.25)          # pen lifted, reading back
    write = (1.0 - think) * expit(2.5 * (sc.noise(0.5) + 1.2))
    # Progress along the line: the hand drifts while it writes and returns smoothly at each line end.
    line_s = sc.uniform(3.0, 7.0) / s.tempo
    drift = integrate((0.2 + 0.8 * write) / line_s, sc.rate_hz)
    ends = event_times(sc, line_s, (0.7, 1.3))
    at_ends = np.interp(ends, t, drift)
    progress = drift.copy()
    for k in range(1, len(ends)):
        progress -= (at_ends[k] - at_ends[k - 1]) * expit((t - ends[k]) / 0.12)
    progress -= progress.mean()
    amp = wobble(sc.rng, sc.n, sc.rate_hz, 0.2, 0.6) * sc.uniform(0.7, 1.3) * s.vigor
    arm = desk_arm(sc, lean, dict(plane=(75, 88), rot=(-55, -40), pron=(55, 75)), elev=(38, 45))
    a = {k: np.full(sc.n, val) for k, val in arm.items()}
    a["rot"] += sc.dom_y * sc.uniform(15, 25) * progress   # the hand travels rightward along the line
    a["plane"] += sc.dom_y * 3.0 * progress
    strokes = amp * write
    a["pron"] += strokes * (1.0 * np.sin(letters) + 0.6 * sc.noise(4.0, 1.0))
    a["rot"] += strokes * (0.5 * np.cos(letters + 0.5) + 0.3 * sc.noise(4.0, 1.0))
    a["elbow"] += strokes * (0.06 * sc.noise(3.5, 1.0))
    a["elbow"] += 1.5 * smooth_targets(sc.rng, t, 0.1, 1.0, 0.5)   # moving down the page
    pose.set_arm(sc.dom, **a)
    oa = desk_arm(sc, lean, dict(plane=(100, 115), rot=(-60, -45), pron=(80, 95)), elev=(38, 45))
    oa = {k: np.full(sc.n, val) for k, val in oa.items()}
    adjust = smooth_pulses(sc.rng, t, 0.04, 1.0, (0.6, 1.5), 0.15)   # sliding the paper up
    oa["elbow"] += 6 * adjust
    oa["pron"] += 0.6 * sc.noise(0.8)
    pose.set_arm(sc.off, **oa)
    pose.add("head_turn", deg(-sc.uniform(3, 6)) * progress)     # the eyes follow the pen
    pose.add("head_flex", -deg(sc.uniform(5, 15)) * think)
    ambient(sc, pose, level=0.45, free_arms=(), gaze=0.3)
    return pose
