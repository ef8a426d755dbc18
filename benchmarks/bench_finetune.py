"""Fine-tuning a model on a few minutes of one's own windows: `train --init`.

    python benchmarks/bench_finetune.py [--init pretrained] [--placement ankle] [--minutes 8]
                                        [--lr 1e-4 3e-4] [--epochs 20]

The user's data are simulated people the model never saw (train, val and test are different
people), each wearing the device at --placement, or, without it, at a random point and mounting
of a body segment (the corpus's random_sites, which the release corpus has none of). To measure a
placement the model never saw, pass --init a run trained without it (`--data "synth?exclude=P"`).
For each setting, the fine-tuned model and the --init model are scored zero-shot on the same test
windows (the report's before/after table), over the 32 corpus activities. Writes
benchmarks/results/<results-name>.{json,md}.
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from results_files import write_results

from aura_edge.console import show_messages

SPLIT_SEEDS = {"train": 101, "val": 102, "test": 103}   # other people than the release corpus (seed 0)


def user_windows(out: Path, minutes: float, test_people: int, placement: str | None) -> dict:
    """train/val/test.npz of new people at ``placement`` (None: random sites); ``minutes`` of training windows."""
    from aura_edge.synth import ACTIVITIES, SynthConfig, build_corpus

    train_people = max(1, round(minutes * 60 / 5 / len(ACTIVITIES)))
    people = {"train": train_people, "val": 1, "test": test_people}
    sizes = {}
    for k, (split, seed) in enumerate(SPLIT_SEEDS.items()):
        where = {"placements": (placement,)} if placement else {"random_sites": 1.0}
        windows = build_corpus(SynthConfig(seed=seed, subjects=(people[split], 0, 0), windows_per_activity=1,
                                           **where))["train"]
        windows.subject = windows.subject + 1000 * k   # people differ by seed; ids must differ by split too
        windows.save(out / f"{split}.npz")
        sizes[split] = len(windows)
    return sizes


def fine_tune(data: Path, init: str, lr: float, epochs: str, out: Path) -> dict:
    from aura_edge.pipeline import train_and_report
    from aura_edge.train.config import TrainConfig, fine_tune_defaults

    options = {**fine_tune_defaults(init), "lr": lr, "epochs": epochs}
    started = time.monotonic()
    run = train_and_report(TrainConfig(data=str(data), init=init, out=str(out), name=f"lr{lr:g}-e{epochs}",
                                       progress=False, **options))
    report = json.loads((run / "report.json").read_text())
    before, after = report["before_fine_tuning"]["zero_shot"], report["models"][0]["zero_shot"]
    return {"lr": lr, "epochs": epochs, "batch_size": options["batch_size"], "seconds": round(time.monotonic() - started, 1),
            "before_macro_f1": before["macro_f1"], "after_macro_f1": after["macro_f1"],
            "before_accuracy": before["accuracy"], "after_accuracy": after["accuracy"], "test_windows": after["n"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--init", default="pretrained",
                        help="run or bundle fine-tuned from (default: the built-in model)")
    parser.add_argument("--placement", default=None, help="where the user wears it (default: random sites)")
    parser.add_argument("--minutes", type=float, default=8.0, help="minutes of training windows")
    parser.add_argument("--test-people", type=int, default=6,
                        help="simulated people scored before and after (default 6)")
    parser.add_argument("--lr", type=float, nargs="+", default=[1e-4],
                        help="learning rates tried, one fine-tune each (default 1e-4)")
    parser.add_argument("--epochs", nargs="+", default=["20"],
                        help="epoch budgets tried, one fine-tune each (default 20)")
    parser.add_argument("--results-name", default="finetune",
                        help="writes benchmarks/results/NAME.{json,md} (default finetune)")
    args = parser.parse_args()
    show_messages()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        sizes = user_windows(data, args.minutes, args.test_people, args.placement)
        rows = [fine_tune(data, args.init, lr, epochs, Path(tmp) / "runs") for lr in args.lr for epochs in args.epochs]
    where = f"at {args.placement}" if args.placement else "at random body sites"
    result = {"machine": f"{platform.machine()}, {platform.processor() or 'cpu'}", "init": args.init,
              "placement": args.placement or "random sites",
              "windows": sizes, "training_minutes": sizes["train"] * 5 / 60, "rows": rows}
    lines = [f"# Fine-tuning `--init {args.init}` on a few minutes of windows {where}", "",
             (f"{sizes['train']} training windows ({result['training_minutes']:.1f} min) of {sizes['train'] // 32} "
              f"new people, {sizes['val']} validation and {sizes['test']} test windows of others, all {where}. "
              "Zero-shot over the 32 corpus activities, the same test windows before and after; the best "
              "validation epoch is kept, the starting weights included (epoch 0)."), "",
             "| lr | epochs | batch | seconds | macro-F1 before | macro-F1 after | accuracy before | accuracy after |",
             "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['lr']:g} | {r['epochs']} | {r['batch_size']} | {r['seconds']} | {r['before_macro_f1']:.3f} | "
              f"{r['after_macro_f1']:.3f} | {r['before_accuracy']:.3f} | {r['after_accuracy']:.3f} |" for r in rows]
    print("\n".join(lines))
    write_results(args.results_name, result, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
