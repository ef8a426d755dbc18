"""A run directory's life cycle: created fresh (never over an existing one), resumed, linked as latest."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from safetensors import SafetensorError
from safetensors.torch import load_file

from aura_edge.errors import RunError
from aura_edge.train import checkpoint as ckpt
from aura_edge.train.data import same_corpus

METRICS_FILE = "metrics.jsonl"


class RunDir:
    def __init__(self, path: Path, is_main: bool):
        self.path, self.is_main = path, is_main

    @classmethod
    def create(cls, config, is_main: bool, link_latest: bool = True) -> "RunDir":
        if config.resume:
            path = Path(config.resume)
            ckpt.read_config(path)  # a clear error when it is not a run
            return cls(path, is_main)
        name = config.name or f"{config.encoder}-{config.size}-{time.strftime('%Y%m%d-%H%M%S')}"
        path = Path(config.out) / name
        if path.exists() and any(path.iterdir()):
            raise RunError(f"{path} already holds a run and is never overwritten; pass another --name, "
                           f"or --resume {path} to continue it")
        if is_main:
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise RunError(f"cannot create run directory {path} ({exc}); pass a writable --out") from exc
            if link_latest:
                _link_latest(path)
        return cls(path, is_main)

    def check_same_corpus(self, fingerprint: dict) -> None:
        """--resume: refuse to go on when the corpus rebuilt now differs from the one the run began
        with, since the remaining epochs would silently train on other data. Runs that recorded no
        fingerprint (older versions) resume as before and record one now."""
        before = ckpt.read_config(self.path)
        if not before.corpus_fingerprint or same_corpus(before.corpus_fingerprint, fingerprint):
            return
        what = "its captions or labels" if before.corpus_fingerprint.get("text") != fingerprint["text"] \
            else "its signals"
        raise RunError(
            f"cannot resume {self.path}: the corpus rebuilt from {before.data!r} differs from the one it began "
            f"with ({what} changed: the simulator or the data files changed since it started). The run is "
            "untouched: use it as it is, finish it with the aura-edge it began with "
            f"({before.aura_edge_version or 'see its config.json'}), or start a new run on the data as it is now")

    def write_config(self, config: dict) -> None:
        ckpt.write_json_atomic(self.path / ckpt.CONFIG_FILE, config)

    def append_metrics(self, record: dict) -> None:
        with (self.path / METRICS_FILE).open("a") as fh:
            fh.write(json.dumps(record) + "\n")

    def save_best(self, encoders, loss_fn) -> None:
        tensors = ckpt.module_tensors({**encoders, "loss": loss_fn})
        ckpt.save_tensors_atomic(self.path / ckpt.WEIGHTS_FILE, tensors)

    def save_last(self, encoders, loss_fn, optimizer, scheduler, position) -> None:
        tensors = ckpt.module_tensors({**encoders, "loss": loss_fn})
        optim_tensors, groups = ckpt.optimizer_tensors(optimizer)
        ckpt.save_tensors_atomic(self.path / ckpt.LAST_FILE, {**tensors, **optim_tensors})
        stage, epoch, best_f1, epoch_index = position
        ckpt.write_json_atomic(self.path / ckpt.STATE_FILE, {
            "stage": stage, "epoch": epoch, "best_val_macro_f1": best_f1, "epochs_done": epoch_index,
            "param_groups": groups, "scheduler": scheduler.state_dict()})

    def resume_point(self):
        """(stage, epoch, best_f1, epochs_done) of the last finished epoch, or None for a fresh run."""
        path = self.path / ckpt.STATE_FILE
        if not path.is_file():
            return None
        state = json.loads(path.read_text())
        return state["stage"], state["epoch"], state["best_val_macro_f1"], state["epochs_done"]

    def restore_last(self, encoders, loss_fn, optimizer, scheduler) -> None:
        state = json.loads((self.path / ckpt.STATE_FILE).read_text())
        try:
            tensors = load_file(str(self.path / ckpt.LAST_FILE))
        except (SafetensorError, OSError) as exc:
            raise RunError(f"cannot resume: {self.path / ckpt.LAST_FILE} is unreadable ({exc})") from exc
        ckpt.load_module_tensors({**encoders, "loss": loss_fn}, tensors, str(self.path / ckpt.LAST_FILE))
        device = next(loss_fn.parameters()).device
        ckpt.restore_optimizer(optimizer, {k: v.to(device) for k, v in tensors.items()}, state["param_groups"])
        scheduler.load_state_dict(state["scheduler"])


def _link_latest(path: Path) -> None:
    """Point <out>/latest at the new run (a relative symlink, replaced atomically)."""
    latest = path.parent / "latest"
    tmp = path.parent / f".latest-{os.getpid()}"
    try:
        if tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(path.name, target_is_directory=True)
        os.replace(tmp, latest)
    except OSError:
        pass  # a filesystem without symlinks still gets the run itself
