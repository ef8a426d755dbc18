"""Enrolled classes: activities taught by example, scored beside the text labels of a bundle.

`aura-edge enroll` embeds a few recordings of an activity with the bundle's own model and keeps
every window's embedding in labels.npz:

  enrolled_names        (K,) str    class names (a name may also be a text label: see below)
  enrolled_embeddings   (M, D) f32  unit embeddings of the enrolled windows
  enrolled_class        (M,) int    which class each window belongs to
  enrolled_text_weight  (K,) f32    how much a class that is also a text label trusts its text
  enrolled_calibration  (2,) f32    scale and offset shared by every enrolled class

Scoring, chosen by measurement (benchmarks/results/enroll.md): a class scores the cosine of the
window to its NEAREST enrolled example, which beats the class mean when the examples come from
several people or placements. Raw cosines to examples of one's own activity (about 0.9) dwarf
cosines to text labels (about 0.3), so one affine map, shared by all enrolled classes (a per-class
map would reorder them), puts the enrolled windows' leave-one-out nearest-example cosines on the
5th percentile and median of correctly recognised text labels at export: the 'unknown' threshold
and smoothing keep their meaning. A class enrolled under a text label's name scores a mixture,
weighted toward the text by the probability the text labels give it, averaged over its examples
(text that does not describe the signal, at a new placement say, gets little weight).
Only numpy: enrolling and streaming run on a device without torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aura_edge.errors import BundleError

KEYS = ("enrolled_names", "enrolled_embeddings", "enrolled_class", "enrolled_text_weight", "enrolled_calibration")
# Used when a bundle predates recorded score percentiles: those of the built-in model.
DEFAULT_TEXT_PERCENTILES = {"p5": 0.27, "p50": 0.31}
MIN_SPREAD = 0.02   # examples that are all alike still get a finite scale
# A window's cosine to its nearest other example of the same class among 5, over classes, people
# and placements (benchmarks/results/enroll.md measures p5 0.44-0.78 and p50 0.93-0.98 across its
# three settings), and how many windows this prior weighs against the enrolled ones.
PRIOR_OWN_COSINE = {"p5": 0.70, "p50": 0.93}
PRIOR_WEIGHT = 20
TEXT_WEIGHT_MAX = 0.75   # the text's share when the text labels are certain of every example
# Softmax temperature (as a logit scale) of the text labels' probabilities that set the text weight;
# trained models learn 15-30. A soft probability, unlike the share of examples whose top text label
# is right, does not swing from 0 to 1 on one example (docs/design-notes.md, enrollment).
TEXT_PROBABILITY_SCALE = 20.0


def unit_rows(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


@dataclass
class EnrolledClasses:
    names: list[str]
    embeddings: np.ndarray      # (M, D) unit rows
    index: np.ndarray           # (M,) class of each row
    text_weight: np.ndarray     # (K,)
    calibration: np.ndarray     # (2,) scale, offset

    def __post_init__(self) -> None:
        order = np.argsort(self.index, kind="stable")   # rows grouped by class: one max per group
        self._rows_t = np.ascontiguousarray(self.embeddings[order].T)
        self._starts = np.searchsorted(self.index[order], np.arange(len(self.names)))

    @classmethod
    def empty(cls, dim: int) -> EnrolledClasses:
        return cls([], np.zeros((0, dim), np.float32), np.zeros(0, np.int64), np.zeros(0, np.float32),
                   np.array([1.0, 0.0], np.float32))

    def __len__(self) -> int:
        return len(self.names)

    def counts(self) -> dict[str, int]:
        return {name: int((self.index == k).sum()) for k, name in enumerate(self.names)}

    def nearest(self, embeddings: np.ndarray) -> np.ndarray:
        """(B, D) -> (B, K) cosine to each class's nearest enrolled example."""
        sims = np.asarray(embeddings, np.float32) @ self._rows_t
        return np.maximum.reduceat(sims, self._starts, axis=1)

    def scores(self, embeddings: np.ndarray) -> np.ndarray:
        """(B, D) unit embeddings -> (B, K) calibrated scores, on the scale of text-label cosines."""
        if not self.names:
            return np.zeros((len(embeddings), 0), np.float32)
        return self.nearest(embeddings) * self.calibration[0] + self.calibration[1]

    def class_names(self, text_labels: list[str]) -> list[str]:
        """The text labels, then the enrolled classes that are not also text labels."""
        return list(text_labels) + [n for n in self.names if n not in text_labels]

    def combine(self, text_scores: np.ndarray, embeddings: np.ndarray, text_labels: list[str]) -> np.ndarray:
        """(B, L) text cosines -> (B, len(class_names)) scores: a class enrolled under a text label's
        name mixes text and examples by its text weight; the others are appended."""
        if not self.names:
            return text_scores
        examples = self.scores(embeddings)
        out = np.array(text_scores, dtype=np.float32, copy=True)
        position = {label: j for j, label in enumerate(text_labels)}
        for k, name in enumerate(self.names):
            if name in position:
                w = self.text_weight[k]
                out[:, position[name]] = w * out[:, position[name]] + (1 - w) * examples[:, k]
        appended = [k for k, n in enumerate(self.names) if n not in position]
        return np.hstack([out, examples[:, appended]]) if appended else out

    def with_class(self, name: str, windows: np.ndarray, text_percentiles: dict,
                   text_weight: float = 0.0) -> EnrolledClasses:
        """A copy with ``name`` (re-)enrolled from (N, D) window embeddings; any old examples go."""
        names, embeddings, index, weights = self._parts_without(name)
        return _calibrated([*names, name], np.concatenate([embeddings, unit_rows(windows)]),
                           np.concatenate([index, np.full(len(windows), len(names))]),
                           np.append(weights, text_weight), text_percentiles)

    def without(self, name: str, text_percentiles: dict) -> EnrolledClasses:
        if name not in self.names:
            raise ValueError(f"{name!r} is not enrolled")
        return _calibrated(*self._parts_without(name), text_percentiles)

    def _parts_without(self, name: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """(names, embeddings, class index, text weights) without ``name`` (unchanged if absent)."""
        if name not in self.names:
            return self.names, self.embeddings, self.index, self.text_weight
        k = self.names.index(name)
        keep = self.index != k
        index = self.index[keep]
        return ([n for n in self.names if n != name], self.embeddings[keep], np.where(index > k, index - 1, index),
                np.delete(self.text_weight, k))

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"enrolled_names": np.array(self.names, dtype=str), "enrolled_embeddings": self.embeddings,
                "enrolled_class": self.index.astype(np.int64), "enrolled_text_weight": self.text_weight,
                "enrolled_calibration": self.calibration}

    @classmethod
    def from_arrays(cls, arrays: dict, dim: int, source: str) -> EnrolledClasses:
        """From labels.npz members (an empty set when the bundle has no enrolled classes)."""
        if "enrolled_names" not in arrays:
            return cls.empty(dim)
        try:
            names = [str(s) for s in arrays["enrolled_names"].tolist()]
            emb = np.asarray(arrays["enrolled_embeddings"], np.float32).reshape(-1, dim)
            index = np.asarray(arrays["enrolled_class"], np.int64)
            weight = np.asarray(arrays["enrolled_text_weight"], np.float32)
            calibration = np.asarray(arrays["enrolled_calibration"], np.float32).reshape(2)
        except (KeyError, ValueError) as exc:
            raise BundleError(f"{source} holds incomplete enrolled classes ({exc}); re-enroll them") from exc
        consistent = (len(index) == len(emb) and len(weight) == len(names) == len(set(names))
                      and set(index.tolist()) == set(range(len(names))) and np.isfinite(emb).all()
                      and np.isfinite(calibration).all() and ((weight >= 0) & (weight <= 1)).all())
        if not consistent:
            raise BundleError(f"{source} holds inconsistent enrolled classes; re-enroll them")
        return cls(names, unit_rows(emb), index, weight, calibration)


