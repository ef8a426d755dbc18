"""Ego-Exo4D read from a tiny tree laid out like the real release (keys and types as shipped)."""

import hashlib
import json

import numpy as np
import pytest

from aura_edge.data.egoexo4d import JOINTS, load_egoexo4d
from aura_edge.errors import DataError
from aura_edge.signals import GRAVITY_MS2


def participants_in_every_split():
    """Participant ids whose stable hash puts one in each of train, val and test."""
    found = {}
    for i in range(200):
        name = f"participant-{i}"
        bucket = int(hashlib.sha256(name.encode()).hexdigest(), 16) % 10
        split = "test" if bucket == 0 else "val" if bucket == 1 else "train"
        found.setdefault(split, name)
        if len(found) == 3:
            return found
    raise AssertionError("no hash spread")


def write_take(root, uid, name, scenario, participant, seconds=14.0, pose_gap=None):
    take_dir = root / "takes" / name
    take_dir.mkdir(parents=True)
    t_ms = 1.7e12 + np.arange(int(seconds * 1000)) * 1.0  # 1 kHz, absolute device ms
    f = 2.0 if scenario == "Soccer" else 0.3
    with (take_dir / "imu_right.csv").open("w") as fh:
        fh.write("timestamp_ms,accel_x,accel_y,accel_z,gyro_x,gyro_y,gyro_z\n")
        for k, t in enumerate(t_ms):
            s = np.sin(2 * np.pi * f * k / 1000)
            fh.write(f"{t:.3f},{s:.5f},0.1,{GRAVITY_MS2:.5f},{0.5 * s:.5f},0,0\n")
    frames = {}
    for frame in range(0, int(seconds * 30), 3):  # every third 30 fps frame = 10 Hz
        if pose_gap and pose_gap[0] <= frame / 30 <= pose_gap[1]:
            continue
        points = {j: {"x": 0.1 * i, "y": 1.0, "z": 1.2 - 0.05 * i + 0.01 * frame / 30, "num_views_for_3d": 3}
                  for i, j in enumerate(JOINTS) if not (j == "nose" and frame == 30)}  # one missing joint
        frames[str(frame)] = [{"annotation3D": points, "annotation2D": {}}]
    pose_dir = root / "annotations" / "ego_pose" / "train" / "body" / "annotation"
    pose_dir.mkdir(parents=True, exist_ok=True)
    (pose_dir / f"{uid}.json").write_text(json.dumps(frames))
    return {"take_uid": uid, "take_name": name, "root_dir": f"takes/{name}", "parent_task_name": scenario,
            "task_name": "x", "participant_uid": participant, "duration_sec": seconds,
            "capture": {"capture_name": name.rsplit("_", 1)[0]}}


@pytest.fixture
def egoexo_root(tmp_path):
    root = tmp_path / "egoexo"
    (root / "annotations").mkdir(parents=True)
    people = participants_in_every_split()
    takes = [write_take(root, f"u{i}", f"cmu_take{i}_1", scenario, people[split])
             for i, (split, scenario) in enumerate([("train", "Soccer"), ("train", "Cooking"),
                                                    ("val", "Soccer"), ("test", "Cooking")])]
    takes[1]["participant_uid"] = people["train"]
    (root / "takes.json").write_text(json.dumps(takes))
    descriptions = {"annotations": {
        t["take_uid"]: [
            {"annotator_id": "a", "rejected": True, "descriptions": [{"text": "wrong", "timestamp": 4.0}]},
            {"annotator_id": "b", "rejected": False, "descriptions": [
                {"text": "#C C kicks the ball.", "timestamp": 4.0, "ego_visible": "1"},
                {"text": "C stirs the pot", "timestamp": 9.5, "ego_visible": True},
                {"text": "C walks", "timestamp": 1.0, "ego_visible": False}]}]  # too early: no 5 s of IMU
        for t in takes}}
    (root / "annotations" / "atomic_descriptions_train.json").write_text(json.dumps(descriptions))
    return root


def test_windows_pair_imu_mocap_and_descriptions_split_by_person(egoexo_root):
    corpus = load_egoexo4d(egoexo_root)
    assert [len(corpus[s]) for s in ("train", "val", "test")] == [4, 2, 2]
    train = corpus["train"]
    assert train.imu.shape == (4, 6, 1000) and train.mocap.shape == (4, 50, 51)
    assert np.mean(train.imu[:, 2]) == pytest.approx(GRAVITY_MS2, rel=1e-3)
    assert "C kicks the ball" in train.caption.tolist()  # first accepted annotator, cleaned
    assert "wrong" not in train.caption.tolist()
    assert set(train.label.tolist()) == {"Soccer", "Cooking"}
    # Pelvis-centred: the mid-hip of every frame is the origin.
    hips = train.mocap.reshape(4, 50, 17, 3)[:, :, 11:13].mean(axis=2)
    assert np.abs(hips).max() < 1e-5
    assert not set(corpus["test"].subject.tolist()) & set(train.subject.tolist())


def test_a_hole_in_the_pose_annotations_drops_only_that_window(egoexo_root):
    takes = json.loads((egoexo_root / "takes.json").read_text())
    import shutil
    shutil.rmtree(egoexo_root / "takes" / takes[0]["take_name"])
    takes[0] = write_take(egoexo_root, "u0", takes[0]["take_name"], "Soccer", takes[0]["participant_uid"],
                          pose_gap=(8.0, 10.0))
    (egoexo_root / "takes.json").write_text(json.dumps(takes))
    assert len(load_egoexo4d(egoexo_root)["train"]) == 3
    assert load_egoexo4d(egoexo_root, require_mocap=False)["train"].mocap is None


def test_train_command_accepts_an_egoexo4d_root(egoexo_root, tmp_path):
    from aura_edge.train.data import load_corpus

    assert len(load_corpus(str(egoexo_root))["train"]) == 4


def test_not_a_root_and_bad_csv_are_clear_errors(egoexo_root, tmp_path):
    with pytest.raises(DataError, match="not an Ego-Exo4D root"):
        load_egoexo4d(tmp_path / "nothing")
    takes = json.loads((egoexo_root / "takes.json").read_text())
    (egoexo_root / takes[0]["root_dir"] / "imu_right.csv").write_text("t,ax\n1,2\n")
    with pytest.raises(DataError, match="lacks columns"):
        load_egoexo4d(egoexo_root)
