"""Training data: a corpus's splits plus the frozen targets (text, video) embedded once.

A training step then only runs the trainable towers: captions become rows of a cached embedding
table and groups of identical captions become shared positives in the loss.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from aura_edge.data.egoexo4d import is_egoexo4d_root, load_egoexo4d
from aura_edge.data.windows import UNKNOWN_SUBJECT, WINDOW_SET_KEYS, WindowSet
from aura_edge.errors import ConfigError, DataError
from aura_edge.models.frozen import EmbeddingCache, OpenCLIPEncoder
from aura_edge.synth import build_corpus
from aura_edge.train.config import synth_config

log = logging.getLogger(__name__)
SPLITS = ("train", "val", "test")


# A rebuilt synthetic corpus can differ in the last bits between CPU kinds (numpy picks AVX-512 or
# AVX2 code for sin, exp and the like at run time), never by this much in these summaries; changing
# how one activity is simulated moves them by far more.
SIGNAL_RTOL, SIGNAL_ATOL = 1e-5, 1e-6   # atol in the signals' own units (m/s², rad/s, m)


def corpus_fingerprint(corpus: dict[str, WindowSet]) -> dict:
    """What training learns from and selects on, summarised so --resume can tell whether the corpus
    it rebuilds is the one the run began with (a simulator changed between sessions, files replaced
    in a corpus directory): an exact hash of the train and val labels and captions, and per split
    the per-channel mean and mean square of the IMU windows (and of mocap), compared with
    SIGNAL_RTOL rather than bit for bit. Video frames are left out."""
    text = hashlib.blake2b(digest_size=16)
    signal = []
    for split in ("train", "val"):
        windows = corpus[split]
        for texts in (windows.label, windows.caption):
            text.update("\x1f".join(map(str, texts)).encode())
        signal += _moments(windows.imu, channel_axis=1)
        if windows.mocap is not None:
            signal += _moments(windows.mocap, channel_axis=None)
    return {"text": text.hexdigest(), "signal": signal}


def same_corpus(before: dict, now: dict) -> bool:
    return before.get("text") == now.get("text") and len(before.get("signal", ())) == len(now["signal"]) \
        and bool(np.allclose(before["signal"], now["signal"], rtol=SIGNAL_RTOL, atol=SIGNAL_ATOL))


def _moments(array: np.ndarray, channel_axis: int | None, chunk: int = 1024) -> list[float]:
    """Means and mean squares (per channel when channel_axis is given), accumulated in float64
    a chunk of windows at a time."""
    axes = tuple(a for a in range(array.ndim) if a != channel_axis)
    total, squares = 0.0, 0.0
    for start in range(0, len(array), chunk):
        part = array[start:start + chunk].astype(np.float64)
        total = total + part.sum(axis=axes)
        squares = squares + np.square(part).sum(axis=axes)
    count = array.size / (array.shape[channel_axis] if channel_axis is not None else 1)
    return [round(float(v), 12) for v in (*np.atleast_1d(total / count), *np.atleast_1d(squares / count))]


@functools.lru_cache(maxsize=2)
def load_corpus(data: str) -> dict[str, WindowSet]:
    """'synth[?options]' builds the built-in corpus (see ``synth_config``); a directory is an
    Ego-Exo4D root or holds train.npz, val.npz and test.npz.

    Cached in-process: the main run, its baseline and the report share one build.
    """
    config = synth_config(data)
    if config is not None:
        return build_corpus(config, progress=True)
    root = Path(data)
    if not root.is_dir():
        raise ConfigError(f"--data {data!r} is neither 'synth[?options]' nor a directory (Ego-Exo4D root, "
                          "or train/val/test .npz windows)")
    if is_egoexo4d_root(root):
        return load_egoexo4d(root)
    missing = [s for s in SPLITS if not (root / f"{s}.npz").is_file()]
    if missing:
        raise DataError(f"{root} lacks {', '.join(f'{s}.npz' for s in missing)}; each split is a WindowSet "
                        f"file ({WINDOW_SET_KEYS})")
    corpus = {s: WindowSet.load(root / f"{s}.npz") for s in SPLITS}
    shared = (set(corpus["train"].subject.tolist()) & set(corpus["test"].subject.tolist())) - {UNKNOWN_SUBJECT}
    if shared:
        raise DataError(f"subjects {sorted(shared)[:5]} appear in both train and test; split by subject")
    return corpus


@dataclass
class TargetTables:
    """Per-window frozen targets of one split, as tensors on the training device."""

    text: torch.Tensor          # (N, D) caption embeddings
    text_group: torch.Tensor    # (N,) positive-group id: equal ids are positives for each other
    video: torch.Tensor | None  # (N, D) CLIP video embeddings


def embed_targets(windows: WindowSet, text_encoder, cache: EmbeddingCache, device: torch.device,
                  use_video: bool, positives: str = "label") -> TargetTables:
    """positives='label': windows of the same activity are positives for each other's captions
    (paraphrases of one activity are not negatives); 'caption': only identical caption texts are."""
    captions = windows.caption.astype(str).tolist()
    text = cache.encode(text_encoder, captions)
    keys = windows.label if positives == "label" else windows.caption
    _, group = np.unique(np.asarray(keys).astype(str), return_inverse=True)
    video = None
    if use_video:
        video = torch.from_numpy(text_encoder.encode_video(windows.frames)).to(device)
    return TargetTables(torch.from_numpy(text).to(device), torch.from_numpy(group).to(device), video)


def video_available(windows: WindowSet, text_encoder) -> bool:
    return windows.frames is not None and isinstance(text_encoder, OpenCLIPEncoder)


def batches(n: int, batch_size: int, seed: int, rank: int = 0, world_size: int = 1, fraction: float = 1.0):
    """Shuffled index batches for one epoch; each rank gets an equal, disjoint share.

    fraction < 1 runs part of an epoch (for fractional epoch counts like 1.5).
    """
    order = np.random.default_rng(seed).permutation(n)
    per_step = batch_size * world_size
    steps = max(1, int(round(fraction * n / per_step)))
    order = np.resize(order, steps * per_step)  # wraps around when the last batch would be short
    for step in range(steps):
        chunk = order[step * per_step:(step + 1) * per_step]
        yield chunk[rank * batch_size:(rank + 1) * batch_size]
