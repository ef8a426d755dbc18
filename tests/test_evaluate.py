import numpy as np
import pytest

from aura_edge.errors import DataError
from aura_edge.evaluate import f1_per_class, retrieval, retrieval_ranks, zero_shot


def test_retrieval_ranks_on_a_known_ranking():
    q = np.eye(3, dtype=np.float32)
    # Candidate scores per query: query 0 ranks its pair 1st, query 1 ranks its pair 3rd, query 2 2nd.
    c = np.array([[1.0, 0.5, 0.2], [0.9, 0.1, 0.8], [0.6, 0.2, 0.5]], dtype=np.float32).T
    ranks = retrieval_ranks(q, c, ["a", "b", "c"], ["a", "b", "c"])
    assert ranks.tolist() == [1, 3, 2]


def test_identical_captions_count_as_correct():
    q = np.eye(2, dtype=np.float32)
    c = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32)  # each query prefers the other candidate
    assert retrieval_ranks(q, c, ["x", "y"], ["x", "y"]).tolist() == [2, 2]
    assert retrieval_ranks(q, c, ["x", "x"], ["x", "x"]).tolist() == [1, 1]


def test_retrieval_reports_pool_size_recall_and_mrr():
    rng = np.random.default_rng(0)
    emb = rng.normal(size=(20, 8)).astype(np.float32)
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    results = retrieval(emb, emb, [f"c{i}" for i in range(20)], ks=(1, 10))
    assert [r.n for r in results] == [20, 20]
    assert results[0].recall[1] == 1.0 and results[0].mrr == 1.0


def test_zero_shot_accuracy_macro_f1_and_confusion():
    bank = np.eye(3, dtype=np.float32)
    emb = np.array([[1, 0, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0]], dtype=np.float32)
    result = zero_shot(emb, ["a", "a", "b", "b"], ["a", "b", "c"], bank)
    assert result.accuracy == 0.75
    # a: P=2/3 R=1 -> 0.8; b: P=1 R=0.5 -> 2/3; c absent from the data and not averaged.
    assert result.macro_f1 == pytest.approx((0.8 + 2 / 3) / 2)
    assert result.confusion.tolist() == [[2, 0, 0], [1, 1, 0], [0, 0, 0]]


def test_f1_of_a_class_never_predicted_is_zero():
    assert f1_per_class(np.array([[0, 2], [0, 3]])).tolist()[0] == 0.0


def test_zero_shot_rejects_labels_outside_the_label_set():
    with pytest.raises(DataError, match="not in the label set"):
        zero_shot(np.eye(2, dtype=np.float32), ["a", "z"], ["a", "b"], np.eye(2, dtype=np.float32))
