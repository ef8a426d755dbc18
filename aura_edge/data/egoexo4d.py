"""Ego-Exo4D as train/val/test WindowSets: Aria IMU + ego-pose body mocap + atomic descriptions.

Reads the release layout under ROOT (as written by the `egoexo` downloader):

    takes.json                                                  take_uid, take_name, parent_task_name, ...
    annotations/atomic_descriptions_{train,val}.json            timestamped descriptions per take
    annotations/ego_pose/{train,val}/body/annotation/<uid>.json 17 COCO joints (3D, metres) per 30 fps frame
    takes/<take_name>/imu_right.csv                             timestamp_ms,accel_x,...,gyro_z (imu-right)

Ego-Exo4D ships IMU only inside the take's VRS file; export its `imu-right` stream once to that CSV
(projectaria_tools: `get_imu_data_by_index` -> capture_timestamp_ns / 1e6, accel_msec2, gyro_radsec).
IMU time 0 is taken as the take's start (the AURA-MFM convention; timesync.csv is not used).

One window per description of the first non-rejected annotator: 5 s centred on its timestamp,
IMU resampled to 200 Hz with an anti-alias filter, mocap interpolated onto 10 FPS and
pelvis-centred. Caption = the description, label = the take's scenario (parent task), subject =
participant (or capture). Splits are by subject (80/10/10 by a stable hash), so no person is in
two splits; the official take-level split would leak people across them.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np

from aura_edge.data.windows import MOCAP_FRAMES, WindowSet
from aura_edge.errors import DataError
from aura_edge.signals import WINDOW_S, resample, resample_timestamped

JOINTS = ("nose", "left-eye", "right-eye", "left-ear", "right-ear", "left-shoulder", "right-shoulder",
          "left-elbow", "right-elbow", "left-wrist", "right-wrist", "left-hip", "right-hip", "left-knee",
          "right-knee", "left-ankle", "right-ankle")
VIDEO_FPS = 30.0
IMU_COLUMNS = ("accel_x", "accel_y", "accel_z", "gyro_x", "gyro_y", "gyro_z")
MAX_MOCAP_GAP_S = 0.5  # a window whose pose annotations leave a longer hole gets no mocap


def is_egoexo4d_root(path: Path) -> bool:
    return (Path(path) / "takes.json").is_file() and (Path(path) / "annotations").is_dir()


def load_egoexo4d(root: Path | str, require_mocap: bool = True) -> dict[str, WindowSet]:
    root = Path(root)
    if not is_egoexo4d_root(root):
        raise DataError(f"{root} is not an Ego-Exo4D root (needs takes.json and annotations/)")
    takes = json.loads((root / "takes.json").read_text())
    descriptions = _descriptions(root)
    rows = []
    for take in takes:
        uid = take["take_uid"]
        imu_path = root / take.get("root_dir", f"takes/{take['take_name']}") / "imu_right.csv"
        if uid not in descriptions or not imu_path.is_file():
            continue
        t_imu, imu = _read_imu_csv(imu_path)
        pose = _read_pose(root, uid)
        subject = take.get("participant_uid") or take.get("capture", {}).get("capture_name") or take["take_name"]
        for centre_s, text in descriptions[uid]:
            row = _window(t_imu, imu, pose, centre_s)
            if row is None or (require_mocap and row[1] is None):
                continue
            rows.append((*row, text, take.get("parent_task_name", "unknown"), str(subject)))
    if not rows:
        raise DataError(f"no usable windows under {root}: takes need imu_right.csv and atomic descriptions "
                        "with 5 s of IMU around them")
    return _split(rows, with_mocap=require_mocap)


def _descriptions(root: Path) -> dict[str, list[tuple[float, str]]]:
    """take_uid -> [(timestamp s, text)] of the first annotator whose pass was not rejected."""
    out: dict[str, list[tuple[float, str]]] = {}
    for split in ("train", "val"):
        path = root / "annotations" / f"atomic_descriptions_{split}.json"
        if not path.is_file():
            continue
        for uid, passes in json.loads(path.read_text())["annotations"].items():
            accepted = [p for p in passes if not p.get("rejected", False)]
            if accepted:
                out[uid] = [(float(d["timestamp"]), _clean(d["text"])) for d in accepted[0]["descriptions"]]
    return out


def _clean(text: str) -> str:
    text = text.replace("#unsure", "something").replace("#C", "").strip()
    return " ".join(text.split()).rstrip(".")


def _read_imu_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with path.open(newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("timestamp_ms", *IMU_COLUMNS) if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{path} lacks columns {missing}; expected timestamp_ms,{','.join(IMU_COLUMNS)}")
        data = np.array([[float(r["timestamp_ms"])] + [float(r[c]) for c in IMU_COLUMNS] for r in reader])
    data = data[np.argsort(data[:, 0])]
    data = data[np.isfinite(data).all(axis=1)]
    return (data[:, 0] - data[0, 0]) / 1000.0, data[:, 1:]


def _read_pose(root: Path, uid: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(t_s (F,), joints (F, 17, 3) with NaN where a joint was not triangulated), or None."""
    for split in ("train", "val"):
        path = root / "annotations" / "ego_pose" / split / "body" / "annotation" / f"{uid}.json"
        if path.is_file():
            frames = json.loads(path.read_text())
            keys = sorted(frames, key=int)
            joints = np.full((len(keys), len(JOINTS), 3), np.nan)
            for i, key in enumerate(keys):
                points = frames[key][0].get("annotation3D", {})
                for j, name in enumerate(JOINTS):
                    if name in points:
                        joints[i, j] = (points[name]["x"], points[name]["y"], points[name]["z"])
            return np.array([int(k) for k in keys]) / VIDEO_FPS, joints
    return None


