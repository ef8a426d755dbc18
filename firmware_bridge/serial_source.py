"""Serial-port source (pyserial): a USB-UART bridge, a native USB CDC board, or any pyserial URL
(``loop://``, ``socket://host:port``, ``rfc2217://``). Survives unplugging: a read error or EOF
counts a disconnect, the port is reopened with exponential backoff, and the decoder resyncs.
"""

from __future__ import annotations

import logging
import time

import serial

from aura_edge.errors import DeviceError
from aura_edge.firmware_bridge.link import ByteLink
from aura_edge.firmware_bridge.payloads import make_decoder
from aura_edge.firmware_bridge.source_base import Source
from aura_edge.firmware_bridge.timing import Backoff
from aura_edge.firmware_bridge.types import LinkStats, SampleBatch

log = logging.getLogger(__name__)


class SerialSource(Source):
    """IMU samples from a serial port in ``csv`` (one sample per line) or ``frames`` format.

    ``rate_hz`` is needed only for 6-field CSV; without it the rate is detected from arrival
    timing over ``detect_s``. ``acc_unit`` / ``gyro_unit`` declare what CSV numbers mean (frames
    declare their own), ``axes`` remaps/sign-flips (e.g. ``"x,-z,y"``).
    """

    def __init__(self, port: str, *, baud: int = 115200, format: str = "csv", rate_hz: float | None = None,
                 acc_unit: str = "m/s2", gyro_unit: str = "rad/s", axes: str = "x,y,z", fields: int | None = None,
                 time_unit: str = "auto", reconnect: bool = True, backoff_initial_s: float = 0.1,
                 backoff_max_s: float = 2.0, read_timeout_s: float = 0.05, detect_s: float = 1.0) -> None:
        super().__init__(port)
        self.port = port
        self.baud = baud
        self.reconnect = reconnect
        self.read_timeout_s = read_timeout_s
        self._link = ByteLink(make_decoder(format, fields=fields, time_unit=time_unit), rate_hz,
                              acc_unit, gyro_unit, axes, detect_s)
        self.rate_hz = rate_hz
        self._backoff = Backoff(backoff_initial_s, backoff_max_s)
        self._next_attempt_s = 0.0
        try:
            self._serial = self._open()
        except (serial.SerialException, OSError, ValueError) as error:
            raise DeviceError(
                f"cannot open serial port {port!r}: {error}. Check the path (ls /dev/ttyUSB* /dev/ttyACM*), "
                "that no other program holds the port, and that your user may open it (group 'dialout')"
            ) from error

    @property
    def connected(self) -> bool:
        """The port is open (False while waiting to reconnect)."""
        return self._serial is not None

    def _open(self) -> serial.SerialBase:
        return serial.serial_for_url(self.port, baudrate=self.baud, timeout=self.read_timeout_s)

    def _poll(self, timeout_s: float) -> list[SampleBatch]:
        deadline = time.monotonic() + timeout_s
        while True:
            if self._serial is None and not self._try_reconnect(deadline):
                return []
            try:
                data = self._serial.read(1)  # blocks up to read_timeout_s for the first byte
                if data:
                    data += self._serial.read(self._serial.in_waiting)
            except (serial.SerialException, OSError) as error:
                self._disconnected(error)
                continue
            if data:
                batches = self._link.feed(data, time.monotonic())
                self.rate_hz = self._link.rate_hz
                if batches:
                    return batches
            if time.monotonic() >= deadline:
                return []

    def _disconnected(self, error: Exception) -> None:
        log.warning("serial port %s disconnected (%s)", self.port, error)
        self._stats.disconnects += 1
        try:
            self._serial.close()
        except (serial.SerialException, OSError):
            pass
        self._serial = None
        self._link.resync()
        if not self.reconnect:
            self.finished = True
        self._next_attempt_s = time.monotonic() + self._backoff.next_delay()

    def _try_reconnect(self, deadline: float) -> bool:
        """Reopen the port if an attempt is due before ``deadline``; True once open."""
        if self.finished or self.closed:
            return False
        wait = self._next_attempt_s - time.monotonic()
        if wait > deadline - time.monotonic():
            time.sleep(max(0.0, deadline - time.monotonic()))
            return False
        time.sleep(max(0.0, wait))
        try:
            self._serial = self._open()
        except (serial.SerialException, OSError, ValueError) as error:
            log.debug("reopening %s failed: %s", self.port, error)
            self._next_attempt_s = time.monotonic() + self._backoff.next_delay()
            return False
        log.info("serial port %s reconnected", self.port)
        self._backoff.reset()
        self._link.resync()
        return True

    def _refresh_stats(self, stats: LinkStats) -> None:
        counters = self._link.counters()
        stats.corrupt, stats.dropped, stats.resets = counters["corrupt"], counters["dropped"], counters["resets"]
        stats.detail = counters["detail"]

    def _close(self) -> None:
        if self._serial is not None:
            self._serial.close()
            self._serial = None
