"""How well a run generalises beyond what it was trained on: zero-shot accuracy and macro-F1
under held-out conditions of the synthetic corpus.

Each condition is a synthetic test set that differs from the run's training corpus in one way:

- in-distribution: the training people and devices, in new episodes (the reference);
- unseen subjects: the held-out test people;
- low rate 10-25 Hz: devices at 10-25 Hz (a leave-rate-out test when the run was trained with
  ``synth?rates=26-1000``, which keeps those rates out of the corpus and of augmentation);
- gravity removed: every device reports linear acceleration;
- any orientation: every device turned to a random orientation (a phone upside down in a pocket,
  a watch worn on the inside of the wrist, a device whose axes follow another convention);
- unseen phrasing: labels phrased unlike any training caption (``HELD_OUT_PHRASINGS``);
- placement P: only placement P (a leave-one-placement-out test when the run was trained with
  ``synth?exclude=P``);
- novel activities / novel compositions, for a run trained on ``synth?vocabulary=open&novel=exclude``:
  composed activities never trained (``aura_edge.synth.vocabulary.NOVEL_ACTIVITIES``) and known
  primitives combined in ways never trained (``NOVEL_COMPOSITIONS``), each scored zero-shot from the
  activity names and, separately, from labels that describe the movement ('name: description').

All but in-distribution use the unseen test people, so each ratio to in-distribution includes
the subject gap: a harder bar than changing one factor at a time.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from aura_edge.errors import ConfigError
from aura_edge.evaluate import run_label_bank, zero_shot
from aura_edge.models import embed_imu
from aura_edge.synth import build_corpus
from aura_edge.synth.activities import ACTIVITIES, HELD_OUT_PHRASINGS
from aura_edge.synth.vocabulary import describe
from aura_edge.train.augment import rotate_sensor_frame, uniform_rotations
from aura_edge.train.config import synth_config

LOW_RATES_HZ = (10.0, 25.0)


@dataclass(frozen=True)
class Condition:
    name: str
    description: str
    config: object            # SynthConfig of the test windows
    split: str                # which split of that corpus is tested
    phrasing: bool = False    # score against HELD_OUT_PHRASINGS instead of the label names
    turned: bool = False      # turn each window's sensor frame to a random orientation (seeded)
    described: bool = False   # the windows' labels carry a description of the movement ('name: ...')


def conditions_for(train_data: str, placements: tuple[str, ...] = (), windows: int = 3) -> list[Condition]:
    """The standard conditions for a run trained on the synthetic spec ``train_data``; add a
    single-placement test for each of ``placements``."""
    base = synth_config(train_data)
    if base is None:
        raise ConfigError(f"generalisation conditions need a run trained on the synthetic corpus; this one used "
                          f"--data {train_data!r}")
    # Every condition is scored at the named placements, whatever random sites training added.
    test = replace(base, subjects=(base.subjects[0], 0, base.subjects[2]), windows_per_activity=windows,
                   random_sites=0.0)
    seen = replace(base, subjects=(base.subjects[0], 0, 0), windows_per_activity=max(1, windows // 2),
                   episode_seed=base.episode_seed + 1, random_sites=0.0)
    out = [
        Condition("in-distribution", "training people and devices, new episodes", seen, "train"),
        Condition("unseen subjects", "held-out people", test, "test"),
        Condition("low rate 10-25 Hz", "held-out people, devices at 10-25 Hz", replace(test, rates_hz=LOW_RATES_HZ),
                  "test"),
        Condition("gravity removed", "held-out people, every device reports linear acceleration",
                  replace(test, gravity_removed=1.0), "test"),
        Condition("any orientation", "held-out people, every device turned to a random orientation", test, "test",
                  turned=True),
        Condition("unseen phrasing", "held-out people, labels phrased unlike any training caption", test, "test",
                  phrasing=True),
    ]
    out += [Condition(f"placement {p}", f"held-out people, sensor at the {p} only", replace(test, placements=(p,)),
                      "test") for p in placements]
    return out + novel_conditions(base, test, windows)


def novel_conditions(base, test, windows: int) -> list[Condition]:
    """Zero-shot on the composed activities a run trained with ``novel=exclude`` never saw."""
    from aura_edge.synth.vocabulary import NOVEL_ACTIVITIES, NOVEL_COMPOSITIONS, variants_of

    trained = set(base.activities)
    if trained <= set(ACTIVITIES) or trained & set(variants_of(NOVEL_ACTIVITIES + NOVEL_COMPOSITIONS)):
        return []
    out = []
    for name, bases, what in (("novel activities", NOVEL_ACTIVITIES, "activities no training caption names"),
                              ("novel compositions", NOVEL_COMPOSITIONS, "known movements combined in new ways")):
        config = replace(test, activities=variants_of(bases), composed_windows=windows)
        out += [Condition(f"{name} (names)", f"held-out people, {what}, labelled by name", config, "test"),
                Condition(f"{name} (descriptions)", f"held-out people, {what}, labels that describe the movement",
                          config, "test", described=True)]
    return out


def evaluate_condition(condition: Condition, runs: dict, text_encoder, windows=None,
                       label_expansion: float | None = None, labels: list[str] | None = None,
                       groups: np.ndarray | None = None) -> dict:
    """Zero-shot scores of each named run ({name: LoadedRun}) on one condition's test windows, with labels
    expanded toward each run's training captions by ``label_expansion`` (0: as typed; None: the run's default).
    The candidates are each run's training labels plus the windows' own, or ``labels`` when given.
    With ``groups`` (one value per window, e.g. its placement) each run's entry also holds
    ``by_group``: {value: macro-F1 of those windows alone}."""
    windows = windows if windows is not None else build_corpus(condition.config)[condition.split]
    if condition.turned:
        windows = turned(windows)
    row = {"condition": condition.name, "description": condition.description, "windows": len(windows)}
    present = windows.labels
    for name, run in runs.items():
        run_labels = list(labels or dict.fromkeys([*run.config.labels, *present]))
        truth = windows.label.astype(str)
        if condition.phrasing:
            run_labels = [HELD_OUT_PHRASINGS[label] for label in run_labels]
            truth = np.array([HELD_OUT_PHRASINGS[label] for label in truth])
        if condition.described:
            run_labels = [describe(label) if label in present else label for label in run_labels]
        bank = run_label_bank(text_encoder, run_labels, run.config, label_expansion)
        emb = embed_imu(run.imu_encoder, windows.imu)
        result = zero_shot(emb, truth, run_labels, bank)
        row[name] = {"accuracy": round(result.accuracy, 4), "macro_f1": round(result.macro_f1, 4)}
        if groups is not None:
            row[name]["by_group"] = {str(g): round(zero_shot(emb[groups == g], truth[groups == g], run_labels,
                                                             bank).macro_f1, 4) for g in np.unique(groups)}
    return row


def turned(windows, seed: int = 0):
    """The windows as devices worn in uniformly random orientations would read them: accelerometer
    and gyroscope rotated together, one rotation per window."""
    import torch

    imu = torch.from_numpy(np.ascontiguousarray(windows.imu))
    r = uniform_rotations(len(imu), torch.Generator().manual_seed(seed)).to(imu.dtype)
    return replace(windows, imu=rotate_sensor_frame(imu, r).numpy())


def with_ratios(rows: list[dict], model: str, reference: str = "in-distribution") -> list[dict]:
    """Add each row's macro-F1 as a share of the reference condition's, for ``model``."""
    ref = next(r for r in rows if r["condition"] == reference)[model]["macro_f1"]
    return [{**r, "ratio": round(r[model]["macro_f1"] / ref, 3) if model in r and ref > 0 else None} for r in rows]


def markdown_table(rows: list[dict], models: list[str]) -> str:
    head = "| condition | windows | " + " | ".join(f"{m} accuracy | {m} macro-F1" for m in models) + \
        " | ratio to in-distribution |"
    lines = [head, "|---|---|" + "---|---|" * len(models) + "---|"]
    for r in rows:
        cells = " | ".join(f"{r[m]['accuracy']:.3f} | {r[m]['macro_f1']:.3f}" if m in r else "- | -" for m in models)
        ratio = "" if r.get("ratio") is None else f"{r['ratio']:.2f}"
        lines.append(f"| {r['condition']} | {r['windows']} | {cells} | {ratio} |")
    return "\n".join(lines)
