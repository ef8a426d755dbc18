"""Enrolled classes: activities taught by example, scored beside the text labels of a bundle.

`aura-edge enroll` embeds a few recordings of an activity with the bundle's own model and keeps
every window's embedding in labels.npz (the class mean is computed when loading, so removing or
adding examples never needs the model again):

  enrolled_names        (K,) str    class names, after the text labels in the bundle's label list
  enrolled_embeddings   (M, D) f32  unit embeddings of the enrolled windows
  enrolled_class        (M,) int    which class each window belongs to
  enrolled_scale/offset (K,) f32    the calibration below, measured when the class was enrolled

One scale for all classes: a window's cosine to a class mean of its own activity is much higher
(about 0.8-0.95) than its cosine to a text label (about 0.3-0.6), so raw cosines would let any
enrolled class win. Each class's cosines are mapped affinely so that its own windows' scores
(leave-one-out) have the same 5th percentile and median as correctly recognised text labels at
export (the bundle's score percentiles); the 'unknown' threshold and smoothing keep their meaning.
Only numpy: enrolling and streaming run on a device without torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aura_edge.errors import BundleError

KEYS = ("enrolled_names", "enrolled_embeddings", "enrolled_class", "enrolled_scale", "enrolled_offset")
# Used when a bundle predates recorded score percentiles: typical of the models measured so far
# (benchmarks/results/enroll.md); a re-export records the model's own.
DEFAULT_TEXT_PERCENTILES = {"p5": 0.28, "p50": 0.45}
MIN_SPREAD = 0.02   # a class whose examples are all alike still gets a finite scale
# A window's cosine to the mean of other windows of its class, over classes and people (5th
# percentile and median; benchmarks/results/enroll.md), and how many windows that prior weighs.
PRIOR_OWN_COSINE = {"p5": 0.70, "p50": 0.88}
PRIOR_WEIGHT = 3
# A class that is both a text label and enrolled from examples scores this share of its text cosine
# plus the rest of its calibrated example score (chosen in benchmarks/results/enroll.md).
TEXT_WEIGHT = 0.5


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


@dataclass
class EnrolledClasses:
    names: list[str]
    embeddings: np.ndarray    # (M, D) unit rows
    index: np.ndarray         # (M,) class of each row
    scale: np.ndarray         # (K,)
    offset: np.ndarray        # (K,)

    def __post_init__(self) -> None:
        self._prototypes_t = np.ascontiguousarray(self.prototypes().T)   # (D, K): scoring is one product

    @classmethod
    def empty(cls, dim: int) -> EnrolledClasses:
        return cls([], np.zeros((0, dim), np.float32), np.zeros(0, np.int64), np.zeros(0, np.float32),
                   np.zeros(0, np.float32))

    def __len__(self) -> int:
        return len(self.names)

    def counts(self) -> dict[str, int]:
        return {name: int((self.index == k).sum()) for k, name in enumerate(self.names)}

    def prototypes(self) -> np.ndarray:
        """(K, D) unit class means."""
        if not self.names:
            return np.zeros((0, self.embeddings.shape[1]), np.float32)
        return unit_rows(np.stack([self.embeddings[self.index == k].mean(axis=0) for k in range(len(self.names))]))

    def scores(self, embeddings: np.ndarray) -> np.ndarray:
        """(B, D) unit embeddings -> (B, K) calibrated scores, on the scale of text-label cosines."""
        return (np.asarray(embeddings, np.float32) @ self._prototypes_t) * self.scale + self.offset

    def class_names(self, text_labels: list[str]) -> list[str]:
        """The text labels, then the enrolled classes that are not also text labels."""
        return list(text_labels) + [n for n in self.names if n not in text_labels]

    def combine(self, text_scores: np.ndarray, embeddings: np.ndarray, text_labels: list[str]) -> np.ndarray:
        """(B, L) text cosines -> (B, len(class_names)) scores. A class enrolled under a text label's
        name scores the mixture TEXT_WEIGHT x text + (1 - TEXT_WEIGHT) x examples; others are appended."""
        if not self.names:
            return text_scores
        examples = self.scores(embeddings)
        out = np.array(text_scores, dtype=np.float32, copy=True)
        position = {label: j for j, label in enumerate(text_labels)}
        shared = [(position[n], k) for k, n in enumerate(self.names) if n in position]
        for j, k in shared:
            out[:, j] = TEXT_WEIGHT * out[:, j] + (1 - TEXT_WEIGHT) * examples[:, k]
        appended = [k for k, n in enumerate(self.names) if n not in position]
        return np.hstack([out, examples[:, appended]]) if appended else out

    def with_class(self, name: str, windows: np.ndarray, text_percentiles: dict) -> EnrolledClasses:
        """A copy with ``name`` (re-)enrolled from (N, D) window embeddings; any old examples go."""
        kept = self.without(name) if name in self.names else self
        windows = unit_rows(windows)
        scale, offset = calibrate(windows, text_percentiles)
        k = len(kept.names)
        return EnrolledClasses([*kept.names, name], np.concatenate([kept.embeddings, windows]),
                               np.concatenate([kept.index, np.full(len(windows), k)]),
                               np.append(kept.scale, scale).astype(np.float32),
                               np.append(kept.offset, offset).astype(np.float32))

    def without(self, name: str) -> EnrolledClasses:
        k = self.names.index(name)
        keep = self.index != k
        index = self.index[keep]
        return EnrolledClasses([n for n in self.names if n != name], self.embeddings[keep],
                               np.where(index > k, index - 1, index), np.delete(self.scale, k),
                               np.delete(self.offset, k))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"enrolled_names": np.array(self.names, dtype=str), "enrolled_embeddings": self.embeddings,
                "enrolled_class": self.index.astype(np.int64), "enrolled_scale": self.scale,
                "enrolled_offset": self.offset}

    @classmethod
    def from_arrays(cls, arrays: dict, dim: int, source: str) -> EnrolledClasses:
        """From labels.npz members (an empty set when the bundle has no enrolled classes)."""
        if "enrolled_names" not in arrays:
            return cls.empty(dim)
        try:
            names = [str(s) for s in arrays["enrolled_names"].tolist()]
            emb = np.asarray(arrays["enrolled_embeddings"], np.float32).reshape(-1, dim)
            index = np.asarray(arrays["enrolled_class"], np.int64)
            scale = np.asarray(arrays["enrolled_scale"], np.float32)
            offset = np.asarray(arrays["enrolled_offset"], np.float32)
        except (KeyError, ValueError) as exc:
            raise BundleError(f"{source} holds incomplete enrolled classes ({exc}); re-enroll them") from exc
        consistent = (len(index) == len(emb) and len(scale) == len(offset) == len(names)
                      and set(index.tolist()) == set(range(len(names))) and np.isfinite(emb).all()
                      and np.isfinite(scale).all() and np.isfinite(offset).all())
        if not consistent:
            raise BundleError(f"{source} holds inconsistent enrolled classes; re-enroll them")
        return cls(names, unit_rows(emb), index, scale, offset)


def calibrate(windows: np.ndarray, text_percentiles: dict) -> tuple[float, float]:
    """(scale, offset) that map this class's leave-one-out cosines (each window against the mean
    of the others) so that their 5th percentile and median land on the text labels' ones. With
    few windows the percentiles are pulled toward PRIOR_OWN_COSINE (measured over many classes),
    as if PRIOR_WEIGHT windows had been seen."""
    windows = unit_rows(windows)
    n = len(windows)
    p5, p50 = PRIOR_OWN_COSINE["p5"], PRIOR_OWN_COSINE["p50"]
    if n >= 2:
        loo = unit_rows(windows.sum(axis=0)[None, :] - windows)
        own = np.sum(windows * loo, axis=1)
        w = n / (n + PRIOR_WEIGHT)
        p5, p50 = w * np.percentile(own, 5) + (1 - w) * p5, w * np.percentile(own, 50) + (1 - w) * p50
    spread = max(p50 - p5, MIN_SPREAD)
    scale = (text_percentiles["p50"] - text_percentiles["p5"]) / spread
    return float(scale), float(text_percentiles["p50"] - scale * p50)
