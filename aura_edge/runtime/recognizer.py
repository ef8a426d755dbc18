"""Live recognition: sources -> ring buffers -> hop -> batched embedding -> label scores -> smoothed label.

Every hop each source's latest 5 s is resampled onto the model grid, the valid windows of all
sources go through the engine in ONE call (a gateway serving many wearables pays the per-call
overhead once), and each source's cosine scores against the label bank are smoothed (EMA or a
majority vote over recent hops) before a label is shown. A shown label only changes after the
newcomer has led for ``switch_hops`` hops in a row by at least ``switch_margin`` (hysteresis), and
below ``unknown_below`` the output is ``unknown``: the vocabulary is open, so "none of these" is a
legitimate answer.

Hops are counted in each source's own time (device time when the link has a clock): a replay
at 20x speed still yields one window per 0.5 s of recording, and a live source one per 0.5 s of
wall time. numpy only; the engine is anything with ``embed((B, 6, 1000)) -> (B, D)``.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Protocol

import numpy as np

from aura_edge.errors import ConfigError
from aura_edge.runtime.enrolled import EnrolledClasses, label_scores
from aura_edge.runtime.ring_buffer import RingBuffer
from aura_edge.signals import MODEL_RATE_HZ, WINDOW_S

UNKNOWN = "unknown"
DEFAULT_UNKNOWN_BELOW = 0.2  # cosine; used when neither the caller nor the bundle gives a threshold
SMOOTHING_METHODS = ("ema", "majority", "none")
LINK_COUNTERS = ("samples", "corrupt", "dropped", "resets", "disconnects", "overflow")


class Engine(Protocol):
    def embed(self, windows: np.ndarray) -> np.ndarray:
        """(B, 6, 1000) float32 canonical windows -> (B, D) embeddings."""


@dataclass
class SmoothingConfig:
    method: str = "ema"           # "ema" | "majority" | "none"
    ema_alpha: float = 0.5        # weight of the newest hop's scores in the EMA
    majority_hops: int = 5        # hops that vote in "majority"
    unknown_below: float | None = None  # smoothed cosine under which the output is "unknown"; None: the
                                        # value measured at export (Recognizer.from_bundle), else 0.2
    switch_hops: int = 2          # hops a new label must lead in a row before it is shown
    switch_margin: float = 0.02   # ... by at least this much cosine over the shown one
    top_k: int = 3                # scores reported per hop

    def __post_init__(self) -> None:
        if self.method not in SMOOTHING_METHODS:
            raise ConfigError(f"unknown smoothing {self.method!r}; use one of {', '.join(SMOOTHING_METHODS)}")
        if not 0 < self.ema_alpha <= 1:
            raise ConfigError(f"ema_alpha must be in (0, 1], got {self.ema_alpha}")
        if self.majority_hops < 1 or self.switch_hops < 1 or self.top_k < 1:
            raise ConfigError(f"majority_hops, switch_hops and top_k must be >= 1, got {self.majority_hops}, "
                              f"{self.switch_hops}, {self.top_k}")
        if (self.unknown_below is not None and not -1 <= self.unknown_below <= 1) or self.switch_margin < 0:
            raise ConfigError(f"unknown_below is a cosine in [-1, 1] and switch_margin >= 0, got "
                              f"{self.unknown_below}, {self.switch_margin}")

    def with_threshold(self, measured: float | None = None) -> "SmoothingConfig":
        """unknown_below filled in: as given, else the value measured for the model, else the default."""
        if self.unknown_below is not None:
            return self
        return replace(self, unknown_below=DEFAULT_UNKNOWN_BELOW if measured is None else measured)


@dataclass(frozen=True)
class Decision:
    label: str                          # shown label (or UNKNOWN)
    score: float                        # its smoothed cosine (the best one when UNKNOWN)
    raw_label: str                      # this hop's top-1 before smoothing and thresholds
    raw_score: float
    top: list[tuple[str, float]]        # top-k of the smoothed scores


class LabelSmoother:
    """One source's label state: smoothed scores, the shown label, and the challenger's streak."""

    def __init__(self, labels: list[str], config: SmoothingConfig) -> None:
        self.labels, self.config = list(labels), config.with_threshold()
        self.reset()

    def reset(self) -> None:
        """Forget everything (after a gap or reconnect): the next valid hop is shown at once."""
        self._ema: np.ndarray | None = None
        self._recent: deque[np.ndarray] = deque(maxlen=self.config.majority_hops)
        self.shown: str | None = None
        self._challenger: str | None = None
        self._streak = 0

    def update(self, scores: np.ndarray) -> Decision:
        scores = np.asarray(scores, dtype=np.float32)
        smoothed, best = self._smooth(scores)
        candidate = self.labels[best] if smoothed[best] >= self.config.unknown_below else UNKNOWN
        self._hysteresis(candidate, smoothed)
        shown_score = smoothed[best] if self.shown == UNKNOWN else smoothed[self.labels.index(self.shown)]
        order = np.argsort(-smoothed)[:self.config.top_k]
        raw = int(np.argmax(scores))
        return Decision(self.shown, float(shown_score), self.labels[raw], float(scores[raw]),
                        [(self.labels[i], float(smoothed[i])) for i in order])

    def _smooth(self, scores: np.ndarray) -> tuple[np.ndarray, int]:
        """(smoothed scores, index of the leading label)."""
        method = self.config.method
        if method == "ema":
            a = self.config.ema_alpha
            self._ema = scores.copy() if self._ema is None else a * scores + (1 - a) * self._ema
            return self._ema, int(np.argmax(self._ema))
        if method == "majority":
            self._recent.append(scores)
            mean = np.mean(self._recent, axis=0)
            votes = Counter(int(np.argmax(s)) for s in self._recent)
            top = max(votes.values())
            # Ties between equally voted labels go to the higher mean score.
            return mean, max((i for i, v in votes.items() if v == top), key=lambda i: mean[i])
        return scores, int(np.argmax(scores))

    def _hysteresis(self, candidate: str, smoothed: np.ndarray) -> None:
        if self.shown is None or candidate == self.shown or self._lost_support(smoothed):
            self.shown = candidate
            self._challenger, self._streak = None, 0
            return
        if not self._leads_clearly(candidate, smoothed):
            self._challenger, self._streak = None, 0
            return
        self._streak = self._streak + 1 if candidate == self._challenger else 1
        self._challenger = candidate
        if self._streak >= self.config.switch_hops:
            self.shown, self._challenger, self._streak = candidate, None, 0

    def _lost_support(self, smoothed: np.ndarray) -> bool:
        """The shown label's own score fell clearly under the threshold: holding it would show a
        label the model no longer backs (the threshold band is +-switch_margin)."""
        if self.shown == UNKNOWN:
            return False
        score = smoothed[self.labels.index(self.shown)]
        return score < self.config.unknown_below - self.config.switch_margin

    def _leads_clearly(self, candidate: str, smoothed: np.ndarray) -> bool:
        """The challenger beats the shown label by the margin (leaving UNKNOWN needs threshold + margin)."""
        margin = self.config.switch_margin
        if candidate == UNKNOWN:
            return True  # already below the threshold
        score = smoothed[self.labels.index(candidate)]
        if self.shown == UNKNOWN:
            return score >= self.config.unknown_below + margin
        return score >= smoothed[self.labels.index(self.shown)] + margin


@dataclass
class Recognition:
    """What one hop says about one source. ``label`` is None while there is no valid window."""

    source: str
    t_s: float                          # window end, in the source's time base (device s when it has a clock)
    valid: bool
    label: str | None = None
    score: float | None = None
    raw_label: str | None = None
    raw_score: float | None = None
    top: list[tuple[str, float]] = field(default_factory=list)
    reason: str = ""                    # why there is no label (not enough data, gap, stalled link)
    latency_ms: float = 0.0             # this hop: resample + inference + scoring, all sources together
    batch: int = 0                      # windows in the engine call this one was part of
    filled_s: float = 0.0               # seconds of the window interpolated across short gaps
    truth: str | None = None            # the activity filling most of the window, when the source knows it
    link: dict = field(default_factory=dict)
    time: float = 0.0                   # wall clock (Unix s) when the hop produced it, for logs

    def as_dict(self) -> dict:
        out = asdict(self)
        out["time"] = round(self.time, 3)
        out["top"] = [[name, _json_number(score)] for name, score in self.top]
        for key in ("score", "raw_score"):
            out[key] = _json_number(out[key])
        out["t_s"] = round(self.t_s, 3) if np.isfinite(self.t_s) else None  # JSON has no NaN
        out["latency_ms"] = round(self.latency_ms, 3)
        out["filled_s"] = round(self.filled_s, 3)
        return out


@dataclass
class Channel:
    """One source inside a recognizer: its buffer, label state and hop bookkeeping."""

    name: str
    source: object
    ring: RingBuffer
    smoother: LabelSmoother
    truth: Callable[[float], str | None] | None = None
    last_end_s: float | None = None     # end of the last window cut (source time)
    clock_resets: int = 0               # the ring buffer's resets already acted on
    last_data_host_s: float = 0.0       # host time of the last read that brought samples
    link: dict = field(default_factory=dict)

    def pending_s(self) -> float:
        """Source time received but not yet covered by a hop."""
        latest = self.ring.latest_s
        if latest is None:
            return 0.0
        return latest - (self.last_end_s if self.last_end_s is not None else float(self.ring.times[0]))

    @property
    def finished(self) -> bool:
        return bool(getattr(self.source, "finished", False) or getattr(self.source, "closed", False))


class Recognizer:
    """Batched recognition over one or more sources.

    Call ``poll`` often (it reads what the sources have) and ``hop`` every ``hop_s`` (it returns
    one :class:`Recognition` per window cut since the last hop, across all sources). ``stream``
    in ``aura_edge.runtime.stream`` drives both; tests can drive them directly.
    """

    def __init__(self, engine: Engine, labels: list[str], label_bank: np.ndarray, *,
                 enrolled: EnrolledClasses | None = None,
                 smoothing: SmoothingConfig | None = None, hop_s: float = 0.5, window_s: float = WINDOW_S,
                 max_gap_s: float = 0.1, max_batch: int = 64, stall_s: float = 1.0, max_backlog_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        bank = np.asarray(label_bank, dtype=np.float32)
        if bank.ndim != 2 or bank.shape[0] != len(labels):
            raise ConfigError(f"label bank of shape {bank.shape} does not match {len(labels)} labels")
        if not 0.05 <= hop_s <= window_s:
            raise ConfigError(f"hop must be between 0.05 s and the window ({window_s:g} s), got {hop_s}")
        if max_batch < 1:
            raise ConfigError(f"max_batch must be >= 1, got {max_batch}")
        # Text labels first, then classes enrolled from examples (scored on the same scale).
        self.enrolled = enrolled if enrolled is not None and len(enrolled) else None
        self.text_labels = list(labels)
        self.engine, self.labels = engine, self.enrolled.class_names(labels) if self.enrolled else list(labels)
        self._bank_t = np.ascontiguousarray(bank.T)  # (D, C): scoring is one matrix product
        self.smoothing = (smoothing or SmoothingConfig()).with_threshold()
        self.hop_s, self.window_s, self.max_gap_s = hop_s, window_s, max_gap_s
        self.max_batch, self.stall_s, self.max_backlog_s = max_batch, stall_s, max_backlog_s
        self.clock = clock
        self.channels: list[Channel] = []
        self.engine_calls = 0
        self.timings: deque[dict] = deque(maxlen=4096)  # per hop: seconds spent per stage

    @classmethod
    def from_bundle(cls, bundle, smoothing: SmoothingConfig | None = None, **options) -> Recognizer:
        """A recognizer over a loaded bundle's engine and label bank; an unset 'unknown' threshold
        becomes the one measured for this model at export."""
        smoothing = (smoothing or SmoothingConfig()).with_threshold(bundle.unknown_below)
        return cls(bundle.engine, bundle.labels, bundle.label_bank, enrolled=bundle.enrolled, smoothing=smoothing,
                   **options)

    def add_source(self, source, name: str | None = None) -> Channel:
        name = name or getattr(source, "spec", None) or f"source{len(self.channels)}"
        if any(ch.name == name for ch in self.channels):
            name = f"{name}#{len(self.channels)}"  # the same spec twice (two simulated wearables)
        # Room for the window plus the largest backlog at up to 1 kHz, so no hop ever loses data.
        capacity = int((self.window_s + 2 * self.max_backlog_s + 2) * 1000)
        channel = Channel(name, source, RingBuffer(capacity, self.max_gap_s),
                          LabelSmoother(self.labels, self.smoothing), _truth_function(source),
                          last_data_host_s=self.clock())
        self.channels.append(channel)
        return channel

    @property
    def finished(self) -> bool:
        return bool(self.channels) and all(ch.finished for ch in self.channels)

    def backlog_s(self) -> float:
        return max((ch.pending_s() for ch in self.channels), default=0.0)

    def poll(self, timeout_s: float = 0.0, max_reads: int = 64) -> int:
        """Read what every source has (waiting up to ``timeout_s`` only if none had anything).

        A source stops being read once ``max_backlog_s`` of its time awaits a hop, so a replay
        at full speed cannot outrun its ring buffer. Returns the number of samples read.
        """
        got = sum(self._drain(ch, 0.0, max_reads) for ch in self.channels)
        if got == 0 and timeout_s > 0:
            if len(self.channels) == 1:  # a single link can block in its own read: lowest latency
                got = self._drain(self.channels[0], timeout_s, max_reads)
            else:
                time.sleep(min(timeout_s, 0.01))
        return got

    def _drain(self, channel: Channel, timeout_s: float, max_reads: int) -> int:
        got = 0
        for _ in range(max_reads):
            if channel.pending_s() >= self.max_backlog_s:
                break
            batch = channel.source.read(timeout_s)
            if batch is None:
                break
            if len(batch):
                channel.ring.push(batch)
                got += len(batch)
            timeout_s = 0.0
        if got:
            channel.last_data_host_s = self.clock()
        return got

    def hop(self) -> list[Recognition]:
        """Cut every source's due windows, embed the valid ones in one engine call, score, smooth."""
        started = time.perf_counter()
        cuts = [(ch, self._cut(ch)) for ch in self.channels]
        windows = [w.imu.T for _, cut in cuts for _, w in cut if w is not None and w.valid]  # (6, 1000) each
        resampled = time.perf_counter()
        scores = self._score(np.stack(windows)) if windows else np.zeros((0, len(self.labels)), np.float32)
        inferred = time.perf_counter()
        results, row = [], 0
        for ch, cut in cuts:
            ch.link = _link_counters(ch.source)
            ch.link.update(clock_resets=ch.ring.resets, corrupt=ch.link.get("corrupt", 0) + ch.ring.non_finite)
            for end_s, window in cut:
                if window is not None and window.valid:
                    results.append(self._recognized(ch, window, scores[row], len(windows)))
                    row += 1
                else:
                    ch.smoother.reset()  # stale state must not outlive a gap: resume fresh
                    reason = window.reason if window is not None else self._stall_reason(ch)
                    results.append(Recognition(ch.name, end_s, False, reason=reason, link=ch.link))
        finished = time.perf_counter()
        latency_ms, wall = (finished - started) * 1e3, time.time()
        for r in results:
            r.latency_ms, r.time = latency_ms, wall
        if windows:
            self.timings.append({"resample_s": resampled - started, "inference_s": inferred - resampled,
                                 "scoring_s": finished - inferred, "hop_s": finished - started,
                                 "windows": len(windows)})
        return results

    def _cut(self, ch: Channel) -> list[tuple[float, object]]:
        """(end_s, Window or None) for each hop of source time since the last cut.

        Windows end at the newest sample (lowest latency); when a hop covers several hops of
        source time (accelerated replay) the earlier ones are cut ``hop_s`` apart before it.
        (end_s, None) marks a source that sent nothing for ``stall_s`` of host time.
        """
        latest = ch.ring.latest_s
        if ch.ring.resets != ch.clock_resets:
            # The source clock restarted (device reboot, replay loop, or a jump back): the old
            # window end means nothing in the new time line, so cut as for a new source.
            ch.clock_resets, ch.last_end_s = ch.ring.resets, None
            ch.smoother.reset()
        if not ch.finished and self.clock() - ch.last_data_host_s > self.stall_s:
            return [(float("nan") if latest is None else latest, None)]
        if latest is None:
            return []
        if ch.last_end_s is None:  # first cut: every full window already there (a replay), else one
            full = latest - float(ch.ring.times[0]) - (self.window_s - 1.0 / MODEL_RATE_HZ) + 1e-6
            count = 1 + max(0, int(np.floor(full / self.hop_s)))
        else:
            count = round((latest - ch.last_end_s) / self.hop_s)  # round: reads arrive in bursts
        count = min(count, int(np.ceil(self.max_backlog_s / self.hop_s)) + 1)
        if count < 1:
            return []
        ch.last_end_s = latest
        ends = latest - self.hop_s * np.arange(count - 1, -1, -1)
        return [(float(e), ch.ring.window(float(e), self.window_s, MODEL_RATE_HZ)) for e in ends]

    def _score(self, windows: np.ndarray) -> np.ndarray:
        """(B, 6, 1000) -> (B, C) cosine similarity with every label, in as few engine calls as allowed."""
        parts = []
        for start in range(0, len(windows), self.max_batch):
            parts.append(np.asarray(self.engine.embed(windows[start:start + self.max_batch]), dtype=np.float32))
            self.engine_calls += 1
        # Engines return L2-normalised embeddings (the normalisation is inside the exported graph),
        # so this product is the cosine similarity.
        return label_scores(np.concatenate(parts), self._bank_t, self.text_labels, self.enrolled)

    def _recognized(self, ch: Channel, window, scores: np.ndarray, batch: int) -> Recognition:
        d = ch.smoother.update(scores)
        # The truth of a window is what fills most of it: the activity at its middle.
        truth = ch.truth((window.start_s + window.end_s) / 2) if ch.truth else None
        return Recognition(ch.name, window.end_s, True, d.label, d.score, d.raw_label, d.raw_score, d.top,
                           batch=batch, filled_s=window.filled_s, truth=truth, link=ch.link)

    def _stall_reason(self, ch: Channel) -> str:
        idle = self.clock() - ch.last_data_host_s
        if ch.ring.latest_s is None:
            corrupt = ch.link.get("corrupt", 0)
            hint = f"; {corrupt} corrupt so far: is --format right (csv or frames)?" if corrupt else ""
            return f"waiting for the first samples ({idle:.1f} s){hint}"
        return f"no data for {idle:.1f} s (link stalled or disconnected)"


def _json_number(value, digits: int = 4) -> float | None:
    """Rounded, or None where JSON has no number (nan, inf)."""
    return round(float(value), digits) if value is not None and np.isfinite(value) else None


def _link_counters(source) -> dict:
    stats = getattr(source, "stats", None)
    return {k: int(getattr(stats, k, 0)) for k in LINK_COUNTERS} if stats is not None else {}


def _truth_function(source) -> Callable[[float], str | None] | None:
    """Ground truth for sources that know it: a simulator's script, a recording's label column."""
    if callable(getattr(source, "label_at", None)):
        return source.label_at
    labels, times = getattr(source, "labels", None), getattr(source, "t_s", None)
    if labels is not None and times is not None and len(labels) == len(times):
        def at(t_s: float) -> str | None:
            i = int(np.searchsorted(times, t_s, side="right")) - 1
            return str(labels[i]) if 0 <= i < len(labels) else None
        return at
    return None
