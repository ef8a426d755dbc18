// aura-edge live dashboard: one panel per source, updated from /events (Server-Sent Events).
"use strict";
const CHANNELS = ["ax", "ay", "az", "gx", "gy", "gz"];
const COLORS = ["#d8453b", "#3b9d4a", "#3b7dd8", "#e09a2b", "#8e4fc4", "#2bb0b5"];
const panels = new Map();

function element(tag, className, parent) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (parent) parent.appendChild(node);
  return node;
}

function makePanel(name) {
  const root = element("section", "panel", document.getElementById("panels"));
  root.dataset.source = name;
  element("h2", "", root).textContent = name;
  const panel = { root, activity: element("div", "activity", root), bars: element("div", "bars", root) };
  const plotBox = element("div", "plot", root);
  panel.plot = new uPlot({
    width: 430, height: 150, legend: { show: true, live: false }, cursor: { show: false },
    scales: { x: { time: false } }, axes: [{ label: "seconds" }, {}],
    series: [{}, ...CHANNELS.map((c, i) => ({ label: c, stroke: COLORS[i], width: 1 }))],
  }, [[], [], [], [], [], [], []], plotBox);
  panel.stats = element("div", "stats", root);
  panel.events = element("ul", "events", root);
  panels.set(name, panel);
  return panel;
}

function showBars(panel, top) {
  panel.bars.replaceChildren();
  for (const [name, score] of top) {
    const bar = element("div", "bar", panel.bars);
    element("span", "name", bar).textContent = name;
    const fill = element("div", "fill", element("div", "track", bar));
    fill.style.width = `${Math.max(0, Math.min(1, score ?? 0)) * 100}%`;
    element("span", "value", bar).textContent = score == null ? "–" : score.toFixed(2);
  }
}

function showSource(source) {
  const panel = panels.get(source.name) || makePanel(source.name);
  const known = source.valid && source.label && source.label !== "unknown";
  panel.activity.textContent = source.valid ? (source.label || "unknown") : (source.reason || "waiting…");
  panel.activity.classList.toggle("unknown", !known);
  showBars(panel, source.top || []);
  const signal = source.signal || { t: [], channels: [] };
  if (signal.t.length) panel.plot.setData([signal.t, ...signal.channels]);
  const link = source.link || {};
  const rate = source.rate_hz ? `${source.rate_hz.toFixed(0)} Hz` : "rate –";
  panel.stats.textContent = `hop ${source.latency_ms ?? "–"} ms · ${rate} · samples ${link.samples ?? 0}` +
    ` · dropped ${link.dropped ?? 0} · corrupt ${link.corrupt ?? 0} · resets ${link.resets ?? 0}`;
  panel.events.replaceChildren(...(source.events || []).map((e) => {
    const item = element("li");
    item.textContent = `${new Date(e.time * 1000).toLocaleTimeString()} ${e.kind}: ${e.message}`;
    return item;
  }));
}

function show(state) {
  const enrolled = state.enrolled.length ? ` + enrolled: ${state.enrolled.join(", ")}` : "";
  document.getElementById("bundle").textContent =
    `${state.model} (${state.variant}) · ${state.labels} labels${enrolled} · ${state.bundle} · up ${state.uptime_s} s`;
  state.sources.forEach(showSource);
}

function connect() {
  const status = document.getElementById("status");
  const events = new EventSource("/events");   // reconnects by itself when the stream restarts
  events.onopen = () => { status.textContent = "live"; status.classList.remove("down"); };
  events.onerror = () => { status.textContent = "reconnecting…"; status.classList.add("down"); };
  events.onmessage = (message) => {
    window.updates = (window.updates || 0) + 1;   // read by benchmarks/bench_web.py
    show(JSON.parse(message.data));
  };
}

connect();
