"""The Source interface every IMU link implements, and option coercion for URL-ish specs."""

from __future__ import annotations

import abc
import copy
import inspect
import time
from collections import deque
from collections.abc import Iterator

from aura_edge.errors import ConfigError
from aura_edge.firmware_bridge.types import LinkStats, SampleBatch

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class Source(abc.ABC):
    """A stream of :class:`SampleBatch` from a device, a file or a simulator.

    ``read(timeout_s)`` returns the next batch or None when nothing arrived in time; iterating
    yields batches until the source is finished (end of a replay/simulation) or closed. Counters
    are in ``stats``. Subclasses implement ``_poll`` (and ``_close``).
    """

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.rate_hz: float | None = None  # nominal device rate once known
        self.finished = False
        self.closed = False
        self._stats = LinkStats()
        self._ready: deque[SampleBatch] = deque()

    @abc.abstractmethod
    def _poll(self, timeout_s: float) -> list[SampleBatch]:
        """Wait at most ``timeout_s`` for data; return the batches it produced (maybe none)."""

    def _close(self) -> None:
        """Release the transport."""

    def _refresh_stats(self, stats: LinkStats) -> None:
        """Copy decoder counters into ``stats`` (called by the ``stats`` property)."""

    def read(self, timeout_s: float = 0.5) -> SampleBatch | None:
        deadline = time.monotonic() + timeout_s
        while not self._ready:
            if self.closed or self.finished:
                return None
            self._ready.extend(self._poll(max(0.0, deadline - time.monotonic())))
            if not self._ready and time.monotonic() >= deadline:
                return None
        batch = self._ready.popleft()
        self._stats.samples += len(batch)
        return batch

    def __iter__(self) -> Iterator[SampleBatch]:
        while not self.closed and not (self.finished and not self._ready):
            batch = self.read()
            if batch is not None:
                yield batch

    @property
    def stats(self) -> LinkStats:
        self._refresh_stats(self._stats)
        return copy.deepcopy(self._stats)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._close()

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.spec!r})"


def keyword_options(factory) -> dict[str, inspect.Parameter]:
    """The options a source class takes (its keyword-only parameters): the one place that reads them."""
    return {name: p for name, p in inspect.signature(factory).parameters.items() if p.kind == p.KEYWORD_ONLY}


def coerce_options(factory, options: dict, skip: tuple[str, ...] = ()) -> dict:
    """Check option names against ``factory``'s keyword parameters and convert string values
    (from a URL query) to the parameter's type. Unknown names -> ConfigError listing valid ones."""
    params = {name: p for name, p in keyword_options(factory).items() if name not in skip}
    out = {}
    for name, value in options.items():
        if name not in params:
            valid = ", ".join(sorted(params))
            raise ConfigError(f"unknown option {name!r} for {factory.__name__}; valid options: {valid}")
        out[name] = _coerce(name, value, params[name]) if isinstance(value, str) else value
    return out


def _coerce(name: str, value: str, param: inspect.Parameter):
    hint = str(param.annotation)
    text = value.strip()
    if "None" in hint and text.lower() in ("", "none", "null"):
        return None
    try:
        if hint.startswith("bool"):
            if text.lower() not in _TRUE | _FALSE:
                raise ValueError(text)
            return text.lower() in _TRUE
        if hint.startswith("int"):
            return int(text)
        if hint.startswith("float"):
            return float(text)
    except ValueError:
        raise ConfigError(f"option {name}={value!r} is not a valid {hint.split(' ')[0]}") from None
    return text
