import subprocess
import sys

import pytest
from click.testing import CliRunner

from aura_edge.cli import main


def test_installed_command_explains_itself():
    done = subprocess.run([sys.executable, "-m", "aura_edge", "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    for command in ("train", "eval", "demo"):
        assert command in done.stdout


def test_train_help_lists_the_documented_options():
    out = CliRunner().invoke(main, ["train", "--help"]).output
    for option in ("--data", "--text-encoder", "--encoder", "--size", "--stages", "--epochs", "--batch-size",
                   "--lr", "--device", "--seed", "--out", "--resume"):
        assert option in out


def test_train_defaults_are_the_train_configs():
    from dataclasses import fields

    from aura_edge.cli import train
    from aura_edge.train.config import TrainConfig

    config, names = TrainConfig(), {f.name for f in fields(TrainConfig)}
    options = [p for p in train.params if p.name in names]
    assert len(options) >= 15
    assert {p.name: p.default for p in options} == {p.name: getattr(config, p.name) for p in options}


def test_an_unknown_encoder_and_a_missing_data_directory_are_refused_clearly(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["train", "--encoder", "lstm"])
    assert result.exit_code == 2 and "lstm" in result.output
    result = runner.invoke(main, ["train", "--data", str(tmp_path / "none"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "neither 'synth[?options]' nor a directory" in result.output


def test_cuda_request_without_a_gpu_names_the_alternative(tiny_corpus_dir, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is visible, so --device cuda is valid here")
    result = CliRunner().invoke(main, ["train", "--data", str(tiny_corpus_dir), "--device", "cuda",
                                       "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--device cpu" in result.output


def test_stream_defaults_are_the_stream_configs():
    from dataclasses import fields

    from aura_edge.cli import stream_ as stream
    from aura_edge.runtime.stream import StreamConfig

    config, names = StreamConfig(), {f.name for f in fields(StreamConfig)}
    import click

    options = [p for p in stream.params if isinstance(p, click.Option) and p.name in names and p.default is not None]
    assert len(options) >= 7
    assert {p.name: p.default for p in options} == {p.name: getattr(config, p.name) for p in options}
