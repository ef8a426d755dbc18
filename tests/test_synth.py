"""The built-in synthetic corpus: kinematics, virtual IMU physics, windows, splits and captions."""

from dataclasses import replace

import numpy as np
import pytest

from aura_edge.errors import ConfigError, DataError
from aura_edge.signals import GRAVITY_MS2
from aura_edge.synth import (
    ACTIVITIES,
    CAPTIONS,
    DEV_PHRASINGS,
    HELD_OUT_PHRASINGS,
    PLACEMENTS,
    SynthConfig,
    build_corpus,
    render_frames,
    simulate_recording,
)
from aura_edge.synth.body_sim import SIM_RATE_HZ, generate_pose, place_body
from aura_edge.synth.corpus import RANDOM_SITE, _with_random_sites
from aura_edge.synth.skeleton import JOINT_INDEX, JOINTS, body_from_height, forward_kinematics
from aura_edge.synth.subjects import PLACEMENT_SEGMENTS, make_subject
from aura_edge.synth.virtual_imu import (
    angular_velocity,
    head_mount,
    ideal_imu,
    rotvec_to_matrix,
    site_mount,
    so3_log,
    wrist_mount,
)

SMALL = SynthConfig(seed=3, subjects=(2, 1, 1), windows_per_activity=1)


@pytest.fixture(scope="module")
def small_corpus():
    return build_corpus(SMALL)


def test_corpus_is_deterministic_for_a_seed_and_changes_with_it(small_corpus):
    again = build_corpus(SMALL)
    for split in ("train", "val", "test"):
        np.testing.assert_array_equal(small_corpus[split].imu, again[split].imu)
        np.testing.assert_array_equal(small_corpus[split].mocap, again[split].mocap)
        assert small_corpus[split].caption.tolist() == again[split].caption.tolist()
    other = build_corpus(SynthConfig(seed=4, subjects=(1, 0, 0), windows_per_activity=1,
                                     activities=("walking",)))
    same_walk = small_corpus["train"].subset((small_corpus["train"].label == "walking")
                                             & (small_corpus["train"].subject == 0))
    assert not np.allclose(other["train"].imu, same_walk.imu)


def test_splits_never_share_a_subject(small_corpus):
    ids = {split: set(ws.subject.tolist()) for split, ws in small_corpus.items()}
    assert ids["train"] and ids["val"] and ids["test"]
    assert not ids["train"] & ids["val"] and not ids["train"] & ids["test"] and not ids["val"] & ids["test"]


def test_windows_have_the_model_shapes_dtypes_and_counts(small_corpus):
    train = small_corpus["train"]
    n = 2 * len(ACTIVITIES) * 1
    assert train.imu.shape == (n, 6, 1000) and train.imu.dtype == np.float32
    assert train.mocap.shape == (n, 50, 51) and train.mocap.dtype == np.float32
    assert set(train.label) == set(ACTIVITIES) and set(train.placement) <= set(PLACEMENTS)
    assert len(set(train.placement)) >= 4   # one window per activity, placements drawn per person
    assert all(c in CAPTIONS[lab] for c, lab in zip(train.caption, train.label))
    assert train.frames is None
    assert np.isfinite(train.imu).all()


def test_default_config_gives_a_few_thousand_training_windows():
    c = SynthConfig()
    n_train = c.subjects[0] * len(c.activities) * c.windows_per_activity
    assert 3000 <= n_train <= 4500


