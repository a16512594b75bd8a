// Wiring: editor -> server -> replay -> graph, panel and timeline.

import { analyze, fetchExamples, fetchOperators } from "./api.js";
import { Editor } from "./editor.js";
import { Explainer } from "./explain.js";
import { downloadPng, downloadSvg } from "./exportview.js";
import { bindHelp, fillHelp } from "./help.js";
import { bindKeys } from "./keys.js";
import { NodeInfo } from "./nodeinfo.js";
import { Overview } from "./overview.js";
import { PanZoom } from "./panzoom.js";
import { Player } from "./player.js";
import { GraphView } from "./render.js";
import { Replay } from "./replay.js";
import { RoomControls } from "./roomcontrols.js";
import { renderExplanation } from "./steppanel.js";
import { Summary } from "./summary.js";
import { applyTheme, initialTheme } from "./theme.js";
import { Timeline } from "./timeline.js";
import { TrainingPanel } from "./training.js";
import { readUrl, writeUrl } from "./urlstate.js";

const $ = (selector) => document.querySelector(selector);
const HIDDEN_WARNINGS = new Set(["default_value", "unused_value"]); // the page's own doing
const READABLE_MAX_NODES = 200; // graphs up to this size open readable; larger ones whole
// Engine errors about a value, not the source: shown at the variable's field.
const VALUE_ERRORS = new Set(["non_numeric_value", "number_too_large", "missing_value"]);

const app = {
  result: null,
  replay: null,
  view: null,
  explainer: null,
  catalog: { operators: [], constants: [] },
  requestId: 0,
  inFlight: null,
  keepStep: false,
  refit: false, // the next result is drawn anew (a new text size): fit it again
  signature: null, // the graph's structure, to tell an edit that leaves it unchanged
  parameters: null, // parameter values replayed from training; null: the seed's start
  autoplay: false,
  example: null, // the example loaded, while the source is still that example's
};

const graph = new GraphView($("#graph"), $("#graph-labels"));
const panzoom = new PanZoom($("#graph"), $("#graph-labels"));
const overview = new Overview($("#overview"), { onPick: (x, y) => panzoom.centreOn(x, y) });
panzoom.onView = (view, content) => overview.update(view, content);
const summary = new Summary($("#summary"));
const stepPanel = { title: $("#explain-title"), lines: $("#explain-lines"), figures: $("#explain-figures") };
const nodeInfo = new NodeInfo($("#node-info"));

const player = new Player({ onChange: (k, previous, rebuilt) => showStep(k, previous, rebuilt) });
const timeline = new Timeline({ root: $("#timeline"), player });
const room = new RoomControls({
  layout: $(".layout"),
  onTextScale: () => {
    app.keepStep = true;
    app.refit = true;
    schedule(0, true);
  },
});

const editor = new Editor({
  textarea: $("#source"),
  mirror: $("#source-mirror"),
  errorBox: $("#error"),
  variablesBox: $("#variables"),
  onSourceChange: () => {
    app.parameters = null;
    training.replayed = null;
    showDescription();
    schedule(300, false);
  },
  onValuesChange: () => {
    if (unusableFields().length) {
      clearTimeout(timer);
      setStale(true);
      return;
    }
    schedule(200, true);
  },
});

const training = new TrainingPanel({
  root: $("#training"),
  onReplay: (parameters, step, autoplay = true) => {
    app.parameters = parameters;
    app.autoplay = autoplay;
    $("#status").textContent = `Replaying training step ${step + 1}`;
    run({ step: 0 });
  },
  onSettingsChange: () => {
    app.parameters = null;
    schedule(0, false);
  },
});

// The fields of the graph's variables that hold something that cannot be used.
function unusableFields() {
  const shown = new Set(app.result ? app.result.variables : []);
  return editor.invalid.filter((name) => shown.has(name));
}

// Dim the graph and the panel: what they show is not what the editor holds now.
function setStale(stale) {
  const dim = stale && Boolean(app.result);
  graph.setStale(dim);
  document.body.classList.toggle("stale", dim);
}

// An example's description stays only while the source is that example's.
function showDescription() {
  const box = $("#example-description");
  const shown = Boolean(app.example) && editor.source === app.example.source;
  box.textContent = shown ? app.example.description : "";
  box.hidden = !shown || !app.example.description;
}

// What the server needs: the user's values, and the parameters being replayed if any.
function requestValues() {
  return { ...editor.currentValues(), ...(app.parameters || {}) };
}

let timer = 0;
function schedule(delay, keepStep) {
  clearTimeout(timer);
  app.keepStep = app.keepStep || keepStep;
  timer = setTimeout(() => run(), delay);
}

// The text the engine's span points at (code points): the variable a value error is about.
function spanText(source, start, end) {
  return [...source].slice(start, end).join("");
}

