"""Everyday household and desk activities: brushing teeth, eating, drinking, typing, stirring a
pot, vacuuming, wiping a table, writing with a pen.

They are told apart mostly by the dominant wrist (the watch): how fast and how big its movement
is (a 4 Hz scrub at the mouth, a 1 Hz stir, a 0.7 Hz push, a few-degree typing jitter), where
the forearm points relative to gravity (up to the mouth, flat on a desk, down to a table) and
how often it comes back to the face. The rest of the body is posed to match (standing at a sink
or stove, seated at a table or desk, leaning over a table, stepping behind a vacuum cleaner), so
sensors at the head, chest, belt, thigh and ankle also read the right posture and reactions.

Occasional events (a bite, a sip, a reach for the mouse, a line return, a step) are built from
logistic plateaus between random event times, so every signal stays smooth.
"""

from __future__ import annotations

from collections.abc import Callable

from aura_edge.synth.daily_life.cleaning import vacuuming
from aura_edge.synth.daily_life.desk import typing_on_a_keyboard, writing_with_a_pen
from aura_edge.synth.daily_life.kitchen_and_bathroom import brushing_teeth, stirring_a_pot, wiping_a_table
from aura_edge.synth.daily_life.meals import drinking, eating
from aura_edge.synth.posture import Pose, Scene

GENERATORS: dict[str, Callable[[Scene], Pose]] = {
    "brushing teeth": brushing_teeth,
    "eating": eating,
    "drinking": drinking,
    "typing on a keyboard": typing_on_a_keyboard,
    "stirring a pot": stirring_a_pot,
    "vacuuming": vacuuming,
    "wiping a table": wiping_a_table,
    "writing with a pen": writing_with_a_pen,
}

CAPTIONS: dict[str, tuple[str, ...]] = {
    "brushing teeth": (
        "brushing teeth",
        "toothbrushing",
        "teeth brushing",
        "someone brushes their teeth at the sink",
        "a woman is brushing her teeth",
        "he brushes his teeth before bed",
        "a man brushes his teeth in the bathroom",
        "a person is using a toothbrush in front of the mirror",
        "a person scrubs their teeth with quick side-to-side strokes of the toothbrush",
        "she holds the toothbrush at her mouth and brushes rapidly, pausing to lean over the sink and spit",
    ),
    "eating": (
        "eating",
        "having a meal",
        "eating dinner",
        "a person eats a meal at the table",
        "someone is having lunch, sitting at a table",
        "she eats with a knife and fork",
        "a man eats soup with a spoon",
        "he is sitting down to dinner",
        "a seated person repeatedly lifts food to their mouth with a fork, cutting the next bite in between",
        "she scoops food with a spoon and brings it up to her mouth every few seconds, chewing between bites",
    ),
    "drinking": (
        "drinking",
        "having a drink",
        "sipping a drink",
        "a person drinks from a cup",
        "someone takes a sip of coffee",
        "he drinks water from a bottle",
        "a woman sips tea while sitting",
        "she is drinking a glass of juice",
        "a person raises a cup to their lips, tips it with the head tilted back, then lowers it again",
        "he lifts a water bottle, tilts his head back to take a few gulps and puts the bottle down",
    ),
    "typing on a keyboard": (
        "typing",
        "typing on a keyboard",
        "keyboard typing",
        "a person types on a computer keyboard",
        "someone is typing an email at their desk",
        "she works at her laptop, typing",
        "a man sits at a desk and types",
        "he is typing up a document",
        ("a seated person types with both hands on the keyboard, fingers tapping quickly, now and then "
         "reaching for the mouse"),
        "she rests her forearms on the desk and types in quick bursts while looking at the screen",
    ),
    "stirring a pot": (
        "stirring a pot",
        "stirring",
        "cooking",
        "a person stirs a pot on the stove",
        "someone is cooking soup and stirring it",
        "she stirs the sauce with a wooden spoon",
        "a man stands at the stove stirring",
        "he stirs a pan of food",
        "a person standing at the stove moves a spoon around the pot in steady circles",
        "she holds the pot handle with one hand and stirs with the other in slow circles",
    ),
    "vacuuming": (
        "vacuuming",
        "vacuum cleaning",
        "vacuuming the floor",
        "a person vacuums the floor",
        "someone is vacuuming the living room",
        "she pushes a vacuum cleaner across the rug",
        "a man vacuums under the sofa",
        "he is cleaning the floor with a vacuum",
        "a person pushes the vacuum cleaner forward and pulls it back in long strokes, stepping along behind it",
        "he steers the vacuum back and forth across the floor, leaning into each push",
    ),
    "wiping a table": (
        "wiping a table",
        "wiping the table",
        "table wiping",
        "a person wipes the table with a cloth",
        "someone is cleaning the kitchen table",
        "she wipes down the dining table",
        "a man wipes crumbs off the table",
        "he is wiping the table after dinner",
        "a person leans over the table and rubs it with a cloth in small circles, the other hand resting on it",
        "she wipes the table with quick back-and-forth strokes of a sponge, working her way across it",
    ),
    "writing with a pen": (
        "writing",
        "handwriting",
        "writing with a pen",
        "a person writes a note with a pen",
        "someone is writing in a notebook at a desk",
        "she writes a letter by hand",
        "a student writes on a sheet of paper",
        "he is filling in a form by hand",
        "a seated person moves a pen across the paper in small quick strokes, going back to start each new line",
        "he holds the page with one hand and writes with the other, eyes down on the paper",
    ),
}

# One phrasing per label that a user might type as the class name, kept out of training: none is
# a caption or part of one, and each avoids the captions' key words where it can.
HELD_OUT_PHRASINGS: dict[str, str] = {
    "brushing teeth": "cleaning my teeth",
    "eating": "having supper",
    "drinking": "quenching my thirst",
    "typing on a keyboard": "using a computer",
    "stirring a pot": "mixing the soup",
    "vacuuming": "hoovering the carpet",
    "wiping a table": "cleaning the countertop",
    "writing with a pen": "jotting down notes",
}

# Two more names per label for development: they tune label expansion (benchmarks/bench_label_expansion.py)
# so that HELD_OUT_PHRASINGS stay a test. No caption contains them and they do not overlap the held-out ones.
DEV_PHRASINGS: dict[str, tuple[str, str]] = {
    "brushing teeth": ("dental hygiene", "scrubbing my teeth"),
    "eating": ("having dinner", "eating a meal with a fork"),
    "drinking": ("sipping coffee", "taking a sip of water"),
    "typing on a keyboard": ("working at a laptop", "keyboarding"),
    "stirring a pot": ("cooking at the stove", "stirring soup"),
    "vacuuming": ("running the vacuum cleaner", "doing the housework"),
    "wiping a table": ("cleaning the table", "dusting a surface"),
    "writing with a pen": ("signing a letter", "taking notes by hand"),
}
