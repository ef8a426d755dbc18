"""Training end to end on a tiny corpus: run directory, checkpoints, resume, refusals."""

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file

from aura_edge.errors import ConfigError, RunError, WeightsError
from aura_edge.train import checkpoint as ckpt
from aura_edge.models import embed_imu
from aura_edge.pipeline import train_and_report
from aura_edge.train.config import TrainConfig, orientation_share
from aura_edge.train.loop import train


def tiny_config(corpus, out, **overrides):
    base = dict(data=str(corpus), out=str(out), epochs="2,1", batch_size=8, progress=False)
    return TrainConfig(**{**base, **overrides})


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory):
    from conftest import make_tiny_windows

    root = tmp_path_factory.mktemp("corpus")
    make_tiny_windows(range(0, 4), seed=1).save(root / "train.npz")
    make_tiny_windows(range(4, 5), seed=2).save(root / "val.npz")
    make_tiny_windows(range(5, 6), seed=3).save(root / "test.npz")
    out = tmp_path_factory.mktemp("runs")
    return root, out, train_and_report(tiny_config(root, out, name="tiny"))


def test_a_run_directory_has_weights_config_metrics_report_and_plots(trained_run):
    _, out, run = trained_run
    for name in ("model.safetensors", "config.json", "metrics.jsonl", "report.md", "report.json",
                 "training_curves.png", "confusion_senvt.png", "confusion_rnn.png"):
        assert (run / name).is_file(), name
    assert (out / "latest").resolve() == run.resolve()
    rows = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["stage"] for r in rows] == [1, 1, 2]


def test_the_report_shows_the_rnn_baseline_beside_senvt(trained_run):
    _, _, run = trained_run
    report = json.loads((run / "report.json").read_text())
    assert [m["family"] for m in report["models"]] == ["senvt", "rnn"]
    assert "rnn-SS" in (run / "report.md").read_text()
    for m in report["models"]:
        assert m["retrieval"][0]["N"] == report["test_windows"]


def test_a_run_records_its_training_captions_and_its_report_expands_labels_toward_them(trained_run):
    from conftest import make_tiny_windows

    from aura_edge.evaluate import DEFAULT_LABEL_EXPANSION

    _, _, run = trained_run
    config = json.loads((run / "config.json").read_text())
    assert sorted(config["captions"]) == sorted(set(make_tiny_windows(range(0, 4), seed=1).caption.tolist()))
    assert json.loads((run / "report.json").read_text())["label_expansion"] == DEFAULT_LABEL_EXPANSION
    assert f"(weight {DEFAULT_LABEL_EXPANSION:g})" in (run / "report.md").read_text()


def test_config_json_rebuilds_the_trained_encoder_exactly(trained_run):
    _, _, run = trained_run
    config = json.loads((run / "config.json").read_text())
    assert config["input_contract"]["rate_hz"] == 200.0
    assert config["input_contract"]["embedding_dim"] == 384
    loaded = ckpt.load_run(run)
    tensors = load_file(str(run / "model.safetensors"))
    assert torch.equal(loaded.imu_encoder.state_dict()["head.weight"], tensors["imu.head.weight"])
    assert loaded.mocap_encoder is not None
    x = np.random.default_rng(0).normal(size=(3, 6, 1000)).astype(np.float32)
    assert np.allclose(embed_imu(loaded.imu_encoder, x), embed_imu(ckpt.load_run(run).imu_encoder, x))


def test_the_learned_temperature_is_saved_and_moved_away_from_its_start(trained_run):
    _, _, run = trained_run
    scale = load_file(str(run / "model.safetensors"))["loss.logit_scale.imu-text"]
    assert abs(float(scale) - np.log(1 / 0.07)) > 1e-4


def test_an_existing_run_is_never_overwritten(trained_run):
    corpus, out, run = trained_run
    before = (run / "model.safetensors").read_bytes()
    with pytest.raises(RunError, match="never overwritten"):
        train(tiny_config(corpus, out, name="tiny"))
    assert (run / "model.safetensors").read_bytes() == before


def _interrupted_run(config, monkeypatch, epochs_done: int = 2):
    """Train ``config`` and stop it (as Ctrl-C would) after ``epochs_done`` epochs; returns the run."""
    from aura_edge.train import loop

    original = loop.Trainer._end_epoch
    calls = []

    def interrupt(self, *args):
        original(self, *args)
        calls.append(1)
        if len(calls) == epochs_done:
            raise KeyboardInterrupt

    monkeypatch.setattr(loop.Trainer, "_end_epoch", interrupt)
    with pytest.raises(KeyboardInterrupt):
        train(config)
    monkeypatch.setattr(loop.Trainer, "_end_epoch", original)
    run = Path(config.out) / config.name
    assert json.loads((run / "trainer_state.json").read_text())["epochs_done"] == epochs_done
    return run


