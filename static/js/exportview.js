// Export the current view as SVG or PNG (for slides): the graph with its numbers,
// styled by resolved colours so the file looks the same outside the page.

import { PNG_MAX_AREA, PNG_SCALE, bandPlacement, planPng } from "./pngsize.js";

const PROPERTIES = [
  "fill", "stroke", "stroke-width", "stroke-dasharray", "font-family", "font-size",
  "font-weight", "font-style", "opacity", "visibility", "paint-order",
];

// The page forbids inline styles (CSP), so the export carries its own <style>
// block: each distinct computed style gets a rule, and elements point at theirs
// through a data attribute. The block is added to the serialized text only.
function styleSheetFor(source, target) {
  const sourceElements = [source, ...source.querySelectorAll("*")];
  const targetElements = [target, ...target.querySelectorAll("*")];
  const rules = new Map();
  sourceElements.forEach((element, i) => {
    const style = window.getComputedStyle(element);
    const declarations = PROPERTIES.map((name) => `${name}:${style.getPropertyValue(name)}`).join(";");
    if (!rules.has(declarations)) rules.set(declarations, rules.size);
    targetElements[i].setAttribute("data-s", String(rules.get(declarations)));
  });
  return [...rules].map(([declarations, id]) => `[data-s="${id}"]{${declarations}}`).join("\n");
}

// The page draws numbers as HTML above the SVG (fast to update); an exported file gets
// them as SVG text in the drawing, which every viewer and editor shows.
function labelsAsText(overlay, clone) {
  const root = clone.querySelector(".graph-root") || clone;
  for (const span of overlay.querySelectorAll(".label")) {
    if (!span.textContent.trim()) continue; // a no-break space marks no number
    const end = span.classList.contains("align-end");
    const x = Number(span.dataset.x);
    // the point a label is anchored at is its centre, or its top (a gradient under a node)
    const top = Number(span.dataset.y) - (span.classList.contains("align-top") ? 0 : span.offsetHeight / 2);
    const group = document.createElementNS(SVG_NS, "g");
    if (span.classList.contains("edge-grad")) {
      const style = window.getComputedStyle(span);
      const w = span.offsetWidth;
      group.appendChild(svgElement("rect", {
        x: x - w / 2, y: top, width: w, height: span.offsetHeight, rx: 5, ry: 5,
        fill: style.backgroundColor, stroke: style.borderTopColor, "stroke-width": 1.2, "stroke-dasharray": "4 2",
      }));
    }
    // Each line of the label (a gradient still growing has a second: "2 of 4 so far").
    const note = span.querySelector(".so-far");
    const lines = [[span.firstChild.textContent.trim(), span, span.offsetHeight - (note ? note.offsetHeight : 0)]];
    if (note) lines.push([note.textContent, note, note.offsetHeight]);
    let y = top;
    for (const [text, element, height] of lines) {
      const style = window.getComputedStyle(element);
      const label = svgElement("text", {
        x, y: y + height / 2, "text-anchor": end ? "end" : "middle", "dominant-baseline": "central",
        fill: style.color, "font-family": style.fontFamily, "font-size": style.fontSize,
        "font-weight": style.fontWeight, "font-style": style.fontStyle,
      });
      label.textContent = text;
      label.setAttribute("class", element.className);
      group.appendChild(label);
      y += height;
    }
    root.appendChild(group);
  }
}

const SVG_NS = "http://www.w3.org/2000/svg";
const MARGIN = 24; // drawing units around the graph in an exported file

function backgroundOf(svg) {
  return window.getComputedStyle(svg).getPropertyValue("--canvas").trim() || "#ffffff";
}

function svgElement(name, attrs) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  return element;
}

