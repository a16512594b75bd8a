// Controls that give the drawing room: collapsing the editor or the step panel (the
// graph takes their place), and A−/A+, which scale the drawing's text. Bigger text
// needs more room between nodes, so a new text size asks the engine for a new layout
// (its text_scale option) through `onTextScale`.

export const TEXT_SCALES = [0.75, 0.9, 1, 1.15, 1.3, 1.5, 1.75, 2];

export class RoomControls {
  constructor({ layout, onTextScale }) {
    this.layout = layout;
    this.textScale = 1;
    this.onTextScale = onTextScale;
    this.toggle("#toggle-editor", "#editor-panel", "editor");
    this.toggle("#toggle-explain", "#explain-panel", "explain");
    document.querySelector("#text-bigger").addEventListener("click", () => this.step(1));
    document.querySelector("#text-smaller").addEventListener("click", () => this.step(-1));
  }

  toggle(buttonSelector, panelSelector, area) {
    const button = document.querySelector(buttonSelector);
    const panel = document.querySelector(panelSelector);
    button.addEventListener("click", () => {
      const collapse = panel.dataset.collapsed !== "true";
      panel.dataset.collapsed = String(collapse);
      this.layout.dataset[area] = collapse ? "collapsed" : "open";
      button.setAttribute("aria-expanded", String(!collapse));
    });
  }

  // Set the text scale (from a shared link) to the nearest offered one.
  set(scale) {
    this.textScale = TEXT_SCALES.reduce((a, b) => (Math.abs(b - scale) < Math.abs(a - scale) ? b : a));
  }

  step(direction) {
    const i = TEXT_SCALES.indexOf(this.textScale) + direction;
    if (i < 0 || i >= TEXT_SCALES.length) return;
    this.textScale = TEXT_SCALES[i];
    document.querySelector("#text-smaller").disabled = i === 0;
    document.querySelector("#text-bigger").disabled = i === TEXT_SCALES.length - 1;
    this.onTextScale(this.textScale);
  }
}
