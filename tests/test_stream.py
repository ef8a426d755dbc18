"""The stream path end to end with a real ONNX bundle: a pty serial device (with an unplug), a
subprocess that cannot import torch, the JSON and log sinks, Ctrl-C/SIGTERM, and `record`."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tty
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner

from aura_edge import pretrained
from aura_edge.cli import main
from aura_edge.errors import ConfigError
from aura_edge.firmware_bridge import encode_frame
from aura_edge.runtime.bundle import CONTRACT_METADATA_KEY, REQUIRED_CONTRACT
from aura_edge.runtime.stream import LinkWatch, StreamConfig, find_bundle, flag_options, open_sources, stream
from aura_edge.signals import GRAVITY_MS2
from aura_edge.synth import simulate_recording

ACTIVITIES = ["walking", "sitting", "jumping"]
EMBED_DIM = 64


def _sha256(path) -> dict:
    return {"sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "bytes": path.stat().st_size}


def feature_encoder(path, center: np.ndarray, scale: np.ndarray, projection: np.ndarray) -> None:
    """A small real ONNX encoder, (batch, 6, 1000) -> (batch, D) unit vectors: per-channel mean and
    standard deviation, standardised, randomly projected. Built in milliseconds, no torch."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    node = helper.make_node
    nodes = [node("ReduceMean", ["imu"], ["mean_k"], axes=[2], keepdims=1), node("Sub", ["imu", "mean_k"], ["dev"]),
             node("Mul", ["dev", "dev"], ["sq"]), node("ReduceMean", ["sq"], ["var"], axes=[2], keepdims=0),
             node("Sqrt", ["var"], ["std"]), node("ReduceMean", ["imu"], ["mean"], axes=[2], keepdims=0),
             node("Concat", ["mean", "std"], ["features"], axis=1), node("Sub", ["features", "center"], ["f0"]),
             node("Div", ["f0", "scale"], ["f1"]), node("MatMul", ["f1", "projection"], ["z"]),
             node("LpNormalization", ["z"], ["embedding"], axis=1, p=2)]
    constants = [numpy_helper.from_array(a.astype(np.float32), name) for a, name in
                 ((center, "center"), (scale, "scale"), (projection, "projection"))]
    graph = helper.make_graph(nodes, "features", [helper.make_tensor_value_info("imu", TensorProto.FLOAT,
                                                                                 ["batch", 6, 1000])],
                              [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", EMBED_DIM])],
                              constants)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory):
    """A real bundle whose label bank holds the encoder's mean embedding of each simulated activity
    (four simulated subjects), so nearest-label answers are meaningful for new subjects."""
    import onnxruntime as ort

    onnx = pytest.importorskip("onnx")
    root = tmp_path_factory.mktemp("bundle")
    windows, labels = [], []
    for seed in range(100, 104):
        for activity in ACTIVITIES:
            _, imu, _ = simulate_recording([activity], 8.0, seed=seed)
            windows += [imu[s:s + 1000].T for s in range(0, 700, 100)]
            labels += [activity] * 7
    windows, labels = np.stack(windows).astype(np.float32), np.array(labels)
    features = np.concatenate([windows.mean(2), windows.std(2)], axis=1)
    projection = np.random.default_rng(0).normal(size=(12, EMBED_DIM))
    feature_encoder(root / "model.onnx", features.mean(0), features.std(0) + 1e-3, projection)
    emb = ort.InferenceSession(str(root / "model.onnx"), providers=["CPUExecutionProvider"]).run(None, {"imu": windows})[0]
    bank = np.stack([emb[labels == a].mean(0) for a in ACTIVITIES])
    bank /= np.linalg.norm(bank, axis=1, keepdims=True)
    np.savez(root / "labels.npz", labels=np.array(ACTIVITIES), embeddings=bank.astype(np.float32),
             templates=np.array(["{}"]), text_encoder=np.array("centroids"))
    contract = {**REQUIRED_CONTRACT, "window_s": 5.0, "embedding_dim": EMBED_DIM,
                "input_name": "imu", "output_name": "embedding"}
    model = onnx.load(str(root / "model.onnx"))
    model.metadata_props.add(key=CONTRACT_METADATA_KEY, value=json.dumps(contract))
    onnx.save(model, str(root / "model.onnx"))
    manifest = {"format": "aura-edge-bundle", "format_version": 1, "input_contract": contract,
                "models": {"fp32": {"file": "model.onnx"}},
                "files": {name: _sha256(root / name) for name in ("model.onnx", "labels.npz")}}
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


