"""`aura-edge export`: a training run -> a self-contained bundle directory.

One function per artifact behind a small table (STEPS); each writes its file into the staging
directory and records its manifest entry and measurements on the job. The bundle is built beside
the target and renamed into place only after it has passed the runtime's own loader, so a failed
or interrupted export never leaves a half bundle and never damages an existing one.
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aura_edge import __version__, pretrained
from aura_edge.errors import ConfigError, DataError, RunError
from aura_edge.evaluate import PROMPT_TEMPLATES, label_expansion_for, zero_shot
from aura_edge.export import onnx_export, quantize, tensorrt_build
from aura_edge.export.atomic import file_entry, staged_directory
from aura_edge.export.config import MIN_CALIBRATION_WINDOWS, ExportConfig
from aura_edge.export.label_bank import parse_labels, validate_labels, write_label_bank
from aura_edge.models.imu_transformer import SENVT_SIZES
from aura_edge.runtime.bundle import (BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, LABELS_FILE, MANIFEST_FILE, MODEL_FILES,
                                      REQUIRED_CONTRACT, load_bundle, read_label_bank, sha256_file)
from aura_edge.runtime.engine import exact_int8_engine
from aura_edge.train.checkpoint import load_run
from aura_edge.train.data import load_corpus
from aura_edge.train.run_config import RunConfig

log = logging.getLogger(__name__)

HELD_OUT_WINDOWS = 128  # FP32-vs-INT8 numbers in the manifest; the benchmark uses the whole test split


@dataclass
class ExportJob:
    """What the export steps share: the run, the staging directory, and what they recorded."""

    config: ExportConfig
    run: object                            # train.checkpoint.LoadedRun
    dir: Path
    contract: dict
    labels: list[str]
    models: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    label_entry: dict = field(default_factory=dict)

    def path(self, variant: str) -> Path:
        return self.dir / MODEL_FILES[variant]

    @functools.cached_property
    def corpus(self) -> dict:
        data = self.config.data or self.run.config.data
        log.info(f"loading windows from {data!r} for calibration and held-out checks")
        try:
            return load_corpus(data)
        except (ConfigError, DataError, OSError) as exc:
            raise DataError(f"INT8 export needs the run's training windows, but {data!r} cannot be loaded ({exc}); "
                            "pass --data with the corpus the run was trained on") from exc

    @functools.cached_property
    def held_out(self):
        """Validation windows (not used for calibration) for the FP32-vs-INT8 numbers."""
        split = self.corpus["val"] if len(self.corpus["val"]) else self.corpus["test"]
        keep = np.random.default_rng(1).permutation(len(split))[:HELD_OUT_WINDOWS]
        return split.subset(np.sort(keep))

    @functools.cached_property
    def held_out_fp32(self) -> np.ndarray:
        """FP32 ONNX embeddings of the held-out windows: the reference for every INT8 variant."""
        return onnx_export.embed_onnx(self.path("fp32"), self.held_out.imu)


def export_bundle(config: ExportConfig) -> Path:
    """Export the run in `config` as a bundle; returns the bundle directory. Progress is logged
    (`aura_edge.console`)."""
    run_dir = pretrained.run_path(config.run)
    target = Path(config.out) if config.out else run_dir.resolve() / "bundle"
    pretrained.refuse_builtin_target(target)
    run = load_run(run_dir)
    contract = _contract(run)
    default_labels = list(run.config.labels)
    labels = parse_labels(config.labels) if config.labels is not None else validate_labels(default_labels)
    steps = ["labels", "fp32"] + (["int8", "qdq"] if config.int8 else []) + (["tensorrt"] if config.tensorrt else [])
    started = time.monotonic()
    with staged_directory(target, replace=config.force) as staging:
        job = ExportJob(config, run, staging, contract, labels)
        for name in steps:
            STEPS[name](job)
        _write_manifest(job, time.monotonic() - started)
        for variant in job.models:  # what we ship must load in the runtime, torch-free path included
            if variant != "tensorrt":
                load_bundle(staging, prefer=variant)
    for note in job.notes:
        log.info("note: %s", note)
    return target


def _contract(run) -> dict:
    """The run's input contract, which must be what the streaming runtime feeds."""
    contract = dict(run.config.input_contract)
    for key, expected in REQUIRED_CONTRACT.items():
        if contract.get(key) != expected:
            raise RunError(f"{run.path} was trained with {key}={contract.get(key)!r}, but bundles must take "
                           f"{key}={expected!r}; retrain on canonical windows")
    return {**contract, "input_name": onnx_export.INPUT_NAME, "output_name": onnx_export.OUTPUT_NAME}


# --- one function per artifact -------------------------------------------------------------------

