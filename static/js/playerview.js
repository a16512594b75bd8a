// The player: one analysis result shown as a graph that fills in step by step, with its
// timeline, the explanation of each step, the node card and, at the end, the summary.
// It takes a root element that holds its parts (marked data-part="…": the page's own
// markup, or playerparts.js's for another host) and results; it never talks to a server
// and knows nothing of the editor, so the exported walk-through and a notebook widget
// mount the same player.

import { CANVAS_MIN_NODES, CanvasGraphView } from "./canvasgraph.js";
import { Explainer } from "./explain.js";
import { NodeInfo } from "./nodeinfo.js";
import { Overview } from "./overview.js";
import { PanZoom } from "./panzoom.js";
import { Player } from "./player.js";
import { GraphView } from "./render.js";
import { Replay } from "./replay.js";
import { renderExplanation } from "./steppanel.js";
import { Summary } from "./summary.js";
import { Timeline } from "./timeline.js";

const READABLE_MAX_NODES = 200; // graphs up to this size open readable; larger ones whole
const STEP_BY_STEP = 400; // a jump shorter than this applies (or undoes) each step in turn

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

export class PlayerView {
  // onStep(k, length): the position changed; onNodeHover(node or null): the pointer is on a
  // node (the page marks its source).
  // canvasMinNodes: graphs of this many nodes or more are drawn on a canvas (canvasgraph.js).
  constructor(root, { catalog = null, onStep = () => {}, onNodeHover = () => {},
    canvasMinNodes = CANVAS_MIN_NODES } = {}) {
    const part = (name) => root.querySelector(`[data-part="${name}"]`);
    this.root = root;
    this.catalog = catalog;
    this.onStep = onStep;
    this.onNodeHover = onNodeHover;
    this.result = null;
    this.textScale = 1;
    // result => {replay, explainer, summary}: what to play instead of the engine's trace
    // (forward mode plays its tangent passes); null: the trace, then the summary.
    this.traceFor = null;
    this.showSummary = true;
    // An answer for the graph on screen (the same nodes and edges) changes the drawing in
    // place, only where it differs (typing stays cheap); false: every answer is drawn anew.
    this.reuseDrawing = true;
    this.replay = null;
    this.view = null;
    this.explainer = null;
    this.stage = part("stage");
    this.svg = part("graph");
    this.labels = part("labels");
    this.canvas = document.createElement("canvas");
    this.canvas.className = "graph-canvas";
    this.canvas.hidden = true;
    this.svg.before(this.canvas);
    this.canvasMinNodes = canvasMinNodes;
    this.svgGraph = new GraphView(this.svg, this.labels);
    this.canvasGraph = new CanvasGraphView(this.svg, this.labels, this.canvas);
    this.graph = this.svgGraph;
    this.panzoom = new PanZoom(this.svg, this.labels);
    this.overview = new Overview(part("overview"), { onPick: (x, y) => this.panzoom.centreOn(x, y) });
    this.panzoom.onView = (view, content) => {
      this.overview.update(view, content);
      if (this.graph === this.canvasGraph) this.canvasGraph.onView(view, this.panzoom.size);
    };
    this.summary = new Summary(part("summary"));
    this.stepPanel = { title: part("explain-title"), lines: part("explain-lines"), figures: part("explain-figures") };
    this.announce = part("announce");
    this.nodeInfo = new NodeInfo(part("node-info"));
    this.player = new Player({ onChange: (k, previous, rebuilt) => this.showStep(k, previous, rebuilt) });
    this.timeline = new Timeline({ root: part("timeline"), player: this.player });
    this.bindNodes();
  }

  get ready() {
    return Boolean(this.replay);
  }

