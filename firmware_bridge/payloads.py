"""Decoders for fixed-layout payloads (BLE notifications) and the decoder-by-name table.

Every decoder has the same small surface: ``feed(bytes) -> list[SampleRun]``, ``resync()``,
``stats`` (with ``corrupt`` and ``as_dict()``) and ``canonical`` (True when it already outputs
m/s² / rad/s). New device layouts (Movesense, Polar PMD, ...) plug in as one more class here.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from aura_edge.errors import ConfigError
from aura_edge.firmware_bridge.csv_lines import CsvLineDecoder
from aura_edge.firmware_bridge.frame_decoder import FrameDecoder
from aura_edge.firmware_bridge.types import SampleRun
from aura_edge.signals import MAX_ABS_VALUE

PACKED_DTYPES = {"int16": "<i2", "float32": "<f4"}


@dataclass
class PackedStats:
    payloads: int = 0
    samples: int = 0
    corrupt: int = 0  # payloads whose length is not a whole number of samples (or not the declared count)

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class PackedSampleDecoder:
    """Each payload is k samples of 6 little-endian values ``[ax, ay, az, gx, gy, gz]``, no header.

    ``int16`` values are multiplied by ``acc_lsb`` / ``gyro_lsb`` (in the source's declared
    units); ``float32`` values are taken as they are (Arduino Nano 33 BLE sketches send 6
    floats). ``samples_per_payload`` (optional) rejects payloads of any other size.
    """

    canonical = False

    def __init__(self, dtype: str = "int16", acc_lsb: float = 1.0, gyro_lsb: float = 1.0,
                 samples_per_payload: int | None = None) -> None:
        if dtype not in PACKED_DTYPES:
            raise ConfigError(f"packed payload dtype must be one of {sorted(PACKED_DTYPES)}, got {dtype!r}")
        self.dtype = np.dtype(PACKED_DTYPES[dtype])
        self.sample_bytes = 6 * self.dtype.itemsize
        self.scale = np.array([acc_lsb] * 3 + [gyro_lsb] * 3, dtype=np.float64)
        self.samples_per_payload = samples_per_payload
        self.stats = PackedStats()

    def resync(self) -> None:
        """Payloads are self-contained: nothing to forget."""

    def feed(self, payload: bytes | bytearray | memoryview) -> list[SampleRun]:
        self.stats.payloads += 1
        size = len(payload)
        count = size // self.sample_bytes
        if size == 0 or size % self.sample_bytes or (self.samples_per_payload and count != self.samples_per_payload):
            self.stats.corrupt += 1
            return []
        values = np.frombuffer(bytes(payload), dtype=self.dtype).reshape(count, 6) * self.scale
        if not (np.abs(values) <= MAX_ABS_VALUE).all():  # nan, inf, or beyond what float32 holds once scaled
            self.stats.corrupt += 1
            return []
        self.stats.samples += count
        return [SampleRun(values.astype(np.float32))]


def make_decoder(fmt: str, *, fields: int | None = None, time_unit: str = "auto", acc_lsb: float = 1.0,
                 gyro_lsb: float = 1.0, samples_per_payload: int | None = None, discard_first_line: bool = True):
    """Decoder for a wire format name: ``frames``, ``csv``, ``int16`` or ``float32``."""
    if fmt == "frames":
        return FrameDecoder()
    if fmt == "csv":
        return CsvLineDecoder(fields=fields, time_unit=time_unit, discard_first_line=discard_first_line)
    if fmt in PACKED_DTYPES:
        return PackedSampleDecoder(fmt, acc_lsb, gyro_lsb, samples_per_payload)
    raise ConfigError(f"unknown wire format {fmt!r}; use frames, csv, int16 or float32")
