"""Enrollment: activities taught by example, scored beside text labels, torch-free end to end."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from aura_edge import pretrained
from aura_edge.cli import main
from aura_edge.errors import BundleError, DataError
from aura_edge.export.enroll import enroll, unenroll
from aura_edge.few_shot import few_shot
from aura_edge.runtime.bundle import LABELS_FILE, load_bundle
from aura_edge.runtime.enrolled import EnrolledClasses, calibrate, text_weight, unit_rows
from aura_edge.synth.recording import simulate_recording

PERCENTILES = {"p5": 0.3, "p50": 0.5}


def cluster(center: np.ndarray, n: int, spread: float, rng) -> np.ndarray:
    return unit_rows(center[None, :] + spread * rng.normal(size=(n, len(center))))


def test_calibration_puts_enrolled_classes_on_the_text_scale_and_scores_their_windows_highest():
    rng = np.random.default_rng(0)
    a, b = unit_rows(rng.normal(size=(2, 16)))
    enrolled = EnrolledClasses.empty(16).with_class("a", cluster(a, 12, 0.15, rng), PERCENTILES)
    enrolled = enrolled.with_class("b", cluster(b, 12, 0.15, rng), PERCENTILES)
    fresh = cluster(a, 200, 0.15, rng)
    scores = enrolled.scores(fresh)
    assert (scores.argmax(axis=1) == 0).mean() > 0.95
    own = scores[:, 0]
    # New windows of the class land near the text labels' median, not at a cosine of about 0.9.
    assert abs(np.median(own) - PERCENTILES["p50"]) < 0.15 and np.percentile(own, 5) > 0.0
    # The nearest example decides: a class of two separate modes recognises both.
    c1, c2 = unit_rows(rng.normal(size=(2, 16)))
    two = EnrolledClasses.empty(16).with_class("two", np.concatenate([cluster(c1, 3, 0.05, rng),
                                                                       cluster(c2, 3, 0.05, rng)]), PERCENTILES)
    assert np.allclose(two.nearest(cluster(c2, 4, 0.05, rng)), 1.0, atol=0.05)
    scale, _ = calibrate(unit_rows(rng.normal(size=(1, 16))), np.zeros(1, np.int64), PERCENTILES)
    assert np.isfinite(scale) and scale > 0   # one example: the prior sets the scale


def test_text_weight_follows_how_well_the_text_recognises_the_examples():
    rng = np.random.default_rng(3)
    bank = unit_rows(rng.normal(size=(2, 16)))
    near_walk = cluster(bank[0], 8, 0.1, rng)
    assert text_weight(near_walk, bank, ["walk", "sit"], "walk") == pytest.approx(0.75, abs=0.01)
    assert text_weight(near_walk, bank, ["walk", "sit"], "sit") == pytest.approx(0.0, abs=0.01)  # text says otherwise
    assert text_weight(near_walk, bank, ["walk", "sit"], "my exercise") == 0.0  # not a text label
    between = unit_rows(bank[0] + bank[1])[None]   # equally close to both: half the text's full weight
    assert text_weight(between, bank, ["walk", "sit"], "walk") == pytest.approx(0.375, abs=0.01)
    # graded, not a vote: one example the text gets wrong lowers the weight without zeroing it
    mixed = np.concatenate([near_walk[:3], cluster(bank[1], 1, 0.1, rng)])
    assert 0.4 < text_weight(mixed, bank, ["walk", "sit"], "walk") < 0.65


def test_enrolled_classes_round_trip_remove_and_combine_with_text():
    rng = np.random.default_rng(1)
    enrolled = EnrolledClasses.empty(8)
    for name in ("x", "y", "walking"):
        enrolled = enrolled.with_class(name, rng.normal(size=(3, 8)), PERCENTILES, 0.5)
    back = EnrolledClasses.from_arrays(enrolled.to_arrays(), 8, "test")
    assert back.names == ["x", "y", "walking"] and back.counts() == {"x": 3, "y": 3, "walking": 3}
    probe = unit_rows(rng.normal(size=(4, 8)))
    assert np.allclose(back.scores(probe), enrolled.scores(probe), atol=1e-6)
    smaller = back.without("y", PERCENTILES)
    assert smaller.names == ["x", "walking"] and set(smaller.index.tolist()) == {0, 1}
    # "walking" is also a text label: its score mixes text and examples instead of adding a class.
    text = np.full((2, 2), 0.4, np.float32)
    emb = unit_rows(rng.normal(size=(2, 8)))
    assert smaller.class_names(["walking", "sitting"]) == ["walking", "sitting", "x"]
    assert smaller.combine(text, emb, ["walking", "sitting"]).shape == (2, 3)
    assert smaller.combine(text, emb, ["sitting", "other"]).shape == (2, 4)   # none shared: both appended
    broken = {**enrolled.to_arrays(), "enrolled_class": np.array([0, 0, 0, 1, 1, 1, 7, 7, 7])}
    with pytest.raises(BundleError, match="inconsistent"):
        EnrolledClasses.from_arrays(broken, 8, "test")


def test_few_shot_enrollment_separates_what_text_cannot():
    """Two activities whose text embeddings are alike but whose windows differ: examples win."""
    rng = np.random.default_rng(2)
    centers = unit_rows(rng.normal(size=(2, 16)))
    emb = np.concatenate([cluster(c, 30, 0.15, rng) for c in centers])
    labels = np.array(["p"] * 30 + ["q"] * 30)
    groups = np.tile(np.repeat(np.arange(6), 5), 2)
    # Text cannot tell them apart: both label vectors differ only along a direction the windows lack.
    e = rng.normal(size=16)
    basis = np.linalg.qr(np.stack([centers[0], centers[1]]).T)[0]
    e -= basis @ (basis.T @ e)
    text_bank = unit_rows(np.stack([centers.mean(0) + 0.1 * e, centers.mean(0) - 0.1 * e]))
    result = few_shot(emb, labels, groups, text_bank, ["p", "q"], PERCENTILES, k=3, draws=3)
    assert result["examples"]["macro_f1"] > 0.9 > result["zero-shot"]["macro_f1"] + 0.2


@pytest.fixture
def bundle_copy(tmp_path):
    return tmp_path / "mine"


def _recording(path: Path, activity: str, label: str, seconds: float, seed: int) -> Path:
    t, imu, _ = simulate_recording([activity], seconds, placement="wrist", seed=seed)
    rows = ["t_s,ax,ay,az,gx,gy,gz,label"] + [",".join(f"{v:.6g}" for v in (ti, *x)) + f",{label}"
                                              for ti, x in zip(t, imu)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_enroll_remove_and_edit_text_labels_keep_the_bundle_whole(tmp_path, bundle_copy):
    rec = _recording(tmp_path / "stir.csv", "stirring a pot", "my kitchen task", 20, seed=5)
    result = enroll("pretrained", "my kitchen task", [rec], out=bundle_copy)
    assert result.windows >= 7 and result.classes == {"my kitchen task": result.windows}
    bundle = load_bundle(bundle_copy)
    assert bundle.class_names[-1] == "my kitchen task" and len(bundle.class_names) == 33
    assert bundle.scores(bundle.embed(np.zeros((1, 6, 1000), np.float32))).shape == (1, 33)
    manifest = json.loads((bundle_copy / "manifest.json").read_text())
    assert manifest["labels"]["enrolled"] == {"my kitchen task": result.windows}
    again = enroll(bundle_copy, "my kitchen task", [rec, rec])   # re-enroll replaces the examples
    assert again.classes == {"my kitchen task": 2 * result.windows}
    assert unenroll(bundle_copy, "my kitchen task").classes == {}
    assert load_bundle(bundle_copy).class_names == load_bundle(pretrained.BUNDLE_DIR).labels


@pytest.mark.parametrize("content, message", [
    ("t_s,ax,ay,az,gx,gy,gz\n" + "".join(f"{i / 200},0,0,9.8,0,0,0\n" for i in range(400)), "at least 5 s"),
    ("", "no sample lines"),
    ("t_s,ax,ay,az,gx,gy,gz\n" + "".join(f"{i / 200},0,0,nan,0,0,0\n" for i in range(1200)), "NaN"),
    ("t_s,ax,ay,az,gx\n0,1,2,3,4\n", "lacks columns"),
])
def test_bad_recordings_are_refused_in_one_line_and_the_bundle_is_untouched(tmp_path, bundle_copy, content, message):
    enroll("pretrained", "warm-up", [_recording(tmp_path / "ok.csv", "waving", "warm-up", 8, seed=1)], out=bundle_copy)
    before = hashlib.sha256((bundle_copy / LABELS_FILE).read_bytes()).hexdigest()
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    result = CliRunner().invoke(main, ["enroll", "--bundle", str(bundle_copy), "new class", str(bad)])
    assert result.exit_code == 2 and message.lower() in result.output.lower(), result.output
    assert len(result.output.strip().splitlines()) == 1
    assert hashlib.sha256((bundle_copy / LABELS_FILE).read_bytes()).hexdigest() == before
    with pytest.raises(DataError):
        enroll(bundle_copy, "new class", [tmp_path / "missing.csv"])


def test_the_builtin_bundle_is_never_taught_in_place(tmp_path):
    rec = _recording(tmp_path / "w.csv", "waving", "hello", 8, seed=1)
    result = CliRunner().invoke(main, ["enroll", "--bundle", "pretrained", "hello", str(rec)])
    assert result.exit_code == 2 and "--out" in result.output


def test_record_on_a_pty_then_enroll_then_stream_recognises_it_without_torch(tmp_path):
    """The README's flow, torch unimportable: a device streams CSV over a serial port, `record`
    captures it, `enroll` teaches a copy of the built-in bundle, and a new session is recognised."""
    code = textwrap.dedent(f"""
        import os, sys, threading, time, tty
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('torch', 'open_clip', 'sentence_transformers'):
                    raise ImportError(name + ' is blocked in this test')
        sys.meta_path.insert(0, Block())
        from collections import Counter
        from aura_edge.export.enroll import enroll
        from aura_edge.runtime.stream import RecordConfig, StreamConfig, record_session, stream
        from aura_edge.synth.recording import simulate_recording

        def device(seconds, seed, activity):
            master, slave = os.openpty()
            tty.setraw(slave)
            t, imu, _ = simulate_recording([activity], seconds, placement='wrist', rate_hz=100, seed=seed)
            lines = ''.join(f"{{int(ti * 1e6)}},{{','.join(f'{{v:.5f}}' for v in x)}}\\n" for ti, x in zip(t, imu))
            def play():   # after the port is open (opening flushes its input), at 20x real time
                time.sleep(0.5)
                data = memoryview(lines.encode())
                while data:
                    data = data[os.write(master, data[:2048]):]
                    time.sleep(0.02)
            threading.Thread(target=play, daemon=True).start()
            return os.ttyname(slave)

        out = r'{tmp_path}'
        port = device(24, 11, 'stirring a pot')
        record_session(RecordConfig(port, out=out + '/task.csv', label='my kitchen task', duration_s=15))
        enroll('pretrained', 'my kitchen task', [out + '/task.csv'], out=out + '/taught')
        class Keep:
            def __init__(self): self.labels = []
            def emit(self, recognitions): self.labels += [r.label for r in recognitions if r.valid]
            def event(self, event): pass
            def close(self): pass
        for activity, seed in (('stirring a pot', 12), ('walking', 13)):
            t, imu, _ = simulate_recording([activity], 20, placement='wrist', seed=seed)
            import numpy as np
            np.savez(out + '/session.npz', imu=imu, t_s=t)
            sink = Keep()
            stream(StreamConfig(['replay://' + out + '/session.npz'], speed=0, bundle=out + '/taught'), sink=sink)
            print(activity + '|' + Counter(sink.labels).most_common(1)[0][0])
        assert not [m for m in sys.modules if m.split('.')[0] == 'torch']
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    found = dict(line.split("|") for line in result.stdout.splitlines() if "|" in line)
    assert found["stirring a pot"] == "my kitchen task", result.stdout
    assert found["walking"].startswith("walking"), result.stdout   # the enrolled class takes nothing else


