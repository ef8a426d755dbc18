"""Enrollment from K examples against zero-shot, on held-out synthetic people.

    python benchmarks/bench_enroll.py --run pretrained [--activities-out-run R] [--placement-out-run R]
                                      [--shots 1 3 5 10] [--draws 5]

Three settings, each scored three ways on the same test windows (`aura_edge.few_shot`): zero-shot
(text labels), examples only (calibrated class means) and text + examples (the mixture):

- trained activities: --run on the test people of the release corpus (all 32 activities);
- activities left out of training: --activities-out-run (trained on `synth?activities=...` without
  some), on all 32 activities of the same people, macro-F1 over the left-out ones;
- a placement left out of training: --placement-out-run (trained on `synth?exclude=P`), on the
  same people wearing the device at P only.

Also measured: the text-label score percentiles and a window's cosine to its nearest other
example (the calibration constants of `aura_edge.runtime.enrolled`).
Writes benchmarks/results/enroll.{json,md}.
"""

from __future__ import annotations

import argparse
import platform

import numpy as np
from results_files import write_results

from aura_edge.console import show_messages


def embed(run, windows) -> np.ndarray:
    import torch

    from aura_edge.models import embed_imu

    with torch.inference_mode():
        return embed_imu(run.imu_encoder, windows.imu)


def text_bank(run, labels):
    from aura_edge.evaluate import run_label_bank
    from aura_edge.models.frozen import load_text_encoder

    return run_label_bank(load_text_encoder(run.config.text_encoder_spec), labels, run.config)


def measured_percentiles(run, labels) -> dict:
    """What export records: top-1 cosine percentiles of correctly classified validation windows."""
    from aura_edge.export.bundle import score_percentiles

    from aura_edge.train.data import load_corpus

    val = load_corpus(run.config.data)["val"]
    return score_percentiles(embed(run, val), val.label, labels, text_bank(run, labels))


def own_class_cosines(emb: np.ndarray, labels: np.ndarray, shots: int, draws: int = 20) -> dict:
    """A window's cosine to its nearest other example among ``shots`` of its class: the calibration
    prior of `aura_edge.runtime.enrolled` (PRIOR_OWN_COSINE)."""
    from aura_edge.runtime.enrolled import unit_rows

    rng, own = np.random.default_rng(0), []
    for label in np.unique(labels):
        x = unit_rows(emb[labels == label])
        for _ in range(draws):
            pick = x[rng.choice(len(x), size=min(shots, len(x)), replace=False)]
            sims = pick @ pick.T
            np.fill_diagonal(sims, -np.inf)
            own.extend(sims.max(axis=1).tolist())
    return {"p5": round(float(np.percentile(own, 5)), 3), "p50": round(float(np.percentile(own, 50)), 3)}


def setting(name, run, windows, classes, percentiles, shots, draws) -> dict:
    from aura_edge import few_shot as fs

    labels = sorted(set(windows.label.tolist()))
    emb, bank = embed(run, windows), text_bank(run, labels)
    rows = [fs.few_shot(emb, windows.label, windows.subject, bank, labels, percentiles, k, draws, classes=classes)
            for k in shots]
    print(f"{name}: " + ", ".join(f"K={r['k']} zero {r['zero-shot']['macro_f1']:.3f} ex {r['examples']['macro_f1']:.3f} "
                                  f"mix {r['text+examples']['macro_f1']:.3f}" for r in rows), flush=True)
    return {"setting": name, "windows": len(emb), "classes_scored": classes or labels, "rows": rows,
            "own_nearest_cosine_5_shots": own_class_cosines(emb, windows.label, 5)}


def beside_text(run, windows, new: list[str], percentiles, shots, draws) -> dict:
    """The user's flow: the activities the run was not trained on are enrolled from K examples,
    the trained ones stay text labels. Macro-F1 of both groups, beside zero-shot with every name
    as a text label, on the same windows."""
    from aura_edge.evaluate import classify
    from aura_edge.few_shot import enroll_shots, split_people

    labels = sorted(set(windows.label.tolist()))
    trained = [c for c in labels if c not in new]
    emb, bank = embed(run, windows), text_bank(run, labels)
    trained_bank = bank[[labels.index(c) for c in trained]]
    truth = windows.label.astype(str)
    rows = []
    for k in shots:
        rng, runs = np.random.default_rng(0), []
        for _ in range(draws):
            split = split_people(windows.subject, truth, rng)
            enrolled = enroll_shots(emb, truth, split.enroll, k, rng, percentiles, new, trained_bank, trained)
            test, test_truth = emb[split.test], truth[split.test]
            zero = classify(test @ bank.T, test_truth, labels)
            mixed = classify(enrolled.combine(test @ trained_bank.T, test, trained), test_truth,
                             enrolled.class_names(trained))
            runs.append([np.mean([r.per_class_f1[c] for c in group])
                         for r in (zero, mixed) for group in (trained, new)])
        mean, spread = np.mean(runs, axis=0), np.std(runs, axis=0)
        rows.append({"k": k, "trained_zero_shot": mean[0], "new_zero_shot": mean[1], "trained_beside_enrolled": mean[2],
                     "new_enrolled": mean[3], "spread": spread.tolist()})
        print(f"beside text K={k}: trained {mean[0]:.3f} -> {mean[2]:.3f}, new {mean[1]:.3f} -> {mean[3]:.3f}",
              flush=True)
    return {"setting": f"new activities ({len(new)}) enrolled beside the trained text labels", "rows": rows}


