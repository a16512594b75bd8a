// A large graph drawn on a Canvas 2D: above CANVAS_MIN_NODES nodes, an SVG element and
// HTML labels per node and edge cost the browser more style, layout and paint each frame
// than 60 Hz leaves (bench/page_frames.py; README "The page at scale"). The picture is
// drawn from the layout and the view's numbers; the same DOM hooks as render.js's
// (.node[data-node-id] with its data-value, data-grad, aria-label and focus; .edge; the
// HTML labels with their texts) are kept, invisible, for the nodes in view when few enough
// are in view to be read, so pointer, keyboard, screen reader and tests reach them.

import { GraphView, literalText } from "./render.js";

// Measured (bench/page_frames.py, "by size"): drawn as SVG + HTML, playing at 600 steps/s
// held 60 Hz at 250 nodes in every run, and missed it in some runs from 500 nodes on.
export const CANVAS_MIN_NODES = 500;
// Hooks are made for the nodes in view when at most this many are: a whole 5,000-node graph
// in view is a picture, too small to point at one node; zoomed in, its nodes are reachable.
const HOOKS_MAX = 300;
const MIN_TEXT_PX = 5; // a text drawn smaller than this on screen is not drawn (unreadable)
const FONT = { node: 18, name: 16, shape: 13, edge: 15, grad: 13, note: 11, output: 18 };
const SANS = '"DejaVu Sans", "Liberation Sans", Arial, sans-serif';
const COLOURS = ["wire", "text", "muted", "value", "grad", "grad-fill", "input-fill", "input-stroke",
  "const-fill", "const-stroke", "op-fill", "op-stroke", "current", "current-fill", "accent"];

const overlaps = (b, x0, y0, x1, y1) => b[2] >= x0 && b[0] <= x1 && b[3] >= y0 && b[1] <= y1;

export class CanvasGraphView extends GraphView {
  constructor(svg, overlay, canvas) {
    super(svg, overlay);
    this.canvas = canvas;
    this.camera = null; // the panzoom's view (drawing units) and the element's size (px)
    this.hooksMax = HOOKS_MAX;
    this.view = null;
    this.step = null;
    this.path = null;
    this.pending = false;
    this.base = document.createElement("canvas"); // what every frame starts from (draw)
    this.baseKey = null;
  }

  build(result, replay, textScale = 1) {
    const { layout } = result;
    this.begin(result, replay, textScale);
    this.drawing = null; // its drawingKey, once asked for (reuses)
    this.svg.setAttribute("aria-label", `Computational graph of ${result.nodes.length} nodes; `
      + "zoom in to reach its nodes one by one");
    this.nodeEls = [];
    this.edgeEls = [];
    this.outputEl = this.buildOutputStub(result, layout, this.edgeLayer);
    this.nodeBoxes = layout.nodes.map((b) => [b.x - b.w / 2, b.y - b.h / 2, b.x + b.w / 2, b.y + b.h / 2]);
    this.edgeBoxes = layout.edges.map((edge) => {
      const xs = edge.points.map((p) => p[0]);
      const ys = edge.points.map((p) => p[1]);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    });
    this.hooked = { nodes: new Set(), edges: new Set() };
    this.cameraKey = null;
    this.baseKey = null;
    this.palette = null;
    this.view = null;
    this.step = null;
    this.path = null;
    this.redraw();
  }

  // On a canvas only an answer that draws as the one on screen but for its numbers (a value
  // edited) keeps the drawing: any other is built anew, which costs no elements here. The
  // keys are made only when the two can draw the same (a JSON of the layout: 70 ms at 5,000
  // nodes).
  reuses(result, textScale) {
    if (!super.reuses(result, textScale)) return false;
    this.drawing ??= this.drawingKey(this.result, this.scale);
    return this.drawing === this.drawingKey(result, textScale);
  }

