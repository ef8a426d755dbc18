"""Binary frame wire format: COBS, CRC, encode/decode round trips, exact loss/reset counting."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aura_edge.errors import DataError
from aura_edge.firmware_bridge import (
    FrameDecoder,
    cobs_decode,
    cobs_encode,
    crc16_ccitt_false,
    decode_frame,
    encode_frame,
)
from aura_edge.firmware_bridge.frames import MAX_ENCODED_BYTES, MAX_SAMPLES, pack_frame
from aura_edge.signals import GRAVITY_MS2

PERIOD_NS = 5_000_000  # 200 Hz


def frame(seq: int, t_us: int, raw=None, n: int = 4, boot: bool = False, **kw) -> bytes:
    raw = np.arange(n * 6, dtype=np.int16).reshape(n, 6) if raw is None else raw
    return encode_frame(seq, t_us, raw, kw.get("period_ns", PERIOD_NS), kw.get("acc_lsb", 0.001),
                        kw.get("gyro_lsb", 0.0001), boot=boot)


def decode_all(decoder: FrameDecoder, data: bytes, chunk: int | None = None):
    runs = []
    step = chunk or max(1, len(data))
    for i in range(0, len(data), step):
        runs += decoder.feed(data[i:i + step])
    return runs


def test_crc_is_ccitt_false_with_the_standard_check_value():
    assert crc16_ccitt_false(b"123456789") == 0x29B1


@given(st.binary(max_size=700))
def test_cobs_round_trips_and_never_emits_the_delimiter(data):
    encoded = cobs_encode(data)
    assert b"\x00" not in encoded
    assert cobs_decode(encoded) == data
    assert len(encoded) <= len(data) + len(data) // 254 + 1


def test_cobs_is_canonical_for_a_full_last_block():
    assert cobs_encode(b"\x01" * 254) == b"\xff" + b"\x01" * 254
    assert cobs_encode(b"\x01" * 254 + b"\x00") == b"\xff" + b"\x01" * 254 + b"\x01\x01"


def test_cobs_decode_rejects_a_code_running_past_the_end():
    with pytest.raises(DataError, match="runs past the end"):
        cobs_decode(b"\x05\x01\x02")


def test_worked_example_from_protocol_md_decodes():
    wire = bytes.fromhex("04 01 03 01 03 e8 03 01 04 40 4b 4c 01 01 01 08 3a 90 c1 79 3d"
                         "01 64 03 38 ff 02 08 01 02 10 05 f0 ff 29 7a 00")
    parsed = decode_frame(wire)
    assert (parsed.seq, parsed.t_us, parsed.period_ns) == (1, 1000, 5_000_000)
    assert parsed.raw.tolist() == [[100, -200, 2048, 0, 16, -16]]
    assert (parsed.acc_unit, parsed.gyro_unit) == ("g", "deg/s")


raw_samples = st.integers(1, MAX_SAMPLES).flatmap(
    lambda n: st.lists(st.lists(st.integers(-32768, 32767), min_size=6, max_size=6), min_size=n, max_size=n))


@given(raw=raw_samples, seq=st.integers(0, 65535), t_us=st.integers(0, 2**32 - 1),
       acc_unit=st.sampled_from(["g", "m/s2"]), gyro_unit=st.sampled_from(["deg/s", "rad/s"]))
@settings(max_examples=60, deadline=None)
def test_frame_round_trip_through_strict_parser_and_stream_decoder(raw, seq, t_us, acc_unit, gyro_unit):
    raw = np.array(raw, dtype=np.int16)
    wire = encode_frame(seq, t_us, raw, PERIOD_NS, 1 / 2048, 1 / 16.4, acc_unit, gyro_unit)
    parsed = decode_frame(wire)
    assert (parsed.seq, parsed.t_us) == (seq, t_us)
    np.testing.assert_array_equal(parsed.raw, raw)
    runs = FrameDecoder().feed(wire)
    assert len(runs) == 1
    np.testing.assert_array_equal(runs[0].samples, parsed.samples())
    expected_t = (t_us + np.arange(len(raw)) * PERIOD_NS / 1000) * 1e-6
    np.testing.assert_allclose(runs[0].t_device_s, expected_t, rtol=0, atol=1e-9)


def test_declared_units_scale_to_canonical():
    raw = np.array([[2048, 0, -2048, 164, 0, -164]], dtype=np.int16)
    run = FrameDecoder().feed(encode_frame(0, 0, raw, PERIOD_NS, 1 / 2048, 1 / 16.4, "g", "deg/s"))[0]
    np.testing.assert_allclose(run.samples[0, :3], [GRAVITY_MS2, 0, -GRAVITY_MS2], rtol=1e-6)
    np.testing.assert_allclose(run.samples[0, 3:], np.radians([10, 0, -10]), rtol=1e-5)


def test_strict_parser_names_what_is_wrong():
    body = bytearray(pack_frame(0, 0, np.zeros((1, 6)), PERIOD_NS, 1.0, 1.0))
    body[5] ^= 0x10
    with pytest.raises(DataError, match="CRC"):
        decode_frame(cobs_encode(bytes(body)))
    with pytest.raises(DataError, match="shorter"):
        decode_frame(cobs_encode(b"\x01\x02"))


def test_chunking_does_not_change_the_output():
    rng = np.random.default_rng(1)
    stream = b"".join(frame(i, i * 20_000, rng.integers(-500, 500, (4, 6)).astype(np.int16)) for i in range(50))
    whole = decode_all(FrameDecoder(), stream)
    for chunk in (1, 7, 64, 1000):
        pieces = decode_all(FrameDecoder(), stream, chunk)
        np.testing.assert_array_equal(np.concatenate([r.samples for r in pieces]),
                                      np.concatenate([r.samples for r in whole]))
        np.testing.assert_array_equal(np.concatenate([r.t_device_s for r in pieces]),
                                      np.concatenate([r.t_device_s for r in whole]))


def test_dropped_frames_are_counted_exactly_across_the_u16_sequence_wrap():
    seqs = [65530, 65531, 65533, 65535, 0, 3, 4]  # missing: 65532, 65534, 1, 2
    decoder = FrameDecoder()
    runs = decode_all(decoder, b"".join(frame(s, ((s - 65530) % 65536) * 20_000) for s in seqs))
    assert decoder.stats.dropped == 4
    assert decoder.stats.resets == 0
    assert sum(len(r) for r in runs) == 4 * len(seqs)


def test_device_time_unwraps_across_the_u32_microsecond_wrap():
    start = 2**32 - 50_000
    decoder = FrameDecoder()
    runs = decode_all(decoder, b"".join(frame(i, (start + i * 20_000) % 2**32) for i in range(6)), chunk=11)
    t = np.concatenate([r.t_device_s for r in runs])
    np.testing.assert_allclose(np.diff(t), 0.005, atol=1e-9)
    assert t[-1] == pytest.approx((start + 5 * 20_000 + 3 * 5000) * 1e-6, abs=1e-9)
    assert decoder.stats.resets == 0


def test_boot_flag_or_clock_going_backwards_is_a_reset_that_re_anchors():
    decoder = FrameDecoder()
    stream = frame(10, 5_000_000) + frame(11, 5_020_000) + frame(0, 100, boot=True) + frame(1, 20_100) \
        + frame(2, 10)  # clock backwards without the flag (boot frame lost, say)
    runs = decode_all(decoder, stream)
    assert decoder.stats.resets == 2
    assert decoder.stats.dropped == 0  # no gap is counted across a reset
    assert [r.reset for r in runs] == [False, True, True]
    assert runs[1].t_device_s[0] == pytest.approx(100e-6)


def test_sequence_restart_with_the_clock_still_advancing_is_a_reset_not_a_gap():
    decoder = FrameDecoder()
    # seq jumps 40000 -> 5 while the clock advanced only 20 ms: cannot be 25000 lost frames
    decode_all(decoder, frame(40000, 1_000_000) + frame(5, 1_020_000))
    assert (decoder.stats.resets, decoder.stats.dropped) == (1, 0)


def test_corrupt_frames_are_counted_and_also_leave_a_sequence_gap():
    good = [frame(i, i * 20_000) for i in range(5)]
    bad = bytearray(good[2])
    bad[10] = 0x55 if bad[10] != 0x55 else 0x56
    decoder = FrameDecoder()
    runs = decode_all(decoder, b"".join([good[0], good[1], bytes(bad), good[3], good[4]]))
    assert (decoder.stats.corrupt, decoder.stats.bad_crc, decoder.stats.dropped) == (1, 1, 1)
    assert sum(len(r) for r in runs) == 4 * 4


def test_garbage_between_frames_is_counted_not_fatal():
    decoder = FrameDecoder()
    runs = decode_all(decoder, frame(0, 0) + b"hello world\x00\x00\x00" + b"\xff" * 3000 + b"\x00" + frame(1, 20_000))
    assert sum(len(r) for r in runs) == 8
    assert decoder.stats.corrupt == 2  # the short run and the over-long run
    assert decoder.stats.dropped == 0


def test_partial_frame_after_open_is_discarded_without_counting():
    stream = frame(0, 0) + frame(1, 20_000) + frame(2, 40_000)
    decoder = FrameDecoder()
    runs = decoder.feed(stream[15:])  # joined mid-frame, as after opening a port
    assert decoder.stats.corrupt == 0 and decoder.stats.resync_discarded == 1
    assert sum(len(r) for r in runs) == 8


def test_resync_forgets_the_partial_frame_but_counts_frames_lost_meanwhile():
    decoder = FrameDecoder()
    decoder.feed(frame(0, 0))
    decoder.feed(frame(1, 20_000)[:9])  # cable pulled mid-frame
    decoder.resync()
    runs = decoder.feed(frame(2, 40_000))
    assert decoder.buffered_bytes == 0
    assert (decoder.stats.dropped, decoder.stats.corrupt) == (1, 0)
    assert len(runs) == 1


@given(st.lists(st.one_of(st.binary(max_size=300), st.sampled_from([frame(0, 0), frame(7, 1), b"\x00"])), max_size=40))
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_fuzz_any_bytes_never_raise_and_the_buffer_stays_bounded(chunks):
    decoder = FrameDecoder()
    for chunk in chunks:
        for run in decoder.feed(chunk):
            assert run.samples.dtype == np.float32 and run.samples.shape[1] == 6
            assert np.isfinite(run.samples).all()
            assert len(run.t_device_s) == len(run.samples)
        assert decoder.buffered_bytes <= MAX_ENCODED_BYTES


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(1, 8)), min_size=2, max_size=60), st.integers(0, 65535),
       st.integers(0, 2**32 - 1))
@settings(max_examples=100, deadline=None)
def test_fuzz_random_gaps_are_counted_exactly(steps, seq0, t0):
    """Property: dropped == the number of sequence numbers skipped, whatever the wraps."""
    decoder, seq, t, stream, skipped = FrameDecoder(), seq0, t0, [], 0
    for i, (gap, n) in enumerate(steps):
        if i:
            skipped += gap
            seq, t = (seq + 1 + gap) % 65536, (t + (1 + gap) * 8 * 5000) % 2**32
        stream.append(frame(seq, t, n=n))
    decode_all(decoder, b"".join(stream), chunk=97)
    assert decoder.stats.dropped == skipped
    assert decoder.stats.resets == 0
    assert decoder.stats.frames == len(steps)


@given(st.lists(st.one_of(st.binary(min_size=1, max_size=120), st.sampled_from([frame(3, 9)[:-1]])), min_size=1,
                max_size=30))
@settings(max_examples=150, deadline=None)
def test_both_cobs_chain_walkers_agree(runs):
    """The decoder walks COBS chains in Python for a few frames and in numpy lock step for many."""
    from aura_edge.firmware_bridge.frame_decoder import _walk_chains_lockstep, _walk_chains_python
    pieces = [r.replace(b"\x00", b"\x01") for r in runs]
    data = b"".join(p + b"\x00" for p in pieces)
    arr = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(arr == 0)
    starts = np.concatenate(([0], ends[:-1] + 1))
    todo = np.ones(len(starts), dtype=bool)
    ok_a, pos_a, end_a = _walk_chains_python(arr, starts, ends, todo)
    ok_b, pos_b, end_b = _walk_chains_lockstep(arr, starts, ends, todo)
    np.testing.assert_array_equal(ok_a, ok_b)
    order_a, order_b = np.argsort(pos_a, kind="stable"), np.argsort(pos_b, kind="stable")
    np.testing.assert_array_equal(pos_a[order_a], pos_b[order_b])
    np.testing.assert_array_equal(end_a[order_a], end_b[order_b])
    for piece, good in zip(pieces, ok_a):
        if good:
            cobs_decode(piece)  # the reference decoder accepts exactly the runs marked ok
        else:
            with pytest.raises(DataError):
                cobs_decode(piece)


@pytest.mark.parametrize("acc_lsb", [1e34, 1e25, float("inf"), float("nan")])
def test_a_frame_with_a_valid_crc_but_an_overflowing_scale_is_corrupt(acc_lsb):
    raw = np.full((4, 6), 30000, np.int16)
    decoder = FrameDecoder()
    good = encode_frame(0, 0, raw, 5_000_000, 1 / 2048, 1 / 16.4, "g", "deg/s")
    bad = encode_frame(1, 20_000, raw, 5_000_000, acc_lsb, 1 / 16.4, "g", "deg/s")
    runs = decoder.feed(b"\x00" + good + bad)
    samples = np.concatenate([r.samples for r in runs])
    assert len(samples) == 4 and np.isfinite(samples).all()
    assert decoder.stats.corrupt == 1


def test_csv_text_on_a_frames_port_is_counted_corrupt_not_silently_dropped():
    decoder = FrameDecoder()
    line = b"12345,0.01,-0.02,9.81,0.001,0.002,0.003\n"
    for _ in range(200):  # about 8 KB without a single delimiter
        assert decoder.feed(line) == []
    assert decoder.stats.corrupt >= 200 * len(line) // MAX_ENCODED_BYTES - 2
