"""Retrieval (R@k, MRR) and zero-shot classification (accuracy, macro-F1, confusion matrix).

Metrics are computed on numpy embeddings, so the same functions score PyTorch, ONNX and INT8
models. Retrieval always states the candidate-pool size N.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from aura_edge.errors import ConfigError, DataError
from aura_edge.runtime.enrolled import softmax_rows

if TYPE_CHECKING:  # a type only: evaluate.py does not need the training package at run time
    from aura_edge.train.run_config import RunConfig

# Zero-shot prompts: each label is embedded in every template and the unit vectors averaged.
PROMPT_TEMPLATES = ("{}", "a person is {}", "someone {}", "a person doing {}", "the wearer is {}")


# Label expansion: how sharply a label's nearest training captions are preferred over farther ones
# (a softmax temperature of 1/40 on cosine similarity). Chosen with the weight on development
# phrasings (synth DEV_PHRASINGS, benchmarks/bench_label_expansion.py), never on the test phrasings.
EXPANSION_SHARPNESS = 40.0
# The default weight: the best development score for paraphrases plus labels no caption describes
# (what it gains and costs: docs/generalisation.md, Label expansion).
DEFAULT_LABEL_EXPANSION = 1.0
MAX_ANCHORS = 2000


# A label may carry a description of its movement: "bird dog: on hands and knees, reaching one arm
# forward and the opposite leg back". Its embedding is then the name's (through the templates)
# plus this weight times the description's, re-normalised.
DESCRIPTION_WEIGHT = 1.0


def split_label(entry: str) -> tuple[str, str]:
    """'name: description' -> (name, description); a label without ': ' has the description ''."""
    name, sep, description = str(entry).partition(": ")
    if sep and name.strip() and description.strip():
        return name.strip(), description.strip()
    return str(entry).strip(), ""


def label_names(entries) -> list[str]:
    """The names of label entries, without their descriptions."""
    return [split_label(e)[0] for e in entries]


def build_label_bank(text_encoder, labels: list[str], templates=PROMPT_TEMPLATES, anchors=(),
                     expansion: float = 0.0) -> np.ndarray:
    """(C, D) unit vectors: the mean of each label's template embeddings, with its description's
    added when it has one ('name: description'), re-normalised; pulled toward the nearest of the
    ``anchors`` (training captions) when ``expansion`` > 0."""
    if not labels:
        raise DataError("the label list is empty; pass at least two activity labels")
    names, descriptions = zip(*(split_label(label) for label in labels))
    prompts = [t.format(name) for name in names for t in templates]
    emb = text_encoder.encode(prompts).reshape(len(labels), len(templates), -1).mean(axis=1)
    bank = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    described = [i for i, d in enumerate(descriptions) if d]
    if described:
        d = text_encoder.encode([descriptions[i] for i in described])
        mixed = bank[described] + DESCRIPTION_WEIGHT * d / np.linalg.norm(d, axis=1, keepdims=True)
        bank[described] = mixed / np.linalg.norm(mixed, axis=1, keepdims=True)
    if expansion > 0:
        if not len(anchors):
            raise DataError("label expansion needs the training captions as anchors, and none were given")
        from aura_edge.models.frozen import EmbeddingCache

        # The run's captions: training already cached their embeddings, so nothing is encoded again.
        anchor_emb = EmbeddingCache().encode(text_encoder, list(anchors))
        bank = expand_label_bank(bank, anchor_emb / np.linalg.norm(anchor_emb, axis=1, keepdims=True), expansion)
    return bank.astype(np.float32)


def expand_label_bank(bank: np.ndarray, anchors: np.ndarray, weight: float,
                      sharpness: float = EXPANSION_SHARPNESS) -> np.ndarray:
    """Each label plus ``weight`` times the softmax-weighted mean of the anchors nearest it, re-normalised;
    an anchor nearer another label of the bank pulls only that label.

    A label the model never saw ("hoovering") lands where the captions it resembles ("vacuuming
    the carpet") taught the IMU encoder to point. The competition is what keeps a label for an
    activity no caption describes from being pulled onto captions that already have their label
    in the set: "hoovering" beside "sweeping" leaves the broom captions to "sweeping". With one
    label, or labels that claim disjoint captions, it is the plain softmax-weighted pull.
    """
    sim = bank @ anchors.T
    claimed = sim >= sim.max(axis=0, keepdims=True)      # (C, K): no other label is nearer anchor k
    p = softmax_rows(sim * sharpness)
    # Divided by the length of the unclaimed pull, so a label whose neighbours are all its own moves
    # exactly as far as without competition, and one whose neighbours are claimed moves less.
    reach = np.linalg.norm(p @ anchors, axis=1, keepdims=True)
    out = bank + weight * ((p * claimed) @ anchors) / reach
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def label_expansion_for(run_config: RunConfig, requested: float | None = None) -> float:
    """The expansion weight a run's labels get: ``requested``, or by default DEFAULT_LABEL_EXPANSION
    when the run records its training captions (runs trained before label expansion get none)."""
    if requested is None:
        return DEFAULT_LABEL_EXPANSION if run_config.captions else 0.0
    if requested > 0 and not run_config.captions:
        raise ConfigError("this run does not record its training captions (it was trained before label expansion "
                          "existed), so --label-expansion cannot be applied; retrain it, or pass --label-expansion 0")
    return float(requested)


def run_label_bank(text_encoder, labels: list[str], run_config: RunConfig,
                   expansion: float | None = None) -> np.ndarray:
    """The label bank a run is scored with: its prompt templates, and its training captions as anchors
    (expansion None: the default for the run, see ``label_expansion_for``)."""
    return build_label_bank(text_encoder, labels, run_config.prompt_templates or PROMPT_TEMPLATES,
                            run_config.captions, label_expansion_for(run_config, expansion))


def anchor_captions(captions) -> list[str]:
    """The training captions a run records for label expansion: distinct texts, the most frequent
    MAX_ANCHORS of them (a large narrated corpus would otherwise make every label bank slow)."""
    from collections import Counter

    return [text for text, _ in Counter(np.asarray(captions).astype(str).tolist()).most_common(MAX_ANCHORS)]


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
    """Classify each embedding as the label whose bank vector is most similar (labels may carry
    descriptions, 'name: description'; the result names them by name)."""
    return classify(embeddings @ label_bank.T, true_labels, label_names(labels))


def classify(scores: np.ndarray, true_labels, labels: list[str]) -> ZeroShotResult:
    """(N, C) scores of ``labels`` -> accuracy, macro-F1 and confusion of their argmax."""
    true_labels = np.asarray(true_labels).astype(str)
    unknown = sorted(set(true_labels) - set(labels))
    if unknown:
        raise DataError(f"labels {unknown} are not in the label set {labels}")
    truth = np.array([labels.index(lab) for lab in true_labels])
    predicted = np.argmax(scores, axis=1)
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
