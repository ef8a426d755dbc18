"""IMU sources behind one interface, opened from a URL-ish spec by :func:`open_source`.

=================================  ===========================================================
spec                               source
=================================  ===========================================================
``/dev/ttyUSB0``, ``COM3``         serial port (``serial:///dev/ttyACM0`` works too); pyserial
                                   URLs ``loop://``, ``socket://host:port``, ``rfc2217://...``
``replay://session.csv``           a recording (CSV or NPZ), real time x ``speed``
``sim://walking,running``          a simulated wearable (needs ``aura_edge.synth``)
``ble://AA:BB:CC:DD:EE:FF``        a BLE peripheral (needs bleak: ``pip install 'aura-edge[ble]'``)
=================================  ===========================================================

Options come from the spec's query string (``sim://walking?speed=0&format=frames``) and from
keyword arguments (which win). Unknown names are refused with the list of valid ones.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from aura_edge.firmware_bridge.ble_source import BleSource
from aura_edge.firmware_bridge.replay_source import ReplaySource
from aura_edge.firmware_bridge.serial_source import SerialSource
from aura_edge.firmware_bridge.sim_source import SimSource
from aura_edge.firmware_bridge.source_base import Source, coerce_options

__all__ = ["BleSource", "ReplaySource", "SerialSource", "SimSource", "Source", "open_source", "split_spec"]

_PYSERIAL_URLS = ("loop://", "socket://", "rfc2217://", "spy://", "hwgrep://", "alt://")


# The one table from a spec's scheme to the class that opens it (stream and record use it too).
SOURCE_CLASSES: dict[str, type[Source]] = {"sim": SimSource, "replay": ReplaySource, "ble": BleSource,
                                           "serial": SerialSource}


def source_class(spec: str) -> tuple[type[Source], str, dict[str, str]]:
    """(class, scheme, query options) for a spec."""
    scheme, _, query = split_spec(spec)
    return SOURCE_CLASSES[scheme], scheme, query


def split_spec(spec: str) -> tuple[str, str, dict[str, str]]:
    """``"sim://a,b?speed=0"`` -> ``("sim", "a,b", {"speed": "0"})``; a bare path is ``serial``."""
    for scheme in SOURCE_CLASSES:
        prefix = scheme + "://"
        if spec.startswith(prefix):
            target, _, query = spec[len(prefix):].partition("?")
            return scheme, target, dict(parse_qsl(query, keep_blank_values=True))
    return "serial", spec, {}


def open_source(spec: str, **options) -> Source:
    """Open the source a spec names, e.g. ``open_source("/dev/ttyACM0", format="frames")``."""
    scheme, target, query = split_spec(spec)
    merged = {**query, **options}
    if scheme == "serial" and spec.startswith(_PYSERIAL_URLS):
        target = spec  # pyserial parses its own URL options
    factory = SOURCE_CLASSES[scheme]
    return factory(target, **coerce_options(factory, merged))
