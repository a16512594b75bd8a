// The graph as SVG, drawn from the server's layout. A full build when the
// structure changes; cheap per-step updates keyed by node and edge id.

import { rawNumber } from "./format.js";
import { edgeText, isTensor } from "./tensorview.js";

// The engine's number for a data attribute; a tensor as its JSON.
function rawValue(x) {
  return isTensor(x) ? JSON.stringify(x) : rawNumber(x);
}

const SVG = "http://www.w3.org/2000/svg";
// Room the layout leaves under a node for its gradient (engine/layout.py: GRAD_GAP), and
// the label fonts (px at text scale 1) this file measures texts in.
const GRAD_GAP = 6;
const FONT = { grad: 13, note: 11, edge: 15, name: 18 };
const LITERAL_SHOWN = 12; // engine/display.py: a vector or matrix literal this short is drawn as written

// Width of a text in px, measured without laying out the page.
const measure = (() => {
  const context = document.createElement("canvas").getContext("2d");
  return (text, px, weight = 600) => {
    context.font = `${weight} ${px}px "DejaVu Sans", "Liberation Sans", Arial, sans-serif`;
    return context.measureText(text).width;
  };
})();

// Numbers are HTML in an overlay above the SVG, moved with it by a CSS transform: any
// change to an SVG text (or to HTML inside the SVG) makes the browser lay out the whole
// drawing again, tens of milliseconds on a 1,000-node graph, while HTML text is laid out
// on its own. Each label sits at a point of the layout, centred (or right-aligned) on it
// by a 0×0 flex box around it, not by a transform: a transform per label made a paint
// chunk per label, and compositing thousands of them cost 10 ms every frame.
function htmlLabel(parent, x, y, cls, { align = "middle", top = false } = {}) {
  const anchor = document.createElement("div");
  anchor.className = `label-anchor align-${align}${top ? " align-top" : ""}`;
  anchor.style.left = `${x}px`;
  anchor.style.top = `${y}px`;
  const span = document.createElement("span");
  span.className = `label align-${align}${top ? " align-top" : ""} ${cls}`;
  span.dataset.x = String(x);  // layout coordinates, for the SVG export
  span.dataset.y = String(y);
  span.textContent = NOTHING;
  anchor.appendChild(span);
  parent.appendChild(anchor);
  return span;
}

// The labels of each node and edge are grouped, and groups are put in chunks of 64: when
// the page is laid out, the browser revisits the chunks and only the one that changed,
// not thousands of positioned labels.
const CHUNK = 64;

function labelGroup(parent, attrs) {
  const chunks = parent.children;
  let chunk = chunks[chunks.length - 1];
  if (!chunk || chunk.childElementCount >= CHUNK) {
    chunk = document.createElement("div");
    chunk.className = "label-chunk";
    parent.appendChild(chunk);
  }
  const div = document.createElement("div");
  for (const [key, value] of Object.entries(attrs)) div.setAttribute(key, value);
  chunk.appendChild(div);
  return div;
}

// A label always holds a line of text (a no-break space when there is no number), so its
// height never changes.
const NOTHING = "\u00a0";

// A text set again as it is is left alone: the browser lays out a new text node anew, and an
// answer for the graph on screen (a keystroke) shows mostly the numbers it showed.
function setLabel(span, text) {
  const shown = text || NOTHING;
  if (span.childNodes.length !== 1 || span.firstChild.nodeValue !== shown) span.textContent = shown;
  span.classList.toggle("shown", Boolean(text));
}

// A node's gradient, with a second line while it is a sum still growing: "2 of 4 so far".
function setGradLabel(span, text, note) {
  if (!note) {
    setLabel(span, text);
    return;
  }
  const [first, second] = span.childNodes;
  if (span.childNodes.length === 2 && first.nodeValue === text && second.textContent === note) return;
  setLabel(span, text);
  const line = document.createElement("span");
  line.className = "so-far";
  line.textContent = note;
  span.appendChild(line);
}

// How a vector or matrix literal's node is labelled: as written when short, never [4×2]
// (a vector holding one number); the same text the layout sized (engine/display.py).
export function literalText(node) {
  return node.label.length <= LITERAL_SHOWN ? node.label : `[⋯] ${node.shape.join("×")}`;
}