def export_labels(job: ExportJob) -> None:
    spec = job.run.config.text_encoder_spec
    log.info(f"label bank: {len(job.labels)} labels through {spec}")
    templates = job.run.config.prompt_templates or PROMPT_TEMPLATES
    expansion = label_expansion_for(job.run.config, job.config.label_expansion)
    anchors = list(job.run.config.captions)
    if expansion:
        log.info(f"label expansion {expansion:g} toward {len(anchors)} training captions")
    job.label_entry = write_label_bank(job.dir / LABELS_FILE, job.labels, spec, templates, anchors, expansion)
    if job.label_entry["text_encoder"] != job.run.config.text_encoder:
        raise RunError(f"{spec} resolves to {job.label_entry['text_encoder']}, but {job.run.path} was trained "
                       f"against {job.run.config.text_encoder}; install the run's text-encoder weights")
    dim = read_label_bank(job.dir / LABELS_FILE)[1].shape[1]
    if dim != job.contract["embedding_dim"]:
        raise RunError(f"the text encoder makes {dim}-d label embeddings but the model {job.contract['embedding_dim']}"
                       "-d ones; the run's config.json does not match its text encoder")


def export_fp32(job: ExportJob) -> None:
    path = job.path("fp32")
    log.info("exporting FP32 ONNX (dynamic batch) and checking it against PyTorch")
    exporter = onnx_export.export_onnx(job.run.imu_encoder, path)
    onnx_export.check_onnx(path)
    windows = job.held_out.imu[:8] if job.config.int8 else None  # real windows when the corpus is loaded anyway
    parity = onnx_export.parity(job.run.imu_encoder, path, windows)
    if onnx_export.embed_onnx(path, onnx_export.random_windows(1)).shape[1] != job.contract["embedding_dim"]:
        raise RunError(f"the model's embedding size differs from the contract in {job.run.path}/config.json")
    job.models["fp32"] = {"file": path.name, "exporter": exporter, "opset": onnx_export.OPSET}
    job.metrics["fp32_vs_pytorch"] = parity


def export_int8(job: ExportJob) -> None:
    log.info("quantizing INT8 for ONNX Runtime (attention and GELU fused, dynamic per-channel INT8)")
    info = quantize.quantize_dynamic_int8(job.path("fp32"), job.path("int8"), _attention_heads(job.run.config),
                                          job.held_out.imu[:8])
    job.models["int8"] = {"file": job.path("int8").name, **info}
    job.metrics["int8_vs_fp32"] = _fidelity(job, "int8")


def export_qdq(job: ExportJob) -> None:
    train = job.corpus["train"]
    n = min(job.config.calibration_windows, len(train))
    index = np.sort(np.random.default_rng(0).choice(len(train), n, replace=False))
    log.info(f"quantizing INT8 QDQ for TensorRT ({job.config.calibration_method} calibration on {n} training windows)")
    if n < MIN_CALIBRATION_WINDOWS:
        job.notes.append(f"the QDQ model was calibrated on only {n} windows (< {MIN_CALIBRATION_WINDOWS}); "
                         "its activation ranges may be poor")
    info = quantize.quantize_qdq_int8(job.path("fp32"), job.path("qdq"), train.imu[index],
                                      job.config.calibration_method)
    info["calibration"]["source"] = f"{job.config.data or job.run.config.data} (train split)"
    job.models["qdq"] = {"file": job.path("qdq").name, **info}
    job.metrics["qdq_vs_fp32"] = _fidelity(job, "qdq")


def export_tensorrt(job: ExportJob) -> None:
    reason = tensorrt_build.missing_requirement()
    if reason:
        job.notes.append(f"no TensorRT engine was built: {reason}")
        job.metrics["tensorrt"] = {"built": False, "reason": reason}
        return
    log.info("building the TensorRT engine from the QDQ model")
    cache = Path(job.config.tensorrt_cache) if job.config.tensorrt_cache else None
    plan, info = tensorrt_build.build_engine(job.path("qdq"), cache)
    name = f"model.int8.{info['key']}.plan"
    shutil.copyfile(plan, job.dir / name)
    job.models["tensorrt"] = {"file": name, **info}
    job.metrics["tensorrt"] = {"built": True, "cached": info["cached"]}


def _attention_heads(config: RunConfig) -> int:
    """Heads per attention block of the run's IMU encoder (0: no attention to fuse)."""
    encoder = config.imu_encoder
    return SENVT_SIZES[encoder["size"]][1] if encoder.get("family") == "senvt" else 0


STEPS: dict[str, Callable[[ExportJob], None]] = {
    "labels": export_labels, "fp32": export_fp32, "int8": export_int8, "qdq": export_qdq, "tensorrt": export_tensorrt,
}


