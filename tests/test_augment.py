"""Training augmentations: each keeps what identifies an activity and changes what should not matter."""

import math
from dataclasses import replace

import pytest
import torch

from aura_edge.errors import ConfigError
from aura_edge.train.augment import (AugmentConfig, augment_imu, change_tempo, random_rotations, remove_gravity,
                                     through_slower_device, uniform_rotations)
from aura_edge.train.config import synth_config
from aura_edge.train.loop import augment_config

T = torch.arange(1000) / 200.0


def wave(freq_hz: float, batch: int = 4) -> torch.Tensor:
    x = torch.zeros(batch, 6, 1000)
    x[:, 0] = torch.sin(2 * math.pi * freq_hz * T)
    x[:, 2] = 9.81
    x[:, 3] = torch.cos(2 * math.pi * freq_hz * T)
    return x


def dominant_hz(x: torch.Tensor) -> float:
    spectrum = torch.fft.rfft(x - x.mean()).abs()
    return float(torch.fft.rfftfreq(len(x), 1 / 200.0)[spectrum.argmax()])


def test_rotations_are_proper_and_keep_vector_lengths():
    r = random_rotations(16, math.pi, torch.Generator().manual_seed(0))
    assert torch.allclose(torch.linalg.det(r), torch.ones(16), atol=1e-5)
    assert torch.allclose(r @ r.transpose(1, 2), torch.eye(3).expand(16, 3, 3), atol=1e-5)


def test_free_rotations_cover_every_orientation_evenly():
    r = uniform_rotations(20000, torch.Generator().manual_seed(0))
    assert torch.allclose(torch.linalg.det(r), torch.ones(len(r)), atol=1e-5)
    assert torch.allclose(r @ r.transpose(1, 2), torch.eye(3).expand(len(r), 3, 3), atol=1e-5)
    # Uniform on SO(3): where the sensor's z axis ends up is uniform on the sphere, so its height
    # is uniform on [-1, 1] (a quarter above 0.5), and the turn angle has density (1 - cos θ) / π
    # (so a mean of π/2 + 2/π); small-tilt draws (random_rotations) fail both.
    z = r[:, :, 2]
    assert abs(float((z[:, 2] > 0.5).float().mean()) - 0.25) < 0.015
    assert torch.allclose(z.mean(0), torch.zeros(3), atol=0.02)
    angle = torch.arccos(((r.diagonal(dim1=1, dim2=2).sum(1) - 1) / 2).clamp(-1, 1))
    assert abs(float(angle.mean()) - (math.pi / 2 + 2 / math.pi)) < 0.02


def test_a_slower_device_keeps_slow_motion_and_loses_what_it_cannot_sample():
    g = torch.Generator().manual_seed(1)
    slow = through_slower_device(wave(1.0), g, min_rate_hz=10.0)
    assert torch.allclose(slow[:, 2], torch.full((4, 1000), 9.81), atol=1e-3)
    assert all(dominant_hz(slow[i, 0]) == pytest.approx(1.0, abs=0.2) for i in range(4))
    fast = through_slower_device(wave(40.0, batch=64), g, min_rate_hz=10.0)
    assert fast[:, 0].std() < 0.8 * wave(40.0)[:, 0].std()   # most simulated devices cannot carry 40 Hz


def test_tempo_scales_frequency_and_angular_rate():
    x = change_tempo(wave(2.0, batch=1), torch.tensor([1.1]))
    assert dominant_hz(x[0, 0]) == pytest.approx(2.2, abs=0.2)
    assert float(x[0, 3].abs().max()) == pytest.approx(1.1, abs=0.02)
    assert float(x[0, 2].mean()) == pytest.approx(9.81, abs=0.01)   # gravity unchanged


def test_gravity_removal_leaves_linear_acceleration():
    x = remove_gravity(wave(2.0))
    assert float(x[:, 2].abs().max()) < 1e-3 and float(x[:, 0].std()) > 0.6
    assert torch.equal(x[:, 3:], wave(2.0)[:, 3:])


def test_augment_is_seeded_and_changes_the_batch():
    x = wave(2.0, batch=8)
    a = augment_imu(x, torch.Generator().manual_seed(3))
    b = augment_imu(x, torch.Generator().manual_seed(3))
    assert torch.equal(a, b) and not torch.allclose(a, x, atol=0.05) and torch.isfinite(a).all()


