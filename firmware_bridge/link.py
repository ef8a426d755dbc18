"""Bytes that arrived at a host time -> SampleBatch: decode, convert units/axes, timestamp.

Shared by every byte-oriented source (serial, BLE, simulated device), so each of those only
deals with its transport.
"""

from __future__ import annotations

import logging

import numpy as np

from aura_edge.errors import ConfigError
from aura_edge.firmware_bridge.conversions import SampleConverter
from aura_edge.firmware_bridge.timing import NominalClock, RateDetector, backdate, snap_rate_hz
from aura_edge.firmware_bridge.types import SampleBatch, SampleRun

log = logging.getLogger(__name__)

CANONICAL_UNITS = ("m/s2", "rad/s")  # what the runtime feeds the model, and what frames decode to
_MAX_HELD_SAMPLES = 20_000  # samples kept while the rate is still unknown (10 s at 2 kHz)


class ByteLink:
    """One decoder plus the conversion and host-timestamping that turn its runs into batches.

    Runs with device time get host times back-dated from their arrival by device-time distance.
    Runs without (6-field CSV, packed BLE payloads) need the sample rate: given, or detected from
    arrival timing over ``detect_s`` seconds (samples are held until then).
    """

    def __init__(self, decoder, rate_hz: float | None = None, acc_unit: str = "m/s2", gyro_unit: str = "rad/s",
                 axes: str = "x,y,z", detect_s: float = 1.0) -> None:
        if rate_hz is not None and not rate_hz > 0:
            raise ConfigError(f"rate_hz must be positive, got {rate_hz!r}")
        if decoder.canonical and (acc_unit, gyro_unit) != CANONICAL_UNITS:
            raise ConfigError(f"units {acc_unit},{gyro_unit} cannot apply to binary frames: every frame declares "
                              "its own units and scale (firmware_bridge/firmware/PROTOCOL.md); drop --units")
        self.decoder = decoder
        self.convert = SampleConverter(*CANONICAL_UNITS, axes) if decoder.canonical else \
            SampleConverter(acc_unit, gyro_unit, axes)
        self.rate_hz = rate_hz
        self._clock = NominalClock(rate_hz) if rate_hz else None
        self._detector = RateDetector(detect_s)
        self._held: list[tuple[SampleRun, float]] = []

    def resync(self) -> None:
        """After a reconnect: drop partial input; stamps re-anchor at the next arrival."""
        self.decoder.resync()
        if self._clock:
            self._clock.reset()

    def feed(self, data: bytes, t_arrival_s: float) -> list[SampleBatch]:
        batches = []
        for run in self.decoder.feed(data):
            samples = self.convert(run.samples)
            if run.t_device_s is not None:
                self._learn_rate(run.t_device_s)
                batches.append(SampleBatch(backdate(run.t_device_s, t_arrival_s), run.t_device_s, samples, run.reset))
            else:
                batches.extend(self._stamp(SampleRun(samples, None, run.reset), t_arrival_s))
        return batches

    def _learn_rate(self, t_device_s: np.ndarray) -> None:
        if self.rate_hz is None and len(t_device_s) >= 2:
            step = float(np.median(np.diff(t_device_s)))
            if step > 0:
                self.rate_hz = snap_rate_hz(1.0 / step, tolerance=0.005)

    def _stamp(self, run: SampleRun, t_arrival_s: float) -> list[SampleBatch]:
        if self._clock is None:
            self._held.append((run, t_arrival_s))
            self._trim_held()
            rate = self._detector.add(t_arrival_s, len(run))
            if rate is None:
                return []
            log.info("detected a sample rate of %.1f Hz from arrival timing", rate)
            self.rate_hz, self._clock = rate, NominalClock(rate)
            held, self._held = self._held, []
            return [self._stamped(r, t) for r, t in held]
        return [self._stamped(run, t_arrival_s)]

    def _stamped(self, run: SampleRun, t_arrival_s: float) -> SampleBatch:
        if run.reset:
            self._clock.reset()
        return SampleBatch(self._clock.stamp(len(run), t_arrival_s), None, run.samples, run.reset)

    def _trim_held(self) -> None:
        while sum(len(r) for r, _ in self._held) > _MAX_HELD_SAMPLES and len(self._held) > 1:
            self._held.pop(0)

    def counters(self) -> dict:
        """corrupt / dropped / resets from the decoder, plus its detailed stats."""
        stats = self.decoder.stats
        return {"corrupt": stats.corrupt, "dropped": getattr(stats, "dropped", 0),
                "resets": getattr(stats, "resets", 0), "detail": stats.as_dict()}
