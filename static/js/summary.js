// At the end of the backward pass: each variable's and parameter's gradient next to
// the engine's numerical check (central difference) and their relative error.

import { formatNumber as fmt } from "./format.js";
import { edgeText, isTensor, shapeText } from "./tensorview.js";

export class Summary {
  constructor(box) {
    this.box = box;
  }

  set(result) {
    const out = result.output_name;
    const body = this.box.querySelector("tbody");
    const check = result.gradcheck || {};
    const names = [...result.variables, ...(result.parameters || [])];
    let tensors = false;
    body.replaceChildren(...names.map((name) => {
      const row = document.createElement("tr");
      row.dataset.variable = name;
      const numeric = check[name];
      const gradient = result.gradients[name];
      const tensor = isTensor(gradient);
      tensors ||= tensor;
      // A tensor's gradient is checked along one random direction d (the engine's
      // choice): backprop's ⟨∂L/∂W, d⟩ against the central difference along d.
      const digits = tensor ? 5 : 6;
      let backprop;
      if (!tensor) backprop = fmt(gradient, digits);
      else backprop = numeric ? fmt(numeric.analytic, digits) : edgeText(gradient, "grad");
      const cells = [
        `∂${out}/∂${name}`,
        backprop,
        numeric ? fmt(numeric.numeric, digits) : "—",
        numeric ? fmt(numeric.rel_error, 2) : "—",
      ];
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        cell.textContent = text;
        row.appendChild(cell);
      });
      if (tensor) {
        row.dataset.directional = "true";
        row.firstChild.title = `${name} is ${shapeText(gradient.shape)}: along a direction d`;
      }
      const ok = numeric && typeof numeric.rel_error === "number" && numeric.rel_error < 1e-5;
      row.classList.toggle("check-ok", Boolean(ok));
      row.classList.toggle("check-bad", Boolean(numeric) && !ok);
      return row;
    }));
    this.box.querySelector(".summary-tensor-note").hidden = !tensors;
    this.box.querySelector(".summary-value").textContent = `${out} = ${isTensor(result.value)
      ? edgeText(result.value, "value") : fmt(result.value, 6)}`;
  }

  reveal(done) {
    this.box.hidden = !done;
  }
}
