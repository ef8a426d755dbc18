import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from aura_edge.train.loss import MAX_LOGIT_SCALE, ContrastiveLoss, info_nce


def reference_info_nce(a, b, scale, groups=None):
    """Direct, loop-based computation of symmetric InfoNCE (mean of both directions)."""
    a, b = a.double().numpy(), b.double().numpy()
    n = len(a)
    sim = scale * a @ b.T
    groups = np.arange(n) if groups is None else np.asarray(groups)
    total = 0.0
    for s in (sim, sim.T):
        for i in range(n):
            log_probs = s[i] - np.log(np.exp(s[i]).sum())
            positives = np.flatnonzero(groups == groups[i])
            total += -log_probs[positives].mean()
    return total / (2 * n)


def unit(n, d, seed):
    g = torch.Generator().manual_seed(seed)
    return F.normalize(torch.randn(n, d, generator=g), dim=-1)


def test_info_nce_matches_direct_computation():
    a, b = unit(7, 16, 0), unit(7, 16, 1)
    got = info_nce(a, b, torch.tensor(10.0))
    assert float(got) == pytest.approx(reference_info_nce(a, b, 10.0), rel=1e-5)


def test_duplicate_targets_are_shared_positives():
    a, b = unit(6, 8, 2), unit(6, 8, 3)
    groups = torch.tensor([0, 1, 0, 2, 1, 3])
    got = info_nce(a, b, torch.tensor(5.0), groups)
    assert float(got) == pytest.approx(reference_info_nce(a, b, 5.0, groups.numpy()), rel=1e-5)
    assert float(got) != pytest.approx(float(info_nce(a, b, torch.tensor(5.0))), rel=1e-3)


def test_perfectly_aligned_pairs_give_lower_loss_than_shuffled():
    a = unit(16, 32, 4)
    aligned = info_nce(a, a, torch.tensor(20.0))
    shuffled = info_nce(a, a[torch.randperm(16, generator=torch.Generator().manual_seed(0))], torch.tensor(20.0))
    assert float(aligned) < 0.1 < float(shuffled)


def test_temperature_is_learned_by_the_optimizer_and_clamped():
    loss_fn = ContrastiveLoss(["imu-text"])
    optimizer = torch.optim.SGD(loss_fn.parameters(), lr=1.0)
    before = float(loss_fn.logit_scale["imu-text"].detach())
    a, b = unit(8, 16, 5), unit(8, 16, 6)
    loss, parts = loss_fn({"imu": a, "text": b}, ["imu-text"])
    loss.backward()
    optimizer.step()
    assert float(loss_fn.logit_scale["imu-text"].detach()) != before
    assert set(parts) == {"imu-text"}
    with torch.no_grad():
        loss_fn.logit_scale["imu-text"].fill_(math.log(1e4))
    assert float(loss_fn.scale("imu-text").detach()) == pytest.approx(MAX_LOGIT_SCALE)
