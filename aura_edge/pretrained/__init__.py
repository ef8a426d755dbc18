"""The built-in model, shipped as package data so that `pip install aura-edge` recognises activities
with no training and no download (MODEL_CARD.md says what it is and how well it does).

  bundle/   its exported bundle: INT8 for ONNX Runtime, INT8 QDQ for TensorRT, labels.npz, manifest.json
            (no FP32 ONNX, to keep the wheel small; `export --run pretrained` writes one)
  run/      its training run: config.json, FP16 model.safetensors, checksums.json (for eval,
            export with other labels, and `train --init pretrained`)

Written by `python -m aura_edge.export.pretrained RUN`. Torch-free: the runtime resolves the name
"pretrained" here. Nothing may write inside the installed package: edits go to another directory.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from aura_edge.errors import BundleError, ConfigError, RunError

NAME = "pretrained"   # what --bundle / --run / --init accept for the built-in model
ROOT = Path(__file__).resolve().parent
BUNDLE_DIR = ROOT / "bundle"
RUN_DIR = ROOT / "run"
CHECKSUMS_FILE = "checksums.json"   # sha256 and size of every run/ file, checked before use
EVAL_DIR = "runs/pretrained-eval"    # where reports on the built-in run go by default
REINSTALL = "the aura-edge installation is damaged; reinstall it (`pip install --force-reinstall aura-edge`)"


def bundle_path(value: str | Path) -> Path:
    """A --bundle value: 'pretrained' is the built-in bundle, anything else a directory."""
    if str(value) == NAME:
        if not (BUNDLE_DIR / "manifest.json").is_file():
            raise BundleError(f"the built-in bundle is missing from {BUNDLE_DIR}; {REINSTALL}")
        return BUNDLE_DIR
    return Path(value)


def run_path(value: str | Path) -> Path:
    """A --run / --init value: 'pretrained' is the built-in run (its files verified), else a directory."""
    if str(value) != NAME:
        return Path(value)
    verify_run()
    return RUN_DIR


def verify_run() -> None:
    """Every file of the built-in run has the sha256 recorded when it was packaged."""
    try:
        recorded = json.loads((RUN_DIR / CHECKSUMS_FILE).read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RunError(f"the built-in run's {CHECKSUMS_FILE} is missing or unreadable ({exc}); {REINSTALL}") from exc
    for name, entry in recorded.items():
        file = RUN_DIR / name
        if not file.is_file() or hashlib.sha256(file.read_bytes()).hexdigest() != entry.get("sha256"):
            raise RunError(f"built-in file {name} is missing or does not match its recorded sha256; {REINSTALL}")


def is_builtin(path: str | Path) -> bool:
    """Whether ``path`` is the built-in model's files (or anything inside the package)."""
    try:
        Path(path).resolve().relative_to(ROOT)
    except ValueError:
        return False
    return True


def refuse_builtin_target(path: str | Path, option: str = "--out") -> None:
    """Edits and exports never write inside the installed package."""
    if is_builtin(path):
        raise ConfigError(f"{path} is inside the built-in model, which is read-only; pass {option} DIR to write "
                          "to another directory")


def report_dir(run: Path, out: str | Path | None) -> Path:
    """Where `eval` writes about ``run``: ``out``, else the run itself, else (the built-in run,
    which is read-only) EVAL_DIR."""
    if out is not None:
        return Path(out)
    return Path(EVAL_DIR) if is_builtin(run) else Path(run)
