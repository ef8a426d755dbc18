"""Evaluate trained runs and write their report: report.md, report.json and plots.

`evaluate_run` scores one run on a WindowSet (zero-shot over the labels present, retrieval with
the captions); `write_run_report` does that on the held-out test subjects for the run and its RNN
baseline and puts both side by side.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from aura_edge.data.labelled import load_labelled
from aura_edge.data.windows import WindowSet
from aura_edge.evaluate import (ZeroShotResult, label_expansion_for, retrieval, run_label_bank, save_confusion_png,
                                zero_shot)
from aura_edge.few_shot import MODES, few_shot
from aura_edge.generalisation import conditions_for, evaluate_condition, markdown_table, with_ratios
from aura_edge.models import count_parameters, embed_imu
from aura_edge.models.frozen import EmbeddingCache, load_text_encoder
from aura_edge.runtime.enrolled import DEFAULT_TEXT_PERCENTILES
from aura_edge.synth import PLACEMENTS, build_corpus
from aura_edge.train.checkpoint import LoadedRun, load_run
from aura_edge.train.config import synth_config
from aura_edge.train.data import load_corpus
from aura_edge.train.run_config import RunConfig

BASELINE_DIR = "baseline-rnn"

log = logging.getLogger(__name__)


@dataclass
class RunEvaluation:
    name: str
    family: str
    parameters: int
    zero_shot: ZeroShotResult
    per_placement: dict[str, dict]
    retrieval: list[dict]

    def summary(self) -> dict:
        return {"model": self.name, "family": self.family, "parameters": self.parameters,
                "zero_shot": self.zero_shot.summary(), "per_class_f1": self.zero_shot.per_class_f1,
                "per_placement": self.per_placement, "retrieval": self.retrieval}


def evaluate_run(run: LoadedRun, windows: WindowSet, text_encoder=None, labels: list[str] | None = None,
                 retrieval_pool: int = 1000, label_expansion: float | None = None) -> RunEvaluation:
    text_encoder = text_encoder or load_text_encoder(run.config.text_encoder_spec)
    # Candidates: every activity the run was trained on plus any new one in the data, so a test
    # split that happens to hold few activities is still scored against the full label set.
    labels = labels or list(dict.fromkeys([*run.config.labels, *windows.labels]))
    bank = run_label_bank(text_encoder, labels, run.config, label_expansion)
    emb = embed_imu(run.imu_encoder, windows.imu)
    result = zero_shot(emb, windows.label, labels, bank)
    per_placement = {}
    for placement in sorted(set(windows.placement.tolist())):
        mask = windows.placement == placement
        per_placement[placement] = zero_shot(emb[mask], windows.label[mask], labels, bank).summary()
    # Retrieval over a fixed-size pool (the first N windows in a seeded shuffle), N stated in the result.
    pool = np.random.default_rng(0).permutation(len(windows))[:retrieval_pool]
    captions = windows.caption[pool].astype(str)
    text_emb = EmbeddingCache().encode(text_encoder, captions.tolist())
    ret = [r.summary() for r in retrieval(emb[pool], text_emb, captions)]
    return RunEvaluation(run.config.model_name, run.config.imu_encoder["family"], count_parameters(run.imu_encoder),
                         result, per_placement, ret)


def write_run_report(run_dir: Path, windows: WindowSet | None = None, label_expansion: float | None = None,
                     out_dir: Path | None = None, init_dir: Path | None = None) -> dict:
    """Evaluate a run (and its baseline-rnn/ if present) on the test split and write the report
    into ``out_dir`` (default: the run). ``init_dir``: the run it was fine-tuned from, scored on the
    same windows as "before fine-tuning"."""
    run_dir = Path(run_dir)
    main = load_run(run_dir)
    out_dir = Path(out_dir or run_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if windows is None:
        windows = load_corpus(main.config.data)["test"]
    text_encoder = load_text_encoder(main.config.text_encoder_spec)
    runs = [(run_dir, main)]
    if (run_dir / BASELINE_DIR / "model.safetensors").is_file():
        runs.append((run_dir / BASELINE_DIR, load_run(run_dir / BASELINE_DIR)))
    evaluations = []
    for path, run in runs:
        ev = evaluate_run(run, windows, text_encoder, label_expansion=label_expansion)
        save_confusion_png(ev.zero_shot, out_dir / f"confusion_{ev.family}.png",
                           f"{ev.name} zero-shot on held-out subjects")
        evaluations.append(ev)
    _plot_curves(out_dir, [(ev.name, p) for ev, (p, _) in zip(evaluations, runs)])
    models = [{**ev.summary(), "train_seconds": _train_seconds(path)} for ev, (path, _) in zip(evaluations, runs)]
    report = {"run": str(run_dir), "test_windows": len(windows), "text_encoder": main.config.text_encoder,
              "label_expansion": label_expansion_for(main.config, label_expansion), "models": models}
    if init_dir is not None:
        before = evaluate_run(load_run(init_dir), windows, text_encoder, label_expansion=label_expansion)
        report["before_fine_tuning"] = {"init": str(init_dir), **before.summary()}
    (out_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    (out_dir / "report.md").write_text(render_markdown(report, main.config, _read_generalisation(out_dir)))
    return report


GENERALISATION_FILE = "generalisation.json"


def write_generalisation_report(run_dir: Path, windows: int = 3, label_expansion: float | None = None,
                                out_dir: Path | None = None) -> list[dict]:
    """Score the run (and its baseline) under the held-out conditions of ``generalisation.py``;
    writes generalisation.json and adds the table to report.md. Placements the run was trained
    without get their own (leave-one-placement-out) condition. Files go to ``out_dir`` (default: the run)."""
    run_dir = Path(run_dir)
    runs = {"main": load_run(run_dir)}
    out_dir = Path(out_dir or run_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if (run_dir / BASELINE_DIR / "model.safetensors").is_file():
        runs["baseline"] = load_run(run_dir / BASELINE_DIR)
    named = {run.config.model_name: run
             for run in runs.values()}
    data = runs["main"].config.data
    synth = synth_config(data)   # None: conditions_for says the run is not synthetic
    conditions = conditions_for(data, tuple(p for p in PLACEMENTS if synth and p not in synth.placements), windows)
    text_encoder = load_text_encoder(runs["main"].config.text_encoder_spec)
    built: dict = {}   # conditions that share a test corpus (unseen subjects, unseen phrasing) build it once
    rows = []
    for condition in conditions:
        log.info("  %s: %s", condition.name, condition.description)
        if condition.config not in built:
            built[condition.config] = build_corpus(condition.config)
        rows.append(evaluate_condition(condition, named, text_encoder, built[condition.config][condition.split],
                                       label_expansion))
    rows = with_ratios(rows, next(iter(named)))
    (out_dir / GENERALISATION_FILE).write_text(json.dumps({"models": list(named), "rows": rows,
                                                           "label_expansion": label_expansion_for(
                                                               runs["main"].config, label_expansion)}, indent=2) + "\n")
    if (out_dir / "report.json").is_file():
        report = json.loads((out_dir / "report.json").read_text())
        (out_dir / "report.md").write_text(render_markdown(report, runs["main"].config, _read_generalisation(out_dir)))
    else:
        write_run_report(run_dir, out_dir=out_dir)   # a first report, which picks up the table just written
    return rows


def _read_generalisation(run_dir: Path) -> dict | None:
    path = Path(run_dir) / GENERALISATION_FILE
    return json.loads(path.read_text()) if path.is_file() else None


def _train_seconds(run_dir: Path) -> float | None:
    """Wall time from the run's creation to its last epoch (from metrics.jsonl)."""
    rows = _read_metrics(run_dir)
    if not rows:
        return None
    created = (run_dir / "config.json").stat().st_mtime
    return round(rows[-1]["time"] - min(created, rows[0]["time"]), 1)


