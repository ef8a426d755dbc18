"""Replay a recorded session: ``aura-edge record`` CSV, a headerless firmware CSV, or NPZ.

Formats (detected from the file):
- CSV with a header containing ``ax,ay,az,gx,gy,gz`` and optionally ``t_s`` and ``label``
  (what :func:`record` writes; canonical units unless ``acc_unit``/``gyro_unit`` say otherwise);
- headerless CSV in the firmware line convention (6 values, or timestamp + 6 values); 6-value
  files need ``rate_hz``;
- NPZ with ``imu`` (T, 6), ``rate_hz`` and optionally ``t_s`` (T,).
The file's time becomes ``t_device_s``; a step backwards in it is replayed as a device reset.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aura_edge.errors import DataError, DeviceError
from aura_edge.firmware_bridge.conversions import SampleConverter
from aura_edge.firmware_bridge.csv_lines import CsvLineDecoder
from aura_edge.firmware_bridge.playback import Schedule, play_times
from aura_edge.firmware_bridge.source_base import Source
from aura_edge.firmware_bridge.timing import backdate, snap_rate_hz
from aura_edge.firmware_bridge.types import SampleBatch
from aura_edge.safe_npz import NUMBERS, Member, read_npz
from aura_edge.signals import CHANNELS, check_finite


class ReplaySource(Source):
    """Plays a file at real time x ``speed`` (0 = as fast as possible, ``chunk_samples`` per read)."""

    def __init__(self, path: str, *, speed: float = 1.0, rate_hz: float | None = None, acc_unit: str = "m/s2",
                 gyro_unit: str = "rad/s", axes: str = "x,y,z", time_unit: str = "auto", loop: bool = False,
                 chunk_samples: int = 1000) -> None:
        super().__init__(f"replay://{path}")
        self.path = Path(path)
        if not self.path.is_file():
            raise DeviceError(f"replay file {str(self.path)!r} does not exist; pass a CSV or NPZ recording")
        recording = read_recording(self.path, rate_hz, acc_unit, gyro_unit, axes, time_unit)
        self.imu, self.rate_hz, self.t_s, self.labels = recording.imu, recording.rate_hz, recording.t_s, recording.labels
        self.resets = np.concatenate(([False], np.diff(self.t_s) < 0))
        self.loop = loop
        self._play = play_times(self.t_s, self.rate_hz)
        self._speed, self._chunk = speed, chunk_samples
        self._schedule = Schedule(self._play, speed, chunk_samples)
        self._replays = 0

    def _poll(self, timeout_s: float) -> list[SampleBatch]:
        if self._schedule.done:
            if not self.loop:
                self.finished = True
                return []
            self._schedule = Schedule(self._play, self._speed, self._chunk)
            self._replays += 1
        span = self._schedule.next_range(timeout_s)
        if span is None:
            return []
        return self._batches(*span)

    def _batches(self, start: int, end: int) -> list[SampleBatch]:
        """Split [start, end) at resets (and at the loop restart) into batches."""
        cuts = [i for i in np.flatnonzero(self.resets[start:end]) + start if i > start]
        bounds = [start, *cuts, end]
        now = self._schedule.host_time(end - 1)
        batches = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            reset = bool(self.resets[a]) or (a == 0 and self._replays > 0)  # looping restarts the clock
            t_device = self.t_s[a:b]
            batches.append(SampleBatch(backdate(t_device, now - (self._play[end - 1] - self._play[b - 1])),
                                       t_device.copy(), self.imu[a:b], reset))
        return batches


@dataclass(frozen=True)
class Recording:
    """A recording file as replay plays it: canonical units and axes, the device's rate."""

    imu: np.ndarray              # (T, 6) float32, m/s² and rad/s, canonical axes
    t_s: np.ndarray              # (T,) seconds
    rate_hz: float
    labels: np.ndarray | None    # (T,) per-sample labels, when the file has a label column


def read_recording(path: Path | str, rate_hz: float | None = None, acc_unit: str = "m/s2", gyro_unit: str = "rad/s",
                   axes: str = "x,y,z", time_unit: str = "auto") -> Recording:
    """Read a CSV (what `aura-edge record` writes, or bare sample lines) or NPZ recording."""
    path = Path(path)
    t_s, imu, labels = _load(path, rate_hz, time_unit)
    check_finite(imu, f"recording {path}")
    return Recording(SampleConverter(acc_unit, gyro_unit, axes)(imu), t_s, rate_hz or _rate_from(t_s, path), labels)


