"""The runtime side of a bundle: verification, engines without torch, and label-bank rebuilds."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from click.testing import CliRunner
from test_export import build_tiny_bundle

from aura_edge.cli import main
from aura_edge.errors import BundleError, ConfigError, DataError
from aura_edge.export.label_bank import MAX_LABEL_CHARS
from aura_edge.runtime.bundle import load_bundle, sha256_file


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    return build_tiny_bundle(tmp_path_factory)[1]


@pytest.fixture
def copy(bundle, tmp_path):
    """A private copy of the bundle that a test may damage."""
    return shutil.copytree(bundle, tmp_path / "bundle")


def windows(n: int = 3) -> np.ndarray:
    x = np.random.default_rng(0).normal(0, 2, (n, 6, 1000)).astype(np.float32)
    x[:, 2] += 9.81
    return x


def test_a_bundle_loads_verified_and_scores_windows_against_its_labels(bundle):
    loaded = load_bundle(bundle)
    assert loaded.variant == "int8"
    emb = loaded.embed(windows(3))
    assert emb.shape == (3, 384) and np.allclose(np.linalg.norm(emb, axis=1), 1, atol=1e-4)
    scores = loaded.scores(emb)
    assert scores.shape == (3, len(loaded.labels)) and loaded.labels == ["walking", "running", "sitting", "waving"]
    assert loaded.text_encoder == "minilm" and len(loaded.templates) > 1


def test_windows_of_the_wrong_shape_are_refused(bundle):
    engine = load_bundle(bundle, prefer="fp32").engine
    with pytest.raises(DataError, match="transpose"):
        engine.embed(np.zeros((1, 1000, 6), np.float32))
    assert engine.embed(np.zeros((6, 1000), np.float64)).shape == (1, 384)  # one window, any float dtype


def test_a_flipped_byte_in_the_int8_model_is_caught_and_named(copy):
    data = bytearray((copy / "model.int8.onnx").read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / "model.int8.onnx").write_bytes(bytes(data))
    with pytest.raises(BundleError, match=r"model\.int8\.onnx .*sha256"):
        load_bundle(copy, prefer="fp32")  # every file is verified, not just the one loaded


def test_missing_files_and_a_missing_manifest_are_clear_errors(copy, tmp_path):
    (copy / "labels.npz").unlink()
    with pytest.raises(BundleError, match="labels.npz is missing"):
        load_bundle(copy)
    (copy / "manifest.json").unlink()
    with pytest.raises(BundleError, match="no manifest.json"):
        load_bundle(copy)
    with pytest.raises(BundleError, match="no bundle at"):
        load_bundle(tmp_path / "nowhere")


def test_a_bundle_for_another_input_contract_is_refused(copy):
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["input_contract"]["rate_hz"] = 100.0
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="rate_hz=100.0"):
        load_bundle(copy)


def test_a_manifest_that_disagrees_with_the_onnx_metadata_is_refused(copy):
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["input_contract"]["layout"] = "something else"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="input contract inside model.int8.onnx differs"):
        load_bundle(copy)


def test_a_bundle_without_int8_falls_back_to_fp32_but_not_silently_for_other_variants(copy):
    manifest = json.loads((copy / "manifest.json").read_text())
    for variant, name in (("int8", "model.int8.onnx"), ("qdq", "model.int8.qdq.onnx")):
        del manifest["models"][variant], manifest["files"][name]
        (copy / name).unlink()
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert load_bundle(copy, prefer="int8").variant == "fp32"
    with pytest.raises(BundleError, match="--int8"):
        load_bundle(copy, prefer="qdq")
    with pytest.raises(BundleError, match="--tensorrt"):
        load_bundle(copy, prefer="tensorrt")


def test_the_runtime_loads_and_runs_a_bundle_with_torch_and_onnx_unimportable(bundle):
    script = textwrap.dedent(f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("torch", "onnx", "onnxscript", "sentence_transformers", "open_clip"):
                    raise ImportError("blocked " + name)
        sys.meta_path.insert(0, Block())
        import numpy as np
        from aura_edge.runtime.bundle import load_bundle
        for variant in ("int8", "fp32", "qdq"):
            b = load_bundle({str(bundle)!r}, prefer=variant)
            emb = b.embed(np.zeros((2, 6, 1000), np.float32))
            print(variant, emb.shape, b.scores(emb).shape)
        assert not any(m.split(".")[0] == "torch" for m in sys.modules)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "int8 (2, 384) (2, 4)" in done.stdout and "qdq (2, 384)" in done.stdout


# --- label bank rebuild ------------------------------------------------------------------------

def test_labels_add_and_remove_rebuild_only_the_label_bank(copy):
    models = {n: sha256_file(copy / n) for n in ("model.onnx", "model.int8.onnx", "model.int8.qdq.onnx")}
    result = CliRunner().invoke(main, ["labels", "--bundle", str(copy), "--add", "playing ping pong",
                                       "--remove", "waving"])
    assert result.exit_code == 0, result.output
    loaded = load_bundle(copy)
    assert loaded.labels == ["walking", "running", "sitting", "playing ping pong"]
    assert loaded.label_bank.shape == (4, 384)
    assert {n: sha256_file(copy / n) for n in models} == models
    manifest = json.loads((copy / "manifest.json").read_text())
    assert manifest["labels"]["count"] == 4 and "playing ping pong" in result.output


def test_rebuilt_label_embeddings_equal_a_fresh_export_of_the_same_labels(bundle, copy):
    from aura_edge.export import rebuild_labels

    original = load_bundle(bundle)
    rebuild_labels(copy, add=["cycling"])
    rebuilt = load_bundle(copy)
    assert rebuilt.labels == original.labels + ["cycling"]
    assert np.allclose(rebuilt.label_bank[:4], original.label_bank, atol=1e-6)


@pytest.mark.parametrize("add, remove, message", [
    (["walking"], [], "already"), ([], ["swimming"], "cannot remove"), (["a", "A"], [], "duplicate"),
    (["x" * (MAX_LABEL_CHARS + 1)], [], "characters"),
    ([], ["walking", "running", "sitting", "waving"], "would leave 0 label"),
    ([], ["walking", "running", "sitting"], "would leave 1 label"), ([""], [], "the --add list is empty"),
])
def test_bad_label_edits_are_refused_and_leave_the_bundle_intact(copy, add, remove, message):
    from aura_edge.export import rebuild_labels

    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    with pytest.raises(ConfigError, match=message):
        rebuild_labels(copy, add=add, remove=remove)
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


def test_a_tampered_bundle_is_never_re_signed_by_a_label_rebuild(copy):
    from aura_edge.export import rebuild_labels

    (copy / "model.onnx").write_bytes((copy / "model.onnx").read_bytes()[:-1] + b"\x00")
    with pytest.raises(BundleError, match="model.onnx"):
        rebuild_labels(copy, add=["cycling"])
    result = CliRunner().invoke(main, ["labels", "--bundle", str(copy)])
    assert result.exit_code == 2 and "model.onnx" in result.output


# --- a catalogue of damaged bundles: each is one clear BundleError, never a traceback -----------------

def _rehash(bundle, name):
    from aura_edge.export.atomic import file_entry

    manifest = json.loads((bundle / "manifest.json").read_text())
    manifest["files"][name] = file_entry(bundle / name)
    (bundle / "manifest.json").write_text(json.dumps(manifest))


def _edit_manifest(bundle, change):
    manifest = json.loads((bundle / "manifest.json").read_text())
    change(manifest)
    (bundle / "manifest.json").write_text(json.dumps(manifest))


def _unlisted_int8(bundle):
    def change(m):
        del m["files"]["model.int8.onnx"]
    _edit_manifest(bundle, change)
    (bundle / "model.int8.onnx").write_bytes((bundle / "model.onnx").read_bytes())  # replaced, not hashed


def _outside_int8(bundle):
    outside = bundle.parent / "elsewhere"
    outside.mkdir()
    shutil.copyfile(bundle / "model.int8.onnx", outside / "model.int8.onnx")
    _edit_manifest(bundle, lambda m: m["models"]["int8"].update(file="../elsewhere/model.int8.onnx"))


def _labels_npz(bundle, **arrays):
    with np.load(bundle / "labels.npz", allow_pickle=False) as z:
        data = {k: z[k] for k in z.files}
    data.update(arrays)
    np.savez(bundle / "labels.npz", **data)
    _rehash(bundle, "labels.npz")


def _not_a_zip(bundle):
    (bundle / "labels.npz").write_bytes(b"this is not a zip archive at all")
    _rehash(bundle, "labels.npz")


DAMAGED = {
    "a model file the manifest does not hash": (_unlisted_int8, "not a file it lists and hashes"),
    "a model file outside the bundle": (_outside_int8, "not a file it lists and hashes"),
    "format_version as a string": (lambda b: _edit_manifest(b, lambda m: m.update(format_version="1")),
                                   "format_version '1', not a whole number"),
    "a files entry that is a string": (lambda b: _edit_manifest(b, lambda m: m["files"].update({"labels.npz": "x"})),
                                       "without a sha256"),
    "unknown_below as a word": (lambda b: _edit_manifest(b, lambda m: m["output_contract"].update(
        unknown_below="high")), "unknown_below='high'"),
    "an old bundle's unknown_below as a word": (lambda b: _edit_manifest(b, lambda m: (
        m.pop("output_contract"), m["metrics"]["int8_vs_fp32"].update(unknown_below="high"))), "unknown_below='high'"),
    "unknown_below out of range": (lambda b: _edit_manifest(b, lambda m: m["output_contract"].update(
        unknown_below=5.0)), "not a cosine between -1 and 1"),
    "a label bank that is not a zip": (_not_a_zip, "not a readable label bank"),
    "scalar templates": (lambda b: _labels_npz(b, templates=np.array(3)), "templates as int64 of shape ()"),
    "string embeddings": (lambda b: _labels_npz(b, embeddings=np.array([["a"]])), "not a matrix of floats"),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_a_damaged_bundle_is_one_clear_error_from_the_loader_and_the_cli(copy, case):
    damage, message = DAMAGED[case]
    damage(copy)
    with pytest.raises(BundleError, match=message) as error:
        load_bundle(copy)
    assert "\n" not in str(error.value) and "allow_pickle" not in str(error.value)
    result = CliRunner().invoke(main, ["stream", "sim://walking", "--bundle", str(copy), "--duration", "1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.strip().splitlines()[-1].startswith("error: ")
