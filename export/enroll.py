"""`aura-edge enroll`: teach a bundle an activity from a few recordings; no training, no torch.

The recordings (what `aura-edge record` writes, a replay CSV or NPZ, or an .npz of labelled
windows) are cut into 5 s windows, embedded by the bundle's own model (ONNX Runtime), and kept
per window in labels.npz beside the text labels (`aura_edge.runtime.enrolled` scores them). The
edited bundle is staged and swapped in whole, like an export: it is never left half-edited.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aura_edge import pretrained
from aura_edge.errors import ConfigError, DataError
from aura_edge.export.atomic import edited_label_bank
from aura_edge.firmware_bridge.replay_source import read_recording
from aura_edge.runtime.bundle import LABELS_FILE, Bundle, first_control_character, load_bundle
from aura_edge.runtime.enrolled import KEYS as ENROLLED_KEYS
from aura_edge.runtime.enrolled import EnrolledClasses, text_weight
from aura_edge.safe_npz import NUMBERS, TEXT, Member, read_npz
from aura_edge.signals import WINDOW_SAMPLES, parse_units, to_model_windows

log = logging.getLogger(__name__)

MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class EnrollResult:
    bundle: Path
    name: str
    windows: int                 # windows enrolled for `name` (0 when it was removed)
    classes: dict[str, int]      # every enrolled class and its window count


def enroll(bundle_dir: Path | str, name: str, recordings, out: Path | str | None = None, rate_hz: float | None = None,
           units: str | None = None, axes: str | None = None) -> EnrollResult:
    """(Re-)enroll ``name`` from ``recordings`` into the bundle (or a copy of it at ``out``)."""
    bundle, target = _open(bundle_dir, out)
    name = check_name(name, bundle)
    if not recordings:
        raise ConfigError(f"no recording given for {name!r}; record one with `aura-edge record PORT --label "
                          f"'{name}' --out {name.replace(' ', '_')}.csv --duration 30`")
    windows = np.concatenate([recording_windows(Path(r), name, rate_hz, units, axes) for r in recordings])
    embeddings = bundle.embed(windows)
    weight = text_weight(embeddings, bundle.label_bank, bundle.labels, name)
    enrolled = (bundle.enrolled or EnrolledClasses.empty(bundle.embedding_dim)).with_class(
        name, embeddings, bundle.text_percentiles, weight)
    log.info("enrolled %r from %d windows of %d recording(s)", name, len(windows), len(recordings))
    _write(bundle, enrolled, target)
    return EnrollResult(target, name, len(windows), enrolled.counts())


def unenroll(bundle_dir: Path | str, name: str, out: Path | str | None = None) -> EnrollResult:
    """Remove the enrolled class ``name`` (text labels are edited with `aura-edge labels`)."""
    bundle, target = _open(bundle_dir, out)
    enrolled = bundle.enrolled or EnrolledClasses.empty(bundle.embedding_dim)
    if name not in enrolled.names:
        raise ConfigError(f"{name!r} is not an enrolled class of {bundle.path} (enrolled: "
                          f"{', '.join(enrolled.names) or 'none'}); text labels are removed with `aura-edge labels "
                          "--remove`")
    enrolled = enrolled.without(name, bundle.text_percentiles)
    _write(bundle, enrolled, target)
    return EnrollResult(target, name, 0, enrolled.counts())


def _open(bundle_dir, out) -> tuple[Bundle, Path]:
    path = pretrained.bundle_path(bundle_dir)
    target = Path(out) if out is not None else path
    pretrained.refuse_builtin_target(target)
    return load_bundle(path), target


def check_name(name: str, bundle: Bundle) -> str:
    name = " ".join(str(name).split())
    control = first_control_character(name)
    if not name or control is not None or len(name) > MAX_NAME_CHARS:
        raise ConfigError(f"class name {name[:40]!r} must be plain one-line text of 1-{MAX_NAME_CHARS} characters")
    same = [label for label in bundle.labels if label.casefold() == name.casefold()]
    return same[0] if same else name   # examples of a text label are scored together with its text


# --- recordings -> (K, 6, 1000) model windows ---------------------------------------------------

def recording_windows(path: Path, name: str, rate_hz=None, units=None, axes=None) -> np.ndarray:
    """The windows of ``path`` that show ``name``: all of a recording of one activity, else the
    samples or windows labelled ``name``."""
    if not path.is_file():
        raise DataError(f"recording {path} does not exist")
    if path.suffix.lower() == ".npz":
        windows = _npz_windows(path, name)
        if windows is not None:
            return windows
    acc_unit, gyro_unit = _units(units)
    recording = read_recording(path, rate_hz, acc_unit, gyro_unit, axes or "x,y,z")
    imu = recording.imu
    if recording.labels is not None and len(set(recording.labels.tolist()) - {""}) > 1:
        imu = _labelled_part(imu, recording.labels, name, path)   # several activities: the one named
    try:
        return to_model_windows(imu, recording.rate_hz)
    except DataError as exc:
        raise DataError(f"{path}: {exc}") from None


def _labelled_part(imu: np.ndarray, labels: np.ndarray, name: str, path: Path) -> np.ndarray:
    """The longest run of samples labelled ``name`` (a recording of several activities)."""
    mask = labels == name
    if not mask.any():
        raise DataError(f"{path} has no samples labelled {name!r} (its labels: {', '.join(sorted(set(labels)))}); "
                        "pass a recording of that activity")
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    start, end = max(zip(edges[::2], edges[1::2]), key=lambda run: run[1] - run[0])
    return imu[start:end]


def _npz_windows(path: Path, name: str) -> np.ndarray | None:
    """Windows labelled ``name`` of a window set ((N, 6, 1000), as training reads) or of labelled
    recordings ((N, T, 6) with rate_hz, units and gravity, as `eval --data` reads); None for a
    replay recording (imu (T, 6)). Headers are checked before any data is read (safe_npz)."""
    arrays = read_npz(path, {"imu": Member(NUMBERS, (2, 3)), "label": Member(TEXT, (1,), required=False),
                             "rate_hz": Member(NUMBERS, (0, 1), required=False)}, "imu [, label, rate_hz]")
    imu = arrays["imu"]
    if imu.ndim == 2:
        return None
    if "label" not in arrays:
        raise DataError(f"{path} holds windows (imu {imu.shape}) but no 'label' saying which are {name!r}")
    labels = arrays["label"].astype(str)
    if name not in labels:
        raise DataError(f"{path} has no windows labelled {name!r} (its labels: {', '.join(sorted(set(labels)))})")
    if "rate_hz" not in arrays and imu.shape[1:] == (6, WINDOW_SAMPLES):
        return np.ascontiguousarray(imu[labels == name], dtype=np.float32)
    from aura_edge.data.recordings import load_labelled_recordings  # its checks of rate, units, gravity

    recordings = load_labelled_recordings(path)
    return np.concatenate([w for w, label in zip(recordings.windows, recordings.label) if label == name])


def _units(units: str | None) -> tuple[str, str]:
    return parse_units(units) if units else ("m/s2", "rad/s")


# --- writing the bundle -------------------------------------------------------------------------

def _write(bundle: Bundle, enrolled: EnrolledClasses, target: Path) -> None:
    """labels.npz with the new enrolled classes (text labels untouched), swapped in like an export."""
    with np.load(bundle.path / LABELS_FILE, allow_pickle=False) as z:
        arrays = {key: z[key] for key in z.files if key not in ENROLLED_KEYS}
    if len(enrolled):
        arrays.update(enrolled.to_arrays())
    manifest = copy.deepcopy(bundle.manifest)   # verified when the bundle was loaded
    manifest["labels"] = {**manifest.get("labels", {}), "enrolled": enrolled.counts()}
    with edited_label_bank(bundle.path, manifest, target, replace=target == bundle.path) as staging:
        np.savez(staging / LABELS_FILE, **arrays)
