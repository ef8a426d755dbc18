"""What a leave-one-placement-out gap is made of: a model that never saw placement P, scored at P
on unseen people after changing one thing about the input or the embeddings at a time.

    python benchmarks/bench_placement_gap.py --lopo-run runs/cpu40-mixed/lopo-head \
        --seen-run runs/cpu40-mixed/rate-out [--placement head] [--results-name placement-gap]

--lopo-run was trained on synth?exclude=P (bench_generalisation.py --lopo P); --seen-run is a
run of the same settings that saw P (its leave-rate-out main run), scored on the same windows.
Rows (macro-F1 at P, labels expanded by each run's default):

- as simulated, for both runs: the gap itself;
- turned: every window's sensor frame turned at random (3 seeds). If the gap were the device's
  axis convention, turning would move it;
- dynamic part scaled: the accelerometer about its window mean and the gyroscope times k. If the
  left-out placement merely moved more or less than those seen, one k would recover it;
- gyroscope zeroed: how much the model leans on rotation at P;
- re-centred: embeddings at P shifted so that their mean is the mean of in-distribution training
  embeddings (and, standardised, their spread per dimension too): what a runtime could learn from
  unlabelled data at a new placement;
- per activity: F1 of each run at P and where the left-out run's windows land.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
from results_files import write_results

from aura_edge.console import show_messages


def unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def main() -> None:
    from aura_edge.evaluate import run_label_bank, zero_shot
    from aura_edge.generalisation import turned
    from aura_edge.models import embed_imu
    from aura_edge.models.frozen import load_text_encoder
    from aura_edge.synth import build_corpus
    from aura_edge.train.checkpoint import load_run
    from aura_edge.train.config import synth_config

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lopo-run", required=True, help="run trained without the placement")
    parser.add_argument("--seen-run", required=True, help="run of the same settings trained with it")
    parser.add_argument("--placement", default="head",
                        help="the placement --lopo-run was trained without (default head)")
    parser.add_argument("--windows", type=int, default=3, help="test windows per person and activity")
    parser.add_argument("--results-name", default="placement-gap",
                        help="writes benchmarks/results/NAME.{json,md} (default placement-gap)")
    args = parser.parse_args()

    lopo, seen = load_run(args.lopo_run), load_run(args.seen_run)
    text = load_text_encoder(lopo.config.text_encoder_spec)
    base = synth_config(lopo.config.data)
    test = replace(base, subjects=(base.subjects[0], 0, base.subjects[2]), windows_per_activity=args.windows,
                   random_sites=0.0, placements=(args.placement,))
    train_like = replace(base, subjects=(base.subjects[0], 0, 0), windows_per_activity=1,
                         episode_seed=base.episode_seed + 1, random_sites=0.0)
    windows = build_corpus(test)["test"]
    truth = windows.label.astype(str)
    labels = list(dict.fromkeys([*lopo.config.labels, *windows.labels]))

    banks = {id(run): run_label_bank(text, labels, run.config, None) for run in (lopo, seen)}

    def score(run, imu=None, embeddings=None):
        e = embeddings if embeddings is not None else embed_imu(run.imu_encoder, windows.imu if imu is None else imu)
        return zero_shot(e, truth, labels, banks[id(run)])

    rows = []

    def row(name, result):
        rows.append({"input": name, "macro_f1": round(result.macro_f1, 4)})
        print(f"{name:45s} {result.macro_f1:.3f}", flush=True)

    there = embed_imu(lopo.imu_encoder, windows.imu)   # the left-out run at P, as simulated
    plain, with_it = score(lopo, embeddings=there), score(seen)
    row("as simulated, run that saw the placement", with_it)
    row("as simulated, run that never saw it", plain)
    for seed in range(3):
        row(f"turned at random (seed {seed})", score(lopo, turned(windows, seed).imu))
    for k in (0.5, 0.7, 1.4, 2.0):
        imu = windows.imu.copy()
        mean = imu[:, :3].mean(axis=2, keepdims=True)
        imu[:, :3] = mean + k * (imu[:, :3] - mean)
        imu[:, 3:] *= k
        row(f"dynamic part x{k}", score(lopo, imu))
    imu = windows.imu.copy()
    imu[:, 3:] = 0.0
    row("gyroscope zeroed", score(lopo, imu))
    there = unit(there)
    ref = unit(embed_imu(lopo.imu_encoder, build_corpus(train_like)["train"].imu))
    row("re-centred on training embeddings", score(lopo, embeddings=unit(there - there.mean(0) + ref.mean(0))))
    standardised = (there - there.mean(0)) / there.std(0) * ref.std(0) + ref.mean(0)
    row("re-centred and standardised", score(lopo, embeddings=unit(standardised)))

    per_activity = []
    confusion = plain.confusion
    for i, label in enumerate(labels):
        if confusion[i].sum() == 0:
            continue
        landed = [f"{labels[j]} ({confusion[i, j]})" for j in np.argsort(-confusion[i])[:2] if confusion[i, j] > 0]
        per_activity.append({"activity": label, "f1_never_saw": round(plain.per_class_f1[label], 3),
                             "f1_saw": round(with_it.per_class_f1[label], 3), "landed_on": landed})
    result = {"placement": args.placement, "lopo_run": args.lopo_run, "seen_run": args.seen_run,
              "windows": len(windows), "rows": rows, "per_activity": per_activity}
    lines = [f"# Placement gap at {args.placement} ({args.results_name})", "",
             f"`{args.lopo_run}` (never saw {args.placement}) against `{args.seen_run}` (saw it), "
             f"{len(windows)} windows of unseen people at {args.placement}, labels expanded by each run's default.",
             "", "| input | macro-F1 |", "|---|---|"]
    lines += [f"| {r['input']} | {r['macro_f1']:.3f} |" for r in rows]
    lines += ["", "| activity | F1, never saw it | F1, saw it | the never-saw run's windows landed on |",
              "|---|---|---|---|"]
    lines += [f"| {a['activity']} | {a['f1_never_saw']:.2f} | {a['f1_saw']:.2f} | {', '.join(a['landed_on'])} |"
              for a in per_activity]
    write_results(args.results_name, result, "\n".join(lines) + "\n")


if __name__ == "__main__":
    show_messages()  # progress of training and export, as the CLI shows it
    main()
