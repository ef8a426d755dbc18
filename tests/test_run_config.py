"""config.json as a typed record: old files read, bad types refused with the key named, unknown keys kept."""

from __future__ import annotations

import pytest

from aura_edge.errors import RunError
from aura_edge.train.run_config import SCHEMA_VERSION, RunConfig

V1 = {"imu_encoder": {"family": "senvt", "size": "SS"}, "mocap_encoder": None, "text_encoder": "minilm",
      "input_contract": {"rate_hz": 200.0, "gravity_removed_ok": True}, "labels": ["walking", "running"],
      "prompt_templates": ["{}"], "train": {"data": "synth?exclude=thigh", "text_encoder": "minilm", "epochs": "6,1"},
      "trained_on": "cpu", "plan": ["stage 1: ..."]}


def test_a_file_from_before_the_schema_reads_with_typed_fields_and_writes_back_versioned():
    config = RunConfig.from_dict({**V1, "some_future_key": 3})
    assert config.data == "synth?exclude=thigh" and config.text_encoder_spec == "minilm"
    assert config.model_name == "senvt-SS" and config.gravity_removed_ok and config.captions == ()
    assert config.labels == ("walking", "running")
    written = config.to_dict()
    assert written["schema_version"] == SCHEMA_VERSION and written["some_future_key"] == 3
    assert written["labels"] == ["walking", "running"]
    assert RunConfig.from_dict(written) == config


@pytest.mark.parametrize("change, message", [
    ({"imu_encoder": "senvt"}, "no 'imu_encoder'"),
    ({"train": ["synth"]}, "'train' is list, not dict"),
    ({"labels": "walking"}, "'labels' must be a list of strings"),
    ({"captions": [1, 2]}, "'captions' must be a list of strings"),
    ({"corpus_fingerprint": "35270ade"}, "'corpus_fingerprint' is str, not dict"),
    ({"schema_version": 99}, "schema_version 99"),
])
def test_a_config_with_the_wrong_types_is_refused_naming_the_key(change, message):
    with pytest.raises(RunError, match=message):
        RunConfig.from_dict({**V1, **change}, "runs/x/config.json")
