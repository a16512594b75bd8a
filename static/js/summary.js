// At the end of the backward pass: each variable's gradient next to the
// engine's numerical check (central difference) and their relative error.

import { formatNumber as fmt } from "./format.js";

export class Summary {
  constructor(box) {
    this.box = box;
  }

  set(result) {
    const out = result.output_name;
    const body = this.box.querySelector("tbody");
    const check = result.gradcheck || {};
    body.replaceChildren(...result.variables.map((name) => {
      const row = document.createElement("tr");
      row.dataset.variable = name;
      const numeric = check[name];
      const cells = [
        `∂${out}/∂${name}`,
        fmt(result.gradients[name], 6),
        numeric ? fmt(numeric.numeric, 6) : "—",
        numeric ? fmt(numeric.rel_error, 2) : "—",
      ];
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        cell.textContent = text;
        row.appendChild(cell);
      });
      const ok = numeric && typeof numeric.rel_error === "number" && numeric.rel_error < 1e-5;
      row.classList.toggle("check-ok", Boolean(ok));
      row.classList.toggle("check-bad", Boolean(numeric) && !ok);
      return row;
    }));
    this.box.querySelector(".summary-value").textContent = `${out} = ${fmt(result.value, 6)}`;
  }

  reveal(done) {
    this.box.hidden = !done;
  }
}
