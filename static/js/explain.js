// Each step in the lecture's words, with the engine's numbers:
//   forward   q = x + y = −2 + 5 = 3
//   backward  ∂f/∂x = ∂f/∂q · ∂q/∂x = −4 · 1 = −4   (upstream · local)
// At fan-out, each contribution and the running sum.

import { formatNumber } from "./format.js";
import { isTensor, shapeText } from "./tensorview.js";

// A number as digits; a tensor by its shape in brackets (its numbers go in a figure).
function fmt(x, digits) {
  return isTensor(x) ? `[${shapeText(x.shape)}]` : formatNumber(x, digits);
}

function fillTemplate(template, parts) {
  return template.replace(/\{([ab])\}/g, (_, letter) => parts[letter === "a" ? 0 : 1] ?? "");
}

// A negative factor in parentheses: 3 · (−4), not 3 · −4.
function factor(x) {
  const text = fmt(x);
  return text.startsWith("\u2212") ? `(${text})` : text;
}

// Adding a negative number reads as subtracting it: 0.65 − 0.19, not 0.65 + −0.19.
function plus(x) {
  const text = fmt(x);
  return text.startsWith("\u2212") ? `\u2212 ${text.slice(1)}` : `+ ${text}`;
}

export class Explainer {
  constructor(result, catalog) {
    this.result = result;
    this.nodes = result.nodes;
    this.out = result.output_name;
    // Each operator's forward as a template over {a} and {b}, to write the numbers in.
    this.forms = new Map((catalog?.operators || []).map((op) => [op.name, op.template]));
  }

  name(id) {
    return this.nodes[id].name;
  }

  // {title, lines: [{label?, text, kind?}], speech} for step i (or the start).
  explain(replay, i) {
    if (i < 0) {
      return {
        title: "Ready",
        lines: [{ text: "Press ▶ or → to start the forward pass." }],
        speech: "Ready. Press the right arrow to start the forward pass.",
      };
    }
    const step = replay.steps[i];
    if (step.phase === "forward") return this.forward(step);
    if (step.phase === "update") return this.update(step);
    if (step.kind === "seed") {
      const text = `∂${this.out}/∂${this.out} = 1`;
      return {
        title: "Backward pass: seed",
        lines: [
          { text, kind: "grad" },
          { text: "Every other gradient starts at 0 and is accumulated as contributions arrive." },
        ],
        speech: `Backward pass. The gradient of ${this.out} with respect to itself is 1; every other gradient starts at 0.`,
      };
    }
    return this.backward(replay, step, i);
  }

  forward(step) {
    const node = this.nodes[step.node];
    if (step.kind === "input") {
      const text = `${node.name} = ${fmt(step.value)}`;
      return { title: "Forward pass: input", lines: [{ text, kind: "value" }], speech: `Input ${text}.` };
    }
    const template = this.forms.get(step.op);
    const shown = step.operands.map((v, k) => (k === 0 ? fmt(v) : factor(v)));
    const numbers = template ? fillTemplate(template, shown) : shown.join(", ");
    const named = node.label ? `${node.name} = ` : "";
    const text = `${named}${node.expression} = ${numbers} = ${fmt(step.value)}`;
    const figures = [];
    step.operands.forEach((value, k) => {
      if (isTensor(value)) figures.push({ caption: this.name(step.inputs[k]), tensor: value });
    });
    if (isTensor(step.value)) figures.push({ caption: node.label || "result", tensor: step.value });
    return {
      title: "Forward pass",
      lines: [{ text, kind: "value" }],
      figures,
      speech: `Forward: ${named}${node.expression} equals ${fmt(step.value)}.`,
    };
  }

  update(step) {
    const node = this.nodes[step.node];
    const text = `${node.name} ← ${node.name} − η · ∂${this.out}/∂${node.name}`;
    const figures = [
      { caption: `${node.name} before`, tensor: step.value },
      { caption: `∂${this.out}/∂${node.name}`, tensor: step.grad },
      { caption: `${node.name} after`, tensor: step.new_value },
    ].filter((f) => isTensor(f.tensor));
    return {
      title: "Update (SGD)",
      lines: [
        { text, kind: "grad" },
        { label: "learning rate", text: `η = ${formatNumber(step.learning_rate)}` },
        { label: "new value", text: `${fmt(step.value)} − ${formatNumber(step.learning_rate)} · ${fmt(step.grad)} = ${fmt(step.new_value)}` },
      ],
      figures,
      speech: `Update: ${node.name} moves against its gradient, scaled by the learning rate ${formatNumber(step.learning_rate)}.`,
    };
  }

  backward(replay, step, i) {
    const out = this.out;
    const src = this.name(step.source);
    const tgt = this.name(step.node);
    // Out of the output itself the upstream factor is ∂f/∂f; the local one is then written by
    // its formula, so the line never reads ∂f/∂z = … · ∂f/∂z.
    const local = tgt === out ? step.local_formula : `∂${tgt}/∂${src}`;
    const chain = `∂${out}/∂${src} = ∂${out}/∂${tgt} · ${local}`;
    const numbers = `${fmt(step.upstream)} · ${factor(step.local)} = ${fmt(step.product)}`;
    const lines = [
      { text: `${chain} = ${numbers}`, kind: "grad" },
      { label: "upstream", text: `∂${out}/∂${tgt} = ${fmt(step.upstream)}` },
      {
        label: "local",
        text: step.local_formula === fmt(step.local)
          ? `∂${tgt}/∂${src} = ${step.local_formula}`
          : `∂${tgt}/∂${src} = ${step.local_formula} = ${fmt(step.local)}`,
      },
    ];
    if (step.rule) {
      // On tensors the rule says how the contribution is formed, with its shapes.
      lines[0] = { text: `${chain} = ${step.rule}`, kind: "grad" };
      lines.push({ label: "shapes", text: step.shapes });
      if (step.local === null) lines.splice(2, 1, { label: "local", text: `∂${tgt}/∂${src} ↦ ${step.local_formula}` });
    }
    let speech = `Backward: gradient of ${out} with respect to ${src}: upstream ${fmt(step.upstream)} times local ${fmt(step.local)} gives ${fmt(step.product)}.`;
    if (step.contributions > 1) {
      const before = replay.before[i];
      const sum = step.contribution === 1
        ? `${fmt(step.product)}`
        : `${fmt(before)} ${plus(step.product)} = ${fmt(step.grad)}`;
      lines.push({
        label: `contribution ${step.contribution} of ${step.contributions}`,
        text: `running sum ∂${out}/∂${src} = ${sum}`,
        kind: "sum",
      });
      speech += ` Contribution ${step.contribution} of ${step.contributions}; running sum ${fmt(step.grad)}.`;
    }
    const figures = [
      { caption: "upstream", tensor: step.upstream },
      { caption: "local", tensor: step.local },
      { caption: `contribution to ∂${out}/∂${src}`, tensor: step.product },
    ].filter((f) => isTensor(f.tensor));
    if (step.contributions > 1 && isTensor(step.grad)) figures.push({ caption: "running sum", tensor: step.grad });
    return { title: "Backward pass", lines, speech, figures };
  }
}
