"""Simulated devices and placements: sampling, filters, ranges, gravity conventions, mounts."""

import numpy as np
import pytest

from aura_edge.errors import ConfigError
from aura_edge.signals import GRAVITY_MS2
from aura_edge.synth import PLACEMENTS, SynthConfig, build_corpus
from aura_edge.synth.devices import DeviceProfile, DeviceSpace, SensorModel, device_samples, draw_device, record
from aura_edge.synth.skeleton import forward_kinematics
from aura_edge.synth.subjects import make_subject, resolve_placement
from aura_edge.synth.virtual_imu import ideal_imu

RATE = 200.0
IDEAL_SENSOR = SensorModel(acc_noise=0.0, gyro_noise=0.0, acc_bias=np.zeros(3), gyro_bias=np.zeros(3),
                           acc_bias_walk=0.0, gyro_bias_walk=0.0, acc_gain=np.eye(3), gyro_gain=np.eye(3), tissue=0.0)


def device(**overrides) -> DeviceProfile:
    base = dict(rate_hz=200.0, anti_alias=True, bandwidth_hz=80.0, acc_range=16 * GRAVITY_MS2,
                gyro_range=np.radians(2000.0), adc_bits=16, clock_ppm=0.0, jitter_s=0.0, drop_prob=0.0,
                gravity="included", host="timestamps")
    return DeviceProfile(**{**base, **overrides})


def sine(freq_hz: float, seconds: float = 10.0, amp: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    t = np.arange(int(seconds * RATE)) / RATE
    imu = np.zeros((len(t), 6))
    imu[:, 0] = amp * np.sin(2 * np.pi * freq_hz * t)
    imu[:, 2] = GRAVITY_MS2
    gravity = np.tile([0.0, 0.0, GRAVITY_MS2], (len(t), 1))
    return imu, gravity


def test_a_10_hz_device_keeps_slow_motion_and_its_filter_blocks_fast_motion():
    rng = np.random.default_rng(0)
    slow, g = sine(1.0)
    t, x = device_samples(slow, g, IDEAL_SENSOR, device(rate_hz=10.0, bandwidth_hz=4.0), rng)
    assert np.allclose(np.diff(t), 0.1) and len(x) in (99, 100)
    assert 0.8 < np.abs(x[20:, 0]).max() <= 1.0                       # 1 Hz passes (a little delayed)
    fast, g = sine(9.0)
    _, filtered = device_samples(fast, g, IDEAL_SENSOR, device(rate_hz=10.0, bandwidth_hz=4.0), rng)
    _, aliased = device_samples(fast, g, IDEAL_SENSOR, device(rate_hz=10.0, anti_alias=False), rng)
    assert filtered[20:, 0].std() < 0.25 < 0.5 < aliased[:, 0].std()   # 9 Hz aliases to 1 Hz without a filter


def test_range_saturates_and_the_adc_quantises():
    rng = np.random.default_rng(1)
    imu, g = sine(1.0, amp=5 * GRAVITY_MS2)
    _, x = device_samples(imu, g, IDEAL_SENSOR, device(acc_range=2 * GRAVITY_MS2, adc_bits=12), rng)
    assert np.abs(x[:, 0]).max() == pytest.approx(2 * GRAVITY_MS2)
    step = 2 * GRAVITY_MS2 / 2**11
    np.testing.assert_allclose(x[:, :3] / step, np.round(x[:, :3] / step), atol=1e-6)


@pytest.mark.parametrize("host, drops, tolerance", [("timestamps", 0.01, 0.1), ("nominal", 0.0, 0.1),
                                                    ("nominal", 0.01, 0.6)])
def test_record_returns_the_model_rate_whatever_the_device_did(host, drops, tolerance):
    rng = np.random.default_rng(2)
    imu, g = sine(0.5)
    dev = device(rate_hz=25.0, bandwidth_hz=10.0, clock_ppm=300.0, jitter_s=0.004, drop_prob=drops, host=host)
    out = record(imu, g, IDEAL_SENSOR, dev, rng)
    assert out.shape == imu.shape and out.dtype == np.float32
    # The slow sine comes back; timestamps make up for lost samples, a file at its nominal rate
    # cannot (each lost sample shifts the rest by one period).
    assert np.abs(out[200:-200, 0] - imu[200:-200, 0]).max() < tolerance


def test_gravity_removed_devices_report_linear_acceleration():
    rng = np.random.default_rng(3)
    imu, g = sine(1.0)
    included = record(imu, g, IDEAL_SENSOR, device(), rng)
    removed = record(imu, g, IDEAL_SENSOR, device(gravity="removed"), rng)
    assert included[:, 2].mean() == pytest.approx(GRAVITY_MS2, abs=0.01)
    assert abs(removed[:, 2].mean()) < 0.1 and np.abs(removed[:, :2]).max() < 1.0 + 0.4   # ~2 degree leak
    np.testing.assert_allclose(removed[:, 0], imu[:, 0], atol=0.4)


def test_device_space_draws_only_rates_in_its_range_and_refuses_bad_ones():
    rng = np.random.default_rng(4)
    space = DeviceSpace(rates_hz=(10.0, 25.0), gravity_removed=1.0)
    drawn = [draw_device(space, rng) for _ in range(50)]
    assert {d.rate_hz for d in drawn} <= {10.0, 12.5, 16.0, 20.0, 25.0} and all(d.gravity == "removed" for d in drawn)
    with pytest.raises(ConfigError, match="rates_hz"):
        DeviceSpace(rates_hz=(5.0, 8.0))
    with pytest.raises(ConfigError, match="gravity_removed"):
        DeviceSpace(gravity_removed=1.5)


@pytest.mark.parametrize("placement", PLACEMENTS)
def test_every_mount_is_a_proper_frame_that_reads_one_g_on_a_still_body(placement):
    subject = make_subject(0, 5)
    mount = subject.mounts[placement]
    assert np.linalg.det(mount.rotation) == pytest.approx(1.0)
    kin = forward_kinematics({}, subject.body, 20)
    imu, _ = ideal_imu(kin, mount, RATE)
    np.testing.assert_allclose(np.linalg.norm(imu[:, :3], axis=1), GRAVITY_MS2, rtol=1e-9)
    np.testing.assert_allclose(imu[:, 3:], 0.0, atol=1e-9)


def test_placement_aliases_resolve_and_unknown_names_are_refused():
    assert resolve_placement("wrist") == "left_wrist" and resolve_placement("pocket") == "thigh"
    with pytest.raises(ConfigError, match="knee"):
        resolve_placement("knee")


def test_corpus_spreads_windows_evenly_over_placements_and_honours_the_device_space():
    config = SynthConfig(subjects=(1, 0, 0), windows_per_activity=len(PLACEMENTS), activities=("walking",),
                         gravity_removed=0.0)
    walking = build_corpus(config)["train"]
    assert sorted(walking.placement.tolist()) == sorted(PLACEMENTS)
    removed = build_corpus(SynthConfig(subjects=(1, 0, 0), windows_per_activity=len(PLACEMENTS),
                                       activities=("walking",), gravity_removed=1.0))["train"]
    # Same people and motion; without gravity the accelerometer's mean is near zero, apart from
    # the centripetal part on swinging limbs (an ankle sensor circles the knee).
    assert np.linalg.norm(walking.imu[:, :3].mean(axis=2), axis=1).min() > 7.0
    assert np.median(np.linalg.norm(removed.imu[:, :3].mean(axis=2), axis=1)) < 1.5
