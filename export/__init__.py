"""The export stage (installed as `aura_edge.export`): a training run -> an edge bundle.

    from aura_edge.export import ExportConfig, export_bundle
    bundle_dir = export_bundle(ExportConfig(run="runs/latest", int8=True))

See bundle.py for the steps, aura_edge.runtime.bundle for the format and its verification.
"""

import importlib

from aura_edge.export.config import ExportConfig

__all__ = ["ExportConfig", "export_bundle", "rebuild_labels"]
_LAZY = {"export_bundle": "aura_edge.export.bundle", "rebuild_labels": "aura_edge.export.label_bank"}


def __getattr__(name: str):
    """The exporter imports torch: load it when first used, so `aura_edge.export.config` (the CLI's
    defaults) stays light."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
