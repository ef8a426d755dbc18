"""Captions of composed activities at three levels, paraphrased by rules (no download, no model).

1. names: the activity's name and synonyms, as a user would type them;
2. the movement: what the body does, how far and how often ("lifting both arms out to the side to
   shoulder height and back down, about every 3 seconds, standing");
3. body parts: the joints, their movement in anatomical words and its size in degrees.

Each window gets one caption drawn from all three levels, so the encoder learns that a name, a
description of the movement and a list of joint movements can mean the same thing: what lets a
user describe an activity nobody trained on.
"""

from __future__ import annotations

import numpy as np

from aura_edge.synth.vocabulary.catalogue import COMPOSED, Exercise, Part
from aura_edge.synth.vocabulary.drills import exercise_named, is_drill
from aura_edge.synth.vocabulary.primitives import PRIMITIVES

POSTURE_WORDS = {"standing": ("standing", "on the feet", "upright"), "sitting": ("seated", "sitting on a chair"),
                 "lying": ("lying on the back", "on the floor, face up"), "prone": ("face down on the forearms",
                                                                                    "in a forearm plank"),
                 "side-lying": ("lying on one side",)}
# How a repetition returns, by what the movement did: a rotation never "lowers", a squat comes back up.
RETURN_WORDS = ("and back", "and returning", "and back to the start")
LOWER_WORDS = ("and back down", "then lowering again")
RISE_WORDS = ("and back up", "then rising again")
LIFTS = ("shoulder flexion", "shoulder abduction", "leg raise", "side leg raise")
DIPS = ("squat", "lunge", "hip hinge", "trunk flexion")
TEMPO_WORDS = ("about every {p:.0f} seconds", "roughly once every {p:.0f} seconds", "{r:.0f} times in ten seconds")
FAST_TEMPO_WORDS = ("about {r:.0f} times in ten seconds", "quickly, about {f:.1f} times a second")
ONE_WAY = ("shoulder circles", "jump", "step", "kick", "turn", "hold")   # no 'and back' after these


def limb_words(primitive: str, side: str) -> str:
    limb = PRIMITIVES[primitive].limb
    if limb is None:
        return ""
    return {"both": f"both {limb}s", "left": f"the left {limb}", "right": f"the right {limb}",
            "l": f"the left {limb}", "r": f"the right {limb}",
            "alternating": f"one {limb} then the other"}[side]


def size_words(part: Part) -> str:
    """How far, in the words people use: shoulder height, overhead, a little; else degrees."""
    a = abs(part.amp)
    if part.primitive in ("shoulder flexion", "shoulder abduction"):
        return "a little" if a < 50 else "to shoulder height" if a < 120 else "overhead"
    if part.primitive == "elbow flexion" and part.amp < 0:
        return f"from a {a:.0f} degree bend"
    if part.primitive == "shoulder circles":
        return "in small circles" if a < 30 else "in wide circles"
    if part.primitive in ("squat", "jump"):
        return "shallow" if a < 60 else "deep"
    return f"by about {int(round(a, -1))} degrees"


def movement(ex: Exercise, rng: np.random.Generator) -> str:
    """Level 2: the movement in plain words, its size, its tempo and the base posture."""
    phrases = []
    for part in ex.parts:
        side = ex.side if part.side == "limb" else part.side
        verb = PRIMITIVES[part.primitive].verb.format(limb=limb_words(part.primitive, side) or "the body")
        if part.primitive == "elbow flexion" and part.amp < 0:
            verb = verb.replace("bending", "straightening")
        if part.primitive == "hold":
            phrases.append("holding the position")
            continue
        size = size_words(part)
        if part.primitive == "jump":
            phrases.append(f"{verb}, landing in a {size} knee bend")
            continue
        if part.primitive == "squat":
            verb, size = verb.replace("a squat", f"a {size} squat"), ""
        held = ("and holding it" if part.static else "" if part.primitive in ONE_WAY
                else _pick(return_words(part, ex.posture), rng))
        phrases.append(_phrase(verb, size, held))
    joiner = " then " if _sequential(ex.parts) else " while "
    text = joiner.join(phrases)
    where = _pick(POSTURE_WORDS[ex.posture], rng)
    if ex.period_s > 0:
        words = FAST_TEMPO_WORDS if ex.period_s < 1.5 else TEMPO_WORDS
        tempo = _pick(words, rng).format(p=ex.period_s, r=10 / ex.period_s, f=1 / ex.period_s)
        slowly = "slowly " if ex.name.startswith("slow ") else ""
        return f"{slowly}{text}, {tempo}, {where}"
    return f"{where}, {text}"


