"""`aura-edge stream` and `aura-edge record` as library functions.

``stream(StreamConfig)`` verifies a bundle, opens one or more sources, and runs the hop loop of a
:class:`Recognizer` until the sources end, ``duration_s`` passes, or Ctrl-C / SIGTERM. Sources
reconnect by themselves (serial and BLE back off exponentially and resync their decoders); this
loop reports each disconnect, reconnect and device reset as a :class:`LinkEvent`, and labels
come back as soon as the ring buffer holds a valid window again. Only numpy and onnxruntime are
imported on this path; a device that only streams never needs torch.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from collections import Counter, deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aura_edge import pretrained
from aura_edge.errors import ConfigError, DataError, DeviceError
from aura_edge.runtime.recognizer import UNKNOWN, Recognition, Recognizer, SmoothingConfig
from aura_edge.runtime.sinks import ConsoleView, JsonLinesSink, LinkEvent, MultiSink, log_sink
from aura_edge.signals import GRAVITY_CONVENTIONS, MAX_RATE_HZ, MIN_RATE_HZ, parse_units

log = logging.getLogger(__name__)

DEFAULT_RUNS_DIR = Path("runs")
BUNDLE_SUBDIR = "bundle"  # `aura-edge export` writes <run>/bundle by default
SIM_STREAM_DEFAULTS = {"loops": "0", "seconds_each": "10"}  # a simulated wearable streams until stopped
FLAG_NAMES = {"baud": "--baud", "format": "--format", "rate_hz": "--rate", "acc_unit": "--units",
              "gyro_unit": "--units", "axes": "--axes", "speed": "--speed"}  # source option -> command-line flag


@dataclass
class StreamConfig:
    sources: list[str] = field(default_factory=list)
    bundle: str | None = None          # default: the newest bundle under runs/ (runs/latest/bundle first),
                                       #   else the built-in one ('pretrained')
    variant: str = "int8"              # int8 | fp32 | qdq | tensorrt
    baud: int | None = None
    format: str | None = None          # csv | frames (sim:// also: samples)
    rate_hz: float | None = None
    units: str | None = None           # "ACC,GYRO", e.g. "g,deg/s"
    gravity: str = "included"
    axes: str | None = None            # e.g. "x,-z,y"
    speed: float | None = None         # replay:// and sim:// playback speed
    hop_s: float = 0.5
    smoothing: str = "ema"
    unknown_below: float | None = None  # default: measured for the model at export, else 0.2
    switch_hops: int = SmoothingConfig.switch_hops
    top_k: int = 3
    json: bool = False                 # JSON lines on stdout instead of the console view
    log: str | None = None             # also append JSON lines to this file
    duration_s: float | None = None
    threads: int = 1
    web: str | None = None             # [HOST:]PORT of a live dashboard (aura_edge.runtime.web)

    def __post_init__(self) -> None:
        if self.gravity not in GRAVITY_CONVENTIONS:
            raise ConfigError(f"--gravity must be one of {', '.join(GRAVITY_CONVENTIONS)}, got {self.gravity!r}")
        if self.duration_s is not None and self.duration_s <= 0:
            raise ConfigError(f"--duration must be positive seconds, got {self.duration_s}")
        if self.threads < 1:
            raise ConfigError(f"--threads must be >= 1, got {self.threads}")
        self.smoothing_config = SmoothingConfig(method=self.smoothing, switch_hops=self.switch_hops, top_k=self.top_k,
                                                unknown_below=self.unknown_below)


@dataclass
class StreamSummary:
    bundle: Path
    variant: str
    sources: list[str]
    ready_s: float = 0.0               # stream() call -> bundle verified, engine and sources open
    seconds: float = 0.0
    hops: int = 0
    windows: int = 0                   # valid windows recognized
    labels: dict[str, Counter] = field(default_factory=dict)
    agreement: dict[str, float] = field(default_factory=dict)  # label == truth, where the source knows it
    latency_ms: deque = field(default_factory=lambda: deque(maxlen=10_000))  # recent hops: a long stream stays small
    events: list[LinkEvent] = field(default_factory=list)
    link: dict[str, dict] = field(default_factory=dict)
    interrupted: bool = False
    _hits: Counter = field(default_factory=Counter, repr=False)
    _known: Counter = field(default_factory=Counter, repr=False)

    def add(self, recognitions: list[Recognition]) -> None:
        for r in recognitions:
            if r.valid:
                self.windows += 1
                self.labels.setdefault(r.source, Counter())[r.label] += 1
                if r.truth is not None:
                    self._known[r.source] += 1
                    self._hits[r.source] += r.label == r.truth
        if any(r.valid for r in recognitions):
            self.latency_ms.append(recognitions[0].latency_ms)
        self.agreement = {s: self._hits[s] / n for s, n in self._known.items()}

    def disconnects(self) -> int:
        return sum(e.kind == "disconnected" for e in self.events)


# --- bundle and sources ----------------------------------------------------------------------------

def find_bundle(path: str | Path | None = None, runs_dir: Path = DEFAULT_RUNS_DIR) -> Path:
    """``path`` itself ('pretrained': the built-in bundle), else runs/latest/bundle, else the newest
    runs/*/bundle, else the built-in bundle (said on the first line of output)."""
    if path is not None:
        return pretrained.bundle_path(path)
    latest = runs_dir / "latest" / BUNDLE_SUBDIR
    if (latest / "manifest.json").is_file():
        return latest
    found = sorted(runs_dir.glob(f"*/{BUNDLE_SUBDIR}/manifest.json"), key=lambda p: p.stat().st_mtime)
    if found:
        return found[-1].parent
    trained = " (runs/ holds trained runs without a bundle: `aura-edge export --int8` makes one)" \
        if any(runs_dir.glob("*/model.safetensors")) else ""
    log.info(f"using the built-in pretrained model (no bundle under {runs_dir}/){trained}; "
             "see MODEL_CARD.md, or pass --bundle DIR")
    return pretrained.bundle_path(pretrained.NAME)


