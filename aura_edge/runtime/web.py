"""`aura-edge stream --web [HOST:]PORT`: a live dashboard beside the terminal view or JSON lines.

The stream loop hands every hop to a :class:`DashboardSink` (a sink like the others), which keeps
a snapshot per source: the label, top-k scores, link counters, recent link events and the last
10 s of the six channels, decimated for display. A Starlette app served by uvicorn in a
background thread pushes the snapshot to every open page as Server-Sent Events (the browser's
EventSource reconnects by itself when the stream restarts). The page and its one library (uPlot,
MIT) are files of this package: nothing is fetched from the internet. Read-only: there is no
route that changes anything. `pip install 'aura-edge[web]'`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import socket
import threading
import time
from pathlib import Path

import numpy as np

from aura_edge.errors import ConfigError

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "web_static"
SIGNAL_SECONDS = 10.0      # how much of each source's signal the page plots
SIGNAL_POINTS = 100        # points per channel sent (10 Hz over 10 s): enough to see a gait
PUSH_INTERVAL_S = 0.5      # at most two updates a second per page, whatever the hop
EVENTS_KEPT = 12
DEFAULT_HOST = "127.0.0.1"


def parse_address(value: str) -> tuple[str, int]:
    """'[HOST:]PORT' -> (host, port); host defaults to loopback."""
    host, _, port = str(value).rpartition(":")
    host = host.strip("[]") or DEFAULT_HOST
    try:
        number = int(port)
    except ValueError:
        number = -1
    if not 0 <= number <= 65535:
        raise ConfigError(f"--web {value!r}: give a port (e.g. 8080) or HOST:PORT (e.g. 0.0.0.0:8080)")
    return host, number


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except (OSError, ValueError):
        return False


class DashboardSink:
    """A stream sink that keeps what the page shows; cheap on the hop path (copies, no JSON)."""

    def __init__(self, bundle, recognizer) -> None:
        self.recognizer = recognizer
        self.started = time.time()
        self.header = {"bundle": str(bundle.path), "model": _model_name(bundle), "variant": bundle.variant,
                       "labels": len(bundle.labels),
                       "enrolled": list(bundle.enrolled.names) if bundle.enrolled else []}
        self.sources: dict[str, dict] = {}
        self.version = 0
        self._lock = threading.Lock()
        self._json: tuple[int, str] = (-1, "")

    def emit(self, recognitions) -> None:
        latest = {r.source: r for r in recognitions}
        with self._lock:
            for name, r in latest.items():
                panel = self.sources.setdefault(name, {"name": name, "events": []})
                panel.update(valid=r.valid, label=r.label, score=_number(r.score), reason=r.reason,
                             top=[[n, _number(s)] for n, s in r.top], latency_ms=round(r.latency_ms, 2),
                             link={k: v for k, v in r.link.items() if isinstance(v, (int, float, str))},
                             t_s=_number(r.t_s), **self._recent(name))
            self.version += 1

    def event(self, event) -> None:
        with self._lock:
            panel = self.sources.setdefault(event.source, {"name": event.source, "events": []})
            panel["events"] = ([{"time": round(event.time, 3), "kind": event.kind, "message": event.message}]
                               + panel["events"])[:EVENTS_KEPT]
            self.version += 1

    def close(self) -> None:
        pass

    def snapshot_json(self) -> tuple[int, str]:
        """(version, JSON) of the whole dashboard, serialised once per version for every page."""
        with self._lock:
            if self._json[0] != self.version:
                state = {**self.header, "uptime_s": round(time.time() - self.started, 1),
                         "sources": list(self.sources.values())}
                self._json = (self.version, json.dumps(state))
            return self._json

    def _recent(self, name: str) -> dict:
        """The last SIGNAL_SECONDS of a source: the samples per second that arrived (what the device
        really sends), and the six channels decimated to about SIGNAL_POINTS each."""
        channel = next((ch for ch in self.recognizer.channels if ch.name == name), None)
        if channel is None or len(channel.ring) == 0:
            return {"rate_hz": None, "signal": {"t": [], "channels": [[] for _ in range(6)]}}
        t, x = channel.ring.times, channel.ring.samples
        keep = t >= t[-1] - SIGNAL_SECONDS
        t, x = t[keep], x[keep]
        rate = round((len(t) - 1) / (t[-1] - t[0]), 1) if len(t) > 1 and t[-1] > t[0] else None
        step = max(1, len(t) // SIGNAL_POINTS)
        t, x = t[::step], x[::step]
        signal = {"t": np.round(t - t[-1], 2).tolist(), "channels": np.round(x.T, 2).tolist()}
        return {"rate_hz": rate, "signal": signal}


def _number(value):
    return None if value is None or not np.isfinite(value) else round(float(value), 4)


def _model_name(bundle) -> str:
    model = bundle.manifest.get("model") or {}
    return model.get("name") or bundle.manifest.get("run", {}).get("name", "?")


class Dashboard:
    """The web server for one stream: started with it, stopped with it."""

    def __init__(self, address: str, sink: DashboardSink) -> None:
        host, port = parse_address(address)
        self.sink = sink
        app = create_app(sink)   # before binding: a missing extra is the first thing said
        self.socket = _bind(host, port)
        self.host, self.port = host, self.socket.getsockname()[1]
        if not is_loopback(host):
            log.warning(f"the dashboard listens on {host}, reachable from other machines: it shows your "
                        "sensor data to anyone who can connect (use 127.0.0.1 to keep it local)")
        self._server = _uvicorn_server(app)
        self._thread = threading.Thread(target=self._serve, name="aura-edge-web", daemon=True)

    @property
    def url(self) -> str:
        shown = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{shown}:{self.port}/"

    def start(self) -> Dashboard:
        self._thread.start()
        log.info(f"dashboard: {self.url}")
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=5)
        self.socket.close()

    def _serve(self) -> None:
        try:
            asyncio.run(self._server.serve(sockets=[self.socket]))
        except Exception as exc:  # noqa: BLE001 - the page is an extra; the stream must go on without it
            log.warning(f"the dashboard stopped ({exc}); the stream goes on")


def _bind(host: str, port: int) -> socket.socket:
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    except socket.gaierror as exc:
        raise ConfigError(f"--web: cannot resolve host {host!r} ({exc.strerror}); use 127.0.0.1 or an address "
                          "of this machine") from None
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(f"--web {host}:{port}: cannot listen there ({exc.strerror}); pass another port, "
                          "e.g. --web 8081") from None
    sock.listen(64)
    sock.setblocking(False)
    return sock


def _uvicorn_server(app):
    import uvicorn

    config = uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None   # Ctrl-C belongs to the stream, not to the page
    return server


def create_app(sink: DashboardSink):
    """Routes: / (the page), /static/* (its files), /state (one JSON snapshot), /events (SSE)."""
    try:
        from starlette.applications import Starlette
        from starlette.responses import FileResponse, Response, StreamingResponse
        from starlette.routing import Mount, Route
        from starlette.staticfiles import StaticFiles
    except ImportError as exc:
        raise ConfigError("--web needs the web extra: pip install 'aura-edge[web]'") from exc

    async def page(request):
        return FileResponse(STATIC / "index.html")

    async def state(request):
        return Response(sink.snapshot_json()[1], media_type="application/json")

    async def events(request):
        async def stream():
            sent = -1
            while not await request.is_disconnected():
                version, body = sink.snapshot_json()
                if version != sent:
                    sent = version
                    yield f"data: {body}\n\n"
                await asyncio.sleep(PUSH_INTERVAL_S)
        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    return Starlette(routes=[Route("/", page), Route("/state", state), Route("/events", events),
                             Mount("/static", StaticFiles(directory=STATIC), name="static")])


def start_dashboard(address: str, bundle, recognizer) -> Dashboard:
    """Bind (a port in use or a bad host is a one-line error here) and serve in the background."""
    return Dashboard(address, DashboardSink(bundle, recognizer)).start()
