"""Serial source against a real pseudo-terminal: pyserial opens a tty path, a writer thread plays
the device (garbage, corruption, loss, stalls, a reboot, and an unplug/replug)."""

from __future__ import annotations

import os
import threading
import time
import tty

import numpy as np
import pytest

from aura_edge.errors import ConfigError, DeviceError
from aura_edge.firmware_bridge import encode_frame, open_source
from aura_edge.firmware_bridge.sources import SerialSource
from aura_edge.signals import GRAVITY_MS2
from conftest import read_samples

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs POSIX pseudo-terminals")


class PtyDevice:
    """A pty pair; ``path`` (a symlink, like /dev/serial/by-id/...) points at the slave end."""

    def __init__(self, path: str) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)  # before any byte is written: the line discipline must not cook data
        tmp = path + ".tmp"
        os.symlink(os.ttyname(self.slave), tmp)
        os.replace(tmp, path)  # atomic re-point, as udev does on replug

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.master, view):]

    def play(self, chunks: list[bytes | float]) -> threading.Thread:
        """Write byte chunks in a thread; a float is a pause in seconds."""
        def run():
            for chunk in chunks:
                time.sleep(chunk) if isinstance(chunk, float) else self.write(chunk)
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    def unplug(self) -> None:
        os.close(self.master)
        os.close(self.slave)


def frame(seq: int, t_us: int, value: int = 0, boot: bool = False) -> bytes:
    raw = np.full((8, 6), value, dtype=np.int16)
    raw[:, 2] = 2048  # 1 g on z
    return encode_frame(seq, t_us, raw, 5_000_000, 1 / 2048, 1 / 16.4, "g", "deg/s", boot)


@pytest.fixture
def port_path(tmp_path):
    return str(tmp_path / "ttyIMU")


def test_csv_over_a_pty_with_garbage_stall_and_device_reset(port_path):
    device = PtyDevice(port_path)
    source = open_source(port_path, format="csv", acc_unit="g", gyro_unit="deg/s", axes="x,-z,y", read_timeout_s=0.02)
    lines = [b"%d,0.1,0.2,1.0,10,20,30\n" % (1000 + 10 * i) for i in range(60)]
    rebooted = [b"%d,0.1,0.2,1.0,10,20,30\n" % (5 + 10 * i) for i in range(20)]
    script = [b"02,0.1,0.2\n"] + [b"".join(lines[i:i + 4]) for i in range(0, 40, 4)] \
        + [b"ERR sensor timeout\n", b"\x00\x01\xfe" * 300 + b"\n", 0.3] \
        + [b"".join(lines[i:i + 4]) for i in range(40, 60, 4)] + rebooted
    writer = device.play(script)
    batches = read_samples(source, 80)
    writer.join()
    stats = source.stats
    source.close()
    device.unplug()
    samples = np.concatenate([b.samples for b in batches])
    assert len(samples) == 80
    np.testing.assert_allclose(samples[0], [0.1 * GRAVITY_MS2, -GRAVITY_MS2, 0.2 * GRAVITY_MS2,
                                            *np.radians([10, -30, 20])], rtol=1e-5)
    assert stats.corrupt == 2 and stats.detail["overlong_lines"] == 1  # the ERR line, the binary blob
    assert stats.resets == 1 and [b.reset for b in batches].count(True) == 1
    t_device = np.concatenate([b.t_device_s for b in batches[:-1]])
    assert np.all(np.diff(t_device[:60]) == pytest.approx(0.01))
    assert source.rate_hz == 100.0


def test_csv_rate_is_detected_from_arrival_timing_and_the_stall_shows(port_path):
    device = PtyDevice(port_path)
    source = SerialSource(port_path, format="csv", read_timeout_s=0.02)
    line = b"0.0,0.0,9.81,0.0,0.0,0.0\n"
    # 104 Hz in bursts of 2 lines on an absolute schedule (sleep overshoot must not slow the
    # device down), with a 0.4 s stall after 60 bursts. The first line is discarded as partial.
    burst_at = [k * 2 / 104 + (0.4 if k >= 60 else 0.0) for k in range(80)]

    def run():
        device.write(line)
        start = time.monotonic()
        for at in burst_at:
            time.sleep(max(0.0, start + at - time.monotonic()))
            device.write(line * 2)

    writer = threading.Thread(target=run, daemon=True)
    writer.start()
    batches = read_samples(source, 160, timeout_s=6.0)
    writer.join()
    source.close()
    device.unplug()
    assert source.rate_hz == 104.0
    t_host = np.concatenate([b.t_host_s for b in batches])
    assert len(t_host) == 160 and np.all(np.diff(t_host) > 0)
    steps = np.diff(t_host)
    assert steps.max() > 0.3  # the stall is a visible gap for the ring buffer
    assert np.median(steps) == pytest.approx(1 / 104, rel=0.02)


