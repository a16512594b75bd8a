// The exported walk-through (app/export.py): one HTML file that holds these modules, the
// engine's answer and the styles, and plays from file:// with no server and no request.
// The same player as the page, with present mode (the button, F; Esc leaves) and the print
// view (one step a page), the keyboard and a presenter's clicker.

import { bindKeys } from "./keys.js";
import { bindModeButtons, modeKeys } from "./modecontrols.js";
import { Modes } from "./modes.js";
import { buildPlayerParts } from "./playerparts.js";
import { PlayerView } from "./playerview.js";
import { PresentMode } from "./present.js";
import { PrintMode } from "./printview.js";
import { applyTheme, currentTheme, initialTheme } from "./theme.js";

const $ = (selector) => document.querySelector(selector);
const data = (id) => JSON.parse(document.getElementById(id).textContent);

const result = data("compgraph-result");
const { title } = data("compgraph-meta");
const host = $("#player");
buildPlayerParts(host);
// Present mode says which step this is above the caption, as the page does.
const progress = document.createElement("p");
progress.className = "present-progress";
host.querySelector(".explain-step").prepend(progress);

const view = new PlayerView(host, { catalog: data("compgraph-catalog") });
const print = new PrintMode({ view, box: $("#print-view"), title: () => title, onLeave: () => modes.back() });
const modes = new Modes({
  root: document.body,
  modes: { step: {}, present: new PresentMode({ view, progress }), print },
});
view.onStep = (k, length) => modes.onStep(k, length);

bindKeys({ player: view.player, nodeInfo: view.nodeInfo, ready: () => view.ready, extra: modeKeys(modes) });
bindModeButtons({ modes, print, $ });
$("#theme").addEventListener("click", () => applyTheme(currentTheme() === "dark" ? "light" : "dark", $("#theme")));
applyTheme(initialTheme(), $("#theme"));

view.show(result, { k: 0 });
document.body.dataset.ready = "true";
