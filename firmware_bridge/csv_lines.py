"""Incremental decoder of IMU samples printed one per line, as common firmware does.

Convention (Edge Impulse data-forwarder style, see PROTOCOL.md "CSV lines"):
- one sample per line, lines end in ``\\n`` (``\\r\\n`` works), fields separated by commas, tabs
  or spaces (``"0.12, -0.03"`` is fine);
- 6 numbers: ``ax ay az gx gy gz`` in the units the source declares (default m/s², rad/s);
- 7 numbers: a leading device timestamp, then the 6 values. Its unit is given (``s``, ``ms``,
  ``us``) or inferred from the spacing of the first timestamps: a median step of 0.5 ms-0.2 s
  means seconds, 0.5-200 means milliseconds, 500-200000 means microseconds — these ranges do
  not overlap for 5-2000 Hz. Integer ms/µs counters that wrap at 2**32 are unwrapped.
- the field count is set by the first good line (or given); other lines are corrupt. A detected
  count is not final: when ``SWITCH_AFTER_LINES`` lines in a row parse only at the other count
  (one stray line came first, or the device restarted with timestamps on or off), the decoder
  switches, and a reconnect detects the count afresh.

Never raises on input bytes: unparseable lines (wrong field count, not a number, NaN/inf,
longer than ``max_line_bytes``) are counted in ``stats.corrupt_lines`` and skipped. The partial
first line after open/reconnect is discarded (it may be the tail of a line).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, fields

import numpy as np

from aura_edge.firmware_bridge.types import SampleRun
from aura_edge.signals import MAX_ABS_VALUE

log = logging.getLogger(__name__)

MAX_LINE_BYTES = 512
TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6}
# Median timestamp step (in the column's own unit) -> unit, for 5-2000 Hz devices.
_UNIT_BY_STEP = (("s", 5e-4, 0.2), ("ms", 0.5, 200.0), ("us", 500.0, 2e5))
_UNIT_SAMPLES = 8  # timestamps looked at before deciding the unit
SWITCH_AFTER_LINES = 10  # consecutive lines good only at the other field count before switching to it
_UNIT_GIVE_UP = 64  # after this many samples without a clear answer, assume Arduino millis()
_SEPARATORS = re.compile(rb"[ \t]*[,\t ][ \t]*")
_EDGE_SPACE = re.compile(rb"(?m)^[ \t]+|[ \t]+$")
_TO_COMMA = bytes.maketrans(b" \t", b",,")


@dataclass
class CsvStats:
    lines: int = 0
    samples: int = 0
    corrupt_lines: int = 0
    overlong_lines: int = 0  # also counted in corrupt_lines
    resets: int = 0
    discarded_partial: int = 0
    field_switches: int = 0  # times the detected field count (6 or 7) was revised

    @property
    def corrupt(self) -> int:
        return self.corrupt_lines

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def infer_time_unit(t_raw: np.ndarray) -> str | None:
    """'s', 'ms' or 'us' from the median step of a device timestamp column, None if unclear."""
    steps = np.diff(np.asarray(t_raw, dtype=np.float64))
    steps = steps[steps > 0]
    if len(steps) == 0:
        return None
    step = float(np.median(steps))
    for unit, low, high in _UNIT_BY_STEP:
        if low <= step <= high:
            return unit
    return None


class CsvLineDecoder:
    """Bytes -> SampleRun, one sample per text line (6 values, or timestamp + 6 values)."""

    canonical = False  # numbers as printed: the source converts units and axes

    def __init__(self, fields: int | None = None, time_unit: str = "auto", discard_first_line: bool = True,
                 max_line_bytes: int = MAX_LINE_BYTES) -> None:
        if fields not in (None, 6, 7):
            raise ValueError(f"fields must be 6, 7 or None (auto), got {fields!r}")
        if time_unit not in ("auto", *TIME_UNITS):
            raise ValueError(f"time_unit must be one of auto, s, ms, us; got {time_unit!r}")
        self.stats = CsvStats()
        self.fields = fields
        self._detect_fields = fields is None
        self._other_width_streak = 0
        self._time_unit_arg = None if time_unit == "auto" else time_unit
        self.time_unit = self._time_unit_arg
        self.max_line_bytes = max_line_bytes
        self._discard_first = discard_first_line
        self._synced = not discard_first_line
        self._pending = b""
        self._skipping = False
        self._held: list[np.ndarray] = []  # 7-field rows held until the time unit is known
        self._last_t_raw: float | None = None
        self._t_offset = 0.0  # added to raw time after a u32 wrap

    @property
    def buffered_bytes(self) -> int:
        return len(self._pending)

    def resync(self) -> None:
        """Forget the partial line, e.g. after a reconnect; the next partial line is discarded."""
        self._pending = b""
        self._skipping = False
        self._synced = not self._discard_first
        if self._detect_fields:  # the device may come back printing another format
            self._set_fields(None)

    def feed(self, data: bytes | bytearray | memoryview) -> list[SampleRun]:
        """Decode every complete line in ``pending + data``."""
        if not data:
            return []
        buf = self._pending + bytes(data)
        last_nl = buf.rfind(b"\n")
        if last_nl < 0:
            if self._skipping:  # still inside an over-long line that was already counted
                self._pending = b""
            else:
                self._hold_tail(buf)
            return []
        body, tail = buf[:last_nl], buf[last_nl + 1:]
        if self._skipping:  # the rest of an over-long line, already counted
            body = body[body.find(b"\n") + 1:] if b"\n" in body else b""
            self._skipping = False
        if not self._synced:
            self.stats.discarded_partial += 1
            body = body[body.find(b"\n") + 1:] if b"\n" in body else b""
            self._synced = True
        self._hold_tail(tail)
        values = self._parse(body)
        return self._to_runs(values) if len(values) else []

    def flush(self) -> list[SampleRun]:
        """End of input (a file): decode a last line without a newline and release held rows."""
        tail, self._pending = self._pending, b""
        runs = self.feed(tail + b"\n") if tail.strip() else []
        if self._held:
            self.time_unit = self.time_unit or "ms"
            runs += self._to_runs(np.zeros((0, 7)))
        return runs

    # -- parsing --------------------------------------------------------------------------------

    def _hold_tail(self, tail: bytes) -> None:
        if len(tail) > self.max_line_bytes:
            # A line this long is garbage (or binary data on a CSV port): drop it, bounded memory.
            self.stats.corrupt_lines += 1
            self.stats.overlong_lines += 1
            self._pending, self._skipping = b"", True
        else:
            self._pending = tail

    def _parse(self, body: bytes) -> np.ndarray:
        """(k, fields) float64 for the good lines of ``body`` (complete lines, no final newline)."""
        if b"\r" in body:
            body = body.replace(b"\r", b"")
        if b" " in body or b"\t" in body:
            body = _normalise_separators(body)
        lines = [line for line in body.split(b"\n") if line]
        if not lines:
            return np.zeros((0, self.fields or 6))
        self.stats.lines += len(lines)
        if self.fields is None:
            self.fields = _first_field_count(lines)
            if self.fields is None:
                self.stats.corrupt_lines += len(lines)
                return np.zeros((0, 6))
        self.stats.overlong_lines += sum(len(line) > self.max_line_bytes for line in lines)
        values = _parse_lines(lines, self.fields, self.max_line_bytes)
        if self._detect_fields and len(values) < len(lines):
            values = self._maybe_switch_fields(lines, values)
        self.stats.corrupt_lines += len(lines) - len(values)
        return values

    def _maybe_switch_fields(self, lines: list[bytes], values: np.ndarray) -> np.ndarray:
        """Count lines that parse only at the other width; switch to it after enough in a row."""
        other = 13 - self.fields  # 6 <-> 7
        for line in lines:
            fits_other = len(_parse_slow([line], other, self.max_line_bytes)) == 1
            fits_mine = len(_parse_slow([line], self.fields, self.max_line_bytes)) == 1
            self._other_width_streak = self._other_width_streak + 1 if fits_other and not fits_mine else 0
        if self._other_width_streak < SWITCH_AFTER_LINES:
            return values
        log.info("CSV lines now have %d fields (was %d); switching", other, self.fields)
        self.stats.field_switches += 1
        self._set_fields(other)
        return _parse_lines(lines, other, self.max_line_bytes)

    def _set_fields(self, width: int | None) -> None:
        """A new field count: what was learnt about the old one's timestamps no longer applies."""
        if width == self.fields:
            return
        self.fields, self._other_width_streak = width, 0
        self.time_unit, self._held, self._last_t_raw, self._t_offset = self._time_unit_arg, [], None, 0.0

    def _to_runs(self, values: np.ndarray) -> list[SampleRun]:
        if self.fields == 6:
            self.stats.samples += len(values)
            return [SampleRun(values.astype(np.float32))]
        if self.time_unit is None:
            self._held.append(values)
            held = np.concatenate(self._held)
            self.time_unit = infer_time_unit(held[:, 0]) if len(held) >= _UNIT_SAMPLES else None
            if self.time_unit is None and len(held) < _UNIT_GIVE_UP:
                return []
            if self.time_unit is None:
                log.warning("could not infer the unit of the CSV timestamp column; assuming milliseconds "
                            "(pass time_unit='s'|'ms'|'us')")
                self.time_unit = "ms"
            values, self._held = held, []
        elif self._held:
            values, self._held = np.concatenate(self._held + [values]), []
        return self._timed_runs(values)

    def _timed_runs(self, values: np.ndarray) -> list[SampleRun]:
        """Unwrap 32-bit counters and split at device resets (the clock going backwards)."""
        t = values[:, 0].copy()
        prev = np.concatenate(([t[0] if self._last_t_raw is None else self._last_t_raw], t[:-1]))
        resets, start = [], 0
        for i in np.flatnonzero(t < prev).tolist():  # rare: only wraps and resets go backwards
            t[start:i] += self._t_offset
            if prev[i] >= 2**31 and t[i] < 2**31 and t[i] + 2**32 - prev[i] < 2**31:
                self._t_offset += 2**32  # a u32 millis()/micros() counter wrapped
            else:
                self._t_offset = 0.0
                resets.append(i)
            start = i
        t[start:] += self._t_offset
        self._last_t_raw = float(values[-1, 0])
        self.stats.samples += len(values)
        self.stats.resets += len(resets)
        t_s = t * TIME_UNITS[self.time_unit]
        bounds = [0] + [i for i in resets if i > 0] + [len(t)]
        return [SampleRun(values[a:b, 1:].astype(np.float32), t_s[a:b], reset=a in resets)
                for a, b in zip(bounds[:-1], bounds[1:])]


