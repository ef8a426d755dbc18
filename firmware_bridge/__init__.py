"""The device link (imported as ``aura_edge.firmware_bridge``): wire codecs, IMU sources, recording.

Stages, each usable alone: bytes -> decoder (:class:`FrameDecoder`, :class:`CsvLineDecoder`,
:class:`PackedSampleDecoder`) -> :class:`SampleRun` -> source (unit/axis conversion, host
timestamps, reconnects) -> :class:`SampleBatch`. Never imports torch; bleak only inside ``ble://``.
The binary frame format is specified in ``firmware/PROTOCOL.md``.
"""

from aura_edge.firmware_bridge.cobs import cobs_decode, cobs_encode, crc16_ccitt_false
from aura_edge.firmware_bridge.conversions import AxisMap, SampleConverter
from aura_edge.firmware_bridge.csv_lines import CsvLineDecoder, infer_time_unit
from aura_edge.firmware_bridge.frame_decoder import FrameDecoder, FrameStats
from aura_edge.firmware_bridge.frames import Frame, decode_frame, encode_frame, pack_frame, parse_frame
from aura_edge.firmware_bridge.payloads import PackedSampleDecoder, make_decoder
from aura_edge.firmware_bridge.record import RecordResult, record
from aura_edge.firmware_bridge.sources import (
    BleSource,
    ReplaySource,
    SerialSource,
    SimSource,
    Source,
    open_source,
)
from aura_edge.firmware_bridge.timing import NominalClock, estimate_rate_hz, snap_rate_hz
from aura_edge.firmware_bridge.types import LinkStats, SampleBatch, SampleRun

__all__ = [
    "AxisMap", "BleSource", "CsvLineDecoder", "Frame", "FrameDecoder", "FrameStats", "LinkStats", "NominalClock",
    "PackedSampleDecoder", "RecordResult", "ReplaySource", "SampleBatch", "SampleConverter", "SampleRun",
    "SerialSource", "SimSource", "Source", "cobs_decode", "cobs_encode", "crc16_ccitt_false", "decode_frame",
    "encode_frame", "estimate_rate_hz", "infer_time_unit", "make_decoder", "open_source", "pack_frame",
    "parse_frame", "record", "snap_rate_hz",
]
