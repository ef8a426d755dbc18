"""Capture a live session to CSV: ``t_s,ax,ay,az,gx,gy,gz[,label]`` in canonical units.

``t_s`` is seconds since the first sample, on the device clock when the link has one (precise),
else the host clock. After a device reset the device clock restarts, so the recording continues
from the host time elapsed instead: ``t_s`` never goes backwards within one capture. The file is
flushed at least every ``flush_interval_s`` and on Ctrl-C, and never overwritten.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aura_edge.errors import DeviceError
from aura_edge.firmware_bridge.types import SampleBatch

log = logging.getLogger(__name__)

COLUMNS = ("t_s", "ax", "ay", "az", "gx", "gy", "gz")


@dataclass(frozen=True)
class RecordResult:
    path: Path
    samples: int
    seconds: float
    interrupted: bool  # stopped by Ctrl-C (the file is complete up to that point)


class _SessionClock:
    """Maps batch timestamps to the recording's monotonic ``t_s``."""

    def __init__(self) -> None:
        self._offset: float | None = None
        self._host_start: float | None = None
        self._last = -np.inf

    def __call__(self, batch: SampleBatch) -> np.ndarray:
        t = batch.t_s
        if self._offset is None:
            self._offset, self._host_start = -float(t[0]), float(batch.t_host_s[0])
        elif batch.reset or float(t[0]) + self._offset < self._last:
            # Device clock restarted: continue from host time elapsed since the start.
            elapsed = float(batch.t_host_s[0]) - self._host_start
            self._offset = max(elapsed, self._last + 1e-6) - float(t[0])
        out = t + self._offset
        self._last = float(out[-1])
        return out


def record(source, out_path: str | os.PathLike, label: str | None = None, *, append: bool = False,
           max_seconds: float | None = None, max_samples: int | None = None,
           flush_interval_s: float = 1.0) -> RecordResult:
    """Write every batch of ``source`` to ``out_path`` until it ends, a limit is reached, or
    Ctrl-C. Refuses an existing file unless ``append`` (then the header must match). The
    caller owns (and closes) the source."""
    path = Path(out_path)
    header = list(COLUMNS) + (["label"] if label is not None else [])
    handle = _open_for_writing(path, header, append)
    clock, samples, t_end, interrupted = _SessionClock(), 0, 0.0, False
    last_flush = time.monotonic()
    try:
        while max_samples is None or samples < max_samples:
            batch = source.read(timeout_s=min(0.5, flush_interval_s))
            if batch is None:
                if getattr(source, "finished", False) or getattr(source, "closed", False):
                    break
            else:
                t_s = clock(batch)
                keep = len(batch) if max_samples is None else min(len(batch), max_samples - samples)
                if max_seconds is not None:
                    keep = min(keep, int(np.searchsorted(t_s, max_seconds, side="right")))
                handle.write(_format_rows(t_s[:keep], batch.samples[:keep], label))
                samples += keep
                t_end = float(t_s[keep - 1]) if keep else t_end
                if keep < len(batch):
                    break
            if time.monotonic() - last_flush >= flush_interval_s:
                handle.flush()
                last_flush = time.monotonic()
    except KeyboardInterrupt:
        interrupted = True
        log.info("recording interrupted; %d samples kept in %s", samples, path)
    finally:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
    return RecordResult(path, samples, t_end, interrupted)


def _open_for_writing(path: Path, header: list[str], append: bool):
    if path.exists() and not append:
        raise DeviceError(f"{path} already exists; choose a new file name or pass append=True (--append)")
    if path.exists():
        with path.open(newline="") as existing:
            found = next(csv.reader(existing), [])
        if found != header:
            raise DeviceError(f"cannot append to {path}: its header {found} differs from {header}")
        return path.open("a", newline="")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("x", newline="")  # "x": never truncate a file created meanwhile
    handle.write(",".join(header) + "\n")
    return handle


def _format_rows(t_s: np.ndarray, samples: np.ndarray, label: str | None) -> str:
    """One string for the whole batch, so Ctrl-C can never leave half a row in the file."""
    suffix = ""
    if label is not None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="").writerow([label])
        suffix = "," + buffer.getvalue()
    rows = np.column_stack([t_s, samples.astype(np.float64)])
    return "".join("%.6f,%.7g,%.7g,%.7g,%.7g,%.7g,%.7g" % tuple(row) + suffix + "\n" for row in rows)