// Ask the engine; show the graph, or the error while keeping the last good graph.
async function run({ step = null, fresh = false } = {}) {
  const id = ++app.requestId;
  app.inFlight?.abort();
  const controller = new AbortController();
  app.inFlight = controller;
  const source = editor.source;
  $("#status").textContent = "Analyzing…";
  let answer;
  try {
    answer = await analyze(source, requestValues(), controller.signal,
      { seed: training.seed, learning_rate: training.learningRate, text_scale: room.textScale });
  } catch (error) {
    if (error.name === "AbortError") return;
    answer = { error: { code: "network", message: "the server could not be reached", start: 0, end: 0 } };
  }
  if (id !== app.requestId) return; // a newer request is under way
  $("#status").textContent = "";
  if (answer.error) {
    const name = spanText(source, answer.error.start, answer.error.end);
    if (VALUE_ERRORS.has(answer.error.code) && editor.inputs.has(name)) {
      editor.showError(null);
      editor.markField(name, answer.error.message);
    } else {
      editor.showError(answer.error);
    }
    setStale(true);
    app.keepStep = false;
    return;
  }
  editor.showError(null);
  const stillUnusable = editor.invalid.filter((name) => answer.result.variables.includes(name));
  if (stillUnusable.length && app.result) {
    // The graph would be computed without what a field holds: keep the last one, dimmed.
    editor.setVariables(answer.result.variables, new Map());
    setStale(true);
    return;
  }
  setStale(false);
  show(answer.result, step, fresh);
}

// The graph's structure: an edit that leaves it unchanged (a trailing space) keeps the step.
function signature(result) {
  return JSON.stringify([result.steps.length, result.nodes.map((n) => [n.kind, n.op, n.label, n.inputs])]);
}

// `fresh`: a new graph (an example chosen), opened from its start even if it looks the same.
function show(result, step, fresh = false) {
  const shape = signature(result);
  const same = shape === app.signature;
  const keep = !fresh && (app.keepStep || same) && app.replay && app.replay.length === result.steps.length;
  const k = step === "end" ? result.steps.length : step ?? (keep ? player.k : 0);
  const refit = !keep || app.refit;
  app.keepStep = false;
  app.refit = false;
  app.result = result;
  app.signature = shape;
  app.replay = new Replay(result);
  app.explainer = new Explainer(result, app.catalog);
  const engineValues = new Map(result.variables.map((name, i) => [name, result.nodes[i].value]));
  editor.setVariables(result.variables, engineValues);
  $(".graph-stage").style.setProperty("--text-scale", String(room.textScale));
  graph.build(result, app.replay, room.textScale);
  overview.build(result, graph.leftPad, graph.bounds);
  panzoom.setContent(graph.bounds.width, graph.bounds.height);
  // Every graph opens whole; one too big to read whole opens readable on its first step (a
  // large one stays an overview: zoomed in, each step of a 1,000-node graph repaints more).
  if (refit) {
    panzoom.fitNew({ readable: result.nodes.length <= READABLE_MAX_NODES, first: graph.focusArea(result.steps[0]) });
  } else {
    panzoom.apply();
  }
  showWarnings(result.warnings);
  training.show(result, () => ({ source: editor.source, values: editor.currentValues() }));
  summary.set(result);
  nodeInfo.setNames(result.nodes);
  player.reset(result.steps.length, k);
  if (app.autoplay) {
    app.autoplay = false;
    player.play();
  }
}

function showWarnings(warnings) {
  const shown = warnings.filter((w) => !HIDDEN_WARNINGS.has(w.code));
  const box = $("#warnings");
  box.replaceChildren(...shown.map((w) => {
    const item = document.createElement("li");
    item.textContent = w.message;
    item.dataset.code = w.code;
    if (w.end > w.start) {
      item.addEventListener("mouseenter", () => editor.markSpans("hover", [[w.start, w.end]]));
      item.addEventListener("mouseleave", () => editor.markSpans("hover", null));
    }
    return item;
  }));
  box.hidden = shown.length === 0;
}

// The ids a view shows something on: what a jump must redraw.
function viewKeys(view) {
  if (!view) return { nodes: [], edges: [], output: true };
  return { nodes: [...view.values.keys(), ...view.grads.keys()], edges: [...view.edgeGrads.keys()], output: true };
}

function mergeTouched(into, more) {
  into.nodes.push(...more.nodes);
  into.edges.push(...more.edges);
  into.output = into.output || more.output;
  return into;
}

const STEP_BY_STEP = 400; // a jump shorter than this applies (or undoes) each step in turn

