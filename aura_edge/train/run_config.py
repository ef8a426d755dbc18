"""A run's config.json as one typed record: written by training, read by evaluation, reports and export.

Everything a later step needs to rebuild and score a run is here: the encoder configs, the frozen
text encoder, the input contract, the labels and captions the label bank is built from, and the
training options as given (``train``, the `aura-edge train` flags; ``--resume`` rebuilds a
TrainConfig from it). Files written before ``schema_version`` existed are version 1 and read the
same way; `from_dict` is the one place that knows about older files.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from aura_edge.errors import RunError

CONFIG_FILE = "config.json"
SCHEMA_VERSION = 2  # 1: files before the schema (same keys, none of them typed); 2: schema_version recorded


@dataclass(frozen=True)
class RunConfig:
    imu_encoder: dict                      # {"family": "senvt", "size": "SS", ...}: models.build_encoder rebuilds it
    text_encoder: str                      # the frozen text encoder's id, e.g. "minilm"
    input_contract: dict                   # signals.input_contract: what the model takes
    train: dict                            # the TrainConfig fields as given (data spec, epochs, seed, ...)
    mocap_encoder: dict | None = None
    labels: tuple[str, ...] = ()           # the training activities: the default label set
    prompt_templates: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()         # anchors for label expansion (none before label expansion existed)
    plan: tuple[str, ...] = ()             # the progressive plan, as printed
    trained_on: str = ""                   # the device --device auto chose
    aura_edge_version: str = ""
    command: str = ""                      # the command line that started the run (shell-quoted)
    corpus_fingerprint: dict = field(default_factory=dict)  # train.data.corpus_fingerprint, for --resume
    schema_version: int = SCHEMA_VERSION
    extra: dict = field(default_factory=dict)  # keys this version does not know, kept when rewritten

    @property
    def data(self) -> str:
        """The corpus spec the run trained on (`synth?...`, an Ego-Exo4D root, or a directory)."""
        return self.train.get("data", "synth")

    @property
    def text_encoder_spec(self) -> str:
        """The --text-encoder value that rebuilds the run's text encoder."""
        return self.train.get("text_encoder", "minilm")

    @property
    def model_name(self) -> str:
        return f"{self.imu_encoder['family']}-{self.imu_encoder['size']}"

    @property
    def gravity_removed_ok(self) -> bool:
        return bool(self.input_contract.get("gravity_removed_ok"))

    @classmethod
    def from_dict(cls, raw: dict, source: str = "config.json") -> RunConfig:
        """Check the types of a parsed config.json (any schema version) and build the record."""
        if not isinstance(raw, dict) or not isinstance(raw.get("imu_encoder"), dict):
            raise RunError(f"{source} is not an aura-edge run config (no 'imu_encoder'); pass another run")
        version = raw.get("schema_version", 1)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise RunError(f"{source} has schema_version {version!r}; this aura-edge reads up to {SCHEMA_VERSION}: "
                           "upgrade aura-edge")
        known = {name for name in cls.__dataclass_fields__ if name != "extra"}
        values = {k: v for k, v in raw.items() if k in known}
        typed = (("text_encoder", str), ("input_contract", dict), ("train", dict), ("corpus_fingerprint", dict))
        for key, kind in typed:
            values.setdefault(key, {"text_encoder": "minilm"}.get(key, {}))
            if not isinstance(values[key], kind):
                raise RunError(f"{source}: '{key}' is {type(values[key]).__name__}, not {kind.__name__}; "
                               "pass another run or retrain")
        for key in ("labels", "prompt_templates", "captions", "plan"):
            items = values.get(key) or ()
            if not isinstance(items, (list, tuple)) or not all(isinstance(s, str) for s in items):
                raise RunError(f"{source}: '{key}' must be a list of strings; pass another run or retrain")
            values[key] = tuple(items)
        values["schema_version"] = SCHEMA_VERSION
        return cls(**values, extra={k: v for k, v in raw.items() if k not in known})

    def to_dict(self) -> dict:
        out = {k: v for k, v in asdict(self).items() if k != "extra"}
        for key in ("labels", "prompt_templates", "captions", "plan"):
            out[key] = list(out[key])
        return {**self.extra, **out}


def read_config(run_dir: Path) -> RunConfig:
    """A run directory's config.json, checked; torch-free (the CLI reads --init and --resume runs)."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise RunError(f"run directory {run_dir} does not exist; train one with `aura-edge train` "
                       "or pass --run runs/<name>")
    path = run_dir / CONFIG_FILE
    if not path.is_file():
        raise RunError(f"{run_dir} has no {CONFIG_FILE}: it is empty or training never finished an epoch; "
                       "pass a complete run directory")
    try:
        raw = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RunError(f"{path} is corrupt ({exc}); pass another run or retrain") from exc
    return RunConfig.from_dict(raw, str(path))
