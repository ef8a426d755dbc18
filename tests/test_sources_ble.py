"""BLE source without hardware: payload decoders, and the queue/thread/reconnect logic driven by
a fake bleak client."""

from __future__ import annotations

import asyncio
import sys
import threading
import time

import numpy as np
import pytest

from aura_edge.errors import DeviceError
from aura_edge.firmware_bridge import PackedSampleDecoder, encode_frame
from aura_edge.firmware_bridge.ble_source import DEFAULT_CHAR_UUID
from aura_edge.firmware_bridge.sources import BleSource
from conftest import read_samples


def frame(seq: int) -> bytes:
    raw = np.full((8, 6), seq, dtype=np.int16)
    return encode_frame(seq, seq * 40_000, raw, 5_000_000, 0.01, 0.001)


def notifications(data: bytes, size: int = 20) -> list[bytes]:
    """Split a byte stream like firmware limited to the default 20-byte ATT payload."""
    return [data[i:i + size] for i in range(0, len(data), size)]


class FakeClient:
    """The part of bleak.BleakClient the source uses. ``plan`` is what this connection does:
    'fail' (connect raises), or a list of payloads to notify, then 'drop' or 'stay'."""

    def __init__(self, plan, address: str, disconnected_callback) -> None:
        self.plan, self.address, self.on_disconnect = plan, address, disconnected_callback
        self.notify_thread: int | None = None

    async def connect(self) -> None:
        if self.plan == "fail":
            raise OSError("BLE device not found")

    async def start_notify(self, char: str, callback) -> None:
        assert char == DEFAULT_CHAR_UUID
        payloads, ending = self.plan
        asyncio.get_running_loop().create_task(self._play(payloads, ending, callback))

    async def _play(self, payloads, ending, callback) -> None:
        for payload in payloads:
            self.notify_thread = threading.get_ident()
            callback(None, bytearray(payload))
            await asyncio.sleep(0)
        if ending == "drop":
            await asyncio.sleep(0.01)
            self.on_disconnect(self)

    async def disconnect(self) -> None:
        pass


def fake_factory(plans: list):
    clients = []

    def factory(address, disconnected_callback):
        client = FakeClient(plans.pop(0) if plans else ([], "stay"), address, disconnected_callback)
        clients.append(client)
        return client
    return factory, clients


def test_frames_split_over_notifications_reconnect_and_count_the_gap():
    first = notifications(b"\x00" + b"".join(frame(k) for k in range(10)))
    second = notifications(b"\x00" + b"".join(frame(k) for k in range(12, 20)))
    factory, clients = fake_factory(["fail", (first, "drop"), (second, "stay")])
    source = BleSource("AA:BB:CC:DD:EE:FF", client_factory=factory, backoff_initial_s=0.01)
    decoded_in = set()
    feed = source._link.feed
    source._link.feed = lambda data, t: decoded_in.add(threading.get_ident()) or feed(data, t)
    batches = read_samples(source, 18 * 8)
    stats = source.stats
    source.close()
    values = np.concatenate([b.samples[:, 0] for b in batches]) / 0.01
    np.testing.assert_allclose(np.unique(values.round()), [*range(10), *range(12, 20)])
    assert (stats.disconnects, stats.dropped, stats.corrupt) == (1, 2, 0)
    assert stats.detail["connect_failures"] == 1 and len(clients) == 3
    # decoding ran in the consumer's thread, never in the BLE callback's
    assert decoded_in == {threading.get_ident()}
    assert clients[1].notify_thread != threading.get_ident()
    assert not source._thread.is_alive()


def test_a_full_queue_counts_overflow_instead_of_blocking_the_ble_stack():
    payloads = [np.zeros(6, "<i2").tobytes()] * 50
    factory, _ = fake_factory([(payloads, "stay")])
    source = BleSource("X", client_factory=factory, format="int16", rate_hz=100.0, queue_size=4)
    deadline = time.monotonic() + 2.0
    while source.stats.overflow < 46 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert source.stats.overflow == 46
    assert sum(len(b) for b in read_samples(source, 4, timeout_s=1.0)) == 4
    source.close()


def test_int16_payloads_are_scaled_and_host_timestamped_at_the_given_rate():
    payload = np.array([[1000, 0, -1000, 100, 0, -100]] * 4, "<i2").tobytes()
    factory, _ = fake_factory([([payload] * 5, "stay")])
    source = BleSource("X", client_factory=factory, format="int16", acc_lsb=1 / 1000, gyro_lsb=1 / 100,
                       acc_unit="g", gyro_unit="deg/s", rate_hz=50.0)
    batches = read_samples(source, 20)
    source.close()
    samples = np.concatenate([b.samples for b in batches])
    np.testing.assert_allclose(samples[0], [9.80665, 0, -9.80665, np.pi / 180, 0, -np.pi / 180], rtol=1e-6)
    t = np.concatenate([b.t_host_s for b in batches])
    assert batches[0].t_device_s is None
    np.testing.assert_allclose(np.diff(t), 0.02, rtol=0.3)


def test_packed_decoder_rejects_wrong_sizes_and_accepts_float32():
    decoder = PackedSampleDecoder("int16", samples_per_payload=2)
    assert decoder.feed(bytes(24)) and not decoder.feed(bytes(12)) and not decoder.feed(bytes(25))
    assert decoder.stats.corrupt == 2 and decoder.stats.samples == 2
    floats = PackedSampleDecoder("float32")
    run = floats.feed(np.array([[0.5, 0, 9.8, 0.1, 0.2, 0.3]], "<f4").tobytes())[0]
    np.testing.assert_allclose(run.samples[0], [0.5, 0, 9.8, 0.1, 0.2, 0.3], rtol=1e-6)
    assert not floats.feed(np.array([[np.nan] * 6], "<f4").tobytes()) and floats.stats.corrupt == 1


def test_missing_bleak_is_an_actionable_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "bleak", None)
    with pytest.raises(DeviceError, match=r"pip install 'aura-edge\[ble\]'"):
        BleSource("AA:BB:CC:DD:EE:FF")
