"""CSV line wire format: separators, timestamps, garbage, bounded buffer, rate detection."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aura_edge.errors import DataError
from aura_edge.firmware_bridge import CsvLineDecoder, estimate_rate_hz, infer_time_unit
from aura_edge.firmware_bridge.csv_lines import MAX_LINE_BYTES
from aura_edge.firmware_bridge.timing import NominalClock, RateDetector, snap_rate_hz

ROWS = np.array([[0.12, -0.03, 9.79, 0.01, 0.0, -0.02], [0.13, -0.02, 9.8, 0.011, 0.001, -0.021]])


def samples_of(runs) -> np.ndarray:
    return np.concatenate([r.samples for r in runs]) if runs else np.zeros((0, 6))


@pytest.mark.parametrize("separator", [",", "\t", " ", ", ", "  "])
def test_edge_impulse_style_lines_decode_with_any_separator(separator):
    text = "".join(separator.join(f"{v:g}" for v in row) + "\r\n" for row in ROWS).encode()
    decoder = CsvLineDecoder(discard_first_line=False)
    np.testing.assert_allclose(samples_of(decoder.feed(text)), ROWS, rtol=1e-6)
    assert decoder.stats.corrupt_lines == 0


def test_partial_first_line_after_open_is_discarded():
    decoder = CsvLineDecoder()
    runs = decoder.feed(b".03,9.79,0.01,0.00,-0.02\n0.12,-0.03,9.79,0.01,0.00,-0.02\n")
    assert len(samples_of(runs)) == 1
    assert decoder.stats.discarded_partial == 1 and decoder.stats.corrupt_lines == 0


def test_lines_split_across_chunks_reassemble():
    text = b"".join(b"%d,2,3,4,5,6\n" % i for i in range(100))
    decoder = CsvLineDecoder(discard_first_line=False)
    runs = [r for i in range(0, len(text), 7) for r in decoder.feed(text[i:i + 7])]
    np.testing.assert_array_equal(samples_of(runs)[:, 0], np.arange(100))


def test_garbage_lines_are_counted_and_skipped():
    text = (b"1,2,3,4,5,6\nERR imu\n1,2,3\n1,2,3,4,5,nan\n1,2,x,4,5,6\n\xff\xfe\x00\x01\n"
            b"1,2,3,4,5,6,7,8\n7,8,9,10,11,12\n\n")
    decoder = CsvLineDecoder(discard_first_line=False)
    out = samples_of(decoder.feed(text))
    np.testing.assert_array_equal(out[:, 0], [1, 7])
    assert decoder.stats.corrupt_lines == 6  # blank lines are not corrupt


def test_an_over_long_line_is_dropped_and_memory_stays_bounded():
    decoder = CsvLineDecoder(discard_first_line=False)
    decoder.feed(b"1,2,3,4,5,6\n")
    for _ in range(10):
        decoder.feed(b"9" * 200)  # no newline: binary noise or a wrong-baud port
        assert decoder.buffered_bytes <= MAX_LINE_BYTES
    runs = decoder.feed(b"99\n4,5,6,7,8,9\n")
    np.testing.assert_array_equal(samples_of(runs)[:, 0], [4])  # the tail of the long line is not a sample
    assert decoder.stats.overlong_lines == 1 and decoder.stats.corrupt_lines == 1


@pytest.mark.parametrize("unit,step,scale", [("ms", 5, 1e-3), ("us", 9615, 1e-6), ("s", 0.0192, 1.0)])
def test_leading_timestamp_column_unit_is_inferred(unit, step, scale):
    t = 1000 * step + np.arange(20) * step
    text = "".join(f"{ts!r},1,2,3,4,5,6\n" for ts in t.tolist()).encode()
    decoder = CsvLineDecoder(discard_first_line=False)
    runs = decoder.feed(text)
    assert decoder.time_unit == unit
    np.testing.assert_allclose(np.concatenate([r.t_device_s for r in runs]), t * scale, rtol=1e-9)


def test_unit_inference_rejects_ambiguous_spacing():
    assert infer_time_unit(np.array([0, 0.3, 0.6, 0.9])) is None
    assert infer_time_unit(np.array([5, 5, 5])) is None


def test_millis_counter_wrap_is_unwrapped_and_a_restart_is_a_reset():
    t = [2**32 - 10, 2**32 - 5, 0, 5, 10, 15, 20, 25, 30, 3, 8]  # wrap, then a reboot at 3 ms
    text = "".join(f"{ts},1,2,3,4,5,6\n" for ts in t).encode()
    decoder = CsvLineDecoder(time_unit="ms", discard_first_line=False)
    runs = decoder.feed(text)
    assert [len(r) for r in runs] == [9, 2] and [r.reset for r in runs] == [False, True]
    np.testing.assert_allclose(np.diff(runs[0].t_device_s), 0.005, rtol=0, atol=1e-8)
    assert decoder.stats.resets == 1


def test_flush_decodes_a_final_line_without_newline():
    decoder = CsvLineDecoder(discard_first_line=False)
    assert decoder.feed(b"1,2,3,4,5,6\n7,8,9,10,11,12") != []
    np.testing.assert_array_equal(samples_of(decoder.flush())[:, 0], [7])


@given(st.lists(st.binary(max_size=200), max_size=30))
@settings(max_examples=200, deadline=None)
def test_fuzz_arbitrary_bytes_never_raise_and_stay_bounded(chunks):
    decoder = CsvLineDecoder()
    for chunk in chunks:
        for run in decoder.feed(chunk):
            assert run.samples.shape[1] == 6 and np.isfinite(run.samples).all()
        assert decoder.buffered_bytes <= MAX_LINE_BYTES


@given(st.lists(st.one_of(st.lists(st.floats(-1e4, 1e4), min_size=6, max_size=6), st.text(max_size=30)), max_size=40))
@settings(max_examples=150, deadline=None)
def test_fuzz_good_lines_survive_mixed_garbage(items):
    lines, expected = [], []
    for item in items:
        if isinstance(item, list):
            lines.append(",".join(repr(v) for v in item))
            expected.append(item)
        else:
            lines.append(item.replace("\n", " ").replace("\r", " ") + "#")  # '#' keeps it unparseable
    decoder = CsvLineDecoder(fields=6, discard_first_line=False)
    runs = decoder.feed(("\n".join(lines) + "\n").encode())
    out = samples_of(runs)
    np.testing.assert_allclose(out, np.array(expected, dtype=np.float32).reshape(-1, 6), rtol=1e-6)
    assert decoder.stats.corrupt_lines == len(lines) - len(expected)


@pytest.mark.parametrize("true_rate", [52.0, 104.0, 119.0, 208.0])
def test_rate_is_detected_from_bunched_jittery_arrivals(true_rate):
    rng = np.random.default_rng(int(true_rate))
    produced = np.arange(int(true_rate * 1.5)) / true_rate
    # USB delivers every ~16 ms with jitter, and now and then the OS holds data for 60 ms.
    arrivals = np.unique(np.ceil(produced / 0.016) * 0.016) + rng.uniform(0, 0.004, size=1).item()
    arrivals[10:13] += 0.06
    counts = np.array([np.sum((produced <= a) & (produced > b)) for a, b in zip(arrivals, np.r_[-1, arrivals[:-1]])])
    keep = counts > 0
    assert estimate_rate_hz(arrivals[keep], counts[keep]) == true_rate


def test_rate_detector_needs_a_full_second():
    detector = RateDetector(detect_s=1.0)
    results = [detector.add(i * 0.01, 1) for i in range(150)]
    assert all(r is None for r in results[:100]) and results[-1] == 100.0


def test_snap_only_within_tolerance():
    assert snap_rate_hz(103.1) == 104.0
    assert snap_rate_hz(150.0) == 150.0


def test_rate_estimate_refuses_too_little_timing():
    with pytest.raises(DataError, match="at least 3"):
        estimate_rate_hz(np.array([0.0, 0.1]), np.array([5, 5]))


def test_nominal_clock_is_smooth_under_bunching_and_tracks_a_slow_crystal():
    clock, rate = NominalClock(100.0), 100.0 * 0.98  # device 2 % slow
    stamps, t = [], 0.0
    for k in range(300):  # 3 s, 2 samples every 20.4 ms arriving with jitter
        t = (2 * k + 1) / rate
        stamps.append(clock.stamp(2, t + (0.003 if k % 7 == 0 else 0.0)))
    s = np.concatenate(stamps)
    assert np.all(np.diff(s) > 0)
    assert abs(s[-1] - t) < 0.05  # tracked, no runaway lag
    assert np.diff(s).max() < 0.0125  # no fake gaps


@pytest.mark.parametrize("value", ["1e39", "3.5e38", "-1e308", "1e31", "nan", "inf"])
def test_a_value_float32_cannot_hold_is_a_corrupt_line_not_an_inf_sample(value):
    decoder = CsvLineDecoder(discard_first_line=False)
    runs = decoder.feed(f"1,0,9.8,0,0,0\n{value},0,9.8,0,0,0\n2,0,9.8,0,0,0\n".encode())
    samples = np.concatenate([r.samples for r in runs])
    assert len(samples) == 2 and np.isfinite(samples).all()
    assert decoder.stats.corrupt == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e4, 1e4)),
                         min_size=6, max_size=6), min_size=1, max_size=30))
def test_fuzz_every_decoded_sample_is_finite_in_float32_and_every_line_is_accounted_for(rows):
    """Values anywhere in float64 (nan, inf, 1e308): what comes out is float32 and finite."""
    decoder = CsvLineDecoder(fields=6, discard_first_line=False)
    text = "".join(",".join(repr(v) for v in row) + "\n" for row in rows)
    runs = decoder.feed(text.encode())
    samples = np.concatenate([r.samples for r in runs]) if runs else np.zeros((0, 6), np.float32)
    assert samples.dtype == np.float32 and np.isfinite(samples).all()
    good = sum(all(abs(v) <= 1e30 for v in row) for row in rows)
    assert len(samples) == good and decoder.stats.corrupt == len(rows) - good


def test_one_stray_7_number_line_does_not_lock_a_6_column_stream():
    decoder = CsvLineDecoder(discard_first_line=False)
    text = "123,1,2,3,4,5,6\n" + "".join(f"{i},0,9.8,0,0,0\n" for i in range(40))
    samples = np.concatenate([r.samples for r in decoder.feed(text.encode())])
    assert decoder.fields == 6 and decoder.stats.field_switches == 1
    assert len(samples) >= 40 - 10 and decoder.stats.corrupt >= 1  # what was lost before the switch is counted


def test_lines_fed_one_at_a_time_switch_too_and_a_reconnect_detects_the_count_afresh():
    decoder = CsvLineDecoder(discard_first_line=False)
    got = 0
    for line in ["5,1,2,3,4,5,6\n"] + [f"{i},0,9.8,0,0,0\n" for i in range(30)]:
        got += sum(len(r) for r in decoder.feed(line.encode()))
    assert decoder.fields == 6 and got >= 20
    decoder.resync()  # the device rebooted printing timestamps
    runs = []
    for k in range(20):
        runs += decoder.feed(f"{1000 + 5 * k},0,9.8,0,0,0,0\n".encode())
    assert decoder.fields == 7 and sum(len(r) for r in runs) > 0 and all(r.t_device_s is not None for r in runs)


def test_a_given_field_count_is_never_switched():
    decoder = CsvLineDecoder(fields=7, discard_first_line=False)
    decoder.feed("".join(f"{i},0,9.8,0,0,0\n" for i in range(30)).encode())
    assert decoder.fields == 7 and decoder.stats.field_switches == 0 and decoder.stats.corrupt == 30
