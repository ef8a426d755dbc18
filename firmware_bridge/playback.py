"""Release pre-computed items (samples, frames, lines) at their play times, real time x speed."""

from __future__ import annotations

import time

import numpy as np


class Schedule:
    """K items with non-decreasing play times in seconds from the start of playback.

    ``speed`` 1 plays in real time, N plays N times faster, 0 releases ``chunk`` items per call
    without waiting (tests, benchmarks). The clock starts at the first ``next_range`` call.
    """

    def __init__(self, play_s: np.ndarray, speed: float = 1.0, chunk: int = 1000) -> None:
        if speed < 0:
            raise ValueError(f"speed must be >= 0, got {speed}")
        self.play_s = np.asarray(play_s, dtype=np.float64)
        self.speed = speed
        self.chunk = max(1, chunk)
        self.position = 0
        self._t0: float | None = None

    @property
    def done(self) -> bool:
        return self.position >= len(self.play_s)

    def host_time(self, index: int) -> float:
        """When item ``index`` is (or was) due on the host clock."""
        return (self._t0 or time.monotonic()) + self.play_s[index] / self.speed if self.speed else time.monotonic()

    def next_range(self, timeout_s: float) -> tuple[int, int] | None:
        """[start, end) of the items due now, waiting up to ``timeout_s`` for the next one."""
        if self.done:
            return None
        start = self.position
        if self.speed == 0:
            self.position = min(len(self.play_s), start + self.chunk)
            return start, self.position
        if self._t0 is None:
            self._t0 = time.monotonic() - self.play_s[0] / self.speed
        wait = self._t0 + self.play_s[start] / self.speed - time.monotonic()
        if wait > timeout_s:
            time.sleep(max(0.0, timeout_s))
            return None
        time.sleep(max(0.0, wait))
        elapsed = (time.monotonic() - self._t0) * self.speed
        self.position = max(start + 1, int(np.searchsorted(self.play_s, elapsed, side="right")))
        return start, self.position


def play_times(t_s: np.ndarray, rate_hz: float) -> np.ndarray:
    """Monotonic play clock for timestamps that may restart (device resets): a step backwards
    (or a zero step) plays as one nominal sample period."""
    steps = np.diff(np.asarray(t_s, dtype=np.float64))
    steps = np.where(steps > 0, steps, 1.0 / rate_hz)
    return np.concatenate(([0.0], np.cumsum(steps)))
