"""Soak: one simulated hour of a faulty wearable through the streaming runtime, at accelerated speed.

    python benchmarks/soak.py [--hours 1] [--bundle DIR]

The simulated device sends binary frames (8 samples each) through the real decoder with 1 %
corrupted frames, 0.5 % dropped frames and 10 disconnects (one per 6-minute recording, 10
recordings). The whole stream path runs: ring buffer, a hop every 0.5 s of device time, INT8
inference, smoothing, link-event reporting. Checks: no crash; every injected fault counted
exactly, both by the link and in what the runtime reports; resident memory growth after the
first recording < 5 MB. Writes benchmarks/results/soak.json and prints PASS/FAIL.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_runtime import one_core, resolve_bundle  # noqa: E402
from results_files import write_results  # noqa: E402

ACTIVITIES = ["walking", "running", "cycling", "sitting", "jumping", "waving"]
RECORDINGS = 10  # one disconnect each
MAX_GROWTH_MB = 5.0


def rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmRSS"))) / 1024


class SoakSink:
    """Counts hops and samples resident memory every simulated minute."""

    def __init__(self) -> None:
        self.memory: list[tuple[float, float]] = []  # (simulated s, RSS MB)
        self.hops = self.valid = 0
        self.events: list = []
        self._next_sample_s = 0.0

    def emit(self, recognitions) -> None:
        self.hops += 1
        self.valid += sum(r.valid for r in recognitions)
        if recognitions:
            t = max((r.t_s for r in recognitions if r.t_s == r.t_s), default=0.0)
            if t >= self._next_sample_s:
                self.memory.append((t, rss_mb()))
                self._next_sample_s = t + 60.0

    def event(self, event) -> None:
        self.events.append(event)

    def close(self) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=1.0)
    parser.add_argument("--bundle", default=None)
    args = parser.parse_args()
    bundle, origin = resolve_bundle(args.bundle)
    one_core()
    print(f"model: {origin}", flush=True)

    from aura_edge.firmware_bridge.sources import SimSource
    from aura_edge.runtime.stream import StreamConfig, stream

    seconds_each = args.hours * 3600 / RECORDINGS / len(ACTIVITIES)
    source = SimSource(ACTIVITIES, seconds_each=seconds_each, format="frames", corrupt=0.01, drop=0.005,
                       disconnects=1, loops=RECORDINGS, speed=0, seed=0)
    sink = SoakSink()
    started = time.monotonic()
    summary = stream(StreamConfig(bundle=str(bundle)), sink=sink, sources=[source])
    wall = time.monotonic() - started

    stats, injected = source.stats, source.injected
    reported = next(iter(summary.link.values()))  # what the runtime reported at its last hop
    frames_per_recording = round(seconds_each * len(ACTIVITIES) * 200) // 8
    faults = {
        "corrupt": {"injected": injected.corrupt, "link": stats.corrupt, "reported": reported["corrupt"]},
        # A corrupted or cut frame is also a sequence gap, so the link's dropped = all frames lost.
        "dropped": {"injected": injected.lost, "link": stats.dropped, "reported": reported["dropped"]},
        "disconnects": {"injected": injected.disconnects, "link": stats.disconnects,
                        "reported": summary.disconnects()},
        "samples": {"injected": 8 * (RECORDINGS * frames_per_recording - injected.lost), "link": stats.samples,
                    "reported": reported["samples"]},
    }
    warm = next(mb for t, mb in sink.memory if t >= seconds_each * len(ACTIVITIES))  # after the first recording
    growth = sink.memory[-1][1] - warm
    simulated = seconds_each * len(ACTIVITIES) * RECORDINGS
    checks = {
        "no_crash": not summary.interrupted and source.finished,
        "faults_counted_exactly": all(len(set(v.values())) == 1 for v in faults.values())
        and injected.disconnects == RECORDINGS,
        "memory_growth_mb": growth < MAX_GROWTH_MB,
    }
    result = {"model": origin, "simulated_s": simulated, "wall_s": wall, "speedup": simulated / wall,
              "hops": sink.hops, "valid_windows": sink.valid, "frames_injected": {
                  "corrupt": injected.corrupt, "dropped": injected.dropped, "disconnects": injected.disconnects},
              "faults": faults, "rss_mb": {"after_first_recording": warm, "end": sink.memory[-1][1],
                                           "growth": growth, "samples": sink.memory},
              "checks": checks}
    write_results("soak", result)
    print(f"{simulated / 3600:.2f} simulated hours in {wall:.0f} s ({simulated / wall:.0f}x real time), "
          f"{sink.valid} labelled windows")
    frames = RECORDINGS * frames_per_recording
    print(f"  frames: {frames} sent, {injected.corrupt} corrupted ({injected.corrupt / frames:.2%}), "
          f"{injected.dropped} dropped ({injected.dropped / frames:.2%}), {injected.disconnects} cut by disconnects; "
          "the link's 'dropped' counts every sequence gap (all three)")
    for name, counts in faults.items():
        print(f"  {name:<12} injected {counts['injected']:>7}  link {counts['link']:>7}  reported {counts['reported']:>7}")
    print(f"  RSS {warm:.1f} MB after the first recording -> {sink.memory[-1][1]:.1f} MB at the end "
          f"(growth {growth:+.2f} MB)")
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'} {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
