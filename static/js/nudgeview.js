// Nudge mode: the gradient is the sensitivity. A slider on an input's field moves it by ε;
// the engine (options.nudge) gives every node's predicted change (∂node/∂x · ε, to first
// order) beside its actual change, and the output's changes along the way from 0 to ε,
// with where the linear prediction starts to miss by more than its tolerance. The page
// only draws and writes the engine's numbers.

import { formatNumber } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_ROWS = 200;
const SETTLE_MS = 120; // a slider sends its value once it rests this long

const fmt = (x) => formatNumber(x);
const factor = (x) => (fmt(x).startsWith("\u2212") ? `(${fmt(x)})` : fmt(x));

function svg(name, attrs, parent) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  parent.appendChild(element);
  return element;
}

export class NudgeMode {
  // box: the mode's panel (index.html #nudge); editor: whose fields get the sliders;
  // onNudge(): ask the engine for the new nudge.
  constructor({ view, box, editor, onNudge }) {
    this.view = view;
    this.box = box;
    this.editor = editor;
    this.onNudge = onNudge;
    this.variable = null;
    this.epsilon = 0;
    this.timer = 0;
    this.startAt = "end";
    this.on = false;
  }

  options() {
    return this.variable === null ? {} : { nudge: { [this.variable]: this.epsilon } };
  }

  optionRejected() {
    if (this.variable === null) return false;
    this.variable = null;
    return true;
  }

  enter() {
    this.on = true;
    this.box.hidden = false;
    if (this.view.result) this.addSliders(this.view.result);
  }

  // The graph shows the end of the walk-through here: no step is current.
  onStep() {
    this.view.graph.highlight(null);
  }

  leave() {
    this.on = false;
    this.box.hidden = true;
    for (const slider of document.querySelectorAll(".nudge-slider")) slider.remove();
    this.view.graph.markPath(null);
  }

  // A slider under each number field (the fields are rebuilt when the variables change).
  addSliders(result) {
    for (const name of result.variables) {
      const input = this.editor.inputs.get(name);
      const value = result.nodes[result.variables.indexOf(name)].value;
      if (!input || typeof value !== "number" || input.parentElement.querySelector(".nudge-slider")) continue;
      // How far the slider reaches each way, and its step: a power of ten, about a hundredth
      // of that, so that a link's ε (0.5) is a position of the slider.
      const range = Math.max(1, Math.abs(value));
      const step = 10 ** Math.floor(Math.log10(range / 100));
      const row = document.createElement("span");
      row.className = "nudge-slider";
      const slider = document.createElement("input");
      Object.assign(slider, { type: "range", min: String(-range), max: String(range), step: String(step) });
      slider.value = name === this.variable ? String(this.epsilon) : "0";
      slider.dataset.nudge = name;
      slider.setAttribute("aria-label", `nudge ${name} by ε`);
      const readout = document.createElement("output");
      readout.textContent = `ε = ${fmt(Number(slider.value))}`;
      slider.addEventListener("input", () => this.slide(name, slider, readout));
      row.append(slider, readout);
      input.parentElement.appendChild(row);
    }
  }

  slide(name, slider, readout) {
    this.variable = name;
    this.epsilon = Number(slider.value);
    readout.textContent = `ε = ${fmt(this.epsilon)}`;
    for (const other of document.querySelectorAll(".nudge-slider input")) {
      if (other !== slider && other.value !== "0") {
        other.value = "0";
        other.nextElementSibling.textContent = "ε = 0";
      }
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.onNudge(), SETTLE_MS);
  }

