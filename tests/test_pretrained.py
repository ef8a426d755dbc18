"""The built-in model: shipped files, default use, read-only package, and fine-tuning with --init."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from aura_edge import pretrained
from aura_edge.cli import main
from aura_edge.errors import BundleError, ConfigError, RunError
from aura_edge.runtime.bundle import MANIFEST_FILE, load_bundle
from aura_edge.runtime.stream import find_bundle

MAX_BUILTIN_BYTES = 15e6   # the budget for everything the wheel carries beyond code


def test_the_builtin_files_are_small_hashed_and_say_which_model_they_are():
    files = [p for p in pretrained.ROOT.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    assert sum(p.stat().st_size for p in files) <= MAX_BUILTIN_BYTES
    manifest = json.loads((pretrained.BUNDLE_DIR / MANIFEST_FILE).read_text())
    assert set(manifest["models"]) == {"int8", "qdq"} and "model.onnx" not in manifest["files"]
    model = manifest["model"]
    assert model["corpus"].startswith("synth") and model["architecture"] == "senvt-SS"
    assert model["weights"]["dtype"] == "float16" and model["weights"]["fp16_vs_fp32"]["cosine_min"] > 0.999
    fp16 = model["weights"]["fp16_vs_fp32"]["macro_f1"]
    assert fp16["fp16"] == pytest.approx(fp16["fp32"], abs=0.005)
    pretrained.verify_run()


def test_the_builtin_bundle_loads_and_recognises_a_simulated_walk():
    from aura_edge.synth import SynthConfig, build_corpus

    bundle = load_bundle(pretrained.bundle_path("pretrained"))
    assert bundle.variant == "int8" and len(bundle.labels) == 32
    windows = build_corpus(SynthConfig(seed=7, subjects=(1, 0, 0), windows_per_activity=4,
                                       activities=("running", "jumping rope"), placements=("left_wrist",)))["train"]
    predicted = np.array(bundle.labels)[bundle.scores(bundle.embed(windows.imu)).argmax(axis=1)]
    assert np.mean(predicted == windows.label) >= 0.75


def test_stream_falls_back_to_the_builtin_bundle_and_says_so(tmp_path, caplog, monkeypatch):
    logger = logging.getLogger("aura_edge.runtime.stream")   # the CLI's console handler may stop propagation
    monkeypatch.setattr(logger, "handlers", [caplog.handler])
    monkeypatch.setattr(logger, "level", logging.INFO)
    assert find_bundle(None, tmp_path / "runs") == pretrained.BUNDLE_DIR
    assert "built-in pretrained model" in caplog.text
    (tmp_path / "runs" / "r" / "bundle").mkdir(parents=True)
    (tmp_path / "runs" / "r" / "bundle" / MANIFEST_FILE).write_text("{}")
    assert find_bundle(None, tmp_path / "runs") == tmp_path / "runs" / "r" / "bundle"   # a user's bundle wins
    with pytest.raises(BundleError, match="there is no bundle"):
        load_bundle(find_bundle(tmp_path / "nowhere"))


def test_a_fresh_user_streams_the_builtin_model_without_torch(tmp_path):
    """No run, no --bundle, torch unimportable: the first line names the built-in model, labels follow."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('torch', 'open_clip', 'sentence_transformers'):\n"
        "            raise ImportError(f'{name} is blocked in this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from aura_edge.cli import main\n"
        "main(['stream', 'sim://walking,running?seconds_each=10&loops=1', '--speed', '0', '--json'])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[0].startswith("using the built-in pretrained model")
    hops = [json.loads(line) for line in result.stdout.splitlines()]
    labelled = [(h["truth"], h["label"]) for h in hops if h.get("type") == "hop" and h["valid"]]
    assert len(labelled) >= 20
    assert sum(truth == label for truth, label in labelled) >= 0.6 * len(labelled)


@pytest.fixture
def damaged_copy(tmp_path, monkeypatch):
    """The built-in files copied and pointed at, so a test can damage them."""
    root = tmp_path / "pretrained"
    for name in ("bundle", "run"):
        shutil.copytree(pretrained.ROOT / name, root / name)
    monkeypatch.setattr(pretrained, "ROOT", root)
    monkeypatch.setattr(pretrained, "BUNDLE_DIR", root / "bundle")
    monkeypatch.setattr(pretrained, "RUN_DIR", root / "run")
    return root


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_builtin_file_is_refused_with_reinstall(damaged_copy):
    _flip_a_byte(damaged_copy / "bundle" / "model.int8.onnx")
    with pytest.raises(BundleError, match="reinstall"):
        load_bundle(pretrained.bundle_path("pretrained"))
    _flip_a_byte(damaged_copy / "run" / "model.safetensors")
    with pytest.raises(RunError, match="reinstall"):
        pretrained.run_path("pretrained")
    result = CliRunner().invoke(main, ["stream", "sim://walking", "--bundle", "pretrained", "--duration", "1"])
    assert result.exit_code == 2 and "reinstall" in result.output


