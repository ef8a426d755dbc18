import numpy as np
import open_clip
import pytest
import torch

from aura_edge.errors import ConfigError, WeightsError
from aura_edge.models.frozen import EmbeddingCache, OpenCLIPEncoder, load_text_encoder


def tiny_clip_encoder() -> OpenCLIPEncoder:
    """A randomly initialised, tiny CLIP (no download) wrapped like a real one."""
    torch.manual_seed(0)
    model = open_clip.CLIP(
        embed_dim=32,
        vision_cfg=open_clip.CLIPVisionCfg(layers=1, width=32, head_width=16, patch_size=8, image_size=32),
        text_cfg=open_clip.CLIPTextCfg(context_length=77, vocab_size=49408, width=32, heads=2, layers=1),
    )
    return OpenCLIPEncoder(model, open_clip.get_tokenizer("ViT-B-32"), "open_clip:tiny:random")


def test_minilm_encodes_offline_into_384_unit_vectors():
    encoder = load_text_encoder("minilm")
    emb = encoder.encode(["a person is running", "someone jogs along a road", "a person sits on a chair"])
    assert emb.shape == (3, 384) and emb.dtype == np.float32
    assert np.allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-5)
    # Paraphrases land closer than different activities.
    assert emb[0] @ emb[1] > emb[0] @ emb[2]


def test_tiny_clip_encodes_text_and_averages_video_frames():
    encoder = tiny_clip_encoder()
    text = encoder.encode(["waving", "clapping"])
    frames = np.random.default_rng(0).integers(0, 255, (3, 4, 40, 40, 3), dtype=np.uint8)
    video = encoder.encode_video(frames)
    assert text.shape == (2, 32) and video.shape == (3, 32)
    assert np.allclose(np.linalg.norm(video, axis=1), 1, atol=1e-5)
    # The mean over frames depends on every frame.
    changed = frames.copy()
    changed[0, 3] = 0
    assert not np.allclose(encoder.encode_video(changed)[0], video[0])


def test_missing_clip_weights_file_names_the_flag(tmp_path):
    with pytest.raises(WeightsError, match="--text-encoder open_clip:ViT-B-32:"):
        load_text_encoder(f"open_clip:ViT-B-32:{tmp_path}/nope.safetensors")


def test_uncached_clip_tag_fails_without_downloading(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    with pytest.raises(WeightsError, match="never downloads"):
        load_text_encoder("open_clip:ViT-B-32:laion2b_s34b_b79k")


@pytest.mark.parametrize("spec", ["bert", "open_clip:ViT-B-32", "open_clip:NoSuchArch:x.pt"])
def test_bad_text_encoder_specs_are_config_errors(spec):
    with pytest.raises(ConfigError):
        load_text_encoder(spec)


def test_embedding_cache_encodes_each_text_once(tmp_path):
    calls = []

    class Counting:
        id = "counting"

        def encode(self, texts):
            calls.append(list(texts))
            return np.eye(8, dtype=np.float32)[: len(texts)]

    cache = EmbeddingCache(tmp_path)
    first = cache.encode(Counting(), ["b", "a", "b"])
    second = cache.encode(Counting(), ["a", "b", "b"])
    assert calls == [["a", "b"]]  # unique texts, once; the second call is served from disk
    assert np.array_equal(first[0], first[2]) and np.array_equal(first[1], second[0])