// An attribute set, or removed for null, unless it already is.
function setData(element, name, value) {
  if (value === null) element.removeAttribute(name);
  else if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

// A node's outline as the layout's box gives it: [element name, attributes]. Placed by
// coordinates, not a translate() per node: each transform is a node of the browser's
// property trees, and a thousand of them slowed every frame's compositing.
function outline(box) {
  return box.shape === "circle"
    ? ["ellipse", { class: "shape", cx: box.x, cy: box.y, rx: box.w / 2, ry: box.h / 2 }]
    : ["rect", {
      class: "shape", x: box.x - box.w / 2, y: box.y - box.h / 2, width: box.w, height: box.h, rx: 8, ry: 8,
    }];
}

const nodeClass = (node) => `node kind-${node.kind}${node.live ? "" : " dead"}`;
// What a node's text is made from (fillNodeText).
const textKey = (node) => `${node.kind}\u0000${node.symbol}\u0000${node.label}\u0000${node.shape.join("×")}`;
const wirePath = (points) => points.map(([x, y], i) => `${i ? "L" : "M"} ${x} ${y}`).join(" ");
const samePoint = (a, b) => a[0] === b[0] && a[1] === b[1];
const sameBox = (a, b) => a.x === b.x && a.y === b.y && a.w === b.w && a.h === b.h && a.shape === b.shape;

// Put a label (htmlLabel's span) at another point of the layout.
function moveLabel(span, x, y) {
  span.dataset.x = String(x);
  span.dataset.y = String(y);
  span.parentElement.style.left = `${x}px`;
  span.parentElement.style.top = `${y}px`;
}

// What a node shows: a variable's or constant's label; an operator's symbol,
// then its name if the program gave it one ("+ q"), as the layout sized it.
function fillNodeText(text, node) {
  const tensorLiteral = node.kind === "const" && node.shape.length;
  text.textContent = node.kind === "op" ? node.symbol : (tensorLiteral ? literalText(node) : node.label);
  const extra = (cls, words) => {
    const span = document.createElementNS(SVG, "tspan");
    span.setAttribute("class", cls);
    span.textContent = ` ${words}`;
    text.appendChild(span);
  };
  if (node.kind === "op" && node.label) extra("node-name", node.label);
  // On tensors each node shows its shape, as the layout sized it.
  if (node.shape.length && !tensorLiteral) extra("node-shape", node.shape.join("×"));
}

export class GraphView {
  constructor(svg, overlay) {
    this.svg = svg;
    this.overlay = overlay;
    this.nodeEls = [];
    this.edgeEls = [];
    this.outputEl = null;
    this.current = [];
    this.bounds = { width: 100, height: 100 };
  }

  // Build every element for a new result (ids are stable within a result), its text drawn
  // at `textScale` (the layout was made for it).
  build(result, replay, textScale = 1) {
    const { layout } = result;
    this.begin(result, replay, textScale);
    this.edgeEls = layout.edges.map((edge) => this.buildEdge(edge, this.edgeLayer));
    this.nodeEls = result.nodes.map((node) => this.buildNode(node, layout.nodes[node.id], this.nodeLayer));
    this.outputEl = this.buildOutputStub(result, layout, this.edgeLayer);
  }

  // What every drawing of a result starts from: its state, the room left of the inputs,
  // an empty SVG with its layers, and its bounds.
  begin(result, replay, textScale) {
    const { layout } = result;
    this.result = result;
    this.replay = replay;
    this.scale = textScale;
    this.svg.dataset.layoutWidth = String(layout.width);
    this.leftPad = this.inputGradWidth(result) + 12;
    this.outgoingIndex = null;
    this.firstEdgeIndex = null;
    this.svg.replaceChildren();
    // The labels sit at layout coordinates in a layer shifted by the room left of the
    // inputs, as the SVG's root group is: when that room changes, one element moves.
    this.labelLayer = document.createElement("div");
    this.labelLayer.className = "label-layer";
    this.labelLayer.style.left = `${this.leftPad}px`;
    this.overlay.replaceChildren(this.labelLayer);
    this.svg.setAttribute("aria-label", "Computational graph");
    el("title", {}, this.svg).textContent = "Computational graph";
    const defs = el("defs", {}, this.svg);
    const marker = el("marker", {
      id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerUnits: "userSpaceOnUse",
      markerWidth: "11", markerHeight: "11", orient: "auto-start-reverse",
    }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }, marker);
    this.root = el("g", { class: "graph-root", transform: `translate(${this.leftPad} 0)` }, this.svg);
    this.edgeLayer = el("g", { class: "edges" }, this.root);
    this.nodeLayer = el("g", { class: "nodes" }, this.root);
    this.stub = this.outputStub(result, layout);
    this.bounds = { width: this.leftPad + layout.width + this.stub.outputWidth, height: layout.height };
    this.current = [];
  }

  // Whether `result` can be drawn by changing the drawing on screen (reuse): the same
  // nodes joined by the same edges, at the same text scale. What a node says, its box and
  // the route of each edge may differ (a value edited, a constant's digit typed, * made +).
  reuses(result, textScale) {
    const drawn = this.result;
    if (!drawn || this.scale !== textScale || drawn.output !== result.output
      || drawn.nodes.length !== result.nodes.length || drawn.edges.length !== result.edges.length) return false;
    return result.edges.every((edge, i) => {
      const before = drawn.edges[i];
      return edge.source === before.source && edge.target === before.target && edge.operand === before.operand;
    });
  }

  // Draw `result` (reuses() said it may) by changing only what differs from the drawing on
  // screen: a keystroke changes a few elements, where a build makes thousands and the
  // browser styles, lays out and paints them all. The numbers are the caller's to show, as
  // after a build. Whether anything moved (the overview map is then drawn again).
  reuse(result, replay) {
    const before = this.result;
    const { layout } = result;
    const pad = this.inputGradWidth(result) + 12;
    const stub = this.outputStub(result, layout);
    let moved = pad !== this.leftPad || layout.width !== before.layout.width
      || layout.height !== before.layout.height;
    if (pad !== this.leftPad) {
      this.leftPad = pad;
      this.root.setAttribute("transform", `translate(${pad} 0)`);
      this.labelLayer.style.left = `${pad}px`;
    }
    this.svg.dataset.layoutWidth = String(layout.width);
    for (const item of this.nodeEls) {
      const id = item.node.id;
      moved = this.reuseNode(item, result.nodes[id], layout.nodes[id]) || moved;
    }
    for (const item of this.edgeEls) moved = this.reuseEdge(item, layout.edges[item.edge.id]) || moved;
    this.reuseOutputStub(result, stub);
    this.stub = stub;
    this.bounds = { width: pad + layout.width + stub.outputWidth, height: layout.height };
    this.rebind(result, replay);
    return moved;
  }

  // A node drawn anew where it differs (its text, kind, box); whether its box moved.
  reuseNode(item, node, box) {
    const { g } = item;
    const was = item.node;
    if (nodeClass(node) !== nodeClass(was)) g.setAttribute("class", nodeClass(node));
    const aria = this.describeNode(node);
    if (aria !== g.getAttribute("aria-label")) g.setAttribute("aria-label", aria);
    const label = g.querySelector(".node-label");
    if (textKey(node) !== textKey(was)) {
      label.replaceChildren();
      fillNodeText(label, node);
    }
    const moved = !sameBox(box, item.box);
    if (moved) {
      const [name, attrs] = outline(box);
      const shape = g.querySelector(".shape");
      if (shape.localName !== name) shape.replaceWith(el(name, attrs));
      else for (const [key, value] of Object.entries(attrs)) shape.setAttribute(key, value);
      label.setAttribute("x", box.x);
      label.setAttribute("y", box.y);
    }
    if ((node.kind === "input") !== (was.kind === "input")) {
      const group = item.grad.parentElement.parentElement;
      group.replaceChildren();
      item.grad = this.nodeGradLabel(group, node, box);
    } else if (moved) {
      const [x, y] = this.nodeGradAt(node, box);
      moveLabel(item.grad, x, y);
    }
    item.box = box;
    return moved;
  }

  // An edge routed anew where its route or its labels' places differ; whether they did.
  reuseEdge(item, edge) {
    const was = item.edge;
    item.edge = edge;
    const moved = edge.points.length !== was.points.length
      || !edge.points.every((p, i) => samePoint(p, was.points[i]));
    if (moved) item.g.querySelector(".wire").setAttribute("d", wirePath(edge.points));
    if (!samePoint(edge.value_at, was.value_at)) moveLabel(item.value, ...edge.value_at);
    if (!samePoint(edge.grad_at, was.grad_at)) moveLabel(item.grad, ...edge.grad_at);
    return moved;
  }

  reuseOutputStub(result, stub) {
    const { x0, x1, y, valueY, gradY } = stub;
    const { wire, name, value, grad } = this.outputEl;
    wire.setAttribute("d", `M ${x0} ${y} L ${x1} ${y}`);
    moveLabel(value, (x0 + x1) / 2, valueY);
    moveLabel(grad, (x0 + x1) / 2, gradY);
    name.setAttribute("x", x1 + 6);
    name.setAttribute("y", y);
    if (name.textContent !== result.output_name) name.textContent = result.output_name;
  }

  // Keep the drawing for a result it now shows (reuse): the caller updates its numbers.
  // Marks of the old result go, as a rebuild would drop them.
  rebind(result, replay) {
    this.result = result;
    this.replay = replay;
    for (const item of this.nodeEls) item.node = result.nodes[item.node.id];
    this.highlight(null);
    this.markPath(null);
  }

  // Room left of the inputs for their gradients: the widest any of them will show, every
  // running sum and its "k of n so far" line included.
  inputGradWidth(result) {
    const s = this.scale;
    const inputs = new Set(result.nodes.filter((n) => n.kind === "input").map((n) => n.id));
    // The longest texts (digits are about equally wide), measured once each.
    let text = "";
    let note = "so far";
    for (const step of result.steps) {
      if (step.kind !== "edge" || !inputs.has(step.source)) continue;
      const shown = `∂ ${edgeText(step.grad, "grad")}`;
      if (shown.length > text.length) text = shown;
      if (step.contributions > 1) note = `${step.contributions} of ${step.contributions} so far`;
    }
    for (const id of inputs) {
      const shown = `∂ ${edgeText(result.nodes[id].grad ?? 0, "grad")}`;
      if (shown.length > text.length) text = shown;
    }
    // Forward mode writes each input's tangent there: ∂/∂x 1.
    for (const name of Object.keys(result.forward_mode?.derivatives || {})) {
      const shown = `∂/∂${name} 0`;
      if (shown.length > text.length) text = shown;
    }
    return Math.ceil(Math.max(measure(text, FONT.grad * s), measure(note, FONT.note * s)));
  }

  buildEdge(edge, parent) {
    const g = el("g", {
      class: "edge", "data-edge-id": edge.id, "data-source": edge.source, "data-target": edge.target,
    }, parent);
    el("path", { d: wirePath(edge.points), class: "wire", "marker-end": "url(#arrow)" }, g);
    // The layout gives the centres of the label boxes: value above the wire, gradient below.
    const labels = labelGroup(this.labelLayer, { class: "edge-labels", "data-edge-id": edge.id });
    const value = htmlLabel(labels, edge.value_at[0], edge.value_at[1], "edge-value");
    const grad = htmlLabel(labels, edge.grad_at[0], edge.grad_at[1], "edge-grad");
    return { g, value, grad, edge };
  }

  buildNode(node, box, parent) {
    const g = el("g", {
      class: nodeClass(node), "data-node-id": node.id, tabindex: "0", role: "button",
      "aria-label": this.describeNode(node),
    }, parent);
    el(...outline(box), g);
    const label = el("text", {
      class: "node-label", x: box.x, y: box.y, "text-anchor": "middle", "dominant-baseline": "central",
    }, g);
    fillNodeText(label, node);
    const labels = labelGroup(this.labelLayer, { class: "node-labels", "data-node-id": node.id });
    return { g, grad: this.nodeGradLabel(labels, node, box), node, box };
  }

  // Where a node's gradient is written: left of an input (the column is free there), under
  // any other node, in the room the layout left there.
  nodeGradAt(node, box) {
    return node.kind === "input"
      ? [box.x - box.w / 2 - 8, box.y] : [box.x, box.y + box.h / 2 + GRAD_GAP * this.scale];
  }

  nodeGradLabel(group, node, box) {
    const [x, y] = this.nodeGradAt(node, box);
    return node.kind === "input"
      ? htmlLabel(group, x, y, "node-grad", { align: "end" })
      : htmlLabel(group, x, y, "node-grad", { top: true });
  }

  // The line out of the output, long enough for its value and gradient, then the output's
  // name: where it starts and ends, and how far right of the layout's own width it reaches.
  outputStub(result, layout) {
    const s = this.scale;
    const box = layout.nodes[result.output];
    const out = result.nodes[result.output];
    const texts = [edgeText(out.value, "value"), edgeText(out.grad ?? 1, "grad")];
    const stub = Math.max(60 * s, ...texts.map((t) => measure(t, FONT.edge * s) + 24 * s));
    const x0 = box.x + box.w / 2;
    const x1 = x0 + stub;
    const outputWidth = Math.max(0, x1 - layout.width) + 6 + measure(result.output_name, FONT.name * s) + 12;
    return { x0, x1, y: box.y, valueY: box.y - 15 * s, gradY: box.y + 17 * s, outputWidth };
  }

  buildOutputStub(result, layout, parent) {
    const { x0, x1, y, valueY, gradY } = this.stub;
    const g = el("g", { class: "edge output-edge", "data-output": "true" }, parent);
    const wire = el("path", { d: `M ${x0} ${y} L ${x1} ${y}`, class: "wire" }, g);
    const labels = labelGroup(this.labelLayer, { class: "output-labels", "data-output": "true" });
    const value = htmlLabel(labels, (x0 + x1) / 2, valueY, "edge-value");
    const grad = htmlLabel(labels, (x0 + x1) / 2, gradY, "edge-grad");
    const name = el("text", { x: x1 + 6, y, class: "output-name", "dominant-baseline": "central" }, g);
    name.textContent = result.output_name;
    return { g, value, grad, wire, name };
  }

  describeNode(node) {
    if (node.kind === "input") return `input ${node.label}`;
    if (node.kind === "const") return `constant ${node.label}`;
    return `${node.op} node${node.label ? ` ${node.label}` : ""}: ${node.expression}`;
  }

  // Show the view's numbers on the nodes and edges a change touched (all when null).
  update(view, touched = null) {
    const nodes = new Set(touched ? touched.nodes : this.nodeEls.keys());
    const edgeIds = new Set(touched ? touched.edges : this.edgeEls.keys());
    for (const id of nodes) {
      this.updateNode(view, id);
      // A node's value is written above each edge leaving it.
      for (const edgeId of this.outgoing(id)) edgeIds.add(edgeId);
    }
    for (const id of edgeIds) this.updateEdge(view, id);
    if (!touched || touched.output || nodes.has(this.result.output)) this.updateOutput(view);
  }

  firstEdge(id) {
    if (!this.firstEdgeIndex) {
      this.firstEdgeIndex = new Map();
      for (const edge of this.result.edges) {
        if (edge.operand === 0) this.firstEdgeIndex.set(edge.target, edge.id);
      }
    }
    return this.firstEdgeIndex.get(id);
  }

  outgoing(id) {
    if (!this.outgoingIndex) {
      this.outgoingIndex = this.result.nodes.map(() => []);
      for (const edge of this.result.edges) this.outgoingIndex[edge.source].push(edge.id);
    }
    return this.outgoingIndex[id];
  }

  // A node's gradient as the view shows it: {text, note} (note: "2 of 4 so far" while the
  // sum still grows), or null when it shows none.
  gradTexts(view, id) {
    if (!view.grads.has(id)) return null;
    // Until its last contribution has arrived a gradient is a running sum, and says so.
    let note = "";
    if (this.replay && !this.replay.complete(view, id)) {
      const n = this.replay.contributions.get(id);
      note = n > 1 ? `${view.arrived.get(id) ?? 0} of ${n} so far` : "so far";
    }
    return { text: `${view.prefix ?? "∂ "}${edgeText(view.grads.get(id), "grad")}`, note };
  }

  // An edge's value (its source's) and its own gradient as the view shows them ("" for none).
  edgeTexts(view, edge) {
    return {
      value: view.values.has(edge.source) ? edgeText(view.values.get(edge.source), "value") : "",
      grad: view.edgeGrads.has(edge.id) ? edgeText(view.edgeGrads.get(edge.id), "grad") : "",
    };
  }

  outputTexts(view) {
    const out = this.result.output;
    return {
      value: view.values.has(out) ? edgeText(view.values.get(out), "value") : "",
      grad: view.grads.has(out) ? edgeText(view.grads.get(out), "grad") : "",
    };
  }

  updateNode(view, id) {
    const item = this.nodeEls[id];
    if (!item) return;
    const { g } = item;
    const has = view.values.has(id);
    setData(g, "data-value", has ? rawValue(view.values.get(id)) : null);
    g.classList.toggle("has-value", has);
    const grad = this.gradTexts(view, id);
    setData(g, "data-grad", grad ? rawValue(view.grads.get(id)) : null);
    if (grad) setGradLabel(item.grad, grad.text, grad.note);
    else setLabel(item.grad, "");
  }

  updateEdge(view, id) {
    const item = this.edgeEls[id];
    if (!item) return;
    const texts = this.edgeTexts(view, item.edge);
    setLabel(item.value, texts.value);
    setLabel(item.grad, texts.grad);
    setData(item.g, "data-grad", view.edgeGrads.has(id) ? rawValue(view.edgeGrads.get(id)) : null);
  }

  updateOutput(view) {
    const texts = this.outputTexts(view);
    setLabel(this.outputEl.value, texts.value);
    setLabel(this.outputEl.grad, texts.grad);
  }

  // Highlight what step i is about: a node (forward) or an edge and its ends (backward).
  highlight(step) {
    for (const element of this.current) element.classList.remove("current", "current-source", "current-target");
    this.current = [];
    if (!step) return;
    const mark = (element, cls) => {
      if (!element) return;
      element.classList.add(cls);
      this.current.push(element);
    };
    if (step.phase === "forward") {
      mark(this.nodeEls[step.node]?.g, "current");
      for (const operand of this.result.nodes[step.node].inputs.keys()) {
        // the edges of a node are numbered consecutively in operand order
        mark(this.edgeEls[this.firstEdge(step.node) + operand]?.g, "current");
      }
    } else if (step.phase === "forward_mode") {
      // a tangent step: the node, and the edges whose terms it adds
      mark(this.nodeEls[step.node]?.g, "current");
      (step.edges || []).forEach((edge, k) => {
        if (step.terms[k] !== null) mark(this.edgeEls[edge]?.g, "current");
      });
    } else if (step.phase === "update") {
      mark(this.nodeEls[step.node]?.g, "current");
    } else if (step.kind === "seed") {
      mark(this.nodeEls[step.node]?.g, "current");
      mark(this.outputEl.g, "current");
    } else {
      mark(this.edgeEls[step.edge]?.g, "current");
      mark(this.nodeEls[step.node]?.g, "current-target");
      mark(this.nodeEls[step.source]?.g, "current-source");
    }
  }

  // The part of the drawing (its units) that a step is about, for the view to follow:
  // the node and its operands (forward) or both ends of the edge (backward), and the
  // node that matters most, should they not fit together: the one whose number changes.
  focusArea(step) {
    if (!step || !this.result) return null;
    const area = (ids) => {
      const boxes = ids.map((id) => this.result.layout.nodes[id]).filter(Boolean);
      if (!boxes.length) return null;
      const left = Math.min(...boxes.map((b) => b.x - b.w / 2)) + this.leftPad;
      const right = Math.max(...boxes.map((b) => b.x + b.w / 2)) + this.leftPad;
      const top = Math.min(...boxes.map((b) => b.y - b.h / 2));
      const bottom = Math.max(...boxes.map((b) => b.y + b.h / 2));
      return { x: left - 40, y: top - 20, w: right - left + 80, h: bottom - top + 40 };
    };
    if (step.phase === "forward" || (step.phase === "forward_mode" && step.kind === "op")) {
      return { ...area([step.node, ...this.result.nodes[step.node].inputs]), primary: area([step.node]) };
    }
    if (step.phase === "backward" && step.kind !== "seed") {
      return { ...area([step.node, step.source]), primary: area([step.source]) };
    }
    return { ...area([step.node]), primary: area([step.node]) };
  }

  // Mark a path (its nodes and edges) on the drawing, or clear it with null.
  markPath(path) {
    for (const element of this.svg.querySelectorAll(".on-path")) element.classList.remove("on-path");
    if (!path) return;
    for (const id of path.nodes) this.nodeEls[id]?.g.classList.add("on-path");
    for (const id of path.edges) this.edgeEls[id]?.g.classList.add("on-path");
  }

  setStale(stale) {
    this.svg.classList.toggle("stale", stale);
    this.overlay.classList.toggle("stale", stale);
  }
}
