"""GPU check: CUDA parity and training-step throughput of the IMU encoders.

    python benchmarks/bench_gpu.py [--steps 40] [--batch-sizes 64,256,1024]

For SENvT-SS and the RNN baseline, randomly initialised (parity and speed do not depend on
training):

- parity: embeddings of 256 IMU-like windows on the CPU in FP32 against CUDA in FP32 (TF32 off)
  and CUDA under bf16 autocast, which is how `aura-edge train` runs on a GPU: max abs error and
  mean / min cosine;
- training throughput: one optimisation step as the trainer takes it (bf16 autocast forward,
  symmetric InfoNCE against text targets with label groups, backward, gradient clipping, AdamW),
  in windows per second at each batch size, and the same at batch 64 on this machine's CPU cores.
  Augmentation is left out: the trainer runs it on the CPU, and `aura-edge train` prints the
  end-to-end epoch time.

Needs a CUDA GPU (exits with code 2 and says so otherwise). Writes benchmarks/results/gpu.json
and gpu.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
from results_files import write_results

from aura_edge.console import show_messages

FAMILIES = ("senvt", "rnn")
EMBED_DIM = 384
LABELS = 32


def main() -> int:
    args = _parse_args()
    import torch

    if not torch.cuda.is_available():
        print("bench_gpu needs a CUDA GPU and none is visible (torch.cuda.is_available() is False)", file=sys.stderr)
        return 2
    from aura_edge.export.onnx_export import random_windows

    windows = random_windows(256)
    results = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda,
               "cpu_threads": torch.get_num_threads(), "steps": args.steps, "parity": {}, "train_windows_per_s": {}}
    for family in FAMILIES:
        results["parity"][family] = parity(family, windows, torch)
        speeds = {f"cuda_batch_{b}": throughput(family, "cuda", b, args.steps, torch) for b in args.batch_sizes}
        speeds["cpu_batch_64"] = throughput(family, "cpu", 64, max(3, args.steps // 8), torch)
        results["train_windows_per_s"][family] = speeds
        print(family, json.dumps(results["parity"][family]), json.dumps(speeds))
    write_results("gpu", results, render_markdown(results))
    print(render_markdown(results))
    return 0


def _parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=40, help="timed training steps per batch size (after 5 warm-up)")
    parser.add_argument("--batch-sizes", default="64,256,1024",
                        type=lambda s: [int(b) for b in s.split(",")], help="comma-separated batch sizes on the GPU")
    return parser.parse_args()


def _encoder(family: str, torch):
    from aura_edge.models import build_encoder, imu_encoder_config

    torch.manual_seed(0)
    return build_encoder(imu_encoder_config(family, "SS", EMBED_DIM))


def parity(family: str, windows: np.ndarray, torch) -> dict:
    from aura_edge.export.onnx_export import cosine

    encoder = _encoder(family, torch).eval()
    x = torch.from_numpy(windows)
    with torch.inference_mode():
        reference = encoder(x).numpy()
        encoder = encoder.cuda()
        torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
        fp32 = encoder(x.cuda()).float().cpu().numpy()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            bf16 = encoder(x.cuda()).float().cpu().numpy()
    return {name: {"max_abs_error": float(np.abs(out - reference).max()),
                   "cosine_mean": float(cosine(out, reference).mean()),
                   "cosine_min": float(cosine(out, reference).min())}
            for name, out in (("cuda_fp32", fp32), ("cuda_bf16_autocast", bf16))}


def throughput(family: str, device: str, batch: int, steps: int, torch) -> float:
    """Windows per second of full training steps on random windows and targets."""
    from aura_edge.train.loss import ContrastiveLoss

    encoder = _encoder(family, torch).to(device).train()
    loss_fn = ContrastiveLoss(["imu-text"]).to(device)
    params = [*encoder.parameters(), *loss_fn.parameters()]
    optimizer = torch.optim.AdamW(params, lr=1e-3)
    generator = torch.Generator().manual_seed(0)
    x = (torch.randn(batch, 6, 1000, generator=generator) * 2).to(device)
    text = torch.nn.functional.normalize(torch.randn(batch, EMBED_DIM, generator=generator), dim=-1).to(device)
    groups = torch.randint(0, LABELS, (batch,), generator=generator).to(device)

    def step():
        with torch.autocast(device, dtype=torch.bfloat16, enabled=device == "cuda"):
            emb = {"imu": encoder(x).float(), "text": text}
            loss, _ = loss_fn(emb, ["imu-text"], {"text": groups})
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()

    for _ in range(5):
        step()
    _sync(device, torch)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    _sync(device, torch)
    return round(batch * steps / (time.perf_counter() - start), 1)


def _sync(device: str, torch) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def render_markdown(r: dict) -> str:
    lines = ["# GPU check", "",
             f"{r['gpu']}, torch {r['torch']} (CUDA {r['cuda']}), {r['cpu_threads']} CPU threads for the CPU column. "
             "Randomly initialised SS-size encoders; 256 IMU-like windows for parity.", "",
             "| encoder | CUDA FP32 vs CPU: max abs / cosine min | CUDA bf16 autocast vs CPU: max abs / cosine mean / min |",
             "|---|---|---|"]
    for family, p in r["parity"].items():
        f, b = p["cuda_fp32"], p["cuda_bf16_autocast"]
        lines.append(f"| {family} | {f['max_abs_error']:.1e} / {f['cosine_min']:.6f} | "
                     f"{b['max_abs_error']:.1e} / {b['cosine_mean']:.5f} / {b['cosine_min']:.5f} |")
    columns = list(next(iter(r["train_windows_per_s"].values())))
    lines += ["", f"Training steps (bf16 autocast on the GPU, InfoNCE, AdamW), windows per second, {r['steps']} timed steps:",
              "", "| encoder | " + " | ".join(c.replace("_", " ") for c in columns) + " |",
              "|---" * (len(columns) + 1) + "|"]
    for family, speeds in r["train_windows_per_s"].items():
        lines.append(f"| {family} | " + " | ".join(f"{speeds[c]:,.0f}" for c in columns) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    show_messages()  # progress of training and export, as the CLI shows it
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
