"""Simulated device (fault injection through the real decoders), replay files, and recording."""

from __future__ import annotations

import sys
import time

import numpy as np
import pytest

from aura_edge.errors import ConfigError, DataError, DeviceError
from aura_edge.firmware_bridge import open_source, record
from aura_edge.firmware_bridge.sources import SimSource
from aura_edge.firmware_bridge.types import SampleBatch
from aura_edge.runtime.ring_buffer import RingBuffer


def stub_simulate(activities, seconds_each, placement="wrist", rate_hz=200.0, seed=0):
    """Stand-in with aura_edge.synth.simulate_recording's signature: a distinct sine per activity."""
    per = int(round(seconds_each * rate_hz))
    t = np.arange(per * len(activities)) / rate_hz
    freq = np.repeat(1.0 + np.arange(len(activities)), per)
    imu = np.zeros((len(t), 6), dtype=np.float32)
    imu[:, 0] = np.sin(2 * np.pi * freq * t) * (1 + seed)
    imu[:, 2] = 9.81
    imu[:, 3] = 0.5 * np.cos(2 * np.pi * freq * t)
    return t, imu, [(i * seconds_each, a) for i, a in enumerate(activities)]


def drain(source) -> list[SampleBatch]:
    batches = list(source)
    source.close()
    return batches


def test_sim_samples_format_plays_every_sample_with_device_time():
    source = open_source("sim://walking,running?speed=0&seconds_each=2&rate_hz=104", simulate=stub_simulate)
    batches = drain(source)
    t = np.concatenate([b.t_device_s for b in batches])
    assert len(t) == 416 and np.allclose(np.diff(t), 1 / 104)
    assert source.segments == [(0.0, "walking"), (2.0, "running")]
    assert source.label_at(2.5) == "running" and source.finished


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sim_frames_faults_are_counted_exactly_by_the_real_decoder(seed):
    source = SimSource("walking,running,sitting", seconds_each=4.0, speed=0, format="frames", seed=seed,
                       corrupt=0.05, drop=0.05, disconnects=2, resets=1, device_t0_us=2**32 - 2_000_000,
                       seq0=65500, simulate=stub_simulate)
    batches = drain(source)
    stats, injected = source.stats, source.injected
    assert injected.corrupt > 0 and injected.dropped > 0 and injected.disconnects == 2 and injected.resets == 1
    assert stats.corrupt == injected.corrupt
    assert stats.dropped == injected.lost  # corrupt and cut frames leave sequence gaps too
    assert stats.resets == injected.resets and stats.disconnects == 2
    assert stats.detail["resync_discarded"] == 0
    frames_sent = 2400 // 8 - injected.lost
    assert stats.samples == 8 * frames_sent
    assert sum(b.reset for b in batches) == 1


def test_sim_frames_round_trip_values_through_quantisation():
    source = SimSource("walking", seconds_each=2.0, speed=0, format="frames", simulate=stub_simulate)
    out = np.concatenate([b.samples for b in drain(source)])
    _, truth, _ = stub_simulate(["walking"], 2.0)
    np.testing.assert_allclose(out[:, :3], truth[:, :3], atol=9.81 / 2048)  # 1 LSB at ±16 g
    np.testing.assert_allclose(out[:, 3:], truth[:, 3:], atol=np.radians(1 / 16.4))


def test_sim_csv_corrupt_lines_are_counted_exactly():
    source = SimSource("walking,running", seconds_each=3.0, speed=0, format="csv", corrupt=0.03, drop=0.02,
                       disconnects=1, simulate=stub_simulate)
    batches = drain(source)
    assert source.stats.corrupt == source.injected.corrupt > 0
    assert sum(len(b) for b in batches) == 1200 - source.injected.lost


def test_sim_loops_continue_the_device_clock_and_sequence():
    source = SimSource("walking", seconds_each=1.0, speed=0, format="frames", loops=3, seq0=65530,
                       simulate=stub_simulate)
    batches = drain(source)
    t = np.concatenate([b.t_device_s for b in batches])
    assert len(t) == 600 and np.all(np.diff(t) > 0)
    assert source.stats.dropped == 0 and source.stats.resets == 0


def test_sim_real_time_speed_paces_the_stream():
    source = SimSource("walking", seconds_each=1.0, speed=4.0, simulate=stub_simulate)
    start = time.monotonic()
    drain(source)
    assert 0.2 <= time.monotonic() - start < 1.0  # 1 s of data at 4x


def test_sim_fault_injection_needs_a_wire():
    with pytest.raises(ConfigError, match="format='frames'"):
        SimSource("walking", corrupt=0.1, simulate=stub_simulate)


def test_sim_with_the_real_synthetic_corpus_fills_a_valid_window():
    source = open_source("sim://walking,sitting?speed=0&seconds_each=3&format=frames")
    buffer = RingBuffer()
    for batch in drain(source):
        buffer.push(batch)
    window = buffer.window()
    assert window.valid, window.reason
    assert np.isfinite(window.imu).all() and window.imu.shape == (1000, 6)


def test_sim_without_synth_says_what_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "aura_edge.synth", None)  # makes the import fail
    with pytest.raises(DeviceError, match="simulate_recording"):
        SimSource("walking")


# -- replay ---------------------------------------------------------------------------------------

def test_replay_headerless_firmware_csv_needs_a_rate(tmp_path):
    path = tmp_path / "fw.csv"
    path.write_text("".join(f"{i},0,9.81,0,0,0\n" for i in range(50)))
    with pytest.raises(DataError, match="rate_hz"):
        open_source(f"replay://{path}")
    batches = drain(open_source(f"replay://{path}?speed=0&rate_hz=50&acc_unit=g"))
    samples = np.concatenate([b.samples for b in batches])
    assert len(samples) == 50 and samples[0, 2] == pytest.approx(9.81 * 9.80665, rel=1e-6)