class Collect:
    """A sink that keeps everything; ``on_emit(sink)`` runs after every hop (tests stop the stream there)."""

    def __init__(self, on_emit=None):
        self.hops, self.events, self.emits, self.closed, self.on_emit = [], [], 0, False, on_emit
        self.reconnected = threading.Event()

    def emit(self, recognitions):
        self.hops += recognitions
        self.emits += 1
        if self.on_emit:
            self.on_emit(self)

    def event(self, event):
        self.events.append(event)
        if event.kind == "reconnected":
            self.reconnected.set()

    def close(self):
        self.closed = True


# --- a pty serial device through the real ONNX engine ------------------------------------------------

class PtyDevice:
    """A pty pair behind a symlink (as /dev/serial/by-id/... is); replug re-points it atomically."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.plug()

    def plug(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.symlink(os.ttyname(self.slave), self.path + ".tmp")
        os.replace(self.path + ".tmp", self.path)

    def unplug(self) -> None:
        os.close(self.master)
        os.close(self.slave)

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self.master, view):]


def frames_of(imu: np.ndarray, first_sample: int, per_frame: int = 8) -> list[bytes]:
    """The reference firmware's frames (±16 g, ±2000 °/s int16) with device time and sequence."""
    raw = np.empty(imu.shape, np.int16)
    raw[:, :3] = np.clip(np.round(imu[:, :3] / GRAVITY_MS2 * 2048), -32768, 32767)
    raw[:, 3:] = np.clip(np.round(np.degrees(imu[:, 3:]) * 16.4), -32768, 32767)
    out = []
    for s in range(0, len(imu) - per_frame + 1, per_frame):
        k = first_sample + s
        out.append(encode_frame((k // per_frame) % 65536, k * 5000, raw[s:s + per_frame], 5_000_000,
                                1 / 2048, 1 / 16.4, "g", "deg/s"))
    return out


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs POSIX pseudo-terminals")
def test_pty_serial_device_streams_through_the_onnx_engine_and_survives_an_unplug(bundle_dir, tmp_path):
    port = str(tmp_path / "ttyIMU")
    device = PtyDevice(port)
    _, imu, _ = simulate_recording(["walking"], 16.0, seed=3)
    speedup, unplug_at, lost = 8.0, 1600, 96  # the cable is pulled 8 s in; 0.48 s of samples never arrive

    sink = Collect()

    def play(part, first):
        start = time.monotonic() - first / 200.0 / speedup  # device time runs 8x faster than real
        for i, frame in enumerate(frames_of(part, first)):
            time.sleep(max(0.0, start + (first + 8 * i) / 200.0 / speedup - time.monotonic()))
            device.write(frame)

    def firmware():
        play(imu[:unplug_at], 0)
        device.unplug()
        time.sleep(0.3)
        device.plug()
        # Bytes sent before the host reopens the port are flushed by the open; a real device
        # loses them the same way. Waiting keeps the hole in device time exactly `lost` samples.
        sink.reconnected.wait(5.0)
        play(imu[unplug_at + lost:], unplug_at + lost)

    def stop_when_all_data_is_labelled(sink):
        if not writer.is_alive() and any(r.valid and r.t_s > 15.9 for r in sink.hops):
            raise KeyboardInterrupt

    writer = threading.Thread(target=firmware, daemon=True)
    sink.on_emit = stop_when_all_data_is_labelled
    config = StreamConfig([port], format="frames", bundle=str(bundle_dir), duration_s=15.0)
    writer.start()
    summary = stream(config, sink=sink)
    writer.join()

    kinds = [e.kind for e in sink.events]
    assert "disconnected" in kinds and "reconnected" in kinds
    assert summary.disconnects() == 1 and summary.link[port]["disconnects"] == 1
    valid = [r for r in sink.hops if r.valid]
    before, after = [r.t_s for r in valid if r.t_s < 8.0], [r.t_s for r in valid if r.t_s > 8.0]
    assert before and after, "labels before the unplug and again after the reconnect"
    # Windows that contain the hole are invalid; the first valid one starts after it.
    assert min(after) == pytest.approx((unplug_at + lost) / 200.0 + 4.995, abs=0.6)
    assert any("gap" in r.reason for r in sink.hops if not r.valid)
    labels = [r.label for r in valid]
    assert labels.count("walking") >= 0.8 * len(labels), labels


# --- the stream path without torch, through the CLI, in a fresh process ------------------------------

NO_TORCH = """
import sys

class BlockTorch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("torch", "torchvision", "open_clip", "sentence_transformers"):
            raise ImportError(f"{name} must not be imported by the streaming path")
        return None

sys.meta_path.insert(0, BlockTorch())
from aura_edge.cli import main
main(sys.argv[1:], prog_name="aura-edge")
"""


def test_stream_path_runs_without_torch_and_prints_sensible_json_labels(bundle_dir, tmp_path):
    log = tmp_path / "stream.log"
    scripted = "sim://walking,sitting,jumping?seconds_each=8&loops=1&seed=11"
    args = ["stream", scripted, "sim://jumping?seconds_each=12&loops=1&seed=12", "--speed", "0", "--json",
            "--smoothing", "none", "--switch-hops", "1", "--bundle", str(bundle_dir), "--log", str(log)]
    done = subprocess.run([sys.executable, "-c", NO_TORCH, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    hops = [x for x in lines if x["type"] == "hop" and x["valid"]]
    assert {x["label"] for x in hops} <= set(ACTIVITIES) | {"unknown"}
    assert {x["source"] for x in hops} == {"sim://walking,sitting,jumping", "sim://jumping"}
    # Windows that lie inside one scripted activity get that activity.
    pure = [x for x in hops if x["source"] == "sim://walking,sitting,jumping" and int((x["t_s"] - 4.99) // 8) == int(x["t_s"] // 8)]
    assert len(pure) >= 15
    assert np.mean([x["label"] == x["truth"] for x in pure]) >= 0.9
    assert sum(x["kind"] == "finished" for x in lines if x["type"] == "event") == 2
    assert log.read_text().splitlines() == done.stdout.splitlines()  # the log holds the same lines


# --- shutdown -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_ctrl_c_and_sigterm_end_the_stream_cleanly(bundle_dir, how):
    def stop(sink):
        if sink.emits == 3:
            if how == "ctrl-c":
                raise KeyboardInterrupt
            os.kill(os.getpid(), signal.SIGTERM)

    sink = Collect(on_emit=stop)
    config = StreamConfig(["sim://walking?speed=0"], bundle=str(bundle_dir))
    summary = stream(config, sink=sink)
    assert summary.interrupted and sink.closed and summary.hops >= 2
    assert summary.seconds > 0  # the summary of an interrupted stream says how long it ran
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is put back


# --- record ---------------------------------------------------------------------------------------------

def test_record_never_truncates_an_existing_file_and_appends_only_when_asked(tmp_path):
    path = tmp_path / "session.csv"
    path.write_text("t_s,ax,ay,az,gx,gy,gz\n0.0,0,0,9.8,0,0,0\n")
    before = path.read_bytes()
    runner = CliRunner()
    args = ["record", "sim://walking?speed=0", "--out", str(path), "--duration", "1"]
    refused = runner.invoke(main, args)
    assert refused.exit_code == 2 and "already exists" in refused.output
    assert path.read_bytes() == before
    appended = runner.invoke(main, [*args, "--append"])
    assert appended.exit_code == 0, appended.output
    text = path.read_bytes()
    assert text.startswith(before) and len(text.splitlines()) == 2 + 201


def test_record_writes_a_labelled_csv_that_replays(tmp_path, bundle_dir):
    path = tmp_path / "new" / "walk.csv"
    result = CliRunner().invoke(main, ["record", "sim://walking?speed=0", "--out", str(path), "--label", "walking",
                                       "--duration", "6"])
    assert result.exit_code == 0, result.output
    rows = path.read_text().splitlines()
    assert rows[0] == "t_s,ax,ay,az,gx,gy,gz,label" and rows[1].endswith(",walking") and len(rows) == 1202
    sink = Collect()
    summary = stream(StreamConfig([f"replay://{path}"], speed=0, bundle=str(bundle_dir)), sink=sink)
    assert summary.windows == 3 and {r.truth for r in sink.hops if r.valid} == {"walking"}


# --- configuration ---------------------------------------------------------------------------------------

def test_default_bundle_is_runs_latest_then_the_newest(tmp_path):
    runs = tmp_path / "runs"
    assert find_bundle(None, runs) == pretrained.BUNDLE_DIR   # nothing exported yet: the built-in model
    for name in ("a", "b"):
        (runs / name / "bundle").mkdir(parents=True)
        (runs / name / "bundle" / "manifest.json").write_text("{}")
        time.sleep(0.01)
    assert find_bundle(None, runs) == runs / "b" / "bundle"
    (runs / "latest").symlink_to("a")
    assert find_bundle(None, runs) == runs / "latest" / "bundle"
    assert find_bundle("elsewhere", runs).name == "elsewhere"


def test_flags_go_to_the_sources_that_take_them():
    assert flag_options(units="g,deg/s", rate_hz=104.0) == {"rate_hz": 104.0, "acc_unit": "g", "gyro_unit": "deg/s"}
    with pytest.raises(ConfigError, match="--units"):
        flag_options(units="g")
    with pytest.raises(ConfigError, match="--baud applies to none"):
        open_sources(["sim://walking"], {"baud": 921600})
    (source,) = open_sources(["sim://walking?loops=2"], {"speed": 0.0})
    assert source.loops == 2 and source.speed == 0.0 and source.seconds_each == 10.0  # query wins, stream defaults


def test_link_watch_reports_a_ble_drop_its_reconnect_and_a_device_reset():
    source = SimpleNamespace(connected=True)  # every source's `connected` is a bool
    channel = SimpleNamespace(name="ble://AA", source=source, finished=False, link={"disconnects": 0, "resets": 0})
    watch = LinkWatch()

    def step(**link):
        channel.link = {**channel.link, **link}
        return [(e.kind, e.message) for e in watch.check([channel])]

    assert step() == []
    source.connected = False
    assert step(disconnects=1) == [("disconnected", "link lost; reconnecting with backoff")]
    assert step() == []
    source.connected = True
    assert [kind for kind, _ in step()] == ["reconnected"]
    assert [kind for kind, _ in step(resets=1)] == ["reset"]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs POSIX pseudo-terminals")
@pytest.mark.parametrize("format_", [None, "csv", "frames"])
@pytest.mark.parametrize("units", [None, "g,deg/s", "m/s2,rad/s"])
def test_every_format_and_units_combination_works_or_is_one_clear_error(tmp_path, format_, units):
    """Frames declare their own units: --units g,deg/s with them was once silently ignored."""
    device = PtyDevice(str(tmp_path / "ttyIMU"))
    try:
        conflicting = format_ == "frames" and units == "g,deg/s"
        options = flag_options(format=format_, units=units)
        if conflicting:
            with pytest.raises(ConfigError, match="cannot apply to binary frames.*drop --units") as error:
                open_sources([device.path], options)
            assert "\n" not in str(error.value)
        else:
            (source,) = open_sources([device.path], options)
            source.close()
    finally:
        device.unplug()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs POSIX pseudo-terminals")
def test_the_stream_command_refuses_units_for_frames_in_one_line(bundle_dir, tmp_path):
    device = PtyDevice(str(tmp_path / "ttyIMU"))
    try:
        result = CliRunner().invoke(main, ["stream", device.path, "--bundle", str(bundle_dir), "--format", "frames",
                                           "--units", "g,deg/s", "--duration", "1"])
    finally:
        device.unplug()
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith("error: units g,deg/s cannot apply to binary frames")


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs POSIX pseudo-terminals")
def test_a_csv_device_read_as_frames_says_the_format_may_be_wrong(bundle_dir, tmp_path):
    device = PtyDevice(str(tmp_path / "ttyIMU"))
    lines = b"".join(b"%d,0.01,-0.02,9.81,0.001,0.002,0.003\n" % (5000 * k) for k in range(400))
    writer = threading.Thread(target=lambda: [device.write(lines[i:i + 400]) or time.sleep(0.01)
                                              for i in range(0, len(lines), 400)], daemon=True)
    writer.start()
    try:
        result = CliRunner().invoke(main, ["stream", device.path, "--bundle", str(bundle_dir), "--format", "frames",
                                           "--json", "--duration", "2.5"])
    finally:
        writer.join()
        device.unplug()
    hops = [json.loads(line) for line in result.output.splitlines() if line.startswith('{"type": "hop"')]
    assert hops and hops[-1]["link"]["corrupt"] > 0
    assert "is --format right" in hops[-1]["reason"]



# --- a catalogue of clumsy command lines: one clear message and exit code 2, never a traceback ------------

SIX_NUMBERS = b"0,0,9.8,0,0,0\n" * 20
STUCK_CLOCK = b"5,0,0,9.8,0,0,0\n" * 20
NOT_UTF8 = b"\xff\xfet_s,ax\n1,2\n"


def replay(tmp, data: bytes) -> str:
    (tmp / "r.csv").write_bytes(data)
    return "replay://" + str(tmp / "r.csv")


BAD_STREAM_LINES = {
    "negative speed": (lambda tmp: ["sim://walking", "--speed", "-1"], "--speed -1 must be 0"),
    "negative rate": (lambda tmp: [replay(tmp, SIX_NUMBERS), "--rate", "-100"], "--rate -100 is not a device rate"),
    "nan rate": (lambda tmp: [replay(tmp, SIX_NUMBERS), "--rate", "nan"], "--rate nan is not a device rate"),
    "absurd rate": (lambda tmp: [replay(tmp, SIX_NUMBERS), "--rate", "1e9"], "is not a device rate"),
    "a non-UTF-8 replay file": (lambda tmp: [replay(tmp, NOT_UTF8)], "is not UTF-8 text"),
    "timestamps that never advance": (lambda tmp: [replay(tmp, STUCK_CLOCK)], "never advance"),
    "units on a simulated device": (lambda tmp: ["sim://walking?format=frames", "--units", "g,deg/s"],
                                    "--units applies to none"),
    "a log on a full device": (lambda tmp: ["sim://walking?speed=0", "--log", "/dev/full"],
                               "cannot write JSON lines to /dev/full"),
}


@pytest.mark.parametrize("case", list(BAD_STREAM_LINES))
def test_a_clumsy_stream_command_line_is_one_clear_error(bundle_dir, tmp_path, case):
    args, message = BAD_STREAM_LINES[case]
    if "/dev/full" in args(tmp_path) and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    result = CliRunner().invoke(main, ["stream", *args(tmp_path), "--bundle", str(bundle_dir), "--duration", "2"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("error: ") and message in last, last


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_json_to_a_full_stdout_is_one_clear_error(bundle_dir):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "aura_edge", "stream", "sim://walking?speed=0", "--json",
                               "--bundle", str(bundle_dir), "--duration", "3"], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    assert done.returncode == 2 and "cannot write JSON lines to <stdout>" in done.stderr
    assert "Traceback" not in done.stderr
