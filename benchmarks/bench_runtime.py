"""Streaming runtime benchmark: per-hop latency, start-to-ready, resident memory, wearables per core.

    python benchmarks/bench_runtime.py [--bundle DIR] [--hops 300] [--wearables 8,16,32,48,64] [--seconds 12]

Targets (issue 4):
  - per hop (resample + inference + scoring): p99 <= 1.5x the model's own batch-1 inference p99
  - process start -> ready (bundle verified, session created): <= 1 s (median of 5 fresh processes)
  - resident memory of a streaming `aura-edge stream` process: <= 150 MB
  - simulated 200 Hz wearables (binary frames through the real decoder) served in real time by
    one process pinned to one core: >= 32. Real time = the core is busy < 90 % of the time and
    every wearable gets a label every hop.
Uses runs/latest/bundle, or exports a random-weight SENvT-SS bundle once (timing and memory are
what they would be for a trained model; the labels are meaningless). Everything runs on ONE
core. Writes benchmarks/results/runtime.json and runtime.md and prints PASS/FAIL per target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from results_files import write_results  # noqa: E402

from aura_edge.console import show_messages  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "aura-edge-bench" / "random-senvt-ss"
TARGETS = {"hop_p99_ratio": 1.5, "ready_s": 1.0, "rss_mb": 150.0, "wearables_per_core": 32}
HOP_S = 0.5


def one_core() -> int:
    """Pin this process to one core (the last one we may use) and return it."""
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


# --- the bundle ------------------------------------------------------------------------------------

def resolve_bundle(path: str | None) -> tuple[Path, str]:
    """(bundle dir, where it came from): --bundle, runs/latest/bundle, or a random-weight export."""
    from aura_edge.runtime.bundle import load_bundle

    if path:
        return Path(path), f"bundle {path}"
    latest = Path("runs/latest/bundle")
    if (latest / "manifest.json").is_file():
        return latest, f"trained bundle {latest.resolve()}"
    bundle = CACHE / "bundle"
    note = "random-weight SENvT-SS bundle (no runs/latest/bundle; labels are meaningless, timing and memory are not)"
    try:
        load_bundle(bundle)
        return bundle, f"{note}, cached at {bundle}"
    except Exception as exc:  # missing or stale cache (any reason): export afresh
        print(f"no usable cached bundle ({str(exc)[:120]})", flush=True)
    print(f"exporting a {note} to {bundle}", flush=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import shutil

    from aura_edge.export import ExportConfig, export_bundle
    from bench_export import _random_run  # the export benchmark's untrained run

    shutil.rmtree(CACHE, ignore_errors=True)
    run = _random_run(CACHE / "run")
    export_bundle(ExportConfig(run=str(run), out=str(bundle), int8=True, calibration_windows=64))
    return bundle, f"{note}, exported to {bundle}"


def write_recording(path: Path, seconds: float) -> Path:
    """A simulated wrist recording as NPZ (what `replay://` plays)."""
    from aura_edge.synth import simulate_recording

    t, imu, _ = simulate_recording(["walking", "running", "cycling", "sitting"], seconds / 4, seed=1)
    np.savez(path, imu=imu, t_s=t, rate_hz=200.0)
    return path


# --- per-hop latency vs the model alone ---------------------------------------------------------------

def measure_hops(bundle_dir: Path, recording: Path, hops: int) -> dict:
    """Alternate one hop of the recognizer (one source, 0.5 s of new data) with one bare batch-1
    inference, so load from other processes hits both alike."""
    from aura_edge.firmware_bridge import open_source

    from aura_edge.runtime.bundle import load_bundle
    from aura_edge.runtime.recognizer import Recognizer

    bundle = load_bundle(bundle_dir, prefer="int8", threads=1)
    # max_backlog_s = one hop: each poll reads exactly the next 0.5 s chunk of the replay.
    recognizer = Recognizer.from_bundle(bundle, hop_s=HOP_S, max_backlog_s=HOP_S)
    recognizer.add_source(open_source(f"replay://{recording}", speed=0, chunk_samples=int(HOP_S * 200)))
    window = np.random.default_rng(0).normal(0, 1, (1, 6, 1000)).astype(np.float32)
    model, hop, stages = [], [], []
    while len(hop) < hops + 20:
        recognizer.poll()
        if not any(r.valid for r in recognizer.hop()):
            continue
        stages.append(recognizer.timings[-1])
        hop.append(recognizer.timings[-1]["hop_s"])
        start = time.perf_counter()
        bundle.engine.embed(window)
        model.append(time.perf_counter() - start)
    model, hop, stages = model[20:], hop[20:], stages[20:]  # warm-up

    def ms(values) -> dict:
        return {"p50": float(np.median(values) * 1e3), "p99": float(np.percentile(values, 99) * 1e3)}

    return {"variant": bundle.variant, "hops": len(hop), "model_ms": ms(model), "hop_ms": ms(hop),
            "stages_ms": {k: ms([s[f"{k}_s"] for s in stages]) for k in ("resample", "inference", "scoring")}}


# --- start to ready, in fresh processes ------------------------------------------------------------------

READY_CHILD = """
import json, sys, time
import aura_edge.cli  # what `aura-edge stream` imports first
from aura_edge.runtime.bundle import load_bundle
from aura_edge.runtime.recognizer import Recognizer
from aura_edge.runtime.stream import open_sources
from aura_edge.console import show_messages
bundle = load_bundle(sys.argv[1], prefer="int8", threads=1)  # sha256 of every file, contract, engine
recognizer = Recognizer.from_bundle(bundle)
recognizer.add_source(open_sources([sys.argv[2]], {})[0])
ready = time.monotonic()
print(json.dumps({"ready": ready, "torch": "torch" in sys.modules, "scipy_signal": "scipy.signal" in sys.modules}))
"""


def measure_ready(bundle_dir: Path, recording: Path, repeats: int = 5) -> dict:
    """CLOCK_MONOTONIC is system-wide, so the child's ready time minus the parent's spawn time is
    the whole start: interpreter, imports, bundle verification, ONNX Runtime session, source."""
    times, child = [], {}
    for _ in range(repeats):
        spawned = time.monotonic()
        out = subprocess.run([sys.executable, "-c", READY_CHILD, str(bundle_dir), f"replay://{recording}"],
                             capture_output=True, text=True, check=True).stdout
        child = json.loads(out.strip().splitlines()[-1])
        times.append(child["ready"] - spawned)
    return {"median_s": float(np.median(times)), "max_s": float(max(times)), "runs": len(times),
            "torch_imported": child["torch"], "scipy_signal_imported": child["scipy_signal"]}


# --- resident memory of a streaming CLI process ------------------------------------------------------------

def measure_rss(bundle_dir: Path, recording: Path, seconds: float = 10.0) -> dict:
    """`aura-edge stream replay://... --json` in real time; VmRSS sampled from /proc every 0.2 s."""
    cmd = [sys.executable, "-m", "aura_edge", "stream", f"replay://{recording}", "--bundle", str(bundle_dir),
           "--json", "--duration", str(seconds)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    samples = []
    while proc.poll() is None:
        try:
            status = Path(f"/proc/{proc.pid}/status").read_text()
            samples.append(int(next(ln.split()[1] for ln in status.splitlines() if ln.startswith("VmRSS"))) / 1024)
        except (OSError, StopIteration):
            pass
        time.sleep(0.2)
    if proc.returncode != 0:
        raise RuntimeError(f"streaming failed: {proc.stderr.read()}")
    return {"max_mb": float(max(samples)), "end_mb": float(samples[-1]), "seconds": seconds}


# --- many wearables on one core ----------------------------------------------------------------------------

def wearables_child(bundle_dir: str, count: int, seconds: float, warmup_s: float = 6.0) -> dict:
    """Runs in its own pinned process: ``count`` simulated wearables at 200 Hz through one stream()."""
    from aura_edge.firmware_bridge.sources import SimSource

    from aura_edge.runtime.stream import StreamConfig, stream

    one_core()
    activities = ["walking", "running", "cycling", "sitting", "jumping", "waving"]
    each = (warmup_s + seconds + 5) / 2  # one recording covers the run: no simulation mid-measurement
    sources = [SimSource([activities[k % 6], activities[(k + 1) % 6]], seconds_each=each, seed=k, speed=1.0,
                         format="frames", loops=0) for k in range(count)]

    class Meter:
        """Counts labels and CPU time over the measured period (after the warm-up)."""

        def __init__(self):
            self.start = self.cpu0 = None
            self.valid = self.hops = 0
            self.intervals, self.last = [], None

        def emit(self, recognitions):
            now = time.monotonic()
            if self.start is None and len({r.source for r in recognitions if r.valid}) == count:
                self.start, self.cpu0 = now, time.process_time()
            elif self.start is not None:
                self.hops += 1
                self.valid += sum(r.valid for r in recognitions)
                self.intervals.append(now - self.last)
            self.last = now

        def event(self, event):
            pass

        def close(self):
            self.end, self.cpu1 = time.monotonic(), time.process_time()

    meter = Meter()
    summary = stream(StreamConfig(bundle=bundle_dir, duration_s=warmup_s + seconds), sink=meter, sources=sources)
    wall = meter.end - meter.start
    expected = count * wall / HOP_S
    samples = [s["samples"] for s in summary.link.values()]
    return {"wearables": count, "measured_s": wall, "cpu_fraction": (meter.cpu1 - meter.cpu0) / wall,
            "labels_fraction": meter.valid / expected, "hop_interval_p99_s": float(np.percentile(meter.intervals, 99)),
            "min_samples_fraction": min(samples) / (200 * (warmup_s + seconds)),
            "latency_p50_ms": float(np.median(summary.latency_ms))}


def measure_wearables(bundle_dir: Path, counts: list[int], seconds: float) -> list[dict]:
    trials = []
    for count in counts:
        out = subprocess.run([sys.executable, __file__, "--child-wearables", str(count), "--seconds", str(seconds),
                              "--bundle", str(bundle_dir)], capture_output=True, text=True, check=True).stdout
        trial = json.loads(out.strip().splitlines()[-1])
        trial["real_time"] = trial["cpu_fraction"] < 0.9 and trial["labels_fraction"] >= 0.95
        trials.append(trial)
        print(f"  {count:3d} wearables: core busy {trial['cpu_fraction']:.0%}, labels {trial['labels_fraction']:.0%} "
              f"of hops, hop p50 {trial['latency_p50_ms']:.1f} ms -> {'real time' if trial['real_time'] else 'NO'}",
              flush=True)
        if not trial["real_time"]:
            break
    return trials


# --- report -----------------------------------------------------------------------------------------------

def check_targets(r: dict) -> dict:
    served = max([t["wearables"] for t in r["wearables"] if t["real_time"]], default=0)
    values = {"hop_p99_ratio": (r["hop"]["hop_ms"]["p99"] / r["hop"]["model_ms"]["p99"], "<="),
              "ready_s": (r["ready"]["median_s"], "<="), "rss_mb": (r["rss"]["max_mb"], "<="),
              "wearables_per_core": (served, ">=")}
    return {name: {"value": v, "target": TARGETS[name], "op": op,
                   "pass": v >= TARGETS[name] if op == ">=" else v <= TARGETS[name]} for name, (v, op) in values.items()}


def machine() -> dict:
    import onnxruntime

    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")),
                 platform.processor())
    return {"cpu": model, "cores_visible": os.cpu_count(), "load_average": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "python": sys.version.split()[0], "onnxruntime": onnxruntime.__version__}


def render_markdown(r: dict) -> str:
    h, t = r["hop"], r["targets"]
    lines = [(f"# Streaming runtime benchmark\n\nModel: {r['bundle']}; ONNX Runtime {h['variant']}, 1 thread, "
              f"one core ({r['machine']['cpu']}, load average {r['machine']['load_average']}).\n"),
             "| measurement | p50 | p99 |", "|---|---|---|",
             f"| model alone, batch 1 | {h['model_ms']['p50']:.2f} ms | {h['model_ms']['p99']:.2f} ms |",
             f"| per hop: resample + inference + scoring | {h['hop_ms']['p50']:.2f} ms | {h['hop_ms']['p99']:.2f} ms |"]
    lines += [f"| - {k} | {v['p50']:.3f} ms | {v['p99']:.3f} ms |" for k, v in h["stages_ms"].items()]
    lines += ["", "| wearables (200 Hz, frames) | core busy | labels / expected | hop p50 | real time |",
              "|---|---|---|---|---|"]
    lines += [f"| {w['wearables']} | {w['cpu_fraction']:.0%} | {w['labels_fraction']:.0%} | "
              f"{w['latency_p50_ms']:.1f} ms | {'yes' if w['real_time'] else 'no'} |" for w in r["wearables"]]
    lines += ["", "| target | value | goal | result |", "|---|---|---|---|"]
    lines += [f"| {name} | {v['value']:.3g} | {v['op']} {v['target']} | {'PASS' if v['pass'] else 'FAIL'} |"
              for name, v in t.items()]
    lines.append(f"\nStart to ready: median {r['ready']['median_s']:.2f} s, max {r['ready']['max_s']:.2f} s over "
                 f"{r['ready']['runs']} fresh processes (torch imported: {r['ready']['torch_imported']}). "
                 f"Resident memory of `aura-edge stream`: max {r['rss']['max_mb']:.0f} MB.")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bundle", default=None,
                        help="bundle to stream with (default: runs/latest/bundle, or a random-weight one)")
    parser.add_argument("--hops", type=int, default=300, help="hops timed for the per-hop latency (default 300)")
    parser.add_argument("--wearables", default="8,16,32,48,64",
                        help="wearable counts tried on one core, comma-separated")
    parser.add_argument("--seconds", type=float, default=12.0, help="measured seconds per wearables trial")
    parser.add_argument("--child-wearables", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_wearables:
        print(json.dumps(wearables_child(args.bundle, args.child_wearables, args.seconds)))
        return 0
    bundle, origin = resolve_bundle(args.bundle)
    print(f"model: {origin}", flush=True)
    cpu = one_core()
    results = {"bundle": origin, "cpu_pinned": cpu, "machine": machine()}
    with tempfile.TemporaryDirectory() as tmp:
        recording = write_recording(Path(tmp) / "walk.npz", seconds=max(60.0, (args.hops + 40) * HOP_S + 10))
        print("per-hop latency ...", flush=True)
        results["hop"] = measure_hops(bundle, recording, args.hops)
        print("start to ready ...", flush=True)
        results["ready"] = measure_ready(bundle, recording)
        print("resident memory ...", flush=True)
        results["rss"] = measure_rss(bundle, recording)
    print("wearables on one core ...", flush=True)
    results["wearables"] = measure_wearables(bundle, [int(n) for n in args.wearables.split(",")], args.seconds)
    results["targets"] = check_targets(results)
    write_results("runtime", results, render_markdown(results))
    print(render_markdown(results))
    for name, target in results["targets"].items():
        print(f"{'PASS' if target['pass'] else 'FAIL'} {name}: {target['value']:.3g} ({target['op']} {target['target']})")
    return 0 if all(t["pass"] for t in results["targets"].values()) else 1


if __name__ == "__main__":
    show_messages()  # progress of training and export, as the CLI shows it
    sys.exit(main())
