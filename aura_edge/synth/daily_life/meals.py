"""Seated at a table: eating and drinking (the hand comes up to the mouth)."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from aura_edge.synth.daily_life.body_helpers import blend, desk_arm, event_times, jitter_arm, off_rest_standing, seat
from aura_edge.synth.motion import deg, gaussian_bump, plateau, wobble
from aura_edge.synth.posture import Pose, Scene, ambient, rhythm, stand

# Hand at the mouth holding a fork, spoon, cup or bottle (deg): the upper arm forward and a
# little across, the elbow strongly flexed, the forearm rotated toward thumb-up.
MOUTH_ARM = dict(plane=(105, 125), elev=(15, 30), rot=(-85, -65), elbow=(125, 140), pron=(25, 45))


def eating(sc: Scene) -> Pose:
    """Eating a meal at a table: the dominant hand brings a fork or spoon (or both hands a
    sandwich) to the mouth every 3-8 s, irregularly; between bites it cuts with a knife, scoops or
    spears food, and the head dips toward the plate to meet each bite and nods slightly while
    chewing. A watch feels repeated slow lifts of the forearm from flat to pointing up."""
    pose = Pose()
    s = sc.subject
    style = sc.choice({"knife_fork": 0.35, "spoon": 0.25, "fork": 0.25, "hands": 0.15})
    lean, look = sc.uniform(10, 25), sc.uniform(35, 55)
    seat(sc, pose, lean, look)
    t = sc.t
    rest = desk_arm(sc, lean, dict(plane=(75, 95), rot=(-70, -50), pron=(55, 85)))
    mouth = jitter_arm(sc, MOUTH_ARM)
    rise = sc.uniform(0.12, 0.18) / s.tempo
    lift = np.zeros(sc.n)
    dip = np.zeros(sc.n)
    between = np.zeros(sc.n)           # food handling before each bite (cutting / scooping / spearing)
    times = event_times(sc, 5.0, (0.6, 1.5))
    for tk, nxt in pairwise(times):
        hold = min(sc.uniform(0.3, 0.8) * (2.0 if style == "hands" else 1.0), 0.5 * (nxt - tk))
        lift += plateau(t, tk, tk + hold, rise)
        dip += plateau(t, tk + 0.1, tk + 0.1 + hold - 0.1, rise * 1.3)
        prep = min(sc.uniform(1.0, 2.5), max(nxt - tk - hold - 8 * rise, 0.0))
        between += plateau(t, nxt - prep - 5 * rise, nxt - prep - 5 * rise + prep, 0.2)
    a = blend(rest, mouth, lift)
    vig = wobble(sc.rng, sc.n, sc.rate_hz, 0.15, 0.3) * s.vigor
    off_rest = desk_arm(sc, lean, dict(plane=(90, 110), rot=(-60, -40), pron=(60, 90)))
    off = {k: np.full(sc.n, val) for k, val in off_rest.items()}
    if style == "knife_fork":          # sawing with the knife, the fork in the off hand holds the food
        saw, _, _ = rhythm(sc, 2.2, rel_spread=0.2)
        a["elbow"] = a["elbow"] + 7 * vig * between * np.sin(saw)
        a["elev"] = a["elev"] - 3 * vig * between * np.sin(saw)
        a["pron"] = a["pron"] + 4 * vig * between * np.sin(saw + 0.5)
        off["elbow"] += 1.0 * between * np.sin(saw + np.pi)
    elif style == "spoon":             # scooping: a small arc with a twist of the forearm
        scoop, _, _ = rhythm(sc, 0.9, rel_spread=0.2)
        a["pron"] = a["pron"] - 18 * vig * between * (0.5 - 0.5 * np.cos(scoop))
        a["elbow"] = a["elbow"] + 6 * vig * between * np.sin(scoop)
        off["pron"] -= 20 * (sc.rng.random() < 0.5)   # holding the bowl
    elif style == "fork":              # pushing food around and spearing it
        poke, _, _ = rhythm(sc, 1.3, rel_spread=0.25)
        a["elev"] = a["elev"] - 3 * vig * between * np.sin(poke)
        a["elbow"] = a["elbow"] - 5 * vig * between * np.sin(poke + 0.4)
        a["plane"] = a["plane"] + 4 * vig * between * np.sin(0.5 * poke)
    else:                              # a sandwich or a slice in both hands
        off = blend(off_rest, jitter_arm(sc, MOUTH_ARM), lift)
    pose.set_arm(sc.dom, **a)
    pose.set_arm(sc.off, **off)
    # The head and trunk bow toward the plate to meet each bite.
    pose.add("head_flex", deg(sc.uniform(6, 15)) * dip)
    pose.add("trunk_flex", deg(sc.uniform(4, 9)) * dip)
    chew, _, _ = rhythm(sc, 1.5, rel_spread=0.15)
    pose.add("head_flex", deg(sc.uniform(0.3, 0.7)) * (1.0 - lift) * np.sin(chew))
    ambient(sc, pose, level=0.5, free_arms=(), gaze=0.5)
    return pose


def drinking(sc: Scene) -> Pose:
    """Drinking from a cup, glass or bottle, standing or seated: the dominant hand lifts it to
    the mouth, tilts it (the forearm rotates and the elbow rises while the head tips back, more
    for a bottle), holds for a few swallows and puts it down; sips come irregularly every 4-10 s.
    A watch feels the slow lift and the forearm rotation; glasses feel the head tipping back."""
    pose = Pose()
    s = sc.subject
    seated = sc.rng.random() < 0.5
    vessel = sc.choice({"cup": 0.4, "glass": 0.3, "bottle": 0.3})
    t = sc.t
    if seated:
        lean = sc.uniform(0, 15)
        seat(sc, pose, lean, sc.uniform(5, 30))
        rest = desk_arm(sc, lean, dict(plane=(75, 95), rot=(-65, -45), pron=(10, 40)))   # hand at the cup
    elif vessel == "bottle" and sc.rng.random() < 0.5:   # the bottle hangs at the side between sips
        rest = jitter_arm(sc, dict(plane=(70, 90), elev=(4, 12), rot=(-20, 10), elbow=(10, 25), pron=(0, 25)))
    else:                                               # holding the cup in front of the chest
        rest = jitter_arm(sc, dict(plane=(75, 95), elev=(10, 25), rot=(-70, -45), elbow=(85, 105),
                                    pron=(5, 30)))
    mouth = jitter_arm(sc, MOUTH_ARM)
    tilt_deg = {"cup": (20, 35), "glass": (30, 45), "bottle": (45, 65)}[vessel]
    head_back = {"cup": (5, 12), "glass": (10, 20), "bottle": (20, 35)}[vessel]
    rise = sc.uniform(0.14, 0.2) / s.tempo
    lift = np.zeros(sc.n)
    tilt = np.zeros(sc.n)
    gulps = np.zeros(sc.n)
    times = event_times(sc, 7.0, (0.6, 1.5))
    for tk, nxt in pairwise(times):
        hold = min(sc.uniform(1.0, 3.0) * (1.3 if vessel == "bottle" else 1.0), 0.55 * (nxt - tk))
        lift += plateau(t, tk, tk + hold, rise)
        tilt += plateau(t, tk + 3 * rise, tk + 3 * rise + max(hold - 4 * rise, 0.3), 0.18) * sc.uniform(0.7, 1.0)
        for g in np.arange(tk + 4 * rise, tk + hold - rise, sc.uniform(0.6, 0.9)):
            gulps += gaussian_bump(t, g, 0.1)
    a = blend(rest, mouth, lift)
    tilt_amt = sc.uniform(*tilt_deg)
    a["elev"] = a["elev"] + 0.6 * tilt_amt * tilt
    a["pron"] = a["pron"] - 0.6 * tilt_amt * tilt       # rolling the rim toward the lips
    a["elbow"] = a["elbow"] + 0.15 * tilt_amt * tilt
    pose.set_arm(sc.dom, **a)
    if seated:
        off = sc.choice({"table": 0.6, "lap": 0.4})
        if off == "table":
            pose.set_arm(sc.off, **desk_arm(sc, lean, dict(plane=(85, 105), rot=(-60, -40), pron=(60, 90))))
        else:
            pose.set_arm(sc.off, **jitter_arm(sc, dict(plane=(80, 95), elev=(15, 25), rot=(0, 20), elbow=(50, 65),
                                                       pron=(60, 80))))
        free = False
    else:
        free = off_rest_standing(sc, pose, {"hanging": 0.6, "hips": 0.15, "pockets": 0.25})
        stand(sc, pose, knee_deg=sc.uniform(2, 8), sway=0.8)
        pose.add("trunk_flex", deg(s.lean_deg * 0.5 + sc.rng.normal(0, 2)))
        pose.add("head_flex", deg(s.head_pitch_deg + sc.rng.normal(0, 3)))
    pose.add("head_flex", -deg(sc.uniform(*head_back)) * tilt - deg(sc.uniform(2, 6)) * lift
             + deg(0.8) * gulps)
    pose.add("trunk_flex", -deg(sc.uniform(1, 4)) * tilt)
    ambient(sc, pose, level=0.5 if seated else 0.8, free_arms=(sc.off,) if free else (), gaze=0.6)
    return pose
