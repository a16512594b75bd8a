// Training: run SGD in the engine, draw the loss curve, scrub through the
// recorded steps, and replay one chosen step on the graph (forward, backward,
// then the update of every parameter). The numbers all come from the engine, through
// the host's `train(request)` (the page's: POST /api/train; a notebook widget's: its kernel),
// which answers {result} or {error} as /api/train does.

import { formatNumber as fmt } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const SNAPSHOTS = 40; // parameter sets recorded along a run, for the scrubber

export class TrainingPanel {
  constructor({ root, train, onReplay, onSettingsChange }) {
    this.root = root;
    this.train = train;
    this.onReplay = onReplay;
    this.$ = (selector) => root.querySelector(selector);
    this.run = null;
    this.$("#train-run").addEventListener("click", () => this.start());
    this.$("#train-scrubber").addEventListener("input", () => this.select(Number(this.$("#train-scrubber").value)));
    this.$("#train-replay").addEventListener("click", () => this.replay());
    for (const id of ["#train-seed", "#train-lr"]) {
      this.$(id).addEventListener("change", () => {
        this.clear();
        onSettingsChange();
      });
    }
  }

  get seed() {
    const seed = Number(this.$("#train-seed").value);
    return Number.isInteger(seed) && seed >= 0 ? seed : 0;
  }

  get learningRate() {
    const rate = Number(this.$("#train-lr").value);
    return Number.isFinite(rate) && rate > 0 ? rate : 0.1;
  }

  setDefaults(defaults) {
    if (!defaults) return;
    this.$("#train-steps").value = String(defaults.steps);
    this.$("#train-lr").value = String(defaults.learning_rate);
  }

  // What a shared link needs to run this training again: the settings, whether it ran,
  // and which recorded step was replayed.
  get state() {
    return {
      steps: this.$("#train-steps").value,
      lr: this.$("#train-lr").value,
      seed: this.$("#train-seed").value,
      batch: this.$("#train-batch").value,
      trained: Boolean(this.run),
      replayed: this.replayed ?? null,
    };
  }

  // Put a shared link's settings back (before training again with them).
  restore({ steps, lr, seed, batch }) {
    if (steps) this.$("#train-steps").value = steps;
    if (lr) this.$("#train-lr").value = lr;
    if (seed) this.$("#train-seed").value = seed;
    if (batch) this.$("#train-batch").value = batch;
  }

  // Shown only for programs with parameters that end with a loss (a single number).
  show(result, context) {
    this.context = context;
    const loss = typeof result.value !== "object";
    this.root.hidden = !result.parameters.length || !loss;
    this.$("#train-params").textContent = result.parameters.length
      ? `parameters: ${result.parameters.join(", ")}` : "";
  }

  clear() {
    this.run = null;
    this.replayed = null;
    this.$("#loss-curve").replaceChildren();
    this.$("#train-scrubber").disabled = true;
    this.$("#train-replay").disabled = true;
    this.$("#train-step-label").textContent = "";
  }

  async start() {
    const steps = Math.max(1, Math.min(100000, Math.round(Number(this.$("#train-steps").value) || 100)));
    const batch = Math.round(Number(this.$("#train-batch").value));
    const record = [...new Set(Array.from({ length: SNAPSHOTS + 1 }, (_, i) => Math.round((i * steps) / SNAPSHOTS)))];
    const { source, values } = this.context();
    this.$("#train-status").textContent = "Training…";
    this.$("#train-run").disabled = true;
    const answer = await this.train({
      source, values, steps, learning_rate: this.learningRate, seed: this.seed, record,
      ...(batch >= 1 ? { batch_size: batch } : {}),
    });
    this.$("#train-run").disabled = false;
    if (answer.error) {
      this.$("#train-status").textContent = answer.error.message;
      return false;
    }
    this.showRun(answer.result);
    return true;
  }

  // A training run's result (the engine's TrainResult): its loss curve, the last recorded step chosen.
  showRun(run) {
    this.run = run;
    const last = run.final_loss;
    this.$("#train-status").textContent =
      `${run.steps} steps: loss ${fmt(run.losses[0])} → ${fmt(last)}${run.warnings.length ? ` (${run.warnings[0]})` : ""}`;
    this.root.dataset.trained = "true";
    this.drawCurve(run);
    const scrubber = this.$("#train-scrubber");
    scrubber.max = String(run.parameters.length - 1);
    scrubber.value = String(run.parameters.length - 1);
    scrubber.disabled = false;
    this.$("#train-replay").disabled = false;
    this.select(run.parameters.length - 1);
  }

  // The loss at every step, a line from the first step to the last.
  drawCurve(run) {
    const svg = this.$("#loss-curve");
    const width = 300;
    const height = 120;
    const pad = { left: 44, right: 8, top: 8, bottom: 22 };
    const losses = run.losses.map((x) => (typeof x === "number" ? x : NaN));
    const top = Math.max(...losses.filter(Number.isFinite), 1e-12);
    const n = Math.max(1, losses.length - 1);
    const x = (i) => pad.left + ((width - pad.left - pad.right) * i) / n;
    const y = (v) => pad.top + (height - pad.top - pad.bottom) * (1 - v / top);
    this.scale = { x, y };
    const every = Math.max(1, Math.ceil(losses.length / 600)); // at most ~600 points drawn
    const points = losses.map((v, i) => [i, v]).filter(([i, v]) => (i % every === 0 || i === n) && Number.isFinite(v))
      .map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    const parts = [];
    const make = (name, attrs, text) => {
      const el = document.createElementNS(SVG, name);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
      if (text !== undefined) el.textContent = text;
      parts.push(el);
      return el;
    };
    make("line", { x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0), class: "axis" });
    make("line", { x1: pad.left, y1: pad.top, x2: pad.left, y2: y(0), class: "axis" });
    make("text", { x: pad.left - 4, y: pad.top + 4, class: "axis-label", "text-anchor": "end" }, fmt(top, 3));
    make("text", { x: pad.left - 4, y: y(0), class: "axis-label", "text-anchor": "end" }, "0");
    make("text", { x: width - pad.right, y: height - 6, class: "axis-label", "text-anchor": "end" }, `step ${losses.length}`);
    make("text", { x: pad.left, y: height - 6, class: "axis-label" }, "loss per step");
    make("polyline", { points, class: "loss-line" });
    this.marker = make("line", { x1: 0, y1: pad.top, x2: 0, y2: y(0), class: "loss-marker" });
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.replaceChildren(...parts);
  }

  select(index) {
    if (!this.run) return;
    const snapshot = this.run.parameters[index];
    this.selected = snapshot;
    this.selectedIndex = index;
    this.$("#train-scrubber").value = String(index);
    const loss = snapshot.step < this.run.losses.length ? this.run.losses[snapshot.step] : this.run.final_loss;
    this.$("#train-step-label").textContent = `after ${snapshot.step} steps · loss ${fmt(loss)}`;
    this.$("#train-scrubber").setAttribute("aria-valuetext", `after ${snapshot.step} steps`);
    const xAt = this.scale.x(Math.min(snapshot.step, this.run.losses.length - 1));
    this.marker.setAttribute("x1", xAt);
    this.marker.setAttribute("x2", xAt);
  }

  // Load the chosen parameters into the graph and play that step: forward, backward, update.
  replay(autoplay = true) {
    if (!this.selected) return;
    this.replayed = this.selectedIndex;
    this.onReplay(this.selected.values, this.selected.step, autoplay);
  }
}
