// The road not taken, kept for bench/wire_decode.py to measure: a lazy view of the compact
// answer with the object contract's accessors. Each node, edge, step and layout item is a
// small object holding its index, whose fields are getters reading the answer's columns
// (formulas and expressions filled in on first read). static/js/wire.js builds plain
// objects instead; the bench says which opens the 1,261-node program sooner.

function fill(template, grouped, bare) {
  const slots = [grouped[0] ?? "", grouped[1] ?? "", bare[0] ?? "", bare[1] ?? ""];
  return template.replace(/\{([0-3])\}/g, (_, k) => slots[k]);
}

function enclosed(text) {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === "(") depth += 1;
    else if (text[i] === ")") depth -= 1;
    if (depth === 0) return i === text.length - 1;
  }
  return false;
}

export function isCompact(answer) {
  return answer !== null && typeof answer === "object" && answer.format === "compact";
}

class Columns {
  constructor(c) {
    this.c = c;
    const cols = c.nodes;
    this.n = cols.op.length;
    this.params = new Set(cols.params);
    this.dead = new Set(cols.dead);
    this.firstEdge = new Int32Array(this.n + 1);
    for (let i = 0; i < this.n; i += 1) {
      this.firstEdge[i + 1] = this.firstEdge[i] + (cols.a[i] >= 0) + (cols.b[i] >= 0);
    }
    this.edgeNode = new Int32Array(this.firstEdge[this.n]);
    for (let i = 0; i < this.n; i += 1) {
      for (let e = this.firstEdge[i]; e < this.firstEdge[i + 1]; e += 1) this.edgeNode[e] = i;
    }
  }
  name(i) { return this.c.nodes.name[i] ?? this.c.nodes.label[i]; }
  bare(i) { const name = this.name(i); return name.startsWith("(") && enclosed(name) ? name.slice(1, -1) : name; }
  inputs(i) {
    const { a, b } = this.c.nodes;
    return a[i] < 0 ? [] : b[i] < 0 ? [a[i]] : [a[i], b[i]];
  }
}

class NodeView {
  constructor(cols, i) { this.cols = cols; this.id = i; }
  get kind() {
    const { cols, id } = this;
    const op = cols.c.nodes.op[id];
    return id < cols.c.variables.length ? "input" : op >= 0 ? "op" : cols.params.has(id) ? "param" : "const";
  }
  get op() { const k = this.cols.c.nodes.op[this.id]; return k >= 0 ? this.cols.c.operators.name[k] : null; }
  get symbol() { const k = this.cols.c.nodes.op[this.id]; return k >= 0 ? this.cols.c.operators.symbol[k] : null; }
  get label() { return this.cols.c.nodes.label[this.id]; }
  get name() { return this.id === this.cols.c.output ? this.cols.c.output_node_name : this.cols.name(this.id); }
  get inputs() { return this.cols.inputs(this.id); }
  get value() { return this.cols.c.nodes.value[this.id]; }
  get grad() { return this.cols.c.nodes.grad[this.id]; }
  get span() { return [this.cols.c.nodes.start[this.id], this.cols.c.nodes.end[this.id]]; }
  get live() { return !this.cols.dead.has(this.id); }
  get shape() { return this.cols.c.nodes.shape ? this.cols.c.nodes.shape[this.id] : []; }
  get occurrences() {
    if (this.id >= this.cols.c.variables.length) return undefined;
    const flat = this.cols.c.nodes.occurrences[this.id];
    const out = [];
    for (let k = 0; k < flat.length; k += 2) out.push([flat[k], flat[k + 1]]);
    return out;
  }
  get formulas() {
    if (this._formulas === undefined) {
      const { cols, id } = this;
      const op = cols.c.nodes.op[id];
      const args = cols.inputs(id);
      this._formulas = op < 0 ? null : cols.c.operators.partials[op].map((t) => fill(
        t, args.map((p) => cols.name(p)), args.map((p) => cols.bare(p))));
    }
    return this._formulas;
  }
  get expression() {
    const { cols, id } = this;
    const ops = cols.c.operators;
    const op = cols.c.nodes.op[id];
    if (op < 0) return null;
    const args = cols.inputs(id);
    const shown = args.map((p) => {
      const q = cols.c.nodes.op[p];
      return q >= 0 && ops.notation[q] === "infix" && ops.precedence[q] > ops.precedence[op] ? cols.bare(p) : cols.name(p);
    });
    return fill(ops.formula[op], shown, args.map((p) => cols.bare(p)));
  }
}

class EdgeView {
  constructor(cols, e) { this.cols = cols; this.id = e; }
  get target() { return this.cols.edgeNode[this.id]; }
  get operand() { return this.id - this.cols.firstEdge[this.target]; }
  get source() { return this.cols.inputs(this.target)[this.operand]; }
}

