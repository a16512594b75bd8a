// The player for a host that has none of the page's markup (the exported walk-through, a
// notebook widget): its parts in one box that lays them out (app.css: .player-host), and
// mountPlayer(), which puts a result in it. No request is made: the result is given.

import { bindKeys } from "./keys.js";
import { PlayerView } from "./playerview.js";

// The same parts, by data-part, as the page's (templates/index.html), without its ids (a
// host may hold several players).
const PARTS = `
<div class="player-graph">
  <div class="graph-stage" data-part="stage">
    <div class="graph-box"><svg data-part="graph" class="graph" role="img" aria-label="Computational graph"></svg></div>
    <div data-part="labels" class="graph-labels" aria-hidden="true"></div>
    <svg data-part="overview" class="overview" role="img" aria-label="Overview of the whole graph; click to go there" hidden></svg>
  </div>
  <div data-part="node-info" class="node-info" hidden></div>
</div>
<div class="player-explain">
  <div class="explain-step">
    <h2 data-part="explain-title" class="panel-title">Ready</h2>
    <div data-part="explain-lines" class="explain-lines"></div>
    <div data-part="explain-figures" class="explain-figures"></div>
  </div>
  <section data-part="summary" class="summary" hidden>
    <h2 class="panel-title">Gradients and the numerical check</h2>
    <p class="summary-value"></p>
    <div class="table-scroll"><table>
      <thead><tr><th scope="col">gradient</th><th scope="col">backprop</th><th scope="col">numeric</th><th scope="col" title="relative error">rel. err</th><th scope="col">check</th></tr></thead>
      <tbody></tbody>
    </table></div>
    <p class="summary-note">Numeric: a central difference (f(x+h) − f(x−h)) / 2h; the engine decides
      whether the two agree (up to rounding).</p>
    <p class="summary-note summary-tensor-note" hidden></p>
  </section>
</div>
<div data-part="timeline" class="timeline">
  <div class="transport">
    <button data-part="start" type="button" aria-label="Jump to start" title="Start (Home)">⇤</button>
    <button data-part="back" type="button" aria-label="Step back" title="Step back (←)">◁</button>
    <button data-part="play" type="button" aria-label="Play" aria-pressed="false" title="Play / pause (Space)">▶</button>
    <button data-part="forward" type="button" aria-label="Step forward" title="Step forward (→)">▷</button>
    <button data-part="end" type="button" aria-label="Jump to end" title="End (End)">⇥</button>
  </div>
  <span data-part="phase-label" class="phase-label" data-phase="start">ready</span>
  <div data-part="announce" class="visually-hidden" aria-live="polite"></div>
  <div class="scrubber-track">
    <input data-part="scrubber" type="range" min="0" max="0" value="0" aria-label="Step">
    <span data-part="scrubber-split" class="scrubber-split" aria-hidden="true"></span>
  </div>
  <span data-part="step-label" class="step-label">start</span>
  <label class="speed-label"><span class="speed-word">Speed</span>
    <select data-part="speed">
      <option value="0.5">½ step/s</option><option value="1">1 step/s</option>
      <option value="2" selected>2 steps/s</option><option value="5">5 steps/s</option>
      <option value="20">20 steps/s</option><option value="60">60 steps/s</option>
    </select>
  </label>
</div>`;

export function buildPlayerParts(container) {
  container.classList.add("player-host");
  container.innerHTML = PARTS; // a constant: no text from a user or a result goes in here
}

// Mount the player in `container` and show `result` (the engine's JSON contract, with its
// layout) at step k. `catalog` (/api/operators) lets each forward step show its numbers
// in the operator's form (−2 + 5); `keys`: the keyboard steps this player; canvasMinNodes:
// from what size the graph is drawn on a canvas (PlayerView).
export function mountPlayer(container, result, { catalog = null, keys = true, k = 0, canvasMinNodes } = {}) {
  buildPlayerParts(container);
  const view = new PlayerView(container, { catalog, canvasMinNodes });
  if (keys) bindKeys({ player: view.player, nodeInfo: view.nodeInfo, ready: () => view.ready });
  view.show(result, { k });
  return view;
}