def test_leave_rate_out_corpora_keep_low_rates_out_of_augmentation_too():
    assert augment_config("synth?rates=26-1000").min_rate_hz == 26.0
    assert augment_config("synth").min_rate_hz == AugmentConfig().min_rate_hz == 10.0


def test_any_orientation_spreads_gravity_over_the_sphere_as_worn_keeps_it_near_the_mounting():
    still = torch.zeros(2000, 6, 200)
    still[:, 0] = 9.81                          # at rest, gravity along the sensor's x axis
    generator = torch.Generator().manual_seed(0)
    # Turned uniformly, gravity lies beyond 41 degrees of x (cos < 0.75) for 7/8 of windows; 30 degrees
    # of tilt never gets it there. 'mixed' turns half the windows, '0.25' a quarter.
    for orientation, far_share in (("as-worn", 0.0), ("mixed", 0.5 * 0.875), ("0.25", 0.25 * 0.875), ("any", 0.875)):
        config = replace(augment_config("synth", orientation), mirror_prob=0.0, noise_acc=0.0, tempo=0.0,
                         resample_prob=0.0, gravity_removal_prob=0.0, scale=0.0)
        g = torch.nn.functional.normalize(augment_imu(still, generator, config)[:, :3].mean(-1), dim=1)
        assert abs(float((g[:, 0] < 0.75).float().mean()) - far_share) < 0.04, orientation
        if orientation == "as-worn":
            assert float(g[:, 0].min()) >= 0.8 - 0.05     # 30 degrees of tilt at most
        if orientation == "any":                      # and every direction equally often
            assert abs(float((g[:, 0] < 0).float().mean()) - 0.5) < 0.05


def test_synth_specs_parse_and_bad_ones_say_what_is_wrong():
    config = synth_config("synth?exclude=thigh,wrist&rates=26-1000&gravity_removed=0.5&windows=2")
    assert "thigh" not in config.placements and "left_wrist" not in config.placements and len(config.placements) == 6
    assert config.rates_hz == (26.0, 1000.0) and config.gravity_removed == 0.5 and config.windows_per_activity == 2
    assert synth_config("synth?activities=walking,lying down").activities == ("walking", "lying down")
    assert synth_config("some/dir") is None
    with pytest.raises(ConfigError, match="flying"):
        synth_config("synth?activities=walking,flying")
    with pytest.raises(ConfigError, match="colour"):
        synth_config("synth?colour=red")
    with pytest.raises(ConfigError, match="rates"):
        synth_config("synth?rates=fast")


def test_mirroring_turns_a_right_wrist_reading_into_the_left_wrist_one():
    import numpy as np

    from aura_edge.synth.skeleton import body_from_height, forward_kinematics
    from aura_edge.synth.virtual_imu import ideal_imu, wrist_mount
    from aura_edge.train.augment import mirror

    t = np.arange(400) / 200.0
    swing = 0.6 * np.sin(2 * np.pi * 1.3 * t)        # both arms do the same, mirrored, movement
    angles = {f"{s}_{k}": v for s in ("l", "r") for k, v in (("arm_elev", 0.8 + swing), ("arm_plane", 1.2 + 0.3 * swing),
                                                            ("elbow", 1.0 - swing), ("pron", 0.5 * swing))}
    kin, body = forward_kinematics(angles, body_from_height(1.7), len(t)), body_from_height(1.7)
    # Same seed: the same strap position on either wrist.
    left, _ = ideal_imu(kin, wrist_mount(body, "l", np.random.default_rng(0), max_deg=0.0), 200.0)
    right, _ = ideal_imu(kin, wrist_mount(body, "r", np.random.default_rng(0), max_deg=0.0), 200.0)
    assert np.abs(right - left).max() > 1.0                      # the two wrists read differently ...
    mirrored = mirror(torch.from_numpy(right.T[None]).float())[0].numpy().T
    np.testing.assert_allclose(mirrored, left, atol=1e-3)        # ... until one is mirrored
    assert torch.equal(mirror(mirror(wave(1.0))), wave(1.0))
