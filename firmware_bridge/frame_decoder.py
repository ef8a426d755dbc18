"""Incremental decoder of the binary frame stream: bytes in, timestamped canonical samples out.

Feed it arbitrary chunks (serial reads, BLE notifications); it never raises on input bytes and
keeps at most one partial frame (``MAX_ENCODED_BYTES``) between calls. Every frame in a chunk is
decoded at once with numpy — COBS, header and samples — so throughput does not depend on Python
per-byte loops; only the CRC is one C call per frame.

Counting rules (also in PROTOCOL.md):
- ``corrupt``: byte runs between delimiters that are not a valid frame (bad COBS, bad CRC, bad
  length, bad header). A partial run just after open/reconnect (``resync``) is not counted.
- ``dropped``: frames missing from the sequence, whatever the cause (lost, or rejected as
  corrupt), from the u16 sequence number modulo 2**16.
- ``resets``: the device restarted: BOOT flag, device clock going backwards, or a sequence jump
  the device clock cannot account for. The decoder re-anchors and does not count a gap there.
"""

from __future__ import annotations

import binascii
from dataclasses import dataclass, fields

import numpy as np

from aura_edge.firmware_bridge.frames import (
    CRC_BYTES,
    FLAG_ACC_G,
    FLAG_BOOT,
    FLAG_GYRO_DEG,
    HEADER_BYTES,
    HEADER_DTYPE,
    MAX_ENCODED_BYTES,
    MAX_RAW_BYTES,
    MAX_SAMPLES,
    MIN_RAW_BYTES,
    SAMPLE_BYTES,
    VERSION,
)
from aura_edge.firmware_bridge.types import SampleRun
from aura_edge.signals import GRAVITY_MS2, MAX_ABS_VALUE

_U32 = 1 << 32
_U16 = 1 << 16
_DEG = np.pi / 180.0


