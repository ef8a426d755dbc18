"""`aura-edge train`: progressive contrastive training, on CPU, one GPU, or several via torchrun.

Rank 0 owns the run directory. After every epoch it scores zero-shot macro-F1 on the validation
split, keeps the best weights in model.safetensors, and writes last.safetensors for --resume.
"""

from __future__ import annotations

import json
import logging
import math
import shlex
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from aura_edge import __version__, pretrained
from aura_edge.errors import ConfigError
from aura_edge.evaluate import PROMPT_TEMPLATES, anchor_captions, build_label_bank, zero_shot
from aura_edge.models import build_encoder, count_parameters, embed_imu, imu_encoder_config
from aura_edge.models.frozen import EmbeddingCache, load_text_encoder
from aura_edge.signals import input_contract
from aura_edge.synth.vocabulary.drills import is_drill
from aura_edge.train import checkpoint as ckpt
from aura_edge.train import distributed as dist_utils
from aura_edge.train.augment import AugmentConfig, augment_imu
from aura_edge.train.config import TrainConfig, orientation_share, synth_config
from aura_edge.train.data import batches, corpus_fingerprint, embed_targets, load_corpus, video_available
from aura_edge.train.loss import ContrastiveLoss
from aura_edge.train.run_config import RunConfig
from aura_edge.train.run_dir import RunDir
from aura_edge.train.stages import Stage, plan_stages, resolve_epochs

log = logging.getLogger(__name__)


def augment_config(data: str, orientation: str = TrainConfig.orientation) -> AugmentConfig:
    """Augmentation never simulates a device slower than the corpus's slowest, so a corpus that
    leaves low rates out (the leave-rate-out protocol) keeps them out of training entirely.
    ``orientation`` 'any' turns every window to a random orientation, 'mixed' half of them, a number
    that share of them; 'as-worn' only tilts them."""
    synth = synth_config(data)
    config = AugmentConfig(free_rotation_prob=orientation_share(orientation))
    return replace(config, min_rate_hz=min(max(synth.rates_hz[0], 10.0), 200.0)) if synth else config


def _sees_gravity_removed(config: TrainConfig) -> bool:
    """Whether training shows the model gravity-removed windows (augmentation or corpus devices)."""
    return ((config.augment and augment_config(config.data).gravity_removal_prob > 0)
            or bool(config.synth and config.synth.gravity_removed > 0))


def resolve_device(name: str) -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"--device {name} was asked for but no CUDA GPU is visible; use --device cpu")
    try:
        return torch.device(name)
    except RuntimeError as exc:
        raise ConfigError(f"--device {name!r} is not a device name; use cpu, cuda or cuda:N") from exc


def train(config: TrainConfig) -> Path:
    """Train (and, by default, the RNN baseline beside it); returns the run directory.

    Writes no report: `aura_edge.pipeline.train_and_report` (what `aura-edge train` runs) does.
    """
    world = dist_utils.init(config.device)
    try:
        device = resolve_device(config.device) if world.size == 1 else world.device
        # Resolved once here, so the run's config.json (and --resume, and the baseline) hold the numbers.
        config = replace(config, epochs=resolve_epochs(config.epochs, len(config.stage_list), device.type))
        run = _train_one(config, world, device).run
        if config.baseline and config.encoder != "rnn":
            existing = run.path / "baseline-rnn"
            resume = str(existing) if (existing / ckpt.CONFIG_FILE).is_file() else None
            baseline = TrainConfig(**{**config.as_dict(), "encoder": "rnn", "baseline": False, "resume": resume,
                                      "out": str(run.path), "name": "baseline-rnn"})
            _train_one(baseline, world, device, link_latest=False)
        return run.path
    finally:
        dist_utils.shutdown(world)


