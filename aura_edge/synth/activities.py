"""The activity table: label name -> motion generator, the captions paired with each label, and a
held-out phrasing per label.

Label names are short phrases (the zero-shot label set). Captions are varied paraphrases at three
levels of detail (terse labels a user might type, plain sentences, and descriptions of the
motion) so the model learns to align with meaning rather than with one fixed sentence.
``HELD_OUT_PHRASINGS`` gives each label one more natural name that no caption contains, to test
zero-shot recognition with wording never seen in training; ``DEV_PHRASINGS`` gives two more, to
tune what is tried on that test without looking at it.
"""

from __future__ import annotations

import zlib
from typing import Callable

import numpy as np

from aura_edge.synth import daily_life, gestures, locomotion, sports, stationary
from aura_edge.synth.posture import Pose, Scene
from aura_edge.synth.vocabulary import COMPOSED, composed_pose
from aura_edge.synth.vocabulary.drills import exercise_named
from aura_edge.synth.vocabulary import caption as composed_caption

GENERATORS: dict[str, Callable[[Scene], Pose]] = {
    "standing": stationary.standing,
    "sitting": stationary.sitting,
    "lying down": stationary.lying_down,
    "walking": locomotion.walking,
    "running": locomotion.running,
    "climbing stairs": locomotion.climbing_stairs,
    "jumping": locomotion.jumping,
    "cycling": locomotion.cycling,
    "squatting": stationary.squatting,
    "waving": gestures.waving,
    "clapping": gestures.clapping,
    "swinging a racket": gestures.swinging_a_racket,
    "dribbling a ball": gestures.dribbling_a_ball,
    "walking slowly": locomotion.walking_slowly,
    "walking briskly": locomotion.walking_briskly,
    "going down stairs": locomotion.going_down_stairs,
    "standing up and sitting down": stationary.standing_up_and_sitting_down,
    "carrying a box": locomotion.carrying_a_box,
}

