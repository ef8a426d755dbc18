"""The `aura-edge` command. Each command turns its options into a config and calls one library
function; errors a user can fix are printed as one clear message (exit code 2), not a traceback."""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from aura_edge import __version__, pretrained
from aura_edge.console import show_messages
from aura_edge.errors import AuraEdgeError, ConfigError
from aura_edge.export.config import CALIBRATION_METHODS, ExportConfig  # torch-free: the defaults of `export`
from aura_edge.runtime.stream import StreamConfig  # torch-free: the defaults of `stream`
from aura_edge.summaries import print_bundle_summary, print_report_summary
from aura_edge.train.config import PRESETS, TrainConfig, fine_tune_defaults  # torch-free


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
    show_messages(verbose)


@main.command()
@click.option("--data", default=TrainConfig.data, show_default=True,
              help="'synth' (built-in corpus; options as in 'synth?exclude=thigh&rates=26-1000', keys: "
                   "placements, exclude, activities, vocabulary, novel, composed_windows, drills, rates, "
                   "gravity_removed, windows, subjects, seed, episode_seed, random_sites; 'synth?vocabulary=open' "
                   "adds several hundred composed exercises, stretches, work tasks and gestures, 'drills=100' random "
                   "compositions of their movements per training person), an Ego-Exo4D root, "
                   "or a directory holding train.npz, val.npz, test.npz windows.")
@click.option("--text-encoder", default=TrainConfig.text_encoder, show_default=True,
              help="Frozen target space: 'minilm' (offline) or 'open_clip:ARCH:WEIGHTS' (local file or cache).")
@click.option("--encoder", type=click.Choice(["senvt", "rnn"]), default=TrainConfig.encoder, show_default=True,
              help="IMU encoder: the SENvT Transformer or the IMU2CLIP RNN baseline.")
@click.option("--size", type=click.Choice(["SS", "S", "B", "L"]), default=TrainConfig.size, show_default=True,
              help="Model size preset.")
@click.option("--stages", default=TrainConfig.stages, show_default=True,
              help="Progressive plan: 1 = IMU vs text [+video]; 2 = IMU + mocap jointly. '1' skips mocap.")
@click.option("--epochs", default=TrainConfig.epochs, show_default=True,
              help="Epochs per stage ('N' or 'N1,N2'; fractions ok). auto: 6,1 on a CPU (minutes), 40,1 on a "
                   "GPU; the longer budget scores much better (docs/generalisation.md).")
@click.option("--batch-size", default=TrainConfig.batch_size, show_default=True, type=int,
              help="Windows per step (per process).")
@click.option("--lr", default=TrainConfig.lr, show_default=True, type=float, help="Peak AdamW learning rate.")
@click.option("--device", default=TrainConfig.device, show_default=True, help="cpu, cuda, cuda:N or auto.")
@click.option("--seed", default=TrainConfig.seed, show_default=True, type=int)
@click.option("--out", default=TrainConfig.out, show_default=True, type=click.Path(file_okay=False),
              help="Parent directory of runs; <out>/latest points at the newest.")
@click.option("--name", default=None, help="Run name (default: <encoder>-<size>-<timestamp>).")
@click.option("--resume", default=None, type=click.Path(file_okay=False),
              help="Continue an interrupted run directory from its last finished epoch.")
@click.option("--baseline/--no-baseline", default=TrainConfig.baseline, show_default=True,
              help="Also train the RNN baseline the same way and report it beside the model.")
@click.option("--augment/--no-augment", default=TrainConfig.augment, show_default=True,
              help="Random sensor rotation, tempo and amplitude scaling, slower-device resampling, gravity "
                   "removal and noise during training.")
