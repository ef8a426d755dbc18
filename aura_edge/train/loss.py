"""Symmetric InfoNCE over unit embeddings, with one learnable temperature per modality pair.

The temperature is log-parametrised (`logit_scale`, as in CLIP), registered as a parameter of this
module so the optimizer updates it (the paper's code kept a raw parameter without a clamp), and
clamped to at most 100. Windows whose targets are identical (the same caption text, the same
activity in one batch) are all positives for each other instead of false negatives.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

MAX_LOGIT_SCALE = 100.0
INITIAL_TEMPERATURE = 0.07


def info_nce(a: torch.Tensor, b: torch.Tensor, logit_scale: torch.Tensor,
             groups: torch.Tensor | None = None) -> torch.Tensor:
    """Mean of the a->b and b->a cross-entropies of scaled cosine similarities.

    a, b: (B, D) L2-normalised; row i of a is paired with row i of b.
    groups: optional (B,) ids; rows with equal ids are positives for each other (soft targets).
    """
    logits = logit_scale * a @ b.t()  # (B, B)
    if groups is None:
        target = torch.arange(len(a), device=a.device)
        return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))
    positives = (groups[:, None] == groups[None, :]).float()
    target = positives / positives.sum(dim=1, keepdim=True)
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))


class ContrastiveLoss(nn.Module):
    """Sum over modality pairs ("imu-text", "imu-mocap", ...) of symmetric InfoNCE."""

    def __init__(self, pairs: list[str], initial_temperature: float = INITIAL_TEMPERATURE):
        super().__init__()
        init = math.log(1.0 / initial_temperature)
        self.logit_scale = nn.ParameterDict({p: nn.Parameter(torch.tensor(init)) for p in pairs})

    def scale(self, pair: str) -> torch.Tensor:
        return self.logit_scale[pair].exp().clamp(max=MAX_LOGIT_SCALE)

    def forward(self, embeddings: dict[str, torch.Tensor], pairs: list[str],
                groups: dict[str, torch.Tensor] | None = None) -> tuple[torch.Tensor, dict[str, float]]:
        """embeddings: modality -> (B, D); pairs like "imu-text"; groups: modality -> (B,) target ids."""
        groups = groups or {}
        total, parts = 0.0, {}
        for pair in pairs:
            left, right = pair.split("-")
            loss = info_nce(embeddings[left], embeddings[right], self.scale(pair), groups.get(right))
            parts[pair] = float(loss.detach())
            total = total + loss
        return total, parts
