// Pan (drag) and zoom (wheel, pinch, buttons) by moving the SVG's viewBox.

export class PanZoom {
  constructor(svg, overlay) {
    this.svg = svg;
    this.overlay = overlay; // the HTML labels, moved with the drawing
    this.box = { x: 0, y: 0, w: 100, h: 100 };
    this.content = { width: 100, height: 100 };
    svg.addEventListener("wheel", (event) => this.onWheel(event), { passive: false });
    svg.addEventListener("pointerdown", (event) => this.onDown(event));
    svg.addEventListener("pointermove", (event) => this.onMove(event));
    svg.addEventListener("pointerup", (event) => this.onUp(event));
    svg.addEventListener("pointercancel", (event) => this.onUp(event));
    // The drawing's size in pixels, from its box and kept here: asking the layout for it
    // right after building a large graph would force a full layout before the first frame.
    // The SVG gets that size in px, not 100%: an SVG sized relative to its container is laid
    // out again, all of it, whenever anything near it is, and that cost every step 20 ms.
    const box = svg.parentElement;
    this.size = { width: box.clientWidth, height: box.clientHeight };
    this.sizeSvg();
    new ResizeObserver((entries) => {
      const { width, height } = entries[0].contentRect;
      this.size = { width, height };
      this.sizeSvg();
      this.apply();
    }).observe(box);
  }

  sizeSvg() {
    this.svg.style.width = `${this.size.width}px`;
    this.svg.style.height = `${this.size.height}px`;
  }

  setContent(width, height) {
    this.content = { width, height };
  }

  // Fit the whole drawing in the window, with a margin.
  fit() {
    const margin = 24;
    const { width, height } = this.content;
    this.box = { x: -margin, y: -margin, w: width + 2 * margin, h: height + 2 * margin };
    this.apply();
  }

  apply() {
    const rect = this.size;
    if (!rect.width || !rect.height) return;
    // Keep the aspect ratio of the element so pixels stay square.
    const scale = Math.max(this.box.w / rect.width, this.box.h / rect.height);
    const w = rect.width * scale;
    const h = rect.height * scale;
    const cx = this.box.x + this.box.w / 2;
    const cy = this.box.y + this.box.h / 2;
    this.view = { x: cx - w / 2, y: cy - h / 2, w, h, scale };
    this.svg.setAttribute("viewBox", `${this.view.x} ${this.view.y} ${w} ${h}`);
    // The same mapping for the labels: drawing units to pixels of the element.
    const k = 1 / scale;
    this.overlay.style.transform = `translate(${-this.view.x * k}px, ${-this.view.y * k}px) scale(${k})`;
  }

  zoom(factor, clientX = null, clientY = null) {
    const rect = this.svg.getBoundingClientRect();
    const v = this.view || { ...this.box, scale: 1 };
    const px = clientX === null ? 0.5 : (clientX - rect.left) / rect.width;
    const py = clientY === null ? 0.5 : (clientY - rect.top) / rect.height;
    const fx = v.x + px * v.w;
    const fy = v.y + py * v.h;
    const w = Math.min(Math.max(v.w * factor, 40), 20 * Math.max(this.content.width, this.content.height) + 400);
    const h = (v.h * w) / v.w;
    this.box = { x: fx - px * w, y: fy - py * h, w, h };
    this.apply();
  }

  onWheel(event) {
    event.preventDefault();
    this.zoom(Math.exp(event.deltaY * 0.0015), event.clientX, event.clientY);
  }

  onDown(event) {
    if (event.button !== 0 || event.target.closest(".node")) return;
    this.drag = { x: event.clientX, y: event.clientY, box: { ...this.view } };
    this.svg.setPointerCapture(event.pointerId);
    this.svg.classList.add("panning");
  }

  onMove(event) {
    if (!this.drag) return;
    const { scale } = this.view;
    const dx = (event.clientX - this.drag.x) * scale;
    const dy = (event.clientY - this.drag.y) * scale;
    this.box = { x: this.drag.box.x - dx, y: this.drag.box.y - dy, w: this.drag.box.w, h: this.drag.box.h };
    this.apply();
  }

  onUp(event) {
    if (!this.drag) return;
    this.drag = null;
    this.svg.releasePointerCapture?.(event.pointerId);
    this.svg.classList.remove("panning");
  }
}