@dataclass
class FrameStats:
    frames: int = 0
    samples: int = 0
    corrupt: int = 0  # = bad_cobs + bad_crc + bad_length + bad_header
    bad_cobs: int = 0
    bad_crc: int = 0
    bad_length: int = 0
    bad_header: int = 0
    dropped: int = 0
    resets: int = 0
    resync_discarded: int = 0

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class FrameDecoder:
    """Stateful decoder of COBS-framed aura-edge frames (see ``frames.py`` for the layout)."""

    canonical = True  # frames declare their scales: output is already m/s² and rad/s

    def __init__(self) -> None:
        self.stats = FrameStats()
        self._pending = b""
        self._skipping = False  # inside an over-long run: drop bytes until the next delimiter
        self._skipped = 0  # bytes dropped in the current over-long run, not yet counted as a frame
        self._probation = True  # the first run after open may be a frame's tail: don't count it
        self._last: tuple[int, int, int, int] | None = None  # seq, raw t_us, unwrapped t_us, period_ns

    @property
    def buffered_bytes(self) -> int:
        return len(self._pending)

    def resync(self) -> None:
        """Forget a partial frame, e.g. after a reconnect; the sequence state is kept so that
        frames lost while disconnected are counted as dropped."""
        self._pending = b""
        self._skipping = False
        self._probation = True

    def feed(self, data: bytes | bytearray | memoryview) -> list[SampleRun]:
        """Decode every complete frame in ``pending + data``; returns runs split at device resets."""
        if not data:
            return []
        buf = self._pending + bytes(data)
        arr = np.frombuffer(buf, dtype=np.uint8)
        zeros = np.flatnonzero(arr == 0)
        if len(zeros) == 0:
            self._keep_tail(buf)
            return []
        starts = np.concatenate(([0], zeros[:-1] + 1))
        ends = zeros
        if self._skipping:  # the first run is the rest of an over-long run, already counted
            starts, ends = starts[1:], ends[1:]
            self._skipping = False
        self._keep_tail(buf[int(zeros[-1]) + 1:])
        keep = ends > starts  # consecutive delimiters are allowed (e.g. a leading 0x00 at boot)
        starts, ends = starts[keep], ends[keep]
        if len(starts) == 0:
            return []
        probation, self._probation = self._probation, False
        return self._decode_runs(arr, starts, ends, probation)

    # -- stages ---------------------------------------------------------------------------------

    def _keep_tail(self, tail: bytes) -> None:
        if self._skipping:
            # No delimiter for this long (CSV text on a frames port, a stuck line): every frame's
            # worth of bytes counts as one corrupt frame, so a wrong --format shows.
            self._skipped += len(tail)
            if self._skipped >= MAX_ENCODED_BYTES:
                self._count("bad_length", self._skipped // MAX_ENCODED_BYTES)
                self._skipped %= MAX_ENCODED_BYTES
            self._pending = b""
        elif len(tail) > MAX_ENCODED_BYTES:
            # No frame is this long: drop it now (bounded memory) and skip to the next delimiter.
            if self._probation:
                self.stats.resync_discarded += 1
            else:
                self._count("bad_length", 1)
            self._pending, self._skipping, self._skipped = b"", True, 0
        else:
            self._pending = tail

    def _count(self, kind: str, n: int) -> None:
        setattr(self.stats, kind, getattr(self.stats, kind) + n)
        self.stats.corrupt += n

    def _decode_runs(self, arr: np.ndarray, starts: np.ndarray, ends: np.ndarray, probation: bool) -> list[SampleRun]:
        status = np.zeros(len(starts), dtype=np.int8)  # 0 ok, 1 cobs, 2 crc, 3 length, 4 header
        length = ends - starts
        status[(length < MIN_RAW_BYTES + 1) | (length > MAX_ENCODED_BYTES)] = 3
        dec, d_start, d_len, cobs_ok = _cobs_decode_many(arr, starts, ends, status == 0)
        status[(status == 0) & ~cobs_ok] = 1
        status[(status == 0) & ((d_len < MIN_RAW_BYTES) | (d_len > MAX_RAW_BYTES))] = 3
        _check_crc(dec, d_start, d_len, status)
        good = np.flatnonzero(status == 0)
        hdr = _gather(dec, d_start[good], HEADER_BYTES).view(HEADER_DTYPE)[:, 0]
        _check_header(hdr, d_len[good], status, good)
        if probation and status[0] != 0:  # most likely the tail of a frame cut by open/reconnect
            self.stats.resync_discarded += 1
            status[0] = 5
        for code, kind in ((1, "bad_cobs"), (2, "bad_crc"), (3, "bad_length"), (4, "bad_header")):
            self._count(kind, int((status == code).sum()))
        valid = status[good] == 0
        hdr, frame_start = hdr[valid], d_start[good][valid]
        if len(hdr) == 0:
            return []
        return self._to_runs(dec, hdr, frame_start)

    def _to_runs(self, dec: np.ndarray, hdr: np.ndarray, frame_start: np.ndarray) -> list[SampleRun]:
        t_frame_us, reset = self._sequence(hdr)
        n = hdr["n"].astype(np.int64)
        total = int(n.sum())
        first_sample = np.cumsum(n) - n
        within = np.arange(total) - np.repeat(first_sample, n)
        byte_start = np.repeat(frame_start + HEADER_BYTES, n) + SAMPLE_BYTES * within
        raw = _gather(dec, byte_start, SAMPLE_BYTES).view("<i2")  # (total, 6)
        acc_scale = hdr["acc_lsb"].astype(np.float64) * np.where(hdr["flags"] & FLAG_ACC_G, GRAVITY_MS2, 1.0)
        gyro_scale = hdr["gyro_lsb"].astype(np.float64) * np.where(hdr["flags"] & FLAG_GYRO_DEG, _DEG, 1.0)
        samples = np.empty((total, 6), dtype=np.float32)
        samples[:, :3] = raw[:, :3] * np.repeat(acc_scale, n)[:, None]
        samples[:, 3:] = raw[:, 3:] * np.repeat(gyro_scale, n)[:, None]
        t_us = np.repeat(t_frame_us, n) + within * np.repeat(hdr["period_ns"].astype(np.float64), n) * 1e-3
        self.stats.frames += len(hdr)
        self.stats.samples += total
        cuts = first_sample[np.flatnonzero(reset)].tolist()
        bounds = [0] + [c for c in cuts if c > 0] + [total]
        return [SampleRun(samples[a:b], t_us[a:b] * 1e-6, reset=a in cuts)
                for a, b in zip(bounds[:-1], bounds[1:])]

    def _sequence(self, hdr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unwrap u32 device time to int64, count sequence gaps, flag device resets (vectorised)."""
        seq = hdr["seq"].astype(np.int64)
        t = hdr["t_us"].astype(np.int64)
        period = hdr["period_ns"].astype(np.int64)
        if self._last is None:  # first frame ever: anchor without counting anything
            last_seq, last_t, last_unwrapped, last_period = int(seq[0]) - 1, int(t[0]), int(t[0]), int(period[0])
        else:
            last_seq, last_t, last_unwrapped, last_period = self._last
        prev_seq = np.concatenate(([last_seq], seq[:-1]))
        prev_t = np.concatenate(([last_t], t[:-1]))
        prev_period = np.concatenate(([last_period], period[:-1]))
        gap = (seq - prev_seq - 1) % _U16
        dt = (t - prev_t) % _U32
        backwards = dt >= _U32 // 2  # a signed difference below zero
        # A sequence jump is a restart when it is "negative" or when the device clock did not
        # advance far enough to have produced the missing frames (>= one sample period each).
        restart = (gap >= _U16 // 2) | ((gap > 0) & (dt * 1000 < gap * prev_period))
        reset = ((hdr["flags"] & FLAG_BOOT) != 0) | backwards | restart
        if self._last is None:
            reset[0] = False
            dt[0] = 0
        gaps_counted = np.where(reset, 0, gap)
        self.stats.dropped += int(gaps_counted.sum())
        self.stats.resets += int(reset.sum())
        # Segmented cumulative sum: a reset re-anchors at the raw device time.
        steps = np.where(reset, t, dt)
        steps[0] = t[0] if reset[0] else last_unwrapped + dt[0]
        anchor = reset.copy()
        anchor[0] = True
        total = np.cumsum(steps)
        anchors = np.flatnonzero(anchor)
        offsets = (total - steps)[anchors]
        unwrapped = total - offsets[np.cumsum(anchor) - 1]
        self._last = (int(seq[-1]), int(t[-1]), int(unwrapped[-1]), int(period[-1]))
        return unwrapped, reset


def _gather(buf: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    """(len(starts), width) uint8 rows buf[s:s+width], copied contiguously."""
    return buf[starts[:, None] + np.arange(width)]


_FEW_RUNS = 24  # below this, walking each chain in Python beats numpy's per-call overhead


def _cobs_decode_many(arr: np.ndarray, starts: np.ndarray, ends: np.ndarray, todo: np.ndarray):
    """COBS-decode many zero-free runs at once. Returns (decoded buffer, start, length, ok).

    The code bytes of a run form a pointer chain (each code says where the next one is). Once
    the chains are known, removing/zeroing the code bytes is a few whole-buffer numpy operations.
    """
    walk = _walk_chains_python if todo.sum() < _FEW_RUNS else _walk_chains_lockstep
    ok, code_pos, code_end = walk(arr, starts, ends, todo)
    out = arr.copy()
    keep = np.ones(len(arr), dtype=bool)
    keep[ends] = False
    keep[starts] = False  # every run's first byte is a code byte, never data
    if len(code_pos):
        code_val = arr[code_pos].astype(np.int64)
        succ = code_pos + code_val
        inner = succ < code_end  # the next code byte inside the same run
        out[succ[inner & (code_val < 0xFF)]] = 0  # a short block implies a zero where its successor sits
        keep[succ[inner & (code_val == 0xFF)]] = False  # a full block implies nothing
    counts = np.concatenate(([0], np.cumsum(keep)))
    d_start = counts[starts]
    d_len = counts[ends] - d_start
    return out[keep], d_start, d_len, ok


def _walk_chains_lockstep(arr: np.ndarray, starts: np.ndarray, ends: np.ndarray, todo: np.ndarray):
    """All chains advanced together: one numpy step per block of the longest run."""
    ok = todo.copy()
    active = np.flatnonzero(todo)
    pos, end = starts[active], ends[active]
    code_pos, code_end = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    while len(active):
        code_pos.append(pos)
        code_end.append(end)
        nxt = pos + arr[pos]
        ok[active[nxt > end]] = False  # a code that points past the delimiter
        more = nxt < end
        active, pos, end = active[more], nxt[more], end[more]
    return ok, np.concatenate(code_pos), np.concatenate(code_end)


def _walk_chains_python(arr: np.ndarray, starts: np.ndarray, ends: np.ndarray, todo: np.ndarray):
    """One chain at a time in plain Python: cheaper than numpy calls for a handful of frames."""
    ok = todo.copy()
    buf = arr.tobytes()
    code_pos: list[int] = []
    code_end: list[int] = []
    for i in np.flatnonzero(todo).tolist():
        pos, end = int(starts[i]), int(ends[i])
        first = len(code_pos)
        while pos < end:
            code_pos.append(pos)
            pos += buf[pos]
        code_end += [end] * (len(code_pos) - first)
        ok[i] = pos == end
    return ok, np.array(code_pos, dtype=np.int64), np.array(code_end, dtype=np.int64)


def _check_crc(dec: np.ndarray, d_start: np.ndarray, d_len: np.ndarray, status: np.ndarray) -> None:
    """Mark status 2 where the CRC over the whole frame (CRC included, MSB first) is not 0."""
    view = memoryview(dec)
    crc = binascii.crc_hqx
    todo = np.flatnonzero(status == 0)
    bad = [i for i, a, b in zip(todo.tolist(), d_start[todo].tolist(), (d_start + d_len)[todo].tolist())
           if crc(view[a:b], 0xFFFF)]
    status[bad] = 2


def _check_header(hdr: np.ndarray, d_len: np.ndarray, status: np.ndarray, index: np.ndarray) -> None:
    n = hdr["n"].astype(np.int64)
    bad_length = (n < 1) | (n > MAX_SAMPLES) | (d_len != HEADER_BYTES + SAMPLE_BYTES * n + CRC_BYTES)
    # A full-scale int16 times the scale (and 9.81 for g) must stay a number float32 can hold.
    limit = MAX_ABS_VALUE / (32768 * GRAVITY_MS2)
    scales_ok = ((hdr["acc_lsb"] > 0) & (hdr["acc_lsb"] <= limit)      # False for nan too
                 & (hdr["gyro_lsb"] > 0) & (hdr["gyro_lsb"] <= limit))
    bad_header = (hdr["version"] != VERSION) | (hdr["period_ns"] == 0) | ~scales_ok
    status[index[bad_header]] = 4
    status[index[bad_length]] = 3
