"""`aura-edge export`: ONNX parity, INT8 fidelity, the TensorRT QDQ structure, atomic bundles, bad input.

One tiny run (random-weight SENvT-SS on the tiny corpus) is exported once with --int8; tests that
only need the export to fail or to be replaced fake the slow torch.export step with a copy.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest
import torch
from click.testing import CliRunner

from aura_edge.cli import main
from aura_edge.errors import BundleError, ConfigError, RunError, WeightsError
from aura_edge.evaluate import DEFAULT_LABEL_EXPANSION, anchor_captions, run_label_bank
from aura_edge.export import ExportConfig, export_bundle, onnx_export, quantize
from aura_edge.export import bundle as bundle_mod
from aura_edge.export.label_bank import MAX_LABEL_CHARS, MAX_LABELS, validate_labels
from aura_edge.models.imu_transformer import SENVT_SIZES
from aura_edge.runtime.bundle import CONTRACT_METADATA_KEY, load_bundle
from aura_edge.train.checkpoint import read_config

CALIBRATION_WINDOWS = 32  # the tiny corpus has 48 training windows; real exports use >= 200
_BUILT: dict = {}


def make_tiny_run(root: Path) -> Path:
    """A run directory as training writes it, with random SENvT-SS weights and the tiny corpus."""
    from conftest import TINY_LABELS, make_tiny_windows

    from aura_edge.models import build_encoder, imu_encoder_config
    from aura_edge.train import checkpoint as ckpt

    corpus, run = root / "corpus", root / "run"
    corpus.mkdir()
    run.mkdir()
    for split, subjects, seed in (("train", range(4), 1), ("val", range(4, 5), 2), ("test", range(5, 6), 3)):
        make_tiny_windows(subjects, seed=seed).save(corpus / f"{split}.npz")
    torch.manual_seed(0)
    encoder = build_encoder(imu_encoder_config("senvt", "SS", 384)).eval()
    captions = anchor_captions(make_tiny_windows(range(4), seed=1).caption)
    return ckpt.save_untrained_run(run, encoder, list(TINY_LABELS), str(corpus), captions=captions)


def build_tiny_bundle(tmp_path_factory) -> tuple[Path, Path]:
    """(run, bundle) exported once per test session; tests copy the bundle before changing it."""
    if not _BUILT:
        run = make_tiny_run(tmp_path_factory.mktemp("export"))
        _BUILT["run"] = run
        _BUILT["bundle"] = export_bundle(ExportConfig(run=str(run), int8=True,
                                                      calibration_windows=CALIBRATION_WINDOWS))
    return _BUILT["run"], _BUILT["bundle"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    return build_tiny_bundle(tmp_path_factory)


@pytest.fixture
def fast_fp32_export(exported, monkeypatch):
    """Replace torch.export (~10 s) by a copy of the already exported, identical FP32 model."""
    _, bundle = exported

    def copy_model(encoder, path, opset=onnx_export.OPSET):
        shutil.copyfile(bundle / "model.onnx", path)
        return "copied"
    monkeypatch.setattr(onnx_export, "export_onnx", copy_model)


def manifest(bundle: Path) -> dict:
    return json.loads((bundle / "manifest.json").read_text())


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


# --- parity and fidelity -----------------------------------------------------------------------

def test_fp32_onnx_matches_pytorch_at_batch_1_3_and_8(exported):
    from aura_edge.train.checkpoint import load_run

    run, bundle = exported
    encoder = load_run(run).imu_encoder
    windows = onnx_export.random_windows(8, seed=5)
    result = onnx_export.parity(encoder, bundle / "model.onnx", windows, batch_sizes=(1, 3, 8))
    assert result["max_abs_error"] < 1e-5
    assert result["min_cosine"] > 0.99999
    assert manifest(bundle)["metrics"]["fp32_vs_pytorch"]["batch_sizes"] == [1, 3, 8]


def test_the_onnx_model_passes_the_checker_and_has_a_symbolic_batch_axis(exported):
    _, bundle = exported
    onnx_export.check_onnx(bundle / "model.onnx")
    model = onnx.load(str(bundle / "model.onnx"))
    dims = [[d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
            for v in (*model.graph.input, *model.graph.output)]
    assert dims == [["batch", 6, 1000], ["batch", 384]]


def test_int8_embeddings_stay_within_cosine_0_995_of_fp32(exported):
    from conftest import make_tiny_windows

    _, bundle = exported
    windows = make_tiny_windows([9], seed=9).imu
    fp32 = load_bundle(bundle, prefer="fp32").embed(windows)
    for variant in ("int8", "qdq"):
        cos = (load_bundle(bundle, prefer=variant).embed(windows) * fp32).sum(1)
        assert cos.mean() >= 0.995 and cos.min() >= 0.99, variant
    recorded = manifest(bundle)["metrics"]["int8_vs_fp32"]
    assert recorded["cosine_mean"] >= 0.995 and recorded["windows"] > 0


def test_the_cpu_int8_model_is_smaller_and_runs_attention_as_qattention(exported):
    _, bundle = exported
    assert (bundle / "model.int8.onnx").stat().st_size <= 0.35 * (bundle / "model.onnx").stat().st_size
    ops = {n.op_type for n in onnx.load(str(bundle / "model.int8.onnx")).graph.node}
    assert {"QAttention", "MatMulInteger", "Gelu"} <= ops
    # Every block but the last, where only the CLS token queries (not the pattern Attention computes).
    assert manifest(bundle)["models"]["int8"]["fused"]["attention"] == SENVT_SIZES["SS"][2] - 1


def test_every_onnx_file_carries_the_input_contract(exported):
    _, bundle = exported
    contract = manifest(bundle)["input_contract"]
    assert contract["rate_hz"] == 200.0 and contract["window_samples"] == 1000 and len(contract["channels"]) == 6
    for name in ("model.onnx", "model.int8.onnx", "model.int8.qdq.onnx"):
        meta = {p.key: p.value for p in onnx.load(str(bundle / name)).metadata_props}
        assert json.loads(meta[CONTRACT_METADATA_KEY]) == contract, name


# --- the TensorRT QDQ artifact -----------------------------------------------------------------

def test_the_qdq_model_is_symmetric_int8_with_zero_points_all_zero(exported):
    _, bundle = exported
    model = onnx.load(str(bundle / "model.int8.qdq.onnx"))
    constants = {t.name: onnx.numpy_helper.to_array(t) for t in model.graph.initializer}
    qdq = [n for n in model.graph.node if n.op_type in ("QuantizeLinear", "DequantizeLinear")]
    assert len(qdq) > 50
    for node in qdq:
        zero_point = constants[node.input[2]]
        assert zero_point.dtype == np.int8 and not zero_point.any(), node.name
    for op in ("MatMulInteger", "DynamicQuantizeLinear", "QLinearMatMul"):  # not parsed by TensorRT
        assert op not in {n.op_type for n in model.graph.node}


def test_the_manifest_records_how_the_qdq_model_was_calibrated(exported):
    _, bundle = exported
    entry = manifest(bundle)["models"]["qdq"]
    assert entry["calibration"]["windows"] == CALIBRATION_WINDOWS
    assert entry["calibration"]["method"] == "entropy"
    assert entry["structure"]["quantized_weights"] >= 25
    assert any("calibrated on only" in note for note in manifest(bundle)["notes"])


def test_the_structural_check_rejects_a_nonzero_zero_point(exported, tmp_path):
    _, bundle = exported
    model = onnx.load(str(bundle / "model.int8.qdq.onnx"))
    node = next(n for n in model.graph.node if n.op_type == "QuantizeLinear")
    zp = next(t for t in model.graph.initializer if t.name == node.input[2])
    zp.CopyFrom(onnx.numpy_helper.from_array(np.array(3, dtype=np.int8), zp.name))
    onnx.save(model, str(tmp_path / "bad.onnx"))
    with pytest.raises(WeightsError, match="zero point"):
        quantize.check_qdq_structure(tmp_path / "bad.onnx")


def test_tensorrt_is_optional_and_its_absence_is_explained(monkeypatch):
    from aura_edge.export import tensorrt_build

    try:
        import tensorrt  # noqa: F401
    except ImportError:
        assert "tensorrt" in tensorrt_build.missing_requirement()
        with pytest.raises(BundleError, match="tensorrt"):
            tensorrt_build.build_engine(Path("model.int8.qdq.onnx"))
        return
    pytest.skip("TensorRT is installed; the engine build is covered by test_tensorrt_engine_builds")


def test_tensorrt_engine_builds_and_matches_onnx(exported, tmp_path):
    pytest.importorskip("tensorrt")
    from aura_edge.export import tensorrt_build

    if tensorrt_build.missing_requirement():
        pytest.skip(tensorrt_build.missing_requirement())
    from aura_edge.runtime.engine import TensorRTEngine

    _, bundle = exported
    plan, info = tensorrt_build.build_engine(bundle / "model.int8.qdq.onnx", tmp_path)
    assert plan.is_file() and info["onnx_sha256"] in plan.name
    windows = onnx_export.random_windows(3)
    reference = load_bundle(bundle, prefer="fp32").embed(windows)
    assert ((TensorRTEngine(plan).embed(windows) * reference).sum(1) > 0.99).all()
    assert tensorrt_build.build_engine(bundle / "model.int8.qdq.onnx", tmp_path)[1]["cached"]


# --- atomic writes -----------------------------------------------------------------------------

def _interrupt_midway(job):
    (job.dir / "model.onnx").write_bytes(b"half a model")
    raise KeyboardInterrupt


def test_an_interrupted_export_leaves_no_bundle_behind(exported, tmp_path, monkeypatch):
    run, _ = exported
    monkeypatch.setitem(bundle_mod.STEPS, "fp32", _interrupt_midway)
    target = tmp_path / "out" / "bundle"
    with pytest.raises(KeyboardInterrupt):
        export_bundle(ExportConfig(run=str(run), out=str(target)))
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no staging directory left over either


def test_an_interrupted_forced_export_leaves_the_existing_bundle_byte_identical(exported, tmp_path, monkeypatch):
    run, bundle = exported
    target = tmp_path / "bundle"
    shutil.copytree(bundle, target)
    before = tree_bytes(target)
    monkeypatch.setitem(bundle_mod.STEPS, "fp32", _interrupt_midway)
    with pytest.raises(KeyboardInterrupt):
        export_bundle(ExportConfig(run=str(run), out=str(target), force=True))
    assert tree_bytes(target) == before
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"]


def test_a_failure_after_every_file_is_written_still_keeps_the_old_bundle(exported, tmp_path, monkeypatch,
                                                                          fast_fp32_export):
    run, bundle = exported
    target = tmp_path / "bundle"
    shutil.copytree(bundle, target)
    before = tree_bytes(target)

    def broken_loader(path, prefer="int8"):
        raise BundleError("self-check failed")
    monkeypatch.setattr(bundle_mod, "load_bundle", broken_loader)
    with pytest.raises(BundleError, match="self-check"):
        export_bundle(ExportConfig(run=str(run), out=str(target), force=True))
    assert tree_bytes(target) == before


def test_force_replaces_a_bundle_and_without_it_the_bundle_is_refused(exported, tmp_path, fast_fp32_export):
    run, bundle = exported
    target = tmp_path / "bundle"
    shutil.copytree(bundle, target)
    with pytest.raises(BundleError, match="--force"):
        export_bundle(ExportConfig(run=str(run), out=str(target)))
    export_bundle(ExportConfig(run=str(run), out=str(target), force=True))  # FP32 only this time
    assert sorted(p.name for p in target.iterdir()) == ["labels.npz", "manifest.json", "model.onnx"]
    assert load_bundle(target).variant == "fp32"
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"]


def test_label_expansion_is_exported_and_kept_when_labels_are_edited(exported, tmp_path, fast_fp32_export):
    from aura_edge.export import rebuild_labels
    from aura_edge.models.frozen import load_text_encoder

    run, plain = exported
    config = read_config(run)
    target = export_bundle(ExportConfig(run=str(run), out=str(tmp_path / "bundle"), label_expansion=2.0))
    expanded, text_encoder = load_bundle(target), load_text_encoder("minilm")
    assert np.allclose(expanded.label_bank, run_label_bank(text_encoder, expanded.labels, config, 2.0), atol=1e-6)
    as_typed = run_label_bank(text_encoder, expanded.labels, config, 0.0)
    assert not np.allclose(expanded.label_bank, as_typed, atol=1e-2)
    assert manifest(plain)["labels"]["label_expansion"] == DEFAULT_LABEL_EXPANSION   # what the default export did
    assert manifest(target)["labels"]["label_expansion"] == 2.0
    assert manifest(target)["labels"]["anchors"] == len(config.captions) == 8
    rebuild_labels(target, add=["jogging"])     # rebuilt with the new label competing for the captions
    edited = load_bundle(target)
    assert list(edited.labels) == [*expanded.labels, "jogging"]
    assert np.allclose(edited.label_bank, run_label_bank(text_encoder, edited.labels, config, 2.0), atol=1e-6)


def test_a_run_that_does_not_record_its_captions_exports_labels_as_typed(exported, tmp_path, fast_fp32_export):
    run, _ = exported
    old = shutil.copytree(run, tmp_path / "old-run")
    config = json.loads((old / "config.json").read_text())
    del config["captions"]
    (old / "config.json").write_text(json.dumps(config))
    result = CliRunner().invoke(main, ["export", "--run", str(old), "--out", str(tmp_path / "b"),
                                       "--label-expansion", "2"])
    assert result.exit_code == 2 and "does not record its training captions" in result.output
    assert not (tmp_path / "b").exists()
    export_bundle(ExportConfig(run=str(old), out=str(tmp_path / "b")))
    assert manifest(tmp_path / "b")["labels"]["label_expansion"] == 0.0
    result = CliRunner().invoke(main, ["export", "--run", str(run), "--label-expansion", "-1"])
    assert result.exit_code == 2 and "--label-expansion" in result.output


def test_force_never_replaces_a_directory_that_is_not_a_bundle(exported, tmp_path):
    run, _ = exported
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BundleError, match="not an aura-edge bundle"):
        export_bundle(ExportConfig(run=str(run), out=str(tmp_path), force=True))
    assert (tmp_path / "notes.txt").read_text() == "mine"


# --- bad input ---------------------------------------------------------------------------------

def test_a_missing_run_is_a_clear_error(tmp_path):
    with pytest.raises(RunError, match="does not exist"):
        export_bundle(ExportConfig(run=str(tmp_path / "nope")))
    result = CliRunner().invoke(main, ["export", "--run", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "aura-edge train" in result.output


def test_corrupt_and_mismatched_checkpoints_are_refused(exported, tmp_path):
    run, _ = exported
    corrupt = tmp_path / "corrupt"
    shutil.copytree(run, corrupt, ignore=shutil.ignore_patterns("bundle"))
    (corrupt / "model.safetensors").write_bytes(b"\x00" * 64)
    with pytest.raises(WeightsError, match="corrupt"):
        export_bundle(ExportConfig(run=str(corrupt)))
    mismatched = tmp_path / "mismatched"
    shutil.copytree(run, mismatched, ignore=shutil.ignore_patterns("bundle"))
    config = json.loads((mismatched / "config.json").read_text())
    config["imu_encoder"]["size"] = "S"
    (mismatched / "config.json").write_text(json.dumps(config))
    with pytest.raises(WeightsError, match="different runs"):
        export_bundle(ExportConfig(run=str(mismatched)))
    config["imu_encoder"]["size"] = "SS"
    config["input_contract"]["rate_hz"] = 100.0
    (mismatched / "config.json").write_text(json.dumps(config))
    with pytest.raises(RunError, match="rate_hz"):
        export_bundle(ExportConfig(run=str(mismatched)))
    assert not (corrupt / "bundle").exists() and not (mismatched / "bundle").exists()


def test_an_unwritable_output_directory_is_a_clear_error(exported, tmp_path):
    run, _ = exported
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with pytest.raises(BundleError, match="writable --out"):
        export_bundle(ExportConfig(run=str(run), out=str(blocker / "bundle")))
    assert blocker.read_text() == "not a directory"


@pytest.mark.parametrize("labels, message", [
    ([], "empty"), (["", "  "], "empty"), (["walking", "Walking "], "duplicate"),
    ([f"activity {i}" for i in range(MAX_LABELS + 1)], "more than"), (["x" * (MAX_LABEL_CHARS + 1)], "characters"),
])
def test_bad_label_lists_are_refused(labels, message):
    with pytest.raises(ConfigError, match=message):
        validate_labels(labels)


def test_labels_come_from_a_comma_list_or_a_file(exported, tmp_path):
    from aura_edge.export.label_bank import parse_labels

    assert parse_labels(" walking, running ,") == ["walking", "running"]
    (tmp_path / "labels.txt").write_text("# my labels\nplaying ping pong\nwalking, slowly\n\n")
    assert parse_labels(str(tmp_path / "labels.txt")) == ["playing ping pong", "walking, slowly"]
    run, _ = exported
    with pytest.raises(ConfigError, match="duplicate"):
        export_bundle(ExportConfig(run=str(run), out=str(tmp_path / "b"), labels="a,b,A"))
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("bad", [{"calibration_windows": 0}, {"calibration_method": "minmax"}])
def test_bad_export_options_are_config_errors(bad):
    with pytest.raises(ConfigError):
        ExportConfig(**bad)


def test_staging_directories_of_killed_exports_are_removed_by_the_next_one(tmp_path):
    import subprocess
    import sys

    from aura_edge.export.atomic import staged_directory

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    target = tmp_path / "bundle"
    killed = tmp_path / f".bundle.partial-{dead_pid}-abc123"
    running = tmp_path / f".bundle.partial-{os.getpid()}-def456"  # a live process: a concurrent export
    for staging in (killed, running):
        staging.mkdir()
        (staging / "model.onnx").write_bytes(b"x" * 1000)
    with staged_directory(target) as staging:
        (staging / "manifest.json").write_text("{}")
    assert not killed.exists() and running.exists() and (target / "manifest.json").is_file()


@pytest.mark.parametrize("labels, flag, message", [
    (["walking\nrunning", "cycling"], "--labels", "control character '\\\\n'"),
    (["\x1b[31mred alert\x1b[0m", "walking"], "--add", "control character '\\\\x1b'.*fix --add"),
    (["walking"], "--labels", "needs at least 2"),
    ([" "], "--add", "the --add list is empty; pass labels like --add"),
])
def test_labels_with_control_characters_single_labels_and_empty_adds_are_refused_naming_the_flag(labels, flag, message):
    with pytest.raises(ConfigError, match=message):
        validate_labels(labels, flag)


def test_an_escape_sequence_in_a_shared_label_bank_is_refused_at_load(exported, tmp_path):
    from aura_edge.export.atomic import file_entry

    bundle = shutil.copytree(exported[1], tmp_path / "b")
    with np.load(bundle / "labels.npz") as z:
        data = {k: z[k] for k in z.files}
    data["labels"] = np.array(["\x1b]0;pwned\x07walking", *data["labels"][1:].tolist()])
    np.savez(bundle / "labels.npz", **data)
    m = manifest(bundle)
    m["files"]["labels.npz"] = file_entry(bundle / "labels.npz")
    (bundle / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(BundleError, match="control characters"):
        load_bundle(bundle)


def test_the_unknown_threshold_is_in_the_output_contract(exported):
    _, bundle = exported
    m = manifest(bundle)
    assert m["output_contract"]["l2_normalised"] and m["output_contract"]["embedding_dim"] == 384
    assert m["output_contract"]["unknown_below"] == m["metrics"]["int8_vs_fp32"].get("unknown_below")


def test_a_label_can_carry_a_description_of_its_movement(exported, tmp_path, fast_fp32_export):
    from aura_edge.evaluate import build_label_bank, split_label, zero_shot
    from aura_edge.export import rebuild_labels
    from aura_edge.models.frozen import load_text_encoder

    assert split_label("bird dog: on hands and knees, one arm up") == ("bird dog", "on hands and knees, one arm up")
    assert split_label("walking") == ("walking", "") and split_label("note:no space") == ("note:no space", "")
    described = "bird dog: on hands and knees, reaching one arm forward and the opposite leg back"
    text_encoder = load_text_encoder("minilm")
    bank = build_label_bank(text_encoder, ["walking", described, "bird dog"])
    assert np.allclose(np.linalg.norm(bank, axis=1), 1, atol=1e-5)
    assert bank[1] @ bank[2] < 0.999                       # the description changes the embedding
    description = text_encoder.encode([described.partition(": ")[2]])[0]
    assert bank[1] @ description > bank[2] @ description   # ... toward the description
    run, _ = exported
    target = export_bundle(ExportConfig(run=str(run), out=str(tmp_path / "b"),
                                        labels=str(_label_file(tmp_path, ["walking", described]))))
    assert list(load_bundle(target).labels) == ["walking", "bird dog"]
    with pytest.raises(ConfigError, match="already in the bundle"):   # names are compared, not descriptions
        rebuild_labels(target, add=["bird dog: something else"])
    rebuild_labels(target, add=["jogging: running slowly with short steps"])
    edited = load_bundle(target)
    assert list(edited.labels) == ["walking", "bird dog", "jogging"]
    assert np.allclose(edited.label_bank[1], load_bundle(target).label_bank[1])
    again = build_label_bank(text_encoder, ["walking", described, "jogging: running slowly with short steps"],
                             read_config(run).prompt_templates, read_config(run).captions,
                             manifest(target)["labels"]["label_expansion"])
    assert np.allclose(edited.label_bank, again, atol=1e-5)   # the description survived the rebuild
    assert rebuild_labels(target, remove=["bird dog"]) == ["walking", "jogging"]
    result = zero_shot(bank[:2], ["walking", "bird dog"], ["walking", described], bank[:2])
    assert result.labels == ["walking", "bird dog"] and result.accuracy == 1.0


def _label_file(tmp_path, labels):
    path = tmp_path / "labels.txt"
    path.write_text("\n".join(labels) + "\n")
    return path