  // Show a new result at step k (or "end"); `refit`: fit the view to it anew.
  show(result, { k = 0, refit = true, textScale = 1 } = {}) {
    this.result = result;
    this.textScale = textScale;
    const trace = this.traceFor?.(result)
      || { replay: new Replay(result), explainer: new Explainer(result, this.catalog), summary: true };
    this.replay = trace.replay;
    this.explainer = trace.explainer;
    this.showSummary = trace.summary;
    this.stage.style.setProperty("--text-scale", String(textScale));
    const graph = result.nodes.length >= this.canvasMinNodes ? this.canvasGraph : this.svgGraph;
    if (graph !== this.graph) {
      this.graph.result = null; // what it drew is gone
      this.graph = graph;
    }
    const onCanvas = graph === this.canvasGraph;
    this.canvas.hidden = !onCanvas;
    this.svg.classList.toggle("canvas-drawn", onCanvas);
    this.labels.classList.toggle("canvas-drawn", onCanvas);
    let moved = true;
    if (this.reuseDrawing && this.graph.reuses(result, textScale)) {
      // The same graph with other numbers or texts (a value edited, a constant's digit
      // typed): what differs changes in place, no rebuild; what the last result showed is
      // cleared, and the player's reset below shows the new numbers.
      moved = this.graph.reuse(result, this.replay);
      this.graph.update(this.replay.emptyView(), viewKeys(this.view));
    } else {
      this.graph.build(result, this.replay, textScale);
    }
    if (moved) {
      this.overview.build(result, this.graph.leftPad, this.graph.bounds);
      this.panzoom.setContent(this.graph.bounds.width, this.graph.bounds.height);
    }
    // Every graph opens whole; one too big to read whole opens readable on its first step (a
    // large one stays an overview: zoomed in, each step of a 1,000-node graph repaints more,
    // unless drawn whole it would be a mere line: a long chain).
    if (refit) {
      const nodes = result.nodes.length;
      const readable = nodes <= READABLE_MAX_NODES ? "always" : nodes < CANVAS_MIN_NODES ? "sliver" : "never";
      this.panzoom.fitNew({ readable, first: this.graph.focusArea(this.replay.steps[0]) });
    } else {
      this.panzoom.apply();
    }
    this.summary.set(result);
    this.nodeInfo.setNames(result.nodes);
    this.player.reset(this.replay.length, k === "end" ? this.replay.length : k);
  }

