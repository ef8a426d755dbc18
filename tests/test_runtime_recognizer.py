"""Recognizer with a fake engine: smoothing, hysteresis, unknown, hop scheduling, batching across sources."""

from __future__ import annotations

import io

import numpy as np
import pytest

from aura_edge.errors import ConfigError
from aura_edge.firmware_bridge.types import LinkStats, SampleBatch
from aura_edge.runtime.recognizer import UNKNOWN, LabelSmoother, Recognizer, SmoothingConfig
from aura_edge.runtime.sinks import ConsoleView, LinkEvent

LABELS = ["walking", "running", "sitting"]
BANK = np.eye(3, 8, dtype=np.float32)  # label i <-> unit vector e_i


def scores(*values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def shown(smoother: LabelSmoother, sequence) -> list[str]:
    return [smoother.update(scores(*s)).label for s in sequence]


# --- smoothing, hysteresis, unknown ----------------------------------------------------------------

def test_ema_keeps_the_label_through_a_one_hop_blip():
    smoother = LabelSmoother(LABELS, SmoothingConfig(method="ema", ema_alpha=0.5, switch_hops=2))
    walk, run = (0.6, 0.2, 0.1), (0.1, 0.9, 0.1)
    assert shown(smoother, [walk, walk, run, walk, walk]) == ["walking"] * 5


def test_a_new_label_is_shown_only_after_leading_switch_hops_in_a_row():
    smoother = LabelSmoother(LABELS, SmoothingConfig(method="none", switch_hops=3, switch_margin=0.05))
    walk, run, close_call = (0.6, 0.2, 0.1), (0.2, 0.6, 0.1), (0.5, 0.53, 0.1)
    assert shown(smoother, [walk, run, run, walk, run, run, run, run]) == \
        ["walking", "walking", "walking", "walking", "walking", "walking", "running", "running"]
    # Leading by less than the margin never counts as a win.
    assert shown(smoother, [close_call] * 2 + [walk] * 3 + [close_call] * 4) == ["running"] * 2 + \
        ["running", "running", "walking"] + ["walking"] * 4


def test_below_the_threshold_is_unknown_and_leaving_unknown_needs_the_margin():
    config = SmoothingConfig(method="none", unknown_below=0.3, switch_hops=1, switch_margin=0.05)
    smoother = LabelSmoother(LABELS, config)
    decisions = [smoother.update(scores(*s)) for s in [(0.2, 0.1, 0.0), (0.33, 0.1, 0.0), (0.36, 0.1, 0.0)]]
    assert [d.label for d in decisions] == [UNKNOWN, UNKNOWN, "walking"]
    assert decisions[0].raw_label == "walking" and decisions[0].score == pytest.approx(0.2)
    assert [name for name, _ in decisions[2].top] == ["walking", "running", "sitting"]


def test_a_label_the_model_stops_backing_is_dropped_without_waiting_for_a_streak():
    config = SmoothingConfig(method="none", unknown_below=0.3, switch_hops=3, switch_margin=0.05)
    smoother = LabelSmoother(LABELS, config)
    # 0.27 is inside the threshold band (0.25..0.35): held; 0.1 is clearly under it: dropped at once.
    assert shown(smoother, [(0.6, 0.1, 0.1), (0.27, 0.1, 0.1), (0.1, 0.2, 0.1)]) == ["walking", "walking", UNKNOWN]


def test_majority_vote_over_recent_hops_ignores_a_minority():
    smoother = LabelSmoother(LABELS, SmoothingConfig(method="majority", majority_hops=5, switch_hops=1))
    walk, run = (0.6, 0.2, 0.1), (0.2, 0.9, 0.1)
    labels = shown(smoother, [walk, walk, walk, run, run, run])
    assert labels == ["walking"] * 5 + ["running"]  # running wins the vote only at 3 of 5


def test_after_a_reset_the_next_label_is_shown_at_once():
    smoother = LabelSmoother(LABELS, SmoothingConfig(switch_hops=5))
    shown(smoother, [(0.6, 0.2, 0.1)] * 3)
    smoother.reset()
    assert smoother.update(scores(0.1, 0.2, 0.7)).label == "sitting"


def test_bad_smoothing_settings_are_refused_with_the_value():
    with pytest.raises(ConfigError, match="'median'"):
        SmoothingConfig(method="median")
    with pytest.raises(ConfigError, match="ema_alpha"):
        SmoothingConfig(ema_alpha=0.0)


# --- hops over sources -------------------------------------------------------------------------------

class ClassEngine:
    """Maps a window to the label bank row given by the mean of its ax channel (the class id)."""

    def __init__(self):
        self.calls = []

    def embed(self, windows):
        assert windows.shape[1:] == (6, 1000) and windows.dtype == np.float32  # channels-first
        self.calls.append(len(windows))
        return BANK[np.rint(windows[:, 0].mean(axis=1)).astype(int)]


class FakeSource:
    """Constant-class samples at 200 Hz, ``chunk_s`` per read, with optional holes and an end."""

    def __init__(self, spec, class_of, chunk_s=0.5, seconds=60.0, holes=()):
        self.spec, self.class_of, self.chunk_s, self.seconds, self.holes = spec, class_of, chunk_s, seconds, holes
        self.t, self.finished, self.closed, self.stats = 0.0, False, False, LinkStats()

    def read(self, timeout_s=0.0):
        if self.t >= self.seconds:
            self.finished = True
            return None
        t = self.t + np.arange(int(self.chunk_s * 200)) / 200.0
        self.t += self.chunk_s
        t = t[~np.any([(t >= a) & (t < b) for a, b in self.holes] or [np.zeros(len(t), bool)], axis=0)]
        x = np.zeros((len(t), 6), np.float32)
        x[:, 0] = [self.class_of(ti) for ti in t]
        self.stats.samples += len(t)
        return SampleBatch(t + 100.0, t, x)

    def close(self):
        self.closed = True


def run_hops(recognizer, hops):
    out = []
    for _ in range(hops):
        for ch in recognizer.channels:
            recognizer._drain(ch, 0.0, max_reads=1)  # exactly one 0.5 s chunk per source per hop
        out.append(recognizer.hop())
    return out


def test_one_engine_call_per_hop_batches_every_source():
    engine = ClassEngine()
    recognizer = Recognizer(engine, LABELS, BANK, smoothing=SmoothingConfig(method="none"))
    for k in range(8):
        recognizer.add_source(FakeSource("sim://x", lambda t, k=k: k % 3))
    hops = run_hops(recognizer, 14)
    assert engine.calls == [8] * 5  # windows are valid from 5 s on; one call each hop for all 8
    assert len({ch.name for ch in recognizer.channels}) == 8  # same spec twice gets distinct names
    last = hops[-1]
    assert [r.label for r in last] == [LABELS[k % 3] for k in range(8)]
    assert all(r.batch == 8 and r.latency_ms > 0 for r in last)
    assert not any(r.valid for r in hops[0]) and "not enough data" in hops[0][0].reason


def test_a_long_gap_invalidates_windows_and_labels_resume_with_the_next_valid_window():
    recognizer = Recognizer(ClassEngine(), LABELS, BANK, smoothing=SmoothingConfig(switch_hops=3))
    recognizer.add_source(FakeSource("dev", lambda t: 1 if t < 12 else 2, holes=[(10.0, 11.0)]))
    results = [r for hop in run_hops(recognizer, 40) for r in hop]
    before = [r for r in results if r.t_s < 10]
    across = [r for r in results if 10 < r.t_s < 15.9]  # windows that contain the hole
    after = [r for r in results if r.t_s > 15.9 and r.valid]
    assert before[-1].label == "running"
    assert across and not any(r.valid for r in across)
    assert all("gap of 1.005 s" in r.reason for r in across)
    # The first window without the hole is shown at once (no stale state, so no hysteresis
    # delay), although the previous label was different.
    assert after[0].t_s < 16.5 and after[0].label == "sitting"


def test_a_fast_replay_gets_one_window_per_hop_of_source_time():
    recognizer = Recognizer(ClassEngine(), LABELS, BANK)
    recognizer.add_source(FakeSource("replay://f", lambda t: 0, chunk_s=5.0, seconds=30.0))
    ends = []
    while not recognizer.finished:
        recognizer.poll()
        ends += [r.t_s for r in recognizer.hop() if r.valid]
    np.testing.assert_allclose(np.diff(ends), 0.5, atol=1e-6)
    assert ends[0] == pytest.approx(4.995) and ends[-1] == pytest.approx(29.995)


class RebootingSource(FakeSource):
    """Device time restarts from ``restart_at`` after ``reboot_after_s`` (a reboot, or a replay loop)."""

    def __init__(self, spec, class_of, reboot_after_s, restart_at=0.0, **kw):
        super().__init__(spec, class_of, **kw)
        self.reboot_after_s, self.restart_at, self.rebooted = reboot_after_s, restart_at, False

    def read(self, timeout_s=0.0):
        if not self.rebooted and self.t >= self.reboot_after_s:
            self.t, self.rebooted = self.restart_at, True
        return super().read(timeout_s)


@pytest.mark.parametrize("restart_at", [0.0, 7.3])  # back to zero (reboot, loop) or just back in time
def test_labels_resume_within_one_window_and_a_hop_after_the_device_clock_goes_back(restart_at):
    from aura_edge.runtime.stream import LinkWatch

    recognizer = Recognizer(ClassEngine(), LABELS, BANK, smoothing=SmoothingConfig(method="none"))
    source = RebootingSource("dev", lambda t: 1, reboot_after_s=60.0, restart_at=restart_at, seconds=90.0)
    recognizer.add_source(source)
    watch, events, after = LinkWatch(), [], []
    for _ in range(200):
        recognizer._drain(recognizer.channels[0], 0.0, max_reads=1)
        hop = recognizer.hop()
        events += watch.check(recognizer.channels)
        if source.rebooted:
            after += hop
    new_data_s = [r.t_s - restart_at for r in after if r.valid]
    assert new_data_s and new_data_s[0] <= 5.0 + 0.5 + 1e-6, new_data_s[:3]
    assert all(r.label == "running" for r in after if r.valid)
    assert len([r for r in after if r.valid]) >= 2 * (90 - 60 - 6)  # every hop labelled from then on
    assert [e.kind for e in events if e.kind == "reset"] == ["reset"] and "went backwards" in events[0].message
    assert after[-1].link["clock_resets"] == 1


def test_a_clock_jump_forward_resumes_within_one_window_and_a_hop():
    recognizer = Recognizer(ClassEngine(), LABELS, BANK, smoothing=SmoothingConfig(method="none"))
    source = RebootingSource("dev", lambda t: 2, reboot_after_s=20.0, restart_at=1000.0, seconds=2000.0)
    recognizer.add_source(source)
    after = []
    for _ in range(80):
        recognizer._drain(recognizer.channels[0], 0.0, max_reads=1)
        hop = recognizer.hop()
        if source.rebooted:
            after += hop
    valid = [r.t_s - 1000.0 for r in after if r.valid]
    assert valid and valid[0] <= 5.0 + 0.5 + 1e-6


def test_a_silent_source_is_reported_as_stalled():
    now = [0.0]
    recognizer = Recognizer(ClassEngine(), LABELS, BANK, stall_s=1.0, clock=lambda: now[0])
    source = FakeSource("dev", lambda t: 0, seconds=6.0)
    recognizer.add_source(source)
    while not source.finished:
        recognizer.poll()
        recognizer.hop()
    source.finished = False  # still open, just silent
    recognizer.hop()
    now[0] = 2.5
    (result,) = recognizer.hop()
    assert not result.valid and "no data for 2.5 s" in result.reason


def test_a_label_bank_that_does_not_match_the_labels_is_refused():
    with pytest.raises(ConfigError, match="does not match 2 labels"):
        Recognizer(ClassEngine(), LABELS[:2], BANK)


# --- console view --------------------------------------------------------------------------------------

def test_console_view_redraws_in_place_with_bars_and_link_counters():
    recognizer = Recognizer(ClassEngine(), LABELS, BANK)
    recognizer.add_source(FakeSource("sim://walking", lambda t: 0))
    out = io.StringIO()
    view = ConsoleView(out, top_k=2, ansi=True)
    for hop in run_hops(recognizer, 12):
        view.emit(hop)
    view.event(LinkEvent("sim://walking", "disconnected", "link lost; reconnecting with backoff"))
    view.close()
    text = out.getvalue()
    frames = text.split("\x1b[J")
    assert len(frames) == 13  # first draw, 11 redraws, the event
    assert "walking" in frames[-1] and "\u2588" * 24 in frames[-1] and "1.00" in frames[-1]
    assert "link lost" in frames[-1] and "1200 samples, 0 dropped" in frames[-1]
    assert text.endswith("\x1b[?25h")  # the cursor comes back


def test_json_lines_stay_valid_json_whatever_the_scores():
    import json

    from aura_edge.runtime.recognizer import Recognition

    r = Recognition("dev", float("nan"), True, "walking", float("nan"), "walking", float("inf"),
                    [("walking", float("nan")), ("running", 0.25)])
    out = json.loads(json.dumps(r.as_dict(), allow_nan=False))
    assert out["score"] is None and out["raw_score"] is None and out["t_s"] is None
    assert out["top"] == [["walking", None], ["running", 0.25]]