def test_a_recording_of_several_activities_gives_the_part_named(tmp_path):
    from aura_edge.export.enroll import recording_windows

    a = _recording(tmp_path / "a.csv", "waving", "waving hello", 12, seed=1).read_text().splitlines()
    b = _recording(tmp_path / "b.csv", "walking", "walk", 6, seed=1).read_text().splitlines()
    both = tmp_path / "both.csv"
    offset = 12.0
    shifted = [f"{float(r.split(',')[0]) + offset:.6g}," + r.split(",", 1)[1] for r in b[1:]]
    both.write_text("\n".join(a + shifted) + "\n")
    assert len(recording_windows(both, "waving hello")) == len(recording_windows(tmp_path / "a.csv", "x"))
    assert len(recording_windows(both, "walk")) == 2   # 6 s: one window, and one flush with the end
    with pytest.raises(DataError, match="no samples labelled 'running'"):
        recording_windows(both, "running")


def test_npz_window_sets_and_labelled_recordings_give_the_windows_named(tmp_path):
    from aura_edge.export.enroll import recording_windows

    rng = np.random.default_rng(4)
    np.savez(tmp_path / "set.npz", imu=rng.normal(size=(5, 6, 1000)).astype(np.float32),
             label=np.array(["a", "b", "a", "a", "b"]))
    assert recording_windows(tmp_path / "set.npz", "a").shape == (3, 6, 1000)
    np.savez(tmp_path / "rec.npz", imu=rng.normal(size=(3, 700, 6)), rate_hz=100.0,
             label=np.array(["a", "b", "a"]), units=np.array(["g", "deg/s"]))
    assert recording_windows(tmp_path / "rec.npz", "a").shape == (4, 6, 1000)   # 7 s each: two windows
    with pytest.raises(DataError, match="no windows labelled 'c'"):
        recording_windows(tmp_path / "set.npz", "c")
    np.savez(tmp_path / "nolabel.npz", imu=rng.normal(size=(2, 6, 1000)))
    with pytest.raises(DataError, match="no 'label'"):
        recording_windows(tmp_path / "nolabel.npz", "a")
