"""The label bank: label prompts through the frozen text encoder, saved as labels.npz.

Each label is put into every prompt template, embedded, averaged and re-normalised
(`aura_edge.evaluate.build_label_bank`), so zero-shot scoring on the device is one matrix product.
With label expansion each label is also pulled toward the run's training captions nearest it
(those no other label of the set is nearer); labels.npz keeps those captions and the weight, so
an edit rebuilds the whole bank the same way (a new label can take captions from an old one).
`rebuild_labels` edits the labels of an existing bundle without touching its models.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from aura_edge import pretrained
from aura_edge.errors import BundleError, ConfigError
from aura_edge.evaluate import build_label_bank, label_names, split_label
from aura_edge.export.atomic import edited_label_bank
from aura_edge.models.frozen import load_text_encoder
from aura_edge.runtime.bundle import (LABELS_FILE, MANIFEST_FILE, first_control_character, read_label_bank,
                                      read_manifest, verify_files)
from aura_edge.runtime.enrolled import KEYS as ENROLLED_KEYS

MAX_LABELS = 1000
MAX_LABEL_CHARS = 300   # a name with a description of its movement ('name: description')

log = logging.getLogger(__name__)


def parse_labels(value: str) -> list[str]:
    """`--labels`: a file with one label a line ('#' comments allowed), or "a,b,c"."""
    path = Path(value)
    if path.is_file():
        try:
            lines = path.read_text().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the label file {path} ({exc}); pass a UTF-8 text file") from exc
        items = [line for line in lines if not line.lstrip().startswith("#")]
    else:
        items = value.split(",")
    return validate_labels(items)


def validate_labels(labels, flag: str = "--labels", minimum: int = 2) -> list[str]:
    """Labels with runs of spaces collapsed; refuses control characters (a newline, a terminal escape
    sequence that a shared bundle would print), an empty, too short (zero-shot needs two labels to
    choose between), duplicated (ignoring case) or over-long list. ``flag`` names the option in errors."""
    labels = [str(s).strip() for s in labels]
    labels = [s for s in labels if s]
    for label in labels:
        control = first_control_character(label)
        if control is not None:
            raise ConfigError(f"label {label[:40]!r} contains the control character {control!r}; labels are plain "
                              f"text on one line: fix {flag}")
    labels = [" ".join(s.split()) for s in labels]
    if not labels:
        raise ConfigError(f"the {flag} list is empty; pass labels like {flag} 'walking,running,cycling'"
                          + (" or a file with one label a line" if flag == "--labels" else ""))
    if len(labels) > MAX_LABELS:
        raise ConfigError(f"{len(labels)} labels is more than the {MAX_LABELS} a bundle holds; pass fewer")
    too_long = [s for s in labels if len(s) > MAX_LABEL_CHARS]
    if too_long:
        raise ConfigError(f"label {too_long[0][:40]!r}... has {len(too_long[0])} characters; the limit is "
                          f"{MAX_LABEL_CHARS}: use a short activity phrase")
    seen, duplicates = set(), set()
    for name in label_names(labels):
        (duplicates if name.casefold() in seen else seen).add(name.casefold())
    if duplicates:
        raise ConfigError(f"duplicate labels {sorted(set(duplicates))}; each label may appear once")
    if len(labels) < minimum:
        raise ConfigError(f"{flag} gives {len(labels)} label ({labels[0]!r}); zero-shot recognition needs at least "
                          f"{minimum} to choose between")
    return labels


def write_label_bank(path: Path, labels: list[str], text_encoder_spec: str, templates, anchors=(),
                     expansion: float = 0.0, extra: dict | None = None) -> dict:
    """Embed the labels (expanded toward ``anchors`` when ``expansion`` > 0) and write labels.npz,
    with ``extra`` arrays beside them (enrolled classes); returns the manifest entry. A label given
    as 'name: description' is stored as its name, with the description in ``descriptions``."""
    labels = validate_labels(labels)
    templates, anchors = list(templates), list(anchors) if expansion else []
    encoder = load_text_encoder(text_encoder_spec)
    bank = build_label_bank(encoder, labels, templates, anchors, expansion)
    names, descriptions = zip(*(split_label(label) for label in labels))
    np.savez(path, labels=np.array(names, dtype=str), descriptions=np.array(descriptions, dtype=str),
             embeddings=bank.astype(np.float32),
             templates=np.array(templates, dtype=str), text_encoder=np.array(encoder.id),
             anchors=np.array(anchors, dtype=str), expansion=np.array(float(expansion)), **(extra or {}))
    return {"file": path.name, "count": len(labels), "text_encoder": encoder.id,
            "text_encoder_spec": text_encoder_spec, "templates": templates,
            "label_expansion": float(expansion), "anchors": len(anchors)}


def read_carried(file: Path, names: list[str]) -> tuple[list[str], list[str], float, dict]:
    """What a rebuilt labels.npz keeps from the old one, in one read: the labels as written ('name:
    description' where it has a description), the expansion anchors and weight (none, 0 for banks
    written without) and the classes enrolled from examples (`aura-edge enroll`)."""
    with np.load(file, allow_pickle=False) as z:
        descriptions = [str(s) for s in z["descriptions"].tolist()] if "descriptions" in z.files else []
        anchors, expansion = [], 0.0
        if "expansion" in z.files:
            anchors, expansion = [str(s) for s in z["anchors"].tolist()], float(z["expansion"])
        enrolled = {key: z[key] for key in ENROLLED_KEYS if key in z.files}
    entries = ([f"{n}: {d}" if d else n for n, d in zip(names, descriptions)]
               if len(descriptions) == len(names) else list(names))
    return entries, anchors, expansion, enrolled


def edit_labels(current: list[str], add=(), remove=()) -> list[str]:
    """The current labels minus `remove` (by name) plus `add`, with clear errors for no-ops."""
    folded = {s.casefold() for s in label_names(current)}
    add = validate_labels(add, "--add", minimum=1) if add else []
    remove = label_names(validate_labels(remove, "--remove", minimum=1)) if remove else []
    missing = [s for s in remove if s.casefold() not in folded]
    if missing:
        raise ConfigError(f"cannot remove {missing}: not in the bundle's labels ({', '.join(label_names(current))})")
    dropped = {s.casefold() for s in remove}
    kept = [s for s in current if split_label(s)[0].casefold() not in dropped]
    kept_names = {k.casefold() for k in label_names(kept)}
    present = [s for s in label_names(add) if s.casefold() in kept_names]
    if present:
        raise ConfigError(f"{present} already in the bundle's labels; nothing to add")
    if len(kept) + len(add) < 2:
        raise ConfigError(f"removing {remove} would leave {len(kept) + len(add)} label; a bundle needs at least 2 "
                          "for zero-shot recognition to choose between")
    return validate_labels(kept + add, "--add")


def rebuild_labels(bundle_dir: Path | str, add=(), remove=(), out: Path | str | None = None) -> list[str]:
    """Rewrite labels.npz (and its sha256 in manifest.json) of a bundle; returns the labels.

    The bundle is verified first (a tampered one is never re-signed), then copied (hard links
    where possible) beside the target, edited, and swapped in atomically like an export. The
    target is the bundle itself, or a new bundle at ``out``; never the built-in model.
    """
    bundle_dir = pretrained.bundle_path(bundle_dir)
    target = Path(out) if out is not None else bundle_dir
    pretrained.refuse_builtin_target(target)
    manifest = read_manifest(bundle_dir)
    verify_files(bundle_dir, manifest)
    names, _, templates, text_encoder_id, _ = read_label_bank(bundle_dir / LABELS_FILE)
    current, anchors, expansion, enrolled = read_carried(bundle_dir / LABELS_FILE, names)
    labels = edit_labels(current, add, remove)
    spec = manifest.get("labels", {}).get("text_encoder_spec")
    if not spec:
        raise BundleError(f"{bundle_dir / MANIFEST_FILE} does not say which text encoder made its labels; "
                          "re-export the bundle")
    with edited_label_bank(bundle_dir, manifest, target, replace=out is None) as staging:
        log.info("embedding %d labels with %s", len(labels), spec)
        entry = write_label_bank(staging / LABELS_FILE, labels, spec, templates, anchors, expansion,
                                 extra=enrolled)
        if entry["text_encoder"] != text_encoder_id:
            raise BundleError(f"text encoder {spec!r} now resolves to {entry['text_encoder']}, but the bundle's labels "
                              f"came from {text_encoder_id}; the new label embeddings would not match the model. "
                              "Install the original text-encoder weights or re-export the bundle")
        manifest["labels"] = entry
    return label_names(labels)

