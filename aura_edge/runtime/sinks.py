"""Where recognitions go: a live console view, JSON lines (stdout for piping, or a log file).

A sink has ``emit(recognitions)`` (one call per hop, all sources), ``event(link_event)`` (a link
went down, came back, a device rebooted) and ``close()``. The console view redraws in place with
plain ANSI escapes (no curses, no extra dependency) on a terminal, and prints one line per hop
when its output is a pipe or a file.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol, TextIO

from aura_edge.errors import OutputError
from aura_edge.runtime.recognizer import UNKNOWN, Recognition


@dataclass(frozen=True)
class LinkEvent:
    """Something happened to a link: ``disconnected``, ``reconnected``, ``reset``, ``finished``."""

    source: str
    kind: str
    message: str
    link: dict = field(default_factory=dict)
    time: float = field(default_factory=time.time)  # wall clock (Unix s)

    def as_dict(self) -> dict:
        return {**asdict(self), "time": round(self.time, 3)}


class Sink(Protocol):
    def emit(self, recognitions: list[Recognition]) -> None: ...
    def event(self, event: LinkEvent) -> None: ...
    def close(self) -> None: ...


class JsonLinesSink:
    """One JSON object per line: ``{"type": "hop", ...Recognition}`` or ``{"type": "event", ...}``.

    Flushed after every hop, so ``aura-edge stream ... --json | consumer`` sees labels live.
    """

    def __init__(self, out: TextIO, close_out: bool = False) -> None:
        self.out, self._close_out = out, close_out
        self.failed = False

    def emit(self, recognitions: list[Recognition]) -> None:
        self._write("".join(json.dumps({"type": "hop", **r.as_dict()}, allow_nan=False) + "\n"
                            for r in recognitions))

    def event(self, event: LinkEvent) -> None:
        self._write(json.dumps({"type": "event", **event.as_dict()}, allow_nan=False) + "\n")

    def _write(self, text: str) -> None:
        try:
            self.out.write(text)
            self.out.flush()
        except OSError as exc:  # a full disk or a closed pipe: say which output, stop cleanly
            self.failed = True
            name = getattr(self.out, "name", "the output")
            raise OutputError(f"cannot write JSON lines to {name} ({exc.strerror or exc}); free space or pass "
                              "another --log / redirect") from None

    def close(self) -> None:
        try:
            if not self.failed:
                self.out.flush()
        except OSError:
            pass  # already reported by the write that failed, or nothing left to save
        finally:
            if self._close_out:
                try:
                    self.out.close()
                except OSError:
                    pass


def log_sink(path: str | Path) -> JsonLinesSink:
    """JSON lines appended to ``path`` (an existing log is continued, never truncated)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return JsonLinesSink(path.open("a", buffering=1), close_out=True)