def test_mocap_windows_are_pelvis_centred(small_corpus):
    joints = small_corpus["train"].mocap.reshape(-1, 50, 17, 3)
    mid_hip = 0.5 * (joints[:, :, JOINT_INDEX["left_hip"]] + joints[:, :, JOINT_INDEX["right_hip"]])
    assert np.abs(mid_hip).max() < 1e-5
    head_above_hips = joints[:, :, JOINT_INDEX["nose"], 2] > 0.3
    upright = small_corpus["train"].label == "standing"
    assert head_above_hips[upright].all()


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_standing_still_reads_gravity_and_little_rotation(placement):
    _, imu, _ = simulate_recording(["standing"], 20.0, placement=placement, seed=1)
    magnitude = np.linalg.norm(imu[:, :3], axis=1)
    assert abs(magnitude.mean() - GRAVITY_MS2) < 0.5
    assert np.linalg.norm(imu[:, 3:], axis=1).mean() < 0.5
    assert 0.02 < imu[:, :3].std(axis=0).max() < 2.0   # alive (sway, fidgets), not a mannequin


def test_glasses_at_rest_read_plus_g_along_their_up_axis():
    _, imu, _ = simulate_recording(["standing"], 10.0, placement="head", seed=2)
    assert imu[:, 2].mean() > 0.85 * GRAVITY_MS2


def test_running_shakes_the_wrist_far_more_than_standing():
    _, still, _ = simulate_recording(["standing"], 10.0, placement="wrist", seed=5)
    _, run, _ = simulate_recording(["running"], 10.0, placement="wrist", seed=5)
    assert run[:, :3].var(axis=0).sum() > 20 * still[:, :3].var(axis=0).sum()


def test_angular_velocity_of_a_constant_rotation_is_exact():
    rate, omega = 200.0, np.array([0.3, -1.2, 2.5])          # rad/s, body frame
    steps = np.arange(400) / rate
    r = np.stack([rotvec_to_matrix(omega * t) for t in steps])  # constant axis: body = world rate
    np.testing.assert_allclose(angular_velocity(r, rate), np.tile(omega, (400, 1)), atol=1e-6)
    yaw = np.stack([rotvec_to_matrix(np.array([0.0, 0.0, 2.0 * t])) for t in steps])
    np.testing.assert_allclose(angular_velocity(yaw, rate)[:, 2], 2.0, atol=1e-9)


@pytest.mark.parametrize("side", ["l", "r"])
def test_devices_on_a_motionless_upright_body_read_gravity_on_the_expected_axes(side):
    body, rng = body_from_height(1.7), np.random.default_rng(0)
    kin = forward_kinematics({}, body, 50)                       # rest pose: arms hanging, head level
    watch = wrist_mount(body, side, rng, max_deg=0.0)
    assert np.linalg.det(watch.rotation) == pytest.approx(1.0)
    wrist, _ = ideal_imu(kin, watch, 200.0)
    np.testing.assert_allclose(wrist[:, :3], np.tile([-GRAVITY_MS2, 0, 0], (50, 1)), atol=1e-9)  # x toward the hand
    np.testing.assert_allclose(wrist[:, 3:], 0.0, atol=1e-9)
    glasses, _ = ideal_imu(kin, head_mount(body, rng, max_deg=0.0), 200.0)
    np.testing.assert_allclose(glasses[:, :3], np.tile([0, 0, GRAVITY_MS2], (50, 1)), atol=1e-9)


def test_so3_log_inverts_rodrigues_for_small_and_large_angles():
    for v in (np.array([1e-7, 0.0, 0.0]), np.array([0.1, -0.2, 0.3]), np.array([0.0, 2.5, 0.0])):
        np.testing.assert_allclose(so3_log(rotvec_to_matrix(v)), v, atol=1e-9)


def test_walking_moves_the_pelvis_forward_at_a_walking_speed():
    t = np.arange(int(10 * SIM_RATE_HZ)) / SIM_RATE_HZ
    for sid in range(4):
        subject = make_subject(0, sid)
        pose = generate_pose(subject, "walking", t, np.random.default_rng(sid))
        _, root = place_body(pose, subject, len(t))
        speed = np.linalg.norm(root[-1, :2] - root[0, :2]) / (t[-1] - t[0])
        assert 0.8 <= speed <= 2.0
        assert 0.008 < root[:, 2].std() < 0.05         # the vertical bob of walking