def _window(t_imu, imu, pose, centre_s: float):
    start = centre_s - WINDOW_S / 2
    if start < t_imu[0] or start + WINDOW_S > t_imu[-1]:
        return None
    native_hz = float(np.clip(round(1.0 / np.median(np.diff(t_imu))), 10, 1000))
    n_native = int(round(WINDOW_S * native_hz))
    # Interpolate onto the device's own uniform grid, then low-pass and decimate to the model rate.
    window = resample(resample_timestamped(t_imu, imu, start, n_native, native_hz), native_hz)
    return window.T.copy(), _mocap(pose, start)


def _mocap(pose, start: float) -> np.ndarray | None:
    """(50, 51) pelvis-centred joints on the 10 FPS grid of the window, or None if poorly covered."""
    if pose is None:
        return None
    t, joints = pose
    grid = start + np.arange(MOCAP_FRAMES) / 10.0
    inside = t[(t >= start - MAX_MOCAP_GAP_S) & (t <= grid[-1] + MAX_MOCAP_GAP_S)]
    if len(inside) < 2 or np.diff(np.r_[start, inside, grid[-1]]).max() > MAX_MOCAP_GAP_S:
        return None
    out = np.empty((MOCAP_FRAMES, len(JOINTS), 3))
    for j in range(len(JOINTS)):
        for c in range(3):
            ok = np.isfinite(joints[:, j, c])
            if ok.sum() < 2:
                return None  # a joint never seen cannot be interpolated
            out[:, j, c] = np.interp(grid, t[ok], joints[ok, j, c])
    pelvis = out[:, 11:13].mean(axis=1, keepdims=True)  # mid-hip
    return (out - pelvis).reshape(MOCAP_FRAMES, -1).astype(np.float32)


def _split(rows, with_mocap: bool) -> dict[str, WindowSet]:
    subjects = sorted({r[4] for r in rows})
    ids = {s: i for i, s in enumerate(subjects)}

    def split_of(subject: str) -> str:
        bucket = int(hashlib.sha256(subject.encode()).hexdigest(), 16) % 10
        return "test" if bucket == 0 else "val" if bucket == 1 else "train"

    out = {}
    for split in ("train", "val", "test"):
        part = [r for r in rows if split_of(r[4]) == split]
        if not part:
            raise DataError(f"the Ego-Exo4D {split} split is empty: too few participants ({len(subjects)}) "
                            "to split by person 80/10/10")
        out[split] = WindowSet(
            imu=np.stack([r[0] for r in part]).astype(np.float32), label=np.array([r[3] for r in part]),
            caption=np.array([r[2] for r in part]), subject=np.array([ids[r[4]] for r in part]),
            placement=np.array(["head"] * len(part)),
            mocap=np.stack([r[1] for r in part]) if with_mocap else None)
    return out

