// The engine's compact answer (options.format = "compact", engine/wire.py) turned into
// the result object the page reads: the object contract's nodes, edges, steps and layout.
// Nothing is computed here but text: formulas are the engine's templates filled with the
// engine's names, and every number is copied from the answer as it came.

// A template's numbered slots: {0} {1} the operands' names, {2} {3} their bare names. Each
// template is cut once into its text and slot numbers: [text, slot, text, slot, ..., text].
const cut = new Map();

function pieces(template) {
  let parts = cut.get(template);
  if (!parts) {
    parts = template.split(/\{([0-3])\}/).map((part, k) => (k % 2 ? Number(part) : part));
    cut.set(template, parts);
  }
  return parts;
}

function fill(template, a, b, bareA, bareB) {
  const parts = pieces(template);
  let out = parts[0];
  for (let k = 1; k < parts.length; k += 2) {
    const slot = parts[k];
    out += (slot === 0 ? a : slot === 1 ? b : slot === 2 ? bareA : bareB) + parts[k + 1];
  }
  return out;
}

// Whether a name's first "(" closes at its very end: (a+b) yes, (a)·(b) no.
function enclosed(text) {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (ch === "(") depth += 1;
    else if (ch === ")") depth -= 1;
    if (depth === 0) return i === text.length - 1;
  }
  return false;
}

// A name without the parentheses around it, for a slot that has its own (display.bare_names).
function bareName(name) {
  return name.startsWith("(") && enclosed(name) ? name.slice(1, -1) : name;
}

function pairs(flat) {
  const out = [];
  for (let k = 0; k < flat.length; k += 2) out.push([flat[k], flat[k + 1]]);
  return out;
}

export function isCompact(answer) {
  return answer !== null && typeof answer === "object" && answer.format === "compact";
}