  onResult(result) {
    if (this.on) this.addSliders(result);
    const nudge = result.nudge;
    const $ = (selector) => this.box.querySelector(selector);
    $(".nudge-hint").hidden = Boolean(nudge);
    $(".nudge-result").hidden = !nudge;
    if (!nudge) return;
    const out = result.output_name;
    const x = nudge.variable;
    const readout = document.querySelector(`.nudge-slider input[data-nudge="${CSS.escape(x)}"] + output`);
    if (readout) readout.textContent = `ε = ${fmt(nudge.epsilon)}`; // the ε the engine used
    $(".nudge-title").textContent = `Nudge ${x} by ε = ${fmt(nudge.epsilon)}: ${x} = ${fmt(nudge.value)} → ${fmt(nudge.nudged)}`;
    $(".nudge-predicted").textContent =
      `predicted: ∂${out}/∂${x} · ε = ${fmt(nudge.derivative)} · ${factor(nudge.epsilon)} = ${fmt(nudge.predicted)}`;
    $(".nudge-actual").textContent =
      `actual: ${out}(${x} + ε) − ${out}(${x}) = ${fmt(nudge.actual)}`;
    $(".nudge-error").textContent =
      `missed by the prediction: ${fmt(nudge.error)} (relative error ${formatNumber(nudge.relative_error, 2)})`;
    const within = fmt(nudge.linear_within);
    $(".nudge-break").textContent = nudge.breaks_down_at === null
      ? `Up to ε = ${fmt(nudge.epsilon)} the linear prediction holds: its relative error stays within ${within}.`
      : `The linear prediction breaks down as ε grows: from ε = ${fmt(nudge.breaks_down_at)} on its `
        + `relative error passes ${within}.`;
    this.drawCurve(nudge);
    this.fillTable(result, nudge);
  }

  // The output's actual change along the way to ε (the engine's curve) and the straight line
  // the gradient predicts, with where they part by more than the tolerance.
  drawCurve(nudge) {
    const chart = this.box.querySelector(".nudge-chart");
    chart.replaceChildren();
    const width = 320;
    const height = 140;
    const pad = { left: 8, right: 8, top: 10, bottom: 22 };
    const points = [{ epsilon: 0, predicted: 0, actual: 0 }, ...nudge.curve]
      .filter((p) => Number.isFinite(p.predicted) && Number.isFinite(p.actual));
    chart.setAttribute("viewBox", `0 0 ${width} ${height}`);
    if (points.length < 2) return;
    const ys = points.flatMap((p) => [p.predicted, p.actual]);
    const low = Math.min(...ys);
    const high = Math.max(...ys);
    const span = high - low || 1;
    const last = points[points.length - 1].epsilon || 1;
    const px = (e) => pad.left + ((width - pad.left - pad.right) * e) / last;
    const py = (v) => pad.top + (height - pad.top - pad.bottom) * (1 - (v - low) / span);
    const line = (key) => points.map((p) => `${px(p.epsilon).toFixed(1)},${py(p[key]).toFixed(1)}`).join(" ");
    svg("line", { x1: pad.left, x2: width - pad.right, y1: py(0), y2: py(0), class: "axis" }, chart);
    svg("polyline", { points: line("predicted"), class: "nudge-line-predicted" }, chart);
    svg("polyline", { points: line("actual"), class: "nudge-line-actual" }, chart);
    if (nudge.breaks_down_at !== null) {
      const x = px(nudge.breaks_down_at);
      svg("line", { x1: x, x2: x, y1: pad.top, y2: height - pad.bottom, class: "nudge-break-line" }, chart);
    }
    const label = svg("text", { x: width - pad.right, y: height - 6, "text-anchor": "end", class: "axis-label" }, chart);
    label.textContent = `ε = ${fmt(nudge.epsilon)}`;
    const zero = svg("text", { x: pad.left, y: height - 6, class: "axis-label" }, chart);
    zero.textContent = "0";
  }

  fillTable(result, nudge) {
    const nodes = result.nodes.filter((n) => n.kind !== "const").slice(0, MAX_ROWS);
    const rows = nodes.map((node) => {
      const entry = nudge.nodes[String(node.id)];
      const row = document.createElement("tr");
      row.dataset.node = String(node.id);
      const cells = [node.id === result.output ? result.output_name : node.name, fmt(entry.derivative),
        fmt(entry.predicted), fmt(entry.actual), fmt(entry.error)];
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        cell.textContent = text;
        row.appendChild(cell);
      });
      row.addEventListener("pointerenter", () => this.view.graph.markPath({ nodes: [node.id], edges: [] }));
      row.addEventListener("pointerleave", () => this.view.graph.markPath(null));
      return row;
    });
    this.box.querySelector(".nudge-table tbody").replaceChildren(...rows);
    this.box.querySelector(".nudge-table thead .nudge-d").textContent = `∂·/∂${nudge.variable}`;
  }
}
