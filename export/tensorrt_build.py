"""Build a TensorRT engine (plan) from the QDQ model, on the machine that will run it.

TensorRT is an optional extra, imported only here and only when asked for. The network is
strongly typed: the INT8 precision comes from the Q/DQ nodes, so no precision flags are set
(they were removed in TensorRT 11). Plans only run on the TensorRT version and GPU they were
built with, so they are cached under <cache>/<trt version>/<gpu>-sm<cc>/<onnx sha256>.plan
beside a timing cache that makes rebuilds fast.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from aura_edge.errors import BundleError
from aura_edge.runtime.bundle import sha256_file

log = logging.getLogger(__name__)

MAX_BATCH = 8
WORKSPACE_BYTES = 256 << 20
INSTALL_HINT = ("install TensorRT on the machine with the NVIDIA GPU (pip install 'aura-edge[tensorrt]', or the "
                "JetPack system package in a venv made with --system-site-packages) and run "
                "`aura-edge export --tensorrt` there")


def default_cache_dir() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return root / "aura-edge" / "tensorrt"


def missing_requirement() -> str | None:
    """Why a TensorRT engine cannot be built here, or None when it can."""
    try:
        import tensorrt  # noqa: F401
    except ImportError:
        return f"the `tensorrt` Python package is not installed; {INSTALL_HINT}"
    if _gpu() is None:
        return f"no CUDA GPU is visible to this process; {INSTALL_HINT}"
    return None


def _gpu() -> tuple[str, str] | None:
    """(GPU name, "smXY") of device 0, or None without a usable GPU."""
    try:
        import torch

        if not torch.cuda.is_available():
            return None
        major, minor = torch.cuda.get_device_capability(0)
        return torch.cuda.get_device_name(0), f"sm{major}{minor}"
    except Exception:  # a broken driver surfaces as assorted RuntimeErrors
        return None


def gpu_slug(gpu: tuple[str, str]) -> str:
    """"NVIDIA H100 80GB HBM3", "sm90" -> "nvidia-h100-80gb-hbm3-sm90" (safe as a file name)."""
    return re.sub(r"[^A-Za-z0-9]+", "-", f"{gpu[0]} {gpu[1]}").strip("-").lower()


def build_engine(onnx_path: Path, cache_dir: Path | None = None, max_batch: int = MAX_BATCH) -> tuple[Path, dict]:
    """A serialized engine for `onnx_path` (from the cache when already built); returns (plan, info)."""
    reason = missing_requirement()
    if reason:
        raise BundleError(f"cannot build a TensorRT engine: {reason}")
    import tensorrt as trt

    gpu = _gpu()
    onnx_sha = sha256_file(onnx_path)
    folder = Path(cache_dir or default_cache_dir()) / trt.__version__ / gpu_slug(gpu)
    plan_path = folder / f"{onnx_sha}.plan"
    info = {"tensorrt_version": trt.__version__, "gpu": gpu[0], "compute_capability": gpu[1],
            "onnx_sha256": onnx_sha, "max_batch": max_batch, "key": f"trt{trt.__version__}-{gpu_slug(gpu)}"}
    if plan_path.is_file():
        log.info("reusing cached TensorRT plan %s", plan_path)
        return plan_path, {**info, "cached": True}
    folder.mkdir(parents=True, exist_ok=True)
    plan = _build(trt, onnx_path, folder / "timing.cache", max_batch)
    tmp = plan_path.with_suffix(".tmp")
    tmp.write_bytes(plan)
    os.replace(tmp, plan_path)
    return plan_path, {**info, "cached": False}


def _build(trt, onnx_path: Path, timing_cache_path: Path, max_batch: int) -> bytes:
    logger = trt.Logger(trt.Logger.WARNING)
    builder = trt.Builder(logger)
    strongly_typed = getattr(trt.NetworkDefinitionCreationFlag, "STRONGLY_TYPED", None)
    network = builder.create_network(1 << int(strongly_typed) if strongly_typed is not None else 0)
    parser = trt.OnnxParser(network, logger)
    if not parser.parse_from_file(str(onnx_path)):
        errors = "; ".join(str(parser.get_error(i)) for i in range(parser.num_errors))
        raise BundleError(f"TensorRT cannot parse {onnx_path.name}: {errors}")
    config = builder.create_builder_config()
    config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, WORKSPACE_BYTES)
    profile = builder.create_optimization_profile()
    tensor = network.get_input(0)
    shape = tuple(tensor.shape)[1:]
    profile.set_shape(tensor.name, (1, *shape), (1, *shape), (max_batch, *shape))  # tuned for batch 1 streaming
    config.add_optimization_profile(profile)
    cache = config.create_timing_cache(timing_cache_path.read_bytes() if timing_cache_path.is_file() else b"")
    config.set_timing_cache(cache, ignore_mismatch=False)
    plan = builder.build_serialized_network(network, config)
    if plan is None:
        raise BundleError(f"TensorRT failed to build an engine from {onnx_path.name}; rerun with -v for its log")
    timing_cache_path.write_bytes(bytes(config.get_timing_cache().serialize()))
    return bytes(plan)
