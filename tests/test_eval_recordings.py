"""`aura-edge eval --data FILE.npz`: labelled recordings in any declared rate and units."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from aura_edge.cli import main
from aura_edge.data.recordings import load_labelled_recordings
from aura_edge.errors import DataError
from aura_edge.signals import GRAVITY_MS2


def write_recordings(path, rate_hz=52.0, seconds=7.0, units=("g", "deg/s"), n=6):
    rng = np.random.default_rng(0)
    t = np.arange(int(seconds * rate_hz)) / rate_hz
    imu, labels = [], []
    for i in range(n):
        lab = ["walking", "sitting"][i % 2]
        w = rng.normal(0, 0.01, (len(t), 6))
        w[:, 2] += 1.0  # 1 g
        if lab == "walking":
            w[:, 0] += 0.4 * np.sin(2 * np.pi * 1.8 * t)
            w[:, 3] += 40 * np.cos(2 * np.pi * 1.8 * t)  # deg/s
        imu.append(w)
        labels.append(lab)
    np.savez(path, imu=np.stack(imu), rate_hz=rate_hz, label=np.array(labels), units=np.array(units))
    return path


def test_recordings_are_converted_to_canonical_model_windows(tmp_path):
    rec = load_labelled_recordings(write_recordings(tmp_path / "rec.npz"))
    assert rec.labels == ["sitting", "walking"]
    first = rec.windows[0]
    # 7 s at 52 Hz -> 1400 samples at 200 Hz -> two 5 s windows with a 2.5 s hop.
    assert first.shape == (2, 6, 1000)
    assert np.mean(first[:, 2]) == pytest.approx(GRAVITY_MS2, rel=0.01)  # g -> m/s2


@pytest.mark.parametrize("rate", [10.0, 119.0, 1000.0])
def test_any_rate_from_10_to_1000_hz_is_accepted(tmp_path, rate):
    rec = load_labelled_recordings(write_recordings(tmp_path / "rec.npz", rate_hz=rate, seconds=5.0, n=2))
    assert rec.windows[0].shape == (1, 6, 1000)


def test_short_windows_nan_and_bad_units_are_clear_errors(tmp_path):
    with pytest.raises(DataError, match="at least 5 s"):
        load_labelled_recordings(write_recordings(tmp_path / "a.npz", seconds=3.0))
    with pytest.raises(DataError, match="units"):
        load_labelled_recordings(write_recordings(tmp_path / "b.npz", units=("furlong", "rad/s")))
    path = write_recordings(tmp_path / "c.npz")
    z = dict(np.load(path))
    z["imu"][1, 5, 2] = np.nan
    np.savez(path, **z)
    with pytest.raises(DataError, match="NaN"):
        load_labelled_recordings(path)
    np.savez(tmp_path / "d.npz", imu=np.zeros((2, 1000, 3)), rate_hz=200.0, label=np.array(["a", "b"]))
    with pytest.raises(DataError, match=r"\(N windows, T samples, 6 channels\)"):
        load_labelled_recordings(tmp_path / "d.npz")


def test_eval_cli_scores_recordings_with_a_trained_run(tiny_corpus_dir, tmp_path):
    from aura_edge.train.config import TrainConfig
    from aura_edge.train.loop import train

    run = train(TrainConfig(data=str(tiny_corpus_dir), out=str(tmp_path / "runs"), epochs="1", stages="1",
                            batch_size=8, baseline=False, progress=False))
    data = write_recordings(tmp_path / "rec.npz")
    result = CliRunner().invoke(main, ["eval", "--run", str(run), "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output
    report = json.loads((run / "eval" / "rec" / "report.json").read_text())
    assert report["n"] == 6 and report["classes"] == 2
    assert (run / "eval" / "rec" / "confusion.png").is_file()


def test_eval_cli_reports_bad_input_without_a_traceback(tmp_path):
    result = CliRunner().invoke(main, ["eval", "--run", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "does not exist" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("trained_on_removed", [False, True])
def test_a_10_hz_gravity_removed_wrist_in_g_is_scored_end_to_end(tmp_path, trained_on_removed):
    from aura_edge.models import build_encoder, imu_encoder_config
    from aura_edge.synth import simulate_recording
    from aura_edge.train.checkpoint import save_untrained_run

    run = save_untrained_run(tmp_path / "run", build_encoder(imu_encoder_config("rnn", "SS", 384)),
                             ["walking", "sitting"], "synth")
    config = json.loads((run / "config.json").read_text())
    config["input_contract"]["gravity_removed_ok"] = trained_on_removed
    (run / "config.json").write_text(json.dumps(config))
    imu, labels = [], []
    for activity in ("walking", "sitting"):
        _, x, _ = simulate_recording([activity], 6.0, "wrist", rate_hz=10.0, seed=3, gravity="removed")
        x = x.astype(np.float64)
        x[:, :3] /= GRAVITY_MS2
        x[:, 3:] = np.degrees(x[:, 3:])
        imu.append(x)
        labels.append(activity)
    assert abs(np.stack(imu)[:, :, :3].mean()) < 0.1   # in g, gravity removed: no 1 g offset
    np.savez(tmp_path / "watch.npz", imu=np.stack(imu), rate_hz=10.0, label=np.array(labels),
             units=np.array(["g", "deg/s"]), gravity="removed")
    result = CliRunner().invoke(main, ["eval", "--run", str(run), "--data", str(tmp_path / "watch.npz"),
                                       "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "out" / "report.json").read_text())
    assert summary["rate_hz"] == 10.0 and summary["gravity"] == "removed" and summary["n"] == 2
    assert summary["units"] == ["g", "deg/s"]
    note = "gravity removed, while this model was trained" in (tmp_path / "out" / "report.md").read_text()
    assert note is not trained_on_removed


def test_eval_shots_enrolls_from_some_people_and_scores_the_others(tmp_path):
    path = write_recordings(tmp_path / "rec.npz", n=8)
    with np.load(path) as z:
        arrays = dict(z)
    np.savez(path, **arrays, subject=np.array(["ann", "ann", "bob", "bob", "cy", "cy", "di", "di"]))
    result = CliRunner().invoke(main, ["eval", "--run", "pretrained", "--data", str(path), "--shots", "1,2",
                                       "--draws", "3", "--out", str(tmp_path / "shots")])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "shots" / "report.json").read_text())
    assert [r["k"] for r in report["rows"]] == [1, 2] and report["people"] == 4
    row = report["rows"][1]
    assert row["test_windows"] == 4 and {"zero-shot", "examples", "text+examples"} <= set(row)
    assert row["examples"]["macro_f1"] >= 0.9   # the two synthetic activities differ plainly
    assert "| 2 |" in (tmp_path / "shots" / "report.md").read_text()
    bad = CliRunner().invoke(main, ["eval", "--run", "pretrained", "--shots", "1"])
    assert bad.exit_code == 2 and "--shots needs --data" in bad.output