export function exportSvgText(svg, overlay, bounds) {
  const clone = svg.cloneNode(true);
  const css = styleSheetFor(svg, clone);
  labelsAsText(overlay, clone);
  const width = bounds.width + 2 * MARGIN;
  const height = bounds.height + 2 * MARGIN;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("viewBox", `${-MARGIN} ${-MARGIN} ${width} ${height}`);
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  clone.removeAttribute("class");
  clone.removeAttribute("style"); // the page sizes its SVG to the window; the file is the drawing's size
  const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  background.setAttribute("x", String(-MARGIN));
  background.setAttribute("y", String(-MARGIN));
  background.setAttribute("width", String(width));
  background.setAttribute("height", String(height));
  background.setAttribute("fill", backgroundOf(svg));
  clone.insertBefore(background, clone.firstChild);
  const text = new XMLSerializer().serializeToString(clone);
  const styled = text.replace(/^(<svg[^>]*>)/, `$1<style>${css.replace(/</g, "")}</style>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${styled}`;
}

export function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadSvg(svg, overlay, bounds) {
  const text = exportSvgText(svg, overlay, bounds);
  download(new Blob([text], { type: "image/svg+xml" }), "compgraph.svg");
  return text;
}

// The PNG: the SVG export drawn on a canvas, at twice its size when the browser can draw
// that and it stays a picture one can open; a bigger graph is drawn smaller, a long one cut
// into rows or columns (pngsize.js), and the status line says so. It never throws: what
// went wrong is said there in words.
export async function downloadPng(svg, overlay, bounds, status) {
  const say = (text) => { if (status) status.textContent = text; };
  say("Making the PNG…");
  try {
    await painted(); // the words above on screen before the work below holds the page
    const text = exportSvgText(svg, overlay, bounds);
    const size = { width: bounds.width + 2 * MARGIN, height: bounds.height + 2 * MARGIN };
    const image = await svgImage(text);
    for (let maxArea = PNG_MAX_AREA; ; maxArea /= 2) {
      const plan = planPng(size.width, size.height, { maxArea });
      if (!plan) {
        say(`No PNG: the graph (${pixels(size.width)} × ${pixels(size.height)} px on the page) is too big ` +
          "for a PNG this browser can draw with its numbers readable. Download the SVG: it has the whole graph.");
        return null;
      }
      const blob = await drawnPng(image, plan, size, backgroundOf(svg));
      if (blob) {
        download(blob, "compgraph.png");
        say(pngSaid(plan));
        return blob;
      }
    }
  } catch (error) {
    console.error(error);
    say("No PNG: this browser could not draw the graph as a picture. Download the SVG: it has the whole graph.");
    return null;
  }
}

const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));

function svgImage(text) {
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  const image = new Image();
  image.src = url;
  return image.decode().then(() => image).finally(() => URL.revokeObjectURL(url));
}

// The picture a plan describes, or null when the browser cannot draw a canvas that big.
function drawnPng(image, plan, size, background) {
  const canvas = document.createElement("canvas");
  canvas.width = plan.width;
  canvas.height = plan.height;
  const context = canvas.getContext("2d");
  if (!context) return Promise.resolve(null);
  context.fillStyle = background; // the gaps between bands
  context.fillRect(0, 0, plan.width, plan.height);
  context.scale(plan.scale, plan.scale);
  for (let i = 0; i < plan.bands; i += 1) {
    const [sx, sy, sw, sh, dx, dy] = bandPlacement(plan, i, size.width, size.height);
    context.drawImage(image, sx, sy, sw, sh, dx, dy, sw, sh);
  }
  return new Promise((resolve) => canvas.toBlob((blob) => {
    canvas.width = canvas.height = 0; // its memory back at once (a big one holds hundreds of MB)
    resolve(blob);
  }, "image/png"));
}

const pixels = (n) => Math.round(n).toLocaleString("en-US");

function pngSaid({ scale, bands, across, width, height }) {
  let said = `PNG downloaded: ${pixels(width)} × ${pixels(height)} px`;
  if (bands > 1) {
    said += `; the graph is too ${across ? "wide" : "tall"} for one picture, so it is cut into ${bands} ` +
      `${across ? "rows" : "columns"}`;
  }
  if (scale < PNG_SCALE) said += `; drawn at ${Math.round(scale * 100)} % of its size on the page (the SVG has every detail)`;
  return `${said}.`;
}
