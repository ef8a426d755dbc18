"""Steps that span layers: train a model, then evaluate it into its report.

Training (train/) knows nothing of reports and evaluation (report.py) nothing of the trainer; the
`train` command, the demo and the benchmarks meet here.
"""

from __future__ import annotations

import os
from pathlib import Path

from aura_edge import pretrained
from aura_edge.report import write_run_report
from aura_edge.train.config import TrainConfig
from aura_edge.train.loop import train


def is_main_process() -> bool:
    """False on every torchrun rank but 0, which alone writes reports and speaks."""
    return os.environ.get("RANK", "0") == "0"


def train_and_report(config: TrainConfig) -> Path:
    """Train as `config` says, then write the run's report.md / report.json / plots; returns the run."""
    run_dir = train(config)
    if is_main_process():
        write_run_report(run_dir, init_dir=pretrained.run_path(config.init) if config.init else None)
    return run_dir
