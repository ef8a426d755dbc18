"""`aura-edge export` options as a config; torch-free, so the CLI takes its defaults from here
without importing the exporter."""

from __future__ import annotations

from dataclasses import dataclass

from aura_edge.errors import ConfigError

CALIBRATION_METHODS = ("entropy", "percentile")
MIN_CALIBRATION_WINDOWS = 200  # fewer is allowed (tests) but recorded in the manifest


@dataclass
class ExportConfig:
    run: str = "runs/latest"
    out: str | None = None                 # default: <run>/bundle
    int8: bool = False                     # also model.int8.onnx and model.int8.qdq.onnx
    tensorrt: bool = False                 # also a TensorRT plan (implies int8)
    labels: str | None = None              # "a,b,c" or a file; default: the run's training activities
    force: bool = False                    # replace an existing bundle at --out
    calibration_windows: int = 256
    calibration_method: str = "entropy"
    data: str | None = None                # calibration corpus; default: the run's training data
    tensorrt_cache: str | None = None
    label_expansion: float | None = None   # pull labels toward the run's training captions (None: default)

    def __post_init__(self) -> None:
        if self.label_expansion is not None and not self.label_expansion >= 0:
            raise ConfigError(f"--label-expansion {self.label_expansion} must be 0 (labels as typed) or more")
        if self.calibration_windows < 1:
            raise ConfigError(f"--calibration-windows {self.calibration_windows} must be at least 1 "
                              f"(>= {MIN_CALIBRATION_WINDOWS} recommended)")
        if self.calibration_method not in CALIBRATION_METHODS:
            raise ConfigError(f"unknown calibration method {self.calibration_method!r}; use "
                              f"{' or '.join(CALIBRATION_METHODS)}")
        self.int8 = self.int8 or self.tensorrt  # the engine is built from the QDQ model
