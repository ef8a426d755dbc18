"""Data passed between the stages of the device link: decoder runs, source batches, counters."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from aura_edge.signals import N_CHANNELS


@dataclass(frozen=True)
class SampleRun:
    """Contiguous samples out of a decoder: no device reset inside a run.

    samples:     (n, 6) float32. Frames are already canonical (m/s², rad/s); CSV lines are the
                 numbers as printed (the source converts units and axes).
    t_device_s:  (n,) float64 device time in seconds, unwrapped, or None when the wire format
                 carries no device clock.
    reset:       the device restarted (clock or sequence) just before this run: history before
                 it must not be stitched to it.
    """

    samples: np.ndarray
    t_device_s: np.ndarray | None = None
    reset: bool = False

    def __len__(self) -> int:
        return len(self.samples)


@dataclass(frozen=True)
class SampleBatch:
    """What a Source yields: timestamped canonical samples.

    t_host_s:    (n,) float64 host time (``time.monotonic()`` seconds) estimated per sample.
    t_device_s:  (n,) float64 device time in seconds, or None when the link has no device clock.
    samples:     (n, 6) float32 canonical ``[ax, ay, az, gx, gy, gz]`` in m/s² and rad/s.
    reset:       the device restarted before this batch; consumers drop older history.
    """

    t_host_s: np.ndarray
    t_device_s: np.ndarray | None
    samples: np.ndarray
    reset: bool = False

    def __len__(self) -> int:
        return len(self.samples)

    @property
    def t_s(self) -> np.ndarray:
        """The best clock available: device time when the link has one, else host time."""
        return self.t_device_s if self.t_device_s is not None else self.t_host_s


@dataclass
class LinkStats:
    """Counters of one link. ``corrupt`` and ``dropped`` use the wire format's own unit:
    frames for binary frames, lines for CSV, notifications for packed BLE payloads."""

    samples: int = 0
    corrupt: int = 0
    dropped: int = 0
    resets: int = 0
    disconnects: int = 0
    overflow: int = 0  # chunks lost because the consumer fell behind (BLE queue full)
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def empty_samples() -> np.ndarray:
    return np.zeros((0, N_CHANNELS), dtype=np.float32)
