// The step panel: the explanation of the current step (explain.js writes it) as lines,
// each with its label above it, and a figure per tensor.

import { tensorFigure } from "./tensorview.js";

export function renderExplanation(boxes, { title, lines, figures = [] }) {
  boxes.title.textContent = title;
  boxes.figures.replaceChildren(...figures.map((f) => tensorFigure(f.tensor, f.caption)));
  boxes.lines.replaceChildren(...lines.map((line) => {
    const row = document.createElement("div");
    row.className = `explain-line${line.kind ? ` explain-${line.kind}` : ""}`;
    if (line.label) {
      const label = document.createElement("span");
      label.className = "explain-label";
      label.textContent = line.label;
      row.appendChild(label);
    }
    const text = document.createElement("span");
    text.className = "explain-text";
    text.textContent = line.text;
    row.appendChild(text);
    return row;
  }));
}
