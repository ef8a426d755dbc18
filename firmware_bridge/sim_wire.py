"""The simulated device's wire side: encode a recording as frames or CSV lines and inject faults.

Faults are planned so that each is counted exactly once by the real decoders:
- ``corrupt``: one bit of the raw frame is flipped after the CRC was computed (CRC-16 catches
  every single-bit error), or a CSV line is replaced by a garbage line;
- ``drop``: the whole frame/line is never sent;
- ``disconnect``: the stream is cut inside a frame/line, the link resyncs; that unit is lost;
- ``reset``: the device reboots before a frame: sequence restarts at 0, the device clock
  restarts at ``BOOT_US``, the frame carries the BOOT flag.
No fault lands on the first or last unit of a recording or next to a reset/reconnect, where a
decoder cannot see it (e.g. a gap just before a reset is not a gap).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from aura_edge.firmware_bridge.cobs import cobs_encode
from aura_edge.firmware_bridge.frames import encode_frame, pack_frame
from aura_edge.signals import GRAVITY_MS2

BOOT_US = 50_000  # device clock right after a simulated reboot
ACC_LSB_G = 1.0 / 2048.0  # ±16 g full scale
GYRO_LSB_DPS = 1.0 / 16.4  # ±2000 °/s full scale
GARBAGE_LINE = b"ERR: IMU read timeout"


@dataclass
class Unit:
    """One frame or line: the bytes to send, when (play time), and how to send them."""

    play_s: float
    data: bytes
    cut: int | None = None  # disconnect after this many bytes


@dataclass
class FaultCounts:
    corrupt: int = 0
    dropped: int = 0
    disconnects: int = 0
    resets: int = 0
    detail: dict = field(default_factory=dict)

    @property
    def lost(self) -> int:
        """Frames a sequence-numbered decoder must count as dropped."""
        return self.corrupt + self.dropped + self.disconnects


@dataclass
class DeviceState:
    """What the simulated firmware keeps across recordings (loops)."""

    seq: int = 0
    clock_us: float = 0.0  # free-running clock at the start of the next recording
    shift_us: float = 0.0  # what the last reboot subtracted from it (the firmware's micros())
    booted: bool = False


def plan_faults(units: int, rng: np.random.Generator, corrupt: float, drop: float, disconnects: int,
                resets: int) -> tuple[np.ndarray, list[int], list[int]]:
    """Per-unit fault codes (0 none, 1 corrupt, 2 drop, 3 disconnect) and the reset positions."""
    codes = np.zeros(units, dtype=np.int8)
    eligible = set(range(2, units - 2))
    reset_at = sorted(rng.choice(sorted(eligible), size=min(resets, len(eligible)), replace=False).tolist()) \
        if resets else []
    eligible -= {r + k for r in reset_at for k in (-1, 0, 1)}
    cut_at = sorted(rng.choice(sorted(eligible), size=min(disconnects, len(eligible)), replace=False).tolist()) \
        if disconnects else []
    eligible -= {d + k for d in cut_at for k in (-1, 0, 1)}
    codes[cut_at] = 3
    draws = rng.random(units)
    for i in sorted(eligible):
        codes[i] = 1 if draws[i] < corrupt else 2 if draws[i] < corrupt + drop else 0
    return codes, reset_at, cut_at


def frame_units(device_us: np.ndarray, play_s: np.ndarray, imu: np.ndarray, samples_per_frame: int,
                period_ns: int, state: DeviceState, codes: np.ndarray, reset_at: list[int],
                rng: np.random.Generator, counts: FaultCounts) -> list[Unit]:
    """Encode a recording as frames (acc in g, gyro in °/s, like a typical IMU driver)."""
    raw = np.empty(imu.shape, dtype=np.int16)
    raw[:, :3] = np.clip(np.round(imu[:, :3] / GRAVITY_MS2 / ACC_LSB_G), -32768, 32767)
    raw[:, 3:] = np.clip(np.round(np.degrees(imu[:, 3:]) / GYRO_LSB_DPS), -32768, 32767)
    units = []
    for k, start in enumerate(range(0, len(imu), samples_per_frame)):
        end = min(len(imu), start + samples_per_frame)
        boot = not state.booted or k in reset_at
        if k in reset_at:
            state.seq = 0
            state.shift_us = BOOT_US - device_us[start]  # the clock restarts near zero
            counts.resets += 1
        state.booted = True
        t_us = int(round(device_us[start] + state.shift_us))
        args = (state.seq, t_us, raw[start:end], period_ns, ACC_LSB_G, GYRO_LSB_DPS, "g", "deg/s", boot)
        state.seq = (state.seq + 1) & 0xFFFF
        units.append(_frame_unit(codes[k], args, play_s[end - 1], rng, counts))
    return [u for u in units if u is not None]


def _frame_unit(code: int, args: tuple, play_s: float, rng: np.random.Generator, counts: FaultCounts) -> Unit | None:
    if code == 2:
        counts.dropped += 1
        return None
    if code == 1:
        counts.corrupt += 1
        body = bytearray(pack_frame(*args))
        bit = int(rng.integers(0, 8 * len(body)))
        body[bit // 8] ^= 1 << (bit % 8)
        return Unit(play_s, cobs_encode(bytes(body)) + b"\x00")
    data = encode_frame(*args)
    if code == 3:
        counts.disconnects += 1
        return Unit(play_s, data, cut=int(rng.integers(1, len(data) - 1)))
    return Unit(play_s, data)


def line_units(play_s: np.ndarray, imu: np.ndarray, codes: np.ndarray, rng: np.random.Generator,
               counts: FaultCounts) -> list[Unit]:
    """Encode a recording as CSV lines in m/s² and rad/s, the Edge Impulse forwarder style."""
    units = []
    for i, row in enumerate(imu):
        code = codes[i]
        if code == 2:
            counts.dropped += 1
            continue
        line = GARBAGE_LINE if code == 1 else ("%.5f,%.5f,%.5f,%.6f,%.6f,%.6f" % tuple(row)).encode()
        counts.corrupt += int(code == 1)
        data = line + b"\r\n"
        if code == 3:
            counts.disconnects += 1
            units.append(Unit(play_s[i], data, cut=int(rng.integers(1, len(line)))))
        else:
            units.append(Unit(play_s[i], data))
    return units
