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

const SUPERSCRIPT = { 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

// The space a tensor lives in, as the lecture writes it: ℝ⁴, ℝ³ˣ⁴. A shape written [3×4]
// reads as a vector holding one number, and 3×4 as twelve.
export function space(shape) {
  const up = (n) => String(n).replace(/\d/g, (d) => SUPERSCRIPT[d]);
  return `ℝ${shape.map(up).join("ˣ")}`;
}

// Tensors this small are written with their numbers in a sentence.
export const INLINE_MAX = 6;

// A tensor's numbers as a literal, [1, −2] or [[1, 2], [3, 4]]; null when it is too big.
export function literal(x, digits = 4) {
  if (!isTensor(x) || !x.data || x.shape.reduce((a, b) => a * b, 1) > INLINE_MAX) return null;
  const write = (v) => (Array.isArray(v) ? `[${v.map(write).join(", ")}]` : fmt(v, digits));
  return write(x.data);
}

// A value in a sentence: a number, a small tensor's numbers, else `name ∈ ℝ³ˣ⁴`.
export function valueWords(x, name) {
  if (!isTensor(x)) return fmt(x);
  const numbers = literal(x);
  if (numbers !== null) return numbers;
  return name ? `${name} ∈ ${space(x.shape)}` : space(x.shape);
}

// What an edge shows: a number as a number; a tensor by its one number, or by its space
// (values) or its norm (gradients), since a matrix does not fit on a wire.
export function edgeText(x, kind) {
  if (!isTensor(x)) return fmt(x);
  if (kind === "grad") return `‖${fmt(x.norm, 3)}‖`;
  if (x.data && x.shape.reduce((a, b) => a * b, 1) === 1) return literal(x);
  return space(x.shape);
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