def label_scores(embeddings: np.ndarray, bank_t: np.ndarray, text_labels: list[str],
                 enrolled: EnrolledClasses | None) -> np.ndarray:
    """(B, D) unit embeddings -> (B, C) scores: the cosine with every text label (``bank_t`` is the
    (D, L) transposed label bank), then the enrolled classes, if any, on the same scale."""
    scores = np.asarray(embeddings, dtype=np.float32) @ bank_t
    return enrolled.combine(scores, embeddings, text_labels) if enrolled else scores


def text_weight(examples: np.ndarray, text_bank: np.ndarray, text_labels: list[str], name: str) -> float:
    """TEXT_WEIGHT_MAX x the text labels' mean probability of ``name`` over a class's examples (0 when
    the name is not a text label)."""
    if name not in text_labels:
        return 0.0
    logits = np.asarray(examples, np.float32) @ np.asarray(text_bank, np.float32).T * TEXT_PROBABILITY_SCALE
    return float(TEXT_WEIGHT_MAX * softmax_rows(logits)[:, text_labels.index(name)].mean())


def softmax_rows(logits: np.ndarray) -> np.ndarray:
    """Each row's softmax (shifted by the row's maximum, so large logits do not overflow)."""
    odds = np.exp(logits - logits.max(axis=1, keepdims=True))
    return odds / odds.sum(axis=1, keepdims=True)


def _calibrated(names, embeddings, index, weights, text_percentiles: dict) -> EnrolledClasses:
    scale, offset = calibrate(embeddings, index, text_percentiles)
    return EnrolledClasses(list(names), embeddings, index, np.asarray(weights, np.float32),
                           np.array([scale, offset], np.float32))


def calibrate(embeddings: np.ndarray, index: np.ndarray, text_percentiles: dict) -> tuple[float, float]:
    """(scale, offset) mapping the enrolled windows' leave-one-out nearest-example cosines (each
    window against the other examples of its class) onto the text labels' 5th percentile and
    median. With few windows the percentiles lean on PRIOR_OWN_COSINE, as if PRIOR_WEIGHT windows
    had been seen."""
    own = []
    for k in np.unique(index):
        x = embeddings[index == k]
        if len(x) >= 2:
            sims = x @ x.T
            np.fill_diagonal(sims, -np.inf)
            own.extend(sims.max(axis=1).tolist())
    p5, p50 = PRIOR_OWN_COSINE["p5"], PRIOR_OWN_COSINE["p50"]
    if own:
        w = len(own) / (len(own) + PRIOR_WEIGHT)
        p5, p50 = w * np.percentile(own, 5) + (1 - w) * p5, w * np.percentile(own, 50) + (1 - w) * p50
    scale = (text_percentiles["p50"] - text_percentiles["p5"]) / max(p50 - p5, MIN_SPREAD)
    return float(scale), float(text_percentiles["p50"] - scale * p50)