@click.option("--orientation", default=TrainConfig.orientation, show_default=True, metavar="as-worn|mixed|any|SHARE",
              help="The share of training windows turned to a random orientation, so that a device worn or "
                   "built another way round is still understood. as-worn (0): only small tilts of the usual "
                   "mountings (a watch's x axis toward the hand), best on devices worn as usual; mixed (0.5) "
                   "and any (1): indifferent to turns, at a price on devices worn as usual. The measured "
                   "trade-off is in docs/generalisation.md (Orientation).")
@click.option("--positives", type=click.Choice(["label", "caption"]), default=TrainConfig.positives, show_default=True,
              help="Windows that are positives for each other in the loss: same activity label, or "
                   "identical caption text only.")
@click.option("--preset", type=click.Choice(sorted(PRESETS)), default=None,
              help="A named option set; options given on the command line win. release: the built-in "
                   "model's recipe (MODEL_CARD.md), hours on a CPU, resumable with --resume.")
@click.option("--init", default=None, metavar="RUN|pretrained",
              help="Fine-tune: start from this run's weights ('pretrained': the built-in model) on --data, "
                   "e.g. a directory of your own train/val/test .npz windows. Takes the run's architecture "
                   "and text encoder, and small-data defaults unless given (a low --lr, few --epochs, stage 1, "
                   "no baseline); the report compares before and after on your test split.")
@_friendly_errors
@click.pass_context
def train(ctx, **options) -> None:
    """Train an IMU encoder by contrastive alignment with frozen text (and video) embeddings.

    With no options: SENvT-SS on the built-in synthetic corpus with the MiniLM text encoder, then
    the RNN baseline; writes runs/<name>/ (model.safetensors, config.json, metrics.jsonl,
    report.md, plots) and points runs/latest at it. Under torchrun it trains with DDP.
    """
    from aura_edge.pipeline import is_main_process, train_and_report
    from aura_edge.train.run_config import read_config

    if options["resume"]:
        saved = read_config(Path(options["resume"])).train
        config = TrainConfig.from_dict({**saved, "resume": options["resume"]})
    else:
        config = TrainConfig(**_with_preset(ctx, options))
    run_dir = train_and_report(config)
    if is_main_process():
        print_report_summary(run_dir)


def _with_preset(ctx: click.Context, options: dict) -> dict:
    """Fill the options left at their defaults from --preset and --init (options typed on the
    command line win)."""
    preset = {**PRESETS.get(options["preset"] or "", {}),
              **(fine_tune_defaults(options["init"]) if options["init"] else {})}
    given = {name for name in options
             if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT}
    return {**options, **{k: v for k, v in preset.items() if k not in given}}


def _label_expansion_option(func):
    return click.option(
        "--label-expansion", type=click.FloatRange(min=0), default=None,
        help="Pull each label toward the run's training captions nearest it (those no other label is nearer), "
             "with this weight. Default 1 (for runs that record their captions) helps labels phrased unlike "
             "any caption; 8 suits labels that only rename trained activities; 0 leaves labels as typed. "
             "Measured in docs/generalisation.md (Label expansion).")(func)


@main.command("eval")
@click.option("--run", "run_dir", default="runs/latest", show_default=True, metavar="DIR|pretrained",
              help="Run directory to evaluate ('pretrained': the built-in model; its reports go to --out, "
                   f"default {pretrained.EVAL_DIR}).")
@click.option("--data", default=None,
              help="Labelled recordings: an .npz with imu, rate_hz, label[, units, gravity], or a PAMAP2_Dataset "
                   "directory; default: the run's held-out synthetic test subjects.")
@click.option("--placement", type=click.Choice(["hand", "chest", "ankle"]), default="hand", show_default=True,
              help="Which PAMAP2 sensor to evaluate (PAMAP2 only).")
@click.option("--labels", default=None, help="Label set for zero-shot: 'a,b,c' or a file with one label a line, "
                                             "'name: description of the movement' allowed (default: labels in the "
                                             "data).")
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Where to write the evaluation report.")
@click.option("--shots", default=None, metavar="K[,K...]",
              help="Few-shot enrollment with --data: enroll K windows per class from half the people (a "
                   "'subject' key in the npz) and score the others, over several draws, beside zero-shot.")
