"""COBS framing and CRC-16/CCITT-FALSE: the two byte-level primitives of the binary wire format.

These are the simple, per-frame reference implementations (used by encoders, the simulator and
tests). The streaming decoder in ``frame_decoder.py`` decodes many frames at once with numpy and is
checked against these.
"""

from __future__ import annotations

import binascii

from aura_edge.errors import DataError

DELIMITER = 0x00
MAX_BLOCK = 254  # data bytes one COBS code byte can cover (code 0xFF)


def crc16_ccitt_false(data: bytes | bytearray | memoryview, crc: int = 0xFFFF) -> int:
    """CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, no reflection, no final XOR.

    ``binascii.crc_hqx`` is exactly this algorithm (in C), so it is used instead of a table.
    Check value: crc16_ccitt_false(b"123456789") == 0x29B1.
    """
    return binascii.crc_hqx(data, crc)


def cobs_encode(data: bytes | bytearray) -> bytes:
    """Encode ``data`` so it contains no 0x00 byte (the delimiter itself is NOT appended)."""
    out = bytearray()
    runs = bytes(data).split(b"\x00")
    # Every zero ends a block; a block longer than 254 bytes is cut into 0xFF-coded runs that
    # carry no implied zero. Splitting on b"\x00" does the byte scan in C.
    for index, run in enumerate(runs):
        last = index == len(runs) - 1
        had_data = len(run) > 0
        while len(run) >= MAX_BLOCK:
            out.append(0xFF)
            out += run[:MAX_BLOCK]
            run = run[MAX_BLOCK:]
        # Canonical COBS (Cheshire & Baker): data ending exactly on a full 0xFF block gets no
        # extra empty block. The C encoder does the same, so both produce identical bytes.
        if last and had_data and not run:
            break
        out.append(len(run) + 1)
        out += run
    return bytes(out)


def cobs_decode(encoded: bytes | bytearray) -> bytes:
    """Decode one COBS block sequence (without its delimiter); DataError when malformed."""
    out = bytearray()
    i, n = 0, len(encoded)
    while i < n:
        code = encoded[i]
        if code == 0:
            raise DataError(f"COBS data contains a 0x00 byte at offset {i}; split frames on 0x00 first")
        end = i + code
        if end > n:
            raise DataError(f"COBS code {code} at offset {i} runs past the end of the {n}-byte frame")
        out += encoded[i + 1:end]
        # A short block (code < 0xFF) stands for "data then a zero", except at the very end.
        if code < 0xFF and end < n:
            out.append(0)
        i = end
    return bytes(out)
