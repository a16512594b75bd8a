// Forward mode, played on the same graph: one tangent pass per input (options.forward_mode).
// A pass seeds its input's tangent with 1 (every other tangent starts at 0) and each node
// that depends on the input gets ∂node/∂input = Σ local · operand tangent, written under
// the node, each term under its edge. Beside it the engine's counts: n inputs take n
// forward-mode passes, reverse mode one. Every number is the engine's.

import { formatNumber } from "./format.js";

const words = (x) => formatNumber(x);
const factor = (x) => (words(x).startsWith("\u2212") ? `(${words(x)})` : words(x));

// The tangent passes replayed as data, with exact undo, in Replay's shape (replay.js).
export class TangentReplay {
  constructor(result) {
    const mode = result.forward_mode;
    this.result = result;
    this.steps = mode.steps;
    this.nodes = result.nodes;
    this.passes = mode.counts.forward_mode.passes;
    this.contributions = new Map(); // a tangent is never a sum still growing
    this.tangentNodes = this.nodes.filter((n) => n.grad !== null).map((n) => n.id);
    this.saved = new Map(); // seed step -> the previous pass's view, for undo
  }

  get length() {
    return this.steps.length;
  }

  get split() {
    return 0;
  }

  phaseAt(k) {
    return k === 0 ? "start" : "forward_mode";
  }

  where(k) {
    if (k === 0) return ["start", `${this.length} steps, ${this.passes} passes`];
    const step = this.steps[k - 1];
    return [`pass ${step.pass + 1}/${this.passes}`, `step ${k} of ${this.length}`];
  }

  complete() {
    return true;
  }

  // Every value is known (the forward pass ran); no tangent yet.
  emptyView() {
    const values = new Map(this.nodes.map((n) => [n.id, n.value]));
    return { values, grads: new Map(), edgeGrads: new Map(), arrived: new Map(), prefix: "" };
  }

  apply(view, i) {
    const step = this.steps[i];
    if (step.kind === "seed") {
      this.saved.set(i, { grads: view.grads, edgeGrads: view.edgeGrads, prefix: view.prefix });
      view.prefix = `∂/∂${step.variable} `;
      view.grads = new Map(this.tangentNodes.map((id) => [id, 0]));
      view.grads.set(step.node, step.tangent);
      view.edgeGrads = new Map();
      return this.everything();
    }
    view.grads.set(step.node, step.tangent);
    const edges = step.edges.filter((_, k) => step.terms[k] !== null);
    step.edges.forEach((edge, k) => {
      if (step.terms[k] !== null) view.edgeGrads.set(edge, step.terms[k]);
    });
    return { nodes: [step.node], edges, output: true };
  }

  undo(view, i) {
    const step = this.steps[i];
    if (step.kind === "seed") {
      Object.assign(view, this.saved.get(i));
      return this.everything();
    }
    view.grads.set(step.node, 0); // every tangent of the pass started at 0
    const edges = step.edges.filter((_, k) => step.terms[k] !== null);
    for (const edge of edges) view.edgeGrads.delete(edge);
    return { nodes: [step.node], edges, output: true };
  }

  everything() {
    return { nodes: this.nodes.map((n) => n.id), edges: this.result.edges.map((e) => e.id), output: true };
  }

  viewAt(k) {
    const view = this.emptyView();
    for (let i = 0; i < k; i += 1) this.apply(view, i);
    return view;
  }
}

// Each tangent step in words, with the engine's numbers.
export class TangentExplainer {
  constructor(result) {
    this.nodes = result.nodes;
    this.passes = result.forward_mode.counts.forward_mode.passes;
  }

  name(id) {
    return this.nodes[id].name;
  }

