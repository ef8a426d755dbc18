"""The activity table: label name -> motion generator, and the captions paired with each label.

Label names are short phrases (the zero-shot label set); captions are varied paraphrases so the
model learns to align with meaning rather than with one fixed sentence.
"""

from __future__ import annotations

from typing import Callable

from aura_edge.synth import gestures, locomotion, stationary
from aura_edge.synth.posture import Pose, Scene

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
}

ACTIVITIES: tuple[str, ...] = tuple(GENERATORS)

CAPTIONS: dict[str, tuple[str, ...]] = {
    "standing": (
        "a person is standing still",
        "someone stands in place, shifting their weight now and then",
        "the person is standing upright and looking around",
        "a man waits on his feet without walking anywhere",
        "she is standing quietly with her arms at her sides",
        "a person stands idle, not moving much",
        "someone is on their feet, standing around",
    ),
    "sitting": (
        "a person is sitting on a chair",
        "someone sits at a desk",
        "the person is seated and resting",
        "a woman sits down and looks at her phone",
        "he is sitting still in a chair",
        "someone is sitting and barely moving",
        "a seated person relaxes",
    ),
    "lying down": (
        "a person is lying down",
        "someone lies on a bed resting",
        "the person is lying on their back",
        "a man is lying on the sofa",
        "she lies down on her side",
        "someone is reclining flat and resting",
        "a person rests lying on the floor",
    ),
    "walking": (
        "a person is walking",
        "someone strolls along at an easy pace",
        "the person walks forward down the street",
        "a woman is taking a walk",
        "he walks at a normal speed",
        "someone goes for a stroll on foot",
        "a person walking steadily ahead",
    ),
    "running": (
        "a person is running",
        "someone jogs along the road",
        "the person runs at a steady pace",
        "a man is out for a run",
        "she sprints forward quickly",
        "someone is jogging outdoors",
        "a runner moves fast on foot",
    ),
    "climbing stairs": (
        "a person is climbing stairs",
        "someone walks up a flight of stairs",
        "the person goes upstairs step by step",
        "a woman ascends a staircase",
        "he climbs the steps holding the handrail",
        "someone is walking up the stairs",
        "a person heads up the staircase",
    ),
    "jumping": (
        "a person is jumping",
        "someone jumps up and down on the spot",
        "the person does jumping jacks",
        "a man hops repeatedly in place",
        "she leaps into the air again and again",
        "someone is bouncing with repeated jumps",
        "a person jumping vertically",
    ),
    "cycling": (
        "a person is cycling",
        "someone rides a bicycle",
        "the person pedals a bike down the road",
        "a woman is biking",
        "he rides his bike along the street",
        "someone is out on a bike ride",
        "a cyclist pedalling steadily",
    ),
    "squatting": (
        "a person is doing squats",
        "someone squats down and stands back up",
        "the person bends their knees into a deep squat repeatedly",
        "a man performs bodyweight squats",
        "she lowers her hips into squats",
        "someone is exercising with squats",
        "a person squatting up and down",
    ),
    "waving": (
        "a person is waving",
        "someone waves hello with one hand",
        "the person raises an arm and waves",
        "a woman waves goodbye",
        "he waves his hand at a friend",
        "someone is waving to get attention",
        "a person greeting someone with a wave",
    ),
    "clapping": (
        "a person is clapping",
        "someone claps their hands",
        "the person applauds",
        "a man claps his hands together repeatedly",
        "she is giving a round of applause",
        "someone is clapping along",
        "a person applauding with both hands",
    ),
    "swinging a racket": (
        "a person is swinging a racket",
        "someone plays tennis",
        "the person hits a forehand with a tennis racket",
        "a woman is playing badminton",
        "he swings his racket at the ball",
        "someone practises racket strokes",
        "a player returns the ball with a racket swing",
    ),
    "dribbling a ball": (
        "a person is dribbling a ball",
        "someone bounces a basketball",
        "the person dribbles a basketball in place",
        "a man plays basketball, dribbling the ball",
        "she bounces the ball with one hand",
        "someone is practising basketball dribbling",
        "a player dribbling a basketball",
    ),
}
