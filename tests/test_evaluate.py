import numpy as np
import pytest

from aura_edge.errors import ConfigError, DataError
from aura_edge.evaluate import (DEFAULT_LABEL_EXPANSION, anchor_captions, expand_label_bank, f1_per_class,
                                label_expansion_for, retrieval, retrieval_ranks, run_label_bank, zero_shot)


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


# --- label expansion ----------------------------------------------------------------------------

def unit(rows) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float64)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_expansion_pulls_a_label_toward_its_nearest_caption_and_keeps_unit_length():
    anchors = np.eye(3)
    bank = unit([[0.8, 0.6, 0.0], [0.0, 0.6, 0.8]])
    out = expand_label_bank(bank, anchors, weight=2.0, sharpness=40.0)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    assert out[0, 0] > bank[0, 0] and out[0, 1] < bank[0, 1]     # toward anchor 0, its nearest
    assert out[1, 2] > bank[1, 2] and out[1, 1] < bank[1, 1]     # toward anchor 2
    assert np.allclose(expand_label_bank(bank, anchors, 0.0), bank)
    # a large weight and sharpness leave only the nearest caption
    assert np.allclose(expand_label_bank(bank, anchors, 1e6, 1e3), anchors[[0, 2]], atol=1e-5)
    # a blunt softmax averages the captions each label claims: the pull no longer prefers the nearest
    # one (anchor 1 is as near both labels, so both claim it)
    blunt = expand_label_bank(bank, anchors, 1e6, 1e-6)
    assert np.allclose(blunt, unit([[1, 1, 0], [0, 1, 1]]), atol=1e-4)
    # alone, a label claims every caption
    assert np.allclose(expand_label_bank(bank[:1], anchors, 1e6, 1e-6), unit([[1, 1, 1]]), atol=1e-4)


def test_expansion_leaves_captions_nearer_another_label_to_that_label():
    # "hoovering" (no caption of its own) is nearest the broom caption, but "sweeping" is nearer still
    anchors = unit([[1, 0, 0], [0, 1, 0]])                  # a broom caption, an unrelated one
    hoovering, sweeping = unit([[0.7, 0.3, 0.65]])[0], unit([[0.95, 0, 0.3]])[0]
    alone = expand_label_bank(hoovering[None], anchors, 2.0, sharpness=5.0)[0]
    beside = expand_label_bank(np.stack([hoovering, sweeping]), anchors, 2.0, sharpness=5.0)
    assert alone @ anchors[0] > hoovering @ anchors[0] + 0.2          # without a rival: pulled onto the broom
    assert beside[0] @ anchors[0] < hoovering @ anchors[0] - 0.05     # with one: not pulled onto it
    assert beside[1] @ anchors[0] > sweeping @ anchors[0] + 0.02      # the broom caption pulls its own label
    # the unrelated caption is the one "hoovering" claims; far away, it weighs little in the softmax
    assert 0.1 < beside[0] @ anchors[1] - hoovering @ anchors[1] < 0.3


def run_config(**fields):
    from aura_edge.train.run_config import RunConfig

    return RunConfig(imu_encoder={"family": "senvt", "size": "SS"}, text_encoder="test", input_contract={}, train={},
                     **fields)


def test_label_expansion_of_a_run_needs_its_recorded_captions():
    vectors = {"a person walks": [1, 0, 0], "someone sits down": [0, 1, 0], "walk": [1, 0, 0], "sit": [0, 1, 0],
               "strolling": [0.6, 0.2, 0.8]}

    class Encoder:
        id = "test-word-vectors"

        def encode(self, texts):
            return unit([vectors[t] for t in texts])

    config = run_config(prompt_templates=("{}",), captions=("a person walks", "someone sits down"))
    plain = run_label_bank(Encoder(), ["strolling", "sit"], config, expansion=0.0)
    expanded = run_label_bank(Encoder(), ["strolling", "sit"], config, expansion=2.0)
    assert np.allclose(plain[1], expanded[1], atol=1e-6)          # already where its caption is
    assert expanded[0] @ vectors["a person walks"] > plain[0] @ vectors["a person walks"] + 0.3
    # beside "walk", the walking caption is walk's: "strolling" is not pulled onto it
    rivals = run_label_bank(Encoder(), ["strolling", "walk"], config, expansion=2.0)
    assert rivals[0] @ vectors["a person walks"] < plain[0] @ vectors["a person walks"] + 0.05
    with pytest.raises(ConfigError, match="does not record its training captions"):
        run_label_bank(Encoder(), ["walk"], run_config(prompt_templates=("{}",)), expansion=2.0)
    assert np.allclose(run_label_bank(Encoder(), ["sit"], run_config(prompt_templates=("{}",))), plain[1:])


def test_runs_that_record_captions_expand_by_default_and_older_runs_do_not():
    walks = run_config(captions=("a person walks",))
    assert label_expansion_for(walks) == DEFAULT_LABEL_EXPANSION > 0
    assert label_expansion_for(walks, 0.0) == 0.0
    assert label_expansion_for(walks, 3.0) == 3.0
    assert label_expansion_for(run_config()) == 0.0 and label_expansion_for(run_config(captions=()), 0.0) == 0.0
    with pytest.raises(ConfigError, match="retrain it, or pass --label-expansion 0"):
        label_expansion_for(run_config(), 0.5)


def test_a_run_records_its_most_frequent_distinct_captions_as_anchors(monkeypatch):
    from aura_edge import evaluate

    monkeypatch.setattr(evaluate, "MAX_ANCHORS", 2)
    assert anchor_captions(np.array(["b", "a", "b", "c", "a", "b"])) == ["b", "a"]
