"""Exact graph rewrites that make the ONNX Runtime INT8 model faster on CPU.

The exported attention is a chain of ~20 small ops per block (Reshape, Transpose, Gather,
MatMul, Softmax ...) and GELU is five elementwise ops; at batch 1 those dominate once the linear
layers are INT8. Neither is fused by ORT's own optimizer for torch.export graphs, so here:

- each self-attention block becomes one com.microsoft `Attention` op (which dynamic quantization
  turns into `QAttention`: INT8 QKV projection, fused softmax);
- each erf-GELU becomes com.microsoft `Gelu`.

Both are contrib ops that only ONNX Runtime runs, so this is applied to model.int8.onnx alone; the
FP32 and TensorRT QDQ models keep standard ONNX ops. `fuse_for_ort` checks the rewritten FP32 graph
against the original and returns the original if they differ, so a model whose attention is laid
out differently is never silently changed.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper

log = logging.getLogger(__name__)

# Ops allowed between the QKV projection and the output projection of one attention block.
ATTENTION_OPS = {"Reshape", "Transpose", "Gather", "Split", "Squeeze", "Unsqueeze", "Slice", "MatMul", "Softmax",
                 "Mul", "Div", "Sqrt", "Shape", "Concat", "Expand", "Constant", "Cast"}
FUSION_ATOL = 1e-4


def fuse_for_ort(src: Path, dst: Path, num_heads: int, check_windows: np.ndarray) -> dict:
    """Write the fused graph to `dst` if it matches `src` on `check_windows`; returns what was fused."""
    model = onnx.load(str(src))
    attention = fuse_attention(model, num_heads) if num_heads else 0
    model = fuse_gelu(model)
    gelu = sum(n.op_type == "Gelu" for n in model.graph.node)
    onnx.save_model(model, str(dst))
    error = _max_error(src, dst, check_windows)
    if not error <= FUSION_ATOL:
        log.warning("fused graph differs from the export by %.2e; keeping the unfused graph", error)
        onnx.save_model(onnx.load(str(src)), str(dst))
        return {"attention": 0, "gelu": 0, "rejected_error": error}
    return {"attention": attention, "gelu": gelu, "max_abs_error": error}


def fuse_attention(model: onnx.ModelProto, num_heads: int) -> int:
    """Replace x @ Wqkv -> ... -> (attention output) @ Wproj by Attention(x, Wqkv, 0) @ Wproj.

    Matches a bias-free QKV MatMul with a constant (D, 3D) weight whose output reaches, through
    attention-only ops that contain a Softmax, exactly one MatMul with a constant (D, D) weight.
    The QKV columns must be [Q | K | V] with heads contiguous, as in `Attention` (checked by the
    numerical comparison in fuse_for_ort).
    """
    graph = model.graph
    weights = {t.name: t for t in graph.initializer}
    consumers = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)
    fused = 0
    for node in list(graph.node):
        shape = _const_matmul_shape(node, weights)
        if not shape or shape[1] != 3 * shape[0] or shape[0] % num_heads:
            continue
        proj = _attention_output_projection(node, shape[0], weights, consumers)
        if proj is None:
            continue
        bias = numpy_helper.from_array(np.zeros(shape[1], np.float32), f"{node.name}_attention_bias")
        graph.initializer.append(bias)
        out = f"{node.output[0]}_attention"
        graph.node.insert(list(graph.node).index(node), helper.make_node(
            "Attention", [node.input[0], node.input[1], bias.name], [out], name=f"{node.name}_Attention",
            domain="com.microsoft", num_heads=num_heads))
        proj.input[0] = out
        fused += 1
    if fused:
        _remove_dead_nodes(graph)
        _use_contrib_domain(model)
    return fused


def _const_matmul_shape(node, weights) -> tuple[int, ...] | None:
    if node.op_type != "MatMul" or node.input[1] not in weights:
        return None
    return tuple(weights[node.input[1]].dims)


def _attention_output_projection(qkv, width: int, weights, consumers):
    """The single (D, D) projection MatMul that the attention subgraph after `qkv` feeds, or None."""
    frontier, seen, projections, softmax = [qkv.output[0]], set(), [], False
    while frontier:
        for node in consumers[frontier.pop()]:
            if node.output[0] in seen:
                continue
            seen.add(node.output[0])
            if _const_matmul_shape(node, weights) == (width, width):
                projections.append(node)
            elif node.op_type in ATTENTION_OPS:
                softmax |= node.op_type == "Softmax"
                frontier.extend(node.output)
            else:
                return None  # something other than attention reads the QKV tensors
    return projections[0] if softmax and len(projections) == 1 else None


def _remove_dead_nodes(graph: onnx.GraphProto) -> None:
    while True:
        used = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
        dead = [node for node in graph.node if not any(o in used for o in node.output)]
        if not dead:
            break
        for node in dead:
            graph.node.remove(node)
    used = {name for node in graph.node for name in node.input}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def _use_contrib_domain(model: onnx.ModelProto) -> None:
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))


def _erf_gelu_1(op, x):
    return 0.5 * (x * (op.Erf(x / math.sqrt(2)) + 1.0))


def _erf_gelu_2(op, x):
    return x * (0.5 * (op.Erf(x / math.sqrt(2)) + 1.0))


def _contrib_gelu(op, x):
    return op.Gelu(x, _domain="com.microsoft")


def fuse_gelu(model: onnx.ModelProto) -> onnx.ModelProto:
    """x * 0.5 * (1 + erf(x / sqrt 2)) in either association -> com.microsoft Gelu(x)."""
    from onnxscript import rewriter
    from onnxscript.rewriter import pattern

    rules = pattern.RewriteRuleSet([pattern.RewriteRule(_erf_gelu_1, _contrib_gelu),
                                    pattern.RewriteRule(_erf_gelu_2, _contrib_gelu)])
    model = rewriter.rewrite(model, pattern_rewrite_rules=rules)
    _use_contrib_domain(model)
    return model


def _max_error(a: Path, b: Path, windows: np.ndarray) -> float:
    from aura_edge.export.onnx_export import embed_onnx

    return float(np.abs(embed_onnx(a, windows) - embed_onnx(b, windows)).max())