def _read_metrics(run_dir: Path) -> list[dict]:
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _plot_curves(run_dir: Path, runs: list[tuple[str, Path]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_loss, ax_f1) = plt.subplots(1, 2, figsize=(10, 4))
    for name, path in runs:
        rows = _read_metrics(path)
        epochs = [r["epoch"] for r in rows]
        trained = [r for r in rows if "train_loss" in r]   # a fine-tuned run's epoch 0 is its starting point
        ax_loss.plot([r["epoch"] for r in trained], [r["train_loss"] for r in trained], marker="o", label=name)
        ax_f1.plot(epochs, [r["val_macro_f1"] for r in rows], marker="o", label=name)
    ax_loss.set(xlabel="epoch", ylabel="training loss (sum over pairs)", title="Training loss")
    ax_f1.set(xlabel="epoch", ylabel="macro-F1", title="Validation zero-shot macro-F1", ylim=(0, 1))
    for ax in (ax_loss, ax_f1):
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(run_dir / "training_curves.png", dpi=110)
    plt.close(fig)


def render_markdown(report: dict, config: RunConfig, generalisation: dict | None = None) -> str:
    lines = [f"# aura-edge run report: {Path(report['run']).name}", "",
             f"Generated {time.strftime('%Y-%m-%d %H:%M:%S')}. Text encoder `{report['text_encoder']}`.",
             "", "## Training plan", ""]
    lines += [f"- {step}" for step in config.plan]
    lines += ["", f"## Zero-shot classification on held-out subjects ({report['test_windows']} windows)", "",
              "| model | parameters | train time | accuracy | macro-F1 | " + " | ".join(
                  f"macro-F1 {p}" for p in report["models"][0]["per_placement"]) + " |",
              "|---|---|---|---|---|" + "---|" * len(report["models"][0]["per_placement"])]
    for m in report["models"]:
        z = m["zero_shot"]
        placements = " | ".join(f"{v['macro_f1']:.3f}" for v in m["per_placement"].values())
        seconds = "-" if m["train_seconds"] is None else f"{m['train_seconds']} s"   # e.g. the built-in run
        lines.append(f"| {m['model']} | {m['parameters'] / 1e6:.2f} M | {seconds} | {z['accuracy']:.3f} | "
                     f"{z['macro_f1']:.3f} | {placements} |")
    lines += ["", "Labels are scored with the prompt-template ensemble "
              f"{list(config.prompt_templates)}{_expansion_note(report.get('label_expansion', 0))}.", "",
              "## Retrieval (held-out subjects)", "",
              "| model | direction | N | R@1 | R@10 | R@50 | MRR |", "|---|---|---|---|---|---|---|"]
    for m in report["models"]:
        for r in m["retrieval"]:
            lines.append(f"| {m['model']} | {r['direction']} | {r['N']} | {r['R@1']:.3f} | {r['R@10']:.3f} | "
                         f"{r['R@50']:.3f} | {r['MRR']:.3f} |")
    lines += ["", "A retrieved caption counts as correct when its text is identical to the window's own.", "",
              "## Per-class F1", "", "| label | " + " | ".join(m["model"] for m in report["models"]) + " |",
              "|---|" + "---|" * len(report["models"])]
    for label in report["models"][0]["per_class_f1"]:
        lines.append(f"| {label} | " + " | ".join(f"{m['per_class_f1'][label]:.3f}" for m in report["models"]) + " |")
    if report.get("before_fine_tuning"):
        lines += ["", *_fine_tuning_lines(report)]
    if generalisation:
        lines += ["", "## Generalisation (held-out conditions, `aura-edge eval --conditions`)", "",
                  markdown_table(generalisation["rows"], generalisation["models"]), "",
                  "Every condition but in-distribution uses the held-out test people; the ratio is the first "
                  "model's macro-F1 over its in-distribution macro-F1"
                  f"{_expansion_note(generalisation.get('label_expansion', 0))}."]
    lines += ["", "## Plots", "", "![training curves](training_curves.png)", ""]
    lines += [f"![confusion {m['family']}](confusion_{m['family']}.png)" for m in report["models"]]
    return "\n".join(lines) + "\n"


def _fine_tuning_lines(report: dict) -> list[str]:
    """Before (the --init model) and after fine-tuning, on the same test windows."""
    before, after = report["before_fine_tuning"], report["models"][0]
    lines = [f"## Fine-tuning: before and after (test split, {report['test_windows']} windows)", "",
             f"Started from `{before['init']}`.", "", "| | accuracy | macro-F1 |", "|---|---|---|"]
    for name, m in (("before (--init model)", before), ("after fine-tuning", after)):
        lines.append(f"| {name} | {m['zero_shot']['accuracy']:.3f} | {m['zero_shot']['macro_f1']:.3f} |")
    return lines


def _expansion_note(weight: float) -> str:
    return f", each label expanded toward its nearest training captions (weight {weight:g})" if weight else ""


_GRAVITY_REMOVED_NOTE = ("Note: these recordings have gravity removed, while this model was trained on "
                         "gravity-included acceleration; expect lower accuracy than on gravity-included input.\n\n")


def evaluate_recordings(run_dir: Path, data_path: Path, out_dir: Path | None = None,
                        labels: list[str] | None = None, placement: str = "hand",
                        label_expansion: float | None = None) -> dict:
    """Zero-shot accuracy and macro-F1 of a run on labelled recordings (any rate, units, gravity)."""
    run = load_run(run_dir)
    recordings = load_labelled(data_path, placement)
    labels = labels or recordings.labels
    text_encoder = load_text_encoder(run.config.text_encoder_spec)
    label_expansion = label_expansion_for(run.config, label_expansion)
    bank = run_label_bank(text_encoder, labels, run.config, label_expansion)
    # A window longer than 5 s is the mean of its sliding 5 s windows' embeddings.
    emb = np.stack([embed_imu(run.imu_encoder, w).mean(axis=0) for w in recordings.windows])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    result = zero_shot(emb, recordings.label, labels, bank)
    out_dir = Path(out_dir or Path(run_dir) / "eval" / Path(data_path).stem)
    out_dir.mkdir(parents=True, exist_ok=True)
    save_confusion_png(result, out_dir / "confusion.png", f"{Path(data_path).name}")
    summary = {"data": str(data_path), "run": str(run_dir), "rate_hz": recordings.rate_hz,
               "units": [recordings.acc_unit, recordings.gyro_unit], "gravity": recordings.gravity,
               "label_expansion": label_expansion, **result.summary(), "per_class_f1": result.per_class_f1}
    (out_dir / "report.json").write_text(json.dumps(summary, indent=2) + "\n")
    rows = "\n".join(f"| {k} | {v:.3f} |" for k, v in result.per_class_f1.items())
    (out_dir / "report.md").write_text(
        f"# Zero-shot evaluation of {Path(run_dir).name} on {Path(data_path).name}\n\n"
        f"{result.n} windows at {recordings.rate_hz:g} Hz, units {recordings.acc_unit} / {recordings.gyro_unit}, "
        f"gravity {recordings.gravity}; {len(labels)} labels{_expansion_note(label_expansion)}.\n\n"
        + (_GRAVITY_REMOVED_NOTE if recordings.gravity == "removed"
           and not run.config.gravity_removed_ok else "") +
        f"- accuracy: **{result.accuracy:.3f}**\n- macro-F1: **{result.macro_f1:.3f}**\n\n"
        f"| label | F1 |\n|---|---|\n{rows}\n\n![confusion](confusion.png)\n")
    summary["report"] = str(out_dir / "report.md")
    return summary


def evaluate_few_shot(run_dir: Path, data_path: Path, shots: list[int], draws: int = 5, out_dir: Path | None = None,
                      placement: str = "hand", label_expansion: float | None = None) -> dict:
    """Enrollment as a user would meet it (`aura_edge.few_shot`): for each K in ``shots``, K
    windows per class from half the people enrolled, the others scored; beside zero-shot."""
    run = load_run(run_dir)
    recordings = load_labelled(data_path, placement)
    labels = recordings.labels
    bank = run_label_bank(load_text_encoder(run.config.text_encoder_spec), labels, run.config,
                          label_expansion_for(run.config, label_expansion))
    emb = np.stack([embed_imu(run.imu_encoder, w).mean(axis=0) for w in recordings.windows])
    emb /= np.linalg.norm(emb, axis=1, keepdims=True)
    groups = recordings.subject if recordings.subject is not None else np.zeros(len(emb))
    rows = [few_shot(emb, recordings.label, groups, bank, labels, DEFAULT_TEXT_PERCENTILES, k, draws) for k in shots]
    out_dir = Path(out_dir or Path(run_dir) / "eval" / f"{Path(data_path).stem}-shots")
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = {"data": str(data_path), "run": str(run_dir), "windows": len(emb), "classes": len(labels),
               "people": int(len(np.unique(groups))), "rows": rows}
    (out_dir / "report.json").write_text(json.dumps(summary, indent=2) + "\n")
    (out_dir / "report.md").write_text(render_few_shot(summary))
    summary["report"] = str(out_dir / "report.md")
    return summary


def render_few_shot(summary: dict) -> str:
    people = f"{summary['people']} people" if summary["people"] > 1 else "no subject key: windows split per class"
    lines = [f"# Few-shot enrollment on {Path(summary['data']).name}", "",
             f"{summary['windows']} windows, {summary['classes']} classes, {people}; each draw enrolls K windows per "
             "class from half the people and scores the others. Macro-F1, mean ± spread over draws.", "",
             "| K | zero-shot | examples | text + examples |", "|---|---|---|---|"]
    for r in summary["rows"]:
        cells = " | ".join(f"{r[m]['macro_f1']:.3f} ± {r[m]['macro_f1_std']:.3f}" for m in MODES)
        lines.append(f"| {r['k']} | {cells} |")
    return "\n".join(lines) + "\n"
