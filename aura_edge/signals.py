"""IMU signal conventions: units, gravity, resampling and windowing (numpy/scipy only).

Everything outside the models speaks the canonical sample: float32 ``[ax, ay, az, gx, gy, gz]``
in m/s² (gravity included) and rad/s, at ``MODEL_RATE_HZ``. Anything else is converted here, at
the edge of the system, by training, evaluation and the streaming runtime alike.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from aura_edge.errors import DataError

# Larger magnitudes come from no IMU and may overflow float32 once scaled to m/s² or rad/s
# (3.4e38); wire decoders count such values as corrupt instead of passing inf to the model.
MAX_ABS_VALUE = 1e30
GRAVITY_MS2 = 9.80665
MODEL_RATE_HZ = 200.0
WINDOW_S = 5.0
WINDOW_SAMPLES = int(MODEL_RATE_HZ * WINDOW_S)  # 1000
CHANNELS = ("ax", "ay", "az", "gx", "gy", "gz")
N_CHANNELS = len(CHANNELS)
MIN_RATE_HZ, MAX_RATE_HZ = 10.0, 1000.0

ACC_UNITS = {"m/s2": 1.0, "g": GRAVITY_MS2}
GYRO_UNITS = {"rad/s": 1.0, "deg/s": np.pi / 180.0}
GRAVITY_CONVENTIONS = ("included", "removed")


def input_contract(embedding_dim: int, gravity_removed_ok: bool = False) -> dict:
    """What a trained encoder expects and returns; carried by runs, bundles and ONNX metadata.

    gravity_removed_ok: the encoder was also trained on gravity-removed ('linear acceleration')
    windows, so such input may be fed as it is.
    """
    return {"rate_hz": MODEL_RATE_HZ, "window_s": WINDOW_S, "window_samples": WINDOW_SAMPLES,
            "channels": list(CHANNELS), "acc_unit": "m/s2", "gyro_unit": "rad/s", "gravity": "included",
            "gravity_removed_ok": gravity_removed_ok,
            "layout": "(batch, 6, window_samples) float32", "embedding_dim": embedding_dim}


def check_finite(imu: np.ndarray, what: str = "IMU data") -> None:
    """Refuse NaN/inf with the position of the first bad value."""
    bad = ~np.isfinite(imu)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise DataError(
            f"{what} contains {int(bad.sum())} NaN/inf values (first at index {first}); "
            "interpolate or drop the affected samples before passing it in"
        )


def parse_units(units, what: str = "units") -> tuple[str, str]:
    """'g,deg/s' or ['g', 'deg/s'] -> (accelerometer unit, gyroscope unit), checked; ``what``
    names the flag or key in the error."""
    parts = [str(u).strip() for u in (units.split(",") if isinstance(units, str) else units)]
    if len(parts) != 2 or parts[0] not in ACC_UNITS or parts[1] not in GYRO_UNITS:
        raise DataError(f"{what} names the accelerometer unit ({' | '.join(ACC_UNITS)}) and the gyroscope unit "
                        f"({' | '.join(GYRO_UNITS)}), e.g. g,deg/s; got {units!r}")
    return parts[0], parts[1]


def to_canonical_units(imu: np.ndarray, acc_unit: str = "m/s2", gyro_unit: str = "rad/s") -> np.ndarray:
    """Scale (..., 6) samples from the declared units to m/s² and rad/s."""
    if acc_unit not in ACC_UNITS:
        raise DataError(f"unknown accelerometer unit {acc_unit!r}; use one of {sorted(ACC_UNITS)}")
    if gyro_unit not in GYRO_UNITS:
        raise DataError(f"unknown gyroscope unit {gyro_unit!r}; use one of {sorted(GYRO_UNITS)}")
    out = np.asarray(imu, dtype=np.float32).copy()
    out[..., :3] *= ACC_UNITS[acc_unit]
    out[..., 3:6] *= GYRO_UNITS[gyro_unit]
    return out


def gravity_estimate(acc: np.ndarray, rate_hz: float, cutoff_hz: float = 0.3) -> np.ndarray:
    """Low-pass estimate of the gravity component of (T, 3) specific force."""
    if len(acc) < 16:
        return np.broadcast_to(acc.mean(axis=0, keepdims=True), acc.shape).copy()
    from scipy import signal as sps  # imported here: scipy.signal takes ~1 s to import, too slow for stream start

    sos = sps.butter(2, min(cutoff_hz, 0.45 * rate_hz), fs=rate_hz, output="sos")
    return sps.sosfiltfilt(sos, acc, axis=0, padtype="even").astype(acc.dtype)


def remove_gravity(imu: np.ndarray, rate_hz: float) -> np.ndarray:
    """Turn gravity-included (T, 6) samples into 'linear acceleration' like phone APIs report."""
    out = np.array(imu, dtype=np.float32)
    out[:, :3] -= gravity_estimate(out[:, :3], rate_hz)
    return out


def resample(imu: np.ndarray, rate_hz: float, target_hz: float = MODEL_RATE_HZ) -> np.ndarray:
    """Resample (T, C) uniformly sampled data with a polyphase anti-alias filter."""
    if not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ:
        raise DataError(
            f"sample rate {rate_hz:g} Hz is outside the supported {MIN_RATE_HZ:g}-{MAX_RATE_HZ:g} Hz; "
            "pass the rate the device really samples at"
        )
    if abs(rate_hz - target_hz) < 1e-9:
        return np.asarray(imu, dtype=np.float32)
    from scipy import signal as sps  # lazily, as above

    ratio = Fraction(target_hz / rate_hz).limit_denominator(1000)
    out = sps.resample_poly(imu, ratio.numerator, ratio.denominator, axis=0, padtype="line")
    expected = int(round(len(imu) * target_hz / rate_hz))
    return np.asarray(out[:expected], dtype=np.float32)


def resample_timestamped(t_s: np.ndarray, imu: np.ndarray, start_s: float, n: int,
                         rate_hz: float = MODEL_RATE_HZ) -> np.ndarray:
    """Linearly interpolate irregular (t, sample) pairs onto the grid start_s + k / rate_hz."""
    grid = start_s + np.arange(n) / rate_hz
    return np.stack([np.interp(grid, t_s, imu[:, c]) for c in range(imu.shape[1])], axis=1).astype(np.float32)


def sliding_windows(imu: np.ndarray, window: int = WINDOW_SAMPLES, hop: int | None = None) -> np.ndarray:
    """Cut (T, C) into (K, window, C) windows every ``hop`` samples (default: half a window),
    plus one ending at the last sample."""
    hop = hop or window // 2
    if len(imu) < window:
        raise DataError(
            f"a window needs {window} samples at {MODEL_RATE_HZ:g} Hz ({WINDOW_S:g} s) but only "
            f"{len(imu)} are there; record at least {WINDOW_S:g} s"
        )
    starts = list(range(0, len(imu) - window + 1, hop))
    if starts[-1] != len(imu) - window:
        starts.append(len(imu) - window)  # a last window flush with the end covers every sample
    return np.stack([imu[s:s + window] for s in starts])


def to_model_windows(imu: np.ndarray, rate_hz: float, acc_unit: str = "m/s2", gyro_unit: str = "rad/s",
                     gravity: str = "included") -> np.ndarray:
    """One recording (T, 6) in any declared convention -> (K, 6, 1000) canonical model windows."""
    imu = np.asarray(imu)
    if imu.ndim != 2 or imu.shape[1] != 6:
        raise DataError(f"expected IMU samples shaped (T, 6) as [ax, ay, az, gx, gy, gz], got {imu.shape}")
    if gravity not in GRAVITY_CONVENTIONS:
        raise DataError(f"unknown gravity convention {gravity!r}; use 'included' or 'removed'")
    check_finite(imu)
    canonical = resample(to_canonical_units(imu, acc_unit, gyro_unit), rate_hz)
    windows = sliding_windows(canonical)
    return np.ascontiguousarray(windows.transpose(0, 2, 1))
