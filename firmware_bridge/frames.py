"""The aura-edge binary IMU frame (version 1): layout, encoder and a strict single-frame parser.

The byte layout is specified in ``firmware/PROTOCOL.md`` and implemented in C by
``firmware/aura_frame.h``; both must produce exactly the bytes :func:`encode_frame` produces.

Raw frame (before COBS), all multi-byte fields little-endian except the CRC::

    off size field
    0   1    version          = 1
    1   1    flags            bit0 acc LSB is in g (else m/s²), bit1 gyro LSB is in deg/s (else
                              rad/s), bit7 BOOT: first frame since the device (re)started
    2   2    seq              u16, +1 per frame, wraps 65535 -> 0
    4   4    t_us             u32 device clock (µs) of the frame's first sample, wraps
    8   4    period_ns        u32 declared sample period; sample i is at t_us + i * period_ns / 1000
    12  4    acc_lsb          f32 accelerometer LSB in the unit of bit0
    16  4    gyro_lsb         f32 gyroscope LSB in the unit of bit1
    20  1    n                u8 samples in this frame, 1..32
    21  12n  samples          n x int16 [ax, ay, az, gx, gy, gz]
    .   2    crc              CRC-16/CCITT-FALSE of bytes 0..21+12n-1, big-endian (MSB first)

The CRC goes out MSB first so that the CRC of a whole intact frame, CRC included, is 0 — the
decoder checks each frame with one C call. The encoded frame is COBS(raw) followed by 0x00.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from aura_edge.errors import DataError
from aura_edge.firmware_bridge.cobs import cobs_decode, cobs_encode, crc16_ccitt_false
from aura_edge.signals import ACC_UNITS, GYRO_UNITS

VERSION = 1
FLAG_ACC_G = 0x01
FLAG_GYRO_DEG = 0x02
FLAG_BOOT = 0x80
HEADER_BYTES = 21
CRC_BYTES = 2
SAMPLE_BYTES = 12  # 6 x int16
MAX_SAMPLES = 32
MIN_RAW_BYTES = HEADER_BYTES + SAMPLE_BYTES + CRC_BYTES  # 35
MAX_RAW_BYTES = HEADER_BYTES + MAX_SAMPLES * SAMPLE_BYTES + CRC_BYTES  # 407
# COBS adds one code byte per started 254-byte block (+1 when a 254 block ends early): 2 is enough
# for 407 bytes. A run of encoded bytes longer than this can never be a frame.
MAX_ENCODED_BYTES = MAX_RAW_BYTES + MAX_RAW_BYTES // 254 + 1

_HEADER = struct.Struct("<BBHIIffB")
# The same header as a numpy record, to parse thousands of frames in one call (packed, 21 bytes).
HEADER_DTYPE = np.dtype([
    ("version", "u1"), ("flags", "u1"), ("seq", "<u2"), ("t_us", "<u4"), ("period_ns", "<u4"),
    ("acc_lsb", "<f4"), ("gyro_lsb", "<f4"), ("n", "u1"),
])
assert _HEADER.size == HEADER_DTYPE.itemsize == HEADER_BYTES


@dataclass(frozen=True)
class Frame:
    """One decoded frame, fields exactly as on the wire (samples still raw int16)."""

    seq: int
    t_us: int
    period_ns: int
    acc_lsb: float
    gyro_lsb: float
    raw: np.ndarray  # (n, 6) int16
    acc_unit: str = "m/s2"
    gyro_unit: str = "rad/s"
    boot: bool = False

    def samples(self) -> np.ndarray:
        """(n, 6) float32 in canonical units (m/s², rad/s)."""
        scale = np.array([self.acc_lsb * ACC_UNITS[self.acc_unit]] * 3
                         + [self.gyro_lsb * GYRO_UNITS[self.gyro_unit]] * 3)
        return (self.raw * scale).astype(np.float32)


def flags_for(acc_unit: str, gyro_unit: str, boot: bool = False) -> int:
    """Header flags byte for the declared LSB units."""
    if acc_unit not in ("m/s2", "g"):
        raise DataError(f"frame acc unit must be 'm/s2' or 'g', got {acc_unit!r}")
    if gyro_unit not in ("rad/s", "deg/s"):
        raise DataError(f"frame gyro unit must be 'rad/s' or 'deg/s', got {gyro_unit!r}")
    return ((FLAG_ACC_G if acc_unit == "g" else 0) | (FLAG_GYRO_DEG if gyro_unit == "deg/s" else 0)
            | (FLAG_BOOT if boot else 0))


def pack_frame(seq: int, t_us: int, raw: np.ndarray, period_ns: int, acc_lsb: float, gyro_lsb: float,
               acc_unit: str = "m/s2", gyro_unit: str = "rad/s", boot: bool = False) -> bytes:
    """Raw (un-framed) frame bytes including the CRC; values wrap like the firmware's counters."""
    raw = np.asarray(raw)
    if raw.ndim != 2 or raw.shape[1] != 6 or not 1 <= len(raw) <= MAX_SAMPLES:
        raise DataError(f"a frame holds 1..{MAX_SAMPLES} samples shaped (n, 6), got {raw.shape}")
    if not 0 < period_ns < 2**32:
        raise DataError(f"period_ns must be in 1..2**32-1, got {period_ns}")
    header = _HEADER.pack(VERSION, flags_for(acc_unit, gyro_unit, boot), seq & 0xFFFF, t_us & 0xFFFFFFFF,
                          period_ns, acc_lsb, gyro_lsb, len(raw))
    body = header + raw.astype("<i2").tobytes()
    return body + crc16_ccitt_false(body).to_bytes(2, "big")


