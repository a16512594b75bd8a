// Each step in the lecture's words, with the engine's numbers:
//   forward   q = x + y = −2 + 5 = 3
//   backward  ∂f/∂x = ∂f/∂q · ∂q/∂x = −4 · 1 = −4   (upstream · local)
// Where a node feeds several others its gradient is a sum, and each step says what it
// is: "contribution 3 of 4 to ∂f/∂x: … = 0.125", the running sum "so far"; only the last
// one says ∂f/∂x = the total. Every sentence must be true at the step it is shown.
// A tensor is written with its numbers when it is small, else by the space it lives in
// (W1 ∈ ℝ²ˣ⁴), never in a form that reads as a number; its numbers go in a figure.

import { formatNumber } from "./format.js";
import { isTensor, literal, space, valueWords } from "./tensorview.js";

function fillTemplate(template, parts) {
  return template.replace(/\{([ab])\}/g, (_, letter) => parts[letter === "a" ? 0 : 1] ?? "");
}

// A negative factor in parentheses: 3 · (−4), not 3 · −4.
function factor(x) {
  const text = valueWords(x);
  return text.startsWith("\u2212") ? `(${text})` : text;
}

// Adding a negative number reads as subtracting it: 0.65 − 0.19, not 0.65 + −0.19.
function plus(x) {
  const text = valueWords(x);
  return text.startsWith("\u2212") ? `\u2212 ${text.slice(1)}` : `+ ${text}`;
}

// Whether x can be written out in a sentence: a number, or a small tensor's numbers.
function inline(x) {
  return !isTensor(x) || literal(x) !== null;
}

// lhs = its value, or lhs ∈ ℝⁿ when the value is too big to write out.
function equation(lhs, x) {
  return inline(x) ? `${lhs} = ${valueWords(x)}` : `${lhs} ∈ ${space(x.shape)}`;
}

// The same, spoken.
function say(x) {
  return inline(x) ? valueWords(x) : `a tensor in ${space(x.shape)}`;
}