def _rate_from(t_s: np.ndarray, path: Path) -> float:
    if len(t_s) < 2:
        raise DataError(f"{path} holds {len(t_s)} sample(s); a recording needs at least 2 to tell its rate")
    steps = np.diff(t_s)
    steps = steps[steps > 0]
    if len(steps) == 0:
        raise DataError(f"the timestamps in {path} never advance ({len(t_s)} samples at t={t_s[0]:g}); "
                        "fix the timestamp column, or drop it and pass --rate")
    return snap_rate_hz(1.0 / float(np.median(steps)), tolerance=0.005)


def _load(path: Path, rate_hz: float | None, time_unit: str) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(t_s (T,), imu (T, 6) float32, labels (T,) or None) from a CSV or NPZ recording."""
    if path.suffix.lower() == ".npz":
        return _load_npz(path, rate_hz)
    data = path.read_bytes()
    first = data.split(b"\n", 1)[0].decode("utf-8", "replace")
    if any(c.isalpha() and c not in "eE" for c in first.replace("nan", "").replace("inf", "")):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"{path} is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); replay "
                            "reads the CSV files `aura-edge record` writes, or .npz") from None
        return _load_header_csv(text, path, rate_hz)
    decoder = CsvLineDecoder(time_unit=time_unit, discard_first_line=False)
    runs = decoder.feed(data) + decoder.flush()
    if not runs:
        raise DataError(f"{path} holds no sample lines (6 or 7 numbers per line); is it an IMU recording?")
    imu = np.concatenate([r.samples for r in runs])
    if runs[0].t_device_s is not None:
        return np.concatenate([r.t_device_s for r in runs]), imu, None
    if rate_hz is None:
        raise DataError(f"{path} has no timestamp column; pass rate_hz (the rate the device sampled at)")
    return np.arange(len(imu)) / rate_hz, imu, None


def _load_npz(path: Path, rate_hz: float | None):
    members = {"imu": Member(NUMBERS, (2,)), "rate_hz": Member(NUMBERS, (0, 1), required=False),
               "t_s": Member(NUMBERS, (1,), required=False)}
    arrays = read_npz(path, members, "imu (T, 6) [, rate_hz or t_s]")
    imu = arrays["imu"].astype(np.float32)
    rate = rate_hz or (float(arrays["rate_hz"].ravel()[0]) if "rate_hz" in arrays and arrays["rate_hz"].size == 1
                       else None)
    t_s = arrays["t_s"].astype(np.float64) if "t_s" in arrays else None
    if imu.ndim != 2 or imu.shape[1] != 6:
        raise DataError(f"{path}: 'imu' must be shaped (T, 6) as [ax, ay, az, gx, gy, gz], got {imu.shape}")
    if t_s is None:
        if rate is None:
            raise DataError(f"{path} has neither 't_s' nor 'rate_hz'; pass rate_hz")
        t_s = np.arange(len(imu)) / rate
    return t_s, imu, None


def _load_header_csv(text: str, path: Path, rate_hz: float | None):
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader)]
    missing = [c for c in CHANNELS if c not in header]
    if missing:
        raise DataError(f"{path}: header {header} lacks columns {missing}; expected t_s,ax,ay,az,gx,gy,gz[,label]")
    cols = [header.index(c) for c in CHANNELS]
    t_col = header.index("t_s") if "t_s" in header else None
    label_col = header.index("label") if "label" in header else None
    rows = [row for row in reader if row]
    try:
        imu = np.array([[float(row[c]) for c in cols] for row in rows], dtype=np.float32)
        t_s = np.array([float(row[t_col]) for row in rows]) if t_col is not None else None
    except (ValueError, IndexError) as error:
        raise DataError(f"{path}: a row is not numeric or is too short ({error})") from None
    labels = None
    if label_col is not None:
        labels = np.array([row[label_col] if len(row) > label_col else "" for row in rows])
    if t_s is None:
        if rate_hz is None:
            raise DataError(f"{path} has no t_s column; pass rate_hz")
        t_s = np.arange(len(imu)) / rate_hz
    return t_s, imu.reshape(len(rows), 6), labels
