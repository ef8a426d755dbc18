"""Movement drills: random compositions of primitives, captioned only by what the body does.

The catalogue's activities teach the encoder whole exercises, and each primitive mostly in the
few combinations those exercises use (an elbow flexion is nearly always a curl). A drill is one
random draw of a base posture, one to three primitives with their sizes, sides, timing and tempo,
captioned at the movement and body-part levels only: it has no name to learn, so the only way to
match its caption is to read the movement words. ``synth?drills=N`` gives every training person
N drills of their own (one window each); validation and test never hold drills.

What a drill may use is read from the trained catalogue: the base postures each primitive is done
in and the sizes it is done at. A drill never holds the primitives of a held-out exercise
(``NOVEL_ACTIVITIES``, ``NOVEL_COMPOSITIONS``): not the same set, and not a set containing one of
their combinations, so the novel conditions stay unseen.
"""

from __future__ import annotations

import functools
import zlib

import numpy as np

from aura_edge.synth.vocabulary.catalogue import (COMPOSED, EXERCISES, NOVEL_ACTIVITIES, NOVEL_COMPOSITIONS, Exercise,
                                                  Part)
from aura_edge.synth.vocabulary.primitives import PRIMITIVES

DRILL_PREFIX = "drill "
POSTURE_WEIGHTS = {"standing": 0.55, "sitting": 0.3, "lying": 0.1, "side-lying": 0.05}
PART_COUNTS, PART_COUNT_WEIGHTS = (1, 2, 3), (0.4, 0.4, 0.2)
# At most this many primitives of a region in one drill: two arm movements (a raise and an elbow
# bend) but one trunk movement and one leg or whole-body movement (a squat and a jump do not mix).
REGION_LIMITS = {"arms": 2, "trunk": 1, "legs": 1, "whole body": 1}
SIZE_SPREAD = (0.6, 1.25)     # a drill's amplitude: a catalogue amplitude of the primitive times this
PERIOD_S = (0.8, 4.5)         # repetition period range; a drill whose parts all hold is a held pose
HELD_SHARE, SEQUENTIAL_SHARE = 0.15, 0.4
UNHOLDABLE = ("jump", "step", "kick", "turn", "shoulder circles")   # movements, not positions one can hold
MAX_DRAWS = 200


def is_drill(name: str) -> bool:
    return str(name).startswith(DRILL_PREFIX)


def drill_name(subject_id: int, k: int) -> str:
    return f"{DRILL_PREFIX}{subject_id}.{k}"


def exercise_named(name: str) -> Exercise:
    """The composed activity or drill called ``name``."""
    return drill(name) if is_drill(name) else COMPOSED[name]


@functools.lru_cache(maxsize=65536)
def drill(name: str) -> Exercise:
    """The drill called ``name``: a fixed random draw (the name seeds it)."""
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    for _ in range(MAX_DRAWS):
        ex = _draw(name, rng)
        if not _holds_held_out(ex):
            return ex
    raise RuntimeError(f"no drill free of held-out combinations in {MAX_DRAWS} draws for {name!r}")


def _draw(name: str, rng: np.random.Generator) -> Exercise:
    posture = str(rng.choice(list(POSTURE_WEIGHTS), p=list(POSTURE_WEIGHTS.values())))
    chosen = _pick_primitives(USAGE_BY_POSTURE[posture], rng)
    limbs = {PRIMITIVES[p].limb for p in chosen} - {None}
    side = str(rng.choice(("left", "right", "alternating") if "leg" in limbs else
                          ("both", "left", "right", "alternating")))
    # A drill of several parts keeps its first one moving; a movement like a jump is never held.
    held = [(k > 0 or len(chosen) == 1) and rng.random() < HELD_SHARE and p not in UNHOLDABLE
            for k, p in enumerate(chosen)]
    moving = [p for p, h in zip(chosen, held) if not h]
    windows = _windows(len(moving), rng)
    parts, w = [], iter(windows)
    for primitive, h in zip(chosen, held):
        amp = float(rng.choice(AMPLITUDES[primitive]) * rng.uniform(*SIZE_SPREAD))
        amp = float(np.clip(amp, -LARGEST[primitive], LARGEST[primitive]))   # no larger than anyone does it
        if primitive != "elbow flexion":   # the captions say a negative size only for an elbow (a press)
            amp = abs(amp)
        parts.append(Part(primitive, round(amp), (0.0, 1.0) if h else next(w),
                          "limb" if PRIMITIVES[primitive].limb else "both", static=h))
    period = 0.0 if not moving else round(float(rng.uniform(*PERIOD_S)), 1)
    return Exercise(name, "drill", posture, period, tuple(parts), side=side, base=name)


def _pick_primitives(allowed: tuple[str, ...], rng: np.random.Generator) -> list[str]:
    count = int(rng.choice(PART_COUNTS, p=PART_COUNT_WEIGHTS))
    chosen, used = [], {region: 0 for region in REGION_LIMITS}
    for primitive in rng.permutation(allowed):
        region = PRIMITIVES[primitive].region
        if used[region] < REGION_LIMITS[region]:
            chosen.append(str(primitive))
            used[region] += 1
        if len(chosen) == count:
            break
    return chosen


def _windows(moving: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """Moving parts move together over the whole cycle, or one after another in equal shares."""
    if moving > 1 and rng.random() < SEQUENTIAL_SHARE:
        return [(k / moving, (k + 1) / moving) for k in range(moving)]
    return [(0.0, 1.0)] * moving


def _holds_held_out(ex: Exercise) -> bool:
    used = frozenset(p.primitive for p in ex.parts)
    return any(used == held or (len(held) > 1 and held <= used) for held in HELD_OUT_SETS)


def _usage():
    """From the trained catalogue: the primitives done in each base posture, and each primitive's amplitudes."""
    held_out = set(NOVEL_ACTIVITIES + NOVEL_COMPOSITIONS)
    by_posture: dict[str, set[str]] = {posture: set() for posture in POSTURE_WEIGHTS}
    amplitudes: dict[str, list[float]] = {}
    for ex in EXERCISES:
        if ex.name in held_out:
            continue
        for part in ex.parts:
            if part.primitive == "hold":
                continue
            amplitudes.setdefault(part.primitive, []).append(part.amp)
            for posture in (ex.posture, *ex.postures):
                by_posture.setdefault(posture, set()).add(part.primitive)
    sets = [frozenset(p.primitive for p in ex.parts) for ex in EXERCISES if ex.name in held_out]
    return ({k: tuple(sorted(v)) for k, v in by_posture.items()}, {k: tuple(v) for k, v in amplitudes.items()},
            tuple(sets))


USAGE_BY_POSTURE, AMPLITUDES, HELD_OUT_SETS = _usage()
LARGEST = {primitive: max(abs(a) for a in amps) for primitive, amps in AMPLITUDES.items()}
