"""Units and axis mapping at the edge of the link: device numbers -> canonical samples."""

from __future__ import annotations

import re

import numpy as np

from aura_edge.errors import ConfigError
from aura_edge.signals import ACC_UNITS, CHANNELS, GYRO_UNITS, to_canonical_units

_TRIAD = ("x", "y", "z")
_TOKEN = re.compile(r"^([+-]?)([a-z]+)$")


class AxisMap:
    """Remap and sign-flip device axes into the canonical sensor frame.

    ``"x,-z,y"`` means canonical x = device x, canonical y = -device z, canonical z = device y,
    applied to the accelerometer and the gyroscope alike (they share the chip's frame). Six
    entries (``"ax,ay,-az,gx,gy,-gz"``) map the 6 columns one by one.
    """

    def __init__(self, spec: str = "x,y,z") -> None:
        tokens = [t.strip().lower() for t in spec.split(",")]
        self.spec = spec
        if len(tokens) == 3:
            parsed = [self._parse(t, _TRIAD, spec) for t in tokens]
            index = [i for i, _ in parsed] + [i + 3 for i, _ in parsed]
            sign = [s for _, s in parsed] * 2
        elif len(tokens) == 6:
            parsed = [self._parse(t, CHANNELS, spec) for t in tokens]
            index, sign = [i for i, _ in parsed], [s for _, s in parsed]
        else:
            raise ConfigError(f"axis map {spec!r} needs 3 entries like 'x,-z,y' or 6 like 'ax,ay,az,gx,gy,gz'")
        if len(set(index)) != 6:
            raise ConfigError(f"axis map {spec!r} uses an axis twice; each device axis must appear once")
        self.index = np.array(index)
        self.sign = np.array(sign, dtype=np.float32)
        self.identity = bool((self.index == np.arange(6)).all() and (self.sign == 1).all())

    @staticmethod
    def _parse(token: str, names: tuple[str, ...], spec: str) -> tuple[int, float]:
        match = _TOKEN.match(token)
        if not match or match.group(2) not in names:
            raise ConfigError(f"bad axis {token!r} in axis map {spec!r}; use {', '.join(names)} with an optional '-'")
        return names.index(match.group(2)), -1.0 if match.group(1) == "-" else 1.0

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        if self.identity:
            return samples
        return (samples[:, self.index] * self.sign).astype(np.float32)


class SampleConverter:
    """Device units and axes -> canonical float32 (m/s², rad/s, canonical axes)."""

    def __init__(self, acc_unit: str = "m/s2", gyro_unit: str = "rad/s", axes: str = "x,y,z") -> None:
        if acc_unit not in ACC_UNITS:
            raise ConfigError(f"unknown acc_unit {acc_unit!r}; use one of {sorted(ACC_UNITS)}")
        if gyro_unit not in GYRO_UNITS:
            raise ConfigError(f"unknown gyro_unit {gyro_unit!r}; use one of {sorted(GYRO_UNITS)}")
        self.acc_unit, self.gyro_unit = acc_unit, gyro_unit
        self.axes = AxisMap(axes)
        self._unit_identity = acc_unit == "m/s2" and gyro_unit == "rad/s"

    def __call__(self, samples: np.ndarray) -> np.ndarray:
        if not self._unit_identity:
            samples = to_canonical_units(samples, self.acc_unit, self.gyro_unit)
        return self.axes(np.asarray(samples, dtype=np.float32))