class StepView {
  constructor(cols, nodes, edges, kind, k, node) {
    this.cols = cols; this.nodes = nodes; this.edges = edges; this.kind = kind; this.k = k;
    if (node !== undefined) this.node = node;
  }
  get phase() { return this.kind === "input" || this.kind === "op" ? "forward" : this.kind === "update" ? "update" : "backward"; }
}

function defineEdgeStep() {
  const back = (s) => s.cols.c.backward;
  const edge = (s) => s.edges[back(s).edge[s.k]];
  Object.defineProperties(StepView.prototype, {
    edge: { get() { return back(this).edge[this.k]; } },
    source: { get() { return edge(this).source; } },
    operand: { get() { return edge(this).operand; } },
    upstream: { get() { return this.cols.c.nodes.grad[this.node]; } },
    local: { get() { return back(this).local[this.k]; } },
    local_formula: { get() { return this.nodes[this.node].formulas[this.operand]; } },
    product: { get() { return back(this).product[this.k]; } },
    grad: { get() { return this.kind === "seed" ? this.cols.c.nodes.grad[this.node] : back(this).grad[this.k]; } },
    contribution: { get() { return back(this).contribution[this.k]; } },
    contributions: { get() { return back(this).contributions[this.k]; } },
    value: { get() { return this.cols.c.nodes.value[this.node]; } },
    op: { get() { return this.nodes[this.node].op; } },
    inputs: { get() { return this.cols.inputs(this.node); } },
    operands: { get() { return this.cols.inputs(this.node).map((p) => this.cols.c.nodes.value[p]); } },
  });
}
defineEdgeStep();

export function decode(c) {
  const cols = new Columns(c);
  const nodes = new Array(cols.n);
  for (let i = 0; i < cols.n; i += 1) nodes[i] = new NodeView(cols, i);
  const edges = new Array(cols.edgeNode.length);
  for (let e = 0; e < edges.length; e += 1) edges[e] = new EdgeView(cols, e);
  const steps = [];
  for (let k = 0; k < c.variables.length; k += 1) steps.push(new StepView(cols, nodes, edges, "input", k, k));
  for (let i = 0; i < cols.n; i += 1) if (c.nodes.op[i] >= 0) steps.push(new StepView(cols, nodes, edges, "op", i, i));
  steps.push(new StepView(cols, nodes, edges, "seed", 0, c.output));
  const back = c.backward;
  for (let k = 0; k < back.edge.length; k += 1) {
    steps.push(new StepView(cols, nodes, edges, "edge", k, cols.edgeNode[back.edge[k]]));
  }
  const gradients = {};
  c.variables.forEach((name, k) => { gradients[name] = c.nodes.grad[k]; });
  c.parameters.forEach((name, k) => { gradients[name] = c.nodes.grad[c.nodes.params[k]]; });
  let gradcheck = null;
  if (c.gradcheck) {
    gradcheck = {};
    c.gradcheck.name.forEach((name, k) => {
      const entry = {};
      for (const key of Object.keys(c.gradcheck)) if (key !== "name") entry[key] = c.gradcheck[key][k];
      gradcheck[name] = entry;
    });
  }
  const result = {
    value: c.nodes.value[c.output], output: c.output, output_name: c.output_name, variables: c.variables,
    parameters: c.parameters, gradients, nodes, edges, steps, gradcheck, warnings: c.warnings,
  };
  if (c.layout) result.layout = lazyLayout(c.layout, edges);
  return result;
}

function lazyLayout(layout, edges) {
  const cols = layout.nodes;
  const lines = layout.edges;
  const starts = new Int32Array(lines.count.length + 1);
  lines.count.forEach((count, e) => { starts[e + 1] = starts[e] + 2 * count; });
  const nodes = cols.x.map((_, i) => ({
    id: i, get x() { return cols.x[i]; }, get y() { return cols.y[i]; }, get w() { return cols.w[i]; },
    get h() { return cols.h[i]; }, get layer() { return cols.layer[i]; }, get order() { return cols.order[i]; },
    get shape() { return cols.shapes[cols.shape[i]]; },
  }));
  const out = edges.map((edge, e) => ({
    id: e, get source() { return edge.source; }, get target() { return edge.target; },
    get operand() { return edge.operand; },
    get points() {
      const points = [];
      let x = 0;
      let y = 0;
      for (let at = starts[e], k = 0; at < starts[e + 1]; at += 2, k += 1) {
        if (lines.points) points.push([lines.points[at], lines.points[at + 1]]);
        else {
          x = (k ? x : 0) + lines.points_centi[at];
          y = (k ? y : 0) + lines.points_centi[at + 1];
          points.push([x / 100, y / 100]);
        }
      }
      return points;
    },
    get value_at() { return [lines.value_at[2 * e], lines.value_at[2 * e + 1]]; },
    get grad_at() { return [lines.grad_at[2 * e], lines.grad_at[2 * e + 1]]; },
    label_anchor: typeof lines.label_anchor === "string" ? lines.label_anchor : lines.label_anchor[e],
  }));
  return { width: layout.width, height: layout.height, nodes, edges: out };
}