def test_resume_continues_after_the_last_finished_epoch(tiny_corpus_dir, tmp_path, monkeypatch):
    config = tiny_config(tiny_corpus_dir, tmp_path, epochs="3", stages="1", baseline=False, name="r")
    run = _interrupted_run(config, monkeypatch)
    train(TrainConfig(**{**config.as_dict(), "resume": str(run)}))
    rows = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["epoch"] for r in rows] == [1, 2, 3]


def test_resume_refuses_a_corpus_that_changed_since_the_run_began(tiny_corpus_dir, tmp_path, monkeypatch):
    from conftest import make_tiny_windows

    from aura_edge.train.data import load_corpus

    config = tiny_config(tiny_corpus_dir, tmp_path, epochs="3", stages="1", baseline=False, name="r")
    run = _interrupted_run(config, monkeypatch)
    kept = {name: (run / name).read_bytes() for name in ("model.safetensors", "last.safetensors", "config.json",
                                                         "metrics.jsonl")}
    make_tiny_windows(range(0, 4), seed=7).save(tiny_corpus_dir / "train.npz")   # other windows, same people
    load_corpus.cache_clear()   # a resume is a new process: nothing of the first build is kept
    with pytest.raises(RunError, match="differs from the one it began with"):
        train(TrainConfig(**{**config.as_dict(), "resume": str(run)}))
    assert {name: (run / name).read_bytes() for name in kept} == kept


def test_a_run_from_before_fingerprints_resumes_and_records_one(tiny_corpus_dir, tmp_path, monkeypatch):
    from aura_edge.train.data import corpus_fingerprint, load_corpus

    config = tiny_config(tiny_corpus_dir, tmp_path, epochs="3", stages="1", baseline=False, name="r")
    run = _interrupted_run(config, monkeypatch)
    recorded = json.loads((run / "config.json").read_text())
    fingerprint = recorded.pop("corpus_fingerprint")
    assert fingerprint == corpus_fingerprint(load_corpus(str(tiny_corpus_dir)))
    (run / "config.json").write_text(json.dumps(recorded))   # as an older aura-edge wrote it
    train(TrainConfig(**{**config.as_dict(), "resume": str(run)}))
    assert [json.loads(x)["epoch"] for x in (run / "metrics.jsonl").read_text().splitlines()] == [1, 2, 3]
    assert json.loads((run / "config.json").read_text())["corpus_fingerprint"] == fingerprint


def test_the_corpus_fingerprint_ignores_last_bit_differences_but_not_a_changed_activity(tiny_corpus_dir):
    from aura_edge.train.data import corpus_fingerprint, load_corpus, same_corpus

    corpus = load_corpus(str(tiny_corpus_dir))
    before = corpus_fingerprint(corpus)

    def changed(split="train", **fields):
        windows = corpus[split]
        return corpus_fingerprint({**corpus, split: replace(windows, **fields)})

    train = corpus["train"]
    last_bit = np.nextafter(train.imu, np.float32(np.inf))        # what another CPU's sin() might give
    assert same_corpus(before, changed(imu=last_bit))
    louder = train.imu.copy()
    louder[train.label == train.label[0]] *= 1.01                  # one activity simulated 1 % stronger
    assert not same_corpus(before, changed(imu=louder))
    recaptioned = train.caption.copy()
    recaptioned[0] = recaptioned[0] + " slowly"
    assert not same_corpus(before, changed(caption=recaptioned))
    val_mocap = corpus["val"].mocap + 0.01
    assert not same_corpus(before, changed("val", mocap=val_mocap))


def test_video_targets_join_stage_one_with_a_clip_backend(tiny_corpus_dir, tmp_path, monkeypatch):
    from test_frozen_encoders import tiny_clip_encoder

    from aura_edge.data.windows import WindowSet
    from aura_edge.train import loop

    for split in ("train", "val", "test"):
        w = WindowSet.load(tiny_corpus_dir / f"{split}.npz")
        w.frames = np.random.default_rng(0).integers(0, 255, (len(w), 2, 32, 32, 3), dtype=np.uint8)
        w.save(tiny_corpus_dir / f"{split}.npz")
    encoder = tiny_clip_encoder()
    monkeypatch.setattr(loop, "load_text_encoder", lambda spec: encoder)
    monkeypatch.setattr("aura_edge.report.load_text_encoder", lambda spec: encoder)
    run = train(tiny_config(tiny_corpus_dir, tmp_path, epochs="1", stages="1", baseline=False))
    config = json.loads((run / "config.json").read_text())
    assert config["plan"] == ["stage 1: train imu on imu-text, imu-video for 1 epochs"]
    assert config["input_contract"]["embedding_dim"] == 32


