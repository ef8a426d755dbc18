"""``ble://ADDRESS``: IMU notifications over Bluetooth LE with bleak (optional extra ``ble``).

bleak is asyncio-based, so the link runs in its own thread with its own event loop. The
notification callback only timestamps the payload and puts it on a bounded queue; decoding
happens in the consumer's thread (``read``), so a slow decoder can never stall the BLE stack.
On a drop the thread reconnects with exponential backoff and queues a resync marker, which the
consumer applies in order (bytes before and after a reconnect are never stitched together).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time

from aura_edge.errors import DeviceError
from aura_edge.firmware_bridge.link import ByteLink
from aura_edge.firmware_bridge.payloads import make_decoder
from aura_edge.firmware_bridge.source_base import Source
from aura_edge.firmware_bridge.timing import Backoff
from aura_edge.firmware_bridge.types import LinkStats, SampleBatch

log = logging.getLogger(__name__)

# The reference firmware's GATT layout (PROTOCOL.md): "AURAEDGE" in the first 8 bytes.
DEFAULT_SERVICE_UUID = "41555241-4544-4745-8000-00000000a001"
DEFAULT_CHAR_UUID = "41555241-4544-4745-8000-00000000a002"
_RESYNC = object()  # queue marker: the link was re-established
_DRAIN = 256  # payloads decoded per read at most, to keep read latency bounded


def _bleak_client_factory(connect_timeout_s: float):
    try:
        from bleak import BleakClient
    except ImportError:
        raise DeviceError("ble:// sources need the bleak package: pip install 'aura-edge[ble]'") from None

    def factory(address: str, disconnected_callback):
        return BleakClient(address, disconnected_callback=disconnected_callback, timeout=connect_timeout_s)
    return factory


class BleSource(Source):
    """Notifications of one GATT characteristic, decoded by ``format``: ``frames`` (the project's binary
    frames, which may be split across notifications), ``int16`` (k samples of 6 int16 scaled by
    ``acc_lsb``/``gyro_lsb`` per notification) or ``float32`` (k x 6 floats).

    ``client_factory(address, disconnected_callback)`` returns a bleak-like client (connect,
    start_notify, disconnect); tests pass a fake one.
    """

    def __init__(self, address: str, *, char_uuid: str = DEFAULT_CHAR_UUID, format: str = "frames",
                 rate_hz: float | None = None, acc_unit: str = "m/s2", gyro_unit: str = "rad/s",
                 acc_lsb: float = 1.0, gyro_lsb: float = 1.0, samples_per_payload: int | None = None,
                 axes: str = "x,y,z", queue_size: int = 4096, connect_timeout_s: float = 10.0,
                 backoff_initial_s: float = 0.5, backoff_max_s: float = 10.0, detect_s: float = 1.0,
                 client_factory=None) -> None:
        super().__init__(f"ble://{address}")
        self.address, self.char_uuid = address, char_uuid
        self._factory = client_factory or _bleak_client_factory(connect_timeout_s)
        decoder = make_decoder(format, acc_lsb=acc_lsb, gyro_lsb=gyro_lsb, samples_per_payload=samples_per_payload)
        self._link = ByteLink(decoder, rate_hz, acc_unit, gyro_unit, axes, detect_s)
        self.rate_hz = rate_hz
        self.connect_timeout_s = connect_timeout_s
        self._link_up = threading.Event()  # set by the BLE thread while a link is up
        self._queue: queue.Queue = queue.Queue(maxsize=queue_size)
        self._backoff = Backoff(backoff_initial_s, backoff_max_s)
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._thread_main, name=f"ble-{address}", daemon=True)
        self._thread.start()

    # -- BLE thread -----------------------------------------------------------------------------

    def _on_notify(self, _sender, data: bytearray) -> None:
        """Runs on the BLE stack's callback: timestamp and enqueue, nothing else."""
        try:
            self._queue.put_nowait((time.monotonic(), bytes(data)))
        except queue.Full:
            self._stats.overflow += 1

    @property
    def connected(self) -> bool:
        """A BLE link is up now (every source answers ``connected`` with a bool)."""
        return self._link_up.is_set()

    def _thread_main(self) -> None:
        asyncio.run(self._link_loop())

    async def _link_loop(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        first = True
        while not self._stop.is_set():
            lost = asyncio.Event()
            # Bind this connection's event: a late callback from an old client must not end a new link.
            client = self._factory(self.address, lambda _client, lost=lost: self._loop.call_soon_threadsafe(lost.set))
            if not await self._connect(client):
                await self._sleep(self._backoff.next_delay())
                continue
            self._backoff.reset()
            if not first:
                self._queue.put(_RESYNC)
            first = False
            self._link_up.set()
            await self._wait_any(lost)
            self._link_up.clear()
            if lost.is_set():
                log.warning("BLE device %s disconnected; reconnecting", self.address)
                self._stats.disconnects += 1
            await self._disconnect(client)
            if not self._stop.is_set():
                await self._sleep(self._backoff.next_delay())

    async def _connect(self, client) -> bool:
        try:
            await asyncio.wait_for(client.connect(), self.connect_timeout_s)
            await client.start_notify(self.char_uuid, self._on_notify)
            return True
        except Exception as error:  # bleak raises many types (BleakError, dbus, OS, timeout): retry all
            log.warning("cannot connect to BLE device %s (%s); retrying", self.address, error)
            self._stats.detail["connect_failures"] = self._stats.detail.get("connect_failures", 0) + 1
            await self._disconnect(client)
            return False

    async def _disconnect(self, client) -> None:
        try:
            await client.disconnect()
        except Exception as error:  # the link may already be gone; nothing else to do
            log.debug("BLE disconnect of %s: %s", self.address, error)

    async def _wait_any(self, lost: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(lost.wait()), asyncio.ensure_future(self._wake.wait())]
        _, pending = await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()

    async def _sleep(self, seconds: float) -> None:
        try:
            await asyncio.wait_for(self._wake.wait(), seconds)
        except asyncio.TimeoutError:
            pass

    # -- consumer side --------------------------------------------------------------------------

    def _poll(self, timeout_s: float) -> list[SampleBatch]:
        try:
            items = [self._queue.get(timeout=timeout_s)]
        except queue.Empty:
            return []
        while len(items) < _DRAIN:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        batches = []
        for item in items:
            if item is _RESYNC:
                self._link.resync()
            else:
                batches += self._link.feed(item[1], item[0])
        self.rate_hz = self._link.rate_hz
        return batches

    def _refresh_stats(self, stats: LinkStats) -> None:
        counters = self._link.counters()
        stats.corrupt, stats.dropped, stats.resets = counters["corrupt"], counters["dropped"], counters["resets"]
        stats.detail = {**stats.detail, **counters["detail"]}

    def _close(self) -> None:
        self._stop.set()
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)
        self._thread.join(timeout=5.0)
