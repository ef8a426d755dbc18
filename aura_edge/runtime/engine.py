"""Inference engines for an exported IMU encoder: ONNX Runtime (CPU, any machine) and TensorRT (GPU).

Both take canonical windows ``(B, 6, 1000)`` float32 (m/s², rad/s at 200 Hz; the input scaling is
inside the model) and return ``(B, D)`` L2-normalised float32 embeddings. Only numpy and
onnxruntime are imported here; TensorRT and the CUDA bindings are imported when a TensorRT engine
is created, so a CPU-only install never needs them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from aura_edge.errors import BundleError, DataError
from aura_edge.runtime.cpu import int8_session_options
from aura_edge.signals import CHANNELS, WINDOW_SAMPLES

WINDOW_SHAPE = (len(CHANNELS), WINDOW_SAMPLES)  # (6, 1000)


def check_windows(windows: np.ndarray) -> np.ndarray:
    """Refuse anything but (B, 6, 1000); returns a contiguous float32 array."""
    windows = np.asarray(windows)
    if windows.ndim == 2 and windows.shape == WINDOW_SHAPE:
        windows = windows[None]
    if windows.ndim != 3 or windows.shape[1:] != WINDOW_SHAPE:
        hint = " (time-major? transpose to channels-first)" if windows.shape[-2:] == WINDOW_SHAPE[::-1] else ""
        raise DataError(f"model input must be (batch, {WINDOW_SHAPE[0]}, {WINDOW_SHAPE[1]}) windows, "
                        f"got {windows.shape}{hint}")
    return np.ascontiguousarray(windows, dtype=np.float32)


class OnnxEngine:
    """An ONNX model on ONNX Runtime's CPU provider, with a fixed number of threads.

    One thread by default: on a wearable hub the engine shares the CPU with the link and the
    scorer, and batch-1 latency barely improves with more threads for a model this small.
    """

    def __init__(self, path: Path | str, threads: int = 1, providers: list | None = None,
                 session_config: dict[str, str] | None = None, int8_path: str = ""):
        import onnxruntime as ort

        self.path = Path(path)
        self.session_config = dict(session_config or {})
        self.int8_path = int8_path  # how INT8 matmuls run here (runtime/cpu.py); "" for FP32
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        for key, value in self.session_config.items():
            options.add_session_config_entry(key, value)
        try:
            self.session = ort.InferenceSession(str(self.path), options,
                                                providers=providers or ["CPUExecutionProvider"])
        except Exception as exc:  # ORT raises its own Fail/InvalidGraph/NoSuchFile types
            raise BundleError(f"ONNX Runtime cannot load {self.path} ({exc}); re-export the bundle") from exc
        self.input_name = self.session.get_inputs()[0].name
        self.output_dim = int(self.session.get_outputs()[0].shape[-1])

    @property
    def input_shape(self) -> list:
        return list(self.session.get_inputs()[0].shape)

    @property
    def metadata(self) -> dict[str, str]:
        return dict(self.session.get_modelmeta().custom_metadata_map)

    def embed(self, windows: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.input_name: check_windows(windows)})[0]


def exact_int8_engine(path: Path | str, weight_bits: int, threads: int = 1) -> OnnxEngine:
    """An INT8 ONNX model on the ONNX Runtime kernel that cannot saturate on this CPU (runtime/cpu.py)."""
    session_config, int8_path = int8_session_options(weight_bits)
    return OnnxEngine(path, threads=threads, session_config=session_config, int8_path=int8_path)


class TensorRTEngine:
    """A serialized TensorRT plan (built by `aura-edge export --tensorrt`) run on the GPU.

    Needs the `tensorrt` package, a CUDA GPU and cuda-python (`pip install cuda-python`) for
    device memory. Inputs beyond the plan's optimisation profile (batch 1..max) are refused by
    TensorRT itself.
    """

    def __init__(self, plan_path: Path | str):
        trt, cudart = _import_tensorrt_runtime()
        self._trt, self._cudart = trt, cudart
        self.path = Path(plan_path)
        logger = trt.Logger(trt.Logger.WARNING)
        self._engine = trt.Runtime(logger).deserialize_cuda_engine(self.path.read_bytes())
        if self._engine is None:
            raise BundleError(f"TensorRT could not deserialize {self.path}: plans only run with the TensorRT "
                              "version and GPU they were built for; rebuild with `aura-edge export --tensorrt`")
        self._context = self._engine.create_execution_context()
        names = [self._engine.get_tensor_name(i) for i in range(self._engine.num_io_tensors)]
        is_input = [self._engine.get_tensor_mode(n) == trt.TensorIOMode.INPUT for n in names]
        self.input_name = names[is_input.index(True)]
        self.output_name = names[is_input.index(False)]
        self.output_dim = int(self._engine.get_tensor_shape(self.output_name)[-1])
        self._stream = _cuda_check(cudart.cudaStreamCreate())

    def embed(self, windows: np.ndarray) -> np.ndarray:
        cudart = self._cudart
        x = check_windows(windows)
        out = np.empty((len(x), self.output_dim), dtype=np.float32)
        self._context.set_input_shape(self.input_name, x.shape)
        d_in = _cuda_check(cudart.cudaMalloc(x.nbytes))
        d_out = _cuda_check(cudart.cudaMalloc(out.nbytes))
        try:
            h2d, d2h = cudart.cudaMemcpyKind.cudaMemcpyHostToDevice, cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost
            _cuda_check(cudart.cudaMemcpy(d_in, x.ctypes.data, x.nbytes, h2d))
            self._context.set_tensor_address(self.input_name, int(d_in))
            self._context.set_tensor_address(self.output_name, int(d_out))
            if not self._context.execute_async_v3(int(self._stream)):
                raise BundleError(f"TensorRT failed to run {self.path} on a batch of {len(x)}")
            _cuda_check(cudart.cudaStreamSynchronize(self._stream))
            _cuda_check(cudart.cudaMemcpy(out.ctypes.data, d_out, out.nbytes, d2h))
        finally:
            cudart.cudaFree(d_in)
            cudart.cudaFree(d_out)
        return out


def _import_tensorrt_runtime():
    try:
        import tensorrt as trt
    except ImportError as exc:
        raise BundleError("the TensorRT engine needs the `tensorrt` package (pip install 'aura-edge[tensorrt]', "
                          "or the system package on a Jetson); use prefer='int8' to run on ONNX Runtime") from exc
    try:
        from cuda.bindings import runtime as cudart
    except ImportError:
        try:
            from cuda import cudart  # cuda-python < 12.6
        except ImportError as exc:
            raise BundleError("the TensorRT engine needs cuda-python for GPU memory: pip install cuda-python") from exc
    return trt, cudart


def _cuda_check(result):
    """cuda-python returns (status, value...) tuples; raise on a non-zero status."""
    status, *values = result if isinstance(result, tuple) else (result,)
    if int(status) != 0:
        raise BundleError(f"CUDA call failed with status {status}; is a GPU visible to this process?")
    return values[0] if values else None
