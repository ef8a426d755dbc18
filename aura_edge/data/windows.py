"""The unit every corpus produces and every trainer consumes: a set of aligned 5 s windows."""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from aura_edge.errors import DataError
from aura_edge.safe_npz import NUMBERS, TEXT, Member, read_npz
from aura_edge.signals import WINDOW_SAMPLES, check_finite

MOCAP_FRAMES = 50  # 5 s at 10 FPS
MOCAP_FEATURES = 51  # 17 COCO joints x xyz, pelvis-centred metres


WINDOW_SET_MEMBERS = {"imu": Member(NUMBERS, (3,)), "label": Member(TEXT, (1,)),
                      "caption": Member(TEXT, (1,), required=False), "subject": Member(NUMBERS, (1,), required=False),
                      "placement": Member(TEXT, (1,), required=False),
                      "mocap": Member(NUMBERS, (3,), required=False), "frames": Member(NUMBERS, (5,), required=False)}
WINDOW_SET_KEYS = "imu (N, 6, 1000), label [, caption, subject, placement, mocap, frames]"
UNKNOWN_SUBJECT = -1   # a file without subject ids: its windows are not checked for people shared across splits


@dataclass
class WindowSet:
    """N aligned windows. Arrays share the first axis; optional modalities may be None.

    imu:       (N, 6, 1000) float32, canonical units, channels first (the model input layout)
    label:     (N,) str  activity id, e.g. "walking" (used for zero-shot evaluation)
    caption:   (N,) str  free-text description paired with the window (the training target)
    subject:   (N,) int  simulated or real person id; splits never share one
    placement: (N,) str  where the sensor sat, e.g. "head", "wrist"
    mocap:     (N, 50, 51) float32 or None
    frames:    (N, F, H, W, 3) uint8 or None: third-person video frames for the CLIP video tower
    """

    imu: np.ndarray
    label: np.ndarray
    caption: np.ndarray
    subject: np.ndarray
    placement: np.ndarray
    mocap: np.ndarray | None = None
    frames: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.imu)
        if self.imu.ndim != 3 or self.imu.shape[1:] != (6, WINDOW_SAMPLES):
            raise DataError(f"IMU windows must be (N, 6, {WINDOW_SAMPLES}), got {self.imu.shape}")
        check_finite(self.imu, "IMU windows")
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and len(value) != n:
                raise DataError(f"WindowSet.{f.name} has {len(value)} rows but imu has {n}")
        if self.mocap is not None and self.mocap.shape[1:] != (MOCAP_FRAMES, MOCAP_FEATURES):
            raise DataError(f"mocap windows must be (N, {MOCAP_FRAMES}, {MOCAP_FEATURES}), got {self.mocap.shape}")

    def __len__(self) -> int:
        return len(self.imu)

    def subset(self, index: np.ndarray) -> "WindowSet":
        return WindowSet(**{f.name: (None if getattr(self, f.name) is None else getattr(self, f.name)[index])
                            for f in fields(self)})

    @property
    def labels(self) -> list[str]:
        """The distinct activity labels, in first-seen order."""
        return list(dict.fromkeys(self.label.tolist()))

    def save(self, path) -> None:
        arrays = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        arrays["label"] = arrays["label"].astype(str)
        arrays["caption"] = arrays["caption"].astype(str)
        arrays["placement"] = arrays["placement"].astype(str)
        np.savez(path, **arrays)

    @classmethod
    def load(cls, path) -> "WindowSet":
        """A window set saved by ``save``; headers are checked before any data is read (safe_npz)."""
        arrays = read_npz(path, WINDOW_SET_MEMBERS, WINDOW_SET_KEYS)
        n = len(arrays["label"])
        # A user's own windows may carry labels only: the label is then the caption to align with.
        defaults = {"caption": arrays["label"], "subject": np.full(n, UNKNOWN_SUBJECT),
                    "placement": np.full(n, "unknown"), "mocap": None, "frames": None}
        return cls(**{**defaults, **arrays})