def _train_one(config: TrainConfig, world: dist_utils.World, device: torch.device,
               link_latest: bool = True) -> "Trainer":
    torch.manual_seed(config.seed + world.rank)
    corpus = dict(load_corpus(config.data))  # a copy: the cached splits are shared
    if config.max_train_windows and len(corpus["train"]) > config.max_train_windows:
        keep = np.random.default_rng(config.seed).choice(len(corpus["train"]), config.max_train_windows, False)
        corpus["train"] = corpus["train"].subset(np.sort(keep))
    text_encoder = load_text_encoder(config.text_encoder)
    use_video = video_available(corpus["train"], text_encoder)
    plan = plan_stages(config.stage_list, config.epochs_per_stage(device.type),
                       corpus["train"].mocap is not None, use_video)
    encoders = {"imu": build_encoder(imu_encoder_config(config.encoder, config.size, text_encoder.dim))}
    if any("mocap" in s.trainable for s in plan):
        encoders["mocap"] = build_encoder({"family": "mocap-transformer", "size": config.size,
                                           "embed_dim": text_encoder.dim})
    loss_fn = ContrastiveLoss(sorted({p for s in plan for p in s.pairs}))
    init_captions = _start_from(config.init, encoders["imu"], loss_fn, text_encoder.id) if config.init else ()
    # Rank 0 names and creates the run directory; the others use the path it chose.
    run_path = dist_utils.from_main(lambda: RunDir.create(config, True, link_latest).path, world)
    run = RunDir(run_path, world.is_main)
    run_config = _run_config(config, encoders, text_encoder, corpus, plan, device, init_captions)
    if config.resume:
        run.check_same_corpus(run_config["corpus_fingerprint"])
    if world.is_main:
        run.write_config(run_config)
        log.info(f"[{run.path.name}] {config.encoder}-{config.size}: "
                 f"{count_parameters(encoders['imu']) / 1e6:.2f} M IMU-encoder parameters, "
                 f"{len(corpus['train'])} training windows, device {device}, {world.size} process(es)")
        for stage in plan:
            log.info("  plan: %s", stage.describe())
    trainer = Trainer(config, world, device, encoders, loss_fn, run)
    trainer.fit(plan, corpus, text_encoder)
    return trainer


def _start_from(init: str, encoder: torch.nn.Module, loss_fn: ContrastiveLoss, text_encoder_id: str) -> tuple:
    """--init: load a run's IMU encoder (and its temperatures) after checking that it is the encoder
    this run builds and was trained against the same text encoder; returns the run's captions (the
    fine-tuned run keeps them as label-expansion anchors, beside its own)."""
    init_dir = pretrained.run_path(init)
    source = ckpt.read_config(init_dir)
    built = json.loads(json.dumps(encoder.config.to_dict()))   # tuples as lists, like config.json
    differs = [f"{key} {source.imu_encoder.get(key)!r} there, {value!r} here" for key, value in built.items()
               if source.imu_encoder.get(key) != value]
    if differs:
        raise ConfigError(f"--init {init} holds a {source.model_name} encoder that differs from the one this run "
                          f"builds ({'; '.join(differs)}); leave --encoder/--size out or pick another run")
    if source.text_encoder != text_encoder_id:
        raise ConfigError(f"--init {init} was trained against text encoder {source.text_encoder}, this run uses "
                          f"{text_encoder_id}; pass --text-encoder {source.text_encoder_spec}")
    tensors = ckpt.read_weights(init_dir / ckpt.WEIGHTS_FILE)
    ckpt.load_module_tensors({"imu": encoder}, tensors, str(init_dir / ckpt.WEIGHTS_FILE))
    own = loss_fn.state_dict()
    loss_fn.load_state_dict({k[len("loss."):]: v for k, v in tensors.items()
                             if k.startswith("loss.") and k[len("loss."):] in own}, strict=False)
    log.info(f"starting from {init} ({source.model_name}, trained with `{source.command or 'unknown'}`)")
    return source.captions


