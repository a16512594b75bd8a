// Paths mode: why the chain rule adds up. For a chosen variable, every path from it to the
// output with the local derivative on each edge and their product (options.paths); the
// products add up to the gradient the backward pass found, shown beside their sum. Hovering
// (or focusing) a path marks it on the graph. Every number is the engine's.

import { formatNumber } from "./format.js";

const MAX_SHOWN = 64; // engine/paths.py lists at most this many

const factor = (x) => {
  const text = formatNumber(x);
  return text.startsWith("\u2212") ? `(${text})` : text;
};

export class PathsMode {
  // box: the mode's panel (index.html #paths); onVariable(): another variable was chosen.
  constructor({ view, box, onVariable }) {
    this.view = view;
    this.onVariable = onVariable;
    this.box = box;
    this.variable = null;
    this.startAt = "end"; // the graph with every value and gradient, as the paths need them
    this.menu = box.querySelector(".paths-variable");
    this.list = box.querySelector(".paths-list");
    this.menu.addEventListener("change", () => {
      this.variable = this.menu.value;
      onVariable();
    });
  }

  options() {
    return this.variable === null ? {} : { paths: this.variable };
  }

  // The engine refused the variable (the source no longer has it): ask without it, then
  // for the new source's first variable (onResult).
  optionRejected() {
    if (this.variable === null) return false;
    this.variable = null;
    return true;
  }

  enter() {
    this.box.hidden = false;
    if (this.variable === null) this.variable = this.view.result?.variables[0] ?? null;
  }

  // The graph shows the end of the walk-through here: no step is current.
  onStep() {
    this.view.graph.highlight(null);
  }

  leave() {
    this.box.hidden = true;
    this.view.graph.markPath(null);
  }

  onResult(result) {
    const paths = result.paths;
    this.menu.replaceChildren(...result.variables.map((name) => {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      return option;
    }));
    if (!paths) {
      if (this.box.hidden || !result.variables.length) return;
      this.variable = result.variables[0];
      this.onVariable();
      return;
    }
    this.variable = paths.variable;
    this.menu.value = paths.variable;
    const out = result.output_name;
    const names = result.nodes.map((n) => n.name);
    const label = (id) => (id === result.output ? out : (result.nodes[id].symbol || names[id]));
    const items = paths.items.map((path, i) => {
      const item = document.createElement("li");
      item.className = "path";
      item.tabIndex = 0;
      item.dataset.path = String(i);
      const route = document.createElement("span");
      route.className = "path-route";
      route.textContent = `${path.nodes.map(label).join(" → ")}:`;
      const partials = path.edges.map((_, k) => `∂${names[path.nodes[k + 1]]}/∂${names[path.nodes[k]]}`);
      const product = document.createElement("span");
      product.className = "path-product";
      // a path of one edge is its local derivative: no product to write out
      product.textContent = path.locals.length > 1
        ? `${path.locals.map(factor).join(" · ")} = ${formatNumber(path.product)}` : formatNumber(path.product);
      product.title = partials.join(" · ");
      item.append(route, " ", product);
      const mark = () => this.view.graph.markPath(path);
      const clear = () => this.view.graph.markPath(null);
      item.addEventListener("pointerenter", mark);
      item.addEventListener("focus", mark);
      item.addEventListener("pointerleave", clear);
      item.addEventListener("blur", clear);
      return item;
    });
    this.list.replaceChildren(...items);
    const count = typeof paths.count === "number" ? paths.count.toLocaleString("en") : formatNumber(paths.count);
    const many = paths.count === 1 ? "1 path" : `${count} paths`;
    // The engine lists at most 64 paths, and at most 100,000 edges in all.
    this.box.querySelector(".paths-count").textContent = paths.truncated
      ? `${many}; the first ${paths.items.length} shown${paths.items.length < MAX_SHOWN
        ? " (at most 100,000 edges are listed)" : ""}`
      : `${many} from ${paths.variable} to ${out}, each a product of local derivatives`;
    const sumOf = paths.truncated ? `sum of the ${paths.items.length} shown` : "sum of the products";
    this.box.querySelector(".paths-total").textContent = `${sumOf}: ${formatNumber(paths.total, 6)}`;
    this.box.querySelector(".paths-gradient").textContent =
      `∂${out}/∂${paths.variable} from the backward pass: ${formatNumber(paths.gradient, 6)}`;
  }
}