def test_replay_npz_and_real_time_pacing(tmp_path):
    imu = np.tile(np.arange(6, dtype=np.float32), (100, 1))
    np.savez(tmp_path / "s.npz", imu=imu, rate_hz=200.0)
    source = open_source(f"replay://{tmp_path / 's.npz'}")
    start = time.monotonic()
    t = np.concatenate([b.t_device_s for b in drain(source)])
    assert 0.4 <= time.monotonic() - start < 1.5 and len(t) == 100
    np.testing.assert_allclose(t, np.arange(100) / 200.0)


def test_replay_timestamp_restart_is_replayed_as_a_reset(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("".join(f"{ms},0,0,1,0,0,0\n" for ms in [*range(1000, 1100, 10), *range(5, 55, 10)]))
    batches = drain(open_source(f"replay://{path}?speed=0"))
    assert [b.reset for b in batches] == [False, True]
    assert batches[1].t_device_s[0] == pytest.approx(0.005)


def test_missing_replay_file_is_a_clear_error(tmp_path):
    with pytest.raises(DeviceError, match="does not exist"):
        open_source(f"replay://{tmp_path / 'nope.csv'}")


# -- record ---------------------------------------------------------------------------------------

def test_record_then_replay_round_trips(tmp_path):
    out = tmp_path / "session.csv"
    source = SimSource("walking,running", seconds_each=2.0, speed=0, format="frames", simulate=stub_simulate)
    result = record(source, out, label="walk, then run")
    source.close()
    assert result.samples == 800 and not result.interrupted
    assert out.read_text().splitlines()[0] == "t_s,ax,ay,az,gx,gy,gz,label"
    replay = open_source(f"replay://{out}?speed=0")
    batches = drain(replay)
    again = np.concatenate([b.samples for b in batches])
    original = np.concatenate([b.samples for b in drain(
        SimSource("walking,running", seconds_each=2.0, speed=0, format="frames", simulate=stub_simulate))])
    np.testing.assert_allclose(again, original, rtol=1e-6, atol=1e-6)
    assert set(replay.labels) == {"walk, then run"}
    assert np.concatenate([b.t_device_s for b in batches])[0] == 0.0


def test_record_refuses_to_overwrite_and_checks_the_header_on_append(tmp_path):
    out = tmp_path / "s.csv"
    out.write_text("keep me\n")
    with pytest.raises(DeviceError, match="already exists"):
        record(SimSource("walking", seconds_each=1.0, speed=0, simulate=stub_simulate), out)
    assert out.read_text() == "keep me\n"
    with pytest.raises(DeviceError, match="header"):
        record(SimSource("walking", seconds_each=1.0, speed=0, simulate=stub_simulate), out, append=True)


class InterruptingSource:
    """Yields a few batches, then behaves as if the user pressed Ctrl-C."""

    finished = closed = False

    def __init__(self, batches: int) -> None:
        self.left = batches
        self.t = 0.0

    def read(self, timeout_s: float = 0.5):
        if self.left == 0:
            raise KeyboardInterrupt
        self.left -= 1
        t = self.t + np.arange(10) / 100.0
        self.t = t[-1] + 0.01
        return SampleBatch(t + 50.0, t, np.ones((10, 6), dtype=np.float32))


def test_record_is_ctrl_c_safe(tmp_path):
    out = tmp_path / "s.csv"
    result = record(InterruptingSource(batches=7), out)
    assert result.interrupted and result.samples == 70
    rows = out.read_text().splitlines()
    assert len(rows) == 71 and all(len(row.split(",")) == 7 for row in rows[1:])
    assert float(rows[-1].split(",")[0]) == pytest.approx(0.69)


def test_record_stops_at_max_seconds_and_keeps_time_monotonic_across_resets(tmp_path):
    out = tmp_path / "s.csv"
    source = SimSource("walking,running", seconds_each=3.0, speed=0, format="frames", resets=1,
                       simulate=stub_simulate)
    result = record(source, out, max_seconds=5.0)
    t = np.loadtxt(out, delimiter=",", skiprows=1)[:, 0]
    assert result.samples == len(t) and t[-1] <= 5.0 and np.all(np.diff(t) > 0)


def test_the_streaming_path_runs_with_torch_and_bleak_unimportable():
    """Jetson installs have no torch: the link and the ring buffer must never import it."""
    import subprocess
    code = (
        "import sys\n"
        "class Block:\n"  # a finder that refuses them (a None in sys.modules confuses scipy)
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('torch', 'open_clip', 'bleak'):\n"
        "            raise ImportError(f'{name} is blocked in this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import numpy as np\n"
        "from aura_edge.firmware_bridge import open_source\n"
        "from aura_edge.runtime.ring_buffer import RingBuffer\n"
        "def sim(activities, seconds_each, placement='wrist', rate_hz=200.0, seed=0):\n"
        "    t = np.arange(int(seconds_each * rate_hz) * len(activities)) / rate_hz\n"
        "    return t, np.tile(np.float32([0, 0, 9.81, 0, 0, 0]), (len(t), 1)), [(0.0, activities[0])]\n"
        "buffer = RingBuffer()\n"
        "for batch in open_source('sim://walking?speed=0&seconds_each=6&format=frames', simulate=sim):\n"
        "    buffer.push(batch)\n"
        "assert buffer.window().valid\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('torch', 'open_clip', 'bleak')]\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
