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
from aura_edge.safe_npz import NUMBERS, TEXT, Member, read_npz
from aura_edge.signals import (ACC_UNITS, GRAVITY_CONVENTIONS, GYRO_UNITS, MAX_RATE_HZ, MIN_RATE_HZ, WINDOW_S,
                               check_finite, parse_units, to_model_windows)



@dataclass
class LabelledRecordings:
    windows: list[np.ndarray]  # per recording: (K, 6, 1000) canonical model windows
    label: np.ndarray          # (N,) str
    rate_hz: float
    acc_unit: str
    gyro_unit: str
    gravity: str
    subject: np.ndarray | None = None   # (N,) who recorded each window, when the file says

    @property
    def labels(self) -> list[str]:
        return sorted(set(self.label.tolist()))


MEMBERS = {"imu": Member(NUMBERS, (3,)), "rate_hz": Member(NUMBERS, (0, 1)), "label": Member(TEXT, (1,)),
           "units": Member(TEXT, (0, 1), required=False), "gravity": Member(TEXT, (0,), required=False),
           "subject": Member(NUMBERS + TEXT, (1,), required=False)}
DESCRIBE = "imu (N, T, 6), rate_hz and label (N,) [, units, gravity, subject (N,)]"
# Beyond what any wearable IMU measures (about 1000 g, 1000 rad/s): almost always wrong units.
MAX_ACC_MS2, MAX_GYRO_RADS = 1e4, 1e3


def load_labelled_recordings(path: Path | str) -> LabelledRecordings:
    path = Path(path)
    arrays = read_npz(path, MEMBERS, DESCRIBE)
    imu, label = arrays["imu"], arrays["label"].astype(str)
    rate_hz = _read_rate(arrays["rate_hz"], path)
    acc_unit, gyro_unit = _read_units(arrays.get("units"))
    gravity = str(arrays["gravity"]) if "gravity" in arrays else "included"
    if imu.shape[2] != 6:
        raise DataError(f"'imu' must be (N windows, T samples, 6 channels), got {imu.shape}")
    if len(label) != len(imu):
        raise DataError(f"'label' has {len(label)} entries but 'imu' has {len(imu)} windows")
    if gravity not in GRAVITY_CONVENTIONS:
        raise DataError(f"'gravity' is {gravity!r}; use 'included' or 'removed'")
    if imu.shape[1] / rate_hz < WINDOW_S - 1e-9:
        raise DataError(f"windows are {imu.shape[1] / rate_hz:.2f} s long ({imu.shape[1]} samples at "
                        f"{rate_hz:g} Hz); the model needs at least {WINDOW_S:g} s per window")
    imu = imu.astype(np.float64, copy=False)
    check_finite(imu, f"'imu' in {path}")
    _check_magnitudes(imu, acc_unit, gyro_unit, path)
    windows = [to_model_windows(w, rate_hz, acc_unit, gyro_unit, gravity) for w in imu]
    subject = arrays["subject"].astype(str) if "subject" in arrays else None
    if subject is not None and len(subject) != len(label):
        raise DataError(f"'subject' has {len(subject)} entries but 'imu' has {len(imu)} windows")
    return LabelledRecordings(windows, label, rate_hz, acc_unit, gyro_unit, gravity, subject)


def _read_rate(raw: np.ndarray, path: Path) -> float:
    if raw.size != 1 or not np.isfinite(raw).all() or not MIN_RATE_HZ <= float(raw.ravel()[0]) <= MAX_RATE_HZ:
        shown = raw.ravel()[0] if raw.size == 1 else f"an array of {raw.size}"
        raise DataError(f"'rate_hz' in {path} is {shown}; it must be one number, the sample rate in Hz, "
                        f"from {MIN_RATE_HZ:g} to {MAX_RATE_HZ:g}")
    return float(raw.ravel()[0])


def _read_units(raw: np.ndarray | None) -> tuple[str, str]:
    if raw is None:
        return "m/s2", "rad/s"
    return parse_units(raw.astype(str).tolist() if raw.ndim else str(raw.astype(str)), "'units'")


def _check_magnitudes(imu: np.ndarray, acc_unit: str, gyro_unit: str, path: Path) -> None:
    for channels, unit, scale, limit, name in ((slice(0, 3), acc_unit, ACC_UNITS[acc_unit], MAX_ACC_MS2, "m/s²"),
                                               (slice(3, 6), gyro_unit, GYRO_UNITS[gyro_unit], MAX_GYRO_RADS, "rad/s")):
        peak = float(np.abs(imu[..., channels]).max(initial=0.0)) * scale
        if peak > limit:
            raise DataError(f"'imu' in {path} reaches {peak:.3g} {name} (in {unit}), more than any wearable IMU "
                            f"measures (about {limit:g} {name}); check the 'units' key and the channel order")