  // Everything the drawing is made from but its numbers: the layout, what each node says,
  // and the room kept for the inputs' gradients and the output's line (both measured from
  // numbers).
  drawingKey(result, textScale) {
    const saved = this.scale;
    this.scale = textScale;
    const pad = this.inputGradWidth(result);
    const stub = this.outputStub(result, result.layout);
    this.scale = saved;
    return JSON.stringify([textScale, pad, stub.x1, result.output, result.output_name, result.layout,
      result.nodes.map((n) => [n.kind, n.op, n.symbol, n.label, n.live, n.shape, n.expression])]);
  }

  reuse(result, replay) {
    this.rebind(result, replay);
    this.redraw();
    return false;
  }

  update(view, touched = null) {
    this.view = view;
    super.update(view, touched); // the hooks of what a change touched
    this.redraw();
  }

  highlight(step) {
    this.step = step;
    super.highlight(step);
    this.redraw();
  }

  markPath(path) {
    this.path = path;
    super.markPath(path);
    this.redraw();
  }

  setStale(stale) {
    super.setStale(stale);
    this.canvas.classList.toggle("stale", stale);
  }

  // The camera moved (panzoom.onView): draw what is in view now.
  onView(view, size) {
    this.camera = { view, size };
    this.redraw();
  }

  // One drawing per task, however many changes it made (a frame of play applies several steps).
  redraw() {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.draw();
    });
  }

  draw() {
    if (!this.result || !this.camera) return;
    const { view, size } = this.camera;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(size.width * ratio);
    const height = Math.round(size.height * ratio);
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
      this.canvas.style.width = `${size.width}px`;
      this.canvas.style.height = `${size.height}px`;
    }
    const k = ratio / view.scale;
    const x0 = view.x - this.leftPad;
    const region = [x0, view.y, x0 + view.w, view.y + view.h];
    // What is in view, found once per camera (a frame of play does not move it)
    const cameraKey = JSON.stringify([width, height, view]);
    if (this.cameraKey !== cameraKey) {
      this.cameraKey = cameraKey;
      const inView = { nodes: [], edges: [] };
      this.nodeBoxes.forEach((b, id) => { if (overlaps(b, ...region)) inView.nodes.push(id); });
      this.edgeBoxes.forEach((b, id) => { if (overlaps(b, ...region)) inView.edges.push(id); });
      this.inView = inView;
      const few = inView.nodes.length <= this.hooksMax;
      this.hook(few ? inView.nodes : [], few ? inView.edges : []);
    }
    const { nodes, edges } = this.inView;
    const c = this.colours();
    this.pixel = view.scale; // drawing units per CSS pixel: no line is drawn thinner
    const place = (context) => context.setTransform(k, 0, 0, k, (this.leftPad - view.x) * k, -view.y * k);
    // Every node and edge in view, unmarked, drawn once per camera (and theme): a frame of
    // play copies it, then draws over it only what the step marks and the numbers.
    const baseKey = JSON.stringify([cameraKey, c]);
    if (this.baseKey !== baseKey) {
      this.baseKey = baseKey;
      this.base.width = width;
      this.base.height = height;
      const base = this.base.getContext("2d");
      place(base);
      this.paintShapes(base, c, nodes, edges, { nodes: new Map(), edges: new Map() }, c.wire);
    }
    const context = this.canvas.getContext("2d");
    context.setTransform(1, 0, 0, 1, 0, 0);
    context.clearRect(0, 0, width, height);
    context.drawImage(this.base, 0, 0);
    place(context);
    const marks = this.marks();
    const marked = (ids, boxes) => [...ids].filter((id) => boxes[id] && overlaps(boxes[id], ...region));
    this.paintShapes(context, c, marked(marks.nodes.keys(), this.nodeBoxes), marked(marks.edges.keys(), this.edgeBoxes),
      marks, this.step?.kind === "seed" ? c.current : null);
    // the numbers, unless they would be drawn too small to read
    if ((FONT.grad * this.scale) / view.scale >= MIN_TEXT_PX) this.paintTexts(context, c, nodes, edges);
  }

  // The node under a point of the drawing's element (CSS px from its top left), or null;
  // within 3 px of a node counts (a node of a large graph in view may be a few px across).
  nodeAt(px, py) {
    if (!this.camera || !this.inView) return null;
    const { view } = this.camera;
    const x = view.x + px * view.scale - this.leftPad;
    const y = view.y + py * view.scale;
    const slack = 3 * view.scale;
    const id = this.inView.nodes.find((i) => overlaps(this.nodeBoxes[i], x - slack, y - slack, x + slack, y + slack));
    return id ?? null;
  }

  // Keep hooks for exactly these nodes and edges, each showing the view's numbers and marks.
  hook(nodes, edges) {
    const want = { nodes: new Set(nodes), edges: new Set(edges) };
    let changed = false;
    for (const [kind, items] of [["nodes", this.nodeEls], ["edges", this.edgeEls]]) {
      for (const id of this.hooked[kind]) {
        if (want[kind].has(id)) continue;
        items[id].g.remove();
        items[id].grad.closest(".node-labels, .edge-labels").remove();
        delete items[id];
        changed = true;
      }
    }
    const layout = this.result.layout;
    for (const id of want.edges) {
      if (this.hooked.edges.has(id)) continue;
      this.edgeEls[id] = this.buildEdge(layout.edges[id], this.edgeLayer);
      if (this.view) this.updateEdge(this.view, id);
      changed = true;
    }
    for (const id of want.nodes) {
      if (this.hooked.nodes.has(id)) continue;
      this.nodeEls[id] = this.buildNode(this.result.nodes[id], layout.nodes[id], this.nodeLayer);
      if (this.view) this.updateNode(this.view, id);
      changed = true;
    }
    this.hooked = want;
    if (changed) {
      super.highlight(this.step);
      super.markPath(this.path);
    }
  }

  // The page's colours (app.css), read once per build and theme.
  colours() {
    if (!this.palette) {
      const style = getComputedStyle(this.canvas);
      this.palette = Object.fromEntries(COLOURS.map((name) => [name, style.getPropertyValue(`--${name}`).trim()]));
    }
    return this.palette;
  }

  // The theme changed: draw again in its colours.
  restyle() {
    this.palette = null;
    this.redraw();
  }

  // The marks of the current step and of a marked path, as render.js's classes give them.
  marks() {
    const marks = { nodes: new Map(), edges: new Map() };
    const step = this.step;
    if (step) {
      if (step.node !== undefined) {
        const cls = step.phase === "backward" && step.kind === "edge" ? "current-target" : "current";
        marks.nodes.set(step.node, cls);
      }
      if (step.phase === "backward" && step.kind === "edge") {
        marks.nodes.set(step.source, "current-source");
        marks.edges.set(step.edge, "current");
      } else if (step.phase === "forward") {
        this.result.nodes[step.node].inputs.forEach((_, operand) => {
          marks.edges.set(this.firstEdge(step.node) + operand, "current");
        });
      } else if (step.phase === "forward_mode") {
        (step.edges || []).forEach((edge, j) => { if (step.terms[j] !== null) marks.edges.set(edge, "current"); });
      }
    }
    for (const id of this.path?.nodes || []) marks.nodes.set(id, "on-path");
    for (const id of this.path?.edges || []) marks.edges.set(id, "on-path");
    return marks;
  }

  // Draw the nodes and edges given (ids) as `marks` marks them, and the output's line in
  // the colour `outputLine` (none: null).
  paintShapes(context, c, nodes, edges, marks, outputLine) {
    const layout = this.result.layout;
    const { x0, x1, y: outY } = this.stub;
    // edges: plain ones in one path, marked ones over them
    const wire = (ids, colour, lineWidth) => {
      if (!ids.length) return;
      context.beginPath();
      for (const id of ids) {
        const points = layout.edges[id].points;
        context.moveTo(points[0][0], points[0][1]);
        for (let j = 1; j < points.length; j += 1) context.lineTo(points[j][0], points[j][1]);
      }
      context.strokeStyle = colour;
      context.lineWidth = Math.max(lineWidth, this.pixel);
      context.stroke();
      if (11 < 2 * this.pixel) return; // arrowheads under 2 px: not drawn (a dot each)
      context.beginPath();
      for (const id of ids) {
        const points = layout.edges[id].points;
        const [ax, ay] = points[points.length - 2];
        const [bx, by] = points[points.length - 1];
        const angle = Math.atan2(by - ay, bx - ax);
        // (no closePath: on a path of thousands of subpaths it costs more than all the rest)
        context.moveTo(bx, by);
        context.lineTo(bx - 11 * Math.cos(angle - 0.46), by - 11 * Math.sin(angle - 0.46));
        context.lineTo(bx - 11 * Math.cos(angle + 0.46), by - 11 * Math.sin(angle + 0.46));
        context.lineTo(bx, by);
      }
      context.fillStyle = colour;
      context.fill();
    };
    wire(edges.filter((id) => !marks.edges.has(id)), c.wire, 2);
    wire(edges.filter((id) => marks.edges.get(id) === "current"), c.current, 2);
    wire(edges.filter((id) => marks.edges.get(id) === "on-path"), c.accent, 6);
    if (outputLine) {
      context.beginPath();
      context.moveTo(x0, outY);
      context.lineTo(x1, outY);
      context.strokeStyle = outputLine;
      context.lineWidth = Math.max(2, this.pixel);
      context.stroke();
    }
    // nodes, in one path per look (kind, mark, live or not)
    const looks = new Map();
    for (const id of nodes) {
      const node = this.result.nodes[id];
      const look = `${node.kind} ${marks.nodes.get(id) ?? ""} ${node.live}`;
      if (!looks.has(look)) looks.set(look, []);
      looks.get(look).push(id);
    }
    for (const [look, ids] of looks) {
      const [kind, mark, live] = look.split(" ");
      let fill = { input: c["input-fill"], const: c["const-fill"], param: c["grad-fill"] }[kind] ?? c["op-fill"];
      let stroke = { input: c["input-stroke"], const: c["const-stroke"], param: c.grad }[kind] ?? c["op-stroke"];
      let lineWidth = kind === "param" ? 2.5 : 3;
      let dash = kind === "const" ? [5, 3] : [];
      if (mark === "on-path") {
        [fill, stroke, lineWidth] = [c["current-fill"], c.accent, 6];
      } else if (mark) {
        [fill, stroke] = [c["current-fill"], c.current];
        if (mark === "current-source") dash = [6, 3];
      }
      context.globalAlpha = live === "true" ? 1 : 0.5;
      // Nodes under 3 px across are drawn as squares of their outline's colour: their shape
      // cannot be seen, and drawing thousands of them costs the first frame hundreds of ms.
      const tiny = ids.filter((id) => Math.max(layout.nodes[id].w, layout.nodes[id].h) < 3 * this.pixel);
      context.fillStyle = stroke;
      for (const id of tiny) {
        const box = layout.nodes[id];
        context.fillRect(box.x - this.pixel, box.y - this.pixel, 2 * this.pixel, 2 * this.pixel);
      }
      if (tiny.length === ids.length) continue;
      context.beginPath();
      for (const id of ids) {
        if (Math.max(layout.nodes[id].w, layout.nodes[id].h) < 3 * this.pixel) continue;
        const box = layout.nodes[id];
        context.moveTo(box.x + box.w / 2, box.y);
        if (box.shape === "circle") context.ellipse(box.x, box.y, box.w / 2, box.h / 2, 0, 0, 2 * Math.PI);
        else context.roundRect(box.x - box.w / 2, box.y - box.h / 2, box.w, box.h, 8);
      }
      context.fillStyle = fill;
      context.fill();
      context.setLineDash(dash);
      context.strokeStyle = stroke;
      context.lineWidth = Math.max(lineWidth, this.pixel);
      context.stroke();
      context.setLineDash([]);
    }
    context.globalAlpha = 1;
  }

  // The nodes' texts and the numbers of the nodes and edges given (ids), and the output's.
  paintTexts(context, c, nodes, edges) {
    const s = this.scale;
    const layout = this.result.layout;
    const view = this.view;
    const { x0, x1, y: outY } = this.stub;
    context.textBaseline = "middle";
    for (const id of nodes) this.paintNodeText(context, c, id);
    if (!view) return;
    for (const id of edges) {
      const edge = layout.edges[id];
      const texts = this.edgeTexts(view, edge);
      if (texts.value) this.text(context, texts.value, edge.value_at[0], edge.value_at[1], c.value, FONT.edge);
      if (texts.grad) this.gradBox(context, c, texts.grad, edge.grad_at[0], edge.grad_at[1]);
    }
    for (const id of nodes) {
      const grad = this.gradTexts(view, id);
      if (!grad) continue;
      const box = layout.nodes[id];
      const input = this.result.nodes[id].kind === "input";
      const x = input ? box.x - box.w / 2 - 8 : box.x;
      const top = input ? box.y - (grad.note ? FONT.grad * s * 0.6 : 0) : box.y + box.h / 2 + 6 * s + FONT.grad * s * 0.6;
      const align = input ? "right" : "center";
      this.text(context, grad.text, x, top, c.grad, FONT.grad, { align });
      if (grad.note) {
        this.text(context, grad.note, x, top + FONT.grad * s * 1.2, c.grad, FONT.note, { align, style: "italic " });
      }
    }
    const out = this.outputTexts(view);
    const middle = (x0 + x1) / 2;
    if (out.value) this.text(context, out.value, middle, this.stub.valueY, c.value, FONT.edge);
    if (out.grad) this.gradBox(context, c, out.grad, middle, this.stub.gradY);
    this.text(context, this.result.output_name, x1 + 6, outY, c.text, FONT.output, { align: "left", style: "italic " });
  }

  text(context, words, x, y, colour, px, { align = "center", style = "" } = {}) {
    context.font = `${style}600 ${px * this.scale}px ${SANS}`;
    context.textAlign = align;
    context.fillStyle = colour;
    context.fillText(words, x, y);
  }

  // A gradient in its dashed box, as app.css draws .edge-grad.shown.
  gradBox(context, c, words, x, y) {
    const s = this.scale;
    context.font = `600 ${FONT.edge * s}px ${SANS}`;
    const w = context.measureText(words).width + 8 * s;
    const h = FONT.edge * s * 1.2 + 2 * s;
    context.beginPath();
    context.roundRect(x - w / 2, y - h / 2, w, h, 5);
    context.fillStyle = c["grad-fill"];
    context.fill();
    context.setLineDash([4, 2]);
    context.strokeStyle = c.grad;
    context.lineWidth = 1.2;
    context.stroke();
    context.setLineDash([]);
    this.text(context, words, x, y, c.grad, FONT.edge);
  }

  // What a node says (render.js fillNodeText): its symbol or label, then its name and shape.
  paintNodeText(context, c, id) {
    const node = this.result.nodes[id];
    const box = this.result.layout.nodes[id];
    const s = this.scale;
    const tensorLiteral = node.kind === "const" && node.shape.length;
    const parts = [[node.kind === "op" ? node.symbol : (tensorLiteral ? literalText(node) : node.label),
      `600 ${FONT.node * s}px ${SANS}`, c.text]];
    if (node.kind === "op" && node.label) parts.push([` ${node.label}`, `italic 600 ${FONT.name * s}px ${SANS}`, c.muted]);
    if (node.shape.length && !tensorLiteral) parts.push([` ${node.shape.join("×")}`, `${FONT.shape * s}px monospace`, c.muted]);
    const widths = parts.map(([words, font]) => {
      context.font = font;
      return context.measureText(words).width;
    });
    let x = box.x - widths.reduce((a, b) => a + b, 0) / 2;
    context.textAlign = "left";
    parts.forEach(([words, font, colour], j) => {
      context.font = font;
      context.fillStyle = colour;
      context.fillText(words, x, box.y);
      x += widths[j];
    });
  }
}
