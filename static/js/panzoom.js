// Pan (drag) and zoom (wheel, pinch, buttons) by moving the SVG's viewBox.

const MARGIN = 24; // drawing units kept around what is fitted or revealed
// Drawing units per pixel beyond which the numbers (12 px text) are too small to read.
const MAX_SCALE = 1 / 0.7;
const PAN_INTERVAL = 250;

export class PanZoom {
  constructor(svg, overlay) {
    this.svg = svg;
    this.overlay = overlay; // the HTML labels, moved with the drawing
    this.box = { x: 0, y: 0, w: 100, h: 100 };
    this.content = { width: 100, height: 100 };
    this.lastPan = -Infinity;
    this.closeUp = false;
    this.pendingReveal = null;
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

  // Fit the whole drawing in the window, with a margin (the Fit button).
  fit() {
    clearTimeout(this.pendingReveal); // the user's (or a new graph's) view wins
    this.closeUp = false;
    const { width, height } = this.content;
    this.box = { x: -MARGIN, y: -MARGIN, w: width + 2 * MARGIN, h: height + 2 * MARGIN };
    this.apply();
  }

  // A new graph opens whole. If its numbers are too small to read that way (a wide
  // network), the first step shown zooms in to the smallest readable size around itself,
  // once (`closeUp`); from then on reveal() only pans. Zooming, dragging or Fit by hand
  // cancels the close-up.
  fitNew({ closeUp }) {
    this.fit();
    this.closeUp = closeUp && this.view?.scale > MAX_SCALE;
  }

  // Pan so that `area` (drawing units) is in view, if it is not already: the camera
  // follows the step being shown. An area too big for the view shows its `primary` part
  // instead. A drag in progress wins.
  // A pan redraws the whole drawing (60 ms on a 1,000-node graph), so pans come at most
  // every PAN_INTERVAL ms: playing fast, the view catches up a few times a second, and
  // the last step asked for is always shown once things settle.
  reveal(area) {
    clearTimeout(this.pendingReveal);
    const wait = this.lastPan + PAN_INTERVAL - performance.now();
    if (wait > 0) {
      this.pendingReveal = setTimeout(() => this.reveal(area), wait);
      return;
    }
    if (!area || area.x === undefined || !this.view || this.drag) return;
    const closeUp = this.closeUp;
    this.closeUp = false;
    // the size of the view to show: the readable one when closing up
    const v = closeUp ? { ...this.view, w: this.size.width * MAX_SCALE, h: this.size.height * MAX_SCALE } : this.view;
    const fits = (a) => a.w <= v.w - 2 * MARGIN && a.h <= v.h - 2 * MARGIN;
    const target = fits(area) || !area.primary ? area : area.primary;
    const inside = target.x >= v.x + MARGIN && target.x + target.w <= v.x + v.w - MARGIN
      && target.y >= v.y + MARGIN && target.y + target.h <= v.y + v.h - MARGIN;
    if (inside && !closeUp) return;
    // Centred on the target, but never showing empty space past the drawing's edges;
    // along a side where the whole drawing fits, centred on the drawing.
    const clamp = (start, size, extent) => (extent + 2 * MARGIN <= size
      ? (extent - size) / 2 : Math.min(Math.max(start, -MARGIN), extent + MARGIN - size));
    const x = clamp(target.x + target.w / 2 - v.w / 2, v.w, this.content.width);
    const y = clamp(target.y + target.h / 2 - v.h / 2, v.h, this.content.height);
    this.box = { x, y, w: v.w, h: v.h };
    this.apply();
    this.lastPan = performance.now();
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
    clearTimeout(this.pendingReveal);
    this.closeUp = false;
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
    clearTimeout(this.pendingReveal);
    this.closeUp = false;
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
