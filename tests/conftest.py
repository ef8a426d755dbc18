"""Shared fixtures: tiny corpora in the real on-disk formats, so tests run in seconds."""

from __future__ import annotations

import time

import numpy as np
import pytest

from aura_edge.data.windows import WindowSet

TINY_LABELS = ("walking", "running", "sitting", "waving")
FREQ_HZ = {"walking": 1.8, "running": 2.8, "sitting": 0.0, "waving": 4.0}


def make_tiny_windows(subjects, per_label: int = 3, seed: int = 0, with_mocap: bool = True) -> WindowSet:
    """Windows whose wrist-like signal is a label-specific oscillation on top of gravity."""
    rng = np.random.default_rng(seed)
    t = np.arange(1000) / 200.0
    imu, label, caption, subject, placement, mocap = [], [], [], [], [], []
    for s in subjects:
        for lab in TINY_LABELS:
            for k in range(per_label):
                f = FREQ_HZ[lab] * rng.uniform(0.9, 1.1)
                amp = 0.2 if f == 0 else 3.0 + f
                w = rng.normal(0, 0.05, (6, 1000)).astype(np.float32)
                w[2] += 9.81
                w[0] += amp * np.sin(2 * np.pi * f * t + rng.uniform(0, 6))
                w[3] += 0.3 * amp * np.cos(2 * np.pi * f * t)
                imu.append(w)
                label.append(lab)
                caption.append(f"a person is {lab}" if k % 2 else f"someone {lab}")
                subject.append(s)
                placement.append("wrist" if k % 2 else "head")
                mocap.append(rng.normal(0, 0.1, (50, 51)).astype(np.float32) + FREQ_HZ[lab] / 10)
    return WindowSet(np.stack(imu), np.array(label), np.array(caption), np.array(subject), np.array(placement),
                     np.stack(mocap) if with_mocap else None)


@pytest.fixture
def tiny_corpus_dir(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    make_tiny_windows(range(0, 4), seed=1).save(root / "train.npz")
    make_tiny_windows(range(4, 5), seed=2).save(root / "val.npz")
    make_tiny_windows(range(5, 6), seed=3).save(root / "test.npz")
    return root


def read_samples(source, want: int, timeout_s: float = 5.0, poll_s: float = 0.05) -> list:
    """Batches read from a live source until `want` samples arrived or `timeout_s` passed."""
    batches, got, deadline = [], 0, time.monotonic() + timeout_s
    while got < want and time.monotonic() < deadline:
        batch = source.read(timeout_s=poll_s)
        if batch is not None:
            batches.append(batch)
            got += len(batch)
    return batches
