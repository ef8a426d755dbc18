"""PAMAP2 read from a tiny file shaped exactly like the real Protocol/subject1xx.dat."""

import numpy as np
import pytest

from aura_edge.data.pamap2 import load_pamap2
from aura_edge.data.labelled import load_labelled
from aura_edge.errors import DataError
from aura_edge.signals import GRAVITY_MS2


def write_subject(path, segments):
    """segments: (activity id, seconds); 54 space-separated columns at 100 Hz, NaN as the literal."""
    rows, t = [], 8.38
    for activity, seconds in segments:
        for _ in range(int(seconds * 100)):
            row = np.full(54, np.nan)
            row[0], row[1] = round(t, 2), activity
            for o in (3, 20, 37):  # hand, chest, ankle blocks
                row[o] = 31.0  # temperature
                row[o + 1:o + 4] = (0.5 * activity, 0.1, GRAVITY_MS2)  # acc16
                row[o + 4:o + 7] = (0.4, 0.1, 9.7)  # acc6
                row[o + 7:o + 10] = (0.01 * activity, 0.0, -0.02)  # gyro
                row[o + 10:o + 13] = (10.0, -20.0, 30.0)  # magnetometer
                row[o + 13:o + 17] = (1.0, 0.0, 0.0, 0.0)  # orientation (invalid)
            rows.append(row)
            t += 0.01
    text = "\n".join(" ".join("NaN" if np.isnan(v) else f"{v:g}" for v in row) for row in rows)
    path.write_text(text + "\n")
    return rows


@pytest.fixture
def pamap2_root(tmp_path):
    protocol = tmp_path / "PAMAP2_Dataset" / "Protocol"
    protocol.mkdir(parents=True)
    write_subject(protocol / "subject101.dat", [(0, 3), (4, 12), (0, 2), (12, 7.6), (24, 3)])
    return tmp_path / "PAMAP2_Dataset"


def test_windows_follow_single_activities_and_skip_transients(pamap2_root):
    rec = load_pamap2(pamap2_root)
    # walking 12 s -> 3 windows (hop 2.5 s), stairs 7.6 s -> 2, rope jumping 3 s -> none, id 0 -> none.
    assert rec.label.tolist() == ["walking"] * 3 + ["climbing stairs"] * 2
    first = rec.windows[0]
    assert first.shape == (1, 6, 1000)  # 100 Hz resampled to the model's 200 Hz
    # (the polyphase resampler leaves a ripple of about 1e-3 on a constant)
    assert np.allclose(first[0, 0], 0.5 * 4, atol=5e-3) and np.allclose(first[0, 2], GRAVITY_MS2, atol=5e-3)
    assert np.allclose(first[0, 3], 0.04, atol=1e-4)


def test_short_dropouts_are_filled_and_long_ones_drop_the_window(pamap2_root):
    path = pamap2_root / "Protocol" / "subject101.dat"
    rows = [line.split(" ") for line in path.read_text().splitlines()]
    for i in range(400, 405):  # 50 ms hand dropout inside walking: interpolated
        rows[i][4] = "NaN"
    for i in range(1000, 1100):  # 1 s dropout (walking samples 700-799): two of three windows dropped
        rows[i][5] = "NaN"
    path.write_text("\n".join(" ".join(r) for r in rows) + "\n")
    rec = load_pamap2(pamap2_root)
    assert rec.label.tolist().count("walking") == 1
    assert all(np.isfinite(w).all() for w in rec.windows)


def test_placement_and_directory_errors(pamap2_root, tmp_path):
    assert len(load_labelled(pamap2_root, "ankle").windows) == 5
    with pytest.raises(DataError, match="hand, chest or ankle"):
        load_pamap2(pamap2_root, "wrist")
    with pytest.raises(DataError, match="not PAMAP2_Dataset"):
        load_labelled(tmp_path)
    bad = pamap2_root / "Protocol" / "subject102.dat"
    bad.write_text("1 2 3\n4 5 6\n")
    with pytest.raises(DataError, match="54"):
        load_pamap2(pamap2_root)