def flag_options(baud=None, format=None, rate_hz=None, units=None, axes=None, speed=None) -> dict:
    """Command-line flags -> source option names; flags not given are left out."""
    if rate_hz is not None and not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ:  # also nan
        raise ConfigError(f"--rate {rate_hz:g} is not a device rate; pass the rate the device samples at, "
                          f"from {MIN_RATE_HZ:g} to {MAX_RATE_HZ:g} Hz")
    if speed is not None and not 0 <= speed < float("inf"):
        raise ConfigError(f"--speed {speed:g} must be 0 (as fast as possible) or a positive factor (1 = real time)")
    options = {"baud": baud, "format": format, "rate_hz": rate_hz, "axes": axes, "speed": speed}
    if units is not None:
        try:
            options["acc_unit"], options["gyro_unit"] = parse_units(units, "--units")
        except DataError as exc:   # a bad flag, not bad data
            raise ConfigError(str(exc)) from exc
    return {k: v for k, v in options.items() if v is not None}


def open_sources(specs: list[str], options: dict, stream_defaults: bool = True) -> list:
    """Open every source; each takes the flag options it understands (a flag no source takes is
    an error). Options in a spec's query string win over flags."""
    from aura_edge.firmware_bridge.source_base import keyword_options
    from aura_edge.firmware_bridge.sources import open_source, source_class

    plans, used = [], set()
    for spec in specs:
        factory, scheme, query = source_class(spec)
        accepted = keyword_options(factory)
        mine = {k: v for k, v in options.items() if k in accepted and k not in query}
        if scheme == "sim" and stream_defaults:
            mine.update({k: v for k, v in SIM_STREAM_DEFAULTS.items() if k not in query and k not in mine})
        used |= mine.keys() & options.keys()
        plans.append((spec, mine))
    unused = sorted({FLAG_NAMES.get(k, k) for k in set(options) - used})
    if unused:
        raise ConfigError(f"{', '.join(unused)} applies to none of the sources {', '.join(specs)}; drop it "
                          "(sim:// takes --speed --format --rate, replay:// --speed --rate --units --axes)")
    sources = []
    try:
        for spec, mine in plans:
            sources.append(open_source(spec, **mine))
    except BaseException:
        for source in sources:
            source.close()
        raise
    return sources


# --- the streaming loop ------------------------------------------------------------------------

