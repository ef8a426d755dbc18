"""FP32 ONNX -> two INT8 models: one for ONNX Runtime on CPU, one QDQ model for TensorRT.

CPU: attention and GELU fused into ORT contrib ops (ort_fusion.py), then dynamic INT8 with
per-channel symmetric weights on MatMul, Gemm and Attention (-> QAttention). The weights use 7
bits, so that ONNX Runtime's U8S8 kernel cannot saturate on x86 CPUs without VNNI
(runtime/cpu.py): the model then computes the same on every CPU, at the speed of 8-bit weights.
Latency and fidelity per CPU kind: benchmarks/results/export-<kind>.md; what was tried and not
kept (static QDQ on CPU, MatMulNBits, MultiHeadAttention, SkipLayerNormalization, INT8 attention
products, uint8 weights): docs/int8.md.

TensorRT: static QDQ, INT8 activations and weights, both symmetric (TensorRT rejects non-zero
zero points), 8-bit per-channel weights, biases left FP32, activation ranges calibrated on real
training windows (entropy by default, percentile optional). The attention products (Q.K^T, P.V)
stay in floating point. Standard ONNX ops only.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import tempfile
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

from aura_edge.errors import ConfigError, WeightsError
from aura_edge.export.config import CALIBRATION_METHODS
from aura_edge.runtime.cpu import SAFE_INT8_WEIGHT_BITS

log = logging.getLogger(__name__)

QUANTIZED_OPS = ["MatMul", "Gemm"]
DYNAMIC_OPS = [*QUANTIZED_OPS, "Attention"]  # Attention exists only after ort_fusion
WEIGHT_BITS_WHY = ("7-bit weights: ONNX Runtime's U8S8 kernel on x86 without VNNI (AVX2, AVX-512) saturates "
                   "with 8-bit weights; 7 bits are exact there and on VNNI and ARM, at the same speed")


def preprocess(fp32_path: Path, out_path: Path) -> bool:
    """ORT's quantization pre-processing (graph optimisation + shape inference), in place of a copy.

    Symbolic shape inference crashes on torch.export graphs (TypeError in _infer_Expand), so it is
    skipped; if pre-processing fails anyway the plain model is quantized. Returns whether it ran.
    """
    from onnxruntime.quantization.shape_inference import quant_pre_process

    try:
        quant_pre_process(str(fp32_path), str(out_path), skip_symbolic_shape=True)
        return True
    except Exception as exc:  # onnxruntime raises assorted types from its optimizer
        log.warning("quantization pre-processing failed (%s); quantizing the model as exported", exc)
        shutil.copyfile(fp32_path, out_path)
        return False


def quantize_dynamic_int8(fp32_path: Path, out_path: Path, num_heads: int = 0,
                          check_windows: np.ndarray | None = None, weight_bits: int = SAFE_INT8_WEIGHT_BITS) -> dict:
    """Dynamic INT8 (weights int8 per output channel, activations quantized at run time).

    weight_bits 7 (the default) is exact on every CPU at the speed of 8; 8 exists to measure the
    saturation it causes (benchmarks, tests).

    With `check_windows`, attention and GELU are first fused into ORT contrib ops (ort_fusion.py),
    so attention runs as QAttention.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from aura_edge.export.ort_fusion import fuse_for_ort

    if weight_bits not in (SAFE_INT8_WEIGHT_BITS, 8):
        raise ConfigError(f"INT8 weights are {SAFE_INT8_WEIGHT_BITS} or 8 bits wide, not {weight_bits}")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "pre.onnx"
        preprocessed = preprocess(fp32_path, source)
        fused = {}
        if check_windows is not None:
            fused = fuse_for_ort(source, Path(tmp) / "fused.onnx", num_heads, check_windows)
            source = Path(tmp) / "fused.onnx"
        # reduce_range: 7-bit weights, so that no x86 kernel can saturate (runtime/cpu.py).
        quantize_dynamic(str(source), str(out_path), per_channel=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=DYNAMIC_OPS, reduce_range=weight_bits < 8)
    return {"method": "dynamic", "weights": f"int{weight_bits} symmetric per-channel", "weight_bits": weight_bits,
            "activations": "uint8 dynamic", "ops": DYNAMIC_OPS, "preprocessed": preprocessed, "fused": fused,
            "why": WEIGHT_BITS_WHY if weight_bits < 8 else "8-bit weights (may saturate on x86 without VNNI)"}


