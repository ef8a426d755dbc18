"""`aura-edge eval --conditions`: held-out synthetic conditions scored for a run and its baseline."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from aura_edge import generalisation
from aura_edge.cli import main
from aura_edge.errors import ConfigError
from aura_edge.models import build_encoder, imu_encoder_config
from aura_edge.synth import ACTIVITIES, HELD_OUT_PHRASINGS, build_corpus
from aura_edge.train.checkpoint import save_untrained_run

SPEC = "synth?subjects=1,0,1&windows=1&exclude=ankle&rates=26-1000"


@pytest.fixture(scope="module")
def untrained_run(tmp_path_factory):
    encoder = build_encoder(imu_encoder_config("senvt", "SS", 384))
    return save_untrained_run(tmp_path_factory.mktemp("runs") / "run", encoder, list(ACTIVITIES), SPEC)


def test_conditions_change_one_thing_each_and_add_the_left_out_placement():
    conditions = {c.name: c for c in generalisation.conditions_for(SPEC, ("ankle",), windows=2)}
    assert list(conditions) == ["in-distribution", "unseen subjects", "low rate 10-25 Hz", "gravity removed",
                                "any orientation", "unseen phrasing", "placement ankle"]
    assert conditions["any orientation"].turned and conditions["any orientation"].config == conditions[
        "unseen subjects"].config
    seen, test = conditions["in-distribution"], conditions["unseen subjects"]
    assert seen.split == "train" and seen.config.episode_seed == 1 and test.split == "test"
    assert "ankle" not in test.config.placements and test.config.rates_hz == (26.0, 1000.0)
    assert conditions["low rate 10-25 Hz"].config.rates_hz == (10.0, 25.0)
    assert conditions["gravity removed"].config.gravity_removed == 1.0
    assert conditions["placement ankle"].config.placements == ("ankle",)
    ankle = build_corpus(conditions["placement ankle"].config)["test"]
    assert set(ankle.placement) == {"ankle"} and len(ankle) == 2 * len(ACTIVITIES)
    with pytest.raises(ConfigError, match="synthetic"):
        generalisation.conditions_for("/data/egoexo4d")
    # Random training sites stay in training: every condition is scored at the named placements.
    with_sites = generalisation.conditions_for(SPEC + "&random_sites=0.4", ("ankle",), windows=2)
    assert [c.config for c in with_sites] == [c.config for c in conditions.values()]


def test_turned_windows_keep_magnitudes_and_their_own_rotation_per_window():
    windows = build_corpus(generalisation.conditions_for(SPEC, windows=1)[1].config)["test"]
    turned = generalisation.turned(windows)
    for part in (slice(0, 3), slice(3, 6)):   # a rotation keeps |specific force| and |angular rate|
        np.testing.assert_allclose(np.linalg.norm(turned.imu[:, part], axis=1),
                                   np.linalg.norm(windows.imu[:, part], axis=1), rtol=1e-4, atol=1e-4)
    assert not np.allclose(turned.imu, windows.imu, atol=0.1)
    # accelerometer and gyroscope turn together: their dot product is kept sample by sample
    np.testing.assert_allclose((turned.imu[:, :3] * turned.imu[:, 3:]).sum(1),
                               (windows.imu[:, :3] * windows.imu[:, 3:]).sum(1), rtol=1e-3, atol=1e-3)
    assert np.array_equal(turned.label, windows.label)
    assert np.array_equal(generalisation.turned(windows).imu, turned.imu)   # seeded


def test_unseen_phrasing_scores_against_the_held_out_names(untrained_run, monkeypatch):
    from aura_edge.models.frozen import load_text_encoder
    from aura_edge.train.checkpoint import load_run

    banks = []
    real = generalisation.run_label_bank
    monkeypatch.setattr(generalisation, "run_label_bank", lambda enc, labels, config, w=None: banks.append(labels)
                        or real(enc, labels, config, w))
    condition = [c for c in generalisation.conditions_for(SPEC, windows=1) if c.phrasing][0]
    row = generalisation.evaluate_condition(condition, {"m": load_run(untrained_run)}, load_text_encoder("minilm"))
    assert banks == [[HELD_OUT_PHRASINGS[a] for a in ACTIVITIES]]
    assert row["windows"] == len(ACTIVITIES) and 0.0 <= row["m"]["macro_f1"] <= 1.0


def test_eval_conditions_writes_the_table_with_ratios(untrained_run):
    result = CliRunner().invoke(main, ["eval", "--run", str(untrained_run), "--conditions"])
    assert result.exit_code == 0, result.output
    saved = json.loads((untrained_run / "generalisation.json").read_text())
    rows = {r["condition"]: r for r in saved["rows"]}
    assert saved["models"] == ["senvt-SS"] and "placement ankle" in rows
    ref = rows["in-distribution"]["senvt-SS"]["macro_f1"]
    for r in rows.values():   # an untrained model may score 0 in-distribution: then no ratio is claimed
        assert r["ratio"] is None if ref == 0 else r["ratio"] == pytest.approx(r["senvt-SS"]["macro_f1"] / ref, abs=1e-3)
    report = (untrained_run / "report.md").read_text()
    assert "## Generalisation" in report and "| placement ankle |" in report
    assert "gravity removed" in result.output


def test_with_ratios_and_markdown_table():
    rows = [{"condition": "in-distribution", "windows": 4, "a": {"accuracy": 0.8, "macro_f1": 0.5}},
            {"condition": "x", "windows": 4, "a": {"accuracy": 0.4, "macro_f1": 0.4}}]
    out = generalisation.with_ratios(rows, "a")
    assert [r["ratio"] for r in out] == [1.0, 0.8]
    table = generalisation.markdown_table(out, ["a", "b"])
    assert "| x | 4 | 0.400 | 0.400 | - | - | 0.80 |" in table
    assert np.isclose(out[1]["a"]["macro_f1"], 0.4)


def test_a_run_without_the_novel_activities_is_scored_on_them_by_name_and_by_description(monkeypatch):
    from aura_edge.synth.vocabulary import NOVEL_ACTIVITIES, NOVEL_COMPOSITIONS, variants_of
    from aura_edge.synth.vocabulary.catalogue import COMPOSED

    open_spec = "synth?subjects=1,0,1&windows=1&vocabulary=open&novel=exclude&composed_windows=1"
    conditions = {c.name: c for c in generalisation.conditions_for(open_spec, windows=1)}
    assert list(conditions)[-4:] == ["novel activities (names)", "novel activities (descriptions)",
                                     "novel compositions (names)", "novel compositions (descriptions)"]
    novel = conditions["novel compositions (names)"].config.activities
    assert set(novel) == set(variants_of(NOVEL_COMPOSITIONS))
    assert conditions["novel compositions (descriptions)"].described
    trained = conditions["in-distribution"].config.activities
    assert not set(trained) & set(variants_of(NOVEL_ACTIVITIES + NOVEL_COMPOSITIONS))
    # a novel composition combines primitives that training has seen, only never together
    seen = {p.primitive for name in trained if name in COMPOSED for p in COMPOSED[name].parts}
    for name in novel:
        assert {p.primitive for p in COMPOSED[name].parts} <= seen
    # the built-in vocabulary adds none of them
    assert not [c for c in generalisation.conditions_for(SPEC, windows=1) if "novel" in c.name]


def test_described_labels_reach_the_label_bank(untrained_run, monkeypatch):
    import dataclasses

    from aura_edge.models.frozen import load_text_encoder
    from aura_edge.synth.vocabulary import describe
    from aura_edge.train.checkpoint import load_run

    banks = []
    real = generalisation.run_label_bank
    monkeypatch.setattr(generalisation, "run_label_bank", lambda enc, labels, config, w=None: banks.append(labels)
                        or real(enc, labels, config, w))
    open_spec = "synth?subjects=1,0,1&windows=1&vocabulary=open&novel=exclude&composed_windows=1"
    condition = [c for c in generalisation.conditions_for(open_spec, windows=1) if c.described][0]
    two = dataclasses.replace(condition.config, activities=("right-arm sawing", "golf swing"))
    condition = dataclasses.replace(condition, config=two)
    row = generalisation.evaluate_condition(condition, {"m": load_run(untrained_run)}, load_text_encoder("minilm"))
    assert banks[0][-2:] == [describe("right-arm sawing"), describe("golf swing")]
    assert banks[0][:len(ACTIVITIES)] == list(ACTIVITIES) and row["windows"] == 2


def test_scores_by_group_are_the_scores_of_each_groups_windows_alone(untrained_run):
    from aura_edge.models.frozen import load_text_encoder
    from aura_edge.train.checkpoint import load_run

    condition = generalisation.conditions_for(SPEC, windows=2)[0]
    windows = build_corpus(condition.config)[condition.split]
    runs, encoder = {"m": load_run(untrained_run)}, load_text_encoder("minilm")
    row = generalisation.evaluate_condition(condition, runs, encoder, windows=windows, groups=windows.placement)
    assert sorted(row["m"]["by_group"]) == sorted(set(windows.placement.tolist())) and len(row["m"]["by_group"]) > 1
    for placement, f1 in row["m"]["by_group"].items():
        alone = windows.subset(np.flatnonzero(windows.placement == placement))
        assert f1 == generalisation.evaluate_condition(condition, runs, encoder, windows=alone)["m"]["macro_f1"]
    assert "by_group" not in generalisation.evaluate_condition(condition, runs, encoder, windows=windows)["m"]
