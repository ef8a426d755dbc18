import math

import pytest
import torch

from aura_edge.errors import ConfigError
from aura_edge.models import build_encoder, count_parameters, imu_encoder_config
from aura_edge.models.imu_transformer import SENvT, SENvTConfig
from aura_edge.models.transformer_blocks import Block


def test_senvt_ss_outputs_unit_embeddings_of_the_text_dimension():
    model = SENvT(SENvTConfig(size="SS", embed_dim=384)).eval()
    out = model(torch.randn(3, 6, 1000) * 5)
    assert out.shape == (3, 384)
    assert torch.allclose(out.norm(dim=1), torch.ones(3), atol=1e-5)


def test_senvt_ss_parameter_count_matches_the_paper_size():
    # The paper's SS with a 512-d head has ~1.91 M parameters.
    n = count_parameters(SENvT(SENvTConfig(size="SS", embed_dim=512)))
    assert 1.85e6 < n < 1.97e6


def test_senvt_patch_size_sets_the_token_count():
    model = SENvT(SENvTConfig(patch_size=10))
    assert model.encoder.pos.shape[1] == 1000 // 10 + 1


def test_blocks_are_residual_unless_asked_to_copy_the_released_code():
    torch.manual_seed(0)
    block = Block(32, 4, 2.0, 0.0).eval()
    x = torch.randn(2, 5, 32)
    # With the MLP and attention outputs zeroed, a residual block is the identity.
    for p in (block.attn.proj.weight, block.attn.proj.bias, block.mlp[3].weight, block.mlp[3].bias):
        torch.nn.init.zeros_(p)
    assert torch.allclose(block(x), x)
    block.residual = False
    assert not torch.allclose(block(x), x)


def test_input_scaling_lives_inside_the_model():
    model = SENvT(SENvTConfig()).eval()
    assert "input_scale" in dict(model.named_buffers())
    x = torch.randn(2, 6, 1000)
    x[:, 2] += 9.81
    scaled = SENvT(SENvTConfig(input_scale=(1.0,) * 6)).eval()
    scaled.load_state_dict({k: v for k, v in model.state_dict().items() if k != "input_scale"}, strict=False)
    assert not torch.allclose(model(x), scaled(x))


@pytest.mark.parametrize("bad", [{"size": "XXL"}, {"patch_size": 7}, {"input_scale": (1.0, 2.0)}])
def test_bad_senvt_configs_name_the_problem(bad):
    with pytest.raises(ConfigError) as err:
        SENvTConfig(**bad)
    assert str(list(bad.values())[0])[:3] in str(err.value)


def test_rnn_baseline_runs_over_time_for_any_window_length():
    model = build_encoder(imu_encoder_config("rnn", "SS", 384)).eval()
    for length in (1000, 2000, 400):
        assert model(torch.randn(2, 6, length)).shape == (2, 384)


def test_mocap_encoder_takes_fifty_frames_of_coco_joints():
    model = build_encoder({"family": "mocap-transformer", "size": "SS", "embed_dim": 128}).eval()
    out = model(torch.randn(4, 50, 51))
    assert out.shape == (4, 128)
    assert torch.allclose(out.norm(dim=1), torch.ones(4), atol=1e-5)


def test_encoders_rebuild_identically_from_their_config_dict():
    model = build_encoder(imu_encoder_config("senvt", "SS", 64)).eval()
    clone = build_encoder(model.config.to_dict()).eval()
    clone.load_state_dict(model.state_dict())
    x = torch.randn(2, 6, 1000)
    assert torch.equal(model(x), clone(x))


def test_unknown_encoder_names_are_config_errors():
    with pytest.raises(ConfigError, match="--encoder senvt"):
        imu_encoder_config("lstm", "SS", 384)
    with pytest.raises(ConfigError, match="unknown encoder family"):
        build_encoder({"family": "resnet"})


@pytest.mark.parametrize("residual", [True, False])
def test_computing_only_the_cls_token_in_the_last_block_is_exact(residual):
    torch.manual_seed(0)
    model = SENvT(SENvTConfig(residual=residual)).eval()
    x = torch.randn(3, 6, 1000) * 4
    encoder = model.encoder
    tokens = model.patch_norm(model.patch_embed(x / model.input_scale).transpose(1, 2))
    full = torch.cat([encoder.cls.expand(3, -1, -1), tokens], dim=1) + encoder.pos
    for block in encoder.blocks:  # every token through every block, as a plain ViT does
        full = block(full)
    assert torch.allclose(encoder(tokens), encoder.norm(full)[:, 0], atol=1e-5)


def _rotated(x: torch.Tensor, angle: float) -> torch.Tensor:
    """The same motion seen by a sensor turned by `angle` about its x axis (both triads turn)."""
    c, s = math.cos(angle), math.sin(angle)
    r = torch.tensor([[1.0, 0, 0], [0, c, -s], [0, s, c]])
    return torch.cat([torch.einsum("ij,bjt->bit", r, x[:, :3]), torch.einsum("ij,bjt->bit", r, x[:, 3:])], dim=1)


def test_magnitude_channels_are_the_mount_free_part_of_the_input():
    torch.manual_seed(0)
    model = build_encoder(imu_encoder_config("senvt", "SS", 64)).eval()
    assert model.config.magnitude_channels and model.patch_embed.in_channels == 8
    x = torch.randn(2, 6, 1000) * 3
    x[:, 2] += 9.81
    with torch.no_grad():
        assert not torch.allclose(model(x), model(_rotated(x, 1.0)), atol=1e-4)  # the raw axes see the turn
        model.patch_embed.weight[:, :6] = 0  # keep only the two magnitude channels
        assert torch.allclose(model(x), model(_rotated(x, 1.0)), atol=1e-4)


def test_a_config_written_before_magnitude_channels_loads_with_six_input_channels():
    old = {"family": "senvt", "size": "SS", "embed_dim": 64}  # what older config.json files hold
    assert build_encoder(old).patch_embed.in_channels == 6
