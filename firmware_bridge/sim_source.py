"""``sim://walking,running``: a simulated wearable built on the synthetic corpus.

The device performs the listed activities in turn (``seconds_each`` each) and streams them at
real time x ``speed``. With ``format="frames"`` or ``"csv"`` the samples go through the real wire
encoder and decoder (chunked at random byte boundaries), with optional fault injection; the
injected faults are in ``injected`` so tests can check the decoder counted exactly the same.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from aura_edge.errors import ConfigError, DeviceError
from aura_edge.firmware_bridge.link import ByteLink
from aura_edge.firmware_bridge.payloads import make_decoder
from aura_edge.firmware_bridge.playback import Schedule
from aura_edge.firmware_bridge.sim_wire import (
    DeviceState,
    FaultCounts,
    Unit,
    frame_units,
    line_units,
    plan_faults,
)
from aura_edge.firmware_bridge.source_base import Source
from aura_edge.firmware_bridge.timing import backdate
from aura_edge.firmware_bridge.types import LinkStats, SampleBatch

Simulate = Callable[..., tuple[np.ndarray, np.ndarray, list]]
FORMATS = ("samples", "frames", "csv")


def _default_simulate() -> Simulate:
    try:
        from aura_edge.synth import simulate_recording
    except ImportError as error:
        raise DeviceError(f"sim:// needs aura_edge.synth.simulate_recording, which cannot be imported ({error}); "
                          "pass simulate=<a function with its signature> instead") from None
    return simulate_recording


class SimSource(Source):
    """A simulated IMU device. ``loops`` recordings are played (0 = forever), each with a new seed.

    Faults (``corrupt``/``drop`` fractions, ``disconnects``/``resets`` counts per recording) need
    a wire format. ``clock_ppm`` makes the device clock run fast or slow; ``device_t0_us`` and
    ``seq0`` start the u32 clock and u16 sequence anywhere (e.g. just before they wrap).
    """

    def __init__(self, activities: str | list[str], *, seconds_each: float = 5.0, placement: str = "wrist",
                 rate_hz: float = 200.0, seed: int = 0, speed: float = 1.0, format: str = "samples",
                 samples_per_frame: int = 8, corrupt: float = 0.0, drop: float = 0.0, disconnects: int = 0,
                 resets: int = 0, loops: int = 1, device_t0_us: int = 0, seq0: int = 0, clock_ppm: float = 0.0,
                 chunk_samples: int = 1000, simulate: Simulate | None = None) -> None:
        names = activities.split(",") if isinstance(activities, str) else list(activities)
        self.activities = [a.strip() for a in names if a.strip()]
        super().__init__("sim://" + ",".join(self.activities))
        self._check(format, corrupt, drop, disconnects, resets, samples_per_frame, rate_hz)
        self._simulate = simulate or _default_simulate()
        self.seconds_each, self.placement, self.rate_hz = seconds_each, placement, rate_hz
        self.seed, self.speed, self.format, self.loops = seed, speed, format, loops
        self.samples_per_frame, self.chunk_samples, self.clock_ppm = samples_per_frame, chunk_samples, clock_ppm
        self._faults = dict(corrupt=corrupt, drop=drop, disconnects=disconnects, resets=resets)
        self.injected = FaultCounts()
        self.segments: list[tuple[float, str]] = []  # (start in simulated seconds, activity)
        self._device = DeviceState(seq=seq0 & 0xFFFF, clock_us=float(device_t0_us))
        self._rng = np.random.default_rng(seed)
        self._link = ByteLink(make_decoder(format, discard_first_line=False), rate_hz) if format != "samples" else None
        self._loop_index = 0
        self._sim_offset_s = 0.0
        self._schedule: Schedule | None = None
        self._items: list | None = None

    @staticmethod
    def _check(fmt, corrupt, drop, disconnects, resets, samples_per_frame, rate_hz) -> None:
        if fmt not in FORMATS:
            raise ConfigError(f"sim format must be one of {FORMATS}, got {fmt!r}")
        if fmt == "samples" and (corrupt or drop or disconnects or resets):
            raise ConfigError("fault injection needs a wire: pass format='frames' or format='csv'")
        if fmt == "csv" and resets:
            raise ConfigError("device resets are invisible in 6-field CSV; inject resets with format='frames'")
        if not (0 <= corrupt <= 1 and 0 <= drop <= 1 and corrupt + drop <= 1):
            raise ConfigError(f"corrupt and drop are fractions in [0, 1] with a sum <= 1, got {corrupt}, {drop}")
        if not 1 <= samples_per_frame <= 32:
            raise ConfigError(f"samples_per_frame must be 1..32, got {samples_per_frame}")
        if not 10 <= rate_hz <= 1000:
            raise ConfigError(f"rate_hz must be 10..1000, got {rate_hz}")

    # -- playback -------------------------------------------------------------------------------

    def _poll(self, timeout_s: float) -> list[SampleBatch]:
        if self._schedule is None or self._schedule.done:
            if self.loops and self._loop_index >= self.loops:
                self.finished = True
                return []
            self._next_recording()
        span = self._schedule.next_range(timeout_s)
        if span is None:
            return []
        if self._link is None:
            return [self._sample_batch(*span)]
        return self._feed_units(self._items[span[0]:span[1]])

    def _next_recording(self) -> None:
        t, imu, segments = self._simulate(self.activities, self.seconds_each, placement=self.placement,
                                          rate_hz=self.rate_hz, seed=self.seed + self._loop_index)
        t = np.asarray(t, dtype=np.float64) - float(t[0])
        imu = np.asarray(imu, dtype=np.float32)
        self.segments += [(self._sim_offset_s + float(s), str(label)) for s, label in segments]
        # Device clock: continues across recordings, runs clock_ppm fast (or slow).
        device_us = self._device.clock_us + t * 1e6 * (1.0 + self.clock_ppm * 1e-6)
        self._device.clock_us = float(device_us[-1]) + 1e6 / self.rate_hz
        self._sim_offset_s += float(t[-1]) + 1.0 / self.rate_hz
        self._loop_index += 1
        if self._link is None:
            self._items = [device_us, imu]
            self._schedule = Schedule(t, self.speed, self.chunk_samples)
            return
        self._items = self._encode(device_us, t, imu)
        per_unit = self.samples_per_frame if self.format == "frames" else 1
        self._schedule = Schedule(np.array([u.play_s for u in self._items]), self.speed,
                                  max(1, self.chunk_samples // per_unit))

    def _encode(self, device_us: np.ndarray, t: np.ndarray, imu: np.ndarray) -> list[Unit]:
        f = self._faults
        if self.format == "csv":
            codes, _, _ = plan_faults(len(imu), self._rng, f["corrupt"], f["drop"], f["disconnects"], 0)
            return line_units(t, imu, codes, self._rng, self.injected)
        frames = math.ceil(len(imu) / self.samples_per_frame)
        codes, reset_at, _ = plan_faults(frames, self._rng, f["corrupt"], f["drop"], f["disconnects"], f["resets"])
        period_ns = int(round(1e9 / self.rate_hz * (1.0 + self.clock_ppm * 1e-6)))
        return frame_units(device_us, t, imu, self.samples_per_frame, period_ns, self._device, codes, reset_at,
                           self._rng, self.injected)

    def _sample_batch(self, start: int, end: int) -> SampleBatch:
        device_us, imu = self._items
        t_device = device_us[start:end] * 1e-6
        return SampleBatch(backdate(t_device, time.monotonic()), t_device, imu[start:end])

    def _feed_units(self, units: list[Unit]) -> list[SampleBatch]:
        """Send units through the real decoder in random-size chunks; cut where a disconnect is."""
        batches, pending = [], b""
        for unit in units:
            if unit.cut is None:
                pending += unit.data
                continue
            batches += self._feed_chunked(pending + unit.data[:unit.cut])
            pending = b""
            self._stats.disconnects += 1
            self._link.resync()
        return batches + self._feed_chunked(pending)

    def _feed_chunked(self, data: bytes) -> list[SampleBatch]:
        batches, pos = [], 0
        while pos < len(data):
            size = int(self._rng.integers(1, 512))
            batches += self._link.feed(data[pos:pos + size], time.monotonic())
            pos += size
        return batches

    def label_at(self, t_sim_s: float) -> str | None:
        """The activity being performed ``t_sim_s`` simulated seconds after the start."""
        current = None
        for start, label in self.segments:
            if start > t_sim_s:
                break
            current = label
        return current

    def _refresh_stats(self, stats: LinkStats) -> None:
        if self._link is not None:
            counters = self._link.counters()
            stats.corrupt, stats.dropped, stats.resets = counters["corrupt"], counters["dropped"], counters["resets"]
            stats.detail = counters["detail"]