# Per label: 2-3 terse labels, then plain sentences, then 2-3 detailed descriptions of the motion.
CAPTIONS: dict[str, tuple[str, ...]] = {
    "standing": (
        "standing",
        "standing still",
        "a person is standing still",
        "someone stands in place, shifting their weight now and then",
        "the person is standing upright and looking around",
        "a man waits on his feet without walking anywhere",
        "she is standing quietly with her arms at her sides",
        "standing in one spot with small weight shifts from one leg to the other and the head turning to look around",
        "a person stands with the feet planted and the arms hanging or folded, swaying slightly over the feet",
    ),
    "sitting": (
        "sitting",
        "seated",
        "sitting still",
        "a person is sitting on a chair",
        "someone sits at a desk",
        "the person is seated and resting",
        "a woman sits down and looks at her phone",
        "he is sitting still in a chair",
        "sitting on a chair with the thighs level and the feet on the floor, hands resting on the lap or a desk",
        "a seated person leans over a desk or a phone, the head tilted down and only the hands moving",
    ),
    "lying down": (
        "lying down",
        "lying flat",
        "resting in bed",
        "a person is lying down",
        "someone lies on a bed resting",
        "the person is lying on their back",
        "a man is lying on the sofa",
        "she lies down on her side",
        "lying horizontally on a bed or sofa, on the back, side or front, breathing slowly and barely moving",
        "a person reclines with the head on a pillow and the arms resting beside the body",
    ),
    "walking": (
        "walking",
        "normal walking",
        "regular walk",
        "a person is walking",
        "the person walks forward down the street",
        "a woman is taking a walk",
        "he walks at a normal speed",
        "a person walking steadily ahead",
        "walking at an ordinary pace with the arms swinging loosely opposite the legs",
        "a person walks at a comfortable everyday speed, the head bobbing gently with each step",
    ),
    "running": (
        "running",
        "jogging",
        "a run",
        "a person is running",
        "someone jogs along the road",
        "the person runs at a steady pace",
        "a man is out for a run",
        "she sprints forward quickly",
        "jogging at a steady pace with the arms swinging at the sides",
        "running with a slight forward lean, elbows bent and both feet leaving the ground between strides",
    ),
    "climbing stairs": (
        "climbing stairs",
        "going upstairs",
        "stair climbing",
        "a person is climbing stairs",
        "someone walks up a flight of stairs",
        "the person goes upstairs step by step",
        "a woman ascends a staircase",
        "he climbs the steps holding the handrail",
        "walking up a staircase one step at a time, leaning forward and looking down at the steps",
        "climbing a flight of stairs with one hand sliding along the rail, each leg pushing the body up onto the next step",
    ),
    "jumping": (
        "jumping",
        "jumping jacks",
        "jumps",
        "a person is jumping",
        "someone jumps up and down on the spot",
        "the person does jumping jacks",
        "a man hops repeatedly in place",
        "she leaps into the air again and again",
        "jumping up and down on both feet, crouching to take off and landing with bent knees",
        "a person does repeated vertical jumps, swinging the arms up as the body leaves the ground",
    ),
    "cycling": (
        "cycling",
        "biking",
        "bike ride",
        "a person is cycling",
        "someone rides a bicycle",
        "the person pedals a bike down the road",
        "a woman is biking",
        "he rides his bike along the street",
        "riding a bicycle seated and leaning forward, both hands on the handlebars while the legs pedal in circles",
        "a cyclist pedalling steadily along the road, the body rocking slightly with each pedal stroke",
    ),
    "squatting": (
        "squatting",
        "squats",
        "doing squats",
        "a person is doing squats",
        "someone squats down and stands back up",
        "the person bends their knees into a deep squat repeatedly",
        "a man performs bodyweight squats",
        "she lowers her hips into squats",
        "doing bodyweight squats, bending the knees and hips to lower the body and pushing back up to standing",
        "a person squats slowly up and down with the feet planted, the arms reaching forward for balance at the bottom",
    ),
    "waving": (
        "waving",
        "waving hello",
        "a person is waving",
        "someone waves hello with one hand",
        "the person raises an arm and waves",
        "a woman waves goodbye",
        "he waves his hand at a friend",
        "raising one hand and waving it side to side from the elbow to greet someone",
        "a person waves the whole arm above the head, swinging it back and forth to get attention",
    ),
    "clapping": (
        "clapping",
        "applause",
        "clapping hands",
        "a person is clapping",
        "someone claps their hands",
        "the person applauds the performance",
        "a man claps his hands together repeatedly",
        "she is giving a round of applause",
        "clapping the hands together rhythmically in front of the chest, the forearms swinging in and stopping sharply",
        "a person applauding with both hands, the upper body rocking slightly in time with the claps",
    ),
    "swinging a racket": (
        "tennis",
        "badminton",
        "racket swing",
        "a person is swinging a racket",
        "someone plays tennis on a court",
        "the person hits a forehand with a tennis racket",
        "a woman is playing badminton",
        "he swings his racket at the ball",
        "swinging a tennis racket through a forehand, the trunk rotating and the arm whipping forward through contact",
        "a player steps into the ball and swings a racket with the dominant arm, then recovers to a ready position",
    ),
    "dribbling a ball": (
        "dribbling",
        "basketball",
        "bouncing a ball",
        "a person is dribbling a ball",
        "someone bounces a basketball",
        "the person dribbles a basketball in place",
        "a man plays basketball, dribbling the ball",
        "she bounces the ball with one hand",
        "dribbling a basketball with one hand in a slight crouch, the wrist and forearm pushing the ball down each bounce",
        "a player bounces a ball repeatedly off the floor, knees bent and bobbing in time with the dribble",
    ),
    "walking slowly": (
        "walking slowly",
        "strolling",
        "slow walk",
        "a person is walking slowly",
        "someone strolls along at an easy pace",
        "someone goes for a stroll on foot",
        "the person walks at a leisurely pace",
        "she wanders slowly down the street",
        "strolling with short unhurried steps, the arms barely swinging and the head looking around",
        "a person takes a leisurely walk, hands sometimes in the pockets, moving well under a metre per second",
    ),
    "walking briskly": (
        "walking briskly",
        "brisk walk",
        "fast walking",
        "a person is walking briskly",
        "someone walks fast to get somewhere",
        "the person hurries along at a quick pace",
        "a woman power walks down the path",
        "he strides quickly along the pavement",
        "walking fast with long strides, the elbows bent and the arms pumping back and forth",
        "a person walks briskly, leaning slightly forward, at nearly two metres per second without breaking into a run",
    ),
    "going down stairs": (
        "going down stairs",
        "going downstairs",
        "walking downstairs",
        "a person is going down the stairs",
        "someone walks down a flight of stairs",
        "the person heads downstairs step by step",
        "a woman comes down the staircase",
        "he goes down the steps holding the handrail",
        "walking down a staircase one step at a time, upright and looking down, landing softly on each step",
        "descending a flight of stairs with a hand on the rail, the supporting knee bending to lower the body onto the next step",
    ),
    "standing up and sitting down": (
        "chair stands",
        "chair rises",
        "getting up",
        "a person stands up from a chair and sits back down",
        "someone repeatedly gets up from their seat and sits again",
        "the person rises from a chair, pauses, then sits down",
        "a woman practises standing up from a chair",
        "he keeps getting out of his chair and sitting back down",
        "sitting on a chair, leaning the trunk forward and pushing up to standing, holding briefly, then lowering slowly back onto the seat",
        "a repeated chair-rise exercise with the arms folded across the chest: lean forward, stand up fully, sit back down with control",
    ),
    "carrying a box": (
        "carrying a box",
        "box carrying",
        "carrying something",
        "a person is carrying a box",
        "someone walks while holding a box in both hands",
        "the person carries a heavy box across the room",
        "a man moves a cardboard box to another room",
        "she walks along carrying a parcel",
        "walking slowly with a box held in front of the chest in both hands, elbows bent and the arms not swinging",
        "a person carries a load in front of the body, leaning back slightly against its weight and stepping carefully",
    ),
}