@click.option("--draws", default=5, show_default=True, type=click.IntRange(1, 100), help="Draws per K (--shots).")
@click.option("--conditions", is_flag=True,
              help="Also score held-out conditions (unseen people, 10-25 Hz devices, gravity removed, unseen "
                   "label phrasing, placements the run never saw) and add the table to the report.")
@_label_expansion_option
@_friendly_errors
def eval_(run_dir: str, data: str | None, placement: str, labels: str | None, out: str | None, shots: str | None,
          draws: int, conditions: bool, label_expansion: float) -> None:
    """Zero-shot classification (accuracy, macro-F1, confusion matrix) and retrieval (R@k, MRR).

    \b
    --data takes labelled recordings in any convention: an .npz declares its rate_hz (10-1000),
    units (g or m/s2, deg/s or rad/s) and gravity (included or removed, as phone and watch
    'linear acceleration' APIs report), and is converted to the model's input.
    """
    from aura_edge.export.label_bank import parse_labels
    from aura_edge.report import evaluate_recordings, write_generalisation_report, write_run_report

    run_path = pretrained.run_path(run_dir)
    report_dir = pretrained.report_dir(run_path, out)
    out = None if report_dir == run_path else report_dir   # recordings' reports: RUN/eval/<file> by default
    label_list = parse_labels(labels) if labels else None
    if shots and data is None:
        raise ConfigError("--shots needs --data: labelled windows (with a 'subject' key, to enroll from other people)")
    if conditions:
        if data is not None:
            raise ConfigError("--conditions scores the built-in synthetic conditions; run it without --data")
        click.echo("scoring held-out conditions (builds a synthetic test set for each):")
        rows = write_generalisation_report(run_path, label_expansion=label_expansion, out_dir=report_dir)
        for row in rows:
            models = [k for k in row if isinstance(row[k], dict)]
            scores = ", ".join(f"{m} macro-F1 {row[m]['macro_f1']:.3f}" for m in models)
            click.echo(f"  {row['condition']:<24} {scores}" + (f"  ({row['ratio']:.2f} of in-distribution)"
                                                                  if row.get("ratio") is not None else ""))
        print_report_summary(report_dir)   # the report was refreshed with the table; no second evaluation
        return
    if data is None:
        write_run_report(run_path, label_expansion=label_expansion, out_dir=report_dir)
        print_report_summary(report_dir)
        return
    if shots:
        _eval_shots(run_path, Path(data), shots, draws, out, placement, label_expansion)
        return
    summary = evaluate_recordings(run_path, Path(data), Path(out) if out else None, label_list, placement,
                                  label_expansion)
    click.echo(f"{summary['n']} windows, {summary['classes']} labels: zero-shot accuracy "
               f"{summary['accuracy']:.3f}, macro-F1 {summary['macro_f1']:.3f}")
    click.echo(f"report: {summary['report']}")


def _eval_shots(run_path: Path, data: Path, shots: str, draws: int, out: str | None, placement: str,
                label_expansion) -> None:
    from aura_edge.report import evaluate_few_shot

    try:
        ks = sorted({int(k) for k in shots.split(",")})
    except ValueError:
        raise ConfigError(f"--shots {shots!r} is not a list of whole numbers; e.g. --shots 1,3,5,10") from None
    if ks[0] < 1:
        raise ConfigError(f"--shots {shots!r}: K must be at least 1")
    summary = evaluate_few_shot(run_path, data, ks, draws, Path(out) if out else None, placement, label_expansion)
    click.echo(Path(summary["report"]).read_text().rstrip())
    click.echo(f"report: {summary['report']}")


