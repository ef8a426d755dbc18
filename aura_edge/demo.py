"""`aura-edge demo`: the whole pipeline on the built-in corpus, in a few minutes on a laptop CPU."""

from __future__ import annotations

import time
from pathlib import Path

import click


def run_demo(out: Path, epochs: str) -> Path:
    from aura_edge.cli import _print_report_summary
    from aura_edge.train.loop import TrainConfig, train

    start = time.monotonic()
    click.secho("1/2 training SENvT-SS (and the RNN baseline) on the synthetic corpus", bold=True)
    config = TrainConfig(epochs=epochs, out=str(out), name=f"demo-{time.strftime('%Y%m%d-%H%M%S')}")
    run_dir = train(config)
    click.secho("2/2 evaluating on held-out simulated subjects", bold=True)
    _print_report_summary(run_dir)
    click.echo(f"demo finished in {time.monotonic() - start:.0f} s")
    return run_dir