def return_words(part: Part, posture: str) -> tuple[str, ...]:
    """The ways back that fit the movement: a lift may lower, a squat or a forward bend rises again
    (lying on the back, a forward bend is a crunch: it lowers), anything may go back."""
    lying = posture in ("lying", "side-lying", "prone")
    if part.primitive in LIFTS or (part.primitive == "elbow flexion" and part.amp > 0) or \
            (part.primitive in DIPS and lying):
        return RETURN_WORDS + LOWER_WORDS
    return RETURN_WORDS + RISE_WORDS if part.primitive in DIPS else RETURN_WORDS


def _phrase(verb: str, size: str, back: str) -> str:
    """The size goes right after the movement, before any clause about how it is held:
    'turning the forearm outward by about 70 degrees, elbow tucked at the side, and back'."""
    head, _, how = verb.partition(", ")
    moved = " ".join(w for w in (head, size) if w)
    if not how:
        return " ".join(w for w in (moved, back) if w)
    return f"{moved}, {how}" + (f", {back}" if back else "")


def _pick(options: tuple[str, ...], rng: np.random.Generator) -> str:
    return options[rng.integers(len(options))]


def body_parts(ex: Exercise, rng: np.random.Generator) -> str:
    """Level 3: joints and anatomical movements with their size."""
    items = []
    for part in ex.parts:
        p = PRIMITIVES[part.primitive]
        side = ex.side if part.side == "limb" else part.side
        who = {"both": "both sides", "alternating": "alternating sides", "l": "left", "r": "right"}.get(side, side)
        joint = f"{p.joint} ({who})" if p.limb else p.joint
        what = f"{joint}, {abs(part.amp):.0f} degrees"
        items.append(what + (" held" if part.static else ""))
    rate = "a static hold" if ex.period_s <= 0 else f"one repetition per {ex.period_s:.1f} s"
    return f"{'; '.join(items)}; {rate}; {POSTURE_WORDS[ex.posture][0]}"


def names(ex: Exercise) -> list[str]:
    """Level 1: the name, its synonyms with the variant's words, and 'doing ...' forms."""
    prefix = ex.name[:len(ex.name) - len(ex.base)] if ex.base and ex.name.endswith(ex.base) else ""
    out = [ex.name]
    if ex.kind in ("gym", "physio") and not ex.name.endswith("s") and " and " not in ex.name:
        out.append(f"doing {ex.name}s")
    out += [f"{prefix}{s}" for s in ex.synonyms]
    return list(dict.fromkeys(out))


LEVEL_SHARES = (0.4, 0.4, 0.2)          # names, the movement, body parts
DRILL_LEVEL_SHARES = (0.0, 2 / 3, 1 / 3)  # a drill has no name: the movement and body-part levels only


def caption(name: str, rng: np.random.Generator) -> str:
    """One caption for a window of ``name``: a name (40 %), the movement (40 %) or the body parts
    (20 %); for a drill, the movement or the body parts in the same proportion."""
    ex = exercise_named(name)
    level = rng.choice(3, p=DRILL_LEVEL_SHARES if is_drill(name) else LEVEL_SHARES)
    if level == 0:
        return _pick(tuple(names(ex)), rng)
    return movement(ex, rng) if level == 1 else body_parts(ex, rng)


def describe(name: str) -> str:
    """The label entry 'name: description of the movement' a user might write for ``name``
    (one fixed paraphrase, so that scores are reproducible)."""
    return f"{name}: {movement(COMPOSED[name], np.random.default_rng(0))}"


def _sequential(parts: tuple[Part, ...]) -> bool:
    """Whether the moving parts follow each other in the cycle rather than move together."""
    moving = sorted({p.window for p in parts if not p.static})
    return len(moving) > 1 and all(a[1] <= b[0] + 1e-9 for a, b in zip(moving, moving[1:]))