class LinkWatch:
    """Turns each source's counters and connection state into events, once per hop."""

    def __init__(self) -> None:
        self._seen: dict[str, dict] = {}

    def check(self, channels) -> list[LinkEvent]:
        events = []
        for ch in channels:
            now = {**ch.link, "connected": _connected(ch.source), "finished": ch.finished}
            before = self._seen.get(ch.name, {**now, "disconnects": 0, "resets": 0, "clock_resets": 0,
                                              "connected": True, "finished": False})
            self._seen[ch.name] = now
            lost = now.get("disconnects", 0) - before.get("disconnects", 0)
            for _ in range(max(0, lost)):
                state = "reconnecting with backoff" if not now["connected"] else "link re-established, resynced"
                events.append(LinkEvent(ch.name, "disconnected", f"link lost; {state}", dict(ch.link)))
            if now["connected"] and not before["connected"]:
                events.append(LinkEvent(ch.name, "reconnected", "reconnected; labels resume once a full window "
                                        "has arrived", dict(ch.link)))
            if now.get("resets", 0) > before.get("resets", 0):
                events.append(LinkEvent(ch.name, "reset", "device restarted (clock and sequence reset); "
                                        "history cleared", dict(ch.link)))
            elif now.get("clock_resets", 0) > before.get("clock_resets", 0):
                events.append(LinkEvent(ch.name, "reset", "the device clock went backwards (a reboot or a "
                                        "replay loop); history cleared, labels resume after one window of new data",
                                        dict(ch.link)))
            if now["finished"] and not before["finished"]:
                events.append(LinkEvent(ch.name, "finished", "stream ended", dict(ch.link)))
        return events


def _connected(source) -> bool:
    return bool(getattr(source, "connected", True))  # sources without a link (sim, replay) are always connected


def make_sink(config: StreamConfig):
    sinks = [JsonLinesSink(sys.stdout) if config.json else ConsoleView(sys.stdout, config.top_k)]
    if config.log:
        sinks.append(log_sink(config.log))
    return MultiSink(sinks)


def stream(config: StreamConfig, sink=None, sources: list | None = None) -> StreamSummary:
    """Recognize activities live from ``config.sources`` (or from ``sources`` already opened, e.g. a
    gateway's own, which stream() closes when it ends); returns what happened."""
    from aura_edge.runtime.bundle import load_bundle

    started = time.monotonic()
    bundle = load_bundle(find_bundle(config.bundle), prefer=config.variant, threads=config.threads)
    recognizer = Recognizer.from_bundle(bundle, smoothing=config.smoothing_config, hop_s=config.hop_s)
    sink = sink or make_sink(config)
    if sources is None:
        if not config.sources:
            raise ConfigError("no source given; pass e.g. /dev/ttyACM0, ble://AA:BB:CC:DD:EE:FF, "
                              "replay://session.csv or sim://walking")
        options = flag_options(config.baud, config.format, config.rate_hz, config.units, config.axes, config.speed)
        sources = open_sources(config.sources, options)
    for source in sources:
        recognizer.add_source(source)
    sink, dashboard = _with_dashboard(config.web, bundle, recognizer, sink, sources)
    summary = StreamSummary(bundle.path, bundle.variant, [ch.name for ch in recognizer.channels],
                            ready_s=time.monotonic() - started)
    int8_path = getattr(bundle.engine, "int8_path", "")
    variant = f"{bundle.variant}: {int8_path}" if int8_path else bundle.variant
    enrolled = f" + {len(bundle.enrolled)} enrolled: {', '.join(bundle.enrolled.names)}" if bundle.enrolled else ""
    log.info(f"bundle {bundle.path} ({variant}, {len(bundle.labels)} labels{enrolled}); streaming "
        f"{', '.join(summary.sources)}; ready in {summary.ready_s:.2f} s")
    if config.gravity == "removed" and not bundle.contract.get("gravity_removed_ok", False):
        log.warning("the bundle was trained with gravity included; gravity-removed input loses the "
            "orientation cues it relies on, so expect lower accuracy (stream raw accelerometer data if you can)")
    try:
        with _sigterm_as_interrupt():
            _run(recognizer, sink, config.duration_s, summary)
    except KeyboardInterrupt:
        summary.interrupted = True  # Ctrl-C is how a live stream normally ends
    finally:
        for source in sources:
            source.close()
        sink.close()
        if dashboard is not None:
            dashboard.stop()
    summary.link = {ch.name: ch.link for ch in recognizer.channels}
    return summary


