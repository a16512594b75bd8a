// Present mode: the graph full-window for a room, the current step's explanation as a
// large caption under it, every panel hidden (the stylesheet does that from data-mode), the
// current node and edge marked heavily, and a clicker's keys (PageDown, PageUp, arrows,
// Space) stepping through. Esc, F or the ✕ button leave it.

import { FIT_LARGEST } from "./panzoom.js";

// Fit may enlarge a small graph this far here (numbers at 15 px × 4 = 60 px): what fills a
// projected screen, not what suits a laptop.
const PRESENT_LARGEST = 1 / 4;

export class PresentMode {
  // progress: where the caption says which step this is.
  constructor({ view, progress }) {
    this.view = view;
    this.progress = progress;
  }

  enter() {
    this.view.panzoom.largest = PRESENT_LARGEST;
    this.view.panzoom.fit(); // and again when the panels' room is given to the graph (fitted)
    this.view.nodeInfo.unpin();
    this.onStep(this.view.player.k);
  }

  leave() {
    this.view.panzoom.largest = FIT_LARGEST;
    this.view.panzoom.fit();
  }

  onResult() {
    this.view.panzoom.fit();
  }

  onStep(k) {
    if (!this.view.replay) return;
    const [phase, where] = this.view.replay.where(k);
    this.progress.textContent = k === 0 ? `${where} · press → or PageDown` : `${phase} · ${where}`;
  }
}