def test_nothing_writes_inside_the_package(tmp_path):
    before = sorted((p.name, p.stat().st_mtime_ns) for p in pretrained.ROOT.rglob("*"))
    runner = CliRunner()
    result = runner.invoke(main, ["labels", "--bundle", "pretrained", "--add", "playing ping pong"])
    assert result.exit_code == 2 and "--out" in result.output
    result = runner.invoke(main, ["export", "--run", "pretrained"])
    assert result.exit_code == 2 and "read-only" in result.output
    result = runner.invoke(main, ["labels", "--bundle", "pretrained", "--add", "playing ping pong",
                                  "--out", str(tmp_path / "mine")])
    assert result.exit_code == 0, result.output
    assert "playing ping pong" in load_bundle(tmp_path / "mine").labels
    assert sorted((p.name, p.stat().st_mtime_ns) for p in pretrained.ROOT.rglob("*")) == before
    with pytest.raises(ConfigError, match="read-only"):
        pretrained.refuse_builtin_target(pretrained.BUNDLE_DIR / "x")


def test_the_builtin_run_reports_elsewhere(tmp_path):
    from aura_edge.report import write_run_report
    from tests.conftest import make_tiny_windows

    windows = make_tiny_windows(range(2), per_label=2, with_mocap=False)
    report = write_run_report(pretrained.run_path("pretrained"), windows, out_dir=tmp_path / "eval")
    assert (tmp_path / "eval" / "report.md").is_file() and report["models"][0]["model"] == "senvt-SS"
    assert not (pretrained.RUN_DIR / "report.md").exists()


def test_fine_tuning_starts_from_the_builtin_weights_and_reports_before_and_after(tiny_corpus_dir, tmp_path):
    result = CliRunner().invoke(main, ["train", "--init", "pretrained", "--data", str(tiny_corpus_dir),
                                       "--epochs", "1", "--out", str(tmp_path), "--name", "mine"])
    assert result.exit_code == 0, result.output
    run = tmp_path / "mine"
    config = json.loads((run / "config.json").read_text())
    assert config["train"]["init"] == "pretrained" and config["train"]["lr"] == pytest.approx(3e-4)
    assert config["train"]["baseline"] is False and config["imu_encoder"]["size"] == "SS"
    report = json.loads((run / "report.json").read_text())
    assert report["before_fine_tuning"]["init"].endswith("run")
    assert "Fine-tuning: before and after" in (run / "report.md").read_text()
    from aura_edge.train.checkpoint import load_run

    tuned, init = load_run(run, weights="last.safetensors"), load_run(pretrained.RUN_DIR)
    a, b = tuned.imu_encoder.state_dict(), init.imu_encoder.state_dict()
    drift = max(float((a[k] - b[k]).abs().max()) for k in a if a[k].is_floating_point())
    assert 0 < drift < 0.05   # moved a little from the built-in weights, not trained from scratch
    metrics = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert metrics[0]["epoch"] == 0 and len(metrics) == 2   # the starting weights were a candidate
    assert set(json.loads((pretrained.RUN_DIR / "config.json").read_text())["captions"]) <= set(config["captions"])


def test_init_refuses_another_architecture_with_what_differs(tiny_corpus_dir, tmp_path):
    result = CliRunner().invoke(main, ["train", "--init", "pretrained", "--data", str(tiny_corpus_dir),
                                       "--size", "S", "--epochs", "1", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "size 'SS' there, 'S' here" in result.output


def test_init_refuses_another_text_encoder():
    import torch

    from aura_edge.models import build_encoder
    from aura_edge.train.loop import _start_from
    from aura_edge.train.loss import ContrastiveLoss

    config = json.loads((pretrained.RUN_DIR / "config.json").read_text())
    encoder = build_encoder(config["imu_encoder"])
    loss_fn = ContrastiveLoss(["imu-text"])
    untrained = {k: v.clone() for k, v in loss_fn.state_dict().items()}
    with pytest.raises(ConfigError, match="text encoder minilm"):
        _start_from("pretrained", encoder, loss_fn, "open_clip:ViT-B-32")
    _start_from("pretrained", encoder, loss_fn, "minilm")
    assert all(torch.isfinite(p).all() for p in encoder.parameters())
    assert any(not torch.equal(v, untrained[k]) for k, v in loss_fn.state_dict().items())   # its temperature too
