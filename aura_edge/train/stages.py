"""The progressive training plan of AURA-MFM, made explicit.

Stage 1 aligns the IMU encoder with text (and with video when a CLIP backend and frames exist).
Stage 2 trains the IMU and mocap encoders jointly: each against text (and video), and IMU against
mocap. Stage 2 starts from stage 1's IMU weights.
"""

from __future__ import annotations

from dataclasses import dataclass

from aura_edge.errors import ConfigError


@dataclass(frozen=True)
class Stage:
    number: int
    trainable: tuple[str, ...]  # encoders updated in this stage, e.g. ("imu", "mocap")
    pairs: tuple[str, ...]      # contrastive pairs, "left-right", e.g. ("imu-text", "imu-mocap")
    epochs: float

    def describe(self) -> str:
        return (f"stage {self.number}: train {' + '.join(self.trainable)} on {', '.join(self.pairs)} "
                f"for {self.epochs:g} epochs")


def parse_stage_list(text: str) -> tuple[int, ...]:
    try:
        stages = tuple(sorted({int(s) for s in str(text).split(",") if s.strip()}))
    except ValueError:
        stages = ()
    if not stages or not set(stages) <= {1, 2}:
        raise ConfigError(f"--stages {text!r} is not valid; use 1, 2 or 1,2")
    return stages


# --epochs auto: epochs of the first stage, the others get one. 6 keeps a CPU run to minutes; a GPU
# affords 40, which scores far better (benchmarks/results/generalisation*.md, docs/generalisation.md).
AUTO_FIRST_STAGE_EPOCHS = {"cpu": 6, "cuda": 40}


def resolve_epochs(text: str, n_stages: int, device_type: str) -> str:
    """'auto' -> the default budget for this device ('6,1' on a CPU, '40,1' on a GPU); else unchanged."""
    if text != "auto":
        return text
    first = AUTO_FIRST_STAGE_EPOCHS.get(device_type, AUTO_FIRST_STAGE_EPOCHS["cuda"])
    return ",".join([str(first)] + ["1"] * (n_stages - 1))


def parse_epochs(text: str, n_stages: int) -> tuple[float, ...]:
    """'4' (every stage) or '4,2' (one number per stage); 'auto' is resolved first (resolve_epochs)."""
    try:
        values = tuple(float(v) for v in str(text).split(","))
    except ValueError:
        values = ()
    if len(values) == 1:
        values = values * n_stages
    if len(values) != n_stages or min(values) <= 0:
        raise ConfigError(f"--epochs {text!r} needs one positive number, or one per stage ({n_stages})")
    return values


def plan_stages(stages: tuple[int, ...], epochs: tuple[float, ...], has_mocap: bool,
                has_video: bool) -> list[Stage]:
    if 2 in stages and not has_mocap:
        raise ConfigError("stage 2 trains the mocap encoder but this corpus has no mocap; pass --stages 1")
    video = ("video",) if has_video else ()
    plan = []
    for number, n_epochs in zip(stages, epochs):
        if number == 1:
            plan.append(Stage(1, ("imu",), tuple(f"imu-{m}" for m in ("text", *video)), n_epochs))
        else:
            targets = ("text", *video)
            pairs = tuple(f"{enc}-{m}" for enc in ("imu", "mocap") for m in targets) + ("imu-mocap",)
            plan.append(Stage(2, ("imu", "mocap"), pairs, n_epochs))
    return plan
