"""The export stage (installed as `aura_edge.export`): a training run -> an edge bundle.

    from aura_edge.export import ExportConfig, export_bundle
    bundle_dir = export_bundle(ExportConfig(run="runs/latest", int8=True))

See bundle.py for the steps, aura_edge.runtime.bundle for the format and its verification.
"""

from aura_edge.export.bundle import ExportConfig, export_bundle
from aura_edge.export.label_bank import rebuild_labels

__all__ = ["ExportConfig", "export_bundle", "rebuild_labels"]