  // A drawing with every element, for an export or a print: the one on screen, or for a
  // graph drawn on the canvas an SVG one built for it off screen, at the same step.
  fullDrawing() {
    if (this.graph !== this.canvasGraph) return { graph: this.graph, svg: this.svg, labels: this.labels };
    if (!this.offscreen) {
      const box = document.createElement("div");
      box.className = "graph-offscreen";
      box.setAttribute("aria-hidden", "true");
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "graph");
      const labels = document.createElement("div");
      labels.className = "graph-labels";
      box.append(svg, labels);
      this.stage.appendChild(box);
      this.offscreen = { svg, labels, graph: new GraphView(svg, labels) };
    }
    const { graph } = this.offscreen;
    if (graph.reuses(this.result, this.textScale)) graph.reuse(this.result, this.replay);
    else graph.build(this.result, this.replay, this.textScale);
    graph.update(this.view);
    const k = this.player.k;
    graph.highlight(k > 0 ? this.replay.steps[k - 1] : null);
    return { ...this.offscreen };
  }

  // Show the same result again at step k (a mode now plays another trace of it).
  refresh(k = 0) {
    if (this.result) this.show(this.result, { k, refit: false, textScale: this.textScale });
  }

  // The page's colours changed (the theme): a canvas-drawn graph is drawn again in them.
  restyle() {
    if (this.graph === this.canvasGraph) this.canvasGraph.restyle();
  }

  setStale(stale) {
    this.graph.setStale(stale && Boolean(this.result));
  }

  // Move the view to k steps revealed: each step applies or undoes exactly one step, and
  // only what the steps touched is redrawn, so playing fast stays cheap.
  showStep(k, previous, rebuilt) {
    const replay = this.replay;
    if (!replay) return;
    if (rebuilt || !this.view || Math.abs(k - previous) > STEP_BY_STEP) {
      const before = rebuilt ? null : this.view;
      this.view = replay.viewAt(k);
      this.graph.update(this.view, mergeTouched(viewKeys(before), viewKeys(this.view)));
    } else if (k > previous) {
      const touched = { nodes: [], edges: [], output: false };
      for (let i = previous; i < k; i += 1) mergeTouched(touched, replay.apply(this.view, i));
      this.graph.update(this.view, touched);
    } else if (k < previous) {
      const touched = { nodes: [], edges: [], output: false };
      for (let i = previous - 1; i >= k; i -= 1) mergeTouched(touched, replay.undo(this.view, i));
      this.graph.update(this.view, touched);
    }
    const step = k > 0 ? replay.steps[k - 1] : null;
    this.graph.highlight(step);
    if (k !== previous || rebuilt) this.panzoom.reveal(this.graph.focusArea(step));
    const text = this.explainer.explain(replay, k - 1);
    renderExplanation(this.stepPanel, text);
    if (k !== previous || rebuilt) this.announce.textContent = text.speech;
    this.timeline.render(k, replay);
    this.summary.reveal(this.showSummary && k === replay.length);
    this.root.dataset.phase = replay.phaseAt(k);
    this.nodeInfo.refresh(this.view);
    this.onStep(k, replay.length);
  }

  // Show step i as a question before it is revealed (predict mode): what it is about
  // highlighted on the graph, and `text`, its explanation with the asked numbers as "?".
  ask(i, text) {
    const step = this.replay.steps[i];
    this.graph.highlight(step);
    this.panzoom.reveal(this.graph.focusArea(step));
    renderExplanation(this.stepPanel, text);
    this.announce.textContent = text.speech;
  }

  // Hover or click a node: its numbers and formulas (and, through onNodeHover, its source).
  bindNodes() {
    const nodeFromEvent = (event) => {
      const element = event.target.closest?.(".node");
      if (!element || !this.result) return null;
      return this.result.nodes[Number(element.dataset.nodeId)];
    };
    // On a canvas with no element under the pointer (too many nodes in view for hooks), the
    // node whose box is there.
    const nodeOnCanvas = (event) => {
      if (this.graph !== this.canvasGraph || !this.result || event.target.closest?.(".node")) return null;
      const rect = this.svg.getBoundingClientRect();
      const id = this.canvasGraph.nodeAt(event.clientX - rect.left, event.clientY - rect.top);
      return id === null ? null : this.result.nodes[id];
    };
    this.svg.addEventListener("pointerover", (event) => {
      const node = nodeFromEvent(event);
      if (!node) return;
      this.onNodeHover(node);
      this.nodeInfo.show(node, this.view, event);
    });
    this.svg.addEventListener("pointerout", (event) => {
      if (!nodeFromEvent(event)) return;
      this.onNodeHover(null);
      this.nodeInfo.hideUnlessPinned();
    });
    let onCanvas = null; // the canvas node the pointer is on
    this.svg.addEventListener("pointermove", (event) => {
      if (event.buttons) return; // a pan
      const node = nodeOnCanvas(event);
      if (node === onCanvas) return;
      onCanvas = node;
      this.onNodeHover(node);
      if (node) this.nodeInfo.show(node, this.view, event);
      else this.nodeInfo.hideUnlessPinned();
    });
    this.svg.addEventListener("pointerleave", () => {
      if (!onCanvas) return;
      onCanvas = null;
      this.onNodeHover(null);
      this.nodeInfo.hideUnlessPinned();
    });
    let down = null; // where the pointer went down: a click that ends a pan picks no node
    this.svg.addEventListener("pointerdown", (event) => { down = [event.clientX, event.clientY]; });
    this.svg.addEventListener("click", (event) => {
      const still = down && Math.hypot(event.clientX - down[0], event.clientY - down[1]) < 5;
      const node = nodeFromEvent(event) || (still ? nodeOnCanvas(event) : null);
      if (node) this.nodeInfo.pin(node, this.view, event);
      else this.nodeInfo.unpin();
    });
    this.svg.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      const node = nodeFromEvent(event);
      if (node) this.nodeInfo.pin(node, this.view, event);
    });
  }
}
