"""Where every benchmark writes: benchmarks/results/<name>.json (numbers) and <name>.md (table)."""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(name: str, data: dict, markdown: str | None = None) -> Path:
    """Write <name>.json and, when given, <name>.md; returns the JSON path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    if markdown is not None:
        (RESULTS / f"{name}.md").write_text(markdown)
    return path
