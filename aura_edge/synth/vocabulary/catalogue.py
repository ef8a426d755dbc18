"""Composed activities: exercises, stretches, poses, work tasks and gestures built from primitives.

An ``Exercise`` is a base posture plus parts, each a primitive with an amplitude (degrees) and
the share of the movement cycle it occupies: parts that share a window happen together (a
jumping jack lifts the arms while the body jumps), parts in successive windows happen in
sequence (a curl, then a press). Variants multiply each exercise into distinct activities: the
side that does it (left, right, both, alternating), the base posture (standing, seated) and, for
workouts, physiotherapy and work, a slow tempo.
``COMPOSED`` is the resulting table of several hundred named activities.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from aura_edge.synth.vocabulary.primitives import PRIMITIVES


@dataclass(frozen=True)
class Part:
    primitive: str
    amp: float                              # degrees (knee bend for a jump, circle radius for circles)
    window: tuple[float, float] = (0.0, 1.0)   # share of the cycle it moves in
    side: str = "limb"                      # 'limb': the variant's side; or 'l', 'r', 'both' fixed
    static: bool = False                    # held at full amplitude the whole time (poses, stretches)


@dataclass(frozen=True)
class Exercise:
    name: str
    kind: str                               # 'gym', 'physio', 'stretch', 'yoga', 'work', 'sport', 'gesture'
    posture: str                            # a key of postures.POSTURES ('standing', 'sitting', 'lying' ...)
    period_s: float                         # one repetition (0 for a held pose)
    parts: tuple[Part, ...]
    synonyms: tuple[str, ...] = ()
    sides: tuple[str, ...] = ("both",)      # variants by side
    postures: tuple[str, ...] = ()          # more base postures it can be done in
    side: str = "both"                      # filled in by variants
    base: str = ""                          # the exercise's own name, before variant words


def P(primitive: str, amp: float, window=(0.0, 1.0), side: str = "limb", static: bool = False) -> Part:
    if primitive not in PRIMITIVES:
        raise KeyError(primitive)
    return Part(primitive, amp, window, side, static)


ARM_SIDES = ("both", "left", "right", "alternating")
ONE_SIDE = ("left", "right")
EXERCISES: tuple[Exercise, ...] = (
    # gym and home workouts
    Exercise("lateral raise", "gym", "standing", 3.0, (P("shoulder abduction", 85),),
             ("side raise", "dumbbell lateral raise"), ARM_SIDES, ("sitting",)),
    Exercise("front raise", "gym", "standing", 3.0, (P("shoulder flexion", 90),),
             ("forward arm raise", "dumbbell front raise"), ARM_SIDES, ("sitting",)),
    Exercise("overhead press", "gym", "standing", 2.6,
             (P("shoulder abduction", 80, side="limb"), P("elbow flexion", -60)),
             ("shoulder press", "military press"), ARM_SIDES, ("sitting",)),
    Exercise("bicep curl", "gym", "standing", 2.4, (P("elbow flexion", 120),),
             ("arm curl", "dumbbell curl"), ARM_SIDES, ("sitting",)),
    Exercise("hammer curl", "gym", "standing", 2.4, (P("elbow flexion", 115), P("wrist rotation", -60, static=True)),
             ("neutral grip curl",), ARM_SIDES, ("sitting",)),
    Exercise("tricep extension", "gym", "standing", 2.4,
             (P("shoulder flexion", 165, static=True), P("elbow flexion", -110, (0.0, 1.0))),
             ("overhead tricep extension", "french press"), ("both", "left", "right"), ("sitting",)),
    Exercise("upright row", "gym", "standing", 2.6, (P("shoulder abduction", 75), P("elbow flexion", 100)),
             ("barbell upright row",), ("both",)),
    Exercise("bent-over row", "gym", "standing", 2.4,
             (P("hip hinge", 55, side="both", static=True), P("shoulder flexion", -40), P("elbow flexion", 90)),
             ("dumbbell row", "rowing with a dumbbell"), ("both", "left", "right", "alternating")),
    Exercise("curl and press", "gym", "standing", 4.0,
             (P("elbow flexion", 120, (0.0, 0.5)), P("shoulder flexion", 150, (0.5, 1.0))),
             ("curl to press",), ("both", "left", "right")),
    Exercise("squat", "gym", "standing", 3.0, (P("squat", 100, side="both"),),
             ("bodyweight squat", "air squat")),
    Exercise("squat with overhead reach", "gym", "standing", 3.2,
             (P("squat", 95, side="both"), P("shoulder flexion", 160, (0.35, 1.0))), ("squat to reach",)),
    Exercise("half squat", "gym", "standing", 2.2, (P("squat", 55, side="both"),), ("mini squat",)),
    Exercise("lunge", "gym", "standing", 3.2, (P("lunge", 90),), ("forward lunge", "split squat"),
             ("left", "right", "alternating")),
    Exercise("deadlift", "gym", "standing", 3.4,
             (P("hip hinge", 75, side="both"), P("squat", 35, side="both")), ("romanian deadlift",)),
    Exercise("good morning", "gym", "standing", 3.0,
             (P("hip hinge", 70, side="both"), P("elbow flexion", 130, side="both", static=True)),
             ("hip hinge with hands behind the head",)),
    Exercise("jumping jack", "gym", "standing", 1.2,
             (P("jump", 25, side="both"), P("shoulder abduction", 150, side="both"),
              P("side leg raise", 18, side="both")),
             ("star jump",)),
    Exercise("squat jump", "gym", "standing", 1.8, (P("jump", 80, side="both"),), ("jump squat",)),
    Exercise("high knees", "gym", "standing", 0.8,
             (P("step", 85, (0.0, 0.5), side="l"), P("step", 85, (0.5, 1.0), side="r")), ("running on the spot",)),
    Exercise("marching on the spot", "gym", "standing", 1.3,
             (P("step", 55, (0.0, 0.5), side="l"), P("step", 55, (0.5, 1.0), side="r")), ("marching in place",)),
    Exercise("butt kicks", "gym", "standing", 0.8,
             (P("step", 15, (0.0, 0.5), side="l"), P("step", 15, (0.5, 1.0), side="r")), ("heel flicks",)),
    Exercise("calf raise", "gym", "standing", 2.0, (P("jump", 5, side="both"),), ("heel raise",)),
    Exercise("plank", "gym", "prone", 0.0, (P("hold", 0, side="both", static=True),), ("holding a plank",)),
    Exercise("crunch", "gym", "lying", 2.6, (P("trunk flexion", 35, side="both"),), ("sit-up", "ab crunch")),
    Exercise("bicycle crunch", "gym", "lying", 2.0,
             (P("trunk rotation", 30, (0.0, 0.5), side="l"), P("leg raise", 70, (0.0, 0.5), side="r"),
              P("trunk rotation", 30, (0.5, 1.0), side="r"), P("leg raise", 70, (0.5, 1.0), side="l")),
             ("cross crunch",)),
    Exercise("lying leg raise", "gym", "lying", 3.0, (P("leg raise", 75),), ("supine leg lift",),
             ("both", "left", "right", "alternating")),
    Exercise("russian twist", "gym", "sitting", 2.0,
             (P("trunk rotation", 35, (0.0, 0.5), side="l"), P("trunk rotation", 35, (0.5, 1.0), side="r")),
             ("seated twist with a weight",)),
    Exercise("woodchopper", "gym", "standing", 2.4,
             (P("trunk rotation", 45), P("shoulder flexion", 120, side="both"), P("squat", 40, side="both")),
             ("wood chop",), ONE_SIDE),
    Exercise("arm circles", "gym", "standing", 1.2, (P("shoulder circles", 20),), ("arm rotations",),
             ("both", "left", "right"), ("sitting",)),
    Exercise("shoulder shrugs", "gym", "standing", 1.6, (P("shoulder abduction", 12, side="both"),), ("shrugs",),
             ("both",), ("sitting",)),
    Exercise("kettlebell swing", "gym", "standing", 1.6,
             (P("hip hinge", 60, side="both"), P("shoulder flexion", 95, side="both")), ("swinging a kettlebell",)),
    # physiotherapy and range of motion
    Exercise("shoulder external rotation", "physio", "standing", 3.0, (P("shoulder external rotation", 70),),
             ("rotator cuff external rotation", "outward arm rotation"), ("left", "right", "both"), ("sitting",)),
    Exercise("shoulder internal rotation", "physio", "standing", 3.0, (P("shoulder internal rotation", 70),),
             ("rotator cuff internal rotation",), ("left", "right", "both"), ("sitting",)),
    Exercise("pendulum swing", "physio", "standing", 2.0,
             (P("hip hinge", 60, side="both", static=True), P("shoulder circles", 15)),
             ("codman pendulum",), ONE_SIDE),
    Exercise("wall slide", "physio", "standing", 3.5, (P("shoulder flexion", 150),), ("arm slide up the wall",),
             ("both", "left", "right")),
    Exercise("elbow bend and straighten", "physio", "sitting", 2.5, (P("elbow flexion", 130),),
             ("elbow range of motion",), ("left", "right", "both")),
    Exercise("wrist curls", "physio", "sitting", 1.5, (P("wrist flexion", 60),), ("wrist flexion exercise",),
             ("left", "right", "both")),
    Exercise("forearm rotations", "physio", "sitting", 1.8, (P("wrist rotation", 140),),
             ("turning the palm up and down", "supination and pronation"), ("left", "right", "both")),
    Exercise("seated knee extension", "physio", "sitting", 3.0, (P("knee extension", 80),), ("knee straightening",),
             ("left", "right", "alternating")),
    Exercise("standing hip abduction", "physio", "standing", 2.6, (P("side leg raise", 35),),
             ("standing side leg lift",), ONE_SIDE),
    Exercise("standing leg swing", "physio", "standing", 1.6, (P("leg raise", 45),), ("front leg swing",), ONE_SIDE),
    Exercise("side-lying leg lift", "physio", "side-lying", 2.8, (P("side leg raise", 40),), ("clamshell lift",),
             ONE_SIDE),
    Exercise("sit to stand practice", "physio", "sitting", 4.0, (P("trunk flexion", 35, (0.0, 0.5), side="both"),),
             ("chair rise",)),
    Exercise("neck and trunk turn", "physio", "sitting", 3.5,
             (P("trunk rotation", 30, (0.0, 0.5), side="l"), P("trunk rotation", 30, (0.5, 1.0), side="r")),
             ("seated spinal rotation",)),
    # stretches and yoga
    Exercise("overhead stretch", "stretch", "standing", 0.0, (P("shoulder flexion", 170, side="both", static=True),),
             ("reaching up tall",), ("both",), ("sitting",)),
    Exercise("side stretch", "stretch", "standing", 0.0,
             (P("trunk side bend", 25, static=True), P("shoulder abduction", 160, static=True)),
             ("standing side bend",), ONE_SIDE, ("sitting",)),
    Exercise("toe touch", "stretch", "standing", 0.0,
             (P("hip hinge", 85, side="both", static=True), P("shoulder flexion", 80, side="both", static=True)),
             ("forward fold", "hamstring stretch")),
    Exercise("trunk twist stretch", "stretch", "standing", 0.0, (P("trunk rotation", 40, static=True),),
             ("standing spinal twist",), ONE_SIDE, ("sitting",)),
    Exercise("cross-body shoulder stretch", "stretch", "standing", 0.0,
             (P("shoulder flexion", 90, static=True), P("shoulder internal rotation", 40, static=True)),
             ("arm across the chest stretch",), ONE_SIDE, ("sitting",)),
    Exercise("tree pose", "yoga", "standing", 0.0,
             (P("side leg raise", 40, static=True), P("step", 70, static=True),
              P("shoulder abduction", 170, side="both", static=True)), ("vrksasana",), ONE_SIDE),
    Exercise("warrior pose", "yoga", "standing", 0.0,
             (P("lunge", 70, static=True), P("shoulder abduction", 90, side="both", static=True)),
             ("warrior two",), ONE_SIDE),
    Exercise("chair pose", "yoga", "standing", 0.0,
             (P("squat", 70, side="both", static=True), P("shoulder flexion", 165, side="both", static=True)),
             ("utkatasana",)),
    Exercise("standing balance on one leg", "yoga", "standing", 0.0, (P("leg raise", 40, static=True),),
             ("single-leg stance",), ONE_SIDE),
    Exercise("cat-cow on a chair", "yoga", "sitting", 4.0, (P("trunk flexion", 30, side="both"),),
             ("seated spine flexing",)),
    # work and household tasks
    Exercise("hammering", "work", "standing", 0.55, (P("shoulder flexion", 25), P("elbow flexion", 55)),
             ("hitting nails with a hammer",), ONE_SIDE),
    Exercise("sawing", "work", "standing", 0.8, (P("shoulder flexion", 35), P("elbow flexion", -50)),
             ("cutting wood with a hand saw",), ONE_SIDE),
    Exercise("using a screwdriver", "work", "standing", 0.9, (P("wrist rotation", 110),),
             ("screwing in a screw", "turning a screwdriver"), ONE_SIDE, ("sitting",)),
    Exercise("painting a wall", "work", "standing", 1.4, (P("shoulder flexion", 70),), ("rolling paint on a wall",),
             ONE_SIDE),
    Exercise("sweeping", "work", "standing", 1.2,
             (P("trunk rotation", 15), P("shoulder flexion", 30, side="both")), ("sweeping the floor with a broom",),
             ONE_SIDE),
    Exercise("lifting a box from the floor", "work", "standing", 4.5,
             (P("squat", 90, (0.0, 0.6), side="both"), P("hip hinge", 30, (0.0, 0.6), side="both"),
              P("elbow flexion", 60, (0.3, 1.0), side="both")), ("picking up a box",)),
    Exercise("stacking shelves", "work", "standing", 3.0,
             (P("shoulder flexion", 120, (0.2, 0.8)), P("trunk rotation", 20, (0.0, 0.4))),
             ("putting items on a high shelf",), ONE_SIDE),
    Exercise("polishing a table", "work", "standing", 1.3,
             (P("hip hinge", 25, side="both", static=True), P("shoulder circles", 18)), ("buffing a surface",),
             ONE_SIDE),
    Exercise("kneading dough", "work", "standing", 1.0, (P("shoulder flexion", 20, side="both"),
                                                         P("elbow flexion", -40, side="both")), ("kneading",)),
    Exercise("shovelling", "work", "standing", 2.6,
             (P("hip hinge", 40, side="both"), P("trunk rotation", 30, (0.5, 1.0)),
              P("shoulder flexion", 50, side="both")), ("digging with a shovel",), ONE_SIDE),
    Exercise("tapping on a touchscreen", "work", "sitting", 0.5, (P("wrist flexion", 25),
                                                                  P("shoulder flexion", 30, static=True)),
             ("tapping a tablet",), ONE_SIDE),
    # sports drills and gestures
    Exercise("pointing", "gesture", "standing", 3.0, (P("shoulder flexion", 90, (0.1, 0.7)),),
             ("pointing at something",), ONE_SIDE, ("sitting",)),
    Exercise("beckoning", "gesture", "standing", 0.7,
             (P("shoulder flexion", 45, side="limb", static=True), P("elbow flexion", 50)),
             ("waving someone over", "come here gesture"), ONE_SIDE, ("sitting",)),
    Exercise("swiping", "gesture", "standing", 1.2, (P("shoulder internal rotation", 60),),
             ("swiping the hand sideways",), ONE_SIDE, ("sitting",)),
    Exercise("thumbs up", "gesture", "standing", 0.0,
             (P("elbow flexion", 90, static=True), P("wrist rotation", 40, static=True)), ("giving a thumbs up",),
             ONE_SIDE, ("sitting",)),
    Exercise("raising a hand", "gesture", "sitting", 0.0, (P("shoulder flexion", 165, static=True),),
             ("hand up", "putting a hand up"), ONE_SIDE, ("standing",)),
    Exercise("shadow punching", "sport", "standing", 0.9,
             (P("shoulder flexion", 80, (0.0, 0.5), side="l"), P("elbow flexion", -70, (0.0, 0.5), side="l"),
              P("shoulder flexion", 80, (0.5, 1.0), side="r"), P("elbow flexion", -70, (0.5, 1.0), side="r")),
             ("jab cross",)),
    Exercise("front kick", "sport", "standing", 2.2, (P("kick", 80, (0.2, 0.6)),), ("snap kick",), ONE_SIDE),
    Exercise("golf swing", "sport", "standing", 4.0,
             (P("trunk rotation", 80, side="r"), P("shoulder flexion", 100, side="both"),
              P("hip hinge", 30, side="both", static=True)), ("swinging a golf club",)),
    Exercise("pivot turn", "sport", "standing", 2.0, (P("turn", 90),), ("quarter turn on the spot",), ONE_SIDE),
    Exercise("lateral shuffle in place", "sport", "standing", 1.0,
             (P("side leg raise", 25, (0.0, 0.5), side="l"), P("side leg raise", 25, (0.5, 1.0), side="r"),
              P("squat", 35, side="both", static=True)), ("defensive shuffle",)),
)

SIDE_NAMES = {"arm": {"left": "left-arm ", "right": "right-arm ", "alternating": "alternating ", "both": ""},
              "leg": {"left": "left-leg ", "right": "right-leg ", "alternating": "alternating ", "both": ""},
              None: {"left": "left ", "right": "right ", "alternating": "alternating ", "both": ""}}
POSTURE_NAMES = {"sitting": "seated ", "standing": "standing ", "lying": "lying "}
SLOW = 1.7          # a slow variant takes this much longer per repetition (tempo training)
SLOW_KINDS = ("gym", "physio", "work")


def _limb(exercise: Exercise) -> str | None:
    limbs = [PRIMITIVES[p.primitive].limb for p in exercise.parts if p.side == "limb"]
    return limbs[0] if limbs else None


def variants(exercise: Exercise) -> list[Exercise]:
    """The exercise in each of its sides and base postures, each named for what differs."""
    out = []
    for posture in (exercise.posture, *exercise.postures):
        for side in exercise.sides:
            limb = _limb(exercise)
            words = SIDE_NAMES[limb][side] if len(exercise.sides) > 1 or side != "both" else ""
            if limb and words.endswith(f"-{limb} ") and exercise.name.startswith(f"{limb} "):
                words = f"{side} "   # 'left arm circles', not 'left-arm arm circles'
            where = POSTURE_NAMES[posture] if posture != exercise.posture else ""
            v = replace(exercise, name=f"{where}{words}{exercise.name}", posture=posture, side=side,
                        base=exercise.name)
            out.append(v)
            if exercise.period_s > 0 and exercise.kind in SLOW_KINDS:
                out.append(replace(v, name=f"slow {v.name}", period_s=SLOW * v.period_s))
    return out


COMPOSED: dict[str, Exercise] = {v.name: v for e in EXERCISES for v in variants(e)}

# Held out of training by `synth?novel=exclude` and scored zero-shot by `eval --conditions`:
# activities of kinds no training caption names, and compositions of primitives that training
# sees only apart (a squat, and a front raise; never both in one movement).
NOVEL_ACTIVITIES = ("upright row", "good morning", "wall slide", "forearm rotations", "warrior pose", "sawing",
                    "kneading dough", "beckoning", "golf swing", "standing leg swing")
NOVEL_COMPOSITIONS = ("squat with overhead reach", "curl and press", "jumping jack", "bicycle crunch", "woodchopper",
                      "lateral shuffle in place")


def variants_of(bases) -> tuple[str, ...]:
    """Every composed activity made from the exercises named ``bases``."""
    return tuple(name for name, e in COMPOSED.items() if e.base in bases)
