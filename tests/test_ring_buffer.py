"""Ring buffer: resampling accuracy at real device rates, gaps, staleness, resets, capacity."""

from __future__ import annotations

import numpy as np
import pytest

from aura_edge.errors import DataError
from aura_edge.firmware_bridge.types import SampleBatch
from aura_edge.runtime.ring_buffer import RingBuffer

FREQ_HZ = 2.0  # well inside human motion; linear interpolation error ~ (2π f Δt)² / 8


def sine_stream(rate_hz: float, seconds: float, jitter_s: float = 0.0, t0: float = 1000.0, seed: int = 0):
    rng = np.random.default_rng(seed)
    t = t0 + np.arange(int(seconds * rate_hz)) / rate_hz
    t = t + rng.uniform(-jitter_s, jitter_s, len(t))  # sampling instants wobble, stamps are exact
    x = np.stack([np.sin(2 * np.pi * FREQ_HZ * t + c) for c in range(6)], axis=1).astype(np.float32)
    return t, x


def truth(grid: np.ndarray) -> np.ndarray:
    return np.stack([np.sin(2 * np.pi * FREQ_HZ * grid + c) for c in range(6)], axis=1)


@pytest.mark.parametrize("rate_hz", [52.0, 104.0, 119.0, 208.0])
def test_window_resamples_real_device_rates_onto_the_200_hz_grid(rate_hz):
    t, x = sine_stream(rate_hz * 1.003, 7.0, jitter_s=0.2 / rate_hz)  # 0.3 % crystal drift + jitter
    buffer = RingBuffer()
    for start in range(0, len(t), 5):  # arrives in small batches
        buffer.extend(t[start:start + 5], x[start:start + 5])
    window = buffer.window()
    assert window.valid, window.reason
    assert window.imu.shape == (1000, 6) and window.imu.dtype == np.float32
    grid = window.start_s + np.arange(1000) / 200.0
    assert grid[-1] == pytest.approx(t[-1])
    error = np.abs(window.imu - truth(grid)).max()
    # Linear interpolation of a sine: error <= (ω h)² / 8 for the longest step h (+ float32 rounding).
    bound = (2 * np.pi * FREQ_HZ * np.diff(t).max()) ** 2 / 8 + 1e-6
    assert error < bound, f"max error {error:.2e} at {rate_hz} Hz (bound {bound:.2e})"


def test_not_enough_data_is_an_invalid_window_with_a_reason():
    t, x = sine_stream(104.0, 3.0)
    buffer = RingBuffer()
    buffer.extend(t, x)
    window = buffer.window()
    assert not window.valid and window.imu is None
    assert "not enough data" in window.reason and "2.99" in window.reason


def test_short_gaps_are_filled_and_long_gaps_invalidate():
    t, x = sine_stream(104.0, 6.0)
    keep = (t < 1003.0) | (t > 1003.08)  # an 80 ms hole
    buffer = RingBuffer(max_gap_s=0.1)
    buffer.extend(t[keep], x[keep])
    window = buffer.window()
    assert window.valid and window.filled_s == pytest.approx(0.08, abs=0.02)
    keep = (t < 1003.0) | (t > 1003.3)  # a 300 ms hole
    buffer = RingBuffer(max_gap_s=0.1)
    buffer.extend(t[keep], x[keep])
    window = buffer.window()
    assert not window.valid and "gap of 0.31" in window.reason  # 0.3 s hole + one sample step


def test_a_window_ending_after_the_stream_stalled_is_stale():
    t, x = sine_stream(200.0, 6.0)
    buffer = RingBuffer()
    buffer.extend(t, x)
    assert buffer.window(end_s=t[-1] + 0.05).valid  # within max_gap: holds the last value
    stale = buffer.window(end_s=t[-1] + 0.5)
    assert not stale.valid and "stale" in stale.reason


def test_device_reset_clears_history_and_re_anchors():
    t, x = sine_stream(104.0, 6.0)
    buffer = RingBuffer()
    buffer.extend(t, x)
    assert buffer.window().valid
    t2, x2 = sine_stream(104.0, 2.0, t0=0.05)  # clock restarted near zero
    buffer.extend(t2, x2)
    assert buffer.resets == 1 and len(buffer) == len(t2)
    assert not buffer.window().valid  # only 2 s since the reset
    t3, x3 = sine_stream(104.0, 4.0, t0=t2[-1] + 1 / 104.0)
    buffer.extend(t3, x3)
    assert buffer.window().valid


def test_reset_flag_on_a_batch_clears_even_if_time_advances():
    buffer = RingBuffer()
    t, x = sine_stream(100.0, 6.0)
    buffer.push(SampleBatch(t, t, x))
    buffer.push(SampleBatch(t[-1] + 1 + t[:10] - t[0], t[-1] + 1 + t[:10] - t[0], x[:10], reset=True))
    assert buffer.resets == 1 and len(buffer) == 10


def test_push_uses_device_time_and_never_mixes_clocks():
    buffer = RingBuffer()
    t, x = sine_stream(100.0, 6.0)
    buffer.push(SampleBatch(t + 500.0, t, x))  # host clock far away from the device clock
    assert buffer.latest_s == pytest.approx(t[-1]) and buffer.time_base == "device"
    buffer.push(SampleBatch(t[:5] + 600.0, None, x[:5]))
    assert buffer.time_base == "host" and len(buffer) == 5


def test_duplicate_and_slightly_backwards_samples_are_dropped_not_a_reset():
    buffer = RingBuffer()
    buffer.extend([1.0, 1.01, 1.02], np.zeros((3, 6)))
    buffer.extend([1.02, 1.0195, 1.03], np.ones((3, 6)))
    assert buffer.resets == 0 and buffer.out_of_order == 2
    np.testing.assert_array_equal(buffer.times, [1.0, 1.01, 1.02, 1.03])


def test_capacity_is_fixed_and_keeps_the_newest_samples():
    buffer = RingBuffer(capacity=1500)
    t, x = sine_stream(200.0, 30.0)
    for start in range(0, len(t), 37):
        buffer.extend(t[start:start + 37], x[start:start + 37])
        assert len(buffer) <= 1500
    np.testing.assert_array_equal(buffer.times, t[-1500:])
    np.testing.assert_array_equal(buffer.samples, x[-1500:])
    assert buffer.window().valid


def test_shape_mismatch_is_refused():
    with pytest.raises(DataError, match=r"\(3, 6\)"):
        RingBuffer().extend([0.0, 1.0, 2.0], np.zeros((3, 5)))


def test_empty_buffer_says_so():
    window = RingBuffer().window()
    assert not window.valid and window.reason == "no samples yet"


def test_non_finite_samples_and_times_never_enter_the_buffer_and_are_counted():
    ring = RingBuffer(capacity=100)
    t = np.arange(10) / 200.0
    x = np.zeros((10, 6), np.float32)
    x[3, 0], x[5, 4] = np.inf, np.nan
    t[7] = np.nan
    ring.extend(t, x)
    assert len(ring) == 7 and ring.non_finite == 3 and np.isfinite(ring.samples).all()
