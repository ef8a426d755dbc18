"""`stream --web`: the dashboard served beside a stream, checked in a real headless browser."""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
import urllib.request

import pytest

from aura_edge.errors import ConfigError
from aura_edge.runtime.stream import StreamConfig, stream
from aura_edge.runtime.web import parse_address

pytest.importorskip("starlette", reason="the web extra is not installed")
CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Quiet:
    def emit(self, recognitions): pass
    def event(self, event): pass
    def close(self): pass


def start_stream(sources: list[str], port: int, seconds: float) -> threading.Thread:
    config = StreamConfig(sources, bundle="pretrained", web=f"127.0.0.1:{port}", duration_s=seconds)
    thread = threading.Thread(target=stream, args=(config,), kwargs={"sink": Quiet()}, daemon=True)
    thread.start()
    return thread


def wait_for(url: str, timeout_s: float = 20.0) -> bytes:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_addresses_parse_and_bad_ones_are_one_line_errors():
    assert parse_address("8080") == ("127.0.0.1", 8080)
    assert parse_address("0.0.0.0:9000") == ("0.0.0.0", 9000)
    for bad in ("http", "70000", "host:"):
        with pytest.raises(ConfigError, match="--web"):
            parse_address(bad)


def test_a_port_in_use_and_a_bad_host_stop_the_stream_before_it_starts():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError, match="cannot listen there"):
            stream(StreamConfig(["sim://walking"], bundle="pretrained", web=f"127.0.0.1:{port}", duration_s=1),
                   sink=Quiet())
    with pytest.raises(ConfigError, match="cannot resolve host"):
        stream(StreamConfig(["sim://walking"], bundle="pretrained", web="no-such-host.invalid:8080", duration_s=1),
               sink=Quiet())


def test_the_state_endpoint_follows_the_stream_and_the_page_is_served_locally():
    port = free_port()
    thread = start_stream(["sim://walking?speed=4"], port, 6)
    page = wait_for(f"http://127.0.0.1:{port}/").decode()
    assert "/static/uPlot.iife.min.js" in page and "http" not in page.replace("http-equiv", "")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        state = json.loads(wait_for(f"http://127.0.0.1:{port}/state"))
        if state["sources"] and state["sources"][0].get("valid"):
            break
        time.sleep(0.3)
    source = state["sources"][0]
    assert source["label"] and len(source["top"]) == 3 and len(source["signal"]["channels"]) == 6
    assert 0 < len(source["signal"]["t"]) <= 120 and state["model"] == "aura-edge-senvt-ss-synth"
    thread.join(timeout=30)
    assert not thread.is_alive()


@pytest.mark.skipif(CHROMIUM is None, reason="no chromium on this machine (apt-get install chromium)")
def test_the_page_updates_live_in_a_real_browser(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    port = free_port()
    thread = start_stream(["sim://walking,running?seconds_each=6", "sim://cycling"], port, 25)
    wait_for(f"http://127.0.0.1:{port}/")
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # noqa: BLE001 - any launch failure means: no browser here
            pytest.skip(f"chromium did not start: {exc}")
        page = browser.new_page(viewport={"width": 1000, "height": 700})
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function("document.querySelectorAll('.panel').length === 2", timeout=15000)
        page.wait_for_function("[...document.querySelectorAll('.bar .fill')].some(b => parseFloat(b.style.width) > 0)",
                               timeout=20000)
        first = page.eval_on_selector_all(".activity", "nodes => nodes.map(n => n.textContent)")
        plot = page.eval_on_selector(".panel canvas", "c => c.toDataURL()")
        time.sleep(3)
        later = page.eval_on_selector(".panel canvas", "c => c.toDataURL()")
        assert later != plot   # the signal scrolls
        assert page.text_content("#status") == "live"
        assert "aura-edge-senvt-ss-synth" in page.text_content("#bundle")
        page.screenshot(path=str(tmp_path / "dashboard.png"))
        browser.close()   # the tabs go away mid-stream: the stream goes on
    time.sleep(1)
    assert thread.is_alive()
    assert any(label in " ".join(first) for label in ("walking", "running", "cycling"))
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000
    thread.join(timeout=40)


def test_listening_beyond_loopback_warns(monkeypatch, caplog):
    import logging

    from aura_edge.runtime.web import Dashboard, DashboardSink

    logger = logging.getLogger("aura_edge.runtime.web")   # the CLI's console handler may stop propagation
    monkeypatch.setattr(logger, "handlers", [caplog.handler])
    monkeypatch.setattr(logger, "level", logging.INFO)
    bundle = type("B", (), {"path": "b", "variant": "int8", "labels": [], "enrolled": None, "manifest": {}})()
    dashboard = Dashboard(f"0.0.0.0:{free_port()}", DashboardSink(bundle, recognizer=None))
    dashboard.socket.close()
    assert "reachable from other machines" in caplog.text
