"""The open vocabulary at equal budget: what it costs the 32 built-in activities and what it gives
on activities and compositions never trained.

    python benchmarks/bench_vocabulary.py --open-run R [R ...] --builtin-run R [R ...] [--windows 3]

--open-run: runs trained on ``synth?vocabulary=open&novel=exclude...`` (runs of one spec and encoder
are seeds and share a column; another spec, such as ``...&drills=100``, or the RNN baseline
(``--encoder rnn``) gets its own); --builtin-run:
runs trained on the built-in 32 activities with the same epochs (one per seed). Rows:

- every standard condition of ``aura_edge.generalisation`` on the 32 built-in activities, scored
  among those 32 labels for both kinds of run (the cost of the larger vocabulary);
- the novel activities and novel compositions, zero-shot from names and from descriptions, scored
  among all the open run's labels plus the novel ones, beside its in-distribution score on the
  same label set (the criteria of the open-vocabulary issue are ratios to that);
- the same, each scored among its own labels only (what a user's label list holds), beside
  in-distribution among random sets of trained exercises with all their variants, as many labels:
  the same chance level and the same near-twins;
- the description rows of that table placement by placement (which sensors see the movement).

Writes benchmarks/results/<results-name>.{json,md}.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
from dataclasses import replace

import numpy as np
from results_files import write_results


OWN_LABEL_DRAWS = 5   # random label sets the in-distribution reference is averaged over


@functools.lru_cache(maxsize=4)
def _windows(config, split: str):
    """A condition's test windows, built once for both novel tables (the in-distribution set of the
    open corpus takes minutes to simulate)."""
    from aura_edge.synth import build_corpus

    return build_corpus(config)[split]


def builtin_rows(runs: dict, text_encoder, spec: str, windows: int) -> list[dict]:
    """The standard conditions on the 32 built-in activities, each run scored among those 32."""
    from aura_edge import generalisation as g
    from aura_edge.synth.activities import ACTIVITIES
    from aura_edge.synth.corpus import SynthConfig

    rows = []
    for condition in g.conditions_for(spec, windows=windows):
        if condition.name.startswith("novel"):
            continue
        if condition.config.activities != SynthConfig().activities:
            condition = replace(condition, config=replace(condition.config, activities=ACTIVITIES))
        rows.append(g.evaluate_condition(condition, runs, text_encoder, labels=list(ACTIVITIES)))
        print(_line(rows[-1], runs), flush=True)
    return rows


def novel_rows(runs: dict, text_encoder, spec: str, windows: int) -> list[dict]:
    """In-distribution on the open vocabulary and the four novel conditions, for the open runs."""
    from aura_edge import generalisation as g

    rows = []
    for condition in g.conditions_for(spec, windows=windows):
        if condition.name == "in-distribution" or condition.name.startswith("novel"):
            rows.append(g.evaluate_condition(condition, runs, text_encoder,
                                             windows=_windows(condition.config, condition.split)))
            print(_line(rows[-1], runs), flush=True)
    return rows


def own_label_rows(runs: dict, text_encoder, spec: str, windows: int, draws: int = 5) -> list[dict]:
    """Each novel condition scored among its own labels only, as a user's label list would hold
    them, beside in-distribution scored among ``draws`` random sets of trained exercises with all
    their variants (sides, postures, tempo), as many labels or a few more: the same chance level
    and the same near-twins to tell apart. Averaged over the draws."""
    from aura_edge import generalisation as g
    from aura_edge.synth.vocabulary import COMPOSED, variants_of

    conditions = {c.name: c for c in g.conditions_for(spec, windows=windows)}
    reference = conditions["in-distribution"]
    seen = _windows(reference.config, reference.split)
    seen_labels, present = seen.label.astype(str), set(seen.labels)
    exercises = sorted({COMPOSED[label].base for label in present if label in COMPOSED})
    rng, rows = np.random.default_rng(0), []
    for name, condition in conditions.items():
        if not name.startswith("novel"):
            continue
        labels = list(condition.config.activities)
        novel = _windows(condition.config, condition.split)
        row = g.evaluate_condition(condition, runs, text_encoder, windows=novel, labels=labels,
                                   groups=novel.placement)
        row["by_placement"] = _by_placement(row, runs, novel.placement)
        draws_f1, sizes, by_placement = {run: [] for run in runs}, [], []
        for _ in range(draws):
            subset = []
            for base in rng.permutation(exercises):
                subset += [v for v in variants_of((base,)) if v in present]
                if len(subset) >= len(labels):
                    break
            sizes.append(len(subset))
            part = seen.subset(np.flatnonzero(np.isin(seen_labels, subset)))
            scored = g.evaluate_condition(reference, runs, text_encoder, windows=part, labels=subset,
                                          groups=part.placement)
            for run in runs:
                draws_f1[run].append(scored[run]["macro_f1"])
            by_placement.append(_by_placement(scored, runs, part.placement))
        row["reference_by_placement"] = {p: {run: round(float(np.mean([d[p][run] for d in by_placement if p in d]
                                                                      or [np.nan])), 4)
                                             for run in runs} for p in row["by_placement"]}
        row["reference_labels"] = round(float(np.mean(sizes)), 1)
        row["labels"] = len(labels)
        row["in_distribution_reference"] = {run: round(float(np.mean(f)), 4) for run, f in draws_f1.items()}
        rows.append(row)
        print(_line(row, runs) + "  in-distribution, whole exercises: "
              + "  ".join(f"{v:.3f}" for v in row["in_distribution_reference"].values()), flush=True)
    return rows


def _by_placement(row: dict, runs: dict, placements: np.ndarray) -> dict:
    """{placement: {run: macro-F1, "windows": n}} from a row scored with ``groups=placements`` (a
    forearm movement is out of sight of a head or thigh sensor; the wrists are where it shows)."""
    scores = {run: row[run].pop("by_group") for run in runs}
    return {p: {"windows": int(np.sum(placements == p)), **{run: scores[run][p] for run in runs}}
            for p in sorted(set(placements.tolist()))}


def _line(row: dict, runs: dict) -> str:
    return f"{row['condition']:38s} " + "  ".join(f"{name} {row[name]['macro_f1']:.3f}" for name in runs)


def main() -> None:
    from aura_edge.models.frozen import load_text_encoder
    from aura_edge.train.checkpoint import load_run

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--open-run", nargs="+", required=True, metavar="RUN",
                        help="runs trained on synth?vocabulary=open&novel=exclude...; runs of one corpus spec and "
                             "encoder are seeds and share a column, another spec (e.g. ...&drills=100) or "
                             "the RNN baseline gets its own")
    parser.add_argument("--builtin-run", nargs="*", default=[], metavar="RUN",
                        help="runs trained on the built-in 32 activities at the same epochs (one per seed), "
                             "for the cost of the larger vocabulary")
    parser.add_argument("--windows", type=int, default=3,
                        help="test windows per person and activity (default 3; fewer is faster and noisier)")
    parser.add_argument("--results-name", default="vocabulary",
                        help="writes benchmarks/results/NAME.{json,md} (default vocabulary)")
    args = parser.parse_args()
    open_runs = {f"open:{r}": load_run(r) for r in args.open_run}
    builtin_runs = {f"builtin:{r}": load_run(r) for r in args.builtin_run}
    text_encoder = load_text_encoder(next(iter(open_runs.values())).config.text_encoder_spec)
    open_spec = next(iter(open_runs.values())).config.data
    builtin = builtin_rows({**builtin_runs, **open_runs}, text_encoder, open_spec, args.windows)
    novel = novel_rows(open_runs, text_encoder, open_spec, args.windows)
    own = own_label_rows(open_runs, text_encoder, open_spec, args.windows, OWN_LABEL_DRAWS)
    result = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "open_spec": open_spec,
              "open_specs": {name: _column(run) for name, run in open_runs.items()},
              "epochs": {name: _epochs(run) for name, run in {**open_runs, **builtin_runs}.items()},
              "open_runs": list(open_runs), "builtin_runs": list(builtin_runs), "builtin": builtin, "novel": novel,
              "novel_own_labels": own, "own_label_draws": OWN_LABEL_DRAWS}
    markdown = render_markdown(result)
    print(markdown)
    write_results(args.results_name, result, markdown)


def _column(run) -> str:
    """What sets a run's column: its corpus spec, and its encoder when that is not SENvT (the RNN
    baseline trained on the same corpus is a column of its own, not another seed)."""
    family = run.config.imu_encoder.get("family", "senvt")
    return run.config.data if family == "senvt" else f"{run.config.data} [{family}]"


def _epochs(run) -> str:
    """The run's planned epochs, or "N of M" when it has finished only N (a snapshot of a run still
    training is benchmarked under its own name, never passed off as the full budget)."""
    from aura_edge.train.checkpoint import STATE_FILE

    planned = str(run.config.train.get("epochs"))
    state = run.path / STATE_FILE
    done = json.loads(state.read_text()).get("epochs_done") if state.is_file() else None
    return f"{done} of {planned}" if done is not None and str(done) != planned else planned


def render_markdown(result: dict) -> str:
    """The three tables; open runs trained on the same corpus spec are one column (seeds, mean ±
    spread), runs on different specs (a lever against its baseline) get a column each."""
    groups = _groups(result)
    names = {spec: ("open vocabulary" if len(groups) == 1 else f"{chr(65 + k)}") for k, spec in enumerate(groups)}
    specs = "; ".join(f"{names[spec]}: {', '.join(runs)} (`{spec}`)" for spec, runs in groups.items()) \
        if len(groups) > 1 else f"{', '.join(result['open_runs'])} (`{next(iter(groups))}`)"
    lines = ["# Open vocabulary at equal budget", "",
             f"Open runs: {specs}; built-in runs: "
             f"{', '.join(result['builtin_runs']) or 'none'}. Epochs: {result['epochs']}. "
             "Macro-F1, mean ± spread over runs.",
             ""]
    lines += _builtin_table(result, groups, names) + _novel_table(result, groups, names) + \
        _own_label_table(result, groups, names) + _placement_table(result, groups, names)
    return "\n".join(lines) + "\n"


def _groups(result: dict) -> dict[str, list[str]]:
    """{corpus spec: open runs trained on it}; results written before specs were kept per run are one group."""
    specs = result.get("open_specs") or {run: result["open_spec"] for run in result["open_runs"]}
    groups: dict[str, list[str]] = {}
    for run in result["open_runs"]:
        groups.setdefault(specs[run], []).append(run)
    return groups


def _mean(row: dict, names) -> str:
    values = [row[n]["macro_f1"] for n in names if n in row]
    return f"{np.mean(values):.3f}" + (f" ± {np.std(values):.3f}" if len(values) > 1 else "") if values else "-"


def _head(first: list[str], per_group: list[str], groups: dict, names: dict) -> list[str]:
    cells = [c if len(groups) == 1 else f"{names[spec]} {c}".strip() for spec in groups for c in per_group]
    return ["| " + " | ".join(first + cells) + " |", "|" + "---|" * (len(first) + len(cells))]


def _builtin_table(result: dict, groups: dict, names: dict) -> list[str]:
    lines = ["## The 32 built-in activities, scored among their 32 labels", "",
             *_head(["condition", "built-in vocabulary"], ["open vocabulary" if len(groups) == 1 else "", "difference"],
                    groups, names)]
    for row in result["builtin"]:
        b, cells = _mean(row, result["builtin_runs"]), []
        for runs in groups.values():
            o = _mean(row, runs)
            cells += [o, f"{float(o.split()[0]) - float(b.split()[0]):+.3f}" if "-" not in (b, o) else "-"]
        lines.append(f"| {row['condition']} | {b} | " + " | ".join(cells) + " |")
    return lines


def _novel_table(result: dict, groups: dict, names: dict) -> list[str]:
    ref = next(r for r in result["novel"] if r["condition"] == "in-distribution")
    lines = ["", "## Never trained: zero-shot among all the open run's labels", "",
             *_head(["condition", "windows"], ["macro-F1", "share of in-distribution"], groups, names)]
    for row in result["novel"]:
        cells = []
        for runs in groups.values():
            ref_f1, f1 = np.mean([ref[n]["macro_f1"] for n in runs]), np.mean([row[n]["macro_f1"] for n in runs])
            cells += [_mean(row, runs), f"{f1 / ref_f1:.2f}"] if ref_f1 > 0 else ["-", "-"]
        lines.append(f"| {row['condition']} | {row['windows']} | " + " | ".join(cells) + " |")
    return lines


def _own_label_table(result: dict, groups: dict, names: dict) -> list[str]:
    rows = result.get("novel_own_labels", [])   # results written before this table have none
    if not rows:
        return []
    lines = ["", "## Never trained: zero-shot among its own labels (a user's list)", "",
             "Each condition's windows scored among its own variants only; in-distribution scored among "
             f"random sets of trained exercises with all their variants, as many labels or a few more "
             f"({result.get('own_label_draws')} draws), so both face the same chance and the same near-twins "
             "(sides, postures, tempo).", "",
             *_head(["condition", "labels"], ["macro-F1", "in-distribution (its labels)", "share"], groups, names)]
    for row in rows:
        cells = []
        for runs in groups.values():
            f1 = np.mean([row[n]["macro_f1"] for n in runs])
            ref = np.mean([row["in_distribution_reference"][n] for n in runs])
            cells += [_mean(row, runs), f"{ref:.3f} ({row['reference_labels']:g})",
                      f"{f1 / ref:.2f}" if ref > 0 else "-"]
        lines.append(f"| {row['condition']} | {row['labels']} | " + " | ".join(cells) + " |")
    return lines


def _placement_table(result: dict, groups: dict, names: dict) -> list[str]:
    """The description rows of the own-label table, placement by placement."""
    rows = [r for r in result.get("novel_own_labels", []) if "by_placement" in r and "descriptions" in r["condition"]]
    if not rows:   # results written before placements were scored have none
        return []
    lines = ["", "## By placement: from descriptions, among its own labels", "",
             "The same scoring on each placement's windows alone, beside in-distribution (its labels) on the same "
             "placement; few windows per cell, so read the pattern, not the third digit.", "",
             *_head(["placement", "windows"], [f"{r['condition'].split(' (')[0]}{c}" for r in rows
                                              for c in ("", " in-distribution", " share")], groups, names)]
    for placement in rows[0]["by_placement"]:
        windows, cells = " / ".join(str(r["by_placement"][placement]["windows"]) for r in rows), []
        for runs in groups.values():
            for row in rows:
                f1 = np.mean([row["by_placement"][placement][n] for n in runs])
                ref = np.mean([row["reference_by_placement"][placement][n] for n in runs])
                cells += [f"{f1:.3f}", f"{ref:.3f}", f"{f1 / ref:.2f}" if ref > 0 else "-"]
        lines.append(f"| {placement} | {windows} | " + " | ".join(cells) + " |")
    return lines


if __name__ == "__main__":
    main()