def test_forward_kinematics_of_the_rest_pose_is_an_upright_person():
    body = body_from_height(1.75)
    joints = forward_kinematics({}, body, 1).joints[0]
    assert joints.shape == (len(JOINTS), 3)
    nose, ankle = joints[JOINT_INDEX["nose"]], joints[JOINT_INDEX["left_ankle"]]
    assert nose[2] - ankle[2] == pytest.approx(body.height - body.ankle_height - 0.09, abs=0.08)
    assert joints[JOINT_INDEX["left_shoulder"], 1] > 0 > joints[JOINT_INDEX["right_shoulder"], 1]
    raised = forward_kinematics({"r_arm_plane": np.pi / 2, "r_arm_elev": np.pi / 2}, body, 1).joints[0]
    assert raised[JOINT_INDEX["right_wrist"], 0] > 0.4    # arm straight ahead, in front of the body


def test_every_activity_has_captions_at_several_levels_of_detail():
    assert len(ACTIVITIES) >= 30 and len(set(ACTIVITIES)) == len(ACTIVITIES)
    for label in ACTIVITIES:
        words = [len(c.split()) for c in set(CAPTIONS[label])]
        assert len(words) >= 8, label
        assert min(words) <= 3 and max(words) >= 8, label   # terse labels and detailed descriptions


def test_held_out_phrasings_never_occur_in_any_training_caption():
    every_caption = [c.lower() for captions in CAPTIONS.values() for c in captions]
    assert set(HELD_OUT_PHRASINGS) == set(ACTIVITIES)
    for label, phrase in HELD_OUT_PHRASINGS.items():
        assert phrase != label and not any(phrase.lower() in c for c in every_caption), (label, phrase)


def test_dev_phrasings_are_two_new_names_per_label_apart_from_captions_and_the_test_phrasings():
    every_caption = [c.lower() for captions in CAPTIONS.values() for c in captions]
    assert set(DEV_PHRASINGS) == set(ACTIVITIES)
    for label, phrases in DEV_PHRASINGS.items():
        held_out = HELD_OUT_PHRASINGS[label].lower()
        assert len(set(phrases)) == 2, label
        for phrase in map(str.lower, phrases):
            assert phrase not in ACTIVITIES and not any(phrase in c for c in every_caption), (label, phrase)
            assert held_out not in phrase and phrase not in held_out, (label, phrase)


def test_simulate_recording_at_52_hz_has_the_right_length_and_segments():
    t, imu, segments = simulate_recording(["walking", "sitting"], 5.0, placement="wrist", rate_hz=52.0)
    assert imu.shape == (520, 6) and imu.dtype == np.float32 and t.shape == (520,)
    np.testing.assert_allclose(np.diff(t), 1 / 52.0)
    assert segments == [(0.0, "walking"), (5.0, "sitting")]
    assert np.isfinite(imu).all()


def test_recording_transitions_have_no_jumps():
    _, imu, _ = simulate_recording(["standing", "walking", "sitting"], 4.0, placement="head", seed=7)
    assert np.abs(np.diff(imu[:, :3], axis=0)).max() < 25.0


def test_bad_config_values_are_refused_with_the_value_shown():
    with pytest.raises(ConfigError, match="flying"):
        SynthConfig(activities=("walking", "flying"))
    with pytest.raises(ConfigError, match="knee"):
        SynthConfig(placements=("knee",))
    with pytest.raises(ConfigError, match="-1"):
        SynthConfig(windows_per_activity=-1)
    with pytest.raises(ConfigError, match=r"\(0, 1, 1\)"):
        SynthConfig(subjects=(0, 1, 1))
    with pytest.raises(ConfigError, match="5000"):
        simulate_recording(["walking"], 5.0, rate_hz=5000)
    with pytest.raises(ConfigError, match="random_sites.*1.5"):
        SynthConfig(random_sites=1.5)
    for not_a_share in (True, "0.5", -0.1):    # a bool or a string is not read as a share either
        with pytest.raises(ConfigError, match="gravity_removed"):
            SynthConfig(gravity_removed=not_a_share)