def main() -> None:
    from aura_edge import pretrained
    from aura_edge.synth import ACTIVITIES, SynthConfig, build_corpus
    from aura_edge.train.checkpoint import load_run
    from aura_edge.train.config import synth_config
    from aura_edge.train.data import load_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", default="pretrained",
                        help="run scored on trained activities (default: the built-in model)")
    parser.add_argument("--activities-out-run", default=None, metavar="RUN",
                        help="run trained without some activities (synth?activities=...): scores the left-out ones")
    parser.add_argument("--placement-out-run", default=None, metavar="RUN",
                        help="run trained without a placement (synth?exclude=P): scores that placement")
    parser.add_argument("--shots", type=int, nargs="+", default=[1, 3, 5, 10],
                        help="examples per class K (default 1 3 5 10)")
    parser.add_argument("--draws", type=int, default=5,
                        help="random enroll/test splits of the people averaged per K (default 5)")
    parser.add_argument("--results-name", default="enroll",
                        help="writes benchmarks/results/NAME.{json,md} (default enroll)")
    args = parser.parse_args()
    show_messages()
    test = load_corpus("synth")["test"]   # the release corpus's held-out people, all 32 activities
    main_run = load_run(pretrained.run_path(args.run))
    percentiles = measured_percentiles(main_run, list(main_run.config.labels))
    results = [setting("trained activities", main_run, test, None, percentiles, args.shots, args.draws)]
    if args.activities_out_run:
        run = load_run(args.activities_out_run)
        left_out = [a for a in ACTIVITIES if a not in synth_config(run.config.data).activities]
        out_percentiles = measured_percentiles(run, list(run.config.labels))
        results.append(setting(f"activities left out of training ({len(left_out)})", run, test, left_out,
                               out_percentiles, args.shots, args.draws))
        beside = beside_text(run, test, left_out, out_percentiles, args.shots, args.draws)
    if args.placement_out_run:
        run = load_run(args.placement_out_run)
        placement = next(p for p in SynthConfig().placements if p not in synth_config(run.config.data).placements)
        at = build_corpus(SynthConfig(placements=(placement,)))["test"]
        results.append(setting(f"placement left out of training ({placement})", run, at, None,
                               measured_percentiles(run, list(run.config.labels)), args.shots, args.draws))
    result = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "text_percentiles": percentiles,
              "shots": args.shots, "draws": args.draws, "settings": results}
    if args.activities_out_run:
        result["beside_text"] = beside
    markdown = render_markdown(result)
    print(markdown)
    write_results(args.results_name, result, markdown)


def render_markdown(result: dict) -> str:
    lines = ["# Enrollment from K examples vs zero-shot (held-out synthetic people)", "",
             (f"Each draw enrolls K windows per class from half of the 6 test people and scores the other half; "
              f"macro-F1, mean ± spread over {result['draws']} draws. Text-label score percentiles of the main run "
              f"(the calibration target): {result['text_percentiles']}."), ""]
    for s in result["settings"]:
        scored = "" if len(s["classes_scored"]) > 16 else f" (macro-F1 over {', '.join(s['classes_scored'])})"
        lines += [f"## {s['setting']}{scored}", "", (f"{s['windows']} windows; a window's cosine to its nearest "
                                                   f"other example among 5: {s['own_nearest_cosine_5_shots']}."), "",
                  "| K | zero-shot | examples | text + examples | gain of the best over zero-shot |",
                  "|---|---|---|---|---|"]
        for r in s["rows"]:
            cells = [r[m]["macro_f1"] for m in ("zero-shot", "examples", "text+examples")]
            spread = [r[m]["macro_f1_std"] for m in ("zero-shot", "examples", "text+examples")]
            lines.append(f"| {r['k']} | " + " | ".join(f"{c:.3f} ± {d:.3f}" for c, d in zip(cells, spread))
                         + f" | {max(cells[1:]) - cells[0]:+.3f} |")
        lines += [""]
    if "beside_text" in result:
        b = result["beside_text"]
        lines += [f"## {b['setting']}", "",
                  ("What a user does: the activities the model was not trained on are enrolled, the trained ones stay "
                   "text labels. Macro-F1 of each group; zero-shot has every name as a text label."), "",
                  "| K | trained: zero-shot | trained: beside enrolled | new: zero-shot | new: enrolled |",
                  "|---|---|---|---|---|"]
        lines += [f"| {r['k']} | {r['trained_zero_shot']:.3f} | {r['trained_beside_enrolled']:.3f} | "
                  f"{r['new_zero_shot']:.3f} | {r['new_enrolled']:.3f} |" for r in b["rows"]]
        lines += [""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
