// The graph as SVG, drawn from the server's layout. A full build when the
// structure changes; cheap per-step updates keyed by node and edge id.

import { rawNumber } from "./format.js";
import { edgeText, isTensor } from "./tensorview.js";

// The engine's number for a data attribute; a tensor as its JSON.
function rawValue(x) {
  return isTensor(x) ? JSON.stringify(x) : rawNumber(x);
}

const SVG = "http://www.w3.org/2000/svg";
const OUTPUT_STUB = 90; // length of the line drawn out of the output node
const LEFT_PAD = 80; // room left of the inputs for their gradients

function el(name, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (parent) parent.appendChild(node);
  return node;
}

// What a node shows: a variable's or constant's label; an operator's symbol,
// then its name if the program gave it one ("+ q"), as the layout sized it.
function fillNodeText(text, node) {
  const tensorLiteral = node.kind === "const" && node.shape.length;
  text.textContent = node.kind === "op" ? node.symbol : (tensorLiteral ? `[${node.shape.join("×")}]` : node.label);
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
  constructor(svg) {
    this.svg = svg;
    this.nodeEls = [];
    this.edgeEls = [];
    this.outputEl = null;
    this.current = [];
    this.bounds = { width: 100, height: 100 };
  }

  // Build every element for a new result (ids are stable within a result).
  build(result) {
    const { layout } = result;
    this.result = result;
    this.outgoingIndex = null;
    this.svg.replaceChildren();
    el("title", {}, this.svg).textContent = "Computational graph";
    const defs = el("defs", {}, this.svg);
    const marker = el("marker", {
      id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerUnits: "userSpaceOnUse",
      markerWidth: "11", markerHeight: "11", orient: "auto-start-reverse",
    }, defs);
    el("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }, marker);
    const root = el("g", { class: "graph-root", transform: `translate(${LEFT_PAD} 0)` }, this.svg);
    const edgeLayer = el("g", { class: "edges" }, root);
    const nodeLayer = el("g", { class: "nodes" }, root);
    this.edgeEls = layout.edges.map((edge) => this.buildEdge(edge, edgeLayer));
    this.nodeEls = result.nodes.map((node) => this.buildNode(node, layout.nodes[node.id], nodeLayer));
    this.outputEl = this.buildOutputStub(result, layout, edgeLayer);
    this.bounds = { width: LEFT_PAD + layout.width + OUTPUT_STUB + 20, height: layout.height };
    this.current = [];
  }

  buildEdge(edge, parent) {
    const g = el("g", {
      class: "edge", "data-edge-id": edge.id, "data-source": edge.source, "data-target": edge.target,
    }, parent);
    const d = edge.points.map(([x, y], i) => `${i ? "L" : "M"} ${x} ${y}`).join(" ");
    el("path", { d, class: "wire", "marker-end": "url(#arrow)" }, g);
    // The layout gives the centres of the label boxes: value above the wire, gradient below.
    const centred = { "text-anchor": "middle", "dominant-baseline": "central" };
    const value = el("text", { x: edge.value_at[0], y: edge.value_at[1], class: "edge-value", ...centred }, g);
    const gradBox = el("rect", { class: "grad-box", rx: 5, ry: 5 }, g);
    const grad = el("text", { x: edge.grad_at[0], y: edge.grad_at[1], class: "edge-grad", ...centred }, g);
    return { g, value, grad, gradBox, edge };
  }

  buildNode(node, box, parent) {
    const g = el("g", {
      class: `node kind-${node.kind}${node.live ? "" : " dead"}`,
      "data-node-id": node.id, tabindex: "0", role: "button",
      "aria-label": this.describeNode(node),
      transform: `translate(${box.x} ${box.y})`,
    }, parent);
    if (box.shape === "circle") {
      el("ellipse", { class: "shape", rx: box.w / 2, ry: box.h / 2 }, g);
    } else {
      el("rect", { class: "shape", x: -box.w / 2, y: -box.h / 2, width: box.w, height: box.h, rx: 8, ry: 8 }, g);
    }
    const label = el("text", { class: "node-label", "text-anchor": "middle", "dominant-baseline": "central" }, g);
    fillNodeText(label, node);
    // A node's gradient so far: left of an input (the column is free there), under an operator.
    const grad = node.kind === "input"
      ? el("text", { class: "node-grad", "text-anchor": "end", x: -box.w / 2 - 10, "dominant-baseline": "central" }, g)
      : el("text", { class: "node-grad", "text-anchor": "middle", y: box.h / 2 + 20 }, g);
    return { g, grad, node, box };
  }

  buildOutputStub(result, layout, parent) {
    const box = layout.nodes[result.output];
    const x0 = box.x + box.w / 2;
    const x1 = x0 + OUTPUT_STUB;
    const g = el("g", { class: "edge output-edge", "data-output": "true" }, parent);
    el("path", { d: `M ${x0} ${box.y} L ${x1} ${box.y}`, class: "wire" }, g);
    const centred = { "text-anchor": "middle", "dominant-baseline": "central" };
    const value = el("text", { x: (x0 + x1) / 2, y: box.y - 13, class: "edge-value", ...centred }, g);
    const gradBox = el("rect", { class: "grad-box", rx: 5, ry: 5 }, g);
    const grad = el("text", { x: (x0 + x1) / 2, y: box.y + 15, class: "edge-grad", ...centred }, g);
    const name = el("text", { x: x1 + 6, y: box.y, class: "output-name", "dominant-baseline": "central" }, g);
    name.textContent = result.output_name;
    return { g, value, grad, gradBox };
  }

  describeNode(node) {
    if (node.kind === "input") return `input ${node.label}`;
    if (node.kind === "const") return `constant ${node.label}`;
    return `${node.op} node${node.label ? ` ${node.label}` : ""}: ${node.expression}`;
  }

  // Show the view's numbers on the given nodes and edges (all when ids is null).
  update(view, touched = null) {
    const nodes = touched ? touched.nodes : this.nodeEls.map((_, i) => i);
    const edgeIds = new Set(touched ? touched.edges : this.edgeEls.map((_, i) => i));
    for (const id of nodes) {
      this.updateNode(view, id);
      // A node's value is written above each edge leaving it.
      for (const edgeId of this.outgoing(id)) edgeIds.add(edgeId);
    }
    for (const id of edgeIds) this.updateEdge(view, id);
    if (!touched || touched.output || nodes.includes(this.result.output)) this.updateOutput(view);
  }

  outgoing(id) {
    if (!this.outgoingIndex) {
      this.outgoingIndex = this.result.nodes.map(() => []);
      for (const edge of this.result.edges) this.outgoingIndex[edge.source].push(edge.id);
    }
    return this.outgoingIndex[id];
  }

  updateNode(view, id) {
    const item = this.nodeEls[id];
    if (!item) return;
    const { g } = item;
    if (view.values.has(id)) {
      g.setAttribute("data-value", rawValue(view.values.get(id)));
      g.classList.add("has-value");
    } else {
      g.removeAttribute("data-value");
      g.classList.remove("has-value");
    }
    if (view.grads.has(id)) {
      const grad = view.grads.get(id);
      g.setAttribute("data-grad", rawValue(grad));
      item.grad.textContent = `∂ ${edgeText(grad, "grad")}`;
    } else {
      g.removeAttribute("data-grad");
      item.grad.textContent = "";
    }
  }

  updateEdge(view, id) {
    const item = this.edgeEls[id];
    if (!item) return;
    const source = item.edge.source;
    item.value.textContent = view.values.has(source) ? edgeText(view.values.get(source), "value") : "";
    if (view.edgeGrads.has(id)) {
      item.grad.textContent = edgeText(view.edgeGrads.get(id), "grad");
      item.g.setAttribute("data-grad", rawValue(view.edgeGrads.get(id)));
    } else {
      item.grad.textContent = "";
      item.g.removeAttribute("data-grad");
    }
    this.fitGradBox(item);
  }

  updateOutput(view) {
    const item = this.outputEl;
    const out = this.result.output;
    item.value.textContent = view.values.has(out) ? edgeText(view.values.get(out), "value") : "";
    item.grad.textContent = view.grads.has(out) ? edgeText(view.grads.get(out), "grad") : "";
    this.fitGradBox(item);
  }

  // The gradient's box (a shape cue besides colour) hugs its text.
  fitGradBox(item) {
    const text = item.grad.textContent;
    if (!text) {
      item.gradBox.setAttribute("visibility", "hidden");
      return;
    }
    const width = 9 * text.length + 12;
    const x = Number(item.grad.getAttribute("x"));
    const y = Number(item.grad.getAttribute("y"));
    item.gradBox.setAttribute("x", x - width / 2);
    item.gradBox.setAttribute("y", y - 10);
    item.gradBox.setAttribute("width", width);
    item.gradBox.setAttribute("height", 20);
    item.gradBox.setAttribute("visibility", "visible");
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
      for (const edge of this.result.edges) {
        if (edge.target === step.node) mark(this.edgeEls[edge.id].g, "current");
      }
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

  setStale(stale) {
    this.svg.classList.toggle("stale", stale);
  }
}