@pytest.mark.parametrize("segment", ["head", "trunk", "pelvis", "l_upper_arm", "r_forearm", "l_thigh", "r_shank"])
def test_a_random_site_is_a_device_flat_on_the_segment_surface(segment):
    body, rng = body_from_height(1.8), np.random.default_rng(1)
    kin = forward_kinematics({}, body, 20)   # upright rest pose: every segment frame is the world frame
    facing = []
    for _ in range(20):
        mount = site_mount(body, segment, rng, max_deg=0.0)
        r = mount.rotation
        np.testing.assert_allclose(r.T @ r, np.eye(3), atol=1e-12)
        assert np.linalg.det(r) == pytest.approx(1.0)
        radial = mount.lever_m * np.array([1.0, 1.0, 0.0])
        assert 0.02 < np.linalg.norm(radial) < 0.25    # on the surface, not inside the bone or in the air
        facing.append(np.dot(r[:, 2], radial / np.linalg.norm(radial)))
        assert abs(facing[-1]) > 0.8                   # z along the surface normal (either side up) ...
        assert abs(r[2, 2]) < 1e-12                    # ... which is level: the surfaces are upright at rest
        if segment[:2] in ("l_", "r_"):
            assert mount.lever_m[2] < 0                # below the proximal joint: limbs hang along -z
        imu, _ = ideal_imu(kin, mount, 200.0)          # at rest it reads gravity only, in the surface plane
        assert np.linalg.norm(imu[0, :3]) == pytest.approx(GRAVITY_MS2)
        assert abs(imu[0, 2]) < 1e-9
    assert min(facing) < 0 < max(facing)


def test_random_sites_replace_a_share_of_training_windows_only_and_stay_off_left_out_segments():
    config = SynthConfig(seed=3, subjects=(2, 1, 1), windows_per_activity=5, activities=("walking", "sitting"),
                         placements=tuple(p for p in PLACEMENTS if p != "head"), random_sites=0.4)
    corpus = build_corpus(config)
    plain = build_corpus(replace(config, random_sites=0.0))
    assert np.mean(corpus["train"].placement == RANDOM_SITE) == pytest.approx(0.4)
    for split in ("val", "test"):                       # scored at the named placements, unchanged
        assert RANDOM_SITE not in corpus[split].placement
        np.testing.assert_array_equal(corpus[split].imu, plain[split].imu)
    named = corpus["train"].placement != RANDOM_SITE     # the windows before them are untouched
    assert np.isfinite(corpus["train"].imu).all()
    assert not np.array_equal(corpus["train"].imu[~named], plain["train"].imu[~named])

    subject, worn = _with_random_sites(config, make_subject(3, 0), "walking", ["chest"] * 200)
    sites = [subject.mounts[p].segment for p in worn if p.startswith(RANDOM_SITE)]
    assert len(sites) == 80 and "head" not in sites
    assert set(sites) <= {s for p in config.placements for s in PLACEMENT_SEGMENTS[p]}


def test_render_frames_draws_a_figure():
    corpus = build_corpus(SynthConfig(subjects=(1, 0, 0), windows_per_activity=1, activities=("waving",),
                                      placements=("head",), with_frames=True, frames_per_window=4))
    frames = corpus["train"].frames
    assert frames.shape == (1, 4, 64, 64, 3) and frames.dtype == np.uint8
    drawn = (frames[0] != frames[0, 0, 0, 0]).any(axis=-1)
    assert 40 < drawn[0].sum() < 64 * 64 // 4
    assert render_frames(corpus["train"].mocap[0], n_frames=2, size=32).shape == (2, 32, 32, 3)
    with pytest.raises(DataError):
        render_frames(np.zeros((10, 51)))
