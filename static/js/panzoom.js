// Pan (drag) and zoom (wheel, pinch, buttons) by moving the SVG's viewBox.

const MARGIN = 24; // drawing units kept around what is fitted or revealed
// Drawing units per pixel beyond which the numbers (15 px in the drawing) are drawn
// smaller than 12 px: too small to read.
const READABLE_SCALE = 15 / 12;
// A graph drawn whole thinner than this (px) is a sliver: a long chain as a dotted line.
const SLIVER = 48;
// Fit enlarges a small graph up to this (numbers at 24 px), no further.
export const FIT_LARGEST = 1 / 1.6;
const PAN_INTERVAL = 250;

export class PanZoom {
  constructor(svg, overlay) {
    this.svg = svg;
    this.overlay = overlay; // the HTML labels, moved with the drawing
    this.box = { x: 0, y: 0, w: 100, h: 100 };
    this.content = { width: 100, height: 100 };
    this.lastPan = -Infinity;
    this.largest = FIT_LARGEST; // how far Fit may enlarge a small graph (present mode: further)
    this.pendingReveal = null;
    this.onView = () => {}; // told of every change of view (the overview map follows it)
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
      // A fitted view fits the new size (a side panel collapsed); any other keeps its place.
      if (this.fitted) this.fit();
      else this.apply();
    }).observe(box);
  }

  sizeSvg() {
    this.svg.style.width = `${this.size.width}px`;
    this.svg.style.height = `${this.size.height}px`;
  }

  setContent(width, height) {
    this.content = { width, height };
  }

  // Fit the whole drawing in the window, with a margin (the Fit button): a small graph is
  // enlarged to fill it, up to FIT_LARGEST.
  fit() {
    clearTimeout(this.pendingReveal); // the user's (or a new graph's) view wins
    const { width, height } = this.content;
    const w = width + 2 * MARGIN;
    const h = height + 2 * MARGIN;
    const { width: pw, height: ph } = this.size;
    const scale = pw && ph ? Math.max(w / pw, h / ph) : 1;
    const grow = scale < this.largest ? this.largest / scale : 1;
    this.box = { x: width / 2 - (w * grow) / 2, y: height / 2 - (h * grow) / 2, w: w * grow, h: h * grow };
    this.fitted = true;
    this.apply();
  }

  // A new graph opens whole. One too big to read that way (a long program, a wide network)
  // opens at the smallest readable size instead, on `first` (what the first step is about),
  // and the overview map shows where that is; reveal() then follows the steps. `readable`
  // says when: "always", "sliver" (only if the whole would be a sliver) or "never".
  fitNew({ readable, first }) {
    this.fit();
    const scale = this.view?.scale;
    if (!(scale > READABLE_SCALE) || readable === "never") return;
    const { width, height } = this.content;
    if (readable === "sliver" && Math.min(width, height) / scale >= SLIVER) return;
    const { width: pw, height: ph } = this.size;
    const area = first || { x: 0, y: 0, w: 0, h: 0 };
    this.box = this.clamped(area, pw * READABLE_SCALE, ph * READABLE_SCALE);
    this.fitted = false;
    this.apply();
  }

  // A view of w×h drawing units centred on `area`, never showing space past the drawing's
  // edges; along a side where the whole drawing fits, centred on the drawing.
  clamped(area, w, h) {
    const clamp = (start, size, extent) => (extent + 2 * MARGIN <= size
      ? (extent - size) / 2 : Math.min(Math.max(start, -MARGIN), extent + MARGIN - size));
    return {
      x: clamp(area.x + area.w / 2 - w / 2, w, this.content.width),
      y: clamp(area.y + area.h / 2 - h / 2, h, this.content.height),
      w, h,
    };
  }

  // Centre the view on a point of the drawing (a click on the overview map).
  centreOn(x, y) {
    clearTimeout(this.pendingReveal);
    const v = this.view;
    if (!v) return;
    this.box = this.clamped({ x, y, w: 0, h: 0 }, v.w, v.h);
    this.fitted = false;
    this.apply();
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
    const v = this.view;
    const fits = (a) => a.w <= v.w - 2 * MARGIN && a.h <= v.h - 2 * MARGIN;
    const target = fits(area) || !area.primary ? area : area.primary;
    const inside = target.x >= v.x + MARGIN && target.x + target.w <= v.x + v.w - MARGIN
      && target.y >= v.y + MARGIN && target.y + target.h <= v.y + v.h - MARGIN;
    if (inside) return;
    this.box = this.clamped(target, v.w, v.h);
    this.fitted = false;
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
    // Set again unchanged (a keystroke's answer fitted as before), the viewBox still makes the
    // browser lay out the whole drawing again (4 ms at 250 nodes).
    const viewBox = `${this.view.x} ${this.view.y} ${w} ${h}`;
    if (this.svg.getAttribute("viewBox") !== viewBox) this.svg.setAttribute("viewBox", viewBox);
    // The same mapping for the labels: drawing units to pixels of the element.
    const k = 1 / scale;
    this.overlay.style.transform = `translate(${-this.view.x * k}px, ${-this.view.y * k}px) scale(${k})`;
    this.onView(this.view, this.content);
  }

  zoom(factor, clientX = null, clientY = null) {
    clearTimeout(this.pendingReveal);
    const rect = this.svg.getBoundingClientRect();
    const v = this.view || { ...this.box, scale: 1 };
    const px = clientX === null ? 0.5 : (clientX - rect.left) / rect.width;
    const py = clientY === null ? 0.5 : (clientY - rect.top) / rect.height;
    const fx = v.x + px * v.w;
    const fy = v.y + py * v.h;
    const w = Math.min(Math.max(v.w * factor, 40), 20 * Math.max(this.content.width, this.content.height) + 400);
    const h = (v.h * w) / v.w;
    this.box = { x: fx - px * w, y: fy - py * h, w, h };
    this.fitted = false;
    this.apply();
  }

  onWheel(event) {
    event.preventDefault();
    this.zoom(Math.exp(event.deltaY * 0.0015), event.clientX, event.clientY);
  }

  onDown(event) {
    if (event.button !== 0 || event.target.closest(".node")) return;
    clearTimeout(this.pendingReveal);
    this.fitted = false;
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