# One more name per label, never used in training: no caption of any activity equals or contains it.
HELD_OUT_PHRASINGS: dict[str, str] = {
    "standing": "remaining upright",
    "sitting": "seated in an armchair",
    "lying down": "napping on the couch",
    "walking": "ambulating",
    "running": "sprinting",
    "climbing stairs": "ascending steps",
    "jumping": "hopping on the spot",
    "cycling": "bike riding",
    "squatting": "deep knee bends",
    "waving": "signalling hello",
    "clapping": "giving an ovation",
    "swinging a racket": "tennis stroke",
    "dribbling a ball": "ball handling",
    "walking slowly": "ambling",
    "walking briskly": "speed walking",
    "going down stairs": "descending steps",
    "standing up and sitting down": "sit-to-stand",
    "carrying a box": "lugging a package",
}

# Two more names per label for development: they tune label expansion (benchmarks/bench_label_expansion.py)
# so that HELD_OUT_PHRASINGS stay a test. No caption contains them and they do not overlap the held-out ones.
DEV_PHRASINGS: dict[str, tuple[str, str]] = {
    "standing": ("on my feet", "upright and idle"),
    "sitting": ("sat at a desk", "resting in a chair"),
    "lying down": ("flat on my back", "reclining flat"),
    "walking": ("on foot around town", "going for a walk"),
    "running": ("pounding the pavement", "racing"),
    "climbing stairs": ("heading up to the next floor", "taking the stairs up"),
    "jumping": ("leaping", "bouncing up and down"),
    "cycling": ("riding a push bike", "on a bicycle"),
    "squatting": ("crouching down", "leg day squats"),
    "waving": ("greeting someone from afar", "saying goodbye with my hand"),
    "clapping": ("cheering with my hands", "putting my hands together"),
    "swinging a racket": ("a game of squash", "hitting a forehand"),
    "dribbling a ball": ("bouncing a basketball", "playing basketball"),
    "walking slowly": ("strolling leisurely", "dawdling"),
    "walking briskly": ("power walking", "hurrying along"),
    "going down stairs": ("heading down to the ground floor", "walking down the staircase"),
    "standing up and sitting down": ("getting up from a chair", "rising from a seat again and again"),
    "carrying a box": ("hauling boxes", "moving house"),
}

# Sibling modules add their own activities with dicts of the same four names.
# Daily-life and sports activities keep their generators, captions and held-out phrasings in
# their own modules, next to the motion they describe.
GENERATORS = {**GENERATORS, **daily_life.GENERATORS, **sports.GENERATORS}
CAPTIONS = {**CAPTIONS, **daily_life.CAPTIONS, **sports.CAPTIONS}
HELD_OUT_PHRASINGS = {**HELD_OUT_PHRASINGS, **daily_life.HELD_OUT_PHRASINGS, **sports.HELD_OUT_PHRASINGS}
DEV_PHRASINGS = {**DEV_PHRASINGS, **daily_life.DEV_PHRASINGS, **sports.DEV_PHRASINGS}

ACTIVITIES: tuple[str, ...] = tuple(GENERATORS)
# Every activity a corpus can name: the hand-built ones above, then the open vocabulary's.
ALL_ACTIVITIES: tuple[str, ...] = ACTIVITIES + tuple(COMPOSED)


def activity_key(name: str) -> int:
    """A stable number per activity for its random streams: the index of a hand-built activity, a
    hash of the name for a composed one (so editing the catalogue changes no other activity)."""
    return ACTIVITIES.index(name) if name in GENERATORS else 1000 + zlib.crc32(name.encode()) % 1_000_000


def generate(name: str, sc: Scene) -> Pose:
    """A Pose of activity ``name`` on the scene's time grid."""
    return GENERATORS[name](sc) if name in GENERATORS else composed_pose(exercise_named(name), sc)


def draw_caption(name: str, rng: np.random.Generator) -> str:
    """A caption for one window of ``name`` (one random draw from ``rng``)."""
    if name in CAPTIONS:
        return CAPTIONS[name][int(rng.integers(len(CAPTIONS[name])))]
    return composed_caption(name, rng)
