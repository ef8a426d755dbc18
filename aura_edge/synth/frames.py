"""Third-person stick-figure frames drawn from a mocap window (numpy only, no imaging library).

A fixed virtual camera looks at the pelvis-centred skeleton from the front-left and slightly
above, orthographically. Left limbs are drawn blue, right limbs red, the trunk and face green,
so the figure's handedness and facing are visible to an image encoder.
"""

from __future__ import annotations

import numpy as np

from aura_edge.data.windows import MOCAP_FEATURES, MOCAP_FRAMES
from aura_edge.errors import DataError
from aura_edge.synth.skeleton import BONES, JOINT_INDEX

_AZIMUTH, _ELEVATION = np.radians(35.0), np.radians(12.0)
_VIEW_M = 2.2          # metres of world that fit across the image
_BACKGROUND = (235, 232, 225)
_COLOURS = {"left": (40, 90, 220), "right": (220, 50, 40), "centre": (30, 150, 60)}


def _camera() -> np.ndarray:
    """(2, 3) orthographic projection rows: the image's right and up axes in world coordinates."""
    toward_camera = np.array([np.cos(_AZIMUTH) * np.cos(_ELEVATION), np.sin(_AZIMUTH) * np.cos(_ELEVATION),
                              np.sin(_ELEVATION)])
    view = -toward_camera
    right = np.cross(view, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    return np.stack([right, np.cross(right, view)])


def _bone_colour(a: str, b: str) -> tuple[int, int, int]:
    if a.startswith("left") and b.startswith("left"):
        return _COLOURS["left"]
    if a.startswith("right") and b.startswith("right"):
        return _COLOURS["right"]
    return _COLOURS["centre"]


def render_frames(mocap_window: np.ndarray, n_frames: int = 8, size: int = 64) -> np.ndarray:
    """(50, 51) pelvis-centred mocap -> (n_frames, size, size, 3) uint8 stick figures.

    Frames are taken evenly across the window. The pelvis sits slightly below the image centre
    so that a standing figure fits head to feet.
    """
    mocap_window = np.asarray(mocap_window, dtype=np.float64)
    if mocap_window.shape != (MOCAP_FRAMES, MOCAP_FEATURES):
        raise DataError(f"a mocap window must be ({MOCAP_FRAMES}, {MOCAP_FEATURES}), got {mocap_window.shape}")
    if not 1 <= n_frames <= MOCAP_FRAMES or size < 8:
        raise DataError(f"need 1 <= n_frames <= {MOCAP_FRAMES} and size >= 8, got {n_frames}, {size}")
    picks = np.linspace(0, MOCAP_FRAMES - 1, n_frames).round().astype(int)
    joints = mocap_window[picks].reshape(n_frames, -1, 3)
    pixels = joints @ _camera().T                                 # (F, 17, 2) metres
    scale = size / _VIEW_M
    cols = size / 2 + pixels[..., 0] * scale
    rows = size * 0.47 - pixels[..., 1] * scale                 # image rows grow downward
    images = np.empty((n_frames, size, size, 3), np.uint8)
    images[:] = _BACKGROUND
    ia = np.array([JOINT_INDEX[a] for a, _ in BONES])
    ib = np.array([JOINT_INDEX[b] for _, b in BONES])
    colours = np.array([_bone_colour(a, b) for a, b in BONES], np.uint8)
    steps = np.linspace(0.0, 1.0, 2 * size)
    # All bones of all frames at once: (F, B, S) sample points along each bone.
    r = rows[:, ia, None] + steps * (rows[:, ib] - rows[:, ia])[..., None]
    c = cols[:, ia, None] + steps * (cols[:, ib] - cols[:, ia])[..., None]
    f = np.broadcast_to(np.arange(n_frames)[:, None, None], r.shape)
    colour = np.broadcast_to(colours[None, :, None, :], r.shape + (3,))
    thick = max(1, size // 48)
    for dr in range(thick):
        for dc in range(thick):
            rr, cc = np.round(r).astype(int) + dr, np.round(c).astype(int) + dc
            ok = (rr >= 0) & (rr < size) & (cc >= 0) & (cc < size)
            images[f[ok], rr[ok], cc[ok]] = colour[ok]
    return images