// A name without the parentheses around it, where nothing follows it: X@W1+b1 ∈ ℝ⁴ˣ⁴.
function bare(name) {
  return /^\(.*\)$/.test(name) ? name.slice(1, -1) : name;
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

  // {title, lines: [{label?, text, kind?}], speech} for step i (or the start). `hide`: the
  // step's fields to write as "?" (predict mode asks for them): "value", "grad" or "product"
  // (a backward edge's contribution; its local gradient is then hidden too); the answer
  // then also says what is asked for (`asked`: "x + y =").
  explain(replay, i, hide = null) {
    if (i < 0) {
      return {
        title: "Ready",
        lines: [{ text: "Press ▶ or → to start the forward pass." }],
        speech: "Ready. Press the right arrow to start the forward pass.",
      };
    }
    const step = replay.steps[i];
    const hidden = new Set(hide || []);
    if (step.phase === "forward") return this.forward(step, hidden);
    if (step.phase === "update") return this.update(step);
    if (step.kind === "seed") return this.seed(step, hidden);
    return this.backward(replay, step, i, hidden);
  }

  seed(step, hidden) {
    const out = this.out;
    if (hidden.has("grad")) {
      return {
        title: "Backward pass: seed",
        lines: [{ text: `∂${out}/∂${out} = ?`, kind: "grad" }],
        asked: `∂${out}/∂${out} =`,
        speech: `Backward pass. What is the gradient of ${out} with respect to itself?`,
      };
    }
    return {
      title: "Backward pass: seed",
      lines: [
        { text: equation(`∂${out}/∂${out}`, step.grad), kind: "grad" },
        { text: "Every other gradient starts at 0 and grows as its contributions arrive; until the "
            + "last one has arrived, the graph marks it “so far”." },
      ],
      speech: `Backward pass. The gradient of ${out} with respect to itself is ${say(step.grad)}; every `
        + "other gradient starts at 0 and grows as its contributions arrive.",
    };
  }

  forward(step, hidden) {
    const node = this.nodes[step.node];
    if (step.kind === "input") {
      const text = equation(node.name, step.value);
      const figures = isTensor(step.value) ? [{ caption: node.name, tensor: step.value }] : [];
      return { title: "Forward pass: input", lines: [{ text, kind: "value" }], figures, speech: `Input ${text}.` };
    }
    const named = node.label || step.node === this.result.output ? `${node.name} = ` : "";
    const lines = [];
    const template = this.forms.get(step.op);
    let text = `${named}${node.expression}`;
    if (step.operands.every(inline) && inline(step.value)) {
      const shown = step.operands.map((v, k) => (k === 0 ? valueWords(v) : factor(v)));
      text += ` = ${template ? fillTemplate(template, shown) : shown.join(", ")}`;
    }
    if (hidden.has("value")) {
      lines.push({ text: `${text} = ?`, kind: "value" });
      return { title: "Forward pass", lines, asked: named ? named.trim() : `${node.expression} =`,
        speech: `Forward: what does ${named}${node.expression} equal?` };
    }
    text += inline(step.value) ? ` = ${valueWords(step.value)}` : ` ∈ ${space(step.value.shape)}`;
    lines.push({ text, kind: "value" });
    const figures = [];
    step.operands.forEach((value, k) => {
      if (isTensor(value)) figures.push({ caption: this.name(step.inputs[k]), tensor: value });
    });
    if (isTensor(step.value)) {
      figures.push({ caption: node.label || "result", tensor: step.value });
      const operands = step.operands.map((v, k) => `${bare(this.name(step.inputs[k]))} ∈ ${space(isTensor(v) ? v.shape : [])}`);
      lines.push({ label: "shapes", text: `${operands.join(", ")} → ${space(step.value.shape)}` });
    }
    return {
      title: "Forward pass",
      lines,
      figures,
      speech: `Forward: ${named}${node.expression} equals ${say(step.value)}.`,
    };
  }

  update(step) {
    const node = this.nodes[step.node];
    const eta = formatNumber(step.learning_rate);
    const gradient = `∂${this.out}/∂${node.name}`;
    const figures = [
      { caption: `${node.name} before`, tensor: step.value },
      { caption: gradient, tensor: step.grad },
      { caption: `${node.name} after`, tensor: step.new_value },
    ].filter((f) => isTensor(f.tensor));
    const newValue = inline(step.value) && inline(step.grad) && inline(step.new_value)
      ? `${valueWords(step.value)} − ${eta} · ${factor(step.grad)} = ${valueWords(step.new_value)}`
      : `${node.name} − ${eta} · ${gradient}, element by element, in ${space(step.value.shape)}`;
    return {
      title: "Update (SGD)",
      lines: [
        { text: `${node.name} ← ${node.name} − η · ${gradient}`, kind: "grad" },
        { label: "learning rate", text: `η = ${eta}` },
        { label: "new value", text: newValue },
      ],
      figures,
      speech: `Update: ${node.name} moves against its gradient, scaled by the learning rate ${eta}.`,
    };
  }

  // A backward edge step's names and the chain rule written out: "contribution k of n to
  // ∂f/∂x: ∂f/∂q · ∂q/∂x" at fan-out, else "∂f/∂x = ∂f/∂q · ∂q/∂x".
  edgeTerms(step) {
    const out = this.out;
    const src = this.name(step.source);
    const tgt = this.name(step.node);
    const fan = step.contributions > 1;
    const whole = `∂${out}/∂${src}`;
    // Out of the output itself the upstream factor is ∂f/∂f; the local one is then written by
    // its formula, so the line never reads ∂f/∂z = … · ∂f/∂z.
    const local = tgt === out ? step.local_formula : `∂${tgt}/∂${src}`;
    const head = fan ? `contribution ${step.contribution} of ${step.contributions} to ${whole}:` : `${whole} =`;
    return { out, src, tgt, fan, whole, local, head, chain: `${head} ∂${out}/∂${tgt} · ${local}` };
  }

  backward(replay, step, i, hidden) {
    if (hidden.size) return this.backwardAsked(replay, step, i, hidden);
    const { out, src, tgt, fan, whole, local, head, chain } = this.edgeTerms(step);
    const lines = [];
    if (step.rule) {
      // On tensors the rule says how the contribution is formed from the upstream and local
      // gradients of the lines below (a product of matrices is not ∂f/∂t · ∂t/∂s in that order).
      const product = inline(step.product) ? ` = ${valueWords(step.product)}` : ` ∈ ${space(step.product.shape)}`;
      lines.push({ text: `${head} ${step.rule}${product}`, kind: "grad" });
    } else {
      lines.push({ text: `${chain} = ${valueWords(step.upstream)} · ${factor(step.local)} = ${valueWords(step.product)}`, kind: "grad" });
    }
    lines.push({ label: "upstream", text: equation(`∂${out}/∂${tgt}`, step.upstream) });
    // The local derivative is this edge's partial, the other operands held fixed. Where s
    // reaches t by more than this edge, ∂t/∂s could be read as more (∂(x·x·x)/∂x as 3x²;
    // ∂f/∂x out of the output as the whole of ∂f/∂x), so it says which one it is.
    const partial = fan ? `∂${tgt}/∂${src} along this edge` : `∂${tgt}/∂${src}`;
    let localText;
    if (step.local === null) localText = `${partial} ↦ ${step.local_formula}`;
    else if (!inline(step.local)) localText = `${partial} = ${step.local_formula} ∈ ${space(step.local.shape)}`;
    else if (step.local_formula === valueWords(step.local)) localText = `${partial} = ${step.local_formula}`;
    else localText = `${partial} = ${step.local_formula} = ${valueWords(step.local)}`;
    lines.push({ label: "local", text: localText });
    if (step.rule) lines.push({ label: "shapes", text: step.shapes });
    let spoken = step.local === null ? "" : ` times local ${say(step.local)}`;
    if (step.rule) spoken = `, as ${step.rule}${step.local === null ? "" : ` with local ${say(step.local)}`},`;
    let speech = fan
      ? `Backward: contribution ${step.contribution} of ${step.contributions} to the gradient of ${out} `
        + `with respect to ${src}: upstream ${say(step.upstream)}${spoken} gives ${say(step.product)}.`
      : `Backward: the gradient of ${out} with respect to ${src}: upstream ${say(step.upstream)}${spoken} `
        + `gives ${say(step.product)}.`;
    if (fan) {
      const last = step.contribution === step.contributions;
      const before = replay.before[i];
      let sum;
      if (!inline(step.grad)) sum = `${space(step.grad.shape)}, below`;
      else if (step.contribution === 1) sum = valueWords(step.grad);
      else sum = `${valueWords(before)} ${plus(step.product)} = ${valueWords(step.grad)}`;
      const equals = inline(step.grad) ? "=" : "∈";
      lines.push(last
        ? { label: `all ${step.contributions} contributions added`, text: `${whole} ${equals} ${sum}`, kind: "sum" }
        : { label: "running sum", text: `${whole} so far ${equals} ${sum}`, kind: "sum" });
      speech += last
        ? ` All ${step.contributions} contributions added: the gradient of ${out} with respect to ${src} is ${say(step.grad)}.`
        : ` Running sum so far: ${say(step.grad)}.`;
    }
    const figures = [
      { caption: "upstream", tensor: step.upstream },
      { caption: "local", tensor: step.local },
      { caption: fan ? `contribution to ${whole}` : whole, tensor: step.product },
    ].filter((f) => isTensor(f.tensor));
    if (fan && isTensor(step.grad)) {
      figures.push({ caption: step.contribution === step.contributions ? whole : `${whole} so far`, tensor: step.grad });
    }
    return { title: "Backward pass", lines, speech, figures };
  }

  // A backward edge step with its contribution (and its local gradient's value) or its
  // running sum asked for: the formulas and the numbers it is made from, and "?".
  backwardAsked(replay, step, i, hidden) {
    const { out, src, tgt, fan, whole, local, chain } = this.edgeTerms(step);
    const product = hidden.has("product");
    const partial = fan ? `∂${tgt}/∂${src} along this edge` : `∂${tgt}/∂${src}`;
    const lines = [
      { text: product ? `${chain} = ?` : `${chain} = ${valueWords(step.upstream)} · ${factor(step.local)} = ${valueWords(step.product)}`, kind: "grad" },
      { label: "upstream", text: equation(`∂${out}/∂${tgt}`, step.upstream) },
      { label: "local", text: product || step.local_formula === valueWords(step.local)
        ? `${partial} = ${step.local_formula}` : `${partial} = ${step.local_formula} = ${valueWords(step.local)}` },
    ];
    if (fan) {
      const last = step.contribution === step.contributions;
      const sum = step.contribution === 1 ? "?" : `${valueWords(replay.before[i])} ${product ? "+ ?" : plus(step.product)} = ?`;
      lines.push(last
        ? { label: `all ${step.contributions} contributions added`, text: `${whole} = ${sum}`, kind: "sum" }
        : { label: "running sum", text: `${whole} so far = ${sum}`, kind: "sum" });
    }
    const speech = product
      ? `Backward: what is ${fan ? `contribution ${step.contribution} of ${step.contributions} to ` : ""}the `
        + `gradient of ${out} with respect to ${src}? Upstream ${say(step.upstream)} times the local gradient.`
      : `Backward: ${fan ? `contribution ${step.contribution} is ${say(step.product)}; ` : ""}what is the `
        + `gradient of ${out} with respect to ${src} ${step.contribution === step.contributions ? "" : "so far "}now?`;
    const last = step.contribution === step.contributions;
    let asked = `${whole} =`;
    if (product && fan) asked = `contribution ${step.contribution} of ${step.contributions} =`;
    else if (!product && !last) asked = `${whole} so far =`;
    return { title: "Backward pass", lines, speech, asked };
  }
}