@main.command()
@click.option("--out", default="runs", show_default=True, type=click.Path(file_okay=False))
@click.option("--epochs", default="1.25", show_default=True, help="Stage-1 epochs of the short training run.")
@_friendly_errors
def demo(out: str, epochs: str) -> None:
    """The whole pipeline on the built-in corpus in under 5 minutes on 2 CPU cores: a short
    training run, evaluation on held-out subjects, an INT8 export, and 20 s of live labels
    from a simulated wearable streamed through the exported bundle."""
    from aura_edge.demo import run_demo

    run_demo(Path(out), epochs)


@main.command("export")
@click.option("--run", default=ExportConfig.run, show_default=True, metavar="DIR|pretrained",
              help="Training run to export ('pretrained': the built-in model, with --out).")
@click.option("--int8", is_flag=True, help="Also write model.int8.onnx (ONNX Runtime CPU) and model.int8.qdq.onnx "
                                           "(TensorRT), with FP32-vs-INT8 measurements in the manifest.")
@click.option("--tensorrt", is_flag=True, help="Also build a TensorRT engine here (needs TensorRT and a GPU; "
                                               "implies --int8).")
@click.option("--labels", default=None, help="Label set: a file with one label a line, or 'a,b,c' "
                                             "(default: the run's training activities). A label may describe its "
                                             "movement, 'name: description' (in a file: descriptions have commas).")
@click.option("--out", default=None, type=click.Path(file_okay=False), help="Bundle directory [default: RUN/bundle].")
@click.option("--force", is_flag=True, help="Replace an existing bundle at --out (swapped in only when complete).")
@click.option("--calibration-windows", default=ExportConfig.calibration_windows, show_default=True, type=int,
              help="Training windows that calibrate the QDQ model's activation ranges.")
@click.option("--calibration-method", type=click.Choice(CALIBRATION_METHODS),
              default=ExportConfig.calibration_method, show_default=True)
@click.option("--data", default=None, help="Corpus for calibration and checks (default: the run's training data).")
@_label_expansion_option
@_friendly_errors
def export(**options) -> None:
    """Export a run as a self-contained bundle: ONNX FP32 [+ INT8, QDQ, TensorRT] + label bank + manifest.

    The bundle runs with `pip install aura-edge` alone (no torch, no text encoder).
    """
    from aura_edge.export import export_bundle

    try:
        bundle_dir = export_bundle(ExportConfig(**options))
    except KeyboardInterrupt:
        click.echo("interrupted; no bundle was written and an existing one is unchanged", err=True)
        sys.exit(130)
    print_bundle_summary(bundle_dir)


@main.command("labels")
@click.option("--bundle", "bundle_dir", required=True, metavar="DIR|pretrained",
              help="Bundle directory ('pretrained': the built-in model's bundle).")
@click.option("--add", multiple=True, help="Label to add (repeatable); 'name: description of the movement' helps "
                                          "a label the model never trained on.")
@click.option("--remove", multiple=True, help="Label to remove (repeatable).")
@click.option("--out", default=None, type=click.Path(file_okay=False),
              help="Write the edited bundle to this new directory instead of editing in place (required "
                   "for the built-in bundle, which is read-only).")
@_friendly_errors
def labels_(bundle_dir: str, add: tuple[str, ...], remove: tuple[str, ...], out: str | None) -> None:
    """Show, or rebuild with --add/--remove, a bundle's label bank without re-exporting its model."""
    if not add and not remove:
        from aura_edge.runtime.bundle import LABELS_FILE, read_label_bank, read_manifest, verify_files

        path = pretrained.bundle_path(bundle_dir)
        verify_files(path, read_manifest(path))
        labels, *_, enrolled_classes = read_label_bank(path / LABELS_FILE)
        enrolled = enrolled_classes.counts()
        if enrolled:
            click.echo("enrolled from examples: " + ", ".join(f"{n} ({k} windows)" for n, k in enrolled.items()))
    else:
        from aura_edge.export import rebuild_labels

        labels = rebuild_labels(bundle_dir, add, remove, out)
    click.echo(f"{len(labels)} labels: {', '.join(labels)}" + (f" (written to {out})" if out else ""))


