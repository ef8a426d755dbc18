"""Few-shot evaluation of enrollment, as a user would meet it: enroll K windows per class recorded
by some people, recognise the windows of others.

Each draw splits the people in two (windows are split in two per class when the data name no
people), enrolls K random windows of each class from the first half, and scores the second half
three ways on the same windows: zero-shot (text labels only), examples only (nearest enrolled
example, `aura_edge.runtime.enrolled`), and both (each class enrolled under its text label, so it
scores the text/example mixture). Mean and spread over draws. Works on embeddings: numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from aura_edge.errors import DataError
from aura_edge.evaluate import classify
from aura_edge.runtime.enrolled import EnrolledClasses, text_weight

MODES = ("zero-shot", "examples", "text+examples")


@dataclass(frozen=True)
class FewShotSplit:
    enroll: np.ndarray    # indices of the windows examples are drawn from
    test: np.ndarray      # indices of the windows scored


def split_people(groups: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> FewShotSplit:
    """Half the people enroll, the others are scored; without people, half of each class's windows."""
    people = np.unique(groups)
    if len(people) >= 2:
        enrollers = rng.permutation(people)[:len(people) // 2]
        mask = np.isin(groups, enrollers)
    else:
        mask = np.zeros(len(labels), bool)
        for label in np.unique(labels):
            idx = rng.permutation(np.flatnonzero(labels == label))
            mask[idx[:len(idx) // 2]] = True
    return FewShotSplit(np.flatnonzero(mask), np.flatnonzero(~mask))


def enroll_shots(embeddings, labels, candidates, k, rng, text_percentiles, classes, text_bank,
                 text_labels) -> EnrolledClasses:
    """K random windows of each class among ``candidates`` (fewer where fewer exist), each class
    enrolled as `aura-edge enroll` would (its text weight from the text bank)."""
    enrolled = EnrolledClasses.empty(embeddings.shape[1])
    for name in classes:
        pool = candidates[labels[candidates] == name]
        if len(pool) == 0:
            raise DataError(f"no enrollment window of {name!r} in this draw; the data need each activity "
                            "from at least two people (or two windows without a subject key)")
        chosen = rng.choice(pool, size=min(k, len(pool)), replace=False)
        shots = embeddings[chosen]
        enrolled = enrolled.with_class(name, shots, text_percentiles,
                                       text_weight(shots, text_bank, text_labels, name))
    return enrolled


def few_shot(embeddings: np.ndarray, labels, groups, text_bank: np.ndarray, text_labels: list[str],
             text_percentiles: dict, k: int, draws: int = 5, seed: int = 0, classes: list[str] | None = None) -> dict:
    """{mode: {accuracy/macro_f1: mean, std}} over ``draws``; macro-F1 over ``classes`` (default:
    every class in the data). Every window of the data must carry a label of ``text_labels``."""
    labels, groups = np.asarray(labels).astype(str), np.asarray(groups)
    present = sorted(set(labels.tolist()))
    classes = classes or present
    rng = np.random.default_rng(seed)
    runs: dict[str, list[tuple[float, float]]] = {mode: [] for mode in MODES}
    for _ in range(draws):
        split = split_people(groups, labels, rng)
        enrolled = enroll_shots(embeddings, labels, split.enroll, k, rng, text_percentiles, present, text_bank,
                                text_labels)
        test_emb, test_labels = embeddings[split.test], labels[split.test]
        text = test_emb @ text_bank.T
        scores = {"zero-shot": (text, text_labels),
                  "examples": (enrolled.scores(test_emb), enrolled.names),
                  "text+examples": (enrolled.combine(text, test_emb, text_labels), text_labels)}
        for mode, (s, names) in scores.items():
            result = classify(s, test_labels, list(names))
            f1 = float(np.mean([result.per_class_f1[c] for c in classes]))
            runs[mode].append((result.accuracy, f1))
    summary = {mode: {"accuracy": float(np.mean([a for a, _ in r])), "accuracy_std": float(np.std([a for a, _ in r])),
                      "macro_f1": float(np.mean([f for _, f in r])), "macro_f1_std": float(np.std([f for _, f in r]))}
               for mode, r in runs.items()}
    return {"k": k, "draws": draws, "test_windows": len(split.test), "classes": len(classes), **summary}
