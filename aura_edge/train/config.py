"""`aura-edge train` options as a config, parsed once; torch-free, so the CLI takes its defaults
from here without importing the trainer."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from aura_edge import pretrained
from aura_edge.errors import ConfigError, RunError
from aura_edge.train.run_config import read_config
from aura_edge.train.stages import parse_epochs, parse_stage_list, resolve_epochs

SYNTH_KEYS = ("seed", "placements", "exclude", "activities", "vocabulary", "novel", "composed_windows",
              "drills", "rates", "gravity_removed", "windows", "subjects", "episode_seed", "random_sites")


def synth_config(data: str):
    """'synth' or 'synth?key=value&...' -> SynthConfig, or None when ``data`` is not synthetic.

    Keys: placements=head,chest (only these) or exclude=thigh (all but these); activities=walking,
    lying down (only these, hand-built or composed); vocabulary=open (the hand-built activities and
    every composed one of aura_edge.synth.vocabulary); novel=exclude (without the novel activities
    and compositions that eval --conditions scores zero-shot); composed_windows=1 (per subject for
    each composed activity); drills=100 (movement drills per training person: random compositions of
    primitives captioned only by their movement, docs/vocabulary.md); rates=26-1000 (device output
    rates, Hz); gravity_removed=0.25 (share of linear-acceleration devices); windows=5 (per subject
    and activity); subjects=24,6,6; seed=0; episode_seed=0; random_sites=0.4 (share of training
    windows worn at random points of the placements' body segments). The spec is stored with a run,
    so its report and export rebuild exactly the corpus it was trained on.
    """
    name, _, query = data.partition("?")
    if name != "synth":
        return None
    from aura_edge.synth import PLACEMENTS, SynthConfig
    from aura_edge.synth.subjects import resolve_placement

    fields: dict = {}
    novel: tuple[str, ...] = ()
    for item in filter(None, query.split("&")):
        key, _, value = item.partition("=")
        try:
            if key == "placements":
                fields["placements"] = tuple(resolve_placement(v) for v in value.split(","))
            elif key == "exclude":
                drop = {resolve_placement(v) for v in value.split(",")}
                fields["placements"] = tuple(p for p in PLACEMENTS if p not in drop)
            elif key == "activities":
                fields["activities"] = tuple(v.strip() for v in value.split(","))
            elif key == "vocabulary":
                fields["activities"] = vocabulary(value)
            elif key == "rates":
                lo, _, hi = value.partition("-")
                fields["rates_hz"] = (float(lo), float(hi or lo))
            elif key in ("gravity_removed", "random_sites"):
                fields[key] = float(value)
            elif key in ("windows", "seed", "episode_seed", "composed_windows", "drills"):
                fields["windows_per_activity" if key == "windows" else key] = int(value)
            elif key == "novel":
                novel = novel_activities(value)
            elif key == "subjects":
                fields["subjects"] = tuple(int(v) for v in value.split(","))
            else:
                raise ConfigError(f"unknown key {key!r} in --data {data!r}; use {', '.join(SYNTH_KEYS)}")
        except ValueError as exc:
            raise ConfigError(f"--data {data!r}: bad value for {key!r} ({exc}); e.g. "
                              "synth?exclude=thigh&rates=26-1000") from exc
    if novel:
        fields["activities"] = tuple(a for a in fields.get("activities", SynthConfig.activities) if a not in novel)
    return SynthConfig(**fields)


def novel_activities(value: str) -> tuple[str, ...]:
    """``novel=exclude``: the composed activities kept out of training for `eval --conditions`."""
    from aura_edge.synth.vocabulary import NOVEL_ACTIVITIES, NOVEL_COMPOSITIONS, variants_of

    if value != "exclude":
        raise ValueError(f"novel takes 'exclude' (keep the novel activities and compositions out), not {value!r}")
    return variants_of(NOVEL_ACTIVITIES + NOVEL_COMPOSITIONS)


def vocabulary(value: str) -> tuple[str, ...]:
    """The activities of ``vocabulary=``: 'open' (all) or 'builtin' (the hand-built ones)."""
    from aura_edge.synth.activities import ACTIVITIES, ALL_ACTIVITIES

    choices = {"open": ALL_ACTIVITIES, "builtin": ACTIVITIES}
    if value not in choices:
        raise ValueError(f"vocabulary is 'open' or 'builtin', not {value!r}")
    return choices[value]


@dataclass
class TrainConfig:
    data: str = "synth"
    text_encoder: str = "minilm"
    encoder: str = "senvt"
    size: str = "SS"
    stages: str = "1,2"
    epochs: str = "auto"  # '6,1' on a CPU, '40,1' on a GPU (stages.resolve_epochs)
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.05
    device: str = "auto"
    seed: int = 0
    out: str = "runs"
    name: str | None = None
    resume: str | None = None
    baseline: bool = True     # also train the IMU2CLIP RNN the same way, for the report
    augment: bool = True
    orientation: str = "0.25"  # a name of ORIENTATIONS, or the share of training windows turned
    positives: str = "label"  # which windows share positives: same activity label, or same caption
    progress: bool = True
    max_train_windows: int | None = None  # cap the corpus (tests, quick demos)
    preset: str | None = None  # a name of PRESETS: the options it sets are recorded beside it
    init: str | None = None    # start from this run's weights ('pretrained': the built-in model)

    def __post_init__(self) -> None:
        """Parse every option once (a bad one fails here, before anything is built); the typed
        values are the properties below, the strings stay as given for config.json and --resume."""
        if self.batch_size < 2:
            raise ConfigError(f"--batch-size {self.batch_size} is too small for a contrastive loss; use >= 2")
        if not 0 < self.lr < 1:
            raise ConfigError(f"--lr {self.lr} is out of range; use e.g. 1e-3")
        self._stage_list = parse_stage_list(self.stages)
        parse_epochs(resolve_epochs(self.epochs, len(self._stage_list), "cpu"), len(self._stage_list))
        self._turned_share = orientation_share(self.orientation)
        self._synth = synth_config(self.data)
        if self.preset is not None and self.preset not in PRESETS:
            raise ConfigError(f"--preset {self.preset!r} is not valid; use one of {', '.join(PRESETS)}")
        if self.positives not in ("label", "caption"):
            raise ConfigError(f"--positives {self.positives!r} is not valid; use label or caption")

    def as_dict(self) -> dict:
        """The options as given (what config.json records under 'train')."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def stage_list(self) -> list[int]:
        """--stages as numbers, e.g. [1, 2]."""
        return self._stage_list

    @property
    def synth(self):
        """The SynthConfig of a synth:// corpus spec, None for other data."""
        return self._synth

    @property
    def turned_share(self) -> float:
        """--orientation as the share of training windows turned (0 to 1)."""
        return self._turned_share

    def epochs_per_stage(self, device_type: str) -> list[float]:
        """--epochs resolved for the device ('auto') and expanded to one number per stage."""
        return parse_epochs(resolve_epochs(self.epochs, len(self._stage_list), device_type), len(self._stage_list))

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        names = {f.name for f in fields(cls)}
        data = {"orientation": "as-worn", **data}   # runs saved before --orientation existed trained as worn
        return cls(**{k: v for k, v in data.items() if k in names})


# Named option sets for `aura-edge train --preset NAME`; options given on the command line win.
# release: the built-in model (MODEL_CARD.md). Measured runs still gain up to 80 stage-1 epochs
# (docs/generalisation.md); hours on 2 CPU cores, resumable with --resume. Stage 2
# (mocap) is left out: the shipped model is the IMU encoder alone. The RNN baseline for the model
# card is trained separately (--encoder rnn), so the release run is not twice as long.
PRESETS = {
    "release": {"epochs": "80", "stages": "1", "orientation": "0.25", "baseline": False, "seed": 0},
}


# `train --init RUN`: fine-tuning on a user's few minutes of labelled windows. A learning rate below
# training's keeps what the model knows (nothing is frozen: the patch embedding has to adapt to a new
# placement's signal); small batches give small data enough steps; the starting weights stay the
# best model unless an epoch beats them on validation. Chosen by measurement: docs/fine-tuning.md.
FINE_TUNE = {"epochs": "20", "stages": "1", "lr": 3e-4, "batch_size": 32, "baseline": False}


def fine_tune_defaults(init: str) -> dict:
    """The options `--init` sets unless given: FINE_TUNE, and the architecture and text encoder of
    the run it starts from (a different one given on the command line is refused by the trainer)."""
    try:
        config = read_config(pretrained.run_path(init))
    except RunError as exc:
        raise ConfigError(f"--init {init}: {exc}") from exc
    return {**FINE_TUNE, "encoder": config.imu_encoder["family"], "size": config.imu_encoder["size"],
            "text_encoder": config.text_encoder_spec}


# --orientation: 'as-worn' keeps the mounting conventions of the corpus's devices (a watch's x axis
# toward the hand); 'any' makes the model indifferent to them; a share in between turns that share of
# the training windows. The default (0.25) has the best worst-condition ratio of the measured shares;
# the comparison is in docs/generalisation.md ("Orientation") and
# benchmarks/results/generalisation-40-epochs-*-orientation*.md. Short runs learn turns slowly (the
# demo trains as worn).
# Each name is a share of training windows turned to a random orientation:
ORIENTATIONS = {"as-worn": 0.0, "mixed": 0.5, "any": 1.0}


def orientation_share(orientation: str) -> float:
    """The share of training windows turned to a random orientation: a name of ``ORIENTATIONS``, or
    the share itself as a number from 0 to 1 (given as text, as on the command line)."""
    if orientation in ORIENTATIONS:
        return ORIENTATIONS[orientation]
    try:
        share = float(orientation)
    except (TypeError, ValueError):
        share = math.nan
    if not 0.0 <= share <= 1.0:   # also refuses nan
        raise ConfigError(f"--orientation {orientation!r} is not valid; use one of {', '.join(ORIENTATIONS)}, "
                          f"or the share of training windows to turn, from 0 to 1 (e.g. 0.25)")
    return share