export function decode(c) {
  const ops = c.operators;
  const cols = c.nodes;
  const n = cols.op.length;
  const nVariables = c.variables.length;
  const params = new Set(cols.params);
  const dead = new Set(cols.dead);
  const names = new Array(n);
  const bare = new Array(n);
  const inputs = new Array(n);
  for (let i = 0; i < n; i += 1) {
    names[i] = cols.name[i] ?? cols.label[i];
    bare[i] = bareName(names[i]);
    const a = cols.a[i];
    const b = cols.b[i];
    inputs[i] = a < 0 ? [] : b < 0 ? [a] : [a, b];
  }
  const { value: values, grad: grads } = cols;
  const nodes = new Array(n);
  const edges = [];
  const firstEdge = new Array(n);
  for (let i = 0; i < n; i += 1) {
    const op = cols.op[i];
    const args = inputs[i];
    firstEdge[i] = edges.length;
    args.forEach((source, operand) => edges.push({ id: edges.length, source, target: i, operand }));
    let formulas = null;
    let expression = null;
    if (op >= 0) {
      const a = args[0];
      const b = args.length > 1 ? args[1] : -1;
      const nameA = names[a];
      const nameB = b < 0 ? "" : names[b];
      const bareA = bare[a];
      const bareB = b < 0 ? "" : bare[b];
      const partials = ops.partials[op];
      formulas = new Array(partials.length);
      for (let k = 0; k < partials.length; k += 1) formulas[k] = fill(partials[k], nameA, nameB, bareA, bareB);
      // an operand that binds tighter than this operator needs no parentheses: x^2 · y
      const tighter = (p) => {
        const q = cols.op[p];
        return q >= 0 && ops.notation[q] === "infix" && ops.precedence[q] > ops.precedence[op];
      };
      expression = fill(ops.formula[op], tighter(a) ? bareA : nameA, b >= 0 && tighter(b) ? bareB : nameB,
        bareA, bareB);
    }
    const kind = i < nVariables ? "input" : op >= 0 ? "op" : params.has(i) ? "param" : "const";
    const node = {
      id: i, kind, op: op >= 0 ? ops.name[op] : null, symbol: op >= 0 ? ops.symbol[op] : null,
      label: cols.label[i], name: i === c.output ? c.output_node_name : names[i], expression,
      inputs: args, value: values[i], grad: grads[i], span: [cols.start[i], cols.end[i]], formulas,
      live: !dead.has(i), shape: cols.shape ? cols.shape[i] : [],
    };
    if (i < nVariables) node.occurrences = pairs(cols.occurrences[i]);
    nodes[i] = node;
  }
  const steps = [];
  for (let k = 0; k < nVariables; k += 1) {
    steps.push({ phase: "forward", kind: "input", node: k, value: values[k] });
  }
  for (let i = 0; i < n; i += 1) {
    const op = cols.op[i];
    if (op < 0) continue;
    steps.push({
      phase: "forward", kind: "op", node: i, op: ops.name[op], inputs: inputs[i],
      operands: inputs[i].map((p) => values[p]), value: values[i],
    });
  }
  steps.push({ phase: "backward", kind: "seed", node: c.output, grad: grads[c.output] });
  const back = c.backward;
  for (let k = 0; k < back.edge.length; k += 1) {
    const edge = edges[back.edge[k]];
    const step = {
      phase: "backward", kind: "edge", edge: edge.id, node: edge.target, source: edge.source,
      operand: edge.operand, upstream: grads[edge.target], local: back.local[k],
      local_formula: nodes[edge.target].formulas[edge.operand], product: back.product[k],
      grad: back.grad[k], contribution: back.contribution[k], contributions: back.contributions[k],
    };
    if (back.rule) {
      step.rule = back.rule[k];
      step.shapes = back.shapes[k];
    }
    steps.push(step);
  }
  const updates = c.updates;
  if (updates) {
    updates.node.forEach((node, k) => steps.push({
      phase: "update", kind: "update", node, name: updates.name[k], learning_rate: updates.learning_rate,
      value: updates.value[k], grad: updates.grad[k], new_value: updates.new_value[k],
    }));
  }
  if (c.mistakes) steps.forEach((step, k) => { step.mistakes = c.mistakes[k]; });
  const gradients = {};
  c.variables.forEach((name, k) => { gradients[name] = grads[k]; });
  c.parameters.forEach((name, k) => { gradients[name] = grads[cols.params[k]]; });
  let gradcheck = null;
  if (c.gradcheck) {
    gradcheck = {};
    const checks = c.gradcheck;
    checks.name.forEach((name, k) => {
      const entry = {};
      for (const key of Object.keys(checks)) if (key !== "name") entry[key] = checks[key][k];
      gradcheck[name] = entry;
    });
  }
  const result = {
    value: values[c.output], output: c.output, output_name: c.output_name, variables: c.variables,
    parameters: c.parameters, gradients, nodes, edges, steps, gradcheck, warnings: c.warnings,
  };
  if (c.layout) result.layout = decodeLayout(c.layout, edges);
  for (const key of ["paths", "nudge", "forward_mode", "predict"]) if (key in c) result[key] = c[key];
  return result;
}

function decodeLayout(layout, edges) {
  const cols = layout.nodes;
  const nodes = cols.x.map((x, i) => ({
    id: i, x, y: cols.y[i], w: cols.w[i], h: cols.h[i], layer: cols.layer[i], order: cols.order[i],
    shape: cols.shapes[cols.shape[i]],
  }));
  const lines = layout.edges;
  const { count, value_at: valueAt, grad_at: gradAt } = lines;
  const anchors = lines.label_anchor;
  const flat = lines.points;
  const centi = lines.points_centi;
  const out = new Array(edges.length);
  let at = 0;
  for (let e = 0; e < edges.length; e += 1) {
    const n = count[e];
    const points = new Array(n);
    if (flat) {
      for (let k = 0; k < n; k += 1, at += 2) points[k] = [flat[at], flat[at + 1]];
    } else {
      // hundredths, each point after the first as a difference: exact integers, then / 100
      let x = 0;
      let y = 0;
      for (let k = 0; k < n; k += 1, at += 2) {
        x += centi[at];
        y += centi[at + 1];
        points[k] = [x / 100, y / 100];
      }
    }
    const edge = edges[e];
    out[e] = {
      id: edge.id, source: edge.source, target: edge.target, operand: edge.operand, points,
      value_at: [valueAt[2 * e], valueAt[2 * e + 1]], grad_at: [gradAt[2 * e], gradAt[2 * e + 1]],
      label_anchor: typeof anchors === "string" ? anchors : anchors[e],
    };
  }
  return { width: layout.width, height: layout.height, nodes, edges: out };
}
