"""Smooth signal primitives the activities are built from (numpy only).

Every motion in the synthetic corpus is a sum of smooth functions of time: sinusoids of a jittered
phase, von Mises bumps, logistic steps and band-limited noise made in the frequency domain. They
are all infinitely differentiable, so the virtual IMU can differentiate positions twice without
the impact trains that kinked or zero-padded signals produce (see shared/reference/virtual-imu.md).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from aura_edge.signals import GRAVITY_MS2

TAU = 2.0 * np.pi


def deg(x):
    """Degrees -> radians (activities are written in degrees because people think in them)."""
    return np.radians(x)


def band_noise(rng: np.random.Generator, n: int, rate_hz: float, hi_hz: float, lo_hz: float = 0.0,
               channels: int | None = None) -> np.ndarray:
    """Unit-std random signal(s) whose spectrum is confined to roughly [lo_hz, hi_hz].

    Filtering white noise in the frequency domain with Gaussian roll-offs gives a signal with no
    kinks in any derivative (a truncated time-domain kernel would leave one). The result is
    periodic over n samples, which is harmless: callers simulate a margin and cut windows inside.
    """
    f = np.fft.rfftfreq(n, 1.0 / rate_hz)
    shape = (len(f),) if channels is None else (channels, len(f))
    # The spectrum of white noise drawn directly (independent complex Gaussians per bin, the DC
    # and Nyquist bins real): same statistics as rfft(white noise), at half the FFT cost.
    spec = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    spec[..., 0] = spec[..., 0].real * np.sqrt(2.0)
    if n % 2 == 0:
        spec[..., -1] = spec[..., -1].real * np.sqrt(2.0)
    spec *= np.sqrt(n / 2.0)
    gain = np.exp(-0.5 * (f / hi_hz) ** 2)
    if lo_hz > 0:
        gain = gain * (1.0 - np.exp(-0.5 * (f / lo_hz) ** 2))
    x = np.fft.irfft(spec * gain, n, axis=-1)
    # Normalise by the filter's power (Parseval), not by the sample std: the process then has
    # unit std on average whatever n is, and a short grid never divides by a near-zero std.
    weight = np.full(len(f), 2.0)
    weight[0] = 1.0
    if n % 2 == 0:
        weight[-1] = 1.0
    return x / np.sqrt(np.sum(weight * gain**2) / n)


def jittered_phase(rng: np.random.Generator, n: int, rate_hz: float, freq_hz: float,
                   jitter: float = 0.04, jitter_hz: float = 0.25) -> tuple[np.ndarray, float]:
    """Phase (radians) of a rhythm whose tempo wanders by ~``jitter`` (relative) from cycle to cycle.

    Returns (phase, mean angular frequency). The start phase is random so windows do not all
    begin at heel strike.
    """
    freq = freq_hz * (1.0 + jitter * band_noise(rng, n, rate_hz, jitter_hz))
    phase = TAU * np.cumsum(freq) / rate_hz + rng.uniform(0, TAU)
    return phase, TAU * freq_hz


def wobble(rng: np.random.Generator, n: int, rate_hz: float, rel: float = 0.08, hi_hz: float = 0.3) -> np.ndarray:
    """Multiplicative amplitude jitter around 1 (cycle-to-cycle variation of a movement's size)."""
    return 1.0 + rel * band_noise(rng, n, rate_hz, hi_hz)


def vm_bump(phase: np.ndarray, center: float, kappa: float) -> np.ndarray:
    """Periodic bump in [0, 1] peaking at ``center`` (von Mises shape; larger kappa = narrower)."""
    return np.exp(kappa * (np.cos(phase - center) - 1.0))


def soft_abs_sin(phase: np.ndarray, eps: float = 0.08) -> np.ndarray:
    """|sin(phase / 2)| with its corner at phase = 0 rounded off, normalised to [0, 1].

    Models a hand that reverses sharply on contact (a clap, a ball hitting the palm): the
    rounding width ``eps`` sets the contact duration and so the size of the impact transient.
    """
    s = np.sin(phase / 2.0)
    return (np.sqrt(s * s + eps * eps) - eps) / (np.sqrt(1.0 + eps * eps) - eps)


def plateau(t: np.ndarray, start: float, end: float, tau: float) -> np.ndarray:
    """Smooth excursion from 0 to 1 between ``start`` and ``end`` and back (logistic edges of ``tau`` s)."""
    return expit((t - start) / tau) - expit((t - end) / tau)


def gaussian_bump(t: np.ndarray, center: float, sigma: float) -> np.ndarray:
    """Gaussian pulse of height 1 (a foot lifted for a step, a swallow); practically 0 beyond 3 sigma."""
    return np.exp(-0.5 * ((t - center) / sigma) ** 2)


def smooth_targets(rng: np.random.Generator, t: np.ndarray, rate_per_s: float, sd: float,
                   tau_s: float = 0.12) -> np.ndarray:
    """Piecewise-constant random targets (new one at Poisson times) joined by logistic transitions.

    Used for gaze shifts, weight shifts and posture changes: the value holds, then moves quickly
    and smoothly to a new independent target, so it never drifts away like a random walk.
    """
    span = t[-1] - t[0]
    k = rng.poisson(rate_per_s * span)
    out = np.zeros_like(t)
    if k == 0:
        return out + rng.normal(0, sd)
    times = np.sort(rng.uniform(t[0], t[-1], k))
    targets = rng.normal(0, sd, k + 1)
    out += targets[0]
    for tk, step in zip(times, np.diff(targets)):
        out += step * expit((t - tk) / (tau_s * rng.uniform(0.7, 1.4)))
    return out


def smooth_pulses(rng: np.random.Generator, t: np.ndarray, rate_per_s: float, amp: float,
                  dur_s: tuple[float, float] = (0.8, 2.5), tau_s: float = 0.15) -> np.ndarray:
    """Occasional excursions that go and come back (a hand to the face, a glance at a watch)."""
    k = rng.poisson(rate_per_s * (t[-1] - t[0]))
    out = np.zeros_like(t)
    for tk, a, d in zip(rng.uniform(t[0], t[-1], k), rng.uniform(0.4, 1.0, k) * amp, rng.uniform(*dur_s, k)):
        out += a * (expit((t - tk) / tau_s) - expit((t - tk - d) / tau_s))
    return out


def bounce_height(phase: np.ndarray, omega: float, duty: float, impact: float = 0.0) -> np.ndarray:
    """Vertical displacement (m, zero mean) of a body that bounces off the ground once per cycle.

    The acceleration is designed physically and integrated in the frequency domain: free fall
    (-g) in the air, a smooth upward push while a foot is down (the first ``duty`` fraction of the
    cycle, contact at phase 0) with an optional heel-strike peak of relative height ``impact``
    right after contact, and zero mean so the body neither rises nor sinks over time. The push
    is never negative, so the specific force never drops below free fall. That gives running its
    flight phase and jumping its take-off and landing peaks.
    """
    grid = 4096   # fine enough that linear interpolation adds < 0.01 m/s² of error at 200 Hz
    u = np.linspace(0.0, TAU, grid, endpoint=False)
    x = u / (TAU * duty)
    stance = x < 1.0
    push = np.where(stance, np.sin(np.pi * np.clip(x, 0, 1)) ** 2, 0.0)
    push += impact * np.where(stance, np.exp(-0.5 * ((x - 0.05) / 0.025) ** 2), 0.0)
    acc = -GRAVITY_MS2 + GRAVITY_MS2 * push / push.mean()
    coef = np.fft.rfft(acc)
    k = np.arange(len(coef))
    coef[0] = 0.0
    coef[1:] /= -(k[1:] * omega) ** 2
    cycle = np.fft.irfft(coef, grid)
    return np.interp(np.mod(phase, TAU), np.append(u, TAU), np.append(cycle, cycle[0]))


def impact_ring(phase: np.ndarray, omega: float, contact: float, amp: float, freq_hz: float = 15.0,
                sigma_s: float = 0.012, delay_s: float = 0.012) -> np.ndarray:
    """A foot strike's shock in a joint angle: a 10-20 Hz wavelet (Gaussian-windowed sine, so
    smooth in every derivative) just after each contact at phase ``contact``, of peak ``amp``.

    Added to a knee, a 1 degree ring moves an ankle sensor ~0.4 m below it by about 6 g: the
    impact peak of tibial accelerometers (10-14 g in running, docs/realism.md), which the hips
    and head above the knee do not see.
    """
    dt = (np.mod(phase - contact + np.pi, TAU) - np.pi) / omega - delay_s
    return amp * np.exp(-0.5 * (dt / sigma_s) ** 2) * np.sin(TAU * freq_hz * dt)


def integrate(x: np.ndarray, rate_hz: float) -> np.ndarray:
    """Cumulative integral (trapezoid) starting at 0."""
    out = np.zeros_like(x)
    out[1:] = np.cumsum(0.5 * (x[1:] + x[:-1])) / rate_hz
    return out