class _WindowReader:
    """ORT CalibrationDataReader over (N, 6, 1000) windows, in batches (one augmented run each)."""

    def __init__(self, input_name: str, windows: np.ndarray, max_batch: int = 32):
        # Equal batches only: ORT's calibrators stack the per-batch outputs and fail on a short last one.
        batch_size = max(b for b in range(1, max_batch + 1) if len(windows) % b == 0)
        self._batches = iter([{input_name: np.ascontiguousarray(windows[s:s + batch_size])}
                              for s in range(0, len(windows), batch_size)])

    def get_next(self):
        return next(self._batches, None)


def quantize_qdq_int8(fp32_path: Path, out_path: Path, windows: np.ndarray, method: str = "entropy") -> dict:
    """Static QDQ INT8 with symmetric activations and weights, calibrated on `windows`."""
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    if method not in CALIBRATION_METHODS:
        raise ConfigError(f"unknown calibration method {method!r}; use {' or '.join(CALIBRATION_METHODS)}")
    if len(windows) < 1:
        raise ConfigError("QDQ calibration needs at least one window")
    calibrate = {"entropy": CalibrationMethod.Entropy, "percentile": CalibrationMethod.Percentile}[method]
    with tempfile.TemporaryDirectory() as tmp:
        pre = Path(tmp) / "pre.onnx"
        preprocessed = preprocess(fp32_path, pre)
        graph = onnx.load(str(pre), load_external_data=False).graph
        kept_float = activation_matmuls(graph)
        with contextlib.redirect_stdout(io.StringIO()):  # ORT prints calibration progress with print()
            quantize_static(str(pre), str(out_path), _WindowReader(graph.input[0].name, windows),
                            quant_format=QuantFormat.QDQ, per_channel=True, activation_type=QuantType.QInt8,
                            weight_type=QuantType.QInt8, op_types_to_quantize=QUANTIZED_OPS,
                            calibrate_method=calibrate, nodes_to_exclude=kept_float,
                            # Biases stay FP32: TensorRT's DequantizeLinear takes int8, not int32, input.
                            extra_options={"ActivationSymmetric": True, "WeightSymmetric": True,
                                           "CalibTensorRangeSymmetric": True, "QuantizeBias": False})
    structure = check_qdq_structure(out_path)
    return {"method": "static QDQ", "weights": "int8 symmetric per-channel", "weight_bits": 8,
            "activations": "int8 symmetric",
            "ops": QUANTIZED_OPS, "kept_float": {"activation_matmuls": len(kept_float)}, "preprocessed": preprocessed,
            "calibration": {"method": method, "windows": len(windows)}, "structure": structure}


def activation_matmuls(graph: onnx.GraphProto) -> list[str]:
    """MatMuls with no constant operand: attention's Q.K^T and P.V.

    Kept in floating point (TensorRT's strongly typed build runs them in FP32). Quantizing them is
    what made the QDQ model unfaithful: softmax probabilities in symmetric int8 have a step of
    1/127, so the many small attention weights over 250 tokens round to 0 or 1/127
    (docs/int8.md has the measurements).
    """
    constants = {t.name for t in graph.initializer} | {n.output[0] for n in graph.node if n.op_type == "Constant"}
    return [n.name for n in graph.node if n.op_type == "MatMul" and not (set(n.input) & constants)]


def check_qdq_structure(path: Path) -> dict:
    """What TensorRT needs from a QDQ model: int8 Q/DQ everywhere, every zero point exactly 0.

    Returns counts for the manifest; raises WeightsError naming the first offending node.
    """
    model = onnx.load(str(path), load_external_data=False)
    constants = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type == "Constant":
            constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    counts = {"QuantizeLinear": 0, "DequantizeLinear": 0, "quantized_weights": 0}
    for node in model.graph.node:
        if node.op_type not in ("QuantizeLinear", "DequantizeLinear"):
            continue
        counts[node.op_type] += 1
        zero_point = constants.get(node.input[2]) if len(node.input) > 2 and node.input[2] else None
        if zero_point is None:
            raise WeightsError(f"{path.name}: {node.op_type} {node.name} has no constant zero point")
        if zero_point.dtype != np.int8 or np.any(zero_point != 0):
            raise WeightsError(f"{path.name}: {node.op_type} {node.name} has zero point {zero_point.ravel()[:4]} "
                               f"({zero_point.dtype}); TensorRT needs int8 zero points equal to 0")
        if node.op_type == "DequantizeLinear" and node.input[0] in constants:
            counts["quantized_weights"] += 1
    if counts["QuantizeLinear"] == 0 or counts["quantized_weights"] == 0:
        raise WeightsError(f"{path.name} has no quantized activations or weights; the QDQ export is broken")
    return counts