class ConsoleView:
    """Current activity, top-k score bars, hop latency and link counters for every source."""

    BAR_WIDTH = 24

    def __init__(self, out: TextIO | None = None, top_k: int = 3, ansi: bool | None = None) -> None:
        self.out = out or sys.stdout
        self.top_k = top_k
        self.ansi = self.out.isatty() if ansi is None else ansi
        self._latest: dict[str, Recognition] = {}
        self._events: deque[str] = deque(maxlen=4)
        self._drawn_lines = 0
        self._started = time.monotonic()
        if self.ansi:
            self.out.write("\x1b[?25l")  # hide the cursor while redrawing

    def emit(self, recognitions: list[Recognition]) -> None:
        if not recognitions:
            return
        for r in recognitions:
            self._latest[r.source] = r
        if self.ansi:
            self._redraw()
        else:
            self.out.writelines(self._plain_line(r) + "\n" for r in recognitions)
            self.out.flush()

    def event(self, event: LinkEvent) -> None:
        line = f"{time.monotonic() - self._started:6.1f}s  {event.source}: {event.message}"
        if self.ansi:
            self._events.append(line)
            self._redraw()
        else:
            self.out.write(f"! {line}\n")
            self.out.flush()

    def close(self) -> None:
        if self.ansi:
            self.out.write("\x1b[?25h")
        self.out.flush()

    # -- rendering -------------------------------------------------------------------------------

    def _redraw(self) -> None:
        columns, rows = shutil.get_terminal_size((100, 40))
        rows -= 1
        events = ["", *(f"\x1b[33m{e}\x1b[0m" for e in self._events)] if self._events else []
        lines = [line for r in self._latest.values() for line in self._block(r)]
        if len(lines) + len(events) > rows:  # a gateway with many wearables: one line each
            lines = [self._plain_line(r) for r in self._latest.values()]
            if len(lines) + len(events) > rows:
                keep = max(1, rows - len(events) - 1)
                lines = lines[:keep] + [f"... and {len(lines) - keep} more sources"]
        lines = [_clip(line, columns - 1) for line in lines + events]  # a wrapped line would break the redraw
        # Back to the first line drawn last time, clear to the end of the screen, draw again.
        prefix = f"\x1b[{self._drawn_lines}F\x1b[J" if self._drawn_lines else ""
        self.out.write(prefix + "\n".join(lines) + "\n")
        self.out.flush()
        self._drawn_lines = len(lines)

    def _block(self, r: Recognition) -> list[str]:
        head = f"\x1b[1m{r.source}\x1b[0m"
        if not r.valid:
            lines = [f"{head}  \x1b[2m{r.reason}\x1b[0m"]
        else:
            colour = "\x1b[2m" if r.label == UNKNOWN else "\x1b[1;32m"
            truth = f"   (truth: {r.truth})" if r.truth else ""
            lines = [(f"{head}  {colour}{r.label}\x1b[0m  {r.score:.2f}{truth}   "
                      f"{r.latency_ms:.1f} ms/hop, batch {r.batch}")]
            width = max(len(name) for name, _ in r.top[:self.top_k])
            lines += [f"  {name:<{width}}  {_bar(score, self.BAR_WIDTH)} {score:5.2f}"
                      for name, score in r.top[:self.top_k]]
        lines.append("  \x1b[2m" + _link_text(r.link) + "\x1b[0m")
        return lines

    def _plain_line(self, r: Recognition) -> str:
        stamp = f"{r.t_s:9.2f}s" if r.t_s == r.t_s else " " * 10  # NaN: no sample yet
        if not r.valid:
            return f"{stamp}  {r.source}  -- {r.reason}"
        top = ", ".join(f"{name} {score:.2f}" for name, score in r.top[:self.top_k])
        truth = f"  (truth: {r.truth})" if r.truth else ""
        return f"{stamp}  {r.source}  {r.label:<16} {r.score:5.2f}{truth}  [{top}]  {r.latency_ms:.1f} ms"


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _clip(line: str, width: int) -> str:
    """Cut ``line`` to ``width`` visible characters, keeping its escape sequences."""
    out, visible, pos = [], 0, 0
    for match in _ANSI.finditer(line + "\x1b[0m"):
        text = line[pos:match.start()][:max(0, width - visible)]
        out += [text, match.group()]
        visible += len(text)
        pos = match.end()
    return "".join(out)


def _bar(score: float, width: int) -> str:
    filled = round(min(max(score, 0.0), 1.0) * width)
    return "\u2588" * filled + "\u2591" * (width - filled)


def _link_text(link: dict) -> str:
    if not link:
        return ""
    return (f"{link.get('samples', 0)} samples, {link.get('dropped', 0)} dropped, {link.get('corrupt', 0)} corrupt, "
            f"{link.get('disconnects', 0)} disconnects, "
            f"{max(link.get('resets', 0), link.get('clock_resets', 0))} resets")


class MultiSink:
    """Fans out to several sinks."""

    def __init__(self, sinks: list) -> None:
        self.sinks = sinks

    def emit(self, recognitions: list[Recognition]) -> None:
        for sink in self.sinks:
            sink.emit(recognitions)

    def event(self, event: LinkEvent) -> None:
        for sink in self.sinks:
            sink.event(event)

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()
