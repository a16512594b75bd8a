// Export the current view as SVG or PNG (for slides): the graph with its numbers,
// styled by resolved colours so the file looks the same outside the page.

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

function svgElement(name, attrs) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) element.setAttribute(key, String(value));
  return element;
}

export function exportSvgText(svg, overlay, bounds) {
  const clone = svg.cloneNode(true);
  const css = styleSheetFor(svg, clone);
  labelsAsText(overlay, clone);
  const margin = 24;
  const width = bounds.width + 2 * margin;
  const height = bounds.height + 2 * margin;
  clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  clone.setAttribute("viewBox", `${-margin} ${-margin} ${width} ${height}`);
  clone.setAttribute("width", String(width));
  clone.setAttribute("height", String(height));
  clone.removeAttribute("class");
  clone.removeAttribute("style"); // the page sizes its SVG to the window; the file is the drawing's size
  const background = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  background.setAttribute("x", String(-margin));
  background.setAttribute("y", String(-margin));
  background.setAttribute("width", String(width));
  background.setAttribute("height", String(height));
  background.setAttribute("fill", window.getComputedStyle(svg).getPropertyValue("--canvas").trim() || "#ffffff");
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

export function downloadPng(svg, overlay, bounds, scale = 2) {
  const text = exportSvgText(svg, overlay, bounds);
  const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement("canvas");
      canvas.width = Math.ceil(image.width * scale);
      canvas.height = Math.ceil(image.height * scale);
      const context = canvas.getContext("2d");
      context.scale(scale, scale);
      context.drawImage(image, 0, 0);
      URL.revokeObjectURL(url);
      canvas.toBlob((blob) => {
        download(blob, "compgraph.png");
        resolve(blob);
      }, "image/png");
    };
    image.onerror = (error) => {
      URL.revokeObjectURL(url);
      reject(error);
    };
    image.src = url;
  });
}
