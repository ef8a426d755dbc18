"""Load an exported bundle and refuse it unless every file and the input contract check out.

A bundle directory (written by `aura-edge export`):

  model.onnx            FP32 IMU encoder, (batch, 6, 1000) -> (batch, D), input scaling inside
  model.int8.onnx       INT8 for ONNX Runtime on CPU (dynamic per-channel MatMul/Gemm)
  model.int8.qdq.onnx   INT8 QDQ (symmetric, zero points 0) for TensorRT
  *.plan                optional TensorRT engine, only for the GPU and TensorRT it was built with
  labels.npz            labels, (C, D) label bank, prompt templates, text-encoder id, expansion weight + anchors
  manifest.json         input contract, sha256 of every file, provenance, export measurements

Only numpy, json, hashlib and onnxruntime are used: a device that only streams never needs torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aura_edge import pretrained
from aura_edge.errors import BundleError
from aura_edge.runtime.enrolled import DEFAULT_TEXT_PERCENTILES, EnrolledClasses, label_scores
from aura_edge.runtime.enrolled import KEYS as ENROLLED_KEYS
from aura_edge.signals import CHANNELS, MODEL_RATE_HZ, WINDOW_SAMPLES

log = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
LABELS_FILE = "labels.npz"
BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION = "aura-edge-bundle", 1
# variant name -> file; "tensorrt" plans are named by the exporter and listed under manifest["models"].
MODEL_FILES = {"fp32": "model.onnx", "int8": "model.int8.onnx", "qdq": "model.int8.qdq.onnx"}
CONTRACT_METADATA_KEY = "aura_edge.input_contract"  # the contract inside each ONNX file's metadata_props
# What this runtime feeds a model; a bundle that expects anything else is refused.
REQUIRED_CONTRACT = {"rate_hz": MODEL_RATE_HZ, "window_samples": WINDOW_SAMPLES, "channels": list(CHANNELS),
                     "acc_unit": "m/s2", "gyro_unit": "rad/s", "gravity": "included"}
REEXPORT = "re-export it with `aura-edge export --int8 --force --out {path}` or copy the bundle again"


def remedy(path: Path) -> str:
    """What to do about a damaged bundle: re-export it, or for the built-in one, reinstall."""
    return pretrained.REINSTALL if pretrained.is_builtin(path) else REEXPORT.format(path=path)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Bundle:
    """A verified bundle with one engine loaded (the variant asked for, or the best one present)."""

    path: Path
    manifest: dict
    variant: str
    engine: object                  # OnnxEngine or TensorRTEngine: .embed((B, 6, 1000)) -> (B, D)
    labels: list[str]
    label_bank: np.ndarray          # (C, D) unit rows, in the order of `labels`
    templates: list[str] = field(default_factory=list)
    text_encoder: str = ""
    enrolled: EnrolledClasses | None = None   # classes taught by example (`aura-edge enroll`), after the labels

    @property
    def contract(self) -> dict:
        return self.manifest["input_contract"]

    @property
    def embedding_dim(self) -> int:
        return int(self.label_bank.shape[1])

    @property
    def unknown_below(self) -> float | None:
        """The 'unknown' cut-off measured for this model at export (None for bundles without one)."""
        return decision_threshold(self.manifest)

    def embed(self, windows: np.ndarray) -> np.ndarray:
        return self.engine.embed(windows)

    @property
    def class_names(self) -> list[str]:
        """Every class the bundle recognises: its text labels, then the classes enrolled from
        examples under other names (`aura_edge.runtime.enrolled`)."""
        return self.enrolled.class_names(self.labels) if self.enrolled else list(self.labels)

    @property
    def text_percentiles(self) -> dict:
        """5th percentile and median of correct top-1 text cosines at export (enrollment's scale)."""
        recorded = self.manifest.get("output_contract", {}).get("score_percentiles")
        valid = (isinstance(recorded, dict) and all(isinstance(recorded.get(k), (int, float)) for k in ("p5", "p50"))
                 and -1 <= recorded["p5"] < recorded["p50"] <= 1)
        return recorded if valid else DEFAULT_TEXT_PERCENTILES

    def scores(self, embeddings: np.ndarray) -> np.ndarray:
        """(B, D) unit embeddings -> (B, C) scores of ``class_names``: cosine similarity with every
        text label, then the calibrated scores of the enrolled classes."""
        return label_scores(embeddings, self.label_bank.T, self.labels, self.enrolled)


def load_bundle(path: Path | str, prefer: str = "int8", threads: int = 1) -> Bundle:
    """Verify a bundle (every sha256, the input contract, the label bank) and load one engine.

    prefer: "int8" (ONNX Runtime INT8, falling back to FP32 if the bundle has none), "fp32",
    "qdq" (the TensorRT-ready model, run by ONNX Runtime) or "tensorrt" (the plan, on a GPU).
    """
    path = Path(path)
    manifest = read_manifest(path)
    verify_files(path, manifest)
    contract = check_contract(manifest, path)
    labels, bank, templates, text_encoder, enrolled = read_label_bank(path / LABELS_FILE)
    if bank.shape[1] != contract["embedding_dim"]:
        raise BundleError(f"{path / LABELS_FILE} holds {bank.shape[1]}-d label embeddings but the model makes "
                          f"{contract['embedding_dim']}-d ones; rebuild it with `aura-edge labels --bundle {path}`")
    variant, model_file = choose_model(manifest, prefer, path)
    engine = _open_engine(path / model_file, variant, manifest, threads)
    return Bundle(path, manifest, variant, engine, labels, bank, templates, text_encoder, enrolled)


def read_manifest(path: Path) -> dict:
    if not path.is_dir():
        raise BundleError(f"there is no bundle at {path}; export one with `aura-edge export --int8 --out {path}`")
    file = path / MANIFEST_FILE
    if not file.is_file():
        raise BundleError(f"{path} has no {MANIFEST_FILE}, so it is not a complete bundle; "
                          f"{remedy(path)}")
    try:
        manifest = json.loads(file.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BundleError(f"{file} is not valid JSON ({exc}); {remedy(path)}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"{file} is not an aura-edge bundle manifest; {remedy(path)}")
    check_manifest_schema(manifest, path)
    return manifest


def check_manifest_schema(manifest: dict, path: Path) -> None:
    """Types and cross-references the runtime relies on; every model is a hashed plain file name."""
    file, fix = path / MANIFEST_FILE, remedy(path)
    version = manifest.get("format_version", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        raise BundleError(f"{file} has format_version {version!r}, not a whole number; {fix}")
    if version > BUNDLE_FORMAT_VERSION:
        raise BundleError(f"{path} was written by a newer aura-edge (bundle format {version}); "
                          "upgrade aura-edge on this machine")
    for key in ("files", "input_contract", "models"):
        if not isinstance(manifest.get(key), dict):
            raise BundleError(f"{file} lacks its '{key}' section; {fix}")
    for name, entry in manifest["files"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise BundleError(f"{file} lists {name!r} without a sha256; {fix}")
    for variant, entry in manifest["models"].items():
        model_file = entry.get("file") if isinstance(entry, dict) else None
        if not isinstance(model_file, str) or model_file not in manifest["files"]:
            raise BundleError(f"{file} names {model_file!r} as the {variant} model, which is not a file it lists "
                              f"and hashes; {fix}")
    threshold = decision_threshold(manifest)
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or not -1.0 <= threshold <= 1.0):
        raise BundleError(f"{file} gives unknown_below={threshold!r}, not a cosine between -1 and 1; {fix}")


def decision_threshold(manifest: dict):
    """``unknown_below`` from the output contract, or where bundles before it kept it (export metrics)."""
    for section, key in (("output_contract", None), ("metrics", "int8_vs_fp32")):
        part = manifest.get(section)
        part = part.get(key) if key and isinstance(part, dict) else part
        if isinstance(part, dict) and part.get("unknown_below") is not None:
            return part["unknown_below"]
    return None


def verify_files(path: Path, manifest: dict) -> None:
    """Every file listed in the manifest exists and has the recorded sha256."""
    files = manifest["files"]
    if LABELS_FILE not in files or not manifest["models"]:
        missing = LABELS_FILE if LABELS_FILE not in files else "any model"
        raise BundleError(f"{path / MANIFEST_FILE} does not list {missing}; {remedy(path)}")
    for name, entry in files.items():
        file = path / name
        if Path(name).name != name:
            raise BundleError(f"{path / MANIFEST_FILE} lists {name!r}, which is not a plain file name; "
                              f"{remedy(path)}")
        if not file.is_file():
            raise BundleError(f"bundle file {name} is missing from {path}; {remedy(path)}")
        if sha256_file(file) != entry.get("sha256"):
            raise BundleError(f"bundle file {name} in {path} does not match the sha256 in {MANIFEST_FILE}: it was "
                              f"modified or damaged after export; {remedy(path)}")


def first_control_character(text: str) -> str | None:
    """The first control or format character of a label (a newline, an escape), or None: labels are
    plain one-line text, and a shared bundle must not make every live view print escape sequences."""
    return next((c for c in text if unicodedata.category(c)[0] == "C"), None)


def check_contract(manifest: dict, path: Path) -> dict:
    contract = manifest["input_contract"]
    for key, expected in REQUIRED_CONTRACT.items():
        if contract.get(key) != expected:
            raise BundleError(f"{path} expects {key}={contract.get(key)!r} but this runtime feeds {key}={expected!r}; "
                              "export the bundle from a run trained on the canonical input contract")
    if not isinstance(contract.get("embedding_dim"), int) or contract["embedding_dim"] < 1:
        raise BundleError(f"{path / MANIFEST_FILE} has no valid embedding_dim in its input contract; "
                          f"{remedy(path)}")
    return contract


def read_label_bank(file: Path) -> tuple[list[str], np.ndarray, list[str], str, EnrolledClasses]:
    """Labels, (C, D) text bank, prompt templates, text-encoder id and the classes enrolled from
    examples (none for a text-only bank), validated, from one read of a labels.npz."""
    try:
        with np.load(file, allow_pickle=False) as z:
            arrays = {key: z[key] for key in ("labels", "embeddings", "templates", "text_encoder")}
            enrolled = {key: z[key] for key in ENROLLED_KEYS if key in z}
    except (OSError, ValueError, KeyError, EOFError) as exc:  # numpy's text may advise allow_pickle: not shown
        raise BundleError(f"{file} is not a readable label bank (an .npz with labels, embeddings, templates and "
                          f"text_encoder); rebuild it with `aura-edge labels --bundle {file.parent}`") from exc
    for key, kind, what in (("labels", "U", "a list of strings"), ("templates", "U", "a list of strings"),
                            ("embeddings", "f", "a matrix of floats")):
        if arrays[key].ndim != (2 if key == "embeddings" else 1) or arrays[key].dtype.kind != kind:
            raise BundleError(f"{file} holds {key} as {arrays[key].dtype} of shape {arrays[key].shape}, not {what}; "
                              f"rebuild it with `aura-edge labels --bundle {file.parent}`")
    labels, templates = [str(s) for s in arrays["labels"]], [str(s) for s in arrays["templates"]]
    if any(first_control_character(label) for label in labels):
        # A terminal escape sequence in a shared bundle would be printed by every live view.
        raise BundleError(f"{file} holds a label with control characters; rebuild it with "
                          f"`aura-edge labels --bundle {file.parent}`")
    bank, text_encoder = np.asarray(arrays["embeddings"], dtype=np.float32), str(arrays["text_encoder"])
    if bank.ndim != 2 or bank.shape[0] != len(labels) or not np.isfinite(bank).all():
        raise BundleError(f"{file} holds {bank.shape} embeddings for {len(labels)} labels; rebuild it with "
                          f"`aura-edge labels --bundle {file.parent}`")
    if not np.allclose(np.linalg.norm(bank, axis=1), 1.0, atol=1e-3):
        raise BundleError(f"{file} holds label embeddings that are not unit vectors; rebuild it with "
                          f"`aura-edge labels --bundle {file.parent}`")
    return labels, bank, templates, text_encoder, EnrolledClasses.from_arrays(enrolled, bank.shape[1], str(file))


def choose_model(manifest: dict, prefer: str, path: Path) -> tuple[str, str]:
    """(variant, file) for the preferred variant; INT8 falls back to FP32 in a bundle without it."""
    models = manifest["models"]
    if prefer not in (*MODEL_FILES, "tensorrt"):
        raise BundleError(f"unknown model variant {prefer!r}; use one of {', '.join([*MODEL_FILES, 'tensorrt'])}")
    if prefer in models:
        return prefer, models[prefer]["file"]
    if prefer == "int8" and "fp32" in models:
        log.info("%s has no INT8 model; using FP32", path)
        return "fp32", models["fp32"]["file"]
    # The built-in bundle ships INT8 only (a small wheel); its FP32 model comes from exporting its run.
    hint = {"tensorrt": "--tensorrt on the target machine",
            "fp32": "`aura-edge export --run RUN --out DIR` (RUN may be 'pretrained')"}.get(prefer, "--int8")
    raise BundleError(f"{path} has no {prefer} model (it has {', '.join(models)}); export with {hint}")


def _weight_bits(manifest: dict, variant: str, path: Path) -> int:
    """The widest INT8 weight of a variant; bundles from before 7-bit weights record none (8 bits)."""
    bits = manifest["models"][variant].get("weight_bits", 8)
    if not isinstance(bits, int) or isinstance(bits, bool) or not 2 <= bits <= 8:
        raise BundleError(f"{path / MANIFEST_FILE} gives the {variant} model weight_bits={bits!r}; "
                          f"{remedy(path)}")
    return bits


def _open_engine(model_path: Path, variant: str, manifest: dict, threads: int):
    from aura_edge.runtime.engine import TensorRTEngine

    contract = manifest["input_contract"]
    if variant == "tensorrt":
        engine = TensorRTEngine(model_path)
    else:
        engine = _open_onnx(model_path, variant, manifest, threads)
        _check_onnx_model(engine, contract)
    if engine.output_dim != contract["embedding_dim"]:
        raise BundleError(f"{model_path.name} outputs {engine.output_dim}-d embeddings but the contract says "
                          f"{contract['embedding_dim']}; {remedy(model_path.parent)}")
    return engine


def _open_onnx(model_path: Path, variant: str, manifest: dict, threads: int):
    """An ONNX Runtime engine; INT8 models run on a kernel that cannot saturate on this CPU (runtime/cpu.py)."""
    from aura_edge.runtime.engine import OnnxEngine, exact_int8_engine

    if variant == "fp32":
        return OnnxEngine(model_path, threads=threads)
    engine = exact_int8_engine(model_path, _weight_bits(manifest, variant, model_path.parent), threads)
    if engine.session_config and variant == "int8":  # a bundle from before 7-bit weights: slower, never wrong
        log.warning("%s: %s; re-export the bundle (`aura-edge export --int8 --force`) for 7-bit weights at "
                    "full speed", model_path, engine.int8_path)
    elif engine.session_config:  # the QDQ model is meant for TensorRT; on this CPU it is only checked
        log.info("%s: %s", model_path, engine.int8_path)
    return engine


def _check_onnx_model(engine, contract: dict) -> None:
    """The contract inside the ONNX file equals the manifest's, and the input is (batch, 6, 1000)."""
    name = engine.path.name
    embedded = engine.metadata.get(CONTRACT_METADATA_KEY)
    if embedded is None or json.loads(embedded) != contract:
        raise BundleError(f"the input contract inside {name} differs from {MANIFEST_FILE}; the files come from "
                          f"different exports; {remedy(engine.path.parent)}")
    if engine.input_shape[1:] != [len(contract["channels"]), contract["window_samples"]]:
        raise BundleError(f"{name} takes input {engine.input_shape}, not (batch, {len(contract['channels'])}, "
                          f"{contract['window_samples']}); {remedy(engine.path.parent)}")
