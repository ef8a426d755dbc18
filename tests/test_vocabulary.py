"""The open vocabulary: primitives move the joints their captions name, by the amounts they state."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from aura_edge.errors import ConfigError
from aura_edge.synth import build_corpus
from aura_edge.synth.activities import ACTIVITIES, ALL_ACTIVITIES
from aura_edge.synth.body_sim import place_body, simulate_episode
from aura_edge.synth.posture import Scene
from aura_edge.synth.skeleton import JOINT_INDEX
from aura_edge.synth.subjects import make_subject
from aura_edge.synth.vocabulary import COMPOSED, PRIMITIVES, caption, composed_pose
from aura_edge.synth.vocabulary.captions import POSTURE_WORDS, body_parts, movement, names
from aura_edge.train.config import synth_config

RATE = 200.0
SUBJECT = make_subject(0, 3)


def joints(name: str, seconds: float = 8.0, seed: int = 1) -> np.ndarray:
    """(T, 17, 3) joints of the subject doing ``name``, facing +x, relative to the root."""
    t = np.arange(int(seconds * RATE)) / RATE
    pose = composed_pose(COMPOSED[name], Scene(SUBJECT, np.random.default_rng(seed), t, RATE))
    kin, root = place_body(pose, SUBJECT, len(t), heading=0.0)
    return kin.joints + root[:, None]


def arm(j: np.ndarray, side: str) -> np.ndarray:
    """Shoulder -> wrist vectors (T, 3)."""
    return j[:, JOINT_INDEX[f"{side}_wrist"]] - j[:, JOINT_INDEX[f"{side}_shoulder"]]


def elevation_deg(v: np.ndarray) -> np.ndarray:
    """Angle of an arm from hanging straight down."""
    return np.degrees(np.arccos(np.clip(-v[:, 2] / np.linalg.norm(v, axis=1), -1, 1)))


def test_the_catalogue_has_several_hundred_activities_and_every_primitive_of_the_issue():
    assert len(COMPOSED) >= 300
    assert not set(COMPOSED) & set(ACTIVITIES)
    assert len(set(ALL_ACTIVITIES)) == len(ACTIVITIES) + len(COMPOSED)
    wanted = {"shoulder flexion", "shoulder abduction", "shoulder internal rotation", "shoulder external rotation",
              "shoulder circles", "elbow flexion", "wrist flexion", "wrist rotation", "trunk flexion",
              "trunk rotation", "trunk side bend", "squat", "lunge", "hip hinge", "leg raise", "step", "kick",
              "jump", "turn", "hold"}
    assert wanted <= set(PRIMITIVES)
    assert {e.kind for e in COMPOSED.values()} >= {"gym", "physio", "stretch", "yoga", "work", "sport", "gesture"}


def test_a_lateral_raise_lifts_the_wrist_sideways_by_the_described_angle():
    j = joints("left-arm lateral raise")
    left, right = arm(j, "left"), arm(j, "right")
    lift = elevation_deg(left)
    assert 60 < np.percentile(lift, 99) - np.percentile(lift, 1) < 110   # 85 degrees, +-12 % by person
    top = np.argmax(lift)
    assert abs(left[top, 1]) > 3 * abs(left[top, 0])          # out to the side (y), not forward (x)
    assert left[top, 1] > 0                                    # the left side is +y
    assert np.percentile(elevation_deg(right), 99) < 35        # the other arm stays down
    assert "to shoulder height" in movement(COMPOSED["left-arm lateral raise"], np.random.default_rng(0))


def test_a_front_raise_moves_the_wrist_forward_and_a_curl_only_the_forearm():
    j = joints("right-arm front raise")
    v = arm(j, "right")
    top = np.argmax(elevation_deg(v))
    assert v[top, 0] > 3 * abs(v[top, 1] + 0.05)               # forward, in front of the shoulder
    j = joints("bicep curl")
    elbow = j[:, JOINT_INDEX["left_elbow"]] - j[:, JOINT_INDEX["left_shoulder"]]
    forearm = j[:, JOINT_INDEX["left_wrist"]] - j[:, JOINT_INDEX["left_elbow"]]
    assert np.ptp(forearm[:, 2]) > 0.3                         # the hand comes up to the shoulder
    assert np.ptp(elbow, axis=0).max() < 0.08                  # the upper arm stays by the side


def test_a_squat_lowers_the_hips_and_alternating_sides_take_turns():
    j = joints("squat")
    hip = j[:, JOINT_INDEX["left_hip"], 2]
    assert np.ptp(hip) > 0.25
    j = joints("alternating front raise")
    left, right = elevation_deg(arm(j, "left")), elevation_deg(arm(j, "right"))
    assert np.ptp(left) > 60 and np.ptp(right) > 60
    assert np.corrcoef(left, right)[0, 1] < -0.3


def test_the_tempo_is_the_described_one():
    period = COMPOSED["jumping jack"].period_s
    lift = elevation_deg(arm(joints("jumping jack", seconds=20.0), "left"))
    spectrum = np.abs(np.fft.rfft(lift - lift.mean()))
    freq = np.fft.rfftfreq(len(lift), 1 / RATE)[np.argmax(spectrum)]
    assert 0.6 / period < freq < 1.5 / period   # personal tempo and episode variation, about +-30 %


def test_every_composed_activity_simulates_to_finite_imu_and_has_three_caption_levels():
    rng = np.random.default_rng(0)
    for name, exercise in COMPOSED.items():
        imu, _ = simulate_episode(SUBJECT, name, 1.0, rng, ["left_wrist", "ankle"])
        assert all(np.isfinite(x).all() for x in imu.values()), name
        assert name in names(exercise)
        assert movement(exercise, rng) and body_parts(exercise, rng)
    levels = {caption("seated left-arm bicep curl", np.random.default_rng(k)) for k in range(40)}
    assert "seated left-arm bicep curl" in levels
    assert any("left arm" in c for c in levels) and any("elbow flexion (left)" in c for c in levels)


def test_movement_captions_say_the_size_with_the_movement_and_a_way_back_that_fits_it():
    def phrasings(name: str) -> set[str]:
        return {movement(COMPOSED[name], np.random.default_rng(k)) for k in range(30)}

    rotations = phrasings("seated left-arm shoulder external rotation")
    assert all("outward by about" in c and "elbow tucked at the side, and" in c for c in rotations)
    assert not any("lowering" in c or "back down" in c or "rising" in c for c in rotations)
    squats = phrasings("squat")
    assert all("into a deep squat" in c and "squat deep" not in c for c in squats)
    assert any("rising again" in c or "back up" in c for c in squats)
    assert not any("lowering" in c for c in squats)
    raises = phrasings("lateral raise")
    assert any("lowering again" in c or "back down" in c for c in raises)
    assert not any("rising" in c or "back up" in c for c in raises)


def test_a_corpus_can_name_composed_activities_and_the_open_vocabulary():
    assert len(synth_config("synth?vocabulary=open").activities) == len(ALL_ACTIVITIES)
    assert synth_config("synth?vocabulary=builtin").activities == ACTIVITIES
    with pytest.raises(ConfigError, match="vocabulary"):
        synth_config("synth?vocabulary=everything")
    with pytest.raises(ConfigError, match="composed activities"):
        synth_config("synth?activities=walking,juggling chainsaws")
    config = dataclasses.replace(synth_config("synth?activities=walking,plank,left-leg lunge"),
                                 subjects=(1, 0, 0), windows_per_activity=2)
    first, again = build_corpus(config)["train"], build_corpus(config)["train"]
    assert sorted(set(first.label.tolist())) == ["left-leg lunge", "plank", "walking"]
    assert np.array_equal(first.imu, again.imu) and list(first.caption) == list(again.caption)
    assert np.isfinite(first.imu).all()


def test_drills_are_fixed_random_compositions_captioned_by_their_movement_only():
    from aura_edge.synth.vocabulary.drills import PART_COUNTS, drill, drill_name

    names_ = [drill_name(s, k) for s in range(3) for k in range(40)]
    exercises = [drill(n) for n in names_]
    assert drill.__wrapped__(names_[0]) == exercises[0]   # the name alone fixes the draw
    assert len({tuple((p.primitive, p.amp) for p in e.parts) for e in exercises}) > 100
    assert {len(e.parts) for e in exercises} == set(PART_COUNTS)
    assert {e.posture for e in exercises} >= {"standing", "sitting", "lying"}
    rng = np.random.default_rng(0)
    for name in names_[:20]:
        for _ in range(5):
            text = caption(name, rng)
            assert "drill" not in text and text not in names(exercise := drill(name))
            assert any(words in text for words in POSTURE_WORDS[exercise.posture])
            for part in exercise.parts:   # each part, by its joint (level 3) or its verb (level 2; a press straightens)
                verb = PRIMITIVES[part.primitive].verb.split(" {limb}")[0]
                assert PRIMITIVES[part.primitive].joint in text or verb in text.replace("straightening", "bending")
    assert not any(p.static for e in exercises for p in e.parts if p.primitive in ("jump", "kick", "turn"))


def test_no_drill_repeats_or_contains_a_held_out_combination():
    from aura_edge.synth.vocabulary import NOVEL_ACTIVITIES, NOVEL_COMPOSITIONS, EXERCISES
    from aura_edge.synth.vocabulary.drills import drill, drill_name

    held_out = [frozenset(p.primitive for p in e.parts) for e in EXERCISES
                if e.name in NOVEL_ACTIVITIES + NOVEL_COMPOSITIONS]
    used = set()
    for s in range(24):
        for k in range(60):
            primitives = frozenset(p.primitive for p in drill(drill_name(s, k)).parts)
            used |= primitives
            for held in held_out:
                assert primitives != held and not (len(held) > 1 and held <= primitives), (s, k, sorted(primitives))
    trained = {p.primitive for e in EXERCISES if e.name not in NOVEL_ACTIVITIES + NOVEL_COMPOSITIONS
               for p in e.parts} - {"hold"}
    assert used == trained   # every trained primitive turns up in drills, and nothing else


def test_a_one_sided_drill_moves_the_wrist_of_the_side_its_caption_names():
    from aura_edge.synth.vocabulary.drills import drill, drill_name

    name = next(n for n in (drill_name(0, k) for k in range(500))
                if drill(n).side in ("left", "right") and drill(n).posture == "standing" and drill(n).period_s > 0
                and [p.primitive for p in drill(n).parts] in (["shoulder abduction"], ["shoulder flexion"]))
    ex = drill(name)
    t = np.arange(int(8 * RATE)) / RATE
    pose = composed_pose(ex, Scene(SUBJECT, np.random.default_rng(1), t, RATE))
    kin, root = place_body(pose, SUBJECT, len(t), heading=0.0)
    moved, still = ("left", "right") if ex.side == "left" else ("right", "left")
    assert ex.side in movement(ex, np.random.default_rng(0))
    lift = {side: np.ptp(elevation_deg(arm(kin.joints, side))) for side in (moved, still)}
    assert lift[moved] > 0.6 * abs(ex.parts[0].amp) and lift[still] < 0.25 * lift[moved], lift


def test_a_corpus_gives_each_training_person_drills_of_their_own_and_keeps_them_out_of_val_and_test():
    config = dataclasses.replace(synth_config("synth?activities=walking&drills=3"), subjects=(2, 1, 1),
                                 windows_per_activity=1)
    corpus = build_corpus(config)
    drills = [label for label in corpus["train"].labels if label.startswith("drill ")]
    assert len(drills) == 6 and len(set(drills)) == 6
    assert corpus["val"].labels == ["walking"] and corpus["test"].labels == ["walking"]
    with pytest.raises(ConfigError, match="drills"):
        synth_config("synth?drills=-1")
