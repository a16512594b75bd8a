// The whole drawing in small, in a corner of the graph, with the part in view marked:
// shown when the view holds only part of the drawing (a long program opened at a
// readable size). A click or a drag on it moves the view there.

const SVG = "http://www.w3.org/2000/svg";

function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  parent.appendChild(node);
  return node;
}

export class Overview {
  constructor(svg, { onPick }) {
    this.svg = svg;
    this.viewRect = null;
    this.content = null;
    const pick = (event) => {
      if (!this.content) return;
      const rect = svg.getBoundingClientRect();
      const [x0, y0, w, h] = this.box;
      const scale = Math.max(w / rect.width, h / rect.height);
      // the map keeps its aspect ratio, centred in the element (preserveAspectRatio)
      const x = x0 + (w - rect.width * scale) / 2 + (event.clientX - rect.left) * scale;
      const y = y0 + (h - rect.height * scale) / 2 + (event.clientY - rect.top) * scale;
      onPick(x, y);
    };
    svg.addEventListener("pointerdown", (event) => {
      svg.setPointerCapture(event.pointerId);
      this.dragging = true;
      pick(event);
    });
    svg.addEventListener("pointermove", (event) => { if (this.dragging) pick(event); });
    svg.addEventListener("pointerup", () => { this.dragging = false; });
  }

  // A new result: drawn the first time the view shows only part of it (most never are,
  // and drawing a large graph twice would delay its first frame).
  build(result, pad, bounds) {
    this.pending = { result, pad, bounds };
    this.content = bounds;
    this.viewRect = null;
    this.svg.replaceChildren();
    this.svg.toggleAttribute("hidden", true);
  }

  // The map's width (app.css: by the window's width), read once per window width: reading
  // it makes the browser lay out the page there and then, and the map is drawn anew for
  // each new graph, on a keystroke.
  width() {
    if (this.widthFor !== window.innerWidth) {
      this.widthFor = window.innerWidth;
      this.cssWidth = parseFloat(getComputedStyle(this.svg).width) || 220;
    }
    return this.cssWidth;
  }

  // Draw the result's nodes and edges (drawing units, shifted by the graph's left pad).
  draw({ result, pad, bounds }) {
    const { layout } = result;
    this.pending = null;
    this.box = [0, 0, bounds.width, bounds.height];
    this.svg.setAttribute("viewBox", this.box.join(" "));
    // as tall as the drawing's shape asks, within limits: a long chain is a strip
    const width = this.width();
    this.svg.style.height = `${Math.round(Math.max(40, Math.min(width * 0.55, (width * bounds.height) / bounds.width)))}px`;
    const stroke = Math.max(1, bounds.width / 220);
    const g = el("g", { transform: `translate(${pad} 0)` }, this.svg);
    for (const edge of layout.edges) {
      el("polyline", { points: edge.points.map((p) => p.join(",")).join(" "), class: "overview-edge",
        "stroke-width": stroke }, g);
    }
    for (const box of layout.nodes) {
      el("rect", { x: box.x - box.w / 2, y: box.y - box.h / 2, width: box.w, height: box.h, class: "overview-node" }, g);
    }
    this.viewRect = el("rect", { class: "overview-view", "stroke-width": stroke * 1.5 }, this.svg);
  }

  // Mark the part in view; hide the map when the whole drawing is in view.
  update(view, content) {
    if (!view || !this.content) return;
    const whole = view.x <= 0 && view.y <= 0 && view.x + view.w >= content.width && view.y + view.h >= content.height;
    this.svg.toggleAttribute("hidden", whole); // an SVG element has no .hidden property
    if (whole) return;
    if (this.pending) this.draw(this.pending);
    this.viewRect.setAttribute("x", view.x);
    this.viewRect.setAttribute("y", view.y);
    this.viewRect.setAttribute("width", view.w);
    this.viewRect.setAttribute("height", view.h);
  }
}
