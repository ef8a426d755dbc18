"""What the simulator's virtual IMUs read, for comparison with published biomechanics (docs/realism.md).

    python benchmarks/bench_realism.py [--people 8] [--seconds 20]

For each activity and placement in CHECKS: the step or repetition rate (the dominant frequency of
the specific-force magnitude, times the events per cycle), and the specific-force magnitude
(|a|, gravity included, in g) and angular-rate magnitude (deg/s) percentiles over several simulated
people, read by an ideal sensor (before any device's range, filter or noise). Writes
benchmarks/results/realism.{json,md}.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
from results_files import write_results

from aura_edge.signals import GRAVITY_MS2

# (activity, placement, events per cycle of |a| at that placement: 1 when |a| repeats once per
# step or repetition; what the rate is reported as)
CHECKS = (
    ("walking", "waist", 1, "steps/min"), ("walking", "ankle", 2, "steps/min"),
    ("walking", "left_wrist", 1, "steps/min"), ("walking", "head", 1, "steps/min"),
    ("walking slowly", "waist", 1, "steps/min"), ("walking briskly", "waist", 1, "steps/min"),
    ("running", "waist", 1, "steps/min"), ("running", "ankle", 2, "steps/min"), ("running", "head", 1, "steps/min"),
    ("running", "left_wrist", 1, "steps/min"),
    ("climbing stairs", "waist", 1, "steps/min"), ("going down stairs", "waist", 1, "steps/min"),
    ("jumping", "waist", 1, "jumps/min"), ("jumping", "ankle", 1, "jumps/min"),
    ("jumping rope", "waist", 1, "jumps/min"), ("cycling", "ankle", 1, "rpm"),
    ("swinging a racket", "right_wrist", 1, "strokes/min"), ("boxing", "right_wrist", 1, "punches/min"),
    ("squatting", "waist", 1, "reps/min"), ("standing up and sitting down", "waist", 0.5, "reps/min"),
    ("bicep curl", "left_wrist", 1, "reps/min"), ("lateral raise", "left_wrist", 1, "reps/min"),
    ("jumping jack", "waist", 1, "reps/min"),
)


def measure(activity: str, placement: str, people: int, seconds: float) -> dict:
    from aura_edge.synth.body_sim import MARGIN_S, SIM_RATE_HZ, generate_pose, ideal_streams, place_body
    from aura_edge.synth.subjects import make_subject

    acc, gyro, freqs = [], [], []
    for pid in range(people):
        subject, rng = make_subject(0, 500 + pid), np.random.default_rng(pid)
        margin = int(MARGIN_S * SIM_RATE_HZ)
        n = int(seconds * SIM_RATE_HZ) + 2 * margin
        pose = generate_pose(subject, activity, (np.arange(n) - margin) / SIM_RATE_HZ, rng)
        kin, root = place_body(pose, subject, n)
        imu, _ = ideal_streams(kin, root, subject, [placement], margin)[placement]
        a = np.linalg.norm(imu[:, :3], axis=1) / GRAVITY_MS2
        acc.append(a)
        gyro.append(np.degrees(np.linalg.norm(imu[:, 3:], axis=1)))
        spectrum = np.abs(np.fft.rfft(a - a.mean()))
        f = np.fft.rfftfreq(len(a), 1 / SIM_RATE_HZ)
        band = (f > 0.15) & (f < 6.0)
        freqs.append(f[band][np.argmax(spectrum[band])])
    acc, gyro = np.concatenate(acc), np.concatenate(gyro)
    return {"acc_g": {"p50": float(np.percentile(acc, 50)), "p99": float(np.percentile(acc, 99)),
                      "max": float(acc.max())},
            "gyro_dps": {"p50": float(np.percentile(gyro, 50)), "p99": float(np.percentile(gyro, 99)),
                         "max": float(gyro.max())},
            "rate_hz": [float(x) for x in freqs]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=8, help="simulated people per activity and placement (default 8)")
    parser.add_argument("--seconds", type=float, default=20.0, help="simulated seconds per person (default 20)")
    args = parser.parse_args()
    rows = []
    for activity, placement, events, unit in CHECKS:
        m = measure(activity, placement, args.people, args.seconds)
        per_min = 60.0 * np.array(m["rate_hz"]) * events
        rows.append({"activity": activity, "placement": placement, "unit": unit,
                     "rate_median": float(np.median(per_min)),
                     "rate_range": [float(per_min.min()), float(per_min.max())],
                     **m})
        print(f"{activity:28s} {placement:12s} {np.median(per_min):6.0f} {unit:12s} |a| p99 {m['acc_g']['p99']:.2f} g "
              f"max {m['acc_g']['max']:.2f} g  |w| p99 {m['gyro_dps']['p99']:.0f} deg/s", flush=True)
    result = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "people": args.people,
              "seconds": args.seconds, "rows": rows}
    write_results("realism", result, render_markdown(result))


def render_markdown(result: dict) -> str:
    lines = ["# Simulated IMU magnitudes and rates (ideal sensor, before device ranges)", "",
             f"{result['people']} simulated people x {result['seconds']:g} s each; rate = dominant frequency of "
             "|a| times the events (steps, jumps, reps) per cycle of |a| at that placement. Compare with "
             "docs/realism.md.", "",
             "| activity | placement | rate (median, range) | \\|a\\| p50 / p99 / max (g) "
             "| \\|ω\\| p50 / p99 / max (deg/s) |",
             "|---|---|---|---|---|"]
    for r in result["rows"]:
        a, w = r["acc_g"], r["gyro_dps"]
        lines.append(f"| {r['activity']} | {r['placement']} | {r['rate_median']:.0f} {r['unit']} "
                     f"({r['rate_range'][0]:.0f}-{r['rate_range'][1]:.0f}) | {a['p50']:.2f} / {a['p99']:.2f} / "
                     f"{a['max']:.2f} | {w['p50']:.0f} / {w['p99']:.0f} / {w['max']:.0f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