@main.command("enroll")
@click.argument("name")
@click.argument("recordings", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--bundle", "bundle_dir", default=None, metavar="DIR|pretrained",
              help="Bundle to teach (default: the newest under runs/, as `stream` picks it).")
@click.option("--out", default=None, type=click.Path(file_okay=False),
              help="Write the taught bundle to this new directory instead of editing in place (required for "
                   "the built-in bundle, which is read-only).")
@click.option("--remove", is_flag=True, help="Remove the enrolled class NAME instead (no recordings).")
@click.option("--rate", "rate_hz", type=float, default=None, help="Sample rate of recordings without timestamps.")
@click.option("--units", default=None, help="Units of the recordings as ACC,GYRO, e.g. g,deg/s (default m/s2,rad/s).")
@click.option("--axes", default=None, help="Device axes -> canonical frame, e.g. x,-z,y (default x,y,z).")
@_friendly_errors
def enroll_(name: str, recordings: tuple[str, ...], bundle_dir: str | None, out: str | None, remove: bool,
            **options) -> None:
    """Teach a bundle the activity NAME from RECORDINGS (CSV from `aura-edge record`, a replay CSV/NPZ,
    or an .npz of windows labelled NAME): no training and no torch, the bundle's own model embeds
    them. Enrolling NAME again replaces its examples; --remove forgets it. Streams then score it
    beside the text labels.

    \b
      aura-edge record /dev/ttyACM0 --label "bird dog" --duration 30 --out birddog.csv
      aura-edge enroll "bird dog" birddog.csv
    """
    from aura_edge.export.enroll import enroll, unenroll
    from aura_edge.runtime.stream import find_bundle

    path = find_bundle(bundle_dir)
    if remove:
        if recordings:
            raise ConfigError("--remove takes only the class name, not recordings")
        result = unenroll(path, name, out)
        click.echo(f"removed {name!r} from {result.bundle}")
    else:
        result = enroll(path, name, recordings, out, **options)
        click.echo(f"enrolled {name!r} from {result.windows} windows into {result.bundle}")
    classes = ", ".join(f"{n} ({k} windows)" for n, k in result.classes.items()) or "none"
    click.echo(f"enrolled classes: {classes}")


def _source_flags(func):
    """Options that describe how a device talks; each source takes those it understands."""
    for option in reversed([
        click.option("--baud", type=int, default=None, help="Serial baud rate (default 115200; native-USB boards "
                                                            "ignore it, UART bridges need >= 230400 for 200 Hz CSV)."),
        click.option("--format", "format_", type=click.Choice(["csv", "frames", "int16", "float32", "samples"]),
                     default=None,
                     help="Wire format: csv (one sample a line, default), frames (binary COBS/CRC frames, which carry "
                          "their own units), int16 or float32 (packed BLE payloads), samples (sim:// only)."),
        click.option("--rate", "rate_hz", type=float, default=None,
                     help="Device sample rate in Hz (6-field CSV; detected from arrival timing when omitted)."),
        click.option("--units", default=None, help="Units of CSV numbers as ACC,GYRO: m/s2|g and rad/s|deg/s, "
                                                   "e.g. --units g,deg/s (default m/s2,rad/s)."),
        click.option("--axes", default=None, help="Device axes -> canonical frame, e.g. x,-z,y (default x,y,z)."),
        click.option("--speed", type=float, default=None, help="replay:// and sim:// speed (0 = as fast as possible)."),
    ]):
        func = option(func)
    return func


@main.command("stream")
@click.argument("sources", nargs=-1, required=True)
@click.option("--bundle", default=None, metavar="DIR|pretrained",
              help="Exported bundle (default: the newest under runs/, runs/latest/bundle first; else the "
                   "built-in pretrained model).")