def _fidelity(job: ExportJob, variant: str) -> dict:
    """INT8 vs FP32 (both on ONNX Runtime) on held-out windows: cosine, and zero-shot agreement.

    The INT8 model runs as the runtime runs it: on a kernel that cannot saturate on this CPU, which
    for the QDQ model also stands in for TensorRT (exact int32 accumulation).
    """
    windows = job.held_out
    ref = job.held_out_fp32
    engine = exact_int8_engine(job.path(variant), job.models[variant]["weight_bits"], threads=0)
    out = onnx_export.embed_onnx(engine, windows.imu)
    cos = onnx_export.cosine(out, ref)
    labels, bank = read_label_bank(job.dir / LABELS_FILE)[:2]
    result = {"windows": len(windows), "int8_path": engine.int8_path, "cosine_mean": float(cos.mean()),
              "cosine_min": float(cos.min()), "max_abs_error": float(np.abs(out - ref).max()),
              "top1_agreement": float(np.mean((ref @ bank.T).argmax(1) == (out @ bank.T).argmax(1)))}
    if set(windows.label.tolist()) <= set(labels):
        result["zero_shot_accuracy"] = {name: zero_shot(e, windows.label, labels, bank).accuracy
                                        for name, e in (("fp32", ref), ("int8", out))}
        result["unknown_below"] = unknown_threshold(out, windows.label, labels, bank)
        result["score_percentiles"] = score_percentiles(out, windows.label, labels, bank)
    return result


def correct_top1(embeddings: np.ndarray, truth, labels: list[str], bank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(top-1 cosine, true label) of the held-out windows the label bank classifies correctly."""
    scores = embeddings @ bank.T
    truth = np.asarray(truth).astype(str)
    correct = np.array(labels)[scores.argmax(axis=1)] == truth
    return scores.max(axis=1)[correct], truth[correct]


def score_percentiles(embeddings: np.ndarray, truth, labels: list[str], bank: np.ndarray) -> dict | None:
    """5th percentile and median of the top-1 cosine of correctly classified held-out windows: the
    scale that classes enrolled from examples are calibrated to (aura_edge.runtime.enrolled)."""
    top1, _ = correct_top1(embeddings, truth, labels, bank)
    if len(top1) < 5:
        return None
    return {"p5": round(float(np.percentile(top1, 5)), 4), "p50": round(float(np.percentile(top1, 50)), 4)}


def unknown_threshold(embeddings: np.ndarray, truth, labels: list[str], bank: np.ndarray,
                      percentile: float = 5.0, min_per_class: int = 3) -> float | None:
    """The runtime's default 'unknown' cut-off for this model (cosine scales differ between models):
    the lowest, over activities, of the 5th percentile of the top-1 cosine of that activity's
    correctly classified held-out windows, so no activity that the model does recognise is
    routinely reported as unknown."""
    top1, truth = correct_top1(embeddings, truth, labels, bank)
    per_class = [np.percentile(top1[truth == label], percentile)
                 for label in labels if (truth == label).sum() >= min_per_class]
    if not per_class:
        return None  # too few correct windows to estimate; the runtime keeps its built-in default
    return round(float(min(per_class)), 4)


def _output_contract(job: ExportJob) -> dict:
    """What the model's output means for the runtime: unit embeddings, and the 'unknown' cut-off
    measured at export (None without INT8 held-out checks; the runtime then keeps its default)."""
    measured = job.metrics.get("int8_vs_fp32", {})
    return {"embedding_dim": job.contract["embedding_dim"], "l2_normalised": True,
            "unknown_below": measured.get("unknown_below"), "score_percentiles": measured.get("score_percentiles")}


def _write_manifest(job: ExportJob, seconds: float) -> None:
    """Contract into every ONNX file, then sha256 of every file, then manifest.json."""
    run_name = job.run.path.resolve().name
    for variant, entry in job.models.items():
        if variant != "tensorrt":
            onnx_export.write_metadata(job.dir / entry["file"], job.contract, {
                "aura_edge.variant": variant, "aura_edge.version": __version__, "aura_edge.run": run_name})
    files = {p.name: file_entry(p) for p in sorted(job.dir.iterdir()) if p.is_file()}
    if "fp32" in job.models and "int8" in job.models:
        job.metrics["int8_to_fp32_size"] = files[MODEL_FILES["int8"]]["bytes"] / files[MODEL_FILES["fp32"]]["bytes"]
    manifest = {
        "format": BUNDLE_FORMAT, "format_version": BUNDLE_FORMAT_VERSION, "aura_edge_version": __version__,
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "export_seconds": round(seconds, 1),
        "run": {"path": str(job.run.path.resolve()), "name": run_name, "imu_encoder": job.run.config.imu_encoder,
                "weights_sha256": sha256_file(job.run.path / "model.safetensors")},
        "input_contract": job.contract, "output_contract": _output_contract(job), "models": job.models,
        "labels": job.label_entry,
        "metrics": job.metrics, "notes": job.notes, "files": files,
    }
    (job.dir / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