def _run_config(config, encoders, text_encoder, corpus, plan, device, init_captions=()) -> dict:
    return RunConfig(
        aura_edge_version=__version__,
        command=shlex.join(["aura-edge", *sys.argv[1:]]),
        imu_encoder=encoders["imu"].config.to_dict(),
        mocap_encoder=encoders["mocap"].config.to_dict() if "mocap" in encoders else None,
        text_encoder=text_encoder.id,
        input_contract=input_contract(text_encoder.dim, _sees_gravity_removed(config)),
        labels=tuple(label for label in corpus["train"].labels if not is_drill(label)),   # a drill's name means nothing
        prompt_templates=tuple(PROMPT_TEMPLATES),
        # anchors for label expansion at export / eval (a fine-tuned run keeps its --init run's too)
        captions=tuple(dict.fromkeys([*anchor_captions(corpus["train"].caption), *init_captions])),
        plan=tuple(s.describe() for s in plan),
        corpus_fingerprint=corpus_fingerprint(corpus),
        train=config.as_dict(),
        trained_on=str(device),  # what --device auto chose; "train" keeps the option as given
    ).to_dict()


class Trainer:
    """Runs the stages of a plan; one instance per trained IMU encoder."""

    def __init__(self, config: TrainConfig, world, device, encoders, loss_fn, run: RunDir):
        self.config, self.world, self.device, self.run = config, world, device, run
        self.encoders = {k: m.to(device) for k, m in encoders.items()}
        self.loss_fn = loss_fn.to(device)
        self.best_f1 = -1.0
        self.epoch_index = 0  # counts epochs across stages, for metrics and resume
        self.augment = augment_config(config.data, config.orientation)

    def fit(self, plan: list[Stage], corpus, text_encoder) -> None:
        cache = EmbeddingCache()
        use_video = video_available(corpus["train"], text_encoder)
        train_targets = embed_targets(corpus["train"], text_encoder, cache, self.device, use_video,
                                      self.config.positives)
        labels = corpus["val"].labels
        self.val_bank = build_label_bank(text_encoder, labels)
        self.val_labels = labels
        train_windows = {"imu": torch.from_numpy(corpus["train"].imu)}
        if corpus["train"].mocap is not None:
            train_windows["mocap"] = torch.from_numpy(corpus["train"].mocap)
        resume_at = self.run.resume_point()
        if self.config.init and not resume_at:
            self._score_start(corpus["val"])
        for stage in plan:
            self._run_stage(stage, train_windows, train_targets, corpus["val"], resume_at)

    def _run_stage(self, stage: Stage, windows, targets, val_set, resume_at) -> None:
        n_full, fraction = int(stage.epochs), stage.epochs - int(stage.epochs)
        epoch_fractions = [1.0] * n_full + ([fraction] if fraction > 1e-6 else [])
        models = {k: dist_utils.wrap(self.encoders[k], self.world) for k in stage.trainable}
        params = [p for m in models.values() for p in m.parameters()] + list(self.loss_fn.parameters())
        optimizer = torch.optim.AdamW(params, lr=self.config.lr, weight_decay=self.config.weight_decay)
        steps_per_epoch = max(1, len(windows["imu"]) // (self.config.batch_size * self.world.size))
        total = max(1, int(sum(epoch_fractions) * steps_per_epoch))
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, _warmup_cosine(total, warmup=min(100, total // 10)))
        for epoch, frac in enumerate(epoch_fractions):
            if resume_at and (stage.number, epoch) <= resume_at[:2]:
                if (stage.number, epoch) == resume_at[:2]:
                    self.run.restore_last(self.encoders, self.loss_fn, optimizer, scheduler)
                    self.best_f1, self.epoch_index = resume_at[2], resume_at[3]
                continue
            seed = self.config.seed * 1000 + stage.number * 100 + epoch
            loss = self._train_epoch(stage, models, optimizer, scheduler, windows, targets, seed, frac)
            self._end_epoch(stage, epoch, loss, val_set, optimizer, scheduler)

    def _train_epoch(self, stage, models, optimizer, scheduler, windows, targets, seed, fraction) -> float:
        for m in models.values():
            m.train()
        index_batches = list(batches(len(windows["imu"]), self.config.batch_size, seed, self.world.rank,
                                     self.world.size, fraction))
        bar = _progress(index_batches, f"stage {stage.number} epoch {self.epoch_index + 1}",
                        self.config.progress and self.world.is_main)
        losses = []
        generator = torch.Generator().manual_seed(seed + 7919 * self.world.rank)
        for idx in bar:
            idx_t = torch.from_numpy(idx)
            with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.device.type == "cuda"):
                emb = self._embed_batch(stage, models, windows, idx_t, generator)
                emb["text"] = targets.text[idx_t.to(self.device)]
                if targets.video is not None:
                    emb["video"] = targets.video[idx_t.to(self.device)]
                emb = {k: v.float() for k, v in emb.items()}
                groups = {"text": targets.text_group[idx_t.to(self.device)]}
                loss, _ = self.loss_fn(emb, list(stage.pairs), groups)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            dist_utils.average_gradients(self.loss_fn, self.world)  # temperatures are not DDP-wrapped
            torch.nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], 1.0)
            optimizer.step()
            scheduler.step()
            losses.append(float(loss.detach()))
            if hasattr(bar, "set_postfix"):
                bar.set_postfix(loss=f"{np.mean(losses[-20:]):.3f}")
        return dist_utils.mean_across(float(np.mean(losses)), self.world)

    def _embed_batch(self, stage, models, windows, idx, generator) -> dict[str, torch.Tensor]:
        imu = windows["imu"][idx]
        if self.config.augment:
            imu = augment_imu(imu, generator, self.augment)
        emb = {"imu": models["imu"](imu.to(self.device, non_blocking=True))}
        if "mocap" in models:
            emb["mocap"] = models["mocap"](windows["mocap"][idx].to(self.device, non_blocking=True))
        return emb

    def _validate(self, val_set):
        """Zero-shot accuracy and macro-F1 of the IMU encoder on the validation split."""
        return zero_shot(embed_imu(self.encoders["imu"], val_set.imu, self.device), val_set.label,
                         self.val_labels, self.val_bank)

    def _score_start(self, val_set) -> None:
        """--init: the starting weights are the first candidate for the best model (epoch 0), so
        fine-tuning that does not help on the validation split is not kept."""
        if self.world.is_main:
            result = self._validate(val_set)
            self.best_f1 = result.macro_f1
            self.run.save_best(self.encoders, self.loss_fn)
            self.run.append_metrics({"epoch": 0, "stage": 0, "val_accuracy": round(result.accuracy, 5),
                                     "val_macro_f1": round(result.macro_f1, 5), "time": round(time.time(), 1)})
            log.info(f"  before fine-tuning: val zero-shot acc {result.accuracy:.3f} macro-F1 {result.macro_f1:.3f}")
        dist_utils.barrier(self.world)

    def _end_epoch(self, stage, epoch, loss, val_set, optimizer, scheduler) -> None:
        self.epoch_index += 1
        if not self.world.is_main:
            dist_utils.barrier(self.world)
            return
        result = self._validate(val_set)
        scales = {p: round(float(self.loss_fn.scale(p).detach()), 3) for p in stage.pairs}
        record = {"epoch": self.epoch_index, "stage": stage.number, "train_loss": round(loss, 5),
                  "val_accuracy": round(result.accuracy, 5), "val_macro_f1": round(result.macro_f1, 5),
                  "logit_scale": scales, "time": round(time.time(), 1)}
        self.run.append_metrics(record)
        log.info(f"  epoch {self.epoch_index} (stage {stage.number}): loss {loss:.4f}, "
                 f"val zero-shot acc {result.accuracy:.3f} macro-F1 {result.macro_f1:.3f}")
        if result.macro_f1 > self.best_f1:
            self.best_f1 = result.macro_f1
            self.run.save_best(self.encoders, self.loss_fn)
        self.run.save_last(self.encoders, self.loss_fn, optimizer, scheduler,
                           (stage.number, epoch, self.best_f1, self.epoch_index))
        dist_utils.barrier(self.world)


def _warmup_cosine(total: int, warmup: int):
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return 0.5 * (1 + math.cos(math.pi * min(1.0, (step - warmup) / max(1, total - warmup))))
    return factor


def _progress(items, desc: str, enabled: bool):
    if not enabled:
        return items
    try:
        from tqdm import tqdm
    except ImportError:
        return items
    return tqdm(items, desc=desc, leave=False, dynamic_ncols=True, mininterval=0.5)
