"""Labelled recordings for `aura-edge eval --data`: generic .npz files (below) or PAMAP2.

The file holds:
  imu       (N, T, 6) float: N labelled windows of T samples, [ax, ay, az, gx, gy, gz]
  rate_hz   scalar: the sample rate, 10-1000 Hz
  label     (N,) str: the activity of each window
  units     optional, 2 strings: accelerometer 'm/s2' | 'g', gyroscope 'rad/s' | 'deg/s'
            (or one string 'g,deg/s'); default m/s2, rad/s
  gravity   optional 'included' | 'removed'; default included
Windows longer than 5 s are cut into sliding 5 s model windows whose embeddings are averaged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aura_edge.errors import DataError
from aura_edge.signals import GRAVITY_CONVENTIONS, WINDOW_S, check_finite, parse_units, to_model_windows

REQUIRED_KEYS = ("imu", "rate_hz", "label")


@dataclass
class LabelledRecordings:
    windows: list[np.ndarray]  # per recording: (K, 6, 1000) canonical model windows
    label: np.ndarray          # (N,) str
    rate_hz: float
    acc_unit: str
    gyro_unit: str
    gravity: str

    @property
    def labels(self) -> list[str]:
        return sorted(set(self.label.tolist()))


def _read_units(z) -> tuple[str, str]:
    if "units" not in z.files:
        return "m/s2", "rad/s"
    raw = z["units"]
    return parse_units(raw.tolist() if raw.ndim else str(raw), "'units'")


def load_labelled_recordings(path: Path | str) -> LabelledRecordings:
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path} does not exist; pass an .npz with {', '.join(REQUIRED_KEYS)}")
    try:
        z = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise DataError(f"{path} is not a readable .npz file ({exc})") from exc
    with z:
        missing = [k for k in REQUIRED_KEYS if k not in z.files]
        if missing:
            raise DataError(f"{path} lacks {missing}; it needs imu (N, T, 6), rate_hz and label (N,)")
        imu, label = np.asarray(z["imu"], dtype=np.float64), np.asarray(z["label"]).astype(str)
        rate_hz = float(z["rate_hz"])
        acc_unit, gyro_unit = _read_units(z)
        gravity = str(z["gravity"]) if "gravity" in z.files else "included"
    if imu.ndim != 3 or imu.shape[2] != 6:
        raise DataError(f"'imu' must be (N windows, T samples, 6 channels), got {imu.shape}")
    if len(label) != len(imu):
        raise DataError(f"'label' has {len(label)} entries but 'imu' has {len(imu)} windows")
    if gravity not in GRAVITY_CONVENTIONS:
        raise DataError(f"'gravity' is {gravity!r}; use 'included' or 'removed'")
    if imu.shape[1] / rate_hz < WINDOW_S - 1e-9:
        raise DataError(f"windows are {imu.shape[1] / rate_hz:.2f} s long ({imu.shape[1]} samples at "
                        f"{rate_hz:g} Hz); the model needs at least {WINDOW_S:g} s per window")
    check_finite(imu, f"'imu' in {path}")
    windows = [to_model_windows(w, rate_hz, acc_unit, gyro_unit, gravity) for w in imu]
    return LabelledRecordings(windows, label, rate_hz, acc_unit, gyro_unit, gravity)