def test_frames_over_a_pty_count_corruption_loss_wrap_and_reset_exactly(port_path):
    device = PtyDevice(port_path)
    source = open_source(port_path, format="frames", read_timeout_s=0.02)
    stream, sent = [b"\x3a\x17\x00"], 0  # the tail of a frame from before we opened
    for k in range(30):
        seq, t_us = (65520 + k) % 65536, (2**32 - 400_000 + k * 40_000) % 2**32  # both wrap
        if k in (5, 6):  # lost on the wire
            continue
        data = frame(seq, t_us, value=k)
        if k == 12:
            data = data[:20] + bytes([data[20] ^ 0x40 or 1]) + data[21:]  # bit error
        elif k == 20:
            stream += [b"noise on the line\x00", 0.25]  # garbage, then a stall
        sent += 0 if k == 12 else 1
        stream.append(data)
    stream += [frame(0, 500, value=99, boot=True), frame(1, 40_500, value=99)]  # the device rebooted
    writer = device.play(stream)
    batches = read_samples(source, 8 * (sent + 2))
    writer.join()
    stats = source.stats
    source.close()
    device.unplug()
    assert sum(len(b) for b in batches) == 8 * (sent + 2)
    assert (stats.corrupt, stats.dropped, stats.resets) == (2, 3, 1)
    assert stats.detail["resync_discarded"] == 1
    resets = [i for i, b in enumerate(batches) if b.reset]
    assert len(resets) == 1 and batches[resets[0]].t_device_s[0] == pytest.approx(500e-6)
    before = np.concatenate([b.t_device_s for b in batches[:resets[0]]])
    assert len(before) == 8 * sent and np.all(np.diff(before) > 0)
    assert before[-1] > 2**32 * 1e-6  # unwrapped past the u32 µs wrap
    assert batches[-1].samples[-1, 0] == pytest.approx(99 / 2048 * GRAVITY_MS2)


@pytest.mark.parametrize("fmt", ["frames", "csv"])
def test_unplug_and_replug_reconnects_with_backoff_and_resyncs(port_path, fmt):
    def payload(k: int) -> bytes:
        return frame(k, k * 40_000, value=k) if fmt == "frames" else b"%d,0,9.81,0,0,0\n" % k

    first = PtyDevice(port_path)
    source = SerialSource(port_path, format=fmt, rate_hz=200.0, read_timeout_s=0.02, backoff_initial_s=0.05)
    first.play([b"\n" if fmt == "csv" else b"\x00"] + [payload(k) for k in range(10)]).join()
    got = read_samples(source, 80 if fmt == "frames" else 10)
    first.unplug()  # cable pulled
    deadline = time.monotonic() + 3.0
    while source.stats.disconnects == 0 and time.monotonic() < deadline:
        source.read(timeout_s=0.05)
    assert source.stats.disconnects == 1 and not source.connected
    time.sleep(0.2)  # a few reconnect attempts fail while nothing is plugged in
    second = PtyDevice(port_path)
    while not source.connected and time.monotonic() < deadline:
        source.read(timeout_s=0.05)
    assert source.connected
    second.play([payload(k) for k in range(15, 25)]).join()  # frames 10..14 were lost meanwhile
    got += read_samples(source, 80 if fmt == "frames" else 9)
    stats = source.stats
    source.close()
    second.unplug()
    first_column = np.concatenate([b.samples[:, 0] for b in got])
    if fmt == "frames":
        assert len(first_column) == 160 and stats.dropped == 5 and stats.corrupt == 0
        assert sorted(set((first_column * 2048 / GRAVITY_MS2).round().astype(int))) == [*range(10), *range(15, 25)]
    else:  # the first line after a reconnect may be partial: it is always discarded
        np.testing.assert_array_equal(first_column, [*range(10), *range(16, 25)])
        assert stats.corrupt == 0
    assert stats.disconnects == 1


def test_missing_port_is_a_device_error_with_advice(tmp_path):
    with pytest.raises(DeviceError, match="dialout"):
        open_source(str(tmp_path / "ttyNOPE"))


def test_unknown_option_lists_the_valid_ones(port_path):
    PtyDevice(port_path)
    with pytest.raises(ConfigError, match="valid options: .*baud"):
        open_source(port_path, baudrate=9600)


def test_pyserial_loop_url_works_as_a_port():
    source = open_source("loop://", format="frames", read_timeout_s=0.01)
    source._serial.write(b"\x00" + frame(0, 0) + frame(1, 40_000))
    batches = read_samples(source, 16, timeout_s=2.0)
    source.close()
    assert sum(len(b) for b in batches) == 16
