"""Host-side timing: sample-rate detection from arrival times, per-sample host timestamps for
links without a device clock, and reconnect backoff."""

from __future__ import annotations

import numpy as np

from aura_edge.errors import DataError
from aura_edge.signals import MAX_RATE_HZ, MIN_RATE_HZ

# Output data rates of common IMUs (LSM6DS*, LSM9DS1, BMI2xx, ICM-42xxx, MPU-6050 dividers, Movesense).
STANDARD_RATES_HZ = (10.0, 12.5, 25.0, 26.0, 50.0, 52.0, 100.0, 104.0, 119.0, 200.0, 208.0, 238.0, 400.0,
                     416.0, 476.0, 500.0, 800.0, 833.0, 952.0, 1000.0)


def snap_rate_hz(rate_hz: float, tolerance: float = 0.025) -> float:
    """The nearest standard output data rate when within ``tolerance`` (relative), else the input."""
    best = min(STANDARD_RATES_HZ, key=lambda r: abs(r - rate_hz))
    return best if abs(best - rate_hz) <= tolerance * best else float(rate_hz)


def estimate_rate_hz(arrival_s: np.ndarray, counts: np.ndarray, snap: bool = True) -> float:
    """Samples per second from host arrival times of chunks of samples.

    ``arrival_s[i]`` is when chunk i (``counts[i]`` samples) arrived. The slope of cumulative
    sample count over arrival time is fitted with Theil-Sen (median of pairwise slopes), which
    ignores the few chunks an OS or USB stack delays and then delivers in a burst. Pairs closer
    than a quarter of the span are left out: their slopes are dominated by arrival jitter.
    """
    t = np.asarray(arrival_s, dtype=np.float64)
    cumulative = np.cumsum(np.asarray(counts, dtype=np.float64))
    if len(t) < 3 or t[-1] - t[0] <= 0:
        raise DataError(f"need at least 3 chunks over a positive time span to estimate a rate, got {len(t)}")
    if len(t) > 256:  # pairwise slopes are O(n²): thin out evenly
        keep = np.linspace(0, len(t) - 1, 256).round().astype(int)
        t, cumulative = t[keep], cumulative[keep]
    i, j = np.triu_indices(len(t), k=1)
    span = t[j] - t[i]
    usable = span >= 0.25 * (t[-1] - t[0])
    rate = float(np.median((cumulative[j] - cumulative[i])[usable] / span[usable]))
    if not MIN_RATE_HZ * 0.5 <= rate <= MAX_RATE_HZ * 2:
        raise DataError(f"estimated {rate:.1f} Hz, outside {MIN_RATE_HZ:g}-{MAX_RATE_HZ:g} Hz; pass rate_hz explicitly")
    return snap_rate_hz(rate) if snap else rate


class RateDetector:
    """Collects (arrival time, count) for ``detect_s`` seconds, then reports the rate."""

    def __init__(self, detect_s: float = 1.0, min_chunks: int = 5) -> None:
        self.detect_s = detect_s
        self.min_chunks = min_chunks
        self._arrivals: list[float] = []
        self._counts: list[int] = []

    def add(self, t_arrival_s: float, count: int) -> float | None:
        """Record a chunk; return the rate once enough timing has been seen, else None."""
        self._arrivals.append(t_arrival_s)
        self._counts.append(count)
        if len(self._arrivals) < self.min_chunks or t_arrival_s - self._arrivals[0] < self.detect_s:
            return None
        try:
            return estimate_rate_hz(np.array(self._arrivals), np.array(self._counts))
        except DataError:
            self._arrivals, self._counts = self._arrivals[-self.min_chunks:], self._counts[-self.min_chunks:]
            return None


class NominalClock:
    """Per-sample host timestamps for a link that sends samples at a fixed rate without time.

    Stamps advance exactly ``1 / rate_hz`` per sample, so USB/OS bunching does not turn into
    timing jitter. Each chunk slews the clock by a bounded fraction of its lag behind arrival
    time, which tracks a device whose crystal is off by a few percent without ever stepping
    backwards. A lag beyond ``max_lag_s`` is a real gap (stall, lost data): re-anchor there.
    """

    def __init__(self, rate_hz: float, max_lag_s: float = 0.25, gain: float = 0.1) -> None:
        if not rate_hz > 0:
            raise DataError(f"rate must be positive, got {rate_hz!r}")
        self.period_s = 1.0 / rate_hz
        self.max_lag_s = max_lag_s
        self.gain = gain
        self._next: float | None = None
        self._floor = -np.inf  # first stamp allowed next: stamps never go backwards, even across reset()

    def reset(self) -> None:
        """Re-anchor at the next arrival (after a reconnect or a gap)."""
        self._next = None

    def stamp(self, n: int, t_arrival_s: float) -> np.ndarray:
        """(n,) host times for n samples that arrived together at ``t_arrival_s``."""
        span = (n - 1) * self.period_s
        if self._next is None:
            start = max(t_arrival_s - span, self._floor)
        else:
            lag = t_arrival_s - (self._next + span)  # > 0: our stamps trail the arrival
            if lag > self.max_lag_s:
                start = max(t_arrival_s - span, self._floor)
            else:
                # Bounded slew keeps stamps strictly increasing (at most a quarter period per chunk).
                start = self._next + float(np.clip(self.gain * lag, -0.25 * self.period_s, 0.25 * self.period_s))
        stamps = start + np.arange(n) * self.period_s
        if n:
            self._next = self._floor = float(stamps[-1]) + self.period_s
        return stamps


def backdate(t_device_s: np.ndarray, t_arrival_s: float) -> np.ndarray:
    """Host times for samples with device times: the last one arrived now, the others earlier
    by their device-time distance to it."""
    return t_arrival_s - (t_device_s[-1] - t_device_s)


class Backoff:
    """Exponential reconnect delays: initial, x2 per failure, capped; reset after success."""

    def __init__(self, initial_s: float = 0.1, max_s: float = 2.0) -> None:
        self.initial_s = initial_s
        self.max_s = max_s
        self._next = initial_s

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self._next * 2.0, self.max_s)
        return delay

    def reset(self) -> None:
        self._next = self.initial_s