def encode_frame(seq: int, t_us: int, raw: np.ndarray, period_ns: int, acc_lsb: float, gyro_lsb: float,
                 acc_unit: str = "m/s2", gyro_unit: str = "rad/s", boot: bool = False) -> bytes:
    """Wire bytes of one frame: COBS(raw frame) + 0x00, as ``aura_frame_encode`` in C writes them."""
    return cobs_encode(pack_frame(seq, t_us, raw, period_ns, acc_lsb, gyro_lsb, acc_unit, gyro_unit, boot)) + b"\x00"


def parse_frame(raw_frame: bytes) -> Frame:
    """Strictly parse one raw (already COBS-decoded) frame; DataError says what is wrong."""
    if len(raw_frame) < MIN_RAW_BYTES:
        raise DataError(f"frame of {len(raw_frame)} bytes is shorter than the minimum {MIN_RAW_BYTES}")
    if crc16_ccitt_false(raw_frame) != 0:
        raise DataError("frame CRC-16/CCITT-FALSE mismatch (corrupted in transit)")
    version, flags, seq, t_us, period_ns, acc_lsb, gyro_lsb, n = _HEADER.unpack_from(raw_frame)
    if version != VERSION:
        raise DataError(f"frame version {version} is not supported (this decoder reads version {VERSION})")
    if not 1 <= n <= MAX_SAMPLES or len(raw_frame) != HEADER_BYTES + SAMPLE_BYTES * n + CRC_BYTES:
        raise DataError(f"frame declares {n} samples but is {len(raw_frame)} bytes long")
    samples = np.frombuffer(raw_frame, dtype="<i2", count=6 * n, offset=HEADER_BYTES).reshape(n, 6)
    return Frame(seq=seq, t_us=t_us, period_ns=period_ns, acc_lsb=acc_lsb, gyro_lsb=gyro_lsb,
                 raw=samples.astype(np.int16), acc_unit="g" if flags & FLAG_ACC_G else "m/s2",
                 gyro_unit="deg/s" if flags & FLAG_GYRO_DEG else "rad/s", boot=bool(flags & FLAG_BOOT))


def decode_frame(encoded: bytes) -> Frame:
    """Parse one encoded frame (COBS bytes, with or without the trailing 0x00)."""
    return parse_frame(cobs_decode(encoded.rstrip(b"\x00")))
