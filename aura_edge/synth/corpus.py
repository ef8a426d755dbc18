"""The built-in synthetic corpus: simulated subjects x activities -> train/val/test WindowSets.

Every (subject, activity) pair is simulated as a few independent episodes (each with its own
style draw: arm posture, stroke mix, speed ...). Each window is worn at one placement, cycling
through the configured placements in a per-subject random order, so every placement is equally
represented; each placement of an episode is recorded by its own device drawn from the
config's device space (rate, filter, range, gravity convention ...; see devices.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from aura_edge.data.windows import MOCAP_FRAMES, WindowSet
from aura_edge.errors import ConfigError
from aura_edge.signals import MAX_RATE_HZ, MIN_RATE_HZ, WINDOW_S, WINDOW_SAMPLES
from aura_edge.synth.activities import ACTIVITIES, ALL_ACTIVITIES, activity_key, draw_caption
from aura_edge.synth.body_sim import MOCAP_STEP, SIM_RATE_HZ, mocap_frames, simulate_episode
from aura_edge.synth.devices import DeviceSpace, check_share, draw_sensor
from aura_edge.synth.frames import render_frames
from aura_edge.synth.subjects import PLACEMENT_SEGMENTS, PLACEMENTS, make_subject, subject_rng
from aura_edge.synth.virtual_imu import site_mount
from aura_edge.synth.vocabulary.drills import drill_name, is_drill

SPLITS = ("train", "val", "test")
WINDOWS_PER_EPISODE = 2   # fewer = more style variety per subject, more = faster
RANDOM_SITE = "random site"   # the placement of windows worn at a random site


@dataclass(frozen=True)
class SynthConfig:
    """What to simulate. Subject ids are 0.. for train, then val, then test (never shared)."""

    seed: int = 0
    subjects: tuple[int, int, int] = (24, 6, 6)   # train / val / test people
    windows_per_activity: int = 5                 # per subject, each at one placement (default: 24 x 32 x 5 train)
    placements: tuple[str, ...] = PLACEMENTS
    activities: tuple[str, ...] = ACTIVITIES
    rates_hz: tuple[float, float] = (MIN_RATE_HZ, MAX_RATE_HZ)   # device output rates drawn from this range
    gravity_removed: float = 0.25                 # share of devices that report linear acceleration
    episode_seed: int = 0                         # another value: new episodes of the same people
    composed_windows: int | None = None           # per subject for a composed activity (None: as above)
    drills: int = 0                               # movement drills per training person, one window each
                                                  #   (random compositions of primitives: vocabulary/drills.py)
    random_sites: float = 0.0                     # share of training windows worn at a random point of
                                                  #   the placements' segments instead (val/test: never)
    with_frames: bool = False                     # stick figures for the CLIP video tower; memory:
    frames_per_window: int = 8                    #   N x 8 x 64 x 64 x 3 bytes (~550 MB for the
    frame_size: int = 64                          #   default corpus) and ~2 ms of drawing a window

    def __post_init__(self) -> None:
        if not isinstance(self.seed, (int, np.integer)) or self.seed < 0:
            raise ConfigError(f"seed must be a non-negative integer, got {self.seed!r}")
        if (len(tuple(self.subjects)) != 3 or not all(isinstance(k, (int, np.integer)) and k >= 0
                                                      for k in self.subjects) or self.subjects[0] < 1):
            raise ConfigError(f"subjects must be three counts (train >= 1, val >= 0, test >= 0), "
                              f"got {self.subjects!r}")
        _check_int("windows_per_activity", self.windows_per_activity, 1, 10_000)
        if self.composed_windows is not None:
            _check_int("composed_windows", self.composed_windows, 1, 10_000)
        _check_int("drills", self.drills, 0, 10_000)
        _check_names("placements", self.placements, PLACEMENTS)
        _check_names("activities", self.activities, ALL_ACTIVITIES, shown=ACTIVITIES)
        _check_int("frames_per_window", self.frames_per_window, 1, MOCAP_FRAMES)
        _check_int("frame_size", self.frame_size, 16, 512)
        _check_int("episode_seed", self.episode_seed, 0, 2**31)
        check_share("random_sites", self.random_sites)
        self.devices()   # validates rates_hz and gravity_removed

    def windows_for(self, activity: str) -> int:
        """Windows per subject of ``activity``."""
        if is_drill(activity):
            return 1
        composed = self.composed_windows is not None and activity not in ACTIVITIES
        return self.composed_windows if composed else self.windows_per_activity

    def devices(self) -> DeviceSpace:
        return DeviceSpace(tuple(map(float, self.rates_hz)), self.gravity_removed)

    def split_subjects(self) -> dict[str, range]:
        n_train, n_val, n_test = self.subjects
        return {"train": range(0, n_train), "val": range(n_train, n_train + n_val),
                "test": range(n_train + n_val, n_train + n_val + n_test)}


def _check_int(what: str, value, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ConfigError(f"{what} must be an integer from {lo} to {hi}, got {value!r}")


def _check_names(what: str, names, known, shown=None) -> None:
    """``known`` are the valid names; ``shown`` those an error lists (the rest are counted)."""
    names = tuple(names)
    if not names:
        raise ConfigError(f"{what} is empty; pass at least one of {_listing(known, shown)}")
    unknown = [x for x in names if x not in known]
    if unknown:
        raise ConfigError(f"unknown {what} {unknown}; choose from {_listing(known, shown)}")
    if len(set(names)) != len(names):
        raise ConfigError(f"{what} has duplicates: {list(names)}")


def _listing(known, shown=None) -> str:
    """The choices for an error message: ``shown`` by name, the other names of ``known`` by count."""
    if shown is None:
        return str(list(known))
    more = [k for k in known if k not in shown]
    return f"{list(shown)} or one of the {len(more)} composed activities of aura_edge.synth.vocabulary " \
           f"(e.g. {more[0]!r})"


def build_corpus(config: SynthConfig = SynthConfig(), progress: bool = False) -> dict[str, WindowSet]:
    """Simulate the corpus: {'train', 'val', 'test'} WindowSets, disjoint by subject.

    imu (N, 6, 1000) float32 channels-first in m/s² and rad/s; mocap (N, 50, 51) pelvis-centred
    metres; caption a random paraphrase per window; label the activity name (a drill's own name
    for ``config.drills``, in train only); frames only with ``with_frames``. Deterministic for a given config.
    """
    jobs = [(split, sid, act) for split, ids in config.split_subjects().items() for sid in ids
            for act in config.activities]
    jobs += [("train", sid, drill_name(sid, k)) for sid in config.split_subjects()["train"]
             for k in range(config.drills)]
    rows: dict[str, list[dict]] = {split: [] for split in SPLITS}
    subjects = {}
    for split, sid, act in _progress(jobs, progress):
        if sid not in subjects:
            subjects[sid] = make_subject(config.seed, sid)
        rows[split].extend(_subject_activity_windows(config, subjects[sid], act, split == "train"))
    return {split: _to_window_set(rows[split], config) for split in SPLITS}


def _subject_activity_windows(config: SynthConfig, subject, activity: str, train: bool = False) -> list[dict]:
    """All windows of one subject doing one activity, each at one of the configured placements
    (or, for a ``config.random_sites`` share of training windows, at a random site)."""
    # Keyed by the activity's global index so that choosing fewer activities changes nothing else.
    rng = subject_rng(config.seed, subject.id, 1, activity_key(activity), config.episode_seed)
    order = [config.placements[i] for i in rng.permutation(len(config.placements))]
    placements = [order[j % len(order)] for j in range(config.windows_for(activity))]
    if train and config.random_sites > 0:
        subject, placements = _with_random_sites(config, subject, activity, placements)
    devices, out = config.devices(), []
    for first in range(0, len(placements), WINDOWS_PER_EPISODE):
        worn = placements[first:first + WINDOWS_PER_EPISODE]
        imu, joints = simulate_episode(subject, activity, len(worn) * WINDOW_S, rng, sorted(set(worn)), devices)
        for w, placement in enumerate(worn):
            frame = int(round(w * WINDOW_S * SIM_RATE_HZ)) // MOCAP_STEP
            start = frame * MOCAP_STEP
            out.append({
                "imu": imu[placement][start:start + WINDOW_SAMPLES].T,
                "mocap": mocap_frames(joints[frame:frame + MOCAP_FRAMES], step=1),
                "label": activity,
                "caption": draw_caption(activity, rng),
                "subject": subject.id,
                "placement": RANDOM_SITE if placement.startswith(RANDOM_SITE) else placement,
            })
    return out


def _with_random_sites(config: SynthConfig, subject, activity: str, placements: list[str]):
    """Move the last ``random_sites`` share of the windows to a fresh random site each: a point on
    one of the configured placements' segments, with its own device (see ``site_mount``)."""
    n = int(round(config.random_sites * len(placements)))
    if n == 0:
        return subject, placements
    rng = subject_rng(config.seed, subject.id, 2, activity_key(activity), config.episode_seed)
    segments = sorted({seg for p in config.placements for seg in PLACEMENT_SEGMENTS[p]})
    names = [f"{RANDOM_SITE} {k}" for k in range(n)]
    mounts = {name: site_mount(subject.body, segments[rng.integers(len(segments))], rng) for name in names}
    sensors = {name: draw_sensor(rng, float(rng.uniform(0.03, 0.12))) for name in names}
    subject = replace(subject, mounts={**subject.mounts, **mounts}, sensors={**subject.sensors, **sensors})
    return subject, placements[:len(placements) - n] + names


def _to_window_set(rows: list[dict], config: SynthConfig) -> WindowSet:
    n = len(rows)
    mocap = np.stack([r["mocap"] for r in rows]) if n else np.zeros((0, MOCAP_FRAMES, 51), np.float32)
    frames = None
    if config.with_frames:
        frames = np.stack([render_frames(m, config.frames_per_window, config.frame_size) for m in mocap]) if n \
            else np.zeros((0, config.frames_per_window, config.frame_size, config.frame_size, 3), np.uint8)
    return WindowSet(
        imu=np.ascontiguousarray(np.stack([r["imu"] for r in rows])) if n
        else np.zeros((0, 6, WINDOW_SAMPLES), np.float32),
        label=np.array([r["label"] for r in rows], dtype=str),
        caption=np.array([r["caption"] for r in rows], dtype=str),
        subject=np.array([r["subject"] for r in rows], dtype=np.int64),
        placement=np.array([r["placement"] for r in rows], dtype=str),
        mocap=mocap, frames=frames,
    )


def _progress(items, enabled: bool):
    if not enabled:
        return items
    try:
        from tqdm import tqdm
    except ImportError:   # tqdm is an optional dependency: no bar, same result
        return items
    return tqdm(items, desc="synth corpus", unit="subject-activity")
