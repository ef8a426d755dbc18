"""Fixed-capacity buffer of timestamped IMU samples that cuts model windows (numpy only).

Samples keep their own timestamps (device time when the link has a clock, else host time), and a
window is resampled onto the model grid from those timestamps. So a device that really samples
at 52, 104, 119 or 208 Hz — or drifts away from its nominal rate — still yields exactly
``seconds * rate_hz`` samples at ``rate_hz``. Short gaps are interpolated over; long gaps, stale
data, too little data and device resets make an invalid window with a reason instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aura_edge.errors import DataError
from aura_edge.signals import MODEL_RATE_HZ, N_CHANNELS, WINDOW_S, resample_timestamped


@dataclass(frozen=True)
class Window:
    """One resampled window, or the reason there is none.

    imu:      (n, 6) float32 on the grid ``start_s + k / rate_hz`` (k = 0..n-1), None if invalid
    end_s:    the last grid point, in the buffer's time base
    filled_s: how much of the window was interpolated across gaps longer than 1.5 sample steps
    """

    imu: np.ndarray | None
    start_s: float
    end_s: float
    rate_hz: float
    reason: str = ""
    filled_s: float = 0.0

    @property
    def valid(self) -> bool:
        return self.imu is not None


class RingBuffer:
    """Holds the latest ``capacity`` samples with float64 timestamps in seconds.

    Not thread-safe: push and cut windows from one thread (the streaming loop).
    Storage is twice the capacity and is compacted when the end is reached, so the live
    samples are always one contiguous, time-sorted slice: ``window`` needs no copying to find
    its range (one memmove every ``capacity`` samples instead of modulo indexing).
    """

    def __init__(self, capacity: int = 16384, max_gap_s: float = 0.1, reset_tolerance_s: float = 1e-3) -> None:
        if capacity < 2:
            raise DataError(f"ring buffer capacity must be at least 2 samples, got {capacity}")
        self.capacity = capacity
        self.max_gap_s = max_gap_s
        self.reset_tolerance_s = reset_tolerance_s
        self._t = np.empty(2 * capacity, dtype=np.float64)
        self._x = np.empty((2 * capacity, N_CHANNELS), dtype=np.float32)
        self._start = self._end = 0
        self.resets = 0  # device resets seen (history cleared)
        self.out_of_order = 0  # samples dropped because their time did not advance
        self.non_finite = 0  # samples dropped because a value or the time was not finite
        self.time_base: str | None = None  # "device" or "host", fixed by the first batch

    def __len__(self) -> int:
        return self._end - self._start

    @property
    def times(self) -> np.ndarray:
        return self._t[self._start:self._end]

    @property
    def samples(self) -> np.ndarray:
        return self._x[self._start:self._end]

    @property
    def latest_s(self) -> float | None:
        return float(self._t[self._end - 1]) if len(self) else None

    @property
    def span_s(self) -> float:
        return float(self._t[self._end - 1] - self._t[self._start]) if len(self) > 1 else 0.0

    def clear(self) -> None:
        self._start = self._end = 0

    def push(self, batch) -> None:
        """Add a source batch (anything with t_host_s, t_device_s, samples, reset)."""
        base = "device" if batch.t_device_s is not None else "host"
        reset = bool(getattr(batch, "reset", False))
        if self.time_base is not None and base != self.time_base:
            reset = True  # the two clocks are unrelated: never mix them in one window
        self.time_base = base
        self.extend(batch.t_device_s if base == "device" else batch.t_host_s, batch.samples, reset=reset)

    def extend(self, t_s, samples, reset: bool = False) -> None:
        """Append samples; time going backwards (beyond the tolerance) is a device reset."""
        t = np.asarray(t_s, dtype=np.float64).reshape(-1)
        x = np.asarray(samples, dtype=np.float32)
        if x.shape != (len(t), N_CHANNELS):
            raise DataError(f"expected samples shaped ({len(t)}, 6) to match {len(t)} timestamps, got {x.shape}")
        finite = np.isfinite(x).all(axis=1) & np.isfinite(t)
        if not finite.all():  # nothing non-finite may reach the model, whatever the source
            self.non_finite += int((~finite).sum())
            t, x = t[finite], x[finite]
        if reset and len(self):
            self.clear()
            self.resets += 1
        last = self._t[self._end - 1] if len(self) else -np.inf
        back = np.flatnonzero(t < np.concatenate(([last], t[:-1])) - self.reset_tolerance_s)
        if len(back):
            self.resets += len(back)
            self.clear()
            t, x = t[back[-1]:], x[back[-1]:]
            last = -np.inf
        # Duplicates and tiny steps back (host jitter) would break interpolation: drop them.
        advancing = t > np.maximum.accumulate(np.concatenate(([last], t[:-1])))
        if not advancing.all():
            self.out_of_order += int((~advancing).sum())
            t, x = t[advancing], x[advancing]
        self._append(t, x)

    def _append(self, t: np.ndarray, x: np.ndarray) -> None:
        if len(t) >= self.capacity:
            t, x = t[-self.capacity:], x[-self.capacity:]
            self._start = self._end = 0
        if self._end + len(t) > len(self._t):
            keep = min(len(self), self.capacity - len(t))
            self._t[:keep] = self._t[self._end - keep:self._end]
            self._x[:keep] = self._x[self._end - keep:self._end]
            self._start, self._end = 0, keep
        self._t[self._end:self._end + len(t)] = t
        self._x[self._end:self._end + len(t)] = x
        self._end += len(t)
        self._start = max(self._start, self._end - self.capacity)

    def window(self, end_s: float | None = None, seconds: float = WINDOW_S, rate_hz: float = MODEL_RATE_HZ) -> Window:
        """The ``seconds`` up to ``end_s`` (default: the latest sample) on a ``rate_hz`` grid."""
        n = int(round(seconds * rate_hz))
        if not len(self):
            return Window(None, np.nan, np.nan, rate_hz, "no samples yet")
        t, x = self.times, self.samples
        end = float(t[-1]) if end_s is None else float(end_s)
        start = end - seconds + 1.0 / rate_hz
        invalid = self._check_coverage(t, start, end, seconds, rate_hz)
        if invalid:
            return Window(None, start, end, rate_hz, invalid)
        lo = max(0, int(np.searchsorted(t, start, side="right")) - 1)
        hi = min(len(t), int(np.searchsorted(t, end, side="left")) + 1)
        seg_t, seg_x = t[lo:hi], x[lo:hi]
        steps = np.diff(seg_t)
        if len(steps) and steps.max() > self.max_gap_s:
            at = int(np.argmax(steps))
            return Window(None, start, end, rate_hz,
                          f"gap of {steps[at]:.3f} s at t={seg_t[at]:.3f} (longer than max_gap_s={self.max_gap_s:g})")
        filled = float(steps[steps > 1.5 * np.median(steps)].sum()) if len(steps) else 0.0
        # Interpolate relative to the window start: absolute device times lose float precision.
        imu = resample_timestamped(seg_t - start, seg_x, 0.0, n, rate_hz)
        return Window(imu, start, end, rate_hz, "", filled)

    def _check_coverage(self, t: np.ndarray, start: float, end: float, seconds: float, rate_hz: float) -> str:
        """Reason the buffer cannot cover [start, end], or ''."""
        step = float(np.median(np.diff(t[-64:]))) if len(t) > 1 else 0.0
        tolerance = min(1.5 * step, self.max_gap_s) + 0.5 / rate_hz
        if t[0] > start + tolerance:
            have = max(0.0, min(end, float(t[-1])) - float(t[0]))
            return f"not enough data yet: {have:.2f} s of the {seconds:g} s window"
        if end - t[-1] > self.max_gap_s:
            return f"stale: the last sample is {end - t[-1]:.3f} s before the window end (stream stalled?)"
        return ""
