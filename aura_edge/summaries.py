"""What `aura-edge train`, `export` and `demo` print when they finish: short summaries read back
from the files a run or a bundle wrote (report.json, manifest.json)."""

from __future__ import annotations

import json
from pathlib import Path

import click


def print_report_summary(run_dir: Path) -> None:
    """Held-out zero-shot and retrieval of a run and its baseline, from its report.json."""
    report = json.loads((Path(run_dir) / "report.json").read_text())
    click.echo(f"\nHeld-out subjects ({report['test_windows']} windows), zero-shot over "
               f"{report['models'][0]['zero_shot']['classes']} activities:")
    for m in report["models"]:
        z = m["zero_shot"]
        r = {x["direction"]: x for x in m["retrieval"]}["imu->text"]
        click.echo(f"  {m['model']:<10} {m['parameters'] / 1e6:5.2f} M params  accuracy {z['accuracy']:.3f}  "
                   f"macro-F1 {z['macro_f1']:.3f}  IMU->text R@1 {r['R@1']:.3f} MRR {r['MRR']:.3f} (N={r['N']})")
    click.echo(f"report: {Path(run_dir) / 'report.md'}")


def print_bundle_summary(bundle_dir: Path) -> None:
    """Files, sizes and the FP32/INT8 measurements of an exported bundle, from its manifest."""
    manifest = json.loads((Path(bundle_dir) / "manifest.json").read_text())
    total = sum(entry["bytes"] for entry in manifest["files"].values())
    click.echo(f"\nbundle: {bundle_dir} ({total / 1e6:.1f} MB)")
    for name, entry in manifest["files"].items():
        click.echo(f"  {name:<34} {entry['bytes'] / 1e6:7.2f} MB")
    metrics = manifest["metrics"]
    parity = metrics["fp32_vs_pytorch"]
    click.echo(f"FP32 vs PyTorch (batch {', '.join(map(str, parity['batch_sizes']))}): max abs error "
               f"{parity['max_abs_error']:.1e}, min cosine {parity['min_cosine']:.6f}")
    for key, title in (("int8_vs_fp32", "INT8 (ORT)"), ("qdq_vs_fp32", "INT8 QDQ (TensorRT)")):
        if key in metrics:
            m = metrics[key]
            click.echo(f"{title:<20} vs FP32 on {m['windows']} held-out windows: cosine mean {m['cosine_mean']:.5f} "
                       f"min {m['cosine_min']:.5f}, top-1 agreement {m['top1_agreement']:.3f}")
    if "int8_to_fp32_size" in metrics:
        click.echo(f"INT8 model size: {metrics['int8_to_fp32_size']:.2f}x FP32")
