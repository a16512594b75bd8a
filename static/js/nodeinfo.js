// The card shown when hovering or clicking a node: its value, its gradient and
// its local-derivative formulas, as far as the current step has revealed them.

import { formatNumber as fmt } from "./format.js";
import { isTensor, shapeText, tensorFigure } from "./tensorview.js";

export class NodeInfo {
  constructor(box) {
    this.box = box;
    this.node = null;
    this.pinned = false;
  }

  show(node, view, event) {
    if (this.pinned) return;
    this.node = node;
    this.fill(view);
    this.place(event);
  }

  pin(node, view, event) {
    this.pinned = true;
    this.node = node;
    this.fill(view);
    this.place(event);
  }

  unpin() {
    this.pinned = false;
    this.hide();
  }

  hideUnlessPinned() {
    if (!this.pinned) this.hide();
  }

  hide() {
    this.box.hidden = true;
    this.node = null;
  }

  refresh(view) {
    if (this.node && !this.box.hidden) this.fill(view);
  }

  fill(view) {
    const node = this.node;
    const rows = [];
    const title = node.kind === "op"
      ? `${node.label ? `${node.label} = ` : ""}${node.expression}`
      : `${{ input: "input", param: "parameter", const: "constant" }[node.kind]} ${node.label}`;
    rows.push(["", title]);
    if (node.shape && node.shape.length) rows.push(["shape", shapeText(node.shape)]);
    const figures = [];
    const show = (label, map) => {
      if (!view || !map.has(node.id)) return "not computed yet";
      const x = map.get(node.id);
      if (isTensor(x)) {
        figures.push(tensorFigure(x, label));
        return "below";
      }
      return fmt(x, 6);
    };
    rows.push(["value", show("value", view ? view.values : null)]);
    if (node.grad !== null) rows.push(["gradient", show("gradient", view ? view.grads : null)]);
    (node.formulas || []).forEach((formula, i) => {
      const operand = this.operandName(node, i);
      rows.push([`∂/∂${operand}`, formula]);
    });
    const rowElements = rows.map(([label, text]) => {
      const row = document.createElement("div");
      row.className = label ? "info-row" : "info-title";
      if (label) {
        const key = document.createElement("span");
        key.className = "info-key";
        key.textContent = label;
        row.appendChild(key);
      }
      const value = document.createElement("span");
      value.textContent = text;
      row.appendChild(value);
      return row;
    });
    this.box.replaceChildren(...rowElements, ...figures);
    this.box.hidden = false;
  }

  operandName(node, i) {
    return this.names?.[node.inputs[i]] ?? `operand ${i + 1}`;
  }

  setNames(nodes) {
    this.names = nodes.map((n) => n.name);
  }

  place(event) {
    const parent = this.box.offsetParent || document.body;
    const rect = parent.getBoundingClientRect();
    const x = Math.min(event.clientX - rect.left + 16, rect.width - 260);
    const y = Math.min(event.clientY - rect.top + 16, rect.height - 160);
    this.box.style.left = `${Math.max(0, x)}px`;
    this.box.style.top = `${Math.max(0, y)}px`;
  }
}
