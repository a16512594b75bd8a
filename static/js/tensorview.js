// Tensors on the page: a compact label for edges, and a heat map for the panel
// and the node card. Every number comes from the engine; the colours only
// place each one on a scale from the most negative to the most positive shown.

import { formatNumber as fmt } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";

export function isTensor(x) {
  return x !== null && typeof x === "object" && Array.isArray(x.shape);
}

export function shapeText(shape) {
  return shape.length ? shape.join("×") : "1";
}

// What an edge shows: a number as a number; a tensor as its shape (values) or its
// norm (gradients), since a matrix does not fit on a wire.
export function edgeText(x, kind) {
  if (!isTensor(x)) return fmt(x);
  if (kind === "grad") return `‖${fmt(x.norm, 3)}‖`;
  return `[${shapeText(x.shape)}]`;
}

function rows(tensor) {
  const { data, shape } = tensor;
  if (!data) return null;
  return shape.length === 1 ? [data] : data;
}

// A heat map of a small tensor with its numbers, or a summary of a large one.
export function tensorFigure(tensor, caption) {
  const figure = document.createElement("figure");
  figure.className = "tensor";
  figure.dataset.shape = shapeText(tensor.shape);
  const grid = rows(tensor);
  if (grid) figure.appendChild(heatmap(grid));
  const text = document.createElement("figcaption");
  const stats = `${shapeText(tensor.shape)}  min ${fmt(tensor.min)}  max ${fmt(tensor.max)}  ‖·‖ ${fmt(tensor.norm)}`;
  text.textContent = caption ? `${caption}: ${stats}` : stats;
  figure.appendChild(text);
  return figure;
}

function heatmap(grid) {
  const cols = Math.max(...grid.map((r) => r.length));
  const showNumbers = grid.length * cols <= 36;
  const cell = showNumbers ? 62 : Math.max(10, Math.min(28, Math.floor(300 / cols)));
  const height = showNumbers ? 26 : cell;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "heatmap");
  svg.setAttribute("width", String(cols * cell));
  svg.setAttribute("height", String(grid.length * height));
  svg.setAttribute("viewBox", `0 0 ${cols * cell} ${grid.length * height}`);
  const finite = grid.flat().filter((v) => typeof v === "number");
  const scale = Math.max(1e-12, ...finite.map((v) => Math.abs(v)));
  grid.forEach((row, i) => row.forEach((value, j) => {
    const rect = document.createElementNS(SVG, "rect");
    rect.setAttribute("x", String(j * cell));
    rect.setAttribute("y", String(i * height));
    rect.setAttribute("width", String(cell - 1));
    rect.setAttribute("height", String(height - 1));
    rect.setAttribute("class", "heat-cell");
    rect.setAttribute("fill", colour(value, scale));
    const title = document.createElementNS(SVG, "title");
    title.textContent = `[${grid.length > 1 || row.length === undefined ? `${i}, ` : ""}${j}] ${fmt(value, 6)}`;
    rect.appendChild(title);
    svg.appendChild(rect);
    if (showNumbers) {
      const text = document.createElementNS(SVG, "text");
      text.setAttribute("x", String(j * cell + cell / 2));
      text.setAttribute("y", String(i * height + height / 2));
      text.setAttribute("class", "heat-number");
      text.setAttribute("text-anchor", "middle");
      text.setAttribute("dominant-baseline", "central");
      text.textContent = fmt(value, 3);
      svg.appendChild(text);
    }
  }));
  return svg;
}

// Blue for negative, orange for positive (a pair colour-blind viewers tell apart), white at 0.
function colour(value, scale) {
  if (typeof value !== "number") return "#9ca3af";
  const t = Math.max(-1, Math.min(1, value / scale));
  const [r, g, b] = t < 0 ? [33, 102, 172] : [214, 96, 77];
  const k = Math.abs(t);
  const mix = (c) => Math.round(255 + (c - 255) * k);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}