@click.option("--variant", type=click.Choice(["int8", "fp32", "qdq", "tensorrt"]), default=StreamConfig.variant,
              show_default=True,
              help="Which model of the bundle to run.")
@_source_flags
@click.option("--gravity", type=click.Choice(["included", "removed"]), default=StreamConfig.gravity,
              show_default=True,
              help="Whether the device's accelerometer output still contains gravity.")
@click.option("--hop", "hop_s", type=float, default=StreamConfig.hop_s, show_default=True,
              help="Seconds between labels.")
@click.option("--smoothing", type=click.Choice(["ema", "majority", "none"]), default=StreamConfig.smoothing,
              show_default=True)
@click.option("--unknown-below", type=float, default=None,
              help="Smoothed cosine under which the output is 'unknown' (default: the value measured for the "
                   "model at export, else 0.2; tune it on your own recordings).")
@click.option("--switch-hops", type=int, default=StreamConfig.switch_hops, show_default=True,
              help="Hops a new label must lead in a row before it replaces the shown one.")
@click.option("--top-k", type=int, default=StreamConfig.top_k, show_default=True, help="Scores shown per source.")
@click.option("--json", "json_", is_flag=True, help="JSON lines on stdout (for piping) instead of the live view.")
@click.option("--log", default=None, type=click.Path(dir_okay=False), help="Also append JSON lines to FILE.")
@click.option("--duration", "duration_s", type=float, default=None, help="Stop after S seconds.")
@click.option("--threads", type=int, default=StreamConfig.threads, show_default=True, help="ONNX Runtime threads.")
@click.option("--web", default=None, metavar="[HOST:]PORT",
              help="Also serve a live dashboard (default host 127.0.0.1; read-only; needs "
                   "pip install 'aura-edge[web]'). Its address is printed at start.")
@_friendly_errors
def stream_(sources, format_, json_, **options) -> None:
    """Recognize activities live from one or more wearables.

    \b
    SOURCES, one or more of:
      /dev/ttyUSB0, /dev/ttyACM0, COM3     serial (add --format frames for binary frames)
      ble://AA:BB:CC:DD:EE:FF              Bluetooth LE (pip install 'aura-edge[ble]')
      replay://session.csv                 a recording (--speed N)
      sim://walking,running                a simulated wearable
    Options also go in a source's query string: sim://walking?speed=4&format=frames.
    Ctrl-C stops; unplugged links are reported and reconnected.
    """
    from aura_edge.runtime.stream import stream

    config = StreamConfig(list(sources), format=format_, json=json_, **options)
    summary = stream(config)
    agreement = "".join(f"; {s}: {a:.0%} agree with the source's own labels" for s, a in summary.agreement.items())
    click.echo(f"{'stopped' if summary.interrupted else 'done'} after {summary.seconds:.1f} s: {summary.windows} "
               f"labelled windows, {summary.disconnects()} disconnects reported{agreement}", err=True)


@main.command("record")
@click.argument("source")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="CSV file to create.")
@click.option("--label", default=None, help="Activity label written on every row (for evaluation or fine-tuning).")
@click.option("--append", is_flag=True, help="Add to an existing recording (same columns) instead of refusing it.")
@click.option("--duration", "duration_s", type=float, default=None, help="Stop after S seconds (default: Ctrl-C).")
@_source_flags
@_friendly_errors
def record_(source, format_, **options) -> None:
    """Capture a session to CSV (t_s, ax..gz[, label]); flushed every second, Ctrl-C safe, never overwrites."""
    from aura_edge.runtime.stream import RecordConfig, record_session

    click.echo(f"recording {source} to {options['out']} (Ctrl-C to stop)", err=True)
    result = record_session(RecordConfig(source, format=format_, **options))
    click.echo(f"{result.samples} samples ({result.seconds:.1f} s) written to {result.path}"
               + (" (stopped by Ctrl-C)" if result.interrupted else ""), err=True)
