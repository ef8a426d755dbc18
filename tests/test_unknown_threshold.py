"""The 'unknown' cut-off is measured per model at export and used by the runtime by default."""

from pathlib import Path

import numpy as np

from aura_edge.export.bundle import unknown_threshold
from aura_edge.runtime.bundle import Bundle
from aura_edge.runtime.recognizer import DEFAULT_UNKNOWN_BELOW, Recognizer, SmoothingConfig
from aura_edge.runtime.stream import StreamConfig


def test_threshold_is_the_lowest_per_activity_percentile_of_correct_top1_scores():
    bank = np.eye(3, dtype=np.float32)
    rng = np.random.default_rng(0)
    cls = np.arange(90) % 3
    top = rng.uniform(0.3, 0.5, 90) - 0.1 * (cls == 1)  # activity "b" scores lower overall
    emb = np.zeros((90, 3), dtype=np.float32)
    emb[np.arange(90), cls] = top
    truth = np.array(["a", "b", "c"])[cls]
    truth[[0, 3]] = "c"  # two misclassified "a" windows must not count
    correct = np.array(["a", "b", "c"])[cls] == truth
    expected = min(np.percentile(top[correct & (truth == lab)], 5) for lab in ("a", "b", "c"))
    got = unknown_threshold(emb, truth, ["a", "b", "c"], bank)
    assert got == round(float(expected), 4)
    assert got < 0.3  # set by the low-scoring activity, not by the pooled scores
    assert unknown_threshold(emb[:4], truth[:4], ["a", "b", "c"], bank) is None


def test_recognizer_uses_the_measured_threshold_unless_one_is_given():
    def bundle(manifest):
        return Bundle(Path("b"), manifest, "int8", engine=None, labels=["a", "b"],
                      label_bank=np.eye(2, dtype=np.float32))

    measured = bundle({"output_contract": {"unknown_below": 0.31}})
    assert bundle({"metrics": {"int8_vs_fp32": {"unknown_below": 0.29}}}).unknown_below == 0.29  # older bundles
    assert Recognizer.from_bundle(measured).smoothing.unknown_below == 0.31
    assert Recognizer.from_bundle(measured, smoothing=SmoothingConfig(unknown_below=0.1)).smoothing.unknown_below == 0.1
    assert Recognizer.from_bundle(bundle({})).smoothing.unknown_below == DEFAULT_UNKNOWN_BELOW
    assert StreamConfig(["sim://walking"]).smoothing_config.unknown_below is None  # left to the bundle