def _normalise_separators(body: bytes) -> bytes:
    """Turn tab/space separated lines into comma separated ones."""
    # Fast path (one separator character between fields, no edge blanks): a C-level translate.
    simple = body.replace(b", ", b",").translate(_TO_COMMA)
    if b",," not in simple and b"\n," not in simple and b",\n" not in simple \
            and not simple.startswith(b",") and not simple.endswith(b","):
        return simple
    return _SEPARATORS.sub(b",", _EDGE_SPACE.sub(b"", body))


def _first_field_count(lines: list[bytes]) -> int | None:
    for line in lines:
        parts = line.split(b",")
        if len(parts) in (6, 7) and all(_is_number(p) for p in parts):
            return len(parts)
    return None


def _is_number(text: bytes) -> bool:
    try:
        return abs(float(text)) <= MAX_ABS_VALUE  # False for nan and inf too
    except ValueError:
        return False


def _parse_lines(lines: list[bytes], width: int, max_bytes: int) -> np.ndarray:
    values = _parse_fast(lines, width, max_bytes)
    return _parse_slow(lines, width, max_bytes) if values is None else values


def _parse_fast(lines: list[bytes], width: int, max_bytes: int) -> np.ndarray | None:
    """All lines good: one C-level split and one numpy conversion. None when any line is bad."""
    joined = b",".join(lines)
    if joined.count(b",") != len(lines) * width - 1 or any(len(line) > max_bytes for line in lines):
        return None
    try:
        values = np.array(joined.split(b","), dtype=np.float64).reshape(len(lines), width)
    except ValueError:
        return None
    if not (np.abs(values) <= MAX_ABS_VALUE).all():  # also nan, inf, and what float32 cannot hold
        return None
    if any(line.count(b",") != width - 1 for line in lines):  # counts can balance across lines
        return None
    return values


def _parse_slow(lines: list[bytes], width: int, max_bytes: int) -> np.ndarray:
    """Line by line: keep the good ones, in order."""
    rows = []
    for line in lines:
        parts = line.split(b",")
        if len(parts) != width or len(line) > max_bytes:
            continue
        try:
            row = [float(p) for p in parts]
        except ValueError:
            continue
        if all(abs(v) <= MAX_ABS_VALUE for v in row):
            rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(len(rows), width)
