"""Package a finished run as the built-in model: `python -m aura_edge.export.pretrained RUN`.

Writes aura_edge/pretrained/ (see its __init__): the run's INT8 bundle without the FP32 ONNX, and
the run itself with FP16 weights. FP16 is kept only if it is measured lossless on held-out
windows (the numbers go into the bundle manifest's "model" record). Both directories are built
and verified in a temporary directory, then copied over the old ones.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from aura_edge import pretrained
from aura_edge.console import show_messages
from aura_edge.errors import RunError
from aura_edge.evaluate import run_label_bank, zero_shot
from aura_edge.export.atomic import file_entry
from aura_edge.export.bundle import export_bundle
from aura_edge.export.config import ExportConfig
from aura_edge.export.onnx_export import cosine
from aura_edge.models import embed_imu
from aura_edge.models.frozen import load_text_encoder
from aura_edge.runtime.bundle import MANIFEST_FILE, MODEL_FILES, load_bundle
from aura_edge.train.checkpoint import CONFIG_FILE, WEIGHTS_FILE, load_run, read_config
from aura_edge.train.data import load_corpus

log = logging.getLogger(__name__)

MODEL_NAME = "aura-edge-senvt-ss-synth"
FP16_MIN_COSINE = 0.999   # FP16 weights must give the same embeddings as FP32 to within this


def package(run_dir: Path, dest: Path = pretrained.ROOT, check_windows: int = 512) -> dict:
    """Write ``dest``/bundle and ``dest``/run from ``run_dir``; returns the "model" record.

    Everything is built and verified in a temporary directory first; a failure leaves ``dest`` as it was.
    """
    config = read_config(run_dir)
    with tempfile.TemporaryDirectory() as tmp:
        full = export_bundle(ExportConfig(run=str(run_dir), int8=True, out=str(Path(tmp) / "full")))
        run_out, bundle_out = Path(tmp) / "run", Path(tmp) / "bundle"
        run_out.mkdir(), bundle_out.mkdir()
        _write_run(run_dir, run_out)
        record = _model_record(run_dir, config, fp16_fidelity(run_dir, run_out, check_windows))
        _write_bundle(full, bundle_out, record, run_out)
        load_bundle(bundle_out)   # what ships must load through the runtime's own verifier
        for name, built in (("run", run_out), ("bundle", bundle_out)):
            shutil.rmtree(dest / name, ignore_errors=True)
            shutil.copytree(built, dest / name)
    return record


def _write_run(run_dir: Path, out: Path) -> None:
    """config.json as trained, the IMU encoder's weights in FP16, and the checksums of both."""
    shutil.copyfile(run_dir / CONFIG_FILE, out / CONFIG_FILE)
    tensors = load_file(str(run_dir / WEIGHTS_FILE))
    keep = {k: (v.half() if v.is_floating_point() else v) for k, v in tensors.items()
            if k.startswith(("imu.", "loss."))}   # the mocap encoder is not shipped; temperatures help --init
    save_file(keep, str(out / WEIGHTS_FILE), metadata={"dtype": "float16", "source": run_dir.resolve().name})
    files = {name: file_entry(out / name) for name in (CONFIG_FILE, WEIGHTS_FILE)}
    (out / pretrained.CHECKSUMS_FILE).write_text(json.dumps({"files": files}, indent=2) + "\n")


def fp16_fidelity(run_dir: Path, fp16_dir: Path, windows: int) -> dict:
    """FP32 vs FP16 weights on held-out test windows: embedding cosine and zero-shot macro-F1."""
    fp32, fp16 = load_run(run_dir), load_run(fp16_dir)
    test = load_corpus(fp32.config.data)["test"]
    test = test.subset(np.sort(np.random.default_rng(0).permutation(len(test))[:windows]))
    with torch.inference_mode():
        a, b = embed_imu(fp32.imu_encoder, test.imu), embed_imu(fp16.imu_encoder, test.imu)
    cos = cosine(a, b)
    labels = list(fp32.config.labels)
    bank = run_label_bank(load_text_encoder(fp32.config.text_encoder_spec), labels, fp32.config)
    f1 = {name: round(zero_shot(e, test.label, labels, bank).macro_f1, 4) for name, e in (("fp32", a), ("fp16", b))}
    result = {"windows": len(test), "cosine_mean": float(cos.mean()), "cosine_min": float(cos.min()),
              "macro_f1": f1}
    if result["cosine_min"] < FP16_MIN_COSINE:
        raise RunError(f"FP16 weights change the embeddings (min cosine {result['cosine_min']:.5f} < "
                       f"{FP16_MIN_COSINE}); ship FP32 weights instead")
    return result


def _model_record(run_dir: Path, config, fidelity: dict) -> dict:
    """Which model and corpus the built-in files are: the provenance the manifest carries."""
    metrics = [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines() if line.strip()]
    best = max(metrics, key=lambda m: m["val_macro_f1"]) if metrics else {}
    return {"name": MODEL_NAME, "architecture": config.model_name, "text_encoder": config.text_encoder,
            "source_run": run_dir.resolve().name, "command": config.command, "corpus": config.data,
            "corpus_version": f"aura-edge {config.aura_edge_version} synthetic corpus",
            "seed": config.train.get("seed"), "epochs": config.train.get("epochs"),
            "trained_on": config.trained_on, "trained_with": config.aura_edge_version,
            "best_epoch": best.get("epoch"), "best_val_macro_f1": best.get("val_macro_f1"),
            "weights": {"file": f"run/{WEIGHTS_FILE}", "dtype": "float16", "fp16_vs_fp32": fidelity},
            "packaged_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def _write_bundle(full: Path, out: Path, record: dict, run_stage: Path) -> None:
    """The exported bundle without its FP32 ONNX (the INT8 models are what runs on a device)."""
    manifest = json.loads((full / MANIFEST_FILE).read_text())
    dropped = MODEL_FILES["fp32"]
    manifest["models"].pop("fp32", None)
    manifest["files"].pop(dropped, None)
    for name in manifest["files"]:
        shutil.copyfile(full / name, out / name)
    manifest["run"] = {**manifest["run"], "path": f"{pretrained.NAME} (aura_edge/pretrained/run)",
                       "weights_sha256": file_entry(run_stage / WEIGHTS_FILE)["sha256"]}
    manifest["model"] = record
    note = f"{dropped} is not shipped, to keep the package small; `aura-edge export --run pretrained --out DIR` writes it"
    manifest["notes"] = [*manifest.get("notes", []), note]
    (out / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="finished run directory (e.g. runs/release)")
    parser.add_argument("--dest", type=Path, default=pretrained.ROOT, help="where bundle/ and run/ go")
    args = parser.parse_args(argv)
    show_messages()
    record = package(args.run, args.dest)
    print(json.dumps(record, indent=2))


if __name__ == "__main__":
    main()
