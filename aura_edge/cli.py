"""The `aura-edge` command. Each command turns its options into a config and calls one library
function; errors a user can fix are printed as one clear message (exit code 2), not a traceback."""

from __future__ import annotations

import functools
import logging
import sys
from pathlib import Path

import click

from aura_edge import __version__
from aura_edge.errors import AuraEdgeError


def _friendly_errors(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except AuraEdgeError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            click.echo("interrupted; everything written so far is kept", err=True)
            sys.exit(130)
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="aura-edge")
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
def main(verbose: bool) -> None:
    """Open-vocabulary activity recognition for wearables (AURA-MFM).

    \b
    Typical flow:
      aura-edge demo                      train, evaluate (and more) on the built-in corpus
      aura-edge train                     SENvT-SS on the synthetic corpus -> runs/<name>/
      aura-edge eval                      zero-shot + retrieval report for runs/latest
      aura-edge eval --data rec.npz       zero-shot on your own labelled recordings
    """
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--data", default="synth", show_default=True,
              help="'synth' (built-in corpus) or a directory holding train.npz, val.npz, test.npz windows.")
@click.option("--text-encoder", default="minilm", show_default=True,
              help="Frozen target space: 'minilm' (offline) or 'open_clip:ARCH:WEIGHTS' (local file or cache).")
@click.option("--encoder", type=click.Choice(["senvt", "rnn"]), default="senvt", show_default=True,
              help="IMU encoder: the SENvT Transformer or the IMU2CLIP RNN baseline.")
@click.option("--size", type=click.Choice(["SS", "S", "B", "L"]), default="SS", show_default=True,
              help="Model size preset.")
@click.option("--stages", default="1,2", show_default=True,
              help="Progressive plan: 1 = IMU vs text [+video]; 2 = IMU + mocap jointly. '1' skips mocap.")
@click.option("--epochs", default="4,2", show_default=True, help="Epochs per stage ('N' or 'N1,N2'; fractions ok).")
@click.option("--batch-size", default=64, show_default=True, type=int, help="Windows per step (per process).")
@click.option("--lr", default=1e-3, show_default=True, type=float, help="Peak AdamW learning rate.")
@click.option("--device", default="auto", show_default=True, help="cpu, cuda, cuda:N or auto.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--out", default="runs", show_default=True, type=click.Path(file_okay=False),
              help="Parent directory of runs; <out>/latest points at the newest.")
@click.option("--name", default=None, help="Run name (default: <encoder>-<size>-<timestamp>).")
@click.option("--resume", default=None, type=click.Path(file_okay=False),
              help="Continue an interrupted run directory from its last finished epoch.")
@click.option("--baseline/--no-baseline", default=True, show_default=True,
              help="Also train the RNN baseline the same way and report it beside the model.")
@click.option("--augment/--no-augment", default=True, show_default=True,
              help="Random sensor rotation, amplitude scaling and noise during training.")
@_friendly_errors
def train(**options) -> None:
    """Train an IMU encoder by contrastive alignment with frozen text (and video) embeddings.

    With no options: SENvT-SS on the built-in synthetic corpus with the MiniLM text encoder, then
    the RNN baseline; writes runs/<name>/ (model.safetensors, config.json, metrics.jsonl,
    report.md, plots) and points runs/latest at it. Under torchrun it trains with DDP.
    """
    from aura_edge.train.checkpoint import read_config
    from aura_edge.train.loop import TrainConfig, train as run_training

    if options["resume"]:
        saved = read_config(Path(options["resume"]))["train"]
        config = TrainConfig.from_dict({**saved, "resume": options["resume"]})
    else:
        config = TrainConfig(**options)
    run_dir = run_training(config)
    _print_report_summary(run_dir)


@main.command("eval")
@click.option("--run", "run_dir", default="runs/latest", show_default=True, type=click.Path(file_okay=False),
              help="Run directory to evaluate.")
@click.option("--data", default=None,
              help="Labelled recordings (.npz with imu, rate_hz, label[, units, gravity]); default: the run's "
                   "held-out synthetic test subjects.")
@click.option("--labels", default=None, help="Comma-separated label set for zero-shot (default: labels in the data).")
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Where to write the evaluation report.")
@_friendly_errors
def eval_(run_dir: str, data: str | None, labels: str | None, out: str | None) -> None:
    """Zero-shot classification (accuracy, macro-F1, confusion matrix) and retrieval (R@k, MRR)."""
    from aura_edge.report import evaluate_recordings, write_run_report

    label_list = [s.strip() for s in labels.split(",") if s.strip()] if labels else None
    if data is None:
        write_run_report(Path(run_dir))
        _print_report_summary(Path(run_dir))
        return
    summary = evaluate_recordings(Path(run_dir), Path(data), Path(out) if out else None, label_list)
    click.echo(f"{summary['n']} windows, {summary['classes']} labels: zero-shot accuracy "
               f"{summary['accuracy']:.3f}, macro-F1 {summary['macro_f1']:.3f}")
    click.echo(f"report: {summary['report']}")


@main.command()
@click.option("--out", default="runs", show_default=True, type=click.Path(file_okay=False))
@click.option("--epochs", default="2,1", show_default=True, help="Epochs per stage for the short training run.")
@_friendly_errors
def demo(out: str, epochs: str) -> None:
    """The whole pipeline on the built-in corpus in a few minutes: train, evaluate, report."""
    from aura_edge.demo import run_demo

    run_demo(Path(out), epochs)


def _print_report_summary(run_dir: Path) -> None:
    import json

    report = json.loads((Path(run_dir) / "report.json").read_text())
    click.echo(f"\nHeld-out subjects ({report['test_windows']} windows), zero-shot over "
               f"{report['models'][0]['zero_shot']['classes']} activities:")
    for m in report["models"]:
        z = m["zero_shot"]
        r = {x["direction"]: x for x in m["retrieval"]}["imu->text"]
        click.echo(f"  {m['model']:<10} {m['parameters'] / 1e6:5.2f} M params  accuracy {z['accuracy']:.3f}  "
                   f"macro-F1 {z['macro_f1']:.3f}  IMU->text R@1 {r['R@1']:.3f} MRR {r['MRR']:.3f} (N={r['N']})")
    click.echo(f"report: {Path(run_dir) / 'report.md'}")
