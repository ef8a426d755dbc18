"""The dashboard under load: 32 wearables, with and without ten open browser tabs.

    python benchmarks/bench_web.py [--wearables 32] [--tabs 10] [--seconds 40]

Each run streams the same recordings (replayed in real time, one per wearable, through the
built-in bundle) with `--web`; the second run also keeps `--tabs` headless Chromium pages open on
the dashboard. Compared: per-hop latency (resample + inference + scoring of all wearables), the
labels produced (by each wearable at each hop time both runs share), and what the tabs received.
Also saves docs/dashboard.png, the README's screenshot. Writes benchmarks/results/web.{json,md}.
Needs the web extra, playwright and a Chromium (`apt-get install chromium`).
"""

from __future__ import annotations

import argparse
import platform
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from results_files import write_results

from aura_edge.console import show_messages

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "dashboard.png"


class Keep:
    """A sink that keeps every valid recognition: (source, hop time rounded) -> (label, raw label)."""

    def __init__(self) -> None:
        self.labels, self.latency_ms = {}, []

    def emit(self, recognitions) -> None:
        for r in recognitions:
            if r.valid:
                self.labels[(r.source, round(r.t_s, 1))] = (r.label, r.raw_label)
        if recognitions:
            self.latency_ms.append(recognitions[0].latency_ms)

    def event(self, event) -> None:
        pass

    def close(self) -> None:
        pass


def recordings(folder: Path, count: int, seconds: float) -> list[str]:
    from aura_edge.synth import ACTIVITIES, simulate_recording

    specs = []
    for k in range(count):
        acts = [ACTIVITIES[(3 * k) % len(ACTIVITIES)], ACTIVITIES[(3 * k + 7) % len(ACTIVITIES)]]
        t, imu, _ = simulate_recording(acts, seconds / 2, seed=k)
        np.savez(folder / f"w{k:02d}.npz", imu=imu, t_s=t, rate_hz=200.0)
        specs.append(f"replay://{folder / f'w{k:02d}.npz'}")
    return specs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(specs: list[str], seconds: float, tabs: int, chromium: str | None, screenshot: Path | None,
        speed: float = 1.0) -> dict:
    from aura_edge.runtime.stream import StreamConfig, stream

    port, sink = free_port(), Keep()
    config = StreamConfig(specs, bundle="pretrained", web=f"127.0.0.1:{port}", duration_s=seconds if speed else None,
                          speed=speed)
    thread = threading.Thread(target=stream, args=(config,), kwargs={"sink": sink}, daemon=True)
    thread.start()
    received = browse(port, tabs, seconds, chromium, screenshot) if tabs else {}
    thread.join()
    lat = np.array(sink.latency_ms[10:] if len(sink.latency_ms) > 20 else sink.latency_ms)   # after the first fill
    return {"tabs": tabs, "hops": len(lat), "hop_ms_median": float(np.median(lat)), "hop_ms_p95": float(np.percentile(lat, 95)),
            "hop_ms_p99": float(np.percentile(lat, 99)), "labels": sink.labels, **received}


def browse(port: int, tabs: int, seconds: float, chromium: str, screenshot: Path | None) -> dict:
    from playwright.sync_api import sync_playwright

    time.sleep(1.0)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        pages = [browser.new_page(viewport={"width": 1500, "height": 950}) for _ in range(tabs)]
        for page in pages:
            page.goto(f"http://127.0.0.1:{port}/")
        time.sleep(max(1.0, seconds - 6))
        updates = [page.evaluate("window.updates || 0") for page in pages]
        if screenshot is not None:
            pages[0].screenshot(path=str(screenshot))
        browser.close()
    return {"updates_per_tab": updates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wearables", type=int, default=32)
    parser.add_argument("--tabs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40.0)
    args = parser.parse_args()
    show_messages()
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)
    if chromium is None:
        raise SystemExit("needs Chromium: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        specs = recordings(Path(tmp), args.wearables, args.seconds + 20)
        alone = run(specs, args.seconds, 0, chromium, None)
        watched = run(specs, args.seconds, args.tabs, chromium, SCREENSHOT)
        # As fast as possible, windows are cut at the same data times whatever the load: exact comparison.
        fast = [run(specs, args.seconds, tabs, chromium, None, speed=0) for tabs in (0, args.tabs)]
    exact = sorted(set(fast[0]["labels"]) & set(fast[1]["labels"]))
    exact_same = sum(fast[0]["labels"][k] == fast[1]["labels"][k] for k in exact)
    shared = sorted(set(alone["labels"]) & set(watched["labels"]))
    same = sum(alone["labels"][k][0] == watched["labels"][k][0] for k in shared)
    same_raw = sum(alone["labels"][k][1] == watched["labels"][k][1] for k in shared)
    result = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "wearables": args.wearables,
              "seconds": args.seconds, "runs": [{k: v for k, v in r.items() if k != "labels"} for r in (alone, watched)],
              "shared_hops": len(shared), "same_labels": same, "same_raw_labels": same_raw,
              "as_fast_as_possible": {"windows": len(exact), "windows_only_in_one_run": len(set(fast[0]["labels"])
                                                                                         ^ set(fast[1]["labels"])),
                                      "identical_labels": exact_same}}
    lines = [f"# Dashboard load: {args.wearables} wearables, with and without {args.tabs} browser tabs", "",
             (f"{args.seconds:g} s of real-time replay through the built-in bundle with `--web`, on {result['machine']}; "
              "hop latency is the whole hop for all wearables (resample, inference, scoring)."), "",
             "| tabs | hops | hop median ms | hop p95 ms | hop p99 ms | updates per tab |", "|---|---|---|---|---|---|"]
    for r in result["runs"]:
        updates = f"{min(r['updates_per_tab'])}-{max(r['updates_per_tab'])}" if r.get("updates_per_tab") else "-"
        lines.append(f"| {r['tabs']} | {r['hops']} | {r['hop_ms_median']:.1f} | {r['hop_ms_p95']:.1f} | "
                     f"{r['hop_ms_p99']:.1f} | {updates} |")
    lines += ["", (f"At the {len(shared)} (wearable, window end) pairs both runs produced, the model's own label "
                   f"(before smoothing) is identical in {same_raw}, the shown (smoothed) label in {same}: smoothing "
                   "runs over hops, and a slower hop loop makes fewer of them. The tabs run on the same 2 cores as "
                   "the stream."), "",
              (f"Replayed as fast as possible (windows cut at the same data times whatever the load), with and "
               f"without the tabs: {exact_same} of {len(exact)} windows get identical labels, raw and smoothed; "
               f"{result['as_fast_as_possible']['windows_only_in_one_run']} windows occur in one run only."), ""]
    print("\n".join(lines))
    write_results("web", result, "\n".join(lines))


if __name__ == "__main__":
    main()
