// At the end of the backward pass: each variable's and parameter's gradient next to the
// engine's numerical check (central differences) and its verdict. The verdict is the
// engine's ("ok"): the page never decides by itself whether two numbers agree.

import { formatNumber as fmt } from "./format.js";
import { edgeText, isTensor, literal, shapeText, space } from "./tensorview.js";

const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉";

// What a row compares, in words: the derivative itself, one element of it, or the
// derivative along a random direction d₁, d₂, ...
function rowName(out, name, check, tensor) {
  if (!tensor || !check) return `∂${out}/∂${name}`;
  if (check.method === "directions") {
    const k = String(check.worst[0] + 1).replace(/\d/g, (d) => SUBSCRIPT[d]);
    return `∂${out}/∂${name}·d${k}`;
  }
  return check.worst.length ? `∂${out}/∂${name}[${check.worst.join(", ")}]` : `∂${out}/∂${name}`;
}

function mark(check) {
  if (!check) return "—";
  if (check.ok) return "✓";
  return check.finite ? "✗" : "not finite";
}

export class Summary {
  constructor(box) {
    this.box = box;
  }

  set(result) {
    const out = result.output_name;
    const body = this.box.querySelector("tbody");
    const checks = result.gradcheck || {};
    const names = [...result.variables, ...(result.parameters || [])];
    const notes = { elements: [], directions: [] };
    body.replaceChildren(...names.map((name) => {
      const row = document.createElement("tr");
      row.dataset.variable = name;
      const check = checks[name];
      const gradient = result.gradients[name];
      const tensor = isTensor(gradient);
      const digits = tensor ? 5 : 6;
      let backprop;
      if (!tensor) backprop = fmt(gradient, digits);
      else backprop = check ? fmt(check.analytic, digits) : edgeText(gradient, "grad");
      const cells = [
        rowName(out, name, check, tensor),
        backprop,
        check ? fmt(check.numeric, digits) : "—",
        check && check.finite ? fmt(check.rel_error, 2) : "—",
        mark(check),
      ];
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        cell.textContent = text;
        row.appendChild(cell);
      });
      row.lastChild.className = "check-mark";
      if (tensor && check) {
        row.dataset.method = check.method;
        const shape = shapeText(gradient.shape);
        if (check.method === "directions") {
          row.firstChild.title = `${name} is ${shape}: checked along ${check.checks} random directions d; shown: the one that differs most`;
          notes.directions.push(name);
        } else {
          row.firstChild.title = `${name} is ${shape}: each of its ${check.checks} elements checked; shown: the one that differs most`;
          notes.elements.push(name);
        }
      }
      row.classList.toggle("check-ok", Boolean(check?.ok));
      row.classList.toggle("check-bad", Boolean(check && !check.ok && check.finite));
      row.classList.toggle("check-unfinished", Boolean(check && !check.finite));
      return row;
    }));
    const words = [];
    if (notes.elements.length) words.push(`element by element: ${notes.elements.join(", ")}`);
    if (notes.directions.length) {
      words.push(`along random directions d (Σ ∂${out}/∂W ⊙ d against (${out}(W+hd) − ${out}(W−hd)) / 2h): `
        + notes.directions.join(", "));
    }
    const note = this.box.querySelector(".summary-tensor-note");
    note.hidden = !words.length;
    note.textContent = words.length
      ? `Tensors checked ${words.join("; ")}. Each row shows the element (or direction) that differs most.` : "";
    const value = result.value;
    this.box.querySelector(".summary-value").textContent = !isTensor(value) ? `${out} = ${fmt(value, 6)}`
      : (literal(value) !== null ? `${out} = ${literal(value)}` : `${out} ∈ ${space(value.shape)}`);
  }

  reveal(done) {
    this.box.hidden = !done;
  }
}