def test_stage_two_without_mocap_is_refused(tmp_path):
    from conftest import make_tiny_windows

    for split, subjects in (("train", [0]), ("val", [1]), ("test", [2])):
        make_tiny_windows(subjects, with_mocap=False).save(tmp_path / f"{split}.npz")
    with pytest.raises(ConfigError, match="--stages 1"):
        train(tiny_config(tmp_path, tmp_path / "runs"))


def test_empty_and_corrupt_run_directories_are_clear_errors(trained_run, tmp_path):
    _, _, run = trained_run
    with pytest.raises(RunError, match="no config.json"):
        ckpt.load_run(tmp_path)
    with pytest.raises(RunError, match="does not exist"):
        ckpt.load_run(tmp_path / "missing")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "config.json").write_text((run / "config.json").read_text())
    (bad / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(WeightsError, match="corrupt"):
        ckpt.load_run(bad)
    (bad / "config.json").write_text("{not json")
    with pytest.raises(RunError, match="corrupt"):
        ckpt.load_run(bad)


def test_a_checkpoint_from_another_model_is_refused(trained_run, tmp_path):
    _, _, run = trained_run
    config = json.loads((run / "config.json").read_text())
    config["imu_encoder"]["size"] = "S"
    mismatched = tmp_path / "mismatch"
    mismatched.mkdir()
    (mismatched / "config.json").write_text(json.dumps(config))
    (mismatched / "model.safetensors").write_bytes((run / "model.safetensors").read_bytes())
    with pytest.raises(WeightsError, match="different runs"):
        ckpt.load_run(mismatched)


@pytest.mark.parametrize("bad", [{"batch_size": 1}, {"lr": 5.0}, {"epochs": "1,2,3"}, {"stages": "3"}])
def test_bad_training_options_are_config_errors(bad):
    with pytest.raises(ConfigError):
        TrainConfig(**bad)


def test_auto_epochs_are_six_on_a_cpu_forty_on_a_gpu_and_explicit_epochs_pass_through():
    from aura_edge.train.stages import resolve_epochs

    assert resolve_epochs("auto", 2, "cpu") == "6,1"
    assert resolve_epochs("auto", 2, "cuda") == "40,1"
    assert resolve_epochs("auto", 1, "cuda") == "40"
    assert resolve_epochs("3,2", 2, "cuda") == "3,2"
    assert TrainConfig().epochs == "auto"
    with pytest.raises(ConfigError):
        TrainConfig(epochs="many")


def test_orientation_is_a_named_choice_or_a_share_from_0_to_1():
    assert orientation_share(TrainConfig().orientation) == 0.25   # the default turns a quarter of the windows
    assert [TrainConfig(orientation=o).orientation for o in ("as-worn", "mixed", "any", "0.1")] == [
        "as-worn", "mixed", "any", "0.1"]
    # A run saved before --orientation existed trained as worn, and resumes so.
    assert [TrainConfig.from_dict(saved).orientation for saved in ({}, {"orientation": "0.25"})] == ["as-worn", "0.25"]
    assert [orientation_share(o) for o in ("as-worn", "mixed", "any", "0.25", "1")] == [0.0, 0.5, 1.0, 0.25, 1.0]
    for bad in ("upside-down", "1.5", "-0.1", "nan", ""):
        with pytest.raises(ConfigError, match="--orientation .*share"):
            TrainConfig(orientation=bad)


def test_a_run_records_the_epochs_and_device_it_resolved_not_auto(trained_run, tmp_path):
    root, _, _ = trained_run  # its tiny corpus
    run = train(tiny_config(root, tmp_path, name="auto", epochs="auto", stages="1", baseline=False,
                            max_train_windows=16))
    config = json.loads((run / "config.json").read_text())
    assert config["train"]["epochs"] == "6" and config["trained_on"] == "cpu"
    assert config["train"]["orientation"] == "0.25"
    assert len((run / "metrics.jsonl").read_text().splitlines()) == 6


def test_drills_train_but_their_names_are_never_labels_of_the_run(tmp_path):
    config = tiny_config("synth?subjects=2,1,0&windows=2&activities=walking,bicep curl&drills=4", tmp_path,
                         epochs="1", stages="1", baseline=False, name="drills")
    run = json.loads((train(config) / "config.json").read_text())
    assert run["labels"] == ["walking", "bicep curl"]
    assert not any("drill" in c for c in run["captions"])   # the anchors of label expansion hold movements only
