"""PAMAP2 (UCI) as labelled 5 s windows, read from its on-disk layout.

    PAMAP2_Dataset/Protocol/subject101.dat ... subject109.dat   (and Optional/subject1xx.dat)

Each .dat file is space separated, no header, 54 columns, one row per 0.01 s (100 Hz), with the
literal NaN for missing values. Columns: 0 timestamp (s), 1 activity id, 2 heart rate, then three
17-column IMU blocks (hand at 3, chest at 20, ankle at 37): +1..3 acceleration of the +-16 g
sensor (m/s², gravity included), +7..9 gyroscope (rad/s). Activity 0 (transient) is dropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from aura_edge.data.recordings import LabelledRecordings
from aura_edge.errors import DataError
from aura_edge.signals import to_model_windows

RATE_HZ = 100.0
N_COLUMNS = 54
PLACEMENT_OFFSET = {"hand": 3, "chest": 20, "ankle": 37}
ACTIVITY_NAMES = {
    1: "lying down", 2: "sitting", 3: "standing", 4: "walking", 5: "running", 6: "cycling",
    7: "Nordic walking", 9: "watching TV", 10: "computer work", 11: "car driving", 12: "climbing stairs",
    13: "descending stairs", 16: "vacuum cleaning", 17: "ironing", 18: "folding laundry",
    19: "house cleaning", 20: "playing soccer", 24: "rope jumping",
}
MAX_NAN_RUN = 10  # samples (0.1 s): wireless dropouts shorter than this are interpolated


def is_pamap2_root(path: Path) -> bool:
    return (Path(path) / "Protocol").is_dir() and any((Path(path) / "Protocol").glob("subject1*.dat"))


def load_pamap2(root: Path | str, placement: str = "hand", include_optional: bool = False,
                hop_s: float = 2.5) -> LabelledRecordings:
    """5 s windows of one IMU placement, each labelled with its single activity."""
    root = Path(root)
    if placement not in PLACEMENT_OFFSET:
        raise DataError(f"PAMAP2 placement {placement!r} does not exist; use hand, chest or ankle")
    files = sorted((root / "Protocol").glob("subject1*.dat"))
    if include_optional:
        files += sorted((root / "Optional").glob("subject1*.dat"))
    if not files:
        raise DataError(f"no PAMAP2 files under {root}/Protocol; pass the PAMAP2_Dataset directory")
    windows, labels = [], []
    for path in files:
        for activity, imu in _activity_segments(_read_dat(path), placement):
            for window in _cut(imu, hop_s):
                windows.append(to_model_windows(window, RATE_HZ))
                labels.append(ACTIVITY_NAMES[activity])
    if not windows:
        raise DataError(f"{root} holds no 5 s stretch of a single labelled activity")
    return LabelledRecordings(windows, np.array(labels), RATE_HZ, "m/s2", "rad/s", "included")


def _read_dat(path: Path) -> np.ndarray:
    try:
        rows = np.loadtxt(path, dtype=np.float64, ndmin=2)
    except ValueError as exc:
        raise DataError(f"{path} is not a PAMAP2 .dat file ({exc})") from exc
    if rows.shape[1] != N_COLUMNS:
        raise DataError(f"{path} has {rows.shape[1]} columns; PAMAP2 .dat files have {N_COLUMNS}")
    return rows


def _activity_segments(rows: np.ndarray, placement: str):
    """(activity id, (T, 6) samples) for each unbroken run of one known activity."""
    o = PLACEMENT_OFFSET[placement]
    imu = np.concatenate([rows[:, o + 1:o + 4], rows[:, o + 7:o + 10]], axis=1)
    activity = rows[:, 1].astype(int)
    # A new segment starts where the activity changes or the timestamps jump.
    breaks = np.flatnonzero((np.diff(activity) != 0) | (np.diff(rows[:, 0]) > 1.5 / RATE_HZ)) + 1
    for start, stop in zip(np.r_[0, breaks], np.r_[breaks, len(rows)]):
        if activity[start] in ACTIVITY_NAMES:
            yield activity[start], _fill_short_gaps(imu[start:stop])


def _fill_short_gaps(imu: np.ndarray) -> np.ndarray:
    """Interpolate NaN runs of up to MAX_NAN_RUN samples; longer ones stay NaN (windows dropped)."""
    out = imu.copy()
    t = np.arange(len(out))
    for c in range(out.shape[1]):
        bad = np.isnan(out[:, c])
        if not bad.any() or bad.all():
            continue
        filled = np.interp(t, t[~bad], out[~bad, c])
        run_id = np.cumsum(~bad)  # NaN samples of one run share the count of valid samples before them
        run_length = np.bincount(run_id, weights=bad)[run_id]
        short = bad & (run_length <= MAX_NAN_RUN)
        out[short, c] = filled[short]
    return out


def _cut(imu: np.ndarray, hop_s: float):
    size, hop = int(5 * RATE_HZ), int(hop_s * RATE_HZ)
    for start in range(0, len(imu) - size + 1, hop):
        window = imu[start:start + size]
        if np.isfinite(window).all():
            yield window