def _with_dashboard(address: str | None, bundle, recognizer, sink, sources):
    """(sink, dashboard): with --web, the page's sink beside the others; a bad address or a port
    in use is a one-line error, and the sources already opened are closed."""
    if not address:
        return sink, None
    from aura_edge.runtime.web import start_dashboard

    try:
        dashboard = start_dashboard(address, bundle, recognizer)
    except BaseException:
        for source in sources:
            source.close()
        raise
    return MultiSink([sink, dashboard.sink]), dashboard


def _run(recognizer: Recognizer, sink, duration_s: float | None, summary: StreamSummary) -> None:
    clock = recognizer.clock
    start = clock()
    watch = LinkWatch()
    try:
        _hop_until_done(recognizer, sink, duration_s, summary, watch, start)
    finally:  # Ctrl-C too: the summary says how long it really ran
        summary.seconds = clock() - start


def _hop_until_done(recognizer: Recognizer, sink, duration_s: float | None, summary: StreamSummary,
                    watch: LinkWatch, start: float) -> None:
    clock, hop_s = recognizer.clock, recognizer.hop_s
    next_hop = start + hop_s
    while True:
        now = clock()
        if duration_s is not None and now - start >= duration_s:
            break
        recognizer.poll(timeout_s=min(max(0.0, next_hop - now), 0.05))
        now, done = clock(), recognizer.finished
        # A hop is due by the clock, or early when a fast replay has piled up source time.
        if now >= next_hop or done or recognizer.backlog_s() >= recognizer.max_backlog_s:
            results = recognizer.hop()
            summary.hops += 1
            summary.add(results)
            sink.emit(results)
            for event in watch.check(recognizer.channels):
                summary.events.append(event)
                sink.event(event)
            next_hop = next_hop + hop_s if now - next_hop < hop_s else now + hop_s  # never a burst of catch-up hops
        if done:
            break


@contextmanager
def _sigterm_as_interrupt():
    """`kill` or a service manager stopping us ends the stream as cleanly as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- recording -----------------------------------------------------------------------------------

@dataclass
class RecordConfig:
    source: str
    out: str
    label: str | None = None
    append: bool = False
    duration_s: float | None = None
    baud: int | None = None
    format: str | None = None
    rate_hz: float | None = None
    units: str | None = None
    axes: str | None = None
    speed: float | None = None


def record_session(config: RecordConfig):
    """Capture ``config.source`` to CSV (see ``firmware_bridge.record``); Ctrl-C ends it cleanly."""
    from aura_edge.firmware_bridge import record

    if Path(config.out).exists() and not config.append:  # before opening: opening a port resets an Arduino
        raise DeviceError(f"{config.out} already exists and is never overwritten; choose a new --out, "
                          "or pass --append to add to it")
    options = flag_options(config.baud, config.format, config.rate_hz, config.units, config.axes, config.speed)
    source = open_sources([config.source], options, stream_defaults=config.duration_s is not None)[0]
    try:
        return record(source, config.out, config.label, append=config.append, max_seconds=config.duration_s)
    finally:
        source.close()


# --- the demo's last step ------------------------------------------------------------------------

DEMO_ACTIVITIES = ("walking", "running", "jumping")


def demo_stream(bundle_dir: Path, seconds: float = 20.0) -> StreamSummary:
    """Stream a simulated wearable through the bundle for ``seconds`` and show live labels."""
    each = seconds / len(DEMO_ACTIVITIES)
    spec = f"sim://{','.join(DEMO_ACTIVITIES)}?seconds_each={each:g}&seed=7"
    summary = stream(StreamConfig([spec], bundle=str(bundle_dir), duration_s=seconds))
    counts = summary.labels.get(summary.sources[0], Counter())
    shown = ", ".join(f"{label} x{n}" for label, n in counts.most_common()) or "none"
    agreement = summary.agreement.get(summary.sources[0])
    p50 = float(np.median(summary.latency_ms)) if summary.latency_ms else float("nan")
    log.info(f"{summary.windows} live labels in {summary.seconds:.0f} s ({shown}); "
        + (f"{agreement:.0%} agree with the simulated activity; " if agreement is not None else "")
        + f"median hop {p50:.1f} ms")
    return summary


__all__ = ["UNKNOWN", "LinkWatch", "RecordConfig", "StreamConfig", "StreamSummary", "demo_stream", "find_bundle",
           "flag_options", "open_sources", "record_session", "stream"]
