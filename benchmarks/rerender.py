"""Re-render every results table from its numbers: `python benchmarks/rerender.py`.

Each benchmark keeps its measurements in <name>.json and renders <name>.md from them alone; this
script renders every .md again from its .json with today's code and reports whether it is
byte-identical. A difference means the renderer changed since the file was written (or the .md
was edited by hand): the diff is printed, nothing is rewritten unless --write is given.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys

from results_files import RESULTS

import bench_export
import bench_generalisation
import bench_gpu
import bench_enroll
import bench_label_expansion
import bench_realism
import bench_runtime
import bench_vocabulary


def _generalisation(result: dict, name: str) -> str:
    """Its renderer also takes the leave-one-placement-out settings, which older files keep only
    in their header line."""
    lopo = result.get("lopo") or {}
    if not lopo and (RESULTS / f"{name}.md").is_file():
        found = re.search(r"leave-one-placement-out runs with `--epochs (\S+) --stages (\S+)`",
                          (RESULTS / f"{name}.md").read_text())
        lopo = {"epochs": found.group(1), "stages": found.group(2)} if found else {}
    return bench_generalisation.render_markdown(result, name, lopo.get("epochs"), lopo.get("stages", "1"))


RENDERERS = {
    "export-": lambda r, name: bench_export.render_markdown(r),
    "runtime": lambda r, name: bench_runtime.render_markdown(r),
    "gpu": lambda r, name: bench_gpu.render_markdown(r),
    "label-expansion": lambda r, name: bench_label_expansion.render_markdown(r),
    "generalisation": _generalisation,
    "realism": lambda r, name: bench_realism.render_markdown(r),
    "enroll": lambda r, name: bench_enroll.render_markdown(r),
    "vocabulary": lambda r, name: bench_vocabulary.render_markdown(r),
}


def renderer(name: str):
    return next((f for prefix, f in RENDERERS.items() if name.startswith(prefix)), None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the .md files that differ")
    args = parser.parse_args()
    differing = 0
    for md in sorted(RESULTS.glob("*.md")):
        render, source = renderer(md.stem), RESULTS / f"{md.stem}.json"
        if render is None or not source.is_file():
            print(f"{md.name:<60} (no renderer: written by its benchmark directly)")
            continue
        try:
            fresh, old = render(json.loads(source.read_text()), md.stem), md.read_text()
        except KeyError as exc:   # measured before the benchmark recorded this number
            differing += 1
            print(f"{md.name:<60} CANNOT RE-RENDER: its .json lacks {exc}")
            continue
        same = fresh == old
        differing += not same
        print(f"{md.name:<60} {'identical' if same else 'DIFFERS'}")
        if not same:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), fresh.splitlines(True), "committed",
                                                       "re-rendered", n=0))
            if args.write:
                md.write_text(fresh)
    return 1 if differing and not args.write else 0


if __name__ == "__main__":
    sys.exit(main())
