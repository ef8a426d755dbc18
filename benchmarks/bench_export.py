"""Export benchmark: INT8 vs FP32 fidelity, zero-shot accuracy, batch-1 latency and file sizes.

    python benchmarks/bench_export.py [--run runs/latest] [--runs 500]

Trains nothing. Exports the run (or, when there is none, a random-weight SENvT-SS, which makes
the accuracy numbers meaningless but keeps fidelity, latency and size honest), then measures on
the held-out test split. Latency is one window, one thread, batch 1, with every variant timed in
round-robin so that load from other processes hits all of them alike.

INT8 numbers depend on the CPU (runtime/cpu.py: U8S8 saturates on x86 without VNNI), so results
go to benchmarks/results/export-<kind>.json and .md, one pair per machine kind (x86-avx2,
x86-avx512-vnni-amx, ...); the table also shows 8-bit weights on this CPU's fast and exact
kernels, next to the shipped 7-bit ones. Prints PASS/FAIL per target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from results_files import write_results

from aura_edge.console import show_messages

TARGETS = {"int8_cosine_mean": 0.995, "int8_cosine_min": 0.99, "qdq_cosine_min": 0.98, "qdq_top1_agreement": 0.98,
           "accuracy_drop_points": 1.0, "int8_latency_ratio": 0.3, "int8_size_ratio": 0.35}


def main() -> int:
    args = _parse_args()
    import torch
    from aura_edge.export import ExportConfig, export_bundle

    with tempfile.TemporaryDirectory() as tmp:
        run_dir, source = _resolve_run(Path(args.run), Path(tmp))
        print(f"model: {source}")
        started = time.monotonic()
        bundle = export_bundle(ExportConfig(run=str(run_dir), out=str(Path(tmp) / "bundle"), int8=True,
                                            calibration_windows=args.calibration_windows))
        export_s = time.monotonic() - started
        results = measure(run_dir, bundle, args, torch)
        results.update(model=source, export_seconds=round(export_s, 1), machine=_machine(torch))
    results["targets"] = check_targets(results)
    write_results(f"export-{results['machine']['kind']}", results, render_markdown(results))
    print(render_markdown(results))
    return 0 if all(t["pass"] for t in results["targets"].values()) else 1


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", default="runs/latest", help="training run to export (default: runs/latest)")
    parser.add_argument("--runs", type=int, default=500, help="timed runs per variant (after 20 warm-up runs)")
    parser.add_argument("--calibration-windows", type=int, default=256,
                        help="training windows that calibrate INT8 (default 256)")
    parser.add_argument("--max-windows", type=int, default=2000, help="cap on held-out windows for accuracy")
    return parser.parse_args()


def _resolve_run(run: Path, tmp: Path) -> tuple[Path, str]:
    if (run / "config.json").is_file() and (run / "model.safetensors").is_file():
        return run.resolve(), f"trained run {run.resolve()}"
    return _random_run(tmp / "random-run"), (f"no run at {run}: a random-weight SENvT-SS (accuracy numbers are "
                                             "meaningless; fidelity, latency and size are not)")


def _random_run(path: Path) -> Path:
    """A run directory holding an untrained SENvT-SS, calibrated and evaluated on the synthetic corpus."""
    import torch

    from aura_edge.models import build_encoder, imu_encoder_config
    from aura_edge.train import checkpoint as ckpt
    from aura_edge.train.data import load_corpus

    torch.manual_seed(0)
    encoder = build_encoder(imu_encoder_config("senvt", "SS", 384)).eval()
    return ckpt.save_untrained_run(path, encoder, load_corpus("synth")["train"].labels, "synth")


def measure(run_dir: Path, bundle: Path, args, torch) -> dict:
    from aura_edge.runtime.bundle import load_bundle
    from aura_edge.train.checkpoint import load_run
    from aura_edge.train.data import load_corpus

    run = load_run(run_dir)
    test = load_corpus(run.config.data)["test"]
    test = test.subset(np.sort(np.random.default_rng(0).permutation(len(test))[:args.max_windows]))
    loaded = load_bundle(bundle)
    engines = {v: load_bundle(bundle, prefer=v).engine for v in ("fp32", "int8", "qdq")}
    engines["int8_unfused"] = _unfused_int8(bundle)
    engines.update(_eight_bit_int8(bundle, run.config, test.imu[:8]))
    embeddings = {"pytorch": _embed_torch(run.imu_encoder, test.imu, torch)}
    embeddings.update({name: _batched(engine.embed, test.imu) for name, engine in engines.items()})
    files = ("model.onnx", "model.int8.onnx", "model.int8.qdq.onnx")
    sizes = {name: (bundle / name).stat().st_size for name in files}
    sizes["model.int8.unfused.onnx"] = engines["int8_unfused"].path.stat().st_size
    sizes["model.int8.8bit.onnx"] = engines["int8_8bit_u8s8"].path.stat().st_size
    fp32_scores = embeddings["fp32"] @ loaded.label_bank.T
    return {"test_windows": len(test), "labels": len(loaded.labels),
            "int8_paths": {name: getattr(engine, "int8_path", "") for name, engine in engines.items()},
            "schemes": {v: loaded.manifest["models"][v] for v in ("int8", "qdq")},
            "fidelity_vs_fp32": {name: _cosine_stats(emb, embeddings["fp32"], fp32_scores, loaded.label_bank)
                                 for name, emb in embeddings.items() if name != "fp32"},
            "zero_shot_accuracy": _zero_shot(embeddings, test, loaded),
            "latency_runs": args.runs,
            "latency_ms": _latency(run.imu_encoder, engines, test.imu[:1], args.runs, torch),
            "file_bytes": sizes,
            "manifest_metrics": json.loads((bundle / "manifest.json").read_text())["metrics"]}


def _unfused_int8(bundle: Path):
    """Dynamic INT8 without the attention/GELU fusion, to show what the fusion buys (not shipped)."""
    from aura_edge.export import quantize

    from aura_edge.runtime.engine import OnnxEngine

    path = bundle.parent / "model.int8.unfused.onnx"
    quantize.quantize_dynamic_int8(bundle / "model.onnx", path)
    return OnnxEngine(path)


def _eight_bit_int8(bundle: Path, config: dict, check_windows) -> dict:
    """The CPU model with 8-bit weights as shipped before 7-bit ones, on the fast and the exact kernel."""
    from aura_edge.export import quantize
    from aura_edge.export.bundle import _attention_heads

    from aura_edge.runtime.cpu import EXACT_U8U8_OPTION
    from aura_edge.runtime.engine import OnnxEngine

    path = bundle.parent / "model.int8.8bit.onnx"
    quantize.quantize_dynamic_int8(bundle / "model.onnx", path, _attention_heads(config), check_windows, weight_bits=8)
    return {"int8_8bit_u8s8": OnnxEngine(path, int8_path="U8S8 with 8-bit weights (forced)"),
            "int8_8bit_u8u8": OnnxEngine(path, session_config=dict([EXACT_U8U8_OPTION]),
                                         int8_path="U8U8 with 8-bit weights (forced)")}


def _embed_torch(encoder, windows, torch, batch: int = 256) -> np.ndarray:
    with torch.inference_mode():
        return np.concatenate([encoder(torch.from_numpy(windows[s:s + batch])).numpy()
                               for s in range(0, len(windows), batch)])


def _batched(embed, windows, batch: int = 64) -> np.ndarray:
    return np.concatenate([embed(windows[s:s + batch]) for s in range(0, len(windows), batch)])


def _cosine_stats(a: np.ndarray, b: np.ndarray, b_scores: np.ndarray, bank: np.ndarray) -> dict:
    """Cosine of each embedding to its reference, and how often both pick the same label."""
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return {"cosine_mean": float(cos.mean()), "cosine_min": float(cos.min()),
            "max_abs_error": float(np.abs(a - b).max()),
            "top1_agreement": float(np.mean((a @ bank.T).argmax(1) == b_scores.argmax(1)))}


def _zero_shot(embeddings: dict, test, loaded) -> dict:
    from aura_edge.evaluate import zero_shot

    labels = loaded.labels
    keep = np.isin(test.label, labels)  # a user label set may not cover every test activity
    return {name: zero_shot(emb[keep], test.label[keep], labels, loaded.label_bank).accuracy
            for name, emb in embeddings.items()}


def _latency(encoder, engines: dict, window: np.ndarray, runs: int, torch) -> dict:
    """p50/p99 ms of one batch-1 window per variant, timed round-robin after a warm-up.

    "x_eager" is the median over rounds of (variant time / eager time in the same round): on a
    shared machine the load drifts, and a paired ratio cancels most of that drift.
    """
    torch.set_num_threads(1)
    x_torch = torch.from_numpy(np.ascontiguousarray(window))
    calls = {"pytorch_eager_fp32": lambda: encoder(x_torch)}
    calls.update({f"ort_{name}": (lambda e=engine: e.embed(window)) for name, engine in engines.items()})
    times = {name: [] for name in calls}
    with torch.inference_mode():
        for i in range(20 + runs):
            for name, call in calls.items():
                start = time.perf_counter()
                call()
                if i >= 20:
                    times[name].append(time.perf_counter() - start)
    eager = np.asarray(times["pytorch_eager_fp32"])
    return {name: {"p50": float(np.median(t) * 1e3), "p99": float(np.percentile(t, 99) * 1e3),
                   "x_eager": float(np.median(np.asarray(t) / eager))}
            for name, t in times.items()}


def check_targets(r: dict) -> dict:
    acc = r["zero_shot_accuracy"]
    fid = r["fidelity_vs_fp32"]
    values = {
        "int8_cosine_mean": (fid["int8"]["cosine_mean"], ">="),
        "int8_cosine_min": (fid["int8"]["cosine_min"], ">="),
        "qdq_cosine_min": (fid["qdq"]["cosine_min"], ">="),
        "qdq_top1_agreement": (fid["qdq"]["top1_agreement"], ">="),
        "accuracy_drop_points": (100 * (acc["fp32"] - acc["int8"]), "<="),
        "int8_latency_ratio": (r["latency_ms"]["ort_int8"]["x_eager"], "<="),
        "int8_size_ratio": (r["file_bytes"]["model.int8.onnx"] / r["file_bytes"]["model.onnx"], "<="),
    }
    return {name: {"value": v, "target": TARGETS[name], "op": op,
                   "pass": v >= TARGETS[name] if op == ">=" else v <= TARGETS[name]}
            for name, (v, op) in values.items()}


def _machine(torch) -> dict:
    import onnxruntime

    from aura_edge.runtime.cpu import cpu_int8

    cpu = cpu_int8()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else ""
    return {"cpu": cpu.model or platform.processor(), "cpu_flags": " ".join(cpu.flags), "kind": cpu.kind,
            "u8s8_saturates": cpu.u8s8_saturates, "cores": os.cpu_count(), "load_average": load,
            "python": sys.version.split()[0], "torch": torch.__version__, "onnxruntime": onnxruntime.__version__}


def render_markdown(r: dict) -> str:
    lat, fid, acc, size = r["latency_ms"], r["fidelity_vs_fp32"], r["zero_shot_accuracy"], r["file_bytes"]
    rows = [("PyTorch eager FP32", "pytorch_eager_fp32", "pytorch", None),
            ("ORT FP32", "ort_fp32", "fp32", "model.onnx"),
            ("ORT INT8 dynamic, fused, 7-bit weights (model.int8.onnx)", "ort_int8", "int8", "model.int8.onnx"),
            ("ORT INT8 dynamic, unfused (not shipped)", "ort_int8_unfused", "int8_unfused", "model.int8.unfused.onnx"),
            ("ORT INT8 fused, 8-bit weights, U8S8 kernel (not shipped)", "ort_int8_8bit_u8s8", "int8_8bit_u8s8",
             "model.int8.8bit.onnx"),
            ("ORT INT8 fused, 8-bit weights, U8U8 kernel (not shipped)", "ort_int8_8bit_u8u8", "int8_8bit_u8u8",
             "model.int8.8bit.onnx"),
            ("ORT INT8 QDQ (model.int8.qdq.onnx), as the runtime runs it", "ort_qdq", "qdq", "model.int8.qdq.onnx")]
    m = r["machine"]
    saturates = "saturates with 8-bit weights" if m["u8s8_saturates"] else "does not saturate"
    lines = [f"# Export benchmark: {m['kind']}\n", f"Model: {r['model']}  ",
             (f"Held-out windows: {r['test_windows']}, {r['labels']} labels. Machine: {m['cpu']} "
              f"({m['cpu_flags'] or 'no AVX2'}; kind {m['kind']}: ONNX Runtime's U8S8 kernel {saturates}), "
              f"{m.get('cores', '?')} cores, load average {m['load_average']}; torch {m['torch']}, "
              f"onnxruntime {m['onnxruntime']}. Export took {r['export_seconds']} s.\n"),
             "INT8 paths on this machine: " + "; ".join(f"{k}: {v}" for k, v in r["int8_paths"].items() if v) + ".\n",
             (f"Latency: one window, one thread, batch 1, {r['latency_runs']} round-robin rounds after warm-up; "
              "x eager = median over rounds of the time ratio to PyTorch eager in the same round. "
              "Top-1 = share of held-out windows whose best label matches FP32's.\n"),
             "| variant | p50 ms | p99 ms | x eager | cosine vs FP32 mean / min | top-1 = FP32 | zero-shot acc | size MB |",
             "|---|---|---|---|---|---|---|---|"]
    for title, lat_key, emb_key, file in rows:
        f = fid.get(emb_key)
        cos = f"{f['cosine_mean']:.5f} / {f['cosine_min']:.5f}" if f else "1 (reference)"
        top1 = f"{f['top1_agreement']:.4f}" if f else "1"
        mb = f"{size[file] / 1e6:.2f}" if file else "-"
        lines.append(f"| {title} | {lat[lat_key]['p50']:.2f} | {lat[lat_key]['p99']:.2f} | "
                     f"{lat[lat_key]['x_eager']:.2f} | {cos} | {top1} | {acc[emb_key]:.4f} | {mb} |")
    lines += ["", "| target | value | required | result |", "|---|---|---|---|"]
    for name, t in r["targets"].items():
        lines.append(f"| {name} | {t['value']:.4f} | {t['op']} {t['target']} | {'PASS' if t['pass'] else 'FAIL'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    show_messages()  # progress of training and export, as the CLI shows it
    sys.exit(main())
