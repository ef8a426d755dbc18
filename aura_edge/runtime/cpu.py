"""Which INT8 matrix-multiply path this CPU gives ONNX Runtime, and whether it can saturate.

ONNX Runtime multiplies uint8 activations by int8 weights (U8S8). On x86 CPUs with AVX2 or
AVX-512 but without VNNI it does so with VPMADDUBSW, which adds two u8 x s8 products into a
saturating int16: 255 * 127 * 2 = 64770 does not fit, so large activations meeting large weights
are silently clipped (the ONNX Runtime quantization docs; ../shared/reference/int8-on-x86.md).
VNNI (AVX-512 VNNI, AVX-VNNI) accumulates in int32, and ARM has no such instruction, so neither
saturates. Weights limited to 7 bits (|w| <= 64) keep the pair sum at most 255 * 64 * 2 = 32640,
which fits: such a model computes exactly on every kernel. For 8-bit weights on a saturating
CPU the session option `session.x64quantprecision` selects ORT's slower U8U8 kernels, which are
exact too.

Only the standard library is used, so the torch-free runtime can ask.
"""

from __future__ import annotations

import functools
import platform
from dataclasses import dataclass
from pathlib import Path

X86_MACHINES = {"x86_64", "amd64", "i386", "i686", "x86"}
# /proc/cpuinfo flag names; avx_vnni is the 256-bit VNNI of Alder Lake and Zen 5 client parts.
FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8")
SAFE_INT8_WEIGHT_BITS = 7  # the widest weights U8S8 cannot saturate with (|w| <= 64)
EXACT_U8U8_OPTION = ("session.x64quantprecision", "1")


@dataclass(frozen=True)
class CpuInt8:
    """What matters about this CPU for INT8 inference on ONNX Runtime."""

    machine: str            # platform.machine()
    model: str              # CPU model name, where the OS tells
    flags: tuple[str, ...]  # those of FLAGS present; empty where unknown
    known: bool             # whether the flags could be read at all

    @property
    def x86(self) -> bool:
        return self.machine.lower() in X86_MACHINES

    @property
    def vnni(self) -> bool:
        return "avx512_vnni" in self.flags or "avx_vnni" in self.flags

    @property
    def u8s8_saturates(self) -> bool:
        """True where 8-bit weights can saturate: x86 without VNNI, or x86 whose flags are unknown."""
        return self.x86 and not (self.known and self.vnni)

    @property
    def kind(self) -> str:
        """A short name for results files: one table per machine kind ('x86-avx2', 'x86-avx512-vnni', 'arm64')."""
        if not self.x86:
            return self.machine.lower() or "unknown"
        if not self.known:
            return "x86-unknown"
        if "avx512_vnni" in self.flags:
            return "x86-avx512-vnni" + ("-amx" if "amx_int8" in self.flags else "")
        if "avx_vnni" in self.flags:
            return "x86-avx-vnni"
        return "x86-avx512" if "avx512f" in self.flags else "x86-avx2" if "avx2" in self.flags else "x86-sse"

    def describe(self) -> str:
        flags = " ".join(self.flags) if self.known else "features unknown"
        return f"{self.model or self.machine} ({flags})"


@functools.lru_cache(maxsize=1)
def cpu_int8() -> CpuInt8:
    """This machine's CpuInt8 (Linux reads /proc/cpuinfo; elsewhere x86 features count as unknown)."""
    machine = platform.machine()
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return CpuInt8(machine, platform.processor(), (), known=machine.lower() not in X86_MACHINES)
    return parse_cpuinfo(text, machine)


def parse_cpuinfo(text: str, machine: str) -> CpuInt8:
    model, present = "", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and not model:
            model = value.strip()
        elif key == "flags":
            present |= set(value.split())
    flags = tuple(f for f in FLAGS if f in present)
    return CpuInt8(machine, model, flags, known=bool(present) or machine.lower() not in X86_MACHINES)


def int8_session_options(weight_bits: int, cpu: CpuInt8 | None = None) -> tuple[dict[str, str], str]:
    """(ONNX Runtime session config entries, a one-line description) that run an INT8 model exactly here.

    weight_bits: the widest weight of the model (7 for models exported since the fix, 8 for QDQ
    models and for bundles exported before it).
    """
    cpu = cpu or cpu_int8()
    if weight_bits <= SAFE_INT8_WEIGHT_BITS:
        return {}, f"U8S8 with {weight_bits}-bit weights (exact on every CPU)"
    if not cpu.u8s8_saturates:
        return {}, f"U8S8 with {weight_bits}-bit weights ({'VNNI' if cpu.vnni else cpu.machine}: no saturation)"
    key, value = EXACT_U8U8_OPTION
    return {key: value}, (f"U8U8 with {weight_bits}-bit weights: this CPU has no VNNI, where U8S8 would "
                          "saturate; exact but slower")