  explain(replay, i) {
    if (i < 0) {
      return {
        title: "Forward mode: ready",
        lines: [{ text: `One pass per input (${this.passes}), each carrying one derivative forward. Press ▶ or →.` }],
        speech: "Forward mode. Press the right arrow to start the first pass.",
      };
    }
    const step = replay.steps[i];
    const v = step.variable;
    const title = `Forward mode: pass ${step.pass + 1} of ${this.passes}, for ${v}`;
    if (step.kind === "seed") {
      return {
        title,
        lines: [
          { text: `∂${v}/∂${v} = ${words(step.tangent)}`, kind: "grad" },
          { text: `Every other tangent starts at 0; this pass carries ∂/∂${v} forward through the graph, `
              + "each node adding up local derivative × its operand's tangent." },
        ],
        speech: `Forward mode, pass ${step.pass + 1} of ${this.passes}: the tangent of ${v} is 1, every other 0.`,
      };
    }
    const n = this.name(step.node);
    const lines = [];
    const terms = [];
    step.inputs.forEach((p, k) => {
      const operand = this.name(p);
      const twice = step.inputs.filter((q) => q === p).length > 1 || operand === v;
      const partial = `∂${n}/∂${operand}${twice ? " along this edge" : ""}`;
      // (the label is set in capitals: the operand's name goes in the text, as written)
      if (step.terms[k] === null) {
        lines.push({ label: "through", text: `${operand}, which does not depend on ${v}: its tangent is 0` });
        return;
      }
      terms.push(step.terms[k]);
      // the local derivative by its formula first, where that is not just its number
      const formula = step.local_formulas[k];
      const tangent = factor(step.operand_tangents[k]);
      const byFormula = formula === words(step.locals[k]) ? "" : `${formula} · ${tangent} = `;
      lines.push({
        label: "through",
        text: `${operand}: ${partial} · ∂${operand}/∂${v} = ${byFormula}${factor(step.locals[k])} · ${tangent} `
          + `= ${words(step.terms[k])}`,
      });
    });
    const sum = terms.length > 1 ? `${terms.map(words).join(" + ").replace(/\+ \u2212/g, "\u2212 ")} = ` : "";
    lines.unshift({ text: `∂${n}/∂${v} = ${sum}${words(step.tangent)}`, kind: "grad" });
    return {
      title,
      lines,
      speech: `Forward mode, pass for ${v}: the derivative of ${n} with respect to ${v} is ${words(step.tangent)}.`,
    };
  }
}

export class ForwardMode {
  // box: the counts and, at the end, the derivatives beside backprop's (index.html #forward-mode).
  constructor({ view, box }) {
    this.view = view;
    this.box = box;
    this.startAt = 0;
  }

  options() {
    return { forward_mode: true };
  }

  enter() {
    this.box.hidden = false;
    this.view.traceFor = (result) => (result.forward_mode
      ? { replay: new TangentReplay(result), explainer: new TangentExplainer(result), summary: false } : null);
    this.view.refresh(0);
  }

  leave() {
    this.box.hidden = true;
    this.view.traceFor = null;
    this.view.refresh(0);
  }

  onResult(result) {
    const mode = result.forward_mode;
    if (!mode) return;
    const { forward_mode: fwd, reverse_mode: rev } = mode.counts;
    const n = result.variables.length;
    const plural = (k, word) => `${k} ${word}${k === 1 ? "" : "es"}`;
    this.box.querySelector(".counts-forward").textContent =
      `${plural(fwd.passes, "pass")}, ${fwd.operations} derivative operations`;
    this.box.querySelector(".counts-reverse").textContent =
      `${plural(rev.passes, "pass")}, ${rev.operations} operator nodes sending gradients back`;
    this.box.querySelector(".counts-why").textContent = `${n} input${n === 1 ? "" : "s"}: forward mode `
      + `needs a pass per input, reverse mode one pass for all of them, which is why networks, with `
      + "millions of parameters and one loss, are trained with reverse mode.";
    const rows = result.variables.map((name) => {
      const row = document.createElement("tr");
      row.dataset.variable = name;
      for (const [tag, text] of [["th", `∂${result.output_name}/∂${name}`],
        ["td", formatNumber(mode.derivatives[name], 6)], ["td", formatNumber(result.gradients[name], 6)]]) {
        const cell = document.createElement(tag);
        cell.textContent = text;
        row.appendChild(cell);
      }
      return row;
    });
    this.box.querySelector(".forward-derivatives tbody").replaceChildren(...rows);
  }

  onStep(k, length) {
    this.box.querySelector(".forward-derivatives").hidden = !(length > 0 && k >= length);
  }
}