// Move the view to k steps revealed: each step applies or undoes exactly one step, and
// only what the steps touched is redrawn, so playing fast stays cheap.
function showStep(k, previous, rebuilt) {
  const replay = app.replay;
  if (!replay) return;
  if (rebuilt || !app.view || Math.abs(k - previous) > STEP_BY_STEP) {
    const before = rebuilt ? null : app.view;
    app.view = replay.viewAt(k);
    graph.update(app.view, mergeTouched(viewKeys(before), viewKeys(app.view)));
  } else if (k > previous) {
    const touched = { nodes: [], edges: [], output: false };
    for (let i = previous; i < k; i += 1) mergeTouched(touched, replay.apply(app.view, i));
    graph.update(app.view, touched);
  } else if (k < previous) {
    const touched = { nodes: [], edges: [], output: false };
    for (let i = previous - 1; i >= k; i -= 1) mergeTouched(touched, replay.undo(app.view, i));
    graph.update(app.view, touched);
  }
  const step = k > 0 ? replay.steps[k - 1] : null;
  graph.highlight(step);
  if (k !== previous || rebuilt) panzoom.reveal(graph.focusArea(step));
  const text = app.explainer.explain(replay, k - 1);
  renderExplanation(stepPanel, text);
  if (k !== previous || rebuilt) $("#announce").textContent = text.speech;
  timeline.render(k, replay);
  summary.reveal(k === replay.length);
  document.body.dataset.phase = replay.phaseAt(k);
  scheduleUrlWrite(k, replay.length);
  nodeInfo.refresh(app.view);
}

// The address follows the view, written once things settle (not on every frame of play).
let urlTimer = 0;
function scheduleUrlWrite(k, length) {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => writeUrl({
    source: editor.source, values: editor.values, step: k, length, textScale: room.textScale,
    train: $("#training").hidden ? null : training.state,
  }), player.playing ? 400 : 60);
}

// Hover or click a node: its numbers and formulas, and its span in the source.
function nodeFromEvent(event) {
  const element = event.target.closest?.(".node");
  if (!element || !app.result) return null;
  return app.result.nodes[Number(element.dataset.nodeId)];
}

$("#graph").addEventListener("pointerover", (event) => {
  const node = nodeFromEvent(event);
  if (!node) return;
  editor.markSpans("hover", node.occurrences || [node.span]);
  nodeInfo.show(node, app.view, event);
});
$("#graph").addEventListener("pointerout", (event) => {
  if (!nodeFromEvent(event)) return;
  editor.markSpans("hover", null);
  nodeInfo.hideUnlessPinned();
});
$("#graph").addEventListener("click", (event) => {
  const node = nodeFromEvent(event);
  if (node) nodeInfo.pin(node, app.view, event);
  else nodeInfo.unpin();
});
$("#graph").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  const node = nodeFromEvent(event);
  if (node) nodeInfo.pin(node, app.view, event);
});

bindKeys({ player, nodeInfo, ready: () => Boolean(app.replay) });

$("#fit").addEventListener("click", () => panzoom.fit());
$("#zoom-in").addEventListener("click", () => panzoom.zoom(1 / 1.25));
$("#zoom-out").addEventListener("click", () => panzoom.zoom(1.25));
$("#export-svg").addEventListener("click", () => downloadSvg($("#graph"), $("#graph-labels"), graph.bounds));
$("#export-png").addEventListener("click", () => downloadPng($("#graph"), $("#graph-labels"), graph.bounds));
$("#share").addEventListener("click", async () => {
  const url = window.location.href;
  try {
    await navigator.clipboard.writeText(url);
    $("#status").textContent = "Link copied";
  } catch {
    $("#status").textContent = "Copy the address bar to share this view";
  }
});
$("#theme").addEventListener("click", () => {
  const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
  applyTheme(next, $("#theme"));
});
bindHelp($("#help"), $("#help-open"), $("#help-close"));

function loadExample(example) {
  editor.values = new Map(Object.entries(example.values));
  editor.inputs = new Map();
  editor.source = example.source;
  app.parameters = null;
  app.example = example;
  training.clear();
  training.setDefaults(example.train);
  showDescription();
}

function fillExamples(examples) {
  const select = $("#examples");
  for (const example of examples) {
    const option = document.createElement("option");
    option.value = example.id;
    option.textContent = example.title;
    option.title = example.description || "";
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    const example = examples.find((e) => e.id === select.value);
    if (!example) return;
    loadExample(example);
    select.value = "";
    // The keys now step through the example; left in the menu, → would load another one.
    select.blur();
    run({ fresh: true });
  });
}

// A shared link taken after training: train again with its settings (deterministic), then
// replay the recorded step it showed.
async function restoreTraining(train, step) {
  training.restore(train);
  if (!train.trained || $("#training").hidden) return;
  if (!(await training.start())) return;
  if (train.replayed === null) return;
  training.select(train.replayed);
  training.replayed = train.replayed;
  app.parameters = training.selected.values;
  await run({ step });
}

async function start() {
  applyTheme(initialTheme(), $("#theme"));
  const [catalog, examples] = await Promise.all([fetchOperators(), fetchExamples()]);
  app.catalog = catalog;
  fillHelp($("#help-operators"), catalog);
  fillExamples(examples);
  const state = readUrl();
  if (state.textScale !== null) room.set(state.textScale);
  if (state.train) training.restore(state.train);
  if (state.source !== null) {
    editor.source = state.source;
    editor.values = state.values;
    app.example = examples.find((e) => e.source === state.source) || null;
  } else if (examples.length) {
    loadExample(examples[0]);
  }
  showDescription();
  await run({ step: state.step });
  if (state.train) await restoreTraining(state.train, state.step);
  document.body.dataset.ready = "true";
}

start();
