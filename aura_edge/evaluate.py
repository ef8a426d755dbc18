"""Retrieval (R@k, MRR) and zero-shot classification (accuracy, macro-F1, confusion matrix).

Metrics are computed on numpy embeddings, so the same functions score PyTorch, ONNX and INT8
models. Retrieval always states the candidate-pool size N.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from aura_edge.errors import DataError

# Zero-shot prompts: each label is embedded in every template and the unit vectors averaged.
PROMPT_TEMPLATES = ("{}", "a person is {}", "someone {}", "a person doing {}", "the wearer is {}")


def build_label_bank(text_encoder, labels: list[str], templates=PROMPT_TEMPLATES) -> np.ndarray:
    """(C, D) unit vectors: the mean of each label's template embeddings, re-normalised."""
    if not labels:
        raise DataError("the label list is empty; pass at least two activity labels")
    prompts = [t.format(label) for label in labels for t in templates]
    emb = text_encoder.encode(prompts).reshape(len(labels), len(templates), -1).mean(axis=1)
    return (emb / np.linalg.norm(emb, axis=1, keepdims=True)).astype(np.float32)


@dataclass
class ZeroShotResult:
    labels: list[str]
    accuracy: float
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: np.ndarray  # (C, C) rows = true label, columns = predicted label
    n: int

    def summary(self) -> dict:
        return {"accuracy": self.accuracy, "macro_f1": self.macro_f1, "n": self.n, "classes": len(self.labels)}


def zero_shot(embeddings: np.ndarray, true_labels, labels: list[str], label_bank: np.ndarray) -> ZeroShotResult:
    """Classify each embedding as the label whose bank vector is most similar."""
    true_labels = np.asarray(true_labels).astype(str)
    unknown = sorted(set(true_labels) - set(labels))
    if unknown:
        raise DataError(f"labels {unknown} are not in the label set {labels}")
    truth = np.array([labels.index(lab) for lab in true_labels])
    predicted = np.argmax(embeddings @ label_bank.T, axis=1)
    confusion = np.zeros((len(labels), len(labels)), dtype=np.int64)
    np.add.at(confusion, (truth, predicted), 1)
    f1 = f1_per_class(confusion)
    present = confusion.sum(axis=1) > 0  # macro-F1 over the classes that occur in the data
    return ZeroShotResult(labels, float((predicted == truth).mean()), float(f1[present].mean()),
                          {lab: float(v) for lab, v in zip(labels, f1)}, confusion, len(truth))


def f1_per_class(confusion: np.ndarray) -> np.ndarray:
    tp = np.diag(confusion).astype(float)
    precision = tp / np.maximum(confusion.sum(axis=0), 1)
    recall = tp / np.maximum(confusion.sum(axis=1), 1)
    return np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-12), 0.0)


@dataclass
class RetrievalResult:
    direction: str
    n: int  # candidate-pool size
    recall: dict[int, float] = field(default_factory=dict)
    mrr: float = 0.0

    def summary(self) -> dict:
        return {"direction": self.direction, "N": self.n, **{f"R@{k}": v for k, v in self.recall.items()},
                "MRR": self.mrr}


def retrieval_ranks(queries: np.ndarray, candidates: np.ndarray, query_keys, candidate_keys) -> np.ndarray:
    """1-based rank of the first correct candidate for each query.

    Row i of queries is paired with row i of candidates. Candidates whose key equals the query's
    key (e.g. the identical caption text) are equally correct, so the best-scoring one counts.
    """
    scores = queries @ candidates.T  # (N, N)
    query_keys, candidate_keys = np.asarray(query_keys), np.asarray(candidate_keys)
    correct = query_keys[:, None] == candidate_keys[None, :]
    best_correct = np.where(correct, scores, -np.inf).max(axis=1)
    return 1 + (np.where(correct, -np.inf, scores) > best_correct[:, None]).sum(axis=1)


def retrieval(imu_emb: np.ndarray, text_emb: np.ndarray, captions, ks=(1, 10, 50)) -> list[RetrievalResult]:
    """IMU->text and text->IMU retrieval over N paired windows and captions."""
    captions = np.asarray(captions).astype(str)
    results = []
    for direction, q, c in (("imu->text", imu_emb, text_emb), ("text->imu", text_emb, imu_emb)):
        ranks = retrieval_ranks(q, c, captions, captions)
        results.append(RetrievalResult(direction, len(ranks), {k: float((ranks <= k).mean()) for k in ks},
                                       float((1.0 / ranks).mean())))
    return results


def save_confusion_png(result: ZeroShotResult, path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = result.confusion.astype(float)
    rates = c / np.maximum(c.sum(axis=1, keepdims=True), 1)
    size = 3 + 0.45 * len(result.labels)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    im = ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(result.labels)), result.labels, rotation=60, ha="right")
    ax.set_yticks(range(len(result.labels)), result.labels)
    for (i, j), v in np.ndenumerate(result.confusion):
        if v:
            ax.text(j, i, str(v), ha="center", va="center", fontsize=7,
                    color="white" if rates[i, j] > 0.5 else "black")
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"{title}\naccuracy {result.accuracy:.3f}, macro-F1 {result.macro_f1:.3f}, N={result.n}")
    fig.colorbar(im, ax=ax, fraction=0.046)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
