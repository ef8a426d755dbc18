"""PyTorch IMU encoder -> FP32 ONNX with a dynamic batch axis, checked against PyTorch.

The exporter is torch.export in strict mode with a batch-2 example (a batch-1 example would be
specialised by torch.export's 0/1 rule). The models read the batch as ``tensor.shape[0]``: an
earlier ``len(tokens)`` made the non-strict and TorchScript exporters bake in a constant batch
size (ORT then failed at batch 1, 3 and 8). The TorchScript exporter stays as a fallback for
encoders that torch.export cannot trace; whichever is used must pass the parity check at several
batch sizes.
"""

from __future__ import annotations

import io
import json
import logging
import warnings
from pathlib import Path

import numpy as np
import onnx
import torch

from aura_edge.errors import WeightsError
from aura_edge.runtime.bundle import CONTRACT_METADATA_KEY
from aura_edge.runtime.engine import OnnxEngine

log = logging.getLogger(__name__)

# 18: the newest opset TensorRT 10.3 (JetPack 6) parses with LayerNormalization; GELU becomes Erf.
OPSET = 18
INPUT_NAME, OUTPUT_NAME, BATCH_DIM = "imu", "embedding", "batch"
PARITY_BATCH_SIZES = (1, 3, 8)
PARITY_ATOL = 1e-4  # FP32 ORT vs eager differ by ~1e-7; anything near 1e-4 is a wrong graph


def export_onnx(encoder: torch.nn.Module, path: Path, opset: int = OPSET) -> str:
    """Write `encoder` (eval mode, CPU) as ONNX; returns the name of the exporter that worked."""
    encoder = encoder.eval().cpu()
    errors = []
    for name, exporter in (("torch.export-strict", _export_strict), ("torchscript", _export_torchscript)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = exporter(encoder, opset)
            _name_batch_axis(model)
            onnx.save_model(model, str(path))
            parity(encoder, path)  # a fallback export that specialised the batch size fails here
            return name
        except Exception as exc:  # each exporter fails in its own ways; try the next one
            log.info("%s export failed: %s", name, exc)
            errors.append(f"{name}: {str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__}")
    raise WeightsError(f"could not export the IMU encoder to ONNX ({'; '.join(errors)})")


def _example(batch: int = 2) -> torch.Tensor:
    return torch.randn(batch, 6, 1000)


def _export_strict(encoder: torch.nn.Module, opset: int) -> onnx.ModelProto:
    batch = torch.export.Dim(BATCH_DIM, min=1, max=4096)
    program = torch.export.export(encoder, (_example(),), dynamic_shapes=({0: batch},), strict=True)
    onnx_program = torch.onnx.export(program, (_example(),), dynamo=True, opset_version=opset, external_data=False,
                                     input_names=[INPUT_NAME], output_names=[OUTPUT_NAME], verbose=False)
    return onnx_program.model_proto


def _export_torchscript(encoder: torch.nn.Module, opset: int) -> onnx.ModelProto:
    buffer = io.BytesIO()
    torch.onnx.export(encoder, (_example(),), buffer, dynamo=False, opset_version=min(opset, 17),
                      input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                      dynamic_axes={INPUT_NAME: {0: BATCH_DIM}, OUTPUT_NAME: {0: BATCH_DIM}})
    return onnx.load_from_string(buffer.getvalue())


def _name_batch_axis(model: onnx.ModelProto) -> None:
    """Call the symbolic first axis of the input and output "batch" (torch.export calls it s0)."""
    for value in (*model.graph.input, *model.graph.output):
        dim = value.type.tensor_type.shape.dim[0]
        if dim.dim_param or not dim.dim_value:
            dim.dim_param = BATCH_DIM


def check_onnx(path: Path) -> None:
    """The ONNX checker with full shape inference, plus a symbolic batch axis on input and output."""
    onnx.checker.check_model(str(path), full_check=True)
    model = onnx.load(str(path), load_external_data=False)
    for value in (*model.graph.input, *model.graph.output):
        if value.type.tensor_type.shape.dim[0].dim_param != BATCH_DIM:
            raise WeightsError(f"{path.name}: {value.name} has a fixed batch size; the export is broken")


def embed_onnx(path_or_engine, windows: np.ndarray, batch_size: int = 64) -> np.ndarray:
    """(N, 6, 1000) windows through an ONNX model in batches; a path opens it on all cores."""
    engine = OnnxEngine(path_or_engine, threads=0) if isinstance(path_or_engine, (str, Path)) else path_or_engine
    return np.concatenate([engine.embed(windows[s:s + batch_size]) for s in range(0, len(windows), batch_size)])


@torch.no_grad()
def embed_torch(encoder: torch.nn.Module, windows: np.ndarray) -> np.ndarray:
    return encoder.eval()(torch.from_numpy(np.ascontiguousarray(windows))).numpy()


def parity(encoder: torch.nn.Module, path: Path, windows: np.ndarray | None = None,
           batch_sizes=PARITY_BATCH_SIZES) -> dict:
    """ONNX Runtime vs PyTorch eager on the same windows at several batch sizes.

    Raises if the max abs error exceeds PARITY_ATOL; returns the numbers for the manifest.
    """
    if windows is None:
        windows = random_windows(max(batch_sizes))
    engine = OnnxEngine(path, threads=0)
    max_err, min_cos = 0.0, 1.0
    for b in batch_sizes:
        x = windows[:b]
        ref, out = embed_torch(encoder, x), embed_onnx(engine, x)
        if out.shape != ref.shape:
            raise WeightsError(f"{path.name} returns {out.shape} for batch {b}, PyTorch {ref.shape}")
        max_err = max(max_err, float(np.abs(out - ref).max()))
        min_cos = min(min_cos, float(cosine(out, ref).min()))
    result = {"batch_sizes": list(batch_sizes), "max_abs_error": max_err, "min_cosine": min_cos}
    if not max_err <= PARITY_ATOL:
        raise WeightsError(f"{path.name} disagrees with PyTorch (max abs error {max_err:.2e} > {PARITY_ATOL:g})")
    return result


def cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise cosine of two (N, D) arrays."""
    return (a * b).sum(1) / np.maximum(np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1), 1e-12)


def random_windows(n: int, seed: int = 0) -> np.ndarray:
    """IMU-like windows (gravity on z, a few m/s² and rad/s of motion) when no real data is at hand."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 2.0, (n, 6, 1000)).astype(np.float32)
    x[:, 2] += 9.81
    return x


def write_metadata(path: Path, contract: dict, extra: dict[str, str]) -> None:
    """Store the input contract (JSON) and a few provenance strings in the file's metadata_props."""
    model = onnx.load(str(path))
    entries = {CONTRACT_METADATA_KEY: json.dumps(contract, sort_keys=True), **extra}
    kept = [p for p in model.metadata_props if p.key not in entries]
    del model.metadata_props[:]
    model.metadata_props.extend(kept)
    for key, value in entries.items():
        model.metadata_props.add(key=key, value=value)
    onnx.save_model(model, str(path))
