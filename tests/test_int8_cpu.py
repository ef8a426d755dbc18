"""INT8 that is exact on every CPU: 7-bit weights, the saturation of 8-bit ones, and the runtime's safe path.

On x86 without VNNI, ONNX Runtime's U8S8 kernel saturates with 8-bit weights (runtime/cpu.py).
These tests run real ONNX Runtime sessions on this machine; where it has VNNI the saturation
itself cannot be shown, and the tests check that nothing differs between kernels instead.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import onnx
import pytest
from test_export import build_tiny_bundle

from aura_edge.errors import BundleError, ConfigError
from aura_edge.export import onnx_export, quantize
from aura_edge.export.atomic import file_entry
from aura_edge.models.imu_transformer import SENVT_SIZES
from aura_edge.runtime.bundle import load_bundle
from aura_edge.runtime.cpu import EXACT_U8U8_OPTION, cpu_int8, int8_session_options, parse_cpuinfo
from aura_edge.runtime.engine import OnnxEngine

AMD_AVX2 = "model name\t: AMD EPYC\nflags\t\t: fpu sse4_2 avx avx2 fma bmi2\n"
INTEL_VNNI = "model name\t: Intel(R) Xeon(R)\nflags\t\t: avx2 avx512f avx512_vnni amx_int8\n"
ARM = "processor\t: 0\nFeatures\t: fp asimd asimddp\n"
U8U8 = dict([EXACT_U8U8_OPTION])


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_tiny_bundle(tmp_path_factory)[1]


@pytest.fixture(scope="module")
def windows():
    from conftest import make_tiny_windows

    return make_tiny_windows([9], seed=9).imu


@pytest.fixture(scope="module")
def eight_bit_model(bundle, tmp_path_factory, windows):
    """The bundle's FP32 model quantized as before the fix: fused, 8-bit per-channel weights."""
    path = tmp_path_factory.mktemp("int8") / "model.int8.onnx"
    info = quantize.quantize_dynamic_int8(bundle / "model.onnx", path, num_heads=SENVT_SIZES["SS"][1],
                                          check_windows=windows[:4], weight_bits=8)
    assert info["weight_bits"] == 8 and info["fused"]["attention"] > 0
    return path


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return onnx_export.cosine(a, b)


def int8_weights(path) -> np.ndarray:
    model = onnx.load(str(path))
    return np.concatenate([onnx.numpy_helper.to_array(t).ravel() for t in model.graph.initializer
                           if t.data_type == onnx.TensorProto.INT8])


# --- what the CPU can do -------------------------------------------------------------------------

def test_cpu_features_are_read_from_cpuinfo_and_decide_the_int8_path():
    amd, intel = parse_cpuinfo(AMD_AVX2, "x86_64"), parse_cpuinfo(INTEL_VNNI, "x86_64")
    arm = parse_cpuinfo(ARM, "aarch64")
    assert (amd.kind, amd.u8s8_saturates) == ("x86-avx2", True)
    assert (intel.kind, intel.u8s8_saturates) == ("x86-avx512-vnni-amx", False)
    assert (arm.kind, arm.u8s8_saturates) == ("aarch64", False)
    unknown = parse_cpuinfo("", "x86_64")
    assert unknown.u8s8_saturates, "an x86 CPU whose features are unknown must be treated as saturating"
    assert int8_session_options(7, amd)[0] == {}
    assert int8_session_options(8, amd)[0] == U8U8 and "no VNNI" in int8_session_options(8, amd)[1]
    assert int8_session_options(8, intel)[0] == {} and int8_session_options(8, arm)[0] == {}


# --- the shipped model ---------------------------------------------------------------------------

def test_the_shipped_int8_model_has_7_bit_weights_and_is_exact_on_every_kernel(bundle, windows):
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["models"]["int8"]["weight_bits"] == 7 and "saturates" in manifest["models"]["int8"]["why"]
    weights = int8_weights(bundle / "model.int8.onnx")
    assert weights.size > 100_000 and np.abs(weights.astype(int)).max() <= 64
    fast = OnnxEngine(bundle / "model.int8.onnx").embed(windows)
    exact = OnnxEngine(bundle / "model.int8.onnx", session_config=U8U8).embed(windows)
    assert np.abs(fast - exact).max() < 1e-5, "the shipped INT8 model computes differently on this CPU's U8S8 kernel"
    fp32 = load_bundle(bundle, prefer="fp32").embed(windows)
    assert cosines(fast, fp32).mean() >= 0.995 and cosines(fast, fp32).min() >= 0.99


def test_8_bit_weights_saturate_on_a_cpu_without_vnni_and_the_exact_kernel_does_not(eight_bit_model, bundle, windows):
    fp32 = load_bundle(bundle, prefer="fp32").embed(windows)
    default = OnnxEngine(eight_bit_model).embed(windows)
    exact = OnnxEngine(eight_bit_model, session_config=U8U8).embed(windows)
    assert cosines(exact, fp32).mean() >= 0.995
    if cpu_int8().u8s8_saturates:
        assert cosines(default, fp32).mean() < 0.995, f"{cpu_int8().describe()} was expected to saturate"
    else:  # VNNI or ARM: the fast kernel is exact too
        assert np.abs(default - exact).max() < 1e-5


def test_an_old_bundle_with_8_bit_weights_runs_on_the_exact_kernel_where_u8s8_would_saturate(
        eight_bit_model, bundle, windows, tmp_path):
    """A bundle exported before 7-bit weights (no weight_bits in its manifest) is never silently degraded."""
    old = shutil.copytree(bundle, tmp_path / "old")
    shutil.copyfile(eight_bit_model, old / "model.int8.onnx")
    manifest = json.loads((old / "manifest.json").read_text())
    onnx_export.write_metadata(old / "model.int8.onnx", manifest["input_contract"], {})
    for key in ("weight_bits", "why"):
        manifest["models"]["int8"].pop(key)
    manifest["files"]["model.int8.onnx"] = file_entry(old / "model.int8.onnx")
    (old / "manifest.json").write_text(json.dumps(manifest))

    loaded = load_bundle(old)
    assert loaded.variant == "int8"
    assert loaded.engine.session_config == (U8U8 if cpu_int8().u8s8_saturates else {})
    fp32 = load_bundle(old, prefer="fp32").embed(windows)
    assert cosines(loaded.embed(windows), fp32).mean() >= 0.995


def test_the_qdq_model_runs_exactly_through_the_runtime_on_this_cpu(bundle, windows):
    loaded = load_bundle(bundle, prefer="qdq")
    assert loaded.engine.session_config == (U8U8 if cpu_int8().u8s8_saturates else {})
    exact = OnnxEngine(bundle / "model.int8.qdq.onnx", session_config=U8U8).embed(windows)
    assert np.abs(loaded.embed(windows) - exact).max() < 1e-5


def test_bad_weight_bits_are_refused(bundle, tmp_path):
    copy = shutil.copytree(bundle, tmp_path / "b")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["models"]["int8"]["weight_bits"] = "seven"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="weight_bits='seven'"):
        load_bundle(copy)
    with pytest.raises(ConfigError, match="7 or 8 bits"):
        quantize.quantize_dynamic_int8(bundle / "model.onnx", tmp_path / "x.onnx", weight_bits=4)
